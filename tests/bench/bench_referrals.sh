#!/usr/bin/env bash
# bench_referrals.sh — how fast a referral spreadsheet goes in: N synthetic
# rows (new clients of the care-transition program at NGH, every tenth a
# duplicate of the row before it, so --partial refuses it) written as CSV,
# then `carecoord import referrals` on a copy of a demo database, all or
# nothing (the rows without the duplicates) and --partial (with them).
# Prints rows per second for each. A command, never a test:
#
#   carecoord --db /tmp/b20k.db demo --clients 20000 --no-tui
#   tests/bench/bench_referrals.sh build/carecoord /tmp/b20k.db 5000
set -eu
bin=$1 db=$2 n=${3:-5000}
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf -- "$T"; echo "$T" >&2' EXIT
export CARECOORD_PASSPHRASE=${CARECOORD_PASSPHRASE:-demo}
zip=$("$bin" --db "$db" --user demo-admin area list | tr ',' '\n' | head -n 1)
python3 - "$n" "$zip" "$T" <<'PY'
import sys, datetime
n, zip_, d = int(sys.argv[1]), sys.argv[2], sys.argv[3]
head = "family,given,dob,zip,payer,setting,setting_org,language,program,source,source_org,person,criteria,received,override\r\n"
def letters(i):  # names differ in letters: the duplicate check ignores digits
    s = ""
    for _ in range(4):
        s += "abcdefghijklmnopqrstuvwxyz"[i % 26]
        i //= 26
    return s
def row(i):
    dob = datetime.date(1935, 1, 1) + datetime.timedelta(days=i % 9000)
    return (f"Bench{letters(i)},{letters(i * 7 + 3)[::-1]},{dob},{zip_},medicare,"
            f"home,,en,ct-ngh,discharge-planner,NGH,\"Dana Synth, RN\",readmission-risk,2026-11-18,\r\n")
with open(f"{d}/clean.csv", "w", newline="") as f:
    f.write(head)
    for i in range(n):
        f.write(row(i))
with open(f"{d}/dups.csv", "w", newline="") as f:
    f.write(head)
    for i in range(n):
        f.write(row(i - 1 if i % 10 == 9 else i))
PY
run() {
    local label=$1 file=$2
    shift 2
    cp "$db" "$T/x.db"
    cp "$db.keys" "$T/x.db.keys"
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" --db "$T/x.db" --user demo-coach import referrals "$file" "$@" >"$T/out" 2>&1 || true
    t1=$(date +%s.%N)
    python3 -c "import sys; n,s=int(sys.argv[1]),float(sys.argv[3])-float(sys.argv[2]); \
print(f'{sys.argv[4]:<34} {n/s:8.0f} rows/s ({s:.2f} s)')" "$n" "$t0" "$t1" "$label"
    tail -n 1 "$T/out"
}
run "all or nothing, $n new rows" "$T/clean.csv"
run "--partial, every tenth a duplicate" "$T/dups.csv" --partial --rejects "$T/rejects.csv"
