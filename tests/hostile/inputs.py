#!/usr/bin/env python3
"""inputs.py — the corpus of corpus.py as the files the importers read.

    python3 tests/hostile/inputs.py CORPUS-DIR OUT-DIR ZIP

writes OUT-DIR/referrals.csv (import referrals: one row per string, the
string in the family name, given name, referring person or language
column in turn, every other cell valid, dates of birth all different;
RFC 4180 quoting, so line breaks and quotes travel inside a cell; NUL as
it is, which the reader refuses by row) and OUT-DIR/adt.hl7 (import adt:
one A04 message per string, the string in the patient's family name,
given name, visit number or the event's operator in turn; and some written
with HL7's own escapes, \\X1B\\ for ESC and \\XE280AE\\ for U+202E, which
the parser decodes before it sanitizes).
"""
import csv
import io
import os
import sys


def strings(d):
    with open(os.path.join(d, "index.tsv")) as idx:
        for line in idx:
            name, cat, flags = line.rstrip("\n").split("\t")
            with open(os.path.join(d, name), "rb") as f:
                yield int(name), cat, f.read()


def dob(i):
    """Different for every string, aged over 65 (the program's minimum)."""
    return "19%02d-%02d-%02d" % (30 + i % 25, 1 + i // 25 % 12, 1 + i // 300 % 28)


def referrals(items, zipcode):
    out = io.BytesIO()
    out.write(b"family,given,dob,zip,payer,program,person,language\r\n")
    for i, cat, v in items:
        row = [b"Imp%04d" % i, b"Pat", dob(i).encode(), zipcode.encode(), b"medicare",
               b"hss", b"", b"en"]
        row[[0, 1, 6, 7][i % 4]] = v
        cells = []
        for c in row:
            cells.append(b'"' + c.replace(b'"', b'""') + b'"')
        out.write(b",".join(cells) + b"\r\n")
    return out.getvalue()


def hl7_escape(v):
    """v with HL7's delimiters escaped (so it stays in one field)."""
    out = bytearray()
    for b in v:
        c = bytes([b])
        if c == b"\\":
            out += b"\\E\\"
        elif c == b"|":
            out += b"\\F\\"
        elif c == b"^":
            out += b"\\S\\"
        elif c == b"&":
            out += b"\\T\\"
        elif c == b"~":
            out += b"\\R\\"
        elif c == b"\r":
            out += b"\\X0D\\"
        else:
            out += c
    return bytes(out)


def adt(items):
    msgs = []
    extra = [b"\\X1B\\[2J", b"\\X1B\\]0;pwned\\X07\\", b"A\\XE280AE\\B", b"\\X00\\x",
             b"\\XC0AF\\", b"\\XEDA080\\", b"\\XE280A8\\", b"\\XC29B\\31m", b"\\X9B\\",
             b"\\H\\bold\\N\\", b"\\Zcustom\\", b"\\X1B", b"\\"]
    items = list(items) + [(10000 + k, "hl7esc", e) for k, e in enumerate(extra)]
    for i, cat, v in items:
        if len(v) > 70000:
            v = v[:70000]
        field = v if cat == "hl7esc" else hl7_escape(v)
        fam, giv, visit, op = b"Adt%04d" % (i % 10000), b"Pat", b"V%d" % i, b"OPS"
        k = i % 4
        if k == 0:
            fam = field
        elif k == 1:
            giv = field
        elif k == 2:
            visit = field
        else:
            op = field
        msgs.append(b"\r".join([
            b"MSH|^~\\&|EPIC|CVH|CARECOORD|REGION|202611200930-0500||ADT^A04^ADT_A01|"
            b"HOST%05d|P|2.5.1" % i,
            b"EVN|A04|202611200930-0500|||" + op,
            b"PID|1||MRNH%05d^^^CVH^MR^CVH||" % i + fam + b"^" + giv + b"||" +
            dob(i).replace("-", "").encode() + b"|F",
            b"PV1|1|E|ED^1^A^CVH||||||||||||||||" + visit +
            b"|||||||||||||||||||||||||202611200915-0500",
        ]) + b"\r")
    return b"\n".join(msgs)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: inputs.py CORPUS-DIR OUT-DIR ZIP")
    items = list(strings(sys.argv[1]))
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "referrals.csv"), "wb") as f:
        f.write(referrals(items, sys.argv[3]))
    with open(os.path.join(sys.argv[2], "adt.hl7"), "wb") as f:
        f.write(adt(items))


if __name__ == "__main__":
    main()
