/*
 * test_verify.c — the audit chain's verification as one use case
 * (src/core/verify.c), behind both the audit screen and `audit verify`: a
 * run records the intact head as the verified point and keeps its summary
 * as the last verification; an incremental run starts after that point and
 * reads only the entries since; the screen's whole-chain run records the
 * point too; a role without audit.verify is refused and nothing recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefix.h"
#include "core/ctx.h"
#include "core/reports.h"
#include "core/staff.h"
#include "core/verify.h"
#include "store/audit.h"
#include "testutil.h"

#define NOW "2026-11-22T12:00:00Z"

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx;
} fixture;

static void as(fixture *f, const char *login, const char *role)
{
    staff st;
    cc_err err = {0};
    assert_int_equal(staff_find(f->s, login, &st, &err), CC_OK);
    f->ctx.st = f->s;
    f->ctx.staff_id = st.id;
    snprintf(f->ctx.role, sizeof f->ctx.role, "%s", role);
    store_set_actor(f->s, st.id);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "verify.db");
    f->s = tu_create(f->db);
    cf_person(f->s, "sup1", "supervisor", "Sup One");
    cf_person(f->s, "coach1", "coach", "Coach One");
    as(f, "sup1", "supervisor");
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

/* n more audit entries, as work would add. */
static void work(fixture *f, int n)
{
    cc_err err = {0};
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(audit_append(f->s, 0, "test.work", "t", "", &err), CC_OK);
    assert_int_equal(store_commit(f->s, &err), CC_OK);
}

static audit_anchor verified_point(fixture *f)
{
    audit_anchor a;
    char at[32];
    cc_err err = {0};
    assert_int_equal(audit_verified_get(f->s, &a, at, &err), 1);
    assert_string_equal(at, NOW);
    return a;
}

static audit_anchor head_of(fixture *f)
{
    audit_anchor h;
    cc_err err = {0};
    assert_int_equal(audit_head(f->s, &h, &err), CC_OK);
    return h;
}

static void test_point_recorded_and_incremental_starts_there(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    verify_result res;
    verify_opts o = {1, NULL, NULL, NULL}; /* incremental, none recorded yet */
    work(f, 3);
    assert_int_equal(verify_audit(&f->ctx, &o, &res, &err), CC_OK);
    assert_int_equal(res.chain.first_bad, 0);
    assert_false(res.from_point); /* the whole chain */
    assert_int_equal(res.chain.from, 0);
    assert_true(res.recorded);
    int64_t first = res.chain.head.seq;
    audit_anchor p = verified_point(f);
    assert_int_equal(p.seq, first);
    assert_memory_equal(p.hash, res.chain.head.hash, AUDIT_HASH_BYTES);
    assert_non_null(strstr(res.summary, "intact"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'audit.verify' AND details = 'intact'"),
                     1);

    work(f, 5);
    assert_int_equal(verify_audit(&f->ctx, &o, &res, &err), CC_OK);
    assert_int_equal(res.chain.first_bad, 0);
    assert_true(res.from_point);
    assert_int_equal(res.start.seq, first);
    assert_int_equal(res.chain.from, first); /* only what came after */
    assert_int_equal(res.chain.entries, head_of(f).seq - 1 - first);
    assert_int_equal(res.chain.entries, 1 + 5); /* the first run's entry and the work */
    assert_int_equal(verified_point(f).seq, res.chain.head.seq);
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'audit.verify' AND details = 'intact (incremental)'"),
                     1);
}

/* The screen's V goes through the same use case: it records the point
 * the command's --incremental then starts from, and its summary. */
static void test_screen_run_records_the_point(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int ok = 0;
    char msg[400], last[400];
    audit_anchor head;
    work(f, 2);
    assert_int_equal(
        report_verify_audit(&f->ctx, NULL, NULL, &ok, msg, sizeof msg, &err), CC_OK);
    assert_true(ok);
    assert_int_equal(report_audit_status(&f->ctx, &head, last, sizeof last, &err),
                     CC_OK);
    assert_string_equal(last, msg);
    audit_anchor p = verified_point(f);
    assert_int_equal(p.seq, head.seq - 1); /* the head before the run's own entry */

    verify_result res;
    verify_opts o = {1, NULL, NULL, NULL};
    assert_int_equal(verify_audit(&f->ctx, &o, &res, &err), CC_OK);
    assert_true(res.from_point);
    assert_int_equal(res.chain.from, p.seq);
    assert_int_equal(res.chain.entries, 1);
}

/* A run against an anchor the chain no longer holds is reported broken,
 * kept as the last verification, audited, and records no point. */
static void test_broken_records_no_point(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    verify_result res;
    audit_anchor wrong = head_of(f);
    char at[32], last[400];
    wrong.hash[0] ^= 1;
    verify_opts o = {0, &wrong, NULL, NULL};
    assert_int_equal(verify_audit(&f->ctx, &o, &res, &err), CC_OK);
    assert_int_not_equal(res.chain.first_bad, 0);
    assert_false(res.recorded);
    assert_int_equal(audit_verified_get(f->s, &wrong, at, &err), 0);
    assert_int_equal(report_audit_status(&f->ctx, &wrong, last, sizeof last, &err),
                     CC_OK);
    assert_non_null(strstr(last, "BROKEN"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'audit.verify' AND details LIKE '%BROKEN%'"),
                     1);
}

static void test_refused_without_the_action(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    verify_result res;
    audit_anchor a;
    char at[32];
    verify_opts o = {0, NULL, NULL, NULL};
    as(f, "coach1", "coach");
    assert_int_equal(verify_audit(&f->ctx, &o, &res, &err), CC_EREFUSED);
    assert_int_equal(audit_verified_get(f->s, &a, at, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_point_recorded_and_incremental_starts_there, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_run_records_the_point, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_broken_records_no_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_without_the_action, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
