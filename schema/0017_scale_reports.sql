-- 0017_scale_reports.sql — indexes for the reports at 250,000 clients
-- (issue 16): each lets a period's measure read only that period's rows,
-- found by reading every report's statements with EXPLAIN QUERY PLAN
-- (tests/unit/test_report_plans.c, tests/bench/bench_reports.c).

-- Referrals received in a period, of every program (referral_received
-- leads with the program), with what the conversion reads of each, so the
-- period's referrals are read from the index alone.
CREATE INDEX referral_received_date ON referral (received_date, program_id, client_id,
    status);

-- A referral's first assessment in its program from a day on, and its
-- level, from the index alone.
CREATE INDEX assessment_first ON assessment (client_id, program_id, at, level);

-- The first home visit after a discharge.
CREATE INDEX contact_home_visit ON contact (client_id, at) WHERE kind = 'home-visit';

-- Episodes closed in a period (lengths, activation, clients served) and
-- closed after a day (the caseload at a period's end). Only closed ones:
-- open episodes (NULL) are most of the live rows under one value, which
-- the planner's statistics (no STAT4) cannot see, so a NULL here would
-- draw every "closed_date IS NULL" lookup of one client to this index.
-- The open ones have an index of their own, by start, that no lookup of
-- one client can use. Both hold what the caseload reads (covering).
CREATE INDEX episode_closed ON episode (closed_date, start_date, client_id, program_id)
    WHERE closed_date IS NOT NULL;
CREATE INDEX episode_open ON episode (start_date, client_id, program_id)
    WHERE closed_date IS NULL;

-- Episodes started in a period (specialty navigation).
CREATE INDEX episode_start ON episode (start_date);

-- Monitoring ended after a day and still open, as for episodes.
CREATE INDEX monitoring_ended ON monitoring (ended_date, since_date, client_id,
    program_id) WHERE ended_date IS NOT NULL;
CREATE INDEX monitoring_open ON monitoring (since_date, client_id, program_id)
    WHERE ended_date IS NULL;

-- Consents expiring in a window (expiring and expired consents).
CREATE INDEX consent_expires ON consent (expires_date) WHERE expires_date IS NOT NULL;

-- A person's tasks open at a given instant and due before it, counted
-- from the index alone: still open (completed_at and cancelled_at NULL,
-- by due time), completed after it, cancelled after it.
CREATE INDEX task_overdue ON task (owner_id, completed_at, cancelled_at, due_at,
    created_at);

-- Consents revoked in a period (the consent audit's revocations and the
-- views after them).
CREATE INDEX consent_revoked ON consent (revoked_date) WHERE revoked_date IS NOT NULL;
