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

#include "ctx.h"
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

/* Inside a transaction the caller holds (offboarding, which has moved the
 * caseload): deactivate login, audit it and remove its key slot. The last
 * active administrator is refused. */
int staff_disable_in(cc_ctx *ctx, const char *login, cc_err *err);

/* Change me's passphrase; clears the must-change flag. */
int staff_passwd(store *s, const staff *me, const char *old_pass, const char *new_pass,
                 cc_err *err);

/* ---- the lifecycle an administrator runs (each one transaction through
 * ctx_txn, guarded by staff.manage, audited). Changes that open client
 * content (an account of a role with client access created or re-enabled,
 * any role change) alert supervisors (alert_account_in). */

/* Roles that read client content: every role but admin. */
int staff_role_sees_clients(const char *role);

/* Create login with role, a key slot under the one-time passphrase (to be
 * changed at first use) and, if team_id, membership of that team. */
int staff_create(cc_ctx *ctx, const char *login, const char *role,
                 const char *full_name, const char *one_time, int64_t team_id,
                 cc_err *err);

/* staff_create inside the caller's transaction, without a team (recovery);
 * one_time is required. *slot_added says the key slot was written: the
 * caller removes it again (store_slot_remove) if its commit fails. */
int staff_create_in(cc_ctx *ctx, const char *login, const char *role,
                    const char *full_name, const char *one_time, int *slot_added,
                    cc_err *err);

/* Change login's role. The last active administrator is never demoted; a
 * person who owns clients keeps a care role. Their team roles follow; cover
 * ends when the new role cannot cover. Open sessions end at their next
 * action (guard_actor). */
int staff_set_role(cc_ctx *ctx, const char *login, const char *role, cc_err *err);

/* Move login from team from_id (0: their only team) to team to_id. */
int staff_move(cc_ctx *ctx, const char *login, int64_t from_id, int64_t to_id,
               cc_err *err);

/* Re-enable a disabled account with a fresh key slot under a one-time
 * passphrase (changed at first use). */
int staff_enable(cc_ctx *ctx, const char *login, const char *one_time, cc_err *err);

/* A forgotten passphrase: replace login's key slot with a fresh one under a
 * one-time passphrase the person must change at first use. */
int staff_reset(cc_ctx *ctx, const char *login, const char *one_time, cc_err *err);

/* All accounts ordered by login; *out is malloc'd (free it). */
int staff_list(store *s, staff **out, int *n, cc_err *err);

#endif
