/*
 * test_recovery.c — the site's recovery key through the core and the store:
 * its text form (a typo, a wrong length or a stray character refused before
 * any Argon2id work; case, dashes, O/I/L forgiven); the key made at init
 * opens the database with the recovery slot only, never as a person; with it
 * an administrator is created who must change the one-time passphrase at
 * first use, refused while an active administrator exists unless forced,
 * audited and alerted to the supervisors (report accounts), all or nothing;
 * a recovery slot forged into the key file is refused; a rekey and a backup
 * keep the slot working; a new key from an administrator invalidates the old
 * one. Real key slots, Argon2id at one pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casefix.h"
#include "core/ctx.h"
#include "core/recovery.h"
#include "core/reports.h"
#include "core/session.h"
#include "core/staff.h"
#include "core/worklist.h"
#include "store/keyfile.h"
#include "store/maint.h"
#include "testutil.h"

#define NOW       "2026-11-20T12:00:00Z"
#define ROOT_PASS "root-passphrase"
#define ONE_TIME  "one-time-pass-1"

typedef struct fixture {
    char *dir, *db;
    char key[RECOVERY_TEXT_BYTES]; /* the recovery key init printed */
} fixture;

/* What init does: the database, its first administrator, a recovery key. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cc_err err = {0};
    store *s;
    setenv("CARECOORD_NOW", NOW, 1);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "site.db");
    cc_ctx root;
    s = cf_root_store(f->db, ROOT_PASS, &root);
    cc_ctx sys = ctx_system(s);
    cf_ok(recovery_key_new(&sys, f->key, &err), &err);
    cf_ok(staff_create(&root, "sup1", "supervisor", "Sup One", ONE_TIME, 0, &err),
          &err);
    store_close(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmrf(f->dir);
    free(f->dir), free(f->db);
    free(f);
    return 0;
}

static int open_recovery(const char *db, const char *text, store **s, cc_err *err)
{
    uint8_t key[RECOVERY_KEY_BYTES];
    int rc = recovery_parse(text, key, err);
    if (rc == CC_OK)
        rc = store_open_recovery(db, key, s, err);
    sodium_memzero(key, sizeof key);
    return rc;
}

static store *open_root(fixture *f)
{
    store *s;
    cc_err err = {0};
    cf_ok(store_open(f->db, "root", ROOT_PASS, &s, &err), &err);
    return s;
}

/* The only administrator forgot everything: disabled behind the core's back
 * (the core never lets the last one go). */
static void lose_every_admin(fixture *f)
{
    store *s = open_root(f);
    tu_exec(s, "UPDATE staff SET active = 0 WHERE role = 'admin'");
    store_close(s);
}

/* ---- the text form ----------------------------------------------------- */

static void test_format_parse(void **state)
{
    (void)state;
    uint8_t key[RECOVERY_KEY_BYTES], back[RECOVERY_KEY_BYTES];
    char text[RECOVERY_TEXT_BYTES], typed[RECOVERY_TEXT_BYTES + 16];
    cc_err err = {0};
    for (int round = 0; round < 50; round++) {
        randombytes_buf(key, sizeof key);
        recovery_format(key, text);
        assert_int_equal(strlen(text), 8 * 7 + 7);
        for (int g = 1; g < 8; g++)
            assert_int_equal(text[g * 8 - 1], '-');
        assert_null(strpbrk(text, "ILOU"));
        memset(back, 0, sizeof back);
        cf_ok(recovery_parse(text, back, &err), &err);
        assert_memory_equal(back, key, sizeof key);
        /* every single-character typo is caught by the checksum */
        size_t at = (size_t)randombytes_uniform(sizeof text - 1);
        if (text[at] == '-')
            at++;
        snprintf(typed, sizeof typed, "%s", text);
        typed[at] = typed[at] == 'Z' ? 'Y' : typed[at] == '9' ? 'A' : 'Z';
        assert_int_equal(recovery_parse(typed, back, &err), CC_EINPUT);
        cf_expect_msg(&err, "typo");
    }
    /* lower case, spaces instead of dashes, O for 0 and l for 1 */
    memset(key, 0, sizeof key);
    key[0] = 0x08; /* the first character is 1 (00001), the rest 0s */
    recovery_format(key, text);
    assert_int_equal(text[0], '1');
    assert_int_equal(text[1], '0');
    snprintf(typed, sizeof typed, "%s", text);
    for (char *p = typed; *p; p++)
        *p = *p == '-' ? ' ' : *p == '0' ? 'o' : *p == '1' ? 'l' : (char)(*p | 0x20);
    cf_ok(recovery_parse(typed, back, &err), &err);
    assert_memory_equal(back, key, sizeof key);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    uint8_t key[RECOVERY_KEY_BYTES];
    char text[RECOVERY_TEXT_BYTES], typed[RECOVERY_TEXT_BYTES + 16];
    cc_err err = {0};
    randombytes_buf(key, sizeof key);
    recovery_format(key, text);
    snprintf(typed, sizeof typed, "%.*s", (int)strlen(text) - 1, text);
    assert_int_equal(recovery_parse(typed, key, &err), CC_EINPUT);
    cf_expect_msg(&err, "has 56 letters and digits (8 groups of 7); this has 55");
    snprintf(typed, sizeof typed, "%sA", text);
    assert_int_equal(recovery_parse(typed, key, &err), CC_EINPUT);
    cf_expect_msg(&err, "this has 57");
    snprintf(typed, sizeof typed, "%s", text);
    typed[3] = 'U';
    assert_int_equal(recovery_parse(typed, key, &err), CC_EINPUT);
    cf_expect_msg(&err, "has no 'U'");
    typed[3] = '\x01';
    assert_int_equal(recovery_parse(typed, key, &err), CC_EINPUT);
    cf_expect_msg(&err, "only letters and digits");
    assert_null(strchr(err.msg, '\x01'));
    assert_int_equal(recovery_parse("", key, &err), CC_EINPUT);
    /* two neighbours swapped */
    snprintf(typed, sizeof typed, "%s", text);
    if (typed[0] != typed[1]) {
        char t = typed[0];
        typed[0] = typed[1], typed[1] = t;
        assert_int_equal(recovery_parse(typed, key, &err), CC_EINPUT);
        cf_expect_msg(&err, "typo");
    }
}

/* ---- opening with the key ---------------------------------------------- */

static void test_init_key_opens_only_as_recovery(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s;
    cf_ok(open_recovery(f->db, f->key, &s, &err), &err);
    assert_string_equal(store_login(s), KF_RECOVERY_LOGIN);
    assert_true(store_opened_by_recovery(s));
    /* never a person: no login, no new key, nothing but recovery */
    staff me;
    assert_int_equal(staff_login(s, "root", "test", &me, &err), CC_EREFUSED);
    cf_expect_msg(&err, "unlocked as #recovery");
    cc_ctx sys = ctx_system(s);
    char text[RECOVERY_TEXT_BYTES];
    assert_int_equal(recovery_key_new(&sys, text, &err), CC_EREFUSED);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                               "'keyslot.recovery' AND details = 'created'"),
                     1);
    store_close(s);
    /* the recovery slot is no one's key slot */
    session sess;
    uint8_t raw[RECOVERY_KEY_BYTES];
    char hex[2 * RECOVERY_KEY_BYTES + 1];
    cf_ok(recovery_parse(f->key, raw, &err), &err);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    assert_int_equal(
        session_open(&sess, f->db, KF_RECOVERY_LOGIN, hex, "test", 0, &err),
        CC_EREFUSED);
    cf_expect_msg(&err, "no key slot for #recovery");
    /* a well-formed key that is not this database's */
    randombytes_buf(raw, sizeof raw);
    recovery_format(raw, text);
    assert_int_equal(open_recovery(f->db, text, &s, &err), CC_EREFUSED);
    cf_expect_msg(&err, "wrong recovery key");
    assert_null(s);
}

static void test_no_recovery_slot(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = open_root(f);
    cf_ok(store_begin(s, &err), &err);
    cf_ok(store_slot_remove(s, KF_RECOVERY_LOGIN, &err), &err);
    cf_ok(store_commit(s, &err), &err);
    store_close(s);
    assert_int_equal(open_recovery(f->db, f->key, &s, &err), CC_EREFUSED);
    cf_expect_msg(&err, "no recovery key is set up");
}

/* ---- creating an administrator ----------------------------------------- */

static void test_create_admin(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s;
    session sess;
    lose_every_admin(f);
    cf_ok(open_recovery(f->db, f->key, &s, &err), &err);
    cc_ctx sys = ctx_system(s);
    cf_ok(recovery_create_admin(&sys, "rescue", "Res Cue", ONE_TIME, 0, &err), &err);
    assert_int_equal(tu_int(s, "SELECT must_change_passphrase FROM staff WHERE login "
                               "= 'rescue' AND role = 'admin' AND active = 1"),
                     1);
    /* audited as the system, the recovery noted */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                               "'recovery.use' AND object = 'rescue' AND staff_id = 0 "
                               "AND details LIKE 'recovery key used: administrator "
                               "rescue created (0 active%'"),
                     1);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = 'staff.add' "
                               "AND object = 'rescue' AND staff_id = 0"),
                     1);
    store_close(s);
    /* the one-time passphrase must be changed at first use */
    assert_int_equal(session_open(&sess, f->db, "rescue", ONE_TIME, "test", 0, &err),
                     CC_EREFUSED);
    cf_expect_msg(&err, "must change");
    cf_ok(session_open(&sess, f->db, "rescue", ONE_TIME, "test",
                       SESSION_ALLOW_MUST_CHANGE, &err),
          &err);
    staff me = sess.me;
    cf_ok(staff_passwd(sess.st, &me, ONE_TIME, "rescue-own-pass", &err), &err);
    session_close(&sess);
    cf_ok(session_open(&sess, f->db, "rescue", "rescue-own-pass", "test", 0, &err),
          &err);
    session_close(&sess);
    /* the supervisors see it: their inbox and report accounts */
    cf_ok(session_open(&sess, f->db, "sup1", ONE_TIME, "test",
                       SESSION_ALLOW_MUST_CHANGE, &err),
          &err);
    report_params p;
    cc_table t;
    cf_ok(report_resolve(&sess.ctx, "accounts", &p, &err), &err);
    cf_ok(report_run(&sess.ctx, "accounts", &p, &t, &err), &err);
    int found = 0;
    for (int r = 0; r < t.nrows; r++)
        found += strstr(table_cell(&t, r, table_col(&t, "change")),
                        "recovery key used: administrator rescue") != NULL &&
                 !strcmp(table_cell(&t, r, table_col(&t, "account")), "rescue");
    assert_int_equal(found, 1);
    table_free(&t);
    cf_ok(worklist_inbox(&sess.ctx, sess.ctx.staff_id, &t, &err), &err);
    assert_true(t.nrows >= 1);
    table_free(&t);
    session_close(&sess);
}

static void test_refused_while_admin_active(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s;
    cf_ok(open_recovery(f->db, f->key, &s, &err), &err);
    long long audit_before = tu_int(s, "SELECT count(*) FROM audit");
    cc_ctx sys = ctx_system(s);
    assert_int_equal(recovery_create_admin(&sys, "rescue", "", ONE_TIME, 0, &err),
                     CC_EREFUSED);
    cf_expect_msg(&err, "1 active administrator exists (root)");
    cf_expect_msg(&err, "--force");
    /* nothing half-applied: no row, no slot, no alert, no audit entry */
    assert_int_equal(tu_int(s, "SELECT count(*) FROM staff WHERE login = 'rescue'"), 0);
    assert_false(store_slot_exists(s, "rescue"));
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit"), audit_before);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM alert WHERE details LIKE "
                               "'recovery%'"),
                     0);
    /* --force creates one anyway, and says so */
    cf_ok(recovery_create_admin(&sys, "rescue", "", ONE_TIME, 1, &err), &err);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                               "'recovery.use' AND details LIKE '%1 active "
                               "administrator before, --force)'"),
                     1);
    /* an existing login: refused, nothing left behind */
    assert_int_equal(recovery_create_admin(&sys, "rescue", "", ONE_TIME, 1, &err),
                     CC_EINPUT);
    cf_expect_msg(&err, "exists already");
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                               "'recovery.use'"),
                     1);
    assert_int_equal(recovery_create_admin(&sys, "Bad Login", "", ONE_TIME, 1, &err),
                     CC_EINPUT);
    store_close(s);
    /* a person's store cannot do it */
    s = open_root(f);
    cc_ctx root = cf_as(s, "root");
    assert_int_equal(recovery_create_admin(&root, "other", "", ONE_TIME, 1, &err),
                     CC_EREFUSED);
    sys = ctx_system(s);
    assert_int_equal(recovery_create_admin(&sys, "other", "", ONE_TIME, 1, &err),
                     CC_EREFUSED);
    cf_expect_msg(&err, "needs the recovery key");
    store_close(s);
}

/* ---- the slot's integrity and its survival ------------------------------ */

static void test_forged_slot_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = open_root(f);
    uint8_t master[KF_KEY_BYTES], forged[RECOVERY_KEY_BYTES];
    char text[RECOVERY_TEXT_BYTES];
    memcpy(master, store_master(s), sizeof master);
    char *keys = tu_path(f->dir, "site.db.keys");
    store_close(s);
    /* someone who can write the key file and knows the master key (a former
     * staff member before a rekey) plants a recovery slot of their own */
    keyfile *kf;
    cf_ok(keyfile_load(keys, &kf, &err), &err);
    randombytes_buf(forged, sizeof forged);
    const uint8_t *const masters[1] = {master};
    cf_ok(keyfile_set_recovery(kf, forged, masters, 1, 0, &err), &err);
    cf_ok(keyfile_save(kf, keys, &err), &err);
    keyfile_free(kf);
    recovery_format(forged, text);
    assert_int_equal(open_recovery(f->db, text, &s, &err), CC_EREFUSED);
    cf_expect_msg(&err, "not the one this database recorded");
    assert_null(s);
    /* and the real key no longer matches the planted slot either */
    assert_int_equal(open_recovery(f->db, f->key, &s, &err), CC_EREFUSED);
    free(keys);
}

static void test_rekey_and_backup_keep_it(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    store *s = open_root(f);
    cf_ok(store_rekey(s, &err), &err);
    char *bk = tu_path(f->dir, "copy.db");
    cf_ok(store_backup(s, bk, &err), &err);
    store_close(s);
    cf_ok(open_recovery(f->db, f->key, &s, &err), &err);
    store_close(s);
    cf_ok(open_recovery(bk, f->key, &s, &err), &err);
    store_close(s);
    free(bk);
}

static void test_new_key_invalidates_old(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    char text[RECOVERY_TEXT_BYTES];
    store *s = open_root(f);
    cc_ctx root = cf_as(s, "root");
    cf_ok(recovery_key_new(&root, text, &err), &err);
    assert_string_not_equal(text, f->key);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                               "'keyslot.recovery' AND details LIKE 'replaced%' AND "
                               "staff_id = (SELECT id FROM staff WHERE login = "
                               "'root')"),
                     1);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM alert WHERE kind = 'account' AND "
                               "details = 'recovery key replaced by root'"),
                     1);
    /* not for everyone */
    cc_ctx sup = cf_as(s, "sup1");
    char other[RECOVERY_TEXT_BYTES];
    assert_int_equal(recovery_key_new(&sup, other, &err), CC_EREFUSED);
    store_close(s);
    assert_int_equal(open_recovery(f->db, f->key, &s, &err), CC_EREFUSED);
    cf_expect_msg(&err, "wrong recovery key");
    cf_ok(open_recovery(f->db, text, &s, &err), &err);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test_setup_teardown(test_init_key_opens_only_as_recovery, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_recovery_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_while_admin_active, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_forged_slot_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rekey_and_backup_keep_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_key_invalidates_old, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
