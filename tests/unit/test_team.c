/*
 * test_team.c — the team core against the rules of the issue: caseloads
 * against program capacity (the 35/36 boundary, suggestions by load and
 * high-risk ties), bulk reassignment (one batch, all or none), the warm
 * hand-off state machine (who may accept, decided once, one open per client,
 * expiry after three business days, moves between programs), hand-offs to
 * outside organizations behind the consent gate with an append-only
 * accounting of disclosures, the summary snapshot, no double enrollment in
 * overlapping programs, two receivers accepting at once from two processes,
 * who may see which client (scope, the audited client view, every denied
 * cell of the role matrix) and break-glass access with its expiry, alert and
 * review. The clock is fixed with CARECOORD_NOW on Friday 2026-11-20 12:00Z
 * and moved inside a test where time matters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "casefix.h"
#include "core/access.h"
#include "core/alert.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/ctx.h"
#include "core/episode.h"
#include "core/handoff.h"
#include "core/leave.h"
#include "core/offboard.h"
#include "core/reports.h"
#include "core/team.h"
#include "core/program.h"
#include "core/referral.h"
#include "core/scope.h"
#include "core/staff.h"
#include "core/task.h"
#include "core/worklist.h"
#include "testutil.h"
#include "util/clock.h"

#define NOW   "2026-11-20T12:00:00Z" /* a Friday */
#define TODAY "2026-11-20"

/* Teams (ids fixed by the fixture). */
enum { TEAM_NORTH = 1, TEAM_SOUTH = 2, TEAM_NGH = 3 };

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx; /* the actor of the test */
    cc_ctx sys; /* the program itself, for building the scene */
    int64_t hss, ct_ngh, ct_lmc, pasc;
    int nclients;
} fixture;

static void set_now(const char *iso)
{
    setenv("CARECOORD_NOW", iso, 1);
}

/* Make login (with its role) the actor of f->ctx. */
static cc_ctx *as(fixture *f, const char *login)
{
    return cf_act(&f->ctx, f->s, login);
}

static long long audit_count(fixture *f, const char *action)
{
    return cf_int(f->s, "SELECT count(*) FROM audit WHERE action = '%s'", action);
}

static void member(fixture *f, int team, const char *login)
{
    cf_exec(f->s, "INSERT INTO team_member (team_id, staff_id) VALUES (%d, %lld)", team,
            (long long)cf_staff_id(f->s, login));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    set_now(NOW);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "team.db");
    f->s = tu_create(f->db);
    static const char *const people[][2] = {
        {"admin1", "admin"},        {"sup1", "supervisor"},
        {"pm1", "program-manager"}, {"pm2", "program-manager"},
        {"sw1", "social-worker"},   {"nurse-a", "nurse"},
        {"sched-a", "scheduler"},   {"coach-a1", "coach"},
        {"coach-a2", "coach"},      {"coach-a3", "coach"},
        {"nurse-b", "nurse"},       {"coach-b1", "coach"},
        {"coach-b2", "coach"},      {"nurse-c", "nurse"},
        {"coach-c1", "coach"},
    };
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        cf_staff(f->s, people[i][0], people[i][1], NULL);
    f->sys = ctx_system(f->s);
    f->sys.staff_id =
        cf_staff_id(f->s, "admin1"); /* rows that name who recorded them */
    f->hss = cf_program(&f->sys, "hss");
    f->ct_ngh = cf_program(&f->sys, "ct-ngh");
    f->ct_lmc = cf_program(&f->sys, "ct-lmc");
    f->pasc = cf_program(&f->sys, "pasc");
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'North HSS', %lld), "
            "(2, 'South HSS', %lld), (3, 'NGH Transitions', %lld)",
            (long long)f->hss, (long long)f->hss, (long long)f->ct_ngh);
    member(f, TEAM_NORTH, "nurse-a");
    member(f, TEAM_NORTH, "sched-a");
    member(f, TEAM_NORTH, "coach-a1");
    member(f, TEAM_NORTH, "coach-a2");
    member(f, TEAM_NORTH, "coach-a3");
    member(f, TEAM_SOUTH, "nurse-b");
    member(f, TEAM_SOUTH, "coach-b1");
    member(f, TEAM_SOUTH, "coach-b2");
    member(f, TEAM_NGH, "nurse-c");
    member(f, TEAM_NGH, "coach-c1");
    cf_exec(f->s,
            "INSERT INTO team_cover (team_id, staff_id) VALUES (1, %lld), (1, %lld), "
            "(2, %lld)",
            (long long)cf_staff_id(f->s, "pm1"), (long long)cf_staff_id(f->s, "sw1"),
            (long long)cf_staff_id(f->s, "pm2"));
    as(f, "coach-a1");
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

/* A new client with active participation consent, unassigned. Names and
 * dates of birth differ so intake never sees a possible duplicate. */
static int64_t new_client(fixture *f)
{
    static const char *const fam[] = {
        "Alvarez", "Brooks", "Chen",   "Dubois",   "Eriksen",   "Fofana", "Garcia",
        "Haddad",  "Ito",    "Jensen", "Kowalski", "Lindqvist", "Mensah"};
    cc_err err = {0};
    unsigned n = (unsigned)f->nclients++ % 13440u;
    client c = cf_client(fam[n % 13], "", "");
    snprintf(c.given_name, sizeof c.given_name, "Pat%c%c", 'a' + n % 26,
             'a' + n / 26 % 26);
    snprintf(c.dob, sizeof c.dob, "%u-%02u-%02u", 1920 + n % 40, 1 + n / 40 % 12,
             1 + n / 480 % 28);
    if (client_create(&f->sys, &c, 0, NULL, &err) != CC_OK)
        print_error("client_create: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    cf_consent(&f->sys, c.id, "2026-11-01");
    return c.id;
}

/* A consented, unassigned client referred to program: in the queue of the
 * program's teams, waiting for a program manager to assign it. */
static int64_t referred_client(fixture *f, int64_t program_id)
{
    cc_err err = {0};
    int64_t id = new_client(f);
    referral r;
    memset(&r, 0, sizeof r);
    r.client_id = id;
    r.program_id = program_id;
    snprintf(r.source_type, sizeof r.source_type, "pcp");
    snprintf(r.received_date, sizeof r.received_date, "2026-11-02");
    assert_int_equal(referral_create(&f->sys, &r, &err), CC_OK);
    return id;
}

/* A consented client owned by login in program. */
static int64_t client_owned(fixture *f, const char *login, int64_t program_id)
{
    cc_err err = {0};
    int64_t id = new_client(f);
    assert_int_equal(
        client_assign(&f->sys, id, cf_staff_id(f->s, login), program_id, &err), CC_OK);
    return id;
}

static client get_client(fixture *f, int64_t id)
{
    client c;
    cc_err err = {0};
    assert_int_equal(client_get(&f->sys, id, &c, &err), CC_OK);
    return c;
}

static handoff get_handoff(fixture *f, int64_t id)
{
    handoff h;
    cc_err err = {0};
    assert_int_equal(handoff_get(&f->sys, id, &h, NULL, &err), CC_OK);
    return h;
}

static handoff_target to(const char *kind, int64_t id)
{
    handoff_target t;
    memset(&t, 0, sizeof t);
    snprintf(t.kind, sizeof t.kind, "%s", kind);
    t.id = id;
    return t;
}

/* The actor proposes client to target; must succeed. */
static int64_t propose(fixture *f, int64_t client_id, handoff_target t,
                       const char *note)
{
    cc_err err = {0};
    int64_t id = 0;
    if (handoff_propose(&f->ctx, client_id, &t, note, 0, &id, &err) != CC_OK)
        print_error("handoff_propose: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    assert_true(id > 0);
    return id;
}

static int64_t start_episode(fixture *f, int64_t client_id, int64_t program_id,
                             const char *date, const char *anchor)
{
    cc_err err = {0};
    int64_t ep = 0;
    if (episode_start(&f->sys, client_id, program_id, date, anchor, &ep, &err) != CC_OK)
        print_error("episode_start: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    return ep;
}

/* n active clients for staff in program, by direct SQL: client rows with
 * open light-touch monitoring; the first `high` of them assessed high. */
static void load_coach(fixture *f, const char *login, int64_t program_id, int n,
                       int high)
{
    long long who = (long long)cf_staff_id(f->s, login);
    tu_exec(f->s, "BEGIN");
    for (int i = 0; i < n; i++) {
        cf_exec(
            f->s,
            "INSERT INTO client (family_name, given_name, name_key, dob, zip, payer, "
            "setting, owner_id, program_id, created_at) VALUES ('Load', '%s%d', "
            "'load%s%d', '1940-01-01', '20810', 'medicare', 'home', %lld, %lld, '%s')",
            login, i, login, i, who, (long long)program_id, NOW);
        cf_exec(f->s,
                "INSERT INTO monitoring (client_id, program_id, since_date, "
                "rescreen_date) VALUES (last_insert_rowid(), %lld, '2026-11-01', "
                "'2027-01-30')",
                (long long)program_id);
        if (i < high)
            cf_exec(
                f->s,
                "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
                "staff_id, setting, score, level, drivers) SELECT max(id), %lld, "
                "(SELECT "
                "id FROM questionnaire WHERE code = 'hra'), '%s', %lld, 'home', 12, "
                "'high', 'falls' FROM client",
                (long long)program_id, NOW, who);
    }
    tu_exec(f->s, "COMMIT");
}

/* casefix.c's release, naming the information released: a care summary. */
static consent release_to(int64_t client_id, int64_t org, int substance_use,
                          const char *expires)
{
    consent c = cf_release(client_id, org, substance_use, expires);
    snprintf(c.information, sizeof c.information, "care summary");
    return c;
}

static int64_t grant_release(fixture *f, int64_t client_id, int64_t org, int su,
                             const char *expires)
{
    cc_err err = {0};
    consent c = release_to(client_id, org, su, expires);
    if (consent_record(&f->sys, &c, &err) != CC_OK)
        print_error("consent_record: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    return c.id;
}

/* ---- caseloads --------------------------------------------------------- */

/* Active = owned with an open episode or open monitoring; ended monitoring
 * and clients without either do not count. */
static void test_caseload_counts_only_active_clients(void **state)
{
    fixture *f = *state;
    load_coach(f, "coach-a1", f->hss, 3, 0);
    int64_t ep_client = client_owned(f, "coach-a1", f->hss);
    start_episode(f, ep_client, f->hss, "2026-11-18", NULL);
    client_owned(f, "coach-a1", f->hss); /* neither episode nor monitoring */
    cf_exec(f->s,
            "UPDATE monitoring SET ended_date = '2026-11-19' WHERE client_id = (SELECT "
            "min(id) FROM client WHERE owner_id = %lld)",
            (long long)cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(caseload_active(&f->sys, cf_staff_id(f->s, "coach-a1")), 3);
    assert_int_equal(caseload_active(&f->sys, cf_staff_id(f->s, "coach-a2")), 0);
}

/* The least-loaded coach of the team is suggested; on equal load the one
 * with fewer high-risk clients wins even when its login sorts later. Only
 * coaches are suggested, and the program's capacity (35) comes along. */
static void test_caseload_suggest_least_loaded_ties_fewest_high(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    caseload_entry e;
    load_coach(f, "coach-a1", f->hss, 2, 0);
    load_coach(f, "coach-a2", f->hss, 1, 1);
    load_coach(f, "coach-a3", f->hss, 1, 0);
    assert_int_equal(caseload_suggest(as(f, "pm1"), TEAM_NORTH, &e, &err), CC_OK);
    assert_int_equal(e.staff_id, cf_staff_id(f->s, "coach-a3"));
    assert_string_equal(e.login, "coach-a3");
    assert_int_equal(e.active, 1);
    assert_int_equal(e.high, 0);
    assert_int_equal(e.capacity, 35);

    caseload_entry *list = NULL;
    int n = 0;
    assert_int_equal(caseload_team(&f->ctx, TEAM_NORTH, &list, &n, &err), CC_OK);
    assert_int_equal(n, 3); /* nurse-a and sched-a are not coaches */
    assert_string_equal(list[0].login, "coach-a3");
    assert_string_equal(list[1].login, "coach-a2");
    assert_int_equal(list[1].high, 1);
    assert_string_equal(list[2].login, "coach-a1");
    assert_int_equal(list[2].active, 2);
    free(list);

    /* one more client for coach-a3: now coach-a2 (1 active) is the least loaded */
    load_coach(f, "coach-a3", f->hss, 1, 0);
    assert_int_equal(caseload_suggest(&f->ctx, TEAM_NORTH, &e, &err), CC_OK);
    assert_string_equal(e.login, "coach-a2");
}

static void test_caseload_suggest_team_without_coach_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    caseload_entry e;
    cf_exec(f->s, "INSERT INTO team (id, name, program_id) VALUES (9, 'Empty', %lld)",
            (long long)f->hss);
    cf_exec(f->s, "INSERT INTO team_member VALUES (9, %lld)",
            (long long)cf_staff_id(f->s, "sup1"));
    assert_int_equal(caseload_suggest(as(f, "pm1"), 9, &e, &err), CC_EINPUT);
    cf_expect_msg(&err, "no coach");
}

/* 34 -> 35 is within capacity: no reason needed. */
static void test_caseload_assign_34_to_35_without_reason(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    load_coach(f, "coach-a1", f->hss, 34, 0);
    assert_int_equal(caseload_active(&f->sys, cf_staff_id(f->s, "coach-a1")), 34);
    int64_t cl = referred_client(f, f->hss);
    if (caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a1"), NULL, &err) !=
        CC_OK)
        print_error("caseload_assign: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(c.program_id, f->hss);
    assert_int_equal(audit_count(f, "caseload.assign"), 1);
}

/* 35 -> 36 is over capacity: refused without a reason, saying the load;
 * allowed with one, and the reason is in the audit entry. */
static void test_caseload_assign_35_to_36_needs_reason(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char details[300];
    load_coach(f, "coach-a1", f->hss, 35, 0);
    int64_t cl = referred_client(f, f->hss);
    as(f, "pm1");
    assert_int_equal(
        caseload_assign(&f->ctx, cl, cf_staff_id(f->s, "coach-a1"), NULL, &err),
        CC_EINPUT);
    cf_expect_msg(&err, "would carry 36/35");
    assert_int_equal(get_client(f, cl).owner_id, 0);
    assert_int_equal(
        caseload_assign(&f->ctx, cl, cf_staff_id(f->s, "coach-a1"), "", &err),
        CC_EINPUT);
    assert_int_equal(get_client(f, cl).owner_id, 0);
    assert_int_equal(audit_count(f, "caseload.assign"), 0);

    cc_err_clear(&err);
    assert_int_equal(caseload_assign(&f->ctx, cl, cf_staff_id(f->s, "coach-a1"),
                                     "only Spanish-speaking coach", &err),
                     CC_OK);
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(audit_count(f, "caseload.assign"), 1);
    cf_text(f->s, "SELECT details FROM audit WHERE action = 'caseload.assign'", details,
            sizeof details);
    assert_non_null(strstr(details, "only Spanish-speaking coach"));
    assert_non_null(strstr(details, "36/35"));
}

/* A client with an owner moves only by hand-off. */
/* Assignment checks scope and the assignee: a program manager assigns only
 * clients of the teams they cover, to an active member of a team of the
 * client's program; refusals are audited and change nothing. */
static void test_caseload_assign_scope_and_assignee(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ngh = referred_client(f, f->ct_ngh); /* NGH's queue: pm1 covers North */
    assert_int_equal(
        caseload_assign(as(f, "pm1"), ngh, cf_staff_id(f->s, "coach-c1"), NULL, &err),
        CC_EREFUSED);
    assert_int_equal(get_client(f, ngh).owner_id, 0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'caseload.assign.refused' AND object = 'client:%lld'",
                            (long long)ngh),
                     1);
    int64_t cl = referred_client(f, f->hss);
    /* coach-c1 works for NGH, not for the client's program */
    assert_int_equal(
        caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-c1"), NULL, &err),
        CC_EINPUT);
    cf_expect_msg(&err, "not an active member");
    cf_exec(f->s, "UPDATE staff SET active = 0 WHERE login = 'coach-a2'");
    assert_int_equal(
        caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a2"), NULL, &err),
        CC_EINPUT);
    /* a coach may not assign at all */
    assert_int_equal(caseload_assign(as(f, "coach-a1"), cl,
                                     cf_staff_id(f->s, "coach-a1"), NULL, &err),
                     CC_EREFUSED);
    assert_int_equal(get_client(f, cl).owner_id, 0);
    assert_int_equal(
        caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a1"), NULL, &err),
        CC_OK);
}

/* A coach accepting a hand-off that takes them over capacity gives a reason,
 * like an assignment; without one nothing changes. */
static void test_handoff_accept_over_capacity_needs_reason(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id;
    load_coach(f, "coach-a2", f->hss, 35, 0);
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    handoff_target t = to("staff", cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl, &t, NULL, 0, &id, &err),
                     CC_OK);
    assert_int_equal(handoff_accept(as(f, "coach-a2"), id, NULL, &err), CC_EINPUT);
    cf_expect_msg(&err, "would carry 36/35");
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_string_equal(get_handoff(f, id).state, "proposed");
    assert_int_equal(
        handoff_accept(as(f, "coach-a2"), id, "covering a colleague", &err), CC_OK);
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a2"));
    assert_string_equal(get_handoff(f, id).reason, "covering a colleague");
}

/* A proposal past its expiry reads as expired before anyone writes it down. */
static void test_handoff_expiry_takes_effect_on_read(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    handoff_target t = to("staff", cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl, &t, NULL, 0, &id, &err),
                     CC_OK);
    set_now("2026-11-26T12:00:01Z"); /* three business days after a Friday noon */
    handoff h;
    assert_int_equal(handoff_show(as(f, "coach-a2"), id, &h, NULL, &err), CC_OK);
    assert_string_equal(h.state, "expired");
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff WHERE state = "
                                  "'proposed'"),
                     1); /* not yet written down, but read as expired */
    assert_int_equal(handoff_accept(as(f, "coach-a2"), id, NULL, &err), CC_EINPUT);
}

/* An alert is resolved by its addressee with a note and leaves the inbox and
 * the header count; a break-glass alert is resolved by the grant's review. */
static void test_alert_resolution(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    worklist_counts n;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    cf_exec(f->s,
            "INSERT INTO alert (client_id, kind, for_role, for_staff_id, details, "
            "created_at) VALUES (%lld, 'risk-rise', 'nurse', %lld, 'moderate -> high', "
            "'%s')",
            (long long)cl, (long long)cf_staff_id(f->s, "nurse-a"), NOW);
    int64_t id = cf_int(f->s, "SELECT max(id) FROM alert");
    assert_int_equal(
        worklist_counts_for(as(f, "nurse-a"), cf_staff_id(f->s, "nurse-a"), &n, &err),
        CC_OK);
    assert_int_equal(n.alerts, 1);
    assert_int_equal(alert_resolve(as(f, "nurse-b"), id, "called", &err), CC_EREFUSED);
    assert_int_equal(alert_resolve(as(f, "nurse-a"), id, "", &err), CC_EINPUT);
    assert_int_equal(alert_acknowledge(as(f, "nurse-a"), id, &err), CC_OK);
    assert_int_equal(
        worklist_counts_for(&f->ctx, cf_staff_id(f->s, "nurse-a"), &n, &err), CC_OK);
    assert_int_equal(n.alerts, 1); /* seen, not yet dealt with */
    assert_int_equal(
        alert_resolve(&f->ctx, id, "called the client; PCP visit booked", &err), CC_OK);
    assert_int_equal(
        worklist_counts_for(&f->ctx, cf_staff_id(f->s, "nurse-a"), &n, &err), CC_OK);
    assert_int_equal(n.alerts, 0);
    assert_int_equal(alert_resolve(&f->ctx, id, "again", &err), CC_EINPUT);
    assert_int_equal(audit_count(f, "alert.resolve"), 1);

    /* break-glass: the supervisors' alert goes with the review */
    int64_t other = client_owned(f, "coach-b1", f->hss), grant;
    assert_int_equal(scope_break_glass(as(f, "coach-a1"), other,
                                       "on call: client fell at home", 30, &grant,
                                       &err),
                     CC_OK);
    int64_t bg = cf_int(f->s, "SELECT max(id) FROM alert");
    assert_int_equal(alert_resolve(as(f, "sup1"), bg, "fine", &err), CC_EINPUT);
    cf_expect_msg(&err, "review");
    assert_int_equal(worklist_counts_for(&f->ctx, cf_staff_id(f->s, "sup1"), &n, &err),
                     CC_OK);
    assert_int_equal(n.alerts, 1);
    assert_int_equal(scope_review(&f->ctx, grant, "justified: on-call night", &err),
                     CC_OK);
    assert_int_equal(worklist_counts_for(&f->ctx, cf_staff_id(f->s, "sup1"), &n, &err),
                     CC_OK);
    assert_int_equal(n.alerts, 0);
}

static void test_caseload_assign_owned_client_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    assert_int_equal(caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a2"),
                                     "rebalancing", &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "hand-off");
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* ---- bulk reassignment ------------------------------------------------- */

/* A set of clients moves in one operation: one warm hand-off each, one note,
 * one batch number; owners stay until each is accepted. */
static void test_bulk_handoff_one_batch_one_note(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ids[3], batch = 0, batch2 = 0;
    for (int i = 0; i < 3; i++)
        ids[i] = client_owned(f, "coach-a1", f->hss);
    handoff_target t = to("staff", cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(handoff_bulk(as(f, "coach-a1"), ids, 3, &t,
                                  "coach-a1 leaves in December", &batch, &err),
                     CC_OK);
    assert_true(batch > 0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM handoff WHERE batch = %lld AND state "
                            "= 'proposed' AND note = 'coach-a1 leaves in December' AND "
                            "to_staff_id = %lld",
                            (long long)batch, (long long)cf_staff_id(f->s, "coach-a2")),
                     3);
    assert_int_equal(cf_int(f->s, "SELECT count(DISTINCT client_id) FROM handoff"), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(get_client(f, ids[i]).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(audit_count(f, "handoff.bulk"), 1);

    /* each one is accepted as its own warm hand-off */
    as(f, "coach-a2");
    int64_t h0 = cf_int(f->s, "SELECT id FROM handoff WHERE client_id = %lld",
                        (long long)ids[0]);
    assert_int_equal(handoff_accept(&f->ctx, h0, NULL, &err), CC_OK);
    assert_int_equal(get_client(f, ids[0]).owner_id, cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(get_client(f, ids[1]).owner_id, cf_staff_id(f->s, "coach-a1"));

    /* a second bulk gets its own batch number */
    int64_t more[2] = {client_owned(f, "coach-a3", f->hss),
                       client_owned(f, "coach-a3", f->hss)};
    assert_int_equal(
        handoff_bulk(as(f, "coach-a3"), more, 2, &t, "rebalance", &batch2, &err),
        CC_OK);
    assert_true(batch2 > 0);
    assert_true(batch2 != batch);
}

/* A departing coach's whole caseload, moved by the covering program manager
 * to another team; count says how many. */
static void test_bulk_caseload_departing_coach(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t batch = 0, ids[4];
    int count = 0;
    for (int i = 0; i < 4; i++)
        ids[i] = client_owned(f, "coach-a3", f->hss);
    start_episode(f, ids[0], f->hss, "2026-11-18", NULL);
    int64_t other = client_owned(f, "coach-a1", f->hss);
    handoff_target t = to("team", TEAM_SOUTH);
    assert_int_equal(handoff_bulk_caseload(as(f, "pm1"), cf_staff_id(f->s, "coach-a3"),
                                           &t, "coach-a3 retires", &batch, &count,
                                           &err),
                     CC_OK);
    assert_int_equal(count, 4);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM handoff WHERE batch = %lld AND "
                            "to_team_id = %d AND state = 'proposed' AND from_staff_id "
                            "= %lld AND note = 'coach-a3 retires'",
                            (long long)batch, TEAM_SOUTH,
                            (long long)cf_staff_id(f->s, "coach-a3")),
                     4);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff WHERE client_id = %lld",
                            (long long)other),
                     0);
    int64_t h = cf_int(f->s, "SELECT id FROM handoff WHERE client_id = %lld",
                       (long long)ids[0]);
    assert_int_equal(handoff_accept(as(f, "coach-b1"), h, NULL, &err), CC_OK);
    assert_int_equal(get_client(f, ids[0]).owner_id, cf_staff_id(f->s, "coach-b1"));
    assert_int_equal(get_client(f, ids[1]).owner_id, cf_staff_id(f->s, "coach-a3"));
}

/* All or none: one client that cannot be proposed (an open hand-off
 * already; not the actor's) stops the whole batch. */
static void test_bulk_all_or_none(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t batch = 0, ids[3];
    char idtext[24];
    for (int i = 0; i < 3; i++)
        ids[i] = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    propose(f, ids[1], to("staff", cf_staff_id(f->s, "coach-a3")), "already moving");
    long long before = cf_int(f->s, "SELECT count(*) FROM handoff");
    long long audits = cf_int(f->s, "SELECT count(*) FROM audit");
    handoff_target t = to("staff", cf_staff_id(f->s, "coach-a2"));
    assert_int_not_equal(handoff_bulk(&f->ctx, ids, 3, &t, "bulk", &batch, &err),
                         CC_OK);
    snprintf(idtext, sizeof idtext, "%lld", (long long)ids[1]);
    cf_expect_msg(&err, idtext);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), before);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM audit"), audits);

    /* a client of someone else in the set: none moves either */
    int64_t mixed[3] = {ids[0], client_owned(f, "coach-b1", f->hss), ids[2]};
    cc_err_clear(&err);
    assert_int_equal(handoff_bulk(&f->ctx, mixed, 3, &t, "bulk", &batch, &err),
                     CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), before);

    /* the departing coach's caseload with one client already moving */
    int count = 0;
    assert_int_not_equal(handoff_bulk_caseload(as(f, "pm1"),
                                               cf_staff_id(f->s, "coach-a1"), &t,
                                               "bulk", &batch, &count, &err),
                         CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), before);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM handoff WHERE batch IS NOT NULL"), 0);
}

/* ---- warm hand-offs ---------------------------------------------------- */

/* The sender keeps the client until the named staff member accepts. */
static void test_handoff_to_staff_owner_moves_only_on_accept(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("staff", cf_staff_id(f->s, "coach-a2")),
                        "family asks for Spanish");
    handoff got = get_handoff(f, h);
    assert_string_equal(got.state, "proposed");
    assert_int_equal(got.from_staff_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(got.from_program_id, f->hss);
    assert_string_equal(got.to.kind, "staff");
    assert_int_equal(got.to.id, cf_staff_id(f->s, "coach-a2"));
    assert_string_equal(got.note, "family asks for Spanish");
    assert_string_equal(got.proposed_at, NOW);
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));

    set_now("2026-11-23T09:00:00Z");
    assert_int_equal(handoff_accept(as(f, "coach-a2"), h, NULL, &err), CC_OK);
    got = get_handoff(f, h);
    assert_string_equal(got.state, "accepted");
    assert_int_equal(got.decided_by, cf_staff_id(f->s, "coach-a2"));
    assert_string_equal(got.decided_at, "2026-11-23T09:00:00Z");
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(c.program_id, f->hss);
    assert_int_equal(audit_count(f, "handoff.decide"), 1);
}

static void test_handoff_to_team_accepted_by_member(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("team", TEAM_SOUTH), "moved to the south side");
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(handoff_accept(as(f, "coach-b2"), h, NULL, &err), CC_OK);
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, cf_staff_id(f->s, "coach-b2"));
    assert_int_equal(c.program_id, f->hss);
    assert_string_equal(get_handoff(f, h).state, "accepted");
}

static void test_handoff_to_program_accepted_by_team_member(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-c1", f->ct_ngh);
    as(f, "coach-c1");
    int64_t h = propose(f, cl, to("program", f->hss), "senior at home: HSS");
    assert_int_equal(handoff_accept(as(f, "coach-b1"), h, NULL, &err), CC_OK);
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, cf_staff_id(f->s, "coach-b1"));
    assert_int_equal(c.program_id, f->hss);
}

/* Someone who is not a receiver cannot accept (or decline); nothing moves. */
static void test_handoff_non_receiver_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t c2 = client_owned(f, "coach-a1", f->hss);
    int64_t c3 = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h1 = propose(f, c1, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    int64_t h2 = propose(f, c2, to("team", TEAM_SOUTH), NULL);
    int64_t h3 = propose(f, c3, to("program", f->ct_ngh), NULL);

    assert_int_equal(handoff_accept(as(f, "coach-a3"), h1, NULL, &err), CC_EREFUSED);
    assert_int_equal(handoff_accept(as(f, "coach-a2"), h2, NULL, &err), CC_EREFUSED);
    assert_int_equal(handoff_accept(as(f, "coach-b1"), h3, NULL, &err), CC_EREFUSED);
    assert_int_equal(handoff_accept(as(f, "pm1"), h2, NULL, &err), CC_EREFUSED);
    assert_int_equal(handoff_decline(as(f, "coach-a3"), h1, "not mine", &err),
                     CC_EREFUSED);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM handoff WHERE state = 'proposed'"), 3);
    assert_int_equal(get_client(f, c1).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(get_client(f, c2).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(get_client(f, c3).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* Only the owner (or a program manager covering the owner's team) proposes. */
static void test_handoff_propose_only_owner_or_covering_pm(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    handoff_target t = to("staff", cf_staff_id(f->s, "coach-a3"));
    assert_int_equal(handoff_propose(as(f, "coach-a2"), cl, &t, NULL, 0, &id, &err),
                     CC_EREFUSED);
    assert_int_equal(handoff_propose(as(f, "pm2"), cl, &t, NULL, 0, &id, &err),
                     CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), 0);
    cc_err_clear(&err);
    assert_int_equal(handoff_propose(as(f, "pm1"), cl, &t, NULL, 0, &id, &err), CC_OK);
    assert_int_equal(get_handoff(f, id).from_staff_id, cf_staff_id(f->s, "coach-a1"));

    int64_t unassigned = new_client(f); /* no owner, no referral: nobody's */
    assert_int_equal(
        handoff_propose(as(f, "coach-a1"), unassigned, &t, NULL, 0, &id, &err),
        CC_EREFUSED);
}

/* Declining needs a reason; the sender keeps the client. */
static void test_handoff_decline_with_reason_sender_keeps(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    as(f, "coach-a2");
    assert_int_equal(handoff_decline(&f->ctx, h, "", &err), CC_EINPUT);
    assert_int_equal(handoff_decline(&f->ctx, h, NULL, &err), CC_EINPUT);
    assert_string_equal(get_handoff(f, h).state, "proposed");
    assert_int_equal(handoff_decline(&f->ctx, h, "caseload full this month", &err),
                     CC_OK);
    handoff got = get_handoff(f, h);
    assert_string_equal(got.state, "declined");
    assert_string_equal(got.reason, "caseload full this month");
    assert_int_equal(got.decided_by, cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* The sender (not a receiver, not another coach) withdraws. */
static void test_handoff_withdraw_by_sender(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    assert_int_equal(handoff_withdraw(as(f, "coach-a2"), h, &err), CC_EREFUSED);
    assert_int_equal(handoff_withdraw(as(f, "coach-a3"), h, &err), CC_EREFUSED);
    assert_string_equal(get_handoff(f, h).state, "proposed");
    assert_int_equal(handoff_withdraw(as(f, "coach-a1"), h, &err), CC_OK);
    assert_string_equal(get_handoff(f, h).state, "withdrawn");
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* A program manager who does not cover the sender's team is not the sender
 * and may not withdraw (nor record an outside acceptance) for it. */
static void test_handoff_withdraw_by_other_program_manager_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ho = 0;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    int64_t cl2 = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl2, payer, 0, NULL);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    handoff_target t = to("organization", payer);
    assert_int_equal(handoff_propose(&f->ctx, cl2, &t, NULL, 0, &ho, &err), CC_OK);

    /* pm2 covers team South only */
    int rc_withdraw = handoff_withdraw(as(f, "pm2"), h, &err);
    int rc_outside = handoff_record_outside(&f->ctx, ho, "someone", "phone", &err);
    if (rc_withdraw == CC_OK || rc_outside == CC_OK)
        print_error(
            "pm2 (covers South) acted as sender for a North coach: withdraw %d, "
            "record outside %d\n",
            rc_withdraw, rc_outside);
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(rc_withdraw, CC_EREFUSED);
    assert_string_equal(get_handoff(f, h).state, "proposed");
    assert_int_equal(rc_outside, CC_EREFUSED);
    assert_string_equal(get_handoff(f, ho).state, "proposed");
    assert_int_equal(get_client(f, cl2).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(handoff_withdraw(as(f, "coach-a1"), h, &err), CC_OK);
}

/* A decided hand-off is decided once: any second decision conflicts. */
static void test_handoff_decided_cannot_be_decided_again(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t c2 = client_owned(f, "coach-a1", f->hss);
    int64_t c3 = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t ha = propose(f, c1, to("team", TEAM_SOUTH), NULL);
    int64_t hd = propose(f, c2, to("team", TEAM_SOUTH), NULL);
    int64_t hw = propose(f, c3, to("team", TEAM_SOUTH), NULL);

    assert_int_equal(handoff_accept(as(f, "coach-b1"), ha, NULL, &err), CC_OK);
    assert_int_equal(handoff_accept(&f->ctx, ha, NULL, &err), CC_ECONFLICT);
    assert_int_equal(handoff_accept(as(f, "coach-b2"), ha, NULL, &err), CC_ECONFLICT);
    assert_int_equal(handoff_decline(&f->ctx, ha, "too late", &err), CC_ECONFLICT);
    assert_int_equal(handoff_withdraw(as(f, "coach-a1"), ha, &err), CC_ECONFLICT);
    assert_int_equal(get_client(f, c1).owner_id, cf_staff_id(f->s, "coach-b1"));

    assert_int_equal(handoff_decline(as(f, "coach-b2"), hd, "full", &err), CC_OK);
    assert_int_equal(handoff_accept(as(f, "coach-b1"), hd, NULL, &err), CC_ECONFLICT);
    assert_int_equal(handoff_withdraw(as(f, "coach-a1"), hd, &err), CC_ECONFLICT);
    assert_int_equal(get_client(f, c2).owner_id, cf_staff_id(f->s, "coach-a1"));

    assert_int_equal(handoff_withdraw(as(f, "coach-a1"), hw, &err), CC_OK);
    assert_int_equal(handoff_accept(as(f, "coach-b1"), hw, NULL, &err), CC_ECONFLICT);
    assert_int_equal(handoff_decline(&f->ctx, hw, "gone", &err), CC_ECONFLICT);
    assert_int_equal(get_client(f, c3).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_string_equal(get_handoff(f, hw).state, "withdrawn");
}

/* One open hand-off per client; once decided, a new one may be proposed. */
static void test_handoff_one_open_per_client(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    handoff_target t = to("team", TEAM_SOUTH);
    assert_int_not_equal(handoff_propose(&f->ctx, cl, &t, NULL, 0, &id, &err), CC_OK);
    cf_expect_msg(&err, "hand-off");
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), 1);
    assert_int_equal(handoff_withdraw(&f->ctx, h, &err), CC_OK);
    cc_err_clear(&err);
    assert_int_equal(handoff_propose(&f->ctx, cl, &t, NULL, 0, &id, &err), CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff"), 2);
}

/* Business days skip Saturday and Sunday; the count is a setting. */
static void test_handoff_business_days(void **state)
{
    fixture *f = *state;
    char out[21];
    int64_t fri = 0;
    assert_int_equal(clock_parse_iso(NOW, &fri), 0);
    handoff_business_days(fri, 3, out);
    assert_string_equal(out, "2026-11-25T12:00:00Z");
    handoff_business_days(fri, 1, out);
    assert_string_equal(out, "2026-11-23T12:00:00Z");
    handoff_business_days(fri - 4 * 86400, 3, out); /* Monday -> Thursday */
    assert_string_equal(out, "2026-11-19T12:00:00Z");
    handoff_business_days(fri + 86400, 1, out); /* Saturday -> Monday */
    assert_string_equal(out, "2026-11-23T12:00:00Z");

    int64_t cl = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    assert_string_equal(
        get_handoff(f, propose(f, cl, to("team", TEAM_SOUTH), NULL)).expires_at,
        "2026-11-25T12:00:00Z");
    tu_exec(f->s,
            "UPDATE meta SET value = '5' WHERE key = 'handoff_expiry_business_days'");
    int64_t cl2 = client_owned(f, "coach-a1", f->hss);
    assert_string_equal(
        get_handoff(f, propose(f, cl2, to("team", TEAM_SOUTH), NULL)).expires_at,
        "2026-11-27T12:00:00Z");
}

/* Proposed Friday 12:00Z: at 11:59:59 on Wednesday accept still works; at
 * 12:00:00 it is refused as expired (CC_EINPUT, handoff.h) and the state
 * becomes expired; the sender keeps the client. */
static void test_handoff_expires_after_three_business_days(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t c2 = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h1 = propose(f, c1, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    int64_t h2 = propose(f, c2, to("staff", cf_staff_id(f->s, "coach-a2")), NULL);
    assert_string_equal(get_handoff(f, h1).expires_at, "2026-11-25T12:00:00Z");

    set_now("2026-11-25T11:59:59Z");
    assert_int_equal(handoff_accept(as(f, "coach-a2"), h1, NULL, &err), CC_OK);
    assert_int_equal(get_client(f, c1).owner_id, cf_staff_id(f->s, "coach-a2"));

    set_now("2026-11-25T12:00:00Z");
    int rc = handoff_accept(&f->ctx, h2, NULL, &err);
    assert_int_not_equal(rc, CC_OK);
    assert_string_equal(get_handoff(f, h2).state, "expired");
    assert_int_equal(get_client(f, c2).owner_id, cf_staff_id(f->s, "coach-a1"));
    if (rc != CC_EINPUT)
        print_error("accept of an expired hand-off returned %d (%s), handoff.h says "
                    "CC_EINPUT\n",
                    rc, err.msg);
    assert_int_equal(rc, CC_EINPUT);
}

/* handoff_expire_due marks what is due and nothing else; an expired
 * hand-off cannot be declined or withdrawn any more. */
static void test_handoff_expire_due(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int n = -1;
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t c2 = client_owned(f, "coach-a1", f->hss);
    as(f, "coach-a1");
    int64_t h1 = propose(f, c1, to("team", TEAM_SOUTH), NULL);
    set_now("2026-11-23T12:00:00Z"); /* Monday: expires Thursday */
    int64_t h2 = propose(f, c2, to("team", TEAM_SOUTH), NULL);

    set_now("2026-11-25T11:59:59Z");
    assert_int_equal(handoff_expire_due(&f->ctx, &n, &err), CC_OK);
    assert_int_equal(n, 0);
    set_now("2026-11-25T12:00:00Z");
    assert_int_equal(handoff_expire_due(&f->ctx, &n, &err), CC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(get_handoff(f, h1).state, "expired");
    assert_string_equal(get_handoff(f, h2).state, "proposed");
    assert_int_not_equal(handoff_withdraw(&f->ctx, h1, &err), CC_OK);
    assert_int_not_equal(handoff_decline(as(f, "coach-b1"), h1, "late", &err), CC_OK);
    assert_string_equal(get_handoff(f, h1).state, "expired");
    assert_int_equal(get_client(f, c1).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* ct-ngh -> hss: on acceptance the old program's open episode closes as
 * transferred and its open tasks are cancelled; before it, nothing changes. */
static void test_handoff_between_programs_transfers_episode(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    episode e;
    int64_t cl = client_owned(f, "coach-c1", f->ct_ngh);
    int64_t ep = start_episode(f, cl, f->ct_ngh, "2026-11-19", "2026-11-19T08:00:00Z");
    long long tasks = cf_int(f->s,
                             "SELECT count(*) FROM task WHERE episode_id = %lld AND "
                             "completed_at IS NULL AND cancelled_at IS NULL",
                             (long long)ep);
    assert_true(tasks > 0);
    as(f, "coach-c1");
    int64_t h = propose(f, cl, to("team", TEAM_NORTH), "lives at home, 78: HSS");
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_string_equal(e.closed_date, "");

    set_now("2026-11-23T10:00:00Z");
    assert_int_equal(handoff_accept(as(f, "coach-a1"), h, NULL, &err), CC_OK);
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(c.program_id, f->hss);
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_string_equal(e.outcome, "transferred");
    assert_string_equal(e.closed_date, "2026-11-23");
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE episode_id = %lld AND "
                            "cancelled_at = '2026-11-23T10:00:00Z'",
                            (long long)ep),
                     tasks);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE client_id = %lld AND "
                            "completed_at IS NULL AND cancelled_at IS NULL",
                            (long long)cl),
                     0);
    /* no longer active in ct-ngh: HSS may enroll */
    start_episode(f, cl, f->hss, "2026-11-23", NULL);
}

/* Within one program the episode carries on with the new owner. */
static void test_handoff_same_program_keeps_episode(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    episode e;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    int64_t ep = start_episode(f, cl, f->hss, "2026-11-18", NULL);
    as(f, "coach-a1");
    int64_t h = propose(f, cl, to("team", TEAM_SOUTH), NULL);
    assert_int_equal(handoff_accept(as(f, "coach-b1"), h, NULL, &err), CC_OK);
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_string_equal(e.closed_date, "");
    assert_int_equal(episode_open_for(&f->sys, cl, f->hss), ep);
}

/* ---- outside organizations --------------------------------------------- */

static void expect_outside_refused(fixture *f, int64_t cl, int64_t org, int su,
                                   const char *needle)
{
    cc_err err = {0};
    int64_t id = 0;
    handoff_target t = to("organization", org);
    assert_int_equal(
        handoff_propose(as(f, "coach-a1"), cl, &t, "to payer CM", su, &id, &err),
        CC_EREFUSED);
    cf_expect_msg(&err, needle);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM handoff WHERE client_id = %lld",
                            (long long)cl),
                     0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM disclosure WHERE client_id = %lld",
                            (long long)cl),
                     0);
}

static void test_outside_handoff_missing_consent_refused(void **state)
{
    fixture *f = *state;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    expect_outside_refused(f, cl, payer, 0, "release-of-information");
    expect_outside_refused(f, cl, payer, 0, "Keystone Health Plan Case Management");
    grant_release(f, cl, cf_org(f->s, "PCP-FV"), 0, NULL); /* names someone else */
    expect_outside_refused(f, cl, payer, 0, "release-of-information");
}

/* Expired the day before: refused; expiring today: still active. */
static void test_outside_handoff_expired_consent_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl, payer, 0, "2026-11-19");
    expect_outside_refused(f, cl, payer, 0, "release-of-information");

    int64_t cl2 = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl2, payer, 0, TODAY);
    handoff_target t = to("organization", payer);
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl2, &t, NULL, 0, &id, &err),
                     CC_OK);
}

static void test_outside_handoff_revoked_consent_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    int64_t cons = grant_release(f, cl, payer, 0, NULL);
    assert_int_equal(consent_revoke(&f->sys, cons, TODAY, "client asked", &err), CC_OK);
    expect_outside_refused(f, cl, payer, 0, "release-of-information");
}

/* Substance-use information needs a consent that covers it. */
static void test_outside_handoff_substance_use_needs_its_consent(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl, payer, 0, NULL);
    expect_outside_refused(f, cl, payer, 1, "substance-use");
    expect_outside_refused(f, cl, payer, 1, "Keystone Health Plan Case Management");

    int64_t cl2 = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl2, payer, 1, NULL);
    handoff_target t = to("organization", payer);
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl2, &t, NULL, 1, &id, &err),
                     CC_OK);
    assert_int_equal(get_handoff(f, id).substance_use, 1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM disclosure WHERE client_id = %lld AND "
               "substance_use = 1 AND handoff_id = %lld",
               (long long)cl2, (long long)id),
        1);
}

/* With the right consent: proposed AND recorded as a disclosure. */
static void test_outside_handoff_recorded_as_disclosure(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    char what[256], purpose[128], at[32];
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl, payer, 0, NULL);
    handoff_target t = to("organization", payer);
    assert_int_equal(
        handoff_propose(as(f, "coach-a1"), cl, &t, "insured: payer CM", 0, &id, &err),
        CC_OK);
    handoff h = get_handoff(f, id);
    assert_string_equal(h.state, "proposed");
    assert_string_equal(h.to.kind, "organization");
    assert_int_equal(h.to.id, payer);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM disclosure WHERE client_id = %lld AND "
               "organization_id = %lld AND staff_id = %lld AND handoff_id "
               "= %lld",
               (long long)cl, (long long)payer,
               (long long)cf_staff_id(f->s, "coach-a1"), (long long)id),
        1);
    cf_text(f->s, "SELECT what FROM disclosure", what, sizeof what);
    cf_text(f->s, "SELECT purpose FROM disclosure", purpose, sizeof purpose);
    cf_text(f->s, "SELECT at FROM disclosure", at, sizeof at);
    assert_true(what[0] != '\0');
    assert_true(purpose[0] != '\0');
    assert_string_equal(at, NOW);
    assert_int_equal(audit_count(f, "disclosure"), 1);
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));
}

/* The sender records the organization's acceptance: the client leaves the
 * program (no owner, no program, episode closed as transferred). Nobody
 * inside "accepts" it, and only the sender records it. */
static void test_outside_record_acceptance_client_leaves(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    episode e;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    int64_t ep = start_episode(f, cl, f->hss, "2026-11-18", NULL);
    grant_release(f, cl, payer, 0, NULL);
    handoff_target t = to("organization", payer);
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl, &t, NULL, 0, &id, &err),
                     CC_OK);

    assert_int_not_equal(handoff_accept(as(f, "coach-a2"), id, NULL, &err), CC_OK);
    assert_int_equal(handoff_record_outside(&f->ctx, id, "J. Rivera RN", "phone", &err),
                     CC_EREFUSED);
    as(f, "coach-a1");
    assert_int_equal(handoff_record_outside(&f->ctx, id, "", "phone", &err), CC_EINPUT);
    assert_int_equal(handoff_record_outside(&f->ctx, id, "J. Rivera RN", NULL, &err),
                     CC_EINPUT);
    assert_string_equal(get_handoff(f, id).state, "proposed");
    assert_int_equal(get_client(f, cl).owner_id, cf_staff_id(f->s, "coach-a1"));

    set_now("2026-11-23T15:00:00Z");
    assert_int_equal(handoff_record_outside(&f->ctx, id, "J. Rivera RN",
                                            "phone 555-0100, Keystone CM intake", &err),
                     CC_OK);
    handoff h = get_handoff(f, id);
    assert_string_equal(h.state, "accepted");
    assert_string_equal(h.outside_accepted_by, "J. Rivera RN");
    assert_string_equal(h.outside_contact, "phone 555-0100, Keystone CM intake");
    client c = get_client(f, cl);
    assert_int_equal(c.owner_id, 0);
    assert_int_equal(c.program_id, 0);
    assert_int_equal(episode_get(&f->sys, ep, &e, &err), CC_OK);
    assert_string_equal(e.outcome, "transferred");
    assert_string_equal(e.closed_date, "2026-11-23");
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE episode_id = %lld AND "
                            "completed_at IS NULL AND cancelled_at IS NULL",
                            (long long)ep),
                     0);
    assert_int_equal(handoff_record_outside(&f->ctx, id, "again", "phone", &err),
                     CC_ECONFLICT);
}

/* The accounting of disclosures is append-only. */
static void test_disclosure_append_only(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t payer = cf_org(f->s, "PAY-KH");
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    grant_release(f, cl, payer, 0, NULL);
    handoff_target t = to("organization", payer);
    assert_int_equal(handoff_propose(as(f, "coach-a1"), cl, &t, NULL, 0, &id, &err),
                     CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM disclosure"), 1);
    sqlite3 *db = store_db(f->s);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE disclosure SET purpose = 'x'", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE disclosure SET at = '2020-01-01T00:00:00Z'", NULL,
                     NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM disclosure", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM disclosure WHERE purpose <> 'x' AND "
                            "at = '" NOW "'"),
                     1);
}

/* ---- the summary snapshot ---------------------------------------------- */

static void expect_json(const char *json, const char *needle)
{
    if (!strstr(json, needle))
        print_error("summary %s\nlacks %s\n", json, needle);
    assert_non_null(strstr(json, needle));
}

static void test_handoff_summary_snapshot(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *json = NULL, *stored = NULL;
    handoff h;
    int64_t cl = client_owned(f, "coach-a1", f->hss);
    cf_exec(
        f->s,
        "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
        "staff_id, "
        "setting, score, level, drivers) VALUES (%lld, %lld, (SELECT id FROM "
        "questionnaire WHERE code = 'hra'), '2026-11-17T10:00:00Z', %lld, 'home', 12, "
        "'high', 'worsening chronic condition, falls')",
        (long long)cl, (long long)f->hss, (long long)cf_staff_id(f->s, "coach-a1"));
    grant_release(f, cl, cf_org(f->s, "PCP-FV"), 0, "2027-06-30");
    start_episode(f, cl, f->hss, "2026-11-18", NULL);
    contact k;
    memset(&k, 0, sizeof k);
    k.client_id = cl;
    snprintf(k.kind, sizeof k.kind, "call");
    snprintf(k.note, sizeof k.note, "daughter will drive to cardiology");
    k.duration_min = 10;
    assert_int_equal(contact_log(as(f, "coach-a1"), &k, &err), CC_OK);

    assert_int_equal(handoff_summary(&f->ctx, cl, &json, &err), CC_OK);
    expect_json(json, "\"risk\"");
    expect_json(json, "\"level\":\"high\"");
    expect_json(json, "worsening chronic condition, falls");
    expect_json(json, "\"consents\"");
    expect_json(json, "participation");
    expect_json(json, "release");
    expect_json(json, "2027-06-30");
    expect_json(json, "\"open_tasks\"");
    expect_json(json, "Connect to primary care provider");
    expect_json(json, "\"recent_contacts\"");
    expect_json(json, "daughter will drive to cardiology");
    expect_json(json, "\"episode\"");
    expect_json(json, "\"day\":3"); /* started Wednesday, today Friday */

    int64_t id = propose(f, cl, to("team", TEAM_SOUTH), NULL);
    assert_int_equal(handoff_get(&f->sys, id, &h, &stored, &err), CC_OK);
    assert_string_equal(stored, json);
    free(stored);
    stored = NULL;

    /* it is a snapshot: a later contact is not in the stored summary */
    snprintf(k.note, sizeof k.note, "later call after the proposal");
    assert_int_equal(contact_log(&f->ctx, &k, &err), CC_OK);
    assert_int_equal(handoff_get(&f->sys, id, &h, &stored, &err), CC_OK);
    assert_null(strstr(stored, "later call after the proposal"));
    free(stored);
    free(json);
}

/* ---- overlap ----------------------------------------------------------- */

/* hss and the ct-* programs share 'community-care': active in one (open
 * episode or monitoring) means no episode in another, and the refusal names
 * the program the client is in. Other groups are not affected. */
static void test_overlap_no_double_enrollment(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t ep = 0, ep2 = 0;
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t e1 = start_episode(f, c1, f->hss, "2026-11-18", NULL);
    assert_int_equal(episode_start(&f->sys, c1, f->ct_ngh, TODAY, NULL, &ep, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "hss");
    assert_int_equal(episode_open_for(&f->sys, c1, f->ct_ngh), 0);

    int64_t c2 = client_owned(f, "coach-c1", f->ct_ngh);
    start_episode(f, c2, f->ct_ngh, "2026-11-19", "2026-11-19T08:00:00Z");
    assert_int_equal(episode_start(&f->sys, c2, f->hss, TODAY, NULL, &ep, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "ct-ngh");

    int64_t c3 = new_client(f);
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
            "VALUES (%lld, %lld, '2026-11-01', '2027-01-30')",
            (long long)c3, (long long)f->ct_lmc);
    assert_int_equal(episode_start(&f->sys, c3, f->hss, TODAY, NULL, &ep, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "ct-lmc");

    /* another group (pasc: 'specialty') is not an overlap */
    cc_err_clear(&err);
    assert_int_equal(episode_start(&f->sys, c1, f->pasc, TODAY, NULL, &ep2, &err),
                     CC_OK);

    /* after leaving care in hss, a care-transition episode may start */
    episode e;
    assert_int_equal(episode_get(&f->sys, e1, &e, &err), CC_OK);
    assert_int_equal(episode_close(&f->sys, e1, e.version, TODAY, "moved", &err),
                     CC_OK);
    assert_int_equal(episode_start(&f->sys, c1, f->ct_ngh, TODAY, NULL, &ep, &err),
                     CC_OK);
}

/* ---- two receivers at once --------------------------------------------- */

/* Child: open the store, wait for the start signal, accept, exit with the
 * result code. */
static void accept_child(const char *path, int go_fd, int64_t staff_id,
                         int64_t handoff_id)
{
    store *s = NULL;
    cc_err err = {0};
    char b;
    if (store_open_with_key(path, tu_master, &s, &err) != CC_OK)
        _exit(90);
    cc_ctx ctx = {.st = s, .staff_id = staff_id};
    snprintf(ctx.role, sizeof ctx.role, "coach");
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    int rc = handoff_accept(&ctx, handoff_id, NULL, &err);
    if (rc != CC_OK && rc != CC_ECONFLICT)
        fprintf(stderr, "# child %lld: %d %s\n", (long long)staff_id, rc, err.msg);
    store_close(s);
    _exit(rc);
}

static void test_two_receivers_accept_at_once_one_wins(void **state)
{
    fixture *f = *state;
    const int64_t b1 = cf_staff_id(f->s, "coach-b1"),
                  b2 = cf_staff_id(f->s, "coach-b2");
    int wins[2] = {0, 0};
    for (int round = 0; round < 20; round++) {
        int64_t cl = client_owned(f, "coach-a1", f->hss);
        as(f, "coach-a1");
        int64_t h = propose(f, cl, to("team", TEAM_SOUTH), NULL);
        /* no connection of ours crosses the fork */
        store_close(f->s);
        f->s = NULL;
        int go[2];
        pid_t pid[2];
        const int64_t who[2] = {b1, b2};
        assert_int_equal(pipe(go), 0);
        fflush(stdout);
        fflush(stderr);
        for (int i = 0; i < 2; i++) {
            pid[i] = fork();
            assert_true(pid[i] >= 0);
            if (pid[i] == 0) {
                close(go[1]);
                accept_child(f->db, go[0], who[i], h);
            }
        }
        close(go[0]);
        close(go[1]); /* both start now */
        int code[2];
        for (int i = 0; i < 2; i++) {
            int status;
            assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
            assert_true(WIFEXITED(status));
            code[i] = WEXITSTATUS(status);
        }
        f->s = tu_open(f->db);
        f->sys.st = f->s;
        f->ctx.st = f->s;
        if (!((code[0] == 0 && code[1] == CC_ECONFLICT) ||
              (code[1] == 0 && code[0] == CC_ECONFLICT)))
            print_error("round %d: exit codes %d and %d\n", round, code[0], code[1]);
        assert_true((code[0] == 0 && code[1] == CC_ECONFLICT) ||
                    (code[1] == 0 && code[0] == CC_ECONFLICT));
        int w = code[0] == 0 ? 0 : 1;
        wins[w]++;
        assert_int_equal(get_client(f, cl).owner_id, who[w]);
        handoff got = get_handoff(f, h);
        assert_string_equal(got.state, "accepted");
        assert_int_equal(got.decided_by, who[w]);
        assert_int_equal(cf_int(f->s,
                                "SELECT count(*) FROM audit WHERE action = "
                                "'handoff.decide' AND object = 'handoff:%lld'",
                                (long long)h),
                         1);
    }
    printf("# 20 rounds: coach-b1 won %d, coach-b2 won %d\n", wins[0], wins[1]);
}

/* ---- scope: who may see which client ----------------------------------- */

static void expect_scope(fixture *f, const char *login, int64_t cl, int write, int want)
{
    cc_err err = {0};
    int rc = scope_client(as(f, login), cl, write, &err);
    if (rc != want)
        print_error("%s %s client %lld: %d (%s), want %d\n", login,
                    write ? "write" : "read", (long long)cl, rc, err.msg, want);
    assert_int_equal(rc, want);
}

/* The inbox names a client only where the reader may see the client: an
 * alert addressed to every nurse about another team's client keeps its
 * name back, while the reader's own team's client is named. */
static void test_inbox_withholds_names_outside_scope(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cc_table t;
    int64_t north = client_owned(f, "coach-a1", f->hss);
    int64_t south = client_owned(f, "coach-b1", f->hss);
    cf_exec(f->s,
            "INSERT INTO alert (client_id, kind, for_role, details, created_at) VALUES "
            "(%lld, 'risk-rise', 'nurse', 'north rose', '2026-11-20T10:00:00Z'), "
            "(%lld, 'risk-rise', 'nurse', 'south rose', '2026-11-21T10:00:00Z')",
            (long long)north, (long long)south);
    assert_int_equal(
        worklist_inbox(as(f, "nurse-a"), cf_staff_id(f->s, "nurse-a"), &t, &err),
        CC_OK);
    assert_int_equal(t.ncols, 6);
    assert_string_equal(t.cols[2], "name");
    int seen = 0;
    for (int r = 0; r < t.nrows; r++) {
        int64_t cl = atoll(table_cell(&t, r, 1));
        const char *name = table_cell(&t, r, 2);
        if (cl == north) {
            assert_non_null(strstr(name, "Pat"));
            seen |= 1;
        } else if (cl == south) {
            assert_string_equal(name, "(outside your scope)");
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    table_free(&t);
}

static void test_scope_coach_own_and_team_not_other_team(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t own = client_owned(f, "coach-a1", f->hss);
    int64_t team = client_owned(f, "coach-a2", f->hss);
    int64_t other = client_owned(f, "coach-b1", f->hss);
    expect_scope(f, "coach-a1", own, 0, CC_OK);
    expect_scope(f, "coach-a1", own, 1, CC_OK);
    expect_scope(f, "coach-a1", team, 0, CC_OK);
    expect_scope(f, "coach-a1", team, 1, CC_OK);
    expect_scope(f, "coach-a1", other, 0, CC_EREFUSED);
    expect_scope(f, "coach-a1", other, 1, CC_EREFUSED);
    assert_int_equal(scope_client(as(f, "coach-a1"), other, 0, &err), CC_EREFUSED);
    cf_expect_msg(&err, "break-glass");
    expect_scope(f, "coach-b1", own, 0, CC_EREFUSED);
    expect_scope(f, "coach-c1", own, 0, CC_EREFUSED);
}

static void test_scope_nurse_and_scheduler_see_team(void **state)
{
    fixture *f = *state;
    int64_t a = client_owned(f, "coach-a3", f->hss);
    int64_t b = client_owned(f, "coach-b2", f->hss);
    expect_scope(f, "nurse-a", a, 0, CC_OK);
    expect_scope(f, "nurse-a", a, 1, CC_OK);
    expect_scope(f, "sched-a", a, 0, CC_OK);
    expect_scope(f, "nurse-a", b, 0, CC_EREFUSED);
    expect_scope(f, "sched-a", b, 0, CC_EREFUSED);
    expect_scope(f, "nurse-b", b, 0, CC_OK);
    expect_scope(f, "nurse-b", a, 0, CC_EREFUSED);
}

/* Program managers and social workers see the teams they cover. */
static void test_scope_covering_staff_see_covered_teams(void **state)
{
    fixture *f = *state;
    int64_t a = client_owned(f, "coach-a1", f->hss);
    int64_t b = client_owned(f, "coach-b1", f->hss);
    int64_t c = client_owned(f, "coach-c1", f->ct_ngh);
    expect_scope(f, "pm1", a, 0, CC_OK);
    expect_scope(f, "pm1", a, 1, CC_OK);
    expect_scope(f, "pm1", b, 0, CC_EREFUSED);
    expect_scope(f, "pm1", c, 0, CC_EREFUSED);
    expect_scope(f, "pm2", b, 0, CC_OK);
    expect_scope(f, "pm2", a, 0, CC_EREFUSED);
    expect_scope(f, "sw1", a, 0, CC_OK);
    expect_scope(f, "sw1", b, 0, CC_EREFUSED);
}

/* An unassigned client belongs to the teams of the programs it was referred
 * to. */
static void test_scope_unassigned_client_by_referral(void **state)
{
    fixture *f = *state;
    int64_t cl = new_client(f);
    cf_exec(
        f->s,
        "INSERT INTO referral (client_id, program_id, source_type, received_date, "
        "status, status_at) VALUES (%lld, %lld, 'ems', '2026-11-19', 'received', '%s')",
        (long long)cl, (long long)f->ct_ngh, NOW);
    expect_scope(f, "coach-c1", cl, 0, CC_OK);
    expect_scope(f, "nurse-c", cl, 0, CC_OK);
    expect_scope(f, "coach-a1", cl, 0, CC_EREFUSED);
    expect_scope(f, "pm1", cl, 0, CC_EREFUSED);
}

static void test_scope_supervisor_all_read_only(void **state)
{
    fixture *f = *state;
    int64_t a = client_owned(f, "coach-a1", f->hss);
    int64_t c = client_owned(f, "coach-c1", f->ct_ngh);
    int64_t none = new_client(f);
    expect_scope(f, "sup1", a, 0, CC_OK);
    expect_scope(f, "sup1", c, 0, CC_OK);
    expect_scope(f, "sup1", none, 0, CC_OK);
    expect_scope(f, "sup1", a, 1, CC_EREFUSED);
    expect_scope(f, "sup1", c, 1, CC_EREFUSED);
}

static void test_scope_admin_sees_none(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client out;
    int64_t a = client_owned(f, "coach-a1", f->hss);
    int64_t none = new_client(f);
    expect_scope(f, "admin1", a, 0, CC_EREFUSED);
    expect_scope(f, "admin1", none, 0, CC_EREFUSED);
    expect_scope(f, "admin1", a, 1, CC_EREFUSED);
    memset(&out, 0, sizeof out);
    assert_int_equal(client_view(as(f, "admin1"), a, "summary", &out, &err),
                     CC_EREFUSED);
    assert_string_equal(out.family_name, "");
}

/* Every view is audited with the part seen; a refused view is audited too. */
static void test_client_view_audits_views_and_refusals(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client out;
    char object[64];
    int64_t a = client_owned(f, "coach-a1", f->hss);
    snprintf(object, sizeof object, "client:%lld", (long long)a);

    assert_int_equal(client_view(as(f, "coach-a2"), a, "consent", &out, &err), CC_OK);
    assert_int_equal(out.id, a);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = 'client.view' "
                            "AND object = '%s' AND details = 'consent' AND staff_id = "
                            "%lld",
                            object, (long long)cf_staff_id(f->s, "coach-a2")),
                     1);
    assert_int_equal(client_view(as(f, "sup1"), a, "summary", &out, &err), CC_OK);
    assert_int_equal(audit_count(f, "client.view"), 2);

    memset(&out, 0, sizeof out);
    assert_int_equal(client_view(as(f, "coach-b1"), a, "summary", &out, &err),
                     CC_EREFUSED);
    cf_expect_msg(&err, "break-glass");
    assert_int_equal(out.id, 0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'client.view.refused' AND object = '%s' AND details = "
                            "'summary' AND staff_id = %lld",
                            object, (long long)cf_staff_id(f->s, "coach-b1")),
                     1);
    assert_int_equal(audit_count(f, "client.view"), 2);
    /* nothing is left open on the connection */
    assert_true(sqlite3_get_autocommit(store_db(f->s)));
}

/* ---- the role matrix --------------------------------------------------- */

static const char *const all_roles[] = {
    "coach",           "nurse",      "scheduler", "social-worker",
    "program-manager", "supervisor", "admin"};

/* The matrix of src/core/access.c, written out independently. */
static const struct {
    const char *action;
    const char *allowed;
} matrix[] = {
    {"staff.manage", "admin"},
    {"staff.list", "admin supervisor program-manager"},
    {"store.rekey", "admin"},
    {"store.backup", "admin"},
    {"store.check", "admin supervisor"},
    {"audit.verify", "admin supervisor"},
    {"audit.anchor", "admin supervisor"},
    {"export.case", "supervisor"},
    {"export.staff", "admin supervisor program-manager"},
    {"export.audit", "supervisor"},
    {"client.view", "coach nurse scheduler social-worker program-manager supervisor"},
    {"client.write", "coach nurse scheduler social-worker program-manager"},
    {"handoff.propose", "coach nurse scheduler social-worker program-manager"},
    {"handoff.decide", "coach nurse scheduler social-worker program-manager"},
    {"caseload.assign", "program-manager"},
    {"caseload.bulk", "program-manager"},
    {"caseload.view", "coach nurse scheduler social-worker program-manager supervisor"},
    {"breakglass.open", "coach nurse scheduler social-worker program-manager"},
    {"breakglass.review", "supervisor"},
    {"measures.view", "program-manager supervisor"},
    {"audit.access", "supervisor"},
    {"program.view",
     "coach nurse scheduler social-worker program-manager supervisor admin"},
    {"program.manage", "admin"},
    {"self.passwd",
     "coach nurse scheduler social-worker program-manager supervisor admin"},
};

/* True if role is one of the space-separated words of list. */
static int listed(const char *role, const char *list)
{
    char buf[160], *save = NULL;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!strcmp(w, role))
            return 1;
    return 0;
}

/* Every cell: allowed cells pass, every denied cell is refused with a
 * message naming the action and each role that may. */
static void test_access_matrix_every_denied_cell(void **state)
{
    (void)state;
    int denied = 0, allowed = 0;
    for (size_t a = 0; a < sizeof matrix / sizeof *matrix; a++) {
        for (size_t r = 0; r < sizeof all_roles / sizeof *all_roles; r++) {
            cc_err err = {0};
            int rc = access_check(all_roles[r], matrix[a].action, &err);
            if (listed(all_roles[r], matrix[a].allowed)) {
                if (rc != CC_OK)
                    print_error("%s refused %s: %s\n", all_roles[r], matrix[a].action,
                                err.msg);
                assert_int_equal(rc, CC_OK);
                allowed++;
                continue;
            }
            if (rc != CC_EREFUSED)
                print_error("%s allowed %s\n", all_roles[r], matrix[a].action);
            assert_int_equal(rc, CC_EREFUSED);
            assert_int_equal(err.code, CC_EREFUSED);
            cf_expect_msg(&err, matrix[a].action);
            char buf[160], *save = NULL;
            snprintf(buf, sizeof buf, "%s", matrix[a].allowed);
            for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
                cf_expect_msg(&err, w);
            denied++;
        }
    }
    assert_int_equal(denied + allowed, (int)(sizeof matrix / sizeof *matrix *
                                             sizeof all_roles / sizeof *all_roles));
    assert_true(denied > 0);
    printf("# role matrix: %d cells allowed, %d denied\n", allowed, denied);
}

/* An action the matrix does not list is refused for everyone; so is a role
 * that does not exist (even one spelled like part of a listed role). */
static void test_access_unknown_action_or_role_refused(void **state)
{
    (void)state;
    cc_err err = {0};
    for (size_t r = 0; r < sizeof all_roles / sizeof *all_roles; r++) {
        assert_int_equal(access_check(all_roles[r], "client.delete", &err),
                         CC_EREFUSED);
        cf_expect_msg(&err, "client.delete");
    }
    assert_int_equal(access_check("janitor", "program.view", &err), CC_EREFUSED);
    assert_int_equal(access_check("manager", "caseload.assign", &err), CC_EREFUSED);
    assert_int_equal(access_check("program", "caseload.assign", &err), CC_EREFUSED);
    assert_int_equal(access_check("Admin", "staff.manage", &err), CC_EREFUSED);
}

/* An empty role is refused, and answered: run it in a child with an alarm
 * so a loop that never ends shows as a failure instead of a hung test. */
static void test_access_empty_role_refused_not_hung(void **state)
{
    (void)state;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cc_err err = {0};
        alarm(2);
        _exit(access_check("", "staff.manage", &err));
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        print_error("access_check(\"\", ...) did not return: killed by signal %d\n",
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), CC_EREFUSED);
}

/* ---- break-glass ------------------------------------------------------- */

/* A reason and a time limit open a client outside one's scope until the
 * grant expires; audited, with an alert for supervisors. */
static void test_break_glass_grants_until_expiry(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t grant = 0;
    client out;
    char until[32], object[64];
    int64_t cl = client_owned(f, "coach-b1", f->hss);
    snprintf(object, sizeof object, "client:%lld", (long long)cl);
    expect_scope(f, "coach-a1", cl, 0, CC_EREFUSED);

    as(f, "coach-a1");
    assert_int_equal(scope_break_glass(&f->ctx, cl, "on call: client fell at home", 30,
                                       &grant, &err),
                     CC_OK);
    assert_true(grant > 0);
    assert_true(sqlite3_get_autocommit(store_db(f->s))); /* nothing left open */
    cf_text(f->s, "SELECT expires_at FROM access_grant", until, sizeof until);
    assert_string_equal(until, "2026-11-20T12:30:00Z");
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'break-glass' AND "
               "object = '%s' AND staff_id = %lld",
               object, (long long)cf_staff_id(f->s, "coach-a1")),
        1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'break-glass' AND "
                            "for_role = 'supervisor' AND client_id = %lld",
                            (long long)cl),
                     1);
    expect_scope(f, "coach-a1", cl, 0, CC_OK);
    assert_int_equal(client_view(as(f, "coach-a1"), cl, "summary", &out, &err), CC_OK);
    expect_scope(f, "coach-a2", cl, 0, CC_EREFUSED); /* the grant is personal */

    set_now("2026-11-20T12:29:59Z");
    expect_scope(f, "coach-a1", cl, 0, CC_OK);
    set_now("2026-11-20T12:30:00Z");
    expect_scope(f, "coach-a1", cl, 0, CC_EREFUSED);
    assert_int_equal(client_view(as(f, "coach-a1"), cl, "summary", &out, &err),
                     CC_EREFUSED);
}

static void test_break_glass_needs_reason_and_limits(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t grant = 0;
    int64_t cl = client_owned(f, "coach-b1", f->hss);
    as(f, "coach-a1");
    assert_int_equal(scope_break_glass(&f->ctx, cl, "", 30, &grant, &err), CC_EINPUT);
    assert_int_equal(scope_break_glass(&f->ctx, cl, NULL, 30, &grant, &err), CC_EINPUT);
    assert_int_equal(scope_break_glass(&f->ctx, cl, "1234567", 30, &grant, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "reason");
    assert_int_equal(scope_break_glass(&f->ctx, cl, "urgent call", 241, &grant, &err),
                     CC_EINPUT);
    assert_int_equal(scope_break_glass(&f->ctx, cl, "urgent call", -5, &grant, &err),
                     CC_EINPUT);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM access_grant"), 0);
    assert_int_equal(audit_count(f, "break-glass"), 0);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM alert"), 0);
    expect_scope(f, "coach-a1", cl, 0, CC_EREFUSED);

    /* exactly 8 characters is enough; no minutes means the default hour */
    cc_err_clear(&err);
    assert_int_equal(
        scope_break_glass(as(f, "coach-a1"), cl, "12345678", 0, &grant, &err), CC_OK);
    char until[32];
    cf_text(f->s, "SELECT expires_at FROM access_grant", until, sizeof until);
    assert_string_equal(until, "2026-11-20T13:00:00Z");
}

static void test_break_glass_admin_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t grant = 0;
    int64_t cl = client_owned(f, "coach-b1", f->hss);
    assert_int_equal(scope_break_glass(as(f, "admin1"), cl, "checking a complaint", 30,
                                       &grant, &err),
                     CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM access_grant"), 0);
    expect_scope(f, "admin1", cl, 0, CC_EREFUSED);
}

/* A supervisor reviews each grant (audited); nobody else may. */
static void test_break_glass_review_by_supervisor_only(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t grant = 0;
    int64_t cl = client_owned(f, "coach-b1", f->hss);
    assert_int_equal(scope_break_glass(as(f, "coach-a1"), cl,
                                       "covering the weekend call", 60, &grant, &err),
                     CC_OK);
    const char *others[] = {"coach-a1", "pm1", "nurse-a", "admin1", "sw1"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        assert_int_equal(scope_review(as(f, others[i]), grant, "fine", &err),
                         CC_EREFUSED);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM access_grant WHERE reviewed_at IS "
                            "NOT NULL"),
                     0);
    assert_int_equal(scope_review(as(f, "sup1"), grant, "", &err), CC_EINPUT);

    set_now("2026-11-23T08:00:00Z");
    assert_int_equal(
        scope_review(as(f, "sup1"), grant, "justified: weekend on-call", &err), CC_OK);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM access_grant WHERE id = %lld AND "
               "reviewed_at = '2026-11-23T08:00:00Z' AND reviewed_by = %lld "
               "AND review_note = 'justified: weekend on-call'",
               (long long)grant, (long long)cf_staff_id(f->s, "sup1")),
        1);
    assert_int_equal(audit_count(f, "break-glass.review"), 1);
    assert_int_not_equal(scope_review(&f->ctx, grant, "again", &err), CC_OK);
    assert_int_equal(audit_count(f, "break-glass.review"), 1);
}

/* ---- leave cover, team capacity, offboarding --------------------------- */

static int64_t cover(fixture *f, const char *actor, const char *away, const char *by,
                     const char *from, const char *until)
{
    cc_err err = {0};
    int64_t id = 0;
    if (leave_add(as(f, actor), away, by, from, until, "holiday", &id, &err) != CC_OK)
        print_error("leave_add: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    return id;
}

static int in_caseload(fixture *f, const char *login, int64_t client_id, char *covering)
{
    worklist_row *rows;
    int n, found = 0;
    cc_err err = {0};
    assert_int_equal(
        worklist_caseload(as(f, login), cf_staff_id(f->s, login), &rows, &n, &err),
        CC_OK);
    for (int i = 0; i < n; i++)
        if (rows[i].client_id == client_id) {
            found = 1;
            if (covering)
                strcpy(covering, rows[i].covering);
        }
    free(rows);
    return found;
}

/* While coach-a1 is away coach-a2 sees their clients and overdue tasks as
 * their own, what coach-a2 does is audited as "covering for coach-a1", a
 * hand-off addressed to coach-a1 accepted by coach-a2 stays coach-a1's; the
 * day after the last day it is all over by itself. */
static void test_leave_cover_works_the_caseload_and_ends(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char who[33] = "";
    client c;
    load_coach(f, "coach-a1", f->hss, 1, 0);
    int64_t cl = tu_int(f->s, "SELECT max(id) FROM client");
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = cl;
    t.owner_id = cf_staff_id(f->s, "coach-a1");
    snprintf(t.title, sizeof t.title, "Weekly call");
    snprintf(t.due_at, sizeof t.due_at, "2026-11-19T12:00:00Z");
    snprintf(t.origin, sizeof t.origin, "manual");
    assert_int_equal(task_add(&f->sys, &t, &err), CC_OK);
    assert_false(in_caseload(f, "coach-a2", cl, NULL));

    cover(f, "admin1", "coach-a1", "coach-a2", TODAY, "2026-11-27");
    assert_int_equal(audit_count(f, "leave.add"), 1);
    assert_true(in_caseload(f, "coach-a2", cl, who));
    assert_string_equal(who, "coach-a1");
    assert_true(in_caseload(f, "coach-a1", cl, who));
    assert_string_equal(who, "");
    worklist_counts k;
    assert_int_equal(
        worklist_counts_for(as(f, "coach-a2"), cf_staff_id(f->s, "coach-a2"), &k, &err),
        CC_OK);
    assert_int_equal(k.overdue, 1);
    assert_int_equal(k.covering, 1);
    assert_int_equal(k.caseload, 0); /* their own load stays their own */

    assert_int_equal(client_view(as(f, "coach-a2"), cl, "summary", &c, &err), CC_OK);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'client.view' AND staff_id = %lld AND details LIKE "
                            "'%%covering for coach-a1'",
                            (long long)cf_staff_id(f->s, "coach-a2")),
                     1);
    /* a view of a client of their own is not noted */
    int64_t own = client_owned(f, "coach-a2", f->hss);
    assert_int_equal(client_view(as(f, "coach-a2"), own, "summary", &c, &err), CC_OK);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE object = "
                            "'client:%lld' AND details LIKE '%%covering%%'",
                            (long long)own),
                     0);

    int64_t other = client_owned(f, "coach-b1", f->hss);
    as(f, "coach-b1");
    int64_t h = propose(f, other, to("staff", cf_staff_id(f->s, "coach-a1")), "for a1");
    assert_int_equal(handoff_accept(as(f, "coach-a2"), h, NULL, &err), CC_OK);
    assert_int_equal(get_client(f, other).owner_id, cf_staff_id(f->s, "coach-a1"));
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'handoff.decide' AND details LIKE '%%covering for "
                                  "coach-a1'"),
                     1);

    set_now("2026-11-28T12:00:00Z");
    assert_false(in_caseload(f, "coach-a2", cl, NULL));
    assert_int_equal(client_view(as(f, "coach-a2"), cl, "summary", &c, &err), CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'client.view' AND details LIKE '%%covering%%'"),
                     1);
}

/* Who may arrange a cover and between whom; overlaps refused; ending one
 * stops it now. Every refusal leaves no row. */
static void test_leave_cover_rules(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id;
    const char *until = "2026-11-30";
    assert_int_equal(leave_add(as(f, "coach-a1"), "coach-a1", "coach-a2", TODAY, until,
                               NULL, &id, &err),
                     CC_EREFUSED);
    assert_int_equal(
        leave_add(as(f, "pm2"), "coach-a1", "coach-a2", TODAY, until, NULL, &id, &err),
        CC_EREFUSED); /* pm2 covers South only */
    cf_expect_msg(&err, "none of the teams you manage");
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "nurse-a", TODAY, until,
                               NULL, &id, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "same role");
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-b1", TODAY, until,
                               NULL, &id, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "share no team");
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-a2", "2026-11-10",
                               "2026-11-19", NULL, &id, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "over already");
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-a2", until, TODAY,
                               NULL, &id, &err),
                     CC_EINPUT);
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-a2", "2026-13-01",
                               until, NULL, &id, &err),
                     CC_EINPUT);
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-a2", TODAY,
                               "2027-11-30", NULL, &id, &err),
                     CC_EINPUT);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM leave_cover"), 0);

    int64_t first = cover(f, "pm1", "coach-a1", "coach-a2", TODAY, until);
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a1", "coach-a3", "2026-11-25",
                               "2026-12-05", NULL, &id, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "covered already");
    assert_int_equal(leave_add(as(f, "admin1"), "coach-a2", "coach-a3", "2026-11-25",
                               "2026-12-05", NULL, &id, &err),
                     CC_EINPUT); /* the one covering cannot be away too */
    cf_expect_msg(&err, "overlaps");
    cc_table t;
    assert_int_equal(leave_list(as(f, "pm1"), &t, &err), CC_OK);
    assert_int_equal(t.nrows, 1);
    assert_string_equal(table_cell(&t, 0, table_col(&t, "state")), "now");
    table_free(&t);

    load_coach(f, "coach-a1", f->hss, 1, 0);
    int64_t cl = tu_int(f->s, "SELECT max(id) FROM client");
    assert_true(in_caseload(f, "coach-a2", cl, NULL));
    assert_int_equal(leave_end(as(f, "coach-a2"), first, &err), CC_EREFUSED);
    assert_int_equal(leave_end(as(f, "pm1"), first, &err), CC_OK);
    assert_false(in_caseload(f, "coach-a2", cl, NULL));
    assert_int_equal(leave_end(as(f, "pm1"), first, &err), CC_EINPUT);
    assert_int_equal(audit_count(f, "leave.end"), 1);
    /* now the later dates are free */
    cover(f, "admin1", "coach-a1", "coach-a3", "2026-11-25", "2026-12-05");
}

/* A team with a capacity of its own (the ACT team's 100) refuses the client
 * that would take it over, on assignment and on a hand-off's acceptance,
 * unless a reason is given (audited with the team's load). */
static void test_team_capacity_on_assign_and_accept(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char details[300];
    assert_int_equal(team_set_capacity(as(f, "admin1"), TEAM_NORTH, 2, &err), CC_OK);
    load_coach(f, "coach-a1", f->hss, 1, 0);
    load_coach(f, "coach-a2", f->hss, 1, 0);
    int64_t cl = referred_client(f, f->hss);
    assert_int_equal(
        caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a3"), NULL, &err),
        CC_EINPUT);
    cf_expect_msg(&err, "team North HSS would carry 3/2");
    assert_int_equal(get_client(f, cl).owner_id, 0);
    assert_int_equal(caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a3"),
                                     "the ACT team takes a crisis client", &err),
                     CC_OK);
    cf_text(f->s, "SELECT details FROM audit WHERE action = 'caseload.assign'", details,
            sizeof details);
    assert_non_null(strstr(details, "team North HSS 3/2"));

    int64_t south = client_owned(f, "coach-b1", f->hss);
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
            "VALUES (%lld, %lld, '2026-11-01', '2027-01-30')",
            (long long)south, (long long)f->hss);
    as(f, "coach-b1");
    int64_t h =
        propose(f, south, to("staff", cf_staff_id(f->s, "coach-a3")), "moving north");
    assert_int_equal(handoff_accept(as(f, "coach-a3"), h, NULL, &err), CC_EINPUT);
    cf_expect_msg(&err, "team North HSS would carry 3/2");
    assert_int_equal(get_client(f, south).owner_id, cf_staff_id(f->s, "coach-b1"));
    assert_int_equal(team_set_capacity(as(f, "admin1"), TEAM_NORTH, 0, &err), CC_OK);
    assert_int_equal(handoff_accept(as(f, "coach-a3"), h, NULL, &err), CC_OK);
}

/* Offboarding hands the whole caseload out in one batch, withdraws what the
 * person proposed, declines what waited on them, ends their covers and
 * disables the account; a declined hand-off of theirs lands in the
 * unassigned queue. Refused (nothing changed) for a non-administrator,
 * for oneself and when one client cannot go. */
static void test_offboard_to_a_colleague(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    offboard_result r;
    handoff_target a2 = to("staff", cf_staff_id(f->s, "coach-a2"));
    int64_t c1 = client_owned(f, "coach-a1", f->hss);
    int64_t c2 = client_owned(f, "coach-a1", f->hss);
    int64_t c3 = client_owned(f, "coach-a3", f->hss);
    as(f, "coach-a1");
    int64_t old = propose(f, c2, to("staff", cf_staff_id(f->s, "coach-b1")), "before");
    as(f, "coach-a3");
    int64_t waiting =
        propose(f, c3, to("staff", cf_staff_id(f->s, "coach-a1")), "to a1");
    cover(f, "admin1", "coach-a1", "coach-a2", TODAY, "2026-11-27");

    assert_int_equal(staff_offboard(as(f, "pm1"), "coach-a1", &a2, "leaving", &r, &err),
                     CC_EREFUSED);
    assert_int_equal(staff_offboard(as(f, "admin1"), "admin1", &a2, "x", &r, &err),
                     CC_EREFUSED);
    assert_int_equal(staff_offboard(as(f, "admin1"), "coach-a1", &a2, "", &r, &err),
                     CC_EINPUT);
    handoff_target payer = to("organization", cf_org(f->s, "PAY-KH"));
    assert_int_equal(
        staff_offboard(as(f, "admin1"), "coach-a1", &payer, "to the payer", &r, &err),
        CC_EREFUSED); /* no release for the payer: the consent gate refuses */
    cf_expect_msg(&err, "nothing changed");
    assert_int_equal(r.handed, 0);
    assert_string_equal(get_handoff(f, old).state, "proposed");
    assert_string_equal(get_handoff(f, waiting).state, "proposed");
    assert_int_equal(cf_int(f->s, "SELECT active FROM staff WHERE login = 'coach-a1'"),
                     1);
    assert_int_equal(audit_count(f, "staff.offboard"), 0);

    assert_int_equal(staff_offboard(as(f, "admin1"), "coach-a1", &a2,
                                    "Pat leaves the team", &r, &err),
                     CC_OK);
    assert_int_equal(r.handed, 2);
    assert_int_equal(r.withdrawn, 1);
    assert_int_equal(r.declined, 1);
    assert_int_equal(r.covers, 1);
    assert_true(r.batch > 0);
    assert_string_equal(get_handoff(f, old).state, "withdrawn");
    assert_string_equal(get_handoff(f, waiting).state, "declined");
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM handoff WHERE state = 'proposed' "
                            "AND to_staff_id = %lld AND batch = %lld",
                            (long long)a2.id, (long long)r.batch),
                     2);
    assert_int_equal(cf_int(f->s, "SELECT active FROM staff WHERE login = 'coach-a1'"),
                     0);
    assert_int_equal(get_client(f, c1).owner_id,
                     cf_staff_id(f->s, "coach-a1")); /* until accepted */
    assert_int_equal(audit_count(f, "staff.offboard"), 1);
    assert_int_equal(audit_count(f, "staff.disable"), 1);

    int64_t h1 = cf_int(f->s,
                        "SELECT id FROM handoff WHERE client_id = %lld AND state = "
                        "'proposed'",
                        (long long)c1);
    int64_t h2 = cf_int(f->s,
                        "SELECT id FROM handoff WHERE client_id = %lld AND state = "
                        "'proposed'",
                        (long long)c2);
    assert_int_equal(handoff_accept(as(f, "coach-a2"), h1, NULL, &err), CC_OK);
    assert_int_equal(get_client(f, c1).owner_id, cf_staff_id(f->s, "coach-a2"));
    assert_int_equal(handoff_decline(as(f, "coach-a2"), h2, "full this month", &err),
                     CC_OK);
    assert_int_equal(get_client(f, c2).owner_id, 0); /* never back to one who left */
    assert_int_equal(audit_count(f, "client.unassign"), 1);
}

/* --unassigned: the clients go to the program's unassigned queue, where the
 * manager sees them (followed, no open referral) and assigns them; open
 * tasks of the one who left go with the assignment. */
static void test_offboard_to_the_unassigned_queue(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    offboard_result r;
    cc_table t;
    report_params p;
    load_coach(f, "coach-a1", f->hss, 1, 0);
    int64_t cl = tu_int(f->s, "SELECT max(id) FROM client");
    task k;
    memset(&k, 0, sizeof k);
    k.client_id = cl;
    k.owner_id = cf_staff_id(f->s, "coach-a1");
    snprintf(k.title, sizeof k.title, "Home visit");
    snprintf(k.due_at, sizeof k.due_at, "2026-11-23T12:00:00Z");
    snprintf(k.origin, sizeof k.origin, "manual");
    assert_int_equal(task_add(&f->sys, &k, &err), CC_OK);

    assert_int_equal(staff_offboard(as(f, "admin1"), "coach-a1", NULL, NULL, &r, &err),
                     CC_OK);
    assert_int_equal(r.unassigned, 1);
    assert_int_equal(get_client(f, cl).owner_id, 0);

    memset(&p, 0, sizeof p);
    assert_int_equal(report_resolve(as(f, "pm1"), "unassigned", &p, &err), CC_OK);
    assert_int_equal(report_run(&f->ctx, "unassigned", &p, &t, &err), CC_OK);
    int found = 0;
    for (int i = 0; i < t.nrows; i++)
        if (atoll(table_cell(&t, i, 0)) == cl) {
            found = 1;
            assert_string_equal(table_cell(&t, i, table_col(&t, "status")), "followed");
        }
    table_free(&t);
    assert_true(found);

    assert_int_equal(
        caseload_assign(as(f, "pm1"), cl, cf_staff_id(f->s, "coach-a3"), NULL, &err),
        CC_OK);
    assert_int_equal(
        cf_int(f->s, "SELECT owner_id FROM task WHERE id = %lld", (long long)k.id),
        cf_staff_id(f->s, "coach-a3"));
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    set_now(NOW);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_caseload_counts_only_active_clients),
        T(test_leave_cover_works_the_caseload_and_ends),
        T(test_leave_cover_rules),
        T(test_team_capacity_on_assign_and_accept),
        T(test_offboard_to_a_colleague),
        T(test_offboard_to_the_unassigned_queue),
        T(test_caseload_suggest_least_loaded_ties_fewest_high),
        T(test_caseload_suggest_team_without_coach_refused),
        T(test_caseload_assign_34_to_35_without_reason),
        T(test_caseload_assign_35_to_36_needs_reason),
        T(test_caseload_assign_owned_client_refused),
        T(test_caseload_assign_scope_and_assignee),
        T(test_handoff_accept_over_capacity_needs_reason),
        T(test_handoff_expiry_takes_effect_on_read),
        T(test_alert_resolution),
        T(test_bulk_handoff_one_batch_one_note),
        T(test_bulk_caseload_departing_coach),
        T(test_bulk_all_or_none),
        T(test_handoff_to_staff_owner_moves_only_on_accept),
        T(test_handoff_to_team_accepted_by_member),
        T(test_handoff_to_program_accepted_by_team_member),
        T(test_handoff_non_receiver_refused),
        T(test_handoff_propose_only_owner_or_covering_pm),
        T(test_handoff_decline_with_reason_sender_keeps),
        T(test_handoff_withdraw_by_sender),
        T(test_handoff_withdraw_by_other_program_manager_refused),
        T(test_handoff_decided_cannot_be_decided_again),
        T(test_handoff_one_open_per_client),
        T(test_handoff_business_days),
        T(test_handoff_expires_after_three_business_days),
        T(test_handoff_expire_due),
        T(test_handoff_between_programs_transfers_episode),
        T(test_handoff_same_program_keeps_episode),
        T(test_outside_handoff_missing_consent_refused),
        T(test_outside_handoff_expired_consent_refused),
        T(test_outside_handoff_revoked_consent_refused),
        T(test_outside_handoff_substance_use_needs_its_consent),
        T(test_outside_handoff_recorded_as_disclosure),
        T(test_outside_record_acceptance_client_leaves),
        T(test_disclosure_append_only),
        T(test_handoff_summary_snapshot),
        T(test_overlap_no_double_enrollment),
        T(test_two_receivers_accept_at_once_one_wins),
        T(test_scope_coach_own_and_team_not_other_team),
        T(test_scope_nurse_and_scheduler_see_team),
        T(test_inbox_withholds_names_outside_scope),
        T(test_scope_covering_staff_see_covered_teams),
        T(test_scope_unassigned_client_by_referral),
        T(test_scope_supervisor_all_read_only),
        T(test_scope_admin_sees_none),
        T(test_client_view_audits_views_and_refusals),
        T(test_access_matrix_every_denied_cell),
        T(test_access_unknown_action_or_role_refused),
        T(test_access_empty_role_refused_not_hung),
        T(test_break_glass_grants_until_expiry),
        T(test_break_glass_needs_reason_and_limits),
        T(test_break_glass_admin_refused),
        T(test_break_glass_review_by_supervisor_only),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
