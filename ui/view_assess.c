/*
 * view_assess.c — the risk assessment, asked question by question (y or n,
 * back to change an answer), then the result with its drivers before
 * anything is saved. The questionnaire, its weights and thresholds come from
 * the core; saving is one call that also applies the rules (an episode, the
 * monitoring list, an alert to the nurse) and says what they did.
 */
#include <stdlib.h>
#include <string.h>

#include "core/assessment.h"
#include "core/consent.h"
#include "form_common.h"
#include "keymap.h"

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
    char keys[128];
    snprintf(keys, sizeof keys, "%s yes   %s no   %s or %s: back   %s: cancel",
             keymap_key_name(ACT_YES), keymap_key_name(ACT_NO),
             keymap_key_name(ACT_MOVE_UP), keymap_key_name(ACT_ERASE),
             keymap_key_name(ACT_CANCEL));
    draw_text(a, y + 3 + used, 4, a->lay.cols - 8, keys, ROLE_DIM);
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
    char keys[128];
    snprintf(keys, sizeof keys, "%s: save   %s or %s: change an answer   %s: cancel",
             keymap_key_name(ACT_SUBMIT), keymap_key_name(ACT_MOVE_UP),
             keymap_key_name(ACT_ERASE), keymap_key_name(ACT_CANCEL));
    draw_text(a, y + 3 + used, 4, a->lay.cols - 8, keys, ROLE_WARN);
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

static enum redraw assess_save(app *a, assess *as)
{
    assessment_outcome out;
    cc_err err = {0};
    char msg[256];
    if (assessment_record(&a->ctx, as->client_id, as->program_id, &as->q, as->answers,
                          &out, &err) != CC_OK) {
        app_status(a, 1, "not saved: %s", err.msg);
        return REDRAW_VIEW;
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
    return REDRAW_ALL;
}

static enum redraw answer(assess *as, int yes)
{
    if (as->at == as->q.n)
        return REDRAW_NONE; /* all answered: the result is shown */
    as->answers[as->at++] = yes;
    if (as->at == as->q.n)
        hra_score(&as->q, as->answers, &as->result);
    return REDRAW_VIEW;
}

static enum redraw answer_yes(app *a, assess *as)
{
    (void)a;
    return answer(as, 1);
}

static enum redraw answer_no(app *a, assess *as)
{
    (void)a;
    return answer(as, 0);
}

/* Back one question (to change an answer). */
static enum redraw step_back(app *a, assess *as)
{
    (void)a;
    if (!as->at)
        return REDRAW_NONE;
    as->at--;
    return REDRAW_VIEW;
}

static enum redraw submit(app *a, assess *as)
{
    return as->at == as->q.n ? assess_save(a, as) : REDRAW_NONE;
}

static enum redraw cancel(app *a, assess *as)
{
    (void)as;
    app_pop(a);
    app_status(a, 0, "assessment cancelled: nothing saved");
    return REDRAW_ALL;
}

static const struct {
    enum action act;
    enum redraw (*run)(app *a, assess *as);
} assess_keys[] = {
    {ACT_YES, answer_yes},       {ACT_NO, answer_no},      {ACT_ERASE, step_back},
    {ACT_PREV_FIELD, step_back}, {ACT_MOVE_UP, step_back}, {ACT_SUBMIT, submit},
    {ACT_CANCEL, cancel},        {ACT_BACK, cancel},
};

/* Every key stays here but quit and help. */
static enum redraw assess_key(app *a, view *v, enum action act, int ch)
{
    (void)ch;
    for (size_t i = 0; i < sizeof assess_keys / sizeof *assess_keys; i++)
        if (assess_keys[i].act == act)
            return assess_keys[i].run(a, v->data);
    return act == ACT_QUIT || act == ACT_HELP ? REDRAW_PASS : REDRAW_NONE;
}

static void assess_destroy(view *v)
{
    free(v->data);
    free(v);
}

static const struct view_ops assess_ops = {
    "assessment", "help quit",    assess_draw, assess_key,
    NULL,         assess_destroy, KEYS_EDIT,   0,
};

view *view_assessment_new(app *a, int64_t client_id)
{
    cc_err err = {0};
    int64_t program_id;
    if (!may_change(a, client_id))
        return NULL;
    int consented;
    if (consent_participation_check(&a->ctx, client_id, &consented, &err) != CC_OK) {
        app_status(a, 1, "%s", err.msg);
        return NULL;
    }
    if (!consented) {
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
    form_client_name(a, client_id, as->name, sizeof as->name);
    v->ops = &assess_ops;
    v->data = as;
    return v;
}
