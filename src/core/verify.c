/*
 * verify.c — the audit chain's verification as one use case: where it
 * starts (the whole chain, or the point last verified once that entry is
 * proved unchanged), the check itself (src/store/audit.c), and what a run
 * leaves behind: the last verification's summary for the audit screen, the
 * intact head as the next starting point, and its audit entry, in one
 * transaction.
 */
#include "verify.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/clock.h"

/* Where the run starts: after the point last verified if o asks for an
 * incremental run and one is recorded, else at the first entry. */
static int pick_start(cc_ctx *ctx, const verify_opts *o, verify_result *res,
                      cc_err *err)
{
    if (!o->incremental)
        return CC_OK;
    int r = audit_verified_get(ctx->st, &res->start, res->start_at, err);
    if (r < 0)
        return err->code;
    res->from_point = r == 1;
    return CC_OK;
}

static void summarize(cc_ctx *ctx, verify_result *res)
{
    char now[21];
    const audit_result *c = &res->chain;
    ctx_now(ctx, now);
    if (c->first_bad)
        snprintf(res->summary, sizeof res->summary, "%s: BROKEN at entry %lld: %s", now,
                 (long long)c->first_bad, c->why);
    else
        snprintf(res->summary, sizeof res->summary, "%s: intact, %lld entries", now,
                 (long long)c->entries);
}

/* The run's traces, in the caller's transaction. */
static int do_record(cc_ctx *ctx, void *arg, cc_err *err)
{
    verify_result *res = arg;
    if (store_meta_set(ctx->st, "audit_last_verify", res->summary, err) != CC_OK)
        return err->code;
    if (!res->chain.first_bad && res->chain.head.seq > 0) {
        res->recorded = 1;
        return audit_verified_record_in(ctx->st, &res->chain.head, res->from_point,
                                        err);
    }
    return ctx_audit(ctx, "audit.verify", "audit", 0, res->summary, err);
}

int verify_audit(cc_ctx *ctx, const verify_opts *o, verify_result *res, cc_err *err)
{
    memset(res, 0, sizeof *res);
    if (guard_action(ctx, "audit.verify", err) != CC_OK ||
        pick_start(ctx, o, res, err) != CC_OK)
        return err->code;
    int64_t t0 = clock_mono_ms();
    if (audit_verify_from(ctx->st, res->from_point ? &res->start : NULL, o->anchor,
                          &res->chain, o->progress, o->arg, err) != CC_OK)
        return err->code;
    res->ms = clock_mono_ms() - t0;
    summarize(ctx, res);
    int rc = ctx_txn(ctx, do_record, res, err);
    if (rc != CC_OK)
        res->recorded = 0;
    return rc;
}
