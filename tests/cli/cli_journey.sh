#!/usr/bin/env bash
# cli_journey.sh — a site from nothing, with documented subcommands only
# (never `demo`): init -> organizations -> a program's team with a nurse, a
# scheduler and two coaches -> a program manager covering it -> a coach's
# intake, consent (participation and a release naming an organization by
# its code), assessment and the episode it starts -> a warm hand-off to the
# other coach -> the manager's board shows both coaches. Along the way: the
# eligibility override at intake (refused without a reason, audited with
# one), a new supervisor account listed by `report accounts`, a forgotten
# passphrase reset, the cover limit, a team that cannot retire while it
# owns a client, a leave cover arranged and ended, and two people offboarded
# (one to a colleague as warm hand-offs, one with a master-key rotation).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T12:00:00Z
ADMIN_PASS=admin-passphrase
ONE_TIME=one-time-pass
as() { # as LOGIN ARGS...: run as LOGIN with their own passphrase
    local who=$1
    shift
    CARECOORD_PASSPHRASE="$who-own-pass" cc --user "$who" "$@"
}
add_user() { # add_user LOGIN ROLE [--team T]: add, then they choose their own
    local who=$1
    shift
    CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$ONE_TIME \
        cc --user root user add "$who" --role "$@"
    [ "$RC" = 0 ] || return 1
    CARECOORD_PASSPHRASE=$ONE_TIME CARECOORD_NEW_PASSPHRASE="$who-own-pass" \
        cc --user "$who" passwd
    [ "$RC" = 0 ]
}
admin() { CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user root "$@"; }

CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created .* with administrator root$' 'init: a blank database'

# ---- organizations --------------------------------------------------------
admin org add PCP-OAK --kind primary-care --name 'Oak Street Family Medicine'
expect 0 out '^added organization PCP-OAK \(practice\)' 'org add: a primary care practice'
admin org add PAY-RIV --kind payer --name 'River Health Plan Case Management'
expect 0 out '^added organization PAY-RIV \(payer-cm\)' 'org add: a payer'
admin org add PCP-OAK --kind clinic --name 'Again'
expect 3 err 'code PCP-OAK is taken' 'org add: a code is never reused'
admin org add SL-NEW --kind spa --name 'Nowhere'
expect 3 err "unknown organization kind 'spa'" 'org add: an unknown kind is refused'
admin org list --kind primary-care
expect 0 out 'PCP-OAK +practice +Oak Street Family Medicine +active' 'org list shows it'

# ---- a team, its people, cover --------------------------------------------
admin team add 'HSS East' --program hss
expect 0 out '^team 1 created: HSS East \(hss\)$' 'team add: a team of the HSS program'
ok 'user add: a nurse on the team' add_user nurse1 nurse --team 'HSS East'
ok 'user add: a scheduler on the team' add_user sched1 scheduler --team 'HSS East'
ok 'user add: the first coach' add_user coach1 coach --team 'HSS East'
ok 'user add: the second coach' add_user coach2 coach --team 1
ok 'user add: a program manager' add_user pm1 program-manager
admin team cover add 'HSS East' pm1
expect 0 out '^pm1 covers team 1$' 'team cover add: the manager covers the team'
admin team cover add 'HSS East' nurse1
expect 3 err 'only program managers and social workers cover' 'a nurse covers no team'
for t in 'HSS West' 'HSS North' 'HSS South'; do admin team add "$t" --program hss; done
admin team cover add 'HSS West' pm1
admin team cover add 'HSS North' pm1
admin team cover add 'HSS South' pm1
expect 3 err 'covers 3 teams already: at most 3' 'a fourth team is over the cover limit'
admin team list
expect 0 out 'HSS East +hss +nurse1:nurse sched1:scheduler coach1:coach coach2:coach +pm1' \
    'team list: the members with their roles and the cover'

# ---- the coach takes a client in ------------------------------------------
admin area list
zip=$(printf '%s\n' "$OUT" | tr ',' '\n' | head -n 1)
ok 'setup: a ZIP of the service area' test -n "$zip"
as coach1 client intake --family Quillon --given Ada --dob 1948-03-02 --zip "$zip" \
    --payer medicare --program hss --source pcp --source-org PCP-OAK --criteria frequent-ems
expect 0 out '^client 1 taken in, referral 1 to hss' 'client intake: the coach takes the case'
as coach1 caseload
expect 0 out 'coach1' 'the client is on coach1'"'"'s caseload'
as coach1 client consent 1 --kind participation --decision granted
expect 0 out '^consent 1 recorded: participation granted for client 1$' 'participation consent'
as coach1 client consent 1 --kind release --to PCP-OAK,PAY-RIV --purpose 'care coordination' \
    --information 'care plan' --expires 2027-11-20
expect 0 out '^consent 2 recorded: release granted' 'a release naming two organizations by code'
as coach1 client consent 1 --kind release --to NO-SUCH --purpose x --information y
expect 3 err 'no organization with code NO-SUCH' 'an unknown code names no one'
as coach1 client assess 1 --program hss --answers 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
expect 0 out 'high risk .*intensive episode [0-9]+ started' 'a high assessment starts the episode'
ep=$(printf '%s\n' "$OUT" | sed -n 's/.*intensive episode \([0-9]*\) started.*/\1/p')

# ---- the episode's maximum (HSS: 60 days, at most 90) ---------------------
as coach1 episode extend "$ep" --days 20 --reason 'waiting for the cardiology visit'
expect 0 out "^episode $ep extended by 20 days \\(target 80 days\\)\$" 'an extension within the maximum'
as coach1 episode extend "$ep" --days 11 --reason 'one more week'
expect 3 err 'hss episodes last at most 90 days: 80 \+ 11 more would be 91' \
    'an extension past the program maximum is refused, saying by how much'
as coach1 episode extend "$ep" --days 10 --reason 'to the maximum'
expect 0 out 'target 90 days' '... and one up to the maximum is taken'
as coach1 episode extend "$ep" --days 0 --reason x
expect 1 err 'needs --days 1-365' 'zero days is a usage error'

# ---- eligibility override at intake ---------------------------------------
as coach1 client intake --family Young --given Bo --dob 1980-01-01 --zip "$zip" \
    --payer medicaid --program hss
expect 3 err 'aged 65 or older .*give a reason to refer anyway' 'an ineligible client is refused without --override'
as coach1 client intake --family Young --given Bo --dob 1980-01-01 --zip "$zip" \
    --payer medicaid --program hss --override 'frail after stroke; physician asked'
expect 0 out '^client 2 taken in' 'the same intake with --override REASON is taken in'
as coach1 client show 2
expect 0 out '^client 2: ' 'and the client is there'

# ---- the hand-off to the other coach --------------------------------------
as coach1 handoff propose 1 --to staff:coach2 --note 'closer to her neighborhood'
expect 0 out '^hand-off ([0-9]+) proposed: client 1 to staff:coach2$' 'a warm hand-off proposed'
hid=$(printf '%s\n' "$OUT" | sed -n 's/^hand-off \([0-9]*\) proposed.*/\1/p')
as coach2 handoff accept "$hid"
expect 0 out 'accepted' 'the other coach accepts it'

admin org retire PAY-RIV
expect 0 out '^retired organization PAY-RIV$' 'org retire: the payer leaves the directory'
as coach2 handoff propose 1 --to org:PAY-RIV --note 'to the plan'
expect 3 err 'PAY-RIV .* is retired: choose another organization' \
    'a retired organization is never chosen for a new hand-off'
admin org remove PAY-RIV
expect 3 err 'PAY-RIV is named by 1 records: .*retire it instead' \
    'and, named by a consent, it is never deleted'

# ---- the manager's board --------------------------------------------------
as pm1 report caseload
expect 0 out 'HSS East +coach1 +0/35' 'the board shows coach1 (the intake not yet followed)'
expect 0 out 'HSS East +coach2 +1/35' 'and coach2 with the handed-off client in its episode'
admin team capacity 'HSS East' 60
as pm1 report caseload
expect 0 out '\(team\) +1/60 team, coaches 70' "the team's own capacity beside the coaches'"
admin team retire 'HSS East'
expect 3 err 'still owns 2 clients: move them' 'a team owning clients does not retire'
admin team retire 'HSS West'
expect 0 out '^team 2 retired$' 'an empty team retires'

# ---- accounts ---------------------------------------------------------------
ok 'user add: a supervisor' add_user sup1 supervisor
as sup1 report accounts --format csv
expect 0 out '^[^,]*,sup1,supervisor,account sup1 created as supervisor by root,OPEN' \
    'report accounts lists the new supervisor account'
expect 0 out ',coach1,coach,account coach1 created as coach by root,OPEN' 'and every care account'
admin user role sched1 nurse
as sup1 report accounts --format csv
expect 0 out ',sched1,nurse,account sched1 role changed scheduler -> nurse by root,OPEN' \
    'a role change is listed too'
as coach1 report accounts
expect 2 err 'accounts.review needs' 'a coach may not read it'
admin user role root coach
expect 2 err 'last active administrator' 'the last administrator is not demoted'

# ---- a forgotten passphrase -------------------------------------------------
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=reset-one-time cc --user root user reset coach2
expect 0 out '^coach2 reset with a one-time passphrase' 'user reset: a one-time passphrase'
as coach2 caseload
expect 2 err 'wrong passphrase' 'the forgotten passphrase opens nothing'
CARECOORD_PASSPHRASE=reset-one-time cc --user coach2 caseload
expect 2 err 'must change the initial passphrase' 'the one-time one must be changed first'
CARECOORD_PASSPHRASE=reset-one-time CARECOORD_NEW_PASSPHRASE=coach2-new-pass cc --user coach2 passwd
CARECOORD_PASSPHRASE=coach2-new-pass cc --user coach2 caseload
expect 0 out 'coach2' 'then their own opens their caseload'

# ---- leave cover and offboarding -------------------------------------------
as coach1 user leave coach2 --by coach1 --from 2026-11-20 --until 2026-11-27
expect 2 err 'leave.manage needs' 'a coach arranges no cover'
as pm1 user leave coach2 --by nurse1 --from 2026-11-20 --until 2026-11-27
expect 3 err 'a cover has the same role' 'a nurse does not cover a coach'
as pm1 user leave coach2 --by coach1 --from 2026-11-20 --until 2026-11-27 --note 'school holidays'
expect 0 out '^cover 1: coach1 covers coach2 from 2026-11-20 until 2026-11-27$' \
    'user leave: the manager arranges the cover'
as pm1 user leaves
expect 0 out '1 +coach2 +coach1 +2026-11-20 +2026-11-27 +now +school holidays' 'user leaves lists it'
as pm1 user leave-end 1
expect 0 out '^cover 1 ended$' 'user leave-end ends it now'
as pm1 user leaves
expect 0 out '^Leave cover' 'and it is gone from the list'
if printf '%s\n' "$OUT" | grep -q 'coach2 +coach1'; then fail 'ended cover still listed'; else pass 'the ended cover is not listed'; fi

admin admin offboard coach2
expect 1 err 'offboard needs --to TARGET or --unassigned' 'offboard says what it needs'
as pm1 admin offboard coach2 --unassigned
expect 2 err 'staff.manage needs' 'a manager does not offboard'
admin admin offboard coach2 --to staff:coach1 --note 'coach2 moves away'
expect 0 out '^offboarded coach2: 1 clients proposed to staff:coach1, 0 to the unassigned queue' \
    'admin offboard: the caseload goes out as warm hand-offs'
expect 0 out 'rekey' 'and the master key rotation is offered'
as coach2 caseload
expect 2 err 'no key slot for coach2' 'the departed account opens nothing'
admin user list
expect 0 out 'coach2 .*disabled' 'it is disabled'
as coach1 handoff accept 2
expect 0 out 'accepted' 'coach1 accepts the client of the one who left'
as pm1 report caseload
expect 0 out 'HSS East +coach1 +1/35' 'and the board shows it with coach1'
admin admin offboard nurse1 --unassigned --rekey
expect 0 out '^offboarded nurse1: 0 clients .* account disabled, key slot removed' \
    'admin offboard --unassigned for someone without clients'
expect 0 out '^rekeyed: every page re-encrypted' 'and --rekey rotates the master key at once'
as coach1 client show 1
expect 0 out '^client 1: ' 'everyone else still opens the database after the rotation'

# ---- light-touch monitoring ends -------------------------------------------
as coach1 client intake --family Ember --given Lu --dob 1950-05-05 --zip "$zip" \
    --payer medicare --program hss
lt=$(printf '%s\n' "$OUT" | sed -n 's/^client \([0-9]*\) taken in.*/\1/p')
ok 'setup: a client for light touch' test -n "$lt"
as coach1 client consent "$lt" --kind participation --decision granted
as coach1 client assess "$lt" --program hss --answers 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0
expect 0 out 'low risk.*light-touch monitoring' 'a low assessment puts the client on light touch'
as coach1 caseload
expect 0 out "coach1 +2/35" 'the client on light touch counts on the caseload'
as coach1 episode end-monitoring "$lt" --program hss --reason retired
expect 3 err 'reason must be stable, moved' 'an unknown reason is refused and names the reasons'
as coach1 episode end-monitoring "$lt" --program hss --reason stable --date 2099-01-01
expect 3 err 'cannot end in the future' 'an end date after today is refused'
as sup1 episode end-monitoring "$lt" --program hss --reason stable
expect 2 err 'not allowed for role supervisor' 'a supervisor cannot end a client'"'"'s monitoring'
as coach1 episode end-monitoring "$lt" --program hss --reason stable
expect 0 out "^client $lt: light-touch monitoring in hss ended \\(stable\\)\$" \
    'the coach ends light touch with a reason'
as coach1 caseload
expect 0 out "coach1 +1/35" 'and the client leaves the active caseload'
as coach1 episode end-monitoring "$lt" --program hss --reason stable
expect 3 err 'not on light-touch monitoring' 'ending it twice says it is not on monitoring'

done_testing
