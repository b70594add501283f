/*
 * draw.c — painting helpers: every string passes text_sanitize and is fitted
 * to its columns by display width; colours are roles, monochrome is
 * attributes. The header, status line and footer are drawn here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "list.h"
#include "util/text.h"

static const struct {
    short fg, bg;
    attr_t mono;
} roles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, A_NORMAL},
    [ROLE_HEADER] = {COLOR_WHITE, COLOR_BLUE, A_REVERSE},
    [ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE},
    [ROLE_URGENT] = {COLOR_RED, -1, A_BOLD},
    [ROLE_WARN] = {COLOR_YELLOW, -1, A_BOLD},
    [ROLE_DIM] = {COLOR_BLUE, -1, A_DIM},
    [ROLE_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD | A_REVERSE},
    [ROLE_FOOTER] = {COLOR_BLACK, COLOR_WHITE, A_REVERSE},
    /* the selected field inverted (a gap in its bar), underlined in mono */
    [ROLE_CURSOR] = {COLOR_CYAN, COLOR_BLACK, A_UNDERLINE},
};

void draw_init_colors(app *a)
{
    if (a->mono || !has_colors()) {
        a->mono = 1;
        return;
    }
    start_color();
    use_default_colors();
    for (int r = 1; r < ROLE_COUNT; r++)
        init_pair((short)r, roles[r].fg, roles[r].bg);
}

attr_t draw_attr(const app *a, enum role r)
{
    if (r == ROLE_NORMAL)
        return A_NORMAL;
    return a->mono ? roles[r].mono : COLOR_PAIR(r) | (r == ROLE_URGENT ? A_BOLD : 0);
}

void draw_text(const app *a, int y, int x, int w, const char *s, enum role r)
{
    char clean[1024], fitted[1536];
    if (w <= 0)
        return;
    text_sanitize(s ? s : "", clean, sizeof clean, 0);
    text_fit(clean, w, fitted, sizeof fitted, 0);
    attr_t at = draw_attr(a, r);
    attron(at);
    mvaddstr(y, x, fitted);
    attroff(at);
}

void draw_columns(const app *a, int y, const int *widths, const char *const *cells,
                  int n, enum role r)
{
    int x = 0;
    for (int i = 0; i < n && x < a->lay.cols; i++) {
        int w = widths[i] < a->lay.cols - x ? widths[i] : a->lay.cols - x;
        draw_text(a, y, x, w, cells[i], r);
        x += w;
        if (x < a->lay.cols) {
            draw_text(a, y, x, 1, " ", r);
            x++;
        }
    }
    if (x < a->lay.cols)
        draw_text(a, y, x, a->lay.cols - x, "", r);
}

void draw_header(app *a)
{
    char left[200], right[128];
    const worklist_counts *c = &a->counts;
    snprintf(left, sizeof left, " carecoord  %s (%s)%s",
             a->me.full_name[0] ? a->me.full_name : a->me.login, a->me.role,
             c->covering ? ", covering on leave" : "");
    if (c->capacity)
        snprintf(right, sizeof right, "caseload %d/%d%s  alerts %d  hand-offs %d  ",
                 c->caseload, c->capacity, c->caseload > c->capacity ? "!" : "",
                 c->alerts, c->handoffs_in);
    else
        snprintf(right, sizeof right, "alerts %d  hand-offs %d  ", c->alerts,
                 c->handoffs_in);
    int rw = (int)strlen(right);
    draw_text(a, 0, 0, a->lay.cols - rw, left, ROLE_HEADER);
    draw_text(a, 0, a->lay.cols - rw, rw, right,
              c->caseload > c->capacity && c->capacity ? ROLE_ERROR : ROLE_HEADER);
}

/* A message too wide for the status line is wrapped at a space onto the
 * line above it too, never cut mid-sentence (the rest, if any, ends in "…"). */
void draw_status(app *a)
{
    char clean[sizeof a->status], first[sizeof a->status];
    enum role role = a->status_error ? ROLE_ERROR : ROLE_NORMAL;
    text_sanitize(a->status, clean, sizeof clean, 0);
    if (text_width(clean) <= a->lay.cols || a->lay.status_y < 1) {
        draw_text(a, a->lay.status_y, 0, a->lay.cols, clean, role);
        return;
    }
    size_t n = text_wrap_len(clean, strlen(clean), a->lay.cols);
    snprintf(first, sizeof first, "%.*s", (int)n, clean);
    draw_text(a, a->lay.status_y - 1, 0, a->lay.cols, first, role);
    draw_text(a, a->lay.status_y, 0, a->lay.cols, clean + n, role);
}

/* The keys of v that fit whole, in the order its footer lists them; when
 * some do not fit, the help key ends the line ("? more"). */
void draw_footer(app *a, const view *v)
{
    char line[512] = "", name[32], item[80], more[48];
    size_t len = 0;
    int width = 0, cut = 0;
    const char *p = v ? v->ops->footer : "";
    snprintf(more, sizeof more, " %s more ", keymap_key_name(ACT_HELP));
    int room = a->lay.cols - text_width(more);
    while (p && *p && !cut) {
        size_t n = strcspn(p, " ");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        for (int act = 1; act < ACT_COUNT; act++) {
            if (strcmp(action_name((enum action)act), name))
                continue;
            snprintf(item, sizeof item, " %s %s ", keymap_key_name((enum action)act),
                     name);
            int w = text_width(item);
            p += n + (p[n] == ' '); /* the rest: does it all fit without "more"? */
            if (width + w > (*p ? room : a->lay.cols) ||
                len + strlen(item) >= sizeof line) {
                cut = 1;
                break;
            }
            len += (size_t)snprintf(line + len, sizeof line - len, "%s", item);
            width += w;
            n = 0;
            break;
        }
        if (!cut && n)
            p += n + (p[n] == ' ');
    }
    if (cut)
        snprintf(line + len, sizeof line - len, "%s", more);
    draw_text(a, a->lay.footer_y, 0, a->lay.cols, line, ROLE_FOOTER);
}

/* The widest cell of column c (display width, first 200 rows, 2..40). */
static int column_want(const cc_table *t, int c)
{
    char clean[512];
    int want = text_width(t->cols[c]);
    for (int r = 0; r < t->nrows && r < 200; r++) {
        text_sanitize(table_shown(t, r, c), clean, sizeof clean, 0);
        int w = text_width(clean);
        want = w > want ? w : want;
    }
    return want > 40 ? 40 : want < 2 ? 2 : want;
}

void draw_table_widths(const app *a, const cc_table *t, int *widths)
{
    int n = t->ncols, total = n - 1; /* the separators */
    if (n <= 0)
        return;
    for (int c = 0; c < n; c++)
        total += widths[c] = column_want(t, c);
    /* Too wide: take a column from the widest (the later one on a tie) until
     * the line fits, so every column keeps a readable share. */
    while (total > a->lay.cols - 1) {
        int widest = 0;
        for (int c = 1; c < n; c++)
            widest = widths[c] >= widths[widest] ? c : widest;
        if (widths[widest] <= 2)
            break;
        widths[widest]--, total--;
    }
    widths[n - 1] += a->lay.cols - 1 - total; /* the last takes what is left */
    if (widths[n - 1] < 1)
        widths[n - 1] = 1;
}

void draw_table(app *a, int y, int h, const cc_table *t, list_pos *pos,
                const char *empty, enum role (*row_role)(const cc_table *t, int row))
{
    int widths[TABLE_MAX_COLS], n = t->ncols;
    const char *cells[TABLE_MAX_COLS];
    draw_table_widths(a, t, widths);
    for (int c = 0; c < n; c++)
        cells[c] = t->cols[c];
    draw_columns(a, y, widths, cells, n, ROLE_DIM);
    pos->top = layout_scroll(pos->sel, pos->top, h - 1, t->nrows);
    for (int i = 0; i < h - 1 && pos->top + i < t->nrows; i++) {
        int row = pos->top + i;
        for (int c = 0; c < n; c++)
            cells[c] = table_shown(t, row, c);
        draw_columns(a, y + 1 + i, widths, cells, n,
                     row == pos->sel ? ROLE_SELECTED
                     : row_role      ? row_role(t, row)
                                     : ROLE_NORMAL);
    }
    if (!t->nrows)
        draw_text(a, y + 2, 2, a->lay.cols - 4, empty, ROLE_DIM);
}
