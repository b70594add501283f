/*
 * form.h — the one form engine every form uses: labelled fields (free text
 * or a choice among words), Tab/Up/Down between fields, Enter on the last
 * field or ^S to save, Esc to cancel. Saving calls the core; its one-line
 * error stays on the status line and nothing is lost.
 */
#ifndef CC_UI_FORM_H
#define CC_UI_FORM_H

#include "app.h"

#define FORM_MAX_FIELDS 6

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
    char preview[1024]; /* shown under the fields (a summary, a verdict) */
    int (*save)(app *a, struct form *fm, cc_err *err);
    void (*changed)(app *a, struct form *fm); /* after each edit: refresh preview */
    const char *saved_msg;
    view *then; /* set by save: shown after the form closes (e.g. a conflict) */
    char choice_buf[4096]; /* storage for a choice list built when the form opens */
    char typed[64];        /* type-ahead in a choice field */
} form;

/* A form view around fm (taken over and freed with the view). */
view *form_view_new(form *fm);

/* The forms (form.c). */
view *form_contact_new(app *a, int64_t client_id);
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

/* The case forms (forms_case.c). */
view *form_intake_new(app *a);                        /* new client + referral */
view *form_consent_new(app *a, int64_t client_id);    /* record, decline, revoke */
view *view_assessment_new(app *a, int64_t client_id); /* question by question */
view *form_task_new(app *a, int64_t client_id);
view *form_episode_new(app *a, int64_t client_id); /* start, extend or close */

#endif
