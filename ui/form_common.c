/*
 * form_common.c — the helpers the case forms share, and the early hints
 * they give before asking the core (see form_common.h).
 */
#include "form_common.h"

#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/org.h"
#include "core/program.h"
#include "core/scope.h"
#include "util/clock.h"

/* ---- early hints (the core decides again) ----------------------------- */

/* The person may change this client, else why not on the status line. */
int may_change(app *a, int64_t client_id)
{
    cc_err err = {0};
    if (scope_client(&a->ctx, client_id, 1, &err) == CC_OK)
        return 1;
    app_status(a, 1, "%s", err.msg);
    return 0;
}

/* The client's program (the owner's, else its open referral's). */
int64_t program_of(app *a, int64_t client_id)
{
    return referral_program_of(&a->ctx, client_id);
}

/* ---- helpers ------------------------------------------------------------ */

form *form_alloc(size_t size, const char *what, app *a)
{
    form *fm = calloc(1, size);
    if (!fm)
        app_status(a, 1, "%s: out of memory", what);
    return fm;
}

int form_is(const form *fm, int field, const char *word)
{
    return !strcmp(fm->f[field].value, word);
}

int64_t form_positive(const char *s)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    return *s && !*end && n > 0 ? (int64_t)n : 0;
}

int form_take(char *dst, size_t dstsz, const char *src, const char *what, cc_err *err)
{
    size_t n = strlen(src);
    if (n >= dstsz)
        return cc_err_set(err, CC_EINPUT, "%s is too long: at most %zu characters",
                          what, dstsz - 1);
    memcpy(dst, src, n + 1);
    return CC_OK;
}

void form_today_plus(app *a, int days, char out[11])
{
    char today[11];
    ctx_today(&a->ctx, today);
    if (clock_date_add(today, days, out) != 0)
        snprintf(out, 11, "%s", today);
}

void form_client_name(app *a, int64_t client_id, char *out, size_t outsz)
{
    client c;
    cc_err err = {0};
    if (client_get(&a->ctx, client_id, &c, &err) == CC_OK)
        snprintf(out, outsz, "%s, %s", c.family_name, c.given_name);
    else
        snprintf(out, outsz, "client %lld", (long long)client_id);
}

void form_org_choices(app *a, const char *kinds, const char *first, char *buf, size_t n)
{
    snprintf(buf, n, "%s", first ? first : "");
    for (const char *k = kinds; *k;) {
        char kind[24];
        size_t len = strcspn(k, ",");
        cc_table t;
        cc_err err = {0};
        snprintf(kind, sizeof kind, "%.*s", (int)len, k);
        k += len + (k[len] == ',');
        if (org_list(&a->ctx, kind, &t, &err) != CC_OK)
            continue;
        for (int r = 0; r < t.nrows; r++) {
            const char *code = table_cell(&t, r, table_col(&t, "code"));
            if (!strcmp(table_cell(&t, r, table_col(&t, "state")), "active") && *code &&
                strlen(buf) + strlen(code) + 2 < n)
                snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "," : "",
                         code);
        }
        table_free(&t);
    }
}

void form_team_mates(app *a, char *buf, size_t n)
{
    cc_table t;
    cc_err err = {0};
    snprintf(buf, n, "me");
    if (worklist_colleagues(&a->ctx, &t, &err) != CC_OK)
        return;
    for (int r = 0; r < t.nrows; r++)
        if (strlen(buf) + strlen(table_cell(&t, r, 0)) + 2 < n)
            snprintf(buf + strlen(buf), n - strlen(buf), ",%s", table_cell(&t, r, 0));
    table_free(&t);
}

void form_first_choice(const char *choices, char *out, size_t outsz)
{
    snprintf(out, outsz, "%.*s", (int)strcspn(choices, ","), choices);
}

void form_local_now(app *a, int days, char out[17])
{
    char now[21], date[11];
    int64_t t;
    ctx_now(&a->ctx, now);
    out[0] = '\0';
    if (clock_parse_iso(now, &t) != 0)
        return;
    clock_local_date_of(now, date);
    int64_t mid = clock_local_midnight(date);
    char day[11];
    if (clock_date_add(date, days, day) != 0)
        return;
    unsigned secs = (unsigned)((t - mid) % 86400);
    snprintf(out, 17, "%.10s %02u:%02u", day, (secs / 3600) % 24u, (secs / 60) % 60u);
}
