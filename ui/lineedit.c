/*
 * lineedit.c — readline-style editing of one line in place (see
 * lineedit.h): stepping over UTF-8 characters, deleting and killing around
 * the cursor, inserting without overflow, and the horizontal scroll that
 * keeps the cursor on screen. Widths are those of the drawn (sanitized)
 * text, so the cursor lands on the cell the person sees.
 */
#include "lineedit.h"

#include <string.h>

#include "util/text.h"

/* ---- code points and characters ---------------------------------------- */

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The end of the code point at at: its lead byte and every continuation. */
static size_t cp_end(const char *s, size_t at)
{
    if (!s[at])
        return at;
    for (at++; is_continuation((unsigned char)s[at]); at++)
        ;
    return at;
}

/* The start of the code point before at (0 at the start). */
static size_t cp_start(const char *s, size_t at)
{
    while (at > 0 && is_continuation((unsigned char)s[--at]))
        ;
    return at;
}

/* Columns of the code point s[from, to) as drawn: sanitized, so an invalid
 * or unsafe one is a '?'. Past a valid sequence's 4 bytes every byte is a
 * stray continuation, a '?' of its own. */
static int cp_width(const char *s, size_t from, size_t to)
{
    char raw[9], clean[9];
    size_t n = to - from, head = n < 8 ? n : 8;
    memcpy(raw, s + from, head);
    raw[head] = '\0';
    text_sanitize(raw, clean, sizeof clean, 0);
    return text_width(clean) + (int)(n - head);
}

static int zero_width_at(const char *s, size_t at)
{
    return s[at] && cp_width(s, at, cp_end(s, at)) == 0;
}

size_t lineedit_char_end(const char *s, size_t at)
{
    at = cp_end(s, at);
    while (zero_width_at(s, at))
        at = cp_end(s, at);
    return at;
}

/* The start of the character before at: a code point, and back over it
 * while it is a zero-width mark on something before it. */
static size_t char_start(const char *s, size_t at)
{
    at = cp_start(s, at);
    while (at > 0 && zero_width_at(s, at))
        at = cp_start(s, at);
    return at;
}

size_t lineedit_clamp(const char *s, size_t cur)
{
    size_t len = strlen(s);
    if (cur > len)
        return len;
    while (cur > 0 && is_continuation((unsigned char)s[cur]))
        cur--;
    while (cur > 0 && zero_width_at(s, cur)) /* a mark goes with what it marks */
        cur = cp_start(s, cur);
    return cur;
}

int lineedit_width(const char *s, size_t from, size_t to)
{
    int w = 0;
    for (size_t at = from; at < to && s[at]; at = cp_end(s, at))
        w += cp_width(s, at, cp_end(s, at));
    return w;
}

/* ---- typing ------------------------------------------------------------ */

/* Bytes in the character a lead byte starts, 0 for a byte that never starts
 * a valid one (a continuation, C0, C1, F5..FF). Only the shape is checked:
 * what is still invalid (an overlong E0 80 80) is drawn as '?'. */
static size_t lead_length(unsigned char c)
{
    return c < 0x80                 ? 1
           : c >= 0xC2 && c <= 0xDF ? 2
           : c >= 0xE0 && c <= 0xEF ? 3
           : c >= 0xF0 && c <= 0xF4 ? 4
                                    : 0;
}

size_t lineedit_utf8_feed(lineedit_utf8 *u, unsigned char byte)
{
    if (u->have && is_continuation(byte)) {
        u->seq[u->have++] = (char)byte;
        if (u->have < u->want)
            return 0;
        u->have = 0;
        return u->want;
    }
    u->have = 0;
    u->want = lead_length(byte);
    if (!u->want)
        return 0;
    u->seq[0] = (char)byte;
    if (u->want == 1)
        return 1;
    u->have = 1;
    return 0;
}

int lineedit_insert(char *s, size_t size, size_t *cur, const char *text, size_t n)
{
    size_t len = strlen(s), at = lineedit_clamp(s, *cur);
    if (n >= size || len + n >= size)
        return -1;
    memmove(s + at + n, s + at, len - at + 1);
    memcpy(s + at, text, n);
    *cur = at + n;
    return 0;
}

/* ---- motions ----------------------------------------------------------- */

int lineedit_left(char *s, size_t *cur)
{
    *cur = char_start(s, lineedit_clamp(s, *cur));
    return 0;
}

int lineedit_right(char *s, size_t *cur)
{
    *cur = lineedit_char_end(s, lineedit_clamp(s, *cur));
    return 0;
}

int lineedit_start(char *s, size_t *cur)
{
    (void)s;
    *cur = 0;
    return 0;
}

int lineedit_end(char *s, size_t *cur)
{
    *cur = strlen(s);
    return 0;
}

/* ---- deleting ---------------------------------------------------------- */

/* Remove s[from, to) and leave the cursor at from; 1 if anything went. */
static int cut(char *s, size_t from, size_t to, size_t *cur)
{
    memmove(s + from, s + to, strlen(s + to) + 1);
    *cur = from;
    return to > from;
}

int lineedit_backspace(char *s, size_t *cur)
{
    size_t at = lineedit_clamp(s, *cur);
    return cut(s, char_start(s, at), at, cur);
}

int lineedit_delete(char *s, size_t *cur)
{
    size_t at = lineedit_clamp(s, *cur);
    return cut(s, at, lineedit_char_end(s, at), cur);
}

int lineedit_kill_start(char *s, size_t *cur)
{
    return cut(s, 0, lineedit_clamp(s, *cur), cur);
}

int lineedit_kill_end(char *s, size_t *cur)
{
    size_t at = lineedit_clamp(s, *cur);
    return cut(s, at, strlen(s), cur);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int lineedit_kill_word(char *s, size_t *cur)
{
    size_t end = lineedit_clamp(s, *cur), at = end;
    while (at > 0 && is_space(s[at - 1]))
        at--;
    while (at > 0 && !is_space(s[at - 1]))
        at--;
    return cut(s, at, end, cur);
}

/* ---- scrolling --------------------------------------------------------- */

/* Columns the cursor's cell takes: the character under it, or one at the
 * end (where the next character is typed). */
static int cursor_cell(const char *s, size_t cur)
{
    int w = lineedit_width(s, cur, lineedit_char_end(s, cur));
    return s[cur] && w > 0 ? w : 1;
}

size_t lineedit_scroll(const char *s, size_t cur, size_t first, int cols)
{
    size_t len = strlen(s);
    cur = lineedit_clamp(s, cur);
    first = lineedit_clamp(s, first);
    if (first > cur)
        first = cur;
    while (first < cur && lineedit_width(s, first, cur) + cursor_cell(s, cur) > cols)
        first = lineedit_char_end(s, first);
    while (first > 0) {
        size_t back = char_start(s, first);
        if (lineedit_width(s, back, len) + 1 > cols) /* and a cell at the end */
            break;
        first = back;
    }
    return first;
}
