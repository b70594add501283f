/*
 * worklist.c — the rows and counts the daily screens show. One query per
 * question, each bound to ids; urgency is a small scoring rule kept here so
 * the terminal only sorts by it.
 */
#include "worklist.h"

#include "meds.h"
#include "pam.h"
#include "reach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "consent.h"
#include "daily.h"
#include "guard.h"
#include "leave.h"
#include "scope.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/text.h"

/* ---- tables ------------------------------------------------------------ */

const char *table_cell(const cc_table *t, int r, int c)
{
    if (r < 0 || r >= t->nrows || c < 0 || c >= t->ncols)
        return "";
    const char *s = t->cells[r * t->ncols + c];
    return s ? s : "";
}

int table_col(const cc_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->cols[c], name))
            return c;
    return -1;
}

void table_free(cc_table *t)
{
    for (int i = 0; t->cells && i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int table_is_null(const cc_table *t, int r, int c)
{
    return r < 0 || r >= t->nrows || c < 0 || c >= t->ncols ||
           !t->cells[r * t->ncols + c];
}

const char *table_shown(const cc_table *t, int r, int c)
{
    int numeric = c >= 0 && c < t->ncols &&
                  (t->types[c] == TABLE_INTEGER || t->types[c] == TABLE_REAL);
    return numeric && table_is_null(t, r, c) ? "n/a" : table_cell(t, r, c);
}

int table_add_row(cc_table *t, const char *const *cells)
{
    char **p =
        cc_realloc(t->cells, (size_t)(t->nrows + 1) * (size_t)t->ncols * sizeof *p);
    if (!p)
        return -1;
    t->cells = p;
    int missing = 0;
    for (int c = 0; c < t->ncols; c++) {
        p[t->nrows * t->ncols + c] = cells[c] ? cc_strdup(cells[c]) : NULL;
        missing |= cells[c] && !p[t->nrows * t->ncols + c];
    }
    t->nrows++;
    return missing ? -1 : 0;
}

/* The kinds of value seen in a column, as bits of 1 << SQLITE_INTEGER etc. */
static enum table_type type_of(unsigned seen)
{
    unsigned numbers = (1u << SQLITE_INTEGER) | (1u << SQLITE_FLOAT);
    if (!seen || (seen & ~numbers))
        return TABLE_TEXT;
    return (seen & (1u << SQLITE_FLOAT)) ? TABLE_REAL : TABLE_INTEGER;
}

int table_from_stmt(cc_ctx *ctx, sqlite3_stmt *st, cc_table *out, cc_err *err)
{
    int cap = 0, rc;
    unsigned seen[TABLE_MAX_COLS] = {0};
    memset(out, 0, sizeof *out);
    out->ncols = sqlite3_column_count(st) < TABLE_MAX_COLS ? sqlite3_column_count(st)
                                                           : TABLE_MAX_COLS;
    for (int c = 0; c < out->ncols; c++)
        snprintf(out->cols[c], sizeof out->cols[c], "%s", sqlite3_column_name(st, c));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->nrows == cap) {
            char **p = cc_realloc(out->cells, (size_t)(cap = cap * 2 + 16) *
                                                  (size_t)out->ncols * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            out->cells = p;
        }
        int missing = 0;
        for (int c = 0; c < out->ncols; c++) {
            int type = sqlite3_column_type(st, c);
            const unsigned char *v = sqlite3_column_text(st, c);
            char *cell = v ? cc_strdup((const char *)v) : NULL;
            missing |= v && !cell;
            if (type != SQLITE_NULL)
                seen[c] |= 1u << type;
            out->cells[out->nrows * out->ncols + c] = cell;
        }
        out->nrows++;
        if (missing) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    for (int c = 0; c < out->ncols; c++)
        out->types[c] = (unsigned char)type_of(seen[c]);
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return CC_OK;
    table_free(out); /* never a partial table as if it were the answer */
    return store_fail(ctx->st, rc, "reading", err);
}

/* Run sql (with ?1 = a, ?2 = b, ?3 = text) and keep every row as strings. */
static int table_query(cc_ctx *ctx, const char *sql, int64_t a, int64_t b,
                       const char *text, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (text)
        sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    return table_from_stmt(ctx, st, out, err);
}

/* ---- the caseload ------------------------------------------------------ */

/* SQL: the local date of the client's latest 30-day readmission (an
 * admission flagged by notice.c, not cancelled) in the last 30 days, or
 * NULL. The clock is ?2 (today) in the caseload, 'now' in the band. */
#define READMITTED(C)                                                                  \
    "(SELECT date(max(e.at), 'localtime') FROM encounter e WHERE e.client_id = " C     \
    " AND e.readmission = 1 AND e.cancelled_at IS NULL AND e.at >= "                   \
    "strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-30 days'))"

#define STR_(x) #x
#define STR(x)  STR_(x)

/* SQL: the caseload's consent word for client C on date D, as consent_word
 * computes it (consent_state of the first participation record among the
 * four latest): ok | expiring | none | revoked. One column of the row, not
 * three statements a row. */
/* clang-format off */
#define CONSENT_WORD(C, D)                                                             \
    "coalesce((SELECT CASE WHEN x.decision = 'declined' THEN 'none' WHEN "            \
    "coalesce(x.revoked_date, '') <> '' AND x.revoked_date <= " D " THEN 'revoked' "  \
    "WHEN coalesce(x.expires_date, '') <> '' AND x.expires_date < " D " THEN 'none' " \
    "WHEN coalesce(x.expires_date, '') <> '' AND x.expires_date <= date(" D ", '+"    \
    STR(CONSENT_EXPIRING_DAYS) " days') THEN 'expiring' ELSE 'ok' END FROM (SELECT "  \
    "k.kind, k.decision, k.revoked_date, k.expires_date, k.signed_date, k.id FROM "   \
    "consent k WHERE k.client_id = " C " ORDER BY k.signed_date DESC, k.id DESC "     \
    "LIMIT 4) x WHERE x.kind = 'participation' ORDER BY x.signed_date DESC, x.id "    \
    "DESC LIMIT 1), 'none')"
/* clang-format on */

/* The rows of the caseload of the owners WHO (an SQL list over ?1, the
 * reader, and ?2, today): the clients they own who are active or have a
 * referral open, found by client_state's partial index (schema 0016), the
 * latest assessment's level read from it. */
/* clang-format off */
#define CASELOAD_SQL(WHO)                                                              \
    "SELECT c.id, c.family_name || ', ' || c.given_name, coalesce(p.code, ''), "       \
    " coalesce(cs.level, ''), coalesce(c.tier, 0), "                                   \
    " (SELECT e.start_date || '|' || (e.target_days + e.extended_days) FROM episode e " \
    "  WHERE e.client_id = c.id AND e.closed_date IS NULL ORDER BY e.id DESC LIMIT 1), " \
    " EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = c.id AND m.ended_date IS " \
    "  NULL), "                                                                        \
    " (SELECT title || '|' || due FROM (SELECT t.title, t.due_at AS due FROM task t "  \
    "  WHERE t.client_id = c.id AND t.completed_at IS NULL AND t.cancelled_at IS NULL " \
    "  UNION ALL SELECT 'Re-screen', strftime('%Y-%m-%dT%H:%M:%SZ', m.rescreen_date, " \
    "  '+1 day', 'utc', '-1 second') FROM monitoring m WHERE m.client_id = c.id AND "  \
    "  m.ended_date IS NULL) ORDER BY due LIMIT 1), "                                  \
    " (SELECT max(k.at) FROM contact k WHERE k.client_id = c.id), "                    \
    " CASE WHEN c.owner_id <> ?1 THEN (SELECT login FROM staff WHERE id = c.owner_id) " \
    " END, " READMITTED("c.id") ", " CONSENT_WORD("c.id", "?2")                        \
    " FROM client_state cs INDEXED BY client_state_worked JOIN client c ON c.id = "    \
    " cs.client_id LEFT JOIN program p ON p.id = c.program_id WHERE cs.owner_id IN " WHO \
    " AND (cs.active = 1 OR cs.referred = 1) ORDER BY c.id"
/* clang-format on */

/* The people a reader works with: the members of the teams they belong to
 * or cover. */
#define TEAM_PEOPLE                                                                    \
    "(SELECT b.staff_id FROM team_member a JOIN team_member b ON b.team_id = "         \
    "a.team_id WHERE a.staff_id = ?1 UNION SELECT tm.staff_id FROM team_cover tc "     \
    "JOIN team_member tm ON tm.team_id = tc.team_id WHERE tc.staff_id = ?1 AND ?2 = ?2)"

static const char caseload_sql[] = CASELOAD_SQL(LEAVE_ACTS_FOR("?1", "?2"));
static const char team_caseload_sql[] = CASELOAD_SQL(TEAM_PEOPLE);

/* ok | expiring | none | revoked, from the latest participation record. */
static void consent_word(cc_ctx *ctx, int64_t client_id, const char *today, char *out,
                         size_t n)
{
    int64_t ids[4];
    cc_err err;
    consent c;
    int k = consent_list(ctx, client_id, ids, 4, &err);
    snprintf(out, n, "none");
    for (int i = 0; i < k; i++) {
        if (consent_get(ctx, ids[i], &c, &err) != CC_OK ||
            strcmp(c.kind, "participation"))
            continue;
        enum consent_state s = consent_state(&c, today);
        snprintf(out, n, "%s",
                 s == CONSENT_ACTIVE     ? "ok"
                 : s == CONSENT_EXPIRING ? "expiring"
                 : s == CONSENT_REVOKED  ? "revoked"
                                         : "none");
        return;
    }
}

static void fill_episode(worklist_row *r, const char *spec, int monitoring,
                         const char *today)
{
    char start[11] = "";
    int length = 0;
    if (spec && sscanf(spec, "%10[^|]|%d", start, &length) == 2) {
        int day = (int)clock_date_diff(start, today) + 1;
        snprintf(r->episode, sizeof r->episode, "D%d/%d", day, length);
        r->past_target = day > length;
    } else if (monitoring) {
        snprintf(r->episode, sizeof r->episode, "monitor");
    }
}

static void fill_task(worklist_row *r, const char *spec, const char *now)
{
    char due[24] = "";
    const char *bar = spec ? strrchr(spec, '|') : NULL;
    if (!bar)
        return;
    snprintf(r->next_task, sizeof r->next_task, "%.*s", (int)(bar - spec), spec);
    snprintf(due, sizeof due, "%s", bar + 1);
    clock_local_date_of(due, r->next_due);
    r->overdue = strcmp(due, now) < 0;
}

/* The care-transition pillars still missing when the episode has a week or
 * less to go (0 otherwise, and for other programs). */
static int pillars_near_end(cc_ctx *ctx, const worklist_row *r)
{
    int day, length;
    pillar_state ps;
    cc_err err = {0};
    if (sscanf(r->episode, "D%d/%d", &day, &length) != 2 || length - day > 7 ||
        pillars_of(ctx, r->client_id, &ps, &err) != CC_OK || !ps.episode)
        return 0;
    return ps.missing;
}

static int urgency_of(const worklist_row *r)
{
    int u = 0;
    u += r->overdue ? 1000 : 0;
    u += !strcmp(r->risk, "high") ? 300 : !strcmp(r->risk, "moderate") ? 100 : 0;
    u += r->past_target ? 200 : 0;
    u += strcmp(r->consent, "ok") ? 150 : 0;
    u += r->tier == 1 ? 50 : 0;
    u += r->readmitted[0] ? 250 : 0;
    u += r->pillars_missing * 60; /* the episode's end is near */
    return u;
}

static int by_urgency(const void *a, const void *b)
{
    const worklist_row *x = a, *y = b;
    if (x->urgency != y->urgency)
        return y->urgency - x->urgency;
    int d = strcmp(x->next_due[0] ? x->next_due : "9999",
                   y->next_due[0] ? y->next_due : "9999");
    return d ? d : (x->client_id > y->client_id) - (x->client_id < y->client_id);
}

static void row_of(cc_ctx *ctx, sqlite3_stmt *st, const char *today, const char *now,
                   worklist_row *r)
{
    memset(r, 0, sizeof *r);
    r->client_id = sqlite3_column_int64(st, 0);
    ctx_col(st, 1, r->name, sizeof r->name);
    ctx_col(st, 2, r->program, sizeof r->program);
    ctx_col(st, 3, r->risk, sizeof r->risk);
    r->tier = sqlite3_column_int(st, 4);
    fill_episode(r, (const char *)sqlite3_column_text(st, 5), sqlite3_column_int(st, 6),
                 today);
    fill_task(r, (const char *)sqlite3_column_text(st, 7), now);
    const unsigned char *last = sqlite3_column_text(st, 8);
    clock_local_date_of(last ? (const char *)last : "", r->last_contact);
    ctx_col(st, 9, r->covering, sizeof r->covering);
    ctx_col(st, 10, r->readmitted, sizeof r->readmitted);
    ctx_col(st, 11, r->consent, sizeof r->consent);
    r->pillars_missing = pillars_near_end(ctx, r);
    r->urgency = urgency_of(r);
}

static int caseload_rows(cc_ctx *ctx, const char *sql, int64_t staff_id,
                         worklist_row **rows, int *n, cc_err *err)
{
    char today[11], now[21];
    int cap = 0;
    *rows = NULL;
    *n = 0;
    ctx_today(ctx, today);
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, staff_id);
    sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            worklist_row *p =
                cc_realloc(*rows, (size_t)(cap = cap * 2 + 16) * sizeof *p);
            if (!p)
                break;
            *rows = p;
        }
        row_of(ctx, st, today, now, &(*rows)[(*n)++]);
    }
    ctx_finalize(st);
    if (*n)
        qsort(*rows, (size_t)*n, sizeof **rows, by_urgency);
    return CC_OK;
}

int worklist_caseload(cc_ctx *ctx, int64_t staff_id, worklist_row **rows, int *n,
                      cc_err *err)
{
    return caseload_rows(ctx, caseload_sql, staff_id, rows, n, err);
}

int worklist_team_caseload(cc_ctx *ctx, worklist_row **rows, int *n, cc_err *err)
{
    *rows = NULL;
    *n = 0;
    if (guard_action(ctx, "caseload.view", err) != CC_OK)
        return err->code;
    return caseload_rows(ctx, team_caseload_sql, ctx->staff_id, rows, n, err);
}

int worklist_my_tasks(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    char now[21];
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "caseload.view", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    return table_query(ctx,
                       "SELECT date(t.due_at, 'localtime') AS due, c.id AS client, "
                       "c.family_name || ', ' || c.given_name AS name, t.title, CASE "
                       "WHEN t.due_at < ?3 THEN 'OVERDUE' ELSE 'open' END AS state, "
                       "t.id FROM task t JOIN client c ON c.id = t.client_id WHERE "
                       "t.owner_id = ?1 AND ?2 = ?2 AND t.completed_at IS NULL AND "
                       "t.cancelled_at IS NULL ORDER BY t.due_at, t.id",
                       ctx->staff_id, 0, now, out, err);
}

int worklist_band_of(cc_ctx *ctx, int64_t client_id, worklist_band *out, cc_err *err)
{
    char today[11];
    memset(out, 0, sizeof *out);
    ctx_today(ctx, today);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT coalesce(p.code, ''), coalesce(s.login, 'unassigned'), coalesce((SELECT "
        "a.level || '|' || a.drivers FROM assessment a WHERE a.client_id = c.id ORDER BY a.at "
        "DESC, a.id DESC LIMIT 1), ''), (SELECT e.start_date || '|' || (e.target_days + "
        "e.extended_days) FROM episode e WHERE e.client_id = c.id AND e.closed_date IS NULL "
        "ORDER BY e.id DESC LIMIT 1), EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = "
        "c.id AND m.ended_date IS NULL), " READMITTED(
            "c.id") " FROM client c LEFT JOIN "
                    "program p ON p.id = c.program_id LEFT JOIN staff s ON s.id = c.owner_id WHERE "
                    "c.id = ?1",
        err);
    if (!st)
        return err->code;
    char now[21];
    ctx_now(ctx, now);
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        worklist_row r;
        char risk[300];
        memset(&r, 0, sizeof r);
        ctx_col(st, 0, out->program, sizeof out->program);
        ctx_col(st, 1, out->owner, sizeof out->owner);
        ctx_col(st, 2, risk, sizeof risk);
        char *bar = strchr(risk, '|');
        if (bar) {
            *bar = '\0';
            snprintf(out->drivers, sizeof out->drivers, "%s", bar + 1);
        }
        snprintf(out->risk, sizeof out->risk, "%.9s", risk);
        fill_episode(&r, (const char *)sqlite3_column_text(st, 3),
                     sqlite3_column_int(st, 4), today);
        snprintf(out->episode, sizeof out->episode, "%s", r.episode);
        out->past_target = r.past_target;
        ctx_col(st, 5, out->readmitted, sizeof out->readmitted);
    }
    ctx_finalize(st);
    consent_word(ctx, client_id, today, out->consent, sizeof out->consent);
    reach_who_to_call(ctx, client_id, out->reach, sizeof out->reach);
    pillar_state ps;
    pam_change pc;
    if (pillars_of(ctx, client_id, &ps, err) == CC_OK && ps.episode)
        snprintf(out->pillars, sizeof out->pillars, "%s", ps.summary);
    if (pam_change_of(ctx, client_id, &pc, err) == CC_OK && pc.count > 1)
        snprintf(out->pam, sizeof out->pam, "PAM %.0f -> %.0f (%+.0f)", pc.first.score,
                 pc.latest.score, pc.latest.score - pc.first.score);
    else if (pc.count == 1)
        snprintf(out->pam, sizeof out->pam, "PAM %.0f (level %d)", pc.first.score,
                 pc.first.level);
    return CC_OK;
}

/* ---- header counts ----------------------------------------------------- */

static int count_of(cc_ctx *ctx, const char *sql, int64_t staff_id, const char *text)
{
    cc_err err;
    int n = 0;
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, staff_id);
    sqlite3_bind_text(st, 2, text ? text : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    ctx_finalize(st);
    return n;
}

int worklist_counts_for(cc_ctx *ctx, int64_t staff_id, worklist_counts *out,
                        cc_err *err)
{
    char now[21], today[11];
    (void)err;
    memset(out, 0, sizeof *out);
    daily_run_if_due(ctx);
    ctx_now(ctx, now);
    ctx_today(ctx, today);
    out->covering = count_of(
        ctx, "SELECT count(*) - 1 FROM " LEAVE_ACTS_FOR("?1", "?2"), staff_id, today);
    out->caseload = count_of(
        ctx,
        "SELECT count(*) FROM client_state INDEXED BY client_state_active WHERE owner_id = "
        "?1 AND active = 1 AND ?2 = ?2",
        staff_id, NULL);
    out->capacity =
        count_of(ctx,
                 "SELECT coalesce(min(p.capacity), 0) FROM team_member tm JOIN "
                 "team t ON t.id = tm.team_id JOIN program p ON p.id = "
                 "t.program_id WHERE tm.staff_id = ?1 AND ?2 = ?2",
                 staff_id, NULL);
    out->alerts =
        count_of(/* to them (or those they cover), or to their role */
                 ctx,
                 "SELECT (SELECT count(*) FROM alert a WHERE a.resolved_at IS NULL AND "
                 "a.for_staff_id IN " LEAVE_ACTS_FOR(
                     "?1",
                     "?2") ") + (SELECT count(*) FROM alert a "
                           "WHERE a.resolved_at IS NULL AND a.for_staff_id IS NULL AND a.for_role = (SELECT "
                           "role FROM staff WHERE id = ?1))",
                 staff_id, today);
    out->handoffs_in = count_of(
        ctx,
        "SELECT count(*) FROM handoff h WHERE h.state = 'proposed' AND h.expires_at > "
        "?2 AND "
        "(h.to_staff_id IN " LEAVE_ACTS_FOR(
            "?1",
            "date(?2, 'localtime')") " OR "
                                     "h.to_team_id IN (SELECT team_id FROM team_member WHERE staff_id = ?1) OR "
                                     "h.to_program_id IN (SELECT t.program_id FROM team t JOIN team_member tm ON "
                                     "tm.team_id = t.id WHERE tm.staff_id = ?1))",
        staff_id, now);
    out->handoffs_out =
        count_of(ctx,
                 "SELECT count(*) FROM handoff WHERE state = 'proposed' AND "
                 "from_staff_id IN " LEAVE_ACTS_FOR(
                     "?1", "date(?2, 'localtime')") " AND expires_at > ?2",
                 staff_id, now);
    out->overdue = count_of(
        ctx,
        "SELECT count(*) FROM task WHERE owner_id IN " LEAVE_ACTS_FOR(
            "?1",
            "date(?2, 'localtime')") " AND completed_at "
                                     "IS NULL AND cancelled_at IS NULL AND due_at < ?2",
        staff_id, now);
    return CC_OK;
}

/* ---- the record's tabs ------------------------------------------------- */

static const struct tab {
    const char *name, *sql;
} tabs[] = {
    {"referrals",
     "SELECT r.received_date AS received, p.code AS program, r.source_type || "
     "coalesce(' ' || (SELECT o.facility_code FROM organization o WHERE o.id = "
     "r.source_org_id), '') AS source, r.status, r.reason FROM referral r JOIN program "
     "p ON p.id = r.program_id WHERE "
     "r.client_id = ?1 AND ?2 = ?2 ORDER BY r.received_date DESC, r.id DESC"},
    {"consent",
     "SELECT c.signed_date AS signed, c.kind, c.decision, "
     "coalesce(c.expires_date, '') AS "
     "expires, coalesce(c.revoked_date, '') AS revoked, (SELECT "
     "group_concat(o.facility_code, "
     "' ') FROM consent_recipient cr JOIN organization o ON o.id = "
     "cr.organization_id WHERE "
     "cr.consent_id = c.id) AS recipients, coalesce((SELECT 'rep ' || g.name FROM "
     "caregiver g WHERE g.id = c.signed_by_rep), '') AS signer FROM consent c "
     "WHERE c.client_id "
     "= ?1 AND ?2 = ?2 "
     "ORDER BY c.signed_date DESC, c.id DESC"},
    {"assessments",
     "SELECT date(a.at, 'localtime') AS date, a.level, a.score, a.drivers, a.id "
     "FROM assessment a "
     "WHERE a.client_id = ?1 AND ?2 = ?2 ORDER BY a.at DESC, a.id DESC"},
    {"episode", "SELECT e.start_date AS start, p.code AS program, e.target_days + "
                "e.extended_days AS "
                "days, coalesce(e.closed_date, '') AS closed, coalesce(e.outcome, "
                "'open') AS outcome "
                "FROM episode e JOIN program p ON p.id = e.program_id WHERE "
                "e.client_id = ?1 AND ?2 = "
                "?2 ORDER BY e.start_date DESC, e.id DESC"},
    {"tasks", "SELECT date(t.due_at, 'localtime') AS due, t.title, CASE WHEN "
              "t.completed_at IS NOT NULL "
              "THEN 'done' WHEN t.cancelled_at IS NOT NULL THEN 'cancelled' WHEN "
              "t.due_at < ?3 THEN "
              "'OVERDUE' ELSE 'open' END AS state, s.login AS owner, t.id FROM task t "
              "JOIN staff s ON "
              "s.id = t.owner_id WHERE t.client_id = ?1 AND ?2 = ?2 ORDER BY t.due_at "
              "DESC, t.id DESC"},
    {"contacts",
     "SELECT strftime('%Y-%m-%d %H:%M', k.at, 'localtime') AS at, k.kind, k.outcome, "
     "k.duration_min AS min, s.login AS staff, CASE WHEN k.corrects_id IS NOT NULL "
     "THEN '(corrects ' || k.corrects_id || ') ' WHEN EXISTS (SELECT 1 FROM contact x "
     "WHERE x.corrects_id = k.id) THEN '(corrected) ' ELSE '' END || k.note AS note, "
     "k.id FROM contact k JOIN staff s ON s.id = k.staff_id WHERE k.client_id = ?1 AND "
     "?2 = ?2 ORDER BY k.at DESC, k.id DESC"},
    {"handoffs",
     "SELECT date(h.proposed_at, 'localtime') AS proposed, f.login AS \"from\", h.to_kind "
     "|| ' ' "
     "|| coalesce(ts.login, tt.name, tp.code, o.facility_code) AS \"to\", h.state, "
     "h.id FROM "
     "handoff h JOIN staff f ON f.id = h.from_staff_id LEFT JOIN staff ts ON ts.id = "
     "h.to_staff_id LEFT JOIN team tt ON tt.id = h.to_team_id LEFT JOIN program tp ON "
     "tp.id "
     "= h.to_program_id LEFT JOIN organization o ON o.id = h.to_org_id WHERE "
     "h.client_id = "
     "?1 AND ?2 = ?2 ORDER BY h.proposed_at DESC, h.id DESC"},
    {"plan", /* goals, each followed by its steps: two searches, no scan */
     "SELECT item, what, state, ref FROM (SELECT 'goal' AS item, g.words || CASE WHEN "
     "g.barriers <> '' THEN ' (barriers: ' || g.barriers || ')' ELSE '' END AS what, "
     "g.status || CASE WHEN g.reason <> '' THEN ': ' || g.reason ELSE '' END || "
     "coalesce(', review ' || g.review_date, '') AS state, 'goal:' || g.id AS ref, "
     "g.status <> 'active' AS o1, g.id AS o2, 0 AS o3, 0 AS o4 FROM plan_goal g JOIN "
     "care_plan p ON p.id = g.plan_id WHERE p.client_id = ?1 AND ?2 = ?2 UNION ALL "
     "SELECT '  step', s.what || ' (' || s.who || coalesce(', by ' || s.due_date, '') "
     "|| ')', CASE WHEN s.done = 1 THEN 'done' WHEN s.task_id IS NOT NULL THEN 'task ' "
     "|| s.task_id ELSE 'open' END, 'step:' || s.id, g.status <> 'active', g.id, 1, "
     "s.id FROM plan_goal g JOIN care_plan p ON p.id = g.plan_id JOIN plan_step s ON "
     "s.goal_id = g.id WHERE p.client_id = ?1) ORDER BY o1, o2, o3, o4"},
    {"medications",
     "SELECT m.name, m.dose, m.how_taken AS taken, m.prescriber, m.source, "
     "coalesce(m.start_date, '') AS start, coalesce(m.stop_date, '') AS stop, 'med:' "
     "|| m.id AS ref FROM medication m WHERE m.client_id = ?1 AND ?2 = ?2 UNION ALL "
     "SELECT 'reconciled', date(r.at, 'localtime'), s.login, CASE WHEN "
     "r.signed_off_at IS NULL THEN 'to sign off' ELSE 'signed: ' || (SELECT login "
     "FROM staff WHERE id = r.signed_off_by) END, (SELECT count(*) FROM "
     "med_discrepancy d WHERE d.reconciliation_id = r.id) || ' found', '', '', 'rec:' "
     "|| r.id FROM med_reconciliation r JOIN staff s ON s.id = r.staff_id WHERE "
     "r.client_id = ?1"},
    {"details",
     "SELECT 'phone ' || x.n || CASE WHEN r.preferred = x.n THEN ' (preferred)' ELSE "
     "'' END AS what, CASE x.n WHEN 1 THEN r.phone1 || ' ' || r.phone1_kind ELSE "
     "r.phone2 || ' ' || r.phone2_kind END || CASE WHEN r.preferred = x.n AND "
     "r.call_times <> '' THEN ', ' || r.call_times ELSE '' END AS value, '' AS ref "
     "FROM client_reach r JOIN (SELECT 1 AS n UNION ALL SELECT 2) x WHERE r.client_id "
     "= ?1 AND ?2 = ?2 AND (CASE x.n WHEN 1 THEN r.phone1 ELSE r.phone2 END) <> '' "
     "UNION ALL SELECT 'address', r.address || CASE WHEN r.city <> '' THEN ', ' || "
     "r.city ELSE '' END, '' FROM client_reach r WHERE r.client_id = ?1 AND "
     "r.address <> '' UNION ALL SELECT 'lives at', o.name || ' (' || o.facility_code "
     "|| ')', '' FROM client c JOIN organization o ON o.id = c.setting_org_id WHERE "
     "c.id = ?1 UNION ALL SELECT 'language', c.language || CASE WHEN c.interpreter = "
     "1 THEN ', needs an interpreter' ELSE '' END, '' FROM client c WHERE c.id = ?1 "
     "UNION ALL SELECT 'primary care', trim(r.pcp_name || coalesce(', ' || o.name || "
     "' (' || o.facility_code || ')', ''), ', '), '' FROM client_reach r LEFT JOIN "
     "organization o ON o.id = r.pcp_org_id WHERE r.client_id = ?1 AND (r.pcp_name "
     "<> '' OR r.pcp_org_id IS NOT NULL) UNION ALL SELECT CASE g.legal_rep WHEN 1 "
     "THEN 'legal rep' ELSE 'caregiver' END || CASE g.active WHEN 0 THEN ' (retired)' "
     "ELSE '' END, g.name || ' (' || g.relationship || ')' || CASE WHEN g.phone <> '' "
     "THEN ' ' || g.phone ELSE '' END || CASE WHEN g.language <> '' THEN ' ' || "
     "g.language ELSE '' END || CASE g.may_contact WHEN 0 THEN ', do not contact' "
     "ELSE '' END, 'caregiver:' || g.id FROM caregiver g WHERE g.client_id = ?1"},
    {"appointments",
     "SELECT strftime('%Y-%m-%d %H:%M', a.at, 'localtime') AS \"when\", a.kind || "
     "CASE WHEN a.specialty <> '' THEN ' ' || a.specialty ELSE '' END AS kind, "
     "coalesce(o.facility_code, s.login) AS \"with\", a.status || CASE WHEN "
     "a.reason <> '' THEN ': ' || a.reason ELSE '' END AS status, trim(CASE WHEN "
     "a.transport = 1 THEN 'transport ' ELSE '' END || CASE WHEN a.interpreter = 1 "
     "THEN 'interpreter' ELSE '' END) AS needs, a.place, a.id FROM appointment a "
     "JOIN staff s ON s.id = a.staff_id LEFT JOIN organization o ON o.id = "
     "a.with_org_id WHERE a.client_id = ?1 AND ?2 = ?2 ORDER BY a.at DESC, a.id "
     "DESC"},
    {"encounters",
     "SELECT strftime('%Y-%m-%d %H:%M', e.at, 'localtime') AS at, e.kind, "
     "o.facility_code AS facility, e.patient_class AS class, e.location, "
     "e.visit_number AS visit, CASE WHEN e.cancelled_at IS NOT NULL THEN 'cancelled' "
     "WHEN e.readmission = 1 THEN 'READMISSION' ELSE '' END AS flag, e.source FROM "
     "encounter e JOIN organization o ON o.id = e.facility_id WHERE e.client_id = ?1 "
     "AND ?2 = ?2 ORDER BY e.at DESC, e.id DESC"},
};

const char *const *record_tab_names(void)
{
    static const char *names[sizeof tabs / sizeof *tabs + 1];
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++)
        names[i] = tabs[i].name;
    return names;
}

struct view_args {
    int64_t client_id;
    const char *tab;
};

static int do_view(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct view_args *a = arg;
    if (guard_client(ctx, "client.view", a->client_id, a->tab, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "client.view", "client", a->client_id, a->tab, err);
}

int record_tab(cc_ctx *ctx, int64_t client_id, const char *tab, cc_table *out,
               cc_err *err)
{
    char now[21];
    struct view_args a = {client_id, tab};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++) {
        if (strcmp(tabs[i].name, tab) != 0)
            continue;
        if (ctx_txn(ctx, do_view, &a, err) != CC_OK)
            return err->code;
        ctx_now(ctx, now);
        return table_query(ctx, tabs[i].sql, client_id, 0, now, out, err);
    }
    return cc_err_set(err, CC_EINPUT, "no tab '%s'", tab);
}

/* ---- inbox and search -------------------------------------------------- */

/* The people whose inbox ?1 reads at ?3: their own and those they cover. */
#define ACTS_NOW LEAVE_ACTS_FOR("?1", "date(?3, 'localtime')")

/* The scheduler's part: ?1 reads as a scheduler, and the people of their
 * teams whose discharges and home visits they book. */
#define SCHEDULER "(SELECT role FROM staff WHERE id = ?1) = 'scheduler'"
#define TEAM_OF_READER                                                                 \
    "(SELECT b.staff_id FROM team_member a JOIN team_member b ON b.team_id = "         \
    "a.team_id WHERE a.staff_id = ?1)"

static const char inbox_sql[] =
    "SELECT i.kind, i.client, coalesce(cl.family_name || ', ' || cl.given_name, '') AS "
    "name, i.what, i.due, i.ref FROM (SELECT 'hand-off' AS kind, h.client_id AS client, 'from ' || f.login || ': ' || "
    "h.note "
    "AS what, date(h.expires_at, 'localtime') AS due, h.id AS ref FROM handoff h JOIN "
    "staff f "
    "ON f.id = h.from_staff_id WHERE h.state = 'proposed' AND h.expires_at > ?3 AND "
    "(h.to_staff_id IN " ACTS_NOW " OR h.to_team_id IN (SELECT team_id FROM "
    "team_member WHERE staff_id = ?1) OR h.to_program_id IN (SELECT t.program_id FROM team t JOIN team_member tm "
    "ON "
    "tm.team_id = t.id WHERE tm.staff_id = ?1)) "
    "UNION ALL SELECT 'sent', h.client_id, 'waiting: ' || h.to_kind, "
    "date(h.expires_at, "
    "'localtime'), h.id FROM handoff h WHERE h.state = 'proposed' AND h.from_staff_id IN " ACTS_NOW
    " "
    "AND "
    "h.expires_at > ?3 "
    "UNION ALL SELECT 'alert', a.client_id, a.details, date(a.created_at, 'localtime'), "
    "a.id "
    "FROM alert a WHERE a.resolved_at IS NULL AND a.for_staff_id IN " ACTS_NOW " "
    "UNION ALL SELECT 'alert', a.client_id, a.details, date(a.created_at, 'localtime'), "
    "a.id FROM alert a WHERE a.resolved_at IS NULL AND a.for_staff_id IS NULL AND "
    "a.for_role = (SELECT role FROM staff WHERE id = ?1) "
    "UNION ALL SELECT 'overdue', t.client_id, t.title, date(t.due_at, 'localtime'), t.id "
    "FROM "
    "task t WHERE t.owner_id IN " ACTS_NOW
    " AND t.completed_at IS NULL AND t.cancelled_at IS "
    "NULL AND "
    "t.due_at < ?3 "
    "UNION ALL SELECT 'consent', c.client_id, c.kind || ' consent expires', "
    "c.expires_date, "
    "c.id FROM client cl CROSS JOIN consent c ON c.client_id = cl.id WHERE cl.owner_id "
    "IN " ACTS_NOW " "
    "AND "
    "c.decision = 'granted' AND c.revoked_date IS NULL AND c.expires_date BETWEEN "
    "date(?3, 'localtime') AND date(?3, 'localtime', '+30 days') AND ?2 = ?2 "
    " UNION ALL SELECT 'discharge', e.client_id, o.facility_code || ' discharge', "
    "date(e.at, 'localtime'), e.id FROM encounter e JOIN client ce ON ce.id = "
    "e.client_id JOIN organization o ON o.id = e.facility_id WHERE " SCHEDULER
    " AND e.kind = 'discharge' AND e.cancelled_at IS NULL AND e.at >= "
    "strftime('%Y-%m-%dT%H:%M:%SZ', ?3, '-3 days') AND ce.owner_id IN " TEAM_OF_READER
    " UNION ALL SELECT 'visit due', t.client_id, t.title, date(t.due_at, 'localtime'), "
    "t.id FROM task t WHERE " SCHEDULER " AND t.origin_ref LIKE '%home-visit' AND "
    "t.completed_at IS NULL AND t.cancelled_at IS NULL AND t.due_at <= "
    "strftime('%Y-%m-%dT%H:%M:%SZ', ?3, '+3 days') AND t.owner_id IN " TEAM_OF_READER
    ") i LEFT JOIN client cl ON cl.id = i.client ORDER BY CASE i.kind WHEN 'hand-off' "
    "THEN 0 WHEN 'alert' THEN 1 WHEN 'discharge' THEN 2 WHEN 'visit due' THEN 2 WHEN "
    "'sent' THEN 2 WHEN 'consent' THEN 3 ELSE 4 END, "
    "i.due";

/* A client's name shows only where the reader may see the client, or on a
 * hand-off offered to them (its summary is theirs to read). */
static void inbox_hide_names(cc_ctx *ctx, cc_table *t)
{
    cc_err ignore;
    for (int r = 0; r < t->nrows; r++) {
        char **name = &t->cells[r * t->ncols + 2];
        if (!strcmp(table_cell(t, r, 0), "hand-off") ||
            scope_client(ctx, atoll(table_cell(t, r, 1)), 0, &ignore) == CC_OK)
            continue;
        free(*name);
        *name = cc_strdup("(outside your scope)");
    }
}

int worklist_inbox(cc_ctx *ctx, int64_t staff_id, cc_table *out, cc_err *err)
{
    char now[21];
    daily_run_if_due(ctx);
    ctx_now(ctx, now);
    if (table_query(ctx, inbox_sql, staff_id, 0, now, out, err) != CC_OK)
        return err->code;
    inbox_hide_names(ctx, out);
    return CC_OK;
}

static void add_cell(cc_table *t, int r, int c, const char *v)
{
    t->cells[r * t->ncols + c] = cc_strdup(v ? v : "");
}

struct search_args {
    const char *q, *key;
    int max;
    cc_table *out;
};

/* A name matches when its key holds the query's letters (a->key, at least
 * two): some part of it in client_name_part starts with them (schema 0016),
 * so the first a->max matches by name come from that index alone.
 * Outside the reader's scope a result shows only what recognises the person
 * (name and date of birth): never the program, which can reveal mental
 * health or substance-use services. A record merged into another (merge.h)
 * is found as the survivor, never itself. */
static int search_rows(cc_ctx *ctx, struct search_args *a, cc_err *err)
{
    static const char *const cols[] = {"id", "name", "dob", "program", "in_scope"};
    cc_table *out = a->out;
    cc_err ignore;
    out->ncols = 5;
    for (int c = 0; c < 5; c++)
        snprintf(out->cols[c], sizeof out->cols[c], "%s", cols[c]);
    out->cells = cc_calloc((size_t)a->max * 5 + 5, sizeof *out->cells);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT c.id, c.family_name || ', ' || c.given_name, c.dob, coalesce(p.code, "
        "'') FROM client c LEFT JOIN program p ON p.id = c.program_id WHERE "
        "c.merged_into IS NULL AND c.id IN (SELECT client_id FROM (SELECT DISTINCT "
        "n.family_name, n.given_name, n.client_id FROM client_name_part n WHERE "
        "length(?2) > 1 AND n.part >= ?2 AND n.part < ?2 || '{' ORDER BY 1, 2, 3 LIMIT "
        "?1) UNION SELECT id FROM client WHERE dob = ?3 UNION SELECT client_id FROM "
        "client_identifier WHERE value = ?3) ORDER BY c.family_name, c.given_name, c.id "
        "LIMIT ?1",
        err);
    if (!st || !out->cells) {
        ctx_finalize(st);
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    sqlite3_bind_int(st, 1, a->max);
    sqlite3_bind_text(st, 2, a->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->q, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE;
    while (out->nrows < a->max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int r = out->nrows++;
        int in = scope_client(ctx, sqlite3_column_int64(st, 0), 0, &ignore) == CC_OK;
        for (int c = 0; c < 4; c++)
            add_cell(out, r, c,
                     c == 3 && !in ? "" : (const char *)sqlite3_column_text(st, c));
        add_cell(out, r, 4, in ? "yes" : "no");
        for (int c = 0; c < 5; c++)
            if (!out->cells[r * 5 + c])
                rc = SQLITE_NOMEM;
        if (rc == SQLITE_NOMEM)
            break;
    }
    ctx_finalize(st);
    return store_step_ok(ctx->st, rc, "search", err);
}

/* The query and the ids it listed, audited with the search. */
static int do_search(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct search_args *a = arg;
    char details[512];
    size_t len;
    if (guard_action(ctx, "client.view", err) != CC_OK || search_rows(ctx, a, err))
        return err->code;
    len = (size_t)snprintf(details, sizeof details, "q=%.120s ids=", a->q);
    for (int r = 0; r < a->out->nrows && len + 24 < sizeof details; r++)
        len += (size_t)snprintf(details + len, sizeof details - len, "%s%s",
                                r ? "," : "", table_cell(a->out, r, 0));
    return ctx_audit(ctx, "client.search", "search", 0, details, err);
}

int worklist_search(cc_ctx *ctx, const char *q, int max, cc_table *out, cc_err *err)
{
    char key[160];
    struct search_args a = {q, key, max < 1 ? 1 : max, out};
    memset(out, 0, sizeof *out);
    if (!q || text_content_len(q) < 2 || !text_is_clean(q))
        return cc_err_set(err, CC_EINPUT, "search for at least two characters");
    client_name_key(q, "", key, sizeof key);
    key[strcspn(key, " ")] = '\0';
    int rc = ctx_txn(ctx, do_search, &a, err);
    if (rc != CC_OK)
        table_free(out);
    return rc;
}

int worklist_handoff_targets(cc_ctx *ctx, char *out, size_t outsz, cc_err *err)
{
    size_t len = 0;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT * FROM (SELECT DISTINCT 'staff:' || s.login FROM staff s JOIN team_member tm "
        "ON tm.staff_id = s.id WHERE tm.team_id IN (SELECT team_id FROM team_member WHERE "
        "staff_id = ?1 UNION SELECT team_id FROM team_cover WHERE staff_id = ?1) AND s.id <> "
        "?1 AND s.active = 1 AND s.role IN ('coach', 'nurse', 'social-worker') ORDER BY 1) "
        "UNION ALL SELECT * FROM (SELECT 'program:' || code FROM program WHERE active = 1 "
        "ORDER BY id) UNION ALL SELECT * FROM (SELECT 'org:' || facility_code FROM "
        "organization WHERE kind IN ('payer-cm', 'clinic', 'agency') AND facility_code IS NOT "
        "NULL ORDER BY id)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (len + strlen(t) + 2 >= outsz)
            break;
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? "," : "", t);
    }
    ctx_finalize(st);
    return CC_OK;
}

int worklist_colleagues(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_actor(ctx, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT DISTINCT s.login, s.role FROM team_member a JOIN team_member b ON "
        "b.team_id = a.team_id JOIN staff s ON s.id = b.staff_id WHERE a.staff_id = ?1 "
        "AND s.id <> ?1 AND s.active = 1 AND s.role NOT IN ('admin', 'supervisor') "
        "ORDER BY s.login",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ctx->staff_id);
    return table_from_stmt(ctx, st, out, err);
}
