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
# Quiet when it builds; the compiler's own words when it does not.
if ! meson compile -C "$dir" >"$dir/compile.log" 2>&1; then
    grep -E 'error|warning' -A4 "$dir/compile.log" | head -60
    echo "build.sh: $dir does not build (the whole log: $dir/compile.log)" >&2
    exit 1
fi
