/*
 * set_name.c — a test tool: give one client a family name of arbitrary bytes
 * (escape sequences, bidirectional controls, ...) straight in the store,
 * bypassing the core's input checks, so the terminal tests can show that the
 * screen only ever shows it sanitized.
 *
 *   set_name DB CLIENT_ID FAMILY_NAME
 *
 * Opens DB as demo-admin with the demo passphrase ("demo", or
 * $CARECOORD_PASSPHRASE). Exit 0 when exactly one row changed.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int main(int argc, char **argv)
{
    store *st = NULL;
    cc_err err = {0};
    sqlite3_stmt *up = NULL;
    char *end;
    const char *pass = getenv("CARECOORD_PASSPHRASE");
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: set_name DB CLIENT_ID FAMILY_NAME\n");
        return 1;
    }
    long long id = strtoll(argv[2], &end, 10);
    if (*end || !argv[2][0] || id <= 0) {
        fprintf(stderr, "set_name: CLIENT_ID must be a positive whole number\n");
        return 1;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "set_name: libsodium failed to initialise\n");
        return 1;
    }
    if (store_open(argv[1], "demo-admin", pass && *pass ? pass : "demo", &st, &err) !=
        CC_OK) {
        fprintf(stderr, "set_name: %s\n", err.msg);
        return 1;
    }
    if (store_begin(st, &err) != CC_OK) {
        fprintf(stderr, "set_name: %s\n", err.msg);
        goto out;
    }
    if (sqlite3_prepare_v2(store_db(st), "UPDATE client SET family_name = ?1 WHERE id = ?2",
                           -1, &up, NULL) != SQLITE_OK) {
        fprintf(stderr, "set_name: %s\n", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        goto out;
    }
    sqlite3_bind_text(up, 1, argv[3], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 2, id);
    if (sqlite3_step(up) != SQLITE_DONE) {
        fprintf(stderr, "set_name: %s\n", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        goto out;
    }
    if (sqlite3_changes(store_db(st)) != 1) {
        fprintf(stderr, "set_name: no client %lld\n", id);
        store_rollback(st);
        goto out;
    }
    if (store_commit(st, &err) != CC_OK) {
        fprintf(stderr, "set_name: %s\n", err.msg);
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(up);
    store_close(st);
    return rc;
}
