/*
 * cmd_import.c — `carecoord import adt FILE...` and the review queue's
 * commands (`encounter review`, `encounter link`, `encounter dismiss`).
 * Files are read as the person running the command; the HL7 reader (src/io)
 * turns each message into a notice; the core applies them in batches, each
 * notice in a savepoint of its own, so one bad message never stops a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/notice.h"
#include "io/adt.h"
#include "io/hl7.h"
#include "io/tableout.h"

#define BATCH 512

/* What one run of import did. */
struct tally {
    int applied, review, duplicate, logged, rejected;
};

/* The messages of one file, read and waiting for the core. */
struct pending {
    const char *file;
    adt_event ev[BATCH];
    int number[BATCH], line[BATCH];
    int n;
    cli *c;
    struct tally *t;
    int failed; /* the core itself failed: stop */
};

static void reject(struct pending *p, int number, int line, const char *seg, int field,
                   const char *why)
{
    char where[48] = "";
    if (seg && *seg)
        snprintf(where, sizeof where, " %s%s%.0d", seg, field ? "-" : "", field);
    fprintf(stderr, "%s: message %d (line %d)%s: rejected: %s\n", cli_s(p->file),
            number, line, where, cli_s(why));
    p->t->rejected++;
}

static void report(struct pending *p, int i, const notice_result *r)
{
    static const char *const word[] = {"applied", "review", "duplicate", "logged"};
    int *count[] = {&p->t->applied, &p->t->review, &p->t->duplicate, &p->t->logged};
    (*count[r->outcome])++;
    if (r->outcome != NOTICE_APPLIED || r->readmission)
        printf("%s: message %d: %s: %s\n", cli_s(p->file), p->number[i],
               word[r->outcome], cli_s(r->what));
}

/* Hand the messages read so far to the core. */
static int flush(struct pending *p)
{
    static notice_result rs[BATCH];
    static cc_err errs[BATCH];
    cc_err err = {0};
    cc_ctx ctx = cli_ctx(p->c);
    if (!p->n)
        return 0;
    if (notice_import(&ctx, p->ev, p->n, rs, errs, &err) != CC_OK) {
        cli_fail(&err);
        p->failed = err.code;
        return -1;
    }
    for (int i = 0; i < p->n; i++) {
        if (errs[i].code)
            reject(p, p->number[i], p->line[i], "", 0, errs[i].msg);
        else
            report(p, i, &rs[i]);
    }
    p->n = 0;
    return 0;
}

static int one_message(void *arg, const char *msg, size_t n, int number, int line)
{
    struct pending *p = arg;
    hl7_msg m;
    hl7_error e;
    if (hl7_parse(msg, n, &m, &e) != HL7_OK ||
        adt_read(&m, &p->ev[p->n], &e) != HL7_OK) {
        reject(p, number, line, e.segment, e.field, e.text);
        hl7_msg_free(&m);
        return 0;
    }
    hl7_msg_free(&m);
    p->number[p->n] = number;
    p->line[p->n] = line;
    if (++p->n == BATCH && flush(p) != 0)
        return 1;
    return 0;
}

/* The whole of f into a malloc'd buffer (*n bytes); NULL if too large. */
static char *slurp(FILE *f, size_t *n)
{
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    *n = 0;
    while (buf) {
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0)
            break;
        if (*n == cap) {
            if (cap >= ((size_t)1 << 30)) { /* 1 GiB: split the file */
                free(buf);
                return NULL;
            }
            char *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    return buf;
}

static int import_file(cli *c, const char *path, struct tally *t)
{
    FILE *f = strcmp(path, "-") ? cli_fopen_as_user(path) : stdin;
    size_t n;
    if (!f) {
        fprintf(stderr, "carecoord: %s: %s\n", cli_s(path), strerror(errno));
        t->rejected++;
        return 0;
    }
    char *buf = slurp(f, &n);
    if (f != stdin)
        fclose(f);
    if (!buf) {
        fprintf(stderr, "carecoord: %s: cannot read it (over 1 GiB?)\n", cli_s(path));
        t->rejected++;
        return 0;
    }
    static struct pending p;
    p = (struct pending){.file = path, .c = c, .t = t};
    hl7_split(buf, n, one_message, &p);
    free(buf);
    if (!p.failed)
        flush(&p);
    return p.failed;
}

static int cmd_import_adt(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    int rc, help = 0;
    const char *pos[64] = {0};
    if (cli_parse(argc, argv, NULL, pos, 64, &help, &err) != CC_OK)
        return cli_fail(&err);
    if (help || !pos[0]) {
        fputs("usage: carecoord import adt FILE... (- for standard input)\n"
              "Import HL7 v2 ADT encounter notifications: one or many messages per "
              "file,\nMLLP framing and batch envelopes tolerated. A known patient "
              "(identifier and\nfacility) gets the encounter and its effects; an "
              "unknown or uncertain one goes\nto the review queue (carecoord encounter "
              "review). A repeat is skipped. Exit 0\nwhen every message was imported "
              "or queued, 3 when any was rejected.\n",
              help ? stdout : stderr);
        return help ? CC_OK : CC_EUSAGE;
    }
    if (cli_open(c, "encounter.import", 0, &err) != CC_OK)
        return cli_fail(&err);
    struct tally t = {0};
    for (int i = 0; i < 64 && pos[i]; i++)
        if ((rc = import_file(c, pos[i], &t)) != 0)
            return rc;
    printf("%d applied, %d to review, %d duplicates, %d logged only, %d rejected\n",
           t.applied, t.review, t.duplicate, t.logged, t.rejected);
    return t.rejected ? CC_EDATA : CC_OK;
}

/* ---- the review queue -------------------------------------------------- */

static int cmd_encounter_review(cli *c, int argc, char **argv)
{
    cc_err err = {0};
    cc_table t;
    int rc;
    if (!cli_args(argc, argv, NULL, NULL, 0, 0,
                  "usage: carecoord encounter review\nNotifications waiting for a "
                  "person: an unknown or uncertain patient, with the\nclients of the "
                  "same name and birth date.\n",
                  &rc))
        return rc;
    cc_ctx ctx;
    if (cli_open(c, "encounter.import", 0, &err) != CC_OK ||
        (ctx = cli_ctx(c), notice_review_list(&ctx, &t, &err)) != CC_OK)
        return cli_fail(&err);
    tableout_text(stdout, &t, "Notifications to review", 200);
    table_free(&t);
    return CC_OK;
}

static int parse_id(const char *s, int64_t *id, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not an id", s ? s : "");
    *id = v;
    return CC_OK;
}

static int cmd_encounter_link(cli *c, int argc, char **argv)
{
    const char *pos[2];
    cc_err err = {0};
    int64_t id, client;
    notice_result r;
    int rc;
    if (!cli_args(argc, argv, NULL, pos, 2, 2,
                  "usage: carecoord encounter link ID CLIENT\nApply notification ID "
                  "to CLIENT (its identifier becomes the client's), as\nan import "
                  "would have.\n",
                  &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) || parse_id(pos[1], &client, &err) ||
        cli_open(c, "encounter.review", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (notice_link(&ctx, id, client, &r, &err) != CC_OK)
        return cli_fail(&err);
    printf("notification %lld linked to client %lld: %s\n", (long long)id,
           (long long)client, cli_s(r.what));
    return CC_OK;
}

static int cmd_encounter_dismiss(cli *c, int argc, char **argv)
{
    const char *pos[1], *reason = NULL;
    const struct cli_opt opts[] = {{"--reason", &reason, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    int64_t id;
    int rc;
    if (!cli_args(argc, argv, opts, pos, 1, 1,
                  "usage: carecoord encounter dismiss ID --reason TEXT\nDismiss a "
                  "notification waiting for review (not one of ours, a test).\n",
                  &rc))
        return rc;
    if (parse_id(pos[0], &id, &err) ||
        cli_open(c, "encounter.review", 0, &err) != CC_OK)
        return cli_fail(&err);
    cc_ctx ctx = cli_ctx(c);
    if (notice_dismiss(&ctx, id, reason, &err) != CC_OK)
        return cli_fail(&err);
    printf("notification %lld dismissed\n", (long long)id);
    return CC_OK;
}

const struct cli_command cli_import_commands[] = {
    {"import", "adt", cmd_import_adt, "import adt FILE...",
     "import HL7 v2 ADT encounter notifications"},
    {"encounter", "review", cmd_encounter_review, "encounter review",
     "notifications waiting for a person"},
    {"encounter", "link", cmd_encounter_link, "encounter link ID CLIENT",
     "apply a reviewed notification to a client"},
    {"encounter", "dismiss", cmd_encounter_dismiss, "encounter dismiss ID --reason R",
     "dismiss a reviewed notification"},
    {NULL, NULL, NULL, NULL, NULL},
};
