/*
 * csv.c — an RFC 4180 reader (see csv.h): one pass over the bytes, a field
 * at a time, with the quote state the only state. A line ends with CRLF, LF
 * or a lone CR (old spreadsheet exports), the same everywhere: between
 * records, inside quotes (for line numbers) and when a bad line is skipped.
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_open(csv_reader *r, const char *buf, size_t len)
{
    r->p = buf;
    r->end = buf + len;
    r->line = 1;
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        r->p += 3;
}

void csv_record_free(csv_record *rec)
{
    for (int i = 0; i < rec->n; i++)
        free(rec->field[i]);
    rec->n = 0;
}

/* The length of the line end at p (CRLF 2, LF or a lone CR 1), else 0. */
static size_t eol(const csv_reader *r, const char *p)
{
    if (p >= r->end || (*p != '\n' && *p != '\r'))
        return 0;
    return *p == '\r' && p + 1 < r->end && p[1] == '\n' ? 2 : 1;
}

/* Skip to the start of the next line (after a malformed record). */
static void skip_line(csv_reader *r)
{
    while (r->p < r->end && !eol(r, r->p))
        r->p++;
    if (r->p < r->end)
        r->p += eol(r, r->p), r->line++;
}

/* A malformed record; the rest of its line is skipped unless it ended. */
static int fail(csv_reader *r, int ended, char *why, size_t whysz, const char *msg)
{
    snprintf(why, whysz, "%s", msg);
    if (!ended)
        skip_line(r);
    return -1;
}

static int add(csv_record *rec, const char *buf, size_t n)
{
    if (rec->n == CSV_MAX_FIELDS)
        return -1;
    char *f = malloc(n + 1);
    if (!f)
        return -1;
    memcpy(f, buf, n);
    f[n] = '\0';
    rec->field[rec->n++] = f;
    return 0;
}

/* One field into buf; *ended set at the end of the record. 0, or -1 with
 * the reason in msg. */
static int field(csv_reader *r, char *buf, size_t *n, int *ended, const char **msg)
{
    int quoted = r->p < r->end && *r->p == '"';
    *n = 0;
    *ended = 0;
    if (quoted)
        r->p++;
    for (;;) {
        if (r->p >= r->end) {
            if (quoted)
                return *msg = "a quoted field is not closed", -1;
            *ended = 1;
            return 0;
        }
        char c = *r->p;
        if (c == '\0')
            return *msg = "a NUL byte", -1;
        if (quoted && c == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                c = '"';
                r->p++;
            } else {
                r->p++;
                quoted = 0;
                if (r->p < r->end && !strchr(",\r\n", *r->p))
                    return *msg = "a character after a closing quote", -1;
                continue;
            }
        } else if (!quoted && c == ',') {
            r->p++;
            return 0;
        } else if (!quoted && eol(r, r->p)) {
            r->p += eol(r, r->p);
            r->line++;
            *ended = 1;
            return 0;
        } else if (eol(r, r->p) == 1) { /* inside quotes; CRLF counts at its LF */
            r->line++;
        }
        if (*n >= CSV_MAX_FIELD)
            return *msg = "a field over 4096 bytes", -1;
        buf[(*n)++] = c;
        r->p++;
    }
}

int csv_next(csv_reader *r, csv_record *rec, char *why, size_t whysz)
{
    char buf[CSV_MAX_FIELD];
    memset(rec, 0, sizeof *rec);
    while (eol(r, r->p)) /* blank lines */
        r->p += eol(r, r->p), r->line++;
    if (r->p >= r->end)
        return 0;
    rec->line = r->line;
    for (int ended = 0; !ended;) {
        size_t n;
        const char *msg = NULL;
        if (field(r, buf, &n, &ended, &msg) != 0)
            return fail(r, 0, why, whysz, msg);
        if (add(rec, buf, n) != 0)
            return fail(r, ended, why, whysz, "more than 64 fields");
    }
    return 1;
}
