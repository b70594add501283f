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

/* The same through VACUUM INTO (a compacted copy). */
int store_vacuum_into(store *s, const char *dest, cc_err *err);

/* Re-encrypt every page under a new master key, sealed to every existing
 * slot. Needs the database to itself (CC_EBUSY otherwise). Crash-safe: at
 * every instant the database file opens under exactly one key. */
int store_rekey(store *s, cc_err *err);

/* Test hook: stop store_rekey after step n (1..4) as if the process died. */
void store_rekey_crash_after(int n);

#endif
