/*
 * verify.h — verifying the audit chain, the one use case behind the audit
 * screen's V and `carecoord audit verify`: the whole chain or incrementally
 * from the point last verified, optionally against an anchor, the intact
 * head recorded as the next starting point, the run's result kept as the
 * last verification and audited, progress through a callback.
 */
#ifndef CC_VERIFY_H
#define CC_VERIFY_H

#include <stdint.h>

#include "ctx.h"
#include "store/audit.h"

typedef struct verify_opts {
    int incremental;            /* from the point last verified (all if none) */
    const audit_anchor *anchor; /* the chain must extend it (NULL: no anchor) */
    audit_progress_fn progress; /* every few thousand entries (NULL: none) */
    void *arg;                  /* for progress */
} verify_opts;

typedef struct verify_result {
    audit_result chain; /* what the check found; chain.first_bad 0: intact */
    int from_point;     /* 1: started after start, the point last verified */
    audit_anchor start; /* that point (from_point only) */
    char start_at[32];  /* when it was verified */
    int recorded;       /* the head was recorded as the next starting point */
    int64_t ms;         /* how long the check took */
    char summary[400];  /* "TIME: intact, N entries" or "TIME: BROKEN at ..." */
} verify_result;

/* Verify the chain as ctx's person (action audit.verify), as o says. Then,
 * in one transaction: the summary kept as the last verification; an intact
 * chain's head recorded as the point the next incremental run starts from
 * (audited "audit.verify" on audit:SEQ), a broken one audited with the
 * summary. CC_OK when the check ran (res->chain says whether the chain is
 * intact), else the error that stopped it. */
int verify_audit(cc_ctx *ctx, const verify_opts *o, verify_result *res, cc_err *err);

#endif
