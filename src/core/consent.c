/*
 * consent.c — recording, revoking and checking consents. Nothing about a
 * consent's state is stored: it is computed from its dates each time.
 */
#include "consent.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/clock.h"
#include "util/text.h"

enum consent_state consent_state(const consent *c, const char *today)
{
    char soon[11];
    if (!strcmp(c->decision, "declined"))
        return CONSENT_DECLINED;
    if (c->revoked_date[0] && strcmp(c->revoked_date, today) <= 0)
        return CONSENT_REVOKED;
    if (c->expires_date[0] && strcmp(c->expires_date, today) < 0)
        return CONSENT_EXPIRED;
    clock_date_add(today, CONSENT_EXPIRING_DAYS, soon);
    if (c->expires_date[0] && strcmp(c->expires_date, soon) <= 0)
        return CONSENT_EXPIRING;
    return CONSENT_ACTIVE;
}

const char *consent_state_name(enum consent_state s)
{
    static const char *const names[] = {"active", "expiring", "expired", "revoked",
                                        "declined"};
    return names[s];
}

static int is_date(const char *s)
{
    int64_t d;
    return clock_parse_date(s, &d) == 0;
}

static int validate(const consent *c, cc_err *err)
{
    int release = !strcmp(c->kind, "release");
    if (!release && strcmp(c->kind, "participation"))
        return cc_err_set(err, CC_EINPUT,
                          "consent kind must be participation or release");
    if (strcmp(c->decision, "granted") && (release || strcmp(c->decision, "declined")))
        return cc_err_set(err, CC_EINPUT, "a %s consent can only be granted%s", c->kind,
                          release ? "" : " or declined");
    if (!strcmp(c->decision, "declined") && !c->decline_reason[0])
        return cc_err_set(err, CC_EINPUT, "a decline needs a reason");
    if (!is_date(c->signed_date))
        return cc_err_set(err, CC_EINPUT, "signed date must be YYYY-MM-DD");
    if (c->expires_date[0] &&
        (!is_date(c->expires_date) || strcmp(c->expires_date, c->signed_date) < 0))
        return cc_err_set(err, CC_EINPUT, "expiry must be a date on or after signing");
    if (release && c->nrecipients < 1)
        return cc_err_set(err, CC_EINPUT,
                          "a release consent names at least one recipient");
    if (!release && (c->nrecipients || c->substance_use))
        return cc_err_set(err, CC_EINPUT, "participation consent names no recipients");
    if (!text_is_clean(c->purpose) || !text_is_clean(c->information) ||
        !text_is_clean(c->witness) || !text_is_clean(c->decline_reason) ||
        !text_is_clean(c->expires_event))
        return cc_err_set(err, CC_EINPUT, "consent text has control characters");
    return CC_OK;
}

static int add_recipients(cc_ctx *ctx, const consent *c, cc_err *err)
{
    for (int i = 0; i < c->nrecipients; i++) {
        sqlite3_stmt *st = ctx_prepare(ctx,
                                       "INSERT INTO consent_recipient (consent_id, "
                                       "organization_id) VALUES (?1, ?2)",
                                       err);
        if (!st)
            return err->code;
        sqlite3_bind_int64(st, 1, c->id);
        sqlite3_bind_int64(st, 2, c->recipients[i]);
        if (ctx_done(ctx, st, "recording consent recipients", err) != CC_OK)
            return cc_err_set(err, CC_EINPUT, "unknown or repeated recipient %lld",
                              (long long)c->recipients[i]);
    }
    return CC_OK;
}

static int insert_consent(cc_ctx *ctx, consent *c, cc_err *err)
{
    char now[21];
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO consent (client_id, kind, decision, decline_reason, purpose, "
        "information, substance_use, signed_date, recorded_by, witness, expires_date, "
        "expires_event, created_at, signed_by_rep) VALUES "
        "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
        err);
    if (!st)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_bind_int64(st, 1, c->client_id);
    sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->decision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->decline_reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->information, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, c->substance_use);
    sqlite3_bind_text(st, 8, c->signed_date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, ctx->staff_id);
    sqlite3_bind_text(st, 10, c->witness, -1, SQLITE_STATIC);
    ctx_bind_opt(st, 11, c->expires_date);
    sqlite3_bind_text(st, 12, c->expires_event, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
    if (c->signed_by_rep)
        sqlite3_bind_int64(st, 14, c->signed_by_rep);
    if (ctx_done(ctx, st, "recording consent", err) != CC_OK)
        return err->code;
    c->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    c->recorded_by = ctx->staff_id;
    c->version = 1;
    if (add_recipients(ctx, c, err) != CC_OK)
        return err->code;
    char details[64];
    snprintf(details, sizeof details, "%s %s client:%lld", c->kind, c->decision,
             (long long)c->client_id);
    return ctx_audit(ctx, "consent.record", "consent", c->id, details, err);
}

/* A consent signed for the client names one of the client's active
 * caregivers who is a legal representative. */
static int signer_ok(cc_ctx *ctx, const consent *c, cc_err *err)
{
    if (!c->signed_by_rep)
        return CC_OK;
    if (!ctx_int(ctx,
                 "SELECT count(*) FROM caregiver WHERE id = ?1 AND client_id = ?2 AND "
                 "active = 1 AND legal_rep = 1",
                 c->signed_by_rep, c->client_id))
        return cc_err_set(err, CC_EINPUT,
                          "caregiver %lld is not this client's legal representative",
                          (long long)c->signed_by_rep);
    return CC_OK;
}

/* One decision, one transaction: the consent, and for participation the
 * open referral's move to consented or declined. */
static int do_record(cc_ctx *ctx, void *arg, cc_err *err)
{
    consent *c = arg;
    memset(&c->referral, 0, sizeof c->referral);
    if (guard_client(ctx, "client.write", c->client_id, "consent", err) != CC_OK ||
        signer_ok(ctx, c, err) != CC_OK || insert_consent(ctx, c, err) != CC_OK)
        return err->code;
    if (strcmp(c->kind, "participation") != 0)
        return CC_OK;
    return referral_after_consent_in(ctx, c->client_id,
                                     !strcmp(c->decision, "declined"),
                                     c->decline_reason, &c->referral, err);
}

int consent_record(cc_ctx *ctx, consent *c, cc_err *err)
{
    char today[11];
    if (validate(c, err) != CC_OK)
        return err->code;
    ctx_today(ctx, today);
    if (strcmp(c->signed_date, today) > 0)
        return cc_err_set(err, CC_EINPUT,
                          "a consent cannot be signed in the future (%s)",
                          c->signed_date);
    return ctx_txn(ctx, do_record, c, err);
}

static int load_recipients(cc_ctx *ctx, consent *c, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT organization_id FROM consent_recipient WHERE "
                    "consent_id = ?1 ORDER BY organization_id",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, c->id);
    c->nrecipients = 0;
    while (sqlite3_step(st) == SQLITE_ROW && c->nrecipients < CONSENT_MAX_RECIPIENTS)
        c->recipients[c->nrecipients++] = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return CC_OK;
}

#define CONSENT_COLS                                                                   \
    "id, client_id, kind, decision, decline_reason, purpose, information, "            \
    "substance_use, signed_date, recorded_by, witness, coalesce(expires_date, ''), "   \
    "expires_event, coalesce(revoked_date, ''), revoke_reason, version, "              \
    "coalesce(signed_by_rep, 0)"

static void row_to_consent(sqlite3_stmt *st, consent *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->client_id = sqlite3_column_int64(st, 1);
    ctx_col(st, 2, c->kind, sizeof c->kind);
    ctx_col(st, 3, c->decision, sizeof c->decision);
    ctx_col(st, 4, c->decline_reason, sizeof c->decline_reason);
    ctx_col(st, 5, c->purpose, sizeof c->purpose);
    ctx_col(st, 6, c->information, sizeof c->information);
    c->substance_use = sqlite3_column_int(st, 7);
    ctx_col(st, 8, c->signed_date, sizeof c->signed_date);
    c->recorded_by = sqlite3_column_int64(st, 9);
    ctx_col(st, 10, c->witness, sizeof c->witness);
    ctx_col(st, 11, c->expires_date, sizeof c->expires_date);
    ctx_col(st, 12, c->expires_event, sizeof c->expires_event);
    ctx_col(st, 13, c->revoked_date, sizeof c->revoked_date);
    ctx_col(st, 14, c->revoke_reason, sizeof c->revoke_reason);
    c->version = sqlite3_column_int64(st, 15);
    c->signed_by_rep = sqlite3_column_int64(st, 16);
}

int consent_get(cc_ctx *ctx, int64_t id, consent *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " CONSENT_COLS " FROM consent WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_consent(st, out);
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no consent %lld", (long long)id);
    if (rc != SQLITE_ROW)
        return store_fail(ctx->st, rc, "reading consent", err);
    return load_recipients(ctx, out, err);
}

struct revoke_args {
    int64_t id;
    const char *date, *reason;
};

static int do_revoke(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct revoke_args *a = arg;
    consent c;
    if (consent_get(ctx, a->id, &c, err) != CC_OK ||
        guard_client(ctx, "client.write", c.client_id, "consent", err) != CC_OK)
        return err->code;
    if (c.revoked_date[0])
        return cc_err_set(err, CC_EINPUT, "consent %lld was revoked on %s",
                          (long long)a->id, c.revoked_date);
    if (!strcmp(c.decision, "declined"))
        return cc_err_set(err, CC_EINPUT, "a decline cannot be revoked");
    if (strcmp(a->date, c.signed_date) < 0)
        return cc_err_set(err, CC_EINPUT, "revocation cannot precede signing (%s)",
                          c.signed_date);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE consent SET revoked_date = ?1, revoke_reason = "
                    "?2, revoked_by = ?3, version = version + 1 WHERE id = ?4",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, a->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    sqlite3_bind_int64(st, 4, a->id);
    if (ctx_done(ctx, st, "revoking consent", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "consent.revoke", "consent", a->id, a->date, err);
}

int consent_revoke(cc_ctx *ctx, int64_t id, const char *date, const char *reason,
                   cc_err *err)
{
    struct revoke_args a = {id, date, reason};
    if (!is_date(date))
        return cc_err_set(err, CC_EINPUT, "revocation date must be YYYY-MM-DD");
    if (!reason || !*reason || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "a revocation needs a reason");
    if (ctx_text_ok(reason, "the reason", sizeof((consent *)0)->revoke_reason - 1, 0,
                    err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_revoke, &a, err);
}

struct narrow_args {
    struct revoke_args revoke;
    int64_t org_id, *new_id;
};

/* Revoke the release, then record it again as it was (signed when it was)
 * without the one recipient, if any are left. */
static int do_narrow(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct narrow_args *a = arg;
    consent c;
    int at = -1;
    *a->new_id = 0;
    if (consent_get(ctx, a->revoke.id, &c, err) != CC_OK)
        return err->code;
    for (int i = 0; i < c.nrecipients; i++)
        if (c.recipients[i] == a->org_id)
            at = i;
    if (strcmp(c.kind, "release") != 0 || at < 0)
        return cc_err_set(err, CC_EINPUT, "consent %lld is not a release naming it",
                          (long long)c.id);
    if (do_revoke(ctx, &a->revoke, err) != CC_OK)
        return err->code;
    c.recipients[at] = c.recipients[--c.nrecipients];
    if (!c.nrecipients)
        return CC_OK;
    c.id = 0;
    if (insert_consent(ctx, &c, err) != CC_OK)
        return err->code;
    *a->new_id = c.id;
    return CC_OK;
}

int consent_revoke_recipient(cc_ctx *ctx, int64_t id, int64_t org_id, const char *date,
                             const char *reason, int64_t *new_id, cc_err *err)
{
    struct narrow_args a = {{id, date, reason}, org_id, new_id};
    *new_id = 0;
    if (!is_date(date))
        return cc_err_set(err, CC_EINPUT, "revocation date must be YYYY-MM-DD");
    if (!reason || !*reason || !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "a revocation needs a reason");
    if (ctx_text_ok(reason, "the reason", sizeof((consent *)0)->revoke_reason - 1, 0,
                    err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_narrow, &a, err);
}

int consent_participation_check(cc_ctx *ctx, int64_t client_id, int *active,
                                cc_err *err)
{
    consent c;
    char today[11];
    *active = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " CONSENT_COLS " FROM consent WHERE client_id = "
                    "?1 AND kind = 'participation' ORDER BY signed_date "
                    "DESC, id DESC LIMIT 1",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_consent(st, &c);
    ctx_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "reading participation consent", err);
    ctx_today(ctx, today);
    *active = rc == SQLITE_ROW && consent_state(&c, today) <= CONSENT_EXPIRING;
    return CC_OK;
}

/* "Name (CODE)" of an organization, for messages. */
static void organization_label(cc_ctx *ctx, int64_t id, char *out, size_t n)
{
    cc_err err;
    snprintf(out, n, "organization %lld", (long long)id);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT name || coalesce(' (' || facility_code || ')', '') "
                    "FROM organization WHERE id = ?1",
                    &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, out, n);
    ctx_finalize(st);
}

int consent_covers(cc_ctx *ctx, int64_t client_id, int64_t org_id, int substance_use,
                   cc_err *err)
{
    char today[11];
    int named = 0, named_su = 0;
    consent c;
    ctx_today(ctx, today);
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT " CONSENT_COLS " FROM consent c WHERE client_id "
                    "= ?1 AND kind = 'release' AND EXISTS (SELECT 1 FROM "
                    "consent_recipient r WHERE r.consent_id = c.id AND "
                    "r.organization_id = ?2)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, org_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        row_to_consent(st, &c);
        if (consent_state(&c, today) > CONSENT_EXPIRING)
            continue;
        named = 1;
        named_su |= c.substance_use;
    }
    ctx_finalize(st);
    char org[128];
    organization_label(ctx, org_id, org, sizeof org);
    if (!named)
        return cc_err_set(
            err, CC_EREFUSED,
            "missing consent: no active release-of-information consent names "
            "%s",
            org);
    if (substance_use && !named_su)
        return cc_err_set(err, CC_EREFUSED,
                          "missing consent: substance-use information needs a consent "
                          "naming %s for it",
                          org);
    return CC_OK;
}

int consent_list(cc_ctx *ctx, int64_t client_id, int64_t *ids, int max, cc_err *err)
{
    int n = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id FROM consent WHERE client_id = ?1 ORDER BY "
                    "signed_date DESC, id DESC",
                    err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, client_id);
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return n;
}
