#!/usr/bin/env bash
# bench_sqlcipher.sh — the encrypted store against SQLCipher, side by side.
#
# Runs tests/bench_store (our VFS and plain SQLite, the build's SQLite) and
# tests/bench_sqlcipher (SQLCipher and plain SQLite from SQLCipher's own
# library, an older SQLite) on the same seed, scale and options, and prints one
# table: each binary's medians, its encrypted/plain ratio, and ours against
# SQLCipher's time. Both binaries must come from the same build directory;
# bench_sqlcipher is built only where libsqlcipher-dev is installed:
#
#   apt-get install -y libsqlcipher-dev      # Debian 12: SQLCipher 3.4.1 (SQLite 3.15.2)
#   meson setup /tmp/br --buildtype=release && ninja -C /tmp/br tests/bench_store tests/bench_sqlcipher
#   tests/bench/bench_sqlcipher.sh /tmp/br --cache-kib 2048
#
# Every argument after the build directory goes to both binaries (see
# bench_store --help). A benchmark command: nothing here is a test.
set -eu
[ $# -ge 1 ] || {
    echo "usage: $0 BUILD_DIR [bench_store options]" >&2
    exit 2
}
bd=$1
shift
for b in bench_store bench_sqlcipher; do
    [ -x "$bd/tests/$b" ] || {
        echo "$0: $bd/tests/$b is not built (libsqlcipher-dev installed?)" >&2
        exit 1
    }
done
out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT
"$bd/tests/bench_store" --tsv "$@" >"$out/ours"
"$bd/tests/bench_sqlcipher" --tsv "$@" >"$out/sqlcipher"
echo "ours: $(sed -n 's/^#bench_store\t//p' "$out/ours"), XChaCha20-Poly1305 VFS;" \
    "SQLCipher: $(sed -n 's/^#bench_sqlcipher\t//p' "$out/sqlcipher")"
echo "options: ${*:-(defaults)}"
grep -h "^#  " "$out/ours" "$out/sqlcipher" || true
for f in ours sqlcipher; do
    printf '%s: rows checksum %s\n' "$f" "$(sed -n 's/^#checksum\t//p' "$out/$f")"
done
echo
awk -F'\t' '
    FNR == NR { if ($1 !~ /^#/) { name[$1] = $2; n[$1] = $3; oe[$1] = $4; op[$1] = $5;
                rd[$1] = $6; order[++k] = $1 } next }
    $1 !~ /^#/ { se[$1] = $4; sp[$1] = $5; srd[$1] = $6 }
    END {
        printf "%-30s %7s | %9s %9s %6s %5s | %9s %9s %6s %5s | %8s\n", "workload", "ops",
               "ours ms", "plain ms", "ratio", "rd/op", "sqlc ms", "plain ms", "ratio",
               "rd/op", "ours/sqlc"
        for (i = 1; i <= k; i++) {
            w = order[i]
            printf "%-30s %7d | %9.1f %9.1f %5.2fx %5.2f | %9.1f %9.1f %5.2fx %5.2f | %7.2fx\n",
                   w ". " name[w], n[w], oe[w], op[w], oe[w] / op[w], rd[w],
                   se[w], sp[w], se[w] / sp[w], srd[w], oe[w] / se[w]
        }
    }' "$out/ours" "$out/sqlcipher"
