/*
 * cmd_plan.c — the care plan, medications, pillars and patient activation
 * on the command line: `plan show|goal|goal-edit|step|step-done|step-task|
 * review|template`, `med add|stop|list|reconcile|sign-off`, `pillar mark`,
 * `pam record|licence`. Each gathers its options, calls one core function
 * and prints the result; the rules and the audit are the core's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/meds.h"
#include "core/pam.h"
#include "core/plan.h"
#include "core/worklist.h"
#include "io/tableout.h"

/* One positional id, then open: the common start of most commands here. */
static int id_then_open(cli *c, const char *arg, const char *what, int64_t *id,
                        cc_ctx *ctx, cc_err *err)
{
    if (cli_parse_id(arg, what, id, err) != CC_OK || cli_open_ctx(c, ctx, err) != CC_OK)
        return err->code;
    return CC_OK;
}

/* A command of one id and no options: parse it (--help prints usage), then
 * open the store. 1 to go on with *id and *ctx; 0 with *rc set otherwise. */
static int one_id(cli *c, int argc, char **argv, const char *usage, const char *what,
                  int64_t *id, cc_ctx *ctx, int *rc)
{
    const char *pos[1];
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, pos, 1, 1, usage, rc))
        return 0;
    if (id_then_open(c, pos[0], what, id, ctx, &err) != CC_OK) {
        *rc = cli_fail(&err);
        return 0;
    }
    return 1;
}

static int show_tab(cli *c, int argc, char **argv, const char *tab, const char *usage)
{
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int64_t id;
    int rc;
    if (!one_id(c, argc, argv, usage, "a client id", &id, &ctx, &rc))
        return rc;
    if (record_tab(&ctx, id, tab, &t, &err) != CC_OK)
        return cli_fail(&err);
    tableout_text(stdout, &t, tab, 200);
    table_free(&t);
    return CC_OK;
}

/* ---- the plan ------------------------------------------------------------ */

static int cmd_plan_show(cli *c, int argc, char **argv)
{
    return show_tab(
        c, argc, argv, "plan",
        "usage: carecoord plan show CLIENT\n"
        "The client's care plan: goals, then their steps (an audited view).\n");
}

static int cmd_plan_goal(cli *c, int argc, char **argv)
{
    const char *pos[1], *words = NULL, *barriers = NULL, *review = NULL;
    const struct cli_opt opts[] = {{"--words", &words, NULL},
                                   {"--barriers", &barriers, NULL},
                                   {"--review", &review, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    plan_goal g;
    int64_t id;
    int rc;
    memset(&g, 0, sizeof g);
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord plan goal CLIENT --words TEXT [--barriers TEXT]\n"
            "       [--review DATE]\n"
            "Add a goal in the client's own words (the plan is made with the first).\n",
            &rc))
        return rc;
    if (cli_put_opt(g.words, sizeof g.words, words, "--words", &err) ||
        cli_put_opt(g.barriers, sizeof g.barriers, barriers, "--barriers", &err) ||
        cli_put_opt(g.review_date, sizeof g.review_date, review, "--review", &err) ||
        id_then_open(c, pos[0], "a client id", &id, &ctx, &err) ||
        plan_goal_add(&ctx, id, &g, &err))
        return cli_fail(&err);
    printf("goal %lld added to the plan of client %lld\n", (long long)g.id,
           (long long)id);
    return CC_OK;
}

static int cmd_plan_goal_edit(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[5] = {0};
    const struct cli_opt opts[] = {
        {"--words", &o[0], NULL},  {"--barriers", &o[1], NULL},
        {"--status", &o[2], NULL}, {"--reason", &o[3], NULL},
        {"--review", &o[4], NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    plan_goal g, theirs;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord plan goal-edit GOAL [--words T] [--barriers T]\n"
                  "       [--status active|met|dropped] [--reason T] [--review DATE]\n"
                  "Change a goal; dropped needs a reason.\n",
                  &rc))
        return rc;
    if (id_then_open(c, pos[0], "a goal id", &id, &ctx, &err) ||
        plan_goal_get(&ctx, id, &g, &err) ||
        cli_put_opt(g.words, sizeof g.words, o[0], "--words", &err) ||
        cli_put_opt(g.barriers, sizeof g.barriers, o[1], "--barriers", &err) ||
        cli_put_opt(g.status, sizeof g.status, o[2], "--status", &err) ||
        cli_put_opt(g.reason, sizeof g.reason, o[3], "--reason", &err) ||
        cli_put_opt(g.review_date, sizeof g.review_date, o[4], "--review", &err) ||
        plan_goal_update(&ctx, &g, &theirs, &err))
        return cli_fail(&err);
    printf("goal %lld saved: %s\n", (long long)id, cli_s(g.status));
    return CC_OK;
}

static int cmd_plan_step(cli *c, int argc, char **argv)
{
    const char *pos[1], *what = NULL, *who = NULL, *due = NULL;
    const struct cli_opt opts[] = {{"--what", &what, NULL},
                                   {"--who", &who, NULL},
                                   {"--due", &due, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    plan_step s;
    int rc;
    memset(&s, 0, sizeof s);
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord plan step GOAL --what TEXT [--who client|caregiver|LOGIN]\n"
            "       [--due DATE]\n"
            "Add an action step to a goal: who does what by when.\n",
            &rc))
        return rc;
    if (cli_put_opt(s.what, sizeof s.what, what, "--what", &err) ||
        cli_put_opt(s.who, sizeof s.who, who, "--who", &err) ||
        cli_put_opt(s.due_date, sizeof s.due_date, due, "--due", &err) ||
        id_then_open(c, pos[0], "a goal id", &s.goal_id, &ctx, &err) ||
        plan_step_add(&ctx, &s, &err))
        return cli_fail(&err);
    printf("step %lld added to goal %lld\n", (long long)s.id, (long long)s.goal_id);
    return CC_OK;
}

static int cmd_plan_step_done(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    plan_step s, theirs;
    int64_t id;
    int rc;
    if (!one_id(c, argc, argv,
                "usage: carecoord plan step-done STEP\nThe step was done.\n",
                "a step id", &id, &ctx, &rc))
        return rc;
    if (plan_step_get(&ctx, id, &s, &err))
        return cli_fail(&err);
    s.done = 1;
    if (plan_step_update(&ctx, &s, &theirs, &err) != CC_OK)
        return cli_fail(&err);
    printf("step %lld done\n", (long long)id);
    return CC_OK;
}

static int cmd_plan_step_task(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    plan_step s;
    int64_t id, task_id;
    int rc;
    if (!one_id(c, argc, argv,
                "usage: carecoord plan step-task STEP\n"
                "The step becomes a task for the staff member it names, else the\n"
                "client's owner.\n",
                "a step id", &id, &ctx, &rc))
        return rc;
    if (plan_step_get(&ctx, id, &s, &err) ||
        plan_step_to_task(&ctx, id, s.version, &task_id, &err))
        return cli_fail(&err);
    printf("step %lld is task %lld\n", (long long)id, (long long)task_id);
    return CC_OK;
}

static int cmd_plan_review(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!one_id(c, argc, argv,
                "usage: carecoord plan review CLIENT\n"
                "The plan was reviewed with the client: the next review is due in 30\n"
                "days while an episode is open.\n",
                "a client id", &id, &ctx, &rc))
        return rc;
    if (plan_review(&ctx, id, &err))
        return cli_fail(&err);
    printf("plan of client %lld reviewed\n", (long long)id);
    return CC_OK;
}

static int cmd_plan_template(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc, added;
    if (!one_id(c, argc, argv,
                "usage: carecoord plan template CLIENT\n"
                "Add the starting goals the client's program proposes (once each).\n",
                "a client id", &id, &ctx, &rc))
        return rc;
    if (plan_from_template(&ctx, id, &added, &err))
        return cli_fail(&err);
    printf("%d starting goal%s added to the plan of client %lld\n", added,
           added == 1 ? "" : "s", (long long)id);
    return CC_OK;
}

/* ---- medications ------------------------------------------------------------ */

static int cmd_med_add(cli *c, int argc, char **argv)
{
    const char *pos[1], *o[7] = {0};
    const struct cli_opt opts[] = {
        {"--name", &o[0], NULL},   {"--dose", &o[1], NULL},
        {"--how", &o[2], NULL},    {"--prescriber", &o[3], NULL},
        {"--source", &o[4], NULL}, {"--start", &o[5], NULL},
        {"--stop", &o[6], NULL},   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    medication m;
    int rc;
    memset(&m, 0, sizeof m);
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord med add CLIENT --name N --source S [--dose D] [--how H]\n"
            "       [--prescriber P] [--start DATE] [--stop DATE]\n"
            "Add a medication to the client's list (sources: " MED_SOURCES ").\n",
            &rc))
        return rc;
    if (cli_put_opt(m.name, sizeof m.name, o[0], "--name", &err) ||
        cli_put_opt(m.dose, sizeof m.dose, o[1], "--dose", &err) ||
        cli_put_opt(m.how_taken, sizeof m.how_taken, o[2], "--how", &err) ||
        cli_put_opt(m.prescriber, sizeof m.prescriber, o[3], "--prescriber", &err) ||
        cli_put_opt(m.source, sizeof m.source, o[4], "--source", &err) ||
        cli_put_opt(m.start_date, sizeof m.start_date, o[5], "--start", &err) ||
        cli_put_opt(m.stop_date, sizeof m.stop_date, o[6], "--stop", &err) ||
        id_then_open(c, pos[0], "a client id", &m.client_id, &ctx, &err) ||
        med_add(&ctx, &m, &err))
        return cli_fail(&err);
    printf("medication %lld added for client %lld\n", (long long)m.id,
           (long long)m.client_id);
    return CC_OK;
}

static int cmd_med_stop(cli *c, int argc, char **argv)
{
    const char *pos[1], *date = NULL;
    const struct cli_opt opts[] = {{"--date", &date, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    medication m, theirs;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord med stop MEDICATION [--date DATE]\n"
                  "The client stopped taking it (today by default).\n",
                  &rc))
        return rc;
    if (id_then_open(c, pos[0], "a medication id", &id, &ctx, &err) ||
        med_get(&ctx, id, &m, &err))
        return cli_fail(&err);
    if (date && cli_put_opt(m.stop_date, sizeof m.stop_date, date, "--date", &err))
        return cli_fail(&err);
    if (!date)
        ctx_today(&ctx, m.stop_date);
    if (med_update(&ctx, &m, &theirs, &err) != CC_OK)
        return cli_fail(&err);
    printf("medication %lld stopped on %s\n", (long long)id, m.stop_date);
    return CC_OK;
}

static int cmd_med_list(cli *c, int argc, char **argv)
{
    return show_tab(
        c, argc, argv, "medications",
        "usage: carecoord med list CLIENT\n"
        "The client's medications and reconciliations (an audited view).\n");
}

/* "--found WHAT=RESOLUTION[;WHAT=RESOLUTION...]" into d. */
static int parse_found(const char *s, med_discrepancy *d, int *n, cc_err *err)
{
    *n = 0;
    for (const char *p = s; p && *p;) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return cc_err_set(err, CC_EUSAGE,
                              "--found: WHAT=RESOLUTION, separated by ;");
        if (*n == MED_MAX_DISCREPANCIES)
            return cc_err_set(err, CC_EUSAGE, "at most %d discrepancies",
                              MED_MAX_DISCREPANCIES);
        if ((size_t)(eq - p) >= sizeof d[*n].what ||
            len - (size_t)(eq - p) - 1 >= sizeof d[*n].resolution)
            return cc_err_set(err, CC_EUSAGE,
                              "--found: a discrepancy or its resolution is too long "
                              "(at most %zu bytes each)",
                              sizeof d[*n].what - 1);
        memset(&d[*n], 0, sizeof d[*n]);
        snprintf(d[*n].what, sizeof d[*n].what, "%.*s", (int)(eq - p), p);
        snprintf(d[*n].resolution, sizeof d[*n].resolution, "%.*s",
                 (int)(len - (size_t)(eq - p) - 1), eq + 1);
        (*n)++;
        p += len + (p[len] == ';');
    }
    return CC_OK;
}

static int cmd_med_reconcile(cli *c, int argc, char **argv)
{
    const char *pos[1], *note = "", *found = NULL;
    const struct cli_opt opts[] = {
        {"--note", &note, NULL}, {"--found", &found, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    med_discrepancy d[MED_MAX_DISCREPANCIES];
    int64_t id, rec;
    int rc, n = 0;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord med reconcile CLIENT [--note TEXT]\n"
                  "       [--found \"WHAT=RESOLUTION;WHAT=RESOLUTION\"]\n"
                  "Record a medication reconciliation and each discrepancy found with\n"
                  "how it was resolved; the nurse signs it off.\n",
                  &rc))
        return rc;
    if (parse_found(found, d, &n, &err) ||
        id_then_open(c, pos[0], "a client id", &id, &ctx, &err) ||
        med_reconcile(&ctx, id, note, d, n, &rec, &err))
        return cli_fail(&err);
    printf("reconciliation %lld recorded for client %lld, %d discrepanc%s\n",
           (long long)rec, (long long)id, n, n == 1 ? "y" : "ies");
    return CC_OK;
}

static int cmd_med_sign_off(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!one_id(c, argc, argv,
                "usage: carecoord med sign-off RECONCILIATION\n"
                "The nurse signs the reconciliation off: the medications pillar is "
                "done.\n",
                "a reconciliation id", &id, &ctx, &rc))
        return rc;
    if (med_sign_off(&ctx, id, &err))
        return cli_fail(&err);
    printf("reconciliation %lld signed off\n", (long long)id);
    return CC_OK;
}

/* ---- pillars and PAM ---------------------------------------------------------- */

static int cmd_pillar_mark(cli *c, int argc, char **argv)
{
    const char *pos[1], *pillar = NULL, *note = "";
    const struct cli_opt opts[] = {
        {"--pillar", &pillar, NULL}, {"--note", &note, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord pillar mark CLIENT --pillar phr|follow-up|red-flags\n"
            "       [--note TEXT]\n"
            "A care-transition pillar is done for the client's open episode.\n",
            &rc))
        return rc;
    if (!pillar)
        return cc_err_set(&err, CC_EUSAGE, "--pillar is required"), cli_fail(&err);
    if (id_then_open(c, pos[0], "a client id", &id, &ctx, &err) ||
        pillar_mark(&ctx, id, pillar, note, &err))
        return cli_fail(&err);
    pillar_state ps;
    pillars_of(&ctx, id, &ps, &err);
    printf("pillar %s done for client %lld (%s)\n", cli_s(pillar), (long long)id,
           ps.summary);
    return CC_OK;
}

static int cmd_pam_record(cli *c, int argc, char **argv)
{
    const char *pos[1], *score = NULL, *level = NULL, *inst = "PAM-13", *date = NULL;
    const struct cli_opt opts[] = {{"--score", &score, NULL},
                                   {"--level", &level, NULL},
                                   {"--instrument", &inst, NULL},
                                   {"--date", &date, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    pam_result r;
    char *end = NULL;
    int rc;
    memset(&r, 0, sizeof r);
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord pam record CLIENT --score 0-100 --level 1-4\n"
                  "       [--instrument PAM-10|PAM-13] [--date DATE]\n"
                  "A Patient Activation Measure result from the licensed instrument.\n",
                  &rc))
        return rc;
    r.score = score ? strtod(score, &end) : -1;
    if (!score || *end)
        return cc_err_set(&err, CC_EUSAGE, "--score must be a number from 0 to 100"),
               cli_fail(&err);
    r.level = level ? atoi(level) : 0;
    if (cli_put_opt(r.instrument, sizeof r.instrument, inst, "--instrument", &err) ||
        id_then_open(c, pos[0], "a client id", &r.client_id, &ctx, &err))
        return cli_fail(&err);
    if (date && cli_put_opt(r.taken_date, sizeof r.taken_date, date, "--date", &err))
        return cli_fail(&err);
    if (!date)
        ctx_today(&ctx, r.taken_date);
    if (pam_record(&ctx, &r, &err) != CC_OK)
        return cli_fail(&err);
    printf("PAM result %lld recorded for client %lld (licence %s)\n", (long long)r.id,
           (long long)r.client_id, cli_s(r.licence_ref));
    return CC_OK;
}

static int cmd_pam_licence(cli *c, int argc, char **argv)
{
    const char *pos[1];
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int rc;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord pam licence REFERENCE\n"
            "The site's licence for the Patient Activation Measure (administrators);\n"
            "each result stores it.\n",
            &rc))
        return rc;
    if (cli_open_ctx(c, &ctx, &err) != CC_OK ||
        pam_licence_set(&ctx, pos[0], &err) != CC_OK)
        return cli_fail(&err);
    printf("PAM licence reference set\n");
    return CC_OK;
}

const struct cli_command cli_plan_commands[] = {
    {"plan", "show", cmd_plan_show, "plan show CLIENT", "the care plan"},
    {"plan", "goal", cmd_plan_goal, "plan goal CLIENT --words T", "add a goal"},
    {"plan", "goal-edit", cmd_plan_goal_edit, "plan goal-edit GOAL [--status S]",
     "change a goal (met, dropped)"},
    {"plan", "step", cmd_plan_step, "plan step GOAL --what T", "add an action step"},
    {"plan", "step-done", cmd_plan_step_done, "plan step-done STEP", "a step done"},
    {"plan", "step-task", cmd_plan_step_task, "plan step-task STEP",
     "a step becomes a task"},
    {"plan", "review", cmd_plan_review, "plan review CLIENT", "the plan reviewed"},
    {"plan", "template", cmd_plan_template, "plan template CLIENT",
     "the program's starting goals"},
    {"med", "add", cmd_med_add, "med add CLIENT --name N --source S",
     "add a medication"},
    {"med", "stop", cmd_med_stop, "med stop MEDICATION", "a medication stopped"},
    {"med", "list", cmd_med_list, "med list CLIENT", "medications, reconciliations"},
    {"med", "reconcile", cmd_med_reconcile, "med reconcile CLIENT [--found ...]",
     "a reconciliation"},
    {"med", "sign-off", cmd_med_sign_off, "med sign-off REC", "the nurse's sign-off"},
    {"pillar", "mark", cmd_pillar_mark, "pillar mark CLIENT --pillar P",
     "a care-transition pillar done"},
    {"pam", "record", cmd_pam_record, "pam record CLIENT --score S --level L",
     "a PAM result"},
    {"pam", "licence", cmd_pam_licence, "pam licence REF", "the site's PAM licence"},
    {NULL, NULL, NULL, NULL, NULL},
};
