/*
 * appointment.c — booking, keeping, missing, cancelling and rescheduling
 * appointments, and the agenda (see appointment.h). What each kind of
 * appointment carries out is the table below, not code.
 */
#include "appointment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "episode.h"
#include "guard.h"
#include "org.h"
#include "task.h"
#include "util/clock.h"
#include "util/text.h"

/* What each kind is: the contact keeping it logs (NULL: the client went on
 * their own), whether it is with an organization, and the protocol tasks
 * booking and keeping it complete. An accompanied visit counts as a
 * specialist one when it names a specialty, else as primary care. */
static const struct kind {
    const char *name, *contact;
    int with_org;
    const char *on_book, *on_kept;
} kinds[] = {
    {"pcp", NULL, 1, "", "connect-pcp"},
    {"specialist", NULL, 1, "book-specialty", "specialty-appt"},
    {"home-visit", "home-visit", 0, "", ""},
    {"accompanied-visit", "accompanied-appointment", 1, "", ""},
    {"snf-visit", "snf-visit", 0, "", ""},
    {"phone-call", "call", 0, "", ""},
};

static const struct kind *kind_of(const char *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

/* The protocol codes booking (kept = 0) or keeping (kept = 1) a completes. */
static const char *codes_of(const appointment *a, int kept)
{
    const struct kind *k = kind_of(a->kind);
    if (k && !strcmp(k->name, "accompanied-visit"))
        k = kind_of(a->specialty[0] ? "specialist" : "pcp");
    return k ? (kept ? k->on_kept : k->on_book) : "";
}

/* ---- reading ----------------------------------------------------------- */

#define APPT_COLS                                                                      \
    "a.id, a.client_id, a.kind, a.specialty, coalesce(o.facility_code, ''), "          \
    "a.staff_id, a.place, a.at, a.minutes, a.transport, a.interpreter, a.status, "     \
    "a.reason, coalesce(a.rescheduled_to, 0), a.version, "                             \
    "strftime('%Y-%m-%d %H:%M', a.at, 'localtime')"

static int appt_read(cc_ctx *ctx, int64_t id, appointment *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " APPT_COLS " FROM appointment a LEFT JOIN "
                    "organization o ON o.id = a.with_org_id WHERE a.id = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->client_id = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, out->kind, sizeof out->kind);
        ctx_col(st, 3, out->specialty, sizeof out->specialty);
        ctx_col(st, 4, out->with_org, sizeof out->with_org);
        out->staff_id = sqlite3_column_int64(st, 5);
        ctx_col(st, 6, out->place, sizeof out->place);
        ctx_col(st, 7, out->at, sizeof out->at);
        out->minutes = sqlite3_column_int(st, 8);
        out->transport = sqlite3_column_int(st, 9);
        out->interpreter = sqlite3_column_int(st, 10);
        ctx_col(st, 11, out->status, sizeof out->status);
        ctx_col(st, 12, out->reason, sizeof out->reason);
        out->rescheduled_to = sqlite3_column_int64(st, 13);
        out->version = sqlite3_column_int64(st, 14);
        ctx_col(st, 15, out->when, sizeof out->when);
    }
    ctx_finalize(st);
    return rc == SQLITE_ROW
               ? CC_OK
               : cc_err_set(err, CC_EINPUT, "no appointment %lld", (long long)id);
}

int appointment_get(cc_ctx *ctx, int64_t id, appointment *out, cc_err *err)
{
    if (appt_read(ctx, id, out, err) != CC_OK)
        return err->code;
    if (guard_client(ctx, "client.view", out->client_id, "appointment", err) != CC_OK) {
        memset(out, 0, sizeof *out);
        return err->code;
    }
    return CC_OK;
}

/* ---- booking ----------------------------------------------------------- */

/* Local "YYYY-MM-DD HH:MM" to the instant; 0 if it is not one. */
static int64_t local_instant(const char *when)
{
    char date[11];
    int h, m;
    char tail;
    if (strlen(when) != 16 || sscanf(when, "%10s %2d:%2d%c", date, &h, &m, &tail) != 3)
        return 0;
    return clock_local_instant(date, h, m, 0);
}

static int validate_text(const appointment *a, cc_err *err)
{
    const char *fields[] = {a->specialty, a->place, a->reason};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!text_is_clean(fields[i]) || strchr(fields[i], '\n'))
            return cc_err_set(err, CC_EINPUT, "the appointment has control characters");
    return CC_OK;
}

/* Check a's fields and fill at from when. */
static int appt_validate(cc_ctx *ctx, appointment *a, cc_err *err)
{
    const struct kind *k = kind_of(a->kind);
    int64_t at = 0, now = ctx_clock(ctx);
    if (!k)
        return cc_err_set(err, CC_EINPUT, "appointment kind must be one of %s",
                          APPOINTMENT_KINDS);
    if (!strcmp(a->kind, "specialist") && !a->specialty[0])
        return cc_err_set(err, CC_EINPUT,
                          "a specialist appointment names its specialty (e.g. "
                          "cardiology)");
    if (k->with_org && strcmp(a->kind, "accompanied-visit") && !a->with_org[0])
        return cc_err_set(err, CC_EINPUT,
                          "a %s appointment is with an organization of "
                          "the directory",
                          a->kind);
    if (a->when[0] && !(at = local_instant(a->when)))
        return cc_err_set(err, CC_EINPUT, "the time must be YYYY-MM-DD HH:MM");
    if (!a->when[0] && clock_parse_iso(a->at, &at) != 0)
        return cc_err_set(err, CC_EINPUT, "an appointment needs a time");
    if (at < now - 3600)
        return cc_err_set(err, CC_EINPUT,
                          "an appointment is booked for a time to come: log a past "
                          "visit as a contact");
    if (at > now + 366 * 86400)
        return cc_err_set(err, CC_EINPUT,
                          "an appointment is booked at most a year ahead");
    if (!a->minutes)
        a->minutes = 30;
    if (a->minutes < 5 || a->minutes > 480)
        return cc_err_set(err, CC_EINPUT, "an appointment lasts 5 to 480 minutes");
    clock_format_iso(at, a->at);
    return validate_text(a, err);
}

/* The staff member whose agenda it goes on: active, in a care role. */
static int agenda_owner_ok(cc_ctx *ctx, appointment *a, cc_err *err)
{
    if (!a->staff_id)
        a->staff_id = ctx->staff_id;
    if (!ctx_int(ctx,
                 "SELECT count(*) FROM staff WHERE id = ?1 AND active = 1 AND role IN "
                 "('coach', 'nurse', 'scheduler', 'social-worker')",
                 a->staff_id, 0))
        return cc_err_set(
            err, CC_EINPUT,
            "an appointment goes on the agenda of an active coach, nurse, "
            "scheduler or social worker");
    return CC_OK;
}

static int appt_insert(cc_ctx *ctx, appointment *a, int64_t org_id, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO appointment (client_id, kind, specialty, with_org_id, staff_id, "
        "place, at, minutes, transport, interpreter, booked_at, booked_by) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_text(st, 2, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->specialty, -1, SQLITE_STATIC);
    if (org_id)
        sqlite3_bind_int64(st, 4, org_id);
    sqlite3_bind_int64(st, 5, a->staff_id);
    sqlite3_bind_text(st, 6, a->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->at, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, a->minutes);
    sqlite3_bind_int(st, 9, !!a->transport);
    sqlite3_bind_int(st, 10, !!a->interpreter);
    sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, ctx->staff_id);
    if (ctx_done(ctx, st, "booking the appointment", err) != CC_OK)
        return err->code;
    a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    a->version = 1;
    snprintf(a->status, sizeof a->status, "booked");
    return CC_OK;
}

/* A task of the appointment: its reminder or its no-show follow-up. */
static int appt_task(cc_ctx *ctx, const appointment *a, const char *what,
                     const char *title, const char *due_date, cc_err *err, int64_t *id)
{
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = a->client_id;
    t.episode_id = episode_open_any(ctx, a->client_id);
    t.owner_id = a->staff_id;
    snprintf(t.title, sizeof t.title, "%.127s", title);
    snprintf(t.due_date, sizeof t.due_date, "%s", due_date);
    snprintf(t.origin_ref, sizeof t.origin_ref, "appointment:%lld:%s", (long long)a->id,
             what);
    if (task_add_in(ctx, &t, err) != CC_OK)
        return err->code;
    *id = t.id;
    return CC_OK;
}

/* "specialist cardiology at NGH 2026-12-04 10:30" */
static void describe(const appointment *a, char *out, size_t n)
{
    char when[17];
    int64_t at = 0;
    clock_parse_iso(a->at, &at);
    struct tm tm;
    time_t t = (time_t)at;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    snprintf(out, n, "%s%s%.48s%s%.24s %s", a->kind, a->specialty[0] ? " " : "",
             a->specialty, a->with_org[0] ? " at " : "", a->with_org, when);
}

/* The reminder: a call the day before, unless that day has passed. */
static int reminder(cc_ctx *ctx, appointment *a, cc_err *err)
{
    char day[11], before[11], today[11], title[160], what[128];
    a->task_new = 0;
    if (a->no_reminder)
        return CC_OK;
    clock_local_date_of(a->at, day);
    ctx_today(ctx, today);
    if (clock_date_add(day, -1, before) != 0 || strcmp(before, today) < 0)
        return CC_OK;
    describe(a, what, sizeof what);
    snprintf(title, sizeof title, "Reminder call: %s", what);
    return appt_task(ctx, a, "reminder", title, before, err, &a->task_new);
}

static int book_in(cc_ctx *ctx, appointment *a, cc_err *err)
{
    int64_t org_id = 0;
    char details[96];
    if (a->with_org[0] && !(org_id = org_resolve(ctx, a->with_org, err)))
        return err->code;
    if (agenda_owner_ok(ctx, a, err) != CC_OK ||
        appt_insert(ctx, a, org_id, err) != CC_OK || reminder(ctx, a, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "appointment %lld", (long long)a->id);
    a->task_done = 0;
    if (codes_of(a, 0)[0] && task_fulfil_in(ctx, a->client_id, codes_of(a, 0), NULL,
                                            details, &a->task_done, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "appointment %lld %s", (long long)a->id, a->kind);
    return ctx_audit(ctx, "appointment.book", "client", a->client_id, details, err);
}

static int do_book(cc_ctx *ctx, void *arg, cc_err *err)
{
    appointment *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "appointment", err) != CC_OK)
        return err->code;
    return book_in(ctx, a, err);
}

int appointment_book(cc_ctx *ctx, appointment *a, cc_err *err)
{
    a->id = 0;
    if (appt_validate(ctx, a, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_book, a, err);
}

/* ---- status ------------------------------------------------------------ */

struct mark_args {
    int64_t id, version;
    const char *status, *reason, *when;
    appointment *out;
};

/* Read the appointment for a change: guarded, booked, at the version read. */
static int open_for_change(cc_ctx *ctx, struct mark_args *m, appointment *cur,
                           cc_err *err)
{
    if (appt_read(ctx, m->id, cur, err) != CC_OK ||
        guard_client(ctx, "client.write", cur->client_id, "appointment", err) != CC_OK)
        return err->code;
    if (cur->version != m->version) {
        *m->out = *cur;
        return cc_err_set(err, CC_ECONFLICT,
                          "appointment %lld was changed by someone else (now %s)",
                          (long long)m->id, cur->status);
    }
    if (strcmp(cur->status, "booked") != 0)
        return cc_err_set(err, CC_EINPUT, "appointment %lld is already %s",
                          (long long)m->id, cur->status);
    return CC_OK;
}

static int set_status(cc_ctx *ctx, appointment *a, const char *status,
                      const char *reason, int64_t moved_to, cc_err *err)
{
    char now[21], details[64];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE appointment SET status = ?2, reason = ?3, rescheduled_to = ?4, "
        "status_at = ?5, status_by = ?6, version = version + 1 WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
    if (moved_to)
        sqlite3_bind_int64(st, 4, moved_to);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ctx->staff_id);
    if (ctx_done(ctx, st, "saving the appointment", err) != CC_OK)
        return err->code;
    snprintf(a->status, sizeof a->status, "%s", status);
    snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
    a->rescheduled_to = moved_to;
    a->version++;
    snprintf(details, sizeof details, "appointment %lld", (long long)a->id);
    char action[40];
    snprintf(action, sizeof action, "appointment.%s", status);
    return ctx_audit(ctx, action, "client", a->client_id, details, err);
}

static int cancel_reminder(cc_ctx *ctx, const appointment *a, cc_err *err)
{
    char ref[48];
    snprintf(ref, sizeof ref, "appointment:%lld:reminder", (long long)a->id);
    return task_cancel_ref_in(ctx, a->client_id, ref, err);
}

/* Kept: the visit or call is a contact, and the protocol task it carries
 * out is done. */
static int kept(cc_ctx *ctx, appointment *a, cc_err *err)
{
    const struct kind *k = kind_of(a->kind);
    char details[48], now[21];
    snprintf(details, sizeof details, "appointment %lld kept", (long long)a->id);
    ctx_now(ctx, now);
    if (k->contact) {
        contact c;
        memset(&c, 0, sizeof c);
        c.client_id = a->client_id;
        snprintf(c.kind, sizeof c.kind, "%s", k->contact);
        snprintf(c.at, sizeof c.at, "%s", strcmp(a->at, now) < 0 ? a->at : now);
        c.duration_min = a->minutes;
        snprintf(c.note, sizeof c.note, "Appointment %lld kept", (long long)a->id);
        c.fulfil = 1;
        if (contact_log_in(ctx, &c, err) != CC_OK)
            return err->code;
        a->contact_id = c.id;
        a->task_done = c.fulfilled;
    }
    if (!a->task_done && codes_of(a, 1)[0])
        return task_fulfil_in(ctx, a->client_id, codes_of(a, 1), NULL, details,
                              &a->task_done, err);
    return CC_OK;
}

static int no_show(cc_ctx *ctx, appointment *a, cc_err *err)
{
    char today[11], next[11], what[128], title[160];
    ctx_today(ctx, today);
    clock_date_add(today, 1, next);
    describe(a, what, sizeof what);
    snprintf(title, sizeof title, "Follow up no-show: %s", what);
    return appt_task(ctx, a, "no-show", title, next, err, &a->task_new);
}

static int do_mark(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct mark_args *m = arg;
    appointment cur;
    if (open_for_change(ctx, m, &cur, err) != CC_OK)
        return err->code;
    int64_t at = 0;
    clock_parse_iso(cur.at, &at);
    if (strcmp(m->status, "cancelled") && at > ctx_clock(ctx) + 3600)
        return cc_err_set(
            err, CC_EINPUT,
            "appointment %lld is at %s: it can be marked %s once its time has "
            "come",
            (long long)cur.id, cur.when, m->status);
    if (cancel_reminder(ctx, &cur, err) != CC_OK ||
        set_status(ctx, &cur, m->status, m->reason, 0, err) != CC_OK)
        return err->code;
    if (!strcmp(m->status, "kept") && kept(ctx, &cur, err) != CC_OK)
        return err->code;
    if (!strcmp(m->status, "no-show") && no_show(ctx, &cur, err) != CC_OK)
        return err->code;
    *m->out = cur;
    return CC_OK;
}

int appointment_mark(cc_ctx *ctx, int64_t id, int64_t version, const char *status,
                     const char *reason, appointment *out, cc_err *err)
{
    struct mark_args m = {id, version, status, reason ? reason : "", NULL, out};
    memset(out, 0, sizeof *out);
    if (!ctx_in_list(status, "kept,no-show,cancelled"))
        return cc_err_set(err, CC_EINPUT,
                          "an appointment is marked kept, no-show or "
                          "cancelled");
    if (!strcmp(status, "cancelled") && !m.reason[0])
        return cc_err_set(err, CC_EINPUT, "say why the appointment is cancelled");
    if (ctx_text_ok(m.reason, "the reason", 127, 0, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_mark, &m, err);
}

static int do_reschedule(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct mark_args *m = arg;
    appointment cur, next;
    if (open_for_change(ctx, m, &cur, err) != CC_OK)
        return err->code;
    next = cur;
    next.id = 0;
    snprintf(next.when, sizeof next.when, "%s", m->when);
    if (appt_validate(ctx, &next, err) != CC_OK || book_in(ctx, &next, err) != CC_OK ||
        cancel_reminder(ctx, &cur, err) != CC_OK ||
        set_status(ctx, &cur, "rescheduled", m->reason, next.id, err) != CC_OK)
        return err->code;
    *m->out = next;
    return CC_OK;
}

int appointment_reschedule(cc_ctx *ctx, int64_t id, int64_t version, const char *when,
                           const char *reason, appointment *out, cc_err *err)
{
    struct mark_args m = {id, version, "rescheduled", reason ? reason : "", when, out};
    memset(out, 0, sizeof *out);
    if (!m.reason[0])
        return cc_err_set(err, CC_EINPUT, "say why the appointment is moved");
    if (ctx_text_ok(m.reason, "the reason", 127, 0, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_reschedule, &m, err);
}

/* ---- the agenda -------------------------------------------------------- */

/* Whose agenda ?1 reads: their own and those they cover, or (?4 = 1) every
 * member of their teams. */
#define AGENDA_PEOPLE                                                                  \
    "(SELECT ?1 UNION SELECT lc.staff_id FROM leave_cover lc WHERE lc.cover_id = ?1 "  \
    "AND lc.ended_at IS NULL AND lc.start_date <= date(?2, 'localtime') AND "          \
    "lc.end_date >= date(?2, 'localtime') UNION SELECT b.staff_id FROM team_member a " \
    "JOIN team_member b ON b.team_id = a.team_id WHERE a.staff_id = ?1 AND ?4 = 1)"

/* The address for a visit (an appointment of a visiting kind, or the
 * protocol's home visit), else the preferred phone. */
#define AGENDA_REACH(KIND)                                                             \
    "coalesce(CASE WHEN " KIND                                                         \
    " IN ('home-visit', 'snf-visit') THEN coalesce((SELECT "                           \
    "r.address || ', ' || r.city FROM client_reach r WHERE r.client_id = c.id AND "    \
    "r.address <> ''), (SELECT o.name FROM organization o WHERE o.id = "               \
    "c.setting_org_id)) END, (SELECT CASE r.preferred WHEN 2 THEN r.phone2 ELSE "      \
    "r.phone1 END FROM client_reach r WHERE r.client_id = c.id), '')"

#define AGENDA_RISK                                                                    \
    "coalesce((SELECT s.level FROM assessment s WHERE s.client_id = c.id ORDER BY "    \
    "s.at DESC, s.id DESC LIMIT 1), '')"

static const char agenda_sql[] =
    "SELECT strftime('%Y-%m-%d %H:%M', x.at, 'localtime') AS \"when\", st.login AS "
    "who, c.id AS client, c.family_name || ', ' || c.given_name AS name, " AGENDA_RISK
    " AS risk, x.what, " AGENDA_REACH(
        "x.kind") " AS reach, x.state, x.ref FROM (SELECT a.at, "
                  "a.staff_id, a.client_id, a.kind || CASE WHEN a.specialty <> '' THEN ' ' || "
                  "a.specialty ELSE '' END || coalesce(' at ' || o.facility_code, '') || CASE WHEN "
                  "a.transport = 1 THEN ' +transport' ELSE '' END || CASE WHEN a.interpreter = 1 THEN "
                  "' +interpreter' ELSE '' END AS what, a.kind AS kind, a.status AS state, 'appt:' "
                  "|| a.id AS ref FROM appointment a LEFT JOIN organization o ON o.id "
                  "= a.with_org_id WHERE a.staff_id IN " AGENDA_PEOPLE
                  " AND a.at >= ?5 AND a.at < "
                  "?6 AND a.status IN ('booked', 'kept', 'no-show') UNION ALL SELECT t.due_at, "
                  "t.owner_id, t.client_id, t.title, CASE WHEN t.origin_ref LIKE '%:home-visit' THEN "
                  "'home-visit' ELSE 'task' END, CASE WHEN t.due_at < ?3 THEN 'OVERDUE' ELSE 'due' "
                  "END, 'task:' || t.id FROM task t WHERE t.owner_id IN " AGENDA_PEOPLE
                  " AND t.completed_at IS NULL AND t.cancelled_at IS NULL AND t.due_at >= "
                  "strftime('%Y-%m-%dT%H:%M:%SZ', ?5, '-14 days') AND t.due_at < ?6) x JOIN client "
                  "c ON c.id = x.client_id JOIN staff st ON st.id = x.staff_id ORDER BY x.at, x.ref";

int agenda_list(cc_ctx *ctx, const char *from, int days, int team, cc_table *out,
                cc_err *err)
{
    char now[21], start[21], end[21], last[11];
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "agenda.view", err) != CC_OK)
        return err->code;
    if (days < 1 || days > 31)
        return cc_err_set(err, CC_EINPUT, "an agenda covers 1 to 31 days");
    if (!from || strlen(from) != 10 || clock_date_add(from, days, last) != 0)
        return cc_err_set(err, CC_EINPUT, "the agenda's first day must be YYYY-MM-DD");
    clock_format_iso(clock_local_midnight(from), start);
    clock_format_iso(clock_local_midnight(last), end);
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx, agenda_sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, !!team);
    sqlite3_bind_text(st, 5, start, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, end, -1, SQLITE_TRANSIENT);
    return table_from_stmt(ctx, st, out, err);
}
