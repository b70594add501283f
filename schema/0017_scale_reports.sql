-- 0017_scale_reports.sql — indexes for the reports at 250,000 clients
-- (issue 16): each lets a period's measure read only that period's rows,
-- found by reading every report's statements with EXPLAIN QUERY PLAN
-- (tests/unit/test_report_plans.c, tests/bench/bench_reports.c).

-- Referrals received in a period, of every program (referral_received
-- leads with the program).
CREATE INDEX referral_received_date ON referral (received_date);

-- Episodes closed in a period (lengths, activation, clients served) and
-- those still open or closed after a day (the caseload at a period's end):
-- NULL sorts first, so the open ones are one range of the index too.
CREATE INDEX episode_closed ON episode (closed_date, start_date);

-- Episodes started in a period (specialty navigation).
CREATE INDEX episode_start ON episode (start_date);

-- Monitoring still open or ended after a day, as for episodes.
CREATE INDEX monitoring_ended ON monitoring (ended_date, since_date);

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
