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
    int64_t from;      /* the entry checking started after (0: the first) */
    int64_t entries;   /* entries checked (after from) */
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

/* Verify incrementally: the entry from->seq must still be there, its
 * contents must hash to from->hash (the point itself untouched), and every
 * entry after it is recomputed as audit_verify does; anchor (or NULL) as
 * there (one before from must still hold its hash). from NULL is
 * audit_verify. Entries before from are not read: a full verification
 * proves them, and the anchors outside the database guard them between. */
int audit_verify_from(store *s, const audit_anchor *from, const audit_anchor *anchor,
                      audit_result *res, audit_progress_fn progress, void *arg,
                      cc_err *err);

/* The point the last verification that found the chain intact reached
 * (meta audit_verified: "SEQ HEX AT"): 1 found (a, and at its time), 0 none,
 * -1 unreadable or damaged (err). */
int audit_verified_get(store *s, audit_anchor *a, char at[32], cc_err *err);

/* In a write transaction of its own: record a (the head an intact
 * verification reached) as the point the next incremental one starts from,
 * with an audit entry "audit.verify" under the store's actor. */
int audit_verified_record(store *s, const audit_anchor *a, int incremental,
                          cc_err *err);

/* The same inside the caller's write transaction. */
int audit_verified_record_in(store *s, const audit_anchor *a, int incremental,
                             cc_err *err);

/* The head of the chain (seq 0 and zero hash if empty). */
int audit_head(store *s, audit_anchor *out, cc_err *err);

/* "carecoord-audit-anchor 1 SEQ HEX\n" into out (at least 128 bytes). */
void audit_anchor_format(const audit_anchor *a, char *out, size_t outsz);

/* Parse the text audit_anchor_format wrote. Returns 0 on success. */
int audit_anchor_parse(const char *text, audit_anchor *out);

/* ---- anchoring outside the database ------------------------------------
 * The head goes to syslog (LOG_AUTHPRIV, ident "carecoord") as
 *   "audit anchor seq=SEQ hash=HEX db=PATH"
 * and, if the site configures an anchor file, one line is appended to it:
 *   "carecoord-audit-anchor 1 SEQ HEX AT PATH"
 * (AT is the UTC time of the anchoring; the first four fields are what
 * `audit anchor` prints, so any line of the file is an anchor on its own). */

/* Process-wide anchoring settings, from the site configuration: file (NULL
 * or "": syslog only) and the interval in seconds after which a commit
 * anchors again (< 0: only at session close). */
void audit_anchor_configure(const char *file, int interval_s);

/* The configured anchor file, or NULL. */
const char *audit_anchor_file(void);

/* The syslog message for a at db_path into out. */
void audit_anchor_syslog_format(const char *db_path, const audit_anchor *a, char *out,
                                size_t outsz);

/* The anchor-file line for a (at instant at) into out, with its newline. */
void audit_anchor_line_format(const char *db_path, const audit_anchor *a, int64_t at,
                              char *out, size_t outsz);

/* Send a (of the database at db_path) to syslog and append it to the anchor
 * file. CC_OK, or CC_EDATA if the anchor file could not be written (syslog
 * is told so too). */
int audit_anchor_record(const char *db_path, const audit_anchor *a, cc_err *err);

/* Anchor s's current head now (nothing for an empty log or a read-only or
 * staged store). Called by session_close. */
int audit_anchor_now(store *s, cc_err *err);

/* Anchor s's head if the interval has passed since its last anchor; called
 * after every commit. Failures only reach syslog. */
void audit_anchor_maybe(store *s);

/* Never anchor s (a staged copy whose path is about to change). */
void audit_anchor_disable(store *s);

/* The newest anchor for the database at db_path in the anchor file at file:
 * 1 found (a, and at: the time it was taken), 0 none, -1 unreadable. */
int audit_anchor_newest(const char *file, const char *db_path, audit_anchor *a,
                        char at[32]);

/* Does the log still hold entry a->seq with a->hash? 0 yes; 1 no, why says
 * how (cut short before it, or rewritten); an error code if it cannot tell. */
int audit_anchor_holds(store *s, const audit_anchor *a, char *why, size_t whysz,
                       cc_err *err);

/* At open: if the site's anchor file holds an anchor of s's database that
 * the log no longer holds (committed work lost: a rolled-back, cut or
 * altered WAL, an older file put back), CC_EDATA saying so, and s is never
 * anchored (its lower head must not become the newest anchor). CC_OK when
 * it holds or there is no anchor to compare with. */
int audit_anchor_check(store *s, cc_err *err);

/* The time ("YYYY-MM-DDTHH:MM:SSZ") of entry seq into at ("" if none). */
int audit_entry_time(store *s, int64_t seq, char at[32], cc_err *err);

#endif
