/*
 * test_restore.c — restoring a backup (store_restore_*): a backup is read
 * without being changed, a verified copy lands at the target and opens with
 * the same passphrase holding the same rows; a tampered page, a broken
 * audit chain or a wrong passphrase is refused before anything is written;
 * an existing database is replaced only with force and only while nobody
 * has it open; a restore killed after staging leaves a copy the next open
 * of its target removes, while a running one's is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/maint.h"
#include "testutil.h"

#define PASS "restore-test-passphrase"

typedef struct fixture {
    char *dir, *db, *backup, *staged, *to;
} fixture;

static void add_rows(store *s, int n)
{
    cc_err err = {0};
    char sql[128];
    assert_int_equal(store_begin(s, &err), CC_OK);
    tu_exec(s, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
    for (int i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO t (v) VALUES ('row %d')", i);
        tu_exec(s, sql);
    }
    assert_int_equal(audit_append(s, 1, "test.rows", "t", "", &err), CC_OK);
    assert_int_equal(store_commit(s, &err), CC_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    store *s;
    cc_err err = {0};
    store_set_pwhash_cost(1); /* 64 MiB, one pass */
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "live.db");
    f->backup = tu_path(f->dir, "backup.db");
    f->staged = tu_path(f->dir, "restored.db.restore");
    f->to = tu_path(f->dir, "restored.db");
    assert_int_equal(store_create(f->db, "admin1", PASS, &s, &err), CC_OK);
    add_rows(s, 300);
    assert_int_equal(store_backup(s, f->backup, &err), CC_OK);
    add_rows(s, 5); /* the live store moves on */
    store_close(s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmrf(f->dir);
    free(f->dir), free(f->db), free(f->backup), free(f->staged), free(f->to), free(f);
    return 0;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    store *s;
    cc_err err = {0};
    size_t n1, n2;
    uint8_t *before = tu_read(f->backup, &n1);
    assert_int_equal(store_restore_refuse(f->to, 0, &err), CC_OK);
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, f->staged, &info,
                                         NULL, NULL, &err),
                     CC_OK);
    assert_true(info.pages > 0);
    assert_true(info.head.seq > 0);
    assert_int_equal(strlen(info.head_at), 20);
    uint8_t *after = tu_read(f->backup, &n2); /* the backup is only read */
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    char *wal = tu_path(f->dir, "backup.db-wal");
    assert_false(exists(wal));
    assert_int_equal(store_restore_commit(f->staged, f->to, 0, &info.head, &err),
                     CC_OK);
    assert_false(exists(f->staged));
    assert_int_equal(store_open(f->to, "admin1", PASS, &s, &err), CC_OK);
    assert_int_equal(tu_int(s, "SELECT count(*) FROM t"), 300);
    audit_result res;
    assert_int_equal(audit_verify(s, &info.head, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    store_close(s);
    free(before), free(after), free(wal);
}

static void test_tampered_refused_nothing_written(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    cc_err err = {0};
    assert_int_equal(tu_flip(f->backup, 4096 * 3 + 200), 0);
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, f->staged, &info,
                                         NULL, NULL, &err),
                     CC_EDATA);
    assert_non_null(strstr(err.msg, "nothing written"));
    assert_non_null(strstr(err.msg, "page 4"));
    assert_false(exists(f->staged));
    assert_false(exists(f->to));
}

static void test_wrong_passphrase_refused(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    cc_err err = {0};
    assert_int_equal(store_restore_stage(f->backup, "admin1", "not the passphrase",
                                         f->staged, &info, NULL, NULL, &err),
                     CC_EREFUSED);
    assert_false(exists(f->staged));
}

static void test_broken_chain_refused(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    store *s;
    cc_err err = {0};
    /* an insider with the key rewrites one entry of the backup */
    assert_int_equal(store_open(f->backup, "admin1", PASS, &s, &err), CC_OK);
    tu_exec(s, "DROP TRIGGER audit_no_update");
    tu_exec(s, "UPDATE audit SET details = 'nothing' WHERE seq = 2");
    store_close(s);
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, f->staged, &info,
                                         NULL, NULL, &err),
                     CC_EDATA);
    assert_non_null(strstr(err.msg, "audit chain broken at entry 2"));
    assert_false(exists(f->staged));
}

static void test_overwrite_needs_force_and_nobody(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    store *live;
    cc_err err = {0};
    assert_int_equal(store_restore_refuse(f->db, 0, &err), CC_EREFUSED);
    assert_non_null(strstr(err.msg, "--force"));
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, f->staged, &info,
                                         NULL, NULL, &err),
                     CC_OK);
    assert_int_equal(store_restore_commit(f->staged, f->db, 0, &info.head, &err),
                     CC_EREFUSED);
    assert_int_equal(store_open(f->db, "admin1", PASS, &live, &err), CC_OK);
    assert_int_equal(store_restore_commit(f->staged, f->db, 1, &info.head, &err),
                     CC_EBUSY); /* someone has it open */
    assert_int_equal(tu_int(live, "SELECT count(*) FROM t"), 305);
    store_close(live);
    assert_int_equal(store_restore_commit(f->staged, f->db, 1, &info.head, &err),
                     CC_OK);
    assert_int_equal(store_open(f->db, "admin1", PASS, &live, &err), CC_OK);
    assert_int_equal(tu_int(live, "SELECT count(*) FROM t"), 300);
    store_close(live);
}

static void test_note_and_anchor(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    store *s;
    audit_anchor head, got;
    cc_err err = {0};
    char *anchors = tu_path(f->dir, "anchors"), at[32];
    audit_anchor_configure(anchors, 0); /* every commit would anchor... */
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, f->staged, &info,
                                         NULL, NULL, &err),
                     CC_OK);
    assert_int_equal(store_open(f->staged, "admin1", PASS, &s, &err), CC_OK);
    assert_int_equal(store_restore_note(s, f->backup, &err), CC_OK);
    assert_int_equal(audit_head(s, &head, &err), CC_OK);
    assert_int_equal(audit_anchor_now(s, &err), CC_OK); /* ...but not a staged copy */
    store_close(s);
    assert_int_equal(tu_size(anchors), -1);
    assert_int_equal(store_restore_commit(f->staged, f->to, 0, &head, &err), CC_OK);
    assert_int_equal(audit_anchor_newest(anchors, f->to, &got, at), 1);
    assert_int_equal(got.seq, head.seq);
    assert_int_equal(got.seq, info.head.seq + 1);
    assert_int_equal(store_open(f->to, "admin1", PASS, &s, &err), CC_OK);
    assert_int_equal(audit_anchor_check(s, &err), CC_OK);
    assert_int_equal(
        tu_int(s, "SELECT count(*) FROM audit WHERE action = 'store.restore'"), 1);
    store_close(s);
    audit_anchor_configure(NULL, -1);
    free(anchors);
}

static void test_live_database_is_no_backup(void **state)
{
    fixture *f = *state;
    store_restore_info info;
    store *live;
    cc_err err = {0};
    assert_int_equal(store_open(f->db, "admin1", PASS, &live, &err),
                     CC_OK); /* has a -wal */
    assert_int_equal(
        store_restore_stage(f->db, "admin1", PASS, f->staged, &info, NULL, NULL, &err),
        CC_EUSAGE);
    assert_non_null(strstr(err.msg, "not a backup"));
    assert_false(exists(f->staged));
    store_close(live);
}

/* A child begins a restore over the live database and stages its copy,
 * then dies (hold 0) or tells the parent on fd and waits to be killed. */
static pid_t restore_child(fixture *f, int hold, int fd)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    store_restore_run run;
    store_restore_info info;
    cc_err err = {0};
    if (store_restore_begin(f->db, &run, &err) != CC_OK ||
        store_restore_stage(f->backup, "admin1", PASS, run.staged, &info, NULL, NULL,
                            &err) != CC_OK)
        _exit(1);
    if (!hold)
        _exit(9); /* killed between staging and moving into place */
    if (write(fd, "x", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

static int restore_markers(const fixture *f)
{
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s.restore-", f->db);
    const char *base = strrchr(pattern, '/') + 1;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, base, strlen(base)) == 0;
    closedir(d);
    return n;
}

/* A restore killed after staging leaves <db>.restore (and its keys); the
 * next open of the database removes them with the restore's marker. One
 * still running keeps its staged copy through an open, until it dies. */
static void test_dead_restore_cleaned_at_open(void **state)
{
    fixture *f = *state;
    store *s;
    cc_err err = {0};
    int status, p[2];
    char *staged = tu_path(f->dir, "live.db.restore"),
         *keys = tu_path(f->dir, "live.db.restore.keys");
    pid_t pid = restore_child(f, 0, -1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 9);
    assert_true(exists(staged) && exists(keys));
    assert_int_equal(restore_markers(f), 1);
    assert_int_equal(store_open(f->db, "admin1", PASS, &s, &err), CC_OK);
    store_close(s);
    assert_false(exists(staged));
    assert_false(exists(keys));
    assert_int_equal(restore_markers(f), 0);

    assert_int_equal(pipe(p), 0);
    pid = restore_child(f, 1, p[1]);
    char c;
    assert_int_equal(read(p[0], &c, 1), 1); /* staged, and still running */
    store_restore_run other;
    assert_int_equal(store_restore_begin(f->db, &other, &err), CC_EBUSY);
    assert_int_equal(store_open(f->db, "admin1", PASS, &s, &err), CC_OK);
    store_close(s);
    assert_true(exists(staged) && exists(keys));
    assert_int_equal(restore_markers(f), 1);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(store_open(f->db, "admin1", PASS, &s, &err), CC_OK);
    store_close(s);
    assert_false(exists(staged));
    assert_int_equal(restore_markers(f), 0);
    close(p[0]), close(p[1]);
    free(staged), free(keys);
}

/* A finished run leaves neither staged copy nor marker; a failed one too. */
static void test_restore_run_ends_clean(void **state)
{
    fixture *f = *state;
    store_restore_run run;
    store_restore_info info;
    cc_err err = {0};
    assert_int_equal(store_restore_begin(f->to, &run, &err), CC_OK);
    assert_non_null(strstr(run.staged, "/restored.db.restore"));
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, run.staged, &info,
                                         NULL, NULL, &err),
                     CC_OK);
    assert_true(exists(run.staged));
    store_restore_end(&run); /* failed before the commit */
    assert_false(exists(run.staged));
    assert_int_equal(store_restore_begin(f->to, &run, &err), CC_OK);
    assert_int_equal(store_restore_stage(f->backup, "admin1", PASS, run.staged, &info,
                                         NULL, NULL, &err),
                     CC_OK);
    assert_int_equal(store_restore_commit(run.staged, f->to, 0, &info.head, &err),
                     CC_OK);
    store_restore_end(&run);
    assert_true(exists(f->to));
    assert_false(exists(run.staged));
    assert_false(exists(run.marker));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_refused_nothing_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrong_passphrase_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_chain_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overwrite_needs_force_and_nobody, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_note_and_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_live_database_is_no_backup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dead_restore_cleaned_at_open, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_restore_run_ends_clean, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
