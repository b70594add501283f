/*
 * test_reports.c — the manager's and supervisor's reports against a small
 * hand-made data set inserted with plain SQL (audit entries go through
 * audit_append inside store_begin/store_commit so the chain stays valid):
 * the caseload board (a program manager sees only the team they cover, the
 * team row totals), stale cases (no contact for N days, episodes past target
 * without an extension), the consent audit (each kind of finding exactly
 * once, for the right client), the accounting of disclosures in date order,
 * the access log for a client and for a staff member (the default period is
 * the last 7 days), unassigned referrals, break-glass grants, measures for a
 * quarter; the role checks and the 'report.run' audit entries; and the
 * writers: CSV cells (RFC 4180 quoting, formula prefixes neutralized,
 * control characters replaced), text that fits 80 display columns with wide
 * and accented cells, and one JSON document. Every expected row is worked
 * out by hand in the comment above it.
 *
 * The clock is fixed at NOW (TZ=UTC): today is 2026-11-22, today - 30 days is
 * 2026-10-23, the access log's 7 days are 2026-11-16..2026-11-22.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "casefix.h"
#include "core/caseload.h"
#include "core/ctx.h"
#include "core/quarterly.h"
#include "core/reports.h"
#include "core/scope.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "io/tableout.h"
#include "store/audit.h"
#include "testutil.h"

#define NOW   "2026-11-22T12:00:00Z"
#define TODAY "2026-11-22"

enum { TEAM_A = 1, TEAM_B = 2 };

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx;
    int64_t hss, ngh_prog, ngh, orgx, orgy;
    cc_table t;
} fixture;

/* ---- building the data set --------------------------------------------- */

/* s as an SQL literal, or NULL (a few at once). */
static const char *lit(const char *s)
{
    static char bufs[8][64];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], s ? "'%s'" : "NULL", s);
    return b;
}

/* Make login (with its role) the actor. */
static cc_ctx *as(fixture *f, const char *login)
{
    return cf_act(&f->ctx, f->s, login);
}

/* owner NULL = unassigned; program 0 = none. */
static void add_client(fixture *f, int id, const char *owner, int64_t program,
                       const char *created)
{
    char owner_s[24], prog_s[24];
    snprintf(owner_s, sizeof owner_s, "%lld",
             owner ? (long long)cf_staff_id(f->s, owner) : 0LL);
    snprintf(prog_s, sizeof prog_s, "%lld", (long long)program);
    cf_exec(
        f->s,
        "INSERT INTO client (id, family_name, given_name, name_key, dob, zip, payer, "
        "setting, owner_id, program_id, created_at) VALUES (%d, 'Family%d', 'Given', "
        "'family%d given', '1950-01-01', '20810', 'medicare', 'home', %s, %s, '%s')",
        id, id, id, owner ? owner_s : "NULL", program ? prog_s : "NULL", created);
}

static void add_episode(fixture *f, int client, int64_t program, const char *start,
                        int target, int extended, const char *closed)
{
    cf_exec(
        f->s,
        "INSERT INTO episode (client_id, program_id, start_date, target_days, "
        "extended_days, closed_date, outcome) VALUES (%d, %lld, '%s', %d, %d, %s, %s)",
        client, (long long)program, start, target, extended, lit(closed),
        closed ? "'goals-met'" : "NULL");
}

static void add_monitoring(fixture *f, int client, int64_t program, const char *since)
{
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
            "VALUES (%d, %lld, '%s', '2027-03-01')",
            client, (long long)program, since);
}

static void add_assessment(fixture *f, int client, const char *at, const char *level)
{
    cf_exec(f->s,
            "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
            "staff_id, setting, score, level) VALUES (%d, %lld, (SELECT id FROM "
            "questionnaire WHERE code = 'hra'), '%s', %lld, 'home', 0, '%s')",
            client, (long long)f->hss, at, (long long)cf_staff_id(f->s, "coach-a1"),
            level);
}

static void add_contact(fixture *f, int client, const char *at)
{
    cf_exec(f->s,
            "INSERT INTO contact (client_id, kind, at, staff_id, created_at) VALUES "
            "(%d, 'call', '%s', %lld, '%s')",
            client, at, (long long)cf_staff_id(f->s, "coach-a1"), at);
}

static void add_task(fixture *f, const char *owner, int client, const char *due,
                     const char *completed, const char *cancelled)
{
    cf_exec(f->s,
            "INSERT INTO task (client_id, title, due_at, owner_id, origin, created_at, "
            "created_by, completed_at, cancelled_at) VALUES (%d, 'Call', '%s', %lld, "
            "'manual', '2026-10-01T00:00:00Z', %lld, %s, %s)",
            client, due, (long long)cf_staff_id(f->s, owner),
            (long long)cf_staff_id(f->s, "admin1"), lit(completed), lit(cancelled));
}

/* to: a login (to_kind staff) or "org:ID" (to_kind organization). */
static void add_handoff(fixture *f, int client, const char *from, const char *to,
                        const char *state)
{
    char to_staff[24] = "NULL", to_org[24] = "NULL";
    if (!strncmp(to, "org:", 4))
        snprintf(to_org, sizeof to_org, "%s", to + 4);
    else
        snprintf(to_staff, sizeof to_staff, "%lld", (long long)cf_staff_id(f->s, to));
    cf_exec(f->s,
            "INSERT INTO handoff (client_id, from_staff_id, to_kind, to_staff_id, "
            "to_org_id, state, summary, proposed_at, expires_at, decided_at) VALUES "
            "(%d, %lld, '%s', %s, %s, '%s', '{}', '2026-11-21T09:00:00Z', "
            "'2026-11-26T09:00:00Z', %s)",
            client, (long long)cf_staff_id(f->s, from),
            strncmp(to, "org:", 4) ? "staff" : "organization", to_staff, to_org, state,
            strcmp(state, "proposed") ? "'2026-11-21T10:00:00Z'" : "NULL");
}

/* Signed 2026-01-01. Returns the consent's id. */
static int64_t add_consent(fixture *f, int client, const char *kind,
                           const char *expires, const char *revoked, int substance_use)
{
    cf_exec(
        f->s,
        "INSERT INTO consent (client_id, kind, decision, substance_use, signed_date, "
        "recorded_by, expires_date, revoked_date, created_at) VALUES (%d, '%s', "
        "'granted', %d, '2026-01-01', %lld, %s, %s, '2026-01-01T00:00:00Z')",
        client, kind, substance_use, (long long)cf_staff_id(f->s, "admin1"),
        lit(expires), lit(revoked));
    return sqlite3_last_insert_rowid(store_db(f->s));
}

static void add_recipient(fixture *f, int64_t consent, int64_t org)
{
    cf_exec(f->s,
            "INSERT INTO consent_recipient (consent_id, organization_id) VALUES (%lld, "
            "%lld)",
            (long long)consent, (long long)org);
}

static void add_disclosure(fixture *f, int client, int64_t org, const char *at,
                           const char *what, const char *purpose, int substance_use,
                           const char *by)
{
    cf_exec(f->s,
            "INSERT INTO disclosure (client_id, organization_id, at, what, purpose, "
            "substance_use, staff_id) VALUES (%d, %lld, '%s', '%s', '%s', %d, %lld)",
            client, (long long)org, at, what, purpose, substance_use,
            (long long)cf_staff_id(f->s, by));
}

/* One audit entry at instant `at`, through the chain. */
static void audit_at(fixture *f, const char *at, const char *login, const char *action,
                     int client, const char *details)
{
    cc_err err = {0};
    char object[32];
    snprintf(object, sizeof object, "client:%d", client);
    setenv("CARECOORD_NOW", at, 1);
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    if (audit_append(f->s, cf_staff_id(f->s, login), action, object, details, &err) !=
        CC_OK)
        print_error("audit_append: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    assert_int_equal(store_commit(f->s, &err), CC_OK);
    setenv("CARECOORD_NOW", NOW, 1);
}

static void add_grant(fixture *f, const char *login, int client, const char *at,
                      const char *reason, const char *reviewer, const char *note)
{
    char by[24] = "NULL";
    if (reviewer)
        snprintf(by, sizeof by, "%lld", (long long)cf_staff_id(f->s, reviewer));
    cf_exec(
        f->s,
        "INSERT INTO access_grant (staff_id, client_id, reason, granted_at, "
        "expires_at, "
        "reviewed_at, reviewed_by, review_note) VALUES (%lld, %d, '%s', '%s', '%s', "
        "%s, "
        "%s, '%s')",
        (long long)cf_staff_id(f->s, login), client, reason, at, at,
        reviewer ? lit(at) : "NULL", by, note ? note : "");
}

/*
 * Staff (login, full name): admin1, sup1 (supervisor, Sam Sup), pm1 (program
 * manager covering team A only), pm2 (covering team B); coach-a1 is Ann
 * Avery, coach-a2 Abe Arden, coach-b1 Bea Byrd. Team "A Team" (HSS): coach-a1,
 * coach-a2, coach-a3 (inactive), nurse-a; team "B Team" (HSS): coach-b1. HSS capacity
 * is lowered to 5 so the bars say something.
 */
static void load_staff(fixture *f)
{
    static const char *const people[][3] = {
        {"admin1", "admin", "Ada Min"},      {"sup1", "supervisor", "Sam Sup"},
        {"pm1", "program-manager", "Pat M"}, {"pm2", "program-manager", "Paz M"},
        {"coach-a1", "coach", "Ann Avery"},  {"coach-a2", "coach", "Abe Arden"},
        {"coach-a3", "coach", "Al Ames"},    {"nurse-a", "nurse", "Nia Ash"},
        {"coach-b1", "coach", "Bea Byrd"},
    };
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        cf_person(f->s, people[i][0], people[i][1], people[i][2]);
    cf_exec(f->s, "UPDATE staff SET active = 0 WHERE login = 'coach-a3'");
    cf_exec(f->s, "UPDATE program SET capacity = 5 WHERE id = %lld", (long long)f->hss);
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'A Team', %lld), "
            "(2, 'B Team', %lld)",
            (long long)f->hss, (long long)f->hss);
    static const char *const members[][2] = {
        {"1", "coach-a1"}, {"1", "coach-a2"}, {"1", "coach-a3"},
        {"1", "nurse-a"},  {"2", "coach-b1"},
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++)
        cf_exec(f->s, "INSERT INTO team_member (team_id, staff_id) VALUES (%s, %lld)",
                members[i][0], (long long)cf_staff_id(f->s, members[i][1]));
    cf_exec(f->s,
            "INSERT INTO team_cover (team_id, staff_id) VALUES (1, %lld), (2, %lld)",
            (long long)cf_staff_id(f->s, "pm1"), (long long)cf_staff_id(f->s, "pm2"));
}

/*
 * Clients (created 2026-01-01 unless said; all HSS unless said):
 *  1 coach-a1: episode from 11-01 (target 60, day 22); latest HRA high;
 *    contact 11-20; participation expiring today (still valid); a release
 *    naming ORG-Y expiring today; a release naming ORG-X revoked 06-01.
 *  2 coach-a1: episode from 08-01 (target 60, no extension, day 114: past
 *    target, its last day was 09-29); HRA high then moderate (latest);
 *    contact 10-01; participation expired yesterday.
 *  3 coach-a1: episode from 09-01 (target 60 + 30 extension, day 83: past
 *    its target but extended, within the extension); HRA high; contact
 *    10-23T08:00 (exactly 30 days ago); participation revoked 11-01, viewed
 *    on 10-20 (before) and 11-05 (after: a violation).
 *  4 coach-a2: monitoring since 06-01; HRA low; contact 10-22T23:00 (31 days
 *    ago); participation until 2027-06-01; releases naming NGH expiring
 *    12-22 (today + 30) and 12-23 (+31); a disclosure to NGH on 11-02
 *    covered by them.
 *  5 coach-a2: episode closed in March (not active); HRA high.
 *  6 coach-b1: episode from 09-01 (target 30, day 83, past; last day 09-30);
 *    HRA high; never contacted; no participation consent; a release naming
 *    NGH revoked 09-01, then a disclosure to NGH on 10-10 (a violation).
 *  7 coach-b1: monitoring since 05-01; contact 11-21; participation without
 *    expiry; a release (not for substance use) naming ORG-X and ORG-Y until
 *    2027; disclosures on 10-05 (substance use, to ORG-X: a violation), 03-01
 *    (ORG-Y) and 11-10 (ORG-X), inserted in that order.
 *  8 unassigned, no program: an open HSS referral received 11-15 and a
 *    declined one received 10-01.
 *  9 unassigned, CT-NGH: episode from 11-10 (target 30); never contacted; no
 *    consent; an open CT-NGH referral received 11-12.
 */
static void load_clients(fixture *f)
{
    const char *c0 = "2026-01-01T00:00:00Z";
    int64_t H = f->hss;
    add_client(f, 1, "coach-a1", H, c0);
    add_client(f, 2, "coach-a1", H, c0);
    add_client(f, 3, "coach-a1", H, c0);
    add_client(f, 4, "coach-a2", H, c0);
    add_client(f, 5, "coach-a2", H, c0);
    add_client(f, 6, "coach-b1", H, c0);
    add_client(f, 7, "coach-b1", H, c0);
    add_client(f, 8, NULL, 0, c0);
    add_client(f, 9, NULL, f->ngh_prog, c0);

    add_episode(f, 1, H, "2026-11-01", 60, 0, NULL);
    add_episode(f, 2, H, "2026-08-01", 60, 0, NULL);
    add_episode(f, 3, H, "2026-09-01", 60, 30, NULL);
    add_monitoring(f, 4, H, "2026-06-01");
    add_episode(f, 5, H, "2026-01-10", 60, 0, "2026-03-10");
    add_episode(f, 6, H, "2026-09-01", 30, 0, NULL);
    add_monitoring(f, 7, H, "2026-05-01");
    add_episode(f, 9, f->ngh_prog, "2026-11-10", 30, 0, NULL);

    add_assessment(f, 1, "2026-11-02T10:00:00Z", "high");
    add_assessment(f, 2, "2026-08-02T10:00:00Z", "high");
    add_assessment(f, 2, "2026-10-01T10:00:00Z", "moderate");
    add_assessment(f, 3, "2026-09-02T10:00:00Z", "high");
    add_assessment(f, 4, "2026-06-01T10:00:00Z", "low");
    add_assessment(f, 5, "2026-01-11T10:00:00Z", "high");
    add_assessment(f, 6, "2026-09-02T10:00:00Z", "high");

    add_contact(f, 1, "2026-11-20T10:00:00Z");
    add_contact(f, 2, "2026-09-15T10:00:00Z");
    add_contact(f, 2, "2026-10-01T09:00:00Z");
    add_contact(f, 3, "2026-10-23T08:00:00Z");
    add_contact(f, 4, "2026-10-22T23:00:00Z");
    add_contact(f, 5, "2026-03-01T10:00:00Z");
    add_contact(f, 7, "2026-11-21T10:00:00Z");

    cf_exec(f->s,
            "INSERT INTO referral (client_id, program_id, source_type, received_date, "
            "status, status_at) VALUES (8, %lld, 'pcp', '2026-11-15', 'received', "
            "'2026-11-15T09:00:00Z'), (8, %lld, 'pcp', '2026-10-01', 'declined', "
            "'2026-10-02T09:00:00Z'), (9, %lld, 'ems', '2026-11-12', 'received', "
            "'2026-11-12T09:00:00Z')",
            (long long)H, (long long)H, (long long)f->ngh_prog);
}

/*
 * Tasks: coach-a1 T1 due 11-21T00:00 (overdue), T2 due exactly now (not yet),
 * T3 completed, T4 cancelled, T5 due 11-22T11:59:59 (overdue) = 2 overdue;
 * coach-a2 T6 due 11-01 = 1; coach-b1 T7 due 11-10 = 1, T8 due 12-01;
 * nurse-a T9 due 11-01 (no coach: not on the board).
 * Hand-offs: H1 client 2 from coach-a1 to coach-b1, proposed; H2 client 7
 * from coach-b1 to ORG-X, proposed; H3 client 1 from coach-a1 to coach-a2,
 * declined (decided: not pending).
 */
static void load_work(fixture *f)
{
    add_task(f, "coach-a1", 1, "2026-11-21T00:00:00Z", NULL, NULL);
    add_task(f, "coach-a1", 1, NOW, NULL, NULL);
    add_task(f, "coach-a1", 2, "2026-11-20T00:00:00Z", "2026-11-20T08:00:00Z", NULL);
    add_task(f, "coach-a1", 3, "2026-11-19T00:00:00Z", NULL, "2026-11-19T08:00:00Z");
    add_task(f, "coach-a1", 3, "2026-11-22T11:59:59Z", NULL, NULL);
    add_task(f, "coach-a2", 4, "2026-11-01T09:00:00Z", NULL, NULL);
    add_task(f, "coach-b1", 6, "2026-11-10T09:00:00Z", NULL, NULL);
    add_task(f, "coach-b1", 7, "2026-12-01T09:00:00Z", NULL, NULL);
    add_task(f, "nurse-a", 1, "2026-11-01T09:00:00Z", NULL, NULL);

    char org[32];
    snprintf(org, sizeof org, "org:%lld", (long long)f->orgx);
    add_handoff(f, 2, "coach-a1", "coach-b1", "proposed");
    add_handoff(f, 7, "coach-b1", org, "proposed");
    add_handoff(f, 1, "coach-a1", "coach-a2", "declined");
}

static void load_consents(fixture *f)
{
    add_consent(f, 1, "participation", TODAY, NULL, 0);
    add_recipient(f, add_consent(f, 1, "release", TODAY, NULL, 0), f->orgy);
    add_recipient(f, add_consent(f, 1, "release", NULL, "2026-06-01", 0), f->orgx);
    add_consent(f, 2, "participation", "2026-11-21", NULL, 0);
    add_consent(f, 3, "participation", NULL, "2026-11-01", 0);
    add_consent(f, 4, "participation", "2027-06-01", NULL, 0);
    add_recipient(f, add_consent(f, 4, "release", "2026-12-22", NULL, 0), f->ngh);
    add_recipient(f, add_consent(f, 4, "release", "2026-12-23", NULL, 0), f->ngh);
    add_recipient(f, add_consent(f, 6, "release", NULL, "2026-09-01", 0), f->ngh);
    add_consent(f, 7, "participation", NULL, NULL, 0);
    int64_t k = add_consent(f, 7, "release", "2027-12-31", NULL, 0);
    add_recipient(f, k, f->orgx);
    add_recipient(f, k, f->orgy);

    add_disclosure(f, 4, f->ngh, "2026-11-02T10:00:00Z", "care plan", "transition", 0,
                   "coach-a2");
    add_disclosure(f, 6, f->ngh, "2026-10-10T10:00:00Z", "discharge summary",
                   "readmission follow-up", 0, "coach-b1");
    add_disclosure(f, 7, f->orgx, "2026-10-05T09:00:00Z",
                   "substance use treatment history", "care coordination", 1,
                   "coach-b1");
    add_disclosure(f, 7, f->orgy, "2026-03-01T10:00:00Z", "discharge summary",
                   "follow-up visit", 0, "coach-b1");
    add_disclosure(f, 7, f->orgx, "2026-11-10T08:30:00Z", "medication list",
                   "home care", 0, "coach-a1");
}

/*
 * The access log, in order:
 *  E1 10-20T09:00 coach-a1 views client 3 (before its revocation)
 *  E2 11-05T10:00 coach-a1 views client 3 (after it: a violation)
 *  E3 11-15T23:59:59 coach-a1 views client 1 (just before the 7 days)
 *  E4 11-16T00:00 coach-a1 views client 1 (the first of the 7 days)
 *  E5 11-20T09:00 coach-a2 views client 4
 *  E6 11-20T10:00 coach-a2 writes client 4 (no access entry)
 *  E7 11-21T08:00 coach-b1 is refused client 1
 *  E8 11-21T09:00 coach-b1 breaks the glass on client 1
 *  E9 11-22T10:00 pm1 views client 4
 * Break-glass grants: G1 coach-b1 client 1 11-21 (not reviewed), G2
 * coach-a1 client 6 10-01 (reviewed by sup1), G3 coach-a2 client 7
 * 08-24T23:59:59 (before the 90 days), G4 coach-a2 client 7 08-25T00:00
 * (the first of the 90 days, not reviewed).
 */
static void load_access(fixture *f)
{
    audit_at(f, "2026-10-20T09:00:00Z", "coach-a1", "client.view", 3, "summary");
    audit_at(f, "2026-11-05T10:00:00Z", "coach-a1", "client.view", 3, "summary");
    audit_at(f, "2026-11-15T23:59:59Z", "coach-a1", "client.view", 1, "tasks");
    audit_at(f, "2026-11-16T00:00:00Z", "coach-a1", "client.view", 1, "summary");
    audit_at(f, "2026-11-20T09:00:00Z", "coach-a2", "client.view", 4, "contacts");
    audit_at(f, "2026-11-20T10:00:00Z", "coach-a2", "client.write", 4, "edit");
    audit_at(f, "2026-11-21T08:00:00Z", "coach-b1", "client.view.refused", 1,
             "summary");
    audit_at(f, "2026-11-21T09:00:00Z", "coach-b1", "break-glass", 1,
             "after-hours call");
    audit_at(f, "2026-11-22T10:00:00Z", "pm1", "client.view", 4, "summary");

    add_grant(f, "coach-b1", 1, "2026-11-21T09:00:00Z", "after-hours call", NULL, NULL);
    add_grant(f, "coach-a1", 6, "2026-10-01T08:00:00Z", "ED physician asked", "sup1",
              "justified");
    add_grant(f, "coach-a2", 7, "2026-08-24T23:59:59Z", "weekend cover", NULL, NULL);
    add_grant(f, "coach-a2", 7, "2026-08-25T00:00:00Z", "weekend cover", NULL, NULL);
}

/* ---- fixture ----------------------------------------------------------- */

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "reports.db");
    f->s = tu_create(f->db);
    f->ctx.st = f->s;
    f->hss = tu_int(f->s, "SELECT id FROM program WHERE code = 'hss'");
    f->ngh_prog = tu_int(f->s, "SELECT id FROM program WHERE code = 'ct-ngh'");
    f->ngh = tu_int(f->s, "SELECT id FROM organization WHERE facility_code = 'NGH'");
    tu_exec(f->s, "INSERT INTO organization (kind, name, facility_code) VALUES "
                  "('agency', 'Xavier Home Care', 'ORG-X'), "
                  "('clinic', 'Yarrow Clinic', 'ORG-Y')");
    f->orgx = tu_int(f->s, "SELECT id FROM organization WHERE facility_code = 'ORG-X'");
    f->orgy = tu_int(f->s, "SELECT id FROM organization WHERE facility_code = 'ORG-Y'");
    load_staff(f);
    load_clients(f);
    load_work(f);
    load_consents(f);
    load_access(f);
    as(f, "sup1");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    table_free(&f->t);
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    setenv("CARECOORD_NOW", NOW, 1);
    return 0;
}

/* ---- running reports --------------------------------------------------- */

typedef struct opts {
    const char *program, *from, *to, *staff;
    int64_t client;
    int days, page;
} opts;

static void params_of(const opts *o, report_params *p)
{
    memset(p, 0, sizeof *p);
    if (o) {
        snprintf(p->program, sizeof p->program, "%s", o->program ? o->program : "");
        snprintf(p->from, sizeof p->from, "%s", o->from ? o->from : "");
        snprintf(p->to, sizeof p->to, "%s", o->to ? o->to : "");
        snprintf(p->staff, sizeof p->staff, "%s", o->staff ? o->staff : "");
        p->client_id = o->client;
        p->days = o->days;
        p->page = o->page;
    }
}

/* Resolve and run kind as login into f->t, failing the test on error; no
 * transaction is left open. Returns the resolved parameters. */
static report_params run_as(fixture *f, const char *login, const char *kind,
                            const opts *o)
{
    report_params p;
    cc_err err = {0};
    params_of(o, &p);
    table_free(&f->t);
    as(f, login);
    int rc = report_resolve(&f->ctx, kind, &p, &err);
    if (rc == CC_OK)
        rc = report_run(&f->ctx, kind, &p, &f->t, &err);
    if (rc != CC_OK)
        print_error("report %s as %s: %s\n", kind, login, err.msg);
    assert_int_equal(rc, CC_OK);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
    return p;
}

/* Run kind as login expecting code; the message names needle. */
static void refused_as(fixture *f, const char *login, const char *kind, const opts *o,
                       int code, const char *needle)
{
    report_params p;
    cc_err err = {0};
    params_of(o, &p);
    table_free(&f->t);
    as(f, login);
    int rc = report_resolve(&f->ctx, kind, &p, &err);
    if (rc == CC_OK)
        rc = report_run(&f->ctx, kind, &p, &f->t, &err);
    if (rc != code || !strstr(err.msg, needle))
        print_error("report %s as %s: %d '%s', expected %d naming '%s'\n", kind, login,
                    rc, err.msg, code, needle);
    assert_int_equal(rc, code);
    assert_non_null(strstr(err.msg, needle));
    assert_int_equal(f->t.nrows, 0);
    assert_null(f->t.cells);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
}

/* Row r of t as "cell|cell|...". */
static const char *row_text(const cc_table *t, int r)
{
    static char buf[1024];
    size_t n = 0;
    buf[0] = '\0';
    for (int c = 0; c < t->ncols; c++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", c ? "|" : "",
                              table_cell(t, r, c));
    return buf;
}

static void dump(const cc_table *t)
{
    for (int r = 0; r < t->nrows; r++)
        print_error("  row %d: %s\n", r, row_text(t, r));
}

static void assert_columns(const cc_table *t, const char *want)
{
    char got[512];
    size_t n = 0;
    got[0] = '\0';
    for (int c = 0; c < t->ncols; c++)
        n +=
            (size_t)snprintf(got + n, sizeof got - n, "%s%s", c ? "|" : "", t->cols[c]);
    assert_string_equal(got, want);
}

/* t holds exactly the rows want[0..n), in this order. */
static void assert_rows(const cc_table *t, const char *const *want, int n)
{
    int same = t->nrows == n;
    for (int r = 0; same && r < n; r++)
        same = !strcmp(row_text(t, r), want[r]);
    if (!same) {
        print_error("got %d rows:\n", t->nrows);
        dump(t);
        print_error("expected %d rows:\n", n);
        for (int r = 0; r < n; r++)
            print_error("  row %d: %s\n", r, want[r]);
    }
    assert_true(same);
}

/* t holds exactly the rows want[0..n), each once, in any order. */
static void assert_row_set(const cc_table *t, const char *const *want, int n)
{
    int same = t->nrows == n;
    for (int i = 0; same && i < n; i++) {
        int found = 0;
        for (int r = 0; r < t->nrows; r++)
            found += !strcmp(row_text(t, r), want[i]);
        same = found == 1;
    }
    if (!same) {
        print_error("got %d rows:\n", t->nrows);
        dump(t);
        print_error("expected, in any order, %d rows:\n", n);
        for (int i = 0; i < n; i++)
            print_error("  %s\n", want[i]);
    }
    assert_true(same);
}

#define ROWS(t, ...)                                                                   \
    do {                                                                               \
        static const char *const want_[] = {__VA_ARGS__};                              \
        assert_rows(t, want_, (int)(sizeof want_ / sizeof *want_));                    \
    } while (0)
#define ROW_SET(t, ...)                                                                \
    do {                                                                               \
        static const char *const want_[] = {__VA_ARGS__};                              \
        assert_row_set(t, want_, (int)(sizeof want_ / sizeof *want_));                 \
    } while (0)

static long long runs(fixture *f)
{
    return cf_int(f->s, "SELECT count(*) FROM audit WHERE action = 'report.run'");
}

/* ---- kinds, periods and quarters --------------------------------------- */

static void test_kinds_and_actions(void **state)
{
    (void)state;
    static const char *const kinds[][2] = {
        {"caseload", "caseload.view"}, {"measures", "measures.view"},
        {"consent", "audit.access"},   {"disclosures", "audit.access"},
        {"access", "audit.access"},    {"stale", "caseload.view"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        assert_true(report_known(kinds[i][0]));
        assert_string_equal(report_action(kinds[i][0]), kinds[i][1]);
        assert_non_null(strstr(report_kinds(), kinds[i][0]));
    }
    assert_false(report_known("nope"));
    assert_false(report_known(""));
    assert_false(report_known("Caseload"));
}

static void resolve_ok(fixture *f, const char *kind, const opts *o, const char *from,
                       const char *to)
{
    report_params p;
    cc_err err = {0};
    params_of(o, &p);
    int rc = report_resolve(&f->ctx, kind, &p, &err);
    if (rc != CC_OK)
        print_error("resolve %s: %s\n", kind, err.msg);
    assert_int_equal(rc, CC_OK);
    assert_string_equal(p.from, from);
    assert_string_equal(p.to, to);
}

static void resolve_refused(fixture *f, const char *kind, const opts *o, int code,
                            const char *needle)
{
    report_params p;
    cc_err err = {0};
    params_of(o, &p);
    int rc = report_resolve(&f->ctx, kind, &p, &err);
    if (rc != code || !strstr(err.msg, needle))
        print_error("resolve %s (from '%s' to '%s'): %d '%s'\n", kind,
                    o && o->from ? o->from : "", o && o->to ? o->to : "", rc, err.msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(err.msg, needle));
}

static void test_default_periods(void **state)
{
    fixture *f = *state;
    /* This month for the board, stale cases and measures. */
    resolve_ok(f, "caseload", NULL, "2026-11-01", TODAY);
    resolve_ok(f, "stale", NULL, "2026-11-01", TODAY);
    resolve_ok(f, "measures", NULL, "2026-11-01", TODAY);
    /* The access log: the last 7 days, today included (11-16..11-22). */
    resolve_ok(f, "access", NULL, "2026-11-16", TODAY);
    opts by_staff = {.staff = "coach-a1"};
    resolve_ok(f, "access", &by_staff, "2026-11-16", TODAY);
    /* With only --to, 7 days ending there. */
    opts to = {.to = "2026-03-03"};
    resolve_ok(f, "access", &to, "2026-02-25", "2026-03-03");
    /* Disclosures: the six years HIPAA asks for, the day after the same date
     * six years before; a 29 February goes back to the 28th. */
    opts one = {.client = 7};
    resolve_ok(f, "disclosures", &one, "2020-11-23", TODAY);
    opts leap = {.client = 7, .to = "2028-02-29"};
    resolve_ok(f, "disclosures", &leap, "2022-03-01", "2028-02-29");
    opts march = {.client = 7, .to = "2024-03-01"};
    resolve_ok(f, "disclosures", &march, "2018-03-02", "2024-03-01");
    /* The consent audit and the grants: 90 days (08-25..11-22). */
    resolve_ok(f, "consent", NULL, "2026-08-25", TODAY);
    resolve_ok(f, "grants", NULL, "2026-08-25", TODAY);
    /* An explicit period is kept; a one-day period is fine. */
    opts both = {.from = "2026-10-01", .to = "2026-10-31"};
    resolve_ok(f, "stale", &both, "2026-10-01", "2026-10-31");
    opts day = {.from = TODAY, .to = TODAY};
    resolve_ok(f, "access", &day, TODAY, TODAY);
    /* Stale: 30 days unless told. */
    report_params p;
    cc_err err = {0};
    params_of(NULL, &p);
    assert_int_equal(report_resolve(&f->ctx, "stale", &p, &err), CC_OK);
    assert_int_equal(p.days, 30);
}

static void test_quarters(void **state)
{
    fixture *f = *state;
    opts q = {.from = "2026Q3"};
    resolve_ok(f, "measures", &q, "2026-07-01", "2026-09-30");
    q.from = "2026Q1";
    resolve_ok(f, "measures", &q, "2026-01-01", "2026-03-31");
    q.from = "2026Q2";
    resolve_ok(f, "measures", &q, "2026-04-01", "2026-06-30");
    q.from = "2026Q4";
    resolve_ok(f, "measures", &q, "2026-10-01", "2026-12-31");
    q.from = "2024Q1"; /* a leap year ends its quarter on 03-31 all the same */
    resolve_ok(f, "measures", &q, "2024-01-01", "2024-03-31");
    /* Bad quarters are refused with the form to use. */
    static const char *const bad[] = {"2026Q5",  "2026Q0",  "2026Q",  "Q3",
                                      "2026Q3x", "2026Q33", "1899Q1", "26Q1",
                                      "2026QQ",  "2026 Q3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        q.from = bad[i];
        resolve_refused(f, "measures", &q, CC_EINPUT, "2026Q3");
    }
}

/* report_quarter: the quarter holding a date, stepped, as resolve reads it
 * (the measures screen's [ and ]). */
static void test_quarter_steps(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *date;
        int step;
        const char *want;
    } ok[] = {
        {"2026-11-22", 0, "2026Q4"},  {"2026-11-22", -1, "2026Q3"},
        {"2026-10-01", 0, "2026Q4"},  {"2026-09-30", 0, "2026Q3"},
        {"2026-01-01", -1, "2025Q4"}, {"2025-12-31", 1, "2026Q1"},
        {"2026-07-01", -2, "2026Q1"}, {"2026-03-31", 4, "2027Q1"},
        {"1900-02-01", 0, "1900Q1"},  {"9998-12-31", 0, "9998Q4"},
    };
    char q[8];
    cc_err err = {0};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(report_quarter(ok[i].date, ok[i].step, q, &err), CC_OK);
        assert_string_equal(q, ok[i].want);
        opts o = {.from = q}; /* and resolve reads what it wrote */
        report_params p;
        params_of(&o, &p);
        assert_int_equal(report_resolve(&f->ctx, "measures", &p, &err), CC_OK);
    }
    /* Past the quarters resolve reads, and not a date: refused, out empty. */
    assert_int_equal(report_quarter("1900-02-01", -1, q, &err), CC_EINPUT);
    assert_string_equal(q, "");
    assert_int_equal(report_quarter("9998-12-31", 1, q, &err), CC_EINPUT);
    assert_int_equal(report_quarter("2026Q3", 0, q, &err), CC_EINPUT);
    assert_int_equal(report_quarter("2026-02-30", 0, q, &err), CC_EINPUT);
}

static void test_bad_dates_and_usage(void **state)
{
    fixture *f = *state;
    static const opts bad[] = {
        {.from = "2026-02-30"},                     /* no such day */
        {.from = "2026-13-01"},                     /* no such month */
        {.from = "2026-11-1"},                      /* not YYYY-MM-DD */
        {.to = "22/11/2026"},                       /* not YYYY-MM-DD */
        {.from = "2026-11-10", .to = "2026-11-01"}, /* backwards */
        {.from = "yesterday"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        resolve_refused(f, "stale", &bad[i], CC_EINPUT, "YYYY-MM-DD");
    /* The accounting of disclosures is for one client. */
    resolve_refused(f, "disclosures", NULL, CC_EUSAGE, "--client");
    /* An unknown kind names the kinds. */
    resolve_refused(f, "nope", NULL, CC_EUSAGE, "caseload, measures");
    cc_err err = {0};
    report_params p;
    params_of(NULL, &p);
    assert_int_equal(report_run(&f->ctx, "nope", &p, &f->t, &err), CC_EUSAGE);
}

/* ---- the caseload board ------------------------------------------------ */

static void test_caseload_board_supervisor_sees_all(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    run_as(f, "sup1", "caseload", NULL);
    assert_columns(&f->t,
                   "team|coach|active|load|high|past|overdue|handoffs|stale_days");
    /*
     * coach-a1: active 1, 2, 3 = 3 of 5, bar 3 * 10 / 5 = 6; high: 1 and 3
     * (2's latest is moderate) = 2; past target: 2 (day 114 > 60; 3 is at day
     * 83 of 60 + 30) = 1; overdue T1, T5 = 2; pending hand-offs: H1 = 1; the
     * stalest: client 2, last contact 10-01, 52 days ago.
     * coach-a2: 4 (5 is closed) = 1 of 5, bar 2; high 0 (4 is low, 5 is
     * closed); past 0; overdue T6 = 1; hand-offs 0 (H3 was declined);
     * stalest: client 4, 10-22, 31 days.
     * coach-a3 is inactive and nurse-a no coach: no rows.
     * Team A: 4 of 10, bar 4; high 2, past 1, overdue 3, hand-offs 1, 52.
     * coach-b1: 6, 7 = 2 of 5, bar 4; high 1 (6); past 1 (6: day 83 > 30);
     * overdue T7 = 1; hand-offs H1 (to) and H2 (from) = 2; stalest: client
     * 6, never contacted, created 01-01: 325 days.
     */
    ROWS(&f->t, "A Team|(team)|4/10|####|2|1|3|1|52",
         "A Team|coach-a1|3/5|######|2|1|2|1|52", "A Team|coach-a2|1/5|##|0|0|1|0|31",
         "B Team|(team)|2/5|####|1|1|1|2|325", "B Team|coach-b1|2/5|####|1|1|1|2|325");
    /* The board shows no client data: not audited. */
    assert_int_equal(runs(f), before);
}

static void test_caseload_board_manager_sees_covered_team_only(void **state)
{
    fixture *f = *state;
    /* pm1 covers team A only. */
    run_as(f, "pm1", "caseload", NULL);
    ROWS(&f->t, "A Team|(team)|4/10|####|2|1|3|1|52",
         "A Team|coach-a1|3/5|######|2|1|2|1|52", "A Team|coach-a2|1/5|##|0|0|1|0|31");
    /* pm2 covers team B only. */
    run_as(f, "pm2", "caseload", NULL);
    ROWS(&f->t, "B Team|(team)|2/5|####|1|1|1|2|325",
         "B Team|coach-b1|2/5|####|1|1|1|2|325");
    /* A coach sees their own team. */
    run_as(f, "coach-b1", "caseload", NULL);
    ROWS(&f->t, "B Team|(team)|2/5|####|1|1|1|2|325",
         "B Team|coach-b1|2/5|####|1|1|1|2|325");
    /* A program with no teams: nothing. */
    opts ngh = {.program = "ct-ngh"};
    run_as(f, "sup1", "caseload", &ngh);
    assert_int_equal(f->t.nrows, 0);
    opts hss = {.program = "hss"};
    run_as(f, "pm1", "caseload", &hss);
    assert_int_equal(f->t.nrows, 3);
}

static void test_caseload_board_over_capacity_and_agrees_with_caseload(void **state)
{
    fixture *f = *state;
    /* Three more active clients for coach-a1: 6 of 5, the bar is full and
     * marked over. */
    for (int id = 20; id < 23; id++) {
        add_client(f, id, "coach-a1", f->hss, "2026-11-01T00:00:00Z");
        add_monitoring(f, id, f->hss, "2026-11-01");
        add_contact(f, id, "2026-11-21T10:00:00Z");
    }
    run_as(f, "pm1", "caseload", NULL);
    ROWS(&f->t, "A Team|(team)|7/10|#######|2|1|3|1|52",
         "A Team|coach-a1|6/5|##########!|2|1|2|1|52",
         "A Team|coach-a2|1/5|##|0|0|1|0|31");
    /* The caseload screen counts the same clients. */
    cc_err err = {0};
    caseload_entry *list;
    int n;
    assert_int_equal(caseload_team(&f->ctx, TEAM_A, &list, &n, &err), CC_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "%d/%d", list[i].active, list[i].capacity);
        int r = !strcmp(list[i].login, "coach-a1") ? 1 : 2;
        assert_string_equal(table_cell(&f->t, r, 1), list[i].login);
        assert_string_equal(table_cell(&f->t, r, 2), want);
        assert_int_equal(atoi(table_cell(&f->t, r, 4)), list[i].high);
    }
    free(list);
}

static void test_caseload_team_row_counts_a_handoff_once(void **state)
{
    fixture *f = *state;
    /* H4: client 4 from coach-a2 to coach-a1, both on team A. Each coach has
     * it pending (coach-a1 now 2: H1, H4; coach-a2 1: H4), but team A has two
     * pending hand-offs, H1 and H4, not three. */
    add_handoff(f, 4, "coach-a2", "coach-a1", "proposed");
    run_as(f, "pm1", "caseload", NULL);
    assert_string_equal(table_cell(&f->t, 1, 1), "coach-a1");
    assert_string_equal(table_cell(&f->t, 1, 7), "2");
    assert_string_equal(table_cell(&f->t, 2, 1), "coach-a2");
    assert_string_equal(table_cell(&f->t, 2, 7), "1");
    assert_string_equal(table_cell(&f->t, 0, 1), "(team)");
    if (strcmp(table_cell(&f->t, 0, 7), "2"))
        dump(&f->t);
    assert_string_equal(table_cell(&f->t, 0, 7), "2");
}

static void test_caseload_past_target_counts_clients(void **state)
{
    fixture *f = *state;
    /* Client 2 is also in PA-SC (another overlap group), with an episode
     * from 08-01 with a 30-day target: two episodes past target, one client.
     * The board counts clients past their episode target: coach-a1 still 1,
     * team A still 1. */
    int64_t pasc = tu_int(f->s, "SELECT id FROM program WHERE code = 'pasc'");
    add_episode(f, 2, pasc, "2026-08-01", 30, 0, NULL);
    run_as(f, "pm1", "caseload", NULL);
    assert_string_equal(table_cell(&f->t, 1, 1), "coach-a1");
    if (strcmp(table_cell(&f->t, 1, 5), "1") || strcmp(table_cell(&f->t, 0, 5), "1"))
        dump(&f->t);
    assert_string_equal(table_cell(&f->t, 1, 5), "1");
    assert_string_equal(table_cell(&f->t, 0, 5), "1");
    /* Still three active clients. */
    assert_string_equal(table_cell(&f->t, 1, 2), "3/5");
}

/* ---- stale cases ------------------------------------------------------- */

static void test_stale_manager(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    run_as(f, "pm1", "stale", NULL);
    assert_columns(&f->t, "issue|client|name|owner|since");
    /* Team A's active clients 1-4. Last contact before 10-23: 2 (10-01) and
     * 4 (10-22T23:00, 31 days); not 3 (10-23T08:00, exactly 30 days), 1.
     * Past target without an extension: 2 (its last day 08-01 + 59 =
     * 09-29); not 3 (extended), 1 (day 22 of 60). Not 5 (closed), nor team
     * B's 6 and 7. */
    ROW_SET(&f->t, "no contact|2|Family2, Given|coach-a1|2026-10-01",
            "no contact|4|Family4, Given|coach-a2|2026-10-22",
            "past target|2|Family2, Given|coach-a1|2026-09-29");
    assert_int_equal(runs(f), before);
}

static void test_stale_supervisor_and_coach(void **state)
{
    fixture *f = *state;
    /* Everything active: + 6 (never contacted; past target: 09-01 + 29 =
     * 09-30) and the unassigned CT-NGH client 9 (never contacted; day 13 of
     * 30); 7 was contacted yesterday. */
    run_as(f, "sup1", "stale", NULL);
    ROW_SET(&f->t, "no contact|2|Family2, Given|coach-a1|2026-10-01",
            "no contact|4|Family4, Given|coach-a2|2026-10-22",
            "no contact|6|Family6, Given|coach-b1|never",
            "no contact|9|Family9, Given||never",
            "past target|2|Family2, Given|coach-a1|2026-09-29",
            "past target|6|Family6, Given|coach-b1|2026-09-30");
    /* coach-b1's team B: clients 6 and 7. */
    run_as(f, "coach-b1", "stale", NULL);
    ROW_SET(&f->t, "no contact|6|Family6, Given|coach-b1|never",
            "past target|6|Family6, Given|coach-b1|2026-09-30");
}

static void test_stale_days(void **state)
{
    fixture *f = *state;
    /* 60 days: before 09-23 — neither 2 (10-01) nor 4; the past-target row
     * stays. */
    opts sixty = {.days = 60};
    run_as(f, "pm1", "stale", &sixty);
    ROW_SET(&f->t, "past target|2|Family2, Given|coach-a1|2026-09-29");
    /* 7 days: before 11-15 — 2, 3 (10-23) and 4; not 1 (11-20). */
    opts seven = {.days = 7};
    run_as(f, "pm1", "stale", &seven);
    ROW_SET(&f->t, "no contact|2|Family2, Given|coach-a1|2026-10-01",
            "no contact|3|Family3, Given|coach-a1|2026-10-23",
            "no contact|4|Family4, Given|coach-a2|2026-10-22",
            "past target|2|Family2, Given|coach-a1|2026-09-29");
}

static void test_stale_program_filter_for_supervisor(void **state)
{
    fixture *f = *state;
    /* --program hss leaves out client 9 (CT-NGH). */
    opts hss = {.program = "hss"};
    run_as(f, "sup1", "stale", &hss);
    ROW_SET(&f->t, "no contact|2|Family2, Given|coach-a1|2026-10-01",
            "no contact|4|Family4, Given|coach-a2|2026-10-22",
            "no contact|6|Family6, Given|coach-b1|never",
            "past target|2|Family2, Given|coach-a1|2026-09-29",
            "past target|6|Family6, Given|coach-b1|2026-09-30");
}

static void test_stale_new_client_is_not_stale(void **state)
{
    fixture *f = *state;
    /* Client 10 came to coach-a1 four days ago and has had no contact yet:
     * no contact for 4 days, not for 30 (the board counts from the day the
     * client was created the same way). */
    add_client(f, 10, "coach-a1", f->hss, "2026-11-18T09:00:00Z");
    add_monitoring(f, 10, f->hss, "2026-11-18");
    run_as(f, "pm1", "stale", NULL);
    ROW_SET(&f->t, "no contact|2|Family2, Given|coach-a1|2026-10-01",
            "no contact|4|Family4, Given|coach-a2|2026-10-22",
            "past target|2|Family2, Given|coach-a1|2026-09-29");
}

/* ---- the consent audit ------------------------------------------------- */

/* The rows the fixture gives the consent audit over its default 90 days
 * (08-25..11-22), worked out in test_consent_audit. */
#define CONSENT_ROWS                                                                   \
    "release expiring|1|Family1, Given|ORG-Y|2026-11-22",                              \
        "release expiring|4|Family4, Given|NGH|2026-12-22",                            \
        "no participation consent|2|Family2, Given||",                                 \
        "no participation consent|3|Family3, Given||",                                 \
        "no participation consent|6|Family6, Given||",                                 \
        "no participation consent|9|Family9, Given||",                                 \
        "VIOLATION: used after revocation|3|Family3, Given|participation; after it: "  \
        "1 view, 0 disclosures|2026-11-01",                                            \
        "VIOLATION: used after revocation|6|Family6, Given|release NGH; after it: 0 "  \
        "views, 1 disclosure|2026-09-01",                                              \
        "VIOLATION: viewed after revocation|3|Family3, Given|coach-a1 (Ann Avery) "    \
        "summary|2026-11-05",                                                          \
        "VIOLATION: disclosed without consent|6|Family6, Given|NGH: discharge "        \
        "summary|2026-10-10",                                                          \
        "VIOLATION: substance use without naming consent|7|Family7, "                  \
        "Given|ORG-X|2026-10-05"

static void test_consent_audit(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    run_as(f, "sup1", "consent", NULL);
    assert_columns(&f->t, "issue|client|name|detail|date");
    /*
     * Release consents expiring 11-22..12-22: client 1's (ORG-Y, today) and
     * 4's (NGH, 12-22); not 4's other (12-23), 1's revoked one, 6's revoked
     * one, 7's (2027).
     * Active without a participation consent in force today: 2 (expired
     * yesterday), 3 (revoked 11-01), 6 (none), 9 (none); not 1 (expires
     * today: still in force), 4, 7; not 5 or 8 (not active).
     * Revocations in the 90 days: 3's participation (11-01), viewed once
     * after it (11-05; the 10-20 view was before it) with no consent since:
     * a violation; 6's release naming NGH (09-01), then a disclosure to NGH
     * (10-10) no release covered: a violation. Not 1's release (06-01,
     * before the period).
     * Viewed after revocation: client 3 on 11-05 by coach-a1, named by login
     * and full name.
     * Disclosed without a consent naming the recipient: 6's to NGH on 10-10
     * (its release was revoked 09-01); not 4's (covered), 7's (covered).
     * Substance use without a consent naming the recipient for it: 7's to
     * ORG-X on 10-05 (its release is not for substance use) — once, and not
     * also as "disclosed without consent" (a release does name ORG-X).
     */
    ROW_SET(&f->t, CONSENT_ROWS);
    /* Audited, as a report (no one client), with its period. */
    assert_int_equal(runs(f), before + 1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE seq = (SELECT max(seq) FROM "
               "audit) AND action = 'report.run' AND object = 'report:0' AND "
               "staff_id = %lld AND details = 'consent 2026-08-25..2026-11-22' "
               "AND at = '" NOW "'",
               (long long)cf_staff_id(f->s, "sup1")),
        1);
}

static void test_consent_audit_later_consent_cures(void **state)
{
    fixture *f = *state;
    /* Client 3 signs a new participation consent on 11-03: the view on 11-05
     * is covered again, and the client has a consent in force; the
     * revocation is still listed, with the view after it, but no longer as
     * a violation. */
    cf_exec(f->s,
            "INSERT INTO consent (client_id, kind, decision, signed_date, recorded_by, "
            "created_at) VALUES (3, 'participation', 'granted', '2026-11-03', %lld, "
            "'2026-11-03T00:00:00Z')",
            (long long)cf_staff_id(f->s, "admin1"));
    run_as(f, "sup1", "consent", NULL);
    int threes = 0;
    for (int r = 0; r < f->t.nrows; r++)
        if (!strcmp(table_cell(&f->t, r, 1), "3")) {
            threes++;
            assert_string_equal(row_text(&f->t, r),
                                "revoked|3|Family3, Given|participation; after it: 1 "
                                "view, 0 disclosures|2026-11-01");
        }
    assert_int_equal(threes, 1);
    assert_int_equal(f->t.nrows, 9);
}

static void test_consent_audit_program_filter(void **state)
{
    fixture *f = *state;
    /* --program hss leaves out client 9 (CT-NGH): ten findings. */
    opts hss = {.program = "hss"};
    run_as(f, "sup1", "consent", &hss);
    for (int r = 0; r < f->t.nrows; r++)
        if (!strcmp(table_cell(&f->t, r, 1), "9")) {
            dump(&f->t);
            fail_msg("client 9 (ct-ngh) in the hss consent audit");
        }
    assert_int_equal(f->t.nrows, 10);
}

/* The events of the audit follow its period; what stands at its end stays. */
static void test_consent_audit_period(void **state)
{
    fixture *f = *state;
    /* 11-02..11-22: 3's view (11-05) and its revocation's row need the
     * revocation (11-01) in the period for the one and only the view for the
     * other; 6's revocation (09-01) and disclosure (10-10) and 7's (10-05)
     * are before it. */
    opts nov = {.from = "2026-11-02"};
    run_as(f, "sup1", "consent", &nov);
    ROW_SET(&f->t, "release expiring|1|Family1, Given|ORG-Y|2026-11-22",
            "release expiring|4|Family4, Given|NGH|2026-12-22",
            "no participation consent|2|Family2, Given||",
            "no participation consent|3|Family3, Given||",
            "no participation consent|6|Family6, Given||",
            "no participation consent|9|Family9, Given||",
            "VIOLATION: viewed after revocation|3|Family3, Given|coach-a1 (Ann Avery) "
            "summary|2026-11-05");
    /* Ending on 10-31: what stands then (2's participation was in force until
     * 11-21; 1's release expiring 11-22 is within 30 days, 4's 12-22 not);
     * 3's revocation (11-01) is after the end and its view not in it. */
    opts oct = {.from = "2026-10-01", .to = "2026-10-31"};
    run_as(f, "sup1", "consent", &oct);
    ROW_SET(&f->t, "release expiring|1|Family1, Given|ORG-Y|2026-11-22",
            "no participation consent|6|Family6, Given||",
            "no participation consent|9|Family9, Given||",
            "VIOLATION: disclosed without consent|6|Family6, Given|NGH: discharge "
            "summary|2026-10-10",
            "VIOLATION: substance use without naming consent|7|Family7, "
            "Given|ORG-X|2026-10-05");
}

static void add_appointment(fixture *f, int client, int64_t org, const char *at,
                            const char *status)
{
    cf_exec(
        f->s,
        "INSERT INTO appointment (client_id, kind, with_org_id, staff_id, at, "
        "status, reason, booked_at, booked_by) VALUES (%d, 'pcp', %lld, %lld, '%s', "
        "'%s', '%s', '2026-08-01T00:00:00Z', %lld)",
        client, (long long)org, (long long)cf_staff_id(f->s, "coach-a1"), at, status,
        strcmp(status, "booked") ? "could not come" : "",
        (long long)cf_staff_id(f->s, "coach-a1"));
}

static void add_encounter(fixture *f, int client, int64_t org, const char *at)
{
    cf_exec(
        f->s,
        "INSERT INTO encounter (client_id, facility_id, kind, at) VALUES (%d, %lld, "
        "'admit', '%s')",
        client, (long long)org, at);
}

/*
 * Client 2's releases, none revoked: R1 naming ORG-X expired 10-31, R5
 * naming ORG-X expired 06-30 (older: not listed again), R2 naming NGH
 * expired 09-30, R3 naming ORG-Y expired 10-01 but renewed by R4 (to 2027).
 * Activity: an appointment with ORG-X on 11-10, ORG-X is the primary-care
 * practice; an encounter at NGH on 11-05 and a disclosure to NGH on 11-06;
 * an appointment with ORG-Y on 11-12. Client 7's release naming NGH expired
 * 10-15; only a cancelled appointment with NGH (11-12) and an encounter
 * there on 07-01, before the period.
 */
static void load_expired(fixture *f)
{
    add_recipient(f, add_consent(f, 2, "release", "2026-10-31", NULL, 0), f->orgx);
    add_recipient(f, add_consent(f, 2, "release", "2026-06-30", NULL, 0), f->orgx);
    add_recipient(f, add_consent(f, 2, "release", "2026-09-30", NULL, 0), f->ngh);
    add_recipient(f, add_consent(f, 2, "release", "2026-10-01", NULL, 0), f->orgy);
    add_recipient(f, add_consent(f, 2, "release", "2027-10-01", NULL, 0), f->orgy);
    add_appointment(f, 2, f->orgx, "2026-11-10T15:00:00Z", "booked");
    add_appointment(f, 2, f->orgy, "2026-11-12T15:00:00Z", "booked");
    cf_exec(f->s,
            "INSERT INTO client_reach (client_id, pcp_org_id, saved_at, saved_by) "
            "VALUES (2, %lld, '2026-01-01T00:00:00Z', 0)",
            (long long)f->orgx);
    add_encounter(f, 2, f->ngh, "2026-11-05T03:00:00Z");
    add_disclosure(f, 2, f->ngh, "2026-11-06T10:00:00Z", "care plan", "transition", 0,
                   "coach-a1");
    add_recipient(f, add_consent(f, 7, "release", "2026-10-15", NULL, 0), f->ngh);
    add_appointment(f, 7, f->ngh, "2026-11-12T15:00:00Z", "cancelled");
    add_encounter(f, 7, f->ngh, "2026-07-01T10:00:00Z");
}

static void test_consent_expired_release_in_use(void **state)
{
    fixture *f = *state;
    load_expired(f);
    run_as(f, "sup1", "consent", NULL);
    /* ORG-X: R1 (not R5 as well), for the appointment and the practice;
     * NGH: R2, for the disclosure and the encounter (the disclosure is also
     * a violation of its own); not ORG-Y (R4 covers it), nor 7's NGH. */
    ROW_SET(&f->t, CONSENT_ROWS,
            "release expired, still in use|2|Family2, Given|ORG-X: appointment, "
            "primary care|2026-10-31",
            "release expired, still in use|2|Family2, Given|NGH: disclosure, "
            "encounter|2026-09-30",
            "VIOLATION: disclosed without consent|2|Family2, Given|NGH: care "
            "plan|2026-11-06");
    /* From 11-11 the appointment with ORG-X and all of NGH's activity are
     * before the period; the practice stays. */
    opts late = {.from = "2026-11-11"};
    run_as(f, "sup1", "consent", &late);
    int expired = 0;
    for (int r = 0; r < f->t.nrows; r++)
        if (!strcmp(table_cell(&f->t, r, 0), "release expired, still in use")) {
            expired++;
            assert_string_equal(row_text(&f->t, r),
                                "release expired, still in use|2|Family2, "
                                "Given|ORG-X: primary care|2026-10-31");
        }
    assert_int_equal(expired, 1);
    /* Once the client's care has ended, the practice on file is no longer
     * activity: only the period's own rows name an organization. */
    assert_int_equal(
        tu_int(f->s, "SELECT active FROM client_state WHERE client_id = 2"), 1);
    cf_exec(f->s,
            "UPDATE episode SET closed_date = '2026-11-01', outcome = 'moved' WHERE "
            "client_id = 2 AND closed_date IS NULL");
    cf_exec(f->s,
            "UPDATE monitoring SET ended_date = '2026-11-01' WHERE client_id = 2 AND "
            "ended_date IS NULL");
    assert_int_equal(
        tu_int(f->s, "SELECT active FROM client_state WHERE client_id = 2"), 0);
    run_as(f, "sup1", "consent", &late);
    for (int r = 0; r < f->t.nrows; r++)
        assert_string_not_equal(table_cell(&f->t, r, 0),
                                "release expired, still in use");
    run_as(f, "sup1", "consent", NULL); /* (no longer missing participation) */
    ROW_SET(&f->t, "release expiring|1|Family1, Given|ORG-Y|2026-11-22",
            "release expiring|4|Family4, Given|NGH|2026-12-22",
            "no participation consent|3|Family3, Given||",
            "no participation consent|6|Family6, Given||",
            "no participation consent|9|Family9, Given||",
            "VIOLATION: used after revocation|3|Family3, Given|participation; after "
            "it: 1 view, 0 disclosures|2026-11-01",
            "VIOLATION: used after revocation|6|Family6, Given|release NGH; after it: "
            "0 views, 1 disclosure|2026-09-01",
            "VIOLATION: viewed after revocation|3|Family3, Given|coach-a1 (Ann Avery) "
            "summary|2026-11-05",
            "VIOLATION: disclosed without consent|6|Family6, Given|NGH: discharge "
            "summary|2026-10-10",
            "VIOLATION: substance use without naming consent|7|Family7, "
            "Given|ORG-X|2026-10-05",
            "release expired, still in use|2|Family2, Given|ORG-X: "
            "appointment|2026-10-31",
            "release expired, still in use|2|Family2, Given|NGH: disclosure, "
            "encounter|2026-09-30",
            "VIOLATION: disclosed without consent|2|Family2, Given|NGH: care "
            "plan|2026-11-06");
}

/* A release narrowed by one recipient (revoked, recorded again for the
 * others) lost only that one: the disclosures counted after it and the
 * violation are about it alone. */
static void test_consent_revocation_of_one_recipient(void **state)
{
    fixture *f = *state;
    /* Client 4's release naming NGH and ORG-X, revoked 11-03, recorded again
     * for NGH; then disclosures to NGH (11-10, covered) and ORG-X (11-12,
     * not). Client 4 was viewed on 11-20 and 11-22 (E5, E9). */
    int64_t k = add_consent(f, 4, "release", "2027-06-01", "2026-11-03", 0);
    add_recipient(f, k, f->ngh);
    add_recipient(f, k, f->orgx);
    add_recipient(f, add_consent(f, 4, "release", "2027-06-01", NULL, 0), f->ngh);
    add_disclosure(f, 4, f->ngh, "2026-11-10T10:00:00Z", "care plan", "transition", 0,
                   "coach-a2");
    add_disclosure(f, 4, f->orgx, "2026-11-12T10:00:00Z", "care plan", "home care", 0,
                   "coach-a2");
    opts nov = {.from = "2026-11-02"};
    run_as(f, "sup1", "consent", &nov);
    int found = 0;
    for (int r = 0; r < f->t.nrows; r++)
        if (!strcmp(table_cell(&f->t, r, 1), "4") &&
            strstr(table_cell(&f->t, r, 0), "revocation")) {
            found++;
            assert_string_equal(row_text(&f->t, r),
                                "VIOLATION: used after revocation|4|Family4, "
                                "Given|release ORG-X; after it: 2 views, 1 "
                                "disclosure|2026-11-03");
        }
    assert_int_equal(found, 1);
    /* Once a new release names ORG-X from 11-11, the disclosure is covered:
     * still counted, no longer a violation. */
    int64_t renewed = add_consent(f, 4, "release", "2027-06-01", NULL, 0);
    add_recipient(f, renewed, f->orgx);
    cf_exec(f->s, "UPDATE consent SET signed_date = '2026-11-11' WHERE id = %lld",
            (long long)renewed);
    run_as(f, "sup1", "consent", &nov);
    found = 0;
    for (int r = 0; r < f->t.nrows; r++)
        if (!strcmp(table_cell(&f->t, r, 1), "4") &&
            !strcmp(table_cell(&f->t, r, 0), "revoked")) {
            found++;
            assert_string_equal(table_cell(&f->t, r, 3),
                                "release ORG-X; after it: 2 views, 1 disclosure");
        }
    assert_int_equal(found, 1);
}

/* Every substance-use disclosure of the period is listed, with the release
 * that named its recipient for it. */
static void test_consent_substance_use_disclosures(void **state)
{
    fixture *f = *state;
    /* Client 7: a release naming ORG-Y for substance use, then such a
     * disclosure to ORG-Y on 11-12. */
    int64_t k = add_consent(f, 7, "release", "2027-12-31", NULL, 1);
    add_recipient(f, k, f->orgy);
    add_disclosure(f, 7, f->orgy, "2026-11-12T10:00:00Z", "treatment plan",
                   "care coordination", 1, "coach-b1");
    opts nov = {.from = "2026-10-01"};
    run_as(f, "sup1", "consent", &nov);
    char want[128];
    snprintf(want, sizeof want,
             "substance use disclosed|7|Family7, Given|ORG-Y under consent "
             "%lld|2026-11-12",
             (long long)k);
    int covered = 0, violations = 0;
    for (int r = 0; r < f->t.nrows; r++) {
        covered += !strcmp(row_text(&f->t, r), want);
        violations += !strcmp(table_cell(&f->t, r, 0),
                              "VIOLATION: substance use without naming consent");
    }
    if (covered != 1 || violations != 1)
        dump(&f->t);
    assert_int_equal(covered, 1);
    assert_int_equal(violations, 1); /* 10-05's to ORG-X, as before */
    /* From 11-01, only the covered one. */
    nov.from = "2026-11-01";
    run_as(f, "sup1", "consent", &nov);
    covered = violations = 0;
    for (int r = 0; r < f->t.nrows; r++) {
        covered += !strcmp(row_text(&f->t, r), want);
        violations += !strncmp(table_cell(&f->t, r, 0), "VIOLATION: substance", 20);
    }
    assert_int_equal(covered, 1);
    assert_int_equal(violations, 0);
}

/* ---- disclosures and access -------------------------------------------- */

static void test_disclosures_in_date_order(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    opts seven = {.client = 7};
    run_as(f, "sup1", "disclosures", &seven);
    assert_columns(&f->t, "date|recipient|what|purpose|sent_by");
    /* Client 7's three, by date (inserted 10-05, 03-01, 11-10); none of 4's
     * or 6's. */
    ROWS(&f->t,
         "note|records begin 2026-11-22|the period starts 2020-11-23: nothing earlier "
         "is recorded||",
         "2026-03-01|Yarrow Clinic|discharge summary|follow-up visit|coach-b1 (Bea "
         "Byrd)",
         "2026-10-05|Xavier Home Care|substance use treatment history|care "
         "coordination|coach-b1 (Bea Byrd)",
         "2026-11-10|Xavier Home Care|medication list|home care|coach-a1 (Ann Avery)");
    /* Audited against the client. */
    assert_int_equal(runs(f), before + 1);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM audit WHERE seq = (SELECT max(seq) FROM "
                     "audit) AND action = 'report.run' AND object = 'client:7' AND "
                     "details = 'disclosures 2020-11-23..2026-11-22'"),
        1);
    /* A period. */
    opts period = {.client = 7, .from = "2026-04-01", .to = "2026-10-31"};
    run_as(f, "sup1", "disclosures", &period);
    ROWS(&f->t,
         "note|records begin 2026-11-22|the period starts 2026-04-01: nothing earlier "
         "is recorded||",
         "2026-10-05|Xavier Home Care|substance use treatment history|care "
         "coordination|coach-b1 (Bea Byrd)");
    /* A client with none: the note alone. */
    opts one = {.client = 1};
    run_as(f, "sup1", "disclosures", &one);
    assert_int_equal(f->t.nrows, 1);
    assert_string_equal(table_cell(&f->t, 0, 0), "note");
    assert_int_equal(f->t.ncols, 5);
    /* The first audit entry (the fixture's creation, today at noon) is not
     * after a period starting today: no note, and no disclosure today. */
    opts today = {.client = 7, .from = TODAY};
    run_as(f, "sup1", "disclosures", &today);
    assert_int_equal(f->t.nrows, 0);
}

/* A period begins at local midnight and ends before the next one: a
 * disclosure a second before it is not in it, one at midnight is. */
static void test_disclosures_period_edges(void **state)
{
    fixture *f = *state;
    add_disclosure(f, 7, f->orgy, "2026-11-21T23:59:59Z", "lab results", "follow-up", 0,
                   "coach-b1");
    add_disclosure(f, 7, f->orgy, "2026-11-22T00:00:00Z", "lab results", "follow-up", 0,
                   "coach-b1");
    opts day = {.client = 7, .from = TODAY};
    run_as(f, "sup1", "disclosures", &day);
    ROWS(&f->t, "2026-11-22|Yarrow Clinic|lab results|follow-up|coach-b1 (Bea Byrd)");
    /* Ending the day before: only the one a second before midnight (and the
     * note: the database began after 11-21). */
    opts before = {.client = 7, .from = "2026-11-21", .to = "2026-11-21"};
    run_as(f, "sup1", "disclosures", &before);
    ROWS(&f->t,
         "note|records begin 2026-11-22|the period starts 2026-11-21: nothing earlier "
         "is recorded||",
         "2026-11-21|Yarrow Clinic|lab results|follow-up|coach-b1 (Bea Byrd)");
}

static void test_access_default_period(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    run_as(f, "sup1", "access", NULL);
    assert_columns(&f->t, "at|staff|client|action|part");
    /* The last 7 days, 11-16..11-22, in order: E4, E5, E7, E8, E9; not E1-E3
     * (older), E6 (a write, no access). */
    ROWS(&f->t, "2026-11-16T00:00|coach-a1 (Ann Avery)|1|view|summary",
         "2026-11-20T09:00|coach-a2 (Abe Arden)|4|view|contacts",
         "2026-11-21T08:00|coach-b1 (Bea Byrd)|1|refused|summary",
         "2026-11-21T09:00|coach-b1 (Bea Byrd)|1|break-glass|after-hours call",
         "2026-11-22T10:00|pm1 (Pat M)|4|view|summary");
    assert_int_equal(runs(f), before + 1);
}

static void test_access_for_client_and_staff(void **state)
{
    fixture *f = *state;
    /* Client 1, last 7 days: E4, E7, E8 (E3 is a second too old). */
    opts one = {.client = 1};
    run_as(f, "sup1", "access", &one);
    ROWS(&f->t, "2026-11-16T00:00|coach-a1 (Ann Avery)|1|view|summary",
         "2026-11-21T08:00|coach-b1 (Bea Byrd)|1|refused|summary",
         "2026-11-21T09:00|coach-b1 (Bea Byrd)|1|break-glass|after-hours call");
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM audit WHERE seq = (SELECT max(seq) FROM "
                     "audit) AND action = 'report.run' AND object = 'client:1'"),
        1);
    /* Client 1 from 11-01: + E3. */
    opts longer = {.client = 1, .from = "2026-11-01"};
    run_as(f, "sup1", "access", &longer);
    ROWS(&f->t, "2026-11-15T23:59|coach-a1 (Ann Avery)|1|view|tasks",
         "2026-11-16T00:00|coach-a1 (Ann Avery)|1|view|summary",
         "2026-11-21T08:00|coach-b1 (Bea Byrd)|1|refused|summary",
         "2026-11-21T09:00|coach-b1 (Bea Byrd)|1|break-glass|after-hours call");
    /* coach-a1, last 7 days: E4 only. */
    opts by_staff = {.staff = "coach-a1"};
    run_as(f, "sup1", "access", &by_staff);
    ROWS(&f->t, "2026-11-16T00:00|coach-a1 (Ann Avery)|1|view|summary");
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM audit WHERE seq = (SELECT max(seq) FROM "
                     "audit) AND action = 'report.run' AND details = 'access "
                     "2026-11-16..2026-11-22 staff coach-a1'"),
        1);
    /* coach-a1 since October: E1-E4 (its report runs are not access). */
    opts staff_long = {.staff = "coach-a1", .from = "2026-10-01"};
    run_as(f, "sup1", "access", &staff_long);
    ROWS(&f->t, "2026-10-20T09:00|coach-a1 (Ann Avery)|3|view|summary",
         "2026-11-05T10:00|coach-a1 (Ann Avery)|3|view|summary",
         "2026-11-15T23:59|coach-a1 (Ann Avery)|1|view|tasks",
         "2026-11-16T00:00|coach-a1 (Ann Avery)|1|view|summary");
    /* Both: coach-b1 on client 1. */
    opts both = {.client = 1, .staff = "coach-b1"};
    run_as(f, "sup1", "access", &both);
    ROWS(&f->t, "2026-11-21T08:00|coach-b1 (Bea Byrd)|1|refused|summary",
         "2026-11-21T09:00|coach-b1 (Bea Byrd)|1|break-glass|after-hours call");
    /* Someone who opened nothing. */
    opts nobody = {.staff = "nurse-a"};
    run_as(f, "sup1", "access", &nobody);
    assert_int_equal(f->t.nrows, 0);
}

/* ---- unassigned referrals and grants ------------------------------------ */

static void test_unassigned_and_grants(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    /* pm1's team A works in HSS: client 8's open HSS referral (not its
     * declined one, nor 9's CT-NGH one); the least loaded active coach of
     * team A is coach-a2 (1 against coach-a1's 3). */
    run_as(f, "pm1", "unassigned", NULL);
    assert_columns(&f->t, "client|name|program|received|status|suggested");
    ROWS(&f->t, "8|Family8, Given|hss|2026-11-15|received|coach-a2");
    assert_int_equal(runs(f), before);
    /* Grants of the last 90 days (from 08-25): not reviewed first, newest
     * first: G1, G4; then G2; not G3 (08-24). */
    run_as(f, "sup1", "grants", NULL);
    assert_columns(&f->t, "grant_id|at|staff|client|reason|done|review");
    ROWS(&f->t,
         "1|2026-11-21T09:00|coach-b1 (Bea Byrd)|1|after-hours call|nothing|NOT "
         "REVIEWED",
         "4|2026-08-25T00:00|coach-a2 (Abe Arden)|7|weekend cover|nothing|NOT REVIEWED",
         "2|2026-10-01T08:00|coach-a1 (Ann Avery)|6|ED physician asked|nothing|sup1 "
         "(Sam Sup): justified");
    assert_int_equal(runs(f), before + 1);
}

/* A screen's page of the board: the first teams by name, each whole with
 * its coaches; a page past the last team is the whole board. */
static void test_caseload_board_page(void **state)
{
    fixture *f = *state;
    run_as(f, "sup1", "caseload", &(opts){.page = 1});
    ROWS(&f->t, "A Team|(team)|4/10|####|2|1|3|1|52",
         "A Team|coach-a1|3/5|######|2|1|2|1|52", "A Team|coach-a2|1/5|##|0|0|1|0|31");
    run_as(f, "sup1", "caseload", &(opts){.page = 5});
    ROWS(&f->t, "A Team|(team)|4/10|####|2|1|3|1|52",
         "A Team|coach-a1|3/5|######|2|1|2|1|52", "A Team|coach-a2|1/5|##|0|0|1|0|31",
         "B Team|(team)|2/5|####|1|1|1|2|325", "B Team|coach-b1|2/5|####|1|1|1|2|325");
}

/* A screen's page of the unassigned queue: its first rows in the report's
 * order (received, then client), the followed ('' received) first, only
 * the programs in reach and open referrals, whichever page size. */
static void test_unassigned_page(void **state)
{
    fixture *f = *state;
    /* Client 10 followed in HSS (monitoring, no referral, no owner); 11 and
     * 12 with open HSS referrals received 11-10 and 11-20; 13 with a closed
     * one received 11-01; 14 an open CT-NGH one 11-01 (not pm1's). */
    for (int id = 10; id <= 14; id++)
        add_client(f, id, NULL, id == 14 ? f->ngh_prog : f->hss,
                   "2026-01-01T00:00:00Z");
    add_monitoring(f, 10, f->hss, "2026-11-01");
    cf_exec(f->s,
            "INSERT INTO referral (client_id, program_id, source_type, received_date, "
            "status, status_at) VALUES (11, %lld, 'pcp', '2026-11-10', 'contacted', "
            "'2026-11-10T09:00:00Z'), (12, %lld, 'pcp', '2026-11-20', 'received', "
            "'2026-11-20T09:00:00Z'), (13, %lld, 'pcp', '2026-11-01', 'declined', "
            "'2026-11-02T09:00:00Z'), (14, %lld, 'ems', '2026-11-01', 'received', "
            "'2026-11-01T09:00:00Z')",
            (long long)f->hss, (long long)f->hss, (long long)f->hss,
            (long long)f->ngh_prog);
    static const char *const all[] = {
        "10|Family10, Given|hss||followed|coach-a2",
        "11|Family11, Given|hss|2026-11-10|contacted|coach-a2",
        "8|Family8, Given|hss|2026-11-15|received|coach-a2",
        "12|Family12, Given|hss|2026-11-20|received|coach-a2"};
    run_as(f, "pm1", "unassigned", NULL);
    assert_rows(&f->t, all, 4);
    for (int page = 1; page <= 5; page++) {
        run_as(f, "pm1", "unassigned", &(opts){.page = page});
        assert_rows(&f->t, all, page < 4 ? page : 4);
    }
}

/* What was done under a grant: the entries by its staff member on its
 * client (the record or the client's own rows) from the grant to its
 * expiry, in the order first done; nothing else. */
static void test_grants_what_was_done(void **state)
{
    fixture *f = *state;
    /* G5: coach-a2 on client 6, 11-20 12:00..13:00. */
    cf_exec(f->s,
            "INSERT INTO access_grant (staff_id, client_id, reason, granted_at, "
            "expires_at) VALUES (%lld, 6, 'covering the on-call line', "
            "'2026-11-20T12:00:00Z', '2026-11-20T13:00:00Z')",
            (long long)cf_staff_id(f->s, "coach-a2"));
    int64_t task = tu_int(f->s, "SELECT min(id) FROM task WHERE client_id = 6");
    char object[24];
    snprintf(object, sizeof object, "task:%lld", (long long)task);
    audit_at(f, "2026-11-20T12:00:00Z", "coach-a2", "break-glass", 6, "covering");
    audit_at(f, "2026-11-20T12:05:00Z", "coach-a2", "client.view", 6, "summary");
    audit_at(f, "2026-11-20T12:10:00Z", "coach-a2", "client.view", 6, "tasks");
    audit_at(f, "2026-11-20T12:15:00Z", "coach-a2", "client.view", 4, "summary");
    audit_at(f, "2026-11-20T12:20:00Z", "coach-a2", "client.view", 6, "summary");
    audit_at(f, "2026-11-20T12:40:00Z", "coach-b1", "client.view", 6, "summary");
    audit_at(f, "2026-11-20T13:00:00Z", "coach-a2", "client.view", 6, "contacts");
    /* A change to one of client 6's tasks (its own object, not the record). */
    cc_err err = {0};
    setenv("CARECOORD_NOW", "2026-11-20T12:30:00Z", 1);
    assert_int_equal(store_begin(f->s, &err), CC_OK);
    assert_int_equal(audit_append(f->s, cf_staff_id(f->s, "coach-a2"), "task.complete",
                                  object, "", &err),
                     CC_OK);
    assert_int_equal(store_commit(f->s, &err), CC_OK);
    setenv("CARECOORD_NOW", NOW, 1);
    run_as(f, "sup1", "grants", NULL);
    /* Not the break-glass itself, client 4's view, coach-b1's, nor the view
     * at 13:00 (the grant had expired): four entries. G5 is the second
     * unreviewed grant, after G1 of 11-21. */
    assert_string_equal(row_text(&f->t, 1),
                        "5|2026-11-20T12:00|coach-a2 (Abe Arden)|6|covering the "
                        "on-call line|4: view summary, view tasks, "
                        "task.complete|NOT REVIEWED");
}

static long long open_glass_alerts(fixture *f)
{
    return cf_int(f->s, "SELECT count(*) FROM alert WHERE kind = 'break-glass' AND "
                        "resolved_at IS NULL");
}

/* Reviewing a grant resolves the alert it raised, in the same transaction:
 * the supervisors' count drops; a review that fails leaves both as they
 * were. */
static void test_review_resolves_the_alert(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t g1 = 0, g2 = 0;
    worklist_counts n;
    /* coach-a1 (team A) breaks the glass on client 6 (team B), twice. */
    assert_int_equal(scope_break_glass(as(f, "coach-a1"), 6, "ED physician on the line",
                                       30, &g1, &err),
                     CC_OK);
    assert_int_equal(
        scope_break_glass(as(f, "coach-a1"), 6, "pharmacy asked again", 30, &g2, &err),
        CC_OK);
    assert_int_equal(open_glass_alerts(f), 2);
    assert_int_equal(
        worklist_counts_for(as(f, "sup1"), cf_staff_id(f->s, "sup1"), &n, &err), CC_OK);
    int before = n.alerts;
    /* A review whose alert cannot be resolved is undone whole. */
    tu_exec(f->s, "CREATE TEMP TRIGGER no_resolve BEFORE UPDATE ON alert BEGIN "
                  "SELECT RAISE(ABORT, 'test: alert locked'); END");
    assert_int_not_equal(report_review_grant(as(f, "sup1"), g1, "justified", &err),
                         CC_OK);
    tu_exec(f->s, "DROP TRIGGER no_resolve");
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM access_grant WHERE reviewed_at IS NOT NULL "
               "AND id = %lld",
               (long long)g1),
        0);
    assert_int_equal(open_glass_alerts(f), 2);
    /* The review: its alert (only) resolved by the reviewer with the note. */
    cc_err_clear(&err);
    assert_int_equal(report_review_grant(as(f, "sup1"), g1, "justified", &err), CC_OK);
    assert_int_equal(open_glass_alerts(f), 1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM alert WHERE kind = 'break-glass' AND details "
               "LIKE '%%(grant %lld)' AND resolved_by = %lld AND resolution = "
               "'justified' AND resolved_at = '" NOW "'",
               (long long)g1, (long long)cf_staff_id(f->s, "sup1")),
        1);
    assert_int_equal(
        worklist_counts_for(as(f, "sup1"), cf_staff_id(f->s, "sup1"), &n, &err), CC_OK);
    assert_int_equal(n.alerts, before - 1);
    /* Reviewing it again is refused and changes nothing. */
    assert_int_equal(report_review_grant(as(f, "sup1"), g1, "again", &err), CC_EINPUT);
    assert_int_equal(open_glass_alerts(f), 1);
    /* The report shows the review by login and name; g2 still waits. */
    run_as(f, "sup1", "grants", NULL);
    for (int r = 0; r < f->t.nrows; r++) {
        long long id = atoll(table_cell(&f->t, r, 0));
        const char *review = table_cell(&f->t, r, table_col(&f->t, "review"));
        if (id == g1)
            assert_string_equal(review, "sup1 (Sam Sup): justified");
        if (id == g2)
            assert_string_equal(review, "NOT REVIEWED");
    }
    assert_int_equal(report_review_grant(as(f, "sup1"), g2, "fine", &err), CC_OK);
    assert_int_equal(open_glass_alerts(f), 0);
}

/* ---- answered by index ------------------------------------------------- */

/* The plan of kind for o as login, resolved as a run would be. */
static const char *plan(fixture *f, const char *login, const char *kind, const opts *o)
{
    static char out[4096];
    report_params p;
    cc_err err = {0};
    params_of(o, &p);
    as(f, login);
    assert_int_equal(report_resolve(&f->ctx, kind, &p, &err), CC_OK);
    if (report_plan(&f->ctx, kind, &p, out, sizeof out, &err) != CC_OK)
        print_error("plan %s: %s\n", kind, err.msg);
    assert_int_equal(err.code, CC_OK);
    return out;
}

/* The audit (alias a) is searched through index (audit_... or the one
 * named), never scanned, and no automatic index is built over it. */
static void assert_searches(const char *plan_text, const char *index)
{
    char want[80];
    snprintf(want, sizeof want, "SEARCH a USING INDEX %s", index);
    if (!strstr(plan_text, want) || strstr(plan_text, "SCAN a") ||
        strstr(plan_text, "AUTOMATIC"))
        print_error("plan: %s\nexpected %s, no SCAN a\n", plan_text, want);
    assert_non_null(strstr(plan_text, want));
    assert_null(strstr(plan_text, "SCAN a"));
    assert_null(strstr(plan_text, "AUTOMATIC"));
}

static void check_plans(fixture *f)
{
    opts one = {.client = 1}, by_staff = {.staff = "coach-a1"}, seven = {.client = 7};
    assert_searches(plan(f, "sup1", "access", &one),
                    "audit_client_at (client_id=? AND at>? AND at<?)");
    assert_searches(plan(f, "sup1", "access", &by_staff),
                    "audit_staff_at (staff_id=? AND at>? AND at<?)");
    /* All of it: by action, or (as at scale) each staff member's by time. */
    assert_searches(plan(f, "sup1", "access", NULL), "audit_");
    /* The grants of the period by their time or their staff member; under
     * each, its staff member's entries or its client's, by index. */
    const char *g = plan(f, "sup1", "grants", NULL);
    assert_searches(g, "audit_");
    assert_null(strstr(g, "SCAN g"));
    const char *d = plan(f, "sup1", "disclosures", &seven);
    assert_non_null(strstr(d, "SEARCH d USING INDEX disclosure_client (client_id=? "
                              "AND at>? AND at<?)"));
    assert_null(strstr(d, "SCAN audit")); /* its first entry: by the primary key */
    assert_null(strstr(d, "SCAN d"));
    /* The consent audit reads the audit by record only. */
    const char *c = plan(f, "sup1", "consent", NULL);
    assert_null(strstr(c, "SCAN a"));
    assert_null(strstr(c, "AUTOMATIC"));
    assert_non_null(
        strstr(c, "SEARCH a USING INDEX audit_client_at (client_id=? AND "));
}

/* The access log by client (the audit's client_id column, schema 0019, not
 * a string built per query) and by staff member, all of it, the grants'
 * review and the accounting of disclosures search indexes with the period
 * as bound instants, as the planner sees the fixture... */
static void test_audit_reads_by_index(void **state)
{
    fixture *f = *state;
    check_plans(f);
}

/* ... and as it would see ten million audit entries: statistics of that
 * size (the planner's sqlite_stat1) and the same plans. */
static void test_audit_reads_by_index_at_scale(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "ANALYZE");
    tu_exec(f->s, "DELETE FROM sqlite_stat1 WHERE tbl IN ('audit', 'access_grant')");
    tu_exec(f->s, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES "
                  "('audit', 'audit_object_at', '10000000 40 2'), "
                  "('audit', 'audit_client_at', '6000000 40 2'), "
                  "('audit', 'audit_staff_at', '10000000 20000 4'), "
                  "('audit', 'audit_action_at', '10000000 250000 3'), "
                  "('access_grant', 'access_grant_granted', '20000 1'), "
                  "('access_grant', 'access_grant_staff', '20000 40 2 1'), "
                  "('access_grant', 'access_grant_client', '20000 2')");
    tu_exec(f->s, "ANALYZE sqlite_schema");
    check_plans(f);
}

/* ---- measures ------------------------------------------------------------ */

static void test_measures_quarter(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    opts q = {.from = "2026Q3"};
    report_params p = run_as(f, "pm1", "measures", &q);
    assert_string_equal(p.from, "2026-07-01");
    assert_string_equal(p.to, "2026-09-30");
    assert_columns(&f->t, "measure|value|unit|numerator|denominator");
    /* Every measure of quarterly.h, in its order, then six months of
     * conversion; numbers are typed (JSON numbers), a missing one is NULL. */
    assert_int_equal(f->t.nrows, QM_COUNT + 6);
    for (int r = 0; r < QM_COUNT; r++)
        assert_string_equal(table_cell(&f->t, r, 0), quarterly_def(r)->label);
    assert_int_equal(f->t.types[1], TABLE_REAL);
    assert_int_equal(f->t.types[3], TABLE_REAL);
    /* No referral was received in the quarter (8's are from October and
     * November, 9's from November): 0 of 0 is not known, never 0%. */
    assert_string_equal(row_text(&f->t, QM_CONVERSION),
                        "referrals converted (first HRA high)||percent|0|0");
    assert_true(table_is_null(&f->t, QM_CONVERSION, 1));
    /* Granted, unrevoked consents expiring today..today + 30: 1's
     * participation and release (today), 4's release (12-22) = 3. */
    assert_string_equal(row_text(&f->t, QM_CONSENTS_EXPIRING),
                        "consents expiring in 30 days|3|count||");
    assert_string_equal(row_text(&f->t, QM_NO_SHOW),
                        "appointments missed (no-show)||percent|0|0");
    assert_string_equal(table_cell(&f->t, QM_COUNT + 5, 0),
                        "referral conversion, 2026-09");
    /* Measures are counts, not client data: not audited. */
    assert_int_equal(runs(f), before);
}

/* ---- role checks ---------------------------------------------------------- */

static void test_roles_refused(void **state)
{
    fixture *f = *state;
    long long before = runs(f);
    opts seven = {.client = 7};
    refused_as(f, "coach-a1", "consent", NULL, CC_EREFUSED, "supervisor");
    refused_as(f, "pm1", "access", NULL, CC_EREFUSED, "supervisor");
    refused_as(f, "pm1", "consent", NULL, CC_EREFUSED, "audit.access");
    refused_as(f, "pm1", "disclosures", &seven, CC_EREFUSED, "supervisor");
    refused_as(f, "coach-a1", "measures", NULL, CC_EREFUSED,
               "program-manager supervisor");
    refused_as(f, "nurse-a", "measures", NULL, CC_EREFUSED, "measures.view");
    refused_as(f, "admin1", "caseload", NULL, CC_EREFUSED, "caseload.view");
    refused_as(f, "admin1", "stale", NULL, CC_EREFUSED, "caseload.view");
    refused_as(f, "admin1", "access", NULL, CC_EREFUSED, "audit.access");
    refused_as(f, "sup1", "unassigned", NULL, CC_EREFUSED, "program-manager");
    refused_as(f, "pm1", "grants", NULL, CC_EREFUSED, "supervisor");
    /* Nothing refused was recorded as run. */
    assert_int_equal(runs(f), before);
    /* Those who may. */
    run_as(f, "nurse-a", "caseload", NULL);
    run_as(f, "pm1", "measures", NULL);
    run_as(f, "sup1", "measures", NULL);
    run_as(f, "coach-a2", "stale", NULL);
}

static void test_audit_chain_intact_after_reports(void **state)
{
    fixture *f = *state;
    opts seven = {.client = 7}, by_staff = {.staff = "coach-b1"};
    run_as(f, "sup1", "consent", NULL);
    run_as(f, "sup1", "disclosures", &seven);
    run_as(f, "sup1", "access", &by_staff);
    run_as(f, "sup1", "grants", NULL);
    run_as(f, "sup1", "caseload", NULL);
    assert_int_equal(runs(f), 4);
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify(f->s, NULL, &res, NULL, NULL, &err), CC_OK);
    if (res.first_bad)
        print_error("chain broken at %lld: %s\n", (long long)res.first_bad, res.why);
    assert_int_equal(res.first_bad, 0);
}

/* ---- CSV ----------------------------------------------------------------- */

static const char *csv(const char *cell)
{
    static char out[4200];
    tableout_csv_cell(cell, out, sizeof out);
    return out;
}

/* A cell starting with tab or CR may not reach a spreadsheet as it is:
 * quoted behind a ', or with the control character replaced, or both. */
static void assert_neutralized(const char *cell, const char *rest)
{
    const char *got = csv(cell);
    char quoted[64], replaced[64], both[64];
    snprintf(quoted, sizeof quoted, "\"'%c%s\"", cell[0], rest);
    snprintf(replaced, sizeof replaced, "?%s", rest);
    snprintf(both, sizeof both, "\"'?%s\"", rest); /* neutralized and sanitized */
    if (strcmp(got, quoted) && strcmp(got, replaced) && strcmp(got, both))
        print_error("cell '%s' became '%s'\n", cell, got);
    assert_true(!strcmp(got, quoted) || !strcmp(got, replaced) || !strcmp(got, both));
}

static void test_csv_formula_prefixes(void **state)
{
    (void)state;
    assert_string_equal(csv("=1+2"), "\"'=1+2\"");
    assert_string_equal(csv("+1"), "\"'+1\"");
    assert_string_equal(csv("-5"), "\"'-5\"");
    assert_string_equal(csv("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
    assert_string_equal(csv("=HYPERLINK(\"http://x\",\"y\")"),
                        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    assert_string_equal(csv("=a,b"), "\"'=a,b\"");
    assert_neutralized("\t=1+2", "=1+2");
    assert_neutralized("\r=1+2", "=1+2");
    assert_neutralized("\tplain", "plain");
    /* Behind spaces, and in fullwidth form, too. */
    assert_string_equal(csv("  =1+2"), "\"'  =1+2\"");
    assert_string_equal(csv(" @SUM(A1)"), "\"' @SUM(A1)\"");
    assert_string_equal(csv("\xef\xbc\x9d"
                            "1+2"),
                        "\"'\xef\xbc\x9d"
                        "1+2\"");
    assert_string_equal(csv("\xef\xbc\xa0"
                            "SUM"),
                        "\"'\xef\xbc\xa0"
                        "SUM\"");
    assert_string_equal(csv("  plain"), "  plain");
    /* Only the first character (after spaces) matters. */
    assert_string_equal(csv("a=1"), "a=1");
    assert_string_equal(csv("1-2"), "1-2");
    assert_string_equal(csv("x@y.org"), "x@y.org");
}

static void test_csv_quoting(void **state)
{
    (void)state;
    assert_string_equal(csv("plain"), "plain");
    assert_string_equal(csv(""), "");
    assert_string_equal(csv(NULL), "");
    assert_string_equal(csv("Valez, Ruth"), "\"Valez, Ruth\"");
    assert_string_equal(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_string_equal(csv("\""), "\"\"\"\"");
    assert_string_equal(csv("two\nlines"), "\"two\nlines\"");
    assert_string_equal(csv("Zoë 山田"), "Zoë 山田");
    /* Control characters are replaced, never written. */
    assert_string_equal(csv("\x1b[31mred"), "?[31mred");
    assert_string_equal(csv("a\x07"
                            "b"),
                        "a?b");
    assert_string_equal(csv("bidi \xe2\x80\xae"
                            "txt"),
                        "bidi ?txt");
    const char *cr = csv("a\rb");
    assert_null(strchr(cr, '\r'));
    /* The length returned is the length written. */
    char out[64];
    assert_int_equal(tableout_csv_cell("a,b", out, sizeof out), 5);
    assert_string_equal(out, "\"a,b\"");
    /* A long cell of quotes stays one quoted field. */
    char big[1500];
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *q = csv(big);
    size_t n = strlen(q);
    assert_true(n == 2 + 2 * (sizeof big - 1));
    assert_int_equal(q[0], '"');
    assert_int_equal(q[n - 1], '"');
}

/* A table of strings made by hand: ncols columns named cols, rows cells. */
static void make_table(cc_table *t, int ncols, const char *const *cols, int nrows,
                       const char *const *cells)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    for (int c = 0; c < ncols; c++)
        snprintf(t->cols[c], sizeof t->cols[c], "%s", cols[c]);
    t->cells = calloc((size_t)(nrows * ncols) + 1, sizeof *t->cells);
    assert_non_null(t->cells);
    for (int i = 0; i < nrows * ncols; i++)
        t->cells[i] = strdup(cells[i]);
    t->nrows = nrows;
}

/* What write(f) printed, malloc'd. */
static char *capture(int (*write)(FILE *, const cc_table *, const void *),
                     const cc_table *t, const void *arg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(write(f, t, arg), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static int write_csv(FILE *f, const cc_table *t, const void *arg)
{
    (void)arg;
    return tableout_csv(f, t);
}

static void test_csv_table(void **state)
{
    (void)state;
    cc_table t;
    static const char *const cols[] = {"name", "note", "n"};
    static const char *const cells[] = {
        "Valez, Ruth", "=cmd|' /C calc'!A0", "3", "plain", "say \"hi\"", "-2",
        "two\nlines",  "\x1b]0;title\x07",   "",
    };
    make_table(&t, 3, cols, 3, cells);
    char *out = capture(write_csv, &t, NULL);
    /* A header row, then the rows; CRLF line ends (RFC 4180). */
    assert_string_equal(out, "name,note,n\r\n"
                             "\"Valez, Ruth\",\"'=cmd|' /C calc'!A0\",3\r\n"
                             "plain,\"say \"\"hi\"\"\",\"'-2\"\r\n"
                             "\"two\nlines\",?]0;title?,\r\n");
    free(out);
    table_free(&t);
    /* An empty table still has its header. */
    make_table(&t, 3, cols, 0, cells);
    out = capture(write_csv, &t, NULL);
    assert_string_equal(out, "name,note,n\r\n");
    free(out);
    table_free(&t);
}

/* ---- text ---------------------------------------------------------------- */

/* Display columns of UTF-8 s, counted here independently: East Asian wide
 * and fullwidth = 2, combining marks = 0, anything else 1. */
static int columns_of(const char *s, size_t len)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint32_t cp;
        int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        cp = n == 1 ? *p : n == 2 ? *p & 0x1F : n == 3 ? *p & 0x0F : *p & 0x07;
        for (int i = 1; i < n && p + i < end; i++)
            cp = cp << 6 | (p[i] & 0x3F);
        p += n;
        if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200D))
            continue;
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
                   (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

struct text_args {
    const char *title;
    int width;
};

static int write_text(FILE *f, const cc_table *t, const void *arg)
{
    const struct text_args *a = arg;
    return tableout_text(f, t, a->title, a->width);
}

/* Every line of text is at most width columns; returns the line count. */
static int assert_fits(const char *text, int width)
{
    int lines = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int w = columns_of(p, len);
        if (w > width)
            print_error("line %d is %d columns wide: '%.*s'\n", lines + 1, w, (int)len,
                        p);
        assert_true(w <= width);
        for (size_t i = 0; i < len; i++)
            assert_true((unsigned char)p[i] >= 0x20 && p[i] != 0x7f); /* no controls */
        lines++;
        p += len + (nl ? 1 : 0);
    }
    return lines;
}

static void test_text_fits_80_columns(void **state)
{
    (void)state;
    cc_table t;
    static const char *const cols[] = {"team", "coach", "name", "note", "detail", "n"};
    static const char *const cells[] = {
        "北部チーム高齢者安定化プログラム",
        "山田太郎",
        "Müller-Lüdenscheidt, Zoë Anaïs",
        "résumé crème brûlée naïve façade coöperate",
        "東京都千代田区丸の内一丁目九番二号",
        "12",
        "B Team",
        "coach-b1",
        "Valez, Ruth",
        "e\xcc\x81"
        "e\xcc\x81"
        "e\xcc\x81 combining",
        "plain ascii detail that goes on and on and on and on and on and on",
        "7",
        "한국어 팀 이름입니다",
        "李",
        "\x1b[2Jcleared\x1b[0m",
        "tab\there\nnewline",
        "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
        "100",
    };
    make_table(&t, 6, cols, 3, cells);
    struct text_args a = {"caseload report, 2026-11-01 to 2026-11-22 — 北部チーム", 80};
    char *out = capture(write_text, &t, &a);
    /* The title, the header, three rows (wrapped where a cell is wider than
     * its column, never cut with ~); all within 80 columns. */
    assert_true(assert_fits(out, 80) >= 5);
    assert_null(strchr(out, '~'));
    assert_non_null(strstr(out, "caseload report"));
    assert_non_null(strstr(out, "team"));
    assert_non_null(strstr(out, "B Team"));
    assert_null(strchr(out, '\x1b'));
    free(out);
    /* Narrower, too. */
    a.width = 40;
    out = capture(write_text, &t, &a);
    assert_true(assert_fits(out, 40) > 5);
    assert_null(strchr(out, '~'));
    free(out);
    /* One very wide column of wide characters, last or not. */
    a.width = 80;
    for (int odd = 0; odd < 2; odd++) {
        char wide[600] = "";
        if (odd)
            strcat(wide, "x");
        for (int i = 0; i < 60; i++)
            strcat(wide, "漢");
        free(t.cells[2]);
        t.cells[2] = strdup(wide);
        free(t.cells[5]);
        t.cells[5] = strdup(wide);
        out = capture(write_text, &t, &a);
        assert_true(assert_fits(out, 80) > 5);
        /* Nothing cut: both cells' 60 characters are all there. */
        int n = 0;
        for (const char *p = out; (p = strstr(p, "漢")); p += 3)
            n++;
        assert_int_equal(n, 120);
        free(out);
    }
    table_free(&t);
    /* A short table is shown whole; an empty one says so. */
    static const char *const small_cols[] = {"a", "b"};
    static const char *const small[] = {"Zoë", "山田", "x", "y"};
    make_table(&t, 2, small_cols, 2, small);
    a.title = "small";
    out = capture(write_text, &t, &a);
    assert_string_equal(out, "small\na   b\nZoë 山田\nx   y\n");
    free(out);
    table_free(&t);
    make_table(&t, 2, small_cols, 0, small);
    out = capture(write_text, &t, &a);
    assert_non_null(strstr(out, "nothing to report"));
    free(out);
    table_free(&t);
}

static void test_reports_as_text_fit(void **state)
{
    fixture *f = *state;
    /* Long, wide and accented names in the data. */
    tu_exec(f->s, "UPDATE client SET family_name = 'Müller-Lüdenscheidt-Øverbø', "
                  "given_name = 'Zoë Anaïs Bérénice' WHERE id = 2");
    tu_exec(f->s, "UPDATE client SET family_name = '山田山田山田山田山田山田山田', "
                  "given_name = '太郎太郎太郎太郎' WHERE id = 6");
    static const struct {
        const char *login, *kind;
        opts o;
    } runs_[] = {
        {"sup1", "caseload", {0}},  {"sup1", "stale", {0}},
        {"sup1", "consent", {0}},   {"sup1", "disclosures", {.client = 7}},
        {"sup1", "access", {0}},    {"pm1", "measures", {.from = "2026Q3"}},
        {"pm1", "unassigned", {0}}, {"sup1", "grants", {0}},
    };
    for (size_t i = 0; i < sizeof runs_ / sizeof *runs_; i++) {
        run_as(f, runs_[i].login, runs_[i].kind, &runs_[i].o);
        struct text_args a = {runs_[i].kind, 80};
        char *out = capture(write_text, &f->t, &a);
        assert_true(assert_fits(out, 80) >= 2 + (f->t.nrows ? f->t.nrows : 1));
        assert_null(strchr(out, '~')); /* wrapped, never cut */
        free(out);
    }
}

static void test_csv_of_a_report(void **state)
{
    fixture *f = *state;
    /* A name made to run in a spreadsheet. */
    tu_exec(f->s, "UPDATE client SET family_name = '=HYPERLINK(\"http://x\")', "
                  "given_name = 'Ann' WHERE id = 4");
    run_as(f, "pm1", "stale", NULL);
    char *out = capture(write_csv, &f->t, NULL);
    assert_true(!strncmp(out, "issue,client,name,owner,since\r\n", 31));
    assert_non_null(strstr(out, "no contact,4,\"'=HYPERLINK(\"\"http://x\"\"), Ann\","
                                "coach-a2,2026-10-22\r\n"));
    assert_non_null(
        strstr(out, "no contact,2,\"Family2, Given\",coach-a1,2026-10-01\r\n"));
    free(out);
}

/* ---- JSON ---------------------------------------------------------------- */

struct json_args {
    const char *kind;
    const char *const *params;
    int nparams;
};

static int write_json(FILE *f, const cc_table *t, const void *arg)
{
    const struct json_args *a = arg;
    return tableout_json(f, t, a->kind, a->params, a->nparams);
}

/* Parse text as exactly one JSON document (only whitespace after it). */
static cJSON *one_document(const char *text)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(text, &end, 0);
    assert_non_null(doc);
    assert_non_null(end);
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
        end++;
    assert_int_equal(*end, '\0');
    assert_true(cJSON_IsObject(doc));
    return doc;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static void test_json_document(void **state)
{
    (void)state;
    cc_table t;
    static const char *const cols[] = {"name", "note"};
    static const char *const cells[] = {
        "Zoë \"Z\" Müller",         "two\nlines", "=1+2",
        "\x1b[31mred \xe2\x80\xae", "山田",       "",
    };
    make_table(&t, 2, cols, 3, cells);
    static const char *const params[] = {"program", "hss", "from", "2026-07-01"};
    struct json_args a = {"stale", params, 2};
    char *out = capture(write_json, &t, &a);
    cJSON *doc = one_document(out);
    assert_string_equal(str_of(doc, "report"), "stale");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "params");
    assert_true(cJSON_IsObject(p));
    assert_string_equal(str_of(p, "program"), "hss");
    assert_string_equal(str_of(p, "from"), "2026-07-01");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "columns");
    assert_int_equal(cJSON_GetArraySize(c), 2);
    assert_string_equal(cJSON_GetArrayItem(c, 0)->valuestring, "name");
    assert_string_equal(cJSON_GetArrayItem(c, 1)->valuestring, "note");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 3);
    const cJSON *r0 = cJSON_GetArrayItem(rows, 0), *r1 = cJSON_GetArrayItem(rows, 1),
                *r2 = cJSON_GetArrayItem(rows, 2);
    assert_string_equal(str_of(r0, "name"), "Zoë \"Z\" Müller");
    assert_string_equal(str_of(r0, "note"), "two\nlines");
    assert_string_equal(str_of(r1, "name"), "=1+2"); /* JSON is no spreadsheet */
    assert_string_equal(str_of(r1, "note"), "?[31mred ?");
    assert_string_equal(str_of(r2, "name"), "山田");
    assert_string_equal(str_of(r2, "note"), "");
    cJSON_Delete(doc);
    free(out);
    table_free(&t);
    /* No rows: still one document, with an empty array. */
    make_table(&t, 2, cols, 0, cells);
    out = capture(write_json, &t, &a);
    doc = one_document(out);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "rows")),
                     0);
    cJSON_Delete(doc);
    free(out);
    table_free(&t);
}

static void test_json_of_a_report(void **state)
{
    fixture *f = *state;
    run_as(f, "pm1", "caseload", NULL);
    static const char *const params[] = {
        "program", "", "from", "2026-11-01", "to", TODAY, "client", "0", "staff", ""};
    struct json_args a = {"caseload", params, 5};
    char *out = capture(write_json, &f->t, &a);
    cJSON *doc = one_document(out);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 3);
    const cJSON *a1 = cJSON_GetArrayItem(rows, 1);
    assert_string_equal(str_of(a1, "team"), "A Team");
    assert_string_equal(str_of(a1, "coach"), "coach-a1");
    assert_string_equal(str_of(a1, "active"), "3/5");
    const cJSON *stale = cJSON_GetObjectItemCaseSensitive(a1, "stale_days");
    assert_true(cJSON_IsNumber(stale)); /* numbers as numbers */
    assert_int_equal(stale->valueint, 52);
    assert_string_equal(str_of(cJSON_GetObjectItemCaseSensitive(doc, "params"), "to"),
                        TODAY);
    cJSON_Delete(doc);
    free(out);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    setenv("CARECOORD_NOW", NOW, 1);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_actions),
        T(test_default_periods),
        T(test_quarters),
        T(test_quarter_steps),
        T(test_bad_dates_and_usage),
        T(test_caseload_board_supervisor_sees_all),
        T(test_caseload_board_manager_sees_covered_team_only),
        T(test_caseload_board_over_capacity_and_agrees_with_caseload),
        T(test_caseload_team_row_counts_a_handoff_once),
        T(test_caseload_past_target_counts_clients),
        T(test_stale_manager),
        T(test_stale_supervisor_and_coach),
        T(test_stale_days),
        T(test_stale_program_filter_for_supervisor),
        T(test_stale_new_client_is_not_stale),
        T(test_consent_audit),
        T(test_consent_audit_later_consent_cures),
        T(test_consent_audit_program_filter),
        T(test_consent_audit_period),
        T(test_consent_expired_release_in_use),
        T(test_consent_revocation_of_one_recipient),
        T(test_consent_substance_use_disclosures),
        T(test_disclosures_in_date_order),
        T(test_disclosures_period_edges),
        T(test_access_default_period),
        T(test_access_for_client_and_staff),
        T(test_unassigned_and_grants),
        T(test_caseload_board_page),
        T(test_unassigned_page),
        T(test_grants_what_was_done),
        T(test_review_resolves_the_alert),
        T(test_audit_reads_by_index),
        T(test_audit_reads_by_index_at_scale),
        T(test_measures_quarter),
        T(test_roles_refused),
        T(test_audit_chain_intact_after_reports),
        cmocka_unit_test(test_csv_formula_prefixes),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_csv_table),
        cmocka_unit_test(test_text_fits_80_columns),
        T(test_reports_as_text_fit),
        T(test_csv_of_a_report),
        cmocka_unit_test(test_json_document),
        T(test_json_of_a_report),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
