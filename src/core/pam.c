/*
 * pam.c — Patient Activation Measure results (see pam.h): recorded with
 * the site's licence reference, guarded as a change to the client's record
 * and audited; the first and latest results for the summary.
 */
#include "pam.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/clock.h"
#include "util/text.h"

static int pam_validate(cc_ctx *ctx, const pam_result *r, cc_err *err)
{
    int64_t d;
    char today[11];
    if (!(r->score >= 0 && r->score <= 100))
        return cc_err_set(err, CC_EINPUT, "a PAM score is from 0 to 100");
    if (r->level < 1 || r->level > 4)
        return cc_err_set(err, CC_EINPUT, "a PAM level is from 1 to 4");
    if (!ctx_in_list(r->instrument, "PAM-10,PAM-13"))
        return cc_err_set(err, CC_EINPUT, "the instrument is PAM-10 or PAM-13");
    if (strlen(r->taken_date) != 10 || clock_parse_date(r->taken_date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "the date must be YYYY-MM-DD");
    ctx_today(ctx, today);
    if (strcmp(r->taken_date, today) > 0)
        return cc_err_set(err, CC_EINPUT, "a PAM result is not from the future");
    return CC_OK;
}

static int do_record(cc_ctx *ctx, void *arg, cc_err *err)
{
    pam_result *r = arg;
    char now[21], details[64];
    if (guard_client(ctx, "client.write", r->client_id, "pam", err) != CC_OK)
        return err->code;
    if (store_meta_get(ctx->st, "pam_licence", r->licence_ref, sizeof r->licence_ref,
                       err) != CC_OK ||
        !r->licence_ref[0])
        return cc_err_set(
            err, CC_EINPUT,
            "the site has no PAM licence reference: an administrator sets "
            "it (carecoord pam licence REF)");
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO pam_result (client_id, score, level, instrument, taken_date, "
        "administered_by, licence_ref, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, r->client_id);
    sqlite3_bind_double(st, 2, r->score);
    sqlite3_bind_int(st, 3, r->level);
    sqlite3_bind_text(st, 4, r->instrument, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->taken_date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ctx->staff_id);
    sqlite3_bind_text(st, 7, r->licence_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "recording the PAM result", err) != CC_OK)
        return err->code;
    r->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    snprintf(details, sizeof details, "pam %lld level %d", (long long)r->id, r->level);
    return ctx_audit(ctx, "pam.record", "client", r->client_id, details, err);
}

int pam_record(cc_ctx *ctx, pam_result *r, cc_err *err)
{
    if (pam_validate(ctx, r, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_record, r, err);
}

static int do_licence(cc_ctx *ctx, void *arg, cc_err *err)
{
    const char *ref = arg;
    if (guard_action(ctx, "site.settings", err) != CC_OK ||
        store_meta_set(ctx->st, "pam_licence", ref, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "site.pam_licence", "database", 0, ref, err);
}

int pam_licence_set(cc_ctx *ctx, const char *ref, cc_err *err)
{
    if (!ref || !ref[0] || strlen(ref) >= 64 || !text_is_clean(ref) ||
        strchr(ref, '\n'))
        return cc_err_set(err, CC_EINPUT,
                          "a licence reference is one line of 1 to 63 "
                          "characters");
    return ctx_txn(ctx, do_licence, (void *)ref, err);
}

static void pam_row(sqlite3_stmt *st, pam_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->client_id = sqlite3_column_int64(st, 1);
    r->score = sqlite3_column_double(st, 2);
    r->level = sqlite3_column_int(st, 3);
    ctx_col(st, 4, r->instrument, sizeof r->instrument);
    ctx_col(st, 5, r->taken_date, sizeof r->taken_date);
    ctx_col(st, 6, r->licence_ref, sizeof r->licence_ref);
}

int pam_change_of(cc_ctx *ctx, int64_t client_id, pam_change *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT id, client_id, score, level, instrument, "
                                   "taken_date, licence_ref FROM pam_result WHERE "
                                   "client_id = ?1 ORDER BY taken_date, id",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        pam_row(st, out->count ? &out->latest : &out->first);
        if (!out->count)
            out->latest = out->first;
        out->count++;
    }
    ctx_finalize(st);
    return CC_OK;
}
