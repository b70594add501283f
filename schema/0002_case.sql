-- 0002_case.sql — the case core: organizations, programs as templates, the
-- risk questionnaire as data, clients, referrals, consent, assessments,
-- alerts, intensive episodes, light-touch monitoring, tasks and contacts.
--
-- Dates are 'YYYY-MM-DD', instants 'YYYY-MM-DDTHH:MM:SSZ' (UTC). Editable
-- rows carry a version for optimistic concurrency; contacts and events are
-- append-only. Statuses that depend on "today" (consent state, overdue
-- tasks, episode day) are derived, never stored.

-- One directory of outside entities, named the same way everywhere.
CREATE TABLE organization (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('hospital', 'snf', 'senior-living',
                      'practice', 'payer-cm', 'agency', 'clinic', 'hie', 'ems',
                      'other')),
    name          TEXT NOT NULL,
    facility_code TEXT UNIQUE,
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE service_zip (
    zip TEXT PRIMARY KEY CHECK (length(zip) = 5)
) STRICT;

-- A program (intervention) is a template: administrators add and change them
-- as data. episode_start says what starts an intensive episode.
CREATE TABLE program (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('senior-stabilization',
                       'care-transition', 'specialty-navigation', 'smi-act',
                       'smi-crisis')),
    hospital_id    INTEGER REFERENCES organization (id),
    min_age        INTEGER,
    payers         TEXT NOT NULL DEFAULT '',   -- comma list; '' = any
    settings       TEXT NOT NULL DEFAULT '',   -- comma list; '' = any
    episode_start  TEXT NOT NULL CHECK (episode_start IN ('assessment-high',
                       'discharge', 'enrollment')),
    episode_days   INTEGER NOT NULL CHECK (episode_days > 0),
    max_days       INTEGER NOT NULL,
    capacity       INTEGER NOT NULL DEFAULT 35 CHECK (capacity > 0),
    rescreen_days  INTEGER NOT NULL DEFAULT 90 CHECK (rescreen_days > 0),
    overlap_group  TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (max_days >= episode_days)
) STRICT;

-- Tasks a program creates by itself, relative to an anchor moment.
CREATE TABLE protocol_task (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES program (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    title        TEXT NOT NULL,
    anchor       TEXT NOT NULL CHECK (anchor IN ('episode-start', 'discharge')),
    offset_hours INTEGER NOT NULL CHECK (offset_hours >= 0),
    repeat_days  INTEGER NOT NULL DEFAULT 0 CHECK (repeat_days >= 0),
    repeat_count INTEGER NOT NULL DEFAULT 1 CHECK (repeat_count >= 1),
    UNIQUE (program_id, code)
) STRICT;

-- The health risk assessment: questions, weights and thresholds are data.
CREATE TABLE questionnaire (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    high_min     INTEGER NOT NULL,
    moderate_min INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (code, version),
    CHECK (high_min > moderate_min)
) STRICT;

CREATE TABLE question (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaire (id),
    position         INTEGER NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('condition', 'coordination',
                         'social')),
    text             TEXT NOT NULL,
    driver           TEXT NOT NULL,  -- short name of the issue a "yes" raises
    weight           INTEGER NOT NULL CHECK (weight > 0),
    UNIQUE (questionnaire_id, position)
) STRICT;

CREATE TABLE team (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    program_id INTEGER NOT NULL REFERENCES program (id),
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE team_member (
    team_id  INTEGER NOT NULL REFERENCES team (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    PRIMARY KEY (team_id, staff_id)
) STRICT;

CREATE TABLE client (
    id             INTEGER PRIMARY KEY,
    family_name    TEXT NOT NULL,
    given_name     TEXT NOT NULL,
    name_key       TEXT NOT NULL,  -- normalized, for duplicates and search
    dob            TEXT NOT NULL,
    zip            TEXT NOT NULL,
    payer          TEXT NOT NULL CHECK (payer IN ('medicare', 'dual', 'medicaid',
                       'commercial', 'uninsured-ineligible')),
    language       TEXT NOT NULL DEFAULT 'en',
    interpreter    INTEGER NOT NULL DEFAULT 0 CHECK (interpreter IN (0, 1)),
    setting        TEXT NOT NULL CHECK (setting IN ('home', 'senior-living', 'snf')),
    setting_org_id INTEGER REFERENCES organization (id),
    tier           INTEGER CHECK (tier IN (1, 2)),
    owner_id       INTEGER REFERENCES staff (id),
    program_id     INTEGER REFERENCES program (id),
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX client_dob ON client (dob);
CREATE INDEX client_name ON client (name_key);
CREATE INDEX client_owner ON client (owner_id);

CREATE TABLE client_identifier (
    client_id   INTEGER NOT NULL REFERENCES client (id),
    facility_id INTEGER NOT NULL REFERENCES organization (id),
    value       TEXT NOT NULL,
    PRIMARY KEY (facility_id, value)
) STRICT;
CREATE INDEX client_identifier_client ON client_identifier (client_id);

CREATE TABLE referral (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    program_id     INTEGER NOT NULL REFERENCES program (id),
    source_type    TEXT NOT NULL CHECK (source_type IN ('resident-counselor', 'ems',
                       'pcp', 'discharge-planner', 'snf', 'payer', 'self', 'other')),
    source_org_id  INTEGER REFERENCES organization (id),
    source_person  TEXT NOT NULL DEFAULT '',
    criteria       TEXT NOT NULL DEFAULT '',  -- comma list of criteria codes
    received_date  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('received', 'contacted',
                       'consented', 'declined', 'unreachable', 'ineligible',
                       'assessed', 'enrolled', 'monitoring', 'closed')),
    status_at      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX referral_client ON referral (client_id);
CREATE INDEX referral_status ON referral (status);

-- Every status change of a referral, with who and when: append-only.
CREATE TABLE referral_event (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id),
    status      TEXT NOT NULL,
    at          TEXT NOT NULL,
    staff_id    INTEGER NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX referral_event_referral ON referral_event (referral_id);

CREATE TABLE consent (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    kind           TEXT NOT NULL CHECK (kind IN ('participation', 'release')),
    decision       TEXT NOT NULL CHECK (decision IN ('granted', 'declined')),
    decline_reason TEXT NOT NULL DEFAULT '',
    purpose        TEXT NOT NULL DEFAULT '',
    information    TEXT NOT NULL DEFAULT '',
    substance_use  INTEGER NOT NULL DEFAULT 0 CHECK (substance_use IN (0, 1)),
    signed_date    TEXT NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES staff (id),
    witness        TEXT NOT NULL DEFAULT '',
    expires_date   TEXT,
    expires_event  TEXT NOT NULL DEFAULT '',
    revoked_date   TEXT,
    revoke_reason  TEXT NOT NULL DEFAULT '',
    revoked_by     INTEGER REFERENCES staff (id),
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (kind = 'participation' OR decision = 'granted'),
    CHECK (decision = 'granted' OR decline_reason <> '')
) STRICT;
CREATE INDEX consent_client ON consent (client_id);

CREATE TABLE consent_recipient (
    consent_id      INTEGER NOT NULL REFERENCES consent (id),
    organization_id INTEGER NOT NULL REFERENCES organization (id),
    PRIMARY KEY (consent_id, organization_id)
) STRICT;

CREATE TABLE assessment (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES client (id),
    program_id       INTEGER NOT NULL REFERENCES program (id),
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaire (id),
    at               TEXT NOT NULL,
    staff_id         INTEGER NOT NULL REFERENCES staff (id),
    setting          TEXT NOT NULL,
    score            INTEGER NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('high', 'moderate', 'low')),
    drivers          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX assessment_client ON assessment (client_id, at);

CREATE TABLE assessment_answer (
    assessment_id INTEGER NOT NULL REFERENCES assessment (id),
    question_id   INTEGER NOT NULL REFERENCES question (id),
    answer        INTEGER NOT NULL CHECK (answer IN (0, 1)),
    PRIMARY KEY (assessment_id, question_id)
) STRICT;

CREATE TABLE alert (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    kind            TEXT NOT NULL CHECK (kind IN ('risk-rise', 'break-glass',
                        'readmission', 'handoff')),
    for_role        TEXT NOT NULL,
    for_staff_id    INTEGER REFERENCES staff (id),
    details         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by INTEGER REFERENCES staff (id)
) STRICT;
CREATE INDEX alert_open ON alert (for_staff_id, acknowledged_at);

CREATE TABLE episode (
    id            INTEGER PRIMARY KEY,
    client_id     INTEGER NOT NULL REFERENCES client (id),
    program_id    INTEGER NOT NULL REFERENCES program (id),
    start_date    TEXT NOT NULL,
    target_days   INTEGER NOT NULL CHECK (target_days > 0),
    extended_days INTEGER NOT NULL DEFAULT 0 CHECK (extended_days >= 0),
    closed_date   TEXT,
    outcome       TEXT CHECK (outcome IN ('goals-met', 'readmitted',
                      'declined-further', 'unreachable', 'moved', 'died',
                      'transferred')),
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((closed_date IS NULL) = (outcome IS NULL))
) STRICT;
-- A client never has two open intensive episodes in one program.
CREATE UNIQUE INDEX episode_one_open ON episode (client_id, program_id)
    WHERE closed_date IS NULL;

CREATE TABLE episode_extension (
    id         INTEGER PRIMARY KEY,
    episode_id INTEGER NOT NULL REFERENCES episode (id),
    days       INTEGER NOT NULL CHECK (days > 0),
    reason     TEXT NOT NULL CHECK (reason <> ''),
    at         TEXT NOT NULL,
    staff_id   INTEGER NOT NULL
) STRICT;

-- Light-touch monitoring between episodes, with the next re-screen due.
CREATE TABLE monitoring (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    program_id     INTEGER NOT NULL REFERENCES program (id),
    since_date     TEXT NOT NULL,
    rescreen_date  TEXT NOT NULL,
    ended_date     TEXT,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX monitoring_one_open ON monitoring (client_id, program_id)
    WHERE ended_date IS NULL;

CREATE TABLE task (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES client (id),
    episode_id   INTEGER REFERENCES episode (id),
    title        TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    owner_id     INTEGER NOT NULL REFERENCES staff (id),
    origin       TEXT NOT NULL CHECK (origin IN ('protocol', 'alert', 'manual')),
    origin_ref   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    completed_at TEXT,
    completed_by INTEGER,
    cancelled_at TEXT,  -- the episode closed before the task was done
    version      INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX task_open ON task (owner_id, completed_at, due_at);
CREATE INDEX task_client ON task (client_id);

-- Contacts are append-only: a correction is a new row naming the old one.
CREATE TABLE contact (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES client (id),
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'home-visit',
                     'accompanied-appointment', 'snf-visit', 'message')),
    at           TEXT NOT NULL,
    duration_min INTEGER NOT NULL DEFAULT 0 CHECK (duration_min >= 0),
    note         TEXT NOT NULL DEFAULT '',
    staff_id     INTEGER NOT NULL REFERENCES staff (id),
    corrects_id  INTEGER REFERENCES contact (id),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX contact_client ON contact (client_id, at);

CREATE TRIGGER contact_no_update BEFORE UPDATE ON contact
BEGIN
    SELECT RAISE(ABORT, 'contacts are append-only: record a correction');
END;
CREATE TRIGGER contact_no_delete BEFORE DELETE ON contact
BEGIN
    SELECT RAISE(ABORT, 'contacts are append-only: record a correction');
END;
CREATE TRIGGER referral_event_no_update BEFORE UPDATE ON referral_event
BEGIN
    SELECT RAISE(ABORT, 'referral history is append-only');
END;
CREATE TRIGGER referral_event_no_delete BEFORE DELETE ON referral_event
BEGIN
    SELECT RAISE(ABORT, 'referral history is append-only');
END;
