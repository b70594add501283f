/*
 * test_audit.c — the hash-chained audit log: an intact chain verifies, and
 * altering, deleting, reordering or inserting an entry (done here with the
 * key, through SQL, as an insider would) is detected at the right entry; a
 * cut tail or a fully recomputed chain is caught against an anchor.
 * Incremental verification from the point last verified catches tampering
 * after it and at the point itself, and leaves what came before to the full
 * verification and the anchors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "testutil.h"

typedef struct fixture {
    char *dir, *db;
    store *s;
} fixture;

static void append_n(store *s, int n)
{
    cc_err err = {0};
    char details[64];
    assert_int_equal(store_begin(s, &err), CC_OK);
    for (int i = 0; i < n; i++) {
        snprintf(details, sizeof details, "entry %d", i);
        assert_int_equal(audit_append(s, 7, "client.view", "client:42", details, &err),
                         CC_OK);
    }
    assert_int_equal(store_commit(s, &err), CC_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "a.db");
    f->s = tu_create(f->db);
    append_n(f->s, 20);
    /* the insider's first move: lift the append-only triggers */
    tu_exec(f->s, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
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

static audit_result verify(store *s, const audit_anchor *anchor)
{
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify(s, anchor, &res, NULL, NULL, &err), CC_OK);
    return res;
}

static void test_intact(void **state)
{
    fixture *f = *state;
    audit_result res = verify(f->s, NULL);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, tu_int(f->s, "SELECT count(*) FROM audit"));
    assert_int_equal(res.head.seq, res.entries);
}

static void test_triggers_block_changes(void **state)
{
    fixture *f = *state;
    char *path = tu_path(f->dir, "fresh.db");
    store *s = tu_create(path);
    sqlite3 *db = store_db(s);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE audit SET details = 'x'", NULL, NULL, NULL),
        SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
    store_close(s);
    free(path);
}

static void test_append_outside_txn_refused(void **state)
{
    fixture *f = *state;
    cc_err err = {0};
    assert_int_equal(audit_append(f->s, 1, "x", "y", "z", &err), CC_EDATA);
}

static void test_altered(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "UPDATE audit SET details = 'entry 99' WHERE seq = 12");
    audit_result res = verify(f->s, NULL);
    assert_int_equal(res.first_bad, 12);
    assert_non_null(strstr(res.why, "altered"));
}

static void test_altered_staff_only(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "UPDATE audit SET staff_id = 8 WHERE seq = 5");
    assert_int_equal(verify(f->s, NULL).first_bad, 5);
}

static void test_deleted(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "DELETE FROM audit WHERE seq = 9");
    audit_result res = verify(f->s, NULL);
    assert_int_equal(res.first_bad, 9);
    assert_non_null(strstr(res.why, "missing"));
}

static void test_reordered(void **state)
{
    fixture *f = *state;
    tu_exec(f->s, "UPDATE audit SET seq = -1 WHERE seq = 10;"
                  "UPDATE audit SET seq = 10 WHERE seq = 11;"
                  "UPDATE audit SET seq = 11 WHERE seq = -1;");
    assert_int_equal(verify(f->s, NULL).first_bad, 10);
}

static void test_inserted(void **state)
{
    fixture *f = *state;
    /* shift the tail up by one and slip a forged entry in at 15 (the tail
     * is as long as the migrations and the scene made it) */
    int last = (int)tu_int(f->s, "SELECT max(seq) FROM audit");
    assert_true(last > 15);
    for (int seq = last; seq >= 15; seq--) {
        char sql[96];
        snprintf(sql, sizeof sql, "UPDATE audit SET seq = seq + 1 WHERE seq = %d", seq);
        tu_exec(f->s, sql);
    }
    tu_exec(f->s, "INSERT INTO audit SELECT 15, at, 1, 'client.view', 'client:43', '', "
                  "hash, hash FROM audit WHERE seq = 14");
    audit_result res = verify(f->s, NULL);
    assert_int_equal(res.first_bad, 15);
}

static void test_cut_tail_needs_anchor(void **state)
{
    fixture *f = *state;
    audit_anchor anchor;
    cc_err err = {0};
    char text[160];
    assert_int_equal(audit_head(f->s, &anchor, &err), CC_OK);
    audit_anchor_format(&anchor, text, sizeof text);
    audit_anchor parsed;
    assert_int_equal(audit_anchor_parse(text, &parsed), 0);
    assert_int_equal(parsed.seq, anchor.seq);
    assert_memory_equal(parsed.hash, anchor.hash, AUDIT_HASH_BYTES);
    assert_int_equal(verify(f->s, &parsed).first_bad, 0);

    tu_exec(f->s, "DELETE FROM audit WHERE seq > (SELECT max(seq) - 3 FROM audit)");
    assert_int_equal(verify(f->s, NULL).first_bad, 0); /* a cut tail looks intact... */
    audit_result res = verify(f->s, &parsed); /* ...but not against the anchor */
    assert_int_equal(res.first_bad, anchor.seq);
    assert_non_null(strstr(res.why, "cut short"));
}

/* An insider with the chain key recomputes every hash after altering an
 * entry: the chain verifies, the anchor does not. */
static void test_recomputed_chain_caught_by_anchor(void **state)
{
    fixture *f = *state;
    audit_anchor anchor;
    cc_err err = {0};
    assert_int_equal(audit_head(f->s, &anchor, &err), CC_OK);
    char *copy = tu_path(f->dir, "b.db");
    store *b = tu_create(copy);
    /* replay the same entries with one changed, under b's own chain key,
     * then give b the original key so hashes are what an insider computes */
    tu_exec(b, "DELETE FROM secret");
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(store_db(f->s),
                           "SELECT value FROM secret WHERE name='audit_key'", -1, &st,
                           NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sqlite3_stmt *ins;
    assert_int_equal(sqlite3_prepare_v2(store_db(b),
                                        "INSERT INTO secret VALUES ('audit_key', ?1)",
                                        -1, &ins, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(ins, 1, sqlite3_column_blob(st, 0), 32, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_finalize(ins);
    sqlite3_finalize(st);
    store_close(b);
    b = tu_open(copy); /* reload the key */
    tu_exec(b, "DROP TRIGGER audit_no_delete; DELETE FROM audit;");
    append_n(b, (int)anchor.seq);
    assert_int_equal(verify(b, NULL).first_bad, 0);
    audit_result res = verify(b, &anchor);
    assert_int_equal(res.first_bad, anchor.seq);
    assert_non_null(strstr(res.why, "anchor"));
    store_close(b);
    free(copy);
}

static void test_anchor_parse_rejects_garbage(void **state)
{
    audit_anchor a;
    (void)state;
    assert_int_not_equal(audit_anchor_parse("", &a), 0);
    assert_int_not_equal(audit_anchor_parse("carecoord-audit-anchor 1 0 00", &a), 0);
    assert_int_not_equal(
        audit_anchor_parse("carecoord-audit-anchor 2 5 "
                           "0000000000000000000000000000000000000000000"
                           "000000000000000000000",
                           &a),
        0);
    assert_int_not_equal(audit_anchor_parse("carecoord-audit-anchor 1 5 zz", &a), 0);
}

/* ---- anchoring outside the database ---------------------------------- */

static void test_syslog_format_is_stable(void **state)
{
    (void)state;
    audit_anchor a = {42, {0}};
    char msg[512], line[512];
    memset(a.hash, 0xab, sizeof a.hash);
    audit_anchor_syslog_format("/srv/cc/carecoord.db", &a, msg, sizeof msg);
    assert_string_equal(msg,
                        "audit anchor seq=42 hash="
                        "abababababababababababababababababababababababababababababab"
                        "abab db=/srv/cc/carecoord.db");
    audit_anchor_line_format("/srv/cc/carecoord.db", &a, 86400, line, sizeof line);
    assert_string_equal(line,
                        "carecoord-audit-anchor 1 42 "
                        "abababababababababababababababababababababababababababababab"
                        "abab 1970-01-02T00:00:00Z /srv/cc/carecoord.db\n");
    audit_anchor back;
    assert_int_equal(audit_anchor_parse(line, &back), 0); /* a line is an anchor */
    assert_int_equal(back.seq, 42);
    assert_memory_equal(back.hash, a.hash, sizeof a.hash);
}

static long lines_in(const char *path)
{
    FILE *f = fopen(path, "r");
    long n = 0;
    int ch;
    if (!f)
        return -1;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

static void test_anchor_now_and_newest(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->dir, "anchors"), at[32], why[160];
    audit_anchor head, got;
    cc_err err = {0};
    audit_anchor_configure(file, -1);
    assert_int_equal(audit_anchor_newest(file, store_path(f->s), &got, at), -1);
    assert_int_equal(audit_anchor_now(f->s, &err), CC_OK);
    assert_int_equal(audit_head(f->s, &head, &err), CC_OK);
    /* another database's line after ours is not ours */
    FILE *o = fopen(file, "a");
    fputs("carecoord-audit-anchor 1 999 "
          "0000000000000000000000000000000000000000000000000000000000000000 "
          "2026-01-01T00:00:00Z /elsewhere/other.db\n",
          o);
    fclose(o);
    assert_int_equal(audit_anchor_newest(file, store_path(f->s), &got, at), 1);
    assert_int_equal(got.seq, head.seq);
    assert_memory_equal(got.hash, head.hash, AUDIT_HASH_BYTES);
    assert_int_equal(audit_anchor_holds(f->s, &got, why, sizeof why, &err), 0);
    append_n(f->s, 3); /* no interval: a commit does not anchor */
    assert_int_equal(lines_in(file), 2);
    assert_int_equal(audit_anchor_now(f->s, &err), CC_OK);
    assert_int_equal(audit_anchor_newest(file, store_path(f->s), &got, at), 1);
    assert_int_equal(got.seq, head.seq + 3);
    audit_anchor_configure(NULL, -1);
    free(file);
}

static void test_anchor_every_interval(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->dir, "anchors");
    audit_anchor_configure(file, 0); /* an interval of 0 s: every commit */
    append_n(f->s, 1);
    append_n(f->s, 1);
    assert_int_equal(lines_in(file), 2);
    audit_anchor_configure(file, 3600); /* an hour: the next commits do not */
    append_n(f->s, 1);
    assert_int_equal(lines_in(file), 2);
    audit_anchor_configure(NULL, -1);
    free(file);
}

static void test_anchor_catches_cut_and_rewrite(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->dir, "anchors"), at[32], why[160];
    audit_anchor got;
    cc_err err = {0};
    audit_anchor_configure(file, -1);
    assert_int_equal(audit_anchor_now(f->s, &err), CC_OK);
    assert_int_equal(audit_anchor_newest(file, store_path(f->s), &got, at), 1);
    tu_exec(
        f->s,
        "UPDATE audit SET hash = randomblob(32) WHERE seq = (SELECT max(seq) FROM audit)"); /* recomputed */
    assert_int_equal(audit_anchor_holds(f->s, &got, why, sizeof why, &err), 1);
    assert_non_null(strstr(why, "differs from its anchor"));
    tu_exec(f->s, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
    assert_int_equal(audit_anchor_holds(f->s, &got, why, sizeof why, &err), 1);
    assert_non_null(strstr(why, "is gone"));
    audit_anchor_configure(NULL, -1);
    free(file);
}

static void test_anchor_file_unwritable(void **state)
{
    fixture *f = *state;
    char *file = tu_path(f->dir, "no-such-dir/anchors");
    cc_err err = {0};
    audit_anchor_configure(file, -1);
    assert_int_equal(audit_anchor_now(f->s, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "cannot append the audit anchor"));
    audit_anchor_configure(NULL, -1);
    free(file);
}

/* ---- incremental verification ------------------------------------------ */

/* Verify the whole chain and record its head; then n more entries. */
static audit_anchor verified_then(store *s, int n)
{
    audit_result res = verify(s, NULL);
    audit_anchor point;
    char at[32];
    cc_err err = {0};
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(audit_verified_record(s, &res.head, 0, &err), CC_OK);
    assert_int_equal(audit_verified_get(s, &point, at, &err), 1);
    assert_int_equal(point.seq, res.head.seq);
    assert_memory_equal(point.hash, res.head.hash, AUDIT_HASH_BYTES);
    assert_non_null(strstr(at, "T"));
    if (n)
        append_n(s, n);
    return point;
}

static audit_result verify_from(store *s, const audit_anchor *from,
                                const audit_anchor *anchor)
{
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify_from(s, from, anchor, &res, NULL, NULL, &err), CC_OK);
    return res;
}

static void test_incremental_checks_only_the_rest(void **state)
{
    fixture *f = *state;
    audit_anchor none, point;
    char at[32];
    cc_err err = {0};
    assert_int_equal(audit_verified_get(f->s, &none, at, &err), 0); /* none yet */
    point = verified_then(f->s, 10);
    audit_result res = verify_from(f->s, &point, NULL);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.from, point.seq);
    /* the 10 and the verification's own entry */
    assert_int_equal(res.entries, 11);
    assert_int_equal(res.head.seq, point.seq + 11);
    assert_int_equal(tu_int(f->s, "SELECT count(*) FROM audit WHERE action = "
                                  "'audit.verify'"),
                     1);
    /* against an anchor before the point, at it, and after it */
    audit_anchor head;
    assert_int_equal(audit_head(f->s, &head, &err), CC_OK);
    assert_int_equal(verify_from(f->s, &point, &point).first_bad, 0);
    assert_int_equal(verify_from(f->s, &point, &head).first_bad, 0);
}

static void test_incremental_detects_tampering_after(void **state)
{
    fixture *f = *state;
    audit_anchor point = verified_then(f->s, 10);
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE audit SET details = 'x' WHERE seq = %lld",
             (long long)point.seq + 4);
    tu_exec(f->s, sql);
    audit_result res = verify_from(f->s, &point, NULL);
    assert_int_equal(res.first_bad, point.seq + 4);
    assert_non_null(strstr(res.why, "altered"));
}

/* The point itself: its contents altered, its hash replaced, the recorded
 * hash no longer its, or the entry cut away. */
static void test_incremental_detects_tampering_at_the_point(void **state)
{
    fixture *f = *state;
    audit_anchor point = verified_then(f->s, 3);
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE audit SET staff_id = staff_id + 1 WHERE seq = %lld",
             (long long)point.seq);
    tu_exec(f->s, sql);
    audit_result res = verify_from(f->s, &point, NULL);
    assert_int_equal(res.first_bad, point.seq);
    assert_non_null(strstr(res.why, "altered"));
    assert_int_equal(res.entries, 0); /* nothing after it was trusted */

    audit_anchor other = point;
    other.hash[0] ^= 1; /* as if the entry had been recomputed by an insider */
    snprintf(sql, sizeof sql,
             "UPDATE audit SET staff_id = staff_id - 1 WHERE seq = %lld",
             (long long)point.seq);
    tu_exec(f->s, sql);
    assert_int_equal(verify_from(f->s, &point, NULL).first_bad, 0); /* restored */
    res = verify_from(f->s, &other, NULL);
    assert_int_equal(res.first_bad, point.seq);
    assert_non_null(strstr(res.why, "point last verified"));

    snprintf(sql, sizeof sql, "UPDATE audit SET hash = randomblob(32) WHERE seq = %lld",
             (long long)point.seq);
    tu_exec(f->s, sql);
    assert_int_equal(verify_from(f->s, &point, NULL).first_bad, point.seq);

    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq >= %lld",
             (long long)point.seq);
    tu_exec(f->s, sql);
    res = verify_from(f->s, &point, NULL);
    assert_int_equal(res.first_bad, point.seq);
    assert_non_null(strstr(res.why, "cut short"));
}

/* What incremental verification leaves to the full one (and to the anchors):
 * an entry before the point is not read again. */
static void test_incremental_leaves_the_past_to_full(void **state)
{
    fixture *f = *state;
    audit_anchor point = verified_then(f->s, 2);
    tu_exec(f->s, "UPDATE audit SET details = 'x' WHERE seq = 3");
    assert_int_equal(verify_from(f->s, &point, NULL).first_bad, 0);
    assert_int_equal(verify(f->s, NULL).first_bad, 3);
    /* an anchor before the point whose entry was rewritten is still caught */
    audit_anchor a = {.seq = 3};
    assert_int_equal(verify_from(f->s, &point, &a).first_bad, 3);
}

static void test_verified_point_damaged(void **state)
{
    fixture *f = *state;
    audit_anchor point;
    char at[32];
    cc_err err = {0};
    verified_then(f->s, 0);
    tu_exec(f->s, "UPDATE meta SET value = 'garbage' WHERE key = 'audit_verified'");
    assert_int_equal(audit_verified_get(f->s, &point, at, &err), -1);
    assert_non_null(strstr(err.msg, "damaged"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triggers_block_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_outside_txn_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_altered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_staff_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_tail_needs_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recomputed_chain_caught_by_anchor, setup,
                                        teardown),
        cmocka_unit_test(test_anchor_parse_rejects_garbage),
        cmocka_unit_test(test_syslog_format_is_stable),
        cmocka_unit_test_setup_teardown(test_anchor_now_and_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anchor_every_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anchor_catches_cut_and_rewrite, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_anchor_file_unwritable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incremental_checks_only_the_rest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_incremental_detects_tampering_after, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_incremental_detects_tampering_at_the_point,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_incremental_leaves_the_past_to_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verified_point_damaged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
