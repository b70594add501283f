/*
 * faultvfs.c — the fault-injecting VFS (see faultvfs.h): every method passes
 * through to SQLite's unix VFS; the five counted ones fail when their count
 * reaches the armed number. One test process, one thread: plain counters.
 */
#include "faultvfs.h"

#include <sqlite3.h>
#include <string.h>

typedef struct fault_file {
    sqlite3_file base;
    sqlite3_file *real; /* the unix VFS's file, right after this struct */
} fault_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim;
static long counts[FAULT_OPS];
static long fired;
static struct {
    enum fault_op op;
    long nth;
    int rc, sticky;
} armed;

static const char *const op_names[FAULT_OPS] = {"read", "write", "sync", "truncate",
                                                "lock"};

const char *faultvfs_op_name(enum fault_op op)
{
    return (unsigned)op < FAULT_OPS ? op_names[op] : "?";
}

void faultvfs_arm(enum fault_op op, long nth, int rc, int sticky)
{
    memset(counts, 0, sizeof counts);
    fired = 0;
    armed.op = op;
    armed.nth = nth;
    armed.rc = rc;
    armed.sticky = sticky;
}

void faultvfs_disarm(void)
{
    armed.nth = 0;
}

long faultvfs_count(enum fault_op op)
{
    return counts[op];
}

long faultvfs_fired(void)
{
    return fired;
}

/* Count a call of op; its injected result code, or SQLITE_OK to go on. */
static int fault(enum fault_op op)
{
    long n = ++counts[op];
    if (!armed.nth || armed.op != op || n < armed.nth ||
        (n > armed.nth && !armed.sticky))
        return SQLITE_OK;
    fired++;
    return armed.rc;
}

#define REAL(pf) (((fault_file *)(pf))->real)

static int f_close(sqlite3_file *pf)
{
    return REAL(pf)->pMethods->xClose(REAL(pf));
}

static int f_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
    int rc = fault(FAULT_READ);
    return rc ? rc : REAL(pf)->pMethods->xRead(REAL(pf), buf, amt, off);
}

static int f_write(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off)
{
    int rc = fault(FAULT_WRITE);
    return rc ? rc : REAL(pf)->pMethods->xWrite(REAL(pf), buf, amt, off);
}

static int f_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
    int rc = fault(FAULT_TRUNCATE);
    return rc ? rc : REAL(pf)->pMethods->xTruncate(REAL(pf), size);
}

static int f_sync(sqlite3_file *pf, int flags)
{
    int rc = fault(FAULT_SYNC);
    return rc ? rc : REAL(pf)->pMethods->xSync(REAL(pf), flags);
}

static int f_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
    return REAL(pf)->pMethods->xFileSize(REAL(pf), size);
}

static int f_lock(sqlite3_file *pf, int lock)
{
    int rc = fault(FAULT_LOCK);
    return rc ? rc : REAL(pf)->pMethods->xLock(REAL(pf), lock);
}

static int f_unlock(sqlite3_file *pf, int lock)
{
    return REAL(pf)->pMethods->xUnlock(REAL(pf), lock);
}

static int f_check_reserved(sqlite3_file *pf, int *out)
{
    return REAL(pf)->pMethods->xCheckReservedLock(REAL(pf), out);
}

static int f_file_control(sqlite3_file *pf, int op, void *arg)
{
    return REAL(pf)->pMethods->xFileControl(REAL(pf), op, arg);
}

static int f_sector_size(sqlite3_file *pf)
{
    return REAL(pf)->pMethods->xSectorSize(REAL(pf));
}

static int f_device_characteristics(sqlite3_file *pf)
{
    return REAL(pf)->pMethods->xDeviceCharacteristics(REAL(pf));
}

static int f_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(pf)->pMethods->xShmMap(REAL(pf), pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *pf, int offset, int n, int flags)
{
    return REAL(pf)->pMethods->xShmLock(REAL(pf), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *pf)
{
    REAL(pf)->pMethods->xShmBarrier(REAL(pf));
}

static int f_shm_unmap(sqlite3_file *pf, int delete_flag)
{
    return REAL(pf)->pMethods->xShmUnmap(REAL(pf), delete_flag);
}

static int f_fetch(sqlite3_file *pf, sqlite3_int64 off, int amt, void **pp)
{
    return REAL(pf)->pMethods->xFetch(REAL(pf), off, amt, pp);
}

static int f_unfetch(sqlite3_file *pf, sqlite3_int64 off, void *p)
{
    return REAL(pf)->pMethods->xUnfetch(REAL(pf), off, p);
}

static const sqlite3_io_methods fault_io = {
    3,
    f_close,
    f_read,
    f_write,
    f_truncate,
    f_sync,
    f_file_size,
    f_lock,
    f_unlock,
    f_check_reserved,
    f_file_control,
    f_sector_size,
    f_device_characteristics,
    f_shm_map,
    f_shm_lock,
    f_shm_barrier,
    f_shm_unmap,
    f_fetch,
    f_unfetch,
};

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags,
                  int *out_flags)
{
    fault_file *f = (fault_file *)pf;
    (void)vfs;
    f->real = (sqlite3_file *)(f + 1);
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
    f->base.pMethods = rc == SQLITE_OK && f->real->pMethods ? &fault_io : NULL;
    return rc;
}

int faultvfs_install(void)
{
    if (real_vfs)
        return SQLITE_OK;
    real_vfs = sqlite3_vfs_find("unix");
    if (!real_vfs)
        return SQLITE_ERROR;
    shim = *real_vfs; /* every VFS-level method passes straight through */
    shim.zName = "unix";
    shim.pNext = NULL;
    shim.szOsFile = (int)sizeof(fault_file) + real_vfs->szOsFile;
    shim.xOpen = f_open;
    return sqlite3_vfs_register(&shim, 1);
}
