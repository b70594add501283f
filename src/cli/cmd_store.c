/*
 * cmd_store.c — subcommands for the store as a whole: check, backup, rekey,
 * restore, and the audit chain (verify, anchor). Long ones show a progress
 * bar on stderr when it is a terminal (util/progress.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/access.h"
#include "core/verify.h"
#include "store/audit.h"
#include "store/maint.h"
#include "util/progress.h"

/* Show s's long operations on a bar labelled label. */
static void with_progress(store *s, progress *p, const char *label)
{
    progress_start(p, label, 0);
    store_set_progress(s, progress_cb, p);
}

/* Clear the bar and forget it. */
static void end_progress(store *s, progress *p)
{
    progress_done(p);
    store_set_progress(s, NULL, NULL);
}

/* The newest anchor of s's database in the site's anchor file: 1 found
 * (desc says which), 0 none (desc says why). */
static int site_anchor(store *s, audit_anchor *a, char *desc, size_t n)
{
    const char *file = audit_anchor_file();
    char at[32];
    int r = file ? audit_anchor_newest(file, store_path(s), a, at) : 0;
    if (r == 1)
        snprintf(desc, n, "the newest anchor in %s (entry %lld, %s)", file,
                 (long long)a->seq, at);
    else if (!file)
        snprintf(desc, n,
                 "no anchor file configured (anchor_file in the site "
                 "configuration)");
    else
        snprintf(desc, n,
                 r == 0 ? "%s holds no anchor of this database"
                        : "cannot read the anchor file %s",
                 file);
    return r == 1;
}

/* check: does the log still hold the site's newest anchor? 0 yes or none. */
static int check_anchor(store *s, cc_err *err)
{
    audit_anchor a;
    char desc[4400], why[160];
    if (!audit_anchor_file())
        return 0;
    if (!site_anchor(s, &a, desc, sizeof desc)) {
        printf("audit anchor: %s\n", cli_s(desc));
        return 0;
    }
    int r = audit_anchor_holds(s, &a, why, sizeof why, err);
    if (r > 1)
        return cli_fail(err), 1;
    printf("audit anchor: %s: %s\n", r ? cli_s(why) : "holds", cli_s(desc));
    return r;
}

static int cmd_check(cli *c, int argc, char **argv)
{
    store_check_result res;
    progress bar;
    cc_err err = {0};
    int rc;
    if (!cli_args(
            argc, argv, NULL, NULL, 0, 0,
            "usage: carecoord check\nAuthenticate every page of the database and "
            "its WAL, run SQLite's integrity\ncheck, and check that the audit log "
            "still holds this database's newest\nanchor in the site's anchor file. "
            "Exit 3 if anything is damaged or tampered\nwith.\n",
            &rc))
        return rc;
    if (cli_open(c, "store.check", 0, &err) != CC_OK)
        return cli_fail(&err);
    with_progress(c->sess.st, &bar, "checking");
    rc = store_check(c->sess.st, &res, &err);
    end_progress(c->sess.st, &bar);
    if (rc != CC_OK)
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
    return check_anchor(c->sess.st, &err) ? CC_EDATA : CC_OK;
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
    progress bar;
    if (cli_open(c, "store.backup", 0, &err) != CC_OK)
        return cli_fail(&err);
    with_progress(c->sess.st, &bar, "backup");
    rc = store_backup(c->sess.st, pos[0], &err);
    end_progress(c->sess.st, &bar);
    if (rc != CC_OK)
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
    progress bar;
    if (cli_open(c, "store.rekey", 0, &err) != CC_OK)
        return cli_fail(&err);
    with_progress(c->sess.st, &bar, "rekey");
    rc = store_rekey(c->sess.st, &err);
    end_progress(c->sess.st, &bar);
    if (rc != CC_OK)
        return cli_fail(&err);
    puts("rekeyed: every page re-encrypted under a new master key");
    return CC_OK;
}

static int read_anchor(const char *path, audit_anchor *a, cc_err *err)
{
    char line[256] = "";
    FILE *f = cli_fopen_as_user(path); /* a file the person names, not the group */
    if (!f)
        return cc_err_set(err, CC_EUSAGE, "cannot read anchor file %s", path);
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    if (audit_anchor_parse(line, a) != 0)
        return cc_err_set(err, CC_EDATA, "%s is not an audit anchor", path);
    return CC_OK;
}

/* Which anchor verify uses: --anchor FILE, else the site's newest. */
static int pick_anchor(cli *c, const char *path, audit_anchor *a, char *desc, size_t n,
                       cc_err *err)
{
    if (!path)
        return site_anchor(c->sess.st, a, desc, n);
    if (read_anchor(path, a, err) != CC_OK)
        return -1;
    snprintf(desc, n, "the anchor");
    return 1;
}

/* "N entries in S s (R entries/s)" of a run that took ms milliseconds. */
static void print_rate(int64_t entries, int64_t ms)
{
    double s = (double)(ms > 0 ? ms : 1) / 1000.0;
    printf("verified %lld entries in %.1f s (%.0f entries/s)\n", (long long)entries, s,
           (double)entries / s);
}

static int verify_report(const audit_result *res, int use, int from_file,
                         const char *desc, const char *start)
{
    if (res->first_bad) {
        printf("audit chain BROKEN at entry %lld: %s\n", (long long)res->first_bad,
               cli_s(res->why));
        if (use && !from_file)
            printf("checked against %s\n", cli_s(desc));
        return CC_EDATA;
    }
    if (res->from)
        printf("audit chain intact: %lld entries after %s, %lld in all%s%s\n",
               (long long)res->entries, cli_s(start), (long long)res->head.seq,
               use ? ", extends " : "", use ? cli_s(desc) : "");
    else
        printf("audit chain intact: %lld entries%s%s\n", (long long)res->entries,
               use ? ", extends " : "", use ? cli_s(desc) : "");
    if (!use)
        printf("not checked against an anchor: %s\n", cli_s(desc));
    return CC_OK;
}

static int cmd_audit_verify(cli *c, int argc, char **argv)
{
    const char *anchor_path = NULL;
    int incremental = 0;
    const struct cli_opt opts[] = {{"--anchor", &anchor_path, NULL},
                                   {"--incremental", NULL, &incremental},
                                   {NULL, NULL, NULL}};
    audit_anchor anchor;
    verify_result res;
    progress bar;
    char desc[4400], start[96] = "";
    cc_err err = {0};
    int rc, use;
    if (!cli_args(
            argc, argv, opts, NULL, 0, 0,
            "usage: carecoord audit verify [--anchor FILE] [--incremental]\nRecompute "
            "the whole audit hash chain and prove it still extends an anchor:\nthe one "
            "in FILE (from 'audit anchor'), or by default the newest one of\nthis "
            "database in the site's anchor file. Exit 3 if the chain is broken.\nAn "
            "intact chain's head is recorded as verified. --incremental checks\nthat "
            "the entry last verified is unchanged and recomputes only the entries\n"
            "after it (the whole chain if none was verified yet). Prints the rate.\n",
            &rc))
        return rc;
    if ((anchor_path && read_anchor(anchor_path, &anchor, &err) != CC_OK) ||
        cli_open(c, "audit.verify", 0, &err) != CC_OK ||
        (use = pick_anchor(c, anchor_path, &anchor, desc, sizeof desc, &err)) < 0)
        return cli_fail(&err);
    const verify_opts o = {incremental, use ? &anchor : NULL, progress_cb, &bar};
    progress_start(&bar, "verifying", 0);
    rc = verify_audit(&c->sess.ctx, &o, &res, &err);
    progress_done(&bar);
    if (rc != CC_OK)
        return cli_fail(&err);
    if (res.from_point)
        snprintf(start, sizeof start, "entry %lld (verified %s)",
                 (long long)res.start.seq, res.start_at);
    else if (incremental)
        fprintf(stderr, "no verification recorded yet: verifying the whole chain\n");
    rc = verify_report(&res.chain, use, anchor_path != NULL, desc, start);
    print_rate(res.chain.entries, res.ms);
    if (rc != CC_OK || !res.recorded)
        return rc;
    printf("recorded as verified: entry %lld (where --incremental starts next)\n",
           (long long)res.chain.head.seq);
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

/* Log in to the staged copy (the backup's own accounts decide), record the
 * restore in it, and give its head. */
static int restore_login(cli *c, const char *staged, const char *backup,
                         audit_anchor *head, cc_err *err)
{
    int rc = session_open(&c->sess, staged, c->login, c->pass, "cli restore", 0, err);
    if (rc != CC_OK)
        return rc;
    audit_anchor_disable(c->sess.st); /* anchored under its final path */
    if (access_check(c->sess.me.role, "store.backup", err) == CC_OK &&
        store_restore_note(c->sess.st, backup, err) == CC_OK)
        audit_head(c->sess.st, head, err);
    session_close(&c->sess);
    return err->code;
}

static int restore_run(cli *c, const char *backup, const char *to, int force,
                       store_restore_info *info, audit_anchor *head, cc_err *err)
{
    store_restore_run run;
    progress bar;
    if (store_restore_refuse(to, force, err) != CC_OK ||
        cli_resolve_login(c, err) != CC_OK)
        return err->code;
    if (!(c->pass = pass_read(c, "Passphrase: ", err)))
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    if (store_restore_begin(to, &run, err) != CC_OK)
        return err->code;
    progress_start(&bar, "restoring", 0);
    int rc = store_restore_stage(backup, c->login, c->pass, run.staged, info,
                                 progress_cb, &bar, err);
    progress_done(&bar);
    if (rc == CC_OK)
        rc = restore_login(c, run.staged, backup, head, err);
    if (rc == CC_OK)
        rc = store_restore_commit(run.staged, to, force, head, err);
    store_restore_end(&run); /* the staged copy goes if it is still there */
    return rc;
}

static int cmd_restore(cli *c, int argc, char **argv)
{
    const char *pos[1], *to = NULL;
    int force = 0, rc;
    const struct cli_opt opts[] = {
        {"--to", &to, NULL}, {"--force", NULL, &force}, {NULL, NULL, NULL}};
    store_restore_info info;
    audit_anchor head;
    char hex[AUDIT_HASH_BYTES * 2 + 1];
    cc_err err = {0};
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord restore BACKUP --to PATH [--force]\nAuthenticate "
                  "every page of BACKUP (written by 'backup') and verify its\naudit "
                  "chain before anything is written; then put a copy at PATH (and\n"
                  "PATH.keys). An existing database at PATH is replaced only with "
                  "--force,\nand only while nobody has it open. Staff open the copy "
                  "with their passphrases\nfrom the backup; restoring needs an "
                  "administrator's account in the backup.\n",
                  &rc))
        return rc;
    if (!to)
        return cc_err_set(&err, CC_EUSAGE, "restore needs --to PATH"), cli_fail(&err);
    if (restore_run(c, pos[0], to, force, &info, &head, &err) != CC_OK)
        return cli_fail(&err);
    sodium_bin2hex(hex, sizeof hex, info.head.hash, AUDIT_HASH_BYTES);
    printf("backup verified: %lld pages, %lld audit entries; its date %s\n",
           (long long)info.pages, (long long)info.entries, cli_s(info.head_at));
    printf("backup audit head: %lld %s\n", (long long)info.head.seq, hex);
    printf("restored to %s (and %s.keys)\n", cli_s(to), cli_s(to));
    return CC_OK;
}

const struct cli_command cli_store_commands[] = {
    {"check", NULL, cmd_check, "check", "authenticate every page, integrity check"},
    {"backup", NULL, cmd_backup, "backup DEST", "encrypted copy while others work"},
    {"rekey", NULL, cmd_rekey, "rekey", "re-encrypt under a new master key"},
    {"restore", NULL, cmd_restore, "restore BACKUP --to PATH",
     "verify a backup, then restore it"},
    {"audit", "verify", cmd_audit_verify,
     "audit verify [--anchor FILE] [--incremental]", "recompute the audit hash chain"},
    {"audit", "anchor", cmd_audit_anchor, "audit anchor", "print the chain's head"},
    {NULL, NULL, NULL, NULL, NULL},
};
