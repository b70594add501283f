/*
 * task.h — tasks (due date, owner, origin, completion; overdue is derived)
 * and contacts (calls, visits, accompanied appointments, messages:
 * append-only, corrected by new entries that name the old one).
 */
#ifndef CC_TASK_H
#define CC_TASK_H

#include "ctx.h"

typedef struct task {
    int64_t id;
    int64_t client_id;
    int64_t episode_id; /* 0 = none */
    char title[128];
    char due_at[21];
    char due_date[16]; /* in: "YYYY-MM-DD" instead of due_at: due at the end
                          of that day in the site's time zone */
    int64_t owner_id;
    char origin[12]; /* protocol | alert | manual */
    char origin_ref[64];
    char completed_at[21]; /* "" while open */
    int64_t completed_by;
    char cancelled_at[21]; /* set when its episode closed before it was done */
    int64_t version;
} task;

typedef struct contact {
    int64_t id;
    int64_t client_id;
    char kind[28]; /* call home-visit accompanied-appointment snf-visit message */
    char at[21];
    int duration_min;
    char note[2048];
    int64_t staff_id;
    int64_t corrects_id; /* 0 = an original entry */
    char outcome[16];    /* reached no-answer left-message refused wrong-number
                            ("" = reached) */
    int64_t task_id;     /* in: the open task of the client it carries out, or 0 */
    int fulfil;          /* in: complete the protocol task it carries out */
    int64_t fulfilled;   /* out: the task the contact completed, or 0 */
} contact;

#define CONTACT_OUTCOMES      "reached,no-answer,left-message,refused,wrong-number"
#define CONTACT_BACKDATE_DAYS 30 /* how far back a contact may be logged */

/* True if t is open (neither completed nor cancelled) and its due time is
 * before now (ISO instant). */
int task_overdue(const task *t, const char *now);

/* Add a task (origin defaults to manual; owner defaults to the actor). */
int task_add(cc_ctx *ctx, task *t, cc_err *err);
int task_add_in(cc_ctx *ctx, task *t, cc_err *err);

/* Complete task id read at version; CC_ECONFLICT (theirs filled) if it was
 * changed or completed by someone else first. */
int task_complete(cc_ctx *ctx, int64_t id, int64_t version, task *theirs, cc_err *err);

int task_get(cc_ctx *ctx, int64_t id, task *out, cc_err *err);

/* Log a contact (staff is the actor; at defaults to now, may be back-dated
 * up to CONTACT_BACKDATE_DAYS, never in the future). A contact that reached
 * the client closes the loop: c->task_id names the open task it carries out,
 * or with c->fulfil a call or home visit completes the open protocol task it
 * carries out (the weekly call or contact, the home visit within 72 hours)
 * due first and by three days after it; c->fulfilled names that task (0 if
 * none). */
int contact_log(cc_ctx *ctx, contact *c, cc_err *err);

/* contact_log inside the caller's (guarded) transaction. */
int contact_log_in(cc_ctx *ctx, contact *c, cc_err *err);

/* Inside the caller's transaction: complete the open protocol task of the
 * client whose code is one of codes (a comma list), due first (and by due_by,
 * an instant, unless it is NULL), audited with details ("by contact 12");
 * *done gets its id (0: none was open). */
int task_fulfil_in(cc_ctx *ctx, int64_t client_id, const char *codes,
                   const char *due_by, const char *details, int64_t *done, cc_err *err);

/* Inside the caller's transaction: cancel the open tasks of client whose
 * origin_ref is ref (an appointment's reminder once it is cancelled). */
int task_cancel_ref_in(cc_ctx *ctx, int64_t client_id, const char *ref, cc_err *err);

/* Correct contact old_id with a new entry c (same client); the old one
 * stays. */
int contact_correct(cc_ctx *ctx, int64_t old_id, contact *c, cc_err *err);

#endif
