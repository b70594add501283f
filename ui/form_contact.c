/*
 * form_contact.c — logging a contact with the client: its kind, minutes and
 * a note (contacts are append-only in the core). A call or a home visit
 * completes the protocol task it carries out, and the message says which.
 */
#include <stdlib.h>

#include "core/task.h"
#include "form_common.h"

typedef struct contact_form {
    form fm;
    char msg[160];
} contact_form;

static int save_contact(app *a, form *fm, cc_err *err)
{
    contact_form *cf = (contact_form *)fm;
    contact c = {0};
    char *end;
    c.client_id = fm->client_id;
    c.fulfil = 1; /* the call or visit the protocol asked for is done */
    snprintf(c.kind, sizeof c.kind, "%.27s", fm->f[0].value);
    long minutes = strtol(fm->f[1].value, &end, 10);
    if (*end || !fm->f[1].value[0])
        return cc_err_set(err, CC_EINPUT, "minutes must be a whole number");
    c.duration_min = (int)minutes;
    snprintf(c.note, sizeof c.note, "%s", fm->f[2].value);
    if (contact_log(&a->ctx, &c, err) != CC_OK)
        return err->code;
    task t;
    cc_err ignore = {0};
    if (c.fulfilled && task_get(&a->ctx, c.fulfilled, &t, &ignore) == CC_OK)
        snprintf(cf->msg, sizeof cf->msg, "contact logged; done: %.100s", t.title);
    return CC_OK;
}

view *form_contact_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    contact_form *cf = (contact_form *)form_alloc(sizeof *cf, "log a contact", a);
    if (!cf)
        return NULL;
    form *fm = &cf->fm;
    fm->title = " Log a contact";
    fm->client_id = client_id;
    fm->n = 3;
    fm->f[0] = (form_field){
        "Kind", "call,home-visit,accompanied-appointment,snf-visit,message", "call"};
    fm->f[1] = (form_field){"Minutes", NULL, "15"};
    fm->f[2] = (form_field){"Note", NULL, ""};
    fm->save = save_contact;
    snprintf(cf->msg, sizeof cf->msg, "contact logged");
    fm->saved_msg = cf->msg;
    return form_view_new(fm);
}
