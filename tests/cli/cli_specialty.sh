#!/usr/bin/env bash
# cli_specialty.sh — the specialty-care navigation program end to end, from
# a blank database with documented subcommands only: the directory (the
# specialty clinic, the safety-net clinic, a practice), a team, a coach's
# intake after a discharge, consent, a high assessment that starts the
# episode; how to reach the client (a phone refused as bad loses nothing, a
# caregiver who is the legal representative and signs the release); the
# specialist booked within 30 days (the booking completes "book specialty
# appointment", a reminder is set for the day before), on the agenda,
# kept on the day (not before), which completes "specialty appointment
# within 30 days"; a primary care appointment moved, then missed (a
# follow-up task); the warm hand-off to the safety-net clinic; the measures
# show the no-show rate and the days to the specialist; a supervisor may read
# but not book.
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
admin org add SPC-HV --kind clinic --name 'Heartland Specialty Clinic'
expect 0 out 'added organization SPC-HV' 'the specialty clinic'
admin org add CLN-SN --kind clinic --name 'Northside Safety-Net Clinic'
expect 0 out 'added organization CLN-SN' 'the safety-net clinic'
admin org add PCP-OAK --kind primary-care --name 'Oak Street Family Medicine'
expect 0 out 'added organization PCP-OAK' 'a practice'
admin team add 'PASC' --program pasc
expect 0 out 'created: PASC' 'a team of the specialty-care program'
ok 'a coach on the team' add_user nav1 coach --team PASC
ok 'a supervisor' add_user sup1 supervisor

zip=$(admin area list | sed -n 's/^\([0-9]\{5\}\).*/\1/p' | head -1)
[ -n "$zip" ] || zip=20810
as nav1 client intake --family Marlowe --given Tess --dob 1969-05-04 --zip "$zip" \
    --payer uninsured-ineligible --program pasc --source discharge-planner
expect 0 out '^client 1 taken in' 'intake after the discharge'
as nav1 client consent 1 --kind participation --decision granted
expect 0 out 'participation granted' 'participation consent'
as nav1 client assess 1 --program pasc --answers 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
expect 0 out 'high risk' 'a high assessment'
as nav1 encounter add 1 --kind discharge --facility NGH --when '2026-11-01 15:00'
expect 0 out 'encounter [0-9]+ recorded: .*pasc episode [0-9]+ started' \
    'the discharge, learned by phone, starts the episode'

# ---- reaching the client ------------------------------------------------------
as nav1 client reach 1 --phone1 555-201-0101 --phone1-kind mobile --call-times 'after 5pm' \
    --address '12 Elm St' --city Millbrook --pcp-org PCP-OAK
expect 0 out 'contact details of client 1 saved \(version 1\)' 'phones and address saved'
as nav1 client reach 1 --phone1 'call me' --address 'elsewhere'
expect 3 err 'phone 1 must be a phone number' 'a bad phone is refused in one line'
as nav1 client reach 1
expect 0 out '555-201-0101 mobile, after 5pm' 'the details are as saved'
unlike "$OUT" 'elsewhere' 'nothing of the refused save was kept'
as nav1 caregiver add 1 --name 'Ray Marlowe' --relationship spouse --phone 555-201-0199 --legal-rep
expect 0 out '^caregiver 1 added to client 1$' 'the spouse, legal representative'
as nav1 client consent 1 --kind release --to CLN-SN --purpose 'primary care after navigation' \
    --information 'care plan, appointments' --signed-by 1
expect 0 out 'release granted' 'the release to the safety-net clinic, signed by the representative'

# ---- the specialist -------------------------------------------------------------
as nav1 appointment book 1 --kind specialist --with SPC-HV --when '2026-11-12 10:30'
expect 3 err 'names its specialty' 'a specialist appointment names its specialty'
as nav1 appointment book 1 --kind specialist --with SPC-HV --specialty cardiology \
    --when '2026-11-12 10:30' --transport
expect 0 out 'appointment 1 booked for client 1; reminder task [0-9]+ the day before; protocol task [0-9]+ done' \
    'booked: a reminder and "book specialty appointment" done'
as sup1 appointment book 1 --kind pcp --with PCP-OAK --when '2026-11-20 09:00'
expect 2 err '' 'a supervisor may not book'
as nav1 agenda --from 2026-11-11 --days 2
expect 0 out 'Reminder call: specialist cardiology at SPC-HV 2026-11-12 10:30' 'the reminder on the agenda'
like "$OUT" 'specialist cardiology at SPC-HV \+transport +555-201-0101 +booked +appt:1' \
    'the appointment on the agenda, with the phone'
as nav1 appointment kept 1
expect 3 err 'once its time has come' 'not kept before its time'
CARECOORD_NOW=2026-11-12T13:00:00Z as nav1 appointment kept 1
expect 0 out '^appointment 1 kept; protocol task [0-9]+ done$' 'kept: "specialty appointment within 30 days" done'
as sup1 export --what tasks
like "$OUT" '"title":"Specialty appointment within 30 days".*"completed_at":"2026-11-12' \
    'the export shows the 30-day task completed on the day'

# ---- primary care: moved, then missed ---------------------------------------------
as nav1 appointment book 1 --kind pcp --with PCP-OAK --when '2026-11-20 09:00'
expect 0 out 'appointment 2 booked' 'a primary care appointment'
as nav1 appointment reschedule 2 --when '2026-11-24 09:00' --reason 'the clinic called'
expect 0 out 'moved to 2026-11-24 09:00 as appointment 3' 'rescheduled as a new appointment'
CARECOORD_NOW=2026-11-24T12:00:00Z as nav1 appointment no-show 3
expect 0 out 'appointment 3 no-show; follow-up task [0-9]+' 'missed: a follow-up task'
CARECOORD_NOW=2026-11-24T12:00:00Z as nav1 agenda --from 2026-11-25
expect 0 out 'Follow up no-show: pcp at PCP-OAK 2026-11-24 09:00' 'the follow-up is on tomorrow'"'"'s agenda'
as nav1 appointment list 1
expect 0 out 'rescheduled: the clinic called' 'the list shows the move with its reason'

# ---- the warm hand-off and the measures -----------------------------------------
CARECOORD_NOW=2026-11-25T12:00:00Z as nav1 handoff propose 1 --to org:CLN-SN --note 'primary care home'
expect 0 out 'hand-off [0-9]+ proposed' 'the warm hand-off to the safety-net clinic'
CARECOORD_NOW=2026-11-25T12:00:00Z as sup1 report measures --program pasc --from 2026-11-01 --to 2026-11-30
expect 0 out 'appointments missed \(no-show\) +50 +percent +1 +2' 'the no-show rate: 1 of 2'
like "$OUT" 'discharge to specialist \(mean\) +1[0-9](\.[0-9]+)? +days +1[0-9.]* +1$' \
    'the days from the discharge to the specialist'
like "$OUT" 'navigations with a specialist seen +100 +percent +1 +1' \
    '... one navigation with a specialist seen, none without'

done_testing
