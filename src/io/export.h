/*
 * export.h — exporting the case data kind by kind (clients, referrals,
 * consents, assessments, episodes, tasks, contacts, staff, teams, hand-offs,
 * disclosures, the access log, alerts) as JSON Lines (one object per line,
 * each with an "id") or as CSV (RFC 4180: a header row, then one row per
 * object with the same fields, formula-safe cells).
 */
#ifndef CC_EXPORT_H
#define CC_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/ctx.h"

enum export_format { EXPORT_JSONL, EXPORT_CSV };

/* Receives one record with its line end (LF for JSON Lines, CRLF for CSV,
 * whose quoted cells may hold line breaks); returns 0 to go on. */
typedef int (*export_sink)(void *arg, const char *line);

/* The kinds that can be exported, comma-separated (for messages). */
const char *export_kinds(void);

/* True if what names an exportable kind. */
int export_known(const char *what);

/* The role-matrix action that guards exporting what: export.case (client
 * content), export.staff (accounts and teams) or export.audit (access log,
 * disclosures). */
const char *export_action(const char *what);

/* Audit the export (export.jsonl or export.csv), then write every object of
 * kind what to sink in format fmt from one consistent snapshot (CSV: the
 * header first, even with no rows); *count gets the number of objects. */
int export_data(cc_ctx *ctx, const char *what, enum export_format fmt, export_sink sink,
                void *arg, int64_t *count, cc_err *err);

/* Create path (which must not exist) for writing an export or report, as
 * the person running the command (not the setgid group), mode 0600.
 * NULL with err set (exit 1) if it cannot. */
FILE *export_create_file(const char *path, cc_err *err);

/* Create directory path (which must not exist, or be empty) as that
 * person, mode 0700. CC_EUSAGE with err set if it cannot. */
int export_create_dir(const char *path, cc_err *err);

/* Remove a file export_create_file made (after a failure), as that person. */
void export_remove_file(const char *path);

#endif
