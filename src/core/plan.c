/*
 * plan.c — the care plan (see plan.h): goals and steps, each use case one
 * transaction, guarded as a change to the client's record and audited; a
 * save compares versions so nothing is overwritten.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "episode.h"
#include "guard.h"
#include "staff.h"
#include "task.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/text.h"

static int date_ok(const char *d, const char *what, cc_err *err)
{
    int64_t day;
    if (d[0] && (strlen(d) != 10 || clock_parse_date(d, &day) != 0))
        return cc_err_set(err, CC_EINPUT, "%s must be YYYY-MM-DD", what);
    return CC_OK;
}

static int goal_validate(const plan_goal *g, cc_err *err)
{
    if (!g->words[0])
        return cc_err_set(err, CC_EINPUT,
                          "a goal is written in the client's own words");
    if (!g->status[0] || !ctx_in_list(g->status, "active,met,dropped"))
        return cc_err_set(err, CC_EINPUT, "a goal is active, met or dropped");
    if (!strcmp(g->status, "dropped") && !g->reason[0])
        return cc_err_set(err, CC_EINPUT, "say why the goal is dropped");
    if (ctx_one_line(g->words, "the goal", err) ||
        ctx_one_line(g->barriers, "barriers", err) ||
        ctx_one_line(g->reason, "the reason", err) ||
        date_ok(g->review_date, "the review date", err))
        return err->code;
    return CC_OK;
}

/* ---- the plan and its review ------------------------------------------- */

/* The client's plan, or 0. */
static int64_t plan_id_of(cc_ctx *ctx, int64_t client_id)
{
    return ctx_int(ctx, "SELECT id FROM care_plan WHERE client_id = ?1 AND ?2 = ?2",
                   client_id, 0);
}

/* The client's plan, made if there is none (*made then set). */
static int64_t plan_of(cc_ctx *ctx, int64_t client_id, int *made, cc_err *err)
{
    char now[21];
    int64_t id = plan_id_of(ctx, client_id);
    *made = 0;
    if (id)
        return id;
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO care_plan (client_id, created_at, created_by) VALUES (?1,?2,?3)",
        err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    if (ctx_done(ctx, st, "making the care plan", err) != CC_OK)
        return 0;
    *made = 1;
    id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return ctx_audit(ctx, "plan.create", "client", client_id, "", err) == CC_OK ? id
                                                                                : 0;
}

int plan_review_task_in(cc_ctx *ctx, int64_t client_id, cc_err *err)
{
    char ref[48], due[11], today[11];
    int64_t plan = plan_id_of(ctx, client_id);
    int64_t ep = episode_open_any(ctx, client_id);
    if (!plan || !ep)
        return CC_OK;
    snprintf(ref, sizeof ref, "plan:%lld:review", (long long)plan);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT count(*) FROM task WHERE client_id = ?1 AND "
                                   "origin_ref = ?2 AND completed_at IS NULL AND "
                                   "cancelled_at IS NULL",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    int open = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    ctx_finalize(st);
    if (open)
        return CC_OK;
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = client_id;
    t.episode_id = ep;
    t.owner_id = ctx_int(ctx, "SELECT coalesce(owner_id, ?2) FROM client WHERE id = ?1",
                         client_id, ctx->staff_id);
    snprintf(t.title, sizeof t.title, "Care plan review");
    ctx_today(ctx, today);
    clock_date_add(today, 30, due);
    snprintf(t.due_date, sizeof t.due_date, "%s", due);
    snprintf(t.origin_ref, sizeof t.origin_ref, "%s", ref);
    return task_add_in(ctx, &t, err);
}

static int do_review(cc_ctx *ctx, void *arg, cc_err *err)
{
    int64_t client_id = *(int64_t *)arg;
    char now[21], ref[48];
    if (guard_client(ctx, "client.write", client_id, "plan", err) != CC_OK)
        return err->code;
    int64_t plan = plan_id_of(ctx, client_id);
    if (!plan)
        return cc_err_set(err, CC_EINPUT,
                          "client %lld has no care plan yet: add a goal",
                          (long long)client_id);
    ctx_now(ctx, now);
    snprintf(ref, sizeof ref, "plan:%lld:review", (long long)plan);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE task SET completed_at = ?3, completed_by = ?4, version = version + 1 "
        "WHERE client_id = ?1 AND origin_ref = ?2 AND completed_at IS NULL AND "
        "cancelled_at IS NULL",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    if (ctx_done(ctx, st, "completing the review task", err) != CC_OK)
        return err->code;
    st = ctx_prepare(
        ctx,
        "UPDATE care_plan SET reviewed_at = ?2, reviewed_by = ?3, version = "
        "version + 1 WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, plan);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    if (ctx_done(ctx, st, "recording the review", err) != CC_OK ||
        ctx_audit(ctx, "plan.review", "client", client_id, "", err) != CC_OK)
        return err->code;
    return plan_review_task_in(ctx, client_id, err);
}

int plan_review(cc_ctx *ctx, int64_t client_id, cc_err *err)
{
    return ctx_txn(ctx, do_review, &client_id, err);
}

/* ---- goals ------------------------------------------------------------- */

#define GOAL_COLS                                                                      \
    "g.id, g.plan_id, p.client_id, g.words, g.barriers, g.status, g.reason, "          \
    "coalesce(g.review_date, ''), g.origin, g.version"

static void goal_row(sqlite3_stmt *st, plan_goal *g)
{
    memset(g, 0, sizeof *g);
    g->id = sqlite3_column_int64(st, 0);
    g->plan_id = sqlite3_column_int64(st, 1);
    g->client_id = sqlite3_column_int64(st, 2);
    ctx_col(st, 3, g->words, sizeof g->words);
    ctx_col(st, 4, g->barriers, sizeof g->barriers);
    ctx_col(st, 5, g->status, sizeof g->status);
    ctx_col(st, 6, g->reason, sizeof g->reason);
    ctx_col(st, 7, g->review_date, sizeof g->review_date);
    ctx_col(st, 8, g->origin, sizeof g->origin);
    g->version = sqlite3_column_int64(st, 9);
}

static int goal_read(cc_ctx *ctx, int64_t id, plan_goal *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " GOAL_COLS " FROM plan_goal g JOIN care_plan p "
                    "ON p.id = g.plan_id WHERE g.id = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        goal_row(st, out);
    ctx_finalize(st);
    return rc == SQLITE_ROW ? CC_OK
                            : cc_err_set(err, CC_EINPUT, "no goal %lld", (long long)id);
}

int plan_goal_get(cc_ctx *ctx, int64_t id, plan_goal *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (goal_read(ctx, id, out, err) != CC_OK ||
        guard_client(ctx, "client.view", out->client_id, "plan", err) != CC_OK)
        return err->code;
    return CC_OK;
}

static void bind_goal(sqlite3_stmt *st, const plan_goal *g, const char *now, int64_t by)
{
    sqlite3_bind_text(st, 1, g->words, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->barriers, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, g->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->reason, -1, SQLITE_STATIC);
    ctx_bind_opt(st, 5, g->review_date);
    sqlite3_bind_text(st, 6, g->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, by);
}

struct goal_add_args {
    int64_t client_id;
    plan_goal *g;
};

static int goal_insert(cc_ctx *ctx, int64_t client_id, plan_goal *g, cc_err *err)
{
    char now[21];
    int made;
    int64_t plan = plan_of(ctx, client_id, &made, err);
    if (!plan)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO plan_goal (words, barriers, status, reason, review_date, origin, "
        "saved_at, saved_by, plan_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
        err);
    if (!st)
        return err->code;
    bind_goal(st, g, now, ctx->staff_id);
    sqlite3_bind_int64(st, 9, plan);
    if (ctx_done(ctx, st, "adding the goal", err) != CC_OK)
        return err->code;
    g->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    g->plan_id = plan;
    g->client_id = client_id;
    g->version = 1;
    if (made && plan_review_task_in(ctx, client_id, err) != CC_OK)
        return err->code;
    char details[48];
    snprintf(details, sizeof details, "goal %lld", (long long)g->id);
    return ctx_audit(ctx, "plan.goal.add", "client", client_id, details, err);
}

static int do_goal_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct goal_add_args *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "plan", err) != CC_OK)
        return err->code;
    return goal_insert(ctx, a->client_id, a->g, err);
}

int plan_goal_add(cc_ctx *ctx, int64_t client_id, plan_goal *g, cc_err *err)
{
    struct goal_add_args a = {client_id, g};
    if (!g->status[0])
        snprintf(g->status, sizeof g->status, "active");
    if (goal_validate(g, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_goal_add, &a, err);
}

struct goal_update_args {
    plan_goal *edited, *theirs;
};

static int do_goal_update(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct goal_update_args *a = arg;
    plan_goal cur;
    char now[21], details[48];
    if (goal_read(ctx, a->edited->id, &cur, err) != CC_OK ||
        guard_client(ctx, "client.write", cur.client_id, "plan", err) != CC_OK)
        return err->code;
    if (cur.version != a->edited->version) {
        *a->theirs = cur;
        return cc_err_set(err, CC_ECONFLICT,
                          "goal %lld was changed by someone else (version %lld, yours "
                          "%lld)",
                          (long long)cur.id, (long long)cur.version,
                          (long long)a->edited->version);
    }
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE plan_goal SET words=?1, barriers=?2, status=?3, "
                    "reason=?4, review_date=?5, origin=?6, saved_at=?7, "
                    "saved_by=?8, version = version + 1 WHERE id = ?9",
                    err);
    if (!st)
        return err->code;
    bind_goal(st, a->edited, now, ctx->staff_id);
    sqlite3_bind_int64(st, 9, cur.id);
    if (ctx_done(ctx, st, "saving the goal", err) != CC_OK)
        return err->code;
    a->edited->version++;
    a->edited->client_id = cur.client_id;
    a->edited->plan_id = cur.plan_id;
    snprintf(details, sizeof details, "goal %lld %s", (long long)cur.id,
             a->edited->status);
    return ctx_audit(ctx, "plan.goal.update", "client", cur.client_id, details, err);
}

int plan_goal_update(cc_ctx *ctx, plan_goal *edited, plan_goal *theirs, cc_err *err)
{
    struct goal_update_args a = {edited, theirs};
    if (goal_validate(edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_goal_update, &a, err);
}

int plan_goals(cc_ctx *ctx, int64_t client_id, plan_goal **out, int *n, cc_err *err)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    if (guard_client(ctx, "client.view", client_id, "plan", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " GOAL_COLS " FROM plan_goal g JOIN care_plan p "
                    "ON p.id = g.plan_id WHERE p.client_id = ?1 ORDER BY "
                    "g.status <> 'active', g.id",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            plan_goal *more =
                cc_realloc(*out, (size_t)(cap = cap * 2 + 4) * sizeof **out);
            if (!more) {
                ctx_finalize(st);
                free(*out);
                *out = NULL;
                *n = 0;
                return cc_err_set(err, CC_EDATA, "out of memory");
            }
            *out = more;
        }
        goal_row(st, &(*out)[(*n)++]);
    }
    ctx_finalize(st);
    return CC_OK;
}

struct template_args {
    int64_t client_id;
    int *added;
};

static int do_template(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct template_args *a = arg;
    *a->added = 0;
    if (guard_client(ctx, "client.write", a->client_id, "plan", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT t.code, t.words FROM plan_template t JOIN program p ON p.kind = t.kind "
        "JOIN client c ON c.program_id = p.id WHERE c.id = ?1 AND t.code NOT IN (SELECT "
        "g.origin FROM plan_goal g JOIN care_plan cp ON cp.id = g.plan_id WHERE "
        "cp.client_id = ?1) ORDER BY t.id",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    plan_goal goals[16];
    int n = 0;
    while (n < 16 && sqlite3_step(st) == SQLITE_ROW) {
        memset(&goals[n], 0, sizeof goals[n]);
        ctx_col(st, 0, goals[n].origin, sizeof goals[n].origin);
        ctx_col(st, 1, goals[n].words, sizeof goals[n].words);
        snprintf(goals[n].status, sizeof goals[n].status, "active");
        n++;
    }
    ctx_finalize(st);
    for (int i = 0; i < n; i++)
        if (goal_insert(ctx, a->client_id, &goals[i], err) != CC_OK)
            return err->code;
    *a->added = n;
    return CC_OK;
}

int plan_from_template(cc_ctx *ctx, int64_t client_id, int *added, cc_err *err)
{
    struct template_args a = {client_id, added};
    return ctx_txn(ctx, do_template, &a, err);
}

/* ---- steps ------------------------------------------------------------- */

#define STEP_COLS                                                                      \
    "s.id, s.goal_id, s.what, s.who, coalesce(s.due_date, ''), coalesce(s.task_id, "   \
    "0), s.done, s.version, p.client_id"

static int64_t step_read(cc_ctx *ctx, int64_t id, plan_step *out, cc_err *err)
{
    int64_t client = 0;
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " STEP_COLS " FROM plan_step s JOIN plan_goal g "
                    "ON g.id = s.goal_id JOIN care_plan p ON p.id = "
                    "g.plan_id WHERE s.id = ?1",
                    err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->goal_id = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, out->what, sizeof out->what);
        ctx_col(st, 3, out->who, sizeof out->who);
        ctx_col(st, 4, out->due_date, sizeof out->due_date);
        out->task_id = sqlite3_column_int64(st, 5);
        out->done = sqlite3_column_int(st, 6);
        out->version = sqlite3_column_int64(st, 7);
        client = sqlite3_column_int64(st, 8);
    }
    ctx_finalize(st);
    if (!client)
        cc_err_set(err, CC_EINPUT, "no step %lld", (long long)id);
    return client;
}

int plan_step_get(cc_ctx *ctx, int64_t id, plan_step *out, cc_err *err)
{
    int64_t client = step_read(ctx, id, out, err);
    if (!client)
        return err->code;
    return guard_client(ctx, "client.view", client, "plan", err);
}

static int step_validate(cc_ctx *ctx, const plan_step *s, cc_err *err)
{
    if (!s->what[0])
        return cc_err_set(err, CC_EINPUT, "a step says what is to be done");
    if (ctx_one_line(s->what, "the step", err) || ctx_one_line(s->who, "who", err) ||
        date_ok(s->due_date, "the due date", err))
        return err->code;
    if (s->who[0] && !ctx_in_list(s->who, "client,caregiver")) {
        staff st;
        cc_err e2 = {0};
        if (staff_find(ctx->st, s->who, &st, &e2) != CC_OK || !st.active)
            return cc_err_set(err, CC_EINPUT,
                              "who: the client, a caregiver, or an active staff login");
    }
    return CC_OK;
}

static int do_step_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    plan_step *s = arg;
    plan_goal g;
    char now[21], details[48];
    if (goal_read(ctx, s->goal_id, &g, err) != CC_OK ||
        guard_client(ctx, "client.write", g.client_id, "plan", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO plan_step (goal_id, what, who, due_date, "
                    "saved_at, saved_by) VALUES (?1,?2,?3,?4,?5,?6)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, s->goal_id);
    sqlite3_bind_text(st, 2, s->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->who[0] ? s->who : "client", -1, SQLITE_STATIC);
    ctx_bind_opt(st, 4, s->due_date);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ctx->staff_id);
    if (ctx_done(ctx, st, "adding the step", err) != CC_OK)
        return err->code;
    s->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    s->version = 1;
    snprintf(details, sizeof details, "step %lld of goal %lld", (long long)s->id,
             (long long)s->goal_id);
    return ctx_audit(ctx, "plan.step.add", "client", g.client_id, details, err);
}

int plan_step_add(cc_ctx *ctx, plan_step *s, cc_err *err)
{
    if (step_validate(ctx, s, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_step_add, s, err);
}

struct step_update_args {
    plan_step *edited, *theirs;
};

static int do_step_update(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct step_update_args *a = arg;
    plan_step cur;
    char now[21], details[48];
    int64_t client = step_read(ctx, a->edited->id, &cur, err);
    if (!client || guard_client(ctx, "client.write", client, "plan", err) != CC_OK)
        return err->code;
    if (cur.version != a->edited->version) {
        *a->theirs = cur;
        return cc_err_set(err, CC_ECONFLICT,
                          "step %lld was changed by someone else (version %lld, yours "
                          "%lld)",
                          (long long)cur.id, (long long)cur.version,
                          (long long)a->edited->version);
    }
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE plan_step SET what=?2, who=?3, due_date=?4, "
                    "done=?5, saved_at=?6, saved_by=?7, version = version + "
                    "1 WHERE id = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, cur.id);
    sqlite3_bind_text(st, 2, a->edited->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->edited->who[0] ? a->edited->who : "client", -1,
                      SQLITE_STATIC);
    ctx_bind_opt(st, 4, a->edited->due_date);
    sqlite3_bind_int(st, 5, !!a->edited->done);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, ctx->staff_id);
    if (ctx_done(ctx, st, "saving the step", err) != CC_OK)
        return err->code;
    a->edited->version++;
    snprintf(details, sizeof details, "step %lld%s", (long long)cur.id,
             a->edited->done ? " done" : "");
    return ctx_audit(ctx, "plan.step.update", "client", client, details, err);
}

int plan_step_update(cc_ctx *ctx, plan_step *edited, plan_step *theirs, cc_err *err)
{
    struct step_update_args a = {edited, theirs};
    if (step_validate(ctx, edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_step_update, &a, err);
}

struct to_task_args {
    int64_t id, version, *task_id;
};

static int do_to_task(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct to_task_args *a = arg;
    plan_step s;
    staff who;
    cc_err e2 = {0};
    char today[11], details[64];
    int64_t client = step_read(ctx, a->id, &s, err);
    if (!client || guard_client(ctx, "client.write", client, "plan", err) != CC_OK)
        return err->code;
    if (s.version != a->version)
        return cc_err_set(err, CC_ECONFLICT, "step %lld was changed by someone else",
                          (long long)s.id);
    if (s.task_id)
        return cc_err_set(err, CC_EINPUT, "step %lld is task %lld already",
                          (long long)s.id, (long long)s.task_id);
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = client;
    t.episode_id = episode_open_any(ctx, client);
    t.owner_id =
        staff_find(ctx->st, s.who, &who, &e2) == CC_OK && who.active
            ? who.id
            : ctx_int(ctx, "SELECT coalesce(owner_id, ?2) FROM client WHERE id = ?1",
                      client, ctx->staff_id);
    snprintf(t.title, sizeof t.title, "%.127s", s.what);
    ctx_today(ctx, today);
    if (s.due_date[0])
        snprintf(t.due_date, sizeof t.due_date, "%s", s.due_date);
    else
        clock_date_add(today, 7, t.due_date);
    snprintf(t.origin_ref, sizeof t.origin_ref, "plan-step:%lld", (long long)s.id);
    if (task_add_in(ctx, &t, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx, "UPDATE plan_step SET task_id = ?2, version = version + 1 WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, s.id);
    sqlite3_bind_int64(st, 2, t.id);
    if (ctx_done(ctx, st, "linking the task", err) != CC_OK)
        return err->code;
    *a->task_id = t.id;
    snprintf(details, sizeof details, "step %lld became task %lld", (long long)s.id,
             (long long)t.id);
    return ctx_audit(ctx, "plan.step.task", "client", client, details, err);
}

int plan_step_to_task(cc_ctx *ctx, int64_t step_id, int64_t version, int64_t *task_id,
                      cc_err *err)
{
    struct to_task_args a = {step_id, version, task_id};
    *task_id = 0;
    return ctx_txn(ctx, do_to_task, &a, err);
}
