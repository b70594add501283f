#!/usr/bin/env bash
# cli_restore.sh — `carecoord restore BACKUP --to PATH [--force]`: a backup
# taken while another process writes restores elsewhere, opens with the same
# passphrases and exports exactly what the backup holds; a tampered backup
# is refused before anything is written; an existing database is replaced
# only with --force; only an administrator of the backup may restore; the
# command is quiet on stderr when stderr is not a terminal.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_restore.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_PASSPHRASE=demo
printf 'anchor_file = %s\n' "$T/anchors" >"$T/site.conf"
export CARECOORD_CONF="$T/site.conf"

cc demo --clients 20
expect 0 out '^Demo database: ' 'setup: a demo database'

# ---- round trip: backup while another process writes -----------------------

(
    for i in $(seq 10 59); do
        "$CARECOORD_BIN" --db "$DB" --user demo-admin area add "990$i" \
            </dev/null >/dev/null 2>&1 || exit 1
    done
) &
writer=$!
for _ in $(seq 100); do # until the writer is under way
    run --db "$DB" --user demo-supervisor area list
    _matches "$OUT" '99012' && break
    sleep 0.1
done
cc --user demo-admin backup "$T/backup.db"
expect 0 out '^backup written: ' 'backup while another process writes'
wait "$writer"
is "$?" 0 'the writer wrote all along'

mkdir -p "$T/elsewhere"
backup_before=$(sha "$T/backup.db")
cc --user demo-admin restore "$T/backup.db" --to "$T/elsewhere/restored.db"
expect 0 out '^restored to ' 'restore elsewhere'
like "$OUT" '^backup verified: [0-9]+ pages, [0-9]+ audit entries; its date 20[0-9-]+T[0-9:]+Z$' \
    'it reports the pages, entries and date of the backup'
like "$OUT" '^backup audit head: [0-9]+ [0-9a-f]{64}$' 'and its audit head'
is "$ERR" '' 'nothing on stderr when it is not a terminal (no progress bar)'
is "$(sha "$T/backup.db")" "$backup_before" 'the backup itself is only read'
ok 'no -wal or -shm was created beside the backup' \
    test ! -e "$T/backup.db-wal" -a ! -e "$T/backup.db-shm"
ok 'the copy has its key file' test -s "$T/elsewhere/restored.db.keys"
ok 'the staged copy is gone' test ! -e "$T/elsewhere/restored.db.restore"

run --db "$T/backup.db" --user demo-supervisor export --what clients
expect 0 out '^\{"id":1,' 'export of the backup'
from_backup=$OUT
run --db "$T/backup.db" --user demo-admin area list
areas_backup=$OUT
like "$OUT" '990[1-5][0-9]' 'the backup holds some of what the writer wrote'
unlike "$OUT" '99059' 'but not what it wrote after the backup'
cc --user demo-admin area list
like "$OUT" '99059' '(the live database has that)'

run --db "$T/elsewhere/restored.db" --user demo-supervisor export --what clients
expect 0 out '^\{"id":1,' 'the restored copy opens with the existing passphrase'
is "$OUT" "$from_backup" 'the restored copy exports exactly what the backup holds'
run --db "$T/elsewhere/restored.db" --user demo-admin area list
is "$OUT" "$areas_backup" 'including what the writer had committed when the backup ran'
run --db "$T/elsewhere/restored.db" --user demo-supervisor audit verify
expect 0 out '^audit chain intact: [0-9]+ entries, extends the newest anchor' \
    'its audit chain is intact and extends the anchor the restore wrote'

# ---- a tampered backup: refused before anything is written -------------------

cp "$T/backup.db" "$T/tampered.db" && cp "$T/backup.db.keys" "$T/tampered.db.keys"
flip_byte "$T/tampered.db" $((4096 * 2 + 300))
mkdir -p "$T/empty"
cc --user demo-admin restore "$T/tampered.db" --to "$T/empty/x.db"
expect 3 err 'backup refused, nothing written: .*tampered\.db: page 3 at offset 8192' \
    'a tampered backup is refused, naming the page'
is "$(ls -A "$T/empty")" '' 'nothing was written at the target'

# ---- overwriting a live database ---------------------------------------------

live_before=$(snapshot "$T" | grep ' \./carecoord\.db$')
cc --user demo-admin restore "$T/backup.db" --to "$DB"
expect 2 err 'already exists: a restore replaces it only with --force' \
    'overwriting the live database is refused without --force'
is "$(snapshot "$T" | grep ' \./carecoord\.db$')" "$live_before" 'the live database is untouched'

cc --user demo-supervisor restore "$T/backup.db" --to "$T/empty/y.db"
expect 2 err 'store\.backup needs admin' 'only an administrator of the backup may restore'
is "$(ls -A "$T/empty")" '' 'and nothing is left behind'

cc --user demo-admin restore "$T/backup.db" --to "$DB" --force
expect 0 out '^restored to ' 'with --force the live database is replaced'
cc --user demo-admin area list
is "$OUT" "$areas_backup" 'it now holds what the backup held'
cc --user demo-supervisor audit verify
expect 0 out 'extends the newest anchor' 'its chain extends the anchor the restore wrote'

cc --user demo-admin restore "$T/backup.db"
expect 1 err 'restore needs --to PATH' 'restore without --to is a usage error'

done_testing
