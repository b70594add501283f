/*
 * access.h — the role matrix: which role may perform which action.
 *
 * Actions are named ("staff.manage", "store.backup", ...). The matrix is a
 * table in access.c and documented in docs/ROLES.md; a refusal names the
 * roles that may do it.
 */
#ifndef CC_ACCESS_H
#define CC_ACCESS_H

#include "util/err.h"

/* What an action needs of the client it concerns (scope.h). */
enum access_scope {
    ACCESS_NONE,  /* no single client, or the workflow decides (hand-off addressee) */
    ACCESS_READ,  /* the client in the actor's scope, to see */
    ACCESS_WRITE, /* the client in the actor's scope, to change */
};

/* CC_OK if role may perform action, else CC_EREFUSED with a message naming
 * the roles that may. Unknown actions are refused. */
int access_check(const char *role, const char *action, cc_err *err);

/* True if role may perform action (access_check without a message). */
int access_allows(const char *role, const char *action);

/* The scope action needs of its client; ACCESS_NONE for unknown actions. */
enum access_scope access_scope_of(const char *action);

#endif
