/*
 * cmd_store.c — subcommands for the store as a whole: check, backup, rekey,
 * and the audit chain (verify, anchor).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store/audit.h"
#include "store/maint.h"

static int cmd_check(cli *c, int argc, char **argv)
{
    store_check_result res;
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord check\nAuthenticate every page of the database and "
                  "its WAL, and run SQLite's\nintegrity check. Exit 3 if anything is "
                  "damaged or tampered with.\n",
                  &rc))
        return rc;
    if (cli_open(c, "store.check", 0, &err) != CC_OK ||
        store_check(c->sess.st, &res, &err))
        return cli_fail(&err);
    res.integrity[strcspn(res.integrity, "\n")] = '\0';
    printf("integrity: %s\n", cli_s(res.integrity));
    printf("authenticated: %lld database pages, %lld WAL frames; %lld failed\n",
           (long long)res.pages, (long long)res.wal_frames, (long long)res.bad_pages);
    if (res.bad_pages || strcmp(res.integrity, "ok") != 0) {
        if (res.bad_pages)
            printf("first failure: %s\n", cli_s(res.first_bad));
        return CC_EDATA;
    }
    return CC_OK;
}

static int cmd_backup(cli *c, int argc, char **argv)
{
    const char *pos[1];
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, NULL, pos, 1, 1,
            "usage: carecoord backup DEST\nWrite an encrypted, consistent copy of "
            "the database to DEST and its key\nfile to DEST.keys while others keep "
            "working. Staff open it with their usual\npassphrases.\n",
            &rc))
        return rc;
    if (cli_open(c, "store.backup", 0, &err) != CC_OK ||
        store_backup(c->sess.st, pos[0], &err) != CC_OK)
        return cli_fail(&err);
    printf("backup written: %s (and %s.keys)\n", cli_s(pos[0]), cli_s(pos[0]));
    return CC_OK;
}

static int cmd_rekey(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, NULL, NULL, 0, 0,
            "usage: carecoord rekey\nRe-encrypt every page under a new master key "
            "and seal it to every remaining\nkey slot (after offboarding). Needs "
            "everyone else logged out.\n",
            &rc))
        return rc;
    if (cli_open(c, "store.rekey", 0, &err) != CC_OK ||
        store_rekey(c->sess.st, &err) != CC_OK)
        return cli_fail(&err);
    puts("rekeyed: every page re-encrypted under a new master key");
    return CC_OK;
}

static int read_anchor(const char *path, audit_anchor *a, cc_err *err)
{
    char line[256] = "";
    FILE *f = fopen(path, "r");
    if (!f)
        return cc_err_set(err, CC_EUSAGE, "cannot read anchor file %s", path);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    if (audit_anchor_parse(line, a) != 0)
        return cc_err_set(err, CC_EDATA, "%s is not an audit anchor", path);
    return CC_OK;
}

static int verify_progress(void *arg, int64_t done, int64_t total)
{
    (void)arg;
    if (isatty(2))
        fprintf(stderr, "\rverifying %lld/%lld", (long long)done, (long long)total);
    return 0;
}

static int cmd_audit_verify(cli *c, int argc, char **argv)
{
    const char *anchor_path = NULL;
    const struct cli_opt opts[] = {{"--anchor", &anchor_path, NULL},
                                   {NULL, NULL, NULL}};
    audit_anchor anchor;
    audit_result res;
    cc_err err = {0};
    int rc;
    if (!cli_args(argc, argv, opts, NULL, 0, 0,
                  "usage: carecoord audit verify [--anchor FILE]\nRecompute the whole "
                  "audit hash chain; with an anchor (from 'audit anchor'),\nalso prove "
                  "the log still extends it. Exit 3 if the chain is broken.\n",
                  &rc))
        return rc;
    if ((anchor_path && read_anchor(anchor_path, &anchor, &err) != CC_OK) ||
        cli_open(c, "audit.verify", 0, &err) != CC_OK ||
        audit_verify(c->sess.st, anchor_path ? &anchor : NULL, &res, verify_progress,
                     NULL, &err) != CC_OK)
        return cli_fail(&err);
    if (isatty(2))
        fputs("\r\033[K", stderr);
    if (res.first_bad) {
        printf("audit chain BROKEN at entry %lld: %s\n", (long long)res.first_bad,
               cli_s(res.why));
        return CC_EDATA;
    }
    printf("audit chain intact: %lld entries%s\n", (long long)res.entries,
           anchor_path ? ", extends the anchor" : "");
    return CC_OK;
}

static int cmd_audit_anchor(cli *c, int argc, char **argv)
{
    audit_anchor head;
    char line[160];
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, NULL, NULL, 0, 0,
            "usage: carecoord audit anchor\nPrint the head of the audit chain "
            "(sequence and hash). Keep it somewhere\nelse; 'audit verify --anchor "
            "FILE' later proves nothing before it changed.\n",
            &rc))
        return rc;
    if (cli_open(c, "audit.anchor", 0, &err) != CC_OK ||
        audit_head(c->sess.st, &head, &err))
        return cli_fail(&err);
    audit_anchor_format(&head, line, sizeof line);
    fputs(line, stdout);
    return CC_OK;
}

const struct cli_command cli_store_commands[] = {
    {"check", NULL, cmd_check, "check", "authenticate every page, integrity check"},
    {"backup", NULL, cmd_backup, "backup DEST", "encrypted copy while others work"},
    {"rekey", NULL, cmd_rekey, "rekey", "re-encrypt under a new master key"},
    {"audit", "verify", cmd_audit_verify, "audit verify [--anchor FILE]",
     "recompute the audit hash chain"},
    {"audit", "anchor", cmd_audit_anchor, "audit anchor", "print the chain's head"},
    {NULL, NULL, NULL, NULL, NULL},
};
