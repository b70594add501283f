/*
 * test_notice.c — encounter notifications applied through the core: a
 * known patient by identifier and facility only (name and birth date give
 * candidates for review, never a match), one import per facility and
 * control id, test messages logged only, a discharge that starts a
 * care-transition episode with its 72-hour home visit for the owner, the
 * 30-day readmission and its alerts (and the transfer between hospitals
 * that is not one), A11/A13 undoing exactly their event, A08 updating the
 * visit, A40 moving an identifier, a refused notice leaving nothing while
 * the rest of the batch goes on, and the review queue's link and dismiss.
 * The clock is fixed on 2026-11-20 12:00Z; synthetic people only.
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
#include "core/client.h"
#include "core/consent.h"
#include "core/ctx.h"
#include "core/episode.h"
#include "core/notice.h"
#include "core/program.h"
#include "core/task.h"
#include "core/staff.h"
#include "testutil.h"

#define NOW "2026-11-20T12:00:00Z"

typedef struct fixture {
    char *dir;
    store *s;
    cc_ctx sys, sched;
    int64_t coach, nurse, ct_ngh, client;
} fixture;

static int64_t new_client(fixture *f, const char *family, const char *dob,
                          const char *mrn)
{
    cc_err err = {0};
    client c = cf_client(family, "Pat", dob);
    assert_int_equal(client_create(&f->sys, &c, 0, NULL, &err), CC_OK);
    if (mrn)
        assert_int_equal(client_add_identifier(&f->sys, c.id, "NGH", mrn, &err), CC_OK);
    return c.id;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cc_err err = {0};
    setenv("CARECOORD_NOW", NOW, 1);
    f->s = cf_store(&f->dir, "notice.db", &f->sys, NULL);
    f->coach = cf_staff(f->s, "coach1", "coach", NULL);
    f->nurse = cf_staff(f->s, "nurse1", "nurse", NULL);
    int64_t sched = cf_staff(f->s, "sched1", "scheduler", NULL);
    f->ct_ngh = cf_program(&f->sys, "ct-ngh");
    cf_exec(f->s,
            "INSERT INTO team (id, name, program_id) VALUES (1, 'NGH team', %lld); "
            "INSERT INTO team_member VALUES (1, %lld), (1, %lld), (1, %lld)",
            (long long)f->ct_ngh, (long long)f->coach, (long long)f->nurse,
            (long long)sched);
    f->client = new_client(f, "Okafor", "1944-03-12", "MRN1");
    cf_consent(&f->sys, f->client, "2026-11-01");
    assert_int_equal(client_assign(&f->sys, f->client, f->coach, f->ct_ngh, &err),
                     CC_OK);
    f->sched = cf_ctx(f->s, sched, "scheduler");
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

/* A notice of event for MRN at NGH, control id ctl, at the time given. */
static encounter_notice notice(const char *event, const char *mrn, const char *ctl,
                               const char *at)
{
    encounter_notice n;
    memset(&n, 0, sizeof n);
    snprintf(n.event, sizeof n.event, "%s", event);
    snprintf(n.sending_facility, sizeof n.sending_facility, "NGH");
    snprintf(n.control_id, sizeof n.control_id, "%s", ctl);
    snprintf(n.processing, sizeof n.processing, "P");
    snprintf(n.sent_at, sizeof n.sent_at, "%s", at);
    snprintf(n.recorded_at, sizeof n.recorded_at, "%s", at);
    snprintf(n.id[0].value, sizeof n.id[0].value, "%s", mrn);
    snprintf(n.id[0].facility, sizeof n.id[0].facility, "NGH");
    n.nid = 1;
    snprintf(n.family, sizeof n.family, "Okafor");
    snprintf(n.given, sizeof n.given, "Pat");
    snprintf(n.dob, sizeof n.dob, "1944-03-12");
    snprintf(n.patient_class, sizeof n.patient_class, "I");
    snprintf(n.visit_number, sizeof n.visit_number, "V1");
    if (!strcmp(event, "A03"))
        snprintf(n.discharge_at, sizeof n.discharge_at, "%s", at);
    else
        snprintf(n.admit_at, sizeof n.admit_at, "%s", at);
    return n;
}

static notice_result import1(fixture *f, const encounter_notice *n, cc_err *one)
{
    notice_result r;
    cc_err err = {0};
    assert_int_equal(notice_import(&f->sched, n, 1, &r, one, &err), CC_OK);
    if (one->code)
        print_message("# notice %s %s: %s\n", n->event, n->control_id, one->msg);
    return r;
}

/* A discharge of a known patient: the encounter, the care-transition episode
 * with the home visit due 72 hours later for the owner; the same message
 * again is a duplicate that changes nothing. */
static void test_discharge_starts_the_episode_once(void **state)
{
    fixture *f = *state;
    cc_err one = {0};
    encounter_notice n = notice("A03", "MRN1", "C1", "2026-11-19T15:00:00Z");
    notice_result r = import1(f, &n, &one);
    assert_int_equal(one.code, CC_OK);
    assert_int_equal(r.outcome, NOTICE_APPLIED);
    assert_int_equal(r.client_id, f->client);
    assert_true(r.tasks > 0);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM encounter WHERE kind = 'discharge' AND "
               "client_id = %lld AND source = 'adt'",
               (long long)f->client),
        1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM episode WHERE client_id = %lld AND "
                            "closed_date IS NULL",
                            (long long)f->client),
                     1);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE client_id = %lld AND owner_id "
               "= %lld AND due_at = '2026-11-22T15:00:00Z'",
               (long long)f->client, (long long)f->coach),
        1); /* the home visit within 72 hours */
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'encounter.import' "
               "AND staff_id = %lld",
               (long long)f->sched.staff_id),
        1);
    /* the scheduler's inbox: the discharge, and the home visit to book */
    cc_table inbox;
    cc_err ierr = {0};
    assert_int_equal(worklist_inbox(&f->sched, f->sched.staff_id, &inbox, &ierr),
                     CC_OK);
    int discharges = 0, visits = 0;
    for (int i = 0; i < inbox.nrows; i++) {
        discharges += !strcmp(table_cell(&inbox, i, 0), "discharge");
        visits += !strcmp(table_cell(&inbox, i, 0), "visit due");
    }
    table_free(&inbox);
    assert_int_equal(discharges, 1);
    assert_int_equal(visits, 1);
    long long tasks = cf_int(f->s, "SELECT count(*) FROM task");
    r = import1(f, &n, &one);
    assert_int_equal(r.outcome, NOTICE_DUPLICATE);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM encounter"), 1);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM task"), tasks);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM task"), tasks);
    /* without consent the discharge is recorded and no episode starts */
    int64_t bare = new_client(f, "Brandt", "1950-05-05", "MRN5");
    cc_err err = {0};
    assert_int_equal(client_assign(&f->sys, bare, f->coach, f->ct_ngh, &err), CC_OK);
    encounter_notice b = notice("A03", "MRN5", "C9", "2026-11-19T16:00:00Z");
    r = import1(f, &b, &one);
    assert_int_equal(one.code, CC_OK);
    assert_non_null(strstr(r.what, "no episode started"));
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM encounter WHERE client_id = %lld",
                            (long long)bare),
                     1);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM episode WHERE client_id = %lld",
                            (long long)bare),
                     0);
    /* a test message is acknowledged and logged, never applied */
    encounter_notice t = notice("A01", "MRN1", "T1", "2026-11-20T09:00:00Z");
    snprintf(t.processing, sizeof t.processing, "T");
    r = import1(f, &t, &one);
    assert_int_equal(r.outcome, NOTICE_LOGGED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM encounter"), 2);
}

/* Name and birth date alone never match: review, with the candidate. An
 * unknown patient: review. Link applies it; dismiss needs a reason. */
static void test_review_queue(void **state)
{
    fixture *f = *state;
    cc_err one = {0}, err = {0};
    cc_table t;
    encounter_notice n = notice("A01", "NEW9", "C2", "2026-11-20T08:00:00Z");
    notice_result r = import1(f, &n, &one);
    assert_int_equal(r.outcome, NOTICE_REVIEW);
    assert_non_null(strstr(r.what, "same name and birth date"));
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM encounter"), 0);
    encounter_notice u = notice("A01", "NOBODY", "C3", "2026-11-20T08:00:00Z");
    snprintf(u.family, sizeof u.family, "Unknown");
    r = import1(f, &u, &one);
    assert_int_equal(r.outcome, NOTICE_REVIEW);
    assert_int_equal(notice_review_list(&f->sched, &t, &err), CC_OK);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(table_cell(&t, 0, table_col(&t, "identifiers")), "NGH:NEW9");
    int64_t first = atoll(table_cell(&t, 0, 0)), second = atoll(table_cell(&t, 1, 0));
    table_free(&t);

    notice_result lr;
    assert_int_equal(notice_link(&f->sched, first, f->client, &lr, &err), CC_OK);
    assert_int_equal(lr.client_id, f->client);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM encounter WHERE client_id = %lld",
                            (long long)f->client),
                     1);
    assert_int_equal(client_by_identifier(&f->sys, "NGH", "NEW9"), f->client);
    assert_int_equal(notice_link(&f->sched, first, f->client, &lr, &err), CC_EINPUT);
    assert_int_equal(notice_dismiss(&f->sched, second, "", &err), CC_EINPUT);
    assert_int_equal(notice_dismiss(&f->sched, second, "not one of ours", &err), CC_OK);
    assert_int_equal(notice_review_list(&f->sched, &t, &err), CC_OK);
    assert_int_equal(t.nrows, 0);
    table_free(&t);
    /* an administrator reviews nothing */
    cc_ctx admin = cf_ctx(f->s, f->sys.staff_id, "admin");
    assert_int_equal(notice_review_list(&admin, &t, &err), CC_EREFUSED);
}

/* An inpatient admission 10 days after a discharge is a readmission: the
 * flag and alerts to the owner and the team's nurse. One at another
 * hospital the next day is a transfer (one stay). A11 undoes the flag. */
static void test_readmission_and_transfer(void **state)
{
    fixture *f = *state;
    cc_err one = {0};
    encounter_notice d = notice("A03", "MRN1", "D1", "2026-11-05T15:00:00Z");
    import1(f, &d, &one);
    encounter_notice a = notice("A01", "MRN1", "A1", "2026-11-15T10:00:00Z");
    snprintf(a.visit_number, sizeof a.visit_number, "V2");
    notice_result r = import1(f, &a, &one);
    assert_int_equal(r.readmission, 1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'readmission' AND "
                            "for_staff_id = %lld",
                            (long long)f->coach),
                     1);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'readmission' AND "
                            "for_staff_id = %lld",
                            (long long)f->nurse),
                     1);
    worklist_band band;
    cc_err berr = {0};
    assert_int_equal(worklist_band_of(&f->sys, f->client, &band, &berr), CC_OK);
    assert_string_equal(band.readmitted, "2026-11-15"); /* the record's band says so */
    /* A11 cancels that admission: flag gone with it, alerts resolved */
    encounter_notice c = notice("A11", "MRN1", "X1", "2026-11-15T11:00:00Z");
    snprintf(c.visit_number, sizeof c.visit_number, "V2");
    r = import1(f, &c, &one);
    assert_int_equal(one.code, CC_OK);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM encounter WHERE kind = 'admit' AND "
                            "cancelled_at IS NULL"),
                     0);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'readmission' AND "
                            "resolved_at IS NULL"),
                     0);
    assert_int_equal(worklist_band_of(&f->sys, f->client, &band, &berr), CC_OK);
    assert_string_equal(band.readmitted, "");
    /* a cancel with nothing to cancel is refused, nothing kept of it */
    snprintf(c.control_id, sizeof c.control_id, "X9");
    r = import1(f, &c, &one);
    assert_int_equal(one.code, CC_EINPUT);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM adt_message WHERE control_id = 'X9'"), 0);
    /* the same message again is a duplicate, not a second cancel */
    snprintf(c.control_id, sizeof c.control_id, "X1");
    r = import1(f, &c, &one);
    assert_int_equal(one.code, CC_OK);
    assert_int_equal(r.outcome, NOTICE_DUPLICATE);

    /* the next day at another hospital: a transfer, not a readmission */
    encounter_notice t = notice("A01", "MRN1", "L1", "2026-11-06T09:00:00Z");
    snprintf(t.sending_facility, sizeof t.sending_facility, "LMC");
    snprintf(t.id[0].facility, sizeof t.id[0].facility, "NGH");
    r = import1(f, &t, &one);
    assert_int_equal(one.code, CC_OK);
    assert_int_equal(r.outcome, NOTICE_APPLIED);
    assert_int_equal(r.readmission, 0);
}

/* A13 cancels the discharge and the tasks it added; A08 updates the visit;
 * A40 moves the retired identifier to the surviving one. */
static void test_cancel_update_merge(void **state)
{
    fixture *f = *state;
    cc_err one = {0};
    cc_err err = {0};
    int64_t ep;
    assert_int_equal(
        episode_start(&f->sys, f->client, f->ct_ngh, "2026-11-01", NULL, &ep, &err),
        CC_OK);
    encounter_notice d = notice("A03", "MRN1", "D2", "2026-11-19T15:00:00Z");
    notice_result r = import1(f, &d, &one);
    assert_true(r.tasks > 0); /* the open episode gets the discharge's tasks */
    long long open =
        cf_int(f->s, "SELECT count(*) FROM task WHERE origin_ref LIKE 'encounter:%%' "
                     "AND cancelled_at IS NULL");
    assert_int_equal(open, r.tasks);
    encounter_notice u = notice("A08", "MRN1", "U1", "2026-11-19T16:00:00Z");
    snprintf(u.location, sizeof u.location, "5E 510");
    import1(f, &u, &one);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM encounter WHERE location = '5E 510'"), 1);
    encounter_notice c = notice("A13", "MRN1", "X2", "2026-11-19T17:00:00Z");
    import1(f, &c, &one);
    assert_int_equal(one.code, CC_OK);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM task WHERE origin_ref LIKE 'encounter:%%' "
                     "AND cancelled_at IS NULL"),
        0);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM encounter WHERE kind = 'discharge' AND "
                     "cancelled_at IS NOT NULL"),
        1);

    encounter_notice m = notice("A40", "MRN7", "M1", "2026-11-20T09:00:00Z");
    snprintf(m.prior[0].value, sizeof m.prior[0].value, "MRN1");
    snprintf(m.prior[0].facility, sizeof m.prior[0].facility, "NGH");
    m.nprior = 1;
    r = import1(f, &m, &one);
    assert_int_equal(r.outcome, NOTICE_APPLIED);
    assert_int_equal(client_by_identifier(&f->sys, "NGH", "MRN7"), f->client);
    assert_int_equal(client_by_identifier(&f->sys, "NGH", "MRN1"), 0);
    /* two clients named by the merge: review, nothing moved */
    int64_t other = new_client(f, "Lind", "1950-01-01", "MRN8");
    encounter_notice m2 = notice("A40", "MRN8", "M2", "2026-11-20T09:30:00Z");
    snprintf(m2.prior[0].value, sizeof m2.prior[0].value, "MRN7");
    snprintf(m2.prior[0].facility, sizeof m2.prior[0].facility, "NGH");
    m2.nprior = 1;
    r = import1(f, &m2, &one);
    assert_int_equal(r.outcome, NOTICE_REVIEW);
    assert_int_equal(client_by_identifier(&f->sys, "NGH", "MRN8"), other);
    assert_int_equal(client_by_identifier(&f->sys, "NGH", "MRN7"), f->client);
}

/* A batch: the refused notice (an unknown facility) leaves nothing, the
 * others are applied; a coach's import is allowed, an administrator's is
 * not. */
static void test_batch_savepoints_and_permission(void **state)
{
    fixture *f = *state;
    encounter_notice ns[3] = {notice("A01", "MRN1", "B1", "2026-11-18T08:00:00Z"),
                              notice("A01", "MRN1", "B2", "2026-11-18T09:00:00Z"),
                              notice("A08", "MRN1", "B3", "2026-11-18T10:00:00Z")};
    snprintf(ns[1].sending_facility, sizeof ns[1].sending_facility, "NOWHERE");
    notice_result rs[3];
    cc_err errs[3], err = {0};
    assert_int_equal(notice_import(&f->sched, ns, 3, rs, errs, &err), CC_OK);
    assert_int_equal(errs[0].code, CC_OK);
    assert_int_equal(errs[1].code, CC_EINPUT);
    assert_non_null(strstr(errs[1].msg, "not in the directory"));
    assert_int_equal(errs[2].code, CC_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM adt_message"), 2);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM encounter"), 1);
    cc_ctx admin = cf_ctx(f->s, f->sys.staff_id, "admin");
    encounter_notice x = notice("A01", "MRN1", "B4", "2026-11-18T11:00:00Z");
    assert_int_equal(notice_import(&admin, &x, 1, rs, errs, &err), CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM adt_message"), 2);
}

/* A discharge by phone and a readmission by fax: the same effects as an
 * import, the encounters marked manual; outside the person's scope, refused. */
static void test_entered_by_a_person(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    notice_result r;
    cc_ctx coach = {.st = f->s, .staff_id = f->coach};
    snprintf(coach.role, sizeof coach.role, "coach");
    assert_int_equal(notice_enter(&coach, f->client, "discharge", "NGH",
                                  "2026-11-05T15:00:00Z", "", &r, &err),
                     CC_OK);
    assert_true(r.tasks > 0);
    assert_int_equal(notice_enter(&coach, f->client, "admit", "NGH",
                                  "2026-11-15T10:00:00Z", "V7", &r, &err),
                     CC_OK);
    assert_int_equal(r.readmission, 1);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM encounter WHERE source = 'manual'"), 2);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM adt_message"), 0);
    assert_int_equal(notice_enter(&coach, f->client, "surgery", "NGH",
                                  "2026-11-15T10:00:00Z", "", &r, &err),
                     CC_EINPUT);
    assert_int_equal(notice_enter(&coach, f->client, "ed", "NOWHERE",
                                  "2026-11-15T10:00:00Z", "", &r, &err),
                     CC_EINPUT);
    int64_t stranger = cf_staff(f->s, "coach9", "coach", NULL);
    cc_ctx other = {.st = f->s, .staff_id = stranger};
    snprintf(other.role, sizeof other.role, "coach");
    assert_int_equal(notice_enter(&other, f->client, "ed", "NGH",
                                  "2026-11-16T10:00:00Z", "", &r, &err),
                     CC_EREFUSED);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM encounter"), 2);
}

/* Contacts close the loop: a home visit completes the discharge's "home
 * visit within 72 hours", a call the weekly call due by three days later;
 * a call too early completes nothing. */
static void test_contact_fulfils_the_protocol_task(void **state)
{
    fixture *f = *state;
    cc_err one = {0}, err = {0};
    encounter_notice d = notice("A03", "MRN1", "F1", "2026-11-19T15:00:00Z");
    import1(f, &d, &one);
    cc_ctx coach = {.st = f->s, .staff_id = f->coach};
    snprintf(coach.role, sizeof coach.role, "coach");
    contact c;
    memset(&c, 0, sizeof c);
    c.client_id = f->client;
    c.fulfil = 1;
    snprintf(c.kind, sizeof c.kind, "call");
    snprintf(c.at, sizeof c.at, "2026-11-20T10:00:00Z");
    assert_int_equal(contact_log(&coach, &c, &err), CC_OK);
    assert_int_equal(c.fulfilled, 0); /* the first weekly call is due on the 26th */
    memset(&c, 0, sizeof c);
    c.client_id = f->client;
    c.fulfil = 1;
    snprintf(c.kind, sizeof c.kind, "home-visit");
    snprintf(c.at, sizeof c.at, "2026-11-20T11:00:00Z");
    assert_int_equal(contact_log(&coach, &c, &err), CC_OK);
    assert_true(c.fulfilled > 0);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM task WHERE id = %lld AND completed_at IS "
               "NOT NULL AND origin_ref LIKE '%%home-visit'",
               (long long)c.fulfilled),
        1);
    memset(&c, 0, sizeof c);
    c.client_id = f->client;
    c.fulfil = 1;
    snprintf(c.kind, sizeof c.kind, "call");
    snprintf(c.at, sizeof c.at, "2026-11-25T10:00:00Z");
    coach.clock = 1795608000; /* 2026-11-25T12:00:00Z: a contact is never ahead */
    assert_int_equal(contact_log(&coach, &c, &err), CC_OK);
    assert_true(c.fulfilled > 0);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM task WHERE completed_at IS NOT NULL AND "
                     "origin_ref LIKE '%%weekly-call'"),
        1); /* the first of them only; the next stays due */
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM audit WHERE action = 'task.complete' AND "
                     "details LIKE 'by contact %%'"),
        2);
}

/* A task may go to a colleague of the team (the nurse), and shows in their
 * inbox when due; never to someone outside the teams. */
static void test_task_for_a_colleague(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cc_ctx coach = {.st = f->s, .staff_id = f->coach};
    snprintf(coach.role, sizeof coach.role, "coach");
    task t;
    memset(&t, 0, sizeof t);
    t.client_id = f->client;
    t.owner_id = f->nurse;
    snprintf(t.title, sizeof t.title, "Medication review");
    snprintf(t.due_at, sizeof t.due_at, "2026-11-19T12:00:00Z");
    assert_int_equal(task_add(&coach, &t, &err), CC_OK);
    cc_ctx nurse = {.st = f->s, .staff_id = f->nurse};
    snprintf(nurse.role, sizeof nurse.role, "nurse");
    cc_table inbox;
    assert_int_equal(worklist_inbox(&nurse, f->nurse, &inbox, &err), CC_OK);
    int found = 0;
    for (int i = 0; i < inbox.nrows; i++)
        found |= !strcmp(table_cell(&inbox, i, 3), "Medication review");
    table_free(&inbox);
    assert_true(found);
    cc_table mates;
    assert_int_equal(worklist_colleagues(&coach, &mates, &err), CC_OK);
    assert_int_equal(mates.nrows, 2); /* nurse1 and sched1 */
    table_free(&mates);
    int64_t stranger = cf_staff(f->s, "coach9", "coach", NULL);
    memset(&t, 0, sizeof t);
    t.client_id = f->client;
    t.owner_id = stranger;
    snprintf(t.title, sizeof t.title, "Not theirs");
    snprintf(t.due_at, sizeof t.due_at, "2026-11-21T12:00:00Z");
    assert_int_equal(task_add(&coach, &t, &err), CC_EINPUT);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM task WHERE title = 'Not theirs'"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_discharge_starts_the_episode_once), T(test_review_queue),
        T(test_readmission_and_transfer),          T(test_cancel_update_merge),
        T(test_batch_savepoints_and_permission),   T(test_entered_by_a_person),
        T(test_contact_fulfils_the_protocol_task), T(test_task_for_a_colleague),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
