/*
 * test_access.c — the role x action x scope matrix, generated from the role
 * table in src/core/access.c: every core function that reads or changes a
 * client's data is called by every role, on a client in the caller's scope
 * and on one outside it. Each call must succeed exactly where the table (and
 * docs/ROLES.md) allows it, and be refused (CC_EREFUSED, audited as
 * "<action>.refused") everywhere else. Also: an account disabled, or whose
 * role changed, is refused at its next call in a session already open.
 *
 * The scene: team North (HSS) with a coach, nurse and scheduler, covered by a
 * social worker and a program manager; team South (NGH transitions) with its
 * own coach. IN is owned by North's coach, OUT by South's; both consented,
 * with an open episode.
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
#include "core/access.h"
#include "core/appointment.h"
#include "core/reach.h"
#include "core/assessment.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/ctx.h"
#include "core/encounter.h"
#include "core/episode.h"
#include "core/guard.h"
#include "core/program.h"
#include "core/referral.h"
#include "core/staff.h"
#include "core/task.h"
#include "core/worklist.h"
#include "testutil.h"

#define NOW   "2026-11-20T12:00:00Z"
#define TODAY "2026-11-20"

static const char *const roles[] = {"coach",         "nurse",           "scheduler",
                                    "social-worker", "program-manager", "supervisor",
                                    "admin"};

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx sys;
    int64_t hss, ngh;
    int64_t in, out;       /* the two clients */
    int64_t in_ep, out_ep; /* their open episodes */
    int seq;               /* makes each call's values unique */
    questionnaire hra;
} fixture;

/* A consented client referred to program, owned by login (NULL: nobody). */
static int64_t scene_client(fixture *f, int64_t prog, const char *login)
{
    cc_err err = {0};
    client c = cf_client("Matrix", "", "");
    snprintf(c.given_name, sizeof c.given_name, "Case%c%c", 'a' + f->seq % 26,
             'a' + f->seq / 26 % 26);
    snprintf(c.dob, sizeof c.dob, "19%02u-0%u-1%u", 30u + (unsigned)f->seq % 30u,
             1u + (unsigned)f->seq % 9u, (unsigned)f->seq % 10u);
    f->seq++;
    assert_int_equal(client_create(&f->sys, &c, CLIENT_ACCEPT_DUPLICATE, NULL, &err),
                     CC_OK);
    referral r;
    memset(&r, 0, sizeof r);
    r.client_id = c.id;
    r.program_id = prog;
    snprintf(r.source_type, sizeof r.source_type, "pcp");
    snprintf(r.received_date, sizeof r.received_date, "2026-11-02");
    assert_int_equal(referral_create(&f->sys, &r, &err), CC_OK);
    cf_consent(&f->sys, c.id, "2026-11-01");
    if (login)
        assert_int_equal(
            client_assign(&f->sys, c.id, cf_staff_id(f->s, login), prog, &err), CC_OK);
    return c.id;
}

static int64_t scene_episode(fixture *f, int64_t cl, int64_t prog)
{
    cc_err err = {0};
    int64_t ep = 0;
    assert_int_equal(episode_start(&f->sys, cl, prog, TODAY, NULL, &ep, &err), CC_OK);
    return ep;
}

static int setup(void **state)
{
    cc_err err = {0};
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "access.db");
    f->s = tu_create(f->db);
    static const char *const people[][2] = {
        {"coach", "coach"},
        {"nurse", "nurse"},
        {"scheduler", "scheduler"},
        {"social-worker", "social-worker"},
        {"program-manager", "program-manager"},
        {"supervisor", "supervisor"},
        {"admin", "admin"},
        {"south-coach", "coach"},
    };
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        cf_staff(f->s, people[i][0], people[i][1], NULL);
    f->sys = ctx_system(f->s);
    f->sys.staff_id = cf_staff_id(f->s, "admin");
    f->hss = cf_program(&f->sys, "hss");
    f->ngh = cf_program(&f->sys, "ct-ngh");
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'North', %lld), "
            "(2, 'South', %lld)",
            (long long)f->hss, (long long)f->ngh);
    cf_exec(f->s,
            "INSERT INTO team_member (team_id, staff_id) VALUES (1, %lld), (1, %lld), "
            "(1, %lld), (2, %lld)",
            (long long)cf_staff_id(f->s, "coach"),
            (long long)cf_staff_id(f->s, "nurse"),
            (long long)cf_staff_id(f->s, "scheduler"),
            (long long)cf_staff_id(f->s, "south-coach"));
    cf_exec(f->s,
            "INSERT INTO team_cover (team_id, staff_id) VALUES (1, %lld), (1, %lld)",
            (long long)cf_staff_id(f->s, "social-worker"),
            (long long)cf_staff_id(f->s, "program-manager"));
    cf_exec(f->s, "UPDATE program SET capacity = 1000");
    f->in = scene_client(f, f->hss, "coach");
    f->out = scene_client(f, f->ngh, "south-coach");
    f->in_ep = scene_episode(f, f->in, f->hss);
    f->out_ep = scene_episode(f, f->out, f->ngh);
    assert_int_equal(questionnaire_load(&f->sys, "hra", &f->hra, &err), CC_OK);
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

/* ---- the operations: each calls one core function on client cl ---------- */

typedef int (*op_fn)(fixture *f, cc_ctx *c, int64_t cl, cc_err *err);

static int op_view(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    client out;
    (void)f;
    return client_view(c, cl, "summary", &out, err);
}

static int op_tab(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    cc_table t;
    (void)f;
    int rc = record_tab(c, cl, "contacts", &t, err);
    table_free(&t);
    return rc;
}

static int op_update(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    client mine, theirs;
    assert_int_equal(client_get(&f->sys, cl, &mine, err), CC_OK);
    snprintf(mine.language, sizeof mine.language, "l%d", f->seq++ % 1000);
    return client_update(c, &mine, &theirs, err);
}

static int op_identifier(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    char value[32];
    snprintf(value, sizeof value, "MRN-%d", f->seq++);
    return client_add_identifier(c, cl, "NGH", value, err);
}

static int op_referral(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    referral r;
    memset(&r, 0, sizeof r);
    r.client_id = cl;
    r.program_id = cf_program(&f->sys, "pasc");
    snprintf(r.source_type, sizeof r.source_type, "self");
    snprintf(r.received_date, sizeof r.received_date, "%s", TODAY);
    return referral_create(c, &r, err);
}

static int op_consent(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    consent p;
    (void)f;
    memset(&p, 0, sizeof p);
    p.client_id = cl;
    snprintf(p.kind, sizeof p.kind, "participation");
    snprintf(p.decision, sizeof p.decision, "granted");
    snprintf(p.signed_date, sizeof p.signed_date, "%s", TODAY);
    return consent_record(c, &p, err);
}

static int op_assess(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    int answers[64] = {0};
    assessment_outcome out;
    return assessment_record(c, cl, cl == f->in ? f->hss : f->ngh, &f->hra, answers,
                             &out, err);
}

static int op_task(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    task t;
    client owner;
    memset(&t, 0, sizeof t);
    assert_int_equal(client_get(&f->sys, cl, &owner, err), CC_OK);
    t.client_id = cl;
    t.owner_id = owner.owner_id;
    snprintf(t.title, sizeof t.title, "call back");
    snprintf(t.due_at, sizeof t.due_at, "2026-11-25T09:00:00Z");
    snprintf(t.origin, sizeof t.origin, "manual");
    return task_add(c, &t, err);
}

static int op_contact(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    contact k;
    (void)f;
    memset(&k, 0, sizeof k);
    k.client_id = cl;
    snprintf(k.kind, sizeof k.kind, "call");
    return contact_log(c, &k, err);
}

static int op_encounter(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    int64_t id;
    (void)f;
    return encounter_record(c, cl, "NGH", "ed", "2026-11-19T03:00:00Z", &id, err);
}

static int op_extend(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    episode e;
    assert_int_equal(episode_get(&f->sys, cl == f->in ? f->in_ep : f->out_ep, &e, err),
                     CC_OK);
    return episode_extend(c, e.id, e.version, 1, "slow recovery", err);
}

/* An unassigned client referred to IN's or OUT's program, given to that
 * program's coach. */
static int op_assign(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    int in = cl == f->in;
    int64_t fresh = scene_client(f, in ? f->hss : f->ngh, NULL);
    return caseload_assign(c, fresh, cf_staff_id(f->s, in ? "coach" : "south-coach"),
                           NULL, err);
}

static int op_reach(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    client_reach r, theirs;
    (void)f;
    memset(&r, 0, sizeof r);
    r.client_id = cl;
    r.preferred = 1;
    snprintf(r.phone1, sizeof r.phone1, "555-201-0101");
    snprintf(r.phone1_kind, sizeof r.phone1_kind, "mobile");
    int rc = reach_save(c, &r, &theirs, err); /* a second save meets the first */
    return rc == CC_ECONFLICT ? CC_OK : rc;
}

static int op_caregiver(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    caregiver g;
    (void)f;
    memset(&g, 0, sizeof g);
    g.client_id = cl;
    snprintf(g.name, sizeof g.name, "Ana Test");
    snprintf(g.relationship, sizeof g.relationship, "child");
    return caregiver_add(c, &g, err);
}

static int op_book(fixture *f, cc_ctx *c, int64_t cl, cc_err *err)
{
    appointment a;
    (void)f;
    memset(&a, 0, sizeof a);
    a.client_id = cl;
    snprintf(a.kind, sizeof a.kind, "pcp");
    snprintf(a.with_org, sizeof a.with_org, "PCP-FV");
    snprintf(a.at, sizeof a.at, "2026-11-26T15:00:00Z");
    a.staff_id = cf_staff_id(f->s, "coach");
    return appointment_book(c, &a, err);
}

static const struct op {
    const char *name, *action;
    op_fn fn;
    int fresh_client; /* the refusal is audited on a client made by the op */
} ops[] = {
    {"client_view", "client.view", op_view, 0},
    {"record_tab", "client.view", op_tab, 0},
    {"client_update", "client.write", op_update, 0},
    {"client_add_identifier", "client.write", op_identifier, 0},
    {"referral_create", "client.write", op_referral, 0},
    {"consent_record", "client.write", op_consent, 0},
    {"assessment_record", "client.write", op_assess, 0},
    {"task_add", "client.write", op_task, 0},
    {"contact_log", "client.write", op_contact, 0},
    {"encounter_record", "client.write", op_encounter, 0},
    {"episode_extend", "client.write", op_extend, 0},
    {"caseload_assign", "caseload.assign", op_assign, 1},
    {"reach_save", "client.write", op_reach, 0},
    {"caregiver_add", "client.write", op_caregiver, 0},
    {"appointment_book", "client.write", op_book, 0},
};

/* What the table in access.c says: the role may take the action, and the
 * client is within reach for it (supervisors read every client). */
static int expected(const char *role, const char *action, int in_scope)
{
    enum access_scope need = access_scope_of(action);
    if (!access_allows(role, action))
        return 0;
    if (need == ACCESS_NONE || in_scope)
        return 1;
    return !strcmp(role, "supervisor") && need == ACCESS_READ;
}

static cc_ctx as_role(fixture *f, const char *role)
{
    cc_ctx c = {.st = f->s, .staff_id = cf_staff_id(f->s, role)};
    snprintf(c.role, sizeof c.role, "%s", role);
    return c;
}

static long long refusals(fixture *f, const char *action)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = '%s.refused'",
             action);
    return tu_int(f->s, sql);
}

static void test_role_action_scope_matrix(void **state)
{
    fixture *f = *state;
    int checked = 0, allowed = 0;
    for (size_t o = 0; o < sizeof ops / sizeof *ops; o++)
        for (size_t r = 0; r < sizeof roles / sizeof *roles; r++)
            for (int in = 1; in >= 0; in--) {
                cc_err err = {0};
                cc_ctx c = as_role(f, roles[r]);
                long long before = refusals(f, ops[o].action);
                int rc = ops[o].fn(f, &c, in ? f->in : f->out, &err);
                int want = expected(roles[r], ops[o].action, in);
                if ((rc == CC_OK) != want || (!want && rc != CC_EREFUSED))
                    fail_msg("%s as %s on a client %s scope: rc %d (%s), expected %s",
                             ops[o].name, roles[r], in ? "in" : "out of", rc, err.msg,
                             want ? "allowed" : "refused");
                if (!want)
                    assert_int_equal(refusals(f, ops[o].action), before + 1);
                checked++;
                allowed += want;
            }
    /* the table is not trivially all-yes or all-no */
    assert_int_equal(checked, (int)(sizeof ops / sizeof *ops) * 7 * 2);
    assert_true(allowed > 0 && allowed < checked);
}

/* The session's role is re-read at every call: a disabled account and a
 * changed role are refused at once, and nothing changes. */
static void test_disabled_or_changed_account_refused_in_open_session(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cc_ctx c = as_role(f, "nurse");
    assert_int_equal(op_contact(f, &c, f->in, &err), CC_OK);
    cf_exec(f->s, "UPDATE staff SET role = 'coach' WHERE login = 'nurse'");
    assert_int_equal(op_contact(f, &c, f->in, &err), CC_EREFUSED);
    assert_non_null(strstr(err.msg, "role changed"));
    cf_exec(f->s, "UPDATE staff SET role = 'nurse', active = 0 WHERE login = 'nurse'");
    long long contacts = tu_int(f->s, "SELECT count(*) FROM contact");
    assert_int_equal(op_contact(f, &c, f->in, &err), CC_EREFUSED);
    assert_non_null(strstr(err.msg, "disabled"));
    client out;
    assert_int_equal(client_view(&c, f->in, "summary", &out, &err), CC_EREFUSED);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM contact"), contacts);
}

/* Outside scope a search shows name and date of birth, never the program;
 * the query and the ids listed are audited. */
static void test_search_withholds_program_outside_scope(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cc_table t;
    cc_ctx c = as_role(f, "coach");
    assert_int_equal(worklist_search(&c, "Matrix", 10, &t, &err), CC_OK);
    assert_int_equal(t.nrows, 2);
    int pcol = table_col(&t, "program"), scol = table_col(&t, "in_scope");
    for (int r = 0; r < t.nrows; r++) {
        int in = atoll(table_cell(&t, r, 0)) == f->in;
        assert_string_equal(table_cell(&t, r, scol), in ? "yes" : "no");
        assert_string_equal(table_cell(&t, r, pcol), in ? "hss" : "");
    }
    table_free(&t);
    char want[96];
    snprintf(want, sizeof want,
             "SELECT count(*) FROM audit WHERE action = 'client.search' AND details "
             "LIKE 'q=Matrix ids=%%%lld%%'",
             (long long)f->out);
    assert_int_equal(tu_int(f->s, want), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_role_action_scope_matrix, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_disabled_or_changed_account_refused_in_open_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_withholds_program_outside_scope,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
