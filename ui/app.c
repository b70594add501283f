/*
 * app.c — the full-screen program: the unlock screen, the main loop (keys
 * -> the top view's handler -> repaint), the idle lock, the header counts
 * that refresh while idle, the end of the program on SIGHUP, SIGTERM or a
 * terminal that went away, and the test mode in which keys come from a
 * script and the screen is dumped.
 *
 * No transaction is ever open while the program waits for a key: every core
 * call opens and commits its own. So ending at any key read (the main loop
 * or any prompt) leaves nothing to roll back: the views are destroyed, the
 * passphrase and the session wiped, the store closed (its keys wiped).
 */
#include "tui.h"

#include <locale.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "core/session.h"
#include "keymap.h"
#include "list.h"
#include "terminal.h"
#include "util/clock.h"
#include "util/text.h"

#define COUNTS_EVERY_MS  5000
#define MAX_UNLOCK_TRIES 5
#define DEAD_READ_MS     100 /* a read that failed well before the 1 s timeout */
#define DEAD_READS       3   /* so many in a row: the terminal is gone */

/* Why the program must end: 0 (it need not), SIGHUP, SIGTERM, or one of
 * these (no signal came). */
enum { GONE_TERMINAL = -1, GONE_SCRIPT = -2 };
static volatile sig_atomic_t got_hangup;

static void on_hangup(int sig)
{
    got_hangup = sig;
}

/* The one line tui_run returns after a hang-up. */
static const char *hangup_why(void)
{
    switch (got_hangup) {
    case SIGHUP:
        return "the terminal hung up (SIGHUP): the store is closed";
    case SIGTERM:
        return "ended by SIGTERM: the store is closed";
    case GONE_SCRIPT:
        return "the key script ran out inside a form or prompt";
    default:
        return "the terminal went away: the store is closed";
    }
}

/* SIGHUP and SIGTERM set the flag and interrupt the key read (no
 * SA_RESTART), so every loop that reads keys sees it within a second. */
static void catch_hangup(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_hangup;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int app_hung_up(const app *a)
{
    (void)a;
    return got_hangup != 0;
}

/* ---- test mode: a key script and screen dumps -------------------------- */

typedef struct script {
    FILE *in;
    char pending[512]; /* text still to type */
    size_t pos;
    int eof_keys; /* keys sent after the end of the script */
} script;

int app_script_ended(const app *a)
{
    return a->script && a->script->eof_keys > 0;
}

static void dump_screen(app *a, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    for (int y = 0; y < a->lay.rows; y++) {
        char line[2048];
        wchar_t w[512];
        int n = mvinnwstr(y, 0, w, a->lay.cols < 511 ? a->lay.cols : 511);
        if (n < 0)
            n = 0;
        w[n] = 0;
        size_t len = wcstombs(line, w, sizeof line - 1);
        if (len == (size_t)-1)
            len = 0;
        line[len] = '\0';
        while (len && line[len - 1] == ' ')
            line[--len] = '\0';
        fprintf(f, "%s\n", line);
    }
    fclose(f);
}

/* The next key of the script; dump/wait lines act and continue. */
static int script_key(app *a)
{
    script *s = a->script;
    char line[512];
    for (;;) {
        if (s->pending[s->pos])
            return (unsigned char)s->pending[s->pos++];
        if (!fgets(line, sizeof line, s->in)) {
            /* end of script: back out of whatever is open, then quit */
            if (++s->eof_keys > 40)
                got_hangup = GONE_SCRIPT;
            return s->eof_keys % 2 ? 27 : 'Q';
        }
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "type ", 5)) {
            snprintf(s->pending, sizeof s->pending, "%.500s", line + 5);
            s->pos = 0;
        } else if (!strncmp(line, "key ", 4)) {
            int k = keymap_parse(line + 4);
            if (k >= 0)
                return k;
        } else if (!strncmp(line, "dump ", 5)) {
            refresh();
            dump_screen(a, line + 5);
        } else if (!strcmp(line, "idle")) {
            return ERR; /* one idle tick */
        }
    }
}

/* getch() gave ERR after waited_ms: a quiet second, or a terminal that is
 * gone (the pty closed: poll says so, or reads fail at once, again and
 * again, with EOF or EIO). */
static void check_dead(app *a, int64_t waited_ms)
{
    if (terminal_gone(a->tty_fd))
        got_hangup = GONE_TERMINAL;
    else if (waited_ms >= DEAD_READ_MS)
        a->dead_reads = 0;
    else if (++a->dead_reads >= DEAD_READS)
        got_hangup = GONE_TERMINAL;
}

int app_getch(app *a)
{
    if (got_hangup)
        return ERR;
    if (a->script)
        return script_key(a);
    int64_t t0 = clock_mono_ms();
    int ch = getch();
    if (ch == ERR && !got_hangup)
        check_dead(a, clock_mono_ms() - t0);
    else if (ch != ERR)
        a->dead_reads = 0;
    if (ch == KEY_RESIZE)
        terminal_resized();
    return ch;
}

/* ---- status line and prompts ------------------------------------------- */

void app_status(app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
    a->status_error = error;
    a->redraw |= REDRAW_VIEW;
}

/* Take back the last character (a whole UTF-8 sequence) of out. */
static void erase_last(char *out, size_t *len)
{
    while (*len && ((unsigned char)out[*len - 1] & 0xC0) == 0x80)
        (*len)--;
    if (*len)
        out[--*len] = '\0';
}

int app_prompt(app *a, const char *prompt, char *out, size_t outsz, int secret)
{
    size_t len = 0;
    out[0] = '\0';
    for (;;) {
        char shown[600];
        snprintf(shown, sizeof shown, "%s%s", prompt, secret ? "" : out);
        draw_text(a, a->lay.status_y, 0, a->lay.cols, shown, ROLE_NORMAL);
        move(a->lay.status_y, (int)strlen(prompt) + (secret ? 0 : text_width(out)));
        refresh();
        int ch = app_getch(a);
        enum action act = keymap_edit_action(ch);
        if (app_hung_up(a) || (act == ACT_CANCEL && !keymap_is_text(ch))) {
            sodium_memzero(out, outsz);
            return -1;
        }
        if (ch == ERR)
            continue;
        a->redraw |= REDRAW_VIEW; /* the prompt stays on the status line */
        if (keymap_is_text(ch)) {
            if (len + 1 < outsz)
                out[len++] = (char)ch, out[len] = '\0';
        } else if (act == ACT_SUBMIT) {
            return 0;
        } else if (act == ACT_ERASE) {
            erase_last(out, &len);
        }
    }
}

/* ---- the view stack ---------------------------------------------------- */

void app_push(app *a, view *v)
{
    if (!v)
        return;
    if (a->depth == APP_MAX_VIEWS) {
        app_status(a, 1, "too many screens open: press %s to go back",
                   keymap_key_name(ACT_BACK));
        v->ops->destroy(v);
        return;
    }
    a->stack[a->depth++] = v;
    a->redraw = REDRAW_ALL;
}

void app_pop(app *a)
{
    if (a->depth <= 1) {
        a->quit = 1;
        return;
    }
    view *v = a->stack[--a->depth];
    v->ops->destroy(v);
    view *top = a->stack[a->depth - 1];
    if (top->ops->reload)
        top->ops->reload(a, top);
    a->redraw = REDRAW_ALL;
}

/* The last screen: quitting costs the person an Argon2id unlock to come back,
 * so a stray q asks first; only y or Y quits. At the end of a test's key
 * script it quits without asking, as Q always does. */
static enum redraw quit_asked(app *a)
{
    char ans[8] = "";
    if (!app_script_ended(a) &&
        (app_prompt(a, "Quit carecoord? [y/N] ", ans, sizeof ans, 0) != 0 ||
         (ans[0] != 'y' && ans[0] != 'Y'))) {
        app_status(
            a, 0,
            "not quit: carecoord stays open (%s, then y, quits; %s quits at once)",
            keymap_key_name(ACT_BACK), keymap_key_name(ACT_QUIT));
        return REDRAW_VIEW;
    }
    a->quit = 1;
    return REDRAW_NONE;
}

enum redraw app_back(app *a)
{
    if (a->depth <= 1)
        return quit_asked(a);
    app_pop(a);
    return REDRAW_ALL;
}

enum redraw app_move(list_pos *pos, int count, int visible, enum action act)
{
    list_pos was = *pos;
    if (!list_move(pos, count, visible, act))
        return REDRAW_PASS;
    return was.sel != pos->sel || was.top != pos->top ? REDRAW_VIEW : REDRAW_NONE;
}

/* ---- painting ---------------------------------------------------------- */

/* The cursor waits in the top-left corner: a terminal that shrinks (tmux,
 * xterm) drops rows below the cursor, but pushes the rows above it into its
 * scrollback. */
static void park_cursor(void)
{
    move(0, 0);
    refresh();
}

/* Blank rows from..to-1 of stdscr. */
static void erase_rows(int from, int to)
{
    for (int y = from; y < to; y++) {
        move(y, 0);
        clrtoeol();
    }
}

/* Paint what a->redraw asks for: the view's lines, the header, or (with
 * both, or whenever the terminal is too small) everything. */
static void paint(app *a)
{
    int what = a->redraw;
    layout_compute(LINES, COLS, &a->lay);
    if (a->lay.too_small || what == REDRAW_ALL) {
        erase();
    } else {
        if (what & REDRAW_HEADER)
            erase_rows(a->lay.header_y, a->lay.header_y + 1);
        if (what & REDRAW_VIEW)
            erase_rows(a->lay.header_y + 1, a->lay.footer_y);
    }
    if (a->lay.too_small) {
        char how[80];
        snprintf(how, sizeof how, "Make the window larger, or press %s to quit.",
                 keymap_key_name(ACT_BACK));
        mvaddstr(0, 0, "Terminal too small: carecoord needs 80x24.");
        mvaddstr(1, 0, how);
    } else {
        view *v = a->stack[a->depth - 1];
        if (what & REDRAW_HEADER)
            draw_header(a);
        if (what & REDRAW_VIEW) {
            v->ops->draw(a, v);
            draw_status(a);
        }
        if (what == REDRAW_ALL)
            draw_footer(a, v);
    }
    park_cursor();
    a->redraw = REDRAW_NONE; /* a draw may set the status: it is painted */
}

/* Read the header's counts again if they are old (or force); 1 if they
 * changed. */
static int refresh_counts(app *a, int force)
{
    int64_t now = clock_mono_ms();
    worklist_counts was = a->counts;
    if (!force && now - a->counts_ms < COUNTS_EVERY_MS)
        return 0;
    cc_err err;
    worklist_counts_for(&a->ctx, a->me.id, &a->counts, &err);
    a->counts_ms = now;
    return memcmp(&was, &a->counts, sizeof was) != 0;
}

/* ---- unlock and lock --------------------------------------------------- */

static void draw_unlock(app *a, const char *why)
{
    erase();
    layout_compute(LINES, COLS, &a->lay);
    char who[160];
    snprintf(who, sizeof who, "You are %s (%s).", a->login,
             a->login_chosen ? "chosen with --user" : "from your system login");
    draw_text(a, 2, 2, a->lay.cols - 4, "carecoord — unlock", ROLE_HEADER);
    draw_text(a, 4, 2, a->lay.cols - 4, who, ROLE_NORMAL);
    draw_text(a, 5, 2, a->lay.cols - 4, why, why[0] ? ROLE_ERROR : ROLE_NORMAL);
    char how[80];
    snprintf(how, sizeof how, "Passphrase (not shown); %s quits.",
             keymap_key_name(ACT_CANCEL));
    draw_text(a, 7, 2, a->lay.cols - 4, how, ROLE_DIM);
    a->lay.status_y = 8;
}

static int try_unlock(app *a, const char *pass, char *why, size_t whysz)
{
    cc_err err = {0};
    session s;
    if (session_open(&s, a->db_path, a->login, pass, "tui", 0, &err) != CC_OK) {
        snprintf(why, whysz, "%s", err.msg);
        /* a mistyped passphrase may be typed again; anything else ends it */
        return !strncmp(err.msg, "wrong passphrase", 16) ? 1 : -1;
    }
    a->st = s.st;
    a->me = s.me;
    a->ctx = s.ctx;
    sodium_memzero(&s, sizeof s);
    return 0;
}

/* Ask for the passphrase until it opens the store (or 5 failures, or Esc).
 * Returns 0 when unlocked. */
static int unlock(app *a, char *why, size_t whysz)
{
    char *pass = sodium_malloc(1024);
    int rc = -1;
    if (!pass)
        return -1;
    for (int tries = 0; tries < MAX_UNLOCK_TRIES && !got_hangup; tries++) {
        draw_unlock(a, why);
        if (app_prompt(a, "Passphrase: ", pass, 1024, 1) != 0)
            break;
        rc = try_unlock(a, pass, why, whysz);
        if (rc <= 0)
            break;
    }
    sodium_free(pass);
    return rc == 0 ? 0 : -1;
}

view *app_home(app *a)
{
    if (!strcmp(a->me.role, "admin"))
        return view_admin_new(a);
    if (!strcmp(a->me.role, "nurse") || !strcmp(a->me.role, "scheduler"))
        return view_team_caseload_new(a); /* they own no caseload of their own */
    return view_caseload_new(a, a->me.id);
}

/* The idle lock: wipe the screen and the keys, ask again. */
static int lock_and_unlock(app *a)
{
    char why[512] = "Locked after inactivity.";
    while (a->depth) {
        view *v = a->stack[--a->depth];
        v->ops->destroy(v);
    }
    store_close(a->st);
    a->st = NULL;
    sodium_memzero(&a->me, sizeof a->me);
    erase();
    terminal_wipe();
    if (unlock(a, why, sizeof why) != 0)
        return -1;
    app_push(a, app_home(a));
    a->last_key_ms = clock_mono_ms();
    return 0;
}

/* ---- the loop ---------------------------------------------------------- */

/* The actions every screen has, when the view on top does not take them. */
static enum redraw global_quit(app *a, view *v)
{
    (void)v;
    a->quit = 1;
    return REDRAW_NONE;
}

static enum redraw global_back(app *a, view *v)
{
    (void)v;
    return app_back(a);
}

static enum redraw global_caseload(app *a, view *v)
{
    (void)v;
    while (a->depth > 1)
        app_pop(a);
    return REDRAW_ALL;
}

static enum redraw global_refresh(app *a, view *v)
{
    refresh_counts(a, 1);
    if (v->ops->reload)
        v->ops->reload(a, v);
    terminal_wipe(); /* and every cell is written again */
    return REDRAW_ALL;
}

static const struct {
    enum action act;
    enum redraw (*run)(app *a, view *v); /* or: */
    view *(*open)(app *a);               /* a view to push */
} globals[] = {
    {ACT_QUIT, global_quit, NULL},         {ACT_BACK, global_back, NULL},
    {ACT_HELP, NULL, view_help_new},       {ACT_INBOX, NULL, view_inbox_new},
    {ACT_SEARCH, NULL, view_search_new},   {ACT_REPORTS, NULL, view_reports_new},
    {ACT_CASELOAD, global_caseload, NULL}, {ACT_REFRESH, global_refresh, NULL},
    {ACT_AGENDA, NULL, view_agenda_new},   {ACT_TEAM, NULL, view_team_caseload_new},
    {ACT_MY_TASKS, NULL, view_my_tasks_new},
};

static enum redraw run_global(app *a, view *v, enum action act)
{
    for (size_t i = 0; i < sizeof globals / sizeof *globals; i++) {
        if (globals[i].act != act)
            continue;
        if (globals[i].run)
            return globals[i].run(a, v);
        app_push(a, globals[i].open(a));
        return REDRAW_ALL;
    }
    return REDRAW_NONE;
}

/* One key: the top view first, then the global actions. The status line
 * says what the last key did: it is cleared first, and kept if the key
 * changed nothing. */
static enum redraw handle_key(app *a, int ch)
{
    view *v = a->stack[a->depth - 1];
    enum action act = keymap_lookup(v->ops->keys, ch);
    char was[sizeof a->status];
    if (a->lay.too_small) {
        if (act == ACT_BACK || act == ACT_QUIT)
            a->quit = 1;
        return REDRAW_NONE;
    }
    memcpy(was, a->status, sizeof was);
    a->status[0] = '\0';
    enum redraw r = v->ops->key(a, v, act, ch);
    if (r == REDRAW_PASS)
        r = run_global(a, v, act);
    if (r == REDRAW_NONE && !a->status[0] && !(a->redraw & REDRAW_VIEW))
        memcpy(a->status, was, sizeof was); /* nothing happened: it stays */
    else if (strcmp(was, a->status) != 0)
        r |= REDRAW_VIEW;
    return r;
}

/* The counts changed: the header, and the view on top if its rows follow
 * them (the caseload's title and rows must agree with the header). */
static enum redraw follow_counts(app *a)
{
    view *v = a->stack[a->depth - 1];
    if (!v->ops->follows_counts || !v->ops->reload)
        return REDRAW_HEADER;
    v->ops->reload(a, v);
    return REDRAW_HEADER | REDRAW_VIEW;
}

static int run_loop(app *a)
{
    a->redraw = REDRAW_ALL;
    while (!a->quit && !got_hangup && a->depth) {
        if (refresh_counts(a, 0))
            a->redraw |= follow_counts(a);
        if (a->redraw)
            paint(a);
        int ch = app_getch(a);
        if (got_hangup)
            break;
        if (ch == ERR) { /* a second passed without a key */
            if (a->idle_limit_s > 0 && !a->script &&
                clock_mono_ms() - a->last_key_ms > (int64_t)a->idle_limit_s * 1000 &&
                lock_and_unlock(a) != 0)
                return -1;
            continue;
        }
        a->last_key_ms = clock_mono_ms();
        if (ch == KEY_RESIZE)
            a->redraw = REDRAW_ALL;
        else
            a->redraw |= handle_key(a, ch);
    }
    return 0;
}

/* ---- set-up and tear-down ---------------------------------------------- */

/* The terminal: $TERM on stdin/stdout, or in test mode a rendering to
 * /dev/null (as xterm unless TERM says otherwise). */
static SCREEN *open_terminal(app *a, FILE **out, FILE **in, char *why, size_t whysz)
{
    const char *term = getenv("TERM");
    *out = stdout;
    *in = stdin;
    if (a->script) {
        *out = fopen("/dev/null", "w");
        *in = fopen("/dev/null", "r");
        if (!term || !*term)
            term = "xterm";
    }
    a->tty_fd = fileno(*in);
    return terminal_open(term, *out, *in, why, whysz);
}

int tui_run(const tui_opts *o, cc_err *err)
{
    app a;
    script sc = {0};
    FILE *out, *in;
    char why[512] = "";
    memset(&a, 0, sizeof a);
    a.db_path = o->db_path;
    snprintf(a.login, sizeof a.login, "%s", o->login);
    a.login_chosen = o->login_chosen;
    a.mono = o->no_color || getenv("NO_COLOR") != NULL;
    a.idle_limit_s = o->idle_lock_seconds;
    if (o->script_path) {
        if (!(sc.in = fopen(o->script_path, "r")))
            return cc_err_set(err, CC_EUSAGE, "cannot read key script %s",
                              o->script_path);
        a.script = &sc;
    }
    for (int i = 0; i < o->nbinds; i++) {
        char k[16], name[32];
        if (sscanf(o->binds[i], "%15s %31s", k, name) != 2 || keymap_bind(k, name) != 0)
            return cc_err_set(err, CC_EUSAGE,
                              "bad key binding '%s' (bind = KEY ACTION)", o->binds[i]);
    }
    setlocale(LC_ALL, "");
    SCREEN *scr = open_terminal(&a, &out, &in, why, sizeof why);
    if (!scr)
        return cc_err_set(err, CC_EUSAGE, "%s", why);
    catch_hangup();
    terminal_setup();
    draw_init_colors(&a);
    int rc = unlock(&a, why, sizeof why);
    if (rc == 0) {
        a.last_key_ms = clock_mono_ms();
        app_push(&a, app_home(&a));
        rc = run_loop(&a);
    }
    while (a.depth) {
        view *v = a.stack[--a.depth];
        v->ops->destroy(v);
    }
    erase();
    terminal_wipe(); /* nothing of a client stays on the screen or in its history */
    endwin();
    delscreen(scr);
    if (a.script) {
        fclose(out), fclose(in), fclose(sc.in);
    }
    store_close(a.st);
    if (got_hangup) /* cleaned up like a quit, but not one: exit status 1 */
        return cc_err_set(err, CC_EUSAGE, "%s", hangup_why());
    if (rc != 0)
        return cc_err_set(err, CC_EREFUSED, "%s", why[0] ? why : "not unlocked");
    return CC_OK;
}
