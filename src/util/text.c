/*
 * text.c — making untrusted strings safe for a terminal, and measuring them.
 *
 * Client names, notes and file contents are protected health information that
 * came from somewhere we do not control; an escape sequence or a bidi override
 * in a name must never reach a terminal, log or report. This file decodes
 * UTF-8 by hand (strictly, without the process locale), replaces every unsafe
 * or invalid sequence with '?', and counts display columns with a small
 * built-in width table so that truncation follows what a person sees.
 *
 * Invalid input is consumed one "sequence" at a time: a lead byte plus the
 * continuation bytes (0x80..0xBF) it asks for, or fewer if the input stops or a
 * non-continuation byte interrupts it. Each such unit becomes a single '?'.
 * Only continuation bytes are ever swallowed, so a following ASCII character
 * (an ESC, say) is always looked at on its own.
 */
#include "text.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#define CP_INVALID UINT32_MAX

struct cp_range {
    uint32_t lo;
    uint32_t hi;
};

/* Characters text_sanitize() replaces, besides C0 controls. Sorted. */
static const struct cp_range unsafe_ranges[] = {
    {0x007F, 0x009F}, /* DEL and C1 controls */
    {0x061C, 0x061C}, /* ARABIC LETTER MARK */
    {0x200E, 0x200F}, /* LRM, RLM */
    {0x2028, 0x2029}, /* LINE and PARAGRAPH SEPARATOR: line breaks to some
                         readers (JavaScript, editors), never a name's */
    {0x202A, 0x202E}, /* LRE, RLE, PDF, LRO, RLO */
    {0x2066, 0x2069}, /* LRI, RLI, FSI, PDI */
};

/* Zero-width: the main combining-mark blocks and zero-width spaces. Sorted. */
static const struct cp_range zero_width_ranges[] = {
    {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
};

/* Double-width: East Asian Wide and Fullwidth, plus common emoji. Sorted. */
static const struct cp_range wide_ranges[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF}, {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
    {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One unit of input: a decoded code point, or CP_INVALID, and its byte length. */
struct unit {
    uint32_t cp;
    size_t len;
};

/* What a unit turns into on output: bytes, their length, and display width. */
struct piece {
    const char *bytes;
    size_t len;
    int width;
};

static int in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
    size_t lo = 0;
    size_t hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Sequence length announced by a lead byte, or 0 if it cannot start one. */
static size_t lead_length(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC0 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF7)
        return 4;
    return 0;
}

/* Smallest code point that needs a sequence of the given length. */
static uint32_t min_for_length(size_t len)
{
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    return min_cp[len];
}

/* Decode one unit at s (which points at a non-NUL byte). Strict: overlong
 * forms, surrogates, values above U+10FFFF and truncated sequences give
 * CP_INVALID. */
static struct unit decode_unit(const unsigned char *s)
{
    struct unit u = {CP_INVALID, 1};
    size_t need = lead_length(s[0]);
    uint32_t cp;

    if (need == 0)
        return u;
    if (need == 1) {
        u.cp = s[0];
        return u;
    }
    cp = s[0] & (0x7F >> need);
    for (u.len = 1; u.len < need; u.len++) {
        if (!is_continuation(s[u.len]))
            return u; /* truncated; the NUL terminator also stops here */
        cp = (cp << 6) | (s[u.len] & 0x3F);
    }
    if (cp < min_for_length(need) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return u;
    u.cp = cp;
    return u;
}

static int is_unsafe(uint32_t cp, int keep_newlines)
{
    if (cp == CP_INVALID)
        return 1;
    if (cp < 0x20)
        return !(keep_newlines && cp == '\n');
    return in_ranges(cp, unsafe_ranges, COUNT(unsafe_ranges));
}

static int cp_width(uint32_t cp)
{
    if (in_ranges(cp, zero_width_ranges, COUNT(zero_width_ranges)))
        return 0;
    if (in_ranges(cp, wide_ranges, COUNT(wide_ranges)))
        return 2;
    return 1;
}

/* The output for unit u found at s: itself when safe, else "?". */
static struct piece piece_for(const unsigned char *s, struct unit u, int keep_newlines)
{
    struct piece p = {"?", 1, 1};

    if (!is_unsafe(u.cp, keep_newlines)) {
        p.bytes = (const char *)s;
        p.len = u.len;
        p.width = cp_width(u.cp);
    }
    return p;
}

static const unsigned char *bytes_of(const char *s)
{
    return (const unsigned char *)(s ? s : "");
}

size_t text_sanitize(const char *in, char *out, size_t outsz, int keep_newlines)
{
    const unsigned char *s = bytes_of(in);
    size_t n = 0;

    if (out == NULL || outsz == 0)
        return 0;
    while (*s) {
        struct unit u = decode_unit(s);
        struct piece p = piece_for(s, u, keep_newlines);
        if (p.len > outsz - 1 - n)
            break;
        memmove(out + n, p.bytes, p.len); /* memmove: in == out is allowed */
        n += p.len;
        s += u.len;
    }
    out[n] = '\0';
    return n;
}

int text_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (p == NULL)
        return 0;
    while (*p) {
        struct unit u = decode_unit(p);
        if (is_unsafe(u.cp, 0))
            return 0;
        p += u.len;
    }
    return 1;
}

int text_width(const char *s)
{
    const unsigned char *p = bytes_of(s);
    int width = 0;

    while (*p) {
        struct unit u = decode_unit(p);
        int w = u.cp == CP_INVALID ? 1 : cp_width(u.cp);
        if (width > INT_MAX - w)
            return INT_MAX;
        width += w;
        p += u.len;
    }
    return width;
}

/* True if all of s, as sanitized pieces, fits in max_cols and room bytes. */
static int fits_whole(const unsigned char *s, int max_cols, size_t room)
{
    int cols = 0;
    size_t bytes = 0;

    while (*s) {
        struct unit u = decode_unit(s);
        struct piece p = piece_for(s, u, 0);
        if (p.width > max_cols - cols || p.len > room - bytes)
            return 0;
        cols += p.width;
        bytes += p.len;
        s += u.len;
    }
    return 1;
}

/* Append pieces of s to out while they fit in max_cols and room bytes; stops
 * at the first piece that does not, so nothing is skipped. Returns the width
 * written and stores the byte count in *n. */
static int copy_pieces(const unsigned char *s, int max_cols, size_t room, char *out,
                       size_t *n)
{
    int cols = 0;

    *n = 0;
    while (*s) {
        struct unit u = decode_unit(s);
        struct piece p = piece_for(s, u, 0);
        if (p.width > max_cols - cols || p.len > room - *n)
            break;
        memcpy(out + *n, p.bytes, p.len);
        *n += p.len;
        cols += p.width;
        s += u.len;
    }
    out[*n] = '\0';
    return cols;
}

int text_truncate(const char *s, int max_cols, char *out, size_t outsz, int ascii_only)
{
    const unsigned char *p = bytes_of(s);
    size_t room;
    const char *ell;
    size_t ell_len;
    size_t n;
    int cols;

    if (out == NULL || outsz == 0)
        return 0;
    out[0] = '\0';
    room = outsz - 1;
    if (max_cols <= 0)
        return 0;
    if (fits_whole(p, max_cols, room))
        return copy_pieces(p, max_cols, room, out, &n);
    if (room == 0)
        return 0;
    /* Fall back to "~" when the buffer cannot hold the 3-byte ellipsis. */
    ell = (ascii_only || room < 3) ? "~" : "\xE2\x80\xA6" /* U+2026 */;
    ell_len = strlen(ell);
    cols = copy_pieces(p, max_cols - 1, room - ell_len, out, &n);
    memcpy(out + n, ell, ell_len + 1);
    return cols + 1;
}

int text_fit(const char *s, int cols, char *out, size_t outsz, int ascii_only)
{
    size_t n;
    int width;

    if (out == NULL || outsz == 0)
        return 0;
    width = text_truncate(s, cols, out, outsz, ascii_only);
    n = strlen(out);
    while (width < cols && n < outsz - 1) {
        out[n++] = ' ';
        width++;
    }
    out[n] = '\0';
    return width;
}

size_t text_content_len(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += *s != ' ' && *s != '\t';
    return n;
}

size_t text_wrap_len(const char *s, size_t n, int cols)
{
    char buf[1024];
    size_t best = 0, space = 0;
    for (size_t i = 1; i <= n && i < sizeof buf; i++) {
        if (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        memcpy(buf, s, i);
        buf[i] = '\0';
        if (text_width(buf) > cols)
            break;
        best = i;
        if (i < n && s[i] == ' ')
            space = i;
    }
    if (!best && n) { /* a character wider than the line: it goes whole */
        best = 1;
        while (best < n && ((unsigned char)s[best] & 0xC0) == 0x80)
            best++;
    }
    return best == n || !space ? best : space + 1;
}
