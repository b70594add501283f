#!/usr/bin/python3
# bench_listen.py — SENDERS concurrent MLLP senders, each sending COUNT ADT
# messages and waiting for each ACK (as a real sender does), against a
# running `carecoord listen`; prints messages per second and the ACK codes.
# A command, never a test:
#   carecoord --db B.db --user demo-scheduler listen --mllp 127.0.0.1:2575 &
#   tests/bench/bench_listen.py 2575 10 300
import socket, sys, threading, time
port, senders, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
codes, lock = {}, threading.Lock()
run = int(time.time())
def sender(k):
    s = socket.create_connection(('127.0.0.1', port))
    buf = b''
    for i in range(count):
        m = ('MSH|^~\\&|EPIC|NGH|CC|R|202611201200||ADT^A01|L%d-%d-%d|P|2.5\r'
             'PID|1||Q%d^^^NGH||Doe^Jo||19600202|M\rPV1|1|E\r' % (run, k, i, k * count + i))
        s.sendall(b'\x0b' + m.encode() + b'\x1c\r')
        while b'\x1c\r' not in buf:
            buf += s.recv(65536)
        ack, buf = buf.split(b'\x1c\r', 1)
        code = ack.split(b'MSA|')[1][:2].decode()
        with lock:
            codes[code] = codes.get(code, 0) + 1
    s.close()
t0 = time.time()
ts = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
[t.start() for t in ts]
[t.join() for t in ts]
dt = time.time() - t0
print('%d senders x %d messages: %.0f messages/s (%.2f s), ACKs %s'
      % (senders, count, senders * count / dt, dt, codes))
