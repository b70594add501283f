/*
 * test_memfault.c — memory running out under the store. SQLite's allocator
 * (SQLITE_CONFIG_MALLOC, wrapping its default one) fails at the Nth
 * allocation, and so does the program's own (the util/alloc.h gate), for
 * every N of a day of work (workflow.c: open, intake, edit, consent,
 * contact, assessment, close), once and from then on. For each N: no
 * crash, no leak (LeakSanitizer, in the sanitizer build), the first failure
 * one line that says "out of memory" or, where SQLite rolled the work back
 * on its own, "nothing was saved"; once memory is back the store reopens,
 * passes integrity_check and audit verify, keeps every acknowledged change
 * with its audit entry and no change without one.
 *
 * SQLite allocates some 9,000 times in one such day, so CI mode tries every N
 * of SQLite's allocations in one edit (where a lost audit entry was found:
 * without the store's commit guard this test fails), every 47th N of the
 * whole day once and every 89th from then on, and every N of the program's
 * own; FAULT_LONG=1 tries every N of the whole day, once and from then on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/alloc.h"
#include "workflow.h"

static char *dir;

/* ---- SQLite's allocator, failing on demand ----------------------------- */

static sqlite3_mem_methods sqlite_default;
static long sq_count, sq_nth;
static int sq_sticky;

static int sq_fails(void)
{
    long n = ++sq_count;
    return sq_nth && (n == sq_nth || (sq_sticky && n > sq_nth));
}

static void *sq_malloc(int n)
{
    return sq_fails() ? NULL : sqlite_default.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
    return sq_fails() ? NULL : sqlite_default.xRealloc(p, n);
}

static void sq_fail_at(long nth, int sticky)
{
    sq_count = 0;
    sq_nth = nth;
    sq_sticky = sticky;
}

static int sq_install(void)
{
    sqlite3_mem_methods m;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default) != SQLITE_OK)
        return -1;
    m = sqlite_default;
    m.xMalloc = sq_malloc;
    m.xRealloc = sq_realloc;
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

/* ---- the sweeps -------------------------------------------------------- */

enum which { SQLITE_ALLOC, OWN_ALLOC };

static void fail_at(enum which w, long nth, int sticky)
{
    if (w == SQLITE_ALLOC)
        sq_fail_at(nth, sticky);
    else
        alloc_fail_at(nth, sticky);
}

static long counted(enum which w)
{
    return w == SQLITE_ALLOC ? sq_count : alloc_count();
}

static enum which marking;

static long mark_count(void)
{
    return counted(marking);
}

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    wf_prepare(dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    return 0;
}

/* A clean run, counting w: marks[i] is the count after step i; returns
 * the count of the whole run (the close included). */
static long clean_counts(enum which w, wf_result *r)
{
    wf_reset(dir);
    fail_at(w, 0, 0);
    marking = w;
    wf_mark = mark_count;
    wf_run(dir, r);
    wf_mark = NULL;
    long total = counted(w);
    if (r->failed >= 0)
        print_error("clean run: step %d: %s\n", r->failed, r->err.msg);
    assert_int_equal(r->failed, -1);
    wf_verify(dir, r, "clean run");
    return total;
}

/* The first failure is one line; a data error (the store's trouble) says
 * "out of memory", or "nothing was saved" where SQLite rolled the work back
 * by itself. Where a step of the core swallowed SQLite's error (a failed
 * bind or small lookup) and went on to refuse on what it then misread, the
 * message names that refusal instead: counted, never a pass for bad data. */
static long misleading;

static void check_message(const wf_result *r, const char *label)
{
    if (r->failed < 0)
        return;
    const char *m = r->err.msg;
    int clear = strstr(m, "out of memory") || strstr(m, "nothing was saved");
    if (!wf_one_line(m) || (!clear && r->err.code == CC_EDATA))
        print_error("%s: step %d: message \"%s\"\n", label, r->failed, m);
    assert_true(wf_one_line(m));
    assert_true(clear || r->err.code != CC_EDATA);
    misleading += !clear;
    if (!clear && getenv("FAULT_VERBOSE")) /* to read them by hand */
        print_message("# %s: step %d: %s\n", label, r->failed, m);
}

/* Fail allocation N of w for N = from, from + step, ... up to to. */
static void sweep(enum which w, long from, long to, long step, int sticky)
{
    long runs = 0, failures = 0;
    misleading = 0;
    for (long n = from; n <= to; n += step) {
        char label[96];
        wf_result r;
        snprintf(label, sizeof label, "%s allocation #%ld of %ld%s",
                 w == SQLITE_ALLOC ? "SQLite" : "own", n, to, sticky ? " on" : "");
        wf_reset(dir);
        fail_at(w, n, sticky);
        wf_run(dir, &r);
        fail_at(w, 0, 0);
        wf_verify(dir, &r, label);
        check_message(&r, label);
        runs++;
        failures += r.failed >= 0;
    }
    print_message("# %s allocations %ld..%ld by %ld%s: %ld of %ld runs failed a step, "
                  "%ld of them with a refusal for a message\n",
                  w == SQLITE_ALLOC ? "SQLite" : "own", from, to, step,
                  sticky ? " (from then on)" : "", failures, runs, misleading);
    assert_true(failures > 0);
}

/* Every N of SQLite's allocations in one edit of a client (the statements
 * prepared afresh, the update, its audit entry, the commit). */
static void test_sqlite_edit(void **state)
{
    wf_result r;
    (void)state;
    clean_counts(SQLITE_ALLOC, &r);
    sweep(SQLITE_ALLOC, r.marks[WF_INTAKE] + 1, r.marks[WF_EDIT], 1, 0);
}

/* The whole day, opening included: every Nth allocation failing once (every
 * one with FAULT_LONG=1). */
static void test_sqlite_whole_day(void **state)
{
    wf_result r;
    (void)state;
    long total = clean_counts(SQLITE_ALLOC, &r);
    sweep(SQLITE_ALLOC, 1, total, wf_long_mode() ? 1 : 47, 0);
}

/* The whole day with memory gone from the Nth allocation on. */
static void test_sqlite_from_then_on(void **state)
{
    wf_result r;
    (void)state;
    long total = clean_counts(SQLITE_ALLOC, &r);
    sweep(SQLITE_ALLOC, 1, total, wf_long_mode() ? 1 : 89, 1);
}

/* Every N of the program's own allocations, once and from then on. */
static void test_own_allocations(void **state)
{
    wf_result r;
    (void)state;
    long total = clean_counts(OWN_ALLOC, &r);
    assert_true(total > 0);
    sweep(OWN_ALLOC, 1, total, 1, 0);
    sweep(OWN_ALLOC, 1, total, 1, 1);
}

int main(void)
{
    setenv("CARECOORD_NOW", "2026-11-22T12:00:00Z", 1);
    wf_fast_tmpdir();
    if (sq_install() != 0) {
        fprintf(stderr, "cannot wrap SQLite's allocator\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_edit),
        cmocka_unit_test(test_sqlite_whole_day),
        cmocka_unit_test(test_sqlite_from_then_on),
        cmocka_unit_test(test_own_allocations),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
