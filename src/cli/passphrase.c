/*
 * passphrase.c — getting passphrases without echo and without leaving copies:
 * from a file descriptor, an environment variable, or a prompt on /dev/tty.
 * Buffers are sodium_malloc'd and wiped when freed; the byte being read is
 * wiped too. CARECOORD_PASSPHRASE / CARECOORD_NEW_PASSPHRASE are for the
 * test suite and for scripts run by a service account only: an
 * environment is readable by the same user (and root) in /proc/PID/environ,
 * and --passphrase-fd is the way for anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define PASS_MAX 1024

void pass_free(char *p)
{
    if (p)
        sodium_free(p);
}

static char *pass_alloc(void)
{
    char *p = sodium_malloc(PASS_MAX + 1);
    if (p)
        memset(p, 0, PASS_MAX + 1);
    return p;
}

/* Read one line (without its newline) from fd into p. */
static int read_line(int fd, char *p)
{
    size_t n = 0;
    char ch;
    for (;;) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -2;
        if (r == 0 || ch == '\n')
            break;
        if (n == PASS_MAX) {
            sodium_memzero(&ch, sizeof ch);
            return -1;
        }
        p[n++] = ch;
    }
    sodium_memzero(&ch, sizeof ch);
    if (n && p[n - 1] == '\r')
        n--;
    p[n] = '\0';
    return 0;
}

static int prompt_tty(const char *prompt, const char *hint, char *p, cc_err *err)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return cc_err_set(err, CC_EUSAGE,
                          "no passphrase: run on a terminal, or give %s", hint);
    int have_tc = tcgetattr(fd, &old) == 0;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    if (have_tc)
        tcsetattr(fd, TCSAFLUSH, &quiet);
    if (write(fd, prompt, strlen(prompt)) < 0)
        (void)0;
    int rc = read_line(fd, p);
    if (have_tc)
        tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0)
        (void)0;
    sodium_memzero(&quiet, sizeof quiet);
    close(fd);
    return rc == 0 ? CC_OK : cc_err_set(err, CC_EUSAGE, "passphrase too long");
}

static char *from_env(const char *name, cc_err *err)
{
    const char *v = getenv(name);
    char *p;
    if (!v)
        return NULL;
    if (strlen(v) > PASS_MAX) {
        cc_err_set(err, CC_EUSAGE, "%s is too long", name);
        return NULL;
    }
    if ((p = pass_alloc()))
        memcpy(p, v, strlen(v));
    return p;
}

char *pass_read(cli *c, const char *prompt, cc_err *err)
{
    char *p;
    cc_err_clear(err);
    if (c->pass_fd >= 0) {
        if (!(p = pass_alloc()))
            return NULL;
        int rc = read_line(c->pass_fd, p);
        if (rc != 0) {
            cc_err_set(err, CC_EUSAGE,
                       "cannot read a passphrase from descriptor %d: %s", c->pass_fd,
                       rc == -1 ? "too long" : strerror(errno));
            pass_free(p);
            return NULL;
        }
        return p;
    }
    if ((p = from_env("CARECOORD_PASSPHRASE", err)) || err->code)
        return p;
    if (!(p = pass_alloc()))
        return NULL;
    if (prompt_tty(prompt, "--passphrase-fd N or CARECOORD_PASSPHRASE", p, err) !=
        CC_OK) {
        pass_free(p);
        return NULL;
    }
    return p;
}

char *pass_read_new(const char *env_name, const char *prompt, cc_err *err)
{
    char *p, *again;
    cc_err_clear(err);
    if ((p = from_env(env_name, err)) || err->code)
        return p;
    if (!(p = pass_alloc()) || !(again = pass_alloc())) {
        pass_free(p);
        cc_err_set(err, CC_EDATA, "out of memory");
        return NULL;
    }
    if (prompt_tty(prompt, env_name, p, err) == CC_OK &&
        prompt_tty("Repeat it: ", env_name, again, err) == CC_OK &&
        strcmp(p, again) != 0)
        cc_err_set(err, CC_EUSAGE, "the two passphrases differ");
    pass_free(again);
    if (err->code) {
        pass_free(p);
        return NULL;
    }
    return p;
}

char *pass_read_env(const char *env_name, const char *prompt, cc_err *err)
{
    char *p;
    cc_err_clear(err);
    if ((p = from_env(env_name, err)) || err->code)
        return p;
    if (!(p = pass_alloc())) {
        cc_err_set(err, CC_EDATA, "out of memory");
        return NULL;
    }
    if (prompt_tty(prompt, env_name, p, err) != CC_OK) {
        pass_free(p);
        return NULL;
    }
    return p;
}
