-- 0020_encounter_at.sql — encounters by time, of every kind: the consent
-- audit asks which clients had any activity in its period (reports.c
-- ACTIVE_IN_PERIOD) and, at ten years of notifications, must find them by
-- the period's rows, not by reading them all (issue 16).
CREATE INDEX encounter_at ON encounter (at);
