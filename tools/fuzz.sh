#!/usr/bin/env bash
# fuzz.sh — build the libFuzzer targets of tests/fuzz with clang (address and
# undefined-behaviour sanitizers on) and run each for a while over its seed
# corpus. The suite runs a short pass (FUZZ_SECONDS=5 each); by hand, run a
# long one:  FUZZ_SECONDS=3600 tools/fuzz.sh [TARGET...]
# Prints TAP: one test per target. A crash leaves its input in OUT/.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-5}
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/carecoord-fuzz.XXXXXX")}
mkdir -p "$out"
cc=$(command -v clang || true)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(hl7 mllp csv text)
echo "1..${#targets[@]}"
if [ -z "$cc" ]; then
    for t in "${targets[@]}"; do echo "not ok - fuzz_$t: clang is not installed"; done
    exit 1
fi
declare -A srcs=(
    [hl7]="src/io/hl7.c src/io/adt.c src/util/text.c src/util/clock.c src/util/hooks.c"
    [mllp]="src/io/mllp.c"
    [csv]="src/io/csv.c"
    [text]="src/util/text.c"
)
declare -A seeds=([hl7]=tests/data/adt [mllp]=tests/data/adt [csv]=tests/data/csv [text]=tests/data/adt)
status=0
n=0
for t in "${targets[@]}"; do
    n=$((n + 1))
    bin=$out/fuzz_$t
    # shellcheck disable=SC2086
    if ! "$cc" -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -o "$bin" "tests/fuzz/fuzz_$t.c" ${srcs[$t]} \
        2>"$out/build_$t.log"; then
        echo "not ok $n - fuzz_$t: does not build (see $out/build_$t.log)"
        sed 's/^/# /' "$out/build_$t.log" | head -20
        status=1
        continue
    fi
    corpus=$out/corpus_$t
    mkdir -p "$corpus"
    if "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
        -artifact_prefix="$out/crash_$t-" "$corpus" "${seeds[$t]}" \
        >"$out/run_$t.log" 2>&1; then
        runs=$(grep -oE 'Done [0-9]+ runs' "$out/run_$t.log" | grep -oE '[0-9]+' | tail -1)
        echo "ok $n - fuzz_$t: ${runs:-?} runs in ${seconds}s, no crash, leak or UB"
    else
        echo "not ok $n - fuzz_$t: failed (input and log in $out)"
        tail -30 "$out/run_$t.log" | sed 's/^/# /'
        status=1
    fi
done
exit $status
