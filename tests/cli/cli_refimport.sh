#!/usr/bin/env bash
# cli_refimport.sh — referral spreadsheets from a blank database: the sample
# of tests/data/csv goes in whole (a quoted field with a comma and a line
# break, an override column, defaults for empty cells), the same file again
# is refused whole at its first row (a duplicate) with nothing imported; a
# file with a byte-order mark and CRLF line ends, one from standard input;
# --partial keeps the good rows and writes the rejected ones with their line,
# reason and fields to a new --rejects file (formulas neutralized), which is
# never written over; a header with an unknown or a missing column is
# refused before any row; someone who may not take clients in imports
# nothing; and the audit chain still verifies.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T18:00:00Z
DATA=$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../data/csv" && pwd)
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
HEADER='family,given,dob,zip,payer,program,person'
# count_clients: how many clients the supervisor's export holds.
count_clients() {
    as sup1 export --what clients
    printf '%s\n' "$OUT" | grep -c '^{' || true
}

CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
expect 0 out '^created' 'init'
admin team add 'NGH Transitions' --program ct-ngh
ok 'setup: a coach on the NGH team' add_user coach1 coach --team 'NGH Transitions'
ok 'setup: a supervisor' add_user sup1 supervisor

as coach1 import referrals --help
expect 0 out 'family given dob zip payer' 'import referrals --help names the columns'

# ---- the sample, all or nothing -------------------------------------------

as coach1 import referrals "$DATA/referrals.csv"
expect 0 out '^5 imported, 0 rejected$' 'the sample goes in whole'
expect 0 out '^line 2: client 1 taken in, referral 1 to ct-ngh$' \
    'each row by its line; the coach of the program takes the case'
expect 0 out '^line 4: client 2 taken in, referral 2 to hss; unassigned: you work in another program$' \
    'a row of a quoted field with a line break starts two lines down'
expect 0 out '^line 6: client 4 taken in, referral 4 to hss; eligibility overridden: hss takes clients aged 65 or older \(64\)' \
    'the override column takes an ineligible client in, with the reason'
as sup1 export --what referrals
expect 0 out '"source_person":"Dana Synth, RN discharge planning"' \
    'a quoted field with a comma and a line break: the break became a space'
expect 0 out '"criteria":\["decline in function"," \\"gait\\""\]' 'doubled quotes inside a quoted field'
as sup1 export --what clients
expect 0 out '"id":3,.*"language":"en",.*"setting":"home"' 'empty cells take intake'"'"'s defaults'

as coach1 import referrals "$DATA/referrals.csv"
expect 3 err 'referrals.csv: line 2: rejected: possible duplicate of client 1' \
    'the same file again: its first row is a possible duplicate'
expect 3 err 'nothing imported: all or nothing' 'and says nothing was imported'
expect 3 out '^0 imported, 1 rejected$' 'the summary line'
is "$(count_clients)" 5 'no client of that file was added'

# A bad row 3 of 4: rows 1 and 2 are not kept either.
{
    echo "$HEADER"
    echo 'Onerow,Ada,1950-01-01,20810,medicare,ct-ngh,'
    echo 'Tworow,Bo,1951-01-01,20812,medicare,ct-ngh,'
    echo 'Threerow,Cy,1952-01-01,99999,medicare,ct-ngh,'
    echo 'Fourrow,Di,1953-01-01,20814,medicare,ct-ngh,'
} >"$T/row3.csv"
as coach1 import referrals "$T/row3.csv"
expect 3 err 'row3.csv: line 4: rejected: ZIP 99999 is outside the service area' \
    'a bad third row is named by its line'
is "$(count_clients)" 5 'and nothing of the file is kept'

# The form of every row is checked before any intake: the first bad one is
# the one reported.
{
    echo "$HEADER"
    echo 'Formok,Ed,1950-01-01,20810,medicare,ct-ngh,'
    echo 'Formbad,Flo,1951-01-01,20812,medicare,nosuch,'
    echo 'Formok,Gil,1952-01-01,20814,medicare,ct-ngh,'
    echo 'Broken,"x"y,1953-01-01,20814,medicare,ct-ngh,'
} >"$T/form.csv"
as coach1 import referrals "$T/form.csv"
expect 3 err "form.csv: line 3: rejected: no program 'nosuch'" 'an unknown program code stops the file'
unlike "$ERR" 'line 5' 'and only the first bad row is reported'
expect 3 out '^0 imported, 1 rejected$' 'nothing imported'

# ---- a byte-order mark, CRLF, a line break inside quotes; standard input ---

printf '\357\273\277%s\r\nBomington,Ari,1947-08-08,20810,medicare,ct-ngh,"Lee Synth,\r\nRN"\r\n' \
    "$HEADER" >"$T/bom.csv"
as coach1 import referrals "$T/bom.csv"
expect 0 out '^line 2: client 6 taken in, referral 6 to ct-ngh$' \
    'a byte-order mark and CRLF line ends: the header still reads'
expect 0 out '^1 imported, 0 rejected$' 'one row imported'
as sup1 export --what referrals
expect 0 out '"client":6,.*"source_person":"Lee Synth, RN"' 'the CRLF inside quotes became a space'

printf '%s\nStdinson,Bea,1946-09-09,20812,dual,ct-ngh,\n' "$HEADER" >"$T/stdin.csv"
RUN_STDIN=$T/stdin.csv as coach1 import referrals -
expect 0 out '^line 2: client 7 taken in' 'a file from standard input (-)'

# ---- --partial and --rejects ------------------------------------------------

{
    echo 'family,given,dob,zip,payer,program,person,override'
    echo 'Goodrow,Eli,1949-02-02,20814,medicare,ct-ngh,,'
    echo 'Faraway,Fay,1949-03-03,99999,medicare,ct-ngh,,'
    echo 'Testperson,Avery,1948-03-14,20815,medicare,ct-ngh,,'
    echo 'Younger,Gus,1966-04-04,20816,medicare,hss,,'
    echo 'Baddate,Hal,03/14/1948,20817,medicare,ct-ngh,,'
    echo 'Short,Ivy,1949-05-05,20818'
    echo 'Noprogram,Jo,1949-06-06,20832,medicare,xyz,,'
    echo '@Risky,Kai,1949-07-07,1234,medicare,ct-ngh,"a note,'
    echo 'on two lines",'
    echo 'Lastgood,Lu,1949-08-08,20833,medicaid,ct-ngh,"Dr. Synth, PCP",'
} >"$T/mixed.csv"
as coach1 import referrals "$T/mixed.csv" --partial --rejects "$T/rejected.csv"
expect 3 out '^2 imported, 7 rejected$' '--partial: the good rows in, the bad ones counted'
expect 3 out '^line 2: client 8 taken in' 'the first good row'
expect 3 out '^line 11: client 9 taken in' 'the last good row, after a row of two lines'
expect 3 err 'mixed.csv: line 3: rejected: ZIP 99999 is outside the service area' 'service area, by line'
expect 3 err 'line 4: rejected: possible duplicate of client 1 ' 'duplicate, by line'
expect 3 err 'line 5: rejected: hss takes clients aged 65 or older \(60\): give a reason to refer anyway' \
    'eligibility without an override, by line'
expect 3 err 'line 6: rejected: date of birth must be YYYY-MM-DD' 'a bad date, by line'
expect 3 err 'line 7: rejected: 4 fields, the header has 8' 'a short row, by line'
expect 3 err 'line 8: rejected: .*xyz' 'an unknown program, by line'
expect 3 err 'line 9: rejected: ZIP code must be 5 digits' 'a bad ZIP, by line'
is "$(count_clients)" 9 'exactly the two good rows were added'
if [ -f "$T/rejected.csv" ]; then
    R=$(cat "$T/rejected.csv")
    like "$R" '^line,reason,family,given,dob,zip,payer,program,person,override' \
        'the rejects file: line, reason, then the file'"'"'s own header'
    like "$R" '^3,ZIP 99999 is outside the service area,Faraway,Fay,1949-03-03,99999,medicare,ct-ngh,,' \
        'a rejected row with its line, reason and original fields'
    like "$R" '^7,"4 fields, the header has 8",Short,Ivy,1949-05-05,20818' \
        'a short row with the fields it had'
    like "$R" "^9,ZIP code must be 5 digits,\"'@Risky\",Kai,.*,\"a note,\$" \
        'a cell that could start a formula is neutralized; a quoted line break kept'
    is "$(grep -c $'\r$' "$T/rejected.csv")" 8 'CRLF line ends: a header and seven rows'
    is "$(stat -c %a "$T/rejected.csv")" 600 'the rejects file is the person'"'"'s own, mode 0600'
else
    fail 'the rejects file was written'
fi
printf '%s\nNewperson,Mo,1949-09-09,20834,medicare,ct-ngh,\n' "$HEADER" >"$T/new.csv"
as coach1 import referrals "$T/new.csv" --partial --rejects "$T/rejected.csv"
expect 1 err 'rejected.csv' 'an existing rejects file is never written over'
is "$(count_clients)" 9 'and then nothing is imported'
as coach1 import referrals "$T/new.csv" --rejects "$T/other.csv"
expect 1 err '--rejects goes with --partial' '--rejects without --partial is a usage error'

# ---- the header ------------------------------------------------------------

printf 'family,given,dob,zip,payer,program,notes\nX,Y,1949-01-01,20810,medicare,ct-ngh,z\n' >"$T/unknown.csv"
as coach1 import referrals "$T/unknown.csv"
expect 3 err "unknown column 'notes' in the header" 'an unknown column refuses the file'
printf 'family,given,zip,payer,program\nX,Y,20810,medicare,ct-ngh\n' >"$T/nodob.csv"
as coach1 import referrals "$T/nodob.csv"
expect 3 err "the header has no 'dob' column" 'a missing required column refuses the file'
printf 'Family , GIVEN,dob,zip,payer,Program,source-org\nCasefold,Ned,1949-10-10,20837,medicare,ct-ngh,NGH\n' \
    >"$T/case.csv"
as coach1 import referrals "$T/case.csv"
expect 0 out '^1 imported, 0 rejected$' 'column names: case, spaces and - for _ do not matter'

# ---- who may import; the audit ------------------------------------------------

admin import referrals "$T/new.csv"
expect 2 err 'client.write' 'an administrator takes no clients in'
is "$(count_clients)" 10 'and imported nothing'
admin audit verify
expect 0 out '^audit chain intact' 'the audit chain verifies after imports and rolled-back rows'

done_testing
