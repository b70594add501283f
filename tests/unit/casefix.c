/*
 * casefix.c — the core-level fixtures the unit tests share (see casefix.h):
 * staff and their contexts, formatted SQL, programs, synthetic clients and
 * their consent and enrollment. Each asserts its own success through cmocka.
 */
#include "casefix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/consent.h"
#include "core/episode.h"
#include "core/program.h"
#include "core/staff.h"
#include "testutil.h"

store *cf_store(char **dir, const char *name, cc_ctx *sys, cc_ctx *admin)
{
    *dir = tu_tmpdir();
    char *db = tu_path(*dir, name);
    store *s = tu_create(db);
    free(db);
    *sys = ctx_system(s);
    sys->staff_id = cf_staff(s, "admin1", "admin", admin);
    return s;
}

store *cf_root_store(const char *db, const char *pass, cc_ctx *root)
{
    cc_err err = {0};
    store *s = NULL;
    store_set_pwhash_cost(1);
    cf_ok(store_create(db, "root", pass, &s, &err), &err);
    cf_person(s, "root", "admin", "Root");
    if (root)
        *root = cf_as(s, "root");
    return s;
}

int64_t cf_staff(store *s, const char *login, const char *role, cc_ctx *as)
{
    int64_t id = cf_person(s, login, role, login);
    if (as)
        *as = cf_ctx(s, id, role);
    return id;
}

int64_t cf_person(store *s, const char *login, const char *role, const char *full_name)
{
    cc_err err = {0};
    cf_ok(staff_add(s, 0, login, role, full_name, NULL, 0, &err), &err);
    return cf_staff_id(s, login);
}

int64_t cf_staff_id(store *s, const char *login)
{
    staff st;
    cc_err err = {0};
    cf_ok(staff_find(s, login, &st, &err), &err);
    return st.id;
}

cc_ctx cf_ctx(store *s, int64_t staff_id, const char *role)
{
    cc_ctx c = {.st = s, .staff_id = staff_id};
    snprintf(c.role, sizeof c.role, "%s", role);
    return c;
}

cc_ctx cf_as(store *s, const char *login)
{
    cc_ctx c = {0};
    return *cf_act(&c, s, login);
}

cc_ctx *cf_act(cc_ctx *c, store *s, const char *login)
{
    staff st;
    cc_err err = {0};
    cf_ok(staff_find(s, login, &st, &err), &err);
    c->st = s;
    c->staff_id = st.id;
    snprintf(c->role, sizeof c->role, "%s", st.role);
    return c;
}

/* fmt and ap into sql, failing the test if it does not fit. */
static void format_sql(char *sql, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void format_sql(char *sql, size_t n, const char *fmt, va_list ap)
{
    int len = vsnprintf(sql, n, fmt, ap);
    assert_true(len >= 0 && (size_t)len < n);
}

long long cf_int(store *s, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    format_sql(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return tu_int(s, sql);
}

void cf_exec(store *s, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    format_sql(sql, sizeof sql, fmt, ap);
    va_end(ap);
    tu_exec(s, sql);
}

void cf_text(store *s, const char *sql, char *out, size_t outsz)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
    sqlite3_finalize(st);
}

int64_t cf_org(store *s, const char *code)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s),
                           "SELECT id FROM organization WHERE facility_code = ?", -1,
                           &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int64_t cf_program(cc_ctx *c, const char *code)
{
    program p;
    cc_err err = {0};
    cf_ok(program_by_code(c, code, &p, &err), &err);
    return p.id;
}

void cf_ok(int rc, const cc_err *err)
{
    if (rc != CC_OK)
        print_error("unexpected failure: %s\n", err->msg);
    assert_int_equal(rc, CC_OK);
}

void cf_expect_msg(const cc_err *err, const char *needle)
{
    if (!strstr(err->msg, needle))
        print_error("message '%s' does not contain '%s'\n", err->msg, needle);
    assert_non_null(strstr(err->msg, needle));
}

client cf_client(const char *family, const char *given, const char *dob)
{
    client c;
    memset(&c, 0, sizeof c);
    snprintf(c.family_name, sizeof c.family_name, "%s", family);
    snprintf(c.given_name, sizeof c.given_name, "%s", given);
    snprintf(c.dob, sizeof c.dob, "%s", dob);
    snprintf(c.zip, sizeof c.zip, "20810");
    snprintf(c.payer, sizeof c.payer, "medicare");
    snprintf(c.language, sizeof c.language, "en");
    snprintf(c.setting, sizeof c.setting, "home");
    return c;
}

consent cf_participation(int64_t client_id, const char *signed_date,
                         const char *expires)
{
    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = client_id;
    snprintf(k.kind, sizeof k.kind, "participation");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.signed_date, sizeof k.signed_date, "%s", signed_date);
    snprintf(k.expires_date, sizeof k.expires_date, "%s", expires ? expires : "");
    return k;
}

consent cf_release(int64_t client_id, int64_t org, int substance_use,
                   const char *expires)
{
    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = client_id;
    snprintf(k.kind, sizeof k.kind, "release");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.purpose, sizeof k.purpose, "care coordination");
    snprintf(k.signed_date, sizeof k.signed_date, "2026-11-01");
    snprintf(k.expires_date, sizeof k.expires_date, "%s", expires ? expires : "");
    k.substance_use = substance_use;
    k.nrecipients = 1;
    k.recipients[0] = org;
    return k;
}

int64_t cf_consent(cc_ctx *c, int64_t client_id, const char *signed_date)
{
    cc_err err = {0};
    consent k = cf_participation(client_id, signed_date, NULL);
    cf_ok(consent_record(c, &k, &err), &err);
    return k.id;
}

int64_t cf_enrolled(cc_ctx *sys, client *cl, const char *signed_date, int64_t coach,
                    int64_t program_id, const char *start, const char *discharge_at)
{
    cc_err err = {0};
    int64_t eid;
    cf_ok(client_create(sys, cl, 0, NULL, &err), &err);
    cf_consent(sys, cl->id, signed_date);
    cf_ok(client_assign(sys, cl->id, coach, program_id, &err), &err);
    cf_ok(episode_start(sys, cl->id, program_id, start, discharge_at, &eid, &err),
          &err);
    return cl->id;
}
