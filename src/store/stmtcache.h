/*
 * stmtcache.h — prepared statements kept for reuse, so that a statement the
 * core runs once per change (an identifier lookup, an audit entry) is
 * compiled once per connection, not once per use. A statement is taken
 * with stmtcache_get and given back with stmtcache_put, which resets it and
 * clears its bindings; a statement never taken from the cache may be given
 * back too (it is kept if there is room, finalized otherwise). Safe to use
 * from several threads, each with its own connection.
 */
#ifndef CC_STMTCACHE_H
#define CC_STMTCACHE_H

#include <sqlite3.h>

/* A statement for sql on db: a cached one not in use, or a new one
 * (prepared persistent). NULL with *rc set if sql does not compile. */
sqlite3_stmt *stmtcache_get(sqlite3 *db, const char *sql, int *rc);

/* Give st back (NULL is ignored): reset, bindings cleared, kept for the
 * next stmtcache_get of the same text on the same connection. */
void stmtcache_put(sqlite3_stmt *st);

/* Finalize every statement kept for db; call before closing it. */
void stmtcache_forget(sqlite3 *db);

/* How many statements were reused and how many compiled (for benchmarks). */
void stmtcache_counts(long long *hits, long long *misses);

#endif
