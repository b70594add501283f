-- 0013_plan.sql — the plan the client owns, the care-transition pillars,
-- medications and patient activation.
--
-- care_plan: one per client, carried across episodes; its goals are in the
-- client's own words, each with barriers and action steps (who does what by
-- when; a step may have become a task). Goals and steps are versioned like
-- every editable row: a save names the version it read. plan_goal.status
-- is active, met or dropped (with a reason).
-- medication: the client's list (name, dose, how taken, prescriber, where
-- the information came from, start and stop). med_reconciliation: who
-- reconciled, when, the discrepancies found and how each was resolved, and
-- the nurse's sign-off, which ticks the first pillar.
-- pillar: the four care-transition pillars of an episode (medications,
-- personal health record, follow-up, red flags), each done once, by whom.
-- pam_result: a Patient Activation Measure entered from a licensed
-- instrument (score 0-100, level 1-4, PAM-10 or PAM-13); carecoord stores
-- results, never the items or the scoring. The site's licence reference is
-- a setting (meta.pam_licence) copied onto each result.
-- The plan's review is a task (origin_ref "plan:ID:review") due 30 days
-- after the plan was made or last reviewed, while an episode is open.

CREATE TABLE care_plan (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL UNIQUE REFERENCES client (id),
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    reviewed_at TEXT,
    reviewed_by INTEGER,
    version    INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE plan_goal (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES care_plan (id),
    words        TEXT NOT NULL CHECK (words <> ''),  -- the client's own words
    barriers     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'met',
                     'dropped')),
    reason       TEXT NOT NULL DEFAULT '',
    review_date  TEXT,
    origin       TEXT NOT NULL DEFAULT '',  -- a template's code, or ''
    saved_at     TEXT NOT NULL,
    saved_by     INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    CHECK (status <> 'dropped' OR reason <> '')
) STRICT;
CREATE INDEX plan_goal_plan ON plan_goal (plan_id);

CREATE TABLE plan_step (
    id        INTEGER PRIMARY KEY,
    goal_id   INTEGER NOT NULL REFERENCES plan_goal (id),
    what      TEXT NOT NULL CHECK (what <> ''),
    who       TEXT NOT NULL DEFAULT 'client',  -- 'client', 'caregiver' or a login
    due_date  TEXT,
    task_id   INTEGER REFERENCES task (id),
    done      INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    saved_at  TEXT NOT NULL,
    saved_by  INTEGER NOT NULL,
    version   INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX plan_step_goal ON plan_step (goal_id);

-- Starting goals a program proposes, as data (the pillars for care
-- transitions).
CREATE TABLE plan_template (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,  -- the program kind it serves
    code       TEXT NOT NULL,
    words      TEXT NOT NULL,
    UNIQUE (kind, code)
) STRICT;
INSERT INTO plan_template (kind, code, words) VALUES
    ('care-transition', 'medications', 'I know what each of my medicines is for and take them as told'),
    ('care-transition', 'phr', 'I keep my health record with me and bring it to every visit'),
    ('care-transition', 'follow-up', 'I see my doctor within a week and the specialist when booked'),
    ('care-transition', 'red-flags', 'I know the warning signs and whom to call right away'),
    ('senior-stabilization', 'home', 'I stay safe and steady in my home'),
    ('specialty-navigation', 'specialist', 'I get to my specialist appointment and understand what comes next');

CREATE TABLE medication (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES client (id),
    name        TEXT NOT NULL CHECK (name <> ''),
    dose        TEXT NOT NULL DEFAULT '',
    how_taken   TEXT NOT NULL DEFAULT '',
    prescriber  TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL CHECK (source IN ('client', 'caregiver', 'pharmacy',
                    'discharge-summary', 'pcp', 'bottles')),
    start_date  TEXT,
    stop_date   TEXT,
    saved_at    TEXT NOT NULL,
    saved_by    INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX medication_client ON medication (client_id);

CREATE TABLE med_reconciliation (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES client (id),
    episode_id     INTEGER REFERENCES episode (id),
    at             TEXT NOT NULL,
    staff_id       INTEGER NOT NULL REFERENCES staff (id),
    note           TEXT NOT NULL DEFAULT '',
    signed_off_by  INTEGER REFERENCES staff (id),
    signed_off_at  TEXT,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX med_reconciliation_client ON med_reconciliation (client_id);

CREATE TABLE med_discrepancy (
    id                INTEGER PRIMARY KEY,
    reconciliation_id INTEGER NOT NULL REFERENCES med_reconciliation (id),
    medication_id     INTEGER REFERENCES medication (id),
    what              TEXT NOT NULL CHECK (what <> ''),
    resolution        TEXT NOT NULL CHECK (resolution <> '')
) STRICT;
CREATE INDEX med_discrepancy_rec ON med_discrepancy (reconciliation_id);

CREATE TABLE pillar (
    episode_id INTEGER NOT NULL REFERENCES episode (id),
    pillar     TEXT NOT NULL CHECK (pillar IN ('medications', 'phr', 'follow-up',
                   'red-flags')),
    done_at    TEXT NOT NULL,
    done_by    INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (episode_id, pillar)
) STRICT;

CREATE TABLE pam_result (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES client (id),
    score           REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    instrument      TEXT NOT NULL CHECK (instrument IN ('PAM-10', 'PAM-13')),
    taken_date      TEXT NOT NULL,
    administered_by INTEGER NOT NULL REFERENCES staff (id),
    licence_ref     TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX pam_result_client ON pam_result (client_id, taken_date);
