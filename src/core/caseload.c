/*
 * caseload.c — counting, suggesting and assigning caseloads.
 */
#include "caseload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "guard.h"
#include "program.h"
#include "referral.h"
#include "util/alloc.h"
#include "util/text.h"

/* Active clients of the staff member who (an SQL expression), and those of
 * them whose latest assessment is high: counted in client_state's partial
 * index (schema 0016, the definition in caseload.h). */
#define ACTIVE_OF(who)                                                                 \
    "(SELECT count(*) FROM client_state a INDEXED BY client_state_active WHERE "       \
    "a.owner_id = " who " AND a.active = 1)"
#define HIGH_OF(who)                                                                   \
    "(SELECT count(*) FROM client_state a INDEXED BY client_state_active WHERE "       \
    "a.owner_id = " who " AND a.active = 1 AND a.level = 'high')"

int caseload_active(cc_ctx *ctx, int64_t staff_id)
{
    cc_err err;
    int n = 0;
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT " ACTIVE_OF("?1"), &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, staff_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    ctx_finalize(st);
    return n;
}

int64_t caseload_team_of(cc_ctx *ctx, int64_t staff_id, int64_t *program_id)
{
    cc_err err;
    int64_t team = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT t.id, t.program_id FROM team_member tm JOIN team t "
                    "ON t.id = tm.team_id WHERE tm.staff_id = ?1 ORDER BY t.id "
                    "LIMIT 1",
                    &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, staff_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        team = sqlite3_column_int64(st, 0);
        if (program_id)
            *program_id = sqlite3_column_int64(st, 1);
    }
    ctx_finalize(st);
    return team;
}

int caseload_team(cc_ctx *ctx, int64_t team_id, caseload_entry **out, int *n,
                  cc_err *err)
{
    int cap = 8;
    *n = 0;
    *out = cc_calloc((size_t)cap, sizeof **out);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT s.id, s.login, " ACTIVE_OF("s.id") " AS load, " HIGH_OF(
            "s.id") " AS high, "
                    "p.capacity FROM team_member tm JOIN staff s ON s.id = tm.staff_id "
                    "JOIN team t ON "
                    "t.id = tm.team_id JOIN program p ON p.id = t.program_id WHERE "
                    "tm.team_id = ?1 AND "
                    "s.role = 'coach' AND s.active = 1 ORDER BY load, high, s.login",
        err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    sqlite3_bind_int64(st, 1, team_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            caseload_entry *p = cc_realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p)
                break;
            *out = p;
        }
        caseload_entry *e = &(*out)[(*n)++];
        e->staff_id = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, e->login, sizeof e->login);
        e->active = sqlite3_column_int(st, 2);
        e->high = sqlite3_column_int(st, 3);
        e->capacity = sqlite3_column_int(st, 4);
    }
    ctx_finalize(st);
    return CC_OK;
}

int caseload_suggest(cc_ctx *ctx, int64_t team_id, caseload_entry *out, cc_err *err)
{
    caseload_entry *list;
    int n;
    if (caseload_team(ctx, team_id, &list, &n, err) != CC_OK)
        return err->code;
    if (n)
        *out = list[0];
    free(list);
    return n ? CC_OK
             : cc_err_set(err, CC_EINPUT, "team %lld has no coach", (long long)team_id);
}

struct assign_args {
    int64_t client_id, staff_id;
    const char *reason;
};

/* The program an unassigned client is assigned in: its open referral's. */
static int program_to_assign(cc_ctx *ctx, const client *c, program *p, cc_err *err)
{
    referral r;
    if (c->owner_id)
        return cc_err_set(
            err, CC_EINPUT,
            "client %lld has an owner: move the client with a warm hand-off",
            (long long)c->id);
    if (referral_open_of(ctx, c->id, &r, err) != CC_OK)
        return err->code;
    if (!r.id && !c->program_id)
        return cc_err_set(err, CC_EINPUT,
                          "client %lld has no open referral to assign it in",
                          (long long)c->id);
    /* No open referral: followed in its program, its owner gone (offboard.h). */
    return program_get(ctx, r.id ? r.program_id : c->program_id, p, err);
}

/* The assignee works in program p: active, on one of its teams. */
static int assignee_ok(cc_ctx *ctx, int64_t staff_id, const program *p, cc_err *err)
{
    if (ctx_int(ctx,
                "SELECT 1 FROM team_member tm JOIN team t ON t.id = tm.team_id JOIN "
                "staff s ON s.id = tm.staff_id WHERE tm.staff_id = ?1 AND "
                "t.program_id = ?2 AND s.active = 1",
                staff_id, p->id))
        return CC_OK;
    return cc_err_set(err, CC_EINPUT,
                      "staff %lld is not an active member of a %s team: assign to "
                      "someone who works in the client's program",
                      (long long)staff_id, p->code);
}

/* The first team of staff_id in program_id with a capacity of its own that
 * one more client would take over it: its name, load and capacity. */
static int team_over(cc_ctx *ctx, int64_t staff_id, int64_t program_id, char *name,
                     size_t namesz, int *load, int *capacity)
{
    cc_err err;
    int over = 0;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT t.name, t.capacity, (SELECT count(*) FROM client_state a INDEXED BY "
        "client_state_active JOIN client c ON c.id = a.client_id WHERE a.owner_id IN "
        "(SELECT staff_id FROM team_member WHERE team_id = t.id) AND a.active = 1 AND "
        "c.program_id = t.program_id) AS n FROM team_member tm JOIN team t ON t.id = "
        "tm.team_id WHERE tm.staff_id = ?1 AND t.program_id = ?2 AND "
        "t.capacity IS NOT NULL AND t.active = 1 AND n + 1 > t.capacity LIMIT 1",
        &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, staff_id);
    sqlite3_bind_int64(st, 2, program_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        ctx_col(st, 0, name, namesz);
        *capacity = sqlite3_column_int(st, 1);
        *load = sqlite3_column_int(st, 2) + 1;
        over = 1;
    }
    ctx_finalize(st);
    return over;
}

int caseload_room(cc_ctx *ctx, int64_t staff_id, const program *p, const char *who,
                  const char *reason, char *note, size_t notesz, cc_err *err)
{
    char team[96];
    int tload = 0, tcap = 0, load = caseload_active(ctx, staff_id) + 1;
    int coach =
        ctx_int(ctx, "SELECT role = 'coach' FROM staff WHERE id = ?1 AND ?2 = ?2",
                staff_id, 0) != 0;
    int over_team = team_over(ctx, staff_id, p->id, team, sizeof team, &tload, &tcap);
    int over_own = coach && load > p->capacity;
    int why = reason && text_content_len(reason) > 0;
    snprintf(note, notesz, "load %d/%d", load, p->capacity);
    if (over_team)
        snprintf(note + strlen(note), notesz - strlen(note), ", team %s %d/%d", team,
                 tload, tcap);
    if (why || (!over_own && !over_team))
        return CC_OK;
    if (over_own)
        return cc_err_set(err, CC_EINPUT,
                          "%s would carry %d/%d clients: give a reason to go over "
                          "capacity",
                          who, load, p->capacity);
    return cc_err_set(err, CC_EINPUT,
                      "team %s would carry %d/%d clients: give a reason to go over its "
                      "capacity",
                      team, tload, tcap);
}

/* Open tasks of client_id still owned by someone who has left go to to. */
static int take_orphan_tasks(cc_ctx *ctx, int64_t client_id, int64_t to, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE task SET owner_id = ?2, version = version + 1 WHERE client_id = ?1 AND "
        "completed_at IS NULL AND cancelled_at IS NULL AND owner_id IN (SELECT id FROM "
        "staff WHERE active = 0)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, to);
    return ctx_done(ctx, st, "moving tasks", err);
}

static int do_assign(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct assign_args *a = arg;
    client c;
    program p;
    char details[300];
    if (guard_client(ctx, "caseload.assign", a->client_id, "assign", err) != CC_OK ||
        client_get(ctx, a->client_id, &c, err) != CC_OK ||
        program_to_assign(ctx, &c, &p, err) != CC_OK ||
        assignee_ok(ctx, a->staff_id, &p, err) != CC_OK)
        return err->code;
    char room[160];
    if (caseload_room(ctx, a->staff_id, &p, "that coach", a->reason, room, sizeof room,
                      err) != CC_OK ||
        client_assign_in(ctx, a->client_id, a->staff_id, p.id, err) != CC_OK ||
        take_orphan_tasks(ctx, a->client_id, a->staff_id, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "staff:%lld %s%s%.120s", (long long)a->staff_id,
             room, a->reason && *a->reason ? "; reason: " : "",
             a->reason ? a->reason : "");
    return ctx_audit(ctx, "caseload.assign", "client", a->client_id, details, err);
}

int caseload_assign(cc_ctx *ctx, int64_t client_id, int64_t staff_id,
                    const char *reason, cc_err *err)
{
    struct assign_args a = {client_id, staff_id, reason};
    if (reason && !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "the reason has control characters");
    return ctx_txn(ctx, do_assign, &a, err);
}
