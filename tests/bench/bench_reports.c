/*
 * bench_reports.c — how long each report takes on a demo database: the
 * core call behind every `carecoord report KIND` (and `report quarterly`)
 * run several times as a program manager (demo-manager) and as a
 * supervisor (demo-supervisor), printing the median and the 99th
 * percentile of each, in wall-clock time and in the process's CPU time
 * (which the machine's other load disturbs least). With --plans it also
 * prints SQLite's EXPLAIN QUERY PLAN of every statement those calls ran
 * (found by tracing the connection) with its run time over all the runs,
 * so a full scan of a big table shows. A command, never a test:
 *
 *   carecoord --db /tmp/b.db demo --clients 50000 --no-tui
 *   build/tests/bench_reports --db /tmp/b.db [--repeat 7] [--plans]
 *       [--only NAME] [--counts]
 *
 * Run with CARECOORD_NOW at the demo's instant in a test build (the demo's
 * dates). The reports that show client data audit each run, so the
 * database grows by an audit entry per run: use a copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"
#include "core/measures.h"
#include "core/quarterly.h"
#include "core/reports.h"
#include "core/staff.h"
#include "store/store.h"

/* One report: a name, who runs it, and its parameters. */
typedef struct bench {
    const char *name, *kind; /* kind: a report_run kind, or "quarterly"... */
    const char *from, *to;   /* "" = the report's default */
    const char *staff;       /* --staff */
    int client;              /* --client (1: the first demo client) */
    int managers;            /* 1: also as the program manager, 2: only as one */
} bench;

static const bench benches[] = {
    {"measures quarter", "measures", "2026Q3", "", "", 0, 1},
    {"measures year", "measures", "2026-01-01", "2026-11-30", "", 0, 1},
    {"quarterly", "quarterly", "2026Q3", "", "", 0, 1},
    {"caseload", "caseload", "", "", "", 0, 1},
    {"stale", "stale", "", "", "", 0, 1},
    {"unassigned", "unassigned", "", "", "", 0, 2},
    {"consent", "consent", "", "", "", 0, 0},
    {"access", "access", "", "", "", 0, 0},
    {"access --staff", "access", "", "", "demo-coach", 0, 0},
    {"access --client", "access", "", "", "", 1, 0},
    {"disclosures", "disclosures", "", "", "", 1, 0},
    {"grants", "grants", "", "", "", 0, 0},
    {"accounts", "accounts", "", "", "", 0, 0},
};

/* ---- the statements run, for --plans ------------------------------------ */

typedef struct seen {
    char **sql;
    double *ms; /* each statement's run time, all runs together */
    int n, cap;
} seen;

static int on_statement(unsigned kind, void *arg, void *stmt, void *ns)
{
    seen *s = arg;
    const char *sql = sqlite3_sql((sqlite3_stmt *)stmt);
    (void)kind, (void)ns;
    if (!sql || !strncmp(sql, "EXPLAIN", 7))
        return 0;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->sql[i], sql))
            return s->ms[i] += (double)*(sqlite3_int64 *)ns / 1e6, 0;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        char **grown = realloc(s->sql, (size_t)cap * sizeof *grown);
        double *ms = grown ? realloc(s->ms, (size_t)cap * sizeof *ms) : NULL;
        if (grown)
            s->sql = grown;
        if (!ms)
            return 0;
        s->ms = ms, s->cap = cap;
    }
    s->sql[s->n] = strdup(sql);
    s->ms[s->n] = (double)*(sqlite3_int64 *)ns / 1e6;
    if (s->sql[s->n])
        s->n++;
    return 0;
}

/* The plan of sql as SQLite chooses it (no value bound), indented. */
static void print_plan(sqlite3 *db, const char *sql, double ms)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    int ids[256] = {0}, depth[256] = {0}, n = 0;
    printf("  -- [%.1f ms] %.100s%s\n", ms, sql, strlen(sql) > 100 ? "..." : "");
    if (!q || sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        printf("     (cannot plan: %s)\n", sqlite3_errmsg(db));
        sqlite3_free(q);
        return;
    }
    sqlite3_free(q);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), d = 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == parent)
                d = depth[i] + 1;
        if (n < 256)
            ids[n] = id, depth[n++] = d;
        printf("     %*s%s\n", 2 * d, "", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
}

/* ---- timing ------------------------------------------------------------- */

static double now_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of the n sorted times. */
static double percentile(const double *t, int n, double p)
{
    int rank = (int)(p / 100.0 * n + 0.999999);
    return t[rank < 1 ? 0 : rank > n ? n - 1 : rank - 1];
}

/* Run b once as ctx; CC_OK or the error (err says which). */
static int run_once(cc_ctx *ctx, const bench *b, cc_err *err)
{
    if (!strcmp(b->kind, "quarterly")) {
        quarterly q;
        int rc = quarterly_compute(ctx, b->from, NULL, &q, err);
        if (rc == CC_OK)
            quarterly_free(&q);
        return rc;
    }
    report_params p;
    cc_table t;
    memset(&p, 0, sizeof p);
    snprintf(p.from, sizeof p.from, "%s", b->from);
    snprintf(p.to, sizeof p.to, "%s", b->to);
    snprintf(p.staff, sizeof p.staff, "%s", b->staff);
    p.client_id = b->client;
    if (report_resolve(ctx, b->kind, &p, err) != CC_OK ||
        report_run(ctx, b->kind, &p, &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

typedef struct options {
    const char *db, *only;
    int repeat, plans, counts;
} options;

static void run_bench(cc_ctx *ctx, const char *who, const bench *b, const options *o,
                      seen *s)
{
    double t[1000], cpu[1000];
    int n = o->repeat < 1000 ? o->repeat : 1000, first = s->n;
    cc_err err = {0};
    for (int i = 0; i < n; i++) {
        double t0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
        if (run_once(ctx, b, &err) != CC_OK) {
            printf("%-18s %-11s  refused or failed: %s\n", b->name, who, err.msg);
            return;
        }
        t[i] = now_ms(CLOCK_MONOTONIC) - t0;
        cpu[i] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    qsort(t, (size_t)n, sizeof *t, by_value);
    qsort(cpu, (size_t)n, sizeof *cpu, by_value);
    printf("%-16s %-10s wall median %8.1f p99 %8.1f ms; cpu median %8.1f p99 %8.1f "
           "ms (%d)\n",
           b->name, who, percentile(t, n, 50), percentile(t, n, 99),
           percentile(cpu, n, 50), percentile(cpu, n, 99), n);
    for (int i = first; o->plans && i < s->n; i++)
        print_plan(store_db(ctx->st), s->sql[i], s->ms[i]);
    fflush(stdout);
}

/* Rows of the big tables, so a figure names the database's size. */
static void print_counts(store *st)
{
    static const char *const tables[] = {
        "client",  "referral",    "episode",   "task",  "contact",    "assessment",
        "consent", "appointment", "encounter", "audit", "disclosure", "access_grant"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        sqlite3_stmt *q;
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            printf("%-13s %12lld rows\n", tables[i],
                   (long long)sqlite3_column_int64(q, 0));
        sqlite3_finalize(q);
    }
}

static int parse(int argc, char **argv, options *o)
{
    *o = (options){.repeat = 7};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--plans"))
            o->plans = 1;
        else if (!strcmp(argv[i], "--counts"))
            o->counts = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--db"))
            o->db = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--only"))
            o->only = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--repeat"))
            o->repeat = atoi(argv[++i]);
        else
            return -1;
    }
    return o->db && o->repeat > 0 ? 0 : -1;
}

/* Every bench (or --only's) as login, a supervisor's or a manager's. */
static int run_as(const options *o, const char *login, const char *who, int managers)
{
    store *st;
    staff me;
    cc_err err = {0};
    seen s = {0};
    if (store_open(o->db, login, "demo", &st, &err) != CC_OK ||
        staff_find(st, login, &me, &err) != CC_OK) {
        fprintf(stderr, "bench_reports: %s: %s\n", login, err.msg);
        return 1;
    }
    if (o->counts && !managers)
        print_counts(st);
    cc_ctx ctx = {.st = st, .staff_id = me.id};
    snprintf(ctx.role, sizeof ctx.role, "%s", me.role);
    sqlite3_trace_v2(store_db(st), SQLITE_TRACE_PROFILE, on_statement, &s);
    for (size_t i = 0; i < sizeof benches / sizeof *benches; i++)
        if ((managers ? benches[i].managers : benches[i].managers != 2) &&
            (!o->only || !strcmp(o->only, benches[i].name)))
            run_bench(&ctx, who, &benches[i], o, &s);
    sqlite3_trace_v2(store_db(st), 0, NULL, NULL);
    for (int i = 0; i < s.n; i++)
        free(s.sql[i]);
    free(s.sql);
    free(s.ms);
    store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_reports --db DEMO.db [--repeat N] [--plans] "
                        "[--only NAME] [--counts]\n");
        return 2;
    }
    int rc = run_as(&o, "demo-supervisor", "supervisor", 0);
    return rc ? rc : run_as(&o, "demo-manager", "manager", 1);
}
