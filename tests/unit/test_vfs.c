/*
 * test_vfs.c — the encrypted VFS: no plaintext in any file SQLite writes
 * (database, WAL, rollback journal, backup, VACUUM INTO), a VACUUM INTO
 * copy whole or absent (killed or failing part-way), temporary files in
 * memory, every kind of tampering reported with file and page, and
 * transactions larger than the page cache (spilled WAL frames written again,
 * frame headers rewritten at the commit, a torn rewrite after a crash), and
 * what notices one old page put back in its place (nothing, for case data;
 * the anchor and the integrity check, for a page of audit entries).
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/audit.h"
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

/* ---- VACUUM INTO: whole or nothing ---------------------------------- */

/* Where a VACUUM INTO copy lands and its temporary (DEST.tmp). */
typedef struct vac_paths {
    char *dest, *tmp, *keys;
    int interrupt; /* 1: stop the statement; 0: die */
} vac_paths;

/* A progress handler that acts once the copy has written its first bytes,
 * wherever it writes them (the destination or its temporary). */
static int vac_midway(void *arg)
{
    const vac_paths *v = arg;
    if (tu_size(v->dest) <= 0 && tu_size(v->tmp) <= 0)
        return 0;
    if (!v->interrupt)
        _exit(9); /* killed part-way */
    return 1;
}

static vac_paths vac_paths_of(const fixture *f)
{
    vac_paths v = {tu_path(f->dir, "vac.db"), tu_path(f->dir, "vac.db.tmp"),
                   tu_path(f->dir, "vac.db.keys"), 0};
    return v;
}

static void vac_paths_free(vac_paths *v)
{
    free(v->dest), free(v->tmp), free(v->keys);
}

/* Some 6 MB of rows. */
static void fill_big(fixture *f)
{
    store *s = tu_create(f->db);
    cc_err err = {0};
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE big (b BLOB)");
    tu_exec(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 60) INSERT INTO big SELECT randomblob(100000) FROM n");
    assert_int_equal(store_commit(s, &err), CC_OK);
    store_close(s);
}

static int markers_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, "t.db.backup-", 12) == 0;
    closedir(d);
    return n;
}

/* A VACUUM INTO killed part-way leaves no destination, only its temporary,
 * which the next open of the database removes with the copy's marker. */
static void test_vacuum_into_killed(void **state)
{
    fixture *f = *state;
    vac_paths v = vac_paths_of(f);
    int status;
    fill_big(f);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cc_err err = {0};
        store *s = tu_open(f->db);
        tu_exec(s, "PRAGMA cache_size = 64"); /* the copy's too: it writes as it goes */
        sqlite3_progress_handler(store_db(s), 100, vac_midway, &v);
        store_vacuum_into(s, v.dest, &err);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 9); /* it died inside the copy */
    assert_int_equal(tu_size(v.dest), -1);    /* no partial destination */
    assert_true(tu_size(v.tmp) > 0);
    assert_int_equal(markers_in(f->dir), 1);
    store_close(tu_open(f->db));
    assert_int_equal(tu_size(v.tmp), -1);
    assert_int_equal(tu_size(v.keys), -1);
    assert_int_equal(markers_in(f->dir), 0);
    vac_paths_free(&v);
}

/* A VACUUM INTO that fails part-way, or cannot start (no such directory),
 * leaves nothing: no destination, no temporary, no key file, no marker;
 * then one that succeeds writes a copy that opens. */
static void test_vacuum_into_fails(void **state)
{
    fixture *f = *state;
    vac_paths v = vac_paths_of(f);
    cc_err err = {0};
    char *nodir = tu_path(f->dir, "no/such/dir/vac.db");
    fill_big(f);
    store *s = tu_open(f->db);
    tu_exec(s, "PRAGMA cache_size = 64"); /* the copy's too: it writes as it goes */
    v.interrupt = 1;
    sqlite3_progress_handler(store_db(s), 100, vac_midway, &v);
    assert_int_not_equal(store_vacuum_into(s, v.dest, &err), CC_OK);
    sqlite3_progress_handler(store_db(s), 0, NULL, NULL);
    assert_int_equal(tu_size(v.dest), -1);
    assert_int_equal(tu_size(v.tmp), -1);
    assert_int_equal(tu_size(v.keys), -1);
    assert_int_equal(markers_in(f->dir), 0);
    assert_int_not_equal(store_vacuum_into(s, nodir, &err), CC_OK);
    assert_int_equal(markers_in(f->dir), 0);
    assert_int_equal(store_vacuum_into(s, v.dest, &err), CC_OK);
    assert_int_equal(tu_size(v.tmp), -1);
    assert_int_equal(markers_in(f->dir), 0);
    store_close(s);
    s = tu_open(v.dest);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM big"), 60);
    store_close(s);
    free(nodir);
    vac_paths_free(&v);
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

/* ---- transactions larger than the page cache ----------------------------
 * With a small cache SQLite spills dirty pages to the WAL before the commit;
 * a spilled page that changes again is rewritten in its frame (the page
 * alone), frames after that get headers with salt and checksum zeroed, and
 * the commit reads checksums back (8 bytes at 24 or at a frame's offset 16),
 * reads each frame again and rewrites its header (walRewriteChecksums). */

#define BIG_ROWS     20000
#define BIG_PAD      120
#define WAL_FRAME    (24 + 4096)
#define FRAME_OFF(n) (32 + (long)((n)-1) * WAL_FRAME)

/* BIG_ROWS rows of about 150 bytes (some 800 pages), committed. */
static void big_table(store *s)
{
    cc_err err = {0};
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE big (id INTEGER PRIMARY KEY, gen INTEGER NOT NULL, "
               "pad TEXT NOT NULL)");
    tu_exec(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
               "i < 20000) INSERT INTO big SELECT i, 0, hex(randomblob(60)) FROM n");
    assert_int_equal(store_commit(s, &err), CC_OK);
}

static void big_pad(int id, int gen, char pad[BIG_PAD + 1])
{
    for (int i = 0; i < BIG_PAD; i++)
        pad[i] = (char)('a' + (id * 7 + gen * 13 + i) % 26);
    pad[BIG_PAD] = '\0';
}

/* Update row id to generation gen (its padding changes too). */
static void big_update_row(sqlite3_stmt *st, int id, int gen)
{
    char pad[BIG_PAD + 1];
    big_pad(id, gen, pad);
    sqlite3_bind_int(st, 1, gen);
    sqlite3_bind_text(st, 2, pad, BIG_PAD, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, id);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
}

typedef void (*mid_txn_fn)(const char *db, int step);

/* One transaction, with a 256 KiB cache, that sets every row to generation
 * gen in a scattered order (7919 is prime, so i * 7919 mod BIG_ROWS visits
 * every row once): every page is changed many times over, long after it was
 * first spilled. mid is called at steps 0 (after 2,000 rows) and 1 (before
 * COMMIT). */
static void big_update(store *s, const char *db, int gen, mid_txn_fn mid)
{
    sqlite3_stmt *st;
    cc_err err = {0};
    tu_exec(s, "PRAGMA cache_size = -256");
    assert_int_equal(store_begin(s, &err), CC_OK);
    assert_int_equal(sqlite3_prepare_v2(
                         store_db(s), "UPDATE big SET gen = ?1, pad = ?2 WHERE id = ?3",
                         -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 0; i < BIG_ROWS; i++) {
        if (i == 2000 && mid)
            mid(db, 0);
        big_update_row(st, (int)((long)i * 7919 % BIG_ROWS) + 1, gen);
    }
    sqlite3_finalize(st);
    if (mid)
        mid(db, 1);
    int rc = store_commit(s, &err);
    if (rc != CC_OK)
        fail_msg("commit of the big transaction: %s", err.msg);
}

/* check finds every page and frame authentic and the database intact. */
static void assert_check_clean(store *s)
{
    store_check_result res;
    cc_err err = {0};
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    if (res.bad_pages != 0)
        fail_msg("check: %lld bad, first: %s", (long long)res.bad_pages, res.first_bad);
    assert_string_equal(res.integrity, "ok");
    assert_true(res.pages > BIG_ROWS / 40);
}

/* Every row is there, at generation gen, with that generation's padding. */
static void assert_all_at_gen(store *s, int gen)
{
    sqlite3_stmt *st;
    char pad[BIG_PAD + 1];
    int n = 0, rc;
    assert_int_equal(sqlite3_prepare_v2(store_db(s),
                                        "SELECT id, gen, pad FROM big ORDER BY id", -1,
                                        &st, NULL),
                     SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        big_pad(id, gen, pad);
        assert_int_equal(id, ++n);
        assert_int_equal(sqlite3_column_int(st, 1), gen);
        assert_string_equal((const char *)sqlite3_column_text(st, 2), pad);
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(n, BIG_ROWS);
}

/* The 24-byte header of WAL frame n (1-based) as it is on disk now. */
static void wal_frame_hdr(const char *db, int n, uint8_t hdr[24])
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    FILE *fp = fopen(wal, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, FRAME_OFF(n), SEEK_SET), 0);
    assert_int_equal(fread(hdr, 1, 24, fp), 24);
    fclose(fp);
}

static long wal_frames(const char *db)
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    long n = tu_size(wal);
    return n < 32 ? 0 : (n - 32) / WAL_FRAME;
}

/* True if some frame's header has salt and checksum zeroed: SQLite has
 * rewritten a spilled page and owes the checksums of what follows. */
static int wal_has_pending_header(const char *db)
{
    static const uint8_t zero[16];
    uint8_t hdr[24];
    for (long n = 1; n <= wal_frames(db); n++) {
        wal_frame_hdr(db, (int)n, hdr);
        if (memcmp(hdr + 8, zero, 16) == 0)
            return 1;
    }
    return 0;
}

static uint8_t frame1_nonce[24];

/* The page of WAL frame 1 is sealed again (a new nonce) before the commit,
 * and the transaction owes checksums at that point. */
static void watch_frame1(const char *db, int step)
{
    char wal[4200];
    uint8_t nonce[24];
    snprintf(wal, sizeof wal, "%s-wal", db);
    FILE *fp = fopen(wal, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, FRAME_OFF(1) + WAL_FRAME - 48, SEEK_SET), 0);
    assert_int_equal(fread(nonce, 1, sizeof nonce, fp), sizeof nonce);
    fclose(fp);
    if (step == 0) {
        memcpy(frame1_nonce, nonce, sizeof nonce);
        return;
    }
    assert_memory_not_equal(frame1_nonce, nonce, sizeof nonce);
    assert_true(wal_has_pending_header(db));
}

/* Before COMMIT: the transaction did rewrite spilled frames. */
static void expect_pending(const char *db, int step)
{
    if (step == 1)
        assert_true(wal_has_pending_header(db));
}

static void test_big_txn_rewrites_spilled_frames(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    big_table(s);
    assert_true(wal_frames(f->db) > 100); /* the rewrites start well inside */
    big_update(s, f->db, 1, expect_pending);
    assert_all_at_gen(s, 1);
    assert_check_clean(s);         /* the WAL is still there: every frame authentic */
    big_update(s, f->db, 2, NULL); /* and once more, over a longer WAL */
    assert_all_at_gen(s, 2);
    assert_check_clean(s);
    store_close(s);
    s = tu_open(f->db);
    assert_all_at_gen(s, 2);
    assert_check_clean(s);
    store_close(s);
}

/* The first frame rewritten is frame 1 of a fresh WAL: its checksum seed
 * comes from the WAL header (an 8-byte read at offset 24). */
static void test_big_txn_rewrites_frame_one(void **state)
{
    fixture *f = *state;
    store *s = tu_create(f->db);
    big_table(s);
    tu_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_int_equal(wal_frames(f->db), 0);
    big_update(s, f->db, 1, watch_frame1);
    assert_all_at_gen(s, 1);
    assert_check_clean(s);
    /* the WAL survives a crash: a child reopens it without a checkpoint */
    sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    store_close(s);
    assert_true(wal_frames(f->db) > 100);
    s = tu_open(f->db);
    assert_all_at_gen(s, 1);
    assert_check_clean(s);
    tu_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    assert_check_clean(s);
    assert_all_at_gen(s, 1);
    store_close(s);
}

/* A child starts a transaction that spills (as big_update, to generation
 * 9) and dies before its commit, leaving its frames in the WAL. */
static void big_spill_and_die(const char *db)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3_stmt *st;
        cc_err err = {0};
        store *s = tu_open(db);
        tu_exec(s, "PRAGMA cache_size = -256");
        if (store_begin(s, &err) != CC_OK ||
            sqlite3_prepare_v2(store_db(s),
                               "UPDATE big SET gen = ?1, pad = ?2 WHERE id = ?3", -1,
                               &st, NULL) != SQLITE_OK)
            _exit(2);
        for (int i = 0; i < BIG_ROWS / 2; i++)
            big_update_row(st, (int)((long)i * 7919 % BIG_ROWS) + 1, 9);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int is_commit_frame(const char *db, long n)
{
    uint8_t hdr[24];
    wal_frame_hdr(db, (int)n, hdr);
    return (hdr[4] | hdr[5] | hdr[6] | hdr[7]) != 0;
}

/* The first (last) commit frame of the WAL, 1-based, 0 if none. */
static int wal_commit(const char *db, int last)
{
    int found = 0;
    for (long n = 1; n <= wal_frames(db) && (last || !found); n++)
        if (is_commit_frame(db, n))
            found = (int)n;
    return found;
}

/* Replace the last 1096 bytes of frame n's page with noise, as a write that
 * stopped at a kernel page boundary leaves it. */
static void tear_frame(const char *wal, int n)
{
    uint8_t noise[1096];
    size_t len;
    uint8_t *buf = tu_read(wal, &len);
    assert_true((long)len >= FRAME_OFF(n) + WAL_FRAME);
    randombytes_buf(noise, sizeof noise);
    memcpy(buf + FRAME_OFF(n) + WAL_FRAME - sizeof noise, noise, sizeof noise);
    assert_int_equal(tu_write(wal, buf, len), 0);
    free(buf);
}

/* A crash while a spilled page is written again tears a frame in the middle
 * of a transaction that never committed, with its later frames intact and
 * authentic. That is a crash, not tampering: recovery ends the log at the
 * last commit and keeps it. A damaged frame before that commit is still
 * reported. */
static void test_torn_rewrite_in_uncommitted_spill(void **state)
{
    fixture *f = *state;
    char *wal = tu_path(f->dir, "t.db-wal"), *dir2 = tu_path(f->dir, "copy");
    char *db2 = tu_path(dir2, "t.db"), *wal2 = tu_path(dir2, "t.db-wal");
    char *keys = tu_path(f->dir, "t.db.keys"), *keys2 = tu_path(dir2, "t.db.keys");
    store *s = tu_create(f->db);
    cc_err err = {0};
    assert_int_equal(mkdir(dir2, 0700), 0); /* inside f->dir: teardown removes it */
    big_table(s);
    tu_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    tu_exec(s, "UPDATE big SET gen = 1 WHERE id <= 3000"); /* committed, in the WAL */
    sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    store_close(s);
    big_spill_and_die(f->db);
    /* the UPDATE commits at `update`; PRAGMA optimize at close may commit
     * after it; the spill's frames follow the last commit */
    int update = wal_commit(f->db, 0), commit = wal_commit(f->db, 1);
    assert_true(update > 1);
    assert_false(is_commit_frame(f->db, update - 1)); /* both the UPDATE's */
    assert_true(wal_frames(f->db) > commit + 50);
    uint8_t hdr[24], whdr[32];
    wal_frame_hdr(f->db, commit + 40, hdr);
    FILE *fp = fopen(wal, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(whdr, 1, 32, fp), 32);
    fclose(fp);
    assert_memory_equal(hdr + 8, whdr + 16, 8); /* later frames: this generation */
    tu_copy(f->db, db2), tu_copy(wal, wal2), tu_copy(keys, keys2);

    tear_frame(wal, commit + 1); /* recovery reads it: the chain is valid up to it */
    s = tu_open(f->db);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM big WHERE gen = 1"), 3000);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM big WHERE gen = 0"),
                     BIG_ROWS - 3000);
    store_check_result res;
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    assert_int_equal(res.bad_pages, 0);
    assert_string_equal(res.integrity, "ok");
    store_close(s);

    tear_frame(wal2, update - 1); /* inside a committed transaction */
    assert_int_equal(store_open_with_key(db2, tu_master, &s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "WAL"));
    assert_non_null(strstr(err.msg, "damaged or tampered"));
    free(wal), free(dir2), free(db2), free(wal2), free(keys), free(keys2);
}

/* 50,000 rows with two indexes in one transaction, at the store's own cache
 * size, then checked. */
static void test_bulk_insert_50k(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = tu_create(f->db);
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE bulk (id INTEGER PRIMARY KEY, name TEXT, note TEXT)");
    tu_exec(s, "CREATE INDEX bulk_name ON bulk (name)");
    tu_exec(s, "CREATE INDEX bulk_note ON bulk (note)");
    tu_exec(s, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
               "i < 50000) INSERT INTO bulk SELECT i, hex(randomblob(12)), "
               "hex(randomblob(150)) FROM n");
    assert_int_equal(store_commit(s, &err), CC_OK);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM bulk"), 50000);
    store_check_result res;
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    assert_int_equal(res.bad_pages, 0);
    assert_string_equal(res.integrity, "ok");
    store_close(s);
    s = tu_open(f->db);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM bulk INDEXED BY bulk_name"),
                     50000);
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    assert_int_equal(res.bad_pages, 0);
    assert_string_equal(res.integrity, "ok");
    assert_true(res.pages > 4000);
    store_close(s);
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

/* ---- committed work dropped from a WAL ---------------------------------
 * An older -wal put back, a WAL cut short, a flipped frame header, frames
 * swapped: every frame left is authentic, so the VFS cannot tell these from
 * a crash and SQLite ends the log early, dropping committed transactions.
 * Each case shows who notices: the anchor check at open (docs/SECURITY.md),
 * and nobody when there is no anchor. */

/* In a child that dies without closing (the WAL stays): n transactions of
 * a row and an audit entry, each anchored in anchors as it commits. */
static void commit_audited(const char *db, const char *anchors, int n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cc_err err = {0};
        audit_anchor_configure(anchors, 0);
        store *s = tu_open(db);
        for (int i = 0; i < n; i++) {
            if (store_begin(s, &err) != CC_OK)
                _exit(1);
            tu_exec(s,
                    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)");
            tu_exec(s, "INSERT INTO t (name) VALUES ('committed')");
            if (audit_append(s, 1, "test.row", "t", "", &err) != CC_OK ||
                store_commit(s, &err) != CC_OK)
                _exit(1);
        }
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Three transactions, a copy of the WAL then (old), three more. */
static char *build_wal(fixture *f, const char *anchors)
{
    char *wal = tu_path(f->dir, "t.db-wal"), *old = tu_path(f->dir, "old-wal");
    store_close(tu_create(f->db));
    commit_audited(f->db, anchors, 3);
    assert_int_equal(tu_copy(wal, old), 0);
    commit_audited(f->db, anchors, 3);
    free(wal);
    return old;
}

/* Who notices, opening f->db now: 'V' the VFS refuses it, 'A' it opens but
 * the anchor check refuses it, 'N' nobody. *rows: the rows it shows. */
static char who_notices(fixture *f, const char *anchors, long *rows)
{
    store *s;
    cc_err err = {0};
    *rows = -1;
    if (store_open_with_key(f->db, tu_master, &s, &err) != CC_OK)
        return 'V';
    *rows = tu_int(s, "SELECT count(*) FROM t");
    audit_anchor_configure(anchors, -1);
    int rc = audit_anchor_check(s, &err);
    audit_anchor_configure(NULL, -1);
    store_close(s);
    return rc == CC_OK ? 'N' : 'A';
}

static void swap_frames(const char *wal, int a, int b)
{
    size_t n;
    uint8_t *buf = tu_read(wal, &n), tmp[WAL_FRAME];
    assert_true((long)n >= FRAME_OFF(a > b ? a : b) + WAL_FRAME);
    memcpy(tmp, buf + FRAME_OFF(a), WAL_FRAME);
    memcpy(buf + FRAME_OFF(a), buf + FRAME_OFF(b), WAL_FRAME);
    memcpy(buf + FRAME_OFF(b), tmp, WAL_FRAME);
    assert_int_equal(tu_write(wal, buf, n), 0);
    free(buf);
}

static void test_wal_older_copy(void **state)
{
    fixture *f = *state;
    char *anchors = tu_path(f->dir, "anchors"), *wal = tu_path(f->dir, "t.db-wal");
    char *old = build_wal(f, anchors);
    long rows;
    assert_int_equal(tu_copy(old, wal), 0);
    assert_int_equal(who_notices(f, anchors, &rows), 'A');
    assert_int_equal(rows, 3); /* three committed transactions gone */
    free(anchors), free(wal), free(old);
}

static void test_wal_cut_short(void **state)
{
    fixture *f = *state;
    char *anchors = tu_path(f->dir, "anchors"), *wal = tu_path(f->dir, "t.db-wal");
    char *old = build_wal(f, anchors);
    long rows;
    assert_int_equal(truncate(wal, FRAME_OFF(wal_commit(f->db, 1))), 0);
    assert_int_equal(who_notices(f, anchors, &rows), 'A');
    assert_int_equal(rows, 5);
    free(anchors), free(wal), free(old);
}

static void test_wal_flipped_frame_header(void **state)
{
    fixture *f = *state;
    char *anchors = tu_path(f->dir, "anchors"), *wal = tu_path(f->dir, "t.db-wal");
    char *old = build_wal(f, anchors);
    long rows;
    assert_int_equal(tu_flip(wal, FRAME_OFF(wal_commit(f->db, 1)) + 8), 0); /* salt */
    assert_int_equal(who_notices(f, anchors, &rows), 'A');
    assert_int_equal(rows, 5);
    free(anchors), free(wal), free(old);
}

static void test_wal_swapped_frames(void **state)
{
    fixture *f = *state;
    char *anchors = tu_path(f->dir, "anchors"), *wal = tu_path(f->dir, "t.db-wal");
    char *old = build_wal(f, anchors);
    long rows;
    int last = wal_commit(f->db, 1);
    swap_frames(wal, last - 1, last);
    assert_int_equal(who_notices(f, anchors, &rows), 'A');
    assert_int_equal(rows, 5);
    free(anchors), free(wal), free(old);
}

static void test_wal_dropped_unseen_without_anchor(void **state)
{
    fixture *f = *state;
    char *anchors = tu_path(f->dir, "anchors"), *wal = tu_path(f->dir, "t.db-wal");
    char *old = build_wal(f, anchors);
    long rows;
    assert_int_equal(tu_copy(old, wal), 0);
    assert_int_equal(unlink(anchors), 0);
    assert_int_equal(who_notices(f, anchors, &rows), 'N'); /* only the anchor sees it */
    assert_int_equal(rows, 3);
    free(anchors), free(wal), free(old);
}

/* ---- replaying one old page --------------------------------------------
 * An older, authentic copy of one page put back in the same place of the
 * same database: the page authenticates (same database id, file kind and
 * page number), so the store cannot tell it from the page it replaced. What
 * notices depends on what the page held (docs/SECURITY.md, "Tampering"). */

/* Page pgno (from 1) of old copied over the same page of db. */
static void replay_page(const char *db, const char *old, int pgno)
{
    size_t n, m;
    uint8_t *now = tu_read(db, &n), *then = tu_read(old, &m);
    assert_true(now && then && n >= (size_t)pgno * 4096 && m >= (size_t)pgno * 4096);
    assert_memory_not_equal(now + (pgno - 1) * 4096, then + (pgno - 1) * 4096, 4096);
    memcpy(now + (pgno - 1) * 4096, then + (pgno - 1) * 4096, 4096);
    assert_int_equal(tu_write(db, now, n), 0);
    free(now), free(then);
}

static int root_page(store *s, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT rootpage FROM sqlite_schema WHERE name = '%s'",
             table);
    return (int)tu_int(s, sql);
}

static void audited(store *s, const char *sql, const char *action)
{
    cc_err err = {0};
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, sql);
    assert_int_equal(audit_append(s, 1, action, "casefile:1", "", &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
}

/* old: a case row saying 'before' and two audit entries; then db: the row
 * says 'after.', two more entries, *anchor the head. Both closed, so every
 * page is in the database file. */
static void build_replay(fixture *f, const char *old, audit_anchor *anchor)
{
    cc_err err = {0};
    store *s = tu_create(f->db);
    tu_exec(s, "CREATE TABLE casefile (id INTEGER PRIMARY KEY, note TEXT)");
    audited(s, "INSERT INTO casefile (note) VALUES ('before')", "case.create");
    audited(s, "SELECT 1", "case.view");
    store_close(s);
    assert_int_equal(tu_copy(f->db, old), 0);
    s = tu_open(f->db);
    audited(s, "UPDATE casefile SET note = 'after.' WHERE id = 1", "case.update");
    audited(s, "SELECT 1", "case.view");
    assert_int_equal(audit_head(s, anchor, &err), CC_OK);
    assert_true(anchor->seq >= 4);
    store_close(s);
}

/* What the store, SQLite's integrity check and audit verify (without and
 * with the anchor) say of the database now, and the case row it shows. */
typedef struct replay_seen {
    int64_t bad_pages;
    char integrity[256];
    int64_t chain_bad, anchored_bad;
    char note[16];
} replay_seen;

static replay_seen look(fixture *f, const audit_anchor *anchor)
{
    replay_seen seen;
    store_check_result res;
    audit_result ar;
    cc_err err = {0};
    sqlite3_stmt *st;
    store *s = tu_open(f->db); /* opens: every page authenticates */
    assert_int_equal(store_check(s, &res, &err), CC_OK);
    seen.bad_pages = res.bad_pages;
    snprintf(seen.integrity, sizeof seen.integrity, "%s", res.integrity);
    assert_int_equal(audit_verify(s, NULL, &ar, NULL, NULL, &err), CC_OK);
    seen.chain_bad = ar.first_bad;
    assert_int_equal(audit_verify(s, anchor, &ar, NULL, NULL, &err), CC_OK);
    seen.anchored_bad = ar.first_bad;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "SELECT note FROM casefile", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(seen.note, sizeof seen.note, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    store_close(s);
    return seen;
}

/* A page of case data put back: the old row is back, and nothing notices
 * (the audit log, intact, still says it was updated). */
static void test_replay_case_page(void **state)
{
    fixture *f = *state;
    char *old = tu_path(f->dir, "old.db");
    audit_anchor anchor;
    build_replay(f, old, &anchor);
    store *s = tu_open(f->db);
    int page = root_page(s, "casefile");
    store_close(s);
    replay_page(f->db, old, page);
    replay_seen seen = look(f, &anchor);
    assert_string_equal(seen.note, "before");  /* the replay took */
    assert_int_equal(seen.bad_pages, 0);       /* the store: authentic */
    assert_string_equal(seen.integrity, "ok"); /* a consistent b-tree */
    assert_int_equal(seen.chain_bad, 0);       /* the chain: untouched */
    assert_int_equal(seen.anchored_bad, 0);    /* the anchor: still held */
    free(old);
}

/* The page of audit entries put back: the two newer entries are gone. The
 * chain left is a valid prefix (audit verify alone cannot tell it from a
 * log that ended there); the anchor names the missing head, and SQLite's
 * integrity check finds the audit table's indexes (pages not replayed)
 * still listing the lost entries. */
static void test_replay_audit_page(void **state)
{
    fixture *f = *state;
    char *old = tu_path(f->dir, "old.db");
    audit_anchor anchor;
    build_replay(f, old, &anchor);
    store *s = tu_open(f->db);
    int page = root_page(s, "audit");
    store_close(s);
    replay_page(f->db, old, page);
    replay_seen seen = look(f, &anchor);
    assert_string_equal(seen.note, "after.");
    assert_int_equal(seen.bad_pages, 0);
    assert_int_equal(seen.chain_bad, 0);
    assert_int_equal(seen.anchored_bad, anchor.seq); /* "is gone": the anchor */
    assert_non_null(strstr(seen.integrity, "wrong # of entries in index audit_"));
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plaintext_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vacuum_into_killed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vacuum_into_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stock_sqlite_cannot_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_journal_sealed_and_recovers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wal_recovery_and_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_frame_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_txn_rewrites_spilled_frames, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_big_txn_rewrites_frame_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_torn_rewrite_in_uncommitted_spill, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bulk_insert_50k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_regions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_and_foreign_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unkeyed_path_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_size_fixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temp_files_in_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_gets_fresh_nonces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_older_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_cut_short, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_flipped_frame_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_swapped_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_case_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_audit_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_dropped_unseen_without_anchor, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
