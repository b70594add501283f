/*
 * config.c — the site configuration file and how the database path and the
 * acting staff account are chosen.
 *
 * The site configuration's path is fixed when the program is built (meson
 * option site_config, CC_SITE_CONFIG; /etc/carecoord/carecoord.conf by
 * default); only a test build lets CARECOORD_CONF name another (hooks.h).
 * It holds "key = value" lines ('#' comments):
 *   database = /var/lib/carecoord/carecoord.db
 *   bind_users = yes          # --user may not name another account
 *   idle_lock_minutes = 10
 *   timezone = America/Chicago  # the site's days and times (default UTC)
 *   bind = f search           # keys are rebound by action name (see `?`)
 *   anchor_file = /var/log/carecoord/anchors   # audit heads appended here
 *   anchor_minutes = 15       # and to syslog, at least this often
 *
 * When the program runs privileged (installed setgid carecoord) and the
 * configuration names a database, that database is the only one a person
 * other than root can open: --db and CARECOORD_DB may not point it at a
 * backup (which still holds the key slots of people offboarded since) or
 * at any other file the carecoord group can reach.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util/clock.h"
#include "util/hooks.h"

#ifndef CC_SITE_CONFIG
#error "CC_SITE_CONFIG (the site configuration's path) comes from meson"
#endif

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int parse_bool(const char *v)
{
    return !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") ||
           !strcmp(v, "on");
}

/* A timezone name as tzdata spells it ("Europe/Paris", "UTC", "EST5EDT"):
 * no absolute path, no "..". */
static int config_line(cli_config *cfg, char *line, const char *path, int lineno,
                       cc_err *err)
{
    char *hash = strchr(line, '#'), *eq, *key, *val;
    if (hash)
        *hash = '\0';
    if (!*trim(line))
        return CC_OK;
    if (!(eq = strchr(line, '=')))
        return cc_err_set(err, CC_EUSAGE, "%s:%d: expected key = value", path, lineno);
    *eq = '\0';
    key = trim(line);
    val = trim(eq + 1);
    if (!strcmp(key, "database"))
        snprintf(cfg->database, sizeof cfg->database, "%s", val);
    else if (!strcmp(key, "bind_users"))
        cfg->bind_users = parse_bool(val);
    else if (!strcmp(key, "bind") && cfg->nbinds < 16)
        snprintf(cfg->binds[cfg->nbinds++], sizeof cfg->binds[0], "%.47s", val);
    else if (!strcmp(key, "timezone"))
        snprintf(cfg->timezone, sizeof cfg->timezone, "%.63s", val);
    else if (!strcmp(key, "anchor_file"))
        snprintf(cfg->anchor_file, sizeof cfg->anchor_file, "%s", val);
    else if (!strcmp(key, "anchor_minutes"))
        cfg->anchor_minutes = atoi(val) > 0 ? atoi(val) : cfg->anchor_minutes;
    else if (!strcmp(key, "idle_lock_minutes"))
        cfg->idle_lock_minutes = atoi(val) > 0 ? atoi(val) : cfg->idle_lock_minutes;
    else
        return cc_err_set(err, CC_EUSAGE, "%s:%d: unknown setting '%s'", path, lineno,
                          key);
    return CC_OK;
}

/* The site's time zone (default UTC, whatever TZ the person has) becomes
 * the process's local time: dates, midnights, due times, times shown. */
static int apply_zone(cli_config *cfg, const char *path, cc_err *err)
{
    if (!cfg->timezone[0])
        snprintf(cfg->timezone, sizeof cfg->timezone, "UTC");
    if (clock_set_zone(cfg->timezone) != 0)
        return cc_err_set(err, CC_EUSAGE,
                          "%s: timezone '%s' is not a time zone installed under "
                          "/usr/share/zoneinfo",
                          path, cfg->timezone);
    return CC_OK;
}

int config_load(cli_config *cfg, cc_err *err)
{
    const char *path = CC_SITE_CONFIG, *forced = hook_env(HOOK_CONF);
    char line[4200];
    int lineno = 0;
    memset(cfg, 0, sizeof *cfg);
    cfg->idle_lock_minutes = 10;
    cfg->anchor_minutes = 15;
    if (forced && !clock_privileged())
        path = forced;
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? apply_zone(cfg, path, err)
                               : cc_err_set(err, CC_EUSAGE, "cannot read %s: %s", path,
                                            strerror(errno));
    while (fgets(line, sizeof line, f))
        if (config_line(cfg, line, path, ++lineno, err) != CC_OK)
            break;
    fclose(f);
    return err->code ? err->code : apply_zone(cfg, path, err);
}

static const char *home_dir(void)
{
    const char *home = clock_privileged() ? NULL : getenv("HOME");
    struct passwd *pw = home ? NULL : getpwuid(getuid());
    return home ? home : pw ? pw->pw_dir : "/tmp";
}

static int per_user_path(char *out, size_t n, cc_err *err)
{
    const char *xdg = clock_privileged() ? NULL : getenv("XDG_DATA_HOME");
    char dir[3900];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/carecoord", xdg);
    else
        snprintf(dir, sizeof dir, "%s/.local/share/carecoord", home_dir());
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return cc_err_set(err, CC_EUSAGE, "cannot create %s: %s", dir, strerror(errno));
    snprintf(out, n, "%s/carecoord.db", dir);
    return CC_OK;
}

/* A privileged run (not root) opens only the site's database, if it names one. */
static int pinned_db(const cli *c, const char *p, cc_err *err)
{
    if (!clock_privileged() || getuid() == 0 || !c->config.database[0] ||
        !strcmp(p, c->config.database))
        return CC_OK;
    return cc_err_set(err, CC_EREFUSED,
                      "this site's database is %s: --db and CARECOORD_DB are refused",
                      c->config.database);
}

int config_db_path(cli *c, cc_err *err)
{
    const char *env = clock_privileged() ? NULL : getenv("CARECOORD_DB");
    const char *p = c->db_opt               ? c->db_opt
                    : env && *env           ? env
                    : c->config.database[0] ? c->config.database
                                            : NULL;
    if (p) {
        snprintf(c->db_path, sizeof c->db_path, "%s", p);
        return pinned_db(c, p, err);
    }
    return per_user_path(c->db_path, sizeof c->db_path, err);
}

int cli_resolve_login(cli *c, cc_err *err)
{
    struct passwd *pw = getpwuid(getuid());
    if (!pw)
        return cc_err_set(err, CC_EREFUSED, "cannot tell who you are (uid %u)",
                          (unsigned)getuid());
    snprintf(c->os_login, sizeof c->os_login, "%s", pw->pw_name);
    if (c->user_opt && strcmp(c->user_opt, c->os_login) != 0 && c->config.bind_users)
        return cc_err_set(
            err, CC_EREFUSED,
            "this site binds accounts to system logins: --user %s refused",
            c->user_opt);
    snprintf(c->login, sizeof c->login, "%s", c->user_opt ? c->user_opt : c->os_login);
    return CC_OK;
}
