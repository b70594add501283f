#!/usr/bin/env bash
# run.sh — golden screen tests of the terminal program.
#
# One demo database is built (300 clients, seed 1, a fixed clock). Then every
# key script tests/screen/NAME.script runs against its own copy of it, in the
# program's test mode (CARECOORD_TEST_SCRIPT: keys come from the script, the
# screen is rendered to /dev/null at LINES x COLUMNS, `dump PATH` writes the
# screen's text). `@OUT@` in a script stands for the dump file; the dump is
# compared with tests/screen/golden/NAME.txt, and a mismatch prints a unified
# diff as TAP diagnostics. Each screen is also checked to be well-formed:
# exactly LINES lines, none wider than COLUMNS, valid UTF-8, no control
# characters.
#
# Leading comment lines of a script set how it runs:
#   # user: demo-nurse      the login (default demo-coach)
#   # lines: 20             the terminal's size (default 24 x 80)
#   # columns: 70
#   # exit: 2               the expected exit status (default 0)
#   # mask: s/RE/TEXT/      a sed -E command applied to the screen before it is
#                           compared (for what differs between databases, such
#                           as the audit chain's hash)
#   # import: FILE          tests/data/FILE imported (import adt) as
#                           demo-scheduler on the copy before the keys
#   # bind: KEY ACTION      a key rebound as the site configuration's
#                           `bind = KEY ACTION` does (one line per key)
#   # meanwhile: FILE       with an @MEANWHILE@ line in the script: the keys
#                           before it are taken, then the key script FILE runs
#                           to its end as a second person (its own "# user:"),
#                           on the same database, then the rest (for conflicts)
# A file NAME.check beside the script, if there is one, is sourced after the
# run and the screen's comparison: bash using tests/cli/lib.sh's assertions,
# with DB naming the database the script ran on (CARECOORD_NOW and the
# passphrase "demo" are set). `unchanged KIND CLIENT` asserts that the
# client's rows of `export --what KIND` are exactly as in the demo database:
# what a screen refused left nothing behind. `changed KIND` prints the rows
# of `export --what KIND` in $DB that the demo database has, changed
# (whichever rows the keys reached: checks that hold whatever the demo is).
# The script must end where `Q` quits (not inside a form or prompt, which keep
# every key to themselves): a run longer than 30 s counts as hung.
#
#   CARECOORD_BIN=build/carecoord bash tests/screen/run.sh
#   UPDATE_GOLDEN=1 CARECOORD_BIN=build/carecoord bash tests/screen/run.sh
#   ONLY=record-tasks ...   run the scripts whose name contains this
#
# Rewriting the golden files is a review step: read every changed screen.

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=../cli/lib.sh
. "$HERE/../cli/lib.sh"

GOLDEN=$HERE/golden
NOW=2026-11-22T12:00:00Z
UPDATE=${UPDATE_GOLDEN:-}
ONLY=${ONLY:-}

if [ -n "$UPDATE" ]; then
    mkdir -p -- "$GOLDEN" || {
        echo "Bail out! cannot create $GOLDEN"
        exit 1
    }
fi

# ---- the demo database -----------------------------------------------------

CARECOORD_NOW=$NOW run --db "$T/demo.db" demo --clients 300 --seed 1 --no-tui
if [ "$RC" -ne 0 ]; then
    echo "Bail out! the demo database could not be built"
    last_run
    exit 1
fi
pass "demo database built (300 clients, seed 1)"

# ---- one key script ----------------------------------------------------------

# export_of DB KIND CLIENT: the client's rows of `export --what KIND` (the
# rows whose "client" or, for clients, "id" is CLIENT), read by a supervisor.
export_of() {
    CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$1" --user demo-supervisor \
        export --what "$2"
    [ "$RC" -eq 0 ] || {
        last_run >&2
        return 1
    }
    if [ "$2" = clients ]; then
        printf '%s\n' "$OUT" | grep -F "{\"id\":$3,"
    else
        printf '%s\n' "$OUT" | grep -F "\"client\":$3,"
    fi
    return 0
}

# unchanged KIND CLIENT [DESC]: for a NAME.check file: the client's rows of
# export KIND in $DB are those of the demo database (an export is audited, so
# the demo database is read through a copy of its own).
unchanged() {
    local before="$T/before.db" want got
    copy_db "$T/demo.db" "$before" || {
        fail "${3:-$1 of client $2 unchanged}" "cannot copy the demo database"
        return
    }
    want=$(export_of "$before" "$1" "$2")
    got=$(export_of "$DB" "$1" "$2")
    rm -f -- "$before" "$before.keys" "$before.lock"
    if [ -z "$want" ]; then
        fail "${3:-$1 of client $2 unchanged}" "the demo database has no $1 of client $2"
    elif [ "$want" = "$got" ]; then
        pass "${3:-$1 of client $2 unchanged}"
    else
        fail "${3:-$1 of client $2 unchanged}" \
            "$(diff -u --label demo --label after <(printf '%s\n' "$want") \
                <(printf '%s\n' "$got"))"
    fi
}

# export_all DB KIND: every row of `export --what KIND`, read by a supervisor.
export_all() {
    CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$1" --user demo-supervisor \
        export --what "$2"
    [ "$RC" -eq 0 ] || {
        last_run >&2
        return 1
    }
    printf '%s\n' "$OUT"
}

# changed KIND: for a NAME.check file: the rows of export KIND in $DB that
# the demo database has (by id), changed, one a line. New rows are left out:
# opening the program runs the daily work (re-screen tasks and the like).
changed() {
    local before="$T/before.db" want got
    copy_db "$T/demo.db" "$before" || return 1
    want=$(export_all "$before" "$1") # one after the other: run has one $OUT
    got=$(export_all "$DB" "$1")
    rm -f -- "$before" "$before.keys" "$before.lock"
    # rows by id: one the demo database has, now different
    awk 'NR == FNR { was[$0] = 1; split($0, f, ","); id[f[1]] = 1; next }
         { split($0, f, ",") } (f[1] in id) && !($0 in was)' \
        <(printf '%s\n' "$want") <(printf '%s\n' "$got")
}

# header FILE KEY DEFAULT: the value of a leading "# KEY: VALUE" line.
header() {
    local v
    v=$(sed -n '/^#/!q; s/^# *'"$2"': *//p' -- "$1" | head -n 1)
    printf '%s' "${v:-$3}"
}

# well_formed FILE LINES COLUMNS: explain on stdout what is wrong, if anything.
well_formed() {
    local f=$1 lines=$2 cols=$3 n w
    n=$(wc -l <"$f")
    [ "$n" -eq "$lines" ] || echo "$n lines, expected $lines"
    w=$(wc -L <"$f")
    [ "$w" -le "$cols" ] || echo "a line is $w columns wide, more than $cols"
    iconv -f UTF-8 -t UTF-8 <"$f" >/dev/null 2>&1 || echo "not valid UTF-8"
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$f"; then
        echo "control characters on screen:"
        LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$f" | cat -v | head -n 5
    fi
    if grep -q $'\xef\xbf\xbd' "$f"; then
        echo "U+FFFD (a character cut or mis-decoded) on screen"
    fi
    return 0
}

# program SCRIPT DB USER LINES COLUMNS OUTBASE: run carecoord in test mode
# (stdout and stderr to OUTBASE.stdout and .stderr); returns its status.
# RUN_CONF, if set, is the site configuration for this run; RUN_PAGE the
# paged screens' page (a "# page: N" header: CARECOORD_PAGE, hooks.h).
RUN_CONF=''
RUN_PAGE=''
program() {
    env LC_ALL=C.UTF-8 TZ=UTC LINES="$4" COLUMNS="$5" \
        CARECOORD_NOW="$NOW" NO_COLOR=1 TERM=xterm \
        CARECOORD_CONF="${RUN_CONF:-$CARECOORD_CONF}" CARECOORD_PAGE="$RUN_PAGE" \
        CARECOORD_TEST_SCRIPT="$1" \
        timeout -k 5 "${SCREEN_TIMEOUT:-30}" "$CARECOORD_BIN" --db "$2" --user "$3" \
        </dev/null >"$6.stdout" 2>"$6.stderr"
}

# run_meanwhile KEYS SCRIPT DB USER LINES COLUMNS OUTBASE: a script with an
# @MEANWHILE@ line is fed to the program through a FIFO: the keys before it,
# then (once the program has taken them all) the script named by the
# "# meanwhile: FILE" header runs to its end as a second person on the same
# database, then the rest. Returns the first program's status.
run_meanwhile() {
    local keys=$1 script=$2 db=$3 user=$4 lines=$5 cols=$6 base=$7
    local fifo="$base.fifo" sync="$base.sync" other pid rc end
    other="$HERE/$(header "$keys" meanwhile '')"
    if [ ! -f "$other" ] || [ "$other" = "$HERE/" ]; then
        diag "$keys: @MEANWHILE@ needs a '# meanwhile: FILE' header naming a key script"
        return 1
    fi
    rm -f -- "$fifo" "$sync"
    mkfifo -- "$fifo" || return 1
    program "$fifo" "$db" "$user" "$lines" "$cols" "$base" &
    pid=$!
    exec 9<>"$fifo" # read-write: opening never blocks, should the program not start
    sed '/^@MEANWHILE@$/,$d' -- "$script" >&9
    printf 'dump %s\n' "$sync" >&9
    end=$((SECONDS + 20))
    while [ "$({ wc -l <"$sync"; } 2>/dev/null || echo 0)" -lt "$lines" ] &&
        [ "$SECONDS" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.05
    done
    program "$other" "$db" "$(header "$other" user demo-coach)" "$lines" "$cols" \
        "$base.meanwhile"
    rc=$?
    [ "$rc" -eq 0 ] || diag "the meanwhile script $other exited $rc:" \
        "$(head -n 20 -- "$base.meanwhile.stderr")"
    sed '1,/^@MEANWHILE@$/d' -- "$script" >&9
    exec 9>&-
    wait "$pid"
    rc=$?
    rm -f -- "$fifo"
    return "$rc"
}

run_keys() {
    local keys=$1 name user lines cols want_rc mask out script db golden rc why
    name=$(basename -- "$keys" .script)
    user=$(header "$keys" user demo-coach)
    lines=$(header "$keys" lines 24)
    cols=$(header "$keys" columns 80)
    want_rc=$(header "$keys" exit 0)
    mask=$(header "$keys" mask '')
    RUN_PAGE=$(header "$keys" page '')
    out="$T/$name.txt"
    script="$T/$name.script"
    db="$T/$name.db"
    golden="$GOLDEN/$name.txt"

    if ! grep -q '^dump @OUT@$' -- "$keys"; then
        fail "$name: the script dumps the screen" "no 'dump @OUT@' line in $keys"
        return
    fi
    copy_db "$T/demo.db" "$db" || {
        fail "$name: copy the demo database"
        return
    }
    # "# import: FILE" (under tests/data): imported as demo-scheduler first.
    local imp
    imp=$(header "$keys" import '')
    if [ -n "$imp" ]; then
        CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-scheduler \
            import adt "$HERE/../data/$imp"
        [ "$RC" -le 3 ] || {
            fail "$name: import $imp first" "exit $RC: $ERR"
            return
        }
    fi
    # Rebound keys go into a site configuration of the script's own.
    RUN_CONF=''
    if grep -q '^# *bind:' -- "$keys"; then
        RUN_CONF="$T/$name.conf"
        sed -n '/^#/!q; s/^# *bind: */bind = /p' -- "$keys" >"$RUN_CONF"
    fi
    # The dump path replaces @OUT@ (escaped for sed's replacement).
    sed "s/@OUT@/$(printf '%s' "$out" | sed 's/[\/&|]/\\&/g')/g" -- "$keys" >"$script"
    rm -f -- "$out"

    if grep -q '^@MEANWHILE@$' -- "$script"; then
        run_meanwhile "$keys" "$script" "$db" "$user" "$lines" "$cols" "$T/$name"
        rc=$?
    else
        program "$script" "$db" "$user" "$lines" "$cols" "$T/$name"
        rc=$?
    fi

    why=''
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="hung: killed after 30 s (does the script end inside a form or prompt?)"
    elif [ "$rc" -ne "$want_rc" ]; then
        why="exit status $rc, expected $want_rc"
    fi
    if [ -n "$why" ]; then
        fail "$name: runs and exits $want_rc" "$why" \
            "stderr:" "$(head -n 30 -- "$T/$name.stderr")"
    else
        pass "$name: runs and exits $want_rc"
    fi
    if [ ! -s "$out" ]; then
        fail "$name: screen dumped" "no dump written to $out"
        return
    fi

    if [ -n "$mask" ]; then
        sed -E -- "$mask" "$out" >"$out.masked" && mv -- "$out.masked" "$out" || {
            fail "$name: mask applies" "bad mask: $mask"
            return
        }
    fi

    why=$(well_formed "$out" "$lines" "$cols")
    if [ -n "$why" ]; then
        fail "$name: screen is well-formed (${cols}x$lines, UTF-8, no controls)" "$why"
    else
        pass "$name: screen is well-formed (${cols}x$lines, UTF-8, no controls)"
    fi

    if [ -n "$UPDATE" ]; then
        if [ -f "$golden" ] && cmp -s -- "$out" "$golden"; then
            pass "$name: golden unchanged"
        else
            cp -- "$out" "$golden"
            pass "$name: golden written"
            diag "$name: golden/$name.txt rewritten: review it"
        fi
    elif [ ! -f "$golden" ]; then
        fail "$name: matches golden/$name.txt" \
            "no golden file: run with UPDATE_GOLDEN=1, then review it; the screen was:" \
            "$(cat -- "$out")"
    elif cmp -s -- "$golden" "$out"; then
        pass "$name: matches golden/$name.txt"
    else
        fail "$name: matches golden/$name.txt" \
            "$(diff -u --label "golden/$name.txt" --label "screen" -- "$golden" "$out")"
    fi
    run_check "$name" "$db"
}

# run_check NAME DB: source NAME.check, if any, with DB set to the database.
run_check() {
    local check="$HERE/$1.check" DB=$2
    [ -f "$check" ] || return 0
    # shellcheck disable=SC1090
    . "$check"
}

n=0
for keys in "$HERE"/*.script; do
    [ -e "$keys" ] || continue
    name=$(basename -- "$keys" .script)
    [ -n "$ONLY" ] && [[ "$name" != *"$ONLY"* ]] && continue
    run_keys "$keys"
    n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "key scripts found" "no tests/screen/*.script${ONLY:+ matching $ONLY}"

# Every golden and check file belongs to a script (a renamed script leaves
# none behind).
if [ -z "$ONLY" ]; then
    orphans=''
    for g in "$GOLDEN"/*.txt "$HERE"/*.check; do
        [ -e "$g" ] || continue
        b=$(basename -- "$g")
        [ -f "$HERE/${b%.*}.script" ] || orphans="$orphans $b"
    done
    if [ -z "$orphans" ]; then
        pass "every golden and check file has its key script"
    else
        fail "every golden and check file has its key script" "orphans:$orphans"
    fi
fi

done_testing
