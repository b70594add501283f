/*
 * test_store.c — opening the store with key slots: wrong and empty
 * passphrases change nothing, slots are added, changed and removed, a rekey
 * leaves the old master key useless, an interrupted rekey always opens under
 * exactly one key, and a database newer than the program is refused. The
 * check skips the one page SQLite never writes (the lock-byte page); a long
 * mode (CARECOORD_LONG_TESTS=1) grows a store past 1 GiB and checks it. The
 * store opens with its page cache (CARECOORD_CACHE_KIB for measurements),
 * has the indexes the core's lookups need, and refreshes planner statistics
 * at close without ever waiting for a busy database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/staff.h"
#include "store/audit.h"
#include "store/keyfile.h"
#include "store/maint.h"
#include "testutil.h"
#include "util/hooks.h"

#define ADMIN_PASS "correct horse battery"
#define NURSE_PASS "staple of the day 42"

typedef struct fixture {
    char *dir, *db, *keys;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "s.db");
    f->keys = tu_path(f->dir, "s.db.keys");
    store_set_pwhash_cost(1); /* 64 MiB, one pass: quick enough for tests */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f->keys), free(f);
    return 0;
}

static store *create_admin(const fixture *f)
{
    store *s;
    cc_err err = {0};
    assert_int_equal(store_create(f->db, "admin1", ADMIN_PASS, &s, &err), CC_OK);
    assert_int_equal(staff_add(s, 0, "admin1", "admin", "First Admin", NULL, 0, &err),
                     CC_OK);
    tu_exec(s, "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)");
    tu_exec(s, "INSERT INTO note (body) VALUES ('kept across rekeys')");
    return s;
}

static int open_as(const fixture *f, const char *login, const char *pass, cc_err *err)
{
    store *s;
    int rc = store_open(f->db, login, pass, &s, err);
    if (rc == CC_OK) {
        assert_int_equal(tu_int(s, "SELECT count(*) FROM note"), 1);
        store_close(s);
    }
    return rc;
}

/* A listing of every file in dir with its bytes, to compare before/after. */
static char *snapshot(const char *dir)
{
    size_t cap = 1 << 20, len = 0;
    char *out = calloc(1, cap);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char *p = tu_path(dir, names[i]->d_name);
        size_t sz = 0;
        uint8_t *buf = names[i]->d_name[0] == '.' ? NULL : tu_read(p, &sz);
        char hash[crypto_generichash_BYTES * 2 + 1] = "";
        if (buf) {
            uint8_t h[crypto_generichash_BYTES];
            crypto_generichash(h, sizeof h, buf, sz, NULL, 0);
            sodium_bin2hex(hash, sizeof hash, h, sizeof h);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s %zu %s\n", names[i]->d_name,
                                sz, hash);
        free(buf), free(p), free(names[i]);
    }
    free(names);
    return out;
}

static void test_wrong_and_empty_passphrase(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store_close(create_admin(f));
    char *before = snapshot(f->dir);
    assert_int_equal(open_as(f, "admin1", "not the passphrase", &err), CC_EREFUSED);
    assert_string_equal(err.msg, "wrong passphrase for admin1");
    assert_int_equal(open_as(f, "admin1", "", &err), CC_EREFUSED);
    assert_string_equal(err.msg, "wrong passphrase for admin1");
    assert_int_equal(open_as(f, "nobody", ADMIN_PASS, &err), CC_EREFUSED);
    assert_string_equal(err.msg, "no key slot for nobody");
    char *after = snapshot(f->dir);
    assert_string_equal(before, after);
    free(before), free(after);
    assert_int_equal(open_as(f, "admin1", ADMIN_PASS, &err), CC_OK);
}

static void test_slots_add_change_disable(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = create_admin(f);
    assert_int_equal(staff_add(s, 1, "nurse1", "nurse", "", NURSE_PASS, 1, &err),
                     CC_OK);
    store_close(s);
    assert_int_equal(open_as(f, "nurse1", NURSE_PASS, &err), CC_OK);

    staff me;
    assert_int_equal(store_open(f->db, "nurse1", NURSE_PASS, &s, &err), CC_OK);
    assert_int_equal(staff_login(s, "nurse1", "test", &me, &err), CC_OK);
    assert_true(me.must_change);
    assert_int_equal(staff_passwd(s, &me, NURSE_PASS, "short", &err), CC_EINPUT);
    assert_int_equal(staff_passwd(s, &me, NURSE_PASS, "a much better one", &err),
                     CC_OK);
    store_close(s);
    assert_int_equal(open_as(f, "nurse1", NURSE_PASS, &err), CC_EREFUSED);
    assert_int_equal(open_as(f, "nurse1", "a much better one", &err), CC_OK);

    assert_int_equal(store_open(f->db, "admin1", ADMIN_PASS, &s, &err), CC_OK);
    assert_int_equal(staff_disable(s, 1, "nurse1", &err), CC_OK);
    assert_int_equal(staff_find(s, "nurse1", &me, &err), CC_OK);
    assert_false(me.active);
    assert_false(me.has_slot);
    assert_true(
        tu_int(s, "SELECT count(*) FROM audit WHERE action = 'keyslot.remove'") == 1);
    store_close(s);
    assert_int_equal(open_as(f, "nurse1", "a much better one", &err), CC_EREFUSED);
    assert_string_equal(err.msg, "no key slot for nurse1");
}

/* Someone who can write the key file and knows the master key (any staff
 * member) replaces the admin's slot with one of their own: the key file now
 * unlocks "admin1" with the nurse's passphrase, but the login is refused. */
static void test_forged_slot_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = create_admin(f);
    staff me;
    assert_int_equal(staff_add(s, 1, "nurse1", "nurse", "", NURSE_PASS, 0, &err),
                     CC_OK);
    store_close(s);
    keyfile *kf;
    uint8_t *master = sodium_malloc(32);
    assert_int_equal(keyfile_load(f->keys, &kf, &err), CC_OK);
    assert_int_equal(keyfile_unlock(kf, "nurse1", NURSE_PASS, master, &err), CC_OK);
    const uint8_t *masters[1] = {master};
    assert_int_equal(keyfile_add_slot(kf, "admin1", NURSE_PASS, masters, 1, 0, &err),
                     CC_OK);
    assert_int_equal(keyfile_save(kf, f->keys, &err), CC_OK);
    keyfile_free(kf);
    sodium_free(master);
    assert_int_equal(store_open(f->db, "admin1", NURSE_PASS, &s, &err), CC_OK);
    assert_int_equal(staff_login(s, "admin1", "test", &me, &err), CC_EREFUSED);
    assert_non_null(strstr(err.msg, "does not match"));
    store_close(s);
    assert_int_equal(store_open(f->db, "nurse1", NURSE_PASS, &s, &err), CC_OK);
    assert_int_equal(staff_login(s, "nurse1", "test", &me, &err), CC_OK);
    assert_int_equal(staff_login(s, "admin1", "test", &me, &err), CC_EREFUSED);
    store_close(s);
}

/* After a rekey the old master key decrypts no page of the database. */
static void test_rekey(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = create_admin(f);
    assert_int_equal(staff_add(s, 1, "nurse1", "nurse", "", NURSE_PASS, 0, &err),
                     CC_OK);
    size_t n_before;
    uint8_t *old_file = tu_read(f->db, &n_before);
    store_close(s);

    keyfile *kf;
    uint8_t *old_master = sodium_malloc(32), *new_master = sodium_malloc(32);
    assert_int_equal(keyfile_load(f->keys, &kf, &err), CC_OK);
    assert_int_equal(keyfile_unlock(kf, "admin1", ADMIN_PASS, old_master, &err), CC_OK);
    keyfile_free(kf);

    assert_int_equal(store_open(f->db, "admin1", ADMIN_PASS, &s, &err), CC_OK);
    assert_int_equal(store_rekey(s, &err), CC_OK);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM note"), 1);
    store_close(s);

    assert_int_equal(keyfile_load(f->keys, &kf, &err), CC_OK);
    assert_int_equal(keyfile_gen_count(kf), 1);
    assert_int_equal(keyfile_unlock(kf, "nurse1", NURSE_PASS, new_master, &err), CC_OK);
    keyfile_free(kf);
    assert_memory_not_equal(old_master, new_master, 32);
    assert_int_equal(open_as(f, "nurse1", NURSE_PASS, &err), CC_OK); /* resealed */
    assert_int_equal(store_open_with_key(f->db, old_master, &s, &err), CC_EDATA);
    store_check_result res;
    assert_int_equal(store_open_with_key(f->db, new_master, &s, &err), CC_OK);
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    assert_int_equal(res.bad_pages, 0);
    assert_true(res.pages >= 4);
    store_close(s);
    free(old_file);
    sodium_free(old_master), sodium_free(new_master);
}

static void test_rekey_needs_database_alone(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = create_admin(f), *other;
    assert_int_equal(store_open(f->db, "admin1", ADMIN_PASS, &other, &err), CC_OK);
    assert_int_equal(store_rekey(s, &err), CC_EBUSY);
    assert_non_null(strstr(err.msg, "others have the database open"));
    store_close(other);
    store_close(s);
}

/* Kill a rekey after each step: the database opens with the passphrase,
 * under exactly one of the two keys, and the leftovers are cleaned up. */
static void test_interrupted_rekey(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store_close(create_admin(f));
    for (int step = 1; step <= 4; step++) {
        pid_t pid = fork();
        if (pid == 0) {
            store *s;
            if (store_open(f->db, "admin1", ADMIN_PASS, &s, &err) != CC_OK)
                _exit(3);
            store_rekey_crash_after(step);
            store_rekey(s, &err);
            _exit(4); /* not reached */
        }
        int status;
        waitpid(pid, &status, 0);
        assert_int_equal(WEXITSTATUS(status), 77);
        keyfile *kf;
        assert_int_equal(keyfile_load(f->keys, &kf, &err), CC_OK);
        assert_int_equal(keyfile_gen_count(kf), step == 1 || step == 4 ? 1 : 2);
        keyfile_free(kf);
        assert_int_equal(open_as(f, "admin1", ADMIN_PASS, &err), CC_OK);
        assert_int_equal(keyfile_load(f->keys, &kf, &err), CC_OK);
        assert_int_equal(keyfile_gen_count(kf), 1); /* resolved on open */
        keyfile_free(kf);
        char *leftover = tu_path(f->dir, "s.db.rekey");
        assert_true(tu_size(leftover) < 0);
        free(leftover);
    }
}

static void test_newer_schema_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = tu_create(f->db);
    tu_exec(s, "PRAGMA user_version = 999");
    store_close(s);
    assert_int_equal(store_open_with_key(f->db, tu_master, &s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "newer than this program"));
}

static void test_migrations_audited_once(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    long long n =
        tu_int(s, "SELECT count(*) FROM audit WHERE action = 'schema.migrate'");
    assert_true(n >= 1);
    store_close(s);
    s = tu_open(f->db);
    assert_int_equal(
        tu_int(s, "SELECT count(*) FROM audit WHERE action = 'schema.migrate'"), n);
    assert_int_equal(tu_int(s, "PRAGMA journal_mode = WAL") >= 0, 1);
    store_close(s);
}

static void test_settings(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(tu_int(s, "PRAGMA synchronous"), 2);
    assert_int_equal(tu_int(s, "PRAGMA foreign_keys"), 1);
    assert_int_equal(tu_int(s, "PRAGMA trusted_schema"), 0);
    assert_int_equal(tu_int(s, "PRAGMA secure_delete"), 1);
    assert_int_equal(tu_int(s, "PRAGMA temp_store"), 2);
    assert_int_equal(tu_int(s, "PRAGMA cache_size"), -STORE_CACHE_KIB);
    int on = -1;
    sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
    assert_int_equal(on, 1);
    /* no ATTACH outside the store's own copies */
    assert_int_not_equal(
        sqlite3_exec(store_db(s), "ATTACH ':memory:' AS m", NULL, NULL, NULL),
        SQLITE_OK);
    store_close(s);
}

static void test_create_refuses_existing_and_open_missing(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s;
    store_close(tu_create(f->db));
    assert_int_equal(store_create_with_key(f->db, tu_master, &s, &err), CC_EUSAGE);
    assert_non_null(strstr(err.msg, "refusing to overwrite"));
    char *missing = tu_path(f->dir, "missing.db");
    assert_int_equal(store_open_with_key(missing, tu_master, &s, &err), CC_EUSAGE);
    assert_non_null(strstr(err.msg, "no database"));
    free(missing);
}

static void test_backup_opens_with_same_slots(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = create_admin(f);
    char *bak = tu_path(f->dir, "b.db");
    assert_int_equal(store_backup(s, bak, &err), CC_OK);
    assert_int_equal(store_backup(s, bak, &err), CC_EUSAGE);
    store_close(s);
    store *b;
    assert_int_equal(store_open(bak, "admin1", ADMIN_PASS, &b, &err), CC_OK);
    assert_int_equal(tu_int(b, "SELECT count(*) FROM note"), 1);
    audit_result res;
    assert_int_equal(audit_verify(b, NULL, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    store_close(b);
    free(bak);
}

/* In a test build CARECOORD_CACHE_KIB sets the cache within 256..1048576
 * KiB; anything else leaves the default. A production build ignores it. */
static void test_cache_size_override(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"", "100", "255", "2000000", "64k", "-512"};
    setenv("CARECOORD_CACHE_KIB", "512", 1);
    store *s = tu_create(f->db);
    if (!hooks_compiled_in()) {
        assert_int_equal(tu_int(s, "PRAGMA cache_size"), -STORE_CACHE_KIB);
        store_close(s);
        unsetenv("CARECOORD_CACHE_KIB");
        return;
    }
    assert_int_equal(tu_int(s, "PRAGMA cache_size"), -512);
    store_close(s);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("CARECOORD_CACHE_KIB", bad[i], 1);
        assert_int_equal(store_cache_kib(), STORE_CACHE_KIB);
    }
    setenv("CARECOORD_CACHE_KIB", "1048576", 1);
    assert_int_equal(store_cache_kib(), 1048576);
    unsetenv("CARECOORD_CACHE_KIB");
    s = tu_open(f->db);
    assert_int_equal(tu_int(s, "PRAGMA cache_size"), -STORE_CACHE_KIB);
    store_close(s);
}

/* After a sweep of the whole store the page cache gives its pages back
 * (store_release_memory, run after the daily sweep). */
static void test_release_memory(void **state)
{
    fixture *f = *state;
    int used, hi;
    store *s = tu_create(f->db);
    tu_exec(s, "CREATE TABLE big(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
               "SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO big SELECT "
               "randomblob(900) FROM n");
    assert_true(tu_int(s, "SELECT count(*) FROM big WHERE length(x) = 900") == 4000);
    sqlite3_db_status(store_db(s), SQLITE_DBSTATUS_CACHE_USED, &used, &hi, 0);
    assert_true(used > 2 * 1024 * 1024); /* a thousand pages cached */
    store_release_memory(s);
    int after;
    sqlite3_db_status(store_db(s), SQLITE_DBSTATUS_CACHE_USED, &after, &hi, 0);
    assert_true(after < used / 4);
    assert_true(tu_int(s, "SELECT count(*) FROM big") == 4000); /* still readable */
    store_close(s);
}

/* The query plan of sql, its steps joined by " | ". */
static void plan_of(store *s, const char *sql, char *out, size_t outsz)
{
    sqlite3_stmt *st;
    char q[1024];
    size_t len = 0;
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(store_db(s), q, -1, &st, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && len < outsz)
        len += (size_t)snprintf(out + len, outsz - len, "%s | ",
                                (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
}

/* The lookups that scanned whole tables now search an index (0005). */
static void test_lookup_indexes(void **state)
{
    fixture *f = *state;
    static const char *const cases[][2] = {
        {"UPDATE task SET cancelled_at = ?1 WHERE episode_id = ?2 AND completed_at IS "
         "NULL AND cancelled_at IS NULL",
         "task_episode"},
        {"SELECT client_id FROM client_identifier WHERE value = ?1",
         "client_identifier_value"},
        {"SELECT team_id FROM team_member WHERE staff_id = ?1", "team_member_staff"},
        {"SELECT team_id FROM team_cover WHERE staff_id = ?1", "team_cover_staff"},
        {"SELECT id FROM handoff WHERE client_id = ?1 ORDER BY proposed_at DESC",
         "handoff_client"},
        {"SELECT 1 FROM handoff WHERE state = 'proposed' AND expires_at <= ?1 LIMIT 1",
         "handoff_due"},
    };
    char plan[1024];
    store *s = tu_create(f->db);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        plan_of(s, cases[i][0], plan, sizeof plan);
        if (!strstr(plan, cases[i][1]) || strstr(plan, "SCAN"))
            fail_msg("%s: plan '%s' does not search %s", cases[i][0], plan,
                     cases[i][1]);
    }
    store_close(s);
}

/* A table with an index the planner has no statistics for, queried through
 * it: PRAGMA optimize at close wants to ANALYZE it. */
static store *store_with_unanalyzed_query(const char *db)
{
    store *s = tu_create(db);
    tu_exec(s, "CREATE TABLE n (id INTEGER PRIMARY KEY, k INTEGER NOT NULL);"
               "CREATE INDEX n_k ON n (k);"
               "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE "
               "i < 5000) INSERT INTO n SELECT i, i % 97 FROM r");
    assert_int_equal(tu_int(s, "SELECT count(*) FROM n WHERE k = 5"), 52);
    return s;
}

static long long stats_for_n(const char *db)
{
    store *s = tu_open(db);
    long long n = tu_int(s, "SELECT count(*) FROM sqlite_master WHERE name = "
                            "'sqlite_stat1'")
                      ? tu_int(s, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'n'")
                      : 0;
    store_close(s);
    return n;
}

static void test_optimize_at_close(void **state)
{
    fixture *f = *state;
    store_close(store_with_unanalyzed_query(f->db));
    assert_int_equal(stats_for_n(f->db), 1); /* n_k analyzed at close */
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* While another process holds the write lock, close does not wait the 30 s
 * busy limit for it: it closes at once and leaves the statistics alone. */
static void test_close_does_not_wait_when_busy(void **state)
{
    fixture *f = *state;
    int fds[2];
    char c;
    store *s = store_with_unanalyzed_query(f->db);
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cc_err err = {0};
        store *w = tu_open(f->db);
        if (store_begin(w, &err) != CC_OK || write(fds[1], "x", 1) != 1)
            _exit(2);
        sleep(6);
        _exit(0);
    }
    assert_int_equal(read(fds[0], &c, 1), 1); /* the child holds the write lock */
    long long t0 = now_ms();
    store_close(s);
    long long took = now_ms() - t0;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fds[0]), close(fds[1]);
    if (took >= 2000)
        fail_msg("close waited %lld ms for a busy database", took);
    assert_int_equal(stats_for_n(f->db), 0);
}

/* A store that may not write (query_only, as a read-only one) closes
 * quietly, without statistics. */
static void test_close_read_only(void **state)
{
    fixture *f = *state;
    store *s = store_with_unanalyzed_query(f->db);
    tu_exec(s, "PRAGMA query_only = 1");
    store_close(s);
    assert_int_equal(stats_for_n(f->db), 0);
    s = tu_open(f->db);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM n"), 5000);
    store_close(s);
}

/* The page holding offset 2^30 (SQLite's PENDING_BYTE), at every page size
 * SQLite allows; 262145 at the store's 4096. */
static void test_lock_byte_page_rule(void **state)
{
    (void)state;
    assert_int_equal(store_lock_byte_page(4096), 262145);
    assert_int_equal(store_lock_byte_page(512), 2097153);
    assert_int_equal(store_lock_byte_page(1024), 1048577);
    assert_int_equal(store_lock_byte_page(65536), 16385);
    for (int size = 512; size <= 65536; size *= 2) {
        int64_t p = store_lock_byte_page(size);
        assert_true((p - 1) * size <= STORE_PENDING_BYTE);
        assert_true(STORE_PENDING_BYTE < p * size);
    }
}

/* Size of path and n raw bytes of it at off (no VFS). */
static long long raw_pread(const char *path, long long off, uint8_t *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseeko(fp, 0, SEEK_END), 0);
    long long size = (long long)ftello(fp);
    assert_int_equal(fseeko(fp, (off_t)off, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, n, fp), n);
    fclose(fp);
    return size;
}

/* Long mode only: a store grown past 1 GiB (17 blobs of 64 MiB, each its
 * own transaction, the WAL checkpointed away after each) checks clean: every
 * page but the lock-byte page, which SQLite leaves a hole of zeros, is
 * authenticated. */
static void test_check_past_one_gib(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    tu_exec(s, "PRAGMA cache_size = -8192");
    tu_exec(s, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
    for (int i = 0; i < 17; i++) {
        tu_exec(s, "INSERT INTO blobs (b) VALUES (zeroblob(64 * 1024 * 1024))");
        tu_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    uint8_t page[4096];
    static const uint8_t zero[4096];
    long long size = raw_pread(f->db, STORE_PENDING_BYTE, page, sizeof page);
    assert_true(size > STORE_PENDING_BYTE + 64LL * 1024 * 1024);
    assert_memory_equal(page, zero, sizeof page); /* SQLite never wrote it */
    store_check_result res;
    cc_err err = {0};
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    if (res.bad_pages)
        fail_msg("check: %lld bad, first: %s", (long long)res.bad_pages, res.first_bad);
    assert_string_equal(res.integrity, "ok");
    assert_int_equal(res.pages, size / 4096 - 1);
    assert_int_equal(tu_int(s, "SELECT sum(length(b)) FROM blobs"), 17LL << 26);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wrong_and_empty_passphrase, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_slots_add_change_disable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_slot_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rekey, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rekey_needs_database_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_rekey, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_audited_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_refuses_existing_and_open_missing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_opens_with_same_slots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cache_size_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optimize_at_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_does_not_wait_when_busy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_close_read_only, setup, teardown),
        cmocka_unit_test(test_lock_byte_page_rule),
        cmocka_unit_test_setup_teardown(test_check_past_one_gib, setup, teardown),
    };
    /* The last test is the long mode's (minutes, over 1 GiB of disk). */
    const char *on = getenv("CARECOORD_LONG_TESTS");
    size_t n = sizeof tests / sizeof *tests - (on && *on && strcmp(on, "0") ? 0 : 1);
    return _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
}
