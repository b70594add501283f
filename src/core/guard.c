/*
 * guard.c — account freshness, role and scope checked in one place, with
 * every refusal audited. See guard.h.
 */
#include "guard.h"

#include "leave.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "scope.h"
#include "store/nest.h"

int guard_actor(cc_ctx *ctx, cc_err *err)
{
    if (ctx->system)
        return CC_OK;
    if (!ctx->staff_id)
        return cc_err_set(err, CC_EREFUSED, "no one is logged in");
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT active, role FROM staff WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    int rc = sqlite3_step(st);
    int active = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    const unsigned char *role = rc == SQLITE_ROW ? sqlite3_column_text(st, 1) : NULL;
    int same = role && !strcmp((const char *)role, ctx->role);
    ctx_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "reading your account", err);
    if (!active)
        return cc_err_set(err, CC_EREFUSED,
                          "your account has been disabled: the session is over");
    if (!same)
        return cc_err_set(err, CC_EREFUSED,
                          "your role changed since you logged in: log in again");
    return CC_OK;
}

int guard_action(cc_ctx *ctx, const char *action, cc_err *err)
{
    if (guard_actor(ctx, err) != CC_OK)
        return err->code;
    return ctx->system ? CC_OK : access_check(ctx->role, action, err);
}

/* Note the refusal; audit it now when no transaction would roll it back. */
static int refuse(cc_ctx *ctx, const char *action, int64_t client_id,
                  const char *details, cc_err *err)
{
    snprintf(ctx->refused.action, sizeof ctx->refused.action, "%s", action);
    snprintf(ctx->refused.details, sizeof ctx->refused.details, "%s",
             details ? details : "");
    ctx->refused.client_id = client_id;
    if (!store_in_txn(ctx->st)) /* between a batch's use cases too (nest.h) */
        ctx_audit_refusal(ctx);
    return err->code;
}

/* A record merged into another (merge.h) is read, never written: the work
 * goes on in the survivor. */
static int merged_away(cc_ctx *ctx, int64_t client_id, cc_err *err)
{
    int64_t into = ctx_int(
        ctx, "SELECT coalesce(merged_into, 0) FROM client WHERE id = ?1 AND ?2 = ?2",
        client_id, 0);
    if (!into)
        return CC_OK;
    return cc_err_set(err, CC_EREFUSED,
                      "client %lld was merged into client %lld: work on client %lld",
                      (long long)client_id, (long long)into, (long long)into);
}

int guard_client(cc_ctx *ctx, const char *action, int64_t client_id,
                 const char *details, cc_err *err)
{
    if (guard_action(ctx, action, err) != CC_OK)
        return client_id ? refuse(ctx, action, client_id, details, err) : err->code;
    enum access_scope need = access_scope_of(action);
    if (client_id && need == ACCESS_WRITE && merged_away(ctx, client_id, err) != CC_OK)
        return refuse(ctx, action, client_id, details, err);
    if (ctx->system || !client_id || need == ACCESS_NONE)
        return CC_OK;
    int rc = scope_client(ctx, client_id, need == ACCESS_WRITE, err);
    if (rc != CC_OK) /* a refusal is audited; the store's trouble only reported */
        return rc == CC_EREFUSED ? refuse(ctx, action, client_id, details, err) : rc;
    leave_note_cover(ctx, ctx_int(ctx,
                                  "SELECT owner_id FROM client WHERE id = ?1 AND "
                                  "?2 = ?2",
                                  client_id, 0));
    return CC_OK;
}
