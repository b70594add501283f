/*
 * episode.c — starting, extending and closing intensive episodes, and the
 * light-touch monitoring a client returns to between them. Starting an
 * episode creates the program's protocol tasks.
 */
#include "episode.h"

#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "org.h"
#include "plan.h"
#include "program.h"
#include "task.h"
#include "util/clock.h"
#include "util/text.h"

static const char *const outcomes[] = {"goals-met",   "readmitted", "declined-further",
                                       "unreachable", "moved",      "died",
                                       "transferred", "snf"};

int episode_outcome_valid(const char *outcome)
{
    for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
        if (!strcmp(outcome, outcomes[i]))
            return 1;
    return 0;
}

/* Outcomes after which the client is no longer followed at all. */
static int leaves_care(const char *outcome)
{
    return ctx_in_list(outcome, "moved,died,transferred,declined-further");
}

void episode_day_of(const episode *e, const char *today, episode_day *out)
{
    int64_t d = clock_date_diff(e->start_date, today);
    out->day = d == INT64_MIN ? 0 : (int)d + 1;
    out->length = e->target_days + e->extended_days;
    out->past_target = out->day > out->length;
    clock_date_add(e->start_date, out->length - 1, out->target_end);
}

#define EPISODE_COLS                                                                   \
    "id, client_id, program_id, start_date, target_days, extended_days, "              \
    "coalesce(closed_date, ''), coalesce(outcome, ''), version, program_version"

int episode_get(cc_ctx *ctx, int64_t id, episode *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " EPISODE_COLS " FROM episode WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->client_id = sqlite3_column_int64(st, 1);
        out->program_id = sqlite3_column_int64(st, 2);
        ctx_col(st, 3, out->start_date, sizeof out->start_date);
        out->target_days = sqlite3_column_int(st, 4);
        out->extended_days = sqlite3_column_int(st, 5);
        ctx_col(st, 6, out->closed_date, sizeof out->closed_date);
        ctx_col(st, 7, out->outcome, sizeof out->outcome);
        out->version = sqlite3_column_int64(st, 8);
        out->program_version = sqlite3_column_int64(st, 9);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no episode %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading episode", err);
}

int episode_rules(cc_ctx *ctx, const episode *e, program *out, cc_err *err)
{
    return program_version_get(ctx, e->program_id, e->program_version, out, NULL, NULL,
                               err);
}

int64_t episode_open_any(cc_ctx *ctx, int64_t client_id)
{
    return ctx_int(
        ctx,
        "SELECT id FROM episode WHERE client_id = ?1 AND closed_date IS NULL "
        "AND ?2 = ?2 ORDER BY id DESC LIMIT 1",
        client_id, 0);
}

int64_t episode_open_for(cc_ctx *ctx, int64_t client_id, int64_t program_id)
{
    return ctx_int(
        ctx,
        "SELECT id FROM episode WHERE client_id = ?1 AND program_id = ?2 AND "
        "closed_date IS NULL",
        client_id, program_id);
}

int monitoring_get_open(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                        monitoring *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id, since_date, rescreen_date FROM monitoring "
                    "WHERE client_id = ?1 AND program_id = ?2 AND ended_date "
                    "IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->client_id = client_id;
        out->program_id = program_id;
        ctx_col(st, 1, out->since_date, sizeof out->since_date);
        ctx_col(st, 2, out->rescreen_date, sizeof out->rescreen_date);
    }
    ctx_finalize(st);
    return rc == SQLITE_ROW ? CC_OK : cc_err_set(err, CC_EINPUT, "not on monitoring");
}

/* ---- monitoring -------------------------------------------------------- */

/* The monitoring's open re-screen tasks (daily.c) are done (the re-screen
 * happened: done = 1) or cancelled (monitoring ended). */
static int settle_rescreen_tasks(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                                 int done, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        done
            ? "UPDATE task SET completed_at = ?3, completed_by = ?4, version = version "
              "+ 1 WHERE client_id = ?1 AND origin = 'protocol' AND completed_at IS "
              "NULL AND cancelled_at IS NULL AND origin_ref IN (SELECT 'rescreen:' || "
              "m.id || ':' || m.rescreen_date FROM monitoring m WHERE m.client_id = ?1 "
              "AND m.program_id = ?2 AND m.ended_date IS NULL)"
            : "UPDATE task SET cancelled_at = ?3, version = version + 1 WHERE "
              "client_id = ?1 AND origin = 'protocol' AND completed_at IS NULL AND "
              "cancelled_at IS NULL AND ?4 = ?4 AND origin_ref IN (SELECT 'rescreen:' "
              "|| m.id || ':' || m.rescreen_date FROM monitoring m WHERE m.client_id = "
              "?1 AND m.program_id = ?2 AND m.ended_date IS NULL)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    return ctx_done(ctx, st, "settling re-screen tasks", err);
}

static int end_monitoring(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                          const char *date, cc_err *err)
{
    if (settle_rescreen_tasks(ctx, client_id, program_id, 0, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE monitoring SET ended_date = ?3, version = "
                    "version + 1 WHERE client_id = ?1 AND program_id = ?2 "
                    "AND ended_date IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "ending monitoring", err);
}

/* The open tasks of one episode or of one client (kind "episode" or
 * "client", the column task.episode_id or task.client_id) cancelled: they
 * will not be done. Audited on that object with their count. */
static int cancel_tasks_of(cc_ctx *ctx, const char *kind, int64_t id, cc_err *err)
{
    static const char by_episode[] =
        "UPDATE task SET cancelled_at = ?1, version = version + 1 WHERE episode_id = ?2 "
        "AND completed_at IS NULL AND cancelled_at IS NULL";
    static const char by_client[] =
        "UPDATE task SET cancelled_at = ?1, version = version + 1 WHERE client_id = ?2 "
        "AND completed_at IS NULL AND cancelled_at IS NULL";
    char now[21], details[32];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx, strcmp(kind, "client") ? by_episode : by_client, err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    if (ctx_done(ctx, st, "cancelling open tasks", err) != CC_OK)
        return err->code;
    int n = sqlite3_changes(store_db(ctx->st));
    if (!n)
        return CC_OK;
    snprintf(details, sizeof details, "%d open tasks", n);
    return ctx_audit(ctx, "task.cancel", kind, id, details, err);
}

/* A client who leaves care leaves no open task behind (of any origin: a
 * no-show's follow-up, a plan step). */
static int cancel_client_tasks(cc_ctx *ctx, int64_t client_id, cc_err *err)
{
    return cancel_tasks_of(ctx, "client", client_id, err);
}

static const char *const end_reasons[] = {
    "stable", "moved", "died", "declined-further", "unreachable", "transferred"};

int monitoring_end_reason_valid(const char *reason)
{
    for (size_t i = 0; i < sizeof end_reasons / sizeof *end_reasons; i++)
        if (!strcmp(reason, end_reasons[i]))
            return 1;
    return 0;
}

struct end_args {
    int64_t client_id, program_id;
    const char *date, *reason;
};

static int do_end_monitoring(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct end_args *a = arg;
    monitoring m;
    char today[11], details[64];
    if (guard_client(ctx, "client.write", a->client_id, "episode", err) != CC_OK)
        return err->code;
    if (monitoring_get_open(ctx, a->client_id, a->program_id, &m, err) != CC_OK)
        return cc_err_set(
            err, CC_EINPUT,
            "client %lld is not on light-touch monitoring in this program",
            (long long)a->client_id);
    ctx_today(ctx, today);
    if (strcmp(a->date, m.since_date) < 0)
        return cc_err_set(err, CC_EINPUT, "monitoring cannot end before it began (%s)",
                          m.since_date);
    if (strcmp(a->date, today) > 0)
        return cc_err_set(err, CC_EINPUT, "monitoring cannot end in the future (%s)",
                          a->date);
    if (end_monitoring(ctx, a->client_id, a->program_id, a->date, err) != CC_OK ||
        cancel_client_tasks(ctx, a->client_id, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx, "UPDATE monitoring SET end_reason = ?2 WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, m.id);
    sqlite3_bind_text(st, 2, a->reason, -1, SQLITE_STATIC);
    snprintf(details, sizeof details, "%s %s", a->date, a->reason);
    if (ctx_done(ctx, st, "ending monitoring", err) != CC_OK ||
        ctx_audit(ctx, "monitoring.end", "client", a->client_id, details, err) != CC_OK)
        return err->code;
    return referral_follow_care_in(ctx, a->client_id, a->program_id, "closed", err);
}

int monitoring_end(cc_ctx *ctx, int64_t client_id, int64_t program_id, const char *date,
                   const char *reason, cc_err *err)
{
    struct end_args a = {client_id, program_id, date, reason};
    int64_t d;
    if (clock_parse_date(date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "end date must be YYYY-MM-DD");
    if (!monitoring_end_reason_valid(reason))
        return cc_err_set(err, CC_EINPUT,
                          "reason must be stable, moved, died, declined-further, "
                          "unreachable or transferred");
    return ctx_txn(ctx, do_end_monitoring, &a, err);
}

/* A re-screen while on monitoring sets the next one. */
static int set_rescreen(cc_ctx *ctx, const monitoring *m, const char *rescreen,
                        cc_err *err)
{
    if (settle_rescreen_tasks(ctx, m->client_id, m->program_id, 1, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE monitoring SET rescreen_date = ?1, version = "
                    "version + 1 WHERE id = ?2",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, rescreen, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, m->id);
    if (ctx_done(ctx, st, "scheduling re-screen", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "monitoring.rescreen", "client", m->client_id, rescreen, err);
}

/* No double enrollment: a client active (open episode or monitoring) in one
 * program of an overlap group is not also taken on by another of it. */
static int check_overlap(cc_ctx *ctx, int64_t client_id, const program *p, cc_err *err)
{
    char other[32] = "";
    if (!p->overlap_group[0])
        return CC_OK;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT p.code FROM program p WHERE p.overlap_group = ?2 AND p.id <> ?3 AND "
        "(EXISTS (SELECT 1 FROM episode e WHERE e.client_id = ?1 AND e.program_id = "
        "p.id "
        "AND e.closed_date IS NULL) OR EXISTS (SELECT 1 FROM monitoring m WHERE "
        "m.client_id = ?1 AND m.program_id = p.id AND m.ended_date IS NULL)) LIMIT 1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, p->overlap_group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->id);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, other, sizeof other);
    ctx_finalize(st);
    if (other[0])
        return cc_err_set(
            err, CC_EINPUT,
            "client %lld is active in %s, which overlaps %s: hand the client "
            "off instead of enrolling twice",
            (long long)client_id, other, p->code);
    return CC_OK;
}

int monitoring_start_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                        const char *since, cc_err *err)
{
    program p;
    char rescreen[11];
    monitoring m;
    cc_err ignore;
    if (program_get(ctx, program_id, &p, err) != CC_OK)
        return err->code;
    clock_date_add(since, p.rescreen_days, rescreen);
    if (monitoring_get_open(ctx, client_id, program_id, &m, &ignore) == CC_OK)
        return set_rescreen(ctx, &m, rescreen, err);
    if (check_overlap(ctx, client_id, &p, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "INSERT INTO monitoring (client_id, program_id, "
                                   "since_date, rescreen_date) VALUES (?1, ?2, ?3, ?4)",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rescreen, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "starting monitoring", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "monitoring.start", "client", client_id, rescreen, err);
}

/* ---- starting ---------------------------------------------------------- */

/* The owner of new tasks: the client's owner, else the actor. */
static int64_t task_owner(cc_ctx *ctx, int64_t client_id)
{
    int64_t owner = ctx_int(
        ctx, "SELECT coalesce(owner_id, 0) FROM client WHERE id = ?1", client_id, 0);
    return owner ? owner : ctx->staff_id;
}

/* The protocol tasks of the program version p the episode starts under. */
static int add_protocol_tasks(cc_ctx *ctx, int64_t client_id, int64_t episode_id,
                              const program *p, const char *start_date,
                              const char *anchor_at, cc_err *err)
{
    program v;
    protocol_task *pt;
    int n, rc = CC_OK;
    int64_t start_t = clock_local_midnight(start_date), discharge_t;
    if (!anchor_at || clock_parse_iso(anchor_at, &discharge_t) != 0)
        discharge_t = start_t;
    if (program_version_get(ctx, p->id, p->version, &v, &pt, &n, err) != CC_OK)
        return err->code;
    for (int i = 0; i < n && rc == CC_OK; i++) {
        int64_t base = strcmp(pt[i].anchor, "discharge") ? start_t : discharge_t;
        for (int k = 0; k < pt[i].repeat_count && rc == CC_OK; k++) {
            task t = {0};
            t.client_id = client_id;
            t.episode_id = episode_id;
            snprintf(t.title, sizeof t.title, "%s", pt[i].title);
            clock_format_iso(base + (int64_t)pt[i].offset_hours * 3600 +
                                 (int64_t)k * pt[i].repeat_days * 86400,
                             t.due_at);
            t.owner_id = task_owner(ctx, client_id);
            snprintf(t.origin, sizeof t.origin, "protocol");
            snprintf(t.origin_ref, sizeof t.origin_ref, "%s", pt[i].code);
            rc = task_add_in(ctx, &t, err);
        }
    }
    free(pt);
    return rc;
}

static int check_start(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                       const char *start_date, const char *anchor_at, cc_err *err)
{
    int64_t d;
    char today[11];
    ctx_today(ctx, today);
    if (clock_parse_date(start_date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "start date must be YYYY-MM-DD");
    if (strcmp(start_date, today) > 0)
        return cc_err_set(err, CC_EINPUT, "an episode cannot start in the future (%s)",
                          start_date);
    if (anchor_at && clock_parse_iso(anchor_at, &d) != 0)
        return cc_err_set(err, CC_EINPUT,
                          "discharge time must be YYYY-MM-DDTHH:MM:SSZ");
    int consented;
    if (consent_participation_check(ctx, client_id, &consented, err) != CC_OK)
        return err->code;
    if (!consented)
        return cc_err_set(
            err, CC_EINPUT,
            "no enrollment without active participation consent (client %lld)",
            (long long)client_id);
    int64_t open = episode_open_for(ctx, client_id, program_id);
    if (open)
        return cc_err_set(err, CC_EINPUT, "client %lld already has open episode %lld",
                          (long long)client_id, (long long)open);
    return CC_OK;
}

/* An assessed referral to the program becomes enrolled when its episode
 * starts (an assessment's own referral moves in assessment.c). */
static int enroll_referral(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                           cc_err *err)
{
    referral r;
    int64_t id = referral_open_for(ctx, client_id, program_id);
    if (!id)
        return CC_OK;
    if (referral_get(ctx, id, &r, err) != CC_OK)
        return err->code;
    return strcmp(r.status, "assessed")
               ? CC_OK
               : referral_transition_in(ctx, id, "enrolled", NULL, err);
}

int episode_start_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                     const char *start_date, const char *anchor_at, int64_t *id,
                     cc_err *err)
{
    program p;
    if (check_start(ctx, client_id, program_id, start_date, anchor_at, err) != CC_OK ||
        program_get(ctx, program_id, &p, err) != CC_OK ||
        check_overlap(ctx, client_id, &p, err) != CC_OK ||
        end_monitoring(ctx, client_id, program_id, start_date, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO episode (client_id, program_id, start_date, "
                    "target_days, program_version) VALUES (?1, ?2, ?3, ?4, ?5)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_text(st, 3, start_date, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, p.episode_days);
    sqlite3_bind_int64(st, 5, p.version);
    if (ctx_done(ctx, st, "starting episode", err) != CC_OK)
        return err->code;
    *id = sqlite3_last_insert_rowid(store_db(ctx->st));
    if (add_protocol_tasks(ctx, client_id, *id, &p, start_date, anchor_at, err) ||
        enroll_referral(ctx, client_id, program_id, err) ||
        referral_follow_care_in(ctx, client_id, program_id, "enrolled", err))
        return err->code;
    if (ctx_audit(ctx, "episode.start", "episode", *id, p.code, err) != CC_OK)
        return err->code;
    return plan_review_task_in(ctx, client_id, err); /* a plan made before it */
}

struct start_args {
    int64_t client_id, program_id;
    const char *start_date, *anchor_at;
    int64_t *id;
};

static int do_start(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct start_args *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "episode", err) != CC_OK)
        return err->code;
    return episode_start_in(ctx, a->client_id, a->program_id, a->start_date,
                            a->anchor_at, a->id, err);
}

int episode_start(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                  const char *start_date, const char *anchor_at, int64_t *id,
                  cc_err *err)
{
    struct start_args a = {client_id, program_id, start_date, anchor_at, id};
    return ctx_txn(ctx, do_start, &a, err);
}

/* ---- extending and closing --------------------------------------------- */

static int stale(cc_ctx *ctx, const episode *e, int64_t version, cc_err *err)
{
    (void)ctx;
    if (e->version != version)
        return cc_err_set(
            err, CC_ECONFLICT,
            "episode %lld was changed by someone else (version %lld, yours "
            "%lld)",
            (long long)e->id, (long long)e->version, (long long)version);
    if (e->closed_date[0])
        return cc_err_set(err, CC_EINPUT, "episode %lld is closed", (long long)e->id);
    return CC_OK;
}

struct extend_args {
    int64_t id, version;
    int days;
    const char *reason;
};

static int record_extension(cc_ctx *ctx, const struct extend_args *a, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO episode_extension (episode_id, days, reason, "
                    "at, staff_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int(st, 2, a->days);
    sqlite3_bind_text(st, 3, a->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, ctx->staff_id);
    return ctx_done(ctx, st, "extending episode", err);
}

static int do_extend(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct extend_args *a = arg;
    episode e;
    program p;
    if (episode_get(ctx, a->id, &e, err) != CC_OK ||
        guard_client(ctx, "client.write", e.client_id, "episode", err) != CC_OK ||
        stale(ctx, &e, a->version, err) || episode_rules(ctx, &e, &p, err) != CC_OK)
        return err->code;
    if (e.target_days + e.extended_days + a->days > p.max_days)
        return cc_err_set(err, CC_EINPUT,
                          "%s episodes last at most %d days: %d + %d more would be %d",
                          p.code, p.max_days, e.target_days + e.extended_days, a->days,
                          e.target_days + e.extended_days + a->days);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE episode SET extended_days = extended_days + ?1, "
                    "version = version + 1 WHERE id = ?2",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int(st, 1, a->days);
    sqlite3_bind_int64(st, 2, a->id);
    if (ctx_done(ctx, st, "extending episode", err) != CC_OK ||
        record_extension(ctx, a, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "episode.extend", "episode", a->id, a->reason, err);
}

int episode_extend(cc_ctx *ctx, int64_t id, int64_t version, int days,
                   const char *reason, cc_err *err)
{
    struct extend_args a = {id, version, days, reason};
    if (days < 1)
        return cc_err_set(err, CC_EINPUT, "an extension is at least one day");
    if (!reason || !*reason || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "an extension needs a reason");
    if (ctx_text_ok(reason, "the reason", CTX_NOTE_MAX, 0, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_extend, &a, err);
}

struct close_args {
    int64_t id, version;
    const char *date, *outcome;
};

/* What was still open in a closed episode will not be done: cancelled. */
static int cancel_open_tasks(cc_ctx *ctx, int64_t episode_id, cc_err *err)
{
    return cancel_tasks_of(ctx, "episode", episode_id, err);
}

static int do_close(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct close_args *a = arg;
    episode e;
    if (episode_get(ctx, a->id, &e, err) != CC_OK ||
        guard_client(ctx, "client.write", e.client_id, "episode", err) != CC_OK ||
        stale(ctx, &e, a->version, err))
        return err->code;
    char today[11];
    ctx_today(ctx, today);
    if (strcmp(a->date, e.start_date) < 0)
        return cc_err_set(err, CC_EINPUT,
                          "an episode cannot close before it started (%s)",
                          e.start_date);
    if (strcmp(a->date, today) > 0)
        return cc_err_set(err, CC_EINPUT, "an episode cannot close in the future (%s)",
                          a->date);
    if (cancel_open_tasks(ctx, a->id, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE episode SET closed_date = ?1, outcome = ?2, "
                                   "version = version + 1 WHERE id = ?3",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->id);
    if (ctx_done(ctx, st, "closing episode", err) != CC_OK ||
        ctx_audit(ctx, "episode.close", "episode", a->id, a->outcome, err) != CC_OK)
        return err->code;
    if (leaves_care(a->outcome))
        return cancel_client_tasks(ctx, e.client_id, err) != CC_OK
                   ? err->code
                   : referral_follow_care_in(ctx, e.client_id, e.program_id, "closed",
                                             err);
    if (referral_follow_care_in(ctx, e.client_id, e.program_id, "monitoring", err) !=
        CC_OK)
        return err->code;
    return monitoring_start_in(ctx, e.client_id, e.program_id, a->date, err);
}

int episode_close(cc_ctx *ctx, int64_t id, int64_t version, const char *date,
                  const char *outcome, cc_err *err)
{
    struct close_args a = {id, version, date, outcome};
    int64_t d;
    if (clock_parse_date(date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "close date must be YYYY-MM-DD");
    if (!episode_outcome_valid(outcome) || !strcmp(outcome, "snf"))
        return cc_err_set(err, CC_EINPUT,
                          "outcome must be goals-met, readmitted, declined-further, "
                          "unreachable, moved, died or transferred (a move to an "
                          "SNF is recorded as one: it pauses the episode)");
    return ctx_txn(ctx, do_close, &a, err);
}

/* ---- the SNF path ------------------------------------------------------ */

struct admit_args {
    int64_t client_id, program_id;
    const char *facility, *date;
    int64_t *paused;
};

static int do_snf_admit(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct admit_args *a = arg;
    organization o;
    episode e;
    if (guard_client(ctx, "client.write", a->client_id, "episode", err) != CC_OK ||
        org_find(ctx, a->facility, &o, err) != CC_OK)
        return err->code;
    if (strcmp(o.kind, "snf") != 0 || !o.active)
        return cc_err_set(err, CC_EINPUT,
                          "%s is not an active skilled nursing facility", o.code);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE client SET setting = 'snf', setting_org_id = "
                    "?2, version = version + 1 WHERE id = ?1 AND "
                    "setting <> 'snf'",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, o.id);
    if (ctx_done(ctx, st, "recording the move to the SNF", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "client %lld is in an SNF already",
                          (long long)a->client_id);
    if (ctx_audit(ctx, "client.snf_admit", "client", a->client_id, o.code, err))
        return err->code;
    *a->paused = episode_open_for(ctx, a->client_id, a->program_id);
    if (!*a->paused)
        return CC_OK;
    if (episode_get(ctx, *a->paused, &e, err) != CC_OK)
        return err->code;
    struct close_args c = {e.id, e.version, a->date, "snf"};
    return do_close(ctx, &c, err);
}

int episode_snf_admit(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                      const char *facility_code, const char *date, int64_t *paused,
                      cc_err *err)
{
    struct admit_args a = {client_id, program_id, facility_code, date, paused};
    int64_t d;
    *paused = 0;
    if (clock_parse_date(date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "the date must be YYYY-MM-DD");
    return ctx_txn(ctx, do_snf_admit, &a, err);
}

struct snf_args {
    int64_t client_id, program_id;
    const char *date;
    int64_t *episode_id;
};

static int latest_level_high(cc_ctx *ctx, int64_t client_id, int64_t program_id)
{
    return ctx_int(ctx,
                   "SELECT level = 'high' FROM assessment WHERE client_id = ?1 AND "
                   "program_id = ?2 ORDER BY at DESC, id DESC LIMIT 1",
                   client_id, program_id) == 1;
}

static int do_snf_discharge(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct snf_args *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "episode", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE client SET setting = 'home', setting_org_id = "
                    "NULL, version = version + 1 WHERE id = ?1 AND setting = "
                    "'snf'",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    if (ctx_done(ctx, st, "recording SNF discharge", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "client %lld is not in a SNF",
                          (long long)a->client_id);
    if (ctx_audit(ctx, "client.snf_discharge", "client", a->client_id, a->date, err))
        return err->code;
    *a->episode_id = 0;
    int consented;
    if (consent_participation_check(ctx, a->client_id, &consented, err) != CC_OK)
        return err->code;
    if (!consented)
        return CC_OK; /* the move home is recorded; no care without consent */
    if (!latest_level_high(ctx, a->client_id, a->program_id))
        return monitoring_start_in(ctx, a->client_id, a->program_id, a->date, err);
    return episode_start_in(ctx, a->client_id, a->program_id, a->date, NULL,
                            a->episode_id, err);
}

int episode_snf_discharge(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                          const char *date, int64_t *episode_id, cc_err *err)
{
    struct snf_args a = {client_id, program_id, date, episode_id};
    int64_t d;
    if (clock_parse_date(date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "discharge date must be YYYY-MM-DD");
    return ctx_txn(ctx, do_snf_discharge, &a, err);
}
