-- 0009_encounters.sql — encounter notifications (HL7 v2 ADT) and what each
-- did. adt_message keeps every notification once (by sending facility and
-- control id), with its outcome: applied to a client, waiting for review
-- (an unknown or uncertain patient: never silently given to a client),
-- linked or dismissed from review, or logged only (test and debug
-- processing ids). The parsed notice is kept (JSON) so a reviewer's link
-- applies it exactly as an import would have.
--
-- The encounter table is rebuilt with the visit's details, the message it
-- came from, a transfer kind, the 30-day readmission flag (and the
-- discharge it follows), the episode a discharge started, and cancelled_at
-- (A11/A12/A13 undo their event; the row stays, marked).

CREATE TABLE adt_message (
    id          INTEGER PRIMARY KEY,
    facility    TEXT NOT NULL,
    control_id  TEXT NOT NULL,
    event       TEXT NOT NULL,
    processing  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('applied', 'review', 'linked',
                    'dismissed', 'logged')),
    reason      TEXT NOT NULL DEFAULT '',
    client_id   INTEGER REFERENCES client (id),
    notice      TEXT NOT NULL,
    decided_at  TEXT,
    decided_by  INTEGER REFERENCES staff (id),
    UNIQUE (facility, control_id)
) STRICT;
CREATE INDEX adt_message_review ON adt_message (received_at) WHERE status = 'review';
CREATE INDEX adt_message_client ON adt_message (client_id);

CREATE TABLE encounter_new (
    id            INTEGER PRIMARY KEY,
    client_id     INTEGER NOT NULL REFERENCES client (id),
    facility_id   INTEGER NOT NULL REFERENCES organization (id),
    kind          TEXT NOT NULL CHECK (kind IN ('admit', 'discharge', 'ed',
                      'transfer')),
    at            TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT 'manual',
    visit_number  TEXT NOT NULL DEFAULT '',
    patient_class TEXT NOT NULL DEFAULT '',
    location      TEXT NOT NULL DEFAULT '',
    disposition   TEXT NOT NULL DEFAULT '',
    message_id    INTEGER REFERENCES adt_message (id),
    readmission   INTEGER NOT NULL DEFAULT 0 CHECK (readmission IN (0, 1)),
    after_id      INTEGER REFERENCES encounter (id),
    episode_id    INTEGER REFERENCES episode (id),
    cancelled_at  TEXT,
    staff_id      INTEGER REFERENCES staff (id)
) STRICT;
INSERT INTO encounter_new (id, client_id, facility_id, kind, at, source)
SELECT id, client_id, facility_id, kind, at, source FROM encounter;
DROP TABLE encounter;
ALTER TABLE encounter_new RENAME TO encounter;
CREATE INDEX encounter_client ON encounter (client_id, at);
CREATE INDEX encounter_visit ON encounter (facility_id, visit_number)
    WHERE visit_number <> '';
CREATE INDEX encounter_discharges ON encounter (at) WHERE kind = 'discharge';
