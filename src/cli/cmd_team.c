/*
 * cmd_team.c — subcommands for the work between people: look at a client
 * (scoped, audited), caseloads, assigning, warm hand-offs and break-glass.
 * The full-screen program does the same through the same core calls.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/alert.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/handoff.h"
#include "core/org.h"
#include "core/program.h"
#include "core/scope.h"
#include "core/worklist.h"
#include "io/tableout.h"

static int parse_id(const char *s, int64_t *out, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not an id", s ? s : "");
    *out = v;
    return CC_OK;
}

static int64_t staff_id_of(cli *c, const char *login, cc_err *err)
{
    staff s;
    return staff_find(c->sess.st, login, &s, err) == CC_OK ? s.id : 0;
}

/* ---- client show ------------------------------------------------------- */

static int cmd_client_show(cli *c, int argc, char **argv)
{
    const char *pos[1], *part = "summary", *tab = NULL;
    const struct cli_opt opts[] = {
        {"--part", &part, NULL}, {"--tab", &tab, NULL}, {NULL, NULL, NULL}};
    client cl;
    int64_t id;
    int rc;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord client show ID [--part PART] [--tab TAB]\nShow a client you may "
            "see (the view is audited; outside your caseload and\nteams it is "
            "refused: use break-glass); with --tab, one tab of the record:\n"
            "referrals, consent, assessments, episode, tasks, contacts, encounters,\n"
            "handoffs.\n",
            &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, "client.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (tab) {
        cc_table t;
        if (record_tab(&ctx, id, tab, &t, &err) != CC_OK)
            return cli_fail(&err);
        tableout_text(stdout, &t, tab, 200);
        table_free(&t);
        return CC_OK;
    }
    if (client_view(&ctx, id, part, &cl, &err) != CC_OK)
        return cli_fail(&err);
    printf("client %lld: %s, %s  born %s  ZIP %s  %s  %s%s\n", (long long)cl.id,
           cli_s(cl.family_name), cli_s(cl.given_name), cli_s(cl.dob), cli_s(cl.zip),
           cli_s(cl.payer), cli_s(cl.setting),
           cl.tier ? (cl.tier == 1 ? "  tier 1" : "  tier 2") : "");
    if (cl.merged_into)
        printf("merged into #%lld: its referrals, consents and the rest are there "
               "now\n",
               (long long)cl.merged_into);
    return CC_OK;
}

/* ---- caseloads --------------------------------------------------------- */

static int cmd_caseload(cli *c, int argc, char **argv)
{
    const char *team = NULL;
    const struct cli_opt opts[] = {{"--team", &team, NULL}, {NULL, NULL, NULL}};
    caseload_entry *list;
    int64_t team_id = 0;
    int n, rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, NULL, 0, 0,
                  "usage: carecoord caseload [--team ID]\nActive clients per coach of "
                  "your team (or team ID) against capacity,\nleast loaded first (the "
                  "coach suggested for the next client).\n",
                  &rc))
        return rc;
    if ((team && parse_id(team, &team_id, &err) != CC_OK) ||
        cli_open(c, "caseload.view", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (!team_id && !(team_id = caseload_team_of(&ctx, c->sess.me.id, NULL)))
        return cc_err_set(&err, CC_EUSAGE, "you are on no team: give --team ID"),
               cli_fail(&err);
    if (caseload_team(&ctx, team_id, &list, &n, &err) != CC_OK)
        return cli_fail(&err);
    printf("%-20s %7s %5s\n", "COACH", "ACTIVE", "HIGH");
    for (int i = 0; i < n; i++)
        printf("%-20s %3d/%-3d %5d%s\n", cli_s(list[i].login), list[i].active,
               list[i].capacity, list[i].high,
               list[i].active > list[i].capacity ? "  over capacity" : "");
    free(list);
    return CC_OK;
}

static int cmd_assign(cli *c, int argc, char **argv)
{
    const char *pos[1], *to = NULL, *reason = NULL;
    const struct cli_opt opts[] = {
        {"--to", &to, NULL}, {"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    int64_t id, staff_id;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord assign CLIENT --to LOGIN [--reason TEXT]\nGive an "
                  "unassigned client to a coach; over capacity only with a reason.\n",
                  &rc))
        return rc;
    if (!to)
        return cc_err_set(&err, CC_EUSAGE, "assign needs --to LOGIN"), cli_fail(&err);
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, "caseload.assign", 0, &err) != CC_OK ||
        !(staff_id = staff_id_of(c, to, &err)))
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (caseload_assign(&ctx, id, staff_id, reason, &err) != CC_OK)
        return cli_fail(&err);
    printf("client %lld assigned to %s\n", (long long)id, cli_s(to));
    return CC_OK;
}

/* ---- hand-offs --------------------------------------------------------- */

int cli_parse_target(cli *c, const char *spec, handoff_target *t, cc_err *err)
{
    const char *colon = spec ? strchr(spec, ':') : NULL;
    cc_ctx ctx = cli_ctx(c);
    if (!colon)
        return cc_err_set(err, CC_EUSAGE,
                          "--to takes staff:LOGIN, team:ID, program:CODE or org:CODE");
    const char *v = colon + 1;
    program p;
    memset(t, 0, sizeof *t);
    if (!strncmp(spec, "staff:", 6)) {
        snprintf(t->kind, sizeof t->kind, "staff");
        t->id = staff_id_of(c, v, err);
    } else if (!strncmp(spec, "team:", 5)) {
        snprintf(t->kind, sizeof t->kind, "team");
        parse_id(v, &t->id, err);
    } else if (!strncmp(spec, "program:", 8)) {
        snprintf(t->kind, sizeof t->kind, "program");
        t->id = program_by_code(&ctx, v, &p, err) == CC_OK ? p.id : 0;
    } else if (!strncmp(spec, "org:", 4)) {
        snprintf(t->kind, sizeof t->kind, "organization");
        t->id = org_resolve(&ctx, v, err); /* none, or retired: refused */
    } else {
        return cc_err_set(err, CC_EUSAGE, "unknown hand-off target '%s'", spec);
    }
    return t->id ? CC_OK : err->code;
}

static int cmd_handoff_propose(cli *c, int argc, char **argv)
{
    const char *pos[1], *to = NULL, *note = "";
    int su = 0, rc;
    const struct cli_opt opts[] = {{"--to", &to, NULL},
                                   {"--note", &note, NULL},
                                   {"--substance-use", NULL, &su},
                                   {NULL, NULL, NULL}};
    handoff_target t;
    int64_t id, hid;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord handoff propose CLIENT --to TARGET [--note TEXT] "
            "[--substance-use]\nTARGET: staff:LOGIN, team:ID, program:CODE or "
            "org:CODE. You keep the client until\nthe receiver accepts; to an outside "
            "organization only under a consent naming it.\n",
            &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, "handoff.propose", 0, &err) != CC_OK ||
        cli_parse_target(c, to, &t, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (handoff_propose(&ctx, id, &t, note, su, &hid, &err) != CC_OK)
        return cli_fail(&err);
    printf("hand-off %lld proposed: client %lld to %s\n", (long long)hid, (long long)id,
           cli_s(to));
    return CC_OK;
}

/* A departing coach: every client they own proposed to one target, one
 * note, one batch, all or none. */
static int cmd_handoff_move_caseload(cli *c, int argc, char **argv)
{
    const char *pos[1], *to = NULL, *note = "";
    int rc, n = 0;
    const struct cli_opt opts[] = {
        {"--to", &to, NULL}, {"--note", &note, NULL}, {NULL, NULL, NULL}};
    handoff_target t;
    int64_t from, batch;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord handoff move-caseload LOGIN --to TARGET --note TEXT\n"
            "Proposes every client LOGIN owns to TARGET (staff:LOGIN, team:ID or "
            "program:CODE)\nas warm hand-offs in one batch, all or none; each "
            "client stays until accepted.\n",
            &rc))
        return rc;
    if (cli_open(c, "caseload.bulk", 0, &err) != CC_OK ||
        !(from = staff_id_of(c, pos[0], &err)) ||
        cli_parse_target(c, to, &t, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (handoff_bulk_caseload(&ctx, from, &t, note, &batch, &n, &err) != CC_OK)
        return cli_fail(&err);
    printf("%d hand-offs proposed in batch %lld: %s's clients to %s\n", n,
           (long long)batch, cli_s(pos[0]), cli_s(to));
    return CC_OK;
}

enum decision { ACCEPT, DECLINE, WITHDRAW, OUTSIDE };

static int decide(cli *c, int argc, char **argv, enum decision d)
{
    static const char *const help[] = {
        "usage: carecoord handoff accept ID [--reason TEXT]\nAccept a hand-off "
        "addressed to you: the client becomes yours. Over your\ncapacity only "
        "with a reason.\n",
        "usage: carecoord handoff decline ID --reason TEXT\n",
        "usage: carecoord handoff withdraw ID\n",
        "usage: carecoord handoff outside ID --by NAME --how TEXT\nRecord that the "
        "outside organization accepted (who, how reached): the client\nleaves the "
        "program as transferred.\n"};
    static const char *const done[] = {"accepted", "declined", "withdrawn", "accepted"};
    const char *pos[1], *reason = NULL, *by = NULL, *how = NULL;
    const struct cli_opt opts[] = {{"--reason", &reason, NULL},
                                   {"--by", &by, NULL},
                                   {"--how", &how, NULL},
                                   {NULL, NULL, NULL}};
    int64_t id;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, pos, 1, 1, help[d], &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, d == ACCEPT || d == DECLINE ? "handoff.decide" : "handoff.propose",
                 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    rc = d == ACCEPT     ? handoff_accept(&ctx, id, reason, &err)
         : d == DECLINE  ? handoff_decline(&ctx, id, reason, &err)
         : d == WITHDRAW ? handoff_withdraw(&ctx, id, &err)
                         : handoff_record_outside(&ctx, id, by, how, &err);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("hand-off %lld %s\n", (long long)id, done[d]);
    return CC_OK;
}

static int cmd_handoff_accept(cli *c, int argc, char **argv)
{
    return decide(c, argc, argv, ACCEPT);
}

static int cmd_handoff_decline(cli *c, int argc, char **argv)
{
    return decide(c, argc, argv, DECLINE);
}

static int cmd_handoff_withdraw(cli *c, int argc, char **argv)
{
    return decide(c, argc, argv, WITHDRAW);
}

static int cmd_handoff_outside(cli *c, int argc, char **argv)
{
    return decide(c, argc, argv, OUTSIDE);
}

static int cmd_handoff_show(cli *c, int argc, char **argv)
{
    const char *pos[1];
    handoff h;
    char *summary = NULL;
    int64_t id;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord handoff show ID\nA hand-off and the summary its "
                  "receiver gets (JSON).\n",
                  &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK || cli_open(c, NULL, 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (handoff_show(&ctx, id, &h, &summary, &err) != CC_OK)
        return cli_fail(&err);
    printf("hand-off %lld: client %lld, %s, to %s %lld, expires %s\n", (long long)h.id,
           (long long)h.client_id, cli_s(h.state), cli_s(h.to.kind), (long long)h.to.id,
           cli_s(h.expires_at));
    cli_put(stdout, summary); /* whole: cli_s() would cut it at 1 KiB */
    putchar('\n');
    free(summary);
    return CC_OK;
}

/* ---- break-glass ------------------------------------------------------- */

static int cmd_break_glass(cli *c, int argc, char **argv)
{
    const char *pos[1], *reason = NULL, *minutes = NULL;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--minutes", &minutes, NULL}, {NULL, NULL, NULL}};
    int64_t id, grant;
    int rc;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord break-glass CLIENT --reason TEXT [--minutes N]\nOpen a "
            "client outside your caseload and teams in an emergency: the\nreason is "
            "audited and supervisors are alerted. Default 60 minutes.\n",
            &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, "breakglass.open", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (scope_break_glass(&ctx, id, reason, minutes ? atoi(minutes) : 0, &grant, &err))
        return cli_fail(&err);
    printf("break-glass %lld: client %lld open to you; supervisors are alerted\n",
           (long long)grant, (long long)id);
    return CC_OK;
}

static int cmd_break_glass_review(cli *c, int argc, char **argv)
{
    const char *pos[1], *note = NULL;
    const struct cli_opt opts[] = {{"--note", &note, NULL}, {NULL, NULL, NULL}};
    int64_t id;
    int rc;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord review-access GRANT --note TEXT\nA supervisor marks a "
            "break-glass access reviewed.\n",
            &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK ||
        cli_open(c, "breakglass.review", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (scope_review(&ctx, id, note, &err) != CC_OK)
        return cli_fail(&err);
    printf("break-glass %lld reviewed\n", (long long)id);
    return CC_OK;
}

/* ---- alerts ------------------------------------------------------------ */

static int alert_cmd(cli *c, int argc, char **argv, int resolve)
{
    const char *pos[1], *note = NULL;
    const struct cli_opt opts[] = {{"--note", &note, NULL}, {NULL, NULL, NULL}};
    int64_t id;
    int rc;
    cc_err err = {0};
    if (!cli_args(argc, argv, resolve ? opts : NULL, pos, 1, 1,
                  resolve ? "usage: carecoord alert resolve ID --note TEXT\nResolve an "
                            "alert addressed to you: it leaves your inbox.\n"
                          : "usage: carecoord alert ack ID\nMark an alert addressed to "
                            "you as seen.\n",
                  &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) != CC_OK || cli_open(c, NULL, 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if ((resolve ? alert_resolve(&ctx, id, note, &err)
                 : alert_acknowledge(&ctx, id, &err)))
        return cli_fail(&err);
    printf("alert %lld %s\n", (long long)id, resolve ? "resolved" : "acknowledged");
    return CC_OK;
}

static int cmd_alert_ack(cli *c, int argc, char **argv)
{
    return alert_cmd(c, argc, argv, 0);
}

static int cmd_alert_resolve(cli *c, int argc, char **argv)
{
    return alert_cmd(c, argc, argv, 1);
}

const struct cli_command cli_team_commands[] = {
    {"alert", "ack", cmd_alert_ack, "alert ack ID", "mark an alert seen"},
    {"alert", "resolve", cmd_alert_resolve, "alert resolve ID --note N",
     "resolve an alert (leaves the inbox)"},
    {"client", "show", cmd_client_show, "client show ID",
     "one client (scoped, audited)"},
    {"caseload", NULL, cmd_caseload, "caseload [--team ID]",
     "coaches' loads vs capacity"},
    {"assign", NULL, cmd_assign, "assign CLIENT --to LOGIN",
     "assign an unassigned client"},
    {"handoff", "propose", cmd_handoff_propose, "handoff propose CLIENT --to T",
     "propose a warm hand-off"},
    {"handoff", "move-caseload", cmd_handoff_move_caseload,
     "handoff move-caseload LOGIN --to T", "a departing coach's whole caseload"},
    {"handoff", "show", cmd_handoff_show, "handoff show ID",
     "a hand-off and its summary"},
    {"handoff", "accept", cmd_handoff_accept, "handoff accept ID", "accept one"},
    {"handoff", "decline", cmd_handoff_decline, "handoff decline ID --reason R",
     "decline one"},
    {"handoff", "withdraw", cmd_handoff_withdraw, "handoff withdraw ID",
     "withdraw yours"},
    {"handoff", "outside", cmd_handoff_outside, "handoff outside ID --by N --how H",
     "record an outside acceptance"},
    {"break-glass", NULL, cmd_break_glass, "break-glass CLIENT --reason R",
     "emergency access, audited"},
    {"review-access", NULL, cmd_break_glass_review, "review-access GRANT --note N",
     "supervisor review"},
    {NULL, NULL, NULL, NULL, NULL},
};
