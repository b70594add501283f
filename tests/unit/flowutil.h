/*
 * flowutil.h — what the crash tests of whole use cases share: a seeded
 * random stream, a child process that reports each acknowledged use case
 * through a pipe in fixed-size records and is SIGKILLed at a random moment,
 * and the checks made after every kill (SQLite's integrity check, the audit
 * chain, counts through bound queries, and a directory that holds only the
 * files it may).
 */
#ifndef CC_FLOWUTIL_H
#define CC_FLOWUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* One report from the child: what it did (kind) and up to three numbers.
 * 32 bytes, so a write of one to a pipe is atomic. */
typedef struct fu_rec {
    int64_t kind, a, b, c;
} fu_rec;

#define FU_READY 1 /* the child has opened the store and starts working */

/* The records of one child's life, in the order written. */
typedef struct fu_log {
    fu_rec *recs;
    size_t n, cap;
    int ready;  /* FU_READY was read */
    int waited; /* the record the kill waited for was read */
} fu_log;

/* How to kill: delay_us after the child reported a record of kind
 * wait_kind (FU_READY: it has opened the store) whose a is wait_a (any a
 * if wait_a < 0), or after the fork if wait_kind is 0. */
typedef struct fu_kill {
    long delay_us;
    int64_t wait_kind, wait_a;
} fu_kill;

/* The next number of a splitmix64 stream (a seed replays everything). */
uint64_t fu_rng(uint64_t *state);

/* A number in 0..n-1 from the stream (n > 0). */
uint64_t fu_below(uint64_t *state, uint64_t n);

/* Sleep us microseconds (resumed after signals). */
void fu_sleep_us(long us);

/* Seconds on the monotonic clock. */
double fu_now(void);

/* In the child: write one record or _exit(FU_EXIT_PIPE). */
void fu_report(int fd, int64_t kind, int64_t a, int64_t b, int64_t c);

/* In the child: say what failed on stderr and _exit(status). */
void fu_die(int status, const char *what, const char *msg) __attribute__((noreturn));

#define FU_EXIT_OPEN 10
#define FU_EXIT_WORK 11
#define FU_EXIT_PIPE 12

/* Fork a child running fn(arg, fd) (which never returns), kill it as k
 * says, reap it (failing the test unless SIGKILL ended it) and collect its
 * records into log (which the caller frees with fu_log_free). */
void fu_run_child(void (*fn)(void *arg, int fd), void *arg, const fu_kill *k,
                  fu_log *log);

void fu_log_free(fu_log *log);

/* PRAGMA integrity_check says "ok" (failing the test otherwise). */
void fu_integrity_ok(store *s);

/* The audit chain verifies from its first entry; returns how many it has. */
int64_t fu_audit_ok(store *s);

/* The first column of sql with ?1 = a and ?2 = b bound (text ?3 = t when
 * not NULL); fails the test on an SQL error, 0 when there is no row. */
int64_t fu_int(store *s, const char *sql, int64_t a, int64_t b, const char *t);

/* The names in dir (not . and ..) that none of the allowed patterns
 * (fnmatch) matches, joined by spaces into out; returns how many. */
int fu_dir_extra(const char *dir, const char *const *allowed, char *out, size_t outsz);

/* How many names in dir match pattern (fnmatch). */
int fu_dir_count(const char *dir, const char *pattern);

/* An 8-byte fingerprint of a master key (never the key itself). */
int64_t fu_key_print(const uint8_t key[STORE_KEY_BYTES]);

/* CRASH_CYCLES (1..10,000,000) or def. */
int fu_env_cycles(int def);

/* CRASH_SEED, or one made from the clock and the pid. */
uint64_t fu_env_seed(void);

#endif
