/*
 * hl7.c — reading HL7 v2 messages (see hl7.h). A message is copied once,
 * with every segment ending normalised to CR; fields are found by counting
 * separators on demand, so a message is never expanded into a tree. Every
 * value leaves through hl7_get, which decodes the escape sequences and then
 * sanitizes: what a sender writes never reaches a terminal or the database
 * as a control character.
 */
#include "hl7.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/text.h"

enum hl7_code hl7_fail(hl7_error *e, enum hl7_code code, const char *segment, int field,
                       const char *fmt, ...)
{
    va_list ap;
    e->code = code;
    snprintf(e->segment, sizeof e->segment, "%s", segment ? segment : "");
    e->field = field;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- parsing ------------------------------------------------------------ */

/* Copy text with every CR, LF or CRLF as one CR and blank lines dropped. */
static size_t normalise(const char *text, size_t len, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\r' || c == '\n') {
            if (k && out[k - 1] != '\r')
                out[k++] = '\r';
            continue;
        }
        out[k++] = c;
    }
    if (k && out[k - 1] != '\r')
        out[k++] = '\r';
    return k;
}

static enum hl7_code delimiters(hl7_msg *m, hl7_error *e)
{
    const char *t = m->text;
    if (m->len < 8 || strncmp(t, "MSH", 3) != 0)
        return hl7_fail(e, HL7_SEGMENT_SEQUENCE, "MSH", 0,
                        "a message starts with an MSH segment");
    m->fs = t[3];
    m->cs = t[4], m->rs = t[5], m->es = t[6], m->ss = t[7];
    if (m->ss == m->fs) /* only four encoding characters were given */
        m->ss = '&';
    const char d[5] = {m->fs, m->cs, m->rs, m->es, m->ss};
    for (int i = 0; i < 5; i++) {
        if (d[i] == '\r' || isalnum((unsigned char)d[i]) || d[i] == ' ')
            return hl7_fail(e, HL7_DATA_TYPE, "MSH", i < 1 ? 1 : 2,
                            "bad delimiter in MSH-1/MSH-2");
        for (int j = 0; j < i; j++)
            if (d[i] == d[j] && !(i == 4 && t[7] == m->fs))
                return hl7_fail(e, HL7_DATA_TYPE, "MSH", 2,
                                "MSH-2 repeats a delimiter");
    }
    return HL7_OK;
}

enum hl7_code hl7_parse(const char *text, size_t len, hl7_msg *m, hl7_error *e)
{
    memset(m, 0, sizeof *m);
    memset(e, 0, sizeof *e);
    if (len > HL7_MAX_MESSAGE)
        return hl7_fail(e, HL7_INTERNAL, "", 0, "message over %d bytes",
                        HL7_MAX_MESSAGE);
    m->text = malloc(len + 2);
    if (!m->text)
        return hl7_fail(e, HL7_INTERNAL, "", 0, "out of memory");
    m->len = normalise(text, len, m->text);
    m->text[m->len] = '\0';
    enum hl7_code rc = delimiters(m, e);
    for (size_t i = 0; rc == HL7_OK && i < m->len;) {
        size_t n = strcspn(m->text + i, "\r");
        if (m->nseg == HL7_MAX_SEGMENTS)
            return hl7_fail(e, HL7_INTERNAL, "", 0, "more than %d segments",
                            HL7_MAX_SEGMENTS);
        if (n < 3)
            return hl7_fail(e, HL7_SEGMENT_SEQUENCE, "", 0, "segment %d has no name",
                            m->nseg + 1);
        m->seg[m->nseg++] = (hl7_seg){m->text + i, n};
        i += n + 1;
    }
    return rc;
}

void hl7_msg_free(hl7_msg *m)
{
    free(m->text);
    m->text = NULL;
}

static int named(const hl7_msg *m, const hl7_seg *s, const char *name)
{
    return s->n >= 3 && !memcmp(s->p, name, 3) && (s->n == 3 || s->p[3] == m->fs);
}

const hl7_seg *hl7_segment(const hl7_msg *m, const char *name, int k)
{
    for (int i = 0; i < m->nseg; i++)
        if (named(m, &m->seg[i], name) && k-- == 0)
            return &m->seg[i];
    return NULL;
}

int hl7_count(const hl7_msg *m, const char *name)
{
    int n = 0;
    for (int i = 0; i < m->nseg; i++)
        n += named(m, &m->seg[i], name);
    return n;
}

/* ---- fields ----------------------------------------------------------- */

typedef struct span {
    const char *p;
    size_t n;
} span;

/* The k-th (0-based) piece of in split at sep; empty if there is none. */
static span piece(span in, char sep, int k)
{
    const char *p = in.p, *end = in.p + in.n;
    while (k > 0 && p < end) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q)
            return (span){end, 0};
        p = q + 1;
        k--;
    }
    if (k > 0)
        return (span){end, 0};
    const char *q = memchr(p, sep, (size_t)(end - p));
    return (span){p, (size_t)((q ? q : end) - p)};
}

/* Field field of s as the standard numbers it (MSH-1 is the separator). */
static span field_of(const hl7_msg *m, const hl7_seg *s, int field)
{
    span seg = {s->p, s->n};
    if (named(m, s, "MSH")) {
        if (field == 1)
            return (span){s->p + 3, 1};
        return piece(seg, m->fs, field - 1);
    }
    return piece(seg, m->fs, field);
}

static int hexval(char c)
{
    return isdigit((unsigned char)c)    ? c - '0'
           : isxdigit((unsigned char)c) ? (tolower((unsigned char)c) - 'a' + 10)
                                        : -1;
}

/* Decode one escape sequence body (between two escape characters). */
static size_t unescape_one(const hl7_msg *m, span body, char *out, size_t room)
{
    size_t k = 0;
    if (body.n == 1) {
        char c = body.p[0] == 'F'   ? m->fs
                 : body.p[0] == 'S' ? m->cs
                 : body.p[0] == 'T' ? m->ss
                 : body.p[0] == 'R' ? m->rs
                 : body.p[0] == 'E' ? m->es
                                    : 0;
        if (c && room)
            out[k++] = c;
        return k;
    }
    if (body.n >= 3 && body.p[0] == 'X' && body.n % 2 == 1)
        for (size_t i = 1; i + 1 < body.n && k < room; i += 2) {
            int hi = hexval(body.p[i]), lo = hexval(body.p[i + 1]);
            if (hi < 0 || lo < 0)
                return k;
            out[k++] = (char)(hi * 16 + lo);
        }
    if (body.n == 3 && !memcmp(body.p, ".br", 3) && room)
        out[k++] = ' '; /* a line break in formatted text */
    return k;           /* \H\ \N\ and other formatting: dropped */
}

static size_t unescape(const hl7_msg *m, span v, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < v.n && k + 1 < outsz;) {
        if (v.p[i] == m->es) {
            const char *close = memchr(v.p + i + 1, m->es, v.n - i - 1);
            if (close) {
                span body = {v.p + i + 1, (size_t)(close - v.p - i - 1)};
                k += unescape_one(m, body, out + k, outsz - 1 - k);
                i = (size_t)(close - v.p) + 1;
                continue;
            }
        }
        out[k++] = v.p[i++];
    }
    out[k] = '\0';
    return k;
}

size_t hl7_get(const hl7_msg *m, const hl7_seg *s, int field, int rep, int comp,
               int sub, char *out, size_t outsz)
{
    char raw[1024];
    if (!outsz)
        return 0;
    out[0] = '\0';
    if (!s || field < 1)
        return 0;
    span v = field_of(m, s, field);
    int msh2 = named(m, s, "MSH") && field <= 2;
    if (!msh2) {
        v = piece(v, m->rs, rep);
        if (comp > 0)
            v = piece(v, m->cs, comp - 1);
        if (comp > 0 && sub > 0)
            v = piece(v, m->ss, sub - 1);
    }
    if (msh2) {
        snprintf(raw, sizeof raw, "%.*s", (int)v.n, v.p);
    } else {
        unescape(m, v, raw, sizeof raw);
    }
    if (!strcmp(raw, "\"\"")) /* HL7's explicit null */
        raw[0] = '\0';
    return text_sanitize(raw, out, outsz, 0);
}

int hl7_reps(const hl7_msg *m, const hl7_seg *s, int field)
{
    span v = field_of(m, s, field);
    if (!v.n)
        return 0;
    int n = 1;
    for (size_t i = 0; i < v.n; i++)
        n += v.p[i] == m->rs;
    return n;
}

/* ---- times -------------------------------------------------------------- */

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int hl7_time(const char *v, int need_time, char out[21])
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    size_t n = strcspn(v, "+-");
    const char *zone = v[n] ? v + n : NULL;
    char date[11];
    if (n < 8 || !digits(v, 8))
        return -1;
    sscanf(v, "%4d%2d%2d", &y, &mo, &d);
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
    int64_t days;
    if (clock_parse_date(date, &days) != 0)
        return -1;
    if (!need_time) {
        snprintf(out, 11, "%s", date);
        return n == 8 || digits(v + 8, 2) ? 0 : -1;
    }
    if (n < 12 || !digits(v + 8, 4) || (n >= 14 && !digits(v + 12, 2)))
        return -1;
    sscanf(v + 8, "%2d%2d", &h, &mi);
    if (n >= 14)
        sscanf(v + 12, "%2d", &sec);
    if (n > 14 && v[14] != '.')
        return -1;
    int64_t t;
    if (zone) {
        char iso[40];
        if (strlen(zone) != 5 || !digits(zone + 1, 4))
            return -1;
        snprintf(iso, sizeof iso, "%sT%02d:%02d:%02d%c%.2s:%.2s", date, h, mi, sec,
                 zone[0], zone + 1, zone + 3);
        if (clock_parse_iso(iso, &t) != 0)
            return -1;
    } else if (!(t = clock_local_instant(date, h, mi, sec))) {
        return -1;
    }
    clock_format_iso(t, out);
    return 0;
}

/* ---- splitting a stream ------------------------------------------------- */

static int is_batch(const char *p, size_t n)
{
    static const char *const env[] = {"FHS", "BHS", "BTS", "FTS"};
    for (size_t i = 0; i < 4; i++)
        if (n >= 3 && !memcmp(p, env[i], 3))
            return 1;
    return 0;
}

struct splitter {
    const char *start; /* of the message under way, or NULL */
    int number, line;
    int (*fn)(void *, const char *, size_t, int, int);
    void *arg;
};

static int flush(struct splitter *sp, const char *end)
{
    if (!sp->start)
        return 0;
    int rc =
        sp->fn(sp->arg, sp->start, (size_t)(end - sp->start), ++sp->number, sp->line);
    sp->start = NULL;
    return rc;
}

int hl7_split(const char *buf, size_t len,
              int (*fn)(void *arg, const char *msg, size_t n, int number, int line),
              void *arg)
{
    struct splitter sp = {NULL, 0, 0, fn, arg};
    int line = 1;
    for (size_t i = 0; i < len;) {
        /* one line: up to CR, LF, or an MLLP byte (0x0B start, 0x1C end) */
        size_t n = 0;
        while (i + n < len && !strchr("\r\n\x0b\x1c", buf[i + n]))
            n++;
        const char *p = buf + i;
        int rc = 0;
        if (n >= 3 && !memcmp(p, "MSH", 3)) {
            rc = flush(&sp, p);
            sp.start = p, sp.line = line;
        } else if (is_batch(p, n)) {
            rc = flush(&sp, p);
        } else if (n && !sp.start) {
            /* a line outside any message: its own (failing) message */
            rc = fn(arg, p, n, ++sp.number, line);
        }
        if (rc)
            return -rc;
        i += n;
        if (i < len && buf[i] == '\x1c') { /* MLLP end: the message ends here */
            if ((rc = flush(&sp, buf + i)) != 0)
                return -rc;
        }
        if (i < len) {
            line += buf[i] == '\n' ||
                    (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'));
            i++;
        }
    }
    int rc = flush(&sp, buf + len);
    return rc ? -rc : sp.number;
}

/* ---- the acknowledgement ------------------------------------------------ */

/* Append v escaped with m's delimiters. */
static void put_escaped(const hl7_msg *m, const char *v, char *out, size_t outsz,
                        size_t *k)
{
    for (; *v && *k + 4 < outsz; v++) {
        char c = *v == m->fs   ? 'F'
                 : *v == m->cs ? 'S'
                 : *v == m->rs ? 'R'
                 : *v == m->es ? 'E'
                 : *v == m->ss ? 'T'
                               : 0;
        if (c) {
            out[(*k)++] = m->es, out[(*k)++] = c, out[(*k)++] = m->es;
        } else {
            out[(*k)++] = *v;
        }
    }
    out[*k] = '\0';
}

static void put_raw(const char *v, char *out, size_t outsz, size_t *k)
{
    while (*v && *k + 1 < outsz)
        out[(*k)++] = *v++;
    out[*k] = '\0';
}

static void put_field(const hl7_msg *m, const hl7_seg *msh, int field, char *out,
                      size_t outsz, size_t *k)
{
    char v[256];
    hl7_get(m, msh, field, 0, 0, 0, v, sizeof v);
    put_escaped(m, v, out, outsz, k);
}

size_t hl7_ack(const hl7_msg *m, const char *ack, const hl7_error *e,
               const char *now_dtm, const char *control_id, char *out, size_t outsz)
{
    const hl7_seg *msh = hl7_segment(m, "MSH", 0);
    char fs[2] = {m->fs ? m->fs : '|', 0}, enc[5] = {m->cs, m->rs, m->es, m->ss, 0};
    char event[8], ctl[64], sep[2] = {m->cs ? m->cs : '^', 0};
    size_t k = 0;
    if (!msh || outsz < 64)
        return 0;
    hl7_get(m, msh, 9, 0, 2, 0, event, sizeof event);
    hl7_get(m, msh, 10, 0, 0, 0, ctl, sizeof ctl);
    put_raw("MSH", out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_raw(enc, out, outsz, &k);
    static const int swapped[] = {5, 6, 3, 4}; /* receiver becomes the sender */
    for (int i = 0; i < 4; i++) {
        put_raw(fs, out, outsz, &k);
        put_field(m, msh, swapped[i], out, outsz, &k);
    }
    put_raw(fs, out, outsz, &k);
    put_raw(now_dtm, out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_raw("ACK", out, outsz, &k);
    put_raw(sep, out, outsz, &k);
    put_escaped(m, event, out, outsz, &k);
    put_raw(sep, out, outsz, &k);
    put_raw("ACK", out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_escaped(m, control_id, out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_field(m, msh, 11, out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_field(m, msh, 12, out, outsz, &k);
    put_raw("\rMSA", out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_raw(ack, out, outsz, &k);
    put_raw(fs, out, outsz, &k);
    put_escaped(m, ctl, out, outsz, &k);
    put_raw("\r", out, outsz, &k);
    if (e && e->code != HL7_OK) {
        char loc[64], code[96];
        snprintf(loc, sizeof loc, "%s%s1%s%d", e->segment, sep, sep, e->field);
        snprintf(code, sizeof code, "%d", (int)e->code);
        put_raw("ERR", out, outsz, &k);
        put_raw(fs, out, outsz, &k);
        put_raw(fs, out, outsz, &k);
        put_raw(loc, out, outsz, &k);
        put_raw(fs, out, outsz, &k);
        put_raw(code, out, outsz, &k);
        put_raw(sep, out, outsz, &k);
        put_escaped(m, e->text, out, outsz, &k);
        put_raw(sep, out, outsz, &k);
        put_raw("HL70357", out, outsz, &k);
        put_raw(fs, out, outsz, &k);
        put_raw("E", out, outsz, &k);
        put_raw("\r", out, outsz, &k);
    }
    return k + 1 < outsz ? k : 0;
}
