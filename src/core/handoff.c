/*
 * handoff.c — the warm hand-off state machine, its consent gate and
 * disclosure record, the summary snapshot (built with cJSON: risk, episode,
 * consents, open tasks, recent contacts, then the active plan with its open
 * steps, the care-transition pillars, the current medications and the
 * first and latest PAM results), and bulk reassignment. Each decision is one UPDATE
 * guarded by the state and the version, so of two receivers accepting at once exactly
 * one changes a row.
 */
#include "handoff.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caseload.h"
#include "client.h"
#include "consent.h"
#include "disclose.h"
#include "episode.h"
#include "guard.h"
#include "leave.h"
#include "meds.h"
#include "offboard.h"
#include "pam.h"
#include "program.h"
#include "scope.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/text.h"

void handoff_business_days(int64_t from, int n, char out[21])
{
    int64_t t = from;
    while (n > 0) {
        t += 86400;
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        if (tm.tm_wday != 0 && tm.tm_wday != 6)
            n--;
    }
    clock_format_iso(t, out);
}

/* ---- reading ----------------------------------------------------------- */

#define HANDOFF_COLS                                                                   \
    "id, client_id, from_staff_id, coalesce(from_program_id, 0), to_kind, "            \
    "coalesce(to_staff_id, to_team_id, to_program_id, to_org_id, 0), state, note, "    \
    "reason, substance_use, proposed_at, expires_at, coalesce(decided_at, ''), "       \
    "coalesce(decided_by, 0), outside_accepted_by, outside_contact, coalesce(batch, "  \
    "0), "                                                                             \
    "version, summary"

static void row_to_handoff(sqlite3_stmt *st, handoff *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    h->client_id = sqlite3_column_int64(st, 1);
    h->from_staff_id = sqlite3_column_int64(st, 2);
    h->from_program_id = sqlite3_column_int64(st, 3);
    ctx_col(st, 4, h->to.kind, sizeof h->to.kind);
    h->to.id = sqlite3_column_int64(st, 5);
    ctx_col(st, 6, h->state, sizeof h->state);
    ctx_col(st, 7, h->note, sizeof h->note);
    ctx_col(st, 8, h->reason, sizeof h->reason);
    h->substance_use = sqlite3_column_int(st, 9);
    ctx_col(st, 10, h->proposed_at, sizeof h->proposed_at);
    ctx_col(st, 11, h->expires_at, sizeof h->expires_at);
    ctx_col(st, 12, h->decided_at, sizeof h->decided_at);
    h->decided_by = sqlite3_column_int64(st, 13);
    ctx_col(st, 14, h->outside_accepted_by, sizeof h->outside_accepted_by);
    ctx_col(st, 15, h->outside_contact, sizeof h->outside_contact);
    h->batch = sqlite3_column_int64(st, 16);
    h->version = sqlite3_column_int64(st, 17);
}

/* A proposal past its expiry is expired wherever it is read, whether or not
 * handoff_expire_due has written it down yet. */
static void apply_expiry(cc_ctx *ctx, handoff *h)
{
    char now[21];
    ctx_now(ctx, now);
    if (!strcmp(h->state, "proposed") && strcmp(now, h->expires_at) >= 0) {
        snprintf(h->state, sizeof h->state, "expired");
        snprintf(h->decided_at, sizeof h->decided_at, "%s", h->expires_at);
    }
}

int handoff_get(cc_ctx *ctx, int64_t id, handoff *out, char **summary, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " HANDOFF_COLS " FROM handoff WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row_to_handoff(st, out);
        apply_expiry(ctx, out);
        if (summary)
            *summary = cc_strdup((const char *)sqlite3_column_text(st, 18));
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no hand-off %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading hand-off", err);
}

/* ---- the summary snapshot ---------------------------------------------- */

/* Add the rows of sql (bound to id as ?1 and, when not NULL, text as ?2) to
 * arr as objects whose keys are the column names. */
static void rows_into(cc_ctx *ctx, cJSON *arr, const char *sql, int64_t id,
                      const char *text)
{
    cc_err err;
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *name = sqlite3_column_name(st, i);
            if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
                cJSON_AddNumberToObject(row, name, (double)sqlite3_column_int64(st, i));
            else if (sqlite3_column_type(st, i) == SQLITE_NULL)
                cJSON_AddNullToObject(row, name);
            else
                cJSON_AddStringToObject(row, name,
                                        (const char *)sqlite3_column_text(st, i));
        }
        cJSON_AddItemToArray(arr, row);
    }
    ctx_finalize(st);
}

/* Add the rows of sql (bound to client_id) as an array of objects whose keys
 * are the column names. */
static void add_rows(cc_ctx *ctx, cJSON *o, const char *key, const char *sql,
                     int64_t client_id)
{
    rows_into(ctx, cJSON_AddArrayToObject(o, key), sql, client_id, NULL);
}

/* The plan's active goals (words, barriers, status, review date), each with
 * its open steps. */
static void add_plan(cc_ctx *ctx, cJSON *o, int64_t client_id)
{
    cJSON *goals = cJSON_AddArrayToObject(o, "plan");
    rows_into(ctx, goals,
              "SELECT g.id, g.words, g.barriers, g.status, g.review_date FROM "
              "plan_goal g JOIN care_plan p ON p.id = g.plan_id WHERE p.client_id = "
              "?1 AND g.status = 'active' ORDER BY g.id",
              client_id, NULL);
    for (cJSON *g = goals->child; g; g = g->next) {
        cJSON *id = cJSON_DetachItemFromObjectCaseSensitive(g, "id");
        rows_into(ctx, cJSON_AddArrayToObject(g, "steps"),
                  "SELECT what, who, due_date FROM plan_step WHERE goal_id = ?1 AND "
                  "done = 0 ORDER BY due_date IS NULL, due_date, id",
                  id ? (int64_t)id->valuedouble : 0, NULL);
        cJSON_Delete(id);
    }
}

/* The pillars of the open care-transition episode, or null. */
static void add_pillars(cc_ctx *ctx, cJSON *o, int64_t client_id)
{
    static const char *const names[] = {"medications", "phr", "follow-up", "red-flags"};
    cc_err err;
    pillar_state ps;
    if (pillars_of(ctx, client_id, &ps, &err) != CC_OK || !ps.episode) {
        cJSON_AddNullToObject(o, "pillars");
        return;
    }
    cJSON *x = cJSON_AddObjectToObject(o, "pillars");
    for (int i = 0; i < 4; i++)
        cJSON_AddBoolToObject(x, names[i], ps.done[i]);
    cJSON_AddNumberToObject(x, "done", 4 - ps.missing);
    cJSON_AddStringToObject(x, "summary", ps.summary);
}

/* The first and latest PAM results, or null when there are none. */
static void add_pam(cc_ctx *ctx, cJSON *o, int64_t client_id)
{
    cc_err err;
    pam_change pc;
    if (pam_change_of(ctx, client_id, &pc, &err) != CC_OK || !pc.count) {
        cJSON_AddNullToObject(o, "pam");
        return;
    }
    cJSON *x = cJSON_AddObjectToObject(o, "pam");
    cJSON_AddNumberToObject(x, "results", pc.count);
    cJSON_AddNumberToObject(x, "first_score", pc.first.score);
    cJSON_AddNumberToObject(x, "first_level", pc.first.level);
    cJSON_AddStringToObject(x, "first_date", pc.first.taken_date);
    cJSON_AddNumberToObject(x, "latest_score", pc.latest.score);
    cJSON_AddNumberToObject(x, "latest_level", pc.latest.level);
    cJSON_AddStringToObject(x, "latest_date", pc.latest.taken_date);
    cJSON_AddNumberToObject(x, "change", pc.latest.score - pc.first.score);
}

static void add_episode(cc_ctx *ctx, cJSON *o, int64_t client_id)
{
    cc_err err;
    episode e;
    episode_day d;
    char today[11];
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT id FROM episode WHERE client_id = ?1 AND "
                                   "closed_date IS NULL ORDER BY id DESC LIMIT 1",
                                   &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, client_id);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ctx_finalize(st);
    if (!id || episode_get(ctx, id, &e, &err) != CC_OK) {
        cJSON_AddNullToObject(o, "episode");
        return;
    }
    ctx_today(ctx, today);
    episode_day_of(&e, today, &d);
    cJSON *x = cJSON_AddObjectToObject(o, "episode");
    cJSON_AddStringToObject(x, "start_date", e.start_date);
    cJSON_AddNumberToObject(x, "day", d.day);
    cJSON_AddNumberToObject(x, "length", d.length);
    cJSON_AddStringToObject(x, "target_end", d.target_end);
}

int handoff_summary(cc_ctx *ctx, int64_t client_id, char **json, cc_err *err)
{
    client c;
    char today[11];
    if (client_get(ctx, client_id, &c, err) != CC_OK)
        return err->code;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "client", (double)c.id);
    cJSON_AddStringToObject(o, "name", c.given_name);
    cJSON_AddStringToObject(o, "family_name", c.family_name);
    cJSON_AddStringToObject(o, "dob", c.dob);
    add_rows(
        ctx, o, "risk",
        "SELECT level, score, drivers, at FROM assessment WHERE client_id = ?1 ORDER "
        "BY at DESC, id DESC LIMIT 1",
        client_id);
    add_episode(ctx, o, client_id);
    add_rows(
        ctx, o, "consents",
        "SELECT kind, decision, signed_date, expires_date, revoked_date, "
        "substance_use FROM consent WHERE client_id = ?1 ORDER BY signed_date DESC, id "
        "DESC",
        client_id);
    add_rows(
        ctx, o, "open_tasks",
        "SELECT title, due_at FROM task WHERE client_id = ?1 AND completed_at IS NULL "
        "AND cancelled_at IS NULL ORDER BY due_at LIMIT 10",
        client_id);
    add_rows(
        ctx, o, "recent_contacts",
        "SELECT kind, at, substr(note, 1, 200) AS note FROM contact WHERE client_id = "
        "?1 ORDER BY at DESC, id DESC LIMIT 3",
        client_id);
    add_plan(ctx, o, client_id);
    add_pillars(ctx, o, client_id);
    ctx_today(ctx, today);
    rows_into(ctx, cJSON_AddArrayToObject(o, "medications"),
              "SELECT name, dose, how_taken, prescriber, source, start_date FROM "
              "medication WHERE client_id = ?1 AND (stop_date IS NULL OR stop_date > "
              "?2) ORDER BY name, id",
              client_id, today);
    add_pam(ctx, o, client_id);
    *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return *json ? CC_OK : cc_err_set(err, CC_EDATA, "out of memory");
}

/* ---- proposing --------------------------------------------------------- */

static int target_exists(cc_ctx *ctx, const handoff_target *to, int64_t owner,
                         cc_err *err)
{
    static const struct {
        const char *kind, *sql;
    } checks[] = {
        {"staff",
         "SELECT 1 FROM staff WHERE id = ?1 AND active = 1 AND role IN ('coach', "
         "'nurse', 'scheduler', 'social-worker', 'program-manager')"},
        {"team", "SELECT 1 FROM team WHERE id = ?1"},
        {"program", "SELECT 1 FROM program WHERE id = ?1 AND active = 1"},
        {"organization", "SELECT 1 FROM organization WHERE id = ?1"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        if (strcmp(to->kind, checks[i].kind) != 0)
            continue;
        sqlite3_stmt *st = ctx_prepare(ctx, checks[i].sql, err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, to->id);
        int found = sqlite3_step(st) == SQLITE_ROW;
        ctx_finalize(st);
        if (!found)
            return cc_err_set(
                err, CC_EINPUT,
                "no %s %lld to hand off to (staff must be active and carry "
                "clients)",
                to->kind, (long long)to->id);
        if (!strcmp(to->kind, "staff") && to->id == owner)
            return cc_err_set(err, CC_EINPUT, "the client is already theirs");
        return CC_OK;
    }
    return cc_err_set(
        err, CC_EINPUT,
        "a hand-off goes to a staff member, team, program or organization");
}

/* The owner may hand off; so may a program manager covering the owner. */
static int may_propose(cc_ctx *ctx, const client *c, cc_err *err)
{
    if (!c->owner_id)
        return cc_err_set(err, CC_EINPUT, "client %lld has no owner: assign the client",
                          (long long)c->id);
    if (c->owner_id == ctx->staff_id || ctx->system)
        return CC_OK;
    if (!strcmp(ctx->role, "program-manager") &&
        scope_client(ctx, c->id, 1, err) == CC_OK)
        return CC_OK;
    return cc_err_set(
        err, CC_EREFUSED,
        "only the client's owner or a covering program manager hands off");
}

static int record_disclosure(cc_ctx *ctx, const client *c, int64_t org, int su,
                             int64_t handoff_id, cc_err *err)
{
    return disclosure_record(
        ctx, c->id, org,
        su ? "hand-off summary: risk, active issues, consents, open tasks, "
             "recent contacts, care plan, pillars, medications, patient activation, "
             "substance-use information"
           : "hand-off summary: risk, active issues, consents, open tasks, "
             "recent contacts, care plan, pillars, medications, patient activation",
        "warm hand-off", su, handoff_id, err);
}

static int expiry_days(cc_ctx *ctx)
{
    char v[16] = "";
    cc_err err;
    store_meta_get(ctx->st, "handoff_expiry_business_days", v, sizeof v, &err);
    int n = atoi(v);
    return n > 0 && n < 60 ? n : 3;
}

static int insert_handoff(cc_ctx *ctx, const client *c, const handoff_target *to,
                          const char *note, int su, int64_t batch, int64_t *id,
                          cc_err *err)
{
    static const char *const cols[] = {"staff", "team", "program", "organization"};
    char now[21], expires[21], *summary;
    int col = 0;
    for (int i = 0; i < 4; i++)
        if (!strcmp(to->kind, cols[i]))
            col = i;
    if (handoff_summary(ctx, c->id, &summary, err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    handoff_business_days(ctx_clock(ctx), expiry_days(ctx), expires);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO handoff (client_id, from_staff_id, from_program_id, to_kind, "
        "to_staff_id, to_team_id, to_program_id, to_org_id, state, note, summary, "
        "substance_use, proposed_at, expires_at, batch) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, "
        "?7, ?8, 'proposed', ?9, ?10, ?11, ?12, ?13, ?14)",
        err);
    if (!st) {
        free(summary);
        return err->code;
    }
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int64(st, 2, c->owner_id);
    if (c->program_id)
        sqlite3_bind_int64(st, 3, c->program_id);
    sqlite3_bind_text(st, 4, to->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5 + col, to->id);
    sqlite3_bind_text(st, 9, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, summary, -1, free);
    sqlite3_bind_int(st, 11, su);
    sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, expires, -1, SQLITE_STATIC);
    if (batch)
        sqlite3_bind_int64(st, 14, batch);
    int rc = sqlite3_step(st);
    ctx_finalize(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return cc_err_set(err, CC_ECONFLICT,
                          "client %lld already has a hand-off waiting (someone "
                          "proposed one first)",
                          (long long)c->id);
    if (rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "proposing hand-off", err);
    *id = sqlite3_last_insert_rowid(store_db(ctx->st));
    if (!strcmp(to->kind, "organization") &&
        record_disclosure(ctx, c, to->id, su, *id, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "handoff.propose", "client", c->id, to->kind, err);
}

static int propose_in(cc_ctx *ctx, int64_t client_id, const handoff_target *to,
                      const char *note, int su, int64_t batch, int64_t *id, cc_err *err)
{
    client c;
    if (guard_client(ctx, "handoff.propose", client_id, "hand-off", err) != CC_OK ||
        client_get(ctx, client_id, &c, err) != CC_OK ||
        may_propose(ctx, &c, err) != CC_OK ||
        target_exists(ctx, to, c.owner_id, err) != CC_OK)
        return err->code;
    if (!strcmp(to->kind, "organization") &&
        consent_covers(ctx, client_id, to->id, su, err) != CC_OK)
        return err->code;
    return insert_handoff(ctx, &c, to, note, su, batch, id, err);
}

int handoff_propose_in(cc_ctx *ctx, int64_t client_id, const handoff_target *to,
                       const char *note, int64_t batch, int64_t *id, cc_err *err)
{
    return propose_in(ctx, client_id, to, note, 0, batch, id, err);
}

int64_t handoff_next_batch(cc_ctx *ctx)
{
    return ctx_int(ctx, "SELECT coalesce(max(batch), 0) + 1 FROM handoff WHERE ?1 = ?2",
                   0, 0);
}

struct propose_args {
    int64_t client_id;
    const handoff_target *to;
    const char *note;
    int su;
    int64_t *id;
};

static int do_propose(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct propose_args *a = arg;
    return propose_in(ctx, a->client_id, a->to, a->note, a->su, 0, a->id, err);
}

static int note_ok(const char *note, cc_err *err)
{
    if (note && (!text_is_clean(note) || strlen(note) >= 512))
        return cc_err_set(err, CC_EINPUT,
                          "the note is too long or has control characters");
    return CC_OK;
}

int handoff_propose(cc_ctx *ctx, int64_t client_id, const handoff_target *to,
                    const char *note, int substance_use, int64_t *id, cc_err *err)
{
    struct propose_args a = {client_id, to, note, substance_use ? 1 : 0, id};
    if (note_ok(note, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_propose, &a, err);
}

struct bulk_args {
    const int64_t *ids;
    int n;
    const handoff_target *to;
    const char *note;
    int64_t *batch;
};

static int do_bulk(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct bulk_args *a = arg;
    *a->batch = handoff_next_batch(ctx);
    for (int i = 0; i < a->n; i++) {
        int64_t id;
        if (propose_in(ctx, a->ids[i], a->to, a->note, 0, *a->batch, &id, err) !=
            CC_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            return cc_err_set(err, err->code, "nothing moved: client %lld: %s",
                              (long long)a->ids[i], msg);
        }
    }
    char details[64];
    snprintf(details, sizeof details, "%d clients to %s %lld", a->n, a->to->kind,
             (long long)a->to->id);
    return ctx_audit(ctx, "handoff.bulk", "batch", *a->batch, details, err);
}

int handoff_bulk(cc_ctx *ctx, const int64_t *ids, int n, const handoff_target *to,
                 const char *note, int64_t *batch, cc_err *err)
{
    struct bulk_args a = {ids, n, to, note, batch};
    if (n < 1)
        return cc_err_set(err, CC_EINPUT, "no clients to move");
    if (note_ok(note, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_bulk, &a, err);
}

int handoff_bulk_caseload(cc_ctx *ctx, int64_t staff_id, const handoff_target *to,
                          const char *note, int64_t *batch, int *count, cc_err *err)
{
    int64_t *ids = NULL;
    int n = 0, cap = 0;
    if (guard_action(ctx, "caseload.bulk", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT id FROM client WHERE owner_id = ?1 ORDER BY id", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, staff_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *p = cc_realloc(ids, (size_t)(cap = cap * 2 + 16) * sizeof *ids);
            if (!p) { /* all or none: never a partial move */
                ctx_finalize(st);
                free(ids);
                return cc_err_set(err, CC_EDATA, "out of memory listing the caseload");
            }
            ids = p;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    ctx_finalize(st);
    *count = n;
    int rc = handoff_bulk(ctx, ids, n, to, note, batch, err);
    free(ids);
    return rc;
}

/* ---- deciding ---------------------------------------------------------- */

/* The program the receiving actor takes the client into, or 0 if the actor
 * is not a receiver of h. One covering the addressee on leave receives for
 * them (and the use case is noted as covering). */
static int64_t receiving_program(cc_ctx *ctx, const handoff *h)
{
    if (!strcmp(h->to.kind, "staff"))
        return h->to.id != ctx->staff_id && !leave_note_cover(ctx, h->to.id)
                   ? 0
                   : ctx_int(ctx,
                             "SELECT coalesce((SELECT t.program_id FROM team_member tm "
                             "JOIN team t ON t.id = tm.team_id WHERE tm.staff_id = ?1 "
                             "ORDER BY t.id LIMIT 1), ?2)",
                             h->to.id, h->from_program_id);
    if (!strcmp(h->to.kind, "team"))
        return ctx_int(
            ctx,
            "SELECT t.program_id FROM team t JOIN team_member tm ON tm.team_id = "
            "t.id WHERE t.id = ?1 AND tm.staff_id = ?2",
            h->to.id, ctx->staff_id);
    if (!strcmp(h->to.kind, "program"))
        return ctx_int(
            ctx,
            "SELECT t.program_id FROM team t JOIN team_member tm ON tm.team_id = "
            "t.id WHERE t.program_id = ?1 AND tm.staff_id = ?2 LIMIT 1",
            h->to.id, ctx->staff_id);
    return 0;
}

/* The client leaves program_id: its open episode closes as transferred, its
 * open tasks there are cancelled, its monitoring ends. */
static int leave_program(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                         cc_err *err)
{
    static const char *const steps[] = {
        "UPDATE task SET cancelled_at = ?3, version = version + 1 WHERE completed_at "
        "IS "
        "NULL AND cancelled_at IS NULL AND episode_id IN (SELECT id FROM episode WHERE "
        "client_id = ?1 AND program_id = ?2 AND closed_date IS NULL)",
        "UPDATE episode SET closed_date = ?4, outcome = 'transferred', version = "
        "version "
        "+ 1 WHERE client_id = ?1 AND program_id = ?2 AND closed_date IS NULL",
        "UPDATE monitoring SET ended_date = ?4, version = version + 1 WHERE client_id "
        "= ?1 "
        "AND program_id = ?2 AND ended_date IS NULL",
    };
    char now[21], today[11];
    ctx_now(ctx, now);
    ctx_today(ctx, today);
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        sqlite3_stmt *st = ctx_prepare(ctx, steps[i], err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, client_id);
        sqlite3_bind_int64(st, 2, program_id);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, today, -1, SQLITE_STATIC);
        if (ctx_done(ctx, st, "transferring client", err) != CC_OK)
            return err->code;
    }
    return ctx_audit(ctx, "client.transfer", "client", client_id, "left its program",
                     err);
}

/* The client's open tasks go with the client to its new owner (to_staff);
 * with no new owner (an outside organization) they are cancelled. */
static int move_tasks(cc_ctx *ctx, int64_t client_id, int64_t to_staff, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    to_staff ? "UPDATE task SET owner_id = ?2, version = "
                               "version + 1 WHERE client_id = ?1 AND "
                               "completed_at IS NULL AND cancelled_at IS NULL"
                             : "UPDATE task SET cancelled_at = ?3, version = "
                               "version + 1 WHERE client_id = ?1 AND "
                               "completed_at IS NULL AND cancelled_at IS NULL "
                               "AND ?2 = 0",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, to_staff);
    if (!to_staff)
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "moving tasks", err);
}

/* Set the decision on h if it is still proposed at the version read. */
static int decide(cc_ctx *ctx, const handoff *h, const char *state, const char *reason,
                  cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE handoff SET state = ?1, reason = ?2, decided_at = "
                    "?3, decided_by = ?4, version = version + 1 WHERE id = ?5 "
                    "AND state = 'proposed' AND version = ?6",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    sqlite3_bind_int64(st, 5, h->id);
    sqlite3_bind_int64(st, 6, h->version);
    if (ctx_done(ctx, st, "deciding hand-off", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_ECONFLICT,
                          "hand-off %lld was decided by someone else first",
                          (long long)h->id);
    char details[64];
    snprintf(details, sizeof details, "%s client:%lld", state, (long long)h->client_id);
    return ctx_audit(ctx, "handoff.decide", "handoff", h->id, details, err);
}

/* Read h and check it can still be decided now. */
static int open_handoff(cc_ctx *ctx, int64_t id, handoff *h, cc_err *err)
{
    char now[21];
    (void)now;
    if (handoff_get(ctx, id, h, NULL, err) != CC_OK)
        return err->code;
    if (!strcmp(h->state, "expired"))
        return cc_err_set(err, CC_EINPUT, "hand-off %lld expired unanswered at %s",
                          (long long)id, h->expires_at);
    if (strcmp(h->state, "proposed") != 0)
        return cc_err_set(err, CC_ECONFLICT, "hand-off %lld is already %s",
                          (long long)id, h->state);
    return CC_OK;
}

struct decide_args {
    int64_t id;
    const char *reason, *who, *how;
};

/* The taker gets one more client of program_id within the capacity per
 * coach and their team's own, or says why not (the reason is recorded with
 * the decision). */
static int within_capacity(cc_ctx *ctx, int64_t taker, int64_t program_id,
                           const char *reason, cc_err *err)
{
    program p;
    char note[160];
    if (program_get(ctx, program_id, &p, err) != CC_OK)
        return err->code;
    return caseload_room(ctx, taker, &p, taker == ctx->staff_id ? "you" : "they",
                         reason, note, sizeof note, err);
}

static int do_accept(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    handoff h;
    client c;
    if (guard_action(ctx, "handoff.decide", err) != CC_OK ||
        open_handoff(ctx, a->id, &h, err) != CC_OK)
        return err->code;
    if (!strcmp(h.to.kind, "organization"))
        return cc_err_set(err, CC_EINPUT,
                          "an organization's acceptance is recorded by the sender");
    int64_t into = h.from_staff_id == ctx->staff_id ? 0 : receiving_program(ctx, &h);
    if (!into)
        return cc_err_set(err, CC_EREFUSED, "hand-off %lld is not addressed to you",
                          (long long)a->id);
    /* Addressed to someone the actor covers on leave: it is theirs. */
    int64_t taker = ctx->covering ? ctx->covering : ctx->staff_id;
    if (within_capacity(ctx, taker, into, a->reason, err) != CC_OK ||
        decide(ctx, &h, "accepted", a->reason, err) != CC_OK ||
        client_get(ctx, h.client_id, &c, err) != CC_OK)
        return err->code;
    if (c.program_id && c.program_id != into &&
        leave_program(ctx, c.id, c.program_id, err) != CC_OK)
        return err->code;
    if (move_tasks(ctx, c.id, taker, err) != CC_OK)
        return err->code;
    return client_assign_in(ctx, c.id, taker, into, err);
}

static int expire_then(cc_ctx *ctx, int (*fn)(cc_ctx *, void *, cc_err *), void *arg,
                       cc_err *err)
{
    int n;
    if (handoff_expire_due(ctx, &n, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, fn, arg, err);
}

int handoff_accept(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err)
{
    struct decide_args a = {id, reason, NULL, NULL};
    if (reason && !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "the reason has control characters");
    return expire_then(ctx, do_accept, &a, err);
}

static int do_decline(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    handoff h;
    if (guard_action(ctx, "handoff.decide", err) != CC_OK ||
        open_handoff(ctx, a->id, &h, err) != CC_OK)
        return err->code;
    if (!receiving_program(ctx, &h))
        return cc_err_set(err, CC_EREFUSED, "hand-off %lld is not addressed to you",
                          (long long)a->id);
    if (decide(ctx, &h, "declined", a->reason, err) != CC_OK)
        return err->code;
    return offboard_sweep_in(ctx, err);
}

int handoff_decline(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err)
{
    struct decide_args a = {id, reason, NULL, NULL};
    if (!reason || !*reason || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "declining a hand-off needs a reason");
    return expire_then(ctx, do_decline, &a, err);
}

static int sender_only(cc_ctx *ctx, const handoff *h, cc_err *err)
{
    cc_err ignore;
    if (h->from_staff_id == ctx->staff_id)
        return CC_OK;
    if (!strcmp(ctx->role, "program-manager") &&
        scope_client(ctx, h->client_id, 1, &ignore) == CC_OK)
        return CC_OK;
    return cc_err_set(err, CC_EREFUSED, "only the sender acts on hand-off %lld",
                      (long long)h->id);
}

static int do_withdraw(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    handoff h;
    if (guard_action(ctx, "handoff.propose", err) != CC_OK ||
        open_handoff(ctx, a->id, &h, err) != CC_OK ||
        sender_only(ctx, &h, err) != CC_OK)
        return err->code;
    return decide(ctx, &h, "withdrawn", NULL, err);
}

int handoff_release_in(cc_ctx *ctx, int64_t staff_id, const char *reason,
                       int *withdrawn, int *declined, cc_err *err)
{
    int64_t ids[2][512];
    int n[2] = {0, 0};
    static const char *const sql[2] = {
        "SELECT id FROM handoff WHERE state = 'proposed' AND from_staff_id = ?1 "
        "ORDER BY id LIMIT 512",
        "SELECT id FROM handoff WHERE state = 'proposed' AND to_staff_id = ?1 "
        "ORDER BY id LIMIT 512"};
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *st = ctx_prepare(ctx, sql[k], err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, staff_id);
        while (n[k] < 512 && sqlite3_step(st) == SQLITE_ROW)
            ids[k][n[k]++] = sqlite3_column_int64(st, 0);
        ctx_finalize(st);
        for (int i = 0; i < n[k]; i++) {
            handoff h;
            if (handoff_get(ctx, ids[k][i], &h, NULL, err) != CC_OK ||
                decide(ctx, &h, k ? "declined" : "withdrawn", k ? reason : NULL, err))
                return err->code;
        }
    }
    *withdrawn = n[0];
    *declined = n[1];
    return CC_OK;
}

int handoff_withdraw(cc_ctx *ctx, int64_t id, cc_err *err)
{
    struct decide_args a = {id, NULL, NULL, NULL};
    return expire_then(ctx, do_withdraw, &a, err);
}

static int do_outside(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    handoff h;
    client c;
    if (guard_action(ctx, "handoff.propose", err) != CC_OK ||
        open_handoff(ctx, a->id, &h, err) != CC_OK ||
        sender_only(ctx, &h, err) != CC_OK)
        return err->code;
    if (strcmp(h.to.kind, "organization") != 0)
        return cc_err_set(err, CC_EINPUT,
                          "hand-off %lld is not to an outside organization",
                          (long long)a->id);
    if (consent_covers(ctx, h.client_id, h.to.id, h.substance_use, err) != CC_OK)
        return err->code; /* the consent may have been revoked since */
    if (decide(ctx, &h, "accepted", NULL, err) != CC_OK ||
        client_get(ctx, h.client_id, &c, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE handoff SET outside_accepted_by = ?1, "
                                   "outside_contact = ?2 WHERE id = ?3",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->who, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->how, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h.id);
    if (ctx_done(ctx, st, "recording acceptance", err) != CC_OK)
        return err->code;
    if ((c.program_id && leave_program(ctx, c.id, c.program_id, err) != CC_OK) ||
        move_tasks(ctx, c.id, 0, err) != CC_OK)
        return err->code;
    st = ctx_prepare(ctx,
                     "UPDATE client SET owner_id = NULL, program_id = NULL, version = "
                     "version + 1 WHERE id = ?1",
                     err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, c.id);
    return ctx_done(ctx, st, "transferring client", err);
}

int handoff_record_outside(cc_ctx *ctx, int64_t id, const char *accepted_by,
                           const char *contact, cc_err *err)
{
    struct decide_args a = {id, NULL, accepted_by, contact};
    if (!accepted_by || !*accepted_by || !contact || !*contact ||
        !text_is_clean(accepted_by) || !text_is_clean(contact))
        return cc_err_set(err, CC_EINPUT,
                          "record who at the organization accepted and how they were "
                          "reached");
    return expire_then(ctx, do_outside, &a, err);
}

struct show_args {
    int64_t id;
    handoff *out;
    char **summary;
};

/* The sender and the addressees see a hand-off (with its summary) even
 * before the client is theirs; anyone else needs the client in scope. */
static int do_show(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct show_args *a = arg;
    handoff *h = a->out;
    if (guard_action(ctx, "client.view", err) != CC_OK ||
        handoff_get(ctx, a->id, h, NULL, err) != CC_OK)
        return err->code;
    int party = h->from_staff_id == ctx->staff_id || receiving_program(ctx, h);
    if (!party &&
        guard_client(ctx, "client.view", h->client_id, "hand-off", err) != CC_OK)
        return err->code;
    if (handoff_get(ctx, a->id, h, a->summary, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "client.view", "client", h->client_id, "hand-off", err);
}

int handoff_show(cc_ctx *ctx, int64_t id, handoff *out, char **summary, cc_err *err)
{
    struct show_args a = {id, out, summary};
    if (summary)
        *summary = NULL;
    int rc = ctx_txn(ctx, do_show, &a, err);
    if (rc != CC_OK && summary) {
        free(*summary);
        *summary = NULL;
    }
    return rc;
}

static int do_expire(cc_ctx *ctx, void *arg, cc_err *err)
{
    int *n = arg, rc = CC_OK;
    char now[21];
    int64_t ids[256];
    int k = 0;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id FROM handoff WHERE state = 'proposed' AND "
                    "expires_at <= ?1 ORDER BY id LIMIT 256",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    while (k < 256 && sqlite3_step(st) == SQLITE_ROW)
        ids[k++] = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    for (int i = 0; i < k && rc == CC_OK; i++) {
        st = ctx_prepare(
            ctx,
            "UPDATE handoff SET state = 'expired', decided_at = expires_at, "
            "version = version + 1 WHERE id = ?1",
            err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, ids[i]);
        rc = ctx_done(ctx, st, "expiring hand-offs", err);
        if (rc == CC_OK)
            rc = ctx_audit(ctx, "handoff.expire", "handoff", ids[i], "unanswered", err);
    }
    *n = k;
    return rc == CC_OK ? offboard_sweep_in(ctx, err) : rc;
}

int handoff_expire_due(cc_ctx *ctx, int *n, cc_err *err)
{
    char now[21];
    *n = 0;
    ctx_now(ctx, now);
    /* a cheap read first: most calls find nothing to expire */
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT 1 FROM handoff WHERE state = 'proposed' AND "
                                   "expires_at <= ?1 LIMIT 1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    int due = sqlite3_step(st) == SQLITE_ROW;
    ctx_finalize(st);
    return due ? ctx_txn(ctx, do_expire, n, err) : CC_OK;
}

/* ---- the summary as a person reads it ----------------------------------- */

/* One JSON value as text (strings bare, null as "-"). */
static void value_text(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v))
        snprintf(out, n, "%s", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(out, n, "%.15g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(out, n, "%s", cJSON_IsTrue(v) ? "yes" : "no");
    else
        snprintf(out, n, "-");
}

/* Append to a growing string; a failure leaves *buf NULL. */
static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (!*buf)
        return;
    if (*len + n + 1 > *cap) {
        char *more = cc_realloc(*buf, *cap = (*len + n + 1) * 2);
        if (!more) {
            free(*buf);
            *buf = NULL;
            return;
        }
        *buf = more;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* The entries of list as "- field: value; ..." lines at indent (two spaces
 * a level); a list inside an entry follows it, one level in, as
 * "name (count):" and its own entries. */
static void list_text(char **buf, size_t *len, size_t *cap, const cJSON *list,
                      int indent)
{
    char line[1024], value[768];
    for (const cJSON *row = list->child; row && *buf; row = row->next) {
        snprintf(line, sizeof line, "%*s-", indent * 2, "");
        append(buf, len, cap, line);
        const cJSON *last = NULL;
        for (const cJSON *f = row->child; f; f = f->next)
            if (!cJSON_IsArray(f))
                last = f;
        for (const cJSON *f = row->child; f; f = f->next) {
            if (cJSON_IsArray(f))
                continue;
            value_text(f, value, sizeof value);
            snprintf(line, sizeof line, " %s: %s%s", f->string ? f->string : "", value,
                     f != last ? ";" : "");
            append(buf, len, cap, line);
        }
        append(buf, len, cap, "\n");
        for (const cJSON *f = row->child; f; f = f->next) {
            if (!cJSON_IsArray(f))
                continue;
            snprintf(line, sizeof line, "%*s%s (%d):\n", indent * 2 + 2, "",
                     f->string ? f->string : "", cJSON_GetArraySize(f));
            append(buf, len, cap, line);
            list_text(buf, len, cap, f, indent + 2);
        }
    }
}

int handoff_summary_text(const char *json, char **text)
{
    cJSON *o = cJSON_Parse(json ? json : "");
    size_t len = 0, cap = 256;
    char line[1024], value[768];
    *text = NULL;
    if (!o)
        return -1;
    char *buf = cc_malloc(cap);
    if (buf)
        buf[0] = '\0';
    for (const cJSON *k = o->child; k && buf; k = k->next) {
        if (cJSON_IsArray(k)) {
            snprintf(line, sizeof line, "%s (%d):\n", k->string, cJSON_GetArraySize(k));
            append(&buf, &len, &cap, line);
            list_text(&buf, &len, &cap, k, 1);
        } else if (cJSON_IsObject(k)) {
            snprintf(line, sizeof line, "%s:\n", k->string);
            append(&buf, &len, &cap, line);
            for (const cJSON *f = k->child; f; f = f->next) {
                value_text(f, value, sizeof value);
                snprintf(line, sizeof line, "  %s: %s\n", f->string, value);
                append(&buf, &len, &cap, line);
            }
        } else {
            value_text(k, value, sizeof value);
            snprintf(line, sizeof line, "%s: %s\n", k->string, value);
            append(&buf, &len, &cap, line);
        }
    }
    cJSON_Delete(o);
    *text = buf;
    return buf ? 0 : -1;
}
