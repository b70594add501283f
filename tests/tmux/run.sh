#!/usr/bin/env bash
# run.sh — the terminal program in a real terminal: tmux runs it, send-keys
# types, capture-pane reads the screen. Each test has its own tmux server on
# its own socket (tmux -L cc-PID-N, no configuration file but ours), killed at
# the end. Covered: unlocking, resizing (larger, back, too small), the
# terminals people use (xterm-256color, screen, tmux, vt100, NO_COLOR), the idle
# lock, hostile bytes in a client's name (escape sequences, bidi override),
# a client edit that meets a newer save (the conflict screen), a warm
# hand-off between two people in two terminals, and the whole journey: intake,
# consent, a high assessment that starts an episode, a contact, a hand-off
# accepted by the second person; and the specialty-care program end to end
# (the specialist booked, on the agenda with its reminder, kept on the day,
# the warm hand-off to the safety-net clinic, the measures). Then the ends: SIGHUP and SIGTERM at a prompt
# and a terminal that vanishes (with and without a signal) end the program
# within seconds, without spinning, its store closed, with exit status 1
# and one line saying why (a quit's status is 0); and neither the idle
# lock, ^L nor quitting leaves a client's name in the terminal's scrollback,
# with TERM=vt100 (no alternate screen) as with xterm-256color. Quitting
# from the caseload is asked (q, then y and Enter; q, n stays).
#
#   CARECOORD_BIN=build/carecoord CARECOORD_SET_NAME=build/tests/set_name \
#       bash tests/tmux/run.sh
#
# CARECOORD_SET_NAME names tests/tools/set_name (built with the tests); the
# hostile-name test is skipped without it. TMUX_WAIT (default 20) is how many
# seconds to wait for an expected screen. ONLY="idle handoff" runs only those
# (unlock resize terms idle hostile corpus conflict handoff journey specialty hangup
# scrollback).

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=../cli/lib.sh
. "$HERE/../cli/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "Bail out! tmux is not installed (tools/deps.sh installs it)"
    exit 1
fi

NOW=2026-11-22T12:00:00Z
unset TMUX TMUX_PANE # run the same inside a tmux session
# The servers' sockets live in the scratch directory, removed at the end.
export TMUX_TMPDIR="$T"
WAIT=${TMUX_WAIT:-20}
SET_NAME=${CARECOORD_SET_NAME:-}

# ---- tmux servers ------------------------------------------------------------

SERVERS=()
_nserver=0

cleanup() {
    local s
    for s in "${SERVERS[@]}"; do
        tmux -L "$s" kill-server >/dev/null 2>&1
    done
    rm -rf -- "$T"
}
trap cleanup EXIT

# Our own configuration: keep a pane whose program ended (to read what it
# left on the screen), no status line (the pane is the
# whole 80x24 window), no delay after Esc.
cat >"$T/tmux.conf" <<'EOF'
set -g remain-on-exit on
set -g status off
set -g escape-time 0
set -g history-limit 2000
EOF

# start VAR DB USER [NAME=VALUE...]: a new tmux server running carecoord as
# USER on DB in an 80x24 window; its socket name is stored in VAR. The words
# of START_WRAP (an array, e.g. setsid -w) come before the command;
# START_CONF names another tmux configuration.
START_WRAP=()
START_CONF=''
start() {
    local __var=$1 db=$2 user=$3 sock cmd
    shift 3
    sock="cc-$$-$_nserver"
    _nserver=$((_nserver + 1))
    SERVERS+=("$sock")
    cmd=$(printf '%q ' "${START_WRAP[@]}" env LC_ALL=C.UTF-8 TZ=UTC CARECOORD_NOW="$NOW" \
        CARECOORD_CONF="$CARECOORD_CONF" XDG_DATA_HOME="$XDG_DATA_HOME" \
        CARECOORD_IDLE_LOCK_SECONDS=0 "$@" \
        "$CARECOORD_BIN" --db "$db" --user "$user")
    # Flow control on, as in most terminals (tmux's own panes have it off).
    # The exit status goes to a file: tmux does not always reap a pane's
    # process in time to tell it (#{pane_dead_status} stays empty).
    rm -f -- "$T/$sock.rc"
    tmux -L "$sock" -f "${START_CONF:-$T/tmux.conf}" new-session -d -s cc -x 80 -y 24 \
        "stty ixon 2>/dev/null; $cmd; echo \$? >$(printf '%q' "$T/$sock.rc")" || {
        fail "tmux server $sock starts"
        return 1
    }
    printf -v "$__var" '%s' "$sock"
}

# screen SOCK: the pane's text now (the visible screen).
screen() {
    tmux -L "$1" capture-pane -p -t cc 2>/dev/null
}

# keys SOCK KEY...: tmux key names (Enter, Escape, Tab, C-l, ...).
keys() {
    local s=$1
    shift
    tmux -L "$s" send-keys -t cc "$@"
}

# type SOCK TEXT: literal text.
type_text() {
    tmux -L "$1" send-keys -t cc -l -- "$2"
}

# settle SOCK ERE WANT: after a capture that matched ERE (WANT=1) or did not
# (WANT=0), capture again until two captures 0.15 s apart are the same, so
# SCREEN holds a screen whose painting is done, not the first rows of it (the
# program writes a screen in one refresh, but tmux may read it in pieces, and
# a loaded machine spaces the pieces out). A capture that no longer fits WANT
# (a message that timed out) is not taken: SCREEN keeps the last that fitted.
# At most 3 s: a screen that keeps changing is returned as last seen.
settle() {
    local s=$1 re=$2 want=$3 end next m
    end=$((SECONDS + 3))
    while [ "$SECONDS" -lt "$end" ]; do
        sleep 0.15
        next=$(screen "$s")
        [ "$next" = "$SCREEN" ] && return 0
        m=0
        _matches "$next" "$re" && m=1
        [ "$m" = "$want" ] || return 0
        SCREEN=$next
    done
}

# wait_for SOCK ERE [SECONDS]: until some line of the screen matches ERE and
# the screen has settled. SCREEN holds the last capture.
SCREEN=''
wait_for() {
    local s=$1 re=$2 limit=${3:-$WAIT} end
    end=$((SECONDS + limit))
    while :; do
        SCREEN=$(screen "$s")
        if _matches "$SCREEN" "$re"; then
            settle "$s" "$re" 1
            return 0
        fi
        [ "$SECONDS" -ge "$end" ] && return 1
        sleep 0.1
    done
}

# wait_gone SOCK ERE [SECONDS]: until no line of the screen matches ERE and
# the screen has settled.
wait_gone() {
    local s=$1 re=$2 limit=${3:-$WAIT} end
    end=$((SECONDS + limit))
    while :; do
        SCREEN=$(screen "$s")
        if ! _matches "$SCREEN" "$re"; then
            settle "$s" "$re" 0
            return 0
        fi
        [ "$SECONDS" -ge "$end" ] && return 1
        sleep 0.1
    done
}

# see SOCK ERE DESC: a TAP case that waits for ERE on the screen.
see() {
    if wait_for "$1" "$2" "${4:-$WAIT}"; then
        pass "$3"
    else
        fail "$3" "after ${4:-$WAIT} s, no line matches /$2/; the screen:" \
            "$(printf '%s\n' "$SCREEN" | sed 's/^/  |/')"
    fi
}

# gone SOCK ERE DESC: a TAP case that waits until ERE is off the screen.
gone() {
    if wait_gone "$1" "$2" "${4:-$WAIT}"; then
        pass "$3"
    else
        fail "$3" "after ${4:-$WAIT} s, /$2/ is still on the screen:" \
            "$(printf '%s\n' "$SCREEN" | sed 's/^/  |/')"
    fi
}

# pane SOCK FORMAT: a tmux format of the pane (#{pane_dead}, #{pane_title}...).
pane() {
    tmux -L "$1" display-message -p -t cc "$2" 2>/dev/null
}

# exits SOCK STATUS DESC: the program ends by itself with STATUS.
exits() {
    local s=$1 want=$2 desc=$3 end st
    end=$((SECONDS + WAIT))
    until [ -s "$T/$s.rc" ] || [ "$SECONDS" -ge "$end" ]; do
        sleep 0.1
    done
    st=$(cat -- "$T/$s.rc" 2>/dev/null)
    if [ -z "$st" ]; then
        fail "$desc" "still running after $WAIT s; the screen:" \
            "$(screen "$s" | sed 's/^/  |/')"
    elif [ "$st" != "$want" ]; then
        fail "$desc" "exit status $st (128+N: killed by signal N), expected $want;" \
            "the screen:" "$(screen "$s" | sed 's/^/  |/')"
    else
        pass "$desc"
    fi
}

# unlock SOCK: type the demo passphrase and wait for the caseload.
unlock() {
    wait_for "$1" 'Passphrase:' || return 1
    type_text "$1" demo
    keys "$1" Enter
    wait_for "$1" 'caseload, [0-9]+ clients'
}

stop() {
    tmux -L "$1" kill-server >/dev/null 2>&1
}

# ---- the demo database -----------------------------------------------------

CARECOORD_NOW=$NOW run --db "$T/demo.db" demo --clients 300 --seed 1 --no-tui
if [ "$RC" -ne 0 ]; then
    echo "Bail out! the demo database could not be built"
    last_run
    exit 1
fi
pass "demo database built (300 clients, seed 1)"

# fresh NAME: a copy of the demo database for one test; prints its path.
fresh() {
    copy_db "$T/demo.db" "$T/$1.db" && printf '%s\n' "$T/$1.db"
}

# ---- (a) unlock -------------------------------------------------------------

t_unlock() {
    db=$(fresh unlock)
    start A "$db" demo-coach
    see "$A" 'carecoord — unlock' "unlock screen shown"
    like "$SCREEN" 'You are demo-coach' "it names the login"
    type_text "$A" wrong-one
    keys "$A" Enter
    see "$A" 'wrong passphrase for demo-coach' "a wrong passphrase is refused on screen"
    type_text "$A" demo
    unlike "$(screen "$A")" 'Passphrase: .*demo' "the passphrase is not echoed"
    keys "$A" Enter
    see "$A" 'My caseload, 33 clients, by urgency' "the right one opens the caseload"
    like "$SCREEN" '^Valwood, Kemal +hss +high' "the most urgent client is on the first row"
    like "$SCREEN" 'caseload 33/35' "the header counts the caseload"
    keys "$A" q
    see "$A" 'Quit carecoord\? \[y/N\]' "q on the caseload asks before quitting"
    keys "$A" n Enter
    see "$A" 'not quit: carecoord stays open' "n: it stays, and says so"
    like "$SCREEN" 'My caseload, 33 clients' "the caseload is still there"
    sleep 0.3
    is "$(cat -- "$T/$A.rc" 2>/dev/null)" '' "the program is still running"
    keys "$A" q y Enter
    exits "$A" 0 "q, then y: it quits, exit status 0"
    unlike "$(tmux -L "$A" capture-pane -p -t cc -S - 2>/dev/null)" 'Valwood|My caseload' \
        "nothing of the caseload is left on the screen or in the scrollback after quitting"
    stop "$A"
}

# ---- (b) resizing -------------------------------------------------------------

t_resize() {
    db=$(fresh resize)
    start B "$db" demo-coach
    if unlock "$B"; then pass "unlocked for resizing"; else fail "unlocked for resizing" "$SCREEN"; fi
    like "$SCREEN" 'Dunford, Nils' "80x24: the 19th client is the last row shown"
    unlike "$SCREEN" 'Norson, Viggo' "80x24: the 25th client is not shown"
    tmux -L "$B" resize-window -t cc -x 100 -y 30
    see "$B" '^Norson, Viggo' "100x30: the caseload redraws with more rows (the 25th client)"
    like "$SCREEN" '\? help  Q quit *$' "100x30: the footer is drawn whole"
    is "$(printf '%s\n' "$SCREEN" | wc -l | tr -d ' ')" 30 "100x30: 30 lines on the screen"
    like "$SCREEN" 'hand-offs 1 *$' "100x30: the header's counts moved to the right edge"
    tmux -L "$B" resize-window -t cc -x 80 -y 24
    gone "$B" 'Norson, Viggo' "back to 80x24: the caseload redraws with 19 rows"
    like "$SCREEN" "^O'Dunford, Nils" "back to 80x24: the 19th client is on the last row again"
    like "$SCREEN" 'My caseload, 33 clients' "back to 80x24: the title is there"
    tmux -L "$B" resize-window -t cc -x 70 -y 20
    see "$B" 'Terminal too small' "70x20: Terminal too small"
    unlike "$SCREEN" 'Valwood|caseload' "70x20: no client is shown"
    keys "$B" j
    sleep 0.3
    like "$(screen "$B")" 'Terminal too small' "70x20: other keys do nothing"
    keys "$B" q
    exits "$B" 0 "70x20: q still quits"
    stop "$B"
}

# ---- (b2) the terminals people connect with -------------------------------------

# colors SOCK: how many color escape sequences (SGR 30-37, 40-47, 38;5, 48;5)
# the pane holds.
colors() {
    tmux -L "$1" capture-pane -p -e -t cc 2>/dev/null |
        grep -o $'\e\\[[0-9;]*m' | grep -c -E '\[([34][0-7]|[34]8;5)[;m]'
}

t_terms() {
    db=$(fresh terms)
    for term in xterm-256color screen tmux vt100; do
        start K "$db" demo-coach TERM="$term"
        if unlock "$K"; then pass "TERM=$term: unlocked"; else fail "TERM=$term: unlocked" "$SCREEN"; fi
        like "$SCREEN" '^Valwood, Kemal +hss +high' "TERM=$term: the caseload is drawn"
        like "$SCREEN" '\? more *$' "TERM=$term: the footer is drawn, ? for the keys that do not fit"
        keys "$K" Enter
        see "$K" 'Valwood, Kemal +born' "TERM=$term: Enter opens the record"
        [ "$term" = xterm-256color ] &&
            ok "TERM=$term: the record is drawn in color" [ "$(colors "$K")" -gt 0 ]
        keys "$K" q q y Enter
        exits "$K" 0 "TERM=$term: q q y quits"
        stop "$K"
    done
    start K "$db" demo-coach TERM=xterm-256color NO_COLOR=1
    if unlock "$K"; then pass "NO_COLOR: unlocked"; else fail "NO_COLOR: unlocked" "$SCREEN"; fi
    keys "$K" Enter
    see "$K" 'Valwood, Kemal +born' "NO_COLOR: Enter opens the record"
    is "$(colors "$K")" 0 "NO_COLOR: no color escape reaches the terminal"
    keys "$K" q q y Enter
    exits "$K" 0 "NO_COLOR: q q y quits"
    stop "$K"
}

# ---- (c) the idle lock ----------------------------------------------------------

t_idle() {
    db=$(fresh idle)
    start C "$db" demo-coach CARECOORD_IDLE_LOCK_SECONDS=3
    if unlock "$C"; then pass "unlocked with a 3 s idle lock"; else fail "unlocked with a 3 s idle lock" "$SCREEN"; fi
    keys "$C" Enter
    see "$C" 'Valwood, Kemal +born' "a record is open"
    t0=$SECONDS
    see "$C" 'Locked after inactivity' "after 3 idle seconds the screen locks" 15
    elapsed=$((SECONDS - t0))
    ok "it locked after about 3 s, not at once (${elapsed} s)" [ "$elapsed" -ge 2 ]
    like "$SCREEN" 'Passphrase:' "the unlock prompt is shown again"
    unlike "$SCREEN" 'Valwood|Kemal|born|caseload|risk' "no client data is left on the locked screen"
    unlike "$(tmux -L "$C" capture-pane -p -t cc -S - 2>/dev/null)" 'Valwood|Kemal' \
        "nor in the scrollback"
    type_text "$C" demo
    keys "$C" Enter
    see "$C" 'My caseload, 33 clients' "the passphrase unlocks again, onto the caseload"
    keys "$C" q y Enter
    exits "$C" 0 "and q y quits"
    stop "$C"
}

# ---- (d) hostile bytes in a name --------------------------------------------------

t_hostile() {
    if [ -z "$SET_NAME" ] || [ ! -x "$SET_NAME" ]; then
        skip "escape sequences in a name are shown as ?" "CARECOORD_SET_NAME not set"
    else
        db=$(fresh hostile)
        # Client 57 is demo-coach's most urgent client (Valwood, Kemal).
        CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-coach client show 57
        expect 0 out '^client 57: Valwood, Kemal' "client 57 is Valwood, Kemal, on demo-coach's caseload"
        # OSC 0 (set the window title), ED 2 (clear the screen), RLO (U+202E).
        hostile=$'\e]0;pwned\a\e[2J\u202eX'
        if "$SET_NAME" "$db" 57 "$hostile" 2>"$T/set_name.err"; then
            pass "set_name wrote the hostile family name"
        else
            fail "set_name wrote the hostile family name" "$(cat "$T/set_name.err")"
        fi
        start D "$db" demo-coach
        tmux -L "$D" pipe-pane -t cc -o "cat >>$(printf '%q' "$T/hostile.out")"
        title0=$(pane "$D" '#{pane_title}')
        if unlock "$D"; then pass "unlocked over the hostile name"; else fail "unlocked over the hostile name" "$SCREEN"; fi
        see "$D" '^\?\]0;pwned\?\?\[2J\?X, ' "the caseload shows each control character as ?"
        like "$SCREEN" '^ carecoord  Ruth Kesner \(coach\)' "the header is still there (the screen was not cleared)"
        like "$SCREEN" '^Abova, Kemal' "the other rows are still there"
        is "$(printf '%s\n' "$SCREEN" | wc -l | tr -d ' ')" 24 "24 lines: nothing scrolled"
        keys "$D" Enter
        see "$D" '^ \?\]0;pwned\?\?\[2J\?X, Kemal   born 1936-02-27' \
            "the record's band shows the name sanitized, in full"
        keys "$D" h
        see "$D" 'Propose a warm hand-off' "the hand-off form opens over it"
        keys "$D" Escape
        see "$D" 'cancelled: nothing saved' "and closes"
        title=$(pane "$D" '#{pane_title}')
        isnt "$title" pwned "the window title was not changed (it is '$title')"
        is "$title" "$title0" "the window title is what it was before"
        keys "$D" q
        keys "$D" q y Enter
        exits "$D" 0 "q twice, then y, quits"
        sleep 0.2
        if LC_ALL=C grep -q $'\e]0;pwned' "$T/hostile.out" 2>/dev/null ||
            LC_ALL=C grep -q $'\xe2\x80\xae' "$T/hostile.out" 2>/dev/null; then
            fail "no hostile byte reached the terminal" \
                "the program wrote OSC 0 or U+202E to the terminal"
        elif [ ! -s "$T/hostile.out" ]; then
            fail "no hostile byte reached the terminal" "pipe-pane captured nothing"
        else
            pass "no hostile byte reached the terminal (OSC 0, U+202E)"
        fi
        stop "$D"
    fi
}

# ---- (d2) a sample of the hostile corpus on the caseload and a record ------------------

# tests/hostile/corpus.py's strings, one of each kind (CSI, OSC, DCS, other
# escapes, C0, C1 encoded and raw, bidi, line separators, bad UTF-8,
# surrogates, formulas, injected lines), written straight into the names of
# demo-coach's clients; the screen (capture-pane -e) must hold no escape
# sequence but the pane's own SGR, no control, C1, bidi control or line
# separator (tests/hostile/check.py), and nothing the program wrote to the
# terminal (pipe-pane) may carry OSC, DCS, APC, PM, SOS, a reset, or any of
# those characters.
t_corpus() {
    if [ -z "$SET_NAME" ] || [ ! -x "$SET_NAME" ] || ! command -v python3 >/dev/null 2>&1; then
        skip "a sample of the hostile corpus on the screen" "CARECOORD_SET_NAME or python3 missing"
        return
    fi
    local corpus="$T/corpus" ids cats id n=0 k
    python3 "$HERE/../hostile/corpus.py" "$corpus" >/dev/null
    db=$(fresh corpus)
    CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-supervisor export --what clients
    ids=$(printf '%s\n' "$OUT" | grep '"owner":"demo-coach"' | grep -Eo '^\{"id":[0-9]+' |
        grep -Eo '[0-9]+$' | head -n 14)
    cats="csi osc dcs esc c0 c1 c1raw bidi linesep utf8 surrogate formula newline mixed"
    set -- $ids
    for k in $cats; do
        [ $# -gt 0 ] || break
        # The third string of each kind (the payload between two stems).
        id=$(awk -F'\t' -v c="$k" '$2 == c && $3 !~ /nul|big/ {n++; if (n == 3) {print $1; exit}}' \
            "$corpus/index.tsv")
        [ -n "$id" ] || continue
        "$SET_NAME" "$db" "$1" "$(cat -- "$corpus/$id")" 2>>"$T/set_name.err" && n=$((n + 1))
        shift
    done
    ok "set_name wrote $n hostile names (one of each kind)" [ "$n" -ge 12 ]
    start G "$db" demo-coach
    tmux -L "$G" pipe-pane -t cc -o "cat >>$(printf '%q' "$T/corpus.out")"
    title0=$(pane "$G" '#{pane_title}')
    if unlock "$G"; then pass "unlocked over the hostile names"; else fail "unlocked over the hostile names" "$SCREEN"; fi
    like "$SCREEN" '^ carecoord  Ruth Kesner \(coach\)' "the header is still there"
    is "$(printf '%s\n' "$SCREEN" | wc -l | tr -d ' ')" 24 "24 lines: nothing scrolled or moved"
    tmux -L "$G" capture-pane -p -e -t cc >"$T/corpus-caseload.screen"
    for r in 1 2 3; do
        keys "$G" Enter
        wait_for "$G" ' born [0-9]{4}-' || true
        tmux -L "$G" capture-pane -p -e -t cc >"$T/corpus-record-$r.screen"
        keys "$G" Tab
        sleep 0.3
        tmux -L "$G" capture-pane -p -e -t cc >"$T/corpus-record-$r-tab.screen"
        keys "$G" q
        wait_for "$G" 'caseload, [0-9]+ clients' || true
        keys "$G" j
    done
    keys "$G" s
    type_text "$G" "Hx"
    keys "$G" Enter
    sleep 0.5
    tmux -L "$G" capture-pane -p -e -t cc >"$T/corpus-search.screen"
    like "$(cat "$T/corpus-caseload.screen")" 'Hx\?+Hx' "the caseload shows hostile names, each control as ?"
    keys "$G" Escape
    res=$(python3 "$HERE/../hostile/check.py" "$T"/corpus-*.screen 2>&1)
    if [ $? = 0 ]; then
        pass "the caseload, three records, their tabs and a search are clean ($(printf '%s\n' "$res" | tail -n 1))"
    else
        fail "the caseload, three records, their tabs and a search are clean" "$res"
    fi
    title=$(pane "$G" '#{pane_title}')
    is "$title" "$title0" "the window title is what it was before"
    keys "$G" Q
    exits "$G" 0 "Q quits"
    sleep 0.2
    # What the program sent the terminal: its own escapes only.
    if [ ! -s "$T/corpus.out" ]; then
        fail "nothing hostile reached the terminal" "pipe-pane captured nothing"
    elif LC_ALL=C grep -aqE $'\e[]P_^Xc]|pwned|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xc2[\x80-\x9f]' \
        "$T/corpus.out"; then
        fail "nothing hostile reached the terminal" \
            "$(LC_ALL=C grep -aoE $'.{0,10}(\e[]P_^Xc]|pwned|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xc2[\x80-\x9f]).{0,10}' "$T/corpus.out" | head -n 5 | od -c | head -n 10)"
    else
        pass "nothing hostile reached the terminal (no OSC, DCS, APC, PM, SOS, RIS, C1, bidi control, line separator)"
    fi
    stop "$G"
}

# ---- (e) a client edit that meets a newer save --------------------------------------

t_conflict() {
    db=$(fresh conflict)
    start E1 "$db" demo-coach
    start E2 "$db" demo-coach
    ok1=0
    unlock "$E1" && unlock "$E2" && ok1=1
    ok "two terminals unlocked on one database" [ "$ok1" = 1 ]
    for s in "$E1" "$E2"; do
        keys "$s" Enter
        wait_for "$s" 'Valwood, Kemal +born'
        keys "$s" E
    done
    see "$E1" 'Edit the client.s details' "the first opens the edit form"
    see "$E2" 'Edit the client.s details' "the second too"
    # The second saves a new ZIP first, with ^S (XOFF, had the program left
    # the terminal's flow control on).
    keys "$E2" Tab Tab BSpace BSpace BSpace BSpace BSpace
    type_text "$E2" 20741
    see "$E2" 'ZIP: +20741' "the second types a new ZIP"
    keys "$E2" C-s
    see "$E2" 'client saved' "^S saves, though the terminal had flow control (ixon) on"
    like "$SCREEN" 'ZIP 20741' "its record shows the new ZIP"
    # The first, still holding the old version, changes the language.
    keys "$E1" Tab Tab Tab BSpace BSpace
    type_text "$E1" es
    keys "$E1" Tab Tab Enter
    see "$E1" 'Someone saved this client first' "the first's save opens the conflict screen"
    like "$SCREEN" '^ ZIP +20878 +20741' "it shows both ZIPs side by side"
    like "$SCREEN" '^ language +es +en' "and both languages"
    keys "$E1" m
    see "$E1" 'saved: your changes on top of theirs' "m puts the first's edits on top of theirs"
    CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-supervisor export --what clients
    like "$OUT" '"id":57,.*"language":"es"' "the database has the first's language (es)"
    zip=$(printf '%s\n' "$OUT" | grep -o '"id":57,[^}]*' | grep -o '"zip":"[0-9]*"' | tr -dc 0-9)
    # The first never touched the ZIP, so the second's 20741 must survive.
    ok "and keeps the second's ZIP (20741), which the first never touched" [ "$zip" = 20741 ]
    keys "$E2" C-l
    see "$E2" "ZIP ${zip:-none}" "the second, after ^L, shows the ZIP now saved (${zip:-?})"
    for s in "$E1" "$E2"; do keys "$s" q q y Enter; done
    exits "$E1" 0 "the first quits"
    exits "$E2" 0 "the second quits"
    stop "$E1"
    stop "$E2"
}

# ---- (f) a warm hand-off between two people ------------------------------------------

t_handoff() {
    db=$(fresh handoff)
    start F1 "$db" demo-coach
    start F2 "$db" demo-coach2
    ok1=0
    unlock "$F1" && unlock "$F2" && ok1=1
    ok "demo-coach and demo-coach2 unlocked in two terminals" [ "$ok1" = 1 ]
    like "$(screen "$F1")" '^Valwood, Kemal' "Valwood, Kemal is on demo-coach's caseload"
    unlike "$(screen "$F2")" 'Valwood, Kemal' "and not on demo-coach2's"
    keys "$F1" Enter
    see "$F1" 'Valwood, Kemal +born' "demo-coach opens the client"
    keys "$F1" h
    see "$F1" 'Propose a warm hand-off' "h: the hand-off form"
    # The receiver: typed in, or (a list) picked by typing part of the name.
    type_text "$F1" demo-coach2
    see "$F1" 'To( \(Space\))?: +staff:demo-coach2$' "the receiver is staff:demo-coach2"
    keys "$F1" Tab
    type_text "$F1" "Moving closer to her daughter"
    see "$F1" 'Note: +Moving closer to her daughter' "the note is typed"
    # Enter on the last field saves (^S is XOFF to many terminals).
    keys "$F1" Tab Enter
    see "$F1" 'hand-off proposed; the client stays yours' "saved: proposed, still demo-coach's"
    # demo-coach waits on the caseload, where the client still is.
    keys "$F1" c
    see "$F1" 'My caseload, 33 clients' "c: demo-coach's caseload, still 33 clients"
    # (waited for, not read off the title's snapshot: the rows may still be painting)
    see "$F1" '^Valwood, Kemal' "Valwood, Kemal is still on it until the hand-off is accepted"
    keys "$F2" C-l i
    see "$F2" '^hand-off +57 +Valwood, Kemal +from demo-coach: Moving close' "demo-coach2's inbox has the hand-off first"
    keys "$F2" a
    see "$F2" 'Take Valwood, Kemal as your client\? \[y/N\]' "a asks before the client becomes theirs"
    keys "$F2" y Enter
    see "$F2" 'accepted: the client is yours' "y accepts it"
    gone "$F2" '^hand-off +57' "it leaves the inbox"
    keys "$F2" c
    see "$F2" '^Valwood, Kemal' "c: Valwood, Kemal is on demo-coach2's caseload"
    like "$SCREEN" 'My caseload, 15 clients' "demo-coach2 now has 15 clients"
    # With no key pressed, demo-coach's screen follows within seconds (the
    # header's counts are read every 5 s): the header, and with it the
    # caseload's title and rows, which must never disagree with it.
    see "$F1" 'caseload 32/35' "untouched, demo-coach's header comes to 32 clients"
    see "$F1" 'My caseload, 32 clients' "and so does the caseload's title" 3
    gone "$F1" 'Valwood, Kemal' "and Valwood, Kemal leaves the rows" 3
    keys "$F1" C-l
    sleep 0.3
    see "$F1" 'My caseload, 32 clients' "after ^L: still 32 clients"
    like "$SCREEN" 'caseload 32/35' "and the header agrees"
    unlike "$SCREEN" 'Valwood, Kemal' "Valwood, Kemal is no longer on demo-coach's caseload"
    keys "$F1" q y Enter
    keys "$F2" q y Enter
    exits "$F1" 0 "demo-coach quits"
    exits "$F2" 0 "demo-coach2 quits"
    stop "$F1"
    stop "$F2"
}

# ---- (g) the whole journey: intake to an accepted hand-off --------------------------

t_journey() {
    local id i
    db=$(fresh journey)
    start G1 "$db" demo-coach
    start G2 "$db" demo-coach2
    ok1=0
    unlock "$G1" && unlock "$G2" && ok1=1
    ok "demo-coach and demo-coach2 unlocked in two terminals" [ "$ok1" = 1 ]
    # Intake, step 1: the client.
    keys "$G1" n
    see "$G1" 'Intake 1/2: the new client' "n: intake step 1"
    type_text "$G1" Okafor
    keys "$G1" Tab
    type_text "$G1" Adaeze
    keys "$G1" Tab
    type_text "$G1" 1941-03-09
    keys "$G1" Tab
    type_text "$G1" 20740
    keys "$G1" Tab Space Tab
    see "$G1" 'Payer \(Space\): +dual' "the client is typed in (payer dual)"
    keys "$G1" Enter
    # Intake, step 2: the referral.
    see "$G1" 'Intake 2/2: the referral of Okafor, Adaeze \(born 1941-03-09\)' \
        "Enter on the last field: step 2, the referral"
    keys "$G1" Tab Tab
    type_text "$G1" "Two ED visits in 30 days"
    keys "$G1" Tab Tab Tab Tab Tab Tab Enter
    see "$G1" 'client [0-9]+ and referral [0-9]+ saved: on your caseload' \
        "saved: the client and the referral, on demo-coach's caseload"
    id=$(printf '%s\n' "$SCREEN" | sed -n 's/^client \([0-9]*\) and referral.*/\1/p' | head -n 1)
    like "$SCREEN" '^ Okafor, Adaeze +born 1941-03-09 +ZIP 20740 +dual' "the new record opens"
    like "$SCREEN" 'consent none' "with no consent yet"
    # Consent.
    keys "$G1" C
    see "$G1" 'Consent of Okafor, Adaeze: participation not active' "C: the consent form"
    keys "$G1" C-s
    see "$G1" 'participation granted; referral [0-9]+ now consented' \
        "^S records participation consent; the referral moves on"
    like "$SCREEN" 'consent ok' "the band says consent ok"
    # The risk assessment, every answer yes.
    keys "$G1" A
    see "$G1" 'Question 1/[0-9]+' "A: the assessment, question 1"
    for ((i = 0; i < 40; i++)); do
        _matches "$(screen "$G1")" 'Result: ' && break
        keys "$G1" y
        sleep 0.05
    done
    see "$G1" 'Result: high \(score [0-9]+' "every answer yes: the result is high, before saving"
    keys "$G1" Enter
    see "$G1" 'assessment saved: high .*intensive episode [0-9]+ started' \
        "Enter saves it, and the intensive episode starts"
    like "$SCREEN" 'episode D1/60' "the band shows day 1 of 60"
    like "$SCREEN" '^ risk high: ' "and the risk"
    # A contact.
    keys "$G1" l
    see "$G1" 'Log a contact' "l: the contact form"
    keys "$G1" Space Tab Tab Tab Tab BSpace BSpace
    type_text "$G1" 45
    keys "$G1" Tab
    type_text "$G1" "First home visit; medications reviewed"
    keys "$G1" Enter
    see "$G1" 'contact logged' "Enter on the note saves the contact"
    keys "$G1" Tab Tab Tab Tab Tab
    see "$G1" 'home-visit +reached +45 +demo-coach +First home visit' "the contacts tab lists it, reached"
    # The hand-off.
    keys "$G1" h
    see "$G1" 'Propose a warm hand-off' "h: the hand-off form"
    type_text "$G1" demo-coach2
    see "$G1" 'To( \(Space\))?: +staff:demo-coach2$' "the receiver is staff:demo-coach2"
    keys "$G1" Tab
    type_text "$G1" "Lives near your other clients"
    keys "$G1" Tab Enter
    see "$G1" 'hand-off proposed; the client stays yours' "the hand-off is proposed"
    # Accepted by demo-coach2.
    keys "$G2" C-l i
    see "$G2" "^hand-off +${id:-[0-9]+} +Okafor, Adaeze +from demo-coach: Lives near" \
        "demo-coach2's inbox has the hand-off of client ${id:-?}"
    keys "$G2" a
    see "$G2" 'Take Okafor, Adaeze as your client' "a asks first"
    keys "$G2" y Enter
    see "$G2" 'accepted: the client is yours' "y accepts it"
    keys "$G2" c
    see "$G2" '^Okafor, Adaeze +hss +high +D1/60' "Okafor, Adaeze is on demo-coach2's caseload"
    keys "$G2" /
    type_text "$G2" Okafor
    keys "$G2" Enter Enter
    see "$G2" 'owner demo-coach2 +episode D1/60 +consent ok' \
        "its record: owner demo-coach2, the episode and the consent came along"
    keys "$G1" c
    sleep 0.3
    keys "$G1" C-l
    see "$G1" 'My caseload, 33 clients' "demo-coach's caseload is back to 33 clients"
    unlike "$SCREEN" 'Okafor' "without Okafor, Adaeze"
    keys "$G1" q y Enter
    keys "$G2" q q q y Enter # the record, the filter, the caseload (asks)
    exits "$G1" 0 "demo-coach quits"
    exits "$G2" 0 "demo-coach2 quits"
    stop "$G1"
    stop "$G2"
}

# ---- (h) the end: hang-ups, signals, a terminal that vanishes -----------------------

# pid_of SOCK: the pid of carecoord in the pane (its shell's child, or below).
pid_of() {
    local pids next p _
    pids=$(pane "$1" '#{pane_pid}')
    for _ in 1 2 3 4; do
        for p in $pids; do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = carecoord ] && {
                echo "$p"
                return 0
            }
        done
        next=''
        for p in $pids; do next="$next $(ps -o pid= --ppid "$p" 2>/dev/null)"; done
        pids=$next
    done
    return 1
}

# alive PID: running (a zombie has ended; it only waits for its reaper).
alive() {
    local st
    st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

# cpu_ms PID: the CPU time (user + system) the process has used, in ms.
cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' \
        "/proc/$1/stat" 2>/dev/null || echo 0
}

# ends PID DESC [SECONDS]: a TAP case: the process ends within SECONDS
# (default 5). If it does not, the CPU it burnt meanwhile is shown, and it
# is killed. ENDED_MS holds how long it took.
ENDED_MS=0
ends() {
    local pid=$1 desc=$2 limit=${3:-5} t0 c0 now
    t0=$(date +%s%N)
    c0=$(cpu_ms "$pid")
    while alive "$pid"; do
        now=$(date +%s%N)
        [ $(((now - t0) / 1000000)) -ge $((limit * 1000)) ] && break
        sleep 0.05
    done
    ENDED_MS=$((($(date +%s%N) - t0) / 1000000))
    if alive "$pid"; then
        fail "$desc" \
            "still running after $limit s, having used $(($(cpu_ms "$pid") - c0)) ms of CPU"
        kill -KILL "$pid" 2>/dev/null
    else
        pass "$desc (in $ENDED_MS ms)"
    fi
}

# lock_free DB DESC: nobody holds the store's lock any more (its flock), and
# the store opens again.
lock_free() {
    if flock -n -x "$1.lock" true; then
        pass "$2: the store's lock is released"
    else
        fail "$2: the store's lock is released" "flock -x on $1.lock would block"
    fi
    CARECOORD_PASSPHRASE=demo run --db "$1" --user demo-coach client show 57
    expect 0 out '^client 57: ' "$2: the store opens again"
}

# hangup_case NAME HOW WHERE [setsid|NAME=VALUE...]: carecoord at the
# unlock prompt (WHERE locked) or at a search prompt inside the program
# (unlocked), then HOW (hup, term: that signal to it; vanish: the terminal
# closes). setsid runs it in a session of its own; NAME=VALUE goes to its
# environment.
hangup_case() {
    local name=$1 how=$2 where=$3 db pid idle
    shift 3
    db=$(fresh "hangup-$name")
    START_WRAP=()
    [ "${1:-}" = setsid ] && START_WRAP=(setsid -w) && shift
    start H "$db" demo-coach "$@"
    START_WRAP=()
    if [ "$where" = unlocked ]; then
        unlock "$H"
        keys "$H" s
        see "$H" 'Search \(name' "$name: a search prompt is open"
    else
        see "$H" 'Passphrase:' "$name: at the unlock prompt"
    fi
    if ! pid=$(pid_of "$H"); then
        fail "$name: carecoord is running" "no carecoord process under the pane"
        stop "$H"
        return
    fi
    idle=$(cpu_ms "$pid")
    sleep 2
    idle=$(($(cpu_ms "$pid") - idle))
    ok "$name: waiting for a key costs next to no CPU (${idle} ms in 2 s)" [ "$idle" -lt 200 ]
    case $how in
    hup) kill -HUP "$pid" ;;
    term) kill -TERM "$pid" ;;
    vanish) tmux -L "$H" kill-server ;;
    esac
    ends "$pid" "$name: the program ends"
    # The pane's shell outlives a signal to the program (not a closed
    # terminal): it tells the exit status, 1, and the line saying why is on
    # the pane (scrolled up by tmux's "Pane is dead").
    case $how in
    hup | term)
        exits "$H" 1 "$name: exit status 1, not a quit's 0"
        like "$(history "$H")" "^carecoord: $([ "$how" = hup ] &&
            echo 'the terminal hung up \(SIGHUP\)' || echo 'ended by SIGTERM')" \
            "$name: one line says why"
        ;;
    esac
    lock_free "$db" "$name"
    stop "$H"
}

t_hangup() {
    hangup_case "SIGHUP at the unlock prompt" hup locked
    hangup_case "SIGTERM at the unlock prompt" term locked
    # A sanitizer build's leak check at exit (LeakSanitizer stops the process
    # with ptrace) can wait forever here: as the shell in the pane dies, the
    # kernel sends the orphaned process group SIGCONT, which cancels the stop
    # it waits for. The leak check runs in every other case.
    hangup_case "the terminal closes at the unlock prompt" vanish locked \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    # In a session of its own, the program gets no SIGHUP when its terminal
    # goes: only reads that fail tell it.
    hangup_case "the terminal closes under a setsid program (no signal)" vanish \
        locked setsid
    hangup_case "SIGHUP at a prompt inside the program" hup unlocked
    hangup_case "the terminal closes at a prompt inside (no signal)" vanish \
        unlocked setsid
}

# ---- (i) nothing of a client in the scrollback -------------------------------------

# history SOCK: the whole pane, its scrollback included; scrolled SOCK: the
# scrollback alone.
history() {
    tmux -L "$1" capture-pane -p -t cc -S -5000 2>/dev/null
}
scrolled() {
    tmux -L "$1" capture-pane -p -t cc -S -5000 -E -1 2>/dev/null
}

# open_record SOCK DESC: unlock and open Valwood, Kemal's record.
open_record() {
    unlock "$1"
    keys "$1" Enter
    see "$1" 'Valwood, Kemal +born' "$2: a record is open"
}

# no_client SOCK DESC: neither the screen nor the scrollback names the client.
no_client() {
    unlike "$(history "$1")" 'Valwood|Kemal' "$2: no client's name on the screen or in the scrollback"
}

# scrollback_case TERM LABEL [TMUX-CONF]: the idle lock, ^L and quitting,
# each with a record on screen.
scrollback_case() {
    local term=$1 label=$2 db
    START_CONF=${3:-}
    db=$(fresh "scroll-$term")
    # the idle lock
    start S "$db" demo-coach TERM="$term" CARECOORD_IDLE_LOCK_SECONDS=3
    open_record "$S" "$label, idle lock"
    see "$S" 'Locked after inactivity' "$label: the idle lock comes" 15
    no_client "$S" "$label, locked"
    type_text "$S" demo
    keys "$S" Enter
    see "$S" 'My caseload, 33 clients' "$label: unlocked again"
    keys "$S" q y Enter
    exits "$S" 0 "$label: q y quits"
    no_client "$S" "$label, after the lock and quitting"
    stop "$S"
    # ^L, then quitting from the record
    start S "$db" demo-coach TERM="$term"
    open_record "$S" "$label, quit"
    keys "$S" C-l
    sleep 0.5
    see "$S" 'Valwood, Kemal +born' "$label: ^L draws the record again"
    unlike "$(scrolled "$S")" 'Valwood|Kemal' "$label: ^L put no copy of it in the scrollback"
    keys "$S" q q y Enter
    exits "$S" 0 "$label: q q y quits"
    no_client "$S" "$label, quit"
    stop "$S"
    START_CONF=''
}

t_scrollback() {
    scrollback_case vt100 "TERM=vt100"
    scrollback_case xterm-256color "TERM=xterm-256color"
    # A terminal that ignores the switch to the alternate screen (here tmux
    # told so) leaves the program on the main screen, as vt100 does.
    { cat "$T/tmux.conf" && echo 'set -wg alternate-screen off'; } >"$T/tmux-noalt.conf"
    scrollback_case xterm-256color "xterm-256color, alternate screen off" \
        "$T/tmux-noalt.conf"
}

# ---- run them ----------------------------------------------------------------

# ---- (k) the specialty-care program, end to end ------------------------------------
# A client of the specialty-care navigation program, discharged yesterday
# (taken in on the command line, as a referral desk would): in the terminal
# the coach books the specialist, sees it and its reminder on the agenda,
# and five days later marks it kept and proposes the warm hand-off to the
# safety-net clinic; the measures count it.

t_specialty() {
    local id zip
    db=$(fresh specialty)
    coach() { CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-coach "$@"; }
    CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-admin \
        team member add 'pasc team 6' demo-coach
    expect 0 out '' "demo-coach joins the specialty-care team"
    zip=$(CARECOORD_NOW=$NOW CARECOORD_PASSPHRASE=demo run --db "$db" --user demo-admin area list >/dev/null; printf '%s\n' "$OUT" | sed -n 's/^\([0-9]\{5\}\).*/\1/p' | head -1)
    coach client intake --family Marlowe --given Tess --dob 1969-05-04 --zip "${zip:-20810}" \
        --payer uninsured-ineligible --program pasc --source discharge-planner
    expect 0 out 'taken in' "the referral desk's intake into specialty-care navigation"
    id=$(printf '%s\n' "$OUT" | sed -n 's/^client \([0-9]*\) taken in.*/\1/p')
    coach client consent "$id" --kind participation --decision granted
    coach client consent "$id" --kind release --to CLN-ES --purpose 'primary care after navigation' \
        --information 'care plan, appointments'
    expect 0 out 'release granted' "a release names the safety-net clinic"
    coach client assess "$id" --program pasc --answers 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
    coach encounter add "$id" --kind discharge --facility NGH --when '2026-11-21 15:00'
    expect 0 out 'pasc episode [0-9]+ started' "the discharge starts the episode"
    # The coach books the specialist from the record.
    start K1 "$db" demo-coach
    if unlock "$K1"; then pass "unlocked for the specialty journey"; else fail "unlocked for the specialty journey" "$SCREEN"; fi
    keys "$K1" s
    type_text "$K1" Marlowe
    keys "$K1" Enter
    see "$K1" 'Marlowe, Tess' "search finds the new client"
    keys "$K1" Enter
    see "$K1" 'Marlowe, Tess +born 1969-05-04' "the record opens"
    keys "$K1" B
    see "$K1" 'Book an appointment' "B: the booking form"
    keys "$K1" Tab
    type_text "$K1" SPC
    keys "$K1" Tab
    type_text "$K1" cardiology
    keys "$K1" Tab C-u
    type_text "$K1" '2026-11-27 10:30'
    keys "$K1" C-s
    see "$K1" 'booked 2026-11-27 10:30; reminder the day before; the protocol task is done' \
        "booked: the reminder set, \"book specialty appointment\" done"
    keys "$K1" D Tab
    see "$K1" 'Agenda: this week' "D, Tab: this week's agenda"
    keys "$K1" End
    see "$K1" 'Marlowe, Tess' "End: the week's last rows"
    like "$SCREEN" '^ *11-26 +Marlowe, Tess +high +Reminder call: ' "the reminder call the day before"
    like "$SCREEN" '^ *11-27 10:30 Marlowe, Tess +high +specialist card.* booked' "the appointment, booked"
    keys "$K1" Q
    exits "$K1" 0 "Q quits"
    # Five days later: kept, then the warm hand-off.
    start K2 "$db" demo-coach CARECOORD_NOW=2026-11-27T14:00:00Z
    if unlock "$K2"; then pass "unlocked on the day of the appointment"; else fail "unlocked on the day of the appointment" "$SCREEN"; fi
    keys "$K2" s
    type_text "$K2" Marlowe
    keys "$K2" Enter
    see "$K2" 'Marlowe, Tess' "search finds her again"
    keys "$K2" Enter BTab BTab
    see "$K2" 'specialist cardiology +SPC-HV +booked' "the appointments tab"
    keys "$K2" K
    see "$K2" 'kept: the protocol task is done' "K: kept, \"specialty appointment within 30 days\" done"
    like "$SCREEN" 'specialist cardiology +SPC-HV +kept' "the tab shows it kept"
    keys "$K2" h
    see "$K2" 'Propose a warm hand-off' "h: the hand-off form"
    type_text "$K2" CLN-ES
    see "$K2" 'Consent gate: passes' "the release to the safety-net clinic passes the consent gate"
    keys "$K2" Tab
    type_text "$K2" 'Primary care home after cardiology'
    keys "$K2" Tab Enter
    see "$K2" 'hand-off proposed' "the warm hand-off to the safety-net clinic is proposed"
    keys "$K2" Q
    exits "$K2" 0 "Q quits"
    CARECOORD_NOW=2026-11-27T14:00:00Z CARECOORD_PASSPHRASE=demo run --db "$db" \
        --user demo-supervisor report measures --program pasc --from 2026-11-01 --to 2026-11-30
    expect 0 out 'discharge to specialist \(mean\) +[0-9.]+ +days +[0-9.]+ +[1-9][0-9]*$' \
        "the measures count the days to the specialist"
    like "$OUT" 'appointments missed \(no-show\) ' "and the no-show rate"
}

for t in unlock resize terms idle hostile corpus conflict handoff journey specialty hangup scrollback; do
    [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $t "* ]] && continue
    diag "--- $t"
    "t_$t"
done

done_testing
