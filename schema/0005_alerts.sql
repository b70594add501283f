-- 0005_alerts.sql — alerts are acknowledged (seen) and resolved (dealt with,
-- with a note); a resolved alert leaves the inbox and the header count.
ALTER TABLE alert ADD COLUMN resolved_at TEXT;
ALTER TABLE alert ADD COLUMN resolved_by INTEGER REFERENCES staff (id);
ALTER TABLE alert ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
CREATE INDEX alert_unresolved ON alert (for_staff_id, for_role) WHERE resolved_at IS NULL;
