/*
 * team.h — care teams as an administrator keeps them: a team belongs to a
 * program, has members with their role on the team, may have a capacity of
 * its own (the ACT team: 100 clients) besides each coach's, and is covered
 * by program managers and social workers, each covering at most the site's
 * limit of teams (meta team_cover_limit, DOMAIN.md's 3). A team is retired,
 * never deleted, and only once it owns no clients.
 */
#ifndef CC_TEAM_H
#define CC_TEAM_H

#include "ctx.h"
#include "worklist.h"

/* Create team name for the program with program_code; capacity 0 = none of
 * its own. Audited; *id set. */
int team_create(cc_ctx *ctx, const char *name, const char *program_code, int capacity,
                int64_t *id, cc_err *err);

/* The id of the team called name, or whose id name is; 0 with err set. */
int64_t team_find(cc_ctx *ctx, const char *name, cc_err *err);

/* Rename team id (names are unique). Audited. */
int team_rename(cc_ctx *ctx, int64_t id, const char *name, cc_err *err);

/* Set team id's own capacity (0 clears it). Audited. */
int team_set_capacity(cc_ctx *ctx, int64_t id, int capacity, cc_err *err);

/* Retire team id: refused while its members own clients of its program
 * (the message gives the count and how to move them); members and cover
 * end. Audited. */
int team_retire(cc_ctx *ctx, int64_t id, cc_err *err);

/* Put staff_id on team id with their account's role; remove them (refused
 * while that would leave clients they own outside every team of the
 * program). Audited. */
int team_member_add(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);
int team_member_remove(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);

/* The same inside a transaction the caller holds (staff.c's add and move),
 * without the guard. */
int team_member_add_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);
int team_member_remove_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);

/* A program manager or social worker covers team id, up to the site's
 * limit of teams; or stops covering it. Audited. */
int team_cover_add(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);
int team_cover_remove(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err);

/* How many teams one person may cover (the site setting, default 3). */
int team_cover_limit(cc_ctx *ctx);

/* Team id's active clients and its own capacity (0 = none). */
int team_load(cc_ctx *ctx, int64_t id, int *active, int *capacity, cc_err *err);

/* Every account with its teams (login, name, role, teams, state: active,
 * one-time passphrase or disabled), active ones first. */
int staff_roster(cc_ctx *ctx, cc_table *out, cc_err *err);

/* Every team (id, name, program, capacity, members, covered by, state). */
int team_list(cc_ctx *ctx, cc_table *out, cc_err *err);

#endif
