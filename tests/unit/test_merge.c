/*
 * test_merge.c — merging duplicate client records through the core
 * (src/core/merge.c): two records with one row of every kind that names a
 * client are merged (every row of the retired one ends on the survivor, the
 * retired record marked merged and unowned) and the merge undone (every row
 * back exactly where it was; a row added to the survivor since stays). The
 * refusals: the same id, a record merged already, colliding open episodes,
 * monitoring and hand-offs, anyone but an administrator (audited), an undo
 * once the survivor was merged again, a second undo, and any write to a
 * merged record. A merged record leaves search, the caseload and the
 * duplicate check but opens by id; the audit keeps every entry as written
 * (the chain verifies), records the merge on both ids with the counts, and
 * the survivor's access report includes the views of the retired record
 * while it is merged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefix.h"
#include "core/caseload.h"
#include "core/client.h"
#include "core/ctx.h"
#include "core/merge.h"
#include "core/program.h"
#include "core/reports.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "store/audit.h"
#include "testutil.h"

#define NOW   "2026-11-20T12:00:00Z"
#define TODAY "2026-11-20"

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx sys, admin, ctx;
    int64_t hss, ngh_prog, act, ngh_org, lmc_org, questionnaire;
    int nclients;
} fixture;

/* Every table with a row naming a client, and the row's key there. */
static const char *const tables[][2] = {
    {"referral", "id"},    {"consent", "id"},
    {"assessment", "id"},  {"episode", "id"},
    {"monitoring", "id"},  {"task", "id"},
    {"contact", "id"},     {"handoff", "id"},
    {"encounter", "id"},   {"disclosure", "id"},
    {"alert", "id"},       {"access_grant", "id"},
    {"adt_message", "id"}, {"client_identifier", "facility_id || ':' || value"},
};
#define NTABLES (sizeof tables / sizeof *tables)

/* Make login (with its role) the actor of f->ctx. */
static cc_ctx *as(fixture *f, const char *login)
{
    f->ctx = cf_as(f->s, login);
    return &f->ctx;
}

/* The text of the first column of the first row ("" for none). */
static void text(fixture *f, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cc_err err = {0};
    program p;
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "merge.db");
    f->s = tu_create(f->db);
    static const char *const people[][2] = {
        {"admin1", "admin"}, {"sup1", "supervisor"}, {"pm1", "program-manager"},
        {"coach1", "coach"}, {"coach2", "coach"},    {"nurse1", "nurse"},
    };
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        cf_staff(f->s, people[i][0], people[i][1], NULL);
    f->sys = ctx_system(f->s);
    f->sys.staff_id = cf_staff_id(f->s, "admin1");
    f->admin = *as(f, "admin1");
    cf_ok(program_by_code(&f->sys, "hss", &p, &err), &err);
    f->hss = p.id;
    cf_ok(program_by_code(&f->sys, "ct-ngh", &p, &err), &err);
    f->ngh_prog = p.id;
    cf_ok(program_by_code(&f->sys, "act", &p, &err), &err);
    f->act = p.id;
    f->ngh_org =
        cf_int(f->s, "SELECT id FROM organization WHERE facility_code = 'NGH'");
    f->lmc_org =
        cf_int(f->s, "SELECT id FROM organization WHERE facility_code = 'LMC'");
    f->questionnaire = cf_int(f->s, "SELECT min(id) FROM questionnaire");
    cf_exec(f->s, "INSERT INTO team (id, name, program_id) VALUES (1, 'North', %lld)",
            (long long)f->hss);
    cf_exec(f->s,
            "INSERT INTO team_member (team_id, staff_id) VALUES (1, %lld), (1, %lld), "
            "(1, %lld)",
            (long long)cf_staff_id(f->s, "coach1"),
            (long long)cf_staff_id(f->s, "coach2"),
            (long long)cf_staff_id(f->s, "nurse1"));
    cf_exec(f->s, "INSERT INTO team_cover (team_id, staff_id) VALUES (1, %lld)",
            (long long)cf_staff_id(f->s, "pm1"));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f);
    return 0;
}

/* A client owned by coach1 in HSS, with a name and birth date of its own. */
static int64_t new_client(fixture *f, const char *family, const char *given)
{
    cc_err err = {0};
    client c;
    unsigned n = (unsigned)f->nclients++ % 28u;
    memset(&c, 0, sizeof c);
    snprintf(c.family_name, sizeof c.family_name, "%s", family);
    snprintf(c.given_name, sizeof c.given_name, "%s", given);
    snprintf(c.dob, sizeof c.dob, "19%02u-03-%02u", 30 + n, 1 + n);
    snprintf(c.zip, sizeof c.zip, "20810");
    snprintf(c.payer, sizeof c.payer, "medicare");
    snprintf(c.language, sizeof c.language, "en");
    snprintf(c.setting, sizeof c.setting, "home");
    cf_ok(client_create(&f->sys, &c, CLIENT_ACCEPT_DUPLICATE, NULL, &err), &err);
    cf_ok(client_assign(&f->sys, c.id, cf_staff_id(f->s, "coach1"), f->hss, &err),
          &err);
    return c.id;
}

static void open_episode(fixture *f, int64_t client_id, int64_t program_id)
{
    cf_exec(f->s,
            "INSERT INTO episode (client_id, program_id, start_date, target_days) "
            "VALUES (%lld, %lld, '2026-11-01', 60)",
            (long long)client_id, (long long)program_id);
}

/* One row of every kind naming client id (tag makes its values unique);
 * the episode is open in program_id, the hand-off proposed if proposed. */
static void one_of_each(fixture *f, int64_t id, int64_t program_id, int proposed,
                        const char *tag)
{
    long long c = (long long)id, coach = (long long)cf_staff_id(f->s, "coach1");
    long long nurse = (long long)cf_staff_id(f->s, "nurse1"), p = (long long)program_id;
    cf_exec(f->s,
            "INSERT INTO referral (client_id, program_id, source_type, received_date, "
            "status, status_at) VALUES (%lld, %lld, 'pcp', '2026-11-02', 'consented', "
            "'%s')",
            c, p, NOW);
    cf_exec(f->s,
            "INSERT INTO consent (client_id, kind, decision, signed_date, recorded_by, "
            "created_at) VALUES (%lld, 'participation', 'granted', '2026-11-02', %lld, "
            "'%s')",
            c, coach, NOW);
    cf_exec(f->s,
            "INSERT INTO assessment (client_id, program_id, questionnaire_id, at, "
            "staff_id, setting, score, level) VALUES (%lld, %lld, %lld, '%s', %lld, "
            "'home', 12, 'high')",
            c, p, (long long)f->questionnaire, NOW, coach);
    open_episode(f, id, program_id);
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date, "
            "ended_date) VALUES (%lld, %lld, '2026-06-01', '2026-09-01', '2026-10-31')",
            c, p);
    cf_exec(f->s,
            "INSERT INTO task (client_id, episode_id, title, due_at, owner_id, origin, "
            "created_at, created_by) VALUES (%lld, (SELECT max(id) FROM episode), "
            "'Call %s', '2026-11-25T12:00:00Z', %lld, 'manual', '%s', %lld)",
            c, tag, coach, NOW, coach);
    cf_exec(f->s,
            "INSERT INTO contact (client_id, kind, at, note, staff_id, created_at) "
            "VALUES (%lld, 'call', '%s', 'talked to %s', %lld, '%s')",
            c, NOW, tag, coach, NOW);
    cf_exec(f->s,
            "INSERT INTO handoff (client_id, from_staff_id, to_kind, to_staff_id, "
            "state, summary, proposed_at, expires_at) VALUES (%lld, %lld, 'staff', "
            "%lld, '%s', '{}', '%s', '2026-11-25T12:00:00Z')",
            c, coach, (long long)cf_staff_id(f->s, "coach2"),
            proposed ? "proposed" : "declined", NOW);
    cf_exec(f->s,
            "INSERT INTO encounter (client_id, facility_id, kind, at) VALUES (%lld, "
            "%lld, 'admit', '%s')",
            c, (long long)f->ngh_org, NOW);
    cf_exec(f->s,
            "INSERT INTO disclosure (client_id, organization_id, at, what, purpose, "
            "staff_id) VALUES (%lld, %lld, '%s', 'summary %s', 'care', %lld)",
            c, (long long)f->lmc_org, NOW, tag, coach);
    cf_exec(f->s,
            "INSERT INTO alert (client_id, kind, for_role, for_staff_id, details, "
            "created_at) VALUES (%lld, 'risk-rise', 'nurse', %lld, 'risk %s', '%s')",
            c, nurse, tag, NOW);
    cf_exec(f->s,
            "INSERT INTO access_grant (staff_id, client_id, reason, granted_at, "
            "expires_at) VALUES (%lld, %lld, 'after-hours call %s', '%s', "
            "'2026-11-20T13:00:00Z')",
            (long long)cf_staff_id(f->s, "coach2"), c, tag, NOW);
    cf_exec(f->s,
            "INSERT INTO client_identifier (client_id, facility_id, value) VALUES "
            "(%lld, %lld, 'MRN-%s')",
            c, (long long)f->ngh_org, tag);
    cf_exec(f->s,
            "INSERT INTO adt_message (facility, control_id, event, processing, "
            "received_at, status, client_id, notice) VALUES ('NGH', 'CTL-%s', 'A01', "
            "'P', '%s', 'applied', %lld, '{}')",
            tag, NOW, c);
}

/* Where every row of every table is: "table key=client,...;" for all. */
static void where_rows(fixture *f, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NTABLES; i++) {
        char sql[512], rows[4096];
        snprintf(
            sql, sizeof sql,
            "SELECT group_concat(k || '=' || client_id, ',') FROM (SELECT %s AS k, "
            "client_id FROM %s ORDER BY 1)",
            tables[i][1], tables[i][0]);
        text(f, sql, rows, sizeof rows);
        len += (size_t)snprintf(out + len, n - len, "%s %s;", tables[i][0], rows);
        assert_true(len < n);
    }
}

static long long rows_of(fixture *f, int64_t client_id)
{
    long long n = 0;
    for (size_t i = 0; i < NTABLES; i++)
        n += cf_int(f->s, "SELECT count(*) FROM %s WHERE client_id = %lld",
                    tables[i][0], (long long)client_id);
    return n;
}

static client get(fixture *f, int64_t id)
{
    client c;
    cc_err err = {0};
    cf_ok(client_get(&f->sys, id, &c, &err), &err);
    return c;
}

static int64_t merge(fixture *f, int64_t survivor, int64_t retired)
{
    cc_err err = {0};
    int64_t id = 0;
    cf_ok(merge_clients(&f->admin, survivor, retired, "same person, two intakes", &id,
                        &err),
          &err);
    assert_true(id > 0);
    return id;
}

static void chain_intact(fixture *f)
{
    audit_result res;
    cc_err err = {0};
    cf_ok(audit_verify(f->s, NULL, &res, NULL, NULL, &err), &err);
    if (res.first_bad)
        print_error("audit chain broken at %lld: %s\n", (long long)res.first_bad,
                    res.why);
    assert_int_equal(res.first_bad, 0);
}

/* ---- merge and undo keep every reference -------------------------------- */

static void test_merge_and_undo_preserve_every_reference(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char before[16384], after[16384];
    int64_t a = new_client(f, "Alvarez", "Rosa"), b = new_client(f, "Alvares", "Rosa");
    one_of_each(f, a, f->act, 0, "a");
    one_of_each(f, b, f->hss, 1, "b");
    long long a_rows = rows_of(f, a), b_rows = rows_of(f, b);
    assert_int_equal(a_rows, (long long)NTABLES);
    assert_int_equal(b_rows, (long long)NTABLES);
    int64_t a_version = get(f, a).version, b_version = get(f, b).version;
    long long audits = cf_int(f->s, "SELECT count(*) FROM audit");
    where_rows(f, before, sizeof before);

    int64_t m = merge(f, a, b);
    assert_int_equal(rows_of(f, b), 0);
    assert_int_equal(rows_of(f, a), a_rows + b_rows);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM client_merge_row WHERE merge_id = %lld",
               (long long)m),
        b_rows);
    assert_int_equal(cf_int(f->s, "SELECT rows_moved FROM client_merge WHERE id = %lld",
                            (long long)m),
                     b_rows);
    for (size_t i = 0; i < NTABLES; i++) /* one row of each kind, recorded */
        assert_int_equal(
            cf_int(f->s,
                   "SELECT count(*) FROM client_merge_row WHERE merge_id = "
                   "%lld AND tbl = '%s'",
                   (long long)m, tables[i][0]),
            1);
    client rb = get(f, b), ra = get(f, a);
    assert_int_equal(rb.merged_into, a);
    assert_int_equal(rb.owner_id, 0);
    assert_int_equal(rb.version, b_version + 1);
    assert_int_equal(ra.merged_into, 0);
    assert_int_equal(ra.version, a_version + 1);
    assert_int_equal(ra.owner_id, cf_staff_id(f->s, "coach1"));
    assert_int_equal(
        cf_int(f->s, "SELECT moving FROM client_merge WHERE id = %lld", (long long)m),
        0);
    /* the appended audit: merge on both ids, the counts; nothing rewritten */
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM audit"), audits + 2);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'client.merge' AND "
               "object IN ('client:%lld', 'client:%lld') AND details LIKE "
               "'merge %lld: client:%lld into client:%lld; moved %%contacts "
               "1%%(14 rows); reason: same person, two intakes'",
               (long long)a, (long long)b, (long long)m, (long long)b, (long long)a),
        2);
    chain_intact(f);

    /* a contact added to the survivor after the merge stays on it */
    cf_exec(f->s,
            "INSERT INTO contact (client_id, kind, at, note, staff_id, created_at) "
            "VALUES (%lld, 'call', '%s', 'after the merge', %lld, '%s')",
            (long long)a, NOW, (long long)cf_staff_id(f->s, "coach1"), NOW);
    long long later = cf_int(f->s, "SELECT max(id) FROM contact");

    cf_ok(merge_undo(&f->admin, m, "they are twins after all", &err), &err);
    assert_int_equal(
        cf_int(f->s, "SELECT client_id FROM contact WHERE id = %lld", later), a);
    /* every other row is exactly where it was */
    char needle[64], *cut;
    where_rows(f, after, sizeof after);
    snprintf(needle, sizeof needle, ",%lld=%lld", later, (long long)a);
    cut = strstr(after, needle);
    assert_non_null(cut);
    memmove(cut, cut + strlen(needle), strlen(cut + strlen(needle)) + 1);
    assert_string_equal(after, before);
    rb = get(f, b);
    assert_int_equal(rb.merged_into, 0);
    assert_int_equal(rb.owner_id, cf_staff_id(f->s, "coach1")); /* its owner is back */
    assert_int_equal(rb.version, b_version + 2);
    assert_int_equal(get(f, a).version, a_version + 2);
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'client.unmerge' "
               "AND details LIKE 'merge %lld undone: %%(14 rows); reason: "
               "they are twins after all'",
               (long long)m),
        2);
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM client_merge WHERE id = %lld AND "
                            "undone_at IS NOT NULL AND moving = 0",
                            (long long)m),
                     1);
    chain_intact(f);

    /* undone once is undone */
    assert_int_equal(merge_undo(&f->admin, m, "again", &err), CC_EINPUT);
    cf_expect_msg(&err, "undone already");
    /* and the two may be merged again */
    merge(f, a, b);
    assert_int_equal(rows_of(f, b), 0);
}

/* A record with nothing but itself merges too (nothing to move). */
static void test_merge_of_a_bare_record(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Kowalski", "Jan"), b = new_client(f, "Kowalsky", "Jan");
    int64_t m = merge(f, a, b);
    assert_int_equal(cf_int(f->s, "SELECT rows_moved FROM client_merge WHERE id = %lld",
                            (long long)m),
                     0);
    assert_int_equal(
        cf_int(f->s, "SELECT count(*) FROM audit WHERE action = 'client.merge' AND "
                     "details LIKE '%%moved nothing (0 rows)%%'"),
        2);
    assert_int_equal(get(f, b).merged_into, a);
    cf_ok(merge_undo(&f->admin, m, "not the same", &err), &err);
    assert_int_equal(get(f, b).owner_id, cf_staff_id(f->s, "coach1"));
}

/* Contacts and disclosures stay append-only outside a merge. */
static void test_append_only_outside_a_merge(void **state)
{
    fixture *f = *state;
    int64_t a = new_client(f, "Brooks", "Ann"), b = new_client(f, "Brookes", "Ann");
    one_of_each(f, b, f->hss, 1, "b");
    merge(f, a, b);
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE contact SET client_id = %lld", (long long)b);
    assert_int_not_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL),
                         SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE disclosure SET client_id = %lld", (long long)b);
    assert_int_not_equal(sqlite3_exec(store_db(f->s), sql, NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(store_db(f->s),
                                      "UPDATE contact SET note = 'rewritten'", NULL,
                                      NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(store_db(f->s), "DELETE FROM client_merge_row", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM contact WHERE client_id = %lld",
                            (long long)a),
                     1);
}

/* ---- refusals ----------------------------------------------------------- */

static void test_refusals(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id = 0;
    int64_t a = new_client(f, "Chen", "Li"), b = new_client(f, "Chen", "Lee");
    int64_t c = new_client(f, "Dubois", "Marc"), d = new_client(f, "Dubois", "Marcel");
    one_of_each(f, b, f->hss, 1, "b");

    assert_int_equal(merge_clients(&f->admin, a, a, "same", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "cannot be merged into itself");
    assert_int_equal(merge_clients(&f->admin, a, b, "", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "give a reason");
    assert_int_equal(merge_clients(&f->admin, a, 9999, "typo", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "no client 9999");

    /* anyone but an administrator is refused, and the refusal audited */
    static const char *const others[] = {"coach1", "nurse1", "pm1", "sup1"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        assert_int_equal(merge_clients(as(f, others[i]), a, b, "dup", &id, &err),
                         CC_EREFUSED);
        cf_expect_msg(&err, "client.merge needs admin");
    }
    assert_int_equal(cf_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = "
                            "'client.merge.refused' AND object = 'client:%lld'",
                            (long long)a),
                     4);
    merge_review r;
    assert_int_equal(merge_preview(as(f, "sup1"), a, b, &r, &err), CC_EREFUSED);
    assert_int_equal(rows_of(f, b), (long long)NTABLES);

    /* two open episodes in one program cannot become one client's */
    open_episode(f, c, f->hss);
    open_episode(f, d, f->hss);
    cf_exec(f->s,
            "INSERT INTO contact (client_id, kind, at, staff_id, created_at) VALUES "
            "(%lld, 'call', '%s', %lld, '%s')",
            (long long)d, NOW, (long long)cf_staff_id(f->s, "coach1"), NOW);
    assert_int_equal(merge_clients(&f->admin, c, d, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "both records have an open hss episode");
    cf_expect_msg(&err, "close one of them first");
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM client_merge"), 0);
    assert_int_equal(rows_of(f, d), 2); /* nothing moved */
    assert_int_equal(get(f, d).merged_into, 0);
    /* the review says so before anyone tries */
    cf_ok(merge_preview(&f->admin, c, d, &r, &err), &err);
    assert_int_equal(r.refused, CC_EINPUT);
    assert_non_null(strstr(r.problem, "open hss episode"));
    /* nor open episodes in overlapping programs (no double enrollment) */
    cf_exec(f->s, "UPDATE episode SET program_id = %lld WHERE client_id = %lld",
            (long long)f->ngh_prog, (long long)d);
    assert_int_equal(merge_clients(&f->admin, c, d, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "overlapping programs");
    /* an open episode in another program is fine */
    cf_exec(f->s, "UPDATE episode SET program_id = %lld WHERE client_id = %lld",
            (long long)f->act, (long long)d);
    cf_ok(merge_preview(&f->admin, c, d, &r, &err), &err);
    assert_int_equal(r.refused, 0);

    /* two hand-offs waiting, and two open monitorings in one program */
    int64_t e = new_client(f, "Eriksen", "Ola");
    one_of_each(f, e, f->act, 1, "e");
    assert_int_equal(merge_clients(&f->admin, e, b, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "both records have a hand-off waiting");
    cf_exec(f->s, "UPDATE handoff SET state = 'withdrawn' WHERE client_id = %lld",
            (long long)e);
    cf_exec(f->s,
            "INSERT INTO monitoring (client_id, program_id, since_date, rescreen_date) "
            "VALUES (%lld, %lld, '2026-11-01', '2027-02-01'), (%lld, %lld, "
            "'2026-11-01', '2027-02-01')",
            (long long)e, (long long)f->hss, (long long)b, (long long)f->hss);
    assert_int_equal(merge_clients(&f->admin, e, b, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "light-touch monitoring");

    /* merged already, either way round */
    client stale = get(f, a), theirs;
    merge(f, a, b);
    int64_t g = new_client(f, "Garcia", "Ana");
    assert_int_equal(merge_clients(&f->admin, g, b, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "was merged into client");
    cf_expect_msg(&err, "already");
    assert_int_equal(merge_clients(&f->admin, b, g, "dup", &id, &err), CC_EINPUT);
    cf_expect_msg(&err, "instead");

    /* nothing more is written to a merged record */
    client edit = get(f, b);
    snprintf(edit.zip, sizeof edit.zip, "20812");
    assert_int_equal(client_update(as(f, "coach1"), &edit, &theirs, &err), CC_EREFUSED);
    cf_expect_msg(&err, "merged into client");
    assert_string_equal(get(f, b).zip, "20810");
    /* an edit of the survivor read before the merge is a conflict */
    snprintf(stale.zip, sizeof stale.zip, "20812");
    assert_int_equal(client_update(as(f, "coach1"), &stale, &theirs, &err),
                     CC_ECONFLICT);
    assert_int_equal(theirs.version, stale.version + 1);
}

static void test_undo_refused_once_merged_again(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Haddad", "Sami"), b = new_client(f, "Hadad", "Sami");
    int64_t c = new_client(f, "Haddad", "Samir");
    one_of_each(f, b, f->hss, 1, "b");
    int64_t m1 = merge(f, a, b);
    int64_t m2 = merge(f, c, a);
    assert_int_equal(rows_of(f, c), (long long)NTABLES); /* b's rows, through a */
    assert_int_equal(merge_undo(&f->admin, m1, "wrong", &err), CC_EINPUT);
    cf_expect_msg(&err, "was merged into client");
    cf_expect_msg(&err, "undo merge");
    assert_int_equal(rows_of(f, c), (long long)NTABLES);
    assert_int_equal(merge_undo(as(f, "coach1"), m2, "wrong", &err), CC_EREFUSED);
    assert_int_equal(merge_undo(&f->admin, 777, "wrong", &err), CC_EINPUT);
    cf_expect_msg(&err, "no merge 777");
    /* a moved row taken elsewhere since: the undo would lose it */
    cf_exec(f->s, "UPDATE task SET client_id = %lld WHERE client_id = %lld",
            (long long)a, (long long)c);
    assert_int_equal(merge_undo(&f->admin, m2, "wrong", &err), CC_EINPUT);
    cf_expect_msg(&err, "1 of the tasks merge");
    cf_expect_msg(&err, "no longer belong to client");
    cf_exec(f->s, "UPDATE task SET client_id = %lld WHERE client_id = %lld",
            (long long)c, (long long)a);
    cf_ok(merge_undo(&f->admin, m2, "wrong", &err), &err);
    cf_ok(merge_undo(&f->admin, m1, "wrong", &err), &err);
    assert_int_equal(rows_of(f, b), (long long)NTABLES);
    assert_int_equal(rows_of(f, a) + rows_of(f, c), 0);
}

/* ---- the merged record leaves search, caseload, duplicates ------------- */

static int search_has(fixture *f, const char *q, int64_t id)
{
    cc_table t;
    cc_err err = {0};
    int found = 0;
    cf_ok(worklist_search(as(f, "coach1"), q, 50, &t, &err), &err);
    for (int r = 0; r < t.nrows; r++)
        found |= atoll(table_cell(&t, r, 0)) == id;
    table_free(&t);
    return found;
}

static int caseload_has(fixture *f, int64_t id)
{
    worklist_row *rows;
    int n, found = 0;
    cc_err err = {0};
    cf_ok(worklist_caseload(as(f, "coach1"), cf_staff_id(f->s, "coach1"), &rows, &n,
                            &err),
          &err);
    for (int i = 0; i < n; i++)
        found |= rows[i].client_id == id;
    free(rows);
    return found;
}

static void test_merged_record_leaves_lists(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t a = new_client(f, "Ito", "Kenji"), b = new_client(f, "Itou", "Kenji");
    open_episode(f, b, f->hss);
    cf_exec(f->s,
            "UPDATE client SET dob = (SELECT dob FROM client WHERE id = %lld) "
            "WHERE id = %lld",
            (long long)a, (long long)b);
    client dup = get(f, b);
    client_intake in;
    int load = caseload_active(&f->sys, cf_staff_id(f->s, "coach1"));
    assert_true(search_has(f, "itou", b));
    assert_true(caseload_has(f, b));
    cf_ok(client_check_intake(&f->sys, &dup, &in, &err), &err);
    assert_int_equal(in.ndups, 1); /* a looks like b */

    int64_t m = merge(f, a, b);
    assert_false(search_has(f, "itou", b));
    assert_false(search_has(f, dup.dob, b));
    assert_true(search_has(f, "ito", a));
    assert_false(caseload_has(f, b));
    assert_true(caseload_has(f, a)); /* with b's episode */
    assert_int_equal(caseload_active(&f->sys, cf_staff_id(f->s, "coach1")), load);
    dup.id = 0;
    cf_ok(client_check_intake(&f->sys, &dup, &in, &err), &err);
    assert_int_equal(in.ndups, 1);
    assert_int_equal(in.dup_ids[0], a); /* the survivor, never the merged one */
    /* opened by id it says where it went (and the view is audited) */
    client seen;
    cf_ok(client_view(as(f, "sup1"), b, "summary", &seen, &err), &err);
    assert_int_equal(seen.merged_into, a);

    cf_ok(merge_undo(&f->admin, m, "not the same", &err), &err);
    assert_true(search_has(f, "itou", b));
    assert_true(caseload_has(f, b));
}

/* ---- the audit: reviews, and the survivor's access report --------------- */

static int report_names(fixture *f, int64_t client_id, int64_t named)
{
    cc_table t;
    cc_err err = {0};
    report_params p;
    char want[24];
    int found = 0;
    memset(&p, 0, sizeof p);
    p.client_id = client_id;
    snprintf(want, sizeof want, "%lld", (long long)named);
    cf_ok(report_resolve(as(f, "sup1"), "access", &p, &err), &err);
    cf_ok(report_run(as(f, "sup1"), "access", &p, &t, &err), &err);
    int col = table_col(&t, "client");
    assert_true(col >= 0);
    for (int r = 0; r < t.nrows; r++)
        found |= !strcmp(table_cell(&t, r, col), want);
    table_free(&t);
    return found;
}

static void test_audit_of_review_and_reports(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    client seen;
    merge_review r;
    int64_t a = new_client(f, "Jensen", "Per"), b = new_client(f, "Jenssen", "Per");
    one_of_each(f, b, f->hss, 1, "b");
    cf_ok(client_view(as(f, "nurse1"), b, "summary", &seen, &err), &err);

    cf_ok(merge_preview(&f->admin, a, b, &r, &err), &err);
    assert_int_equal(r.refused, 0);
    assert_string_equal(r.retired.c.family_name, "Jenssen");
    assert_string_equal(r.retired.identifiers, "NGH:MRN-b");
    assert_string_equal(r.retired.owner, "coach1");
    assert_string_equal(r.retired.program, "hss");
    for (int i = 0; i < MERGE_KINDS; i++) {
        assert_int_equal(r.retired.counts[i], 1);
        assert_int_equal(r.survivor.counts[i], 0);
    }
    assert_int_equal(
        cf_int(f->s,
               "SELECT count(*) FROM audit WHERE action = 'client.view' AND "
               "details = 'merge review' AND staff_id = %lld AND object IN "
               "('client:%lld', 'client:%lld')",
               (long long)cf_staff_id(f->s, "admin1"), (long long)a, (long long)b),
        2);
    assert_int_equal(cf_int(f->s, "SELECT count(*) FROM client_merge"),
                     0); /* a review */

    assert_true(report_names(f, b, b));  /* the nurse's view */
    assert_false(report_names(f, a, b)); /* not a's, yet */
    int64_t m = merge(f, a, b);
    assert_true(report_names(f, a, b)); /* the nurse's view of b, under a now */
    assert_true(report_names(f, b, b));
    cf_ok(merge_undo(&f->admin, m, "not the same", &err), &err);
    assert_false(report_names(f, a, b));

    cc_table t;
    cf_ok(merge_list(&f->admin, &t, &err), &err);
    assert_int_equal(t.nrows, 1);
    assert_true(!strncmp(table_cell(&t, 0, table_col(&t, "state")), "undone", 6));
    table_free(&t);
    assert_int_equal(merge_list(as(f, "sup1"), &t, &err), CC_EREFUSED);
    chain_intact(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_merge_and_undo_preserve_every_reference,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_of_a_bare_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only_outside_a_merge, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_refused_once_merged_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_merged_record_leaves_lists, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_of_review_and_reports, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
