/*
 * guard.h — the one door every core function goes through before it reads
 * or changes anything: the acting account is still active with the role the
 * session opened under, the role matrix allows the action (access.h), and
 * the client is within the actor's scope for it (scope.h). A refusal is
 * audited: at once when no transaction is open, otherwise by ctx_txn after
 * the transaction that met it rolls back.
 *
 * Screens and commands may ask access_check or scope_client first for a
 * friendlier message; nothing depends on them doing so.
 */
#ifndef CC_GUARD_H
#define CC_GUARD_H

#include "ctx.h"

/* CC_OK if the actor's account is active and its role unchanged since the
 * session began; CC_EREFUSED otherwise ("log in again"). The system passes. */
int guard_actor(cc_ctx *ctx, cc_err *err);

/* guard_actor, then the role matrix for action. */
int guard_action(cc_ctx *ctx, const char *action, cc_err *err);

/* guard_action, then (client_id != 0) the client within the actor's scope for
 * what action needs of it (read or write), and never a write to a record
 * merged into another (merge.h); refusals audited as "<action>.refused" on
 * the client with details. */
int guard_client(cc_ctx *ctx, const char *action, int64_t client_id,
                 const char *details, cc_err *err);

#endif
