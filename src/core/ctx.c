/*
 * ctx.c — the helpers every core module shares: the clock's date, one
 * transaction wrapper, statement helpers and the audit shortcut.
 */
#include "ctx.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "store/stmtcache.h"
#include "util/clock.h"
#include "util/text.h"

int64_t ctx_clock(const cc_ctx *c)
{
    return c->clock ? c->clock : clock_now();
}

void ctx_today(const cc_ctx *c, char out[11])
{
    time_t t = (time_t)ctx_clock(c);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void ctx_now(const cc_ctx *c, char out[21])
{
    clock_format_iso(ctx_clock(c), out);
}

cc_ctx ctx_system(store *st)
{
    cc_ctx c = {.st = st, .system = 1};
    snprintf(c.role, sizeof c.role, "system");
    return c;
}

int ctx_audit_refusal(cc_ctx *c)
{
    cc_err err;
    char action[48];
    if (!c->refused.action[0])
        return CC_OK;
    snprintf(action, sizeof action, "%s.refused", c->refused.action);
    c->refused.action[0] = '\0';
    if (store_begin(c->st, &err) != CC_OK)
        return err.code;
    if (ctx_audit(c, action, "client", c->refused.client_id, c->refused.details,
                  &err) != CC_OK) {
        store_rollback(c->st);
        return err.code;
    }
    return store_commit(c->st, &err);
}

int ctx_txn(cc_ctx *c, int (*fn)(cc_ctx *, void *, cc_err *), void *arg, cc_err *err)
{
    int outer = c->read_failed; /* of an enclosing use case (store/nest.h) */
    if (store_begin(c->st, err) != CC_OK)
        return err->code;
    c->covering = 0;
    c->read_failed = 0;
    int rc = fn(c, arg, err);
    if (rc == CC_OK && c->read_failed)
        rc = store_fail(c->st, c->read_failed, "reading the database", err);
    c->read_failed = outer;
    if (rc != CC_OK) {
        int code = err->code ? err->code : CC_EDATA;
        store_rollback(c->st);
        ctx_audit_refusal(c);
        return code;
    }
    return store_commit(c->st, err);
}

sqlite3_stmt *ctx_prepare(cc_ctx *c, const char *sql, cc_err *err)
{
    int rc;
    sqlite3_stmt *st = stmtcache_get(store_db(c->st), sql, &rc);
    if (!st)
        store_fail(c->st, rc, "database", err);
    return st;
}

void ctx_finalize(sqlite3_stmt *st)
{
    stmtcache_put(st);
}

int ctx_done(cc_ctx *c, sqlite3_stmt *st, const char *what, cc_err *err)
{
    int rc = sqlite3_step(st);
    ctx_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(c->st, rc, what, err);
}

int ctx_audit(cc_ctx *c, const char *action, const char *kind, int64_t id,
              const char *details, cc_err *err)
{
    char object[64], noted[512];
    snprintf(object, sizeof object, "%s:%lld", kind, (long long)id);
    if (c->covering) {
        snprintf(noted, sizeof noted, "%s%scovering for %s", details ? details : "",
                 details && *details ? "; " : "", c->covering_login);
        details = noted;
    }
    return audit_append(c->st, c->staff_id, action, object, details, err);
}

int64_t ctx_int(cc_ctx *c, const char *sql, int64_t a, int64_t b)
{
    int64_t v = 0;
    int rc;
    sqlite3_stmt *st = stmtcache_get(store_db(c->st), sql, &rc);
    if (!st) {
        c->read_failed = c->read_failed ? c->read_failed : rc;
        return 0;
    }
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE && !c->read_failed)
        c->read_failed = rc;
    ctx_finalize(st);
    return v;
}

void ctx_col(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

void ctx_bind_opt(sqlite3_stmt *st, int idx, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, idx);
}

int ctx_one_line(const char *s, const char *what, cc_err *err)
{
    if (!text_is_clean(s) || strchr(s, '\n'))
        return cc_err_set(err, CC_EINPUT, "%s must be one printable line", what);
    return CC_OK;
}

int ctx_text_ok(const char *s, const char *what, size_t max, int lines, cc_err *err)
{
    if (!s)
        return CC_OK;
    if (strlen(s) > max)
        return cc_err_set(err, CC_EINPUT, "%s is too long (at most %zu bytes)", what,
                          max);
    if (!text_is_clean(s))
        return cc_err_set(err, CC_EINPUT, "%s has control characters", what);
    if (!lines && strchr(s, '\n'))
        return cc_err_set(err, CC_EINPUT, "%s must be one printable line", what);
    return CC_OK;
}

int ctx_in_list(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}
