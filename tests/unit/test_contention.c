/*
 * test_contention.c — many people editing the same clients at once, through
 * the core's own use case (client_get, then client_update with the version
 * that was read, as the edit form and the conflict screen do).
 *
 * WORKERS processes (two coaches of one team, alternately) each make EDITS
 * edits on CLIENTS shared clients, chosen at random. An edit reads the
 * client, waits a moment (a person typing), adds one to a counter kept in
 * the given name and saves with the version it read. A stale save must come
 * back as a conflict (CC_ECONFLICT, the command line's exit 4) carrying
 * their version; the worker then starts that edit again from theirs, as
 * the conflict screen's "your changes on top of theirs" does. Anything else
 * (above all CC_EBUSY: "busy" must never reach a person) fails the test.
 *
 * Afterwards: every client's counter equals the number of saves the
 * workers reported for it and its version went up by exactly that much
 * (zero lost updates), there is one client.update audit entry per save,
 * the chain verifies, and the latency of the saves that committed (p50,
 * p99, max) is printed as a TAP comment, never asserted.
 *
 * Short mode (the suite): 16 x 50. Long mode, by hand:
 *   CARECOORD_LONG_TESTS=1 CMOCKA_MESSAGE_OUTPUT=TAP build/tests/test_contention
 * runs 16 x 1,000 (CONTENTION_EDITS=N sets any other count).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "casefix.h"
#include "core/client.h"
#include "core/staff.h"
#include "store/audit.h"
#include "store/store.h"
#include "testutil.h"

#define WORKERS     16
#define CLIENTS     20
#define SHORT_EDITS 50
#define LONG_EDITS  1000
#define MAX_RETRIES 10000 /* one edit that never lands is a failure */
#define NOW         "2026-11-22T12:00:00Z"

typedef struct fixture {
    char *dir, *db;
    int64_t coach[2];
    int64_t client[CLIENTS];
    int64_t version0[CLIENTS];
    int edits;
} fixture;

/* What a worker reports, one record per worker, written to its pipe. */
typedef struct report {
    int64_t saved[CLIENTS];
    int64_t conflicts;
    int64_t other_failures; /* busy or anything else: must stay 0 */
    int64_t nlat;
} report;

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int edits_wanted(void)
{
    const char *n = getenv("CONTENTION_EDITS");
    if (n && atoi(n) > 0)
        return atoi(n);
    n = getenv("CARECOORD_LONG_TESTS");
    return n && *n && strcmp(n, "0") ? LONG_EDITS : SHORT_EDITS;
}

/* ---- the scene ------------------------------------------------------------ */

static int setup(void **state)
{
    cc_err err = {0};
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    setenv("CARECOORD_NOW", NOW, 1);
    f->edits = edits_wanted();
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "contention.db");
    store *s = tu_create(f->db);
    f->coach[0] = cf_person(s, "coach1", "coach", "Coach One");
    f->coach[1] = cf_person(s, "coach2", "coach", "Coach Two");
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (2, 'Coaches', "
             "(SELECT id FROM program WHERE code = 'hss'));"
             "INSERT INTO team_member VALUES (2, %lld), (2, %lld);",
             (long long)f->coach[0], (long long)f->coach[1]);
    tu_exec(s, sql);
    cc_ctx ctx = {.st = s, .staff_id = f->coach[0]};
    snprintf(ctx.role, sizeof ctx.role, "coach");
    cc_ctx sys = ctx_system(s);
    int64_t hss = tu_int(s, "SELECT id FROM program WHERE code = 'hss'");
    for (int i = 0; i < CLIENTS; i++) {
        client c;
        memset(&c, 0, sizeof c);
        /* Distinct names and birth dates: no duplicate warning. */
        snprintf(c.family_name, sizeof c.family_name, "Shared%c%c", 'a' + i / 26,
                 'a' + i % 26);
        snprintf(c.given_name, sizeof c.given_name, "n0");
        snprintf(c.dob, sizeof c.dob, "1950-01-%02d", i + 1);
        snprintf(c.zip, sizeof c.zip, "20810");
        snprintf(c.payer, sizeof c.payer, "medicare");
        snprintf(c.language, sizeof c.language, "en");
        snprintf(c.setting, sizeof c.setting, "home");
        if (client_create(&ctx, &c, CLIENT_ACCEPT_DUPLICATE, NULL, &err) != CC_OK)
            print_error("client_create: %s\n", err.msg);
        assert_int_equal(err.code, CC_OK);
        assert_int_equal(client_assign(&sys, c.id, f->coach[i % 2], hss, &err), CC_OK);
        f->client[i] = c.id;
        assert_int_equal(client_get(&ctx, c.id, &c, &err), CC_OK);
        f->version0[i] = c.version;
    }
    store_close(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    return 0;
}

/* ---- a worker --------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r, n -= (size_t)r;
    }
    return 0;
}

/* A moment between reading and saving: 0 to 2 ms. */
static void think(unsigned *seed)
{
    struct timespec ts = {0, (long)(rand_r(seed) % 2000) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One edit of client k, started again from theirs after each conflict.
 * Returns CC_OK once saved; counts conflicts; latency of the save that
 * committed into *lat_ms. */
static int one_edit(cc_ctx *ctx, int64_t id, unsigned *seed, report *r, double *lat_ms,
                    cc_err *err)
{
    client mine, theirs;
    if (client_get(ctx, id, &mine, err) != CC_OK)
        return err->code;
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
        think(seed);
        long n = strtol(mine.given_name + 1, NULL, 10);
        snprintf(mine.given_name, sizeof mine.given_name, "n%ld", n + 1);
        double t0 = mono_ms();
        int rc = client_update(ctx, &mine, &theirs, err);
        *lat_ms = mono_ms() - t0;
        if (rc == CC_OK)
            return CC_OK;
        if (rc != CC_ECONFLICT)
            return rc;
        /* A conflict carries their version: newer than the one we read. */
        if (theirs.id != id || theirs.version <= mine.version) {
            cc_err_set(err, CC_EDATA, "conflict without a newer version (%lld <= %lld)",
                       (long long)theirs.version, (long long)mine.version);
            return CC_EDATA;
        }
        r->conflicts++;
        mine = theirs; /* the edit again, on top of theirs */
    }
    return cc_err_set(err, CC_EDATA, "an edit never landed");
}

static void worker_main(const fixture *f, int who, int go_fd, int out_fd, int lat_fd)
{
    store *s = NULL;
    cc_err err = {0};
    report r;
    char b;
    unsigned seed = 0x5eed0000u + (unsigned)who;
    memset(&r, 0, sizeof r);
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    if (store_open_with_key(f->db, tu_master, &s, &err) != CC_OK) {
        fprintf(stderr, "worker %d: %s\n", who, err.msg);
        _exit(1);
    }
    cc_ctx ctx = {.st = s, .staff_id = f->coach[who % 2]};
    snprintf(ctx.role, sizeof ctx.role, "coach");
    for (int e = 0; e < f->edits; e++) {
        int k = rand_r(&seed) % CLIENTS;
        double lat = 0;
        if (one_edit(&ctx, f->client[k], &seed, &r, &lat, &err) != CC_OK) {
            fprintf(stderr, "worker %d edit %d (client %lld): exit %d: %s\n", who, e,
                    (long long)f->client[k], cc_exit_code(err.code), err.msg);
            r.other_failures++;
            continue;
        }
        r.saved[k]++;
        r.nlat++;
        if (write_all(lat_fd, &lat, sizeof lat) != 0)
            _exit(1);
    }
    store_close(s);
    if (write_all(out_fd, &r, sizeof r) != 0)
        _exit(1);
    _exit(0);
}

/* ---- the test ------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_contention(void **state)
{
    fixture *f = *state;
    int go[2], out[WORKERS][2], lat[WORKERS][2];
    pid_t pid[WORKERS];
    assert_int_equal(pipe(go), 0);
    /* Latencies go through a temporary file per worker (a pipe would fill). */
    for (int w = 0; w < WORKERS; w++) {
        char p[4096];
        assert_int_equal(pipe(out[w]), 0);
        snprintf(p, sizeof p, "%s/lat-%d", f->dir, w);
        lat[w][1] = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        lat[w][0] = open(p, O_RDONLY | O_CLOEXEC);
        assert_true(lat[w][0] >= 0 && lat[w][1] >= 0);
    }
    fflush(stdout);
    fflush(stderr);
    for (int w = 0; w < WORKERS; w++) {
        pid[w] = fork();
        assert_true(pid[w] >= 0);
        if (pid[w] == 0) {
            close(go[1]);
            worker_main(f, w, go[0], out[w][1], lat[w][1]);
        }
        close(out[w][1]);
        close(lat[w][1]);
    }
    close(go[0]);
    double t0 = mono_ms();
    close(go[1]); /* go */

    report total;
    memset(&total, 0, sizeof total);
    int failed_workers = 0;
    for (int w = 0; w < WORKERS; w++) {
        report r;
        int status;
        int got = read_all(out[w][0], &r, sizeof r) == 0;
        close(out[w][0]);
        assert_int_equal(waitpid(pid[w], &status, 0), pid[w]);
        if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failed_workers++;
            continue;
        }
        for (int k = 0; k < CLIENTS; k++)
            total.saved[k] += r.saved[k];
        total.conflicts += r.conflicts;
        total.other_failures += r.other_failures;
        total.nlat += r.nlat;
    }
    double wall = mono_ms() - t0;
    assert_int_equal(failed_workers, 0);
    /* No busy error, nor any other, reached a person: every edit landed. */
    assert_int_equal(total.other_failures, 0);
    assert_int_equal(total.nlat, (int64_t)WORKERS * f->edits);

    store *s = tu_open(f->db);
    cc_err err = {0};
    cc_ctx ctx = {.st = s, .staff_id = f->coach[0]};
    snprintf(ctx.role, sizeof ctx.role, "coach");
    int64_t sum = 0;
    for (int k = 0; k < CLIENTS; k++) {
        client c;
        assert_int_equal(client_get(&ctx, f->client[k], &c, &err), CC_OK);
        long n = strtol(c.given_name + 1, NULL, 10);
        if (n != total.saved[k] || c.version - f->version0[k] != total.saved[k])
            print_error("client %lld: counter %ld, version +%lld, saves %lld\n",
                        (long long)c.id, n, (long long)(c.version - f->version0[k]),
                        (long long)total.saved[k]);
        /* Zero lost updates: each save is in the counter and the version. */
        assert_int_equal(n, total.saved[k]);
        assert_int_equal(c.version - f->version0[k], total.saved[k]);
        sum += total.saved[k];
    }
    assert_int_equal(sum, (int64_t)WORKERS * f->edits);
    assert_int_equal(
        tu_int(s, "SELECT count(*) FROM audit WHERE action = 'client.update'"), sum);
    audit_result res;
    assert_int_equal(audit_verify(s, NULL, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    store_close(s);

    /* The figures: reported, never asserted. */
    double *all = malloc(sizeof(double) * (size_t)total.nlat);
    assert_non_null(all);
    int64_t n = 0;
    for (int w = 0; w < WORKERS; w++) {
        double v;
        while (n < total.nlat && read_all(lat[w][0], &v, sizeof v) == 0)
            all[n++] = v;
        close(lat[w][0]);
    }
    assert_int_equal(n, total.nlat);
    qsort(all, (size_t)n, sizeof *all, cmp_double);
    printf("# %d processes x %d edits on %d clients: %lld saved, %lld conflicts "
           "(each reported as a conflict, exit %d), 0 busy, %.1f s\n",
           WORKERS, f->edits, CLIENTS, (long long)sum, (long long)total.conflicts,
           cc_exit_code(CC_ECONFLICT), wall / 1000);
    printf("# commit latency of the saves: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
           "%.0f saves/s\n",
           all[n / 2], all[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], all[n - 1],
           (double)sum / (wall / 1000));
    free(all);
    assert_int_equal(cc_exit_code(CC_ECONFLICT), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contention, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
