-- 0017_scale_reports.sql — indexes for the reports at 250,000 clients
-- (issue 16): each lets a period's measure read only that period's rows,
-- found by reading every report's statements with EXPLAIN QUERY PLAN
-- (tests/unit/test_report_plans.c, tests/bench/bench_reports.c).

-- Referrals received in a period, of every program (referral_received
-- leads with the program).
CREATE INDEX referral_received_date ON referral (received_date);

-- Episodes closed in a period (lengths, activation, clients served) and
-- closed after a day (the caseload at a period's end). Only closed ones:
-- open episodes (NULL) are most of the live rows under one value, which
-- the planner's statistics (no STAT4) cannot see, so a NULL here would
-- draw every "closed_date IS NULL" lookup of one client to this index;
-- the open ones are read from episode_one_open instead.
CREATE INDEX episode_closed ON episode (closed_date) WHERE closed_date IS NOT NULL;

-- Episodes started in a period (specialty navigation).
CREATE INDEX episode_start ON episode (start_date);

-- Monitoring ended after a day, as for episodes (open: monitoring_one_open).
CREATE INDEX monitoring_ended ON monitoring (ended_date) WHERE ended_date IS NOT NULL;

-- Consents expiring in a window (expiring and expired consents).
CREATE INDEX consent_expires ON consent (expires_date) WHERE expires_date IS NOT NULL;

-- A person's open tasks by due time (overdue now), and those cancelled
-- (overdue at a past day and cancelled since); completed ones are found by
-- task_open (owner_id, completed_at, due_at).
CREATE INDEX task_open_due ON task (owner_id, due_at, created_at)
    WHERE completed_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX task_cancelled ON task (owner_id, cancelled_at)
    WHERE cancelled_at IS NOT NULL;

-- Consents revoked in a period (the consent audit's revocations and the
-- views after them).
CREATE INDEX consent_revoked ON consent (revoked_date) WHERE revoked_date IS NOT NULL;
