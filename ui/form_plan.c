/*
 * form_plan.c — the care plan from the record's plan tab, and the patient
 * activation result: a goal in the client's own words added or edited
 * (met, or dropped with a reason), a step added to a goal (who does what by
 * when), a step marked done or turned into a task, the plan reviewed, the
 * program's starting goals, and a PAM result entered from the licensed
 * instrument. Each saves through one call of plan.h or pam.h, which
 * decides; a newer save by someone else is never overwritten: the status
 * line says so and the form stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pam.h"
#include "core/plan.h"
#include "form_common.h"
#include "keymap.h"

typedef struct plan_form {
    form fm;
    plan_goal g; /* as read when the form opened (an edit) */
    int64_t goal_id;
    char title[288];
    char msg[160];
} plan_form;

static int save_conflict(cc_err *err)
{
    if (err->code == CC_ECONFLICT)
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 ": theirs below, yours kept above (reopen to edit theirs)");
    return err->code;
}

static plan_form *plan_form_open(app *a, int64_t client_id, const char *what)
{
    if (!may_change(a, client_id))
        return NULL;
    plan_form *pf = (plan_form *)form_alloc(sizeof *pf, what, a);
    if (pf)
        pf->fm.client_id = client_id;
    return pf;
}

/* ---- goals ------------------------------------------------------------- */

static int save_goal(app *a, form *fm, cc_err *err)
{
    plan_form *pf = (plan_form *)fm;
    plan_goal g = pf->g, theirs;
    int edit = g.id != 0;
    if (form_take(g.words, sizeof g.words, fm->f[0].value, "the goal", err) ||
        form_take(g.barriers, sizeof g.barriers, fm->f[1].value, "barriers", err) ||
        form_take(g.review_date, sizeof g.review_date, fm->f[edit ? 4 : 2].value,
                  "review date (YYYY-MM-DD)", err))
        return err->code;
    if (!edit)
        return plan_goal_add(&a->ctx, fm->client_id, &g, err);
    if (form_take(g.status, sizeof g.status, fm->f[2].value, "status", err) ||
        form_take(g.reason, sizeof g.reason, fm->f[3].value, "reason", err))
        return err->code;
    if (plan_goal_update(&a->ctx, &g, &theirs, err) != CC_OK) {
        if (err->code == CC_ECONFLICT) /* both versions, nothing overwritten */
            snprintf(fm->preview, sizeof fm->preview,
                     "Theirs: %.90s | %.60s | %s%s%.40s",
                     theirs.words, theirs.barriers[0] ? theirs.barriers : "-",
                     theirs.status, theirs.reason[0] ? ": " : "", theirs.reason);
        return save_conflict(err);
    }
    snprintf(pf->msg, sizeof pf->msg, "goal saved: %s", g.status);
    return CC_OK;
}

static void goal_fields(app *a, plan_form *pf)
{
    form *fm = &pf->fm;
    const plan_goal *g = &pf->g;
    fm->f[0] = (form_field){"In their words", NULL, ""};
    fm->f[1] = (form_field){"Barriers", NULL, ""};
    if (!g->id) {
        fm->n = 3;
        fm->f[2] = (form_field){"Review by", NULL, ""};
        form_today_plus(a, 30, fm->f[2].value);
        return;
    }
    fm->n = 5;
    fm->f[2] = (form_field){"Status", "active,met,dropped", "active"};
    fm->f[3] = (form_field){"Why dropped", NULL, ""};
    fm->f[4] = (form_field){"Review by", NULL, ""};
    snprintf(fm->f[0].value, sizeof fm->f[0].value, "%s", g->words);
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%s", g->barriers);
    snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s", g->status);
    snprintf(fm->f[3].value, sizeof fm->f[3].value, "%s", g->reason);
    snprintf(fm->f[4].value, sizeof fm->f[4].value, "%s", g->review_date);
}

/* A goal added (goal_id 0) or edited. */
view *form_goal_new(app *a, int64_t client_id, int64_t goal_id)
{
    cc_err err = {0};
    plan_form *pf = plan_form_open(a, client_id, "goal");
    if (!pf)
        return NULL;
    if (goal_id && plan_goal_get(&a->ctx, goal_id, &pf->g, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(pf);
        return NULL;
    }
    form *fm = &pf->fm;
    fm->title =
        goal_id ? " Edit a goal of the care plan" : " Add a goal to the care plan";
    goal_fields(a, pf);
    snprintf(fm->preview, sizeof fm->preview, "%s",
             goal_id ? "Met or dropped ends the goal; dropped needs the reason why."
                     : "The goal as the client says it, e.g. \"stay in my own home\".");
    fm->save = save_goal;
    snprintf(pf->msg, sizeof pf->msg, "goal added to the care plan");
    fm->saved_msg = pf->msg;
    return form_view_new(fm);
}

/* ---- steps ------------------------------------------------------------- */

static int save_step(app *a, form *fm, cc_err *err)
{
    plan_form *pf = (plan_form *)fm;
    plan_step s;
    memset(&s, 0, sizeof s);
    s.goal_id = pf->goal_id;
    const char *who = form_is(fm, 1, "me") ? a->me.login : fm->f[1].value;
    if (form_take(s.what, sizeof s.what, fm->f[0].value, "what", err) ||
        form_take(s.who, sizeof s.who, who, "who", err) ||
        form_take(s.due_date, sizeof s.due_date, fm->f[2].value, "by (YYYY-MM-DD)",
                  err))
        return err->code;
    return plan_step_add(&a->ctx, &s, err);
}

/* The goal of row ref: "goal:ID", or "step:ID" (that step's goal); 0 with
 * why not in err. */
static int64_t goal_of_ref(app *a, const char *ref, cc_err *err)
{
    plan_step s;
    if (!strncmp(ref, "goal:", 5))
        return atoll(ref + 5);
    if (!strncmp(ref, "step:", 5) &&
        plan_step_get(&a->ctx, atoll(ref + 5), &s, err) == CC_OK)
        return s.goal_id;
    if (!err->code)
        cc_err_set(err, CC_EINPUT, "choose a goal on the plan tab (%s adds one)",
                   keymap_key_name(ACT_ADD_GOAL));
    return 0;
}

/* A step added to the goal of row ref of client_id's plan. */
view *form_step_new(app *a, int64_t client_id, const char *ref)
{
    cc_err err = {0};
    int64_t goal_id;
    if (!may_change(a, client_id))
        return NULL;
    if (!(goal_id = goal_of_ref(a, ref, &err))) {
        app_status(a, 1, "%s", err.msg);
        return NULL;
    }
    plan_form *pf = plan_form_open(a, client_id, "step");
    if (!pf)
        return NULL;
    if (plan_goal_get(&a->ctx, goal_id, &pf->g, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        free(pf);
        return NULL;
    }
    form *fm = &pf->fm;
    pf->goal_id = goal_id;
    snprintf(pf->title, sizeof pf->title, " Add a step to the goal: %s", pf->g.words);
    fm->title = pf->title;
    fm->n = 3;
    snprintf(fm->choice_buf, sizeof fm->choice_buf, "client,caregiver,");
    size_t used = strlen(fm->choice_buf);
    form_team_mates(a, fm->choice_buf + used, sizeof fm->choice_buf - used);
    fm->f[0] = (form_field){"What", NULL, ""};
    fm->f[1] = (form_field){"Who", fm->choice_buf, "client"};
    fm->f[2] = (form_field){"By", NULL, ""};
    form_today_plus(a, 7, fm->f[2].value);
    snprintf(fm->preview, sizeof fm->preview,
             "Who: the client, a caregiver or a colleague (%s then makes it a task).",
             keymap_key_name(ACT_STEP_TASK));
    fm->save = save_step;
    fm->saved_msg = "step added to the goal";
    return form_view_new(fm);
}

/* d or J on step step_id: done, or a task; the outcome on the status line. */
int plan_step_act(app *a, int64_t client_id, int64_t step_id, enum action act)
{
    plan_step s, theirs;
    int64_t task_id;
    cc_err err = {0};
    if (!may_change(a, client_id))
        return 0;
    if (plan_step_get(&a->ctx, step_id, &s, &err) != CC_OK)
        goto failed;
    if (act == ACT_STEP_TASK) {
        if (plan_step_to_task(&a->ctx, step_id, s.version, &task_id, &err) != CC_OK)
            goto failed;
        app_status(a, 0, "the step is task %lld (tasks tab)", (long long)task_id);
        return 1;
    }
    s.done = 1;
    if (plan_step_update(&a->ctx, &s, &theirs, &err) != CC_OK)
        goto failed;
    app_status(a, 0, "step done: %s", s.what);
    return 1;
failed:
    app_status(a, 1, "%s", err.msg);
    return err.code == CC_ECONFLICT;
}

/* v: the plan reviewed; U: the program's starting goals. */
void plan_act(app *a, int64_t client_id, enum action act)
{
    cc_err err = {0};
    int added = 0;
    if (!may_change(a, client_id))
        return;
    if (act == ACT_PLAN_REVIEW) {
        if (plan_review(&a->ctx, client_id, &err) == CC_OK)
            app_status(a, 0,
                       "plan reviewed: during an episode, the next review is due "
                       "in 30 days");
    } else if (plan_from_template(&a->ctx, client_id, &added, &err) == CC_OK) {
        if (added)
            app_status(a, 0, "%d starting goal%s added from the program's template",
                       added, added == 1 ? "" : "s");
        else
            app_status(a, 0, "the plan has the template's starting goals already");
    }
    if (err.code)
        app_status(a, 1, "%s", err.msg);
}

/* ---- patient activation ------------------------------------------------ */

static int save_pam(app *a, form *fm, cc_err *err)
{
    pam_result r;
    char *end;
    memset(&r, 0, sizeof r);
    r.client_id = fm->client_id;
    r.score = strtod(fm->f[0].value, &end);
    if (!fm->f[0].value[0] || *end)
        return cc_err_set(err, CC_EINPUT, "the score is a number from 0 to 100");
    r.level = atoi(fm->f[1].value);
    if (form_take(r.instrument, sizeof r.instrument, fm->f[2].value, "instrument",
                  err) ||
        form_take(r.taken_date, sizeof r.taken_date, fm->f[3].value,
                  "date (YYYY-MM-DD)", err))
        return err->code;
    return pam_record(&a->ctx, &r, err);
}

/* A PAM result of client_id. */
view *form_pam_new(app *a, int64_t client_id)
{
    plan_form *pf = plan_form_open(a, client_id, "PAM");
    if (!pf)
        return NULL;
    form *fm = &pf->fm;
    fm->title = " Patient Activation Measure: a result from the licensed instrument";
    fm->n = 4;
    fm->f[0] = (form_field){"Score (0-100)", NULL, ""};
    fm->f[1] = (form_field){"Level", "1,2,3,4", "1"};
    fm->f[2] = (form_field){"Instrument", "PAM-13,PAM-10", "PAM-13"};
    fm->f[3] = (form_field){"Taken on", NULL, ""};
    form_today_plus(a, 0, fm->f[3].value);
    snprintf(
        fm->preview, sizeof fm->preview,
        "The score and level the licensed instrument gave (carecoord does not score).");
    fm->save = save_pam;
    fm->saved_msg = "PAM result recorded";
    return form_view_new(fm);
}
