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

/* Inside the caller's transaction: alert supervisors that account
 * subject_staff_id changed in a way that opens client content (details says
 * how and by whom), and audit it. Listed by `report accounts`. */
int alert_account_in(cc_ctx *ctx, int64_t subject_staff_id, const char *details,
                     cc_err *err);

#endif
