/*
 * scope.h — who may see and change which client.
 *
 * The role matrix (access.h) says which actions a role may take at all;
 * scope says for which clients: coaches their own caseload and their team's;
 * nurses, schedulers and social workers their teams' (membership or cover);
 * program managers the teams they cover; supervisors every client, read
 * only; administrators none. An unassigned client belongs to the teams of
 * the programs it was referred to. Outside that, break-glass: a typed reason,
 * a time limit, an audit entry and an alert for supervisors to review.
 */
#ifndef CC_SCOPE_H
#define CC_SCOPE_H

#include "ctx.h"

#define BREAK_GLASS_DEFAULT_MIN 60
#define BREAK_GLASS_MAX_MIN     240

/* CC_OK if the actor may see (write = 0) or change (write = 1) the client;
 * CC_EREFUSED otherwise, saying why and that break-glass is the way in. */
int scope_client(cc_ctx *ctx, int64_t client_id, int write, cc_err *err);

/* 1 if the actor's reports and measures cover every team (a supervisor,
 * or the system); 0 if only the teams they belong to or cover. */
int scope_sees_all(const cc_ctx *ctx);

/* Open client_id outside one's scope for minutes (1..240) with a reason:
 * a time-limited grant, audited, with an alert for supervisors. Sets *id. */
int scope_break_glass(cc_ctx *ctx, int64_t client_id, const char *reason, int minutes,
                      int64_t *id, cc_err *err);

/* A supervisor marks break-glass grant id reviewed with a comment. */
int scope_review(cc_ctx *ctx, int64_t grant_id, const char *note, cc_err *err);

#endif
