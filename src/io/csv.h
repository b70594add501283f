/*
 * csv.h — reading comma-separated files as RFC 4180 writes them: quoted
 * fields with doubled quotes, commas and line breaks inside quotes, CRLF,
 * LF or (old spreadsheet exports) CR record ends, a UTF-8 byte-order mark
 * at the start. For the referral spreadsheets hospitals and facilities
 * send; the fields are handed on as they are (the core validates and
 * sanitizes what it keeps).
 */
#ifndef CC_IO_CSV_H
#define CC_IO_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD  4096

typedef struct csv_reader {
    const char *p, *end;
    int line; /* the line the next record starts on (1-based) */
} csv_reader;

typedef struct csv_record {
    char *field[CSV_MAX_FIELDS]; /* malloc'd, NUL-terminated */
    int n;
    int line; /* where the record starts */
} csv_record;

/* Start reading buf (len bytes), skipping a byte-order mark. */
void csv_open(csv_reader *r, const char *buf, size_t len);

/* The next record into rec: 1, 0 at the end, -1 on a malformed record
 * (an unterminated quote, a character after a closing quote, too many or
 * too long fields, a NUL byte) with why filled and the reader moved past
 * the line. Free the record with csv_record_free either way. */
int csv_next(csv_reader *r, csv_record *rec, char *why, size_t whysz);

/* Free the fields of rec. */
void csv_record_free(csv_record *rec);

#endif
