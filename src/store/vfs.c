/*
 * vfs.c — the encrypted VFS: seals database, journal and WAL pages with
 * libsodium's XChaCha20-Poly1305 and keeps temporary files in memory.
 *
 * SQLite talks to files through this shim exactly as it would to the unix
 * VFS; the shim recognises which bytes of each write are page images (by the
 * fixed layouts of the three file kinds) and seals them, and passes headers
 * through untouched. Anything it does not recognise is refused (fail closed).
 * Reads authenticate every page and hand SQLite the plaintext with the
 * reserved bytes zeroed, exactly as SQLite wrote them, so its own WAL and
 * journal checksums keep working after a crash.
 *
 * A WAL frame whose page image is authentic but belongs to an older WAL
 * generation (the tail a crash leaves behind) is returned as is during WAL
 * recovery so that SQLite's checksum ends the log there, as it would without
 * encryption; anywhere else a mismatch is reported as tampering.
 */
#include "vfs.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

enum file_kind { KIND_MAIN = 1, KIND_JOURNAL = 2, KIND_WAL = 3, KIND_MEM = 4 };

#define PAGE      VFS_PAGE_SIZE
#define NONCE     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG       crypto_aead_xchacha20poly1305_ietf_ABYTES
#define RES_OFF   (PAGE - VFS_RESERVE)
#define CLEAR_HDR 24 /* page 1: db id (0..15) + SQLite geometry (16..23) */
#define WAL_HDR   32
#define FRAME_HDR 24
#define FRAME     (FRAME_HDR + PAGE)
#define AD_BYTES  (VFS_DBID_BYTES + 1 + 4 + 4 + 8)
#define MAX_IDS   2

static const char sqlite_magic[16] = "SQLite format 3";

/* ---- nonces ------------------------------------------------------------
 * A random 16-byte prefix per process and a 64-bit counter: unique without a
 * getrandom() call per page. A forked child draws a fresh prefix before it
 * runs, so parent and child never share a nonce. */

static uint8_t nonce_prefix[NONCE - 8];
static uint64_t nonce_ctr;
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_reseed(void)
{
    randombytes_buf(nonce_prefix, sizeof nonce_prefix);
    __atomic_store_n(&nonce_ctr, 0, __ATOMIC_RELAXED);
}

static void nonce_init(void)
{
    nonce_reseed();
    pthread_atfork(NULL, NULL, nonce_reseed);
}

static void nonce_next(uint8_t out[NONCE])
{
    pthread_once(&nonce_once, nonce_init);
    uint64_t n = __atomic_fetch_add(&nonce_ctr, 1, __ATOMIC_RELAXED);
    memcpy(out, nonce_prefix, sizeof nonce_prefix);
    for (int i = 0; i < 8; i++)
        out[NONCE - 8 + i] = (uint8_t)(n >> (56 - 8 * i));
}

/* ---- key registry ------------------------------------------------------ */

typedef struct ring {
    struct ring *next;
    char *path;
    int refs;     /* one for being attached, one per open file */
    int attached; /* still attached by the store */
    int n;        /* number of ids */
    int active;   /* index of the id the main file uses, -1 before open */
    uint8_t ids[MAX_IDS][VFS_DBID_BYTES];
    uint8_t *keys; /* sodium_malloc: n * VFS_KEY_BYTES */
} ring;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static ring *reg_head;
static sqlite3_vfs *base_vfs;
static _Thread_local char last_error[512];
static _Thread_local unsigned error_seq; /* set_error calls, to tell who failed */

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
    va_list ap;
    error_seq++;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    sqlite3_log(SQLITE_IOERR, "carecoord vfs: %s", last_error);
}

const char *vfs_last_error(void)
{
    return last_error;
}

void vfs_clear_error(void)
{
    last_error[0] = '\0';
}

/* Called with reg_lock held. */
static ring *ring_find(const char *path)
{
    for (ring *r = reg_head; r; r = r->next)
        if (r->attached && strcmp(r->path, path) == 0)
            return r;
    return NULL;
}

/* Called with reg_lock held. */
static void ring_release(ring *r)
{
    if (--r->refs > 0)
        return;
    for (ring **p = &reg_head; *p; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            break;
        }
    }
    sodium_free(r->keys);
    free(r->path);
    free(r);
}

int vfs_full_path(const char *path, char *out, int outsz)
{
    if (!base_vfs)
        return SQLITE_MISUSE;
    return base_vfs->xFullPathname(base_vfs, path, outsz, out);
}

static ring *ring_new(const char *full)
{
    ring *r = cc_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->path = cc_strdup(full);
    r->keys = cc_malloc_with(sodium_malloc, MAX_IDS * VFS_KEY_BYTES);
    if (!r->path || !r->keys) {
        sodium_free(r->keys);
        free(r->path);
        free(r);
        return NULL;
    }
    r->refs = 1;
    r->attached = 1;
    r->active = -1;
    r->next = reg_head;
    reg_head = r;
    return r;
}

int vfs_key_attach(const char *path, const uint8_t db_id[VFS_DBID_BYTES],
                   const uint8_t key[VFS_KEY_BYTES])
{
    char full[4096];
    if (vfs_full_path(path, full, sizeof full) != SQLITE_OK)
        return SQLITE_CANTOPEN;
    int rc = SQLITE_OK;
    pthread_mutex_lock(&reg_lock);
    ring *r = ring_find(full);
    if (!r)
        r = ring_new(full);
    if (!r) {
        rc = SQLITE_NOMEM;
    } else if (r->n >= MAX_IDS) {
        rc = SQLITE_FULL;
    } else {
        memcpy(r->ids[r->n], db_id, VFS_DBID_BYTES);
        memcpy(r->keys + r->n * VFS_KEY_BYTES, key, VFS_KEY_BYTES);
        r->n++;
    }
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

void vfs_key_detach(const char *path)
{
    char full[4096];
    if (vfs_full_path(path, full, sizeof full) != SQLITE_OK)
        return;
    pthread_mutex_lock(&reg_lock);
    ring *r = ring_find(full);
    if (r) {
        r->attached = 0;
        ring_release(r);
    }
    pthread_mutex_unlock(&reg_lock);
}

const uint8_t *vfs_active_id(const char *path)
{
    char full[4096];
    const uint8_t *id = NULL;
    if (vfs_full_path(path, full, sizeof full) != SQLITE_OK)
        return NULL;
    pthread_mutex_lock(&reg_lock);
    ring *r = ring_find(full);
    if (r && r->active >= 0)
        id = r->ids[r->active];
    pthread_mutex_unlock(&reg_lock);
    return id;
}

/* ---- the sealed page --------------------------------------------------- */

typedef struct cc_file {
    sqlite3_file base;
    sqlite3_file *real;
    int kind;
    const char *name;
    ring *ring;
    const uint8_t *db_id;
    const uint8_t *key;
    sqlite3_int64 hdr_off; /* WAL: offset of the last frame header written */
    uint8_t hdr[FRAME_HDR];
    int rewriting;                     /* WAL: SQLite is rewriting frame headers */
    sqlite3_int64 sealed_off;          /* WAL: frame just read while rewriting, or -1 */
    uint32_t sealed_pgno, sealed_salt; /* what its page is sealed under */
    sqlite3_int64 pgno_off; /* journal: offset of the last page number written */
    uint32_t pgno_val;
} cc_file;

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {"", "database", "journal", "WAL", "temp"};
    return names[kind];
}

static void make_ad(uint8_t ad[AD_BYTES], const cc_file *f, uint32_t pgno,
                    uint32_t salt, const uint8_t *geometry)
{
    memcpy(ad, f->db_id, VFS_DBID_BYTES);
    ad[VFS_DBID_BYTES] = (uint8_t)f->kind;
    put_be32(ad + VFS_DBID_BYTES + 1, pgno);
    put_be32(ad + VFS_DBID_BYTES + 5, salt);
    if (geometry)
        memcpy(ad + VFS_DBID_BYTES + 9, geometry, 8);
    else
        memset(ad + VFS_DBID_BYTES + 9, 0, 8);
}

/* Refuse page 1 images whose geometry the VFS cannot protect. */
static int check_page1(const cc_file *f, const uint8_t *plain)
{
    if (memcmp(plain, sqlite_magic, 16) != 0 || plain[16] != (PAGE >> 8) ||
        plain[17] != (PAGE & 0xff) || plain[20] != VFS_RESERVE) {
        set_error("%s: refusing to write page 1 without page size %d and %d reserved "
                  "bytes",
                  f->name, PAGE, VFS_RESERVE);
        return SQLITE_IOERR_WRITE;
    }
    return SQLITE_OK;
}

/* Seal one page image plain (page pgno) into out. */
static int page_seal(const cc_file *f, uint32_t pgno, uint32_t salt,
                     const uint8_t *plain, uint8_t *out)
{
    uint8_t ad[AD_BYTES];
    size_t start = 0;
    uint8_t *res = out + RES_OFF;

    if (pgno == 1) {
        int rc = check_page1(f, plain);
        if (rc != SQLITE_OK)
            return rc;
        memcpy(out, f->db_id, VFS_DBID_BYTES);
        memcpy(out + 16, plain + 16, 8);
        start = CLEAR_HDR;
    }
    nonce_next(res);
    put_be32(res + NONCE + TAG, pgno);
    put_be32(res + NONCE + TAG + 4, salt);
    make_ad(ad, f, pgno, salt, pgno == 1 ? plain + 16 : NULL);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
        out + start, res + NONCE, NULL, plain + start, RES_OFF - start, ad, sizeof ad,
        NULL, res, f->key);
    return SQLITE_OK;
}

/* Open a sealed page image raw into out; report the page number and salt
 * it carries. Returns 0 if authentic. */
static int page_open(const cc_file *f, const uint8_t *raw, uint8_t *out, uint32_t *pgno,
                     uint32_t *salt)
{
    uint8_t ad[AD_BYTES];
    const uint8_t *res = raw + RES_OFF;
    size_t start = 0;

    *pgno = get_be32(res + NONCE + TAG);
    *salt = get_be32(res + NONCE + TAG + 4);
    if (*pgno == 0)
        return -1;
    if (*pgno == 1) {
        if (memcmp(raw, f->db_id, VFS_DBID_BYTES) != 0)
            return -1;
        start = CLEAR_HDR;
    }
    make_ad(ad, f, *pgno, *salt, *pgno == 1 ? raw + 16 : NULL);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
            out + start, NULL, raw + start, RES_OFF - start, res + NONCE, ad, sizeof ad,
            res, f->key) != 0)
        return -1;
    if (*pgno == 1) {
        memcpy(out, sqlite_magic, 16);
        memmove(out + 16, raw + 16, 8);
    }
    memset(out + RES_OFF, 0, VFS_RESERVE);
    return 0;
}

static int is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static int auth_failed(const cc_file *f, sqlite3_int64 off, uint32_t pgno,
                       const char *why)
{
    set_error("%s %s: page %u at offset %lld %s (damaged or tampered)",
              kind_name(f->kind), f->name, pgno, (long long)off, why);
    return SQLITE_IOERR_DATA;
}

/* Read n raw bytes; a read past the end yields zeros and *eof = 1. A page
 * that is only partly there is damage. */
static int raw_read(cc_file *f, void *buf, int n, sqlite3_int64 off, int *eof)
{
    int rc = f->real->pMethods->xRead(f->real, buf, n, off);
    *eof = 0;
    if (rc == SQLITE_IOERR_SHORT_READ) {
        if (!is_zero(buf, (size_t)n)) {
            set_error("%s %s: truncated page at offset %lld (damaged)",
                      kind_name(f->kind), f->name, (long long)off);
            return SQLITE_IOERR_DATA;
        }
        *eof = 1;
        return SQLITE_OK;
    }
    return rc;
}

/* ---- main database ----------------------------------------------------- */

static int main_read_page(cc_file *f, uint8_t *out, sqlite3_int64 page_off, int *eof)
{
    uint8_t raw[PAGE];
    uint32_t pgno = (uint32_t)(page_off / PAGE) + 1, got, salt;
    int rc = raw_read(f, raw, PAGE, page_off, eof);
    if (rc != SQLITE_OK || *eof) {
        if (*eof)
            memset(out, 0, PAGE);
        return rc;
    }
    if (page_open(f, raw, out, &got, &salt) != 0)
        return auth_failed(f, page_off, pgno, "failed authentication");
    if (got != pgno)
        return auth_failed(f, page_off, pgno, "holds another page's content");
    return SQLITE_OK;
}

static int main_read(cc_file *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
    int short_read = 0;
    while (amt > 0) {
        sqlite3_int64 page_off = off - off % PAGE;
        int skip = (int)(off - page_off), n = PAGE - skip, eof, rc;
        if (n > amt)
            n = amt;
        if (skip == 0 && n == PAGE) {
            rc = main_read_page(f, buf, page_off, &eof);
        } else {
            uint8_t page[PAGE];
            rc = main_read_page(f, page, page_off, &eof);
            memcpy(buf, page + skip, (size_t)n);
            sodium_memzero(page, sizeof page);
        }
        if (rc != SQLITE_OK)
            return rc;
        short_read |= eof;
        buf += n;
        off += n;
        amt -= n;
    }
    return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

static int main_write(cc_file *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
    uint8_t raw[PAGE];
    if (amt != PAGE || off % PAGE != 0) {
        set_error("database %s: refusing a partial page write (%d bytes at %lld)",
                  f->name, amt, (long long)off);
        return SQLITE_IOERR_WRITE;
    }
    int rc = page_seal(f, (uint32_t)(off / PAGE) + 1, 0, buf, raw);
    if (rc == SQLITE_OK)
        rc = f->real->pMethods->xWrite(f->real, raw, PAGE, off);
    return rc;
}

/* ---- WAL ---------------------------------------------------------------
 *
 * A WAL is a 32-byte header (salt-1 at offset 16, salt-2 at 20) and frames:
 * a 24-byte header (page number, commit size, salt-1, salt-2, two
 * checksums) followed by a page. Every page image is sealed under the page
 * number in its frame header and the WAL header's salt-1: the salt its frame
 * header carries once SQLite is done with the frame.
 *
 * SQLite writes a frame as its header, then its page. A transaction larger
 * than the page cache spills pages before its commit, and a spilled page
 * that changes again is written again in its frame, the page alone (sealed
 * afresh, with the same page number and salt). Frames appended after that
 * get "pending" headers: salts and checksums zero. At the commit SQLite reads
 * the checksum before the first rewritten frame (8 bytes at offset 24 of the
 * WAL header, or at offset 16 of a frame header), reads every frame from
 * there on again and writes its header with the real salts and checksums
 * (walRewriteChecksums in SQLite's wal.c). That 8-byte read puts the file in
 * "rewriting" mode: a frame read then is authenticated strictly (no torn
 * tail is possible inside a live transaction), and the header written back
 * over it must name the page number and salt its page is sealed under.
 */

/* Salts and checksums zero: written while SQLite owes checksums. */
static int hdr_pending(const uint8_t *hdr)
{
    return is_zero(hdr + 8, 16);
}

/* The salt the page of a frame with header hdr is sealed under. */
static int frame_salt(cc_file *f, const uint8_t *hdr, uint32_t *salt)
{
    uint8_t b[4];
    if (!hdr_pending(hdr)) {
        *salt = get_be32(hdr + 8);
        return SQLITE_OK;
    }
    int rc = f->real->pMethods->xRead(f->real, b, 4, 16);
    if (rc != SQLITE_OK) {
        set_error("WAL %s: cannot read the WAL header's salt", f->name);
        return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_READ : rc;
    }
    *salt = get_be32(b);
    return SQLITE_OK;
}

/* True if an authentic commit frame of the current WAL generation (its
 * header carries the WAL header's salts) follows the frame at frame_off:
 * then that frame cannot be the torn remains of a transaction that never
 * committed. Frames that are not commits prove nothing: a transaction that
 * spilled rewrites its earlier frames while later ones are on disk. */
static int later_commit_valid(cc_file *f, sqlite3_int64 frame_off)
{
    uint8_t hdr[WAL_HDR], frame[FRAME], page[PAGE];
    sqlite3_int64 size = 0;
    uint32_t got, salt;
    int valid = 0;
    if (f->real->pMethods->xRead(f->real, hdr, WAL_HDR, 0) != SQLITE_OK ||
        f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
        return 1; /* cannot tell: fail closed */
    for (sqlite3_int64 off = frame_off + FRAME; !valid && off + FRAME <= size;
         off += FRAME) {
        if (f->real->pMethods->xRead(f->real, frame, FRAME, off) != SQLITE_OK)
            break;
        if (memcmp(frame + 8, hdr + 16, 8) != 0 || get_be32(frame + 4) == 0)
            continue; /* an older generation's leftover, or not a commit */
        valid = page_open(f, frame + FRAME_HDR, page, &got, &salt) == 0 &&
                got == get_be32(frame) && salt == get_be32(frame + 8);
    }
    sodium_memzero(page, sizeof page);
    return valid;
}

/* Decrypt the page image of a raw frame (header + page) at off into out. In
 * recovery (lenient) a torn or stale image is passed on for SQLite's own
 * checks to reject; otherwise it is tampering. */
static int wal_open_frame(cc_file *f, const uint8_t *frame, uint8_t *out,
                          sqlite3_int64 off, int lenient)
{
    uint32_t hdr_pgno = get_be32(frame), got, salt, want;
    if (page_open(f, frame + FRAME_HDR, out, &got, &salt) != 0) {
        /* A crash can tear a page write that spans two kernel pages; such a
         * frame is in a transaction that never committed. In recovery it is
         * handed over undecrypted, so SQLite's checksum ends the log there
         * as it would without encryption, unless a commit follows it. */
        if (!lenient || later_commit_valid(f, off))
            return auth_failed(f, off, hdr_pgno, "failed authentication");
        memcpy(out, frame + FRAME_HDR, PAGE);
        sqlite3_log(SQLITE_NOTICE, "carecoord vfs: %s: torn frame at %lld ends the log",
                    f->name, (long long)off);
        return SQLITE_OK;
    }
    if (lenient)
        return SQLITE_OK;
    int rc = frame_salt(f, frame, &want);
    if (rc == SQLITE_OK && (got != hdr_pgno || salt != want))
        rc = auth_failed(f, off, hdr_pgno, "does not belong to its frame");
    if (rc != SQLITE_OK) {
        sodium_memzero(out, PAGE);
        return rc;
    }
    if (f->rewriting) {
        f->sealed_off = off;
        f->sealed_pgno = got;
        f->sealed_salt = salt;
    }
    return SQLITE_OK;
}

/* Bytes of the WAL header or of a frame header are clear. An 8-byte read of
 * a checksum (at 24, or at 16 within a frame header) starts SQLite's rewrite
 * of frame headers; reading the whole WAL header starts a recovery. */
static int wal_read_clear(cc_file *f, uint8_t *buf, int amt, sqlite3_int64 off,
                          int at_cksum)
{
    if (amt == 8 && at_cksum)
        f->rewriting = 1;
    else if (off == 0 && amt == WAL_HDR)
        f->rewriting = 0;
    return f->real->pMethods->xRead(f->real, buf, amt, off);
}

/* A whole frame (header + page) or a page alone, authenticated. */
static int wal_read_frame(cc_file *f, uint8_t *buf, int amt, sqlite3_int64 off,
                          sqlite3_int64 within)
{
    uint8_t frame[FRAME];
    sqlite3_int64 frame_off = off - within;
    int eof, rc = raw_read(f, frame, FRAME, frame_off, &eof);
    if (rc != SQLITE_OK)
        return rc;
    if (eof) {
        memset(buf, 0, (size_t)amt);
        return SQLITE_IOERR_SHORT_READ;
    }
    if (within == FRAME_HDR)
        return wal_open_frame(f, frame, buf, frame_off, 0);
    memcpy(buf, frame, FRAME_HDR);
    return wal_open_frame(f, frame, buf + FRAME_HDR, frame_off, !f->rewriting);
}

static int wal_read(cc_file *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
    f->sealed_off = -1;
    if (off + amt <= WAL_HDR)
        return wal_read_clear(f, buf, amt, off, off == 24);
    sqlite3_int64 within = off >= WAL_HDR ? (off - WAL_HDR) % FRAME : -1;
    if (within >= 0 && within + amt <= FRAME_HDR)
        return wal_read_clear(f, buf, amt, off, within == 16);
    if ((within == 0 && amt == FRAME) || (within == FRAME_HDR && amt == PAGE))
        return wal_read_frame(f, buf, amt, off, within);
    set_error("WAL %s: unexpected read of %d bytes at %lld", f->name, amt,
              (long long)off);
    return SQLITE_IOERR_READ;
}

/* Seal a page under the page number and salt of its frame's header: the one
 * just written, or (a page written again) the one on disk. */
static int wal_write_page(cc_file *f, const uint8_t *page, sqlite3_int64 off)
{
    uint8_t hdr[FRAME_HDR], raw[PAGE];
    uint32_t salt;
    int rc = SQLITE_OK;
    f->rewriting = 0;
    if (f->hdr_off == off - FRAME_HDR)
        memcpy(hdr, f->hdr, FRAME_HDR);
    else
        rc = f->real->pMethods->xRead(f->real, hdr, FRAME_HDR, off - FRAME_HDR);
    if (rc == SQLITE_IOERR_SHORT_READ || (rc == SQLITE_OK && get_be32(hdr) == 0)) {
        set_error("WAL %s: refusing a page at %lld without its frame header", f->name,
                  (long long)off);
        return SQLITE_IOERR_WRITE;
    }
    if (rc == SQLITE_OK)
        rc = frame_salt(f, hdr, &salt);
    if (rc == SQLITE_OK)
        rc = page_seal(f, get_be32(hdr), salt, page, raw);
    if (rc == SQLITE_OK)
        rc = f->real->pMethods->xWrite(f->real, raw, PAGE, off);
    return rc;
}

/* A frame header. Written over a frame just read while rewriting, it must
 * name the page number and salt that frame's page is sealed under (a pending
 * header stands for the WAL header's salt, which that page was checked
 * against), or the page would no longer belong to its frame. */
static int wal_write_frame_hdr(cc_file *f, const uint8_t *buf, sqlite3_int64 off,
                               sqlite3_int64 sealed_off)
{
    if (off == sealed_off &&
        (get_be32(buf) != f->sealed_pgno ||
         (!hdr_pending(buf) && get_be32(buf + 8) != f->sealed_salt))) {
        set_error("WAL %s: refusing a frame header at %lld for page %u, salt %08x: its "
                  "page is sealed as page %u, salt %08x",
                  f->name, (long long)off, get_be32(buf), get_be32(buf + 8),
                  f->sealed_pgno, f->sealed_salt);
        return SQLITE_IOERR_WRITE;
    }
    memcpy(f->hdr, buf, FRAME_HDR);
    f->hdr_off = off;
    return f->real->pMethods->xWrite(f->real, buf, FRAME_HDR, off);
}

static int wal_write(cc_file *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
    sqlite3_int64 sealed_off = f->sealed_off;
    f->sealed_off = -1;
    if (off == 0 && amt == WAL_HDR) {
        if (get_be32(buf + 8) != PAGE) {
            set_error("WAL %s: refusing page size %u", f->name, get_be32(buf + 8));
            return SQLITE_IOERR_WRITE;
        }
        f->rewriting = 0;
        return f->real->pMethods->xWrite(f->real, buf, amt, off);
    }
    if (off >= WAL_HDR) {
        sqlite3_int64 within = (off - WAL_HDR) % FRAME;
        if (within == 0 && amt == FRAME_HDR)
            return wal_write_frame_hdr(f, buf, off, sealed_off);
        if (within == FRAME_HDR && amt == PAGE)
            return wal_write_page(f, buf, off);
    }
    set_error("WAL %s: refusing an unexpected write (%d bytes at %lld)", f->name, amt,
              (long long)off);
    return SQLITE_IOERR_WRITE;
}

/* ---- rollback journal -------------------------------------------------- */

/* Page images sit 4 bytes after their page number, never on a 512-byte
 * boundary; headers always start on one. */
static int journal_is_page(int amt, sqlite3_int64 off)
{
    return amt == PAGE && off % 512 != 0 && off >= 4;
}

static int journal_read(cc_file *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
    uint8_t rec[4 + PAGE];
    uint32_t got, salt;
    int eof;
    if (!journal_is_page(amt, off))
        return f->real->pMethods->xRead(f->real, buf, amt, off);
    int rc = raw_read(f, rec, (int)sizeof rec, off - 4, &eof);
    if (rc != SQLITE_OK)
        return rc;
    if (eof) {
        memset(buf, 0, (size_t)amt);
        return SQLITE_IOERR_SHORT_READ;
    }
    if (page_open(f, rec + 4, buf, &got, &salt) != 0)
        return auth_failed(f, off, get_be32(rec), "failed authentication");
    if (got != get_be32(rec))
        return auth_failed(f, off, get_be32(rec), "does not belong to its record");
    return SQLITE_OK;
}

static int journal_write(cc_file *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
    if (journal_is_page(amt, off)) {
        uint8_t raw[PAGE], num[4];
        uint32_t pgno = f->pgno_val;
        if (f->pgno_off != off - 4) {
            int rc = f->real->pMethods->xRead(f->real, num, 4, off - 4);
            if (rc != SQLITE_OK)
                return SQLITE_IOERR_WRITE;
            pgno = get_be32(num);
        }
        int rc = page_seal(f, pgno, 0, buf, raw);
        if (rc == SQLITE_OK)
            rc = f->real->pMethods->xWrite(f->real, raw, PAGE, off);
        return rc;
    }
    if (amt == 4) {
        f->pgno_off = off;
        f->pgno_val = get_be32(buf);
        return f->real->pMethods->xWrite(f->real, buf, amt, off);
    }
    if (amt <= 8 || off % 512 == 0)
        return f->real->pMethods->xWrite(f->real, buf, amt, off);
    set_error("journal %s: refusing an unexpected write (%d bytes at %lld)", f->name,
              amt, (long long)off);
    return SQLITE_IOERR_WRITE;
}

/* ---- io methods for sealed files --------------------------------------- */

static int cc_close(sqlite3_file *pf)
{
    cc_file *f = (cc_file *)pf;
    int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    pthread_mutex_lock(&reg_lock);
    ring_release(f->ring);
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

/* A failure of the disk below (rc from the unix VFS, which the shim did not
 * explain itself since seq) named for the person: disk full as such. */
static int disk_failed(const cc_file *f, unsigned seq, int rc, const char *doing)
{
    if (rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ || error_seq != seq)
        return rc;
    if (rc == SQLITE_FULL)
        set_error("%s %s: disk full while %s", kind_name(f->kind), f->name, doing);
    else if ((rc & 0xff) == SQLITE_IOERR)
        set_error("%s %s: disk I/O error while %s", kind_name(f->kind), f->name, doing);
    return rc;
}

static int cc_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
    cc_file *f = (cc_file *)pf;
    unsigned seq = error_seq;
    int rc = f->kind == KIND_MAIN  ? main_read(f, buf, amt, off)
             : f->kind == KIND_WAL ? wal_read(f, buf, amt, off)
                                   : journal_read(f, buf, amt, off);
    return disk_failed(f, seq, rc, "reading");
}

static int cc_write(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off)
{
    cc_file *f = (cc_file *)pf;
    unsigned seq = error_seq;
    int rc = f->kind == KIND_MAIN  ? main_write(f, buf, amt, off)
             : f->kind == KIND_WAL ? wal_write(f, buf, amt, off)
                                   : journal_write(f, buf, amt, off);
    return disk_failed(f, seq, rc, "writing");
}

static int cc_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
    cc_file *f = (cc_file *)pf;
    unsigned seq = error_seq;
    f->rewriting = 0;
    f->sealed_off = -1;
    return disk_failed(f, seq, f->real->pMethods->xTruncate(f->real, size),
                       "truncating");
}

static int cc_sync(sqlite3_file *pf, int flags)
{
    cc_file *f = (cc_file *)pf;
    unsigned seq = error_seq;
    f->rewriting = 0;
    f->sealed_off = -1;
    return disk_failed(f, seq, f->real->pMethods->xSync(f->real, flags), "syncing");
}

static int cc_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int cc_lock(sqlite3_file *pf, int lock)
{
    cc_file *f = (cc_file *)pf;
    unsigned seq = error_seq;
    return disk_failed(f, seq, f->real->pMethods->xLock(f->real, lock), "locking");
}

static int cc_unlock(sqlite3_file *pf, int lock)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xUnlock(f->real, lock);
}

static int cc_check_reserved(sqlite3_file *pf, int *out)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

/* PRAGMA page_size may not change the fixed page size. */
static int pragma_guard(char **args)
{
    static const char msg[] = "the encrypted store's page size is fixed at 4096";
    if (sqlite3_stricmp(args[1], "page_size") == 0 && args[2] &&
        atoi(args[2]) != PAGE) {
        args[0] = sqlite3_malloc((int)sizeof msg);
        if (args[0])
            memcpy(args[0], msg, sizeof msg);
        return SQLITE_ERROR;
    }
    return SQLITE_NOTFOUND;
}

static int cc_file_control(sqlite3_file *pf, int op, void *arg)
{
    cc_file *f = (cc_file *)pf;
    if (op == SQLITE_FCNTL_PRAGMA) {
        int rc = pragma_guard(arg);
        if (rc != SQLITE_NOTFOUND)
            return rc;
    }
    if (op == SQLITE_FCNTL_MMAP_SIZE) {
        *(sqlite3_int64 *)arg = 0; /* never map: every read is decrypted */
        return SQLITE_OK;
    }
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int cc_sector_size(sqlite3_file *pf)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xSectorSize(f->real);
}

static int cc_device_characteristics(sqlite3_file *pf)
{
    cc_file *f = (cc_file *)pf;
    int dc = f->real->pMethods->xDeviceCharacteristics(f->real);
    dc &= ~(SQLITE_IOCAP_BATCH_ATOMIC | SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_ATOMIC512 |
            SQLITE_IOCAP_ATOMIC1K | SQLITE_IOCAP_ATOMIC2K | SQLITE_IOCAP_ATOMIC4K |
            SQLITE_IOCAP_ATOMIC8K | SQLITE_IOCAP_ATOMIC16K | SQLITE_IOCAP_ATOMIC32K |
            SQLITE_IOCAP_ATOMIC64K);
    return dc | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static int cc_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend,
                      void volatile **pp)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int cc_shm_lock(sqlite3_file *pf, int offset, int n, int flags)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void cc_shm_barrier(sqlite3_file *pf)
{
    cc_file *f = (cc_file *)pf;
    f->real->pMethods->xShmBarrier(f->real);
}

static int cc_shm_unmap(sqlite3_file *pf, int delete_flag)
{
    cc_file *f = (cc_file *)pf;
    return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

static int cc_fetch(sqlite3_file *pf, sqlite3_int64 off, int amt, void **pp)
{
    (void)pf, (void)off, (void)amt;
    *pp = NULL; /* no memory mapping: pages must be decrypted */
    return SQLITE_OK;
}

static int cc_unfetch(sqlite3_file *pf, sqlite3_int64 off, void *p)
{
    (void)pf, (void)off, (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods cc_io = {
    3,
    cc_close,
    cc_read,
    cc_write,
    cc_truncate,
    cc_sync,
    cc_file_size,
    cc_lock,
    cc_unlock,
    cc_check_reserved,
    cc_file_control,
    cc_sector_size,
    cc_device_characteristics,
    cc_shm_map,
    cc_shm_lock,
    cc_shm_barrier,
    cc_shm_unmap,
    cc_fetch,
    cc_unfetch,
};

/* ---- temporary files, kept in memory ----------------------------------- */

typedef struct mem_file {
    sqlite3_file base;
    uint8_t *data;
    sqlite3_int64 size, cap;
} mem_file;

static int mem_close(sqlite3_file *pf)
{
    mem_file *m = (mem_file *)pf;
    if (m->data) {
        sodium_memzero(m->data, (size_t)m->cap);
        free(m->data);
    }
    m->data = NULL;
    return SQLITE_OK;
}

static int mem_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
    mem_file *m = (mem_file *)pf;
    sqlite3_int64 have = off < m->size ? m->size - off : 0;
    if (have > amt)
        have = amt;
    if (have > 0)
        memcpy(buf, m->data + off, (size_t)have);
    if (have < amt) {
        memset((uint8_t *)buf + have, 0, (size_t)(amt - have));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int mem_grow(mem_file *m, sqlite3_int64 need)
{
    if (need <= m->cap)
        return SQLITE_OK;
    sqlite3_int64 cap = m->cap ? m->cap : 65536;
    while (cap < need)
        cap *= 2;
    uint8_t *p = cc_malloc((size_t)cap);
    if (!p)
        return SQLITE_IOERR_NOMEM;
    if (m->data) {
        memcpy(p, m->data, (size_t)m->size);
        sodium_memzero(m->data, (size_t)m->cap);
        free(m->data);
    }
    memset(p + m->size, 0, (size_t)(cap - m->size));
    m->data = p;
    m->cap = cap;
    return SQLITE_OK;
}

static int mem_write(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off)
{
    mem_file *m = (mem_file *)pf;
    int rc = mem_grow(m, off + amt);
    if (rc != SQLITE_OK)
        return rc;
    if (off > m->size)
        memset(m->data + m->size, 0, (size_t)(off - m->size));
    memcpy(m->data + off, buf, (size_t)amt);
    if (off + amt > m->size)
        m->size = off + amt;
    return SQLITE_OK;
}

static int mem_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
    mem_file *m = (mem_file *)pf;
    if (size < m->size)
        m->size = size;
    return SQLITE_OK;
}

static int mem_sync(sqlite3_file *pf, int flags)
{
    (void)pf, (void)flags;
    return SQLITE_OK;
}

static int mem_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
    *size = ((mem_file *)pf)->size;
    return SQLITE_OK;
}

static int mem_lock(sqlite3_file *pf, int lock)
{
    (void)pf, (void)lock;
    return SQLITE_OK;
}

static int mem_check_reserved(sqlite3_file *pf, int *out)
{
    (void)pf;
    *out = 0;
    return SQLITE_OK;
}

static int mem_file_control(sqlite3_file *pf, int op, void *arg)
{
    (void)pf, (void)op, (void)arg;
    return SQLITE_NOTFOUND;
}

static int mem_sector_size(sqlite3_file *pf)
{
    (void)pf;
    return 4096;
}

static int mem_device_characteristics(sqlite3_file *pf)
{
    (void)pf;
    return SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static const sqlite3_io_methods mem_io = {
    1,
    mem_close,
    mem_read,
    mem_write,
    mem_truncate,
    mem_sync,
    mem_file_size,
    mem_lock,
    mem_lock,
    mem_check_reserved,
    mem_file_control,
    mem_sector_size,
    mem_device_characteristics,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* ---- the VFS ----------------------------------------------------------- */

static int kind_of(int flags, const char *name)
{
    if (!name)
        return KIND_MEM;
    if (flags & SQLITE_OPEN_MAIN_DB)
        return KIND_MAIN;
    if (flags & SQLITE_OPEN_MAIN_JOURNAL)
        return KIND_JOURNAL;
    if (flags & SQLITE_OPEN_WAL)
        return KIND_WAL;
    if (flags & SQLITE_OPEN_SUPER_JOURNAL)
        return 0;
    return KIND_MEM; /* temp db, temp journal, transient db, subjournal */
}

/* The main database path a journal or WAL belongs to. */
static void main_path_of(const char *name, int kind, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", name);
    const char *suffix = kind == KIND_WAL       ? "-wal"
                         : kind == KIND_JOURNAL ? "-journal"
                                                : "";
    size_t n = strlen(out), s = strlen(suffix);
    if (s && n > s && strcmp(out + n - s, suffix) == 0)
        out[n - s] = '\0';
}

/* Pick the id and key for a file about to be opened; sets f->ring etc. */
static int bind_key(cc_file *f, const char *main_path, const uint8_t *file_id)
{
    int rc = SQLITE_CANTOPEN;
    pthread_mutex_lock(&reg_lock);
    ring *r = ring_find(main_path);
    if (!r) {
        set_error("no key attached for %s: refusing to open it", main_path);
    } else {
        int idx = f->kind == KIND_MAIN ? (file_id ? -1 : 0) : r->active;
        for (int i = 0; file_id && i < r->n; i++)
            if (memcmp(r->ids[i], file_id, VFS_DBID_BYTES) == 0)
                idx = i;
        if (idx < 0) {
            set_error("%s was not made with this key file (unknown database id)",
                      main_path);
        } else {
            if (f->kind == KIND_MAIN)
                r->active = idx;
            r->refs++;
            f->ring = r;
            f->db_id = r->ids[idx];
            f->key = r->keys + idx * VFS_KEY_BYTES;
            rc = SQLITE_OK;
        }
    }
    pthread_mutex_unlock(&reg_lock);
    return rc;
}

/* The database id in the clear at the start of page 1, or NULL if empty. */
static int read_file_id(cc_file *f, uint8_t id[VFS_DBID_BYTES], int *have)
{
    int rc = f->real->pMethods->xRead(f->real, id, VFS_DBID_BYTES, 0);
    *have = rc == SQLITE_OK;
    if (rc == SQLITE_IOERR_SHORT_READ) {
        if (!is_zero(id, VFS_DBID_BYTES)) {
            set_error("database %s is truncated (damaged)", f->name);
            return SQLITE_CORRUPT;
        }
        return SQLITE_OK;
    }
    return rc;
}

static int cc_open_mem(sqlite3_file *pf, int flags, int *out_flags)
{
    mem_file *m = (mem_file *)pf;
    memset(m, 0, sizeof *m);
    m->base.pMethods = &mem_io;
    if (out_flags)
        *out_flags = flags;
    return SQLITE_OK;
}

static int cc_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags,
                   int *out_flags)
{
    cc_file *f = (cc_file *)pf;
    char main_path[4096];
    uint8_t id[VFS_DBID_BYTES];
    int have_id = 0, kind = kind_of(flags, name), rc;
    (void)vfs;

    if (kind == KIND_MEM)
        return cc_open_mem(pf, flags, out_flags);
    memset(f, 0, sizeof *f);
    if (kind == 0) {
        set_error("multi-database transactions are not supported");
        return SQLITE_CANTOPEN;
    }
    f->kind = kind;
    f->name = name;
    f->hdr_off = -1;
    f->sealed_off = -1;
    f->pgno_off = -1;
    f->real = (sqlite3_file *)(f + 1);
    main_path_of(name, kind, main_path, sizeof main_path);
    rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK)
        return rc;
    if (kind == KIND_MAIN)
        rc = read_file_id(f, id, &have_id);
    if (rc == SQLITE_OK)
        rc = bind_key(f, main_path, have_id ? id : NULL);
    if (rc != SQLITE_OK) {
        f->real->pMethods->xClose(f->real);
        return rc;
    }
    f->base.pMethods = &cc_io;
    return SQLITE_OK;
}

static int cc_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int cc_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int cc_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static void *cc_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs, (void)name;
    return NULL; /* no extensions are ever loaded */
}

static void cc_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    snprintf(msg, (size_t)n, "loading extensions is disabled");
}

static void (*cc_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs, (void)h, (void)sym;
    return NULL;
}

static void cc_dl_close(sqlite3_vfs *vfs, void *h)
{
    (void)vfs, (void)h;
}

static int cc_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    randombytes_buf(out, (size_t)n);
    return n;
}

static int cc_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return base_vfs->xSleep(base_vfs, us);
}

static int cc_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return base_vfs->xCurrentTime(base_vfs, out);
}

static int cc_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return base_vfs->xGetLastError(base_vfs, n, out);
}

static int cc_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static sqlite3_vfs cc_vfs = {
    2,
    0,
    4096,
    NULL,
    VFS_NAME,
    NULL,
    cc_open,
    cc_delete,
    cc_access,
    cc_full_pathname,
    cc_dl_open,
    cc_dl_error,
    cc_dl_sym,
    cc_dl_close,
    cc_randomness,
    cc_sleep,
    cc_current_time,
    cc_get_last_error,
    cc_current_time_int64,
    NULL,
    NULL,
    NULL,
};

int vfs_install(int exclusive)
{
    static const char *const stock[] = {"unix",      "unix-none",  "unix-dotfile",
                                        "unix-excl", "unix-flock", "unix-afp",
                                        "unix-posix"};
    if (sodium_init() < 0)
        return SQLITE_ERROR;
    if (!base_vfs) {
        base_vfs = sqlite3_vfs_find("unix");
        if (!base_vfs)
            return SQLITE_ERROR;
        size_t need = sizeof(cc_file) + (size_t)base_vfs->szOsFile;
        cc_vfs.szOsFile = (int)(need > sizeof(mem_file) ? need : sizeof(mem_file));
        cc_vfs.mxPathname = base_vfs->mxPathname;
    }
    int rc = sqlite3_vfs_register(&cc_vfs, 1);
    for (size_t i = 0; rc == SQLITE_OK && exclusive && i < sizeof stock / sizeof *stock;
         i++) {
        sqlite3_vfs *v = sqlite3_vfs_find(stock[i]);
        if (v && v != &cc_vfs)
            sqlite3_vfs_unregister(v);
    }
    return rc;
}
