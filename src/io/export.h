/*
 * export.h — JSON Lines export of clients, referrals, consents, assessments,
 * episodes, tasks and contacts (one object per line, each with an "id").
 */
#ifndef CC_EXPORT_H
#define CC_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/ctx.h"

/* Receives one line (without newline); returns 0 to go on. */
typedef int (*export_sink)(void *arg, const char *line);

/* The kinds that can be exported, comma-separated (for messages). */
const char *export_kinds(void);

/* True if what names an exportable kind. */
int export_known(const char *what);

/* The role-matrix action that guards exporting what: export.case (client
 * content), export.staff (accounts and teams) or export.audit (access log,
 * disclosures). */
const char *export_action(const char *what);

/* Audit the export, then write every object of kind what to sink from one
 * consistent snapshot; *count gets the number of objects. */
int export_jsonl(cc_ctx *ctx, const char *what, export_sink sink, void *arg,
                 int64_t *count, cc_err *err);

/* Create path (which must not exist) for writing an export or report, as
 * the person running the command (not the setgid group), mode 0600.
 * NULL with err set (exit 1) if it cannot. */
FILE *export_create_file(const char *path, cc_err *err);

/* Remove a file export_create_file made (after a failure), as that person. */
void export_remove_file(const char *path);

#endif
