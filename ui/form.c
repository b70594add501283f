/*
 * form.c — the form engine (see form.h): drawing the fields, moving between
 * them, editing free text, cycling or typing ahead in a choice, saving and
 * cancelling. Each form (form_*.c) fills in its fields and its save.
 */
#include "form.h"

#include <stdlib.h>
#include <string.h>

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
    if (fm->key && fm->key(a, fm, act, ch))
        return 1;
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
