/*
 * nest.c — use cases as savepoints of one outer transaction (nest.h).
 *
 * store_nest_begin opens the outer transaction with store_begin and sets
 * s->nest; from then on store.c hands its three transaction calls to the
 * functions below: a use case's BEGIN is "SAVEPOINT cc_nest", its COMMIT
 * "RELEASE cc_nest" (nothing reaches the disk yet), its ROLLBACK
 * "ROLLBACK TO cc_nest; RELEASE cc_nest" (its own changes and audit entries
 * go, the earlier use cases' stay). Savepoints of one name nest: each
 * statement names the newest. store_nest_end commits the outer transaction
 * through store_commit, the one path every commit of the store takes.
 *
 * If SQLite itself rolls the outer transaction back (an I/O error, a full
 * disk), or a use case's savepoint cannot be rolled back, every use case
 * after that is refused and the nest's end fails, rolling the batch back:
 * a later use case never commits on its own (the commit guard of store.c
 * turns any commit but store_commit's into a rollback meanwhile), and no
 * part of a failed use case is ever committed.
 */
#include "nest.h"

#include <sqlite3.h>

#include "store_int.h"
#include "vfs.h"

/* The outer transaction is gone (SQLite rolled it back): note it. */
static int lost(store *s)
{
    if (sqlite3_get_autocommit(s->db))
        s->nest_lost = 1;
    return s->nest_lost;
}

static int lost_err(cc_err *err)
{
    return cc_err_set(err, CC_EDATA,
                      "the batch's transaction was rolled back: nothing of it was "
                      "saved");
}

int nest_savepoint(store *s, cc_err *err)
{
    if (lost(s))
        return lost_err(err);
    vfs_clear_error();
    int rc = sqlite3_exec(s->db, "SAVEPOINT cc_nest", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "begin", err);
    s->nest_depth++;
    return CC_OK;
}

int nest_release(store *s, cc_err *err)
{
    if (s->nest_depth == 0)
        return cc_err_set(err, CC_EDATA, "internal: commit outside a use case");
    if (lost(s)) {
        s->nest_depth--;
        return lost_err(err);
    }
    int rc = sqlite3_exec(s->db, "RELEASE cc_nest", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        store_fail(s, rc, "commit", err);
        nest_rollback_to(s);
        return err ? err->code : CC_EDATA;
    }
    s->nest_depth--;
    return CC_OK;
}

void nest_rollback_to(store *s)
{
    if (s->nest_depth == 0) { /* not inside a use case: the whole nest goes */
        store_nest_abort(s);
        return;
    }
    s->nest_depth--;
    /* a savepoint that would not roll back (out of memory) leaves part of a
     * use case in the batch: the whole batch must go, never commit */
    if (!lost(s) && sqlite3_exec(s->db, "ROLLBACK TO cc_nest; RELEASE cc_nest", NULL,
                                 NULL, NULL) != SQLITE_OK)
        s->nest_lost = 1;
}

int store_nest_begin(store *s, cc_err *err)
{
    if (s->nest || !sqlite3_get_autocommit(s->db))
        return cc_err_set(err, CC_EDATA, "internal: a transaction is already open");
    if (store_begin(s, err) != CC_OK)
        return err->code;
    s->nest = 1;
    s->nest_depth = 0;
    s->nest_lost = 0;
    return CC_OK;
}

int store_nest_end(store *s, cc_err *err)
{
    if (!s->nest)
        return cc_err_set(err, CC_EDATA, "internal: no batch is open");
    int depth = s->nest_depth, gone = lost(s);
    if (depth || gone) {
        store_nest_abort(s);
        return gone ? lost_err(err)
                    : cc_err_set(err, CC_EDATA,
                                 "internal: %d use case(s) still open at the end of "
                                 "the batch: rolled back",
                                 depth);
    }
    s->nest = 0;
    return store_commit(s, err);
}

void store_nest_abort(store *s)
{
    if (!s || !s->nest)
        return;
    s->nest = 0;
    s->nest_depth = 0;
    s->nest_lost = 0;
    store_rollback(s);
}

int store_nest_active(const store *s)
{
    return s->nest;
}

int store_nest_depth(const store *s)
{
    return s->nest_depth;
}

int store_in_txn(store *s)
{
    return s->nest ? s->nest_depth > 0 : !sqlite3_get_autocommit(s->db);
}
