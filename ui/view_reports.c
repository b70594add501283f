/*
 * view_reports.c — the program manager's and supervisor's screens: a menu of
 * the reports the role may see, and one table view per report, fed by the
 * same core call as `carecoord report` (so screen and report agree). Per
 * report, a few keys act: Enter drills into a coach's caseload or opens a
 * client; `a` assigns the suggested coach (unassigned referrals) or marks a
 * break-glass access reviewed (grants); `[` and `]` step the measures by
 * quarter; the quarterly report is view_quarterly.c. The board and the
 * unassigned queue load a page at a time (REPORT_PAGE_*), the next as the
 * selection nears the end of what is loaded. The audit chain screen shows the
 * head and the last verification, and `V` verifies with progress.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "core/access.h"
#include "core/caseload.h"
#include "core/notice.h"
#include "core/reports.h"
#include "form.h"
#include "keymap.h"
#include "list.h"
#include "store/audit.h"
#include "util/hooks.h"

static const struct entry {
    const char *kind; /* a report kind, or "audit" */
    const char *label;
} entries[] = {
    {"caseload", "Caseload board: teams and coaches against capacity"},
    {"unassigned", "Unassigned referrals, with the suggested coach"},
    {"measures", "Measures: this month (6-month trend)"},
    {"stale", "Stale cases: no contact for 30 days, past target"},
    {"consent", "Consent audit: missing, expiring, violations"},
    {"access", "Access log: who looked at which record"},
    {"disclosures", "Accounting of disclosures for one client"},
    {"grants", "Break-glass review"},
    {"audit", "Audit chain: status and verification"},
    {"review", "Encounter notifications to review: unknown patients"},
    {"quarterly", "Quarterly report: every program and measure, by quarter"},
};

/* ---- one report -------------------------------------------------------- */

typedef struct report_view {
    char kind[16];
    report_params p;
    char quarter[8]; /* measures: the quarter shown ("2026Q3"), "" the month */
    cc_table t;
    list_pos pos;
    int paged_out; /* a paged report: every row is loaded */
} report_view;

static void rv_load(app *a, view *v)
{
    report_view *rv = v->data;
    cc_err err = {0};
    table_free(&rv->t);
    if (report_run(&a->ctx, rv->kind, &rv->p, &rv->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    rv->pos.sel = layout_clamp(rv->pos.sel, rv->t.nrows);
}

/* The page of a paged report (the board by teams, the unassigned queue by
 * rows), 0 for the others, which load every row. A test build's
 * CARECOORD_PAGE (hooks.h) sets both, so a small database pages too. */
static int first_page(const char *kind)
{
    const char *hook = hook_env(HOOK_PAGE);
    int page = !strcmp(kind, "caseload")     ? REPORT_PAGE_TEAMS
               : !strcmp(kind, "unassigned") ? REPORT_PAGE_ROWS
                                             : 0;
    if (page && hook && atoi(hook) > 0)
        page = atoi(hook);
    return page;
}

/* Scrolled within a screen of the end of what is loaded: load the next
 * page too (the report again with a longer page), the selection kept, until
 * a longer page brings no more rows. */
static void page_on(app *a, view *v)
{
    report_view *rv = v->data;
    int had = rv->t.nrows;
    if (rv->p.page <= 0 || rv->paged_out || rv->pos.sel < had - a->lay.body_h)
        return;
    rv->p.page += first_page(rv->kind);
    rv_load(a, v);
    rv->paged_out = rv->t.nrows <= had;
}

/* Consent-audit violations stand out. */
static enum role violation_role(const cc_table *t, int row)
{
    return !strncmp(table_cell(t, row, 0), "VIOLATION", 9) ? ROLE_URGENT : ROLE_NORMAL;
}

/* "Jul 1" of "YYYY-MM-DD" (resolved, so well-formed). */
static void day_month(const char *date, char *out, size_t outsz)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int m = atoi(date + 5);
    snprintf(out, outsz, "%s %d", months[(m >= 1 && m <= 12 ? m : 1) - 1],
             atoi(date + 8));
}

/* The title: the period, or for measures stepped by quarter, the quarter
 * and its days ("Measures 2026Q3 (Jul 1 – Sep 30)"). */
static void rv_title(const report_view *rv, char *title, size_t sz)
{
    char from[16], to[16];
    int n;
    if (rv->quarter[0]) {
        day_month(rv->p.from, from, sizeof from);
        day_month(rv->p.to, to, sizeof to);
        n = snprintf(title, sz, " Measures %s (%s – %s)", rv->quarter, from, to);
    } else {
        n = snprintf(title, sz, " %s, %s to %s", rv->kind, rv->p.from, rv->p.to);
    }
    if (n > 0 && (size_t)n < sz && rv->p.program[0])
        snprintf(title + n, sz - (size_t)n, ", program %s", rv->p.program);
}

static void rv_draw(app *a, view *v)
{
    report_view *rv = v->data;
    char title[160];
    rv_title(rv, title, sizeof title);
    draw_text(a, 1, 0, a->lay.cols, title, ROLE_DIM);
    draw_table(a, a->lay.body_y, a->lay.body_h, &rv->t, &rv->pos, "Nothing to report.",
               violation_role);
}

/* Enter: a coach's caseload from the board, a client elsewhere. */
static enum redraw rv_open(app *a, report_view *rv)
{
    int coach = table_col(&rv->t, "coach"), client = table_col(&rv->t, "client");
    cc_err err = {0};
    staff s;
    if (!rv->t.nrows)
        return REDRAW_NONE;
    if (coach >= 0) {
        const char *login = table_cell(&rv->t, rv->pos.sel, coach);
        if (!strcmp(login, "(team)"))
            return REDRAW_NONE;
        if (staff_find(a->st, login, &s, &err) != CC_OK)
            return app_status(a, 1, "%s", err.msg), REDRAW_VIEW;
        app_push(a, view_caseload_new(a, s.id));
    } else if (client >= 0) {
        app_open_client(a, atoll(table_cell(&rv->t, rv->pos.sel, client)));
    }
    return REDRAW_VIEW;
}

static void assign_suggested(app *a, view *v)
{
    report_view *rv = v->data;
    char reason[200] = "";
    cc_err err = {0};
    staff s;
    int cc = table_col(&rv->t, "client"), sc = table_col(&rv->t, "suggested");
    if (!rv->t.nrows || cc < 0 || sc < 0)
        return;
    int64_t client_id = atoll(table_cell(&rv->t, rv->pos.sel, cc));
    if (staff_find(a->st, table_cell(&rv->t, rv->pos.sel, sc), &s, &err) != CC_OK) {
        app_status(a, 1, "no coach to suggest: %s", err.msg);
        return;
    }
    if (caseload_assign(&a->ctx, client_id, s.id, NULL, &err) == CC_EINPUT &&
        strstr(err.msg, "capacity")) {
        app_status(a, 1, "%s", err.msg);
        draw_status(a);
        char ask[80];
        snprintf(ask, sizeof ask, "Reason to go over capacity (%s cancels): ",
                 keymap_key_name(ACT_CANCEL));
        if (app_prompt(a, ask, reason, sizeof reason, 0) != 0)
            return;
        cc_err_clear(&err);
        caseload_assign(&a->ctx, client_id, s.id, reason, &err);
    }
    if (err.code)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "client %lld assigned to %s", (long long)client_id, s.login);
    rv_load(a, v);
}

static void review_grant(app *a, view *v)
{
    report_view *rv = v->data;
    char note[200];
    cc_err err = {0};
    int gc = table_col(&rv->t, "grant_id");
    if (!rv->t.nrows || gc < 0)
        return;
    if (app_prompt(a, "Review comment: ", note, sizeof note, 0) != 0)
        return;
    if (report_review_grant(&a->ctx, atoll(table_cell(&rv->t, rv->pos.sel, gc)), note,
                            &err))
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "marked reviewed");
    rv_load(a, v);
}

/* [ and ]: the measures of the quarter before or after the one shown; from
 * the month, [ is the quarter before this one and ] this whole quarter. The
 * quarter is read as `report measures --quarter` reads it; one that has not
 * begun is refused. */
static enum redraw step_quarter(app *a, view *v, int dir)
{
    report_view *rv = v->data;
    report_params p = rv->p;
    char q[8], today[11];
    cc_err err = {0};
    int step = rv->quarter[0] || dir < 0 ? dir : 0;
    if (report_quarter(rv->p.from, step, q, &err) == CC_OK) {
        snprintf(p.from, sizeof p.from, "%s", q);
        p.to[0] = '\0';
        report_resolve(&a->ctx, rv->kind, &p, &err);
    }
    ctx_today(&a->ctx, today);
    if (!err.code && strcmp(p.from, today) > 0)
        cc_err_set(&err, CC_EINPUT, "%s has not begun: no measures yet", q);
    if (err.code) {
        app_status(a, 1, "%s", err.msg);
        return REDRAW_VIEW;
    }
    rv->p = p;
    snprintf(rv->quarter, sizeof rv->quarter, "%s", q);
    rv->pos.sel = rv->pos.top = 0;
    rv_load(a, v);
    return REDRAW_VIEW;
}

static enum redraw rv_key(app *a, view *v, enum action act, int ch)
{
    report_view *rv = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&rv->pos, rv->t.nrows, a->lay.body_h - 1, act)) !=
        REDRAW_PASS) {
        page_on(a, v);
        return moved;
    }
    if (act == ACT_OPEN)
        return rv_open(a, rv);
    if (act == ACT_ACCEPT && !strcmp(rv->kind, "unassigned"))
        return assign_suggested(a, v), REDRAW_ALL; /* the counts too */
    if (act == ACT_ACCEPT && !strcmp(rv->kind, "grants"))
        return review_grant(a, v), REDRAW_VIEW;
    if ((act == ACT_PREV_QUARTER || act == ACT_NEXT_QUARTER) &&
        !strcmp(rv->kind, "measures"))
        return step_quarter(a, v, act == ACT_PREV_QUARTER ? -1 : 1);
    return REDRAW_PASS;
}

static void rv_destroy(view *v)
{
    report_view *rv = v->data;
    table_free(&rv->t);
    free(rv);
    free(v);
}

static const struct view_ops report_ops = {
    "report",  "open accept reports back help",
    rv_draw,   rv_key,
    rv_load,   rv_destroy,
    KEYS_VIEW, 0,
};

/* Measures step by quarter: their footer says so. */
static const struct view_ops measures_ops = {
    "measures", "prev-quarter next-quarter reports back help",
    rv_draw,    rv_key,
    rv_load,    rv_destroy,
    KEYS_VIEW,  0,
};

/* The access log asks whose: a client id, a staff login, or everyone. */
static int ask_access(app *a, report_params *p)
{
    char who[64], ask[100];
    snprintf(ask, sizeof ask,
             "Access log of client id or staff login (%s: everyone, 7 days): ",
             keymap_key_name(ACT_SUBMIT));
    if (app_prompt(a, ask, who, sizeof who, 0) != 0)
        return -1;
    if (who[0] >= '0' && who[0] <= '9')
        p->client_id = atoll(who);
    else
        snprintf(p->staff, sizeof p->staff, "%.32s", who);
    return 0;
}

/* The accounting of disclosures is for one client: ask which. */
static int ask_client(app *a, report_params *p)
{
    char id[24];
    if (app_prompt(a, "Accounting of disclosures for client id: ", id, sizeof id, 0) !=
        0)
        return -1;
    p->client_id = (id[0] >= '0' && id[0] <= '9') ? atoll(id) : 0;
    return 0;
}

/* Reports that ask a question first. */
static int ask_params(app *a, const char *kind, report_params *p)
{
    if (!strcmp(kind, "access"))
        return ask_access(a, p);
    if (!strcmp(kind, "disclosures"))
        return ask_client(a, p);
    return 0;
}

static view *report_view_new(app *a, const char *kind)
{
    view *v = calloc(1, sizeof *v);
    report_view *rv = calloc(1, sizeof *rv);
    cc_err err = {0};
    if (!v || !rv) {
        free(v), free(rv);
        return NULL;
    }
    snprintf(rv->kind, sizeof rv->kind, "%s", kind);
    if (ask_params(a, kind, &rv->p) != 0 ||
        report_resolve(&a->ctx, kind, &rv->p, &err) != CC_OK) {
        if (err.code)
            app_status(a, 1, "%s", err.msg);
        free(v), free(rv);
        return NULL;
    }
    v->ops = !strcmp(kind, "measures") ? &measures_ops : &report_ops;
    v->data = rv;
    rv->p.page = first_page(kind);
    rv_load(a, v);
    page_on(a, v); /* a page shorter than the screen */
    return v;
}

/* ---- the audit chain --------------------------------------------------- */

typedef struct audit_view {
    audit_anchor head;
    char last[400];
} audit_view;

static void av_load(app *a, view *v)
{
    audit_view *av = v->data;
    cc_err err = {0};
    if (report_audit_status(&a->ctx, &av->head, av->last, sizeof av->last, &err) !=
        CC_OK)
        app_status(a, 1, "%s", err.msg);
}

static void av_draw(app *a, view *v)
{
    audit_view *av = v->data;
    char line[440], anchor[160];
    draw_text(a, 1, 0, a->lay.cols, " Audit chain", ROLE_DIM);
    snprintf(line, sizeof line, " Entries: %lld", (long long)av->head.seq);
    draw_text(a, a->lay.body_y + 1, 0, a->lay.cols, line, ROLE_NORMAL);
    audit_anchor_format(&av->head, anchor, sizeof anchor);
    anchor[strcspn(anchor, "\n")] = '\0';
    draw_text(a, a->lay.body_y + 3, 0, a->lay.cols,
              " Anchor (keep a copy elsewhere):", ROLE_NORMAL);
    char *hash = strrchr(anchor, ' ');
    if (hash)
        *hash++ = '\0';
    draw_text(a, a->lay.body_y + 4, 2, a->lay.cols - 2, anchor, ROLE_DIM);
    draw_text(a, a->lay.body_y + 5, 2, a->lay.cols - 2, hash ? hash : "", ROLE_DIM);
    snprintf(line, sizeof line, " Last verification: %s",
             av->last[0] ? av->last : "never");
    draw_text(a, a->lay.body_y + 7, 0, a->lay.cols, line,
              strstr(av->last, "BROKEN") ? ROLE_URGENT : ROLE_NORMAL);
    draw_text(a, a->lay.body_y + 9, 0, a->lay.cols, " V verifies the whole chain now.",
              ROLE_DIM);
}

static int progress(void *arg, int64_t done, int64_t total)
{
    app *a = arg;
    app_status(a, 0, "verifying %lld of %lld entries...", (long long)done,
               (long long)total);
    draw_status(a);
    refresh();
    return 0;
}

static enum redraw av_key(app *a, view *v, enum action act, int ch)
{
    char msg[400];
    int ok = 0;
    cc_err err = {0};
    (void)ch;
    if (act != ACT_VERIFY)
        return REDRAW_PASS;
    if (report_verify_audit(&a->ctx, progress, a, &ok, msg, sizeof msg, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, !ok, "%s", msg);
    av_load(a, v);
    return REDRAW_VIEW;
}

static void av_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops audit_ops = {
    "audit", "verify back help", av_draw, av_key, av_load, av_destroy, KEYS_VIEW, 0,
};

static view *audit_view_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    audit_view *av = calloc(1, sizeof *av);
    if (!v || !av) {
        free(v), free(av);
        return NULL;
    }
    v->ops = &audit_ops;
    v->data = av;
    av_load(a, v);
    return v;
}

/* ---- encounter notifications to review --------------------------------- */

typedef struct review_view {
    cc_table t;
    list_pos pos;
} review_view;

static void qv_load(app *a, view *v)
{
    review_view *q = v->data;
    cc_err err = {0};
    table_free(&q->t);
    if (notice_review_list(&a->ctx, &q->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    q->pos.sel = layout_clamp(q->pos.sel, q->t.nrows);
}

static void qv_draw(app *a, view *v)
{
    review_view *q = v->data;
    draw_text(a, 1, 0, a->lay.cols,
              " To review: a links to a client, n takes in a new one, x dismisses",
              ROLE_DIM);
    draw_table(a, a->lay.body_y, a->lay.body_h, &q->t, &q->pos, "Nothing to review.",
               NULL);
    if (!a->status[0] && q->t.nrows) /* the reason, whole */
        app_status(a, 0, "%s",
                   table_cell(&q->t, q->pos.sel, table_col(&q->t, "reason")));
}

/* The first client id the reason names as a candidate ("" if none). */
static void candidate_of(const char *reason, char *out, size_t n)
{
    const char *p = strstr(reason, "birth date: ");
    out[0] = '\0';
    if (p)
        snprintf(out, n, "%.*s", (int)strspn(p + 12, "0123456789"), p + 12);
}

static void qv_link(app *a, review_view *q)
{
    char id[24], ask[120];
    cc_err err = {0};
    notice_result r;
    if (!q->t.nrows)
        return;
    const char *nid = table_cell(&q->t, q->pos.sel, 0);
    candidate_of(table_cell(&q->t, q->pos.sel, table_col(&q->t, "reason")), id,
                 sizeof id);
    snprintf(ask, sizeof ask, "Link notification %s to client id%s%s%s: ", nid,
             id[0] ? " (candidate " : "", id, id[0] ? ")" : "");
    char typed[24];
    if (app_prompt(a, ask, typed, sizeof typed, 0) != 0)
        return;
    if (typed[0])
        snprintf(id, sizeof id, "%s", typed);
    if (notice_link(&a->ctx, atoll(nid), atoll(id), &r, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "linked to client %s: %s", id, r.what);
}

static void qv_dismiss(app *a, review_view *q)
{
    char why[200];
    cc_err err = {0};
    if (!q->t.nrows || app_prompt(a, "Dismiss: why? ", why, sizeof why, 0) != 0)
        return;
    if (notice_dismiss(&a->ctx, atoll(table_cell(&q->t, q->pos.sel, 0)), why, &err))
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "dismissed");
}

static enum redraw qv_key(app *a, view *v, enum action act, int ch)
{
    review_view *q = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&q->pos, q->t.nrows, a->lay.body_h - 1, act)) != REDRAW_PASS)
        return moved;
    if (act == ACT_NEW_REFERRAL && q->t.nrows) { /* intake, then a links to it */
        char family[64] = "", given[64] = "";
        const char *who = table_cell(&q->t, q->pos.sel, table_col(&q->t, "patient"));
        sscanf(who, "%63[^,], %63[^\n]", family, given);
        view *f = form_intake_from(
            a, family, given, table_cell(&q->t, q->pos.sel, table_col(&q->t, "born")));
        if (f)
            app_push(a, f);
        return REDRAW_ALL;
    }
    if (act == ACT_ACCEPT)
        qv_link(a, q);
    else if (act == ACT_DECLINE)
        qv_dismiss(a, q);
    else
        return REDRAW_PASS;
    qv_load(a, v);
    return REDRAW_ALL;
}

static void qv_destroy(view *v)
{
    review_view *q = v->data;
    table_free(&q->t);
    free(q);
    free(v);
}

static const struct view_ops review_ops = {
    "review",  "accept decline new-referral back help",
    qv_draw,   qv_key,
    qv_load,   qv_destroy,
    KEYS_VIEW, 0,
};

static view *review_view_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    review_view *q = calloc(1, sizeof *q);
    if (!v || !q) {
        free(v), free(q);
        return NULL;
    }
    v->ops = &review_ops;
    v->data = q;
    qv_load(a, v);
    return v;
}

/* ---- the menu ---------------------------------------------------------- */

typedef struct menu {
    int idx[sizeof entries / sizeof *entries];
    int n;
    list_pos pos;
} menu;

static void menu_draw(app *a, view *v)
{
    menu *m = v->data;
    draw_text(a, 1, 0, a->lay.cols, " Boards and reports", ROLE_DIM);
    for (int i = 0; i < m->n; i++)
        draw_text(a, a->lay.body_y + 1 + i, 2, a->lay.cols - 4,
                  entries[m->idx[i]].label,
                  i == m->pos.sel ? ROLE_SELECTED : ROLE_NORMAL);
    if (!m->n)
        draw_text(a, a->lay.body_y + 1, 2, a->lay.cols - 4, "No reports for your role.",
                  ROLE_DIM);
}

static enum redraw menu_key(app *a, view *v, enum action act, int ch)
{
    menu *m = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&m->pos, m->n, a->lay.body_h, act)) != REDRAW_PASS)
        return moved;
    if (act != ACT_OPEN || !m->n)
        return REDRAW_PASS;
    const char *kind = entries[m->idx[m->pos.sel]].kind;
    app_push(a, !strcmp(kind, "audit")       ? audit_view_new(a)
                : !strcmp(kind, "review")    ? review_view_new(a)
                : !strcmp(kind, "quarterly") ? view_quarterly_new(a)
                                             : report_view_new(a, kind));
    return REDRAW_VIEW;
}

static void menu_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops menu_ops = {
    "reports", "open back help", menu_draw, menu_key, NULL, menu_destroy, KEYS_VIEW, 0,
};

view *view_reports_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    menu *m = calloc(1, sizeof *m);
    cc_err err;
    if (!v || !m) {
        free(v), free(m);
        return NULL;
    }
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
        const char *action = !strcmp(entries[i].kind, "audit")       ? "audit.verify"
                             : !strcmp(entries[i].kind, "quarterly") ? "measures.view"
                             : !strcmp(entries[i].kind, "review")
                                 ? "encounter.review"
                                 : report_action(entries[i].kind);
        if (access_check(a->me.role, action, &err) == CC_OK)
            m->idx[m->n++] = (int)i;
    }
    v->ops = &menu_ops;
    v->data = m;
    return v;
}
