#!/usr/bin/env bash
# cli_report.sh — `carecoord report` on a demo database: every kind runs for
# a role that may (exit 0) and is refused for one that may not (exit 2, the
# message names who may); CSV has a header row, CRLF line ends, RFC 4180
# quoting and no cell that would start a formula; JSON is one document; text
# lines fit 80 columns; --quarter 2026Q3 is 2026-07-01 to 2026-09-30; bad
# dates exit 3, an unknown kind or a disclosures report without --client exit
# 1; the access log for a client and for a staff member covers the last 7
# days by default; the audited kinds add an audit entry; and the screen and
# the report agree: the caseload board's numbers for the team's coaches are
# the ones `carecoord caseload` shows.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-22T12:00:00Z CARECOORD_PASSPHRASE=demo
run --db "$DB" demo --clients 200 --seed 5
expect 0 out 'demo-coach carries' 'setup: a demo database'

if command -v python3 >/dev/null 2>&1; then HAVE_PY=1; else HAVE_PY=0; fi

# A client of demo-coach, one of a hospital team, and one with disclosures.
cc --user demo-supervisor export --what clients
mine=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | head -n 1 | sed 's/^{"id":\([0-9]*\).*/\1/')
mine2=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | sed -n 2p | sed 's/^{"id":\([0-9]*\).*/\1/')
other=$(printf '%s\n' "$OUT" | grep '"program":"ct-' | grep -v '"owner":null' | head -n 1 |
    sed 's/^{"id":\([0-9]*\).*/\1/')
cc --user demo-supervisor export --what disclosures
# the client with the most disclosures, and how many
read -r ndisc disc <<<"$(printf '%s\n' "$OUT" | sed -n 's/.*"client":\([0-9]*\),.*/\1/p' |
    sort | uniq -c | sort -k1,1nr -k2,2n | head -n 1)"
ok 'setup: clients of demo-coach, of a hospital team, and with disclosures' \
    test -n "$mine" -a -n "$mine2" -a -n "$other" -a -n "$disc"

# Access to record: demo-coach opened $mine2 a week ago (11-15, outside the
# default 7 days) and $mine today; breaks the glass on $other with a reason
# made to run in a spreadsheet.
CARECOORD_NOW=2026-11-15T12:00:00Z cc --user demo-coach client show "$mine2"
expect 0 out "^client $mine2: " 'setup: demo-coach opens a client on 11-15'
cc --user demo-coach client show "$mine"
expect 0 out "^client $mine: " 'setup: demo-coach opens a client today'
FORMULA='=HYPERLINK("http://x.example","open")'
cc --user demo-coach break-glass "$other" --reason "$FORMULA"
expect 0 out 'supervisors are alerted' 'setup: break-glass with a formula for a reason'
cc --user demo-coach client show "$other"
expect 0 out "^client $other: " 'setup: ... and opens the record under it'

# ---- helpers ----------------------------------------------------------------

# fits80 TEXT: every line at most 80 display columns (wc -L counts columns in
# a UTF-8 locale: wide characters are 2, accented letters 1; mawk's length()
# would count bytes).
fits80() {
    local w
    w=$(printf '%s\n' "$1" | LC_ALL=C.UTF-8 wc -L)
    [ "$w" -le 80 ] || {
        diag "widest line: $w columns"
        printf '%s\n' "$1" | LC_ALL=C.UTF-8 awk '{ print length($0) ": " $0 }' | sort -rn |
            head -n 3 | sed 's/^/# /'
        return 1
    }
}

# csv_ok FILE HEADER: FILE is RFC 4180 CSV with header row HEADER: CRLF after
# every record, quotes balanced, every record as many fields as the header,
# and no field starting with = + - @ tab or CR.
csv_ok() {
    local first
    first=$(head -n 1 -- "$1")
    [ "$first" = "$2"$'\r' ] || {
        diag "header row: '$first'" "expected:   '$2'"
        return 1
    }
    [ "$HAVE_PY" = 1 ] || return 0
    python3 - "$1" <<'EOF'
import csv, io, sys
data = open(sys.argv[1], "rb").read().decode("utf-8")
if not data.endswith("\r\n"):
    sys.exit("the last record does not end with CRLF")
# Outside quotes, every line break is CRLF.
inq = False
for i, ch in enumerate(data):
    if ch == '"':
        inq = not inq
    elif ch == "\n" and not inq and (i == 0 or data[i - 1] != "\r"):
        sys.exit("a bare LF ends a record at offset %d" % i)
if inq:
    sys.exit("unbalanced quotes")
rows = list(csv.reader(io.StringIO(data, newline=""), strict=True))
n = len(rows[0])
for k, r in enumerate(rows):
    if len(r) != n:
        sys.exit("record %d has %d fields, the header %d: %r" % (k, len(r), n, r))
    for cell in r:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            sys.exit("record %d: a cell starts a formula: %r" % (k, cell))
EOF
}

# to_file FILE ARGS...: run with --db "$DB", stdout into FILE byte for byte
# (OUT would drop the last line end); sets RC.
to_file() {
    local file=$1
    shift
    LAST_CMD="carecoord $*"
    "${_TIMEOUT[@]}" "$CARECOORD_BIN" --db "$DB" "$@" </dev/null >"$file" 2>"$T/.stderr"
    RC=$?
    [ "$RC" = 0 ] || diag "exit $RC: $LAST_CMD" "$(cat "$T/.stderr")"
}

# json_ok TEXT: exactly one JSON document.
json_ok() {
    [ "$HAVE_PY" = 1 ] || return 0
    printf '%s\n' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)'
}

# ---- each kind: who may, who may not -----------------------------------------

# kind|allowed user|extra options|refused user|the refusal names|CSV header
KINDS=(
    "caseload|demo-manager||demo-admin|caseload.view needs|team,coach,active,load,high,past,overdue,handoffs,stale_days"
    "measures|demo-manager||demo-coach|measures.view needs program-manager supervisor|measure,value,unit,numerator,denominator"
    "consent|demo-supervisor||demo-manager|audit.access needs supervisor|issue,client,name,detail,date"
    "disclosures|demo-supervisor|--client $disc|demo-coach|audit.access needs supervisor|date,recipient,what,purpose,sent_by"
    "access|demo-supervisor||demo-manager|audit.access needs supervisor|at,staff,client,action,part"
    "stale|demo-coach||demo-admin|caseload.view needs|issue,client,name,owner,since"
    "unassigned|demo-manager||demo-supervisor|caseload.assign needs program-manager|client,name,program,received,status,suggested"
    "grants|demo-supervisor||demo-nurse|breakglass.review needs supervisor|grant_id,at,staff,client,reason,done,review"
)
for spec in "${KINDS[@]}"; do
    IFS='|' read -r kind who extra nope needs header <<<"$spec"
    # shellcheck disable=SC2086  # extra is a list of options
    cc --user "$who" report "$kind" $extra
    expect 0 out "^$kind report, " "report $kind runs for $who"
    ok "report $kind: text lines fit 80 columns" fits80 "$OUT"
    # shellcheck disable=SC2086
    to_file "$T/$kind.csv" --user "$who" report "$kind" $extra --format csv
    ok "report $kind --format csv: header row, RFC 4180" csv_ok "$T/$kind.csv" "$header"
    # shellcheck disable=SC2086
    cc --user "$who" report "$kind" $extra --format json
    if [ "$RC" = 0 ] && json_ok "$OUT"; then
        pass "report $kind --format json: one document"
    else
        fail "report $kind --format json: one document"
        last_run
    fi
    # shellcheck disable=SC2086
    cc --user "$nope" report "$kind" $extra
    expect 2 err "$needs" "report $kind is refused for $nope, naming who may"
    is "$OUT" "" "... and prints nothing on stdout"
done

# ---- usage and bad input ------------------------------------------------------

cc --user demo-supervisor report nope
expect 1 err "no report 'nope' \(choose caseload, measures, consent" 'an unknown kind exits 1 naming the kinds'
cc --user demo-supervisor report disclosures
expect 1 err 'for one --client' 'disclosures without --client exits 1'
cc --user demo-supervisor report access --client abc
expect 1 err '--client takes a client id' 'a --client that is no id exits 1'
cc --user demo-supervisor report caseload --format xml
expect 1 err '--format is text, csv or json' 'an unknown format exits 1'
cc --user demo-supervisor report stale --from 2026-02-30
expect 3 err 'YYYY-MM-DD' 'a date that does not exist exits 3'
cc --user demo-supervisor report stale --from 2026-11-10 --to 2026-11-01
expect 3 err 'before --to' 'a period ending before it starts exits 3'
cc --user demo-supervisor report access --from 2026-11-01T00:00:00Z
expect 3 err 'YYYY-MM-DD' 'a time where a date goes exits 3'
cc --user demo-manager report measures --quarter 2026Q5
expect 3 err 'written like 2026Q3' 'a fifth quarter exits 3'
cc --user demo-manager report measures --quarter 26Q1
expect 3 err 'written like 2026Q3' 'a two-digit year exits 3'

# ---- the quarter -------------------------------------------------------------

cc --user demo-manager report measures --quarter 2026Q3
expect 0 out '^measures report, 2026-07-01 to 2026-09-30' '--quarter 2026Q3 is 2026-07-01 to 2026-09-30'
like "$OUT" '^referrals converted \(first HRA high\) +[0-9.]+ +percent +[0-9]+ +[0-9]+$' \
    '... with the referral conversion and the counts behind it'
like "$OUT" '^episode length \(closed episodes\) +[0-9.]+ +days '  '... the episode length in days'
like "$OUT" '^30-day readmissions ' '... and the readmissions'
ok '... in 80 columns' fits80 "$OUT"
cc --user demo-manager report measures --quarter 2026Q3 --format json
if [ "$HAVE_PY" = 1 ]; then
    got=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["params"]["from"], d["params"]["to"], len(d["rows"]) >= 9)')
    is "$got" '2026-07-01 2026-09-30 True' '... and in JSON the params say so'
else
    skip '... and in JSON the params say so' 'no python3'
fi
cc --user demo-manager report measures --quarter 2026Q4
expect 0 out '^measures report, 2026-10-01 to 2026-12-31' '--quarter 2026Q4 ends on 12-31'

# ---- the access log ----------------------------------------------------------

cc --user demo-supervisor report access --client "$mine"
expect 0 out '^access report, 2026-11-16 to 2026-11-22' 'the access log covers the last 7 days by default'
like "$OUT" "^2026-11-22T12:00 demo-coach \\(.* $mine +view " "... and shows demo-coach's view of client $mine, by login and name"
unlike "$OUT" "^2026-11-22T12:00 demo-coach .* $mine2 +view" '... and no other client'
cc --user demo-supervisor report access --client "$mine2"
expect 0 out '^access report, 2026-11-16 to 2026-11-22' "setup: the access log of client $mine2"
unlike "$OUT" "demo-coach .* $mine2 +view" 'a view of 11-15 is not in the last 7 days'
cc --user demo-supervisor report access --client "$mine2" --from 2026-11-01
like "$OUT" "^2026-11-15T12:00 demo-coach .* $mine2 +view " '... but is with --from 2026-11-01'
cc --user demo-supervisor report access --staff demo-coach
expect 0 out "^2026-11-22T12:00 demo-coach .* $mine +view " 'the access log for one staff member'
like "$OUT" "^2026-11-22T12:00 demo-coach .* $other +break-glass " '... with the break-glass'
unlike "$OUT" '^[0-9T:-]+ (nurse|coach-|demo-nurse)' '... and no one else'
cc --user demo-supervisor report access --staff demo-nurse
expect 0 out '^access report, ' "setup: demo-nurse's access log"
unlike "$OUT" 'demo-coach' "another staff member's log has none of demo-coach's views"
to_file "$T/access-coach.csv" --user demo-supervisor report access --staff demo-coach --format csv
ok 'the formula in the break-glass reason is neutralized in CSV' \
    grep -qF "break-glass,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"open\"\")\"" "$T/access-coach.csv"
to_file "$T/grants.csv" --user demo-supervisor report grants --format csv
ok '... and in the grants report' grep -qF "\"'=HYPERLINK(" "$T/grants.csv"
ok '... which is still RFC 4180' csv_ok "$T/grants.csv" 'grant_id,at,staff,client,reason,done,review'

# ---- disclosures -------------------------------------------------------------

cc --user demo-supervisor report disclosures --client "$disc" --format csv
rows=$(printf '%s\n' "$OUT" | tail -n +2 | grep -c '^2[0-9][0-9][0-9]-')
is "$rows" "$ndisc" "the accounting of disclosures for client $disc lists all $ndisc"
dates=$(printf '%s\n' "$OUT" | tail -n +2 | grep '^2' | cut -d, -f1)
in_order() { printf '%s\n' "$1" | sort -c; }
ok '... in date order' in_order "$dates"
like "$OUT" '^note,records begin 2026-11-22,the period starts 2020-11-23' \
    '... first a note: the database began after the period did'
cc --user demo-supervisor report disclosures --client "$disc"
expect 0 out '^disclosures report, 2020-11-23 to 2026-11-22$' \
    'the accounting of disclosures covers 6 years by default (to - 6 years + 1 day)'
cc --user demo-supervisor report disclosures --client "$disc" --format csv
like "$OUT" '^2[0-9-]{9},.*,[a-z0-9-]+ \([^)]+\)'$'\r''$' '... naming who sent each by login and name'
cc --user demo-supervisor report disclosures --client "$disc" --to 2028-02-29
expect 0 out '^disclosures report, 2022-03-01 to 2028-02-29$' '... from a 29 February, 6 years from 03-01'

# ---- the consent audit -----------------------------------------------------

cc --user demo-supervisor report consent
expect 0 out '^consent report, 2026-08-25 to 2026-11-22$' 'the consent audit covers 90 days by default'
cc --user demo-supervisor report consent --format csv
like "$OUT" '^revoked,[0-9]+,.*; after it: [0-9]+ views?, [0-9]+ disclosures?",20' \
    '... with each revocation and what was done after it'
like "$OUT" '^"release expired, still in use",[0-9]+,.*,"?[A-Z-]+: [a-z ,]+"?,20[0-9-]{8}' \
    '... and the expired releases whose recipient is still in the activity'
cc --user demo-supervisor report consent --from 2026-11-20
expect 0 out '^consent report, 2026-11-20 to 2026-11-22$' '... or the period asked for'
n_all=$(cc --user demo-supervisor report consent --format csv; printf '%s\n' "$OUT" | grep -c '^revoked,')
n_late=$(cc --user demo-supervisor report consent --from 2026-11-20 --format csv; printf '%s\n' "$OUT" | grep -c '^revoked,')
ok "... fewer revocations from 11-20 ($n_late) than in 90 days ($n_all)" test "$n_late" -lt "$n_all"

# ---- break-glass: what was done under it, the review and its alert ------------

to_file "$T/grants2.csv" --user demo-supervisor report grants --format csv
grant=$(grep -F ",$other," "$T/grants2.csv" | grep -F 'demo-coach (' | head -n 1 | cut -d, -f1)
ok "setup: demo-coach's grant on client $other is listed" test -n "$grant"
row=$(grep "^$grant," "$T/grants2.csv")
like "$row" ',"?[1-9][0-9]*: .*view summary' "... with what was viewed under it"
like "$row" ',NOT REVIEWED'$'\r''$' '... not yet reviewed'
cc --user demo-supervisor export --what alerts
alert=$(printf '%s\n' "$OUT" | grep -F "(grant $grant)" | sed 's/^{"id":\([0-9]*\).*/\1/')
cc --user demo-supervisor alert resolve "$alert" --note 'seen'
expect 3 err 'reviewing its grant' 'its alert is resolved only by reviewing the grant'
cc --user demo-supervisor review-access "$grant" --note 'checked with the ED'
expect 0 out '' 'the supervisor reviews the grant'
cc --user demo-supervisor alert resolve "$alert" --note 'seen'
expect 3 err 'already resolved' '... which resolved its alert'
to_file "$T/grants3.csv" --user demo-supervisor report grants --format csv
like "$(grep "^$grant," "$T/grants3.csv")" ',demo-supervisor \([^)]*\): checked with the ED'$'\r''$' \
    '... and the report names the reviewer by login and name'

# ---- stale cases -------------------------------------------------------------

stale_ok() { # CSV DAYS: every "no contact" row is older than today - DAYS
    [ "$HAVE_PY" = 1 ] || return 0
    python3 - "$1" "$2" <<'EOF'
import csv, datetime, io, sys
rows = list(csv.reader(io.StringIO(open(sys.argv[1], encoding="utf-8").read(), newline="")))
cut = (datetime.date(2026, 11, 22) - datetime.timedelta(days=int(sys.argv[2]))).isoformat()
bad = [r for r in rows[1:] if r[0] == "no contact" and r[4] != "never" and r[4] >= cut]
issues = {r[0] for r in rows[1:]}
if bad or not issues <= {"no contact", "past target"}:
    sys.exit("rows not stale for %s days: %r" % (sys.argv[2], bad[:3]))
EOF
}
to_file "$T/stale30.csv" --user demo-manager report stale --format csv
to_file "$T/stale60.csv" --user demo-manager report stale --days 60 --format csv
ok 'stale: no contact for 30 days by default' stale_ok "$T/stale30.csv" 30
ok 'stale --days 60: no contact for 60 days' stale_ok "$T/stale60.csv" 60
n30=$(grep -c '^no contact,' "$T/stale30.csv")
n60=$(grep -c '^no contact,' "$T/stale60.csv")
ok "... fewer with 60 days ($n60) than with 30 ($n30)" test "$n60" -lt "$n30"
ok '... past-target episodes are listed' grep -q '^past target,' "$T/stale30.csv"

# ---- audited kinds -------------------------------------------------------------

head_seq() {
    cc --user demo-supervisor audit anchor
    printf '%s\n' "$OUT" | awk '{ print $3 }'
}
s0=$(head_seq)
cc --user demo-supervisor report caseload
s1=$(head_seq)
cc --user demo-supervisor report consent
s2=$(head_seq)
cc --user demo-supervisor report access --client "$mine"
s3=$(head_seq)
is "$((s2 - s1))" "$((s1 - s0 + 1))" 'the consent audit adds one audit entry more than the board'
is "$((s3 - s2))" "$((s1 - s0 + 1))" '... and so does the access log'

# ---- the screen and the report agree ---------------------------------------------

cc --user demo-coach caseload
screen=$OUT
expect 0 out '^demo-coach +[0-9]+/[0-9]+ +[0-9]+' 'setup: the caseload screen of demo-coach'
to_file "$T/board.csv" --user demo-manager report caseload --format csv
agree=0 compared=0
while read -r login active high _; do
    case "$login" in COACH | '') continue ;; esac
    row=$(grep -F ",$login," "$T/board.csv" | head -n 1 | tr -d '\r')
    board_active=$(printf '%s' "$row" | cut -d, -f3)
    board_high=$(printf '%s' "$row" | cut -d, -f5)
    compared=$((compared + 1))
    if [ "$board_active" = "$active" ] && [ "$board_high" = "$high" ]; then
        agree=$((agree + 1))
    else
        diag "$login: screen $active high $high, board '$board_active' high '$board_high'"
    fi
done <<<"$screen"
ok "the board and the caseload screen agree for all $compared coaches of the team" \
    test "$compared" -gt 1 -a "$agree" = "$compared"
mine_screen=$(printf '%s\n' "$screen" | awk '$1 == "demo-coach" { print $2 }')
mine_board=$(grep -F ',demo-coach,' "$T/board.csv" | cut -d, -f3)
is "$mine_board" "$mine_screen" "demo-coach's active count: the board's $mine_board, the screen's $mine_screen"

# The manager's board covers the teams they cover; the supervisor's all teams
# with a coach.
cc --user demo-supervisor export --what teams
printf '%s\n' "$OUT" >"$T/teams.jsonl"
to_file "$T/board-all.csv" --user demo-supervisor report caseload --format csv
if [ "$HAVE_PY" = 1 ]; then
    got=$(python3 - "$T/teams.jsonl" "$T/board.csv" "$T/board-all.csv" <<'EOF'
import csv, json, sys
teams = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def board(path):
    return sorted({r[0] for r in csv.reader(open(path, newline="", encoding="utf-8")) if r[1:2] == ["(team)"]})
mgr = sorted(t["name"] for t in teams if "demo-manager" in t["covered_by"]
             or any(m.startswith("demo-manager:") for m in t["members"]))
every = sorted(t["name"] for t in teams if any(m.endswith(":coach") for m in t["members"]))
print(board(sys.argv[2]) == mgr and len(mgr) >= 1, board(sys.argv[3]) == every and len(every) > len(mgr))
EOF
)
    is "$got" 'True True' "the manager's board has the teams they cover, the supervisor's every team"
else
    skip "the manager's board has the teams they cover, the supervisor's every team" 'no python3'
fi

# The site's time zone decides what "today" is: at 03:00 UTC on 11-25 it is
# still 11-24 in Chicago; a zone that is not installed is refused in one line.
printf 'timezone = America/Chicago\n' >"$T/chicago.conf"
CARECOORD_NOW=2026-11-25T03:00:00Z CARECOORD_CONF="$T/chicago.conf" \
    cc --user demo-supervisor report access
expect 0 out '^access report, 2026-11-18 to 2026-11-24$' \
    'with timezone = America/Chicago the default period ends on the local day'
CARECOORD_NOW=2026-11-25T03:00:00Z cc --user demo-supervisor report access
expect 0 out '^access report, 2026-11-19 to 2026-11-25$' '... and on the UTC day by default'
printf 'timezone = Mars/Olympus\n' >"$T/mars.conf"
CARECOORD_CONF="$T/mars.conf" cc --user demo-supervisor report access
expect 1 err "timezone 'Mars/Olympus' is not a time zone installed" \
    'an unknown timezone is refused with a one-line error'
is "$OUT" '' '... and nothing is reported'

done_testing
