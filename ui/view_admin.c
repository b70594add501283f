/*
 * view_admin.c — what an administrator opens the program to: a menu of the
 * site's directory (organizations, teams, staff, leave cover, programs, the
 * risk questionnaire, the service area) and the alerts about accounts. Each
 * entry is a table from the same core call as its subcommand, with a few
 * keys that open forms: N adds, E edits, X retires (or ends, or offboards),
 * p sets a team's members and cover, R gives a one-time passphrase. The
 * core decides and audits every change; this file only asks and shows.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/assessment.h"
#include "core/leave.h"
#include "core/merge.h"
#include "core/offboard.h"
#include "core/org.h"
#include "core/program.h"
#include "core/reports.h"
#include "core/staff.h"
#include "core/team.h"
#include "form.h"
#include "form_common.h"
#include "keymap.h"
#include "list.h"

typedef struct admin_view admin_view;

/* One entry of the menu: how its table is read and what its keys open. */
struct section {
    const char *label;  /* in the menu */
    const char *action; /* the role-matrix action that shows it */
    const char *footer;
    int (*load)(app *a, cc_table *t, cc_err *err);
    view *(*add)(app *a, admin_view *av);    /* N */
    view *(*edit)(app *a, admin_view *av);   /* E */
    void (*retire)(app *a, admin_view *av);  /* X */
    view *(*people)(app *a, admin_view *av); /* p */
    void (*reset)(app *a, admin_view *av);   /* R */
};

struct admin_view {
    const struct section *sec;
    cc_table t;
    list_pos pos;
};

/* The selected row's cell in the column called col ("" if none). */
static const char *cell(const admin_view *av, const char *col)
{
    return av->t.nrows ? table_cell(&av->t, av->pos.sel, table_col(&av->t, col)) : "";
}

/* A form that may carry a message of its own to show once saved. */
typedef struct admin_form {
    form fm;
    char msg[160];
    char key[96]; /* what the form is about (a code, a login, a team id) */
} admin_form;

static admin_form *admin_form_new(app *a, const char *title, int n, const char *what)
{
    admin_form *af = (admin_form *)form_alloc(sizeof *af, what, a);
    if (!af)
        return NULL;
    af->fm.title = title;
    af->fm.n = n;
    af->fm.saved_msg = af->msg;
    snprintf(af->msg, sizeof af->msg, "saved");
    return af;
}

/* Ask "question [y/N]"; true on y. */
static int confirm(app *a, const char *question)
{
    char ans[8] = "";
    char ask[200];
    snprintf(ask, sizeof ask, "%s [y/N] ", question);
    return app_prompt(a, ask, ans, sizeof ans, 0) == 0 &&
           (ans[0] == 'y' || ans[0] == 'Y');
}

/* A one-time passphrase to read out to the person: 4 groups of 4 letters
 * and digits (about 82 bits), without look-alikes. */
static void one_time_passphrase(char out[20])
{
    static const char set[] = "abcdefghjkmnpqrstuvwxyz23456789";
    int k = 0;
    for (int i = 0; i < 16; i++) {
        if (i && i % 4 == 0)
            out[k++] = '-';
        out[k++] = set[randombytes_uniform(sizeof set - 1)];
    }
    out[k] = '\0';
}

/* ---- organizations ----------------------------------------------------- */

static int load_orgs(app *a, cc_table *t, cc_err *err)
{
    return org_list(&a->ctx, "", t, err);
}

#define ORG_KINDS                                                                      \
    "hospital,snf,senior-living,practice,clinic,payer-cm,agency,hie,ems,other"

static int save_org_add(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    int64_t id;
    snprintf(af->msg, sizeof af->msg, "added organization %.40s", fm->f[0].value);
    return org_add(&a->ctx, fm->f[0].value, fm->f[1].value, fm->f[2].value, &id, err);
}

static view *org_add_form(app *a, admin_view *av)
{
    (void)av;
    admin_form *af = admin_form_new(a, " Add an organization to the directory", 3,
                                    "add an organization");
    if (!af)
        return NULL;
    af->fm.f[0] = (form_field){"Code", NULL, ""};
    af->fm.f[1] = (form_field){"Kind", ORG_KINDS, "hospital"};
    af->fm.f[2] = (form_field){"Name", NULL, ""};
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "The code is how messages, consents and hand-offs name it; never reused.");
    af->fm.save = save_org_add;
    return form_view_new(&af->fm);
}

static int save_org_edit(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    snprintf(af->msg, sizeof af->msg, "organization %.40s changed", af->key);
    return org_edit(&a->ctx, af->key, fm->f[0].value, fm->f[1].value, err);
}

static view *org_edit_form(app *a, admin_view *av)
{
    if (!av->t.nrows)
        return NULL;
    admin_form *af =
        admin_form_new(a, " Change an organization", 2, "change an organization");
    if (!af)
        return NULL;
    snprintf(af->key, sizeof af->key, "%s", cell(av, "code"));
    af->fm.f[0] = (form_field){"Name", NULL, ""};
    af->fm.f[1] = (form_field){"Kind", ORG_KINDS, ""};
    snprintf(af->fm.f[0].value, sizeof af->fm.f[0].value, "%s", cell(av, "name"));
    snprintf(af->fm.f[1].value, sizeof af->fm.f[1].value, "%s", cell(av, "kind"));
    af->fm.save = save_org_edit;
    return form_view_new(&af->fm);
}

static void org_retire_row(app *a, admin_view *av)
{
    cc_err err = {0};
    char q[160];
    snprintf(q, sizeof q, "Retire %.40s (kept for the records that name it)?",
             cell(av, "code"));
    if (!av->t.nrows || !confirm(a, q))
        return;
    if (org_retire(&a->ctx, cell(av, "code"), &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "retired %s", cell(av, "code"));
}

/* ---- teams ------------------------------------------------------------- */

static int load_teams(app *a, cc_table *t, cc_err *err)
{
    return team_list(&a->ctx, t, err);
}

/* "hss,ct-ngh,..." into buf: the program codes for a choice. */
static void program_choices(app *a, char *buf, size_t n)
{
    program *ps;
    int np;
    cc_err err = {0};
    buf[0] = '\0';
    if (program_list(&a->ctx, &ps, &np, &err) != CC_OK)
        return;
    for (int i = 0; i < np; i++)
        if (ps[i].active && strlen(buf) + strlen(ps[i].code) + 2 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "," : "",
                     ps[i].code);
    free(ps);
}

static int save_team_add(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    int64_t id;
    int cap = fm->f[2].value[0] ? (int)form_positive(fm->f[2].value) : 0;
    if (fm->f[2].value[0] && cap <= 0)
        return cc_err_set(err, CC_EINPUT,
                          "capacity: a whole number, or empty for none");
    if (team_create(&a->ctx, fm->f[0].value, fm->f[1].value, cap, &id, err) != CC_OK)
        return err->code;
    snprintf(af->msg, sizeof af->msg, "team %lld created: %.60s (p sets its people)",
             (long long)id, fm->f[0].value);
    return CC_OK;
}

static view *team_add_form(app *a, admin_view *av)
{
    (void)av;
    admin_form *af = admin_form_new(a, " Create a care team", 3, "create a team");
    if (!af)
        return NULL;
    program_choices(a, af->fm.choice_buf, sizeof af->fm.choice_buf);
    af->fm.f[0] = (form_field){"Name", NULL, ""};
    af->fm.f[1] = (form_field){"Program", af->fm.choice_buf, ""};
    snprintf(af->fm.f[1].value, sizeof af->fm.f[1].value, "%.*s",
             (int)strcspn(af->fm.choice_buf, ","), af->fm.choice_buf);
    af->fm.f[2] = (form_field){"Own capacity", NULL, ""};
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "Own capacity: clients for the whole team (the ACT team's 100), besides "
             "each coach's; empty for none.");
    af->fm.save = save_team_add;
    return form_view_new(&af->fm);
}

/* Rename and capacity: each is its own change, made only if it differs. */
static int save_team_edit(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    int64_t id = atoll(af->key);
    int cap = fm->f[1].value[0] ? (int)form_positive(fm->f[1].value) : 0;
    if (fm->f[1].value[0] && cap <= 0)
        return cc_err_set(err, CC_EINPUT,
                          "capacity: a whole number, or empty for none");
    if (strcmp(fm->f[0].value, af->key + strcspn(af->key, " ") + 1) != 0 &&
        team_rename(&a->ctx, id, fm->f[0].value, err) != CC_OK)
        return err->code;
    if (team_set_capacity(&a->ctx, id, cap, err) != CC_OK)
        return err->code;
    snprintf(af->msg, sizeof af->msg, "team %lld changed", (long long)id);
    return CC_OK;
}

static view *team_edit_form(app *a, admin_view *av)
{
    if (!av->t.nrows)
        return NULL;
    admin_form *af = admin_form_new(a, " Change a team", 2, "change a team");
    if (!af)
        return NULL;
    snprintf(af->key, sizeof af->key, "%s %s", cell(av, "id"), cell(av, "name"));
    af->fm.f[0] = (form_field){"Name", NULL, ""};
    af->fm.f[1] = (form_field){"Own capacity", NULL, ""};
    snprintf(af->fm.f[0].value, sizeof af->fm.f[0].value, "%s", cell(av, "name"));
    snprintf(af->fm.f[1].value, sizeof af->fm.f[1].value, "%s", cell(av, "capacity"));
    af->fm.save = save_team_edit;
    return form_view_new(&af->fm);
}

static void team_retire_row(app *a, admin_view *av)
{
    cc_err err = {0};
    char q[160];
    snprintf(q, sizeof q, "Retire team %.60s?", cell(av, "name"));
    if (!av->t.nrows || !confirm(a, q))
        return;
    if (team_retire(&a->ctx, atoll(cell(av, "id")), &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "team %s retired", cell(av, "name"));
}

static const struct {
    const char *what;
    int (*run)(cc_ctx *, int64_t, int64_t, cc_err *);
} people_ops[] = {
    {"add member", team_member_add},
    {"remove member", team_member_remove},
    {"add cover", team_cover_add},
    {"remove cover", team_cover_remove},
};

static int save_people(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    staff s;
    if (staff_find(a->st, fm->f[1].value, &s, err) != CC_OK)
        return err->code;
    for (size_t i = 0; i < sizeof people_ops / sizeof *people_ops; i++)
        if (!strcmp(fm->f[0].value, people_ops[i].what)) {
            snprintf(af->msg, sizeof af->msg, "%s: %s", people_ops[i].what, s.login);
            return people_ops[i].run(&a->ctx, atoll(af->key), s.id, err);
        }
    return cc_err_set(err, CC_EINPUT, "choose what to do");
}

/* The active logins, for a choice. */
static void login_choices(app *a, char *buf, size_t n)
{
    staff *list;
    int k;
    cc_err err = {0};
    buf[0] = '\0';
    if (staff_list(a->st, &list, &k, &err) != CC_OK)
        return;
    for (int i = 0; i < k; i++)
        if (list[i].active && strlen(buf) + strlen(list[i].login) + 2 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "," : "",
                     list[i].login);
    free(list);
}

static view *team_people_form(app *a, admin_view *av)
{
    if (!av->t.nrows)
        return NULL;
    admin_form *af = admin_form_new(a, " A team's members and cover", 2, "team people");
    if (!af)
        return NULL;
    snprintf(af->key, sizeof af->key, "%s", cell(av, "id"));
    login_choices(a, af->fm.choice_buf, sizeof af->fm.choice_buf);
    af->fm.f[0] = (form_field){
        "Change", "add member,remove member,add cover,remove cover", "add member"};
    af->fm.f[1] = (form_field){"Person", af->fm.choice_buf, ""};
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "Team %.60s. Members: %.300s. Cover (program managers, social workers, at "
             "most %d teams each): %.200s",
             cell(av, "name"), cell(av, "members"), team_cover_limit(&a->ctx),
             cell(av, "covered_by"));
    af->fm.save = save_people;
    return form_view_new(&af->fm);
}

/* ---- staff ------------------------------------------------------------- */

static int load_staff(app *a, cc_table *t, cc_err *err)
{
    return staff_roster(&a->ctx, t, err);
}

#define ROLES "coach,nurse,scheduler,social-worker,program-manager,supervisor,admin"

/* "ID NAME" of every active team, for a choice ("" first: no team). */
static void team_choices(app *a, char *buf, size_t n, int none_first)
{
    cc_table t;
    cc_err err = {0};
    snprintf(buf, n, "%s", none_first ? "none" : "");
    if (team_list(&a->ctx, &t, &err) != CC_OK)
        return;
    for (int r = 0; r < t.nrows; r++) {
        char one[128];
        if (strcmp(table_cell(&t, r, table_col(&t, "state")), "active") != 0)
            continue;
        snprintf(one, sizeof one, "%s %s", table_cell(&t, r, 0), table_cell(&t, r, 1));
        for (char *p = one; *p; p++)
            *p = *p == ',' ? ';' : *p; /* a comma would split the choice */
        if (strlen(buf) + strlen(one) + 2 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "," : "",
                     one);
    }
    table_free(&t);
}

static int save_staff_add(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    char pass[20];
    one_time_passphrase(pass);
    int rc = staff_create(&a->ctx, fm->f[0].value, fm->f[1].value, fm->f[2].value, pass,
                          atoll(fm->f[3].value), err);
    if (rc == CC_OK)
        snprintf(af->msg, sizeof af->msg,
                 "%.32s added; one-time passphrase %s, to give in person",
                 fm->f[0].value, pass);
    sodium_memzero(pass, sizeof pass);
    return rc;
}

static view *staff_add_form(app *a, admin_view *av)
{
    (void)av;
    admin_form *af = admin_form_new(a, " Add a person", 4, "add a person");
    if (!af)
        return NULL;
    team_choices(a, af->fm.choice_buf, sizeof af->fm.choice_buf, 1);
    af->fm.f[0] = (form_field){"Login", NULL, ""};
    af->fm.f[1] = (form_field){"Role", ROLES, "coach"};
    af->fm.f[2] = (form_field){"Full name", NULL, ""};
    af->fm.f[3] = (form_field){"Team", af->fm.choice_buf, "none"};
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "A one-time passphrase is made for them and shown once.");
    af->fm.save = save_staff_add;
    return form_view_new(&af->fm);
}

/* Role and team: each its own change, made only if it differs. */
static int save_staff_edit(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    const char *login = af->key, *old_role = af->key + strlen(af->key) + 1;
    if (strcmp(fm->f[0].value, old_role) != 0 &&
        staff_set_role(&a->ctx, login, fm->f[0].value, err) != CC_OK)
        return err->code;
    if (strcmp(fm->f[1].value, "stay") != 0 &&
        staff_move(&a->ctx, login, 0, atoll(fm->f[1].value), err) != CC_OK)
        return err->code;
    snprintf(af->msg, sizeof af->msg, "%.32s changed", login);
    return CC_OK;
}

static view *staff_edit_form(app *a, admin_view *av)
{
    if (!av->t.nrows)
        return NULL;
    admin_form *af =
        admin_form_new(a, " Change a person's role or team", 2, "change a person");
    if (!af)
        return NULL;
    /* key holds "LOGIN\0ROLE" */
    snprintf(af->key, sizeof af->key, "%.32s", cell(av, "login"));
    snprintf(af->key + strlen(af->key) + 1, sizeof af->key - strlen(af->key) - 1,
             "%.24s", cell(av, "role"));
    snprintf(af->fm.choice_buf, sizeof af->fm.choice_buf, "stay,");
    team_choices(a, af->fm.choice_buf + 5, sizeof af->fm.choice_buf - 5, 0);
    af->fm.f[0] = (form_field){"Role", ROLES, ""};
    snprintf(af->fm.f[0].value, sizeof af->fm.f[0].value, "%s", cell(av, "role"));
    af->fm.f[1] = (form_field){"Move to team", af->fm.choice_buf, "stay"};
    snprintf(af->fm.preview, sizeof af->fm.preview, "%.32s is on: %.200s",
             cell(av, "login"), cell(av, "teams")[0] ? cell(av, "teams") : "no team");
    af->fm.save = save_staff_edit;
    return form_view_new(&af->fm);
}

static int save_offboard(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    handoff_target t;
    offboard_result r;
    int unassigned = !strcmp(fm->f[0].value, "unassigned queue");
    if (!unassigned && form_parse_target(a, fm->f[0].value, &t, err) != CC_OK)
        return err->code;
    if (staff_offboard(&a->ctx, af->key, unassigned ? NULL : &t, fm->f[1].value, &r,
                       err) != CC_OK)
        return err->code;
    snprintf(
        af->msg, sizeof af->msg,
        "%.32s offboarded: %d proposed, %d unassigned; run carecoord rekey when all "
        "are out",
        af->key, r.handed, r.unassigned);
    return CC_OK;
}

static view *staff_offboard_form(app *a, admin_view *av)
{
    if (!av->t.nrows)
        return NULL;
    admin_form *af = admin_form_new(a, " Offboard: someone leaves", 2, "offboard");
    if (!af)
        return NULL;
    snprintf(af->key, sizeof af->key, "%.32s", cell(av, "login"));
    char *b = af->fm.choice_buf;
    size_t n = sizeof af->fm.choice_buf;
    snprintf(b, n, "unassigned queue");
    staff *list;
    int k;
    cc_err err = {0};
    if (staff_list(a->st, &list, &k, &err) == CC_OK) {
        for (int i = 0; i < k; i++)
            if (list[i].active && staff_role_sees_clients(list[i].role) &&
                strcmp(list[i].role, "supervisor") && strcmp(list[i].login, af->key) &&
                strlen(b) + strlen(list[i].login) + 8 < n)
                snprintf(b + strlen(b), n - strlen(b), ",staff:%s", list[i].login);
        free(list);
    }
    af->fm.f[0] = (form_field){"Caseload to", af->fm.choice_buf, "unassigned queue"};
    af->fm.f[1] = (form_field){"Note", NULL, ""};
    snprintf(
        af->fm.preview, sizeof af->fm.preview,
        "%.32s: every client goes as a warm hand-off (or to the unassigned queue), "
        "their proposals are withdrawn, the account disabled and its key slot "
        "removed: all or nothing.",
        af->key);
    af->fm.save = save_offboard;
    return form_view_new(&af->fm);
}

static void staff_retire_row(app *a, admin_view *av)
{
    if (av->t.nrows)
        app_push(a, staff_offboard_form(a, av));
}

/* R: a one-time passphrase, for a forgotten one or to re-enable. */
static void staff_reset_row(app *a, admin_view *av)
{
    cc_err err = {0};
    char pass[20], q[120];
    const char *login = cell(av, "login");
    int enable = !strcmp(cell(av, "state"), "disabled");
    snprintf(q, sizeof q, "%s %.32s with a one-time passphrase?",
             enable ? "Re-enable" : "Reset the passphrase of", login);
    if (!av->t.nrows || !confirm(a, q))
        return;
    one_time_passphrase(pass);
    int rc = enable ? staff_enable(&a->ctx, login, pass, &err)
                    : staff_reset(&a->ctx, login, pass, &err);
    if (rc != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "%s: one-time passphrase %s, to give in person", login, pass);
    sodium_memzero(pass, sizeof pass);
}

/* ---- leave cover ------------------------------------------------------- */

static int load_leave(app *a, cc_table *t, cc_err *err)
{
    return leave_list(&a->ctx, t, err);
}

static int save_leave(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    int64_t id;
    if (leave_add(&a->ctx, fm->f[0].value, fm->f[1].value, fm->f[2].value,
                  fm->f[3].value, fm->f[4].value, &id, err) != CC_OK)
        return err->code;
    snprintf(af->msg, sizeof af->msg, "cover %lld: %.32s covers %.32s", (long long)id,
             fm->f[1].value, fm->f[0].value);
    return CC_OK;
}

static view *leave_add_form(app *a, admin_view *av)
{
    (void)av;
    admin_form *af = admin_form_new(a, " Leave cover: a colleague works their caseload",
                                    5, "leave cover");
    if (!af)
        return NULL;
    login_choices(a, af->fm.choice_buf, sizeof af->fm.choice_buf);
    af->fm.f[0] = (form_field){"Away", af->fm.choice_buf, ""};
    af->fm.f[1] = (form_field){"Covered by", af->fm.choice_buf, ""};
    af->fm.f[2] = (form_field){"From", NULL, ""};
    af->fm.f[3] = (form_field){"Until", NULL, ""};
    af->fm.f[4] = (form_field){"Note", NULL, ""};
    form_today_plus(a, 0, af->fm.f[2].value);
    form_today_plus(a, 7, af->fm.f[3].value);
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "The same role, sharing a team; no hand-off; ends by itself after Until.");
    af->fm.save = save_leave;
    return form_view_new(&af->fm);
}

static void leave_end_row(app *a, admin_view *av)
{
    cc_err err = {0};
    char q[120];
    snprintf(q, sizeof q, "End cover %s of %.32s now?", cell(av, "id"),
             cell(av, "away"));
    if (!av->t.nrows || !confirm(a, q))
        return;
    if (leave_end(&a->ctx, atoll(cell(av, "id")), &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "cover %s ended", cell(av, "id"));
}

/* ---- programs, questionnaire, service area, accounts ------------------- */

/* A table of strings built here from a core struct list (presentation). */
static int table_alloc(cc_table *t, int nrows, const char *const *heads, int ncols)
{
    memset(t, 0, sizeof *t);
    t->nrows = nrows;
    t->ncols = ncols;
    t->cells = calloc((size_t)(nrows ? nrows : 1) * (size_t)ncols, sizeof *t->cells);
    if (!t->cells)
        return -1;
    for (int c = 0; c < ncols; c++)
        snprintf(t->cols[c], sizeof t->cols[c], "%s", heads[c]);
    return 0;
}

static void table_set(cc_table *t, int r, int c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void table_set(cc_table *t, int r, int c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t->cells[r * t->ncols + c] = strdup(buf);
}

static int load_programs(app *a, cc_table *t, cc_err *err)
{
    static const char *const heads[] = {"code",     "name",      "episode", "maximum",
                                        "capacity", "re-screen", "version", "state"};
    program *ps;
    int n;
    if (program_list(&a->ctx, &ps, &n, err) != CC_OK)
        return err->code;
    if (table_alloc(t, n, heads, 8) != 0) {
        free(ps);
        return cc_err_set(err, CC_EDATA, "out of memory");
    }
    for (int r = 0; r < n; r++) {
        table_set(t, r, 0, "%s", ps[r].code);
        table_set(t, r, 1, "%s", ps[r].name);
        table_set(t, r, 2, "%d days", ps[r].episode_days);
        table_set(t, r, 3, "%d days", ps[r].max_days);
        table_set(t, r, 4, "%d", ps[r].capacity);
        table_set(t, r, 5, "%d days", ps[r].rescreen_days);
        table_set(t, r, 6, "%lld", (long long)ps[r].version);
        table_set(t, r, 7, "%s", ps[r].active ? "active" : "retired");
    }
    free(ps);
    return CC_OK;
}

static int save_program(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    program p;
    protocol_task *tasks = NULL;
    int nt = 0, rc;
    int v[4];
    for (int i = 0; i < 4; i++)
        if ((v[i] = (int)form_positive(fm->f[i].value)) <= 0)
            return cc_err_set(err, CC_EINPUT, "%s: a whole number of days or clients",
                              fm->f[i].label);
    if (program_by_code(&a->ctx, af->key, &p, err) != CC_OK ||
        program_tasks(&a->ctx, p.id, &tasks, &nt, err) != CC_OK)
        return err->code;
    p.episode_days = v[0], p.max_days = v[1], p.capacity = v[2], p.rescreen_days = v[3];
    rc = program_save(&a->ctx, &p, tasks, nt, err);
    free(tasks);
    snprintf(af->msg, sizeof af->msg, "program %.32s saved (a new version)", af->key);
    return rc;
}

static view *program_edit_form(app *a, admin_view *av)
{
    program p;
    cc_err err = {0};
    if (!av->t.nrows || program_by_code(&a->ctx, cell(av, "code"), &p, &err) != CC_OK)
        return NULL;
    admin_form *af = admin_form_new(a, " Change a program", 4, "change a program");
    if (!af)
        return NULL;
    snprintf(af->key, sizeof af->key, "%s", p.code);
    af->fm.f[0] = (form_field){"Episode days", NULL, ""};
    af->fm.f[1] = (form_field){"Maximum days", NULL, ""};
    af->fm.f[2] = (form_field){"Capacity per coach", NULL, ""};
    af->fm.f[3] = (form_field){"Re-screen days", NULL, ""};
    snprintf(af->fm.f[0].value, sizeof af->fm.f[0].value, "%d", p.episode_days);
    snprintf(af->fm.f[1].value, sizeof af->fm.f[1].value, "%d", p.max_days);
    snprintf(af->fm.f[2].value, sizeof af->fm.f[2].value, "%d", p.capacity);
    snprintf(af->fm.f[3].value, sizeof af->fm.f[3].value, "%d", p.rescreen_days);
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "%.60s. Eligibility and protocol tasks: carecoord program load FILE.",
             p.name);
    af->fm.save = save_program;
    return form_view_new(&af->fm);
}

static int load_questions(app *a, cc_table *t, cc_err *err)
{
    static const char *const heads[] = {"#", "category", "weight", "driver",
                                        "question"};
    questionnaire q;
    if (questionnaire_load(&a->ctx, "hra", &q, err) != CC_OK)
        return err->code;
    if (table_alloc(t, q.n, heads, 5) != 0)
        return cc_err_set(err, CC_EDATA, "out of memory");
    for (int r = 0; r < q.n; r++) {
        table_set(t, r, 0, "%d", r + 1);
        table_set(t, r, 1, "%s", q.q[r].category);
        table_set(t, r, 2, "%d", q.q[r].weight);
        table_set(t, r, 3, "%s", q.q[r].driver);
        table_set(t, r, 4, "%s", q.q[r].text);
    }
    app_status(a, 0,
               "version %d: high at %d+, moderate at %d+ (carecoord questionnaire load "
               "FILE)",
               q.version, q.high_min, q.moderate_min);
    return CC_OK;
}

static int load_area(app *a, cc_table *t, cc_err *err)
{
    static const char *const heads[] = {"zip"};
    char list[16384];
    if (area_list(&a->ctx, list, sizeof list, err) != CC_OK)
        return err->code;
    int n = 0;
    for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
        n++;
    if (table_alloc(t, n, heads, 1) != 0)
        return cc_err_set(err, CC_EDATA, "out of memory");
    int r = 0;
    for (const char *p = list; *p && r < n; r++) {
        size_t len = strcspn(p, ",");
        table_set(t, r, 0, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
    }
    return CC_OK;
}

static int save_zip(app *a, form *fm, cc_err *err)
{
    admin_form *af = (admin_form *)fm;
    snprintf(af->msg, sizeof af->msg, "%.5s is in the service area", fm->f[0].value);
    return area_add(&a->ctx, fm->f[0].value, err);
}

static view *zip_add_form(app *a, admin_view *av)
{
    (void)av;
    admin_form *af =
        admin_form_new(a, " Add a ZIP to the service area", 1, "add a ZIP");
    if (!af)
        return NULL;
    af->fm.f[0] = (form_field){"ZIP", NULL, ""};
    snprintf(af->fm.preview, sizeof af->fm.preview,
             "Many at once from a file: carecoord area import FILE");
    af->fm.save = save_zip;
    return form_view_new(&af->fm);
}

static void zip_remove_row(app *a, admin_view *av)
{
    cc_err err = {0};
    char q[80];
    snprintf(q, sizeof q, "Remove %.5s from the service area?", cell(av, "zip"));
    if (!av->t.nrows || !confirm(a, q))
        return;
    if (area_remove(&a->ctx, cell(av, "zip"), &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "%s removed", cell(av, "zip"));
}

static int load_accounts(app *a, cc_table *t, cc_err *err)
{
    report_params p;
    memset(&p, 0, sizeof p);
    if (report_resolve(&a->ctx, "accounts", &p, err) != CC_OK)
        return err->code;
    return report_run(&a->ctx, "accounts", &p, t, err);
}

/* ---- duplicate clients ------------------------------------------------- */

static int load_merges(app *a, cc_table *t, cc_err *err)
{
    return merge_list(&a->ctx, t, err);
}

/* The side-by-side review of two records, before they become one. */
typedef struct merge_view {
    merge_review r;
    int64_t survivor, retired;
} merge_view;

static void mv_row(app *a, int y, const char *label, const char *left,
                   const char *right)
{
    int w = (a->lay.cols - 18) / 2;
    draw_text(a, y, 1, 16, label, ROLE_DIM);
    draw_text(a, y, 18, w - 1, left, strcmp(left, right) ? ROLE_WARN : ROLE_NORMAL);
    draw_text(a, y, 18 + w, w, right, strcmp(left, right) ? ROLE_WARN : ROLE_NORMAL);
}

static void mv_draw(app *a, view *v)
{
    merge_view *m = v->data;
    const merge_side *s[2] = {&m->r.survivor, &m->r.retired};
    char cell[2][8][300];
    int y = a->lay.body_y;
    draw_text(a, 1, 0, a->lay.cols,
              " Duplicate clients: keep the left, retire the right", ROLE_DIM);
    for (int i = 0; i < 2; i++) {
        snprintf(cell[i][0], sizeof cell[i][0], "client %lld", (long long)s[i]->c.id);
        snprintf(cell[i][1], sizeof cell[i][1], "%s, %s", s[i]->c.family_name,
                 s[i]->c.given_name);
        snprintf(cell[i][2], sizeof cell[i][2], "%s  ZIP %s", s[i]->c.dob, s[i]->c.zip);
        snprintf(cell[i][3], sizeof cell[i][3], "%s  %s", s[i]->c.payer,
                 s[i]->c.setting);
        snprintf(cell[i][4], sizeof cell[i][4], "%s",
                 s[i]->owner[0] ? s[i]->owner : "-");
        snprintf(cell[i][5], sizeof cell[i][5], "%s",
                 s[i]->program[0] ? s[i]->program : "-");
        snprintf(cell[i][6], sizeof cell[i][6], "%s",
                 s[i]->identifiers[0] ? s[i]->identifiers : "-");
    }
    static const char *const labels[] = {
        "", "name", "born", "payer, setting", "owner", "program", "identifiers"};
    for (int k = 0; k < 7; k++)
        mv_row(a, y++, labels[k], cell[0][k], cell[1][k]);
    for (int k = 0; k < MERGE_KINDS && y < a->lay.body_y + a->lay.body_h - 2; k++) {
        char l[16], r[16];
        snprintf(l, sizeof l, "%d", s[0]->counts[k]);
        snprintf(r, sizeof r, "%d", s[1]->counts[k]);
        if (s[0]->counts[k] || s[1]->counts[k])
            mv_row(a, y++, merge_kind_name(k), l, r);
    }
    draw_text(a, ++y, 1, a->lay.cols - 2,
              m->r.refused ? m->r.problem
                           : "a merges them (a reason is asked): the right's rows move "
                             "left; X undoes it",
              m->r.refused ? ROLE_URGENT : ROLE_DIM);
}

static enum redraw mv_key(app *a, view *v, enum action act, int ch)
{
    merge_view *m = v->data;
    char reason[200];
    cc_err err = {0};
    int64_t id;
    (void)ch;
    if (act != ACT_ACCEPT)
        return REDRAW_PASS;
    if (app_prompt(a, "Why are they the same person? ", reason, sizeof reason, 0) != 0)
        return REDRAW_VIEW;
    if (merge_clients(&a->ctx, m->survivor, m->retired, reason, &id, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return REDRAW_VIEW;
    }
    int64_t kept = m->survivor, gone = m->retired;
    app_pop(a); /* frees m */
    app_status(a, 0, "merge %lld: client %lld into client %lld (X undoes it)",
               (long long)id, (long long)gone, (long long)kept);
    return REDRAW_ALL;
}

static void mv_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops merge_ops = {
    "merge review", "accept back help", mv_draw, mv_key, NULL, mv_destroy, KEYS_VIEW, 0,
};

/* N: which two records, then their review. */
static view *merge_review_new(app *a, admin_view *av)
{
    char keep[24], retire[24];
    cc_err err = {0};
    (void)av;
    if (app_prompt(a, "Client id to keep: ", keep, sizeof keep, 0) != 0 ||
        app_prompt(a, "Client id to merge into it: ", retire, sizeof retire, 0) != 0)
        return NULL;
    merge_view *m = calloc(1, sizeof *m);
    view *v = calloc(1, sizeof *v);
    if (!m || !v) {
        free(m), free(v);
        return NULL;
    }
    m->survivor = atoll(keep);
    m->retired = atoll(retire);
    if (merge_preview(&a->ctx, m->survivor, m->retired, &m->r, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(m), free(v);
        return NULL;
    }
    v->ops = &merge_ops;
    v->data = m;
    return v;
}

static void merge_undo_row(app *a, admin_view *av)
{
    char reason[200], q[80];
    cc_err err = {0};
    if (!av->t.nrows)
        return;
    snprintf(q, sizeof q, "Undo merge %s: why? ", cell(av, "merge"));
    if (app_prompt(a, q, reason, sizeof reason, 0) != 0)
        return;
    if (merge_undo(&a->ctx, atoll(cell(av, "merge")), reason, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "merge %s undone: every row it moved is back",
                   cell(av, "merge"));
}

/* clang-format off */
static const struct section sections[] = {
    {"Organizations: hospitals, SNFs, practices, payers, agencies", "org.manage",
     "add edit retire back help", load_orgs, org_add_form, org_edit_form,
     org_retire_row, NULL, NULL},
    {"Teams: programs, capacity, members and cover", "team.manage",
     "add edit people retire back help", load_teams, team_add_form, team_edit_form,
     team_retire_row, team_people_form, NULL},
    {"Staff: accounts, roles, teams, passphrases, offboarding", "staff.manage",
     "add edit reset retire back help", load_staff, staff_add_form, staff_edit_form,
     staff_retire_row, NULL, staff_reset_row},
    {"Leave cover: who works whose caseload while away", "leave.manage",
     "add retire back help", load_leave, leave_add_form, NULL, leave_end_row, NULL,
     NULL},
    {"Programs: episode length, maximum, capacity, re-screen", "program.manage",
     "edit back help", load_programs, NULL, program_edit_form, NULL, NULL, NULL},
    {"Risk questionnaire: questions, weights, thresholds", "program.manage",
     "back help", load_questions, NULL, NULL, NULL, NULL, NULL},
    {"Service area: the ZIP codes served", "program.manage", "add retire back help",
     load_area, zip_add_form, NULL, zip_remove_row, NULL, NULL},
    {"Duplicate clients: side-by-side review, merge, undo", "client.merge",
     "add retire back help", load_merges, merge_review_new, NULL, merge_undo_row, NULL,
     NULL},
    {"Alerts about accounts: changes that open client content", "accounts.review",
     "back help", load_accounts, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */

/* ---- one section: its table and keys ----------------------------------- */

static void sv_load(app *a, view *v)
{
    admin_view *av = v->data;
    cc_err err = {0};
    table_free(&av->t);
    if (av->sec->load(a, &av->t, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    av->pos.sel = layout_clamp(av->pos.sel, av->t.nrows);
}

static void sv_draw(app *a, view *v)
{
    admin_view *av = v->data;
    char title[160];
    snprintf(title, sizeof title, " %.*s", (int)strcspn(av->sec->label, ":"),
             av->sec->label);
    draw_text(a, 1, 0, a->lay.cols, title, ROLE_DIM);
    draw_table(a, a->lay.body_y, a->lay.body_h, &av->t, &av->pos, "Nothing here yet.",
               NULL);
}

/* Push the form fn opens (if it opens one). */
static enum redraw open_form(app *a, view *(*fn)(app *, admin_view *), admin_view *av)
{
    view *f = fn ? fn(a, av) : NULL;
    if (!f)
        return fn ? REDRAW_VIEW : REDRAW_PASS;
    app_push(a, f);
    return REDRAW_ALL;
}

static enum redraw run_row(app *a, view *v, void (*fn)(app *, admin_view *))
{
    if (!fn)
        return REDRAW_PASS;
    fn(a, v->data);
    if (a->stack[a->depth - 1] == v)
        sv_load(a, v);
    return REDRAW_ALL;
}

static enum redraw sv_key(app *a, view *v, enum action act, int ch)
{
    admin_view *av = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&av->pos, av->t.nrows, a->lay.body_h - 1, act)) !=
        REDRAW_PASS)
        return moved;
    switch (act) {
    case ACT_ADD:
        return open_form(a, av->sec->add, av);
    case ACT_EDIT:
        return open_form(a, av->sec->edit, av);
    case ACT_PEOPLE:
        return open_form(a, av->sec->people, av);
    case ACT_RETIRE:
        return run_row(a, v, av->sec->retire);
    case ACT_RESET:
        return run_row(a, v, av->sec->reset);
    default:
        return REDRAW_PASS;
    }
}

static void sv_destroy(view *v)
{
    admin_view *av = v->data;
    table_free(&av->t);
    free(av);
    free(v);
}

/* One view_ops per section: they differ in the footer only. */
static struct view_ops section_ops[sizeof sections / sizeof *sections];

static view *section_view_new(app *a, const struct section *sec)
{
    view *v = calloc(1, sizeof *v);
    admin_view *av = calloc(1, sizeof *av);
    if (!v || !av) {
        free(v), free(av);
        return NULL;
    }
    struct view_ops *o = &section_ops[sec - sections];
    *o = (struct view_ops){"admin", sec->footer, sv_draw,   sv_key,
                           sv_load, sv_destroy,  KEYS_VIEW, 0};
    av->sec = sec;
    v->ops = o;
    v->data = av;
    sv_load(a, v);
    return v;
}

/* ---- the menu ---------------------------------------------------------- */

typedef struct admin_menu {
    int idx[sizeof sections / sizeof *sections];
    int n;
    list_pos pos;
} admin_menu;

static void menu_draw(app *a, view *v)
{
    admin_menu *m = v->data;
    draw_text(a, 1, 0, a->lay.cols, " Administration", ROLE_DIM);
    for (int i = 0; i < m->n; i++)
        draw_text(a, a->lay.body_y + 1 + i, 2, a->lay.cols - 4,
                  sections[m->idx[i]].label,
                  i == m->pos.sel ? ROLE_SELECTED : ROLE_NORMAL);
    draw_text(a, a->lay.body_y + 2 + m->n, 2, a->lay.cols - 4,
              "Every change is audited; client details show only to review duplicates.",
              ROLE_DIM);
}

static enum redraw menu_key(app *a, view *v, enum action act, int ch)
{
    admin_menu *m = v->data;
    enum redraw moved;
    (void)ch;
    if ((moved = app_move(&m->pos, m->n, a->lay.body_h, act)) != REDRAW_PASS)
        return moved;
    if (act != ACT_OPEN || !m->n)
        return REDRAW_PASS;
    view *s = section_view_new(a, &sections[m->idx[m->pos.sel]]);
    if (s)
        app_push(a, s);
    return REDRAW_ALL;
}

static void menu_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops menu_ops = {
    "administration", "open back help", menu_draw, menu_key, NULL,
    menu_destroy,     KEYS_VIEW,        0,
};

view *view_admin_new(app *a)
{
    view *v = calloc(1, sizeof *v);
    admin_menu *m = calloc(1, sizeof *m);
    cc_err err;
    if (!v || !m) {
        free(v), free(m);
        return NULL;
    }
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (access_check(a->me.role, sections[i].action, &err) == CC_OK)
            m->idx[m->n++] = (int)i;
    v->ops = &menu_ops;
    v->data = m;
    return v;
}
