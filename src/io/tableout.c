/*
 * tableout.c — text, CSV and JSON writers for tables (see tableout.h).
 * Every cell passes text_sanitize on its way out.
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

static int csv_row(FILE *f, const cc_table *t, int r)
{
    char cell[4200];
    for (int c = 0; c < t->ncols; c++) {
        tableout_csv_cell(r < 0 ? t->cols[c] : table_cell(t, r, c), cell, sizeof cell);
        if (fprintf(f, "%s%s", c ? "," : "", cell) < 0)
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

/* Column widths: each column's widest cell, shrunk from the widest until
 * the row fits width. */
static void fit_widths(const cc_table *t, int width, int *w)
{
    int total = 0;
    for (int c = 0; c < t->ncols; c++) {
        char clean[512];
        text_sanitize(t->cols[c], clean, sizeof clean, 0);
        w[c] = text_width(clean);
        for (int r = 0; r < t->nrows; r++) {
            text_sanitize(table_cell(t, r, c), clean, sizeof clean, 0);
            int cw = text_width(clean);
            w[c] = cw > w[c] ? cw : w[c];
        }
        total += w[c] + (c ? 1 : 0);
    }
    while (total > width) {
        int widest = 0;
        for (int c = 1; c < t->ncols; c++)
            widest = w[c] > w[widest] ? c : widest;
        if (w[widest] <= 3)
            break;
        w[widest]--;
        total--;
    }
}

int tableout_text(FILE *f, const cc_table *t, const char *title, int width)
{
    int w[TABLE_MAX_COLS];
    char clean[1024], fitted[1536];
    fit_widths(t, width, w);
    if (title) {
        text_sanitize(title, clean, sizeof clean, 0);
        text_truncate(clean, width, fitted, sizeof fitted, 1);
        fprintf(f, "%s\n", fitted);
    }
    for (int r = -1; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            text_sanitize(r < 0 ? t->cols[c] : table_cell(t, r, c), clean, sizeof clean,
                          0);
            if (c == t->ncols - 1)
                text_truncate(clean, w[c], fitted, sizeof fitted, 1);
            else
                text_fit(clean, w[c], fitted, sizeof fitted, 1);
            if (fprintf(f, "%s%s", c ? " " : "", fitted) < 0)
                return -1;
        }
        fputc('\n', f);
    }
    if (!t->nrows)
        fputs("(nothing to report)\n", f);
    return 0;
}

int tableout_json(FILE *f, const cc_table *t, const char *kind,
                  const char *const *params, int nparams)
{
    char clean[2048];
    cJSON *doc = cJSON_CreateObject(), *p, *cols, *rows;
    cJSON_AddStringToObject(doc, "report", kind);
    p = cJSON_AddObjectToObject(doc, "params");
    for (int i = 0; i + 1 < nparams * 2; i += 2)
        cJSON_AddStringToObject(p, params[i], params[i + 1]);
    cols = cJSON_AddArrayToObject(doc, "columns");
    for (int c = 0; c < t->ncols; c++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(t->cols[c]));
    rows = cJSON_AddArrayToObject(doc, "rows");
    for (int r = 0; r < t->nrows; r++) {
        cJSON *o = cJSON_CreateObject();
        for (int c = 0; c < t->ncols; c++) {
            text_sanitize(table_cell(t, r, c), clean, sizeof clean, 1);
            cJSON_AddStringToObject(o, t->cols[c], clean);
        }
        cJSON_AddItemToArray(rows, o);
    }
    char *text = cJSON_Print(doc);
    int rc = text && fprintf(f, "%s\n", text) >= 0 ? 0 : -1;
    free(text);
    cJSON_Delete(doc);
    return rc;
}
