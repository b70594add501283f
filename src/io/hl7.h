/*
 * hl7.h — HL7 v2 messages as the region's exchange sends them: splitting a
 * file or stream into messages (CR, LF or CRLF segment ends, MLLP framing
 * bytes, FHS/BHS/BTS/FTS batch envelopes), reading a field by position with
 * the message's own delimiters (MSH-1, MSH-2), escape sequences decoded and
 * then sanitized, and the acknowledgement (ACK) a sender expects, with an
 * ERR segment naming the segment, field and HL7 table 0357 code.
 *
 * Nothing here knows SQL or clients: adt.h turns a message into an event
 * the core records.
 */
#ifndef CC_IO_HL7_H
#define CC_IO_HL7_H

#include <stddef.h>
#include <stdint.h>

#define HL7_MAX_MESSAGE  (1 << 20) /* bytes: a larger message is refused */
#define HL7_MAX_SEGMENTS 256

/* HL7 table 0357, message error condition codes. */
enum hl7_code {
    HL7_OK = 0,
    HL7_SEGMENT_SEQUENCE = 100,
    HL7_REQUIRED_MISSING = 101,
    HL7_DATA_TYPE = 102,
    HL7_TABLE_VALUE = 103,
    HL7_UNSUPPORTED_TYPE = 200,
    HL7_UNSUPPORTED_EVENT = 201,
    HL7_UNSUPPORTED_PROCESSING = 202,
    HL7_UNSUPPORTED_VERSION = 203,
    HL7_INTERNAL = 207,
};

/* Where a message is wrong and why, for the log and the ERR segment. */
typedef struct hl7_error {
    enum hl7_code code;
    char segment[4]; /* e.g. "PID" ("" if none) */
    int field;       /* 0 if none */
    char text[160];
} hl7_error;

typedef struct hl7_seg {
    const char *p; /* into the message's own copy */
    size_t n;
} hl7_seg;

typedef struct hl7_msg {
    char *text; /* the segments, each ending in '\r' */
    size_t len;
    hl7_seg seg[HL7_MAX_SEGMENTS];
    int nseg;
    char fs, cs, rs, es, ss; /* field, component, repetition, escape, sub */
} hl7_msg;

/* Parse one message (text of len bytes, segments ending in CR, LF or CRLF)
 * into m. HL7_OK, or the code with e filled (no MSH first, delimiters
 * missing or repeated, too large). Free with hl7_msg_free. */
enum hl7_code hl7_parse(const char *text, size_t len, hl7_msg *m, hl7_error *e);

/* Free what hl7_parse allocated (m itself is the caller's). */
void hl7_msg_free(hl7_msg *m);

/* The k-th (0-based) segment called name, or NULL. */
const hl7_seg *hl7_segment(const hl7_msg *m, const char *name, int k);

/* How many segments called name m has. */
int hl7_count(const hl7_msg *m, const char *name);

/* Field field (1-based, as the standard numbers it: MSH-3 is the sending
 * application), repetition rep (0-based), component comp and subcomponent
 * sub (1-based; 0 = the whole of the level above) of segment s, escape
 * sequences decoded and sanitized, into out. Returns the length, 0 if empty
 * or absent. */
size_t hl7_get(const hl7_msg *m, const hl7_seg *s, int field, int rep, int comp,
               int sub, char *out, size_t outsz);

/* The number of repetitions of field of s (0 if empty). */
int hl7_reps(const hl7_msg *m, const hl7_seg *s, int field);

/* A DTM value ("YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]", without an offset in the
 * site's local time) as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes); a date
 * alone (need_time 0) as "YYYY-MM-DD". 0 on success, -1 if malformed. */
int hl7_time(const char *v, int need_time, char out[21]);

/* Call fn for each message of a file or stream buf (len bytes): MLLP start
 * and end bytes and blank lines are skipped, FHS/BHS/BTS/FTS segments end
 * the message before them and are dropped. Each message goes to fn as its
 * own text (its number from 1, its first line number in buf). Returns the
 * number of messages, or stops early with fn's non-zero result negated. */
int hl7_split(const char *buf, size_t len,
              int (*fn)(void *arg, const char *msg, size_t n, int number, int line),
              void *arg);

/* The acknowledgement of m: MSH with sender and receiver swapped, MSA with
 * ack ("AA", "AE" or "AR") and m's control id, and for an error an ERR
 * segment from e. Written into out (segments ending in CR); the length, or
 * 0 if it does not fit. control_id names the ACK itself. */
size_t hl7_ack(const hl7_msg *m, const char *ack, const hl7_error *e,
               const char *now_dtm, const char *control_id, char *out, size_t outsz);

/* Set e (code, segment, field, text) and return code. */
enum hl7_code hl7_fail(hl7_error *e, enum hl7_code code, const char *segment, int field,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
