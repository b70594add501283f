/*
 * audit.c — appending to and verifying the hash-chained audit log.
 *
 * hash(n) = BLAKE2b-256 keyed with the chain key over
 *   "cc-audit-1" | be64 seq | str at | be64 staff | str action | str object |
 *   str details | hash(n-1)
 * where str is a be32 length followed by the bytes. Entry 1 chains to 32
 * zero bytes. The encoding is unambiguous, so no two different entries hash
 * alike by shifting text between fields.
 *
 * The head is also anchored outside the database (syslog, an append-only
 * anchor file): at session close and every few minutes while a store
 * commits, so that rewriting or rolling back the log is caught by anyone
 * holding a newer anchor (audit_anchor_holds, audit_verify).
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../util/alloc.h"
#include "../util/clock.h"
#include "stmtcache.h"
#include "store_int.h"

static int load_key(store *s, cc_err *err)
{
    sqlite3_stmt *st;
    if (s->audit_key)
        return CC_OK;
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT value FROM secret WHERE name = 'audit_key'", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit key", err);
    rc = sqlite3_step(st);
    int found =
        rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == crypto_generichash_KEYBYTES;
    if (found) {
        s->audit_key = cc_malloc_with(sodium_malloc, crypto_generichash_KEYBYTES);
        if (s->audit_key)
            memcpy(s->audit_key, sqlite3_column_blob(st, 0),
                   crypto_generichash_KEYBYTES);
    }
    sqlite3_finalize(st);
    if (found && !s->audit_key)
        return cc_err_set(err, CC_EDATA, "reading the audit key: out of memory");
    if (!s->audit_key)
        return rc == SQLITE_ROW || rc == SQLITE_DONE
                   ? cc_err_set(err, CC_EDATA, "the audit key is missing or damaged")
                   : store_fail(s, rc, "reading the audit key", err);
    return CC_OK;
}

static void put_be64(crypto_generichash_state *h, int64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void put_str(crypto_generichash_state *h, const char *s, size_t n)
{
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
                    (uint8_t)n};
    crypto_generichash_update(h, b, sizeof b);
    crypto_generichash_update(h, (const uint8_t *)s, n);
}

typedef struct entry {
    int64_t seq, staff;
    const char *at, *action, *object, *details;
    size_t at_n, action_n, object_n, details_n;
    const uint8_t *prev;
} entry;

static void entry_hash(const store *s, const entry *e, uint8_t out[AUDIT_HASH_BYTES])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, s->audit_key, crypto_generichash_KEYBYTES,
                            AUDIT_HASH_BYTES);
    crypto_generichash_update(&h, (const uint8_t *)"cc-audit-1", 10);
    put_be64(&h, e->seq);
    put_str(&h, e->at, e->at_n);
    put_be64(&h, e->staff);
    put_str(&h, e->action, e->action_n);
    put_str(&h, e->object, e->object_n);
    put_str(&h, e->details, e->details_n);
    crypto_generichash_update(&h, e->prev, AUDIT_HASH_BYTES);
    crypto_generichash_final(&h, out, AUDIT_HASH_BYTES);
}

int audit_head(store *s, audit_anchor *out, cc_err *err)
{
    sqlite3_stmt *st;
    memset(out, 0, sizeof *out);
    int rc;
    st = stmtcache_get(s->db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                       &rc);
    if (!st)
        return store_fail(s, rc, "reading the audit log", err);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->seq = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == AUDIT_HASH_BYTES)
            memcpy(out->hash, sqlite3_column_blob(st, 1), AUDIT_HASH_BYTES);
    }
    stmtcache_put(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the audit log", err);
    return CC_OK;
}

static int insert_entry(store *s, const entry *e, const uint8_t hash[AUDIT_HASH_BYTES],
                        cc_err *err)
{
    sqlite3_stmt *st;
    int rc;
    st = stmtcache_get(s->db,
                       "INSERT INTO audit (seq, at, staff_id, action, object, "
                       "details, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                       &rc);
    if (!st)
        return store_fail(s, rc, "writing the audit log", err);
    sqlite3_bind_int64(st, 1, e->seq);
    sqlite3_bind_text(st, 2, e->at, (int)e->at_n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->staff);
    sqlite3_bind_text(st, 4, e->action, (int)e->action_n, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->object, (int)e->object_n, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->details, (int)e->details_n, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, e->prev, AUDIT_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, hash, AUDIT_HASH_BYTES, SQLITE_STATIC);
    rc = sqlite3_step(st);
    stmtcache_put(st);
    return rc == SQLITE_DONE ? CC_OK : store_fail(s, rc, "writing the audit log", err);
}

int audit_append(store *s, int64_t staff_id, const char *action, const char *object,
                 const char *details, cc_err *err)
{
    audit_anchor head;
    uint8_t hash[AUDIT_HASH_BYTES];
    char at[21];
    if (sqlite3_get_autocommit(s->db))
        return cc_err_set(err, CC_EDATA, "internal: audit entry outside a transaction");
    if (load_key(s, err) != CC_OK || audit_head(s, &head, err) != CC_OK)
        return err->code;
    clock_format_iso(clock_now(), at);
    details = details ? details : "";
    entry e = {head.seq + 1,   staff_id,        at,         action,
               object,         details,         strlen(at), strlen(action),
               strlen(object), strlen(details), head.hash};
    entry_hash(s, &e, hash);
    return insert_entry(s, &e, hash, err);
}

/* ---- verification ------------------------------------------------------ */

/* Entries after seq start (for the progress bar: an incremental run counts
 * only its own range, by the primary key). */
static int64_t count_entries(store *s, int64_t start)
{
    sqlite3_stmt *st;
    int64_t n = 0;
    /* the whole log: count(*) reads its smallest index, not the table */
    const char *sql = start ? "SELECT count(*) FROM audit WHERE seq > ?1"
                            : "SELECT count(*) FROM audit WHERE ?1 = 0";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, start);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static int bad(audit_result *res, int64_t seq, const char *why)
{
    if (!res->first_bad) {
        res->first_bad = seq;
        snprintf(res->why, sizeof res->why, "%s", why);
    }
    return 1;
}

static const char *col_text(sqlite3_stmt *st, int i, size_t *n)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    *n = (size_t)sqlite3_column_bytes(st, i);
    return t ? t : "";
}

/* Check one row against the running chain state; updates prev. */
static int check_row(store *s, sqlite3_stmt *st, int64_t expect, uint8_t prev[32],
                     audit_result *res)
{
    uint8_t hash[AUDIT_HASH_BYTES];
    entry e;
    e.seq = sqlite3_column_int64(st, 0);
    e.at = col_text(st, 1, &e.at_n);
    e.staff = sqlite3_column_int64(st, 2);
    e.action = col_text(st, 3, &e.action_n);
    e.object = col_text(st, 4, &e.object_n);
    e.details = col_text(st, 5, &e.details_n);
    e.prev = prev;
    if (e.seq != expect)
        return bad(res, expect,
                   e.seq > expect ? "entry missing (gap in the sequence)"
                                  : "sequence out of order");
    if (sqlite3_column_bytes(st, 6) != AUDIT_HASH_BYTES ||
        sqlite3_column_bytes(st, 7) != AUDIT_HASH_BYTES ||
        memcmp(sqlite3_column_blob(st, 6), prev, AUDIT_HASH_BYTES) != 0)
        return bad(res, e.seq, "does not chain to the entry before it");
    entry_hash(s, &e, hash);
    if (sodium_memcmp(hash, sqlite3_column_blob(st, 7), AUDIT_HASH_BYTES) != 0)
        return bad(res, e.seq, "contents do not match its hash (altered)");
    memcpy(prev, hash, AUDIT_HASH_BYTES);
    return 0;
}

static void check_anchor(const audit_anchor *anchor, int64_t seq, const uint8_t *hash,
                         int *seen, audit_result *res)
{
    if (anchor && seq == anchor->seq) {
        *seen = 1;
        if (memcmp(hash, anchor->hash, AUDIT_HASH_BYTES) != 0)
            bad(res, seq, "differs from the anchor (history rewritten)");
    }
}

/* Walk the chain from the entry after from (NULL: from the first, chained
 * to zeros), checking every entry and, on the way, anchor. */
static int walk_chain(store *s, const audit_anchor *from, const audit_anchor *anchor,
                      audit_result *res, audit_progress_fn progress, void *arg,
                      cc_err *err)
{
    sqlite3_stmt *st;
    uint8_t prev[AUDIT_HASH_BYTES] = {0};
    int64_t start = from ? from->seq : 0, expect = start + 1,
            total = count_entries(s, start);
    int seen = anchor && from && anchor->seq <= start,
        rc = sqlite3_prepare_v2(s->db,
                                "SELECT seq, at, staff_id, action, object, "
                                "details, prev_hash, hash FROM audit WHERE seq > ?1 "
                                "ORDER BY seq",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit log", err);
    if (from)
        memcpy(prev, from->hash, AUDIT_HASH_BYTES);
    sqlite3_bind_int64(st, 1, start);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !res->first_bad) {
        if (check_row(s, st, expect, prev, res))
            break;
        check_anchor(anchor, expect, prev, &seen, res);
        res->entries = expect++ - start;
        if (progress && res->entries % 4096 == 0 && progress(arg, res->entries, total))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the audit log", err);
    if (anchor && !seen && !res->first_bad)
        bad(res, anchor->seq, "is gone: the log was cut short before the anchor");
    return CC_OK;
}

/* The entry from->seq is still there, still hashes to from->hash over its
 * own contents and the hash it names before it: the point an incremental
 * verification starts from is itself intact. 0 yes, 1 no (res says why). */
static int check_start(store *s, const audit_anchor *from, const audit_anchor *anchor,
                       audit_result *res, cc_err *err)
{
    sqlite3_stmt *st;
    uint8_t prev[AUDIT_HASH_BYTES];
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT seq, at, staff_id, action, object, details, "
                                "prev_hash, hash FROM audit WHERE seq = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit log", err);
    sqlite3_bind_int64(st, 1, from->seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 6) == AUDIT_HASH_BYTES)
            memcpy(prev, sqlite3_column_blob(st, 6), AUDIT_HASH_BYTES);
        else
            memset(prev, 0, sizeof prev);
        if (!check_row(s, st, from->seq, prev, res) &&
            sodium_memcmp(prev, from->hash, AUDIT_HASH_BYTES) != 0)
            bad(res, from->seq,
                "differs from the point last verified (history "
                "rewritten)");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the audit log", err);
    if (rc == SQLITE_DONE)
        bad(res, from->seq,
            "is gone: the log was cut short before the point last "
            "verified");
    if (!res->first_bad && anchor && anchor->seq <= from->seq) {
        char why[160];
        int r = audit_anchor_holds(s, anchor, why, sizeof why, err);
        if (r > 1)
            return r;
        if (r == 1)
            bad(res, anchor->seq, "differs from the anchor (history rewritten)");
    }
    return CC_OK;
}

int audit_verify_from(store *s, const audit_anchor *from, const audit_anchor *anchor,
                      audit_result *res, audit_progress_fn progress, void *arg,
                      cc_err *err)
{
    memset(res, 0, sizeof *res);
    if (load_key(s, err) != CC_OK)
        return err->code;
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL); /* one snapshot */
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit log", err);
    res->from = from ? from->seq : 0;
    rc = from ? check_start(s, from, anchor, res, err) : CC_OK;
    if (rc == CC_OK && !res->first_bad)
        rc = walk_chain(s, from, anchor, res, progress, arg, err);
    if (rc == CC_OK)
        rc = audit_head(s, &res->head, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int audit_verify(store *s, const audit_anchor *anchor, audit_result *res,
                 audit_progress_fn progress, void *arg, cc_err *err)
{
    return audit_verify_from(s, NULL, anchor, res, progress, arg, err);
}

#define VERIFIED_KEY "audit_verified"

int audit_verified_get(store *s, audit_anchor *a, char at[32], cc_err *err)
{
    char v[160], hex[AUDIT_HASH_BYTES * 2 + 2], when[32] = "";
    long long seq;
    size_t n;
    at[0] = '\0';
    if (store_meta_get(s, VERIFIED_KEY, v, sizeof v, err) != CC_OK)
        return -1;
    if (!v[0])
        return 0;
    if (sscanf(v, "%lld %65s %31s", &seq, hex, when) < 2 || seq < 1 ||
        sodium_hex2bin(a->hash, AUDIT_HASH_BYTES, hex, strlen(hex), NULL, &n, NULL) !=
            0 ||
        n != AUDIT_HASH_BYTES) {
        cc_err_set(err, CC_EDATA, "the point last verified (meta %s) is damaged",
                   VERIFIED_KEY);
        return -1;
    }
    a->seq = seq;
    snprintf(at, 32, "%s", when);
    return 1;
}

int audit_verified_record_in(store *s, const audit_anchor *a, int incremental,
                             cc_err *err)
{
    char hex[AUDIT_HASH_BYTES * 2 + 1], v[160], when[21], object[40];
    if (a->seq < 1)
        return CC_OK;
    sodium_bin2hex(hex, sizeof hex, a->hash, AUDIT_HASH_BYTES);
    clock_format_iso(clock_now(), when);
    snprintf(v, sizeof v, "%lld %s %s", (long long)a->seq, hex, when);
    snprintf(object, sizeof object, "audit:%lld", (long long)a->seq);
    if (store_meta_set(s, VERIFIED_KEY, v, err) != CC_OK)
        return err->code;
    return audit_append(s, s->actor, "audit.verify", object,
                        incremental ? "intact (incremental)" : "intact", err);
}

int audit_verified_record(store *s, const audit_anchor *a, int incremental, cc_err *err)
{
    if (a->seq < 1)
        return CC_OK;
    if (store_begin(s, err) != CC_OK)
        return err->code;
    if (audit_verified_record_in(s, a, incremental, err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    return store_commit(s, err);
}

void audit_anchor_format(const audit_anchor *a, char *out, size_t outsz)
{
    char hex[AUDIT_HASH_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, a->hash, AUDIT_HASH_BYTES);
    snprintf(out, outsz, "carecoord-audit-anchor 1 %lld %s\n", (long long)a->seq, hex);
}

int audit_anchor_parse(const char *text, audit_anchor *out)
{
    char hex[AUDIT_HASH_BYTES * 2 + 2];
    long long seq;
    size_t n;
    if (sscanf(text, "carecoord-audit-anchor 1 %lld %65s", &seq, hex) != 2 || seq < 1)
        return -1;
    if (sodium_hex2bin(out->hash, AUDIT_HASH_BYTES, hex, strlen(hex), NULL, &n, NULL) !=
            0 ||
        n != AUDIT_HASH_BYTES)
        return -1;
    out->seq = seq;
    return 0;
}

/* ---- anchoring outside the database ------------------------------------ */

static char anchor_path[4096];
static int anchor_interval_s = 15 * 60;

void audit_anchor_configure(const char *file, int interval_s)
{
    snprintf(anchor_path, sizeof anchor_path, "%s", file ? file : "");
    anchor_interval_s = interval_s;
}

const char *audit_anchor_file(void)
{
    return anchor_path[0] ? anchor_path : NULL;
}

void audit_anchor_syslog_format(const char *db_path, const audit_anchor *a, char *out,
                                size_t outsz)
{
    char hex[AUDIT_HASH_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, a->hash, AUDIT_HASH_BYTES);
    snprintf(out, outsz, "audit anchor seq=%lld hash=%s db=%s", (long long)a->seq, hex,
             db_path);
}

void audit_anchor_line_format(const char *db_path, const audit_anchor *a, int64_t at,
                              char *out, size_t outsz)
{
    char head[160], when[21];
    audit_anchor_format(a, head, sizeof head);
    head[strcspn(head, "\n")] = '\0';
    clock_format_iso(at, when);
    snprintf(out, outsz, "%s %s %s\n", head, when, db_path);
}

static int append_line(const char *file, const char *line)
{
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    size_t n = strlen(line);
    ssize_t w =
        write(fd, line, n); /* one write: lines of concurrent writers stay whole */
    int ok = w == (ssize_t)n && fsync(fd) == 0;
    close(fd);
    return ok ? 0 : -1;
}

int audit_anchor_record(const char *db_path, const audit_anchor *a, cc_err *err)
{
    char msg[4400];
    audit_anchor_syslog_format(db_path, a, msg, sizeof msg);
    openlog("carecoord", LOG_PID, LOG_AUTHPRIV);
    syslog(LOG_NOTICE, "%s", msg);
    int rc = CC_OK;
    if (anchor_path[0]) {
        audit_anchor_line_format(db_path, a, clock_now(), msg, sizeof msg);
        if (append_line(anchor_path, msg) != 0) {
            int e = errno;
            syslog(LOG_ERR, "cannot append the audit anchor to %s: %s", anchor_path,
                   strerror(e));
            errno = e;
            rc = cc_err_set(err, CC_EDATA, "cannot append the audit anchor to %s: %s",
                            anchor_path, strerror(errno));
        }
    }
    closelog();
    return rc;
}

int audit_anchor_now(store *s, cc_err *err)
{
    audit_anchor head;
    if (!s || !s->db || s->no_anchor)
        return CC_OK;
    s->last_anchor_ms = clock_mono_ms();
    if (audit_head(s, &head, err) != CC_OK)
        return err->code;
    return head.seq > 0 ? audit_anchor_record(s->path, &head, err) : CC_OK;
}

void audit_anchor_maybe(store *s)
{
    cc_err err = {0};
    if (anchor_interval_s < 0 || s->no_anchor ||
        clock_mono_ms() - s->last_anchor_ms < (int64_t)anchor_interval_s * 1000)
        return;
    audit_anchor_now(s, &err);
}

void audit_anchor_disable(store *s)
{
    s->no_anchor = 1;
}

/* One anchor-file line: 1 if it is an anchor of db_path. */
static int parse_line(const char *line, const char *db_path, audit_anchor *a,
                      char at[32])
{
    char hex[AUDIT_HASH_BYTES * 2 + 2], when[32];
    long long seq;
    int end = 0;
    if (sscanf(line, "carecoord-audit-anchor 1 %lld %65s %31s %n", &seq, hex, when,
               &end) != 3 ||
        !end)
        return 0;
    const char *path = line + end;
    size_t n = strcspn(path, "\n");
    if (n != strlen(db_path) || strncmp(path, db_path, n) != 0)
        return 0;
    if (audit_anchor_parse(line, a) != 0)
        return 0;
    snprintf(at, 32, "%s", when);
    return 1;
}

#define ANCHOR_TAIL (256 * 1024)

int audit_anchor_newest(const char *file, const char *db_path, audit_anchor *a,
                        char at[32])
{
    FILE *f = fopen(file, "r");
    char line[4400];
    int found = 0;
    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > ANCHOR_TAIL) {
        fseek(f, -ANCHOR_TAIL, SEEK_END);
        if (!fgets(line, sizeof line, f)) /* a partial first line */
            line[0] = '\0';
    } else {
        rewind(f);
    }
    while (fgets(line, sizeof line, f))
        if (parse_line(line, db_path, a, at))
            found = 1;
    fclose(f);
    return found;
}

int audit_entry_time(store *s, int64_t seq, char at[32], cc_err *err)
{
    sqlite3_stmt *st;
    at[0] = '\0';
    int rc =
        sqlite3_prepare_v2(s->db, "SELECT at FROM audit WHERE seq = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit log", err);
    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(at, 32, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return store_step_ok(s, rc, "reading the audit log", err);
}

int audit_anchor_holds(store *s, const audit_anchor *a, char *why, size_t whysz,
                       cc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT hash FROM audit WHERE seq = ?1", -1, &st,
                                NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "reading the audit log", err);
    sqlite3_bind_int64(st, 1, a->seq);
    rc = sqlite3_step(st);
    int held =
        rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == AUDIT_HASH_BYTES &&
        sodium_memcmp(sqlite3_column_blob(st, 0), a->hash, AUDIT_HASH_BYTES) == 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading the audit log", err);
    if (!held)
        snprintf(why, whysz,
                 rc == SQLITE_ROW
                     ? "entry %lld differs from its anchor (history rewritten)"
                     : "entry %lld is gone: the log was cut short or rolled back "
                       "before its anchor",
                 (long long)a->seq);
    return held ? 0 : 1;
}

int audit_anchor_check(store *s, cc_err *err)
{
    audit_anchor a;
    char at[32], why[160];
    if (!anchor_path[0] || audit_anchor_newest(anchor_path, s->path, &a, at) != 1)
        return CC_OK;
    int r = audit_anchor_holds(s, &a, why, sizeof why, err);
    if (r == 0)
        return CC_OK;
    s->no_anchor = 1;
    if (r > 1)
        return r;
    syslog(LOG_AUTHPRIV | LOG_ALERT, "audit log of %s behind its anchor: %s", s->path,
           why);
    return cc_err_set(
        err, CC_EDATA,
        "the audit log of %s no longer holds its anchor of %s in %s: %s; "
        "committed work is missing (see 'carecoord check', 'audit verify'; "
        "'restore' a backup)",
        s->path, at, anchor_path, why);
}
