-- 0014_reports.sql — what the quarterly report needs beyond the case data.
--
-- referral.readmit_risk: the 30-day readmission risk (a percentage, 0-100)
-- the referring hospital gave at intake, or NULL when none was given; the
-- expected readmissions of a period are the sum of these risks over the
-- discharges of clients who have one (observed vs expected).
-- program_budget: what a program spent (or was given) for one quarter, in
-- cents, set by an administrator; cost per client served is the budget over
-- the clients the program served in that quarter. One row per program and
-- quarter; setting it again replaces the amount and keeps who and when.
-- The site's name for report headers is meta 'site_name'.

ALTER TABLE referral ADD COLUMN readmit_risk REAL
    CHECK (readmit_risk IS NULL OR (readmit_risk >= 0 AND readmit_risk <= 100));

CREATE TABLE program_budget (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES program (id),
    quarter      TEXT NOT NULL CHECK (quarter GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    set_at       TEXT NOT NULL,
    set_by       INTEGER NOT NULL,   -- staff id; 0 = the system (demo)
    UNIQUE (program_id, quarter)
) STRICT;
