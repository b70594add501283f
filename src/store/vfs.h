/*
 * vfs.h — the encrypted SQLite VFS ("carecoord"), a shim over "unix".
 *
 * Every page of a database, its rollback journal and its WAL is sealed with
 * XChaCha20-Poly1305 before it reaches the disk; temporary files live in
 * memory only. Files are keyed by the path of their main database: the store
 * attaches (database id, page key) pairs to a path before opening it, and a
 * file with no key attached cannot be opened at all, so nothing (ATTACH,
 * VACUUM INTO, backup) can write plaintext by mistake.
 *
 * On-disk page layout (page size fixed at VFS_PAGE_SIZE, VFS_RESERVE bytes
 * reserved at the end of every page through SQLITE_FCNTL_RESERVE_BYTES):
 *   [ ciphertext ......................... | nonce 24 | tag 16 | pgno 4 | salt 4 ]
 * Page 1 keeps bytes 0..15 as the database id and 16..23 (SQLite's page size,
 * format versions and reserve) in the clear; both are authenticated. The
 * associated data binds database id, file kind, page number and (in the WAL)
 * the WAL salt, so pages cannot be moved between files, kinds or places.
 */
#ifndef CC_VFS_H
#define CC_VFS_H

#include <stdint.h>

#define VFS_NAME       "carecoord"
#define VFS_PAGE_SIZE  4096
#define VFS_RESERVE    48
#define VFS_DBID_BYTES 16
#define VFS_KEY_BYTES  32

/* Register the VFS as SQLite's default (idempotent). With exclusive set, the
 * stock unix VFSes are also unregistered, so no connection can name them.
 * Returns an SQLite result code. */
int vfs_install(int exclusive);

/* Attach (db_id, key) to the database at path (as given to sqlite3_open) and
 * its journal and WAL. Several ids may be attached to one path; the first is
 * used when the file is created. Returns SQLITE_OK or SQLITE_NOMEM. */
int vfs_key_attach(const char *path, const uint8_t db_id[VFS_DBID_BYTES],
                   const uint8_t key[VFS_KEY_BYTES]);

/* Forget every key attached to path (files still open keep theirs until
 * closed). Keys are wiped. */
void vfs_key_detach(const char *path);

/* The database id of the main database file at path as last opened through
 * this VFS in this process, or NULL. */
const uint8_t *vfs_active_id(const char *path);

/* Absolute form of path as SQLite will name it (base VFS xFullPathname);
 * returns 0 on success. */
int vfs_full_path(const char *path, char *out, int outsz);

/* One line describing the last failure of this VFS in this thread (file,
 * page, what failed), or "" if none. */
const char *vfs_last_error(void);

/* Clear the thread's last failure. */
void vfs_clear_error(void);

#endif
