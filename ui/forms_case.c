/*
 * forms_case.c — the case forms (intake, consent, assessment, task,
 * episode). Placeholder until they are written: each says so on the status
 * line rather than pretending.
 */
#include "form.h"

static view *not_yet(app *a, const char *what)
{
    app_status(a, 1, "%s: not available yet in the terminal; see 'carecoord --help'",
               what);
    return NULL;
}

view *form_intake_new(app *a)
{
    return not_yet(a, "intake");
}

view *form_consent_new(app *a, int64_t client_id)
{
    (void)client_id;
    return not_yet(a, "consent");
}

view *view_assessment_new(app *a, int64_t client_id)
{
    (void)client_id;
    return not_yet(a, "assessment");
}

view *form_task_new(app *a, int64_t client_id)
{
    (void)client_id;
    return not_yet(a, "add task");
}

view *form_episode_new(app *a, int64_t client_id)
{
    (void)client_id;
    return not_yet(a, "episode");
}
