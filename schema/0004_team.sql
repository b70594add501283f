-- 0004_team.sql — the team core: who covers which teams, warm hand-offs,
-- the accounting of disclosures, break-glass access, and hospital encounter
-- events (admissions, discharges, ED visits) for the readmission measures.

-- Program managers and social workers each cover up to three teams.
CREATE TABLE team_cover (
    team_id  INTEGER NOT NULL REFERENCES team (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    PRIMARY KEY (team_id, staff_id)
) STRICT;

-- A warm hand-off: the sender keeps the client until the receiver accepts.
CREATE TABLE handoff (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES client (id),
    from_staff_id    INTEGER NOT NULL REFERENCES staff (id),
    from_program_id  INTEGER REFERENCES program (id),
    to_kind          TEXT NOT NULL CHECK (to_kind IN ('staff', 'team', 'program',
                         'organization')),
    to_staff_id      INTEGER REFERENCES staff (id),
    to_team_id       INTEGER REFERENCES team (id),
    to_program_id    INTEGER REFERENCES program (id),
    to_org_id        INTEGER REFERENCES organization (id),
    state            TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined',
                         'withdrawn', 'expired')),
    note             TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    summary          TEXT NOT NULL,  -- JSON snapshot the receiver sees
    substance_use    INTEGER NOT NULL DEFAULT 0 CHECK (substance_use IN (0, 1)),
    proposed_at      TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER REFERENCES staff (id),
    outside_accepted_by TEXT NOT NULL DEFAULT '',  -- who at the organization
    outside_contact  TEXT NOT NULL DEFAULT '',     -- how they were reached
    batch            INTEGER,  -- bulk reassignments share one batch number
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX handoff_one_open ON handoff (client_id) WHERE state = 'proposed';
CREATE INDEX handoff_to_staff ON handoff (to_staff_id, state);
CREATE INDEX handoff_from_staff ON handoff (from_staff_id, state);

-- The accounting of disclosures: what went to whom, when and why.
CREATE TABLE disclosure (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    organization_id INTEGER NOT NULL REFERENCES organization (id),
    at              TEXT NOT NULL,
    what            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    substance_use   INTEGER NOT NULL DEFAULT 0 CHECK (substance_use IN (0, 1)),
    staff_id        INTEGER NOT NULL REFERENCES staff (id),
    handoff_id      INTEGER REFERENCES handoff (id)
) STRICT;
CREATE INDEX disclosure_client ON disclosure (client_id, at);
CREATE TRIGGER disclosure_no_update BEFORE UPDATE ON disclosure
BEGIN
    SELECT RAISE(ABORT, 'the accounting of disclosures is append-only');
END;
CREATE TRIGGER disclosure_no_delete BEFORE DELETE ON disclosure
BEGIN
    SELECT RAISE(ABORT, 'the accounting of disclosures is append-only');
END;

-- Break-glass: opening a record outside one's scope, with a typed reason and
-- a time limit; supervisors review each one.
CREATE TABLE access_grant (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff (id),
    client_id   INTEGER NOT NULL REFERENCES client (id),
    reason      TEXT NOT NULL CHECK (reason <> ''),
    granted_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by INTEGER REFERENCES staff (id),
    review_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX access_grant_staff ON access_grant (staff_id, client_id, expires_at);

-- Hospital encounter events (the HL7 ADT import fills this later).
CREATE TABLE encounter (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES client (id),
    facility_id INTEGER NOT NULL REFERENCES organization (id),
    kind        TEXT NOT NULL CHECK (kind IN ('admit', 'discharge', 'ed')),
    at          TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'manual'
) STRICT;
CREATE INDEX encounter_client ON encounter (client_id, at);

INSERT INTO meta (key, value) VALUES ('handoff_expiry_business_days', '3');

-- For the measures at ten years of history.
CREATE INDEX episode_client ON episode (client_id, program_id);
CREATE INDEX contact_corrects ON contact (corrects_id) WHERE corrects_id IS NOT NULL;
CREATE INDEX referral_received ON referral (program_id, received_date);
CREATE INDEX encounter_kind_at ON encounter (kind, at);
