/*
 * test_admin.c — administering a site from a blank database through the
 * core: the last active administrator is never disabled or demoted; a team's
 * own capacity and the board that shows it beside the coaches'; the cover
 * limit (DOMAIN.md's 3, kept as data); a forgotten passphrase reset into a
 * fresh key slot, refused at login until the person chooses their own;
 * teams and organizations retired only when nothing depends on them, never
 * deleted once referenced; and supervisors alerted of account changes that
 * open client content, listed by `report accounts`. The store has real key
 * slots (Argon2id at one pass) so that logins are tested as they happen.
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
#include "core/access.h"
#include "core/client.h"
#include "core/ctx.h"
#include "core/org.h"
#include "core/program.h"
#include "core/reports.h"
#include "core/session.h"
#include "core/staff.h"
#include "core/team.h"
#include "core/worklist.h"
#include "testutil.h"

#define NOW       "2026-11-20T12:00:00Z"
#define ROOT_PASS "root-passphrase"
#define ONE_TIME  "one-time-pass-1"

typedef struct fixture {
    char *dir, *db;
    store *s;
    cc_ctx admin; /* root, the first administrator */
    cc_ctx ctx;   /* whoever the test acts as */
    int64_t team;
} fixture;

/* Make login (with its role) the actor of f->ctx. */
static cc_ctx *as(fixture *f, const char *login)
{
    f->ctx = cf_as(f->s, login);
    return &f->ctx;
}

static void add(fixture *f, const char *login, const char *role)
{
    cc_err err = {0};
    cf_ok(staff_create(&f->admin, login, role, login, ONE_TIME, 0, &err), &err);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cc_err err = {0};
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "admin.db");
    f->s = cf_root_store(f->db, ROOT_PASS, NULL);
    f->admin = *as(f, "root");
    cf_ok(team_create(&f->admin, "North", "hss", 0, &f->team, &err), &err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir), free(f->db);
    free(f);
    return 0;
}

/* ---- the last administrator -------------------------------------------- */

static void test_last_admin(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assert_int_equal(staff_set_role(&f->admin, "root", "coach", &err), CC_EREFUSED);
    cf_expect_msg(&err, "last active administrator");
    assert_int_equal(staff_disable(f->s, f->admin.staff_id, "root", &err), CC_EREFUSED);
    cf_expect_msg(&err, "last active administrator");
    assert_int_equal(tu_int(f->s, "SELECT active FROM staff WHERE login = 'root'"), 1);
    assert_int_equal(
        tu_int(f->s, "SELECT role = 'admin' FROM staff WHERE login = 'root'"), 1);
    /* with a second administrator, either may go */
    add(f, "admin2", "admin");
    cf_ok(staff_set_role(&f->admin, "admin2", "supervisor", &err), &err);
    assert_int_equal(staff_disable(f->s, f->admin.staff_id, "root", &err), CC_EREFUSED);
    cf_ok(staff_set_role(&f->admin, "admin2", "admin", &err), &err);
    cf_ok(staff_disable(f->s, f->admin.staff_id, "admin2", &err), &err);
    /* root's session goes on; demoting the last one is still refused */
    assert_int_equal(staff_set_role(&f->admin, "root", "supervisor", &err),
                     CC_EREFUSED);
}

/* Only administrators manage staff, teams and organizations. */
static void test_admin_only(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id;
    add(f, "sup1", "supervisor");
    cc_ctx *sup = as(f, "sup1");
    assert_int_equal(team_create(sup, "South", "hss", 0, &id, &err), CC_EREFUSED);
    assert_int_equal(org_add(sup, "CL-X", "clinic", "X Clinic", &id, &err),
                     CC_EREFUSED);
    assert_int_equal(staff_create(sup, "peek", "supervisor", "", ONE_TIME, 0, &err),
                     CC_EREFUSED);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM staff WHERE login = 'peek'"),
                     0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM team WHERE name = 'South'"), 0);
}

/* ---- teams ------------------------------------------------------------- */

static const char *cell_of(const cc_table *t, const char *coach, const char *col)
{
    for (int r = 0; r < t->nrows; r++)
        if (!strcmp(table_cell(t, r, table_col(t, "coach")), coach))
            return table_cell(t, r, table_col(t, col));
    return NULL;
}

static void test_team_capacity(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t act;
    int active, cap;
    report_params p = {0};
    cc_table t;
    cf_ok(team_create(&f->admin, "ACT", "act", 100, &act, &err), &err);
    assert_int_equal(team_create(&f->admin, "ACT", "hss", 0, &act, &err), CC_EINPUT);
    assert_int_equal(team_create(&f->admin, "Zero", "act", -1, &act, &err), CC_EINPUT);
    act = team_find(&f->admin, "ACT", &err);
    assert_true(act > 0);
    cf_ok(team_load(&f->admin, act, &active, &cap, &err), &err);
    assert_int_equal(cap, 100);
    assert_int_equal(active, 0);
    cf_ok(staff_create(&f->admin, "coach1", "coach", "", ONE_TIME, act, &err), &err);
    cf_ok(staff_create(&f->admin, "coach2", "coach", "", ONE_TIME, act, &err), &err);
    /* one followed client of the ACT program owned by coach1 */
    program prog;
    cf_ok(program_by_code(&f->admin, "act", &prog, &err), &err);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO client (family_name, given_name, name_key, dob, zip, payer, "
             "setting, owner_id, program_id, created_at) VALUES ('Test', 'Una', "
             "'testuna', '1970-01-01', '21201', 'medicaid', 'home', (SELECT id FROM "
             "staff WHERE login = 'coach1'), %lld, '" NOW "')",
             (long long)prog.id);
    tu_exec(f->s, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO monitoring (client_id, program_id, since_date, "
             "rescreen_date) VALUES (last_insert_rowid(), %lld, '2026-11-01', "
             "'2027-01-01')",
             (long long)prog.id);
    tu_exec(f->s, sql);
    cf_ok(team_load(&f->admin, act, &active, &cap, &err), &err);
    assert_int_equal(active, 1);
    /* the board: the team row against the team's 100, the coaches' own too */
    add(f, "sup1", "supervisor");
    cc_ctx *sup = as(f, "sup1");
    cf_ok(report_resolve(sup, "caseload", &p, &err), &err);
    cf_ok(report_run(sup, "caseload", &p, &t, &err), &err);
    const char *team_row = cell_of(&t, "(team)", "active");
    assert_non_null(team_row);
    if (!strstr(team_row, "1/100 team, coaches ")) {
        print_error("team row: %s\n", team_row);
        fail();
    }
    assert_non_null(cell_of(&t, "coach1", "active"));
    assert_string_equal(strchr(cell_of(&t, "coach1", "active"), '/') ? "/" : "", "/");
    table_free(&t);
    /* retiring the team is refused while it owns the client */
    assert_int_equal(team_retire(&f->admin, act, &err), CC_EINPUT);
    cf_expect_msg(&err, "owns 1 clients");
    assert_int_equal(tu_int(f->s, "SELECT active FROM team WHERE name = 'ACT'"), 1);
    /* and coach1 cannot leave it while owning it */
    assert_int_equal(
        team_member_remove(&f->admin, act, as(f, "coach1")->staff_id, &err), CC_EINPUT);
    cf_ok(team_set_capacity(&f->admin, act, 0, &err), &err);
    cf_ok(team_load(&f->admin, act, &active, &cap, &err), &err);
    assert_int_equal(cap, 0);
    /* an empty team retires: members and cover end */
    cf_ok(team_retire(&f->admin, f->team, &err), &err);
    assert_int_equal(tu_int(f->s, "SELECT active FROM team WHERE name = 'North'"), 0);
    assert_int_equal(team_rename(&f->admin, f->team, "Again", &err), CC_EINPUT);
}

static void test_cover_limit(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t t[5];
    add(f, "pm1", "program-manager");
    add(f, "nurse1", "nurse");
    int64_t pm = as(f, "pm1")->staff_id, nurse = as(f, "nurse1")->staff_id;
    t[0] = f->team;
    for (int i = 1; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "T%d", i);
        cf_ok(team_create(&f->admin, name, "hss", 0, &t[i], &err), &err);
    }
    assert_int_equal(team_cover_limit(&f->admin), 3);
    for (int i = 0; i < 3; i++)
        cf_ok(team_cover_add(&f->admin, t[i], pm, &err), &err);
    assert_int_equal(team_cover_add(&f->admin, t[3], pm, &err), CC_EINPUT);
    cf_expect_msg(&err, "at most 3");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM team_cover"), 3);
    assert_int_equal(team_cover_add(&f->admin, t[3], nurse, &err), CC_EINPUT);
    cf_expect_msg(&err, "only program managers and social workers");
    /* ending one frees a place; the limit is data */
    cf_ok(team_cover_remove(&f->admin, t[0], pm, &err), &err);
    cf_ok(team_cover_add(&f->admin, t[3], pm, &err), &err);
    tu_exec(f->s, "UPDATE meta SET value = '4' WHERE key = 'team_cover_limit'");
    cf_ok(team_cover_add(&f->admin, t[4], pm, &err), &err);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'team.cover.add'"),
                     5);
}

/* ---- passphrases ------------------------------------------------------- */

static void test_reset_passphrase(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    session sess;
    staff me;
    add(f, "coach1", "coach");
    /* first use: refused until the person chooses their own */
    assert_int_equal(session_open(&sess, f->db, "coach1", ONE_TIME, "test", 0, &err),
                     CC_EREFUSED);
    cf_expect_msg(&err, "must change");
    cf_ok(session_open(&sess, f->db, "coach1", ONE_TIME, "test",
                       SESSION_ALLOW_MUST_CHANGE, &err),
          &err);
    me = sess.me;
    cf_ok(staff_passwd(sess.st, &me, ONE_TIME, "coach1-own-pass", &err), &err);
    session_close(&sess);
    cf_ok(session_open(&sess, f->db, "coach1", "coach1-own-pass", "test", 0, &err),
          &err);
    session_close(&sess);
    /* forgotten: the administrator issues a one-time passphrase */
    assert_int_equal(staff_reset(&f->admin, "coach1", "short", &err), CC_EINPUT);
    cf_ok(staff_reset(&f->admin, "coach1", "another-one-time", &err), &err);
    assert_int_not_equal(
        session_open(&sess, f->db, "coach1", "coach1-own-pass", "test", 0, &err),
        CC_OK);
    assert_int_equal(
        session_open(&sess, f->db, "coach1", "another-one-time", "test", 0, &err),
        CC_EREFUSED);
    cf_expect_msg(&err, "must change");
    cf_ok(session_open(&sess, f->db, "coach1", "another-one-time", "test",
                       SESSION_ALLOW_MUST_CHANGE, &err),
          &err);
    me = sess.me;
    cf_ok(staff_passwd(sess.st, &me, "another-one-time", "coach1-new-pass", &err),
          &err);
    session_close(&sess);
    cf_ok(session_open(&sess, f->db, "coach1", "coach1-new-pass", "test", 0, &err),
          &err);
    session_close(&sess);
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM audit WHERE action = 'staff.reset' "
                            "AND object = 'coach1'"),
                     1);
    /* a disabled account is re-enabled, not reset */
    cf_ok(staff_disable(f->s, f->admin.staff_id, "coach1", &err), &err);
    assert_int_equal(staff_reset(&f->admin, "coach1", "another-one-time", &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "re-enable");
    cf_ok(staff_enable(&f->admin, "coach1", "enabled-one-time", &err), &err);
    assert_int_equal(
        session_open(&sess, f->db, "coach1", "enabled-one-time", "test", 0, &err),
        CC_EREFUSED);
    cf_ok(session_open(&sess, f->db, "coach1", "enabled-one-time", "test",
                       SESSION_ALLOW_MUST_CHANGE, &err),
          &err);
    session_close(&sess);
}

/* ---- organizations ----------------------------------------------------- */

static void test_org_retire(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    int64_t id;
    organization o;
    cf_ok(org_add(&f->admin, "CL-EAST", "clinic", "East Side Clinic", &id, &err), &err);
    assert_int_equal(org_add(&f->admin, "CL-EAST", "clinic", "Again", &id, &err),
                     CC_EINPUT);
    assert_int_equal(org_add(&f->admin, "bad code", "clinic", "X", &id, &err),
                     CC_EINPUT);
    assert_int_equal(org_add(&f->admin, "CL-Y", "spa", "Y", &id, &err), CC_EINPUT);
    cf_ok(org_add(&f->admin, "PAY-NEW", "payer", "New Plan CM", &id, &err), &err);
    cf_ok(org_find(&f->admin, "PAY-NEW", &o, &err), &err);
    assert_string_equal(o.kind, "payer-cm");
    cf_ok(org_edit(&f->admin, "CL-EAST", "East Side Community Clinic", NULL, &err),
          &err);
    cf_ok(org_find(&f->admin, "CL-EAST", &o, &err), &err);
    assert_string_equal(o.name, "East Side Community Clinic");
    /* NGH is named by its program: never deleted, only retired */
    assert_int_equal(org_remove(&f->admin, "NGH", &err), CC_EINPUT);
    cf_expect_msg(&err, "retire it instead");
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM organization WHERE facility_code = "
                            "'NGH'"),
                     1);
    cf_ok(org_retire(&f->admin, "NGH", &err), &err);
    assert_int_equal(org_resolve(&f->admin, "NGH", &err), 0);
    cf_expect_msg(&err, "retired");
    assert_int_equal(org_retire(&f->admin, "NGH", &err), CC_EINPUT);
    /* one nothing ever named is removed outright */
    cf_ok(org_remove(&f->admin, "CL-EAST", &err), &err);
    assert_int_equal(org_resolve(&f->admin, "CL-EAST", &err), 0);
    assert_true(org_resolve(&f->admin, "PAY-NEW", &err) > 0);
    assert_int_equal(
        tu_int(f->s, "SELECT count(*) FROM audit WHERE action LIKE 'org.%'"), 5);
}

/* ---- account alerts ---------------------------------------------------- */

static void test_account_alerts(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cc_table t;
    report_params p = {0};
    add(f, "sup1", "supervisor");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert WHERE kind = 'account'"),
                     1);
    add(f, "admin2", "admin"); /* no client content: no alert */
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert WHERE kind = 'account'"),
                     1);
    cf_ok(staff_create(&f->admin, "peek", "coach", "", ONE_TIME, f->team, &err), &err);
    cf_ok(staff_set_role(&f->admin, "peek", "supervisor", &err), &err);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM team_member WHERE staff_id = "
                                  "(SELECT id FROM staff WHERE login = 'peek')"),
                     0);
    cf_ok(staff_disable(f->s, f->admin.staff_id, "peek", &err), &err);
    cf_ok(staff_enable(&f->admin, "peek", ONE_TIME, &err), &err);
    assert_int_equal(tu_int(f->s,
                            "SELECT count(*) FROM alert WHERE kind = 'account' AND "
                            "for_role = 'supervisor' AND client_id IS NULL"),
                     4);
    /* the report lists them, newest first */
    cc_ctx *sup = as(f, "sup1");
    cf_ok(report_resolve(sup, "accounts", &p, &err), &err);
    cf_ok(report_run(sup, "accounts", &p, &t, &err), &err);
    assert_int_equal(t.nrows, 4);
    assert_non_null(strstr(table_cell(&t, 0, table_col(&t, "change")), "re-enabled"));
    assert_non_null(strstr(table_cell(&t, 1, table_col(&t, "change")),
                           "coach -> supervisor by root"));
    assert_string_equal(table_cell(&t, 0, table_col(&t, "alert")), "OPEN");
    table_free(&t);
    /* and the supervisors' inbox holds them */
    cf_ok(worklist_inbox(sup, sup->staff_id, &t, &err), &err);
    assert_int_equal(t.nrows, 4);
    table_free(&t);
    /* a coach may not read the report */
    add(f, "coach9", "coach");
    assert_int_equal(report_run(as(f, "coach9"), "accounts", &p, &t, &err),
                     CC_EREFUSED);
}

/* Nothing half-applied: a new account on a retired team leaves no row,
 * no slot, no alert. */
static void test_create_all_or_nothing(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    cf_ok(team_retire(&f->admin, f->team, &err), &err);
    assert_int_equal(
        staff_create(&f->admin, "late", "coach", "", ONE_TIME, f->team, &err),
        CC_EINPUT);
    cf_expect_msg(&err, "retired");
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM staff WHERE login = 'late'"),
                     0);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM alert"), 0);
    assert_false(store_slot_exists(f->s, "late"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_last_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cover_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_passphrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_retire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_all_or_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
