/*
 * form_contact.c — logging a contact with the client: its kind, when (now
 * by default; back-dated at most 30 days, never ahead), what came of it
 * (reached, no answer...), the open task it carries out (the due protocol
 * task by default, one the person names, or none), minutes and a note.
 * Contacts are append-only in the core; the message says which task the
 * contact completed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/task.h"
#include "form_common.h"
#include "util/clock.h"

enum { C_KIND, C_WHEN, C_OUTCOME, C_TASK, C_MINUTES, C_NOTE };

#define DUE_TASK "the due protocol task"

typedef struct contact_form {
    form fm;
    char msg[160];
    int64_t corrects; /* the contact this one corrects, or 0 */
} contact_form;

/* "YYYY-MM-DD HH:MM" (the site's time) into c->at. */
static int take_when(const char *when, contact *c, cc_err *err)
{
    char date[11];
    int h, m;
    if (strlen(when) != 16 || sscanf(when, "%10s %d:%d", date, &h, &m) != 3 ||
        !clock_local_instant(date, h, m, 0))
        return cc_err_set(err, CC_EINPUT, "when: YYYY-MM-DD HH:MM (local time)");
    clock_format_iso(clock_local_instant(date, h, m, 0), c->at);
    return CC_OK;
}

static int save_contact(app *a, form *fm, cc_err *err)
{
    contact_form *cf = (contact_form *)fm;
    contact c = {0};
    char *end;
    c.client_id = fm->client_id;
    snprintf(c.kind, sizeof c.kind, "%.27s", fm->f[C_KIND].value);
    snprintf(c.outcome, sizeof c.outcome, "%.15s", fm->f[C_OUTCOME].value);
    if (take_when(fm->f[C_WHEN].value, &c, err) != CC_OK)
        return err->code;
    c.fulfil = form_is(fm, C_TASK, DUE_TASK); /* the call the protocol asked for */
    if (fm->f[C_TASK].value[0] == '#')
        c.task_id = atoll(fm->f[C_TASK].value + 1);
    long minutes = strtol(fm->f[C_MINUTES].value, &end, 10);
    if (*end || !fm->f[C_MINUTES].value[0])
        return cc_err_set(err, CC_EINPUT, "minutes must be a whole number");
    c.duration_min = (int)minutes;
    if (form_take(c.note, sizeof c.note, fm->f[C_NOTE].value, "note", err) != CC_OK)
        return err->code;
    if (cf->corrects) {
        if (contact_correct(&a->ctx, cf->corrects, &c, err) != CC_OK)
            return err->code;
        snprintf(cf->msg, sizeof cf->msg,
                 "correction logged: contact %lld stays, marked "
                 "corrected",
                 (long long)cf->corrects);
        return CC_OK;
    }
    if (contact_log(&a->ctx, &c, err) != CC_OK)
        return err->code;
    task t;
    cc_err ignore = {0};
    if (c.fulfilled && task_get(&a->ctx, c.fulfilled, &t, &ignore) == CC_OK)
        snprintf(cf->msg, sizeof cf->msg, "contact logged; done: %.100s", t.title);
    return CC_OK;
}

/* The choice of task: the due protocol one, none, or an open task by id
 * ("#12 Weekly contact 11-25"; commas in a title become semicolons). */
static void task_choices(app *a, int64_t client_id, char *buf, size_t n)
{
    cc_table t;
    cc_err err = {0};
    snprintf(buf, n, DUE_TASK ",none");
    if (record_tab(&a->ctx, client_id, "tasks", &t, &err) != CC_OK)
        return;
    for (int r = 0; r < t.nrows; r++) {
        const char *state = table_cell(&t, r, table_col(&t, "state"));
        char word[96];
        if (strcmp(state, "open") && strcmp(state, "OVERDUE"))
            continue;
        snprintf(word, sizeof word, ",#%s %.40s %.5s",
                 table_cell(&t, r, table_col(&t, "id")),
                 table_cell(&t, r, table_col(&t, "title")),
                 table_cell(&t, r, table_col(&t, "due")) + 5);
        for (char *p = word + 1; *p; p++)
            if (*p == ',')
                *p = ';';
        if (strlen(buf) + strlen(word) < n)
            strcat(buf, word);
    }
    table_free(&t);
}

/* The form, filled in for a new contact now. */
static contact_form *contact_form_build(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    contact_form *cf = (contact_form *)form_alloc(sizeof *cf, "log a contact", a);
    if (!cf)
        return NULL;
    form *fm = &cf->fm;
    fm->title = " Log a contact (back-dated at most 30 days)";
    fm->client_id = client_id;
    fm->n = 6;
    task_choices(a, client_id, fm->choice_buf, sizeof fm->choice_buf);
    fm->f[C_KIND] = (form_field){
        "Kind", "call,home-visit,accompanied-appointment,snf-visit,message", "call"};
    fm->f[C_WHEN] = (form_field){"When (local)", NULL, ""};
    form_local_now(a, 0, fm->f[C_WHEN].value);
    fm->f[C_OUTCOME] = (form_field){"Outcome", CONTACT_OUTCOMES, "reached"};
    fm->f[C_TASK] = (form_field){"Carries out", fm->choice_buf, DUE_TASK};
    fm->f[C_MINUTES] = (form_field){"Minutes", NULL, "15"};
    fm->f[C_NOTE] = (form_field){"Note", NULL, ""};
    fm->save = save_contact;
    snprintf(cf->msg, sizeof cf->msg, "contact logged");
    fm->saved_msg = cf->msg;
    return cf;
}

view *form_contact_new(app *a, int64_t client_id)
{
    contact_form *cf = contact_form_build(a, client_id);
    return cf ? form_view_new(&cf->fm) : NULL;
}

view *form_contact_correct(app *a, int64_t client_id, int64_t contact_id,
                           const char *const values[5])
{
    contact_form *cf = contact_form_build(a, client_id);
    if (!cf)
        return NULL;
    form *fm = &cf->fm;
    static const int fields[] = {C_KIND, C_WHEN, C_OUTCOME, C_MINUTES, C_NOTE};
    cf->corrects = contact_id;
    fm->title = " Correct a contact (the original stays, marked corrected)";
    for (int i = 0; i < 5; i++)
        snprintf(fm->f[fields[i]].value, sizeof fm->f[fields[i]].value, "%s",
                 values[i]);
    snprintf(fm->f[C_TASK].value, sizeof fm->f[C_TASK].value, "none");
    view *v = form_view_new(fm);
    return v;
}
