/*
 * test_share.c — the plan travelling with the client, through the core: the
 * warm hand-off summary of a hand-made set carries the plan's active goals
 * (words, barriers, status, review date) with their open steps only, the
 * care-transition pillars (medications from the nurse's sign-off, phr
 * marked), the current medications (no stop date, or one still to come) and
 * the first and latest PAM results with their change, and its text form
 * lists the steps under their goal; a client with none of it gets empty
 * lists and nulls; a hand-off to another organization passes the consent
 * gate and is recorded as a disclosure naming what went; the FHIR Bundle
 * holds a CarePlan (each step an activity), a Goal per goal (active,
 * completed, cancelled) and a MedicationStatement per medication (active,
 * stopped), and the disclosure counts them. The clock is fixed on
 * 2026-11-20 12:00Z; synthetic people only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefix.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/disclose.h"
#include "core/episode.h"
#include "core/handoff.h"
#include "core/meds.h"
#include "core/pam.h"
#include "core/plan.h"
#include "core/program.h"
#include "core/staff.h"
#include "io/fhir.h"
#include "testutil.h"

#define NOW "2026-11-20T12:00:00Z"

typedef struct fixture {
    char *dir;
    store *s;
    cc_ctx sys, admin, coach, nurse;
    int64_t ct, hss, client, senior, org;
    int64_t goal_active, goal_met, goal_dropped;
} fixture;

/* A consented client of the coach in program_id with an open episode. */
static int64_t enrolled(fixture *f, const char *family, int64_t program_id,
                        const char *start)
{
    client c = cf_client(family, "Ray", "1944-02-03");
    return cf_enrolled(&f->sys, &c, "2026-10-01", f->coach.staff_id, program_id, start,
                       NULL);
}

static int64_t goal(fixture *f, const char *words, const char *barriers,
                    const char *review)
{
    cc_err err = {0};
    plan_goal g;
    memset(&g, 0, sizeof g);
    snprintf(g.words, sizeof g.words, "%s", words);
    snprintf(g.barriers, sizeof g.barriers, "%s", barriers);
    snprintf(g.review_date, sizeof g.review_date, "%s", review);
    assert_int_equal(plan_goal_add(&f->coach, f->client, &g, &err), CC_OK);
    return g.id;
}

static void goal_ends(fixture *f, int64_t id, const char *status, const char *reason)
{
    cc_err err = {0};
    plan_goal g, theirs;
    assert_int_equal(plan_goal_get(&f->coach, id, &g, &err), CC_OK);
    snprintf(g.status, sizeof g.status, "%s", status);
    snprintf(g.reason, sizeof g.reason, "%s", reason);
    assert_int_equal(plan_goal_update(&f->coach, &g, &theirs, &err), CC_OK);
}

static int64_t step(fixture *f, int64_t goal_id, const char *what, const char *who,
                    const char *due, int done)
{
    cc_err err = {0};
    plan_step s, theirs;
    memset(&s, 0, sizeof s);
    s.goal_id = goal_id;
    snprintf(s.what, sizeof s.what, "%s", what);
    snprintf(s.who, sizeof s.who, "%s", who);
    snprintf(s.due_date, sizeof s.due_date, "%s", due);
    assert_int_equal(plan_step_add(&f->coach, &s, &err), CC_OK);
    if (done) {
        s.done = 1;
        assert_int_equal(plan_step_update(&f->coach, &s, &theirs, &err), CC_OK);
    }
    return s.id;
}

static void med(fixture *f, const char *name, const char *dose, const char *how,
                const char *prescriber, const char *source, const char *start,
                const char *stop)
{
    cc_err err = {0};
    medication m;
    memset(&m, 0, sizeof m);
    m.client_id = f->client;
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.dose, sizeof m.dose, "%s", dose);
    snprintf(m.how_taken, sizeof m.how_taken, "%s", how);
    snprintf(m.prescriber, sizeof m.prescriber, "%s", prescriber);
    snprintf(m.source, sizeof m.source, "%s", source);
    snprintf(m.start_date, sizeof m.start_date, "%s", start);
    snprintf(m.stop_date, sizeof m.stop_date, "%s", stop);
    assert_int_equal(med_add(&f->coach, &m, &err), CC_OK);
}

static void pam(fixture *f, double score, int level, const char *date)
{
    cc_err err = {0};
    pam_result r;
    memset(&r, 0, sizeof r);
    r.client_id = f->client;
    r.score = score;
    r.level = level;
    snprintf(r.instrument, sizeof r.instrument, "PAM-13");
    snprintf(r.taken_date, sizeof r.taken_date, "%s", date);
    assert_int_equal(pam_record(&f->coach, &r, &err), CC_OK);
}

/* The hand-made set: three goals (active with two open steps and a done
 * one; met; dropped), two pillars done, four medications (current, stopping
 * next month, stopped yesterday, stopped today), two PAM results. */
static void hand_made_set(fixture *f)
{
    cc_err err = {0};
    int64_t rec;
    f->goal_active = goal(f, "I want to walk to church again",
                          "stairs; short of breath", "2026-12-15");
    step(f, f->goal_active, "Ask the PCP about cardiac rehab", "coach1", "", 0);
    step(f, f->goal_active, "Buy a cane", "caregiver", "2026-11-15", 1);
    step(f, f->goal_active, "Walk to the corner with my daughter", "client",
         "2026-11-27", 0);
    f->goal_met = goal(f, "I take my pills the right way", "", "");
    goal_ends(f, f->goal_met, "met", "");
    f->goal_dropped = goal(f, "I keep a diary", "", "");
    goal_ends(f, f->goal_dropped, "dropped", "she would rather not");

    assert_int_equal(
        med_reconcile(&f->coach, f->client, "at home", NULL, 0, &rec, &err), CC_OK);
    assert_int_equal(med_sign_off(&f->nurse, rec, &err), CC_OK);
    assert_int_equal(pillar_mark(&f->coach, f->client, "phr", "given and used", &err),
                     CC_OK);

    med(f, "Metoprolol", "25 mg", "by mouth twice a day", "Dr. Amara Osei",
        "discharge-summary", "2026-11-18", "");
    med(f, "Aspirin", "81 mg", "by mouth daily", "", "bottles", "2026-01-01",
        "2026-12-01");
    med(f, "Ibuprofen", "200 mg", "as needed", "", "client", "2026-10-01",
        "2026-11-19");
    med(f, "Prednisone", "10 mg", "by mouth daily", "Dr. Lin", "pharmacy", "2026-11-10",
        "2026-11-20");

    assert_int_equal(pam_licence_set(&f->admin, "INS-2026-0042", &err), CC_OK);
    pam(f, 56.5, 3, "2026-11-19");
    pam(f, 48, 2, "2026-11-12");
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->s = cf_store(&f->dir, "share.db", &f->sys, &f->admin);
    cf_staff(f->s, "coach1", "coach", &f->coach);
    cf_staff(f->s, "nurse1", "nurse", &f->nurse);
    f->ct = cf_program(&f->sys, "ct-ngh");
    f->hss = cf_program(&f->sys, "hss");
    cf_exec(
        f->s,
        "INSERT INTO team (id, name, program_id) VALUES (1, 'NGH', %lld), (2, 'HSS', "
        "%lld); INSERT INTO team_member VALUES (1, %lld), (1, %lld), (2, %lld), (2, "
        "%lld); INSERT INTO organization (facility_code, kind, name) VALUES ('PCP1', "
        "'practice', 'Riverside Family Practice')",
        (long long)f->ct, (long long)f->hss, (long long)f->coach.staff_id,
        (long long)f->nurse.staff_id, (long long)f->coach.staff_id,
        (long long)f->nurse.staff_id);
    f->org = cf_org(f->s, "PCP1");
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

/* ---- reading the JSON ---------------------------------------------------- */

static cJSON *at(const cJSON *o, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        print_error("no \"%s\" in the JSON\n", key);
    assert_non_null(v);
    return v;
}

static const char *str(const cJSON *o, const char *key)
{
    cJSON *v = at(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double num(const cJSON *o, const char *key)
{
    cJSON *v = at(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static int truth(const cJSON *o, const char *key)
{
    cJSON *v = at(o, key);
    assert_true(cJSON_IsBool(v));
    return cJSON_IsTrue(v);
}

/* The n-th resource of type in a Bundle (NULL if there are fewer). */
static cJSON *resource_of(const cJSON *bundle, const char *type, int n)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, at(bundle, "entry"))
    {
        cJSON *r = at(e, "resource");
        if (!strcmp(str(r, "resourceType"), type) && n-- == 0)
            return r;
    }
    return NULL;
}

static int count_of(const cJSON *bundle, const char *type)
{
    int n = 0;
    while (resource_of(bundle, type, n))
        n++;
    return n;
}

/* ---- the hand-off summary ---------------------------------------------- */

static void test_summary_carries_the_plan(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *json = NULL;
    hand_made_set(f);
    assert_int_equal(handoff_summary(&f->coach, f->client, &json, &err), CC_OK);
    cJSON *o = cJSON_Parse(json);
    assert_non_null(o);

    /* the plan: the active goal only, with its open steps, dated first */
    cJSON *plan = at(o, "plan");
    assert_true(cJSON_IsArray(plan));
    assert_int_equal(cJSON_GetArraySize(plan), 1);
    cJSON *g = cJSON_GetArrayItem(plan, 0);
    assert_string_equal(str(g, "words"), "I want to walk to church again");
    assert_string_equal(str(g, "barriers"), "stairs; short of breath");
    assert_string_equal(str(g, "status"), "active");
    assert_string_equal(str(g, "review_date"), "2026-12-15");
    assert_null(cJSON_GetObjectItemCaseSensitive(g, "id"));
    cJSON *steps = at(g, "steps");
    assert_int_equal(cJSON_GetArraySize(steps), 2);
    cJSON *s0 = cJSON_GetArrayItem(steps, 0), *s1 = cJSON_GetArrayItem(steps, 1);
    assert_string_equal(str(s0, "what"), "Walk to the corner with my daughter");
    assert_string_equal(str(s0, "who"), "client");
    assert_string_equal(str(s0, "due_date"), "2026-11-27");
    assert_string_equal(str(s1, "what"), "Ask the PCP about cardiac rehab");
    assert_string_equal(str(s1, "who"), "coach1");
    assert_true(cJSON_IsNull(at(s1, "due_date")));

    /* the pillars of the open care-transition episode */
    cJSON *p = at(o, "pillars");
    assert_true(cJSON_IsObject(p));
    assert_true(truth(p, "medications")); /* the nurse's sign-off */
    assert_true(truth(p, "phr"));
    assert_false(truth(p, "follow-up"));
    assert_false(truth(p, "red-flags"));
    assert_int_equal((int)num(p, "done"), 2);
    assert_string_equal(str(p, "summary"), "pillars 2/4: follow-up, red-flags missing");

    /* the current medications: no stop date, or one still to come */
    cJSON *meds = at(o, "medications");
    assert_int_equal(cJSON_GetArraySize(meds), 2);
    cJSON *m0 = cJSON_GetArrayItem(meds, 0), *m1 = cJSON_GetArrayItem(meds, 1);
    assert_string_equal(str(m0, "name"), "Aspirin");
    assert_string_equal(str(m0, "source"), "bottles");
    assert_string_equal(str(m1, "name"), "Metoprolol");
    assert_string_equal(str(m1, "dose"), "25 mg");
    assert_string_equal(str(m1, "how_taken"), "by mouth twice a day");
    assert_string_equal(str(m1, "prescriber"), "Dr. Amara Osei");
    assert_string_equal(str(m1, "source"), "discharge-summary");
    assert_string_equal(str(m1, "start_date"), "2026-11-18");
    assert_null(strstr(json, "Ibuprofen"));  /* stopped yesterday */
    assert_null(strstr(json, "Prednisone")); /* stopped today */

    /* the first and latest PAM results, by the date taken */
    cJSON *pm = at(o, "pam");
    assert_int_equal((int)num(pm, "results"), 2);
    assert_true(num(pm, "first_score") == 48);
    assert_int_equal((int)num(pm, "first_level"), 2);
    assert_string_equal(str(pm, "first_date"), "2026-11-12");
    assert_true(num(pm, "latest_score") == 56.5);
    assert_int_equal((int)num(pm, "latest_level"), 3);
    assert_string_equal(str(pm, "latest_date"), "2026-11-19");
    assert_true(num(pm, "change") == 8.5);

    /* what was there before is still there */
    at(o, "risk");
    at(o, "episode");
    at(o, "consents");
    at(o, "open_tasks");

    /* the text a person reads lists the open steps under their goal */
    char *text = NULL;
    assert_int_equal(handoff_summary_text(json, &text), 0);
    assert_non_null(strstr(text,
                           "plan (1):\n  - words: I want to walk to church again; "
                           "barriers: stairs; short of breath; status: active; "
                           "review_date: 2026-12-15\n    steps (2):\n      - what: "
                           "Walk to the corner with my daughter; who: client; "
                           "due_date: 2026-11-27\n      - what: Ask the PCP about "
                           "cardiac rehab; who: coach1; due_date: -\n"));
    assert_non_null(strstr(text, "pillars:\n  medications: yes\n  phr: yes\n"
                                 "  follow-up: no\n  red-flags: no\n  done: 2\n"));
    assert_non_null(strstr(text, "medications (2):\n  - name: Aspirin;"));
    assert_non_null(strstr(text, "pam:\n  results: 2\n  first_score: 48\n"));
    assert_non_null(strstr(text, "  change: 8.5\n"));
    free(text);
    cJSON_Delete(o);
    free(json);
}

/* A client with no plan, medications or PAM results, outside a
 * care-transition program: empty lists and nulls. */
static void test_summary_without_a_plan(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *json = NULL;
    assert_int_equal(handoff_summary(&f->coach, f->senior, &json, &err), CC_OK);
    cJSON *o = cJSON_Parse(json);
    assert_non_null(o);
    assert_int_equal(cJSON_GetArraySize(at(o, "plan")), 0);
    assert_true(cJSON_IsNull(at(o, "pillars")));
    assert_int_equal(cJSON_GetArraySize(at(o, "medications")), 0);
    assert_true(cJSON_IsNull(at(o, "pam")));
    cJSON_Delete(o);
    free(json);
}

/* Sharing with another organization: refused without a release naming it
 * (nothing recorded); with one, the summary that went holds the plan and
 * the accounting of disclosures says what went. */
static void test_sharing_passes_the_consent_gate(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    handoff_target to = {"organization", f->org};
    int64_t id = 0;
    hand_made_set(f);
    assert_int_equal(handoff_propose(&f->coach, f->client, &to, NULL, 0, &id, &err),
                     CC_EREFUSED);
    assert_non_null(strstr(err.msg, "consent"));
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM disclosure"), 0);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), 0);

    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = f->client;
    snprintf(k.kind, sizeof k.kind, "release");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.purpose, sizeof k.purpose, "care coordination");
    snprintf(k.information, sizeof k.information, "care plan, medications");
    snprintf(k.signed_date, sizeof k.signed_date, "2026-11-19");
    k.nrecipients = 1;
    k.recipients[0] = f->org;
    assert_int_equal(consent_record(&f->sys, &k, &err), CC_OK);

    err = (cc_err){0};
    assert_int_equal(
        handoff_propose(&f->coach, f->client, &to, "to the practice", 0, &id, &err),
        CC_OK);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM disclosure WHERE client_id = %lld AND "
               "organization_id = %lld AND handoff_id = %lld AND substance_use "
               "= 0 AND purpose = 'warm hand-off' AND what LIKE '%%care plan, "
               "pillars, medications, patient activation'",
               (long long)f->client, (long long)f->org, (long long)id),
        1);
    handoff h;
    char *summary = NULL;
    assert_int_equal(handoff_get(&f->sys, id, &h, &summary, &err), CC_OK);
    assert_non_null(strstr(summary, "I want to walk to church again"));
    assert_non_null(strstr(summary, "Metoprolol"));
    assert_non_null(strstr(summary, "\"pillars\":{"));
    assert_non_null(strstr(summary, "\"pam\":{"));
    free(summary);
}

/* ---- FHIR ---------------------------------------------------------------- */

static void test_fhir_plan_and_medications(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *json = NULL;
    hand_made_set(f);
    disclose_request req = {.client_id = f->client};
    assert_int_equal(disclose_record(&f->coach, &req, fhir_bundle_builder, &json, &err),
                     CC_OK);
    cJSON *b = cJSON_Parse(json);
    assert_non_null(b);
    char ref[32], goal_ref[3][32];
    snprintf(ref, sizeof ref, "Patient/%lld", (long long)f->client);
    snprintf(goal_ref[0], sizeof goal_ref[0], "Goal/%lld", (long long)f->goal_active);
    snprintf(goal_ref[1], sizeof goal_ref[1], "Goal/%lld", (long long)f->goal_met);
    snprintf(goal_ref[2], sizeof goal_ref[2], "Goal/%lld", (long long)f->goal_dropped);

    /* CarePlan: one, its goals referenced, its steps the activities */
    assert_int_equal(count_of(b, "CarePlan"), 1);
    cJSON *cp = resource_of(b, "CarePlan", 0);
    assert_string_equal(str(cp, "status"), "active");
    assert_string_equal(str(cp, "intent"), "plan");
    assert_string_equal(str(at(cp, "subject"), "reference"), ref);
    assert_string_equal(str(at(cp, "period"), "start"), NOW);
    assert_int_equal(cJSON_GetArraySize(at(cp, "goal")), 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(str(cJSON_GetArrayItem(at(cp, "goal"), i), "reference"),
                            goal_ref[i]);
    cJSON *acts = at(cp, "activity");
    assert_int_equal(cJSON_GetArraySize(acts), 3);
    cJSON *d0 = at(cJSON_GetArrayItem(acts, 0), "detail");
    cJSON *d1 = at(cJSON_GetArrayItem(acts, 1), "detail");
    cJSON *d2 = at(cJSON_GetArrayItem(acts, 2), "detail");
    assert_string_equal(str(d0, "description"), "Ask the PCP about cardiac rehab");
    assert_string_equal(str(d0, "status"), "not-started");
    assert_null(cJSON_GetObjectItemCaseSensitive(d0, "scheduledString"));
    assert_string_equal(str(cJSON_GetArrayItem(at(d0, "performer"), 0), "display"),
                        "coach1");
    assert_string_equal(str(cJSON_GetArrayItem(at(d0, "goal"), 0), "reference"),
                        goal_ref[0]);
    assert_string_equal(str(d1, "status"), "completed");
    assert_string_equal(str(d1, "scheduledString"), "by 2026-11-15");
    assert_string_equal(str(d2, "status"), "not-started");
    assert_string_equal(str(d2, "scheduledString"), "by 2026-11-27");
    assert_string_equal(str(cJSON_GetArrayItem(at(d2, "performer"), 0), "reference"),
                        ref);

    /* Goal: one per goal, in the client's words */
    assert_int_equal(count_of(b, "Goal"), 3);
    cJSON *g0 = resource_of(b, "Goal", 0), *g1 = resource_of(b, "Goal", 1),
          *g2 = resource_of(b, "Goal", 2);
    assert_string_equal(str(g0, "lifecycleStatus"), "active");
    assert_string_equal(str(at(g0, "description"), "text"),
                        "I want to walk to church again");
    assert_string_equal(str(cJSON_GetArrayItem(at(g0, "target"), 0), "dueDate"),
                        "2026-12-15");
    assert_string_equal(str(cJSON_GetArrayItem(at(g0, "note"), 0), "text"),
                        "barriers: stairs; short of breath");
    assert_string_equal(str(at(g0, "subject"), "reference"), ref);
    assert_string_equal(str(g1, "lifecycleStatus"), "completed");
    assert_string_equal(
        str(cJSON_GetArrayItem(at(at(g1, "achievementStatus"), "coding"), 0), "code"),
        "achieved");
    assert_string_equal(str(g2, "lifecycleStatus"), "cancelled");
    assert_string_equal(str(g2, "statusReason"), "she would rather not");
    assert_string_equal(str(g2, "statusDate"), "2026-11-20");

    /* MedicationStatement: every medication, stopped once its stop date came */
    assert_int_equal(count_of(b, "MedicationStatement"), 4);
    static const char *const status[] = {"active", "active", "stopped", "stopped"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(str(resource_of(b, "MedicationStatement", i), "status"),
                            status[i]);
    cJSON *m0 = resource_of(b, "MedicationStatement", 0);
    assert_string_equal(str(at(m0, "medicationCodeableConcept"), "text"), "Metoprolol");
    assert_string_equal(str(cJSON_GetArrayItem(at(m0, "dosage"), 0), "text"),
                        "25 mg, by mouth twice a day");
    assert_string_equal(str(at(m0, "effectivePeriod"), "start"), "2026-11-18");
    assert_null(cJSON_GetObjectItemCaseSensitive(at(m0, "effectivePeriod"), "end"));
    assert_string_equal(str(at(m0, "informationSource"), "display"),
                        "discharge-summary");
    assert_string_equal(str(cJSON_GetArrayItem(at(m0, "note"), 0), "text"),
                        "prescribed by Dr. Amara Osei");
    assert_string_equal(str(at(m0, "subject"), "reference"), ref);
    cJSON *m1 = resource_of(b, "MedicationStatement", 1);
    assert_string_equal(str(at(m1, "effectivePeriod"), "end"), "2026-12-01");
    assert_null(cJSON_GetObjectItemCaseSensitive(m1, "note")); /* no prescriber */
    cJSON_Delete(b);
    free(json);
    json = NULL;

    /* to another organization: the accounting counts the new resources */
    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = f->client;
    snprintf(k.kind, sizeof k.kind, "release");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.purpose, sizeof k.purpose, "care coordination");
    snprintf(k.signed_date, sizeof k.signed_date, "2026-11-19");
    k.nrecipients = 1;
    k.recipients[0] = f->org;
    assert_int_equal(consent_record(&f->sys, &k, &err), CC_OK);
    disclose_request out = {
        .client_id = f->client, .to_org = "PCP1", .purpose = "follow-up care"};
    assert_int_equal(disclose_record(&f->coach, &out, fhir_bundle_builder, &json, &err),
                     CC_OK);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM disclosure WHERE organization_id = %lld "
               "AND what LIKE '%%CarePlan 1 Goal 3 MedicationStatement 4%%'",
               (long long)f->org),
        1);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_summary_carries_the_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_without_a_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sharing_passes_the_consent_gate, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fhir_plan_and_medications, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
