/*
 * test_hooks.c — the test hooks exist only where the build asks for them.
 *
 * This file is compiled twice, from the program's own sources (clock.c,
 * hooks.c, config.c): test_hooks_on with CC_TEST_HOOKS defined, as a test
 * build has it, and test_hooks_off without, as a production build has it.
 * WANT_HOOKS says which one this is. Each sets CARECOORD_NOW, CARECOORD_CONF
 * and the other hooks and checks the clock, the site configuration (with
 * its bind_users) and hook_env follow them only in the hooks-on build. The
 * site configuration's path is compiled in (CC_SITE_CONFIG, a file in the
 * build directory that the test writes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/hooks.h"

#ifndef WANT_HOOKS
#error "WANT_HOOKS (0 or 1) is set by tests/meson.build"
#endif

#define FORGED "2001-02-03T04:05:06Z"

static char forced_conf[512];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    char dir[] = "/tmp/cc-hooks.XXXXXX";
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(forced_conf, sizeof forced_conf, "%s/forced.conf", dir);
    write_file(CC_SITE_CONFIG, "database = /site/carecoord.db\nbind_users = yes\n");
    write_file(forced_conf, "database = /forced/carecoord.db\nbind_users = no\n");
    return 0;
}

static int teardown(void **state)
{
    char dir[512];
    (void)state;
    unlink(CC_SITE_CONFIG);
    unlink(forced_conf);
    snprintf(dir, sizeof dir, "%s", forced_conf);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
    return 0;
}

static void test_compiled_in(void **state)
{
    (void)state;
    assert_int_equal(hooks_compiled_in(), WANT_HOOKS);
}

static void test_clock_now(void **state)
{
    int64_t forged;
    (void)state;
    assert_int_equal(clock_parse_iso(FORGED, &forged), 0);
    setenv("CARECOORD_NOW", FORGED, 1);
    int64_t before = (int64_t)time(NULL), now = clock_now();
    int64_t after = (int64_t)time(NULL);
    unsetenv("CARECOORD_NOW");
    if (WANT_HOOKS) {
        assert_int_equal(now, forged);
    } else {
        assert_int_not_equal(now, forged);
        assert_true(now >= before && now <= after); /* the system clock */
    }
}

static void test_hook_env(void **state)
{
    static const struct {
        enum hook h;
        const char *name;
    } all[] = {
        {HOOK_NOW, "CARECOORD_NOW"},
        {HOOK_CONF, "CARECOORD_CONF"},
        {HOOK_IDLE_LOCK, "CARECOORD_IDLE_LOCK_SECONDS"},
        {HOOK_KEY_SCRIPT, "CARECOORD_TEST_SCRIPT"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        setenv(all[i].name, "7", 1);
        const char *v = hook_env(all[i].h);
        if (WANT_HOOKS) {
            assert_non_null(v);
            assert_string_equal(v, "7");
        } else {
            assert_null(v);
        }
        setenv(all[i].name, "", 1); /* empty is unset */
        assert_null(hook_env(all[i].h));
        unsetenv(all[i].name);
        assert_null(hook_env(all[i].h));
    }
    assert_null(hook_env(HOOK_COUNT));
}

static void test_site_config(void **state)
{
    cli c;
    cc_err err = {0};
    (void)state;
    memset(&c, 0, sizeof c);
    setenv("CARECOORD_CONF", forced_conf, 1);
    assert_int_equal(config_load(&c.config, &err), CC_OK);
    unsetenv("CARECOORD_CONF");
    assert_string_equal(c.config.database,
                        WANT_HOOKS ? "/forced/carecoord.db" : "/site/carecoord.db");
    assert_int_equal(c.config.bind_users, !WANT_HOOKS);

    /* bind_users = yes refuses --user for another account */
    c.user_opt = "carecoord-test-someone-else";
    int rc = cli_resolve_login(&c, &err);
    assert_int_equal(rc, WANT_HOOKS ? CC_OK : CC_EREFUSED);
    if (!WANT_HOOKS)
        assert_non_null(strstr(err.msg, "binds accounts to system logins"));
}

static void test_site_config_without_hook(void **state)
{
    cli_config cfg;
    cc_err err = {0};
    (void)state;
    unsetenv("CARECOORD_CONF");
    assert_int_equal(config_load(&cfg, &err), CC_OK);
    assert_string_equal(cfg.database, "/site/carecoord.db"); /* the built-in path */
    assert_int_equal(cfg.bind_users, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_in),
        cmocka_unit_test(test_clock_now),
        cmocka_unit_test(test_hook_env),
        cmocka_unit_test(test_site_config),
        cmocka_unit_test(test_site_config_without_hook),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
