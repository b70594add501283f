/*
 * intake.h — taking in a new client: the person, the referral, the checks
 * (service-area ZIP, possible duplicates, the program's eligibility) and the
 * first owner, as one use case in one transaction. Nothing is saved unless
 * all of it is. A batch of referrals (a spreadsheet) goes through the same
 * use case, row by row, in one transaction.
 */
#ifndef CC_INTAKE_H
#define CC_INTAKE_H

#include "client.h"
#include "program.h"
#include "referral.h"

typedef struct intake_request {
    client client;        /* the person; client.id is set on success */
    referral referral;    /* program_id, source, criteria, received; id set */
    int flags;            /* CLIENT_ALLOW_OUTSIDE_ZIP | CLIENT_ACCEPT_DUPLICATE */
    const char *override; /* why to refer someone the program's rules exclude */
} intake_request;

typedef struct intake_result {
    client_intake checks; /* what the ZIP and duplicate checks found */
    int taken;            /* the client is on the actor's caseload */
    char note[200];       /* why not, or the eligibility override */
} intake_result;

/* CC_OK if client c fits program p's rules on date today (age, payer,
 * setting); otherwise CC_EINPUT saying which rule, to be overridden only
 * with a reason. */
int intake_eligible(const client *c, const program *p, const char *today, cc_err *err);

/* Create the client and the referral; a coach who works in the program and
 * has room takes the case. Refused whole on bad input, an unconfirmed ZIP or
 * duplicate warning, or an ineligible client without an override reason
 * (which is audited). */
int intake_submit(cc_ctx *ctx, intake_request *in, intake_result *out, cc_err *err);

/* intake_submit inside a write transaction the caller holds (and rolls back
 * if this fails): the same checks, writes and audit entries. */
int intake_submit_in(cc_ctx *ctx, intake_request *in, intake_result *out, cc_err *err);

/* Take in n referrals (a spreadsheet's rows) in one transaction, each as
 * intake_submit would, with results[i] and errs[i] for row i, and one audit
 * entry for the import (count, source: e.g. the file's name). All or nothing
 * (partial 0): the first row refused undoes everything, err "row N: why"
 * (N from 1) and errs of that row set. Partial: each row in a savepoint, the
 * good ones kept, errs[i] saying why a row was not; CC_OK even if some were
 * refused. A refusal of the person or the store's trouble undoes everything
 * in either mode. On failure every row's client and referral id is 0. */
int intake_import(cc_ctx *ctx, intake_request *rows, int n, intake_result *results,
                  cc_err *errs, int partial, const char *source, cc_err *err);

#endif
