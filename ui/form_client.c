/*
 * form_client.c — editing a client's details, and the conflict screen.
 *
 * The form keeps the version it read. If someone saved first, the core
 * refuses (CC_ECONFLICT) and hands back their version; the conflict screen
 * shows both, side by side, and the person chooses: keep theirs (and lose
 * nothing of theirs), or put their own edits on top of it. Nothing is
 * overwritten without that choice.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/client.h"
#include "form_common.h"
#include "keymap.h"

typedef struct edit_state {
    client read;   /* what the person started from */
    client mine;   /* what the person wants */
    client theirs; /* what someone else saved */
} edit_state;

/* Theirs with only the fields the person changed (mine != read) put on top:
 * their other changes stay. */
static client merged(const edit_state *s)
{
    client m = s->theirs;
#define TAKE_STR(field)                                                                \
    do {                                                                               \
        if (strcmp(s->mine.field, s->read.field) != 0)                                 \
            snprintf(m.field, sizeof m.field, "%s", s->mine.field);                    \
    } while (0)
    TAKE_STR(family_name);
    TAKE_STR(given_name);
    TAKE_STR(zip);
    TAKE_STR(language);
    TAKE_STR(setting);
#undef TAKE_STR
    if (s->mine.interpreter != s->read.interpreter)
        m.interpreter = s->mine.interpreter;
    return m;
}

static void fill_from_form(const form *fm, client *c)
{
    snprintf(c->family_name, sizeof c->family_name, "%.63s", fm->f[0].value);
    snprintf(c->given_name, sizeof c->given_name, "%.63s", fm->f[1].value);
    snprintf(c->zip, sizeof c->zip, "%.5s", fm->f[2].value);
    snprintf(c->language, sizeof c->language, "%.15s", fm->f[3].value);
    c->interpreter = !strcmp(fm->f[4].value, "yes");
    snprintf(c->setting, sizeof c->setting, "%.15s", fm->f[5].value);
}

/* ---- the conflict screen ----------------------------------------------- */

typedef struct conflict {
    edit_state s;
} conflict;

static void conflict_line(app *a, int y, const char *label, const char *mine,
                          const char *theirs)
{
    int w = (a->lay.cols - 18) / 2;
    draw_text(a, y, 1, 16, label, ROLE_DIM);
    draw_text(a, y, 18, w, mine, strcmp(mine, theirs) ? ROLE_WARN : ROLE_NORMAL);
    draw_text(a, y, 18 + w + 1, w - 1, theirs,
              strcmp(mine, theirs) ? ROLE_WARN : ROLE_NORMAL);
}

static void conflict_draw(app *a, view *v)
{
    conflict *c = v->data;
    const client *m = &c->s.mine, *t = &c->s.theirs;
    int y = a->lay.body_y;
    draw_text(a, 1, 0, a->lay.cols,
              " Someone saved this client first: compare and choose", ROLE_ERROR);
    conflict_line(a, y++, "", "YOURS (not saved)", "THEIRS (saved)");
    conflict_line(a, y++, "family name", m->family_name, t->family_name);
    conflict_line(a, y++, "given name", m->given_name, t->given_name);
    conflict_line(a, y++, "ZIP", m->zip, t->zip);
    conflict_line(a, y++, "language", m->language, t->language);
    conflict_line(a, y++, "interpreter", m->interpreter ? "yes" : "no",
                  t->interpreter ? "yes" : "no");
    conflict_line(a, y++, "setting", m->setting, t->setting);
    char keys[128];
    snprintf(keys, sizeof keys,
             "%s: your changes on top of theirs    %s or %s: keep theirs, drop yours",
             keymap_key_name(ACT_MERGE), keymap_key_name(ACT_KEEP_THEIRS),
             keymap_key_name(ACT_CANCEL));
    draw_text(a, y + 1, 1, a->lay.cols - 2, keys, ROLE_NORMAL);
}

/* m: their version, with only the person's changes on top, saved. */
static enum redraw conflict_merge(app *a, conflict *c)
{
    cc_err err = {0};
    client newer;
    client m = merged(&c->s);
    if (client_update(&a->ctx, &m, &newer, &err) == CC_ECONFLICT) {
        c->s.theirs = newer; /* someone saved again: show the newest */
        app_status(a, 1, "saved again by someone else meanwhile: compare once more");
        return REDRAW_VIEW;
    }
    app_pop(a);
    app_status(a, err.code ? 1 : 0, "%s",
               err.code ? err.msg : "saved: your changes on top of theirs");
    return REDRAW_ALL;
}

/* Every key stays here: merge, or keep theirs (also Esc). */
static enum redraw conflict_key(app *a, view *v, enum action act, int ch)
{
    (void)ch;
    if (act == ACT_MERGE)
        return conflict_merge(a, v->data);
    if (act != ACT_KEEP_THEIRS && act != ACT_CANCEL)
        return REDRAW_NONE;
    app_pop(a);
    app_status(a, 0, "kept their version; your edits were dropped");
    return REDRAW_ALL;
}

static void conflict_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops conflict_ops = {
    "conflict", "", conflict_draw, conflict_key, NULL, conflict_destroy, KEYS_EDIT, 0,
};

view *view_conflict_new(const client *read, const client *mine, const client *theirs)
{
    view *v = calloc(1, sizeof *v);
    conflict *c = calloc(1, sizeof *c);
    if (!v || !c) {
        free(v), free(c);
        return NULL;
    }
    c->s.read = *read;
    c->s.mine = *mine;
    c->s.theirs = *theirs;
    v->ops = &conflict_ops;
    v->data = c;
    return v;
}

/* ---- the edit form ----------------------------------------------------- */

typedef struct edit_form {
    form fm;
    client read; /* as read, with its version */
} edit_form;

static int save_client(app *a, form *fm, cc_err *err)
{
    edit_form *ef = (edit_form *)fm;
    client mine = ef->read, theirs;
    fill_from_form(fm, &mine);
    int rc = client_update(&a->ctx, &mine, &theirs, err);
    if (rc == CC_ECONFLICT) {
        /* the form closes; its edits live on in the conflict screen */
        fm->then = view_conflict_new(&ef->read, &mine, &theirs);
        fm->saved_msg = "someone saved first: compare and choose";
        return CC_OK;
    }
    return rc;
}

view *form_client_new(app *a, int64_t client_id)
{
    cc_err err = {0};
    if (!may_change(a, client_id))
        return NULL;
    edit_form *ef = calloc(1, sizeof *ef);
    if (!ef)
        return NULL;
    if (client_get(&a->ctx, client_id, &ef->read, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(ef);
        return NULL;
    }
    form *fm = &ef->fm;
    const client *c = &ef->read;
    fm->title = " Edit the client's details";
    fm->client_id = client_id;
    fm->n = 6;
    fm->f[0] = (form_field){"Family name", NULL, ""};
    fm->f[1] = (form_field){"Given name", NULL, ""};
    fm->f[2] = (form_field){"ZIP", NULL, ""};
    fm->f[3] = (form_field){"Language", NULL, ""};
    fm->f[4] = (form_field){"Interpreter", "no,yes", ""};
    fm->f[5] = (form_field){"Setting", "home,senior-living,snf", ""};
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", c->family_name);
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", c->given_name);
    snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", c->zip);
    snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", c->language);
    snprintf(fm->f[4].value, sizeof fm->f[4].value, "%s",
             c->interpreter ? "yes" : "no");
    snprintf(fm->f[5].value, sizeof fm->f[5].value, "%s", c->setting);
    fm->save = save_client;
    fm->saved_msg = "client saved";
    return form_view_new(fm);
}
