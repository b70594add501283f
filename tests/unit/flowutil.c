/*
 * flowutil.c — the crash tests' shared machinery (flowutil.h): the random
 * stream, the child that reports through a pipe and is killed, and the
 * checks after each kill.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flowutil.h"
#include "store/audit.h"

static uint64_t mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t fu_rng(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ULL;
    return mix64(*state);
}

uint64_t fu_below(uint64_t *state, uint64_t n)
{
    return fu_rng(state) % n;
}

void fu_sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

double fu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fu_die(int status, const char *what, const char *msg)
{
    fprintf(stderr, "crashflow child: %s: %s\n", what, msg);
    _exit(status);
}

void fu_report(int fd, int64_t kind, int64_t a, int64_t b, int64_t c)
{
    fu_rec r = {kind, a, b, c};
    if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
        fu_die(FU_EXIT_PIPE, "report", strerror(errno));
}

static void log_add(fu_log *log, const fu_rec *r)
{
    if (log->n == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 64;
        log->recs = realloc(log->recs, log->cap * sizeof *log->recs);
        assert_non_null(log->recs);
    }
    log->recs[log->n++] = *r;
    if (r->kind == FU_READY)
        log->ready = 1;
}

/* Read records until one k waits for (k not NULL) or the end of the
 * pipe. */
static void read_recs(int fd, fu_log *log, const fu_kill *k)
{
    fu_rec r;
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, (char *)&r + have, sizeof r - have);
        if (got < 0 && errno == EINTR)
            continue;
        assert_true(got >= 0);
        if (got == 0) {
            assert_int_equal(have, 0); /* 32-byte pipe writes are atomic */
            return;
        }
        if ((have += (size_t)got) < sizeof r)
            continue;
        have = 0;
        log_add(log, &r);
        if (k && r.kind == k->wait_kind && (k->wait_a < 0 || r.a == k->wait_a)) {
            log->waited = 1;
            return;
        }
    }
}

void fu_run_child(void (*fn)(void *arg, int fd), void *arg, const fu_kill *k,
                  fu_log *log)
{
    int fds[2], status;
    memset(log, 0, sizeof *log);
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        fn(arg, fds[1]);
        _exit(FU_EXIT_WORK);
    }
    close(fds[1]);
    if (k->wait_kind)
        read_recs(fds[0], log, k);
    fu_sleep_us(k->delay_us);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    read_recs(fds[0], log, NULL);
    close(fds[0]);
    if (WIFEXITED(status))
        print_error("child exited with status %d before it was killed (see its "
                    "message above)\n",
                    WEXITSTATUS(status));
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
}

void fu_log_free(fu_log *log)
{
    free(log->recs);
    memset(log, 0, sizeof *log);
}

void fu_integrity_ok(store *s)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *first = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(first, "ok") != 0)
        print_error("integrity_check: %s\n", first);
    assert_string_equal(first, "ok");
    sqlite3_finalize(st);
}

int64_t fu_audit_ok(store *s)
{
    audit_result res;
    cc_err err = {0};
    if (audit_verify(s, NULL, &res, NULL, NULL, &err) != CC_OK)
        print_error("audit verify: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    if (res.first_bad)
        print_error("audit chain broken at %lld: %s\n", (long long)res.first_bad,
                    res.why);
    assert_int_equal(res.first_bad, 0);
    return res.entries;
}

int64_t fu_int(store *s, const char *sql, int64_t a, int64_t b, const char *t)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, sqlite3_errmsg(store_db(s)));
    assert_int_equal(rc, SQLITE_OK);
    int n = sqlite3_bind_parameter_count(st);
    if (n >= 1)
        sqlite3_bind_int64(st, 1, a);
    if (n >= 2)
        sqlite3_bind_int64(st, 2, b);
    if (n >= 3 && t)
        sqlite3_bind_text(st, 3, t, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

static int allowed_name(const char *name, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (fnmatch(allowed[i], name, 0) == 0)
            return 1;
    return 0;
}

int fu_dir_extra(const char *dir, const char *const *allowed, char *out, size_t outsz)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    size_t used = 0;
    assert_non_null(d);
    out[0] = '\0';
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            allowed_name(e->d_name, allowed))
            continue;
        n++;
        if (used + strlen(e->d_name) + 2 < outsz)
            used += (size_t)snprintf(out + used, outsz - used, "%s%s", used ? " " : "",
                                     e->d_name);
    }
    closedir(d);
    return n;
}

int fu_dir_count(const char *dir, const char *pattern)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        n += fnmatch(pattern, e->d_name, 0) == 0;
    closedir(d);
    return n;
}

int64_t fu_key_print(const uint8_t key[STORE_KEY_BYTES])
{
    uint8_t h[crypto_generichash_BYTES_MIN];
    int64_t v;
    crypto_generichash(h, sizeof h, key, STORE_KEY_BYTES, NULL, 0);
    memcpy(&v, h, sizeof v);
    return v;
}

int fu_env_cycles(int def)
{
    const char *v = getenv("CRASH_CYCLES");
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 && n <= 10000000 ? (int)n : def;
}

uint64_t fu_env_seed(void)
{
    const char *v = getenv("CRASH_SEED");
    if (v && *v)
        return strtoull(v, NULL, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid());
}
