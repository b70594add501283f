#!/usr/bin/env python3
"""corpus.py — the hostile strings of tests/cli/cli_hostile.sh, generated
(never checked in as binary files).

    python3 tests/hostile/corpus.py DIR

writes DIR/NNNN (the raw bytes of one string, no newline added) and
DIR/index.tsv, one line per string: NNNN, its category, and flags (a comma
list: nul = holds a NUL byte, big = over 128 KiB, so it cannot be one
command-line argument, nl = holds a line break, clean = text_sanitize
leaves it alone, so the program may accept and keep it, formula = a
spreadsheet could read it as a formula). The corpus is the same on every
run. Categories: csi, osc, dcs, esc (other escape sequences), c0, c1 (UTF-8
encoded), c1raw (a lone byte 0x80..0x9F), bidi, linesep (U+2028, U+2029,
NEL), utf8 (invalid, truncated, overlong), surrogate, nul, big, formula,
newline (a line injected), unicode (legitimate text that must come back
unchanged) and mixed.
"""
import os
import sys

# A visible stem around each payload, so that a refusal and an echo can be
# told apart from an empty field.
STEM = b"Hx"


def u(cp):
    return chr(cp).encode("utf-8")


def positions(payload, stem=STEM):
    """The payload alone, before, inside and after a stem."""
    return [payload, payload + stem, stem + payload + stem, stem + payload]


def corpus():
    out = []  # (category, bytes)

    def add(cat, values):
        for v in values:
            out.append((cat, v))

    ESC = b"\x1b"
    BEL = b"\x07"
    ST = ESC + b"\\"
    # CSI: clear, colours, cursor moves, the alternate screen, reports the
    # terminal answers (DSR, DA, window title report), scroll regions.
    csi = [b"[2J", b"[H", b"[31m", b"[0m", b"[1;31;5m", b"[?1049h", b"[?1049l",
           b"[6n", b"[c", b"[>c", b"[21t", b"[8;100;200t", b"[3J", b"[K",
           b"[1A", b"[2;5r", b"[?25l", b"[?1000h", b"[4l", b"[200~", b"[201~",
           b"[38;5;196m", b"[48;2;1;2;3m", b"[999;999H"]
    for s in csi:
        add("csi", positions(ESC + s))
    add("csi", [b"\xc2\x9b2J", b"Ann\xc2\x9b31mSmith", b"\x9b2J", b"x\x9b6n"])
    # OSC: window title, clipboard (52), hyperlink (8), colours (4, 10, 11),
    # notification (9, 777), both terminators and none.
    osc = [b"]0;pwned" + BEL, b"]2;pwned" + ST, b"]52;c;cHduZWQ=" + BEL,
           b"]8;;https://example.invalid/" + ST + b"click" + ESC + b"]8;;" + ST,
           b"]4;1;rgb:ff/00/00" + BEL, b"]10;?" + BEL, b"]11;#000000" + ST,
           b"]9;notify" + BEL, b"]777;notify;a;b" + BEL, b"]0;unterminated",
           b"]1337;File=inline=1:AAAA" + BEL, b"]7;file://host/etc" + BEL]
    for s in osc:
        add("osc", positions(ESC + s))
    add("osc", [b"\xc2\x9d0;pwned\xc2\x9c", b"\x9d0;pwned\x9c"])
    # DCS, tmux passthrough, DECRQSS, sixel, APC, PM, SOS.
    dcs = [b"P$qm" + ST, b"Ptmux;" + ESC + ESC + b"]0;pwned" + BEL + ST,
           b"P1$r0m" + ST, b"Pq#0;2;0;0;0#0~~@@" + ST, b"_apc payload" + ST,
           b"^pm payload" + ST, b"Xsos payload" + ST, b"P+q544e" + ST]
    for s in dcs:
        add("dcs", positions(ESC + s))
    add("dcs", [b"\xc2\x90$qm\xc2\x9c", b"\x90$qm\x9c", b"\xc2\x9finside\xc2\x9c"])
    # Other escapes: reset, DEC tests, charsets, save/restore, index, ident,
    # a lone ESC at the end.
    for s in [b"c", b"#8", b"(0", b")0", b"7", b"8", b"D", b"M", b"E", b"Z",
              b"=", b">", b"N", b"O", b"H", b"%G", b" F", b""]:
        add("esc", positions(ESC + s))
    # C0: every one but NUL, in three places; DEL too.
    for c in list(range(1, 0x20)) + [0x7F]:
        add("c0", positions(bytes([c]))[1:])
    # C1 as UTF-8 (U+0080..U+009F), in two places.
    for c in range(0x80, 0xA0):
        add("c1", [STEM + u(c) + STEM, u(c) + STEM])
    # C1 as lone bytes (invalid UTF-8).
    for c in range(0x80, 0xA0):
        add("c1raw", [STEM + bytes([c]) + STEM])
    # Bidi: embeddings, overrides, isolates, marks; the "Trojan Source" shape.
    for c in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068,
              0x2069, 0x200E, 0x200F, 0x061C]:
        add("bidi", positions(u(c)))
    add("bidi", [b"Ann" + u(0x202E) + b"htimS" + u(0x202C),
                 u(0x2067) + b"admin" + u(0x2069) + b" note",
                 b"invoice" + u(0x202E) + b"fdp.exe",
                 u(0x202D) + u(0x202E) + u(0x2066) + u(0x2069) + u(0x202C)])
    # Line and paragraph separators, NEL.
    for c in [0x2028, 0x2029, 0x85]:
        add("linesep", positions(u(c)))
    add("linesep", [b"a" + u(0x2028) + b"FAKE-LINE", b'x"' + u(0x2029) + b"};alert(1)//"])
    # Invalid UTF-8: lone continuations, bad leads, truncations, overlongs
    # (of '/', ESC, NUL, '<', U+202E), above U+10FFFF, 5 and 6 byte forms.
    bad = [b"\x80", b"\xbf", b"\xc0", b"\xc1", b"\xc0\xaf", b"\xc0\x9b",
           b"\xc0\x80", b"\xc0\xbc", b"\xe0\x80\xaf", b"\xe0\x80\x9b",
           b"\xe0\x80\x80", b"\xf0\x80\x80\xaf", b"\xf0\x80\x80\x9b",
           b"\xf0\x82\x80\xae", b"\xe2\x80", b"\xe2", b"\xf0\x9f\x98",
           b"\xf0\x9f", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf7\xbf\xbf\xbf",
           b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80", b"\xfe", b"\xff",
           b"\xfe\xff", b"\xff\xfe", b"\xc3\x28", b"\xe2\x28\xa1", b"\xf0\x28\x8c\x28",
           b"\xc2\x1b[2J", b"\xe2\x80\x1b[31m", b"\xed\x9f\xc0"]
    for b in bad:
        add("utf8", [STEM + b + STEM, b])
    # Surrogates encoded in UTF-8 (lone, paired as CESU-8).
    for b in [b"\xed\xa0\x80", b"\xed\xad\xbf", b"\xed\xae\x80", b"\xed\xbf\xbf",
              b"\xed\xa0\xbd\xed\xb8\x80", b"\xed\xb0\x80\xed\xa0\x80"]:
        add("surrogate", [STEM + b + STEM, b])
    # NUL: only the input formats that can carry it (a file, standard input,
    # a CSV or HL7 file) ever see these.
    add("nul", [b"\x00", b"Hx\x00", b"\x00Hx", b"Hx\x00Hx", b"Hx\x00\x1b[2J",
                b"Hx\x00" + u(0x202E) + b"x", b"=\x00cmd", b"Hx\x00\x00\x00"])
    # Big: over every limit there is (64 KiB of free text, 4 KiB a CSV
    # field), up to 1 MB, some of it hostile at the far end.
    add("big", [b"A" * 65537, b"A" * (1 << 20), u(0xE9) * (1 << 19),
                b"B" * ((1 << 20) - 1) + ESC, b"C" * 200000 + ESC + b"[2J",
                u(0x202E) * 70000, b"=" + b"D" * 140000])
    add("long", [b"L" * n for n in (63, 64, 65, 80, 81, 128, 129, 200, 201, 500,
                                    501, 511, 512, 513, 1000, 1001, 2048, 4096,
                                    4097, 10000, 65536)])
    # Formulas: plain, behind spaces, fullwidth (U+FF1D U+FF0B U+FF0D
    # U+FF20), behind a tab or CR, DDE.
    formulas = [b"=cmd", b" =cmd", b"  =cmd|' /C calc'!A0", b"+1", b" +1", b"-1",
                b" -1", b"@SUM(A1:A9)", b" @x", b"=HYPERLINK(\"http://x.invalid\")",
                u(0xFF1D) + b"cmd", b" " + u(0xFF1D) + b"cmd", u(0xFF0B) + b"1",
                b" " + u(0xFF0B) + b"1", u(0xFF0D) + b"1", u(0xFF20) + b"x",
                b"   " + u(0xFF20) + b"x", b"\t=cmd", b"\r=cmd", b" \t=cmd",
                b"=1+1", b"-2+3", b"+cmd|'/c calc'!A1", b"@@x", b"=", b" =",
                b"==", b"=-=", b"=2028" + u(0x2028)]
    for f in formulas:
        add("formula", [f, f + b" tail"])
    # A line injected into a table or a log.
    add("newline", [b"Hx\nINJECTED-LINE", b"Hx\r\nINJECTED-LINE",
                    b"Hx\rINJECTED-LINE", b"\nINJECTED-LINE", b"Hx\n\n\n",
                    b"Hx\x0bINJECTED-LINE", b"Hx\x0cINJECTED-LINE",
                    b"ok\nnot ok 1 - injected TAP"])
    # Legitimate text, which must come back as it went in.
    add("unicode", ["Renée".encode(), "Ñúñez".encode(), "Zoë O'Brien".encode(),
                    "Nguyễn".encode(), "李小龍".encode(), "김민준".encode(),
                    "Åsa-Lill".encode(), "D'Angelo-Ruiz".encode(),
                    "Müller".encode(), "Øyvind".encode(), "Ｆｕｌｌｗｉｄｔｈ".encode(),
                    "e\u0301\u0301\u0301".encode(), "👩‍⚕️".encode(),
                    "Ελένη".encode(), "Алёна".encode(), "שרה".encode(),
                    "سارة".encode(), "\u00a0nbsp".encode(), "x\u200by".encode(),
                    "tab-free text, with commas, and \"quotes\"".encode()])
    # Mixed and classic injections.
    add("mixed", [b"Robert'); DROP TABLE client;--", b"%s%s%s%n%x", b"${jndi:x}",
                  b"<script>alert(1)</script>", b"\\x1b[2J", b"\\u202e",
                  b"\x1b[2J" + u(0x202E) + b"\x07" + b"\xc0\xaf" + u(0x2028),
                  b"=\x1b]0;pwned\x07", b" " + u(0x202E) + b"=cmd",
                  u(0xFEFF) + b"=cmd", b"'=already", b"\"=quoted\"",
                  b",=after-comma", b"a,b\nc,d", b"\xef\xbb\xbfbom"])
    return out


def flags(cat, v):
    f = []
    if b"\x00" in v:
        f.append("nul")
    if len(v) > 128 * 1024:
        f.append("big")
    if b"\n" in v or b"\r" in v:
        f.append("nl")
    try:
        t = v.decode("utf-8")
        bad = any(
            ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or
            ord(c) in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029) or
            0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069
            for c in t)
        if not bad:
            f.append("clean")
    except UnicodeDecodeError:
        pass
    if cat == "formula":
        f.append("formula")
    return ",".join(f) or "-"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: corpus.py DIR")
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    items = corpus()
    with open(os.path.join(d, "index.tsv"), "w") as idx:
        for i, (cat, v) in enumerate(items):
            name = "%04d" % i
            with open(os.path.join(d, name), "wb") as f:
                f.write(v)
            idx.write("%s\t%s\t%s\n" % (name, cat, flags(cat, v)))
    print(len(items))


if __name__ == "__main__":
    main()
