#!/usr/bin/env bash
# cli_recover.sh — the site's recovery key on the command line: init prints
# it once (also into a pipe), with the instruction to keep it offline; a
# typo'd, short or wrong key is refused in one line and changes no file;
# `recover --create-admin` is refused while an administrator is active
# unless --force, and creates an administrator who must change the one-time
# passphrase at first use; the supervisors see it (report accounts); the key
# never logs in as a person; a rekey keeps it working; `admin recovery-key`
# (administrators only) makes a new one and the old one stops working.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_recover.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

unset CARECOORD_RECOVERY_KEY
DIR="$T/site"
DB="$DIR/site.db"
mkdir -p "$DIR"
BOSS=boss-passphrase
KEY_RE='[0-9A-HJKMNP-TV-Z]{7}(-[0-9A-HJKMNP-TV-Z]{7}){7}'

# ---- init prints the key once -------------------------------------------------

CARECOORD_PASSPHRASE=$BOSS cc init --admin boss --full-name 'Boss One'
expect 0 out "^recovery key: $KEY_RE\$" 'init prints a recovery key of 8 groups of 7 (stdout a pipe)'
like "$OUT" "^keep it offline \(on paper, in the site's safe\): it is shown only now" \
    '... with a one-line instruction to keep it offline'
KEY=$(sed -n 's/^recovery key: //p' <<<"$OUT")
is "$(grep -c . <<<"$OUT")" 3 '... three lines: created, the key, the instruction'

# a second site, for a well-formed key that is not this one's
CARECOORD_PASSPHRASE=other-passphrase run --db "$T/other.db" init --admin other
OTHER_KEY=$(sed -n 's/^recovery key: //p' <<<"$OUT")
isnt "$OTHER_KEY" "$KEY" 'another database gets another key'

CARECOORD_PASSPHRASE=$BOSS CARECOORD_NEW_PASSPHRASE=sup1-one-time cc --user boss \
    user add sup1 --role supervisor
expect 0 out '^added sup1' 'setup: a supervisor'
CARECOORD_PASSPHRASE=sup1-one-time CARECOORD_NEW_PASSPHRASE=sup1-own-passphrase \
    cc --user sup1 passwd
expect 0 out 'passphrase changed' '... who chose their own passphrase'

# ---- bad keys: one line, nothing changed ---------------------------------------

before=$(snapshot "$DIR")
typo=${KEY:0:10}$([ "${KEY:10:1}" = Z ] && echo Y || echo Z)${KEY:11}
CARECOORD_RECOVERY_KEY=$typo CARECOORD_NEW_PASSPHRASE=rescue-one-time \
    cc recover --create-admin rescue --force
expect_line 3 err 'carecoord: that recovery key has a typo (its checksum does not match): check every group' \
    'a typo in the key is refused in one line (exit 3)'
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical'

CARECOORD_RECOVERY_KEY=${KEY:0:40} cc recover --create-admin rescue --force
expect_line 3 err 'carecoord: a recovery key has 56 letters and digits (8 groups of 7); this has 35' \
    'a short key is refused in one line, saying how long a key is'

CARECOORD_RECOVERY_KEY=$OTHER_KEY CARECOORD_NEW_PASSPHRASE=rescue-one-time \
    cc recover --create-admin rescue --force
expect_line 2 err 'carecoord: wrong recovery key' "another database's key is refused (exit 2)"
is "$(snapshot "$DIR")" "$before" '... and every file is byte-identical'

cc recover --create-admin rescue
expect 1 err 'no passphrase: run on a terminal, or give CARECOORD_RECOVERY_KEY' \
    'no key and no terminal: refused, naming CARECOORD_RECOVERY_KEY'

run --db "$T/none.db" recover --create-admin rescue
expect_line 1 err "carecoord: no database at $T/none.db" 'no database: said before the key is asked for'

# ---- the key is not a person ---------------------------------------------------

hexkey=$(printf '%s' "$KEY" | od -An -tx1 | tr -d ' \n')
CARECOORD_PASSPHRASE=$KEY cc --user '#recovery' user list
expect 2 err '^carecoord: ' 'the key does not log in as #recovery'
is "$OUT" '' '... and prints nothing'
CARECOORD_PASSPHRASE=$hexkey cc --user '#recovery' user list
expect 2 err '^carecoord: ' '... not even as the hex its slot is wrapped under'

# ---- recover --create-admin ----------------------------------------------------

CARECOORD_RECOVERY_KEY=$KEY CARECOORD_NEW_PASSPHRASE=rescue-one-time \
    cc recover --create-admin rescue --name 'Res Cue'
expect_line 2 err 'carecoord: 1 active administrator exists (boss): ask them; --force creates another anyway' \
    'refused while an administrator is active, saying --force'
CARECOORD_PASSPHRASE=$BOSS cc --user boss user list
unlike "$OUT" 'rescue' '... and no account was made'

CARECOORD_RECOVERY_KEY=$(tr 'A-Z-' 'a-z ' <<<"$KEY") CARECOORD_NEW_PASSPHRASE=rescue-one-time \
    cc recover --create-admin rescue --name 'Res Cue' --force
expect 0 out '^recovery key used: administrator rescue created with a one-time passphrase; it must be changed at first login' \
    'with --force (the key typed in lower case with spaces): an administrator is created'

CARECOORD_PASSPHRASE=rescue-one-time cc --user rescue user list
expect_line 2 err 'carecoord: rescue must change the initial passphrase first: carecoord passwd' \
    'the new administrator must change the one-time passphrase first'
CARECOORD_PASSPHRASE=rescue-one-time CARECOORD_NEW_PASSPHRASE=rescue-own-passphrase \
    cc --user rescue passwd
expect 0 out 'passphrase changed for rescue' '... passwd'
CARECOORD_PASSPHRASE=rescue-own-passphrase cc --user rescue user list
expect 0 out '^rescue +admin +active +yes +Res Cue$' '... then works as an administrator'

CARECOORD_PASSPHRASE=sup1-own-passphrase cc --user sup1 report accounts --format csv
expect 0 out ',rescue,admin,"recovery key used: administrator rescue created \(1 active administrator before, --force\)",OPEN' \
    'the supervisors see the recovery use in report accounts, as an open alert'

CARECOORD_PASSPHRASE=$BOSS cc --user boss audit verify
expect 0 out '^audit chain intact' 'the audit chain is intact'

# ---- a rekey keeps it ----------------------------------------------------------

CARECOORD_PASSPHRASE=$BOSS cc --user boss rekey
expect 0 out '^rekeyed' 'rekey'
CARECOORD_RECOVERY_KEY=$KEY CARECOORD_NEW_PASSPHRASE=rescue2-one-time \
    cc recover --create-admin rescue2 --force
expect 0 out 'administrator rescue2 created' '... and the recovery key still works after it'

# ---- admin recovery-key --------------------------------------------------------

CARECOORD_PASSPHRASE=sup1-own-passphrase cc --user sup1 admin recovery-key
expect 2 err 'not allowed for role supervisor' 'a supervisor may not make a recovery key'

CARECOORD_PASSPHRASE=$BOSS cc --user boss admin recovery-key
expect 0 out "^recovery key: $KEY_RE\$" 'admin recovery-key prints a new key'
like "$OUT" 'any earlier one no longer works' '... saying the old one stops working'
NEW_KEY=$(sed -n 's/^recovery key: //p' <<<"$OUT")
isnt "$NEW_KEY" "$KEY" '... a different key'

CARECOORD_RECOVERY_KEY=$KEY CARECOORD_NEW_PASSPHRASE=rescue3-one-time \
    cc recover --create-admin rescue3 --force
expect_line 2 err 'carecoord: wrong recovery key' 'the old key no longer works'
CARECOORD_RECOVERY_KEY=$NEW_KEY CARECOORD_NEW_PASSPHRASE=rescue3-one-time \
    cc recover --create-admin rescue3 --force
expect 0 out 'administrator rescue3 created' 'the new one does'

CARECOORD_PASSPHRASE=sup1-own-passphrase cc --user sup1 report accounts --format csv
expect 0 out ',boss,admin,recovery key replaced by boss,OPEN' \
    'the replacement is in report accounts too'

done_testing
