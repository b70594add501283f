/*
 * disclose.c — the accounting of disclosures and the whole-record export
 * use case (see disclose.h). The consent gate is consent_covers, the same
 * one a hand-off to an organization passes.
 */
#include "disclose.h"

#include <stdio.h>
#include <string.h>

#include "consent.h"
#include "guard.h"
#include "org.h"

int disclosure_record(cc_ctx *ctx, int64_t client_id, int64_t org_id, const char *what,
                      const char *purpose, int substance_use, int64_t handoff_id,
                      cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO disclosure (client_id, organization_id, at, "
                    "what, purpose, substance_use, staff_id, handoff_id) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, org_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, substance_use != 0);
    sqlite3_bind_int64(st, 7, ctx->staff_id);
    if (handoff_id)
        sqlite3_bind_int64(st, 8, handoff_id);
    if (ctx_done(ctx, st, "recording disclosure", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "disclosure", "client", client_id, purpose, err);
}

struct record_args {
    disclose_request *req;
    disclose_builder build;
    void *arg;
};

/* The organization and whether substance-use information may go to it. */
static int outside_gate(cc_ctx *ctx, const disclose_request *req, int64_t *org, int *su,
                        cc_err *err)
{
    if (!req->purpose || !req->purpose[0])
        return cc_err_set(err, CC_EINPUT,
                          "a record for another organization needs a purpose");
    if (ctx_text_ok(req->purpose, "the purpose", 200, 0, err) != CC_OK)
        return err->code;
    *org = org_resolve(ctx, req->to_org, err);
    if (!*org)
        return err->code;
    if (consent_covers(ctx, req->client_id, *org, 0, err) != CC_OK)
        return err->code;
    cc_err quiet = {0};
    *su = consent_covers(ctx, req->client_id, *org, 1, &quiet) == CC_OK;
    return CC_OK;
}

static int record_in(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct record_args *a = arg;
    disclose_request *req = a->req;
    int outside = req->to_org && req->to_org[0], su = 1;
    int64_t org = 0;
    char what[512] = "", details[256];
    if (guard_client(ctx, "export.record", req->client_id, outside ? req->to_org : "",
                     err) != CC_OK)
        return err->code;
    if (outside && outside_gate(ctx, req, &org, &su, err) != CC_OK)
        return err->code;
    if (a->build(ctx, req->client_id, su, a->arg, what, sizeof what, err) != CC_OK)
        return err->code;
    req->substance_use = su;
    if (outside && disclosure_record(ctx, req->client_id, org, what, req->purpose, su,
                                     0, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "%s%s%s", outside ? "to " : "internal",
             outside ? req->to_org : "",
             su ? "" : " (without substance-use information)");
    return ctx_audit(ctx, "export.record", "client", req->client_id, details, err);
}

int disclose_record(cc_ctx *ctx, disclose_request *req, disclose_builder build,
                    void *arg, cc_err *err)
{
    struct record_args a = {req, build, arg};
    return ctx_txn(ctx, record_in, &a, err);
}

struct bulk_args {
    const char *action, *format, *what;
};

static int bulk_in(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct bulk_args *a = arg;
    char event[32];
    if (guard_action(ctx, a->action, err) != CC_OK)
        return err->code;
    snprintf(event, sizeof event, "export.%s", a->format);
    return ctx_audit(ctx, event, "export", 0, a->what, err);
}

int disclose_bulk_audit(cc_ctx *ctx, const char *action, const char *format,
                        const char *what, cc_err *err)
{
    struct bulk_args a = {action, format, what};
    return ctx_txn(ctx, bulk_in, &a, err);
}
