/*
 * form_consent.c — the consent form: participation (granted or declined),
 * a release to organizations of the directory (its details on a second
 * form: purpose, information covered, expiry date or event, witness, who
 * signed: the client or a legal representative), or a revocation, of a
 * whole consent or of a release for one recipient. A participation decision
 * moves the client's open referral on in the same transaction (the core's
 * consent_record); the preview says what the chosen action uses and does
 * before anything is saved.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/consent.h"
#include "core/org.h"
#include "core/reach.h"
#include "core/program.h"
#include "core/referral.h"
#include "form_common.h"
#include "util/clock.h"

enum { C_ACTION, C_DATE, C_REASON, C_RECIPIENTS, C_ID, C_SUBSTANCE };

typedef struct consent_form {
    form fm;
    char title[200];
    char msg[256];
} consent_form;

/* Facility codes separated by spaces or commas into c's recipients. */
static int parse_recipients(app *a, const char *s, consent *c, cc_err *err)
{
    char code[32];
    c->nrecipients = 0;
    for (const char *p = s + strspn(s, " ,"); *p; p += strspn(p, " ,")) {
        size_t len = strcspn(p, " ,");
        snprintf(code, sizeof code, "%.*s", (int)(len < 31 ? len : 31), p);
        for (char *q = code; *q; q++)
            *q = (char)toupper((unsigned char)*q);
        int64_t id = len < 31 ? organization_by_code(&a->ctx, code) : 0;
        if (!id)
            return cc_err_set(err, CC_EINPUT, "no facility with code %s", code);
        if (c->nrecipients == CONSENT_MAX_RECIPIENTS)
            return cc_err_set(err, CC_EINPUT, "at most %d recipients",
                              CONSENT_MAX_RECIPIENTS);
        c->recipients[c->nrecipients++] = id;
        p += len;
    }
    return CC_OK;
}

/* ---- the release's details ----------------------------------------------- */

enum { R_PURPOSE, R_INFO, R_EXPIRES, R_WITNESS, R_SIGNER };

typedef struct release_form {
    form fm;
    consent c; /* the date, recipients and substance use from the first form */
    char msg[160];
} release_form;

static int save_release(app *a, form *fm, cc_err *err)
{
    release_form *rf = (release_form *)fm;
    consent c = rf->c;
    int64_t d;
    const char *exp = fm->f[R_EXPIRES].value;
    if (form_take(c.purpose, sizeof c.purpose, fm->f[R_PURPOSE].value, "purpose",
                  err) ||
        form_take(c.information, sizeof c.information, fm->f[R_INFO].value,
                  "information", err) ||
        form_take(c.witness, sizeof c.witness, fm->f[R_WITNESS].value, "witness", err))
        return err->code;
    if (strlen(exp) == 10 && clock_parse_date(exp, &d) == 0)
        snprintf(c.expires_date, sizeof c.expires_date, "%.10s", exp);
    else if (form_take(c.expires_event, sizeof c.expires_event, exp, "expiry", err))
        return err->code;
    c.signed_by_rep =
        fm->f[R_SIGNER].value[0] == '#' ? atoll(fm->f[R_SIGNER].value + 1) : 0;
    if (consent_record(&a->ctx, &c, err) != CC_OK)
        return err->code;
    snprintf(rf->msg, sizeof rf->msg, "release %lld recorded to %d recipient%s",
             (long long)c.id, c.nrecipients, c.nrecipients == 1 ? "" : "s");
    return CC_OK;
}

/* "client" and the client's active legal representatives ("#ID Name"). */
static void signers(app *a, int64_t client_id, char *buf, size_t n)
{
    caregiver *g;
    int ng;
    cc_err err = {0};
    snprintf(buf, n, "the client");
    if (caregiver_list(&a->ctx, client_id, &g, &ng, &err) != CC_OK)
        return;
    for (int i = 0; i < ng; i++) {
        char word[80];
        if (!g[i].active || !g[i].legal_rep)
            continue;
        snprintf(word, sizeof word, ",#%lld %.40s", (long long)g[i].id, g[i].name);
        for (char *p = word + 1; *p; p++)
            if (*p == ',')
                *p = ';';
        if (strlen(buf) + strlen(word) < n)
            strcat(buf, word);
    }
    free(g);
}

static view *release_form_new(app *a, const consent *c)
{
    release_form *rf = (release_form *)form_alloc(sizeof *rf, "release", a);
    if (!rf)
        return NULL;
    form *fm = &rf->fm;
    rf->c = *c;
    fm->title = " The release: what, why, until when, who signed";
    fm->client_id = c->client_id;
    fm->n = 5;
    signers(a, c->client_id, fm->choice_buf, sizeof fm->choice_buf);
    fm->f[R_PURPOSE] = (form_field){"Purpose", NULL, ""};
    fm->f[R_INFO] = (form_field){"Information", NULL, ""};
    fm->f[R_EXPIRES] = (form_field){"Expires (date/event)", NULL, ""};
    fm->f[R_WITNESS] = (form_field){"Witness", NULL, ""};
    fm->f[R_SIGNER] = (form_field){"Signed by", fm->choice_buf, "the client"};
    snprintf(fm->preview, sizeof fm->preview,
             "Expires: a date (YYYY-MM-DD) or an event (\"end of the episode\"); one "
             "year if neither.");
    fm->save = save_release;
    snprintf(rf->msg, sizeof rf->msg, "release recorded");
    fm->saved_msg = rf->msg;
    return form_view_new(fm);
}

/* ---- the first form ------------------------------------------------------- */

/* The recipients, date and substance use go on to the release's details. */
static int release_next(app *a, consent_form *cf, cc_err *err)
{
    form *fm = &cf->fm;
    consent c = {0};
    c.client_id = fm->client_id;
    snprintf(c.kind, sizeof c.kind, "release");
    snprintf(c.decision, sizeof c.decision, "granted");
    if (form_take(c.signed_date, sizeof c.signed_date, fm->f[C_DATE].value, "date",
                  err) ||
        parse_recipients(a, fm->f[C_RECIPIENTS].value, &c, err))
        return err->code;
    if (!c.nrecipients)
        return cc_err_set(err, CC_EINPUT, "a release names at least one recipient");
    c.substance_use = form_is(fm, C_SUBSTANCE, "yes");
    fm->then = release_form_new(a, &c);
    snprintf(cf->msg, sizeof cf->msg, "now the release's details");
    return fm->then ? CC_OK : cc_err_set(err, CC_EDATA, "out of memory");
}

static int record_consent(app *a, consent_form *cf, cc_err *err)
{
    form *fm = &cf->fm;
    consent c = {0};
    int release = form_is(fm, C_ACTION, "record-release");
    int decline = form_is(fm, C_ACTION, "decline-participation");
    c.client_id = fm->client_id;
    snprintf(c.kind, sizeof c.kind, "%s", release ? "release" : "participation");
    snprintf(c.decision, sizeof c.decision, "%s", decline ? "declined" : "granted");
    if (form_take(c.signed_date, sizeof c.signed_date, fm->f[C_DATE].value, "date",
                  err) ||
        (decline && form_take(c.decline_reason, sizeof c.decline_reason,
                              fm->f[C_REASON].value, "reason", err)) ||
        (release && parse_recipients(a, fm->f[C_RECIPIENTS].value, &c, err)))
        return err->code;
    c.substance_use = release && form_is(fm, C_SUBSTANCE, "yes");
    if (consent_record(&a->ctx, &c, err) != CC_OK)
        return err->code;
    snprintf(cf->msg, sizeof cf->msg, "consent %lld recorded: %s %s", (long long)c.id,
             c.kind, c.decision);
    size_t len = strlen(cf->msg);
    if (c.referral.id) /* the core moved the referral with the decision */
        snprintf(cf->msg + len, sizeof cf->msg - len, "; referral %lld now %s",
                 (long long)c.referral.id, c.referral.status);
    return CC_OK;
}

/* Revoke a release for the one recipient named (its code). */
static int revoke_for(app *a, consent_form *cf, const consent *c, cc_err *err)
{
    form *fm = &cf->fm;
    consent one = {0};
    int64_t left;
    if (parse_recipients(a, fm->f[C_RECIPIENTS].value, &one, err) != CC_OK)
        return err->code;
    if (one.nrecipients != 1)
        return cc_err_set(err, CC_EINPUT,
                          "name one recipient to revoke it for, or none");
    if (consent_revoke_recipient(&a->ctx, c->id, one.recipients[0], fm->f[C_DATE].value,
                                 fm->f[C_REASON].value, &left, err) != CC_OK)
        return err->code;
    size_t n =
        (size_t)snprintf(cf->msg, sizeof cf->msg, "release %lld revoked for %.24s",
                         (long long)c->id, fm->f[C_RECIPIENTS].value);
    if (left && n < sizeof cf->msg)
        snprintf(cf->msg + n, sizeof cf->msg - n, "; the others stay as release %lld",
                 (long long)left);
    return CC_OK;
}

static int revoke_consent(app *a, consent_form *cf, cc_err *err)
{
    form *fm = &cf->fm;
    consent c;
    int64_t id = form_positive(fm->f[C_ID].value);
    if (!id)
        return cc_err_set(err, CC_EINPUT, "give the id of the consent to revoke");
    if (consent_get(&a->ctx, id, &c, err) != CC_OK)
        return err->code;
    if (c.client_id != fm->client_id)
        return cc_err_set(err, CC_EINPUT, "consent %lld is not this client's",
                          (long long)id);
    if (fm->f[C_RECIPIENTS].value[0])
        return revoke_for(a, cf, &c, err);
    if (consent_revoke(&a->ctx, id, fm->f[C_DATE].value, fm->f[C_REASON].value, err))
        return err->code;
    snprintf(cf->msg, sizeof cf->msg, "consent %lld (%s) revoked from %.10s",
             (long long)id, c.kind, fm->f[C_DATE].value);
    return CC_OK;
}

static int save_consent(app *a, form *fm, cc_err *err)
{
    consent_form *cf = (consent_form *)fm;
    int rc = form_is(fm, C_ACTION, "revoke")           ? revoke_consent(a, cf, err)
             : form_is(fm, C_ACTION, "record-release") ? release_next(a, cf, err)
                                                       : record_consent(a, cf, err);
    fm->saved_msg = cf->msg;
    return rc;
}

/* The client's consents that can still be revoked, for the preview. */
static void revocable(app *a, int64_t client_id, char *out, size_t outsz)
{
    int64_t ids[12];
    char today[11];
    size_t len = (size_t)snprintf(out, outsz,
                                  "Revoke id (Date, Reason; Recipients: "
                                  "one, for it only):");
    cc_err err = {0};
    int n = consent_list(&a->ctx, client_id, ids, 12, &err);
    ctx_today(&a->ctx, today);
    for (int i = 0; i < n && len < outsz; i++) {
        consent c;
        if (consent_get(&a->ctx, ids[i], &c, &err) != CC_OK ||
            consent_state(&c, today) >= CONSENT_EXPIRED)
            continue;
        len += (size_t)snprintf(out + len, outsz - len, " %lld %s %s;", (long long)c.id,
                                c.kind, c.signed_date);
    }
    if (len < outsz && out[len - 1] == ';')
        out[len - 1] = '\0';
    else if (len < outsz)
        snprintf(out, outsz, "No consent of this client can be revoked now");
}

/* "Release to Fairview Family Practice (PCP-FV), ...": the directory's
 * names for the codes typed. */
static void recipients_named(app *a, const consent *c, int su, char *p, size_t sz)
{
    size_t len = (size_t)snprintf(p, sz, "Release to");
    for (int i = 0; i < c->nrecipients && len < sz; i++) {
        char code[24], name[160];
        organization_code(&a->ctx, c->recipients[i], code, sizeof code);
        organization o;
        cc_err err = {0};
        snprintf(name, sizeof name, "%s", code);
        if (org_find(&a->ctx, code, &o, &err) == CC_OK)
            snprintf(name, sizeof name, "%.100s (%s)", o.name, o.code);
        len += (size_t)snprintf(p + len, sz - len, "%s %s", i ? "," : "", name);
    }
    if (su && len < sz)
        snprintf(p + len, sz - len, "; substance-use information included");
}

static void consent_changed(app *a, form *fm)
{
    consent c = {0};
    cc_err err = {0};
    char *p = fm->preview;
    size_t sz = sizeof fm->preview;
    if (form_is(fm, C_ACTION, "record-participation"))
        snprintf(p, sz, "Uses Date. Moves the open referral on to consented.");
    else if (form_is(fm, C_ACTION, "decline-participation"))
        snprintf(p, sz, "Uses Date and Reason. Moves the open referral to declined.");
    else if (form_is(fm, C_ACTION, "revoke"))
        revocable(a, fm->client_id, p, sz);
    else if (!fm->f[C_RECIPIENTS].value[0])
        snprintf(p, sz,
                 "Uses Date, Recipients (directory codes: NGH SNF-WC ...), "
                 "Substance-use; then the details.");
    else if (parse_recipients(a, fm->f[C_RECIPIENTS].value, &c, &err) != CC_OK)
        snprintf(p, sz, "Recipients: %s", err.msg);
    else
        recipients_named(a, &c, form_is(fm, C_SUBSTANCE, "yes"), p, sz);
}

view *form_consent_new(app *a, int64_t client_id)
{
    char name[140];
    int active;
    cc_err err = {0};
    if (!may_change(a, client_id))
        return NULL;
    if (consent_participation_check(&a->ctx, client_id, &active, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return NULL;
    }
    consent_form *cf = (consent_form *)form_alloc(sizeof *cf, "consent", a);
    if (!cf)
        return NULL;
    form *fm = &cf->fm;
    form_client_name(a, client_id, name, sizeof name);
    snprintf(cf->title, sizeof cf->title, " Consent of %s: participation %s", name,
             active ? "active" : "not active");
    fm->title = cf->title;
    fm->client_id = client_id;
    fm->n = 6;
    fm->f[C_ACTION] = (form_field){
        "Action", "record-participation,decline-participation,record-release,revoke",
        "record-participation"};
    fm->f[C_DATE] = (form_field){"Date", NULL, ""};
    form_today_plus(a, 0, fm->f[C_DATE].value);
    fm->f[C_REASON] = (form_field){"Reason", NULL, ""};
    fm->f[C_RECIPIENTS] = (form_field){"Recipients", NULL, ""};
    fm->f[C_ID] = (form_field){"Consent id", NULL, ""};
    fm->f[C_SUBSTANCE] = (form_field){"Substance-use", "no,yes", "no"};
    fm->save = save_consent;
    fm->changed = consent_changed;
    consent_changed(a, fm);
    return form_view_new(fm);
}
