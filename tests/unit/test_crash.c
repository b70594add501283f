/*
 * test_crash.c — crash safety of the encrypted store. A child process runs
 * write transactions (an insert whose payload spans up to five overflow pages,
 * updates and deletes of older rows, one audit entry each) and reports every
 * commit through a pipe once store_commit has returned; the parent SIGKILLs it
 * at a random moment, reopens the store and checks that the database is
 * intact (integrity_check), that every reported transaction is there in full,
 * that no transaction is there in part, and that the audit chain verifies. A
 * second variant kills the child while it loops on wal_checkpoint(TRUNCATE).
 * Every 250 kills start over on a fresh store (the audit log only grows, and
 * checking it all after every kill would make long runs quadratic). A third
 * variant runs transactions larger than the page cache (20,000 scattered row
 * updates under cache_size=-256, so spilled WAL frames are written again and
 * their headers rewritten at the commit) and kills the child at a random
 * moment or just after it starts a COMMIT; after each kill every row is at
 * the same generation, that of the last commit, and a full check finds every
 * page and WAL frame authentic.
 *
 * CRASH_CYCLES sets the kills per variant (default 200; the long run uses
 * 10000); the big-transaction variant does a tenth as many (at least 4). The seed is
 * printed as a TAP comment; CRASH_SEED=<seed> replays the same payloads, kill delays
 * and choices (the kill points themselves depend on timing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/maint.h"
#include "store/store.h"
#include "testutil.h"

#define DEFAULT_CYCLES       200
#define MAX_DELAY_US         30000 /* the child runs 0..30 ms before it is killed */
#define PAYLOAD_MIN          100
#define PAYLOAD_MAX          20480
#define KEEP_ROWS            150  /* the child prunes older rows beyond this many */
#define CYCLES_PER_STORE     250  /* then a fresh store: the audit log only grows */
#define MIN_CYCLES_FOR_STATS 50   /* enough kills to expect every kind of moment */
#define MARK_CKPT_IN         (-1) /* reported before a checkpoint starts */
#define MARK_CKPT_OUT        (-2) /* reported after it returned */
#define MARK_COMMIT          (-3) /* big variant: reported before COMMIT */
#define BIG_ROWS             20000
#define BIG_PAD              120
#define BIG_MAX_DELAY_US     700000 /* about two big transactions */
#define BIG_COMMIT_DELAY_US  60000  /* after MARK_COMMIT: inside the commit */
#define BIG_MIN_CYCLES       4

enum child_status {
    CHILD_OPEN = 10,
    CHILD_WRITE = 11,
    CHILD_PIPE = 12,
    CHILD_CKPT = 13
};

typedef struct crash_ctx {
    char *dir, *path;
    uint64_t rng;          /* the parent's stream: child seeds, delays */
    int cycles;            /* kills to do */
    int passed;            /* keep the directory for inspection unless set */
    int64_t next_id;       /* every id below was verified in an earlier cycle */
    int64_t audit_entries; /* entries in the chain as last verified */
    long long verified;    /* reported commits found intact */
    long long unreported;  /* kills between a commit and its report */
    long long in_ckpt;     /* kills inside wal_checkpoint(TRUNCATE) */
    long long in_commit;   /* big variant: kills after MARK_COMMIT */
    int64_t gen;           /* big variant: generation every row is at */
    int cycle;             /* the cycle under way, its delay and child seed */
    long delay;
    uint64_t child_seed;
} crash_ctx;

typedef struct reports {
    int64_t *ids;
    size_t n;
    int in_ckpt; /* the last thing reported was MARK_CKPT_IN */
} reports;

static uint64_t run_seed;
static long long total_cycles, total_verified;

/* ---- randomness (splitmix64, so a seed replays everything) -------------- */

static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t rng_next(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ULL;
    return mix64(*state);
}

/* The payload of row id at version ver: its size and letters follow from
 * (id, ver) alone, so the parent can check any row it finds. */
static size_t payload_make(int64_t id, int64_t ver, char *buf)
{
    uint64_t st = mix64((uint64_t)id * 0x100000001b3ULL ^ (uint64_t)ver << 48);
    uint64_t r = rng_next(&st);
    size_t n = r % 10 < 7 ? PAYLOAD_MIN + (r >> 8) % 1900
                          : 2048 + (r >> 8) % (PAYLOAD_MAX - 2048 + 1);
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0)
            r = rng_next(&st);
        buf[i] = (char)('a' + (r >> (i % 8 * 8) & 0xff) % 26);
    }
    return n;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the child: write transactions until killed ------------------------- */

static void child_die(int status, const char *what, const char *msg)
{
    fprintf(stderr, "crash child: %s: %s\n", what, msg);
    _exit(status);
}

static int insert_row(store *s, int64_t id, char *buf, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "INSERT INTO t (id, ver, payload) VALUES (?1, 0, ?2)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "insert", err);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, buf, (int)payload_make(id, 0, buf), SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "insert", err);
}

/* Some row verified in an earlier cycle (id < base), found from a random
 * starting point; *id = 0 if there is none. */
static int pick_old(store *s, int64_t base, uint64_t *rng, int64_t *id, int64_t *ver,
                    cc_err *err)
{
    sqlite3_stmt *st;
    *id = 0;
    if (base <= 1)
        return CC_OK;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT id, ver FROM t WHERE id >= ?1 AND id < ?2 "
                                "ORDER BY id LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "pick", err);
    sqlite3_bind_int64(st, 1, 1 + (int64_t)(rng_next(rng) % (uint64_t)(base - 1)));
    sqlite3_bind_int64(st, 2, base);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *ver = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? CC_OK
                                                 : store_fail(s, rc, "pick", err);
}

/* Rewrite an older row with its next version (a new size moves its pages). */
static int update_old(store *s, int64_t base, uint64_t *rng, char *buf, cc_err *err)
{
    sqlite3_stmt *st;
    int64_t id, ver;
    int rc = pick_old(s, base, rng, &id, &ver, err);
    if (rc != CC_OK || id == 0)
        return rc;
    rc = sqlite3_prepare_v2(store_db(s),
                            "UPDATE t SET ver = ?2, payload = ?3 WHERE id = ?1", -1,
                            &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "update", err);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ver + 1);
    sqlite3_bind_text(st, 3, buf, (int)payload_make(id, ver + 1, buf), SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "update", err);
}

static int delete_row(store *s, int64_t id, cc_err *err)
{
    sqlite3_stmt *st;
    int rc =
        sqlite3_prepare_v2(store_db(s), "DELETE FROM t WHERE id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "delete", err);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "delete", err);
}

static int count_rows(store *s, int64_t *n, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM t", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "count", err);
    rc = sqlite3_step(st);
    *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? CC_OK : store_fail(s, rc, "count", err);
}

/* Delete one or two older rows when the table is over KEEP_ROWS (now and
 * then regardless), so pages go to the freelist and the file stays small. */
static int prune_old(store *s, int64_t base, uint64_t *rng, cc_err *err)
{
    int64_t n = 0, id, ver;
    if (count_rows(s, &n, err) != CC_OK)
        return err->code;
    int drop = n > KEEP_ROWS ? 1 + (int)(rng_next(rng) % 2) : rng_next(rng) % 10 == 0;
    for (int i = 0; i < drop; i++) {
        if (pick_old(s, base, rng, &id, &ver, err) != CC_OK)
            return err->code;
        if (id && delete_row(s, id, err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

/* One write transaction: insert row id, maybe rewrite and prune older rows,
 * and audit it, naming the row. */
static int child_txn(store *s, int64_t id, int64_t base, uint64_t *rng, char *buf,
                     cc_err *err)
{
    char object[32];
    if (store_begin(s, err) != CC_OK)
        return err->code;
    snprintf(object, sizeof object, "t:%lld", (long long)id);
    int rc = insert_row(s, id, buf, err);
    if (rc == CC_OK && rng_next(rng) % 5 == 0)
        rc = update_old(s, base, rng, buf, err);
    if (rc == CC_OK)
        rc = prune_old(s, base, rng, err);
    if (rc == CC_OK)
        rc = audit_append(s, 0, "crash.write", object, "crash test", err);
    if (rc != CC_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

static void report(int fd, int64_t v)
{
    if (write(fd, &v, sizeof v) != (ssize_t)sizeof v)
        child_die(CHILD_PIPE, "report", strerror(errno));
}

/* Checkpoint the whole WAL into the database and truncate it. Alone on the
 * database, nothing may stay behind. */
static void child_checkpoint(store *s, int fd)
{
    sqlite3_stmt *st;
    report(fd, MARK_CKPT_IN);
    int rc = sqlite3_prepare_v2(store_db(s), "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st,
                                NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW &&
        sqlite3_column_int(st, 0) != 0)
        rc = SQLITE_BUSY;
    const char *msg = sqlite3_errmsg(store_db(s));
    if (rc != SQLITE_ROW)
        child_die(CHILD_CKPT, "wal_checkpoint(TRUNCATE)",
                  rc == SQLITE_BUSY ? "busy" : msg);
    sqlite3_finalize(st);
    report(fd, MARK_CKPT_OUT);
}

/* Open the store and write transactions with ids base, base + 1, ... until
 * killed, reporting each id once its commit has returned. Never returns. */
static void child_main(const char *path, int fd, int64_t base, uint64_t seed, int ckpt)
{
    store *s = NULL;
    cc_err err = {0};
    uint64_t rng = seed;
    char *buf = malloc(PAYLOAD_MAX);
    if (!buf)
        child_die(CHILD_OPEN, "malloc", "out of memory");
    if (store_open_with_key(path, tu_master, &s, &err) != CC_OK)
        child_die(CHILD_OPEN, "open", err.msg);
    /* Checkpoints: only explicit ones in the checkpoint variant; otherwise
     * at the default 1000 pages or, half the time, every 32. */
    const char *auto_ckpt = ckpt ? "PRAGMA wal_autocheckpoint = 0"
                            : rng_next(&rng) % 2 == 0
                                ? "PRAGMA wal_autocheckpoint = 32"
                                : "PRAGMA wal_autocheckpoint = 1000";
    if (store_exec(s, auto_ckpt, &err) != CC_OK)
        child_die(CHILD_OPEN, auto_ckpt, err.msg);
    for (int64_t id = base;; id++) {
        if (ckpt && rng_next(&rng) % 3 == 0)
            child_checkpoint(s, fd);
        if (child_txn(s, id, base, &rng, buf, &err) != CC_OK)
            child_die(CHILD_WRITE, "write", err.msg);
        report(fd, id);
    }
}

/* ---- the parent: kill, then check what survived -------------------------- */

static void read_reports(int fd, reports *r)
{
    size_t cap = 256, have = 0;
    uint8_t *buf = malloc(cap);
    ssize_t got;
    assert_non_null(buf);
    while ((got = read(fd, buf + have, cap - have)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        assert_true(got > 0);
        have += (size_t)got;
        if (have == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    assert_int_equal(have % sizeof(int64_t), 0); /* 8-byte pipe writes are atomic */
    memset(r, 0, sizeof *r);
    r->ids = malloc(have + sizeof(int64_t));
    assert_non_null(r->ids);
    for (size_t i = 0; i < have / sizeof(int64_t); i++) {
        int64_t v;
        memcpy(&v, buf + i * sizeof v, sizeof v);
        r->in_ckpt = v == MARK_CKPT_IN;
        if (v > 0)
            r->ids[r->n++] = v;
    }
    free(buf);
}

static void check_killed(int status)
{
    if (WIFEXITED(status))
        print_error("child exited with status %d before it was killed (see its "
                    "message above)\n",
                    WEXITSTATUS(status));
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void check_integrity(store *s)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *first = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(first, "ok") != 0)
        print_error("integrity_check: %s\n", first);
    assert_string_equal(first, "ok");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* Check the row's payload against its version. */
static void check_payload(sqlite3_stmt *st, int col, int64_t id, int64_t ver, char *buf)
{
    size_t n = payload_make(id, ver, buf);
    const unsigned char *got = sqlite3_column_text(st, col);
    assert_non_null(got);
    assert_int_equal(sqlite3_column_bytes(st, col), n);
    assert_memory_equal(got, buf, n);
}

/* Every reported id is the next in sequence, present, and whole. */
static void check_reported(store *s, int64_t base, const reports *r, char *buf)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT ver, payload FROM t WHERE id = ?1", -1,
                                        &st, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < r->n; i++) {
        assert_int_equal(r->ids[i], base + (int64_t)i);
        sqlite3_bind_int64(st, 1, r->ids[i]);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            print_error("reported commit of row %lld is missing\n",
                        (long long)r->ids[i]);
        assert_int_equal(rc, SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 0);
        check_payload(st, 1, r->ids[i], 0, buf);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* The rows this cycle added: the reported ones and at most one more (a
 * commit the kill came between), with no gaps. Returns how many. */
static int64_t check_new_rows(store *s, int64_t base, size_t reported)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT count(*), coalesce(max(id), ?1 - 1) "
                                        "FROM t WHERE id >= ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, base);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0), max = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    assert_in_range(n, reported, reported + 1);
    assert_int_equal(max, base + n - 1);
    return n;
}

/* Every row, old or new, carries exactly the payload of its version. */
static void check_all_rows(store *s, char *buf)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT id, ver, payload FROM t",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        check_payload(st, 2, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                      buf);
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
}

/* The chain verifies, grew by exactly the committed transactions, and each
 * new entry names a row this cycle added. */
static void check_audit(store *s, int64_t expect_entries, int64_t prev_entries,
                        int64_t base)
{
    audit_result res;
    cc_err err = {0};
    sqlite3_stmt *st;
    int rc = audit_verify(s, NULL, &res, NULL, NULL, &err);
    if (rc != CC_OK || res.first_bad != 0)
        print_error("audit_verify: %s (entry %lld: %s)\n", err.msg,
                    (long long)res.first_bad, res.why);
    assert_int_equal(rc, CC_OK);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, expect_entries);
    assert_int_equal(res.head.seq, expect_entries);
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT count(*) FROM audit WHERE seq > ?1 AND "
                                        "object NOT IN (SELECT 't:' || id FROM t "
                                        "WHERE id >= ?2)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, prev_entries);
    sqlite3_bind_int64(st, 2, base);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 0);
    sqlite3_finalize(st);
}

/* Reopen after a kill and check everything; keep_wal leaves the WAL for the
 * next child to recover instead of checkpointing it on close. */
static void verify_cycle(crash_ctx *c, const reports *r, int keep_wal)
{
    char *buf = malloc(PAYLOAD_MAX);
    assert_non_null(buf);
    store *s = tu_open(c->path);
    check_integrity(s);
    check_reported(s, c->next_id, r, buf);
    int64_t done = check_new_rows(s, c->next_id, r->n);
    check_all_rows(s, buf);
    check_audit(s, c->audit_entries + done, c->audit_entries, c->next_id);
    if (keep_wal)
        sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    store_close(s);
    free(buf);
    c->verified += (long long)r->n;
    total_cycles++;
    total_verified += (long long)r->n;
    c->unreported += done > (int64_t)r->n;
    c->next_id += done;
    c->audit_entries += done;
}

static void run_cycle(crash_ctx *c, int ckpt)
{
    int fds[2], status;
    reports r;
    c->child_seed = rng_next(&c->rng);
    c->delay = (long)(rng_next(&c->rng) % (MAX_DELAY_US + 1));
    int keep_wal = ckpt || rng_next(&c->rng) % 2 == 0;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child_main(c->path, fds[1], c->next_id, c->child_seed, ckpt);
    }
    close(fds[1]);
    sleep_us(c->delay);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    read_reports(fds[0], &r);
    close(fds[0]);
    check_killed(status);
    c->in_ckpt += r.in_ckpt;
    verify_cycle(c, &r, keep_wal);
    free(r.ids);
}

/* ---- the big-transaction variant ------------------------------------------ */

/* Row id's padding at generation gen. */
static void big_pad(int64_t id, int64_t gen, char pad[BIG_PAD])
{
    for (int i = 0; i < BIG_PAD; i++)
        pad[i] = (char)('a' + (id * 7 + gen * 13 + i) % 26);
}

/* Set every row to generation gen in a scattered order (stride is prime and
 * does not divide BIG_ROWS, so each row is visited once), audit, commit. */
static int big_txn(store *s, sqlite3_stmt *st, int64_t gen, long stride, int fd,
                   cc_err *err)
{
    char pad[BIG_PAD];
    if (store_begin(s, err) != CC_OK)
        return err->code;
    for (long i = 0; i < BIG_ROWS; i++) {
        int64_t id = i * stride % BIG_ROWS + 1;
        big_pad(id, gen, pad);
        sqlite3_bind_int64(st, 1, gen);
        sqlite3_bind_text(st, 2, pad, BIG_PAD, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, id);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            store_rollback(s);
            return store_fail(s, rc, "big update", err);
        }
    }
    if (audit_append(s, 0, "crash.big", "big", "crash test", err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    report(fd, MARK_COMMIT);
    return store_commit(s, err);
}

/* Open the store with a 256 KiB cache and commit generations gen, gen + 1,
 * ... until killed, reporting each once its commit has returned. */
static void child_big_main(const char *path, int fd, int64_t gen, uint64_t seed)
{
    static const long strides[] = {7919, 104729, 1299709, 15485863};
    store *s = NULL;
    sqlite3_stmt *st;
    cc_err err = {0};
    uint64_t rng = seed;
    if (store_open_with_key(path, tu_master, &s, &err) != CC_OK)
        child_die(CHILD_OPEN, "open", err.msg);
    const char *auto_ckpt = rng_next(&rng) % 2 ? "PRAGMA wal_autocheckpoint = 1000"
                                               : "PRAGMA wal_autocheckpoint = 0";
    if (store_exec(s, "PRAGMA cache_size = -256", &err) != CC_OK ||
        store_exec(s, auto_ckpt, &err) != CC_OK)
        child_die(CHILD_OPEN, "settings", err.msg);
    if (sqlite3_prepare_v2(store_db(s),
                           "UPDATE big SET gen = ?1, pad = ?2 WHERE id = ?3", -1, &st,
                           NULL) != SQLITE_OK)
        child_die(CHILD_OPEN, "prepare", sqlite3_errmsg(store_db(s)));
    for (;; gen++) {
        long stride = strides[rng_next(&rng) % 4];
        if (big_txn(s, st, gen, stride, fd, &err) != CC_OK)
            child_die(CHILD_WRITE, "big transaction", err.msg);
        report(fd, gen);
    }
}

/* Read 8-byte reports from fd into r until MARK_COMMIT (if until_commit) or
 * the end. Returns 1 if MARK_COMMIT was read. */
static int read_big_reports(int fd, reports *r, size_t *cap, int until_commit)
{
    int64_t v;
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, (uint8_t *)&v + have, sizeof v - have);
        if (got < 0 && errno == EINTR)
            continue;
        assert_true(got >= 0);
        if (got == 0) {
            assert_int_equal(have, 0); /* 8-byte pipe writes are atomic */
            return 0;
        }
        if ((have += (size_t)got) < sizeof v)
            continue;
        have = 0;
        if (v == MARK_COMMIT && until_commit)
            return 1;
        if (v > 0) {
            if (r->n == *cap)
                assert_non_null(r->ids = realloc(r->ids, (*cap *= 2) * sizeof *r->ids));
            r->ids[r->n++] = v;
        }
    }
}

/* Every row is at generation gen, with that generation's padding. */
static void check_big_rows(store *s, int64_t gen)
{
    sqlite3_stmt *st;
    char pad[BIG_PAD];
    int64_t n = 0;
    int rc;
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT id, gen, pad FROM big ORDER BY id", -1,
                                        &st, NULL),
                     SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        assert_int_equal(id, ++n);
        if (sqlite3_column_int64(st, 1) != gen)
            print_error("row %lld is at generation %lld, not %lld: a transaction is "
                        "there in part\n",
                        (long long)id, (long long)sqlite3_column_int64(st, 1),
                        (long long)gen);
        assert_int_equal(sqlite3_column_int64(st, 1), gen);
        big_pad(id, gen, pad);
        assert_int_equal(sqlite3_column_bytes(st, 2), BIG_PAD);
        assert_memory_equal(sqlite3_column_text(st, 2), pad, BIG_PAD);
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(n, BIG_ROWS);
}

/* check authenticates every page and WAL frame: no crash looks like
 * tampering, and nothing is sealed under the wrong salt. */
static void check_store_clean(store *s)
{
    store_check_result res;
    cc_err err = {0};
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    if (res.bad_pages != 0)
        print_error("check: %lld bad pages or frames, first: %s\n",
                    (long long)res.bad_pages, res.first_bad);
    assert_int_equal(res.bad_pages, 0);
    assert_string_equal(res.integrity, "ok");
}

/* After a kill: the last reported generation, or the one after it (a commit
 * the kill came between), is in every row; nothing in between. */
static void verify_big_cycle(crash_ctx *c, const reports *r, int keep_wal)
{
    audit_result ares;
    cc_err err = {0};
    for (size_t i = 0; i < r->n; i++)
        assert_int_equal(r->ids[i], c->gen + 1 + (int64_t)i);
    store *s = tu_open(c->path);
    check_integrity(s);
    int64_t gen = tu_int(s, "SELECT max(gen) FROM big"),
            reported = c->gen + (int64_t)r->n;
    assert_in_range(gen, reported, reported + 1);
    check_big_rows(s, gen);
    check_store_clean(s);
    assert_int_equal(audit_verify(s, NULL, &ares, NULL, NULL, &err), CC_OK);
    assert_int_equal(ares.first_bad, 0);
    assert_int_equal(ares.entries, c->audit_entries + (gen - c->gen));
    if (keep_wal)
        sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    store_close(s);
    c->verified += (long long)r->n;
    c->unreported += gen > reported;
    total_cycles++;
    total_verified += (long long)r->n;
    c->audit_entries += gen - c->gen;
    c->gen = gen;
}

static void run_big_cycle(crash_ctx *c)
{
    int fds[2], status;
    size_t cap = 16;
    reports r = {0};
    c->child_seed = rng_next(&c->rng);
    int at_commit = rng_next(&c->rng) % 2 == 0, keep_wal = rng_next(&c->rng) % 2 == 0;
    c->delay =
        (long)(rng_next(&c->rng) %
               (uint64_t)((at_commit ? BIG_COMMIT_DELAY_US : BIG_MAX_DELAY_US) + 1));
    assert_non_null(r.ids = malloc(cap * sizeof *r.ids));
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child_big_main(c->path, fds[1], c->gen + 1, c->child_seed);
    }
    close(fds[1]);
    if (at_commit)
        c->in_commit += read_big_reports(fds[0], &r, &cap, 1);
    sleep_us(c->delay);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    read_big_reports(fds[0], &r, &cap, 0);
    close(fds[0]);
    check_killed(status);
    verify_big_cycle(c, &r, keep_wal);
    free(r.ids);
}

/* ---- fixtures ------------------------------------------------------------ */

static int env_cycles(void)
{
    const char *v = getenv("CRASH_CYCLES");
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 && n <= 10000000 ? (int)n : DEFAULT_CYCLES;
}

/* A fresh store in a fresh directory, with the table the children fill. */
static void make_store(crash_ctx *c)
{
    cc_err err = {0};
    c->dir = tu_tmpdir();
    c->path = tu_path(c->dir, "crash.db");
    c->next_id = 1;
    store *s = tu_create(c->path);
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, ver INTEGER NOT NULL, "
               "payload TEXT NOT NULL) STRICT");
    assert_int_equal(audit_append(s, 0, "crash.setup", "t", NULL, &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
    c->audit_entries = tu_int(s, "SELECT count(*) FROM audit");
    store_close(s);
}

/* A fresh store whose table big has BIG_ROWS rows at generation 0. */
static void make_big_store(crash_ctx *c)
{
    cc_err err = {0};
    char pad[BIG_PAD];
    sqlite3_stmt *st;
    c->dir = tu_tmpdir();
    c->path = tu_path(c->dir, "big.db");
    c->gen = 0;
    store *s = tu_create(c->path);
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE big (id INTEGER PRIMARY KEY, gen INTEGER NOT NULL, "
               "pad TEXT NOT NULL) STRICT");
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s),
                           "INSERT INTO big (id, gen, pad) VALUES (?1, 0, ?2)", -1, &st,
                           NULL),
        SQLITE_OK);
    for (int64_t id = 1; id <= BIG_ROWS; id++) {
        big_pad(id, 0, pad);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, pad, BIG_PAD, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    assert_int_equal(audit_append(s, 0, "crash.setup", "big", NULL, &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
    c->audit_entries = tu_int(s, "SELECT count(*) FROM audit");
    store_close(s);
}

static void drop_store(crash_ctx *c)
{
    tu_rmrf(c->dir);
    free(c->path);
    free(c->dir);
}

static int setup_store(void **state)
{
    crash_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->cycles = env_cycles();
    make_store(c);
    *state = c;
    return 0;
}

static int setup_big_store(void **state)
{
    crash_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->cycles = env_cycles() / 10;
    if (c->cycles < BIG_MIN_CYCLES)
        c->cycles = BIG_MIN_CYCLES;
    make_big_store(c);
    *state = c;
    return 0;
}

static int teardown_store(void **state)
{
    crash_ctx *c = *state;
    if (!c->passed) {
        printf("# failed in cycle %d (kill after %ld us, child seed %llu); kept %s "
               "for inspection\n",
               c->cycle + 1, c->delay, (unsigned long long)c->child_seed, c->dir);
        c->dir[0] = '\0'; /* tu_rmrf leaves it alone */
    }
    drop_store(c);
    free(c);
    return 0;
}

/* Run the cycles of one variant and summarize them in a TAP comment. */
static void run_variant(crash_ctx *c, int ckpt, uint64_t stream, const char *name)
{
    double t0 = now_s();
    c->rng = run_seed ^ stream;
    for (c->cycle = 0; c->cycle < c->cycles; c->cycle++) {
        if (c->cycle > 0 && c->cycle % CYCLES_PER_STORE == 0) {
            drop_store(c);
            make_store(c);
        }
        run_cycle(c, ckpt);
    }
    printf("# %s: %d kills, %lld reported commits verified, %lld more committed but "
           "unreported",
           name, c->cycles, c->verified, c->unreported);
    if (ckpt)
        printf(", %lld kills inside wal_checkpoint(TRUNCATE)", c->in_ckpt);
    printf(", %.1f s\n", now_s() - t0);
}

/* ---- tests --------------------------------------------------------------- */

static void test_kill_during_writes(void **state)
{
    crash_ctx *c = *state;
    run_variant(c, 0, 0x5752495445ULL, "writes");
    assert_true(c->verified > 0); /* the children got to commit something */
    if (c->cycles >= MIN_CYCLES_FOR_STATS)
        assert_true(c->unreported > 0); /* and were killed right after a commit */
    c->passed = 1;
}

static void test_kill_during_checkpoints(void **state)
{
    crash_ctx *c = *state;
    run_variant(c, 1, 0x434b5054ULL, "checkpoints");
    assert_true(c->verified > 0);
    if (c->cycles >= MIN_CYCLES_FOR_STATS)
        assert_true(c->in_ckpt > 0); /* some kills did land inside a checkpoint */
    c->passed = 1;
}

/* Kills while transactions larger than the cache spill, rewrite frames and
 * commit: every kill leaves the last committed generation whole, and check
 * clean. */
static void test_kill_during_big_transactions(void **state)
{
    crash_ctx *c = *state;
    double t0 = now_s();
    c->rng = run_seed ^ 0x424947ULL;
    for (c->cycle = 0; c->cycle < c->cycles; c->cycle++)
        run_big_cycle(c);
    printf("# big transactions: %d kills, %lld reported commits verified, %lld more "
           "committed but unreported, %lld kills inside a COMMIT, %.1f s\n",
           c->cycles, c->verified, c->unreported, c->in_commit, now_s() - t0);
    assert_true(c->verified > 0);
    assert_true(c->in_commit > 0);
    c->passed = 1;
}

static uint64_t env_seed(void)
{
    const char *v = getenv("CRASH_SEED");
    if (v && *v)
        return strtoull(v, NULL, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kill_during_writes, setup_store,
                                        teardown_store),
        cmocka_unit_test_setup_teardown(test_kill_during_checkpoints, setup_store,
                                        teardown_store),
        cmocka_unit_test_setup_teardown(test_kill_during_big_transactions,
                                        setup_big_store, teardown_store),
    };
    run_seed = env_seed();
    printf("# crash seed %llu (replay with CRASH_SEED=%llu), %d cycles per variant\n",
           (unsigned long long)run_seed, (unsigned long long)run_seed, env_cycles());
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("# crash total: %lld cycles, %lld committed transactions verified\n",
           total_cycles, total_verified);
    return failed;
}
