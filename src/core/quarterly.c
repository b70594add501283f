/*
 * quarterly.c — the quarterly report's model (see quarterly.h). The table of
 * definitions names each measure once; quarterly_values turns one period's
 * measures (measures.c) into numbers, rates in percent with their counts.
 * quarterly_compute audits the run, then reads the audit head and every
 * program's four quarters inside one read transaction, so the head printed
 * in the header is the state the figures describe.
 */
#include "quarterly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "scope.h"
#include "staff.h"
#include "store/audit.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/text.h"

static const qm_def defs[QM_COUNT] = {
    [QM_CONVERSION] = {"referral_conversion", "referrals converted (first HRA high)",
                       QM_PERCENT},
    [QM_DECLINED] = {"referral_declined", "referrals declining to participate",
                     QM_PERCENT},
    [QM_TIER1_PLACED] = {"tier1_placed", "tier-1 clients placed in a program",
                         QM_PERCENT},
    [QM_CASELOAD_AVG] = {"caseload_per_coach", "caseload per coach", QM_CLIENTS},
    [QM_CASELOAD_TARGET] = {"caseload_target", "caseload target per coach", QM_CLIENTS},
    [QM_COACHES_OVER] = {"coaches_over_target", "coaches over the target", QM_PERCENT},
    [QM_TEAM_LOAD] = {"team_capacity_used", "team capacity in use", QM_PERCENT},
    [QM_EPISODE_LENGTH] = {"episode_length", "episode length (closed episodes)",
                           QM_DAYS},
    [QM_EPISODE_TARGET] = {"episode_target", "episode target (the program's)", QM_DAYS},
    [QM_EPISODES_PAST_TARGET] = {"episodes_past_target", "episodes closed past target",
                                 QM_PERCENT},
    [QM_EPISODES_EXTENDED] = {"episodes_extended", "episodes extended", QM_PERCENT},
    [QM_EXTENSION_AVG] = {"extension_length", "extension (extended episodes)", QM_DAYS},
    [QM_READMIT30] = {"readmission_30d", "30-day readmissions", QM_PERCENT},
    [QM_READMIT_OBSERVED] = {"readmission_observed",
                             "readmissions observed (risk given)", QM_COUNT_OF},
    [QM_READMIT_EXPECTED] = {"readmission_expected", "readmissions expected at intake",
                             QM_COUNT_OF},
    [QM_READMIT_OE] = {"readmission_oe", "observed / expected readmissions", QM_RATIO},
    [QM_VISIT_DAYS_AVG] = {"days_to_home_visit", "discharge to home visit (mean)",
                           QM_DAYS},
    [QM_VISIT_DAYS_MEDIAN] = {"days_to_home_visit_median",
                              "discharge to home visit (median)", QM_DAYS},
    [QM_DISCHARGES_VISITED] = {"discharges_visited", "discharges with a home visit",
                               QM_PERCENT},
    [QM_SPECIALTY_DAYS_AVG] = {"days_to_specialty", "discharge to specialist (mean)",
                               QM_DAYS},
    [QM_SPECIALTY_KEPT] = {"specialty_kept", "navigations with a specialist seen",
                           QM_PERCENT},
    [QM_NO_SHOW] = {"no_show", "appointments missed (no-show)", QM_PERCENT},
    [QM_PAM_CHANGE] = {"pam_change", "activation change (PAM points)", QM_POINTS},
    [QM_PAM_GAIN3] = {"pam_gain3", "episodes gaining 3+ PAM points", QM_PERCENT},
    [QM_CONSENTS_EXPIRING] = {"consents_expiring", "consents expiring in 30 days",
                              QM_COUNT_OF},
    [QM_CONSENTS_EXPIRED] = {"consents_expired", "consents that expired", QM_COUNT_OF},
    [QM_SERVED] = {"clients_served", "clients served", QM_CLIENTS},
    [QM_COST_PER_CLIENT] = {"cost_per_client", "cost per client served", QM_DOLLARS},
    [QM_OVERDUE_TASKS] = {"overdue_tasks", "tasks overdue at the end", QM_COUNT_OF},
};

const qm_def *quarterly_def(int id)
{
    return id >= 0 && id < QM_COUNT ? &defs[id] : &defs[0];
}

const char *quarterly_unit_name(enum qm_unit u)
{
    static const char *const names[] = {
        [QM_PERCENT] = "percent", [QM_DAYS] = "days",     [QM_CLIENTS] = "clients",
        [QM_COUNT_OF] = "count",  [QM_POINTS] = "points", [QM_RATIO] = "ratio",
        [QM_DOLLARS] = "dollars",
    };
    return u <= QM_DOLLARS ? names[u] : "";
}

/* ---- one period's numbers ---------------------------------------------- */

static qm_value number(double v)
{
    return (qm_value){.known = 1, .value = v};
}

/* Not known, and why. */
static qm_value none(const char *why)
{
    return (qm_value){.why = why};
}

/* num / den as a percentage; unknown when den is 0. */
static qm_value rate(double num, double den)
{
    return (qm_value){.known = den > 0,
                      .value = den > 0 ? 100.0 * num / den : 0,
                      .parts = 1,
                      .num = num,
                      .den = den};
}

/* sum / n; unknown when n is 0. */
static qm_value mean(double sum, double n)
{
    return (qm_value){
        .known = n > 0, .value = n > 0 ? sum / n : 0, .parts = 1, .num = sum, .den = n};
}

static void fill_caseload(const measures *m, qm_value *v)
{
    int capacity = m->program_capacity, over = 0, team_active = 0, team_capacity = 0;
    for (int i = 0; i < m->coaches; i++)
        over += m->coach[i].active > m->coach[i].capacity;
    for (int i = 0; i < m->teams; i++)
        team_active += m->team[i].active, team_capacity += m->team[i].capacity;
    v[QM_CASELOAD_AVG] = mean(m->active_total, m->coaches);
    v[QM_CASELOAD_TARGET] = capacity > 0 ? number(capacity) : none("one program only");
    v[QM_COACHES_OVER] = rate(over, m->coaches);
    v[QM_TEAM_LOAD] = rate(team_active, team_capacity);
}

static void fill_readmission(const measures *m, qm_value *v)
{
    v[QM_READMIT30] = rate((double)m->readmission30.num, (double)m->readmission30.den);
    v[QM_READMIT_OBSERVED] = m->discharges_with_risk ? number(m->readmit_observed)
                                                     : none("no risk given at intake");
    v[QM_READMIT_EXPECTED] = m->discharges_with_risk ? number(m->readmit_expected)
                                                     : none("no risk given at intake");
    v[QM_READMIT_OE] = mean(m->readmit_observed, m->readmit_expected);
    v[QM_READMIT_OE].known = m->discharges_with_risk && m->readmit_expected > 0;
}

void quarterly_values(const measures *m, qm_value *v)
{
    int discharges = m->discharges_with_visit + m->discharges_without_visit;
    int navigations = m->discharges_with_specialty + m->discharges_without_specialty;
    v[QM_CONVERSION] = rate((double)m->conversion.num, (double)m->conversion.den);
    v[QM_DECLINED] = rate((double)m->decline.num, (double)m->decline.den);
    v[QM_TIER1_PLACED] = rate((double)m->tier1_placed.num, (double)m->tier1_placed.den);
    fill_caseload(m, v);
    v[QM_EPISODE_LENGTH] = mean((double)m->length_days_sum, m->episodes_closed);
    v[QM_EPISODE_TARGET] = m->program_target_days ? number(m->program_target_days)
                                                  : none("one program only");
    v[QM_EPISODES_PAST_TARGET] = rate(m->closed_past_target, m->episodes_closed);
    v[QM_EPISODES_EXTENDED] = rate(m->episodes_extended, m->episodes_closed);
    v[QM_EXTENSION_AVG] = mean((double)m->extension_days_sum, m->episodes_extended);
    fill_readmission(m, v);
    v[QM_VISIT_DAYS_AVG] = mean(m->days_to_visit_sum, m->discharges_with_visit);
    v[QM_VISIT_DAYS_MEDIAN] = m->discharges_with_visit
                                  ? number(m->days_to_visit_median)
                                  : none("no visit after discharge");
    v[QM_DISCHARGES_VISITED] = rate(m->discharges_with_visit, discharges);
    v[QM_SPECIALTY_DAYS_AVG] =
        mean(m->days_to_specialty_sum, m->discharges_with_specialty);
    v[QM_SPECIALTY_KEPT] = rate(m->discharges_with_specialty, navigations);
    v[QM_NO_SHOW] = rate((double)m->no_show.num, (double)m->no_show.den);
    v[QM_PAM_CHANGE] = mean(m->pam_change_sum, (double)m->pam_gain3.den);
    v[QM_PAM_GAIN3] = rate((double)m->pam_gain3.num, (double)m->pam_gain3.den);
    v[QM_CONSENTS_EXPIRING] = number(m->consents_expiring);
    v[QM_CONSENTS_EXPIRED] = number(m->consents_expired);
    v[QM_SERVED] = number(m->clients_served);
    v[QM_COST_PER_CLIENT] =
        m->budget_cents >= 0 ? mean((double)m->budget_cents / 100.0, m->clients_served)
                             : none("no budget set");
    v[QM_OVERDUE_TASKS] = number(m->overdue_tasks);
}

/* ---- the programs in reach --------------------------------------------- */

/* Active programs, one or all; a reader who does not see everything gets
 * those of the teams they belong to or cover. */
static const char programs_sql[] =
    "SELECT code, name FROM program WHERE active = 1 "
    "AND (?1 = '' OR code = ?1) AND (?2 = 0 OR id IN (SELECT t.program_id FROM team t "
    "WHERE t.id IN (SELECT team_id FROM team_member WHERE staff_id = ?2 UNION SELECT "
    "team_id FROM team_cover WHERE staff_id = ?2))) ORDER BY code";

static int add_program(quarterly *q, sqlite3_stmt *st, cc_err *err)
{
    quarterly_program *p =
        cc_realloc(q->program, (size_t)(q->nprograms + 1) * sizeof *p);
    if (!p)
        return cc_err_set(err, CC_EDATA, "out of memory for the quarterly report");
    q->program = p;
    p = &q->program[q->nprograms++];
    memset(p, 0, sizeof *p);
    ctx_col(st, 0, p->code, sizeof p->code);
    ctx_col(st, 1, p->name, sizeof p->name);
    return CC_OK;
}

static int list_programs(cc_ctx *ctx, const char *code, quarterly *q, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, programs_sql, err);
    int rc;
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, scope_sees_all(ctx) ? 0 : ctx->staff_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (add_program(q, st, err) != CC_OK)
            break;
    int code_rc = err->code ? err->code
                  : rc == SQLITE_DONE
                      ? CC_OK
                      : store_fail(ctx->st, rc, "listing programs", err);
    ctx_finalize(st);
    if (code_rc == CC_OK && code && *code && !q->nprograms)
        return cc_err_set(err, CC_EINPUT, "no active program %.40s in your reach",
                          code);
    return code_rc;
}

/* ---- the header -------------------------------------------------------- */

static int read_header(cc_ctx *ctx, quarterly *q, cc_err *err)
{
    audit_anchor head;
    staff me;
    ctx_now(ctx, q->generated_at);
    if (store_meta_get(ctx->st, "site_name", q->site, sizeof q->site, err) != CC_OK ||
        audit_head(ctx->st, &head, err) != CC_OK)
        return err->code;
    q->audit_seq = head.seq;
    for (size_t i = 0; i < sizeof head.hash && 2 * i + 2 < sizeof q->audit_hash; i++)
        snprintf(q->audit_hash + 2 * i, 3, "%02x", head.hash[i]);
    if (staff_get(ctx->st, ctx->staff_id, &me, err) == CC_OK) {
        snprintf(q->by_login, sizeof q->by_login, "%s", me.login);
        snprintf(q->by_name, sizeof q->by_name, "%s", me.full_name);
        snprintf(q->by_role, sizeof q->by_role, "%s", me.role);
    }
    cc_err_clear(err); /* the system (no person) has no row */
    return CC_OK;
}

/* ---- computing --------------------------------------------------------- */

/* Quarter k (0 = the report's, k before it) for every program at once;
 * the caller's codes[0..nprograms). */
static int compute_quarter(cc_ctx *ctx, quarterly *q, int k, const char *const *codes,
                           measures_cache *cache, measures *m, cc_err *err)
{
    char quarter[8], first[11], last[11];
    if (clock_quarter_of(q->from, -k, quarter) != 0) {
        for (int i = 0; i < q->nprograms; i++)
            q->program[i].quarter[k][0] = '\0'; /* before 1900: nothing to show */
        return CC_OK;
    }
    clock_quarter_days(quarter, first, last);
    if (k == 0)
        snprintf(last, sizeof last, "%s", q->to);
    cache->skip_expiring = k > 0; /* the same in every quarter: quarter 0's */
    if (measures_compute_programs(ctx, q->nprograms, codes, first, last, cache, m,
                                  err) != CC_OK)
        return err->code;
    for (int i = 0; i < q->nprograms; i++) {
        quarterly_program *p = &q->program[i];
        snprintf(p->quarter[k], sizeof p->quarter[k], "%s", quarter);
        if (k > 0)
            m[i].consents_expiring = p->m.consents_expiring;
        quarterly_values(&m[i], p->v[k]);
        if (k == 0)
            p->m = m[i];
        else
            measures_free(&m[i]);
    }
    return CC_OK;
}

/* The four quarters of every program, each quarter in one pass over all
 * programs (measures_compute_programs). */
static int compute_programs(cc_ctx *ctx, quarterly *q, measures_cache *cache,
                            cc_err *err)
{
    if (!q->nprograms)
        return CC_OK;
    const char **codes = cc_calloc((size_t)q->nprograms, sizeof *codes);
    measures *m = cc_calloc((size_t)q->nprograms, sizeof *m);
    int rc = codes && m
                 ? CC_OK
                 : cc_err_set(err, CC_EDATA, "out of memory for the quarterly report");
    for (int i = 0; rc == CC_OK && i < q->nprograms; i++)
        codes[i] = q->program[i].code;
    for (int k = 0; rc == CC_OK && k < QUARTERLY_TREND; k++)
        rc = compute_quarter(ctx, q, k, codes, &cache[k], m, err);
    free(codes);
    free(m);
    return rc;
}

/* Every program's quarters in one snapshot: each quarter's rows are read
 * once for all programs, grouped by program, and the caseload by owner at
 * its end once (cache, one per quarter). */
static int read_all(cc_ctx *ctx, const char *program_code, quarterly *q, cc_err *err)
{
    measures_cache cache[QUARTERLY_TREND];
    memset(cache, 0, sizeof cache);
    if (store_exec(ctx->st, "BEGIN", err) != CC_OK)
        return err->code;
    int rc = read_header(ctx, q, err);
    if (rc == CC_OK)
        rc = list_programs(ctx, program_code, q, err);
    if (rc == CC_OK)
        rc = compute_programs(ctx, q, cache, err);
    for (int k = 0; k < QUARTERLY_TREND; k++)
        measures_cache_free(&cache[k]);
    if (rc == CC_OK)
        rc = store_exec(ctx->st, "COMMIT", err);
    if (rc != CC_OK)
        store_rollback(ctx->st);
    return rc;
}

static int do_audit_run(cc_ctx *ctx, void *arg, cc_err *err)
{
    const quarterly *q = arg;
    char details[64];
    snprintf(details, sizeof details, "quarterly %s", q->quarter);
    return ctx_audit(ctx, "report.run", "report", 0, details, err);
}

/* The quarter's days, the end clipped to today while it runs. */
static int resolve_quarter(cc_ctx *ctx, const char *qs, quarterly *q, cc_err *err)
{
    char today[11];
    if (clock_quarter_days(qs, q->from, q->to) != 0)
        return cc_err_set(err, CC_EINPUT, "a quarter is written like 2026Q3");
    snprintf(q->quarter, sizeof q->quarter, "%s", qs);
    ctx_today(ctx, today);
    if (strcmp(q->from, today) > 0)
        return cc_err_set(err, CC_EINPUT, "%s has not begun: no figures yet", qs);
    if (strcmp(q->to, today) > 0) {
        snprintf(q->to, sizeof q->to, "%s", today);
        q->partial = 1;
    }
    return CC_OK;
}

int quarterly_compute(cc_ctx *ctx, const char *qs, const char *program_code,
                      quarterly *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "measures.view", err) != CC_OK ||
        resolve_quarter(ctx, qs, out, err) != CC_OK ||
        ctx_txn(ctx, do_audit_run, out, err) != CC_OK)
        return err->code;
    int rc = read_all(ctx, program_code, out, err);
    if (rc != CC_OK)
        quarterly_free(out);
    return rc;
}

void quarterly_free(quarterly *q)
{
    for (int i = 0; q && i < q->nprograms; i++)
        measures_free(&q->program[i].m);
    if (q) {
        free(q->program);
        q->program = NULL;
        q->nprograms = 0;
    }
}

/* ---- settings ---------------------------------------------------------- */

static int do_site_name(cc_ctx *ctx, void *arg, cc_err *err)
{
    const char *name = arg;
    if (guard_action(ctx, "site.settings", err) != CC_OK ||
        store_meta_set(ctx->st, "site_name", name, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "site.name", "database", 0, name, err);
}

int quarterly_set_site_name(cc_ctx *ctx, const char *name, cc_err *err)
{
    if (!name || !name[0] || strlen(name) >= 128 || !text_is_clean(name) ||
        strchr(name, '\n'))
        return cc_err_set(err, CC_EINPUT,
                          "a site name is one line of 1 to 127 characters");
    return ctx_txn(ctx, do_site_name, (void *)name, err);
}

struct budget {
    const char *program, *quarter;
    int64_t cents;
};

static const char budget_sql[] =
    "INSERT INTO program_budget (program_id, quarter, amount_cents, set_at, set_by) "
    "SELECT id, ?2, ?3, ?4, ?5 FROM program WHERE code = ?1 "
    "ON CONFLICT (program_id, quarter) DO UPDATE SET amount_cents = excluded.amount_cents, "
    "set_at = excluded.set_at, set_by = excluded.set_by";

static int do_budget(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct budget *b = arg;
    char now[21], details[96];
    if (guard_action(ctx, "program.manage", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(ctx, budget_sql, err);
    if (!st)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_bind_text(st, 1, b->program, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->quarter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, b->cents);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, ctx->staff_id);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(store_db(ctx->st));
    ctx_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "setting the budget", err);
    if (!changed)
        return cc_err_set(err, CC_EINPUT, "no program %.40s", b->program);
    snprintf(details, sizeof details, "%.31s %s %lld cents", b->program, b->quarter,
             (long long)b->cents);
    return ctx_audit(ctx, "program.budget", "program", 0, details, err);
}

int quarterly_set_budget(cc_ctx *ctx, const char *program_code, const char *q,
                         int64_t cents, cc_err *err)
{
    char first[11], last[11];
    if (clock_quarter_days(q, first, last) != 0)
        return cc_err_set(err, CC_EINPUT, "a quarter is written like 2026Q3");
    if (cents < 0 || cents > INT64_C(100000000000000))
        return cc_err_set(err, CC_EINPUT, "a budget is 0 to 1,000,000,000,000.00");
    struct budget b = {program_code ? program_code : "", q, cents};
    return ctx_txn(ctx, do_budget, &b, err);
}
