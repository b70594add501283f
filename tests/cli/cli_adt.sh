#!/usr/bin/env bash
# cli_adt.sh — encounter notifications from a blank database, with the
# sample files of tests/data/adt: an unknown patient goes to the review
# queue (with the client of the same name and birth date as a candidate,
# never matched on it), the scheduler links it, and the next message of that
# patient is applied by itself: the discharge starts the care-transition
# episode. A repeat is a duplicate; a malformed message or an unknown
# sending facility is rejected (exit 3) with its place, and the rest go on.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T18:00:00Z
DATA=$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../data/adt" && pwd)
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

CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created' 'init'
admin team add 'NGH Transitions' --program ct-ngh
ok 'setup: a coach' add_user coach1 coach --team 'NGH Transitions'
ok 'setup: a scheduler' add_user sched1 scheduler --team 'NGH Transitions'
admin area list
zip=$(printf '%s\n' "$OUT" | tr ',' '\n' | head -n 1)
as coach1 client intake --family Synthetic --given Pat --dob 1945-01-01 --zip "$zip" \
    --payer medicare --program ct-ngh --source discharge-planner --source-org NGH --criteria readmission-risk
expect 0 out '^client 1 taken in' 'setup: the client, referred by NGH'
as coach1 client consent 1 --kind participation --decision granted
expect 0 out 'recorded' 'setup: participation consent'

as sched1 import adt "$DATA/a01.hl7"
expect 0 out 'message 1: review: A01 to review: no client has its identifier; same name and birth date: 1' \
    'an unknown identifier goes to review, the same name and birth date only a candidate'
expect 0 out '^0 applied, 1 to review, 0 duplicates, 0 logged only, 0 rejected$' 'the summary line'
as sched1 encounter review
expect 0 out '^1 .* A01 +NGH +Synthetic, Pat +1945-01-01 +NGH:MRN555' 'encounter review lists it'
as sched1 encounter link 1 1
expect 0 out '^notification 1 linked to client 1: A01 admit at 2026-11-18T14:15:00Z' \
    'encounter link applies it to the client'
as sched1 encounter review
expect 0 out '^Notifications to review' 'and the queue is empty'

as sched1 import adt "$DATA/a03.hl7"
expect 0 out '^1 applied, 0 to review' 'the next message of that patient is applied by itself'
as coach1 client show 1 --tab episode
expect 0 out '2026-11-20 +ct-ngh +30 +open' 'the discharge started the care-transition episode'
as coach1 client show 1 --tab encounters
expect 0 out '2026-11-20 13:00 +discharge +NGH +I +5E 510-A @NGH +V9001 +adt' \
    'the encounters tab shows the discharge'
expect 0 out '2026-11-18 14:15 +admit +NGH +I' 'and the admission linked by review'
RUN_STDIN=$DATA/a03.hl7 as sched1 import adt -
expect 0 out 'duplicate: NGH NGH0002: already imported' 'the same message again is a duplicate (from standard input)'

printf 'MSH|^~\\&|A|NGH|C|D|2026||ADT^A01|Z1|P|2.5\rPID|1||X\rPV1|1|I\r' >"$T/bad.hl7"
as sched1 import adt "$T/bad.hl7" "$DATA/escapes.hl7"
expect 3 err 'bad.hl7: message 1 \(line 1\) MSH-7: rejected: MSH-7 is not a time' \
    'a malformed message is rejected with its place'
expect 3 err 'escapes.hl7: message 1 \(line 1\): rejected: sending facility B is not in the directory' \
    'an unknown sending facility is rejected, and says how to add it'
as coach1 encounter dismiss 1 --reason 'nothing'
expect 3 err 'no notification 1 waiting for review' 'a decided notification is not decided again'
admin import adt "$DATA/a01.hl7"
expect 2 err 'encounter.import needs' 'an administrator imports no clinical data'

done_testing
