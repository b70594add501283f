/*
 * scope.c — deciding whether a client is within the actor's reach, and the
 * break-glass way around it. One SQL query answers "is it in my teams?";
 * the role decides what that means.
 */
#include "scope.h"

#include "alert.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/text.h"

/* The client is owned by the actor, by someone sharing or covered by one of
 * the actor's teams, or (unassigned) was referred to, or is followed in, a
 * program one of the actor's teams works in. */
static const char in_teams_sql[] =
    "WITH mine (team_id) AS (SELECT team_id FROM team_member WHERE staff_id = ?2 "
    "UNION SELECT team_id FROM team_cover WHERE staff_id = ?2) "
    "SELECT 1 FROM client c WHERE c.id = ?1 AND ("
    " c.owner_id = ?2"
    " OR EXISTS (SELECT 1 FROM team_member tm JOIN mine USING (team_id)"
    "            WHERE tm.staff_id = c.owner_id)"
    " OR (c.owner_id IS NULL AND (EXISTS (SELECT 1 FROM referral r JOIN team t ON"
    "     t.program_id = r.program_id JOIN mine ON mine.team_id = t.id"
    "     WHERE r.client_id = c.id) OR EXISTS (SELECT 1 FROM team t JOIN mine ON"
    "     mine.team_id = t.id WHERE t.program_id = c.program_id))))";

/* 1 if sql has a row, 0 if not, -1 with err set if it could not be read
 * (the store's trouble is never taken for "not in your teams"). */
static int query_flag(cc_ctx *ctx, const char *sql, int64_t a, int64_t b,
                      const char *c3, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (c3)
        sqlite3_bind_text(st, 3, c3, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    ctx_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    store_fail(ctx->st, rc, "checking access", err);
    return -1;
}

static int has_grant(cc_ctx *ctx, int64_t client_id, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    return query_flag(
        ctx,
        "SELECT 1 FROM access_grant WHERE client_id = ?1 AND staff_id = ?2 "
        "AND expires_at > ?3",
        client_id, ctx->staff_id, now, err);
}

int scope_sees_all(const cc_ctx *ctx)
{
    return ctx->system || !strcmp(ctx->role, "supervisor");
}

int scope_client(cc_ctx *ctx, int64_t client_id, int write, cc_err *err)
{
    if (!strcmp(ctx->role, "admin"))
        return cc_err_set(err, CC_EREFUSED,
                          "administrators do not see client content (client %lld)",
                          (long long)client_id);
    if (!strcmp(ctx->role, "supervisor"))
        return write
                   ? cc_err_set(err, CC_EREFUSED,
                                "supervisors see every record read-only (client %lld)",
                                (long long)client_id)
                   : CC_OK;
    int in = query_flag(ctx, in_teams_sql, client_id, ctx->staff_id, NULL, err);
    if (in == 0)
        in = has_grant(ctx, client_id, err);
    if (in < 0)
        return err->code;
    if (in)
        return CC_OK;
    return cc_err_set(
        err, CC_EREFUSED,
        "client %lld is outside your caseload and teams: break-glass with a "
        "reason to open it",
        (long long)client_id);
}

struct glass_args {
    int64_t client_id;
    const char *reason;
    int minutes;
    int64_t *id;
};

static int insert_grant(cc_ctx *ctx, struct glass_args *a, const char *now,
                        const char *until, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO access_grant (staff_id, client_id, reason, "
                    "granted_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    sqlite3_bind_int64(st, 2, a->client_id);
    sqlite3_bind_text(st, 3, a->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, until, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "break-glass", err) != CC_OK)
        return err->code;
    *a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return CC_OK;
}

static int alert_supervisors(cc_ctx *ctx, struct glass_args *a, const char *now,
                             cc_err *err)
{
    char details[160];
    snprintf(details, sizeof details,
             "break-glass by staff %lld for %d min (grant %lld)",
             (long long)ctx->staff_id, a->minutes, (long long)*a->id);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO alert (client_id, kind, for_role, details, "
                    "created_at) VALUES (?1, 'break-glass', 'supervisor', ?2, "
                    "?3)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_text(st, 2, details, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "break-glass", err);
}

static int do_glass(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct glass_args *a = arg;
    char now[21], until[21];
    int found = query_flag(ctx, "SELECT 1 FROM client WHERE id = ?1 AND ?2 = ?2",
                           a->client_id, 0, NULL, err);
    if (found < 0)
        return err->code;
    if (!found)
        return cc_err_set(err, CC_EINPUT, "no client %lld", (long long)a->client_id);
    ctx_now(ctx, now);
    clock_format_iso(ctx_clock(ctx) + (int64_t)a->minutes * 60, until);
    if (insert_grant(ctx, a, now, until, err) != CC_OK ||
        alert_supervisors(ctx, a, now, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "break-glass", "client", a->client_id, a->reason, err);
}

int scope_break_glass(cc_ctx *ctx, int64_t client_id, const char *reason, int minutes,
                      int64_t *id, cc_err *err)
{
    struct glass_args a = {client_id, reason,
                           minutes ? minutes : BREAK_GLASS_DEFAULT_MIN, id};
    if (!strcmp(ctx->role, "admin") || !strcmp(ctx->role, "supervisor"))
        return cc_err_set(err, CC_EREFUSED, "%s",
                          !strcmp(ctx->role, "admin")
                              ? "administrators cannot break the glass"
                              : "supervisors already see every record (read-only)");
    if (ctx_text_ok(reason, "the reason", CTX_NOTE_MAX, 0, err) != CC_OK)
        return err->code;
    if (!reason || text_content_len(reason) < 8 || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT,
                          "break-glass needs a reason of at least 8 characters");
    if (a.minutes < 1 || a.minutes > BREAK_GLASS_MAX_MIN)
        return cc_err_set(err, CC_EINPUT, "break-glass lasts 1 to %d minutes",
                          BREAK_GLASS_MAX_MIN);
    return ctx_txn(ctx, do_glass, &a, err);
}

struct review_args {
    int64_t id;
    const char *note;
};

static int do_review(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct review_args *a = arg;
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE access_grant SET reviewed_at = ?1, reviewed_by = "
                    "?2, review_note = ?3 WHERE id = ?4 AND reviewed_at IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_text(st, 3, a->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->id);
    if (ctx_done(ctx, st, "reviewing break-glass", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "no unreviewed break-glass grant %lld",
                          (long long)a->id);
    if (alert_resolve_grant_in(ctx, a->id, a->note, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "break-glass.review", "grant", a->id, a->note, err);
}

int scope_review(cc_ctx *ctx, int64_t grant_id, const char *note, cc_err *err)
{
    struct review_args a = {grant_id, note};
    if (strcmp(ctx->role, "supervisor") != 0)
        return cc_err_set(err, CC_EREFUSED,
                          "only a supervisor reviews break-glass access");
    if (!note || !*note || !text_is_clean(note))
        return cc_err_set(err, CC_EINPUT, "a review needs a comment");
    if (ctx_text_ok(note, "the comment", CTX_NOTE_MAX, 1, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_review, &a, err);
}
