/*
 * test_plan.c — the care plan, medications, pillars and patient activation
 * through the core: goals and steps versioned (a stale save is a conflict
 * that changes nothing), dropped needs a reason, a step becomes a task once,
 * the review task during an episode and its next one, the program's starting
 * goals once each; medications and their stop; a reconciliation whose
 * discrepancies must be resolved, signed off by a nurse only and only once,
 * ticking the medications pillar; the pillars' count (follow-up also from a
 * kept appointment); PAM results refused without the site's licence, the
 * first-to-latest change, and the measures' activation change on a
 * hand-made set. The clock is fixed on 2026-11-20 12:00Z; synthetic people.
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
#include "core/appointment.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/episode.h"
#include "core/measures.h"
#include "core/meds.h"
#include "core/pam.h"
#include "core/plan.h"
#include "core/program.h"
#include "core/staff.h"
#include "core/task.h"
#include "core/worklist.h"
#include "testutil.h"

#define NOW   "2026-11-20T12:00:00Z"
#define NOW_T 1795176000

typedef struct fixture {
    char *dir;
    store *s;
    cc_ctx sys, admin, coach, nurse, super;
    int64_t ct, hss, client, senior;
} fixture;

/* A consented client of the coach in program_id with an open episode. */
static int64_t enrolled(fixture *f, const char *family, int64_t program_id,
                        const char *start)
{
    client c = cf_client(family, "Ray", "1944-02-03");
    return cf_enrolled(&f->sys, &c, "2026-10-01", f->coach.staff_id, program_id, start,
                       NULL);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->s = cf_store(&f->dir, "plan.db", &f->sys, &f->admin);
    cf_staff(f->s, "coach1", "coach", &f->coach);
    cf_staff(f->s, "nurse1", "nurse", &f->nurse);
    cf_staff(f->s, "super1", "supervisor", &f->super);
    f->ct = cf_program(&f->sys, "ct-ngh");
    f->hss = cf_program(&f->sys, "hss");
    cf_exec(
        f->s,
        "INSERT INTO team (id, name, program_id) VALUES (1, 'NGH', %lld), (2, 'HSS', "
        "%lld); INSERT INTO team_member VALUES (1, %lld), (1, %lld), (2, %lld), (2, "
        "%lld)",
        (long long)f->ct, (long long)f->hss, (long long)f->coach.staff_id,
        (long long)f->nurse.staff_id, (long long)f->coach.staff_id,
        (long long)f->nurse.staff_id);
    f->client = enrolled(f, "Okafor", f->ct, "2026-11-10");
    f->senior = enrolled(f, "Varga", f->hss, "2026-11-01");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static plan_goal goal(const char *words)
{
    plan_goal g;
    memset(&g, 0, sizeof g);
    snprintf(g.words, sizeof g.words, "%s", words);
    return g;
}

static void test_goals_versioned(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    plan_goal g = goal("Walk to the mailbox every day"), mine, theirs;
    plan_goal empty = goal("");
    assert_int_equal(plan_goal_add(&f->coach, f->client, &empty, &err), CC_EINPUT);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM care_plan"),
                     0); /* nothing half-made */
    assert_int_equal(plan_goal_add(&f->super, f->client, &g, &err), CC_EREFUSED);
    assert_int_equal(plan_goal_add(&f->coach, f->client, &g, &err), CC_OK);
    /* the plan was made, and its review is due in 30 days during the episode */
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE client_id = %lld AND "
               "origin_ref LIKE 'plan:%%:review' AND due_at LIKE '2026-12-20%%'",
               (long long)f->client),
        1);
    mine = g;
    snprintf(g.barriers, sizeof g.barriers, "afraid of falling");
    assert_int_equal(plan_goal_update(&f->nurse, &g, &theirs, &err), CC_OK);
    snprintf(mine.words, sizeof mine.words, "Walk to the corner");
    assert_int_equal(plan_goal_update(&f->coach, &mine, &theirs, &err), CC_ECONFLICT);
    assert_string_equal(theirs.barriers, "afraid of falling"); /* theirs, shown */
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM plan_goal WHERE words = 'Walk to the "
                            "corner'"),
                     0);
    snprintf(g.status, sizeof g.status, "dropped");
    assert_int_equal(plan_goal_update(&f->coach, &g, &theirs, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "why"));
    snprintf(g.reason, sizeof g.reason, "moved in with her daughter");
    assert_int_equal(plan_goal_update(&f->coach, &g, &theirs, &err), CC_OK);
    /* the review: the task done, the next one 30 days on */
    cc_ctx later = f->coach;
    later.clock = NOW_T + 10 * 86400;
    assert_int_equal(plan_review(&later, f->client, &err), CC_OK);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE client_id = %lld AND "
               "origin_ref LIKE 'plan:%%:review' AND completed_at IS NOT NULL",
               (long long)f->client),
        1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE client_id = %lld AND "
               "origin_ref LIKE 'plan:%%:review' AND completed_at IS NULL AND "
               "due_at LIKE '2026-12-30%%'",
               (long long)f->client),
        1);
}

/* A plan made before the episode gets its review task when it starts. */
static void test_review_when_episode_starts(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ep = cf_int(f->s, "SELECT id FROM episode WHERE client_id = %lld",
                        (long long)f->senior);
    episode e;
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_int_equal(
        episode_close(&f->coach, ep, e.version, "2026-11-20", "goals-met", &err),
        CC_OK);
    plan_goal g = goal("Stay in my own home");
    assert_int_equal(plan_goal_add(&f->coach, f->senior, &g, &err), CC_OK);
#define REVIEW                                                                         \
    "SELECT count(*) FROM task WHERE client_id = %lld AND "                            \
    "origin_ref LIKE 'plan:%%:review' AND completed_at IS NULL AND "                   \
    "cancelled_at IS NULL"
    /* no episode: no review */
    assert_int_equal(cf_int(f->s, REVIEW, (long long)f->senior), 0);
    int64_t again;
    assert_int_equal(
        episode_start(&f->coach, f->senior, f->hss, "2026-11-20", NULL, &again, &err),
        CC_OK);
    assert_int_equal(cf_int(f->s, REVIEW, (long long)f->senior), 1);
#undef REVIEW
}

static void test_steps_and_tasks(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    plan_goal g = goal("Know my medicines");
    assert_int_equal(plan_goal_add(&f->coach, f->client, &g, &err), CC_OK);
    plan_step s, stale, theirs;
    memset(&s, 0, sizeof s);
    s.goal_id = g.id;
    snprintf(s.what, sizeof s.what, "Review the pill box with the nurse");
    snprintf(s.who, sizeof s.who, "nobody9");
    assert_int_equal(plan_step_add(&f->coach, &s, &err), CC_EINPUT); /* no such login */
    snprintf(s.who, sizeof s.who, "nurse1");
    snprintf(s.due_date, sizeof s.due_date, "2026-11-24");
    assert_int_equal(plan_step_add(&f->coach, &s, &err), CC_OK);
    int64_t task_id = 0;
    assert_int_equal(plan_step_to_task(&f->coach, s.id, s.version, &task_id, &err),
                     CC_OK);
    assert_int_equal(
        cf_int(f->s, "SELECT owner_id FROM task WHERE id = %lld", (long long)task_id),
        f->nurse.staff_id); /* the nurse's, as the step says */
    assert_int_equal(
        cf_int(f->s, "SELECT due_at LIKE '2026-11-24%%' FROM task WHERE id = %lld",
               (long long)task_id),
        1);
    assert_int_equal(plan_step_get(&f->coach, s.id, &s, &err), CC_OK);
    assert_int_equal(s.task_id, task_id);
    assert_int_equal(plan_step_to_task(&f->coach, s.id, s.version, &task_id, &err),
                     CC_EINPUT); /* once */
    stale = s;
    s.done = 1;
    assert_int_equal(plan_step_update(&f->coach, &s, &theirs, &err), CC_OK);
    assert_int_equal(plan_step_update(&f->nurse, &stale, &theirs, &err), CC_ECONFLICT);
    assert_int_equal(theirs.done, 1);
    /* the program's starting goals, once each */
    int added = 0;
    assert_int_equal(plan_from_template(&f->coach, f->client, &added, &err), CC_OK);
    assert_int_equal(added, 4); /* the four pillars of a care transition */
    assert_int_equal(plan_from_template(&f->coach, f->client, &added, &err), CC_OK);
    assert_int_equal(added, 0);
}

static medication med(fixture *f, const char *name)
{
    medication m;
    memset(&m, 0, sizeof m);
    m.client_id = f->senior;
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.source, sizeof m.source, "bottles");
    return m;
}

static void test_medications_and_sign_off(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    medication a = med(f, "Metoprolol"), b = med(f, "Atorvastatin"), theirs, stale;
    snprintf(b.source, sizeof b.source, "rumour");
    assert_int_equal(med_add(&f->coach, &b, &err), CC_EINPUT);
    snprintf(b.source, sizeof b.source, "discharge-summary");
    assert_int_equal(med_add(&f->coach, &a, &err), CC_OK);
    assert_int_equal(med_add(&f->coach, &b, &err), CC_OK);
    stale = b;
    snprintf(b.stop_date, sizeof b.stop_date, "2026-11-19");
    assert_int_equal(med_update(&f->coach, &b, &theirs, &err), CC_OK);
    assert_int_equal(med_update(&f->nurse, &stale, &theirs, &err), CC_ECONFLICT);
    med_discrepancy d[2];
    memset(d, 0, sizeof d);
    d[0].medication_id = b.id;
    snprintf(d[0].what, sizeof d[0].what, "two statins at home");
    int64_t rec = 0;
    assert_int_equal(med_reconcile(&f->coach, f->senior, "", d, 1, &rec, &err),
                     CC_EINPUT); /* unresolved */
    snprintf(d[0].resolution, sizeof d[0].resolution, "PCP stopped the old one");
    d[1].medication_id = 999;
    snprintf(d[1].what, sizeof d[1].what, "x");
    snprintf(d[1].resolution, sizeof d[1].resolution, "y");
    assert_int_equal(med_reconcile(&f->coach, f->senior, "", d, 2, &rec, &err),
                     CC_EINPUT); /* not this client's */
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM med_reconciliation"), 0);
    assert_int_equal(med_reconcile(&f->coach, f->senior, "at home", d, 1, &rec, &err),
                     CC_OK);
    assert_int_equal(med_sign_off(&f->coach, rec, &err), CC_EREFUSED); /* nurses only */
    assert_int_equal(med_sign_off(&f->nurse, rec, &err), CC_OK);
    assert_int_equal(med_sign_off(&f->nurse, rec, &err), CC_EINPUT); /* once */
    /* HSS's protocol "medication reconciliation with the RN" is done by it */
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE client_id = %lld AND "
                            "origin_ref LIKE '%%med-rec' AND completed_at IS NOT NULL",
                            (long long)f->senior),
                     1);
}

static void test_pillars(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    pillar_state ps;
    assert_int_equal(pillars_of(&f->coach, f->senior, &ps, &err), CC_OK);
    assert_int_equal(ps.episode, 0); /* HSS is not a care transition */
    assert_int_equal(pillar_mark(&f->coach, f->senior, "phr", "", &err), CC_EINPUT);
    assert_int_equal(pillars_of(&f->coach, f->client, &ps, &err), CC_OK);
    assert_int_equal(ps.missing, 4);
    assert_string_equal(ps.summary,
                        "pillars 0/4: medications, phr, follow-up, red-flags missing");
    assert_int_equal(pillar_mark(&f->coach, f->client, "medications", "", &err),
                     CC_EINPUT); /* that one is the nurse's sign-off */
    assert_int_equal(pillar_mark(&f->coach, f->client, "phr", "given and used", &err),
                     CC_OK);
    assert_int_equal(
        pillar_mark(&f->coach, f->client, "red-flags", "repeated back", &err), CC_OK);
    /* a kept PCP appointment of the episode is the follow-up */
    appointment a, out;
    memset(&a, 0, sizeof a);
    a.client_id = f->client;
    snprintf(a.kind, sizeof a.kind, "pcp");
    snprintf(a.with_org, sizeof a.with_org, "PCP-FV");
    snprintf(a.when, sizeof a.when, "2026-11-20 13:00");
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_OK);
    cc_ctx later = f->coach;
    later.clock = NOW_T + 3 * 3600;
    assert_int_equal(appointment_mark(&later, a.id, a.version, "kept", "", &out, &err),
                     CC_OK);
    medication m = med(f, "Furosemide");
    m.client_id = f->client;
    assert_int_equal(med_add(&f->coach, &m, &err), CC_OK);
    int64_t rec;
    assert_int_equal(med_reconcile(&f->coach, f->client, "", NULL, 0, &rec, &err),
                     CC_OK);
    assert_int_equal(med_sign_off(&f->nurse, rec, &err), CC_OK);
    assert_int_equal(pillars_of(&f->coach, f->client, &ps, &err), CC_OK);
    assert_int_equal(ps.missing, 0);
    assert_string_equal(ps.summary, "pillars 4/4");
}

/* Missing pillars raise the urgency in the episode's last week only. */
static void test_pillars_raise_urgency(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    worklist_row *rows;
    int n, missing = -1;
    cc_ctx now = f->coach, late = f->coach;
    late.clock = NOW_T + 14 * 86400; /* day 25 of 30 */
    struct {
        cc_ctx *c;
        int want;
    } cases[] = {{&now, 0}, {&late, 4}};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(
            worklist_caseload(cases[k].c, f->coach.staff_id, &rows, &n, &err), CC_OK);
        for (int i = 0; i < n; i++)
            if (rows[i].client_id == f->client)
                missing = rows[i].pillars_missing;
        free(rows);
        assert_int_equal(missing, cases[k].want);
    }
    assert_int_equal(pillar_mark(&f->coach, f->client, "phr", "", &err), CC_OK);
    assert_int_equal(worklist_caseload(&late, f->coach.staff_id, &rows, &n, &err),
                     CC_OK);
    for (int i = 0; i < n; i++)
        if (rows[i].client_id == f->client)
            missing = rows[i].pillars_missing;
    free(rows);
    assert_int_equal(missing, 3);
}

static pam_result pam(int64_t client_id, double score, int level, const char *date)
{
    pam_result r;
    memset(&r, 0, sizeof r);
    r.client_id = client_id;
    r.score = score;
    r.level = level;
    snprintf(r.instrument, sizeof r.instrument, "PAM-13");
    snprintf(r.taken_date, sizeof r.taken_date, "%s", date);
    return r;
}

static void test_pam(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    pam_result r = pam(f->senior, 48, 2, "2026-11-02");
    assert_int_equal(pam_record(&f->coach, &r, &err), CC_EINPUT); /* no licence yet */
    assert_non_null(strstr(err.msg, "licence"));
    assert_int_equal(pam_licence_set(&f->coach, "INS-1", &err), CC_EREFUSED);
    assert_int_equal(pam_licence_set(&f->admin, "INS-2026-0042", &err), CC_OK);
    pam_result bad = pam(f->senior, 101, 2, "2026-11-02");
    assert_int_equal(pam_record(&f->coach, &bad, &err), CC_EINPUT);
    bad = pam(f->senior, 50, 5, "2026-11-02");
    assert_int_equal(pam_record(&f->coach, &bad, &err), CC_EINPUT);
    bad = pam(f->senior, 50, 2, "2026-11-21");
    assert_int_equal(pam_record(&f->coach, &bad, &err), CC_EINPUT); /* tomorrow */
    assert_int_equal(pam_record(&f->coach, &r, &err), CC_OK);
    assert_string_equal(r.licence_ref, "INS-2026-0042");
    pam_result later = pam(f->senior, 56.5, 3, "2026-11-19");
    assert_int_equal(pam_record(&f->coach, &later, &err), CC_OK);
    pam_change c;
    assert_int_equal(pam_change_of(&f->coach, f->senior, &c, &err), CC_OK);
    assert_int_equal(c.count, 2);
    assert_true(c.first.score == 48 && c.latest.score == 56.5);
    /* the measures: the episode closed with results before and after it */
    int64_t ep = cf_int(f->s, "SELECT id FROM episode WHERE client_id = %lld",
                        (long long)f->senior);
    episode e;
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_int_equal(
        episode_close(&f->coach, ep, e.version, "2026-11-20", "goals-met", &err),
        CC_OK);
    measures m;
    assert_int_equal(
        measures_compute(&f->super, "hss", "2026-11-01", "2026-11-30", &m, &err),
        CC_OK);
    assert_int_equal(m.pam_gain3.num, 1);
    assert_int_equal(m.pam_gain3.den, 1);
    assert_true(m.pam_change_avg > 8.49 && m.pam_change_avg < 8.51);
    measures_free(&m);
    assert_int_equal(
        measures_compute(&f->super, "ct-ngh", "2026-11-01", "2026-11-30", &m, &err),
        CC_OK);
    assert_int_equal(m.pam_gain3.den, 0); /* no episode closed there */
    measures_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_goals_versioned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steps_and_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_when_episode_starts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_medications_and_sign_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pillars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pam, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pillars_raise_urgency, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
