-- 0018_monitoring_end.sql — why light-touch monitoring ended.
--
-- A coach ends a client's light-touch follow-up when it has served its
-- purpose or can no longer go on (episode.h monitoring_end): stable after
-- re-screens, moved, died, declined further contact, unreachable, or
-- transferred to another service. Monitoring ended by a new intensive
-- episode or a hand-off keeps a NULL reason, as before.
ALTER TABLE monitoring ADD COLUMN end_reason TEXT
    CHECK (end_reason IS NULL OR end_reason IN ('stable', 'moved', 'died',
           'declined-further', 'unreachable', 'transferred'));
