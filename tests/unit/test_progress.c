/*
 * test_progress.c — the progress bar of long operations: its one line
 * (label, bar, count, rate, time left) at a given width, with an unknown
 * total, and quiet when stderr is not a terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/progress.h"

static void test_format_bar(void **state)
{
    char line[160];
    (void)state;
    progress_format("backup", 250, 1000, 2.0, 79, line, sizeof line);
    assert_string_equal(line, "backup [##########..............................] "
                              "250/1000  125/s  0:06 left");
    assert_true(strlen(line) <= 79);
}

static void test_format_start_and_end(void **state)
{
    char line[160];
    (void)state;
    progress_format("check", 0, 500, 0.0, 79, line, sizeof line);
    assert_non_null(strstr(line, "] 0/500"));
    assert_null(strstr(line, "/s")); /* no rate before anything is done */
    progress_format("check", 600, 500, 3.0, 79, line, sizeof line);
    assert_non_null(strstr(line, "500/500"));
    assert_null(strstr(line, "left"));
    assert_null(strstr(line, "."));
}

static void test_format_hours_unknown_narrow(void **state)
{
    char line[160];
    (void)state;
    progress_format("rekey", 1, 10000, 1.0, 79, line, sizeof line);
    assert_non_null(strstr(line, "2:46:39 left"));
    progress_format("verifying", 4096, 0, 2.0, 79, line, sizeof line);
    assert_string_equal(line, "verifying 4096  2048/s"); /* no total: no bar */
    progress_format("verifying", 10, 20, 1.0, 30, line, sizeof line);
    assert_null(strchr(line, '[')); /* too narrow for a bar */
}

static void test_quiet_when_not_a_tty(void **state)
{
    progress p;
    char buf[256] = "";
    (void)state;
    FILE *out = fmemopen(buf, sizeof buf, "w");
    progress_start(&p, "backup", 100);
    assert_int_equal(p.on, isatty(STDERR_FILENO) ? 1 : 0); /* on only on a tty */
    p.on = 0; /* as when stderr is a file or pipe */
    p.out = out;
    progress_update(&p, 50);
    progress_cb(&p, 60, 100);
    progress_done(&p);
    fclose(out);
    assert_string_equal(buf, "");
}

static void test_draws_on_a_terminal(void **state)
{
    progress p;
    char buf[256] = "";
    (void)state;
    FILE *out = fmemopen(buf, sizeof buf, "w");
    progress_start(&p, "backup", 100);
    p.on = 1; /* as when stderr is a terminal */
    p.out = out;
    progress_cb(&p, 50, 0);
    progress_done(&p);
    fclose(out);
    assert_non_null(strstr(buf, "\rbackup ["));
    assert_non_null(strstr(buf, "50/100"));
    assert_non_null(strstr(buf, "\r\033[K"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_bar),
        cmocka_unit_test(test_format_start_and_end),
        cmocka_unit_test(test_format_hours_unknown_narrow),
        cmocka_unit_test(test_quiet_when_not_a_tty),
        cmocka_unit_test(test_draws_on_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
