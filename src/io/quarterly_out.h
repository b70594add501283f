/*
 * quarterly_out.h — the quarterly report (core/quarterly.h) as a document to
 * hand over: text that fits 80 columns and cuts nothing, CSV with one row per
 * program and measure and plain numbers, JSON with numbers as numbers and
 * null for what is not known (docs/quarterly.schema.json), and one
 * self-contained HTML file (inline CSS and SVG, no script, no external
 * resource) that prints on A4 or Letter. Every string from the database is
 * sanitized, and in HTML escaped, on its way out.
 */
#ifndef CC_QUARTERLY_OUT_H
#define CC_QUARTERLY_OUT_H

#include <stdio.h>

#include "core/quarterly.h"

/* The formats, for messages: "text, csv, json or html". */
const char *quarterly_out_formats(void);

/* True if format names one. */
int quarterly_out_known(const char *format);

/* Write q to f in format (one of quarterly_out_formats). 0 on success, -1
 * when writing failed or format is unknown. */
int quarterly_out_write(FILE *f, const quarterly *q, const char *format);

/* One value as the text report shows it ("26.2%", "3.5 days", "n/a"). */
void quarterly_out_value(const qm_def *d, const qm_value *v, char *out, size_t outsz);

#endif
