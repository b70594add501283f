/*
 * view_pager.c — one thing read whole: a row of a record's tab (a contact's
 * note, a task, a consent, a hand-off...) as "name: value" lines, wrapped by
 * display width so nothing is cut at 80 columns, scrolled with the usual
 * keys, q back. The text is the view's own copy, sanitized when drawn.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "list.h"
#include "util/text.h"

typedef struct pager {
    char title[96];
    char *text;   /* the whole text, '\n' between paragraphs */
    char **lines; /* wrapped for the width last drawn */
    int nlines, width;
    list_pos pos;
} pager;

static void free_lines(pager *p)
{
    for (int i = 0; i < p->nlines; i++)
        free(p->lines[i]);
    free(p->lines);
    p->lines = NULL;
    p->nlines = 0;
}

static void add_line(pager *p, const char *s, size_t n)
{
    char **l = realloc(p->lines, sizeof *l * (size_t)(p->nlines + 1));
    if (!l)
        return;
    p->lines = l;
    p->lines[p->nlines] = strndup(s, n);
    if (p->lines[p->nlines])
        p->nlines++;
}

static void wrap(pager *p, int cols)
{
    free_lines(p);
    p->width = cols;
    for (const char *s = p->text; *s;) {
        size_t n = strcspn(s, "\n");
        if (!n)
            add_line(p, "", 0);
        for (size_t at = 0; at < n;) {
            size_t k = text_wrap_len(s + at, n - at, cols);
            add_line(p, s + at, k);
            at += k;
        }
        s += n + (s[n] == '\n');
    }
}

static void draw(app *a, view *v)
{
    pager *p = v->data;
    int cols = a->lay.cols - 2;
    if (cols != p->width)
        wrap(p, cols);
    draw_text(a, 1, 0, a->lay.cols, p->title, ROLE_DIM);
    int h = a->lay.body_h;
    p->pos.top = layout_scroll(p->pos.sel, p->pos.top, h, p->nlines);
    for (int i = 0; i < h; i++)
        draw_text(a, a->lay.body_y + i, 1, cols,
                  p->pos.top + i < p->nlines ? p->lines[p->pos.top + i] : "",
                  ROLE_NORMAL);
}

static enum redraw key(app *a, view *v, enum action act, int ch)
{
    pager *p = v->data;
    (void)ch;
    /* the selection moves the window: a line at the top or bottom edge */
    return app_move(&p->pos, p->nlines, a->lay.body_h, act);
}

static void destroy(view *v)
{
    pager *p = v->data;
    free_lines(p);
    free(p->text);
    free(p);
    free(v);
}

static const struct view_ops ops = {
    "pager", "back help", draw, key, NULL, destroy, KEYS_VIEW, 0,
};

view *view_pager_new(const char *title, const char *text)
{
    view *v = calloc(1, sizeof *v);
    pager *p = calloc(1, sizeof *p);
    if (!v || !p || !(p->text = strdup(text))) {
        free(v);
        if (p)
            free(p->text);
        free(p);
        return NULL;
    }
    snprintf(p->title, sizeof p->title, " %s", title);
    v->ops = &ops;
    v->data = p;
    return v;
}
