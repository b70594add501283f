/*
 * cmd_merge.c — subcommands for duplicate clients (administrators): the
 * side-by-side review of two records and, with --yes, their merge (client
 * merge); undoing one (client unmerge); the list of merges (client merges).
 * The core decides and audits everything (merge.h); these print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/merge.h"
#include "io/tableout.h"

static int parse_id(const char *s, const char *what, int64_t *out, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not a %s id", s ? s : "", what);
    *out = v;
    return CC_OK;
}

static int open_as(cli *c, cc_ctx *ctx, cc_err *err)
{
    if (cli_open(c, "client.merge", 0, err) != CC_OK)
        return err->code;
    *ctx = cli_ctx(c);
    return CC_OK;
}

/* ---- the side-by-side review ------------------------------------------- */

static void row(const char *label, const char *a, const char *b)
{
    printf("  %-12s %-32s %s\n", label, cli_s(a[0] ? a : "-"), cli_s(b[0] ? b : "-"));
}

static void row_int(const char *label, int64_t a, int64_t b)
{
    char x[24], y[24];
    snprintf(x, sizeof x, "%lld", (long long)a);
    snprintf(y, sizeof y, "%lld", (long long)b);
    row(label, a ? x : "", b ? y : "");
}

static void print_review(const merge_review *r)
{
    const merge_side *s = &r->survivor, *x = &r->retired;
    char a[160], b[160];
    snprintf(a, sizeof a, "#%lld (survivor)", (long long)s->c.id);
    snprintf(b, sizeof b, "#%lld (retired)", (long long)x->c.id);
    printf("Merge review (audited as a view of both records)\n");
    row("", a, b);
    snprintf(a, sizeof a, "%s, %s", s->c.family_name, s->c.given_name);
    snprintf(b, sizeof b, "%s, %s", x->c.family_name, x->c.given_name);
    row("name", a, b);
    row("born", s->c.dob, x->c.dob);
    row("ZIP", s->c.zip, x->c.zip);
    row("payer", s->c.payer, x->c.payer);
    row("setting", s->c.setting, x->c.setting);
    row("record nos.", s->identifiers, x->identifiers);
    row("owner", s->owner, x->owner);
    row("program", s->program, x->program);
    row_int("merged into", s->c.merged_into, x->c.merged_into);
    for (int i = 0; i < MERGE_KINDS; i++) {
        snprintf(a, sizeof a, "%d", s->counts[i]);
        snprintf(b, sizeof b, "%d", x->counts[i]);
        row(merge_kind_name(i), a, b);
    }
}

static int cmd_client_merge(cli *c, int argc, char **argv)
{
    const char *pos[2], *reason = NULL;
    int yes = 0, rc;
    const struct cli_opt opts[] = {
        {"--reason", &reason, NULL}, {"--yes", NULL, &yes}, {NULL, NULL, NULL}};
    int64_t survivor, retired, id;
    merge_review r;
    cc_err err = {0};
    cc_ctx ctx;
    if (!cli_args(
            argc, argv, opts, pos, 2, 2,
            "usage: carecoord client merge SURVIVOR RETIRED --reason TEXT [--yes]\n"
            "Two records found to be the same person: shows them side by side (a view "
            "of\neach, audited) and, with --yes, moves everything that names RETIRED "
            "to\nSURVIVOR in one step. RETIRED stays, marked merged, and opens by id "
            "only.\nUndone with 'client unmerge'. Administrators only.\n",
            &rc))
        return rc;
    if (parse_id(pos[0], "client", &survivor, &err) != CC_OK ||
        parse_id(pos[1], "client", &retired, &err) != CC_OK)
        return cli_fail(&err);
    if (yes && !reason)
        return cc_err_set(&err, CC_EUSAGE, "a merge needs --reason TEXT"),
               cli_fail(&err);
    if (open_as(c, &ctx, &err) != CC_OK ||
        merge_preview(&ctx, survivor, retired, &r, &err) != CC_OK)
        return cli_fail(&err);
    print_review(&r);
    if (!yes) {
        if (r.refused)
            printf("this merge would be refused: %s\n", cli_s(r.problem));
        else
            puts("nothing changed: add --yes (and --reason TEXT) to merge");
        return CC_OK;
    }
    if (merge_clients(&ctx, survivor, retired, reason, &id, &err) != CC_OK)
        return cli_fail(&err);
    printf("merge %lld: client %lld merged into client %lld (undo: carecoord client "
           "unmerge %lld --reason TEXT)\n",
           (long long)id, (long long)retired, (long long)survivor, (long long)id);
    return CC_OK;
}

static int cmd_client_unmerge(cli *c, int argc, char **argv)
{
    const char *pos[1], *reason = NULL;
    const struct cli_opt opts[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    int64_t id;
    int rc;
    cc_err err = {0};
    cc_ctx ctx;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord client unmerge MERGE --reason TEXT\n"
                  "Undo a merge: exactly the rows it moved go back to the retired "
                  "record\n(what was added to the survivor since stays). Refused once "
                  "the survivor\nwas merged again (undo that first). Administrators "
                  "only.\n",
                  &rc))
        return rc;
    if (parse_id(pos[0], "merge", &id, &err) != CC_OK)
        return cli_fail(&err);
    if (!reason)
        return cc_err_set(&err, CC_EUSAGE, "an unmerge needs --reason TEXT"),
               cli_fail(&err);
    if (open_as(c, &ctx, &err) != CC_OK || merge_undo(&ctx, id, reason, &err) != CC_OK)
        return cli_fail(&err);
    printf("merge %lld undone\n", (long long)id);
    return CC_OK;
}

static int cmd_client_merges(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_ctx ctx;
    cc_table t;
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord client merges\nEvery merge of duplicate records, "
                  "newest first, and whether it was undone.\n",
                  &rc))
        return rc;
    if (open_as(c, &ctx, &err) != CC_OK || merge_list(&ctx, &t, &err) != CC_OK)
        return cli_fail(&err);
    tableout_text(stdout, &t, "Merges", 200);
    table_free(&t);
    return CC_OK;
}

const struct cli_command cli_merge_commands[] = {
    {"client", "merge", cmd_client_merge, "client merge SURVIVOR RETIRED ...",
     "review and merge duplicate records"},
    {"client", "unmerge", cmd_client_unmerge, "client unmerge MERGE --reason R",
     "undo a merge"},
    {"client", "merges", cmd_client_merges, "client merges", "the merges so far"},
    {NULL, NULL, NULL, NULL, NULL},
};
