/*
 * leave.h — leave cover: while a person is away for a range of dates, a
 * colleague with the same role on one of their teams works their caseload
 * and inbox as their own, without a hand-off. Nothing moves: the clients
 * stay theirs, and the cover ends by itself after its last day (or early,
 * when ended). What the colleague does is audited under the colleague's
 * own name with "covering for LOGIN" noted (guard.c sets it, ctx_audit
 * writes it).
 */
#ifndef CC_LEAVE_H
#define CC_LEAVE_H

#include "ctx.h"
#include "worklist.h"

/* SQL: the staff ids whose work the staff member W does on the local date D
 * (two SQL expressions): W and everyone W covers on leave that day. */
#define LEAVE_ACTS_FOR(W, D)                                                           \
    "(SELECT " W                                                                       \
    " UNION SELECT lc.staff_id FROM leave_cover lc WHERE lc.cover_id = " W             \
    " AND lc.ended_at IS NULL AND lc.start_date <= " D " AND lc.end_date >= " D ")"

/* The longest cover one entry may give, in days. */
#define LEAVE_MAX_DAYS 183

/* cover_login covers login from the local date from to until (inclusive):
 * both active, the same role, sharing a team; no overlap with another cover
 * of login, nor with a leave of cover_login. By an administrator, or a
 * program manager on or covering one of login's teams. Audited; *id set. */
int leave_add(cc_ctx *ctx, const char *login, const char *cover_login, const char *from,
              const char *until, const char *note, int64_t *id, cc_err *err);

/* End cover id now (one not yet begun is cancelled). Same permission as
 * leave_add. Audited. */
int leave_end(cc_ctx *ctx, int64_t id, cc_err *err);

/* Covers not yet over (id, away, covered by, from, until, state, note). */
int leave_list(cc_ctx *ctx, cc_table *out, cc_err *err);

/* The id of the person whose client owner_id is, if the actor covers them
 * today (and is not them); else 0. */
int64_t leave_covering(cc_ctx *ctx, int64_t owner_id);

/* Note in ctx that the actor works for staff_id on leave (when they do),
 * so the audit entries of this use case say so. Returns 1 if noted. */
int leave_note_cover(cc_ctx *ctx, int64_t staff_id);

#endif
