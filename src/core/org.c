/*
 * org.c — the organization directory (see org.h): one function per use
 * case, each one transaction, guarded and audited.
 */
#include "org.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/text.h"

static const struct {
    const char *name, *stored;
} kinds[] = {
    {"hospital", "hospital"},
    {"snf", "snf"},
    {"senior-living", "senior-living"},
    {"primary-care", "practice"},
    {"practice", "practice"},
    {"clinic", "clinic"},
    {"payer", "payer-cm"},
    {"payer-cm", "payer-cm"},
    {"agency", "agency"},
    {"hie", "hie"},
    {"ems", "ems"},
    {"other", "other"},
};

const char *org_kinds_text(void)
{
    return "hospital, snf, senior-living, primary-care, clinic, payer, agency, hie, "
           "ems, other";
}

const char *org_kind_of(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].name, kind))
            return kinds[i].stored;
    return NULL;
}

/* Codes are what people type: 1-20 of A-Z 0-9 and '-'. */
static int code_valid(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    return n >= 1 && n <= 20 &&
           strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

static int name_valid(const char *name)
{
    return name && text_content_len(name) && text_is_clean(name) && strlen(name) < 128;
}

/* Why name is not valid, in one line. */
static int name_refused(const char *name, cc_err *err)
{
    if (name && strlen(name) >= 128)
        return cc_err_set(err, CC_EINPUT,
                          "an organization's name is too long (at most 127 bytes)");
    if (name && !text_is_clean(name))
        return cc_err_set(err, CC_EINPUT,
                          "an organization's name has control characters");
    return cc_err_set(err, CC_EINPUT, "an organization needs a name");
}

struct org_args {
    const char *code, *kind, *name;
    int64_t *id;
    int op; /* 0 add, 1 edit, 2 retire, 3 remove */
};

static int find_in(cc_ctx *ctx, const char *code, organization *o, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT id, facility_code, kind, name, active, "
                                   "version FROM organization WHERE facility_code = ?1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o->id = sqlite3_column_int64(st, 0);
        ctx_col(st, 1, o->code, sizeof o->code);
        ctx_col(st, 2, o->kind, sizeof o->kind);
        ctx_col(st, 3, o->name, sizeof o->name);
        o->active = sqlite3_column_int(st, 4);
        o->version = sqlite3_column_int64(st, 5);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT,
                          "no organization with code %s (see carecoord org list)",
                          code ? code : "");
    return rc == SQLITE_ROW ? CC_OK
                            : store_fail(ctx->st, rc, "reading organization", err);
}

static int do_add(cc_ctx *ctx, struct org_args *a, cc_err *err)
{
    organization o;
    cc_err ignore;
    if (find_in(ctx, a->code, &o, &ignore) == CC_OK)
        return cc_err_set(err, CC_EINPUT, "the code %s is taken (%s)", a->code, o.name);
    sqlite3_stmt *st = ctx_prepare(
        ctx, "INSERT INTO organization (kind, name, facility_code) VALUES (?1, ?2, ?3)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, org_kind_of(a->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, a->code, -1, SQLITE_TRANSIENT);
    if (ctx_done(ctx, st, "adding organization", err) != CC_OK)
        return err->code;
    int64_t id = sqlite3_last_insert_rowid(store_db(ctx->st));
    if (a->id)
        *a->id = id;
    char details[200];
    snprintf(details, sizeof details, "%s %s: %s", a->code, org_kind_of(a->kind),
             a->name);
    return ctx_audit(ctx, "org.add", "organization", id, details, err);
}

static int do_edit(cc_ctx *ctx, struct org_args *a, const organization *o, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE organization SET name = coalesce(?1, name), "
                                   "kind = coalesce(?2, kind), version = version + 1 "
                                   "WHERE id = ?3",
                                   err);
    if (!st)
        return err->code;
    ctx_bind_opt(st, 1, a->name);
    ctx_bind_opt(st, 2, a->kind ? org_kind_of(a->kind) : NULL);
    sqlite3_bind_int64(st, 3, o->id);
    if (ctx_done(ctx, st, "changing organization", err) != CC_OK)
        return err->code;
    char details[200];
    snprintf(details, sizeof details, "%s%s%s%s%s", o->code, a->name ? " name: " : "",
             a->name ? a->name : "", a->kind ? " kind: " : "", a->kind ? a->kind : "");
    return ctx_audit(ctx, "org.edit", "organization", o->id, details, err);
}

/* How many records name organization id (consents, referrals, hand-offs,
 * identifiers, clients' settings, programs, encounters, disclosures). */
static int64_t references(cc_ctx *ctx, int64_t id)
{
    return ctx_int(
        ctx,
        "SELECT (SELECT count(*) FROM consent_recipient WHERE organization_id = ?1) + "
        "(SELECT count(*) FROM referral WHERE source_org_id = ?1) + (SELECT count(*) "
        "FROM handoff WHERE to_org_id = ?1) + (SELECT count(*) FROM client_identifier "
        "WHERE facility_id = ?1) + (SELECT count(*) FROM client WHERE setting_org_id = "
        "?1) + (SELECT count(*) FROM program WHERE hospital_id = ?1) + (SELECT "
        "count(*) FROM encounter WHERE facility_id = ?1) + (SELECT count(*) FROM "
        "disclosure WHERE organization_id = ?1) + ?2",
        id, 0);
}

static int do_state(cc_ctx *ctx, struct org_args *a, const organization *o, cc_err *err)
{
    sqlite3_stmt *st;
    if (a->op == 3) {
        int64_t n = references(ctx, o->id);
        if (n)
            return cc_err_set(err, CC_EINPUT,
                              "%s is named by %lld records: it cannot be deleted; "
                              "retire it instead (carecoord org retire %s)",
                              o->code, (long long)n, o->code);
        st = ctx_prepare(ctx, "DELETE FROM organization WHERE id = ?1", err);
    } else {
        if (!o->active)
            return cc_err_set(err, CC_EINPUT, "%s is already retired", o->code);
        st = ctx_prepare(ctx,
                         "UPDATE organization SET active = 0, version = version + 1 "
                         "WHERE id = ?1",
                         err);
    }
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, o->id);
    if (ctx_done(ctx, st, "changing organization", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, a->op == 3 ? "org.remove" : "org.retire", "organization",
                     o->id, o->code, err);
}

static int do_org(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct org_args *a = arg;
    organization o;
    if (guard_action(ctx, "org.manage", err) != CC_OK)
        return err->code;
    if (a->op == 0)
        return do_add(ctx, a, err);
    if (find_in(ctx, a->code, &o, err) != CC_OK)
        return err->code;
    return a->op == 1 ? do_edit(ctx, a, &o, err) : do_state(ctx, a, &o, err);
}

int org_add(cc_ctx *ctx, const char *code, const char *kind, const char *name,
            int64_t *id, cc_err *err)
{
    struct org_args a = {code, kind, name, id, 0};
    if (!code_valid(code))
        return cc_err_set(err, CC_EINPUT,
                          "an organization code is 1-20 of A-Z 0-9 and '-' (e.g. "
                          "SNF-WC)");
    if (!org_kind_of(kind))
        return cc_err_set(err, CC_EINPUT, "unknown organization kind '%s' (kinds: %s)",
                          kind ? kind : "", org_kinds_text());
    if (!name_valid(name))
        return name_refused(name, err);
    return ctx_txn(ctx, do_org, &a, err);
}

int org_edit(cc_ctx *ctx, const char *code, const char *name, const char *kind,
             cc_err *err)
{
    struct org_args a = {code, kind, name, NULL, 1};
    if (!name && !kind)
        return cc_err_set(err, CC_EUSAGE, "nothing to change: give --name or --kind");
    if (kind && !org_kind_of(kind))
        return cc_err_set(err, CC_EINPUT, "unknown organization kind '%s' (kinds: %s)",
                          kind, org_kinds_text());
    if (name && !name_valid(name))
        return name_refused(name, err);
    return ctx_txn(ctx, do_org, &a, err);
}

int org_retire(cc_ctx *ctx, const char *code, cc_err *err)
{
    struct org_args a = {code, NULL, NULL, NULL, 2};
    return ctx_txn(ctx, do_org, &a, err);
}

int org_remove(cc_ctx *ctx, const char *code, cc_err *err)
{
    struct org_args a = {code, NULL, NULL, NULL, 3};
    return ctx_txn(ctx, do_org, &a, err);
}

int org_find(cc_ctx *ctx, const char *code, organization *out, cc_err *err)
{
    if (guard_actor(ctx, err) != CC_OK)
        return err->code;
    return find_in(ctx, code, out, err);
}

int64_t org_resolve(cc_ctx *ctx, const char *code, cc_err *err)
{
    organization o;
    if (org_find(ctx, code, &o, err) != CC_OK)
        return 0;
    if (!o.active) {
        cc_err_set(err, CC_EINPUT, "%s (%s) is retired: choose another organization",
                   o.code, o.name);
        return 0;
    }
    return o.id;
}

int org_list(cc_ctx *ctx, const char *kind, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "org.view", err) != CC_OK)
        return err->code;
    if (kind && *kind && !org_kind_of(kind))
        return cc_err_set(err, CC_EINPUT, "unknown organization kind '%s' (kinds: %s)",
                          kind, org_kinds_text());
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT facility_code AS code, kind, name, CASE active WHEN 1 THEN 'active' "
        "ELSE 'retired' END AS state FROM organization WHERE ?1 = '' OR kind = ?1 "
        "ORDER BY active DESC, kind, facility_code",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, kind && *kind ? org_kind_of(kind) : "", -1, SQLITE_STATIC);
    return table_from_stmt(ctx, st, out, err);
}
