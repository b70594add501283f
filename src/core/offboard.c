/*
 * offboard.c — a person leaving, in one transaction (see offboard.h). An
 * administrator sees no client content, so the hand-offs are proposed as
 * the program's own work on the administrator's behalf (audited under the
 * administrator's id): the summaries go to the receivers, never to the
 * administrator's screen.
 */
#include "offboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "staff.h"
#include "store/audit.h"
#include "util/alloc.h"
#include "util/text.h"

/* The ids of the clients sql (bound to ?1 = who) selects; *out malloc'd. */
static int client_ids(cc_ctx *ctx, const char *sql, int64_t who, int64_t **out, int *n,
                      cc_err *err)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, who);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *p = cc_realloc(*out, (size_t)(cap = cap * 2 + 16) * sizeof *p);
            if (!p) { /* all or nothing: never a partial move */
                ctx_finalize(st);
                free(*out);
                *out = NULL;
                return cc_err_set(err, CC_EDATA, "out of memory listing the caseload");
            }
            *out = p;
        }
        (*out)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    ctx_finalize(st);
    return CC_OK;
}

/* Client id leaves its owner for the unassigned queue of its program. */
static int unassign(cc_ctx *ctx, int64_t id, const char *why, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE client SET owner_id = NULL, version = "
                                   "version + 1 WHERE id = ?1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (ctx_done(ctx, st, "unassigning client", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "client.unassign", "client", id, why, err);
}

int offboard_sweep_in(cc_ctx *ctx, cc_err *err)
{
    int64_t *ids;
    int n;
    if (client_ids(ctx,
                   /* from the few staff who left to their clients (client_owner):
                    * CROSS JOIN keeps that order, never a scan of every client
                    * for each hand-off decision (handoff_expire_due) */
                   "SELECT c.id FROM staff s CROSS JOIN client c ON c.owner_id = s.id "
                   "WHERE s.active = 0 AND ?1 = ?1 AND NOT EXISTS (SELECT 1 FROM "
                   "handoff h WHERE h.client_id = c.id AND h.state = 'proposed') "
                   "ORDER BY c.id",
                   0, &ids, &n, err) != CC_OK)
        return err->code;
    int rc = CC_OK;
    for (int i = 0; i < n && rc == CC_OK; i++)
        rc = unassign(ctx, ids[i], "its owner has left and the hand-off did not go",
                      err);
    free(ids);
    return rc;
}

struct offboard_args {
    const char *login, *note;
    const handoff_target *to;
    offboard_result *out;
};

static int who_leaves(cc_ctx *ctx, struct offboard_args *a, staff *s, cc_err *err)
{
    if (guard_action(ctx, "staff.manage", err) != CC_OK ||
        staff_find(ctx->st, a->login, s, err) != CC_OK)
        return err->code;
    if (!s->active)
        return cc_err_set(err, CC_EINPUT, "%s is disabled already", s->login);
    if (s->id == ctx->staff_id)
        return cc_err_set(err, CC_EREFUSED,
                          "you cannot offboard yourself: another administrator does");
    if (a->to && !strcmp(a->to->kind, "staff") && a->to->id == s->id)
        return cc_err_set(err, CC_EINPUT, "the caseload cannot go to %s themselves",
                          s->login);
    return CC_OK;
}

/* Every client s owns: proposed to a->to, or unassigned. */
static int move_caseload(cc_ctx *ctx, struct offboard_args *a, const staff *s,
                         cc_err *err)
{
    int64_t *ids;
    int n, rc = CC_OK;
    cc_ctx sys = *ctx; /* the program's own work, audited as the administrator */
    sys.system = 1;
    if (client_ids(ctx, "SELECT id FROM client WHERE owner_id = ?1 ORDER BY id", s->id,
                   &ids, &n, err) != CC_OK)
        return err->code;
    if (a->to && n)
        a->out->batch = handoff_next_batch(ctx);
    for (int i = 0; i < n && rc == CC_OK; i++) {
        int64_t id;
        rc = a->to ? handoff_propose_in(&sys, ids[i], a->to, a->note, a->out->batch,
                                        &id, err)
                   : unassign(ctx, ids[i], "offboarding", err);
        if (rc != CC_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            cc_err_set(err, rc, "nothing changed: client %lld: %s", (long long)ids[i],
                       msg);
        }
    }
    free(ids);
    if (a->to)
        a->out->handed = n;
    else
        a->out->unassigned = n;
    return rc;
}

static int end_covers(cc_ctx *ctx, const staff *s, offboard_result *out, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE leave_cover SET ended_at = ?2, ended_by = ?3 "
                    "WHERE (staff_id = ?1 OR cover_id = ?1) AND "
                    "ended_at IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    if (ctx_done(ctx, st, "ending leave cover", err) != CC_OK)
        return err->code;
    out->covers = sqlite3_changes(store_db(ctx->st));
    return CC_OK;
}

static int do_offboard(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct offboard_args *a = arg;
    staff s;
    char details[256];
    if (who_leaves(ctx, a, &s, err) != CC_OK ||
        handoff_release_in(ctx, s.id, "they have left", &a->out->withdrawn,
                           &a->out->declined, err) != CC_OK ||
        move_caseload(ctx, a, &s, err) != CC_OK || end_covers(ctx, &s, a->out, err))
        return err->code;
    snprintf(
        details, sizeof details,
        "%d handed to %s %lld, %d unassigned, %d withdrawn, %d declined, %d covers "
        "ended",
        a->out->handed, a->to ? a->to->kind : "-", (long long)(a->to ? a->to->id : 0),
        a->out->unassigned, a->out->withdrawn, a->out->declined, a->out->covers);
    if (audit_append(ctx->st, ctx->staff_id, "staff.offboard", s.login, details, err))
        return err->code;
    /* Last: the key slot goes while the write lock is held. */
    return staff_disable_in(ctx, s.login, err);
}

int staff_offboard(cc_ctx *ctx, const char *login, const handoff_target *to,
                   const char *note, offboard_result *out, cc_err *err)
{
    struct offboard_args a = {login, note, to, out};
    memset(out, 0, sizeof *out);
    if (to && (!note || !text_content_len(note) || !text_is_clean(note) ||
               strlen(note) >= 512))
        return cc_err_set(err, CC_EINPUT,
                          "offboarding to someone needs a note for the receivers "
                          "(under 512 characters, no control characters)");
    int rc = ctx_txn(ctx, do_offboard, &a, err);
    if (rc != CC_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
