/*
 * recovery.h — the site's recovery key: 32 random bytes, shown once (at init,
 * or when an administrator replaces it) as 8 groups of 7 characters to be
 * kept offline. It unlocks the key file's recovery slot, and all it can do
 * is create an administrator when every administrator is gone: never log in
 * as a person. Every use is audited and alerts the supervisors.
 */
#ifndef CC_RECOVERY_H
#define CC_RECOVERY_H

#include <stdint.h>

#include "ctx.h"

#define RECOVERY_KEY_BYTES 32
#define RECOVERY_GROUPS    8
#define RECOVERY_GROUP_LEN 7
/* The text form with its 7 dashes and the NUL. */
#define RECOVERY_TEXT_BYTES (RECOVERY_GROUPS * (RECOVERY_GROUP_LEN + 1))

/* key as the text given to the site: Crockford base32 of the key and a
 * 24-bit checksum, in 8 dash-separated groups of 7. */
void recovery_format(const uint8_t key[RECOVERY_KEY_BYTES],
                     char out[RECOVERY_TEXT_BYTES]);

/* The key typed back: case, spaces and dashes do not matter, O reads as 0
 * and I or L as 1. CC_EINPUT with a one-line reason for a wrong length, a
 * character no key has, or a checksum that does not match (a typo), all
 * before any Argon2id work. */
int recovery_parse(const char *text, uint8_t key[RECOVERY_KEY_BYTES], cc_err *err);

/* Make a new recovery key for the database (administrators, or the system
 * at init): the recovery slot is replaced, so an older key stops working;
 * audited (keyslot.recovery) and, when an administrator does it, alerted to
 * the supervisors. text_out gets the key to show once. Refused on a store
 * opened with the recovery key. */
int recovery_key_new(cc_ctx *ctx, char text_out[RECOVERY_TEXT_BYTES], cc_err *err);

/* On a store opened with the recovery key (store_open_recovery), as the
 * system: create administrator login with a one-time passphrase to be
 * changed at first use, audit the recovery use (recovery.use) and alert the
 * supervisors, all in one transaction. Refused (CC_EREFUSED) while an active
 * administrator exists unless force. */
int recovery_create_admin(cc_ctx *ctx, const char *login, const char *full_name,
                          const char *one_time, int force, cc_err *err);

#endif
