/*
 * migrate.h — numbered schema migrations, embedded at build time.
 *
 * schema/NNNN_name.sql become the table below (tools/embed_schema.py). Each
 * is applied in its own write transaction, tracked by PRAGMA user_version;
 * a database newer than the program is refused.
 */
#ifndef CC_MIGRATE_H
#define CC_MIGRATE_H

struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration migrations[];
extern const int migration_count;

struct store;
struct cc_err;

/* Bring the store's schema up to date, one audited transaction per
 * migration. CC_EDATA if the database is newer than this program. */
int migrate_apply(struct store *s, struct cc_err *err);

/* The schema version this program writes. */
int migrate_latest(void);

#endif
