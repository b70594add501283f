/*
 * bench_store.c — what encryption costs the store, measured.
 *
 * A benchmark command (built with the tests, never run by `meson test`). In
 * one process it runs each workload against two databases with the same
 * settings: the encrypted store (the carecoord VFS, a key attached, 48
 * reserved bytes per page) and plain SQLite through the stock "unix" VFS.
 * Both get page size 4096, WAL, the same cache size, temp_store=MEMORY and
 * no memory mapping (the VFS never maps). For every workload it prints the
 * time of each side, the ratio encrypted/plain, the cost per operation and
 * the pages the encrypted side read and wrote per operation. The data are
 * synthetic: client-like rows with names made from syllables by a seeded
 * generator, so both sides (and every run) see the same rows and the same
 * random keys. docs/PERFORMANCE.md records the figures and what they mean.
 *
 * Built with -DBENCH_SQLCIPHER against SQLCipher (bench_sqlcipher, only where
 * libsqlcipher-dev is installed), the encrypted side is SQLCipher instead
 * (a raw 256-bit key, cipher_page_size 4096, its default cipher) and the plain
 * side is the SQLite SQLCipher is built on; tests/bench/bench_sqlcipher.sh runs
 * both binaries on the same seed and prints them side by side (--tsv).
 *
 * usage: bench_store [--scale N] [--quick] [--dir DIR] [--seed S] [--repeat R]
 *                    [--cache-kib K] [--only LIST] [--tsv] [--cpu] [--verbose]
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef BENCH_SQLCIPHER
#define ENC_LABEL   "sqlcipher"
#define ENC_RESERVE 48 /* 16-byte IV + 20-byte HMAC-SHA1, AES-block rounded */
#define PROG        "bench_sqlcipher"
#else
#include "store/vfs.h"
#define ENC_LABEL   "encrypted"
#define ENC_RESERVE VFS_RESERVE
#define PROG        "bench_store"
#endif
#ifndef SQLITE_OPEN_EXRESCODE
#define SQLITE_OPEN_EXRESCODE 0 /* older SQLite (SQLCipher's): not needed */
#endif
#define KEY_BYTES 32

#define DEFAULT_ROWS      100000L
#define CLIENTS_PER_COACH 50
#define MIN_CACHE_KIB     8192 /* 8 MiB, never less */
#define ROW_BUDGET        200  /* bytes of cache per row: holds the whole DB */
#define COLD_CACHE_KIB    64   /* 16 pages: most lookups miss */
#define NAME_MAX_BYTES    32
#define NOTE_BYTES        96
#define MAX_REPEAT        15

/* ---- operation counts, scaled together by --quick ---------------------- */

enum { N_ROWS, N_LOOKUPS, N_COLD, N_CASELOADS, N_SCANS, N_WRITES, N_COUNTS };

static const long default_counts[N_COUNTS] = {
    [N_ROWS] = DEFAULT_ROWS, [N_LOOKUPS] = 200000, [N_COLD] = 20000,
    [N_CASELOADS] = 500,     [N_SCANS] = 50,       [N_WRITES] = 2000,
};

/* ---- synthetic data ---------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64: small, fast, and good enough to spread keys. */
static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long rng_below(rng *r, long n)
{
    return (long)(rng_next(r) % (uint64_t)n);
}

static const char *const syllables[] = {
    "ka", "lo",  "mi",  "ne",  "ra",  "to",  "vin", "sel", "dor", "ber", "an",
    "el", "is",  "ou",  "mar", "ten", "gra", "fal", "wen", "pol", "ru",  "sha",
    "ta", "qui", "zel", "ho",  "bri", "cor", "de",  "fen", "gul", "ias",
};
#define N_SYLLABLES ((long)(sizeof syllables / sizeof *syllables))

static const char *const programs[] = {
    "housing", "employment", "reentry",     "youth",
    "family",  "recovery",   "senior care", "veterans",
};
#define N_PROGRAMS ((long)(sizeof programs / sizeof *programs))

/* A made-up name of min..max syllables, capitalised. */
static void make_name(rng *r, char *out, int min, int max)
{
    int n = min + (int)rng_below(r, max - min + 1);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *syl = syllables[rng_below(r, N_SYLLABLES)];
        size_t k = strlen(syl);
        memcpy(out + len, syl, k);
        len += k;
    }
    out[len] = '\0';
    out[0] = (char)(out[0] - 'a' + 'A');
}

/* Words of syllables separated by spaces, as a case note might read. */
static void make_note(rng *r, char *out, size_t outsz)
{
    size_t len = 0;
    while (len + 2 * 3 + 2 < outsz) {
        char word[NAME_MAX_BYTES];
        make_name(r, word, 1, 2);
        size_t k = strlen(word);
        memcpy(out + len, word, k);
        len += k;
        out[len++] = ' ';
    }
    out[len ? len - 1 : 0] = '\0';
}

typedef struct client {
    char family[NAME_MAX_BYTES], given[NAME_MAX_BYTES], dob[16], zip[12];
    int program, coach, risk;
} client;

static void make_client(rng *r, long coaches, client *c)
{
    make_name(r, c->family, 2, 4);
    make_name(r, c->given, 2, 3);
    unsigned short year = (unsigned short)(1935 + rng_below(r, 80));
    unsigned char month = (unsigned char)(1 + rng_below(r, 12));
    unsigned char day = (unsigned char)(1 + rng_below(r, 28));
    snprintf(c->dob, sizeof c->dob, "%04hu-%02hhu-%02hhu", year, month, day);
    snprintf(c->zip, sizeof c->zip, "%05d", (int)rng_below(r, 100000));
    c->program = (int)rng_below(r, N_PROGRAMS);
    c->coach = 1 + (int)rng_below(r, coaches);
    c->risk = 1 + (int)rng_below(r, 5);
}

/* ---- the two sides ----------------------------------------------------- */

typedef struct side {
    const char *label;
    const char *vfs;
    int encrypted;
    char path[4200];
    sqlite3 *db;
} side;

typedef struct bench {
    long n[N_COUNTS];
    long coaches;
    int cache_kib;
    int cache_fixed;  /* --cache-kib: every warm workload's cache, not the DB */
    int tsv;          /* machine-readable rows for bench_sqlcipher.sh */
    const char *only; /* --only: comma-separated workload numbers */
    uint8_t key[KEY_BYTES];
    int repeat;
    int verbose; /* print every run's time, not just the medians */
    uint64_t seed;
    char dir[4096];
    int own_dir;
    client *clients;
    side sides[2];
    uint64_t sink; /* keeps the optimiser from dropping column reads */
} bench;

static bench *the_bench; /* for cleanup on failure */

/* ---- the encrypted side: our VFS, or SQLCipher ------------------------- */

#ifdef BENCH_SQLCIPHER
static const char *enc_error(void)
{
    return "";
}

static int enc_install(void)
{
    return SQLITE_OK;
}

static int enc_attach(const char *path, const uint8_t *key)
{
    (void)path;
    (void)key;
    return SQLITE_OK;
}

static void enc_detach(const char *path)
{
    (void)path;
}

/* A raw key (no passphrase KDF, as our side), then the page size. */
static int enc_after_open(sqlite3 *db, const uint8_t *key)
{
    char sql[160], hex[2 * KEY_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, key, KEY_BYTES);
    snprintf(sql, sizeof sql, "PRAGMA key = \"x'%s'\"; PRAGMA cipher_page_size = 4096;",
             hex);
    sodium_memzero(hex, sizeof hex);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sodium_memzero(sql, sizeof sql);
    return rc;
}

static const char *enc_vfs(void)
{
    return NULL;
}

static void enc_clear_error(void)
{
}
#else
static const char *enc_error(void)
{
    return vfs_last_error();
}

static int enc_install(void)
{
    return vfs_install(0);
}

static int enc_attach(const char *path, const uint8_t *key)
{
    uint8_t id[VFS_DBID_BYTES];
    randombytes_buf(id, sizeof id);
    return vfs_key_attach(path, id, key);
}

static void enc_detach(const char *path)
{
    vfs_key_detach(path);
}

static int enc_after_open(sqlite3 *db, const uint8_t *key)
{
    int r = VFS_RESERVE;
    (void)key;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &r);
    return SQLITE_OK;
}

static const char *enc_vfs(void)
{
    return VFS_NAME;
}

static void enc_clear_error(void)
{
    vfs_clear_error();
}
#endif

static const char *const file_suffixes[] = {"", "-wal", "-shm", "-journal"};

static void remove_files(const side *s)
{
    for (size_t i = 0; i < sizeof file_suffixes / sizeof *file_suffixes; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s%s", s->path, file_suffixes[i]);
        unlink(p);
    }
}

static void cleanup(bench *b)
{
    for (int i = 0; i < 2; i++) {
        side *s = &b->sides[i];
        if (s->db)
            sqlite3_close_v2(s->db);
        s->db = NULL;
        if (s->path[0])
            remove_files(s);
        if (s->encrypted && s->path[0])
            enc_detach(s->path);
    }
    if (b->own_dir)
        rmdir(b->dir);
    b->own_dir = 0;
    free(b->clients);
    b->clients = NULL;
}

static void fail(const side *s, const char *what)
{
    const char *vfs_err = enc_error();
    fprintf(stderr, PROG ": %s: %s: %s%s%s\n", s->label, what,
            s->db ? sqlite3_errmsg(s->db) : "cannot open", vfs_err[0] ? "; vfs: " : "",
            vfs_err);
    cleanup(the_bench);
    exit(1);
}

static void exec(side *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail(s, sql);
}

static sqlite3_stmt *prep(side *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail(s, sql);
    return st;
}

/* Step once; SQLITE_ROW or SQLITE_DONE, anything else fails the run. */
static int step(side *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fail(s, sqlite3_sql(st));
    return rc;
}

static void step_reset(side *s, sqlite3_stmt *st)
{
    while (step(s, st) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
}

/* Touch every column of the current row, as a caller would. */
static uint64_t consume_row(sqlite3_stmt *st)
{
    uint64_t sum = 0;
    for (int i = 0, n = sqlite3_column_count(st); i < n; i++) {
        if (sqlite3_column_type(st, i) == SQLITE_INTEGER) {
            sum += (uint64_t)sqlite3_column_int64(st, i);
        } else {
            const unsigned char *t = sqlite3_column_text(st, i);
            sum += t ? t[0] + (uint64_t)sqlite3_column_bytes(st, i) : 0;
        }
    }
    return sum;
}

/* Wall-clock time, or with --cpu the process's CPU time (user + system):
 * steadier than the wall clock on a machine that other work keeps busy,
 * but blind to time spent waiting for the disk (fsync). */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Open (creating if need be) and apply the settings both sides share. */
static void side_open(side *s, int cache_kib, const char *sync)
{
    char sql[512];
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE;
    enc_clear_error();
    if (sqlite3_open_v2(s->path, &s->db, flags, s->vfs) != SQLITE_OK)
        fail(s, "open");
    if (s->encrypted && enc_after_open(s->db, the_bench->key) != SQLITE_OK)
        fail(s, "key");
    snprintf(sql, sizeof sql,
             "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;"
             "PRAGMA synchronous = %s; PRAGMA cache_size = -%d;"
             "PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0;",
             sync, cache_kib);
    exec(s, sql);
}

static void side_close(side *s)
{
    exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (sqlite3_close(s->db) != SQLITE_OK)
        fail(s, "close");
    s->db = NULL;
}

/* Bring every page of the tables and indexes into the page cache. */
static void warm_up(side *s)
{
    exec(s, "SELECT sum(length(dob)) FROM clients NOT INDEXED;"
            "SELECT count(*) FROM clients INDEXED BY clients_name WHERE family >= '';"
            "SELECT count(*) FROM clients INDEXED BY clients_coach WHERE coach_id >= 0;"
            "SELECT sum(length(body)) FROM events;");
}

static long db_status(side *s, int op, int reset)
{
    int cur = 0, hi = 0;
    sqlite3_db_status(s->db, op, &cur, &hi, reset);
    return cur;
}

/* ---- workloads --------------------------------------------------------- */

static const char *const schema[] = {
    ("CREATE TABLE clients(id INTEGER PRIMARY KEY, family TEXT NOT NULL,"
     " given TEXT NOT NULL, dob TEXT NOT NULL, zip TEXT NOT NULL,"
     " program TEXT NOT NULL, coach_id INTEGER NOT NULL, risk INTEGER NOT NULL)"),
    "CREATE INDEX clients_name ON clients(family, given)",
    "CREATE INDEX clients_coach ON clients(coach_id)",
    ("CREATE TABLE events(id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL,"
     " at INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL)"),
};

static void bind_client(sqlite3_stmt *st, long id, const client *c)
{
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, c->family, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->given, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->dob, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->zip, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, programs[c->program], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, c->coach);
    sqlite3_bind_int(st, 8, c->risk);
}

/* 1. Schema with both indexes, then every client, in one transaction. */
static double wl_bulk(bench *b, side *s, rng *r, long n)
{
    (void)r;
    double t0 = now();
    exec(s, "BEGIN");
    for (size_t i = 0; i < sizeof schema / sizeof *schema; i++)
        exec(s, schema[i]);
    sqlite3_stmt *ins = prep(s, "INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (long i = 0; i < n; i++) {
        bind_client(ins, i + 1, &b->clients[i]);
        step_reset(s, ins);
    }
    sqlite3_finalize(ins);
    exec(s, "COMMIT");
    return now() - t0;
}

/* 2, 3. Random primary-key lookups (warm or cold is the caller's cache). */
static double wl_lookup(bench *b, side *s, rng *r, long n)
{
    sqlite3_stmt *st = prep(s, "SELECT family, given, dob, zip, program, coach_id, risk"
                               " FROM clients WHERE id = ?");
    uint64_t sum = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, 1 + rng_below(r, b->n[N_ROWS]));
        if (step(s, st) != SQLITE_ROW)
            fail(s, "lookup found no row");
        sum += consume_row(st);
        sqlite3_reset(st);
    }
    double t = now() - t0;
    sqlite3_finalize(st);
    b->sink += sum;
    return t;
}

/* 4. A coach's caseload, riskiest first (the coach_id index, then a sort). */
static double wl_caseload(bench *b, side *s, rng *r, long n)
{
    sqlite3_stmt *st = prep(s, "SELECT id, family, given, risk FROM clients"
                               " WHERE coach_id = ? ORDER BY risk DESC, family, given");
    uint64_t sum = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, 1 + rng_below(r, b->coaches));
        while (step(s, st) == SQLITE_ROW)
            sum += consume_row(st);
        sqlite3_reset(st);
    }
    double t = now() - t0;
    sqlite3_finalize(st);
    b->sink += sum;
    return t;
}

/* 5. Substring search on family names: a full table scan each time. */
static double wl_scan(bench *b, side *s, rng *r, long n)
{
    sqlite3_stmt *st = prep(s, "SELECT id, family, given, dob FROM clients NOT INDEXED"
                               " WHERE family LIKE ?");
    uint64_t sum = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        char name[NAME_MAX_BYTES], pattern[8];
        make_name(r, name, 2, 2);
        size_t at = (size_t)rng_below(r, (long)strlen(name) - 2);
        snprintf(pattern, sizeof pattern, "%%%.3s%%", name + at);
        sqlite3_bind_text(st, 1, pattern, -1, SQLITE_TRANSIENT);
        while (step(s, st) == SQLITE_ROW)
            sum += consume_row(st);
        sqlite3_reset(st);
    }
    double t = now() - t0;
    sqlite3_finalize(st);
    b->sink += sum;
    return t;
}

/* 6. Small transactions: BEGIN IMMEDIATE; one UPDATE, one INSERT; COMMIT. */
static double wl_writes(bench *b, side *s, rng *r, long n)
{
    sqlite3_stmt *begin = prep(s, "BEGIN IMMEDIATE"), *commit = prep(s, "COMMIT");
    /* risk always changes: SQLite skips writing a cell rewritten unchanged */
    sqlite3_stmt *upd = prep(s, "UPDATE clients SET risk = risk % 5 + 1 WHERE id = ?");
    sqlite3_stmt *ins =
        prep(s, "INSERT INTO events(client_id, at, kind, body) VALUES (?, ?, ?, ?)");
    double t0 = now();
    for (long i = 0; i < n; i++) {
        char note[NOTE_BYTES];
        long id = 1 + rng_below(r, b->n[N_ROWS]);
        make_note(r, note, sizeof note);
        step_reset(s, begin);
        sqlite3_bind_int64(upd, 1, id);
        step_reset(s, upd);
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_int64(ins, 2, 1700000000 + i);
        sqlite3_bind_text(ins, 3, "contact", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, note, -1, SQLITE_TRANSIENT);
        step_reset(s, ins);
        step_reset(s, commit);
    }
    double t = now() - t0;
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(upd);
    sqlite3_finalize(ins);
    return t;
}

typedef double (*workload_fn)(bench *b, side *s, rng *r, long n);

enum { CACHE_WARM, CACHE_COLD };

typedef struct workload {
    const char *name;
    workload_fn run;
    int count; /* index into bench.n */
    int fresh; /* starts from no database at all */
    int cache; /* CACHE_WARM: every page preloaded; CACHE_COLD: 64 KiB, nothing */
    const char *sync;
} workload;

static const workload workloads[] = {
    {"bulk insert (1 txn)", wl_bulk, N_ROWS, 1, CACHE_WARM, "FULL"},
    {"pk lookup, warm", wl_lookup, N_LOOKUPS, 0, CACHE_WARM, "FULL"},
    {"pk lookup, cold", wl_lookup, N_COLD, 0, CACHE_COLD, "FULL"},
    {"caseload query", wl_caseload, N_CASELOADS, 0, CACHE_WARM, "FULL"},
    {"name search scan", wl_scan, N_SCANS, 0, CACHE_WARM, "FULL"},
    {"small write txn, sync=FULL", wl_writes, N_WRITES, 0, CACHE_WARM, "FULL"},
    {"small write txn, sync=NORMAL", wl_writes, N_WRITES, 0, CACHE_WARM, "NORMAL"},
};

typedef struct result {
    double secs;
    long reads, writes; /* pages missed in the cache / written, per the pager */
} result;

static result run_side(bench *b, const workload *w, side *s, uint64_t seed)
{
    result res;
    rng r = {seed};
    int cold = w->cache == CACHE_COLD;
    if (w->fresh)
        remove_files(s);
    side_open(s, cold ? COLD_CACHE_KIB : b->cache_kib, w->sync);
    if (!w->fresh && !cold)
        warm_up(s);
    db_status(s, SQLITE_DBSTATUS_CACHE_MISS, 1);
    db_status(s, SQLITE_DBSTATUS_CACHE_WRITE, 1);
    res.secs = w->run(b, s, &r, b->n[w->count]);
    res.reads = db_status(s, SQLITE_DBSTATUS_CACHE_MISS, 0);
    res.writes = db_status(s, SQLITE_DBSTATUS_CACHE_WRITE, 0);
    side_close(s);
    return res;
}

static void print_row(const bench *b, const workload *w, long n, const result res[2])
{
    if (b->tsv) {
        printf("%d\t%s\t%ld\t%.3f\t%.3f\t%.2f\t%.2f\n", (int)(w - workloads) + 1,
               w->name, n, res[0].secs * 1e3, res[1].secs * 1e3,
               (double)res[0].reads / (double)n, (double)res[0].writes / (double)n);
        fflush(stdout);
        return;
    }
    printf("%-28s %7ld %10.1f %10.1f %6.2fx %9.2f %9.2f %7.2f %7.2f\n", w->name, n,
           res[0].secs * 1e3, res[1].secs * 1e3, res[0].secs / res[1].secs,
           res[0].secs * 1e6 / (double)n, res[1].secs * 1e6 / (double)n,
           (double)res[0].reads / (double)n, (double)res[0].writes / (double)n);
    fflush(stdout);
}

/* Every run's time in ms, in the order run, before the row of medians. */
static void print_runs(const bench *b, double secs[2][MAX_REPEAT])
{
    for (int i = 0; i < 2; i++) {
        printf("%s  %-9s runs ms:", b->tsv ? "#" : "", b->sides[i].label);
        for (int rep = 0; rep < b->repeat; rep++)
            printf(" %.1f", secs[i][rep] * 1e3);
        printf("\n");
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Repeat, alternating which side goes first, and keep each side's median
 * time: other load on the machine then hits both sides alike. Every run
 * starts from the same seed, so both sides see the same keys. */
static void run_workload(bench *b, const workload *w)
{
    result res[2] = {{0}};
    double secs[2][MAX_REPEAT];
    uint64_t seed = b->seed * 1000 + (uint64_t)(w - workloads);
    for (int rep = 0; rep < b->repeat; rep++) {
        for (int k = 0; k < 2; k++) {
            int i = rep % 2 ? 1 - k : k;
            res[i] = run_side(b, w, &b->sides[i], seed);
            secs[i][rep] = res[i].secs;
        }
    }
    if (b->verbose)
        print_runs(b, secs);
    for (int i = 0; i < 2; i++)
        res[i].secs = median(secs[i], b->repeat);
    print_row(b, w, b->n[w->count], res);
}

/* Workload number k (from 1) is in --only, or there is no --only. The bulk
 * load (1) always runs: every other workload reads what it wrote. */
static int selected(const bench *b, int k)
{
    if (!b->only || k == 1)
        return 1;
    for (const char *p = b->only; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            return 0;
        if (v == k)
            return 1;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* ---- set-up and report ------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: " PROG " [--scale N] [--quick] [--dir DIR] [--seed S]"
        " [--repeat R]\n       [--cache-kib K] [--only LIST] [--tsv] [--cpu] [--verbose]\n"
        "  --scale N   clients to load (default %ld)\n"
        "  --quick     a tenth of every count (after --scale)\n"
        "  --dir DIR   where the two databases go (default: a new /tmp dir)\n"
        "  --seed S    seed of the data generator (default 1)\n"
        "  --repeat R  runs of each workload per side, median kept (default 5,"
        " max %d)\n"
        "  --cache-kib K  page cache of every warm workload (default: the whole DB)\n"
        "  --only LIST comma-separated workload numbers (1-%d; default all)\n"
        "  --tsv       tab-separated rows, no header (bench_sqlcipher.sh)\n"
        "  --cpu       time by the process's CPU time, not the wall clock\n"
        "  --verbose   also print every run's time\n",
        DEFAULT_ROWS, MAX_REPEAT, (int)(sizeof workloads / sizeof *workloads));
}

/* Returns 0 on success, 1 after printing usage. */
static int parse_args(bench *b, int argc, char **argv)
{
    int quick = 0;
    memcpy(b->n, default_counts, sizeof b->n);
    b->seed = 1;
    b->repeat = 5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0) {
            quick = 1;
        } else if (strcmp(a, "--verbose") == 0) {
            b->verbose = 1;
        } else if (strcmp(a, "--tsv") == 0) {
            b->tsv = 1;
        } else if (strcmp(a, "--cpu") == 0) {
            bench_clock = CLOCK_PROCESS_CPUTIME_ID;
        } else if (strcmp(a, "--cache-kib") == 0 && v && atoi(v) >= 64) {
            b->cache_fixed = atoi(v);
            i++;
        } else if (strcmp(a, "--only") == 0 && v) {
            b->only = v;
            i++;
        } else if (strcmp(a, "--scale") == 0 && v && atol(v) >= 10) {
            b->n[N_ROWS] = atol(v);
            i++;
        } else if (strcmp(a, "--repeat") == 0 && v && atoi(v) >= 1 &&
                   atoi(v) <= MAX_REPEAT) {
            b->repeat = atoi(v);
            i++;
        } else if (strcmp(a, "--seed") == 0 && v) {
            b->seed = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--dir") == 0 && v && strlen(v) < sizeof b->dir) {
            snprintf(b->dir, sizeof b->dir, "%s", v);
            i++;
        } else {
            usage(stderr);
            return 1;
        }
    }
    for (int i = 0; quick && i < N_COUNTS; i++)
        b->n[i] = b->n[i] / 10 > 0 ? b->n[i] / 10 : 1;
    b->coaches =
        b->n[N_ROWS] / CLIENTS_PER_COACH > 0 ? b->n[N_ROWS] / CLIENTS_PER_COACH : 1;
    long kib = b->n[N_ROWS] * ROW_BUDGET / 1024;
    b->cache_kib = kib > MIN_CACHE_KIB ? (int)kib : MIN_CACHE_KIB;
    if (b->cache_fixed)
        b->cache_kib = b->cache_fixed;
    return 0;
}

static int setup(bench *b)
{
    if (!b->dir[0]) {
        snprintf(b->dir, sizeof b->dir, "/tmp/" PROG ".XXXXXX");
        if (!mkdtemp(b->dir)) {
            perror(PROG ": mkdtemp");
            return 1;
        }
        b->own_dir = 1;
    } else if (access(b->dir, W_OK | X_OK) != 0) {
        perror(b->dir);
        return 1;
    }
    b->sides[0] = (side){.label = ENC_LABEL, .vfs = enc_vfs(), .encrypted = 1};
    b->sides[1] = (side){.label = "plain", .vfs = "unix"};
    snprintf(b->sides[0].path, sizeof b->sides[0].path, "%s/encrypted.db", b->dir);
    snprintf(b->sides[1].path, sizeof b->sides[1].path, "%s/plain.db", b->dir);
    for (int i = 0; i < 2; i++)
        remove_files(&b->sides[i]);
    randombytes_buf(b->key, sizeof b->key);
    if (enc_attach(b->sides[0].path, b->key) != SQLITE_OK) {
        fprintf(stderr, PROG ": cannot attach a key\n");
        return 1;
    }
    b->clients = malloc((size_t)b->n[N_ROWS] * sizeof *b->clients);
    if (!b->clients) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    rng r = {b->seed};
    for (long i = 0; i < b->n[N_ROWS]; i++)
        make_client(&r, b->coaches, &b->clients[i]);
    return 0;
}

static void print_header(const bench *b)
{
#ifdef BENCH_SQLCIPHER
    printf(PROG ": SQLCipher (AES-256-CBC + HMAC-SHA1 per page) vs plain SQLite,"
                " the same library\n");
#else
    printf(PROG ": encrypted store (VFS \"%s\") vs plain SQLite (VFS \"unix\")\n",
           VFS_NAME);
#endif
    printf("sqlite %s, libsodium %s (avx2 %s, avx512f %s), %ld CPUs online\n",
           sqlite3_libversion(), sodium_version_string(),
           sodium_runtime_has_avx2() ? "yes" : "no",
           sodium_runtime_has_avx512f() ? "yes" : "no", sysconf(_SC_NPROCESSORS_ONLN));
    printf("clients %ld, coaches %ld, seed %llu, dir %s\n", b->n[N_ROWS], b->coaches,
           (unsigned long long)b->seed, b->dir);
    printf(
        "times (%s): median of %d runs per side, alternating which side runs first\n",
        bench_clock == CLOCK_MONOTONIC ? "wall clock" : "process CPU time", b->repeat);
    printf("both: page_size 4096, journal_mode WAL, synchronous FULL (NORMAL where"
           " named),\n      cache_size -%d KiB (cold: -%d KiB), temp_store MEMORY,"
           " mmap_size 0\n",
           b->cache_kib, COLD_CACHE_KIB);
#ifdef BENCH_SQLCIPHER
    printf("encrypted: SQLCipher defaults, raw key, %d reserved bytes per page\n\n",
           ENC_RESERVE);
#else
    printf("encrypted: XChaCha20-Poly1305 per page, %d reserved bytes per page\n\n",
           ENC_RESERVE);
#endif
    printf("%-28s %7s %10s %10s %7s %9s %9s %7s %7s\n", "workload", "ops", "enc ms",
           "plain ms", "ratio", "enc us/op", "pln us/op", "rd/op", "wr/op");
}

static long file_kib(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)(st.st_size / 1024) : -1;
}

static void print_footer(const bench *b)
{
    long enc = file_kib(b->sides[0].path), plain = file_kib(b->sides[1].path);
    printf("\nrd/op, wr/op: pages the encrypted side read from disk or WAL (cache "
           "misses) and wrote, per op\n");
    printf("database size: encrypted %ld KiB, plain %ld KiB (cache %d KiB%s)\n", enc,
           plain, b->cache_kib,
           enc <= b->cache_kib ? ""
           : b->cache_fixed    ? ": set by --cache-kib, warm runs miss"
                               : ": TOO SMALL, warm runs miss");
    printf("checksum of rows read: %016llx\n", (unsigned long long)b->sink);
}

int main(int argc, char **argv)
{
    static bench b;
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (parse_args(&b, argc, argv) != 0)
        return 2;
    if (enc_install() != SQLITE_OK) {
        fprintf(stderr, PROG ": cannot install the VFS\n");
        return 1;
    }
    the_bench = &b;
    if (setup(&b) != 0) {
        cleanup(&b);
        return 1;
    }
    if (b.tsv)
        printf("#%s\tsqlite %s\n", PROG, sqlite3_libversion());
    else
        print_header(&b);
    for (size_t i = 0; i < sizeof workloads / sizeof *workloads; i++)
        if (selected(&b, (int)i + 1))
            run_workload(&b, &workloads[i]);
    if (b.tsv)
        printf("#checksum\t%016llx\n", (unsigned long long)b.sink);
    else
        print_footer(&b);
    cleanup(&b);
    return 0;
}
