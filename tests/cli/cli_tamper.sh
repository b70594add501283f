#!/usr/bin/env bash
# cli_tamper.sh — damage and tampering, each on its own copy of one demo
# database. A flipped bit in page 1's encrypted body, in page 3, in a
# reserve byte (nonce/tag/page-number area) of page 2, in page 1's
# plaintext header (byte 18) or its database id; a page moved to another
# place; a page taken from another database (a backup copy); a truncated or
# emptied database file; a damaged key file (a seal, a public key, a bad hex
# digit, truncation, a missing file); a key file from another database.
# Every case must be refused cleanly: exit 3 (data error) with a message that
# names the file (and the page, for page damage), never a crash (exit code
# >= 128) and never a success. A refusal at open must not change any file.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_tamper.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_PASSPHRASE=demo
PAGE=4096

BASE="$T/base/demo.db"
mkdir -p "$T/base"
run --db "$BASE" demo --clients 30
expect 0 out 'demo-supervisor' 'setup: a demo database'
run --db "$BASE" --user demo-admin backup "$T/base/backup.db"
expect 0 out '^backup written: ' 'setup: a backup of it (another database id)'
run --db "$T/base/other.db" demo --clients 30
expect 0 out '^Demo database: ' 'setup: another, unrelated demo database'

# fresh NAME: a copy of the base database in $T/NAME; sets DB and QDB (DB
# quoted for a regex).
fresh() {
    mkdir -p "$T/$1"
    DB="$T/$1/demo.db"
    QDB=$(re_quote "$DB")
    copy_db "$BASE" "$DB"
    : >"$DB.lock" # as after any earlier use: opening creates it
}

# check_page_damage NAME PAGE DESC: `check` as demo-supervisor on $DB exits
# 3 and a message names the file and PAGE.
check_page_damage() {
    local page=$2 desc=$3 all
    cc --user demo-supervisor check
    all="$OUT"$'\n'"$ERR"
    if [ "$RC" = 3 ] && _matches "$all" "$QDB: page $page at offset $(((page - 1) * PAGE)) "; then
        pass "$desc: check exits 3 naming the file and page $page"
    else
        fail "$desc: check exits 3 naming the file and page $page"
        last_run
    fi
}

# ---- page damage ------------------------------------------------------------

fresh page1-body
before=$(snapshot "$T/page1-body")
flip_byte "$DB" 100
cc --user demo-supervisor check
expect 3 err "^carecoord: .*$QDB: page 1 at offset 0 failed authentication" \
    "page 1's encrypted body (offset 100): exit 3, names file and page 1"
is "$OUT" '' '... and prints nothing on stdout'
isnt "$(snapshot "$T/page1-body")" "$before" '(the flip did change the file)'
damaged=$(snapshot "$T/page1-body")
cc --user demo-admin user list
expect 3 err "$QDB: page 1 " '... user list exits 3 as well'
is "$(snapshot "$T/page1-body")" "$damaged" '... and the refused opens changed no file'

fresh page3
flip_byte "$DB" $((2 * PAGE + 500))
check_page_damage page3 3 'page 3 (offset 2*4096+500)'
like "$OUT" '^authenticated: .*; 1 failed$' '... and counts exactly one failed page'

fresh page2-reserve
flip_byte "$DB" $((2 * PAGE - 10))
check_page_damage page2-reserve 2 'a reserve byte of page 2 (offset 2*4096-10)'

fresh header18
before=$(snapshot "$T/header18")
flip_byte "$DB" 18
damaged=$(snapshot "$T/header18")
cc --user demo-supervisor check
expect 3 err "$QDB: page 1 at offset 0 failed authentication" \
    'the plaintext header byte 18 (authenticated): exit 3, names file and page 1'
is "$(snapshot "$T/header18")" "$damaged" '... and the refused open changed no file'

fresh dbid
flip_byte "$DB" 5
cc --user demo-supervisor check
expect 3 err "$QDB was not made with this key file" \
    'the plaintext database id (byte 5): exit 3, names the file'

fresh moved
dd if="$BASE" of="$DB" bs="$PAGE" skip=2 seek=3 count=1 conv=notrunc status=none
check_page_damage moved 4 "page 3's content copied over page 4"

fresh foreign-page
dd if="$T/base/backup.db" of="$DB" bs="$PAGE" skip=2 seek=2 count=1 conv=notrunc status=none
check_page_damage foreign-page 3 "page 3 taken from the backup copy"

fresh truncated
truncate -s $((2 * PAGE + 1000)) "$DB"
cc --user demo-supervisor check
expect 3 err "$QDB" 'a database cut in the middle of a page: exit 3, names the file'

fresh emptied
: >"$DB"
cc --user demo-supervisor check
expect 3 err "$QDB" 'an emptied (0-byte) database file: exit 3, names the file'
is "$(stat -c %s "$DB")" 0 '... and is not silently re-initialised'

# ---- key file damage ----------------------------------------------------------

# (The editors below run through `ok`.)
# shellcheck disable=SC2317
# edit_seal FILE LOGIN: change one hex digit (to another hex digit) in the
# middle of LOGIN's seal line.
edit_seal() {
    awk -v who="$2" '
        BEGIN { hex = "0123456789abcdef" }
        $1 == "seal" && $2 == who && !done {
            s = $3; i = int(length(s) / 2); c = substr(s, i, 1)
            $3 = substr(s, 1, i - 1) substr(hex, index(hex, c) % 16 + 1, 1) substr(s, i + 1)
            done = 1
        }
        { print }
        END { exit !done }' "$1" >"$1.new" && cat "$1.new" >"$1" && rm -f "$1.new"
}

# shellcheck disable=SC2317
# edit_slot_field FILE LOGIN FIELD NEWCHAR: replace the first character of
# field FIELD (1-based) of LOGIN's slot line with NEWCHAR (or, if it is
# already NEWCHAR, with '0').
edit_slot_field() {
    awk -v who="$2" -v f="$3" -v ch="$4" '
        $1 == "slot" && $2 == who && !done {
            c = substr($f, 1, 1) == ch ? "0" : ch
            $f = c substr($f, 2); done = 1
        }
        { print }
        END { exit !done }' "$1" >"$1.new" && cat "$1.new" >"$1" && rm -f "$1.new"
}

fresh seal
ok 'setup: one hex digit of demo-supervisor'"'"'s seal line changed' edit_seal "$DB.keys" demo-supervisor
before=$(snapshot "$T/seal")
cc --user demo-supervisor check
expect 3 err '^carecoord: .*demo\.db\.keys: key file damaged: sealed key for demo-supervisor' \
    "a damaged seal: exit 3 'key file damaged' naming the key file and the account"
is "$(snapshot "$T/seal")" "$before" '... and the refused open changed no file'

fresh other-seal
ok 'setup: one hex digit of demo-admin'"'"'s seal line changed' edit_seal "$DB.keys" demo-admin
cc --user demo-admin check
expect 3 err 'key file damaged: sealed key for demo-admin' \
    "another account's damaged seal: that account gets exit 3"
cc --user demo-supervisor check
expect 0 out '^integrity: ok$' '... while the other slots still open the database'

fresh pubkey
ok 'setup: demo-supervisor'"'"'s public key changed' \
    edit_slot_field "$DB.keys" demo-supervisor 6 f
cc --user demo-supervisor check
expect 3 err 'key file damaged: public key for demo-supervisor' \
    'a damaged public key: exit 3 naming the account'

# shellcheck disable=SC2317
# edit_nonhex FILE: the 11th digit of demo-nurse's seal becomes an 'X'.
edit_nonhex() {
    sed -i 's/^\(seal demo-nurse [0-9a-f]\{10\}\)./\1X/' "$1" &&
        grep -q '^seal demo-nurse [0-9a-f]\{10\}X' "$1"
}

fresh badhex
ok 'setup: a seal digit replaced by a non-hex character' edit_nonhex "$DB.keys"
cc --user demo-supervisor check
expect 3 err "^carecoord: key file $QDB\\.keys line [0-9]+: bad hex field$" \
    'a non-hex digit in the key file: exit 3 naming the key file and line'

fresh keys-truncated
truncate -s $(($(stat -c %s "$DB.keys") / 2)) "$DB.keys"
cc --user demo-supervisor check
expect 3 err "key file $QDB\\.keys" 'a truncated key file: exit 3 naming the key file'

fresh keys-missing
rm -f "$DB.keys"
cc --user demo-supervisor check
expect 3 err "cannot open key file $QDB\\.keys" 'a missing key file: exit 3 naming it'

fresh foreign-keys
cp "$T/base/other.db.keys" "$DB.keys"
before=$(snapshot "$T/foreign-keys")
cc --user demo-supervisor check
expect 3 err "$QDB was not made with this key file" \
    "another database's key file: exit 3, 'not made with this key file'"
is "$OUT" '' '... nothing on stdout'
is "$(snapshot "$T/foreign-keys")" "$before" '... and no file changed'

fresh backup-keys
cp "$T/base/backup.db.keys" "$DB.keys"
cc --user demo-admin user list
expect 3 err "$QDB was not made with this key file" \
    "the backup's key file (same slots, same passphrases) is refused too"

done_testing
