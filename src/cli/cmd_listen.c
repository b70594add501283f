/*
 * cmd_listen.c — `carecoord listen --mllp HOST:PORT`: the exchange's
 * encounter notifications over MLLP, in the foreground until SIGTERM or
 * SIGINT. One poll loop serves several connections at once; each has its
 * own MLLP reader, so a message split across reads is reassembled and
 * back-to-back messages in one read are taken one by one. Every message is
 * applied as `import adt` would apply it (the core, one transaction each),
 * answered with an ACK (AA, or AE/AR with an ERR segment naming the
 * segment, field and table 0357 code) and logged on one line.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "core/notice.h"
#include "io/adt.h"
#include "io/hl7.h"
#include "io/mllp.h"
#include "util/clock.h"

#define MAX_CONNS 64

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

struct conn {
    int fd;
    mllp rd;
    char peer[80];
};

struct listener {
    cli *c;
    struct conn conns[MAX_CONNS];
    int nconns;
    long count;
};

/* ---- the socket ---------------------------------------------------------- */

static int split_hostport(const char *spec, char *host, size_t hsz, char *port,
                          size_t psz, cc_err *err)
{
    const char *colon = spec ? strrchr(spec, ':') : NULL;
    if (!colon || colon == spec || !colon[1] || (size_t)(colon - spec) >= hsz ||
        strlen(colon + 1) >= psz)
        return cc_err_set(err, CC_EUSAGE,
                          "--mllp takes HOST:PORT (e.g. 127.0.0.1:2575)");
    snprintf(host, hsz, "%.*s", (int)(colon - spec), spec);
    snprintf(port, psz, "%s", colon + 1);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:2575 */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    return CC_OK;
}

static int open_listener(const char *spec, int *out, char *bound, size_t bsz,
                         cc_err *err)
{
    char host[256], port[16];
    struct addrinfo hints = {0}, *res;
    if (split_hostport(spec, host, sizeof host, port, sizeof port, err) != CC_OK)
        return err->code;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        return cc_err_set(err, CC_EUSAGE, "%s: %s", spec, gai_strerror(rc));
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 32) != 0) {
        int e = errno;
        freeaddrinfo(res);
        if (fd >= 0)
            close(fd);
        return cc_err_set(err, CC_EREFUSED, "cannot listen on %s: %s", spec,
                          strerror(e));
    }
    freeaddrinfo(res);
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    char h[NI_MAXHOST] = "?", p[NI_MAXSERV] = "?";
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        getnameinfo((struct sockaddr *)&sa, len, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(bound, bsz, "%s:%s", h, p);
    *out = fd;
    return CC_OK;
}

/* ---- one message --------------------------------------------------------- */

static void now_dtm(char out[16])
{
    char iso[21];
    clock_format_iso(clock_now(), iso);
    snprintf(out, 16, "%.4s%.2s%.2s%.2s%.2s%.2s", iso, iso + 5, iso + 8, iso + 11,
             iso + 14, iso + 17);
}

static void send_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the peer went away: its reader is closed at the next poll */
        buf += w, n -= (size_t)w;
    }
}

static void reply(struct listener *l, struct conn *k, const hl7_msg *m, const char *ack,
                  const hl7_error *e)
{
    char body[4096], framed[4200], dtm[16], id[48];
    now_dtm(dtm);
    snprintf(id, sizeof id, "CC%s%ld", dtm, ++l->count);
    size_t n = hl7_ack(m, ack, e, dtm, id, body, sizeof body);
    size_t f = n ? mllp_frame(body, n, framed, sizeof framed) : 0;
    if (f)
        send_all(k->fd, framed, f);
}

static void log_line(const struct conn *k, const char *ctl, const char *event,
                     const char *ack, const char *what)
{
    char iso[21];
    clock_format_iso(clock_now(), iso);
    printf("%s %s %s %s %s: %s\n", iso, cli_s(k->peer), cli_s(ctl[0] ? ctl : "-"),
           cli_s(event[0] ? event : "-"), ack, cli_s(what));
    fflush(stdout);
}

/* An ACK for what cannot be read at all: an MSH of our own to answer from. */
static void reply_unreadable(struct listener *l, struct conn *k, const hl7_error *e)
{
    static const char stub[] = "MSH|^~\\&|||||||ADT|?|P|2.5\r";
    hl7_msg m;
    hl7_error ignore;
    if (hl7_parse(stub, sizeof stub - 1, &m, &ignore) == HL7_OK)
        reply(l, k, &m, "AR", e);
    hl7_msg_free(&m);
}

static void apply(struct listener *l, struct conn *k, hl7_msg *m, const adt_event *ev)
{
    static const char *const word[] = {"applied", "review", "duplicate", "logged"};
    notice_result r;
    cc_err one = {0}, err = {0};
    hl7_error e = {0};
    cc_ctx ctx = cli_ctx(l->c);
    if (notice_import(&ctx, ev, 1, &r, &one, &err) != CC_OK || one.code) {
        const cc_err *why = err.code ? &err : &one;
        hl7_fail(&e, HL7_INTERNAL, "MSH", 0, "%s", why->msg);
        reply(l, k, m, "AE", &e);
        log_line(k, ev->control_id, ev->event, "AE", why->msg);
        return;
    }
    reply(l, k, m, "AA", NULL);
    char what[260];
    snprintf(what, sizeof what, "%s: %s", word[r.outcome], r.what);
    log_line(k, ev->control_id, ev->event, "AA", what);
}

static int on_message(void *arg, const char *msg, size_t n)
{
    struct listener *l = ((void **)arg)[0];
    struct conn *k = ((void **)arg)[1];
    hl7_msg m;
    hl7_error e = {0};
    adt_event ev;
    if (!msg) {
        hl7_fail(&e, HL7_INTERNAL, "", 0, "message over %d bytes", HL7_MAX_MESSAGE);
        reply_unreadable(l, k, &e);
        log_line(k, "", "", "AR", e.text);
        return 0;
    }
    if (hl7_parse(msg, n, &m, &e) != HL7_OK) {
        reply_unreadable(l, k, &e);
        log_line(k, "", "", "AR", e.text);
        hl7_msg_free(&m);
        return 0;
    }
    if (adt_read(&m, &ev, &e) != HL7_OK) {
        const char *ack =
            e.code >= HL7_UNSUPPORTED_TYPE && e.code < HL7_INTERNAL ? "AR" : "AE";
        reply(l, k, &m, ack, &e);
        log_line(k, ev.control_id, ev.event, ack, e.text);
    } else {
        apply(l, k, &m, &ev);
    }
    hl7_msg_free(&m);
    return stopping;
}

/* ---- the loop ------------------------------------------------------------ */

static void drop(struct listener *l, int i)
{
    close(l->conns[i].fd);
    mllp_free(&l->conns[i].rd);
    l->conns[i] = l->conns[--l->nconns];
}

static void take(struct listener *l, int lfd)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (l->nconns == MAX_CONNS) {
        close(fd); /* busy: the sender retries */
        return;
    }
    struct conn *k = &l->conns[l->nconns++];
    memset(k, 0, sizeof *k);
    k->fd = fd;
    char h[NI_MAXHOST] = "?", p[NI_MAXSERV] = "?";
    getnameinfo((struct sockaddr *)&sa, len, h, sizeof h, p, sizeof p,
                NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(k->peer, sizeof k->peer, "%.60s:%.15s", h, p);
}

static void serve(struct listener *l, int lfd)
{
    static uint8_t buf[65536];
    while (!stopping) {
        struct pollfd p[MAX_CONNS + 1];
        p[0] = (struct pollfd){lfd, POLLIN, 0};
        for (int i = 0; i < l->nconns; i++)
            p[i + 1] = (struct pollfd){l->conns[i].fd, POLLIN, 0};
        int n = poll(p, (nfds_t)l->nconns + 1, 1000);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        for (int i = l->nconns - 1; i >= 0; i--) {
            if (!p[i + 1].revents)
                continue;
            ssize_t got = read(l->conns[i].fd, buf, sizeof buf);
            void *arg[2] = {l, &l->conns[i]};
            if (got <= 0 ||
                mllp_feed(&l->conns[i].rd, buf, (size_t)got, on_message, arg))
                drop(l, i);
        }
        if (p[0].revents & POLLIN)
            take(l, lfd);
    }
}

static int cmd_listen(cli *c, int argc, char **argv)
{
    const char *spec = NULL;
    const struct cli_opt opts[] = {{"--mllp", &spec, NULL}, {NULL, NULL, NULL}};
    cc_err err = {0};
    int rc, lfd = -1;
    char bound[300];
    if (!cli_args(argc, argv, opts, NULL, 0, 0,
                  "usage: carecoord listen --mllp HOST:PORT\n"
                  "Receive HL7 v2 ADT notifications over MLLP until SIGTERM or SIGINT: "
                  "several\nconnections at once, each message applied as `import adt` "
                  "does and answered\nwith an ACK (AA, or AE/AR naming the segment, "
                  "field and table 0357 code);\none line per message on standard "
                  "output. Port 0 picks a free port (said at\nthe start).\n",
                  &rc))
        return rc;
    if (!spec)
        return cc_err_set(&err, CC_EUSAGE, "listen needs --mllp HOST:PORT"),
               cli_fail(&err);
    if (cli_open(c, "encounter.import", 0, &err) != CC_OK ||
        open_listener(spec, &lfd, bound, sizeof bound, &err) != CC_OK)
        return cli_fail(&err);
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("listening on %s as %s\n", cli_s(bound), cli_s(c->login));
    fflush(stdout);
    static struct listener l;
    l.c = c;
    serve(&l, lfd);
    while (l.nconns)
        drop(&l, 0);
    close(lfd);
    printf("stopped after %ld messages\n", l.count);
    return CC_OK;
}

const struct cli_command cli_listen_commands[] = {
    {"listen", NULL, cmd_listen, "listen --mllp HOST:PORT",
     "receive ADT notifications over MLLP"},
    {NULL, NULL, NULL, NULL, NULL},
};
