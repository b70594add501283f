/*
 * demo.h — a demo database of synthetic people, built through the core API
 * (never raw SQL on case data) by replaying months of work with a moving
 * clock. With the clock fixed (CARECOORD_NOW) the same seed gives the same
 * data, so two runs export identically. The use cases of DEMO_BATCH clients
 * share one commit (each still atomic, as a savepoint: store/nest.h).
 */
#ifndef CC_DEMO_H
#define CC_DEMO_H

#include <stdint.h>

#include "store/store.h"

#define DEMO_PASSPHRASE "demo"
#define DEMO_BATCH      500   /* clients per commit of the build */
#define DEMO_DAYS       240   /* the shortest span of referrals, in days before today */
#define DEMO_PER_YEAR   25000 /* a region's referrals a year (DOMAIN.md) */

typedef struct demo_opts {
    int clients;   /* clients in all */
    uint64_t seed; /* PRNG seed */
    int batch;     /* clients per commit: 0 DEMO_BATCH; < 0 every use case its own
                      commit (each use case is atomic either way: store/nest.h) */
    int years;     /* referrals arrive over this many years before today; 0: over
                      DEMO_DAYS, or at DEMO_PER_YEAR a year when that is longer.
                      Past DEMO_DAYS, cases end as they would over years: long-past
                      episodes are closed and light touch ends (episode.h) */
    /* called after each client (may be NULL): clients done of total */
    int (*progress)(void *arg, int64_t done, int64_t total);
    void *progress_arg;
} demo_opts;

typedef struct demo_summary {
    int clients, staff, teams;
    int open_episodes, monitoring, declined, referrals_open;
    int demo_coach_caseload;
} demo_summary;

#define DEMO_MRN_BYTES 24

/* The demo's medical record number at facility for the seq-th client (its
 * id): "MRN" and 7 digits that look random, never the same for two seq at one
 * facility (a keyed permutation of 0..9999999; beyond it, more digits). */
void demo_mrn(const char *facility, int64_t seq, char out[DEMO_MRN_BYTES]);

/* Fill a freshly created store (whose first slot is demo-admin) with staff
 * in teams (1 nurse, 1 scheduler, 6 coaches each), one account per role
 * with the passphrase "demo", and opts->clients clients. */
/* The span of referral dates, in days, that opts asks for. */
int demo_span_days(const demo_opts *opts);

int demo_build(store *s, const demo_opts *opts, demo_summary *sum, cc_err *err);

#endif
