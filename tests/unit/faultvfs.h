/*
 * faultvfs.h — a fault-injecting VFS for the failure tests, below the
 * encrypted one: the disk as the carecoord VFS sees it, failing the Nth
 * read, write, sync, truncate or lock with an I/O error or "disk full".
 *
 * It is registered under the name "unix" ahead of SQLite's own, so the
 * carecoord VFS (which wraps whatever "unix" is when it is first installed)
 * sits on top of it: call faultvfs_install before the first store is opened.
 * Test code only; nothing in the program links it.
 */
#ifndef CC_FAULTVFS_H
#define CC_FAULTVFS_H

enum fault_op {
    FAULT_READ,
    FAULT_WRITE,
    FAULT_SYNC,
    FAULT_TRUNCATE,
    FAULT_LOCK,
    FAULT_OPS
};

/* Register the shim as "unix" (idempotent). Returns an SQLite result code. */
int faultvfs_install(void);

/* From now on, fail call number nth (from 1) of op with rc, and with sticky
 * every later call of op too; counting starts afresh. nth 0 disarms. */
void faultvfs_arm(enum fault_op op, long nth, int rc, int sticky);

/* No more faults (counting goes on). */
void faultvfs_disarm(void);

/* Calls of op since the last arm (or install). */
long faultvfs_count(enum fault_op op);

/* Faults injected since the last arm. */
long faultvfs_fired(void);

/* The operation's name ("read", "write", ...). */
const char *faultvfs_op_name(enum fault_op op);

#endif
