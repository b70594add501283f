#!/usr/bin/env bash
# cli_listen.sh — `carecoord listen --mllp` against a real MLLP client,
# Debian's python3-hl7 (`mllp_send`), and against a small Python client
# that splits a message across writes and sends two back to back in one:
# every message is answered with an ACK (sender and receiver swapped, MSA
# with its control id; AE/AR with an ERR segment naming segment, field and
# table 0357 code), applied through the core like `import adt`, logged on
# one line; several connections at once; SIGTERM stops it cleanly (exit 0).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export CARECOORD_NOW=2026-11-20T18:00:00Z
DATA=$(cd -- "$(dirname "${BASH_SOURCE[0]}")/../data/adt" && pwd)
PY=/usr/bin/python3
MLLP_SEND=$(command -v mllp_send || true)
ADMIN_PASS=admin-passphrase
admin() { CARECOORD_PASSPHRASE=$ADMIN_PASS cc --user root "$@"; }

CARECOORD_PASSPHRASE=$ADMIN_PASS cc init --admin root
admin team add 'NGH Transitions' --program ct-ngh
CARECOORD_PASSPHRASE=$ADMIN_PASS CARECOORD_NEW_PASSPHRASE=one-time-pass \
    cc --user root user add feed --role scheduler --team 'NGH Transitions'
CARECOORD_PASSPHRASE=one-time-pass CARECOORD_NEW_PASSPHRASE=feed-own-pass cc --user feed passwd
expect 0 out 'passphrase changed' 'setup: the feed account (a scheduler)'

CARECOORD_PASSPHRASE=feed-own-pass "$CARECOORD_BIN" --db "$DB" --user feed \
    listen --mllp 127.0.0.1:0 >"$T/listen.log" 2>"$T/listen.err" </dev/null &
pid=$!
port=''
for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\) as feed$/\1/p' "$T/listen.log")
    [ -n "$port" ] && break
    sleep 0.1
done
ok 'listen says where it listens' test -n "$port"

if [ -z "$MLLP_SEND" ]; then
    fail 'mllp_send (python3-hl7) is installed' 'tools/deps.sh installs python3-hl7'
else
    out=$("$MLLP_SEND" -p "$port" --loose -f "$DATA/a01.hl7" 127.0.0.1 2>&1)
    like "$out" 'MSH\|\^~\\&\|CARECOORD\|REGION\|EPIC\|NGH\|[0-9]{14}\|\|ACK\^A01\^ACK\|' \
        'mllp_send gets an ACK with sender and receiver swapped'
    like "$out" 'MSA\|AA\|NGH0001' 'MSA AA with the control id of the message'
    out=$("$MLLP_SEND" -p "$port" --loose -f "$DATA/a01.hl7" 127.0.0.1 2>&1)
    like "$out" 'MSA\|AA\|NGH0001' 'a repeat is acknowledged AA too'
fi

cat >"$T/client.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def msg(ctl, event='A01', extra=''):
    return ('MSH|^~\\&|HIE|NGH|CC|R|202611201200||ADT^%s|%s|P|2.5\r'
            'PID|1||U%s^^^NGH||Doe^Jo||19600202|M\rPV1|1|I%s\r' % (event, ctl, ctl, extra)).encode()
def frame(m): return b'\x0b' + m + b'\x1c\r'
def acks(s, n):
    got, buf = [], b''
    s.settimeout(10)
    while len(got) < n:
        buf += s.recv(65536)
        while b'\x1c\r' in buf:
            a, buf = buf.split(b'\x1c\r', 1)
            got.append(a.strip(b'\x0b').decode())
    return got
a = socket.create_connection(('127.0.0.1', port))
b = socket.create_connection(('127.0.0.1', port))   # two at once
f = frame(msg('S1'))
a.sendall(f[:17]); time.sleep(0.2); a.sendall(f[17:])   # split across writes
b.sendall(frame(msg('B1')) + frame(msg('B2')))        # back to back
bad = b'MSH|^~\\&|HIE|NGH|CC|R|202611201200||ADT^A01|E1|P|2.5\rPID|1||\rPV1|1|I\r'
a.sendall(frame(bad))
unk = b'MSH|^~\\&|HIE|NGH|CC|R|202611201200||ORU^R01|E2|P|2.5\rPID|1||X\r'
b.sendall(frame(unk))
for r in acks(a, 2) + acks(b, 3):
    print(r.replace('\r', ' / '))
PY
out=$("$PY" "$T/client.py" "$port" 2>&1)
like "$out" 'MSA\|AA\|S1' 'a message split across writes is reassembled and acknowledged'
like "$out" 'MSA\|AA\|B1' 'two back-to-back messages in one write: the first'
like "$out" 'MSA\|AA\|B2' 'and the second'
like "$out" 'MSA\|AE\|E1 / ERR\|\|PID\^1\^3\|101\^PID-3 \(patient identifier\) is required\^HL70357\|E' \
    'a missing PID-3: AE with ERR naming PID-3 and code 101'
like "$out" 'MSA\|AR\|E2 / ERR\|\|MSH\^1\^9\|200\^' 'an unsupported message type: AR with code 200'

kill -TERM "$pid"
wait "$pid"
is "$?" 0 'SIGTERM stops the listener cleanly (exit 0)'
log=$(cat "$T/listen.log")
like "$log" 'stopped after [0-9]+ messages' 'it says it stopped'
like "$log" '127\.0\.0\.1:[0-9]+ NGH0001 A01 AA: review: A01 to review' \
    'one log line per message: peer, control id, event, ACK and what was done'
like "$log" 'NGH0001 A01 AA: duplicate' 'the repeat logged as a duplicate'
like "$log" 'E1 A01 AE: PID-3' 'the error logged'
CARECOORD_PASSPHRASE=feed-own-pass cc --user feed encounter review
expect 0 out 'NGH:MRN555' 'the notification is in the review queue, as an import would put it'
expect 0 out 'NGH:US1' 'and the one split across writes'

done_testing
