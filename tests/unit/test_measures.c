/*
 * test_measures.c — the managers' measures against a small hand-made data
 * set inserted with plain SQL: referrals with their first assessments,
 * tier-1 placement, caseload against a lowered capacity, episode lengths
 * against target, 30-day readmissions at 29, 30 and 31 days (and 30 days and
 * one second), days from discharge to the first home visit (a corrected
 * visit does not count), overdue tasks as of the end of a past period and as
 * of now, and consents expiring at today + 30 (counted) and + 31 (not).
 * Every expected figure is worked out by hand in the comment above it. Also:
 * an empty program, an empty store, and refused dates and programs. The
 * quarterly report's further figures (extensions, observed vs expected
 * readmissions, expired consents, clients served, cost, team capacity) are
 * worked out on the same data, its numbers checked against them, and the
 * report written in all four formats.
 *
 * The clock is fixed at NOW (TZ=UTC, so local days are UTC days); the main
 * period is October 2026, so tasks are judged at 2026-11-01T00:00:00Z.
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

#include <cjson/cJSON.h>

#include "casefix.h"
#include "core/caseload.h"
#include "core/ctx.h"
#include "core/measures.h"
#include "core/quarterly.h"
#include "core/staff.h"
#include "io/quarterly_out.h"
#include "store/audit.h"
#include "testutil.h"
#include "util/text.h"

#define NOW   "2026-11-22T12:00:00Z"
#define TODAY "2026-11-22"
#define FROM  "2026-10-01"
#define TO    "2026-10-31"
#define EPS   1e-9

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx ctx;
    int64_t admin, super, coach1, coach2, coach3, coach4, coach5, nurse;
    int64_t hss, ngh, ngh_org;
    measures m;
} fixture;

/* ---- building the data set --------------------------------------------- */

/* s as an SQL literal: 'text', or NULL for a NULL pointer (a few at once). */
static const char *lit(const char *s)
{
    static char bufs[8][48];
    static int next;
    char *b = bufs[next++ % 8];
    if (s)
        snprintf(b, sizeof bufs[0], "'%s'", s);
    else
        snprintf(b, sizeof bufs[0], "NULL");
    return b;
}

/* tier 0 and owner/program 0 mean NULL. */
static void add_client(fixture *f, int id, int tier, int64_t owner, int64_t program)
{
    char tier_s[8], owner_s[24], prog_s[24];
    snprintf(tier_s, sizeof tier_s, tier ? "%d" : "NULL", tier);
    snprintf(owner_s, sizeof owner_s, owner ? "%lld" : "NULL", (long long)owner);
    snprintf(prog_s, sizeof prog_s, program ? "%lld" : "NULL", (long long)program);
    cf_exec(
        f->s,
        "INSERT INTO client (id, family_name, given_name, name_key, dob, zip, payer, "
        "setting, tier, owner_id, program_id, created_at) VALUES (%d, 'Family%d', "
        "'Given', 'family%d given', '1950-01-01', '20810', 'medicare', 'home', %s, "
        "%s, %s, '2026-01-01T00:00:00Z')",
        id, id, id, tier_s, owner_s, prog_s);
}

static void add_referral(fixture *f, int client, int64_t program, const char *received,
                         const char *status)
{
    cf_exec(f->s,
            "INSERT INTO referral (client_id, program_id, source_type, received_date, "
            "status, status_at) VALUES (%d, %lld, 'pcp', '%s', '%s', '%sT12:00:00Z')",
            client, (long long)program, received, status, received);
}

static void add_assessment(fixture *f, int client, int64_t program, const char *at,
                           const char *level)
{
    cf_exec(f->s,
            "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
            "staff_id, setting, score, level) VALUES (%d, %lld, (SELECT id FROM "
            "questionnaire WHERE code = 'hra'), '%s', %lld, 'home', 0, '%s')",
            client, (long long)program, at, (long long)f->coach1, level);
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

static void add_monitoring(fixture *f, int client, int64_t program, const char *since,
                           const char *ended)
{
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date, "
            "ended_date) VALUES (%d, %lld, '%s', '2027-01-01', %s)",
            client, (long long)program, since, lit(ended));
}

static void add_task(fixture *f, int64_t owner, const char *due, const char *created,
                     const char *completed, const char *cancelled)
{
    cf_exec(f->s,
            "INSERT INTO task (client_id, title, due_at, owner_id, origin, created_at, "
            "created_by, completed_at, cancelled_at) VALUES (1, 'Call', '%s', %lld, "
            "'manual', '%s', %lld, %s, %s)",
            due, (long long)owner, created, (long long)f->admin, lit(completed),
            lit(cancelled));
}

/* Returns the contact's id. */
static int64_t add_contact(fixture *f, int client, const char *kind, const char *at,
                           int64_t corrects)
{
    char corr[24];
    snprintf(corr, sizeof corr, corrects ? "%lld" : "NULL", (long long)corrects);
    cf_exec(
        f->s,
        "INSERT INTO contact (client_id, kind, at, staff_id, corrects_id, created_at) "
        "VALUES (%d, '%s', '%s', %lld, %s, '%s')",
        client, kind, at, (long long)f->coach1, corr, at);
    return sqlite3_last_insert_rowid(store_db(f->s));
}

static void add_encounter(fixture *f, int client, const char *kind, const char *at)
{
    cf_exec(f->s,
            "INSERT INTO encounter (client_id, facility_id, kind, at) "
            "VALUES (%d, %lld, '%s', '%s')",
            client, (long long)f->ngh_org, kind, at);
}

static void add_consent(fixture *f, int client, const char *kind, const char *decision,
                        const char *expires, const char *revoked)
{
    cf_exec(
        f->s,
        "INSERT INTO consent (client_id, kind, decision, decline_reason, signed_date, "
        "recorded_by, expires_date, revoked_date, created_at) VALUES (%d, '%s', "
        "'%s', '%s', '2026-01-01', %lld, %s, %s, '2026-01-01T00:00:00Z')",
        client, kind, decision, strcmp(decision, "declined") ? "" : "not interested",
        (long long)f->admin, lit(expires), lit(revoked));
}

/* Staff and teams: HSS North (coach1, coach2, coach3 inactive, nurse1) and
 * NGH (coach4); coach5 is on no team. HSS capacity lowered to 4. */
static void load_staff(fixture *f)
{
    f->admin = cf_staff(f->s, "admin1", "admin", NULL);
    f->coach1 = cf_staff(f->s, "coach1", "coach", NULL);
    f->coach2 = cf_staff(f->s, "coach2", "coach", NULL);
    f->coach3 = cf_staff(f->s, "coach3", "coach", NULL);
    f->coach4 = cf_staff(f->s, "coach4", "coach", NULL);
    f->coach5 = cf_staff(f->s, "coach5", "coach", NULL);
    f->nurse = cf_staff(f->s, "nurse1", "nurse", NULL);
    cf_exec(f->s, "UPDATE staff SET active = 0 WHERE id = %lld", (long long)f->coach3);
    cf_exec(f->s, "UPDATE program SET capacity = 4 WHERE id = %lld", (long long)f->hss);
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'HSS North', %lld), "
            "(2, 'NGH', %lld)",
            (long long)f->hss, (long long)f->ngh);
    cf_exec(f->s,
            "INSERT INTO team_member (team_id, staff_id) VALUES (1, %lld), (1, %lld), "
            "(1, %lld), (1, %lld), (2, %lld)",
            (long long)f->coach1, (long long)f->coach2, (long long)f->coach3,
            (long long)f->nurse, (long long)f->coach4);
}

static void load_clients(fixture *f)
{
    int64_t H = f->hss, N = f->ngh;
    static const struct {
        int id, tier;
        char owner; /* 1-5 coachN, 'n' nurse, 0 none */
        char prog;  /* 'h' hss, 'n' ngh, 0 none */
    } c[] = {
        {1, 1, 1, 'h'},    {2, 1, 1, 'h'},  {3, 1, 0, 'h'},  {4, 0, 0, 0},
        {5, 2, 5, 0},      {6, 1, 0, 0},    {7, 0, 0, 0},    {8, 1, 0, 'n'},
        {9, 1, 2, 'h'},    {10, 1, 1, 'h'}, {11, 1, 4, 'n'}, {12, 0, 1, 'h'},
        {13, 0, 1, 'h'},   {14, 0, 1, 'h'}, {15, 0, 1, 'h'}, {16, 0, 2, 'h'},
        {17, 0, 2, 'n'},   {18, 0, 2, 'h'}, {19, 0, 2, 'h'}, {20, 0, 3, 'h'},
        {21, 0, 'n', 'h'}, {22, 0, 0, 0},   {23, 0, 0, 0},   {24, 0, 0, 0},
        {25, 0, 0, 0},     {26, 0, 0, 0},
    };
    const int64_t coach[] = {0, f->coach1, f->coach2, f->coach3, f->coach4, f->coach5};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        int64_t owner = c[i].owner == 'n' ? f->nurse : coach[(int)c[i].owner];
        int64_t prog = c[i].prog == 'h' ? H : c[i].prog == 'n' ? N : 0;
        add_client(f, c[i].id, c[i].tier, owner, prog);
    }
}

static void load_referrals(fixture *f)
{
    int64_t H = f->hss, N = f->ngh;
    add_referral(f, 1, H, "2026-10-01", "enrolled");
    add_assessment(f, 1, H, "2026-09-20T10:00:00Z", "low"); /* before the referral */
    add_assessment(f, 1, H, "2026-10-03T10:00:00Z", "high");
    add_assessment(f, 1, H, "2026-10-20T10:00:00Z", "moderate");
    add_referral(f, 2, H, "2026-10-10", "assessed");
    add_assessment(f, 2, H, "2026-10-12T10:00:00Z", "moderate");
    add_assessment(f, 2, H, "2026-10-25T10:00:00Z", "high"); /* not the first */
    add_referral(f, 3, H, "2026-10-31", "declined");
    add_referral(f, 4, H, "2026-10-15", "declined");
    add_referral(f, 5, H, "2026-10-05", "enrolled");
    add_assessment(f, 5, N, "2026-10-05T08:00:00Z", "low"); /* other program */
    add_assessment(f, 5, H, "2026-10-05T09:00:00Z", "high");
    add_referral(f, 6, H, "2026-09-30", "declined"); /* before the period */
    add_referral(f, 7, H, "2026-11-01", "enrolled"); /* after the period */
    add_assessment(f, 7, H, "2026-11-02T10:00:00Z", "high");
    add_referral(f, 8, N, "2026-10-10", "declined");
    add_referral(f, 9, H, "2026-10-20", "enrolled");
    add_assessment(f, 9, H, "2026-10-21T10:00:00Z", "high");
    add_assessment(f, 9, H, "2026-10-28T10:00:00Z", "low"); /* later, not first */
    add_referral(f, 10, H, "2026-10-02", "closed");
    add_referral(f, 10, H, "2026-10-22", "enrolled");
    add_assessment(f, 10, H, "2026-10-22T10:00:00Z", "high"); /* first for both */
    add_referral(f, 11, H, "2026-10-08", "contacted");
    add_assessment(f, 11, H, "2026-10-08T00:00:00Z", "high"); /* at the day's start */
    add_referral(f, 14, H, "2026-10-12", "assessed");
    add_referral(f, 22, H, "2026-10-05", "ineligible"); /* refused, not declined */
    add_assessment(f, 14, H, "2026-10-11T23:59:59Z", "high"); /* the day before */
    add_assessment(f, 14, H, "2026-10-12T00:00:00Z", "low");  /* first on the day */
}

static void load_episodes(fixture *f)
{
    int64_t H = f->hss, N = f->ngh;
    add_episode(f, 1, H, "2026-10-03", 60, 0, NULL);
    add_episode(f, 9, H, "2026-11-01", 60, 0, NULL);
    add_episode(f, 10, H, "2026-10-31", 60, 0, NULL);
    add_episode(f, 11, N, "2026-10-05", 30, 0, NULL);
    add_episode(f, 12, H, "2026-08-01", 60, 30, "2026-10-31");
    add_episode(f, 13, H, "2026-09-01", 60, 0, "2026-11-05");
    add_episode(f, 15, H, "2026-10-10", 60, 0, NULL);
    add_episode(f, 16, H, "2026-09-15", 60, 0, NULL);
    add_episode(f, 17, N, "2026-09-01", 30, 0, NULL);
    add_episode(f, 19, H, "2026-10-01", 60, 0, NULL);
    add_episode(f, 20, H, "2026-09-01", 60, 0, NULL);
    add_episode(f, 21, H, "2026-09-01", 60, 0, NULL);
    add_episode(f, 22, H, "2026-09-01", 60, 0, "2026-10-30");
    add_episode(f, 23, H, "2026-09-01", 60, 0, "2026-10-01");
    add_episode(f, 24, H, "2026-08-01", 60, 0, "2026-09-30");
    add_episode(f, 25, H, "2026-08-31", 60, 0, "2026-10-30");
    add_episode(f, 26, N, "2026-10-01", 30, 0, "2026-10-10");
    add_monitoring(f, 2, H, "2026-10-12", NULL);
    add_monitoring(f, 5, H, "2026-10-06", NULL);
    add_monitoring(f, 14, H, "2026-09-01", "2026-10-15");
    add_monitoring(f, 15, H, "2026-07-01", NULL);
    add_monitoring(f, 18, H, "2026-10-31", NULL);
}

/* Tasks T1..T14 (all for client 1): owner, due, created, completed,
 * cancelled. */
static void load_tasks(fixture *f)
{
    const char *oct1 = "2026-10-01T09:00:00Z", *nov1 = "2026-11-01T09:00:00Z";
    const char *nov3 = "2026-11-03T09:00:00Z", *nov5 = "2026-11-05T09:00:00Z";
    const char *nov10 = "2026-11-10T09:00:00Z";
    add_task(f, f->coach1, "2026-10-20T09:00:00Z", oct1, NULL, NULL); /* T1 */
    add_task(f, f->coach1, "2026-10-31T23:59:59Z", oct1, NULL, NULL); /* T2 */
    add_task(f, f->coach1, "2026-11-01T00:00:00Z", oct1, NULL, NULL); /* T3 */
    /* T4 done the day after it was due; T5 only after the period. */
    add_task(f, f->coach1, "2026-10-15T09:00:00Z", oct1, "2026-10-16T09:00:00Z", NULL);
    add_task(f, f->coach1, "2026-10-15T09:00:00Z", oct1, nov10, NULL);
    /* T6 cancelled in the period. */
    add_task(f, f->coach2, "2026-10-10T09:00:00Z", oct1, NULL, "2026-10-12T09:00:00Z");
    add_task(f, f->coach2, "2026-10-25T09:00:00Z", oct1, NULL, NULL); /* T7 */
    add_task(f, f->nurse, "2026-10-30T09:00:00Z", oct1, NULL, NULL);  /* T8 */
    add_task(f, f->coach4, "2026-10-30T09:00:00Z", oct1, NULL, NULL); /* T9 */
    add_task(f, f->admin, "2026-10-30T09:00:00Z", oct1, NULL, NULL);  /* T10 */
    /* T11 created after the period (due inside it). */
    add_task(f, f->coach1, "2026-10-28T09:00:00Z", nov5, NULL, NULL);
    add_task(f, f->coach1, "2026-11-22T11:59:59Z", nov1, NULL, NULL); /* T12 */
    add_task(f, f->coach1, "2026-11-22T12:00:00Z", nov1, NULL, NULL); /* T13 */
    /* T14 cancelled only after the period. */
    add_task(f, f->coach2, "2026-10-26T09:00:00Z", oct1, NULL, nov3);
}

static void load_encounters(fixture *f)
{
    add_encounter(f, 20, "discharge", "2026-10-01T00:00:00Z"); /* D0, first instant */
    add_encounter(f, 1, "discharge", "2026-10-02T10:00:00Z");  /* D1 */
    add_encounter(f, 1, "admit", "2026-10-31T10:00:00Z");      /* +29 days */
    add_encounter(f, 1, "discharge", "2026-10-31T18:00:00Z");  /* D1b */
    add_encounter(f, 12, "discharge", "2026-10-05T08:00:00Z"); /* D2 */
    add_encounter(f, 12, "admit", "2026-11-04T08:00:00Z");     /* +30 days exactly */
    add_encounter(f, 13, "discharge", "2026-10-06T08:00:00Z"); /* D3 */
    add_encounter(f, 13, "ed", "2026-10-20T08:00:00Z");        /* not an admission */
    add_encounter(f, 13, "admit", "2026-11-05T08:00:01Z");     /* +30 days + 1 s */
    add_encounter(f, 16, "discharge", "2026-10-10T12:00:00Z"); /* D4 */
    add_encounter(f, 16, "admit", "2026-11-10T12:00:00Z");     /* +31 days */
    add_encounter(f, 19, "discharge", "2026-10-31T23:59:59Z"); /* D5 */
    add_encounter(f, 22, "discharge", "2026-09-30T23:59:59Z"); /* before the period */
    add_encounter(f, 22, "admit", "2026-10-10T00:00:00Z");
    add_encounter(f, 23, "discharge", "2026-11-01T00:00:00Z"); /* after the period */
    add_encounter(f, 2, "discharge", "2026-10-15T10:00:00Z");  /* no episode anywhere */
    add_encounter(f, 2, "admit", "2026-10-20T10:00:00Z");
    add_encounter(f, 17, "discharge", "2026-10-20T10:00:00Z"); /* D9, NGH only */
    add_encounter(f, 17, "admit", "2026-10-25T10:00:00Z");

    add_contact(f, 20, "home-visit", "2026-10-04T00:00:00Z", 0); /* D0 + 3 days */
    add_contact(f, 1, "home-visit", "2026-10-04T10:00:00Z", 0);  /* D1 + 2 days */
    add_contact(f, 12, "home-visit", "2026-10-01T10:00:00Z", 0); /* before D2 */
    add_contact(f, 12, "home-visit", "2026-10-05T20:00:00Z", 0); /* D2 + 0.5 */
    add_contact(f, 13, "call", "2026-10-07T08:00:00Z", 0);
    int64_t wrong = add_contact(f, 13, "home-visit", "2026-10-09T08:00:00Z", 0);
    add_contact(f, 13, "call", "2026-10-09T08:00:00Z", wrong);   /* corrects it */
    add_contact(f, 13, "home-visit", "2026-10-10T08:00:00Z", 0); /* D3 + 4 days */
    add_contact(f, 19, "home-visit", "2026-11-01T23:59:59Z", 0); /* D5 + 1 day */
    add_contact(f, 2, "home-visit", "2026-10-16T10:00:00Z", 0);
    add_contact(f, 17, "home-visit", "2026-10-20T16:00:00Z", 0); /* D9 + 0.25 */
}

static void load_consents(fixture *f)
{
    add_consent(f, 1, "participation", "granted", "2026-12-22", NULL); /* K1 +30 */
    add_consent(f, 1, "release", "granted", "2026-12-23", NULL);       /* K2 +31 */
    add_consent(f, 2, "release", "granted", "2026-11-22", NULL);       /* K3 today */
    add_consent(f, 2, "participation", "granted", "2026-11-21", NULL); /* K4 expired */
    add_consent(f, 3, "participation", "declined", "2026-12-01", NULL);
    add_consent(f, 10, "release", "granted", "2026-12-01", "2026-11-20"); /* revoked */
    add_consent(f, 10, "release", "granted", "2026-12-05", "2026-12-01"); /* K7 later */
    add_consent(f, 10, "participation", "granted", NULL, NULL);    /* no expiry */
    add_consent(f, 10, "release", "granted", "2026-12-10", TODAY); /* revoked */
    add_consent(f, 17, "release", "granted", "2026-12-01", NULL);  /* NGH */
    add_consent(f, 4, "release", "granted", "2026-12-01", NULL);   /* no program */
}

/* ---- fixture ----------------------------------------------------------- */

static int setup_empty(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "measures.db");
    f->s = tu_create(f->db);
    f->ctx = ctx_system(f->s); /* no staff yet: the store itself measures */
    f->hss = tu_int(f->s, "SELECT id FROM program WHERE code = 'hss'");
    f->ngh = tu_int(f->s, "SELECT id FROM program WHERE code = 'ct-ngh'");
    f->ngh_org =
        tu_int(f->s, "SELECT id FROM organization WHERE facility_code = 'NGH'");
    *state = f;
    return 0;
}

static int setup(void **state)
{
    setup_empty(state);
    fixture *f = *state;
    load_staff(f);
    f->super = cf_staff(f->s, "super1", "supervisor", NULL);
    f->ctx = ctx_system(f->s);
    f->ctx.system = 0;
    f->ctx.staff_id = f->super;
    snprintf(f->ctx.role, sizeof f->ctx.role, "supervisor");
    load_clients(f);
    load_referrals(f);
    load_episodes(f);
    load_tasks(f);
    load_encounters(f);
    load_consents(f);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    measures_free(&f->m);
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    setenv("CARECOORD_NOW", NOW, 1);
    return 0;
}

/* Compute into f->m, failing the test on error; and no transaction is left
 * open afterwards. */
static measures *compute(fixture *f, const char *program, const char *from,
                         const char *to)
{
    cc_err err = {0};
    measures_free(&f->m);
    int rc = measures_compute(&f->ctx, program, from, to, &f->m, &err);
    if (rc != CC_OK)
        print_error("measures_compute: %s\n", err.msg);
    assert_int_equal(rc, CC_OK);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
    return &f->m;
}

static const coach_load *coach_named(const measures *m, const char *login)
{
    for (int i = 0; i < m->coaches; i++)
        if (!strcmp(m->coach[i].login, login))
            return &m->coach[i];
    fail_msg("%s is not among the coaches", login);
    return NULL;
}

static int overdue_of(const measures *m, const char *login)
{
    for (int i = 0; i < m->noverdue; i++)
        if (!strcmp(m->overdue[i].login, login))
            return m->overdue[i].overdue;
    return -1; /* not listed */
}

/* ---- the measures, one program ----------------------------------------- */

static void test_referral_conversion_and_decline(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* HSS referrals received 10-01..10-31: clients 1 (10-01), 2, 3 (10-31), 4,
     * 5, 9, 10 (twice), 11, 14, 22 = 11; client 6 (09-30), 7 (11-01) and the
     * NGH referral of client 8 are outside. */
    assert_int_equal(m->conversion.den, 11);
    /* First HSS assessment at or after the received day is high for 1 (the
     * earlier low is before), 5 (the earlier NGH low does not count), 9 (its
     * later low is not first), both referrals of 10 (one assessment is first
     * for both), 11 (assessed at 00:00:00 on the received day) = 6; not for
     * 2 (moderate first, high later), 14 (the high is at 23:59:59 the day
     * before; the midnight low is first), 3, 4, 22 (none). */
    assert_int_equal(m->conversion.num, 6);
    /* Declined among those eleven: 3 and 4 (6 is before the period; 22 is
     * ineligible, which is no decline). */
    assert_int_equal(m->decline.den, 11);
    assert_int_equal(m->decline.num, 2);
    /* 6 / 11 and 2 / 11. */
    assert_true(measure_rate(m->conversion) > 6.0 / 11 - EPS &&
                measure_rate(m->conversion) < 6.0 / 11 + EPS);
    assert_true(measure_rate(m->decline) > 2.0 / 11 - EPS &&
                measure_rate(m->decline) < 2.0 / 11 + EPS);
    assert_string_equal(m->program, "hss");
    assert_string_equal(m->from, FROM);
    assert_string_equal(m->to, TO);
}

static void test_tier1_placement(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* Tier-1 clients with an HSS referral in October: 1, 2, 3, 9, 10 (two
     * referrals, counted once), 11 = 6 (6 was referred in September; 8 only
     * to NGH). */
    assert_int_equal(m->tier1_placed.den, 6);
    /* Placed in HSS by 10-31: 1 (episode 10-03), 2 (monitoring 10-12), 10
     * (episode starting on 10-31) = 3; not 9 (starts 11-01), 11 (NGH
     * episode), 3 (nothing). */
    assert_int_equal(m->tier1_placed.num, 3);
}

static void test_caseload_against_capacity(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* Active coaches on the HSS team: coach1, coach2 (coach3 is inactive,
     * nurse1 is no coach, coach4 is on NGH, coach5 on no team). */
    assert_int_equal(m->coaches, 2);
    assert_string_equal(m->coach[0].login, "coach1");
    assert_string_equal(m->coach[1].login, "coach2");
    /* coach1 owns 1 (open episode), 2 (open monitoring), 10 (episode from
     * 10-31), 13 (closed 11-05, open on 10-31), 15 (episode and monitoring,
     * once) = 5; not 12 (closed on 10-31), 14 (monitoring ended 10-15). */
    assert_int_equal(m->coach[0].active, 5);
    assert_int_equal(m->coach[0].capacity, 4);
    /* coach2 owns 16 (open), 17 (an open NGH episode: a coach's load is all
     * of it), 18 (monitoring since 10-31), 19 (open) = 4; not 9 (starts
     * 11-01). */
    assert_int_equal(m->coach[1].active, 4);
    assert_int_equal(m->coach[1].capacity, 4);
    /* Total 5 + 4 = 9, average 4.5, max 5; over capacity: coach1 (5 > 4)
     * only, coach2 is at capacity. */
    assert_int_equal(m->active_total, 9);
    assert_true(m->caseload_avg > 4.5 - EPS && m->caseload_avg < 4.5 + EPS);
    assert_int_equal(m->caseload_max, 5);
    assert_int_equal(m->over_capacity, 1);
    /* Their overdue tasks at 11-01T00:00Z (see the overdue test): 3 and 2. */
    assert_int_equal(m->coach[0].overdue, 3);
    assert_int_equal(m->coach[1].overdue, 2);
}

static void test_caseload_today_agrees_with_caseload_module(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TODAY);
    /* Today coach1 has 1, 2, 10, 15 = 4 (13 closed on 11-05): at capacity.
     * coach2 has 9 (started 11-01), 16, 17, 18, 19 = 5: over. */
    assert_int_equal(coach_named(m, "coach1")->active, 4);
    assert_int_equal(coach_named(m, "coach2")->active, 5);
    assert_int_equal(m->over_capacity, 1);
    /* The caseload screen counts the same way. */
    assert_int_equal(caseload_active(&f->ctx, f->coach1), 4);
    assert_int_equal(caseload_active(&f->ctx, f->coach2), 5);
}

static void test_episode_length_against_target(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* HSS episodes closed 10-01..10-31 (length = closed - start + 1):
     *   12: 08-01..10-31 = 31+30+31 = 92 days, target 60+30 = 90, past;
     *   22: 09-01..10-30 = 30+30 = 60, target 60, on its last day: not past;
     *   23: 09-01..10-01 = 31, target 60;
     *   25: 08-31..10-30 = 1+30+30 = 61, target 60, past by a day.
     * Not 13 (closed 11-05), 24 (09-30), 26 (NGH). */
    assert_int_equal(m->episodes_closed, 4);
    assert_int_equal(m->length_days_sum, 92 + 60 + 31 + 61);
    assert_int_equal(m->target_days_sum, 90 + 60 + 60 + 60);
    assert_int_equal(m->closed_past_target, 2);
    /* 244 / 4 = 61; 270 / 4 = 67.5. */
    assert_true(m->avg_length > 61.0 - EPS && m->avg_length < 61.0 + EPS);
    assert_true(m->avg_target > 67.5 - EPS && m->avg_target < 67.5 + EPS);
}

static void test_readmission_30_days_boundary(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* October discharges of clients with an HSS episode: D0 (client 20, at
     * 10-01T00:00:00Z), D1 and D1b (client 1), D2 (12), D3 (13), D4 (16), D5
     * (19, at 23:59:59 on 10-31) = 7; not 22 (09-30T23:59:59Z), 23
     * (11-01T00:00Z), 2 (no episode), 17 (NGH only). */
    assert_int_equal(m->readmission30.den, 7);
    /* Admitted after, within 30 days: D1 (+29 days), D2 (+30 days exactly)
     * = 2; not D3 (+30 days and a second; its ED visit is no admission), D4
     * (+31 days), D0, D1b and D5 (no admission after). */
    assert_int_equal(m->readmission30.num, 2);
}

static void test_days_discharge_to_home_visit(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* First home visit after each of the seven: D0 3.0 days, D1 2.0, D2 0.5
     * (the visit before it does not count), D3 4.0 (the visit at +3 was
     * corrected into a call; the call at +1 is no visit), D5 1.0; none after
     * D1b (client 1's visit was before it) and D4. */
    assert_int_equal(m->discharges_with_visit, 5);
    assert_int_equal(m->discharges_without_visit, 2);
    /* Sum 10.5, average 10.5 / 5 = 2.1, median of 0.5 1 2 3 4 = 2. */
    assert_true(m->days_to_visit_sum > 10.5 - EPS && m->days_to_visit_sum < 10.5 + EPS);
    assert_true(m->days_to_visit_avg > 2.1 - EPS && m->days_to_visit_avg < 2.1 + EPS);
    assert_true(m->days_to_visit_median > 2.0 - EPS &&
                m->days_to_visit_median < 2.0 + EPS);
}

static void test_overdue_tasks_end_of_past_period(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    /* The period ended before today: judged at 11-01T00:00Z. */
    assert_string_equal(m->as_of, "2026-11-01T00:00:00Z");
    /* coach1: T1 (due 10-20), T2 (10-31T23:59:59), T5 (completed only on
     * 11-10) = 3; not T3 (due exactly at 11-01T00:00), T4 (completed 10-16),
     * T11 (created 11-05), T12, T13. */
    assert_int_equal(overdue_of(m, "coach1"), 3);
    /* coach2: T7, T14 (cancelled only on 11-03) = 2; not T6 (cancelled). */
    assert_int_equal(overdue_of(m, "coach2"), 2);
    /* nurse1 is on the team: T8 = 1. coach4 (NGH) and admin1 (no team) are
     * not listed. */
    assert_int_equal(overdue_of(m, "nurse1"), 1);
    assert_int_equal(overdue_of(m, "coach4"), -1);
    assert_int_equal(overdue_of(m, "admin1"), -1);
    assert_int_equal(m->noverdue, 3);
    assert_int_equal(m->overdue_tasks, 6);
}

static void test_overdue_tasks_now_when_to_is_today(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TODAY);
    assert_string_equal(m->as_of, NOW);
    /* At 11-22T12:00Z coach1 has T1, T2, T3, T11, T12 (11:59:59) = 5; not
     * T5 (completed 11-10), T13 (due exactly now), T4. */
    assert_int_equal(overdue_of(m, "coach1"), 5);
    /* coach2: T7 = 1 (T14 was cancelled 11-03). nurse1: T8. */
    assert_int_equal(overdue_of(m, "coach2"), 1);
    assert_int_equal(overdue_of(m, "nurse1"), 1);
    assert_int_equal(m->overdue_tasks, 7);
    /* A period ending in the future is judged now as well. */
    m = compute(f, "hss", FROM, "2027-01-31");
    assert_string_equal(m->as_of, NOW);
    assert_int_equal(m->overdue_tasks, 7);
}

static void test_consents_expiring_within_30_days(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, "hss", FROM, TO);
    assert_string_equal(m->today, TODAY);
    /* HSS clients' granted consents expiring 11-22..12-22: K1 (12-22, +30),
     * K3 (11-22, today), K7 (12-05; its revocation is dated 12-01, later
     * than today) = 3; not K2 (12-23, +31), K4 (expired 11-21), the decline,
     * the one revoked 11-20, the one revoked today, the one without expiry,
     * client 17's (NGH) and client 4's (no program). */
    assert_int_equal(m->consents_expiring, 3);
}

/* ---- all programs, empty and refused ----------------------------------- */

static void test_all_programs(void **state)
{
    fixture *f = *state;
    measures *m = compute(f, NULL, FROM, TO);
    assert_string_equal(m->program, "");
    /* Referrals: the eleven HSS ones + client 8's NGH decline = 12; converted
     * still 6; declined 3. */
    assert_int_equal(m->conversion.den, 12);
    assert_int_equal(m->conversion.num, 6);
    assert_int_equal(m->decline.num, 3);
    /* Tier 1: the six + client 8 (NGH, not placed) = 7; placed 3 (client 11's
     * NGH episode does not place its HSS referral). */
    assert_int_equal(m->tier1_placed.den, 7);
    assert_int_equal(m->tier1_placed.num, 3);
    /* Coaches on any team: coach1 (5 of 4), coach2 (4 of 4), coach4 (client
     * 11, 1 of 35). Total 10, max 5, one over capacity. */
    assert_int_equal(m->coaches, 3);
    assert_int_equal(coach_named(m, "coach2")->active, 4);
    assert_int_equal(coach_named(m, "coach4")->active, 1);
    assert_int_equal(coach_named(m, "coach4")->capacity, 35);
    assert_int_equal(m->active_total, 10);
    assert_int_equal(m->caseload_max, 5);
    assert_int_equal(m->over_capacity, 1);
    /* Episodes: the four + client 26's NGH episode (10 days, target 30). */
    assert_int_equal(m->episodes_closed, 5);
    assert_int_equal(m->length_days_sum, 244 + 10);
    assert_int_equal(m->closed_past_target, 2);
    /* Discharges: the seven + D9 (client 17, readmitted at +5 days, visited
     * at +0.25 days) = 8, readmitted 3; visits 0.25 0.5 1 2 3 4: six, median
     * (1 + 2) / 2 = 1.5; without: D1b, D4. */
    assert_int_equal(m->readmission30.den, 8);
    assert_int_equal(m->readmission30.num, 3);
    assert_int_equal(m->discharges_with_visit, 6);
    assert_int_equal(m->discharges_without_visit, 2);
    assert_true(m->days_to_visit_median > 1.5 - EPS &&
                m->days_to_visit_median < 1.5 + EPS);
    /* Overdue: every owner, + coach4 (T9) and admin1 (T10) = 8. */
    assert_int_equal(m->overdue_tasks, 8);
    assert_int_equal(overdue_of(m, "admin1"), 1);
    /* Consents: the three + client 17's + client 4's = 5. */
    assert_int_equal(m->consents_expiring, 5);
    /* "" means all programs too. */
    m = compute(f, "", FROM, TO);
    assert_int_equal(m->conversion.den, 12);
}

static void assert_all_zero(const measures *m)
{
    assert_int_equal(m->conversion.num + m->conversion.den, 0);
    assert_int_equal(m->decline.num + m->decline.den, 0);
    assert_int_equal(m->tier1_placed.num + m->tier1_placed.den, 0);
    assert_int_equal(m->readmission30.num + m->readmission30.den, 0);
    assert_true(measure_rate(m->conversion) == 0.0);
    assert_true(measure_rate(m->readmission30) == 0.0);
    assert_int_equal(m->coaches, 0);
    assert_null(m->coach);
    assert_int_equal(m->active_total + m->caseload_max + m->over_capacity, 0);
    assert_true(m->caseload_avg == 0.0);
    assert_int_equal(m->episodes_closed + m->closed_past_target, 0);
    assert_true(m->avg_length == 0.0 && m->avg_target == 0.0);
    assert_int_equal(m->discharges_with_visit + m->discharges_without_visit, 0);
    assert_true(m->days_to_visit_avg == 0.0 && m->days_to_visit_median == 0.0);
    assert_int_equal(m->overdue_tasks + m->noverdue, 0);
    assert_int_equal(m->consents_expiring, 0);
}

static void test_empty_program_gives_zeros(void **state)
{
    fixture *f = *state;
    /* PA-SC has no teams, referrals, episodes, clients or consents. */
    assert_all_zero(compute(f, "pasc", FROM, TO));
    assert_string_equal(f->m.program, "pasc");
}

static void test_empty_period_and_store_give_zeros(void **state)
{
    fixture *f = *state; /* no data at all */
    assert_all_zero(compute(f, NULL, FROM, TO));
    assert_all_zero(compute(f, "hss", "2020-01-01", "2020-01-01"));
}

static void expect_refused(fixture *f, const char *program, const char *from,
                           const char *to, const char *word)
{
    cc_err err = {0};
    measures_free(&f->m);
    f->m.coaches = 99; /* must be reset */
    assert_int_equal(measures_compute(&f->ctx, program, from, to, &f->m, &err),
                     CC_EINPUT);
    assert_true(err.msg[0] != '\0');
    assert_null(strchr(err.msg, '\n'));
    if (!strstr(err.msg, word))
        print_error("message '%s' does not say '%s'\n", err.msg, word);
    assert_non_null(strstr(err.msg, word));
    assert_int_equal(f->m.coaches, 0);
    assert_null(f->m.coach);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
}

static void test_bad_dates_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, "hss", "2026-13-01", TO, "YYYY-MM-DD");
    expect_refused(f, "hss", FROM, "2026-02-29", "YYYY-MM-DD"); /* not a leap year */
    expect_refused(f, "hss", "2026-10-1", TO, "YYYY-MM-DD");
    expect_refused(f, "hss", FROM, "2026-10-31T00:00:00Z", "YYYY-MM-DD");
    expect_refused(f, "hss", NULL, TO, "YYYY-MM-DD");
    expect_refused(f, "hss", FROM, "", "YYYY-MM-DD");
    expect_refused(f, "hss", FROM, "9999-12-31", "YYYY-MM-DD");
    expect_refused(f, "hss", "2026-11-01", TO, "after");
    /* A one-day period is fine. */
    compute(f, "hss", TO, TO);
}

static void test_unknown_program_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, "nope", FROM, TO, "no program");
    expect_refused(f, "HSS", FROM, TO, "no program"); /* codes are exact */
}

/* ---- who measures ------------------------------------------------------ */

/* f->ctx becomes staff member login (a new account of role). */
static void act_as(fixture *f, const char *login, const char *role)
{
    cc_err err = {0};
    staff st;
    f->ctx.staff_id = staff_find(f->s, login, &st, &err) == CC_OK
                          ? st.id
                          : cf_staff(f->s, login, role, NULL);
    snprintf(f->ctx.role, sizeof f->ctx.role, "%s", role);
}

static void test_manager_measures_only_covered_teams(void **state)
{
    fixture *f = *state;
    measures all = *compute(f, NULL, FROM, TO);
    f->m.coach = NULL, f->m.team = NULL, f->m.overdue = NULL; /* now owned by `all` */
    act_as(f, "pm1", "program-manager");
    /* Covering no team: nothing at all, where the supervisor sees plenty. */
    assert_true(all.conversion.den > 0 && all.coaches > 1 && all.overdue_tasks > 0);
    assert_all_zero(compute(f, NULL, FROM, TO));
    /* Covering NGH (coach4): its coach, its owned client 11 (HSS referral,
     * high at the day's start) and the unassigned client 8 referred to NGH
     * (declined); not the unassigned HSS referrals of clients 3, 4 and 22. */
    cf_exec(f->s, "INSERT INTO team_cover (team_id, staff_id) VALUES (2, %lld)",
            (long long)f->ctx.staff_id);
    measures *m = compute(f, NULL, FROM, TO);
    assert_int_equal(m->coaches, 1);
    assert_string_equal(m->coach[0].login, "coach4");
    assert_int_equal(m->conversion.den, 2);
    assert_int_equal(m->conversion.num, 1);
    assert_int_equal(m->decline.num, 1);
    assert_true(m->overdue_tasks < all.overdue_tasks);
    measures_free(&all);
}

static void test_coach_may_not_measure(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    act_as(f, "coach9", "coach");
    assert_int_equal(measures_compute(&f->ctx, NULL, FROM, TO, &f->m, &err),
                     CC_EREFUSED);
    measure_ratio t[6];
    assert_int_equal(measures_conversion_trend(&f->ctx, NULL, TO, 6, t, &err),
                     CC_EREFUSED);
}

/* The trend's months agree with measures_compute over each month. */
static void test_conversion_trend_matches_monthly_measures(void **state)
{
    fixture *f = *state;
    measure_ratio t[3];
    cc_err err = {0};
    assert_int_equal(
        measures_conversion_trend(&f->ctx, "hss", "2026-11-15", 3, t, &err), CC_OK);
    static const char *const month[][2] = {{"2026-09-01", "2026-09-30"},
                                           {"2026-10-01", "2026-10-31"},
                                           {"2026-11-01", "2026-11-30"}};
    for (int k = 0; k < 3; k++) {
        measures *m = compute(f, "hss", month[k][0], month[k][1]);
        assert_int_equal(t[k].den, m->conversion.den);
        assert_int_equal(t[k].num, m->conversion.num);
    }
    assert_int_equal(t[1].den, 11); /* October, as test_referral_conversion */
    assert_int_equal(
        measures_conversion_trend(&f->ctx, "hss", "2026-11-15", 0, t, &err), CC_EINPUT);
    assert_int_equal(measures_conversion_trend(&f->ctx, "hss", "Nov", 3, t, &err),
                     CC_EINPUT);
}

/* ---- the quarterly report's further figures ---------------------------- */

static const qm_value *value_of(const qm_value *v, enum qm_id id)
{
    return &v[id];
}

static void assert_near(double got, double want)
{
    if (!(got > want - 1e-6 && got < want + 1e-6))
        fail_msg("got %.9f, want %.9f", got, want);
}

/* The hospital's risk at intake: client 1's October referral 20%; client 12
 * referred 10-07 (two days after D2) at 50%; client 16 referred 10-13, three
 * days after D4 (the last day that counts), at 30%; client 13 referred
 * 10-10, four days after D3: too late, not its risk; client 19's risk is on
 * an NGH referral: not HSS's. */
static void load_risks(fixture *f)
{
    cf_exec(f->s, "UPDATE referral SET readmit_risk = 20 WHERE client_id = 1");
    add_referral(f, 12, f->hss, "2026-10-07", "enrolled");
    add_referral(f, 16, f->hss, "2026-10-13", "enrolled");
    add_referral(f, 13, f->hss, "2026-10-10", "enrolled");
    add_referral(f, 19, f->ngh, "2026-10-30", "received");
    cf_exec(f->s,
            "UPDATE referral SET readmit_risk = CASE client_id WHEN 12 THEN 50 WHEN "
            "16 THEN 30 WHEN 13 THEN 10 WHEN 19 THEN 90 END WHERE client_id IN (12, "
            "16, 13, 19) AND received_date >= '2026-10-07'");
}

static void test_readmissions_observed_vs_expected(void **state)
{
    fixture *f = *state;
    load_risks(f);
    measures *m = compute(f, "hss", FROM, TO);
    /* The seven HSS discharges (see the readmission test); with a risk: D1
     * (20, readmitted at +29 days), D1b (20, not), D2 (50, readmitted at +30
     * days exactly), D4 (30, not) = 4; D3's risk came too late, D0 and D5
     * have none. Observed 2, expected 0.2 + 0.2 + 0.5 + 0.3 = 1.2. */
    assert_int_equal(m->readmission30.den, 7);
    assert_int_equal(m->discharges_with_risk, 4);
    assert_int_equal(m->readmit_observed, 2);
    assert_near(m->readmit_expected, 1.2);
    qm_value v[QM_COUNT];
    quarterly_values(m, v);
    /* O/E = 2 / 1.2 = 1.6667; the rate stays 2 of 7 = 28.57%. */
    assert_true(value_of(v, QM_READMIT_OE)->known);
    assert_near(value_of(v, QM_READMIT_OE)->value, 2.0 / 1.2);
    assert_near(value_of(v, QM_READMIT30)->value, 100.0 * 2 / 7);
    assert_near(value_of(v, QM_READMIT30)->den, 7);
    /* With no risk given anywhere, expected is not known: not 0. */
    cf_exec(f->s, "UPDATE referral SET readmit_risk = NULL");
    quarterly_values(compute(f, "hss", FROM, TO), v);
    assert_false(value_of(v, QM_READMIT_EXPECTED)->known);
    assert_false(value_of(v, QM_READMIT_OE)->known);
}

static void test_episode_target_extensions_and_team_load(void **state)
{
    fixture *f = *state;
    qm_value v[QM_COUNT];
    quarterly_values(compute(f, "hss", FROM, TO), v);
    /* Closed in October (HSS): 12 (extended by 30), 22, 23, 25 = 4; lengths
     * 92 + 60 + 31 + 61 = 244, mean 61. The target is the program's own 60,
     * not the mean of (90 + 60 + 60 + 60) / 4 = 67.5. Extended: 1 of 4, by
     * 30 days. */
    assert_near(value_of(v, QM_EPISODE_LENGTH)->value, 61.0);
    assert_near(value_of(v, QM_EPISODE_TARGET)->value, 60.0);
    assert_near(value_of(v, QM_EPISODES_EXTENDED)->value, 25.0);
    assert_near(value_of(v, QM_EXTENSION_AVG)->value, 30.0);
    assert_near(value_of(v, QM_EXTENSION_AVG)->den, 1);
    /* Caseload: 9 clients over 2 coaches = 4.5 against the target 4; one
     * coach over it (coach1, 5): 50%. The HSS North team has no capacity of
     * its own: its two active coaches' 4 + 4 = 8; 9 of 8 = 112.5%. */
    assert_near(value_of(v, QM_CASELOAD_AVG)->value, 4.5);
    assert_near(value_of(v, QM_CASELOAD_TARGET)->value, 4);
    assert_near(value_of(v, QM_COACHES_OVER)->value, 50.0);
    assert_near(value_of(v, QM_TEAM_LOAD)->num, 9);
    assert_near(value_of(v, QM_TEAM_LOAD)->den, 8);
    /* A capacity of its own (12) is what counts then. */
    cf_exec(f->s, "UPDATE team SET capacity = 12 WHERE id = 1");
    quarterly_values(compute(f, "hss", FROM, TO), v);
    assert_near(value_of(v, QM_TEAM_LOAD)->den, 12);
    assert_near(value_of(v, QM_TEAM_LOAD)->value, 75.0);
}

static void test_expired_consents_served_and_cost(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    /* Expired in October: client 1's release (10-15) and client 9's
     * participation (10-31, revoked only after, on 11-05) = 2; not client 2's
     * (revoked 10-10, before it expired), client 17's (NGH), a decline. */
    cf_exec(f->s,
            "INSERT INTO consent (client_id, kind, decision, signed_date, "
            "recorded_by, expires_date, revoked_date, created_at) VALUES "
            "(1, 'release', 'granted', '2026-01-01', 1, '2026-10-15', NULL, 'x'), "
            "(9, 'participation', 'granted', '2026-01-01', 1, '2026-10-31', "
            "'2026-11-05', 'x'), (2, 'release', 'granted', '2026-01-01', 1, "
            "'2026-10-20', '2026-10-10', 'x'), (17, 'release', 'granted', "
            "'2026-01-01', 1, '2026-10-05', NULL, 'x')");
    measures *m = compute(f, "hss", FROM, TO);
    assert_int_equal(m->consents_expired, 2);
    /* Served in October: HSS episodes open some day of it: 1, 10, 12, 13, 15,
     * 16, 19, 20, 21, 22, 23 (closed on 10-01), 25 = 12 (9 starts 11-01, 24
     * closed 09-30); monitoring adds 2, 5, 14 (ended 10-15), 18 = 16. */
    assert_int_equal(m->clients_served, 16);
    /* No budget: cost per client is not known. */
    assert_int_equal(m->budget_cents, -1);
    qm_value v[QM_COUNT];
    quarterly_values(m, v);
    assert_false(value_of(v, QM_COST_PER_CLIENT)->known);
    /* 2026Q3: served 12, 13, 16, 20, 21, 22, 23, 24, 25 (episodes) + 14, 15
     * (monitoring) = 11. A budget set twice keeps the second: $1,000.00 over
     * 11 clients = $90.9091. */
    act_as(f, "admin2", "admin");
    assert_int_equal(quarterly_set_budget(&f->ctx, "hss", "2026Q3", 80000, &err),
                     CC_OK);
    assert_int_equal(quarterly_set_budget(&f->ctx, "hss", "2026Q3", 100000, &err),
                     CC_OK);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM program_budget"), 1);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM audit WHERE action = 'program.budget'"), 2);
    act_as(f, "super2", "supervisor");
    m = compute(f, "hss", "2026-07-01", "2026-09-30");
    assert_int_equal(m->clients_served, 11);
    assert_int_equal(m->budget_cents, 100000);
    quarterly_values(m, v);
    assert_near(value_of(v, QM_COST_PER_CLIENT)->value, 1000.0 / 11);
    /* A period that holds the quarter only in part does not use its budget. */
    assert_int_equal(compute(f, "hss", "2026-07-01", "2026-09-29")->budget_cents, -1);
    /* Refused: a coach; a bad quarter; an unknown program; a negative sum. */
    act_as(f, "coach8", "coach");
    assert_int_equal(quarterly_set_budget(&f->ctx, "hss", "2026Q3", 1, &err),
                     CC_EREFUSED);
    act_as(f, "admin2", "admin");
    assert_int_equal(quarterly_set_budget(&f->ctx, "hss", "2026Q5", 1, &err),
                     CC_EINPUT);
    assert_int_equal(quarterly_set_budget(&f->ctx, "nope", "2026Q3", 1, &err),
                     CC_EINPUT);
    assert_int_equal(quarterly_set_budget(&f->ctx, "hss", "2026Q3", -1, &err),
                     CC_EINPUT);
}

/* ---- the quarterly report ---------------------------------------------- */

static const quarterly_program *program_in(const quarterly *q, const char *code)
{
    for (int i = 0; i < q->nprograms; i++)
        if (!strcmp(q->program[i].code, code))
            return &q->program[i];
    fail_msg("%s is not in the report", code);
    return NULL;
}

static void quarterly_ok(fixture *f, const char *quarter, const char *program,
                         quarterly *q)
{
    cc_err err = {0};
    int rc = quarterly_compute(&f->ctx, quarter, program, q, &err);
    if (rc != CC_OK)
        print_error("quarterly_compute: %s\n", err.msg);
    assert_int_equal(rc, CC_OK);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
}

static void test_quarterly_header_programs_and_trend(void **state)
{
    fixture *f = *state;
    quarterly q;
    cc_err err = {0};
    audit_anchor head;
    act_as(f, "admin2", "admin");
    assert_int_equal(quarterly_set_site_name(&f->ctx, "Test Region", &err), CC_OK);
    assert_int_equal(quarterly_set_site_name(&f->ctx, "bad\x1b[2J", &err), CC_EINPUT);
    act_as(f, "super2", "supervisor");
    quarterly_ok(f, "2026Q4", NULL, &q);
    /* Today is 11-22: the quarter runs, to date. */
    assert_string_equal(q.from, "2026-10-01");
    assert_string_equal(q.to, TODAY);
    assert_true(q.partial);
    assert_string_equal(q.site, "Test Region");
    assert_string_equal(q.by_login, "super2");
    assert_string_equal(q.by_role, "supervisor");
    /* The head is the chain's after the run was audited, nothing since. */
    assert_int_equal(audit_head(f->s, &head, &err), CC_OK);
    assert_int_equal(q.audit_seq, head.seq);
    assert_int_equal(strlen(q.audit_hash), 64);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'report.run' AND details = 'quarterly 2026Q4'"),
                     1);
    /* Every active program, by code. */
    assert_int_equal(q.nprograms,
                     tu_int(f->s, "SELECT count(*) FROM program WHERE active = 1"));
    for (int i = 1; i < q.nprograms; i++)
        assert_true(strcmp(q.program[i - 1].code, q.program[i].code) < 0);
    /* The quarter and the three before; each the measures of its own days. */
    const quarterly_program *h = program_in(&q, "hss");
    assert_string_equal(h->quarter[0], "2026Q4");
    assert_string_equal(h->quarter[3], "2026Q1");
    qm_value v[QM_COUNT];
    quarterly_values(compute(f, "hss", "2026-07-01", "2026-09-30"), v);
    for (int k = 0; k < QM_COUNT; k++) {
        assert_int_equal(h->v[1][k].known, v[k].known);
        assert_near(h->v[1][k].value, v[k].value);
    }
    quarterly_values(compute(f, "hss", "2026-10-01", TODAY), v);
    assert_near(h->v[0][QM_CONVERSION].den, v[QM_CONVERSION].den);
    quarterly_free(&q);
    /* Refused: a quarter not begun, a malformed one, a coach. */
    assert_int_equal(quarterly_compute(&f->ctx, "2027Q1", NULL, &q, &err), CC_EINPUT);
    assert_int_equal(quarterly_compute(&f->ctx, "2026Q5", NULL, &q, &err), CC_EINPUT);
    assert_int_equal(quarterly_compute(&f->ctx, "26Q1", NULL, &q, &err), CC_EINPUT);
    act_as(f, "coach8", "coach");
    assert_int_equal(quarterly_compute(&f->ctx, "2026Q3", NULL, &q, &err), CC_EREFUSED);
    /* A program manager covering NGH gets NGH only. */
    act_as(f, "pm2", "program-manager");
    cf_exec(f->s, "INSERT INTO team_cover (team_id, staff_id) VALUES (2, %lld)",
            (long long)f->ctx.staff_id);
    quarterly_ok(f, "2026Q3", NULL, &q);
    assert_int_equal(q.nprograms, 1);
    assert_string_equal(q.program[0].code, "ct-ngh");
    assert_false(q.partial);
    quarterly_free(&q);
    assert_int_equal(quarterly_compute(&f->ctx, "2026Q3", "hss", &q, &err), CC_EINPUT);
}

/* Two measures of one program and period agree: every figure the report
 * shows, and the lists behind the caseload and overdue tasks. */
static void assert_same_measures(const measures *got, const measures *want)
{
    qm_value g[QM_COUNT], w[QM_COUNT];
    quarterly_values(got, g);
    quarterly_values(want, w);
    for (int k = 0; k < QM_COUNT; k++) {
        if (g[k].known != w[k].known)
            fail_msg("%s: known %d, want %d", quarterly_def(k)->id, g[k].known,
                     w[k].known);
        assert_near(g[k].value, w[k].value);
        assert_near(g[k].num, w[k].num);
        assert_near(g[k].den, w[k].den);
    }
    assert_string_equal(got->program, want->program);
    assert_near(got->days_to_visit_median, want->days_to_visit_median);
    assert_int_equal(got->coaches, want->coaches);
    for (int i = 0; i < got->coaches; i++) {
        assert_string_equal(got->coach[i].login, want->coach[i].login);
        assert_int_equal(got->coach[i].active, want->coach[i].active);
        assert_int_equal(got->coach[i].capacity, want->coach[i].capacity);
        assert_int_equal(got->coach[i].overdue, want->coach[i].overdue);
    }
    assert_int_equal(got->teams, want->teams);
    for (int i = 0; i < got->teams; i++) {
        assert_int_equal(got->team[i].active, want->team[i].active);
        assert_int_equal(got->team[i].capacity, want->team[i].capacity);
    }
    assert_int_equal(got->noverdue, want->noverdue);
}

/* Every program in one pass (measures_compute_programs) gives each the
 * figures of its own measures_compute, as a supervisor and as a program
 * manager, in a period with data and in one without; a program left out
 * gets nothing of its rows, and an empty or unknown code is refused. */
static void test_programs_in_one_pass_match_each(void **state)
{
    fixture *f = *state;
    static const char *const codes[] = {"ct-ngh", "hss"};
    static const char *const periods[][2] = {
        {FROM, TO}, {"2026-01-01", TODAY}, {"2026-10-15", "2026-10-15"}};
    measures many[2];
    measures_cache cache = {0};
    cc_err err = {0};
    load_risks(f);
    for (int who = 0; who < 2; who++) {
        if (who == 1) {
            act_as(f, "pm2", "program-manager");
            cf_exec(f->s, "INSERT INTO team_cover (team_id, staff_id) VALUES (2, %lld)",
                    (long long)f->ctx.staff_id);
        }
        for (size_t k = 0; k < sizeof periods / sizeof *periods; k++) {
            assert_int_equal(measures_compute_programs(&f->ctx, 2, codes, periods[k][0],
                                                       periods[k][1], &cache, many,
                                                       &err),
                             CC_OK);
            assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
            for (int i = 0; i < 2; i++) {
                assert_same_measures(
                    &many[i], compute(f, codes[i], periods[k][0], periods[k][1]));
                measures_free(&many[i]);
            }
        }
    }
    /* The data has HSS rows in October: none of them goes to NGH or PASC
     * when HSS is not asked for (two programs: the grouped statements; no
     * cache kept). */
    static const char *const others[] = {"ct-ngh", "pasc"};
    act_as(f, "super2", "supervisor");
    assert_true(compute(f, "hss", FROM, TO)->conversion.den > 0);
    assert_int_equal(
        measures_compute_programs(&f->ctx, 2, others, FROM, TO, NULL, many, &err),
        CC_OK);
    for (int i = 0; i < 2; i++) {
        assert_same_measures(&many[i], compute(f, others[i], FROM, TO));
        measures_free(&many[i]);
    }
    static const char *const bad[][1] = {{""}, {"nope"}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            measures_compute_programs(&f->ctx, 1, bad[i], FROM, TO, &cache, many, &err),
            CC_EINPUT);
    assert_int_equal(sqlite3_get_autocommit(store_db(f->s)), 1);
    measures_cache_free(&cache);
}

/* q written in format into a malloc'd string. */
static char *written(const quarterly *q, const char *format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(quarterly_out_write(f, q, format), 0);
    fclose(f);
    return buf;
}

static void check_text(const quarterly *q)
{
    char *text = written(q, "text"), *save = NULL;
    assert_non_null(strstr(text, "Quarterly report 2026Q4: 2026-10-01 to 2026-11-22 "
                                 "(to date)\n"));
    /* HSS October-to-date conversion: the October eleven (6 high) and client
     * 7's November referral (high) = 7 of 12 = 58.3%. */
    assert_non_null(strstr(text,
                           "  referrals converted (first HRA high)   58.3%        "
                           "7 / 12\n"));
    assert_non_null(strstr(text,
                           "  cost per client served                 n/a          "
                           "no budget set\n"));
    assert_null(strchr(text, '~'));
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        if (text_width(line) > 80)
            fail_msg("wider than 80 columns: %s", line);
    free(text);
}

static void check_csv(const quarterly *q)
{
    char *csv = written(q, "csv");
    int lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + q->nprograms * QM_COUNT);
    assert_non_null(strstr(csv,
                           "\r\nhss,2026Q4,2026-10-01,2026-11-22,referral_conversion,"
                           "referrals converted (first HRA high),58.3333,percent,7,"
                           "12\r\n"));
    assert_non_null(strstr(csv, "\r\nhss,2026Q4,2026-10-01,2026-11-22,cost_per_client,"
                                "cost per client served,n/a,dollars,,\r\n"));
    for (const unsigned char *p = (const unsigned char *)csv; *p; p++)
        assert_true(*p < 0x80); /* no chart characters, no stray bytes */
    free(csv);
}

static const cJSON *json_measure(const cJSON *doc, const char *code, const char *id)
{
    const cJSON *p, *m;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "programs"))
    {
        if (strcmp(cJSON_GetObjectItem(p, "code")->valuestring, code))
            continue;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(p, "measures"))
        {
            if (!strcmp(cJSON_GetObjectItem(m, "id")->valuestring, id))
                return m;
        }
    }
    fail_msg("no %s %s in the JSON", code, id);
    return NULL;
}

static void check_json(const quarterly *q)
{
    char *text = written(q, "json");
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    const cJSON *m = json_measure(doc, "hss", "referral_conversion");
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(m, "value")));
    assert_near(cJSON_GetObjectItem(m, "value")->valuedouble, 58.3333);
    assert_int_equal(cJSON_GetObjectItem(m, "numerator")->valueint, 7);
    assert_int_equal(cJSON_GetObjectItem(m, "denominator")->valueint, 12);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(m, "trend")), 4);
    m = json_measure(doc, "hss", "cost_per_client");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(m, "value")));
    m = json_measure(doc, "hss", "pam_change"); /* no PAM results: 0 of 0 */
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(m, "value")));
    assert_int_equal(cJSON_GetObjectItem(m, "denominator")->valueint, 0);
    assert_true(cJSON_IsNumber(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "audit_head"), "seq")));
    cJSON_Delete(doc);
    free(text);
}

static void check_html(const quarterly *q)
{
    char *html = written(q, "html");
    assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "<img"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt; &amp; co"));
    assert_non_null(strstr(html, "@page"));
    assert_non_null(strstr(html, "<svg"));
    free(html);
}

static void test_quarterly_in_four_formats(void **state)
{
    fixture *f = *state;
    quarterly q;
    cf_exec(f->s, "UPDATE program SET name = '<img src=x onerror=alert(1)> & co' WHERE "
                  "code = 'ct-ngh'");
    quarterly_ok(f, "2026Q4", NULL, &q);
    check_text(&q);
    check_csv(&q);
    check_json(&q);
    check_html(&q);
    quarterly_free(&q);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    setenv("CARECOORD_NOW", NOW, 1);
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_referral_conversion_and_decline),
        T(test_tier1_placement),
        T(test_caseload_against_capacity),
        T(test_caseload_today_agrees_with_caseload_module),
        T(test_episode_length_against_target),
        T(test_readmission_30_days_boundary),
        T(test_days_discharge_to_home_visit),
        T(test_overdue_tasks_end_of_past_period),
        T(test_overdue_tasks_now_when_to_is_today),
        T(test_consents_expiring_within_30_days),
        T(test_all_programs),
        T(test_empty_program_gives_zeros),
        cmocka_unit_test_setup_teardown(test_empty_period_and_store_give_zeros,
                                        setup_empty, teardown),
        T(test_bad_dates_refused),
        T(test_unknown_program_refused),
        T(test_manager_measures_only_covered_teams),
        T(test_coach_may_not_measure),
        T(test_conversion_trend_matches_monthly_measures),
        T(test_readmissions_observed_vs_expected),
        T(test_episode_target_extensions_and_team_load),
        T(test_expired_consents_served_and_cost),
        T(test_programs_in_one_pass_match_each),
        T(test_quarterly_header_programs_and_trend),
        T(test_quarterly_in_four_formats),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
