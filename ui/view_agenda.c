/*
 * view_agenda.c — the day agenda: today's or this week's visits, calls and
 * appointments and the open tasks due, in time order, the person's own or
 * (Tab) their teams'; each row with the client's risk and the address for
 * a visit or the phone for the rest. One key marks an appointment kept (K)
 * or missed (m); u cancels or reschedules it; d completes a task; B books
 * for the selected row's client; Enter opens the client.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/appointment.h"
#include "core/task.h"
#include "form.h"
#include "form_common.h"
#include "keymap.h"
#include "list.h"

typedef struct agenda {
    cc_table t;     /* as the core gives it */
    cc_table shown; /* the columns that fit 80 columns, times shortened */
    list_pos pos;
    int mode; /* modes[] */
    char title[160];
} agenda;

static const struct {
    const char *name;
    int days, team;
} modes[] = {
    {"today", 1, 0},
    {"this week", 7, 0},
    {"my teams today", 1, 1},
    {"my teams this week", 7, 1},
};
#define NMODES ((int)(sizeof modes / sizeof *modes))

/* The time as a person reads it on this agenda: "09:30" today, "11-24
 * 09:30" on another day, the date alone for a task due by the end of a day. */
static void short_when(const char *when, const char *today, int overdue, char *out,
                       size_t n)
{
    int same_day = !strncmp(when, today, 10);
    if (overdue || (strlen(when) >= 16 && !strcmp(when + 11, "23:59")))
        snprintf(out, n, "%.5s", strlen(when) >= 10 ? when + 5 : when);
    else if (same_day && strlen(when) >= 16)
        snprintf(out, n, "%.5s", when + 11);
    else
        snprintf(out, n, "%.11s", strlen(when) >= 16 ? when + 5 : when);
}

/* The columns shown, by name in the core's table ("" = the shortened time). */
static void shape(agenda *g, const char *today)
{
    static const char *const mine[] = {"", "name", "risk", "what", "reach", "state"};
    static const char *const team[] = {"",     "who",   "name", "risk",
                                       "what", "reach", "state"};
    const char *const *cols = modes[g->mode].team ? team : mine;
    int n = modes[g->mode].team ? 7 : 6;
    table_free(&g->shown);
    g->shown.ncols = n;
    g->shown.cells = calloc((size_t)(g->t.nrows ? g->t.nrows : 1) * (size_t)n,
                            sizeof *g->shown.cells);
    if (!g->shown.cells)
        return;
    for (int c = 0; c < n; c++)
        snprintf(g->shown.cols[c], sizeof g->shown.cols[c], "%s",
                 cols[c][0] ? cols[c] : "when");
    g->shown.nrows = g->t.nrows;
    for (int r = 0; r < g->t.nrows; r++)
        for (int c = 0; c < n; c++) {
            char when[24];
            const char *v = table_cell(&g->t, r, table_col(&g->t, cols[c]));
            if (!cols[c][0]) {
                short_when(
                    table_cell(&g->t, r, 0), today,
                    !strcmp(table_cell(&g->t, r, table_col(&g->t, "state")), "OVERDUE"),
                    when, sizeof when);
                v = when;
            }
            g->shown.cells[r * n + c] = strdup(v);
        }
}

static void agenda_reload(app *a, view *v)
{
    agenda *g = v->data;
    char today[11];
    cc_err err = {0};
    table_free(&g->t);
    ctx_today(&a->ctx, today);
    if (agenda_list(&a->ctx, today, modes[g->mode].days, modes[g->mode].team, &g->t,
                    &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    shape(g, today);
    g->pos.sel = layout_clamp(g->pos.sel, g->t.nrows);
    snprintf(g->title, sizeof g->title, " Agenda: %s from %s (%s: %s)",
             modes[g->mode].name, today, keymap_key_name(ACT_NEXT_TAB),
             modes[(g->mode + 1) % NMODES].name);
}

static void agenda_draw(app *a, view *v)
{
    agenda *g = v->data;
    draw_text(a, 1, 0, a->lay.cols, g->title, ROLE_DIM);
    draw_table(a, a->lay.body_y, a->lay.body_h, &g->shown, &g->pos,
               "Nothing on the agenda: B on a client books a visit or appointment.",
               NULL);
}

/* The selected row's reference ("appt:12", "task:9") and client. */
static int64_t selected(agenda *g, const char *kind, int64_t *client)
{
    if (!g->t.nrows)
        return 0;
    const char *ref = table_cell(&g->t, g->pos.sel, table_col(&g->t, "ref"));
    *client = atoll(table_cell(&g->t, g->pos.sel, table_col(&g->t, "client")));
    size_t n = strlen(kind);
    return !strncmp(ref, kind, n) && ref[n] == ':' ? atoll(ref + n + 1) : 0;
}

static enum redraw agenda_task_done(app *a, agenda *g)
{
    int64_t client = 0, id = selected(g, "task", &client);
    task t, theirs;
    cc_err err = {0};
    if (!id) {
        app_status(a, 1, "d completes a task: choose a task row");
        return REDRAW_VIEW;
    }
    if (!may_change(a, client))
        return REDRAW_VIEW;
    if (task_get(&a->ctx, id, &t, &err) != CC_OK ||
        task_complete(&a->ctx, id, t.version, &theirs, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "done: %s", t.title);
    return REDRAW_ALL;
}

static enum redraw agenda_key(app *a, view *v, enum action act, int ch)
{
    agenda *g = v->data;
    enum redraw moved;
    int64_t client = 0, id;
    (void)ch;
    if ((moved = app_move(&g->pos, g->t.nrows, a->lay.body_h - 1, act)) != REDRAW_PASS)
        return moved;
    switch (act) {
    case ACT_NEXT_TAB:
    case ACT_PREV_TAB:
        g->mode = (g->mode + (act == ACT_NEXT_TAB ? 1 : NMODES - 1)) % NMODES;
        g->pos.sel = g->pos.top = 0;
        agenda_reload(a, v);
        return REDRAW_VIEW;
    case ACT_OPEN:
        if (selected(g, "appt", &client) || client)
            app_open_client_on(a, client,
                               selected(g, "appt", &client) ? "appointments" : "tasks");
        return REDRAW_ALL;
    case ACT_KEPT:
    case ACT_NO_SHOW:
    case ACT_UNBOOK:
        id = selected(g, "appt", &client);
        if (!id)
            app_status(a, 1, "%s: choose an appointment row", action_help(act));
        else
            appointment_act(a, id, act);
        agenda_reload(a, v);
        return REDRAW_ALL;
    case ACT_TASK_DONE:
        agenda_task_done(a, g);
        agenda_reload(a, v);
        return REDRAW_ALL;
    case ACT_BOOK:
        selected(g, "", &client);
        if (client)
            app_push(a, form_appointment_new(a, client));
        else
            app_status(a, 1, "open a client (or choose a row) to book for");
        return REDRAW_ALL;
    default:
        return REDRAW_PASS;
    }
}

static void agenda_destroy(view *v)
{
    agenda *g = v->data;
    table_free(&g->t);
    table_free(&g->shown);
    free(g);
    free(v);
}

static const struct view_ops agenda_ops = {
    "agenda",      "open kept no-show unbook task-done book next-tab back help",
    agenda_draw,   agenda_key,
    agenda_reload, agenda_destroy,
    KEYS_VIEW,     1,
};

view *view_agenda_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    agenda *g = calloc(1, sizeof *g);
    if (!v || !g) {
        free(v), free(g);
        return NULL;
    }
    v->ops = &agenda_ops;
    v->data = g;
    agenda_reload(a, v);
    return v;
}

/* ---- one appointment: kept, missed, cancelled, moved -------------------- */

static void say_marked(app *a, const appointment *ap)
{
    if (!strcmp(ap->status, "kept"))
        app_status(a, 0, "kept%s", ap->task_done ? ": the protocol task is done" : "");
    else if (!strcmp(ap->status, "no-show"))
        app_status(a, 0, "no-show: a follow-up task is due tomorrow");
    else
        app_status(a, 0, "appointment %s", ap->status);
}

/* u: cancel (a reason) or reschedule (a new time and a reason). */
static void unbook(app *a, const appointment *cur)
{
    char when[24], reason[128];
    appointment out;
    cc_err err = {0};
    char ask[96];
    snprintf(ask, sizeof ask,
             "New time (YYYY-MM-DD HH:MM), empty to cancel, %s backs out: ",
             keymap_key_name(ACT_CANCEL));
    if (app_prompt(a, ask, when, sizeof when, 0) != 0 ||
        app_prompt(a, when[0] ? "Why is it moved? " : "Why is it cancelled? ", reason,
                   sizeof reason, 0) != 0) {
        app_status(a, 0, "nothing changed");
        return;
    }
    int rc = when[0] ? appointment_reschedule(&a->ctx, cur->id, cur->version, when,
                                              reason, &out, &err)
                     : appointment_mark(&a->ctx, cur->id, cur->version, "cancelled",
                                        reason, &out, &err);
    if (rc != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else if (when[0])
        app_status(a, 0, "moved to %s", out.when);
    else
        say_marked(a, &out);
}

void appointment_act(app *a, int64_t id, enum action act)
{
    appointment cur, out;
    cc_err err = {0};
    if (appointment_get(&a->ctx, id, &cur, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return;
    }
    if (!may_change(a, cur.client_id))
        return;
    if (act == ACT_UNBOOK) {
        unbook(a, &cur);
        return;
    }
    if (appointment_mark(&a->ctx, id, cur.version, act == ACT_KEPT ? "kept" : "no-show",
                         "", &out, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        say_marked(a, &out);
}
