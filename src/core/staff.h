/*
 * staff.h — staff accounts: who may log in, with which role.
 *
 * A staff account is a row (login, role, name, active) plus a key slot in the
 * key file. Adding, disabling and passphrase changes touch both, inside one
 * write transaction that also writes the audit entry.
 */
#ifndef CC_STAFF_H
#define CC_STAFF_H

#include <stdint.h>

#include "store/store.h"

#define STAFF_MIN_PASSPHRASE 10

typedef struct staff {
    int64_t id;
    char login[33];
    char full_name[128];
    char role[24];
    int active;
    int must_change;
    int has_slot;
    int64_t version;
} staff;

/* True if role is one of the seven roles of DOMAIN.md. */
int staff_role_valid(const char *role);

/* The roles, comma-separated, for messages. */
const char *staff_roles_text(void);

/* Look up login (active or not). CC_EREFUSED "no staff account for LOGIN". */
int staff_find(store *s, const char *login, staff *out, cc_err *err);

/* Look up an account by id. CC_EINPUT if there is none. */
int staff_get(store *s, int64_t id, staff *out, cc_err *err);

/* Check login may use the store now (exists, active) and audit the login. */
int staff_login(store *s, const char *login, const char *how, staff *out, cc_err *err);

/* Refuse a passphrase that is too short (unless the store is a demo). */
int staff_passphrase_ok(store *s, const char *passphrase, cc_err *err);

/* Create the account and its key slot (actor_id is the admin doing it);
 * passphrase NULL when the slot exists already (the first administrator). */
int staff_add(store *s, int64_t actor_id, const char *login, const char *role,
              const char *full_name, const char *passphrase, int must_change,
              cc_err *err);

/* Deactivate the account and remove its key slot. */
int staff_disable(store *s, int64_t actor_id, const char *login, cc_err *err);

/* Change me's passphrase; clears the must-change flag. */
int staff_passwd(store *s, const staff *me, const char *old_pass, const char *new_pass,
                 cc_err *err);

/* All accounts ordered by login; *out is malloc'd (free it). */
int staff_list(store *s, staff **out, int *n, cc_err *err);

#endif
