/*
 * workflow.c — the failure tests' day of work and its checks (workflow.h).
 * Synthetic people only. The clock is fixed (CARECOORD_NOW) by the caller.
 */
#include "workflow.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assessment.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/intake.h"
#include "core/program.h"
#include "core/staff.h"
#include "core/task.h"
#include "store/audit.h"
#include "testutil.h"

#define WF_TODAY "2026-11-22"

static int64_t coach_id, ngh_id;

long (*wf_mark)(void);

static void join(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

void wf_prepare(const char *dir)
{
    char db[600], sql[300];
    cc_err err = {0};
    staff st;
    program p;
    join(db, sizeof db, dir, "base.db");
    store *s = tu_create(db);
    assert_int_equal(staff_add(s, 0, "coach1", "coach", "Coach One", NULL, 0, &err),
                     CC_OK);
    assert_int_equal(staff_find(s, "coach1", &st, &err), CC_OK);
    coach_id = st.id;
    cc_ctx sys = ctx_system(s);
    assert_int_equal(program_by_code(&sys, "ct-ngh", &p, &err), CC_OK);
    ngh_id = p.id;
    snprintf(sql, sizeof sql,
             "INSERT INTO team (id, name, program_id) VALUES (2, 'NGH', %lld);"
             "INSERT INTO team_member VALUES (2, %lld);",
             (long long)ngh_id, (long long)coach_id);
    tu_exec(s, sql);
    store_close(s);
}

/* Remove dir/run.db and everything beside it. */
static void remove_run(const char *dir)
{
    static const char *const sides[] = {"",         "-wal",  "-shm",
                                        "-journal", ".keys", ".lock"};
    char p[640];
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        snprintf(p, sizeof p, "%s/run.db%s", dir, sides[i]);
        unlink(p);
    }
}

void wf_reset(const char *dir)
{
    char from[600], to[600];
    remove_run(dir);
    join(from, sizeof from, dir, "base.db");
    join(to, sizeof to, dir, "run.db");
    assert_int_equal(tu_copy(from, to), 0);
    join(from, sizeof from, dir, "base.db.keys");
    join(to, sizeof to, dir, "run.db.keys");
    assert_int_equal(tu_copy(from, to), 0);
}

static void fill_request(intake_request *in)
{
    memset(in, 0, sizeof *in);
    snprintf(in->client.family_name, sizeof in->client.family_name, "Testperson");
    snprintf(in->client.given_name, sizeof in->client.given_name, "Avery");
    snprintf(in->client.dob, sizeof in->client.dob, "1941-01-05");
    snprintf(in->client.zip, sizeof in->client.zip, "20810");
    snprintf(in->client.payer, sizeof in->client.payer, "medicare");
    snprintf(in->client.language, sizeof in->client.language, "en");
    snprintf(in->client.setting, sizeof in->client.setting, "home");
    in->referral.program_id = ngh_id;
    snprintf(in->referral.source_type, sizeof in->referral.source_type,
             "discharge-planner");
    snprintf(in->referral.received_date, sizeof in->referral.received_date,
             "2026-11-20");
}

static int step_edit(cc_ctx *c, int64_t id, cc_err *err)
{
    client mine, theirs;
    if (client_get(c, id, &mine, err) != CC_OK)
        return err->code;
    snprintf(mine.language, sizeof mine.language, "es");
    return client_update(c, &mine, &theirs, err);
}

static int step_consent(cc_ctx *c, int64_t id, cc_err *err)
{
    consent k;
    memset(&k, 0, sizeof k);
    k.client_id = id;
    snprintf(k.kind, sizeof k.kind, "participation");
    snprintf(k.decision, sizeof k.decision, "granted");
    snprintf(k.signed_date, sizeof k.signed_date, WF_TODAY);
    return consent_record(c, &k, err);
}

static int step_contact(cc_ctx *c, int64_t id, cc_err *err)
{
    contact k;
    memset(&k, 0, sizeof k);
    k.client_id = id;
    snprintf(k.kind, sizeof k.kind, "call");
    snprintf(k.note, sizeof k.note, "synthetic call note");
    return contact_log(c, &k, err);
}

static int step_assess(cc_ctx *c, int64_t id, cc_err *err)
{
    static const int answers[HRA_MAX_QUESTIONS] = {1, 0, 1};
    questionnaire q;
    assessment_outcome out;
    if (questionnaire_load(c, "hra", &q, err) != CC_OK)
        return err->code;
    return assessment_record(c, id, ngh_id, &q, answers, &out, err);
}

/* Note the result of step: acknowledged, or the first failure's message. */
static void note(wf_result *r, enum wf_step step, int rc, const cc_err *err)
{
    r->ran[step] = 1;
    r->acked[step] = rc == CC_OK;
    r->marks[step] = wf_mark ? wf_mark() : 0;
    if (rc != CC_OK && r->failed < 0) {
        r->failed = (int)step;
        r->err = *err;
    }
}

void wf_run(const char *dir, wf_result *r)
{
    char db[600];
    store *s = NULL;
    cc_err err = {0};
    intake_request in;
    intake_result res;
    memset(r, 0, sizeof *r);
    r->failed = -1;
    join(db, sizeof db, dir, "run.db");
    note(r, WF_OPEN, store_open_with_key(db, tu_master, &s, &err), &err);
    if (!s)
        return;
    cc_ctx c = {.st = s, .staff_id = coach_id};
    snprintf(c.role, sizeof c.role, "coach");
    fill_request(&in);
    note(r, WF_INTAKE, intake_submit(&c, &in, &res, &err), &err);
    if (r->acked[WF_INTAKE]) {
        int64_t id = in.client.id;
        note(r, WF_EDIT, step_edit(&c, id, &err), &err);
        note(r, WF_CONSENT, step_consent(&c, id, &err), &err);
        note(r, WF_CONTACT, step_contact(&c, id, &err), &err);
        note(r, WF_ASSESS, step_assess(&c, id, &err), &err);
    }
    store_close(s);
}

void wf_fast_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    if ((!t || !*t) && access("/dev/shm", W_OK | X_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
}

int wf_one_line(const char *msg)
{
    return msg && msg[0] && !strchr(msg, '\n') && !strchr(msg, '\r');
}

/* ---- the checks -------------------------------------------------------- */

static long long count(store *s, const char *sql)
{
    return tu_int(s, sql);
}

/* Each row of a kind of change has its audit entry and each entry its row:
 * pairs of (rows, rows with an entry, entries, entries with a row). */
static const struct pairing {
    const char *what;
    const char *rows, *rows_audited, *entries, *entries_matched;
} pairings[] = {
    {"client", "SELECT count(*) FROM client",
     "SELECT count(*) FROM client c WHERE EXISTS (SELECT 1 FROM audit a WHERE "
     "a.action = 'client.create' AND a.object = 'client:' || c.id)",
     "SELECT count(*) FROM audit WHERE action = 'client.create'",
     "SELECT count(*) FROM audit a WHERE action = 'client.create' AND EXISTS (SELECT 1 "
     "FROM client c WHERE a.object = 'client:' || c.id)"},
    {"referral", "SELECT count(*) FROM referral",
     "SELECT count(*) FROM referral r WHERE EXISTS (SELECT 1 FROM audit a WHERE "
     "a.action = 'referral.create' AND a.object = 'referral:' || r.id)",
     "SELECT count(*) FROM audit WHERE action = 'referral.create'",
     "SELECT count(*) FROM audit a WHERE action = 'referral.create' AND EXISTS (SELECT "
     "1 FROM referral r WHERE a.object = 'referral:' || r.id)"},
    {"edit", "SELECT count(*) FROM client WHERE language = 'es'",
     "SELECT count(*) FROM client c WHERE language = 'es' AND EXISTS (SELECT 1 FROM "
     "audit a WHERE a.action = 'client.update' AND a.object = 'client:' || c.id)",
     "SELECT count(*) FROM audit WHERE action = 'client.update'",
     "SELECT count(*) FROM audit a WHERE action = 'client.update' AND EXISTS (SELECT 1 "
     "FROM client c WHERE a.object = 'client:' || c.id AND c.language = 'es')"},
    {"consent", "SELECT count(*) FROM consent",
     "SELECT count(*) FROM consent k WHERE EXISTS (SELECT 1 FROM audit a WHERE "
     "a.action = 'consent.record' AND a.object = 'consent:' || k.id)",
     "SELECT count(*) FROM audit WHERE action = 'consent.record'",
     "SELECT count(*) FROM audit a WHERE action = 'consent.record' AND EXISTS (SELECT 1 "
     "FROM consent k WHERE a.object = 'consent:' || k.id)"},
    {"contact", "SELECT count(*) FROM contact",
     "SELECT count(*) FROM contact k WHERE EXISTS (SELECT 1 FROM audit a WHERE "
     "a.action = 'contact.log' AND a.object = 'contact:' || k.id)",
     "SELECT count(*) FROM audit WHERE action = 'contact.log'",
     "SELECT count(*) FROM audit a WHERE action = 'contact.log' AND EXISTS (SELECT 1 "
     "FROM contact k WHERE a.object = 'contact:' || k.id)"},
    {"assessment", "SELECT count(*) FROM assessment",
     "SELECT count(*) FROM assessment", /* one per client here: compared below */
     "SELECT count(*) FROM audit WHERE action = 'assessment.record'",
     "SELECT count(*) FROM audit WHERE action = 'assessment.record'"},
};

/* The rows each step's acknowledgement promises (at least one). */
static const char *const promised[WF_STEPS] = {
    [WF_INTAKE] = "SELECT count(*) FROM client",
    [WF_EDIT] = "SELECT count(*) FROM client WHERE language = 'es'",
    [WF_CONSENT] = "SELECT count(*) FROM consent",
    [WF_CONTACT] = "SELECT count(*) FROM contact",
    [WF_ASSESS] = "SELECT count(*) FROM assessment",
};

static void check_pairings(store *s, const char *label)
{
    for (size_t i = 0; i < sizeof pairings / sizeof *pairings; i++) {
        const struct pairing *p = &pairings[i];
        long long rows = count(s, p->rows), audited = count(s, p->rows_audited);
        long long entries = count(s, p->entries),
                  matched = count(s, p->entries_matched);
        if (rows != audited || entries != matched || rows != entries)
            print_error("%s: %s: %lld rows, %lld audited; %lld entries, %lld matched\n",
                        label, p->what, rows, audited, entries, matched);
        assert_true(rows == audited && entries == matched && rows == entries);
        assert_true(rows <= 1);
    }
}

static void check_promises(store *s, const wf_result *r, const char *label)
{
    for (int i = 0; i < WF_STEPS; i++) {
        if (!promised[i] || !r->acked[i])
            continue;
        if (count(s, promised[i]) != 1)
            print_error("%s: step %d was acknowledged but is not there\n", label, i);
        assert_int_equal(count(s, promised[i]), 1);
    }
}

static void check_integrity(store *s, const char *label)
{
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *ok = (const char *)sqlite3_column_text(st, 0);
    if (!ok || strcmp(ok, "ok") != 0)
        print_error("%s: integrity_check: %s\n", label, ok ? ok : "?");
    assert_string_equal(ok, "ok");
    sqlite3_finalize(st);
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify(s, NULL, &res, NULL, NULL, &err), CC_OK);
    if (res.first_bad)
        print_error("%s: audit entry %lld: %s\n", label, (long long)res.first_bad,
                    res.why);
    assert_int_equal(res.first_bad, 0);
}

/* Only the store's own files are left: no temp key file, no journal. */
static void check_files(const char *dir, const char *label)
{
    static const char *const allowed[] = {"base.db",    "base.db.keys", "base.db.lock",
                                          "run.db",     "run.db.keys",  "run.db.lock",
                                          "run.db-wal", "run.db-shm"};
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d))) {
        int ok = e->d_name[0] == '.';
        for (size_t i = 0; !ok && i < sizeof allowed / sizeof *allowed; i++)
            ok = strcmp(e->d_name, allowed[i]) == 0;
        if (!ok)
            print_error("%s: a stray file is left: %s\n", label, e->d_name);
        assert_true(ok);
    }
    closedir(d);
}

void wf_verify(const char *dir, const wf_result *r, const char *label)
{
    char db[600];
    store *s = NULL;
    cc_err err = {0};
    join(db, sizeof db, dir, "run.db");
    if (store_open_with_key(db, tu_master, &s, &err) != CC_OK)
        print_error("%s: reopening: %s\n", label, err.msg);
    assert_non_null(s);
    check_integrity(s, label);
    check_pairings(s, label);
    check_promises(s, r, label);
    store_close(s);
    check_files(dir, label);
}

/* FAULT_LONG=1 or, like the other suites' long modes, CARECOORD_LONG_TESTS=1. */
int wf_long_mode(void)
{
    const char *const vars[] = {"FAULT_LONG", "CARECOORD_LONG_TESTS"};
    for (int i = 0; i < 2; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v && strcmp(v, "0") != 0)
            return 1;
    }
    return 0;
}
