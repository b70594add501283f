/*
 * args.c — the one option parser every subcommand uses: a table of options,
 * positional arguments, "--help", and a one-line error for anything else.
 *
 * Free text (notes, reasons, names: the options listed in free_text) need
 * not go on the command line, where every local user can read it in
 * /proc/PID/cmdline: "-" reads the value from standard input (once per
 * command) and "@FILE" from a file, opened as the person running the
 * command even when the program is installed setgid ("@@..." is a value
 * that starts with a literal "@"). One trailing newline is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define TEXT_MAX 65536 /* bytes one free-text value may have */

static const char *const free_text[] = {
    "--note", "--reason",      "--full-name", "--how",     "--comment", "--summary",
    "--text", "--description", "--name",      "--address", NULL};

static int stdin_taken; /* "-" may read standard input only once */
static char *kept[16];  /* values read from stdin or files, for the process */
static int nkept;

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name)
{
    for (; opts && opts->name; opts++)
        if (!strcmp(opts->name, name))
            return opts;
    return NULL;
}

static int is_free_text(const char *name)
{
    for (const char *const *n = free_text; *n; n++)
        if (!strcmp(*n, name))
            return 1;
    return 0;
}

/* Open path for reading with the real group and user (a setgid run gives
 * the carecoord group back for the open); -1 with errno on failure. */
static int open_as_user(const char *path)
{
    gid_t gid = getgid(), egid = getegid();
    uid_t uid = getuid(), euid = geteuid();
    if (egid != gid && setegid(gid) != 0)
        return -1;
    if (euid != uid && seteuid(uid) != 0) {
        if (egid != gid && setegid(egid) != 0)
            abort();
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    int e = errno;
    /* The saved ids allow both; never go on half-dropped. */
    if ((euid != uid && seteuid(euid) != 0) || (egid != gid && setegid(egid) != 0))
        abort();
    errno = e;
    return fd;
}

FILE *cli_fopen_as_user(const char *path)
{
    int fd = open_as_user(path);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f && fd >= 0)
        close(fd);
    return f;
}

/* Read all of fd (at most TEXT_MAX bytes, no NUL) into a new string. */
static char *slurp(int fd, const char *what, cc_err *err)
{
    char *buf = malloc(TEXT_MAX + 1);
    size_t n = 0;
    ssize_t r;
    if (!buf)
        return cc_err_set(err, CC_EDATA, "out of memory"), NULL;
    while (n <= TEXT_MAX && (r = read(fd, buf + n, TEXT_MAX + 1 - n)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            cc_err_set(err, CC_EUSAGE, "cannot read %s: %s", what, strerror(errno));
            return free(buf), NULL;
        }
        n += (size_t)r;
    }
    if (n > TEXT_MAX || memchr(buf, '\0', n)) {
        cc_err_set(err, CC_EINPUT, "%s: %s", what,
                   n > TEXT_MAX ? "more than 64 KiB of text" : "contains a NUL byte");
        return free(buf), NULL;
    }
    if (n && buf[n - 1] == '\n')
        n--;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return buf;
}

/* The value of a free-text option: itself, or what "-" / "@FILE" names. */
static int free_text_value(const char *opt, const char **value, cc_err *err)
{
    const char *v = *value;
    char what[4200];
    int fd;
    if (!strncmp(v, "@@", 2)) {
        *value = v + 1;
        return CC_OK;
    }
    if (strcmp(v, "-") != 0 && v[0] != '@')
        return CC_OK;
    if (nkept == (int)(sizeof kept / sizeof *kept))
        return cc_err_set(err, CC_EUSAGE, "too many options read from files");
    if (!strcmp(v, "-")) {
        if (stdin_taken++)
            return cc_err_set(err, CC_EUSAGE,
                              "%s -: only one option can read standard input", opt);
        snprintf(what, sizeof what, "%s from standard input", opt);
        fd = STDIN_FILENO;
    } else if ((fd = open_as_user(v + 1)) < 0)
        return cc_err_set(err, CC_EUSAGE, "%s: cannot open %s: %s", opt, v + 1,
                          strerror(errno));
    else
        snprintf(what, sizeof what, "%s %s", opt, v + 1);
    char *text = slurp(fd, what, err);
    if (fd != STDIN_FILENO)
        close(fd);
    if (!text)
        return err->code;
    *value = kept[nkept++] = text;
    return CC_OK;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos,
              int npos, int *help, cc_err *err)
{
    int npos_seen = 0;
    *help = 0;
    for (int i = 0; i < npos; i++)
        pos[i] = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            return CC_OK;
        }
        if (a[0] == '-' && a[1]) {
            const struct cli_opt *o = find_opt(opts, a);
            if (!o)
                return cc_err_set(err, CC_EUSAGE, "unknown option %s", a);
            if (!o->value) {
                *o->flag = 1;
                continue;
            }
            if (i + 1 >= argc)
                return cc_err_set(err, CC_EUSAGE, "%s needs a value", a);
            *o->value = argv[++i];
            continue;
        }
        if (npos_seen >= npos)
            return cc_err_set(err, CC_EUSAGE, "unexpected argument '%s'", a);
        pos[npos_seen++] = a;
    }
    /* Only once the whole line parsed (so --help never waits on stdin). */
    for (const struct cli_opt *o = opts; o && o->name; o++)
        if (o->value && *o->value && is_free_text(o->name) &&
            free_text_value(o->name, o->value, err) != CC_OK)
            return err->code;
    return CC_OK;
}

int cli_args(int argc, char **argv, const struct cli_opt *opts, const char **pos,
             int npos, int nreq, const char *help_text, int *exit_code)
{
    cc_err err = {0};
    int help;
    if (cli_parse(argc, argv, opts, pos, npos, &help, &err) == CC_OK && help) {
        fputs(help_text, stdout);
        *exit_code = CC_OK;
        return 0;
    }
    for (int i = 0; err.code == CC_OK && i < nreq; i++)
        if (!pos[i])
            cc_err_set(&err, CC_EUSAGE, "missing argument (see --help)");
    if (err.code != CC_OK) {
        *exit_code = cli_fail(&err);
        return 0;
    }
    return 1;
}

int cli_open_ctx(cli *c, cc_ctx *ctx, cc_err *err)
{
    if (cli_open(c, NULL, 0, err) != CC_OK)
        return err->code;
    *ctx = cli_ctx(c);
    return CC_OK;
}

int cli_parse_id(const char *s, const char *what, int64_t *id, cc_err *err)
{
    char *end;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v < 1)
        return cc_err_set(err, CC_EUSAGE, "'%s' is not %s", s ? s : "", what);
    *id = v;
    return CC_OK;
}

int cli_put_opt(char *dst, size_t n, const char *src, const char *what, cc_err *err)
{
    if (!src)
        return CC_OK;
    if (strlen(src) >= n)
        return cc_err_set(err, CC_EUSAGE, "%s is too long (at most %zu bytes)", what,
                          n - 1);
    memcpy(dst, src, strlen(src) + 1);
    return CC_OK;
}
