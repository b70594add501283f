/*
 * bench_writers.c — write throughput and commit latency with many writers.
 *
 * A benchmark command (built with the tests, never run by `meson test`). It
 * creates a store (a random master key, no passphrase, so no Argon2id), two
 * coaches of one team and the clients, then forks --writers processes. Each
 * opens the store as the application does (WAL, synchronous=FULL, its own
 * busy handling), waits for the start, and makes --edits edits through the
 * core's own edit path with no pause between them: client_get, then
 * client_update with the version read (one BEGIN IMMEDIATE transaction: the
 * row, its version, one audit entry in the hash chain, the commit). A stale
 * save comes back as a conflict and is made again on top of theirs, as the
 * conflict screen does; any other failure (busy above all) is counted.
 *
 * Two workloads: "own" (each writer edits its own --own clients: writers
 * queue for the one write lock but never conflict) and "shared" (every
 * writer edits --shared clients that all of them share, as test_contention
 * does, so saves also conflict). It prints saves per second (wall clock
 * from the start to the last writer's end), the latency of the
 * client_update calls that committed (p50, p90, p99, max; a conflicting
 * attempt's time is not counted) and the conflicts, and checks that every
 * save is in its client's version (zero lost updates).
 *
 * usage: bench_writers [--writers N] [--edits E] [--own K] [--shared C]
 *                      [--only own|shared] [--dir DIR]
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/client.h"
#include "core/ctx.h"
#include "core/staff.h"
#include "core/team.h"
#include "store/store.h"

#define MAX_WRITERS 64
#define MAX_CLIENTS 4096
#define MAX_RETRIES 100000

typedef struct config {
    int writers, edits, own, shared;
    const char *only;
    char dir[4096];
} config;

typedef struct scene {
    char db[4200];
    uint8_t *master; /* sodium_malloc'd */
    int64_t coach[2];
    int nclients;
    int64_t client[MAX_CLIENTS];
    int64_t version0[MAX_CLIENTS];
} scene;

/* What a worker reports through its pipe at the end. */
typedef struct report {
    int64_t saves, conflicts, failures;
} report;

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const cc_err *err)
{
    fprintf(stderr, "bench_writers: %s: %s\n", what, err ? err->msg : strerror(errno));
    exit(1);
}

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

/* ---- the scene: a fresh store, two coaches of one team, the clients ------ */

static cc_ctx coach_ctx(store *s, int64_t staff_id)
{
    cc_ctx ctx = {.st = s, .staff_id = staff_id};
    snprintf(ctx.role, sizeof ctx.role, "coach");
    return ctx;
}

static int64_t add_coach(store *s, const char *login, const char *name)
{
    cc_err err = {0};
    staff st;
    if (staff_add(s, 0, login, "coach", name, NULL, 0, &err) != CC_OK ||
        staff_find(s, login, &st, &err) != CC_OK)
        die("staff_add", &err);
    return st.id;
}

static void add_client(store *s, scene *sc, int i)
{
    cc_err err = {0};
    cc_ctx ctx = coach_ctx(s, sc->coach[0]), sys = ctx_system(s);
    client c;
    memset(&c, 0, sizeof c);
    /* Distinct names and birth dates: no duplicate warning. */
    snprintf(c.family_name, sizeof c.family_name, "Writer%c%c%c", 'a' + i / 676,
             'a' + i / 26 % 26, 'a' + i % 26);
    snprintf(c.given_name, sizeof c.given_name, "n0");
    snprintf(c.dob, sizeof c.dob, "19%02d-%02d-%02d", 30 + i % 60, 1 + i / 60 % 12,
             1 + i % 28);
    snprintf(c.zip, sizeof c.zip, "20810");
    snprintf(c.payer, sizeof c.payer, "medicare");
    snprintf(c.language, sizeof c.language, "en");
    snprintf(c.setting, sizeof c.setting, "home");
    if (client_create(&ctx, &c, CLIENT_ACCEPT_DUPLICATE, NULL, &err) != CC_OK)
        die("client_create", &err);
    int64_t hss = ctx_int(&sys, "SELECT id FROM program WHERE code = 'hss'", 0, 0);
    if (client_assign(&sys, c.id, sc->coach[i % 2], hss, &err) != CC_OK)
        die("client_assign", &err);
    if (client_get(&ctx, c.id, &c, &err) != CC_OK)
        die("client_get", &err);
    sc->client[i] = c.id;
    sc->version0[i] = c.version;
}

static void scene_build(scene *sc, const config *cf, int nclients)
{
    cc_err err = {0};
    store *s = NULL;
    snprintf(sc->db, sizeof sc->db, "%s/writers.db", cf->dir);
    if (store_create_with_key(sc->db, sc->master, &s, &err) != CC_OK)
        die("store_create_with_key", &err);
    sc->coach[0] = add_coach(s, "coach1", "Coach One");
    sc->coach[1] = add_coach(s, "coach2", "Coach Two");
    cc_ctx sys = ctx_system(s);
    int64_t team = 0;
    if (team_create(&sys, "Writers", "hss", 0, &team, &err) != CC_OK ||
        team_member_add(&sys, team, sc->coach[0], &err) != CC_OK ||
        team_member_add(&sys, team, sc->coach[1], &err) != CC_OK)
        die("team", &err);
    sc->nclients = nclients;
    for (int i = 0; i < nclients; i++)
        add_client(s, sc, i);
    store_close(s);
}

static void scene_remove(const scene *sc)
{
    static const char *const suffixes[] = {"",         "-wal",  "-shm",
                                           "-journal", ".keys", ".lock"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s%s", sc->db, suffixes[i]);
        unlink(p);
    }
}

/* ---- a writer ---------------------------------------------------------------- */

/* One edit of client id, made again on top of theirs after each conflict;
 * the time of the client_update that committed goes to *lat_ms. */
static int one_edit(cc_ctx *ctx, int64_t id, report *r, double *lat_ms, cc_err *err)
{
    client mine, theirs;
    if (client_get(ctx, id, &mine, err) != CC_OK)
        return err->code;
    for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
        long n = strtol(mine.given_name + 1, NULL, 10);
        snprintf(mine.given_name, sizeof mine.given_name, "n%ld", n + 1);
        double t0 = mono_ms();
        int rc = client_update(ctx, &mine, &theirs, err);
        *lat_ms = mono_ms() - t0;
        if (rc != CC_ECONFLICT)
            return rc;
        r->conflicts++;
        mine = theirs;
    }
    return cc_err_set(err, CC_EDATA, "an edit never landed");
}

/* Writer who: edits clients first..first+count-1 at random. */
static void writer_main(const scene *sc, const config *cf, int who, int first,
                        int count, int go_fd, int out_fd, int lat_fd)
{
    store *s = NULL;
    cc_err err = {0};
    report r = {0};
    unsigned seed = 0x5eed0000u + (unsigned)who;
    char b;
    if (store_open_with_key(sc->db, sc->master, &s, &err) != CC_OK)
        die("store_open_with_key", &err);
    cc_ctx ctx = coach_ctx(s, sc->coach[who % 2]);
    while (read(go_fd, &b, 1) < 0 && errno == EINTR)
        ;
    for (int e = 0; e < cf->edits; e++) {
        int k = first + rand_r(&seed) % count;
        double lat = 0;
        if (one_edit(&ctx, sc->client[k], &r, &lat, &err) != CC_OK) {
            if (r.failures++ < 3)
                fprintf(stderr, "writer %d: %s\n", who, err.msg);
            continue;
        }
        r.saves++;
        if (write_all(lat_fd, &lat, sizeof lat) != 0)
            _exit(1);
    }
    store_close(s);
    _exit(write_all(out_fd, &r, sizeof r) == 0 ? 0 : 1);
}

/* ---- a workload ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, int64_t n, int p)
{
    int64_t i = n * p / 100;
    return v[i < n ? i : n - 1];
}

/* Every save is in its client's version: the sum of version increments
 * equals the saves the writers reported. */
static int64_t versions_gained(const scene *sc)
{
    cc_err err = {0};
    store *s = NULL;
    if (store_open_with_key(sc->db, sc->master, &s, &err) != CC_OK)
        die("store_open_with_key", &err);
    cc_ctx ctx = coach_ctx(s, sc->coach[0]);
    int64_t sum = 0;
    for (int i = 0; i < sc->nclients; i++) {
        client c;
        if (client_get(&ctx, sc->client[i], &c, &err) != CC_OK)
            die("client_get", &err);
        sum += c.version - sc->version0[i];
    }
    store_close(s);
    return sum;
}

typedef struct pipes {
    int out[MAX_WRITERS][2], lat[MAX_WRITERS];
    pid_t pid[MAX_WRITERS];
} pipes;

static void spawn(const scene *sc, const config *cf, int shared, const int go[2],
                  pipes *p)
{
    for (int w = 0; w < cf->writers; w++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/lat-%d", cf->dir, w);
        int lat_wr = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        p->lat[w] = open(path, O_RDONLY | O_CLOEXEC);
        unlink(path);
        if (lat_wr < 0 || p->lat[w] < 0 || pipe(p->out[w]) != 0)
            die("latency file", NULL);
        fflush(stdout);
        p->pid[w] = fork();
        if (p->pid[w] < 0)
            die("fork", NULL);
        if (p->pid[w] == 0) {
            close(go[1]); /* the start is everyone's end of file on go[0] */
            writer_main(sc, cf, w, shared ? 0 : w * cf->own,
                        shared ? cf->shared : cf->own, go[0], p->out[w][1], lat_wr);
        }
        close(p->out[w][1]);
        close(lat_wr);
    }
}

static void run_workload(const config *cf, uint8_t *master, int shared)
{
    scene *sc = calloc(1, sizeof *sc);
    pipes *p = calloc(1, sizeof *p);
    int go[2];
    if (!sc || !p || pipe(go) != 0)
        die("setup", NULL);
    sc->master = master;
    scene_build(sc, cf, shared ? cf->shared : cf->writers * cf->own);
    spawn(sc, cf, shared, go, p);
    close(go[0]);
    usleep(300 * 1000); /* every writer has opened the store */
    double t0 = mono_ms();
    close(go[1]);

    report total = {0};
    int bad = 0;
    for (int w = 0; w < cf->writers; w++) {
        report r;
        int status;
        int got = read_all(p->out[w][0], &r, sizeof r) == 0;
        close(p->out[w][0]);
        waitpid(p->pid[w], &status, 0);
        if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            bad++;
            continue;
        }
        total.saves += r.saves, total.conflicts += r.conflicts;
        total.failures += r.failures;
    }
    double wall = mono_ms() - t0;
    double *lat = malloc(sizeof(double) * (size_t)(total.saves + 1));
    int64_t n = 0;
    for (int w = 0; lat && w < cf->writers; w++) {
        double v;
        while (n < total.saves && read_all(p->lat[w], &v, sizeof v) == 0)
            lat[n++] = v;
        close(p->lat[w]);
    }
    if (!lat || n != total.saves || n == 0)
        die("latencies", NULL);
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    int64_t gained = versions_gained(sc);

    printf("%-7s %2d writers x %4d edits on %4d clients: %6lld saves in %6.2f s = "
           "%7.1f saves/s\n",
           shared ? "shared" : "own", cf->writers, cf->edits, sc->nclients,
           (long long)total.saves, wall / 1e3, (double)total.saves / (wall / 1e3));
    printf("        commit latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
           pct(lat, n, 50), pct(lat, n, 90), pct(lat, n, 99), lat[n - 1]);
    printf("        conflicts %lld (saved again on top of theirs), failures %lld, "
           "writers failed %d, lost updates %lld\n\n",
           (long long)total.conflicts, (long long)total.failures, bad,
           (long long)(total.saves - gained));
    fflush(stdout);
    free(lat);
    scene_remove(sc);
    free(sc);
    free(p);
}

/* ---- the command ----------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_writers [--writers N] [--edits E] [--own K] [--shared C]\n"
            "                     [--only own|shared] [--dir DIR]\n"
            "  --writers N  processes writing at once (default 16, max %d)\n"
            "  --edits E    edits per writer (default 200)\n"
            "  --own K      clients per writer in the 'own' workload (default 4)\n"
            "  --shared C   clients all writers share in 'shared' (default 20)\n"
            "  --only W     run one workload\n"
            "  --dir DIR    where the store goes (default: a new /tmp dir)\n",
            MAX_WRITERS);
}

static int parse_args(config *cf, int argc, char **argv)
{
    *cf = (config){.writers = 16, .edits = 200, .own = 4, .shared = 20};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int *num = !strcmp(a, "--writers")  ? &cf->writers
                   : !strcmp(a, "--edits")  ? &cf->edits
                   : !strcmp(a, "--own")    ? &cf->own
                   : !strcmp(a, "--shared") ? &cf->shared
                                            : NULL;
        if (num && v && atoi(v) > 0) {
            *num = atoi(v);
        } else if (!strcmp(a, "--only") && v &&
                   (!strcmp(v, "own") || !strcmp(v, "shared"))) {
            cf->only = v;
        } else if (!strcmp(a, "--dir") && v && strlen(v) < sizeof cf->dir) {
            snprintf(cf->dir, sizeof cf->dir, "%s", v);
        } else {
            return 1;
        }
        i++;
    }
    return cf->writers > MAX_WRITERS || cf->writers * cf->own > MAX_CLIENTS ||
           cf->shared > MAX_CLIENTS;
}

int main(int argc, char **argv)
{
    config cf;
    if (argc > 1 && !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    if (parse_args(&cf, argc, argv) != 0) {
        usage(stderr);
        return 2;
    }
    int own_dir = !cf.dir[0];
    if (own_dir) {
        snprintf(cf.dir, sizeof cf.dir, "/tmp/bench_writers.XXXXXX");
        if (!mkdtemp(cf.dir))
            die("mkdtemp", NULL);
    }
    if (sodium_init() < 0)
        die("sodium_init", NULL);
    uint8_t *master = sodium_malloc(STORE_KEY_BYTES);
    if (!master)
        die("sodium_malloc", NULL);
    randombytes_buf(master, STORE_KEY_BYTES);
    printf("bench_writers: client_get + client_update (BEGIN IMMEDIATE, audited,"
           " synchronous=FULL), no pause between edits; %ld CPUs online\n\n",
           sysconf(_SC_NPROCESSORS_ONLN));
    if (!cf.only || !strcmp(cf.only, "own"))
        run_workload(&cf, master, 0);
    if (!cf.only || !strcmp(cf.only, "shared"))
        run_workload(&cf, master, 1);
    sodium_free(master);
    if (own_dir)
        rmdir(cf.dir);
    return 0;
}
