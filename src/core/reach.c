/*
 * reach.c — contact details and caregivers (see reach.h): one function per
 * use case, each one transaction, guarded as a change to the client's
 * record and audited; saves compare versions so nothing is overwritten.
 */
#include "reach.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "org.h"
#include "util/alloc.h"
#include "util/text.h"

int reach_phone_valid(const char *phone)
{
    int digits = 0, ext = 0;
    for (const char *p = phone; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '+' && p == phone)
            continue;
        else if (*p == 'x' && digits && !ext)
            ext = 1;
        else if (!strchr(" .-()", *p))
            return 0;
    }
    return digits >= 7 && digits <= 15 + 6 * ext;
}

static int phone_ok(const char *phone, const char *kind, const char *what, cc_err *err)
{
    if (!phone[0])
        return kind[0] ? cc_err_set(err, CC_EINPUT, "%s: a kind without a number", what)
                       : CC_OK;
    if (!reach_phone_valid(phone))
        return cc_err_set(err, CC_EINPUT,
                          "%s must be a phone number (7 to 15 digits, e.g. "
                          "555-201-0101)",
                          what);
    if (!ctx_in_list(kind, REACH_PHONE_KINDS))
        return cc_err_set(err, CC_EINPUT, "%s kind must be one of %s", what,
                          REACH_PHONE_KINDS);
    return CC_OK;
}

static int reach_validate(const client_reach *r, cc_err *err)
{
    if (phone_ok(r->phone1, r->phone1_kind, "phone 1", err) != CC_OK ||
        phone_ok(r->phone2, r->phone2_kind, "phone 2", err) != CC_OK)
        return err->code;
    if (r->preferred != 1 && r->preferred != 2)
        return cc_err_set(err, CC_EINPUT, "the preferred phone must be 1 or 2");
    if (!(r->preferred == 1 ? r->phone1 : r->phone2)[0] &&
        (r->phone1[0] || r->phone2[0]))
        return cc_err_set(err, CC_EINPUT, "the preferred phone %d has no number",
                          r->preferred);
    if (ctx_one_line(r->call_times, "when to call", err) != CC_OK ||
        ctx_one_line(r->address, "the address", err) != CC_OK ||
        ctx_one_line(r->city, "the city", err) != CC_OK ||
        ctx_one_line(r->pcp_name, "the primary care provider", err) != CC_OK)
        return err->code;
    return CC_OK;
}

#define REACH_COLS                                                                     \
    "r.phone1, r.phone1_kind, r.phone2, r.phone2_kind, r.preferred, r.call_times, "    \
    "r.address, r.city, coalesce(o.facility_code, ''), r.pcp_name, r.version"

static int reach_read(cc_ctx *ctx, int64_t client_id, client_reach *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    out->client_id = client_id;
    out->preferred = 1;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " REACH_COLS " FROM client_reach r LEFT JOIN "
                    "organization o ON o.id = r.pcp_org_id WHERE "
                    "r.client_id = ?1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        ctx_col(st, 0, out->phone1, sizeof out->phone1);
        ctx_col(st, 1, out->phone1_kind, sizeof out->phone1_kind);
        ctx_col(st, 2, out->phone2, sizeof out->phone2);
        ctx_col(st, 3, out->phone2_kind, sizeof out->phone2_kind);
        out->preferred = sqlite3_column_int(st, 4);
        ctx_col(st, 5, out->call_times, sizeof out->call_times);
        ctx_col(st, 6, out->address, sizeof out->address);
        ctx_col(st, 7, out->city, sizeof out->city);
        ctx_col(st, 8, out->pcp_org, sizeof out->pcp_org);
        ctx_col(st, 9, out->pcp_name, sizeof out->pcp_name);
        out->version = sqlite3_column_int64(st, 10);
    }
    ctx_finalize(st);
    return CC_OK;
}

int reach_get(cc_ctx *ctx, int64_t client_id, client_reach *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_client(ctx, "client.view", client_id, "reach", err) != CC_OK)
        return err->code;
    return reach_read(ctx, client_id, out, err);
}

struct reach_args {
    client_reach *edited, *theirs;
};

/* Insert (version 0: the first save) or update at the version read; no row
 * changed means someone saved first. */
static int reach_write(cc_ctx *ctx, client_reach *r, int64_t pcp_id, int *changed,
                       cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        r->version == 0
            ? "INSERT INTO client_reach (client_id, phone1, phone1_kind, phone2, "
              "phone2_kind, preferred, call_times, address, city, pcp_org_id, pcp_name, "
              "saved_at, saved_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
              "ON CONFLICT (client_id) DO NOTHING"
            : "UPDATE client_reach SET phone1=?2, phone1_kind=?3, phone2=?4, "
              "phone2_kind=?5, preferred=?6, call_times=?7, address=?8, city=?9, "
              "pcp_org_id=?10, pcp_name=?11, saved_at=?12, saved_by=?13, version = "
              "version + 1 WHERE client_id = ?1 AND version = ?14",
        err);
    if (!st)
        return err->code;
    const char *text[] = {r->phone1, r->phone1_kind, r->phone2, r->phone2_kind};
    sqlite3_bind_int64(st, 1, r->client_id);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_text(st, 2 + i, text[i], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, r->preferred);
    sqlite3_bind_text(st, 7, r->call_times, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->city, -1, SQLITE_STATIC);
    if (pcp_id)
        sqlite3_bind_int64(st, 10, pcp_id);
    sqlite3_bind_text(st, 11, r->pcp_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 13, ctx->staff_id);
    if (r->version)
        sqlite3_bind_int64(st, 14, r->version);
    if (ctx_done(ctx, st, "saving contact details", err) != CC_OK)
        return err->code;
    *changed = sqlite3_changes(store_db(ctx->st));
    return CC_OK;
}

static int do_reach_save(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct reach_args *a = arg;
    client_reach *r = a->edited;
    int64_t pcp_id = 0;
    int changed = 0;
    if (guard_client(ctx, "client.write", r->client_id, "reach", err) != CC_OK)
        return err->code;
    if (r->pcp_org[0] && !(pcp_id = org_resolve(ctx, r->pcp_org, err)))
        return err->code;
    if (reach_write(ctx, r, pcp_id, &changed, err) != CC_OK)
        return err->code;
    if (!changed) {
        if (reach_read(ctx, r->client_id, a->theirs, err) != CC_OK)
            return err->code;
        return cc_err_set(err, CC_ECONFLICT,
                          "the contact details were changed by someone else "
                          "(version %lld, yours %lld)",
                          (long long)a->theirs->version, (long long)r->version);
    }
    r->version++;
    return ctx_audit(ctx, "client.reach", "client", r->client_id, "", err);
}

int reach_save(cc_ctx *ctx, client_reach *edited, client_reach *theirs, cc_err *err)
{
    struct reach_args a = {edited, theirs};
    if (reach_validate(edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_reach_save, &a, err);
}

/* ---- caregivers -------------------------------------------------------- */

static int caregiver_validate(const caregiver *c, cc_err *err)
{
    if (!c->name[0])
        return cc_err_set(err, CC_EINPUT, "a caregiver needs a name");
    if (!ctx_in_list(c->relationship, CAREGIVER_RELATIONSHIPS))
        return cc_err_set(err, CC_EINPUT, "relationship must be one of %s",
                          CAREGIVER_RELATIONSHIPS);
    if (c->phone[0] && !reach_phone_valid(c->phone))
        return cc_err_set(err, CC_EINPUT,
                          "the caregiver's phone must be a phone number (7 to 15 "
                          "digits)");
    if (ctx_one_line(c->name, "the name", err) != CC_OK ||
        ctx_one_line(c->language, "the language", err) != CC_OK)
        return err->code;
    return CC_OK;
}

#define CAREGIVER_COLS                                                                 \
    "id, client_id, name, relationship, phone, language, may_contact, legal_rep, "     \
    "active, version"

static void caregiver_row(sqlite3_stmt *st, caregiver *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->client_id = sqlite3_column_int64(st, 1);
    ctx_col(st, 2, c->name, sizeof c->name);
    ctx_col(st, 3, c->relationship, sizeof c->relationship);
    ctx_col(st, 4, c->phone, sizeof c->phone);
    ctx_col(st, 5, c->language, sizeof c->language);
    c->may_contact = sqlite3_column_int(st, 6);
    c->legal_rep = sqlite3_column_int(st, 7);
    c->active = sqlite3_column_int(st, 8);
    c->version = sqlite3_column_int64(st, 9);
}

static int caregiver_read(cc_ctx *ctx, int64_t id, caregiver *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " CAREGIVER_COLS " FROM caregiver WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        caregiver_row(st, out);
    ctx_finalize(st);
    return rc == SQLITE_ROW
               ? CC_OK
               : cc_err_set(err, CC_EINPUT, "no caregiver %lld", (long long)id);
}

int caregiver_get(cc_ctx *ctx, int64_t id, caregiver *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (caregiver_read(ctx, id, out, err) != CC_OK)
        return err->code;
    if (guard_client(ctx, "client.view", out->client_id, "caregiver", err) != CC_OK) {
        memset(out, 0, sizeof *out);
        return err->code;
    }
    return CC_OK;
}

static void bind_caregiver(sqlite3_stmt *st, const caregiver *c, const char *now,
                           int64_t by)
{
    sqlite3_bind_int64(st, 1, c->client_id);
    sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->relationship, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->phone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->language, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, !!c->may_contact);
    sqlite3_bind_int(st, 7, !!c->legal_rep);
    sqlite3_bind_int(st, 8, !!c->active);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, by);
}

static int do_caregiver_add(cc_ctx *ctx, void *arg, cc_err *err)
{
    caregiver *c = arg;
    char now[21];
    if (guard_client(ctx, "client.write", c->client_id, "caregiver", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO caregiver (client_id, name, relationship, phone, language, "
        "may_contact, legal_rep, active, saved_at, saved_by) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        err);
    if (!st)
        return err->code;
    bind_caregiver(st, c, now, ctx->staff_id);
    if (ctx_done(ctx, st, "adding the caregiver", err) != CC_OK)
        return err->code;
    c->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    c->version = 1;
    return ctx_audit(ctx, "caregiver.add", "client", c->client_id, c->relationship,
                     err);
}

int caregiver_add(cc_ctx *ctx, caregiver *c, cc_err *err)
{
    c->active = 1;
    if (caregiver_validate(c, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_caregiver_add, c, err);
}

struct caregiver_args {
    caregiver *edited, *theirs;
};

static int do_caregiver_update(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct caregiver_args *a = arg;
    caregiver *c = a->edited, cur;
    char now[21], details[48];
    if (caregiver_read(ctx, c->id, &cur, err) != CC_OK)
        return err->code;
    c->client_id = cur.client_id; /* a caregiver never moves to another client */
    if (guard_client(ctx, "client.write", c->client_id, "caregiver", err) != CC_OK)
        return err->code;
    if (cur.version != c->version) {
        *a->theirs = cur;
        return cc_err_set(err, CC_ECONFLICT,
                          "the caregiver was changed by someone else (version %lld, "
                          "yours %lld)",
                          (long long)cur.version, (long long)c->version);
    }
    ctx_now(ctx, now);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE caregiver SET name=?2, relationship=?3, phone=?4, "
                    "language=?5, may_contact=?6, legal_rep=?7, active=?8, "
                    "saved_at=?9, saved_by=?10, version = version + 1 WHERE id = ?11",
                    err);
    if (!st)
        return err->code;
    bind_caregiver(st, c, now, ctx->staff_id);
    sqlite3_bind_int64(st, 11, c->id);
    if (ctx_done(ctx, st, "saving the caregiver", err) != CC_OK)
        return err->code;
    c->version++;
    snprintf(details, sizeof details, "caregiver %lld%s", (long long)c->id,
             c->active ? "" : " retired");
    return ctx_audit(ctx, "caregiver.update", "client", c->client_id, details, err);
}

int caregiver_update(cc_ctx *ctx, caregiver *edited, caregiver *theirs, cc_err *err)
{
    struct caregiver_args a = {edited, theirs};
    if (caregiver_validate(edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_caregiver_update, &a, err);
}

int caregiver_list(cc_ctx *ctx, int64_t client_id, caregiver **out, int *n, cc_err *err)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    if (guard_client(ctx, "client.view", client_id, "caregivers", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT " CAREGIVER_COLS " FROM caregiver WHERE "
                                   "client_id = ?1 ORDER BY active DESC, id",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            caregiver *more =
                cc_realloc(*out, (size_t)(cap = cap ? cap * 2 : 4) * sizeof **out);
            if (!more) {
                ctx_finalize(st);
                free(*out);
                *out = NULL;
                *n = 0;
                return cc_err_set(err, CC_EDATA, "out of memory");
            }
            *out = more;
        }
        caregiver_row(st, &(*out)[(*n)++]);
    }
    ctx_finalize(st);
    return CC_OK;
}

void reach_who_to_call(cc_ctx *ctx, int64_t client_id, char *out, size_t outsz)
{
    client_reach r;
    cc_err err = {0};
    size_t len = 0;
    out[0] = '\0';
    if (reach_read(ctx, client_id, &r, &err) == CC_OK && r.version) {
        const char *phone = r.preferred == 2 ? r.phone2 : r.phone1;
        const char *kind = r.preferred == 2 ? r.phone2_kind : r.phone1_kind;
        if (phone[0])
            len = (size_t)snprintf(out, outsz, "call %s (%s%s%s)", phone, kind,
                                   r.call_times[0] ? ", " : "", r.call_times);
    }
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT relationship, name, phone, legal_rep FROM caregiver WHERE client_id = "
        "?1 AND active = 1 AND may_contact = 1 ORDER BY legal_rep DESC, id LIMIT 1",
        &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, client_id);
    if (sqlite3_step(st) == SQLITE_ROW && len < outsz)
        snprintf(out + len, outsz - len, "%s%s %s%s%s%s", len ? "; " : "",
                 sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                 sqlite3_column_int(st, 3) ? " (legal rep)" : "",
                 sqlite3_column_bytes(st, 2) ? " " : "", sqlite3_column_text(st, 2));
    ctx_finalize(st);
}
