#!/usr/bin/env bash
# deploy.sh — make an installed carecoord the only way into its data, on a
# shared server (docs/DEPLOY.md). Run as root after `meson install`; running
# it again changes nothing that is already right.
#
#   1. the group carecoord (the only one that can read the data) and the
#      group carecoord-staff (who may log in over SSH to run the program);
#   2. the data directory (root:carecoord, mode 2770) and its backups/
#      directory, and the group and mode of any file already in them
#      (group read/write, nothing for others);
#   3. the binary: root:carecoord, mode 2755 (setgid carecoord), refused if
#      it has the test hooks compiled in;
#   4. the site configuration, written from the example if there is none,
#      and refused if anyone but root can change it;
#   5. a check of all of it; exit 1 with one line per problem otherwise.
#
# Usage: tools/deploy.sh [--bin PATH] [--data-dir DIR] [--group NAME]
#            [--staff-group NAME|''] [--config FILE] [--check]
#   --check   change nothing, only check (exit 1 if anything is wrong)

set -eu -o pipefail

BIN=${CARECOORD_DEPLOY_BIN:-}
DATA=/var/lib/carecoord
GROUP=carecoord
STAFF=carecoord-staff
CONF=/etc/carecoord/carecoord.conf
CHECK_ONLY=0

die() {
    echo "deploy: $*" >&2
    exit 1
}
say() { echo "deploy: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --data-dir) DATA=$2; shift 2 ;;
    --group) GROUP=$2; shift 2 ;;
    --staff-group) STAFF=$2; shift 2 ;;
    --config) CONF=$2; shift 2 ;;
    --check) CHECK_ONLY=1; shift ;;
    -h | --help)
        sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

[ "$(id -u)" = 0 ] || die "run me as root"
if [ -z "$BIN" ]; then
    BIN=$(command -v carecoord || true)
    [ -n "$BIN" ] || BIN=/usr/local/bin/carecoord
fi
if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
    die "no carecoord binary at $BIN (meson install first, or --bin)"
fi
BIN=$(readlink -f -- "$BIN")
case "$DATA" in
/*) ;;
*) die "--data-dir must be an absolute path" ;;
esac

# ---- changes ------------------------------------------------------------------

ensure_group() {
    getent group "$1" >/dev/null && return 0
    groupadd --system "$1"
    say "created group $1"
}

# ensure_dir DIR: root:GROUP, mode 2770.
ensure_dir() {
    [ -d "$1" ] || { mkdir -p -- "$1"; say "created $1"; }
    chown root:"$GROUP" -- "$1"
    chmod 2770 -- "$1"
}

# The files already there (a database created before this ran, or by a
# run of a binary that was not yet setgid): the group's, never others'.
fix_files() {
    find "$DATA" -maxdepth 2 -type f \( ! -group "$GROUP" -o -perm /0007 -o ! -perm -0060 \) \
        -print0 | while IFS= read -r -d '' f; do
        chgrp -- "$GROUP" "$f"
        chmod g+rw,o-rwx -- "$f"
        say "fixed group and mode of $f"
    done
}

ensure_binary() {
    chown root:"$GROUP" -- "$BIN"
    chmod 2755 -- "$BIN"
}

# The site configuration: root's, readable by all (it holds no secret).
ensure_config() {
    if [ ! -e "$CONF" ]; then
        mkdir -p -- "$(dirname -- "$CONF")"
        cat >"$CONF" <<EOF
# carecoord site configuration (written by tools/deploy.sh; see carecoord(1)).
database = $DATA/carecoord.db
bind_users = yes
idle_lock_minutes = 10
# timezone = America/New_York
EOF
        say "wrote $CONF"
    fi
    chown root:root -- "$CONF"
    chmod go-w -- "$CONF"
}

# ---- the check ------------------------------------------------------------------

PROBLEMS=0
problem() {
    echo "deploy: NOT OK: $*" >&2
    PROBLEMS=$((PROBLEMS + 1))
}

# mode_is PATH OCTAL OWNER:GROUP
mode_is() {
    local got
    got=$(stat -c '%a %U:%G' -- "$1" 2>/dev/null) || {
        problem "$1 is missing"
        return
    }
    [ "$got" = "$2 $3" ] || problem "$1 is $got, expected $2 $3"
}

# No directory above DATA or BIN may be writable by anyone but root.
parents_safe() {
    local d=$1
    while [ "$d" != / ] && [ -n "$d" ]; do
        d=$(dirname -- "$d")
        local st owner mode
        st=$(stat -c '%u %a' -- "$d")
        owner=${st%% *} mode=${st##* }
        if [ "$owner" != 0 ] ||
            { [ $((8#$mode & 8#022)) -ne 0 ] && [ $((8#$mode & 8#1000)) -eq 0 ]; }; then
            problem "$d (above $1) can be changed by someone other than root"
        fi
    done
}

check_all() {
    getent group "$GROUP" >/dev/null || problem "no group $GROUP"
    [ -z "$STAFF" ] || getent group "$STAFF" >/dev/null || problem "no group $STAFF"
    mode_is "$BIN" 2755 "root:$GROUP"
    local v
    v=$("$BIN" --version 2>&1) || problem "$BIN --version failed: $v"
    case "$v" in
    *"(test hooks: off)") ;;
    *) problem "$BIN is a test build ($v): never install it setgid" ;;
    esac
    mode_is "$DATA" 2770 "root:$GROUP"
    mode_is "$DATA/backups" 2770 "root:$GROUP"
    local bad
    bad=$(find "$DATA" -maxdepth 2 -type f \( ! -group "$GROUP" -o -perm /0007 -o ! -perm -0060 \) 2>/dev/null)
    [ -z "$bad" ] || problem "files not group-rw or open to others: $(echo "$bad" | tr '\n' ' ')"
    if [ -e "$CONF" ]; then
        local c
        c=$(stat -c '%U %a' -- "$CONF")
        if [ "${c%% *}" != root ] || [ $((8#${c##* } & 8#022)) -ne 0 ]; then
            problem "$CONF ($c) can be changed by someone other than root"
        fi
    else
        problem "no site configuration at $CONF"
    fi
    parents_safe "$DATA"
    parents_safe "$BIN"
}

if [ "$CHECK_ONLY" = 0 ]; then
    ensure_group "$GROUP"
    [ -z "$STAFF" ] || ensure_group "$STAFF"
    # The binary's test first: a test build is never made setgid.
    case "$("$BIN" --version 2>&1)" in
    *"(test hooks: off)") ;;
    *) die "$BIN has the test hooks compiled in (carecoord --version): build with -Dtest_hooks=false" ;;
    esac
    ensure_dir "$DATA"
    ensure_dir "$DATA/backups"
    fix_files
    ensure_binary
    ensure_config
fi
check_all
[ "$PROBLEMS" = 0 ] || die "$PROBLEMS problem(s)"
say "ok: $BIN setgid $GROUP, data in $DATA (2770), configuration $CONF"
