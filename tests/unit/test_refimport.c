/*
 * test_refimport.c — a spreadsheet of referrals through the intake use case
 * (intake_import): all or nothing (a bad row 3 of 5 leaves nothing, and the
 * error names row 3), partial (the good rows in, each bad one with its
 * reason and nothing of it kept), the duplicate, service-area and
 * eligibility refusals per row (a duplicate of an earlier row of the same
 * file too), the override column, the first owner as intake makes it, a
 * person who may not take clients in, and the import's own audit entry
 * beside each intake's.
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
#include "core/intake.h"
#include "core/program.h"
#include "core/staff.h"
#include "testutil.h"

#define NOW  "2026-11-22T12:00:00Z"
#define MAXR 8

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx;
    int64_t coach, nurse, sup;
    int64_t hss, ct_ngh;
    intake_request rows[MAXR];
    intake_result res[MAXR];
    cc_err errs[MAXR];
} fixture;

static void act_as(fixture *f, int64_t id, const char *role)
{
    f->ctx.staff_id = id;
    snprintf(f->ctx.role, sizeof f->ctx.role, "%s", role);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "refimport.db");
    f->s = tu_create(f->db);
    f->coach = cf_person(f->s, "coach1", "coach", "Coach One");
    f->nurse = cf_person(f->s, "nurse1", "nurse", "Nurse One");
    f->sup = cf_person(f->s, "sup1", "supervisor", "Sup One");
    f->ctx.st = f->s;
    act_as(f, f->coach, "coach");
    /* coach1 works on the NGH care-transition team */
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (2, 'NGH', "
             "(SELECT id FROM program WHERE code = 'ct-ngh'));"
             "INSERT INTO team_member VALUES (2, %lld);",
             (long long)f->coach);
    tu_exec(f->s, sql);
    f->hss = cf_program(&f->ctx, "hss");
    f->ct_ngh = cf_program(&f->ctx, "ct-ngh");
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

/* Row i: a person referred to program, eligible for ct-ngh (any payer). */
static intake_request *row(fixture *f, int i, const char *family, const char *given,
                           const char *dob, int64_t program_id)
{
    intake_request *in = &f->rows[i];
    memset(in, 0, sizeof *in);
    snprintf(in->client.family_name, sizeof in->client.family_name, "%s", family);
    snprintf(in->client.given_name, sizeof in->client.given_name, "%s", given);
    snprintf(in->client.dob, sizeof in->client.dob, "%s", dob);
    snprintf(in->client.zip, sizeof in->client.zip, "20810");
    snprintf(in->client.payer, sizeof in->client.payer, "medicare");
    snprintf(in->client.language, sizeof in->client.language, "en");
    snprintf(in->client.setting, sizeof in->client.setting, "home");
    in->referral.program_id = program_id;
    snprintf(in->referral.source_type, sizeof in->referral.source_type,
             "discharge-planner");
    snprintf(in->referral.received_date, sizeof in->referral.received_date,
             "2026-11-20");
    return in;
}

/* Five good rows for ct-ngh. */
static void five_rows(fixture *f)
{
    static const char *const given[] = {"Avery", "Blake", "Casey", "Drew", "Emery"};
    static const char *const dob[] = {"1941-01-05", "1950-02-14", "1962-03-23",
                                      "1938-04-30", "1955-05-09"};
    static const char *const family[] = {"Testperson", "Sampleton", "Fakeley",
                                         "Mockwell", "Placeholder"};
    for (int i = 0; i < 5; i++)
        row(f, i, family[i], given[i], dob[i], f->ct_ngh);
}

static long long count(fixture *f, const char *sql)
{
    return tu_int(f->s, sql);
}

static void test_all_or_nothing_imports_all(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    five_rows(f);
    assert_int_equal(
        intake_import(&f->ctx, f->rows, 5, f->res, f->errs, 0, "sample.csv", &err),
        CC_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 5);
    assert_int_equal(count(f, "SELECT count(*) FROM referral"), 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(f->errs[i].code, CC_OK);
        assert_true(f->rows[i].client.id > 0 && f->rows[i].referral.id > 0);
        assert_true(f->res[i].taken); /* the importing coach is the first owner */
    }
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM client WHERE owner_id = %lld",
             (long long)f->coach);
    assert_int_equal(count(f, sql), 5);
    /* each intake audited as intake audits it, and the import once */
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action = 'client.create'"), 5);
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action = 'referral.create'"), 5);
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action = 'referral.import' AND "
                 "details = '5 of 5 referrals from sample.csv'"),
        1);
}

static void test_all_or_nothing_bad_row_3(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    five_rows(f);
    snprintf(f->rows[2].client.zip, sizeof f->rows[2].client.zip, "99999");
    assert_int_equal(
        intake_import(&f->ctx, f->rows, 5, f->res, f->errs, 0, "sample.csv", &err),
        CC_EINPUT);
    assert_non_null(strstr(err.msg, "row 3: "));
    assert_non_null(strstr(err.msg, "ZIP 99999 is outside the service area"));
    assert_int_equal(f->errs[2].code, CC_EINPUT); /* the row that failed */
    assert_int_equal(f->errs[0].code, CC_OK);
    /* nothing kept: not rows 1 and 2 either, nor any audit entry of them */
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM referral"), 0);
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action IN ('client.create', "
                 "'referral.create', 'client.assign', 'referral.import')"),
        0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(f->rows[i].client.id, 0);
        assert_int_equal(f->rows[i].referral.id, 0);
        assert_int_equal(f->res[i].taken, 0);
    }
    /* fixed, the same file goes in whole */
    snprintf(f->rows[2].client.zip, sizeof f->rows[2].client.zip, "20814");
    assert_int_equal(
        intake_import(&f->ctx, f->rows, 5, f->res, f->errs, 0, "sample.csv", &err),
        CC_OK);
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 5);
}

static void test_partial_keeps_good_rows(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    intake_result one;
    /* a client already on file */
    intake_request *known = row(f, 7, "Knownperson", "Riley", "1944-06-06", f->ct_ngh);
    assert_int_equal(intake_submit(&f->ctx, known, &one, &err), CC_OK);
    int64_t known_id = known->client.id;
    five_rows(f);
    row(f, 1, "Knownperson", "Riley", "1944-06-06", f->ct_ngh); /* duplicate */
    snprintf(f->rows[2].client.zip, sizeof f->rows[2].client.zip, "99999");
    row(f, 3, "Youngish", "Sam", "1970-01-01", f->hss); /* HSS takes 65 and older */
    assert_int_equal(
        intake_import(&f->ctx, f->rows, 5, f->res, f->errs, 1, "sample.csv", &err),
        CC_OK);
    assert_int_equal(f->errs[0].code, CC_OK);
    assert_int_equal(f->errs[4].code, CC_OK);
    assert_true(f->rows[0].client.id > 0 && f->rows[4].client.id > 0);
    char want[80];
    snprintf(want, sizeof want, "possible duplicate of client %lld",
             (long long)known_id);
    assert_non_null(strstr(f->errs[1].msg, want));
    assert_non_null(strstr(f->errs[2].msg, "ZIP 99999 is outside the service area"));
    assert_non_null(strstr(f->errs[3].msg, "hss takes clients aged 65 or older (56)"));
    assert_non_null(strstr(f->errs[3].msg, "give a reason to refer anyway"));
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(f->errs[i].code, CC_EINPUT);
        assert_int_equal(f->rows[i].client.id, 0);
        assert_int_equal(f->res[i].taken, 0);
    }
    /* the known client and the two good rows; nothing of the bad ones */
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM referral"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM client WHERE zip = '99999' OR "
                              "family_name = 'Youngish'"),
                     0);
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action = 'client.create'"), 3);
    assert_int_equal(
        count(f, "SELECT count(*) FROM audit WHERE action = 'referral.import' AND "
                 "details = '2 of 5 referrals (partial) from sample.csv'"),
        1);
}

/* A person twice in one file: the second row is a duplicate of the first. */
static void test_duplicate_within_file(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    row(f, 0, "Testperson", "Avery", "1941-01-05", f->ct_ngh);
    row(f, 1, "TESTPERSON", "Avery", "1941-01-05", f->ct_ngh);
    assert_int_equal(intake_import(&f->ctx, f->rows, 2, f->res, f->errs, 0, "x", &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "row 2: possible duplicate"));
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 0);
    assert_int_equal(intake_import(&f->ctx, f->rows, 2, f->res, f->errs, 1, "x", &err),
                     CC_OK);
    char want[80];
    snprintf(want, sizeof want, "possible duplicate of client %lld",
             (long long)f->rows[0].client.id);
    assert_non_null(strstr(f->errs[1].msg, want));
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 1);
}

/* The override column: an ineligible client goes in with a reason, which is
 * audited; a reason with control characters is refused with its row. */
static void test_override_column(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    row(f, 0, "Youngish", "Sam", "1970-01-01", f->hss)->override =
        "PCP asks for HSS: lives alone";
    row(f, 1, "Othersome", "Lee", "1969-02-02", f->hss)->override = "bad\x1b[2Jreason";
    row(f, 2, "Oldenough", "Kim", "1940-03-03", f->hss);
    assert_int_equal(intake_import(&f->ctx, f->rows, 3, f->res, f->errs, 1, "x", &err),
                     CC_OK);
    assert_int_equal(f->errs[0].code, CC_OK);
    assert_non_null(strstr(
        f->res[0].note, "eligibility overridden: hss takes clients aged 65 or older"));
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit WHERE action = 'intake.override' AND object "
             "= 'client:%lld' AND details = 'PCP asks for HSS: lives alone'",
             (long long)f->rows[0].client.id);
    assert_int_equal(count(f, sql), 1);
    assert_non_null(strstr(f->errs[1].msg, "control characters"));
    assert_int_equal(f->errs[2].code, CC_OK);
    /* a coach of ct-ngh is not the owner of an HSS client */
    assert_non_null(strstr(f->res[2].note, "unassigned: you work in another program"));
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 2);
}

/* The first owner as intake makes it: the coach of the program takes each
 * row while there is room, a coach of another program or one whose caseload
 * is full none, nor does a nurse. */
static void test_first_owner(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    five_rows(f);
    assert_int_equal(intake_import(&f->ctx, f->rows, 2, f->res, f->errs, 0, "x", &err),
                     CC_OK);
    assert_true(f->res[0].taken && f->res[1].taken);
    /* one of them in monitoring (an active case) fills a caseload of one */
    char sql[240];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
        "VALUES (%lld, %lld, '2026-11-22', '2027-02-20');"
        "UPDATE program SET capacity = 1 WHERE code = 'ct-ngh'",
        (long long)f->rows[0].client.id, (long long)f->ct_ngh);
    tu_exec(f->s, sql);
    assert_int_equal(
        intake_import(&f->ctx, f->rows + 2, 1, f->res, f->errs, 0, "x", &err), CC_OK);
    assert_false(f->res[0].taken);
    assert_non_null(strstr(f->res[0].note, "your caseload is full"));
    act_as(f, f->nurse, "nurse");
    assert_int_equal(
        intake_import(&f->ctx, f->rows + 3, 2, f->res, f->errs, 0, "x", &err), CC_OK);
    assert_false(f->res[0].taken);
    assert_non_null(strstr(f->res[0].note, "unassigned until a program manager"));
    assert_int_equal(count(f, "SELECT count(*) FROM client WHERE owner_id IS NULL OR "
                              "owner_id = 0"),
                     3);
}

/* Someone who may not take clients in imports nothing, in either mode. */
static void test_refused_person(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    act_as(f, f->sup, "supervisor");
    five_rows(f);
    for (int partial = 0; partial < 2; partial++) {
        cc_err_clear(&err);
        assert_int_equal(
            intake_import(&f->ctx, f->rows, 5, f->res, f->errs, partial, "x", &err),
            CC_EREFUSED);
        assert_non_null(strstr(err.msg, "client.write"));
    }
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 0);
}

/* A row the rules refuse is reported; a field the core validates is too. */
static void test_bad_values_per_row(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    five_rows(f);
    snprintf(f->rows[0].client.dob, sizeof f->rows[0].client.dob, "14/03/1948");
    snprintf(f->rows[1].referral.source_type, sizeof f->rows[1].referral.source_type,
             "fax");
    assert_int_equal(intake_import(&f->ctx, f->rows, 5, f->res, f->errs, 1, "x", &err),
                     CC_OK);
    assert_non_null(strstr(f->errs[0].msg, "date of birth must be YYYY-MM-DD"));
    assert_non_null(strstr(f->errs[1].msg, "source must be"));
    assert_int_equal(count(f, "SELECT count(*) FROM client"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_or_nothing_imports_all, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing_bad_row_3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_keeps_good_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_within_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_person, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_values_per_row, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
