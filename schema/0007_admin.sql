-- 0007_admin.sql — administering a site from a blank database: the
-- organization directory (retired, never deleted once referenced), teams
-- with a capacity of their own (a member's role on a team is their account's),
-- how many teams one person may cover (a site setting, DOMAIN.md's 3), and
-- alerts about account changes that open client content (the alert table
-- rebuilt so that an alert may name an account instead of a client, and an
-- episode past its target or maximum, once).

ALTER TABLE organization ADD COLUMN active INTEGER NOT NULL DEFAULT 1
    CHECK (active IN (0, 1));

ALTER TABLE team ADD COLUMN capacity INTEGER CHECK (capacity IS NULL OR capacity > 0);
ALTER TABLE team ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

-- A program manager or social worker covers up to this many teams.
INSERT INTO meta (key, value) VALUES ('team_cover_limit', '3');

-- Alerts: client_id may be NULL for an 'account' alert, which names the
-- account changed (subject_staff_id) instead. Nothing references alert.
CREATE TABLE alert_new (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER REFERENCES client (id),
    kind             TEXT NOT NULL CHECK (kind IN ('risk-rise', 'break-glass',
                         'readmission', 'handoff', 'account', 'episode-target',
                         'episode-maximum')),
    for_role         TEXT NOT NULL,
    for_staff_id     INTEGER REFERENCES staff (id),
    details          TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES staff (id),
    resolved_at      TEXT,
    resolved_by      INTEGER REFERENCES staff (id),
    resolution       TEXT NOT NULL DEFAULT '',
    subject_staff_id INTEGER REFERENCES staff (id),
    episode_id       INTEGER REFERENCES episode (id),
    CHECK (client_id IS NOT NULL OR kind = 'account')
) STRICT;
INSERT INTO alert_new (id, client_id, kind, for_role, for_staff_id, details,
    created_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by,
    resolution)
SELECT id, client_id, kind, for_role, for_staff_id, details, created_at,
    acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution
FROM alert;
DROP TABLE alert;
ALTER TABLE alert_new RENAME TO alert;
CREATE INDEX alert_open ON alert (for_staff_id, acknowledged_at);
CREATE INDEX alert_unresolved ON alert (for_staff_id, for_role) WHERE resolved_at IS NULL;
CREATE INDEX alert_account ON alert (created_at) WHERE kind = 'account';
-- An open episode past its target, or past the program's maximum, raises
-- one alert of each kind (episode_alerts_raise in episode.c).
CREATE UNIQUE INDEX alert_episode ON alert (kind, episode_id) WHERE episode_id IS NOT NULL;
