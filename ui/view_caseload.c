/*
 * view_caseload.c — the home screen: one row per client of the caseload,
 * most urgent first (from the core), with a filter as you type ('/'), sort
 * orders ('o') and Enter to open the client.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "core/handoff.h"
#include "form.h"
#include "form_common.h"
#include "keymap.h"
#include "list.h"

typedef struct caseload {
    int64_t staff_id;
    int team;       /* the clients of everyone on the reader's teams */
    char whose[48]; /* "My caseload" or "coach-006's caseload" */
    worklist_row *rows;
    int n;
    int *shown; /* indexes of rows passing the filter, in sort order */
    int nshown;
    list_pos pos;
    char filter[64];
    int sort;      /* index into sorts */
    char *tagged;  /* per row: tagged for a move (mutt-style) */
    int filtering; /* keys go to the filter as they are typed */
    int ntagged;
} caseload;

static int by_name(const void *x, const void *y, const worklist_row *r)
{
    return strcasecmp(r[*(const int *)x].name, r[*(const int *)y].name);
}

static int by_due(const void *x, const void *y, const worklist_row *r)
{
    const char *a = r[*(const int *)x].next_due, *b = r[*(const int *)y].next_due;
    return strcmp(*a ? a : "9999", *b ? b : "9999");
}

static int by_urgency(const void *x, const void *y, const worklist_row *r)
{
    return *(const int *)x - *(const int *)y; /* the core's order */
}

static const struct {
    const char *label;
    int (*cmp)(const void *, const void *, const worklist_row *);
} sorts[] = {{"urgency", by_urgency}, {"name", by_name}, {"next due", by_due}};

static const worklist_row *sort_rows;
static int sort_index;

static int sort_cmp(const void *x, const void *y)
{
    int d = sorts[sort_index].cmp(x, y, sort_rows);
    return d ? d : *(const int *)x - *(const int *)y;
}

static void apply_filter(caseload *c)
{
    c->nshown = 0;
    for (int i = 0; i < c->n; i++)
        if (!c->filter[0] || strcasestr(c->rows[i].name, c->filter) ||
            strcasestr(c->rows[i].program, c->filter))
            c->shown[c->nshown++] = i;
    sort_rows = c->rows;
    sort_index = c->sort;
    if (c->nshown)
        qsort(c->shown, (size_t)c->nshown, sizeof *c->shown, sort_cmp);
    c->pos.sel = layout_clamp(c->pos.sel, c->nshown);
}

/* What the person marked, by client id, to survive a reload: the tagged
 * clients (NULL if none or out of memory) and the selected one. */
typedef struct marks {
    int64_t *tagged;
    int ntagged;
    int64_t selected;
} marks;

static marks marks_take(const caseload *c)
{
    marks m = {NULL, 0, c->nshown ? c->rows[c->shown[c->pos.sel]].client_id : 0};
    if (c->ntagged && (m.tagged = calloc((size_t)c->ntagged, sizeof *m.tagged)))
        for (int i = 0; i < c->n; i++)
            if (c->tagged[i] && m.ntagged < c->ntagged)
                m.tagged[m.ntagged++] = c->rows[i].client_id;
    return m;
}

/* Tag again the rows of the clients in m, select its selected one if still
 * shown (else the same position stays), and free m. */
static void marks_put(caseload *c, marks *m)
{
    for (int i = 0; c->tagged && i < c->n; i++)
        for (int j = 0; j < m->ntagged; j++)
            if (c->rows[i].client_id == m->tagged[j]) {
                c->tagged[i] = 1;
                c->ntagged++;
            }
    for (int i = 0; m->selected && i < c->nshown; i++)
        if (c->rows[c->shown[i]].client_id == m->selected)
            c->pos.sel = i;
    free(m->tagged);
}

/* Read the caseload again; tags and the selection follow their clients. */
static void load(app *a, caseload *c)
{
    cc_err err = {0};
    marks m = marks_take(c);
    free(c->rows);
    free(c->shown);
    free(c->tagged);
    c->rows = NULL;
    c->n = c->ntagged = 0;
    if ((c->team
             ? worklist_team_caseload(&a->ctx, &c->rows, &c->n, &err)
             : worklist_caseload(&a->ctx, c->staff_id, &c->rows, &c->n, &err)) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    c->shown = calloc((size_t)c->n + 1, sizeof *c->shown);
    c->tagged = calloc((size_t)c->n + 1, 1);
    apply_filter(c);
    marks_put(c, &m);
}

static const int widths[] = {19, 7, 8, 2, 8, 11, 8, 10};

static void draw_row(app *a, const worklist_row *r, int y, int selected, int tagged,
                     int team)
{
    char tier[4], due[16];
    snprintf(tier, sizeof tier, "%s", r->tier ? (r->tier == 1 ? "T1" : "T2") : "");
    snprintf(due, sizeof due, "%s%s", r->next_due, r->overdue ? "!" : "");
    char name[140];
    /* "+" marks a client of someone covered on leave (the status line names
     * them); on the team's list every row is someone's, named there too */
    snprintf(name, sizeof name, "%s%s%s", tagged ? "* " : "",
             r->covering[0] && !team ? "+" : "", r->name);
    const char *cells[] = {name,       r->program,     r->risk[0] ? r->risk : "-",
                           tier,       r->episode,     due,
                           r->consent, r->last_contact};
    enum role role = r->overdue || !strcmp(r->risk, "high")       ? ROLE_URGENT
                     : strcmp(r->consent, "ok") || r->past_target ? ROLE_WARN
                                                                  : ROLE_NORMAL;
    draw_columns(a, y, widths, cells, 8, role);
    /* The selection bar covers the client's name, not the whole row: moving
     * it then rewrites two names instead of two 80-column rows, which keeps
     * a key press under 200 bytes on a slow link (docs/PERFORMANCE.md, "The
     * terminal"), as mutt's arrow_cursor does. */
    if (selected)
        draw_text(a, y, 0, widths[0], name, ROLE_SELECTED);
}

static void draw(app *a, view *v)
{
    caseload *c = v->data;
    static const char *const head[] = {"CLIENT",  "PROGRAM",  "RISK",    "T",
                                       "EPISODE", "NEXT DUE", "CONSENT", "CONTACTED"};
    char title[200];
    snprintf(title, sizeof title, " %s, %d%s clients, by %s%s%s", c->whose, c->nshown,
             c->filter[0] ? " matching" : "", sorts[c->sort].label,
             c->filter[0] ? ", filter: " : "", c->filter);
    if (c->ntagged) {
        size_t len = strlen(title);
        snprintf(title + len, sizeof title - len, ", %d tagged (%s moves them)",
                 c->ntagged, keymap_key_name(ACT_TRANSFER));
    }
    draw_text(a, 1, 0, a->lay.cols, title, ROLE_DIM);
    draw_columns(a, a->lay.body_y, widths, head, 8, ROLE_DIM);
    int visible = a->lay.body_h - 1;
    c->pos.top = layout_scroll(c->pos.sel, c->pos.top, visible, c->nshown);
    for (int i = 0; i < visible && c->pos.top + i < c->nshown; i++)
        draw_row(a, &c->rows[c->shown[c->pos.top + i]], a->lay.body_y + 1 + i,
                 c->pos.top + i == c->pos.sel, c->tagged[c->shown[c->pos.top + i]],
                 c->team);
    if (!c->nshown)
        draw_text(a, a->lay.body_y + 2, 2, a->lay.cols - 4,
                  c->filter[0] ? "No client matches the filter." : "No active clients.",
                  ROLE_DIM);
    else if (!a->status[0] && !c->filtering) {
        const worklist_row *r = &c->rows[c->shown[c->pos.sel]];
        app_status(a, 0, "%s%s%s%s%s%snext: %s%s",
                   r->readmitted[0] ? "readmitted " : "", r->readmitted,
                   r->readmitted[0] ? "; " : "",
                   !r->covering[0] ? ""
                   : c->team       ? "owner "
                                   : "covering for ",
                   r->covering, r->covering[0] ? ", " : "",
                   r->next_task[0] ? r->next_task : "no open task",
                   r->overdue ? " (overdue)" : "");
    }
}

/* While filtering, every key edits the filter and the list follows at once;
 * Enter keeps the filter, Esc clears it. */
static enum redraw filter_key(app *a, caseload *c, int ch)
{
    size_t len = strlen(c->filter);
    enum action act = keymap_edit_action(ch);
    if (keymap_is_text(ch) && len + 1 < sizeof c->filter) {
        c->filter[len] = (char)ch;
        c->filter[len + 1] = '\0';
    } else if (act == ACT_CANCEL) {
        c->filter[0] = '\0';
        c->filtering = 0;
    } else if (act == ACT_SUBMIT) {
        c->filtering = 0;
    } else if (act == ACT_ERASE) {
        while (len && ((unsigned char)c->filter[len - 1] & 0xC0) == 0x80)
            len--;
        if (len)
            c->filter[len - 1] = '\0';
    }
    apply_filter(c);
    if (c->filtering)
        app_status(a, 0, "Filter: %s   (%s keeps it, %s clears it)", c->filter,
                   keymap_key_name(ACT_SUBMIT), keymap_key_name(ACT_CANCEL));
    return REDRAW_VIEW;
}

/* ---- moving clients: the tagged ones, or (none tagged) the whole caseload */

typedef struct move_form {
    form fm;
    caseload *c; /* the caseload under the form: its tags go once moved */
    int n;       /* the tagged clients in ids, or 0: the whole caseload */
    char msg[160];
    int64_t ids[];
} move_form;

static int save_move(app *a, form *fm, cc_err *err)
{
    move_form *mf = (move_form *)fm;
    handoff_target t;
    int64_t batch;
    int n = mf->n;
    if (form_parse_target(a, fm->f[0].value, &t, err) != CC_OK)
        return err->code;
    int rc =
        mf->n ? handoff_bulk(&a->ctx, mf->ids, mf->n, &t, fm->f[1].value, &batch, err)
              : handoff_bulk_caseload(&a->ctx, mf->c->staff_id, &t, fm->f[1].value,
                                      &batch, &n, err);
    if (rc != CC_OK)
        return rc;
    memset(mf->c->tagged, 0, (size_t)mf->c->n + 1); /* moved: the tags go */
    mf->c->ntagged = 0;
    snprintf(
        mf->msg, sizeof mf->msg,
        "%d warm hand-offs proposed (batch %lld); each client stays until accepted", n,
        (long long)batch);
    return CC_OK;
}

/* The move form: the receiver chosen from a list, as the hand-off form's,
 * and one note for all; the n clients of ids (n = 0: the whole caseload). */
static void open_move(app *a, caseload *c, const int64_t *ids, int n)
{
    cc_err err = {0};
    move_form *mf =
        (move_form *)form_alloc(sizeof *mf + (size_t)n * sizeof *mf->ids, "move", a);
    if (!mf)
        return;
    form *fm = &mf->fm;
    mf->c = c;
    mf->n = n;
    if (n)
        memcpy(mf->ids, ids, (size_t)n * sizeof *ids);
    fm->title = n ? " Move the tagged clients: one warm hand-off each"
                  : " Move the whole caseload: one warm hand-off each";
    fm->n = 2;
    fm->f[0] = (form_field){"To", NULL, "staff:"};
    if (worklist_handoff_targets(&a->ctx, fm->choice_buf, sizeof fm->choice_buf,
                                 &err) == CC_OK &&
        fm->choice_buf[0]) {
        fm->f[0].choices = fm->choice_buf;
        form_first_choice(fm->choice_buf, fm->f[0].value, sizeof fm->f[0].value);
    }
    fm->f[1] = (form_field){"One note for all", NULL, ""};
    snprintf(fm->preview, sizeof fm->preview, "%d client%s; each stays until accepted",
             n ? n : c->n, (n ? n : c->n) == 1 ? "" : "s");
    fm->save = save_move;
    fm->saved_msg = mf->msg;
    app_push(a, form_view_new(fm));
}

/* Nothing tagged: a departing coach's whole caseload, once confirmed. */
static void move_all(app *a, caseload *c)
{
    char yes[8];
    if (app_prompt(a, "Nothing tagged. Move this whole caseload? Type all: ", yes,
                   sizeof yes, 0) != 0 ||
        strcmp(yes, "all") != 0) {
        app_status(a, 0, "nothing moved (%s tags clients one by one)",
                   keymap_key_name(ACT_TAG));
        return;
    }
    open_move(a, c, NULL, 0);
}

/* Hand every tagged client to one receiver as warm hand-offs, one note. */
static void move_tagged(app *a, caseload *c)
{
    int64_t *ids = calloc((size_t)c->n + 1, sizeof *ids);
    int n = 0;
    for (int i = 0; ids && i < c->n; i++)
        if (c->tagged[i])
            ids[n++] = c->rows[i].client_id;
    if (n)
        open_move(a, c, ids, n);
    else
        move_all(a, c);
    free(ids);
}

static enum redraw tag_selected(app *a, caseload *c)
{
    if (!c->nshown)
        return REDRAW_NONE;
    int i = c->shown[c->pos.sel];
    c->tagged[i] = !c->tagged[i];
    c->ntagged += c->tagged[i] ? 1 : -1;
    list_move(&c->pos, c->nshown, a->lay.body_h - 1, ACT_MOVE_DOWN);
    return REDRAW_VIEW;
}

/* Back: clear the filter first, then leave (back to the board, or on the
 * home caseload quit, once asked). */
static enum redraw back(app *a, caseload *c)
{
    if (!c->filter[0])
        return app_back(a);
    c->filter[0] = '\0';
    apply_filter(c);
    return REDRAW_VIEW;
}

static enum redraw key(app *a, view *v, enum action act, int ch)
{
    caseload *c = v->data;
    enum redraw moved;
    if (c->filtering)
        return filter_key(a, c, ch);
    if ((moved = app_move(&c->pos, c->nshown, a->lay.body_h - 1, act)) != REDRAW_PASS)
        return moved;
    switch (act) {
    case ACT_OPEN:
        if (c->nshown) {
            const worklist_row *row = &c->rows[c->shown[c->pos.sel]];
            app_open_client_on(a, row->client_id,
                               row->overdue         ? "tasks"
                               : row->readmitted[0] ? "encounters"
                                                    : NULL);
        }
        return REDRAW_VIEW;
    case ACT_FILTER: /* a fresh filter: the one kept is replaced, not extended */
        c->filtering = 1;
        c->filter[0] = '\0';
        apply_filter(c);
        return filter_key(a, c, ERR);
    case ACT_TAG:
        return tag_selected(a, c);
    case ACT_TRANSFER:
        move_tagged(a, c);
        return REDRAW_VIEW;
    case ACT_NEW_REFERRAL:
        app_push(a, form_intake_new(a));
        return REDRAW_VIEW;
    case ACT_SORT:
        c->sort = (c->sort + 1) % (int)(sizeof sorts / sizeof *sorts);
        apply_filter(c);
        return REDRAW_VIEW;
    case ACT_BACK:
        return back(a, c);
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
    caseload *c = v->data;
    free(c->rows);
    free(c->shown);
    free(c->tagged);
    free(c);
    free(v);
}

static const struct view_ops ops = {
    "caseload", "open new-referral filter search inbox reports help quit",
    draw,       key,
    reload,     destroy,
    KEYS_VIEW,  1,
};

view *view_caseload_new(app *a, int64_t staff_id)
{
    view *v = calloc(1, sizeof *v);
    caseload *c = calloc(1, sizeof *c);
    if (!v || !c) {
        free(v), free(c);
        return NULL;
    }
    c->staff_id = staff_id;
    staff who;
    cc_err err;
    if (staff_id == a->me.id || staff_get(a->st, staff_id, &who, &err) != CC_OK)
        snprintf(c->whose, sizeof c->whose, "My caseload");
    else
        snprintf(c->whose, sizeof c->whose, "%.32s's caseload", who.login);
    v->ops = &ops;
    v->data = c;
    load(a, c);
    return v;
}

view *view_team_caseload_new(app *a)
{
    view *v = view_caseload_new(a, a->me.id);
    if (!v)
        return NULL;
    caseload *c = v->data;
    c->team = 1;
    snprintf(c->whose, sizeof c->whose, "My team's clients");
    load(a, c);
    return v;
}
