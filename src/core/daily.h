/*
 * daily.h — what the turn of a day brings, done by the core itself: an open
 * intensive episode that has gone past its target (with extensions), or past
 * its program's maximum, raises one alert of each kind to the team's nurse;
 * a monitored client whose re-screen date has come gets a re-screen task for
 * their owner. Each is raised once (the alert by a unique index, the task by
 * its origin), audited, in one transaction.
 *
 * Nobody has to remember to run it: the first worklist read of a day (the
 * header's counts, the inbox) runs it, and any later read that day skips it
 * after one meta lookup.
 */
#ifndef CC_DAILY_H
#define CC_DAILY_H

#include "ctx.h"

/* Raise what is due today (local day), whoever reads first. Sets *raised
 * (may be NULL) to the number of alerts and tasks created. */
int daily_run(cc_ctx *ctx, int *raised, cc_err *err);

/* daily_run once per local day (meta "daily_run_day"); failures are left
 * for the next read, never shown to the reader. */
void daily_run_if_due(cc_ctx *ctx);

#endif
