#!/usr/bin/env bash
# cli_keys.sh — passphrases, key slots and the key-holding operations, on a
# demo database: a wrong or empty passphrase is refused in one line and
# changes no file (nothing created, removed or modified); check; backup (an
# encrypted copy with its own database id and key file, opened with the
# usual passphrases, never overwriting); offboarding (disable, then rekey:
# every remaining account still opens the database, the disabled account
# does not, not even with a key file saved before it was disabled); and the
# audit chain (verify, anchor, verify --anchor, a forged anchor); and the
# staff lifecycle (re-enable with a one-time passphrase, the last
# administrator, report accounts).
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_keys.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$T/site"
DB="$DIR/demo.db"
mkdir -p "$DIR"
export CARECOORD_PASSPHRASE=demo

cc demo --clients 30
expect 0 out 'demo-supervisor' 'setup: a demo database'

# ---- refused passphrases leave every file alone -----------------------------

before=$(snapshot "$DIR")

CARECOORD_PASSPHRASE='not-the-passphrase' cc --user demo-admin check
expect_line 2 err 'carecoord: wrong passphrase for demo-admin' \
    'a wrong passphrase exits 2 with one line'
is "$OUT" '' '... and prints nothing on stdout'
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical, none added or removed'

CARECOORD_PASSPHRASE='' cc --user demo-admin check
expect_line 2 err 'carecoord: wrong passphrase for demo-admin' \
    'an empty passphrase exits 2 with one line'
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical, none added or removed'

cc --user demo-admin --passphrase-fd 3 check 3<<<''
expect_line 2 err 'carecoord: wrong passphrase for demo-admin' \
    'an empty line on --passphrase-fd exits 2 with one line'
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical, none added or removed'

cc --user nobody check
expect_line 2 err 'carecoord: no key slot for nobody' 'an unknown account exits 2 with one line'
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical, none added or removed'

# ---- check ----------------------------------------------------------------

cc --user demo-supervisor check
expect 0 out '^integrity: ok$' 'check as demo-supervisor: integrity ok'
like "$OUT" '^authenticated: [1-9][0-9]* database pages, [0-9]+ WAL frames; 0 failed$' \
    '... every page authenticated, none failed'

cc --user demo-coach check
expect 2 err 'not allowed for role coach' 'a coach may not run check (exit 2)'

# ---- backup -----------------------------------------------------------------

BK="$T/backup/copy.db"
mkdir -p "$T/backup"
cc --user demo-admin backup "$BK"
expect 0 out "^backup written: $BK " 'backup DEST as demo-admin'
ok '... writes DEST' test -s "$BK"
ok '... and DEST.keys' test -s "$BK.keys"
ok '... DEST does not begin with "SQLite format 3"' not_sqlite "$BK"
isnt "$(head_hex "$BK" 16)" "$(head_hex "$DB" 16)" '... DEST has a database id of its own'

run --db "$BK" --user demo-supervisor check
expect 0 out '^integrity: ok$' 'the backup opens with the same passphrase and checks ok'

bk_sha=$(sha "$BK")
cc --user demo-admin backup "$BK"
expect 1 err 'already exists: refusing to overwrite' 'backup refuses to overwrite DEST (exit 1)'
is "$(sha "$BK")" "$bk_sha" '... and DEST is unchanged'

cc --user demo-supervisor backup "$T/backup/other.db"
expect 2 err 'not allowed for role supervisor: .*needs admin' 'a supervisor may not back up (exit 2)'
ok '... and nothing is written' test ! -e "$T/backup/other.db"

# ---- offboarding: disable, rekey ------------------------------------------

cc --user demo-admin user disable demo-coach
expect 3 err 'demo-coach still owns [0-9]+ clients .*admin offboard demo-coach' \
    'a coach who still owns clients cannot be disabled: the message says how to move them'
cc --user demo-coach caseload
expect 0 out '^COACH ' '... and the account still works'

cp "$DB.keys" "$T/keys-before-disable"
cc --user demo-admin user disable demo-scheduler
expect 0 out '^disabled demo-scheduler ' 'demo-admin disables demo-scheduler'

cc --user demo-scheduler passwd
expect 2 err 'demo-scheduler' 'the disabled account cannot open the database (exit 2)'

old_id=$(head_hex "$DB" 16)
cc --user demo-admin rekey
expect 0 out '^rekeyed: ' 'rekey as demo-admin'
isnt "$(head_hex "$DB" 16)" "$old_id" '... gives the database a new id'
ok '... leaves no DB.rekey behind' test ! -e "$DB.rekey"

cc --user demo-supervisor check
expect 0 out '^integrity: ok$' 'after rekey, demo-supervisor opens it and check is ok'

cc --user demo-manager user list
expect 0 out '^demo-scheduler +scheduler +disabled +no ' \
    'after rekey, demo-manager opens it (and sees demo-scheduler disabled)'

cc --user demo-admin audit verify
expect 0 out '^audit chain intact: ' 'after rekey, demo-admin opens it'

cc --user demo-scheduler passwd
expect 2 err 'demo-scheduler' 'after rekey, the disabled account still cannot open it'

# The disabled account kept a copy of the old key file: it must not open the
# rekeyed database.
mkdir -p "$T/stolen"
cp "$DB" "$T/stolen/demo.db"
cp "$T/keys-before-disable" "$T/stolen/demo.db.keys"
run --db "$T/stolen/demo.db" --user demo-scheduler passwd
expect 3 err 'not made with this key file' \
    'the old key file no longer opens the rekeyed database (exit 3)'

# ---- audit chain ------------------------------------------------------------

cc --user demo-supervisor audit verify
expect 0 out '^audit chain intact: [1-9][0-9]* entries$' 'audit verify: audit chain intact'

cc --user demo-supervisor audit anchor
expect 0 out '^carecoord-audit-anchor 1 [1-9][0-9]* [0-9a-f]{64}$' 'audit anchor prints the head'
printf '%s\n' "$OUT" >"$T/anchor"
anchor_seq=$(cut -d' ' -f3 "$T/anchor")

cc --user demo-scheduler audit anchor
expect 2 err 'demo-scheduler' 'a disabled account cannot take an anchor'

cc --user demo-manager user list
expect 0 out '^demo-admin ' 'more work after the anchor (user list)'
cc --user demo-supervisor check
expect 0 out '^integrity: ok$' 'more work after the anchor (check)'

cc --user demo-supervisor audit verify --anchor "$T/anchor"
expect 0 out '^audit chain intact: [1-9][0-9]* entries, extends the anchor$' \
    'audit verify --anchor: the log extends the anchor'
entries=$(printf '%s\n' "$OUT" | sed -n 's/^audit chain intact: \([0-9]*\) entries.*/\1/p')
ok '... and has grown past it' test "${entries:-0}" -gt "$anchor_seq"

# A forged anchor: same sequence number, other hash.
awk '{ h = $4; c = substr(h, 1, 1); $4 = (c == "0" ? "1" : "0") substr(h, 2); print }' \
    "$T/anchor" >"$T/forged"
cc --user demo-supervisor audit verify --anchor "$T/forged"
expect 3 out '^audit chain BROKEN at entry [0-9]+: .*differs from the anchor' \
    'audit verify --anchor with a forged hash exits 3 (BROKEN)'

printf 'not an anchor\n' >"$T/junk"
cc --user demo-supervisor audit verify --anchor "$T/junk"
expect 3 err 'is not an audit anchor' 'a file that is not an anchor exits 3'

# ---- the staff lifecycle: re-enable, reset, role, move ----------------------

CARECOORD_NEW_PASSPHRASE=back-again-123 cc --user demo-admin user enable demo-scheduler
expect 0 out '^demo-scheduler re-enabled with a one-time passphrase' \
    'user enable: a disabled account comes back (after the rekey, too)'
CARECOORD_PASSPHRASE=back-again-123 cc --user demo-scheduler caseload
expect 2 err 'must change the initial passphrase' '... refused until its own passphrase'
CARECOORD_PASSPHRASE=back-again-123 CARECOORD_NEW_PASSPHRASE=scheduler-own-1 \
    cc --user demo-scheduler passwd
CARECOORD_PASSPHRASE=scheduler-own-1 cc --user demo-scheduler check
expect 2 err 'store.check needs' '... and then opens the database with it'
CARECOORD_NEW_PASSPHRASE=back-again-123 cc --user demo-admin user enable demo-scheduler
expect 3 err 'is active already' 'user enable: an active account is refused'
cc --user demo-admin user role demo-scheduler wizard
expect 3 err "unknown role 'wizard'" 'user role: an unknown role'
cc --user demo-admin user role demo-admin coach
expect 2 err 'demo-admin is the last active administrator' \
    'user role: the last administrator is not demoted'
cc --user demo-admin user disable demo-admin
expect 2 err 'cannot disable your own account' 'nor disables themselves'
cc --user demo-admin user move demo-scheduler --to 'no such team'
expect 3 err 'no team called no such team' 'user move: an unknown team'
cc --user demo-supervisor report accounts --format csv
expect 0 out ',demo-scheduler,scheduler,account demo-scheduler re-enabled as scheduler by demo-admin,OPEN' \
    'report accounts: the re-enabled account is listed for supervisors'

done_testing
