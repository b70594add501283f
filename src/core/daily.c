/*
 * daily.c — the day's own work (daily.h): alerts for intensive episodes past
 * their target or their program's maximum, and re-screen tasks for
 * monitored clients whose re-screen date has come. Two queries find what is
 * due and not yet raised; each finding becomes one alert or one task and one
 * audit entry, all in one transaction run as the system (staff 0), so the
 * reader who happened to be first is never named as their author.
 */
#include "daily.h"

#include <stdio.h>
#include <string.h>

#include "task.h"

/* Open episodes past a limit with no alert of that kind yet (the maximum of
 * the program version each episode started under): the episode,
 * its client, the kind, the day it is on, the limit, and the team's nurse
 * (a nurse on a team of the episode's program that the owner is on; 0 if
 * none, and then every nurse's inbox shows it). Day 1 is the start date. */
static const char due_episodes_sql[] =
    "WITH lim (kind) AS (VALUES ('episode-target'), ('episode-maximum')), "
    "open_ep AS (SELECT e.id, e.client_id, e.program_id, c.owner_id, "
    "  CAST(julianday(?1) - julianday(e.start_date) AS INTEGER) + 1 AS day, "
    "  e.target_days + e.extended_days AS target, v.max_days AS maximum "
    "  FROM episode e JOIN program_version v ON v.program_id = e.program_id "
    "  AND v.version = e.program_version "
    "  JOIN client c ON c.id = e.client_id WHERE e.closed_date IS NULL) "
    "SELECT o.id, o.client_id, l.kind, o.day, "
    "  CASE l.kind WHEN 'episode-target' THEN o.target ELSE o.maximum END, "
    "  coalesce((SELECT s.id FROM team_member mine JOIN team t ON t.id = "
    "   mine.team_id AND t.program_id = o.program_id JOIN team_member tm ON "
    "   tm.team_id = t.id JOIN staff s ON s.id = tm.staff_id WHERE mine.staff_id = "
    "   o.owner_id AND s.role = 'nurse' AND s.active = 1 ORDER BY s.id LIMIT 1), 0) "
    "FROM open_ep o JOIN lim l "
    "WHERE o.day > CASE l.kind WHEN 'episode-target' THEN o.target ELSE o.maximum END "
    "  AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.kind = l.kind "
    "                  AND a.episode_id = o.id) "
    "ORDER BY o.id, l.kind DESC";

/* Open monitoring whose re-screen date has come, of an owned client, with no
 * re-screen task for that date yet: monitoring id, client, owner, date. */
static const char due_rescreens_sql[] =
    "SELECT m.id, m.client_id, c.owner_id, m.rescreen_date FROM monitoring m "
    "JOIN client c ON c.id = m.client_id "
    "WHERE m.ended_date IS NULL AND m.rescreen_date <= ?1 AND c.owner_id IS NOT NULL "
    "  AND NOT EXISTS (SELECT 1 FROM task k WHERE k.client_id = m.client_id "
    "      AND k.origin = 'protocol' "
    "      AND k.origin_ref = 'rescreen:' || m.id || ':' || m.rescreen_date) "
    "ORDER BY m.id";

static int raise_episode_alert(cc_ctx *ctx, sqlite3_stmt *due, const char *now,
                               cc_err *err)
{
    char details[128];
    int64_t episode = sqlite3_column_int64(due, 0),
            client = sqlite3_column_int64(due, 1);
    int target = !strcmp((const char *)sqlite3_column_text(due, 2), "episode-target");
    int64_t nurse = sqlite3_column_int64(due, 5);
    snprintf(details, sizeof details, "episode on day %d, past its %s of %d days",
             sqlite3_column_int(due, 3), target ? "target" : "program's maximum",
             sqlite3_column_int(due, 4));
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "INSERT INTO alert (client_id, kind, for_role, "
                                   "for_staff_id, details, created_at, episode_id) "
                                   "VALUES (?1, ?2, 'nurse', ?3, ?4, ?5, ?6)",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client);
    sqlite3_bind_text(st, 2, target ? "episode-target" : "episode-maximum", -1,
                      SQLITE_STATIC);
    if (nurse)
        sqlite3_bind_int64(st, 3, nurse);
    sqlite3_bind_text(st, 4, details, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, episode);
    if (ctx_done(ctx, st, "raising an episode alert", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "alert.raise", "client", client, details, err);
}

static int add_rescreen_task(cc_ctx *ctx, sqlite3_stmt *due, const char *now,
                             cc_err *err)
{
    (void)now; /* the task's own creation time is taken by task_add_in */
    task t = {0};
    const char *date = (const char *)sqlite3_column_text(due, 3);
    t.client_id = sqlite3_column_int64(due, 1);
    t.owner_id = sqlite3_column_int64(due, 2);
    snprintf(t.title, sizeof t.title, "Re-screen (health risk assessment)");
    snprintf(t.due_date, sizeof t.due_date, "%.10s", date ? date : "");
    snprintf(t.origin, sizeof t.origin, "protocol");
    snprintf(t.origin_ref, sizeof t.origin_ref, "rescreen:%lld:%.10s",
             (long long)sqlite3_column_int64(due, 0), date ? date : "");
    return task_add_in(ctx, &t, err);
}

/* Run sql (?1 = today) and hand each row to one. */
static int each_due(cc_ctx *ctx, const char *sql, const char *today,
                    int (*one)(cc_ctx *, sqlite3_stmt *, const char *, cc_err *),
                    const char *now, int *n, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    int rc = CC_OK, step;
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    while (rc == CC_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = one(ctx, st, now, err)) == CC_OK)
            (*n)++;
    if (rc == CC_OK && step != SQLITE_DONE)
        rc = store_fail(ctx->st, step, "finding the day's work", err);
    ctx_finalize(st);
    return rc;
}

struct day {
    char today[11], now[21];
    int raised;
};

static int do_daily(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct day *d = arg;
    if (each_due(ctx, due_episodes_sql, d->today, raise_episode_alert, d->now,
                 &d->raised, err) != CC_OK ||
        each_due(ctx, due_rescreens_sql, d->today, add_rescreen_task, d->now,
                 &d->raised, err) != CC_OK)
        return err->code;
    return store_meta_set(ctx->st, "daily_run_day", d->today, err);
}

/* The system's context on the reader's store and clock. */
static cc_ctx system_of(const cc_ctx *ctx)
{
    cc_ctx sys = ctx_system(ctx->st);
    sys.clock = ctx->clock;
    return sys;
}

int daily_run(cc_ctx *ctx, int *raised, cc_err *err)
{
    cc_ctx sys = system_of(ctx);
    struct day d = {.raised = 0};
    ctx_today(&sys, d.today);
    ctx_now(&sys, d.now);
    int rc = ctx_txn(&sys, do_daily, &d, err);
    if (raised)
        *raised = rc == CC_OK ? d.raised : 0;
    return rc;
}

void daily_run_if_due(cc_ctx *ctx)
{
    char today[11], last[16] = "";
    cc_err err = {0};
    ctx_today(ctx, today);
    if (store_meta_get(ctx->st, "daily_run_day", last, sizeof last, &err) == CC_OK &&
        !strcmp(last, today))
        return;
    daily_run(ctx, NULL, &err);
    store_release_memory(ctx->st); /* the sweep read every client's pages */
}
