/*
 * notice.c — applying encounter notifications (see notice.h).
 *
 * One import is one write transaction; each notice runs in a savepoint of
 * its own, so a notice the core refuses leaves nothing behind while the
 * others go on. The notices are applied as the program's own work on the
 * importing person's behalf (a feed names every client of the site, not
 * only those in the person's scope), audited under that person's id.
 *
 * A 30-day readmission, as carecoord counts it: an inpatient admission
 * (patient class I) that begins after an earlier discharge of the same
 * client that was not cancelled and at most 30 days before it; except when
 * the admission is at another facility on the same or the next local day
 * as that discharge, which is a transfer between hospitals (one stay).
 */
#include "notice.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "episode.h"
#include "guard.h"
#include "program.h"
#include "task.h"
#include "util/clock.h"
#include "util/text.h"

const char *notice_when(const encounter_notice *n)
{
    if (!strcmp(n->event, "A03") && n->discharge_at[0])
        return n->discharge_at;
    if ((!strcmp(n->event, "A01") || !strcmp(n->event, "A04")) && n->admit_at[0])
        return n->admit_at;
    if (n->occurred_at[0])
        return n->occurred_at;
    return n->recorded_at[0] ? n->recorded_at : n->sent_at;
}

/* ---- the notice as JSON (kept for review) ------------------------------ */

#define F(name)                                                                        \
    {                                                                                  \
#name, offsetof(encounter_notice, name), sizeof((encounter_notice *)0)->name   \
    }
static const struct nfield {
    const char *name;
    size_t off, size;
} nfields[] = {
    F(event),         F(sending_facility),
    F(sent_at),       F(control_id),
    F(processing),    F(version),
    F(recorded_at),   F(occurred_at),
    F(family),        F(given),
    F(dob),           F(sex),
    F(patient_class), F(location),
    F(visit_number),  F(disposition),
    F(admit_at),      F(discharge_at),
};
#undef F

static cJSON *ids_json(const notice_id *ids, int n)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "value", ids[i].value);
        cJSON_AddStringToObject(o, "facility", ids[i].facility);
        cJSON_AddStringToObject(o, "authority", ids[i].authority);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static char *notice_to_json(const encounter_notice *n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof nfields / sizeof *nfields; i++)
        cJSON_AddStringToObject(o, nfields[i].name, (const char *)n + nfields[i].off);
    cJSON_AddItemToObject(o, "ids", ids_json(n->id, n->nid));
    cJSON_AddItemToObject(o, "prior", ids_json(n->prior, n->nprior));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static void copy_str(cJSON *o, const char *key, char *out, size_t outsz)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(out, outsz, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static int ids_from(cJSON *arr, notice_id *ids)
{
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (n == NOTICE_MAX_IDS)
            break;
        copy_str((cJSON *)it, "value", ids[n].value, sizeof ids[n].value);
        copy_str((cJSON *)it, "facility", ids[n].facility, sizeof ids[n].facility);
        copy_str((cJSON *)it, "authority", ids[n].authority, sizeof ids[n].authority);
        n++;
    }
    return n;
}

static int notice_from_json(const char *s, encounter_notice *n)
{
    cJSON *o = cJSON_Parse(s);
    memset(n, 0, sizeof *n);
    if (!o)
        return -1;
    for (size_t i = 0; i < sizeof nfields / sizeof *nfields; i++)
        copy_str(o, nfields[i].name, (char *)n + nfields[i].off, nfields[i].size);
    n->nid = ids_from(cJSON_GetObjectItemCaseSensitive(o, "ids"), n->id);
    n->nprior = ids_from(cJSON_GetObjectItemCaseSensitive(o, "prior"), n->prior);
    cJSON_Delete(o);
    return 0;
}

/* ---- matching ----------------------------------------------------------- */

/* The one client the identifiers name: 0 if none, -1 if they name two. */
static int64_t by_identifiers(cc_ctx *ctx, const notice_id *ids, int n)
{
    int64_t found = 0;
    for (int i = 0; i < n; i++) {
        int64_t c = client_by_identifier(ctx, ids[i].facility, ids[i].value);
        if (c && found && c != found)
            return -1;
        if (c)
            found = c;
    }
    return found;
}

/* Clients with the patient's name and birth date: candidates, never a match. */
static int candidates(cc_ctx *ctx, const encounter_notice *n, char *out, size_t outsz)
{
    char key[160];
    cc_err err;
    int k = 0;
    out[0] = '\0';
    if (!n->dob[0] || !n->family[0])
        return 0;
    client_name_key(n->family, n->given, key, sizeof key);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id FROM client WHERE dob = ?1 AND name_key = ?2 ORDER BY id LIMIT 8",
        &err);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, n->dob, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(out);
        snprintf(out + len, outsz - len, "%s%lld", k++ ? " " : "",
                 (long long)sqlite3_column_int64(st, 0));
    }
    ctx_finalize(st);
    return k;
}

/* ---- the message row ---------------------------------------------------- */

static int64_t message_seen(cc_ctx *ctx, const encounter_notice *n)
{
    cc_err err;
    int64_t id = 0;
    sqlite3_stmt *st = ctx_prepare(
        ctx, "SELECT id FROM adt_message WHERE facility = ?1 AND control_id = ?2",
        &err);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, n->sending_facility, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, n->control_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

static int insert_message(cc_ctx *ctx, const encounter_notice *n, const char *status,
                          const char *reason, int64_t client_id, int64_t *id,
                          cc_err *err)
{
    char now[21], *json = notice_to_json(n);
    if (!json)
        return cc_err_set(err, CC_EDATA, "out of memory keeping the notice");
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO adt_message (facility, control_id, event, processing, received_at, "
        "status, reason, client_id, notice) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        err);
    if (!st) {
        free(json);
        return err->code;
    }
    sqlite3_bind_text(st, 1, n->sending_facility, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, n->control_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, n->event, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, n->processing, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
    if (client_id > 0)
        sqlite3_bind_int64(st, 8, client_id);
    sqlite3_bind_text(st, 9, json, -1, free);
    if (ctx_done(ctx, st, "recording the notification", err) != CC_OK)
        return err->code;
    *id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return CC_OK;
}

/* ---- effects ------------------------------------------------------------ */

struct apply {
    const encounter_notice *n;
    int64_t client_id, facility, message_id;
    client c;
    notice_result *r;
};

static int insert_encounter(cc_ctx *ctx, struct apply *a, const char *kind,
                            const char *at, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO encounter (client_id, facility_id, kind, at, source, visit_number, "
        "patient_class, location, disposition, message_id, staff_id) VALUES (?1, ?2, "
        "?3, ?4, CASE WHEN ?9 IS NULL THEN 'manual' ELSE 'adt' END, ?5, ?6, ?7, ?8, ?9, "
        "?10)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, a->facility);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->n->visit_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->n->patient_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->n->location, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->n->disposition, -1, SQLITE_STATIC);
    if (a->message_id) /* 0: entered by a person, from a call or a fax */
        sqlite3_bind_int64(st, 9, a->message_id);
    if (ctx->staff_id)
        sqlite3_bind_int64(st, 10, ctx->staff_id);
    if (ctx_done(ctx, st, "recording the encounter", err) != CC_OK)
        return err->code;
    a->r->encounter_id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return CC_OK;
}

/* A readmission alert about the client to staff_id (role for_role, or NULL:
 * staff_id's role). */
static int alert_to(cc_ctx *ctx, int64_t client_id, int64_t staff_id,
                    const char *for_role, const char *details, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO alert (client_id, kind, for_role, "
                    "for_staff_id, details, created_at) VALUES (?1, "
                    "'readmission', coalesce(?2, (SELECT role FROM staff "
                    "WHERE id = ?3)), ?3, ?4, ?5)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    if (for_role)
        sqlite3_bind_text(st, 2, for_role, -1, SQLITE_STATIC);
    if (staff_id)
        sqlite3_bind_int64(st, 3, staff_id);
    sqlite3_bind_text(st, 4, details, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "raising the readmission alert", err);
}

/* The readmission alerts: the owner and the nurses of the owner's teams. */
static int alert_readmission(cc_ctx *ctx, struct apply *a, const char *details,
                             cc_err *err)
{
    cc_err ignore;
    if (a->c.owner_id &&
        alert_to(ctx, a->client_id, a->c.owner_id, NULL, details, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT DISTINCT s.id FROM team_member o JOIN team_member tm ON tm.team_id = "
        "o.team_id JOIN staff s ON s.id = tm.staff_id WHERE o.staff_id = ?1 AND s.role "
        "= 'nurse' AND s.active = 1",
        &ignore);
    int64_t nurses[16];
    int k = 0;
    if (st) {
        sqlite3_bind_int64(st, 1, a->c.owner_id);
        while (k < 16 && sqlite3_step(st) == SQLITE_ROW)
            nurses[k++] = sqlite3_column_int64(st, 0);
        ctx_finalize(st);
    }
    if (!k) /* no owner or no nurse on their team: whichever nurse reads it */
        return alert_to(ctx, a->client_id, 0, "nurse", details, err);
    for (int i = 0; i < k; i++)
        if (alert_to(ctx, a->client_id, nurses[i], "nurse", details, err) != CC_OK)
            return err->code;
    return CC_OK;
}

/* The discharge this inpatient admission at `at` readmits after, or 0. */
static int64_t readmits_after(cc_ctx *ctx, struct apply *a, const char *at)
{
    cc_err err;
    int64_t id = 0, fac = 0;
    char dat[21] = "", d1[11], d2[11];
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id, facility_id, at FROM encounter WHERE client_id = ?1 AND kind = "
        "'discharge' AND cancelled_at IS NULL AND at < ?2 AND at >= "
        "strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-30 days') ORDER BY at DESC LIMIT 1",
        &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        fac = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, dat, sizeof dat);
    }
    ctx_finalize(st);
    if (!id)
        return 0;
    clock_local_date_of(dat, d1);
    clock_local_date_of(at, d2);
    if (fac != a->facility && clock_date_diff(d1, d2) <= 1)
        return 0; /* a transfer between hospitals: one stay */
    return id;
}

static int on_admit(cc_ctx *ctx, struct apply *a, cc_err *err)
{
    const char *at = notice_when(a->n);
    int inpatient = !strcmp(a->n->patient_class, "I") || !strcmp(a->n->event, "A06");
    const char *kind = inpatient ? "admit" : "ed";
    if (!inpatient && strcmp(a->n->patient_class, "E") != 0) {
        snprintf(a->r->what, sizeof a->r->what, "%s outpatient visit (class %s): noted",
                 a->n->event, a->n->patient_class);
        return CC_OK;
    }
    if (insert_encounter(ctx, a, kind, at, err) != CC_OK)
        return err->code;
    int64_t after = inpatient ? readmits_after(ctx, a, at) : 0;
    snprintf(a->r->what, sizeof a->r->what, "%s %s at %s", a->n->event, kind, at);
    if (!after)
        return CC_OK;
    char details[160];
    a->r->readmission = 1;
    snprintf(details, sizeof details,
             "30-day readmission: admitted %s after the discharge of encounter %lld "
             "[encounter %lld]",
             at, (long long)after, (long long)a->r->encounter_id);
    sqlite3_stmt *st = ctx_prepare(
        ctx, "UPDATE encounter SET readmission = 1, after_id = ?2 WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->r->encounter_id);
    sqlite3_bind_int64(st, 2, after);
    if (ctx_done(ctx, st, "flagging the readmission", err) != CC_OK ||
        alert_readmission(ctx, a, details, err) != CC_OK)
        return err->code;
    snprintf(a->r->what + strlen(a->r->what), sizeof a->r->what - strlen(a->r->what),
             ": 30-day readmission");
    return CC_OK;
}

static int on_transfer(cc_ctx *ctx, struct apply *a, cc_err *err)
{
    snprintf(a->r->what, sizeof a->r->what, "A02 transfer to %s", a->n->location);
    return insert_encounter(ctx, a, "transfer", notice_when(a->n), err);
}

/* The discharge-anchored protocol tasks of the open episode's program (as
 * the version the episode started under has them), for the owner, each
 * naming this encounter (so that A13 can cancel them). */
static int discharge_tasks(cc_ctx *ctx, struct apply *a, int64_t episode_id,
                           const char *at, cc_err *err)
{
    protocol_task *pt;
    episode e;
    program rules;
    int n, rc = CC_OK;
    int64_t base;
    if (clock_parse_iso(at, &base) != 0)
        return cc_err_set(err, CC_EINPUT, "bad discharge time");
    if (episode_get(ctx, episode_id, &e, err) != CC_OK ||
        program_version_get(ctx, e.program_id, e.program_version, &rules, &pt, &n,
                            err) != CC_OK)
        return err->code;
    for (int i = 0; i < n && rc == CC_OK; i++) {
        if (strcmp(pt[i].anchor, "discharge") != 0)
            continue;
        for (int k = 0; k < pt[i].repeat_count && rc == CC_OK; k++) {
            task t = {0};
            t.client_id = a->client_id;
            t.episode_id = episode_id;
            snprintf(t.title, sizeof t.title, "%s", pt[i].title);
            clock_format_iso(base + (int64_t)pt[i].offset_hours * 3600 +
                                 (int64_t)k * pt[i].repeat_days * 86400,
                             t.due_at);
            t.owner_id = a->c.owner_id ? a->c.owner_id : ctx->staff_id;
            snprintf(t.origin, sizeof t.origin, "protocol");
            snprintf(t.origin_ref, sizeof t.origin_ref, "encounter:%lld:%.32s",
                     (long long)a->r->encounter_id, pt[i].code);
            if ((rc = task_add_in(ctx, &t, err)) == CC_OK)
                a->r->tasks++;
        }
    }
    free(pt);
    return rc;
}

static int on_discharge(cc_ctx *ctx, struct apply *a, cc_err *err)
{
    const char *at = notice_when(a->n);
    program p;
    char date[11];
    if (insert_encounter(ctx, a, "discharge", at, err) != CC_OK)
        return err->code;
    snprintf(a->r->what, sizeof a->r->what, "A03 discharge at %s", at);
    if (!a->c.program_id || !a->c.owner_id ||
        program_get(ctx, a->c.program_id, &p, err) != CC_OK)
        return CC_OK; /* not followed by anyone: recorded only */
    int64_t ep = episode_open_for(ctx, a->client_id, p.id);
    if (ep)
        return discharge_tasks(ctx, a, ep, at, err);
    if (strcmp(p.episode_start, "discharge") != 0)
        return CC_OK;
    clock_local_date_of(at, date);
    /* refused (no consent yet, another program's episode): the discharge is
     * still recorded, and the reason said */
    cc_err why = {0};
    sqlite3_exec(store_db(ctx->st), "SAVEPOINT episode", NULL, NULL, NULL);
    if (episode_start_in(ctx, a->client_id, p.id, date, at, &ep, &why) != CC_OK) {
        sqlite3_exec(store_db(ctx->st), "ROLLBACK TO episode; RELEASE episode", NULL,
                     NULL, NULL);
        snprintf(a->r->what + strlen(a->r->what),
                 sizeof a->r->what - strlen(a->r->what), ": no episode started: %.120s",
                 why.msg);
        return CC_OK;
    }
    sqlite3_exec(store_db(ctx->st), "RELEASE episode", NULL, NULL, NULL);
    a->r->tasks = (int)ctx_int(
        ctx, "SELECT count(*) FROM task WHERE episode_id = ?1 AND ?2 = ?2", ep, 0);
    sqlite3_stmt *st =
        ctx_prepare(ctx, "UPDATE encounter SET episode_id = ?2 WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->r->encounter_id);
    sqlite3_bind_int64(st, 2, ep);
    snprintf(a->r->what + strlen(a->r->what), sizeof a->r->what - strlen(a->r->what),
             ": %s episode %lld started", p.code, (long long)ep);
    return ctx_done(ctx, st, "linking the episode", err);
}

/* The latest live encounter of kinds (SQL list) of this visit (or, without
 * a visit number, of the client at this facility). */
static int64_t latest_of(cc_ctx *ctx, struct apply *a, const char *kinds)
{
    char sql[400];
    cc_err err;
    int64_t id = 0;
    snprintf(sql, sizeof sql,
             "SELECT id FROM encounter WHERE client_id = ?1 AND facility_id = ?2 AND "
             "kind IN (%s) AND cancelled_at IS NULL AND (?3 = '' OR visit_number = ?3) "
             "ORDER BY at DESC, id DESC LIMIT 1",
             kinds);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, a->facility);
    sqlite3_bind_text(st, 3, a->n->visit_number, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

static int exec_id(cc_ctx *ctx, const char *sql, int64_t id, const char *text,
                   const char *what, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, what, err);
}

/* The open tasks of client_id whose origin matches ref are cancelled at now. */
static int cancel_tasks(cc_ctx *ctx, int64_t client_id, const char *ref,
                        const char *now, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE task SET cancelled_at = ?3, version = version + 1 WHERE client_id = ?1 "
        "AND origin_ref LIKE ?2 AND completed_at IS NULL AND cancelled_at IS NULL",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "cancelling its tasks", err);
}

/* A11, A12, A13: the event they cancel, undone. */
static int on_cancel(cc_ctx *ctx, struct apply *a, cc_err *err)
{
    static const struct {
        const char *event, *kinds, *name;
    } undo[] = {{"A11", "'admit', 'ed'", "admission"},
                {"A12", "'transfer'", "transfer"},
                {"A13", "'discharge'", "discharge"}};
    char now[21];
    ctx_now(ctx, now);
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(a->n->event, undo[i].event) != 0)
            continue;
        int64_t id = latest_of(ctx, a, undo[i].kinds);
        if (!id)
            return cc_err_set(err, CC_EINPUT, "%s: no %s of visit %s to cancel",
                              a->n->event, undo[i].name, a->n->visit_number);
        a->r->encounter_id = id;
        snprintf(a->r->what, sizeof a->r->what, "%s: %s %lld cancelled", a->n->event,
                 undo[i].name, (long long)id);
        char ref[48];
        snprintf(ref, sizeof ref, "encounter:%lld:%%", (long long)id);
        if (exec_id(ctx, "UPDATE encounter SET cancelled_at = ?2 WHERE id = ?1", id,
                    now, "cancelling the encounter", err) != CC_OK ||
            cancel_tasks(ctx, a->client_id, ref, now, err) != CC_OK)
            return err->code;
        char note[64];
        snprintf(note, sizeof note, "%%[encounter %lld]", (long long)id);
        return exec_id(ctx,
                       "UPDATE alert SET resolved_at = created_at, resolution = 'the "
                       "admission was cancelled' WHERE client_id = ?1 AND kind = "
                       "'readmission' AND resolved_at IS NULL AND details LIKE ?2",
                       a->client_id, note, "resolving its alerts", err);
    }
    return CC_OK;
}

/* A06/A07/A08: the visit's latest encounter takes the notice's details. */
static int on_update(cc_ctx *ctx, struct apply *a, cc_err *err)
{
    if (!strcmp(a->n->event, "A06")) /* outpatient or ED becomes inpatient */
        return on_admit(ctx, a, err);
    int64_t id = latest_of(ctx, a, "'admit', 'ed', 'transfer', 'discharge'");
    if (!id) {
        snprintf(a->r->what, sizeof a->r->what,
                 "%s: no encounter of visit %s to update", a->n->event,
                 a->n->visit_number);
        return CC_OK;
    }
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE encounter SET patient_class = coalesce(nullif(?2, ''), patient_class), "
        "location = coalesce(nullif(?3, ''), location), disposition = "
        "coalesce(nullif(?4, ''), disposition) WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, a->n->patient_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->n->location, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->n->disposition, -1, SQLITE_STATIC);
    a->r->encounter_id = id;
    snprintf(a->r->what, sizeof a->r->what, "%s: encounter %lld updated", a->n->event,
             (long long)id);
    return ctx_done(ctx, st, "updating the encounter", err);
}

static const struct effect {
    const char *event;
    int (*run)(cc_ctx *, struct apply *, cc_err *);
} effects[] = {
    {"A01", on_admit},  {"A04", on_admit},  {"A02", on_transfer}, {"A03", on_discharge},
    {"A06", on_update}, {"A07", on_update}, {"A08", on_update},   {"A11", on_cancel},
    {"A12", on_cancel}, {"A13", on_cancel},
};

/* Apply n to client_id (matched or linked) and audit it. */
static int apply_to(cc_ctx *ctx, const encounter_notice *n, int64_t client_id,
                    int64_t message_id, notice_result *r, cc_err *err)
{
    struct apply a = {n, client_id, 0, message_id, {0}, r};
    char details[400];
    a.facility = organization_by_code(ctx, n->sending_facility);
    if (client_get(ctx, client_id, &a.c, err) != CC_OK)
        return err->code;
    r->client_id = client_id;
    for (size_t i = 0; i < sizeof effects / sizeof *effects; i++)
        if (!strcmp(effects[i].event, n->event) &&
            effects[i].run(ctx, &a, err) != CC_OK)
            return err->code;
    snprintf(details, sizeof details, "%s %s %s: %.180s", n->event, n->sending_facility,
             n->control_id, r->what);
    return ctx_audit(ctx, "encounter.import", "client", client_id, details, err);
}

/* ---- A40: identifiers merged at the facility ----------------------------- */

static int move_identifiers(cc_ctx *ctx, const encounter_notice *n, int64_t client_id,
                            notice_result *r, cc_err *err)
{
    for (int i = 0; i < n->nprior; i++) {
        int64_t fac = organization_by_code(ctx, n->prior[i].facility);
        sqlite3_stmt *st =
            ctx_prepare(ctx,
                        "DELETE FROM client_identifier WHERE facility_id "
                        "= ?1 AND value = ?2 AND client_id = ?3",
                        err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, fac);
        sqlite3_bind_text(st, 2, n->prior[i].value, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, client_id);
        if (ctx_done(ctx, st, "retiring the identifier", err) != CC_OK)
            return err->code;
    }
    for (int i = 0; i < n->nid; i++)
        if (!client_by_identifier(ctx, n->id[i].facility, n->id[i].value) &&
            organization_by_code(ctx, n->id[i].facility) &&
            client_add_identifier_in(ctx, client_id, n->id[i].facility, n->id[i].value,
                                     err) != CC_OK)
            return err->code;
    r->client_id = client_id;
    snprintf(r->what, sizeof r->what, "A40: the facility's identifiers merged");
    return ctx_audit(ctx, "encounter.merge-ids", "client", client_id, n->control_id,
                     err);
}

/* ---- one notice ---------------------------------------------------------- */

static int to_review(cc_ctx *ctx, const encounter_notice *n, const char *reason,
                     notice_result *r, cc_err *err)
{
    char details[400];
    r->outcome = NOTICE_REVIEW;
    snprintf(r->what, sizeof r->what, "%s to review: %s", n->event, reason);
    if (insert_message(ctx, n, "review", reason, 0, &r->message_id, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "%s %s %s: %.120s", n->event, n->sending_facility,
             n->control_id, reason);
    return ctx_audit(ctx, "encounter.review", "message", r->message_id, details, err);
}

static int check_notice(cc_ctx *ctx, const encounter_notice *n, cc_err *err)
{
    int64_t t;
    if (!n->control_id[0] || !n->sending_facility[0])
        return cc_err_set(err, CC_EINPUT,
                          "a notification names its sender and control id");
    if (!organization_by_code(ctx, n->sending_facility))
        return cc_err_set(
            err, CC_EINPUT,
            "sending facility %.40s is not in the directory (carecoord org "
            "add %.40s ...)",
            n->sending_facility, n->sending_facility);
    if (clock_parse_iso(notice_when(n), &t) != 0)
        return cc_err_set(err, CC_EINPUT, "the notification has no time");
    return CC_OK;
}

static int import_one(cc_ctx *ctx, const encounter_notice *n, notice_result *r,
                      cc_err *err)
{
    memset(r, 0, sizeof *r);
    if ((r->message_id = message_seen(ctx, n))) {
        r->outcome = NOTICE_DUPLICATE;
        snprintf(r->what, sizeof r->what, "%s %s: already imported (message %lld)",
                 n->sending_facility, n->control_id, (long long)r->message_id);
        return CC_OK;
    }
    if (strcmp(n->processing, "P") != 0) {
        r->outcome = NOTICE_LOGGED;
        snprintf(r->what, sizeof r->what,
                 "%s with processing id %s: logged, not applied", n->event,
                 n->processing);
        return insert_message(ctx, n, "logged", "test or debug", 0, &r->message_id,
                              err);
    }
    if (check_notice(ctx, n, err) != CC_OK)
        return err->code;
    int a40 = !strcmp(n->event, "A40");
    int64_t c = by_identifiers(ctx, a40 ? n->prior : n->id, a40 ? n->nprior : n->nid);
    if (a40 && c > 0) {
        int64_t survivor = by_identifiers(ctx, n->id, n->nid);
        if (survivor && survivor != c)
            return to_review(
                ctx, n, "the identifiers name two clients: merge them first", r, err);
    }
    char cands[128], reason[200];
    if (c < 0)
        return to_review(ctx, n, "its identifiers name two different clients", r, err);
    if (!c) {
        int k = candidates(ctx, n, cands, sizeof cands);
        snprintf(reason, sizeof reason,
                 k ? "no client has its identifier; same name and birth date: %s"
                   : "no client has its identifier%s",
                 cands);
        return to_review(ctx, n, reason, r, err);
    }
    r->outcome = NOTICE_APPLIED;
    if (insert_message(ctx, n, "applied", "", c, &r->message_id, err) != CC_OK)
        return err->code;
    return a40 ? move_identifiers(ctx, n, c, r, err)
               : apply_to(ctx, n, c, r->message_id, r, err);
}

static int savepoint(cc_ctx *ctx, const char *sql)
{
    return sqlite3_exec(store_db(ctx->st), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

struct batch {
    const encounter_notice *ns;
    int n;
    notice_result *rs;
    cc_err *errs;
};

static int do_import(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct batch *b = arg;
    if (guard_action(ctx, "encounter.import", err) != CC_OK)
        return err->code;
    cc_ctx sys = *ctx; /* the feed names clients beyond the person's scope */
    sys.system = 1;
    for (int i = 0; i < b->n; i++) {
        cc_err_clear(&b->errs[i]);
        if (savepoint(ctx, "SAVEPOINT notice") != 0)
            return store_fail(ctx->st, SQLITE_ERROR, "savepoint", err);
        if (import_one(&sys, &b->ns[i], &b->rs[i], &b->errs[i]) != CC_OK) {
            memset(&b->rs[i], 0, sizeof b->rs[i]);
            if (savepoint(ctx, "ROLLBACK TO notice") != 0)
                return store_fail(ctx->st, SQLITE_ERROR, "rollback to savepoint", err);
        }
        if (savepoint(ctx, "RELEASE notice") != 0)
            return store_fail(ctx->st, SQLITE_ERROR, "release savepoint", err);
    }
    return CC_OK;
}

int notice_import(cc_ctx *ctx, const encounter_notice *ns, int n,
                  notice_result *results, cc_err *errs, cc_err *err)
{
    struct batch b = {ns, n, results, errs};
    return ctx_txn(ctx, do_import, &b, err);
}

/* ---- review ------------------------------------------------------------- */

int notice_review_list(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "encounter.import", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id, strftime('%Y-%m-%d %H:%M', received_at, 'localtime') AS received, "
        "event, facility, json_extract(notice, "
        "'$.family') || ', ' || json_extract(notice, '$.given') AS patient, "
        "json_extract(notice, '$.dob') AS born, (SELECT group_concat(json_extract(j.value, "
        "'$.facility') || ':' || json_extract(j.value, '$.value'), ' ') FROM "
        "json_each(notice, '$.ids') j) AS identifiers, reason FROM adt_message WHERE "
        "status = 'review' ORDER BY received_at, id",
        err);
    return st ? table_from_stmt(ctx, st, out, err) : err->code;
}

struct decide_args {
    int64_t id, client_id;
    const char *reason;
    notice_result *r;
};

static int read_review(cc_ctx *ctx, int64_t id, encounter_notice *n, cc_err *err)
{
    char *json = NULL;
    sqlite3_stmt *st = ctx_prepare(
        ctx, "SELECT notice FROM adt_message WHERE id = ?1 AND status = 'review'", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        json = strdup((const char *)sqlite3_column_text(st, 0));
    ctx_finalize(st);
    if (!json)
        return cc_err_set(err, CC_EINPUT, "no notification %lld waiting for review",
                          (long long)id);
    int bad = notice_from_json(json, n);
    free(json);
    return bad ? cc_err_set(err, CC_EDATA, "notification %lld is unreadable",
                            (long long)id)
               : CC_OK;
}

static int decided(cc_ctx *ctx, int64_t id, const char *status, int64_t client_id,
                   const char *reason, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE adt_message SET status = ?2, client_id = ?3, reason = ?4, decided_at = "
        "?5, decided_by = ?6 WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    if (client_id)
        sqlite3_bind_int64(st, 3, client_id);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ctx->staff_id);
    return ctx_done(ctx, st, "deciding the notification", err);
}

static int do_link(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    encounter_notice n;
    if (guard_client(ctx, "encounter.review", a->client_id, "link", err) != CC_OK ||
        read_review(ctx, a->id, &n, err) != CC_OK ||
        decided(ctx, a->id, "linked", a->client_id, "linked by review", err) != CC_OK)
        return err->code;
    cc_ctx sys = *ctx;
    sys.system = 1;
    memset(a->r, 0, sizeof *a->r);
    a->r->outcome = NOTICE_APPLIED;
    a->r->message_id = a->id;
    for (int i = 0; i < n.nid; i++) /* the facility's identifier is the client's now */
        if (organization_by_code(ctx, n.id[i].facility) &&
            !client_by_identifier(ctx, n.id[i].facility, n.id[i].value) &&
            client_add_identifier_in(&sys, a->client_id, n.id[i].facility,
                                     n.id[i].value, err) != CC_OK)
            return err->code;
    if (!strcmp(n.event, "A40"))
        return move_identifiers(&sys, &n, a->client_id, a->r, err);
    return apply_to(&sys, &n, a->client_id, a->id, a->r, err);
}

int notice_link(cc_ctx *ctx, int64_t id, int64_t client_id, notice_result *r,
                cc_err *err)
{
    notice_result ignore;
    struct decide_args a = {id, client_id, NULL, r ? r : &ignore};
    return ctx_txn(ctx, do_link, &a, err);
}

static int do_dismiss(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct decide_args *a = arg;
    encounter_notice n;
    if (guard_action(ctx, "encounter.review", err) != CC_OK ||
        read_review(ctx, a->id, &n, err) != CC_OK ||
        decided(ctx, a->id, "dismissed", 0, a->reason, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "encounter.dismiss", "message", a->id, a->reason, err);
}

int notice_dismiss(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err)
{
    struct decide_args a = {id, 0, reason, NULL};
    if (!reason || !text_content_len(reason) || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "dismissing a notification needs a reason");
    if (ctx_text_ok(reason, "the reason", CTX_NOTE_MAX, 0, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_dismiss, &a, err);
}

/* ---- entered by a person -------------------------------------------------- */

static const struct {
    const char *kind, *event, *class_;
} entry_kinds[] = {
    {"admit", "A01", "I"},
    {"ed", "A04", "E"},
    {"discharge", "A03", "I"},
    {"transfer", "A02", "I"},
};

struct enter_args {
    int64_t client_id;
    encounter_notice n;
    notice_result *r;
};

static int do_enter(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct enter_args *a = arg;
    if (guard_client(ctx, "client.write", a->client_id, "encounter", err) != CC_OK ||
        check_notice(ctx, &a->n, err) != CC_OK)
        return err->code;
    cc_ctx sys = *ctx; /* the effects reach the owner's tasks and the nurse's alerts */
    sys.system = 1;
    memset(a->r, 0, sizeof *a->r);
    a->r->outcome = NOTICE_APPLIED;
    return apply_to(&sys, &a->n, a->client_id, 0, a->r, err);
}

int notice_enter(cc_ctx *ctx, int64_t client_id, const char *kind,
                 const char *facility_code, const char *at, const char *visit,
                 notice_result *r, cc_err *err)
{
    notice_result ignore;
    struct enter_args a;
    memset(&a, 0, sizeof a);
    a.client_id = client_id;
    a.r = r ? r : &ignore;
    encounter_notice *n = &a.n;
    int64_t t;
    size_t i = 0;
    while (i < sizeof entry_kinds / sizeof *entry_kinds &&
           strcmp(entry_kinds[i].kind, kind))
        i++;
    if (i == sizeof entry_kinds / sizeof *entry_kinds)
        return cc_err_set(err, CC_EINPUT,
                          "an encounter is admit, ed, discharge or transfer");
    if (!at || clock_parse_iso(at, &t) != 0)
        return cc_err_set(err, CC_EINPUT, "when: YYYY-MM-DD HH:MM");
    if (visit && (strlen(visit) >= sizeof n->visit_number || !text_is_clean(visit)))
        return cc_err_set(err, CC_EINPUT, "the visit number is too long or unclean");
    snprintf(n->event, sizeof n->event, "%s", entry_kinds[i].event);
    snprintf(n->patient_class, sizeof n->patient_class, "%s", entry_kinds[i].class_);
    snprintf(n->sending_facility, sizeof n->sending_facility, "%.63s",
             facility_code ? facility_code : "");
    snprintf(n->control_id, sizeof n->control_id, "entered");
    snprintf(n->processing, sizeof n->processing, "P");
    snprintf(n->sent_at, sizeof n->sent_at, "%s", at);
    snprintf(n->recorded_at, sizeof n->recorded_at, "%s", at);
    snprintf(!strcmp(kind, "discharge") ? n->discharge_at : n->admit_at, 21, "%s", at);
    snprintf(n->visit_number, sizeof n->visit_number, "%s", visit ? visit : "");
    return ctx_txn(ctx, do_enter, &a, err);
}
