/*
 * census.h — reads over the whole store that only the program itself makes
 * (ctx_system): the demo generator's replay (a client's open tasks, the
 * clients in an open episode) and its closing summary. A person's context is
 * refused: people read through the scoped functions of worklist.h.
 */
#ifndef CC_CENSUS_H
#define CC_CENSUS_H

#include "ctx.h"

typedef struct census_task {
    int64_t id, version;
    int64_t due; /* seconds since the epoch */
} census_task;

/* Up to max open tasks of client_id, by due time then id; *n set. */
int census_open_tasks(cc_ctx *ctx, int64_t client_id, census_task *out, int max, int *n,
                      cc_err *err);

/* Every owned client with an open intensive episode, by id, with its owner;
 * *ids and *owners malloc'd (free both). */
int census_followed(cc_ctx *ctx, int64_t **ids, int64_t **owners, int *n, cc_err *err);

/* How many intensive episodes and light-touch monitorings are open. */
int census_totals(cc_ctx *ctx, int *open_episodes, int *monitoring, cc_err *err);

#endif
