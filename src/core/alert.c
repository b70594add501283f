/*
 * alert.c — acknowledging and resolving alerts (see alert.h). Only the
 * addressee acts on an alert: the staff member it names, or anyone of the
 * role it is for when it names no one.
 */
#include "alert.h"

#include "leave.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/text.h"

struct alert_args {
    int64_t id;
    const char *note; /* NULL: acknowledge */
};

/* The alert's client and kind, if the actor is its addressee. */
static int addressed(cc_ctx *ctx, int64_t id, int64_t *client, char kind[24],
                     cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT client_id, kind, (for_staff_id IN " LEAVE_ACTS_FOR(
            "?2",
            "?4") " OR "
                  "(for_staff_id IS NULL AND for_role = ?3)), resolved_at IS NOT NULL, "
                  "for_staff_id FROM alert WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    char today[11];
    ctx_today(ctx, today);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_text(st, 3, ctx->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, today, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), mine = 0, resolved = 0;
    int64_t addressee = 0;
    if (rc == SQLITE_ROW) {
        *client = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, kind, 24);
        mine = sqlite3_column_int(st, 2);
        resolved = sqlite3_column_int(st, 3);
        addressee = sqlite3_column_int64(st, 4);
    }
    ctx_finalize(st);
    leave_note_cover(ctx, addressee);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE
                   ? cc_err_set(err, CC_EINPUT, "no alert %lld", (long long)id)
                   : store_fail(ctx->st, rc, "reading alert", err);
    if (!mine)
        return cc_err_set(err, CC_EREFUSED, "alert %lld is not addressed to you",
                          (long long)id);
    if (resolved)
        return cc_err_set(err, CC_EINPUT, "alert %lld is already resolved",
                          (long long)id);
    return CC_OK;
}

static int do_alert(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct alert_args *a = arg;
    int64_t client = 0;
    char kind[24] = "", now[21];
    if (guard_actor(ctx, err) != CC_OK ||
        addressed(ctx, a->id, &client, kind, err) != CC_OK)
        return err->code;
    if (a->note && !strcmp(kind, "break-glass"))
        return cc_err_set(err, CC_EINPUT,
                          "a break-glass alert is resolved by reviewing its grant "
                          "(carecoord review-access)");
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        a->note
            ? "UPDATE alert SET resolved_at = ?1, resolved_by = ?2, resolution = ?3, "
              "acknowledged_at = coalesce(acknowledged_at, ?1), acknowledged_by = "
              "coalesce(acknowledged_by, ?2) WHERE id = ?4"
            : "UPDATE alert SET acknowledged_at = coalesce(acknowledged_at, ?1), "
              "acknowledged_by = coalesce(acknowledged_by, ?2) WHERE id = ?4 AND "
              "?3 = ?3",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_text(st, 3, a->note ? a->note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->id);
    if (ctx_done(ctx, st, "updating alert", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, a->note ? "alert.resolve" : "alert.acknowledge", "alert",
                     a->id, a->note ? a->note : "", err);
}

int alert_acknowledge(cc_ctx *ctx, int64_t id, cc_err *err)
{
    struct alert_args a = {id, NULL};
    return ctx_txn(ctx, do_alert, &a, err);
}

int alert_resolve(cc_ctx *ctx, int64_t id, const char *note, cc_err *err)
{
    struct alert_args a = {id, note};
    if (!note || !text_content_len(note) || !text_is_clean(note) || strlen(note) > 500)
        return cc_err_set(err, CC_EINPUT,
                          "resolving an alert needs a note (at most 500 characters)");
    return ctx_txn(ctx, do_alert, &a, err);
}

int alert_resolve_grant_in(cc_ctx *ctx, int64_t grant_id, const char *note, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE alert SET resolved_at = ?1, resolved_by = ?2, resolution = ?3 WHERE "
        "kind = 'break-glass' AND resolved_at IS NULL AND client_id = (SELECT "
        "client_id FROM access_grant WHERE id = ?4) AND details LIKE '%(grant ' || ?4 "
        "|| ')'",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, grant_id);
    return ctx_done(ctx, st, "resolving alert", err);
}

int alert_account_in(cc_ctx *ctx, int64_t subject_staff_id, const char *details,
                     cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "INSERT INTO alert (kind, for_role, details, "
                                   "created_at, subject_staff_id) VALUES ('account', "
                                   "'supervisor', ?1, ?2, ?3)",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, details, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, subject_staff_id);
    if (ctx_done(ctx, st, "raising alert", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "alert.raise", "staff", subject_staff_id, details, err);
}
