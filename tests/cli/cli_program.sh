#!/usr/bin/env bash
# cli_program.sh — programs and the risk questionnaire as versioned data, and
# the service area imported from a file: program load makes a new version
# (an identical file changes nothing), program versions / show --version
# show them, an episode keeps its version's maximum after the program
# changes; questionnaire load/show with validation; area import all or
# nothing, from a file and from standard input; assessment show under the
# assessment's own questionnaire version. Administrators only.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-22T12:00:00Z
DB="$T/a.db"
export CARECOORD_PASSPHRASE=demo
run --db "$DB" demo --clients 10 --seed 3
expect 0 out 'demo-coach carries' 'setup: a demo database'
admin() { cc --user demo-admin "$@"; }
coach() { cc --user demo-coach "$@"; }

# ---- program versions -------------------------------------------------------
admin program show hss
expect 0 out '"version":[[:space:]]*1' 'program show names the current version'
printf '%s\n' "$OUT" >"$T/hss1.json"
admin program load "$T/hss1.json"
expect 0 out '^program hss unchanged \(still version 1\)$' 'loading an identical program changes nothing'
admin program versions hss
expect 0 out '^1 ' 'program versions: the seeded version'
unlike "$OUT" '^2 ' '... and no second one after the identical load'

# An episode under version 1 (HSS: 60 days, at most 90).
admin area list
zip=$(printf '%s\n' "$OUT" | tr ',' '\n' | head -n 1)
coach client intake --family Versionne --given Ida --dob 1947-05-06 --zip "$zip" \
    --payer medicare --program hss --source pcp --criteria frequent-ems
expect 0 out '^client [0-9]+ taken in' 'setup: a client taken in'
cid=$(printf '%s\n' "$OUT" | sed -n 's/^client \([0-9]*\) taken in.*/\1/p')
coach client consent "$cid" --kind participation --decision granted
expect 0 out 'participation granted' 'setup: participation consent'
coach client assess "$cid" --program hss --answers 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
expect 0 out 'intensive episode [0-9]+ started' 'setup: a high assessment starts an episode under v1'
ep=$(printf '%s\n' "$OUT" | sed -n 's/.*intensive episode \([0-9]*\) started.*/\1/p')
old_a=$(printf '%s\n' "$OUT" | sed -n 's/^assessment \([0-9]*\):.*/\1/p')

sed -e 's/"episode_days":[[:space:]]*60/"episode_days": 100/' \
    -e 's/"max_days":[[:space:]]*90/"max_days": 200/' "$T/hss1.json" >"$T/hss2.json"
coach program load "$T/hss2.json"
expect 2 err 'program.manage needs admin' 'a coach may not save a program version'
admin program load "$T/hss2.json"
expect 0 out '^program hss saved with [0-9]+ protocol tasks as version 2$' 'a changed program is version 2'
admin program versions hss
expect 0 out '^2 .* 100 +200 .*current' 'program versions: version 2 is current, 100 days, max 200'
like "$OUT" '^1 .* 60 +90 +[0-9]+ +[1-9]' '... version 1 keeps 60/90 and its episode'
coach program show hss --version 1
expect 0 out '"max_days":[[:space:]]*90' 'program show --version 1: as it was saved'
coach program show hss
like "$OUT" '"max_days":[[:space:]]*200' 'program show: the current version'
coach program show hss --version 7
expect 3 err 'no version 7' 'a version that does not exist'
coach episode extend "$ep" --days 31 --reason 'past the old maximum'
expect 3 err 'hss episodes last at most 90 days: 60 \+ 31 more' \
    'the episode started under version 1 keeps its maximum of 90'
coach episode extend "$ep" --days 30 --reason 'to the old maximum'
expect 0 out 'target 90 days' '... up to which it extends'

# ---- the questionnaire --------------------------------------------------------
coach questionnaire show
expect 0 out '"version":[[:space:]]*1' 'questionnaire show: the active version 1'
printf '%s\n' "$OUT" >"$T/q1.json"
admin questionnaire load "$T/q1.json"
expect 0 out 'unchanged \(still version 1\)' 'an identical questionnaire changes nothing'
sed -e 's/"high_min":[[:space:]]*[0-9]*/"high_min": 8/' "$T/q1.json" >"$T/q2.json"
admin questionnaire load "$T/q2.json"
expect 0 out '^questionnaire hra version 2 is active' 'a new questionnaire version becomes active'
coach questionnaire show
like "$OUT" '"high_min":[[:space:]]*8' '... questionnaire show prints it'
coach questionnaire show --version 1
unlike "$OUT" '"high_min":[[:space:]]*8,' '... and --version 1 the previous one'
sed -e 's/"weight":[[:space:]]*[0-9]*/"weight": 0/' "$T/q1.json" >"$T/qbad.json"
admin questionnaire load "$T/qbad.json"
expect 3 err 'question 1: .*weight' 'a weight of 0 is refused'
sed -e 's/"category":[[:space:]]*"social"/"category": "money"/' "$T/q1.json" >"$T/qcat.json"
admin questionnaire load "$T/qcat.json"
expect 3 err 'category must be' 'an unknown category is refused'
sed -e 's/"moderate_min":[[:space:]]*[0-9]*/"moderate_min": 500/' "$T/q1.json" >"$T/qthr.json"
admin questionnaire load "$T/qthr.json"
expect 3 err 'thresholds' 'thresholds out of order are refused'
coach questionnaire load "$T/q1.json"
expect 2 err 'program.manage needs admin' 'a coach may not load a questionnaire'
coach questionnaire show
like "$OUT" '"version":[[:space:]]*2' 'the refused loads left version 2 active'
coach client assess "$cid" --program hss --answers 1,1,0,0,0,0,0,0,0,0,0,0,0,0,0
expect 0 out '^assessment [0-9]+: ' 'setup: an assessment under version 2'
new_a=$(printf '%s\n' "$OUT" | sed -n 's/^assessment \([0-9]*\):.*/\1/p')
coach assessment show "$old_a"
expect 0 out '^questionnaire hra version 1: high at 10\+, moderate at 5\+; scored by it: high' \
    'assessment show: the old assessment under its own version 1'
coach assessment show "$new_a"
expect 0 out '^questionnaire hra version 2: high at 8\+' '... a new one under version 2'

# ---- the service area from a file --------------------------------------------
admin area list
before=$OUT
printf '# new ZIPs\n99601\n\n  99602  \n99603 # with a note\n%s\n' "$zip" >"$T/zips.txt"
admin area import "$T/zips.txt"
expect 0 out '^3 ZIP codes added to the service area, 1 already in it$' 'area import: 3 new, 1 already there'
coach area list
like "$OUT" '99601,99602,99603' '... which the list shows'
printf '99701\n99702\n9970\n99703\n' >"$T/bad.txt"
admin area import "$T/bad.txt"
expect 3 err '^carecoord: line 3: a ZIP code is 5 digits; nothing imported$' \
    'a bad line refuses the import, naming the line'
coach area list
unlike "$OUT" '99701' '... and nothing of it was applied'
coach area import "$T/zips.txt"
expect 2 err 'program.manage needs admin' 'a coach may not import ZIPs'
printf '99801\n99802\n' | "$CARECOORD_BIN" --db "$DB" --user demo-admin area import - \
    >"$T/.stdout" 2>"$T/.stderr"
RC=$? OUT=$(cat "$T/.stdout") ERR=$(cat "$T/.stderr") LAST_CMD='area import -'
expect 0 out '^2 ZIP codes added' 'area import - reads standard input'
admin area import "$T/no-such-file"
expect 1 err 'cannot read' 'a missing file is a usage error'

done_testing
