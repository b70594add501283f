/*
 * form_task.c — adding a task for a client: a title and a due date (the
 * task is the person's own; the core makes it due at the end of that day in
 * the site's time zone).
 */
#include <string.h>

#include "core/task.h"
#include "form_common.h"
#include "util/clock.h"

static int save_task(app *a, form *fm, cc_err *err)
{
    task t = {0};
    t.client_id = fm->client_id;
    if (form_take(t.title, sizeof t.title, fm->f[0].value, "title", err) != CC_OK)
        return err->code;
    snprintf(t.due_date, sizeof t.due_date, "%.15s", fm->f[1].value);
    snprintf(t.origin, sizeof t.origin, "manual");
    t.owner_id = a->me.id;
    return task_add(&a->ctx, &t, err);
}

view *form_task_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    form *fm = form_alloc(sizeof *fm, "add task", a);
    if (!fm)
        return NULL;
    fm->title = " Add a task (yours, due by the end of the day)";
    fm->client_id = client_id;
    fm->n = 2;
    fm->f[0] = (form_field){"Title", NULL, ""};
    fm->f[1] = (form_field){"Due (YYYY-MM-DD)", NULL, ""};
    form_today_plus(a, 7, fm->f[1].value);
    fm->save = save_task;
    fm->saved_msg = "task added";
    return form_view_new(fm);
}
