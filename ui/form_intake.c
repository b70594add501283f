/*
 * form_intake.c — intake, in two steps: the new client (checked for the
 * service area and possible duplicates, with a warning to confirm), then its
 * referral and the client's language. Nothing is saved until step 2, which
 * creates the client and the referral and, for a coach, puts the client on
 * their caseload (the core decides: intake_submit).
 */
#include <stdlib.h>
#include <string.h>

#include "core/intake.h"
#include "core/access.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/program.h"
#include "core/referral.h"
#include "core/org.h"
#include "form_common.h"
#include "keymap.h"
#include "util/clock.h"
#include "util/text.h"

/* ---- intake, step 2: the referral (and the client's language) ---------- */

typedef struct intake_referral {
    form fm;
    client c;  /* checked at step 1; c.id once created */
    int flags; /* what the person confirmed at step 1 */
    char title[200];
    char choices[512]; /* the active programs' codes */
    char msg[256];
} intake_referral;

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
    if (!form_is(fm, 6, "none") &&
        !(r->source_org_id = org_resolve(&a->ctx, fm->f[6].value, err)))
        return err->code;
    if (form_take(r->source_person, sizeof r->source_person, fm->f[7].value, "referrer",
                  err))
        return err->code;
    if (referral_parse_risk(fm->f[8].value, r, err) != CC_OK)
        return err->code;
    return form_take(r->criteria, sizeof r->criteria, fm->f[2].value, "criteria", err);
}

static int save_referral(app *a, form *fm, cc_err *err)
{
    intake_referral *in = (intake_referral *)fm;
    intake_request req = {.flags = in->flags};
    intake_result res;
    if (referral_from_form(a, fm, &req.referral, err) != CC_OK)
        return err->code;
    if (form_take(in->c.language, sizeof in->c.language, fm->f[4].value, "language",
                  err))
        return err->code;
    in->c.interpreter = form_is(fm, 5, "yes");
    req.client = in->c;
    if (intake_submit(&a->ctx, &req, &res, err) != CC_OK) /* all or nothing */
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
static enum redraw referral_key(app *a, form *fm, enum action act, int ch)
{
    intake_referral *in = (intake_referral *)fm;
    int64_t id = in->c.id;
    (void)ch;
    if (act != ACT_CANCEL || !id)
        return REDRAW_PASS;
    app_pop(a);
    app_status(a, 1,
               "client %lld was saved without a referral: find it with s (search)",
               (long long)id);
    return REDRAW_ALL;
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
    fm->n = 9;
    fm->f[1] = (form_field){
        "Source", "resident-counselor,ems,pcp,discharge-planner,snf,payer,self,other",
        "pcp"};
    form_org_choices(a,
                     "hospital,snf,senior-living,practice,clinic,ems,payer-cm,agency",
                     "none", fm->choice_buf, sizeof fm->choice_buf);
    fm->f[6] = (form_field){"Referred by", fm->choice_buf, "none"};
    fm->f[7] = (form_field){"Referrer", NULL, ""};
    fm->f[2] = (form_field){"Criteria", NULL, ""};
    fm->f[3] = (form_field){"Received", NULL, ""};
    form_today_plus(a, 0, fm->f[3].value);
    fm->f[4] = (form_field){"Language", NULL, "en"};
    fm->f[5] = (form_field){"Interpreter", "no,yes", "no"};
    fm->f[8] = (form_field){"Readmit risk %", NULL, ""}; /* the hospital's, if given */
    snprintf(fm->preview, sizeof fm->preview,
             "Nothing is saved until this step: %s creates the client and the referral",
             keymap_key_name(ACT_SAVE));
    fm->save = save_referral;
    fm->key = referral_key;
    return form_view_new(fm);
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
    if (form_take(c->family_name, sizeof c->family_name, fm->f[0].value, "family name",
                  err) ||
        form_take(c->given_name, sizeof c->given_name, fm->f[1].value, "given name",
                  err))
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
            "check the warning; save again (%s or %s on Setting) to go on",
            keymap_key_name(ACT_SAVE), keymap_key_name(ACT_SUBMIT));
    }
    if (a->depth >= APP_MAX_VIEWS)
        return cc_err_set(err, CC_EINPUT, "too many screens open: %s, then go back",
                          keymap_key_name(ACT_CANCEL));
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

view *form_intake_from(app *a, const char *family, const char *given, const char *dob)
{
    view *v = form_intake_new(a);
    if (!v)
        return NULL;
    form *fm = v->data;
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", family);
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", given);
    snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", dob);
    fm->cur = 3; /* the ZIP, which a notification does not carry */
    form_mark_clean(fm);
    return v;
}
