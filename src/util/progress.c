/*
 * progress.c — the progress bar of long operations (see progress.h): a pure
 * formatting function, tested on its own, and a thin layer that draws it on
 * stderr when stderr is a terminal.
 */
#include "progress.h"

#include <string.h>
#include <unistd.h>

#include "clock.h"

static void format_left(double secs, char *out, size_t n)
{
    long s = (long)(secs + 0.5);
    if (s >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld left", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%ld:%02ld left", s / 60, s % 60);
}

/* "DONE/TOTAL  RATE/s  M:SS left" (or less, while unknown). */
static void format_tail(int64_t done, int64_t total, double elapsed_s, char *out,
                        size_t n)
{
    char left[32] = "";
    double rate = elapsed_s > 0.05 && done > 0 ? (double)done / elapsed_s : 0;
    if (rate > 0 && total > done)
        format_left((double)(total - done) / rate, left, sizeof left);
    if (total > 0)
        snprintf(out, n, "%lld/%lld", (long long)done, (long long)total);
    else
        snprintf(out, n, "%lld", (long long)done);
    size_t len = strlen(out);
    if (rate > 0)
        snprintf(out + len, n - len, "  %.0f/s", rate);
    len = strlen(out);
    if (left[0])
        snprintf(out + len, n - len, "  %s", left);
}

void progress_format(const char *label, int64_t done, int64_t total, double elapsed_s,
                     int width, char *out, size_t outsz)
{
    char tail[96];
    if (total > 0 && done > total)
        done = total;
    format_tail(done, total, elapsed_s, tail, sizeof tail);
    int bar = width - (int)strlen(label) - (int)strlen(tail) - 5;
    if (bar > 40)
        bar = 40;
    if (total <= 0 || bar < 5) {
        snprintf(out, outsz, "%s %s", label, tail);
        return;
    }
    char cells[41];
    int full = (int)((double)done / (double)total * bar);
    for (int i = 0; i < bar; i++)
        cells[i] = i < full ? '#' : '.';
    cells[bar] = '\0';
    snprintf(out, outsz, "%s [%s] %s", label, cells, tail);
}

void progress_start(progress *p, const char *label, int64_t total)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->total = total;
    p->out = stderr;
    p->on = isatty(STDERR_FILENO);
    p->start_ms = clock_mono_ms();
    p->last_ms = p->start_ms - 1000;
}

void progress_update(progress *p, int64_t done)
{
    char line[160];
    int64_t now = clock_mono_ms();
    if (!p->on || now - p->last_ms < 100)
        return;
    p->last_ms = now;
    progress_format(p->label, done, p->total, (double)(now - p->start_ms) / 1000.0, 79,
                    line, sizeof line);
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->drawn = 1;
}

void progress_done(progress *p)
{
    if (p->on && p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->drawn = 0;
}

int progress_cb(void *arg, int64_t done, int64_t total)
{
    progress *p = arg;
    if (total > 0)
        p->total = total;
    progress_update(p, done);
    return 0;
}
