#!/usr/bin/env bash
# cli_export.sh — exports from a blank database: CSV (a header row even
# with nothing to export, CRLF, the same rows as JSON Lines, a name that
# could start a spreadsheet formula neutralized); one client's record as a
# FHIR R4 Bundle, for internal use (audited) and for another organization
# (refused without a release naming it; with one, recorded in the accounting
# of disclosures, substance-use information left out unless a release
# covers it, then labelled 42 CFR Part 2; a revoked consent inactive); out
# of scope refused; every client as NDJSON with a manifest (supervisors).
# Every FHIR file is checked against the FHIR R4 JSON schema with the npm
# validator tools/npm-deps.sh installs; if it cannot be installed the test
# says so and fails.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T18:00:00Z
ROOT=${CARECOORD_SOURCE_ROOT:-$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
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
# json EXPR FILE: evaluate a Python expression over the JSON document b.
json() { python3 -c "import json,sys; b=json.load(open(sys.argv[2])); print($1)" "$1" "$2"; }

# ---- the validator ----------------------------------------------------------
if NODE_MODULES=$("$ROOT/tools/npm-deps.sh" 2>"$T/npm.err"); then
    pass "the FHIR R4 schema validator is installed ($NODE_MODULES)"
else
    fail "the FHIR R4 schema validator could not be installed: $(cat "$T/npm.err")"
    NODE_MODULES=/nonexistent
fi
validate() {
    FHIR_NODE_MODULES=$NODE_MODULES node "$ROOT/tests/fhir/validate.js" "$@" >"$T/v.out" 2>&1
    local rc=$?
    cat "$T/v.out" >&2
    return $rc
}
printf '%s\n' '{"resourceType":"Patient","id":"1","birthDate":"1945-1-1"}' >"$T/bad.ndjson"
validate "$T/bad.ndjson"
is "$?" 1 'the validator refuses an invalid resource (it checks for real)'

# ---- setup from a blank database -------------------------------------------
CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created' 'init'
admin team add 'NGH Transitions' --program ct-ngh
ok 'setup: a coach' add_user coach1 coach --team 'NGH Transitions'
ok 'setup: a coach of another program' add_user coach2 coach
ok 'setup: a supervisor' add_user sup1 supervisor
admin org add PCP1 --kind practice --name 'Riverside Family Practice'
expect 0 out '' 'setup: a primary care practice'
admin area list
zip=$(printf '%s\n' "$OUT" | tr ',' '\n' | head -n 1)

as sup1 export --format csv --what contacts
expect 0 out '^id,client,kind,at,duration_min,note,staff,corrects' \
    'CSV with nothing to export still has its header row'

as coach1 client intake --family '=HYPERLINK("x")' --given $'Pat\u00a0Ann' --dob 1945-01-01 \
    --zip "$zip" --payer medicare --program ct-ngh --source discharge-planner \
    --source-org NGH --criteria readmission-risk
expect 0 out '^client 1 taken in' 'setup: the client'
as coach1 client consent 1 --kind participation --decision granted
expect 0 out 'recorded' 'setup: participation consent'
as coach1 client assess 1 --program ct-ngh --answers 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
expect 0 out '' 'setup: an assessment'
ADT=$ROOT/tests/data/adt
as coach1 import adt "$ADT/a01.hl7"
as coach1 encounter link 1 1
expect 0 out '^notification 1 linked to client 1' 'setup: the admission, linked to the client'
as coach1 import adt "$ADT/a03.hl7"
expect 0 out '^1 applied' 'setup: the discharge starts the episode'

# ---- CSV -------------------------------------------------------------------
as sup1 export --format csv --what clients
expect 0 out '^id,family_name,given_name,dob' 'CSV: the header row'
like "$OUT" $'\r' 'CSV: CRLF line ends'
like "$OUT" "^1,\"'=HYPERLINK\(\"\"x\"\"\)\"," 'CSV: a cell that could start a formula is neutralized'
rows=$(printf '%s\n' "$OUT" | wc -l)
as sup1 export --what clients
is "$rows" "$(($(printf '%s\n' "$OUT" | wc -l) + 1))" 'CSV: one row per JSON Lines object, plus the header'
as sup1 export --format csv --what assessments
expect 0 out '^1,1,ct-ngh,' 'CSV: assessments'
as sup1 export --format xml
expect 1 err "unknown format 'xml'" 'an unknown format is refused'
as sup1 export --format csv --client 1
expect 1 err 'go with --format fhir' 'FHIR options with another format are refused'

# ---- one client's record ------------------------------------------------------
as coach1 export --format fhir --client 1 --output "$T/internal.json"
expect 0 err '' 'FHIR: the owner exports the record for internal use'
is "$(json 'b["type"]' "$T/internal.json")" collection 'FHIR: a Bundle of type collection'
is "$(json '",".join(sorted({e["resource"]["resourceType"] for e in b["entry"]}))' "$T/internal.json")" \
    Consent,Encounter,EpisodeOfCare,Patient,QuestionnaireResponse,RiskAssessment,ServiceRequest,Task \
    'FHIR: the record has its patient, consent, episode, assessment, tasks, stay and referral'
is "$(json '[(e["resource"]["period"]["start"], e["resource"]["period"]["end"], e["resource"]["class"]["code"]) for e in b["entry"] if e["resource"]["resourceType"]=="Encounter"]' "$T/internal.json")" \
    "[('2026-11-18T14:15:00Z', '2026-11-20T13:00:00Z', 'IMP')]" \
    'FHIR: admission and discharge of one visit are one Encounter, its class from PV1-2'
is "$(json '[e["resource"] for e in b["entry"] if e["resource"]["resourceType"]=="Patient"][0]["name"][0]["given"][0]' "$T/internal.json")" \
    'Pat Ann' 'FHIR: a no-break space becomes a plain one (FHIR strings allow no other)'
is "$(json '[e["resource"] for e in b["entry"] if e["resource"]["resourceType"]=="RiskAssessment"][0]["prediction"][0]["qualitativeRisk"]["coding"][0]["code"]' "$T/internal.json")" \
    high 'FHIR: the risk assessment carries its qualitative risk'
admin audit verify
CARECOORD_PASSPHRASE=sup1-own-pass run --db "$DB" --user sup1 export --what disclosures
is "$OUT" '' 'an internal export is no disclosure'
as coach2 export --format fhir --client 1 --output "$T/refused.json"
expect 2 err 'not allowed|scope|outside' 'FHIR: a coach without the client in scope is refused'
ok 'FHIR: and no file is left behind' test ! -e "$T/refused.json"
admin export --format fhir --client 1
expect 2 err 'not allowed' 'FHIR: an administrator exports no client record'

as coach1 export --format fhir --client 1 --to PCP1 --purpose 'follow-up care' \
    --output "$T/pcp.json"
expect 2 err 'missing consent: no active release-of-information consent names' \
    'FHIR to an organization: refused without a release naming it'
ok 'FHIR to an organization: nothing written when refused' test ! -e "$T/pcp.json"
as coach1 export --format fhir --client 1 --to PCP1
expect 1 err 'both --to ORG and --purpose' 'FHIR to an organization: needs a purpose'

as coach1 client consent 1 --kind release --to PCP1 --purpose 'care coordination' \
    --information 'care plan, assessments' --expires 2027-11-01
expect 0 out 'consent 2 recorded' 'setup: a release naming the practice'
as coach1 client consent 1 --kind release --to PCP1 --purpose 'treatment' --substance-use \
    --information 'substance-use treatment records' --expires 2027-11-01
expect 0 out 'consent 3 recorded' 'setup: a substance-use release naming the practice'
as coach1 client consent 1 --kind release --to NGH --purpose 'readmission review' \
    --expires 2027-11-01
expect 0 out 'consent 4 recorded' 'setup: a release naming the hospital'
as coach1 client revoke 4 --reason 'the client withdrew it'
expect 0 out '^consent 4 revoked from 2026-11-20$' 'setup: the hospital release revoked'
as coach1 export --format fhir --client 1 --to PCP1 --purpose 'follow-up care' \
    --output "$T/pcp.json"
expect 0 err 'recorded as a disclosure to PCP1' 'FHIR to an organization with a release'
is "$(json '[e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"]=="Consent" and "42CFRPart2" in json.dumps(e["resource"])]' "$T/pcp.json")" \
    "['3']" 'FHIR: the substance-use release carries the 42 CFR Part 2 label (its release covers it)'
CARECOORD_PASSPHRASE=sup1-own-pass run --db "$DB" --user sup1 export --what disclosures
expect 0 out '"recipient":"PCP1".*"purpose":"follow-up care"' \
    'FHIR: recorded in the accounting of disclosures with its purpose'
like "$OUT" '"what":"FHIR R4 record: Patient 1 Consent 4' '... and what went'

as coach1 client consent 1 --kind release --to NGH --purpose 'readmission review' \
    --expires 2027-11-01
expect 0 out 'consent 5 recorded' 'setup: a new release naming the hospital'
as coach1 export --format fhir --client 1 --to NGH --purpose 'readmission review' \
    --output "$T/ngh.json"
expect 0 err 'substance-use information left out' \
    'FHIR: to an organization no release covers substance use for, it is left out'
is "$(json '[e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"]=="Consent"]' "$T/ngh.json")" \
    "['1', '2', '4', '5']" '... the substance-use release is not in it'
is "$(json '[e["resource"]["status"] for e in b["entry"] if e["resource"]["id"]=="4" and e["resource"]["resourceType"]=="Consent"][0]' "$T/ngh.json")" \
    inactive 'FHIR: a revoked consent is inactive'

# ---- every client (Bulk Data style NDJSON) -----------------------------------
as coach1 export --format fhir --all --dir "$T/bulk"
expect 2 err 'not allowed' 'FHIR --all: supervisors only'
as sup1 export --format fhir --all --dir "$T/bulk"
expect 0 out '^Patient.ndjson: 1$' 'FHIR --all: one file per resource type'
is "$(json 'sum(o["count"] for o in b["output"])' "$T/bulk/manifest.json")" \
    "$(cat "$T"/bulk/*.ndjson | wc -l)" 'FHIR --all: the manifest counts every line'
as sup1 export --format fhir --all --dir "$T/bulk"
expect 1 err 'already holds files' 'FHIR --all: never into a directory that holds files'

# ---- a richer database: the demo ---------------------------------------------
DEMO="$T/demo.db"
CARECOORD_PASSPHRASE=demo run --db "$DEMO" demo --clients 150 --no-tui
is "$RC" 0 'setup: a demo database'
CARECOORD_PASSPHRASE=demo run --db "$DEMO" --user demo-supervisor export --format fhir \
    --all --dir "$T/demo-bulk"
expect 0 out '^Task.ndjson: [1-9]' 'FHIR --all over the demo'
CARECOORD_PASSPHRASE=demo run --db "$DEMO" --user demo-supervisor export --format fhir \
    --client 2 --output "$T/demo-2.json"
is "$RC" 0 'FHIR over a demo client'

validate "$T/internal.json" "$T/pcp.json" "$T/ngh.json" "$T/bulk/"*.ndjson \
    "$T/demo-2.json" "$T/demo-bulk/"*.ndjson
is "$?" 0 'every FHIR file validates against the FHIR R4 JSON schema'

done_testing
