#!/usr/bin/env bash
# build.sh DIR [MESON OPTIONS...] — configure (once) and compile carecoord in DIR.
set -eu
cd "$(dirname "$0")/.."
dir=$1
shift
if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
else
    meson setup "$dir" "$@" >/dev/null
fi
meson compile -C "$dir" >/dev/null
