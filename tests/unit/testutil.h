/*
 * testutil.h — small helpers shared by the unit tests: scratch directories,
 * whole-file reads, byte flips, and a store opened with a fixed raw key (the
 * test-only path that skips Argon2id).
 */
#ifndef CC_TESTUTIL_H
#define CC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The raw master key tests use. */
extern const uint8_t tu_master[STORE_KEY_BYTES];

/* A fresh directory under $TMPDIR (or /tmp); returns a static-lifetime copy. */
char *tu_tmpdir(void);

/* dir + "/" + name in a malloc'd string. */
char *tu_path(const char *dir, const char *name);

/* Whole file into a malloc'd buffer (*n bytes); NULL if missing. */
uint8_t *tu_read(const char *path, size_t *n);

/* Write n bytes to path (creating or truncating). Returns 0 on success. */
int tu_write(const char *path, const uint8_t *buf, size_t n);

/* True if the file at path contains the bytes of needle. */
int tu_file_contains(const char *path, const char *needle);

/* XOR the byte at offset off of the file with 0x01. Returns 0 on success. */
int tu_flip(const char *path, long off);

/* Size of the file at path, -1 if missing. */
long tu_size(const char *path);

/* Copy file src to dst. Returns 0 on success. */
int tu_copy(const char *src, const char *dst);

/* Create a store at path with tu_master; fails the test on error. */
store *tu_create(const char *path);

/* Open the store at path with tu_master; fails the test on error. */
store *tu_open(const char *path);

/* Run SQL on s, failing the test on error. */
void tu_exec(store *s, const char *sql);

/* One integer from a query, failing the test on error. */
long long tu_int(store *s, const char *sql);

/* Remove dir and everything in it. */
void tu_rmrf(const char *dir);

#endif
