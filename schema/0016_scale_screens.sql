-- 0016_scale_screens.sql — what the screens read, answered by index at
-- 250,000 clients (issue 16): a maintained current state per client and the
-- parts of every name, both kept by triggers in the same transaction as the
-- change that moves them, whichever code path makes it (intake, an episode
-- closed, a monitoring ended, an assessment, a contact, an assignment, a
-- merge and its undo). Both are filled from what is already there.
--
-- client_state is one row per client:
--   owner_id  the client's owner (client.owner_id), NULL when unassigned;
--   active    1 while the client has an open intensive episode or open
--             light-touch monitoring ("active": the caseload's count, the
--             board, capacity, the unassigned queue's followed clients);
--   referred  1 while the client has a referral still open (received,
--             contacted, consented, assessed);
--   level     the latest assessment's level (by time, then id), or NULL;
--   episode_end  the last day of the open episode that ends first (start
--             + target + extension - 1), NULL with none open: the client is
--             past target on a day after it (the board's "past");
--   seen_at   the latest contact's time, or the client's creation when no
--             contact was ever logged (the board's stalest, the stale list).
-- The partial indexes hold only the clients being worked with, by owner.
CREATE TABLE client_state (
    client_id INTEGER PRIMARY KEY,
    owner_id  INTEGER,
    active    INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    referred  INTEGER NOT NULL DEFAULT 0 CHECK (referred IN (0, 1)),
    level     TEXT,
    episode_end TEXT,
    seen_at   TEXT NOT NULL
) STRICT;

INSERT INTO client_state (client_id, owner_id, active, referred, level, episode_end,
                          seen_at)
SELECT c.id, c.owner_id,
       EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.closed_date IS NULL)
           OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = c.id
                      AND m.ended_date IS NULL),
       EXISTS (SELECT 1 FROM referral r WHERE r.client_id = c.id
               AND r.status IN ('received', 'contacted', 'consented', 'assessed')),
       (SELECT a.level FROM assessment a WHERE a.client_id = c.id
        ORDER BY a.at DESC, a.id DESC LIMIT 1),
       (SELECT min(date(e.start_date, '+' || (e.target_days + e.extended_days - 1) ||
                        ' days')) FROM episode e
        WHERE e.client_id = c.id AND e.closed_date IS NULL),
       coalesce((SELECT max(k.at) FROM contact k WHERE k.client_id = c.id), c.created_at)
FROM client c;

-- Each index carries the columns its readers count or compare, active
-- too, so that a count is read from the index alone.
CREATE INDEX client_state_active ON client_state (owner_id, level, active)
    WHERE active = 1;
CREATE INDEX client_state_seen ON client_state (owner_id, seen_at, active)
    WHERE active = 1;
CREATE INDEX client_state_past ON client_state (owner_id, episode_end, active)
    WHERE active = 1;
-- ... and for a supervisor's stale list, over every owner.
CREATE INDEX client_state_stale ON client_state (seen_at, active) WHERE active = 1;
CREATE INDEX client_state_due ON client_state (episode_end, active) WHERE active = 1;
CREATE INDEX client_state_worked ON client_state (owner_id, active, referred)
    WHERE active = 1 OR referred = 1;

-- Open tasks by owner and due time: the overdue counts, the board, the
-- agenda, one's tasks, read from the index alone.
CREATE INDEX task_open_due ON task (owner_id, due_at)
    WHERE completed_at IS NULL AND cancelled_at IS NULL;
-- ... and by client: a caseload row's next task without the client's past.
CREATE INDEX task_open_client ON task (client_id, due_at)
    WHERE completed_at IS NULL AND cancelled_at IS NULL;

-- A client's state, computed again (the triggers' one definition).
CREATE TRIGGER client_state_new AFTER INSERT ON client
BEGIN
    INSERT INTO client_state (client_id, owner_id, seen_at)
    VALUES (NEW.id, NEW.owner_id, NEW.created_at);
END;
CREATE TRIGGER client_state_owner AFTER UPDATE OF owner_id ON client
WHEN OLD.owner_id IS NOT NEW.owner_id
BEGIN
    UPDATE client_state SET owner_id = NEW.owner_id WHERE client_id = NEW.id;
END;
CREATE TRIGGER client_state_gone AFTER DELETE ON client
BEGIN
    DELETE FROM client_state WHERE client_id = OLD.id;
END;

CREATE TRIGGER client_state_episode_new AFTER INSERT ON episode
BEGIN
    UPDATE client_state SET active =
        EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client_state.client_id
                AND e.closed_date IS NULL)
        OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = client_state.client_id
                   AND m.ended_date IS NULL),
        episode_end = (SELECT min(date(e.start_date, '+' || (e.target_days +
                           e.extended_days - 1) || ' days')) FROM episode e
                       WHERE e.client_id = client_state.client_id
                       AND e.closed_date IS NULL)
    WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER client_state_episode AFTER UPDATE OF closed_date, client_id, start_date,
    target_days, extended_days ON episode
BEGIN
    UPDATE client_state SET active =
        EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client_state.client_id
                AND e.closed_date IS NULL)
        OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = client_state.client_id
                   AND m.ended_date IS NULL),
        episode_end = (SELECT min(date(e.start_date, '+' || (e.target_days +
                           e.extended_days - 1) || ' days')) FROM episode e
                       WHERE e.client_id = client_state.client_id
                       AND e.closed_date IS NULL)
    WHERE client_id IN (OLD.client_id, NEW.client_id);
END;
CREATE TRIGGER client_state_episode_gone AFTER DELETE ON episode
BEGIN
    UPDATE client_state SET active =
        EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client_state.client_id
                AND e.closed_date IS NULL)
        OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = client_state.client_id
                   AND m.ended_date IS NULL),
        episode_end = (SELECT min(date(e.start_date, '+' || (e.target_days +
                           e.extended_days - 1) || ' days')) FROM episode e
                       WHERE e.client_id = client_state.client_id
                       AND e.closed_date IS NULL)
    WHERE client_id = OLD.client_id;
END;

CREATE TRIGGER client_state_monitoring_new AFTER INSERT ON monitoring
BEGIN
    UPDATE client_state SET active = 1 WHERE client_id = NEW.client_id
        AND NEW.ended_date IS NULL;
END;
CREATE TRIGGER client_state_monitoring AFTER UPDATE OF ended_date, client_id
ON monitoring
BEGIN
    UPDATE client_state SET active =
        EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client_state.client_id
                AND e.closed_date IS NULL)
        OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = client_state.client_id
                   AND m.ended_date IS NULL)
    WHERE client_id IN (OLD.client_id, NEW.client_id);
END;
CREATE TRIGGER client_state_monitoring_gone AFTER DELETE ON monitoring
BEGIN
    UPDATE client_state SET active =
        EXISTS (SELECT 1 FROM episode e WHERE e.client_id = client_state.client_id
                AND e.closed_date IS NULL)
        OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = client_state.client_id
                   AND m.ended_date IS NULL)
    WHERE client_id = OLD.client_id;
END;

CREATE TRIGGER client_state_referral_new AFTER INSERT ON referral
WHEN NEW.status IN ('received', 'contacted', 'consented', 'assessed')
BEGIN
    UPDATE client_state SET referred = 1 WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER client_state_referral AFTER UPDATE OF status, client_id ON referral
BEGIN
    UPDATE client_state SET referred =
        EXISTS (SELECT 1 FROM referral r WHERE r.client_id = client_state.client_id
                AND r.status IN ('received', 'contacted', 'consented', 'assessed'))
    WHERE client_id IN (OLD.client_id, NEW.client_id);
END;
CREATE TRIGGER client_state_referral_gone AFTER DELETE ON referral
BEGIN
    UPDATE client_state SET referred =
        EXISTS (SELECT 1 FROM referral r WHERE r.client_id = client_state.client_id
                AND r.status IN ('received', 'contacted', 'consented', 'assessed'))
    WHERE client_id = OLD.client_id;
END;

CREATE TRIGGER client_state_assessment_new AFTER INSERT ON assessment
BEGIN
    UPDATE client_state SET level =
        (SELECT a.level FROM assessment a WHERE a.client_id = NEW.client_id
         ORDER BY a.at DESC, a.id DESC LIMIT 1)
    WHERE client_id = NEW.client_id;
END;
CREATE TRIGGER client_state_assessment AFTER UPDATE OF at, level, client_id
ON assessment
BEGIN
    UPDATE client_state SET level =
        (SELECT a.level FROM assessment a WHERE a.client_id = client_state.client_id
         ORDER BY a.at DESC, a.id DESC LIMIT 1)
    WHERE client_id IN (OLD.client_id, NEW.client_id);
END;
CREATE TRIGGER client_state_assessment_gone AFTER DELETE ON assessment
BEGIN
    UPDATE client_state SET level =
        (SELECT a.level FROM assessment a WHERE a.client_id = client_state.client_id
         ORDER BY a.at DESC, a.id DESC LIMIT 1)
    WHERE client_id = OLD.client_id;
END;

-- Contacts are append-only; a merge (or its undo) moves them by client_id.
CREATE TRIGGER client_state_contact_new AFTER INSERT ON contact
BEGIN
    UPDATE client_state SET seen_at = NEW.at
    WHERE client_id = NEW.client_id AND (seen_at < NEW.at OR NOT EXISTS
        (SELECT 1 FROM contact k WHERE k.client_id = NEW.client_id AND k.id <> NEW.id));
END;
CREATE TRIGGER client_state_contact AFTER UPDATE OF client_id, at ON contact
BEGIN
    UPDATE client_state SET seen_at = coalesce(
        (SELECT max(k.at) FROM contact k WHERE k.client_id = client_state.client_id),
        (SELECT c.created_at FROM client c WHERE c.id = client_state.client_id))
    WHERE client_id IN (OLD.client_id, NEW.client_id);
END;

-- The parts of a name a search finds by index: every suffix of the name's
-- key (client.name_key: the family name's letters, a space, the given
-- name's, folded to a-z) that starts with at least two letters, with the
-- names to sort by. "ello" is in a name exactly when some part lies in
-- ['ello', 'ello{'): name_key LIKE '%ello%' by index. Only records not
-- merged into another are found (merge.h), so only theirs are kept.
CREATE TABLE client_name_part (
    part        TEXT NOT NULL,
    client_id   INTEGER NOT NULL,
    family_name TEXT NOT NULL,
    given_name  TEXT NOT NULL,
    PRIMARY KEY (part, client_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO client_name_part (part, client_id, family_name, given_name)
WITH RECURSIVE pos (id, k, n) AS (
    SELECT id, name_key, 1 FROM client WHERE merged_into IS NULL
    UNION ALL SELECT id, k, n + 1 FROM pos WHERE n < length(k))
SELECT substr(p.k, p.n), p.id, c.family_name, c.given_name FROM pos p
JOIN client c ON c.id = p.id
WHERE substr(p.k, p.n, 1) <> ' ' AND substr(p.k, p.n + 1, 1) NOT IN (' ', '');

CREATE TRIGGER client_name_part_new AFTER INSERT ON client
WHEN NEW.merged_into IS NULL
BEGIN
    INSERT OR IGNORE INTO client_name_part (part, client_id, family_name, given_name)
    SELECT substr(NEW.name_key, n), NEW.id, NEW.family_name, NEW.given_name
    FROM (WITH RECURSIVE pos (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos
                                     WHERE n < length(NEW.name_key)) SELECT n FROM pos)
    WHERE substr(NEW.name_key, n, 1) <> ' '
      AND substr(NEW.name_key, n + 1, 1) NOT IN (' ', '');
END;
CREATE TRIGGER client_name_part_change AFTER UPDATE OF family_name, given_name,
    name_key, merged_into ON client
WHEN OLD.family_name IS NOT NEW.family_name OR OLD.given_name IS NOT NEW.given_name
    OR OLD.name_key IS NOT NEW.name_key OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
    DELETE FROM client_name_part WHERE client_id = OLD.id AND part IN
        (SELECT substr(OLD.name_key, n)
         FROM (WITH RECURSIVE pos (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos
                                          WHERE n < length(OLD.name_key))
               SELECT n FROM pos));
    INSERT OR IGNORE INTO client_name_part (part, client_id, family_name, given_name)
    SELECT substr(NEW.name_key, n), NEW.id, NEW.family_name, NEW.given_name
    FROM (WITH RECURSIVE pos (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos
                                     WHERE n < length(NEW.name_key)) SELECT n FROM pos)
    WHERE NEW.merged_into IS NULL AND substr(NEW.name_key, n, 1) <> ' '
      AND substr(NEW.name_key, n + 1, 1) NOT IN (' ', '');
END;
CREATE TRIGGER client_name_part_gone AFTER DELETE ON client
BEGIN
    DELETE FROM client_name_part WHERE client_id = OLD.id AND part IN
        (SELECT substr(OLD.name_key, n)
         FROM (WITH RECURSIVE pos (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos
                                          WHERE n < length(OLD.name_key))
               SELECT n FROM pos));
END;
