#!/usr/bin/env bash
# cli_case.sh — the case-data commands: demo with --clients/--seed (never
# prompts; the same seed with a fixed clock exports identically, another
# seed does not), export (every kind, audited, refused for roles that may
# not, unknown kinds refused), program show/load round trip, and the
# service-area ZIP list.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-22T12:00:00Z
A="$T/a.db" B="$T/b.db" C="$T/c.db"
kinds="clients referrals consents assessments episodes tasks contacts"

run --db "$A" demo --clients 120 --seed 11
expect 0 out 'demo-coach carries' 'demo --clients 120 --seed 11 builds a database'
like "$OUT" '120 clients' '... and says how many clients it holds'
run --db "$B" demo --clients 120 --seed 11
expect 0 out '120 clients' 'a second run with the same seed'
run --db "$C" demo --clients 120 --seed 12
expect 0 out '120 clients' 'a run with another seed'
run --db "$T/x.db" demo --clients 0
expect 1 err 'clients' 'demo --clients 0 is refused'

same=1
for k in $kinds; do
    CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what "$k"
    a_out=$OUT a_rc=$RC
    CARECOORD_PASSPHRASE=demo run --db "$B" --user demo-supervisor export --what "$k"
    [ "$a_rc" -eq 0 ] && [ "$RC" -eq 0 ] && [ -n "$a_out" ] && [ "$a_out" = "$OUT" ] || same=0
done
is "$same" 1 'the same seed and clock give identical exports of every kind'

CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what clients
a_clients=$OUT
CARECOORD_PASSPHRASE=demo run --db "$C" --user demo-supervisor export --what clients
isnt "$OUT" "$a_clients" 'another seed gives other clients'
is "$(printf '%s\n' "$a_clients" | wc -l | tr -d ' ')" 120 'one JSON line per client'
like "$(printf '%s\n' "$a_clients" | head -n 1)" '^\{"id":1,' 'every object starts with its id'
like "$a_clients" '"identifiers":\[\{"facility":"[A-Z]+","value":"MRN[0-9]+"\}\]' \
    'identifiers are {facility, value} pairs'

CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what episodes
like "$OUT" '"state":"open"' 'episodes export open ones'
like "$OUT" '"target_end":"[0-9]{4}-[0-9]{2}-[0-9]{2}"' '... with their target end'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what referrals
like "$OUT" '"status":"(received|contacted|declined|unreachable|ineligible|enrolled|monitoring)"' \
    'referral statuses use the lowercase words'

CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what secrets
expect 1 err "cannot export 'secrets'" 'an unknown kind is refused'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --format yaml
expect 1 err 'choose jsonl, csv or fhir' 'only jsonl, csv and fhir are offered'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach export
expect 2 err 'export.case needs supervisor' 'a coach may not export client data'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin export
expect 2 err 'not allowed for role admin' 'an administrator sees no client content'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin export --what staff
expect 0 out '"login":"demo-coach","full_name":"[^"]+","role":"coach"' \
    '... but exports the staff accounts'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-manager export --what access
expect 2 err 'export.audit needs supervisor' 'a manager may not export the access log'
for k in teams handoffs disclosures access alerts; do
    CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what "$k"
    expect 0 out '^\{"' "a supervisor exports $k"
done
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor export --what handoffs
like "$OUT" '"state":"(proposed|accepted|declined|withdrawn|expired)"' \
    'hand-off objects carry their state in the words of the workflow'

# Exports are audited: the chain still verifies and counts them.
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-supervisor audit verify
expect 0 out 'audit chain intact' 'the audit chain is intact after exports'

# ---- programs ------------------------------------------------------------

CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach program list
expect 0 out '^hss +senior-stabilization +assessment-high +60 +90 +35 +90' \
    'program list shows senior stabilization: 60 days, max 90, 35 per coach'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach program show ct-cvh
expect 0 out '"in-hospital-visit"' 'program show prints the protocol tasks'
like "$OUT" '"hospital":[[:space:]]*"CVH"' '... and names its hospital by facility code'
printf '%s\n' "$OUT" | sed 's/"episode_days":[[:space:]]*30/"episode_days": 45/' >"$T/ct.json"
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach program load "$T/ct.json"
expect 2 err 'program.manage needs admin' 'a coach may not change a program'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin program load "$T/ct.json"
expect 0 out 'program ct-cvh saved with 3 protocol tasks' 'an administrator loads a changed program'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach program list
expect 0 out '^ct-cvh +care-transition +discharge +45 +90' '... and the change is in effect'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach program show ct-cvh
like "$OUT" '"hospital":[[:space:]]*"CVH"' '... keeping its hospital'
printf '{"code":"bad","name":"Bad","kind":"care-transition","episode_start":"discharge",'\
'"episode_days":90,"max_days":30}\n' >"$T/bad.json"
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin program load "$T/bad.json"
expect 3 err 'max days' 'a program whose maximum is below its length is refused'
printf 'not json' >"$T/junk.json"
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin program load "$T/junk.json"
expect 1 err 'not valid JSON' 'junk is refused with one line'

# ---- the service area -----------------------------------------------------

CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin area add 99501
expect 0 out 'ZIP 99501 added' 'an administrator adds a ZIP'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-coach area list
like "$OUT" '99501' '... which the list shows'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin area remove 99501
expect 0 out 'removed from' '... and removes it'
CARECOORD_PASSPHRASE=demo run --db "$A" --user demo-admin area add 9950
expect 3 err '5 digits' 'a malformed ZIP is refused'

done_testing
