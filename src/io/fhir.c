/*
 * fhir.c — HL7 FHIR R4 resources from the case data (see fhir.h and
 * docs/FHIR.md). Each resource type is one query (for one client or for
 * every client) and one row function that builds the resource with cJSON,
 * which does the JSON escaping. Every string from the database is
 * sanitized and every other Unicode space made a plain one (FHIR strings
 * allow no others); empty values are left out, as FHIR wants. Identifiers
 * carry their facility as the system urn:carecoord:facility:CODE.
 *
 * The plan travels as a CarePlan (its steps the activities) and a Goal per
 * goal; the medication list as MedicationStatements.
 *
 * Substance-use information (a release naming it, a hand-off carrying it)
 * is left out unless the caller may include it: the queries take that as
 * their second parameter. Consents naming it carry the 42 CFR Part 2
 * security label.
 */
#include "fhir.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/consent.h"
#include "core/disclose.h"
#include "util/text.h"

const char *const fhir_types[FHIR_NTYPES] = {
    "Patient",
    "Consent",
    "EpisodeOfCare",
    "Task",
    "QuestionnaireResponse",
    "RiskAssessment",
    "Encounter",
    "ServiceRequest",
    "CarePlan",
    "Goal",
    "MedicationStatement",
};

enum {
    T_PATIENT,
    T_CONSENT,
    T_EPISODE,
    T_TASK,
    T_QR,
    T_RISK,
    T_ENCOUNTER,
    T_SERVICE,
    T_CAREPLAN,
    T_GOAL,
    T_MEDICATION
};

#define V3_ACT   "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define EXT_BASE "urn:carecoord:fhir:"

typedef struct fhir_run fhir_run;
struct fhir_run {
    cc_ctx *ctx;
    int64_t client; /* 0: every client */
    int include_su;
    char today[11];
    /* takes res */
    int (*emit)(fhir_run *r, int type, cJSON *res, cc_err *err);
    void *arg;
    int64_t counts[FHIR_NTYPES];
    sqlite3_stmt *sub[7]; /* the per-row queries, prepared once */
};

/* ---- values ------------------------------------------------------------- */

static const char *col(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

/* The other Unicode spaces (which FHIR's string pattern refuses), UTF-8. */
static size_t odd_space(const unsigned char *p)
{
    if (p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 ||
         p[2] == 0xAF))
        return 3;
    if ((p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) ||
        (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
        (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
        return 3;
    return 0;
}

/* text sanitized, odd spaces made plain, malloc'd; NULL if nothing is left
 * but spaces. */
static char *clean_text(const char *text)
{
    size_t n = strlen(text) + 1, o = 0;
    char *c = malloc(n);
    if (!c)
        return NULL;
    text_sanitize(text, c, n, 1);
    for (size_t i = 0; c[i];) {
        size_t k = odd_space((const unsigned char *)c + i);
        c[o++] = k ? ' ' : c[i];
        i += k ? k : 1;
    }
    c[o] = '\0';
    if (strspn(c, " \n") == o)
        return free(c), NULL;
    return c;
}

static void put_str(cJSON *o, const char *key, const char *text)
{
    char *c = text ? clean_text(text) : NULL;
    if (c)
        cJSON_AddStringToObject(o, key, c);
    free(c);
}

/* A code: no leading, trailing or doubled whitespace. */
static void put_code(cJSON *o, const char *key, const char *text)
{
    char *c = text ? clean_text(text) : NULL, *w = c;
    int gap = 0;
    if (!c)
        return;
    for (const char *p = c; *p; p++) {
        if (*p == ' ' || *p == '\n') {
            gap = w > c;
            continue;
        }
        if (gap)
            *w++ = ' ', gap = 0;
        *w++ = *p;
    }
    *w = '\0';
    if (*c)
        cJSON_AddStringToObject(o, key, c);
    free(c);
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* A date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM[:SS]Z as stored) as
 * a FHIR date or dateTime; anything else is left out. */
static void put_time(cJSON *o, const char *key, const char *s)
{
    char out[24];
    size_t n = strlen(s);
    int date_ok = n >= 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) &&
                  s[7] == '-' && all_digits(s + 8, 2);
    if (!date_ok)
        return;
    if (n == 10) {
        cJSON_AddStringToObject(o, key, s);
        return;
    }
    if (s[10] != 'T' || n < 16 || !all_digits(s + 11, 2) || s[13] != ':' ||
        !all_digits(s + 14, 2))
        return;
    int secs = n >= 19 && s[16] == ':' && all_digits(s + 17, 2);
    snprintf(out, sizeof out, "%.16s:%.2sZ", s, secs ? s + 17 : "00");
    cJSON_AddStringToObject(o, key, out);
}

/* text as a URI component: unreserved characters kept, the rest %XX. */
static void uri_part(const char *text, char *out, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && o + 4 < outsz;
         p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

static void put_ref(cJSON *o, const char *key, const char *type, int64_t id)
{
    char ref[64];
    snprintf(ref, sizeof ref, "%s/%lld", type, (long long)id);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, key), "reference", ref);
}

/* A reference by name only (staff, teams, organizations not exported). */
static void put_display(cJSON *o, const char *key, const char *text)
{
    cJSON *r = cJSON_CreateObject();
    put_str(r, "display", text);
    if (cJSON_GetArraySize(r))
        cJSON_AddItemToObject(o, key, r);
    else
        cJSON_Delete(r);
}

static cJSON *coding(const char *system, const char *code, const char *display)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "system", system);
    put_code(c, "code", code);
    put_str(c, "display", display);
    return c;
}

/* A CodeableConcept of one coding. */
static cJSON *concept(const char *system, const char *code, const char *display)
{
    cJSON *cc = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(cc, "coding"),
                         coding(system, code, display));
    return cc;
}

static cJSON *text_concept(const char *text)
{
    cJSON *cc = cJSON_CreateObject();
    put_str(cc, "text", text);
    return cc;
}

/* An identifier of a facility's system. */
static cJSON *facility_identifier(const char *facility, const char *value)
{
    char part[96], system[128];
    cJSON *id = cJSON_CreateObject();
    uri_part(facility, part, sizeof part);
    snprintf(system, sizeof system, "urn:carecoord:facility:%s", part);
    cJSON_AddStringToObject(id, "system", system);
    put_str(id, "value", value);
    return id;
}

static void put_note(cJSON *o, const char *text)
{
    char *c = clean_text(text);
    if (!c)
        return;
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "text", c);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "note"), a);
    free(c);
}

static cJSON *resource(const char *type, const char *id_prefix, int64_t id)
{
    char rid[64];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "resourceType", type);
    snprintf(rid, sizeof rid, "%s%lld", id_prefix, (long long)id);
    cJSON_AddStringToObject(o, "id", rid);
    return o;
}

/* The 42 CFR Part 2 label and restricted confidentiality. */
static void label_part2(cJSON *res)
{
    cJSON *sec =
        cJSON_AddArrayToObject(cJSON_AddObjectToObject(res, "meta"), "security");
    cJSON_AddItemToArray(sec, coding(V3_ACT, "42CFRPart2", "42 CFR Part2"));
    cJSON_AddItemToArray(sec, coding("http://terminology.hl7.org/CodeSystem/"
                                     "v3-Confidentiality",
                                     "R", "restricted"));
}

/* A per-row query, prepared once per run, reset and bound to id. */
static sqlite3_stmt *sub_query(fhir_run *r, int slot, const char *sql, int64_t id,
                               cc_err *err)
{
    if (!r->sub[slot] && !(r->sub[slot] = ctx_prepare(r->ctx, sql, err)))
        return NULL;
    sqlite3_reset(r->sub[slot]);
    sqlite3_bind_int64(r->sub[slot], 1, id);
    return r->sub[slot];
}

static int sub_end(fhir_run *r, int step, cc_err *err)
{
    return step == SQLITE_DONE ? CC_OK : store_fail(r->ctx->st, step, "export", err);
}

/* ---- Patient ------------------------------------------------------------ */

static int patient_identifiers(fhir_run *r, cJSON *ids, int64_t client, cc_err *err)
{
    sqlite3_stmt *st =
        sub_query(r, 0,
                  "SELECT coalesce(o.facility_code, o.id), ci.value FROM "
                  "client_identifier ci JOIN organization o ON o.id = "
                  "ci.facility_id WHERE ci.client_id = ?1 ORDER BY 1, 2",
                  client, err);
    int step;
    if (!st)
        return err->code;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(ids, facility_identifier(col(st, 0), col(st, 1)));
    return sub_end(r, step, err);
}

static int row_patient(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int64_t id = sqlite3_column_int64(st, 0);
    char num[24];
    cJSON *p = resource("Patient", "", id);
    if (sqlite3_column_int(st, 6)) {
        cJSON *ext = cJSON_CreateObject();
        cJSON_AddStringToObject(
            ext, "url",
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired");
        cJSON_AddBoolToObject(ext, "valueBoolean", 1);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "extension"), ext);
    }
    cJSON *ids = cJSON_AddArrayToObject(p, "identifier");
    snprintf(num, sizeof num, "%lld", (long long)id);
    cJSON *own = cJSON_CreateObject();
    cJSON_AddStringToObject(own, "system", "urn:carecoord:client");
    cJSON_AddStringToObject(own, "value", num);
    cJSON_AddItemToArray(ids, own);
    if (patient_identifiers(r, ids, id, err) != CC_OK)
        return cJSON_Delete(p), err->code;
    cJSON_AddBoolToObject(p, "active", sqlite3_column_type(st, 7) == SQLITE_NULL);
    cJSON *name = cJSON_CreateObject();
    cJSON_AddStringToObject(name, "use", "official");
    put_str(name, "family", col(st, 1));
    cJSON *given = cJSON_CreateArray();
    char *g = clean_text(col(st, 2));
    if (g)
        cJSON_AddItemToArray(given, cJSON_CreateString(g));
    free(g);
    cJSON_AddItemToObject(name, "given", given);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "name"), name);
    put_time(p, "birthDate", col(st, 3));
    cJSON *addr = cJSON_CreateObject();
    cJSON_AddStringToObject(addr, "use", "home");
    put_str(addr, "postalCode", col(st, 4));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "address"), addr);
    cJSON *lang = cJSON_CreateObject();
    cJSON_AddItemToObject(lang, "language",
                          concept("urn:ietf:bcp:47", col(st, 5), NULL));
    cJSON_AddBoolToObject(lang, "preferred", 1);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "communication"), lang);
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
        cJSON *link = cJSON_CreateObject();
        put_ref(link, "other", "Patient", sqlite3_column_int64(st, 7));
        cJSON_AddStringToObject(link, "type", "replaced-by");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "link"), link);
    }
    return r->emit(r, T_PATIENT, p, err);
}

/* ---- Consent ------------------------------------------------------------ */

static int consent_actors(fhir_run *r, cJSON *prov, int64_t consent_id, cc_err *err)
{
    sqlite3_stmt *st = sub_query(
        r, 1,
        "SELECT coalesce(o.facility_code, o.id), o.name FROM consent_recipient "
        "cr JOIN organization o ON o.id = cr.organization_id WHERE "
        "cr.consent_id = ?1 ORDER BY 1",
        consent_id, err);
    int step;
    if (!st)
        return err->code;
    cJSON *actors = cJSON_CreateArray();
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *a = cJSON_CreateObject(), *ref = cJSON_CreateObject();
        cJSON_AddItemToObject(
            a, "role",
            concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "IRCP", "information recipient"));
        cJSON_AddItemToObject(ref, "identifier",
                              facility_identifier(col(st, 0), col(st, 0)));
        put_str(ref, "display", col(st, 1));
        cJSON_AddItemToObject(a, "reference", ref);
        cJSON_AddItemToArray(actors, a);
    }
    if (cJSON_GetArraySize(actors))
        cJSON_AddItemToObject(prov, "actor", actors);
    else
        cJSON_Delete(actors);
    return sub_end(r, step, err);
}

static void put_ext_string(cJSON *o, const char *name, const char *text)
{
    char url[64], *c = clean_text(text);
    if (!c)
        return;
    cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "extension");
    if (!e)
        e = cJSON_AddArrayToObject(o, "extension");
    cJSON *x = cJSON_CreateObject();
    snprintf(url, sizeof url, EXT_BASE "%s", name);
    cJSON_AddStringToObject(x, "url", url);
    cJSON_AddStringToObject(x, "valueString", c);
    cJSON_AddItemToArray(e, x);
    free(c);
}

static int row_consent(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    consent c = {0};
    int64_t id = sqlite3_column_int64(st, 0);
    int release = !strcmp(col(st, 2), "release"), su = sqlite3_column_int(st, 6);
    snprintf(c.decision, sizeof c.decision, "%s", col(st, 3));
    snprintf(c.expires_date, sizeof c.expires_date, "%s", col(st, 8));
    snprintf(c.revoked_date, sizeof c.revoked_date, "%s", col(st, 9));
    enum consent_state state = consent_state(&c, r->today);
    cJSON *o = resource("Consent", "", id);
    if (su)
        label_part2(o);
    put_ext_string(o, "consent-purpose", col(st, 4));
    put_ext_string(o, "consent-information", col(st, 5));
    put_ext_string(o, "consent-decline-reason", col(st, 10));
    cJSON_AddStringToObject(
        o, "status",
        state == CONSENT_REVOKED || state == CONSENT_EXPIRED ? "inactive" : "active");
    cJSON_AddItemToObject(o, "scope",
                          concept("http://terminology.hl7.org/CodeSystem/consentscope",
                                  release ? "patient-privacy" : "treatment", NULL));
    cJSON_AddItemToArray(
        cJSON_AddArrayToObject(o, "category"),
        release
            ? concept("http://loinc.org", "64292-6", "Release of information consent")
            : concept("http://loinc.org", "59284-0", "Patient Consent"));
    put_ref(o, "patient", "Patient", sqlite3_column_int64(st, 1));
    put_time(o, "dateTime", col(st, 7));
    cJSON_AddItemToObject(o, "policyRule",
                          concept(V3_ACT,
                                  su                              ? "42CFRPart2"
                                  : release                       ? "HIPAAAuth"
                                  : strcmp(c.decision, "granted") ? "OPTOUT"
                                                                  : "OPTIN",
                                  NULL));
    cJSON *prov = cJSON_AddObjectToObject(o, "provision");
    cJSON_AddStringToObject(prov, "type",
                            strcmp(c.decision, "granted") ? "deny" : "permit");
    cJSON *period = cJSON_AddObjectToObject(prov, "period");
    put_time(period, "start", col(st, 7));
    put_time(period, "end", c.revoked_date[0] ? c.revoked_date : c.expires_date);
    if (su)
        cJSON_AddItemToArray(cJSON_AddArrayToObject(prov, "securityLabel"),
                             coding(V3_ACT, "42CFRPart2", "42 CFR Part2"));
    if (release && consent_actors(r, prov, id, err) != CC_OK)
        return cJSON_Delete(o), err->code;
    return r->emit(r, T_CONSENT, o, err);
}

/* ---- EpisodeOfCare ------------------------------------------------------ */

static int episode_history(fhir_run *r, cJSON *o, int64_t episode, cc_err *err)
{
    sqlite3_stmt *st = sub_query(r, 2,
                                 "SELECT at, days, reason FROM episode_extension WHERE "
                                 "episode_id = ?1 ORDER BY id",
                                 episode, err);
    int step;
    if (!st)
        return err->code;
    cJSON *hist = cJSON_GetObjectItemCaseSensitive(o, "statusHistory");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *h = cJSON_CreateObject(), *x = cJSON_CreateObject(), *parts;
        cJSON_AddStringToObject(x, "url", EXT_BASE "episode-extension");
        parts = cJSON_AddArrayToObject(x, "extension");
        cJSON *days = cJSON_CreateObject(), *why = cJSON_CreateObject();
        cJSON_AddStringToObject(days, "url", "days");
        cJSON_AddNumberToObject(days, "valueInteger", sqlite3_column_int(st, 1));
        cJSON_AddStringToObject(why, "url", "reason");
        put_str(why, "valueString", col(st, 2));
        cJSON_AddItemToArray(parts, days);
        cJSON_AddItemToArray(parts, why);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(h, "extension"), x);
        cJSON_AddStringToObject(h, "status", "active");
        put_time(cJSON_AddObjectToObject(h, "period"), "start", col(st, 0));
        cJSON_AddItemToArray(hist, h);
    }
    return sub_end(r, step, err);
}

static int row_episode(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int64_t id = sqlite3_column_int64(st, 0);
    int closed = sqlite3_column_type(st, 6) != SQLITE_NULL;
    cJSON *o = resource("EpisodeOfCare", "", id);
    put_ext_string(o, "episode-outcome", col(st, 7));
    cJSON_AddStringToObject(o, "status", closed ? "finished" : "active");
    cJSON *first = cJSON_CreateObject();
    cJSON_AddStringToObject(first, "status", "active");
    put_time(cJSON_AddObjectToObject(first, "period"), "start", col(st, 4));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "statusHistory"), first);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "type"),
                         concept("urn:carecoord:program", col(st, 2), col(st, 3)));
    put_ref(o, "patient", "Patient", sqlite3_column_int64(st, 1));
    cJSON *period = cJSON_AddObjectToObject(o, "period");
    put_time(period, "start", col(st, 4));
    if (closed)
        put_time(period, "end", col(st, 6));
    if (episode_history(r, o, id, err) != CC_OK)
        return cJSON_Delete(o), err->code;
    return r->emit(r, T_EPISODE, o, err);
}

/* ---- Task: protocol and manual tasks, hand-offs ------------------------- */

static int row_task(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int done = sqlite3_column_type(st, 8) != SQLITE_NULL;
    int cancelled = sqlite3_column_type(st, 9) != SQLITE_NULL;
    cJSON *o = resource("Task", "task-", sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "status",
                            done        ? "completed"
                            : cancelled ? "cancelled"
                                        : "requested");
    cJSON_AddStringToObject(o, "intent",
                            !strcmp(col(st, 6), "protocol") ? "plan" : "order");
    cJSON_AddItemToObject(o, "code",
                          concept("urn:carecoord:task-origin", col(st, 6), NULL));
    put_str(o, "description", col(st, 3));
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
        put_ref(o, "focus", "EpisodeOfCare", sqlite3_column_int64(st, 2));
    put_ref(o, "for", "Patient", sqlite3_column_int64(st, 1));
    if (done)
        put_time(cJSON_AddObjectToObject(o, "executionPeriod"), "end", col(st, 8));
    put_time(o, "authoredOn", col(st, 7));
    put_time(o, "lastModified",
             done        ? col(st, 8)
             : cancelled ? col(st, 9)
                         : col(st, 7));
    put_display(o, "owner", col(st, 5));
    put_time(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "restriction"), "period"),
        "end", col(st, 4));
    return r->emit(r, T_TASK, o, err);
}

static const char *handoff_status(const char *state)
{
    static const char *const map[][2] = {
        {"proposed", "requested"},  {"accepted", "accepted"}, {"declined", "rejected"},
        {"withdrawn", "cancelled"}, {"expired", "failed"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i][0], state))
            return map[i][1];
    return "requested";
}

static int row_handoff(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    char desc[256];
    cJSON *o = resource("Task", "handoff-", sqlite3_column_int64(st, 0));
    if (sqlite3_column_int(st, 7))
        label_part2(o);
    cJSON_AddStringToObject(o, "status", handoff_status(col(st, 5)));
    cJSON_AddItemToObject(o, "businessStatus", text_concept(col(st, 5)));
    cJSON_AddStringToObject(o, "intent", "proposal");
    cJSON_AddItemToObject(o, "code",
                          concept("urn:carecoord:task-origin", "handoff", NULL));
    snprintf(desc, sizeof desc, "warm hand-off to %s %s", col(st, 3), col(st, 4));
    put_str(o, "description", desc);
    put_ref(o, "for", "Patient", sqlite3_column_int64(st, 1));
    put_time(o, "authoredOn", col(st, 8));
    put_time(o, "lastModified",
             sqlite3_column_type(st, 10) != SQLITE_NULL ? col(st, 10) : col(st, 8));
    put_display(o, "requester", col(st, 2));
    put_display(o, "owner", col(st, 4));
    put_time(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "restriction"), "period"),
        "end", col(st, 9));
    put_note(o, col(st, 6));
    return r->emit(r, T_TASK, o, err);
}

/* ---- QuestionnaireResponse and RiskAssessment --------------------------- */

static int response_items(fhir_run *r, cJSON *qr, int64_t assessment, cc_err *err)
{
    sqlite3_stmt *st = sub_query(r, 3,
                                 "SELECT q.position, q.text, a.answer FROM "
                                 "assessment_answer a JOIN question q ON q.id = "
                                 "a.question_id WHERE a.assessment_id = ?1 ORDER BY "
                                 "q.position",
                                 assessment, err);
    int step;
    if (!st)
        return err->code;
    cJSON *items = cJSON_AddArrayToObject(qr, "item");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *it = cJSON_CreateObject(), *ans = cJSON_CreateObject();
        char link[24];
        snprintf(link, sizeof link, "q%d", sqlite3_column_int(st, 0));
        cJSON_AddStringToObject(it, "linkId", link);
        put_str(it, "text", col(st, 1));
        cJSON_AddBoolToObject(ans, "valueBoolean", sqlite3_column_int(st, 2));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(it, "answer"), ans);
        cJSON_AddItemToArray(items, it);
    }
    return sub_end(r, step, err);
}

static int row_assessment(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int64_t id = sqlite3_column_int64(st, 0), client = sqlite3_column_int64(st, 1);
    char canon[160], part[64], basis[64], note[600];
    cJSON *qr = resource("QuestionnaireResponse", "", id);
    uri_part(col(st, 2), part, sizeof part);
    snprintf(canon, sizeof canon, "urn:carecoord:questionnaire:%s|%d", part,
             sqlite3_column_int(st, 3));
    cJSON_AddStringToObject(qr, "questionnaire", canon);
    cJSON_AddStringToObject(qr, "status", "completed");
    put_ref(qr, "subject", "Patient", client);
    put_time(qr, "authored", col(st, 5));
    put_display(qr, "author", col(st, 6));
    if (response_items(r, qr, id, err) != CC_OK)
        return cJSON_Delete(qr), err->code;
    if (r->emit(r, T_QR, qr, err) != CC_OK)
        return err->code;
    cJSON *ra = resource("RiskAssessment", "", id);
    cJSON_AddStringToObject(ra, "status", "final");
    cJSON_AddItemToObject(ra, "method", text_concept(col(st, 4)));
    put_ref(ra, "subject", "Patient", client);
    put_time(ra, "occurrenceDateTime", col(st, 5));
    put_display(ra, "performer", col(st, 6));
    snprintf(basis, sizeof basis, "QuestionnaireResponse/%lld", (long long)id);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "reference", basis);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ra, "basis"), b);
    cJSON *pred = cJSON_CreateObject();
    cJSON_AddItemToObject(
        pred, "qualitativeRisk",
        concept("http://terminology.hl7.org/CodeSystem/risk-probability", col(st, 8),
                NULL));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ra, "prediction"), pred);
    snprintf(note, sizeof note, "score %d%s%s", sqlite3_column_int(st, 7),
             *col(st, 9) ? "; drivers: " : "", col(st, 9));
    put_note(ra, note);
    return r->emit(r, T_RISK, ra, err);
}

/* ---- Encounter (one per hospital visit) --------------------------------- */

/* PV1-2 patient class to the v3 ActCode encounter class. */
static const char *encounter_class(const char *pv1_2, int ed)
{
    static const char *const map[][2] = {
        {"I", "IMP"},   {"E", "EMER"}, {"O", "AMB"},
        {"P", "PRENC"}, {"R", "AMB"},  {"B", "IMP"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i][0], pv1_2))
            return map[i][1];
    return ed ? "EMER" : "IMP";
}

static int row_encounter(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int discharged = sqlite3_column_type(st, 7) != SQLITE_NULL;
    int cancelled = sqlite3_column_int(st, 12), ed = sqlite3_column_int(st, 13);
    cJSON *o = resource("Encounter", "", sqlite3_column_int64(st, 0));
    if (*col(st, 4))
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "identifier"),
                             facility_identifier(col(st, 2), col(st, 4)));
    cJSON_AddStringToObject(o, "status",
                            cancelled          ? "cancelled"
                            : discharged || ed ? "finished"
                                               : "in-progress");
    cJSON_AddItemToObject(o, "class",
                          coding(V3_ACT, encounter_class(col(st, 5), ed), NULL));
    if (sqlite3_column_int(st, 10))
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "type"),
                             text_concept("readmission within 30 days of a discharge"));
    put_ref(o, "subject", "Patient", sqlite3_column_int64(st, 1));
    if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
        cJSON *ep = cJSON_CreateObject();
        char ref[48];
        snprintf(ref, sizeof ref, "EpisodeOfCare/%lld",
                 (long long)sqlite3_column_int64(st, 11));
        cJSON_AddStringToObject(ep, "reference", ref);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "episodeOfCare"), ep);
    }
    cJSON *period = cJSON_AddObjectToObject(o, "period");
    put_time(period, "start", col(st, 6));
    put_time(period, "end", col(st, 7));
    if (*col(st, 9))
        cJSON_AddItemToObject(cJSON_AddObjectToObject(o, "hospitalization"),
                              "dischargeDisposition", text_concept(col(st, 9)));
    if (*col(st, 8)) {
        cJSON *loc = cJSON_CreateObject();
        put_display(loc, "location", col(st, 8));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "location"), loc);
    }
    put_display(o, "serviceProvider", col(st, 3));
    return r->emit(r, T_ENCOUNTER, o, err);
}

/* ---- ServiceRequest (referrals) ----------------------------------------- */

static const char *referral_status(const char *status)
{
    if (ctx_in_list(status, "declined,unreachable,ineligible"))
        return "revoked";
    if (ctx_in_list(status, "enrolled,monitoring,closed"))
        return "completed";
    return "active";
}

static int row_referral(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    char who[300], item[64];
    cJSON *o = resource("ServiceRequest", "", sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "status", referral_status(col(st, 9)));
    cJSON_AddStringToObject(o, "intent", "order");
    cJSON_AddItemToArray(
        cJSON_AddArrayToObject(o, "category"),
        concept("http://snomed.info/sct", "3457005", "Patient referral"));
    cJSON_AddItemToObject(o, "code",
                          concept("urn:carecoord:program", col(st, 2), col(st, 3)));
    put_ref(o, "subject", "Patient", sqlite3_column_int64(st, 1));
    put_time(o, "authoredOn", col(st, 8));
    snprintf(who, sizeof who, "%s%s%s%s%s", col(st, 4), *col(st, 5) ? ": " : "",
             col(st, 5), *col(st, 6) ? ", " : "", col(st, 6));
    put_display(o, "requester", who);
    cJSON *reasons = cJSON_CreateArray();
    for (const char *p = col(st, 7); *p;) {
        size_t n = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), p);
        cJSON *c = text_concept(item);
        if (cJSON_GetArraySize(c))
            cJSON_AddItemToArray(reasons, c);
        else
            cJSON_Delete(c);
        p += n + (p[n] == ',');
    }
    if (cJSON_GetArraySize(reasons))
        cJSON_AddItemToObject(o, "reasonCode", reasons);
    else
        cJSON_Delete(reasons);
    put_note(o, col(st, 10));
    return r->emit(r, T_SERVICE, o, err);
}

/* ---- CarePlan and Goal (the plan the client owns) ---------------------- */

static int plan_goal_refs(fhir_run *r, cJSON *o, int64_t plan, cc_err *err)
{
    sqlite3_stmt *st = sub_query(
        r, 5, "SELECT id FROM plan_goal WHERE plan_id = ?1 ORDER BY id", plan, err);
    int step;
    if (!st)
        return err->code;
    cJSON *goals = cJSON_CreateArray();
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char ref[48];
        cJSON *g = cJSON_CreateObject();
        snprintf(ref, sizeof ref, "Goal/%lld", (long long)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(g, "reference", ref);
        cJSON_AddItemToArray(goals, g);
    }
    if (cJSON_GetArraySize(goals))
        cJSON_AddItemToObject(o, "goal", goals);
    else
        cJSON_Delete(goals);
    return sub_end(r, step, err);
}

/* A step's status: done is completed; not done, cancelled once its goal was
 * dropped, else not started. */
static const char *step_status(int done, const char *goal_status)
{
    if (done)
        return "completed";
    return !strcmp(goal_status, "dropped") ? "cancelled" : "not-started";
}

static int plan_activities(fhir_run *r, cJSON *o, int64_t plan, int64_t client,
                           cc_err *err)
{
    sqlite3_stmt *st = sub_query(
        r, 6,
        "SELECT s.id, s.goal_id, s.what, s.who, s.due_date, s.done, s.task_id, "
        "g.status FROM plan_step s JOIN plan_goal g ON g.id = s.goal_id WHERE "
        "g.plan_id = ?1 ORDER BY s.goal_id, s.id",
        plan, err);
    int step;
    if (!st)
        return err->code;
    cJSON *acts = cJSON_CreateArray();
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char text[48];
        cJSON *a = cJSON_CreateObject(), *d = cJSON_CreateObject();
        if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
            snprintf(text, sizeof text, "became Task/task-%lld",
                     (long long)sqlite3_column_int64(st, 6));
            cJSON *note = cJSON_CreateObject();
            cJSON_AddStringToObject(note, "text", text);
            cJSON_AddItemToArray(cJSON_AddArrayToObject(a, "progress"), note);
        }
        cJSON_AddStringToObject(d, "kind", "Task");
        cJSON *goal = cJSON_CreateObject();
        snprintf(text, sizeof text, "Goal/%lld",
                 (long long)sqlite3_column_int64(st, 1));
        cJSON_AddStringToObject(goal, "reference", text);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "goal"), goal);
        cJSON_AddStringToObject(d, "status",
                                step_status(sqlite3_column_int(st, 5), col(st, 7)));
        if (*col(st, 4)) {
            snprintf(text, sizeof text, "by %.10s", col(st, 4));
            cJSON_AddStringToObject(d, "scheduledString", text);
        }
        cJSON *who = cJSON_CreateObject();
        if (!strcmp(col(st, 3), "client")) {
            snprintf(text, sizeof text, "Patient/%lld", (long long)client);
            cJSON_AddStringToObject(who, "reference", text);
        }
        put_str(who, "display", col(st, 3));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "performer"), who);
        put_str(d, "description", col(st, 2));
        cJSON_AddItemToObject(a, "detail", d);
        cJSON_AddItemToArray(acts, a);
    }
    if (cJSON_GetArraySize(acts))
        cJSON_AddItemToObject(o, "activity", acts);
    else
        cJSON_Delete(acts);
    return sub_end(r, step, err);
}

static int row_careplan(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    int64_t id = sqlite3_column_int64(st, 0), client = sqlite3_column_int64(st, 1);
    char note[64];
    cJSON *o = resource("CarePlan", "", id);
    cJSON_AddStringToObject(o, "status", "active");
    cJSON_AddStringToObject(o, "intent", "plan");
    put_ref(o, "subject", "Patient", client);
    put_time(cJSON_AddObjectToObject(o, "period"), "start", col(st, 2));
    put_time(o, "created", col(st, 2));
    put_display(o, "author", col(st, 3));
    if (plan_goal_refs(r, o, id, err) != CC_OK ||
        plan_activities(r, o, id, client, err) != CC_OK)
        return cJSON_Delete(o), err->code;
    if (*col(st, 4)) {
        snprintf(note, sizeof note, "last reviewed %.20s", col(st, 4));
        put_note(o, note);
    }
    return r->emit(r, T_CAREPLAN, o, err);
}

static const char *goal_lifecycle(const char *status)
{
    if (!strcmp(status, "met"))
        return "completed";
    return !strcmp(status, "dropped") ? "cancelled" : "active";
}

static int row_goal(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    char note[300];
    cJSON *o = resource("Goal", "", sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "lifecycleStatus", goal_lifecycle(col(st, 4)));
    if (!strcmp(col(st, 4), "met"))
        cJSON_AddItemToObject(
            o, "achievementStatus",
            concept("http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "achieved", "Achieved"));
    cJSON *desc = text_concept(col(st, 2));
    if (!cJSON_GetArraySize(desc)) /* description is required */
        cJSON_AddStringToObject(desc, "text", "(no words recorded)");
    cJSON_AddItemToObject(o, "description", desc);
    put_ref(o, "subject", "Patient", sqlite3_column_int64(st, 1));
    if (strcmp(col(st, 4), "active") != 0) { /* a date: the day it was last saved */
        char day[11];
        snprintf(day, sizeof day, "%.10s", col(st, 7));
        put_time(o, "statusDate", day);
    }
    put_str(o, "statusReason", col(st, 5));
    if (*col(st, 6)) {
        cJSON *t = cJSON_CreateObject();
        put_time(t, "dueDate", col(st, 6));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "target"), t);
    }
    if (*col(st, 3)) {
        snprintf(note, sizeof note, "barriers: %s", col(st, 3));
        put_note(o, note);
    }
    return r->emit(r, T_GOAL, o, err);
}

/* ---- MedicationStatement ------------------------------------------------ */

static int row_medication(fhir_run *r, sqlite3_stmt *st, cc_err *err)
{
    char text[200];
    const char *stop = col(st, 8);
    int stopped = *stop && strncmp(stop, r->today, 10) <= 0;
    cJSON *o = resource("MedicationStatement", "", sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "status", stopped ? "stopped" : "active");
    cJSON *med = text_concept(col(st, 2));
    if (!cJSON_GetArraySize(med)) /* medication[x] is required */
        cJSON_AddStringToObject(med, "text", "(no name recorded)");
    cJSON_AddItemToObject(o, "medicationCodeableConcept", med);
    put_ref(o, "subject", "Patient", sqlite3_column_int64(st, 1));
    cJSON *period = cJSON_CreateObject();
    put_time(period, "start", col(st, 7));
    put_time(period, "end", stop);
    if (cJSON_GetArraySize(period))
        cJSON_AddItemToObject(o, "effectivePeriod", period);
    else
        cJSON_Delete(period);
    put_time(o, "dateAsserted", col(st, 9));
    put_display(o, "informationSource", col(st, 6));
    snprintf(text, sizeof text, "%s%s%s", col(st, 3),
             *col(st, 3) && *col(st, 4) ? ", " : "", col(st, 4));
    cJSON *dose = cJSON_CreateObject();
    put_str(dose, "text", text);
    if (cJSON_GetArraySize(dose))
        cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "dosage"), dose);
    else
        cJSON_Delete(dose);
    if (*col(st, 5)) {
        snprintf(text, sizeof text, "prescribed by %s", col(st, 5));
        put_note(o, text);
    }
    return r->emit(r, T_MEDICATION, o, err);
}

/* ---- the queries -------------------------------------------------------- */

/* head ends in a WHERE clause; " AND <client> = ?1" is added for one
 * client; ?2 is true when substance-use information may go. */
static const struct fhir_query {
    const char *head, *client, *tail;
    int (*row)(fhir_run *r, sqlite3_stmt *st, cc_err *err);
} queries[] = {
    {"SELECT c.id, c.family_name, c.given_name, c.dob, c.zip, c.language, "
     "c.interpreter, c.merged_into FROM client c WHERE 1",
     "c.id", "ORDER BY c.id", row_patient},
    {"SELECT c.id, c.client_id, c.kind, c.decision, c.purpose, c.information, "
     "c.substance_use, c.signed_date, c.expires_date, c.revoked_date, c.decline_reason "
     "FROM consent c WHERE (?2 OR c.substance_use = 0)",
     "c.client_id", "ORDER BY c.id", row_consent},
    {"SELECT e.id, e.client_id, p.code, p.name, e.start_date, e.target_days, "
     "e.closed_date, e.outcome FROM episode e JOIN program p ON p.id = e.program_id "
     "WHERE 1",
     "e.client_id", "ORDER BY e.id", row_episode},
    {"SELECT t.id, t.client_id, t.episode_id, t.title, t.due_at, s.login, t.origin, "
     "t.created_at, t.completed_at, t.cancelled_at FROM task t JOIN staff s ON s.id = "
     "t.owner_id WHERE 1",
     "t.client_id", "ORDER BY t.id", row_task},
    {"SELECT h.id, h.client_id, f.login, h.to_kind, coalesce(ts.login, tt.name, "
     "tp.name, o.name, ''), h.state, h.note, h.substance_use, h.proposed_at, "
     "h.expires_at, h.decided_at FROM handoff h JOIN staff f ON f.id = h.from_staff_id "
     "LEFT JOIN staff ts ON ts.id = h.to_staff_id LEFT JOIN team tt ON tt.id = "
     "h.to_team_id LEFT JOIN program tp ON tp.id = h.to_program_id LEFT JOIN "
     "organization o ON o.id = h.to_org_id WHERE (?2 OR h.substance_use = 0)",
     "h.client_id", "ORDER BY h.id", row_handoff},
    {"SELECT a.id, a.client_id, q.code, q.version, q.title, a.at, s.login, a.score, "
     "a.level, a.drivers FROM assessment a JOIN questionnaire q ON q.id = "
     "a.questionnaire_id JOIN staff s ON s.id = a.staff_id WHERE 1",
     "a.client_id", "ORDER BY a.id", row_assessment},
    {"SELECT min(e.id), e.client_id, coalesce(o.facility_code, o.id), o.name, "
     "e.visit_number, max(e.patient_class), min(CASE WHEN e.kind <> 'discharge' AND "
     "e.cancelled_at IS NULL THEN e.at END), max(CASE WHEN e.kind = 'discharge' AND "
     "e.cancelled_at IS NULL THEN e.at END), max(e.location), max(e.disposition), "
     "max(e.readmission), max(e.episode_id), min(e.cancelled_at IS NOT NULL), "
     "max(e.kind = 'ed') FROM encounter e JOIN organization o ON o.id = e.facility_id "
     "WHERE 1",
     "e.client_id",
     "GROUP BY e.client_id, e.facility_id, CASE WHEN e.visit_number = '' THEN -e.id "
     "ELSE e.visit_number END ORDER BY 1",
     row_encounter},
    {"SELECT r.id, r.client_id, p.code, p.name, r.source_type, o.name, "
     "r.source_person, r.criteria, r.received_date, r.status, r.reason FROM referral r "
     "JOIN program p ON p.id = r.program_id LEFT JOIN organization o ON o.id = "
     "r.source_org_id WHERE 1",
     "r.client_id", "ORDER BY r.id", row_referral},
    {"SELECT cp.id, cp.client_id, cp.created_at, s.login, cp.reviewed_at FROM "
     "care_plan cp LEFT JOIN staff s ON s.id = cp.created_by WHERE 1",
     "cp.client_id", "ORDER BY cp.id", row_careplan},
    {"SELECT g.id, cp.client_id, g.words, g.barriers, g.status, g.reason, "
     "g.review_date, g.saved_at FROM plan_goal g JOIN care_plan cp ON cp.id = "
     "g.plan_id WHERE 1",
     "cp.client_id", "ORDER BY g.id", row_goal},
    {"SELECT m.id, m.client_id, m.name, m.dose, m.how_taken, m.prescriber, m.source, "
     "m.start_date, m.stop_date, m.saved_at FROM medication m WHERE 1",
     "m.client_id", "ORDER BY m.id", row_medication},
};

static int run_query(fhir_run *r, const struct fhir_query *q, cc_err *err)
{
    char sql[2048];
    int rc = CC_OK, step = SQLITE_DONE;
    snprintf(sql, sizeof sql, "%s%s%s%s %s", q->head, r->client ? " AND " : "",
             r->client ? q->client : "", r->client ? " = ?1" : "", q->tail);
    sqlite3_stmt *st = ctx_prepare(r->ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, r->client);
    sqlite3_bind_int(st, 2, r->include_su);
    while (rc == CC_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = q->row(r, st, err);
    ctx_finalize(st);
    if (rc == CC_OK && step != SQLITE_DONE)
        return store_fail(r->ctx->st, step, "export", err);
    return rc;
}

static int run_all(fhir_run *r, cc_err *err)
{
    int rc = CC_OK;
    ctx_today(r->ctx, r->today);
    for (size_t i = 0; rc == CC_OK && i < sizeof queries / sizeof *queries; i++)
        rc = run_query(r, &queries[i], err);
    for (size_t i = 0; i < sizeof r->sub / sizeof *r->sub; i++)
        ctx_finalize(r->sub[i]), r->sub[i] = NULL;
    return rc;
}

/* ---- one client: a Bundle ----------------------------------------------- */

static int add_entry(fhir_run *r, int type, cJSON *res, cc_err *err)
{
    (void)err;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "resource", res);
    cJSON_AddItemToArray(r->arg, e);
    r->counts[type]++;
    return CC_OK;
}

static void describe(const int64_t counts[FHIR_NTYPES], int include_su, char *what,
                     size_t whatsz)
{
    size_t n = (size_t)snprintf(what, whatsz, "FHIR R4 record:");
    for (int i = 0; i < FHIR_NTYPES && n < whatsz; i++)
        if (counts[i])
            n += (size_t)snprintf(what + n, whatsz - n, " %s %lld", fhir_types[i],
                                  (long long)counts[i]);
    if (n < whatsz)
        snprintf(what + n, whatsz - n, "%s",
                 include_su ? "" : " (substance-use information left out)");
}

int fhir_bundle_builder(cc_ctx *ctx, int64_t client_id, int include_su, void *arg,
                        char *what, size_t whatsz, cc_err *err)
{
    char now[21];
    cJSON *bundle = cJSON_CreateObject();
    fhir_run r = {
        .ctx = ctx, .client = client_id, .include_su = include_su, .emit = add_entry};
    cJSON_AddStringToObject(bundle, "resourceType", "Bundle");
    cJSON_AddStringToObject(bundle, "type", "collection");
    ctx_now(ctx, now);
    cJSON_AddStringToObject(bundle, "timestamp", now);
    r.arg = cJSON_AddArrayToObject(bundle, "entry");
    int rc = run_all(&r, err);
    char *json = rc == CC_OK ? cJSON_Print(bundle) : NULL;
    cJSON_Delete(bundle);
    if (rc == CC_OK && !json)
        rc = cc_err_set(err, CC_EDATA, "export: out of memory");
    *(char **)arg = json;
    describe(r.counts, include_su, what, whatsz);
    return rc;
}

/* ---- every client: NDJSON ----------------------------------------------- */

struct ndjson {
    fhir_sink sink;
    void *arg;
};

static int write_line(fhir_run *r, int type, cJSON *res, cc_err *err)
{
    struct ndjson *nd = r->arg;
    char *json = cJSON_PrintUnformatted(res);
    size_t n = json ? strlen(json) : 0;
    char *line = json ? realloc(json, n + 2) : NULL;
    cJSON_Delete(res);
    if (line)
        memcpy(line + n, "\n", 2);
    else
        free(json);
    int rc = line && nd->sink(nd->arg, type, line) == 0
                 ? CC_OK
                 : cc_err_set(err, CC_EDATA, "export: cannot write output");
    free(line);
    r->counts[type]++;
    return rc;
}

int fhir_export_all(cc_ctx *ctx, fhir_sink sink, void *arg, int64_t counts[FHIR_NTYPES],
                    cc_err *err)
{
    struct ndjson nd = {sink, arg};
    fhir_run r = {.ctx = ctx, .include_su = 1, .emit = write_line, .arg = &nd};
    if (disclose_bulk_audit(ctx, "export.case", "fhir", "all", err) != CC_OK)
        return err->code;
    if (sqlite3_exec(store_db(ctx->st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(ctx->st, SQLITE_ERROR, "export", err);
    int rc = run_all(&r, err);
    sqlite3_exec(store_db(ctx->st), "COMMIT", NULL, NULL, NULL);
    memcpy(counts, r.counts, sizeof r.counts);
    return rc;
}
