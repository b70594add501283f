-- 0019_audit_client.sql — the audit read by client as a column, not by a
-- string built at query time (issue 16).
--
-- An entry about a client record names it as object 'client:<id>'. The
-- reports that ask "who looked at this client" (the access log, the consent
-- audit's views after a revocation, what was done under a break-glass)
-- compared that text with 'client:' || id; an index on (object, at) served
-- them, but the key was a convention of strings. client_id is now a column
-- of its own, computed from object (VIRTUAL: nothing is stored in the row,
-- no row is rewritten, so the hash chain is untouched) and indexed with the
-- time, only where an entry names a client.
ALTER TABLE audit ADD COLUMN client_id INTEGER GENERATED ALWAYS AS
    (CASE WHEN substr(object, 1, 7) = 'client:' THEN CAST(substr(object, 8) AS INTEGER)
     END) VIRTUAL;
CREATE INDEX audit_client_at ON audit (client_id, at) WHERE client_id IS NOT NULL;
