/*
 * alloc.h — the program's own heap allocations (SQLite's go through its own
 * allocator), through one gate: a test build can make the Nth of them fail,
 * so the failure tests reach every "out of memory" path. In any other build
 * the gate never closes and these are malloc, calloc, realloc and strdup.
 */
#ifndef CC_ALLOC_H
#define CC_ALLOC_H

#include <stddef.h>

/* malloc, calloc, realloc, strdup, strndup: NULL when out of memory (or
 * when the test hook says so). */
void *cc_malloc(size_t n);
void *cc_calloc(size_t count, size_t size);
void *cc_realloc(void *p, size_t n);
char *cc_strdup(const char *s);
char *cc_strndup(const char *s, size_t n);

/* alloc(n) through the same gate, for allocators of their own (sodium_malloc
 * for keys). */
void *cc_malloc_with(void *(*alloc)(size_t), size_t n);

/* Test hook (a build with -Dtest_hooks=true; a no-op in any other): from
 * now on fail allocation number nth (from 1), and with sticky every later
 * one too; counting starts afresh. nth 0 disarms. */
void alloc_fail_at(long nth, int sticky);

/* Allocations through the gate since the last alloc_fail_at (test builds;
 * always 0 in any other). */
long alloc_count(void);

#endif
