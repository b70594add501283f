#!/usr/bin/env bash
# cli_version.sh — `carecoord --version` says the version and whether the
# test hooks are compiled in, and the program behaves as it says: with the
# hooks off, CARECOORD_CONF and CARECOORD_TEST_SCRIPT change nothing; with
# them on, both are followed. It runs in every build: meson passes what the
# build was configured with (CARECOORD_WANT_VERSION, CARECOORD_WANT_HOOKS).
#
# Run: CARECOORD_BIN=build/carecoord CARECOORD_WANT_VERSION=0.1.0 \
#          CARECOORD_WANT_HOOKS=on bash tests/cli/cli_version.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WANT_VERSION=${CARECOORD_WANT_VERSION:-}
WANT_HOOKS=${CARECOORD_WANT_HOOKS:-}
if [ -z "$WANT_VERSION" ] || { [ "$WANT_HOOKS" != on ] && [ "$WANT_HOOKS" != off ]; }; then
    echo "Bail out! CARECOORD_WANT_VERSION and CARECOORD_WANT_HOOKS (on|off) must be set"
    exit 1
fi

# ---- --version ----------------------------------------------------------------

run --version
expect_line 0 out "carecoord $WANT_VERSION (test hooks: $WANT_HOOKS)" \
    "--version: carecoord $WANT_VERSION, test hooks $WANT_HOOKS"
is "$ERR" "" "--version writes nothing to stderr"
run --version --db "$T/nowhere.db" check
expect_line 0 out "carecoord $WANT_VERSION (test hooks: $WANT_HOOKS)" \
    "--version wins over what follows it (nothing is opened)"
run --help
like "$OUT" '^ +carecoord --version$' "--help mentions --version"

# ---- the site configuration: CARECOORD_CONF --------------------------------------

# A configuration that names a database: only a hooks build reads it; the
# other falls back to the built-in site file (absent here) and the per-user
# path. The path shows in the "no database" error.
printf 'database = %s\n' "$T/forced.db" >"$T/forced.conf"
CARECOORD_CONF="$T/forced.conf" run check
if [ "$WANT_HOOKS" = on ]; then
    expect 1 err "no database at $(re_quote "$T/forced.db")" \
        "hooks on: CARECOORD_CONF is read (its database is the one asked for)"
else
    expect 1 err "no database at " "hooks off: check fails for want of a database"
    unlike "$ERR" 'forced\.db' "hooks off: CARECOORD_CONF is ignored (its database is not used)"
fi

# bind_users = yes in the forced file: a hooks build refuses --user.
printf 'bind_users = yes\n' >"$T/bound.conf"
CARECOORD_CONF="$T/bound.conf" run --db "$T/nowhere.db" --user someone-else check
if [ "$WANT_HOOKS" = on ]; then
    expect 2 err 'binds accounts to system logins' "hooks on: the forced bind_users applies"
else
    unlike "$ERR" 'binds accounts' "hooks off: the forced file's bind_users is not read"
fi

# ---- the key script: CARECOORD_TEST_SCRIPT ---------------------------------------

# With no terminal type, the full-screen program cannot start; a key script
# (hooks on) needs none, and with no keys in it the unlock is cancelled.
: >"$T/fake.db"
: >"$T/keys.script"
env -u TERM CARECOORD_TEST_SCRIPT="$T/keys.script" \
    "$CARECOORD_BIN" --db "$T/fake.db" --user demo-coach </dev/null \
    >"$T/tui.out" 2>"$T/tui.err"
RC=$?
ERR=$(cat "$T/tui.err")
if [ "$WANT_HOOKS" = on ]; then
    is "$RC" 2 "hooks on: the key script drives the program (the unlock is cancelled, exit 2)"
    unlike "$ERR" 'TERM is not set' "hooks on: no terminal was needed"
else
    is "$RC" 1 "hooks off: the key script is ignored (exit 1)"
    like "$ERR" 'TERM is not set' "hooks off: the program wants a real terminal"
fi

done_testing
