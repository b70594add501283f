/*
 * store.h — the encrypted store: one SQLite connection over the carecoord VFS,
 * opened with a staff member's key slot, with transactions that never surface
 * SQLITE_BUSY before a generous limit.
 *
 * The store knows nothing of clients or roles. It owns the database file, its
 * key file (<db>.keys) and lock file (<db>.lock), the connection settings,
 * migrations, and the audit chain (audit.h) that every change writes into in
 * its own transaction.
 */
#ifndef CC_STORE_H
#define CC_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

typedef struct store store;

#define STORE_KEY_BYTES    32
#define STORE_BUSY_DEFAULT 30000 /* ms before "database busy, try again" */
#define STORE_CACHE_KIB    65536 /* page cache, allocated as pages are read */

/* Create a new database at path and its key file, with a first slot for
 * login (the first administrator) under passphrase. Refuses to overwrite. */
int store_create(const char *path, const char *login, const char *passphrase,
                 store **out, cc_err *err);

/* Open the database at path as login, unlocking login's key slot. A wrong
 * passphrase is CC_EREFUSED "wrong passphrase for LOGIN", logged to syslog
 * (auth facility), and leaves every file untouched. */
int store_open(const char *path, const char *login, const char *passphrase, store **out,
               cc_err *err);

/* Open the database at path with the site's recovery key (the recovery
 * slot of the key file, never a person's). Refused (CC_EREFUSED) when the
 * key is wrong (logged to syslog like a wrong passphrase) or when the
 * recovery slot is not the one the database recorded (meta recovery_pk: a
 * slot forged by someone able to write the key file). store_login() is then
 * KF_RECOVERY_LOGIN, which no staff account can log in as. */
int store_open_recovery(const char *path, const uint8_t key[STORE_KEY_BYTES],
                        store **out, cc_err *err);

/* Test-only: create or open with a raw master key, skipping Argon2id. The
 * key file of a store created this way has no slots. */
int store_create_with_key(const char *path, const uint8_t master[STORE_KEY_BYTES],
                          store **out, cc_err *err);
int store_open_with_key(const char *path, const uint8_t master[STORE_KEY_BYTES],
                        store **out, cc_err *err);

/* Close the connection, wipe keys, release the lock. NULL is fine. First
 * lets SQLite refresh its planner statistics (PRAGMA optimize), never
 * waiting for a busy database and ignoring any failure. */
void store_close(store *s);

/* The page cache a store opens with, in KiB: STORE_CACHE_KIB, or the test
 * hook CARECOORD_CACHE_KIB (256..1048576; test builds only, see hooks.h). */
int store_cache_kib(void);

/* Give back the page cache's unused pages (after a one-off sweep of the
 * whole store, so a session does not keep them). */
void store_release_memory(store *s);

/* The underlying connection (for prepared statements with bound values). */
sqlite3 *store_db(store *s);

/* Absolute paths of the database and its key file. */
const char *store_path(const store *s);
const char *store_keys_path(const store *s);

/* The login that unlocked the store ("" when opened with a raw key). */
const char *store_login(const store *s);

/* The staff id the store's own audit entries (backup, rekey) name. */
void store_set_actor(store *s, int64_t staff_id);

/* Milliseconds to keep retrying a busy database (default 30 s). */
void store_set_busy_limit(store *s, int ms);

/* BEGIN IMMEDIATE, retrying with jitter until the busy limit; CC_EBUSY
 * "database busy, try again" after it. Until the store_commit or
 * store_rollback that ends it, nothing but store_commit can commit on s
 * (the commit guard): any other commit is turned into a rollback. */
int store_begin(store *s, cc_err *err);

/* COMMIT; on failure the transaction is rolled back and err says why.
 * CC_EDATA "commit: nothing was saved: WHY" if SQLite had already rolled it
 * back (an I/O or memory error that a step did not pass on). */
int store_commit(store *s, cc_err *err);

/* ROLLBACK if a transaction is open (retried: it needs no allocation, but
 * its fallback does). */
void store_rollback(store *s);

/* Run constant SQL (no user data ever goes through this). */
int store_exec(store *s, const char *sql, cc_err *err);

/* Translate an SQLite result code from this connection into err: busy ->
 * CC_EBUSY, authentication failures -> CC_EDATA naming file and page,
 * constraint -> CC_EINPUT, a full disk -> CC_EDATA "disk full", other I/O
 * errors -> "disk I/O error" naming the file, no memory -> "out of
 * memory", a commit the guard refused -> "nothing was saved". what says
 * what was being done. Returns the code. */
int store_fail(store *s, int rc, const char *what, cc_err *err);

/* CC_OK if rc, the last sqlite3_step of a read, ended it well (a row or
 * done); else store_fail's report of what went wrong. */
int store_step_ok(store *s, int rc, const char *what, cc_err *err);

/* The master key of the database generation in use (for sealing it to new
 * key slots); valid while s is open. */
const uint8_t *store_master(const store *s);

/* Add or replace login's key slot under passphrase and save the key file
 * atomically. Call inside a write transaction (that serialises key file
 * writers); the caller audits. */
int store_slot_add(store *s, const char *login, const char *passphrase, cc_err *err);

/* Remove login's key slot (no-op if none) and save the key file. */
int store_slot_remove(store *s, const char *login, cc_err *err);

/* Change login's passphrase in the key file after checking the old one. */
int store_slot_passwd(store *s, const char *login, const char *old_pass,
                      const char *new_pass, cc_err *err);

/* Inside a write transaction: replace the recovery slot with one under key
 * (the old key stops working), record its public key (meta recovery_pk),
 * then save the key file. The caller audits, and removes the slot again
 * (store_slot_remove(s, KF_RECOVERY_LOGIN, ...)) if its commit fails. */
int store_recovery_set(store *s, const uint8_t key[STORE_KEY_BYTES], cc_err *err);

/* True if the key file has a recovery slot. */
int store_recovery_exists(store *s);

/* True if s was opened with the recovery key (store_open_recovery). */
int store_opened_by_recovery(const store *s);

/* The public key of login's slot (32 bytes) or NULL. */
const uint8_t *store_slot_pk(store *s, const char *login);

/* True if login has a key slot. */
int store_slot_exists(store *s, const char *login);

/* Read a meta value into out (empty if missing). */
int store_meta_get(store *s, const char *key, char *out, size_t outsz, cc_err *err);

/* Set a meta value (inside a write transaction). */
int store_meta_set(store *s, const char *key, const char *value, cc_err *err);

/* synchronous=FULL (durable, the default) or OFF (bulk building of
 * throw-away test data only; the demo generator stays durable and batches
 * its use cases instead, nest.h). */
int store_set_durable(store *s, int durable, cc_err *err);

/* Called by long store operations (check, backup, rekey, restore) with the
 * units done and the total; return non-zero to stop (unused so far). */
typedef int (*store_progress_fn)(void *arg, int64_t done, int64_t total);

/* Report the progress of s's long operations to fn (NULL: none). */
void store_set_progress(store *s, store_progress_fn fn, void *arg);

/* Open the database at path read-only as login (a backup being restored):
 * no lock file, no migration, no anchoring, nothing written. */
int store_open_readonly(const char *path, const char *login, const char *passphrase,
                        store **out, cc_err *err);

/* Override Argon2id cost for new slots (tests); 0 restores the defaults. */
void store_set_pwhash_cost(unsigned long long opslimit);

#endif
