/*
 * testutil.c — helpers for the unit tests (see testutil.h).
 */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const uint8_t tu_master[STORE_KEY_BYTES] = {
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45,
    0x67, 0x89, 0xab, 0xcd, 0xef, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00};

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/carecoord-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

uint8_t *tu_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

int tu_write(const char *path, const uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(buf, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

int tu_file_contains(const char *path, const char *needle)
{
    size_t n, k = strlen(needle);
    uint8_t *buf = tu_read(path, &n);
    int found = 0;
    for (size_t i = 0; buf && n >= k && i <= n - k && !found; i++)
        found = memcmp(buf + i, needle, k) == 0;
    free(buf);
    return found;
}

int tu_flip(const char *path, long off)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return -1;
    fseek(f, off, SEEK_SET);
    int c = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(c ^ 0x01, f);
    return fclose(f);
}

long tu_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

int tu_copy(const char *src, const char *dst)
{
    size_t n;
    uint8_t *buf = tu_read(src, &n);
    if (!buf)
        return -1;
    int rc = tu_write(dst, buf, n);
    free(buf);
    return rc;
}

store *tu_create(const char *path)
{
    store *s = NULL;
    cc_err err = {0};
    int rc = store_create_with_key(path, tu_master, &s, &err);
    if (rc != CC_OK)
        print_error("store_create_with_key: %s\n", err.msg);
    assert_int_equal(rc, CC_OK);
    return s;
}

store *tu_open(const char *path)
{
    store *s = NULL;
    cc_err err = {0};
    int rc = store_open_with_key(path, tu_master, &s, &err);
    if (rc != CC_OK)
        print_error("store_open_with_key: %s\n", err.msg);
    assert_int_equal(rc, CC_OK);
    return s;
}

void tu_exec(store *s, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(store_db(s), sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
}

long long tu_int(store *s, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

void tu_rmrf(const char *dir)
{
    char cmd[600];
    if (!dir || strncmp(dir, "/", 1) != 0 || strstr(dir, "carecoord-test-") == NULL)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
