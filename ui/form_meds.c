/*
 * form_meds.c — the medications tab and the care-transition pillars: a
 * medication added to the client's list or edited (a stop date stops it),
 * a reconciliation with up to three discrepancies and how each was
 * resolved, the nurse's sign-off of a reconciliation, and a pillar (the
 * personal health record, follow-up, red flags) marked done for the open
 * care-transition episode. Each saves through one call of meds.h, which
 * decides (only a nurse signs off); its refusal stays on the status line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/meds.h"
#include "form_common.h"

#define REC_PAIRS 3 /* discrepancies on the reconciliation form */

typedef struct med_form {
    form fm;
    medication m; /* as read when the form opened (an edit) */
    char msg[160];
} med_form;

static med_form *med_form_open(app *a, int64_t client_id, const char *what)
{
    if (!may_change(a, client_id))
        return NULL;
    med_form *mf = (med_form *)form_alloc(sizeof *mf, what, a);
    if (mf)
        mf->fm.client_id = client_id;
    return mf;
}

/* ---- a medication ------------------------------------------------------- */

static int take_med(const form *fm, medication *m, cc_err *err)
{
    if (form_take(m->name, sizeof m->name, fm->f[0].value, "name", err) ||
        form_take(m->dose, sizeof m->dose, fm->f[1].value, "dose", err) ||
        form_take(m->how_taken, sizeof m->how_taken, fm->f[2].value, "how taken",
                  err) ||
        form_take(m->prescriber, sizeof m->prescriber, fm->f[3].value, "prescriber",
                  err) ||
        form_take(m->source, sizeof m->source, fm->f[4].value, "source", err) ||
        form_take(m->start_date, sizeof m->start_date, fm->f[5].value,
                  "started (YYYY-MM-DD)", err) ||
        form_take(m->stop_date, sizeof m->stop_date, fm->f[6].value,
                  "stopped (YYYY-MM-DD)", err))
        return err->code;
    return CC_OK;
}

static int save_med(app *a, form *fm, cc_err *err)
{
    med_form *mf = (med_form *)fm;
    medication m = mf->m, theirs;
    m.client_id = fm->client_id;
    if (take_med(fm, &m, err) != CC_OK)
        return err->code;
    if (!m.id)
        return med_add(&a->ctx, &m, err);
    if (med_update(&a->ctx, &m, &theirs, err) != CC_OK) {
        if (err->code == CC_ECONFLICT)
            snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                     ": close the form and open it again to see theirs");
        return err->code;
    }
    snprintf(mf->msg, sizeof mf->msg, "%s: %s", m.stop_date[0] ? "stopped" : "saved",
             m.name);
    return CC_OK;
}

static void med_fields(app *a, med_form *mf)
{
    form *fm = &mf->fm;
    const medication *m = &mf->m;
    fm->n = 7;
    fm->f[0] = (form_field){"Name", NULL, ""};
    fm->f[1] = (form_field){"Dose", NULL, ""};
    fm->f[2] = (form_field){"How taken", NULL, ""};
    fm->f[3] = (form_field){"Prescriber", NULL, ""};
    fm->f[4] = (form_field){"Source", MED_SOURCES, "client"};
    fm->f[5] = (form_field){"Started", NULL, ""};
    fm->f[6] = (form_field){"Stopped", NULL, ""};
    if (!m->id) {
        form_today_plus(a, 0, fm->f[5].value);
        return;
    }
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", m->name);
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", m->dose);
    snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", m->how_taken);
    snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", m->prescriber);
    snprintf(fm->f[4].value, sizeof fm->f[4].value, "%s", m->source);
    snprintf(fm->f[5].value, sizeof fm->f[5].value, "%s", m->start_date);
    snprintf(fm->f[6].value, sizeof fm->f[6].value, "%s", m->stop_date);
}

/* A medication added (med_id 0) or edited. */
view *form_med_new(app *a, int64_t client_id, int64_t med_id)
{
    cc_err err = {0};
    med_form *mf = med_form_open(a, client_id, "medication");
    if (!mf)
        return NULL;
    if (med_id && med_get(&a->ctx, med_id, &mf->m, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(mf);
        return NULL;
    }
    form *fm = &mf->fm;
    fm->title = med_id ? " Edit a medication (a stop date stops it)"
                       : " Add a medication to the client's list";
    med_fields(a, mf);
    snprintf(fm->preview, sizeof fm->preview,
             "Source: where it came from (the bottles in the home, a discharge "
             "summary).");
    fm->save = save_med;
    snprintf(mf->msg, sizeof mf->msg, "medication added to the list");
    fm->saved_msg = mf->msg;
    return form_view_new(fm);
}

/* ---- the reconciliation ------------------------------------------------- */

static int save_reconcile(app *a, form *fm, cc_err *err)
{
    med_form *mf = (med_form *)fm;
    med_discrepancy d[REC_PAIRS];
    int n = 0;
    int64_t id;
    memset(d, 0, sizeof d);
    for (int i = 0; i < REC_PAIRS; i++) {
        const char *what = fm->f[1 + 2 * i].value, *how = fm->f[2 + 2 * i].value;
        if (!what[0] && !how[0])
            continue;
        if (form_take(d[n].what, sizeof d[n].what, what, "discrepancy", err) ||
            form_take(d[n].resolution, sizeof d[n].resolution, how, "resolution", err))
            return err->code;
        n++;
    }
    if (med_reconcile(&a->ctx, fm->client_id, fm->f[0].value, d, n, &id, err) != CC_OK)
        return err->code;
    snprintf(mf->msg, sizeof mf->msg,
             "reconciliation %lld recorded, %d discrepanc%s: the nurse signs it off",
             (long long)id, n, n == 1 ? "y" : "ies");
    return CC_OK;
}

/* A reconciliation of client_id's list now. */
view *form_reconcile_new(app *a, int64_t client_id)
{
    static const char *const labels[2 * REC_PAIRS] = {"Discrepancy 1", "Resolved by",
                                                      "Discrepancy 2", "Resolved by",
                                                      "Discrepancy 3", "Resolved by"};
    med_form *mf = med_form_open(a, client_id, "reconciliation");
    if (!mf)
        return NULL;
    form *fm = &mf->fm;
    fm->title = " Medication reconciliation: the list compared with what is taken";
    fm->n = 1 + 2 * REC_PAIRS;
    fm->f[0] = (form_field){"Note", NULL, ""};
    for (int i = 0; i < 2 * REC_PAIRS; i++)
        fm->f[1 + i] = (form_field){labels[i], NULL, ""};
    snprintf(
        fm->preview, sizeof fm->preview,
        "Each discrepancy found (a double, a stopped pill) and how it was resolved.");
    fm->save = save_reconcile;
    fm->saved_msg = mf->msg;
    return form_view_new(fm);
}

/* The nurse signs reconciliation rec_id off; the outcome on the status
 * line (the core refuses anyone else). */
void med_sign_off_act(app *a, int64_t rec_id)
{
    cc_err err = {0};
    if (med_sign_off(&a->ctx, rec_id, &err) != CC_OK)
        app_status(a, 1, "%s", err.msg);
    else
        app_status(a, 0, "reconciliation %lld signed off", (long long)rec_id);
}

/* ---- the pillars ---------------------------------------------------------- */

static int save_pillar(app *a, form *fm, cc_err *err)
{
    med_form *mf = (med_form *)fm;
    if (pillar_mark(&a->ctx, fm->client_id, fm->f[0].value, fm->f[1].value, err) !=
        CC_OK)
        return err->code;
    snprintf(mf->msg, sizeof mf->msg, "pillar done: %.20s", fm->f[0].value);
    return CC_OK;
}

/* A pillar of client_id's open care-transition episode marked done. */
view *form_pillar_new(app *a, int64_t client_id)
{
    med_form *mf = med_form_open(a, client_id, "pillar");
    if (!mf)
        return NULL;
    form *fm = &mf->fm;
    fm->title = " Care transition: a pillar done for the open episode";
    fm->n = 2;
    fm->f[0] = (form_field){"Pillar", "phr,follow-up,red-flags", "phr"};
    fm->f[1] = (form_field){"Note", NULL, ""};
    snprintf(
        fm->preview, sizeof fm->preview,
        "phr: the health record given and used; red-flags: taught, repeated back.");
    fm->save = save_pillar;
    fm->saved_msg = mf->msg;
    return form_view_new(fm);
}
