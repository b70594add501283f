-- 0022_consent_expiry.sql — consents by expiry with what the measures and
-- the consent audit read of them (issue 16): a period's expiring or expired
-- consents counted by kind, decision and revocation from the index alone,
-- the consent rows themselves not read (as client_measures, 0021, for the
-- client's program and owner).
DROP INDEX consent_expires;
CREATE INDEX consent_expires ON consent (expires_date, kind, decision, revoked_date,
    client_id) WHERE expires_date IS NOT NULL;
