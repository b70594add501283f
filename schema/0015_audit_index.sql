-- 0015_audit_index.sql — the audit reads of the access log, the break-glass
-- review and the consent audit answered by index at ten million entries
-- (issue 16). Each compares the raw `at` (UTC, "YYYY-MM-DDTHH:MM:SSZ", so
-- text order is time order) with the period's instants, bound as
-- parameters: by record (object, at), by staff member (staff_id, at) and,
-- for the whole log, by action (action, at). The indexes of 0001 on
-- (object, seq) and (staff_id, seq) served only those reports and give way
-- to these. No audit row is rewritten: the hash chain is untouched.
-- The accounting of disclosures by client already has disclosure_client
-- (client_id, at); the consent audit's period over all disclosures and the
-- grants of a period get an index on the time.

DROP INDEX audit_object;
DROP INDEX audit_staff;
CREATE INDEX audit_object_at ON audit (object, at);
CREATE INDEX audit_staff_at ON audit (staff_id, at);
CREATE INDEX audit_action_at ON audit (action, at);

CREATE INDEX disclosure_at ON disclosure (at);
CREATE INDEX access_grant_granted ON access_grant (granted_at);
