/*
 * view_quarterly.c — the quarterly report on screen, for program managers
 * and supervisors: the text `carecoord report quarterly` prints (the same
 * core call and writer, so screen and file agree), scrolled like a pager.
 * It opens on the last quarter ended; [ and ] step by quarter (a quarter
 * not begun is refused by the core), and f writes the report to a new file
 * (0600) whose name ends .txt, .csv, .json or .html to choose the format.
 * The selection is the top line shown: moving it scrolls the page.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/quarterly.h"
#include "io/export.h"
#include "io/quarterly_out.h"
#include "keymap.h"
#include "list.h"
#include "util/clock.h"
#include "util/text.h"

typedef struct qview {
    char quarter[8];
    quarterly q;  /* the report shown (computed once per quarter) */
    char *text;   /* it as text */
    char **lines; /* wrapped to the width last drawn */
    int nlines, width;
    list_pos pos;
} qview;

static void free_lines(qview *qv)
{
    for (int i = 0; i < qv->nlines; i++)
        free(qv->lines[i]);
    free(qv->lines);
    qv->lines = NULL;
    qv->nlines = qv->width = 0;
}

static void add_line(qview *qv, const char *s, size_t n)
{
    char **l = realloc(qv->lines, sizeof *l * (size_t)(qv->nlines + 1));
    if (!l)
        return;
    qv->lines = l;
    if ((qv->lines[qv->nlines] = strndup(s, n)) != NULL)
        qv->nlines++;
}

/* The text, wrapped to cols (it is made for 80; a narrower terminal wraps). */
static void wrap(qview *qv, int cols)
{
    free_lines(qv);
    qv->width = cols;
    for (const char *s = qv->text ? qv->text : ""; *s;) {
        size_t n = strcspn(s, "\n");
        if (!n)
            add_line(qv, "", 0);
        for (size_t at = 0; at < n;) {
            size_t k = text_wrap_len(s + at, n - at, cols);
            add_line(qv, s + at, k);
            at += k;
        }
        s += n + (s[n] == '\n');
    }
}

/* Compute quarter q and make it the one shown; on failure the one shown
 * stays and the status says why. */
static int load(app *a, qview *qv, const char *q)
{
    quarterly next;
    cc_err err = {0};
    char *buf = NULL;
    size_t len = 0;
    if (quarterly_compute(&a->ctx, q, NULL, &next, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return -1;
    }
    FILE *f = open_memstream(&buf, &len);
    if (!f || quarterly_out_write(f, &next, "text") != 0) {
        if (f)
            fclose(f);
        free(buf);
        quarterly_free(&next);
        app_status(a, 1, "cannot lay out the report");
        return -1;
    }
    fclose(f);
    quarterly_free(&qv->q);
    free(qv->text);
    qv->q = next;
    qv->text = buf;
    snprintf(qv->quarter, sizeof qv->quarter, "%s", q);
    free_lines(qv);
    qv->pos.sel = qv->pos.top = 0;
    return 0;
}

static void draw(app *a, view *v)
{
    qview *qv = v->data;
    char title[96];
    int cols = a->lay.cols; /* the text is laid out for 80 columns: all of them */
    if (cols != qv->width)
        wrap(qv, cols);
    snprintf(title, sizeof title, " Quarterly report %s (%s to %s)%s", qv->quarter,
             qv->q.from, qv->q.to, qv->q.partial ? ", to date" : "");
    draw_text(a, 1, 0, a->lay.cols, title, ROLE_DIM);
    int h = a->lay.body_h, last = qv->nlines > h ? qv->nlines - h : 0;
    qv->pos.top = qv->pos.sel = qv->pos.sel < last ? qv->pos.sel : last;
    for (int i = 0; i < h; i++) {
        const char *line =
            qv->pos.top + i < qv->nlines ? qv->lines[qv->pos.top + i] : "";
        draw_text(a, a->lay.body_y + i, 0, cols, line,
                  strstr(line, " n/a ") ? ROLE_DIM : ROLE_NORMAL);
    }
}

static enum redraw step(app *a, qview *qv, int dir)
{
    char q[8];
    if (clock_quarter_of(qv->q.from, dir, q) != 0) {
        app_status(a, 1, "no quarter that far (1900Q1 to 9998Q4)");
        return REDRAW_VIEW;
    }
    load(a, qv, q);
    return REDRAW_VIEW;
}

/* The format a file's name asks for: .csv .json .html, else text. */
static const char *format_of(const char *path)
{
    static const char *const ends[][2] = {
        {".csv", "csv"}, {".json", "json"}, {".html", "html"}, {".htm", "html"}};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t k = strlen(ends[i][0]);
        if (n > k && !strcmp(path + n - k, ends[i][0]))
            return ends[i][1];
    }
    return "text";
}

static void write_file(app *a, qview *qv)
{
    char path[512], ask[120];
    cc_err err = {0};
    snprintf(ask, sizeof ask,
             "Write %s to a new file (.txt .csv .json .html; %s cancels): ",
             qv->quarter, keymap_key_name(ACT_CANCEL));
    if (app_prompt(a, ask, path, sizeof path, 0) != 0 || !path[0])
        return;
    FILE *f = export_create_file(path, &err);
    if (!f) {
        app_status(a, 1, "%s", err.msg);
        return;
    }
    int bad = quarterly_out_write(f, &qv->q, format_of(path)) != 0;
    bad |= fclose(f) != 0;
    if (bad) {
        export_remove_file(path);
        app_status(a, 1, "cannot write %s", path);
        return;
    }
    app_status(a, 0, "%s written as %s (yours, mode 0600)", path, format_of(path));
}

static enum redraw key(app *a, view *v, enum action act, int ch)
{
    qview *qv = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&qv->pos, qv->nlines, a->lay.body_h, act)) != REDRAW_PASS)
        return moved;
    if (act == ACT_PREV_QUARTER || act == ACT_NEXT_QUARTER)
        return step(a, qv, act == ACT_PREV_QUARTER ? -1 : 1);
    if (act == ACT_WRITE_FILE)
        return write_file(a, qv), REDRAW_ALL;
    return REDRAW_PASS;
}

static void destroy(view *v)
{
    qview *qv = v->data;
    free_lines(qv);
    free(qv->text);
    quarterly_free(&qv->q);
    free(qv);
    free(v);
}

static const struct view_ops ops = {
    "quarterly", "prev-quarter next-quarter write-file back help",
    draw,        key,
    NULL,        destroy,
    KEYS_VIEW,   0,
};

view *view_quarterly_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    qview *qv = calloc(1, sizeof *qv);
    char today[11], q[8];
    if (!v || !qv) {
        free(v), free(qv);
        return NULL;
    }
    ctx_today(&a->ctx, today);
    if (clock_quarter_of(today, -1, q) != 0 || load(a, qv, q) != 0) {
        free(v), free(qv);
        return NULL;
    }
    v->ops = &ops;
    v->data = qv;
    return v;
}
