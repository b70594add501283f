/*
 * mllp.c — MLLP framing (see mllp.h): a small state machine over bytes, so
 * a frame may arrive one byte at a time or many frames in one read.
 */
#include "mllp.h"

#include <stdlib.h>
#include <string.h>

#include "hl7.h"

static int keep(mllp *r, char c)
{
    if (r->oversize)
        return 0;
    if (r->len == HL7_MAX_MESSAGE) {
        r->oversize = 1;
        return 0;
    }
    if (r->len == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        char *p = realloc(r->buf, cap);
        if (!p) {
            r->oversize = 1; /* cannot hold it: treated as too large */
            return 0;
        }
        r->buf = p, r->cap = cap;
    }
    r->buf[r->len++] = c;
    return 0;
}

/* The frame is complete: hand it on and start afresh. */
static int deliver(mllp *r, int (*fn)(void *, const char *, size_t), void *arg)
{
    int rc = r->oversize ? fn(arg, NULL, r->len) : fn(arg, r->buf, r->len);
    r->len = 0;
    r->in_frame = r->oversize = 0;
    return rc;
}

int mllp_feed(mllp *r, const uint8_t *data, size_t n,
              int (*fn)(void *arg, const char *msg, size_t n), void *arg)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = data[i];
        int after_end = r->saw_end;
        r->saw_end = 0;
        if (after_end && c == MLLP_CR)
            continue; /* the CR that follows the end byte */
        if (c == MLLP_START) {
            r->in_frame = 1, r->len = 0, r->oversize = 0; /* a new start restarts */
        } else if (c == MLLP_END && r->in_frame) {
            /* delivered at once: a sender waiting for its ACK never stalls on
             * a CR still in flight */
            r->saw_end = 1;
            int rc = deliver(r, fn, arg);
            if (rc)
                return rc;
        } else if (r->in_frame) {
            keep(r, (char)c);
        }
    }
    return 0;
}

void mllp_free(mllp *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

size_t mllp_frame(const char *msg, size_t n, char *out, size_t outsz)
{
    if (n + 3 > outsz)
        return 0;
    out[0] = MLLP_START;
    memcpy(out + 1, msg, n);
    out[n + 1] = MLLP_END;
    out[n + 2] = MLLP_CR;
    return n + 3;
}
