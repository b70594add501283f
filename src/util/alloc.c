/*
 * alloc.c — the allocation gate (alloc.h). Without CC_TEST_HOOKS the gate is
 * always open and nothing is counted.
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef CC_TEST_HOOKS
static long count, fail_nth;
static int fail_sticky;

void alloc_fail_at(long nth, int sticky)
{
    count = 0;
    fail_nth = nth;
    fail_sticky = sticky;
}

long alloc_count(void)
{
    return count;
}

/* True if this allocation is to fail (the test hook). */
static int gate_closed(void)
{
    long n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
    return fail_nth && (n == fail_nth || (fail_sticky && n > fail_nth));
}
#else
void alloc_fail_at(long nth, int sticky)
{
    (void)nth, (void)sticky;
}

long alloc_count(void)
{
    return 0;
}

static int gate_closed(void)
{
    return 0;
}
#endif

void *cc_malloc(size_t n)
{
    return gate_closed() ? NULL : malloc(n);
}

void *cc_calloc(size_t nmemb, size_t size)
{
    return gate_closed() ? NULL : calloc(nmemb, size);
}

void *cc_realloc(void *p, size_t n)
{
    return gate_closed() ? NULL : realloc(p, n);
}

char *cc_strdup(const char *s)
{
    return gate_closed() ? NULL : strdup(s);
}

char *cc_strndup(const char *s, size_t n)
{
    return gate_closed() ? NULL : strndup(s, n);
}

void *cc_malloc_with(void *(*alloc)(size_t), size_t n)
{
    return gate_closed() ? NULL : alloc(n);
}
