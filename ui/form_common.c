/*
 * form_common.c — the helpers the case forms share, and the rule decisions
 * still made in the terminal layer (see form_common.h), kept verbatim until
 * the core takes them over.
 */
#include "form_common.h"

#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/program.h"
#include "core/scope.h"
#include "util/clock.h"

/* ---- rule decisions awaiting the core ---------------------------------- */

/* The person may change this client, else why not on the status line. */
int may_change(app *a, int64_t client_id)
{
    cc_err err = {0};
    if (scope_client(&a->ctx, client_id, 1, &err) == CC_OK)
        return 1;
    app_status(a, 1, "%s", err.msg);
    return 0;
}

/* The client's open referral: in the client's program first, else in any
 * program (an unassigned client has none). Returns its id, or 0. */
int64_t open_referral(app *a, int64_t client_id, referral *r)
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
int64_t program_of(app *a, int64_t client_id)
{
    client c;
    referral r;
    cc_err err = {0};
    if (client_get(&a->ctx, client_id, &c, &err) == CC_OK && c.program_id)
        return c.program_id;
    return open_referral(a, client_id, &r) ? r.program_id : 0;
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
