/*
 * clock.c — wall time (fixed by the CARECOORD_NOW test hook in a test build)
 * and ISO 8601 parsing and formatting, all in UTC.
 */
#include "clock.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"

int clock_privileged(void)
{
    return getuid() != geteuid() || getgid() != getegid();
}

int64_t clock_now(void)
{
    const char *fixed = hook_env(HOOK_NOW);
    int64_t t;
    if (fixed && !clock_privileged() && clock_parse_iso(fixed, &t) == 0)
        return t;
    return (int64_t)time(NULL);
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static int parse_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

static int parse_offset(const char *p, int *secs)
{
    int sign, hh, mm;
    if (*p == 'Z' && p[1] == '\0') {
        *secs = 0;
        return 0;
    }
    if (*p != '+' && *p != '-')
        return -1;
    sign = *p++ == '-' ? -1 : 1;
    if (parse_digits(&p, 2, &hh) || *p++ != ':' || parse_digits(&p, 2, &mm) || *p)
        return -1;
    if (hh > 23 || mm > 59)
        return -1;
    *secs = sign * (hh * 3600 + mm * 60);
    return 0;
}

int clock_parse_date(const char *s, int64_t *days)
{
    const char *p = s;
    int y, mo, d;
    if (!s || parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) ||
        *p++ != '-' || parse_digits(&p, 2, &d) || *p)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    *days = days_from_civil(y, mo, d);
    return 0;
}

void clock_date_of_days(int64_t days, char out[11])
{
    clock_format_date(days * 86400, out);
}

int clock_date_add(const char *date, int64_t n, char out[11])
{
    int64_t d;
    if (clock_parse_date(date, &d) != 0)
        return -1;
    clock_date_of_days(d + n, out);
    return 0;
}

int clock_quarter_days(const char *q, char first[11], char last[11])
{
    static const char *const ends[] = {"03-31", "06-30", "09-30", "12-31"};
    int y, n;
    char tail;
    if (!q || sscanf(q, "%4dQ%1d%c", &y, &n, &tail) != 2 || n < 1 || n > 4 ||
        y < 1900 || y > 9998 || strlen(q) != 6)
        return -1;
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)((n - 1) * 3 + 1) % 100u;
    snprintf(first, 11, "%04u-%02u-01", uy, um);
    snprintf(last, 11, "%04u-%.5s", uy, ends[(n - 1) & 3]);
    return 0;
}

int clock_quarter_of(const char *date, int step, char out[8])
{
    int64_t days;
    char first[11], last[11];
    out[0] = '\0';
    if (clock_parse_date(date, &days) != 0)
        return -1;
    int64_t n = (int64_t)atoi(date) * 4 + (atoi(date + 5) - 1) / 3 + step;
    if (n < 1900 * 4 || n > 9998 * 4 + 3)
        return -1;
    snprintf(out, 8, "%04uQ%u", (unsigned)(n / 4) % 10000u, (unsigned)(n % 4) + 1u);
    return clock_quarter_days(out, first, last) == 0 ? 0 : (out[0] = '\0', -1);
}

int64_t clock_date_diff(const char *a, const char *b)
{
    int64_t da, db;
    if (clock_parse_date(a, &da) != 0 || clock_parse_date(b, &db) != 0)
        return INT64_MIN;
    return db - da;
}

int clock_parse_iso(const char *s, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h, mi, sec = 0, off;
    if (parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) ||
        *p++ != '-' || parse_digits(&p, 2, &d) || *p++ != 'T' ||
        parse_digits(&p, 2, &h) || *p++ != ':' || parse_digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (parse_digits(&p, 2, &sec))
            return -1;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 59 || parse_offset(p, &off))
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

void clock_format_iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_format_date(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void clock_local_date_of(const char *iso, char out[11])
{
    int64_t t;
    struct tm tm;
    out[0] = '\0';
    if (!iso || clock_parse_iso(iso, &t) != 0)
        return;
    time_t tt = (time_t)t;
    if (localtime_r(&tt, &tm))
        strftime(out, 11, "%Y-%m-%d", &tm);
}

int64_t clock_end_of_day(const char *date)
{
    char next[11];
    if (clock_date_add(date, 1, next) != 0)
        return 0;
    return clock_local_midnight(next) - 1;
}

/* A zone name is letters, digits and "/_+-", with no empty, "." or ".."
 * component: it names a file under the zone directory and nothing else. */
static int zone_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64 || name[0] == '/' || name[n - 1] == '/' || strstr(name, "//"))
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return 0;
    return 1;
}

int clock_set_zone(const char *name)
{
    char path[128];
    struct stat st;
    if (!name || !zone_name_ok(name))
        return -1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    if (strcmp(name, "UTC") && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
        return -1;
    if (setenv("TZ", name, 1) != 0)
        return -1;
    tzset();
    return 0;
}

int64_t clock_local_instant(const char *date, int hour, int min, int sec)
{
    int64_t days;
    struct tm tm = {0};
    if (clock_parse_date(date, &days) != 0 || hour < 0 || hour > 23 || min < 0 ||
        min > 59 || sec < 0 || sec > 60 ||
        sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int64_t clock_local_midnight(const char *date)
{
    return clock_local_instant(date, 0, 0, 0);
}
