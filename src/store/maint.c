/*
 * maint.c — checking, copying and rekeying the whole encrypted store.
 *
 * Copies go through SQLite (the backup API or VACUUM INTO) into a file that
 * has its own key attached in the VFS, so a copy is never plaintext, not even
 * for a moment. A rekey copies into <db>.rekey under a new master key, adds
 * that key as a second generation to the key file, renames the copy over the
 * database (the commit point), then drops the old generation. Opening
 * resolves any interrupted rekey from the database file's own id.
 *
 * A process killed in the middle leaves nothing behind that the next open
 * does not clean (store_finish_rekey): the rekey's copy, a key file's
 * temporary (<db>.keys.tmp), and a backup's or VACUUM INTO's partial copy
 * (both write DEST.tmp and rename it over DEST). A copy names
 * its destination in a marker beside the database (<db>.backup-<hex>),
 * locked (flock) while it runs and removed when it is done; a marker nobody
 * holds is a copy that died, whose partial files (DEST.tmp, DEST.keys.tmp,
 * DEST.keys without DEST) are removed. A restore to TO stages its copy at
 * TO.restore under a marker of the same kind beside TO (<to>.restore-<hex>):
 * the next open of TO removes the staged copy of a restore that died.
 */
#include "maint.h"
#include "../util/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "stmtcache.h"
#include "store_int.h"

static int crash_step;

void store_rekey_crash_after(int n)
{
    crash_step = n;
}

static void maybe_crash(int step)
{
    if (crash_step == step)
        _exit(77);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* fsync a file (not open in SQLite) and its directory. */
static int sync_file_and_dir(const char *path, cc_err *err)
{
    char dir[4200];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        if (fd >= 0)
            close(fd);
        return cc_err_set(err, CC_EDATA, "cannot sync %s: %s", path, strerror(errno));
    }
    close(fd);
    snprintf(dir, sizeof dir, "%s", path);
    fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return CC_OK;
}

static void remove_with_sidecars(const char *path)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
    char p[4200];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

/* ---- copying ----------------------------------------------------------- */

int store_precreate(const char *path, cc_err *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
    if (fd < 0 && errno != EEXIST)
        return cc_err_set(err, CC_EDATA, "cannot create %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return CC_OK;
}

/* Open a fresh encrypted file at path under (id, master) for writing. */
static int open_copy(const char *path, const uint8_t id[VFS_DBID_BYTES],
                     const uint8_t *master, sqlite3 **out, cc_err *err)
{
    uint8_t *pk = cc_malloc_with(sodium_malloc, VFS_KEY_BYTES);
    int reserve = VFS_RESERVE, rc;
    if (!pk)
        return cc_err_set(err, CC_EDATA, "out of memory");
    if (store_precreate(path, err) != CC_OK) {
        sodium_free(pk);
        return err->code;
    }
    store_page_key(master, pk);
    vfs_key_attach(path, id, pk);
    sodium_free(pk);
    vfs_clear_error();
    rc = sqlite3_open_v2(
        path, out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
        NULL);
    if (rc == SQLITE_OK) {
        sqlite3_file_control(*out, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
        rc = sqlite3_exec(*out,
                          "PRAGMA journal_mode = OFF; PRAGMA synchronous = FULL;"
                          "PRAGMA temp_store = MEMORY;",
                          NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        cc_err_set(err, CC_EDATA, "cannot create %s: %s", path,
                   vfs_last_error()[0] ? vfs_last_error() : sqlite3_errmsg(*out));
        sqlite3_close_v2(*out);
        *out = NULL;
        vfs_key_detach(path);
    }
    return rc == SQLITE_OK ? CC_OK : CC_EDATA;
}

/* Run a backup to its end in steps of 256 pages, reporting progress, on one
 * read snapshot of the source (so writers elsewhere never restart it). */
static int step_all(store *s, sqlite3_backup *b)
{
    int own = sqlite3_get_autocommit(s->db), rc;
    if (own && sqlite3_exec(s->db, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL,
                            NULL, NULL) != SQLITE_OK)
        own = 0;
    do {
        rc = sqlite3_backup_step(b, 256);
        int total = sqlite3_backup_pagecount(b);
        store_progress(s, total - sqlite3_backup_remaining(b), total);
    } while (rc == SQLITE_OK);
    if (own)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

/* Copy s's database into path, encrypted under (id, master). */
static int copy_to(store *s, const char *path, const uint8_t id[VFS_DBID_BYTES],
                   const uint8_t *master, cc_err *err)
{
    sqlite3 *dst;
    if (open_copy(path, id, master, &dst, err) != CC_OK)
        return err->code;
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
    int rc = b ? step_all(s, b) : sqlite3_errcode(dst);
    if (b)
        sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        rc = sqlite3_errcode(dst);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        store_fail(s, rc, "copying the database", err);
    sqlite3_close_v2(dst);
    vfs_key_detach(path);
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return err->code;
    return sync_file_and_dir(path, err);
}

/* Write a key file for a copy: the same slots, the copy's own id. */
static int copy_keys(store *s, const uint8_t id[VFS_DBID_BYTES], const char *dest,
                     cc_err *err)
{
    keyfile *kf;
    char path[4200];
    snprintf(path, sizeof path, "%s.keys", dest);
    if (keyfile_load(s->keys_path, &kf, err) != CC_OK)
        return err->code;
    int rc = keyfile_keep_gen(kf, keyfile_gen_id(s->kf, s->active_gen), err);
    if (rc == CC_OK)
        rc = keyfile_set_single_gen_id(kf, id, err);
    if (rc == CC_OK)
        rc = keyfile_save(kf, path, err);
    keyfile_free(kf);
    return rc;
}

static int refuse_dest(const char *dest, cc_err *err)
{
    char keys[4200];
    snprintf(keys, sizeof keys, "%s.keys", dest);
    if (exists(dest) || exists(keys))
        return cc_err_set(err, CC_EUSAGE, "%s already exists: refusing to overwrite it",
                          exists(dest) ? dest : keys);
    return CC_OK;
}

static int audit_copy(store *s, const char *action, const char *dest, cc_err *err)
{
    if (store_begin(s, err) != CC_OK)
        return err->code;
    if (audit_append(s, s->actor, action, "database", dest, err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    return store_commit(s, err);
}

/* An operation audited before it ran has failed: say so in the log too,
 * keeping err (the failure the person is told) as it was. */
static void audit_failure(store *s, const char *action, const cc_err *err)
{
    cc_err ignore = {0};
    audit_copy(s, action, err->msg, &ignore);
}

/* ---- markers of running copies ------------------------------------------ */

#define MARKER_HEX_LEN 16
#define RESTORE_SUFFIX ".restore"

/* A kind of marker: its infix (<db><infix><hex>) and how to clean up after
 * one that died, from the path it names and the database it sits beside. */
typedef struct marker_kind {
    const char *infix;
    void (*clean)(const char *named, const char *db);
} marker_kind;

/* Remove what a backup to dest that died left: its partial copy and, while
 * dest itself is missing, the key files it wrote for it. A finished backup
 * (dest there) is left alone. */
static void backup_leftovers_remove(const char *dest, const char *db)
{
    char tmp[4200], keys[4200];
    struct stat st;
    (void)db;
    if (lstat(dest, &st) == 0)
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp", dest);
    snprintf(keys, sizeof keys, "%s.keys.tmp", dest);
    unlink(keys);
    if (lstat(tmp, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    snprintf(keys, sizeof keys, "%s.keys", dest);
    unlink(keys); /* refuse_dest saw none when it started: it is the backup's */
    remove_with_sidecars(tmp);
}

/* Remove the staged copy a restore to db that died left (<db>.restore, its
 * key and lock files); a marker naming anything else removes nothing. */
static void restore_leftovers_remove(const char *staged, const char *db)
{
    char own[4200];
    snprintf(own, sizeof own, "%s" RESTORE_SUFFIX, db);
    if (strcmp(staged, own) == 0)
        store_restore_discard(staged);
}

/* A backup's (or VACUUM INTO's) marker sits beside the database copied and
 * names the destination; a restore's sits beside its target and names the
 * staged copy. */
static const marker_kind BACKUP_MARKER = {".backup-", backup_leftovers_remove};
static const marker_kind RESTORE_MARKER = {".restore-", restore_leftovers_remove};
static const marker_kind *const MARKERS[] = {&BACKUP_MARKER, &RESTORE_MARKER};

/* Create a marker of kind k beside db naming named, locked and durable
 * before the first byte of what it guards is written; *fd holds the lock
 * until marker_drop. */
static int marker_make(const char *db, const marker_kind *k, const char *named,
                       char *marker, size_t n, int *fd, cc_err *err)
{
    uint8_t rnd[MARKER_HEX_LEN / 2];
    char hex[MARKER_HEX_LEN + 1];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(marker, n, "%s%s%s", db, k->infix, hex);
    *fd = open(marker, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
    if (*fd < 0)
        return cc_err_set(err, CC_EDATA, "cannot create %s: %s", marker,
                          strerror(errno));
    size_t len = strlen(named);
    if (flock(*fd, LOCK_EX) != 0 || write(*fd, named, len) != (ssize_t)len ||
        fsync(*fd) != 0) {
        cc_err_set(err, CC_EDATA, "cannot write %s: %s", marker, strerror(errno));
        unlink(marker);
        close(*fd);
        return err->code;
    }
    return sync_file_and_dir(marker, err);
}

static void marker_drop(const char *marker, int fd)
{
    unlink(marker);
    close(fd);
}

/* One marker of kind k beside db: if no live process holds it, clean up
 * after the one that died and remove it (0); 1 if it is held. */
static int marker_resolve(const char *marker, const marker_kind *k, const char *db)
{
    char named[4097];
    int fd = open(marker, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd); /* its copy or restore is still running */
        return 1;
    }
    ssize_t n = read(fd, named, sizeof named - 1);
    if (n > 1 && (size_t)n < sizeof named - 1 && named[0] == '/') {
        named[n] = '\0';
        if (!memchr(named, '\0', (size_t)n))
            k->clean(named, db);
    }
    unlink(marker);
    close(fd);
    return 0;
}

static int is_marker_of(const char *name, const char *base, const marker_kind *k)
{
    size_t b = strlen(base), i = strlen(k->infix);
    if (strncmp(name, base, b) != 0 || strncmp(name + b, k->infix, i) != 0)
        return 0;
    const char *hex = name + b + i;
    return strlen(hex) == MARKER_HEX_LEN &&
           strspn(hex, "0123456789abcdef") == MARKER_HEX_LEN;
}

/* Every marker beside the database at db (of kind only, or of every kind
 * if NULL): the dead ones resolved; returns how many are held. */
static int markers_resolve(const char *db, const marker_kind *only)
{
    char dir[4200], base[4200], marker[8400];
    int live = 0;
    snprintf(dir, sizeof dir, "%s", db);
    snprintf(base, sizeof base, "%s", db);
    const char *b = basename(base);
    DIR *d = opendir(dirname(dir));
    struct dirent *e;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        for (size_t i = 0; i < sizeof MARKERS / sizeof *MARKERS; i++) {
            const marker_kind *k = MARKERS[i];
            if ((only && k != only) || !is_marker_of(e->d_name, b, k))
                continue;
            snprintf(marker, sizeof marker, "%s%s%s", db, k->infix,
                     e->d_name + strlen(b) + strlen(k->infix));
            live += marker_resolve(marker, k, db);
        }
    closedir(d);
    return live;
}

/* Writes a fresh copy of s into tmp under the database id id, synced. */
typedef int (*copy_fn)(store *s, const char *tmp, const uint8_t id[VFS_DBID_BYTES],
                       cc_err *err);

/* A backup's copy: the backup API, page by page, with progress. */
static int backup_write(store *s, const char *tmp, const uint8_t id[VFS_DBID_BYTES],
                        cc_err *err)
{
    return copy_to(s, tmp, id, store_master(s), err);
}

/* A compacted copy: VACUUM INTO, the key attached to tmp while it runs. */
static int vacuum_write(store *s, const char *tmp, const uint8_t id[VFS_DBID_BYTES],
                        cc_err *err)
{
    uint8_t *pk = cc_malloc_with(sodium_malloc, VFS_KEY_BYTES);
    sqlite3_stmt *st;
    if (!pk)
        return cc_err_set(err, CC_EDATA, "out of memory");
    if (store_precreate(tmp, err) != CC_OK) { /* group-rw, as a backup's */
        sodium_free(pk);
        return err->code;
    }
    store_page_key(store_master(s), pk);
    vfs_key_attach(tmp, id, pk);
    sodium_free(pk);
    sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 1); /* VACUUM INTO attaches */
    vfs_clear_error();
    int rc = sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 0);
    vfs_key_detach(tmp);
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        return store_fail(s, rc, "VACUUM INTO", err);
    return sync_file_and_dir(tmp, err);
}

/* A kind of copy: its name in messages, its audit actions, its writer. */
typedef struct copy_kind {
    const char *what, *action, *failed;
    copy_fn write;
} copy_kind;

static const copy_kind BACKUP = {"backup", "store.backup", "store.backup_failed",
                                 backup_write};
static const copy_kind VACUUM = {"copy", "store.vacuum_into",
                                 "store.vacuum_into_failed", vacuum_write};

/* The copy itself: DEST.tmp (by k's writer), DEST.keys, then the rename
 * (the commit point). On failure nothing of it is left. */
static int copy_staged(store *s, const char *full, const copy_kind *k, cc_err *err)
{
    char tmp[4200], keys[4200];
    uint8_t id[VFS_DBID_BYTES];
    snprintf(tmp, sizeof tmp, "%s.tmp", full);
    remove_with_sidecars(tmp);
    randombytes_buf(id, sizeof id);
    snprintf(keys, sizeof keys, "%s.keys", full);
    if (k->write(s, tmp, id, err) != CC_OK || copy_keys(s, id, full, err) != CC_OK) {
        unlink(keys); /* refuse_dest saw none: any there is ours */
        remove_with_sidecars(tmp);
        return err->code;
    }
    if (rename(tmp, full) != 0) {
        cc_err_set(err, CC_EDATA, "cannot rename %s into %s: %s", k->what, full,
                   strerror(errno));
        unlink(keys);
        remove_with_sidecars(tmp);
        return err->code;
    }
    sync_file_and_dir(full, err);
    return CC_OK;
}

/* A copy of s at dest, under a marker a later open can tell from a dead
 * one, audited before it runs (the copy carries its entry) and, if it
 * fails, after. */
static int copy_marked(store *s, const char *dest, const copy_kind *k, cc_err *err)
{
    char full[4096], marker[4200];
    int fd;
    if (vfs_full_path(dest, full, sizeof full) != SQLITE_OK)
        return cc_err_set(err, CC_EUSAGE, "cannot use %s path %s", k->what, dest);
    if (refuse_dest(full, err) != CC_OK ||
        marker_make(s->path, &BACKUP_MARKER, full, marker, sizeof marker, &fd, err) !=
            CC_OK)
        return err->code;
    int rc = audit_copy(s, k->action, full, err); /* the copy carries it */
    if (rc == CC_OK && (rc = copy_staged(s, full, k, err)) != CC_OK)
        audit_failure(s, k->failed, err);
    marker_drop(marker, fd);
    return rc;
}

int store_backup(store *s, const char *dest, cc_err *err)
{
    return copy_marked(s, dest, &BACKUP, err);
}

int store_vacuum_into(store *s, const char *dest, cc_err *err)
{
    return copy_marked(s, dest, &VACUUM, err);
}

/* ---- rekey ------------------------------------------------------------- */

/* A key file's temporary left by a process that died while saving it.
 * Savers hold the write lock (a rekey: the lock file exclusively, which our
 * shared lock excludes), so once we hold the write lock nobody is writing
 * it. (The slot removals that undo a failed staff or recovery change save
 * outside a transaction and ignore a failure: one racing this open is left
 * with the stale slot a crash there would have left.) Busy for 2 s: left
 * for the next open. */
static void keys_tmp_remove(store *s)
{
    char tmp[4200];
    struct stat st;
    snprintf(tmp, sizeof tmp, "%s.tmp", s->keys_path);
    if (lstat(tmp, &st) != 0)
        return;
    int busy_ms = s->busy_ms;
    cc_err ignore = {0};
    s->busy_ms = busy_ms < 2000 ? busy_ms : 2000;
    if (store_begin(s, &ignore) == CC_OK) {
        unlink(tmp);
        store_rollback(s);
    }
    s->busy_ms = busy_ms;
}

/* Beyond an interrupted rekey, the other leftovers of a process that died:
 * the key file's temporary, the partial copies of dead backups and the
 * staged copy of a dead restore to this database. */
int store_finish_rekey(store *s, cc_err *err)
{
    char leftover[4200];
    snprintf(leftover, sizeof leftover, "%s.rekey", s->path);
    remove_with_sidecars(leftover); /* we hold the lock shared: no rekey runs */
    keys_tmp_remove(s);
    markers_resolve(s->path, NULL);
    if (keyfile_gen_count(s->kf) < 2)
        return CC_OK;
    keyfile *kf;
    if (keyfile_load(s->keys_path, &kf, err) != CC_OK)
        return err->code;
    int rc = keyfile_keep_gen(kf, keyfile_gen_id(s->kf, s->active_gen), err);
    if (rc == CC_OK)
        rc = keyfile_save(kf, s->keys_path, err);
    keyfile_free(kf);
    return rc;
}

/* Reopen s on the key file and master keys it now holds. */
static int reopen(store *s, cc_err *err)
{
    stmtcache_forget(s->db);
    sqlite3_close_v2(s->db);
    s->db = NULL;
    vfs_key_detach(s->path);
    uint8_t *pk = cc_malloc_with(sodium_malloc, VFS_KEY_BYTES);
    if (!pk)
        return cc_err_set(err, CC_EDATA, "out of memory");
    store_page_key(s->masters, pk);
    vfs_key_attach(s->path, keyfile_gen_id(s->kf, 0), pk);
    sodium_free(pk);
    s->active_gen = 0;
    vfs_clear_error();
    int rc = sqlite3_open_v2(
        s->path, &s->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reopening the database", err);
    return store_configure(s, err);
}

/* Steps 2-4: copy under the new key, add it to the key file, swap files. */
static int rekey_swap(store *s, const uint8_t *id, const uint8_t *master, cc_err *err)
{
    char tmp[4200];
    keyfile *kf;
    snprintf(tmp, sizeof tmp, "%s.rekey", s->path);
    remove_with_sidecars(tmp);
    if (copy_to(s, tmp, id, master, err) != CC_OK) {
        remove_with_sidecars(tmp);
        return err->code;
    }
    maybe_crash(1);
    if (keyfile_load(s->keys_path, &kf, err) != CC_OK)
        return err->code;
    int rc = keyfile_add_gen(kf, id, master, err);
    if (rc == CC_OK)
        rc = keyfile_save(kf, s->keys_path, err);
    if (rc != CC_OK) {
        keyfile_free(kf);
        return rc;
    }
    maybe_crash(2);
    stmtcache_forget(s->db);
    sqlite3_close_v2(s->db); /* last connection: the old WAL is checkpointed away */
    s->db = NULL;
    if (rename(tmp, s->path) != 0) {
        keyfile_free(kf);
        return cc_err_set(err, CC_EDATA, "rekey: cannot rename: %s", strerror(errno));
    }
    sync_file_and_dir(s->path, err);
    maybe_crash(3);
    rc = keyfile_keep_gen(kf, id, err);
    if (rc == CC_OK)
        rc = keyfile_save(kf, s->keys_path, err);
    maybe_crash(4);
    keyfile_free(s->kf);
    s->kf = kf;
    return rc;
}

int store_rekey(store *s, cc_err *err)
{
    uint8_t id[VFS_DBID_BYTES],
        *master = cc_malloc_with(sodium_malloc, STORE_KEY_BYTES);
    if (!master)
        return cc_err_set(err, CC_EDATA, "out of memory");
    if (keyfile_gen_count(s->kf) != 1 || store_lock(s, 1, err) != CC_OK) {
        sodium_free(master);
        return keyfile_gen_count(s->kf) != 1
                   ? cc_err_set(err, CC_EBUSY, "a rekey is already in progress")
                   : err->code;
    }
    /* Audited first, so the copy under the new key carries its entry. */
    if (audit_copy(s, "store.rekey", "new master key", err) != CC_OK) {
        sodium_free(master);
        flock(s->lock_fd, LOCK_SH);
        return err->code;
    }
    int rc = store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err);
    randombytes_buf(master, STORE_KEY_BYTES);
    randombytes_buf(id, sizeof id);
    if (rc == CC_OK)
        rc = rekey_swap(s, id, master, err);
    if (rc == CC_OK) {
        memcpy(s->masters, master, STORE_KEY_BYTES);
        rc = reopen(s, err);
    }
    sodium_free(master);
    flock(s->lock_fd, LOCK_SH);
    if (rc != CC_OK && s->db)
        audit_failure(s, "store.rekey_failed", err);
    return rc;
}

/* ---- check ------------------------------------------------------------- */

static void note_bad(store_check_result *res)
{
    if (!res->bad_pages++)
        snprintf(res->first_bad, sizeof res->first_bad, "%s", vfs_last_error());
}

int64_t store_lock_byte_page(int page_size)
{
    return STORE_PENDING_BYTE / page_size + 1;
}

/* What to scan in one file: units of unit bytes after a header of hdr bytes;
 * the unit at offset skip (-1: none) is one SQLite never writes. */
typedef struct scan_spec {
    int flags;
    int64_t hdr, unit, skip;
    store *s;             /* progress to report (NULL: none) */
    int64_t *done, total; /* units scanned so far, in all files */
} scan_spec;

static int64_t units_in(const char *path, int64_t hdr, int64_t unit)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > hdr ? (st.st_size - hdr) / unit : 0;
}

/* Read every page (or frame) of one file through the VFS. */
static int scan_file(const char *path, const scan_spec *sp, int64_t *count,
                     store_check_result *res, cc_err *err)
{
    sqlite3_vfs *v = sqlite3_vfs_find(VFS_NAME);
    sqlite3_file *f = cc_calloc(1, (size_t)v->szOsFile);
    uint8_t *buf = cc_malloc((size_t)sp->unit);
    sqlite3_int64 size = 0;
    int out = 0;
    if (!f || !buf ||
        v->xOpen(v, path, f, sp->flags | SQLITE_OPEN_READONLY, &out) != SQLITE_OK) {
        int missing = f && buf && !exists(path);
        free(f);
        free(buf);
        return missing ? CC_OK : cc_err_set(err, CC_EDATA, "cannot read %s", path);
    }
    f->pMethods->xFileSize(f, &size);
    for (int64_t off = sp->hdr; off + sp->unit <= size; off += sp->unit) {
        if (off == sp->skip)
            continue;
        vfs_clear_error();
        if (f->pMethods->xRead(f, buf, (int)sp->unit, off) == SQLITE_OK)
            (*count)++;
        else
            note_bad(res);
        if (sp->s && ++*sp->done % 256 == 0)
            store_progress(sp->s, *sp->done, sp->total);
    }
    f->pMethods->xClose(f);
    sodium_memzero(buf, (size_t)sp->unit);
    free(buf);
    free(f);
    return CC_OK;
}

static int integrity(store *s, store_check_result *res, cc_err *err)
{
    sqlite3_stmt *st;
    vfs_clear_error();
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(1)", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        snprintf(res->integrity, sizeof res->integrity, "%s",
                 sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return CC_OK;
    if (rc == SQLITE_IOERR_DATA) {
        note_bad(res);
        snprintf(res->integrity, sizeof res->integrity, "not run: damaged page");
        return CC_OK;
    }
    return store_fail(s, rc, "integrity check", err);
}

int store_check(store *s, store_check_result *res, cc_err *err)
{
    char wal[4200];
    memset(res, 0, sizeof *res);
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    int64_t done = 0, total = units_in(s->path, 0, VFS_PAGE_SIZE) +
                              units_in(wal, 32, 24 + VFS_PAGE_SIZE);
    const scan_spec db = {SQLITE_OPEN_MAIN_DB,
                          0,
                          VFS_PAGE_SIZE,
                          (store_lock_byte_page(VFS_PAGE_SIZE) - 1) * VFS_PAGE_SIZE,
                          s,
                          &done,
                          total};
    const scan_spec log = {SQLITE_OPEN_WAL, 32,   24 + VFS_PAGE_SIZE, -1, s,
                           &done,           total};
    if (integrity(s, res, err) != CC_OK ||
        scan_file(s->path, &db, &res->pages, res, err) != CC_OK ||
        scan_file(wal, &log, &res->wal_frames, res, err) != CC_OK)
        return err->code;
    return CC_OK;
}

/* ---- restore ----------------------------------------------------------- */

/* Every page, integrity, the audit chain: all of it, before a byte is
 * written anywhere. */
static int restore_verify(store *b, store_restore_info *info, cc_err *err)
{
    store_check_result res;
    audit_result chain;
    memset(&res, 0, sizeof res);
    int64_t done = 0;
    const scan_spec db = {SQLITE_OPEN_MAIN_DB,
                          0,
                          VFS_PAGE_SIZE,
                          (store_lock_byte_page(VFS_PAGE_SIZE) - 1) * VFS_PAGE_SIZE,
                          b,
                          &done,
                          units_in(b->path, 0, VFS_PAGE_SIZE)};
    if (scan_file(b->path, &db, &res.pages, &res, err) != CC_OK)
        return err->code;
    if (res.bad_pages)
        return cc_err_set(err, CC_EDATA, "backup refused, nothing written: %s",
                          res.first_bad);
    if (integrity(b, &res, err) != CC_OK)
        return err->code;
    if (res.bad_pages || strcmp(res.integrity, "ok") != 0)
        return cc_err_set(err, CC_EDATA,
                          "backup refused, nothing written: integrity check: %s",
                          res.bad_pages ? res.first_bad : res.integrity);
    if (audit_verify(b, NULL, &chain, b->progress, b->progress_arg, err) != CC_OK)
        return err->code;
    if (chain.first_bad)
        return cc_err_set(err, CC_EDATA,
                          "backup refused, nothing written: audit chain broken at "
                          "entry %lld: %s",
                          (long long)chain.first_bad, chain.why);
    info->pages = res.pages;
    info->entries = chain.entries;
    info->head = chain.head;
    return audit_entry_time(b, chain.head.seq, info->head_at, err);
}

int store_restore_refuse(const char *to, int force, cc_err *err)
{
    char full[4096];
    if (vfs_install(0) != SQLITE_OK ||
        vfs_full_path(to, full, sizeof full) != SQLITE_OK)
        return cc_err_set(err, CC_EUSAGE, "cannot use path %s", to);
    if (force)
        return CC_OK;
    if (refuse_dest(full, err) != CC_OK)
        return cc_err_set(err, CC_EREFUSED,
                          "%s already exists: a restore replaces it only with --force",
                          full);
    return CC_OK;
}

int store_restore_stage(const char *backup, const char *login, const char *passphrase,
                        const char *staged, store_restore_info *info,
                        store_progress_fn fn, void *arg, cc_err *err)
{
    store *b;
    uint8_t id[VFS_DBID_BYTES];
    char wal[4200];
    memset(info, 0, sizeof *info);
    snprintf(wal, sizeof wal, "%s-wal", backup);
    if (exists(wal))
        return cc_err_set(err, CC_EUSAGE,
                          "%s has a -wal beside it: it is a database in use, not a "
                          "backup (make one with 'carecoord backup')",
                          backup);
    if (store_open_readonly(backup, login, passphrase, &b, err) != CC_OK)
        return err->code;
    store_set_progress(b, fn, arg);
    int rc = restore_verify(b, info, err);
    if (rc == CC_OK) {
        store_restore_discard(staged);
        randombytes_buf(id, sizeof id);
        rc = copy_to(b, staged, id, store_master(b), err);
        if (rc == CC_OK)
            rc = copy_keys(b, id, staged, err);
        if (rc != CC_OK)
            store_restore_discard(staged);
    }
    store_close(b);
    return rc;
}

int store_restore_note(store *s, const char *backup, cc_err *err)
{
    s->no_anchor = 1;
    return audit_copy(s, "store.restore", backup, err);
}

int store_restore_begin(const char *to, store_restore_run *run, cc_err *err)
{
    memset(run, 0, sizeof *run);
    run->fd = -1;
    if (vfs_install(0) != SQLITE_OK ||
        vfs_full_path(to, run->to, sizeof run->to) != SQLITE_OK)
        return cc_err_set(err, CC_EUSAGE, "cannot use path %s", to);
    snprintf(run->staged, sizeof run->staged, "%s" RESTORE_SUFFIX, run->to);
    if (marker_make(run->to, &RESTORE_MARKER, run->staged, run->marker,
                    sizeof run->marker, &run->fd, err) != CC_OK) {
        run->fd = -1;
        return err->code;
    }
    if (markers_resolve(run->to, &RESTORE_MARKER) > 1) { /* ours and another's */
        marker_drop(run->marker, run->fd);
        run->fd = -1;
        return cc_err_set(err, CC_EBUSY, "another restore to %s is running", run->to);
    }
    return CC_OK;
}

void store_restore_end(store_restore_run *run)
{
    if (run->fd < 0)
        return;
    store_restore_discard(run->staged);
    marker_drop(run->marker, run->fd);
    run->fd = -1;
}

void store_restore_discard(const char *staged)
{
    char p[4200];
    remove_with_sidecars(staged);
    snprintf(p, sizeof p, "%s.keys", staged);
    unlink(p);
    snprintf(p, sizeof p, "%s.lock", staged);
    unlink(p);
}

/* Hold to's lock exclusively (nobody has it open) while it is replaced. */
static int lock_target(const char *to, int *fd, cc_err *err)
{
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", to);
    *fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0660);
    if (*fd < 0)
        return cc_err_set(err, CC_EDATA, "cannot open %s: %s", lock, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
        return CC_OK;
    close(*fd);
    *fd = -1;
    return cc_err_set(err, CC_EBUSY, "others have %s open; a restore needs it alone",
                      to);
}

static int move_into_place(const char *staged, const char *to, cc_err *err)
{
    char from_keys[4200], to_keys[4200], side[4200];
    static const char *const stale[] = {"-wal", "-shm", "-journal"};
    snprintf(from_keys, sizeof from_keys, "%s.keys", staged);
    snprintf(to_keys, sizeof to_keys, "%s.keys", to);
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        snprintf(side, sizeof side, "%s%s", to,
                 stale[i]); /* the old file's, not ours */
        unlink(side);
    }
    if (rename(from_keys, to_keys) != 0 || rename(staged, to) != 0)
        return cc_err_set(err, CC_EDATA, "cannot move the restored copy to %s: %s", to,
                          strerror(errno));
    sync_file_and_dir(to_keys, err);
    return sync_file_and_dir(to, err);
}

int store_restore_commit(const char *staged, const char *to, int force,
                         const audit_anchor *head, cc_err *err)
{
    char full[4096];
    int fd = -1;
    if (store_restore_refuse(to, force, err) != CC_OK)
        return err->code;
    vfs_full_path(to, full, sizeof full);
    if (lock_target(full, &fd, err) != CC_OK)
        return err->code;
    int rc = move_into_place(staged, full, err);
    if (rc == CC_OK) /* before anyone can open it and compare */
        rc = audit_anchor_record(full, head, err);
    close(fd);
    char staged_lock[4200];
    snprintf(staged_lock, sizeof staged_lock, "%s.lock", staged);
    unlink(staged_lock);
    return rc;
}
