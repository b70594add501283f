/*
 * stmtcache.c — the statement cache (see stmtcache.h): a small table of
 * slots, searched by connection and a hash of the SQL text, then by the
 * text itself. Least recently used slots of the same connection make room.
 * Only slots not handed out are ever dereferenced, so a statement a caller
 * finalized by itself (instead of giving it back) is never touched again.
 */
#include "stmtcache.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define CACHE_SLOTS 256

struct slot {
    sqlite3 *db;
    sqlite3_stmt *st;
    uint32_t hash;
    int in_use;
    uint64_t used;
};

static struct slot slots[CACHE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t tick;
static long long hits, misses;

static uint32_t hash_sql(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

sqlite3_stmt *stmtcache_get(sqlite3 *db, const char *sql, int *rc)
{
    uint32_t h = hash_sql(sql);
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct slot *s = &slots[i];
        if (s->st && s->db == db && !s->in_use && s->hash == h &&
            strcmp(sqlite3_sql(s->st), sql) == 0) {
            s->in_use = 1;
            s->used = ++tick;
            hits++;
            pthread_mutex_unlock(&lock);
            *rc = SQLITE_OK;
            return s->st;
        }
    }
    misses++;
    pthread_mutex_unlock(&lock);
    *rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (*rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* An empty slot, or the least recently used free one of db; -1 if none. */
static int victim(sqlite3 *db)
{
    int best = -1;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (!slots[i].st)
            return i;
        if (slots[i].db == db && !slots[i].in_use &&
            (best < 0 || slots[i].used < slots[best].used))
            best = i;
    }
    return best;
}

void stmtcache_put(sqlite3_stmt *st)
{
    sqlite3_stmt *drop = NULL;
    int found = -1;
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pthread_mutex_lock(&lock);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (slots[i].st != st)
            continue;
        if (found < 0)
            found = i;
        else /* a stale slot: its statement was finalized, this one is new */
            memset(&slots[i], 0, sizeof slots[i]);
    }
    if (found < 0 && (found = victim(sqlite3_db_handle(st))) >= 0) {
        drop = slots[found].st;
        slots[found].db = sqlite3_db_handle(st);
        slots[found].st = st;
        slots[found].hash = hash_sql(sqlite3_sql(st));
    } else if (found < 0) {
        drop = st;
    }
    if (found >= 0) {
        slots[found].in_use = 0;
        slots[found].used = ++tick;
    }
    pthread_mutex_unlock(&lock);
    sqlite3_finalize(drop);
}

void stmtcache_forget(sqlite3 *db)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (slots[i].db != db)
            continue;
        if (!slots[i].in_use)
            sqlite3_finalize(slots[i].st);
        memset(&slots[i], 0, sizeof slots[i]);
    }
    pthread_mutex_unlock(&lock);
}

void stmtcache_counts(long long *h, long long *m)
{
    pthread_mutex_lock(&lock);
    *h = hits;
    *m = misses;
    pthread_mutex_unlock(&lock);
}
