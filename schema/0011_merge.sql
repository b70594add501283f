-- 0011_merge.sql — merging two client records found to be the same person,
-- reversibly (src/core/merge.c). A merge moves every row that names the
-- retired client to the survivor and lists exactly which rows it moved, so
-- an undo moves exactly those back; rows added to the survivor since stay.
-- The retired record stays, marked merged_into the survivor, with no owner:
-- it leaves search, caseloads and worklists, and opens by id only.
-- Audit entries are never rewritten: the merge is audited on both ids, and
-- reports that read the audit by client follow the merges (merge.h).
-- (Numbered 0010: 0008 is leave cover, 0009 versioned programs.)

ALTER TABLE client ADD COLUMN merged_into INTEGER REFERENCES client (id);
CREATE INDEX client_merged ON client (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE client_merge (
    id               INTEGER PRIMARY KEY,
    survivor_id      INTEGER NOT NULL REFERENCES client (id),
    retired_id       INTEGER NOT NULL REFERENCES client (id),
    reason           TEXT NOT NULL CHECK (reason <> ''),
    merged_at        TEXT NOT NULL,
    merged_by        INTEGER NOT NULL,
    retired_owner_id INTEGER REFERENCES staff (id), -- given back by an undo
    rows_moved       INTEGER NOT NULL DEFAULT 0,
    undone_at        TEXT,
    undone_by        INTEGER,
    undo_reason      TEXT NOT NULL DEFAULT '',
    -- 1 only inside the transaction that moves the rows (the append-only
    -- triggers below let exactly those moves through)
    moving           INTEGER NOT NULL DEFAULT 0 CHECK (moving IN (0, 1)),
    CHECK (survivor_id <> retired_id),
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
) STRICT;
-- A record is merged into at most one other at a time.
CREATE UNIQUE INDEX client_merge_retired ON client_merge (retired_id)
    WHERE undone_at IS NULL;
CREATE INDEX client_merge_survivor ON client_merge (survivor_id)
    WHERE undone_at IS NULL;

-- The rows one merge moved: a table and the row's key there (its id; for
-- client_identifier, which has none, facility_id in row_id and value).
CREATE TABLE client_merge_row (
    merge_id INTEGER NOT NULL REFERENCES client_merge (id),
    tbl      TEXT NOT NULL,
    row_id   INTEGER NOT NULL,
    value    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (merge_id, tbl, row_id, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_merge_row_of ON client_merge_row (tbl, row_id);

CREATE TRIGGER client_merge_no_delete BEFORE DELETE ON client_merge
BEGIN
    SELECT RAISE(ABORT, 'merges are kept: undo one instead');
END;
CREATE TRIGGER client_merge_row_no_update BEFORE UPDATE ON client_merge_row
BEGIN
    SELECT RAISE(ABORT, 'the rows of a merge are kept as recorded');
END;
CREATE TRIGGER client_merge_row_no_delete BEFORE DELETE ON client_merge_row
BEGIN
    SELECT RAISE(ABORT, 'the rows of a merge are kept as recorded');
END;

-- Contacts and disclosures stay append-only: the one change let through is
-- a merge (or its undo) moving a row it recorded, client_id alone.
DROP TRIGGER contact_no_update;
CREATE TRIGGER contact_no_update BEFORE UPDATE ON contact
WHEN NOT (NEW.id IS OLD.id AND NEW.kind IS OLD.kind AND NEW.at IS OLD.at
    AND NEW.duration_min IS OLD.duration_min AND NEW.note IS OLD.note
    AND NEW.staff_id IS OLD.staff_id AND NEW.corrects_id IS OLD.corrects_id
    AND NEW.created_at IS OLD.created_at
    AND EXISTS (SELECT 1 FROM client_merge_row r JOIN client_merge m ON m.id = r.merge_id
        WHERE r.tbl = 'contact' AND r.row_id = OLD.id AND m.moving = 1
        AND ((m.undone_at IS NULL AND OLD.client_id = m.retired_id
              AND NEW.client_id = m.survivor_id)
          OR (m.undone_at IS NOT NULL AND OLD.client_id = m.survivor_id
              AND NEW.client_id = m.retired_id))))
BEGIN
    SELECT RAISE(ABORT, 'contacts are append-only: record a correction');
END;

DROP TRIGGER disclosure_no_update;
CREATE TRIGGER disclosure_no_update BEFORE UPDATE ON disclosure
WHEN NOT (NEW.id IS OLD.id AND NEW.organization_id IS OLD.organization_id
    AND NEW.at IS OLD.at AND NEW.what IS OLD.what AND NEW.purpose IS OLD.purpose
    AND NEW.substance_use IS OLD.substance_use AND NEW.staff_id IS OLD.staff_id
    AND NEW.handoff_id IS OLD.handoff_id
    AND EXISTS (SELECT 1 FROM client_merge_row r JOIN client_merge m ON m.id = r.merge_id
        WHERE r.tbl = 'disclosure' AND r.row_id = OLD.id AND m.moving = 1
        AND ((m.undone_at IS NULL AND OLD.client_id = m.retired_id
              AND NEW.client_id = m.survivor_id)
          OR (m.undone_at IS NOT NULL AND OLD.client_id = m.survivor_id
              AND NEW.client_id = m.retired_id))))
BEGIN
    SELECT RAISE(ABORT, 'the accounting of disclosures is append-only');
END;

-- A merge finds a client's rows in every table that names one.
CREATE INDEX monitoring_client ON monitoring (client_id);
CREATE INDEX access_grant_client ON access_grant (client_id);
CREATE INDEX alert_client ON alert (client_id) WHERE client_id IS NOT NULL;
