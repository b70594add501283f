/*
 * store.c — opening, configuring and transacting on the encrypted store.
 *
 * Opening is: read the key file, unlock a slot (Argon2id), derive page keys,
 * attach them to the VFS, take a shared lock on <db>.lock (a rekey takes it
 * exclusively), open SQLite, apply the connection settings, authenticate
 * page 1, migrate. Every write transaction is BEGIN IMMEDIATE with a jittered
 * busy handler, so callers only see "busy" after the limit. Closing runs
 * PRAGMA optimize first, without waiting.
 */
#include "store.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/hooks.h"
#include "audit.h"
#include "keyfile.h"
#include "migrate.h"
#include "stmtcache.h"
#include "store_int.h"
#include "vfs.h"

static unsigned long long pwhash_ops;

void store_set_pwhash_cost(unsigned long long opslimit)
{
    pwhash_ops = opslimit;
}

sqlite3 *store_db(store *s)
{
    return s->db;
}

const char *store_path(const store *s)
{
    return s->path;
}

const char *store_keys_path(const store *s)
{
    return s->keys_path;
}

const char *store_login(const store *s)
{
    return s->login;
}

const uint8_t *store_master(const store *s)
{
    return s->masters + (size_t)s->active_gen * STORE_KEY_BYTES;
}

void store_set_actor(store *s, int64_t staff_id)
{
    s->actor = staff_id;
}

void store_set_busy_limit(store *s, int ms)
{
    s->busy_ms = ms;
}

void store_set_progress(store *s, store_progress_fn fn, void *arg)
{
    s->progress = fn;
    s->progress_arg = arg;
}

void store_progress(store *s, int64_t done, int64_t total)
{
    if (s->progress)
        s->progress(s->progress_arg, done, total);
}

void store_page_key(const uint8_t *master, uint8_t out[VFS_KEY_BYTES])
{
    crypto_kdf_derive_from_key(out, VFS_KEY_BYTES, 1, "cc-pages", master);
}

/* ---- errors ------------------------------------------------------------ */

/* The message for a failure the disk or the allocator caused, or NULL:
 * "disk full" must read as disk full, never as a generic I/O error. */
static const char *resource_failure(int rc)
{
    if (rc == SQLITE_FULL)
        return "disk full (no space left on the device)";
    if (rc == SQLITE_NOMEM || rc == SQLITE_IOERR_NOMEM)
        return "out of memory";
    return NULL;
}

/* Why a transaction was lost: the disk's failure the VFS named, else the
 * error SQLite rolled it back on, else the guard's refusal. */
static const char *lost_cause(const store *s)
{
    const char *vfs = vfs_last_error();
    const char *res = s ? resource_failure(s->lost_rc) : NULL;
    return vfs[0] ? vfs
           : res  ? res
                  : "the database rolled the change back after an error, and refused "
                    "to commit the rest";
}

int store_step_ok(store *s, int rc, const char *what, cc_err *err)
{
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, what, err);
}

int store_fail(store *s, int rc, const char *what, cc_err *err)
{
    const char *vfs = vfs_last_error();
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    const char *res = resource_failure(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return cc_err_set(err, CC_EBUSY, "database busy, try again (%s)", what);
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return cc_err_set(err, CC_EINPUT,
                              "%s: it refers to something that does not exist", what);
        if (rc == SQLITE_CONSTRAINT_COMMITHOOK) /* the guard, below */
            return cc_err_set(err, CC_EDATA, "%s: nothing was saved: %s", what,
                              lost_cause(s));
        return cc_err_set(err, CC_EINPUT, "%s: %s", what, msg);
    default:
        break;
    }
    if (res)
        return cc_err_set(err, CC_EDATA, "%s: %s on %s", what, res,
                          s ? s->path : "the database");
    if (rc == SQLITE_IOERR_DATA || (vfs[0] && (rc & 0xff) == SQLITE_IOERR))
        return cc_err_set(err, CC_EDATA, "%s: %s", what, vfs[0] ? vfs : msg);
    if ((rc & 0xff) == SQLITE_IOERR)
        return cc_err_set(err, CC_EDATA, "%s: disk I/O error on %s", what,
                          s ? s->path : "the database");
    if ((rc & 0xff) == SQLITE_CANTOPEN && vfs[0])
        return cc_err_set(err, CC_EDATA, "%s: %s", what, vfs);
    if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        return cc_err_set(err, CC_EDATA, "%s: database %s is damaged (%s)", what,
                          s ? s->path : "", msg);
    return cc_err_set(err, CC_EDATA, "%s: %s", what, msg);
}

int store_set_durable(store *s, int durable, cc_err *err)
{
    s->no_anchor = !durable; /* never anchor work a crash may still lose */
    return store_exec(
        s, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF", err);
}

int store_exec(store *s, const char *sql, cc_err *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CC_OK : store_fail(s, rc, "database", err);
}

/* ---- busy handling ----------------------------------------------------- */

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Exponential back-off with full jitter, capped at 4 ms a wait: a longer
 * cap let a writer that kept losing sleep while others took the lock (16
 * writers: p99 0.4 s, docs/PERFORMANCE.md "Concurrent writers"). */
static int busy_wait(void *arg, int count)
{
    store *s = arg;
    if (count == 0)
        s->busy_start = clock_mono_ms();
    if (clock_mono_ms() - s->busy_start >= s->busy_ms)
        return 0;
    int cap = 500 << (count < 6 ? count / 2 : 3); /* 0.5, 1, 2, then 4 ms */
    sleep_us(200 + (long)randombytes_uniform((uint32_t)cap));
    return 1;
}

int store_begin(store *s, cc_err *err)
{
    if (s->nest) /* a use case inside a batch: its savepoint (nest.h) */
        return nest_savepoint(s, err);
    int64_t start = clock_mono_ms();
    for (;;) {
        vfs_clear_error();
        int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            s->txn_open = 1;
            s->lost_rc = SQLITE_OK;
            return CC_OK;
        }
        if ((rc & 0xff) != SQLITE_BUSY || clock_mono_ms() - start >= s->busy_ms)
            return store_fail(s, rc, "begin", err);
        sleep_us(1000 + (long)randombytes_uniform(20000));
    }
}

/* The transaction store_begin opened is gone before its COMMIT: SQLite
 * rolled it back on an I/O or memory error that a step of the use case
 * did not pass on. Nothing of it was saved; say why as well as we know. */
static int commit_lost(store *s, cc_err *err)
{
    s->txn_open = 0;
    return cc_err_set(err, CC_EDATA, "commit: nothing was saved: %s", lost_cause(s));
}

int store_commit(store *s, cc_err *err)
{
    if (s->nest)
        return nest_release(s, err);
    if (s->txn_open && sqlite3_get_autocommit(s->db))
        return commit_lost(s, err);
    s->committing = 1;
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    s->committing = 0;
    if (rc == SQLITE_OK) {
        s->txn_open = 0;
        audit_anchor_maybe(s); /* every N minutes while a session writes */
        return CC_OK;
    }
    store_fail(s, rc, "commit", err);
    store_rollback(s);
    return err ? err->code : CC_EDATA;
}

/* ROLLBACK through the statement prepared at open (no parse, so no
 * allocation); through sqlite3_exec if that is gone or failed. */
static int rollback_once(store *s)
{
    int rc = SQLITE_ERROR;
    if (s->rollback) {
        rc = sqlite3_step(s->rollback);
        sqlite3_reset(s->rollback);
    }
    if (rc != SQLITE_DONE && !sqlite3_get_autocommit(s->db))
        rc = sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void store_rollback(store *s)
{
    if (s && s->nest) {
        nest_rollback_to(s);
        return;
    }
    if (!s || !s->db)
        return;
    s->rolling_back = 1;
    for (int tries = 0; tries < 3 && !sqlite3_get_autocommit(s->db); tries++)
        rollback_once(s);
    s->rolling_back = 0;
    if (sqlite3_get_autocommit(s->db))
        s->txn_open = 0; /* else the guard goes on refusing to commit it */
}

/* The commit guard (sqlite3_commit_hook): between store_begin and the
 * store_commit or store_rollback that ends its use case, nothing commits but
 * store_commit. Any other commit (a read path's BEGIN ... COMMIT run while a
 * failed ROLLBACK left the transaction open; a statement run in autocommit
 * mode after SQLite rolled the transaction back on an I/O or memory error)
 * is turned into a rollback, so no change lands without the audit entry its
 * use case writes before committing. */
static int commit_guard(void *arg)
{
    const store *s = arg;
    return s->txn_open && !s->committing;
}

/* A rollback nobody asked for (SQLite's own, after an I/O or memory error
 * inside the transaction): keep its cause for the commit's message. */
static void rollback_seen(void *arg)
{
    store *s = arg;
    if (s->txn_open && !s->rolling_back && s->lost_rc == SQLITE_OK)
        s->lost_rc = sqlite3_errcode(s->db);
}

/* Install the guard and prepare the rollback statement on s->db. */
static int guard_install(store *s, cc_err *err)
{
    sqlite3_commit_hook(s->db, commit_guard, s);
    sqlite3_rollback_hook(s->db, rollback_seen, s);
    if (s->rollback && sqlite3_db_handle(s->rollback) == s->db)
        return CC_OK;
    sqlite3_finalize(s->rollback); /* one of a connection closed by a reopen */
    s->rollback = NULL;
    int rc = sqlite3_prepare_v3(s->db, "ROLLBACK", -1, SQLITE_PREPARE_PERSISTENT,
                                &s->rollback, NULL);
    return rc == SQLITE_OK ? CC_OK : store_fail(s, rc, "opening the database", err);
}

/* ---- meta -------------------------------------------------------------- */

int store_meta_get(store *s, const char *key, char *out, size_t outsz, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st,
                                NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading settings", err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    out[0] = '\0';
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading settings", err);
    return CC_OK;
}

int store_meta_set(store *s, const char *key, const char *value, cc_err *err)
{
    sqlite3_stmt *st;
    int rc =
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "saving settings", err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "saving settings", err);
}

/* ---- opening ----------------------------------------------------------- */

static store *store_alloc(const char *path, cc_err *err)
{
    store *s = cc_calloc(1, sizeof *s);
    if (!s) {
        cc_err_set(err, CC_EDATA, "out of memory");
        return NULL;
    }
    s->lock_fd = -1;
    s->busy_ms = STORE_BUSY_DEFAULT;
    s->last_anchor_ms = clock_mono_ms();
    if (vfs_install(0) != SQLITE_OK ||
        vfs_full_path(path, s->path, sizeof s->path) != SQLITE_OK) {
        cc_err_set(err, CC_EUSAGE, "cannot use database path %s", path);
        free(s);
        return NULL;
    }
    snprintf(s->keys_path, sizeof s->keys_path, "%s.keys", s->path);
    snprintf(s->lock_path, sizeof s->lock_path, "%s.lock", s->path);
    return s;
}

/* Refresh the planner's statistics where SQLite thinks that helps: usually
 * nothing, sometimes an ANALYZE of a table this connection queried, bounded
 * by analysis_limit (SQLite 3.40 sets none itself). Never waits: a busy,
 * read-only or damaged store just keeps the statistics it has. (SQLite runs
 * that ANALYZE inside the PRAGMA, where a busy write lock fails at once; the
 * busy handler goes first all the same, so no SQLite version and no step of
 * it can hold a close for the 30 s busy limit.) */
static void store_optimize(store *s)
{
    sqlite3_busy_handler(s->db, NULL, NULL);
    sqlite3_exec(s->db, "PRAGMA analysis_limit = 400; PRAGMA optimize", NULL, NULL,
                 NULL);
    vfs_clear_error();
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->db) {
        store_rollback(s);
        if (sqlite3_db_readonly(s->db, "main") == 0)
            store_optimize(s);
        sqlite3_finalize(s->rollback);
        s->rollback = NULL;
        stmtcache_forget(s->db);
        sqlite3_close_v2(s->db);
    }
    vfs_key_detach(s->path);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    keyfile_free(s->kf);
    if (s->masters)
        sodium_free(s->masters);
    if (s->audit_key)
        sodium_free(s->audit_key);
    sodium_memzero(s, sizeof *s);
    free(s);
}

/* Take <db>.lock shared (exclusive for a rekey), waiting up to the busy
 * limit while a rekey holds it. */
int store_lock(store *s, int exclusive, cc_err *err)
{
    if (s->lock_fd < 0)
        s->lock_fd =
            open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
    if (s->lock_fd < 0)
        return cc_err_set(err, CC_EDATA, "cannot open %s: %s", s->lock_path,
                          strerror(errno));
    if (exclusive)
        return flock(s->lock_fd, LOCK_EX | LOCK_NB) == 0
                   ? CC_OK
                   : cc_err_set(err, CC_EBUSY,
                                "others have the database open; rekey needs it alone");
    int64_t start = clock_mono_ms();
    while (flock(s->lock_fd, LOCK_SH | LOCK_NB) != 0) {
        if (clock_mono_ms() - start >= s->busy_ms)
            return cc_err_set(err, CC_EBUSY,
                              "database busy (being rekeyed), try again");
        sleep_us(50000);
    }
    return CC_OK;
}

int store_cache_kib(void)
{
    const char *v = hook_env(HOOK_CACHE_KIB);
    char *end;
    long kib = v && *v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && kib >= 256 && kib <= 1048576 ? (int)kib
                                                            : STORE_CACHE_KIB;
}

void store_release_memory(store *s)
{
    sqlite3_db_release_memory(s->db);
#ifdef __GLIBC__
    malloc_trim(0); /* the freed pages lie amid the heap: hand them back */
#endif
}

/* Every page the cache misses costs an AEAD open: size it to hold a large
 * store's working set (docs/PERFORMANCE.md). */
static int set_cache(store *s, cc_err *err)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", store_cache_kib());
    return store_exec(s, sql, err);
}

/* The CARECOORD_SQL_PROFILE test hook: each statement's run time and the
 * start of its text (never its bound values) appended to a file. */
static int profile_line(unsigned kind, void *arg, void *stmt, void *ns)
{
    (void)kind;
    const char *sql = sqlite3_sql((sqlite3_stmt *)stmt);
    char flat[161];
    size_t n = 0;
    for (const char *p = sql ? sql : ""; *p && n < sizeof flat - 1; p++)
        flat[n++] = *p == '\n' || *p == '\t' ? ' ' : *p;
    flat[n] = '\0';
    fprintf((FILE *)arg, "%10.3f %s\n", (double)*(sqlite3_int64 *)ns / 1e6, flat);
    return 0;
}

static void profile_start(sqlite3 *db)
{
    static FILE *out;
    const char *path = hook_env(HOOK_SQL_PROFILE);
    if (!path)
        return;
    if (!out) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0 || !(out = fdopen(fd, "a"))) {
            if (fd >= 0)
                close(fd);
            return;
        }
        setvbuf(out, NULL, _IOLBF, 0);
    }
    sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, profile_line, out);
}

int store_configure(store *s, cc_err *err)
{
    static const char *const pragmas = "PRAGMA journal_mode = WAL;"
                                       "PRAGMA synchronous = FULL;"
                                       "PRAGMA foreign_keys = ON;"
                                       "PRAGMA trusted_schema = OFF;"
                                       "PRAGMA secure_delete = ON;"
                                       "PRAGMA temp_store = MEMORY;"
                                       "PRAGMA mmap_size = 0;"
                                       "PRAGMA cell_size_check = ON;";
    sqlite3 *db = s->db;
    profile_start(db);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_busy_handler(db, busy_wait, s);
    sqlite3_extended_result_codes(db, 1);
    int reserve = VFS_RESERVE;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    vfs_clear_error();
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "opening the database", err);
    if (guard_install(s, err) != CC_OK)
        return err->code;
    return set_cache(s, err);
}

/* Attach the page key of every key generation to the VFS for s->path. */
static int attach_keys(store *s, cc_err *err)
{
    uint8_t *pk = cc_malloc_with(sodium_malloc, VFS_KEY_BYTES);
    int n = keyfile_gen_count(s->kf);
    int rc = SQLITE_OK;
    if (!pk)
        return cc_err_set(err, CC_EDATA, "out of memory");
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        store_page_key(s->masters + (size_t)i * STORE_KEY_BYTES, pk);
        rc = vfs_key_attach(s->path, keyfile_gen_id(s->kf, i), pk);
    }
    sodium_free(pk); /* store_close detaches whatever was attached */
    return rc == SQLITE_OK ? CC_OK : store_fail(s, rc, "attaching the keys", err);
}

/* Which key generation the database file is written under. */
static void find_active_gen(store *s)
{
    const uint8_t *active = vfs_active_id(s->path);
    for (int i = 0; active && i < keyfile_gen_count(s->kf); i++)
        if (memcmp(active, keyfile_gen_id(s->kf, i), VFS_DBID_BYTES) == 0)
            s->active_gen = i;
}

/* Attach the keys, open SQLite, configure, migrate. */
static int open_db(store *s, int create, cc_err *err)
{
    int rc;
    if (attach_keys(s, err) != CC_OK)
        return err->code;
    if (store_lock(s, 0, err) != CC_OK || (create && store_precreate(s->path, err)))
        return err->code;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
                (create ? SQLITE_OPEN_CREATE : 0);
    vfs_clear_error();
    rc = sqlite3_open_v2(s->path, &s->db, flags, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "opening the database", err);
    if (store_configure(s, err) != CC_OK)
        return err->code;
    find_active_gen(s);
    if (migrate_apply(s, err) != CC_OK)
        return err->code;
    return store_finish_rekey(s, err);
}

static int load_keys(store *s, cc_err *err)
{
    if (keyfile_load(s->keys_path, &s->kf, err) != CC_OK)
        return err->code;
    s->masters = cc_malloc_with(sodium_malloc,
                                (size_t)keyfile_gen_count(s->kf) * STORE_KEY_BYTES);
    return s->masters ? CC_OK : cc_err_set(err, CC_EDATA, "out of memory");
}

static int require_db_file(store *s, cc_err *err)
{
    struct stat st;
    if (stat(s->path, &st) != 0)
        return cc_err_set(err, CC_EUSAGE,
                          "no database at %s (create one with init or demo)", s->path);
    if (st.st_size < VFS_PAGE_SIZE)
        return cc_err_set(err, CC_EDATA,
                          "database %s is empty or truncated (%lld bytes)", s->path,
                          (long long)st.st_size);
    return CC_OK;
}

static void log_failed_unlock(const char *login, const char *path)
{
    openlog("carecoord", LOG_PID, LOG_AUTH);
    syslog(LOG_WARNING, "failed unlock for %s by uid %u on %s", login,
           (unsigned)getuid(), path);
    closelog();
}

static int finish_open(store *s, int create, store **out, cc_err *err)
{
    if (open_db(s, create, err) != CC_OK) {
        store_close(s);
        return err->code;
    }
    *out = s;
    return CC_OK;
}

int store_open(const char *path, const char *login, const char *passphrase, store **out,
               cc_err *err)
{
    store *s = store_alloc(path, err);
    *out = NULL;
    if (!s)
        return err->code;
    if (require_db_file(s, err) != CC_OK || load_keys(s, err) != CC_OK) {
        store_close(s);
        return err->code;
    }
    if (keyfile_unlock(s->kf, login, passphrase, s->masters, err) != CC_OK) {
        if (err->code == CC_EREFUSED) {
            log_failed_unlock(login, s->path);
        } else {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            cc_err_set(err, err->code, "%s: %s", s->keys_path, msg);
        }
        store_close(s);
        return err->code;
    }
    snprintf(s->login, sizeof s->login, "%s", login);
    return finish_open(s, 0, out, err);
}

/* The recovery slot that unlocked s is the one the database recorded. */
static int recovery_slot_recorded(store *s, cc_err *err)
{
    char want[2 * STORE_KEY_BYTES + 1], have[2 * STORE_KEY_BYTES + 1];
    const uint8_t *pk = keyfile_slot_pk(s->kf, KF_RECOVERY_LOGIN);
    if (store_meta_get(s, "recovery_pk", want, sizeof want, err) != CC_OK)
        return err->code;
    sodium_bin2hex(have, sizeof have, pk, STORE_KEY_BYTES);
    if (!want[0] || sodium_memcmp(want, have, sizeof have) != 0)
        return cc_err_set(err, CC_EREFUSED,
                          "the recovery slot in %s is not the one this database "
                          "recorded (key file altered?): refused",
                          s->keys_path);
    return CC_OK;
}

int store_open_recovery(const char *path, const uint8_t key[STORE_KEY_BYTES],
                        store **out, cc_err *err)
{
    store *s = store_alloc(path, err);
    *out = NULL;
    if (!s)
        return err->code;
    if (require_db_file(s, err) != CC_OK || load_keys(s, err) != CC_OK) {
        store_close(s);
        return err->code;
    }
    if (keyfile_unlock_recovery(s->kf, key, s->masters, err) != CC_OK) {
        if (err->code == CC_EREFUSED && keyfile_has_slot(s->kf, KF_RECOVERY_LOGIN))
            log_failed_unlock(KF_RECOVERY_LOGIN, s->path);
        store_close(s);
        return err->code;
    }
    snprintf(s->login, sizeof s->login, "%s", KF_RECOVERY_LOGIN);
    if (finish_open(s, 0, out, err) != CC_OK)
        return err->code;
    if (recovery_slot_recorded(s, err) != CC_OK) {
        store_close(s);
        *out = NULL;
        return err->code;
    }
    return CC_OK;
}

int store_open_with_key(const char *path, const uint8_t master[STORE_KEY_BYTES],
                        store **out, cc_err *err)
{
    store *s = store_alloc(path, err);
    *out = NULL;
    if (!s)
        return err->code;
    if (require_db_file(s, err) != CC_OK || load_keys(s, err) != CC_OK) {
        store_close(s);
        return err->code;
    }
    for (int i = 0; i < keyfile_gen_count(s->kf); i++)
        memcpy(s->masters + (size_t)i * STORE_KEY_BYTES, master, STORE_KEY_BYTES);
    return finish_open(s, 0, out, err);
}

/* Read-only connection settings: no WAL switch, no writes at all. */
static int configure_readonly(store *s, cc_err *err)
{
    int reserve = VFS_RESERVE;
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
    vfs_clear_error();
    int rc = sqlite3_exec(s->db,
                          "PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;"
                          "PRAGMA mmap_size = 0; PRAGMA cell_size_check = ON;"
                          "PRAGMA trusted_schema = OFF;",
                          NULL, NULL, NULL);
    return rc == SQLITE_OK ? CC_OK : store_fail(s, rc, "opening the database", err);
}

/* "file:PATH?immutable=1": SQLite then creates no -wal or -shm beside it. */
static void immutable_uri(const char *path, char *out, size_t n)
{
    size_t o = (size_t)snprintf(out, n, "file:");
    for (const char *p = path; *p && o + 4 < n; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            o += (size_t)snprintf(out + o, n - o, "%%%02X", (unsigned char)*p);
        else
            out[o++] = *p;
    }
    snprintf(out + o, n - o, "?immutable=1");
}

static int open_readonly_db(store *s, cc_err *err)
{
    if (attach_keys(s, err) != CC_OK)
        return err->code;
    char uri[3 * sizeof s->path + 32];
    immutable_uri(s->path, uri, sizeof uri);
    vfs_clear_error();
    int rc = sqlite3_open_v2(uri, &s->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                 SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE,
                             NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "opening the database", err);
    find_active_gen(s);
    return configure_readonly(s, err);
}

int store_open_readonly(const char *path, const char *login, const char *passphrase,
                        store **out, cc_err *err)
{
    store *s = store_alloc(path, err);
    *out = NULL;
    if (!s)
        return err->code;
    s->no_anchor = 1;
    if (require_db_file(s, err) != CC_OK || load_keys(s, err) != CC_OK ||
        keyfile_unlock(s->kf, login, passphrase, s->masters, err) != CC_OK ||
        open_readonly_db(s, err) != CC_OK) {
        if (err->code == CC_EREFUSED)
            log_failed_unlock(login, s->path);
        store_close(s);
        return err->code;
    }
    snprintf(s->login, sizeof s->login, "%s", login);
    *out = s;
    return CC_OK;
}

static int refuse_existing(store *s, cc_err *err)
{
    struct stat st;
    if (stat(s->path, &st) == 0 || stat(s->keys_path, &st) == 0)
        return cc_err_set(err, CC_EUSAGE, "%s already exists: refusing to overwrite it",
                          stat(s->path, &st) == 0 ? s->path : s->keys_path);
    return CC_OK;
}

/* Make the key file for a new database under master; slot for login if any. */
static int create_keys(store *s, const uint8_t *master, const char *login,
                       const char *passphrase, cc_err *err)
{
    uint8_t id[VFS_DBID_BYTES];
    randombytes_buf(id, sizeof id);
    s->kf = keyfile_new(id);
    s->masters = cc_malloc_with(sodium_malloc, STORE_KEY_BYTES);
    if (!s->kf || !s->masters)
        return cc_err_set(err, CC_EDATA, "out of memory");
    memcpy(s->masters, master, STORE_KEY_BYTES);
    if (login) {
        const uint8_t *const masters[1] = {s->masters};
        if (keyfile_add_slot(s->kf, login, passphrase, masters, pwhash_ops, 0, err) !=
            CC_OK)
            return err->code;
        snprintf(s->login, sizeof s->login, "%s", login);
    }
    return keyfile_save(s->kf, s->keys_path, err);
}

static int create_common(const char *path, const uint8_t *master, const char *login,
                         const char *passphrase, store **out, cc_err *err)
{
    store *s = store_alloc(path, err);
    *out = NULL;
    if (!s)
        return err->code;
    if (refuse_existing(s, err) != CC_OK ||
        create_keys(s, master, login, passphrase, err) != CC_OK) {
        store_close(s);
        return err->code;
    }
    if (open_db(s, 1, err) != CC_OK) {
        char tmp[4200];
        store_close(s);
        unlink(path);
        snprintf(tmp, sizeof tmp, "%s.keys", path);
        unlink(tmp);
        return err->code;
    }
    *out = s;
    return CC_OK;
}

int store_create(const char *path, const char *login, const char *passphrase,
                 store **out, cc_err *err)
{
    if (sodium_init() < 0)
        return cc_err_set(err, CC_EDATA, "libsodium failed to initialise");
    uint8_t *master = cc_malloc_with(sodium_malloc, STORE_KEY_BYTES);
    if (!master)
        return cc_err_set(err, CC_EDATA, "out of memory");
    randombytes_buf(master, STORE_KEY_BYTES);
    int rc = create_common(path, master, login, passphrase, out, err);
    sodium_free(master);
    return rc;
}

int store_create_with_key(const char *path, const uint8_t master[STORE_KEY_BYTES],
                          store **out, cc_err *err)
{
    return create_common(path, master, NULL, NULL, out, err);
}

/* ---- key slots --------------------------------------------------------- */

/* Reload the key file (another process may have changed it since we opened)
 * and apply fn to it, then save atomically. Caller holds the write lock. */
static int slot_update(store *s, int (*fn)(store *, keyfile *, const void *, cc_err *),
                       const void *arg, cc_err *err)
{
    keyfile *kf;
    if (keyfile_load(s->keys_path, &kf, err) != CC_OK)
        return err->code;
    if (fn(s, kf, arg, err) != CC_OK || keyfile_save(kf, s->keys_path, err) != CC_OK) {
        keyfile_free(kf);
        return err->code;
    }
    keyfile_free(s->kf);
    s->kf = kf;
    return CC_OK;
}

struct slot_args {
    const char *login, *pass, *new_pass;
};

static int do_slot_add(store *s, keyfile *kf, const void *arg, cc_err *err)
{
    const struct slot_args *a = arg;
    const uint8_t *masters[KF_MAX_GENS];
    int n = keyfile_gen_count(kf);
    if (n != 1)
        return cc_err_set(err, CC_EBUSY, "a rekey is in progress; try again");
    masters[0] = store_master(s);
    return keyfile_add_slot(kf, a->login, a->pass, masters, pwhash_ops, 0, err);
}

static int do_slot_remove(store *s, keyfile *kf, const void *arg, cc_err *err)
{
    const struct slot_args *a = arg;
    (void)s;
    if (!keyfile_has_slot(kf, a->login))
        return CC_OK;
    return keyfile_remove_slot(kf, a->login, err);
}

static int do_slot_passwd(store *s, keyfile *kf, const void *arg, cc_err *err)
{
    const struct slot_args *a = arg;
    (void)s;
    return keyfile_change_passphrase(kf, a->login, a->pass, a->new_pass, err);
}

static int do_recovery_set(store *s, keyfile *kf, const void *arg, cc_err *err)
{
    const uint8_t *masters[KF_MAX_GENS];
    char hex[2 * STORE_KEY_BYTES + 1];
    if (keyfile_gen_count(kf) != 1)
        return cc_err_set(err, CC_EBUSY, "a rekey is in progress; try again");
    masters[0] = store_master(s);
    if (keyfile_set_recovery(kf, arg, masters, pwhash_ops, 0, err) != CC_OK)
        return err->code;
    sodium_bin2hex(hex, sizeof hex, keyfile_slot_pk(kf, KF_RECOVERY_LOGIN),
                   STORE_KEY_BYTES);
    return store_meta_set(s, "recovery_pk", hex, err);
}

int store_recovery_set(store *s, const uint8_t key[STORE_KEY_BYTES], cc_err *err)
{
    return slot_update(s, do_recovery_set, key, err);
}

int store_recovery_exists(store *s)
{
    return keyfile_has_slot(s->kf, KF_RECOVERY_LOGIN);
}

int store_opened_by_recovery(const store *s)
{
    return strcmp(s->login, KF_RECOVERY_LOGIN) == 0;
}

int store_slot_add(store *s, const char *login, const char *passphrase, cc_err *err)
{
    struct slot_args a = {login, passphrase, NULL};
    return slot_update(s, do_slot_add, &a, err);
}

int store_slot_remove(store *s, const char *login, cc_err *err)
{
    struct slot_args a = {login, NULL, NULL};
    return slot_update(s, do_slot_remove, &a, err);
}

int store_slot_passwd(store *s, const char *login, const char *old_pass,
                      const char *new_pass, cc_err *err)
{
    struct slot_args a = {login, old_pass, new_pass};
    return slot_update(s, do_slot_passwd, &a, err);
}

const uint8_t *store_slot_pk(store *s, const char *login)
{
    return keyfile_slot_pk(s->kf, login);
}

int store_slot_exists(store *s, const char *login)
{
    return keyfile_has_slot(s->kf, login);
}
