/*
 * test_concurrency.c — many processes writing one encrypted store. Eight
 * processes each run 500 write transactions (one row and one audit entry
 * apiece) at once, with the default busy limit: every transaction must
 * succeed (no "busy" may reach a caller), every row must be there exactly
 * once, and the audit chain must hold all 4000 entries without a gap. A
 * second test holds the write lock in one process and checks that another
 * gets a clear "busy" error once its busy limit runs out, and succeeds when
 * the limit outlasts the lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/store.h"
#include "testutil.h"
#include "util/clock.h"

#define WORKERS  8
#define TXNS     500
#define HOLD_MS  500  /* how long the holder keeps the write lock */
#define SHORT_MS 100  /* a busy limit the lock outlasts */
#define LONG_MS  5000 /* a busy limit that outlasts the lock */

typedef struct conc_ctx {
    char *dir, *path;
    int64_t audit_base; /* audit entries before the test wrote any */
} conc_ctx;

/* ---- child processes ----------------------------------------------------- */

static int insert_pair(store *s, int who, int seq, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s), "INSERT INTO c (who, seq) VALUES (?1, ?2)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "insert", err);
    sqlite3_bind_int(st, 1, who);
    sqlite3_bind_int(st, 2, seq);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "insert", err);
}

/* Insert (who, seq) and its audit entry in the open write transaction. */
static int write_pair(store *s, int who, int seq, cc_err *err)
{
    char object[48];
    snprintf(object, sizeof object, "c:%d:%d", who, seq);
    int rc = insert_pair(s, who, seq, err);
    return rc == CC_OK ? audit_append(s, who + 1, "conc.write", object, NULL, err) : rc;
}

static int write_txn(store *s, int who, int seq, cc_err *err)
{
    if (store_begin(s, err) != CC_OK)
        return err->code;
    if (write_pair(s, who, seq, err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    return store_commit(s, err);
}

static void child_fail(const char *who, int n, const cc_err *err)
{
    fprintf(stderr, "%s %d: %s\n", who, n, err->msg);
    _exit(err->code ? err->code : 1);
}

/* Wait for the start signal (the parent closing the pipe), then run TXNS
 * transactions. Exits 0 only if every one of them succeeded. */
static void worker_main(const char *path, int go_fd, int who)
{
    store *s = NULL;
    cc_err err = {0};
    char b;
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    if (store_open_with_key(path, tu_master, &s, &err) != CC_OK)
        child_fail("worker", who, &err);
    for (int seq = 0; seq < TXNS; seq++)
        if (write_txn(s, who, seq, &err) != CC_OK)
            child_fail("worker", who, &err);
    store_close(s);
    _exit(0);
}

/* Take the write lock, write a row, tell the parent (one byte on ready_fd),
 * hold the lock HOLD_MS, then commit. */
static void holder_main(const char *path, int ready_fd, int who)
{
    store *s = NULL;
    cc_err err = {0};
    if (store_open_with_key(path, tu_master, &s, &err) != CC_OK ||
        store_begin(s, &err) != CC_OK || write_pair(s, who, 0, &err) != CC_OK)
        child_fail("holder", who, &err);
    if (write(ready_fd, "L", 1) != 1)
        _exit(1);
    struct timespec ts = {HOLD_MS / 1000, HOLD_MS % 1000 * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    if (store_commit(s, &err) != CC_OK)
        child_fail("holder", who, &err);
    store_close(s);
    _exit(0);
}

/* ---- parent helpers ------------------------------------------------------ */

static pid_t spawn_worker(const conc_ctx *c, int go[2], int who)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(go[1]);
        worker_main(c->path, go[0], who);
    }
    return pid;
}

/* Start the holder and wait until it has the write lock. */
static pid_t spawn_holder(const conc_ctx *c, int who)
{
    int ready[2];
    char b = 0;
    assert_int_equal(pipe(ready), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        holder_main(c->path, ready[1], who);
    }
    close(ready[1]);
    assert_int_equal(read(ready[0], &b, 1), 1);
    assert_int_equal(b, 'L');
    close(ready[0]);
    return pid;
}

/* Wait for pid and require a clean exit. */
static void expect_exit_ok(pid_t pid, const char *what, int who)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        print_error("%s %d: %s %d (5 = busy; see its message above)\n", what, who,
                    WIFEXITED(status) ? "exit status" : "killed by signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* One integer from sql with a and b bound to ?1 and ?2. */
static long long query_int(store *s, const char *sql, long long a, long long b)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void check_integrity(store *s)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* Every (who, seq) of the grid exactly once, and each worker's rows in the
 * order it committed them. */
static void check_rows(store *s)
{
    assert_int_equal(tu_int(s, "SELECT count(*) FROM c"), WORKERS * TXNS);
    assert_int_equal(query_int(s,
                               "SELECT count(*) FROM (SELECT who, seq FROM c "
                               "WHERE who >= 0 AND who < ?1 AND seq >= 0 AND seq < ?2 "
                               "GROUP BY who, seq HAVING count(*) = 1)",
                               WORKERS, TXNS),
                     WORKERS * TXNS);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM (SELECT seq, row_number() OVER "
                               "(PARTITION BY who ORDER BY id) - 1 AS n FROM c) "
                               "WHERE seq != n"),
                     0);
}

/* The chain verifies, is gap-free and holds one entry per row. */
static void check_chain(store *s, int64_t expect)
{
    audit_result res;
    cc_err err = {0};
    int rc = audit_verify(s, NULL, &res, NULL, NULL, &err);
    if (rc != CC_OK || res.first_bad)
        print_error("audit_verify: %s (entry %lld: %s)\n", err.msg,
                    (long long)res.first_bad, res.why);
    assert_int_equal(rc, CC_OK);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, expect);
    assert_int_equal(res.head.seq, expect);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit"), expect);
    assert_int_equal(tu_int(s, "SELECT max(seq) - min(seq) + 1 FROM audit"), expect);
    assert_int_equal(tu_int(s,
                            "SELECT count(*) FROM audit WHERE action = 'conc.write' "
                            "AND object IN (SELECT 'c:' || who || ':' || seq FROM c)"),
                     WORKERS * TXNS);
}

static double now_s(void)
{
    return (double)clock_mono_ms() / 1000.0;
}

/* ---- fixtures ------------------------------------------------------------ */

static int setup_store(void **state)
{
    conc_ctx *c = calloc(1, sizeof *c);
    cc_err err = {0};
    assert_non_null(c);
    c->dir = tu_tmpdir();
    c->path = tu_path(c->dir, "conc.db");
    store *s = tu_create(c->path);
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE c (id INTEGER PRIMARY KEY, who INTEGER NOT NULL, "
               "seq INTEGER NOT NULL) STRICT");
    assert_int_equal(audit_append(s, 0, "conc.setup", "c", NULL, &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
    c->audit_base = tu_int(s, "SELECT count(*) FROM audit");
    store_close(s);
    *state = c;
    return 0;
}

static int teardown_store(void **state)
{
    conc_ctx *c = *state;
    tu_rmrf(c->dir);
    free(c->path);
    free(c->dir);
    free(c);
    return 0;
}

/* ---- tests --------------------------------------------------------------- */

static void test_eight_writers(void **state)
{
    conc_ctx *c = *state;
    pid_t pids[WORKERS];
    int go[2];
    double t0 = now_s();
    assert_int_equal(pipe(go), 0);
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < WORKERS; i++)
        pids[i] = spawn_worker(c, go, i);
    close(go[0]);
    close(go[1]); /* all start at once */
    for (int i = 0; i < WORKERS; i++)
        expect_exit_ok(pids[i], "worker", i);
    printf("# %d processes x %d write transactions in %.1f s\n", WORKERS, TXNS,
           now_s() - t0);
    store *s = tu_open(c->path);
    check_integrity(s);
    check_rows(s);
    check_chain(s, c->audit_base + WORKERS * TXNS);
    store_close(s);
}

/* Try to begin while a holder has the write lock; returns the result and
 * the milliseconds it took. */
static int begin_against_holder(store *s, int limit_ms, cc_err *err, int64_t *took)
{
    store_set_busy_limit(s, limit_ms);
    int64_t t0 = clock_mono_ms();
    int rc = store_begin(s, err);
    *took = clock_mono_ms() - t0;
    return rc;
}

static void test_busy_limit(void **state)
{
    conc_ctx *c = *state;
    cc_err err = {0};
    int64_t took;

    /* The lock outlasts the limit: a clear "busy" once the limit is up. */
    pid_t holder = spawn_holder(c, 100);
    store *s = tu_open(c->path);
    int rc = begin_against_holder(s, SHORT_MS, &err, &took);
    assert_int_equal(rc, CC_EBUSY);
    assert_int_equal(err.code, CC_EBUSY);
    assert_non_null(strstr(err.msg, "busy"));
    assert_in_range(took, SHORT_MS, HOLD_MS - 1);
    assert_true(sqlite3_get_autocommit(store_db(s))); /* nothing left open */
    printf("# gave up after %lld ms: \"%s\"\n", (long long)took, err.msg);
    store_close(s);
    expect_exit_ok(holder, "holder", 100);

    /* The limit outlasts the lock: the write goes through after it. */
    holder = spawn_holder(c, 101);
    s = tu_open(c->path);
    cc_err_clear(&err);
    rc = begin_against_holder(s, LONG_MS, &err, &took);
    if (rc != CC_OK)
        print_error("store_begin: %s\n", err.msg);
    assert_int_equal(rc, CC_OK);
    assert_in_range(took, HOLD_MS / 2, LONG_MS - 1);
    assert_int_equal(write_pair(s, 102, 0, &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
    expect_exit_ok(holder, "holder", 101);
    /* Both holders' rows and ours, in commit order; the chain is whole. */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM c"), 3);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM c a JOIN c b ON a.id < b.id "
                               "AND a.who < b.who"),
                     3);
    audit_result res;
    assert_int_equal(audit_verify(s, NULL, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, c->audit_base + 3);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eight_writers, setup_store,
                                        teardown_store),
        cmocka_unit_test_setup_teardown(test_busy_limit, setup_store, teardown_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
