/*
 * form_appointment.c — booking an appointment from a record or the agenda:
 * the kind (a PCP or specialist appointment with an organization of the
 * directory, a home visit, an accompanied or SNF visit, a phone call), the
 * specialty, when (the site's local time), transport and interpreter, and
 * whose agenda it is on. The core sets the reminder for the day before and
 * says which protocol task the booking completed.
 */
#include <stdio.h>
#include <string.h>

#include "core/appointment.h"
#include "core/staff.h"
#include "form_common.h"

typedef struct appt_form {
    form fm;
    char msg[160];
} appt_form;

static int save_appointment(app *a, form *fm, cc_err *err)
{
    appt_form *af = (appt_form *)fm;
    appointment ap;
    memset(&ap, 0, sizeof ap);
    ap.client_id = fm->client_id;
    snprintf(ap.kind, sizeof ap.kind, "%.19s", fm->f[0].value);
    if (!form_is(fm, 1, "-") &&
        form_take(ap.with_org, sizeof ap.with_org, fm->f[1].value, "with", err))
        return err->code;
    if (form_take(ap.specialty, sizeof ap.specialty, fm->f[2].value, "specialty",
                  err) ||
        form_take(ap.when, sizeof ap.when, fm->f[3].value, "when (YYYY-MM-DD HH:MM)",
                  err))
        return err->code;
    ap.transport = form_is(fm, 4, "transport") || form_is(fm, 4, "both");
    ap.interpreter = form_is(fm, 4, "interpreter") || form_is(fm, 4, "both");
    if (!form_is(fm, 5, "me")) {
        staff s;
        if (staff_find(a->st, fm->f[5].value, &s, err) != CC_OK)
            return err->code;
        ap.staff_id = s.id;
    }
    if (appointment_book(&a->ctx, &ap, err) != CC_OK)
        return err->code;
    snprintf(af->msg, sizeof af->msg, "booked %.16s%s%s", ap.when,
             ap.task_new ? "; reminder the day before" : "",
             ap.task_done ? "; the protocol task is done" : "");
    return CC_OK;
}

/* The organizations of the choice and whose agenda, in one buffer. */
view *form_appointment_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    appt_form *af = (appt_form *)form_alloc(sizeof *af, "appointment", a);
    if (!af)
        return NULL;
    form *fm = &af->fm;
    size_t half = sizeof fm->choice_buf / 2;
    fm->title = " Book an appointment (a reminder call is set for the day before)";
    fm->client_id = client_id;
    fm->n = 6;
    form_org_choices(a, "practice,clinic,hospital", "-", fm->choice_buf, half);
    form_team_mates(a, fm->choice_buf + half, half);
    fm->f[0] = (form_field){"Kind", APPOINTMENT_KINDS, "specialist"};
    fm->f[1] = (form_field){"With", fm->choice_buf, "-"};
    fm->f[2] = (form_field){"Specialty", NULL, ""};
    fm->f[3] = (form_field){"When (local)", NULL, ""};
    fm->f[4] = (form_field){"Needs", "none,transport,interpreter,both", "none"};
    fm->f[5] = (form_field){"Agenda of", fm->choice_buf + half, "me"};
    form_local_now(a, 7, fm->f[3].value);
    snprintf(fm->preview, sizeof fm->preview,
             "PCP and specialist appointments are with an organization; visits and "
             "calls are yours or a colleague's.");
    fm->save = save_appointment;
    fm->saved_msg = af->msg;
    return form_view_new(fm);
}
