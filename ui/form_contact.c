/*
 * form_contact.c — logging a contact with the client: its kind, minutes and
 * a note (contacts are append-only in the core).
 */
#include <stdlib.h>

#include "core/task.h"
#include "form_common.h"

static int save_contact(app *a, form *fm, cc_err *err)
{
    contact c = {0};
    char *end;
    c.client_id = fm->client_id;
    snprintf(c.kind, sizeof c.kind, "%.27s", fm->f[0].value);
    long minutes = strtol(fm->f[1].value, &end, 10);
    if (*end || !fm->f[1].value[0])
        return cc_err_set(err, CC_EINPUT, "minutes must be a whole number");
    c.duration_min = (int)minutes;
    snprintf(c.note, sizeof c.note, "%s", fm->f[2].value);
    return contact_log(&a->ctx, &c, err);
}

view *form_contact_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    form *fm = form_alloc(sizeof *fm, "log a contact", a);
    if (!fm)
        return NULL;
    fm->title = " Log a contact";
    fm->client_id = client_id;
    fm->n = 3;
    fm->f[0] = (form_field){
        "Kind", "call,home-visit,accompanied-appointment,snf-visit,message", "call"};
    fm->f[1] = (form_field){"Minutes", NULL, "15"};
    fm->f[2] = (form_field){"Note", NULL, ""};
    fm->save = save_contact;
    fm->saved_msg = "contact logged";
    return form_view_new(fm);
}
