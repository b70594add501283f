#!/usr/bin/env bash
# cli_team.sh — the work between people from the command line, on a demo
# database: a coach sees their clients and not another team's (exit 2, the
# refusal names break-glass), break-glass opens a record and alerts
# supervisors, a warm hand-off proposed by one coach is accepted by another
# and the client changes caseloads, the second accept conflicts (exit 4), an
# outside hand-off without consent is refused naming the missing consent,
# and every role refusal of a subcommand exits 2 naming who may.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T12:00:00Z CARECOORD_PASSPHRASE=demo
run --db "$DB" demo --clients 200 --seed 3
expect 0 out 'demo-coach carries' 'setup: a demo database'

sql_count() { # how many clients demo-coach's export-visible caseload has
    run --db "$DB" --user demo-supervisor export --what clients
    printf '%s\n' "$OUT" | grep -c "\"owner\":\"$1\""
}

# A client of demo-coach and one of another program's coach.
run --db "$DB" --user demo-supervisor export --what clients
mine=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | head -n 1 | sed 's/^{"id":\([0-9]*\).*/\1/')
other=$(printf '%s\n' "$OUT" | grep '"program":"ct-' | grep -v '"owner":null' | head -n 1 |
    sed 's/^{"id":\([0-9]*\).*/\1/')
ok 'setup: found a client of demo-coach and one of a hospital team' test -n "$mine" -a -n "$other"

cc --user demo-coach client show "$mine"
expect 0 out "^client $mine: " 'a coach opens a client on their caseload'
cc --user demo-coach client show "$other"
expect 2 err 'outside your caseload and teams: break-glass' "another team's client is refused"
cc --user demo-nurse client show "$mine"
expect 0 out "^client $mine: " "the team's nurse opens it too"
cc --user demo-manager client show "$mine"
expect 0 out "^client $mine: " 'the covering program manager opens it'
cc --user demo-supervisor client show "$other"
expect 0 out "^client $other: " 'a supervisor sees every record'
cc --user demo-admin client show "$mine"
expect 2 err 'client.view needs' 'an administrator sees no client content'

cc --user demo-coach break-glass "$other" --reason short
expect 3 err 'at least 8 characters' 'break-glass needs a real reason'
cc --user demo-coach break-glass "$other" --reason 'client called the after-hours line'
expect 0 out 'supervisors are alerted' 'break-glass with a reason opens the record'
cc --user demo-coach client show "$other"
expect 0 out "^client $other: " '... which the coach may now see'
cc --user demo-supervisor export --what alerts
like "$OUT" '"kind":"break-glass","for_role":"supervisor"' '... and supervisors have an alert'
cc --user demo-supervisor export --what access
like "$OUT" '"kind":"view","id":[0-9]+,"at":"[^"]+","staff":"demo-coach","client":'"$mine" \
    'views are in the access log'
like "$OUT" '"kind":"refused"' '... refusals too'

# ---- a warm hand-off from demo-coach to a teammate -------------------------
mate=demo-coach2
ok "setup: demo-coach's teammate is $mate" test -n "$mate"
before=$(sql_count demo-coach)
cc --user demo-coach handoff propose "$mine" --to "staff:$mate" --note 'going on leave'
expect 0 out '^hand-off [0-9]+ proposed' 'the owner proposes a hand-off'
hid=$(printf '%s' "$OUT" | sed 's/^hand-off \([0-9]*\).*/\1/')
cc --user "$mate" handoff show "$hid"
expect 0 out "^hand-off $hid: client $mine, proposed, to staff [0-9]+, expires 2026-" \
    'the receiver reads the proposed hand-off'
summary=$(printf '%s\n' "$OUT" | sed 1d)
diag "the summary is ${#summary} bytes (cli_s would have cut it at 1023)"
ok 'its summary is one whole JSON document with risk, consents and open tasks' \
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert {"risk","consents","open_tasks"} <= d.keys(), d.keys()' "$summary"
is "$(sql_count demo-coach)" "$before" 'the sender keeps the client until it is accepted'
cc --user demo-coach handoff accept "$hid"
expect 2 err 'not addressed to you' 'the sender cannot accept their own hand-off'
cc --user "$mate" handoff accept "$hid"
expect 0 out "hand-off $hid accepted" 'the receiver accepts'
is "$(sql_count demo-coach)" "$((before - 1))" 'the client left demo-coach'"'"'s caseload'
cc --user "$mate" handoff accept "$hid"
expect 4 err 'already accepted' 'a second accept is a conflict (exit 4)'

# ---- outside: the consent gate ---------------------------------------------
cc --user "$mate" handoff propose "$mine" --to org:PAY-BW
expect 2 err 'missing consent: no active release-of-information consent names Bluewater' \
    'an outside hand-off without a consent naming the organization is refused'

# ---- a departing coach's whole caseload --------------------------------------
cc --user demo-coach handoff move-caseload "$mate" --to staff:demo-coach --note 'leaving'
expect 2 err 'caseload.bulk needs program-manager' 'a coach may not move a whole caseload'
cc --user demo-manager handoff move-caseload nobody --to staff:demo-coach --note 'leaving'
expect 2 err 'no staff account for nobody' 'an unknown login is named in the error'
owned=$(sql_count "$mate")
cc --user demo-manager handoff move-caseload "$mate" --to staff:demo-coach --note 'Leaving the team'
expect 0 out "^$owned hand-offs proposed in batch [0-9]+: $mate's clients to staff:demo-coach" \
    'a manager proposes every client the departing coach owns, one batch'
is "$(sql_count "$mate")" "$owned" 'each client stays with the departing coach until accepted'
cc --user demo-manager handoff move-caseload "$mate" --to staff:demo-coach --note 'again'
expect 4 err '^carecoord: nothing moved: client [0-9]+: .*already has a hand-off waiting' \
    'a second move is refused whole, as a conflict: nothing moved'

# ---- role refusals of subcommands ------------------------------------------
cc --user demo-coach assign "$mine" --to demo-coach
expect 2 err 'caseload.assign needs program-manager' 'a coach may not assign'
cc --user demo-nurse review-access 1 --note fine
expect 2 err 'breakglass.review needs supervisor' 'a nurse may not review break-glass'
cc --user demo-supervisor handoff propose "$mine" --to "staff:$mate"
expect 2 err 'handoff.propose needs' 'a supervisor is read-only'
cc --user demo-manager assign "$mine" --to demo-coach
expect 3 err 'has an owner: move the client with a warm hand-off' \
    'an owned client moves only by hand-off'
cc --user demo-coach caseload
expect 0 out '^demo-coach +[0-9]+/35' 'caseload shows loads against capacity'

# ---- alerts ----------------------------------------------------------------
cc --user demo-nurse alert resolve 999999 --note 'called back'
expect 3 err '^carecoord: no alert 999999$' 'resolving an alert that does not exist: one line, exit 3'
cc --user demo-nurse alert resolve 1
expect 3 err 'needs a note' 'resolving needs a note'

# ---- assignment checks scope in the core -----------------------------------
cc --user demo-manager report unassigned --format csv
mine_queue=$OUT
run --db "$DB" --user demo-supervisor export --what referrals
theirs=$(printf '%s\n' "$OUT" | grep '"program":"ct-' | grep -E '"status":"(received|contacted)"' |
    sed 's/^{"id":[0-9]*,"client":\([0-9]*\).*/\1/' | while read -r id; do
        printf '%s\n' "$mine_queue" | grep -q "^$id," || { echo "$id"; break; }; done)
ok "setup: an unassigned client outside demo-manager's teams ($theirs)" test -n "$theirs"
cc --user demo-manager assign "$theirs" --to demo-coach
expect 2 err 'outside your caseload and teams' \
    "a program manager cannot assign another team's client (the core checks scope)"
cc --user demo-manager client show "$theirs"
expect 2 err 'outside' '... and still cannot read it'

done_testing
