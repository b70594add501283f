/*
 * view_lists.c — the inbox (hand-offs, alerts, overdue tasks, expiring
 * consents; each item jumps to its client; a/x accept or decline a
 * hand-off, d completes a task), search (name, birth date or identifier
 * across the database; outside one's scope asks for a break-glass reason)
 * and help (generated from the action table, so it never disagrees with the
 * keys).
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/handoff.h"
#include "keymap.h"
#include "list.h"

typedef struct table_view {
    cc_table t;
    list_pos pos;
    const char *title;
    int client_col; /* the column holding a client id */
    char query[128];
} table_view;

static void draw_table_view(app *a, view *v)
{
    table_view *tv = v->data;
    draw_text(a, 1, 0, a->lay.cols, tv->title, ROLE_DIM);
    draw_table(a, a->lay.body_y, a->lay.body_h, &tv->t, &tv->pos, "Nothing here.",
               NULL);
}

static void destroy_table_view(view *v)
{
    table_view *tv = v->data;
    table_free(&tv->t);
    free(tv);
    free(v);
}

static view *table_view_new(const struct view_ops *ops, const char *title,
                            int client_col)
{
    view *v = calloc(1, sizeof *v);
    table_view *tv = calloc(1, sizeof *tv);
    if (!v || !tv) {
        free(v), free(tv);
        return NULL;
    }
    tv->title = title;
    tv->client_col = client_col;
    v->ops = ops;
    v->data = tv;
    return v;
}

/* The record's tab that matters for each kind of inbox row. */
static const struct {
    const char *kind, *tab;
} tab_for[] = {
    {"hand-off", "handoffs"},    {"sent", "handoffs"},   {"alert", "assessments"},
    {"overdue", "tasks"},        {"visit due", "tasks"}, {"consent", "consent"},
    {"discharge", "encounters"},
};

static enum redraw open_selected(app *a, table_view *tv)
{
    const char *tab = NULL;
    if (!tv->t.nrows)
        return REDRAW_VIEW;
    const char *kind = table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "kind"));
    for (size_t i = 0; i < sizeof tab_for / sizeof *tab_for; i++)
        if (!strcmp(kind, tab_for[i].kind))
            tab = tab_for[i].tab;
    app_open_client_on(a, atoll(table_cell(&tv->t, tv->pos.sel, tv->client_col)), tab);
    return REDRAW_VIEW;
}

/* ---- inbox ------------------------------------------------------------- */

static void inbox_reload(app *a, view *v)
{
    table_view *tv = v->data;
    cc_err err = {0};
    int n;
    handoff_expire_due(&a->ctx, &n, &err);
    table_free(&tv->t);
    if (worklist_inbox(&a->ctx, a->me.id, &tv->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    tv->pos.sel = layout_clamp(tv->pos.sel, tv->t.nrows);
}

static void decide(app *a, view *v, int accept)
{
    table_view *tv = v->data;
    char reason[200];
    cc_err err = {0};
    if (strcmp(table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "kind")),
               "hand-off")) {
        app_status(a, 1, "choose a hand-off addressed to you");
        return;
    }
    int64_t id = atoll(table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "ref")));
    if (!accept &&
        app_prompt(a, "Reason for declining: ", reason, sizeof reason, 0) != 0)
        return;
    if (accept) { /* the client becomes theirs: asked, never by a stray key */
        char ask[200], ans[8] = "";
        snprintf(ask, sizeof ask, "Take %.120s as your client? [y/N] ",
                 table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "name")));
        if (app_prompt(a, ask, ans, sizeof ans, 0) != 0 ||
            (ans[0] != 'y' && ans[0] != 'Y')) {
            app_status(a, 0, "not accepted");
            return;
        }
    }
    int rc = accept ? handoff_accept(&a->ctx, id, NULL, &err)
                    : handoff_decline(&a->ctx, id, reason, &err);
    if (rc != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "hand-off %lld %s", (long long)id,
                   accept ? "accepted: the client is yours" : "declined");
    inbox_reload(a, v);
    cc_err ignore;
    worklist_counts_for(&a->ctx, a->me.id, &a->counts, &ignore);
}

/* The kinds of inbox row that are a task (their ref is the task's id). */
static int is_task(const char *kind)
{
    return !strcmp(kind, "overdue") || !strcmp(kind, "visit due");
}

/* d: complete the selected task, as on the record; it leaves the inbox. */
static void inbox_task_done(app *a, view *v)
{
    table_view *tv = v->data;
    const char *kind = tv->t.nrows ? table_cell(&tv->t, tv->pos.sel, 0) : "";
    if (!is_task(kind)) {
        app_status(a, 1, "%s marks a task done (overdue, visit due): %s%s%s",
                   keymap_key_name(ACT_TASK_DONE), kind[0] ? "this row (" : "no row",
                   kind, kind[0] ? ") is not a task" : " is selected");
        return;
    }
    if (!app_complete_task(
            a, atoll(table_cell(&tv->t, tv->pos.sel, tv->client_col)),
            atoll(table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "ref")))))
        return;
    inbox_reload(a, v);
    cc_err ignore;
    worklist_counts_for(&a->ctx, a->me.id, &a->counts, &ignore);
}

static enum redraw inbox_key(app *a, view *v, enum action act, int ch)
{
    table_view *tv = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&tv->pos, tv->t.nrows, a->lay.body_h - 1, act)) !=
        REDRAW_PASS)
        return moved;
    if (act == ACT_OPEN)
        return open_selected(a, tv);
    if (act == ACT_ACCEPT || act == ACT_DECLINE)
        return decide(a, v, act == ACT_ACCEPT), REDRAW_ALL; /* the counts too */
    if (act == ACT_TASK_DONE)
        return inbox_task_done(a, v), REDRAW_ALL;
    return REDRAW_PASS;
}

static const struct view_ops inbox_ops = {
    "inbox",         "open accept decline task-done caseload back help",
    draw_table_view, inbox_key,
    inbox_reload,    destroy_table_view,
    KEYS_VIEW,       1,
};

view *view_inbox_new(app *a)
{
    view *v = table_view_new(
        &inbox_ops, " Inbox: hand-offs, alerts, overdue tasks, expiring consents", 1);
    if (v)
        inbox_reload(a, v);
    return v;
}

/* ---- search ------------------------------------------------------------ */

/* Some result is outside the reader's scope (its in_scope is "no"). */
static int outside_scope(const cc_table *t)
{
    int col = table_col(t, "in_scope");
    for (int i = 0; col >= 0 && i < t->nrows; i++)
        if (!strcmp(table_cell(t, i, col), "no"))
            return 1;
    return 0;
}

/* What the results are, on the status line. */
static void search_said(app *a, const table_view *tv)
{
    app_status(a, 0, "%d found for \"%s\"%s", tv->t.nrows, tv->query,
               outside_scope(&tv->t) ? "; in_scope no = break-glass to open" : "");
}

static void search_run(app *a, view *v)
{
    table_view *tv = v->data;
    cc_err err = {0};
    table_free(&tv->t);
    if (worklist_search(&a->ctx, tv->query, 200, &tv->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        search_said(a, tv);
    tv->pos.sel = tv->pos.top = 0;
}

static enum redraw search_key(app *a, view *v, enum action act, int ch)
{
    table_view *tv = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&tv->pos, tv->t.nrows, a->lay.body_h - 1, act)) !=
        REDRAW_PASS)
        return moved;
    if (act == ACT_OPEN)
        return open_selected(a, tv);
    if (act == ACT_SEARCH) { /* Esc keeps the results and their query */
        char query[sizeof tv->query];
        if (app_prompt(a, "Search (name, YYYY-MM-DD or identifier): ", query,
                       sizeof query, 0) == 0) {
            memcpy(tv->query, query, sizeof query);
            search_run(a, v);
        } else {
            search_said(a, tv);
        }
        return REDRAW_VIEW;
    }
    return REDRAW_PASS;
}

static const struct view_ops search_ops = {
    "search", "search open back help", draw_table_view, search_key,
    NULL,     destroy_table_view,      KEYS_VIEW,       0,
};

view *view_search_new(app *a)
{
    view *v = table_view_new(&search_ops, " Search every client", 0);
    table_view *tv = v ? v->data : NULL;
    if (!v)
        return NULL;
    if (app_prompt(a, "Search (name, YYYY-MM-DD or identifier): ", tv->query,
                   sizeof tv->query, 0) != 0) {
        destroy_table_view(v); /* cancelled: no empty search left open */
        return NULL;
    }
    search_run(a, v);
    return v;
}

/* ---- help -------------------------------------------------------------- */

/* The help's rows: the screens' actions, a heading, then those of forms and
 * prompts (both in the order of actions.h). */
#define HELP_ROWS ACT_COUNT /* ACT_COUNT - 1 actions and the heading */

static enum role help_row(int row, char *line, size_t sz)
{
    int n = 0;
    line[0] = '\0';
    for (int keys = KEYS_VIEW; keys <= KEYS_EDIT; keys++) {
        if (keys == KEYS_EDIT && n++ == row) {
            snprintf(line, sz, " In forms and prompts (what you type there is text):");
            return ROLE_HEADER;
        }
        for (int act = 1; act < ACT_COUNT; act++) {
            if (action_keys((enum action)act) != (enum keys)keys || n++ != row)
                continue;
            snprintf(line, sz, "  %-9s %-12s %s", keymap_key_name((enum action)act),
                     action_name((enum action)act), action_help((enum action)act));
            return ROLE_NORMAL;
        }
    }
    return ROLE_NORMAL;
}

static void help_draw(app *a, view *v)
{
    table_view *tv = v->data;
    draw_text(a, 1, 0, a->lay.cols, " Keys (rebind by action name)", ROLE_DIM);
    for (int i = 0; i < a->lay.body_h && tv->pos.top + i < HELP_ROWS; i++) {
        char line[256];
        enum role r = help_row(tv->pos.top + i, line, sizeof line);
        draw_text(a, a->lay.body_y + i, 0, a->lay.cols, line, r);
    }
}

static enum redraw help_key(app *a, view *v, enum action act, int ch)
{
    table_view *tv = v->data;
    (void)ch;
    return app_move(&tv->pos, HELP_ROWS, a->lay.body_h, act);
}

static const struct view_ops help_ops = {
    "help", "back quit", help_draw, help_key, NULL, destroy_table_view, KEYS_VIEW, 0,
};

view *view_help_new(app *a)
{
    (void)a;
    return table_view_new(&help_ops, "", 0);
}

/* ---- my tasks ------------------------------------------------------------ */

static void tasks_reload(app *a, view *v)
{
    table_view *tv = v->data;
    cc_err err = {0};
    table_free(&tv->t);
    if (worklist_my_tasks(&a->ctx, &tv->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    tv->pos.sel = layout_clamp(tv->pos.sel, tv->t.nrows);
}

static enum redraw tasks_key(app *a, view *v, enum action act, int ch)
{
    table_view *tv = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&tv->pos, tv->t.nrows, a->lay.body_h - 1, act)) !=
        REDRAW_PASS)
        return moved;
    if (act == ACT_OPEN && tv->t.nrows) {
        app_open_client_on(a, atoll(table_cell(&tv->t, tv->pos.sel, tv->client_col)),
                           "tasks");
        return REDRAW_ALL;
    }
    if (act == ACT_TASK_DONE && tv->t.nrows) {
        int64_t id = atoll(table_cell(&tv->t, tv->pos.sel, table_col(&tv->t, "id")));
        int64_t client = atoll(table_cell(&tv->t, tv->pos.sel, tv->client_col));
        app_complete_task(a, client, id);
        tasks_reload(a, v);
        return REDRAW_ALL;
    }
    return REDRAW_PASS;
}

static const struct view_ops tasks_ops = {
    "my-tasks",      "open task-done agenda caseload back help",
    draw_table_view, tasks_key,
    tasks_reload,    destroy_table_view,
    KEYS_VIEW,       1,
};

view *view_my_tasks_new(app *a)
{
    view *v = table_view_new(&tasks_ops, " My open tasks, due first", 1);
    if (v)
        tasks_reload(a, v);
    return v;
}
