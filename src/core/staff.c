/*
 * staff.c — staff accounts over the store: rows in `staff`, slots in the key
 * file, an audit entry for every change and every login.
 */
#include "staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/keyfile.h"
#include "util/clock.h"

static const char *const roles[] = {"coach",         "nurse",           "scheduler",
                                    "social-worker", "program-manager", "supervisor",
                                    "admin"};

int staff_role_valid(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}

const char *staff_roles_text(void)
{
    return "coach, nurse, scheduler, social-worker, program-manager, supervisor, admin";
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static void row_to_staff(store *s, sqlite3_stmt *st, staff *out)
{
    out->id = sqlite3_column_int64(st, 0);
    copy_col(out->login, sizeof out->login, st, 1);
    copy_col(out->full_name, sizeof out->full_name, st, 2);
    copy_col(out->role, sizeof out->role, st, 3);
    out->active = sqlite3_column_int(st, 4);
    out->must_change = sqlite3_column_int(st, 5);
    out->version = sqlite3_column_int64(st, 6);
    out->has_slot = store_slot_exists(s, out->login);
}

#define STAFF_COLS "id, login, full_name, role, active, must_change_passphrase, version"

int staff_find(store *s, const char *login, staff *out, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT " STAFF_COLS " FROM staff WHERE login = ?1", -1,
                                &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading staff", err);
    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_staff(s, st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EREFUSED, "no staff account for %s", login);
    return rc == SQLITE_ROW ? CC_OK : store_fail(s, rc, "reading staff", err);
}

int staff_get(store *s, int64_t id, staff *out, cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        store_db(s), "SELECT " STAFF_COLS " FROM staff WHERE id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading staff", err);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        row_to_staff(s, st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no staff account %lld", (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(s, rc, "reading staff", err);
}

/* Run fn inside one write transaction; rolls back on failure. */
static int in_txn(store *s, int (*fn)(store *, void *, cc_err *), void *arg,
                  cc_err *err)
{
    if (store_begin(s, err) != CC_OK)
        return err->code;
    if (fn(s, arg, err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    return store_commit(s, err);
}

struct login_args {
    const char *login, *how;
    staff *out;
};

/* The slot that unlocked the store must be the one recorded for the
 * account (stores opened with a raw key, in tests, have no unlocking slot). */
static int slot_matches(store *s, const char *login, int64_t id)
{
    const uint8_t *pk = store_slot_pk(s, login);
    sqlite3_stmt *st;
    int ok = 0;
    if (!*store_login(s))
        return 1;
    if (!pk ||
        sqlite3_prepare_v2(store_db(s), "SELECT slot_pk FROM staff WHERE id = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
        ok = memcmp(sqlite3_column_blob(st, 0), pk, 32) == 0;
    sqlite3_finalize(st);
    return ok;
}

static int do_login(store *s, void *arg, cc_err *err)
{
    struct login_args *a = arg;
    if (staff_find(s, a->login, a->out, err) != CC_OK)
        return err->code;
    if (!a->out->active)
        return cc_err_set(err, CC_EREFUSED, "the account %s is disabled", a->login);
    if (strcmp(store_login(s), a->login) != 0 && *store_login(s))
        return cc_err_set(err, CC_EREFUSED, "unlocked as %s, not %s", store_login(s),
                          a->login);
    if (!slot_matches(s, a->login, a->out->id))
        return cc_err_set(err, CC_EREFUSED,
                          "the key slot for %s does not match its account (key file "
                          "altered?)",
                          a->login);
    store_set_actor(s, a->out->id);
    return audit_append(s, a->out->id, "login", "session", a->how, err);
}

int staff_login(store *s, const char *login, const char *how, staff *out, cc_err *err)
{
    struct login_args a = {login, how, out};
    return in_txn(s, do_login, &a, err);
}

int staff_passphrase_ok(store *s, const char *passphrase, cc_err *err)
{
    char demo[8];
    if (store_meta_get(s, "demo", demo, sizeof demo, err) != CC_OK)
        return err->code;
    if (strcmp(demo, "1") != 0 && strlen(passphrase) < STAFF_MIN_PASSPHRASE)
        return cc_err_set(err, CC_EINPUT, "a passphrase needs at least %d characters",
                          STAFF_MIN_PASSPHRASE);
    return CC_OK;
}

struct add_args {
    int64_t actor;
    const char *login, *role, *full_name, *pass;
    int must_change;
};

static int insert_staff(store *s, const struct add_args *a, cc_err *err)
{
    sqlite3_stmt *st;
    char now[21];
    clock_format_iso(clock_now(), now);
    int rc = sqlite3_prepare_v2(
        store_db(s),
        "INSERT INTO staff (login, full_name, role, "
        "must_change_passphrase, created_at) VALUES (?1,?2,?3,?4,?5)",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "adding staff", err);
    sqlite3_bind_text(st, 1, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->full_name ? a->full_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->role, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, a->must_change);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return cc_err_set(err, CC_EINPUT, "a staff account %s exists already",
                          a->login);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "adding staff", err);
}

/* Remember the public key of login's slot in its staff row. */
static int record_slot_pk(store *s, const char *login, cc_err *err)
{
    const uint8_t *pk = store_slot_pk(s, login);
    sqlite3_stmt *st;
    if (!pk)
        return CC_OK;
    int rc = sqlite3_prepare_v2(
        store_db(s), "UPDATE staff SET slot_pk = ?1 WHERE login = ?2", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "adding staff", err);
    sqlite3_bind_blob(st, 1, pk, 32, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "adding staff", err);
}

static int do_add(store *s, void *arg, cc_err *err)
{
    struct add_args *a = arg;
    char details[96];
    if (insert_staff(s, a, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "role %s", a->role);
    if (audit_append(s, a->actor, "staff.add", a->login, details, err) != CC_OK ||
        audit_append(s, a->actor, "keyslot.add", a->login, "", err) != CC_OK)
        return err->code;
    /* The key file is written last, while we hold the write lock: if the
     * commit then fails, the slot is removed again below. No passphrase
     * means the slot exists already (the first administrator's). */
    if (a->pass && store_slot_add(s, a->login, a->pass, err) != CC_OK)
        return err->code;
    return record_slot_pk(s, a->login, err);
}

int staff_add(store *s, int64_t actor_id, const char *login, const char *role,
              const char *full_name, const char *passphrase, int must_change,
              cc_err *err)
{
    struct add_args a = {actor_id, login, role, full_name, passphrase, must_change};
    if (!keyfile_login_valid(login))
        return cc_err_set(err, CC_EINPUT,
                          "invalid login name (1-32 of a-z 0-9 . _ -, starting with a "
                          "letter or digit)");
    if (!staff_role_valid(role))
        return cc_err_set(err, CC_EINPUT, "unknown role '%s' (roles: %s)", role,
                          staff_roles_text());
    if (passphrase && staff_passphrase_ok(s, passphrase, err) != CC_OK)
        return err->code;
    int rc = in_txn(s, do_add, &a, err);
    if (rc != CC_OK && rc != CC_EINPUT && passphrase && store_slot_exists(s, login)) {
        cc_err dummy;
        store_slot_remove(s, login, &dummy);
    }
    return rc;
}

struct disable_args {
    int64_t actor;
    const char *login;
};

/* How many clients login owns and how many hand-offs wait on them. */
static int still_carries(store *s, const char *login, int *owned, int *pending)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        store_db(s),
        "SELECT (SELECT count(*) FROM client c WHERE c.owner_id = s.id), (SELECT "
        "count(*) FROM handoff h WHERE h.state = 'proposed' AND (h.from_staff_id = "
        "s.id OR h.to_staff_id = s.id)) FROM staff s WHERE s.login = ?1",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    *owned = *pending = 0;
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *owned = sqlite3_column_int(st, 0);
        *pending = sqlite3_column_int(st, 1);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int do_disable(store *s, void *arg, cc_err *err)
{
    struct disable_args *a = arg;
    sqlite3_stmt *st;
    int owned, pending;
    int rc = still_carries(s, a->login, &owned, &pending);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "disabling staff", err);
    if (owned || pending)
        return cc_err_set(err, CC_EINPUT,
                          "%s still owns %d clients and has %d hand-offs waiting: move "
                          "them first (carecoord handoff move-caseload %s --to ...)",
                          a->login, owned, pending, a->login);
    rc = sqlite3_prepare_v2(store_db(s),
                            "UPDATE staff SET active = 0, version = version + 1 "
                            "WHERE login = ?1 AND active = 1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "disabling staff", err);
    sqlite3_bind_text(st, 1, a->login, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "disabling staff", err);
    if (sqlite3_changes(store_db(s)) == 0)
        return cc_err_set(err, CC_EINPUT, "no active staff account %s", a->login);
    if (audit_append(s, a->actor, "staff.disable", a->login, "", err) != CC_OK ||
        audit_append(s, a->actor, "keyslot.remove", a->login, "", err) != CC_OK)
        return err->code;
    return store_slot_remove(s, a->login, err);
}

int staff_disable(store *s, int64_t actor_id, const char *login, cc_err *err)
{
    struct disable_args a = {actor_id, login};
    return in_txn(s, do_disable, &a, err);
}

struct passwd_args {
    const staff *me;
    const char *old_pass, *new_pass;
};

static int do_passwd(store *s, void *arg, cc_err *err)
{
    struct passwd_args *a = arg;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "UPDATE staff SET must_change_passphrase = 0, "
                                "version = version + 1 WHERE id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "changing passphrase", err);
    sqlite3_bind_int64(st, 1, a->me->id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "changing passphrase", err);
    if (audit_append(s, a->me->id, "keyslot.passwd", a->me->login, "", err) != CC_OK)
        return err->code;
    return store_slot_passwd(s, a->me->login, a->old_pass, a->new_pass, err);
}

int staff_passwd(store *s, const staff *me, const char *old_pass, const char *new_pass,
                 cc_err *err)
{
    struct passwd_args a = {me, old_pass, new_pass};
    if (staff_passphrase_ok(s, new_pass, err) != CC_OK)
        return err->code;
    if (strcmp(old_pass, new_pass) == 0)
        return cc_err_set(err, CC_EINPUT,
                          "the new passphrase must differ from the old one");
    return in_txn(s, do_passwd, &a, err);
}

int staff_list(store *s, staff **out, int *n, cc_err *err)
{
    sqlite3_stmt *st;
    int cap = 16, rc;
    *n = 0;
    *out = malloc((size_t)cap * sizeof **out);
    if (!*out)
        return cc_err_set(err, CC_EDATA, "out of memory");
    rc = sqlite3_prepare_v2(
        store_db(s), "SELECT " STAFF_COLS " FROM staff ORDER BY login", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            staff *p = realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            *out = p;
        }
        row_to_staff(s, st, &(*out)[(*n)++]);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return store_fail(s, rc, "listing staff", err);
    }
    return CC_OK;
}
