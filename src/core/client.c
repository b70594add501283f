/*
 * client.c — creating, reading and editing clients, with intake checks.
 *
 * Possible duplicates: the same date of birth and a family name within two
 * edits with the same given-name initial, or the names swapped (a record
 * merged into another is no longer one: merge.h). Edits carry
 * the version they were read at; a stale one is a conflict, never a silent
 * overwrite.
 */
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "scope.h"
#include "util/clock.h"
#include "util/text.h"

static const char *const payers[] = {
    "medicare", "dual", "medicaid", "commercial", "uninsured-ineligible", NULL};
static const char *const settings[] = {"home", "senior-living", "snf", NULL};

static int in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (!strcmp(s, *set))
            return 1;
    return 0;
}

static int valid_name(const char *s)
{
    return s[0] && text_is_clean(s) && strlen(s) < 64;
}

int client_validate(const client *c, cc_err *err)
{
    int64_t d;
    if (!valid_name(c->family_name))
        return cc_err_set(err, CC_EINPUT,
                          "family name is empty, too long or has control characters");
    if (!valid_name(c->given_name))
        return cc_err_set(err, CC_EINPUT,
                          "given name is empty, too long or has control characters");
    if (clock_parse_date(c->dob, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "date of birth must be YYYY-MM-DD");
    if (strlen(c->zip) != 5 || strspn(c->zip, "0123456789") != 5)
        return cc_err_set(err, CC_EINPUT, "ZIP code must be 5 digits");
    if (!in_set(c->payer, payers))
        return cc_err_set(err, CC_EINPUT,
                          "payer must be medicare, dual, medicaid, commercial or "
                          "uninsured-ineligible");
    if (!in_set(c->setting, settings))
        return cc_err_set(err, CC_EINPUT, "setting must be home, senior-living or snf");
    if (c->interpreter != 0 && c->interpreter != 1)
        return cc_err_set(err, CC_EINPUT, "interpreter must be yes or no");
    if (c->tier < 0 || c->tier > 2)
        return cc_err_set(err, CC_EINPUT, "tier must be 1, 2 or none");
    if (!c->language[0] || !text_is_clean(c->language))
        return cc_err_set(err, CC_EINPUT,
                          "language is empty or has control characters");
    return CC_OK;
}

/* ---- names ------------------------------------------------------------- */

/* Fold one UTF-8 Latin-1 letter (U+00C0..U+00FF) to ASCII, or 0. */
static char fold_latin1(unsigned cp)
{
    static const char map[] =
        "AAAAAAACEEEEIIIIDNOOOOO*OUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp < 0xC0 || cp > 0xFF)
        return 0;
    char ch = map[cp - 0xC0];
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ? ch : 0;
}

static size_t key_of(const char *s, char *out, size_t n, size_t o)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 1 < n) {
        char ch = 0;
        if (p[0] < 0x80) {
            ch = (char)*p++;
        } else if ((p[0] & 0xE0) == 0xC0 && p[1]) {
            ch = fold_latin1((unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F));
            p += 2;
        } else {
            p++;
            continue;
        }
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch >= 'a' && ch <= 'z')
            out[o++] = ch;
    }
    out[o] = '\0';
    return o;
}

void client_name_key(const char *family, const char *given, char *out, size_t outsz)
{
    size_t o = key_of(family, out, outsz, 0);
    if (o + 1 < outsz)
        out[o++] = ' ';
    key_of(given, out, outsz, o);
}

/* Levenshtein distance, capped: returns > cap as soon as it must be. */
static int edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    int row[65];
    if (la > 64 || lb > 64)
        return cap + 1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0], best;
        row[0] = (int)i;
        best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j], sub = prev + (a[i - 1] != b[j - 1]);
            int v = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
            row[j] = v < sub ? v : sub;
            prev = cur;
            best = row[j] < best ? row[j] : best;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

static int similar(const client *a, const char *fam, const char *giv)
{
    char fa[64], ga[64];
    key_of(a->family_name, fa, sizeof fa, 0);
    key_of(a->given_name, ga, sizeof ga, 0);
    if (edit_distance(fa, fam, 2) <= 2 && ga[0] && ga[0] == giv[0])
        return 1;
    return !strcmp(fa, giv) && !strcmp(ga, fam); /* names swapped */
}

/* ---- reading ----------------------------------------------------------- */

#define CLIENT_COLS                                                                    \
    "id, family_name, given_name, dob, zip, payer, language, interpreter, setting, "   \
    "coalesce(setting_org_id, 0), coalesce(tier, 0), coalesce(owner_id, 0), "          \
    "coalesce(program_id, 0), version, coalesce(merged_into, 0)"

static void row_to_client(sqlite3_stmt *st, client *c)
{
    c->id = sqlite3_column_int64(st, 0);
    ctx_col(st, 1, c->family_name, sizeof c->family_name);
    ctx_col(st, 2, c->given_name, sizeof c->given_name);
    ctx_col(st, 3, c->dob, sizeof c->dob);
    ctx_col(st, 4, c->zip, sizeof c->zip);
    ctx_col(st, 5, c->payer, sizeof c->payer);
    ctx_col(st, 6, c->language, sizeof c->language);
    c->interpreter = sqlite3_column_int(st, 7);
    ctx_col(st, 8, c->setting, sizeof c->setting);
    c->setting_org_id = sqlite3_column_int64(st, 9);
    c->tier = sqlite3_column_int(st, 10);
    c->owner_id = sqlite3_column_int64(st, 11);
    c->program_id = sqlite3_column_int64(st, 12);
    c->version = sqlite3_column_int64(st, 13);
    c->merged_into = sqlite3_column_int64(st, 14);
}

int client_get(cc_ctx *ctx, int64_t id, client *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " CLIENT_COLS " FROM client WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_client(st, out);
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no client %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading client", err);
}

struct view_args {
    int64_t id;
    const char *part;
    client *out;
};

static int do_view(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct view_args *a = arg;
    if (guard_client(ctx, "client.view", a->id, a->part, err) != CC_OK ||
        client_get(ctx, a->id, a->out, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "client.view", "client", a->id, a->part, err);
}

int client_view(cc_ctx *ctx, int64_t id, const char *part, client *out, cc_err *err)
{
    struct view_args a = {id, part, out};
    return ctx_txn(ctx, do_view, &a, err);
}

/* ---- intake ------------------------------------------------------------ */

static int find_dups(cc_ctx *ctx, const client *c, client_intake *out, cc_err *err)
{
    char fam[64], giv[64];
    client other;
    key_of(c->family_name, fam, sizeof fam, 0);
    key_of(c->given_name, giv, sizeof giv, 0);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT " CLIENT_COLS " FROM client WHERE dob = ?1 "
                                   "AND id <> ?2 AND merged_into IS NULL ORDER BY id",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, c->dob, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->ndups < CLIENT_MAX_DUPS) {
        row_to_client(st, &other);
        if (similar(&other, fam, giv))
            out->dup_ids[out->ndups++] = other.id;
    }
    ctx_finalize(st);
    return store_step_ok(ctx->st, rc, "intake", err);
}

static int zip_outside(cc_ctx *ctx, const char *zip, int *outside, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT 1 FROM service_zip WHERE zip = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, zip, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *outside = rc != SQLITE_ROW;
    ctx_finalize(st); /* a failed read is the store's trouble, not the ZIP's */
    return store_step_ok(ctx->st, rc, "checking the ZIP code", err);
}

int client_check_intake(cc_ctx *ctx, const client *c, client_intake *out, cc_err *err)
{
    char today[11];
    memset(out, 0, sizeof *out);
    if (client_validate(c, err) != CC_OK ||
        zip_outside(ctx, c->zip, &out->zip_outside, err))
        return err->code;
    ctx_today(ctx, today);
    if (strcmp(c->dob, today) > 0)
        return cc_err_set(err, CC_EINPUT, "date of birth %s is in the future", c->dob);
    return find_dups(ctx, c, out, err);
}

/* ---- writing ----------------------------------------------------------- */

/* Bind c's fields as ?1..?11; the first failure (out of memory copying a
 * text) or SQLITE_OK, so that a lost value is never saved as NULL. */
static int bind_fields(sqlite3_stmt *st, const client *c)
{
    char key[160];
    const char *text[] = {c->family_name, c->given_name, key,        c->dob,
                          c->zip,         c->payer,      c->language};
    int rc = SQLITE_OK;
    client_name_key(c->family_name, c->given_name, key, sizeof key);
    for (int i = 0; i < 7 && rc == SQLITE_OK; i++)
        rc = sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 8, c->interpreter);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 9, c->setting, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK && c->setting_org_id)
        rc = sqlite3_bind_int64(st, 10, c->setting_org_id);
    if (rc == SQLITE_OK && c->tier)
        rc = sqlite3_bind_int(st, 11, c->tier);
    return rc;
}

/* bind_fields, or the statement given back and err set saying what. */
static int bind_client(cc_ctx *ctx, sqlite3_stmt *st, const client *c, const char *what,
                       cc_err *err)
{
    int rc = bind_fields(st, c);
    if (rc == SQLITE_OK)
        return CC_OK;
    ctx_finalize(st);
    return store_fail(ctx->st, rc, what, err);
}

struct create_args {
    client *c;
    int flags;
    client_intake *intake;
};

static int intake_refusal(const client *c, const client_intake *in, int flags,
                          cc_err *err)
{
    if (in->zip_outside && !(flags & CLIENT_ALLOW_OUTSIDE_ZIP))
        return cc_err_set(err, CC_EINPUT, "ZIP %s is outside the service area", c->zip);
    if (in->ndups && !(flags & CLIENT_ACCEPT_DUPLICATE))
        return cc_err_set(
            err, CC_EINPUT,
            "possible duplicate of client %lld (same date of birth, similar "
            "name)",
            (long long)in->dup_ids[0]);
    return CC_OK;
}

int client_create_in(cc_ctx *ctx, client *c, int flags, client_intake *intake,
                     cc_err *err)
{
    struct create_args ca = {c, flags, intake}, *a = &ca;
    char now[21];
    c->id = 0;
    if (client_check_intake(ctx, a->c, a->intake, err) != CC_OK ||
        intake_refusal(a->c, a->intake, a->flags, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO client (family_name, given_name, name_key, dob, zip, payer, "
        "language, interpreter, setting, setting_org_id, tier, created_at) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        err);
    if (!st)
        return err->code;
    if (bind_client(ctx, st, a->c, "creating client", err) != CC_OK)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_bind_text(st, 12, now, -1, SQLITE_TRANSIENT);
    if (ctx_done(ctx, st, "creating client", err) != CC_OK)
        return err->code;
    a->c->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    a->c->version = 1;
    return ctx_audit(ctx, "client.create", "client", a->c->id,
                     a->intake->ndups ? "duplicate confirmed" : "", err);
}

static int do_create(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct create_args *a = arg;
    if (guard_client(ctx, "client.write", 0, NULL, err) != CC_OK)
        return err->code;
    return client_create_in(ctx, a->c, a->flags, a->intake, err);
}

int client_create(cc_ctx *ctx, client *c, int flags, client_intake *intake, cc_err *err)
{
    client_intake local;
    struct create_args a = {c, flags, intake ? intake : &local};
    c->id = 0;
    return ctx_txn(ctx, do_create, &a, err);
}

struct update_args {
    client *edited, *theirs;
};

static int do_update(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct update_args *a = arg;
    if (guard_client(ctx, "client.write", a->edited->id, "edit", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "UPDATE client SET family_name=?1, given_name=?2, name_key=?3, dob=?4, zip=?5, "
        "payer=?6, language=?7, interpreter=?8, setting=?9, setting_org_id=?10, "
        "tier=?11, version = version + 1 WHERE id = ?12 AND version = ?13",
        err);
    if (!st)
        return err->code;
    if (bind_client(ctx, st, a->edited, "saving client", err) != CC_OK)
        return err->code;
    sqlite3_bind_int64(st, 12, a->edited->id);
    sqlite3_bind_int64(st, 13, a->edited->version);
    if (ctx_done(ctx, st, "saving client", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0) {
        if (client_get(ctx, a->edited->id, a->theirs, err) != CC_OK)
            return err->code;
        return cc_err_set(
            err, CC_ECONFLICT,
            "client %lld was changed by someone else (version %lld, yours "
            "%lld)",
            (long long)a->edited->id, (long long)a->theirs->version,
            (long long)a->edited->version);
    }
    a->edited->version++;
    return ctx_audit(ctx, "client.update", "client", a->edited->id, "", err);
}

int client_update(cc_ctx *ctx, client *edited, client *theirs, cc_err *err)
{
    struct update_args a = {edited, theirs};
    if (client_validate(edited, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_update, &a, err);
}

struct ident_args {
    int64_t client_id;
    const char *code, *value;
};

static int do_identifier(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct ident_args *a = arg;
    client c;
    if (guard_client(ctx, "client.write", a->client_id, "identifier", err) != CC_OK ||
        client_get(ctx, a->client_id, &c, err) != CC_OK)
        return err->code;
    if (client_by_identifier(ctx, a->code, a->value) == a->client_id)
        return cc_err_set(err, CC_EINPUT, "client %lld already has %s at %s",
                          (long long)a->client_id, a->value, a->code);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO client_identifier (client_id, facility_id, "
                    "value) SELECT ?1, id, ?3 FROM organization WHERE "
                    "facility_code = ?2",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_text(st, 2, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    ctx_finalize(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return cc_err_set(err, CC_EINPUT,
                          "identifier %s at %s belongs to another client", a->value,
                          a->code);
    if (rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "adding identifier", err);
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "no facility with code %s", a->code);
    return ctx_audit(ctx, "client.identifier", "client", a->client_id, a->code, err);
}

int client_add_identifier(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                          const char *value, cc_err *err)
{
    struct ident_args a = {client_id, facility_code, value};
    if (!value[0] || !text_is_clean(value) || strlen(value) > 64)
        return cc_err_set(err, CC_EINPUT, "identifier is empty, too long or unclean");
    return ctx_txn(ctx, do_identifier, &a, err);
}

int client_add_identifier_in(cc_ctx *ctx, int64_t client_id, const char *facility_code,
                             const char *value, cc_err *err)
{
    struct ident_args a = {client_id, facility_code, value};
    if (!value[0] || !text_is_clean(value) || strlen(value) > 64)
        return cc_err_set(err, CC_EINPUT, "identifier is empty, too long or unclean");
    return do_identifier(ctx, &a, err);
}

int64_t client_by_identifier(cc_ctx *ctx, const char *facility_code, const char *value)
{
    cc_err err;
    int64_t id = 0;
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT ci.client_id FROM client_identifier ci JOIN "
                                   "organization o ON o.id = ci.facility_id WHERE "
                                   "o.facility_code = ?1 AND ci.value = ?2",
                                   &err);
    if (!st)
        return 0;
    sqlite3_bind_text(st, 1, facility_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

int client_age_on(const client *c, const char *date)
{
    int y1, m1, d1, y2, m2, d2;
    int64_t tmp;
    if (clock_parse_date(c->dob, &tmp) || clock_parse_date(date, &tmp) ||
        sscanf(c->dob, "%d-%d-%d", &y1, &m1, &d1) != 3 ||
        sscanf(date, "%d-%d-%d", &y2, &m2, &d2) != 3)
        return -1;
    return y2 - y1 - (m2 < m1 || (m2 == m1 && d2 < d1));
}

int client_assign_in(cc_ctx *ctx, int64_t client_id, int64_t staff_id,
                     int64_t program_id, cc_err *err)
{
    char details[64];
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE client SET owner_id = ?1, program_id = ?2, "
                                   "version = version + 1 WHERE id = ?3",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, staff_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_int64(st, 3, client_id);
    if (ctx_done(ctx, st, "assigning client", err) != CC_OK)
        return err->code;
    if (sqlite3_changes(store_db(ctx->st)) == 0)
        return cc_err_set(err, CC_EINPUT, "no client %lld", (long long)client_id);
    snprintf(details, sizeof details, "owner staff:%lld program:%lld",
             (long long)staff_id, (long long)program_id);
    return ctx_audit(ctx, "client.assign", "client", client_id, details, err);
}

struct assign_args {
    int64_t client_id, staff_id, program_id;
};

static int do_assign(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct assign_args *a = arg;
    if (guard_client(ctx, "caseload.assign", a->client_id, "assign", err) != CC_OK)
        return err->code;
    return client_assign_in(ctx, a->client_id, a->staff_id, a->program_id, err);
}

int client_assign(cc_ctx *ctx, int64_t client_id, int64_t staff_id, int64_t program_id,
                  cc_err *err)
{
    struct assign_args a = {client_id, staff_id, program_id};
    return ctx_txn(ctx, do_assign, &a, err);
}
