/*
 * test_clock.c — ISO 8601 parsing and formatting, and CARECOORD_NOW.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "util/clock.h"

static void test_parse_utc_and_offsets(void **state)
{
    int64_t t;
    (void)state;
    assert_int_equal(clock_parse_iso("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(clock_parse_iso("2026-11-22T10:23:32Z", &t), 0);
    assert_int_equal(t, 1795343012);
    assert_int_equal(clock_parse_iso("2026-11-22T12:23:32+02:00", &t), 0);
    assert_int_equal(t, 1795343012);
    assert_int_equal(clock_parse_iso("2026-11-22T05:23:32-05:00", &t), 0);
    assert_int_equal(t, 1795343012);
    assert_int_equal(clock_parse_iso("2026-11-22T10:23Z", &t), 0);
    assert_int_equal(t, 1795343012 - 32);
    assert_int_equal(clock_parse_iso("2024-02-29T00:00:00.125Z", &t), 0);
}

static void test_parse_rejects(void **state)
{
    int64_t t;
    static const char *const bad[] = {
        "",
        "2026-11-22",
        "2026-11-22T10:23:32",      /* no zone */
        "2026-13-01T00:00:00Z",     /* month */
        "2025-02-29T00:00:00Z",     /* not a leap year */
        "2026-11-31T00:00:00Z",     /* day */
        "2026-11-22T24:00:00Z",     /* hour */
        "2026-11-22T10:23:32+2:00", /* offset form */
        "2026-11-22T10:23:32Zjunk", /* trailing */
        "2026-11-22 10:23:32Z",     /* separator */
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (clock_parse_iso(bad[i], &t) == 0)
            fail_msg("accepted '%s'", bad[i]);
}

static void test_format_round_trip(void **state)
{
    char iso[21], date[11];
    int64_t t;
    (void)state;
    clock_format_iso(1795343012, iso);
    assert_string_equal(iso, "2026-11-22T10:23:32Z");
    assert_int_equal(clock_parse_iso(iso, &t), 0);
    assert_int_equal(t, 1795343012);
    clock_format_date(1795343012, date);
    assert_string_equal(date, "2026-11-22");
}

static void test_fixed_clock(void **state)
{
    (void)state;
    setenv("CARECOORD_NOW", "2026-01-15T09:00:00+01:00", 1);
    assert_int_equal(clock_now(), 1768464000);
    setenv("CARECOORD_NOW", "garbage", 1);
    assert_true(clock_now() > 1768464000); /* ignored: real time */
    unsetenv("CARECOORD_NOW");
    assert_false(clock_privileged());
}

static void expect_end_of_day(const char *date, const char *want)
{
    char iso[21];
    clock_format_iso(clock_end_of_day(date), iso);
    assert_string_equal(iso, want);
}

/* A date's end is the last second before the next local midnight: in the
 * site's zone, across both changes of daylight saving time. */
static void test_end_of_day_in_site_zone(void **state)
{
    (void)state;
    assert_int_equal(clock_set_zone("UTC"), 0);
    expect_end_of_day("2026-11-24", "2026-11-24T23:59:59Z");
    assert_int_equal(clock_set_zone("America/Chicago"), 0);
    expect_end_of_day("2026-11-24", "2026-11-25T05:59:59Z"); /* CST, -6 */
    expect_end_of_day("2026-07-01", "2026-07-02T04:59:59Z"); /* CDT, -5 */
    expect_end_of_day("2026-03-08", "2026-03-09T04:59:59Z"); /* the spring change */
    expect_end_of_day("2026-10-31", "2026-11-01T04:59:59Z"); /* ends in CDT */
    expect_end_of_day("2026-11-01", "2026-11-02T05:59:59Z"); /* the autumn change */
    char iso[21];
    clock_format_iso(clock_local_midnight("2026-11-24"), iso);
    assert_string_equal(iso, "2026-11-24T06:00:00Z");
    assert_int_equal(clock_end_of_day("2026-02-30"), 0);
    assert_int_equal(clock_set_zone("UTC"), 0);
}

/* Only a well-formed name of an installed zone is taken; a refused one
 * changes nothing. */
static void test_zone_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"",
                                      "../../etc/passwd",
                                      "/etc/localtime",
                                      "America/../UTC",
                                      "America//Chicago",
                                      "America/",
                                      "Nowhere/Atlantis",
                                      "UTC\n",
                                      "America/Chicago; rm",
                                      "Europe/Paris.old"};
    assert_int_equal(clock_set_zone("Europe/Paris"), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(clock_set_zone(bad[i]), -1);
        assert_string_equal(getenv("TZ"), "Europe/Paris");
    }
    assert_int_equal(clock_set_zone(NULL), -1);
    assert_int_equal(clock_set_zone("UTC"), 0);
    assert_string_equal(getenv("TZ"), "UTC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_utc_and_offsets),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_fixed_clock),
        cmocka_unit_test(test_end_of_day_in_site_zone),
        cmocka_unit_test(test_zone_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
