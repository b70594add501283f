/*
 * session.h — one person's session: unlock their key slot, check the
 * account (active, slot bound to it, no passphrase change pending), audit
 * the login, and hand out the context every core call acts in. The command
 * line and the terminal program both open and close sessions only here.
 *
 * The session's role is the one read at login; every core call re-checks
 * the account (guard.h), so a disabled account or a changed role is refused
 * at its next action even in a session that is already open.
 */
#ifndef CC_SESSION_H
#define CC_SESSION_H

#include "ctx.h"
#include "staff.h"

typedef struct session {
    store *st;
    staff me;
    cc_ctx ctx;
} session;

enum session_flags {
    SESSION_ALLOW_MUST_CHANGE = 1, /* passwd: the one thing a new account may do */
    SESSION_ALLOW_BEHIND = 2, /* check, audit verify: open a log behind its anchor */
};

/* Unlock the database at path as login with passphrase and log in (audited,
 * "how" says from where: "cli user add", "tui"). CC_EREFUSED for a wrong
 * passphrase, a disabled account, a foreign slot or a pending passphrase
 * change (unless flags allow it); the session is then closed. */
int session_open(session *s, const char *path, const char *login,
                 const char *passphrase, const char *how, int flags, cc_err *err);

/* Anchor the audit chain's head outside the database (audit.h), close the
 * store (wiping its keys) and the session. Safe on a closed one. */
void session_close(session *s);

#endif
