/*
 * test_case.c — the case core against the rules of the issue: client intake
 * (required fields, service-area ZIP, possible duplicates, stale saves,
 * identifiers unique per facility), the referral workflow and its history,
 * consent states derived from dates and what they allow, the risk
 * assessment (score boundaries, drivers, history, risk-rise alerts), HSS
 * episodes and monitoring (day N of M, extensions, closing, the SNF path),
 * care-transition protocol tasks, task overdue and completion conflicts,
 * append-only contacts, auditing of writes, and programs as data. The clock
 * is fixed with CARECOORD_NOW and moved within a test where time matters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casefix.h"
#include "core/assessment.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/ctx.h"
#include "core/daily.h"
#include "core/episode.h"
#include "core/program.h"
#include "core/referral.h"
#include "core/staff.h"
#include "core/task.h"
#include "core/worklist.h"
#include "testutil.h"
#include "util/clock.h"

#define NOW   "2026-11-22T12:00:00Z"
#define TODAY "2026-11-22"

/* Answers to the seeded 'hra' v1 questionnaire giving a known score.
 * Weights by position: 3 3 2 2 1 | 2 2 1 2 1 | 2 2 1 2 1. */
static const int A_NONE[15] = {0};
static const int A_SCORE4[15] = {1, 0, 0, 0, 1}; /* 3 + 1 */
static const int A_SCORE5[15] = {1, 0, 1};       /* 3 + 2 */
static const int A_SCORE9[15] = {1, 1, 1, 0, 1}; /* 3 + 3 + 2 + 1 */
static const int A_SCORE10[15] = {1, 1, 1, 1};   /* 3 + 3 + 2 + 2 */

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx;
    int64_t coach, coach2, nurse, admin;
    int64_t hss, ct_ngh;
    questionnaire hra;
} fixture;

static void set_now(const char *iso)
{
    setenv("CARECOORD_NOW", iso, 1);
}

static int setup(void **state)
{
    cc_err err = {0};
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    set_now(NOW);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "case.db");
    f->s = tu_create(f->db);
    f->admin = cf_person(f->s, "admin1", "admin", "Admin One");
    f->coach = cf_person(f->s, "coach1", "coach", "Coach One");
    f->coach2 = cf_person(f->s, "coach2", "coach", "Coach Two");
    f->nurse = cf_person(f->s, "nurse1", "nurse", "Nurse One");
    cf_person(f->s, "sup1", "supervisor", "Sup One");
    f->ctx.st = f->s;
    f->ctx.staff_id = f->coach;
    snprintf(f->ctx.role, sizeof f->ctx.role, "coach");
    /* coach1 and coach2 share a team, so each may work the other's clients */
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (2, 'Coaches', "
             "(SELECT id FROM program WHERE code = 'ct-lmc'));"
             "INSERT INTO team_member VALUES (2, %lld), (2, %lld);",
             (long long)f->coach, (long long)f->coach2);
    tu_exec(f->s, sql);
    f->hss = cf_program(&f->ctx, "hss");
    f->ct_ngh = cf_program(&f->ctx, "ct-ngh");
    assert_int_equal(questionnaire_load(&f->ctx, "hra", &f->hra, &err), CC_OK);
    assert_int_equal(f->hra.n, 15);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    set_now(NOW);
    return 0;
}

static int64_t new_client(fixture *f, const char *family, const char *given,
                          const char *dob)
{
    cc_err err = {0};
    client c = cf_client(family, given, dob);
    if (client_create(&f->ctx, &c, 0, NULL, &err) != CC_OK)
        print_error("client_create: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    assert_true(c.id > 0);
    /* the acting coach owns the case, so it is in their scope */
    cc_ctx sys = ctx_system(f->s);
    assert_int_equal(client_assign(&sys, c.id, f->ctx.staff_id, f->hss, &err), CC_OK);
    return c.id;
}

static int64_t grant_participation(fixture *f, int64_t client_id,
                                   const char *signed_date, const char *expires)
{
    cc_err err = {0};
    consent c = cf_participation(client_id, signed_date, expires);
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    return c.id;
}

/* A consented client: created and with active participation consent. */
/* Whether the client's participation consent is active, the read itself
 * asserted to succeed. */
static int consent_participation_active(cc_ctx *ctx, int64_t client_id)
{
    cc_err err = {0};
    int active = -1;
    assert_int_equal(consent_participation_check(ctx, client_id, &active, &err), CC_OK);
    return active;
}

static int64_t consented_client(fixture *f, const char *family, const char *given,
                                const char *dob)
{
    int64_t id = new_client(f, family, given, dob);
    grant_participation(f, id, "2026-11-01", NULL);
    return id;
}

static long long audit_count(fixture *f, const char *action)
{
    return cf_int(f->s, "SELECT count(*) FROM audit WHERE action = '%s'", action);
}

static assessment_outcome assess(fixture *f, int64_t client_id, int64_t program_id,
                                 const int *answers)
{
    assessment_outcome out;
    cc_err err = {0};
    if (assessment_record(&f->ctx, client_id, program_id, &f->hra, answers, &out,
                          &err) != CC_OK)
        print_error("assessment_record: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    return out;
}

static void assert_one_line(const cc_err *err)
{
    assert_true(err->msg[0] != '\0');
    assert_null(strchr(err->msg, '\n'));
}

/* ---- clients ----------------------------------------------------------- */

static void expect_invalid(client *c, const char *field_word)
{
    cc_err err = {0};
    assert_int_equal(client_validate(c, &err), CC_EINPUT);
    assert_one_line(&err);
    if (!strstr(err.msg, field_word))
        print_error("message '%s' does not name '%s'\n", err.msg, field_word);
    assert_non_null(strstr(err.msg, field_word));
}

static void test_client_required_fields_one_line_errors(void **state)
{
    (void)state;
    cc_err err = {0};
    client ok = cf_client("Alvarez", "Rosa", "1950-03-04"), c;
    assert_int_equal(client_validate(&ok, &err), CC_OK);

    c = ok, c.family_name[0] = '\0';
    expect_invalid(&c, "name");
    c = ok, snprintf(c.given_name, sizeof c.given_name, "Ro\033[2Jsa");
    expect_invalid(&c, "name");
    c = ok, c.dob[0] = '\0';
    expect_invalid(&c, "date of birth");
    c = ok, snprintf(c.dob, sizeof c.dob, "1950-02-30");
    expect_invalid(&c, "date of birth");
    c = ok, snprintf(c.zip, sizeof c.zip, "2081");
    expect_invalid(&c, "ZIP");
    c = ok, snprintf(c.zip, sizeof c.zip, "2081a");
    expect_invalid(&c, "ZIP");
    c = ok, snprintf(c.payer, sizeof c.payer, "cash");
    expect_invalid(&c, "payer");
    c = ok, c.payer[0] = '\0';
    expect_invalid(&c, "payer");
    c = ok, snprintf(c.setting, sizeof c.setting, "hospital");
    expect_invalid(&c, "setting");
    c = ok, c.tier = 3;
    expect_invalid(&c, "tier");
    c = ok, c.language[0] = '\0';
    expect_invalid(&c, "language");
}

/* interpreter is a yes/no flag: anything else is a usage error naming it,
 * not a constraint failure from the database. */
static void test_client_interpreter_flag_validated(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client c = cf_client("Alvarez", "Rosa", "1950-03-04");
    c.interpreter = 1;
    assert_int_equal(client_validate(&c, &err), CC_OK);
    c.interpreter = 2;
    expect_invalid(&c, "interpreter");
    assert_int_equal(client_create(&f->ctx, &c, 0, NULL, &err), CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client"), 0);
}

static void test_client_create_refuses_invalid_without_writing(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client c = cf_client("Alvarez", "Rosa", "1950-03-04");
    snprintf(c.zip, sizeof c.zip, "123");
    assert_int_equal(client_create(&f->ctx, &c, CLIENT_ALLOW_OUTSIDE_ZIP, NULL, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client"), 0);
    assert_int_equal(audit_count(f, "client.create"), 0);
}

static void test_client_zip_outside_refused_unless_confirmed(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client_intake in;
    client c = cf_client("Okafor", "Ben", "1948-07-01");

    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.zip_outside, 0);

    snprintf(c.zip, sizeof c.zip, "99999");
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.zip_outside, 1);
    assert_int_equal(client_create(&f->ctx, &c, 0, &in, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "outside the service area"));
    assert_one_line(&err);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client"), 0);

    assert_int_equal(client_create(&f->ctx, &c, CLIENT_ALLOW_OUTSIDE_ZIP, &in, &err),
                     CC_OK);
    assert_true(c.id > 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client WHERE zip = '99999'"),
                     1);
}

static void test_client_duplicate_same_dob_similar_name_listed(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client_intake in;
    int64_t first = new_client(f, "Smith", "John", "1950-03-04");
    int64_t second = new_client(f, "Nguyen", "Anh", "1950-03-04");

    client c = cf_client("Smyth", "Jon", "1950-03-04"); /* one edit, same initial */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 1);
    assert_int_equal(in.dup_ids[0], first);

    c = cf_client("John", "Smith", "1950-03-04"); /* names swapped */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 1);
    assert_int_equal(in.dup_ids[0], first);

    c = cf_client("NGUYÊN", "anh", "1950-03-04"); /* accent and case folded */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 1);
    assert_int_equal(in.dup_ids[0], second);
}

static void test_client_duplicate_needs_same_dob_and_initial(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client_intake in;
    new_client(f, "Smith", "John", "1950-03-04");

    client c = cf_client("Smith", "John", "1950-03-05"); /* other DOB */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 0);

    c = cf_client("Smith", "Mary", "1950-03-04"); /* other given initial */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 0);

    c = cf_client("Smithers", "John", "1950-03-04"); /* three edits away */
    assert_int_equal(client_check_intake(&f->ctx, &c, &in, &err), CC_OK);
    assert_int_equal(in.ndups, 0);
}

static void test_client_duplicate_refused_unless_confirmed(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client_intake in;
    int64_t first = new_client(f, "Smith", "John", "1950-03-04");
    client c = cf_client("Smith", "Johnny", "1950-03-04");
    char want[64];

    assert_int_equal(client_create(&f->ctx, &c, 0, &in, &err), CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "possible duplicate"));
    snprintf(want, sizeof want, "client %lld", (long long)first);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(in.ndups, 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client"), 1);

    assert_int_equal(client_create(&f->ctx, &c, CLIENT_ACCEPT_DUPLICATE, &in, &err),
                     CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client"), 2);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'client.create' AND details = 'duplicate confirmed'"),
                     1);
}

static void test_client_stale_save_conflicts_never_overwrites(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client mine, yours, theirs;
    int64_t id = new_client(f, "Brown", "Ada", "1944-01-02");
    assert_int_equal(client_get(&f->ctx, id, &mine, &err), CC_OK);
    assert_int_equal(client_get(&f->ctx, id, &yours, &err), CC_OK);
    assert_int_equal(mine.version, 2); /* created, then assigned */

    snprintf(yours.language, sizeof yours.language, "es");
    assert_int_equal(client_update(&f->ctx, &yours, &theirs, &err), CC_OK);
    assert_int_equal(yours.version, 3);

    memset(&theirs, 0, sizeof theirs);
    snprintf(mine.zip, sizeof mine.zip, "20812");
    assert_int_equal(client_update(&f->ctx, &mine, &theirs, &err), CC_ECONFLICT);
    assert_one_line(&err);
    assert_int_equal(mine.version, 2); /* ours untouched */
    assert_string_equal(mine.zip, "20812");
    assert_int_equal(theirs.id, id); /* theirs filled with the newer row */
    assert_int_equal(theirs.version, 3);
    assert_string_equal(theirs.language, "es");
    assert_string_equal(theirs.zip, "20810");

    client now;
    assert_int_equal(client_get(&f->ctx, id, &now, &err), CC_OK);
    assert_int_equal(now.version, 3);
    assert_string_equal(now.zip, "20810");
    assert_string_equal(now.language, "es");
    assert_int_equal(audit_count(f, "client.update"), 1);
}

static void test_client_identifier_unique_per_facility(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Lee", "Kim", "1940-05-06");
    int64_t b = new_client(f, "Park", "Jae", "1941-05-06");

    assert_int_equal(client_add_identifier(&f->ctx, a, "NGH", "MRN-100", &err), CC_OK);
    assert_int_equal(client_add_identifier(&f->ctx, b, "NGH", "MRN-100", &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_int_equal(client_by_identifier(&f->ctx, "NGH", "MRN-100"), a);

    /* the same number at another facility is another record */
    assert_int_equal(client_add_identifier(&f->ctx, b, "LMC", "MRN-100", &err), CC_OK);
    assert_int_equal(client_by_identifier(&f->ctx, "LMC", "MRN-100"), b);
    assert_int_equal(client_by_identifier(&f->ctx, "CVH", "MRN-100"), 0);

    assert_int_equal(client_add_identifier(&f->ctx, b, "NOPE", "X1", &err), CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM client_identifier"), 2);
}

/* A progress handler that interrupts only the participation read: any
 * statement of the connection that is running and reads participation
 * consents is stopped, everything else runs. */
static int stop_participation_read(void *arg)
{
    sqlite3 *db = arg;
    for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st;
         st = sqlite3_next_stmt(db, st))
        if (sqlite3_stmt_busy(st) && strstr(sqlite3_sql(st), "kind = 'participation'"))
            return 1;
    return 0;
}

static void participation_read_fails(fixture *f, int on)
{
    sqlite3 *db = store_db(f->s);
    sqlite3_progress_handler(db, on ? 1 : 0, on ? stop_participation_read : NULL, db);
}

/* A participation read that fails is an error, not "no consent": the
 * check says so, and neither a referral's move to consented nor an
 * assessment is refused as if the client had not consented. */
static void test_participation_read_failure_is_an_error(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assessment_outcome out;
    int active = -1;
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    grant_participation(f, cl, "2026-11-01", NULL);
    assert_int_equal(consent_participation_check(&f->ctx, cl, &active, &err), CC_OK);
    assert_int_equal(active, 1);

    participation_read_fails(f, 1);
    assert_int_not_equal(consent_participation_check(&f->ctx, cl, &active, &err),
                         CC_OK);
    assert_int_not_equal(err.code, CC_OK);
    assert_int_equal(active, 0);
    assert_one_line(&err);

    referral r;
    memset(&r, 0, sizeof r);
    r.client_id = cl;
    r.program_id = f->hss;
    snprintf(r.source_type, sizeof r.source_type, "resident-counselor");
    snprintf(r.received_date, sizeof r.received_date, TODAY);
    participation_read_fails(f, 0);
    assert_int_equal(referral_create(&f->ctx, &r, &err), CC_OK);
    assert_int_equal(referral_transition(&f->ctx, r.id, "contacted", NULL, &err),
                     CC_OK);
    participation_read_fails(f, 1);
    memset(&err, 0, sizeof err);
    int rc = referral_transition(&f->ctx, r.id, "consented", NULL, &err);
    assert_int_not_equal(rc, CC_OK);
    assert_int_not_equal(rc, CC_EINPUT); /* not "record ... consent first" */
    assert_null(strstr(err.msg, "consent first"));
    memset(&err, 0, sizeof err);
    rc = assessment_record(&f->ctx, cl, f->hss, &f->hra, A_SCORE4, &out, &err);
    assert_int_not_equal(rc, CC_OK);
    assert_int_not_equal(rc, CC_EINPUT);
    assert_null(strstr(err.msg, "without active participation consent"));

    participation_read_fails(f, 0); /* the same calls pass once it reads */
    assert_int_equal(referral_transition(&f->ctx, r.id, "consented", NULL, &err),
                     CC_OK);
    assert_int_equal(
        assessment_record(&f->ctx, cl, f->hss, &f->hra, A_SCORE4, &out, &err), CC_OK);
}

/* ---- referrals --------------------------------------------------------- */

static int64_t new_referral(fixture *f, int64_t client_id, int64_t program_id)
{
    cc_err err = {0};
    referral r;
    memset(&r, 0, sizeof r);
    r.client_id = client_id;
    r.program_id = program_id;
    snprintf(r.source_type, sizeof r.source_type, "resident-counselor");
    snprintf(r.received_date, sizeof r.received_date, TODAY);
    assert_int_equal(referral_create(&f->ctx, &r, &err), CC_OK);
    assert_string_equal(r.status, "received");
    return r.id;
}

static void test_referral_every_transition_recorded(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = new_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss);

    set_now("2026-11-22T13:00:00Z");
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    f->ctx.staff_id = f->coach2;
    set_now("2026-11-22T14:00:00Z");
    grant_participation(f, c, TODAY, NULL); /* moves the referral to consented */
    set_now("2026-11-22T15:00:00Z");
    assert_int_equal(referral_transition(&f->ctx, r, "assessed", NULL, &err), CC_OK);
    assert_int_equal(referral_transition(&f->ctx, r, "enrolled", NULL, &err), CC_OK);

    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "enrolled");
    assert_string_equal(got.status_at, "2026-11-22T15:00:00Z");

    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM referral_event WHERE "
                            "referral_id = %lld",
                            (long long)r),
                     5);
    char buf[256];
    cf_text(f->s,
            "SELECT group_concat(status || '@' || at || '#' || staff_id, ' ') FROM "
            "(SELECT * FROM referral_event ORDER BY id)",
            buf, sizeof buf);
    char want[256];
    snprintf(want, sizeof want,
             "received@2026-11-22T12:00:00Z#%lld contacted@2026-11-22T13:00:00Z#%lld "
             "consented@2026-11-22T14:00:00Z#%lld assessed@2026-11-22T15:00:00Z#%lld "
             "enrolled@2026-11-22T15:00:00Z#%lld",
             (long long)f->coach, (long long)f->coach, (long long)f->coach2,
             (long long)f->coach2, (long long)f->coach2);
    assert_string_equal(buf, want);
    assert_int_equal(audit_count(f, "referral.status"), 4);
}

static void test_referral_out_of_terminal_state_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = new_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    assert_int_equal(
        referral_transition(&f->ctx, r, "declined", "not interested", &err), CC_OK);
    assert_true(referral_terminal("declined"));

    long long events = tu_int(f->s, "SELECT count(*) FROM referral_event");
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "declined"));
    assert_non_null(strstr(err.msg, "nothing may follow"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM referral_event"), events);

    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "declined");
    assert_string_equal(got.reason, "not interested");
    assert_int_equal(referral_open_for(&f->ctx, c, f->hss), 0);

    for (const char *const *t =
             (const char *const[]){"declined", "unreachable", "ineligible", "enrolled",
                                   "monitoring", "closed", NULL};
         *t; t++) {
        assert_true(referral_terminal(*t));
        assert_false(referral_can(*t, "contacted"));
        assert_false(referral_can(*t, "closed"));
    }
}

static void test_referral_declined_and_ineligible_need_reason(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = new_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "ineligible", NULL, &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "reason"));
    assert_int_equal(referral_transition(&f->ctx, r, "ineligible", "", &err),
                     CC_EINPUT);
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    assert_int_equal(referral_transition(&f->ctx, r, "declined", NULL, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "reason"));
    assert_int_equal(referral_transition(&f->ctx, r, "declined", "", &err), CC_EINPUT);

    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "contacted");

    assert_int_equal(referral_transition(&f->ctx, r, "ineligible", "under 65", &err),
                     CC_OK);
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "ineligible");
    assert_string_equal(got.reason, "under 65");
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM referral_event WHERE status = "
                                  "'ineligible' AND reason = 'under 65'"),
                     1);
}

static void test_referral_consented_needs_participation_consent(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = new_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    assert_int_equal(referral_transition(&f->ctx, r, "consented", NULL, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "participation consent"));

    /* an expired grant is not consent */
    grant_participation(f, c, "2025-01-01", "2026-11-21");
    assert_int_equal(referral_transition(&f->ctx, r, "consented", NULL, &err),
                     CC_EINPUT);

    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "contacted"); /* the late grant moved nothing */

    /* an active grant moves the referral in the same transaction */
    consent g = cf_participation(c, TODAY, NULL);
    assert_int_equal(consent_record(&f->ctx, &g, &err), CC_OK);
    assert_int_equal(g.referral.id, r);
    assert_string_equal(g.referral.status, "consented");
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "consented");
}

static void test_participation_decline_declines_the_referral(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = new_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss); /* received: contacted on the way */
    consent d = cf_participation(c, TODAY, NULL);
    snprintf(d.decision, sizeof d.decision, "declined");
    snprintf(d.decline_reason, sizeof d.decline_reason, "family will help");
    assert_int_equal(consent_record(&f->ctx, &d, &err), CC_OK);
    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "declined");
    assert_string_equal(got.reason, "family will help");
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM referral_event WHERE "
                            "referral_id = %lld AND status IN ('contacted', "
                            "'declined')",
                            (long long)r),
                     2);
}

static void test_referral_skipping_steps_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c = consented_client(f, "Diaz", "Luis", "1949-09-09");
    int64_t r = new_referral(f, c, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "assessed", NULL, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "contacted"));
    assert_int_equal(referral_transition(&f->ctx, r, "consented", NULL, &err),
                     CC_EINPUT);
    assert_int_equal(referral_transition(&f->ctx, r, "bogus", NULL, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "unknown"));
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    assert_int_equal(referral_transition(&f->ctx, r, "enrolled", NULL, &err),
                     CC_EINPUT);

    assert_true(referral_can("received", "unreachable"));
    assert_true(referral_can("contacted", "unreachable"));
    assert_true(referral_can("assessed", "monitoring"));
    assert_true(referral_can("assessed", "closed"));
    assert_false(referral_can("consented", "enrolled"));
    assert_false(referral_can("received", "received"));
    assert_false(referral_can("contacted", "contact")); /* a prefix is not a status */
    assert_false(referral_terminal("assessed"));
}

/* ---- consent ----------------------------------------------------------- */

static void test_consent_expiring_today_valid_yesterday_expired(void **state)
{
    (void)state;
    consent c = cf_participation(1, "2026-01-01", TODAY);
    assert_int_equal(consent_state(&c, TODAY), CONSENT_EXPIRING);
    assert_string_equal(consent_state_name(consent_state(&c, TODAY)), "expiring");

    snprintf(c.expires_date, sizeof c.expires_date, "2026-11-21");
    assert_int_equal(consent_state(&c, TODAY), CONSENT_EXPIRED);
    assert_string_equal(consent_state_name(consent_state(&c, TODAY)), "expired");
}

static void test_consent_expiring_within_30_days(void **state)
{
    (void)state;
    consent c = cf_participation(1, "2026-01-01", "2026-12-22"); /* today + 30 */
    assert_int_equal(consent_state(&c, TODAY), CONSENT_EXPIRING);
    snprintf(c.expires_date, sizeof c.expires_date, "2026-12-23"); /* today + 31 */
    assert_int_equal(consent_state(&c, TODAY), CONSENT_ACTIVE);
    assert_string_equal(consent_state_name(CONSENT_ACTIVE), "active");
    c.expires_date[0] = '\0';
    assert_int_equal(consent_state(&c, TODAY), CONSENT_ACTIVE);
}

static void test_consent_revoked_from_revocation_date(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t id = grant_participation(f, cl, "2026-11-01", NULL);

    assert_int_equal(consent_revoke(&f->ctx, id, "2026-10-31", "changed mind", &err),
                     CC_EINPUT); /* before signing */
    assert_int_equal(consent_revoke(&f->ctx, id, "2026-11-23", "", &err), CC_EINPUT);
    assert_int_equal(consent_revoke(&f->ctx, id, "2026-11-23", "changed mind", &err),
                     CC_OK);

    consent c;
    assert_int_equal(consent_get(&f->ctx, id, &c, &err), CC_OK);
    assert_string_equal(c.revoked_date, "2026-11-23");
    assert_int_equal(consent_state(&c, TODAY), CONSENT_ACTIVE); /* the day before */
    assert_true(consent_participation_active(&f->ctx, cl));
    assert_int_equal(consent_state(&c, "2026-11-23"), CONSENT_REVOKED);
    assert_string_equal(consent_state_name(CONSENT_REVOKED), "revoked");

    set_now("2026-11-23T00:00:00Z");
    assert_false(consent_participation_active(&f->ctx, cl));
    assert_int_equal(consent_revoke(&f->ctx, id, "2026-11-24", "again", &err),
                     CC_EINPUT); /* once only */
    assert_int_equal(audit_count(f, "consent.revoke"), 1);
}

static void test_consent_record_validation(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t pcp = cf_org(f->s, "PCP-FV");

    consent c = cf_release(cl, pcp, 0, NULL);
    c.nrecipients = 0; /* a release names someone */
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);
    assert_one_line(&err);

    c = cf_participation(cl, TODAY, NULL);
    snprintf(c.decision, sizeof c.decision, "declined"); /* without reason */
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "reason"));

    c = cf_participation(cl, TODAY, "2026-11-21"); /* expires before signing */
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);

    c = cf_participation(cl, TODAY, NULL);
    c.nrecipients = 1, c.recipients[0] = pcp; /* participation names nobody */
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);

    c = cf_release(cl, pcp, 0, NULL);
    snprintf(c.decision, sizeof c.decision, "declined");
    snprintf(c.decline_reason, sizeof c.decline_reason, "no");
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);

    c = cf_release(cl, 999999, 0, NULL); /* unknown organization */
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_EINPUT);

    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM consent"), 0);

    c = cf_release(cl, pcp, 0, "2027-11-01");
    c.recipients[c.nrecipients++] = cf_org(f->s, "HIE");
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    consent got;
    assert_int_equal(consent_get(&f->ctx, c.id, &got, &err), CC_OK);
    assert_int_equal(got.nrecipients, 2);
    assert_int_equal(got.recorded_by, f->coach);
    assert_string_equal(got.expires_date, "2027-11-01");
}

static void test_consent_decline_with_reason_recorded(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    consent c = cf_participation(cl, TODAY, NULL);
    snprintf(c.decision, sizeof c.decision, "declined");
    snprintf(c.decline_reason, sizeof c.decline_reason, "has a daughter who helps");
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    consent got;
    assert_int_equal(consent_get(&f->ctx, c.id, &got, &err), CC_OK);
    assert_int_equal(consent_state(&got, TODAY), CONSENT_DECLINED);
    assert_string_equal(consent_state_name(CONSENT_DECLINED), "declined");
    assert_string_equal(got.decline_reason, "has a daughter who helps");
    assert_false(consent_participation_active(&f->ctx, cl));
}

static void test_participation_expiring_today_allows_assessment(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assessment_outcome out;
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    grant_participation(f, cl, "2026-01-01", TODAY);
    assert_true(consent_participation_active(&f->ctx, cl));
    assert_int_equal(
        assessment_record(&f->ctx, cl, f->hss, &f->hra, A_SCORE4, &out, &err), CC_OK);

    set_now("2026-11-23T09:00:00Z"); /* the expiry date is now yesterday */
    assert_false(consent_participation_active(&f->ctx, cl));
    assert_int_equal(
        assessment_record(&f->ctx, cl, f->hss, &f->hra, A_SCORE4, &out, &err),
        CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM assessment"), 1);
}

static void test_no_assessment_without_participation_consent(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assessment_outcome out;
    int64_t none = new_client(f, "None", "Ann", "1940-01-01");
    int64_t declined = new_client(f, "Declined", "Bob", "1940-01-02");
    int64_t revoked = new_client(f, "Revoked", "Cy", "1940-01-03");
    int64_t expired = new_client(f, "Expired", "Di", "1940-01-04");

    consent d = cf_participation(declined, TODAY, NULL);
    snprintf(d.decision, sizeof d.decision, "declined");
    snprintf(d.decline_reason, sizeof d.decline_reason, "not now");
    assert_int_equal(consent_record(&f->ctx, &d, &err), CC_OK);
    int64_t rid = grant_participation(f, revoked, "2026-11-01", NULL);
    assert_int_equal(consent_revoke(&f->ctx, rid, TODAY, "withdrew", &err), CC_OK);
    grant_participation(f, expired, "2026-01-01", "2026-11-21");

    int64_t ids[] = {none, declined, revoked, expired};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(
            assessment_record(&f->ctx, ids[i], f->hss, &f->hra, A_SCORE10, &out, &err),
            CC_EINPUT);
        assert_non_null(strstr(err.msg, "participation consent"));
    }
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM assessment"), 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode"), 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM monitoring"), 0);
}

static void test_no_enrollment_without_participation_consent(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ep = 0;
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    assert_int_equal(episode_start(&f->ctx, cl, f->hss, TODAY, NULL, &ep, &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "participation consent"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode"), 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task"), 0);
}

static void test_consent_covers_missing_and_named(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t pcp = cf_org(f->s, "PCP-FV"), hie = cf_org(f->s, "HIE");

    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 0, &err), CC_EREFUSED);
    assert_one_line(&err);
    consent c = cf_release(cl, pcp, 0, NULL);
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 0, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, hie, 0, &err), CC_EREFUSED);
    /* a release for another client covers nothing here */
    int64_t other = new_client(f, "Other", "Ola", "1938-02-02");
    assert_int_equal(consent_covers(&f->ctx, other, pcp, 0, &err), CC_EREFUSED);
}

static void test_consent_covers_expired(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t pcp = cf_org(f->s, "PCP-FV");
    consent c = cf_release(cl, pcp, 0, TODAY);
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 0, &err), CC_OK); /* last day */
    set_now("2026-11-23T00:00:00Z");
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 0, &err), CC_EREFUSED);
    assert_one_line(&err);
}

static void test_consent_covers_revoked(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t pcp = cf_org(f->s, "PCP-FV");
    consent c = cf_release(cl, pcp, 0, NULL);
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    assert_int_equal(consent_revoke(&f->ctx, c.id, TODAY, "moved practices", &err),
                     CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 0, &err), CC_EREFUSED);
    assert_one_line(&err);
}

static void test_consent_covers_substance_use_needs_naming(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Rossi", "Gia", "1939-02-02");
    int64_t pcp = cf_org(f->s, "PCP-FV"), hie = cf_org(f->s, "HIE");
    consent c = cf_release(cl, pcp, 0, NULL);
    assert_int_equal(consent_record(&f->ctx, &c, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 1, &err), CC_EREFUSED);
    assert_non_null(strstr(err.msg, "substance-use"));

    /* a substance-use consent naming someone else does not cover the PCP */
    consent su_hie = cf_release(cl, hie, 1, NULL);
    assert_int_equal(consent_record(&f->ctx, &su_hie, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 1, &err), CC_EREFUSED);
    assert_int_equal(consent_covers(&f->ctx, cl, hie, 1, &err), CC_OK);

    consent su_pcp = cf_release(cl, pcp, 1, NULL);
    assert_int_equal(consent_record(&f->ctx, &su_pcp, &err), CC_OK);
    assert_int_equal(consent_covers(&f->ctx, cl, pcp, 1, &err), CC_OK);

    /* participation consent cannot carry substance-use cover */
    consent p = cf_participation(cl, TODAY, NULL);
    p.substance_use = 1;
    assert_int_equal(consent_record(&f->ctx, &p, &err), CC_EINPUT);
}

/* ---- risk assessment --------------------------------------------------- */

static void test_hra_score_level_boundaries(void **state)
{
    fixture *f = *state;
    hra_result r;
    assert_int_equal(f->hra.high_min, 10);
    assert_int_equal(f->hra.moderate_min, 5);

    hra_score(&f->hra, A_SCORE4, &r);
    assert_int_equal(r.score, 4);
    assert_string_equal(r.level, "low");
    hra_score(&f->hra, A_SCORE5, &r);
    assert_int_equal(r.score, 5);
    assert_string_equal(r.level, "moderate");
    hra_score(&f->hra, A_SCORE9, &r);
    assert_int_equal(r.score, 9);
    assert_string_equal(r.level, "moderate");
    hra_score(&f->hra, A_SCORE10, &r);
    assert_int_equal(r.score, 10);
    assert_string_equal(r.level, "high");
    hra_score(&f->hra, A_NONE, &r);
    assert_int_equal(r.score, 0);
    assert_string_equal(r.level, "low");
    assert_string_equal(r.drivers, "");

    int all[15];
    for (int i = 0; i < 15; i++)
        all[i] = 1;
    hra_score(&f->hra, all, &r);
    assert_int_equal(r.score, 27);
    assert_string_equal(r.level, "high");
}

static void test_hra_drivers_heaviest_first(void **state)
{
    fixture *f = *state;
    hra_result r;
    /* yes to 15 (weight 1), 11 (2), 3 (2), 8 (1), 2 (3) */
    int a[15] = {0};
    a[14] = a[10] = a[2] = a[7] = a[1] = 1;
    hra_score(&f->hra, a, &r);
    assert_int_equal(r.score, 9);
    assert_string_equal(r.drivers,
                        "worsening chronic condition; falls; little family "
                        "support; missed appointments; isolation or low mood");
}

static void test_assessment_full_history_per_client(void **state)
{
    fixture *f = *state;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t other = consented_client(f, "Other", "Ola", "1938-02-02");
    assessment_outcome o1 = assess(f, cl, f->hss, A_SCORE4);
    set_now("2027-02-20T10:00:00Z");
    assessment_outcome o2 = assess(f, cl, f->hss, A_SCORE5);
    set_now("2027-05-21T10:00:00Z");
    assessment_outcome o3 = assess(f, cl, f->hss, A_SCORE4);
    assess(f, other, f->hss, A_SCORE4);
    assert_true(o1.assessment_id < o2.assessment_id);
    assert_true(o2.assessment_id < o3.assessment_id);

    char buf[256];
    char sql[256];
    snprintf(
        sql, sizeof sql,
        "SELECT group_concat(level || ':' || score || ':' || at, ' ') FROM (SELECT * "
        "FROM assessment WHERE client_id = %lld ORDER BY at)",
        (long long)cl);
    cf_text(f->s, sql, buf, sizeof buf);
    assert_string_equal(buf,
                        "low:4:2026-11-22T12:00:00Z moderate:5:2027-02-20T10:00:00Z "
                        "low:4:2027-05-21T10:00:00Z");
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM assessment_answer aa JOIN "
                            "assessment a ON a.id = aa.assessment_id WHERE "
                            "a.client_id = %lld",
                            (long long)cl),
                     45);
    assert_int_equal(audit_count(f, "assessment.record"), 4);
}

/* The team: coach1 and nurse1; the client is owned by coach1. */
static void make_team(fixture *f, int64_t client_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (1, 'North HSS', %lld);"
             "INSERT INTO team_member VALUES (1, %lld), (1, %lld);",
             (long long)f->hss, (long long)f->coach, (long long)f->nurse);
    tu_exec(f->s, sql);
    snprintf(sql, sizeof sql, "UPDATE client SET owner_id = %lld WHERE id = %lld",
             (long long)f->coach, (long long)client_id);
    tu_exec(f->s, sql);
}

static void test_risk_rise_alerts_team_nurse(void **state)
{
    fixture *f = *state;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    make_team(f, cl);

    assessment_outcome o = assess(f, cl, f->hss, A_SCORE4); /* first: nothing to rise */
    assert_false(o.alert_raised);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert"), 0);

    o = assess(f, cl, f->hss, A_SCORE5); /* low -> moderate */
    assert_true(o.alert_raised);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'risk-rise' "
                            "AND for_role = 'nurse' AND for_staff_id = %lld AND "
                            "client_id = %lld AND acknowledged_at IS NULL",
                            (long long)f->nurse, (long long)cl),
                     1);
    char details[128];
    cf_text(f->s, "SELECT details FROM alert", details, sizeof details);
    assert_string_equal(details, "risk rose from low to moderate");

    o = assess(f, cl, f->hss, A_SCORE9); /* moderate again: no rise */
    assert_false(o.alert_raised);
    o = assess(f, cl, f->hss, A_SCORE4); /* a fall: no alert */
    assert_false(o.alert_raised);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert"), 1);

    o = assess(f, cl, f->hss, A_SCORE10); /* low -> high */
    assert_true(o.alert_raised);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'risk-rise' "
                            "AND for_staff_id = %lld",
                            (long long)f->nurse),
                     2);
    assert_int_equal(audit_count(f, "alert.raise"), 2);
}

static void test_risk_rise_without_team_nurse_goes_to_role(void **state)
{
    fixture *f = *state;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    assess(f, cl, f->hss, A_SCORE4);
    assessment_outcome o = assess(f, cl, f->hss, A_SCORE5);
    assert_true(o.alert_raised);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert WHERE kind = 'risk-rise' "
                                  "AND for_role = 'nurse' AND for_staff_id IS NULL"),
                     1);
}

/* ---- episodes and monitoring ------------------------------------------- */

static void test_hss_high_starts_episode_with_protocol_tasks(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    make_team(f, cl);
    int64_t r = new_referral(f, cl, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    grant_participation(f, cl, TODAY, NULL); /* the referral becomes consented */

    f->ctx.staff_id = f->coach2; /* someone else runs the assessment */
    assessment_outcome o = assess(f, cl, f->hss, A_SCORE10);
    assert_string_equal(o.result.level, "high");
    assert_true(o.episode_id > 0);
    assert_false(o.monitoring);

    episode e;
    assert_int_equal(episode_get(&f->ctx, o.episode_id, &e, &err), CC_OK);
    assert_string_equal(e.start_date, TODAY);
    assert_int_equal(e.target_days, 60);
    assert_int_equal(e.extended_days, 0);
    assert_string_equal(e.closed_date, "");
    assert_int_equal(episode_open_for(&f->ctx, cl, f->hss), o.episode_id);

    /* connect-pcp, med-rec, 8 weekly contacts; owned by the client's owner */
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE episode_id = %lld "
                            "AND origin = 'protocol' AND owner_id = %lld",
                            (long long)o.episode_id, (long long)f->coach),
                     10);
    char due[32];
    cf_text(f->s, "SELECT due_at FROM task WHERE origin_ref = 'connect-pcp'", due,
            sizeof due);
    assert_string_equal(due, "2026-11-29T00:00:00Z");
    cf_text(f->s, "SELECT max(due_at) FROM task WHERE origin_ref = 'weekly-contact'",
            due, sizeof due);
    assert_string_equal(due, "2027-01-17T00:00:00Z");

    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "enrolled");
    monitoring m;
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
}

static void test_hss_moderate_or_low_puts_on_monitoring(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    int64_t mod = consented_client(f, "Mod", "Mia", "1945-04-04");
    int64_t low = consented_client(f, "Low", "Lou", "1946-04-04");

    assessment_outcome o = assess(f, mod, f->hss, A_SCORE9);
    assert_string_equal(o.result.level, "moderate");
    assert_int_equal(o.episode_id, 0);
    assert_true(o.monitoring);
    assert_int_equal(monitoring_get_open(&f->ctx, mod, f->hss, &m, &err), CC_OK);
    assert_string_equal(m.since_date, TODAY);
    assert_string_equal(m.rescreen_date, "2027-02-20"); /* today + 90 */

    o = assess(f, low, f->hss, A_SCORE4);
    assert_string_equal(o.result.level, "low");
    assert_int_equal(o.episode_id, 0);
    assert_true(o.monitoring);
    assert_int_equal(monitoring_get_open(&f->ctx, low, f->hss, &m, &err), CC_OK);
    assert_string_equal(m.rescreen_date, "2027-02-20");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode"), 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task"), 0);
}

static void test_high_rescreen_from_monitoring_starts_new_episode(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    assess(f, cl, f->hss, A_SCORE5);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    int64_t mid = m.id;

    set_now("2027-02-20T10:00:00Z");
    assessment_outcome o = assess(f, cl, f->hss, A_SCORE10);
    assert_true(o.episode_id > 0);
    episode e;
    assert_int_equal(episode_get(&f->ctx, o.episode_id, &e, &err), CC_OK);
    assert_string_equal(e.start_date, "2027-02-20");
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM monitoring WHERE id = %lld AND "
                            "ended_date = '2027-02-20'",
                            (long long)mid),
                     1);
}

/* After a moderate/low re-screen the next one is due an interval later. */
static void test_rescreen_on_monitoring_sets_next_rescreen(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    assess(f, cl, f->hss, A_SCORE5);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    assert_string_equal(m.rescreen_date, "2027-02-20");

    set_now("2027-02-20T10:00:00Z"); /* the re-screen, on its due date */
    assessment_outcome o = assess(f, cl, f->hss, A_SCORE4);
    assert_true(o.monitoring);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    assert_string_equal(m.rescreen_date, "2027-05-21"); /* 2027-02-20 + 90 */
}

/* A coach ends light touch with a reason: the monitoring, the referral and
 * the caseload's active count follow, with one audit entry; bad input
 * changes nothing. */
static int64_t manual_task(fixture *f, int64_t cl, const char *due);

static void test_monitoring_end(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    make_team(f, cl);
    int64_t r = new_referral(f, cl, f->hss);
    assert_int_equal(referral_transition(&f->ctx, r, "contacted", NULL, &err), CC_OK);
    grant_participation(f, cl, TODAY, NULL);
    assess(f, cl, f->hss, A_SCORE4);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    assert_int_equal(cf_int(f->s,
                            "SELECT active FROM client_state WHERE client_id = %lld",
                            (long long)cl),
                     1);
    int64_t tk = manual_task(f, cl, "2026-12-01T10:00:00Z"); /* left open */
    int64_t audits = tu_int(f->s, "SELECT count(*) FROM audit");

    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, TODAY, "bored", &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "reason must be stable"));
    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, "2026-11-01", "stable", &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "before it began"));
    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, "2099-01-01", "stable", &err),
                     CC_EINPUT);
    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, "someday", "stable", &err),
                     CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), audits);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);

    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, TODAY, "moved", &err), CC_OK);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM monitoring WHERE client_id = %lld "
                            "AND ended_date = '%s' AND end_reason = 'moved'",
                            (long long)cl, TODAY),
                     1);
    assert_int_equal(cf_int(f->s,
                            "SELECT active FROM client_state WHERE client_id = %lld",
                            (long long)cl),
                     0);
    referral got;
    assert_int_equal(referral_get(&f->ctx, r, &got, &err), CC_OK);
    assert_string_equal(got.status, "closed");
    /* the client's open task went with the case, audited on the client */
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE id = %lld AND "
                            "cancelled_at IS NOT NULL",
                            (long long)tk),
                     1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = 'task.cancel' "
                            "AND object = 'client:%lld' AND details = '1 open tasks'",
                            (long long)cl),
                     1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'monitoring.end' AND object = 'client:%lld' AND "
                            "details = '%s moved'",
                            (long long)cl, TODAY),
                     1);
    assert_int_equal(monitoring_end(&f->ctx, cl, f->hss, TODAY, "moved", &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "not on light-touch monitoring"));
}

/* A use case whose lookup failed is rolled back, not committed on what the
 * failed read (0) decided. */
static int write_then_fail_a_read(cc_ctx *ctx, void *arg, cc_err *err)
{
    int64_t *got = arg;
    if (ctx_audit(ctx, "test.write", "client", 1, "", err) != CC_OK)
        return err->code;
    *got = ctx_int(ctx, "SELECT abs(?1)", INT64_MIN, 0); /* integer overflow */
    return CC_OK;
}

static int write_and_read(cc_ctx *ctx, void *arg, cc_err *err)
{
    int64_t *got = arg;
    if (ctx_audit(ctx, "test.write", "client", 1, "", err) != CC_OK)
        return err->code;
    *got = ctx_int(ctx, "SELECT abs(?1)", -7, 0);
    return CC_OK;
}

static void test_failed_lookup_rolls_back(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t got = -1;
    long long before = tu_int(f->s, "SELECT count(*) FROM audit");
    assert_int_not_equal(ctx_txn(&f->ctx, write_then_fail_a_read, &got, &err), CC_OK);
    assert_int_equal(got, 0);
    assert_non_null(strstr(err.msg, "reading the database"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), before);
    assert_int_equal(f->ctx.read_failed, 0); /* the next use case starts clean */
    assert_int_equal(ctx_txn(&f->ctx, write_and_read, &got, &err), CC_OK);
    assert_int_equal(got, 7);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), before + 1);
}

static void test_episode_day_n_of_m_boundaries(void **state)
{
    (void)state;
    episode e;
    episode_day d;
    memset(&e, 0, sizeof e);
    snprintf(e.start_date, sizeof e.start_date, "2026-01-01");
    e.target_days = 60;

    episode_day_of(&e, "2026-01-01", &d);
    assert_int_equal(d.day, 1);
    assert_int_equal(d.length, 60);
    assert_false(d.past_target);
    assert_string_equal(d.target_end, "2026-03-01");

    episode_day_of(&e, "2026-03-01", &d); /* day 60 of 60 */
    assert_int_equal(d.day, 60);
    assert_false(d.past_target);
    episode_day_of(&e, "2026-03-02", &d); /* day 61 */
    assert_int_equal(d.day, 61);
    assert_true(d.past_target);

    e.extended_days = 30;
    episode_day_of(&e, "2026-03-02", &d);
    assert_int_equal(d.length, 90);
    assert_false(d.past_target);
    assert_string_equal(d.target_end, "2026-03-31");
    episode_day_of(&e, "2026-04-01", &d);
    assert_int_equal(d.day, 91);
    assert_true(d.past_target);
}

static int64_t start_hss_episode(fixture *f, int64_t cl)
{
    cc_err err = {0};
    int64_t ep = 0;
    if (episode_start(&f->ctx, cl, f->hss, TODAY, NULL, &ep, &err) != CC_OK)
        print_error("episode_start: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    assert_true(ep > 0);
    return ep;
}

static void test_episode_extension_up_to_program_max(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    episode e;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = start_hss_episode(f, cl);

    assert_int_equal(episode_extend(&f->ctx, ep, 1, 31, "still unstable", &err),
                     CC_EINPUT); /* 60 + 31 > 90 */
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "90"));
    assert_int_equal(episode_extend(&f->ctx, ep, 1, 10, "", &err), CC_EINPUT);
    assert_int_equal(episode_extend(&f->ctx, ep, 1, 0, "why not", &err), CC_EINPUT);
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_int_equal(e.extended_days, 0);
    assert_int_equal(e.version, 1);

    assert_int_equal(episode_extend(&f->ctx, ep, 1, 30, "awaiting benefits", &err),
                     CC_OK); /* 60 + 30 = 90 */
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_int_equal(e.extended_days, 30);
    assert_int_equal(e.version, 2);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode_extension WHERE days = "
                                  "30 AND reason = 'awaiting benefits'"),
                     1);
    assert_int_equal(episode_extend(&f->ctx, ep, 2, 1, "one more day", &err),
                     CC_EINPUT);
    assert_int_equal(audit_count(f, "episode.extend"), 1);
}

/* A referral row for the scene (as intake and consent would have left it). */
static int64_t scene_referral(fixture *f, int64_t cl, const char *status)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO referral (client_id, program_id, source_type, received_date, "
             "status, status_at) VALUES (%lld, %lld, 'pcp', '2026-11-01', '%s', '%s')",
             (long long)cl, (long long)f->hss, status, NOW);
    tu_exec(f->s, sql);
    return tu_int(f->s, "SELECT max(id) FROM referral");
}

static const char *referral_status(fixture *f, int64_t id)
{
    static char status[16];
    cc_err err = {0};
    referral r;
    cc_ctx sys = ctx_system(f->s);
    assert_int_equal(referral_get(&sys, id, &r, &err), CC_OK);
    snprintf(status, sizeof status, "%s", r.status);
    return status;
}

static void test_episode_close_goals_met_returns_to_monitoring(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    episode e;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = start_hss_episode(f, cl);
    int64_t ref = scene_referral(f, cl, "enrolled");
    set_now("2027-01-21T12:00:00Z"); /* the close dates below are in the past */

    assert_int_equal(episode_close(&f->ctx, ep, 1, "2027-01-20", "goals-met", &err),
                     CC_OK);
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_string_equal(e.closed_date, "2027-01-20");
    assert_string_equal(e.outcome, "goals-met");
    assert_int_equal(episode_open_for(&f->ctx, cl, f->hss), 0);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    assert_string_equal(m.since_date, "2027-01-20");
    assert_string_equal(m.rescreen_date, "2027-04-20");
    assert_int_equal(audit_count(f, "episode.close"), 1);
    assert_string_equal(referral_status(f, ref), "monitoring"); /* it follows */

    /* closed: nothing more to extend or close */
    assert_int_equal(episode_close(&f->ctx, ep, 2, "2027-01-21", "goals-met", &err),
                     CC_EINPUT);
    assert_int_equal(episode_extend(&f->ctx, ep, 2, 5, "late", &err), CC_EINPUT);

    /* a re-screen on monitoring starts a new episode: the referral is back in */
    int64_t again = 0;
    assert_int_equal(
        episode_start(&f->ctx, cl, f->hss, "2027-01-21", NULL, &again, &err), CC_OK);
    assert_string_equal(referral_status(f, ref), "enrolled");
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
}

static void test_episode_close_leaving_care_no_monitoring(void **state)
{
    fixture *f = *state;
    static const char *const outcomes[] = {"died", "moved", "transferred"};
    static const char *const names[] = {"Dee", "Moe", "Tra"};
    for (int i = 0; i < 3; i++) {
        cc_err err = {0};
        monitoring m;
        char dob[11];
        snprintf(dob, sizeof dob, "1940-0%d-01", i + 1);
        int64_t cl = consented_client(f, names[i], "Sam", dob);
        int64_t ep = start_hss_episode(f, cl);
        int64_t ref = scene_referral(f, cl, "enrolled");
        int64_t tk = manual_task(f, cl, "2026-12-20T10:00:00Z"); /* not the episode's */
        set_now("2026-12-01T12:00:00Z");
        assert_int_equal(episode_close(&f->ctx, ep, 1, "2026-12-01", outcomes[i], &err),
                         CC_OK);
        assert_string_equal(referral_status(f, ref), "closed");
        /* leaving care, the client leaves no open task: the episode's nor others */
        assert_int_equal(cf_int(f->s,
                                "SELECT count(*) FROM task WHERE client_id = %lld "
                                "AND completed_at IS NULL AND cancelled_at IS NULL",
                                (long long)cl),
                         0);
        assert_int_equal(cf_int(f->s,
                                "SELECT count(*) FROM task WHERE id = %lld AND "
                                "cancelled_at IS NOT NULL",
                                (long long)tk),
                         1);
        assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
        assert_int_equal(episode_open_for(&f->ctx, cl, f->hss), 0);
        set_now(NOW);
    }
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM monitoring"), 0);
}

static void test_episode_close_bad_outcome_or_date_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    episode e;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = start_hss_episode(f, cl);
    set_now("2027-01-21T12:00:00Z"); /* the close dates below are in the past */
    assert_int_equal(episode_close(&f->ctx, ep, 1, "2027-01-20", "finished", &err),
                     CC_EINPUT);
    assert_one_line(&err);
    assert_int_equal(episode_close(&f->ctx, ep, 1, "2026-11-21", "goals-met", &err),
                     CC_EINPUT); /* before the start */
    assert_int_equal(episode_close(&f->ctx, ep, 1, "2027-02-30", "goals-met", &err),
                     CC_EINPUT);
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_string_equal(e.closed_date, "");
    assert_int_equal(e.version, 1);
}

static void test_second_open_episode_in_program_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t again = 0;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = start_hss_episode(f, cl);
    long long tasks = tu_int(f->s, "SELECT count(*) FROM task");
    assert_int_equal(
        episode_start(&f->ctx, cl, f->hss, "2026-11-22", NULL, &again, &err),
        CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "open episode"));
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode"), 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task"), tasks);

    /* once closed, a new one may start */
    set_now("2026-12-21T12:00:00Z");
    assert_int_equal(episode_close(&f->ctx, ep, 1, "2026-12-20", "readmitted", &err),
                     CC_OK);
    assert_int_equal(
        episode_start(&f->ctx, cl, f->hss, "2026-12-21", NULL, &again, &err), CC_OK);
    assert_true(again != ep);
}

static void test_episode_stale_version_conflicts(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    episode e;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = start_hss_episode(f, cl);
    set_now("2027-01-21T12:00:00Z"); /* the close dates below are in the past */
    assert_int_equal(episode_extend(&f->ctx, ep, 1, 10, "first reader", &err), CC_OK);

    assert_int_equal(episode_extend(&f->ctx, ep, 1, 10, "second reader", &err),
                     CC_ECONFLICT);
    assert_one_line(&err);
    assert_int_equal(episode_close(&f->ctx, ep, 1, "2027-01-20", "goals-met", &err),
                     CC_ECONFLICT);
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_int_equal(e.extended_days, 10);
    assert_int_equal(e.version, 2);
    assert_string_equal(e.closed_date, "");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode_extension"), 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM monitoring"), 0);
}

static int64_t snf_client(fixture *f)
{
    cc_err err = {0};
    client c = cf_client("Wells", "Ora", "1936-06-06");
    snprintf(c.setting, sizeof c.setting, "snf");
    c.setting_org_id = cf_org(f->s, "SNF-WC");
    assert_int_equal(client_create(&f->ctx, &c, 0, NULL, &err), CC_OK);
    cc_ctx sys = ctx_system(f->s);
    assert_int_equal(client_assign(&sys, c.id, f->coach, f->hss, &err), CC_OK);
    grant_participation(f, c.id, "2026-11-01", NULL);
    return c.id;
}

static void test_snf_high_monitors_then_discharge_starts_episode(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    client c;
    int64_t cl = snf_client(f);

    assessment_outcome o = assess(f, cl, f->hss, A_SCORE10);
    assert_string_equal(o.result.level, "high");
    assert_int_equal(o.episode_id, 0);
    assert_true(o.monitoring);
    assert_int_equal(episode_open_for(&f->ctx, cl, f->hss), 0);
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);

    set_now("2026-12-05T10:00:00Z");
    int64_t ep = -1;
    assert_int_equal(
        episode_snf_discharge(&f->ctx, cl, f->hss, "2026-12-05", &ep, &err), CC_OK);
    assert_true(ep > 0);
    assert_int_equal(client_get(&f->ctx, cl, &c, &err), CC_OK);
    assert_string_equal(c.setting, "home");
    assert_int_equal(c.setting_org_id, 0);
    episode e;
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_string_equal(e.start_date, "2026-12-05");
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_EINPUT);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM task WHERE episode_id = %lld",
                            (long long)ep),
                     10);
}

static void test_snf_moderate_stays_on_monitoring_after_discharge(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    monitoring m;
    client c;
    int64_t cl = snf_client(f);
    assess(f, cl, f->hss, A_SCORE10);
    assess(f, cl, f->hss, A_SCORE5); /* the latest is moderate */

    int64_t ep = -1;
    assert_int_equal(
        episode_snf_discharge(&f->ctx, cl, f->hss, "2026-12-05", &ep, &err), CC_OK);
    assert_int_equal(ep, 0);
    assert_int_equal(client_get(&f->ctx, cl, &c, &err), CC_OK);
    assert_string_equal(c.setting, "home");
    assert_int_equal(monitoring_get_open(&f->ctx, cl, f->hss, &m, &err), CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM episode"), 0);

    /* not in a SNF any more */
    assert_int_equal(
        episode_snf_discharge(&f->ctx, cl, f->hss, "2026-12-06", &ep, &err), CC_EINPUT);
    assert_one_line(&err);
}

/* ---- care transitions -------------------------------------------------- */

static void test_care_transition_home_visit_72h_after_discharge(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ep = 0;
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    assert_int_equal(episode_start(&f->ctx, cl, f->ct_ngh, "2026-11-20",
                                   "2026-11-20T15:30:00Z", &ep, &err),
                     CC_OK);

    char buf[512];
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(due_at, ' ') FROM (SELECT due_at FROM task WHERE "
             "episode_id = %lld AND title = 'Home visit within 72 hours of discharge')",
             (long long)ep);
    cf_text(f->s, sql, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-23T15:30:00Z"); /* exactly discharge + 72 h */

    snprintf(sql, sizeof sql,
             "SELECT group_concat(due_at, ' ') FROM (SELECT due_at FROM task WHERE "
             "episode_id = %lld AND origin_ref = 'weekly-call' ORDER BY due_at)",
             (long long)ep);
    cf_text(f->s, sql, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-27T15:30:00Z 2026-12-04T15:30:00Z "
                             "2026-12-11T15:30:00Z 2026-12-18T15:30:00Z");

    episode e;
    assert_int_equal(episode_get(&f->ctx, ep, &e, &err), CC_OK);
    assert_int_equal(e.target_days, 30);

    /* the home visit is not overdue at 72 h, and is one second later */
    task t;
    int64_t tid = tu_int(f->s, "SELECT id FROM task WHERE origin_ref = 'home-visit'");
    assert_int_equal(task_get(&f->ctx, tid, &t, &err), CC_OK);
    assert_false(task_overdue(&t, "2026-11-23T15:30:00Z"));
    assert_true(task_overdue(&t, "2026-11-23T15:30:01Z"));
}

/* ---- tasks ------------------------------------------------------------- */

static int64_t manual_task(fixture *f, int64_t cl, const char *due)
{
    cc_err err = {0};
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = cl;
    snprintf(t.title, sizeof t.title, "Call the pharmacy");
    snprintf(t.due_at, sizeof t.due_at, "%s", due);
    assert_int_equal(task_add(&f->ctx, &t, &err), CC_OK);
    assert_string_equal(t.origin, "manual");
    assert_int_equal(t.owner_id, f->ctx.staff_id);
    return t.id;
}

static void test_task_overdue_boundary(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    task t;
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t id = manual_task(f, cl, NOW);
    assert_int_equal(task_get(&f->ctx, id, &t, &err), CC_OK);

    assert_false(task_overdue(&t, NOW)); /* due == now */
    assert_false(task_overdue(&t, "2026-11-22T11:59:59Z"));
    assert_true(task_overdue(&t, "2026-11-22T12:00:01Z"));

    /* due one second before now: overdue */
    int64_t id2 = manual_task(f, cl, "2026-11-22T11:59:59Z");
    assert_int_equal(task_get(&f->ctx, id2, &t, &err), CC_OK);
    assert_true(task_overdue(&t, NOW));

    assert_int_equal(task_complete(&f->ctx, id2, t.version, &t, &err), CC_OK);
    assert_int_equal(task_get(&f->ctx, id2, &t, &err), CC_OK);
    assert_false(task_overdue(&t, NOW)); /* done is never overdue */
}

static void test_task_add_validation(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = cl;
    snprintf(t.due_at, sizeof t.due_at, NOW);
    assert_int_equal(task_add(&f->ctx, &t, &err), CC_EINPUT); /* no title */
    snprintf(t.title, sizeof t.title, "Visit");
    snprintf(t.due_at, sizeof t.due_at, "2026-11-22");
    assert_int_equal(task_add(&f->ctx, &t, &err), CC_EINPUT); /* not an instant */
    snprintf(t.due_at, sizeof t.due_at, NOW);
    snprintf(t.origin, sizeof t.origin, "whim");
    assert_int_equal(task_add(&f->ctx, &t, &err), CC_EINPUT);
    assert_one_line(&err);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task"), 0);
}

/* A task due on a date is due at the end of that day in the site's zone. */
static void test_task_due_date_end_of_site_day(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = cl;
    snprintf(t.title, sizeof t.title, "Call the clinic");
    snprintf(t.due_date, sizeof t.due_date, "2026-11-24");
    assert_int_equal(clock_set_zone("America/Chicago"), 0);
    assert_int_equal(task_add(&f->ctx, &t, &err), CC_OK);
    assert_string_equal(t.due_at, "2026-11-25T05:59:59Z");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task WHERE due_at = "
                                  "'2026-11-25T05:59:59Z'"),
                     1);
    assert_int_equal(clock_set_zone("UTC"), 0);
    static const char *const bad[] = {"2026-11-31", "2026-11-2", "24/11/2026",
                                      "2026-11-24x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(t.due_at, 0, sizeof t.due_at);
        snprintf(t.due_date, sizeof t.due_date, "%s", bad[i]);
        assert_int_equal(task_add(&f->ctx, &t, &err), CC_EINPUT);
        assert_one_line(&err);
    }
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM task"), 1);
}

/* ---- the day's own work (daily.c) -------------------------------------- */

static void scene_episode(fixture *f, int64_t cl, const char *start)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO episode (client_id, program_id, start_date, target_days) "
             "VALUES (%lld, %lld, '%s', 60)",
             (long long)cl, (long long)f->hss, start);
    tu_exec(f->s, sql);
}

static void scene_monitoring(fixture *f, int64_t cl, const char *rescreen)
{
    char sql[200];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
        "VALUES (%lld, %lld, '2026-08-01', '%s')",
        (long long)cl, (long long)f->hss, rescreen);
    tu_exec(f->s, sql);
}

/* An episode past its target raises one alert to the team's nurse, past the
 * program's maximum (HSS: 90 days) one more; a re-screen date that has come
 * gives the owner one task; all once, as the system, audited. */
static void test_daily_episode_alerts_and_rescreen_tasks(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (3, 'HSS', %lld);"
             "INSERT INTO team_member VALUES (3, %lld), (3, %lld);",
             (long long)f->hss, (long long)f->coach, (long long)f->nurse);
    tu_exec(f->s, sql);
    int64_t a = new_client(f, "Abel", "Ann", "1940-01-01");
    int64_t b = new_client(f, "Bork", "Bea", "1941-01-01");
    int64_t c = new_client(f, "Cole", "Cy", "1942-01-01");
    int64_t d = new_client(f, "Dunn", "Di", "1943-01-01");
    int64_t e = new_client(f, "Eyre", "Ed", "1944-01-01");
    scene_episode(f, a, "2026-08-01");    /* day 114: past 60 and 90 */
    scene_episode(f, b, "2026-09-23");    /* day 61: past its target only */
    scene_episode(f, c, "2026-09-24");    /* day 60: on its last day, not past */
    scene_monitoring(f, d, "2026-11-22"); /* today: due */
    scene_monitoring(f, e, "2026-11-23"); /* tomorrow: not yet */
    int raised = -1;
    assert_int_equal(daily_run(&f->ctx, &raised, &err), CC_OK);
    assert_int_equal(raised, 4);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM alert WHERE for_staff_id = %lld AND for_role = "
             "'nurse' AND kind LIKE 'episode-%%'",
             (long long)f->nurse);
    assert_int_equal(tu_int(f->s, sql), 3);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM alert WHERE client_id = %lld AND kind = "
             "'episode-maximum' AND details LIKE '%%day 114%%90 days'",
             (long long)a);
    assert_int_equal(tu_int(f->s, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM task WHERE client_id = %lld AND owner_id = %lld AND "
             "due_at = '2026-11-22T23:59:59Z' AND created_by = 0",
             (long long)d, (long long)f->coach);
    assert_int_equal(tu_int(f->s, sql), 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'alert.raise' AND staff_id = 0"),
                     3);
    /* Again the same day, or the next: nothing twice. */
    assert_int_equal(daily_run(&f->ctx, &raised, &err), CC_OK);
    assert_int_equal(raised, 0);
    /* The nurse's header counts them; the monitored client's next due item is
     * the re-screen even without a task. */
    worklist_counts wc;
    assert_int_equal(worklist_counts_for(&f->ctx, f->nurse, &wc, &err), CC_OK);
    assert_int_equal(wc.alerts, 3);
    worklist_row *rows = NULL;
    int n = 0;
    assert_int_equal(worklist_caseload(&f->ctx, f->coach, &rows, &n, &err), CC_OK);
    int seen = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].client_id == e) {
            assert_string_equal(rows[i].next_task, "Re-screen");
            assert_string_equal(rows[i].next_due, "2026-11-23");
            seen = 1;
        }
    free(rows);
    assert_true(seen);
}

/* The first worklist read of a day runs the day's work; later reads skip it. */
static void test_daily_runs_once_a_day_on_first_read(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Abel", "Ann", "1940-01-01");
    scene_episode(f, a, "2026-08-01");
    worklist_counts wc;
    assert_int_equal(worklist_counts_for(&f->ctx, f->coach, &wc, &err), CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert WHERE kind LIKE "
                                  "'episode-%'"),
                     2);
    tu_exec(f->s, "DELETE FROM alert");
    assert_int_equal(worklist_counts_for(&f->ctx, f->coach, &wc, &err), CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert"), 0); /* same day */
    set_now("2026-11-23T12:00:00Z");
    assert_int_equal(worklist_counts_for(&f->ctx, f->coach, &wc, &err), CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert"), 2); /* next day */
}

static void test_task_complete_stale_version_conflict(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    task mine, yours, theirs;
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t id = manual_task(f, cl, "2026-11-25T09:00:00Z");
    assert_int_equal(task_get(&f->ctx, id, &mine, &err), CC_OK);
    assert_int_equal(task_get(&f->ctx, id, &yours, &err), CC_OK);

    f->ctx.staff_id = f->coach2;
    assert_int_equal(task_complete(&f->ctx, id, yours.version, &theirs, &err), CC_OK);

    f->ctx.staff_id = f->coach;
    memset(&theirs, 0, sizeof theirs);
    assert_int_equal(task_complete(&f->ctx, id, mine.version, &theirs, &err),
                     CC_ECONFLICT);
    assert_one_line(&err);
    assert_int_equal(theirs.id, id);
    assert_string_equal(theirs.completed_at, NOW);
    assert_int_equal(theirs.completed_by, f->coach2);
    assert_int_equal(theirs.version, 2);
    assert_int_equal(audit_count(f, "task.complete"), 1);
}

static void test_task_complete_twice_conflicts(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    task t, theirs;
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t id = manual_task(f, cl, "2026-11-25T09:00:00Z");
    assert_int_equal(task_complete(&f->ctx, id, 1, &theirs, &err), CC_OK);
    assert_int_equal(task_get(&f->ctx, id, &t, &err), CC_OK);
    assert_int_equal(t.version, 2);

    /* again, even at the current version */
    set_now("2026-11-22T13:00:00Z");
    memset(&theirs, 0, sizeof theirs);
    assert_int_equal(task_complete(&f->ctx, id, t.version, &theirs, &err),
                     CC_ECONFLICT);
    assert_non_null(strstr(err.msg, "completed"));
    assert_string_equal(theirs.completed_at, NOW); /* the first completion stands */
    assert_int_equal(task_get(&f->ctx, id, &t, &err), CC_OK);
    assert_string_equal(t.completed_at, NOW);
    assert_int_equal(t.version, 2);
}

/* ---- contacts ---------------------------------------------------------- */

static int64_t log_call(fixture *f, int64_t cl, const char *note)
{
    cc_err err = {0};
    contact c;
    memset(&c, 0, sizeof c);
    c.client_id = cl;
    snprintf(c.kind, sizeof c.kind, "call");
    c.duration_min = 15;
    snprintf(c.note, sizeof c.note, "%s", note);
    assert_int_equal(contact_log(&f->ctx, &c, &err), CC_OK);
    assert_string_equal(c.at, NOW);
    assert_int_equal(c.staff_id, f->ctx.staff_id);
    return c.id;
}

static void test_contacts_are_append_only(void **state)
{
    fixture *f = *state;
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t id = log_call(f, cl, "Talked about medicines.");
    char sql[128], *msg = NULL;

    snprintf(sql, sizeof sql, "UPDATE contact SET note = 'edited' WHERE id = %lld",
             (long long)id);
    assert_int_not_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg), msg = NULL;

    snprintf(sql, sizeof sql, "DELETE FROM contact WHERE id = %lld", (long long)id);
    assert_int_not_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);

    char note[64];
    cf_text(f->s, "SELECT note FROM contact", note, sizeof note);
    assert_string_equal(note, "Talked about medicines.");
}

static void test_contact_correction_adds_row_keeps_old(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t old = log_call(f, cl, "Visited on Tuesday.");

    contact fix;
    memset(&fix, 0, sizeof fix);
    fix.client_id = cl;
    snprintf(fix.kind, sizeof fix.kind, "home-visit");
    snprintf(fix.at, sizeof fix.at, "2026-11-18T10:00:00Z");
    snprintf(fix.note, sizeof fix.note, "Home visit, not a call.");
    assert_int_equal(contact_correct(&f->ctx, old, &fix, &err), CC_OK);
    assert_true(fix.id != old);
    assert_int_equal(fix.corrects_id, old);

    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM contact"), 2);
    assert_int_equal(cf_int(f->s, "SELECT corrects_id FROM contact WHERE id = %lld",
                            (long long)fix.id),
                     old);
    char note[64], sql[128];
    snprintf(sql, sizeof sql, "SELECT note || '/' || kind FROM contact WHERE id = %lld",
             (long long)old);
    cf_text(f->s, sql, note, sizeof note);
    assert_string_equal(note, "Visited on Tuesday./call");
    assert_int_equal(audit_count(f, "contact.correct"), 1);
    assert_int_equal(audit_count(f, "contact.log"), 1);
}

static void test_contact_correction_for_other_client_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t b = new_client(f, "Other", "Ola", "1938-02-02");
    int64_t old = log_call(f, a, "Called.");

    contact fix;
    memset(&fix, 0, sizeof fix);
    fix.client_id = b;
    snprintf(fix.kind, sizeof fix.kind, "call");
    assert_int_equal(contact_correct(&f->ctx, old, &fix, &err), CC_EINPUT);
    assert_one_line(&err);
    assert_non_null(strstr(err.msg, "same client"));
    assert_int_equal(contact_correct(&f->ctx, 424242, &fix, &err), CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM contact"), 1);
}

/* ---- audit ------------------------------------------------------------- */

static void test_every_write_is_audited(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = new_client(f, "Hughes", "Ida", "1945-04-04");
    assert_int_equal(audit_count(f, "client.create"), 1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'client.create' AND object = 'client:%lld' AND "
                            "staff_id = %lld",
                            (long long)cl, (long long)f->coach),
                     1);

    int64_t cid = grant_participation(f, cl, TODAY, NULL);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'consent.record' AND object = 'consent:%lld'",
                            (long long)cid),
                     1);

    int64_t ep = start_hss_episode(f, cl);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'episode.start' AND object = 'episode:%lld'",
                            (long long)ep),
                     1);
    assert_int_equal(audit_count(f, "task.add"), 10); /* each protocol task */

    new_referral(f, cl, f->hss);
    assert_int_equal(audit_count(f, "referral.create"), 1);

    client c;
    cc_ctx sup = f->ctx; /* a supervisor sees every record */
    sup.staff_id = cf_staff_id(f->s, "sup1");
    snprintf(sup.role, sizeof sup.role, "supervisor");
    assert_int_equal(client_view(&sup, cl, "summary", &c, &err), CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'client.view' AND details = 'summary'"),
                     1);
    assert_int_equal(client_add_identifier(&f->ctx, cl, "NGH", "MRN-1", &err), CC_OK);
    assert_int_equal(audit_count(f, "client.identifier"), 1);

    /* a refused write leaves no audit entry */
    long long before = tu_int(f->s, "SELECT count(*) FROM audit");
    int64_t dummy;
    assert_int_equal(episode_start(&f->ctx, cl, f->hss, TODAY, NULL, &dummy, &err),
                     CC_EINPUT);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit"), before);
}

/* ---- programs as data -------------------------------------------------- */

static program sample_program(void)
{
    program p;
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "ct-pilot");
    snprintf(p.name, sizeof p.name, "Pilot Transitions");
    snprintf(p.kind, sizeof p.kind, "care-transition");
    snprintf(p.episode_start, sizeof p.episode_start, "discharge");
    p.episode_days = 45;
    p.max_days = 60;
    p.capacity = 20;
    p.rescreen_days = 60;
    snprintf(p.overlap_group, sizeof p.overlap_group, "community-care");
    p.active = 1;
    return p;
}

static void test_program_save_and_read_back(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    f->ctx.staff_id = f->admin;
    snprintf(f->ctx.role, sizeof f->ctx.role, "admin");
    program p = sample_program();
    protocol_task t[2];
    memset(t, 0, sizeof t);
    snprintf(t[0].code, sizeof t[0].code, "home-visit");
    snprintf(t[0].title, sizeof t[0].title, "Home visit within 48 hours");
    snprintf(t[0].anchor, sizeof t[0].anchor, "discharge");
    t[0].offset_hours = 48;
    t[0].repeat_count = 1;
    snprintf(t[1].code, sizeof t[1].code, "call");
    snprintf(t[1].title, sizeof t[1].title, "Fortnightly call");
    snprintf(t[1].anchor, sizeof t[1].anchor, "episode-start");
    t[1].offset_hours = 24;
    t[1].repeat_days = 14;
    t[1].repeat_count = 3;
    assert_int_equal(program_save(&f->ctx, &p, t, 2, &err), CC_OK);
    assert_true(p.id > 0);

    program got;
    assert_int_equal(program_by_code(&f->ctx, "ct-pilot", &got, &err), CC_OK);
    assert_int_equal(got.id, p.id);
    assert_string_equal(got.name, "Pilot Transitions");
    assert_string_equal(got.kind, "care-transition");
    assert_string_equal(got.episode_start, "discharge");
    assert_int_equal(got.episode_days, 45);
    assert_int_equal(got.max_days, 60);
    assert_int_equal(got.capacity, 20);
    assert_int_equal(got.rescreen_days, 60);
    assert_int_equal(got.version, 1);

    protocol_task *pt = NULL;
    int n = 0;
    assert_int_equal(program_tasks(&f->ctx, p.id, &pt, &n, &err), CC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(pt[0].code, "home-visit");
    assert_string_equal(pt[0].anchor, "discharge");
    assert_int_equal(pt[0].offset_hours, 48);
    assert_string_equal(pt[1].title, "Fortnightly call");
    assert_int_equal(pt[1].repeat_days, 14);
    assert_int_equal(pt[1].repeat_count, 3);
    free(pt);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'program.save' AND staff_id = %lld",
                            (long long)f->admin),
                     1);

    /* saving by the same code updates it and replaces its tasks */
    p = sample_program();
    p.max_days = 75;
    assert_int_equal(program_save(&f->ctx, &p, t, 1, &err), CC_OK);
    assert_int_equal(program_by_code(&f->ctx, "ct-pilot", &got, &err), CC_OK);
    assert_int_equal(got.max_days, 75);
    assert_int_equal(got.version, 2);
    assert_int_equal(program_tasks(&f->ctx, got.id, &pt, &n, &err), CC_OK);
    assert_int_equal(n, 1);
    free(pt);

    /* and it drives episodes */
    f->ctx.staff_id = f->coach;
    snprintf(f->ctx.role, sizeof f->ctx.role, "coach");
    int64_t cl = consented_client(f, "Hughes", "Ida", "1945-04-04");
    int64_t ep = 0;
    assert_int_equal(
        episode_start(&f->ctx, cl, got.id, TODAY, "2026-11-21T08:00:00Z", &ep, &err),
        CC_OK);
    char due[32];
    cf_text(f->s, "SELECT due_at FROM task WHERE origin_ref = 'home-visit'", due,
            sizeof due);
    assert_string_equal(due, "2026-11-23T08:00:00Z");
}

static void expect_program_refused(fixture *f, program *p, const protocol_task *t,
                                   int n)
{
    cc_err err = {0};
    assert_int_equal(program_save(&f->ctx, p, t, n, &err), CC_EINPUT);
    assert_one_line(&err);
}

static void test_program_invalid_refused(void **state)
{
    fixture *f = *state;
    long long before = tu_int(f->s, "SELECT count(*) FROM program");
    program p;

    p = sample_program(), p.max_days = 44; /* max < episode days */
    expect_program_refused(f, &p, NULL, 0);
    p = sample_program(), snprintf(p.kind, sizeof p.kind, "hospice");
    expect_program_refused(f, &p, NULL, 0);
    p = sample_program(), snprintf(p.episode_start, sizeof p.episode_start, "whenever");
    expect_program_refused(f, &p, NULL, 0);
    p = sample_program(), p.episode_days = 0;
    expect_program_refused(f, &p, NULL, 0);
    p = sample_program(), snprintf(p.code, sizeof p.code, "CT Pilot");
    expect_program_refused(f, &p, NULL, 0);

    protocol_task t[2];
    memset(t, 0, sizeof t);
    snprintf(t[0].code, sizeof t[0].code, "visit");
    snprintf(t[0].title, sizeof t[0].title, "Visit");
    snprintf(t[0].anchor, sizeof t[0].anchor, "admission"); /* bad anchor */
    t[0].repeat_count = 1;
    p = sample_program();
    expect_program_refused(f, &p, t, 1);
    snprintf(t[0].anchor, sizeof t[0].anchor, "discharge");
    t[1] = t[0]; /* the same code twice */
    p = sample_program();
    expect_program_refused(f, &p, t, 2);

    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM program"), before);
    assert_int_equal(audit_count(f, "program.save"), 0);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    set_now(NOW);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_client_required_fields_one_line_errors),
        T(test_client_interpreter_flag_validated),
        T(test_client_create_refuses_invalid_without_writing),
        T(test_client_zip_outside_refused_unless_confirmed),
        T(test_client_duplicate_same_dob_similar_name_listed),
        T(test_client_duplicate_needs_same_dob_and_initial),
        T(test_client_duplicate_refused_unless_confirmed),
        T(test_client_stale_save_conflicts_never_overwrites),
        T(test_client_identifier_unique_per_facility),
        T(test_referral_every_transition_recorded),
        T(test_referral_out_of_terminal_state_refused),
        T(test_referral_declined_and_ineligible_need_reason),
        T(test_referral_consented_needs_participation_consent),
        T(test_participation_decline_declines_the_referral),
        T(test_referral_skipping_steps_refused),
        T(test_consent_expiring_today_valid_yesterday_expired),
        T(test_consent_expiring_within_30_days),
        T(test_consent_revoked_from_revocation_date),
        T(test_consent_record_validation),
        T(test_consent_decline_with_reason_recorded),
        T(test_participation_expiring_today_allows_assessment),
        T(test_participation_read_failure_is_an_error),
        T(test_no_assessment_without_participation_consent),
        T(test_no_enrollment_without_participation_consent),
        T(test_consent_covers_missing_and_named),
        T(test_consent_covers_expired),
        T(test_consent_covers_revoked),
        T(test_consent_covers_substance_use_needs_naming),
        T(test_hra_score_level_boundaries),
        T(test_hra_drivers_heaviest_first),
        T(test_assessment_full_history_per_client),
        T(test_risk_rise_alerts_team_nurse),
        T(test_risk_rise_without_team_nurse_goes_to_role),
        T(test_hss_high_starts_episode_with_protocol_tasks),
        T(test_hss_moderate_or_low_puts_on_monitoring),
        T(test_high_rescreen_from_monitoring_starts_new_episode),
        T(test_rescreen_on_monitoring_sets_next_rescreen),
        T(test_monitoring_end),
        T(test_failed_lookup_rolls_back),
        T(test_episode_day_n_of_m_boundaries),
        T(test_episode_extension_up_to_program_max),
        T(test_episode_close_goals_met_returns_to_monitoring),
        T(test_episode_close_leaving_care_no_monitoring),
        T(test_episode_close_bad_outcome_or_date_refused),
        T(test_second_open_episode_in_program_refused),
        T(test_episode_stale_version_conflicts),
        T(test_snf_high_monitors_then_discharge_starts_episode),
        T(test_snf_moderate_stays_on_monitoring_after_discharge),
        T(test_care_transition_home_visit_72h_after_discharge),
        T(test_task_overdue_boundary),
        T(test_task_add_validation),
        T(test_task_due_date_end_of_site_day),
        T(test_daily_episode_alerts_and_rescreen_tasks),
        T(test_daily_runs_once_a_day_on_first_read),
        T(test_task_complete_stale_version_conflict),
        T(test_task_complete_twice_conflicts),
        T(test_contacts_are_append_only),
        T(test_contact_correction_adds_row_keeps_old),
        T(test_contact_correction_for_other_client_refused),
        T(test_every_write_is_audited),
        T(test_program_save_and_read_back),
        T(test_program_invalid_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
