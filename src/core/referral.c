/*
 * referral.c — the referral workflow as a table of allowed transitions.
 */
#include "referral.h"

#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "util/clock.h"
#include "util/text.h"

static const char *const sources[] = {"resident-counselor",
                                      "ems",
                                      "pcp",
                                      "discharge-planner",
                                      "snf",
                                      "payer",
                                      "self",
                                      "other"};

/* from -> the statuses that may follow it (space-separated). */
static const struct {
    const char *from, *to;
} workflow[] = {
    {"received", "contacted unreachable ineligible"},
    {"contacted", "consented declined unreachable ineligible"},
    {"consented", "assessed"},
    {"assessed", "enrolled monitoring closed"},
    {"declined", ""},
    {"unreachable", ""},
    {"ineligible", ""},
    {"enrolled", ""},
    {"monitoring", ""},
    {"closed", ""},
};

int referral_source_valid(const char *source)
{
    for (size_t i = 0; i < sizeof sources / sizeof *sources; i++)
        if (!strcmp(source, sources[i]))
            return 1;
    return 0;
}

static const char *next_of(const char *from)
{
    for (size_t i = 0; i < sizeof workflow / sizeof *workflow; i++)
        if (!strcmp(workflow[i].from, from))
            return workflow[i].to;
    return NULL;
}

static int word_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

int referral_can(const char *from, const char *to)
{
    const char *next = next_of(from);
    return next && next_of(to) && word_in(to, next);
}

int referral_terminal(const char *status)
{
    const char *next = next_of(status);
    return next && !*next;
}

#define REFERRAL_COLS                                                                  \
    "id, client_id, program_id, source_type, coalesce(source_org_id, 0), "             \
    "source_person, criteria, received_date, status, status_at, reason, version, "     \
    "readmit_risk"

static void row_to_referral(sqlite3_stmt *st, referral *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->client_id = sqlite3_column_int64(st, 1);
    r->program_id = sqlite3_column_int64(st, 2);
    ctx_col(st, 3, r->source_type, sizeof r->source_type);
    r->source_org_id = sqlite3_column_int64(st, 4);
    ctx_col(st, 5, r->source_person, sizeof r->source_person);
    ctx_col(st, 6, r->criteria, sizeof r->criteria);
    ctx_col(st, 7, r->received_date, sizeof r->received_date);
    ctx_col(st, 8, r->status, sizeof r->status);
    ctx_col(st, 9, r->status_at, sizeof r->status_at);
    ctx_col(st, 10, r->reason, sizeof r->reason);
    r->version = sqlite3_column_int64(st, 11);
    r->risk_given = sqlite3_column_type(st, 12) != SQLITE_NULL;
    r->readmit_risk = r->risk_given ? sqlite3_column_double(st, 12) : 0;
}

int referral_get(cc_ctx *ctx, int64_t id, referral *out, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx, "SELECT " REFERRAL_COLS " FROM referral WHERE id = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_referral(st, out);
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no referral %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading referral", err);
}

static int add_event(cc_ctx *ctx, int64_t id, const char *status, const char *at,
                     const char *reason, cc_err *err)
{
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "INSERT INTO referral_event (referral_id, status, at, "
                    "staff_id, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                    err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ctx->staff_id);
    sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_STATIC);
    return ctx_done(ctx, st, "recording referral history", err);
}

static int validate(const referral *r, cc_err *err)
{
    if (!referral_source_valid(r->source_type))
        return cc_err_set(
            err, CC_EINPUT,
            "source must be resident-counselor, ems, pcp, discharge-planner, "
            "snf, payer, self or other");
    if (!text_is_clean(r->source_person) || !text_is_clean(r->criteria))
        return cc_err_set(err, CC_EINPUT, "referral text has control characters");
    int64_t d;
    if (clock_parse_date(r->received_date, &d) != 0)
        return cc_err_set(err, CC_EINPUT, "received date must be YYYY-MM-DD");
    if (r->risk_given && !(r->readmit_risk >= 0 && r->readmit_risk <= 100))
        return cc_err_set(err, CC_EINPUT,
                          "a readmission risk is a percentage, 0 to 100");
    return CC_OK;
}

int referral_parse_risk(const char *text, referral *r, cc_err *err)
{
    const char *p = text ? text + strspn(text, " ") : "";
    char *end = (char *)p;
    if (!*p) {
        r->risk_given = 0;
        return CC_OK;
    }
    double v = (*p >= '0' && *p <= '9') ? strtod(p, &end) : -1;
    if (v < 0 || v > 100 || *(end + strspn(end, " %")) != '\0')
        return cc_err_set(
            err, CC_EINPUT,
            "a readmission risk is a percentage from 0 to 100, like 18.5");
    r->risk_given = 1;
    r->readmit_risk = v;
    return CC_OK;
}

int referral_create_in(cc_ctx *ctx, referral *r, cc_err *err)
{
    if (validate(r, err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO referral (client_id, program_id, source_type, source_org_id, "
        "source_person, criteria, received_date, status, status_at, readmit_risk) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,'received',?8,?9)",
        err);
    if (!st)
        return err->code;
    ctx_now(ctx, r->status_at);
    sqlite3_bind_int64(st, 1, r->client_id);
    sqlite3_bind_int64(st, 2, r->program_id);
    sqlite3_bind_text(st, 3, r->source_type, -1, SQLITE_STATIC);
    if (r->source_org_id)
        sqlite3_bind_int64(st, 4, r->source_org_id);
    sqlite3_bind_text(st, 5, r->source_person, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->criteria, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->received_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->status_at, -1, SQLITE_STATIC);
    if (r->risk_given)
        sqlite3_bind_double(st, 9, r->readmit_risk);
    if (ctx_done(ctx, st, "creating referral", err) != CC_OK)
        return err->code;
    r->id = sqlite3_last_insert_rowid(store_db(ctx->st));
    r->version = 1;
    snprintf(r->status, sizeof r->status, "received");
    if (add_event(ctx, r->id, "received", r->status_at, "", err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "referral.create", "referral", r->id, r->source_type, err);
}

static int do_create(cc_ctx *ctx, void *arg, cc_err *err)
{
    referral *r = arg;
    if (guard_client(ctx, "client.write", r->client_id, "referral", err) != CC_OK)
        return err->code;
    return referral_create_in(ctx, r, err);
}

int referral_create(cc_ctx *ctx, referral *r, cc_err *err)
{
    if (validate(r, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_create, r, err);
}

static int check_transition(cc_ctx *ctx, const referral *r, const char *to,
                            const char *reason, cc_err *err)
{
    if (!next_of(to))
        return cc_err_set(err, CC_EINPUT, "unknown referral status '%s'", to);
    if (referral_terminal(r->status))
        return cc_err_set(err, CC_EINPUT, "referral %lld is %s: nothing may follow",
                          (long long)r->id, r->status);
    if (!referral_can(r->status, to))
        return cc_err_set(err, CC_EINPUT, "a %s referral can become: %s (not %s)",
                          r->status, next_of(r->status), to);
    if ((!strcmp(to, "declined") || !strcmp(to, "ineligible")) && (!reason || !*reason))
        return cc_err_set(err, CC_EINPUT, "%s needs a reason", to);
    if (reason && !text_is_clean(reason))
        return cc_err_set(err, CC_EINPUT, "the reason has control characters");
    if (strcmp(to, "consented") != 0)
        return CC_OK;
    int consented;
    if (consent_participation_check(ctx, r->client_id, &consented, err) != CC_OK)
        return err->code;
    if (!consented)
        return cc_err_set(err, CC_EINPUT,
                          "record the client's participation consent first");
    return CC_OK;
}

/* Set the status, with its event and audit entry. */
static int write_status(cc_ctx *ctx, int64_t id, const char *to, const char *reason,
                        cc_err *err)
{
    char now[21];
    ctx_now(ctx, now);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE referral SET status = ?1, status_at = ?2, "
                                   "reason = ?3, version = version + 1 WHERE id = ?4",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if (ctx_done(ctx, st, "updating referral", err) != CC_OK ||
        add_event(ctx, id, to, now, reason, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, "referral.status", "referral", id, to, err);
}

int referral_transition_in(cc_ctx *ctx, int64_t id, const char *to, const char *reason,
                           cc_err *err)
{
    referral r;
    if (referral_get(ctx, id, &r, err) != CC_OK ||
        check_transition(ctx, &r, to, reason, err) != CC_OK)
        return err->code;
    return write_status(ctx, id, to, reason, err);
}

/* Where a referral in care goes when its episode or monitoring ends: no
 * person chooses these, the case does (episode.c). */
static const struct {
    const char *from, *to;
} care_moves[] = {
    {"enrolled", "monitoring"},
    {"enrolled", "closed"},
    {"monitoring", "closed"},
    {"monitoring", "enrolled"}, /* a re-screen on monitoring starts an episode */
};

int referral_follow_care_in(cc_ctx *ctx, int64_t client_id, int64_t program_id,
                            const char *to, cc_err *err)
{
    referral r;
    int64_t id =
        ctx_int(ctx,
                "SELECT coalesce(max(id), 0) FROM referral WHERE client_id = ?1 AND "
                "program_id = ?2 AND status IN ('enrolled', 'monitoring')",
                client_id, program_id);
    if (!id)
        return CC_OK;
    if (referral_get(ctx, id, &r, err) != CC_OK)
        return err->code;
    for (size_t i = 0; i < sizeof care_moves / sizeof *care_moves; i++)
        if (!strcmp(care_moves[i].from, r.status) && !strcmp(care_moves[i].to, to))
            return write_status(ctx, id, to, NULL, err);
    return CC_OK; /* already there, or nothing follows */
}

struct transition_args {
    int64_t id;
    const char *to, *reason;
};

static int do_transition(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct transition_args *a = arg;
    referral r;
    if (referral_get(ctx, a->id, &r, err) != CC_OK ||
        guard_client(ctx, "client.write", r.client_id, "referral", err) != CC_OK)
        return err->code;
    return referral_transition_in(ctx, a->id, a->to, a->reason, err);
}

int referral_transition(cc_ctx *ctx, int64_t id, const char *to, const char *reason,
                        cc_err *err)
{
    struct transition_args a = {id, to, reason};
    return ctx_txn(ctx, do_transition, &a, err);
}

int64_t referral_open_for(cc_ctx *ctx, int64_t client_id, int64_t program_id)
{
    cc_err err;
    int64_t id = 0;
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "SELECT id FROM referral WHERE client_id = ?1 AND "
                    "program_id = ?2 AND status IN ('received', "
                    "'contacted', 'consented', 'assessed') ORDER BY id DESC "
                    "LIMIT 1",
                    &err);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, program_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    ctx_finalize(st);
    return id;
}

int referral_open_of(cc_ctx *ctx, int64_t client_id, referral *out, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT r.id FROM referral r LEFT JOIN client c ON c.id = r.client_id "
        "WHERE r.client_id = ?1 AND r.status IN ('received', 'contacted', "
        "'consented', 'assessed') ORDER BY r.program_id IS c.program_id DESC, "
        "r.id DESC LIMIT 1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, client_id);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    ctx_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "reading referrals", err);
    if (!id) {
        memset(out, 0, sizeof *out);
        return CC_OK;
    }
    return referral_get(ctx, id, out, err);
}

int referral_after_consent_in(cc_ctx *ctx, int64_t client_id, int declined,
                              const char *reason, referral *moved, cc_err *err)
{
    if (referral_open_of(ctx, client_id, moved, err) != CC_OK)
        return err->code;
    if (!moved->id)
        return CC_OK;
    if (!strcmp(moved->status, "received")) {
        if (referral_transition_in(ctx, moved->id, "contacted", NULL, err) != CC_OK)
            return err->code;
        snprintf(moved->status, sizeof moved->status, "contacted");
    }
    if (strcmp(moved->status, "contacted") != 0)
        return CC_OK; /* already past the consent step */
    int consented = 0;
    if (!declined &&
        consent_participation_check(ctx, client_id, &consented, err) != CC_OK)
        return err->code;
    if (!declined && !consented)
        return CC_OK; /* a grant recorded late, already expired: no consent now */
    const char *to = declined ? "declined" : "consented";
    if (referral_transition_in(ctx, moved->id, to, declined ? reason : NULL, err))
        return err->code;
    snprintf(moved->status, sizeof moved->status, "%s", to);
    return CC_OK;
}

int64_t referral_program_of(cc_ctx *ctx, int64_t client_id)
{
    referral r;
    cc_err err;
    int64_t own = ctx_int(
        ctx, "SELECT coalesce(program_id, 0) FROM client WHERE id = ?1", client_id, 0);
    if (own)
        return own;
    return referral_open_of(ctx, client_id, &r, &err) == CC_OK ? r.program_id : 0;
}
