/*
 * client.h — clients: identity, payer, language, living setting, tier,
 * per-facility identifiers; intake checks (service-area ZIP, possible
 * duplicates) and edits that never overwrite someone else's newer save.
 */
#ifndef CC_CLIENT_H
#define CC_CLIENT_H

#include "ctx.h"

typedef struct client {
    int64_t id;
    char family_name[64];
    char given_name[64];
    char dob[11];
    char zip[6];
    char payer[24];
    char language[16];
    int interpreter;
    char setting[16];
    int64_t setting_org_id; /* the senior-living facility or SNF; 0 = none */
    int tier;               /* 1 high need/high use, 2 chronic at risk, 0 none */
    int64_t owner_id;       /* staff member who owns the case; 0 = unassigned */
    int64_t program_id;     /* the owner's program; 0 = none yet */
    int64_t merged_into;    /* merged into this record (merge.h); 0 = not */
    int64_t version;
} client;

#define CLIENT_MAX_DUPS 8

typedef struct client_intake {
    int zip_outside; /* ZIP not in the service area */
    int ndups;       /* possible duplicates found */
    int64_t dup_ids[CLIENT_MAX_DUPS];
} client_intake;

enum client_flags {
    CLIENT_ALLOW_OUTSIDE_ZIP = 1, /* the person confirmed an out-of-area ZIP */
    CLIENT_ACCEPT_DUPLICATE = 2,  /* the person confirmed it is not a duplicate */
};

/* Check fields (one-line CC_EUSAGE naming the field on bad input). */
int client_validate(const client *c, cc_err *err);

/* Intake checks without writing: service-area ZIP and possible duplicates
 * (same date of birth and a similar name). */
int client_check_intake(cc_ctx *ctx, const client *c, client_intake *out, cc_err *err);

/* Create the client (sets c->id, c->version). Refuses an out-of-area ZIP or a
 * possible duplicate unless flags say the person confirmed it. Audited. */
int client_create(cc_ctx *ctx, client *c, int flags, client_intake *intake,
                  cc_err *err);

/* client_create inside the caller's (guarded) transaction. */
int client_create_in(cc_ctx *ctx, client *c, int flags, client_intake *intake,
                     cc_err *err);

/* Read one client (not audited: use client_view for a person's view). */
int client_get(cc_ctx *ctx, int64_t id, client *out, cc_err *err);

/* Read one client for a person to see, auditing the view of part
 * ("summary", "consent", ...) in its own transaction. Outside the actor's
 * scope (scope.h) it is refused (CC_EREFUSED), and the refusal audited. */
int client_view(cc_ctx *ctx, int64_t id, const char *part, client *out, cc_err *err);

/* Save edits made to a copy read at edited->version. If someone saved first:
 * CC_ECONFLICT and theirs holds the newer row (nothing is overwritten). */
int client_update(cc_ctx *ctx, client *edited, client *theirs, cc_err *err);

/* Add a facility record number (facility by code, e.g. "NGH"). */
int client_add_identifier(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                          const char *value, cc_err *err);

/* The same inside a transaction the caller holds (encounter notices). */
int client_add_identifier_in(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                             const char *value, cc_err *err);

/* The client holding identifier value at facility_code, or 0. */
int64_t client_by_identifier(cc_ctx *ctx, const char *facility_code, const char *value);

/* Make staff_id (in program_id) the owner of the client. Audited. The team
 * core builds warm hand-offs on top of this. */
int client_assign(cc_ctx *ctx, int64_t client_id, int64_t staff_id, int64_t program_id,
                  cc_err *err);
int client_assign_in(cc_ctx *ctx, int64_t client_id, int64_t staff_id,
                     int64_t program_id, cc_err *err);

/* Lower-case letters only, common Latin accents folded: the key duplicates
 * and searches compare. */
void client_name_key(const char *family, const char *given, char *out, size_t outsz);

/* Age in whole years on date (YYYY-MM-DD), -1 if dob is not a date. */
int client_age_on(const client *c, const char *date);

#endif
