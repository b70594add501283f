/*
 * staff.c — staff accounts over the store: rows in `staff`, slots in the key
 * file, an audit entry for every change and every login.
 */
#include "staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "guard.h"
#include "store/audit.h"
#include "store/keyfile.h"
#include "team.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/text.h"

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
    ctx_finalize(st);
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
    ctx_finalize(st);
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
    ctx_finalize(st);
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

/* A full name (optional) is one printable line that fits staff.full_name. */
static int full_name_ok(const char *full_name, cc_err *err)
{
    staff fits;
    if (!full_name || !full_name[0])
        return CC_OK;
    if (!text_is_clean(full_name) || strchr(full_name, '\n'))
        return cc_err_set(err, CC_EINPUT, "the full name must be one printable line");
    if (strlen(full_name) >= sizeof fits.full_name)
        return cc_err_set(err, CC_EINPUT,
                          "the full name is too long (at most %zu bytes)",
                          sizeof fits.full_name - 1);
    return CC_OK;
}

static int insert_staff(store *s, const struct add_args *a, cc_err *err)
{
    sqlite3_stmt *st;
    char now[21];
    if (full_name_ok(a->full_name, err) != CC_OK)
        return err->code;
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
    ctx_finalize(st);
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
    ctx_finalize(st);
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

/* A well-formed login and a known role, or CC_EINPUT saying which. */
static int check_login_role(const char *login, const char *role, cc_err *err)
{
    if (!keyfile_login_valid(login))
        return cc_err_set(err, CC_EINPUT,
                          "invalid login name (1-32 of a-z 0-9 . _ -, starting with a "
                          "letter or digit)");
    if (!staff_role_valid(role))
        return cc_err_set(err, CC_EINPUT, "unknown role '%s' (roles: %s)", role,
                          staff_roles_text());
    return CC_OK;
}

int staff_add(store *s, int64_t actor_id, const char *login, const char *role,
              const char *full_name, const char *passphrase, int must_change,
              cc_err *err)
{
    struct add_args a = {actor_id, login, role, full_name, passphrase, must_change};
    if (check_login_role(login, role, err) != CC_OK)
        return err->code;
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
    ctx_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* True if login is an active administrator and no other one is active. */
static int last_admin(store *s, const char *login)
{
    sqlite3_stmt *st;
    int last = 0;
    if (sqlite3_prepare_v2(store_db(s),
                           "SELECT role = 'admin' AND active = 1 AND (SELECT count(*) "
                           "FROM staff o WHERE o.role = 'admin' AND o.active = 1 AND "
                           "o.login <> ?1) = 0 FROM staff WHERE login = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return 1; /* cannot tell: refuse */
    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        last = sqlite3_column_int(st, 0);
    ctx_finalize(st);
    return last;
}

static int disable_now(store *s, const struct disable_args *a, cc_err *err);

static int do_disable(store *s, void *arg, cc_err *err)
{
    struct disable_args *a = arg;
    int owned, pending;
    int rc = still_carries(s, a->login, &owned, &pending);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "disabling staff", err);
    if (owned || pending)
        return cc_err_set(err, CC_EINPUT,
                          "%s still owns %d clients and has %d hand-offs waiting: "
                          "offboard them (carecoord admin offboard %s --to ...)",
                          a->login, owned, pending, a->login);
    return disable_now(s, a, err);
}

int staff_disable_in(cc_ctx *ctx, const char *login, cc_err *err)
{
    struct disable_args a = {ctx->staff_id, login};
    return disable_now(ctx->st, &a, err);
}

/* Deactivate a->login (never the last administrator), audit, drop the slot. */
static int disable_now(store *s, const struct disable_args *a, cc_err *err)
{
    sqlite3_stmt *st;
    int rc;
    if (last_admin(s, a->login))
        return cc_err_set(err, CC_EREFUSED,
                          "%s is the last active administrator: add another first",
                          a->login);
    rc = sqlite3_prepare_v2(store_db(s),
                            "UPDATE staff SET active = 0, version = version + 1 "
                            "WHERE login = ?1 AND active = 1",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "disabling staff", err);
    sqlite3_bind_text(st, 1, a->login, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    ctx_finalize(st);
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
    ctx_finalize(st);
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
    *out = cc_malloc((size_t)cap * sizeof **out);
    if (!*out)
        return cc_err_set(err, CC_EDATA, "out of memory");
    rc = sqlite3_prepare_v2(
        store_db(s), "SELECT " STAFF_COLS " FROM staff ORDER BY login", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            staff *p = cc_realloc(*out, (size_t)(cap *= 2) * sizeof **out);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            *out = p;
        }
        row_to_staff(s, st, &(*out)[(*n)++]);
        rc = SQLITE_OK;
    }
    ctx_finalize(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return store_fail(s, rc, "listing staff", err);
    }
    return CC_OK;
}

/* ---- the lifecycle (ctx_txn, guarded) ---------------------------------- */

int staff_role_sees_clients(const char *role)
{
    return staff_role_valid(role) && strcmp(role, "admin") != 0;
}

/* The acting administrator's login, for alert texts. */
static void actor_login(cc_ctx *ctx, char out[33])
{
    staff me;
    cc_err ignore;
    snprintf(out, 33, "%s", "the system");
    if (ctx->staff_id && staff_get(ctx->st, ctx->staff_id, &me, &ignore) == CC_OK)
        snprintf(out, 33, "%s", me.login);
}

static int account_alert(cc_ctx *ctx, const staff *who, const char *what, cc_err *err)
{
    char by[33], details[200];
    actor_login(ctx, by);
    snprintf(details, sizeof details, "account %s %s by %s", who->login, what, by);
    return alert_account_in(ctx, who->id, details, err);
}

static int set_must_change(cc_ctx *ctx, int64_t id, int active, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "UPDATE staff SET must_change_passphrase = 1, "
                                   "active = ?2, version = version + 1 WHERE id = ?1",
                                   err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, active);
    return ctx_done(ctx, st, "changing staff", err);
}

/* A fresh slot for login under the one-time passphrase, written last while
 * the write lock is held; *added tells the caller to remove it again if the
 * commit fails. */
static int fresh_slot(cc_ctx *ctx, const char *login, const char *one_time, int *added,
                      cc_err *err)
{
    if (store_slot_add(ctx->st, login, one_time, err) != CC_OK)
        return err->code;
    *added = 1;
    return record_slot_pk(ctx->st, login, err);
}

struct life_args {
    const char *login, *role, *full_name, *pass;
    int64_t team_id, from_id;
    int slot_added;
};

static int do_create(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct life_args *a = arg;
    struct add_args add = {ctx->staff_id, a->login, a->role, a->full_name, a->pass, 1};
    staff s;
    char details[96];
    if (guard_action(ctx, "staff.manage", err) != CC_OK ||
        insert_staff(ctx->st, &add, err) != CC_OK ||
        staff_find(ctx->st, a->login, &s, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "role %s", a->role);
    if (audit_append(ctx->st, ctx->staff_id, "staff.add", a->login, details, err) ||
        audit_append(ctx->st, ctx->staff_id, "keyslot.add", a->login, "", err))
        return err->code;
    if (a->team_id && team_member_add_in(ctx, a->team_id, s.id, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "created as %s", a->role);
    if (staff_role_sees_clients(a->role) && account_alert(ctx, &s, details, err))
        return err->code;
    return fresh_slot(ctx, a->login, a->pass, &a->slot_added, err);
}

/* Run fn; a slot it added is removed again if the transaction failed. */
static int life_txn(cc_ctx *ctx, int (*fn)(cc_ctx *, void *, cc_err *),
                    struct life_args *a, cc_err *err)
{
    int rc = ctx_txn(ctx, fn, a, err);
    if (rc != CC_OK && a->slot_added) {
        cc_err ignore;
        store_slot_remove(ctx->st, a->login, &ignore);
    }
    return rc;
}

int staff_create(cc_ctx *ctx, const char *login, const char *role,
                 const char *full_name, const char *one_time, int64_t team_id,
                 cc_err *err)
{
    struct life_args a = {login, role, full_name, one_time, team_id, 0, 0};
    if (check_login_role(login, role, err) != CC_OK)
        return err->code;
    if (!one_time || staff_passphrase_ok(ctx->st, one_time, err) != CC_OK)
        return one_time
                   ? err->code
                   : cc_err_set(err, CC_EINPUT, "a new account needs a passphrase");
    return life_txn(ctx, do_create, &a, err);
}

int staff_create_in(cc_ctx *ctx, const char *login, const char *role,
                    const char *full_name, const char *one_time, int *slot_added,
                    cc_err *err)
{
    struct life_args a = {login, role, full_name, one_time, 0, 0, 0};
    if (check_login_role(login, role, err) ||
        staff_passphrase_ok(ctx->st, one_time, err))
        return err->code;
    int rc = do_create(ctx, &a, err);
    *slot_added = a.slot_added;
    return rc;
}

static int find_for_change(cc_ctx *ctx, const char *login, staff *s, cc_err *err)
{
    if (guard_action(ctx, "staff.manage", err) != CC_OK)
        return err->code;
    if (staff_find(ctx->st, login, s, err) != CC_OK)
        return err->code == CC_EREFUSED ? (err->code = CC_EINPUT) : err->code;
    return CC_OK;
}

static int run_sql_id(cc_ctx *ctx, const char *sql, int64_t id, const char *text,
                      cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    return ctx_done(ctx, st, "changing staff", err);
}

static int do_set_role(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct life_args *a = arg;
    staff s;
    char details[96];
    if (find_for_change(ctx, a->login, &s, err) != CC_OK)
        return err->code;
    if (!strcmp(s.role, a->role))
        return cc_err_set(err, CC_EINPUT, "%s is %s already", s.login, s.role);
    if (!strcmp(s.role, "admin") && last_admin(ctx->st, s.login))
        return cc_err_set(err, CC_EREFUSED,
                          "%s is the last active administrator: add another first",
                          s.login);
    int64_t owned = ctx_int(ctx,
                            "SELECT count(*) FROM client WHERE owner_id = ?1 AND "
                            "?2 = ?2",
                            s.id, 0);
    int care = strcmp(a->role, "admin") && strcmp(a->role, "supervisor");
    if (owned && !care)
        return cc_err_set(err, CC_EINPUT,
                          "%s owns %lld clients: move them first (carecoord handoff "
                          "move-caseload %s --to ...)",
                          s.login, (long long)owned, s.login);
    if (run_sql_id(ctx,
                   "UPDATE staff SET role = ?2, version = version + 1 WHERE id = ?1",
                   s.id, a->role, err) ||
        (!care && run_sql_id(ctx, "DELETE FROM team_member WHERE staff_id = ?1", s.id,
                             NULL, err)))
        return err->code;
    if (strcmp(a->role, "program-manager") && strcmp(a->role, "social-worker") &&
        run_sql_id(ctx, "DELETE FROM team_cover WHERE staff_id = ?1", s.id, NULL, err))
        return err->code;
    snprintf(details, sizeof details, "%s -> %s", s.role, a->role);
    if (audit_append(ctx->st, ctx->staff_id, "staff.role", s.login, details, err))
        return err->code;
    snprintf(details, sizeof details, "role changed %s -> %s", s.role, a->role);
    return account_alert(ctx, &s, details, err);
}

int staff_set_role(cc_ctx *ctx, const char *login, const char *role, cc_err *err)
{
    struct life_args a = {login, role, NULL, NULL, 0, 0, 0};
    if (!staff_role_valid(role))
        return cc_err_set(err, CC_EINPUT, "unknown role '%s' (roles: %s)", role,
                          staff_roles_text());
    return ctx_txn(ctx, do_set_role, &a, err);
}

static int do_move(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct life_args *a = arg;
    staff s;
    char details[96];
    if (find_for_change(ctx, a->login, &s, err) != CC_OK)
        return err->code;
    int64_t from = a->from_id;
    if (!from) {
        int64_t n = ctx_int(ctx,
                            "SELECT count(*) FROM team_member WHERE staff_id = ?1 "
                            "AND ?2 = ?2",
                            s.id, 0);
        if (n != 1)
            return cc_err_set(err, CC_EUSAGE,
                              "%s is on %lld teams: say which one with --from TEAM",
                              s.login, (long long)n);
        from = ctx_int(ctx,
                       "SELECT team_id FROM team_member WHERE staff_id = ?1 AND "
                       "?2 = ?2",
                       s.id, 0);
    }
    if (from == a->team_id)
        return cc_err_set(err, CC_EINPUT, "%s is on that team already", s.login);
    if (team_member_add_in(ctx, a->team_id, s.id, err) != CC_OK ||
        team_member_remove_in(ctx, from, s.id, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details, "team %lld -> team %lld", (long long)from,
             (long long)a->team_id);
    return audit_append(ctx->st, ctx->staff_id, "staff.move", s.login, details, err);
}

int staff_move(cc_ctx *ctx, const char *login, int64_t from_id, int64_t to_id,
               cc_err *err)
{
    struct life_args a = {login, NULL, NULL, NULL, to_id, from_id, 0};
    return ctx_txn(ctx, do_move, &a, err);
}

/* Enable (a->role "enable") or reset (a->role "reset"). */
static int do_slot_change(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct life_args *a = arg;
    int enable = !strcmp(a->role, "enable");
    staff s;
    if (find_for_change(ctx, a->login, &s, err) != CC_OK)
        return err->code;
    if (enable && s.active)
        return cc_err_set(err, CC_EINPUT, "%s is active already", s.login);
    if (!enable && !s.active)
        return cc_err_set(
            err, CC_EINPUT,
            "%s is disabled: re-enable it instead (carecoord user enable)", s.login);
    if (set_must_change(ctx, s.id, 1, err) != CC_OK ||
        audit_append(ctx->st, ctx->staff_id, enable ? "staff.enable" : "staff.reset",
                     s.login, "one-time passphrase, to be changed at first use", err) ||
        audit_append(ctx->st, ctx->staff_id, "keyslot.add", s.login, "fresh", err))
        return err->code;
    if (enable && staff_role_sees_clients(s.role)) {
        char what[64];
        snprintf(what, sizeof what, "re-enabled as %s", s.role);
        if (account_alert(ctx, &s, what, err) != CC_OK)
            return err->code;
    }
    return fresh_slot(ctx, s.login, a->pass, &a->slot_added, err);
}

static int slot_change(cc_ctx *ctx, const char *login, const char *one_time,
                       const char *how, cc_err *err)
{
    struct life_args a = {login, how, NULL, one_time, 0, 0, 0};
    if (!one_time || staff_passphrase_ok(ctx->st, one_time, err) != CC_OK)
        return one_time ? err->code
                        : cc_err_set(err, CC_EINPUT, "a one-time passphrase is needed");
    return life_txn(ctx, do_slot_change, &a, err);
}

int staff_enable(cc_ctx *ctx, const char *login, const char *one_time, cc_err *err)
{
    return slot_change(ctx, login, one_time, "enable", err);
}

int staff_reset(cc_ctx *ctx, const char *login, const char *one_time, cc_err *err)
{
    return slot_change(ctx, login, one_time, "reset", err);
}
