/*
 * view_record.c — one client's record: a summary band (identity, program,
 * owner, risk and its drivers, episode day, consent state) and tabs
 * (referrals, consent, assessments, episode, tasks, contacts, hand-offs, the
 * care plan, medications...), each a list newest first. Opening a tab is an
 * audited view of that part. From here a person logs a contact, completes a
 * task, proposes a hand-off, works the plan and the medication list.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/assessment.h"
#include "core/client.h"
#include "core/handoff.h"
#include "core/scope.h"
#include "core/task.h"
#include "form_common.h"
#include "keymap.h"
#include "list.h"
#include "util/text.h"

typedef struct record {
    int64_t client_id;
    client c;
    worklist_band band;
    int tab;
    cc_table table;
    list_pos pos;
    int loaded;
} record;

static int ntabs(void)
{
    int n = 0;
    while (record_tab_names()[n])
        n++;
    return n;
}

static void load_tab(app *a, record *r)
{
    cc_err err = {0};
    table_free(&r->table);
    if (record_tab(&a->ctx, r->client_id, record_tab_names()[r->tab], &r->table, &err))
        app_status(a, 1, "%s", err.msg);
    r->pos.sel = layout_clamp(r->pos.sel, r->table.nrows);
}

static int load(app *a, record *r)
{
    cc_err err = {0};
    if (client_view(&a->ctx, r->client_id, "summary", &r->c, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return -1;
    }
    worklist_band_of(&a->ctx, r->client_id, &r->band, &err);
    load_tab(a, r);
    r->loaded = 1;
    return 0;
}

static void draw_band(app *a, record *r)
{
    char l1[256], l2[256], l3[320];
    snprintf(l1, sizeof l1, " %s, %s   born %s   ZIP %s   %s   speaks %s%s",
             r->c.family_name, r->c.given_name, r->c.dob, r->c.zip, r->c.payer,
             r->c.language, r->c.interpreter ? " (interpreter)" : "");
    snprintf(l2, sizeof l2, " program %s   owner %s   episode %s%s   consent %s%s%s",
             r->band.program[0] ? r->band.program : "-", r->band.owner,
             r->band.episode[0] ? r->band.episode : "-",
             r->band.past_target ? " (past target)" : "", r->band.consent,
             r->band.readmitted[0] ? "   READMITTED " : "", r->band.readmitted);
    if (r->c.merged_into) /* opens by id only, read-only */
        snprintf(l1 + strlen(l1), sizeof l1 - strlen(l1), "   merged into #%lld",
                 (long long)r->c.merged_into);
    snprintf(l3, sizeof l3, " risk %s%s%s",
             r->band.risk[0] ? r->band.risk : "not assessed",
             r->band.drivers[0] ? ": " : "", r->band.drivers);
    draw_text(a, 1, 0, a->lay.cols, l1, ROLE_DIM);
    draw_text(a, a->lay.body_y, 0, a->lay.cols, l2,
              r->band.readmitted[0] ? ROLE_URGENT : ROLE_NORMAL);
    draw_text(a, a->lay.body_y + 1, 0, a->lay.cols, l3,
              !strcmp(r->band.risk, "high") ? ROLE_URGENT : ROLE_NORMAL);
    char l4[400];
    snprintf(l4, sizeof l4, " %s%s%s%s%s", r->band.pillars,
             r->band.pillars[0] ? "   " : "", r->band.pam, r->band.pam[0] ? "   " : "",
             r->band.reach[0] ? r->band.reach : "no phone on record: P adds one");
    draw_text(a, a->lay.body_y + 2, 0, a->lay.cols, l4,
              r->band.reach[0] ? ROLE_NORMAL : ROLE_WARN);
}

/* The tabs in a row: " name " each, or " name" when that is too wide;
 * when even that is too wide, the row starts late enough for the selected
 * tab to show, with "<" and ">" where tabs are hidden. */
static void draw_tabs(app *a, record *r, int y)
{
    int x = 0, total = 0, n = ntabs(), first = 0;
    for (int i = 0; i < n; i++)
        total += text_width(record_tab_names()[i]) + 2;
    int tight = total > a->lay.cols;
    for (;;) { /* the width from first to the selected tab, and a ">" */
        int w = first ? 2 : 0;
        for (int i = first; i <= r->tab; i++)
            w += text_width(record_tab_names()[i]) + (tight ? 1 : 2);
        if (w + 2 <= a->lay.cols || first == r->tab)
            break;
        first++;
    }
    if (first) {
        draw_text(a, y, 0, 2, " <", ROLE_DIM);
        x = 2;
    }
    for (int i = first; i < n && x < a->lay.cols; i++) {
        char label[32];
        snprintf(label, sizeof label, " %s%s", record_tab_names()[i], tight ? "" : " ");
        int w = text_width(label);
        if (x + w > a->lay.cols - (i < n - 1 ? 2 : 0)) {
            draw_text(a, y, x, a->lay.cols - x, " >", ROLE_DIM);
            return;
        }
        draw_text(a, y, x, w, label, i == r->tab ? ROLE_SELECTED : ROLE_DIM);
        x += w;
    }
    if (x < a->lay.cols)
        draw_text(a, y, x, a->lay.cols - x, "", ROLE_NORMAL);
}

static void draw(app *a, view *v)
{
    record *r = v->data;
    if (!r->loaded)
        return;
    draw_band(a, r);
    draw_tabs(a, r, a->lay.body_y + 3);
    draw_table(a, a->lay.body_y + 4, a->lay.body_h - 4, &r->table, &r->pos,
               "Nothing recorded yet.", NULL);
}

/* ---- actions ----------------------------------------------------------- */

static void complete_task(app *a, record *r)
{
    int col = r->table.ncols - 1; /* the tasks tab ends with the task id */
    if (strcmp(record_tab_names()[r->tab], "tasks") || !r->table.nrows) {
        if (may_change(a, r->client_id)) /* else why not is said first */
            app_status(a, 1, "choose a task on the tasks tab");
        return;
    }
    if (app_complete_task(a, r->client_id,
                          atoll(table_cell(&r->table, r->pos.sel, col))))
        load_tab(a, r);
}

/* The id of the selected hand-off on the hand-offs tab, or 0 (said why). */
static int64_t selected_handoff(app *a, record *r)
{
    if (strcmp(record_tab_names()[r->tab], "handoffs") || !r->table.nrows) {
        app_status(a, 1, "choose a hand-off on the handoffs tab");
        return 0;
    }
    return atoll(table_cell(&r->table, r->pos.sel, table_col(&r->table, "id")));
}

/* w: the sender withdraws a proposal still waiting. */
static void withdraw_handoff(app *a, record *r)
{
    cc_err err = {0};
    int64_t id = selected_handoff(a, r);
    if (!id)
        return;
    if (handoff_withdraw(&a->ctx, id, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "hand-off %lld withdrawn: the client stays yours",
                   (long long)id);
    load_tab(a, r);
}

/* O: the sender records that the outside organization accepted. */
static void outside_accepted(app *a, record *r)
{
    char who[96], reach[96];
    cc_err err = {0};
    int64_t id = selected_handoff(a, r);
    if (!id ||
        app_prompt(a, "Accepted by (name at the organization): ", who, sizeof who, 0) !=
            0 ||
        app_prompt(a, "Their phone or e-mail: ", reach, sizeof reach, 0) != 0)
        return;
    if (handoff_record_outside(&a->ctx, id, who, reach, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "hand-off %lld accepted by %s: the client leaves the program",
                   (long long)id, who);
    load_tab(a, r);
}

/* The tab on screen is name. */
static int on_tab(const record *r, const char *name)
{
    return !strcmp(record_tab_names()[r->tab], name) && r->table.nrows;
}

/* What a row of some tabs has beyond its columns, appended to the pager's
 * text: every answer of an assessment, a hand-off's summary as text. */
static void row_more(app *a, record *r, char **text, size_t *cap, size_t *len)
{
    int64_t id = atoll(table_cell(&r->table, r->pos.sel, table_col(&r->table, "id")));
    cc_err err = {0};
    char *more = NULL;
    size_t n = 0, mcap = 0;
    if (on_tab(r, "assessments") && id) {
        assessment_detail *d = calloc(1, sizeof *d);
        if (d && assessment_view(&a->ctx, id, d, &err) == CC_OK) {
            mcap = 64 + (size_t)d->q.n * 300;
            if ((more = malloc(mcap)))
                n = (size_t)snprintf(more, mcap, "\nanswers (%s):\n", d->q.title);
            for (int i = 0; more && i < d->q.n && n < mcap; i++)
                n += (size_t)snprintf(more + n, mcap - n, "  %s %s\n",
                                      d->answers[i] ? "yes" : "no ", d->q.q[i].text);
        }
        free(d);
    } else if (on_tab(r, "handoffs") && id) {
        handoff h;
        char *json = NULL, *body = NULL;
        if (handoff_show(&a->ctx, id, &h, &json, &err) == CC_OK &&
            handoff_summary_text(json, &body) == 0 &&
            (more = malloc(strlen(body) + 32)))
            snprintf(more, strlen(body) + 32, "\nsummary sent:\n%s", body);
        free(json);
        free(body);
    }
    if (err.msg[0])
        app_status(a, 1, "%s", err.msg);
    if (!more)
        return;
    char *grown = realloc(*text, *cap + strlen(more) + 1);
    if (grown) {
        *text = grown;
        *cap += strlen(more) + 1;
        *len += (size_t)snprintf(*text + *len, *cap - *len, "%s", more);
    }
    free(more);
}

/* Enter: the selected row whole, "column: value" a paragraph each, and what
 * the row has beyond its columns. */
static void open_row(app *a, record *r)
{
    char title[128];
    size_t cap = 256, len = 0;
    if (!r->table.nrows)
        return;
    for (int c = 0; c < r->table.ncols; c++)
        cap +=
            strlen(r->table.cols[c]) + strlen(table_cell(&r->table, r->pos.sel, c)) + 4;
    char *text = malloc(cap);
    if (!text)
        return;
    text[0] = '\0';
    for (int c = 0; c < r->table.ncols; c++)
        len += (size_t)snprintf(text + len, cap - len, "%s: %s\n", r->table.cols[c],
                                table_cell(&r->table, r->pos.sel, c));
    row_more(a, r, &text, &cap, &len);
    snprintf(title, sizeof title, "%.40s, %.30s: %s (q back)", r->c.family_name,
             r->c.given_name, record_tab_names()[r->tab]);
    view *p = view_pager_new(title, text);
    free(text);
    if (p)
        app_push(a, p);
}

/* The id after prefix ("goal:", "step:", "med:", "rec:") in the ref of the
 * selected row of tab, or 0 (said why: need). */
static int64_t selected_ref(app *a, record *r, const char *tab, const char *prefix,
                            const char *need)
{
    const char *ref =
        on_tab(r, tab) ? table_cell(&r->table, r->pos.sel, table_col(&r->table, "ref"))
                       : "";
    if (!strncmp(ref, prefix, strlen(prefix)))
        return atoll(ref + strlen(prefix));
    app_status(a, 1, "choose %s on the %s tab", need, tab);
    return 0;
}

/* d and J on a step of the plan tab. */
static void step_key(app *a, record *r, enum action act)
{
    int64_t id = selected_ref(a, r, "plan", "step:", "a step");
    if (id && plan_step_act(a, r->client_id, id, act))
        load_tab(a, r);
}

/* S: a step for the selected goal (or the goal of the selected step). */
static view *add_step(app *a, record *r)
{
    if (!on_tab(r, "plan")) {
        app_status(a, 1, "choose a goal on the plan tab");
        return NULL;
    }
    return form_step_new(
        a, r->client_id,
        table_cell(&r->table, r->pos.sel, table_col(&r->table, "ref")));
}

/* !: the nurse's sign-off of the selected reconciliation. */
static void sign_off(app *a, record *r)
{
    int64_t id = selected_ref(a, r, "medications", "rec:", "a reconciliation");
    if (!id)
        return;
    med_sign_off_act(a, id);
    load(a, r); /* the band's pillars too */
}

static view *goal_add(app *a, int64_t client_id)
{
    return form_goal_new(a, client_id, 0);
}

static view *med_add_form(app *a, int64_t client_id)
{
    return form_med_new(a, client_id, 0);
}

/* The forms opened from a record, by action. */
static const struct {
    enum action act;
    view *(*open)(app *a, int64_t client_id);
} forms[] = {
    {ACT_CONTACT, form_contact_new},     {ACT_HANDOFF, form_handoff_new},
    {ACT_CONSENT, form_consent_new},     {ACT_ASSESS, view_assessment_new},
    {ACT_TASK_ADD, form_task_new},       {ACT_EPISODE, form_episode_new},
    {ACT_ENCOUNTER, form_encounter_new}, {ACT_PHONES, form_phones_new},
    {ACT_ADDRESS, form_address_new},     {ACT_CAREGIVER, form_caregiver_add},
    {ACT_BOOK, form_appointment_new},    {ACT_ADD_GOAL, goal_add},
    {ACT_ADD_MED, med_add_form},         {ACT_RECONCILE, form_reconcile_new},
    {ACT_PILLAR, form_pillar_new},       {ACT_PAM, form_pam_new},
};

/* E on the plan or medications tab: the selected goal or medication. */
static view *edit_plan_or_med(app *a, record *r)
{
    if (!strcmp(record_tab_names()[r->tab], "plan")) {
        int64_t id = selected_ref(a, r, "plan", "goal:", "a goal to edit");
        return id ? form_goal_new(a, r->client_id, id) : NULL;
    }
    int64_t id = selected_ref(a, r, "medications", "med:", "a medication to edit");
    return id ? form_med_new(a, r->client_id, id) : NULL;
}

/* E: a correction of a contact on the contacts tab; a caregiver on the
 * details tab, the address or primary care there; a goal or a medication;
 * or else the client's own details. */
static view *edit_selected(app *a, record *r)
{
    const char *tab = record_tab_names()[r->tab];
    if (!strcmp(tab, "plan") || !strcmp(tab, "medications"))
        return edit_plan_or_med(a, r);
    if (on_tab(r, "contacts")) {
        const cc_table *t = &r->table;
        int row = r->pos.sel;
        const char *note = table_cell(t, row, table_col(t, "note"));
        if (!strncmp(note, "(corrected) ", 12)) /* the tab's marks, not the note */
            note += 12;
        else if (!strncmp(note, "(corrects ", 10) && strstr(note, ") "))
            note = strstr(note, ") ") + 2;
        const char *values[5] = {table_cell(t, row, table_col(t, "kind")),
                                 table_cell(t, row, table_col(t, "at")),
                                 table_cell(t, row, table_col(t, "outcome")),
                                 table_cell(t, row, table_col(t, "min")), note};
        return form_contact_correct(
            a, r->client_id, atoll(table_cell(t, row, table_col(t, "id"))), values);
    }
    if (on_tab(r, "details")) {
        const char *ref =
            table_cell(&r->table, r->pos.sel, table_col(&r->table, "ref"));
        const char *what = table_cell(&r->table, r->pos.sel, 0);
        if (!strncmp(ref, "caregiver:", 10))
            return form_caregiver_new(a, r->client_id, atoll(ref + 10));
        if (!strcmp(what, "address") || !strcmp(what, "primary care"))
            return form_address_new(a, r->client_id);
        if (!strncmp(what, "phone", 5))
            return form_phones_new(a, r->client_id);
    }
    return form_client_new(a, r->client_id);
}

/* K, m, u on the appointments tab. */
static void appointment_key(app *a, record *r, enum action act)
{
    if (!on_tab(r, "appointments")) {
        app_status(a, 1, "%s: choose an appointment on the appointments tab",
                   action_help(act));
        return;
    }
    appointment_act(
        a, atoll(table_cell(&r->table, r->pos.sel, table_col(&r->table, "id"))), act);
    load_tab(a, r);
}

static const struct view_ops *ops_of_tab(const record *r);

/* The next or previous tab, and its footer. */
static enum redraw switch_tab(app *a, view *v, int step)
{
    record *r = v->data;
    const struct view_ops *was = v->ops;
    r->tab = (r->tab + step + ntabs()) % ntabs();
    r->pos.sel = r->pos.top = 0;
    load_tab(a, r);
    v->ops = ops_of_tab(r);
    return v->ops == was ? REDRAW_VIEW : REDRAW_ALL;
}

static enum redraw key(app *a, view *v, enum action act, int ch)
{
    record *r = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&r->pos, r->table.nrows, a->lay.body_h - 5, act)) !=
        REDRAW_PASS)
        return moved;
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        if (forms[i].act == act) {
            app_push(a, forms[i].open(a, r->client_id));
            return REDRAW_VIEW; /* a refusal is on the status line */
        }
    switch (act) {
    case ACT_EDIT:
        app_push(a, edit_selected(a, r));
        return REDRAW_VIEW;
    case ACT_KEPT:
    case ACT_NO_SHOW:
    case ACT_UNBOOK:
        appointment_key(a, r, act);
        return REDRAW_ALL;
    case ACT_NEXT_TAB:
        return switch_tab(a, v, 1);
    case ACT_PREV_TAB:
        return switch_tab(a, v, -1);
    case ACT_OPEN:
        open_row(a, r);
        return REDRAW_ALL;
    case ACT_TASK_DONE:
        if (on_tab(r, "plan"))
            step_key(a, r, act);
        else
            complete_task(a, r);
        return REDRAW_VIEW;
    case ACT_STEP_TASK:
        step_key(a, r, act);
        return REDRAW_ALL;
    case ACT_ADD_STEP:
        app_push(a, add_step(a, r));
        return REDRAW_VIEW;
    case ACT_PLAN_REVIEW:
    case ACT_PLAN_TEMPLATE:
        plan_act(a, r->client_id, act);
        load(a, r);
        return REDRAW_ALL;
    case ACT_SIGN_OFF:
        sign_off(a, r);
        return REDRAW_ALL;
    case ACT_WITHDRAW:
        withdraw_handoff(a, r);
        return REDRAW_ALL;
    case ACT_OUTSIDE:
        outside_accepted(a, r);
        return REDRAW_ALL;
    default:
        return REDRAW_PASS;
    }
}

static void reload(app *a, view *v)
{
    load(a, v->data);
}

static void destroy(view *v)
{
    record *r = v->data;
    table_free(&r->table);
    free(r);
    free(v);
}

#define RECORD_OPS(footer)                                                             \
    {                                                                                  \
        "record", footer, draw, key, reload, destroy, KEYS_VIEW,                       \
            0 /* a reload is an audited view: only when asked for */                   \
    }

/* The same view, with the footer of the tab on screen. */
static const struct view_ops ops =
    RECORD_OPS("next-tab log-contact book assess consent handoff phones help");
static const struct view_ops plan_ops = RECORD_OPS(
    "add-goal add-step task-done step-task edit plan-review plan-template help");
static const struct view_ops meds_ops =
    RECORD_OPS("add-med edit reconcile sign-off pillar pam help");

static const struct view_ops *ops_of_tab(const record *r)
{
    const char *tab = record_tab_names()[r->tab];
    return !strcmp(tab, "plan")          ? &plan_ops
           : !strcmp(tab, "medications") ? &meds_ops
                                         : &ops;
}

view *view_record_new(app *a, int64_t client_id, const char *tab)
{
    view *v = calloc(1, sizeof *v);
    record *r = calloc(1, sizeof *r);
    if (!v || !r) {
        free(v), free(r);
        return NULL;
    }
    r->client_id = client_id;
    for (int i = 0; tab && record_tab_names()[i]; i++)
        if (!strcmp(record_tab_names()[i], tab))
            r->tab = i;
    v->ops = ops_of_tab(r);
    v->data = r;
    if (load(a, r) != 0) {
        destroy(v);
        return NULL;
    }
    return v;
}

/* Complete a task (app.h): the one path of `d`, on the record and the inbox. */
int app_complete_task(app *a, int64_t client_id, int64_t task_id)
{
    task t, theirs;
    cc_err err = {0};
    if (!may_change(a, client_id))
        return 0; /* why not is on the status line */
    if (task_get(&a->ctx, task_id, &t, &err) != CC_OK ||
        task_complete(&a->ctx, task_id, t.version, &theirs, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg); /* a conflict says who was first */
        return err.code == CC_ECONFLICT;
    }
    app_status(a, 0, "done: %s", t.title);
    return 1;
}

/* Open a client, with break-glass if it is outside the person's scope. */
void app_open_client(app *a, int64_t client_id)
{
    app_open_client_on(a, client_id, NULL);
}

void app_open_client_on(app *a, int64_t client_id, const char *tab)
{
    cc_err err = {0};
    char reason[200];
    int64_t grant;
    if (scope_client(&a->ctx, client_id, 0, &err) == CC_OK) {
        app_push(a, view_record_new(a, client_id, tab));
        return;
    }
    if (err.code != CC_EREFUSED || !strcmp(a->me.role, "admin")) {
        app_status(a, 1, "%s", err.msg);
        return;
    }
    app_status(a, 1, "client %lld is outside your caseload and teams",
               (long long)client_id);
    draw_status(a);
    char ask[80];
    snprintf(ask, sizeof ask,
             "Break-glass reason (%s cancels): ", keymap_key_name(ACT_CANCEL));
    if (app_prompt(a, ask, reason, sizeof reason, 0) != 0)
        return;
    if (scope_break_glass(&a->ctx, client_id, reason, 0, &grant, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return;
    }
    app_push(a, view_record_new(a, client_id, tab));
    app_status(a, 0, "break-glass: opened for 60 minutes; supervisors are alerted");
}
