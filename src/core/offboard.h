/*
 * offboard.h — a person leaving, in one step: their caseload goes out as
 * warm hand-offs (they stay the owner until each is accepted, so no case is
 * ever without one) or into the program's unassigned queue, their open
 * proposals are withdrawn and those waiting on them declined, their leave
 * covers end, the account is disabled and its key slot removed — all in one
 * transaction, or nothing. A hand-off from a disabled account that is
 * declined or expires puts the client in the unassigned queue (never back
 * with someone who has left).
 */
#ifndef CC_OFFBOARD_H
#define CC_OFFBOARD_H

#include "ctx.h"
#include "handoff.h"

typedef struct offboard_result {
    int handed;     /* clients proposed to the target */
    int unassigned; /* clients put in the unassigned queue */
    int withdrawn;  /* their open proposals withdrawn */
    int declined;   /* proposals to them declined */
    int covers;     /* leave covers ended */
    int64_t batch;  /* the hand-offs' batch, 0 if none */
} offboard_result;

/* Offboard login (an administrator acting): to != NULL hands every client
 * they own to it with note; to == NULL puts them in the unassigned queue.
 * Refused for oneself and for the last active administrator. */
int staff_offboard(cc_ctx *ctx, const char *login, const handoff_target *to,
                   const char *note, offboard_result *out, cc_err *err);

/* Inside a transaction: every client owned by a disabled account with no
 * hand-off waiting goes to the unassigned queue (audited). */
int offboard_sweep_in(cc_ctx *ctx, cc_err *err);

#endif
