/*
 * tableout.c — text, CSV and JSON writers for tables (see tableout.h).
 * Every cell passes text_sanitize on its way out. Numeric columns stay
 * numbers (JSON numbers, plain CSV cells) and a cell without a value is
 * null in JSON and "n/a" in text and CSV; text wraps, it never cuts.
 */
#include "tableout.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* clean (already sanitized) into out as one cell, quoted when needed, with
 * room always kept for the closing quote; returns the length written. */
static size_t quote_cell(const char *clean, int risky, char *out, size_t outsz)
{
    size_t o = 0;
    int quote = risky || strpbrk(clean, ",\"\r\n") != NULL;
    if (outsz < 4)
        return 0;
#define PUT(ch)                                                                        \
    do {                                                                               \
        if (o + 3 < outsz) /* room kept for the closing quote */                       \
            out[o++] = (ch);                                                           \
    } while (0)
    if (quote)
        PUT('"');
    if (risky)
        PUT('\'');
    for (const char *p = clean; *p; p++) {
        if (*p == '"')
            PUT('"');
        PUT(*p);
    }
    if (quote)
        out[o++] = '"';
#undef PUT
    out[o] = '\0';
    return o;
}

/* A cell a spreadsheet could read as a formula: one starting with = + - @,
 * tab or CR, also behind leading spaces, and the fullwidth forms of the
 * four (U+FF1D U+FF0B U+FF0D U+FF20), which some spreadsheets fold. */
static int formula_risk(const char *cell)
{
    static const char *const wide[] = {"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d",
                                       "\xef\xbc\xa0"};
    if (!cell || !cell[0])
        return 0;
    if (strchr("\t\r", cell[0]))
        return 1;
    cell += strspn(cell, " ");
    if (cell[0] && strchr("=+-@", cell[0]))
        return 1;
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        if (!strncmp(cell, wide[i], 3))
            return 1;
    return 0;
}

size_t tableout_csv_cell(const char *cell, char *out, size_t outsz)
{
    char clean[2048];
    text_sanitize(cell ? cell : "", clean, sizeof clean, 1);
    return quote_cell(clean, formula_risk(cell), out, outsz);
}

char *tableout_csv_cell_dup(const char *cell)
{
    size_t n = strlen(cell ? cell : "") + 1;
    char *clean = malloc(n), *out = malloc(2 * n + 4);
    if (clean && out) {
        text_sanitize(cell ? cell : "", clean, n, 1);
        quote_cell(clean, formula_risk(cell), out, 2 * n + 4);
    } else {
        free(out), out = NULL;
    }
    free(clean);
    return out;
}

/* A numeric column's cell is written as it is (we made it; it is a number),
 * so a negative number is not taken for a formula; no value is "n/a". */
static int numeric(const cc_table *t, int c)
{
    return t->types[c] == TABLE_INTEGER || t->types[c] == TABLE_REAL;
}

static const char *shown(const cc_table *t, int r, int c)
{
    return table_shown(t, r, c);
}

/* One row (r = -1: the header); a text cell of any length, whole. */
static int csv_row(FILE *f, const cc_table *t, int r)
{
    for (int c = 0; c < t->ncols; c++) {
        int rc;
        if (r >= 0 && numeric(t, c)) {
            rc = fprintf(f, "%s%.64s", c ? "," : "", shown(t, r, c));
        } else {
            char *cell =
                tableout_csv_cell_dup(r < 0 ? t->cols[c] : table_cell(t, r, c));
            rc = cell ? fprintf(f, "%s%s", c ? "," : "", cell) : -1;
            free(cell);
        }
        if (rc < 0)
            return -1;
    }
    return fputs("\r\n", f) < 0 ? -1 : 0;
}

int tableout_csv(FILE *f, const cc_table *t)
{
    for (int r = -1; r < t->nrows; r++)
        if (csv_row(f, t, r) != 0)
            return -1;
    return 0;
}

/* s sanitized into a new string (newlines kept only if asked); NULL when
 * out of memory. */
static char *clean_dup_nl(const char *s, int keep_newlines)
{
    size_t n = strlen(s) + 1;
    char *out = malloc(n);
    if (out)
        text_sanitize(s, out, n, keep_newlines);
    return out;
}

static char *clean_dup(const char *s)
{
    return clean_dup_nl(s, 0);
}

/* Column widths: each column's widest cell (up to its widest word when the
 * row must shrink), shrunk from the widest until the row fits width. Cells
 * wider than their column wrap onto more lines; nothing is cut. */
static void fit_widths(const cc_table *t, int width, int *w)
{
    int total = 0;
    for (int c = 0; c < t->ncols; c++) {
        char *clean = clean_dup(t->cols[c]);
        w[c] = clean ? text_width(clean) : 1;
        free(clean);
        for (int r = 0; r < t->nrows; r++) {
            clean = clean_dup(shown(t, r, c));
            int cw = clean ? text_width(clean) : 1;
            w[c] = cw > w[c] ? cw : w[c];
            free(clean);
        }
        total += w[c] + (c ? 1 : 0);
    }
    while (total > width) {
        int widest = 0;
        for (int c = 1; c < t->ncols; c++)
            widest = w[c] > w[widest] ? c : widest;
        if (w[widest] <= 6)
            break;
        w[widest]--;
        total--;
    }
}

/* The next piece of cell (len bytes, from *at) that fits cols, without its
 * trailing spaces, into piece; *at moves past it and the spaces after it. */
static void next_piece(const char *cell, size_t len, size_t *at, int cols, char *piece,
                       size_t piecesz)
{
    size_t n = cell ? text_wrap_len(cell + *at, len - *at, cols) : 0, keep = n;
    while (keep > 0 && cell[*at + keep - 1] == ' ')
        keep--;
    snprintf(piece, piecesz, "%.*s", (int)keep, cell ? cell + *at : "");
    *at += n;
    while (*at < len && cell[*at] == ' ')
        (*at)++;
}

/* One row (r = -1: the header) as as many lines as its tallest cell needs;
 * each line without trailing spaces. */
static int text_row(FILE *f, const cc_table *t, int r, const int *w)
{
    char *cell[TABLE_MAX_COLS];
    size_t at[TABLE_MAX_COLS] = {0}, len[TABLE_MAX_COLS];
    int more = 1, rc = 0;
    for (int c = 0; c < t->ncols; c++) {
        cell[c] = clean_dup(r < 0 ? t->cols[c] : shown(t, r, c));
        len[c] = cell[c] ? strlen(cell[c]) : 0;
    }
    while (more && rc == 0) {
        char line[8192];
        size_t used = 0;
        more = 0;
        for (int c = 0; c < t->ncols; c++) {
            char piece[1024], fitted[1536];
            next_piece(cell[c], len[c], &at[c], w[c], piece, sizeof piece);
            more |= at[c] < len[c];
            text_fit(piece, w[c], fitted, sizeof fitted, 1);
            used += (size_t)snprintf(line + used,
                                     used < sizeof line ? sizeof line - used : 0,
                                     "%s%s", c ? " " : "", fitted);
        }
        used = used < sizeof line ? used : sizeof line - 1;
        while (used > 0 && line[used - 1] == ' ')
            used--;
        rc = fprintf(f, "%.*s\n", (int)used, line) < 0 ? -1 : 0;
    }
    for (int c = 0; c < t->ncols; c++)
        free(cell[c]);
    return rc;
}

/* title, wrapped to width. */
static void text_title(FILE *f, const char *title, int width)
{
    char clean[1024];
    size_t n = text_sanitize(title, clean, sizeof clean, 0), at = 0;
    while (at < n) {
        size_t len = text_wrap_len(clean + at, n - at, width);
        fprintf(f, "%.*s\n", (int)len, clean + at);
        at += len;
        while (at < n && clean[at] == ' ')
            at++;
    }
}

int tableout_text(FILE *f, const cc_table *t, const char *title, int width)
{
    int w[TABLE_MAX_COLS];
    fit_widths(t, width, w);
    if (title)
        text_title(f, title, width);
    for (int r = -1; r < t->nrows; r++)
        if (text_row(f, t, r, w) != 0)
            return -1;
    if (!t->nrows)
        fputs("(nothing to report)\n", f);
    return ferror(f) ? -1 : 0;
}

/* A cell as JSON: null without a value, a number in a numeric column. */
static cJSON *json_cell(const cc_table *t, int r, int c)
{
    char *clean;
    cJSON *v;
    if (table_is_null(t, r, c))
        return cJSON_CreateNull();
    if (numeric(t, c))
        return cJSON_CreateNumber(strtod(table_cell(t, r, c), NULL));
    clean = clean_dup_nl(table_cell(t, r, c), 1); /* JSON escapes newlines */
    v = cJSON_CreateString(clean ? clean : "");
    free(clean);
    return v;
}

int tableout_json(FILE *f, const cc_table *t, const char *kind,
                  const char *const *params, int nparams)
{
    char clean[2048];
    cJSON *doc = cJSON_CreateObject(), *p, *cols, *rows;
    cJSON_AddStringToObject(doc, "report", kind);
    p = cJSON_AddObjectToObject(doc, "params");
    for (int i = 0; i + 1 < nparams * 2; i += 2) {
        text_sanitize(params[i + 1], clean, sizeof clean, 0);
        cJSON_AddStringToObject(p, params[i], clean);
    }
    cols = cJSON_AddArrayToObject(doc, "columns");
    for (int c = 0; c < t->ncols; c++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(t->cols[c]));
    rows = cJSON_AddArrayToObject(doc, "rows");
    for (int r = 0; r < t->nrows; r++) {
        cJSON *o = cJSON_CreateObject();
        for (int c = 0; c < t->ncols; c++)
            cJSON_AddItemToObject(o, t->cols[c], json_cell(t, r, c));
        cJSON_AddItemToArray(rows, o);
    }
    char *text = cJSON_Print(doc);
    int rc = text && fprintf(f, "%s\n", text) >= 0 ? 0 : -1;
    free(text);
    cJSON_Delete(doc);
    return rc;
}
