/*
 * keyfile.h — the sidecar key file (<db>.keys) and its per-staff key slots.
 *
 * The database is encrypted under a random 32-byte master key. Nobody's
 * passphrase encrypts the master key directly: each staff member has a slot
 * holding an X25519 key pair whose secret half is wrapped under a key derived
 * from their passphrase with Argon2id (parameters stored in the slot, at least
 * 64 MiB), and the master key is sealed (crypto_box_seal) to every slot's
 * public half. So a passphrase change rewraps one secret key, and a rekey can
 * seal a new master key to everyone without knowing their passphrases.
 *
 * A key file normally describes one database generation (a 16-byte database
 * id with one sealed master key per slot). While a rekey is in flight it
 * holds two; the database file's own id says which one applies.
 *
 * One more slot may exist, named KF_RECOVERY_LOGIN ("#recovery", which no
 * staff login can be): its secret half is wrapped under the site's recovery
 * key (32 random bytes, kept offline) instead of a passphrase, and the master
 * key is sealed to it like to every other slot, so rekeys and backups keep
 * it. It is never unlocked by keyfile_unlock: only by keyfile_unlock_recovery.
 * A file with a recovery slot is written as version 2 (an older program then
 * says "from a newer carecoord" instead of "invalid login").
 *
 * The file holds login names and wrapped keys only: no other personal data.
 * It is written atomically (temp file, fsync, rename, fsync directory).
 */
#ifndef CC_KEYFILE_H
#define CC_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define KF_KEY_BYTES      32
#define KF_DBID_BYTES     16
#define KF_MAX_LOGIN      32
#define KF_MAX_SLOTS      4096
#define KF_MAX_GENS       2
#define KF_MIN_MEMLIMIT   ((size_t)64 << 20)
#define KF_RECOVERY_LOGIN "#recovery"

typedef struct keyfile keyfile;

/* A new, empty key file for one database generation with id db_id. */
keyfile *keyfile_new(const uint8_t db_id[KF_DBID_BYTES]);

/* Free kf, wiping everything it holds. NULL is fine. */
void keyfile_free(keyfile *kf);

/* Read and strictly validate the key file at path. CC_EDATA if it is
 * missing, malformed or from a newer program; the message names the file. */
int keyfile_load(const char *path, keyfile **out, cc_err *err);

/* Replace the file at path with kf atomically (mode 0660 under the caller's
 * umask): write path.tmp, fsync, rename over path, fsync the directory. */
int keyfile_save(const keyfile *kf, const char *path, cc_err *err);

/* True if login is a valid login name: 1..32 of [a-z0-9._-], starting with
 * a letter or digit. */
int keyfile_login_valid(const char *login);

/* Number of generations (1 normally, 2 during a rekey) and the id of gen i. */
int keyfile_gen_count(const keyfile *kf);
const uint8_t *keyfile_gen_id(const keyfile *kf, int i);

/* Number of slots and the login of slot i (in file order). */
int keyfile_slot_count(const keyfile *kf);
const char *keyfile_slot_login(const keyfile *kf, int i);

/* The X25519 public key of login's slot (32 bytes), or NULL if none. The
 * database records it per account, so a slot forged under another login
 * (by someone able to write the key file) is refused at login. */
const uint8_t *keyfile_slot_pk(const keyfile *kf, const char *login);

/* True if login has a slot. */
int keyfile_has_slot(const keyfile *kf, const char *login);

/* Add (or replace) the recovery slot: a fresh key pair wrapped under the
 * 32-byte recovery key (Argon2id as in keyfile_add_slot), with masters[i]
 * sealed to it for every generation. Its public key is then
 * keyfile_slot_pk(kf, KF_RECOVERY_LOGIN). */
int keyfile_set_recovery(keyfile *kf, const uint8_t key[KF_KEY_BYTES],
                         const uint8_t *const masters[], unsigned long long opslimit,
                         size_t memlimit, cc_err *err);

/* Unwrap the recovery slot with key and write every generation's master key
 * into masters_out (as keyfile_unlock). CC_EREFUSED "no recovery key is set
 * up for this database" or "wrong recovery key". */
int keyfile_unlock_recovery(const keyfile *kf, const uint8_t key[KF_KEY_BYTES],
                            uint8_t *masters_out, cc_err *err);

/* Add (or replace) the slot of login with a fresh key pair wrapped under
 * passphrase, and seal masters[i] (the master key of generation i, one per
 * generation, in gen order) to it. Argon2id with opslimit/memlimit (pass 0
 * for the defaults: crypto_pwhash OPSLIMIT_MODERATE-ish 3 and 64 MiB);
 * memlimit below KF_MIN_MEMLIMIT is refused with CC_EUSAGE. */
int keyfile_add_slot(keyfile *kf, const char *login, const char *passphrase,
                     const uint8_t *const masters[], unsigned long long opslimit,
                     size_t memlimit, cc_err *err);

/* Unwrap login's slot with passphrase and write the master key of every
 * generation into masters_out (gen order, KF_KEY_BYTES each; the buffer must
 * hold keyfile_gen_count() keys and should be sodium_malloc'd). Failures:
 * CC_EREFUSED "no key slot for LOGIN" or "wrong passphrase for LOGIN". The
 * recovery slot is never a login's: it is "no key slot" here. */
int keyfile_unlock(const keyfile *kf, const char *login, const char *passphrase,
                   uint8_t *masters_out, cc_err *err);

/* Rewrap login's secret key under new_passphrase after checking
 * old_passphrase (CC_EREFUSED if wrong). The sealed masters are unchanged. */
int keyfile_change_passphrase(keyfile *kf, const char *login,
                              const char *old_passphrase, const char *new_passphrase,
                              cc_err *err);

/* Remove login's slot (and its sealed masters; KF_RECOVERY_LOGIN removes
 * the recovery slot). CC_EUSAGE if none. */
int keyfile_remove_slot(keyfile *kf, const char *login, cc_err *err);

/* Add a generation db_id whose master key is sealed to every existing slot's
 * public key (no passphrase needed). CC_EUSAGE if KF_MAX_GENS reached or the
 * id exists already. */
int keyfile_add_gen(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES],
                    const uint8_t master[KF_KEY_BYTES], cc_err *err);

/* Drop every generation except db_id (used when a rekey is done or rolled
 * back). CC_EUSAGE if db_id is not present. */
int keyfile_keep_gen(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES], cc_err *err);

/* Replace the id of the only generation (a backup copy gets its own id). */
int keyfile_set_single_gen_id(keyfile *kf, const uint8_t db_id[KF_DBID_BYTES],
                              cc_err *err);

#endif
