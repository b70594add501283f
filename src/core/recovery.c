/*
 * recovery.c — the recovery key's text form (base32 with a checksum, so a
 * typo is caught before any Argon2id work) and its two use cases: making a
 * new key, and creating an administrator with it. See recovery.h.
 */
#include "recovery.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "guard.h"
#include "staff.h"
#include "store/audit.h"
#include "store/keyfile.h"
#include "util/alloc.h"

#define CHECK_BYTES 3
#define CODE_BYTES  (RECOVERY_KEY_BYTES + CHECK_BYTES) /* 280 bits: 56 chars */
#define CODE_CHARS  (RECOVERY_GROUPS * RECOVERY_GROUP_LEN)
#define CHECK_CTX   "carecoord recovery key v1"

_Static_assert(CODE_BYTES * 8 == CODE_CHARS * 5, "the groups hold key and checksum");
_Static_assert(RECOVERY_KEY_BYTES == STORE_KEY_BYTES, "recovery key size");

/* Crockford's alphabet: no I, L, O or U to misread. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void checksum(const uint8_t key[RECOVERY_KEY_BYTES], uint8_t out[CHECK_BYTES])
{
    uint8_t h[crypto_generichash_BYTES_MIN];
    crypto_generichash(h, sizeof h, key, RECOVERY_KEY_BYTES,
                       (const unsigned char *)CHECK_CTX, sizeof CHECK_CTX - 1);
    memcpy(out, h, CHECK_BYTES);
}

void recovery_format(const uint8_t key[RECOVERY_KEY_BYTES],
                     char out[RECOVERY_TEXT_BYTES])
{
    uint8_t code[CODE_BYTES];
    memcpy(code, key, RECOVERY_KEY_BYTES);
    checksum(key, code + RECOVERY_KEY_BYTES);
    size_t o = 0;
    for (int i = 0; i < CODE_CHARS; i++) {
        int v = 0;
        for (int b = 0; b < 5; b++) {
            int bit = i * 5 + b;
            v = v << 1 | ((code[bit / 8] >> (7 - bit % 8)) & 1);
        }
        if (i && i % RECOVERY_GROUP_LEN == 0)
            out[o++] = '-';
        out[o++] = alphabet[v];
    }
    out[o] = '\0';
    sodium_memzero(code, sizeof code);
}

/* The 5-bit value of c, or -1 for a character no key has. */
static int char_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'O')
        c = '0';
    else if (c == 'I' || c == 'L')
        c = '1';
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* The 56 values of text (separators skipped) into vals; *n counts them. */
static int read_values(const char *text, uint8_t vals[CODE_CHARS], int *n, cc_err *err)
{
    *n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == ' ' || *p == '\t')
            continue;
        int v = char_value(*p);
        if (v < 0)
            return (*p > ' ' && *p < 127)
                       ? cc_err_set(err, CC_EINPUT,
                                    "a recovery key has no '%c' (letters and digits "
                                    "in %d groups of %d)",
                                    *p, RECOVERY_GROUPS, RECOVERY_GROUP_LEN)
                       : cc_err_set(err, CC_EINPUT,
                                    "a recovery key has only letters and digits (in "
                                    "%d groups of %d)",
                                    RECOVERY_GROUPS, RECOVERY_GROUP_LEN);
        if (*n < CODE_CHARS)
            vals[*n] = (uint8_t)v;
        ++*n;
    }
    if (*n != CODE_CHARS)
        return cc_err_set(err, CC_EINPUT,
                          "a recovery key has %d letters and digits (%d groups of "
                          "%d); this has %d",
                          CODE_CHARS, RECOVERY_GROUPS, RECOVERY_GROUP_LEN, *n);
    return CC_OK;
}

int recovery_parse(const char *text, uint8_t key[RECOVERY_KEY_BYTES], cc_err *err)
{
    uint8_t vals[CODE_CHARS], code[CODE_BYTES] = {0}, check[CHECK_BYTES];
    int n = 0;
    int rc = text ? read_values(text, vals, &n, err)
                  : cc_err_set(err, CC_EINPUT, "no recovery key given");
    for (int bit = 0; rc == CC_OK && bit < CODE_CHARS * 5; bit++)
        code[bit / 8] |=
            (uint8_t)(((vals[bit / 5] >> (4 - bit % 5)) & 1) << (7 - bit % 8));
    if (rc == CC_OK) {
        checksum(code, check);
        if (sodium_memcmp(check, code + RECOVERY_KEY_BYTES, CHECK_BYTES) != 0)
            rc = cc_err_set(err, CC_EINPUT,
                            "that recovery key has a typo (its checksum does not "
                            "match): check every group");
        else
            memcpy(key, code, RECOVERY_KEY_BYTES);
    }
    sodium_memzero(vals, sizeof vals);
    sodium_memzero(code, sizeof code);
    return rc;
}

/* ---- a new key ---------------------------------------------------------- */

struct new_args {
    uint8_t *key;
    int written; /* the key file has the new slot */
};

static int do_key_new(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct new_args *a = arg;
    int had = store_recovery_exists(ctx->st);
    if (store_opened_by_recovery(ctx->st))
        return cc_err_set(err, CC_EREFUSED,
                          "the recovery key can only create an administrator");
    if (guard_action(ctx, "staff.manage", err) != CC_OK ||
        audit_append(ctx->st, ctx->staff_id, "keyslot.recovery", KF_RECOVERY_LOGIN,
                     had ? "replaced: the old recovery key no longer works" : "created",
                     err) != CC_OK)
        return err->code;
    if (ctx->staff_id) {
        staff me;
        char details[160];
        if (staff_get(ctx->st, ctx->staff_id, &me, err) != CC_OK)
            return err->code;
        snprintf(details, sizeof details, "recovery key %s by %s",
                 had ? "replaced" : "created", me.login);
        if (alert_account_in(ctx, me.id, details, err) != CC_OK)
            return err->code;
    }
    /* The key file is written last, while the write lock is held. */
    if (store_recovery_set(ctx->st, a->key, err) != CC_OK)
        return err->code;
    a->written = 1;
    return CC_OK;
}

int recovery_key_new(cc_ctx *ctx, char text_out[RECOVERY_TEXT_BYTES], cc_err *err)
{
    uint8_t *key = cc_malloc_with(sodium_malloc, RECOVERY_KEY_BYTES);
    if (!key)
        return cc_err_set(err, CC_EDATA, "out of memory for key material");
    randombytes_buf(key, RECOVERY_KEY_BYTES);
    struct new_args a = {key, 0};
    int rc = ctx_txn(ctx, do_key_new, &a, err);
    if (rc == CC_OK) {
        recovery_format(key, text_out);
    } else if (a.written) {
        /* The database kept the old public key: no slot works now. */
        cc_err ignore;
        store_slot_remove(ctx->st, KF_RECOVERY_LOGIN, &ignore);
    }
    sodium_free(key);
    return rc;
}

/* ---- creating an administrator ----------------------------------------- */

struct admin_args {
    const char *login, *full_name, *pass;
    int force;
    int slot_added;
};

/* How many administrators are active, and the first one's login. */
static int64_t active_admins(cc_ctx *ctx, char first[33])
{
    int64_t n = ctx_int(ctx,
                        "SELECT count(*) FROM staff WHERE role = 'admin' AND active "
                        "= 1 AND ?1 = ?1 AND ?2 = ?2",
                        0, 0);
    sqlite3_stmt *st = ctx_prepare(ctx,
                                   "SELECT login FROM staff WHERE role = 'admin' AND "
                                   "active = 1 ORDER BY login LIMIT 1",
                                   NULL);
    first[0] = '\0';
    if (st && sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, first, 33);
    ctx_finalize(st);
    return n;
}

static int do_create_admin(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct admin_args *a = arg;
    char first[33], details[200];
    staff made;
    int64_t admins = active_admins(ctx, first);
    if (admins && !a->force)
        return cc_err_set(err, CC_EREFUSED,
                          "%lld active administrator%s (%s%s): ask them; --force "
                          "creates another anyway",
                          (long long)admins, admins == 1 ? " exists" : "s exist", first,
                          admins > 1 ? ", ..." : "");
    if (staff_create_in(ctx, a->login, "admin", a->full_name, a->pass, &a->slot_added,
                        err) != CC_OK ||
        staff_find(ctx->st, a->login, &made, err) != CC_OK)
        return err->code;
    snprintf(details, sizeof details,
             "recovery key used: administrator %s created (%lld active "
             "administrator%s before%s)",
             a->login, (long long)admins, admins == 1 ? "" : "s",
             a->force ? ", --force" : "");
    if (audit_append(ctx->st, 0, "recovery.use", a->login, details, err) != CC_OK)
        return err->code;
    return alert_account_in(ctx, made.id, details, err);
}

int recovery_create_admin(cc_ctx *ctx, const char *login, const char *full_name,
                          const char *one_time, int force, cc_err *err)
{
    struct admin_args a = {login, full_name ? full_name : "", one_time, force, 0};
    if (!ctx->system || !store_opened_by_recovery(ctx->st))
        return cc_err_set(err, CC_EREFUSED,
                          "creating an administrator this way needs the recovery key");
    if (!one_time)
        return cc_err_set(err, CC_EINPUT, "the new administrator needs a passphrase");
    int rc = ctx_txn(ctx, do_create_admin, &a, err);
    if (rc != CC_OK && a.slot_added) {
        cc_err ignore;
        store_slot_remove(ctx->st, login, &ignore);
    }
    return rc;
}
