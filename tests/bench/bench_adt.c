/*
 * bench_adt.c — how fast encounter notifications go in: a file of HL7 v2
 * ADT messages generated for a demo database's clients (admission, update,
 * discharge for each, identifiers as the demo generator makes them, so a
 * client at another hospital goes to review as a real feed's would), then
 * read and applied exactly as `carecoord import adt` does (split, parse,
 * ADT read, the core in batches of 512 with a savepoint per message and one
 * commit per batch). Prints messages per second for the reader alone and for
 * the whole path, and the outcomes. A command, never a test:
 *
 *   carecoord --db /tmp/b.db demo --clients 20000 --no-tui
 *   build/tests/bench_adt --db /tmp/b.db --messages 30000 [--unknown]
 *
 * The database is changed (use a copy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/client.h"
#include "core/ctx.h"
#include "core/notice.h"
#include "core/staff.h"
#include "io/adt.h"
#include "io/demo.h"
#include "io/hl7.h"
#include "store/stmtcache.h"
#include "store/store.h"

#define BATCH 512

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Message i: for client ids[(i / 3) % n], A01, A08, A03 in turn. */
static size_t one_message(char *out, size_t outsz, long i, const long *ids, int n,
                          long run)
{
    static const char *const ev[] = {"A01", "A08", "A03"};
    char mrn[DEMO_MRN_BYTES];
    long c = ids[(i / 3) % n];
    demo_mrn("NGH", c, mrn);
    int k = (int)(i % 3);
    return (size_t)snprintf(
        out, outsz,
        "MSH|^~\\&|EPIC|NGH|CARECOORD|REGION|20261120%02ld%02ld00||ADT^%s^ADT_A01|B%ld-%ld|P|"
        "2.5.1\r"
        "EVN|%s|20261120%02ld%02ld00\r"
        "PID|1||%s^^^NGH^MR^NGH||Synthetic^Pat||19450101|F\r"
        "PV1|1|I|5E^%ld^A^NGH||||||||||||||||V%ld|||||||||||||||||01||||||||"
        "20261118091500|%s\r",
        (i / 60) % 24, i % 60, ev[k], run, i, ev[k], (i / 60) % 24, i % 60, mrn,
        c % 900, c, k == 2 ? "20261120080000" : "");
}

struct run {
    cc_ctx ctx;
    adt_event ev[BATCH];
    int n;
    long parsed, rejected, counts[4], refused;
    int apply; /* 0: read only */
};

static void flush(struct run *r)
{
    static notice_result rs[BATCH];
    static cc_err errs[BATCH];
    cc_err err = {0};
    if (!r->n || !r->apply) {
        r->n = 0;
        return;
    }
    if (notice_import(&r->ctx, r->ev, r->n, rs, errs, &err) != CC_OK) {
        fprintf(stderr, "bench_adt: %s\n", err.msg);
        exit(1);
    }
    for (int i = 0; i < r->n; i++)
        if (errs[i].code)
            r->refused++;
        else
            r->counts[rs[i].outcome]++;
    r->n = 0;
}

static int on_message(void *arg, const char *msg, size_t n, int number, int line)
{
    struct run *r = arg;
    hl7_msg m;
    hl7_error e;
    (void)number, (void)line;
    if (hl7_parse(msg, n, &m, &e) != HL7_OK ||
        adt_read(&m, &r->ev[r->n], &e) != HL7_OK) {
        r->rejected++;
    } else {
        r->parsed++;
        if (++r->n == BATCH)
            flush(r);
    }
    hl7_msg_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long messages = 30000;
    int clients = 20000, unknown = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--unknown"))
            unknown = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--messages"))
            messages = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--clients"))
            clients = atoi(argv[i + 1]);
    }
    if (!db || messages < 1 || clients < 1) {
        fprintf(
            stderr,
            "usage: bench_adt --db DEMO.db [--messages N] [--clients N] [--unknown]\n");
        return 2;
    }
    store *s;
    staff me;
    cc_err err = {0};
    if (store_open(db, "demo-scheduler", "demo", &s, &err) != CC_OK ||
        staff_find(s, "demo-scheduler", &me, &err) != CC_OK) {
        fprintf(stderr, "bench_adt: %s\n", err.msg);
        return 1;
    }
    /* the clients NGH knows (their MRN as the demo made it), or with
     * --unknown every client, most of whom NGH never saw: review */
    cc_ctx sys = ctx_system(s);
    long *ids = malloc(sizeof *ids * (size_t)clients);
    int n = 0;
    for (long c = 1; c <= clients && ids; c++) {
        char mrn[DEMO_MRN_BYTES];
        demo_mrn("NGH", c, mrn);
        if (unknown || client_by_identifier(&sys, "NGH", mrn) == c)
            ids[n++] = c;
    }
    size_t cap = (size_t)messages * 400, len = 0;
    char *file = malloc(cap);
    long run = (long)time(NULL);
    for (long i = 0; i < messages && file && n; i++)
        len += one_message(file + len, cap - len, i, ids, n, run);
    free(ids);
    printf("%ld messages, %.1f MiB, for %d clients%s\n", messages, len / 1048576.0, n,
           unknown ? " (most unknown to the facility)" : " known to the facility");

    struct run r;
    memset(&r, 0, sizeof r);
    double t0 = now_s();
    hl7_split(file, len, on_message, &r);
    double read_s = now_s() - t0;
    printf("read (split, parse, ADT):  %8.0f messages/s (%.3f s)\n", messages / read_s,
           read_s);

    memset(&r, 0, sizeof r);
    r.apply = 1;
    r.ctx = (cc_ctx){.st = s, .staff_id = me.id};
    snprintf(r.ctx.role, sizeof r.ctx.role, "%s", me.role);
    t0 = now_s();
    hl7_split(file, len, on_message, &r);
    flush(&r);
    double all_s = now_s() - t0;
    printf("import (read and apply):   %8.0f messages/s (%.3f s)\n", messages / all_s,
           all_s);
    printf("applied %ld, to review %ld, duplicates %ld, logged %ld, refused %ld, "
           "unreadable %ld\n",
           r.counts[NOTICE_APPLIED], r.counts[NOTICE_REVIEW],
           r.counts[NOTICE_DUPLICATE], r.counts[NOTICE_LOGGED], r.refused, r.rejected);
    long long hits, misses;
    stmtcache_counts(&hits, &misses);
    printf("statements: %lld reused, %lld compiled\n", hits, misses);
    free(file);
    store_close(s);
    return 0;
}
