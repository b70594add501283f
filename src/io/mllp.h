/*
 * mllp.h — the Minimal Lower Layer Protocol HL7 senders speak over TCP:
 * each message framed as 0x0B ... 0x1C 0x0D. The reader reassembles a
 * message split across reads and separates several that arrive in one; the
 * writer frames an acknowledgement. Bytes between frames are ignored.
 */
#ifndef CC_IO_MLLP_H
#define CC_IO_MLLP_H

#include <stddef.h>
#include <stdint.h>

#define MLLP_START 0x0b
#define MLLP_END   0x1c
#define MLLP_CR    0x0d

typedef struct mllp {
    char *buf; /* the frame under way */
    size_t len, cap;
    int in_frame; /* after a start byte */
    int saw_end;  /* the last byte was an end byte: a CR may follow */
    int oversize; /* the frame under way is over the limit: dropped at its end */
} mllp;

/* Feed n bytes read from a connection. fn gets each complete message (its
 * bytes between the framing, not NUL-terminated) and may stop the feed by
 * returning non-zero (returned). A frame over HL7's limit gets fn with
 * msg NULL (n its size) and is dropped. */
int mllp_feed(mllp *r, const uint8_t *data, size_t n,
              int (*fn)(void *arg, const char *msg, size_t n), void *arg);

/* Free the reader's buffer (r itself is the caller's). */
void mllp_free(mllp *r);

/* Frame msg (n bytes) into out; the framed length, or 0 if it does not fit. */
size_t mllp_frame(const char *msg, size_t n, char *out, size_t outsz);

#endif
