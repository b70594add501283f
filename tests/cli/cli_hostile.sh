#!/usr/bin/env bash
# cli_hostile.sh — hostile text through every writable field the command
# line reaches, and every output checked for it (issue 16, item 5).
#
# tests/hostile/corpus.py generates the strings (escape sequences CSI, OSC,
# DCS and others, every C0 and C1 control, bidi overrides and isolates,
# U+2028/U+2029, invalid, truncated and overlong UTF-8, surrogates, NUL,
# fields up to 1 MB, formulas plain, behind spaces and fullwidth, injected
# lines; and legitimate text that must come back unchanged). Each goes
# through a command-line field: on the command line itself, or as @FILE
# where the option is free text (the only way NUL and values over 128 KiB
# can arrive), and through the referral CSV import and the HL7 ADT import
# (a row or a message per string). Then everything that shows the data —
# every export (JSON Lines and CSV), one client's FHIR Bundle and the bulk
# NDJSON, every report as text, CSV and JSON, program show, the record's
# tabs, plan, medications, contact details, appointments, the agenda, the
# lists — and every message the commands printed (a hostile value echoed
# in an error) goes through tests/hostile/check.py: no control byte, C1,
# bidi control or line separator from the data, valid UTF-8, and no CSV
# cell that a spreadsheet would read as a formula. Every command ends by
# itself with an exit code of the table (0-5), a refusal in one line; and
# each field's length limit (docs/SECURITY.md, "Length limits") is refused
# one byte over with a clear message.
#
# Short mode (the suite): every string through one field (they take turns),
# and all of them through both imports. Long mode, by hand:
#   CARECOORD_LONG_TESTS=1 CARECOORD_BIN=build/carecoord bash tests/cli/cli_hostile.sh
# sends every string through every field (some 38,000 commands: an hour or
# more).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
HOSTILE="$HERE/../hostile"
export CARECOORD_NOW=2026-11-22T12:00:00Z
LONG=${CARECOORD_LONG_TESTS:-0}
[ "$LONG" = 0 ] && LONG=''

if ! command -v python3 >/dev/null 2>&1; then
    echo "Bail out! python3 is needed for the corpus and the checker"
    exit 1
fi

C="$T/corpus" O="$T/out"
mkdir -p "$O"
n=$(python3 "$HOSTILE/corpus.py" "$C")
ok "the corpus holds at least 500 hostile strings ($n)" [ "$n" -ge 500 ]

run --db "$DB" demo --clients 60 --seed 1 --no-tui
expect 0 out 'demo-coach' 'a demo database (60 clients)'
export CARECOORD_PASSPHRASE=demo

# ---- the scene: what the fields need -------------------------------------------

as() {
    local who=$1
    shift
    cc --user "$who" "$@"
}
# first_id ERE: the first number in the line of OUT matching ERE.
first_id() {
    printf '%s\n' "$OUT" | grep -E -m1 -- "$1" | grep -Eo '[0-9]+' | head -n 1
}

as demo-supervisor export --what clients
CL=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | head -n 1 | grep -Eo '^\{"id":[0-9]+' |
    grep -Eo '[0-9]+$')
OTHER=$(printf '%s\n' "$OUT" | grep -v '"owner":"demo-coach"' | head -n 1 |
    grep -Eo '^\{"id":[0-9]+' | grep -Eo '[0-9]+$')
ok "a client of demo-coach ($CL) and one outside their scope ($OTHER)" [ -n "$CL" ] && [ -n "$OTHER" ]
as demo-coach plan goal "$CL" --words 'walk to the shop'
GOAL=$(first_id '^goal [0-9]+')
as demo-coach caregiver add "$CL" --name 'Ann Lee' --relationship child
CG=$(first_id '^caregiver [0-9]+')
as demo-coach appointment book "$CL" --kind home-visit --when '2026-11-25 10:00'
APPT=$(first_id '^appointment [0-9]+')
ok "setup: a goal ($GOAL), a caregiver ($CG), an appointment ($APPT)" \
    [ -n "$GOAL" ] && [ -n "$CG" ] && [ -n "$APPT" ]
as demo-supervisor export --what consents
CONSENT=$(printf '%s\n' "$OUT" | grep '"client":'"$CL"',' | head -n 1 | grep -Eo '^\{"id":[0-9]+' |
    grep -Eo '[0-9]+$')
as demo-coach break-glass "$OTHER" --reason 'checking the medication list' --minutes 5
GRANT=$(first_id '^break-glass [0-9]+')
ok "setup: a consent of the client ($CONSENT), a break-glass grant ($GRANT)" \
    [ -n "$CONSENT" ] && [ -n "$GRANT" ]
as demo-admin area list
ZIP=$(printf '%s\n' "$OUT" | grep -Eo '[0-9]{5}' | head -n 1)

# ---- the importers: a row, a message per string ------------------------------------

python3 "$HOSTILE/inputs.py" "$C" "$T/in" "$ZIP"
as demo-coach import referrals "$T/in/referrals.csv" --partial --rejects "$O/rejects.csv"
no_crash "import referrals of $n hostile rows ends by itself"
printf '%s\n' "$OUT" >"$O/import-referrals.txt"
printf '%s\n' "$ERR" >"$O/import-referrals.err"
like "$OUT$ERR" '[0-9]+ (imported|rejected)' "import referrals reports what it did (exit $RC)"
ok "the rejected rows went to --rejects" [ -s "$O/rejects.csv" ]
as demo-scheduler import adt "$T/in/adt.hl7"
no_crash "import adt of $((n + 13)) hostile messages ends by itself"
printf '%s\n' "$OUT" >"$O/import-adt.txt"
printf '%s\n' "$ERR" >"$O/import-adt.err"
like "$OUT" '[0-9]+ applied, [0-9]+ to review' "import adt reports what it did (exit $RC)"
diag "$(printf '%s\n' "$OUT" | tail -n 1)"
# The notifications now waiting for review, for the dismissal field.
as demo-scheduler encounter review
REVIEW0=$(printf '%s\n' "$OUT" | grep -Eo '^[0-9]+' | head -n 1)
ok "the hostile notifications wait for review (the first is $REVIEW0)" [ -n "$REVIEW0" ]

# ---- one field, one value ------------------------------------------------------------

# The fields: NAME:USER:HOW, HOW f when the option is free text (the value
# goes as @FILE, so it may hold NUL or be of any size), a when it can only
# be a command-line argument.
FIELDS=(
    intake_family:demo-coach:a intake_given:demo-coach:a intake_person:demo-coach:a
    intake_override:demo-coach:a consent_purpose:demo-coach:a consent_information:demo-coach:a
    consent_witness:demo-coach:a consent_reason:demo-coach:f revoke_reason:demo-coach:f
    review_note:demo-supervisor:f dismiss_reason:demo-scheduler:f
    handoff_note:demo-coach:f breakglass_reason:demo-coach:f
    reach_call_times:demo-coach:a reach_address:demo-coach:f reach_city:demo-coach:a
    reach_pcp_name:demo-coach:a reach_phone:demo-coach:a caregiver_name:demo-coach:f
    caregiver_edit_name:demo-coach:f caregiver_language:demo-coach:a
    caregiver_phone:demo-coach:a appointment_place:demo-coach:a
    appointment_specialty:demo-coach:a appointment_cancel:demo-coach:f
    goal_words:demo-coach:a goal_barriers:demo-coach:a goal_edit_words:demo-coach:a
    goal_drop_reason:demo-coach:f step_what:demo-coach:a med_name:demo-nurse:f
    med_dose:demo-nurse:a med_how:demo-nurse:f med_prescriber:demo-nurse:a
    reconcile_note:demo-nurse:f reconcile_found:demo-nurse:a pillar_note:demo-coach:f
    encounter_visit:demo-coach:a alert_note:demo-coach:f org_name:demo-admin:f
    org_edit_name:demo-admin:f team_name:demo-admin:a team_rename:demo-admin:a
    staff_full_name:demo-admin:f leave_note:demo-admin:f echo_merge_reason:demo-admin:f
    extend_reason:demo-coach:f export_purpose:demo-coach:a pam_licence:demo-admin:a
    echo_client_show:demo-coach:a echo_program_show:demo-coach:a
    echo_export_what:demo-supervisor:a echo_report_kind:demo-supervisor:a
    echo_report_staff:demo-supervisor:a echo_report_program:demo-supervisor:a
    echo_team_show:demo-admin:a echo_org_edit:demo-admin:a echo_option:demo-coach:a
)

# put FIELD N VALUE: run the command that writes VALUE into FIELD (N makes
# codes, logins and dates unique).
put() {
    local f=$1 n=$2 v=$3 u
    u=$(printf 'H%04d' "$n")
    case $f in
    intake_family)
        as demo-coach client intake --family "$v" --given Pat --dob "19$((n % 50 + 30))-0$((n % 9 + 1))-1$((n % 9))" \
            --zip "$ZIP" --payer medicare --program hss --duplicate-ok --outside-area ;;
    intake_given)
        as demo-coach client intake --family "Given$u" --given "$v" --dob 1940-01-01 --zip "$ZIP" \
            --payer medicare --program hss --duplicate-ok ;;
    intake_person)
        as demo-coach client intake --family "Person$u" --given Pat --dob 1941-01-01 --zip "$ZIP" \
            --payer medicare --program hss --source-person "$v" --duplicate-ok ;;
    intake_override)
        as demo-coach client intake --family "Over$u" --given Pat --dob 1990-01-01 --zip "$ZIP" \
            --payer commercial --program hss --override "$v" --duplicate-ok ;;
    consent_purpose)
        as demo-coach client consent "$CL" --kind release --decision granted --to CLN-ES --purpose "$v" ;;
    consent_information)
        as demo-coach client consent "$CL" --kind release --decision granted --to CLN-ES --information "$v" ;;
    consent_witness)
        as demo-coach client consent "$CL" --kind release --decision granted --to CLN-ES --witness "$v" ;;
    consent_reason)
        as demo-coach client consent "$CL" --kind release --decision declined --to CLN-ES --reason "$v" ;;
    revoke_reason) as demo-coach client revoke "$CONSENT" --reason "$v" --date 2026-11-21 ;;
    review_note) as demo-supervisor review-access "$GRANT" --note "$v" ;;
    dismiss_reason) as demo-scheduler encounter dismiss "$((REVIEW0 + n % 600))" --reason "$v" ;;
    handoff_note) as demo-coach handoff propose "$CL" --to staff:demo-coach2 --note "$v" ;;
    breakglass_reason) as demo-coach break-glass "$OTHER" --reason "$v" --minutes 1 ;;
    reach_call_times) as demo-coach client reach "$CL" --call-times "$v" ;;
    reach_address) as demo-coach client reach "$CL" --address "$v" ;;
    reach_city) as demo-coach client reach "$CL" --city "$v" ;;
    reach_pcp_name) as demo-coach client reach "$CL" --pcp-name "$v" ;;
    reach_phone) as demo-coach client reach "$CL" --phone1 "$v" ;;
    caregiver_name) as demo-coach caregiver add "$CL" --name "$v" --relationship friend ;;
    caregiver_edit_name) as demo-coach caregiver edit "$CG" --name "$v" ;;
    caregiver_language) as demo-coach caregiver add "$CL" --name "Cg $u" --relationship friend --language "$v" ;;
    caregiver_phone) as demo-coach caregiver add "$CL" --name "Cg $u" --relationship friend --phone "$v" ;;
    appointment_place)
        as demo-coach appointment book "$CL" --kind home-visit --when "2026-12-0$((n % 9 + 1)) 09:00" --place "$v" ;;
    appointment_specialty)
        as demo-coach appointment book "$CL" --kind specialist --with SPC-HV --when "2026-12-1$((n % 9)) 09:00" \
            --specialty "$v" ;;
    appointment_cancel) as demo-coach appointment cancel "$APPT" --reason "$v" ;;
    goal_words) as demo-coach plan goal "$CL" --words "$v" ;;
    goal_barriers) as demo-coach plan goal "$CL" --words "goal $u" --barriers "$v" ;;
    goal_edit_words) as demo-coach plan goal-edit "$GOAL" --words "$v" ;;
    goal_drop_reason) as demo-coach plan goal-edit "$GOAL" --status dropped --reason "$v" ;;
    step_what) as demo-coach plan step "$GOAL" --what "$v" ;;
    med_name) as demo-nurse med add "$CL" --name "$v" --source client ;;
    med_dose) as demo-nurse med add "$CL" --name "Med $u" --source client --dose "$v" ;;
    med_how) as demo-nurse med add "$CL" --name "Med $u" --source client --how "$v" ;;
    med_prescriber) as demo-nurse med add "$CL" --name "Med $u" --source client --prescriber "$v" ;;
    reconcile_note) as demo-nurse med reconcile "$CL" --note "$v" ;;
    reconcile_found) as demo-nurse med reconcile "$CL" --found "$v" ;;
    pillar_note) as demo-coach pillar mark "$CL" --pillar phr --note "$v" ;;
    encounter_visit)
        as demo-coach encounter add "$CL" --kind ed --facility CVH --when "2026-11-2$((n % 2)) 0$((n % 10)):00" \
            --visit "$v" ;;
    alert_note) as demo-coach alert resolve "$((n % 40 + 1))" --note "$v" ;;
    org_name) as demo-admin org add "$u" --kind other --name "$v" ;;
    org_edit_name) as demo-admin org edit AGY-CH --name "$v" ;;
    team_name) as demo-admin team add "$v" --program hss ;;
    team_rename) as demo-admin team rename 1 "$v" ;;
    staff_full_name)
        CARECOORD_NEW_PASSPHRASE=one-time-pass as demo-admin user add "h$n" --role coach --full-name "$v" ;;
    leave_note)
        as demo-admin user leave demo-coach --by demo-coach2 --from 2027-0$((n % 9 + 1))-01 \
            --until 2027-0$((n % 9 + 1))-02 --note "$v" ;;
    echo_merge_reason) as demo-admin client merge 1 2 --reason "$v" ;;
    extend_reason) as demo-coach episode extend 1 --days 1 --reason "$v" ;;
    export_purpose) as demo-coach export --format fhir --client "$CL" --to CLN-ES --purpose "$v" ;;
    pam_licence) as demo-admin pam licence "$v" ;;
    echo_client_show) as demo-coach client show "$v" ;;
    echo_program_show) as demo-coach program show "$v" ;;
    echo_export_what) as demo-supervisor export --what "$v" ;;
    echo_report_kind) as demo-supervisor report "$v" --format json ;;
    echo_report_staff) as demo-supervisor report access --staff "$v" --format json ;;
    echo_report_program) as demo-supervisor report measures --program "$v" --format json ;;
    echo_team_show) as demo-admin team member add "$v" demo-coach ;;
    echo_org_edit) as demo-admin org edit "$v" --name x ;;
    echo_option) as demo-coach agenda "--$v" ;;
    *) echo "Bail out! no field $f" && exit 1 ;;
    esac
}

# The strings, with their flags (nul, big, nl, clean, formula).
NAMES=() FLAGS=()
while IFS=$'\t' read -r id cat flags; do
    [ -n "${HOSTILE_COUNT:-}" ] && [ "${#NAMES[@]}" -ge "$HOSTILE_COUNT" ] && break
    NAMES+=("$id")
    FLAGS+=("$cat:$flags")
done <"$C/index.tsv"

# send FIELD I: string I into FIELD; its output to $O/I.FIELD.{txt,err} and
# one line "FIELD I RC LINES-OF-STDERR FLAGS" to $O/runs.
send() {
    local f=${1%%:*} how=${1##*:} i=$2 id=${NAMES[$2]} v
    if [ "$how" = f ]; then
        v="@$C/$id"
    else
        v=$(cat -- "$C/$id"; printf x)
        v=${v%x}
    fi
    put "$f" "$i" "$v"
    printf '%s\n' "$OUT" >"$O/$id.$f.txt"
    printf '%s\n' "$ERR" >"$O/$id.$f.err"
    printf '%s %s %s %s %s\n' "$f" "$id" "$RC" "$(printf '%s' "$ERR" | grep -c '')" \
        "${FLAGS[$i]}" >>"$O/runs"
}

# argv_ok I: string I can be one command-line argument (no NUL, not huge).
argv_ok() {
    case ${FLAGS[$1]} in
    *nul* | *big*) return 1 ;;
    esac
    return 0
}

t0=$SECONDS
nf=${#FIELDS[@]}
for ((i = 0; i < ${#NAMES[@]}; i++)); do
    if [ -n "$LONG" ]; then
        for fld in "${FIELDS[@]}"; do
            [ "${fld##*:}" = a ] && ! argv_ok "$i" && continue
            send "$fld" "$i"
        done
    else
        # Turns: string i goes to field i mod nf, or the next that takes it.
        for ((k = 0; k < nf; k++)); do
            fld=${FIELDS[$(((i + k) % nf))]}
            [ "${fld##*:}" = a ] && ! argv_ok "$i" && continue
            send "$fld" "$i"
            break
        done
    fi
done
diag "$(wc -l <"$O/runs") commands in $((SECONDS - t0)) s"

# Every command ended by itself, with an exit code of the table.
bad=$(awk '$3 > 5' "$O/runs")
is "$bad" '' "every command ended by itself with exit code 0-5 (no crash, no timeout)"
# Every refusal is one line.
bad=$(awk '$3 != 0 && $4 != 1' "$O/runs" | head -n 10)
is "$bad" '' "every refusal is one line on standard error"
# Nothing with a control character was taken in as it was: a value that is
# not clean is refused (exit 1 or 3), or was only echoed (the echo fields).
bad=$(awk '$3 == 0 && $5 !~ /clean/ && $1 !~ /^echo_/' "$O/runs" | head -n 10)
is "$bad" '' "no value with a control character, bidi control or bad UTF-8 was accepted"
bad=$(awk '$3 == 5' "$O/runs" | head -n 3)
is "$bad" '' "no busy error"
diag "accepted: $(awk '$3 == 0' "$O/runs" | wc -l), refused: $(awk '$3 != 0' "$O/runs" | wc -l)"

# ---- length limits ---------------------------------------------------------------------

# Every field refuses a value one byte over its limit (docs/SECURITY.md,
# "Length limits") in one clear line: here 100,000 bytes on the command
# line, and 1 MB through @FILE where the option is free text.
big="$T/big"
head -c 100000 /dev/zero | tr '\0' x >"$big"
head -c 1048576 /dev/zero | tr '\0' y >"$big.1m"
nolimit='' unclear=''
k=0
for fld in "${FIELDS[@]}"; do
    f=${fld%%:*}
    case $f in echo_*) continue ;; esac
    k=$((k + 1))
    v=$(cat "$big")
    [ "$f" = reconcile_found ] && v="$v=resolved"
    put "$f" "$((9000 + k))" "$v"
    if [ "$RC" = 0 ]; then
        nolimit="$nolimit $f"
    elif ! _matches "$ERR" 'too long|at most [0-9]+|over [0-9]+ characters|to [0-9]+ characters' ||
        [ "$(printf '%s' "$ERR" | grep -c '')" != 1 ]; then
        unclear="$unclear $f($(printf '%s' "$ERR" | head -n 1))"
    fi
    if [ "${fld##*:}" = f ]; then
        put "$f" "$((9000 + k))" "@$big.1m"
        _matches "$ERR" 'more than 64 KiB of text' || unclear="$unclear $f(1 MB: $ERR)"
    fi
done
is "$nolimit" '' "every field refuses 100,000 bytes (none takes them, none cuts them short)"
is "$unclear" '' "each refusal says the value is too long (and its limit), in one line"
CARECOORD_NEW_PASSPHRASE=one-time-pass as demo-admin user add hlen1 --role coach \
    --full-name "$(head -c 128 /dev/zero | tr '\0' n)"
expect 3 err 'the full name is too long \(at most 127 bytes\)' "a staff member's full name: 127 bytes at most"
CARECOORD_NEW_PASSPHRASE=one-time-pass as demo-admin user add hlen2 --role coach \
    --full-name "$(head -c 127 /dev/zero | tr '\0' n)"
expect 0 out 'hlen2' "... and 127 bytes are taken"
CARECOORD_NEW_PASSPHRASE=one-time-pass as demo-admin user add hlen3 --role coach \
    --full-name $'Ann\e]0;pwned\aLee'
expect 3 err 'the full name must be one printable line' "a full name with an escape sequence is refused"
as demo-coach client intake --family "$(head -c 64 /dev/zero | tr '\0' f)" --given Pat \
    --dob 1940-02-02 --zip "$ZIP" --payer medicare --program hss
expect 1 err '^carecoord: --family is too long \(at most 63 bytes\)$' \
    "a family name of 64 bytes is refused, not cut to 63"
as demo-admin org add HLEN --kind other --name "$(head -c 128 /dev/zero | tr '\0' o)"
expect 3 err "an organization's name is too long \(at most 127 bytes\)" \
    "an organization's name: 127 bytes at most, and the message says so"

# ---- every output ---------------------------------------------------------------------

# save NAME.EXT: the last run's standard output into $O/NAME.EXT, its
# standard error beside it.
save() {
    printf '%s\n' "$OUT" >"$O/$1"
    printf '%s\n' "$ERR" >"$O/$1.err"
    [ "$RC" = 0 ] || diag "exit $RC: $LAST_CMD: $(printf '%s' "$ERR" | head -n 1)"
}
KINDS="clients referrals consents assessments episodes tasks contacts handoffs alerts reach
caregivers appointments staff teams access disclosures"
for k in $KINDS; do
    as demo-supervisor export --what "$k"
    save "export-$k.jsonl"
    as demo-supervisor export --what "$k" --format csv
    save "export-$k.csv"
done
as demo-coach export --format fhir --client "$CL"
save "fhir-$CL.json"
as demo-supervisor export --format fhir --all --dir "$T/bulk"
save fhir-all.txt
for f in "$T"/bulk/*; do cp -- "$f" "$O/bulk-${f##*/}"; done
for fmt in text csv json; do
    ext=$fmt
    [ "$fmt" = text ] && ext=txt
    as demo-supervisor report caseload --format "$fmt"
    save "report-caseload.$ext"
    as demo-manager report measures --format "$fmt"
    save "report-measures.$ext"
    as demo-supervisor report consent --format "$fmt"
    save "report-consent.$ext"
    as demo-supervisor report disclosures --client "$CL" --format "$fmt"
    save "report-disclosures.$ext"
    as demo-supervisor report access --client "$CL" --format "$fmt"
    save "report-access-client.$ext"
    as demo-supervisor report access --staff demo-coach --format "$fmt"
    save "report-access-staff.$ext"
    as demo-supervisor report stale --format "$fmt"
    save "report-stale.$ext"
    as demo-supervisor report quarterly --format "$fmt"
    save "report-quarterly.$ext"
done
as demo-supervisor report quarterly --format html
save report-quarterly-html.txt
as demo-coach program show hss
save program-show.json
as demo-coach plan show "$CL"
save plan.txt
as demo-nurse med list "$CL"
save meds.txt
as demo-coach client reach "$CL"
save reach.txt
as demo-coach appointment list "$CL"
save appointments.txt
as demo-coach agenda --days 30
save agenda.txt
as demo-scheduler agenda --team --days 30
save agenda-team.txt
as demo-coach client show "$CL"
save client.txt
for tab in referrals consent assessments episode tasks contacts encounters handoffs; do
    as demo-coach client show "$CL" --tab "$tab"
    save "tab-$tab.txt"
done
as demo-admin team list
save teams.txt
as demo-admin org list
save orgs.txt
as demo-admin user list
save users.txt
as demo-admin user leaves
save leaves.txt
as demo-scheduler encounter review
save review.txt
as demo-coach caseload
save caseload.txt
as demo-admin program list
save programs.txt
as demo-admin program versions hss
save versions.txt
as demo-supervisor export --what handoffs
h=$(printf '%s\n' "$OUT" | grep '"client_id":'"$CL"',' | grep -Eo '^\{"id":[0-9]+' | grep -Eo '[0-9]+$' | tail -n 1)
if [ -n "$h" ]; then
    as demo-coach handoff show "$h"
    save handoff.json
fi

# check DESC FILE...: tests/hostile/check.py over the files, one TAP case.
check() {
    local desc=$1 res
    shift
    if res=$(python3 "$HOSTILE/check.py" "$@" 2>&1); then
        pass "$desc ($(printf '%s\n' "$res" | tail -n 1))"
    else
        fail "$desc" "$(printf '%s\n' "$res" | head -n 30)"
    fi
}
shopt -s nullglob
check "the messages of every command (stdout and stderr) carry no control byte" \
    "$O"/[0-9]*.txt "$O"/[0-9]*.err "$O"/import-*
check "the rejected rows (CSV) are clean and formula-safe" "$O/rejects.csv"
check "every export as JSON Lines is clean, decoded too" "$O"/export-*.jsonl
check "every export as CSV is clean and formula-safe" "$O"/export-*.csv
check "the FHIR Bundle and the bulk NDJSON are clean, decoded too" "$O"/fhir-*.json "$O"/bulk-*
check "every report as text is clean" "$O"/report-*.txt
check "every report as CSV is clean and formula-safe" "$O"/report-*.csv
check "every report as JSON (its echoed parameters too) is clean" "$O"/report-*.json
check "program show, the record, plan, medications, contact details, agenda, lists are clean" \
    "$O"/program-show.json "$O"/plan.txt "$O"/meds.txt "$O"/reach.txt "$O"/appointments.txt \
    "$O"/agenda*.txt "$O"/client.txt "$O"/tab-*.txt "$O"/teams.txt "$O"/orgs.txt \
    "$O"/users.txt "$O"/leaves.txt "$O"/review.txt "$O"/caseload.txt "$O"/programs.txt \
    "$O"/versions.txt "$O"/handoff.json* "$O"/*.err
# (The importers report each row or message they refuse on a line of its own.)
bad=$(find "$O" -name '*.err' ! -name "import-*.err" -exec cat {} + | grep -v '^$' |
    grep -v '^carecoord: ' | head -n 5)
is "$bad" '' "every message on standard error is a 'carecoord: ' line"

# Legitimate text came back as it went in (accepted by the importer's
# family name column, in the clients' export).
lost=''
while IFS=$'\t' read -r id cat flags; do
    [ "$cat" = unicode ] || continue
    [ $((10#$id % 4)) = 0 ] || continue
    grep -qF -- "$(cat -- "$C/$id")" "$O/export-clients.jsonl" || lost="$lost $id"
done <"$C/index.tsv"
is "$lost" '' "legitimate names (accents, CJK, Hangul, Greek, Cyrillic, RTL scripts, emoji) come back unchanged"

done_testing
