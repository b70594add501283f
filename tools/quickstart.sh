#!/usr/bin/env bash
# quickstart.sh — install what is missing, build carecoord, build a demo
# database (synthetic people only) and open the program on it as demo-coach
# (passphrase "demo"); without a terminal it prints what the database holds.
# A production build, in its own directory build-release/: no test hooks.
# tools/test.sh's test builds (build/, build-san/, hooks on) are never
# touched, so running one script after the other reconfigures nothing.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh build-release -Dtest_hooks=false
db=${CARECOORD_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/carecoord/demo.db}
mkdir -p "$(dirname "$db")"
./build-release/carecoord --db "$db" demo --force
