-- 0008_leave.sql — leave cover: while staff_id is away from start_date to
-- end_date (local dates, inclusive), cover_id, a colleague on one of their
-- teams, works their caseload and inbox as their own, without a hand-off.
-- It ends by itself after end_date; ended_at ends it early. What the
-- colleague does is audited under the colleague's name with the cover noted.

CREATE TABLE leave_cover (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    cover_id   INTEGER NOT NULL REFERENCES staff (id),
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    ended_at   TEXT,
    ended_by   INTEGER,
    CHECK (staff_id <> cover_id),
    CHECK (end_date >= start_date)
) STRICT;
CREATE INDEX leave_cover_by ON leave_cover (cover_id, end_date);
CREATE INDEX leave_cover_of ON leave_cover (staff_id, end_date);
