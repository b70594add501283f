#!/usr/bin/env python3
"""check.py — what the program wrote must carry no control byte from data.

    python3 tests/hostile/check.py [--list] FILE...

Each FILE is one output, its kind taken from its name's last suffix:

  .txt .err  text (a report, a message): valid UTF-8; no C0 control but
             newline and tab, no DEL, no C1 (U+0080..U+009F), no bidi
             control (U+061C, U+200E, U+200F, U+202A..U+202E,
             U+2066..U+2069), no U+2028 or U+2029
  .csv       the same, CR only in a CRLF, LF only inside a quoted cell or
             ending a record; parsed as RFC 4180, and every cell whose first
             character that is not a space is = + - @ or their fullwidth
             forms (U+FF1D U+FF0B U+FF0D U+FF20), or tab or CR, starts
             with ' (neutralised)
  .json      one JSON document; .jsonl .ndjson one per line: the raw text
             as a text file, and every string in it (keys too) once decoded
             has none of the characters above but newline, no lone
             surrogate
  .screen    a terminal screen from tmux capture-pane -e: as text, and the
             only escape sequences are SGR (ESC [ ... m), the pane's own

Prints one line per problem (file, byte offset, what) and a last line
"checked N files, M with problems"; exits 1 if any. --list names the
files it read and their kind.
"""
import csv
import io
import json
import re
import sys

BIDI = {0x061C, 0x200E, 0x200F, 0x2028, 0x2029} | set(range(0x202A, 0x202F)) | set(
    range(0x2066, 0x206A))
FORMULA = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
SGR = re.compile(r"\x1b\[[0-9;:]*m")


def bad_char(cp, allow):
    if cp < 0x20:
        return chr(cp) not in allow
    if 0x7F <= cp <= 0x9F:
        return True
    if cp in BIDI:
        return True
    if 0xD800 <= cp <= 0xDFFF:
        return True
    return False


def name(cp):
    return "U+%04X" % cp


def scan_text(text, allow, problems, where, limit=5):
    n = 0
    for i, ch in enumerate(text):
        if bad_char(ord(ch), allow):
            problems.append("%s: character %d: %s" % (where, i, name(ord(ch))))
            n += 1
            if n >= limit:
                problems.append("%s: (more)" % where)
                return


def decode(raw, path, problems):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("%s: byte %d: invalid UTF-8 (%s)" % (path, e.start, e.reason))
        return None


def check_text(path, raw, problems):
    t = decode(raw, path, problems)
    if t is not None:
        scan_text(t, "\n\t", problems, path)


def check_screen(path, raw, problems):
    t = decode(raw, path, problems)
    if t is None:
        return
    stripped = SGR.sub("", t)
    i = stripped.find("\x1b")
    if i >= 0:
        problems.append("%s: character %d: an escape sequence other than SGR: %r" %
                        (path, i, stripped[i:i + 12]))
    scan_text(stripped.replace("\x1b", ""), "\n\t", problems, path)


def walk(v, path, problems, where="$"):
    if isinstance(v, str):
        scan_text(v, "\n", problems, "%s: %s" % (path, where), 2)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, path, problems, "%s[%d]" % (where, i))
    elif isinstance(v, dict):
        for k, x in v.items():
            walk(k, path, problems, where + "{key}")
            walk(x, path, problems, "%s.%s" % (where, k))


def check_json(path, raw, problems, lines):
    t = decode(raw, path, problems)
    if t is None:
        return
    scan_text(t, "\n\t", problems, path)
    docs = [ln for ln in t.split("\n") if ln.strip()] if lines else [t]
    for n, d in enumerate(docs):
        try:
            walk(json.loads(d), path, problems, "$" if not lines else "line %d" % (n + 1))
        except ValueError as e:
            problems.append("%s: not JSON (%s)" % (path, e))
            return


def check_csv(path, raw, problems):
    t = decode(raw, path, problems)
    if t is None:
        return
    scan_text(t.replace("\r\n", "\n"), "\n", problems, path)
    try:
        rows = list(csv.reader(io.StringIO(t, newline=""), strict=True))
    except csv.Error as e:
        problems.append("%s: not RFC 4180 (%s)" % (path, e))
        return
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            first = cell.lstrip(" ")[:1]
            if first and first in FORMULA:
                problems.append("%s: row %d cell %d: a formula not neutralised: %r" %
                                (path, r + 1, c + 1, cell[:40]))


def main():
    args = sys.argv[1:]
    listing = bool(args) and args[0] == "--list"
    if listing:
        args = args[1:]
    bad_files = 0
    for path in args:
        with open(path, "rb") as f:
            raw = f.read()
        problems = []
        kind = path.rsplit(".", 1)[-1]
        if kind in ("json",):
            check_json(path, raw, problems, False)
        elif kind in ("jsonl", "ndjson"):
            check_json(path, raw, problems, True)
        elif kind == "csv":
            check_csv(path, raw, problems)
        elif kind == "screen":
            check_screen(path, raw, problems)
        else:
            check_text(path, raw, problems)
        if listing:
            print("%s %s" % (kind, path))
        if problems:
            bad_files += 1
            for p in problems[:20]:
                print(p)
    print("checked %d files, %d with problems" % (len(args), bad_files))
    sys.exit(1 if bad_files else 0)


if __name__ == "__main__":
    main()
