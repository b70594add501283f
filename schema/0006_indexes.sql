-- 0006_indexes.sql — indexes for lookups and joins of the core that read
-- whole tables: found with EXPLAIN QUERY PLAN and SQLite's full-scan
-- counters over the case, team and report suites (docs/PERFORMANCE.md).
-- In an encrypted store every page such a scan misses costs a decryption.

-- Closing an episode or leaving a program cancels the episode's open tasks
-- (WHERE episode_id = ?).
CREATE INDEX task_episode ON task (episode_id);

-- Search and lookups by an identifier's value alone: the primary key
-- (facility_id, value) keeps each value unique within one facility, but
-- serves only lookups that name the facility.
CREATE INDEX client_identifier_value ON client_identifier (value);

-- The teams a person is on or covers (scope, caseloads, the inbox, the
-- staff list): both primary keys lead with team_id.
CREATE INDEX team_member_staff ON team_member (staff_id, team_id);
CREATE INDEX team_cover_staff ON team_cover (staff_id, team_id);

-- A record's hand-off history: handoff_one_open holds only proposed ones.
CREATE INDEX handoff_client ON handoff (client_id, proposed_at);

-- Hand-offs due to expire, looked for before every hand-off decision.
CREATE INDEX handoff_due ON handoff (expires_at) WHERE state = 'proposed';
