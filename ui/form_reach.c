/*
 * form_reach.c — reaching the client: the phones (which is preferred, when
 * to call), the address and primary care provider, and the family,
 * caregivers and legal representatives (add one, or edit or retire one from
 * the details tab). Each saves through reach.h, which refuses to overwrite
 * a newer save: the status line then says so and the form stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reach.h"
#include "form_common.h"

typedef struct reach_form {
    form fm;
    client_reach r; /* as read when the form opened */
    caregiver g;
} reach_form;

static int save_conflict(cc_err *err)
{
    if (err->code == CC_ECONFLICT)
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 ": close the form and open it again to see theirs");
    return err->code;
}

/* ---- phones ------------------------------------------------------------ */

static int save_phones(app *a, form *fm, cc_err *err)
{
    reach_form *rf = (reach_form *)fm;
    client_reach r = rf->r, theirs;
    const char *kind1 = form_is(fm, 1, "-") ? "" : fm->f[1].value;
    const char *kind2 = form_is(fm, 3, "-") ? "" : fm->f[3].value;
    if (form_take(r.phone1, sizeof r.phone1, fm->f[0].value, "phone 1", err) ||
        form_take(r.phone1_kind, sizeof r.phone1_kind, fm->f[0].value[0] ? kind1 : "",
                  "kind", err) ||
        form_take(r.phone2, sizeof r.phone2, fm->f[2].value, "phone 2", err) ||
        form_take(r.phone2_kind, sizeof r.phone2_kind, fm->f[2].value[0] ? kind2 : "",
                  "kind", err) ||
        form_take(r.call_times, sizeof r.call_times, fm->f[5].value, "when to call",
                  err))
        return err->code;
    r.preferred = form_is(fm, 4, "2") ? 2 : 1;
    if (reach_save(&a->ctx, &r, &theirs, err) != CC_OK)
        return save_conflict(err);
    return CC_OK;
}

static reach_form *reach_form_open(app *a, int64_t client_id, const char *what)
{
    cc_err err = {0};
    if (!may_change(a, client_id))
        return NULL;
    reach_form *rf = (reach_form *)form_alloc(sizeof *rf, what, a);
    if (!rf)
        return NULL;
    if (reach_get(&a->ctx, client_id, &rf->r, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(rf);
        return NULL;
    }
    rf->fm.client_id = client_id;
    return rf;
}

view *form_phones_new(app *a, int64_t client_id)
{
    reach_form *rf = reach_form_open(a, client_id, "phones");
    if (!rf)
        return NULL;
    form *fm = &rf->fm;
    const client_reach *r = &rf->r;
    fm->title = " Phones and when to call";
    fm->n = 6;
    fm->f[0] = (form_field){"Phone 1", NULL, ""};
    fm->f[1] = (form_field){"Phone 1 is", "mobile,home,work,facility,-", "mobile"};
    fm->f[2] = (form_field){"Phone 2", NULL, ""};
    fm->f[3] = (form_field){"Phone 2 is", "home,mobile,work,facility,-", "-"};
    fm->f[4] = (form_field){"Preferred", "1,2", "1"};
    fm->f[5] = (form_field){"When to call", NULL, ""};
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", r->phone1);
    if (r->phone1_kind[0])
        snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", r->phone1_kind);
    snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", r->phone2);
    if (r->phone2_kind[0])
        snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", r->phone2_kind);
    snprintf(fm->f[4].value, sizeof fm->f[4].value, "%d", r->preferred == 2 ? 2 : 1);
    snprintf(fm->f[5].value, sizeof fm->f[5].value, "%s", r->call_times);
    snprintf(fm->preview, sizeof fm->preview,
             "e.g. 555-201-0101; when to call: \"after 5pm\", \"not Sundays\"");
    fm->save = save_phones;
    fm->saved_msg = "phones saved";
    return form_view_new(fm);
}

/* ---- address and primary care ------------------------------------------ */

static int save_address(app *a, form *fm, cc_err *err)
{
    reach_form *rf = (reach_form *)fm;
    client_reach r = rf->r, theirs;
    if (form_take(r.address, sizeof r.address, fm->f[0].value, "address", err) ||
        form_take(r.city, sizeof r.city, fm->f[1].value, "city", err) ||
        form_take(r.pcp_org, sizeof r.pcp_org,
                  form_is(fm, 2, "none") ? "" : fm->f[2].value, "practice", err) ||
        form_take(r.pcp_name, sizeof r.pcp_name, fm->f[3].value, "provider", err))
        return err->code;
    if (reach_save(&a->ctx, &r, &theirs, err) != CC_OK)
        return save_conflict(err);
    return CC_OK;
}

view *form_address_new(app *a, int64_t client_id)
{
    reach_form *rf = reach_form_open(a, client_id, "address");
    if (!rf)
        return NULL;
    form *fm = &rf->fm;
    const client_reach *r = &rf->r;
    fm->title = " Home address and primary care";
    fm->n = 4;
    form_org_choices(a, "practice,clinic", "none", fm->choice_buf,
                     sizeof fm->choice_buf);
    fm->f[0] = (form_field){"Street address", NULL, ""};
    fm->f[1] = (form_field){"City", NULL, ""};
    fm->f[2] = (form_field){"Practice", fm->choice_buf, "none"};
    fm->f[3] = (form_field){"Provider", NULL, ""};
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", r->address);
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", r->city);
    if (r->pcp_org[0])
        snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", r->pcp_org);
    snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", r->pcp_name);
    snprintf(fm->preview, sizeof fm->preview,
             "Senior-living and SNF clients: the facility is the living setting (E).");
    fm->save = save_address;
    fm->saved_msg = "address and primary care saved";
    return form_view_new(fm);
}

/* ---- caregivers -------------------------------------------------------- */

static int save_caregiver(app *a, form *fm, cc_err *err)
{
    reach_form *rf = (reach_form *)fm;
    caregiver g = rf->g, theirs;
    g.client_id = fm->client_id;
    if (form_take(g.name, sizeof g.name, fm->f[0].value, "name", err) ||
        form_take(g.relationship, sizeof g.relationship, fm->f[1].value, "relationship",
                  err) ||
        form_take(g.phone, sizeof g.phone, fm->f[2].value, "phone", err) ||
        form_take(g.language, sizeof g.language, fm->f[3].value, "language", err))
        return err->code;
    g.may_contact = form_is(fm, 4, "may-contact");
    g.active = !form_is(fm, 4, "retired");
    g.legal_rep = form_is(fm, 5, "yes");
    if (!g.id)
        return caregiver_add(&a->ctx, &g, err);
    if (caregiver_update(&a->ctx, &g, &theirs, err) != CC_OK)
        return save_conflict(err);
    return CC_OK;
}

view *form_caregiver_new(app *a, int64_t client_id, int64_t caregiver_id)
{
    cc_err err = {0};
    reach_form *rf = reach_form_open(a, client_id, "caregiver");
    if (!rf)
        return NULL;
    form *fm = &rf->fm;
    caregiver *g = &rf->g;
    if (caregiver_id && caregiver_get(&a->ctx, caregiver_id, g, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(rf);
        return NULL;
    }
    fm->title = caregiver_id
                    ? " Edit a family member, caregiver or legal representative"
                    : " Add a family member, caregiver or legal representative";
    fm->n = 6;
    snprintf(fm->choice_buf, sizeof fm->choice_buf, "%s", CAREGIVER_RELATIONSHIPS);
    fm->f[0] = (form_field){"Name", NULL, ""};
    fm->f[1] = (form_field){"Relationship", fm->choice_buf, "child"};
    fm->f[2] = (form_field){"Phone", NULL, ""};
    fm->f[3] = (form_field){"Language", NULL, ""};
    fm->f[4] = (form_field){"Contact",
                            caregiver_id ? "may-contact,do-not-contact,retired"
                                         : "may-contact,do-not-contact",
                            "may-contact"};
    fm->f[5] = (form_field){"Legal rep", "no,yes", "no"};
    if (caregiver_id) {
        snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", g->name);
        snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", g->relationship);
        snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", g->phone);
        snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", g->language);
        snprintf(fm->f[4].value, sizeof fm->f[4].value, "%s",
                 !g->active       ? "retired"
                 : g->may_contact ? "may-contact"
                                  : "do-not-contact");
        snprintf(fm->f[5].value, sizeof fm->f[5].value, "%s",
                 g->legal_rep ? "yes" : "no");
    }
    snprintf(fm->preview, sizeof fm->preview,
             "A legal representative (power of attorney, guardian) may sign consent.");
    fm->save = save_caregiver;
    fm->saved_msg = caregiver_id ? "caregiver saved" : "caregiver added";
    return form_view_new(fm);
}

view *form_caregiver_add(app *a, int64_t client_id)
{
    return form_caregiver_new(a, client_id, 0);
}
