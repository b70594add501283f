/*
 * cmd_recover.c — the site's recovery key on the command line: `recover
 * --create-admin` (with the key, when every administrator is gone) and
 * `admin recovery-key` (an administrator replaces the key). The key is shown
 * only when it is made; it is read back from CARECOORD_RECOVERY_KEY or a
 * prompt without echo, and checked for typos before anything is unlocked.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/recovery.h"
#include "store/keyfile.h"

void cli_print_recovery_key(const char *text)
{
    printf("recovery key: %s\n", text);
    puts("keep it offline (on paper, in the site's safe): it is shown only now, and "
         "it can create an administrator when every administrator is gone");
    fflush(stdout);
}

/* The recovery key typed in, checked (checksum) into key. */
static int read_key(uint8_t *key, cc_err *err)
{
    char *text = pass_read_env("CARECOORD_RECOVERY_KEY", "Recovery key: ", err);
    if (!text)
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    int rc = recovery_parse(text, key, err);
    pass_free(text);
    return rc;
}

/* Unlock the store at c->db_path with the recovery key. */
static int open_with_key(cli *c, cc_err *err)
{
    uint8_t *key = sodium_malloc(RECOVERY_KEY_BYTES);
    if (!key)
        return cc_err_set(err, CC_EDATA, "out of memory for key material");
    int rc = read_key(key, err);
    if (rc == CC_OK)
        rc = store_open_recovery(c->db_path, key, &c->sess.st, err);
    sodium_free(key);
    return rc;
}

static int cmd_recover(cli *c, int argc, char **argv)
{
    const char *login = NULL, *full_name = NULL, *name = NULL;
    int force = 0, rc;
    const struct cli_opt opts[] = {{"--create-admin", &login, NULL},
                                   {"--full-name", &full_name, NULL},
                                   {"--name", &name, NULL},
                                   {"--force", NULL, &force},
                                   {NULL, NULL, NULL}};
    static const char help_text[] =
        "usage: carecoord recover --create-admin LOGIN [--full-name TEXT] [--force]\n"
        "When every administrator is gone: open the database with the site's\n"
        "recovery key (printed by init; CARECOORD_RECOVERY_KEY or a prompt) and\n"
        "create administrator LOGIN with a one-time passphrase\n"
        "(CARECOORD_NEW_PASSPHRASE or a prompt), to be changed at first login.\n"
        "Refused while an active administrator exists, unless --force. Audited\n"
        "and alerted to the supervisors (report accounts). --name is --full-name.\n";
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, NULL, 0, 0, help_text, &rc))
        return rc;
    if (!login)
        return cc_err_set(&err, CC_EUSAGE, "recover needs --create-admin LOGIN"),
               cli_fail(&err);
    if (!keyfile_login_valid(login))
        return cc_err_set(&err, CC_EINPUT, "invalid login name '%s'", login),
               cli_fail(&err);
    if (faccessat(AT_FDCWD, c->db_path, F_OK, AT_EACCESS) != 0)
        return cc_err_set(&err, CC_EUSAGE, "no database at %s", c->db_path),
               cli_fail(&err);
    if (open_with_key(c, &err) != CC_OK)
        return cli_fail(&err);
    char prompt[96];
    snprintf(prompt, sizeof prompt, "One-time passphrase for %s: ", login);
    char *pass = pass_read_new("CARECOORD_NEW_PASSPHRASE", prompt, &err);
    if (!pass)
        return cli_fail(&err);
    cc_ctx ctx = ctx_system(c->sess.st);
    rc = recovery_create_admin(&ctx, login,
                               full_name ? full_name
                               : name    ? name
                                         : "",
                               pass, force, &err);
    pass_free(pass);
    if (rc != CC_OK)
        return cli_fail(&err);
    printf("recovery key used: administrator %s created with a one-time passphrase; "
           "it must be changed at first login (carecoord passwd); the supervisors "
           "are alerted\n",
           cli_s(login));
    return CC_OK;
}

static int cmd_admin_recovery_key(cli *c, int argc, char **argv)
{
    char text[RECOVERY_TEXT_BYTES];
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord admin recovery-key\nMake a new recovery key "
                  "(administrators): the old one stops working at once.\nIt is "
                  "printed once: keep it offline. Audited and alerted to the\n"
                  "supervisors.\n",
                  &rc))
        return rc;
    if (cli_open(c, "staff.manage", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (recovery_key_new(&ctx, text, &err) != CC_OK)
        return cli_fail(&err);
    puts("a new recovery key: any earlier one no longer works");
    cli_print_recovery_key(text);
    sodium_memzero(text, sizeof text);
    return CC_OK;
}

const struct cli_command cli_recover_commands[] = {
    {"recover", NULL, cmd_recover, "recover --create-admin LOGIN",
     "with the recovery key: create an administrator"},
    {"admin", "recovery-key", cmd_admin_recovery_key, "admin recovery-key",
     "replace the recovery key (the old one stops working)"},
    {NULL, NULL, NULL, NULL, NULL},
};
