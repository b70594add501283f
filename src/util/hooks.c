/*
 * hooks.c — the one gate every test hook passes (see hooks.h). Without
 * CC_TEST_HOOKS there is no getenv here at all: every hook reads as unset.
 */
#include "hooks.h"

#include <stdlib.h>

#include "clock.h"

#ifdef CC_TEST_HOOKS
static const char *const names[HOOK_COUNT] = {
    [HOOK_NOW] = "CARECOORD_NOW",
    [HOOK_CONF] = "CARECOORD_CONF",
    [HOOK_IDLE_LOCK] = "CARECOORD_IDLE_LOCK_SECONDS",
    [HOOK_KEY_SCRIPT] = "CARECOORD_TEST_SCRIPT",
    [HOOK_CACHE_KIB] = "CARECOORD_CACHE_KIB",
    [HOOK_SQL_PROFILE] = "CARECOORD_SQL_PROFILE",
    [HOOK_PAGE] = "CARECOORD_PAGE",
};

const char *hook_env(enum hook h)
{
    const char *v;
    if ((unsigned)h >= HOOK_COUNT || clock_privileged())
        return NULL;
    v = getenv(names[h]);
    return v && *v ? v : NULL;
}

int hooks_compiled_in(void)
{
    return 1;
}
#else
const char *hook_env(enum hook h)
{
    (void)h;
    return NULL;
}

int hooks_compiled_in(void)
{
    return 0;
}
#endif
