/*
 * form.c — the form engine (see form.h) and the forms built on it: log a
 * contact, propose a warm hand-off (with the summary prefilled and the
 * consent gate's verdict shown before sending).
 */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "core/consent.h"
#include "core/handoff.h"
#include "core/program.h"
#include "core/staff.h"
#include "core/task.h"
#include "keymap.h"
#include "util/text.h"

/* ---- the engine -------------------------------------------------------- */

static void cycle_choice(form_field *f, int dir)
{
    char words[16][64];
    int n = 0, at = 0;
    for (const char *p = f->choices; p && *p && n < 16;) {
        size_t len = strcspn(p, ",");
        snprintf(words[n], sizeof words[n], "%.*s", (int)len, p);
        if (!strcmp(words[n], f->value))
            at = n;
        n++;
        p += len + (p[len] == ',');
    }
    if (n)
        snprintf(f->value, sizeof f->value, "%s", words[(at + dir + n) % n]);
}

/* Type-ahead in a choice field: the first choice containing what was typed
 * (e.g. "coach2" picks staff:demo-coach2). */
static void type_ahead(form *fm, int ch)
{
    form_field *f = &fm->f[fm->cur];
    size_t len = strlen(fm->typed);
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len)
        fm->typed[len - 1] = '\0';
    else if (ch > 32 && ch < 127 && len + 1 < sizeof fm->typed)
        fm->typed[len] = (char)ch, fm->typed[len + 1] = '\0';
    for (const char *p = f->choices; p && *p;) {
        size_t n = strcspn(p, ",");
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        if (strstr(word, fm->typed)) {
            snprintf(f->value, sizeof f->value, "%s", word);
            return;
        }
        p += n + (p[n] == ',');
    }
    /* nothing matches: say so, so that saving fails rather than sending the
     * client to the last partial match */
    snprintf(f->value, sizeof f->value, "no match: %s", fm->typed);
}

static void draw(app *a, view *v)
{
    form *fm = v->data;
    int y = a->lay.body_y + 1;
    draw_text(a, 1, 0, a->lay.cols, fm->title, ROLE_DIM);
    for (int i = 0; i < fm->n; i++, y += 2) {
        char label[64];
        snprintf(label, sizeof label, "%s%s:", fm->f[i].label,
                 fm->f[i].choices ? " (Space)" : "");
        draw_text(a, y, 2, 22, label, ROLE_NORMAL);
        draw_text(a, y, 25, a->lay.cols - 27, fm->f[i].value,
                  i == fm->cur ? ROLE_SELECTED : ROLE_DIM);
    }
    if (fm->preview[0])
        draw_text(a, y, 2, a->lay.cols - 4, fm->preview, ROLE_WARN);
    if (!a->status[0])
        app_status(a, 0,
                   "Tab moves between fields; Enter on the last field or ^S saves; "
                   "Esc cancels");
}

static void edit(form_field *f, int ch)
{
    size_t len = strlen(f->value);
    if (f->choices) {
        cycle_choice(f, ch == KEY_LEFT ? -1 : 1);
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        while (len && ((unsigned char)f->value[len - 1] & 0xC0) == 0x80)
            len--;
        if (len)
            f->value[len - 1] = '\0';
    } else if (ch >= 32 && ch < 256 && ch != 127 && len + 1 < sizeof f->value) {
        f->value[len] = (char)ch;
        f->value[len + 1] = '\0';
    }
}

static int save(app *a, form *fm)
{
    cc_err err = {0};
    if (fm->save(a, fm, &err) != CC_OK) {
        app_status(a, 1, "not saved: %s", err.msg);
        return 0;
    }
    char msg[160];
    view *next = fm->then;
    snprintf(msg, sizeof msg, "%s", fm->saved_msg);
    app_pop(a); /* frees fm */
    if (next)
        app_push(a, next);
    app_status(a, 0, "%s", msg);
    return 1;
}

static int key(app *a, view *v, enum action act, int ch)
{
    form *fm = v->data;
    if (ch == 27) {
        app_pop(a);
        app_status(a, 0, "cancelled: nothing saved");
        return 1;
    }
    if (ch == 19 ||
        ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && fm->cur == fm->n - 1))
        return save(a, fm), 1;
    if (ch == '\t' || ch == KEY_DOWN || ch == '\n' || ch == '\r' || ch == KEY_ENTER)
        fm->cur = (fm->cur + 1) % fm->n, fm->typed[0] = '\0';
    else if (ch == KEY_BTAB || ch == KEY_UP)
        fm->cur = (fm->cur + fm->n - 1) % fm->n, fm->typed[0] = '\0';
    else if (fm->f[fm->cur].choices && (ch == ' ' || ch == KEY_RIGHT || ch == KEY_LEFT))
        cycle_choice(&fm->f[fm->cur], ch == KEY_LEFT ? -1 : 1);
    else if (fm->f[fm->cur].choices)
        type_ahead(fm, ch);
    else if (!fm->f[fm->cur].choices)
        edit(&fm->f[fm->cur], ch);
    if (fm->changed)
        fm->changed(a, fm);
    (void)act;
    return 1; /* a form keeps every key to itself */
}

static void destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops ops = {"form", "", draw, key, NULL, destroy};

view *form_view_new(form *fm)
{
    view *v = calloc(1, sizeof *v);
    if (!v) {
        free(fm);
        return NULL;
    }
    v->ops = &ops;
    v->data = fm;
    return v;
}

/* ---- log a contact ----------------------------------------------------- */

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
    form *fm = calloc(1, sizeof *fm);
    (void)a;
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

/* ---- propose a hand-off ------------------------------------------------ */

int form_parse_target(app *a, const char *spec, handoff_target *t, cc_err *err)
{
    const char *colon = strchr(spec, ':');
    staff s;
    program p;
    memset(t, 0, sizeof *t);
    if (!colon)
        return cc_err_set(err, CC_EINPUT,
                          "to: staff:LOGIN, team:ID, program:CODE or org:CODE");
    if (!strncmp(spec, "staff:", 6) && staff_find(a->st, colon + 1, &s, err) == CC_OK)
        snprintf(t->kind, sizeof t->kind, "staff"), t->id = s.id;
    else if (!strncmp(spec, "team:", 5))
        snprintf(t->kind, sizeof t->kind, "team"), t->id = atoll(colon + 1);
    else if (!strncmp(spec, "program:", 8) &&
             program_by_code(&a->ctx, colon + 1, &p, err) == CC_OK)
        snprintf(t->kind, sizeof t->kind, "program"), t->id = p.id;
    else if (!strncmp(spec, "org:", 4))
        snprintf(t->kind, sizeof t->kind, "organization"),
            t->id = organization_by_code(&a->ctx, colon + 1);
    return t->id       ? CC_OK
           : err->code ? err->code
                       : cc_err_set(err, CC_EINPUT, "no such %s", spec);
}

/* Show the consent gate's verdict for an outside organization as it is
 * typed, before anything is sent. */
static void handoff_changed(app *a, form *fm)
{
    handoff_target t;
    cc_err err = {0};
    if (strncmp(fm->f[0].value, "org:", 4) != 0 ||
        form_parse_target(a, fm->f[0].value, &t, &err) != CC_OK)
        return;
    if (consent_covers(&a->ctx, fm->client_id, t.id, !strcmp(fm->f[2].value, "yes"),
                       &err))
        snprintf(fm->preview, sizeof fm->preview, "Consent gate: REFUSED: %s", err.msg);
    else
        snprintf(fm->preview, sizeof fm->preview,
                 "Consent gate: passes; the summary will be recorded as a disclosure");
}

static int save_handoff(app *a, form *fm, cc_err *err)
{
    handoff_target t;
    int64_t id;
    if (form_parse_target(a, fm->f[0].value, &t, err) != CC_OK)
        return err->code;
    return handoff_propose(&a->ctx, fm->client_id, &t, fm->f[1].value,
                           !strcmp(fm->f[2].value, "yes"), &id, err);
}

view *form_handoff_new(app *a, int64_t client_id)
{
    form *fm = calloc(1, sizeof *fm);
    char *summary = NULL;
    cc_err err = {0};
    if (!fm)
        return NULL;
    fm->title = " Propose a warm hand-off (you keep the client until it is accepted)";
    fm->client_id = client_id;
    fm->n = 3;
    fm->f[0] = (form_field){"To", NULL, "staff:"};
    if (worklist_handoff_targets(&a->ctx, fm->choice_buf, sizeof fm->choice_buf,
                                 &err) == CC_OK &&
        fm->choice_buf[0]) { /* chosen from a list: Space and arrows move through it */
        fm->f[0].choices = fm->choice_buf;
        snprintf(fm->f[0].value, sizeof fm->f[0].value, "%.*s",
                 (int)strcspn(fm->choice_buf, ","), fm->choice_buf);
    }
    fm->f[1] = (form_field){"Note", NULL, ""};
    fm->f[2] = (form_field){"Substance-use info", "no,yes", "no"};
    if (handoff_summary(&a->ctx, client_id, &summary, &err) == CC_OK)
        snprintf(fm->preview, sizeof fm->preview, "Summary sent: %s", summary);
    free(summary);
    fm->save = save_handoff;
    fm->changed = handoff_changed;
    fm->saved_msg = "hand-off proposed; the client stays yours until it is accepted";
    return form_view_new(fm);
}
