/*
 * caseload.h — caseloads: active clients per coach against the program's
 * capacity (35), the suggestion of whom to give a new client, and assigning
 * an unassigned client (over capacity only with a reason).
 *
 * A client is active for a coach when the coach owns it and it has an open
 * intensive episode or open light-touch monitoring. That, the owner, an
 * open referral and the latest assessment's level are kept per client in
 * client_state by triggers (schema/0016_scale_screens.sql), in the
 * transaction of the change: CASELOAD_ACTIVE is the one SQL definition
 * every reader (caseloads, the board, the unassigned queue, and the
 * measures if they want it) uses.
 */
#ifndef CC_CASELOAD_H
#define CC_CASELOAD_H

#include "ctx.h"

/* SQL: the active clients as a table of (id, owner_id), by index. */
#define CASELOAD_ACTIVE                                                                \
    "(SELECT client_id AS id, owner_id FROM client_state WHERE active = 1)"

typedef struct caseload_entry {
    int64_t staff_id;
    char login[33];
    int active;   /* active clients */
    int high;     /* of which high risk (latest assessment) */
    int capacity; /* the team's program capacity */
} caseload_entry;

/* Active clients owned by staff_id. */
int caseload_active(cc_ctx *ctx, int64_t staff_id);

/* The coaches of team_id with their loads, least loaded first (ties: fewest
 * high-risk clients, then login); *out malloc'd. */
int caseload_team(cc_ctx *ctx, int64_t team_id, caseload_entry **out, int *n,
                  cc_err *err);

/* The coach to suggest for a new client of team_id (the first of
 * caseload_team). CC_EINPUT if the team has no coach. */
int caseload_suggest(cc_ctx *ctx, int64_t team_id, caseload_entry *out, cc_err *err);

/* Give an unassigned client to coach staff_id (in the coach's team's
 * program). Over capacity: CC_EINPUT "would carry 36/35" unless a reason is
 * given, which is audited. A client with an owner moves only by hand-off. */
int caseload_assign(cc_ctx *ctx, int64_t client_id, int64_t staff_id,
                    const char *reason, cc_err *err);

/* Room for one more client of program p with staff_id: a coach within the
 * program's capacity per coach, anyone within the own capacity of their
 * team in it (the ACT team's 100), or a reason given. note gets "load 36/35
 * [, team ACT 101/100]" for the audit; otherwise CC_EINPUT names the limit
 * ("WHO would carry 36/35 clients ..."). */
struct program;
int caseload_room(cc_ctx *ctx, int64_t staff_id, const struct program *p,
                  const char *who, const char *reason, char *note, size_t notesz,
                  cc_err *err);

/* The team (and its program) staff_id is a member of; 0 if none. */
int64_t caseload_team_of(cc_ctx *ctx, int64_t staff_id, int64_t *program_id);

#endif
