#!/usr/bin/env bash
# cli_args.sh — free text off the command line (src/cli/args.c): every
# free-text option (--note, --reason, --full-name, --how ...) takes "-"
# (read standard input) or "@FILE" (read a file, as the person running the
# command), "@@" stands for a literal "@", and a bad source is one clear
# line with nothing half-applied. Also export/report --output: a new file,
# mode 0600 whatever the umask, never over an existing one.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_args.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-03-02T09:00:00Z
ADMIN_PASS=admin-passphrase-1
COACH_PASS=coach-passphrase-1

# run_in FILE ARGS...: like run, with standard input from FILE.
run_in() {
    local in=$1
    shift
    LAST_CMD="carecoord $* <$in"
    "${_TIMEOUT[@]}" "$CARECOORD_BIN" "$@" <"$in" >"$T/.stdout" 2>"$T/.stderr"
    RC=$?
    OUT=$(cat "$T/.stdout")
    ERR=$(cat "$T/.stderr")
}

# The scratch directory's files, less the runner's own captures.
files_now() {
    snapshot "$T" | grep -v '\.std\(out\|err\)$'
}

names() {
    CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice user list
}

# ---- @FILE ------------------------------------------------------------------------

printf 'Alice Example\n' >"$T/alice.txt"
CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin alice --full-name "@$T/alice.txt"
expect 0 out 'administrator alice' "init --full-name @FILE"
names
like "$OUT" '^alice +admin +active +yes +Alice Example$' \
    "the name came from the file, its trailing newline dropped"

# ---- "-": standard input ---------------------------------------------------------

printf 'Bob Q. Coach\n' >"$T/bob.txt"
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    run_in "$T/bob.txt" --db "$DB" --user alice user add bob --role coach --full-name -
expect 0 out 'added bob' "user add --full-name - reads standard input"
names
like "$OUT" '^bob +coach .*Bob Q\. Coach$' "the name is what standard input held"

# "@@" is a literal "@".
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add carol --role nurse --full-name '@@carol at home'
expect 0 out 'added carol' "a value starting @@ is taken literally"
names
like "$OUT" '^carol +nurse .*@carol at home$' "... as one literal @"

# A plain value is unchanged; "-" and "@" only count as the whole start.
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add dave --role coach --full-name 'Dave - Smith @home'
names
like "$OUT" '^dave +coach .*Dave - Smith @home$' "ordinary text passes as it is"

# ---- bad sources: one line, nothing applied -------------------------------------------

before=$(files_now)
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add erin --role coach --full-name "@$T/no-such-file"
expect 1 err "^carecoord: --full-name: cannot open $(re_quote "$T")/no-such-file: No such file" \
    "@FILE that does not exist: usage error naming it"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "... in one line"
is "$(files_now)" "$before" "... and no file changed (nothing was opened)"
names
unlike "$OUT" '^erin ' "... no account was added"

printf 'ab\0cd' >"$T/nul.txt"
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add erin --role coach --full-name "@$T/nul.txt"
expect 3 err 'contains a NUL byte' "a NUL byte in the text: input error (exit 3)"

head -c 70000 /dev/zero | tr '\0' x >"$T/big.txt"
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add erin --role coach --full-name "@$T/big.txt"
expect 3 err 'more than 64 KiB' "more than 64 KiB of text: input error"

# Two options cannot both read standard input (refused before any unlock).
run_in "$T/bob.txt" --db "$DB" handoff outside 1 --by someone --how - --reason -
expect 1 err 'only one option can read standard input' \
    "two options reading - : usage error"

# --help never waits for standard input.
run --db "$DB" user add x --role coach --full-name - --help
expect 0 out '^usage: carecoord user add' "--help with - : help, stdin untouched"

# A directory is no text.
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=$COACH_PASS \
    cc --user alice user add erin --role coach --full-name "@$T"
expect 1 err 'cannot read' "@DIR: a clear error"
names
unlike "$OUT" '^erin ' "none of the refused adds happened"

# ---- --output: a new file, mode 0600, never over another ------------------------------

(
    umask 022
    CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice export --what staff --output "$T/staff.jsonl"
    echo "$RC" >"$T/rc"
)
is "$(cat "$T/rc")" 0 "export --output FILE succeeds"
is "$(stat -c %a "$T/staff.jsonl")" 600 "... the file is mode 0600 under umask 022"
like "$(cat "$T/staff.jsonl")" '"login":"alice"' "... and holds the export"
sum=$(sha "$T/staff.jsonl")
CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice export --what staff --output "$T/staff.jsonl"
expect 1 err 'already exists: refusing to overwrite it' "an existing file is never overwritten"
is "$(sha "$T/staff.jsonl")" "$sum" "... and stays as it was"

# A refused export leaves no file behind.
CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice export --what clients --output "$T/clients.jsonl"
expect 2 err 'not allowed' "an export the role may not make is refused"
ok "... and leaves no file" test ! -e "$T/clients.jsonl"

ln -s "$T/victim" "$T/link.jsonl"
CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice export --what staff --output "$T/link.jsonl"
expect 1 err 'already exists' "a planted symlink is not followed"
ok "... nothing was written through it" test ! -e "$T/victim"

CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user alice report caseload --format csv --output "$T/r.csv"
if [ "$RC" = 0 ]; then
    is "$(stat -c %a "$T/r.csv")" 600 "report --output: mode 0600"
else
    ok "report --output: refused for admin, no file left" test ! -e "$T/r.csv"
fi

done_testing
