/*
 * referral.h — referrals and their status workflow:
 *   received -> contacted -> consented | declined (reason) | unreachable |
 *   ineligible (reason) -> assessed -> enrolled | monitoring | closed
 * Every transition records when and who (referral_event); illegal ones are
 * refused with a message naming what is allowed.
 */
#ifndef CC_REFERRAL_H
#define CC_REFERRAL_H

#include "ctx.h"

typedef struct referral {
    int64_t id;
    int64_t client_id;
    int64_t program_id;
    char source_type[24];
    int64_t source_org_id; /* 0 = none */
    char source_person[96];
    char criteria[256]; /* comma list of criteria codes */
    char received_date[11];
    char status[16];
    char status_at[21];
    char reason[256];
    int64_t version;
    int risk_given;      /* the referrer gave a 30-day readmission risk */
    double readmit_risk; /* that risk in percent, 0-100 */
} referral;

/* Read text ("18", "12.5", "" for none given) as r's readmission risk in
 * percent; CC_EINPUT (r unchanged) unless it is a number from 0 to 100. */
int referral_parse_risk(const char *text, referral *r, cc_err *err);

/* True if source is one of: resident-counselor ems pcp discharge-planner snf
 * payer self other. */
int referral_source_valid(const char *source);

/* Create a referral in status "received" (sets r->id). Audited. */
int referral_create(cc_ctx *ctx, referral *r, cc_err *err);

/* referral_create inside the caller's transaction (the caller has guarded). */
int referral_create_in(cc_ctx *ctx, referral *r, cc_err *err);

/* The client's open referral: in the client's own program first, else the
 * newest in any program. out->id is 0 when there is none. */
int referral_open_of(cc_ctx *ctx, int64_t client_id, referral *out, cc_err *err);

/* The program a client's case work happens in: its owner's, else its open
 * referral's; 0 if neither. */
int64_t referral_program_of(cc_ctx *ctx, int64_t client_id);

/* After a participation decision, inside the caller's transaction: the open
 * referral moves received -> contacted -> consented (or declined, with the
 * reason). *moved is the referral as it now stands (id 0: none open). */
int referral_after_consent_in(cc_ctx *ctx, int64_t client_id, int declined,
                              const char *reason, referral *moved, cc_err *err);

/* Read one referral. */
int referral_get(cc_ctx *ctx, int64_t id, referral *out, cc_err *err);

/* Move referral id to status to (reason required for declined and
 * ineligible; consented needs an active participation consent). Refused
 * with CC_EUSAGE when the workflow does not allow it. Audited. */
int referral_transition(cc_ctx *ctx, int64_t id, const char *to, const char *reason,
                        cc_err *err);

/* The same, inside a transaction the caller already holds. */
int referral_transition_in(cc_ctx *ctx, int64_t id, const char *to, const char *reason,
                           cc_err *err);

/* True if the workflow allows from -> to. */
int referral_can(const char *from, const char *to);

/* True if status is terminal (nothing may follow it). */
int referral_terminal(const char *status);

/* The open (non-terminal) referral of client into program, or 0. */
/* Inside a transaction: the client's referral in care for the program
 * (enrolled or monitoring) follows its episode to `to` (monitoring when the
 * client stays after an episode, closed when they leave care, enrolled when
 * an episode starts from monitoring); nothing if there is none or it is
 * there already. */
int referral_follow_care_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                            const char *to, cc_err *err);

int64_t referral_open_for(cc_ctx *ctx, int64_t client_id, int64_t program_id);

#endif
