#!/usr/bin/env python3
"""bench_term.py — what the terminal program costs: memory, time, bytes.

A benchmark command, never a test. It builds a demo database (300 clients,
seed 1, a fixed clock) and grows what demo-coach owns to 36 clients (35 on
the active caseload) with
tests/tools/grow_caseload, then runs the program on a pseudo-terminal of
80x24 of its own (no tmux: every byte the program writes is counted), once
per TERM named, and prints:

  - startup: from exec to the unlock prompt on screen;
  - unlock: from Enter after the passphrase to the caseload on screen
    (Argon2id, opening the store, the caseload query, the first draw);
  - bytes written for each `j` press down the whole caseload and each `k`
    back up, apart: the presses that move the selection bar within the page
    and those that scroll the list; and for ^L (a full repaint) to compare;
  - resident memory (/proc/PID/status VmRSS, RssAnon, RssFile) after the
    caseload, a record (Enter), a search (s, "ello", Enter) and the board
    (r, Enter) have been opened in turn, backing out of each with Esc, and
    VmHWM, the peak, which Argon2id's 64 MiB work area sets.

A screen counts as drawn when its text has arrived and the program then
writes nothing for --quiet seconds; the times include that the first bytes
arrive, not the quiet period.

  meson setup /tmp/br --buildtype=release -Dtest_hooks=true
  ninja -C /tmp/br carecoord tests/grow_caseload
  tests/bench/bench_term.py /tmp/br                    # TERM=xterm-256color and vt100
  tests/bench/bench_term.py /tmp/br --runs 3 --term vt100
  tests/bench/bench_term.py /tmp/br --db /tmp/d20k.db --cache-kib 2048

The build needs test hooks (CARECOORD_NOW, CARECOORD_IDLE_LOCK_SECONDS).
"""
import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

NOW = "2026-11-22T12:00:00Z"
PASSPHRASE = "demo"
ROWS, COLS = 24, 80
VISIBLE = ROWS - 5  # caseload rows on screen: header, title, column heads, status, footer


def base_env(tmp):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": tmp,
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "CARECOORD_NOW": NOW,
        "CARECOORD_CONF": os.path.join(tmp, "no-such.conf"),
        "XDG_DATA_HOME": os.path.join(tmp, "xdg"),
        "CARECOORD_IDLE_LOCK_SECONDS": "0",
    }
    if os.environ.get("CARECOORD_CACHE_KIB"):
        env["CARECOORD_CACHE_KIB"] = os.environ["CARECOORD_CACHE_KIB"]
    return env


def build_db(bindir, tmp, clients, caseload):
    db = os.path.join(tmp, "demo.db")
    env = dict(base_env(tmp), CARECOORD_PASSPHRASE=PASSPHRASE)
    subprocess.run([os.path.join(bindir, "carecoord"), "--db", db, "demo", "--clients",
                    str(clients), "--seed", "1", "--no-tui"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(bindir, "tests", "grow_caseload"), db, "demo-coach",
                    str(caseload)], env=env, check=True, stdout=subprocess.DEVNULL)
    return db


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, RssFile in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                out[k] = int(v.split()[0])
    return out


class Term:
    """The program on a pty of its own: write keys, read (and count) bytes."""

    def __init__(self, argv, env, quiet):
        self.quiet = quiet
        self.t_exec = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.buf = b""

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return b""
        return data

    def until(self, pattern, limit=30.0):
        """Read until pattern (bytes regex) has arrived and output then stays
        quiet; returns (seconds from start to the chunk that matched, bytes)."""
        start = time.monotonic()
        got, t_match = b"", None
        while True:
            left = limit - (time.monotonic() - start)
            if left <= 0:
                raise TimeoutError(f"no {pattern!r} within {limit} s; got {got[-400:]!r}")
            data = self.read_some(self.quiet if t_match else min(left, 0.5))
            if data is None:
                if t_match is not None:
                    return t_match - start, got
                continue
            if data == b"":
                raise EOFError(f"program ended; got {got[-400:]!r}")
            got += data
            if t_match is None and re.search(pattern, strip_ansi(got)):
                t_match = time.monotonic()

    def drain(self):
        """Everything the program writes until it is quiet."""
        got = b""
        while True:
            data = self.read_some(self.quiet)
            if not data:
                return got
            got += data

    def send(self, keys):
        os.write(self.fd, keys)

    def press(self, keys):
        self.send(keys)
        return self.drain()

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            while self.read_some(0.2):
                pass
        except OSError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def strip_ansi(b):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b.", b"", b)


def one_run(bindir, db, tmp, term, quiet):
    env = dict(base_env(tmp), TERM=term)
    argv = [os.path.join(bindir, "carecoord"), "--db", db, "--user", "demo-coach"]
    t = Term(argv, env, quiet)
    res = {"term": term}
    try:
        secs, _ = t.until(rb"Passphrase")
        res["startup_s"] = time.monotonic() - t.t_exec - quiet
        res["pre_unlock"] = proc_status(t.pid)
        t.send(PASSPHRASE.encode() + b"\r")
        secs, first = t.until(rb"My caseload, \d+ clients")
        res["unlock_s"] = secs
        res["unlock_bytes"] = len(first)
        res["shown"] = int(re.search(rb"My caseload, (\d+) clients", strip_ansi(first))[1])
        res["after_unlock"] = proc_status(t.pid)
        # Down to the end of the list and back: the first VISIBLE-1 presses
        # move the bar within the page, the rest scroll the list by a row.
        res["j_bytes"] = [len(t.press(b"j")) for _ in range(res["shown"] - 1)]
        res["k_bytes"] = [len(t.press(b"k")) for _ in range(res["shown"] - 1)]
        res["ctrl_l_bytes"] = len(t.press(b"\x0c"))
        res["caseload"] = proc_status(t.pid)
        t.press(b"\r")  # a record
        res["record"] = proc_status(t.pid)
        t.press(b"\x1b")
        t.press(b"s")  # search
        t.press(b"ello\r")
        res["search"] = proc_status(t.pid)
        t.press(b"\x1b")
        t.press(b"r")  # reports, then the board (the first)
        board = t.press(b"\r")
        res["board_seen"] = re.search(rb"team +coach +active", strip_ansi(board)) is not None
        res["board"] = proc_status(t.pid)
        t.press(b"\x1b")
        t.press(b"\x1b")
        time.sleep(1.0)
        t.drain()
        res["steady"] = proc_status(t.pid)
    finally:
        t.close()
    return res


def mib(kib):
    return f"{kib / 1024:.1f}"


def ms_list(rs, key):
    return ", ".join("%.0f" % (r[key] * 1e3) for r in rs)


def report(runs):
    by_term = {}
    for r in runs:
        by_term.setdefault(r["term"], []).append(r)
    for term, rs in by_term.items():
        print(f"TERM={term}: {len(rs)} run(s), 80x24, demo-coach")
        med = lambda key: statistics.median(r[key] for r in rs)
        print(f"  startup to the unlock prompt   {med('startup_s') * 1e3:8.0f} ms"
              f"   (runs: {ms_list(rs, 'startup_s')})")
        print(f"  unlock to the caseload drawn   {med('unlock_s') * 1e3:8.0f} ms"
              f"   (runs: {ms_list(rs, 'unlock_s')})")
        print(f"  first caseload screen          {med('unlock_bytes'):8.0f} bytes")
        print(f"  caseload rows                  {med('shown'):8.0f}   ({VISIBLE} on screen)")
        for key, what in (("j", "down"), ("k", "up")):
            inpage = [b for r in rs for b in r[key + "_bytes"][:VISIBLE - 1]]
            scroll = [b for r in rs for b in r[key + "_bytes"][VISIBLE - 1:]]
            print(f"  {key}, bar moves {what} a row         {statistics.median(inpage):8.0f} bytes"
                  f"   (min {min(inpage)}, max {max(inpage)}, {len(inpage)} presses)")
            if scroll:
                print(f"  {key}, the list scrolls a row      {statistics.median(scroll):8.0f}"
                      f" bytes   (min {min(scroll)}, max {max(scroll)}, {len(scroll)} presses)")
        print(f"  ^L (full repaint)              {med('ctrl_l_bytes'):8.0f} bytes")
        print("  resident memory, MiB (median): VmRSS = RssAnon + RssFile (+ RssShmem)")
        for stage in ("pre_unlock", "after_unlock", "caseload", "record", "search",
                      "board", "steady"):
            v = {k: statistics.median(r[stage][k] for r in rs)
                 for k in ("VmRSS", "RssAnon", "RssFile", "VmHWM")}
            print(f"    {stage:14s} VmRSS {mib(v['VmRSS']):>6}  anon {mib(v['RssAnon']):>6}"
                  f"  file {mib(v['RssFile']):>6}  VmHWM {mib(v['VmHWM']):>6}")
        if not all(r["board_seen"] for r in rs):
            print("  (warning: the board's text was not seen after r, Enter)")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", help="meson build directory (carecoord, tests/grow_caseload)")
    ap.add_argument("--term", action="append", help="TERM (repeatable; default "
                    "xterm-256color and vt100)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quiet", type=float, default=0.4,
                    help="seconds of silence that end a screen")
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--db", help="use this demo database (a copy is made; built with "
                    "CARECOORD_NOW and the passphrase demo) instead of building one")
    ap.add_argument("--cache-kib", type=int, help="CARECOORD_CACHE_KIB for the program "
                    "(the store's page cache; default the store's own)")
    ap.add_argument("--caseload", type=int, default=36,
                    help="clients demo-coach owns (36: 35 on the active caseload)")
    args = ap.parse_args()
    bindir = os.path.abspath(args.build)
    terms = args.term or ["xterm-256color", "vt100"]
    tmp = tempfile.mkdtemp(prefix="bench_term.")
    try:
        if args.db:
            db = os.path.join(tmp, "demo.db")
            shutil.copy(args.db, db)
            shutil.copy(args.db + ".keys", db + ".keys")
        else:
            db = build_db(bindir, tmp, args.clients, args.caseload)
        if args.cache_kib:
            os.environ["CARECOORD_CACHE_KIB"] = str(args.cache_kib)
        runs = []
        for _ in range(args.runs):
            for term in terms:
                runs.append(one_run(bindir, db, tmp, term, args.quiet))
        report(runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
