/*
 * reports.c — the manager's and supervisor's reports as tables, one SQL
 * query per report in a table; parameters are always bound. "Mine" means
 * the teams the actor covers or belongs to; supervisors see all.
 */
#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "caseload.h"
#include "guard.h"
#include "store/audit.h"
#include "measures.h"
#include "quarterly.h"
#include "merge.h"
#include "scope.h"
#include "util/clock.h"
#include "util/text.h"
#include "verify.h"

/* The clients with an episode or monitoring open: read from the partial
 * indexes that hold only the open ones, never by looking at every client. */
#define OPEN_CASES                                                                     \
    "SELECT client_id FROM episode INDEXED BY episode_open WHERE closed_date IS "      \
    "NULL UNION SELECT client_id FROM monitoring INDEXED BY monitoring_open "          \
    "WHERE ended_date IS NULL"

/* The teams in reach: ?1 program code ('' = all), ?2 'all' or 'mine',
 * ?3 the actor's staff id; `active`, the active clients (client_state,
 * schema 0016). */
#define MY_TEAMS                                                                         \
    "my_teams AS (SELECT t.id, t.name, p.code, p.capacity, t.capacity AS team_capacity " \
    "FROM team t JOIN program p ON p.id = t.program_id WHERE t.active = 1 AND (?1 = '' " \
    "OR p.code = ?1) AND (?2 = 'all' OR t.id "                                           \
    "IN "                                                                                \
    "(SELECT team_id FROM team_cover WHERE staff_id = ?3 UNION SELECT team_id FROM "     \
    "team_member WHERE staff_id = ?3))), "                                               \
    "active AS " CASELOAD_ACTIVE " "

/* The board: per coach of the teams in reach, then a row per team. ?12
 * limits it to the first teams by name (a screen's page; -1 all). */
/* clang-format off */
static const char caseload_sql[] =
    "WITH " MY_TEAMS ", per_coach AS (SELECT t.name AS team, s.id AS sid, s.login AS coach, "
    " t.capacity, t.team_capacity, "
    " (SELECT count(*) FROM client_state a INDEXED BY client_state_active WHERE "
    "  a.owner_id = s.id AND a.active = 1) AS n, "
    " (SELECT count(*) FROM client_state a INDEXED BY client_state_active WHERE "
    "  a.owner_id = s.id AND a.active = 1 AND a.level = 'high') AS high, "
    " (SELECT count(*) FROM client_state a INDEXED BY client_state_past WHERE "
    "  a.owner_id = s.id AND a.active = 1 AND a.episode_end < ?4) AS past, "
    " (SELECT count(*) FROM task k INDEXED BY task_open_due WHERE k.owner_id = s.id AND "
    "  k.completed_at IS NULL AND k.cancelled_at IS NULL AND k.due_at < ?5) AS overdue, "
    " (SELECT count(*) FROM handoff h WHERE h.state = 'proposed' AND (h.from_staff_id = "
    "  s.id OR h.to_staff_id = s.id)) AS handoffs, "
    " (SELECT CAST(julianday(?4) - julianday(date(min(a.seen_at), 'localtime')) AS "
    "  INTEGER) FROM client_state a INDEXED BY client_state_seen WHERE a.owner_id = "
    "  s.id AND a.active = 1) AS stalest "
    " FROM (SELECT * FROM my_teams ORDER BY name LIMIT ?12) t JOIN team_member tm ON "
    " tm.team_id = t.id JOIN staff s ON s.id = tm.staff_id WHERE s.role = 'coach' AND "
    " s.active = 1), "
    "team_handoffs AS MATERIALIZED (SELECT team, count(DISTINCT hid) AS n FROM (SELECT "
    " p.team, h.id AS hid FROM per_coach p JOIN handoff h ON h.from_staff_id = p.sid AND "
    " h.state = 'proposed' UNION ALL SELECT p.team, h.id FROM per_coach p JOIN handoff h "
    " ON h.to_staff_id = p.sid AND h.state = 'proposed') GROUP BY team) "
    "SELECT team, coach, n || '/' || capacity || cap_note AS active, substr('##########', 1, "
    " min(10, n * 10 / capacity)) || CASE WHEN n > capacity THEN '!' ELSE '' END AS load, "
    " high, past, overdue, handoffs, coalesce(stalest, '') AS stale_days "
    "FROM (SELECT team, coach, n, capacity, '' AS cap_note, high, past, overdue, handoffs, "
    " stalest, 1 AS o FROM per_coach UNION ALL SELECT team, '(team)', sum(n), "
    " coalesce(max(team_capacity), sum(capacity)), CASE WHEN max(team_capacity) IS NULL "
    " THEN '' ELSE ' team, coaches ' || sum(capacity) END, sum(high), "
    " sum(past), sum(overdue), coalesce((SELECT n FROM team_handoffs th WHERE th.team = "
    " per_coach.team), 0), max(stalest), 0 FROM per_coach GROUP BY team) "
    "ORDER BY team, o, coach";

/* The stale list: the active clients in reach not contacted for ?6 days
 * (client_state.seen_at) and those past their episode's target (an
 * episode of theirs ends first, client_state.episode_end), each found by
 * index: by owner for a program manager, over every owner for a
 * supervisor. */
#define STALE_MEMBERS                                                                  \
    "(SELECT tm.staff_id FROM team_member tm JOIN my_teams t ON t.id = tm.team_id)"
#define STALE_CUTOFF "date(?4, '-' || ?6 || ' days')"
static const char stale_sql[] =
    "WITH " MY_TEAMS ", quiet AS (SELECT a.client_id AS id FROM client_state a INDEXED BY "
    " client_state_stale WHERE ?2 = 'all' AND a.active = 1 AND a.seen_at < " STALE_CUTOFF
    " UNION ALL SELECT a.client_id FROM client_state a INDEXED BY client_state_seen WHERE "
    " ?2 <> 'all' AND a.active = 1 AND a.owner_id IN " STALE_MEMBERS " AND a.seen_at < "
    STALE_CUTOFF "), "
    "late AS (SELECT a.client_id AS id FROM client_state a INDEXED BY client_state_due "
    " WHERE ?2 = 'all' AND a.active = 1 AND a.episode_end < ?4 UNION ALL SELECT "
    " a.client_id FROM client_state a INDEXED BY client_state_past WHERE ?2 <> 'all' AND "
    " a.active = 1 AND a.owner_id IN " STALE_MEMBERS " AND a.episode_end < ?4) "
    "SELECT 'no contact' AS issue, c.id AS client, c.family_name || ', ' || c.given_name "
    " AS name, coalesce(s.login, '') AS owner, coalesce((SELECT max(date(k.at, 'localtime')) "
    " FROM contact k WHERE k.client_id = c.id), 'never') AS since FROM quiet m JOIN client "
    " c ON c.id = m.id LEFT JOIN program xp ON xp.id = c.program_id LEFT JOIN staff s ON "
    " s.id = c.owner_id WHERE ?1 = '' OR xp.code = ?1 "
    "UNION ALL SELECT 'past target', c.id, c.family_name || ', ' || c.given_name, "
    " coalesce(s.login, ''), date(e.start_date, '+' || (e.target_days - 1) || ' days') "
    " FROM late m JOIN client c ON c.id = m.id JOIN episode e ON e.client_id = c.id AND "
    " e.closed_date IS NULL AND e.extended_days = 0 LEFT JOIN program xp ON xp.id = "
    " c.program_id LEFT JOIN staff s ON s.id = c.owner_id WHERE (?1 = '' OR xp.code = ?1) "
    " AND julianday(?4) - julianday(e.start_date) + 1 > e.target_days "
    "ORDER BY 1, 5, 2";
/* clang-format on */

/* ---- the audits -------------------------------------------------------- *
 * Beyond ?1..?9 (run_sql): ?10 and ?11 are the period as instants, the
 * local midnight starting ?8 and the one after ?4, so a time column is
 * compared raw, by index ("YYYY-MM-DDTHH:MM:SSZ" sorts as time does). */

/* SQL: staff member S as "login (Full Name)", the login alone when no name
 * is recorded. */
#define STAFF_NAME(S)                                                                  \
    S ".login || CASE WHEN " S ".full_name <> '' THEN ' (' || " S                      \
      ".full_name || ')' ELSE '' END"

/* SQL: the instant the local day after date D begins. */
#define DAY_AFTER(D) "strftime('%Y-%m-%dT%H:%M:%SZ', " D ", '+1 day', 'utc')"

/* SQL: "N words", "1 word". */
#define COUNTED(N, WORD) N " || ' " WORD "' || CASE WHEN " N " = 1 THEN '' ELSE 's' END"

/* The releases kc of client c naming organization org in force on date d
 * (the FROM and WHERE of a query over them); su adds a condition. */
#define RELEASES_FOR(c, org, d, su)                                                    \
    "FROM consent kc JOIN consent_recipient rc ON rc.consent_id = kc.id WHERE "        \
    "kc.client_id = " c " AND rc.organization_id = " org " AND kc.kind = 'release' "   \
    "AND kc.decision = 'granted' AND kc.signed_date <= " d " AND (kc.expires_date IS " \
    "NULL OR kc.expires_date >= " d ") AND (kc.revoked_date IS NULL OR "               \
    "kc.revoked_date > " d ")" su

/* A consent covering the organization ?org at date ?d for client ?c. */
#define COVERED(c, org, d, su) "EXISTS (SELECT 1 " RELEASES_FOR(c, org, d, su) ")"

#define CLIENT_NAME "c.family_name || ', ' || c.given_name"

/* Active clients without a participation consent in force at the end (?4). */
#define NO_PARTICIPATION                                                                                  \
    "SELECT 'no participation consent' AS issue, c.id AS client, " CLIENT_NAME                            \
    " AS name, '' AS detail, '' AS date FROM (" OPEN_CASES                                                \
    ") o CROSS JOIN client c ON "                                                                         \
    "c.id = o.client_id WHERE NOT EXISTS (SELECT 1 FROM consent k WHERE k.client_id = c.id AND k.kind = " \
    "'participation' AND k.decision = 'granted' AND k.signed_date <= ?4 AND "                             \
    "(k.expires_date IS NULL OR k.expires_date >= ?4) AND (k.revoked_date IS NULL OR "                    \
    "k.revoked_date > ?4)) "

/* Releases expiring in the 30 days from the end. */
#define EXPIRING                                                                       \
    "SELECT 'release expiring', k.client_id, " CLIENT_NAME ", (SELECT "                \
    "group_concat(o.facility_code, ' ') FROM consent_recipient r JOIN organization o " \
    "ON o.id = r.organization_id WHERE r.consent_id = k.id), k.expires_date FROM "     \
    "consent k JOIN client c ON c.id = k.client_id WHERE k.kind = 'release' AND "      \
    "k.decision = 'granted' AND k.revoked_date IS NULL AND k.expires_date BETWEEN ?4 " \
    "AND date(?4, '+30 days') "

/* SQL: ", WHAT" if the client x.cid met organization x.org in the period. */
#define MET(WHAT, TABLE, COND)                                                         \
    "CASE WHEN EXISTS (SELECT 1 FROM " TABLE " WHERE t.client_id = x.cid AND " COND    \
    ") THEN ', " WHAT "' ELSE '' END"
#define IN_PERIOD "t.at >= ?10 AND t.at < ?11"

/* SQL: true while client C is in care (an open episode or light touch). */
#define IN_CARE(C)                                                                     \
    "EXISTS (SELECT 1 FROM client_state s WHERE s.client_id = " C " AND s.active = 1)"

/* SQL: the clients an expired release can still be named by: those in care
 * and those with a disclosure, an appointment or an encounter in the
 * period. Ten years of releases expired long ago for cases long closed are
 * never read. */
#define ACTIVE_IN_PERIOD                                                               \
    "(SELECT client_id FROM client_state WHERE active = 1 UNION SELECT client_id "     \
    "FROM disclosure WHERE at >= ?10 AND at < ?11 UNION SELECT client_id FROM "        \
    "appointment WHERE at >= ?10 AND at < ?11 UNION SELECT client_id FROM encounter "  \
    "WHERE at >= ?10 AND at < ?11)"

/* A release that expired before the end, not revoked, with no release in
 * force at the end naming the organization (the latest such release for
 * it), while the client's activity of the period still names it: a
 * disclosure to it, an appointment with it, an encounter there, or, while
 * the client is in care, it is the client's primary-care practice (a case
 * closed years ago names its old practice in no activity). */
#define EXPIRED_IN_USE                                                                                                                                                                                                                \
    "SELECT 'release expired, still in use', x.cid, " CLIENT_NAME ", o.facility_code "                                                                                                                                                \
    "|| ': ' || x.acts, x.expired FROM (SELECT x.cid, x.org, x.expired, ltrim(" MET("disclosure", "disclosure t", "t.organization_id = x.org AND " IN_PERIOD) " || " MET(                                                             \
        "appointment", "appointment t",                                                                                                                                                                                               \
        "t.with_org_id = x.org "                                                                                                                                                                                                      \
        "AND t.status NOT IN "                                                                                                                                                                                                        \
        "('cancelled', "                                                                                                                                                                                                              \
        "'rescheduled') AND " IN_PERIOD) " || " MET("encounter", "encounter t",                                                                                                                                                       \
                                                    "t.facility_id = x.org AND t.cancelled_at IS NULL AND " IN_PERIOD) " || " MET("primary care",                                                                                     \
                                                                                                                                  "client_reach t",                                                                                   \
                                                                                                                                  "t.pcp_org_id = x.org AND " IN_CARE(                                                                \
                                                                                                                                      "x.cid")) ", ', ') AS acts FROM (SELECT k.client_id AS cid, r.organization_id AS org, "         \
                                                                                                                                                "k.expires_date AS expired FROM consent k JOIN consent_recipient r ON "               \
                                                                                                                                                "r.consent_id = k.id WHERE k.kind = 'release' AND k.decision = 'granted' AND "        \
                                                                                                                                                "k.revoked_date IS NULL AND k.expires_date < ?4 AND k.client_id IN " ACTIVE_IN_PERIOD \
                                                                                                                                                " AND NOT " COVERED(                                                                  \
                                                                                                                                                    "k.client_id",                                                                    \
                                                                                                                                                    "r.organization_id",                                                              \
                                                                                                                                                    "?4",                                                                             \
                                                                                                                                                    "") " AND NOT EXISTS (SELECT 1 FROM consent k3 JOIN consent_recipient r3 ON "     \
                                                                                                                                                        "r3.consent_id = k3.id WHERE k3.client_id = k.client_id AND "                 \
                                                                                                                                                        "r3.organization_id = r.organization_id AND k3.kind = 'release' AND "         \
                                                                                                                                                        "k3.decision = 'granted' AND k3.revoked_date IS NULL AND k3.expires_date "    \
                                                                                                                                                        "< ?4 AND (k3.expires_date > k.expires_date OR (k3.expires_date = "           \
                                                                                                                                                        "k.expires_date AND k3.id > k.id)))) x) x JOIN client c ON c.id = x.cid "     \
                                                                                                                                                        "JOIN organization o ON o.id = x.org WHERE x.acts <> '' "

/* Views of the record (or of one merged into it) by the audit. */
#define CONSENT_OBJECTS MERGE_CLIENT_IDS("k.client_id")
#define REVOKED_OBJECTS MERGE_CLIENT_IDS("x.cid")

/* SQL: the recipients release K (of client C, revoked on DAY) lost: those
 * no other release names on that day (a release narrowed by one recipient
 * is recorded again for the others, consent.c). */
#define LOST_OF(K, C, DAY)                                                             \
    "(SELECT rl.organization_id FROM consent_recipient rl WHERE rl.consent_id = " K    \
    " AND NOT " COVERED(C, "rl.organization_id", DAY, "") ")"
#define LOST LOST_OF("x.kid", "x.cid", "x.revoked")

/* A view after revocation x that no later participation consent covers. */
#define UNCURED_VIEW                                                                   \
    "EXISTS (SELECT 1 FROM audit a WHERE a.client_id IN " REVOKED_OBJECTS " AND "      \
    "+a.action = 'client.view' AND a.at >= x.after_at AND a.at < ?11 AND NOT EXISTS "  \
    "(SELECT 1 FROM consent k2 WHERE k2.client_id = x.cid AND k2.kind = "              \
    "'participation' AND k2.decision = 'granted' AND k2.signed_date > x.revoked AND "  \
    "k2.signed_date <= date(a.at, 'localtime')))"

/* A disclosure after revocation x to a recipient it lost, with no release
 * covering it. */
#define UNCOVERED_DISCLOSURE                                                           \
    "EXISTS (SELECT 1 FROM disclosure d WHERE d.client_id = x.cid AND d.at >= "        \
    "x.after_at AND d.at < ?11 AND d.organization_id IN " LOST " AND NOT " COVERED(    \
        "d.client_id", "d.organization_id", "date(d.at, 'localtime')", "") ")"

/* Every revocation of the period, with the record views and the
 * disclosures (for a release, to the recipients it lost) from the next day
 * to the end; a violation when a view had no participation consent or a
 * disclosure no release. */
#define REVOCATIONS                                                                                                                               \
    "SELECT CASE WHEN (x.kind = 'participation' AND " UNCURED_VIEW                                                                                \
    ") OR (x.kind = 'release' AND " UNCOVERED_DISCLOSURE                                                                                          \
    ") THEN 'VIOLATION: used after revocation' ELSE 'revoked' END, x.cid, " CLIENT_NAME                                                           \
    ", x.kind || coalesce(' ' || x.codes, '') || '; after it: ' || " COUNTED("x.views", "view") " || ', ' || " COUNTED(                           \
        "x.disclosures",                                                                                                                          \
        "disclosure") ", x.revoked FROM "                                                                                                         \
                      "(SELECT x.*, (SELECT count(*) FROM audit a WHERE a.client_id IN " REVOKED_OBJECTS                                          \
                      " AND +a.action = 'client.view' AND a.at >= x.after_at AND a.at < ?11) AS views, "                                          \
                      "(SELECT count(*) FROM disclosure d WHERE d.client_id = x.cid AND d.at >= "                                                 \
                      "x.after_at AND d.at < ?11 AND (x.kind = 'participation' OR d.organization_id IN " LOST                                     \
                      ")) AS disclosures FROM (SELECT k.id AS kid, k.client_id "                                                                  \
                      "AS cid, k.kind, k.revoked_date AS revoked, " DAY_AFTER(                                                                    \
                          "k.revoked_date") " AS after_at, (SELECT group_concat(o.facility_code, ' ') FROM organization o "                       \
                                            "WHERE o.id IN " LOST_OF(                                                                             \
                                                "k.id", "k.client_id",                                                                            \
                                                "k.revoked_date") ") AS codes FROM consent k WHERE k.decision = "                                 \
                                                                  "'granted' AND k.revoked_date BETWEEN ?8 AND ?4) x) x JOIN client c ON c.id = " \
                                                                  "x.cid "

/* Each view in the period after a participation consent's revocation that
 * no later participation consent covers. */
#define VIEWED_AFTER_REVOCATION                                                                    \
    "SELECT 'VIOLATION: viewed after revocation', k.client_id, " CLIENT_NAME                       \
    ", " STAFF_NAME(                                                                               \
        "s") " || ' ' || a.details, date(a.at, 'localtime') FROM consent k "                       \
             "JOIN client c ON c.id = k.client_id JOIN audit a ON a.client_id IN " CONSENT_OBJECTS \
             " AND +a.action = 'client.view' AND a.at >= max(?10, " DAY_AFTER(                     \
                 "k.revoked_date") ") AND a.at < ?11 JOIN staff s ON s.id = a.staff_id WHERE "     \
                                   "k.kind = 'participation' AND k.revoked_date IS NOT NULL "      \
                                   "AND NOT EXISTS (SELECT 1 FROM consent k2 WHERE "               \
                                   "k2.client_id = k.client_id AND k2.kind = 'participation' "     \
                                   "AND k2.decision = 'granted' AND k2.signed_date > "             \
                                   "k.revoked_date AND k2.signed_date <= date(a.at, "              \
                                   "'localtime')) "

/* Disclosures of the period that no release naming the recipient covered. */
#define DISCLOSED_WITHOUT                                                              \
    "SELECT 'VIOLATION: disclosed without consent', d.client_id, " CLIENT_NAME ", "    \
    "o.facility_code || ': ' || d.what, date(d.at, 'localtime') FROM disclosure d "    \
    "JOIN client c ON c.id = d.client_id JOIN organization o ON o.id = "               \
    "d.organization_id WHERE d.at >= ?10 AND d.at < ?11 AND NOT " COVERED(             \
        "d.client_id", "d.organization_id", "date(d.at, 'localtime')", "") " "

/* Every substance-use disclosure of the period, with the release that named
 * the recipient for substance use (the latest), or a violation when none
 * did. */
#define SUBSTANCE_USE                                                                                                   \
    "SELECT CASE WHEN x.kid IS NULL THEN 'VIOLATION: substance use without naming "                                     \
    "consent' ELSE 'substance use disclosed' END, x.cid, " CLIENT_NAME                                                  \
    ", o.facility_code || coalesce(' under consent ' || x.kid, ''), x.day FROM "                                        \
    "(SELECT d.client_id AS cid, d.organization_id AS org, date(d.at, 'localtime') "                                    \
    "AS day, (SELECT max(kc.id) " RELEASES_FOR(                                                                         \
        "d.client_id", "d.organization_id", "date(d.at, 'localtime')",                                                  \
        " AND kc.substance_use = 1") ") AS kid FROM disclosure d WHERE d.substance_use = 1 AND d.at >= ?10 AND d.at < " \
                                     "?11) x JOIN client c ON c.id = x.cid JOIN organization o ON o.id = x.org "

/* The consent audit: what stands at the end of the period (?4), and what
 * happened in it. Longer than one string literal may be (C's 4095), it is
 * joined from parts when run. */
static const char *const consent_sql[] = {
    "SELECT * FROM (" NO_PARTICIPATION "UNION ALL " EXPIRING,
    "UNION ALL " EXPIRED_IN_USE,
    "UNION ALL " REVOCATIONS,
    "UNION ALL " VIEWED_AFTER_REVOCATION,
    "UNION ALL " DISCLOSED_WITHOUT,
    "UNION ALL " SUBSTANCE_USE,
    ") WHERE (?1 = '' OR EXISTS (SELECT 1 FROM client c JOIN program p ON p.id = "
    "c.program_id WHERE c.id = client AND p.code = ?1)) ORDER BY issue DESC, date, "
    "client",
    NULL,
};

/* The accounting of disclosures of one client, and first, when the audit
 * begins after the period does, a note saying nothing earlier is known. */
#define FIRST_ENTRY "(SELECT at FROM audit WHERE seq = (SELECT min(seq) FROM audit))"
static const char disclosures_sql[] =
    "SELECT date, recipient, what, purpose, sent_by FROM (SELECT 'note' AS date, "
    "'records begin ' || date(" FIRST_ENTRY ", 'localtime') AS recipient, 'the "
    "period starts ' || ?8 || ': nothing earlier is recorded' AS what, '' AS "
    "purpose, '' AS sent_by, 0 AS o, '' AS t, 0 AS i WHERE " FIRST_ENTRY
    " >= " DAY_AFTER(
        "?8") " "
              "UNION ALL SELECT date(d.at, 'localtime'), o.name, d.what, d.purpose, " STAFF_NAME(
                  "s") ", 1, d.at, d.id FROM disclosure d JOIN organization o ON o.id = "
                       "d.organization_id JOIN staff s ON s.id = d.staff_id WHERE d.client_id = "
                       "?7 AND d.at >= ?10 AND d.at < ?11) ORDER BY o, t, i";

/* Record access, by an index each way: by client (the audit names the
 * record viewed, so a survivor's report includes the views of the records
 * merged into it, merge.h; the disclosures moved with the merge), by staff
 * member, or all of it by action. The others' "+a.action" keeps the
 * planner off the action index. */
#define ACCESS_OBJECTS MERGE_CLIENT_IDS("?7")
#define ACCESS_ACTIONS "IN ('client.view', 'client.view.refused', 'break-glass')"
#define ACCESS_SELECT                                                                  \
    "SELECT strftime('%Y-%m-%dT%H:%M', a.at, 'localtime') AS at, " STAFF_NAME(         \
        "s") " AS staff, a.client_id AS client, CASE a.action WHEN "                   \
             "'client.view' THEN 'view' WHEN 'client.view.refused' THEN 'refused' "    \
             "ELSE a.action END AS action, a.details AS part FROM audit a JOIN staff " \
             "s ON s.id = a.staff_id WHERE a.at >= ?10 AND a.at < ?11 AND "
static const char access_sql[] =
    ACCESS_SELECT "a.action " ACCESS_ACTIONS " ORDER BY a.seq";
static const char access_client_sql[] =
    ACCESS_SELECT "+a.action " ACCESS_ACTIONS " AND a.client_id IN " ACCESS_OBJECTS
                  " AND (?9 = '' OR s.login = ?9) ORDER BY a.seq";
static const char access_staff_sql[] =
    ACCESS_SELECT "+a.action " ACCESS_ACTIONS " AND a.staff_id = (SELECT id FROM staff "
                  "WHERE login = ?9) ORDER BY a.seq";

/* Unassigned clients: those referred and not yet given to anyone, and those
 * followed whose owner has left (offboard.h), received '' and status
 * 'followed'; both found by client_state's partial index on the owner
 * (schema 0016). The coach suggested for each program in reach is the
 * least loaded of its teams' coaches, worked out once per program. */
#define OPEN_REFERRAL "r.status IN ('received', 'contacted', 'consented', 'assessed')"
/* The unassigned queue's suggested coach: per program in reach, its coach
 * with the fewest active clients. */
#define UNASSIGNED_SUGGEST                                                             \
    "suggest (code, login) AS MATERIALIZED (SELECT pc.code, (SELECT s.login FROM "     \
    "my_teams t CROSS JOIN team_member tm ON tm.team_id = t.id CROSS JOIN staff s ON " \
    "s.id = tm.staff_id WHERE t.code = pc.code AND s.role = 'coach' AND s.active = 1 " \
    "ORDER BY (SELECT count(*) FROM client_state a INDEXED BY client_state_active "    \
    "WHERE a.owner_id = s.id AND a.active = 1), s.login LIMIT 1) FROM (SELECT "        \
    "DISTINCT code FROM my_teams) pc) "

/* The clients followed without an owner or a referral open. */
#define UNASSIGNED_FOLLOWED                                                            \
    "SELECT c.id, c.program_id, '', 'followed' FROM client_state cs JOIN client c ON " \
    "c.id = cs.client_id WHERE cs.owner_id IS NULL AND (cs.active = 1 OR cs.referred " \
    "= 1) AND cs.referred = 0 AND c.program_id IS NOT NULL"

/* The unassigned queue, every row (the report): the open referrals of the
 * clients without an owner, found by owner, and those followed. */
/* SQL: the queue (client, program, received, status) and who is suggested
 * for each program (suggest), as both statements below read them. */
#define UNASSIGNED_QUEUE                                                               \
    "WITH " MY_TEAMS                                                                   \
    ", queue (cid, pid, received, status) AS (SELECT r.client_id, r.program_id, "      \
    "r.received_date, r.status FROM client_state cs JOIN referral r ON r.client_id = " \
    "cs.client_id WHERE cs.owner_id IS NULL AND (cs.active = 1 OR cs.referred = 1) "   \
    "AND cs.referred = 1 AND " OPEN_REFERRAL " UNION ALL " UNASSIGNED_FOLLOWED         \
    "), " UNASSIGNED_SUGGEST

static const char unassigned_sql[] = UNASSIGNED_QUEUE
    "SELECT c.id AS client, c.family_name || ', ' || c.given_name AS name, p.code AS "
    "program, q.received AS received, q.status, sg.login AS suggested FROM queue q JOIN "
    "client c ON c.id = q.cid JOIN program p ON p.id = q.pid JOIN suggest sg ON sg.code "
    "= p.code WHERE ?4 = ?4 ORDER BY q.received, c.id";

/* Its first ?12 rows (a screen's page), in the same order: the same queue,
 * found from client_state's partial index of clients without an owner
 * (as few as a site's unworked referrals, whatever its years of history),
 * sorted on what the queue itself holds, cut to the page before any client
 * row is read. Walking the referrals by day instead stops early only when
 * the queue is long; with ten years of closed referrals before a short
 * queue it read them all (24 ms at 250,000 clients, 0.4 ms this way). */
static const char unassigned_page_sql[] = UNASSIGNED_QUEUE
    "SELECT c.id AS client, c.family_name || ', ' || c.given_name AS name, q.code AS "
    "program, q.received AS received, q.status, q.login AS suggested FROM (SELECT q.cid, "
    "q.received, q.status, p.code, sg.login FROM queue q JOIN program p ON p.id = q.pid "
    "JOIN suggest sg ON sg.code = p.code ORDER BY q.received, q.cid LIMIT ?12) q JOIN "
    "client c ON c.id = q.cid WHERE ?4 = ?4 ORDER BY q.received, c.id";

/* SQL: the audit objects of client G.client_id's own rows beyond the
 * record: its tasks, episodes, consents, referrals and hand-offs. */
#define CLIENT_ROW_OBJECTS(ID)                                                         \
    "(SELECT 'task:' || id FROM task WHERE client_id = " ID " UNION ALL SELECT "       \
    "'episode:' || id FROM episode WHERE client_id = " ID " UNION ALL SELECT "         \
    "'consent:' || id FROM consent WHERE client_id = " ID " UNION ALL SELECT "         \
    "'referral:' || id FROM referral WHERE client_id = " ID " UNION ALL SELECT "       \
    "'handoff:' || id FROM handoff WHERE client_id = " ID ")"

/* What was done under grant g: the audit entries by its staff member on its
 * client (the record, one merged into it, or the client's own rows) from
 * the grant to its expiry, the break-glass itself aside: "N: view summary,
 * view tasks, task.add" in the order first done, or "nothing". */
#define UNDER_GRANT                                                                     \
    "(SELECT CASE count(*) WHEN 0 THEN 'nothing' ELSE count(*) || ': ' || "             \
    "replace(group_concat(DISTINCT u.what), ',', ', ') END FROM (SELECT CASE "          \
    "a.action WHEN 'client.view' THEN 'view ' || a.details ELSE a.action END AS what "  \
    "FROM audit a WHERE a.staff_id = g.staff_id AND a.at >= g.granted_at AND a.at < "   \
    "g.expires_at AND a.action <> 'break-glass' AND (a.client_id IN " MERGE_CLIENT_IDS( \
        "g.client_id") " OR a.object IN " CLIENT_ROW_OBJECTS("g.client_id") ") ORDER BY a.seq) u)"

/* Break-glass grants of the period, those not reviewed first, newest first,
 * with what was done under each and its review. */
static const char grants_sql[] =
    "SELECT g.id AS grant_id, strftime('%Y-%m-%dT%H:%M', g.granted_at, 'localtime') "
    "AS at, " STAFF_NAME(
        "s") " AS staff, g.client_id AS client, g.reason, " UNDER_GRANT
             " AS done, coalesce(" STAFF_NAME(
                 "r") " || ': ' || g.review_note, 'NOT REVIEWED') "
                      "AS review FROM access_grant g JOIN staff s ON s.id = g.staff_id LEFT JOIN staff "
                      "r ON r.id = g.reviewed_by WHERE g.granted_at >= ?10 AND g.granted_at < ?11 ORDER "
                      "BY g.reviewed_at IS NOT NULL, g.granted_at DESC";

/* Account changes that opened client content (alert_account_in), newest
 * first, with what became of each alert. */
static const char accounts_sql[] =
    "SELECT strftime('%Y-%m-%dT%H:%M', a.created_at, 'localtime') AS at, "
    "coalesce(s.login, '') AS account, coalesce(s.role, '') AS role_now, a.details AS "
    "change, CASE WHEN a.resolved_at IS NOT NULL THEN 'resolved: ' || a.resolution "
    "WHEN a.acknowledged_at IS NOT NULL THEN 'seen' ELSE 'OPEN' END AS alert FROM "
    "alert a LEFT JOIN staff s ON s.id = a.subject_staff_id WHERE a.kind = 'account' "
    "AND a.created_at >= ?10 AND a.created_at < ?11 ORDER BY a.created_at DESC, a.id "
    "DESC";

/* The accounting of disclosures covers the six years HIPAA asks for. */
#define DISCLOSURE_YEARS 6

static const struct report {
    const char *kind, *action, *sql;
    const char *by_client, *by_staff; /* the statement for --client, --staff */
    const char *by_page;              /* ... for a screen's page (p->page) */
    const char *const *parts;         /* or the statement in parts, to join */
    int default_days;  /* default period ends today and spans this many days */
    int default_years; /* ... or this many years (from = to - years + 1 day) */
    int audited;       /* shows client data: audit the run */
} reports[] = {
    {"caseload", "caseload.view", caseload_sql, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"measures", "measures.view", NULL, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"consent", "audit.access", NULL, NULL, NULL, NULL, consent_sql, 90, 0, 1},
    {"disclosures", "audit.access", disclosures_sql, NULL, NULL, NULL, NULL, 0,
     DISCLOSURE_YEARS, 1},
    {"access", "audit.access", access_sql, access_client_sql, access_staff_sql, NULL,
     NULL, 7, 0, 1},
    {"stale", "caseload.view", stale_sql, NULL, NULL, NULL, NULL, 0, 0, 0},
    {"unassigned", "caseload.assign", unassigned_sql, NULL, NULL, unassigned_page_sql,
     NULL, 0, 0, 0},
    {"grants", "breakglass.review", grants_sql, NULL, NULL, NULL, NULL, 90, 0, 1},
    {"accounts", "accounts.review", accounts_sql, NULL, NULL, NULL, NULL, 365, 0, 0},
};

static const struct report *find(const char *kind)
{
    for (size_t i = 0; i < sizeof reports / sizeof *reports; i++)
        if (!strcmp(reports[i].kind, kind))
            return &reports[i];
    return NULL;
}

const char *report_kinds(void)
{
    return "caseload, measures, consent, disclosures, access, stale, unassigned, "
           "grants, accounts";
}

int report_known(const char *kind)
{
    return find(kind) != NULL;
}

const char *report_action(const char *kind)
{
    const struct report *r = find(kind);
    return r ? r->action : "audit.access";
}

/* "2026Q3" -> 2026-07-01 .. 2026-09-30. */
static int quarter(const char *q, report_params *p)
{
    return clock_quarter_days(q, p->from, p->to);
}

int report_quarter(const char *date, int step, char out[8], cc_err *err)
{
    int64_t days;
    if (clock_parse_date(date, &days) != 0)
        return out[0] = '\0',
               cc_err_set(err, CC_EINPUT, "not a date: %.10s (YYYY-MM-DD)", date);
    if (clock_quarter_of(date, step, out) != 0)
        return cc_err_set(err, CC_EINPUT, "no quarter that far (1900Q1 to 9998Q4)");
    return CC_OK;
}

/* The day after the same date years earlier (a 29 February from the 28th):
 * a period of that many whole years ending on to. */
static void years_before(const char to[11], int years, char out[11])
{
    int y = atoi(to), m = atoi(to + 5), d = atoi(to + 8);
    char back[11];
    y -= years;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        d = 28;
    snprintf(back, sizeof back, "%04u-%02u-%02u", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u);
    if (clock_date_add(back, 1, out) != 0)
        out[0] = '\0'; /* refused by the check that follows */
}

int report_resolve(cc_ctx *ctx, const char *kind, report_params *p, cc_err *err)
{
    const struct report *r = find(kind);
    char today[11];
    int64_t d;
    if (!r)
        return cc_err_set(err, CC_EUSAGE, "no report '%s' (choose %s)", kind,
                          report_kinds());
    ctx_today(ctx, today);
    if (strchr(p->from, 'Q') && quarter(p->from, p) != 0)
        return cc_err_set(err, CC_EINPUT, "a quarter is written like 2026Q3");
    if (!p->to[0])
        snprintf(p->to, sizeof p->to, "%s", today);
    if (clock_parse_date(p->to, &d) == 0 && !p->from[0]) {
        if (r->default_years)
            years_before(p->to, r->default_years, p->from);
        else if (r->default_days)
            clock_date_add(p->to, -(r->default_days - 1), p->from);
        else
            snprintf(p->from, sizeof p->from, "%.8s01", p->to); /* this month */
    }
    if (clock_parse_date(p->from, &d) || clock_parse_date(p->to, &d) ||
        strcmp(p->from, p->to) > 0)
        return cc_err_set(err, CC_EINPUT,
                          "dates are YYYY-MM-DD with --from before --to");
    if (p->days <= 0)
        p->days = 30;
    if (!strcmp(kind, "disclosures") && !p->client_id)
        return cc_err_set(err, CC_EUSAGE,
                          "the accounting of disclosures is for one --client");
    return CC_OK;
}

/* ---- running ----------------------------------------------------------- */

/* The statement of report r for p: by client or staff member when it has
 * one for them, a screen's page when it has one for that; one in parts is
 * joined into buf. NULL if it has none (the measures) or it does not fit. */
static const char *statement(const struct report *r, const report_params *p, char *buf,
                             size_t bufsz)
{
    size_t len = 0;
    if (p->client_id && r->by_client)
        return r->by_client;
    if (p->staff[0] && r->by_staff)
        return r->by_staff;
    if (p->page > 0 && r->by_page)
        return r->by_page;
    if (!r->parts)
        return r->sql;
    buf[0] = '\0';
    for (const char *const *part = r->parts; *part && len < bufsz; part++)
        len += (size_t)snprintf(buf + len, bufsz - len, "%s", *part);
    return len < bufsz ? buf : NULL;
}

/* Bind ?1..?12 (reports.c's opening comments say what each is; ?12 is the
 * screen's page, report_params.page, for the board and the unassigned queue). */
static void bind_params(cc_ctx *ctx, sqlite3_stmt *st, const report_params *p)
{
    char now[21], from_at[21], end_at[21], next[11];
    ctx_now(ctx, now);
    clock_format_iso(clock_local_midnight(p->from), from_at);
    if (clock_date_add(p->to, 1, next) != 0)
        next[0] = '\0';
    clock_format_iso(clock_local_midnight(next), end_at);
    sqlite3_bind_text(st, 1, p->program, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, scope_sees_all(ctx) ? "all" : "mine", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    sqlite3_bind_text(st, 4, p->to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, p->days);
    sqlite3_bind_int64(st, 7, p->client_id);
    sqlite3_bind_text(st, 8, p->from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, p->staff, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, from_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, end_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 12, p->page > 0 ? p->page : -1); /* LIMIT -1: every row */
}

/* The longest statement joined from parts. */
#define STATEMENT_MAX 16384

static int run_sql(cc_ctx *ctx, const struct report *r, const report_params *p,
                   cc_table *out, cc_err *err)
{
    char buf[STATEMENT_MAX];
    const char *sql = statement(r, p, buf, sizeof buf);
    if (!sql)
        return cc_err_set(err, CC_EDATA, "the %s report's query is too long", r->kind);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    bind_params(ctx, st, p);
    return table_from_stmt(ctx, st, out, err);
}

int report_plan(cc_ctx *ctx, const char *kind, const report_params *p, char *out,
                size_t outsz, cc_err *err)
{
    const struct report *r = find(kind);
    sqlite3_stmt *st;
    size_t len = 0;
    char buf[STATEMENT_MAX];
    const char *sql = r ? statement(r, p, buf, sizeof buf) : NULL;
    out[0] = '\0';
    if (!sql)
        return cc_err_set(err, CC_EUSAGE, "no query behind report '%s'", kind);
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    int rc = q ? sqlite3_prepare_v2(store_db(ctx->st), q, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(q);
    if (rc != SQLITE_OK)
        return store_fail(ctx->st, rc, "planning the report", err);
    bind_params(ctx, st, p);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && len < outsz)
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? " | " : "",
                                (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return store_step_ok(ctx->st, rc, "planning the report", err);
}

/* A number for a table cell: at most two decimals, no trailing zeros. */
static void cell_number(double v, char *out, size_t outsz)
{
    snprintf(out, outsz, "%.2f", v);
    char *end = out + strlen(out) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
    if (!strcmp(out, "-0"))
        snprintf(out, outsz, "0");
}

/* One measure as a row: label, value (none when not known), unit,
 * numerator and denominator (none when it has no parts). */
static int measure_row(cc_table *t, const char *label, enum qm_unit unit,
                       const qm_value *v)
{
    char value[48], num[48], den[48];
    cell_number(v->value, value, sizeof value);
    cell_number(v->num, num, sizeof num);
    cell_number(v->den, den, sizeof den);
    const char *cells[] = {label, v->known ? value : NULL, quarterly_unit_name(unit),
                           v->parts ? num : NULL, v->parts ? den : NULL};
    return table_add_row(t, cells);
}

static void measures_table(cc_table *t)
{
    static const char *const cols[] = {"measure", "value", "unit", "numerator",
                                       "denominator"};
    static const unsigned char types[] = {TABLE_TEXT, TABLE_REAL, TABLE_TEXT,
                                          TABLE_REAL, TABLE_REAL};
    memset(t, 0, sizeof *t);
    t->ncols = 5;
    for (int c = 0; c < t->ncols; c++) {
        snprintf(t->cols[c], sizeof t->cols[c], "%s", cols[c]);
        t->types[c] = types[c];
    }
}

/* Referral conversion in each of the six months up to p->to, as rows. */
static int trend_rows(cc_ctx *ctx, const report_params *p, cc_table *out, cc_err *err)
{
    enum { MONTHS = 6 };
    measure_ratio month[MONTHS];
    char label[64], first[11];
    if (measures_conversion_trend(ctx, p->program[0] ? p->program : NULL, p->to, MONTHS,
                                  month, err) != CC_OK)
        return err->code;
    snprintf(first, sizeof first, "%.8s15", p->to);
    for (int k = 0; k < MONTHS; k++) {
        char day[11];
        clock_date_add(first, -30 * (MONTHS - 1 - k), day);
        snprintf(label, sizeof label, "referral conversion, %.7s", day);
        qm_value v = {.known = month[k].den > 0,
                      .value = month[k].den
                                   ? 100.0 * (double)month[k].num / (double)month[k].den
                                   : 0,
                      .parts = 1,
                      .num = (double)month[k].num,
                      .den = (double)month[k].den};
        if (measure_row(out, label, QM_PERCENT, &v) != 0)
            return cc_err_set(err, CC_EDATA, "out of memory for the measures");
    }
    return CC_OK;
}

/* Every measure of the period (quarterly.h's, one program or all), then
 * the conversion of the last six months. */
static int run_measures(cc_ctx *ctx, const report_params *p, cc_table *out, cc_err *err)
{
    measures m;
    qm_value v[QM_COUNT];
    if (measures_compute(ctx, p->program[0] ? p->program : NULL, p->from, p->to, &m,
                         err))
        return err->code;
    quarterly_values(&m, v);
    measures_free(&m);
    measures_table(out);
    for (int k = 0; k < QM_COUNT; k++)
        if (measure_row(out, quarterly_def(k)->label, quarterly_def(k)->unit, &v[k]) !=
            0)
            return cc_err_set(err, CC_EDATA, "out of memory for the measures");
    return trend_rows(ctx, p, out, err);
}

struct audit_args {
    const char *kind;
    const report_params *p;
};

static int do_audit(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct audit_args *a = arg;
    char details[96];
    snprintf(details, sizeof details, "%s %s..%s%s%s", a->kind, a->p->from, a->p->to,
             a->p->staff[0] ? " staff " : "", a->p->staff);
    return ctx_audit(ctx, "report.run", a->p->client_id ? "client" : "report",
                     a->p->client_id, details, err);
}

int report_run(cc_ctx *ctx, const char *kind, const report_params *p, cc_table *out,
               cc_err *err)
{
    const struct report *r = find(kind);
    struct audit_args a = {kind, p};
    memset(out, 0, sizeof *out);
    if (!r)
        return cc_err_set(err, CC_EUSAGE, "no report '%s' (choose %s)", kind,
                          report_kinds());
    if (guard_action(ctx, r->action, err) != CC_OK)
        return err->code;
    if (p->client_id && !scope_sees_all(ctx) &&
        scope_client(ctx, p->client_id, 0, err) != CC_OK)
        return err->code;
    if (r->audited && ctx_txn(ctx, do_audit, &a, err) != CC_OK)
        return err->code;
    int rc = r->sql || r->parts ? run_sql(ctx, r, p, out, err)
                                : run_measures(ctx, p, out, err);
    if (rc != CC_OK)
        table_free(out);
    return rc;
}

int report_review_grant(cc_ctx *ctx, int64_t id, const char *note, cc_err *err)
{
    return scope_review(ctx, id, note, err);
}

/* ---- the audit chain --------------------------------------------------- */

int report_audit_status(cc_ctx *ctx, struct audit_anchor *head, char *last,
                        size_t lastsz, cc_err *err)
{
    if (guard_action(ctx, "audit.verify", err) != CC_OK ||
        audit_head(ctx->st, head, err) != CC_OK)
        return err->code;
    return store_meta_get(ctx->st, "audit_last_verify", last, lastsz, err);
}

int report_verify_audit(cc_ctx *ctx, int (*progress)(void *, int64_t, int64_t),
                        void *arg, int *ok, char *msg, size_t msgsz, cc_err *err)
{
    const verify_opts o = {0, NULL, progress, arg};
    verify_result res;
    if (verify_audit(ctx, &o, &res, err) != CC_OK)
        return err->code;
    *ok = res.chain.first_bad == 0;
    snprintf(msg, msgsz, "%s", res.summary);
    return CC_OK;
}
