/*
 * session.c — opening and closing a person's session (see session.h).
 */
#include "session.h"

#include <sodium.h>
#include <stdio.h>

#include "store/audit.h"

int session_open(session *s, const char *path, const char *login,
                 const char *passphrase, const char *how, int flags, cc_err *err)
{
    sodium_memzero(s, sizeof *s);
    if (store_open(path, login, passphrase, &s->st, err) != CC_OK)
        return err->code;
    if (audit_anchor_check(s->st, err) != CC_OK && !(flags & SESSION_ALLOW_BEHIND)) {
        int code = err->code; /* committed work lost: nobody builds on it */
        session_close(s);
        return code;
    }
    cc_err_clear(err);
    if (staff_login(s->st, login, how, &s->me, err) != CC_OK ||
        (s->me.must_change && !(flags & SESSION_ALLOW_MUST_CHANGE) &&
         cc_err_set(err, CC_EREFUSED,
                    "%s must change the initial passphrase first: carecoord passwd",
                    login))) {
        int code = err->code;
        session_close(s);
        return code;
    }
    s->ctx.st = s->st;
    s->ctx.staff_id = s->me.id;
    snprintf(s->ctx.role, sizeof s->ctx.role, "%s", s->me.role);
    return CC_OK;
}

void session_close(session *s)
{
    cc_err err = {0};
    audit_anchor_now(s->st,
                     &err); /* the head leaves the database; failures go to syslog */
    store_close(s->st);
    sodium_memzero(s, sizeof *s);
}
