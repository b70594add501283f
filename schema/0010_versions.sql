-- 0010_versions.sql — programs as versioned data. Every save of a program
-- that changes it writes a new immutable program_version (every rule field)
-- with its protocol tasks (program_version_task); the program row and
-- protocol_task stay the current version, so plain reads keep working. An
-- episode records the version it started under (episode.program_version),
-- and its rules (maximum, protocol tasks) come from that version. The
-- questionnaire already has (code, version); assessments keep theirs.
-- (Numbered 0009: 0008 is the leave-cover migration.)

CREATE TABLE program_version (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES program (id),
    version        INTEGER NOT NULL CHECK (version > 0),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    hospital_id    INTEGER REFERENCES organization (id),
    min_age        INTEGER,
    payers         TEXT NOT NULL DEFAULT '',
    settings       TEXT NOT NULL DEFAULT '',
    episode_start  TEXT NOT NULL,
    episode_days   INTEGER NOT NULL CHECK (episode_days > 0),
    max_days       INTEGER NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity > 0),
    rescreen_days  INTEGER NOT NULL CHECK (rescreen_days > 0),
    overlap_group  TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL CHECK (active IN (0, 1)),
    saved_at       TEXT NOT NULL,
    saved_by       INTEGER NOT NULL,
    UNIQUE (program_id, version),
    CHECK (max_days >= episode_days)
) STRICT;

CREATE TABLE program_version_task (
    id                 INTEGER PRIMARY KEY,
    program_version_id INTEGER NOT NULL REFERENCES program_version (id),
    code               TEXT NOT NULL,
    title              TEXT NOT NULL,
    anchor             TEXT NOT NULL CHECK (anchor IN ('episode-start', 'discharge')),
    offset_hours       INTEGER NOT NULL CHECK (offset_hours >= 0),
    repeat_days        INTEGER NOT NULL CHECK (repeat_days >= 0),
    repeat_count       INTEGER NOT NULL CHECK (repeat_count >= 1),
    UNIQUE (program_version_id, code)
) STRICT;

-- What each program is today becomes its first recorded version.
INSERT INTO program_version (program_id, version, name, kind, hospital_id,
    min_age, payers, settings, episode_start, episode_days, max_days, capacity,
    rescreen_days, overlap_group, active, saved_at, saved_by)
SELECT id, version, name, kind, hospital_id, min_age, payers, settings,
    episode_start, episode_days, max_days, capacity, rescreen_days,
    overlap_group, active, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0
FROM program;

INSERT INTO program_version_task (program_version_id, code, title, anchor,
    offset_hours, repeat_days, repeat_count)
SELECT v.id, t.code, t.title, t.anchor, t.offset_hours, t.repeat_days,
    t.repeat_count
FROM protocol_task t JOIN program p ON p.id = t.program_id
JOIN program_version v ON v.program_id = p.id AND v.version = p.version
ORDER BY t.id;

-- Existing episodes started under the version that is current now.
ALTER TABLE episode ADD COLUMN program_version INTEGER NOT NULL DEFAULT 1;
UPDATE episode SET program_version =
    (SELECT p.version FROM program p WHERE p.id = episode.program_id);
