#!/usr/bin/env bash
# cli_plan.sh — the care plan, medications, pillars and patient activation
# from a blank database, with documented subcommands only: a care-transition
# client discharged from the hospital; the program's starting goals and one
# in the client's words, a step that becomes the nurse's task; a medication
# list reconciled, the sign-off refused for the coach and done by the nurse;
# the pillars (the follow-up from a kept appointment); a PAM result refused
# until the administrator sets the site's licence; what was refused left
# nothing behind; and the SNF path (the episode paused, then home).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-02T12:00:00Z
ADMIN_PASS=admin-passphrase
as() {
    local who=$1
    shift
    CARECOORD_PASSPHRASE="$who-own-pass" cc --user "$who" "$@"
}
add_user() {
    local who=$1
    shift
    CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=one-time-pass \
        cc --user root user add "$who" --role "$@"
    [ "$RC" = 0 ] || return 1
    CARECOORD_PASSPHRASE=one-time-pass CARECOORD_NEW_PASSPHRASE="$who-own-pass" \
        cc --user "$who" passwd
    [ "$RC" = 0 ]
}
admin() { CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user root "$@"; }

CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created ' 'init: a blank database'
admin team add 'NGH transitions' --program ct-ngh
expect 0 out 'created' 'a care-transition team'
ok 'a coach' add_user coach1 coach --team 'NGH transitions'
ok 'a nurse' add_user nurse1 nurse --team 'NGH transitions'
zip=$(admin area list | sed -n 's/^\([0-9]\{5\}\).*/\1/p' | head -1)
as coach1 client intake --family Ostrander --given Lou --dob 1947-08-09 --zip "${zip:-20810}" \
    --payer medicare --program ct-ngh --source discharge-planner
expect 0 out '^client 1 taken in' 'intake'
as coach1 client consent 1 --kind participation --decision granted
as coach1 encounter add 1 --kind discharge --facility NGH --when '2026-11-01 15:00'
expect 0 out 'ct-ngh episode [0-9]+ started' 'the discharge starts the episode'

# ---- the plan -------------------------------------------------------------------
as coach1 plan template 1
expect 0 out '^4 starting goals added' "the program's starting goals: the four pillars"
as coach1 plan goal 1 --words 'Walk to the mailbox every day' --barriers 'afraid of falling'
expect 0 out '^goal 5 added' 'a goal in the client'"'"'s own words'
as coach1 plan goal 1 --words ''
expect 3 err "own words" 'a goal without words is refused'
as coach1 plan step 5 --what 'Check the cane and the rugs at home' --who nurse1 --due 2026-11-06
expect 0 out '^step 1 added to goal 5' 'a step for the nurse'
as coach1 plan step-task 1
expect 0 out '^step 1 is task [0-9]+' 'the step becomes a task'
as coach1 plan goal-edit 5 --status dropped
expect 3 err 'say why' 'dropped needs a reason'
as coach1 plan show 1
expect 0 out 'Walk to the mailbox every day \(barriers: afraid of falling\) +active' 'the plan shows the goal'
like "$OUT" 'step Check the cane and the rugs at home \(nurse1, by 2026-11-06\) +task' 'and its step, a task'

# ---- medications and the pillars -------------------------------------------------
as coach1 med add 1 --name Furosemide --dose '20 mg' --how 'by mouth in the morning' --source discharge-summary
expect 0 out '^medication 1 added' 'a medication from the discharge summary'
as coach1 med add 1 --name Furosemide --source rumour
expect 3 err 'where it came from' 'a source outside the list is refused'
as coach1 med reconcile 1 --found 'two water pills at home=the old bottle removed'
expect 0 out '^reconciliation 1 recorded for client 1, 1 discrepancy' 'a reconciliation with one discrepancy'
as coach1 med sign-off 1
expect 2 err 'med.signoff needs nurse' 'a coach cannot sign it off'
as nurse1 med sign-off 1
expect 0 out 'signed off' 'the nurse signs it off'
as coach1 pillar mark 1 --pillar phr --note 'given and used'
expect 0 out 'pillars 2/4: follow-up, red-flags missing' 'the medications pillar came from the sign-off'
as coach1 appointment book 1 --kind pcp --with NGH --when '2026-11-05 09:00'
CARECOORD_NOW=2026-11-05T12:00:00Z as coach1 appointment kept 1
CARECOORD_NOW=2026-11-05T12:00:00Z as coach1 pillar mark 1 --pillar red-flags
expect 0 out 'pillars 4/4' 'the kept appointment is the follow-up: all four'
as coach1 med list 1
expect 0 out 'Furosemide +20 mg +by mouth in the morning' 'the list'
like "$OUT" 'reconciled +2026-11-02 +coach1 +signed: nurse1 +1 found' 'the reconciliation, signed off, one discrepancy found'

# ---- patient activation ------------------------------------------------------------
as coach1 pam record 1 --score 48 --level 2
expect 3 err 'no PAM licence reference' 'no result before the site has its licence'
as coach1 pam licence INS-1
expect 2 err '' 'only an administrator sets it'
admin pam licence 'INS-2026-0042'
expect 0 out 'set' 'the administrator sets the licence reference'
as coach1 pam record 1 --score 148 --level 2
expect 3 err 'from 0 to 100' 'a score out of range is refused'
as coach1 pam record 1 --score 48 --level 2 --instrument PAM-13
expect 0 out 'licence INS-2026-0042' 'the result carries the licence'

# ---- the SNF path -------------------------------------------------------------------
CARECOORD_NOW=2026-11-05T12:00:00Z as coach1 client snf 1 --facility PCP-FV
expect 3 err 'not an active skilled nursing facility' 'only an SNF of the directory'
CARECOORD_NOW=2026-11-05T12:00:00Z as coach1 client snf 1 --facility SNF-WC
expect 0 out '^client 1 is in SNF-WC; episode [0-9]+ paused into light touch$' \
    'the move into the SNF pauses the episode'
CARECOORD_NOW=2026-11-06T12:00:00Z as coach1 client home 1
expect 0 out '^client 1 is home; light touch$' 'home again, not assessed high: light touch'

done_testing
