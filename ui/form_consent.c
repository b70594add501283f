/*
 * form_consent.c — the consent form: participation (granted or declined),
 * a release to named facilities, or a revocation. A participation decision
 * moves the client's open referral on in the same transaction (the core's
 * consent_record); the preview says what the chosen action uses and does
 * before anything is saved.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/consent.h"
#include "core/program.h"
#include "core/referral.h"
#include "form_common.h"

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
    if (consent_revoke(&a->ctx, id, fm->f[C_DATE].value, fm->f[C_REASON].value, err))
        return err->code;
    snprintf(cf->msg, sizeof cf->msg, "consent %lld (%s) revoked from %.10s",
             (long long)id, c.kind, fm->f[C_DATE].value);
    return CC_OK;
}

static int save_consent(app *a, form *fm, cc_err *err)
{
    consent_form *cf = (consent_form *)fm;
    int rc = form_is(fm, C_ACTION, "revoke") ? revoke_consent(a, cf, err)
                                             : record_consent(a, cf, err);
    fm->saved_msg = cf->msg;
    return rc;
}

/* The client's consents that can still be revoked, for the preview. */
static void revocable(app *a, int64_t client_id, char *out, size_t outsz)
{
    int64_t ids[12];
    char today[11];
    size_t len = (size_t)snprintf(out, outsz, "Revoke id (with Date, Reason):");
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
                 "Uses Date, Recipients (facility codes: NGH SNF-WC ...), "
                 "Substance-use.");
    else if (parse_recipients(a, fm->f[C_RECIPIENTS].value, &c, &err) != CC_OK)
        snprintf(p, sz, "Recipients: %s", err.msg);
    else
        snprintf(p, sz, "Release to %d recipient%s%s", c.nrecipients,
                 c.nrecipients == 1 ? "" : "s",
                 form_is(fm, C_SUBSTANCE, "yes")
                     ? ", substance-use information included"
                     : "");
}

view *form_consent_new(app *a, int64_t client_id)
{
    char name[140];
    if (!may_change(a, client_id))
        return NULL;
    consent_form *cf = (consent_form *)form_alloc(sizeof *cf, "consent", a);
    if (!cf)
        return NULL;
    form *fm = &cf->fm;
    form_client_name(a, client_id, name, sizeof name);
    snprintf(cf->title, sizeof cf->title, " Consent of %s: participation %s", name,
             consent_participation_active(&a->ctx, client_id) ? "active"
                                                              : "not active");
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
