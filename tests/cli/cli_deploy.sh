#!/usr/bin/env bash
# cli_deploy.sh — the setgid deployment, for real (docs/DEPLOY.md): build a
# production binary (no test hooks), `meson install` it with DESTDIR into a
# temporary prefix (before the group exists), run tools/deploy.sh against a
# temporary group, data directory and site configuration, create temporary
# users, and prove: they cannot read the database or key file directly; they
# can work through the setgid binary; a second person still works after the
# first ran `passwd` (every file stays group-writable); CARECOORD_NOW and
# CARECOORD_CONF change nothing; an export or report written to a file
# belongs to the person, mode 0600, and can never land in the data
# directory; @FILE is read as the person; the process cannot be read
# through /proc; no shell or pager is run; a hostile TERM is dropped.
#
# Needs root (users, groups, chown): otherwise one visible skip. CI runs as
# root. About 15-40 s, most of it the build.
#
# Run: CARECOORD_BIN=build/carecoord bash tests/cli/cli_deploy.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=${CARECOORD_SOURCE_ROOT:-$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

if [ "$(id -u)" != 0 ]; then
    skip "setgid deployment" "not root (needs groupadd, useradd and chown)"
    done_testing
fi
for tool in useradd userdel groupadd groupdel setpriv meson ninja; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "setgid deployment" "$tool is not installed"
        done_testing
    fi
done

# ---- temporary group and users, removed on exit -----------------------------------

SUF=$$
G=cctg$SUF              # the carecoord group of this test
UA=ccta$SUF             # an administrator
UB=cctb$SUF             # a coach
US=ccts$SUF             # a supervisor
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    for u in "$UA" "$UB" "$US"; do
        userdel "$u" >/dev/null 2>&1 || true
    done
    groupdel "$G" >/dev/null 2>&1 || true
    rm -rf -- "$T"
}
trap cleanup EXIT
chmod 0755 "$T" # the people must reach their homes and the binary below it

for u in "$UA" "$UB" "$US"; do
    mkdir -p "$T/home/$u"
    useradd --no-create-home --home-dir "$T/home/$u" --shell /bin/sh --user-group "$u" ||
        {
            echo "Bail out! useradd $u failed"
            exit 1
        }
    chown "$u:$u" "$T/home/$u"
    chmod 0700 "$T/home/$u"
done
chmod 0755 "$T/home"

# as USER [VAR=VALUE...] -- ARGS...: run the installed binary as USER with
# a clean environment plus the given variables; sets RC, OUT, ERR.
as() {
    local u=$1
    shift
    local envs=()
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    LAST_CMD="($u) carecoord $*"
    "${_TIMEOUT[@]}" setpriv --reuid="$u" --regid="$u" --init-groups -- \
        env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 HOME="$T/home/$u" "${envs[@]}" \
        "$BIN" "$@" </dev/null >"$T/.stdout" 2>"$T/.stderr"
    RC=$?
    OUT=$(cat "$T/.stdout")
    ERR=$(cat "$T/.stderr")
}

# sh_as USER COMMAND: a shell command as USER (for direct file access).
sh_as() {
    setpriv --reuid="$1" --regid="$1" --init-groups -- env -i PATH=/usr/bin:/bin sh -c "$2"
}

# ---- build and install: no hooks, DESTDIR, no group yet -----------------------------

PREFIX=$T/prefix
DEST=$T/dest
CONF=$T/etc/carecoord.conf
DATA=$T/data
if meson setup "$T/build" "$SRC" -Dtest_hooks=false -Dtests=false -Dbuildtype=plain \
    -Dwerror=false -Dprefix="$PREFIX" -Dsite_config="$CONF" >"$T/setup.log" 2>&1 &&
    ninja -C "$T/build" >"$T/build.log" 2>&1 &&
    DESTDIR=$DEST meson install -C "$T/build" --no-rebuild >"$T/install.log" 2>&1; then
    pass "a production build installs with DESTDIR while group $G does not exist"
else
    fail "a production build installs with DESTDIR" "$(tail -n 20 "$T"/*.log)"
    done_testing
fi
BIN=$DEST$PREFIX/bin/carecoord
for f in bin/carecoord share/man/man1/carecoord.1 share/doc/carecoord/DEPLOY.md \
    share/doc/carecoord/carecoord.conf.example; do
    ok "installed: $f" test -f "$DEST$PREFIX/$f"
done
ok "nothing was installed outside DESTDIR" test ! -e "$PREFIX"
is "$("$BIN" --version)" "carecoord $(sed -n "s/^  version: '\(.*\)',$/\1/p" "$SRC/meson.build") (test hooks: off)" \
    "the installed binary has no test hooks"

# ---- tools/deploy.sh ---------------------------------------------------------------------

DEPLOY=("$SRC/tools/deploy.sh" --bin "$BIN" --data-dir "$DATA" --group "$G" --staff-group '' --config "$CONF")
"${DEPLOY[@]}" >"$T/deploy1.out" 2>&1
is "$?" 0 "deploy.sh succeeds on a fresh machine"
like "$(cat "$T/deploy1.out")" "created group $G" "... creating the group"
is "$(stat -c '%a %U:%G' "$BIN")" "2755 root:$G" "... the binary is setgid $G"
is "$(stat -c '%a %U:%G' "$DATA")" "2770 root:$G" "... the data directory is 2770 root:$G"
like "$(cat "$CONF")" "^database = $(re_quote "$DATA")/carecoord.db$" \
    "... and the site configuration names the database"
printf 'bind_users = yes\ndatabase = %s/carecoord.db\n' "$DATA" >"$CONF"

# A test build is never made setgid.
if [ -x "${CARECOORD_BIN:-}" ] && "$CARECOORD_BIN" --version | grep -q 'hooks: on'; then
    cp "$CARECOORD_BIN" "$T/hooks-bin"
    "$SRC/tools/deploy.sh" --bin "$T/hooks-bin" --data-dir "$DATA" --group "$G" \
        --staff-group '' --config "$CONF" >"$T/deploy-hooks.out" 2>&1
    RC=$?
    is "$RC" 1 "deploy.sh refuses a binary with the test hooks"
    isnt "$(stat -c %a "$T/hooks-bin")" 2755 "... and does not make it setgid"
else
    skip "deploy.sh refuses a binary with the test hooks" "no hooks build at hand"
fi

# ---- init and accounts through the setgid binary --------------------------------------------

PA=admin-pass-$SUF PB=coach-pass-$SUF PS=super-pass-$SUF
CARECOORD_PASSPHRASE=$PA "${_TIMEOUT[@]}" "$BIN" init --admin "$UA" </dev/null >"$T/.stdout" 2>"$T/.stderr"
RC=$? OUT=$(cat "$T/.stdout")
expect 0 out "administrator $UA" "root creates the database with $UA as the first administrator"
as "$UA" CARECOORD_PASSPHRASE="$PA" CARECOORD_NEW_PASSPHRASE="$PB-0" -- user add "$UB" --role coach
expect 0 out "added $UB" "$UA adds a coach through the binary"
as "$UA" CARECOORD_PASSPHRASE="$PA" CARECOORD_NEW_PASSPHRASE="$PS-0" -- user add "$US" --role supervisor
expect 0 out "added $US" "$UA adds a supervisor"
as "$UB" CARECOORD_PASSPHRASE="$PB-0" CARECOORD_NEW_PASSPHRASE="$PB" -- passwd
expect 0 out 'passphrase changed' "$UB sets their own passphrase"
as "$US" CARECOORD_PASSPHRASE="$PS-0" CARECOORD_NEW_PASSPHRASE="$PS" -- passwd
expect 0 out 'passphrase changed' "$US sets theirs"

# ---- no direct access ------------------------------------------------------------------------

for f in carecoord.db carecoord.db.keys; do
    if sh_as "$UB" "cat '$DATA/$f'" >/dev/null 2>&1; then
        fail "$UB cannot read $f directly"
    else
        pass "$UB cannot read $f directly"
    fi
done
if sh_as "$UB" "ls '$DATA'" >/dev/null 2>&1; then
    fail "$UB cannot list the data directory"
else
    pass "$UB cannot list the data directory"
fi

# ---- one passwd never locks the others out ----------------------------------------------------

as "$UA" CARECOORD_PASSPHRASE="$PA" CARECOORD_NEW_PASSPHRASE="$PA-new" -- passwd
expect 0 out 'passphrase changed' "$UA changes their passphrase"
as "$UB" CARECOORD_PASSPHRASE="$PB" -- program list
expect 0 out '^hss ' "$UB still works after $UA's passwd"
as "$UA" CARECOORD_PASSPHRASE="$PA-new" -- user list
expect 0 out "^$UB " "$UA works with the new passphrase"
as "$UA" CARECOORD_PASSPHRASE="$PA-new" -- backup "$DATA/backups/nightly.db"
expect 0 out '' "$UA backs up into the data directory's backups/"
as "$UA" CARECOORD_PASSPHRASE="$PA-new" -- rekey
expect 0 out '' "$UA re-encrypts under a new master key"
as "$UB" CARECOORD_PASSPHRASE="$PB" -- program list
expect 0 out '^hss ' "$UB still works after the rekey"
bad=$(find "$DATA" -type f \( ! -group "$G" -o -perm /0007 -o ! -perm -0060 \) -printf '%p %m %g\n')
is "$bad" '' "every file in the data directory is group-rw for $G, nothing for others"
find "$DATA" -printf '%M %u:%g %p\n' | sed 's/^/# /'
"${DEPLOY[@]}" --check >"$T/check.out" 2>&1
is "$?" 0 "deploy.sh --check passes after a day's work"
"${DEPLOY[@]}" >"$T/deploy2.out" 2>&1
is "$?" 0 "deploy.sh runs again"
unlike "$(cat "$T/deploy2.out")" 'created|fixed|wrote' "... and changes nothing the second time"

# ---- test hooks have no effect -------------------------------------------------------------------

today_local=$(date +%F) today_utc=$(date -u +%F)
as "$UB" CARECOORD_PASSPHRASE="$PB" CARECOORD_NOW=2001-01-01T10:00:00Z -- report caseload
like "$OUT" "^caseload report, .* to ($today_local|$today_utc)" \
    "CARECOORD_NOW is ignored: the report runs to today"
printf 'database = %s/other.db\nbind_users = no\n' "$T/home/$UB" >"$T/home/$UB/my.conf"
chown "$UB" "$T/home/$UB/my.conf"
as "$UB" CARECOORD_PASSPHRASE="$PB" CARECOORD_CONF="$T/home/$UB/my.conf" -- --user "$UA" program list
expect 2 err 'binds accounts to system logins' "CARECOORD_CONF is ignored: the site's bind_users holds"
as "$UB" CARECOORD_PASSPHRASE="$PB" -- --db "$T/home/$UB/other.db" program list
expect 2 err "this site's database is" "--db cannot point a setgid run elsewhere"
as "$UB" CARECOORD_PASSPHRASE="$PB" CARECOORD_DB="$T/home/$UB/other.db" -- program list
expect 0 out '^hss ' "CARECOORD_DB is dropped: the site's database is used"

# ---- files written for the person -----------------------------------------------------------------

as "$US" CARECOORD_PASSPHRASE="$PS" -- export --what staff --output "$T/home/$US/staff.jsonl"
expect 0 out '' "$US exports to a file"
is "$(stat -c '%U %a' "$T/home/$US/staff.jsonl")" "$US 600" "... which is $US's, mode 0600"
isnt "$(stat -c '%G' "$T/home/$US/staff.jsonl")" "$G" "... and not in group $G"
as "$US" CARECOORD_PASSPHRASE="$PS" -- report caseload --output "$T/home/$US/caseload.txt"
is "$(stat -c '%U %a' "$T/home/$US/caseload.txt")" "$US 600" "a report file too"
as "$US" CARECOORD_PASSPHRASE="$PS" -- export --what staff --output "$DATA/planted.jsonl"
expect 1 err 'Permission denied' "an export into the data directory is refused (written as the person)"
ok "... nothing was created there" test ! -e "$DATA/planted.jsonl"
as "$UB" -- alert resolve 1 --note "@$DATA/carecoord.db.keys"
expect 1 err 'Permission denied' "@FILE is opened as the person: the key file cannot be read into a note"

as "$UA" CARECOORD_PASSPHRASE="$PA-new" -- program load "$DATA/carecoord.db.keys"
expect 1 err "cannot read $(re_quote "$DATA")/carecoord.db.keys" \
    "program load FILE opens it as the person: the key file is not readable"

# ---- the process: not readable through /proc, no shell, no pager, no hostile TERM ---------------------------

mkfifo "$T/fifo"
chmod 0666 "$T/fifo"
setpriv --reuid="$UB" --regid="$UB" --init-groups -- \
    env -i PATH=/usr/bin:/bin CARECOORD_MARK=secret-$SUF "$BIN" --passphrase-fd 3 program list \
    3<>"$T/fifo" </dev/null >/dev/null 2>&1 &
pid=$!
setpriv --reuid="$UB" --regid="$UB" --init-groups -- env -i CARECOORD_MARK=plain-$SUF sleep 30 &
plain=$!
sleep 0.5
if sh_as "$UB" "cat /proc/$plain/environ" 2>/dev/null | tr '\0' '\n' | grep -q "plain-$SUF"; then
    pass "(an ordinary process of $UB's is readable by $UB through /proc)"
else
    fail "(an ordinary process of $UB's is readable by $UB through /proc)"
fi
if sh_as "$UB" "cat /proc/$pid/environ" 2>/dev/null | tr '\0' '\n' | grep -q "secret-$SUF"; then
    fail "the running carecoord is not readable by $UB through /proc (not dumpable)"
else
    pass "the running carecoord is not readable by $UB through /proc (not dumpable)"
fi
kill "$pid" "$plain" 2>/dev/null
wait "$pid" "$plain" 2>/dev/null

mkdir -p "$T/evil"
for p in sh bash less more pager vi editor man; do
    printf '#!/bin/sh\ntouch %s/ran-%s\n' "$T/evil" "$p" >"$T/evil/$p"
    chmod 0755 "$T/evil/$p"
done
chmod 0777 "$T/evil"
for args in "--help" "program list" "user list" "report caseload"; do
    # shellcheck disable=SC2086  # the words are the arguments
    as "$UA" CARECOORD_PASSPHRASE="$PA-new" PATH="$T/evil" PAGER="$T/evil/less" \
        EDITOR="$T/evil/vi" SHELL="$T/evil/sh" -- $args
done
is "$(find "$T/evil" -name 'ran-*' | wc -l)" 0 "no shell, pager or editor is ever run (PATH, PAGER, EDITOR, SHELL)"

as "$UB" TERM=../../../tmp/evil -- --user "$UB"
expect 1 err 'TERM is not set' "a TERM that is a path is dropped before ncurses sees it"

done_testing
