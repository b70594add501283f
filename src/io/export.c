/*
 * export.c — JSON Lines export of the case data, one object per line, built
 * with cJSON (escaping is the library's job, not ours). References use ids
 * for clients and records, codes for programs and organizations, logins for
 * staff. States derived from dates (consent state, episode day, overdue)
 * are computed as of the context's today. The export is audited before any
 * line is written, then read in one snapshot.
 *
 * A named output file (export --output, report --output) is created here,
 * as the person running the command: with the program installed setgid
 * carecoord the group privilege is given back for the open, so the file
 * belongs to that person, mode 0600, and can never land where only the
 * carecoord group may write.
 */
#include "export.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/consent.h"
#include "core/disclose.h"
#include "core/episode.h"
#include "io/tableout.h"
#include "util/clock.h"
#include "util/text.h"

typedef struct exporter {
    cc_ctx *ctx;
    char today[11];
    char now[21];
    export_sink sink;
    void *arg;
    int64_t count;
} exporter;

/* ---- helpers ----------------------------------------------------------- */

static void add_text(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    if (!t) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    size_t n = strlen(t) + 1;
    char *clean = malloc(n);
    if (!clean)
        return;
    text_sanitize(t, clean, n, 1);
    cJSON_AddStringToObject(o, key, clean);
    free(clean);
}

static void add_int(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddNumberToObject(o, key, (double)sqlite3_column_int64(st, col));
}

static void add_bool(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    cJSON_AddBoolToObject(o, key, sqlite3_column_int(st, col) != 0);
}

/* A comma list column as a JSON array of strings ("; " for drivers). */
static void add_list(cJSON *o, const char *key, sqlite3_stmt *st, int col,
                     const char *sep)
{
    cJSON *arr = cJSON_AddArrayToObject(o, key);
    const char *t = (const char *)sqlite3_column_text(st, col);
    char item[256];
    size_t sl = strlen(sep);
    while (t && *t) {
        const char *end = strstr(t, sep);
        size_t n = end ? (size_t)(end - t) : strlen(t);
        if (n >= sizeof item)
            n = sizeof item - 1;
        memcpy(item, t, n);
        item[n] = '\0';
        char clean[256];
        text_sanitize(item, clean, sizeof clean, 0);
        cJSON_AddItemToArray(arr, cJSON_CreateString(clean));
        t = end ? end + sl : NULL;
    }
}

/* A JSON array of strings from a one-column query bound to id. */
static void add_sub_strings(exporter *x, cJSON *o, const char *key, const char *sql,
                            int64_t id)
{
    cc_err err;
    cJSON *arr = cJSON_AddArrayToObject(o, key);
    sqlite3_stmt *st = ctx_prepare(x->ctx, sql, &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char clean[256];
        text_sanitize((const char *)sqlite3_column_text(st, 0), clean, sizeof clean, 0);
        cJSON_AddItemToArray(arr, cJSON_CreateString(clean));
    }
    ctx_finalize(st);
}

/* ---- one row -> one object, per kind ------------------------------------ */

static void client_identifiers(exporter *x, cJSON *o, int64_t id)
{
    cc_err err;
    cJSON *arr = cJSON_AddArrayToObject(o, "identifiers");
    sqlite3_stmt *st =
        ctx_prepare(x->ctx,
                    "SELECT o.facility_code, ci.value FROM client_identifier "
                    "ci JOIN organization o ON o.id = ci.facility_id WHERE "
                    "ci.client_id = ?1 ORDER BY o.facility_code, ci.value",
                    &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *pair = cJSON_CreateObject();
        add_text(pair, "facility", st, 0);
        add_text(pair, "value", st, 1);
        cJSON_AddItemToArray(arr, pair);
    }
    ctx_finalize(st);
}

static cJSON *row_client(exporter *x, sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    int64_t id = sqlite3_column_int64(st, 0);
    add_int(o, "id", st, 0);
    add_text(o, "family_name", st, 1);
    add_text(o, "given_name", st, 2);
    add_text(o, "dob", st, 3);
    add_text(o, "zip", st, 4);
    add_text(o, "payer", st, 5);
    add_text(o, "language", st, 6);
    add_bool(o, "interpreter", st, 7);
    add_text(o, "setting", st, 8);
    add_text(o, "setting_org", st, 9);
    add_int(o, "tier", st, 10);
    add_text(o, "owner", st, 11);
    add_text(o, "program", st, 12);
    client_identifiers(x, o, id);
    add_int(o, "version", st, 13);
    return o;
}

static cJSON *row_referral(exporter *x, sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_text(o, "program", st, 2);
    add_text(o, "source_type", st, 3);
    add_text(o, "source_org", st, 4);
    add_text(o, "source_person", st, 5);
    add_list(o, "criteria", st, 6, ",");
    add_text(o, "received_date", st, 7);
    add_text(o, "status", st, 8);
    add_text(o, "status_at", st, 9);
    add_text(o, "reason", st, 10);
    if (sqlite3_column_type(st, 11) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "readmit_risk");
    else
        cJSON_AddNumberToObject(o, "readmit_risk", sqlite3_column_double(st, 11));
    add_sub_strings(
        x, o, "history",
        "SELECT e.status || ' ' || e.at || ' ' || coalesce(s.login, 'system') "
        "FROM referral_event e LEFT JOIN staff s ON s.id = e.staff_id WHERE "
        "e.referral_id = ?1 ORDER BY e.id",
        sqlite3_column_int64(st, 0));
    return o;
}

static cJSON *row_consent(exporter *x, sqlite3_stmt *st)
{
    consent c = {0};
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_text(o, "kind", st, 2);
    add_text(o, "decision", st, 3);
    add_text(o, "decline_reason", st, 4);
    add_text(o, "purpose", st, 5);
    add_text(o, "information", st, 6);
    add_bool(o, "substance_use", st, 7);
    add_text(o, "signed_date", st, 8);
    add_text(o, "recorded_by", st, 9);
    add_text(o, "witness", st, 10);
    add_text(o, "expires_date", st, 11);
    add_text(o, "expires_event", st, 12);
    add_text(o, "revoked_date", st, 13);
    add_text(o, "revoke_reason", st, 14);
    add_sub_strings(
        x, o, "recipients",
        "SELECT coalesce(o.facility_code, o.name) FROM consent_recipient r JOIN "
        "organization o ON o.id = r.organization_id WHERE r.consent_id = ?1 "
        "ORDER BY 1",
        sqlite3_column_int64(st, 0));
    ctx_col(st, 3, c.decision, sizeof c.decision);
    ctx_col(st, 11, c.expires_date, sizeof c.expires_date);
    ctx_col(st, 13, c.revoked_date, sizeof c.revoked_date);
    cJSON_AddStringToObject(o, "state",
                            consent_state_name(consent_state(&c, x->today)));
    return o;
}

static cJSON *row_assessment(exporter *x, sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_text(o, "program", st, 2);
    add_text(o, "questionnaire", st, 3);
    add_text(o, "at", st, 4);
    add_text(o, "staff", st, 5);
    add_text(o, "setting", st, 6);
    add_int(o, "score", st, 7);
    add_text(o, "level", st, 8);
    add_list(o, "drivers", st, 9, "; ");
    add_sub_strings(x, o, "answers",
                    "SELECT CASE a.answer WHEN 1 THEN 'yes' ELSE 'no' END FROM "
                    "assessment_answer a JOIN question q ON q.id = a.question_id WHERE "
                    "a.assessment_id = ?1 ORDER BY q.position",
                    sqlite3_column_int64(st, 0));
    return o;
}

static cJSON *row_episode(exporter *x, sqlite3_stmt *st)
{
    episode e = {0};
    episode_day d;
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_text(o, "program", st, 2);
    add_text(o, "start_date", st, 3);
    add_int(o, "target_days", st, 4);
    add_int(o, "extended_days", st, 5);
    ctx_col(st, 3, e.start_date, sizeof e.start_date);
    e.target_days = sqlite3_column_int(st, 4);
    e.extended_days = sqlite3_column_int(st, 5);
    episode_day_of(&e, x->today, &d);
    cJSON_AddNumberToObject(o, "length", d.length);
    cJSON_AddStringToObject(o, "target_end", d.target_end);
    add_text(o, "closed_date", st, 6);
    add_text(o, "outcome", st, 7);
    int open = sqlite3_column_type(st, 6) == SQLITE_NULL;
    cJSON_AddStringToObject(o, "state", open ? "open" : "closed");
    if (open) {
        cJSON_AddNumberToObject(o, "day", d.day);
        cJSON_AddBoolToObject(o, "past_target", d.past_target);
    } else {
        cJSON_AddNullToObject(o, "day");
        cJSON_AddNullToObject(o, "past_target");
    }
    return o;
}

static cJSON *row_task(exporter *x, sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_int(o, "episode", st, 2);
    add_text(o, "title", st, 3);
    add_text(o, "due_at", st, 4);
    add_text(o, "owner", st, 5);
    add_text(o, "origin", st, 6);
    add_text(o, "origin_ref", st, 7);
    add_text(o, "completed_at", st, 8);
    add_text(o, "completed_by", st, 9);
    add_text(o, "cancelled_at", st, 10);
    const char *due = (const char *)sqlite3_column_text(st, 4);
    int open = sqlite3_column_type(st, 8) == SQLITE_NULL &&
               sqlite3_column_type(st, 10) == SQLITE_NULL;
    cJSON_AddBoolToObject(o, "overdue", open && due && strcmp(due, x->now) < 0);
    return o;
}

static cJSON *row_contact(exporter *x, sqlite3_stmt *st)
{
    (void)x;
    cJSON *o = cJSON_CreateObject();
    add_int(o, "id", st, 0);
    add_int(o, "client", st, 1);
    add_text(o, "kind", st, 2);
    add_text(o, "at", st, 3);
    add_int(o, "duration_min", st, 4);
    add_text(o, "note", st, 5);
    add_text(o, "staff", st, 6);
    add_int(o, "corrects", st, 7);
    return o;
}

/* Columns that hold comma lists, exported as arrays. */
static int is_list_column(const char *name)
{
    return ctx_in_list(name, "covers,teams,covered_by,members");
}

/* A generic row: every column under its own name, integers as numbers,
 * NULL as null, text sanitized, list columns as arrays. The SQL names the
 * columns. */
static cJSON *row_plain(exporter *x, sqlite3_stmt *st)
{
    (void)x;
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        const char *name = sqlite3_column_name(st, i);
        if (is_list_column(name))
            add_list(o, name, st, i, ",");
        else if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
            add_int(o, name, st, i);
        else
            add_text(o, name, st, i);
    }
    return o;
}

/* A kind: its query, how a row becomes an object, and (for the kinds with
 * a row function of their own) the object's keys in order, which are the
 * CSV header; row_plain's keys are the query's column names. */
static const struct export_kind {
    const char *what;
    const char *sql;
    cJSON *(*row)(exporter *x, sqlite3_stmt *st);
    const char *columns;
} kinds[] = {
    {"clients",
     "SELECT c.id, c.family_name, c.given_name, c.dob, c.zip, c.payer, c.language, "
     "c.interpreter, c.setting, o.facility_code, c.tier, s.login, p.code, c.version "
     "FROM client c LEFT JOIN organization o ON o.id = c.setting_org_id LEFT JOIN "
     "staff "
     "s ON s.id = c.owner_id LEFT JOIN program p ON p.id = c.program_id ORDER BY c.id",
     row_client,
     "id,family_name,given_name,dob,zip,payer,language,interpreter,setting,setting_org,tier,owner,program,identifiers,version"},
    {"referrals",
     "SELECT r.id, r.client_id, p.code, r.source_type, o.facility_code, "
     "r.source_person, "
     "r.criteria, r.received_date, r.status, r.status_at, r.reason, r.readmit_risk "
     "FROM referral r "
     "JOIN "
     "program p ON p.id = r.program_id LEFT JOIN organization o ON o.id = "
     "r.source_org_id "
     "ORDER BY r.id",
     row_referral,
     "id,client,program,source_type,source_org,source_person,criteria,received_date,status,status_at,reason,readmit_risk,history"},
    {"consents",
     "SELECT c.id, c.client_id, c.kind, c.decision, c.decline_reason, c.purpose, "
     "c.information, c.substance_use, c.signed_date, s.login, c.witness, "
     "c.expires_date, "
     "c.expires_event, c.revoked_date, c.revoke_reason FROM consent c JOIN staff s ON "
     "s.id = c.recorded_by ORDER BY c.id",
     row_consent,
     "id,client,kind,decision,decline_reason,purpose,information,substance_use,signed_date,recorded_by,witness,expires_date,expires_event,revoked_date,revoke_reason,recipients,state"},
    {"assessments",
     "SELECT a.id, a.client_id, p.code, q.code || '/' || q.version, a.at, s.login, "
     "a.setting, a.score, a.level, a.drivers FROM assessment a JOIN program p ON p.id "
     "= "
     "a.program_id JOIN questionnaire q ON q.id = a.questionnaire_id JOIN staff s ON "
     "s.id "
     "= a.staff_id ORDER BY a.id",
     row_assessment,
     "id,client,program,questionnaire,at,staff,setting,score,level,drivers,answers"},
    {"episodes",
     "SELECT e.id, e.client_id, p.code, e.start_date, e.target_days, e.extended_days, "
     "e.closed_date, e.outcome FROM episode e JOIN program p ON p.id = e.program_id "
     "ORDER BY e.id",
     row_episode,
     "id,client,program,start_date,target_days,extended_days,length,target_end,closed_date,outcome,state,day,past_target"},
    {"tasks",
     "SELECT t.id, t.client_id, t.episode_id, t.title, t.due_at, s.login, t.origin, "
     "t.origin_ref, t.completed_at, c.login, t.cancelled_at FROM task t JOIN staff s "
     "ON "
     "s.id = t.owner_id "
     "LEFT JOIN staff c ON c.id = t.completed_by ORDER BY t.id",
     row_task,
     "id,client,episode,title,due_at,owner,origin,origin_ref,completed_at,completed_by,cancelled_at,overdue"},
    {"contacts",
     "SELECT k.id, k.client_id, k.kind, k.at, k.duration_min, k.note, s.login, "
     "k.corrects_id FROM contact k JOIN staff s ON s.id = k.staff_id ORDER BY k.id",
     row_contact, "id,client,kind,at,duration_min,note,staff,corrects"},
    {"staff",
     "SELECT s.id, s.login, s.full_name, s.role, s.active, (SELECT "
     "group_concat(t.name, "
     "',') FROM team_cover tc JOIN team t ON t.id = tc.team_id WHERE tc.staff_id = "
     "s.id) "
     "AS covers, (SELECT group_concat(t.name, ',') FROM team_member tm JOIN team t ON "
     "t.id "
     "= tm.team_id WHERE tm.staff_id = s.id) AS teams FROM staff s ORDER BY s.id",
     row_plain, NULL},
    {"teams",
     "SELECT t.id, t.name, p.code AS program, (SELECT group_concat(s.login, ',') FROM "
     "team_cover tc JOIN staff s ON s.id = tc.staff_id WHERE tc.team_id = t.id) AS "
     "covered_by, (SELECT group_concat(s.login || ':' || s.role, ',') FROM team_member "
     "tm "
     "JOIN staff s ON s.id = tm.staff_id WHERE tm.team_id = t.id) AS members FROM team "
     "t "
     "JOIN program p ON p.id = t.program_id ORDER BY t.id",
     row_plain, NULL},
    {"handoffs",
     "SELECT h.id, h.client_id AS client, f.login AS \"from\", fp.code AS "
     "from_program, "
     "h.to_kind, coalesce(ts.login, tt.name, tp.code, o.facility_code) AS \"to\", "
     "h.state, "
     "h.note, h.reason, h.substance_use, h.proposed_at, h.expires_at, h.decided_at, "
     "d.login AS decided_by, h.outside_accepted_by, h.outside_contact, h.batch FROM "
     "handoff h JOIN staff f ON f.id = h.from_staff_id LEFT JOIN program fp ON fp.id = "
     "h.from_program_id LEFT JOIN staff ts ON ts.id = h.to_staff_id LEFT JOIN team tt "
     "ON "
     "tt.id = h.to_team_id LEFT JOIN program tp ON tp.id = h.to_program_id LEFT JOIN "
     "organization o ON o.id = h.to_org_id LEFT JOIN staff d ON d.id = h.decided_by "
     "ORDER "
     "BY h.id",
     row_plain, NULL},
    {"disclosures",
     "SELECT d.id, d.client_id AS client, o.facility_code AS recipient, o.name AS "
     "recipient_name, d.at, d.what, d.purpose, d.substance_use, s.login AS staff, "
     "d.handoff_id AS handoff FROM disclosure d JOIN organization o ON o.id = "
     "d.organization_id JOIN staff s ON s.id = d.staff_id ORDER BY d.id",
     row_plain, NULL},
    {"access",
     "SELECT 'break-glass' AS kind, g.id, g.granted_at AS at, s.login AS staff, "
     "g.client_id AS client, g.reason AS detail, g.expires_at, g.reviewed_at, r.login "
     "AS "
     "reviewed_by, g.review_note FROM access_grant g JOIN staff s ON s.id = g.staff_id "
     "LEFT JOIN staff r ON r.id = g.reviewed_by UNION ALL SELECT CASE a.action WHEN "
     "'client.view' THEN 'view' ELSE 'refused' END, a.seq, a.at, s.login, "
     "a.client_id, a.details, NULL, NULL, NULL, NULL FROM audit a JOIN "
     "staff "
     "s ON s.id = a.staff_id WHERE a.action IN ('client.view', 'client.view.refused') "
     "ORDER BY 3, 2",
     row_plain, NULL},
    {"alerts",
     "SELECT a.id, a.client_id AS client, a.kind, a.for_role, s.login AS for_staff, "
     "a.details, a.created_at, a.acknowledged_at, k.login AS acknowledged_by FROM "
     "alert a "
     "LEFT JOIN staff s ON s.id = a.for_staff_id LEFT JOIN staff k ON k.id = "
     "a.acknowledged_by ORDER BY a.id",
     row_plain, NULL},
    {"reach",
     "SELECT r.client_id AS client, r.phone1, r.phone1_kind, r.phone2, r.phone2_kind, "
     "r.preferred, r.call_times, r.address, r.city, o.facility_code AS pcp_org, "
     "r.pcp_name, r.saved_at, s.login AS saved_by, r.version FROM client_reach r LEFT "
     "JOIN organization o ON o.id = r.pcp_org_id LEFT JOIN staff s ON s.id = "
     "r.saved_by ORDER BY r.client_id",
     row_plain, NULL},
    {"caregivers",
     "SELECT g.id, g.client_id AS client, g.name, g.relationship, g.phone, g.language, "
     "g.may_contact, g.legal_rep, g.active, g.saved_at, s.login AS saved_by, g.version "
     "FROM caregiver g LEFT JOIN staff s ON s.id = g.saved_by ORDER BY g.id",
     row_plain, NULL},
    {"appointments",
     "SELECT a.id, a.client_id AS client, a.kind, a.specialty, o.facility_code AS "
     "\"with\", s.login AS staff, a.place, a.at, a.minutes, a.transport, "
     "a.interpreter, a.status, a.reason, a.rescheduled_to, a.booked_at, b.login AS "
     "booked_by, a.status_at, a.version FROM appointment a JOIN staff s ON s.id = "
     "a.staff_id LEFT JOIN staff b ON b.id = a.booked_by LEFT JOIN organization o ON "
     "o.id = a.with_org_id ORDER BY a.id",
     row_plain, NULL},
};

const char *export_kinds(void)
{
    return "clients, referrals, consents, assessments, episodes, tasks, contacts, "
           "staff, "
           "teams, handoffs, disclosures, access, alerts, reach, caregivers, "
           "appointments";
}

static const struct export_kind *find_kind(const char *what)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].what, what))
            return &kinds[i];
    return NULL;
}

int export_known(const char *what)
{
    return find_kind(what) != NULL;
}

const char *export_action(const char *what)
{
    return ctx_in_list(what, "staff,teams")          ? "export.staff"
           : ctx_in_list(what, "access,disclosures") ? "export.audit"
                                                     : "export.case";
}

/* ---- CSV --------------------------------------------------------------- */

/* A malloc'd text for one value: text as it is, numbers plain, true/false,
 * nothing for null, an array's items joined by "; " (an object item, such
 * as an identifier, as its values joined by ":"). */
static char *cell_text(const cJSON *v);

static char *join_items(const cJSON *arr, const char *sep)
{
    size_t cap = 64, len = 0, sl = strlen(sep);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        char *t = cJSON_IsObject(it) ? join_items(it, ":") : cell_text(it);
        size_t tl = t ? strlen(t) : 0;
        char *grown =
            len + sl + tl + 1 > cap ? realloc(out, cap = 2 * (len + sl + tl + 1)) : out;
        if (!t || !grown) {
            free(t), free(grown ? grown : out);
            return NULL;
        }
        out = grown;
        if (len)
            memcpy(out + len, sep, sl), len += sl;
        memcpy(out + len, t, tl + 1), len += tl;
        free(t);
    }
    return out;
}

static char *cell_text(const cJSON *v)
{
    char num[32];
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsArray(v))
        return join_items(v, "; ");
    if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof num, "%.17g", v->valuedouble);
        return strdup(num);
    }
    return strdup("");
}

/* Append cell (sanitized, quoted, formula-safe) and a comma or the CRLF. */
static int csv_add(char **rec, size_t *len, size_t *cap, const char *cell, int last)
{
    char *q = tableout_csv_cell_dup(cell);
    size_t ql = q ? strlen(q) : 0;
    if (q && *len + ql + 3 > *cap) {
        char *grown = realloc(*rec, *cap = 2 * (*len + ql + 3));
        if (!grown)
            free(q), q = NULL;
        else
            *rec = grown;
    }
    if (!q)
        return -1;
    memcpy(*rec + *len, q, ql), *len += ql;
    memcpy(*rec + *len, last ? "\r\n" : ",", last ? 3 : 2), *len += last ? 2 : 1;
    free(q);
    return 0;
}

/* The header (o NULL) or o's values, in the order of cols (a comma list). */
static char *csv_record(const char *cols, const cJSON *o)
{
    size_t len = 0, cap = 256;
    char *rec = malloc(cap), name[64];
    for (const char *p = cols; rec && *p;) {
        size_t n = strcspn(p, ",");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        p += n + (p[n] == ',');
        char *t =
            o ? cell_text(cJSON_GetObjectItemCaseSensitive(o, name)) : strdup(name);
        if (!t || csv_add(&rec, &len, &cap, t, *p == '\0') != 0)
            free(rec), rec = NULL;
        free(t);
    }
    return rec;
}

/* The columns of a plain kind: the query's column names, comma-joined. */
static char *plain_columns(sqlite3_stmt *st)
{
    size_t len = 0;
    char *cols = calloc(1, 1024);
    for (int i = 0; cols && i < sqlite3_column_count(st); i++)
        len += (size_t)snprintf(cols + len, len < 1024 ? 1024 - len : 0, "%s%s",
                                i ? "," : "", sqlite3_column_name(st, i));
    if (len >= 1024)
        free(cols), cols = NULL;
    return cols;
}

/* ---- writing ----------------------------------------------------------- */

static char *record_of(const cJSON *o, const char *cols, enum export_format fmt)
{
    if (fmt == EXPORT_CSV)
        return csv_record(cols, o);
    char *json = cJSON_PrintUnformatted(o);
    size_t n = json ? strlen(json) : 0;
    char *line = json ? realloc(json, n + 2) : NULL;
    if (!line)
        return free(json), NULL;
    memcpy(line + n, "\n", 2);
    return line;
}

static int put(exporter *x, char *rec, cc_err *err)
{
    int rc = rec && x->sink(x->arg, rec) == 0
                 ? CC_OK
                 : cc_err_set(err, CC_EDATA, "export: cannot write output");
    free(rec);
    return rc;
}

static int emit_all(exporter *x, const struct export_kind *k, enum export_format fmt,
                    cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(x->ctx, k->sql, err);
    int rc = CC_OK, step = SQLITE_DONE;
    if (!st)
        return err->code;
    char *cols = k->columns ? strdup(k->columns) : plain_columns(st);
    if (fmt == EXPORT_CSV)
        rc = put(x, cols ? csv_record(cols, NULL) : NULL, err);
    while (rc == CC_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = k->row(x, st);
        rc = put(x, o ? record_of(o, cols, fmt) : NULL, err);
        x->count++;
        cJSON_Delete(o);
    }
    ctx_finalize(st);
    free(cols);
    if (rc == CC_OK && step != SQLITE_DONE)
        return store_fail(x->ctx->st, step, "export", err);
    return rc;
}

int export_data(cc_ctx *ctx, const char *what, enum export_format fmt, export_sink sink,
                void *arg, int64_t *count, cc_err *err)
{
    const struct export_kind *k = find_kind(what);
    exporter x = {ctx, "", "", sink, arg, 0};
    if (!k)
        return cc_err_set(err, CC_EUSAGE, "cannot export '%s' (choose %s)", what,
                          export_kinds());
    if (disclose_bulk_audit(ctx, export_action(what),
                            fmt == EXPORT_CSV ? "csv" : "jsonl", what, err) != CC_OK)
        return err->code;
    ctx_today(ctx, x.today);
    ctx_now(ctx, x.now);
    if (sqlite3_exec(store_db(ctx->st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(ctx->st, SQLITE_ERROR, "export", err);
    int rc = emit_all(&x, k, fmt, err);
    sqlite3_exec(store_db(ctx->st), "COMMIT", NULL, NULL, NULL);
    if (count)
        *count = x.count;
    return rc;
}

/* ---- output files ------------------------------------------------------ */

struct ids {
    gid_t egid;
    uid_t euid;
};

/* Act with the real group and user until user_ids_leave; -1 if impossible. */
static int user_ids_enter(struct ids *saved)
{
    saved->egid = getegid();
    saved->euid = geteuid();
    if (saved->egid != getgid() && setegid(getgid()) != 0)
        return -1;
    if (saved->euid != getuid() && seteuid(getuid()) != 0) {
        if (saved->egid != getgid() && setegid(saved->egid) != 0)
            abort();
        return -1;
    }
    return 0;
}

static void user_ids_leave(const struct ids *saved)
{
    /* The saved set-ids allow both; never go on half-dropped. */
    if ((saved->euid != getuid() && seteuid(saved->euid) != 0) ||
        (saved->egid != getgid() && setegid(saved->egid) != 0))
        abort();
}

FILE *export_create_file(const char *path, cc_err *err)
{
    struct ids saved;
    int fd = -1, e = EPERM;
    if (user_ids_enter(&saved) == 0) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        e = errno;
        if (fd >= 0 && fchmod(fd, 0600) != 0) /* whatever the umask */
            e = errno, close(fd), unlink(path), fd = -1;
        user_ids_leave(&saved);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f && fd >= 0)
        e = errno, close(fd), export_remove_file(path);
    if (!f && e == EEXIST)
        cc_err_set(err, CC_EUSAGE, "%s already exists: refusing to overwrite it", path);
    else if (!f)
        cc_err_set(err, CC_EUSAGE, "cannot create %s: %s", path, strerror(e));
    return f;
}

int export_create_dir(const char *path, cc_err *err)
{
    struct ids saved;
    int e = EPERM, made = -1;
    if (user_ids_enter(&saved) == 0) {
        made = mkdir(path, 0700);
        e = errno;
        if (made != 0 && e == EEXIST && rmdir(path) == 0) /* empty: take it */
            made = mkdir(path, 0700), e = errno;
        user_ids_leave(&saved);
    }
    if (made == 0)
        return CC_OK;
    if (e == EEXIST || e == ENOTEMPTY)
        return cc_err_set(err, CC_EUSAGE,
                          "%s already holds files: name a new directory", path);
    return cc_err_set(err, CC_EUSAGE, "cannot create %s: %s", path, strerror(e));
}

void export_remove_file(const char *path)
{
    struct ids saved;
    if (user_ids_enter(&saved) == 0) {
        unlink(path);
        user_ids_leave(&saved);
    }
}
