/*
 * test_report_plans.c — no report reads a whole big table. A small demo
 * database is built (the demo generator, so every table the reports read
 * has rows), then given the planner statistics of one about 2,000 times
 * its size (sqlite_stat1 scaled: some 250,000 clients and millions of
 * tasks, contacts and audit entries), and every report's core call is run
 * as a program manager and as a supervisor: the measures (one program and
 * all, a quarter and a year, the monthly trend), the quarterly report, the
 * caseload board, stale and unassigned cases, the consent audit, the access
 * log (all, by client, by staff member), the accounting of disclosures and
 * the break-glass review. Each statement they ran (traced on the
 * connection) is planned with EXPLAIN QUERY PLAN, and the test fails on a
 * SCAN of a big table (client, referral, episode, monitoring, task,
 * contact, assessment, consent, appointment, encounter, audit), a full
 * index scan included unless the index is partial (it holds only the rows
 * asked for, such as the open episodes), and on an automatic index built
 * over one. The
 * plans do not depend on bound values (SQLite is built without STAT4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefix.h"
#include "core/ctx.h"
#include "core/measures.h"
#include "core/quarterly.h"
#include "core/reports.h"
#include "core/staff.h"
#include "io/demo.h"
#include "testutil.h"

#define NOW "2026-11-22T12:00:00Z"

/* The tables that grow with the clients or with time. */
static const char *const big[] = {
    "client",     "referral", "episode",     "monitoring", "task",  "contact",
    "assessment", "consent",  "appointment", "encounter",  "audit", NULL};

/* Statements allowed a SCAN, and why: the audit head is the last row by
 * the primary key (one step, LIMIT 1). */
static const char *const allowed[] = {
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    NULL,
};

typedef struct seen {
    char **sql;
    int n, cap;
} seen;

typedef struct fixture {
    char *dir, *db;
    store *s;
    seen run;
    char partial[2048]; /* " name " of every partial index */
} fixture;

static int on_statement(unsigned kind, void *arg, void *stmt, void *ns)
{
    seen *s = arg;
    const char *sql = sqlite3_sql((sqlite3_stmt *)stmt);
    (void)kind, (void)ns;
    if (!sql)
        return 0;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->sql[i], sql))
            return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->sql = realloc(s->sql, (size_t)s->cap * sizeof *s->sql);
    }
    s->sql[s->n++] = strdup(sql);
    return 0;
}

/* ---- which names in a statement are big tables ---------------------------- */

static int is_big(const char *name)
{
    for (int i = 0; big[i]; i++)
        if (!strcmp(big[i], name))
            return 1;
    return 0;
}

/* The next identifier at *p (lower case) into out, or "" at a symbol. */
static const char *next_word(const char **p, char *out, size_t outsz)
{
    size_t n = 0;
    while (**p && isspace((unsigned char)**p))
        (*p)++;
    while (**p && (isalnum((unsigned char)**p) || **p == '_') && n + 1 < outsz)
        out[n++] = (char)tolower((unsigned char)*(*p)++);
    out[n] = '\0';
    if (!n && **p)
        (*p)++;
    return out;
}

static int is_keyword(const char *w)
{
    static const char *const kw[] = {
        "where",  "join",      "left",  "inner",  "cross",   "on",     "group",
        "order",  "limit",     "union", "using",  "natural", "window", "having",
        "except", "intersect", "as",    "select", "indexed", "not",    NULL};
    for (int i = 0; kw[i]; i++)
        if (!strcmp(kw[i], w))
            return 1;
    return 0;
}

/* The names a big table goes by in sql (itself and its aliases), each
 * " name " in out. */
static void big_names(const char *sql, char *out, size_t outsz)
{
    char w[64], t[64], a[64];
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = sql; *p;) {
        next_word(&p, w, sizeof w);
        if (strcmp(w, "from") && strcmp(w, "join"))
            continue;
        const char *q = p;
        if (!is_big(next_word(&q, t, sizeof t)))
            continue;
        next_word(&q, a, sizeof a);
        if (!strcmp(a, "as"))
            next_word(&q, a, sizeof a);
        len += (size_t)snprintf(out + len, outsz - len, " %s ", t);
        if (a[0] && !is_keyword(a) && len < outsz)
            len += (size_t)snprintf(out + len, outsz - len, " %s ", a);
        if (len >= outsz)
            return;
    }
}

/* The plan's step that reads a big table whole (a SCAN of it but through
 * a partial index, or an automatic index built over it), or NULL. */
static const char *full_read(const char *step, const char *names, const char *partial)
{
    char name[70];
    const char *what = !strncmp(step, "SCAN ", 5) ? step + 5
                       : strstr(step, "AUTOMATIC") && !strncmp(step, "SEARCH ", 7)
                           ? step + 7
                           : NULL;
    const char *idx = strstr(step, " INDEX ");
    if (!what)
        return NULL;
    if (idx && !strstr(step, "AUTOMATIC")) {
        idx += 7;
        snprintf(name, sizeof name, " %.*s ", (int)strcspn(idx, " "), idx);
        if (strstr(partial, name))
            return NULL;
    }
    snprintf(name, sizeof name, " %.*s ", (int)strcspn(what, " "), what);
    return strstr(names, name) ? step : NULL;
}

/* Every traced statement planned; the number that read a big table whole
 * (each printed with the step). */
static int count_full_reads(fixture *f)
{
    int bad = 0;
    for (int i = 0; i < f->run.n; i++) {
        const char *sql = f->run.sql[i];
        char names[2048], *q;
        sqlite3_stmt *st;
        int skip = !strncmp(sql, "EXPLAIN", 7);
        for (int k = 0; allowed[k] && !skip; k++)
            skip = !strcmp(sql, allowed[k]);
        if (skip)
            continue;
        big_names(sql, names, sizeof names);
        q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
        assert_int_equal(sqlite3_prepare_v2(store_db(f->s), q, -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_free(q);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *step = (const char *)sqlite3_column_text(st, 3);
            if (full_read(step, names, f->partial)) {
                print_error("full read: %s\n  in: %.300s\n", step, sql);
                bad++;
            }
        }
        sqlite3_finalize(st);
    }
    return bad;
}

/* ---- the fixture ---------------------------------------------------------- */

/* Statistics as if each big table (and its indexes) had factor times the
 * rows: the row count scaled, the rows per key kept. */
static void scale_statistics(store *s, int factor)
{
    char sql[512];
    tu_exec(s, "ANALYZE");
    snprintf(sql, sizeof sql,
             "UPDATE sqlite_stat1 SET stat = (CAST(stat AS INTEGER) * %d) || "
             "substr(stat, instr(stat || ' ', ' '))",
             factor);
    tu_exec(s, sql);
    tu_exec(s, "ANALYZE sqlite_schema");
}

static void partial_indexes(fixture *f)
{
    sqlite3_stmt *st;
    size_t len = 0;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->s),
                                        "SELECT name FROM sqlite_schema WHERE type = "
                                        "'index' AND sql LIKE '% WHERE %'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW && len < sizeof f->partial)
        len += (size_t)snprintf(f->partial + len, sizeof f->partial - len, " %s ",
                                (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_true(len < sizeof f->partial);
    assert_non_null(strstr(f->partial, " episode_one_open "));
}

/* One demo for all the tests (it takes a while); each test starts with an
 * empty list of the statements run. */
static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    demo_summary sum;
    cc_err err = {0};
    demo_opts o = {.clients = 120, .seed = 7};
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "plans.db");
    f->s = tu_create(f->db);
    if (demo_build(f->s, &o, &sum, &err) != CC_OK)
        fail_msg("demo_build: %s", err.msg);
    scale_statistics(f->s, 2000);
    partial_indexes(f);
    *state = f;
    return 0;
}

static void forget(fixture *f)
{
    for (int i = 0; i < f->run.n; i++)
        free(f->run.sql[i]);
    f->run.n = 0;
}

static int setup(void **state)
{
    fixture *f = *state;
    forget(f);
    sqlite3_trace_v2(store_db(f->s), SQLITE_TRACE_PROFILE, on_statement, &f->run);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sqlite3_trace_v2(store_db(f->s), 0, NULL, NULL);
    forget(f);
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    free(f->run.sql);
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    return 0;
}

static void run_report(cc_ctx *ctx, const char *kind, const char *from, int64_t client,
                       const char *login)
{
    report_params p;
    cc_table t;
    cc_err err = {0};
    memset(&p, 0, sizeof p);
    snprintf(p.from, sizeof p.from, "%s", from ? from : "");
    snprintf(p.staff, sizeof p.staff, "%s", login ? login : "");
    p.client_id = client;
    assert_int_equal(report_resolve(ctx, kind, &p, &err), CC_OK);
    if (report_run(ctx, kind, &p, &t, &err) != CC_OK)
        fail_msg("report %s: %s", kind, err.msg);
    table_free(&t);
}

static void run_measures(cc_ctx *ctx)
{
    measures m;
    measure_ratio trend[6];
    quarterly q;
    cc_err err = {0};
    assert_int_equal(measures_compute(ctx, NULL, "2026-07-01", "2026-09-30", &m, &err),
                     CC_OK);
    measures_free(&m);
    assert_int_equal(
        measures_compute(ctx, "ct-ngh", "2026-01-01", "2026-11-30", &m, &err), CC_OK);
    measures_free(&m);
    assert_int_equal(measures_conversion_trend(ctx, NULL, "2026-11-22", 6, trend, &err),
                     CC_OK);
    assert_int_equal(quarterly_compute(ctx, "2026Q3", NULL, &q, &err), CC_OK);
    quarterly_free(&q);
}

/* ---- the tests ------------------------------------------------------------ */

static void test_manager_reports_read_no_big_table_whole(void **state)
{
    fixture *f = *state;
    cc_ctx ctx = cf_as(f->s, "demo-manager");
    run_measures(&ctx);
    run_report(&ctx, "measures", "2026Q3", 0, NULL);
    run_report(&ctx, "caseload", NULL, 0, NULL);
    run_report(&ctx, "stale", NULL, 0, NULL);
    run_report(&ctx, "unassigned", NULL, 0, NULL);
    assert_true(f->run.n > 20); /* the trace saw them */
    assert_int_equal(count_full_reads(f), 0);
}

static void test_supervisor_reports_read_no_big_table_whole(void **state)
{
    fixture *f = *state;
    cc_ctx ctx = cf_as(f->s, "demo-supervisor");
    run_measures(&ctx);
    run_report(&ctx, "caseload", NULL, 0, NULL);
    run_report(&ctx, "stale", NULL, 0, NULL);
    run_report(&ctx, "consent", NULL, 0, NULL);
    run_report(&ctx, "access", NULL, 0, NULL);
    run_report(&ctx, "access", NULL, 1, NULL);
    run_report(&ctx, "access", NULL, 0, "demo-coach");
    run_report(&ctx, "disclosures", NULL, 1, NULL);
    run_report(&ctx, "grants", NULL, 0, NULL);
    run_report(&ctx, "accounts", NULL, 0, NULL);
    assert_true(f->run.n > 20);
    assert_int_equal(count_full_reads(f), 0);
}

/* The check itself finds a whole read: a count over every task. */
static void test_a_full_scan_is_found(void **state)
{
    fixture *f = *state;
    assert_true(tu_int(f->s, "SELECT count(*) FROM task k WHERE k.title <> ''") > 0);
    assert_int_equal(count_full_reads(f), 1);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    setenv("CARECOORD_NOW", NOW, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_manager_reports_read_no_big_table_whole,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_supervisor_reports_read_no_big_table_whole,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_full_scan_is_found, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
