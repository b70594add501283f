/*
 * team.c — creating and keeping care teams (see team.h). Each use case is
 * one transaction that starts at the guard and ends with its audit entry.
 */
#include "team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "program.h"
#include "staff.h"
#include "util/text.h"

/* A client counts for a team while it is followed (open episode or
 * monitoring) and owned by a member, in the team's program. */
#define TEAM_CLIENTS                                                                   \
    "SELECT count(*) FROM client c JOIN team t ON t.id = ?1 WHERE c.program_id = "     \
    "t.program_id AND c.owner_id IN (SELECT staff_id FROM team_member WHERE team_id "  \
    "= ?1) AND ?2 = ?2"
#define FOLLOWED                                                                       \
    " AND (EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND "              \
    "e.closed_date IS NULL) OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id "  \
    "= c.id AND m.ended_date IS NULL))"

struct team_row {
    int64_t id, program_id;
    char name[96];
    int active;
};

static int read_team(cc_ctx *ctx, int64_t id, struct team_row *t, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx, "SELECT id, program_id, name, active FROM team WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        t->id = sqlite3_column_int64(st, 0);
        t->program_id = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, t->name, sizeof t->name);
        t->active = sqlite3_column_int(st, 3);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no team %lld (see carecoord team list)",
                          (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading team", err);
}

static int active_team(cc_ctx *ctx, int64_t id, struct team_row *t, cc_err *err)
{
    if (read_team(ctx, id, t, err) != CC_OK)
        return err->code;
    return t->active ? CC_OK
                     : cc_err_set(err, CC_EINPUT, "team %s is retired", t->name);
}

static int name_ok(const char *name, cc_err *err)
{
    if (!name || !text_content_len(name) || !text_is_clean(name) || strlen(name) > 80)
        return cc_err_set(err, CC_EINPUT,
                          "a team needs a name (at most 80 characters)");
    return CC_OK;
}

static int name_taken(cc_ctx *ctx, const char *name, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT 1 FROM team WHERE name = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int taken = sqlite3_step(st) == SQLITE_ROW;
    ctx_finalize(st);
    return taken ? cc_err_set(err, CC_EINPUT, "a team called %s exists already", name)
                 : CC_OK;
}

/* ---- create, rename, capacity, retire ---------------------------------- */

struct create_args {
    const char *name, *program;
    int capacity;
    int64_t *id;
};

static int do_create(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct create_args *a = arg;
    program p;
    char details[256];
    if (guard_action(ctx, "team.manage", err) != CC_OK ||
        program_by_code(ctx, a->program, &p, err) != CC_OK ||
        name_taken(ctx, a->name, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx, "INSERT INTO team (name, program_id, capacity) VALUES (?1, ?2, ?3)", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, p.id);
    if (a->capacity > 0)
        sqlite3_bind_int(st, 3, a->capacity);
    if (ctx_done(ctx, st, "creating team", err) != CC_OK)
        return err->code;
    *a->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    snprintf(details, sizeof details, "%s (%s, capacity %d)", a->name, p.code,
             a->capacity);
    return ctx_audit(ctx, "team.create", "team", *a->id, details, err);
}

int team_create(cc_ctx *ctx, const char *name, const char *program_code, int capacity,
                int64_t *id, cc_err *err)
{
    int64_t ignore;
    struct create_args a = {name, program_code, capacity, id ? id : &ignore};
    if (name_ok(name, err) != CC_OK)
        return err->code;
    if (capacity < 0 || capacity > 100000)
        return cc_err_set(err, CC_EINPUT, "a team's capacity is 1 to 100000 clients");
    return ctx_txn(ctx, do_create, &a, err);
}

int64_t team_find(cc_ctx *ctx, const char *name, cc_err *err)
{
    char *end;
    long long n = name ? strtoll(name, &end, 10) : 0;
    if (name && *name && !*end && n > 0) {
        struct team_row t;
        return read_team(ctx, n, &t, err) == CC_OK ? t.id : 0;
    }
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT id FROM team WHERE name = ?1", err);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ctx_finalize(st);
    if (!id)
        cc_err_set(err, CC_EINPUT, "no team called %s (see carecoord team list)",
                   name ? name : "");
    return id;
}

struct change_args {
    int64_t id;
    const char *name; /* rename */
    int capacity;     /* set capacity (when name is NULL) */
};

static int do_change(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct change_args *a = arg;
    struct team_row t;
    char details[256];
    if (guard_action(ctx, "team.manage", err) != CC_OK ||
        active_team(ctx, a->id, &t, err) != CC_OK ||
        (a->name && name_taken(ctx, a->name, err) != CC_OK))
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        a->name ? "UPDATE team SET name = ?1, version = version + 1 WHERE id = ?2"
                : "UPDATE team SET capacity = ?1, version = version + 1 WHERE id = ?2",
        err);
    if (!st)
        return err->code;
    if (a->name)
        sqlite3_bind_text(st, 1, a->name, -1, SQLITE_TRANSIENT);
    else if (a->capacity > 0)
        sqlite3_bind_int(st, 1, a->capacity);
    sqlite3_bind_int64(st, 2, a->id);
    if (ctx_done(ctx, st, "changing team", err) != CC_OK)
        return err->code;
    if (a->name)
        snprintf(details, sizeof details, "%s -> %s", t.name, a->name);
    else
        snprintf(details, sizeof details, "%s capacity %d", t.name, a->capacity);
    return ctx_audit(ctx, a->name ? "team.rename" : "team.capacity", "team", a->id,
                     details, err);
}

int team_rename(cc_ctx *ctx, int64_t id, const char *name, cc_err *err)
{
    struct change_args a = {id, name, 0};
    if (name_ok(name, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_change, &a, err);
}

int team_set_capacity(cc_ctx *ctx, int64_t id, int capacity, cc_err *err)
{
    struct change_args a = {id, NULL, capacity};
    if (capacity < 0 || capacity > 100000)
        return cc_err_set(err, CC_EINPUT, "a team's capacity is 1 to 100000 clients");
    return ctx_txn(ctx, do_change, &a, err);
}

static int do_retire(cc_ctx *ctx, void *arg, cc_err *err)
{
    int64_t id = *(int64_t *)arg;
    struct team_row t;
    if (guard_action(ctx, "team.manage", err) != CC_OK ||
        active_team(ctx, id, &t, err) != CC_OK)
        return err->code;
    int64_t owned = ctx_int(ctx, TEAM_CLIENTS, id, 0);
    if (owned)
        return cc_err_set(err, CC_EINPUT,
                          "team %s still owns %lld clients: move them to another team "
                          "first (carecoord handoff move-caseload LOGIN --to team:ID, "
                          "for each member)",
                          t.name, (long long)owned);
    sqlite3_stmt *st = ctx_prepare(
        ctx, "UPDATE team SET active = 0, version = version + 1 WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (ctx_done(ctx, st, "retiring team", err) != CC_OK ||
        !(st = ctx_prepare(ctx, "DELETE FROM team_member WHERE team_id = ?1", err)))
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (ctx_done(ctx, st, "retiring team", err) != CC_OK ||
        !(st = ctx_prepare(ctx, "DELETE FROM team_cover WHERE team_id = ?1", err)))
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (ctx_done(ctx, st, "retiring team", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "team.retire", "team", id, t.name, err);
}

int team_retire(cc_ctx *ctx, int64_t id, cc_err *err)
{
    return ctx_txn(ctx, do_retire, &id, err);
}

/* ---- members ----------------------------------------------------------- */

static int read_staff(cc_ctx *ctx, int64_t staff_id, staff *s, cc_err *err)
{
    if (staff_get(ctx->st, staff_id, s, err) != CC_OK)
        return err->code;
    return s->active
               ? CC_OK
               : cc_err_set(err, CC_EINPUT, "the account %s is disabled", s->login);
}

/* Run sql (one write) with ?1 = team, ?2 = staff; what names it in errors. */
static int pair_exec(cc_ctx *ctx, const char *sql, int64_t team_id, int64_t staff_id,
                     const char *what, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int64(st, 2, staff_id);
    return ctx_done(ctx, st, what, err);
}

int team_member_add_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct team_row t;
    staff s;
    char details[256];
    if (active_team(ctx, id, &t, err) != CC_OK || read_staff(ctx, staff_id, &s, err))
        return err->code;
    if (!strcmp(s.role, "admin") || !strcmp(s.role, "supervisor"))
        return cc_err_set(err, CC_EINPUT, "%s is %s: only care staff are team members",
                          s.login, s.role);
    if (ctx_int(ctx,
                "SELECT count(*) FROM team_member WHERE team_id = ?1 AND staff_id = ?2",
                id, staff_id))
        return cc_err_set(err, CC_EINPUT, "%s is on team %s already", s.login, t.name);
    if (pair_exec(ctx, "INSERT INTO team_member (team_id, staff_id) VALUES (?1, ?2)",
                  id, staff_id, "adding team member", err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "%s (%s) joins %s", s.login, s.role, t.name);
    return ctx_audit(ctx, "team.member.add", "team", id, details, err);
}

int team_member_remove_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct team_row t;
    staff s;
    char details[256];
    if (read_team(ctx, id, &t, err) != CC_OK ||
        staff_get(ctx->st, staff_id, &s, err) != CC_OK)
        return err->code;
    if (!ctx_int(
            ctx,
            "SELECT count(*) FROM team_member WHERE team_id = ?1 AND staff_id = ?2", id,
            staff_id))
        return cc_err_set(err, CC_EINPUT, "%s is not on team %s", s.login, t.name);
    /* Clients they own in this program, were they on no other team of it. */
    int64_t stranded = ctx_int(
        ctx,
        "SELECT count(*) FROM client c JOIN team t ON t.id = ?1 WHERE c.owner_id = ?2 "
        "AND c.program_id = t.program_id AND NOT EXISTS (SELECT 1 FROM team_member tm "
        "JOIN team o ON o.id = tm.team_id WHERE tm.staff_id = ?2 AND o.id <> ?1 AND "
        "o.program_id = t.program_id AND o.active = 1)",
        id, staff_id);
    if (stranded)
        return cc_err_set(err, CC_EINPUT,
                          "%s owns %lld clients of this team's program: move them "
                          "first (carecoord handoff move-caseload %s --to ...)",
                          s.login, (long long)stranded, s.login);
    if (pair_exec(ctx, "DELETE FROM team_member WHERE team_id = ?1 AND staff_id = ?2",
                  id, staff_id, "removing team member", err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "%s leaves %s", s.login, t.name);
    return ctx_audit(ctx, "team.member.remove", "team", id, details, err);
}

struct member_args {
    int64_t id, staff_id;
    int (*fn)(cc_ctx *, int64_t, int64_t, cc_err *);
};

static int do_member(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct member_args *a = arg;
    if (guard_action(ctx, "team.manage", err) != CC_OK)
        return err->code;
    return a->fn(ctx, a->id, a->staff_id, err);
}

int team_member_add(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct member_args a = {id, staff_id, team_member_add_in};
    return ctx_txn(ctx, do_member, &a, err);
}

int team_member_remove(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct member_args a = {id, staff_id, team_member_remove_in};
    return ctx_txn(ctx, do_member, &a, err);
}

/* ---- cover ------------------------------------------------------------- */

int team_cover_limit(cc_ctx *ctx)
{
    char v[16] = "";
    cc_err ignore;
    store_meta_get(ctx->st, "team_cover_limit", v, sizeof v, &ignore);
    int n = atoi(v);
    return n > 0 ? n : 3;
}

static int cover_add_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct team_row t;
    staff s;
    char details[256];
    if (active_team(ctx, id, &t, err) != CC_OK || read_staff(ctx, staff_id, &s, err))
        return err->code;
    if (strcmp(s.role, "program-manager") != 0 && strcmp(s.role, "social-worker") != 0)
        return cc_err_set(err, CC_EINPUT,
                          "%s is %s: only program managers and social workers cover "
                          "teams",
                          s.login, s.role);
    if (ctx_int(ctx,
                "SELECT count(*) FROM team_cover WHERE team_id = ?1 AND staff_id = ?2",
                id, staff_id))
        return cc_err_set(err, CC_EINPUT, "%s covers team %s already", s.login, t.name);
    int limit = team_cover_limit(ctx);
    int64_t now =
        ctx_int(ctx,
                "SELECT count(*) FROM team_cover tc JOIN team t ON t.id = "
                "tc.team_id WHERE tc.staff_id = ?1 AND t.active = 1 AND ?2 = ?2",
                staff_id, 0);
    if (now >= limit)
        return cc_err_set(err, CC_EINPUT,
                          "%s covers %lld teams already: at most %d (end one first: "
                          "carecoord team cover remove)",
                          s.login, (long long)now, limit);
    if (pair_exec(ctx, "INSERT INTO team_cover (team_id, staff_id) VALUES (?1, ?2)", id,
                  staff_id, "adding cover", err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "%s (%s) covers %s", s.login, s.role, t.name);
    return ctx_audit(ctx, "team.cover.add", "team", id, details, err);
}

static int cover_remove_in(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct team_row t;
    staff s;
    char details[256];
    if (read_team(ctx, id, &t, err) != CC_OK ||
        staff_get(ctx->st, staff_id, &s, err) != CC_OK)
        return err->code;
    if (pair_exec(ctx, "DELETE FROM team_cover WHERE team_id = ?1 AND staff_id = ?2",
                  id, staff_id, "removing cover", err) != CC_OK)
        return err->code;
    if (!sqlite3_changes(store_db(ctx->st)))
        return cc_err_set(err, CC_EINPUT, "%s does not cover team %s", s.login, t.name);
    snprintf(details, sizeof details, "%s no longer covers %s", s.login, t.name);
    return ctx_audit(ctx, "team.cover.remove", "team", id, details, err);
}

int team_cover_add(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct member_args a = {id, staff_id, cover_add_in};
    return ctx_txn(ctx, do_member, &a, err);
}

int team_cover_remove(cc_ctx *ctx, int64_t id, int64_t staff_id, cc_err *err)
{
    struct member_args a = {id, staff_id, cover_remove_in};
    return ctx_txn(ctx, do_member, &a, err);
}

/* ---- reading ----------------------------------------------------------- */

int team_load(cc_ctx *ctx, int64_t id, int *active, int *capacity, cc_err *err)
{
    struct team_row t;
    if (guard_actor(ctx, err) != CC_OK || read_team(ctx, id, &t, err) != CC_OK)
        return err->code;
    *active = (int)ctx_int(ctx, TEAM_CLIENTS FOLLOWED, id, 0);
    *capacity = (int)ctx_int(ctx,
                             "SELECT coalesce(capacity, 0) FROM team WHERE id = "
                             "?1 AND ?2 = ?2",
                             id, 0);
    return CC_OK;
}

int team_list(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "staff.list", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT t.id, t.name, p.code AS program, coalesce(t.capacity, '') AS capacity, "
        "coalesce((SELECT group_concat(s.login || ':' || s.role, ' ') FROM (SELECT * "
        "FROM team_member ORDER BY staff_id) tm JOIN staff s ON s.id = tm.staff_id "
        "WHERE tm.team_id = t.id), '') AS members, coalesce((SELECT "
        "group_concat(s.login, ' ') FROM team_cover tc JOIN staff s ON s.id = "
        "tc.staff_id WHERE tc.team_id = t.id), '') AS covered_by, CASE t.active WHEN 1 "
        "THEN 'active' ELSE 'retired' END AS state FROM team t JOIN program p ON p.id "
        "= t.program_id ORDER BY t.active DESC, t.id",
        err);
    return st ? table_from_stmt(ctx, st, out, err) : err->code;
}

int staff_roster(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "staff.list", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT s.login, s.full_name AS name, s.role, coalesce((SELECT "
        "group_concat(t.name, ', ') FROM team_member tm JOIN team t ON t.id = "
        "tm.team_id WHERE tm.staff_id = s.id), '') AS teams, CASE WHEN s.active = 0 "
        "THEN 'disabled' WHEN s.must_change_passphrase = 1 THEN 'one-time passphrase' "
        "ELSE 'active' END AS state FROM staff s ORDER BY s.active DESC, s.login",
        err);
    return st ? table_from_stmt(ctx, st, out, err) : err->code;
}
