/*
 * measures.c — the managers' measures, each one SQL query in a table below,
 * run in order inside one read transaction so that every figure describes
 * the same snapshot. A query's rows are folded into the result by its own
 * small row function; averages and medians are worked out at the end.
 *
 * Dates ("YYYY-MM-DD") are the server's local calendar days, instants
 * ("YYYY-MM-DDTHH:MM:SSZ") are UTC: the period [from, to] becomes the
 * instants [local midnight of from, local midnight after to) wherever an
 * instant is compared with it. Tasks are judged at the end of `to`, or now
 * when that is earlier; consents from today. Every value is bound.
 */
#include "measures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "guard.h"
#include "scope.h"
#include "util/alloc.h"
#include "util/clock.h"

/* The values every query may bind, by name. */
typedef struct period {
    int64_t prog;  /* program id; 0 = all programs (binds NULL) */
    int64_t reach; /* the reader's staff id; 0 = everything (binds NULL) */
    char from[11], to[11];
    char from_at[21], end_at[21]; /* the period as instants, end exclusive */
    char as_of[21];
    char today[11], soon[11];
} period;

/* The trend's rows land in the month they name: out[0] is y0-m0. */
typedef struct trend {
    int y0, m0, months;
    measure_ratio *out;
} trend;

/* What the row functions fill: the result, a scratch list of the days
 * from discharge to visit (ascending, for the median), or the trend. */
typedef struct acc {
    measures *m;
    measures_cache *cache;
    int coach_cap, team_cap, overdue_cap;
    double *days;
    int ndays, days_cap;
    trend *trend;
} acc;

/* ---- the queries ------------------------------------------------------- */

/* What a reader who does not see everything measures (:reach is their staff
 * id; NULL for a supervisor): the teams they belong to or cover, and the
 * clients of those teams as scope.c reaches them: owned by the reader or a
 * member of one of the teams, or unassigned and referred to one of their
 * programs. Checked for each row the period selected, by the client's
 * primary key and its referrals (never by listing every client in reach:
 * at scale that list is most of the clients, built again by every query). */
#define MY_TEAM_IDS                                                                    \
    "SELECT team_id FROM team_member WHERE staff_id = :reach "                         \
    "UNION SELECT team_id FROM team_cover WHERE staff_id = :reach"
#define IN_REACH(col)                                                                  \
    "(:reach IS NULL OR EXISTS (SELECT 1 FROM client rc WHERE rc.id = " col " AND "    \
    "(rc.owner_id = :reach OR rc.owner_id IN (SELECT tm.staff_id FROM team_member "    \
    "tm WHERE tm.team_id IN (" MY_TEAM_IDS ")) OR (rc.owner_id IS NULL AND EXISTS "    \
    "(SELECT 1 FROM referral rr WHERE rr.client_id = rc.id AND rr.program_id IN "      \
    "(SELECT t.program_id FROM team t WHERE t.id IN (" MY_TEAM_IDS ")))))))"

/* Referrals received in the period: all, those whose first assessment in
 * the same program at or after the received day (local) is high, declined. */
#define REFERRALS_FIRST_LEVEL(HINT)                                                    \
    "SELECT r.status, r.received_date, r.program_id, "                                 \
    "  (SELECT a.level FROM assessment a INDEXED BY assessment_first "                 \
    "    WHERE a.client_id = r.client_id AND a.program_id = r.program_id "             \
    "      AND a.at >= strftime('%Y-%m-%dT%H:%M:%SZ', r.received_date, 'utc') "        \
    "    ORDER BY a.at, a.id LIMIT 1) AS first_level "                                 \
    "FROM referral r " HINT " "                                                        \
    "WHERE r.received_date BETWEEN :from AND :to "                                     \
    "  AND (:prog IS NULL OR r.program_id = :prog) AND " IN_REACH("r.client_id")

static const char SQL_REFERRALS[] =
    "SELECT count(*), coalesce(sum(first_level = 'high'), 0), "
    "       coalesce(sum(status = 'declined'), 0) "
    "FROM (" REFERRALS_FIRST_LEVEL("") ")";

/* The grouped twins (measures_compute_programs) end each row with the
 * program it counts for and read every program's rows of the period in
 * one pass (:prog is bound NULL): rows of programs not asked for are
 * skipped. The folding is the one-program query's row function. The
 * period's referrals of every program are read by day from the index that
 * holds what is counted (the one-program query's index leads with the
 * program). */
static const char SQL_REFERRALS_BY[] =
    "SELECT count(*), coalesce(sum(first_level = 'high'), 0), "
    "       coalesce(sum(status = 'declined'), 0), program_id "
    "FROM (" REFERRALS_FIRST_LEVEL("INDEXED BY referral_received_date") ") GROUP BY "
                                                                        "program_id";

/* The same conversion for each calendar month of the period. */
static const char SQL_TREND[] = "SELECT substr(received_date, 1, 7), count(*), "
                                "       coalesce(sum(first_level = 'high'), 0) "
                                "FROM (" REFERRALS_FIRST_LEVEL("") ") GROUP BY 1";

/* Tier-1 clients referred in the period (once each), and how many of them
 * had an episode or monitoring started by `to` in a program they were
 * referred to in the period: the period's referrals, each looked up. */
static const char SQL_TIER1[] =
    "SELECT count(*), coalesce(sum(ok), 0) "
    "FROM (SELECT max(EXISTS (SELECT 1 FROM episode e WHERE e.client_id = "
    "      r.client_id AND e.program_id = r.program_id AND e.start_date <= :to) "
    "      OR EXISTS (SELECT 1 FROM monitoring m WHERE m.client_id = r.client_id "
    "      AND m.program_id = r.program_id AND m.since_date <= :to)) AS ok "
    "      FROM referral r JOIN client c INDEXED BY client_measures ON c.id = "
    "r.client_id "
    "      WHERE c.tier = 1 AND r.received_date BETWEEN :from AND :to "
    "        AND (:prog IS NULL OR r.program_id = :prog) "
    "        AND " IN_REACH("r.client_id") " GROUP BY r.client_id)";

/* The clients each coach owns with an episode or monitoring (in any
 * program, as caseload.c counts) open at the end of `to`: started by then,
 * not closed or ended by then. Those still open are read from the
 * partial indexes of the open ones, those closed after `to` by the closing
 * day (schema 0017): never the whole history. */
#define OWNED_AT_TO                                                                    \
    "open_case (client_id) AS ("                                                       \
    "  SELECT client_id FROM episode INDEXED BY episode_open "                         \
    "   WHERE closed_date IS NULL AND start_date <= :to "                              \
    "  UNION SELECT client_id FROM episode INDEXED BY episode_closed "                 \
    "   WHERE closed_date > :to AND start_date <= :to "                                \
    "  UNION SELECT client_id FROM monitoring INDEXED BY monitoring_open "             \
    "   WHERE ended_date IS NULL AND since_date <= :to "                               \
    "  UNION SELECT client_id FROM monitoring INDEXED BY monitoring_ended "            \
    "   WHERE ended_date > :to AND since_date <= :to), "                               \
    "owned (owner_id, n) AS ("                                                         \
    "  SELECT c.owner_id, count(*) FROM open_case o JOIN client c INDEXED BY "         \
    "client_measures ON c.id = o.client_id "                                           \
    "   WHERE c.owner_id IS NOT NULL GROUP BY c.owner_id) "

/* How many clients each owner has with a case open at the end of `to`,
 * by owner: read once per day and snapshot (measures_cache) and shared by
 * the caseload and team figures of every program measured to that day. */
static const char SQL_OWNED[] =
    "WITH " OWNED_AT_TO "SELECT owner_id, n FROM owned ORDER BY owner_id";

/* Active coaches on a team of the program and their capacity (what they
 * own comes from SQL_OWNED). */
static const char SQL_CASELOAD[] =
    "WITH coach (id, login, capacity) AS ("
    "  SELECT s.id, s.login, min(p.capacity) "
    "  FROM staff s JOIN team_member tm ON tm.staff_id = s.id "
    "  JOIN team t ON t.id = tm.team_id JOIN program p ON p.id = t.program_id "
    "  WHERE s.role = 'coach' AND s.active = 1 "
    "    AND (:prog IS NULL OR t.program_id = :prog) "
    "    AND (:reach IS NULL OR t.id IN (" MY_TEAM_IDS ")) "
    "  GROUP BY s.id) "
    "SELECT co.id, co.login, co.capacity FROM coach co ORDER BY co.login";

/* The active teams of the program in reach, one row per member (a team
 * without members has one, with NULLs): the team's own capacity (-1 when
 * it has none), and the member if an active coach, with the program's
 * capacity. The rows fold into what the coaches own with a case open at
 * `to` (SQL_OWNED) against the team's capacity or, when it has none of its
 * own, the sum of its coaches'. */
static const char SQL_TEAMS[] =
    "SELECT t.id, t.name, coalesce(t.capacity, -1), s.id, p.capacity "
    "FROM team t JOIN program p ON p.id = t.program_id "
    "LEFT JOIN team_member tm ON tm.team_id = t.id "
    "LEFT JOIN staff s ON s.id = tm.staff_id AND s.role = 'coach' AND s.active = 1 "
    "WHERE t.active = 1 AND (:prog IS NULL OR t.program_id = :prog) "
    "  AND (:reach IS NULL OR t.id IN (" MY_TEAM_IDS ")) "
    "ORDER BY t.name, t.id";

/* Tasks open at as_of (created by then, neither completed nor cancelled by
 * then) and due before it, per owner; with a program, only owners who are
 * members of one of its teams. Each owner's are three disjoint sets, each
 * a range of one covering index (task_overdue, schema 0017): still open (by
 * due time), completed after as_of, and cancelled after it without being
 * completed. */
#define OVERDUE_AT(IDX, COND)                                                          \
    "(SELECT count(*) FROM task k INDEXED BY " IDX                                     \
    " WHERE k.owner_id = s.id AND " COND                                               \
    " AND k.due_at < :as_of AND k.created_at <= :as_of)"
#define STILL_OPEN                                                                     \
    OVERDUE_AT("task_overdue", "k.completed_at IS NULL AND k.cancelled_at IS NULL")
#define DONE_SINCE                                                                     \
    OVERDUE_AT("task_overdue", "k.completed_at > :as_of AND (k.cancelled_at IS NULL "  \
                               "OR k.cancelled_at > :as_of)")
#define CANCELLED_SINCE                                                                \
    OVERDUE_AT("task_overdue", "k.completed_at IS NULL AND k.cancelled_at > :as_of")
static const char SQL_OVERDUE[] =
    "SELECT id, login, role, n FROM (SELECT s.id, s.login, s.role, " STILL_OPEN
    " + " DONE_SINCE " + " CANCELLED_SINCE " AS n FROM staff s "
    "WHERE (:prog IS NULL OR s.id IN (SELECT tm.staff_id FROM team_member tm "
    "  JOIN team t ON t.id = tm.team_id WHERE t.program_id = :prog)) "
    "  AND (:reach IS NULL OR s.id IN (SELECT staff_id FROM team_member "
    "  WHERE team_id IN (" MY_TEAM_IDS ")))) "
    "WHERE n > 0 ORDER BY login";

/* Episodes closed in the period: count, sum of lengths (both ends counted),
 * sum of targets (with extensions), closed after the target's last day. An
 * episode paused into light touch by a move to an SNF did not end: it is
 * left out. */
static const char SQL_EPISODES[] =
    "SELECT count(*), coalesce(sum(len), 0), coalesce(sum(target), 0), "
    "       coalesce(sum(len > target), 0), coalesce(sum(extended > 0), 0), "
    "       coalesce(sum(extended), 0) "
    "FROM (SELECT CAST(julianday(closed_date) - julianday(start_date) AS INTEGER) "
    "               + 1 AS len, target_days + extended_days AS target, "
    "             extended_days AS extended "
    "      FROM episode WHERE closed_date BETWEEN :from AND :to AND outcome <> 'snf' "
    "        AND (:prog IS NULL OR program_id = :prog) "
    "        AND " IN_REACH("client_id") ")";

/* A discharge d's columns: readmitted within 30 days, seconds to the first
 * home visit, the readmission risk of its latest intake whose program
 * meets PROG. */
#define DISCHARGE_COLS(PROG)                                                                \
    "SELECT EXISTS (SELECT 1 FROM encounter a "                                             \
    "         WHERE a.client_id = d.client_id AND a.kind = 'admit' AND a.at > d.at "        \
    "           AND a.cancelled_at IS NULL "                                                \
    "           AND a.at <= strftime('%Y-%m-%dT%H:%M:%SZ', d.at, '+30 days')), "            \
    "       CAST(strftime('%s', (SELECT v.at FROM contact v INDEXED BY contact_home_visit " \
    "         WHERE v.client_id = d.client_id AND v.kind = 'home-visit' "                   \
    "           AND v.at > d.at AND NOT EXISTS (SELECT 1 FROM contact x "                   \
    "             WHERE x.corrects_id = v.id) ORDER BY v.at LIMIT 1)) AS INTEGER) "         \
    "       - CAST(strftime('%s', d.at) AS INTEGER) AS secs, "                              \
    "       (SELECT r.readmit_risk FROM referral r "                                        \
    "         WHERE r.client_id = d.client_id AND r.readmit_risk IS NOT NULL "              \
    "           AND r.received_date <= date(d.at, 'localtime', '+3 days') "                 \
    "           AND " PROG " "                                                              \
    "         ORDER BY r.received_date DESC, r.id DESC LIMIT 1)"

/* Discharges in the period of clients with any episode in the program: was
 * there an admission (any facility) after it and at most 30 days later,
 * seconds to the first home visit after it (corrected contacts do not
 * count; NULL if none), and the readmission risk given at the client's
 * latest intake (of the program) on or before three days after the
 * discharge, NULL if none. Ordered by those seconds, no visit first. */
static const char SQL_DISCHARGES[] = DISCHARGE_COLS(
    "(:prog IS NULL OR r.program_id = :prog)") " "
                                               "FROM encounter d "
                                               "WHERE d.kind = 'discharge' AND d.cancelled_at IS NULL AND d.at >= :from_at "
                                               "  AND d.at < :end_at "
                                               "  AND EXISTS (SELECT 1 FROM episode s WHERE s.client_id = d.client_id "
                                               "              AND (:prog IS NULL OR s.program_id = :prog)) "
                                               "  AND " IN_REACH(
                                                   "d.client_id") " "
                                                                  "ORDER BY secs";

/* Appointments of the period's days that were kept or missed, of the
 * program's clients: all of them and the no-shows. */
static const char SQL_APPOINTMENTS[] =
    "SELECT count(*), coalesce(sum(a.status = 'no-show'), 0) "
    "FROM appointment a JOIN client c ON c.id = a.client_id "
    "WHERE a.status IN ('kept', 'no-show') AND a.at >= :from_at AND a.at < :end_at "
    "  AND (:prog IS NULL OR c.program_id = :prog) "
    "  AND " IN_REACH("a.client_id");

/* Specialty-care navigation episodes started in the period (an episode of
 * that program starts on the discharge): seconds from the start of that day
 * (local) to the first kept specialist appointment after it (an accompanied
 * visit naming a specialty counts), NULL if none yet. */
static const char SQL_SPECIALTY[] =
    "SELECT CAST(strftime('%s', (SELECT a.at FROM appointment a "
    "         WHERE a.client_id = e.client_id AND a.status = 'kept' "
    "           AND a.at >= strftime('%Y-%m-%dT%H:%M:%SZ', e.start_date, 'utc') "
    "           AND (a.kind = 'specialist' OR (a.kind = 'accompanied-visit' AND "
    "a.specialty <> '')) ORDER BY a.at LIMIT 1)) AS INTEGER) "
    "       - CAST(strftime('%s', e.start_date, 'utc') AS INTEGER) "
    "FROM episode e JOIN program p ON p.id = e.program_id "
    "WHERE p.kind = 'specialty-navigation' AND e.start_date BETWEEN :from AND :to "
    "  AND (:prog IS NULL OR e.program_id = :prog) AND " IN_REACH("e.client_id");

/* Intensive episodes closed in the period (not paused for an SNF) whose
 * client has two PAM results or more from 30 days before the start to 14
 * days after the close: the change from the first of those to the last. */
static const char SQL_PAM[] =
    "SELECT (SELECT p2.score FROM pam_result p2 WHERE p2.client_id = e.client_id AND "
    "p2.taken_date BETWEEN date(e.start_date, '-30 days') AND date(e.closed_date, "
    "'+14 days') ORDER BY p2.taken_date DESC, p2.id DESC LIMIT 1) - (SELECT p1.score "
    "FROM pam_result p1 WHERE p1.client_id = e.client_id AND p1.taken_date BETWEEN "
    "date(e.start_date, '-30 days') AND date(e.closed_date, '+14 days') ORDER BY "
    "p1.taken_date, p1.id LIMIT 1) "
    "FROM episode e WHERE e.closed_date BETWEEN :from AND :to AND e.outcome <> 'snf' "
    "  AND (:prog IS NULL OR e.program_id = :prog) "
    "  AND (SELECT count(*) FROM pam_result p WHERE p.client_id = e.client_id AND "
    "p.taken_date BETWEEN date(e.start_date, '-30 days') AND date(e.closed_date, "
    "'+14 days')) >= 2 AND " IN_REACH("e.client_id");

/* Granted consents of the program's clients, not revoked by today, that
 * expire between today and today + 30 days inclusive. */
static const char SQL_CONSENTS[] =
    "SELECT count(*) FROM consent k JOIN client c ON c.id = k.client_id "
    "WHERE k.kind IN ('participation', 'release') AND k.decision = 'granted' "
    "  AND (k.revoked_date IS NULL OR k.revoked_date > :today) "
    "  AND k.expires_date BETWEEN :today AND :soon "
    "  AND (:prog IS NULL OR c.program_id = :prog) "
    "  AND " IN_REACH("k.client_id");

/* The program's own episode days and capacity per coach (no row for all
 * programs). */
static const char SQL_PROGRAM[] =
    "SELECT episode_days, capacity FROM program WHERE id = :prog";

/* Granted consents of the program's clients that expired in the period
 * (their last valid day falls in it) and were not revoked before. */
static const char SQL_EXPIRED[] =
    "SELECT count(*) FROM consent k JOIN client c ON c.id = k.client_id "
    "WHERE k.kind IN ('participation', 'release') AND k.decision = 'granted' "
    "  AND (k.revoked_date IS NULL OR k.revoked_date > k.expires_date) "
    "  AND k.expires_date BETWEEN :from AND :to "
    "  AND (:prog IS NULL OR c.program_id = :prog) "
    "  AND " IN_REACH("k.client_id");

/* Clients with an episode or monitoring of the program open on some day of
 * the period, once each. */
#define OPEN_IN(T, START, END)                                                         \
    "SELECT client_id FROM " T " INDEXED BY " T "_open WHERE " END                     \
    " IS NULL AND " START                                                              \
    " <= :to AND (:prog IS NULL OR program_id = :prog) UNION SELECT client_id "        \
    "FROM " T " WHERE " END " >= :from AND " START " <= :to AND (:prog IS NULL OR "    \
    "program_id = :prog)"
static const char SQL_SERVED[] = "SELECT count(*) FROM (" OPEN_IN(
    "episode", "start_date",
    "closed_date") " UNION " OPEN_IN("monitoring", "since_date",
                                     "ended_date") ") "
                                                   "WHERE " IN_REACH("client_id");

/* The program's budget for the quarters that lie wholly in the period: their
 * sum in cents, or -1 when none is set (or all programs are measured). */
static const char SQL_BUDGET[] =
    "SELECT CASE WHEN :prog IS NULL OR count(*) = 0 THEN -1 "
    "            ELSE sum(amount_cents) END "
    "FROM (SELECT amount_cents, printf('%s-%02d-01', substr(quarter, 1, 4), "
    "             (CAST(substr(quarter, 6, 1) AS INTEGER) - 1) * 3 + 1) AS first "
    "      FROM program_budget WHERE program_id = :prog) "
    "WHERE first >= :from AND date(first, '+3 months', '-1 day') <= :to";

/* ---- the same, every program in one pass ------------------------------ */

/* SQL_TIER1 by program: each client once per program referred to. */
static const char SQL_TIER1_BY[] =
    "SELECT count(*), coalesce(sum(ok), 0), prog "
    "FROM (SELECT r.program_id AS prog, max(EXISTS (SELECT 1 FROM episode e WHERE "
    "      e.client_id = r.client_id AND e.program_id = r.program_id AND "
    "      e.start_date <= :to) OR EXISTS (SELECT 1 FROM monitoring m WHERE "
    "      m.client_id = r.client_id AND m.program_id = r.program_id AND "
    "      m.since_date <= :to)) AS ok "
    "      FROM referral r JOIN client c INDEXED BY client_measures ON c.id = "
    "r.client_id "
    "      WHERE c.tier = 1 AND r.received_date BETWEEN :from AND :to "
    "        AND " IN_REACH("r.client_id") " GROUP BY r.program_id, r.client_id) "
                                           "GROUP BY prog";

/* SQL_EPISODES by program. */
static const char SQL_EPISODES_BY[] =
    "SELECT count(*), coalesce(sum(len), 0), coalesce(sum(target), 0), "
    "       coalesce(sum(len > target), 0), coalesce(sum(extended > 0), 0), "
    "       coalesce(sum(extended), 0), program_id "
    "FROM (SELECT CAST(julianday(closed_date) - julianday(start_date) AS INTEGER) "
    "               + 1 AS len, target_days + extended_days AS target, "
    "             extended_days AS extended, program_id "
    "      FROM episode WHERE closed_date BETWEEN :from AND :to AND outcome <> 'snf' "
    "        AND " IN_REACH("client_id") ") GROUP BY program_id";

/* SQL_DISCHARGES by program: each discharge of the period read once and
 * paired, by the client's episodes, with each program the client has an
 * episode of (never with every program in turn). */
static const char SQL_DISCHARGES_BY[] = DISCHARGE_COLS(
    "r.program_id = pg.id") ", pg.id "
                            "FROM (SELECT DISTINCT d.id AS did, s.program_id AS id "
                            "FROM encounter d JOIN episode s ON s.client_id = d.client_id "
                            "WHERE d.kind = 'discharge' AND d.cancelled_at IS NULL AND d.at >= :from_at "
                            "  AND d.at < :end_at AND " IN_REACH(
                                "d.client_id") ") pg "
                                               "JOIN encounter d ON d.id = pg.did ORDER BY pg.id, secs";

/* SQL_APPOINTMENTS by the client's program. */
static const char SQL_APPOINTMENTS_BY[] =
    "SELECT count(*), coalesce(sum(a.status = 'no-show'), 0), c.program_id "
    "FROM appointment a JOIN client c ON c.id = a.client_id "
    "WHERE a.status IN ('kept', 'no-show') AND a.at >= :from_at AND a.at < :end_at "
    "  AND c.program_id IS NOT NULL AND " IN_REACH(
        "a.client_id") " "
                       "GROUP BY c.program_id";

/* SQL_PAM with each episode's program. */
static const char SQL_PAM_BY[] =
    "SELECT (SELECT p2.score FROM pam_result p2 WHERE p2.client_id = e.client_id AND "
    "p2.taken_date BETWEEN date(e.start_date, '-30 days') AND date(e.closed_date, "
    "'+14 days') ORDER BY p2.taken_date DESC, p2.id DESC LIMIT 1) - (SELECT p1.score "
    "FROM pam_result p1 WHERE p1.client_id = e.client_id AND p1.taken_date BETWEEN "
    "date(e.start_date, '-30 days') AND date(e.closed_date, '+14 days') ORDER BY "
    "p1.taken_date, p1.id LIMIT 1), e.program_id "
    "FROM episode e WHERE e.closed_date BETWEEN :from AND :to AND e.outcome <> 'snf' "
    "  AND (SELECT count(*) FROM pam_result p WHERE p.client_id = e.client_id AND "
    "p.taken_date BETWEEN date(e.start_date, '-30 days') AND date(e.closed_date, "
    "'+14 days')) >= 2 AND " IN_REACH("e.client_id");

/* SQL_CONSENTS and SQL_EXPIRED by the client's program. */
static const char SQL_CONSENTS_BY[] =
    "SELECT count(*), c.program_id FROM consent k JOIN client c ON c.id = k.client_id "
    "WHERE k.kind IN ('participation', 'release') AND k.decision = 'granted' "
    "  AND (k.revoked_date IS NULL OR k.revoked_date > :today) "
    "  AND k.expires_date BETWEEN :today AND :soon AND c.program_id IS NOT NULL "
    "  AND " IN_REACH("k.client_id") " GROUP BY c.program_id";
static const char SQL_EXPIRED_BY[] =
    "SELECT count(*), c.program_id FROM consent k JOIN client c ON c.id = k.client_id "
    "WHERE k.kind IN ('participation', 'release') AND k.decision = 'granted' "
    "  AND (k.revoked_date IS NULL OR k.revoked_date > k.expires_date) "
    "  AND k.expires_date BETWEEN :from AND :to AND c.program_id IS NOT NULL "
    "  AND " IN_REACH("k.client_id") " GROUP BY c.program_id";

/* SQL_SERVED by program: each client once per program. */
#define OPEN_IN_BY(T, START, END)                                                      \
    "SELECT program_id, client_id FROM " T " INDEXED BY " T "_open WHERE " END         \
    " IS NULL AND " START " <= :to UNION SELECT program_id, client_id FROM " T         \
    " WHERE " END " >= :from AND " START " <= :to"
static const char SQL_SERVED_BY[] = "SELECT count(*), program_id FROM (" OPEN_IN_BY(
    "episode", "start_date",
    "closed_date") " UNION " OPEN_IN_BY("monitoring", "since_date",
                                        "ended_date") ") "
                                                      "WHERE " IN_REACH(
                                                          "client_id") " GROUP BY program_id";

/* ---- folding rows into the result -------------------------------------- */

static int out_of_memory(cc_err *err)
{
    return cc_err_set(err, CC_EDATA, "out of memory computing measures");
}

/* p with room for element n (*cap allocated so far), or NULL with p intact. */
static void *grow(void *p, int n, int *cap, size_t size)
{
    if (n < *cap)
        return p;
    int ncap = *cap ? *cap * 2 : 16;
    void *q = cc_realloc(p, (size_t)ncap * size);
    if (q)
        *cap = ncap;
    return q;
}

/* What owner owns with a case open at the cache's day (0 if nothing). */
static int owned_by(const measures_cache *c, int64_t owner)
{
    int lo = 0, hi = c->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (c->owned[mid].owner_id == owner)
            return c->owned[mid].n;
        if (c->owned[mid].owner_id < owner)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

static int row_owned(sqlite3_stmt *st, acc *a, cc_err *err)
{
    measures_cache *c = a->cache;
    struct measures_owned *list = grow(c->owned, c->n, &c->cap, sizeof *list);
    if (!list)
        return out_of_memory(err);
    c->owned = list;
    c->owned[c->n].owner_id = sqlite3_column_int64(st, 0);
    c->owned[c->n++].n = sqlite3_column_int(st, 1);
    return CC_OK;
}

static int row_referrals(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->conversion.den = a->m->decline.den = sqlite3_column_int64(st, 0);
    a->m->conversion.num = sqlite3_column_int64(st, 1);
    a->m->decline.num = sqlite3_column_int64(st, 2);
    return CC_OK;
}

static int row_tier1(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->tier1_placed.den = sqlite3_column_int64(st, 0);
    a->m->tier1_placed.num = sqlite3_column_int64(st, 1);
    return CC_OK;
}

static int row_coach(sqlite3_stmt *st, acc *a, cc_err *err)
{
    measures *m = a->m;
    coach_load *list = grow(m->coach, m->coaches, &a->coach_cap, sizeof *list);
    if (!list)
        return out_of_memory(err);
    m->coach = list;
    coach_load *c = &list[m->coaches++];
    memset(c, 0, sizeof *c);
    c->staff_id = sqlite3_column_int64(st, 0);
    ctx_col(st, 1, c->login, sizeof c->login);
    c->capacity = sqlite3_column_int(st, 2);
    c->active = owned_by(a->cache, c->staff_id);
    return CC_OK;
}

/* A row of SQL_TEAMS: a new team, or another member of the last. */
static int row_team(sqlite3_stmt *st, acc *a, cc_err *err)
{
    measures *m = a->m;
    int64_t id = sqlite3_column_int64(st, 0);
    int own = sqlite3_column_int(st, 2);
    if (!m->teams || m->team[m->teams - 1].team_id != id) {
        team_measure *list = grow(m->team, m->teams, &a->team_cap, sizeof *list);
        if (!list)
            return out_of_memory(err);
        m->team = list;
        team_measure *t = &list[m->teams++];
        memset(t, 0, sizeof *t);
        t->team_id = id;
        ctx_col(st, 1, t->name, sizeof t->name);
        t->capacity = own >= 0 ? own : 0;
    }
    team_measure *t = &m->team[m->teams - 1];
    if (sqlite3_column_type(st, 3) == SQLITE_NULL)
        return CC_OK;
    t->active += owned_by(a->cache, sqlite3_column_int64(st, 3));
    if (own < 0)
        t->capacity += sqlite3_column_int(st, 4);
    return CC_OK;
}

static int row_overdue(sqlite3_stmt *st, acc *a, cc_err *err)
{
    measures *m = a->m;
    staff_overdue *list = grow(m->overdue, m->noverdue, &a->overdue_cap, sizeof *list);
    if (!list)
        return out_of_memory(err);
    m->overdue = list;
    staff_overdue *o = &list[m->noverdue++];
    o->staff_id = sqlite3_column_int64(st, 0);
    ctx_col(st, 1, o->login, sizeof o->login);
    ctx_col(st, 2, o->role, sizeof o->role);
    o->overdue = sqlite3_column_int(st, 3);
    m->overdue_tasks += o->overdue;
    return CC_OK;
}

static int row_episodes(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->episodes_closed = sqlite3_column_int(st, 0);
    a->m->length_days_sum = sqlite3_column_int64(st, 1);
    a->m->target_days_sum = sqlite3_column_int64(st, 2);
    a->m->closed_past_target = sqlite3_column_int(st, 3);
    a->m->episodes_extended = sqlite3_column_int(st, 4);
    a->m->extension_days_sum = sqlite3_column_int64(st, 5);
    return CC_OK;
}

static int row_discharge(sqlite3_stmt *st, acc *a, cc_err *err)
{
    int readmitted = sqlite3_column_int(st, 0);
    a->m->readmission30.den++;
    a->m->readmission30.num += readmitted;
    if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
        a->m->discharges_with_risk++;
        a->m->readmit_observed += readmitted;
        a->m->readmit_expected += sqlite3_column_double(st, 2) / 100.0;
    }
    if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
        a->m->discharges_without_visit++;
        return CC_OK;
    }
    double *days = grow(a->days, a->ndays, &a->days_cap, sizeof *days);
    if (!days)
        return out_of_memory(err);
    a->days = days;
    days[a->ndays++] = (double)sqlite3_column_int64(st, 1) / 86400.0;
    return CC_OK;
}

static int row_appointments(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->no_show.den = sqlite3_column_int64(st, 0);
    a->m->no_show.num = sqlite3_column_int64(st, 1);
    return CC_OK;
}

static int row_specialty(sqlite3_stmt *st, acc *a, cc_err *err)
{
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        a->m->discharges_without_specialty++;
        return CC_OK;
    }
    a->m->discharges_with_specialty++;
    a->m->days_to_specialty_sum += (double)sqlite3_column_int64(st, 0) / 86400.0;
    return CC_OK;
}

static int row_pam(sqlite3_stmt *st, acc *a, cc_err *err)
{
    double change = sqlite3_column_double(st, 0);
    a->m->pam_gain3.den++;
    a->m->pam_gain3.num += change >= 3.0;
    a->m->pam_change_sum += change;
    return CC_OK;
}

static int row_consents(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->consents_expiring = sqlite3_column_int(st, 0);
    return CC_OK;
}

static int row_program(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->program_target_days = sqlite3_column_int(st, 0);
    a->m->program_capacity = sqlite3_column_int(st, 1);
    return CC_OK;
}

static int row_expired(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->consents_expired = sqlite3_column_int(st, 0);
    return CC_OK;
}

static int row_served(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->clients_served = sqlite3_column_int(st, 0);
    return CC_OK;
}

static int row_budget(sqlite3_stmt *st, acc *a, cc_err *err)
{
    a->m->budget_cents = sqlite3_column_int64(st, 0);
    return CC_OK;
}

typedef struct query {
    const char *what; /* for error messages */
    const char *sql;
    int (*row)(sqlite3_stmt *st, acc *a, cc_err *err);
    const char *by; /* the grouped twin, or NULL: run once per program */
} query;

static const query queries[] = {
    {"reading the program", SQL_PROGRAM, row_program, NULL},
    {"measuring referrals", SQL_REFERRALS, row_referrals, SQL_REFERRALS_BY},
    {"measuring tier-1 placement", SQL_TIER1, row_tier1, SQL_TIER1_BY},
    {"measuring caseload", SQL_CASELOAD, row_coach, NULL},
    {"measuring team capacity", SQL_TEAMS, row_team, NULL},
    {"measuring overdue tasks", SQL_OVERDUE, row_overdue, NULL},
    {"measuring episode length", SQL_EPISODES, row_episodes, SQL_EPISODES_BY},
    {"measuring discharges", SQL_DISCHARGES, row_discharge, SQL_DISCHARGES_BY},
    {"measuring expiring consents", SQL_CONSENTS, row_consents, SQL_CONSENTS_BY},
    {"measuring appointments", SQL_APPOINTMENTS, row_appointments, SQL_APPOINTMENTS_BY},
    {"measuring specialty appointments", SQL_SPECIALTY, row_specialty, NULL},
    {"measuring patient activation", SQL_PAM, row_pam, SQL_PAM_BY},
    {"measuring expired consents", SQL_EXPIRED, row_expired, SQL_EXPIRED_BY},
    {"measuring clients served", SQL_SERVED, row_served, SQL_SERVED_BY},
    {"reading the budget", SQL_BUDGET, row_budget, NULL},
};

static int row_trend(sqlite3_stmt *st, acc *a, cc_err *err)
{
    int y, mo;
    trend *t = a->trend;
    const char *month = (const char *)sqlite3_column_text(st, 0);
    if (!month || sscanf(month, "%d-%d", &y, &mo) != 2)
        return CC_OK;
    int k = (y * 12 + mo) - (t->y0 * 12 + t->m0);
    if (k >= 0 && k < t->months) {
        t->out[k].den = sqlite3_column_int64(st, 1);
        t->out[k].num = sqlite3_column_int64(st, 2);
    }
    return CC_OK;
}

static const query owned_query = {"measuring caseload", SQL_OWNED, row_owned, NULL};

static const query trend_query[] = {
    {"measuring the conversion trend", SQL_TREND, row_trend, NULL},
};

/* ---- running them ------------------------------------------------------ */

static void bind_text(sqlite3_stmt *st, const char *name, const char *value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_text(st, i, value, -1, SQLITE_STATIC);
}

/* :name bound to id, or to NULL when id is 0. */
static void bind_id(sqlite3_stmt *st, const char *name, int64_t id)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0 && id)
        sqlite3_bind_int64(st, i, id);
    else if (i > 0)
        sqlite3_bind_null(st, i);
}

static void bind_period(sqlite3_stmt *st, const period *p)
{
    bind_id(st, ":prog", p->prog);
    bind_id(st, ":reach", p->reach);
    bind_text(st, ":from", p->from);
    bind_text(st, ":to", p->to);
    bind_text(st, ":from_at", p->from_at);
    bind_text(st, ":end_at", p->end_at);
    bind_text(st, ":as_of", p->as_of);
    bind_text(st, ":today", p->today);
    bind_text(st, ":soon", p->soon);
}

/* With one program bound, every ":prog IS NULL OR " is "false OR": the
 * statement without them (malloc'd) lets the program's own index serve,
 * which an OR with a parameter defeats. NULL when measuring all programs
 * (or out of memory: the statement as written is right too). */
static char *for_program(const char *sql, const period *p)
{
    static const char drop[] = ":prog IS NULL OR ";
    char *out = p->prog ? malloc(strlen(sql) + 1) : NULL, *o = out;
    for (const char *s = sql; out && *s;) {
        const char *hit = strstr(s, drop);
        size_t n = hit ? (size_t)(hit - s) : strlen(s);
        memcpy(o, s, n);
        o += n;
        s += n + (hit ? sizeof drop - 1 : 0);
    }
    if (out)
        *o = '\0';
    return out;
}

static int run_query(cc_ctx *ctx, const query *q, const period *p, acc *a, cc_err *err)
{
    char *own = for_program(q->sql, p);
    sqlite3_stmt *st = ctx_prepare(ctx, own ? own : q->sql, err);
    free(own);
    if (!st)
        return err->code;
    bind_period(st, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (q->row(st, a, err) != CC_OK) {
            ctx_finalize(st);
            return err->code;
        }
    }
    int code = rc == SQLITE_DONE ? CC_OK : store_fail(ctx->st, rc, q->what, err);
    ctx_finalize(st);
    return code;
}

/* q's grouped twin once for the n programs p[0..n) (their ids resolved):
 * each row goes to the accumulator of the program in its last column, rows
 * of other programs are skipped. */
static int run_grouped(cc_ctx *ctx, const query *q, const period *base, int n,
                       const period *p, acc *a, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, q->by, err);
    if (!st)
        return err->code;
    bind_period(st, base);
    int rc, last = sqlite3_column_count(st) - 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, last);
        int i = 0;
        while (i < n && p[i].prog != id)
            i++;
        if (i < n && q->row(st, &a[i], err) != CC_OK) {
            ctx_finalize(st);
            return err->code;
        }
    }
    int code = rc == SQLITE_DONE ? CC_OK : store_fail(ctx->st, rc, q->what, err);
    ctx_finalize(st);
    return code;
}

/* The program's id for code (NULL or "" = all, id 0); unknown: CC_EINPUT. */
static int resolve_program(cc_ctx *ctx, const char *code, period *p, cc_err *err)
{
    if (!code || !*code)
        return CC_OK;
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT id FROM program WHERE code = ?1", err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        p->prog = sqlite3_column_int64(st, 0);
    int result = rc == SQLITE_ROW ? CC_OK
                 : rc == SQLITE_DONE
                     ? cc_err_set(err, CC_EINPUT, "no program %.40s", code)
                     : store_fail(ctx->st, rc, "finding the program", err);
    ctx_finalize(st);
    return result;
}

/* Check the dates and work out every bound value but the program. */
static int make_period(cc_ctx *ctx, const char *from, const char *to, period *p,
                       cc_err *err)
{
    int64_t f, t;
    char next[11];
    if (!from || !to || clock_parse_date(from, &f) != 0 ||
        clock_parse_date(to, &t) != 0 || strcmp(from, "1900-01-01") < 0 ||
        strcmp(to, "9999-01-01") >= 0)
        return cc_err_set(err, CC_EINPUT,
                          "period dates must be YYYY-MM-DD (1900-9998)");
    if (f > t)
        return cc_err_set(err, CC_EINPUT, "period start %s is after its end %s", from,
                          to);
    snprintf(p->from, sizeof p->from, "%s", from);
    snprintf(p->to, sizeof p->to, "%s", to);
    clock_date_add(to, 1, next);
    int64_t end = clock_local_midnight(next), now = ctx_clock(ctx);
    clock_format_iso(clock_local_midnight(from), p->from_at);
    clock_format_iso(end, p->end_at);
    clock_format_iso(now < end ? now : end, p->as_of);
    ctx_today(ctx, p->today);
    clock_date_add(p->today, CONSENT_EXPIRING_DAYS, p->soon);
    p->reach = scope_sees_all(ctx) ? 0 : ctx->staff_id;
    return CC_OK;
}

/* ---- what is derived from the rows ------------------------------------- */

static void finish_caseload(measures *m)
{
    for (int i = 0; i < m->coaches; i++) {
        coach_load *c = &m->coach[i];
        m->active_total += c->active;
        if (c->active > m->caseload_max)
            m->caseload_max = c->active;
        if (c->active > c->capacity)
            m->over_capacity++;
        for (int j = 0; j < m->noverdue; j++)
            if (m->overdue[j].staff_id == c->staff_id)
                c->overdue = m->overdue[j].overdue;
    }
    m->caseload_avg = m->coaches ? (double)m->active_total / m->coaches : 0;
}

static void finish_episodes(measures *m)
{
    if (m->episodes_extended)
        m->avg_extension = (double)m->extension_days_sum / m->episodes_extended;
    if (!m->episodes_closed)
        return;
    m->avg_length = (double)m->length_days_sum / m->episodes_closed;
    m->avg_target = (double)m->target_days_sum / m->episodes_closed;
}

/* The days are ascending (the query orders them). */
static void finish_visits(measures *m, const double *days, int n)
{
    m->discharges_with_visit = n;
    for (int i = 0; i < n; i++)
        m->days_to_visit_sum += days[i];
    if (!n)
        return;
    m->days_to_visit_avg = m->days_to_visit_sum / n;
    m->days_to_visit_median =
        n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2.0;
}

/* ---- the entry points -------------------------------------------------- */

double measure_rate(measure_ratio r)
{
    return r.den ? (double)r.num / (double)r.den : 0.0;
}

/* Read what every owner owns at p->to into a->cache unless it holds that
 * day already. */
static int refresh_cache(cc_ctx *ctx, const period *p, acc *a, cc_err *err)
{
    if (!a->cache || strcmp(a->cache->day, p->to) == 0)
        return CC_OK;
    a->cache->n = 0;
    a->cache->day[0] = '\0';
    int rc = run_query(ctx, &owned_query, p, a, err);
    if (rc == CC_OK)
        snprintf(a->cache->day, sizeof a->cache->day, "%s", p->to);
    return rc;
}

/* Open a read transaction (a deferred BEGIN: one snapshot) unless the
 * caller has one (quarterly.c reads many periods in one): 1 if opened. */
static int begin_read(cc_ctx *ctx, int *own, cc_err *err)
{
    *own = sqlite3_get_autocommit(store_db(ctx->st));
    return *own ? store_exec(ctx->st, "BEGIN", err) : CC_OK;
}

/* End what begin_read opened: commit on success, else roll back. */
static int end_read(cc_ctx *ctx, int own, int rc, cc_err *err)
{
    if (own && rc == CC_OK)
        rc = store_exec(ctx->st, "COMMIT", err);
    if (own && rc != CC_OK)
        store_rollback(ctx->st);
    return rc;
}

/* The n queries qs in one read transaction. */
static int run_all(cc_ctx *ctx, const char *program_code, period *p, const query *qs,
                   size_t n, acc *a, cc_err *err)
{
    int own;
    if (begin_read(ctx, &own, err) != CC_OK)
        return err->code;
    int rc = resolve_program(ctx, program_code, p, err);
    if (rc == CC_OK)
        rc = refresh_cache(ctx, p, a, err);
    for (size_t i = 0; rc == CC_OK && i < n; i++)
        rc = run_query(ctx, &qs[i], p, a, err);
    return end_read(ctx, own, rc, err);
}

/* What is worked out from the rows once they are all in. */
static void finish_all(measures *out, const period *p, const char *code, acc *a)
{
    snprintf(out->program, sizeof out->program, "%s", p->prog ? code : "");
    snprintf(out->from, sizeof out->from, "%s", p->from);
    snprintf(out->to, sizeof out->to, "%s", p->to);
    snprintf(out->today, sizeof out->today, "%s", p->today);
    snprintf(out->as_of, sizeof out->as_of, "%s", p->as_of);
    finish_caseload(out);
    finish_episodes(out);
    finish_visits(out, a->days, a->ndays);
    if (out->pam_gain3.den)
        out->pam_change_avg = out->pam_change_sum / (double)out->pam_gain3.den;
    if (out->discharges_with_specialty)
        out->days_to_specialty_avg =
            out->days_to_specialty_sum / out->discharges_with_specialty;
}

int measures_compute(cc_ctx *ctx, const char *program_code, const char *from,
                     const char *to, measures *out, cc_err *err)
{
    measures_cache cache = {0};
    int rc = measures_compute_in(ctx, program_code, from, to, &cache, out, err);
    measures_cache_free(&cache);
    return rc;
}

void measures_cache_free(measures_cache *c)
{
    if (!c)
        return;
    free(c->owned);
    memset(c, 0, sizeof *c);
}

int measures_compute_in(cc_ctx *ctx, const char *program_code, const char *from,
                        const char *to, measures_cache *cache, measures *out,
                        cc_err *err)
{
    period p = {0};
    acc a = {.m = out, .cache = cache};
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "measures.view", err) != CC_OK ||
        make_period(ctx, from, to, &p, err) != CC_OK)
        return err->code;
    int rc = run_all(ctx, program_code, &p, queries, sizeof queries / sizeof *queries,
                     &a, err);
    if (rc == CC_OK)
        finish_all(out, &p, program_code, &a);
    else
        measures_free(out);
    free(a.days);
    return rc;
}

/* Every query for the n programs p[0..n) (ids resolved) into a[0..n): the
 * grouped ones once, the others once per program. One program is measured
 * by the one-program statements: they read its rows by its own indexes,
 * where a grouped one reads every program's. */
static int run_programs(cc_ctx *ctx, const period *base, int n, period *p, acc *a,
                        cc_err *err)
{
    int rc = refresh_cache(ctx, &p[0], &a[0], err);
    for (size_t k = 0; rc == CC_OK && k < sizeof queries / sizeof *queries; k++) {
        const query *q = &queries[k];
        if (q->row == row_consents && a[0].cache && a[0].cache->skip_expiring)
            continue;
        int grouped = q->by && n > 1;
        if (grouped)
            rc = run_grouped(ctx, q, base, n, p, a, err);
        for (int i = 0; rc == CC_OK && !grouped && i < n; i++)
            rc = run_query(ctx, q, &p[i], &a[i], err);
    }
    return rc;
}

int measures_compute_programs(cc_ctx *ctx, int n, const char *const *codes,
                              const char *from, const char *to, measures_cache *cache,
                              measures *out, cc_err *err)
{
    period base = {0};
    measures_cache none = {0};
    if (n < 1 || n > 100000)
        return cc_err_set(err, CC_EINPUT, "measures need 1 to 100,000 programs");
    memset(out, 0, (size_t)n * sizeof *out);
    if (guard_action(ctx, "measures.view", err) != CC_OK ||
        make_period(ctx, from, to, &base, err) != CC_OK)
        return err->code;
    period *p = cc_calloc((size_t)n, sizeof *p);
    acc *a = cc_calloc((size_t)n, sizeof *a);
    int own, rc = p && a ? begin_read(ctx, &own, err) : out_of_memory(err);
    if (!p || !a || rc != CC_OK) {
        free(p);
        free(a);
        return err->code;
    }
    for (int i = 0; i < n; i++) {
        p[i] = base;
        a[i] = (acc){.m = &out[i], .cache = cache ? cache : &none};
        if (rc == CC_OK && (!codes[i] || !codes[i][0]))
            rc = cc_err_set(err, CC_EINPUT, "measures by program need its code");
        if (rc == CC_OK)
            rc = resolve_program(ctx, codes[i], &p[i], err);
    }
    if (rc == CC_OK)
        rc = run_programs(ctx, &base, n, p, a, err);
    rc = end_read(ctx, own, rc, err);
    for (int i = 0; i < n; i++) {
        if (rc == CC_OK)
            finish_all(&out[i], &p[i], codes[i], &a[i]);
        else
            measures_free(&out[i]);
        free(a[i].days);
    }
    measures_cache_free(&none);
    free(p);
    free(a);
    return rc;
}

int measures_conversion_trend(cc_ctx *ctx, const char *program_code, const char *to,
                              int months, measure_ratio *out, cc_err *err)
{
    int y, mo;
    char from[11], first[11], next[11], last[11];
    if (months < 1 || months > 120 || !to || sscanf(to, "%4d-%2d", &y, &mo) != 2 ||
        mo < 1 || mo > 12)
        return cc_err_set(err, CC_EINPUT,
                          "a trend needs a YYYY-MM-DD end and 1-120 months");
    trend t = {y, mo - (months - 1), months, out};
    while (t.m0 < 1)
        t.m0 += 12, t.y0--;
    memset(out, 0, (size_t)months * sizeof *out);
    snprintf(from, sizeof from, "%04u-%02u-01", (unsigned)t.y0 % 10000u,
             (unsigned)t.m0 % 100u);
    snprintf(first, sizeof first, "%04u-%02u-01", (unsigned)y % 10000u,
             (unsigned)mo % 100u);
    clock_date_add(first, 31, next); /* some day of the month after */
    memcpy(next + 8, "01", 3);
    clock_date_add(next, -1, last); /* the last day of to's month */
    period p = {0};
    if (guard_action(ctx, "measures.view", err) != CC_OK ||
        make_period(ctx, from, last, &p, err) != CC_OK)
        return err->code;
    acc a = {.trend = &t};
    return run_all(ctx, program_code, &p, trend_query, 1, &a, err);
}

void measures_free(measures *m)
{
    if (!m)
        return;
    free(m->coach);
    free(m->team);
    free(m->overdue);
    m->coach = NULL;
    m->team = NULL;
    m->overdue = NULL;
    m->coaches = m->teams = m->noverdue = 0;
}
