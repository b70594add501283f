/*
 * census.c — the program's own whole-store reads (see census.h).
 */
#include "census.h"

#include <stdlib.h>

#include "util/alloc.h"
#include "util/clock.h"

static int system_only(cc_ctx *ctx, cc_err *err)
{
    return ctx->system ? CC_OK
                       : cc_err_set(err, CC_EREFUSED,
                                    "whole-store reads are the program's own");
}

int census_open_tasks(cc_ctx *ctx, int64_t client_id, census_task *out, int max, int *n,
                      cc_err *err)
{
    *n = 0;
    if (system_only(ctx, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id, version, due_at FROM task WHERE client_id = ?1 AND completed_at IS "
        "NULL AND cancelled_at IS NULL ORDER BY due_at, id",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
        char iso[21];
        out[*n].id = sqlite3_column_int64(st, 0);
        out[*n].version = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, iso, sizeof iso);
        clock_parse_iso(iso, &out[*n].due);
        (*n)++;
    }
    ctx_finalize(st);
    return CC_OK;
}

int census_followed(cc_ctx *ctx, int64_t **ids, int64_t **owners, int *n, cc_err *err)
{
    int cap = 256;
    *n = 0;
    *ids = *owners = NULL;
    if (system_only(ctx, err) != CC_OK)
        return err->code;
    *ids = cc_malloc((size_t)cap * sizeof **ids);
    *owners = cc_malloc((size_t)cap * sizeof **owners);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT c.id, c.owner_id FROM client c WHERE c.owner_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND "
        "e.closed_date IS NULL) ORDER BY c.id",
        err);
    if (!st || !*ids || !*owners) {
        ctx_finalize(st);
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap *= 2;
            int64_t *a = cc_realloc(*ids, (size_t)cap * sizeof *a);
            if (a)
                *ids = a;
            int64_t *b = cc_realloc(*owners, (size_t)cap * sizeof *b);
            if (b)
                *owners = b;
            if (!a || !b)
                break;
        }
        (*ids)[*n] = sqlite3_column_int64(st, 0);
        (*owners)[(*n)++] = sqlite3_column_int64(st, 1);
    }
    ctx_finalize(st);
    return CC_OK;
}

int census_totals(cc_ctx *ctx, int *open_episodes, int *monitoring, cc_err *err)
{
    if (system_only(ctx, err) != CC_OK)
        return err->code;
    *open_episodes = (int)ctx_int(
        ctx, "SELECT count(*) FROM episode WHERE closed_date IS NULL AND ?1 = ?2", 0,
        0);
    *monitoring = (int)ctx_int(
        ctx, "SELECT count(*) FROM monitoring WHERE ended_date IS NULL AND ?1 = ?2", 0,
        0);
    return CC_OK;
}
