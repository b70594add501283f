/*
 * tableout.h — writing a table (a report) as text that fits a terminal's
 * width, as CSV (RFC 4180, with cells that could start a spreadsheet formula
 * neutralized), or as one JSON document.
 */
#ifndef CC_TABLEOUT_H
#define CC_TABLEOUT_H

#include <stdio.h>

#include "core/worklist.h"

/* One CSV cell: quoted when it holds a comma, quote, CR or LF (quotes
 * doubled); a cell starting with = + - @ tab or CR gets a leading ' so no
 * spreadsheet runs it. Control characters are sanitized first. Writes into
 * out (NUL-terminated); returns its length. */
size_t tableout_csv_cell(const char *cell, char *out, size_t outsz);

/* The same for a cell of any length, malloc'd (NULL if out of memory). */
char *tableout_csv_cell_dup(const char *cell);

/* The whole table as CSV with a header row (CRLF line ends); numeric
 * columns plain numbers, "n/a" where there is no value. */
int tableout_csv(FILE *f, const cc_table *t);

/* The table as text at most width columns wide: a cell wider than its
 * column wraps onto the row's next lines, nothing is cut. title (wrapped)
 * goes first. */
int tableout_text(FILE *f, const cc_table *t, const char *title, int width);

/* One JSON document {"report": kind, "params": {...}, "columns": [...],
 * "rows": [{col: value}]} with cJSON; params are name/value pairs. Numeric
 * columns are numbers; a cell without a value is null. */
int tableout_json(FILE *f, const cc_table *t, const char *kind, const char *const *params,
                  int nparams);

#endif
