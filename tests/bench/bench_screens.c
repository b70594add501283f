/*
 * bench_screens.c — how long each screen's reads take on a large demo
 * database: the core functions a screen calls when it opens (the caseload
 * with its header counts, a nurse's team caseload, opening a record with
 * its audit entry and band, each record tab, the search for several kinds
 * of query, the manager's and the supervisor's caseload board, the stale
 * list, the unassigned queue, the agenda, one's tasks and the inbox), each
 * run many times and reported as median and 99th percentile in
 * milliseconds. With --plans it prints, for every statement a screen ran,
 * the EXPLAIN QUERY PLAN SQLite chose and the statement's share of the time
 * (sqlite3_trace_v2). A command, never a test:
 *
 *   carecoord --db /tmp/s.db demo --clients 50000 --no-tui
 *   CARECOORD_NOW=2026-11-22T12:00:00Z build/tests/bench_screens --db /tmp/s.db \
 *       [--runs 200] [--budget SECONDS] [--only NAME] [--plans] [--sql STATEMENT]
 *
 * --sql times one statement instead (?1 '', ?2 'all', ?3 the supervisor,
 * ?4 today, ?5 now, ?12 $BENCH_PAGE or -1), to try a query's variants on the
 * big file.
 *
 * Opening a record and searching append audit entries (as on the screen):
 * the database grows a little. Each screen runs once untimed first (the
 * day's first read runs the daily sweep; pages come into the cache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/appointment.h"
#include "core/client.h"
#include "core/ctx.h"
#include "core/reports.h"
#include "core/scope.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "store/store.h"

/* ---- the statements a screen runs (--plans) ----------------------------- */

#define MAX_STMTS 256

static struct traced {
    char *sql;
    long runs;
    double ms;
} traced[MAX_STMTS];
static int ntraced, tracing;

static int on_trace(unsigned type, void *arg, void *p, void *x)
{
    (void)arg;
    const char *sql = sqlite3_sql(p);
    if (!tracing || type != SQLITE_TRACE_PROFILE || !sql || !strncmp(sql, "--", 2))
        return 0;
    for (int i = 0; i < ntraced; i++)
        if (!strcmp(traced[i].sql, sql)) {
            traced[i].runs++;
            traced[i].ms += (double)*(sqlite3_int64 *)x / 1e6;
            return 0;
        }
    if (ntraced < MAX_STMTS) {
        traced[ntraced].sql = strdup(sql);
        traced[ntraced].runs = 1;
        traced[ntraced++].ms = (double)*(sqlite3_int64 *)x / 1e6;
    }
    return 0;
}

static void print_plan(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    int ids[64], depth[64], n = 0;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        printf("      (no plan: %s)\n", sqlite3_errmsg(db));
        sqlite3_free(q);
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), d = 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == parent)
                d = depth[i] + 1;
        if (n < 64)
            ids[n] = id, depth[n++] = d;
        printf("      %*s%s\n", 2 * d, "", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_free(q);
}

static void print_plans(sqlite3 *db, double total_ms)
{
    for (int i = 0; i < ntraced; i++) {
        printf("    [%5.1f%% of the time, %ld runs] %.300s%s\n",
               total_ms > 0 ? 100.0 * traced[i].ms / total_ms : 0.0, traced[i].runs,
               traced[i].sql, strlen(traced[i].sql) > 300 ? "..." : "");
        print_plan(db, traced[i].sql);
        free(traced[i].sql);
    }
    ntraced = 0;
}

/* ---- the screens ------------------------------------------------------- */

struct bench {
    store *st;
    cc_ctx coach, nurse, manager, supervisor, scheduler;
    int64_t *clients; /* of demo-coach's caseload, opened in turn */
    int nclients, next;
    char today[11];
};

typedef int (*screen_fn)(struct bench *b, const void *arg, cc_err *err);

static int s_caseload(struct bench *b, const void *arg, cc_err *err)
{
    worklist_counts wc;
    worklist_row *rows;
    int n;
    (void)arg;
    if (worklist_counts_for(&b->coach, b->coach.staff_id, &wc, err) != CC_OK ||
        worklist_caseload(&b->coach, b->coach.staff_id, &rows, &n, err) != CC_OK)
        return err->code;
    free(rows);
    return CC_OK;
}

static int s_team(struct bench *b, const void *arg, cc_err *err)
{
    worklist_row *rows;
    int n;
    (void)arg;
    if (worklist_team_caseload(&b->nurse, &rows, &n, err) != CC_OK)
        return err->code;
    free(rows);
    return CC_OK;
}

/* As app_open_client and view_record's load: scope, the audited view, the
 * band and the first tab. */
static int s_record(struct bench *b, const void *arg, cc_err *err)
{
    client c;
    worklist_band band;
    cc_table t;
    (void)arg;
    if (!b->nclients)
        return cc_err_set(err, CC_EINPUT, "demo-coach has no caseload");
    int64_t id = b->clients[b->next++ % b->nclients];
    if (scope_client(&b->coach, id, 0, err) != CC_OK ||
        client_view(&b->coach, id, "summary", &c, err) != CC_OK ||
        worklist_band_of(&b->coach, id, &band, err) != CC_OK ||
        record_tab(&b->coach, id, record_tab_names()[0], &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

static int s_tabs(struct bench *b, const void *arg, cc_err *err)
{
    cc_table t;
    (void)arg;
    int64_t id = b->nclients ? b->clients[b->next++ % b->nclients] : 1;
    for (const char *const *tab = record_tab_names(); *tab; tab++) {
        if (record_tab(&b->coach, id, *tab, &t, err) != CC_OK)
            return err->code;
        table_free(&t);
    }
    return CC_OK;
}

static int s_search(struct bench *b, const void *arg, cc_err *err)
{
    cc_table t;
    if (worklist_search(&b->coach, arg, 200, &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

/* The report as the screen loads it: its first page when page > 0. */
static int run_report(cc_ctx *ctx, const char *kind, int page, cc_err *err)
{
    report_params p;
    cc_table t;
    memset(&p, 0, sizeof p);
    p.page = page;
    if (report_resolve(ctx, kind, &p, err) != CC_OK ||
        report_run(ctx, kind, &p, &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

static int s_board_manager(struct bench *b, const void *arg, cc_err *err)
{
    return run_report(&b->manager, arg, 0, err);
}

static int s_board_supervisor(struct bench *b, const void *arg, cc_err *err)
{
    return run_report(&b->supervisor, arg, 0, err);
}

/* Whether report kind's page of page rows (or teams) is the first rows of
 * the whole report, cell for cell: printed once before the page is timed. */
static void check_page(cc_ctx *ctx, const char *kind, int page)
{
    report_params p;
    cc_table all, first;
    cc_err err = {0};
    memset(&p, 0, sizeof p);
    if (report_resolve(ctx, kind, &p, &err) != CC_OK ||
        report_run(ctx, kind, &p, &all, &err) != CC_OK)
        return;
    p.page = page;
    int same = report_run(ctx, kind, &p, &first, &err) == CC_OK &&
               first.nrows <= all.nrows && first.ncols == all.ncols;
    for (int i = 0; same && i < first.nrows * first.ncols; i++)
        same = !first.cells[i] == !all.cells[i] &&
               (!first.cells[i] || !strcmp(first.cells[i], all.cells[i]));
    printf("  %s, page of %d: %d of %d rows, the report's first: %s\n", kind, page,
           first.nrows, all.nrows, same ? "yes" : "NO");
    table_free(&all);
    table_free(&first);
}

/* The first page, as ui/view_reports.c loads it (REPORT_PAGE_*). */
static int s_page_manager(struct bench *b, const void *arg, cc_err *err)
{
    static int checked;
    if (!checked++)
        check_page(&b->manager, arg, REPORT_PAGE_ROWS);
    return run_report(&b->manager, arg, REPORT_PAGE_ROWS, err);
}

static int s_page_supervisor(struct bench *b, const void *arg, cc_err *err)
{
    static int checked;
    if (!checked++)
        check_page(&b->supervisor, arg, REPORT_PAGE_TEAMS);
    return run_report(&b->supervisor, arg, REPORT_PAGE_TEAMS, err);
}

static int s_agenda(struct bench *b, const void *arg, cc_err *err)
{
    cc_table t;
    const int *team = arg;
    if (agenda_list(*team ? &b->scheduler : &b->coach, b->today, 7, *team, &t, err) !=
        CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

static int s_tasks(struct bench *b, const void *arg, cc_err *err)
{
    cc_table t;
    (void)arg;
    if (worklist_my_tasks(&b->coach, &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

static int s_inbox(struct bench *b, const void *arg, cc_err *err)
{
    cc_table t;
    (void)arg;
    if (worklist_inbox(&b->coach, b->coach.staff_id, &t, err) != CC_OK)
        return err->code;
    table_free(&t);
    return CC_OK;
}

static const int agenda_own = 0, agenda_team = 1;

static const struct screen {
    const char *name;
    screen_fn fn;
    const void *arg;
} screens[] = {
    {"caseload (coach, with header counts)", s_caseload, NULL},
    {"team caseload (nurse)", s_team, NULL},
    {"open a record (audited, band, first tab)", s_record, NULL},
    {"record tabs (all twelve)", s_tabs, NULL},
    {"search 'ello' (part of a name)", s_search, "ello"},
    {"search 'Briello' (a family name)", s_search, "Briello"},
    {"search 'Mavis' (a given name)", s_search, "Mavis"},
    {"search 'zzq' (no match)", s_search, "zzq"},
    {"search '1945-03-14' (a birth date)", s_search, "1945-03-14"},
    {"board (manager)", s_board_manager, "caseload"},
    {"board (supervisor)", s_board_supervisor, "caseload"},
    {"stale list (manager)", s_board_manager, "stale"},
    {"unassigned queue (manager)", s_board_manager, "unassigned"},
    {"board (supervisor, first page)", s_page_supervisor, "caseload"},
    {"unassigned queue (manager, first page)", s_page_manager, "unassigned"},
    {"agenda, 7 days (coach)", s_agenda, &agenda_own},
    {"agenda, 7 days, team (scheduler)", s_agenda, &agenda_team},
    {"my tasks (coach)", s_tasks, NULL},
    {"inbox (coach)", s_inbox, NULL},
};

/* ---- timing ------------------------------------------------------------ */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Run screen s up to runs times (at least 5, within budget seconds); print
 * the median and the 99th percentile. */
static int time_screen(struct bench *b, const struct screen *s, int runs, double budget,
                       int plans)
{
    double *ms = calloc((size_t)runs, sizeof *ms), start = now_ms(), total = 0;
    cc_err err = {0};
    int n = 0;
    if (!ms || s->fn(b, s->arg, &err) != CC_OK) { /* untimed: warm up */
        fprintf(stderr, "bench_screens: %s: %s\n", s->name, err.msg);
        free(ms);
        return 1;
    }
    tracing = plans;
    while (n < runs && (n < 5 || now_ms() - start < budget * 1e3)) {
        double t0 = now_ms();
        if (s->fn(b, s->arg, &err) != CC_OK) {
            fprintf(stderr, "bench_screens: %s: %s\n", s->name, err.msg);
            break;
        }
        ms[n] = now_ms() - t0;
        total += ms[n++];
    }
    tracing = 0;
    qsort(ms, (size_t)n, sizeof *ms, by_value);
    int p99 = (int)((double)n * 0.99);
    printf("%-44s %5d runs  median %9.2f ms  p99 %9.2f ms\n", s->name, n,
           n ? ms[n / 2] : 0.0, n ? ms[p99 < n ? p99 : n - 1] : 0.0);
    fflush(stdout);
    if (plans)
        print_plans(store_db(b->st), total);
    free(ms);
    return 0;
}

static int as(struct bench *b, const char *login, cc_ctx *out, cc_err *err)
{
    staff me;
    if (staff_find(b->st, login, &me, err) != CC_OK)
        return err->code;
    *out = ctx_system(b->st);
    out->system = 0;
    out->staff_id = me.id;
    snprintf(out->role, sizeof out->role, "%s", me.role);
    return CC_OK;
}

static int setup(struct bench *b, const char *db, cc_err *err)
{
    worklist_row *rows;
    int n;
    memset(b, 0, sizeof *b);
    if (store_open(db, "demo-supervisor", "demo", &b->st, err) != CC_OK ||
        as(b, "demo-coach", &b->coach, err) || as(b, "demo-nurse", &b->nurse, err) ||
        as(b, "demo-manager", &b->manager, err) ||
        as(b, "demo-supervisor", &b->supervisor, err) ||
        as(b, "demo-scheduler", &b->scheduler, err))
        return err->code;
    ctx_today(&b->coach, b->today);
    if (worklist_caseload(&b->coach, b->coach.staff_id, &rows, &n, err) != CC_OK)
        return err->code;
    b->clients = calloc((size_t)n + 1, sizeof *b->clients);
    for (int i = 0; i < n && b->clients; i++)
        b->clients[b->nclients++] = rows[i].client_id;
    free(rows);
    return CC_OK;
}

static int count_of(store *st, const char *sql)
{
    sqlite3_stmt *q;
    int n = -1;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return n;
}

/* --sql: time one statement (?2 'all', ?4 today, ?5 now bound) runs times:
 * rows, median, 99th percentile. For trying a query's variants. */
static int time_sql(struct bench *b, const char *sql, int runs)
{
    sqlite3_stmt *q;
    char now[21];
    double *ms = calloc((size_t)runs, sizeof *ms);
    int rows = 0;
    if (!ms || sqlite3_prepare_v2(store_db(b->st), sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_screens: %s\n", sqlite3_errmsg(store_db(b->st)));
        free(ms);
        return 1;
    }
    ctx_now(&b->supervisor, now);
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, "all", -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, b->supervisor.staff_id);
        sqlite3_bind_text(q, 4, b->today, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, now, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 12, getenv("BENCH_PAGE") ? atoi(getenv("BENCH_PAGE")) : -1);
        for (rows = 0; sqlite3_step(q) == SQLITE_ROW; rows++)
            ;
        ms[i] = now_ms() - t0;
    }
    sqlite3_finalize(q);
    qsort(ms, (size_t)runs, sizeof *ms, by_value);
    printf("%d rows  median %9.2f ms  p99 %9.2f ms\n", rows, ms[runs / 2],
           ms[(int)((double)runs * 0.99)]);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *only = NULL, *sql = NULL;
    int runs = 200, plans = 0, failed = 0;
    double budget = 30;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--plans"))
            plans = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--db"))
            db = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--runs"))
            runs = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--budget"))
            budget = atof(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--sql"))
            sql = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--only"))
            only = argv[++i];
        else
            db = NULL, i = argc;
    }
    if (!db || runs < 1 || budget <= 0) {
        fprintf(stderr, "usage: bench_screens --db DEMO.db [--runs N] [--budget "
                        "SECONDS] [--only NAME] [--plans] [--sql STATEMENT]\n");
        return 2;
    }
    struct bench b;
    cc_err err = {0};
    double opened = now_ms();
    if (setup(&b, db, &err) != CC_OK) {
        fprintf(stderr, "bench_screens: %s\n", err.msg);
        return 1;
    }
    sqlite3_trace_v2(store_db(b.st), SQLITE_TRACE_PROFILE, on_trace, NULL);
    opened = now_ms() - opened;
    printf("%s: %d clients, %d audit entries; demo-coach carries %d; %s; opened "
           "with migrations and the day's first read in %.1f s\n",
           db, count_of(b.st, "SELECT count(*) FROM client"),
           count_of(b.st, "SELECT count(*) FROM audit"), b.nclients, b.today,
           opened / 1e3);
    if (sql)
        failed = time_sql(&b, sql, runs);
    for (size_t i = 0; i < sizeof screens / sizeof *screens && !sql; i++)
        if (!only || strstr(screens[i].name, only))
            failed |= time_screen(&b, &screens[i], runs, budget, plans);
    free(b.clients);
    store_close(b.st);
    return failed;
}
