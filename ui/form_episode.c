/*
 * form_episode.c — the intensive episode of the client's program: start it,
 * extend it (with a reason) or close it (with an outcome); and the SNF path:
 * the client moves into a skilled nursing facility (the episode pauses into
 * light touch) or home from it (still high at the latest assessment: a new
 * episode); and light touch ends (with a reason: stable, moved, ...). The
 * form keeps
 * the version of the open episode it read; if someone changed the episode
 * first the save is refused as a conflict, and ^L reads it again while the
 * typed values stay.
 */
#include <string.h>

#include "core/episode.h"
#include "core/program.h"
#include "form_common.h"
#include "keymap.h"

enum { E_ACTION, E_DAYS, E_REASON, E_DATE, E_OUTCOME, E_SNF, E_END };

typedef struct episode_form {
    form fm;
    int64_t program_id;
    episode ep; /* the open episode as read (ep.id 0: none) */
    char title[200];
    char msg[200];
} episode_form;

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
    program rules; /* the maximum of the version the episode started under */
    if (episode_rules(&a->ctx, &ef->ep, &rules, &err) == CC_OK)
        p.max_days = rules.max_days;
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
    if (form_is(fm, E_ACTION, "to-snf"))
        snprintf(p, sz, "Moves the client into SNF on Date%s",
                 ef->ep.id ? "; the episode pauses into light touch" : "");
    else if (form_is(fm, E_ACTION, "home-from-snf"))
        snprintf(p, sz,
                 "Home from the SNF on Date: still high at the latest "
                 "assessment (re-assess first) starts a new episode");
    else if (form_is(fm, E_ACTION, "end-light-touch"))
        snprintf(p, sz,
                 "Ends light touch on Date for End reason; the client leaves the "
                 "caseload");
    else if (form_is(fm, E_ACTION, "start"))
        snprintf(p, sz, "%s",
                 ef->ep.id ? "An episode is open: extend or close it"
                           : "Starts on Date, with the program's protocol "
                             "tasks (needs consent)");
    else if (!ef->ep.id)
        snprintf(p, sz, "No open episode to %s", fm->f[E_ACTION].value);
    else if (form_is(fm, E_ACTION, "extend"))
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
    if (form_is(fm, E_ACTION, "to-snf")) {
        if (episode_snf_admit(&a->ctx, fm->client_id, ef->program_id,
                              fm->f[E_SNF].value, fm->f[E_DATE].value, &id,
                              err) != CC_OK)
            return err->code;
        snprintf(ef->msg, sizeof ef->msg, "in %.24s%s", fm->f[E_SNF].value,
                 id ? ": the episode paused into light touch" : "");
        return CC_OK;
    }
    if (form_is(fm, E_ACTION, "home-from-snf")) {
        if (episode_snf_discharge(&a->ctx, fm->client_id, ef->program_id,
                                  fm->f[E_DATE].value, &id, err) != CC_OK)
            return err->code;
        if (id)
            snprintf(ef->msg, sizeof ef->msg, "home: still high, episode %lld started",
                     (long long)id);
        else
            snprintf(ef->msg, sizeof ef->msg, "home: light touch goes on");
        return CC_OK;
    }
    if (form_is(fm, E_ACTION, "end-light-touch")) {
        if (monitoring_end(&a->ctx, fm->client_id, ef->program_id, fm->f[E_DATE].value,
                           fm->f[E_END].value, err) != CC_OK)
            return err->code;
        snprintf(ef->msg, sizeof ef->msg, "light touch ended: %.24s",
                 fm->f[E_END].value);
        return CC_OK;
    }
    if (form_is(fm, E_ACTION, "start")) {
        if (episode_start(&a->ctx, fm->client_id, ef->program_id, fm->f[E_DATE].value,
                          NULL, &id, err) != CC_OK)
            return err->code;
        snprintf(ef->msg, sizeof ef->msg, "episode %lld started", (long long)id);
        return CC_OK;
    }
    if (!ef->ep.id)
        return cc_err_set(err, CC_EINPUT, "no open episode: reload (%s) or start one",
                          keymap_key_name(ACT_REFRESH));
    if (form_is(fm, E_ACTION, "extend")) {
        int64_t days = form_positive(fm->f[E_DAYS].value);
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
            "someone changed this episode first: reload (%s) and try again",
            keymap_key_name(ACT_REFRESH));
    return rc;
}

/* ^L reads the episode again; the values typed stay. */
static enum redraw episode_key(app *a, form *fm, enum action act, int ch)
{
    episode_form *ef = (episode_form *)fm;
    (void)ch;
    if (act != ACT_REFRESH)
        return REDRAW_PASS;
    episode_load(a, ef);
    episode_changed(a, &ef->fm);
    app_status(a, 0, "reloaded: the episode as it is now; your values are kept");
    return REDRAW_VIEW;
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
    fm->n = 7;
    episode_load(a, ef);
    fm->f[E_ACTION] = (form_field){
        "Action", "start,extend,close,to-snf,home-from-snf,end-light-touch", "start"};
    if (ef->ep.id)
        snprintf(fm->f[E_ACTION].value, sizeof fm->f[E_ACTION].value, "extend");
    fm->f[E_DAYS] = (form_field){"Days (extend)", NULL, ""};
    fm->f[E_REASON] = (form_field){"Reason (extend)", NULL, ""};
    fm->f[E_DATE] = (form_field){"Date", NULL, ""};
    form_today_plus(a, 0, fm->f[E_DATE].value);
    fm->f[E_OUTCOME] = (form_field){
        "Outcome",
        "goals-met,readmitted,declined-further,unreachable,moved,died,transferred",
        "goals-met"};
    form_org_choices(a, "snf", NULL, fm->choice_buf, sizeof fm->choice_buf);
    fm->f[E_SNF] = (form_field){"SNF (to-snf)", fm->choice_buf, ""};
    form_first_choice(fm->choice_buf, fm->f[E_SNF].value, sizeof fm->f[E_SNF].value);
    fm->f[E_END] = (form_field){
        "End reason", "stable,moved,died,declined-further,unreachable,transferred",
        "stable"};
    fm->save = save_episode;
    fm->changed = episode_changed;
    episode_changed(a, fm);
    fm->key = episode_key;
    return form_view_new(fm);
}
