/*
 * form.c — the form engine (see form.h): drawing the fields, moving between
 * them, editing free text at its cursor (lineedit.c does the editing; here
 * the keys and the drawing), cycling or typing ahead in a choice, saving and
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
 * (e.g. "coach2" picks staff:demo-coach2); erase takes a character back. */
static void type_ahead(form *fm, int ch, int erase)
{
    form_field *f = &fm->f[fm->cur];
    size_t len = strlen(fm->typed);
    if (erase && len)
        fm->typed[len - 1] = '\0';
    else if (!erase && ch > 32 && ch < 127 && len + 1 < sizeof fm->typed)
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

/* The text field being edited, in w columns from x: its text from where it
 * is scrolled to (so that the cursor shows), the cell under the cursor (a
 * space at the end) in ROLE_CURSOR. */
static void draw_edit(const app *a, int y, int x, int w, form *fm)
{
    form_field *f = &fm->f[fm->cur];
    char before[sizeof f->value], under[sizeof f->value];
    size_t cur = lineedit_clamp(f->value, fm->cursor[fm->cur]);
    size_t end = lineedit_char_end(f->value, cur);
    size_t first = lineedit_scroll(f->value, cur, fm->scroll[fm->cur], w);
    fm->scroll[fm->cur] = first;
    snprintf(before, sizeof before, "%.*s", (int)(cur - first), f->value + first);
    snprintf(under, sizeof under, "%.*s", (int)(end - cur), f->value + cur);
    int bw = lineedit_width(f->value, first, cur);
    int uw = end > cur ? lineedit_width(f->value, cur, end) : 1;
    draw_text(a, y, x, bw, before, ROLE_SELECTED);
    draw_text(a, y, x + bw, uw, end > cur ? under : " ", ROLE_CURSOR);
    draw_text(a, y, x + bw + uw, w - bw - uw, f->value + end, ROLE_SELECTED);
}

static void draw(app *a, view *v)
{
    form *fm = v->data;
    int y = a->lay.body_y + 1, w = a->lay.cols - 27;
    draw_text(a, 1, 0, a->lay.cols, fm->title, ROLE_DIM);
    for (int i = 0; i<fm->n; i++, y += fm->n> 6 ? 1 : 2) {
        char label[64];
        form_field *f = &fm->f[i];
        snprintf(label, sizeof label, "%s%s%s%s:", f->label, f->choices ? " (" : "",
                 f->choices ? keymap_key_name(ACT_NEXT_CHOICE) : "",
                 f->choices ? ")" : "");
        draw_text(a, y, 2, 22, label, ROLE_NORMAL);
        if (i == fm->cur && !f->choices)
            draw_edit(a, y, 25, w, fm);
        else
            draw_text(a, y, 25, w, f->value, i == fm->cur ? ROLE_SELECTED : ROLE_DIM);
    }
    if (fm->preview[0])
        draw_text(a, y, 2, a->lay.cols - 4, fm->preview, ROLE_WARN);
    if (!a->status[0])
        app_status(
            a, 0,
            "%s moves between fields; %s on the last field or %s saves; %s cancels",
            keymap_key_name(ACT_NEXT_FIELD), keymap_key_name(ACT_SUBMIT),
            keymap_key_name(ACT_SAVE), keymap_key_name(ACT_CANCEL));
}

/* ---- keys -------------------------------------------------------------- */

/* The form changed: its preview follows. */
static enum redraw edited(app *a, form *fm)
{
    if (fm->changed)
        fm->changed(a, fm);
    return REDRAW_VIEW;
}

/* A byte typed into a text field: once it completes a character, that is
 * inserted at the cursor; a field too full for it says so. */
static enum redraw type_text(app *a, form *fm, int ch)
{
    form_field *f = &fm->f[fm->cur];
    size_t n = lineedit_utf8_feed(&fm->typing, (unsigned char)ch);
    if (!n)
        return REDRAW_NONE;
    if (lineedit_insert(f->value, sizeof f->value, &fm->cursor[fm->cur], fm->typing.seq,
                        n)) {
        app_status(a, 1, "%s is full: at most %zu bytes", f->label,
                   sizeof f->value - 1);
        return REDRAW_VIEW;
    }
    return edited(a, fm);
}

/* Free text: the keys that move its cursor or edit around it. */
static const struct {
    enum action act;
    lineedit_fn *edit;
} text_keys[] = {
    {ACT_PREV_CHOICE, lineedit_left},      {ACT_NEXT_CHOICE, lineedit_right},
    {ACT_LINE_START, lineedit_start},      {ACT_LINE_END, lineedit_end},
    {ACT_ERASE, lineedit_backspace},       {ACT_DELETE_CHAR, lineedit_delete},
    {ACT_KILL_START, lineedit_kill_start}, {ACT_KILL_END, lineedit_kill_end},
    {ACT_KILL_WORD, lineedit_kill_word},
};

/* act in a text field, if it is an editing key (1, with *r set): a change
 * of the text is an edit, a move of the cursor only a redraw. */
static int edit_text(app *a, form *fm, enum action act, enum redraw *r)
{
    form_field *f = &fm->f[fm->cur];
    for (size_t i = 0; i < sizeof text_keys / sizeof *text_keys; i++) {
        if (text_keys[i].act != act)
            continue;
        fm->typing.have = 0; /* a character half typed is dropped */
        *r = text_keys[i].edit(f->value, &fm->cursor[fm->cur]) ? edited(a, fm)
                                                               : REDRAW_VIEW;
        return 1;
    }
    return 0;
}

static enum redraw save(app *a, form *fm)
{
    cc_err err = {0};
    if (fm->save(a, fm, &err) != CC_OK) {
        app_status(a, 1, "not saved: %s", err.msg);
        return REDRAW_VIEW;
    }
    char msg[160];
    view *next = fm->then;
    snprintf(msg, sizeof msg, "%s", fm->saved_msg);
    app_pop(a); /* frees fm */
    a->counts_ms = 0; /* the header's counts may have changed: read them again */
    if (next)
        app_push(a, next);
    app_status(a, 0, "%s", msg);
    return REDRAW_ALL;
}

/* FNV-1a over every value: changed since the form opened, or not. */
static uint64_t values_hash(const form *fm)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < fm->n; i++)
        for (const char *p = fm->f[i].value;; p++) {
            h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
            if (!*p)
                break;
        }
    return h;
}

void form_mark_clean(form *fm)
{
    fm->clean = values_hash(fm);
    for (int i = 0; i < fm->n; i++)
        lineedit_end(fm->f[i].value, &fm->cursor[i]);
}

static enum redraw cancel(app *a, form *fm)
{
    char ans[8] = "";
    if (values_hash(fm) != fm->clean && !app_script_ended(a)) {
        draw_status(a);
        if (app_prompt(a, "Throw away what you entered? [y/N] ", ans, sizeof ans, 0) !=
                0 ||
            (ans[0] != 'y' && ans[0] != 'Y')) {
            app_status(a, 0, "kept: go on (Esc, then y, throws it away)");
            return REDRAW_VIEW;
        }
    }
    app_pop(a);
    app_status(a, 0, "cancelled: nothing saved");
    return REDRAW_ALL;
}

/* Into field i: nothing typed ahead or half typed, the cursor at the end. */
static enum redraw enter_field(app *a, form *fm, int i)
{
    fm->cur = i;
    fm->typed[0] = '\0';
    fm->typing.have = 0;
    lineedit_end(fm->f[i].value, &fm->cursor[i]);
    return edited(a, fm);
}

static enum redraw next_field(app *a, form *fm)
{
    return enter_field(a, fm, (fm->cur + 1) % fm->n);
}

static enum redraw prev_field(app *a, form *fm)
{
    return enter_field(a, fm, (fm->cur + fm->n - 1) % fm->n);
}

/* Enter: the next field, or on the last field, save. */
static enum redraw submit(app *a, form *fm)
{
    return fm->cur == fm->n - 1 ? save(a, fm) : next_field(a, fm);
}

static enum redraw next_choice(app *a, form *fm)
{
    if (!fm->f[fm->cur].choices)
        return REDRAW_NONE;
    cycle_choice(&fm->f[fm->cur], 1);
    return edited(a, fm);
}

static enum redraw prev_choice(app *a, form *fm)
{
    if (!fm->f[fm->cur].choices)
        return REDRAW_NONE;
    cycle_choice(&fm->f[fm->cur], -1);
    return edited(a, fm);
}

/* A character back of what was typed ahead in a choice (free text erases
 * at its cursor, text_keys). */
static enum redraw erase_typed(app *a, form *fm)
{
    if (!fm->f[fm->cur].choices)
        return REDRAW_NONE;
    type_ahead(fm, 0, 1);
    return edited(a, fm);
}

static const struct {
    enum action act;
    enum redraw (*run)(app *a, form *fm);
} form_keys[] = {
    {ACT_CANCEL, cancel},           {ACT_SAVE, save},
    {ACT_SUBMIT, submit},           {ACT_NEXT_FIELD, next_field},
    {ACT_PREV_FIELD, prev_field},   {ACT_NEXT_CHOICE, next_choice},
    {ACT_PREV_CHOICE, prev_choice}, {ACT_ERASE, erase_typed},
};

/* Text is typed into a text field whatever it is bound to; then the form's
 * own key hook, then a text field's editing keys, then the table; an
 * ordinary character left over types ahead in a choice. A form keeps every
 * key to itself. */
static enum redraw key(app *a, view *v, enum action act, int ch)
{
    form *fm = v->data;
    form_field *f = &fm->f[fm->cur];
    enum redraw r;
    if (!f->choices && keymap_is_text(ch))
        return type_text(a, fm, ch);
    if (fm->key && (r = fm->key(a, fm, act, ch)) != REDRAW_PASS)
        return r;
    if (!f->choices && edit_text(a, fm, act, &r))
        return r;
    for (size_t i = 0; i < sizeof form_keys / sizeof *form_keys; i++)
        if (form_keys[i].act == act)
            return form_keys[i].run(a, fm);
    if (f->choices && keymap_is_text(ch)) {
        type_ahead(fm, ch, 0);
        return edited(a, fm);
    }
    return REDRAW_NONE;
}

static void destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops ops = {"form", "", draw, key, NULL, destroy, KEYS_EDIT, 0};

view *form_view_new(form *fm)
{
    view *v = calloc(1, sizeof *v);
    if (!v) {
        free(fm);
        return NULL;
    }
    v->ops = &ops;
    v->data = fm;
    form_mark_clean(fm);
    return v;
}
