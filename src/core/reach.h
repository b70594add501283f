/*
 * reach.h — how to reach a client: two phones (which is preferred, when to
 * call), the home address, the primary care provider and practice (from the
 * directory); and the family, caregivers and legal representatives around
 * them. Both are versioned like the client row: a save names the version it
 * read, and a newer save by someone else is returned, never overwritten.
 * Caregivers are retired, never deleted, so a consent signed by a legal
 * representative keeps naming them.
 */
#ifndef CC_REACH_H
#define CC_REACH_H

#include "ctx.h"

typedef struct client_reach {
    int64_t client_id;
    char phone1[24], phone1_kind[10]; /* mobile home work facility */
    char phone2[24], phone2_kind[10];
    int preferred; /* 1 or 2 */
    char call_times[64];
    char address[128], city[64];
    char pcp_org[24]; /* the practice's directory code, "" none */
    char pcp_name[64];
    int64_t version; /* 0: nothing saved yet */
} client_reach;

typedef struct caregiver {
    int64_t id, client_id;
    char name[96];
    char relationship[16]; /* spouse partner child parent sibling relative friend
                              neighbor paid-caregiver guardian other */
    char phone[24];
    char language[16];
    int may_contact, legal_rep, active;
    int64_t version;
} caregiver;

#define CAREGIVER_RELATIONSHIPS                                                        \
    "spouse,partner,child,parent,sibling,relative,friend,neighbor,paid-caregiver,"     \
    "guardian,other"
#define REACH_PHONE_KINDS "mobile,home,work,facility"

/* The client's contact details (version 0 and empty if none were saved);
 * guarded as a read of the record, not audited (the record's view is). */
int reach_get(cc_ctx *ctx, int64_t client_id, client_reach *out, cc_err *err);

/* Save edits made to a copy read at edited->version (0: the first save).
 * CC_EINPUT naming the field on bad input; CC_ECONFLICT with theirs filled if
 * someone saved first. Audited. */
int reach_save(cc_ctx *ctx, client_reach *edited, client_reach *theirs, cc_err *err);

/* Add a caregiver (sets id and version). Audited. */
int caregiver_add(cc_ctx *ctx, caregiver *c, cc_err *err);

/* Save edits (active = 0 retires) made to a copy read at edited->version;
 * CC_ECONFLICT with theirs filled if someone saved first. Audited. */
int caregiver_update(cc_ctx *ctx, caregiver *edited, caregiver *theirs, cc_err *err);

/* One caregiver by id. */
int caregiver_get(cc_ctx *ctx, int64_t id, caregiver *out, cc_err *err);

/* The client's caregivers, active ones first, into a malloc'd array (*n of
 * them; free it). */
int caregiver_list(cc_ctx *ctx, int64_t client_id, caregiver **out, int *n,
                   cc_err *err);

/* Who to call, in one line for the summary band: the preferred phone and
 * when to call, then the first caregiver who may be contacted ("" if none
 * is known). */
void reach_who_to_call(cc_ctx *ctx, int64_t client_id, char *out, size_t outsz);

/* A phone number as staff type it: 7 to 15 digits, with spaces, dots,
 * dashes, parentheses, a leading + and an "x" extension allowed. */
int reach_phone_valid(const char *phone);

#endif
