/*
 * test_plans.c — the screens' reads stay index reads, and what schema 0016
 * maintains stays true (issue 16).
 *
 * Plans: over a small demo database, every statement the screens' core
 * functions run (the caseload and its header counts, the team caseload,
 * opening a record and each of its tabs, the search, the board, the stale
 * list, the unassigned queue, the agenda, one's tasks, the inbox) is
 * caught with sqlite3_trace_v2 and compiled again under EXPLAIN: a cursor
 * on one of the large tables (or an index of one) that is rewound, counted
 * whole or walked backwards from its end is a full scan, and the test
 * fails naming the statement and its EXPLAIN QUERY PLAN. That is a plan
 * test, never a timed one; it runs without statistics and again after
 * ANALYZE, since the planner may choose differently with them.
 *
 * State: client_state and client_name_part, kept by triggers, are compared
 * row for row with what the definitions compute from the tables, after the
 * demo's months of work and after renames, a merge and its undo; and the
 * search by name parts finds exactly the clients whose name key holds the
 * query (the LIKE '%q%' it replaces).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "casefix.h"
#include "core/appointment.h"
#include "core/client.h"
#include "core/ctx.h"
#include "core/merge.h"
#include "core/reports.h"
#include "core/scope.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "io/demo.h"
#include "testutil.h"

#define NOW "2026-11-22T12:00:00Z"

/* The tables that grow with the clients and their history: a full scan of
 * one of them (or of an index on it) costs in proportion to ten years of
 * work. */
static const char *const large[] = {"client",
                                    "contact",
                                    "task",
                                    "episode",
                                    "assessment",
                                    "audit",
                                    "referral",
                                    "monitoring",
                                    "consent",
                                    "encounter",
                                    "appointment",
                                    "client_state",
                                    "client_name_part",
                                    "alert",
                                    "handoff",
                                    "plan_step",
                                    "plan_goal",
                                    "medication",
                                    "caregiver",
                                    "client_identifier",
                                    NULL};

/* Statements allowed to walk a large table from one end: each stops at its
 * first row (LIMIT 1 on the primary key), a search in all but the name. */
static const char *const allowed[] = {
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", /* the chain's head */
    NULL};

/* Partial indexes that hold only what is open now (hand-offs waiting), not
 * history: walking one whole costs what is waiting. */
static const char *const open_only[] = {"handoff_one_open", "handoff_due", NULL};

/* ---- what the screens ran --------------------------------------------- */

#define MAX_STMTS 512
static char *ran[MAX_STMTS];
static int nran;

static int on_trace(unsigned type, void *arg, void *p, void *x)
{
    (void)arg, (void)x;
    const char *sql = sqlite3_sql(p);
    if (type != SQLITE_TRACE_STMT || !sql || !strncmp(sql, "--", 2))
        return 0;
    for (int i = 0; i < nran; i++)
        if (!strcmp(ran[i], sql))
            return 0;
    if (nran < MAX_STMTS)
        ran[nran++] = strdup(sql);
    return 0;
}

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx coach, nurse, manager, supervisor, scheduler, admin;
} fixture;

static fixture *fx; /* built once: a demo is the costly part */

static int setup(void **state)
{
    cc_err err = {0};
    demo_opts o = {.clients = 300, .seed = 1};
    demo_summary sum;
    fixture *f = calloc(1, sizeof *f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "demo.db");
    f->s = tu_create(f->db);
    if (demo_build(f->s, &o, &sum, &err) != CC_OK)
        fail_msg("demo_build: %s", err.msg);
    f->coach = cf_as(f->s, "demo-coach");
    f->nurse = cf_as(f->s, "demo-nurse");
    f->manager = cf_as(f->s, "demo-manager");
    f->supervisor = cf_as(f->s, "demo-supervisor");
    f->scheduler = cf_as(f->s, "demo-scheduler");
    f->admin = cf_as(f->s, "demo-admin");
    fx = f;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    return 0;
}

static void ok(int rc, const cc_err *err)
{
    if (rc != CC_OK)
        fail_msg("%s", err->msg);
}

static void report(cc_ctx *c, const char *kind)
{
    report_params p;
    cc_table t;
    cc_err err = {0};
    memset(&p, 0, sizeof p);
    ok(report_resolve(c, kind, &p, &err), &err);
    ok(report_run(c, kind, &p, &t, &err), &err);
    table_free(&t);
}

/* Every screen's reads once, as the screens make them. */
static void run_screens(fixture *f)
{
    static const char *const queries[] = {"ello", "Briello",    "Mavis",
                                          "zzq",  "1945-03-14", "MRN0000001"};
    worklist_counts wc;
    worklist_row *rows;
    worklist_band band;
    cc_table t;
    client c;
    cc_err err = {0};
    int n;
    ok(worklist_counts_for(&f->coach, f->coach.staff_id, &wc, &err), &err);
    ok(worklist_caseload(&f->coach, f->coach.staff_id, &rows, &n, &err), &err);
    assert_true(n > 0);
    int64_t id = rows[0].client_id;
    free(rows);
    ok(worklist_team_caseload(&f->nurse, &rows, &n, &err), &err);
    free(rows);
    ok(scope_client(&f->coach, id, 0, &err), &err);
    ok(client_view(&f->coach, id, "summary", &c, &err), &err);
    ok(worklist_band_of(&f->coach, id, &band, &err), &err);
    for (const char *const *tab = record_tab_names(); *tab; tab++) {
        ok(record_tab(&f->coach, id, *tab, &t, &err), &err);
        table_free(&t);
    }
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        ok(worklist_search(&f->coach, queries[i], 200, &t, &err), &err);
        table_free(&t);
    }
    report(&f->manager, "caseload");
    report(&f->supervisor, "caseload");
    report(&f->manager, "unassigned");
    report(&f->manager, "stale");
    report(&f->supervisor, "stale");
    char today[11];
    ctx_today(&f->coach, today);
    ok(agenda_list(&f->coach, today, 7, 0, &t, &err), &err);
    table_free(&t);
    ok(agenda_list(&f->scheduler, today, 7, 1, &t, &err), &err);
    table_free(&t);
    ok(worklist_my_tasks(&f->coach, &t, &err), &err);
    table_free(&t);
    ok(worklist_inbox(&f->coach, f->coach.staff_id, &t, &err), &err);
    table_free(&t);
}

/* ---- reading a statement's program ------------------------------------ */

/* The large table whose b-tree (table or index) starts at page root, or
 * NULL. */
static const char *large_at(sqlite3 *db, int root, char *name, size_t namesz)
{
    sqlite3_stmt *st;
    const char *hit = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT tbl_name, name FROM sqlite_schema "
                                        "WHERE rootpage = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int(st, 1, root);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *index = (const char *)sqlite3_column_text(st, 1);
        snprintf(name, namesz, "%s", (const char *)sqlite3_column_text(st, 0));
        for (const char *const *t = large; *t; t++)
            if (!strcmp(*t, name))
                hit = name;
        for (const char *const *t = open_only; *t; t++)
            if (!strcmp(*t, index))
                hit = NULL;
    }
    sqlite3_finalize(st);
    return hit;
}

static void print_plan(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            print_message("#   %s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    sqlite3_free(q);
}

#define MAX_CURSORS 128

/* The large table sql scans whole, or NULL: a cursor opened on one of
 * them (OpenRead/OpenWrite: p1 the cursor, p2 its root page) that is
 * rewound (Rewind), counted (Count) or walked back from its end (Last,
 * then Prev), with no bound on an index key to stop it (IdxLT, IdxLE,
 * IdxGT, IdxGE: then it is a range from one end, "a < ?"). */
static const char *scanned(sqlite3 *db, const char *sql, char *name, size_t namesz)
{
    sqlite3_stmt *st;
    int root[MAX_CURSORS] = {0}, last[MAX_CURSORS] = {0}, whole[MAX_CURSORS] = {0};
    int bounded[MAX_CURSORS] = {0};
    const char *hit = NULL;
    char *q = sqlite3_mprintf("EXPLAIN %s", sql);
    int rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
    sqlite3_free(q);
    if (rc != SQLITE_OK)
        fail_msg("cannot explain %.200s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *op = (const char *)sqlite3_column_text(st, 1);
        int p1 = sqlite3_column_int(st, 2), p2 = sqlite3_column_int(st, 3);
        if (p1 < 0 || p1 >= MAX_CURSORS)
            continue;
        if (!strcmp(op, "OpenRead") || !strcmp(op, "OpenWrite"))
            root[p1] = p2, last[p1] = 0;
        else if (!strncmp(op, "Open", 4) || !strcmp(op, "SorterOpen"))
            root[p1] = 0;
        else if (!strcmp(op, "Last"))
            last[p1] = 1;
        else if (!strncmp(op, "Idx", 3) && strlen(op) == 5 &&
                 (op[3] == 'L' || op[3] == 'G'))
            bounded[p1] = 1;
        else if (root[p1] && (!strcmp(op, "Rewind") || !strcmp(op, "Count") ||
                              (!strcmp(op, "Prev") && last[p1])))
            whole[p1] = root[p1] + (!strcmp(op, "Count") ? 1 << 30 : 0);
    }
    sqlite3_finalize(st);
    for (int c = 0; c < MAX_CURSORS && !hit; c++)
        if (whole[c] && (!bounded[c] || whole[c] >= 1 << 30))
            hit = large_at(db, whole[c] & ((1 << 30) - 1), name, namesz);
    return hit;
}

static int is_allowed(const char *sql)
{
    for (const char *const *a = allowed; *a; a++)
        if (!strcmp(*a, sql))
            return 1;
    return 0;
}

/* Fail on every statement the screens ran that scans a large table. */
static void check_plans(fixture *f, const char *when)
{
    sqlite3 *db = store_db(f->s);
    int bad = 0;
    run_screens(f); /* the day's first read runs the daily sweep (daily.h) */
    nran = 0;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, NULL);
    run_screens(f);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    assert_true(nran > 30); /* the screens ran their statements */
    for (int i = 0; i < nran; i++) {
        char name[64];
        const char *t =
            is_allowed(ran[i]) ? NULL : scanned(db, ran[i], name, sizeof name);
        if (t) {
            print_message("# %s: a full scan of %s in: %s\n", when, t, ran[i]);
            print_plan(db, ran[i]);
            bad++;
        }
        free(ran[i]);
    }
    assert_int_equal(bad, 0);
}

static void plans_without_statistics(void **state)
{
    check_plans(*state, "no statistics");
}

static void plans_with_statistics(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "ANALYZE");
    check_plans(f, "after ANALYZE");
}

/* The detector itself: a scan of the client table is seen, a search is
 * not, and the chain's head read is the one allowed walk. */
static void detector_sees_scans(void **state)
{
    fixture *f = *state;
    sqlite3 *db = store_db(f->s);
    char name[64];
    const char *t = scanned(db, "SELECT count(*) FROM client WHERE dob LIKE '%1%'",
                            name, sizeof name);
    assert_non_null(t);
    assert_string_equal(t, "client");
    assert_non_null(
        scanned(db, "SELECT * FROM task ORDER BY id DESC", name, sizeof name));
    assert_non_null(scanned(db, "SELECT count(*) FROM contact", name, sizeof name));
    assert_null(scanned(db, "SELECT * FROM client WHERE id = 1", name, sizeof name));
    assert_null(scanned(db, "SELECT * FROM client WHERE dob = '1945-01-01'", name,
                        sizeof name));
    assert_null(scanned(db, "SELECT * FROM team", name, sizeof name));
    assert_null(scanned(db,
                        "SELECT client_id FROM client_state WHERE active = 1 AND "
                        "seen_at < '2026-01-01'",
                        name, sizeof name));
    assert_non_null(scanned(db,
                            "SELECT client_id FROM client_state WHERE active = 1 AND "
                            "level = 'high'",
                            name, sizeof name));
    assert_true(is_allowed("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
}

/* ---- the maintained state --------------------------------------------- */

/* client_state as its definition computes it from the tables. */
#define STATE_COMPUTED                                                                 \
    "SELECT c.id, c.owner_id, EXISTS (SELECT 1 FROM episode e WHERE e.client_id = "    \
    "c.id AND e.closed_date IS NULL) OR EXISTS (SELECT 1 FROM monitoring m WHERE "     \
    "m.client_id = c.id AND m.ended_date IS NULL), EXISTS (SELECT 1 FROM referral r "  \
    "WHERE r.client_id = c.id AND r.status IN ('received', 'contacted', 'consented', " \
    "'assessed')), (SELECT a.level FROM assessment a WHERE a.client_id = c.id ORDER "  \
    "BY a.at DESC, a.id DESC LIMIT 1), (SELECT min(date(e.start_date, '+' || "         \
    "(e.target_days + e.extended_days - 1) || ' days')) FROM episode e WHERE "         \
    "e.client_id = c.id AND e.closed_date IS NULL), coalesce((SELECT max(k.at) FROM "  \
    "contact k WHERE k.client_id = c.id), c.created_at) FROM client c"
#define STATE_KEPT                                                                     \
    "SELECT client_id, owner_id, active, referred, level, episode_end, seen_at FROM "  \
    "client_state"

/* The parts of every name not merged, as the definition makes them. */
#define PARTS_COMPUTED                                                                 \
    "WITH RECURSIVE pos (id, k, n) AS (SELECT id, name_key, 1 FROM client WHERE "      \
    "merged_into IS NULL UNION ALL SELECT id, k, n + 1 FROM pos WHERE n < length(k)) " \
    "SELECT DISTINCT substr(p.k, p.n), p.id, c.family_name, c.given_name FROM pos p "  \
    "JOIN client c ON c.id = p.id WHERE substr(p.k, p.n, 1) <> ' ' AND "               \
    "substr(p.k, p.n + 1, 1) NOT IN (' ', '')"
#define PARTS_KEPT                                                                     \
    "SELECT part, client_id, family_name, given_name FROM client_name_part"

static long long differing(store *s, const char *a, const char *b)
{
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "SELECT (SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))) "
        "+ (SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s)))",
        a, b, b, a);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
    sqlite3_finalize(st);
    return tu_int(s, sql);
}

static void state_matches(fixture *f, const char *when)
{
    long long d = differing(f->s, STATE_COMPUTED, STATE_KEPT);
    long long p = differing(f->s, PARTS_COMPUTED, PARTS_KEPT);
    if (d || p)
        print_message("# %s: %lld client_state rows and %lld name parts differ\n", when,
                      d, p);
    assert_int_equal(d, 0);
    assert_int_equal(p, 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client_state"),
                     tu_int(f->s, "SELECT count(*) FROM client"));
}

static void state_after_demo(void **state)
{
    fixture *f = *state;
    /* the demo replayed intakes, consents, assessments, episodes opened,
     * extended and closed, monitoring, contacts and assignments */
    assert_true(tu_int(f->s, "SELECT count(*) FROM client_state WHERE active = 1") > 0);
    assert_true(
        tu_int(f->s, "SELECT count(*) FROM client_state WHERE level IS NOT NULL") > 0);
    assert_true(tu_int(f->s,
                       "SELECT count(*) FROM client_state WHERE seen_at <> (SELECT "
                       "created_at FROM client WHERE id = client_id)") > 0);
    state_matches(f, "after the demo");
}

/* The migration's backfill computes what the triggers keep: emptied and
 * filled again by the migration's own statements, the tables match. */
static void state_backfill_matches(void **state)
{
    fixture *f = *state;
    long long before = tu_int(f->s, "SELECT count(*) FROM client_name_part");
    tu_exec(f->s,
            "BEGIN; DELETE FROM client_state; DELETE FROM client_name_part; "
            "INSERT INTO client_state (client_id, owner_id, active, referred, level, "
            "episode_end, seen_at) " STATE_COMPUTED "; INSERT INTO client_name_part "
            "(part, client_id, family_name, given_name) " PARTS_COMPUTED "; COMMIT");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client_name_part"), before);
    state_matches(f, "filled again");
}

static int64_t some_client(fixture *f, const char *where)
{
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT c.id FROM client c JOIN client_state s ON s.client_id = c.id WHERE "
        "c.merged_into IS NULL AND %s ORDER BY c.id LIMIT 1",
        where);
    return tu_int(f->s, sql);
}

/* Renames, a merge and its undo keep both tables true. */
static void state_after_edits_and_merge(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client c, theirs;
    char mine[64];
    snprintf(mine, sizeof mine, "s.active = 1 AND s.owner_id = %lld",
             (long long)f->coach.staff_id);
    int64_t id = some_client(f, mine);
    assert_true(id > 0);
    ok(client_get(&f->admin, id, &c, &err), &err);
    snprintf(c.family_name, sizeof c.family_name, "Zyqwell-Ångström");
    snprintf(c.given_name, sizeof c.given_name, "Eliška");
    ok(client_update(&f->coach, &c, &theirs, &err), &err);
    state_matches(f, "after a rename");
    cc_table t;
    ok(worklist_search(&f->coach, "qwel", 10, &t, &err), &err);
    assert_int_equal(t.nrows, 1);
    assert_int_equal(atoll(table_cell(&t, 0, 0)), id);
    table_free(&t);

    /* merge two records with nothing open (the first pair merge_clients
     * takes), then undo it */
    int64_t merge_id = 0;
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(
            store_db(f->s),
            "SELECT a.client_id, b.client_id FROM client_state a JOIN "
            "client_state b ON b.client_id > a.client_id WHERE a.active = 0 "
            "AND b.active = 0 AND a.referred = 0 AND b.referred = 0 AND "
            "b.seen_at > (SELECT created_at FROM client WHERE id = "
            "b.client_id) ORDER BY a.client_id, b.client_id LIMIT 40",
            -1, &st, NULL),
        SQLITE_OK);
    while (!merge_id && sqlite3_step(st) == SQLITE_ROW) {
        cc_err e = {0};
        merge_clients(&f->admin, sqlite3_column_int64(st, 0),
                      sqlite3_column_int64(st, 1), "test: one person", &merge_id, &e);
    }
    sqlite3_finalize(st);
    assert_true(merge_id > 0);
    assert_true(
        tu_int(f->s, "SELECT count(*) FROM client WHERE merged_into IS NOT NULL") > 0);
    state_matches(f, "after a merge");
    ok(merge_undo(&f->admin, merge_id, "test: two people after all", &err), &err);
    state_matches(f, "after its undo");
}

/* The search by parts finds exactly the clients whose name key holds the
 * query, for every two- and three-letter piece of the demo's names. */
static void search_parts_equal_like(void **state)
{
    fixture *f = *state;
    sqlite3_stmt *st;
    int checked = 0;
    assert_int_equal(
        sqlite3_prepare_v2(
            store_db(f->s),
            "SELECT DISTINCT substr(part, 1, 2) FROM client_name_part UNION "
            "SELECT DISTINCT substr(part, 1, 3) FROM client_name_part WHERE "
            "length(part) > 2 AND substr(part, 3, 1) <> ' ' UNION SELECT 'zq'",
            -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "SELECT id FROM client WHERE merged_into IS NULL AND name_key LIKE "
                 "'%%%s%%'",
                 k);
        char parts[512];
        snprintf(
            parts, sizeof parts,
            "SELECT DISTINCT client_id FROM client_name_part WHERE part >= '%s' AND "
            "part < '%s{'",
            k, k);
        long long d = differing(f->s, sql, parts);
        if (d)
            print_message("# '%s': %lld clients differ\n", k, d);
        assert_int_equal(d, 0);
        checked++;
    }
    sqlite3_finalize(st);
    assert_true(checked > 100);
}

/* The caseload's consent word, now one column of its query, is what the
 * record's band computes with consent_state for every row. */
static void caseload_consent_as_band(void **state)
{
    fixture *f = *state;
    worklist_row *rows;
    worklist_band band;
    cc_err err = {0};
    int n, seen[4] = {0};
    static const char *const words[] = {"ok", "expiring", "none", "revoked"};
    ok(worklist_team_caseload(&f->nurse, &rows, &n, &err), &err);
    assert_true(n > 20);
    for (int i = 0; i < n; i++) {
        ok(worklist_band_of(&f->nurse, rows[i].client_id, &band, &err), &err);
        if (strcmp(rows[i].consent, band.consent))
            print_message("# client %lld: caseload '%s', band '%s'\n",
                          (long long)rows[i].client_id, rows[i].consent, band.consent);
        assert_string_equal(rows[i].consent, band.consent);
        for (int w = 0; w < 4; w++)
            seen[w] += !strcmp(rows[i].consent, words[w]);
    }
    free(rows);
    assert_true(seen[0] > 0 && seen[2] > 0); /* more than one kind was compared */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detector_sees_scans),
        cmocka_unit_test(plans_without_statistics),
        cmocka_unit_test(state_after_demo),
        cmocka_unit_test(state_backfill_matches),
        cmocka_unit_test(search_parts_equal_like),
        cmocka_unit_test(caseload_consent_as_band),
        cmocka_unit_test(state_after_edits_and_merge),
        cmocka_unit_test(plans_with_statistics),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
