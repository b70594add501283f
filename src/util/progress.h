/*
 * progress.h — a progress bar for long operations (rekey, backup, restore,
 * audit verify, check, imports, building a demo database).
 *
 * The bar (label, bar, count, rate, time left) goes to stderr, and only when
 * stderr is a terminal: redirected to a file or a pipe, the operation stays
 * quiet. Updates are throttled, so calling progress_update often is cheap.
 * progress_cb adapts a bar to the store's callbacks
 * (int fn(void *arg, int64_t done, int64_t total)).
 */
#ifndef CC_PROGRESS_H
#define CC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct progress {
    const char *label;
    int64_t total;
    int64_t start_ms, last_ms;
    int on; /* stderr is a terminal */
    int drawn;
    FILE *out;
} progress;

/* Start a bar for total units (0: unknown). Quiet unless stderr is a tty. */
void progress_start(progress *p, const char *label, int64_t total);

/* Report done units (at most ten redraws a second). */
void progress_update(progress *p, int64_t done);

/* Clear the bar's line (if one was drawn). */
void progress_done(progress *p);

/* The store's callback shape: arg is a progress; a total > 0 replaces the
 * bar's. Always returns 0 (go on). */
int progress_cb(void *arg, int64_t done, int64_t total);

/* Format one bar into out: "LABEL [#####.....] DONE/TOTAL  RATE/s  M:SS left"
 * fitted to width columns (rate and time left only once they are known). */
void progress_format(const char *label, int64_t done, int64_t total, double elapsed_s,
                     int width, char *out, size_t outsz);

#endif
