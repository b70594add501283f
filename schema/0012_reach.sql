-- 0012_reach.sql — reaching the client and the day's appointments.
--
-- client_reach: how to reach a client (two phones, which is preferred and
-- when to call, the home address, the primary care provider and practice
-- from the directory), one row per client, versioned like the client row:
-- a save names the version it read and never overwrites a newer one.
-- caregiver: family, caregivers and legal representatives; never deleted,
-- retired (active = 0) so a consent signed by one keeps naming them.
-- consent.signed_by_rep: the legal representative who signed, if not the
-- client. contact.outcome and contact.task_id: what came of a contact and
-- the open task the person said it carries out.
-- appointment: with whom (an organization of the directory, or the staff
-- member on whose agenda it is), where, when, kind, transport and
-- interpreter, and its status; a reschedule is a new appointment the old one
-- names. Its reminder and no-show follow-up are ordinary tasks whose
-- origin_ref is "appointment:ID:reminder" / "appointment:ID:no-show".
-- The specialty-care navigation program gains "specialty appointment within
-- 30 days" (a kept specialist appointment completes it) in place of its
-- fixed fourteen-day reminder call, as a new program version; episodes
-- already open keep the version they started under. An episode can pause
-- into light touch while the client is in an SNF (outcome 'snf').

CREATE TABLE client_reach (
    client_id   INTEGER PRIMARY KEY REFERENCES client (id),
    phone1      TEXT NOT NULL DEFAULT '',
    phone1_kind TEXT NOT NULL DEFAULT '' CHECK (phone1_kind IN ('', 'mobile',
                    'home', 'work', 'facility')),
    phone2      TEXT NOT NULL DEFAULT '',
    phone2_kind TEXT NOT NULL DEFAULT '' CHECK (phone2_kind IN ('', 'mobile',
                    'home', 'work', 'facility')),
    preferred   INTEGER NOT NULL DEFAULT 1 CHECK (preferred IN (1, 2)),
    call_times  TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    pcp_org_id  INTEGER REFERENCES organization (id),
    pcp_name    TEXT NOT NULL DEFAULT '',
    saved_at    TEXT NOT NULL,
    saved_by    INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE caregiver (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES client (id),
    name         TEXT NOT NULL CHECK (name <> ''),
    relationship TEXT NOT NULL CHECK (relationship IN ('spouse', 'partner',
                     'child', 'parent', 'sibling', 'relative', 'friend',
                     'neighbor', 'paid-caregiver', 'guardian', 'other')),
    phone        TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    may_contact  INTEGER NOT NULL DEFAULT 1 CHECK (may_contact IN (0, 1)),
    legal_rep    INTEGER NOT NULL DEFAULT 0 CHECK (legal_rep IN (0, 1)),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    saved_at     TEXT NOT NULL,
    saved_by     INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX caregiver_client ON caregiver (client_id);

ALTER TABLE consent ADD COLUMN signed_by_rep INTEGER REFERENCES caregiver (id);

ALTER TABLE contact ADD COLUMN outcome TEXT NOT NULL DEFAULT 'reached'
    CHECK (outcome IN ('reached', 'no-answer', 'left-message', 'refused',
                       'wrong-number'));
ALTER TABLE contact ADD COLUMN task_id INTEGER REFERENCES task (id);

CREATE TABLE appointment (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    kind           TEXT NOT NULL CHECK (kind IN ('pcp', 'specialist', 'home-visit',
                       'accompanied-visit', 'snf-visit', 'phone-call')),
    specialty      TEXT NOT NULL DEFAULT '',
    with_org_id    INTEGER REFERENCES organization (id),
    staff_id       INTEGER NOT NULL REFERENCES staff (id), -- whose agenda
    place          TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL,
    minutes        INTEGER NOT NULL DEFAULT 30 CHECK (minutes BETWEEN 5 AND 480),
    transport      INTEGER NOT NULL DEFAULT 0 CHECK (transport IN (0, 1)),
    interpreter    INTEGER NOT NULL DEFAULT 0 CHECK (interpreter IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'kept',
                       'no-show', 'cancelled', 'rescheduled')),
    reason         TEXT NOT NULL DEFAULT '',
    rescheduled_to INTEGER REFERENCES appointment (id),
    booked_at      TEXT NOT NULL,
    booked_by      INTEGER NOT NULL,
    status_at      TEXT,
    status_by      INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (kind <> 'specialist' OR specialty <> ''),
    CHECK (status NOT IN ('cancelled', 'rescheduled') OR reason <> '')
) STRICT;
CREATE INDEX appointment_client ON appointment (client_id, at);
CREATE INDEX appointment_agenda ON appointment (staff_id, at);
CREATE INDEX appointment_at ON appointment (at);

-- The specialty-care navigation program, version + 1.
DELETE FROM protocol_task WHERE code = 'reminder-call'
    AND program_id IN (SELECT id FROM program WHERE code = 'pasc');
INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'specialty-appt', 'Specialty appointment within 30 days', 'discharge',
       720, 0, 1 FROM program WHERE code = 'pasc';
UPDATE program SET version = version + 1 WHERE code = 'pasc';
INSERT INTO program_version (program_id, version, name, kind, hospital_id,
    min_age, payers, settings, episode_start, episode_days, max_days, capacity,
    rescreen_days, overlap_group, active, saved_at, saved_by)
SELECT id, version, name, kind, hospital_id, min_age, payers, settings,
    episode_start, episode_days, max_days, capacity, rescreen_days,
    overlap_group, active, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0
FROM program WHERE code = 'pasc';
INSERT INTO program_version_task (program_version_id, code, title, anchor,
    offset_hours, repeat_days, repeat_count)
SELECT v.id, t.code, t.title, t.anchor, t.offset_hours, t.repeat_days,
    t.repeat_count
FROM protocol_task t JOIN program p ON p.id = t.program_id
JOIN program_version v ON v.program_id = p.id AND v.version = p.version
WHERE p.code = 'pasc' ORDER BY t.id;

-- An intensive episode may pause into light touch while the client is in a
-- skilled nursing facility: the outcome 'snf' (the table is rebuilt to widen
-- its CHECK; migrate.c runs migrations with foreign keys off and checks them
-- before the commit).
CREATE TABLE episode_new (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    program_id      INTEGER NOT NULL REFERENCES program (id),
    start_date      TEXT NOT NULL,
    target_days     INTEGER NOT NULL CHECK (target_days > 0),
    extended_days   INTEGER NOT NULL DEFAULT 0 CHECK (extended_days >= 0),
    closed_date     TEXT,
    outcome         TEXT CHECK (outcome IN ('goals-met', 'readmitted',
                        'declined-further', 'unreachable', 'moved', 'died',
                        'transferred', 'snf')),
    version         INTEGER NOT NULL DEFAULT 1,
    program_version INTEGER NOT NULL DEFAULT 1,
    CHECK ((closed_date IS NULL) = (outcome IS NULL))
) STRICT;
INSERT INTO episode_new (id, client_id, program_id, start_date, target_days,
    extended_days, closed_date, outcome, version, program_version)
SELECT id, client_id, program_id, start_date, target_days, extended_days,
    closed_date, outcome, version, program_version FROM episode;
DROP TABLE episode;
ALTER TABLE episode_new RENAME TO episode;
CREATE UNIQUE INDEX episode_one_open ON episode (client_id, program_id)
    WHERE closed_date IS NULL;
CREATE INDEX episode_client ON episode (client_id, program_id);
