/*
 * store_int.h — the store's private state, shared by the store's own files
 * (store.c, audit.c, migrate.c, maint.c) and by nothing above them.
 */
#ifndef CC_STORE_INT_H
#define CC_STORE_INT_H

#include <stdint.h>

#include "keyfile.h"
#include "store.h"
#include "vfs.h"

struct store {
    sqlite3 *db;
    char path[4096];
    char keys_path[4160];
    char lock_path[4160];
    char login[KF_MAX_LOGIN + 1];
    int lock_fd;
    keyfile *kf;
    uint8_t *masters; /* sodium_malloc: one master key per key-file generation */
    int active_gen;   /* the generation the database file uses */
    int busy_ms;
    int64_t busy_start;
    uint8_t *audit_key;     /* sodium_malloc, loaded on first append/verify */
    int64_t actor;          /* staff id that store-level audit entries name */
    int64_t last_anchor_ms; /* when this store last anchored its chain */
    int no_anchor;          /* read-only or staged copy: never anchor */
    store_progress_fn progress;
    void *progress_arg;
    int txn_open;           /* store_begin opened a write transaction still open */
    int committing;         /* store_commit is issuing its COMMIT (the guard) */
    int rolling_back;       /* store_rollback is rolling back */
    int lost_rc;            /* what SQLite rolled the transaction back on, if it did */
    sqlite3_stmt *rollback; /* ROLLBACK, prepared at open: rolls back without
                               parsing (no allocation) when memory runs out */
    int nest;               /* nest.h: an outer transaction holds the use cases */
    int nest_depth;         /* use cases' savepoints open inside it */
    int nest_lost;          /* the outer transaction is gone or unsafe to commit */
};

/* Report progress of a long operation (no-op without a callback). */
void store_progress(store *s, int64_t done, int64_t total);

/* Create path empty with mode 0660 less the umask (SQLite's own default
 * is 0644, so a shared data directory would get files its group cannot
 * write; the WAL and -shm then take the database's mode). An existing file
 * is left as it is. */
int store_precreate(const char *path, cc_err *err);

/* Derive the page-encryption key from a master key. */
void store_page_key(const uint8_t *master, uint8_t out[VFS_KEY_BYTES]);

/* Take <db>.lock shared, or exclusive without waiting (for a rekey). */
int store_lock(store *s, int exclusive, cc_err *err);

/* Apply the connection settings (WAL, synchronous=FULL, defensive...). */
int store_configure(store *s, cc_err *err);

/* After opening: if the key file still lists two generations (a rekey was
 * interrupted), keep only the one the database file uses and remove the
 * rekey's leftovers. */
int store_finish_rekey(store *s, cc_err *err);

/* nest.c: what store_begin, store_commit and store_rollback do instead
 * while s->nest (a SAVEPOINT, its RELEASE, ROLLBACK TO it). */
int nest_savepoint(store *s, cc_err *err);
int nest_release(store *s, cc_err *err);
void nest_rollback_to(store *s);

#endif
