/*
 * form_handoff.c — proposing a warm hand-off: the receiver (picked from a
 * list by typing part of its name), a note, whether substance-use
 * information goes along; the summary that will be sent is shown prefilled,
 * and for an outside organization the consent gate's verdict is shown as it
 * is typed, before anything is sent. The client stays the sender's until
 * the hand-off is accepted.
 */
#include <stdlib.h>
#include <string.h>

#include "core/consent.h"
#include "core/handoff.h"
#include "core/program.h"
#include "core/staff.h"
#include "form_common.h"

int form_parse_target(app *a, const char *spec, handoff_target *t, cc_err *err)
{
    const char *colon = strchr(spec, ':');
    staff s;
    program p;
    memset(t, 0, sizeof *t);
    if (!colon)
        return cc_err_set(err, CC_EINPUT,
                          "to: staff:LOGIN, team:ID, program:CODE or org:CODE");
    if (!strncmp(spec, "staff:", 6) && staff_find(a->st, colon + 1, &s, err) == CC_OK)
        snprintf(t->kind, sizeof t->kind, "staff"), t->id = s.id;
    else if (!strncmp(spec, "team:", 5))
        snprintf(t->kind, sizeof t->kind, "team"), t->id = atoll(colon + 1);
    else if (!strncmp(spec, "program:", 8) &&
             program_by_code(&a->ctx, colon + 1, &p, err) == CC_OK)
        snprintf(t->kind, sizeof t->kind, "program"), t->id = p.id;
    else if (!strncmp(spec, "org:", 4))
        snprintf(t->kind, sizeof t->kind, "organization"),
            t->id = organization_by_code(&a->ctx, colon + 1);
    return t->id       ? CC_OK
           : err->code ? err->code
                       : cc_err_set(err, CC_EINPUT, "no such %s", spec);
}

/* Show the consent gate's verdict for an outside organization as it is
 * typed, before anything is sent. */
static void handoff_changed(app *a, form *fm)
{
    handoff_target t;
    cc_err err = {0};
    if (strncmp(fm->f[0].value, "org:", 4) != 0 ||
        form_parse_target(a, fm->f[0].value, &t, &err) != CC_OK)
        return;
    if (consent_covers(&a->ctx, fm->client_id, t.id, !strcmp(fm->f[2].value, "yes"),
                       &err))
        snprintf(fm->preview, sizeof fm->preview, "Consent gate: REFUSED: %s", err.msg);
    else
        snprintf(fm->preview, sizeof fm->preview,
                 "Consent gate: passes; the summary will be recorded as a disclosure");
}

static int save_handoff(app *a, form *fm, cc_err *err)
{
    handoff_target t;
    int64_t id;
    if (form_parse_target(a, fm->f[0].value, &t, err) != CC_OK)
        return err->code;
    return handoff_propose(&a->ctx, fm->client_id, &t, fm->f[1].value,
                           !strcmp(fm->f[2].value, "yes"), &id, err);
}

view *form_handoff_new(app *a, int64_t client_id)
{
    char *summary = NULL;
    cc_err err = {0};
    if (!may_change(a, client_id))
        return NULL;
    form *fm = form_alloc(sizeof *fm, "propose a hand-off", a);
    if (!fm)
        return NULL;
    fm->title = " Propose a warm hand-off (you keep the client until it is accepted)";
    fm->client_id = client_id;
    fm->n = 3;
    fm->f[0] = (form_field){"To", NULL, "staff:"};
    if (worklist_handoff_targets(&a->ctx, fm->choice_buf, sizeof fm->choice_buf,
                                 &err) == CC_OK &&
        fm->choice_buf[0]) { /* chosen from a list: Space and arrows move through it */
        fm->f[0].choices = fm->choice_buf;
        snprintf(fm->f[0].value, sizeof fm->f[0].value, "%.*s",
                 (int)strcspn(fm->choice_buf, ","), fm->choice_buf);
    }
    fm->f[1] = (form_field){"Note", NULL, ""};
    fm->f[2] = (form_field){"Substance-use info", "no,yes", "no"};
    if (handoff_summary(&a->ctx, client_id, &summary, &err) == CC_OK)
        snprintf(fm->preview, sizeof fm->preview, "Summary sent: %s", summary);
    free(summary);
    fm->save = save_handoff;
    fm->changed = handoff_changed;
    fm->saved_msg = "hand-off proposed; the client stays yours until it is accepted";
    return form_view_new(fm);
}
