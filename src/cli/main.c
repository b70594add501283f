/*
 * main.c — carecoord's entry point: process hardening, global options, and
 * dispatch to a subcommand from the command tables.
 *
 *   carecoord [--db PATH] [--user NAME] [--passphrase-fd N] [--no-color]
 *             SUBCOMMAND [OPTIONS]
 *   carecoord --version      the version, and whether test hooks are built in
 *   carecoord --list-commands  every subcommand, one per line
 *
 * Installed setgid carecoord (docs/DEPLOY.md), the program treats its
 * environment as hostile: before anything else it makes sure descriptors
 * 0-2 are open, cannot be traced or dumped, and keeps only a validated
 * TERM, locale and the passphrase variables (env_sanitize).
 *
 * Exit codes: 0 ok, 1 usage, 2 refused, 3 data error, 4 conflict, 5 busy.
 */
#include <fcntl.h>
#include <libgen.h>
#include <locale.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/access.h"
#include "store/audit.h"
#include "ui/tui.h"
#include "util/clock.h"
#include "util/hooks.h"
#include "util/text.h"

#ifndef CC_VERSION
#error "CC_VERSION (the project's version) comes from meson"
#endif

static const struct cli_command *const tables[] = {
    cli_admin_commands,  cli_case_commands,   cli_team_commands,
    cli_report_commands, cli_store_commands,  cli_org_commands,
    cli_staff_commands,  cli_import_commands, cli_recover_commands,
    cli_merge_commands,  cli_listen_commands, cli_referrals_commands,
    cli_reach_commands,  cli_plan_commands};

/* ---- output ------------------------------------------------------------ */

void cli_put(FILE *f, const char *s)
{
    char buf[4096];
    text_sanitize(s ? s : "", buf, sizeof buf, 0);
    fputs(buf, f);
}

int cli_fail(const cc_err *err)
{
    char buf[sizeof err->msg];
    text_sanitize(err->msg, buf, sizeof buf, 0);
    fprintf(stderr, "carecoord: %s\n", buf);
    return cc_exit_code(err->code ? err->code : CC_EDATA);
}

const char *cli_s(const char *s)
{
    static char ring[8][1024];
    static unsigned next;
    char *buf = ring[next++ % 8];
    text_sanitize(s ? s : "", buf, sizeof ring[0], 0);
    return buf;
}

/* ---- sessions ---------------------------------------------------------- */

int cli_open(cli *c, const char *action, int allow_must_change, cc_err *err)
{
    char prompt[128], how[96];
    if (cli_resolve_login(c, err) != CC_OK)
        return err->code;
    if (faccessat(AT_FDCWD, c->db_path, F_OK, AT_EACCESS) != 0)
        return cc_err_set(err, CC_EUSAGE,
                          "no database at %s (create one with init or demo)",
                          c->db_path);
    snprintf(prompt, sizeof prompt, "Passphrase for %s: ", c->login);
    c->pass = pass_read(c, prompt, err);
    if (!c->pass)
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    snprintf(how, sizeof how, "cli %s", c->command);
    int behind =
        action && (!strcmp(action, "store.check") || !strcmp(action, "audit.verify"));
    int rc = session_open(&c->sess, c->db_path, c->login, c->pass, how,
                          (allow_must_change ? SESSION_ALLOW_MUST_CHANGE : 0) |
                              (behind ? SESSION_ALLOW_BEHIND : 0),
                          err);
    if (rc != CC_OK)
        return rc;
    return action ? access_check(c->sess.me.role, action, err) : CC_OK;
}

cc_ctx cli_ctx(const cli *c)
{
    return c->sess.ctx;
}

void cli_close(cli *c)
{
    session_close(&c->sess);
    pass_free(c->pass);
    c->pass = NULL;
}

/* ---- dispatch ---------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs(
        "usage: carecoord [--db PATH] [--user NAME] [--passphrase-fd N] [--no-color]\n"
        "                 SUBCOMMAND [OPTIONS]\n"
        "       carecoord --version\n"
        "       carecoord --list-commands\n\nsubcommands:\n",
        f);
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            fprintf(f, "  %-28s %s\n", cmd->usage, cmd->summary);
    fputs("\n'carecoord SUBCOMMAND --help' tells more. Exit codes: 0 ok, 1 usage, "
          "2 refused,\n3 data error, 4 conflict, 5 busy.\n",
          f);
}

static const struct cli_command *find_command(const char *name, const char *sub)
{
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            if (!strcmp(cmd->name, name) &&
                (!cmd->sub || (sub && !strcmp(cmd->sub, sub))))
                return cmd;
    return NULL;
}

static int parse_globals(cli *c, int argc, char **argv, int *next, cc_err *err)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--db") && has_val)
            c->db_opt = argv[++i];
        else if (!strcmp(a, "--user") && has_val)
            c->user_opt = argv[++i];
        else if (!strcmp(a, "--passphrase-fd") && has_val) {
            const char *v = argv[++i];
            if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 6)
                return cc_err_set(err, CC_EUSAGE,
                                  "--passphrase-fd needs a descriptor number");
            c->pass_fd = atoi(v);
        } else if (!strcmp(a, "--no-color"))
            c->no_color = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return *next = -1, CC_OK;
        else if (!strcmp(a, "--version"))
            return *next = -2, CC_OK;
        else if (!strcmp(a, "--list-commands"))
            return *next = -3, CC_OK;
        else
            return cc_err_set(err, CC_EUSAGE, "unknown or incomplete option %s", a);
    }
    *next = i;
    return CC_OK;
}

/* ---- a hostile environment -------------------------------------------- */

/* The variables a privileged run keeps (if their value passes the check);
 * everything else, TERMINFO, TERMINFO_DIRS, TERMCAP, LOCPATH, NLSPATH, HOME,
 * TZ (the site configuration's timezone decides) and PATH included, is
 * dropped before ncurses or the C library's locale code can read it. */
static const struct env_rule {
    const char *name; /* exact name, or a prefix ending in '_' ("LC_") */
    const char *chars;
    size_t max;
} env_rules[] = {
    {"TERM", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_", 64},
    {"LANG", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-", 64},
    {"LANGUAGE",
     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-:", 128},
    {"LC_", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-", 64},
    {"NO_COLOR", NULL, 64},
    {"CARECOORD_PASSPHRASE", NULL, 1024},
    {"CARECOORD_NEW_PASSPHRASE", NULL, 1024},
    {"CARECOORD_RECOVERY_KEY", NULL, 128},
};

static const struct env_rule *env_rule_for(const char *entry, size_t namelen)
{
    for (size_t i = 0; i < sizeof env_rules / sizeof *env_rules; i++) {
        const char *n = env_rules[i].name;
        size_t l = strlen(n);
        int prefix = n[l - 1] == '_';
        if (prefix ? namelen > l && !strncmp(entry, n, l)
                   : namelen == l && !strncmp(entry, n, l))
            return &env_rules[i];
    }
    return NULL;
}

/* 1 if the NAME=VALUE entry may stay in a privileged run's environment. */
static int env_keep(const char *entry)
{
    const char *eq = strchr(entry, '=');
    const struct env_rule *r = eq ? env_rule_for(entry, (size_t)(eq - entry)) : NULL;
    if (!r || strlen(eq + 1) > r->max)
        return 0;
    if (!r->chars)
        return 1;
    return eq[1] && eq[1] != '.' && strspn(eq + 1, r->chars) == strlen(eq + 1) &&
           !strstr(eq + 1, "..");
}

/* Rebuild a privileged run's environment from the entries env_keep allows. */
static int env_sanitize(void)
{
    extern char **environ;
    size_t n = 0, k = 0;
    while (environ && environ[n])
        n++;
    char **keep = calloc(n + 1, sizeof *keep);
    if (!keep)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!env_keep(environ[i]))
            continue;
        if (!(keep[k] = strdup(environ[i]))) {
            while (k)
                free(keep[--k]);
            free(keep);
            return -1;
        }
        k++;
    }
    clearenv();
    for (size_t i = 0; i < k; i++) {
        char *eq = strchr(keep[i], '=');
        *eq = '\0';
        setenv(keep[i], eq + 1, 1);
        sodium_memzero(keep[i], strlen(keep[i]) + strlen(eq + 1) + 1);
        free(keep[i]);
    }
    free(keep);
    setenv("PATH", "/usr/bin:/bin", 1); /* never used to run anything */
    return 0;
}

/* Descriptors 0-2 open (on /dev/null if closed), so that no file the
 * program opens can become its standard output or error. */
static int std_fds_open(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
            return -1;
    return 0;
}

/* No core dumps, not traceable or dumpable; a privileged run that cannot
 * make sure of it, or of a clean environment, refuses to start. */
static int harden_process(void)
{
    struct rlimit none = {0, 0};
    int ok = std_fds_open() == 0;
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    ok = ok && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
    umask(clock_privileged() ? 007 : 077);
    if (clock_privileged())
        ok = ok && env_sanitize() == 0;
    return ok || !clock_privileged() ? 0 : -1;
}

/* A database in a shared directory (setgid, group rwx: the carecoord data
 * directory) gets group-writable files whoever runs the command, so that
 * a passwd or a rekey by one person never locks the others out. */
static void umask_for(const char *db_path)
{
    char dir[sizeof((cli *)0)->db_path];
    struct stat st;
    snprintf(dir, sizeof dir, "%s", db_path);
    if (stat(dirname(dir), &st) == 0 && (st.st_mode & S_ISGID) &&
        (st.st_mode & 0070) == 0070)
        umask(007);
}

/* The site's timezone (site configuration `timezone`) replaces any TZ. */
/* Every subcommand, one per line ("user add"): what the man page must
 * name (tests/cli/cli_args_man.sh). */
static void list_commands(FILE *f)
{
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cli_command *cmd = tables[t]; cmd->name; cmd++)
            fprintf(f, "%s%s%s\n", cmd->name, cmd->sub ? " " : "",
                    cmd->sub ? cmd->sub : "");
}

/* The version, and whether this build reads the test hooks (a production
 * build must say off). */
static void version(FILE *f)
{
    fprintf(f, "carecoord %s (test hooks: %s)\n", CC_VERSION,
            hooks_compiled_in() ? "on" : "off");
}

/* No subcommand: the full-screen program. */
static int run_tui(cli *c, cc_err *err)
{
    const char *script = clock_privileged() ? NULL : hook_env(HOOK_KEY_SCRIPT);
    const char *idle_s = clock_privileged() ? NULL : hook_env(HOOK_IDLE_LOCK);
    c->command = "tui";
    if (config_load(&c->config, err) != CC_OK || config_db_path(c, err) != CC_OK ||
        cli_resolve_login(c, err) != CC_OK)
        return err->code;
    audit_anchor_configure(c->config.anchor_file, c->config.anchor_minutes * 60);
    umask_for(c->db_path);
    if (faccessat(AT_FDCWD, c->db_path, F_OK, AT_EACCESS) != 0)
        return cc_err_set(
            err, CC_EUSAGE,
            "no database at %s (try 'carecoord demo' or 'carecoord --help')",
            c->db_path);
    tui_opts o = {.db_path = c->db_path,
                  .login = c->login,
                  .no_color = c->no_color,
                  .idle_lock_seconds = c->config.idle_lock_minutes * 60,
                  .script_path = script,
                  .binds = (const char(*)[48])c->config.binds,
                  .nbinds = c->config.nbinds,
                  .login_chosen = c->user_opt != NULL};
    if (idle_s && atoi(idle_s) > 0)
        o.idle_lock_seconds = atoi(idle_s);
    return tui_run(&o, err);
}

static int run(cli *c, int argc, char **argv, cc_err *err)
{
    int next = 0;
    if (parse_globals(c, argc, argv, &next, err) != CC_OK)
        return err->code;
    if (next < 0) {
        (next == -1 ? usage : next == -2 ? version : list_commands)(stdout);
        return CC_OK;
    }
    if (next >= argc)
        return run_tui(c, err);
    const char *sub = next + 1 < argc ? argv[next + 1] : NULL;
    const struct cli_command *cmd = find_command(argv[next], sub);
    if (!cmd)
        return cc_err_set(err, CC_EUSAGE, "unknown subcommand '%s%s%s' (try --help)",
                          argv[next], sub && sub[0] != '-' ? " " : "",
                          sub && sub[0] != '-' ? sub : "");
    static char name[64];
    snprintf(name, sizeof name, "%s%s%s", cmd->name, cmd->sub ? " " : "",
             cmd->sub ? cmd->sub : "");
    c->command = name;
    if (config_load(&c->config, err) != CC_OK || config_db_path(c, err) != CC_OK)
        return err->code;
    audit_anchor_configure(c->config.anchor_file, c->config.anchor_minutes * 60);
    umask_for(c->db_path);
    int skip = next + (cmd->sub ? 2 : 1);
    return cmd->run(c, argc - skip + 1, argv + skip - 1);
}

int main(int argc, char **argv)
{
    cli c = {.pass_fd = -1};
    cc_err err = {0};
    if (harden_process() != 0) {
        fputs("carecoord: cannot secure the process (descriptors, tracing or "
              "environment): refusing to run\n",
              stderr);
        return CC_EDATA;
    }
    setlocale(LC_ALL, "");
    if (sodium_init() < 0) {
        fputs("carecoord: libsodium failed to initialise\n", stderr);
        return CC_EDATA;
    }
    int rc = run(&c, argc, argv, &err);
    cli_close(&c);
    if (rc != CC_OK && err.code)
        return cli_fail(&err);
    return cc_exit_code(rc);
}
