/*
 * migrate.c — applying the embedded schema migrations in order.
 *
 * Each migration runs in its own BEGIN IMMEDIATE transaction that re-reads
 * user_version first, so two programs opening an old database at once apply
 * each migration exactly once. The audit entry goes in the same transaction.
 * Foreign keys are off while a migration runs (SQLite's way to rebuild a
 * table, e.g. to widen a CHECK: the pragma only takes effect outside a
 * transaction) and PRAGMA foreign_key_check must find nothing before it
 * commits.
 */
#include "migrate.h"

#include <stdio.h>

#include "audit.h"
#include "store_int.h"

int migrate_latest(void)
{
    return migration_count;
}

static int read_version(store *s, int *v, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *v = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? CC_OK : store_fail(s, rc, "opening the database", err);
}

static int apply_one(store *s, const struct migration *m, cc_err *err)
{
    char sql[64], details[128];
    int rc = sqlite3_exec(s->db, m->sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        cc_err_set(err, CC_EDATA, "schema migration %04d_%s failed: %s", m->version,
                   m->name, sqlite3_errmsg(s->db));
        return CC_EDATA;
    }
    sqlite3_stmt *fk;
    if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &fk, NULL) !=
        SQLITE_OK)
        return store_fail(s, sqlite3_errcode(s->db), "checking foreign keys", err);
    rc = sqlite3_step(fk);
    sqlite3_finalize(fk);
    if (rc != SQLITE_DONE) {
        cc_err_set(err, CC_EDATA,
                   "schema migration %04d_%s would leave a dangling reference",
                   m->version, m->name);
        return CC_EDATA;
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
    if (store_exec(s, sql, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "schema %04d_%s", m->version, m->name);
    return audit_append(s, 0, "schema.migrate", "database", details, err);
}

/* One step: returns CC_OK with *done set when nothing was left to apply. */
static int migrate_step(store *s, int *done, cc_err *err)
{
    int v = 0;
    if (store_exec(s, "PRAGMA foreign_keys = OFF", err) != CC_OK)
        return err->code;
    if (store_begin(s, err) != CC_OK)
        goto on;
    if (read_version(s, &v, err) != CC_OK)
        goto fail;
    if (v > migration_count) {
        cc_err_set(
            err, CC_EDATA,
            "database schema %d is newer than this program (%d): upgrade carecoord", v,
            migration_count);
        goto fail;
    }
    *done = v == migration_count;
    if (!*done && apply_one(s, &migrations[v], err) != CC_OK)
        goto fail;
    if (store_commit(s, err) != CC_OK)
        goto on;
    return store_exec(s, "PRAGMA foreign_keys = ON", err);
fail:
    store_rollback(s);
on:
    store_exec(s, "PRAGMA foreign_keys = ON", &(cc_err){0});
    return err->code;
}

int migrate_apply(store *s, cc_err *err)
{
    int v = 0, done = 0;
    if (read_version(s, &v, err) != CC_OK)
        return err->code;
    if (v == migration_count)
        return CC_OK;
    while (!done)
        if (migrate_step(s, &done, err) != CC_OK)
            return err->code;
    return CC_OK;
}
