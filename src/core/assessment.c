/*
 * assessment.c — scoring the risk questionnaire and applying what a result
 * means for the client, in one transaction.
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

int questionnaire_load(cc_ctx *ctx, const char *code, questionnaire *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id, code, version, high_min, moderate_min FROM "
                    "questionnaire WHERE code = ?1 AND active = 1 ORDER BY "
                    "version DESC LIMIT 1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, out->code, sizeof out->code);
        out->version = sqlite3_column_int(st, 2);
        out->high_min = sqlite3_column_int(st, 3);
        out->moderate_min = sqlite3_column_int(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return cc_err_set(err, CC_EINPUT, "no active questionnaire '%s'", code);
    st =
        ctx_prepare(ctx,
                    "SELECT id, position, category, text, driver, weight FROM question "
                    "WHERE questionnaire_id = ?1 ORDER BY position",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, out->id);
    while (sqlite3_step(st) == SQLITE_ROW && out->n < HRA_MAX_QUESTIONS) {
        hra_question *q = &out->q[out->n++];
        q->id = sqlite3_column_int64(st, 0);
        q->position = sqlite3_column_int(st, 1);
        ctx_col(st, 2, q->category, sizeof q->category);
        ctx_col(st, 3, q->text, sizeof q->text);
        ctx_col(st, 4, q->driver, sizeof q->driver);
        q->weight = sqlite3_column_int(st, 5);
    }
    sqlite3_finalize(st);
    return CC_OK;
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
    sqlite3_finalize(st);
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
    sqlite3_finalize(st);
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
    if (!consent_participation_active(ctx, a->client_id))
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
