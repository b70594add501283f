/*
 * task.c — tasks with owners and due times, and the append-only contact log.
 */
#include "task.h"

#include "guard.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/text.h"

int task_overdue(const task *t, const char *now)
{
    return !t->completed_at[0] && !t->cancelled_at[0] && strcmp(t->due_at, now) < 0;
}

static int validate_task(const task *t, cc_err *err)
{
    int64_t when;
    if (!t->title[0] || !text_is_clean(t->title))
        return cc_err_set(err, CC_EINPUT,
                          "a task needs a title without control characters");
    if (clock_parse_iso(t->due_at, &when) != 0)
        return cc_err_set(err, CC_EINPUT, "due time must be YYYY-MM-DDTHH:MM:SSZ");
    if (t->origin[0] && !ctx_in_list(t->origin, "protocol,alert,manual"))
        return cc_err_set(err, CC_EINPUT,
                          "task origin must be protocol, alert or manual");
    return CC_OK;
}

/* A task due on a date is due at the end of that day, local time (the
 * site's time zone, clock_set_zone). */
static int due_from_date(task *t, cc_err *err)
{
    int64_t day;
    if (t->due_at[0] || !t->due_date[0])
        return CC_OK;
    if (strlen(t->due_date) != 10 || clock_parse_date(t->due_date, &day) != 0)
        return cc_err_set(err, CC_EINPUT, "due date must be YYYY-MM-DD");
    clock_format_iso(clock_end_of_day(t->due_date), t->due_at);
    return CC_OK;
}

int task_add_in(cc_ctx *ctx, task *t, cc_err *err)
{
    char now[21];
    if (due_from_date(t, err) != CC_OK || validate_task(t, err) != CC_OK)
        return err->code;
    if (!t->origin[0])
        snprintf(t->origin, sizeof t->origin, "manual");
    if (!t->owner_id)
        t->owner_id = ctx->staff_id;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO task (client_id, episode_id, title, due_at, "
                    "owner_id, origin, origin_ref, created_at, created_by) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, t->client_id);
    if (t->episode_id)
        sqlite3_bind_int64(st, 2, t->episode_id);
    sqlite3_bind_text(st, 3, t->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->due_at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, t->owner_id);
    sqlite3_bind_text(st, 6, t->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, t->origin_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, ctx->staff_id);
    if (ctx_done(ctx, st, "adding task", err) != CC_OK)
        return err->code;
    t->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    t->version = 1;
    return ctx_audit(ctx, "task.add", "task", t->id, t->origin, err);
}

/* A person gives a task to themselves, to the client's owner, or to an
 * active colleague of a team they are on or cover who sees client content
 * (the nurse's medication review, the scheduler's booking). */
static int owner_ok(cc_ctx *ctx, const task *t, cc_err *err)
{
    if (!t->owner_id || t->owner_id == ctx->staff_id || ctx->system)
        return CC_OK;
    if (t->owner_id == ctx_int(ctx,
                               "SELECT owner_id FROM client WHERE id = ?1 AND ?2 = ?2",
                               t->client_id, 0))
        return CC_OK;
    if (ctx_int(
            ctx,
            "SELECT 1 FROM (SELECT team_id FROM team_member WHERE staff_id = ?1 UNION "
            "SELECT team_id FROM team_cover WHERE staff_id = ?1) a JOIN team_member b "
            "ON b.team_id = a.team_id JOIN staff s ON s.id = b.staff_id WHERE "
            "b.staff_id = ?2 AND s.active = 1 AND s.role NOT IN ('admin', "
            "'supervisor')",
            ctx->staff_id, t->owner_id))
        return CC_OK;
    return cc_err_set(
        err, CC_EINPUT,
        "a task goes to you, the client's owner or a colleague of your team");
}

static int do_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    task *t = arg;
    if (guard_client(ctx, "client.write", t->client_id, "task", err) != CC_OK ||
        owner_ok(ctx, t, err) != CC_OK)
        return err->code;
    return task_add_in(ctx, t, err);
}

int task_add(cc_ctx *ctx, task *t, cc_err *err)
{
    return ctx_txn(ctx, do_add, t, err);
}

int task_get(cc_ctx *ctx, int64_t id, task *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id, client_id, coalesce(episode_id, 0), title, "
                    "due_at, owner_id, origin, origin_ref, "
                    "coalesce(completed_at, ''), coalesce(completed_by, 0), "
                    "version, coalesce(cancelled_at, '') FROM task WHERE id = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->client_id = sqlite3_column_int64(st, 1);
        out->episode_id = sqlite3_column_int64(st, 2);
        ctx_col(st, 3, out->title, sizeof out->title);
        ctx_col(st, 4, out->due_at, sizeof out->due_at);
        out->owner_id = sqlite3_column_int64(st, 5);
        ctx_col(st, 6, out->origin, sizeof out->origin);
        ctx_col(st, 7, out->origin_ref, sizeof out->origin_ref);
        ctx_col(st, 8, out->completed_at, sizeof out->completed_at);
        out->completed_by = sqlite3_column_int64(st, 9);
        out->version = sqlite3_column_int64(st, 10);
        ctx_col(st, 11, out->cancelled_at, sizeof out->cancelled_at);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no task %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading task", err);
}

struct complete_args {
    int64_t id, version;
    task *theirs;
};

static int do_complete(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct complete_args *a = arg;
    char now[21];
    task t;
    if (task_get(ctx, a->id, &t, err) != CC_OK ||
        guard_client(ctx, "client.write", t.client_id, "task", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE task SET completed_at = ?1, completed_by = ?2, "
                    "version = version + 1 WHERE id = ?3 AND version = ?4 AND "
                    "completed_at IS NULL AND cancelled_at IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_int64(st, 3, a->id);
    sqlite3_bind_int64(st, 4, a->version);
    if (ctx_done(ctx, st, "completing task", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0) {
        if (task_get(ctx, a->id, a->theirs, err) != CC_OK)
            return err->code;
        return cc_err_set(err, CC_ECONFLICT, "task %lld was %s by someone else first",
                          (long long)a->id,
                          a->theirs->completed_at[0] ? "completed" : "changed");
    }
    return ctx_audit(ctx, "task.complete", "task", a->id, "", err);
}

int task_complete(cc_ctx *ctx, int64_t id, int64_t version, task *theirs, cc_err *err)
{
    struct complete_args a = {id, version, theirs};
    return ctx_txn(ctx, do_complete, &a, err);
}

/* ---- contacts ---------------------------------------------------------- */

static int contact_time_ok(cc_ctx *ctx, const contact *c, int correction, cc_err *err)
{
    int64_t when, now = ctx_clock(ctx);
    if (!c->at[0])
        return CC_OK;
    if (clock_parse_iso(c->at, &when) != 0)
        return cc_err_set(err, CC_EINPUT, "contact time must be YYYY-MM-DDTHH:MM:SSZ");
    if (when > now + 5 * 60)
        return cc_err_set(err, CC_EINPUT, "a contact cannot be in the future");
    if (!correction && when < now - (int64_t)CONTACT_BACKDATE_DAYS * 86400)
        return cc_err_set(err, CC_EINPUT,
                          "a contact can be back-dated %d days at most: ask a "
                          "supervisor to record an older one as a note",
                          CONTACT_BACKDATE_DAYS);
    return CC_OK;
}

static int validate_contact(cc_ctx *ctx, contact *c, int correction, cc_err *err)
{
    if (!ctx_in_list(c->kind,
                     "call,home-visit,accompanied-appointment,snf-visit,message"))
        return cc_err_set(
            err, CC_EINPUT,
            "contact kind must be call, home-visit, accompanied-appointment, "
            "snf-visit or message");
    if (!c->outcome[0])
        snprintf(c->outcome, sizeof c->outcome, "reached");
    if (!ctx_in_list(c->outcome, CONTACT_OUTCOMES))
        return cc_err_set(err, CC_EINPUT, "contact outcome must be one of %s",
                          CONTACT_OUTCOMES);
    if (contact_time_ok(ctx, c, correction, err) != CC_OK)
        return err->code;
    if (c->duration_min < 0 || c->duration_min > 24 * 60)
        return cc_err_set(err, CC_EINPUT, "duration must be 0 to 1440 minutes");
    if (!text_is_clean(c->note)) {
        char clean[2048];
        text_sanitize(c->note, clean, sizeof clean, 1);
        if (strcmp(clean, c->note) != 0)
            return cc_err_set(err, CC_EINPUT, "the note has control characters");
    }
    return CC_OK;
}

static int insert_contact(cc_ctx *ctx, contact *c, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    if (!c->at[0])
        snprintf(c->at, sizeof c->at, "%s", now);
    c->staff_id = ctx->staff_id;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO contact (client_id, kind, at, duration_min, "
                    "note, staff_id, corrects_id, created_at, outcome, task_id) VALUES "
                    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, c->client_id);
    sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->at, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, c->duration_min);
    sqlite3_bind_text(st, 5, c->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->staff_id);
    if (c->corrects_id)
        sqlite3_bind_int64(st, 7, c->corrects_id);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, c->outcome, -1, SQLITE_STATIC);
    if (c->task_id)
        sqlite3_bind_int64(st, 10, c->task_id);
    if (ctx_done(ctx, st, "logging contact", err) != CC_OK)
        return err->code;
    c->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return ctx_audit(ctx, c->corrects_id ? "contact.correct" : "contact.log", "contact",
                     c->id, c->kind, err);
}

/* The protocol tasks a contact of each kind carries out (their codes). */
static const struct {
    const char *kind, *codes;
} fulfils[] = {
    {"call", "weekly-call,coaching-call,reminder-call,weekly-contact"},
    {"home-visit", "home-visit,weekly-contact"},
    {"snf-visit", "weekly-contact"},
    {"accompanied-appointment", "weekly-contact"},
};

/* Mark task id completed now by the actor, audited with details. */
static int complete_now(cc_ctx *ctx, int64_t id, const char *details, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE task SET completed_at = ?2, completed_by = "
                                   "?3, version = version + 1 WHERE id = ?1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    if (ctx_done(ctx, st, "completing the task", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "task.complete", "task", id, details, err);
}

int task_fulfil_in(cc_ctx *ctx, int64_t client_id, const char *codes,
                   const char *due_by, const char *details, int64_t *done, cc_err *err)
{
    *done = 0;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id, origin_ref FROM task WHERE client_id = ?1 AND origin = 'protocol' "
        "AND completed_at IS NULL AND cancelled_at IS NULL AND (?2 IS NULL OR due_at "
        "<= ?2) ORDER BY due_at, id",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    ctx_bind_opt(st, 2, due_by);
    while (!*done && sqlite3_step(st) == SQLITE_ROW) {
        const char *ref = (const char *)sqlite3_column_text(st, 1);
        const char *code = ref ? strrchr(ref, ':') : NULL; /* encounter:ID:code */
        if (ctx_in_list(code ? code + 1 : ref ? ref : "", codes))
            *done = sqlite3_column_int64(st, 0);
    }
    ctx_finalize(st);
    return *done ? complete_now(ctx, *done, details, err) : CC_OK;
}

int task_cancel_ref_in(cc_ctx *ctx, int64_t client_id, const char *ref, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE task SET cancelled_at = ?3, version = version + 1 WHERE client_id = ?1 "
        "AND origin_ref = ?2 AND completed_at IS NULL AND cancelled_at IS NULL",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "cancelling the task", err);
}

/* The task the person named: open, and the same client's. */
static int named_task(cc_ctx *ctx, contact *c, const char *details, cc_err *err)
{
    int64_t open = ctx_int(ctx,
                           "SELECT count(*) FROM task WHERE id = ?1 AND client_id = ?2 "
                           "AND completed_at IS NULL AND cancelled_at IS NULL",
                           c->task_id, c->client_id);
    if (!open)
        return cc_err_set(err, CC_EINPUT,
                          "task %lld is not an open task of this client",
                          (long long)c->task_id);
    c->fulfilled = c->task_id;
    return complete_now(ctx, c->task_id, details, err);
}

/* The contact closes the loop: the task the person named, or the open
 * protocol task it carries out that is due first (and due by three days
 * after the contact), is completed, audited as done by this contact. Only a
 * contact that reached the client does. */
static int fulfil_task(cc_ctx *ctx, contact *c, cc_err *err)
{
    char details[64], due_by[21];
    int64_t at = 0;
    c->fulfilled = 0;
    snprintf(details, sizeof details, "by contact %lld", (long long)c->id);
    clock_parse_iso(c->at, &at);
    clock_format_iso(at + 3 * 86400, due_by);
    if (strcmp(c->outcome, "reached") != 0) {
        if (c->task_id)
            return cc_err_set(err, CC_EINPUT,
                              "a contact that did not reach the client (%s) does "
                              "not complete a task",
                              c->outcome);
        return CC_OK;
    }
    if (c->task_id)
        return named_task(ctx, c, details, err);
    for (size_t i = 0; c->fulfil && i < sizeof fulfils / sizeof *fulfils; i++)
        if (!strcmp(c->kind, fulfils[i].kind))
            return task_fulfil_in(ctx, c->client_id, fulfils[i].codes, due_by, details,
                                  &c->fulfilled, err);
    return CC_OK;
}

static int do_log(cc_ctx *ctx, void *arg, cc_err *err)
{
    contact *c = arg;
    if (guard_client(ctx, "client.write", c->client_id, "contact", err) != CC_OK ||
        insert_contact(ctx, c, err) != CC_OK)
        return err->code;
    return fulfil_task(ctx, c, err);
}

int contact_log_in(cc_ctx *ctx, contact *c, cc_err *err)
{
    if (validate_contact(ctx, c, 0, err) != CC_OK)
        return err->code;
    c->corrects_id = 0;
    return do_log(ctx, c, err);
}

int contact_log(cc_ctx *ctx, contact *c, cc_err *err)
{
    if (validate_contact(ctx, c, 0, err) != CC_OK)
        return err->code;
    c->corrects_id = 0;
    return ctx_txn(ctx, do_log, c, err);
}

struct correct_args {
    int64_t old_id;
    contact *c;
};

static int do_correct(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct correct_args *a = arg;
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT client_id FROM contact WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->old_id);
    int rc = sqlite3_step(st);
    int64_t client = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ctx_finalize(st);
    if (!client)
        return cc_err_set(err, CC_EINPUT, "no contact %lld", (long long)a->old_id);
    if (client != a->c->client_id)
        return cc_err_set(err, CC_EINPUT, "a correction must be for the same client");
    if (guard_client(ctx, "client.write", client, "contact", err) != CC_OK)
        return err->code;
    a->c->corrects_id = a->old_id;
    return insert_contact(ctx, a->c, err);
}

int contact_correct(cc_ctx *ctx, int64_t old_id, contact *c, cc_err *err)
{
    struct correct_args a = {old_id, c};
    if (validate_contact(ctx, c, 1, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_correct, &a, err);
}
