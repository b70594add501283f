/*
 * test_iofault.c — the disk failing under the encrypted store. A shim VFS
 * below the carecoord VFS (faultvfs.c) fails the Nth read, write, sync,
 * truncate or lock with an I/O error (SQLITE_IOERR_*, as EIO gives) or disk
 * full (SQLITE_FULL, as ENOSPC gives), for every N of a day of work
 * (workflow.c: open, intake, edit, consent, contact, assessment, close),
 * once and (disk full) from then on. For each N: no crash; the first
 * failure is one line, and says "disk full" when the disk is full and never
 * when it is not; once the fault is gone the store reopens, passes
 * integrity_check and audit verify, keeps every acknowledged change with
 * its audit entry and no change without one, and no stray file is left; a
 * staff member's key slot is in the key file exactly when their account
 * records it. CI mode tries every N of every operation once (a single
 * fault) and every N of writes and syncs with the disk full from then on;
 * FAULT_LONG=1 also runs every operation failing from the Nth on with
 * either error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/staff.h"
#include "faultvfs.h"
#include "store/keyfile.h"
#include "testutil.h"
#include "workflow.h"

static char *dir;

/* The I/O error each operation reports on EIO; ENOSPC is SQLITE_FULL. */
static const int eio_codes[FAULT_OPS] = {
    [FAULT_READ] = SQLITE_IOERR_READ,  [FAULT_WRITE] = SQLITE_IOERR_WRITE,
    [FAULT_SYNC] = SQLITE_IOERR_FSYNC, [FAULT_TRUNCATE] = SQLITE_IOERR_TRUNCATE,
    [FAULT_LOCK] = SQLITE_IOERR_LOCK,
};

static int group_setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    wf_prepare(dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    return 0;
}

/* The workflow without faults: every step acknowledged; the counts of op. */
static long clean_count(enum fault_op op)
{
    wf_result r;
    wf_reset(dir);
    faultvfs_arm(op, 0, 0, 0);
    wf_run(dir, &r);
    long n = faultvfs_count(op);
    if (r.failed >= 0)
        print_error("clean run: step %d: %s\n", r.failed, r.err.msg);
    assert_int_equal(r.failed, -1);
    wf_verify(dir, &r, "clean run");
    return n;
}

/* The first failure's message fits the fault. */
static void check_message(const wf_result *r, int rc, const char *label)
{
    if (r->failed < 0)
        return;
    if (getenv("FAULT_VERBOSE")) /* every message, to read them by hand */
        print_message("# %s: step %d: %s\n", label, r->failed, r->err.msg);
    if (!wf_one_line(r->err.msg))
        print_error("%s: not one line: %s\n", label, r->err.msg);
    assert_true(wf_one_line(r->err.msg));
    int says_full = strstr(r->err.msg, "disk full") != NULL;
    int says_io = strstr(r->err.msg, "I/O error") != NULL;
    if (says_full != (rc == SQLITE_FULL) || says_io == (rc == SQLITE_FULL))
        print_error("%s: step %d: message \"%s\"\n", label, r->failed, r->err.msg);
    assert_int_equal(says_full, rc == SQLITE_FULL);
    assert_int_equal(says_io, rc != SQLITE_FULL);
}

/* Every N of op failing with rc (once, or from N on with sticky). */
static void sweep(enum fault_op op, int rc, int sticky)
{
    long total = clean_count(op), failures = 0;
    assert_true(total > 0);
    for (long n = 1; n <= total; n++) {
        char label[96];
        wf_result r;
        snprintf(label, sizeof label, "%s #%ld of %ld %s%s", faultvfs_op_name(op), n,
                 total, rc == SQLITE_FULL ? "ENOSPC" : "EIO", sticky ? " on" : "");
        wf_reset(dir);
        faultvfs_arm(op, n, rc, sticky);
        wf_run(dir, &r);
        faultvfs_disarm();
        assert_true(faultvfs_fired() > 0);
        wf_verify(dir, &r, label);
        check_message(&r, rc, label);
        failures += r.failed >= 0;
    }
    /* most faults reach the person (some hit what may fail quietly: the
     * statistics refresh and the WAL's truncation at close) */
    print_message("# %s %s%s: %ld of %ld runs failed a step\n", faultvfs_op_name(op),
                  rc == SQLITE_FULL ? "ENOSPC" : "EIO", sticky ? " on" : "", failures,
                  total);
    assert_true(failures > 0 || op == FAULT_TRUNCATE);
}

static void sweep_all_kinds(enum fault_op op, int sticky)
{
    sweep(op, eio_codes[op], sticky);
    sweep(op, SQLITE_FULL, sticky);
}

static void test_read_once(void **state)
{
    (void)state;
    sweep_all_kinds(FAULT_READ, 0);
}

static void test_write_once(void **state)
{
    (void)state;
    sweep_all_kinds(FAULT_WRITE, 0);
}

static void test_sync_once(void **state)
{
    (void)state;
    sweep_all_kinds(FAULT_SYNC, 0);
}

static void test_truncate_once(void **state)
{
    (void)state;
    sweep_all_kinds(FAULT_TRUNCATE, 0);
}

static void test_lock_once(void **state)
{
    (void)state;
    sweep_all_kinds(FAULT_LOCK, 0);
}

/* The disk stays full from the Nth write or sync on. */
static void test_full_persistent(void **state)
{
    (void)state;
    sweep(FAULT_WRITE, SQLITE_FULL, 1);
    sweep(FAULT_SYNC, SQLITE_FULL, 1);
}

/* FAULT_LONG=1: every operation failing from the Nth on, either way. */
static void test_long_persistent(void **state)
{
    (void)state;
    sweep(FAULT_WRITE, eio_codes[FAULT_WRITE], 1);
    sweep(FAULT_SYNC, eio_codes[FAULT_SYNC], 1);
    sweep_all_kinds(FAULT_READ, 1);
    sweep_all_kinds(FAULT_TRUNCATE, 1);
    sweep_all_kinds(FAULT_LOCK, 1);
}

/* ---- a key slot and its account --------------------------------------
 * Adding a staff member writes their key slot to the key file inside the
 * transaction (plain POSIX writes, not through the VFS), then commits; a
 * failed commit removes the slot again. After a fault at every N, the key
 * file's slots and the accounts that record a slot are the same set. */

#define NURSE_PASS "staple of the day 42 synthetic"

/* Add nurse1 with a passphrase to dir/run.db; the step's result. */
static int add_nurse(cc_err *err)
{
    char db[600];
    store *s = NULL;
    snprintf(db, sizeof db, "%s/run.db", dir);
    int rc = store_open_with_key(db, tu_master, &s, err);
    if (rc != CC_OK)
        return rc;
    rc = staff_add(s, 0, "nurse1", "nurse", "Nurse One", NURSE_PASS, 0, err);
    store_close(s);
    return rc;
}

/* Slots of the key file and accounts with a recorded slot agree; returns
 * whether nurse1 has both. */
static int check_slots(int acked, const char *label)
{
    char db[600], keys[620];
    keyfile *kf;
    cc_err err = {0};
    snprintf(db, sizeof db, "%s/run.db", dir);
    snprintf(keys, sizeof keys, "%s/run.db.keys", dir);
    store *s = tu_open(db);
    long long accounts = tu_int(s, "SELECT count(*) FROM staff WHERE login = 'nurse1' "
                                   "AND slot_pk IS NOT NULL");
    long long audited = tu_int(s, "SELECT count(*) FROM audit WHERE action = "
                                  "'keyslot.add' AND object = 'nurse1'");
    store_close(s);
    assert_int_equal(keyfile_load(keys, &kf, &err), CC_OK);
    int slots = keyfile_has_slot(kf, "nurse1");
    keyfile_free(kf);
    if (slots != accounts || audited != accounts || (acked && !slots))
        print_error("%s: slot %d, account with slot %lld, audited %lld, acked %d\n",
                    label, slots, accounts, audited, acked);
    assert_int_equal(slots, accounts);
    assert_int_equal(audited, accounts);
    assert_true(!acked || slots);
    return slots;
}

static void sweep_slot(enum fault_op op, int rc, int sticky)
{
    cc_err err = {0};
    wf_reset(dir);
    faultvfs_arm(op, 0, 0, 0);
    assert_int_equal(add_nurse(&err), CC_OK);
    long total = faultvfs_count(op), refused = 0, kept = 0;
    for (long n = 1; n <= total; n++) {
        char label[96];
        wf_result r = {.failed = -1};
        snprintf(label, sizeof label, "staff_add: %s #%ld of %ld %s%s",
                 faultvfs_op_name(op), n, total, rc == SQLITE_FULL ? "ENOSPC" : "EIO",
                 sticky ? " on" : "");
        wf_reset(dir);
        faultvfs_arm(op, n, rc, sticky);
        cc_err e = {0};
        int acked = add_nurse(&e) == CC_OK;
        faultvfs_disarm();
        if (!acked) {
            r.failed = WF_OPEN;
            r.err = e;
        }
        wf_verify(dir, &r, label);
        check_message(&r, rc, label);
        kept += check_slots(acked, label) && !acked;
        refused += !acked;
    }
    print_message("# staff_add %s %s%s: %ld of %ld runs failed, %ld of those kept the "
                  "account and its slot (committed on disk before the fault)\n",
                  faultvfs_op_name(op), rc == SQLITE_FULL ? "ENOSPC" : "EIO",
                  sticky ? " on" : "", refused, total, kept);
    assert_true(refused > 0);
}

/* Writes and syncs failing once, and the disk full from then on. */
static void test_key_slot_with_its_account(void **state)
{
    (void)state;
    store_set_pwhash_cost(1); /* one pass over 64 MiB: quick enough */
    sweep_slot(FAULT_WRITE, eio_codes[FAULT_WRITE], 0);
    sweep_slot(FAULT_WRITE, SQLITE_FULL, 1);
    sweep_slot(FAULT_SYNC, eio_codes[FAULT_SYNC], 0);
    sweep_slot(FAULT_SYNC, SQLITE_FULL, 1);
}

int main(void)
{
    setenv("CARECOORD_NOW", "2026-11-22T12:00:00Z", 1);
    wf_fast_tmpdir();
    if (faultvfs_install() != SQLITE_OK) {
        fprintf(stderr, "cannot install the fault VFS\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_once),
        cmocka_unit_test(test_write_once),
        cmocka_unit_test(test_sync_once),
        cmocka_unit_test(test_truncate_once),
        cmocka_unit_test(test_lock_once),
        cmocka_unit_test(test_full_persistent),
        cmocka_unit_test(test_key_slot_with_its_account),
        cmocka_unit_test(test_long_persistent), /* last: only with FAULT_LONG=1 */
    };
    size_t n = sizeof tests / sizeof *tests - (wf_long_mode() ? 0 : 1);
    return _cmocka_run_group_tests("tests", tests, n, group_setup, group_teardown);
}
