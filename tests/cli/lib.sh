# lib.sh — a tiny TAP library for carecoord's command-line tests, sourced by
# tests/cli/*.sh. It gives each script a scratch directory (removed on exit),
# a clean environment (no stray passphrases, no site or user configuration,
# no per-user database), a `cc` function that runs "$CARECOORD_BIN" --db "$DB"
# and captures RC/OUT/ERR, and assertions that print "ok N - ..." or
# "not ok N - ..." with "# ..." diagnostics. done_testing prints the plan
# ("1..N", at the end) and exits non-zero if anything failed.
#
# Usage in a test script:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   DB="$T/x.db"
#   CARECOORD_PASSPHRASE=demo cc --user demo-admin check
#   expect 0 out '^integrity: ok$' 'check passes'
#   done_testing

set -u

# ---- the binary -----------------------------------------------------------

if [ -z "${CARECOORD_BIN:-}" ] || [ ! -x "${CARECOORD_BIN}" ]; then
    echo "Bail out! CARECOORD_BIN must name the built carecoord binary" \
        "(got '${CARECOORD_BIN:-}')"
    exit 1
fi
case "$CARECOORD_BIN" in
/*) ;;
*) CARECOORD_BIN="$PWD/$CARECOORD_BIN" ;;
esac
export CARECOORD_BIN

# ---- scratch directory and a clean environment -----------------------------

T=$(mktemp -d "${TMPDIR:-/tmp}/carecoord-cli.XXXXXX") || {
    echo "Bail out! mktemp -d failed"
    exit 1
}
trap 'rm -rf -- "$T"' EXIT
# The physical path: carecoord names files by their resolved path.
T=$(cd -- "$T" && pwd -P)
trap 'exit 130' INT TERM

export LC_ALL="${LC_ALL:-C.UTF-8}" TZ="${TZ:-UTC}"
unset CARECOORD_PASSPHRASE CARECOORD_NEW_PASSPHRASE CARECOORD_DB CARECOORD_NOW
# A missing configuration file means defaults: /etc/carecoord is never read.
export CARECOORD_CONF="$T/no-such-carecoord.conf"
# Should a command fall back to the per-user database, it lands in $T.
export XDG_DATA_HOME="$T/xdg"

DB="$T/carecoord.db"

# ---- running the binary ----------------------------------------------------

RC=0 OUT='' ERR='' LAST_CMD=''
if command -v timeout >/dev/null 2>&1; then
    _TIMEOUT=(timeout -k 5 120)
else
    _TIMEOUT=()
fi

# run ARGS...: run "$CARECOORD_BIN" ARGS with stdin from /dev/null (so it can
# never sit at a prompt), or from the file $RUN_STDIN names; sets RC, OUT
# (stdout), ERR (stderr) and LAST_CMD.
# Prefix assignments (VAR=value run ...) reach the binary's environment.
run() {
    LAST_CMD="carecoord $*"
    "${_TIMEOUT[@]}" "$CARECOORD_BIN" "$@" <"${RUN_STDIN:-/dev/null}" >"$T/.stdout" \
        2>"$T/.stderr"
    RC=$?
    OUT=$(cat "$T/.stdout")
    ERR=$(cat "$T/.stderr")
    if [ "$RC" -eq 124 ] && [ "${#_TIMEOUT[@]}" -gt 0 ]; then
        diag "TIMEOUT (120 s): $LAST_CMD"
    elif [ "$RC" -ge 128 ]; then
        diag "CRASH: killed by signal $((RC - 128)): $LAST_CMD"
    fi
    return 0
}

# cc ARGS...: run with --db "$DB".
cc() {
    run --db "$DB" "$@"
}

# ---- TAP -------------------------------------------------------------------

_tap_n=0
_tap_failed=0

diag() {
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/# /'
    done
}

pass() {
    _tap_n=$((_tap_n + 1))
    printf 'ok %d - %s\n' "$_tap_n" "$1"
}

# fail DESC [DIAG...]
fail() {
    _tap_n=$((_tap_n + 1))
    _tap_failed=$((_tap_failed + 1))
    printf 'not ok %d - %s\n' "$_tap_n" "$1"
    shift
    [ $# -gt 0 ] && diag "$@"
    return 0
}

# skip DESC REASON
skip() {
    _tap_n=$((_tap_n + 1))
    printf 'ok %d - %s # SKIP %s\n' "$_tap_n" "$1" "$2"
}

# The last run, for diagnostics.
last_run() {
    diag "command: $LAST_CMD" "exit code: $RC"
    [ -n "$OUT" ] && diag "stdout:" "$(printf '%s\n' "$OUT" | head -n 20 | sed 's/^/  /')"
    [ -n "$ERR" ] && diag "stderr:" "$(printf '%s\n' "$ERR" | head -n 20 | sed 's/^/  /')"
    return 0
}

# ok DESC COMMAND...: passes if COMMAND succeeds.
ok() {
    local desc=$1
    shift
    if "$@"; then
        pass "$desc"
    else
        fail "$desc" "failed: $*"
    fi
}

# is GOT WANT DESC
is() {
    if [ "$1" = "$2" ]; then
        pass "$3"
    else
        fail "$3" "got:      '$1'" "expected: '$2'"
    fi
}

# isnt GOT UNWANTED DESC
isnt() {
    if [ "$1" != "$2" ]; then
        pass "$3"
    else
        fail "$3" "got '$1', which it must not be"
    fi
}

# _matches TEXT ERE: true if some line of TEXT matches ERE.
_matches() {
    printf '%s\n' "$1" | grep -Eq -- "$2"
}

# like GOT ERE DESC: some line of GOT matches the extended regex ERE.
like() {
    if _matches "$1" "$2"; then
        pass "$3"
    else
        fail "$3" "no line matches /$2/ in:" "$(printf '%s\n' "$1" | head -n 20 | sed 's/^/  /')"
    fi
}

# unlike GOT ERE DESC: no line of GOT matches ERE.
unlike() {
    if ! _matches "$1" "$2"; then
        pass "$3"
    else
        fail "$3" "unexpected match for /$2/ in:" "$(printf '%s\n' "$1" | head -n 20 | sed 's/^/  /')"
    fi
}

# expect RC STREAM ERE DESC: the last run exited with RC, and some line of
# STREAM (out or err) matches ERE. One TAP case; the whole run is shown on
# failure.
expect() {
    local want=$1 stream=$2 re=$3 desc=$4 text why=''
    case "$stream" in
    out) text=$OUT ;;
    err) text=$ERR ;;
    *)
        echo "Bail out! expect: stream must be out or err, not '$stream'"
        exit 1
        ;;
    esac
    [ "$RC" = "$want" ] || why="exit code $RC, expected $want"
    if ! _matches "$text" "$re"; then
        why="${why:+$why; }std$stream does not match /$re/"
    fi
    if [ -z "$why" ]; then
        pass "$desc"
    else
        fail "$desc" "$why"
        last_run
    fi
}

# expect_line RC STREAM LINE DESC: exit code RC and STREAM is exactly LINE
# (one line, compared literally).
expect_line() {
    local want=$1 stream=$2 line=$3 desc=$4 text why=''
    if [ "$stream" = out ]; then text=$OUT; else text=$ERR; fi
    [ "$RC" = "$want" ] || why="exit code $RC, expected $want"
    [ "$text" = "$line" ] || why="${why:+$why; }std$stream is not exactly '$line'"
    if [ -z "$why" ]; then
        pass "$desc"
    else
        fail "$desc" "$why"
        last_run
    fi
}

# no_crash DESC: the last run ended by itself (no signal, no timeout).
no_crash() {
    if [ "$RC" -lt 124 ]; then
        pass "$1"
    else
        fail "$1" "exit code $RC (>= 124: killed by a signal or timed out)"
        last_run
    fi
}

done_testing() {
    printf '1..%d\n' "$_tap_n"
    if [ "$_tap_failed" -gt 0 ]; then
        diag "$_tap_failed of $_tap_n failed"
        exit 1
    fi
    exit 0
}

# ---- files -----------------------------------------------------------------

# snapshot DIR: the names of DIR's entries and the sha256 of every regular
# file in it, sorted: equal snapshots mean nothing was created, removed or
# changed.
snapshot() {
    (
        cd -- "$1" || exit 1
        ls -A1
        find . -maxdepth 1 -type f -print0 | sort -z | xargs -0 -r sha256sum
    )
}

# re_quote TEXT: TEXT with the characters special in an ERE escaped.
re_quote() {
    printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# sha FILE
sha() {
    sha256sum -- "$1" | cut -d' ' -f1
}

# head_hex FILE N: the first N bytes of FILE as lowercase hex.
head_hex() {
    od -An -tx1 -N "$2" -- "$1" | tr -d ' \n'
}

# starts_with_sqlite FILE: true if FILE begins with the plaintext SQLite magic.
starts_with_sqlite() {
    [ "$(head -c 15 -- "$1")" = "SQLite format 3" ]
}

# not_sqlite FILE: true if FILE does not begin with the SQLite magic.
not_sqlite() {
    ! starts_with_sqlite "$1"
}

# flip_byte FILE OFFSET: XOR the byte at OFFSET with 0x01, in place.
flip_byte() {
    local file=$1 off=$2 byte
    byte=$(od -An -tu1 -j "$off" -N 1 -- "$file" | tr -d ' \n')
    [ -n "$byte" ] || {
        diag "flip_byte: $file has no byte at offset $off"
        return 1
    }
    # shellcheck disable=SC2059  # the format is the escaped byte itself
    printf "$(printf '\\%03o' $((byte ^ 1)))" |
        dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# copy_db FROM TO: copy a database and its key file (not its lock file).
copy_db() {
    cp -- "$1" "$2" && cp -- "$1.keys" "$2.keys"
}
