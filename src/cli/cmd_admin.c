/*
 * cmd_admin.c — subcommands for accounts: init, user add/list/disable/
 * role/move/enable/reset, passwd, and demo (a throw-away database with one account per
 * role).
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store/audit.h"
#include "store/keyfile.h"
#include "core/recovery.h"
#include "core/team.h"
#include "io/demo.h"
#include "ui/tui.h"
#include "util/progress.h"

/* The first administrator's passphrase: fd or env if given, else asked twice. */
static char *first_passphrase(cli *c, const char *login, cc_err *err)
{
    char prompt[96];
    if (c->pass_fd >= 0)
        return pass_read(c, "", err);
    snprintf(prompt, sizeof prompt, "New passphrase for %s: ", login);
    return pass_read_new("CARECOORD_PASSPHRASE", prompt, err);
}

/* The new database's recovery key, made as the system and printed once. */
static int init_recovery_key(cli *c, cc_err *err)
{
    char text[RECOVERY_TEXT_BYTES];
    cc_ctx ctx = ctx_system(c->sess.st);
    if (recovery_key_new(&ctx, text, err) != CC_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        cc_err_set(err, err->code,
                   "no recovery key was made (%s): make one with carecoord admin "
                   "recovery-key",
                   why);
        return cli_fail(err);
    }
    cli_print_recovery_key(text);
    sodium_memzero(text, sizeof text);
    return CC_OK;
}

static int cmd_init(cli *c, int argc, char **argv)
{
    const char *admin = NULL, *full_name = "";
    const struct cli_opt opts[] = {{"--admin", &admin, NULL},
                                   {"--full-name", &full_name, NULL},
                                   {NULL, NULL, NULL}};
    static const char help_text[] =
        "usage: carecoord init --admin NAME [--full-name TEXT]\n"
        "Create a new encrypted database and its key file, with NAME as the first\n"
        "administrator. The passphrase (at least 10 characters) comes from\n"
        "--passphrase-fd, CARECOORD_PASSPHRASE, or a prompt. Prints the site's\n"
        "recovery key once (keep it offline: carecoord recover).\n";
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, opts, NULL, 0, 0, help_text, &rc))
        return rc;
    if (!admin)
        return cc_err_set(&err, CC_EUSAGE, "init needs --admin NAME"), cli_fail(&err);
    if (!keyfile_login_valid(admin))
        return cc_err_set(&err, CC_EINPUT, "invalid login name '%s'", admin),
               cli_fail(&err);
    /* Effective ids (AT_EACCESS): setgid, the real ones cannot see the data. */
    if (faccessat(AT_FDCWD, c->db_path, F_OK, AT_EACCESS) == 0)
        return cc_err_set(&err, CC_EUSAGE,
                          "%s already exists: refusing to overwrite it", c->db_path),
               cli_fail(&err);
    char *pass = first_passphrase(c, admin, &err);
    if (!pass)
        return cli_fail(&err);
    if (strlen(pass) < STAFF_MIN_PASSPHRASE) {
        pass_free(pass);
        cc_err_set(&err, CC_EINPUT, "a passphrase needs at least %d characters",
                   STAFF_MIN_PASSPHRASE);
        return cli_fail(&err);
    }
    rc = store_create(c->db_path, admin, pass, &c->sess.st, &err);
    pass_free(pass);
    if (rc == CC_OK)
        rc = staff_add(c->sess.st, 0, admin, "admin", full_name, NULL, 0, &err);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("created %s with administrator %s\n", cli_s(store_path(c->sess.st)),
           cli_s(admin));
    return init_recovery_key(c, &err);
}

static int cmd_user_add(cli *c, int argc, char **argv)
{
    const char *role = NULL, *full_name = "", *team = NULL, *pos[1];
    const struct cli_opt opts[] = {{"--role", &role, NULL},
                                   {"--full-name", &full_name, NULL},
                                   {"--team", &team, NULL},
                                   {NULL, NULL, NULL}};
    static const char help_text[] =
        "usage: carecoord user add NAME --role ROLE [--full-name TEXT] [--team TEAM]\n"
        "Add a staff account (administrators only), on team TEAM (id or name) if\n"
        "given. Roles: coach, nurse, scheduler, social-worker, program-manager,\n"
        "supervisor, admin. The initial passphrase comes from\n"
        "CARECOORD_NEW_PASSPHRASE or a prompt; it must be changed at the first login\n"
        "(carecoord passwd). An account that can read client content alerts the\n"
        "supervisors (report accounts).\n";
    cc_err err = {0};
    int64_t team_id = 0;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1, help_text, &rc))
        return rc;
    if (!role)
        return cc_err_set(&err, CC_EUSAGE, "user add needs --role ROLE"),
               cli_fail(&err);
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (team && !(team_id = team_find(&ctx, team, &err)))
        return cli_fail(&err);
    char prompt[96];
    snprintf(prompt, sizeof prompt, "Initial passphrase for %s: ", pos[0]);
    char *pass = pass_read_new("CARECOORD_NEW_PASSPHRASE", prompt, &err);
    if (!pass)
        return cli_fail(&err);
    rc = staff_create(&ctx, pos[0], role, full_name, pass, team_id, &err);
    pass_free(pass);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("added %s (%s)%s%s; the passphrase must be changed at first login\n",
           cli_s(pos[0]), cli_s(role), team ? " on team " : "",
           team ? cli_s(team) : "");
    return CC_OK;
}

static int cmd_user_role(cli *c, int argc, char **argv)
{
    const char *pos[2];
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 2, 2,
                  "usage: carecoord user role LOGIN ROLE\nChange an account's role "
                  "(alerts the supervisors). The last active\nadministrator cannot be "
                  "demoted; open sessions end at their next action.\n",
                  &rc))
        return rc;
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (staff_set_role(&ctx, pos[0], pos[1], &err) != CC_OK)
        return cli_fail(&err);
    printf("%s is now %s\n", cli_s(pos[0]), cli_s(pos[1]));
    return CC_OK;
}

static int cmd_user_move(cli *c, int argc, char **argv)
{
    const char *pos[1], *from = NULL, *to = NULL;
    const struct cli_opt opts[] = {
        {"--from", &from, NULL}, {"--to", &to, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    int64_t from_id = 0, to_id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord user move LOGIN --to TEAM [--from TEAM]\nMove "
                  "someone to another team (--from when they are on several).\n",
                  &rc))
        return rc;
    if (!to)
        return cc_err_set(&err, CC_EUSAGE, "user move needs --to TEAM"), cli_fail(&err);
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if ((from && !(from_id = team_find(&ctx, from, &err))) ||
        !(to_id = team_find(&ctx, to, &err)) ||
        staff_move(&ctx, pos[0], from_id, to_id, &err) != CC_OK)
        return cli_fail(&err);
    printf("%s moved to team %lld\n", cli_s(pos[0]), (long long)to_id);
    return CC_OK;
}

/* enable / reset: a fresh key slot under a one-time passphrase. */
static int one_time_slot(cli *c, int argc, char **argv, int enable)
{
    const char *pos[1];
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 1, 1,
                  enable ? "usage: carecoord user enable LOGIN\nRe-enable a disabled "
                           "account with a one-time passphrase\n"
                           "(CARECOORD_NEW_PASSPHRASE or a prompt), changed at first "
                           "use. Alerts the supervisors.\n"
                         : "usage: carecoord user reset LOGIN\nA forgotten passphrase: "
                           "a fresh key slot under a one-time passphrase\n"
                           "(CARECOORD_NEW_PASSPHRASE or a prompt), which the person "
                           "changes at first use.\n",
                  &rc))
        return rc;
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    char prompt[96];
    snprintf(prompt, sizeof prompt, "One-time passphrase for %s: ", pos[0]);
    char *pass = pass_read_new("CARECOORD_NEW_PASSPHRASE", prompt, &err);
    if (!pass)
        return cli_fail(&err);
    rc = (enable ? staff_enable : staff_reset)(&ctx, pos[0], pass, &err);
    pass_free(pass);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("%s %s with a one-time passphrase; it must be changed at first login\n",
           cli_s(pos[0]), enable ? "re-enabled" : "reset");
    return CC_OK;
}

static int cmd_user_enable(cli *c, int argc, char **argv)
{
    return one_time_slot(c, argc, argv, 1);
}

static int cmd_user_reset(cli *c, int argc, char **argv)
{
    return one_time_slot(c, argc, argv, 0);
}

static void print_staff(const staff *list, int n)
{
    printf("%-20s %-16s %-8s %-4s %s\n", "LOGIN", "ROLE", "STATE", "SLOT", "NAME");
    for (int i = 0; i < n; i++)
        printf("%-20s %-16s %-8s %-4s %s\n", cli_s(list[i].login), cli_s(list[i].role),
               list[i].active ? "active" : "disabled", list[i].has_slot ? "yes" : "no",
               cli_s(list[i].full_name));
}

static int cmd_user_list(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    int rc, n;
    staff *list;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord user list\nList staff accounts.\n", &rc))
        return rc;
    if (cli_open(c, "staff.list", 0, &err) != CC_OK ||
        staff_list(c->sess.st, &list, &n, &err))
        return cli_fail(&err);
    print_staff(list, n);
    free(list);
    return CC_OK;
}

static int cmd_user_disable(cli *c, int argc, char **argv)
{
    const char *pos[1];
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, NULL, pos, 1, 1,
            "usage: carecoord user disable NAME\n"
            "Deactivate an account and remove its key slot: its passphrase no "
            "longer opens\nthe database. Consider 'carecoord rekey' afterwards.\n",
            &rc))
        return rc;
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    if (!strcmp(pos[0], c->sess.me.login))
        return cc_err_set(&err, CC_EREFUSED, "you cannot disable your own account"),
               cli_fail(&err);
    if (staff_disable(c->sess.st, c->sess.me.id, pos[0], &err) != CC_OK)
        return cli_fail(&err);
    printf("disabled %s and removed its key slot\n", cli_s(pos[0]));
    return CC_OK;
}

static int cmd_passwd(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord passwd\nChange your passphrase. The new one comes "
                  "from CARECOORD_NEW_PASSPHRASE or a prompt.\n",
                  &rc))
        return rc;
    if (cli_open(c, "self.passwd", 1, &err) != CC_OK)
        return cli_fail(&err);
    char *pass = pass_read_new("CARECOORD_NEW_PASSPHRASE", "New passphrase: ", &err);
    if (!pass)
        return cli_fail(&err);
    rc = staff_passwd(c->sess.st, &c->sess.me, c->pass, pass, &err);
    pass_free(pass);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("passphrase changed for %s\n", cli_s(c->sess.me.login));
    return CC_OK;
}

/* ---- demo -------------------------------------------------------------- */

static void remove_db_files(const char *path)
{
    static const char *const sfx[] = {
        "",      "-wal",   "-shm",           "-journal",   ".keys",
        ".lock", ".rekey", ".rekey-journal", ".rekey-wal", ".rekey-shm"};
    char p[4200];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

/* --force replaces only a database that opens as demo-admin/"demo". */
static int replace_demo(const char *path, cc_err *err)
{
    store *s;
    char demo[8] = "";
    char keys[4200];
    snprintf(keys, sizeof keys, "%s.keys", path);
    if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) != 0) {
        if (faccessat(AT_FDCWD, keys, F_OK, AT_EACCESS) == 0)
            return cc_err_set(err, CC_EREFUSED,
                              "%s exists without its database: refusing to replace it",
                              keys);
        return CC_OK;
    }
    if (store_open(path, "demo-admin", DEMO_PASSPHRASE, &s, err) != CC_OK)
        return cc_err_set(
            err, CC_EREFUSED,
            "%s is not a demo database: --force replaces only demo databases", path);
    store_meta_get(s, "demo", demo, sizeof demo, err);
    store_close(s);
    if (strcmp(demo, "1") != 0)
        return cc_err_set(err, CC_EREFUSED, "%s is not a demo database", path);
    remove_db_files(path);
    return CC_OK;
}

static void demo_report(cli *c, const demo_summary *sum)
{
    const char *db = cli_s(store_path(c->sess.st));
    printf("Demo database: %s (synthetic people only)\n"
           "  %d clients, %d staff in %d teams; %d open intensive episodes, %d on "
           "light-touch\n  monitoring, %d declined, %d referrals waiting; demo-coach "
           "carries %d clients.\n\n",
           db, sum->clients, sum->staff, sum->teams, sum->open_episodes,
           sum->monitoring, sum->declined, sum->referrals_open,
           sum->demo_coach_caseload);
    printf("Accounts for trying it, each with the passphrase \"%s\":\n"
           "  demo-coach  demo-coach2  demo-nurse  demo-scheduler  demo-social-worker\n"
           "  demo-manager  demo-supervisor  demo-admin\n"
           "Open the program as one of them, for example:\n"
           "  carecoord --db %s --user demo-coach\n"
           "  carecoord --db %s --user demo-supervisor export --what clients\n",
           DEMO_PASSPHRASE, db, db);
}

static int parse_demo_numbers(const char *clients, const char *seed, const char *years,
                              demo_opts *o, cc_err *err)
{
    char *end;
    memset(o, 0, sizeof *o);
    o->clients = 400;
    o->seed = 1;
    if (clients) {
        long n = strtol(clients, &end, 10);
        if (*end || n < 1 || n > 1000000)
            return cc_err_set(err, CC_EUSAGE, "--clients takes 1 to 1000000");
        o->clients = (int)n;
    }
    if (seed) {
        unsigned long long v = strtoull(seed, &end, 10);
        if (*end || !*seed)
            return cc_err_set(err, CC_EUSAGE, "--seed takes a whole number");
        o->seed = v;
    }
    if (years) {
        long n = strtol(years, &end, 10);
        if (*end || n < 1 || n > 20)
            return cc_err_set(err, CC_EUSAGE, "--years takes 1 to 20");
        o->years = (int)n;
    }
    return CC_OK;
}

static int cmd_demo(cli *c, int argc, char **argv)
{
    int force = 0, no_tui = 0, rc;
    const char *clients = NULL, *seed = NULL, *years = NULL;
    const struct cli_opt opts[] = {
        {"--force", NULL, &force},     {"--no-tui", NULL, &no_tui},
        {"--clients", &clients, NULL}, {"--seed", &seed, NULL},
        {"--years", &years, NULL},     {NULL, NULL, NULL}};
    demo_opts dopts;
    demo_summary sum;
    cc_err err = {0};
    if (!cli_args(
            argc, argv, opts, NULL, 0, 0,
            "usage: carecoord demo [--clients N] [--seed S] [--years Y] [--no-tui] "
            "[--force]\n"
            "Build a demo database of N synthetic clients (default 400) with staff in "
            "teams\nand one account per role, each with the passphrase \"demo\". "
            "Referrals arrive over\nthe last 240 days, or Y years (default: a region's "
            "25,000 a year when that is\nlonger); cases that began years ago have "
            "ended. "
            "Never prompts.\nIn a test build, with CARECOORD_NOW fixed, the same seed gives "
            "the same data.\n--force replaces an existing demo database (never a real "
            "one).\n",
            &rc))
        return rc;
    if (parse_demo_numbers(clients, seed, years, &dopts, &err) != CC_OK ||
        (force && replace_demo(c->db_path, &err) != CC_OK))
        return cli_fail(&err);
    if (store_create(c->db_path, "demo-admin", DEMO_PASSPHRASE, &c->sess.st, &err) !=
        CC_OK)
        return cli_fail(&err);
    progress bar;
    progress_start(&bar, "building the demo", dopts.clients);
    dopts.progress = progress_cb;
    dopts.progress_arg = &bar;
    int built = demo_build(c->sess.st, &dopts, &sum, &err);
    progress_done(&bar);
    if (built != CC_OK) {
        cli_fail(&err);
        cli_close(c);
        remove_db_files(c->db_path);
        return err.code;
    }
    demo_report(c, &sum);
    if (no_tui || !isatty(0) || !isatty(1))
        return CC_OK;
    cli_close(c); /* the program unlocks again, as demo-coach */
    printf("\nOpening carecoord as demo-coach (passphrase \"demo\")...\n");
    fflush(stdout);
    tui_opts o = {.db_path = c->db_path,
                  .login = "demo-coach",
                  .no_color = c->no_color,
                  .idle_lock_seconds = c->config.idle_lock_minutes * 60,
                  .script_path = NULL,
                  .binds = (const char(*)[48])c->config.binds,
                  .nbinds = c->config.nbinds,
                  .login_chosen = 1};
    if (tui_run(&o, &err) != CC_OK)
        return cli_fail(&err);
    return CC_OK;
}

const struct cli_command cli_admin_commands[] = {
    {"init", NULL, cmd_init, "init --admin NAME", "create a new encrypted database"},
    {"user", "add", cmd_user_add, "user add NAME --role ROLE", "add a staff account"},
    {"user", "list", cmd_user_list, "user list", "list staff accounts"},
    {"user", "disable", cmd_user_disable, "user disable NAME",
     "disable an account, remove its key slot"},
    {"user", "role", cmd_user_role, "user role NAME ROLE", "change an account's role"},
    {"user", "move", cmd_user_move, "user move NAME --to TEAM",
     "move someone to another team"},
    {"user", "enable", cmd_user_enable, "user enable NAME",
     "re-enable an account (one-time passphrase)"},
    {"user", "reset", cmd_user_reset, "user reset NAME",
     "a forgotten passphrase: one-time passphrase"},
    {"passwd", NULL, cmd_passwd, "passwd", "change your passphrase"},
    {"demo", NULL, cmd_demo, "demo [--clients N] [--seed S] [--years Y]",
     "build a demo database"},
    {NULL, NULL, NULL, NULL, NULL},
};
