/*
 * test_appointment.c — reaching the client and the day's work, through the
 * core: contact details and caregivers saved with versions (a stale save
 * is a conflict, a bad phone a one-line error that saves nothing), a
 * consent signed by a legal representative; contacts that close the loop
 * (only a reached client, never in the future, at most 30 days back, a named
 * task); appointments (a reminder the day before, booking the specialist
 * completes "book specialty appointment", keeping it "specialty appointment
 * within 30 days", a kept home visit the 72-hour visit, a no-show a follow-up
 * task, a reschedule linked to the new one, nothing kept before its time);
 * the agenda in time order for the person and their team; a supervisor
 * refused; the measures' no-show rate and days to the specialist; the SNF
 * path (the episode pauses into light touch, home while high starts a new
 * one). The clock is fixed on 2026-11-20 12:00Z; synthetic people only.
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
#include "core/handoff.h"
#include "core/measures.h"
#include "core/program.h"
#include "core/reach.h"
#include "core/staff.h"
#include "core/task.h"
#include "testutil.h"

#define NOW   "2026-11-20T12:00:00Z"
#define NOW_T 1795176000 /* NOW in seconds */

typedef struct fixture {
    char *dir;
    store *s;
    cc_ctx sys, coach, nurse, stranger, super;
    int64_t pasc, ct, client, pasc_client;
} fixture;

/* A consented client of the coach in program_id, with an episode whose
 * discharge was the 18th (so its protocol tasks exist). */
static int64_t enrolled(fixture *f, const char *family, int64_t program_id)
{
    client c = cf_client(family, "Lee", "1950-02-03");
    snprintf(c.payer, sizeof c.payer, "uninsured-ineligible");
    return cf_enrolled(&f->sys, &c, "2026-11-17", f->coach.staff_id, program_id,
                       "2026-11-18", "2026-11-18T15:00:00Z");
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->s = cf_store(&f->dir, "appt.db", &f->sys, NULL);
    cf_staff(f->s, "coach1", "coach", &f->coach);
    cf_staff(f->s, "nurse1", "nurse", &f->nurse);
    cf_staff(f->s, "coach9", "coach", &f->stranger);
    cf_staff(f->s, "super1", "supervisor", &f->super);
    f->pasc = cf_program(&f->sys, "pasc");
    f->ct = cf_program(&f->sys, "ct-ngh");
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'PASC', %lld), (2, "
            "'NGH', %lld); INSERT INTO team_member VALUES (1, %lld), (1, %lld), (2, "
            "%lld), (2, %lld); INSERT INTO organization (facility_code, kind, name) "
            "VALUES ('SPC', 'clinic', 'Specialty Clinic')",
            (long long)f->pasc, (long long)f->ct, (long long)f->coach.staff_id,
            (long long)f->nurse.staff_id, (long long)f->coach.staff_id,
            (long long)f->nurse.staff_id);
    f->client = enrolled(f, "Okafor", f->ct);
    f->pasc_client = enrolled(f, "Varga", f->pasc);
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

/* ---- contact details and caregivers ------------------------------------ */

static void test_reach_versions_and_conflict(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client_reach mine, other, theirs;
    assert_int_equal(reach_get(&f->coach, f->client, &mine, &err), CC_OK);
    assert_int_equal(mine.version, 0);
    snprintf(mine.phone1, sizeof mine.phone1, "555-201-0101");
    snprintf(mine.phone1_kind, sizeof mine.phone1_kind, "mobile");
    snprintf(mine.call_times, sizeof mine.call_times, "after 5pm");
    snprintf(mine.pcp_org, sizeof mine.pcp_org, "PCP-FV");
    other = mine; /* a colleague read the same empty record */
    assert_int_equal(reach_save(&f->coach, &mine, &theirs, &err), CC_OK);
    assert_int_equal(mine.version, 1);
    snprintf(other.phone1, sizeof other.phone1, "555-999-0000");
    assert_int_equal(reach_save(&f->nurse, &other, &theirs, &err), CC_ECONFLICT);
    assert_string_equal(theirs.phone1, "555-201-0101"); /* theirs shown, not lost */
    assert_string_equal(theirs.pcp_org, "PCP-FV");
    /* a bad phone: one line naming the field, nothing saved */
    client_reach bad = theirs;
    snprintf(bad.phone2, sizeof bad.phone2, "call me");
    snprintf(bad.phone2_kind, sizeof bad.phone2_kind, "home");
    assert_int_equal(reach_save(&f->coach, &bad, &other, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "phone 2"));
    assert_null(strchr(err.msg, '\n'));
    assert_int_equal(cf_int(f->s,
                            "SELECT version FROM client_reach WHERE client_id = %lld",
                            (long long)f->client),
                     1);
    char who[200];
    reach_who_to_call(&f->coach, f->client, who, sizeof who);
    assert_string_equal(who, "call 555-201-0101 (mobile, after 5pm)");
    /* outside the coach's teams: refused, and nothing read */
    assert_int_equal(reach_get(&f->stranger, f->client, &other, &err), CC_EREFUSED);
    assert_int_equal(reach_save(&f->super, &theirs, &other, &err), CC_EREFUSED);
}

static void test_caregiver_and_representative_consent(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    caregiver g, kid, theirs;
    memset(&g, 0, sizeof g);
    g.client_id = f->client;
    snprintf(g.name, sizeof g.name, "Ana Okafor");
    snprintf(g.relationship, sizeof g.relationship, "child");
    snprintf(g.phone, sizeof g.phone, "555-201-0102");
    g.may_contact = 1;
    g.legal_rep = 1;
    assert_int_equal(caregiver_add(&f->coach, &g, &err), CC_OK);
    memset(&kid, 0, sizeof kid);
    kid.client_id = f->client;
    snprintf(kid.name, sizeof kid.name, "Sam Okafor");
    snprintf(kid.relationship, sizeof kid.relationship, "cousin"); /* not a choice */
    assert_int_equal(caregiver_add(&f->coach, &kid, &err), CC_EINPUT);
    snprintf(kid.relationship, sizeof kid.relationship, "relative");
    assert_int_equal(caregiver_add(&f->coach, &kid, &err), CC_OK);
    char who[200];
    reach_who_to_call(&f->coach, f->client, who, sizeof who);
    assert_string_equal(who, "child Ana Okafor (legal rep) 555-201-0102");
    /* a stale edit is a conflict */
    caregiver stale = g;
    g.may_contact = 0;
    assert_int_equal(caregiver_update(&f->coach, &g, &theirs, &err), CC_OK);
    assert_int_equal(caregiver_update(&f->nurse, &stale, &theirs, &err), CC_ECONFLICT);
    assert_int_equal(theirs.may_contact, 0);
    /* a release signed by the representative; not by a relative who is not one */
    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = f->client;
    snprintf(k.kind, sizeof k.kind, "release");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.signed_date, sizeof k.signed_date, "2026-11-20");
    k.recipients[k.nrecipients++] =
        cf_int(f->s, "SELECT id FROM organization WHERE facility_code = 'PCP-FV'");
    k.recipients[k.nrecipients++] =
        cf_int(f->s, "SELECT id FROM organization WHERE facility_code = 'SPC'");
    k.signed_by_rep = kid.id;
    assert_int_equal(consent_record(&f->coach, &k, &err), CC_EINPUT);
    assert_non_null(strstr(err.msg, "legal representative"));
    k.signed_by_rep = g.id;
    assert_int_equal(consent_record(&f->coach, &k, &err), CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT signed_by_rep FROM consent WHERE id = %lld",
                            (long long)k.id),
                     g.id);
    /* revoked for one recipient: the release ends; the same, signed as it was,
     * names the other; a second revocation for it is refused */
    int64_t left = 0,
            spc =
                cf_int(f->s, "SELECT id FROM organization WHERE facility_code = 'SPC'");
    assert_int_equal(
        consent_revoke_recipient(&f->coach, k.id, spc, "2026-11-20", "", &left, &err),
        CC_EINPUT); /* a reason */
    assert_int_equal(consent_revoke_recipient(&f->coach, k.id, spc, "2026-11-20",
                                              "no longer seen there", &left, &err),
                     CC_OK);
    assert_true(left > k.id);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM consent WHERE id = %lld AND "
                            "revoked_date = '2026-11-20'",
                            (long long)k.id),
                     1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM consent_recipient r JOIN organization o "
               "ON o.id = r.organization_id WHERE r.consent_id = %lld AND "
               "o.facility_code = 'PCP-FV'",
               (long long)left),
        1);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM consent_recipient WHERE consent_id = %lld",
               (long long)left),
        1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM consent a, consent b WHERE a.id = %lld "
               "AND b.id = %lld AND a.signed_date = b.signed_date AND "
               "a.signed_by_rep = b.signed_by_rep AND b.revoked_date IS NULL",
               (long long)k.id, (long long)left),
        1); /* signed as it was, by the representative */
    assert_int_equal(consent_revoke_recipient(&f->coach, left, spc, "2026-11-20",
                                              "again", &left, &err),
                     CC_EINPUT); /* the new one does not name SPC */
    /* retired, kept: the consent still names them */
    g.active = 0;
    assert_int_equal(caregiver_update(&f->coach, &g, &theirs, &err), CC_OK);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM caregiver WHERE id = %lld AND active = 0",
               (long long)g.id),
        1);
}

/* ---- contacts that close the loop --------------------------------------- */

static contact a_call(fixture *f, const char *at, const char *outcome)
{
    contact c;
    memset(&c, 0, sizeof c);
    c.client_id = f->client;
    c.fulfil = 1;
    snprintf(c.kind, sizeof c.kind, "call");
    snprintf(c.at, sizeof c.at, "%s", at);
    snprintf(c.outcome, sizeof c.outcome, "%s", outcome);
    return c;
}

static void test_contact_limits_and_outcomes(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    contact c = a_call(f, "2026-11-21T10:00:00Z", "");
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_EINPUT); /* tomorrow */
    assert_non_null(strstr(err.msg, "future"));
    c = a_call(f, "2026-10-01T10:00:00Z", "");
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_EINPUT); /* 50 days back */
    c = a_call(f, "2026-11-20T10:00:00Z", "busy");
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_EINPUT);
    long long before = cf_int(f->s, "SELECT count(*) FROM contact");
    /* the weekly call is due on the 25th: a call on the 23rd would do it, but a
     * call that did not reach the client does not */
    cc_ctx later = f->coach;
    later.clock = NOW_T + 3 * 86400;
    c = a_call(f, "2026-11-23T10:00:00Z", "no-answer");
    assert_int_equal(contact_log(&later, &c, &err), CC_OK);
    assert_int_equal(c.fulfilled, 0);
    c = a_call(f, "2026-11-23T11:00:00Z", "reached");
    assert_int_equal(contact_log(&later, &c, &err), CC_OK);
    assert_true(c.fulfilled > 0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE id = %lld AND origin_ref "
                            "LIKE '%%weekly-call' AND completed_at IS NOT NULL",
                            (long long)c.fulfilled),
                     1);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM contact"), before + 2);
    /* a named task: a manual one, completed by the contact that says so */
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = f->client;
    snprintf(t.title, sizeof t.title, "Call about the pharmacy");
    snprintf(t.due_date, sizeof t.due_date, "2026-11-22");
    assert_int_equal(task_add(&f->coach, &t, &err), CC_OK);
    c = a_call(f, "2026-11-20T11:00:00Z", "left-message");
    c.task_id = t.id;
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_EINPUT); /* not reached */
    c = a_call(f, "2026-11-20T11:00:00Z", "reached");
    c.task_id = t.id;
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_OK);
    assert_int_equal(c.fulfilled, t.id);
    assert_int_equal(contact_log(&f->coach, &c, &err), CC_EINPUT); /* done already */
}

/* ---- appointments -------------------------------------------------------- */

static appointment booking(int64_t client_id, const char *kind, const char *with,
                           const char *specialty, const char *when)
{
    appointment a;
    memset(&a, 0, sizeof a);
    a.client_id = client_id;
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.with_org, sizeof a.with_org, "%s", with);
    snprintf(a.specialty, sizeof a.specialty, "%s", specialty);
    snprintf(a.when, sizeof a.when, "%s", when);
    return a;
}

static void test_specialty_flow(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    appointment a =
        booking(f->pasc_client, "specialist", "SPC", "", "2026-11-30 10:30");
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_EINPUT); /* specialty */
    a = booking(f->pasc_client, "specialist", "", "cardiology", "2026-11-30 10:30");
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_EINPUT); /* with whom */
    a = booking(f->pasc_client, "specialist", "SPC", "cardiology", "2026-11-19 10:30");
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_EINPUT); /* the past */
    a = booking(f->pasc_client, "specialist", "SPC", "cardiology", "2026-11-30 10:30");
    assert_int_equal(appointment_book(&f->super, &a, &err), CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM appointment"), 0);
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_OK);
    /* booking did "book specialty appointment"; the reminder is due the 29th */
    assert_int_equal(
        cf_int(f->s,
               "SELECT origin_ref LIKE '%%book-specialty' FROM task WHERE id "
               "= %lld AND completed_at IS NOT NULL",
               (long long)a.task_done),
        1);
    assert_true(a.task_new > 0);
    assert_int_equal(
        cf_int(f->s, "SELECT due_at LIKE '2026-11-29T%%' FROM task WHERE id = %lld",
               (long long)a.task_new),
        1);
    /* not kept before its time */
    appointment out;
    assert_int_equal(
        appointment_mark(&f->coach, a.id, a.version, "kept", "", &out, &err),
        CC_EINPUT);
    /* on the day: kept, and "specialty appointment within 30 days" is done */
    cc_ctx on_day = f->coach;
    on_day.clock = NOW_T + 10 * 86400 + 3 * 3600;
    assert_int_equal(appointment_mark(&on_day, a.id, a.version, "kept", "", &out, &err),
                     CC_OK);
    assert_string_equal(out.status, "kept");
    assert_int_equal(
        cf_int(f->s,
               "SELECT origin_ref LIKE '%%specialty-appt' FROM task WHERE id "
               "= %lld AND completed_at IS NOT NULL",
               (long long)out.task_done),
        1);
    assert_int_equal(
        appointment_mark(&on_day, a.id, out.version, "no-show", "", &out, &err),
        CC_EINPUT); /* kept once */
    assert_int_equal(
        appointment_mark(&on_day, a.id, a.version, "no-show", "", &out, &err),
        CC_ECONFLICT); /* a stale version */
}

static void test_no_show_and_reschedule(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    appointment a = booking(f->client, "pcp", "PCP-FV", "", "2026-11-24 09:00"), out,
                moved;
    assert_int_equal(appointment_book(&f->coach, &a, &err), CC_OK);
    int64_t reminder = a.task_new;
    assert_int_equal(appointment_reschedule(&f->coach, a.id, a.version,
                                            "2026-11-26 14:00", "", &moved, &err),
                     CC_EINPUT); /* say why */
    assert_int_equal(appointment_reschedule(&f->coach, a.id, a.version,
                                            "2026-11-26 14:00", "the clinic called",
                                            &moved, &err),
                     CC_OK);
    assert_int_equal(
        cf_int(f->s,
               "SELECT rescheduled_to FROM appointment WHERE id = %lld AND "
               "status = 'rescheduled'",
               (long long)a.id),
        moved.id);
    assert_int_equal(cf_int(f->s,
                            "SELECT cancelled_at IS NOT NULL FROM task WHERE id = %lld",
                            (long long)reminder),
                     1); /* the old reminder goes */
    assert_true(moved.task_new > 0 && moved.task_new != reminder);
    cc_ctx after = f->coach;
    after.clock = NOW_T + 6 * 86400 + 6 * 3600; /* the 26th, 18:00 */
    assert_int_equal(
        appointment_mark(&after, moved.id, moved.version, "no-show", "", &out, &err),
        CC_OK);
    assert_true(out.task_new > 0);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE id = %lld AND origin_ref = "
               "'appointment:%lld:no-show' AND owner_id = %lld AND "
               "completed_at IS NULL",
               (long long)out.task_new, (long long)moved.id,
               (long long)f->coach.staff_id),
        1);
    assert_int_equal(cf_int(f->s,
                            "SELECT cancelled_at IS NOT NULL FROM task WHERE id = %lld",
                            (long long)moved.task_new),
                     1);
    appointment c = booking(f->client, "pcp", "PCP-FV", "", "2026-11-27 09:00");
    assert_int_equal(appointment_book(&f->coach, &c, &err), CC_OK);
    assert_int_equal(
        appointment_mark(&f->coach, c.id, c.version, "cancelled", "", &out, &err),
        CC_EINPUT); /* a reason is needed */
    assert_int_equal(appointment_mark(&f->coach, c.id, c.version, "cancelled",
                                      "client in hospital", &out, &err),
                     CC_OK);
}

static void test_home_visit_kept_and_agenda(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    appointment v = booking(f->client, "home-visit", "", "", "2026-11-20 15:00"), out;
    v.staff_id = f->nurse.staff_id; /* on the nurse's agenda */
    assert_int_equal(appointment_book(&f->coach, &v, &err), CC_OK);
    assert_int_equal(v.task_new, 0); /* today: too late for a reminder */
    appointment p = booking(f->client, "pcp", "PCP-FV", "", "2026-11-20 13:00");
    assert_int_equal(appointment_book(&f->coach, &p, &err), CC_OK);
    cc_table t;
    assert_int_equal(agenda_list(&f->coach, "2026-11-20", 1, 0, &t, &err), CC_OK);
    int refcol = table_col(&t, "ref"), n_appt = 0;
    for (int r = 0; r < t.nrows; r++)
        n_appt += !strncmp(table_cell(&t, r, refcol), "appt:", 5);
    assert_int_equal(n_appt, 1);      /* the home visit is the nurse's */
    for (int r = 1; r < t.nrows; r++) /* in time order */
        assert_true(strcmp(table_cell(&t, r - 1, 0), table_cell(&t, r, 0)) <= 0);
    table_free(&t);
    assert_int_equal(agenda_list(&f->coach, "2026-11-20", 1, 1, &t, &err), CC_OK);
    n_appt = 0;
    for (int r = 0; r < t.nrows; r++)
        n_appt += !strncmp(table_cell(&t, r, refcol), "appt:", 5);
    assert_int_equal(n_appt, 2); /* the team's */
    table_free(&t);
    assert_int_equal(agenda_list(&f->stranger, "2026-11-20", 1, 1, &t, &err), CC_OK);
    assert_int_equal(t.nrows, 0);
    table_free(&t);
    assert_int_equal(agenda_list(&f->super, "2026-11-20", 1, 0, &t, &err), CC_EREFUSED);
    /* kept at 16:00: a contact, and the home visit within 72 hours is done */
    cc_ctx nurse = f->nurse;
    nurse.clock = NOW_T + 4 * 3600;
    assert_int_equal(appointment_mark(&nurse, v.id, v.version, "kept", "", &out, &err),
                     CC_OK);
    assert_true(out.contact_id > 0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM contact WHERE id = %lld AND kind = "
                            "'home-visit' AND at = '2026-11-20T15:00:00Z'",
                            (long long)out.contact_id),
                     1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT origin_ref LIKE '%%home-visit' FROM task WHERE id = "
               "%lld AND completed_at IS NOT NULL",
               (long long)out.task_done),
        1);
}

/* The measures on a hand-made set: one kept specialist appointment on the
 * 30th 10:30 for the episode that started on the 18th (12 days 10.5 hours),
 * one missed PCP appointment: a no-show rate of 1 of 2. */
static void test_measures_no_show_and_days_to_specialist(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    appointment s = booking(f->pasc_client, "specialist", "SPC", "cardiology",
                            "2026-11-30 10:30"),
                p = booking(f->pasc_client, "pcp", "PCP-FV", "", "2026-11-24 09:00"),
                out;
    assert_int_equal(appointment_book(&f->coach, &s, &err), CC_OK);
    assert_int_equal(appointment_book(&f->coach, &p, &err), CC_OK);
    cc_ctx later = f->coach;
    later.clock = NOW_T + 10 * 86400 + 2 * 3600;
    assert_int_equal(appointment_mark(&later, s.id, s.version, "kept", "", &out, &err),
                     CC_OK);
    assert_int_equal(
        appointment_mark(&later, p.id, p.version, "no-show", "", &out, &err), CC_OK);
    measures m;
    cc_ctx super = f->super;
    super.clock = later.clock;
    assert_int_equal(
        measures_compute(&super, "pasc", "2026-11-01", "2026-11-30", &m, &err), CC_OK);
    assert_int_equal(m.no_show.num, 1);
    assert_int_equal(m.no_show.den, 2);
    assert_int_equal(m.discharges_with_specialty, 1);
    assert_int_equal(m.discharges_without_specialty, 0);
    assert_true(m.days_to_specialty_avg > 12.437 && m.days_to_specialty_avg < 12.438);
    measures_free(&m);
    /* the care-transition program has neither */
    assert_int_equal(
        measures_compute(&super, "ct-ngh", "2026-11-01", "2026-11-30", &m, &err),
        CC_OK);
    assert_int_equal(m.no_show.den, 0);
    assert_int_equal(m.discharges_with_specialty + m.discharges_without_specialty, 0);
    measures_free(&m);
}

/* The SNF path: the move into an SNF pauses the episode into light touch
 * (never a facility that is not an SNF, never twice); home with a high
 * assessment from the SNF starts a new episode. */
static void test_snf_path(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t paused = 0, started = 0;
    long long ep =
        cf_int(f->s,
               "SELECT id FROM episode WHERE client_id = %lld AND closed_date "
               "IS NULL",
               (long long)f->client);
    assert_true(ep > 0);
    assert_int_equal(episode_snf_admit(&f->coach, f->client, f->ct, "PCP-FV",
                                       "2026-11-20", &paused, &err),
                     CC_EINPUT);
    assert_non_null(strstr(err.msg, "not an active skilled nursing facility"));
    assert_int_equal(cf_int(f->s, "SELECT setting = 'home' FROM client WHERE id = %lld",
                            (long long)f->client),
                     1);
    assert_int_equal(episode_snf_admit(&f->super, f->client, f->ct, "SNF-WC",
                                       "2026-11-20", &paused, &err),
                     CC_EREFUSED);
    assert_int_equal(episode_snf_admit(&f->coach, f->client, f->ct, "SNF-WC",
                                       "2026-11-20", &paused, &err),
                     CC_OK);
    assert_int_equal(paused, ep);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM episode WHERE id = %lld AND outcome = "
               "'snf' AND closed_date = '2026-11-20'",
               ep),
        1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM monitoring WHERE client_id = %lld AND "
               "ended_date IS NULL",
               (long long)f->client),
        1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM task WHERE episode_id = %lld AND "
                            "completed_at IS NULL AND cancelled_at IS NULL",
                            ep),
                     0); /* its protocol tasks are cancelled */
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM client c JOIN organization o ON o.id = "
               "c.setting_org_id WHERE c.id = %lld AND c.setting = 'snf' AND "
               "o.facility_code = 'SNF-WC'",
               (long long)f->client),
        1);
    assert_int_equal(episode_snf_admit(&f->coach, f->client, f->ct, "SNF-WC",
                                       "2026-11-20", &paused, &err),
                     CC_EINPUT); /* in an SNF already */
    assert_int_equal(episode_close(&f->coach, ep, 1, "2026-11-20", "snf", &err),
                     CC_EINPUT); /* only the SNF path pauses */
    /* re-assessed high in the SNF, then home: a new episode */
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
             "staff_id, setting, score, level) VALUES (%lld, %lld, (SELECT id FROM "
             "questionnaire WHERE code = 'hra'), '2026-11-20T11:00:00Z', %lld, 'snf', "
             "20, 'high')",
             (long long)f->client, (long long)f->ct, (long long)f->coach.staff_id);
    tu_exec(f->s, sql);
    assert_int_equal(episode_snf_discharge(&f->coach, f->client, f->ct, "2026-11-20",
                                           &started, &err),
                     CC_OK);
    assert_true(started > 0 && started != ep);
    assert_int_equal(cf_int(f->s, "SELECT setting = 'home' FROM client WHERE id = %lld",
                            (long long)f->client),
                     1);
    /* the paused episode is not an ended one in the measures */
    measures m;
    assert_int_equal(
        measures_compute(&f->super, "ct-ngh", "2026-11-01", "2026-11-30", &m, &err),
        CC_OK);
    assert_int_equal(m.episodes_closed, 0);
    measures_free(&m);
}

/* The nurse's lists: the clients of everyone on her teams, her own open
 * tasks (one assigned to her by the coach). */
static void test_team_lists(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    worklist_row *rows;
    int n;
    assert_int_equal(worklist_team_caseload(&f->nurse, &rows, &n, &err), CC_OK);
    assert_int_equal(n, 2); /* the coach's two clients, on both teams */
    free(rows);
    assert_int_equal(worklist_team_caseload(&f->stranger, &rows, &n, &err), CC_OK);
    assert_int_equal(n, 0); /* on no team */
    free(rows);
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = f->client;
    t.owner_id = f->nurse.staff_id;
    snprintf(t.title, sizeof t.title, "Medication review");
    snprintf(t.due_date, sizeof t.due_date, "2026-11-24");
    assert_int_equal(task_add(&f->coach, &t, &err), CC_OK);
    cc_table tt;
    assert_int_equal(worklist_my_tasks(&f->nurse, &tt, &err), CC_OK);
    assert_int_equal(tt.nrows, 1);
    assert_string_equal(table_cell(&tt, 0, table_col(&tt, "title")),
                        "Medication review");
    table_free(&tt);
    assert_int_equal(worklist_my_tasks(&f->sys, &tt, &err), CC_OK);
    table_free(&tt);
}

/* A hand-off's summary as a person reads it: fields, lists, nested
 * objects; what is not JSON is refused. */
static void test_summary_text(void **state)
{
    (void)state;
    char *text = NULL;
    assert_int_equal(
        handoff_summary_text("{\"name\":\"Lee\",\"tier\":null,"
                             "\"risk\":[{\"level\":\"high\",\"score\":15}],"
                             "\"episode\":{\"day\":17,\"open\":true}}",
                             &text),
        0);
    assert_string_equal(text, "name: Lee\ntier: -\nrisk (1):\n  - level: high; score: "
                              "15\nepisode:\n  day: 17\n  open: yes\n");
    free(text);
    assert_int_equal(handoff_summary_text("not json", &text), -1);
    assert_null(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reach_versions_and_conflict, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_caregiver_and_representative_consent,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_limits_and_outcomes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_specialty_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_show_and_reschedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_visit_kept_and_agenda, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_measures_no_show_and_days_to_specialist,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_snf_path, setup, teardown),
        cmocka_unit_test(test_summary_text),
        cmocka_unit_test_setup_teardown(test_team_lists, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
