/*
 * handoff.h — warm hand-offs: the receiver accepts before the sender lets go,
 * so a client is never without an owner.
 *
 *   proposed -> accepted | declined (reason) | withdrawn | expired
 *
 * A hand-off goes to a staff member, a team or a program (inside carecoord),
 * or to an outside organization (a payer's case management, a safety-net
 * clinic), whose acceptance the sender records; only then does the client
 * leave the program as transferred. An outside hand-off passes the consent
 * gate and is recorded as a disclosure. The receiver gets a snapshot summary
 * (risk and drivers, active issues, consents, open tasks, recent contacts,
 * episode day, the plan's active goals with their open steps, the
 * care-transition pillars, the current medications, the first and latest
 * PAM results). Unanswered proposals expire after a number of business days
 * (meta handoff_expiry_business_days, default 3). Of two receivers accepting
 * at once exactly one wins.
 */
#ifndef CC_HANDOFF_H
#define CC_HANDOFF_H

#include "ctx.h"

typedef struct handoff_target {
    char kind[16]; /* staff | team | program | organization */
    int64_t id;
} handoff_target;

typedef struct handoff {
    int64_t id;
    int64_t client_id;
    int64_t from_staff_id;
    int64_t from_program_id;
    handoff_target to;
    char state[12];
    char note[512];
    char reason[256];
    int substance_use;
    char proposed_at[21];
    char expires_at[21];
    char decided_at[21];
    int64_t decided_by;
    char outside_accepted_by[96];
    char outside_contact[96];
    int64_t batch;
    int64_t version;
} handoff;

/* Propose handing client_id (owned by the actor, or by a coach of a team the
 * actor covers as program manager) to target with a note. For an outside
 * organization the consent gate must pass (substance_use: the summary
 * includes substance-use information). Sets *id. */
int handoff_propose(cc_ctx *ctx, int64_t client_id, const handoff_target *to,
                    const char *note, int substance_use, int64_t *id, cc_err *err);

/* Propose every client in ids[0..n) to target in one transaction with one
 * note; all or none. Sets *batch (the batch number the hand-offs share). */
int handoff_bulk(cc_ctx *ctx, const int64_t *ids, int n, const handoff_target *to,
                 const char *note, int64_t *batch, cc_err *err);

/* The same for every client staff_id owns (a departing coach). *count gets
 * how many were proposed. */
int handoff_bulk_caseload(cc_ctx *ctx, int64_t staff_id, const handoff_target *to,
                          const char *note, int64_t *batch, int *count, cc_err *err);

/* Inside a transaction the caller holds: propose client_id to target in
 * batch (0: none) without the consent gate's substance-use part; the
 * caller has checked who may (offboarding acts as the system). */
int handoff_propose_in(cc_ctx *ctx, int64_t client_id, const handoff_target *to,
                       const char *note, int64_t batch, int64_t *id, cc_err *err);

/* The next unused batch number. */
int64_t handoff_next_batch(cc_ctx *ctx);

/* Inside a transaction: withdraw every open proposal from staff_id and
 * decline every one addressed to them with reason (a departing person);
 * the counts go to *withdrawn and *declined. */
int handoff_release_in(cc_ctx *ctx, int64_t staff_id, const char *reason,
                       int *withdrawn, int *declined, cc_err *err);

/* The receiver accepts: ownership moves to the actor. A coach who would go
 * over the program's capacity must give a reason (else CC_EINPUT, nothing
 * changes). CC_ECONFLICT if it was decided by someone else first; CC_EINPUT
 * if it expired. */
int handoff_accept(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err);

/* The receiver declines with a reason; the sender keeps the client. */
int handoff_decline(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err);

/* The sender withdraws the proposal. */
int handoff_withdraw(cc_ctx *ctx, int64_t id, cc_err *err);

/* The sender records that the outside organization accepted (who accepted,
 * how they were reached): the client leaves the program as transferred. */
int handoff_record_outside(cc_ctx *ctx, int64_t id, const char *accepted_by,
                           const char *contact, cc_err *err);

/* Mark proposals past their expiry as expired; *n gets how many. */
int handoff_expire_due(cc_ctx *ctx, int *n, cc_err *err);

/* A person looks at hand-off id (and its summary, JSON, malloc'd, when
 * summary is not NULL): the sender, an addressee, or someone with the client
 * in scope. Audited as a view of the client; a refusal audited too. */
int handoff_show(cc_ctx *ctx, int64_t id, handoff *out, char **summary, cc_err *err);

/* Read one hand-off for the core's own use (not audited, no permission
 * check): a proposal past its expiry reads as expired. */
int handoff_get(cc_ctx *ctx, int64_t id, handoff *out, char **summary, cc_err *err);

/* The summary snapshot json as text a person reads: "key: value" lines, a
 * list as "key (count):" then one "  - field: value; ..." line per entry, a
 * list inside an entry after it, indented the same way (text malloc'd; 0,
 * or -1 if json is not an object or memory ran out). Not sanitized: the
 * screen draws it through its sanitizer. */
int handoff_summary_text(const char *json, char **text);

/* The summary snapshot of a client as a receiver would get it (JSON,
 * malloc'd); for the core's own use inside a guarded transaction. */
int handoff_summary(cc_ctx *ctx, int64_t client_id, char **json, cc_err *err);

/* expires = from + n business days (Saturday and Sunday skipped), as ISO. */
void handoff_business_days(int64_t from, int n, char out[21]);

#endif
