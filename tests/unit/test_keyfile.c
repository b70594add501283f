/*
 * test_keyfile.c — unit tests for the key file: slots, generations, the
 * strict parser and atomic saving, and the recovery slot. Argon2id runs at the 64 MiB
 * floor with opslimit 1 so the suite stays quick.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/keyfile.h"

#define OPS 1ULL
#define MEM KF_MIN_MEMLIMIT

typedef struct fixture {
    char dir[64];
    char path[128];
    uint8_t id1[KF_DBID_BYTES];
    uint8_t id2[KF_DBID_BYTES];
    uint8_t m1[KF_KEY_BYTES];
    uint8_t m2[KF_KEY_BYTES];
} fixture;

/* ---- helpers ------------------------------------------------------------ */

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0 && errno == EISDIR)
            remove_tree(p);
    }
    closedir(d);
    rmdir(dir);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx || sodium_init() < 0)
        return -1;
    strcpy(fx->dir, "/tmp/test_keyfile.XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof fx->path, "%s/case.db.keys", fx->dir);
    randombytes_buf(fx->id1, sizeof fx->id1);
    randombytes_buf(fx->id2, sizeof fx->id2);
    randombytes_buf(fx->m1, sizeof fx->m1);
    randombytes_buf(fx->m2, sizeof fx->m2);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

/* A key file for fx->id1 with a slot for each login (passphrase "pw-LOGIN"). */
static keyfile *make_kf(fixture *fx, const char *const logins[], int n)
{
    const uint8_t *masters[] = {fx->m1};
    char pass[64];
    cc_err err = {0};
    keyfile *kf = keyfile_new(fx->id1);
    assert_non_null(kf);
    for (int i = 0; i < n; i++) {
        snprintf(pass, sizeof pass, "pw-%s", logins[i]);
        assert_int_equal(keyfile_add_slot(kf, logins[i], pass, masters, OPS, MEM, &err),
                         CC_OK);
    }
    return kf;
}

static void save_ok(const keyfile *kf, const char *path)
{
    cc_err err = {0};
    int rc = keyfile_save(kf, path, &err);
    if (rc != CC_OK)
        fail_msg("save: %s", err.msg);
}

static keyfile *load_ok(const char *path)
{
    cc_err err = {0};
    keyfile *kf = NULL;
    int rc = keyfile_load(path, &kf, &err);
    if (rc != CC_OK)
        fail_msg("load: %s", err.msg);
    assert_non_null(kf);
    return kf;
}

static int load_code(const char *path, cc_err *err)
{
    keyfile *kf = (keyfile *)1;
    int rc = keyfile_load(path, &kf, err);
    if (rc != CC_OK) {
        assert_null(kf);
    }
    keyfile_free(kf);
    return rc;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

/* Replace every occurrence of " from " (space-delimited) with " to ". */
static char *replace_word(const char *text, const char *from, const char *to)
{
    char f[64], t[64];
    snprintf(f, sizeof f, " %s ", from);
    snprintf(t, sizeof t, " %s ", to);
    size_t fl = strlen(f), tl = strlen(t);
    char *out = calloc(1, strlen(text) * 2 + 64);
    assert_non_null(out);
    char *o = out;
    for (const char *p = text; *p;) {
        if (strncmp(p, f, fl) == 0) {
            memcpy(o, t, tl);
            o += tl;
            p += fl;
        } else {
            *o++ = *p++;
        }
    }
    return out;
}

/* The text of line n (1-based), copied into buf. */
static void nth_line(const char *text, int n, char *buf, size_t bufsz)
{
    const char *p = text;
    for (int i = 1; i < n; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t len = strcspn(p, "\n");
    assert_true(len < bufsz);
    memcpy(buf, p, len);
    buf[len] = '\0';
}

/* Flip one hex digit in the last field of line n. */
static void corrupt_last_field(char *text, int n)
{
    char *p = text;
    for (int i = 1; i < n; i++)
        p = strchr(p, '\n') + 1;
    char *eol = strchr(p, '\n');
    char *c = eol - 5;
    *c = (*c == '0') ? '1' : '0';
}

/* Split a slot line into its 8 space-separated fields, in place. */
static void split8(char *line, char *fields[8])
{
    char *save = NULL;
    for (int i = 0; i < 8; i++) {
        fields[i] = strtok_r(i ? NULL : line, " ", &save);
        assert_non_null(fields[i]);
    }
    assert_null(strtok_r(NULL, " ", &save));
}

static void expect_unlock(const keyfile *kf, const char *login, const char *pass,
                          int code, const char *msg)
{
    uint8_t *out = sodium_malloc(KF_MAX_GENS * KF_KEY_BYTES);
    cc_err err = {0};
    assert_non_null(out);
    assert_int_equal(keyfile_unlock(kf, login, pass, out, &err), code);
    if (msg)
        assert_string_equal(err.msg, msg);
    sodium_free(out);
}

static void expect_master(const keyfile *kf, const char *login, const char *pass,
                          const uint8_t *want, int ngens)
{
    uint8_t *out = sodium_malloc(KF_MAX_GENS * KF_KEY_BYTES);
    cc_err err = {0};
    assert_non_null(out);
    int rc = keyfile_unlock(kf, login, pass, out, &err);
    if (rc != CC_OK)
        fail_msg("unlock %s: %s", login, err.msg);
    assert_memory_equal(out, want, (size_t)ngens * KF_KEY_BYTES);
    sodium_free(out);
}

/* ---- tests -------------------------------------------------------------- */

static void test_login_valid(void **state)
{
    (void)state;
    assert_true(keyfile_login_valid("alice"));
    assert_true(keyfile_login_valid("a"));
    assert_true(keyfile_login_valid("0day"));
    assert_true(keyfile_login_valid("j.smith-2_x"));
    assert_true(keyfile_login_valid("abcdefghijabcdefghijabcdefghij12"));
    assert_false(keyfile_login_valid("abcdefghijabcdefghijabcdefghij123"));
    assert_false(keyfile_login_valid(""));
    assert_false(keyfile_login_valid(NULL));
    assert_false(keyfile_login_valid("Alice"));
    assert_false(keyfile_login_valid(".alice"));
    assert_false(keyfile_login_valid("-alice"));
    assert_false(keyfile_login_valid("_alice"));
    assert_false(keyfile_login_valid("al ice"));
    assert_false(keyfile_login_valid("al/ice"));
    assert_false(keyfile_login_valid("alice\n"));
    assert_false(keyfile_login_valid("al\xc3\xa9"));
}

static void test_add_slot_rejects_bad_login(void **state)
{
    fixture *fx = *state;
    const uint8_t *masters[] = {fx->m1};
    cc_err err = {0};
    keyfile *kf = keyfile_new(fx->id1);
    assert_int_equal(keyfile_add_slot(kf, "Bob", "pw", masters, OPS, MEM, &err),
                     CC_EUSAGE);
    assert_int_equal(keyfile_add_slot(kf, "bob smith", "pw", masters, OPS, MEM, &err),
                     CC_EUSAGE);
    assert_int_equal(keyfile_add_slot(kf, "", "pw", masters, OPS, MEM, &err),
                     CC_EUSAGE);
    assert_int_equal(keyfile_slot_count(kf), 0);
    keyfile_free(kf);
}

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    save_ok(kf, fx->path);
    keyfile_free(kf);

    kf = load_ok(fx->path);
    assert_int_equal(keyfile_gen_count(kf), 1);
    assert_memory_equal(keyfile_gen_id(kf, 0), fx->id1, KF_DBID_BYTES);
    assert_null(keyfile_gen_id(kf, 1));
    assert_int_equal(keyfile_slot_count(kf), 2);
    assert_string_equal(keyfile_slot_login(kf, 0), "alice");
    assert_string_equal(keyfile_slot_login(kf, 1), "bob");
    assert_null(keyfile_slot_login(kf, 2));
    assert_true(keyfile_has_slot(kf, "bob"));
    assert_false(keyfile_has_slot(kf, "carol"));
    expect_master(kf, "alice", "pw-alice", fx->m1, 1);
    expect_master(kf, "bob", "pw-bob", fx->m1, 1);

    /* Saving what was loaded reproduces the file byte for byte. */
    char *before = read_text(fx->path);
    save_ok(kf, fx->path);
    char *after = read_text(fx->path);
    assert_string_equal(before, after);
    assert_memory_equal(before, "carecoord-keys 1\nslot alice 1 67108864 ", 39);
    free(before);
    free(after);
    keyfile_free(kf);
}

static void test_defaults(void **state)
{
    fixture *fx = *state;
    const uint8_t *masters[] = {fx->m1};
    cc_err err = {0};
    keyfile *kf = keyfile_new(fx->id1);
    assert_int_equal(keyfile_add_slot(kf, "alice", "pw", masters, 0, 0, &err), CC_OK);
    save_ok(kf, fx->path);
    char *text = read_text(fx->path);
    char line[1100];
    nth_line(text, 2, line, sizeof line);
    assert_memory_equal(line, "slot alice 3 67108864 ", 22);
    free(text);
    keyfile_free(kf);
}

static void test_wrong_passphrase(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    expect_unlock(kf, "alice", "pw-bob", CC_EREFUSED, "wrong passphrase for alice");
    expect_unlock(kf, "alice", "pw-alicE", CC_EREFUSED, "wrong passphrase for alice");
    expect_unlock(kf, "alice", "pw-alice ", CC_EREFUSED, "wrong passphrase for alice");
    keyfile_free(kf);
}

static void test_empty_passphrase(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    expect_unlock(kf, "alice", "", CC_EREFUSED, "wrong passphrase for alice");

    /* The layer itself allows an empty passphrase; it must round-trip. */
    const uint8_t *masters[] = {fx->m1};
    cc_err err = {0};
    assert_int_equal(keyfile_add_slot(kf, "bob", "", masters, OPS, MEM, &err), CC_OK);
    expect_master(kf, "bob", "", fx->m1, 1);
    expect_unlock(kf, "bob", "pw-bob", CC_EREFUSED, "wrong passphrase for bob");
    keyfile_free(kf);
}

static void test_unknown_login(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    expect_unlock(kf, "carol", "pw-alice", CC_EREFUSED, "no key slot for carol");
    expect_unlock(kf, "alic", "pw-alice", CC_EREFUSED, "no key slot for alic");
    expect_unlock(kf, "\x1b[2Jx", "pw", CC_EREFUSED, "no key slot for (invalid login)");
    keyfile_free(kf);
}

static void test_change_passphrase(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    cc_err err = {0};
    assert_int_equal(keyfile_change_passphrase(kf, "alice", "wrong", "new", &err),
                     CC_EREFUSED);
    assert_string_equal(err.msg, "wrong passphrase for alice");
    expect_master(kf, "alice", "pw-alice", fx->m1, 1);
    assert_int_equal(keyfile_change_passphrase(kf, "carol", "x", "y", &err),
                     CC_EREFUSED);

    save_ok(kf, fx->path);
    char *before = read_text(fx->path);
    assert_int_equal(keyfile_change_passphrase(kf, "alice", "pw-alice", "new pw", &err),
                     CC_OK);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *after = read_text(fx->path);

    /* Fresh salt, nonce and wrapping; same public key; seals untouched. */
    char old_slot[1100], new_slot[1100], old_rest[1100], new_rest[1100];
    nth_line(before, 2, old_slot, sizeof old_slot);
    nth_line(after, 2, new_slot, sizeof new_slot);
    char *fo[8], *fn[8];
    split8(old_slot, fo);
    split8(new_slot, fn);
    assert_string_equal(fo[1], fn[1]);
    assert_string_not_equal(fo[4], fn[4]); /* salt */
    assert_string_equal(fo[5], fn[5]);     /* public key */
    assert_string_not_equal(fo[6], fn[6]); /* nonce */
    assert_string_not_equal(fo[7], fn[7]); /* wrapped key */
    for (int line = 3; line <= 6; line++) {
        nth_line(before, line, old_rest, sizeof old_rest);
        nth_line(after, line, new_rest, sizeof new_rest);
        assert_string_equal(old_rest, new_rest);
    }
    free(before);
    free(after);

    kf = load_ok(fx->path);
    expect_unlock(kf, "alice", "pw-alice", CC_EREFUSED, "wrong passphrase for alice");
    expect_master(kf, "alice", "new pw", fx->m1, 1);
    expect_master(kf, "bob", "pw-bob", fx->m1, 1);
    keyfile_free(kf);
}

static void test_replace_slot(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    const uint8_t *masters[] = {fx->m1};
    cc_err err = {0};
    assert_int_equal(keyfile_add_slot(kf, "alice", "reset", masters, OPS, MEM, &err),
                     CC_OK);
    assert_int_equal(keyfile_slot_count(kf), 2);
    assert_string_equal(keyfile_slot_login(kf, 0), "alice");
    expect_unlock(kf, "alice", "pw-alice", CC_EREFUSED, "wrong passphrase for alice");
    expect_master(kf, "alice", "reset", fx->m1, 1);
    keyfile_free(kf);
}

static void test_remove_slot(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob", "carol"};
    keyfile *kf = make_kf(fx, logins, 3);
    cc_err err = {0};
    assert_int_equal(keyfile_remove_slot(kf, "dave", &err), CC_EUSAGE);
    assert_int_equal(keyfile_remove_slot(kf, "bob", &err), CC_OK);
    assert_int_equal(keyfile_slot_count(kf), 2);
    assert_false(keyfile_has_slot(kf, "bob"));
    assert_int_equal(keyfile_remove_slot(kf, "bob", &err), CC_EUSAGE);
    save_ok(kf, fx->path);
    keyfile_free(kf);

    kf = load_ok(fx->path);
    assert_int_equal(keyfile_slot_count(kf), 2);
    assert_string_equal(keyfile_slot_login(kf, 0), "alice");
    assert_string_equal(keyfile_slot_login(kf, 1), "carol");
    expect_unlock(kf, "bob", "pw-bob", CC_EREFUSED, "no key slot for bob");
    expect_master(kf, "carol", "pw-carol", fx->m1, 1);
    char *text = read_text(fx->path);
    assert_null(strstr(text, " bob "));
    free(text);
    keyfile_free(kf);
}

static void test_add_gen(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    cc_err err = {0};
    assert_int_equal(keyfile_add_gen(kf, fx->id1, fx->m2, &err), CC_EUSAGE);
    assert_int_equal(keyfile_add_gen(kf, fx->id2, fx->m2, &err), CC_OK);
    assert_int_equal(keyfile_add_gen(kf, fx->id2, fx->m2, &err), CC_EUSAGE);
    uint8_t id3[KF_DBID_BYTES] = {3};
    assert_int_equal(keyfile_add_gen(kf, id3, fx->m2, &err), CC_EUSAGE);
    save_ok(kf, fx->path);
    keyfile_free(kf);

    kf = load_ok(fx->path);
    assert_int_equal(keyfile_gen_count(kf), 2);
    assert_memory_equal(keyfile_gen_id(kf, 0), fx->id1, KF_DBID_BYTES);
    assert_memory_equal(keyfile_gen_id(kf, 1), fx->id2, KF_DBID_BYTES);
    uint8_t want[2 * KF_KEY_BYTES];
    memcpy(want, fx->m1, KF_KEY_BYTES);
    memcpy(want + KF_KEY_BYTES, fx->m2, KF_KEY_BYTES);
    expect_master(kf, "alice", "pw-alice", want, 2);
    expect_master(kf, "bob", "pw-bob", want, 2);

    /* A slot added mid-rekey needs both masters. */
    const uint8_t *masters[] = {fx->m1, fx->m2};
    assert_int_equal(keyfile_add_slot(kf, "carol", "pw-carol", masters, OPS, MEM, &err),
                     CC_OK);
    expect_master(kf, "carol", "pw-carol", want, 2);
    assert_int_equal(keyfile_set_single_gen_id(kf, id3, &err), CC_EUSAGE);
    keyfile_free(kf);
}

static void test_keep_gen(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    cc_err err = {0};
    assert_int_equal(keyfile_add_gen(kf, fx->id2, fx->m2, &err), CC_OK);
    uint8_t other[KF_DBID_BYTES] = {9};
    assert_int_equal(keyfile_keep_gen(kf, other, &err), CC_EUSAGE);
    assert_int_equal(keyfile_gen_count(kf), 2);

    assert_int_equal(keyfile_keep_gen(kf, fx->id2, &err), CC_OK);
    assert_int_equal(keyfile_gen_count(kf), 1);
    assert_memory_equal(keyfile_gen_id(kf, 0), fx->id2, KF_DBID_BYTES);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    kf = load_ok(fx->path);
    assert_int_equal(keyfile_gen_count(kf), 1);
    expect_master(kf, "alice", "pw-alice", fx->m2, 1);
    expect_master(kf, "bob", "pw-bob", fx->m2, 1);
    char *text = read_text(fx->path);
    char id1hex[2 * KF_DBID_BYTES + 1];
    sodium_bin2hex(id1hex, sizeof id1hex, fx->id1, sizeof fx->id1);
    assert_null(strstr(text, id1hex));
    free(text);

    /* Rolling back keeps the first generation instead. */
    assert_int_equal(keyfile_add_gen(kf, fx->id1, fx->m1, &err), CC_OK);
    assert_int_equal(keyfile_keep_gen(kf, fx->id2, &err), CC_OK);
    expect_master(kf, "alice", "pw-alice", fx->m2, 1);
    keyfile_free(kf);
}

static void test_set_single_gen_id(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    cc_err err = {0};
    assert_int_equal(keyfile_set_single_gen_id(kf, fx->id2, &err), CC_OK);
    assert_memory_equal(keyfile_gen_id(kf, 0), fx->id2, KF_DBID_BYTES);
    expect_master(kf, "alice", "pw-alice", fx->m1, 1);
    keyfile_free(kf);
}

static void test_relabelled_slot(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    save_ok(kf, fx->path);
    keyfile_free(kf);

    /* Swap the two logins everywhere: the file still parses... */
    char *text = read_text(fx->path);
    char *a = replace_word(text, "alice", "zzzz");
    char *b = replace_word(a, "bob", "alice");
    char *c = replace_word(b, "zzzz", "bob");
    write_text(fx->path, c);
    kf = load_ok(fx->path);
    assert_string_equal(keyfile_slot_login(kf, 0), "bob");
    /* ...but neither passphrase opens a slot under the other's name. */
    expect_unlock(kf, "alice", "pw-bob", CC_EREFUSED, "wrong passphrase for alice");
    expect_unlock(kf, "bob", "pw-alice", CC_EREFUSED, "wrong passphrase for bob");
    expect_unlock(kf, "alice", "pw-alice", CC_EREFUSED, "wrong passphrase for alice");
    keyfile_free(kf);

    /* Relabelling only the slot lines breaks the seal order. */
    char *d = replace_word(text, "alice", "carol");
    char *slot_only = strstr(d, "slot carol");
    assert_non_null(slot_only);
    char *seal = strstr(d, "seal carol");
    assert_non_null(seal);
    memcpy(seal, "seal alice", 10); /* same length */
    write_text(fx->path, d);
    cc_err err = {0};
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "line 5"));
    free(text);
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_damaged_fields(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);

    /* Line 2 is the slot (last field: wrapped key), line 4 the seal. */
    char *text = strdup(orig);
    corrupt_last_field(text, 4);
    write_text(fx->path, text);
    kf = load_ok(fx->path);
    expect_unlock(kf, "alice", "pw-alice", CC_EDATA,
                  "key file damaged: sealed key for alice");
    keyfile_free(kf);

    strcpy(text, orig);
    corrupt_last_field(text, 2);
    write_text(fx->path, text);
    kf = load_ok(fx->path);
    expect_unlock(kf, "alice", "pw-alice", CC_EREFUSED, "wrong passphrase for alice");
    keyfile_free(kf);

    /* A different public key: caught before any seal is opened. */
    strcpy(text, orig);
    char *pk = strchr(strstr(text, "slot alice"), ' ');
    for (int i = 0; i < 4; i++)
        pk = strchr(pk + 1, ' ');
    pk[1] = pk[1] == 'f' ? 'e' : 'f';
    write_text(fx->path, text);
    kf = load_ok(fx->path);
    expect_unlock(kf, "alice", "pw-alice", CC_EDATA,
                  "key file damaged: public key for alice");
    keyfile_free(kf);
    free(text);
    free(orig);
}

static void test_truncated(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);
    size_t len = strlen(orig);
    char trunc[128];
    snprintf(trunc, sizeof trunc, "%s/trunc.keys", fx->dir);

    /* Every proper prefix of a one-generation file is refused. */
    for (size_t n = 0; n < len; n++) {
        cc_err err = {0};
        write_bytes(trunc, orig, n);
        if (load_code(trunc, &err) != CC_EDATA)
            fail_msg("prefix of %zu bytes accepted", n);
        assert_non_null(strstr(err.msg, trunc));
    }
    write_bytes(trunc, orig, len);
    cc_err err = {0};
    assert_int_equal(load_code(trunc, &err), CC_OK);
    free(orig);
}

static void expect_garbled(fixture *fx, const char *text, const char *needle)
{
    cc_err err = {0};
    write_text(fx->path, text);
    int rc = load_code(fx->path, &err);
    if (rc != CC_EDATA)
        fail_msg("accepted (rc %d): %s", rc, text);
    assert_non_null(strstr(err.msg, fx->path));
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

/* Build a file from orig's lines with line n replaced (or dropped if NULL). */
static char *with_line(const char *orig, int n, const char *repl)
{
    char *out = calloc(1, strlen(orig) + 4096);
    assert_non_null(out);
    const char *p = orig;
    for (int i = 1; *p; i++) {
        size_t len = strcspn(p, "\n") + 1;
        if (i != n)
            strncat(out, p, len);
        else if (repl)
            strcat(strcat(out, repl), "\n");
        p += len;
    }
    return out;
}

static void test_garbled(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice", "bob"};
    keyfile *kf = make_kf(fx, logins, 2);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);
    char slot[1100], gen[1100], seal[1100], bad[2200];
    nth_line(orig, 2, slot, sizeof slot);
    nth_line(orig, 4, gen, sizeof gen);
    nth_line(orig, 5, seal, sizeof seal);

    struct {
        int line;
        const char *repl;
        const char *needle;
    } cases[] = {
        {1, "carecoord-keys 1 ", "line 1"},
        {1, "carecoord-keys  1", "line 1"},
        {1, "carecoord-keys 01", "line 1"},
        {1, "carecoord-keys 0", "line 1"},
        {1, "carecoord-keys 1\r", "line 1"},
        {1, "sqlite format 3", "line 1"},
        {1, "", "line 1"},
        {4, "gen", "line 4"},
        {4, "gen 00", "line 4"},
        {4, "gen zz112233445566778899aabbccddeeff", "line 4"},
        {4, "frob 1", "line 4"},
        {4, "", "line 4"},
        {5, "seal carol 00", "line 5"},
        {5, "seal alice", "line 5"},
        {6, NULL, "incomplete"},
        {2, NULL, "line 4"}, /* seal alice has no slot any more */
        {3, "slot bob 1", "line 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = with_line(orig, cases[i].line, cases[i].repl);
        expect_garbled(fx, t, cases[i].needle);
        free(t);
    }

    /* Mutations of whole lines, built from the real ones. */
    const char *slot_muts[][2] = {
        {"slot alice 1 ", "slot alice 0 "},
        {"slot alice 1 ", "slot alice +1 "},
        {"slot alice 1 ", "slot alice 65 "},
        {" 67108864 ", " 67108863 "},
        {" 67108864 ", " 067108864 "},
        {" 67108864 ", " 99999999999999999999999 "},
        {"slot alice", "slot Alice"},
        {"slot alice", "slot  alice"},
        {"slot alice", "slot\talice"},
    };
    for (size_t i = 0; i < sizeof slot_muts / sizeof slot_muts[0]; i++) {
        const char *at = strstr(slot, slot_muts[i][0]);
        assert_non_null(at);
        snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - slot), slot, slot_muts[i][1],
                 at + strlen(slot_muts[i][0]));
        char *t = with_line(orig, 2, bad);
        expect_garbled(fx, t, "line 2");
        free(t);
    }

    /* Hex: uppercase, short, long, extra and missing fields. */
    snprintf(bad, sizeof bad, "%s", slot);
    for (char *c = strrchr(bad, ' ') + 1; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    char *t = with_line(orig, 2, bad);
    expect_garbled(fx, t, "line 2");
    free(t);
    snprintf(bad, sizeof bad, "%s", slot);
    bad[strlen(bad) - 2] = '\0';
    t = with_line(orig, 2, bad);
    expect_garbled(fx, t, "line 2");
    free(t);
    snprintf(bad, sizeof bad, "%s00", slot);
    t = with_line(orig, 2, bad);
    expect_garbled(fx, t, "line 2");
    free(t);
    snprintf(bad, sizeof bad, "%s 00", slot);
    t = with_line(orig, 2, bad);
    expect_garbled(fx, t, "line 2");
    free(t);
    snprintf(bad, sizeof bad, "%s 00", seal);
    t = with_line(orig, 5, bad);
    expect_garbled(fx, t, "line 5");
    free(t);
    *strrchr(slot, ' ') = '\0';
    t = with_line(orig, 2, slot);
    expect_garbled(fx, t, "line 2");
    free(t);

    /* Duplicate slot, duplicate gen, a slot after a gen, a third gen. */
    nth_line(orig, 2, slot, sizeof slot);
    snprintf(bad, sizeof bad, "%s\n%s", slot, slot);
    t = with_line(orig, 2, bad);
    expect_garbled(fx, t, "line 3");
    free(t);
    size_t olen = strlen(orig);
    char *big = calloc(1, 4 * olen + 4096);
    char gen_block[4096];
    snprintf(gen_block, sizeof gen_block, "%s", strstr(orig, "gen "));
    snprintf(big, 4 * olen + 4096, "%s%s", orig, gen_block);
    expect_garbled(fx, big, "line 7: duplicate gen");
    snprintf(big, 4 * olen + 4096, "%s%s\n", orig, slot);
    expect_garbled(fx, big, "line 7");
    gen_block[4] = gen_block[4] == '0' ? '1' : '0';
    snprintf(big, 4 * olen + 4096, "%s%s", orig, gen_block);
    write_text(fx->path, big);
    cc_err err = {0};
    assert_int_equal(load_code(fx->path, &err), CC_OK); /* two gens are fine */
    gen_block[5] = gen_block[5] == '0' ? '1' : '0';
    strcat(big, gen_block);
    expect_garbled(fx, big, "line 10: too many gens");
    free(big);

    /* Gen line with seals missing before the next gen. */
    t = with_line(orig, 6, gen);
    expect_garbled(fx, t, "line 6");
    free(t);

    /* A NUL byte, no final newline, an over-long line, a lone CR. */
    size_t len = strlen(orig);
    char *nul = malloc(len);
    memcpy(nul, orig, len);
    nul[30] = '\0';
    cc_err e2 = {0};
    write_bytes(fx->path, nul, len);
    assert_int_equal(load_code(fx->path, &e2), CC_EDATA);
    assert_non_null(strstr(e2.msg, "line 2"));
    free(nul);
    write_bytes(fx->path, orig, len - 1);
    assert_int_equal(load_code(fx->path, &e2), CC_EDATA);
    char *lng = calloc(1, len + 2000);
    memcpy(lng, orig, len);
    memset(lng + len, 'a', 1500);
    lng[len + 1500] = '\n';
    expect_garbled(fx, lng, "too long");
    free(lng);
    free(orig);
}

static void test_unknown_version(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);
    char *t = with_line(orig, 1, "carecoord-keys 3");
    cc_err err = {0};
    write_text(fx->path, t);
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    char want[256];
    snprintf(want, sizeof want, "key file %s is from a newer carecoord", fx->path);
    assert_string_equal(err.msg, want);
    free(t);
    free(orig);

    write_text(fx->path, "carecoord-keys 17\nwhatever the future holds\n");
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_string_equal(err.msg, want);
}

static void test_load_missing_or_odd(void **state)
{
    fixture *fx = *state;
    cc_err err = {0};
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, fx->path));
    write_text(fx->path, "");
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_int_equal(load_code(fx->dir, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, fx->dir));
}

static void test_empty_keyfile_round_trip(void **state)
{
    fixture *fx = *state;
    keyfile *kf = keyfile_new(fx->id1);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    kf = load_ok(fx->path);
    assert_int_equal(keyfile_slot_count(kf), 0);
    assert_int_equal(keyfile_gen_count(kf), 1);
    assert_memory_equal(keyfile_gen_id(kf, 0), fx->id1, KF_DBID_BYTES);
    expect_unlock(kf, "alice", "pw", CC_EREFUSED, "no key slot for alice");
    keyfile_free(kf);
}

static void test_save_atomic(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    char tmp[160], victim[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", fx->path);
    snprintf(victim, sizeof victim, "%s/victim", fx->dir);

    mode_t old = umask(0);
    save_ok(kf, fx->path);
    umask(old);
    struct stat st;
    assert_int_equal(stat(fx->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0660);
    assert_int_equal(access(tmp, F_OK), -1);
    /* Replacing keeps the shared file's mode whatever this process's umask
     * (a passwd by one person never locks the others out) ... */
    old = umask(077);
    save_ok(kf, fx->path);
    umask(old);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0660);
    /* ... but never gives the world bits it had, and a new file follows the
     * umask. */
    assert_int_equal(chmod(fx->path, 0664), 0);
    save_ok(kf, fx->path);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0660);
    assert_int_equal(unlink(fx->path), 0);
    old = umask(077);
    save_ok(kf, fx->path);
    umask(old);
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    /* A planted symlink at the temp name is not followed. */
    write_text(victim, "precious\n");
    assert_int_equal(symlink(victim, tmp), 0);
    save_ok(kf, fx->path);
    char *v = read_text(victim);
    assert_string_equal(v, "precious\n");
    free(v);
    assert_int_equal(access(tmp, F_OK), -1);

    /* A failed save leaves the old file intact. */
    char *before = read_text(fx->path);
    cc_err err = {0};
    const uint8_t *masters[] = {fx->m1};
    assert_int_equal(keyfile_add_slot(kf, "bob", "pw-bob", masters, OPS, MEM, &err),
                     CC_OK);
    assert_int_equal(mkdir(tmp, 0700), 0);
    char inner[200];
    snprintf(inner, sizeof inner, "%s/x", tmp);
    write_text(inner, "x");
    assert_int_equal(keyfile_save(kf, fx->path, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, tmp));
    char *after = read_text(fx->path);
    assert_string_equal(before, after);
    free(before);
    free(after);

    char nowhere[200];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/k.keys", fx->dir);
    assert_int_equal(keyfile_save(kf, nowhere, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "No such file"));
    keyfile_free(kf);
}

static void test_memlimit(void **state)
{
    fixture *fx = *state;
    const uint8_t *masters[] = {fx->m1};
    cc_err err = {0};
    keyfile *kf = keyfile_new(fx->id1);
    assert_int_equal(
        keyfile_add_slot(kf, "alice", "pw", masters, OPS, KF_MIN_MEMLIMIT - 1, &err),
        CC_EUSAGE);
    assert_non_null(strstr(err.msg, "64 MiB"));
    assert_int_equal(keyfile_add_slot(kf, "alice", "pw", masters, OPS, 8 << 20, &err),
                     CC_EUSAGE);
    assert_int_equal(keyfile_slot_count(kf), 0);
    assert_int_equal(keyfile_add_slot(kf, "alice", "pw", masters, OPS, MEM, &err),
                     CC_OK);
    assert_int_equal(keyfile_slot_count(kf), 1);
    keyfile_free(kf);
}

static void test_many_slots_parse(void **state)
{
    /* Slots are independent of each other: clone one slot line under many
     * logins (parse-only) to check growth and the order rule at scale. */
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);
    char slot[1100], gen[1100], seal[1100];
    nth_line(orig, 2, slot, sizeof slot);
    nth_line(orig, 3, gen, sizeof gen);
    nth_line(orig, 4, seal, sizeof seal);
    FILE *f = fopen(fx->path, "w");
    assert_non_null(f);
    fprintf(f, "carecoord-keys 1\n");
    for (int i = 0; i < 100; i++)
        fprintf(f, "slot u%d%s\n", i, strchr(slot + 5, ' '));
    fprintf(f, "%s\n", gen);
    for (int i = 0; i < 100; i++)
        fprintf(f, "seal u%d%s\n", i, strchr(seal + 5, ' '));
    fclose(f);
    kf = load_ok(fx->path);
    assert_int_equal(keyfile_slot_count(kf), 100);
    assert_string_equal(keyfile_slot_login(kf, 99), "u99");
    keyfile_free(kf);
    free(orig);
}

/* ---- the recovery slot --------------------------------------------------- */

static void expect_recovery(const keyfile *kf, const uint8_t *key, const uint8_t *want,
                            int ngens)
{
    uint8_t *out = sodium_malloc(KF_MAX_GENS * KF_KEY_BYTES);
    cc_err err = {0};
    assert_non_null(out);
    int rc = keyfile_unlock_recovery(kf, key, out, &err);
    if (rc != CC_OK)
        fail_msg("unlock recovery: %s", err.msg);
    assert_memory_equal(out, want, (size_t)ngens * KF_KEY_BYTES);
    sodium_free(out);
}

static void test_recovery_slot(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    const uint8_t *masters[] = {fx->m1};
    uint8_t key[KF_KEY_BYTES], other[KF_KEY_BYTES];
    uint8_t *out = sodium_malloc(KF_MAX_GENS * KF_KEY_BYTES);
    char hex[2 * KF_KEY_BYTES + 1];
    cc_err err = {0};
    randombytes_buf(key, sizeof key);
    randombytes_buf(other, sizeof other);
    assert_int_equal(keyfile_unlock_recovery(kf, key, out, &err), CC_EREFUSED);
    assert_string_equal(err.msg, "no recovery key is set up for this database");
    save_ok(kf, fx->path);
    char *text = read_text(fx->path);
    assert_true(strncmp(text, "carecoord-keys 1\n", 17) == 0);
    free(text);

    assert_int_equal(keyfile_set_recovery(kf, key, masters, OPS, MEM, &err), CC_OK);
    assert_true(keyfile_has_slot(kf, KF_RECOVERY_LOGIN));
    assert_non_null(keyfile_slot_pk(kf, KF_RECOVERY_LOGIN));
    expect_recovery(kf, key, fx->m1, 1);
    assert_int_equal(keyfile_unlock_recovery(kf, other, out, &err), CC_EREFUSED);
    assert_string_equal(err.msg, "wrong recovery key");
    /* never a login's slot, whatever the passphrase */
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    assert_int_equal(keyfile_unlock(kf, KF_RECOVERY_LOGIN, hex, out, &err),
                     CC_EREFUSED);
    assert_string_equal(err.msg, "no key slot for #recovery");
    assert_int_equal(keyfile_change_passphrase(kf, KF_RECOVERY_LOGIN, hex, "x", &err),
                     CC_EREFUSED);
    assert_int_equal(
        keyfile_add_slot(kf, KF_RECOVERY_LOGIN, "pw", masters, OPS, MEM, &err),
        CC_EUSAGE);
    assert_false(keyfile_login_valid(KF_RECOVERY_LOGIN));

    /* saved as version 2, read back, still opening the master */
    save_ok(kf, fx->path);
    keyfile_free(kf);
    text = read_text(fx->path);
    assert_true(strncmp(text, "carecoord-keys 2\n", 17) == 0);
    assert_non_null(strstr(text, "\nslot #recovery "));
    assert_non_null(strstr(text, "\nseal #recovery "));
    free(text);
    kf = load_ok(fx->path);
    expect_recovery(kf, key, fx->m1, 1);
    expect_master(kf, "alice", "pw-alice", fx->m1, 1);

    /* a new generation (a rekey) is sealed to it too, and kept alone */
    uint8_t want[2 * KF_KEY_BYTES];
    memcpy(want, fx->m1, KF_KEY_BYTES);
    memcpy(want + KF_KEY_BYTES, fx->m2, KF_KEY_BYTES);
    assert_int_equal(keyfile_add_gen(kf, fx->id2, fx->m2, &err), CC_OK);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    kf = load_ok(fx->path);
    expect_recovery(kf, key, want, 2);
    assert_int_equal(keyfile_keep_gen(kf, fx->id2, &err), CC_OK);
    expect_recovery(kf, key, fx->m2, 1);

    /* replaced: the old key stops working */
    const uint8_t *m2[] = {fx->m2};
    const uint8_t *pk_before = keyfile_slot_pk(kf, KF_RECOVERY_LOGIN);
    uint8_t old_pk[32];
    memcpy(old_pk, pk_before, sizeof old_pk);
    assert_int_equal(keyfile_set_recovery(kf, other, m2, OPS, MEM, &err), CC_OK);
    assert_int_equal(keyfile_slot_count(kf), 2);
    assert_memory_not_equal(keyfile_slot_pk(kf, KF_RECOVERY_LOGIN), old_pk, 32);
    assert_int_equal(keyfile_unlock_recovery(kf, key, out, &err), CC_EREFUSED);
    expect_recovery(kf, other, fx->m2, 1);

    /* removed: the file is version 1 again */
    assert_int_equal(keyfile_remove_slot(kf, KF_RECOVERY_LOGIN, &err), CC_OK);
    save_ok(kf, fx->path);
    text = read_text(fx->path);
    assert_true(strncmp(text, "carecoord-keys 1\n", 17) == 0);
    free(text);
    keyfile_free(kf);
    sodium_free(out);
}

/* A version 1 file cannot hold a recovery slot; names with '#' are not
 * logins anywhere else. */
static void test_recovery_slot_parse(void **state)
{
    fixture *fx = *state;
    const char *const logins[] = {"alice"};
    keyfile *kf = make_kf(fx, logins, 1);
    const uint8_t *masters[] = {fx->m1};
    uint8_t key[KF_KEY_BYTES];
    cc_err err = {0};
    randombytes_buf(key, sizeof key);
    assert_int_equal(keyfile_set_recovery(kf, key, masters, OPS, MEM, &err), CC_OK);
    save_ok(kf, fx->path);
    keyfile_free(kf);
    char *orig = read_text(fx->path);
    char *t = with_line(orig, 1, "carecoord-keys 1");
    write_text(fx->path, t);
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "recovery slot in a version 1 key file"));
    free(t);
    /* another '#' name is still an invalid login */
    char *p = strstr(orig, "#recovery");
    assert_non_null(p);
    memcpy(p, "#recoverz", 9);
    p = strstr(p, "#recovery");
    assert_non_null(p);
    memcpy(p, "#recoverz", 9);
    write_text(fx->path, orig);
    assert_int_equal(load_code(fx->path, &err), CC_EDATA);
    assert_non_null(strstr(err.msg, "invalid login"));
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_valid),
        cmocka_unit_test_setup_teardown(test_add_slot_rejects_bad_login, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_passphrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_passphrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_gen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_gen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_single_gen_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relabelled_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_missing_or_odd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_keyfile_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memlimit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_slots_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_slot_parse, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
