/*
 * audit_tamper.c — a test tool: an insider's edit of one audit entry, straight
 * in the store (the append-only triggers dropped first, as they would be),
 * so the command-line tests can show that `audit verify` catches it.
 *
 *   audit_tamper DB SEQ
 *
 * Appends " (tampered)" to entry SEQ's details. Opens DB as demo-admin with
 * the demo passphrase ("demo", or $CARECOORD_PASSPHRASE); nothing else is
 * written (no session, no audit entry). Exit 0 when exactly one row changed.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

static int tamper(store *st, long long seq, cc_err *err)
{
    sqlite3_stmt *up = NULL;
    int rc = store_begin(st, err);
    if (rc != CC_OK)
        return rc;
    if (store_exec(st, "DROP TRIGGER IF EXISTS audit_no_update", err) != CC_OK ||
        sqlite3_prepare_v2(store_db(st),
                           "UPDATE audit SET details = details || ' (tampered)' "
                           "WHERE seq = ?1",
                           -1, &up, NULL) != SQLITE_OK) {
        store_rollback(st);
        return cc_err_set(err, CC_EDATA, "%s", sqlite3_errmsg(store_db(st)));
    }
    sqlite3_bind_int64(up, 1, seq);
    rc = sqlite3_step(up);
    sqlite3_finalize(up);
    if (rc != SQLITE_DONE || sqlite3_changes(store_db(st)) != 1) {
        store_rollback(st);
        return cc_err_set(err, CC_EINPUT, "no audit entry %lld", seq);
    }
    return store_commit(st, err);
}

int main(int argc, char **argv)
{
    store *st = NULL;
    cc_err err = {0};
    char *end;
    const char *pass = getenv("CARECOORD_PASSPHRASE");
    if (argc != 3) {
        fprintf(stderr, "usage: audit_tamper DB SEQ\n");
        return 1;
    }
    long long seq = strtoll(argv[2], &end, 10);
    if (*end || !argv[2][0] || seq <= 0 || sodium_init() < 0) {
        fprintf(stderr, "audit_tamper: SEQ must be a positive whole number\n");
        return 1;
    }
    if (store_open(argv[1], "demo-admin", pass && *pass ? pass : "demo", &st, &err) !=
            CC_OK ||
        tamper(st, seq, &err) != CC_OK) {
        fprintf(stderr, "audit_tamper: %s\n", err.msg);
        store_close(st);
        return 1;
    }
    store_close(st);
    return 0;
}
