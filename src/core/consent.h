/*
 * consent.h — consent to participate (or a recorded decline) and consents to
 * release information to named recipients, with expiry and revocation.
 *
 * State is derived from the dates against today, never stored:
 *   declined | revoked (from the revocation date) | expired (the day after
 *   the expiry date) | expiring (expiry within 30 days) | active.
 */
#ifndef CC_CONSENT_H
#define CC_CONSENT_H

#include "ctx.h"
#include "referral.h"

#define CONSENT_MAX_RECIPIENTS 16
#define CONSENT_EXPIRING_DAYS  30

enum consent_state {
    CONSENT_ACTIVE,
    CONSENT_EXPIRING,
    CONSENT_EXPIRED,
    CONSENT_REVOKED,
    CONSENT_DECLINED,
};

typedef struct consent {
    int64_t id;
    int64_t client_id;
    char kind[16];     /* participation | release */
    char decision[10]; /* granted | declined (participation only) */
    char decline_reason[256];
    char purpose[128];
    char information[256]; /* what may be released */
    int substance_use;     /* covers substance-use information */
    char signed_date[11];
    int64_t recorded_by;
    char witness[96];
    char expires_date[11]; /* "" = no date */
    char expires_event[96];
    char revoked_date[11]; /* "" = not revoked */
    char revoke_reason[256];
    int nrecipients;
    int64_t recipients[CONSENT_MAX_RECIPIENTS]; /* organization ids */
    int64_t signed_by_rep; /* the legal representative (caregiver id) who signed
                              for the client; 0 = the client */
    int64_t version;
    referral referral; /* out of consent_record: the referral a participation
                          decision moved (id 0 if none was open) */
} consent;

/* The derived state of c on today. */
enum consent_state consent_state(const consent *c, const char *today);

/* "active", "expiring", "expired", "revoked", "declined". */
const char *consent_state_name(enum consent_state s);

/* Record c (sets id; recorded_by is the acting staff member). A release
 * names at least one recipient; a decline needs a reason. A participation
 * decision moves the client's open referral to consented or declined in the
 * same transaction (c->referral). Audited. */
int consent_record(cc_ctx *ctx, consent *c, cc_err *err);

/* Revoke consent id from date (YYYY-MM-DD, not before it was signed) with a
 * reason. Audited. */
int consent_revoke(cc_ctx *ctx, int64_t id, const char *date, const char *reason,
                   cc_err *err);

/* The client revoked release id for one recipient (org_id) from date, with
 * a reason: the release is revoked and, if others remain, recorded again as
 * signed, naming the rest (*new_id; 0 if none remain). One transaction,
 * audited. */
int consent_revoke_recipient(cc_ctx *ctx, int64_t id, int64_t org_id, const char *date,
                             const char *reason, int64_t *new_id, cc_err *err);

/* Read one consent with its recipients. */
int consent_get(cc_ctx *ctx, int64_t id, consent *out, cc_err *err);

/* Whether the client's latest participation record is a grant that is
 * active (or expiring) today: *active 1 or 0. CC_OK, or the error that
 * stopped the read (then *active is 0 and means nothing). */
int consent_participation_check(cc_ctx *ctx, int64_t client_id, int *active,
                                cc_err *err);

/* CC_OK if an active release consent of the client names organization
 * org_id (and, when substance_use, covers substance-use information);
 * otherwise CC_EREFUSED with a message saying which consent is missing. */
int consent_covers(cc_ctx *ctx, int64_t client_id, int64_t org_id, int substance_use,
                   cc_err *err);

/* Ids of the client's consents, newest first (at most max). */
int consent_list(cc_ctx *ctx, int64_t client_id, int64_t *ids, int max, cc_err *err);

#endif
