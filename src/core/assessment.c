/*
 * assessment.c — the risk questionnaire as versioned data (reading a
 * version, saving a new active one), scoring it, applying what a result
 * means for the client in one transaction, and showing an assessment as it
 * was given: by its own questionnaire version, never the active one.
 */
#include "assessment.h"

#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "consent.h"
#include "episode.h"
#include "program.h"
#include "referral.h"
#include "util/text.h"

/* Fill out's questions from question rows of questionnaire out->id. */
static int read_questions(cc_ctx *ctx, questionnaire *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id, position, category, text, driver, weight FROM question "
                    "WHERE questionnaire_id = ?1 ORDER BY position",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, out->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < HRA_MAX_QUESTIONS) {
        hra_question *q = &out->q[out->n++];
        q->id = sqlite3_column_int64(st, 0);
        q->position = sqlite3_column_int(st, 1);
        ctx_col(st, 2, q->category, sizeof q->category);
        ctx_col(st, 3, q->text, sizeof q->text);
        ctx_col(st, 4, q->driver, sizeof q->driver);
        q->weight = sqlite3_column_int(st, 5);
    }
    ctx_finalize(st); /* a failed read must not pass for fewer questions */
    return store_step_ok(ctx->st, rc, "reading the questionnaire", err);
}

/* One questionnaire row chosen by sql (?1 text, ?2 integer), with its
 * questions; what names it in the error when there is none. */
static int read_questionnaire(cc_ctx *ctx, const char *sql, const char *code, int64_t n,
                              const char *what, questionnaire *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, n);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, out->code, sizeof out->code);
        out->version = sqlite3_column_int(st, 2);
        out->high_min = sqlite3_column_int(st, 3);
        out->moderate_min = sqlite3_column_int(st, 4);
        ctx_col(st, 5, out->title, sizeof out->title);
        out->active = sqlite3_column_int(st, 6);
    }
    ctx_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "reading the questionnaire", err);
    if (rc != SQLITE_ROW)
        return cc_err_set(err, CC_EINPUT, "no questionnaire %s", what);
    return read_questions(ctx, out, err);
}

#define QN_COLS "id, code, version, high_min, moderate_min, title, active"

int questionnaire_load(cc_ctx *ctx, const char *code, questionnaire *out, cc_err *err)
{
    char what[48];
    snprintf(what, sizeof what, "'%.16s' is active", code);
    return read_questionnaire(
        ctx,
        "SELECT " QN_COLS " FROM questionnaire WHERE code = ?1 "
        "AND active = 1 AND ?2 = ?2 ORDER BY version DESC LIMIT 1",
        code, 0, what, out, err);
}

int questionnaire_version(cc_ctx *ctx, const char *code, int version,
                          questionnaire *out, cc_err *err)
{
    char what[48];
    if (version < 1)
        return questionnaire_load(ctx, code, out, err);
    snprintf(what, sizeof what, "'%.16s' version %d", code, version);
    return read_questionnaire(ctx,
                              "SELECT " QN_COLS " FROM questionnaire WHERE code = ?1 "
                              "AND version = ?2",
                              code, version, what, out, err);
}

int questionnaire_by_id(cc_ctx *ctx, int64_t id, questionnaire *out, cc_err *err)
{
    char what[32];
    snprintf(what, sizeof what, "%lld", (long long)id);
    return read_questionnaire(ctx,
                              "SELECT " QN_COLS " FROM questionnaire WHERE ?1 = ?1 AND "
                              "id = ?2",
                              NULL, id, what, out, err);
}

/* ---- saving a new version ---------------------------------------------- */

static int question_ok(const hra_question *q)
{
    return ctx_in_list(q->category, "condition,coordination,social") && q->text[0] &&
           text_is_clean(q->text) && q->driver[0] && text_is_clean(q->driver) &&
           q->weight > 0 && q->weight <= 100;
}

static int validate_questionnaire(const questionnaire *q, cc_err *err)
{
    size_t n = strlen(q->code);
    int total = 0;
    if (!n || strspn(q->code, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return cc_err_set(err, CC_EINPUT,
                          "questionnaire code must be lower-case letters, digits, -");
    if (!q->title[0] || !text_is_clean(q->title))
        return cc_err_set(err, CC_EINPUT,
                          "questionnaire title is empty or has control characters");
    if (q->n < 1 || q->n > HRA_MAX_QUESTIONS)
        return cc_err_set(err, CC_EINPUT, "a questionnaire has 1 to %d questions",
                          HRA_MAX_QUESTIONS);
    for (int i = 0; i < q->n; i++) {
        if (!question_ok(&q->q[i]))
            return cc_err_set(err, CC_EINPUT,
                              "question %d: category must be condition, coordination "
                              "or social, text and driver given, weight 1-100",
                              i + 1);
        total += q->q[i].weight;
    }
    if (q->moderate_min < 1 || q->high_min <= q->moderate_min || q->high_min > total)
        return cc_err_set(err, CC_EINPUT,
                          "thresholds: need 1 <= moderate (%d) < high (%d) <= the "
                          "total weight (%d)",
                          q->moderate_min, q->high_min, total);
    return CC_OK;
}

static int same_questionnaire(const questionnaire *a, const questionnaire *b)
{
    if (strcmp(a->title, b->title) || a->high_min != b->high_min ||
        a->moderate_min != b->moderate_min || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->q[i].category, b->q[i].category) ||
            strcmp(a->q[i].text, b->q[i].text) ||
            strcmp(a->q[i].driver, b->q[i].driver) || a->q[i].weight != b->q[i].weight)
            return 0;
    return 1;
}

static int insert_questions(cc_ctx *ctx, const questionnaire *q, cc_err *err)
{
    for (int i = 0; i < q->n; i++) {
        sqlite3_stmt *st =
            ctx_prepare(ctx,
                        "INSERT INTO question (questionnaire_id, position, category, "
                        "text, driver, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, q->id);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_text(st, 3, q->q[i].category, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, q->q[i].text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, q->q[i].driver, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, q->q[i].weight);
        if (ctx_done(ctx, st, "saving question", err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

struct qsave_args {
    questionnaire *q;
    int *created;
};

static int do_qsave(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct qsave_args *a = arg;
    questionnaire cur;
    cc_err none;
    char details[48];
    if (guard_action(ctx, "program.manage", err) != CC_OK)
        return err->code;
    if (questionnaire_load(ctx, a->q->code, &cur, &none) == CC_OK &&
        same_questionnaire(a->q, &cur)) {
        *a->q = cur;
        return CC_OK;
    }
    sqlite3_stmt *st = ctx_prepare(
        ctx, "SELECT coalesce(max(version), 0) + 1 FROM questionnaire WHERE code = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->q->code, -1, SQLITE_STATIC);
    a->q->version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
    ctx_finalize(st);
    st = ctx_prepare(ctx, "UPDATE questionnaire SET active = 0 WHERE code = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->q->code, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "saving questionnaire", err) != CC_OK)
        return err->code;
    st = ctx_prepare(ctx,
                     "INSERT INTO questionnaire (code, version, title, high_min, "
                     "moderate_min, active) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                     err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->q->code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, a->q->version);
    sqlite3_bind_text(st, 3, a->q->title, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, a->q->high_min);
    sqlite3_bind_int(st, 5, a->q->moderate_min);
    if (ctx_done(ctx, st, "saving questionnaire", err) != CC_OK)
        return err->code;
    a->q->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    a->q->active = 1;
    if (insert_questions(ctx, a->q, err) != CC_OK)
        return err->code;
    *a->created = 1;
    snprintf(details, sizeof details, "%s version %d", a->q->code, a->q->version);
    return ctx_audit(ctx, "questionnaire.load", "questionnaire", a->q->id, details,
                     err);
}

int questionnaire_save(cc_ctx *ctx, questionnaire *q, int *created, cc_err *err)
{
    int ignored;
    struct qsave_args a = {q, created ? created : &ignored};
    *a.created = 0;
    if (validate_questionnaire(q, err) != CC_OK)
        return err->code;
    int rc = ctx_txn(ctx, do_qsave, &a, err);
    if (rc != CC_OK)
        *a.created = 0;
    return rc;
}

int hra_level_rank(const char *level)
{
    return !strcmp(level, "high")       ? 3
           : !strcmp(level, "moderate") ? 2
           : !strcmp(level, "low")      ? 1
                                        : 0;
}

void hra_score(const questionnaire *q, const int *answers, hra_result *out)
{
    int order[HRA_MAX_QUESTIONS], n = 0;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < q->n; i++) {
        if (!answers[i])
            continue;
        out->score += q->q[i].weight;
        int j = n++; /* insertion sort: heaviest first, then by position */
        while (j > 0 && q->q[order[j - 1]].weight < q->q[i].weight) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    snprintf(out->level, sizeof out->level, "%s",
             out->score >= q->high_min       ? "high"
             : out->score >= q->moderate_min ? "moderate"
                                             : "low");
    for (int k = 0; k < n && len < sizeof out->drivers; k++)
        len += (size_t)snprintf(out->drivers + len, sizeof out->drivers - len, "%s%s",
                                k ? "; " : "", q->q[order[k]].driver);
}

/* ---- recording --------------------------------------------------------- */

struct record_args {
    int64_t client_id, program_id;
    const questionnaire *q;
    const int *answers;
    assessment_outcome *out;
};

static int previous_rank(cc_ctx *ctx, int64_t client_id)
{
    cc_err err;
    char level[10] = "";
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT level FROM assessment WHERE client_id = ?1 ORDER "
                    "BY at DESC, id DESC LIMIT 1",
                    &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, client_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, level, sizeof level);
    ctx_finalize(st);
    return hra_level_rank(level);
}

static int insert_answers(cc_ctx *ctx, int64_t id, const questionnaire *q,
                          const int *answers, cc_err *err)
{
    for (int i = 0; i < q->n; i++) {
        sqlite3_stmt *st = ctx_prepare(ctx,
                                       "INSERT INTO assessment_answer (assessment_id, "
                                       "question_id, answer) VALUES (?1, ?2, ?3)",
                                       err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, q->q[i].id);
        sqlite3_bind_int(st, 3, answers[i] ? 1 : 0);
        if (ctx_done(ctx, st, "recording answers", err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

static int insert_assessment(cc_ctx *ctx, struct record_args *a, const client *c,
                             cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO assessment (client_id, program_id, "
                    "questionnaire_id, at, staff_id, setting, score, level, "
                    "drivers) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, a->program_id);
    sqlite3_bind_int64(st, 3, a->q->id);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, ctx->staff_id);
    sqlite3_bind_text(st, 6, c->setting, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, a->out->result.score);
    sqlite3_bind_text(st, 8, a->out->result.level, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, a->out->result.drivers, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "recording assessment", err) != CC_OK)
        return err->code;
    a->out->assessment_id = sqlite3_last_insert_rowid(store_db(ctx->st));
    if (insert_answers(ctx, a->out->assessment_id, a->q, a->answers, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "assessment.record", "client", a->client_id,
                     a->out->result.level, err);
}

/* The nurse of the team the client's owner works in, or 0. */
static int64_t team_nurse(cc_ctx *ctx, const client *c)
{
    cc_err err;
    int64_t id = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT s.id FROM team_member mine JOIN team_member tm ON "
                    "tm.team_id = mine.team_id JOIN staff s ON s.id = "
                    "tm.staff_id WHERE mine.staff_id = ?1 AND s.role = "
                    "'nurse' AND s.active = 1 ORDER BY s.id LIMIT 1",
                    &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, c->owner_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

static int raise_alert(cc_ctx *ctx, const client *c, int from, const char *to,
                       cc_err *err)
{
    static const char *const names[] = {"none", "low", "moderate", "high"};
    char details[96], now[21];
    int64_t nurse = team_nurse(ctx, c);
    snprintf(details, sizeof details, "risk rose from %s to %s", names[from], to);
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "INSERT INTO alert (client_id, kind, for_role, "
                                   "for_staff_id, details, created_at) VALUES (?1, "
                                   "'risk-rise', 'nurse', ?2, ?3, ?4)",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, c->id);
    if (nurse)
        sqlite3_bind_int64(st, 2, nurse);
    sqlite3_bind_text(st, 3, details, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "raising alert", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "alert.raise", "client", c->id, details, err);
}

/* Move the open referral along: consented -> assessed -> enrolled/monitoring. */
static int advance_referral(cc_ctx *ctx, struct record_args *a, const char *final,
                            cc_err *err)
{
    referral r;
    int64_t id = referral_open_for(ctx, a->client_id, a->program_id);
    if (!id || referral_get(ctx, id, &r, err) != CC_OK || strcmp(r.status, "consented"))
        return CC_OK;
    if (referral_transition_in(ctx, id, "assessed", NULL, err) != CC_OK)
        return err->code;
    return final ? referral_transition_in(ctx, id, final, NULL, err) : CC_OK;
}

/* What the result means in a program whose episodes start on "high". */
static int apply_rules(cc_ctx *ctx, struct record_args *a, const client *c,
                       const program *p, cc_err *err)
{
    char today[11];
    int high = !strcmp(a->out->result.level, "high");
    ctx_today(ctx, today);
    if (strcmp(p->episode_start, "assessment-high") != 0)
        return advance_referral(ctx, a, NULL, err);
    if (episode_open_for(ctx, a->client_id, a->program_id))
        return advance_referral(ctx, a, "enrolled",
                                err); /* a re-assessment mid-episode */
    if (high && strcmp(c->setting, "snf") != 0) {
        if (episode_start_in(ctx, a->client_id, a->program_id, today, NULL,
                             &a->out->episode_id, err) != CC_OK)
            return err->code;
        return advance_referral(ctx, a, "enrolled", err);
    }
    a->out->monitoring = 1;
    if (monitoring_start_in(ctx, a->client_id, a->program_id, today, err) != CC_OK)
        return err->code;
    return advance_referral(ctx, a, "monitoring", err);
}

static int do_record(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct record_args *a = arg;
    client c;
    program p;
    if (guard_client(ctx, "client.write", a->client_id, "assessment", err) != CC_OK ||
        client_get(ctx, a->client_id, &c, err) != CC_OK ||
        program_get(ctx, a->program_id, &p, err) != CC_OK)
        return err->code;
    int consented;
    if (consent_participation_check(ctx, a->client_id, &consented, err) != CC_OK)
        return err->code;
    if (!consented)
        return cc_err_set(
            err, CC_EINPUT,
            "no assessment without active participation consent (client %lld)",
            (long long)a->client_id);
    int before = previous_rank(ctx, a->client_id);
    if (insert_assessment(ctx, a, &c, err) != CC_OK)
        return err->code;
    if (before && hra_level_rank(a->out->result.level) > before) {
        a->out->alert_raised = 1;
        if (raise_alert(ctx, &c, before, a->out->result.level, err) != CC_OK)
            return err->code;
    }
    return apply_rules(ctx, a, &c, &p, err);
}

int assessment_record(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                      const questionnaire *q, const int *answers,
                      assessment_outcome *out, cc_err *err)
{
    struct record_args a = {client_id, program_id, q, answers, out};
    memset(out, 0, sizeof *out);
    hra_score(q, answers, &out->result);
    return ctx_txn(ctx, do_record, &a, err);
}

/* ---- an assessment as given -------------------------------------------- */

static int read_assessment(cc_ctx *ctx, int64_t id, assessment_detail *out, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT client_id, questionnaire_id, at, score, "
                                   "level, drivers FROM assessment WHERE id = ?1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int64_t qid = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->client_id = sqlite3_column_int64(st, 0);
        qid = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, out->at, sizeof out->at);
        out->score = sqlite3_column_int(st, 3);
        ctx_col(st, 4, out->level, sizeof out->level);
        ctx_col(st, 5, out->drivers, sizeof out->drivers);
    }
    ctx_finalize(st);
    if (rc != SQLITE_ROW)
        return cc_err_set(err, CC_EINPUT, "no assessment %lld", (long long)id);
    return questionnaire_by_id(ctx, qid, &out->q, err);
}

static int read_answers(cc_ctx *ctx, assessment_detail *out, cc_err *err)
{
    for (int i = 0; i < out->q.n; i++) {
        sqlite3_stmt *st = ctx_prepare(ctx,
                                       "SELECT answer FROM assessment_answer WHERE "
                                       "assessment_id = ?1 AND question_id = ?2",
                                       err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, out->id);
        sqlite3_bind_int64(st, 2, out->q.q[i].id);
        out->answers[i] = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
        ctx_finalize(st);
    }
    hra_score(&out->q, out->answers, &out->rescored);
    return CC_OK;
}

static int do_view(cc_ctx *ctx, void *arg, cc_err *err)
{
    assessment_detail *out = arg;
    char details[48];
    int64_t client_id = ctx_int(
        ctx, "SELECT client_id FROM assessment WHERE id = ?1 AND ?2 = ?2", out->id, 0);
    if (!client_id)
        return cc_err_set(err, CC_EINPUT, "no assessment %lld", (long long)out->id);
    if (guard_client(ctx, "client.view", client_id, "assessment", err) != CC_OK ||
        read_assessment(ctx, out->id, out, err) != CC_OK ||
        read_answers(ctx, out, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "assessment %lld", (long long)out->id);
    return ctx_audit(ctx, "client.view", "client", client_id, details, err);
}

int assessment_view(cc_ctx *ctx, int64_t id, assessment_detail *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    return ctx_txn(ctx, do_view, out, err);
}
