/*
 * intake.h — taking in a new client: the person, the referral, the checks
 * (service-area ZIP, possible duplicates, the program's eligibility) and the
 * first owner, as one use case in one transaction. Nothing is saved unless
 * all of it is.
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

#endif
