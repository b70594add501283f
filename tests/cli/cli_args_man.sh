#!/usr/bin/env bash
# cli_args_man.sh — the manual page cannot drift from the program:
# doc/carecoord.1 names every subcommand of the command tables (as the
# binary lists them, `carecoord --list-commands`, so a new cmd_*.c table is
# covered the day it is registered), every terminal action of ui/actions.h
# with its default key, every free-text option of src/cli/args.c, and
# every exit code; and groff reads it without a warning.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_args_man.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAN=$SRC/doc/carecoord.1
[ -f "$MAN" ] || {
    echo "Bail out! no manual page at $MAN"
    exit 1
}

# roff spells a hyphen \- ; this is the page with them plain, and the
# roff font escapes removed.
PAGE=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -- "$MAN")

# ---- subcommands --------------------------------------------------------------------

run --list-commands
expect 0 out '^init$' "--list-commands lists the subcommands"
n=0 missing=''
while IFS= read -r cmd; do
    n=$((n + 1))
    _matches "$PAGE" "^\\.B $(re_quote "$cmd")( |\$)" || missing="$missing '$cmd'"
done <<<"$OUT"
is "$missing" '' "the manual page has an entry (.B NAME) for each of the $n subcommands"

run --help
usage_lines=$(printf '%s\n' "$OUT" | grep -c '^  [a-z]')
is "$usage_lines" "$n" "--help and --list-commands list the same number of subcommands"

# ---- terminal keys -------------------------------------------------------------------

missing=''
actions=$(grep -oE 'ACTION\([A-Z_]+, "[a-z-]+", "[^"]+"' "$SRC/ui/actions.h" |
    sed -E 's/.*"([a-z-]+)", "([^"]+)"$/\1 \2/')
while read -r name key; do
    [ -n "$name" ] || continue
    _matches "$PAGE" "\\(action $(re_quote "$name")\\)" || missing="$missing $name"
    k=$(printf '%s' "$key" | sed 's/\\/\\e/g')
    _matches "$PAGE" "^\\.B $(re_quote "$k")\$" || missing="$missing key:$key"
done <<<"$actions"
isnt "$(printf '%s\n' "$actions" | wc -l)" 0 "ui/actions.h has actions to check"
is "$missing" '' "every terminal action and its default key is in the manual page"

# ---- free text, exit codes, environment -------------------------------------------------

missing=''
opts=$(sed -n '/free_text\[\] = {/,/};/p' "$SRC/src/cli/args.c" | grep -oE '"--[a-z-]+"' | tr -d '"')
for o in $opts; do
    _matches "$PAGE" "$(re_quote "$o")" || missing="$missing $o"
done
isnt "$opts" '' "args.c lists its free-text options"
is "$missing" '' "the manual page names every free-text option that takes - or @FILE"
like "$PAGE" '^\.SH FREE TEXT' "a section recommends keeping free text off the command line"

missing=''
for code in 0 1 2 3 4 5; do
    _matches "$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' <<<"$PAGE")" "^\\.B $code\$" ||
        missing="$missing $code"
done
is "$missing" '' "EXIT STATUS lists every exit code 0-5"

for v in CARECOORD_PASSPHRASE CARECOORD_NEW_PASSPHRASE CARECOORD_NOW CARECOORD_CONF TERM TERMINFO; do
    like "$PAGE" "$v" "ENVIRONMENT names $v"
done
like "$PAGE" 'For the test suite and for scripts run by a service account only' \
    "CARECOORD_PASSPHRASE is documented as for tests and service accounts only"

# ---- it renders ---------------------------------------------------------------------------

if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -ww -z -- "$MAN" 2>&1)
    is "$warnings" '' "groff -man -ww reads the page without a warning"
else
    skip "groff -man -ww reads the page without a warning" "groff is not installed"
fi

done_testing
