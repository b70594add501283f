#!/usr/bin/env bash
# cli_quarterly.sh — `carecoord report quarterly` from a blank `init`: the
# administrator names the site and sets a budget, a coach takes in a client
# with the hospital's readmission risk, and the supervisor and a program
# manager take the report in all four formats. Text fits 80 columns and
# cuts nothing; CSV has one row per program and measure with plain numbers
# and "n/a"; the JSON validates against docs/quarterly.schema.json (with
# ajv, installed by tools/npm-deps.sh; if it cannot be installed the test
# says so and fails); the HTML is one file with no script and nothing
# fetched, written 0600 by --output. Then the same on a demo database, and
# the refusals: a coach, a quarter not begun, a bad format, a bad budget.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-22T12:00:00Z
ROOT=${CARECOORD_SOURCE_ROOT:-$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SCHEMA="$ROOT/docs/quarterly.schema.json"
ADMIN_PASS=admin-passphrase
admin() { CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user root "$@"; }
as() {
    local who=$1
    shift
    CARECOORD_PASSPHRASE="$who-own-pass" cc --user "$who" "$@"
}
add_user() {
    local who=$1
    shift
    CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=one-time-pass \
        cc --user root user add "$who" --role "$@" || return 1
    CARECOORD_PASSPHRASE=one-time-pass CARECOORD_NEW_PASSPHRASE="$who-own-pass" \
        cc --user "$who" passwd
}
json() { python3 -c "import json,sys; b=json.load(open(sys.argv[2])); print($1)" "$1" "$2"; }
measure() { # PROGRAM ID FILE: that measure's value, numerator, denominator
    python3 -c "
import json,sys
b=json.load(open(sys.argv[3]))
p=[p for p in b['programs'] if p['code']==sys.argv[1]][0]
m=[m for m in p['measures'] if m['id']==sys.argv[2]][0]
print(m['value'], m['numerator'], m['denominator'])" "$1" "$2" "$3"
}
wide_or_cut() { awk '{ if (length($0) > 80 || index($0, "~")) print }' "$1"; }

if NODE_MODULES=$("$ROOT/tools/npm-deps.sh" 2>"$T/npm.err"); then
    pass "ajv is installed ($NODE_MODULES)"
else
    fail "ajv could not be installed: $(cat "$T/npm.err")"
    NODE_MODULES=/nonexistent
fi
validate() {
    FHIR_NODE_MODULES=$NODE_MODULES node "$ROOT/tests/fhir/validate_schema.js" "$SCHEMA" "$@" \
        >"$T/v.out" 2>&1
    local rc=$?
    cat "$T/v.out" >&2
    return $rc
}
printf '{"report":"quarterly"}\n' >"$T/bad.json"
validate "$T/bad.json"
is "$?" 1 'the schema refuses a document without its parts (it checks for real)'

# ---- from a blank database -------------------------------------------------
CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created' 'init'
admin team add 'NGH Transitions' --program ct-ngh
ok 'setup: a coach' add_user coach1 coach --team 'NGH Transitions'
ok 'setup: a supervisor' add_user super1 supervisor --full-name 'Sam Uper'
ok 'setup: a program manager' add_user pm1 program-manager
admin team cover add 'NGH Transitions' pm1
expect 0 out '' 'setup: the manager covers the NGH team'
admin site name 'Lakeside Region Care Coordination'
expect 0 out '^site name set$' 'the administrator names the site'
admin site name $'bad\e[2Jname'
expect 3 err 'one line of 1 to 127 characters' 'a site name with an escape is refused'
admin program budget ct-ngh --quarter 2026Q3 --amount 12500.50
expect 0 out '^budget of ct-ngh for 2026Q3 set to 12500.50$' 'a budget for a quarter'
admin program budget ct-ngh --quarter 2026Q3 --amount 12.345
expect 1 err 'amount in dollars' 'a budget with three decimals is refused'
as coach1 program budget ct-ngh --quarter 2026Q3 --amount 10
expect 2 err 'program.manage' 'a coach may not set a budget'

CARECOORD_NOW=2026-08-03T09:00:00Z as coach1 client intake --family Quartel --given Ada \
    --dob 1950-02-02 --zip 20810 --payer medicare --program ct-ngh --source discharge-planner \
    --readmit-risk 18.5 --received 2026-08-03
expect 0 out '^client 1 taken in' 'a coach takes in a client with the readmission risk given'
CARECOORD_NOW=2026-08-03T10:00:00Z as coach1 client consent 1 --kind participation \
    --decision granted --signed 2026-08-03 --expires 2026-09-15
expect 0 out '' 'setup: the client consents (until 09-15: it expires in the quarter)'
CARECOORD_NOW=2026-08-04T09:00:00Z as coach1 encounter add 1 --kind discharge --facility NGH \
    --when '2026-08-04 08:00'
expect 0 out '' 'setup: the client is discharged (the episode starts)'
CARECOORD_NOW=2026-08-20T09:00:00Z as coach1 encounter add 1 --kind admit --facility NGH \
    --when '2026-08-20 07:00'
expect 0 out '' 'setup: and readmitted 16 days later'
as coach1 client intake --family Quartel --given Bo --dob 1951-03-03 --zip 20810 \
    --payer medicare --program ct-ngh --readmit-risk 140
expect 3 err 'percentage from 0 to 100' 'a risk over 100% is refused'

# ---- the four formats ------------------------------------------------------
as super1 report quarterly --quarter 2026Q3
expect 0 out '^Quarterly report 2026Q3: 2026-07-01 to 2026-09-30$' 'the text report names the quarter'
like "$OUT" 'Site:        Lakeside Region Care Coordination' '... the site'
like "$OUT" 'by super1 \(Sam Uper\), supervisor' '... who made it'
like "$OUT" 'Audit head:  entry [0-9]+' '... the audit head'
like "$OUT" 'ct-ngh  Care Transitions at Northgate General Hospital' '... every program'
like "$OUT" 'referrals converted \(first HRA high\)   0.0%  +0 / 1' \
    'the one referral of the quarter, not assessed: 0 of 1'
like "$OUT" '30-day readmissions +100.0% +1 / 1' 'the readmission: 1 of 1'
like "$OUT" 'readmissions expected at intake +0.2' '... expected: the 18.5% risk given'
like "$OUT" 'consents that expired +1' 'the consent that expired in the quarter'
like "$OUT" 'observed / expected readmissions +5.41 +1 / 0.185' '... 1 over 0.185 = 5.41'
like "$OUT" 'episode length \(closed episodes\) +n/a +0 / 0' 'no episode closed: n/a, not 0'
printf '%s\n' "$OUT" >"$T/q.txt"
is "$(wide_or_cut "$T/q.txt")" '' 'no line is wider than 80 columns or cut with ~'

as super1 report quarterly --quarter 2026Q3 --format csv
expect 0 out '^program,quarter,from,to,measure,label,value,unit,numerator,denominator' 'CSV header'
printf '%s' "$OUT" >"$T/q.csv"
admin program list
nprog=$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)
is "$(grep -c $'\r$' "$T/q.csv")" "$((1 + nprog * 29))" 'one CRLF row per program and measure'
like "$(cat "$T/q.csv")" 'ct-ngh,2026Q3,2026-07-01,2026-09-30,referral_conversion,referrals converted \(first HRA high\),0,percent,0,1' \
    'a rate as plain numbers'
like "$(cat "$T/q.csv")" 'ct-ngh,2026Q3,2026-07-01,2026-09-30,episode_length,episode length \(closed episodes\),n/a,days,0,0' \
    'an empty denominator is n/a'
is "$(LC_ALL=C grep -c -P '[^\x00-\x7f]' "$T/q.csv")" 0 'no chart characters in the CSV'

as super1 report quarterly --quarter 2026Q3 --format json --output "$T/q.json"
expect 0 out '' 'JSON to a file'
ok 'the JSON validates against docs/quarterly.schema.json' validate "$T/q.json"
is "$(measure ct-ngh referral_conversion "$T/q.json")" '0 0 1' 'a rate as numbers'
is "$(measure ct-ngh readmission_expected "$T/q.json")" '0.185 None None' 'expected as a number'
is "$(measure ct-ngh episode_length "$T/q.json")" 'None 0 0' 'an empty denominator is null'
is "$(measure ct-ngh clients_served "$T/q.json")" '1 None None' 'one client served'
is "$(measure ct-ngh cost_per_client "$T/q.json")" '12500.5 12500.5 1' \
    'the budget over the client served'
is "$(json "b['site'], b['generated_by']['login'], b['period']['partial']" "$T/q.json")" \
    'Lakeside Region Care Coordination super1 False' 'the header in JSON'
is "$(stat -c %a "$T/q.json")" 600 '--output writes 0600'

as super1 report quarterly --quarter 2026Q3 --format html --output "$T/q.html"
expect 0 out '' 'HTML to a file'
ok 'the HTML is a document' grep -q '^<!DOCTYPE html>' "$T/q.html"
is "$(grep -c -i '<script\|https\?:' "$T/q.html")" 0 'no script, nothing fetched'
ok 'an SVG chart per measure' grep -q '<svg' "$T/q.html"

# A program manager's report covers the teams they cover.
as pm1 report quarterly --quarter 2026Q3 --format json --output "$T/pm.json"
expect 0 out '' "the manager's report"
is "$(json "[p['code'] for p in b['programs']]" "$T/pm.json")" "['ct-ngh']" \
    "the manager's report has their program only"

# ---- refusals ----------------------------------------------------------------
as coach1 report quarterly --quarter 2026Q3
expect 2 err 'measures.view' 'a coach may not take the quarterly report'
as super1 report quarterly --quarter 2027Q1
expect 3 err '2027Q1 has not begun' 'a quarter not begun is refused'
as super1 report quarterly --quarter 2026Q5
expect 3 err 'written like 2026Q3' 'a malformed quarter is refused'
as super1 report quarterly --format pdf
expect 1 err 'text, csv, json or html' 'an unknown format is refused'
as super1 report quarterly --program nope --quarter 2026Q3
expect 3 err 'no active program nope' 'an unknown program is refused'
as super1 report quarterly
expect 0 out '^Quarterly report 2026Q3: ' 'the default is the last quarter ended'

# ---- a demo database ---------------------------------------------------------
DB="$T/demo.db"
CARECOORD_PASSPHRASE=demo run --db "$DB" demo --clients 200 --seed 5
expect 0 out 'demo-coach carries' 'setup: a demo database'
CARECOORD_PASSPHRASE=demo cc --user demo-supervisor report quarterly --format json \
    --output "$T/demo.json"
expect 0 out '' "the demo's quarterly report"
ok "the demo's JSON validates against the schema" validate "$T/demo.json"
CARECOORD_PASSPHRASE=demo cc --user demo-supervisor report quarterly
printf '%s\n' "$OUT" >"$T/demo.txt"
is "$(wide_or_cut "$T/demo.txt")" '' "the demo's text fits 80 columns, nothing cut"
like "$OUT" 'cost per client served +\$[0-9]+' 'the demo has budgets'
like "$OUT" 'readmissions expected at intake +[0-9]' 'and risks given at intake'

done_testing
