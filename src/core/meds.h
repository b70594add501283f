/*
 * meds.h — the client's medications, their reconciliation, and the four
 * care-transition pillars. A medication records what the client takes
 * (name, dose, how taken, prescriber), where that came from and when it
 * started and stopped; it is versioned like every editable row. A
 * reconciliation records who compared the lists, when, each discrepancy and
 * how it was resolved; the nurse's sign-off ticks the medications pillar of
 * the open episode and completes the protocol's medication review. The
 * other pillars (personal health record given and used, follow-up
 * appointments, red flags taught and repeated back) are marked by staff; the
 * follow-up pillar also counts as done once a PCP or specialist appointment
 * of the episode was kept.
 */
#ifndef CC_MEDS_H
#define CC_MEDS_H

#include "ctx.h"

typedef struct medication {
    int64_t id, client_id;
    char name[96], dose[64], how_taken[64], prescriber[96];
    char source[20]; /* client caregiver pharmacy discharge-summary pcp bottles */
    char start_date[11], stop_date[11];
    int64_t version;
} medication;

#define MED_SOURCES "client,caregiver,pharmacy,discharge-summary,pcp,bottles"

typedef struct med_discrepancy {
    int64_t medication_id; /* 0: not on the list (e.g. found in the home) */
    char what[256], resolution[256];
} med_discrepancy;

#define MED_MAX_DISCREPANCIES 16

/* Add m to its client's list (sets id, version). Audited. */
int med_add(cc_ctx *ctx, medication *m, cc_err *err);

/* Save edits (a stop date stops it) made to a copy read at edited->version;
 * CC_ECONFLICT with theirs filled if someone saved first. Audited. */
int med_update(cc_ctx *ctx, medication *edited, medication *theirs, cc_err *err);

/* One medication (guarded as a read of its client's record). */
int med_get(cc_ctx *ctx, int64_t id, medication *out, cc_err *err);

/* A reconciliation of client_id's list now by the actor, with its n
 * discrepancies (each resolved), linked to the open episode. Sets *id.
 * Audited. */
int med_reconcile(cc_ctx *ctx, int64_t client_id, const char *note,
                  const med_discrepancy *d, int n, int64_t *id, cc_err *err);

/* The nurse signs reconciliation id off (nurses only; once): the open
 * episode's medications pillar is done, and its medication review task.
 * Audited. */
int med_sign_off(cc_ctx *ctx, int64_t reconciliation_id, cc_err *err);

/* The four pillars. */
#define PILLARS "medications,phr,follow-up,red-flags"

typedef struct pillar_state {
    int episode;      /* 0: no open care-transition episode (pillars do not apply) */
    int done[4];      /* medications, phr, follow-up, red-flags */
    int missing;      /* how many are not done */
    char summary[64]; /* "pillars 2/4: phr, red-flags missing" */
} pillar_state;

/* Mark pillar (phr, follow-up or red-flags; medications comes from the
 * nurse's sign-off) done for the client's open episode, with a note.
 * Audited. */
int pillar_mark(cc_ctx *ctx, int64_t client_id, const char *pillar, const char *note,
                cc_err *err);

/* The pillars of the client's open care-transition episode (not audited:
 * part of the record's band, whose view is). */
int pillars_of(cc_ctx *ctx, int64_t client_id, pillar_state *out, cc_err *err);

#endif
