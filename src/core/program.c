/*
 * program.c — reading and saving program templates and their protocol tasks.
 */
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    sqlite3_finalize(st);
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
    *out = malloc((size_t)cap * sizeof **out);
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " PROGRAM_COLS " FROM program ORDER BY id", err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            program *p = realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p)
                break;
            *out = p;
        }
        row_to_program(st, &(*out)[(*n)++]);
    }
    sqlite3_finalize(st);
    return CC_OK;
}

int program_tasks(cc_ctx *ctx, int64_t program_id, protocol_task **out, int *n,
                  cc_err *err)
{
    int cap = 8;
    *n = 0;
    *out = calloc((size_t)cap, sizeof **out);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT code, title, anchor, offset_hours, repeat_days, "
                    "repeat_count FROM protocol_task WHERE program_id = ?1 "
                    "ORDER BY id",
                    err);
    if (!st || !*out) {
        free(*out);
        *out = NULL;
        return err->code ? err->code : cc_err_set(err, CC_EDATA, "out of memory");
    }
    sqlite3_bind_int64(st, 1, program_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            protocol_task *p = realloc(*out, (size_t)(cap *= 2) * sizeof **out);
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
    sqlite3_finalize(st);
    return CC_OK;
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

struct save_args {
    program *p;
    const protocol_task *tasks;
    int ntasks;
};

static int do_save(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct save_args *a = arg;
    if (upsert(ctx, a->p, err) != CC_OK ||
        replace_tasks(ctx, a->p->id, a->tasks, a->ntasks, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "program.save", "program", a->p->id, a->p->code, err);
}

int program_save(cc_ctx *ctx, program *p, const protocol_task *tasks, int ntasks,
                 cc_err *err)
{
    struct save_args a = {p, tasks, ntasks};
    if (validate(p, tasks, ntasks, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_save, &a, err);
}

/* ---- the service area -------------------------------------------------- */

struct zip_args {
    const char *zip;
    int add;
};

static int do_zip(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct zip_args *a = arg;
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
    if (strlen(zip) != 5 || strspn(zip, "0123456789") != 5)
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
    sqlite3_finalize(st);
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
    sqlite3_finalize(st);
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
    sqlite3_finalize(st);
}
