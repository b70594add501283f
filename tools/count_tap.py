#!/usr/bin/env python3
"""count_tap.py — count test cases over meson test logs.

Usage: count_tap.py BUILD_DIR... Reads each BUILD_DIR/meson-logs/testlog.json,
counts TAP "ok"/"not ok" lines of every test, and counts a test program
that failed without reporting a failing case (a crash, a timeout) as one
failure. Prints per-build figures and, last, "N passed, N failed".
"""
import json
import re
import sys

OK = re.compile(r'^ok \d+', re.M)
NOT_OK = re.compile(r'^not ok \d+', re.M)


def count(build):
    passed = failed = 0
    with open(build + '/meson-logs/testlog.json', encoding='utf-8') as f:
        for line in f:
            t = json.loads(line)
            out = t.get('stdout') or ''
            p, n = len(OK.findall(out)), len(NOT_OK.findall(out))
            if t['result'] not in ('OK', 'EXPECTEDFAIL', 'SKIP') and n == 0:
                n = 1
                print('# %s: %s %s' % (build, t['name'], t['result']))
            passed += p
            failed += n
    return passed, failed


def main():
    tp = tf = 0
    for build in sys.argv[1:]:
        p, n = count(build)
        print('# %s: %d passed, %d failed' % (build, p, n))
        tp += p
        tf += n
    print('%d passed, %d failed' % (tp, tf))
    return 1 if tf else 0


if __name__ == '__main__':
    sys.exit(main())
