/*
 * test_nest.c — use cases as savepoints of one batch (store/nest.h): each
 * use case commits or rolls back alone, with its audit entries, while
 * nothing reaches another connection before the batch's one commit; a
 * batch can be abandoned whole, refuses to end with a use case open, and
 * refuses every later use case once SQLite has rolled it back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/nest.h"
#include "testutil.h"

typedef struct fixture {
    char *dir, *db;
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "n.db");
    f->s = tu_create(f->db);
    tu_exec(f->s, "CREATE TABLE nest_t (x INTEGER)");
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

/* One use case's writes: a row and its audit entry. */
static void write_x(store *s, int x)
{
    cc_err err = {0};
    char sql[64], details[32];
    snprintf(sql, sizeof sql, "INSERT INTO nest_t VALUES (%d)", x);
    snprintf(details, sizeof details, "x=%d", x);
    assert_int_equal(store_exec(s, sql, &err), CC_OK);
    assert_int_equal(audit_append(s, 1, "test.write", "nest_t:1", details, &err),
                     CC_OK);
}

/* A whole use case, committed (ok) or rolled back after writing. */
static void use_case(store *s, int x, int ok)
{
    cc_err err = {0};
    assert_int_equal(store_begin(s, &err), CC_OK);
    assert_true(store_in_txn(s));
    write_x(s, x);
    if (ok)
        assert_int_equal(store_commit(s, &err), CC_OK);
    else
        store_rollback(s);
}

static void assert_chain_intact(store *s, int64_t entries)
{
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify(s, NULL, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, entries);
}

static void test_each_use_case_alone(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    long long before = tu_int(f->s, "SELECT count(*) FROM audit");
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    assert_true(store_nest_active(f->s));
    assert_false(store_in_txn(f->s)); /* between use cases: as if none were open */
    use_case(f->s, 1, 1);
    assert_int_equal(store_nest_depth(f->s), 0);
    use_case(f->s, 2, 0); /* fails after writing: only its own writes go */
    use_case(f->s, 3, 1);
    assert_int_equal(store_nest_end(f->s, &err), CC_OK);
    assert_false(store_nest_active(f->s));
    assert_int_equal(tu_int(f->s, "SELECT group_concat(x, '') FROM nest_t"), 13);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE details = 'x=2'"),
                     0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), before + 2);
    assert_chain_intact(f->s, before + 2);
    /* after the batch, transactions are ordinary again */
    use_case(f->s, 4, 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 3);
}

/* A second connection sees nothing of a batch until its one commit. */
static void test_one_commit(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *other = tu_open(f->db);
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    for (int i = 0; i < 50; i++)
        use_case(f->s, i, 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 50);
    assert_int_equal(tu_int(other, "SELECT count(*) FROM nest_t"), 0);
    assert_int_equal(store_nest_end(f->s, &err), CC_OK);
    assert_int_equal(tu_int(other, "SELECT count(*) FROM nest_t"), 50);
    store_close(other);
}

/* A use case inside a use case (a core function calling another): the inner
 * one's rollback keeps the outer one's writes. */
static void test_inner_use_case(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    write_x(f->s, 1);
    use_case(f->s, 2, 0);
    assert_int_equal(store_nest_depth(f->s), 1);
    use_case(f->s, 3, 1);
    assert_int_equal(store_commit(f->s, &err), CC_OK);
    assert_int_equal(store_nest_end(f->s, &err), CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT group_concat(x, '') FROM nest_t"), 13);
}

static void test_abort_drops_the_batch(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    long long before = tu_int(f->s, "SELECT count(*) FROM audit");
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    use_case(f->s, 1, 1);
    store_nest_abort(f->s);
    assert_false(store_nest_active(f->s));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), before);
    /* a rollback between use cases abandons the batch too (store_close) */
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    use_case(f->s, 2, 1);
    store_rollback(f->s);
    assert_false(store_nest_active(f->s));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 0);
    assert_chain_intact(f->s, before);
}

static void test_end_refused_while_open(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    use_case(f->s, 1, 1);
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    write_x(f->s, 2);
    assert_int_equal(store_nest_end(f->s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "still open"));
    assert_false(store_nest_active(f->s));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 0);
    /* nor may a batch start inside a transaction, or twice */
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    assert_int_equal(store_nest_begin(f->s, &err), CC_EDATA);
    store_rollback(f->s);
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    assert_int_equal(store_nest_begin(f->s, &err), CC_EDATA);
    store_nest_abort(f->s);
    /* and a commit outside any use case of a batch is refused */
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    assert_int_equal(store_commit(f->s, &err), CC_EDATA);
    store_nest_abort(f->s);
}

/* SQLite rolled the outer transaction back (as after an I/O error): no later
 * use case may commit on its own, and the batch's end says so. */
static void test_lost_batch(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assert_int_equal(store_nest_begin(f->s, &err), CC_OK);
    use_case(f->s, 1, 1);
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    sqlite3_exec(store_db(f->s), "ROLLBACK", NULL, NULL, NULL);
    assert_int_equal(store_commit(f->s, &err), CC_EDATA);
    assert_int_equal(store_begin(f->s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "rolled back"));
    assert_int_equal(store_nest_end(f->s, &err), CC_EDATA);
    assert_false(store_nest_active(f->s));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 0);
    use_case(f->s, 5, 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM nest_t"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_use_case_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inner_use_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_drops_the_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_refused_while_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_batch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
