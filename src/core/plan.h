/*
 * plan.h — the care plan the client owns: one per client, carried across
 * episodes. Goals are in the client's own words, with their barriers and a
 * review date, and end met or dropped (with a reason); action steps say who
 * does what by when, and a step can become a task with one call. Goals and
 * steps are versioned: a save that meets a newer one returns theirs and
 * changes nothing. While an episode is open the plan's review is a task,
 * due 30 days after the plan was made or last reviewed.
 */
#ifndef CC_PLAN_H
#define CC_PLAN_H

#include "ctx.h"

typedef struct plan_goal {
    int64_t id, plan_id, client_id;
    char words[256]; /* in the client's own words */
    char barriers[256];
    char status[10];  /* active met dropped */
    char reason[128]; /* why dropped */
    char review_date[11];
    char origin[24]; /* the template's code it came from, or "" */
    int64_t version;
} plan_goal;

typedef struct plan_step {
    int64_t id, goal_id;
    char what[256];
    char who[33]; /* "client", "caregiver", or a staff login */
    char due_date[11];
    int64_t task_id; /* the task it became, or 0 */
    int done;
    int64_t version;
} plan_step;

/* Add goal g for client_id (sets id, plan_id, version), making the plan if
 * the client has none (and its review task while an episode is open).
 * Audited. */
int plan_goal_add(cc_ctx *ctx, int64_t client_id, plan_goal *g, cc_err *err);

/* Save edits to a goal read at edited->version (words, barriers, status,
 * reason, review date); CC_ECONFLICT with theirs filled if someone saved
 * first; dropped needs a reason. Audited. */
int plan_goal_update(cc_ctx *ctx, plan_goal *edited, plan_goal *theirs, cc_err *err);

/* Add step s to its goal (sets id, version). Audited. */
int plan_step_add(cc_ctx *ctx, plan_step *s, cc_err *err);

/* Save edits to a step read at edited->version (what, who, due, done);
 * CC_ECONFLICT with theirs filled if someone saved first. Audited. */
int plan_step_update(cc_ctx *ctx, plan_step *edited, plan_step *theirs, cc_err *err);

/* The step read at version becomes a task: for the staff member it names,
 * else the client's owner; due on its date, else in a week. *task_id is the
 * task. A step that is a task already is refused. Audited. */
int plan_step_to_task(cc_ctx *ctx, int64_t step_id, int64_t version, int64_t *task_id,
                      cc_err *err);

/* The plan reviewed now: the open review task is completed and, while an
 * episode is open, the next one set 30 days on. Audited. */
int plan_review(cc_ctx *ctx, int64_t client_id, cc_err *err);

/* The starting goals the client's program proposes (plan_template, by the
 * program's kind) that the plan does not have yet; *added of them. */
int plan_from_template(cc_ctx *ctx, int64_t client_id, int *added, cc_err *err);

/* One goal or step by id (guarded as a read of its client's record). */
int plan_goal_get(cc_ctx *ctx, int64_t id, plan_goal *out, cc_err *err);
int plan_step_get(cc_ctx *ctx, int64_t id, plan_step *out, cc_err *err);

/* The client's goals (active first) into a malloc'd array of *n. */
int plan_goals(cc_ctx *ctx, int64_t client_id, plan_goal **out, int *n, cc_err *err);

/* Inside the caller's transaction: the plan's review task for the client's
 * open episode, due 30 days from now, unless one is open already. */
int plan_review_task_in(cc_ctx *ctx, int64_t client_id, cc_err *err);

#endif
