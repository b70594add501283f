/*
 * cmd_staff.c — subcommands for people coming and going: leave cover
 * (user leave, leave-end, leaves) and offboarding in one step (admin
 * offboard), which may rotate the master key afterwards. The core decides
 * everything (leave.h, offboard.h); these gather the arguments and print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/handoff.h"
#include "core/leave.h"
#include "core/offboard.h"
#include "io/tableout.h"
#include "store/maint.h"
#include "util/progress.h"

static int open_as(cli *c, const char *action, cc_ctx *ctx, cc_err *err)
{
    if (cli_open(c, action, 0, err) != CC_OK)
        return err->code;
    *ctx = cli_ctx(c);
    return CC_OK;
}

/* ---- leave cover ------------------------------------------------------- */

static int cmd_user_leave(cli *c, int argc, char **argv)
{
    const char *pos[1], *by = NULL, *from = NULL, *until = NULL, *note = "";
    const struct cli_opt opts[] = {{"--by", &by, NULL},
                                   {"--from", &from, NULL},
                                   {"--until", &until, NULL},
                                   {"--note", &note, NULL},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord user leave LOGIN --by COLLEAGUE --from DATE "
                  "--until DATE [--note TEXT]\n"
                  "While LOGIN is away (the dates inclusive, YYYY-MM-DD, the site's "
                  "local days),\nCOLLEAGUE (the same role, on one of their teams) "
                  "works their caseload and\ninbox as their own, without a hand-off; "
                  "what they do is audited under their\nown name with the cover noted. "
                  "It ends by itself after the last day.\nBy an administrator or a "
                  "program manager of the team.\n",
                  &rc))
        return rc;
    if (!by || !from || !until)
        return cc_err_set(&err, CC_EUSAGE, "user leave needs --by, --from and --until"),
               cli_fail(&err);
    if (open_as(c, "leave.manage", &ctx, &err) != CC_OK ||
        leave_add(&ctx, pos[0], by, from, until, note, &id, &err) != CC_OK)
        return cli_fail(&err);
    printf("cover %lld: %s covers %s from %s until %s\n", (long long)id, cli_s(by),
           cli_s(pos[0]), cli_s(from), cli_s(until));
    return CC_OK;
}

static int cmd_user_leave_end(cli *c, int argc, char **argv)
{
    const char *pos[1];
    cc_err err = {0};
    cc_ctx ctx;
    char *end;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  "usage: carecoord user leave-end ID\nEnd a leave cover now (one not "
                  "begun is cancelled).\n",
                  &rc))
        return rc;
    long long id = strtoll(pos[0], &end, 10);
    if (*end || id < 1)
        return cc_err_set(&err, CC_EUSAGE, "'%s' is not a cover id", pos[0]),
               cli_fail(&err);
    if (open_as(c, "leave.manage", &ctx, &err) != CC_OK ||
        leave_end(&ctx, id, &err) != CC_OK)
        return cli_fail(&err);
    printf("cover %lld ended\n", id);
    return CC_OK;
}

static int cmd_user_leaves(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord user leaves\nLeave covers under way or coming.\n",
                  &rc))
        return rc;
    if (open_as(c, "staff.list", &ctx, &err) != CC_OK ||
        leave_list(&ctx, &t, &err) != CC_OK)
        return cli_fail(&err);
    tableout_text(stdout, &t, "Leave cover", 200);
    table_free(&t);
    return CC_OK;
}

/* ---- offboarding ------------------------------------------------------- */

/* Rotate the master key now if asked, or if a person at a terminal says yes;
 * otherwise say how. */
static int offer_rekey(cli *c, int rekey)
{
    cc_err err = {0};
    char line[16] = "";
    if (!rekey && isatty(0) && isatty(2)) {
        fputs("Rotate the master key now (everyone else must be logged out)? [y/N] ",
              stderr);
        if (fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y'))
            rekey = 1;
    }
    if (!rekey) {
        puts("the master key is unchanged: run `carecoord rekey` when everyone is "
             "logged out");
        return CC_OK;
    }
    progress bar;
    progress_start(&bar, "rekey", 0);
    store_set_progress(c->sess.st, progress_cb, &bar);
    int rc = store_rekey(c->sess.st, &err);
    progress_done(&bar);
    store_set_progress(c->sess.st, NULL, NULL);
    if (rc != CC_OK)
        return cli_fail(&err);
    puts("rekeyed: every page re-encrypted under a new master key");
    return CC_OK;
}

static int cmd_admin_offboard(cli *c, int argc, char **argv)
{
    const char *pos[1], *to = NULL, *note = NULL;
    int unassigned = 0, rekey = 0, rc;
    const struct cli_opt opts[] = {{"--to", &to, NULL},
                                   {"--note", &note, NULL},
                                   {"--unassigned", NULL, &unassigned},
                                   {"--rekey", NULL, &rekey},
                                   {NULL, NULL, NULL}};
    cc_err err = {0};
    cc_ctx ctx;
    handoff_target t;
    offboard_result r;
    if (!cli_args(
            argc, argv, opts, pos, 1, 1,
            "usage: carecoord admin offboard LOGIN (--to TARGET --note TEXT | "
            "--unassigned) [--rekey]\n"
            "Someone leaves, in one step: every client they own is proposed as a warm\n"
            "hand-off to TARGET (staff:LOGIN, team:ID, program:CODE; they stay the "
            "owner\nuntil it is accepted) or put in the program's unassigned queue; "
            "their open\nproposals are withdrawn and those waiting on them declined; "
            "their leave covers\nend; the account is disabled and its key slot "
            "removed. All of it or nothing.\nThen the master key may be rotated "
            "(--rekey, or asked at a terminal).\n",
            &rc))
        return rc;
    if (!to == !unassigned)
        return cc_err_set(&err, CC_EUSAGE,
                          "offboard needs --to TARGET or --unassigned"),
               cli_fail(&err);
    if (open_as(c, "staff.manage", &ctx, &err) != CC_OK ||
        (to && cli_parse_target(c, to, &t, &err) != CC_OK) ||
        staff_offboard(&ctx, pos[0], to ? &t : NULL, note, &r, &err) != CC_OK)
        return cli_fail(&err);
    printf("offboarded %s: %d clients proposed to %s, %d to the unassigned queue, "
           "%d proposals withdrawn, %d declined, %d leave covers ended; account "
           "disabled, key slot removed\n",
           cli_s(pos[0]), r.handed, to ? cli_s(to) : "-", r.unassigned, r.withdrawn,
           r.declined, r.covers);
    return offer_rekey(c, rekey);
}

const struct cli_command cli_staff_commands[] = {
    {"user", "leave", cmd_user_leave, "user leave LOGIN --by COLLEAGUE ...",
     "a colleague covers someone on leave"},
    {"user", "leave-end", cmd_user_leave_end, "user leave-end ID",
     "end a leave cover now"},
    {"user", "leaves", cmd_user_leaves, "user leaves", "leave covers now and coming"},
    {"admin", "offboard", cmd_admin_offboard, "admin offboard LOGIN --to T ...",
     "someone leaves: caseload, proposals, account, key"},
    {NULL, NULL, NULL, NULL, NULL},
};
