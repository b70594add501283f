/*
 * leave.c — leave cover (see leave.h). A cover is a row with a date range;
 * whether it applies is decided by today's local date, so it begins and
 * ends by itself. Setting one up and ending one are each one transaction
 * that starts at the guard and ends with its audit entry.
 */
#include "leave.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "staff.h"
#include "util/clock.h"
#include "util/text.h"

/* Two staff members share a team. */
#define SHARE_TEAM                                                                     \
    "SELECT 1 FROM team_member a JOIN team_member b ON b.team_id = a.team_id JOIN "    \
    "team t ON t.id = a.team_id WHERE a.staff_id = ?1 AND b.staff_id = ?2 AND "        \
    "t.active = 1"

/* The actor may arrange cover for staff_id: an administrator, or a program
 * manager on or covering one of staff_id's teams. */
static int may_arrange(cc_ctx *ctx, int64_t staff_id, const char *login, cc_err *err)
{
    if (guard_action(ctx, "leave.manage", err) != CC_OK)
        return err->code;
    if (ctx->system || !strcmp(ctx->role, "admin"))
        return CC_OK;
    if (ctx_int(ctx,
                "SELECT 1 FROM team_member tm WHERE tm.staff_id = ?1 AND tm.team_id IN "
                "(SELECT team_id FROM team_member WHERE staff_id = ?2 UNION SELECT "
                "team_id FROM team_cover WHERE staff_id = ?2)",
                staff_id, ctx->staff_id))
        return CC_OK;
    return cc_err_set(err, CC_EREFUSED, "%s is on none of the teams you manage", login);
}

static int active_staff(cc_ctx *ctx, const char *login, staff *s, cc_err *err)
{
    if (staff_find(ctx->st, login, s, err) != CC_OK)
        return err->code;
    return s->active ? CC_OK
                     : cc_err_set(err, CC_EINPUT, "the account %s is disabled", login);
}

static int dates_ok(cc_ctx *ctx, const char *from, const char *until, cc_err *err)
{
    int64_t a, b;
    char today[11];
    if (!from || !until || clock_parse_date(from, &a) != 0 ||
        clock_parse_date(until, &b) != 0)
        return cc_err_set(err, CC_EINPUT,
                          "a cover needs dates YYYY-MM-DD (from, until)");
    ctx_today(ctx, today);
    if (b < a)
        return cc_err_set(err, CC_EINPUT, "the cover ends (%s) before it starts (%s)",
                          until, from);
    if (strcmp(until, today) < 0)
        return cc_err_set(err, CC_EINPUT, "the cover would be over already (%s)",
                          until);
    if (b - a + 1 > LEAVE_MAX_DAYS)
        return cc_err_set(err, CC_EINPUT,
                          "a cover lasts at most %d days: add another after it",
                          LEAVE_MAX_DAYS);
    return CC_OK;
}

/* The first open cover involving who (as away_col) overlapping from..until. */
static int64_t overlapping(cc_ctx *ctx, const char *away_col, int64_t who,
                           const char *from, const char *until)
{
    char sql[256];
    cc_err err;
    int64_t id = 0;
    snprintf(sql, sizeof sql,
             "SELECT id FROM leave_cover WHERE %s = ?1 AND ended_at IS NULL AND "
             "start_date <= ?3 AND end_date >= ?2 LIMIT 1",
             away_col);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, who);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, until, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

struct add_args {
    const char *login, *cover, *from, *until, *note;
    int64_t *id;
};

static int pair_ok(cc_ctx *ctx, const staff *s, const staff *c, struct add_args *a,
                   cc_err *err)
{
    if (s->id == c->id)
        return cc_err_set(err, CC_EINPUT, "%s cannot cover themselves", s->login);
    if (strcmp(s->role, c->role) != 0)
        return cc_err_set(err, CC_EINPUT,
                          "%s is %s and %s is %s: a cover has the same role", s->login,
                          s->role, c->login, c->role);
    if (!ctx_int(ctx, SHARE_TEAM, s->id, c->id))
        return cc_err_set(err, CC_EINPUT, "%s and %s share no team", s->login,
                          c->login);
    int64_t clash = overlapping(ctx, "staff_id", s->id, a->from, a->until);
    if (clash)
        return cc_err_set(err, CC_EINPUT,
                          "%s is covered already in those dates (cover %lld)", s->login,
                          (long long)clash);
    clash = overlapping(ctx, "staff_id", c->id, a->from, a->until);
    if (!clash)
        clash = overlapping(ctx, "cover_id", s->id, a->from, a->until);
    if (clash)
        return cc_err_set(err, CC_EINPUT,
                          "cover %lld overlaps: a person covering cannot be away, nor "
                          "the one away be covering, on the same days",
                          (long long)clash);
    return CC_OK;
}

static int insert_cover(cc_ctx *ctx, const staff *s, const staff *c, struct add_args *a,
                        cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO leave_cover (staff_id, cover_id, start_date, end_date, note, "
        "created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, c->id);
    sqlite3_bind_text(st, 3, a->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->until, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->note ? a->note : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, ctx->staff_id);
    if (ctx_done(ctx, st, "adding cover", err) != CC_OK)
        return err->code;
    *a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return CC_OK;
}

static int do_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct add_args *a = arg;
    staff s, c;
    char details[256];
    if (active_staff(ctx, a->login, &s, err) != CC_OK ||
        may_arrange(ctx, s.id, s.login, err) != CC_OK ||
        active_staff(ctx, a->cover, &c, err) != CC_OK ||
        dates_ok(ctx, a->from, a->until, err) != CC_OK ||
        pair_ok(ctx, &s, &c, a, err) != CC_OK || insert_cover(ctx, &s, &c, a, err))
        return err->code;
    snprintf(details, sizeof details, "%s covered by %s from %s until %s", s.login,
             c.login, a->from, a->until);
    return ctx_audit(ctx, "leave.add", "staff", s.id, details, err);
}

int leave_add(cc_ctx *ctx, const char *login, const char *cover_login, const char *from,
              const char *until, const char *note, int64_t *id, cc_err *err)
{
    int64_t ignore;
    struct add_args a = {login, cover_login, from, until, note, id ? id : &ignore};
    if (!login || !cover_login)
        return cc_err_set(err, CC_EINPUT, "a cover names who is away and who covers");
    if (note && (!text_is_clean(note) || strlen(note) > 200))
        return cc_err_set(err, CC_EINPUT,
                          "the note has control characters or is over 200 characters");
    return ctx_txn(ctx, do_add, &a, err);
}

/* ---- ending ------------------------------------------------------------ */

struct end_args {
    int64_t id;
};

static int do_end(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct end_args *a = arg;
    staff s;
    char today[11], yesterday[11], now[21], details[96];
    int64_t away = ctx_int(ctx,
                           "SELECT staff_id FROM leave_cover WHERE id = ?1 AND "
                           "ended_at IS NULL AND ?2 = ?2",
                           a->id, 0);
    if (!away)
        return cc_err_set(err, CC_EINPUT,
                          "no open cover %lld (see carecoord user leaves)",
                          (long long)a->id);
    if (staff_get(ctx->st, away, &s, err) != CC_OK ||
        may_arrange(ctx, away, s.login, err) != CC_OK)
        return err->code;
    ctx_today(ctx, today);
    ctx_now(ctx, now);
    clock_date_add(today, -1, yesterday);
    /* One not begun is cancelled; one under way has had today as its last day
     * (its end becomes yesterday, so it stops now). */
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE leave_cover SET ended_at = ?2, ended_by = ?3, end_date = CASE WHEN "
        "start_date > ?4 THEN end_date ELSE max(start_date, min(end_date, ?5)) END "
        "WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    sqlite3_bind_text(st, 4, today, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, yesterday, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "ending cover", err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "cover %lld of %s ended", (long long)a->id,
             s.login);
    return ctx_audit(ctx, "leave.end", "staff", away, details, err);
}

int leave_end(cc_ctx *ctx, int64_t id, cc_err *err)
{
    struct end_args a = {id};
    return ctx_txn(ctx, do_end, &a, err);
}

/* ---- reading ----------------------------------------------------------- */

int leave_list(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    char today[11];
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "staff.list", err) != CC_OK)
        return err->code;
    ctx_today(ctx, today);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT lc.id, s.login AS away, c.login AS covered_by, lc.start_date AS \"from\", "
        "lc.end_date AS until, CASE WHEN lc.start_date > ?1 THEN 'coming' ELSE 'now' "
        "END AS state, lc.note FROM leave_cover lc JOIN staff s ON s.id = lc.staff_id "
        "JOIN staff c ON c.id = lc.cover_id WHERE lc.ended_at IS NULL AND lc.end_date "
        ">= ?1 ORDER BY lc.start_date, lc.id",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    return table_from_stmt(ctx, st, out, err);
}

int64_t leave_covering(cc_ctx *ctx, int64_t owner_id)
{
    char today[11];
    cc_err err;
    int64_t who = 0;
    if (!owner_id || owner_id == ctx->staff_id || ctx->system)
        return 0;
    ctx_today(ctx, today);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT staff_id FROM leave_cover WHERE cover_id = ?1 AND staff_id = ?2 AND "
        "ended_at IS NULL AND start_date <= ?3 AND end_date >= ?3",
        &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    sqlite3_bind_int64(st, 2, owner_id);
    sqlite3_bind_text(st, 3, today, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        who = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return who;
}

int leave_note_cover(cc_ctx *ctx, int64_t staff_id)
{
    staff s;
    cc_err err;
    if (!leave_covering(ctx, staff_id) || staff_get(ctx->st, staff_id, &s, &err))
        return 0;
    ctx->covering = staff_id;
    snprintf(ctx->covering_login, sizeof ctx->covering_login, "%s", s.login);
    return 1;
}
