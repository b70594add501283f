/*
 * test_program.c — programs and the risk questionnaire as versioned data,
 * and the service area imported from a list: each program save that changes
 * something is a new immutable version and an identical one is none; an
 * episode keeps the target, maximum (extension and the daily alert) and
 * protocol tasks of the version it started under while a new episode takes
 * the new version's; an old assessment stays scored by its questionnaire
 * version after a new one becomes active; questionnaire and ZIP imports are
 * validated, all or nothing, administrators only, and audited.
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
#include "core/assessment.h"
#include "core/ctx.h"
#include "core/daily.h"
#include "core/episode.h"
#include "core/program.h"
#include "core/staff.h"
#include "core/team.h"
#include "testutil.h"

#define NOW       "2026-11-20T12:00:00Z"
#define ROOT_PASS "root-passphrase"
#define ONE_TIME  "one-time-pass-1"

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx admin; /* root, the first administrator */
    cc_ctx ctx;   /* whoever the test acts as */
    int64_t team;
} fixture;

/* Make login (with its role) the actor of f->ctx. */
static cc_ctx *as(fixture *f, const char *login)
{
    f->ctx = cf_as(f->s, login);
    return &f->ctx;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cc_err err = {0};
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "program.db");
    f->s = cf_root_store(f->db, ROOT_PASS, NULL);
    f->admin = *as(f, "root");
    cf_ok(team_create(&f->admin, "North", "hss", 0, &f->team, &err), &err);
    cf_ok(staff_create(&f->admin, "coach1", "coach", "", ONE_TIME, f->team, &err),
          &err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    setenv("CARECOORD_NOW", NOW, 1);
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db);
    free(f);
    return 0;
}

/* A client of hss owned by coach1, with participation consent; its id. */
static int64_t add_client(fixture *f, const char *given, const char *setting)
{
    char sql[768];
    snprintf(sql, sizeof sql,
             "INSERT INTO client (family_name, given_name, name_key, dob, zip, payer, "
             "setting, owner_id, program_id, created_at) VALUES ('Test', '%s', "
             "'test%s', '1950-01-01', '21201', 'medicare', '%s', (SELECT id FROM "
             "staff WHERE login = 'coach1'), (SELECT id FROM program WHERE code = "
             "'hss'), '" NOW "')",
             given, given, setting);
    tu_exec(f->s, sql);
    long long id = tu_int(f->s, "SELECT max(id) FROM client");
    snprintf(sql, sizeof sql,
             "INSERT INTO consent (client_id, kind, decision, signed_date, "
             "recorded_by, created_at) VALUES (%lld, 'participation', 'granted', "
             "'2026-11-01', (SELECT id FROM staff WHERE login = 'coach1'), '" NOW "')",
             id);
    tu_exec(f->s, sql);
    return id;
}

static program pilot(int days, int max)
{
    program p;
    memset(&p, 0, sizeof p);
    snprintf(p.code, sizeof p.code, "pilot");
    snprintf(p.name, sizeof p.name, "Pilot Transitions");
    snprintf(p.kind, sizeof p.kind, "care-transition");
    snprintf(p.episode_start, sizeof p.episode_start, "enrollment");
    p.episode_days = days;
    p.max_days = max;
    p.capacity = 20;
    p.rescreen_days = 60;
    p.active = 1;
    return p;
}

static protocol_task task_of(const char *code, int offset, int repeat_days, int count_)
{
    protocol_task t;
    memset(&t, 0, sizeof t);
    snprintf(t.code, sizeof t.code, "%s", code);
    snprintf(t.title, sizeof t.title, "Task %s", code);
    snprintf(t.anchor, sizeof t.anchor, "episode-start");
    t.offset_hours = offset;
    t.repeat_days = repeat_days;
    t.repeat_count = count_;
    return t;
}

static long long tasks_with(fixture *f, int64_t episode_id, const char *ref)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM task WHERE episode_id = %lld AND origin = "
             "'protocol' AND origin_ref = '%s'",
             (long long)episode_id, ref);
    return tu_int(f->s, sql);
}

/* ---- program versions -------------------------------------------------- */

static void test_episode_keeps_its_version(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int created = -1;
    program p = pilot(30, 40), got;
    protocol_task t1 = task_of("call-v1", 24, 0, 1);
    cf_ok(program_save_version(&f->admin, &p, &t1, 1, &created, &err), &err);
    assert_int_equal(created, 1);
    assert_int_equal(p.version, 1);

    int64_t c1 = add_client(f, "One", "home"), e1, e2;
    cc_ctx *coach = as(f, "coach1");
    cf_ok(episode_start(coach, c1, p.id, "2026-11-20", NULL, &e1, &err), &err);
    episode e;
    cf_ok(episode_get(coach, e1, &e, &err), &err);
    assert_int_equal(e.program_version, 1);
    assert_int_equal(e.target_days, 30);
    assert_int_equal(tasks_with(f, e1, "call-v1"), 1);

    /* version 2: other days and other protocol tasks */
    p = pilot(60, 90);
    protocol_task t2 = task_of("visit-v2", 48, 7, 2);
    cf_ok(program_save_version(&f->admin, &p, &t2, 1, &created, &err), &err);
    assert_int_equal(created, 1);
    assert_int_equal(p.version, 2);
    cf_ok(program_by_code(&f->admin, "pilot", &got, &err), &err);
    assert_int_equal(got.max_days, 90);

    /* the old episode keeps version 1: its maximum refuses 30 + 11 */
    assert_int_equal(episode_extend(as(f, "coach1"), e1, e.version, 11, "more", &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "at most 40 days");
    cf_ok(episode_rules(as(f, "coach1"), &e, &got, &err), &err);
    assert_int_equal(got.version, 1);
    assert_int_equal(got.max_days, 40);
    assert_int_equal(got.episode_days, 30);
    cf_ok(episode_extend(as(f, "coach1"), e1, e.version, 10, "to the maximum", &err),
          &err);

    /* a new episode takes version 2's target and tasks */
    int64_t c2 = add_client(f, "Two", "home");
    cf_ok(episode_start(as(f, "coach1"), c2, p.id, "2026-11-20", NULL, &e2, &err),
          &err);
    cf_ok(episode_get(as(f, "coach1"), e2, &e, &err), &err);
    assert_int_equal(e.program_version, 2);
    assert_int_equal(e.target_days, 60);
    assert_int_equal(tasks_with(f, e2, "visit-v2"), 2);
    assert_int_equal(tasks_with(f, e2, "call-v1"), 0);
    assert_int_equal(tasks_with(f, e1, "visit-v2"), 0);

    /* version 1 is kept as saved, tasks and all */
    protocol_task *vt = NULL;
    int nt = 0;
    cf_ok(program_version_get(&f->admin, p.id, 1, &got, &vt, &nt, &err), &err);
    assert_int_equal(nt, 1);
    assert_string_equal(vt[0].code, "call-v1");
    free(vt);
    assert_int_equal(program_version_get(&f->admin, p.id, 3, &got, NULL, NULL, &err),
                     CC_EINPUT);

    /* day 45: e1 (40 days at most under v1) is past its maximum, e2 is not */
    setenv("CARECOORD_NOW", "2027-01-03T12:00:00Z", 1);
    int raised = 0;
    cf_ok(daily_run(&f->admin, &raised, &err), &err);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM alert WHERE kind = 'episode-maximum' AND "
             "episode_id = %lld AND details LIKE '%%maximum of 40 days'",
             (long long)e1);
    assert_int_equal(tu_int(f->s, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM alert WHERE episode_id = %lld",
             (long long)e2);
    assert_int_equal(tu_int(f->s, sql), 0);

    program_version_info *v = NULL;
    int nv = 0;
    cf_ok(program_versions(&f->admin, p.id, &v, &nv, &err), &err);
    assert_int_equal(nv, 2);
    assert_int_equal(v[0].max_days, 40);
    assert_int_equal(v[0].episodes, 1);
    assert_int_equal(v[1].episodes, 1);
    assert_string_equal(v[1].saved_by, "root");
    free(v);
}

static void test_identical_save_no_version(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int created = -1;
    program p = pilot(30, 40);
    protocol_task t[2] = {task_of("a", 1, 0, 1), task_of("b", 2, 3, 4)};
    cf_ok(program_save_version(&f->admin, &p, t, 2, &created, &err), &err);
    assert_int_equal(created, 1);
    p = pilot(30, 40);
    cf_ok(program_save_version(&f->admin, &p, t, 2, &created, &err), &err);
    assert_int_equal(created, 0);
    assert_int_equal(p.version, 1);
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM program_version v JOIN program p ON "
                            "p.id = v.program_id WHERE p.code = 'pilot'"),
                     1);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM audit WHERE action = 'program.save'"), 1);
    /* one task's timing differs: a new version */
    t[1].repeat_days = 5;
    p = pilot(30, 40);
    cf_ok(program_save_version(&f->admin, &p, t, 2, &created, &err), &err);
    assert_int_equal(created, 1);
    assert_int_equal(p.version, 2);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'program.save' AND details = 'pilot version 2'"),
                     1);
    /* only administrators; nothing written when refused */
    long long versions = tu_int(f->s, "SELECT count(*) FROM program_version");
    p = pilot(31, 40);
    assert_int_equal(program_save(as(f, "coach1"), &p, t, 2, &err), CC_EREFUSED);
    assert_int_equal(tu_int(f->s, "SELECT version FROM program WHERE code = 'pilot'"),
                     2);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM program_version"), versions);
    /* every program's current version is recorded */
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM program p WHERE NOT EXISTS (SELECT 1 "
                            "FROM program_version v WHERE v.program_id = p.id AND "
                            "v.version = p.version)"),
                     0);
}

/* ---- questionnaire versions -------------------------------------------- */

static void test_old_assessment_keeps_version(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    questionnaire q1, q2;
    int answers[HRA_MAX_QUESTIONS] = {0}, created = -1;
    assessment_outcome out;
    cf_ok(questionnaire_load(&f->admin, "hra", &q1, &err), &err);
    assert_int_equal(q1.version, 1);
    /* answers scoring at least moderate but below high under version 1 */
    int score = 0;
    for (int i = 0; i < q1.n && score + q1.q[i].weight < q1.high_min; i++) {
        answers[i] = 1;
        score += q1.q[i].weight;
    }
    assert_true(score >= q1.moderate_min);
    int64_t c = add_client(f, "Assessed", "snf");
    int64_t hss = tu_int(f->s, "SELECT id FROM program WHERE code = 'hss'");
    cf_ok(assessment_record(as(f, "coach1"), c, hss, &q1, answers, &out, &err), &err);
    assert_string_equal(out.result.level, "moderate");
    int64_t old = out.assessment_id;

    /* version 2: the same questions, high from the moderate threshold on */
    q2 = q1;
    q2.high_min = q1.moderate_min;
    q2.moderate_min = 1;
    cf_ok(questionnaire_save(&f->admin, &q2, &created, &err), &err);
    assert_int_equal(created, 1);
    assert_int_equal(q2.version, 2);
    questionnaire active;
    cf_ok(questionnaire_load(&f->admin, "hra", &active, &err), &err);
    assert_int_equal(active.version, 2);
    assert_int_equal(active.high_min, q1.moderate_min);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM questionnaire WHERE active = 1"), 1);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'questionnaire.load' AND details = 'hra version 2'"),
                     1);

    /* the old assessment: its own version's questions and thresholds */
    assessment_detail d;
    cf_ok(assessment_view(as(f, "coach1"), old, &d, &err), &err);
    assert_int_equal(d.q.version, 1);
    assert_int_equal(d.q.high_min, q1.high_min);
    assert_string_equal(d.level, "moderate");
    assert_string_equal(d.rescored.level, "moderate");
    assert_int_equal(d.rescored.score, score);
    assert_int_equal(d.score, score);
    assert_int_equal(d.answers[0], 1);
    assert_int_equal(
        tu_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'client.view' AND details "
               "LIKE 'assessment %'"),
        1);

    /* the same answers under version 2 are high */
    cf_ok(assessment_record(as(f, "coach1"), c, hss, &active, answers, &out, &err),
          &err);
    assert_string_equal(out.result.level, "high");
    cf_ok(assessment_view(as(f, "coach1"), out.assessment_id, &d, &err), &err);
    assert_int_equal(d.q.version, 2);
    assert_string_equal(d.rescored.level, "high");

    /* an identical load makes no version; version 1 is still readable */
    questionnaire again = active;
    cf_ok(questionnaire_save(&f->admin, &again, &created, &err), &err);
    assert_int_equal(created, 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM questionnaire"), 2);
    cf_ok(questionnaire_version(&f->admin, "hra", 1, &q2, &err), &err);
    assert_int_equal(q2.high_min, q1.high_min);
    assert_int_equal(q2.active, 0);
}

static void test_questionnaire_validated(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    questionnaire q, bad;
    cf_ok(questionnaire_load(&f->admin, "hra", &q, &err), &err);
    bad = q;
    bad.q[2].weight = 0;
    assert_int_equal(questionnaire_save(&f->admin, &bad, NULL, &err), CC_EINPUT);
    cf_expect_msg(&err, "question 3");
    bad = q;
    snprintf(bad.q[0].category, sizeof bad.q[0].category, "money");
    assert_int_equal(questionnaire_save(&f->admin, &bad, NULL, &err), CC_EINPUT);
    bad = q;
    bad.moderate_min = bad.high_min;
    assert_int_equal(questionnaire_save(&f->admin, &bad, NULL, &err), CC_EINPUT);
    cf_expect_msg(&err, "thresholds");
    bad = q;
    bad.high_min = 10000;
    assert_int_equal(questionnaire_save(&f->admin, &bad, NULL, &err), CC_EINPUT);
    bad = q;
    bad.high_min++;
    assert_int_equal(questionnaire_save(as(f, "coach1"), &bad, NULL, &err),
                     CC_EREFUSED);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM questionnaire"), 1);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM audit WHERE action = 'questionnaire.load'"),
        0);
}

/* ---- the service area from a list -------------------------------------- */

static void test_area_import(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int added = -1, present = -1;
    long long before = tu_int(f->s, "SELECT count(*) FROM service_zip");
    const char *bad[] = {"99601", "99602", "9960x", "99603"};
    const int lines[] = {2, 3, 7, 8};
    assert_int_equal(area_import(&f->admin, bad, lines, 4, &added, &present, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "line 7");
    assert_int_equal(added, 0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM service_zip"), before);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM audit WHERE action = 'area.import'"), 0);

    char existing[6];
    snprintf(existing, sizeof existing, "%lld",
             tu_int(f->s, "SELECT min(zip) FROM service_zip"));
    const char *good[] = {"99601", existing, "99602", "99601"};
    assert_int_equal(
        area_import(as(f, "coach1"), good, NULL, 4, &added, &present, &err),
        CC_EREFUSED);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM service_zip"), before);
    cf_ok(area_import(&f->admin, good, NULL, 4, &added, &present, &err), &err);
    assert_int_equal(added, 2);
    assert_int_equal(present, 2);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM service_zip"), before + 2);
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = 'area.import' "
                            "AND details = '2 added, 2 already present'"),
                     1);
    assert_int_equal(area_import(&f->admin, good, NULL, 0, &added, &present, &err),
                     CC_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_episode_keeps_its_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_identical_save_no_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_old_assessment_keeps_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_questionnaire_validated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_area_import, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
