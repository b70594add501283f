#!/usr/bin/env bash
# cli_scale.sh — the store at scale from the command line: a departing
# coach's caseload of 1,000 clients moves in one `handoff move-caseload`,
# every client gets exactly one proposed hand-off of one batch, and
# `carecoord check` then finds every page and WAL frame authentic and the
# database intact. The same move runs again on a copy with a 256 KiB page
# cache (CARECOORD_CACHE_KIB): there the one transaction is far larger than
# the cache, so spilled WAL frames are written again and their headers
# rewritten at the commit. The caseload is built by tests/tools/grow_caseload
# (the core, in one process); the moves and checks are the real program.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GROW=${CARECOORD_GROW_CASELOAD:-$(dirname "$CARECOORD_BIN")/tests/grow_caseload}
if [ ! -x "$GROW" ]; then
    echo "Bail out! CARECOORD_GROW_CASELOAD must name the built grow_caseload tool"
    exit 1
fi
export CARECOORD_NOW=2026-11-20T12:00:00Z CARECOORD_PASSPHRASE=demo
SIZE=1000
start=$SECONDS

run --db "$DB" demo --clients 200 --seed 3
expect 0 out 'demo-coach carries' 'setup: a demo database'
"${_TIMEOUT[@]}" "$GROW" "$DB" demo-coach2 "$SIZE" >"$T/grow.out" 2>&1
is "$?" 0 "setup: demo-coach2 owns $SIZE clients"
like "$(cat "$T/grow.out")" "^[0-9]+ clients added: demo-coach2 owns $SIZE\$" \
    '... as the tool reports'

run --db "$DB" --user demo-supervisor export --what clients
is "$(printf '%s\n' "$OUT" | grep -c '"owner":"demo-coach2"')" "$SIZE" \
    "the export lists $SIZE clients owned by demo-coach2"
SMALL="$T/small.db"
ok 'setup: a copy for the small-cache run' copy_db "$DB" "$SMALL"

cc --user demo-manager handoff move-caseload demo-coach2 --to staff:demo-coach \
    --note 'Leaving the team'
expect 0 out "^$SIZE hand-offs proposed in batch [0-9]+: demo-coach2's clients to staff:demo-coach" \
    "the whole caseload of $SIZE moves in one batch"
batch=$(printf '%s\n' "$OUT" | sed -n 's/.* in batch \([0-9]*\):.*/\1/p')

cc --user demo-supervisor export --what handoffs
proposed=$(printf '%s\n' "$OUT" | grep '"from":"demo-coach2"' | grep '"state":"proposed"' |
    grep -c "\"batch\":$batch[,}]")
is "$proposed" "$SIZE" "$SIZE proposed hand-offs of batch $batch are in the database"
clients=$(printf '%s\n' "$OUT" | grep "\"batch\":$batch[,}]" |
    sed -n 's/.*"client":\([0-9]*\).*/\1/p' | sort -u | wc -l)
is "$clients" "$SIZE" '... one for each client'

cc --user demo-supervisor check
expect 0 out '^integrity: ok$' 'check after the move: integrity ok'
like "$OUT" '^authenticated: [0-9]+ database pages, [0-9]+ WAL frames; 0 failed$' \
    '... and every page and frame authentic'

cc --user demo-manager handoff move-caseload demo-coach2 --to staff:demo-coach --note 'again'
expect 4 err 'nothing moved: client [0-9]+: .*already has a hand-off waiting' \
    'a second move of the same caseload is refused whole'
cc --user demo-supervisor check
expect 0 out '^integrity: ok$' 'check after the refused move: integrity ok'

# ---- the same move with a 256 KiB cache: a transaction the cache cannot hold
CARECOORD_CACHE_KIB=256 run --db "$SMALL" --user demo-manager handoff move-caseload \
    demo-coach2 --to staff:demo-coach --note 'Leaving the team'
expect 0 out "^$SIZE hand-offs proposed in batch [0-9]+: demo-coach2's clients to staff:demo-coach" \
    'with a 256 KiB cache the move commits too'
CARECOORD_CACHE_KIB=256 run --db "$SMALL" --user demo-supervisor check
expect 0 out '^authenticated: [0-9]+ database pages, [0-9]+ WAL frames; 0 failed$' \
    '... and check (same cache) finds every page and frame authentic'
run --db "$SMALL" --user demo-supervisor export --what handoffs
is "$(printf '%s\n' "$OUT" | grep '"from":"demo-coach2"' | grep -c '"state":"proposed"')" \
    "$SIZE" "... with $SIZE proposed hand-offs in it"
run --db "$SMALL" --user demo-supervisor check
expect 0 out '^integrity: ok$' '... and reopened with the default cache, integrity ok'

# The SQL profile hook (test builds only): each statement's time and text,
# never a bound value (the login asked for is bound, so it must not appear).
if [ "${CARECOORD_WANT_HOOKS:-on}" = on ]; then
    rm -f -- "$T/profile.txt"
    CARECOORD_SQL_PROFILE=$T/profile.txt run --db "$SMALL" --user demo-supervisor \
        report access --staff demo-coach2
    expect 0 out '' 'a report with the SQL profile hook on'
    like "$(cat "$T/profile.txt" 2>/dev/null)" '^ +[0-9]+\.[0-9]{3} SELECT ' \
        'the profile has one line per statement: milliseconds, then the SQL'
    unlike "$(cat "$T/profile.txt" 2>/dev/null)" 'demo-coach2' \
        'the profile holds no bound value (the login asked for)'
    is "$(stat -c %a "$T/profile.txt" 2>/dev/null)" 600 'the profile is readable by its owner only'
fi

diag "cli_scale took $((SECONDS - start)) s"
done_testing
