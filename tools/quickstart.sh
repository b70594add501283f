#!/usr/bin/env bash
# quickstart.sh — install what is missing, build carecoord, build a demo
# database (synthetic people only) and open the program on it as demo-coach
# (passphrase "demo"); without a terminal it prints what the database holds.
# A production build: no test hooks (tools/test.sh's builds have them).
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh build -Dtest_hooks=false
db=${CARECOORD_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/carecoord/demo.db}
mkdir -p "$(dirname "$db")"
./build/carecoord --db "$db" demo --force
