/*
 * test_vfs.c — the encrypted VFS: no plaintext in any file SQLite writes
 * (database, WAL, rollback journal, backup, VACUUM INTO), temporary files in
 * memory, and every kind of tampering reported with file and page.
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
#include <sys/wait.h>
#include <unistd.h>

#include "store/maint.h"
#include "store/vfs.h"
#include "testutil.h"

#define MARKER "ZZ-MARKER-Quimby-Applethwaite-1931"

typedef struct fixture {
    char *dir, *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "t.db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmrf(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

/* A table with the marker in many rows and in one overflow blob. */
static void fill(store *s, int rows)
{
    sqlite3_stmt *st;
    cc_err err = {0};
    char text[200];
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)");
    assert_int_equal(sqlite3_prepare_v2(store_db(s), "INSERT INTO t (name) VALUES (?1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 0; i < rows; i++) {
        snprintf(text, sizeof text, "%s row %d", MARKER, i);
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    tu_exec(s, "INSERT INTO t (name) VALUES ('" MARKER "' || hex(zeroblob(20000)))");
    assert_int_equal(store_commit(s, &err), CC_OK);
}

static void assert_no_marker(const char *path)
{
    assert_true(tu_size(path) > 0);
    if (tu_file_contains(path, MARKER))
        fail_msg("plaintext marker found in %s", path);
}

/* Database, WAL (while open), backup and VACUUM INTO copies. */
static void test_plaintext_scan(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *wal = tu_path(f->dir, "t.db-wal"), *bak = tu_path(f->dir, "bak.db"),
         *vac = tu_path(f->dir, "vac.db");
    store *s = tu_create(f->db);
    fill(s, 2000);
    assert_no_marker(wal);
    assert_int_equal(store_backup(s, bak, &err), CC_OK);
    assert_int_equal(store_vacuum_into(s, vac, &err), CC_OK);
    tu_exec(s, "PRAGMA wal_checkpoint(FULL)");
    assert_no_marker(f->db);
    store_close(s);
    assert_no_marker(f->db);
    assert_no_marker(bak);
    assert_no_marker(vac);
    s = tu_open(bak); /* the copies open with the same key, and hold the data */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t"), 2001);
    store_close(s);
    s = tu_open(vac);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t WHERE name LIKE 'ZZ-MARKER%'"),
                     2001);
    store_close(s);
    free(wal), free(bak), free(vac);
}

/* The file does not look like SQLite, and stock SQLite cannot read it. */
static void test_stock_sqlite_cannot_read(void **state)
{
    fixture *f = *state;
    sqlite3 *db;
    size_t n;
    store_close(tu_create(f->db));
    uint8_t *head = tu_read(f->db, &n);
    assert_true(n >= 4096);
    assert_memory_not_equal(head, "SQLite format 3", 15);
    free(head);
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, "unix"),
                     SQLITE_OK);
    int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    assert_int_equal(rc, SQLITE_NOTADB);
    sqlite3_close(db);
}

/* Leave a hot rollback journal: a child deletes everything with a tiny
 * cache (pages spill to the database) and dies before committing. */
static void make_hot_journal(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store *s = tu_open(path);
        cc_err err = {0};
        tu_exec(s, "PRAGMA journal_mode = DELETE");
        tu_exec(s, "PRAGMA cache_size = 2");
        if (store_begin(s, &err) != CC_OK)
            _exit(2);
        tu_exec(s, "DELETE FROM t");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void copy_db(const char *from_dir, const char *to_dir)
{
    static const char *const names[] = {"t.db", "t.db-journal", "t.db.keys"};
    for (size_t i = 0; i < 3; i++) {
        char *a = tu_path(from_dir, names[i]), *b = tu_path(to_dir, names[i]);
        tu_copy(a, b);
        free(a), free(b);
    }
}

static void test_journal_sealed_and_recovers(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *journal = tu_path(f->dir, "t.db-journal"), *dir2 = tu_tmpdir();
    store *s = tu_create(f->db), *s2;
    fill(s, 3000);
    store_close(s);
    make_hot_journal(f->db);
    assert_true(tu_size(journal) > 4096 * 4);
    assert_no_marker(journal);
    copy_db(f->dir, dir2);

    s = tu_open(f->db); /* rolls the journal back: nothing was lost */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t"), 3001);
    store_close(s);

    char *db2 = tu_path(dir2, "t.db"), *j2 = tu_path(dir2, "t.db-journal");
    assert_int_equal(tu_flip(j2, 512 + 4 + 700), 0); /* first record's page image */
    int rc = store_open_with_key(db2, tu_master, &s2, &err);
    assert_int_equal(rc, CC_EDATA);
    assert_non_null(strstr(err.msg, "journal"));
    assert_non_null(strstr(err.msg, "damaged or tampered"));
    tu_rmrf(dir2);
    free(dir2), free(db2), free(j2), free(journal);
}

/* A child commits and dies without closing: the WAL keeps the data. */
static void make_live_wal(const char *path, int rows)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        store *s = tu_open(path);
        fill(s, rows);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_wal_recovery_and_tamper(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char *wal = tu_path(f->dir, "t.db-wal"), *dir2 = tu_tmpdir();
    store_close(tu_create(f->db));
    make_live_wal(f->db, 500);
    assert_true(tu_size(wal) > 32 + 4120 * 3);
    assert_no_marker(wal);
    char *db2 = tu_path(dir2, "t.db"), *wal2 = tu_path(dir2, "t.db-wal"),
         *keys = tu_path(f->dir, "t.db.keys"), *keys2 = tu_path(dir2, "t.db.keys");
    tu_copy(f->db, db2), tu_copy(wal, wal2), tu_copy(keys, keys2);

    store *s = tu_open(f->db); /* WAL recovery through the VFS keeps everything */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t"), 501);
    store_close(s);

    assert_int_equal(tu_flip(wal2, 32 + 24 + 1000), 0); /* frame 1's page image */
    assert_int_equal(store_open_with_key(db2, tu_master, &s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "WAL"));
    assert_non_null(strstr(err.msg, "damaged or tampered"));
    tu_rmrf(dir2);
    free(dir2), free(db2), free(wal2), free(wal), free(keys), free(keys2);
}

/* A crash can tear the last, uncommitted frame (a page write that spans two
 * kernel pages stops halfway): recovery must drop it, as SQLite would
 * without encryption, and keep every committed transaction. */
static void test_torn_tail_frame_dropped(void **state)
{
    fixture *f = *state;
    char *wal = tu_path(f->dir, "t.db-wal");
    store_close(tu_create(f->db));
    make_live_wal(f->db, 300);
    size_t n;
    uint8_t *buf = tu_read(wal, &n);
    assert_true(n >= 32 + 2 * 4120);
    /* a frame of this WAL generation, not a commit, half new bytes */
    uint8_t torn[4120];
    memcpy(torn, buf + 32, 4120);
    memset(torn + 4, 0, 4); /* commit field: not a commit frame */
    randombytes_buf(torn + 24, 3000);
    uint8_t *grown = malloc(n + sizeof torn);
    memcpy(grown, buf, n);
    memcpy(grown + n, torn, sizeof torn);
    assert_int_equal(tu_write(wal, grown, n + sizeof torn), 0);
    store *s = tu_open(f->db);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t"), 301);
    assert_string_equal(sqlite3_errmsg(store_db(s)), "not an error");
    store_close(s);
    free(buf), free(grown), free(wal);
}

/* Flip one byte at off of a closed database; expect check (or open) to
 * report it, naming page. */
static void expect_tamper(const char *db, long off, const char *page_word)
{
    store *s;
    cc_err err = {0};
    store_check_result res;
    assert_int_equal(tu_flip(db, off), 0);
    int rc = store_open_with_key(db, tu_master, &s, &err);
    if (rc == CC_OK) {
        rc = store_check(s, &res, &err);
        assert_int_equal(rc, CC_OK);
        assert_true(res.bad_pages >= 1);
        snprintf(err.msg, sizeof err.msg, "%s", res.first_bad);
        store_close(s);
    } else {
        assert_int_equal(rc, CC_EDATA);
    }
    if (!strstr(err.msg, page_word))
        fail_msg("tamper at %ld: message '%s' lacks '%s'", off, err.msg, page_word);
    assert_int_equal(tu_flip(db, off), 0); /* undo */
    s = tu_open(db);
    store_close(s);
}

static void test_tamper_regions(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    fill(s, 800);
    store_close(s);
    assert_true(tu_size(f->db) >= 6 * 4096);
    expect_tamper(f->db, 18, "page 1");                /* clear header byte */
    expect_tamper(f->db, 200, "page 1");               /* page 1 body */
    expect_tamper(f->db, 2 * 4096 + 500, "page 3");    /* body */
    expect_tamper(f->db, 2 * 4096 - 10, "page 2");     /* reserve (pgno field) */
    expect_tamper(f->db, 2 * 4096 - 30, "page 2");     /* reserve (tag) */
    expect_tamper(f->db, 4 * 4096 - 48 + 3, "page 4"); /* reserve (nonce) */
}

static void swap_pages(const char *path, int a, int b)
{
    size_t n;
    uint8_t *buf = tu_read(path, &n), tmp[4096];
    memcpy(tmp, buf + (a - 1) * 4096, 4096);
    memcpy(buf + (a - 1) * 4096, buf + (b - 1) * 4096, 4096);
    memcpy(buf + (b - 1) * 4096, tmp, 4096);
    assert_int_equal(tu_write(path, buf, n), 0);
    free(buf);
}

static void test_swapped_pages(void **state)
{
    fixture *f = *state;
    store_check_result res;
    cc_err err = {0};
    store *s = tu_create(f->db);
    fill(s, 800);
    store_close(s);
    swap_pages(f->db, 3, 4);
    s = tu_open(f->db);
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    assert_true(res.bad_pages >= 2);
    assert_non_null(strstr(res.first_bad, "another page"));
    store_close(s);
}

static void test_wrong_key_and_foreign_file(void **state)
{
    fixture *f = *state;
    uint8_t other[STORE_KEY_BYTES];
    store *s;
    cc_err err = {0};
    store_close(tu_create(f->db));
    memcpy(other, tu_master, sizeof other);
    other[0] ^= 0x80;
    assert_int_equal(store_open_with_key(f->db, other, &s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "page 1"));

    char *db2 = tu_path(f->dir, "u.db"), *keys = tu_path(f->dir, "t.db.keys"),
         *keys2 = tu_path(f->dir, "u.db.keys");
    store_close(tu_create(db2));
    assert_int_equal(tu_copy(keys, keys2), 0); /* t's key file beside u's database */
    assert_int_equal(store_open_with_key(db2, tu_master, &s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "not made with this key file"));
    free(db2), free(keys), free(keys2);
}

static void test_unkeyed_path_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *db;
    store *s = tu_create(f->db);
    char *other = tu_path(f->dir, "plain.db");
    int rc =
        sqlite3_open_v2(other, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "CREATE TABLE x (a)", NULL, NULL, NULL);
    assert_int_not_equal(rc, SQLITE_OK);
    assert_non_null(strstr(vfs_last_error(), "no key attached"));
    sqlite3_close(db);
    assert_true(tu_size(other) <= 0);
    /* VACUUM INTO a path nobody attached a key to fails too */
    sqlite3_limit(store_db(s), SQLITE_LIMIT_ATTACHED, 1);
    char sql[600];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", other);
    assert_int_not_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_true(tu_size(other) <= 0);
    store_close(s);
    free(other);
}

static void test_page_size_fixed(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    int rc = sqlite3_exec(store_db(s), "PRAGMA page_size = 8192", NULL, NULL, NULL);
    assert_int_equal(rc, SQLITE_ERROR);
    assert_non_null(strstr(sqlite3_errmsg(store_db(s)), "fixed"));
    assert_int_equal(tu_int(s, "PRAGMA page_size"), 4096);
    store_close(s);
}

static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

/* A temporary file SQLite asks for (sorter spill, temp journal) is memory. */
static void test_temp_files_in_memory(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    sqlite3_vfs *v = sqlite3_vfs_find(VFS_NAME);
    sqlite3_file *tf = calloc(1, (size_t)v->szOsFile);
    uint8_t buf[8192], back[8192];
    int before = count_fds(), out;
    assert_int_equal(v->xOpen(v, NULL, tf,
                              SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_READWRITE |
                                  SQLITE_OPEN_CREATE | SQLITE_OPEN_DELETEONCLOSE,
                              &out),
                     SQLITE_OK);
    assert_int_equal(count_fds(), before);
    randombytes_buf(buf, sizeof buf);
    assert_int_equal(tf->pMethods->xWrite(tf, buf, sizeof buf, 100000), SQLITE_OK);
    assert_int_equal(tf->pMethods->xRead(tf, back, sizeof back, 100000), SQLITE_OK);
    assert_memory_equal(buf, back, sizeof buf);
    assert_int_equal(tf->pMethods->xRead(tf, back, 16, 108190),
                     SQLITE_IOERR_SHORT_READ);
    tf->pMethods->xClose(tf);
    free(tf);
    assert_int_equal(tu_int(s, "PRAGMA temp_store"), 2);
    /* a sort far larger than the cache still works (spills to memory) */
    fill(s, 20000);
    tu_exec(s, "PRAGMA cache_size = 10");
    assert_int_equal(tu_int(s, "SELECT count(*) FROM (SELECT name FROM t ORDER BY "
                               "substr(name, 30) || random())"),
                     20001);
    store_close(s);
}

/* Nonces come from a per-process prefix and a counter: a forked child must
 * draw its own prefix, or parent and child would reuse nonces. */
static void test_fork_gets_fresh_nonces(void **state)
{
    fixture *f = *state;
    char *a = tu_path(f->dir, "a.db"), *b = tu_path(f->dir, "b.db");
    store_close(tu_create(f->db)); /* the parent has sealed pages already */
    pid_t pid = fork();
    if (pid == 0) {
        store_close(tu_create(a));
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    store_close(tu_create(b));
    size_t na, nb;
    uint8_t *pa = tu_read(a, &na), *pb = tu_read(b, &nb);
    assert_true(na >= 4096 && nb >= 4096);
    /* page 1's nonce: the first 16 bytes are the process's prefix */
    assert_memory_not_equal(pa + 4096 - 48, pb + 4096 - 48, 16);
    free(pa), free(pb), free(a), free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plaintext_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_sqlite_cannot_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal_sealed_and_recovers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wal_recovery_and_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_frame_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_regions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_and_foreign_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unkeyed_path_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_size_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temp_files_in_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_gets_fresh_nonces, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
