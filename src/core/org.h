/*
 * org.h — the directory of outside organizations: hospitals (with the
 * facility codes their notifications and identifiers use), skilled nursing
 * and senior-living facilities, primary care practices, clinics, payers'
 * case management, agencies and the health information exchange. Consents,
 * referrals, hand-offs and identifiers name an organization by its code,
 * resolved here, so every rule compares the same entity, never free text.
 * An organization is retired, never deleted once anything refers to it.
 */
#ifndef CC_ORG_H
#define CC_ORG_H

#include "ctx.h"
#include "worklist.h"

typedef struct organization {
    int64_t id;
    char code[24]; /* the facility code: unique, never reused */
    char kind[16];
    char name[128];
    int active;
    int64_t version;
} organization;

/* The kinds (and their spoken aliases), for messages. */
const char *org_kinds_text(void);

/* The stored kind for kind or an alias ("primary-care" -> "practice",
 * "payer" -> "payer-cm"); NULL if unknown. */
const char *org_kind_of(const char *kind);

/* Add an organization (administrators). CC_EINPUT on a bad or taken code,
 * an unknown kind or an empty name. Audited. */
int org_add(cc_ctx *ctx, const char *code, const char *kind, const char *name,
            int64_t *id, cc_err *err);

/* Change the name and/or kind (NULL keeps it) of the organization with code.
 * Audited. */
int org_edit(cc_ctx *ctx, const char *code, const char *name, const char *kind,
             cc_err *err);

/* Retire code: it stays in every record naming it but can no longer be
 * chosen. Audited. */
int org_retire(cc_ctx *ctx, const char *code, cc_err *err);

/* Delete code, only if nothing has ever referred to it; otherwise
 * CC_EINPUT with the count, saying to retire it. Audited. */
int org_remove(cc_ctx *ctx, const char *code, cc_err *err);

/* Look up code (active or retired). CC_EINPUT if there is none. */
int org_find(cc_ctx *ctx, const char *code, organization *out, cc_err *err);

/* The id of the active organization with code, for a new consent, referral,
 * hand-off or identifier; 0 with err set (none, or retired). */
int64_t org_resolve(cc_ctx *ctx, const char *code, cc_err *err);

/* The directory as a table (code, kind, name, state), retired ones last;
 * kind "" = every kind. */
int org_list(cc_ctx *ctx, const char *kind, cc_table *out, cc_err *err);

#endif
