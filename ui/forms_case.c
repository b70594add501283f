/*
 * forms_case.c — the case forms: intake (a new client, then its referral),
 * consent (participation, a decline, a release, a revocation), the risk
 * assessment asked question by question, a task, and the intensive episode
 * (start, extend, close). Every form is the engine of form.c; each checks
 * the person may change the client before it opens, and every save is one
 * call into the core whose one-line error stays on the status line while
 * the form keeps what was typed. No SQL and no rule lives here: the core
 * decides, these forms only gather, show and ask for confirmation.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/intake.h"
#include "core/access.h"
#include "core/assessment.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/episode.h"
#include "core/program.h"
#include "core/referral.h"
#include "core/scope.h"
#include "core/task.h"
#include "form.h"
#include "util/clock.h"
#include "util/text.h"

/* ---- shared helpers ---------------------------------------------------- */

/* The engine's own view operations, taken from a form it made, so a form
 * can catch a key (^L, Esc) before handing the rest to the engine. */
static const struct view_ops *engine_ops;

static view *with_key(view *v, struct view_ops *mine,
                      int (*key)(app *, view *, enum action, int))
{
    if (!v)
        return NULL;
    engine_ops = v->ops;
    *mine = *v->ops;
    mine->key = key;
    v->ops = mine;
    return v;
}

/* The person may change this client, else why not on the status line. */
static int may_change(app *a, int64_t client_id)
{
    cc_err err = {0};
    if (scope_client(&a->ctx, client_id, 1, &err) == CC_OK)
        return 1;
    app_status(a, 1, "%s", err.msg);
    return 0;
}

static form *form_alloc(size_t size, const char *what, app *a)
{
    form *fm = calloc(1, size);
    if (!fm)
        app_status(a, 1, "%s: out of memory", what);
    return fm;
}

static int is(const form *fm, int field, const char *word)
{
    return !strcmp(fm->f[field].value, word);
}

/* A whole positive number, or 0. */
static int64_t positive(const char *s)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    return *s && !*end && n > 0 ? (int64_t)n : 0;
}

/* Copy a typed value into a field of the core's struct, refusing (rather
 * than silently cutting) what does not fit. */
static int take(char *dst, size_t dstsz, const char *src, const char *what, cc_err *err)
{
    size_t n = strlen(src);
    if (n >= dstsz)
        return cc_err_set(err, CC_EINPUT, "%s is too long: at most %zu characters",
                          what, dstsz - 1);
    memcpy(dst, src, n + 1);
    return CC_OK;
}

static void today_plus(app *a, int days, char out[11])
{
    char today[11];
    ctx_today(&a->ctx, today);
    if (clock_date_add(today, days, out) != 0)
        snprintf(out, 11, "%s", today);
}

/* The client's open referral: in the client's program first, else in any
 * program (an unassigned client has none). Returns its id, or 0. */
static int64_t open_referral(app *a, int64_t client_id, referral *r)
{
    client c;
    program *ps = NULL;
    int n = 0;
    int64_t id = 0;
    cc_err err = {0};
    if (client_get(&a->ctx, client_id, &c, &err) == CC_OK && c.program_id)
        id = referral_open_for(&a->ctx, client_id, c.program_id);
    if (!id && program_list(&a->ctx, &ps, &n, &err) == CC_OK)
        for (int i = 0; i < n && !id; i++)
            id = referral_open_for(&a->ctx, client_id, ps[i].id);
    free(ps);
    return id && referral_get(&a->ctx, id, r, &err) == CC_OK ? id : 0;
}

/* The client's program (the owner's), else that of its open referral. */
static int64_t program_of(app *a, int64_t client_id)
{
    client c;
    referral r;
    cc_err err = {0};
    if (client_get(&a->ctx, client_id, &c, &err) == CC_OK && c.program_id)
        return c.program_id;
    return open_referral(a, client_id, &r) ? r.program_id : 0;
}

static void name_of(app *a, int64_t client_id, char *out, size_t outsz)
{
    client c;
    cc_err err = {0};
    if (client_get(&a->ctx, client_id, &c, &err) == CC_OK)
        snprintf(out, outsz, "%s, %s", c.family_name, c.given_name);
    else
        snprintf(out, outsz, "client %lld", (long long)client_id);
}

/* ---- intake, step 2: the referral (and the client's language) ---------- */

typedef struct intake_referral {
    form fm;
    client c;  /* checked at step 1; c.id once created */
    int flags; /* what the person confirmed at step 1 */
    char title[200];
    char choices[512]; /* the active programs' codes */
    char msg[256];
} intake_referral;

static struct view_ops referral_ops;

static int referral_from_form(app *a, form *fm, referral *r, cc_err *err)
{
    program p;
    int64_t day;
    memset(r, 0, sizeof *r);
    if (program_by_code(&a->ctx, fm->f[0].value, &p, err) != CC_OK)
        return err->code;
    r->program_id = p.id;
    if (clock_parse_date(fm->f[3].value, &day) != 0)
        return cc_err_set(err, CC_EINPUT, "received date must be YYYY-MM-DD");
    if (!referral_source_valid(fm->f[1].value))
        return cc_err_set(err, CC_EINPUT, "choose a referral source");
    if (!text_is_clean(fm->f[2].value))
        return cc_err_set(err, CC_EINPUT, "criteria has control characters");
    snprintf(r->received_date, sizeof r->received_date, "%.10s", fm->f[3].value);
    snprintf(r->source_type, sizeof r->source_type, "%.23s", fm->f[1].value);
    return take(r->criteria, sizeof r->criteria, fm->f[2].value, "criteria", err);
}

static int save_referral(app *a, form *fm, cc_err *err)
{
    intake_referral *in = (intake_referral *)fm;
    intake_request req = {.flags = in->flags};
    intake_result res;
    if (referral_from_form(a, fm, &req.referral, err) != CC_OK)
        return err->code;
    if (take(in->c.language, sizeof in->c.language, fm->f[4].value, "language", err))
        return err->code;
    in->c.interpreter = is(fm, 5, "yes");
    req.client = in->c;
    if (intake_submit(&a->ctx, &req, &res, err) != CC_OK)
        return err->code;
    in->c.id = req.client.id;
    if (res.taken)
        snprintf(in->msg, sizeof in->msg,
                 "client %lld and referral %lld saved: on your caseload (%.31s)",
                 (long long)in->c.id, (long long)req.referral.id, fm->f[0].value);
    else
        snprintf(in->msg, sizeof in->msg, "client %lld and referral %lld saved; %.150s",
                 (long long)in->c.id, (long long)req.referral.id, res.note);
    fm->then = view_record_new(a, in->c.id, NULL);
    fm->saved_msg = in->msg;
    return CC_OK;
}

/* Esc once the client exists: say so rather than "nothing saved". */
static int referral_key(app *a, view *v, enum action act, int ch)
{
    intake_referral *in = v->data;
    int64_t id = in->c.id;
    if (ch != 27 || !id)
        return engine_ops->key(a, v, act, ch);
    app_pop(a);
    app_status(a, 1,
               "client %lld was saved without a referral: find it with s (search)",
               (long long)id);
    return 1;
}

/* The active programs' codes as choices; the default is the person's team's. */
static void program_choices(app *a, intake_referral *in)
{
    program *ps = NULL;
    int n = 0;
    size_t len = 0;
    int64_t mine = 0;
    cc_err err = {0};
    caseload_team_of(&a->ctx, a->me.id, &mine);
    if (program_list(&a->ctx, &ps, &n, &err) != CC_OK)
        n = 0;
    for (int i = 0; i < n && len + 34 < sizeof in->choices; i++) {
        if (!ps[i].active)
            continue;
        len += (size_t)snprintf(in->choices + len, sizeof in->choices - len, "%s%.31s",
                                len ? "," : "", ps[i].code);
        if (ps[i].id == mine || !in->fm.f[0].value[0])
            snprintf(in->fm.f[0].value, sizeof in->fm.f[0].value, "%.31s", ps[i].code);
    }
    free(ps);
}

static view *intake_referral_new(app *a, const client *c, int flags, cc_err *err)
{
    intake_referral *in = (intake_referral *)form_alloc(sizeof *in, "referral", a);
    if (!in)
        return NULL;
    in->c = *c;
    in->flags = flags;
    in->fm.f[0] = (form_field){"Program", in->choices, ""};
    program_choices(a, in);
    if (!in->choices[0]) {
        free(in);
        cc_err_set(err, CC_EINPUT, "no active program to refer to");
        return NULL;
    }
    snprintf(in->title, sizeof in->title,
             " Intake 2/2: the referral of %s, %s (born %s)", c->family_name,
             c->given_name, c->dob);
    form *fm = &in->fm;
    fm->title = in->title;
    fm->n = 6;
    fm->f[1] = (form_field){
        "Source", "resident-counselor,ems,pcp,discharge-planner,snf,payer,self,other",
        "pcp"};
    fm->f[2] = (form_field){"Criteria", NULL, ""};
    fm->f[3] = (form_field){"Received", NULL, ""};
    today_plus(a, 0, fm->f[3].value);
    fm->f[4] = (form_field){"Language", NULL, "en"};
    fm->f[5] = (form_field){"Interpreter", "no,yes", "no"};
    snprintf(
        fm->preview, sizeof fm->preview,
        "Nothing is saved until this step: ^S creates the client and the referral");
    fm->save = save_referral;
    return with_key(form_view_new(fm), &referral_ops, referral_key);
}

/* ---- intake, step 1: the client ---------------------------------------- */

typedef struct intake_client {
    form fm;
    int warned;                      /* the flags the warning asked for */
    char seen[FORM_MAX_FIELDS][512]; /* the values it was shown for */
} intake_client;

static int client_from_form(const form *fm, client *c, cc_err *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->language, sizeof c->language, "en"); /* asked at step 2 */
    if (take(c->family_name, sizeof c->family_name, fm->f[0].value, "family name",
             err) ||
        take(c->given_name, sizeof c->given_name, fm->f[1].value, "given name", err))
        return err->code;
    if (strlen(fm->f[2].value) != 10)
        return cc_err_set(err, CC_EINPUT, "date of birth must be YYYY-MM-DD");
    if (strlen(fm->f[3].value) != 5)
        return cc_err_set(err, CC_EINPUT, "ZIP code must be 5 digits");
    snprintf(c->dob, sizeof c->dob, "%.10s", fm->f[2].value);
    snprintf(c->zip, sizeof c->zip, "%.5s", fm->f[3].value);
    snprintf(c->payer, sizeof c->payer, "%.23s", fm->f[4].value);
    snprintf(c->setting, sizeof c->setting, "%.15s", fm->f[5].value);
    return CC_OK;
}

static int same_as_seen(const intake_client *ic)
{
    for (int i = 0; i < ic->fm.n; i++)
        if (strcmp(ic->fm.f[i].value, ic->seen[i]) != 0)
            return 0;
    return 1;
}

/* The warning for what the check found; the values it was shown for. */
static void warn(intake_client *ic, const client *c, const client_intake *in)
{
    size_t len = 0;
    char *p = ic->fm.preview;
    size_t sz = sizeof ic->fm.preview;
    if (in->zip_outside)
        len += (size_t)snprintf(p, sz, "ZIP %s is outside the service area. ", c->zip);
    for (int i = 0; i < in->ndups && len < sz; i++)
        len += (size_t)snprintf(p + len, sz - len, "%s%lld",
                                i ? ", " : "Possible duplicate of client ",
                                (long long)in->dup_ids[i]);
    for (int i = 0; i < ic->fm.n; i++)
        memcpy(ic->seen[i], ic->fm.f[i].value, sizeof ic->seen[i]);
}

static int check_client(app *a, form *fm, cc_err *err)
{
    intake_client *ic = (intake_client *)fm;
    client c;
    client_intake found;
    if (client_from_form(fm, &c, err) != CC_OK ||
        client_check_intake(&a->ctx, &c, &found, err) != CC_OK)
        return err->code;
    int need = (found.zip_outside ? CLIENT_ALLOW_OUTSIDE_ZIP : 0) |
               (found.ndups ? CLIENT_ACCEPT_DUPLICATE : 0);
    if (need && (ic->warned != need || !same_as_seen(ic))) {
        ic->warned = need;
        warn(ic, &c, &found);
        return cc_err_set(
            err, CC_EINPUT,
            "check the warning; save again (^S or Enter on Setting) to go on");
    }
    if (a->depth >= APP_MAX_VIEWS)
        return cc_err_set(err, CC_EINPUT, "too many screens open: Esc, then go back");
    view *next = intake_referral_new(a, &c, need, err);
    if (!next)
        return err->code ? err->code : cc_err_set(err, CC_EINPUT, "out of memory");
    fm->then = next;
    return CC_OK;
}

/* An edit after the warning withdraws it: the check runs again. */
static void client_changed(app *a, form *fm)
{
    intake_client *ic = (intake_client *)fm;
    (void)a;
    if (ic->warned && !same_as_seen(ic)) {
        ic->warned = 0;
        fm->preview[0] = '\0';
    }
}

view *form_intake_new(app *a)
{
    cc_err err = {0};
    if (access_check(a->ctx.role, "client.write", &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return NULL;
    }
    intake_client *ic = (intake_client *)form_alloc(sizeof *ic, "intake", a);
    if (!ic)
        return NULL;
    form *fm = &ic->fm;
    fm->title = " Intake 1/2: the new client (checked for the service area and "
                "duplicates)";
    fm->n = 6;
    fm->f[0] = (form_field){"Family name", NULL, ""};
    fm->f[1] = (form_field){"Given name", NULL, ""};
    fm->f[2] = (form_field){"Born (YYYY-MM-DD)", NULL, ""};
    fm->f[3] = (form_field){"ZIP", NULL, ""};
    fm->f[4] = (form_field){
        "Payer", "medicare,dual,medicaid,commercial,uninsured-ineligible", "medicare"};
    fm->f[5] = (form_field){"Setting", "home,senior-living,snf", "home"};
    fm->save = check_client;
    fm->changed = client_changed;
    fm->saved_msg = "checked: now the referral (nothing is saved yet)";
    return form_view_new(fm);
}

/* ---- consent ----------------------------------------------------------- */

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
    int release = is(fm, C_ACTION, "record-release");
    int decline = is(fm, C_ACTION, "decline-participation");
    c.client_id = fm->client_id;
    snprintf(c.kind, sizeof c.kind, "%s", release ? "release" : "participation");
    snprintf(c.decision, sizeof c.decision, "%s", decline ? "declined" : "granted");
    if (take(c.signed_date, sizeof c.signed_date, fm->f[C_DATE].value, "date", err) ||
        (decline && take(c.decline_reason, sizeof c.decline_reason,
                         fm->f[C_REASON].value, "reason", err)) ||
        (release && parse_recipients(a, fm->f[C_RECIPIENTS].value, &c, err)))
        return err->code;
    c.substance_use = release && is(fm, C_SUBSTANCE, "yes");
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
    int64_t id = positive(fm->f[C_ID].value);
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
    int rc = is(fm, C_ACTION, "revoke") ? revoke_consent(a, cf, err)
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
    if (is(fm, C_ACTION, "record-participation"))
        snprintf(p, sz, "Uses Date. Moves the open referral on to consented.");
    else if (is(fm, C_ACTION, "decline-participation"))
        snprintf(p, sz, "Uses Date and Reason. Moves the open referral to declined.");
    else if (is(fm, C_ACTION, "revoke"))
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
                 is(fm, C_SUBSTANCE, "yes") ? ", substance-use information included"
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
    name_of(a, client_id, name, sizeof name);
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
    today_plus(a, 0, fm->f[C_DATE].value);
    fm->f[C_REASON] = (form_field){"Reason", NULL, ""};
    fm->f[C_RECIPIENTS] = (form_field){"Recipients", NULL, ""};
    fm->f[C_ID] = (form_field){"Consent id", NULL, ""};
    fm->f[C_SUBSTANCE] = (form_field){"Substance-use", "no,yes", "no"};
    fm->save = save_consent;
    fm->changed = consent_changed;
    consent_changed(a, fm);
    return form_view_new(fm);
}

/* ---- a task ------------------------------------------------------------ */

static int save_task(app *a, form *fm, cc_err *err)
{
    task t = {0};
    int64_t day;
    if (clock_parse_date(fm->f[1].value, &day) != 0 || strlen(fm->f[1].value) != 10)
        return cc_err_set(err, CC_EINPUT, "due date must be YYYY-MM-DD");
    t.client_id = fm->client_id;
    if (take(t.title, sizeof t.title, fm->f[0].value, "title", err) != CC_OK)
        return err->code;
    snprintf(t.due_at, sizeof t.due_at, "%.10sT17:00:00Z", fm->f[1].value);
    snprintf(t.origin, sizeof t.origin, "manual");
    t.owner_id = a->me.id;
    return task_add(&a->ctx, &t, err);
}

view *form_task_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    form *fm = form_alloc(sizeof *fm, "add task", a);
    if (!fm)
        return NULL;
    fm->title = " Add a task (yours, due at 17:00 UTC on the day)";
    fm->client_id = client_id;
    fm->n = 2;
    fm->f[0] = (form_field){"Title", NULL, ""};
    fm->f[1] = (form_field){"Due (YYYY-MM-DD)", NULL, ""};
    today_plus(a, 7, fm->f[1].value);
    fm->save = save_task;
    fm->saved_msg = "task added";
    return form_view_new(fm);
}

/* ---- the episode ------------------------------------------------------- */

enum { E_ACTION, E_DAYS, E_REASON, E_DATE, E_OUTCOME };

typedef struct episode_form {
    form fm;
    int64_t program_id;
    episode ep; /* the open episode as read (ep.id 0: none) */
    char title[200];
    char msg[200];
} episode_form;

static struct view_ops episode_ops;

/* Read the open episode (and its version) again. */
static void episode_load(app *a, episode_form *ef)
{
    cc_err err = {0};
    program p = {0};
    episode_day d;
    char today[11];
    int64_t id = episode_open_for(&a->ctx, ef->fm.client_id, ef->program_id);
    memset(&ef->ep, 0, sizeof ef->ep);
    if (program_get(&a->ctx, ef->program_id, &p, &err) != CC_OK)
        snprintf(p.code, sizeof p.code, "?");
    if (!id || episode_get(&a->ctx, id, &ef->ep, &err) != CC_OK) {
        snprintf(ef->title, sizeof ef->title, " Episode in %s: none open", p.code);
        return;
    }
    ctx_today(&a->ctx, today);
    episode_day_of(&ef->ep, today, &d);
    snprintf(ef->title, sizeof ef->title,
             " Episode %lld in %s: day %d of %d, target end %s%s (max %d days)",
             (long long)id, p.code, d.day, d.length, d.target_end,
             d.past_target ? ", past target" : "", p.max_days);
}

static void episode_changed(app *a, form *fm)
{
    episode_form *ef = (episode_form *)fm;
    char *p = fm->preview;
    size_t sz = sizeof fm->preview;
    (void)a;
    if (is(fm, E_ACTION, "start"))
        snprintf(p, sz, "%s",
                 ef->ep.id ? "An episode is open: extend or close it"
                           : "Starts on Date, with the program's protocol "
                             "tasks (needs consent)");
    else if (!ef->ep.id)
        snprintf(p, sz, "No open episode to %s", fm->f[E_ACTION].value);
    else if (is(fm, E_ACTION, "extend"))
        snprintf(p, sz, "Adds Days (with a Reason) to episode %lld",
                 (long long)ef->ep.id);
    else
        snprintf(p, sz,
                 "Closes episode %lld on Date with Outcome; open tasks are "
                 "cancelled",
                 (long long)ef->ep.id);
}

static int episode_action(app *a, episode_form *ef, cc_err *err)
{
    form *fm = &ef->fm;
    int64_t id = 0;
    if (is(fm, E_ACTION, "start")) {
        if (episode_start(&a->ctx, fm->client_id, ef->program_id, fm->f[E_DATE].value,
                          NULL, &id, err) != CC_OK)
            return err->code;
        snprintf(ef->msg, sizeof ef->msg, "episode %lld started", (long long)id);
        return CC_OK;
    }
    if (!ef->ep.id)
        return cc_err_set(err, CC_EINPUT, "no open episode: reload (^L) or start one");
    if (is(fm, E_ACTION, "extend")) {
        int64_t days = positive(fm->f[E_DAYS].value);
        if (!days || days > 10000)
            return cc_err_set(err, CC_EINPUT, "days must be a whole number from 1");
        if (episode_extend(&a->ctx, ef->ep.id, ef->ep.version, (int)days,
                           fm->f[E_REASON].value, err) != CC_OK)
            return err->code;
        snprintf(ef->msg, sizeof ef->msg, "episode %lld extended by %d days",
                 (long long)ef->ep.id, (int)days);
        return CC_OK;
    }
    if (episode_close(&a->ctx, ef->ep.id, ef->ep.version, fm->f[E_DATE].value,
                      fm->f[E_OUTCOME].value, err) != CC_OK)
        return err->code;
    snprintf(ef->msg, sizeof ef->msg, "episode %lld closed: %.24s",
             (long long)ef->ep.id, fm->f[E_OUTCOME].value);
    return CC_OK;
}

static int save_episode(app *a, form *fm, cc_err *err)
{
    episode_form *ef = (episode_form *)fm;
    int rc = episode_action(a, ef, err);
    fm->saved_msg = ef->msg;
    if (rc == CC_ECONFLICT)
        return cc_err_set(
            err, CC_ECONFLICT,
            "someone changed this episode first: reload (^L) and try again");
    return rc;
}

/* ^L reads the episode again; the values typed stay. */
static int episode_key(app *a, view *v, enum action act, int ch)
{
    episode_form *ef = v->data;
    if (act != ACT_REFRESH)
        return engine_ops->key(a, v, act, ch);
    episode_load(a, ef);
    episode_changed(a, &ef->fm);
    app_status(a, 0, "reloaded: the episode as it is now; your values are kept");
    return 1;
}

view *form_episode_new(app *a, int64_t client_id)
{
    int64_t program_id;
    if (!may_change(a, client_id))
        return NULL;
    if (!(program_id = program_of(a, client_id))) {
        app_status(a, 1, "client %lld is in no program yet: refer it first",
                   (long long)client_id);
        return NULL;
    }
    episode_form *ef = (episode_form *)form_alloc(sizeof *ef, "episode", a);
    if (!ef)
        return NULL;
    form *fm = &ef->fm;
    ef->program_id = program_id;
    fm->client_id = client_id;
    fm->title = ef->title;
    fm->n = 5;
    episode_load(a, ef);
    fm->f[E_ACTION] = (form_field){"Action", "start,extend,close", "start"};
    if (ef->ep.id)
        snprintf(fm->f[E_ACTION].value, sizeof fm->f[E_ACTION].value, "extend");
    fm->f[E_DAYS] = (form_field){"Days (extend)", NULL, ""};
    fm->f[E_REASON] = (form_field){"Reason (extend)", NULL, ""};
    fm->f[E_DATE] = (form_field){"Date (start, close)", NULL, ""};
    today_plus(a, 0, fm->f[E_DATE].value);
    fm->f[E_OUTCOME] = (form_field){
        "Outcome",
        "goals-met,readmitted,declined-further,unreachable,moved,died,transferred",
        "goals-met"};
    fm->save = save_episode;
    fm->changed = episode_changed;
    episode_changed(a, fm);
    return with_key(form_view_new(fm), &episode_ops, episode_key);
}

/* ---- the risk assessment, question by question ------------------------- */

typedef struct assess {
    int64_t client_id, program_id;
    questionnaire q;
    int answers[HRA_MAX_QUESTIONS];
    int at; /* the question shown; q.n: the result, before saving */
    hra_result result;
    char name[140];
} assess;

/* Draw s wrapped at spaces into lines of w columns; returns lines used. */
static int draw_wrapped(app *a, int y, int x, int w, const char *s, enum role r,
                        int max_lines)
{
    char line[512];
    int n = 0;
    while (*s && n < max_lines) {
        size_t len = strlen(s), cut = len;
        if (len > (size_t)w) {
            cut = (size_t)w;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (!cut)
                cut = (size_t)w;
        }
        snprintf(line, sizeof line, "%.*s", (int)(cut < 511 ? cut : 511), s);
        draw_text(a, y + n++, x, w, line, r);
        s += cut;
        s += strspn(s, " ");
    }
    return n;
}

static void draw_answers(app *a, const assess *as, int y)
{
    char line[64] = "Answers: ";
    size_t len = strlen(line);
    for (int i = 0; i < as->q.n && len + 2 < sizeof line; i++)
        line[len++] = i >= as->at ? '.' : as->answers[i] ? 'y' : 'n';
    line[len] = '\0';
    draw_text(a, y, 2, a->lay.cols - 4, line, ROLE_DIM);
}

static void draw_question(app *a, const assess *as, int y)
{
    const hra_question *q = &as->q.q[as->at];
    char head[96];
    snprintf(head, sizeof head, "Question %d/%d   %s", as->at + 1, as->q.n,
             q->category);
    draw_text(a, y, 2, a->lay.cols - 4, head, ROLE_HEADER);
    int used = draw_wrapped(a, y + 2, 4, a->lay.cols - 8, q->text, ROLE_NORMAL, 4);
    draw_text(a, y + 3 + used, 4, a->lay.cols - 8,
              "y yes   n no   k or Backspace: back   Esc: cancel", ROLE_DIM);
}

static void draw_result(app *a, const assess *as, int y)
{
    char head[128], drivers[1100];
    snprintf(head, sizeof head, "Result: %s (score %d; high from %d, moderate from %d)",
             as->result.level, as->result.score, as->q.high_min, as->q.moderate_min);
    draw_text(a, y, 2, a->lay.cols - 4, head,
              !strcmp(as->result.level, "high") ? ROLE_URGENT : ROLE_HEADER);
    snprintf(drivers, sizeof drivers, "Drivers: %s",
             as->result.drivers[0] ? as->result.drivers : "none");
    int used = draw_wrapped(a, y + 2, 4, a->lay.cols - 8, drivers, ROLE_NORMAL, 6);
    draw_text(a, y + 3 + used, 4, a->lay.cols - 8,
              "Enter: save   k or Backspace: change an answer   Esc: cancel",
              ROLE_WARN);
}

static void assess_draw(app *a, view *v)
{
    assess *as = v->data;
    char title[200];
    snprintf(title, sizeof title, " Risk assessment (%s v%d) of %s", as->q.code,
             as->q.version, as->name);
    draw_text(a, 1, 0, a->lay.cols, title, ROLE_DIM);
    if (as->at < as->q.n)
        draw_question(a, as, a->lay.body_y + 1);
    else
        draw_result(a, as, a->lay.body_y + 1);
    draw_answers(a, as, a->lay.body_y + a->lay.body_h - 1);
}

static void assess_save(app *a, assess *as)
{
    assessment_outcome out;
    cc_err err = {0};
    char msg[256];
    if (assessment_record(&a->ctx, as->client_id, as->program_id, &as->q, as->answers,
                          &out, &err) != CC_OK) {
        app_status(a, 1, "not saved: %s", err.msg);
        return;
    }
    int len = snprintf(msg, sizeof msg, "assessment saved: %s (score %d)",
                       out.result.level, out.result.score);
    if (out.episode_id)
        len += snprintf(msg + len, sizeof msg - (size_t)len,
                        "; intensive episode %lld started", (long long)out.episode_id);
    if (out.monitoring)
        len += snprintf(msg + len, sizeof msg - (size_t)len, "; on monitoring");
    if (out.alert_raised)
        snprintf(msg + len, sizeof msg - (size_t)len,
                 "; risk rose: the nurse is alerted");
    app_pop(a);
    app_status(a, 0, "%s", msg);
}

static void answer(assess *as, int yes)
{
    as->answers[as->at++] = yes;
    if (as->at == as->q.n)
        hra_score(&as->q, as->answers, &as->result);
}

static int assess_key(app *a, view *v, enum action act, int ch)
{
    assess *as = v->data;
    int review = as->at == as->q.n;
    if (ch == 27 || ch == 'q') {
        app_pop(a);
        app_status(a, 0, "assessment cancelled: nothing saved");
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8 || ch == 'k' ||
               ch == KEY_UP) {
        as->at -= as->at > 0;
    } else if (!review && (ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N')) {
        answer(as, ch == 'y' || ch == 'Y');
    } else if (review && (ch == '\n' || ch == '\r' || ch == KEY_ENTER)) {
        assess_save(a, as);
    } else {
        return act == ACT_QUIT || act == ACT_HELP ? 0 : 1;
    }
    return 1;
}

static void assess_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops assess_ops = {
    "assessment", "help quit", assess_draw, assess_key, NULL, assess_destroy,
};

view *view_assessment_new(app *a, int64_t client_id)
{
    cc_err err = {0};
    int64_t program_id;
    if (!may_change(a, client_id))
        return NULL;
    if (!consent_participation_active(&a->ctx, client_id)) {
        app_status(a, 1, "record the client's participation consent first (C)");
        return NULL;
    }
    if (!(program_id = program_of(a, client_id))) {
        app_status(a, 1, "client %lld is in no program yet: refer it first",
                   (long long)client_id);
        return NULL;
    }
    view *v = calloc(1, sizeof *v);
    assess *as = calloc(1, sizeof *as);
    if (!v || !as || questionnaire_load(&a->ctx, "hra", &as->q, &err) != CC_OK ||
        !as->q.n) {
        app_status(a, 1, "assessment: %s", err.msg[0] ? err.msg : "cannot load it");
        free(v), free(as);
        return NULL;
    }
    as->client_id = client_id;
    as->program_id = program_id;
    name_of(a, client_id, as->name, sizeof as->name);
    v->ops = &assess_ops;
    v->data = as;
    return v;
}
