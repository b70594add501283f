/*
 * maint.h — whole-store operations: check, backup, VACUUM INTO, rekey.
 *
 * Every copy stays encrypted: a backup or VACUUM INTO copy gets its own
 * database id and a key file with the same slots, so staff open it with their
 * usual passphrase while its pages cannot be swapped with the live ones.
 */
#ifndef CC_MAINT_H
#define CC_MAINT_H

#include <stdint.h>

#include "audit.h"
#include "store.h"

typedef struct store_check_result {
    int64_t pages;      /* database pages authenticated */
    int64_t wal_frames; /* WAL frames authenticated */
    int64_t bad_pages;  /* pages or frames that failed */
    char first_bad[512];
    char integrity[256]; /* "ok" or SQLite's first complaint */
} store_check_result;

/* Authenticate every page of the database file (but the lock-byte page)
 * and every frame of its WAL, and run SQLite's integrity check. CC_OK if the
 * check ran; res says what it found. */
int store_check(store *s, store_check_result *res, cc_err *err);

/* SQLite's PENDING_BYTE: the lock bytes sit at this file offset. */
#define STORE_PENDING_BYTE 0x40000000LL

/* The page SQLite never writes in a database of page_size-byte pages: the
 * one holding the lock bytes (262145 at 4096-byte pages). */
int64_t store_lock_byte_page(int page_size);

/* Write a consistent encrypted copy to dest (and dest.keys) while others
 * keep working. Refuses to overwrite. */
int store_backup(store *s, const char *dest, cc_err *err);

/* The same through VACUUM INTO (a compacted copy): written to DEST.tmp,
 * synced, renamed over dest, so dest is whole or absent; a copy killed
 * part-way leaves DEST.tmp, which the next open of s's database removes. */
int store_vacuum_into(store *s, const char *dest, cc_err *err);

/* Re-encrypt every page under a new master key, sealed to every existing
 * slot. Needs the database to itself (CC_EBUSY otherwise). Crash-safe: at
 * every instant the database file opens under exactly one key. */
int store_rekey(store *s, cc_err *err);

/* Test hook: stop store_rekey after step n (1..4) as if the process died. */
void store_rekey_crash_after(int n);

/* ---- restore -------------------------------------------------------- */

typedef struct store_restore_info {
    int64_t pages;     /* backup pages authenticated */
    int64_t entries;   /* audit entries verified */
    audit_anchor head; /* the backup's audit head */
    char head_at[32];  /* the time of its last entry: the backup's date */
} store_restore_info;

/* A restore to a path while it runs: the staged copy it writes beside the
 * target and the locked marker that tells a later open of the target the
 * restore is alive (so its staged copy is kept) or dead (removed). */
typedef struct store_restore_run {
    char to[4096];     /* the target, as a full path */
    char staged[4200]; /* <to>.restore */
    char marker[4300]; /* <to>.restore-<hex> */
    int fd;            /* holds the marker's lock; -1 when ended */
} store_restore_run;

/* Start a restore to to: name its staged copy (run->staged) and hold its
 * marker until store_restore_end. CC_EBUSY if another restore to to is
 * running. A restore that dies before its end leaves a staged copy that
 * the next open of to removes. */
int store_restore_begin(const char *to, store_restore_run *run, cc_err *err);

/* End a restore run (done or failed): its staged copy, if still there, and
 * its marker are removed. */
void store_restore_end(store_restore_run *run);

/* Open the backup at backup read-only as login, authenticate every page,
 * run SQLite's integrity check and verify its audit chain; only then copy
 * it to staged (and staged.keys) under a new database id. Any failure is
 * CC_EDATA naming what is wrong, and nothing is written. */
int store_restore_stage(const char *backup, const char *login, const char *passphrase,
                        const char *staged, store_restore_info *info,
                        store_progress_fn fn, void *arg, cc_err *err);

/* Refuse (CC_EREFUSED) if a database or key file exists at to, unless
 * force. */
int store_restore_refuse(const char *to, int force, cc_err *err);

/* Record in the staged copy s that it was restored from backup (its own
 * transaction); s is then never anchored under its staged path. */
int store_restore_note(store *s, const char *backup, cc_err *err);

/* Move the staged copy (and its key file) to to, replacing what is there
 * only with force and only while nobody has it open (CC_EBUSY otherwise),
 * then anchor head as the head of the database at to. */
int store_restore_commit(const char *staged, const char *to, int force,
                         const audit_anchor *head, cc_err *err);

/* Remove a staged copy and its key and lock files. */
void store_restore_discard(const char *staged);

#endif
