/*
 * nest.h — many use cases in one commit: while a nest is open on a store,
 * the store_begin / store_commit / store_rollback that each core use case
 * issues become SAVEPOINT / RELEASE / ROLLBACK TO inside one outer write
 * transaction, so every use case stays atomic with its audit entries (a
 * failure rolls back that use case alone) while thousands of them share
 * one commit and one sync. Bulk building only (the demo generator); the
 * outer commit goes through store_commit like any other.
 */
#ifndef CC_NEST_H
#define CC_NEST_H

#include "store.h"

/* Open the outer write transaction (store_begin: BEGIN IMMEDIATE with the
 * busy limit) and start nesting. CC_EDATA if a transaction is already open
 * or s is already nesting. */
int store_nest_begin(store *s, cc_err *err);

/* Commit the outer transaction through store_commit (durable as the store
 * is set: one sync at synchronous=FULL) and stop nesting. Refused, with the
 * outer transaction rolled back, while a use case's savepoint is open or
 * after SQLite itself rolled the outer transaction back. */
int store_nest_end(store *s, cc_err *err);

/* Roll back everything since store_nest_begin and stop nesting. NULL or a
 * store that is not nesting is fine. */
void store_nest_abort(store *s);

/* True while s is nesting. */
int store_nest_active(const store *s);

/* Savepoints of use cases open inside the nest now (0 between them). */
int store_nest_depth(const store *s);

/* True if a use case's write transaction is open on s: a transaction when
 * not nesting, a use case's savepoint inside a nest (the outer transaction
 * alone is not one: work between use cases is as if none were open). */
int store_in_txn(store *s);

#endif
