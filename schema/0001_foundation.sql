-- 0001_foundation.sql — settings, secrets, staff accounts and the audit chain.
--
-- Every later migration builds on these. The audit table is append-only:
-- triggers refuse UPDATE and DELETE; entries are hash-chained by the store.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Keys that live inside the encrypted store (never in the key file).
CREATE TABLE secret (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

-- randomblob() draws from libsodium through the carecoord VFS.
INSERT INTO secret (name, value) VALUES ('audit_key', randomblob(32));

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL UNIQUE,
    full_name   TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL CHECK (role IN ('coach', 'nurse', 'scheduler',
                    'social-worker', 'program-manager', 'supervisor', 'admin')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    must_change_passphrase INTEGER NOT NULL DEFAULT 0
                CHECK (must_change_passphrase IN (0, 1)),
    -- public key of the account's key slot: a slot forged in the key file
    -- under this login (with someone else's key pair) does not match it
    slot_pk     BLOB,
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    staff_id  INTEGER NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
) STRICT;

CREATE INDEX audit_object ON audit (object, seq);
CREATE INDEX audit_staff ON audit (staff_id, seq);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
