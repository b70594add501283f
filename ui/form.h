/*
 * form.h — the one form engine every form uses: labelled fields (free text
 * or a choice among words), Tab/Up/Down between fields, Enter on the last
 * field or ^S to save, Esc to cancel (the edit actions of actions.h, so
 * they can be rebound). Free text is edited at a cursor as readline does
 * (lineedit.h: Left/Right, Home/End ^A ^E, ^U ^K ^W, Backspace, Delete ^D).
 * Saving calls the core; its one-line error stays on the status line and
 * nothing is lost.
 */
#ifndef CC_UI_FORM_H
#define CC_UI_FORM_H

#include "app.h"
#include "lineedit.h"

#define FORM_MAX_FIELDS 9 /* more than 6: one line each, no blank line between */

typedef struct form_field {
    const char *label;
    const char *choices; /* comma list, or NULL for free text */
    char value[512];
} form_field;

typedef struct form {
    const char *title;
    int64_t client_id;
    form_field f[FORM_MAX_FIELDS];
    int n, cur;
    /* free text: each field's cursor and the first byte shown (byte offsets
     * into its value, which a form may write behind them: each use makes
     * them valid; entering a field or form_mark_clean puts the cursor at
     * the end) */
    size_t cursor[FORM_MAX_FIELDS], scroll[FORM_MAX_FIELDS];
    char preview[1024]; /* shown under the fields (a summary, a verdict) */
    int (*save)(app *a, struct form *fm, cc_err *err);
    void (*changed)(app *a, struct form *fm); /* after each edit: refresh preview */
    const char *saved_msg;
    view *then; /* set by save: shown after the form closes (e.g. a conflict) */
    char choice_buf[4096]; /* storage for a choice list built when the form opens */
    char typed[64];        /* type-ahead in a choice field */
    lineedit_utf8 typing;  /* a character typed into a text field, so far */
    uint64_t clean;        /* a hash of the values as the form opened */
    /* sees each key before the engine does (not text typed into a text
     * field); REDRAW_PASS hands it on (NULL: no hook) */
    enum redraw (*key)(app *a, struct form *fm, enum action act, int ch);
} form;

/* A form view around fm (taken over and freed with the view). Esc asks
 * before throwing away values changed since it opened. */
view *form_view_new(form *fm);

/* The values of fm as they are now count as unchanged (after a form is
 * filled in for the person, as from a notification); each field's cursor
 * goes to the end of its value. */
void form_mark_clean(form *fm);

/* Log a contact (form_contact.c). */
view *form_contact_new(app *a, int64_t client_id);

/* Correct contact contact_id of client_id: the form filled with its kind,
 * time (local "YYYY-MM-DD HH:MM"), outcome, minutes and note; saved as a new
 * entry naming it. */
view *form_contact_correct(app *a, int64_t client_id, int64_t contact_id,
                           const char *const values[5]);

/* Propose a warm hand-off (form_handoff.c). */
view *form_handoff_new(app *a, int64_t client_id);

/* "staff:LOGIN", "team:ID", "program:CODE" or "org:CODE" as a hand-off
 * target. */
struct handoff_target;
int form_parse_target(app *a, const char *spec, struct handoff_target *t, cc_err *err);

/* Editing a client's details, with the conflict screen (form_client.c). */
struct client;
view *form_client_new(app *a, int64_t client_id);
view *view_conflict_new(const struct client *read, const struct client *mine,
                        const struct client *theirs);

/* Intake: a new client, then its referral (form_intake.c); the same with
 * the name and birth date of a notification filled in. */
view *form_intake_new(app *a);
view *form_intake_from(app *a, const char *family, const char *given, const char *dob);

/* Consent: record, decline, release, revoke (form_consent.c). */
view *form_consent_new(app *a, int64_t client_id);

/* The risk assessment, question by question (view_assess.c). */
view *view_assessment_new(app *a, int64_t client_id);

/* Add a task (form_task.c). */
view *form_task_new(app *a, int64_t client_id);

/* Reaching the client (form_reach.c): phones, address and primary care, a
 * caregiver added, or one edited (caregiver_id != 0). */
view *form_phones_new(app *a, int64_t client_id);
view *form_address_new(app *a, int64_t client_id);
view *form_caregiver_add(app *a, int64_t client_id);
view *form_caregiver_new(app *a, int64_t client_id, int64_t caregiver_id);

/* Book an appointment (form_appointment.c). */
view *form_appointment_new(app *a, int64_t client_id);

/* A hospital encounter by phone or fax (form_encounter.c). */
view *form_encounter_new(app *a, int64_t client_id);

/* The intensive episode: start, extend or close (form_episode.c). */
view *form_episode_new(app *a, int64_t client_id);

/* The care plan (form_plan.c): a goal added (goal_id 0) or edited; a step
 * added to the goal of the plan tab's row ref ("goal:ID", or "step:ID":
 * that step's goal). */
view *form_goal_new(app *a, int64_t client_id, int64_t goal_id);
view *form_step_new(app *a, int64_t client_id, const char *ref);

/* d (done) or J (a task) on step step_id of client_id; the outcome on the
 * status line. 1 if the plan must be read again. */
int plan_step_act(app *a, int64_t client_id, int64_t step_id, enum action act);

/* v (the plan reviewed) or U (the program's starting goals) for client_id;
 * the outcome on the status line. */
void plan_act(app *a, int64_t client_id, enum action act);

/* A Patient Activation Measure result (form_plan.c). */
view *form_pam_new(app *a, int64_t client_id);

/* Medications (form_meds.c): one added (med_id 0) or edited; a
 * reconciliation; the nurse's sign-off of reconciliation rec_id (the
 * outcome on the status line); a care-transition pillar marked done. */
view *form_med_new(app *a, int64_t client_id, int64_t med_id);
view *form_reconcile_new(app *a, int64_t client_id);
void med_sign_off_act(app *a, int64_t rec_id);
view *form_pillar_new(app *a, int64_t client_id);

#endif
