/*
 * alert.h — what a person does with an alert addressed to them: acknowledge
 * it (seen: it stays in the inbox, marked) or resolve it with a note (dealt
 * with: it leaves the inbox and the header count). A break-glass alert is
 * resolved by the supervisor's review of the grant, not here.
 */
#ifndef CC_ALERT_H
#define CC_ALERT_H

#include "ctx.h"

/* Mark alert id seen by the actor, its addressee (by name or by role).
 * Audited. */
int alert_acknowledge(cc_ctx *ctx, int64_t id, cc_err *err);

/* Resolve alert id with a note (required). Audited. */
int alert_resolve(cc_ctx *ctx, int64_t id, const char *note, cc_err *err);

/* Inside the review's transaction: resolve break-glass grant_id's alert. */
int alert_resolve_grant_in(cc_ctx *ctx, int64_t grant_id, const char *note,
                           cc_err *err);

#endif
