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

/* CC_OK if role may perform action, else CC_EREFUSED with a message naming
 * the roles that may. Unknown actions are refused. */
int access_check(const char *role, const char *action, cc_err *err);

#endif
