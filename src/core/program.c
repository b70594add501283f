/*
 * program.c — reading and saving program templates and their protocol tasks.
 * Each save that changes a program writes an immutable program_version (its
 * rules and protocol tasks) beside the current program row; episodes read
 * their rules from the version they started under. Also the service area:
 * one ZIP at a time or a whole list, all or nothing.
 */
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "util/alloc.h"
#include "util/text.h"

#define PROGRAM_COLS                                                                   \
    "id, code, name, kind, coalesce(hospital_id, 0), coalesce(min_age, 0), payers, "   \
    "settings, episode_start, episode_days, max_days, capacity, rescreen_days, "       \
    "overlap_group, active, version"

static void row_to_program(sqlite3_stmt *st, program *p)
{
    p->id = sqlite3_column_int64(st, 0);
    ctx_col(st, 1, p->code, sizeof p->code);
    ctx_col(st, 2, p->name, sizeof p->name);
    ctx_col(st, 3, p->kind, sizeof p->kind);
    p->hospital_id = sqlite3_column_int64(st, 4);
    p->min_age = sqlite3_column_int(st, 5);
    ctx_col(st, 6, p->payers, sizeof p->payers);
    ctx_col(st, 7, p->settings, sizeof p->settings);
    ctx_col(st, 8, p->episode_start, sizeof p->episode_start);
    p->episode_days = sqlite3_column_int(st, 9);
    p->max_days = sqlite3_column_int(st, 10);
    p->capacity = sqlite3_column_int(st, 11);
    p->rescreen_days = sqlite3_column_int(st, 12);
    ctx_col(st, 13, p->overlap_group, sizeof p->overlap_group);
    p->active = sqlite3_column_int(st, 14);
    p->version = sqlite3_column_int64(st, 15);
}

static int get_where(cc_ctx *ctx, const char *sql, int64_t id, const char *code,
                     program *out, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    if (code)
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_program(st, out);
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return code ? cc_err_set(err, CC_EINPUT, "no program '%s'", code)
                    : cc_err_set(err, CC_EINPUT, "no program %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading program", err);
}

int program_get(cc_ctx *ctx, int64_t id, program *out, cc_err *err)
{
    return get_where(ctx, "SELECT " PROGRAM_COLS " FROM program WHERE id = ?1", id,
                     NULL, out, err);
}

int program_by_code(cc_ctx *ctx, const char *code, program *out, cc_err *err)
{
    return get_where(ctx, "SELECT " PROGRAM_COLS " FROM program WHERE code = ?1", 0,
                     code, out, err);
}

int program_list(cc_ctx *ctx, program **out, int *n, cc_err *err)
{
    int cap = 16;
    *n = 0;
    *out = cc_malloc((size_t)cap * sizeof **out);
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " PROGRAM_COLS " FROM program ORDER BY id", err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            program *p = cc_realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p)
                break;
            *out = p;
        }
        row_to_program(st, &(*out)[(*n)++]);
    }
    ctx_finalize(st);
    return CC_OK;
}

/* The protocol tasks sql (bound to ?1 = id) selects, in its column order
 * code, title, anchor, offset_hours, repeat_days, repeat_count; *out
 * malloc'd. */
static int read_tasks(cc_ctx *ctx, const char *sql, int64_t id, protocol_task **out,
                      int *n, cc_err *err)
{
    int cap = 8;
    *n = 0;
    *out = cc_calloc((size_t)cap, sizeof **out);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            protocol_task *p = cc_realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p)
                break;
            *out = p;
        }
        protocol_task *t = &(*out)[(*n)++];
        ctx_col(st, 0, t->code, sizeof t->code);
        ctx_col(st, 1, t->title, sizeof t->title);
        ctx_col(st, 2, t->anchor, sizeof t->anchor);
        t->offset_hours = sqlite3_column_int(st, 3);
        t->repeat_days = sqlite3_column_int(st, 4);
        t->repeat_count = sqlite3_column_int(st, 5);
    }
    ctx_finalize(st);
    return CC_OK;
}

int program_tasks(cc_ctx *ctx, int64_t program_id, protocol_task **out, int *n,
                  cc_err *err)
{
    return read_tasks(
        ctx,
        "SELECT code, title, anchor, offset_hours, repeat_days, "
        "repeat_count FROM protocol_task WHERE program_id = ?1 ORDER BY id",
        program_id, out, n, err);
}

/* Lower-case letters, digits and '-', 1..31 characters. */
static int keyword_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int validate(const program *p, const protocol_task *t, int n, cc_err *err)
{
    static const char *const kinds = "senior-stabilization,care-transition,"
                                     "specialty-navigation,smi-act,smi-crisis";
    if (!p->code[0] || !keyword_ok(p->code))
        return cc_err_set(err, CC_EINPUT,
                          "program code must be lower-case letters, digits, -");
    if (!p->name[0] || !text_is_clean(p->name))
        return cc_err_set(err, CC_EINPUT,
                          "program name is empty or has control characters");
    if (!ctx_in_list(p->kind, kinds))
        return cc_err_set(err, CC_EINPUT, "program kind must be one of %s", kinds);
    if (!ctx_in_list(p->episode_start, "assessment-high,discharge,enrollment"))
        return cc_err_set(
            err, CC_EINPUT,
            "episode start must be assessment-high, discharge or enrollment");
    if (p->episode_days < 1 || p->max_days < p->episode_days || p->capacity < 1 ||
        p->rescreen_days < 1)
        return cc_err_set(
            err, CC_EINPUT,
            "need episode days >= 1, max days >= episode days, capacity and "
            "re-screen days >= 1");
    for (int i = 0; i < n; i++)
        if (!keyword_ok(t[i].code) || !t[i].title[0] || !text_is_clean(t[i].title) ||
            !ctx_in_list(t[i].anchor, "episode-start,discharge") ||
            t[i].offset_hours < 0 || t[i].repeat_days < 0 || t[i].repeat_count < 1)
            return cc_err_set(err, CC_EINPUT, "protocol task %d is not valid", i + 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(t[i].code, t[j].code))
                return cc_err_set(err, CC_EINPUT, "protocol task code '%s' repeats",
                                  t[i].code);
    return CC_OK;
}

static void bind_program(sqlite3_stmt *st, const program *p)
{
    sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
    if (p->hospital_id)
        sqlite3_bind_int64(st, 4, p->hospital_id);
    if (p->min_age)
        sqlite3_bind_int(st, 5, p->min_age);
    sqlite3_bind_text(st, 6, p->payers, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->settings, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, p->episode_start, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, p->episode_days);
    sqlite3_bind_int(st, 10, p->max_days);
    sqlite3_bind_int(st, 11, p->capacity);
    sqlite3_bind_int(st, 12, p->rescreen_days);
    sqlite3_bind_text(st, 13, p->overlap_group, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 14, p->active);
}

static int upsert(cc_ctx *ctx, program *p, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO program (code, name, kind, hospital_id, min_age, payers, "
        "settings, "
        "episode_start, episode_days, max_days, capacity, rescreen_days, "
        "overlap_group, "
        "active) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) "
        "ON CONFLICT (code) DO UPDATE SET name=excluded.name, kind=excluded.kind, "
        "hospital_id=excluded.hospital_id, min_age=excluded.min_age, "
        "payers=excluded.payers, settings=excluded.settings, "
        "episode_start=excluded.episode_start, episode_days=excluded.episode_days, "
        "max_days=excluded.max_days, capacity=excluded.capacity, "
        "rescreen_days=excluded.rescreen_days, overlap_group=excluded.overlap_group, "
        "active=excluded.active, version = version + 1",
        err);
    if (!st)
        return err->code;
    bind_program(st, p);
    if (ctx_done(ctx, st, "saving program", err) != CC_OK)
        return err->code;
    program saved;
    if (program_by_code(ctx, p->code, &saved, err) != CC_OK)
        return err->code;
    *p = saved;
    return CC_OK;
}

static int replace_tasks(cc_ctx *ctx, int64_t program_id, const protocol_task *t, int n,
                         cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "DELETE FROM protocol_task WHERE program_id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, program_id);
    if (ctx_done(ctx, st, "saving program", err) != CC_OK)
        return err->code;
    for (int i = 0; i < n; i++) {
        st = ctx_prepare(
            ctx,
            "INSERT INTO protocol_task (program_id, code, title, anchor, "
            "offset_hours, repeat_days, repeat_count) VALUES (?1,?2,?3,?4,?5,"
            "?6,?7)",
            err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, program_id);
        sqlite3_bind_text(st, 2, t[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, t[i].title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, t[i].anchor, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, t[i].offset_hours);
        sqlite3_bind_int(st, 6, t[i].repeat_days);
        sqlite3_bind_int(st, 7, t[i].repeat_count);
        if (ctx_done(ctx, st, "saving protocol task", err) != CC_OK)
            return cc_err_set(err, CC_EINPUT, "protocol task code '%s' repeats",
                              t[i].code);
    }
    return CC_OK;
}

/* ---- versions ---------------------------------------------------------- */

static int same_program(const program *a, const program *b)
{
    return !strcmp(a->name, b->name) && !strcmp(a->kind, b->kind) &&
           a->hospital_id == b->hospital_id && a->min_age == b->min_age &&
           !strcmp(a->payers, b->payers) && !strcmp(a->settings, b->settings) &&
           !strcmp(a->episode_start, b->episode_start) &&
           a->episode_days == b->episode_days && a->max_days == b->max_days &&
           a->capacity == b->capacity && a->rescreen_days == b->rescreen_days &&
           !strcmp(a->overlap_group, b->overlap_group) && a->active == b->active;
}

static int same_tasks(const protocol_task *a, int na, const protocol_task *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i].code, b[i].code) || strcmp(a[i].title, b[i].title) ||
            strcmp(a[i].anchor, b[i].anchor) ||
            a[i].offset_hours != b[i].offset_hours ||
            a[i].repeat_days != b[i].repeat_days ||
            a[i].repeat_count != b[i].repeat_count)
            return 0;
    return 1;
}

/* 1 if a program with p's code exists and equals p with tasks t[0..n);
 * then *cur is it. 0 if not (or new); -1 on error. */
static int unchanged(cc_ctx *ctx, const program *p, const protocol_task *t, int n,
                     program *cur, cc_err *err)
{
    protocol_task *ct;
    int cn, same;
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT 1 FROM program WHERE code = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, p->code, -1, SQLITE_STATIC);
    int exists = sqlite3_step(st) == SQLITE_ROW;
    ctx_finalize(st);
    if (!exists)
        return 0;
    if (program_by_code(ctx, p->code, cur, err) != CC_OK ||
        program_tasks(ctx, cur->id, &ct, &cn, err) != CC_OK)
        return -1;
    same = same_program(p, cur) && same_tasks(t, n, ct, cn);
    free(ct);
    return same;
}

/* Copy the program row and its protocol tasks as version p->version. */
static int snapshot(cc_ctx *ctx, const program *p, cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO program_version (program_id, version, name, kind, hospital_id, "
        "min_age, payers, settings, episode_start, episode_days, max_days, capacity, "
        "rescreen_days, overlap_group, active, saved_at, saved_by) SELECT id, "
        "version, name, kind, hospital_id, min_age, payers, settings, episode_start, "
        "episode_days, max_days, capacity, rescreen_days, overlap_group, active, ?2, "
        "?3 FROM program WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    if (ctx_done(ctx, st, "saving program version", err) != CC_OK)
        return err->code;
    int64_t vid = sqlite3_last_insert_rowid(store_db(ctx->st));
    st = ctx_prepare(ctx,
                     "INSERT INTO program_version_task (program_version_id, code, "
                     "title, anchor, offset_hours, repeat_days, repeat_count) SELECT "
                     "?1, code, title, anchor, offset_hours, repeat_days, repeat_count "
                     "FROM protocol_task WHERE program_id = ?2 ORDER BY id",
                     err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, vid);
    sqlite3_bind_int64(st, 2, p->id);
    return ctx_done(ctx, st, "saving program version tasks", err);
}

struct save_args {
    program *p;
    const protocol_task *tasks;
    int ntasks;
    int *created;
};

static int do_save(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct save_args *a = arg;
    char details[64];
    program cur;
    if (guard_action(ctx, "program.manage", err) != CC_OK)
        return err->code;
    int same = unchanged(ctx, a->p, a->tasks, a->ntasks, &cur, err);
    if (same < 0)
        return err->code;
    if (same) {
        *a->p = cur;
        return CC_OK;
    }
    if (upsert(ctx, a->p, err) != CC_OK ||
        replace_tasks(ctx, a->p->id, a->tasks, a->ntasks, err) != CC_OK ||
        snapshot(ctx, a->p, err) != CC_OK)
        return err->code;
    *a->created = 1;
    snprintf(details, sizeof details, "%s version %lld", a->p->code,
             (long long)a->p->version);
    return ctx_audit(ctx, "program.save", "program", a->p->id, details, err);
}

int program_save_version(cc_ctx *ctx, program *p, const protocol_task *tasks,
                         int ntasks, int *created, cc_err *err)
{
    int ignored;
    struct save_args a = {p, tasks, ntasks, created ? created : &ignored};
    *a.created = 0;
    if (validate(p, tasks, ntasks, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_save, &a, err);
}

int program_save(cc_ctx *ctx, program *p, const protocol_task *tasks, int ntasks,
                 cc_err *err)
{
    return program_save_version(ctx, p, tasks, ntasks, NULL, err);
}

#define VERSION_COLS                                                                   \
    "p.id, p.code, v.name, v.kind, coalesce(v.hospital_id, 0), "                       \
    "coalesce(v.min_age, 0), v.payers, v.settings, v.episode_start, v.episode_days, "  \
    "v.max_days, v.capacity, v.rescreen_days, v.overlap_group, v.active, v.version"

static int read_version_tasks(cc_ctx *ctx, int64_t vid, protocol_task **out, int *n,
                              cc_err *err)
{
    return read_tasks(
        ctx,
        "SELECT code, title, anchor, offset_hours, repeat_days, "
        "repeat_count FROM program_version_task WHERE program_version_id = "
        "?1 ORDER BY id",
        vid, out, n, err);
}

int program_version_get(cc_ctx *ctx, int64_t program_id, int64_t version, program *out,
                        protocol_task **tasks, int *ntasks, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT " VERSION_COLS ", v.id FROM program_version v JOIN program p ON p.id = "
        "v.program_id WHERE v.program_id = ?1 AND v.version = ?2",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, program_id);
    sqlite3_bind_int64(st, 2, version);
    int rc = sqlite3_step(st);
    int64_t vid = 0;
    if (rc == SQLITE_ROW) {
        row_to_program(st, out);
        vid = sqlite3_column_int64(st, 16);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "program %lld has no version %lld",
                          (long long)program_id, (long long)version);
    if (rc != SQLITE_ROW)
        return store_fail(ctx->st, rc, "reading program version", err);
    return tasks ? read_version_tasks(ctx, vid, tasks, ntasks, err) : CC_OK;
}

int program_versions(cc_ctx *ctx, int64_t program_id, program_version_info **out,
                     int *n, cc_err *err)
{
    int cap = 8;
    *n = 0;
    *out = cc_calloc((size_t)cap, sizeof **out);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT v.version, v.saved_at, coalesce(s.login, 'system'), v.episode_days, "
        "v.max_days, (SELECT count(*) FROM program_version_task t WHERE "
        "t.program_version_id = v.id), (SELECT count(*) FROM episode e WHERE "
        "e.program_id = v.program_id AND e.program_version = v.version) FROM "
        "program_version v LEFT JOIN staff s ON s.id = v.saved_by WHERE "
        "v.program_id = ?1 ORDER BY v.version",
        err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    sqlite3_bind_int64(st, 1, program_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            program_version_info *p =
                cc_realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p)
                break;
            *out = p;
        }
        program_version_info *v = &(*out)[(*n)++];
        v->version = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, v->saved_at, sizeof v->saved_at);
        ctx_col(st, 2, v->saved_by, sizeof v->saved_by);
        v->episode_days = sqlite3_column_int(st, 3);
        v->max_days = sqlite3_column_int(st, 4);
        v->ntasks = sqlite3_column_int(st, 5);
        v->episodes = sqlite3_column_int(st, 6);
    }
    ctx_finalize(st);
    return CC_OK;
}

/* ---- the service area -------------------------------------------------- */

struct zip_args {
    const char *zip;
    int add;
};

static int zip_ok(const char *zip)
{
    return strlen(zip) == 5 && strspn(zip, "0123456789") == 5;
}

static int do_zip(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct zip_args *a = arg;
    if (guard_action(ctx, "program.manage", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    a->add ? "INSERT OR IGNORE INTO service_zip (zip) VALUES (?1)"
                           : "DELETE FROM service_zip WHERE zip = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->zip, -1, SQLITE_STATIC);
    if (ctx_done(ctx, st, "changing the service area", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "ZIP %s is %s the service area", a->zip,
                          a->add ? "already in" : "not in");
    return ctx_audit(ctx, a->add ? "area.add" : "area.remove", "zip", atoi(a->zip),
                     a->zip, err);
}

static int zip_change(cc_ctx *ctx, const char *zip, int add, cc_err *err)
{
    struct zip_args a = {zip, add};
    if (!zip_ok(zip))
        return cc_err_set(err, CC_EINPUT, "a ZIP code is 5 digits");
    return ctx_txn(ctx, do_zip, &a, err);
}

int area_add(cc_ctx *ctx, const char *zip, cc_err *err)
{
    return zip_change(ctx, zip, 1, err);
}

int area_remove(cc_ctx *ctx, const char *zip, cc_err *err)
{
    return zip_change(ctx, zip, 0, err);
}

struct import_args {
    const char *const *zips;
    int n;
    int *added, *present;
};

static int do_import(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct import_args *a = arg;
    char details[64];
    if (guard_action(ctx, "program.manage", err) != CC_OK)
        return err->code;
    for (int i = 0; i < a->n; i++) {
        sqlite3_stmt *st = ctx_prepare(
            ctx, "INSERT OR IGNORE INTO service_zip (zip) VALUES (?1)", err);
        if (!st)
            return err->code;
        sqlite3_bind_text(st, 1, a->zips[i], -1, SQLITE_STATIC);
        if (ctx_done(ctx, st, "importing the service area", err) != CC_OK)
            return err->code;
        if (sqlite3_changes(store_db(ctx->st)))
            (*a->added)++;
        else
            (*a->present)++;
    }
    snprintf(details, sizeof details, "%d added, %d already present", *a->added,
             *a->present);
    return ctx_audit(ctx, "area.import", "zip", *a->added, details, err);
}

int area_import(cc_ctx *ctx, const char *const *zips, const int *line_no, int n,
                int *added, int *present, cc_err *err)
{
    struct import_args a = {zips, n, added, present};
    *added = *present = 0;
    if (n < 1)
        return cc_err_set(err, CC_EINPUT, "no ZIP codes to import");
    for (int i = 0; i < n; i++)
        if (!zip_ok(zips[i]))
            return cc_err_set(err, CC_EINPUT,
                              "line %d: a ZIP code is 5 digits; nothing imported",
                              line_no ? line_no[i] : i + 1);
    int rc = ctx_txn(ctx, do_import, &a, err);
    if (rc != CC_OK)
        *added = *present = 0;
    return rc;
}

int area_list(cc_ctx *ctx, char *out, size_t outsz, cc_err *err)
{
    size_t len = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT zip FROM service_zip ORDER BY zip", err);
    if (!st)
        return err->code;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && len + 7 < outsz)
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? "," : "",
                                (const char *)sqlite3_column_text(st, 0));
    ctx_finalize(st);
    return CC_OK;
}

int64_t organization_by_code(cc_ctx *ctx, const char *code)
{
    cc_err err;
    int64_t id = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT id FROM organization WHERE facility_code = ?1", &err);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

void organization_code(cc_ctx *ctx, int64_t id, char *out, size_t outsz)
{
    cc_err err;
    out[0] = '\0';
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT facility_code FROM organization WHERE id = ?1", &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, out, outsz);
    ctx_finalize(st);
}
