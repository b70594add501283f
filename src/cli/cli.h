/*
 * cli.h — what the subcommands share: the parsed global options, the open
 * store and session, and the helpers that print safely.
 *
 * Subcommands are thin: they parse their own options, call the core, and
 * print. Every string that came from the database is sanitized on output.
 */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdio.h>

#include "core/ctx.h"
#include "core/session.h"
#include "core/staff.h"
#include "store/store.h"
#include "util/err.h"

typedef struct cli_config {
    char database[4096];
    int bind_users;        /* refuse --user for another account */
    int idle_lock_minutes; /* TUI idle lock */
    char timezone[64];     /* the site's time zone, applied at load (UTC) */
    char binds[16][48];    /* "KEY ACTION" lines of `bind = KEY ACTION` */
    int nbinds;
    char anchor_file[4096]; /* append the audit head here too ("": syslog only) */
    int anchor_minutes;     /* anchor at least this often while writing */
} cli_config;

typedef struct cli {
    const char *db_opt;   /* --db */
    const char *user_opt; /* --user */
    int pass_fd;          /* --passphrase-fd, -1 if none */
    int no_color;
    const char *command; /* e.g. "user add", for messages and the login audit */
    cli_config config;
    char db_path[4096];
    char os_login[64];
    char login[64]; /* the staff account acting */
    session sess;   /* the open session (store, account, context) */
    char *pass;     /* the acting user's passphrase while the store is open */
} cli;

struct cli_command {
    const char *name, *sub;
    int (*run)(cli *c, int argc, char **argv);
    const char *usage;
    const char *summary;
};

/* One option of a subcommand: "--name VALUE" into *value, or a flag. */
struct cli_opt {
    const char *name;
    const char **value; /* NULL for a flag */
    int *flag;
};

/* Parse argv[1..] against opts; up to npos positional arguments go to pos[]
 * (missing ones stay NULL). "--help" sets *help. CC_EUSAGE on anything
 * unknown or missing its value. */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos,
              int npos, int *help, cc_err *err);

/* cli_parse plus the common endings: prints help_text for --help, a
 * one-line error for bad usage or fewer than nreq positionals. Returns 1 if
 * the command should go on; otherwise 0 with *exit_code set. */
int cli_args(int argc, char **argv, const struct cli_opt *opts, const char **pos,
             int npos, int nreq, const char *help_text, int *exit_code);

/* Open the store as the acting user (the core guards each use case) and
 * give its context. */
int cli_open_ctx(cli *c, cc_ctx *ctx, cc_err *err);

/* A positive whole-number id of what ("a client id"); CC_EUSAGE naming it
 * otherwise. */
int cli_parse_id(const char *s, const char *what, int64_t *id, cc_err *err);

/* Copy an option's value into a field of n bytes (src NULL: dst left as
 * it is), refusing what does not fit (CC_EUSAGE naming the option). */
int cli_put_opt(char *dst, size_t n, const char *src, const char *what, cc_err *err);

/* Open path for reading as the person running the command (setgid, the
 * carecoord group is given back for the open): for every file named on the
 * command line. NULL with errno on failure. */
FILE *cli_fopen_as_user(const char *path);

/* The command tables of cmd_admin.c and cmd_store.c (NULL-name terminated). */
extern const struct cli_command cli_admin_commands[];
extern const struct cli_command cli_store_commands[];
extern const struct cli_command cli_case_commands[];
extern const struct cli_command cli_team_commands[];
extern const struct cli_command cli_report_commands[];
extern const struct cli_command cli_org_commands[];
extern const struct cli_command cli_staff_commands[];
extern const struct cli_command cli_import_commands[];
extern const struct cli_command cli_recover_commands[];

/* Print a recovery key just made, with the one-line instruction to keep it
 * offline (cmd_recover.c; init prints it too). */
void cli_print_recovery_key(const char *text);
extern const struct cli_command cli_merge_commands[];
extern const struct cli_command cli_listen_commands[];
extern const struct cli_command cli_referrals_commands[];
extern const struct cli_command cli_reach_commands[];
extern const struct cli_command cli_plan_commands[];

/* A hand-off target on the command line: "staff:LOGIN", "team:ID",
 * "program:CODE" or "org:CODE" (the store must be open). */
struct handoff_target;
int cli_parse_target(cli *c, const char *spec, struct handoff_target *t, cc_err *err);

/* Read the site configuration (its path fixed at build time; in a test
 * build CARECOORD_CONF may point elsewhere unless privileged). Missing file =
 * defaults. */
int config_load(cli_config *cfg, cc_err *err);

/* Resolve the database path: --db, $CARECOORD_DB, site config, per-user. */
int config_db_path(cli *c, cc_err *err);

/* Resolve which staff account acts: --user (unless bound) or the OS login. */
int cli_resolve_login(cli *c, cc_err *err);

/* Unlock the store as the acting user, log in (audited), check that role may
 * perform action (NULL: any) and that no passphrase change is pending
 * (unless allow_must_change). */
int cli_open(cli *c, const char *action, int allow_must_change, cc_err *err);

/* The core context of the open session (store, acting staff and role). */
cc_ctx cli_ctx(const cli *c);

/* Close the store and wipe the session. */
void cli_close(cli *c);

/* Print s sanitized (no controls, no bidi) to f. */
void cli_put(FILE *f, const char *s);

/* s sanitized, in one of eight rotating static buffers (so up to eight may
 * appear in one printf); for every database string that is printed. */
const char *cli_s(const char *s);

/* Print "carecoord: MSG" to stderr, sanitized; returns err->code. */
int cli_fail(const cc_err *err);

/* Passphrases (passphrase.c). Results are sodium_malloc'd; free with
 * pass_free. pass_read: --passphrase-fd, else CARECOORD_PASSPHRASE, else a
 * no-echo prompt. pass_read_new: env_name, else prompt twice. */
char *pass_read(cli *c, const char *prompt, cc_err *err);
char *pass_read_new(const char *env_name, const char *prompt, cc_err *err);
/* pass_read_env: env_name, else one no-echo prompt (the recovery key). */
char *pass_read_env(const char *env_name, const char *prompt, cc_err *err);
void pass_free(char *p);

#endif
