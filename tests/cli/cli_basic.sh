#!/usr/bin/env bash
# cli_basic.sh — carecoord's everyday command line: --help and unknown
# subcommands; `demo` (encrypted files on disk, no overwriting without
# --force, --force replaces only a demo); `init` and its passphrase length;
# accounts (user add/list/disable, roles, the forced first passphrase change,
# passwd, what a non-admin may not do, disabling oneself); passphrases from
# --passphrase-fd; and how the database path and the acting account are
# chosen (--db, CARECOORD_DB, the CARECOORD_CONF file, the per-user default,
# bind_users).
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_basic.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ADMIN_PASS='admin1-pass12'        # 13 characters
NURSE_INITIAL='nurse1-initial'    # set by the administrator
NURSE_PASS='nurse1-own-pass'      # chosen by the nurse

# ---- help and usage -------------------------------------------------------

run --help
expect 0 out '^subcommands:' '--help exits 0 and prints the subcommand list'
for sub in 'init --admin' 'user add' 'user list' 'user disable' 'passwd' 'demo' \
    'check' 'backup' 'rekey' 'audit verify' 'audit anchor'; do
    like "$OUT" "^  $sub( |$)" "--help lists '$sub'"
done

run frobnicate
expect_line 1 err "carecoord: unknown subcommand 'frobnicate' (try --help)" \
    'an unknown subcommand exits 1 with one line naming it'
is "$OUT" '' '... and prints nothing on stdout'

run user frobnicate
expect_line 1 err "carecoord: unknown subcommand 'user frobnicate' (try --help)" \
    "an unknown 'user' subcommand exits 1 with one line naming it"

run --bogus-option check
expect 1 err '^carecoord: unknown or incomplete option --bogus-option$' \
    'an unknown global option exits 1'

# ---- demo -------------------------------------------------------------------

DB="$T/demo/demo.db"
mkdir -p "$T/demo"
cc demo --clients 30
expect 0 out 'demo-supervisor  demo-admin$' 'demo builds a database and lists its accounts'
ok 'demo creates the database file' test -s "$DB"
ok 'demo creates the key file DB.keys' test -s "$DB.keys"
ok 'the database file does not begin with "SQLite format 3"' \
    not_sqlite "$DB"
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite_out=$(sqlite3 "$DB" .tables 2>&1 </dev/null)
    sqlite_rc=$?
    if [ "$sqlite_rc" -ne 0 ]; then
        pass 'the sqlite3 shell cannot read the database (.tables fails)'
    else
        fail 'the sqlite3 shell cannot read the database (.tables fails)' \
            "sqlite3 .tables exited 0: $sqlite_out"
    fi
else
    skip 'the sqlite3 shell cannot read the database (.tables fails)' 'no sqlite3 shell'
fi
demo_sha=$(sha "$DB")
demo_id=$(head_hex "$DB" 16)

cc demo --clients 30
expect 1 err 'already exists: refusing to overwrite' 'demo refuses to overwrite without --force'
is "$(sha "$DB")" "$demo_sha" '... and leaves the database as it was'

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc init --admin someone
expect 1 err 'already exists: refusing to overwrite' 'init refuses to overwrite a database'

cc demo --clients 30 --force
expect 0 out '^Demo database: ' 'demo --force replaces a demo database'
isnt "$(head_hex "$DB" 16)" "$demo_id" '... with a new one (new database id)'

# ---- init -------------------------------------------------------------------

DB="$T/site/carecoord.db"
mkdir -p "$T/site"
CARECOORD_PASSPHRASE='ninechars' cc init --admin admin1
expect 3 err 'at least 10 characters' 'init refuses a 9-character passphrase'
ok '... and creates no files' test -z "$(ls -A "$T/site")"

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc init --admin admin1 --full-name 'Ada Admin'
expect 0 out '^created .*carecoord\.db with administrator admin1$' \
    'init --admin admin1 with a 13-character passphrase works'
ok '... and creates the key file' test -s "$DB.keys"

run --db "$DB" demo --clients 30 --force
expect 2 err 'is not a demo database' 'demo --force refuses to replace a real database'
ok '... which still has its key file' test -s "$DB.keys"

# The database file is missing (moved away, being restored) but its key file
# is there: --force must not delete a real database's key file.
mkdir -p "$T/orphan"
cp "$DB.keys" "$T/orphan/carecoord.db.keys"
orphan_sha=$(sha "$T/orphan/carecoord.db.keys")
run --db "$T/orphan/carecoord.db" demo --clients 30 --force
expect 2 err 'exists without its database' "demo --force refuses when only a real database's key file is there"
is "$(sha "$T/orphan/carecoord.db.keys")" "$orphan_sha" '... and keeps that key file'

# ---- accounts -----------------------------------------------------------------

CARECOORD_PASSPHRASE="$ADMIN_PASS" CARECOORD_NEW_PASSPHRASE="$NURSE_INITIAL" \
    cc --user admin1 user add nurse1 --role nurse --full-name 'Nia Nurse'
expect 0 out '^added nurse1 \(nurse\); the passphrase must be changed at first login$' \
    'an administrator adds nurse1 as a nurse'

CARECOORD_PASSPHRASE="$ADMIN_PASS" CARECOORD_NEW_PASSPHRASE="$NURSE_INITIAL" \
    cc --user admin1 user add wizard1 --role wizard
expect 3 err "unknown role 'wizard'" 'an unknown role is bad input (exit 3) and is named'

cc --user admin1 user add nurse2
expect 1 err 'needs --role' 'user add without --role exits 1'

CARECOORD_PASSPHRASE="$ADMIN_PASS" CARECOORD_NEW_PASSPHRASE='short-pw' \
    cc --user admin1 user add coach1 --role coach
expect 3 err 'at least 10 characters' 'an initial passphrase under 10 characters is refused'

CARECOORD_PASSPHRASE="$NURSE_INITIAL" cc --user nurse1 user list
expect 2 err 'nurse1 must change the initial passphrase first: carecoord passwd' \
    'before passwd, any other command is refused (exit 2) and points to passwd'

CARECOORD_PASSPHRASE="$NURSE_INITIAL" CARECOORD_NEW_PASSPHRASE="$NURSE_INITIAL" \
    cc --user nurse1 passwd
expect 3 err 'must differ from the old one' 'passwd refuses the same passphrase again'

CARECOORD_PASSPHRASE="$NURSE_INITIAL" CARECOORD_NEW_PASSPHRASE='too-short' \
    cc --user nurse1 passwd
expect 3 err 'at least 10 characters' 'passwd refuses a 9-character passphrase'

CARECOORD_PASSPHRASE="$NURSE_INITIAL" CARECOORD_NEW_PASSPHRASE="$NURSE_PASS" \
    cc --user nurse1 passwd
expect 0 out '^passphrase changed for nurse1$' 'passwd with CARECOORD_NEW_PASSPHRASE works'

CARECOORD_PASSPHRASE="$NURSE_INITIAL" cc --user nurse1 passwd
expect_line 2 err 'carecoord: wrong passphrase for nurse1' \
    'afterwards the old passphrase is a wrong passphrase (exit 2)'

CARECOORD_PASSPHRASE="$NURSE_PASS" CARECOORD_NEW_PASSPHRASE='bob-initial-1' \
    cc --user nurse1 user add bob --role coach
expect 2 err '^carecoord: not allowed for role nurse: .*needs admin$' \
    'the new passphrase opens it, but a nurse may not add users (exit 2, names admin)'

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc --user admin1 user list
expect 0 out '^admin1 +admin +active +yes +Ada Admin$' 'user list shows admin1'
like "$OUT" '^nurse1 +nurse +active +yes +Nia Nurse$' 'user list shows nurse1'

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc --user admin1 user disable admin1
expect 2 err 'cannot disable your own account' 'an administrator cannot disable themself (refused)'

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc --user admin1 user disable nurse1
expect 0 out '^disabled nurse1 and removed its key slot$' 'user disable nurse1 works'

CARECOORD_PASSPHRASE="$NURSE_PASS" cc --user nurse1 passwd
expect 2 err '^carecoord: .*nurse1' "a disabled account's passphrase no longer opens it (exit 2)"

# ---- --passphrase-fd --------------------------------------------------------

cc --user admin1 --passphrase-fd 3 user list 3<<<"$ADMIN_PASS"
expect 0 out '^nurse1 +nurse +disabled +no ' \
    '--passphrase-fd 3 works; user list shows nurse1 disabled without a key slot'
like "$OUT" '^admin1 +admin +active +yes ' '... and admin1 still active'

CARECOORD_PASSPHRASE="$ADMIN_PASS" cc --user admin1 --passphrase-fd 3 user list \
    3<<<'not-the-passphrase'
expect_line 2 err 'carecoord: wrong passphrase for admin1' \
    '--passphrase-fd wins over CARECOORD_PASSPHRASE'

# fd 9 is not open: that is a usage error, not a wrong (empty) passphrase.
cc --user admin1 --passphrase-fd 9 user list
expect 1 err 'descriptor 9' '--passphrase-fd on a closed descriptor exits 1 and names the fd'

# ---- where the database is --------------------------------------------------
# (A passphrase is read before the path is checked, hence the dummy 'x'.)

CARECOORD_DB="$DB" CARECOORD_PASSPHRASE="$ADMIN_PASS" run --user admin1 user list
expect 0 out '^admin1 +admin ' 'CARECOORD_DB is used when --db is absent'

CARECOORD_DB="$DB" CARECOORD_PASSPHRASE=x run --db "$T/elsewhere.db" --user admin1 user list
expect 1 err "^carecoord: no database at $(re_quote "$T/elsewhere.db") " '--db wins over CARECOORD_DB'

printf '# test site\ndatabase = %s\n' "$DB" >"$T/site.conf"
CARECOORD_CONF="$T/site.conf" CARECOORD_PASSPHRASE="$ADMIN_PASS" run --user admin1 user list
expect 0 out '^admin1 +admin ' 'the database named in the CARECOORD_CONF file is used'

CARECOORD_CONF="$T/site.conf" CARECOORD_DB="$T/env.db" CARECOORD_PASSPHRASE=x run --user admin1 user list
expect 1 err "^carecoord: no database at $(re_quote "$T/env.db") " 'CARECOORD_DB wins over the config file'

CARECOORD_PASSPHRASE=x run --user admin1 user list
# shellcheck disable=SC2016  # the description names the variable
expect 1 err "^carecoord: no database at $(re_quote "$T/xdg/carecoord/carecoord.db") " \
    'with neither, the per-user database ($XDG_DATA_HOME/carecoord) is used'

printf 'database = %s\nbind_users = yes\n' "$DB" >"$T/bound.conf"
other=admin1
[ "$(id -un)" = admin1 ] && other=admin2
CARECOORD_CONF="$T/bound.conf" CARECOORD_PASSPHRASE="$ADMIN_PASS" run --user "$other" user list
expect 2 err "binds accounts to system logins: --user $other refused" \
    'with bind_users = yes, --user for another account is refused (exit 2)'
is "$OUT" '' '... and nothing is listed'

printf 'database = %s\ncolour = blue\n' "$DB" >"$T/bad.conf"
CARECOORD_CONF="$T/bad.conf" run --user admin1 user list
expect 1 err "^carecoord: $(re_quote "$T/bad.conf"):2: unknown setting 'colour'\$" \
    'an unknown setting in the config file exits 1 naming file and line'

done_testing
