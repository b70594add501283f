/*
 * app.h — the terminal program's shared state and the view interface.
 *
 * A view (caseload, client record, inbox, search, help, form) is a struct of
 * operations over its own data, like tig's views: key handlers change state
 * and return what needs redrawing; a separate step paints. Views live on a
 * stack: Enter pushes, q/Esc pops (on the last one, asks before it quits).
 * No SQL and no business rule lives here: everything comes from the core.
 */
#ifndef CC_UI_APP_H
#define CC_UI_APP_H

#include <curses.h>
#include <stdint.h>

#include "actions.h"
#include "core/ctx.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "layout.h"

/* What a key handler did: REDRAW_PASS, not its key (the global actions get
 * it); otherwise what of the screen must be painted again (bits). The main
 * loop paints only then, and after a resize or when the counts change. */
enum redraw {
    REDRAW_PASS = -1,
    REDRAW_NONE = 0,   /* taken; nothing on the screen changed */
    REDRAW_VIEW = 1,   /* the view's lines: its title, body, status line */
    REDRAW_HEADER = 2, /* the header's counts */
    REDRAW_ALL = 3,    /* all of it, the footer too (another view on top) */
};

/* Colour roles; monochrome maps each to an attribute. */
enum role {
    ROLE_NORMAL,
    ROLE_HEADER,
    ROLE_SELECTED,
    ROLE_URGENT,
    ROLE_WARN,
    ROLE_DIM,
    ROLE_ERROR,
    ROLE_FOOTER,
    ROLE_CURSOR, /* the cell under a form's cursor, in the selected field */
    ROLE_COUNT
};

struct app;
struct view;

struct view_ops {
    const char *name;
    const char *footer; /* the actions shown in the footer, by action name */
    void (*draw)(struct app *a, struct view *v);
    /* act is ch's action in the table keys says (the forms' first, for
     * KEYS_EDIT, then the screens'); ch the key itself, for text */
    enum redraw (*key)(struct app *a, struct view *v, enum action act, int ch);
    void (*reload)(struct app *a, struct view *v); /* when it comes back on top */
    void (*destroy)(struct view *v);
    enum keys keys; /* KEYS_VIEW, or KEYS_EDIT for a form or prompt */
    /* 1: reloaded (reload) when the header's counts change while it is on
     * top, so that its rows agree with them (the caseload, the inbox) */
    int follows_counts;
};

typedef struct view {
    const struct view_ops *ops;
    void *data;
} view;

#define APP_MAX_VIEWS 8

typedef struct app {
    cc_ctx ctx;
    store *st;
    staff me;
    const char *db_path;
    char login[64];
    int login_chosen;
    layout lay;
    int mono;
    view *stack[APP_MAX_VIEWS];
    int depth;
    char status[256];
    int status_error;
    worklist_counts counts;
    int64_t counts_ms;   /* when the counts were last read */
    int idle_limit_s;    /* lock after this many idle seconds */
    int64_t last_key_ms; /* the last key press */
    int quit;
    struct script *script; /* test mode: keys come from a script */
    int tty_fd;            /* the terminal's input, watched for a hang-up */
    int dead_reads;        /* reads in a row that failed at once */
    int redraw;            /* enum redraw bits to paint before the next key */
} app;

/* ---- the app (app.c) --------------------------------------------------- */

/* Push v on the view stack (it is drawn next, the whole screen). */
void app_push(app *a, view *v);

/* Pop and destroy the top view; the one below is reloaded and drawn. */
void app_pop(app *a);

/* Back: pop the top view, as app_pop; on the last one (the home screen)
 * ask "Quit carecoord? [y/N]" first, and quit only on y or Y (at the end of
 * a test's key script, without asking). What to redraw. */
enum redraw app_back(app *a);

/* A movement key over a list (list_move): REDRAW_VIEW if the selection or
 * the scroll changed, REDRAW_NONE if not (at an end), REDRAW_PASS if act is
 * no movement. */
struct list_pos;
enum redraw app_move(struct list_pos *pos, int count, int visible, enum action act);

/* Show msg on the status line (error: in the error role); it is drawn
 * before the next key. */
void app_status(app *a, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Read a line of input on the status line (prompt, echo unless secret);
 * returns 0 with out filled, -1 (out wiped) if cancelled with Esc or if the
 * program must end (app_hung_up). */
int app_prompt(app *a, const char *prompt, char *out, size_t outsz, int secret);

/* Next input key (from the terminal or the test script); ERR after a quiet
 * second, and at once (ever after) once the program must end: SIGHUP,
 * SIGTERM, or a terminal that went away. Every loop that reads keys checks
 * app_hung_up on ERR. */
int app_getch(app *a);

/* A test's key script has ended: the program backs out of what is open
 * and quits (a form then throws its values away without asking). */
int app_script_ended(const app *a);

/* The program must end now (SIGHUP, SIGTERM, the terminal gone). */
int app_hung_up(const app *a);

/* ---- drawing (draw.c) -------------------------------------------------- */

/* The attribute of a role (colour pair or monochrome attribute). */
attr_t draw_attr(const app *a, enum role r);

/* Draw s at (y, x) in exactly w columns (sanitized, truncated by display
 * width, padded), in role r. */
void draw_text(const app *a, int y, int x, int w, const char *s, enum role r);

/* Draw a row of columns: widths[i] columns each, separated by one space. */
void draw_columns(const app *a, int y, const int *widths, const char *const *cells,
                  int n, enum role r);

/* Column widths for table t on screen: each column as wide as its widest
 * cell (display width, first 200 rows, at most 40), the widest shrunk first
 * when the line is too narrow, the last column taking what is left. */
void draw_table_widths(const app *a, const cc_table *t, int *widths);

/* Table t from row y, h rows in all (the heads, then rows scrolled to keep
 * pos->sel in view); row_role (NULL: normal) colours a row that is not
 * selected; empty is said when t has no rows. */
struct list_pos;
void draw_table(app *a, int y, int h, const cc_table *t, struct list_pos *pos,
                const char *empty, enum role (*row_role)(const cc_table *t, int row));

/* The header (who, role, caseload, counts) and footer (keys of v). */
void draw_header(app *a);
void draw_footer(app *a, const view *v);
void draw_status(app *a);

/* Set up colours (none with mono). */
void draw_init_colors(app *a);

/* ---- views ------------------------------------------------------------- */

view *view_caseload_new(app *a, int64_t staff_id);
view *view_record_new(app *a, int64_t client_id, const char *tab);
view *view_inbox_new(app *a);
view *view_search_new(app *a);
view *view_help_new(app *a);
view *view_reports_new(app *a);

/* The quarterly report of the last quarter ended, stepped by [ and ]
 * (view_quarterly.c); NULL (the status says why) if it cannot be made. */
view *view_quarterly_new(app *a);
view *view_admin_new(app *a);
view *view_agenda_new(app *a);
view *view_team_caseload_new(app *a);
view *view_my_tasks_new(app *a);

/* K, m or u on appointment id (view_agenda.c): kept, missed, or cancelled
 * or moved after asking; the outcome on the status line. */
void appointment_act(app *a, int64_t id, enum action act);

/* Text read whole, wrapped to the screen's width (view_pager.c). */
view *view_pager_new(const char *title, const char *text);

/* The first screen of a/'s person: administration for an administrator,
 * their team's clients for a nurse or scheduler, the caseload for everyone
 * else. */
view *app_home(app *a);

/* Open client_id's record, asking for a break-glass reason if it is outside
 * the person's scope. */
void app_open_client(app *a, int64_t client_id);

/* The same, on the record's tab named tab (NULL: the first), the one that
 * matters for what was chosen (an overdue task: tasks). */
void app_open_client_on(app *a, int64_t client_id, const char *tab);

/* Complete task task_id of client_id (`d` on the record and the inbox):
 * may_change asked first, then the task read and completed at its version;
 * the outcome on the status line (a conflict: who was first). 1 if the list
 * must be read again: the task was completed, or someone else was first. */
int app_complete_task(app *a, int64_t client_id, int64_t task_id);

#endif
