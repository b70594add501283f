#!/usr/bin/env bash
# test.sh — install what is missing, then build and run the whole suite twice:
# a normal build with warnings as errors, and the same under AddressSanitizer
# and UndefinedBehaviorSanitizer. Both are test builds: the test hooks
# (CARECOORD_NOW, CARECOORD_CONF, ...) are compiled in, which a production
# build never has. The last line is "N passed, N failed".
#   CRASH_CYCLES=10000 tools/test.sh    the long crash mode (by hand)
set -u
cd "$(dirname "$0")/.."
tools/deps.sh || exit 1
cycles=${CRASH_CYCLES:-200}
status=0
tools/build.sh build -Dwerror=true -Dtest_hooks=true -Dcrash_cycles="$cycles" || exit 1
tools/build.sh build-san -Dwerror=true -Dtest_hooks=true -Dcrash_cycles="$cycles" \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C build --print-errorlogs --no-rebuild || status=1
meson test -C build-san --print-errorlogs --no-rebuild || status=1
python3 tools/count_tap.py build build-san || status=1
exit $status
