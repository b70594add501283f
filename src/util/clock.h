/*
 * clock.h — the one clock every rule that depends on "now" reads.
 *
 * Real time, unless the CARECOORD_NOW test hook (ISO 8601 with Z or an
 * offset) fixes it: only a build configured with -Dtest_hooks=true reads it
 * (util/hooks.h), and even then not when the program runs with elevated
 * privilege (setgid/setuid), so staff cannot backdate entries.
 */
#ifndef CC_CLOCK_H
#define CC_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch, UTC: the CARECOORD_NOW test hook if compiled in,
 * set and allowed, else the system clock. */
int64_t clock_now(void);

/* True when running with elevated user or group privilege. */
int clock_privileged(void);

/* Parse "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM" (seconds
 * and fraction optional: "YYYY-MM-DDTHH:MMZ"). Returns 0 on success. */
int clock_parse_iso(const char *s, int64_t *out);

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void clock_format_iso(int64_t t, char out[21]);

/* Format the UTC date of t as "YYYY-MM-DD" into out (at least 11 bytes). */
void clock_format_date(int64_t t, char out[11]);

/* The local date "YYYY-MM-DD" (the site's zone) of instant iso into out (at
 * least 11 bytes); "" if iso is not an instant. */
void clock_local_date_of(const char *iso, char out[11]);

/* Days since 1970-01-01 of "YYYY-MM-DD" (strictly checked). 0 on success. */
int clock_parse_date(const char *s, int64_t *days);

/* "YYYY-MM-DD" of a day number into out (at least 11 bytes). */
void clock_date_of_days(int64_t days, char out[11]);

/* out = date + n days (n may be negative). 0 on success. */
int clock_date_add(const char *date, int64_t n, char out[11]);

/* The first and last days of quarter q ("2026Q3": 2026-07-01, 2026-09-30),
 * years 1900-9998. 0 on success; -1 (out untouched) if q is not one. */
int clock_quarter_days(const char *q, char first[11], char last[11]);

/* The quarter step quarters from the one holding date ("2026Q3" for
 * 2026-11-22 and -1) into out. 0 on success; -1 if date is not a date or
 * the quarter falls outside 1900Q1-9998Q4. */
int clock_quarter_of(const char *date, int step, char out[8]);

/* b - a in days, or INT64_MIN if either is not a date. */
int64_t clock_date_diff(const char *a, const char *b);

/* The instant of the local wall-clock time hour:min:sec on date
 * "YYYY-MM-DD" (the site's zone); 0 if any part is out of range. */
int64_t clock_local_instant(const char *date, int hour, int min, int sec);

/* The instant (seconds since the epoch) of local midnight starting date
 * "YYYY-MM-DD"; 0 if it is not a date. */
int64_t clock_local_midnight(const char *date);

/* The last second of local day "YYYY-MM-DD" (the instant before the next
 * day's local midnight); 0 if it is not a date. */
int64_t clock_end_of_day(const char *date);

/* Make name (an IANA zone such as "America/Chicago", or "UTC") the local
 * time of this process: days, midnights and times shown follow it. 0 on
 * success; -1 (nothing changed) if the name is malformed or not installed
 * under /usr/share/zoneinfo. */
int clock_set_zone(const char *name);

/* Milliseconds of a monotonic clock, for timeouts only. */
int64_t clock_mono_ms(void);

#endif
