/*
 * meds.c — medications, reconciliations and the pillars (see meds.h): each
 * use case one transaction, guarded as a change to the client's record (the
 * sign-off also as the nurse's own action) and audited.
 */
#include "meds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "episode.h"
#include "guard.h"
#include "task.h"
#include "util/clock.h"
#include "util/text.h"

static int med_validate(const medication *m, cc_err *err)
{
    int64_t d;
    if (!m->name[0])
        return cc_err_set(err, CC_EINPUT, "a medication has a name");
    if (!ctx_in_list(m->source, MED_SOURCES))
        return cc_err_set(err, CC_EINPUT, "where it came from: one of %s", MED_SOURCES);
    const char *dates[] = {m->start_date, m->stop_date};
    for (int i = 0; i < 2; i++)
        if (dates[i][0] && (strlen(dates[i]) != 10 || clock_parse_date(dates[i], &d)))
            return cc_err_set(err, CC_EINPUT, "%s date must be YYYY-MM-DD",
                              i ? "the stop" : "the start");
    if (m->start_date[0] && m->stop_date[0] && strcmp(m->stop_date, m->start_date) < 0)
        return cc_err_set(err, CC_EINPUT, "a medication stops after it starts");
    if (ctx_one_line(m->name, "the name", err) ||
        ctx_one_line(m->dose, "the dose", err) ||
        ctx_one_line(m->how_taken, "how it is taken", err) ||
        ctx_one_line(m->prescriber, "the prescriber", err))
        return err->code;
    return CC_OK;
}

#define MED_COLS                                                                       \
    "id, client_id, name, dose, how_taken, prescriber, source, coalesce(start_date, "  \
    "''), coalesce(stop_date, ''), version"

static int med_read(cc_ctx *ctx, int64_t id, medication *m, cc_err *err)
{
    memset(m, 0, sizeof *m);
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " MED_COLS " FROM medication WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->id = sqlite3_column_int64(st, 0);
        m->client_id = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, m->name, sizeof m->name);
        ctx_col(st, 3, m->dose, sizeof m->dose);
        ctx_col(st, 4, m->how_taken, sizeof m->how_taken);
        ctx_col(st, 5, m->prescriber, sizeof m->prescriber);
        ctx_col(st, 6, m->source, sizeof m->source);
        ctx_col(st, 7, m->start_date, sizeof m->start_date);
        ctx_col(st, 8, m->stop_date, sizeof m->stop_date);
        m->version = sqlite3_column_int64(st, 9);
    }
    ctx_finalize(st);
    return rc == SQLITE_ROW
               ? CC_OK
               : cc_err_set(err, CC_EINPUT, "no medication %lld", (long long)id);
}

int med_get(cc_ctx *ctx, int64_t id, medication *out, cc_err *err)
{
    if (med_read(ctx, id, out, err) != CC_OK ||
        guard_client(ctx, "client.view", out->client_id, "medications", err) != CC_OK)
        return err->code;
    return CC_OK;
}

static void bind_med(sqlite3_stmt *st, const medication *m, const char *now, int64_t by)
{
    sqlite3_bind_int64(st, 1, m->client_id);
    sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->dose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->how_taken, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->prescriber, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, m->source, -1, SQLITE_STATIC);
    ctx_bind_opt(st, 7, m->start_date);
    ctx_bind_opt(st, 8, m->stop_date);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, by);
}

static int do_med_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    medication *m = arg;
    char now[21], details[48];
    if (guard_client(ctx, "client.write", m->client_id, "medications", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO medication (client_id, name, dose, how_taken, prescriber, source, "
        "start_date, stop_date, saved_at, saved_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        err);
    if (!st)
        return err->code;
    bind_med(st, m, now, ctx->staff_id);
    if (ctx_done(ctx, st, "adding the medication", err) != CC_OK)
        return err->code;
    m->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    m->version = 1;
    snprintf(details, sizeof details, "medication %lld", (long long)m->id);
    return ctx_audit(ctx, "med.add", "client", m->client_id, details, err);
}

int med_add(cc_ctx *ctx, medication *m, cc_err *err)
{
    if (med_validate(m, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_med_add, m, err);
}

struct med_update_args {
    medication *edited, *theirs;
};

static int do_med_update(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct med_update_args *a = arg;
    medication cur;
    char now[21], details[48];
    if (med_read(ctx, a->edited->id, &cur, err) != CC_OK ||
        guard_client(ctx, "client.write", cur.client_id, "medications", err) != CC_OK)
        return err->code;
    if (cur.version != a->edited->version) {
        *a->theirs = cur;
        return cc_err_set(err, CC_ECONFLICT,
                          "medication %lld was changed by someone else (version %lld, "
                          "yours %lld)",
                          (long long)cur.id, (long long)cur.version,
                          (long long)a->edited->version);
    }
    a->edited->client_id = cur.client_id;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE medication SET client_id=?1, name=?2, dose=?3, "
                    "how_taken=?4, prescriber=?5, source=?6, start_date=?7, "
                    "stop_date=?8, saved_at=?9, saved_by=?10, version = "
                    "version + 1 WHERE id = ?11",
                    err);
    if (!st)
        return err->code;
    bind_med(st, a->edited, now, ctx->staff_id);
    sqlite3_bind_int64(st, 11, cur.id);
    if (ctx_done(ctx, st, "saving the medication", err) != CC_OK)
        return err->code;
    a->edited->version++;
    snprintf(details, sizeof details, "medication %lld", (long long)cur.id);
    return ctx_audit(ctx, "med.update", "client", cur.client_id, details, err);
}

int med_update(cc_ctx *ctx, medication *edited, medication *theirs, cc_err *err)
{
    struct med_update_args a = {edited, theirs};
    if (med_validate(edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_med_update, &a, err);
}

/* ---- reconciliation ------------------------------------------------------ */

struct rec_args {
    int64_t client_id;
    const char *note;
    const med_discrepancy *d;
    int n;
    int64_t *id;
};

static int add_discrepancy(cc_ctx *ctx, int64_t rec, int64_t client_id,
                           const med_discrepancy *d, cc_err *err)
{
    if (d->medication_id &&
        !ctx_int(ctx,
                 "SELECT count(*) FROM medication WHERE id = ?1 AND client_id = ?2",
                 d->medication_id, client_id))
        return cc_err_set(err, CC_EINPUT,
                          "medication %lld is not on this client's list",
                          (long long)d->medication_id);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO med_discrepancy (reconciliation_id, "
                    "medication_id, what, resolution) VALUES (?1,?2,?3,?4)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, rec);
    if (d->medication_id)
        sqlite3_bind_int64(st, 2, d->medication_id);
    sqlite3_bind_text(st, 3, d->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, d->resolution, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "recording the discrepancy", err);
}

static int do_reconcile(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct rec_args *a = arg;
    char now[21], details[64];
    if (guard_client(ctx, "client.write", a->client_id, "medications", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO med_reconciliation (client_id, episode_id, "
                    "at, staff_id, note) VALUES (?1,?2,?3,?4,?5)",
                    err);
    if (!st)
        return err->code;
    int64_t ep = episode_open_any(ctx, a->client_id);
    sqlite3_bind_int64(st, 1, a->client_id);
    if (ep)
        sqlite3_bind_int64(st, 2, ep);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    sqlite3_bind_text(st, 5, a->note ? a->note : "", -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "recording the reconciliation", err) != CC_OK)
        return err->code;
    *a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    for (int i = 0; i < a->n; i++)
        if (add_discrepancy(ctx, *a->id, a->client_id, &a->d[i], err) != CC_OK)
            return err->code;
    snprintf(details, sizeof details, "reconciliation %lld, %d discrepancies",
             (long long)*a->id, a->n);
    return ctx_audit(ctx, "med.reconcile", "client", a->client_id, details, err);
}

int med_reconcile(cc_ctx *ctx, int64_t client_id, const char *note,
                  const med_discrepancy *d, int n, int64_t *id, cc_err *err)
{
    struct rec_args a = {client_id, note, d, n, id};
    *id = 0;
    if (n < 0 || n > MED_MAX_DISCREPANCIES)
        return cc_err_set(err, CC_EINPUT, "at most %d discrepancies at a time",
                          MED_MAX_DISCREPANCIES);
    if (ctx_text_ok(note, "the note", CTX_NOTE_MAX, 0, err) != CC_OK)
        return err->code;
    for (int i = 0; i < n; i++) {
        if (!d[i].what[0] || !d[i].resolution[0])
            return cc_err_set(err, CC_EINPUT,
                              "each discrepancy says what was found and how it was "
                              "resolved");
        if (ctx_one_line(d[i].what, "a discrepancy", err) ||
            ctx_one_line(d[i].resolution, "a resolution", err))
            return err->code;
    }
    return ctx_txn(ctx, do_reconcile, &a, err);
}

/* Pillar p of episode ep done now by the actor (once; a second time keeps
 * the first). */
static int pillar_done(cc_ctx *ctx, int64_t ep, const char *p, const char *note,
                       cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO pillar (episode_id, pillar, done_at, "
                    "done_by, note) VALUES (?1,?2,?3,?4,?5) ON CONFLICT DO "
                    "NOTHING",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ep);
    sqlite3_bind_text(st, 2, p, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "marking the pillar", err);
}

static int do_sign_off(cc_ctx *ctx, void *arg, cc_err *err)
{
    int64_t id = *(int64_t *)arg, done = 0;
    char now[21], details[64];
    int64_t client = ctx_int(ctx,
                             "SELECT client_id FROM med_reconciliation WHERE id = ?1 "
                             "AND ?2 = ?2",
                             id, 0);
    if (!client)
        return cc_err_set(err, CC_EINPUT, "no reconciliation %lld", (long long)id);
    if (guard_client(ctx, "med.signoff", client, "medications", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE med_reconciliation SET signed_off_by = ?2, "
                    "signed_off_at = ?3, version = version + 1 WHERE id = ?1 "
                    "AND signed_off_at IS NULL",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ctx->staff_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "signing off", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "reconciliation %lld is signed off already",
                          (long long)id);
    int64_t ep = ctx_int(ctx,
                         "SELECT coalesce(episode_id, 0) FROM med_reconciliation "
                         "WHERE id = ?1 AND ?2 = ?2",
                         id, 0);
    snprintf(details, sizeof details, "reconciliation %lld signed off", (long long)id);
    if ((ep && pillar_done(ctx, ep, "medications", details, err) != CC_OK) ||
        task_fulfil_in(ctx, client, "med-rec", NULL, details, &done, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "med.signoff", "client", client, details, err);
}

int med_sign_off(cc_ctx *ctx, int64_t reconciliation_id, cc_err *err)
{
    return ctx_txn(ctx, do_sign_off, &reconciliation_id, err);
}

/* ---- the pillars ----------------------------------------------------------- */

/* The client's open episode in a care-transition program, or 0. */
static int64_t transition_episode(cc_ctx *ctx, int64_t client_id)
{
    return ctx_int(
        ctx,
        "SELECT e.id FROM episode e JOIN program p ON p.id = e.program_id WHERE "
        "e.client_id = ?1 AND e.closed_date IS NULL AND p.kind = "
        "'care-transition' AND ?2 = ?2 ORDER BY e.id DESC LIMIT 1",
        client_id, 0);
}

struct pillar_args {
    int64_t client_id;
    const char *pillar, *note;
};

static int do_pillar(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct pillar_args *a = arg;
    char details[48];
    if (guard_client(ctx, "client.write", a->client_id, "pillars", err) != CC_OK)
        return err->code;
    int64_t ep = transition_episode(ctx, a->client_id);
    if (!ep)
        return cc_err_set(err, CC_EINPUT,
                          "the pillars belong to an open care-transition episode");
    if (pillar_done(ctx, ep, a->pillar, a->note, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "pillar %s", a->pillar);
    return ctx_audit(ctx, "pillar.done", "client", a->client_id, details, err);
}

int pillar_mark(cc_ctx *ctx, int64_t client_id, const char *pillar, const char *note,
                cc_err *err)
{
    struct pillar_args a = {client_id, pillar, note};
    if (!ctx_in_list(pillar, "phr,follow-up,red-flags"))
        return cc_err_set(
            err, CC_EINPUT,
            "mark phr, follow-up or red-flags (medications is the nurse's "
            "sign-off of a reconciliation)");
    if (ctx_text_ok(note, "the note", CTX_NOTE_MAX, 0, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_pillar, &a, err);
}

int pillars_of(cc_ctx *ctx, int64_t client_id, pillar_state *out, cc_err *err)
{
    static const char *const names[] = {"medications", "phr", "follow-up", "red-flags"};
    memset(out, 0, sizeof *out);
    int64_t ep = transition_episode(ctx, client_id);
    if (!ep)
        return CC_OK;
    out->episode = (int)ep;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT pillar FROM pillar WHERE episode_id = ?1 UNION SELECT 'follow-up' FROM "
        "appointment a JOIN episode e ON e.id = ?1 WHERE a.client_id = e.client_id AND "
        "a.status = 'kept' AND a.kind IN ('pcp', 'specialist', 'accompanied-visit') AND "
        "a.at >= strftime('%Y-%m-%dT%H:%M:%SZ', e.start_date, 'utc')",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, ep);
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < 4; i++)
            if (!strcmp((const char *)sqlite3_column_text(st, 0), names[i]))
                out->done[i] = 1;
    ctx_finalize(st);
    size_t len = 0;
    for (int i = 0; i < 4; i++)
        out->missing += !out->done[i];
    len = (size_t)snprintf(out->summary, sizeof out->summary, "pillars %d/4",
                           4 - out->missing);
    for (int i = 0, first = 1; i < 4 && len < sizeof out->summary; i++)
        if (!out->done[i]) {
            len += (size_t)snprintf(out->summary + len, sizeof out->summary - len,
                                    "%s%s", first ? ": " : ", ", names[i]);
            first = 0;
        }
    if (out->missing && len < sizeof out->summary)
        snprintf(out->summary + len, sizeof out->summary - len, " missing");
    return CC_OK;
}
