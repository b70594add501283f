#!/usr/bin/env bash
# cli_anchor.sh — the audit chain's head anchored outside the database: each
# command's session appends the head to the site's anchor file (and syslog,
# which a test cannot read: its message format is a unit test); `audit
# verify` checks against the newest anchor of this database by default and
# says which, `--anchor FILE` as before; a database put back to an older
# copy (committed work lost) is refused at open, while `check` and `audit
# verify` still run and say why; long commands stay quiet on stderr when it
# is not a terminal, and draw a bar when it is. `audit verify --incremental`
# recomputes only what came after the point last verified, and catches an
# entry altered after it or at it (an entry before it is the full
# verification's, the default).
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_anchor.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_PASSPHRASE=demo
ANCHORS="$T/anchors"
QDB=$(re_quote "$DB")

cc demo --clients 10
expect 0 out '^Demo database: ' 'setup: a demo database'

# ---- without an anchor file --------------------------------------------------

cc --user demo-supervisor audit verify
expect 0 out '^audit chain intact: [0-9]+ entries$' \
    'no anchor file: the chain is checked on its own'
like "$OUT" '^not checked against an anchor: no anchor file configured' '... and it says so'

# ---- with one ----------------------------------------------------------------

printf 'anchor_file = %s\nanchor_minutes = 5\n' "$ANCHORS" >"$T/site.conf"
export CARECOORD_CONF="$T/site.conf"

cc --user demo-admin user list
expect 0 out 'demo-admin' 'a command as the administrator'
ok 'its session anchored the head in the anchor file' test -s "$ANCHORS"
is "$(wc -l <"$ANCHORS" | tr -d ' ')" 1 'one line per session'
like "$(cat "$ANCHORS")" "^carecoord-audit-anchor 1 [0-9]+ [0-9a-f]{64} 20[0-9-]+T[0-9:]+Z $QDB\$" \
    'the line: format, sequence, hash, time and the database'
anchored=$(cut -d' ' -f3 "$ANCHORS")

cc --user demo-supervisor audit verify
expect 0 out "^audit chain intact: [0-9]+ entries, extends the newest anchor in $(re_quote "$ANCHORS") \\(entry $anchored, " \
    'audit verify checks the newest anchor by default and says which'
is "$(wc -l <"$ANCHORS" | tr -d ' ')" 2 'its session anchored too'

cc --user demo-supervisor audit anchor
printf '%s\n' "$OUT" >"$T/mine.anchor"
cc --user demo-supervisor audit verify --anchor "$T/mine.anchor"
expect 0 out '^audit chain intact: [0-9]+ entries, extends the anchor$' '--anchor FILE as before'

cc --user demo-supervisor check
expect 0 out '^audit anchor: holds: the newest anchor in ' 'check looks at the newest anchor too'
is "$ERR" '' 'check: nothing on stderr when it is not a terminal'

printf 'anchor_file = %s\n' "$T/other-anchors" >"$T/site.conf"
printf 'carecoord-audit-anchor 1 5 %064d 2026-01-01T00:00:00Z /elsewhere/x.db\n' 0 >"$T/other-anchors"
cc --user demo-supervisor audit verify
expect 0 out 'holds no anchor of this database' 'another database'"'"'s anchors are not ours'
printf 'anchor_file = %s\nanchor_minutes = 5\n' "$ANCHORS" >"$T/site.conf"

printf 'anchor_file = %s/no-such-dir/anchors\n' "$T" >"$T/bad.conf"
CARECOORD_CONF="$T/bad.conf" cc --user demo-admin user list
expect 0 out 'demo-admin' 'an unwritable anchor file does not stop the work (syslog says so)'

# ---- incremental verification ----------------------------------------------

IDB="$T/inc.db"
TAMPER=${CARECOORD_AUDIT_TAMPER:-}
# no anchor file here: copies put back must not be caught by the anchors
ci() { CARECOORD_CONF="$T/no-such-carecoord.conf" run --db "$IDB" "$@"; }
ci demo --clients 10 --no-tui
expect 0 out '^Demo database: ' 'incremental: a database of its own'
ci --user demo-supervisor audit verify --incremental
expect 0 out '^audit chain intact: [0-9]+ entries' \
    'the first --incremental verifies the whole chain...'
like "$ERR" '^no verification recorded yet: verifying the whole chain' '... and says why'
like "$OUT" '^verified [0-9]+ entries in [0-9.]+ s \([0-9]+ entries/s\)$' 'the rate at the end'
like "$OUT" '^recorded as verified: entry [0-9]+ ' 'the head it reached is recorded'
point=$(sed -n 's/^recorded as verified: entry \([0-9]*\) .*/\1/p' <<<"$OUT")
ci --user demo-admin user list
ci --user demo-supervisor audit verify --incremental
expect 0 out "^audit chain intact: [0-9]+ entries after entry $point \\(verified 20[0-9T:-]+Z\\), [0-9]+ in all" \
    '--incremental: only the entries after the point last verified'
checked=$(sed -n 's/^audit chain intact: \([0-9]*\) entries after.*/\1/p' <<<"$OUT")
ok 'a handful of entries, not the whole chain' test "$checked" -gt 0 -a "$checked" -lt "$point"
point=$(sed -n 's/^recorded as verified: entry \([0-9]*\) .*/\1/p' <<<"$OUT")
if [ -x "$TAMPER" ]; then
    copy_db "$IDB" "$T/inc-copy.db"
    ci --user demo-admin user list
    "$TAMPER" "$IDB" $((point + 1))
    ci --user demo-supervisor audit verify --incremental
    expect 3 out "^audit chain BROKEN at entry $((point + 1)): contents do not match its hash" \
        '--incremental catches an entry altered after the point'
    ci --user demo-supervisor audit verify
    expect 3 out "^audit chain BROKEN at entry $((point + 1)):" '... as the full one does'

    copy_db "$T/inc-copy.db" "$IDB"
    rm -f -- "$IDB-wal" "$IDB-shm"
    "$TAMPER" "$IDB" "$point"
    ci --user demo-supervisor audit verify --incremental
    expect 3 out "^audit chain BROKEN at entry $point: contents do not match its hash" \
        '--incremental catches the point itself altered'
    unlike "$OUT" '^recorded as verified' 'a broken chain records nothing'
    ci --user demo-supervisor audit verify --incremental
    expect 3 out "^audit chain BROKEN at entry $point:" '... and does again next time'

    copy_db "$T/inc-copy.db" "$IDB"
    rm -f -- "$IDB-wal" "$IDB-shm"
    "$TAMPER" "$IDB" 3
    ci --user demo-supervisor audit verify --incremental
    expect 0 out '^audit chain intact: ' \
        'an entry before the point is left to the full verification...'
    ci --user demo-supervisor audit verify
    expect 3 out '^audit chain BROKEN at entry 3:' '... which is the default, and catches it'
else
    skip 'tampering tests' 'no CARECOORD_AUDIT_TAMPER tool'
fi

# ---- committed work lost -------------------------------------------------------

copy_db "$DB" "$T/older.db"
cc --user demo-admin user list
expect 0 out 'demo-admin' 'more work after the copy, anchored'
cp -- "$T/older.db" "$DB" && cp -- "$T/older.db.keys" "$DB.keys"
rm -f -- "$DB-wal" "$DB-shm"
lines=$(wc -l <"$ANCHORS")
cc --user demo-admin user list
expect 3 err 'no longer holds its anchor of .* is gone: the log was cut short or rolled back' \
    'an older copy put back: ordinary sessions are refused at open'
is "$(wc -l <"$ANCHORS")" "$lines" 'and the lower head is not anchored'
cc --user demo-supervisor audit verify
expect 3 out '^audit chain BROKEN at entry [0-9]+: ' 'audit verify still runs and says BROKEN'
like "$OUT" '^checked against the newest anchor in ' '... naming the anchor'
cc --user demo-supervisor check
expect 3 out '^audit anchor: entry [0-9]+ (is gone|differs)' 'check still runs and exits 3'
is "$(wc -l <"$ANCHORS")" "$lines" 'neither anchored the rolled-back head'

# ---- progress on a terminal ---------------------------------------------------

rm -f -- "$ANCHORS"
cc --user demo-admin backup "$T/b1.db"
expect 0 out '^backup written' 'backup'
is "$ERR" '' 'backup: no progress bar when stderr is not a terminal'
if command -v script >/dev/null 2>&1; then
    script -qec "$(printf '%q ' "$CARECOORD_BIN" --db "$DB" --user demo-admin backup "$T/b2.db") 2>&1" \
        "$T/typescript" >/dev/null </dev/null
    like "$(tr '\r' '\n' <"$T/typescript")" '^backup \[#+\] [0-9]+/[0-9]+' \
        'backup: a bar with the count on a terminal'
else
    skip 'backup: a bar with the count on a terminal' 'no script(1)'
fi

run --db "$T/demo-quiet.db" demo --clients 30 --no-tui
expect 0 out 'demo-coach carries' 'demo'
is "$ERR" '' 'demo: no progress bar when stderr is not a terminal'
if command -v script >/dev/null 2>&1; then
    script -qec "$(printf '%q ' "$CARECOORD_BIN" --db "$T/demo-tty.db" demo --clients 30 --no-tui) 2>&1" \
        "$T/typescript2" >/dev/null </dev/null
    like "$(tr '\r' '\n' <"$T/typescript2")" '^building the demo \[#+\.*\] [0-9]+/30' \
        'demo: a bar counting clients on a terminal'
else
    skip 'demo: a bar counting clients on a terminal' 'no script(1)'
fi

done_testing
