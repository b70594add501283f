/*
 * ctx.h — the context every core operation runs in: the open store, the
 * acting staff member, and the one clock. Also the small helpers the core
 * modules share (transactions, prepared statements, audit, today's date).
 */
#ifndef CC_CTX_H
#define CC_CTX_H

#include <sqlite3.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

typedef struct cc_ctx {
    store *st;
    int64_t staff_id; /* the acting staff member (0 = the system) */
    char role[24];
    int64_t clock;           /* 0: the one clock (the system's; in a test build only,
                                CARECOORD_NOW may fix it); else a fixed instant, used by
                                the demo generator to replay months of work */
    int system;              /* the program's own work (ctx_system), not a person's */
    int64_t covering;        /* the use case works for this person on leave */
    char covering_login[33]; /* (leave.h); noted in its audit entries */
    struct { /* a refusal inside a transaction, audited after its rollback */
        char action[40];
        int64_t client_id;
        char details[96];
    } refused;
    int read_failed; /* SQLite's code of a failed ctx_int in the use case (0:
                        none): its transaction is rolled back, never committed */
} cc_ctx;

/* A context for the program's own work on st (expiring hand-offs, building a
 * test's scene): no person acts, so no role or scope applies; audited as the
 * system (staff 0). Screens and commands never use it: they act as the
 * logged-in person (session.h). */
cc_ctx ctx_system(store *st);

/* The context's "now" in seconds since the epoch. */
int64_t ctx_clock(const cc_ctx *c);

/* Today's date ("YYYY-MM-DD", local time of the server) from the clock. */
void ctx_today(const cc_ctx *c, char out[11]);

/* Now as "YYYY-MM-DDTHH:MM:SSZ". */
void ctx_now(const cc_ctx *c, char out[21]);

/* Run fn in one write transaction (BEGIN IMMEDIATE ... COMMIT); rolled back
 * if fn fails, and a refusal noted by guard.h then audited in a transaction
 * of its own. Returns fn's code or the commit's. */
int ctx_txn(cc_ctx *c, int (*fn)(cc_ctx *, void *, cc_err *), void *arg, cc_err *err);

/* Audit the refusal noted in c->refused (if any) in a transaction of its
 * own, and clear it. Called outside any transaction. */
int ctx_audit_refusal(cc_ctx *c);

/* Prepare sql; NULL with err set on failure. */
sqlite3_stmt *ctx_prepare(cc_ctx *c, const char *sql, cc_err *err);

/* Give back a statement of ctx_prepare (reset and kept for reuse: the
 * statement cache, store/stmtcache.h); never sqlite3_finalize one. */
void ctx_finalize(sqlite3_stmt *st);

/* Step st to completion expecting no rows, finalize it. */
int ctx_done(cc_ctx *c, sqlite3_stmt *st, const char *what, cc_err *err);

/* Append an audit entry for the acting staff member: action on object
 * ("client:12"), details. Must run inside the write transaction. */
int ctx_audit(cc_ctx *c, const char *action, const char *kind, int64_t id,
              const char *details, cc_err *err);

/* The first column of the first row of sql with ?1 = a and ?2 = b bound
 * (0 if no row or on error): for small lookups. An error also marks the
 * use case, so ctx_txn rolls it back rather than commit what a failed read
 * decided. */
int64_t ctx_int(cc_ctx *c, const char *sql, int64_t a, int64_t b);

/* Copy column col of st (text, or "" for NULL) into out. */
void ctx_col(sqlite3_stmt *st, int col, char *out, size_t outsz);

/* Bind text or NULL when s is NULL or empty (for optional dates). */
void ctx_bind_opt(sqlite3_stmt *st, int idx, const char *s);

/* CC_OK if s is one printable line of valid UTF-8 (what a person types into
 * a field); else CC_EINPUT "WHAT must be one printable line". */
int ctx_one_line(const char *s, const char *what, cc_err *err);

/* The longest reason or note a use case keeps (bytes), unless it says less. */
#define CTX_NOTE_MAX 500

/* s, when not NULL, is printable text (one line unless lines) of at most
 * max bytes; else CC_EINPUT: "WHAT is too long (at most MAX bytes)" or
 * "WHAT must be one printable line" / "WHAT has control characters". */
int ctx_text_ok(const char *s, const char *what, size_t max, int lines, cc_err *err);

/* True if word is one of the comma-separated words of list. */
int ctx_in_list(const char *word, const char *list);

#endif
