/*
 * pam.h — Patient Activation Measure results, entered from a licensed
 * instrument: a score from 0 to 100, a level from 1 to 4, the instrument
 * (PAM-10 or PAM-13), the date, who administered it, and the site's licence
 * reference (a site setting, required before any result is stored).
 * carecoord ships neither the items nor the scoring.
 */
#ifndef CC_PAM_H
#define CC_PAM_H

#include "ctx.h"

typedef struct pam_result {
    int64_t id, client_id;
    double score;
    int level;
    char instrument[8]; /* PAM-10 PAM-13 */
    char taken_date[11];
    char licence_ref[64]; /* out: the site's, as stored */
} pam_result;

/* Record r (sets id and licence_ref): a date not in the future, the
 * client in scope for a change. CC_EINPUT when the site has no licence
 * reference set. Audited. */
int pam_record(cc_ctx *ctx, pam_result *r, cc_err *err);

/* The site's PAM licence reference (administrators). Audited. */
int pam_licence_set(cc_ctx *ctx, const char *ref, cc_err *err);

/* The first and latest results of the client (count 0, 1 or more): for the
 * summary ("PAM 48 -> 56 (+8)"). Not audited (the band's view is). */
typedef struct pam_change {
    int count;
    pam_result first, latest;
} pam_change;
int pam_change_of(cc_ctx *ctx, int64_t client_id, pam_change *out, cc_err *err);

#endif
