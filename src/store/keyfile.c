/*
 * keyfile.c — the sidecar key file: per-staff slots (an X25519 secret key
 * wrapped under an Argon2id key from the passphrase) and, per database
 * generation, the master key sealed to every slot. The text format is parsed
 * strictly (anything unexpected is CC_EDATA) and written atomically.
 */
#include "keyfile.h"
#include "../util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KF_MAGIC            "carecoord-keys"
#define KF_VERSION          2 /* 2: may hold the recovery slot */
#define KF_VERSION_PLAIN    1 /* what a file without one is written as */
#define KF_AD_PREFIX        "carecoord-slot-v1:"
#define KF_DEFAULT_OPSLIMIT 3ULL
#define KF_DEFAULT_MEMLIMIT KF_MIN_MEMLIMIT
#define KF_MAX_OPSLIMIT     64ULL             /* sanity caps: a key file must */
#define KF_MAX_MEMLIMIT     ((size_t)1 << 31) /* not demand hours or 100 GiB */
#define KF_LINE_MAX         1024
#define KF_MAX_FIELDS       8

#define SALT_BYTES          crypto_pwhash_SALTBYTES
#define PK_BYTES            crypto_box_PUBLICKEYBYTES
#define NONCE_BYTES         crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAP_BYTES          (KF_KEY_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define SEALED_BYTES        (crypto_box_SEALBYTES + KF_KEY_BYTES)
#define AD_MAX              (sizeof KF_AD_PREFIX - 1 + KF_MAX_LOGIN)
#define RECOVERY_PASS_BYTES (2 * KF_KEY_BYTES + 1) /* the key in hex, for Argon2id */

_Static_assert(crypto_box_SECRETKEYBYTES == KF_KEY_BYTES, "X25519 secret key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == KF_KEY_BYTES,
               "AEAD key size");

struct kf_slot {
    char login[KF_MAX_LOGIN + 1];
    unsigned long long opslimit;
    size_t memlimit;
    uint8_t salt[SALT_BYTES];
    uint8_t pk[PK_BYTES];
    uint8_t nonce[NONCE_BYTES];
    uint8_t wrapped[WRAP_BYTES];
    uint8_t sealed[KF_MAX_GENS][SEALED_BYTES];
};

struct keyfile {
    int ngens;
    uint8_t gen_ids[KF_MAX_GENS][KF_DBID_BYTES];
    int nslots;
    int cap;
    struct kf_slot *slots;
};

/* Every secret this file handles lives in one of these (sodium_malloc). */
struct kf_secret {
    uint8_t key[KF_KEY_BYTES]; /* derived from the passphrase */
    uint8_t sk[KF_KEY_BYTES];  /* the slot's X25519 secret key */
};

/* ---- small helpers ------------------------------------------------------ */

/* A slot's name: a staff login, or the recovery slot's. */
static int slot_name_valid(const char *name)
{
    return keyfile_login_valid(name) || strcmp(name, KF_RECOVERY_LOGIN) == 0;
}

static const char *login_shown(const char *login)
{
    return login && slot_name_valid(login) ? login : "(invalid login)";
}

static int slot_find(const keyfile *kf, const char *login)
{
    for (int i = 0; i < kf->nslots; i++) {
        if (strcmp(kf->slots[i].login, login) == 0)
            return i;
    }
    return -1;
}

static int gen_find(const keyfile *kf, const uint8_t db_id[KF_DBID_BYTES])
{
    for (int i = 0; i < kf->ngens; i++) {
        if (memcmp(kf->gen_ids[i], db_id, KF_DBID_BYTES) == 0)
            return i;
    }
    return -1;
}

static struct kf_secret *secret_new(cc_err *err)
{
    struct kf_secret *sec = cc_malloc_with(sodium_malloc, sizeof *sec);
    if (!sec)
        cc_err_set(err, CC_EDATA, "out of memory for key material");
    return sec;
}

/* Grow the slot array, copying and wiping rather than realloc'ing. */
static int slots_reserve(keyfile *kf, cc_err *err)
{
    if (kf->nslots < kf->cap)
        return CC_OK;
    if (kf->nslots >= KF_MAX_SLOTS)
        return cc_err_set(err, CC_EUSAGE, "too many key slots (at most %d)",
                          KF_MAX_SLOTS);
    int cap = kf->cap ? kf->cap * 2 : 8;
    if (cap > KF_MAX_SLOTS)
        cap = KF_MAX_SLOTS;
    struct kf_slot *slots = cc_calloc((size_t)cap, sizeof *slots);
    if (!slots)
        return cc_err_set(err, CC_EDATA, "out of memory for key slots");
    if (kf->slots) {
        memcpy(slots, kf->slots, (size_t)kf->nslots * sizeof *slots);
        sodium_memzero(kf->slots, (size_t)kf->cap * sizeof *slots);
        free(kf->slots);
    }
    kf->slots = slots;
    kf->cap = cap;
    return CC_OK;
}

/* ---- slot cryptography -------------------------------------------------- */

static size_t slot_ad(const char *login, unsigned char ad[AD_MAX])
{
    size_t plen = sizeof KF_AD_PREFIX - 1;
    size_t llen = strlen(login);
    memcpy(ad, KF_AD_PREFIX, plen);
    memcpy(ad + plen, login, llen);
    return plen + llen;
}

static int slot_derive(const struct kf_slot *s, const char *passphrase,
                       struct kf_secret *sec, cc_err *err)
{
    if (crypto_pwhash(sec->key, sizeof sec->key, passphrase, strlen(passphrase),
                      s->salt, s->opslimit, s->memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return cc_err_set(err, CC_EDATA, "out of memory deriving the key for %s",
                          s->login);
    return CC_OK;
}

/* Wrap sec->sk under a fresh salt, nonce and key derived from passphrase. */
static int slot_wrap(struct kf_slot *s, const char *passphrase, struct kf_secret *sec,
                     cc_err *err)
{
    unsigned char ad[AD_MAX];
    randombytes_buf(s->salt, sizeof s->salt);
    int rc = slot_derive(s, passphrase, sec, err);
    if (rc != CC_OK)
        return rc;
    randombytes_buf(s->nonce, sizeof s->nonce);
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        s->wrapped, NULL, sec->sk, sizeof sec->sk, ad, slot_ad(s->login, ad), NULL,
        s->nonce, sec->key);
    sodium_memzero(sec->key, sizeof sec->key);
    return CC_OK;
}

/* Recover the slot's secret key into sec->sk and check it matches s->pk. */
static int slot_unwrap(const struct kf_slot *s, const char *passphrase,
                       struct kf_secret *sec, cc_err *err)
{
    unsigned char ad[AD_MAX];
    uint8_t pk[PK_BYTES];
    int rc = slot_derive(s, passphrase, sec, err);
    if (rc != CC_OK)
        return rc;
    rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        sec->sk, NULL, NULL, s->wrapped, sizeof s->wrapped, ad, slot_ad(s->login, ad),
        s->nonce, sec->key);
    sodium_memzero(sec->key, sizeof sec->key);
    if (rc != 0)
        return cc_err_set(err, CC_EREFUSED, "wrong passphrase for %s", s->login);
    if (crypto_scalarmult_base(pk, sec->sk) != 0 ||
        sodium_memcmp(pk, s->pk, sizeof pk) != 0) {
        sodium_memzero(sec->sk, sizeof sec->sk);
        return cc_err_set(err, CC_EDATA, "key file damaged: public key for %s",
                          s->login);
    }
    return CC_OK;
}

static int slot_seal(struct kf_slot *s, int gen, const uint8_t *master, cc_err *err)
{
    if (crypto_box_seal(s->sealed[gen], master, KF_KEY_BYTES, s->pk) != 0)
        return cc_err_set(err, CC_EDATA, "cannot seal the master key for %s", s->login);
    return CC_OK;
}

static int slot_check_limits(unsigned long long opslimit, size_t memlimit, cc_err *err)
{
    if (memlimit < KF_MIN_MEMLIMIT)
        return cc_err_set(err, CC_EUSAGE, "Argon2id memory limit below %zu MiB",
                          KF_MIN_MEMLIMIT >> 20);
    if (memlimit > KF_MAX_MEMLIMIT)
        return cc_err_set(err, CC_EUSAGE, "Argon2id memory limit above %zu MiB",
                          KF_MAX_MEMLIMIT >> 20);
    if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > KF_MAX_OPSLIMIT)
        return cc_err_set(err, CC_EUSAGE, "Argon2id ops limit must be %llu..%llu",
                          (unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
                          KF_MAX_OPSLIMIT);
    return CC_OK;
}

/* Fill s with a fresh key pair wrapped under passphrase and sealed masters. */
static int slot_make(const keyfile *kf, struct kf_slot *s, const char *passphrase,
                     const uint8_t *const masters[], cc_err *err)
{
    struct kf_secret *sec = secret_new(err);
    if (!sec)
        return CC_EDATA;
    crypto_box_keypair(s->pk, sec->sk);
    int rc = slot_wrap(s, passphrase, sec, err);
    sodium_free(sec);
    for (int g = 0; rc == CC_OK && g < kf->ngens; g++)
        rc = slot_seal(s, g, masters[g], err);
    return rc;
}

/* ---- public: construction and queries ----------------------------------- */

keyfile *keyfile_new(const uint8_t db_id[KF_DBID_BYTES])
{
    if (sodium_init() < 0 || !db_id)
        return NULL;
    keyfile *kf = cc_calloc(1, sizeof *kf);
    if (!kf)
        return NULL;
    kf->ngens = 1;
    memcpy(kf->gen_ids[0], db_id, KF_DBID_BYTES);
    return kf;
}

void keyfile_free(keyfile *kf)
{
    if (!kf)
        return;
    if (kf->slots) {
        sodium_memzero(kf->slots, (size_t)kf->cap * sizeof *kf->slots);
        free(kf->slots);
    }
    sodium_memzero(kf, sizeof *kf);
    free(kf);
}

int keyfile_login_valid(const char *login)
{
    if (!login || !login[0])
        return 0;
    size_t n = 0;
    for (const char *p = login; *p; p++, n++) {
        int alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (n >= KF_MAX_LOGIN)
            return 0;
        if (!alnum && (n == 0 || (*p != '.' && *p != '_' && *p != '-')))
            return 0;
    }
    return 1;
}

int keyfile_gen_count(const keyfile *kf)
{
    return kf->ngens;
}

const uint8_t *keyfile_gen_id(const keyfile *kf, int i)
{
    return (i >= 0 && i < kf->ngens) ? kf->gen_ids[i] : NULL;
}

int keyfile_slot_count(const keyfile *kf)
{
    return kf->nslots;
}

const char *keyfile_slot_login(const keyfile *kf, int i)
{
    return (i >= 0 && i < kf->nslots) ? kf->slots[i].login : NULL;
}

const uint8_t *keyfile_slot_pk(const keyfile *kf, const char *login)
{
    int i = login ? slot_find(kf, login) : -1;
    return i >= 0 ? kf->slots[i].pk : NULL;
}

int keyfile_has_slot(const keyfile *kf, const char *login)
{
    return login && slot_find(kf, login) >= 0;
}

/* ---- public: slots ------------------------------------------------------ */

int keyfile_add_slot(keyfile *kf, const char *login, const char *passphrase,
                     const uint8_t *const masters[], unsigned long long opslimit,
                     size_t memlimit, cc_err *err)
{
    if (!keyfile_login_valid(login))
        return cc_err_set(err, CC_EUSAGE, "invalid login name");
    if (!passphrase || !masters)
        return cc_err_set(err, CC_EUSAGE, "missing passphrase or master keys");
    for (int g = 0; g < kf->ngens; g++) {
        if (!masters[g])
            return cc_err_set(err, CC_EUSAGE, "missing master key");
    }
    struct kf_slot s;
    memset(&s, 0, sizeof s);
    memcpy(s.login, login, strlen(login) + 1);
    s.opslimit = opslimit ? opslimit : KF_DEFAULT_OPSLIMIT;
    s.memlimit = memlimit ? memlimit : KF_DEFAULT_MEMLIMIT;
    int rc = slot_check_limits(s.opslimit, s.memlimit, err);
    int at = slot_find(kf, login);
    if (rc == CC_OK && at < 0)
        rc = slots_reserve(kf, err);
    if (rc == CC_OK)
        rc = slot_make(kf, &s, passphrase, masters, err);
    if (rc == CC_OK) {
        if (at < 0)
            at = kf->nslots++;
        kf->slots[at] = s;
    }
    sodium_memzero(&s, sizeof s);
    return rc;
}

/* Unwrap slot at with passphrase and open every generation's sealed master. */
static int slot_open_masters(const keyfile *kf, int at, const char *passphrase,
                             uint8_t *masters_out, cc_err *err)
{
    const struct kf_slot *s = &kf->slots[at];
    struct kf_secret *sec = secret_new(err);
    if (!sec)
        return CC_EDATA;
    int rc = slot_unwrap(s, passphrase, sec, err);
    for (int g = 0; rc == CC_OK && g < kf->ngens; g++) {
        if (crypto_box_seal_open(masters_out + (size_t)g * KF_KEY_BYTES, s->sealed[g],
                                 SEALED_BYTES, s->pk, sec->sk) != 0) {
            sodium_memzero(masters_out, (size_t)kf->ngens * KF_KEY_BYTES);
            rc = cc_err_set(err, CC_EDATA, "key file damaged: sealed key for %s",
                            s->login);
        }
    }
    sodium_free(sec);
    return rc;
}

int keyfile_unlock(const keyfile *kf, const char *login, const char *passphrase,
                   uint8_t *masters_out, cc_err *err)
{
    int at = login && keyfile_login_valid(login) ? slot_find(kf, login) : -1;
    if (at < 0)
        return cc_err_set(err, CC_EREFUSED, "no key slot for %s", login_shown(login));
    if (!passphrase || !masters_out)
        return cc_err_set(err, CC_EUSAGE, "missing passphrase or output buffer");
    return slot_open_masters(kf, at, passphrase, masters_out, err);
}

/* ---- public: the recovery slot ------------------------------------------ */

/* The recovery key as the "passphrase" its slot is wrapped under. */
static char *recovery_pass(const uint8_t key[KF_KEY_BYTES], cc_err *err)
{
    char *pass = cc_malloc_with(sodium_malloc, RECOVERY_PASS_BYTES);
    if (!pass) {
        cc_err_set(err, CC_EDATA, "out of memory for key material");
        return NULL;
    }
    sodium_bin2hex(pass, RECOVERY_PASS_BYTES, key, KF_KEY_BYTES);
    return pass;
}

int keyfile_set_recovery(keyfile *kf, const uint8_t key[KF_KEY_BYTES],
                         const uint8_t *const masters[], unsigned long long opslimit,
                         size_t memlimit, cc_err *err)
{
    if (!key || !masters)
        return cc_err_set(err, CC_EUSAGE, "missing recovery key or master keys");
    for (int g = 0; g < kf->ngens; g++) {
        if (!masters[g])
            return cc_err_set(err, CC_EUSAGE, "missing master key");
    }
    char *pass = recovery_pass(key, err);
    if (!pass)
        return CC_EDATA;
    struct kf_slot s;
    memset(&s, 0, sizeof s);
    memcpy(s.login, KF_RECOVERY_LOGIN, sizeof KF_RECOVERY_LOGIN);
    s.opslimit = opslimit ? opslimit : KF_DEFAULT_OPSLIMIT;
    s.memlimit = memlimit ? memlimit : KF_DEFAULT_MEMLIMIT;
    int rc = slot_check_limits(s.opslimit, s.memlimit, err);
    int at = slot_find(kf, KF_RECOVERY_LOGIN);
    if (rc == CC_OK && at < 0)
        rc = slots_reserve(kf, err);
    if (rc == CC_OK)
        rc = slot_make(kf, &s, pass, masters, err);
    if (rc == CC_OK) {
        if (at < 0)
            at = kf->nslots++;
        kf->slots[at] = s;
    }
    sodium_memzero(&s, sizeof s);
    sodium_free(pass);
    return rc;
}

int keyfile_unlock_recovery(const keyfile *kf, const uint8_t key[KF_KEY_BYTES],
                            uint8_t *masters_out, cc_err *err)
{
    int at = slot_find(kf, KF_RECOVERY_LOGIN);
    if (at < 0)
        return cc_err_set(err, CC_EREFUSED,
                          "no recovery key is set up for this database");
    if (!key || !masters_out)
        return cc_err_set(err, CC_EUSAGE, "missing recovery key or output buffer");
    char *pass = recovery_pass(key, err);
    if (!pass)
        return CC_EDATA;
    int rc = slot_open_masters(kf, at, pass, masters_out, err);
    sodium_free(pass);
    if (rc == CC_EREFUSED)
        cc_err_set(err, CC_EREFUSED, "wrong recovery key");
    return rc;
}

int keyfile_change_passphrase(keyfile *kf, const char *login,
                              const char *old_passphrase, const char *new_passphrase,
                              cc_err *err)
{
    int at = login && keyfile_login_valid(login) ? slot_find(kf, login) : -1;
    if (at < 0)
        return cc_err_set(err, CC_EREFUSED, "no key slot for %s", login_shown(login));
    if (!old_passphrase || !new_passphrase)
        return cc_err_set(err, CC_EUSAGE, "missing passphrase");
    struct kf_secret *sec = secret_new(err);
    if (!sec)
        return CC_EDATA;
    struct kf_slot s = kf->slots[at];
    int rc = slot_unwrap(&s, old_passphrase, sec, err);
    if (rc == CC_OK)
        rc = slot_wrap(&s, new_passphrase, sec, err);
    if (rc == CC_OK)
        kf->slots[at] = s;
    sodium_free(sec);
    sodium_memzero(&s, sizeof s);
    return rc;
}

int keyfile_remove_slot(keyfile *kf, const char *login, cc_err *err)
{
    int at = login ? slot_find(kf, login) : -1;
    if (at < 0)
        return cc_err_set(err, CC_EUSAGE, "no key slot for %s", login_shown(login));
    memmove(&kf->slots[at], &kf->slots[at + 1],
            (size_t)(kf->nslots - at - 1) * sizeof *kf->slots);
    kf->nslots--;
    sodium_memzero(&kf->slots[kf->nslots], sizeof *kf->slots);
    return CC_OK;
}

/* ---- public: generations ------------------------------------------------ */

int keyfile_add_gen(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES],
                    const uint8_t master[KF_KEY_BYTES], cc_err *err)
{
    if (!db_id || !master)
        return cc_err_set(err, CC_EUSAGE, "missing database id or master key");
    if (kf->ngens >= KF_MAX_GENS)
        return cc_err_set(err, CC_EUSAGE, "a rekey is already in progress");
    if (gen_find(kf, db_id) >= 0)
        return cc_err_set(err, CC_EUSAGE, "the key file already has that database id");
    int g = kf->ngens;
    for (int i = 0; i < kf->nslots; i++) {
        int rc = slot_seal(&kf->slots[i], g, master, err);
        if (rc != CC_OK) {
            for (int j = 0; j < i; j++)
                sodium_memzero(kf->slots[j].sealed[g], SEALED_BYTES);
            return rc;
        }
    }
    memcpy(kf->gen_ids[g], db_id, KF_DBID_BYTES);
    kf->ngens++;
    return CC_OK;
}

int keyfile_keep_gen(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES], cc_err *err)
{
    int g = db_id ? gen_find(kf, db_id) : -1;
    if (g < 0)
        return cc_err_set(err, CC_EUSAGE, "the key file has no such database id");
    if (g != 0) {
        memcpy(kf->gen_ids[0], kf->gen_ids[g], KF_DBID_BYTES);
        for (int i = 0; i < kf->nslots; i++)
            memcpy(kf->slots[i].sealed[0], kf->slots[i].sealed[g], SEALED_BYTES);
    }
    for (int o = 1; o < kf->ngens; o++) {
        sodium_memzero(kf->gen_ids[o], KF_DBID_BYTES);
        for (int i = 0; i < kf->nslots; i++)
            sodium_memzero(kf->slots[i].sealed[o], SEALED_BYTES);
    }
    kf->ngens = 1;
    return CC_OK;
}

int keyfile_set_single_gen_id(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES],
                              cc_err *err)
{
    if (!db_id)
        return cc_err_set(err, CC_EUSAGE, "missing database id");
    if (kf->ngens != 1)
        return cc_err_set(err, CC_EUSAGE, "a rekey is in progress");
    memcpy(kf->gen_ids[0], db_id, KF_DBID_BYTES);
    return CC_OK;
}

/* ---- loading ------------------------------------------------------------ */

typedef struct parser {
    const char *path;
    int lineno;
    int seals;   /* seal lines seen in the current (last) generation */
    int version; /* from the header */
    keyfile *kf;
    cc_err *err;
} parser;

static int parse_fail(parser *p, const char *what)
{
    return cc_err_set(p->err, CC_EDATA, "key file %s line %d: %s", p->path, p->lineno,
                      what);
}

/* Split line at single spaces into at most max fields; -1 on empty fields. */
static int line_split(char *line, char *fields[], int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *sp = strchr(p, ' ');
        if (n == max || sp == p || *p == '\0')
            return -1;
        fields[n++] = p;
        if (!sp)
            return n;
        *sp = '\0';
        p = sp + 1;
    }
}

/* Canonical decimal (no sign, no leading zeros) in 1..max. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    if (s[0] < '1' || s[0] > '9')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Exactly 2*len lowercase hex digits into bin. */
static int parse_hex(const char *hex, uint8_t *bin, size_t len)
{
    size_t hlen = strlen(hex);
    size_t got = 0;
    const char *end = NULL;
    if (hlen != 2 * len || strspn(hex, "0123456789abcdef") != hlen)
        return -1;
    if (sodium_hex2bin(bin, len, hex, hlen, NULL, &got, &end) != 0 || got != len ||
        end != hex + hlen)
        return -1;
    return 0;
}

static int parse_header(parser *p, char *f[], int n)
{
    unsigned long long v = 0;
    if (n < 1 || strcmp(f[0], KF_MAGIC) != 0)
        return parse_fail(p, "not a carecoord key file");
    if (n != 2 || parse_uint(f[1], 1000000, &v) != 0)
        return parse_fail(p, "bad version");
    if (v > KF_VERSION)
        return cc_err_set(p->err, CC_EDATA, "key file %s is from a newer carecoord",
                          p->path);
    p->version = (int)v;
    return CC_OK;
}

static int parse_slot(parser *p, char *f[], int n)
{
    keyfile *kf = p->kf;
    unsigned long long ops = 0, mem = 0;
    if (kf->ngens > 0)
        return parse_fail(p, "slot line after a gen line");
    if (n != 8)
        return parse_fail(p, "slot line needs 8 fields");
    if (!slot_name_valid(f[1]))
        return parse_fail(p, "invalid login");
    if (!keyfile_login_valid(f[1]) && p->version < 2)
        return parse_fail(p, "recovery slot in a version 1 key file");
    if (slot_find(kf, f[1]) >= 0)
        return parse_fail(p, "duplicate slot");
    if (parse_uint(f[2], KF_MAX_OPSLIMIT, &ops) != 0 ||
        parse_uint(f[3], KF_MAX_MEMLIMIT, &mem) != 0 ||
        slot_check_limits(ops, (size_t)mem, NULL) != CC_OK)
        return parse_fail(p, "bad Argon2id limits");
    if (slots_reserve(kf, NULL) != CC_OK)
        return parse_fail(p, "too many slots");
    struct kf_slot *s = &kf->slots[kf->nslots];
    memcpy(s->login, f[1], strlen(f[1]) + 1);
    s->opslimit = ops;
    s->memlimit = (size_t)mem;
    if (parse_hex(f[4], s->salt, sizeof s->salt) != 0 ||
        parse_hex(f[5], s->pk, sizeof s->pk) != 0 ||
        parse_hex(f[6], s->nonce, sizeof s->nonce) != 0 ||
        parse_hex(f[7], s->wrapped, sizeof s->wrapped) != 0) {
        sodium_memzero(s, sizeof *s);
        return parse_fail(p, "bad hex field");
    }
    kf->nslots++;
    return CC_OK;
}

static int parse_gen(parser *p, char *f[], int n)
{
    keyfile *kf = p->kf;
    uint8_t id[KF_DBID_BYTES];
    if (kf->ngens > 0 && p->seals != kf->nslots)
        return parse_fail(p, "previous gen is missing seal lines");
    if (kf->ngens >= KF_MAX_GENS)
        return parse_fail(p, "too many gens");
    if (n != 2 || parse_hex(f[1], id, sizeof id) != 0)
        return parse_fail(p, "bad gen line");
    if (gen_find(kf, id) >= 0)
        return parse_fail(p, "duplicate gen");
    memcpy(kf->gen_ids[kf->ngens++], id, sizeof id);
    p->seals = 0;
    return CC_OK;
}

/* Seal lines follow slot order, one per slot, in every gen. */
static int parse_seal(parser *p, char *f[], int n)
{
    keyfile *kf = p->kf;
    if (kf->ngens == 0)
        return parse_fail(p, "seal line before any gen line");
    if (n != 3)
        return parse_fail(p, "seal line needs 3 fields");
    if (p->seals >= kf->nslots || strcmp(f[1], kf->slots[p->seals].login) != 0)
        return parse_fail(p, "seal line out of slot order or for an unknown login");
    struct kf_slot *s = &kf->slots[p->seals];
    if (parse_hex(f[2], s->sealed[kf->ngens - 1], SEALED_BYTES) != 0)
        return parse_fail(p, "bad hex field");
    p->seals++;
    return CC_OK;
}

static int parse_line(parser *p, char *line)
{
    char *f[KF_MAX_FIELDS];
    int n = line_split(line, f, KF_MAX_FIELDS);
    if (p->lineno == 1)
        return parse_header(p, f, n);
    if (n < 0)
        return parse_fail(p, "malformed line");
    if (strcmp(f[0], "slot") == 0)
        return parse_slot(p, f, n);
    if (strcmp(f[0], "gen") == 0)
        return parse_gen(p, f, n);
    if (strcmp(f[0], "seal") == 0)
        return parse_seal(p, f, n);
    return parse_fail(p, "unexpected line");
}

/* Read one '\n'-terminated line (without the '\n') into buf. */
static int read_line(parser *p, FILE *f, char buf[KF_LINE_MAX + 2], int *eof)
{
    *eof = 0;
    if (!fgets(buf, KF_LINE_MAX + 2, f)) {
        if (ferror(f))
            return cc_err_set(p->err, CC_EDATA, "cannot read key file %s: %s", p->path,
                              strerror(errno));
        *eof = 1;
        return CC_OK;
    }
    size_t len = strlen(buf);
    if (len == 0 || buf[len - 1] != '\n') {
        if (len > KF_LINE_MAX)
            return parse_fail(p, "line too long");
        return parse_fail(p, "unterminated line or NUL byte (truncated or damaged)");
    }
    buf[len - 1] = '\0';
    return CC_OK;
}

static int parse_file(parser *p, FILE *f)
{
    char buf[KF_LINE_MAX + 2];
    int eof = 0;
    int rc = CC_OK;
    for (;;) {
        p->lineno++;
        rc = read_line(p, f, buf, &eof);
        if (rc != CC_OK || eof)
            break;
        rc = parse_line(p, buf);
        if (rc != CC_OK)
            break;
    }
    if (rc == CC_OK && (p->kf->ngens == 0 || p->seals != p->kf->nslots))
        rc = cc_err_set(p->err, CC_EDATA, "key file %s is incomplete (truncated?)",
                        p->path);
    return rc;
}

static FILE *open_regular(const char *path, cc_err *err)
{
    FILE *f = fopen(path, "re");
    struct stat st;
    if (!f) {
        cc_err_set(err, CC_EDATA, "cannot open key file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        cc_err_set(err, CC_EDATA, "key file %s is not a regular file", path);
        fclose(f);
        return NULL;
    }
    return f;
}

int keyfile_load(const char *path, keyfile **out, cc_err *err)
{
    *out = NULL;
    if (sodium_init() < 0)
        return cc_err_set(err, CC_EDATA, "cannot initialise libsodium");
    FILE *f = open_regular(path, err);
    if (!f)
        return CC_EDATA;
    keyfile *kf = cc_calloc(1, sizeof *kf);
    if (!kf) {
        fclose(f);
        return cc_err_set(err, CC_EDATA, "out of memory reading key file %s", path);
    }
    parser p = {.path = path, .lineno = 0, .seals = 0, .kf = kf, .err = err};
    int rc = parse_file(&p, f);
    fclose(f);
    if (rc != CC_OK) {
        keyfile_free(kf);
        return rc;
    }
    *out = kf;
    return CC_OK;
}

/* ---- saving ------------------------------------------------------------- */

static const char *hex_of(char *hex, size_t hexsz, const uint8_t *bin, size_t len)
{
    return sodium_bin2hex(hex, hexsz, bin, len);
}

static void write_slot(FILE *f, const struct kf_slot *s)
{
    char salt[2 * SALT_BYTES + 1], pk[2 * PK_BYTES + 1];
    char nonce[2 * NONCE_BYTES + 1], wrapped[2 * WRAP_BYTES + 1];
    fprintf(f, "slot %s %llu %zu %s %s %s %s\n", s->login, s->opslimit, s->memlimit,
            hex_of(salt, sizeof salt, s->salt, sizeof s->salt),
            hex_of(pk, sizeof pk, s->pk, sizeof s->pk),
            hex_of(nonce, sizeof nonce, s->nonce, sizeof s->nonce),
            hex_of(wrapped, sizeof wrapped, s->wrapped, sizeof s->wrapped));
}

static void write_gen(FILE *f, const keyfile *kf, int g)
{
    char id[2 * KF_DBID_BYTES + 1], sealed[2 * SEALED_BYTES + 1];
    fprintf(f, "gen %s\n", hex_of(id, sizeof id, kf->gen_ids[g], KF_DBID_BYTES));
    for (int i = 0; i < kf->nslots; i++)
        fprintf(f, "seal %s %s\n", kf->slots[i].login,
                hex_of(sealed, sizeof sealed, kf->slots[i].sealed[g], SEALED_BYTES));
}

/* Write kf to fd and make it durable; closes fd. errno is set on failure. */
static int write_all(const keyfile *kf, int fd)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    fprintf(f, "%s %d\n", KF_MAGIC,
            keyfile_has_slot(kf, KF_RECOVERY_LOGIN) ? KF_VERSION : KF_VERSION_PLAIN);
    for (int i = 0; i < kf->nslots; i++)
        write_slot(f, &kf->slots[i]);
    for (int g = 0; g < kf->ngens; g++)
        write_gen(f, kf, g);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    errno = bad ? (e ? e : EIO) : 0;
    return bad ? -1 : 0;
}

static int fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? cc_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : cc_strdup(".");
    if (!dir)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Create tmp afresh: a stale one is removed first, so the mode is ours and a
 * planted symlink is never followed. Callers hold the database lock, so no
 * other process saves concurrently. Returns the fd or -1 with err set. */
static int tmp_create(const char *tmp, cc_err *err)
{
    if (unlink(tmp) != 0 && errno != ENOENT) {
        cc_err_set(err, CC_EDATA, "cannot remove stale %s: %s", tmp, strerror(errno));
        return -1;
    }
    int fd =
        open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0660);
    if (fd < 0)
        cc_err_set(err, CC_EDATA, "cannot create %s: %s", tmp, strerror(errno));
    return fd;
}

/* The replacement keeps the group and the owner/group bits of the file it
 * replaces (never the world's), so that a passwd or rekey by one person never
 * locks out the others of a shared data directory, whatever the umask. */
static void keep_mode_of(const char *path, int fd)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (fchown(fd, (uid_t)-1, st.st_gid) != 0)
        (void)0; /* not a member of that group: the directory's rules apply */
    fchmod(fd, st.st_mode & 0660);
}

int keyfile_save(const keyfile *kf, const char *path, cc_err *err)
{
    size_t len = strlen(path);
    char *tmp = cc_malloc(len + sizeof ".tmp");
    if (!tmp)
        return cc_err_set(err, CC_EDATA, "out of memory saving key file %s", path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", sizeof ".tmp");
    int rc = CC_OK;
    int fd = tmp_create(tmp, err);
    if (fd >= 0)
        keep_mode_of(path, fd);
    if (fd < 0)
        rc = CC_EDATA;
    else if (write_all(kf, fd) != 0)
        rc = cc_err_set(err, CC_EDATA, "cannot write %s: %s", tmp, strerror(errno));
    else if (rename(tmp, path) != 0)
        rc = cc_err_set(err, CC_EDATA, "cannot replace key file %s: %s", path,
                        strerror(errno));
    else if (fsync_dir_of(path) != 0)
        rc = cc_err_set(err, CC_EDATA, "cannot sync the directory of %s: %s", path,
                        strerror(errno));
    if (rc != CC_OK && fd >= 0)
        unlink(tmp); /* after a successful rename this finds nothing */
    free(tmp);
    return rc;
}
