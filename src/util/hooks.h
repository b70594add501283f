/*
 * hooks.h — the test hooks: environment variables that fix the clock, point
 * at another site configuration, shorten the idle lock and feed the
 * terminal program keys from a script, so that the test suite can run the
 * real binary on a fixed day.
 *
 * They exist only in a build configured with -Dtest_hooks=true (which
 * defines CC_TEST_HOOKS); a production build has none, so no environment
 * can backdate an entry or get around the site's bind_users. Even when
 * compiled in they are ignored when the program runs with elevated
 * privilege (clock_privileged).
 */
#ifndef CC_HOOKS_H
#define CC_HOOKS_H

enum hook {
    HOOK_NOW,         /* CARECOORD_NOW: ISO 8601, the clock stands still there */
    HOOK_CONF,        /* CARECOORD_CONF: the site configuration file */
    HOOK_IDLE_LOCK,   /* CARECOORD_IDLE_LOCK_SECONDS: the idle lock, in seconds */
    HOOK_KEY_SCRIPT,  /* CARECOORD_TEST_SCRIPT: keys from a file, screen dumps */
    HOOK_CACHE_KIB,   /* CARECOORD_CACHE_KIB: the page cache, for measurements */
    HOOK_SQL_PROFILE, /* CARECOORD_SQL_PROFILE: a file each statement's run time is
                         appended to (milliseconds, then the SQL's first 160 bytes);
                         for finding slow queries, never a client's data: the
                         statement's text, not its bound values */
    HOOK_PAGE,        /* CARECOORD_PAGE: the paged screens' page (the board's teams,
                         the unassigned queue's rows), so a small database pages */
    HOOK_COUNT
};

/* The value of hook h when hooks are compiled in, the program is not
 * privileged and the variable is set and not empty; otherwise NULL. */
const char *hook_env(enum hook h);

/* 1 if this build has the test hooks compiled in, else 0. */
int hooks_compiled_in(void);

#endif
