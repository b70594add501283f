-- 0021_client_measures.sql — what the measures read of a client, in an index
-- of its own (issue 16).
--
-- The measures count consents, appointments, referrals and open cases by
-- the client's program, tier and owner, one client row per counted row: at
-- ten years, tens of thousands of rows a quarter, each a lookup in the
-- client table, whose rows (names, address, contact details) spread over
-- many pages the cache cannot hold. These four columns fit a few megabytes
-- at 250,000 clients, so the lookups stay in the cache.
CREATE INDEX client_measures ON client (id, program_id, owner_id, tier);

