/*
 * encounter.c — recording hospital encounter events.
 */
#include "encounter.h"

#include <string.h>

#include "guard.h"
#include "program.h"
#include "util/clock.h"

struct enc_args {
    int64_t client_id, facility;
    const char *kind, *at;
    int64_t *id;
};

static int do_record(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct enc_args *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "encounter", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO encounter (client_id, facility_id, kind, at) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, a->facility);
    sqlite3_bind_text(st, 3, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->at, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "recording encounter", err) != CC_OK)
        return err->code;
    *a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return ctx_audit(ctx, "encounter.record", "client", a->client_id, a->kind, err);
}

int encounter_record(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                     const char *kind, const char *at, int64_t *id, cc_err *err)
{
    int64_t t;
    struct enc_args a = {client_id, organization_by_code(ctx, facility_code), kind, at,
                         id};
    if (!ctx_in_list(kind, "admit,discharge,ed"))
        return cc_err_set(err, CC_EINPUT, "an encounter is admit, discharge or ed");
    if (clock_parse_iso(at, &t) != 0)
        return cc_err_set(err, CC_EINPUT,
                          "encounter time must be YYYY-MM-DDTHH:MM:SSZ");
    if (!a.facility)
        return cc_err_set(err, CC_EINPUT, "no facility with code %s", facility_code);
    return ctx_txn(ctx, do_record, &a, err);
}
