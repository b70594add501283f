/*
 * form_encounter.c — a hospital encounter learned by phone or fax: what
 * happened (admission, ED visit, discharge, transfer), where (a facility
 * of the directory), when (the site's local time) and the visit number if
 * known. Saved through the same core path as an imported notification, so
 * a discharge starts the episode or its tasks and a readmission alerts.
 */
#include <stdio.h>
#include <string.h>

#include "core/notice.h"
#include "core/org.h"
#include "form_common.h"
#include "util/clock.h"

typedef struct encounter_form {
    form fm;
    char msg[160];
} encounter_form;

/* "YYYY-MM-DD HH:MM" in the site's zone as an ISO instant. */
static int local_to_iso(const char *s, char out[21])
{
    char date[11];
    int h, m;
    if (strlen(s) != 16 || sscanf(s, "%10s %d:%d", date, &h, &m) != 3 || s[13] != ':')
        return -1;
    int64_t t = clock_local_instant(date, h, m, 0);
    if (!t)
        return -1;
    clock_format_iso(t, out);
    return 0;
}

static int save_encounter(app *a, form *fm, cc_err *err)
{
    encounter_form *ef = (encounter_form *)fm;
    notice_result r;
    char at[21];
    if (local_to_iso(fm->f[2].value, at) != 0)
        return cc_err_set(err, CC_EINPUT, "when: YYYY-MM-DD HH:MM (local time)");
    if (notice_enter(&a->ctx, fm->client_id, fm->f[0].value, fm->f[1].value, at,
                     fm->f[3].value, &r, err) != CC_OK)
        return err->code;
    snprintf(ef->msg, sizeof ef->msg, "recorded: %.140s", r.what);
    return CC_OK;
}

/* The active hospitals and SNFs of the directory, for the choice. */
static void facility_choices(app *a, char *buf, size_t n)
{
    static const char *const kinds[] = {"hospital", "snf"};
    buf[0] = '\0';
    for (size_t k = 0; k < 2; k++) {
        cc_table t;
        cc_err err = {0};
        if (org_list(&a->ctx, kinds[k], &t, &err) != CC_OK)
            continue;
        for (int r = 0; r < t.nrows; r++) {
            const char *code = table_cell(&t, r, table_col(&t, "code"));
            if (strcmp(table_cell(&t, r, table_col(&t, "state")), "active") == 0 &&
                *code && strlen(buf) + strlen(code) + 2 < n)
                snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "," : "",
                         code);
        }
        table_free(&t);
    }
}

view *form_encounter_new(app *a, int64_t client_id)
{
    if (!may_change(a, client_id))
        return NULL;
    encounter_form *ef = (encounter_form *)form_alloc(sizeof *ef, "encounter", a);
    if (!ef)
        return NULL;
    form *fm = &ef->fm;
    char now[21];
    fm->title = " A hospital encounter, by phone or fax";
    fm->client_id = client_id;
    fm->n = 4;
    facility_choices(a, fm->choice_buf, sizeof fm->choice_buf);
    fm->f[0] = (form_field){"What", "discharge,admit,ed,transfer", "discharge"};
    fm->f[1] = (form_field){"Facility", fm->choice_buf, ""};
    snprintf(fm->f[1].value, sizeof fm->f[1].value, "%.*s",
             (int)strcspn(fm->choice_buf, ","), fm->choice_buf);
    fm->f[2] = (form_field){"When (local)", NULL, ""};
    ctx_now(&a->ctx, now);
    int64_t t;
    if (clock_parse_iso(now, &t) == 0) { /* now, to the minute, in local time */
        char date[11];
        clock_local_date_of(now, date);
        int64_t mid = clock_local_midnight(date);
        snprintf(fm->f[2].value, sizeof fm->f[2].value, "%s %02d:%02d", date,
                 (int)((t - mid) / 3600 % 24), (int)((t - mid) / 60 % 60));
    }
    fm->f[3] = (form_field){"Visit number", NULL, ""};
    snprintf(fm->preview, sizeof fm->preview,
             "As a notification would: the episode, the 72-hour visit, the readmission "
             "flag.");
    fm->save = save_encounter;
    fm->saved_msg = ef->msg;
    return form_view_new(fm);
}
