#!/usr/bin/env bash
# cli_export.sh — exports from a blank database: CSV (a header row even
# with nothing to export, CRLF, the same rows as JSON Lines, a name that
# could start a spreadsheet formula neutralized); one client's record as a
# FHIR R4 Bundle, for internal use (audited) and for another organization
# (refused without a release naming it; with one, recorded in the accounting
# of disclosures, substance-use information left out unless a release
# covers it, then labelled 42 CFR Part 2; a revoked consent inactive); out
# of scope refused; the client's plan (a CarePlan with each step an activity,
# a Goal per goal: active, met, dropped), medications (MedicationStatement,
# active or stopped) and PAM results in the record; every client as NDJSON
# with a manifest (supervisors), the plan's types among its files.
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
as coach1 plan goal 1 --words 'I want to walk to church again' \
    --barriers 'stairs; short of breath' --review 2026-12-15
expect 0 out '^goal 1 added to the plan of client 1' 'setup: a goal in the client'"'"'s words'
as coach1 plan step 1 --what 'Walk to the corner with my daughter' --who client \
    --due 2026-11-27
expect 0 out '' 'setup: a step of the goal'
as coach1 plan step 1 --what 'Ask the PCP about cardiac rehab' --who coach1
expect 0 out '' 'setup: a second step, without a date'
as coach1 plan goal 1 --words 'I take my pills the right way'
expect 0 out '^goal 2 added' 'setup: a second goal'
as coach1 plan goal-edit 2 --status met
expect 0 out '' 'setup: ... met'
as coach1 plan goal 1 --words 'I keep a diary'
expect 0 out '^goal 3 added' 'setup: a third goal'
as coach1 plan goal-edit 3 --status dropped --reason 'she would rather not'
expect 0 out '' 'setup: ... dropped with a reason'
as coach1 med add 1 --name 'Furosemide 40 mg tablet' --dose '40 mg' --how 'by mouth every morning' \
    --prescriber 'Dr. Amara Osei' --source discharge-summary --start 2026-11-20
expect 0 out '^medication 1 added for client 1' 'setup: a medication'
as coach1 med add 1 --name 'Ibuprofen' --dose '200 mg' --how 'as needed' --source bottles \
    --start 2026-10-01
expect 0 out '^medication 2 added' 'setup: a second medication'
as coach1 med stop 2 --date 2026-11-19
expect 0 out '^medication 2 stopped on 2026-11-19' 'setup: ... stopped'
admin pam licence 'INS-LIC-0042'
expect 0 out 'set' 'setup: the site'"'"'s PAM licence'
as coach1 pam record 1 --score 48.2 --level 2 --date 2026-11-19
expect 0 out '^PAM result 1 recorded' 'setup: a PAM result'

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
    CarePlan,Consent,Encounter,EpisodeOfCare,Goal,MedicationStatement,Patient,QuestionnaireResponse,RiskAssessment,ServiceRequest,Task \
    'FHIR: the record has its patient, consent, episode, assessment, tasks, stay, referral, plan, goals and medications'
is "$(json 'len([e for e in b["entry"] if e["resource"]["resourceType"]=="CarePlan"])' "$T/internal.json")" \
    1 'FHIR: one CarePlan (one plan per client)'
cp() { json "(lambda c: $1)([e[\"resource\"] for e in b[\"entry\"] if e[\"resource\"][\"resourceType\"]==\"CarePlan\"][0])" "$2"; }
is "$(cp '(c["status"], c["intent"], c["subject"]["reference"], c["period"]["start"][:10])' "$T/internal.json")" \
    "('active', 'plan', 'Patient/1', '2026-11-20')" \
    'CarePlan: active, intent plan, the patient, its period from the plan'"'"'s making'
is "$(cp '[g["reference"] for g in c["goal"]]' "$T/internal.json")" \
    "['Goal/1', 'Goal/2', 'Goal/3']" 'CarePlan: references every goal'
is "$(cp '[(a["detail"]["description"], a["detail"]["status"], a["detail"].get("scheduledString"), a["detail"]["goal"][0]["reference"], a["detail"]["performer"][0].get("reference", a["detail"]["performer"][0]["display"])) for a in c["activity"]]' "$T/internal.json")" \
    "[('Walk to the corner with my daughter', 'not-started', 'by 2026-11-27', 'Goal/1', 'Patient/1'), ('Ask the PCP about cardiac rehab', 'not-started', None, 'Goal/1', 'coach1')]" \
    'CarePlan: an activity per step with its status, date, goal and who'
goal() { json "(lambda g: $1)([e[\"resource\"] for e in b[\"entry\"] if e[\"resource\"][\"resourceType\"]==\"Goal\" and e[\"resource\"][\"id\"]==\"$2\"][0])" "$3"; }
is "$(goal '(g["lifecycleStatus"], g["description"]["text"], g["target"][0]["dueDate"], g["note"][0]["text"], g["subject"]["reference"])' 1 "$T/internal.json")" \
    "('active', 'I want to walk to church again', '2026-12-15', 'barriers: stairs; short of breath', 'Patient/1')" \
    'Goal: active, the client'"'"'s words, the review date as its due date, the barriers as a note'
is "$(goal '(g["lifecycleStatus"], g["achievementStatus"]["coding"][0]["code"])' 2 "$T/internal.json")" \
    "('completed', 'achieved')" 'Goal: met is completed (achieved)'
is "$(goal '(g["lifecycleStatus"], g["statusReason"])' 3 "$T/internal.json")" \
    "('cancelled', 'she would rather not')" 'Goal: dropped is cancelled, with its reason'
med() { json "(lambda m: $1)([e[\"resource\"] for e in b[\"entry\"] if e[\"resource\"][\"resourceType\"]==\"MedicationStatement\" and e[\"resource\"][\"id\"]==\"$2\"][0])" "$3"; }
is "$(med '(m["status"], m["medicationCodeableConcept"]["text"], m["dosage"][0]["text"], m["effectivePeriod"], m["informationSource"]["display"], m["note"][0]["text"], m["subject"]["reference"])' 1 "$T/internal.json")" \
    "('active', 'Furosemide 40 mg tablet', '40 mg, by mouth every morning', {'start': '2026-11-20'}, 'discharge-summary', 'prescribed by Dr. Amara Osei', 'Patient/1')" \
    'MedicationStatement: active, the name, dose and how taken, the period, the source, the prescriber'
is "$(med '(m["status"], m["effectivePeriod"], "note" in m)' 2 "$T/internal.json")" \
    "('stopped', {'start': '2026-10-01', 'end': '2026-11-19'}, False)" \
    'MedicationStatement: a stop date that has passed is stopped, its end the stop'
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
like "$OUT" 'CarePlan 1 Goal 3 MedicationStatement 2' '... counting the plan, its goals and the medications'

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
is "$(json '[(o["type"], o["count"]) for o in b["output"] if o["type"] in ("CarePlan", "Goal", "MedicationStatement")]' "$T/bulk/manifest.json")" \
    "[('CarePlan', 1), ('Goal', 3), ('MedicationStatement', 2)]" \
    'FHIR --all: the plan, its goals and the medications have their files in the manifest'
is "$(wc -l <"$T/bulk/Goal.ndjson")" 3 'FHIR --all: one line per goal'
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
