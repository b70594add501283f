/*
 * intake.c — the intake use case (see intake.h): one client and referral
 * (intake_submit, or intake_submit_in inside a caller's transaction), and a
 * batch of them from a spreadsheet (intake_import), all or nothing, or each
 * row in a savepoint of its own.
 */
#include "intake.h"

#include <stdio.h>
#include <string.h>

#include "caseload.h"
#include "guard.h"
#include "program.h"
#include "util/text.h"

int intake_eligible(const client *c, const program *p, const char *today, cc_err *err)
{
    int age = client_age_on(c, today);
    if (p->min_age && age < p->min_age)
        return cc_err_set(err, CC_EINPUT, "%s takes clients aged %d or older (%d)",
                          p->code, p->min_age, age);
    if (p->payers[0] && !ctx_in_list(c->payer, p->payers))
        return cc_err_set(err, CC_EINPUT, "%s takes payers %s, not %s", p->code,
                          p->payers, c->payer);
    if (p->settings[0] && !ctx_in_list(c->setting, p->settings))
        return cc_err_set(err, CC_EINPUT, "%s takes clients living in %s, not %s",
                          p->code, p->settings, c->setting);
    return CC_OK;
}

/* An ineligible client goes ahead only with a reason, which is audited. */
static int check_eligibility(cc_ctx *ctx, intake_request *in, const program *p,
                             intake_result *out, cc_err *err)
{
    char today[11], why[sizeof err->msg];
    ctx_today(ctx, today);
    if (intake_eligible(&in->client, p, today, err) == CC_OK)
        return CC_OK;
    snprintf(why, sizeof why, "%s", err->msg);
    cc_err_clear(err);
    if (!in->override || !text_content_len(in->override))
        return cc_err_set(err, CC_EINPUT, "%s: give a reason to refer anyway", why);
    snprintf(out->note, sizeof out->note, "eligibility overridden: %.150s", why);
    return CC_OK;
}

/* A coach on a team of the program with room takes the case. */
static int take_case(cc_ctx *ctx, intake_request *in, const program *p,
                     intake_result *out, cc_err *err)
{
    if (strcmp(ctx->role, "coach") != 0) {
        snprintf(out->note + strlen(out->note), sizeof out->note - strlen(out->note),
                 "%sunassigned until a program manager assigns it",
                 out->note[0] ? "; " : "");
        return CC_OK;
    }
    int member = ctx_int(ctx,
                         "SELECT 1 FROM team_member tm JOIN team t ON t.id = "
                         "tm.team_id WHERE tm.staff_id = ?1 AND t.program_id = ?2",
                         ctx->staff_id, p->id) == 1;
    int load = caseload_active(ctx, ctx->staff_id);
    if (!member || load + 1 > p->capacity) {
        snprintf(out->note + strlen(out->note), sizeof out->note - strlen(out->note),
                 "%sunassigned: %s", out->note[0] ? "; " : "",
                 member ? "your caseload is full" : "you work in another program");
        return CC_OK;
    }
    out->taken = 1;
    return client_assign_in(ctx, in->client.id, ctx->staff_id, p->id, err);
}

static int do_intake(cc_ctx *ctx, void *arg, cc_err *err)
{
    void **a = arg;
    intake_request *in = a[0];
    intake_result *out = a[1];
    program p;
    if (guard_action(ctx, "client.write", err) != CC_OK ||
        program_get(ctx, in->referral.program_id, &p, err) != CC_OK)
        return err->code;
    if (!p.active)
        return cc_err_set(err, CC_EINPUT, "program %s takes no referrals", p.code);
    if (client_create_in(ctx, &in->client, in->flags, &out->checks, err) != CC_OK ||
        check_eligibility(ctx, in, &p, out, err) != CC_OK)
        return err->code;
    in->referral.client_id = in->client.id;
    if (referral_create_in(ctx, &in->referral, err) != CC_OK ||
        (out->note[0] && ctx_audit(ctx, "intake.override", "client", in->client.id,
                                   in->override, err) != CC_OK))
        return err->code;
    return take_case(ctx, in, &p, out, err);
}

/* A reason with control characters is refused before anything is written. */
static int check_override(const intake_request *in, cc_err *err)
{
    return ctx_text_ok(in->override, "the reason", CTX_NOTE_MAX, 0, err);
}

int intake_submit_in(cc_ctx *ctx, intake_request *in, intake_result *out, cc_err *err)
{
    void *a[2] = {in, out};
    memset(out, 0, sizeof *out);
    int rc = check_override(in, err) != CC_OK ? err->code : do_intake(ctx, a, err);
    if (rc != CC_OK)
        in->client.id = in->referral.id = 0;
    return rc;
}

static int run_intake(cc_ctx *ctx, void *arg, cc_err *err)
{
    void **a = arg;
    return intake_submit_in(ctx, a[0], a[1], err);
}

int intake_submit(cc_ctx *ctx, intake_request *in, intake_result *out, cc_err *err)
{
    void *a[2] = {in, out};
    memset(out, 0, sizeof *out);
    if (check_override(in, err) != CC_OK)
        return err->code;
    int rc = ctx_txn(ctx, run_intake, a, err);
    if (rc != CC_OK)
        in->client.id = in->referral.id = 0;
    return rc;
}

/* ---- a batch of referrals (a spreadsheet) -------------------------------- */

struct batch {
    intake_request *rows;
    int n, partial, imported;
    intake_result *results;
    cc_err *errs;
    const char *source;
};

/* A refusal of the person, the store's trouble or a busy store stops the
 * whole batch; anything else is about the row itself. */
static int row_fault(int code)
{
    return code == CC_EUSAGE || code == CC_EINPUT || code == CC_ECONFLICT;
}

static int savepoint(cc_ctx *ctx, const char *sql, cc_err *err)
{
    int rc = sqlite3_exec(store_db(ctx->st), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CC_OK : store_fail(ctx->st, rc, "savepoint", err);
}

/* One row in a savepoint of its own: kept if it goes in, undone if not. */
static int partial_row(cc_ctx *ctx, struct batch *b, int i, cc_err *err)
{
    cc_err *e = &b->errs[i];
    if (savepoint(ctx, "SAVEPOINT referral", err) != CC_OK)
        return err->code;
    if (intake_submit_in(ctx, &b->rows[i], &b->results[i], e) == CC_OK) {
        b->imported++;
        return savepoint(ctx, "RELEASE referral", err);
    }
    memset(&b->results[i], 0, sizeof b->results[i]);
    if (savepoint(ctx, "ROLLBACK TO referral; RELEASE referral", err) != CC_OK)
        return err->code;
    if (!row_fault(e->code))
        return cc_err_set(err, e->code, "row %d: %s", i + 1, e->msg);
    return CC_OK;
}

static int do_import(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct batch *b = arg;
    char details[300];
    if (guard_action(ctx, "client.write", err) != CC_OK)
        return err->code;
    for (int i = 0; i < b->n; i++) {
        cc_err_clear(&b->errs[i]);
        memset(&b->results[i], 0, sizeof b->results[i]);
    }
    for (int i = 0; i < b->n; i++) {
        if (b->partial) {
            if (partial_row(ctx, b, i, err) != CC_OK)
                return err->code;
        } else if (intake_submit_in(ctx, &b->rows[i], &b->results[i], &b->errs[i]) !=
                   CC_OK) {
            return cc_err_set(err, b->errs[i].code, "row %d: %s", i + 1,
                              b->errs[i].msg);
        } else {
            b->imported++;
        }
    }
    snprintf(details, sizeof details, "%d of %d referrals%s from %.200s", b->imported,
             b->n, b->partial ? " (partial)" : "", b->source ? b->source : "");
    return ctx_audit(ctx, "referral.import", "import", 0, details, err);
}

int intake_import(cc_ctx *ctx, intake_request *rows, int n, intake_result *results,
                  cc_err *errs, int partial, const char *source, cc_err *err)
{
    struct batch b = {rows, n, partial, 0, results, errs, source};
    int rc = ctx_txn(ctx, do_import, &b, err);
    if (rc == CC_OK)
        return CC_OK;
    for (int i = 0; i < n; i++) { /* nothing of it was kept */
        rows[i].client.id = rows[i].referral.id = 0;
        memset(&results[i], 0, sizeof results[i]);
    }
    return rc;
}
