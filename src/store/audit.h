/*
 * audit.h — the append-only, hash-chained audit log.
 *
 * Each entry (gap-free sequence, time, staff id, action, object, details) is
 * chained to the previous one by a keyed BLAKE2b hash over a canonical,
 * length-prefixed encoding. The chain key is generated once when the store is
 * created and lives inside the encrypted store, so a rekey keeps old anchors
 * valid. audit_append must run inside the write transaction of the change it
 * records; audit_verify recomputes everything.
 */
#ifndef CC_AUDIT_H
#define CC_AUDIT_H

#include <stdint.h>

#include "store.h"

#define AUDIT_HASH_BYTES 32

/* Append one entry in the current write transaction. staff_id 0 is the
 * system. Strings must be valid UTF-8; details should name ids, not PHI. */
int audit_append(store *s, int64_t staff_id, const char *action, const char *object,
                 const char *details, cc_err *err);

typedef struct audit_anchor {
    int64_t seq;
    uint8_t hash[AUDIT_HASH_BYTES];
} audit_anchor;

typedef struct audit_result {
    int64_t entries;   /* entries checked */
    int64_t first_bad; /* 0 if the chain is intact */
    char why[256];     /* what is wrong with first_bad (or the anchor) */
    audit_anchor head; /* the last entry (seq 0 if the log is empty) */
} audit_result;

/* Called every few thousand entries; return non-zero to stop. */
typedef int (*audit_progress_fn)(void *arg, int64_t done, int64_t total);

/* Recompute the whole chain. With anchor, also require that entry
 * anchor->seq still exists with that hash (a cut tail or rewrite before it
 * is detected). Returns CC_OK when the check ran (res says whether the
 * chain is intact), an error code if it could not run. */
int audit_verify(store *s, const audit_anchor *anchor, audit_result *res,
                 audit_progress_fn progress, void *arg, cc_err *err);

/* The head of the chain (seq 0 and zero hash if empty). */
int audit_head(store *s, audit_anchor *out, cc_err *err);

/* "carecoord-audit-anchor 1 SEQ HEX\n" into out (at least 128 bytes). */
void audit_anchor_format(const audit_anchor *a, char *out, size_t outsz);

/* Parse the text audit_anchor_format wrote. Returns 0 on success. */
int audit_anchor_parse(const char *text, audit_anchor *out);

#endif
