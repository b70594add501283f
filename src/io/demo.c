/*
 * demo.c — the demo generator: synthetic staff, teams and clients whose
 * referral -> consent -> assessment -> episode/monitoring journeys are played
 * through the core API with the context clock moved to each step's moment.
 *
 * Proportions follow DOMAIN.md: most clients in senior stabilization and the
 * hospital programs; about 78% of assessed seniors high or moderate; some
 * declines, unreachable and ineligible referrals; expired, expiring and
 * revoked consents; open and overdue tasks; episodes at every day, some
 * past target, some extended. Names come from syllables: no real person.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assessment.h"
#include "core/client.h"
#include "core/consent.h"
#include "core/encounter.h"
#include "core/handoff.h"
#include "core/scope.h"
#include "core/episode.h"
#include "core/program.h"
#include "core/caseload.h"
#include "core/census.h"
#include "core/appointment.h"
#include "core/meds.h"
#include "core/org.h"
#include "core/pam.h"
#include "core/plan.h"
#include "core/quarterly.h"
#include "core/reach.h"
#include "core/referral.h"
#include "core/staff.h"
#include "core/task.h"
#include "core/team.h"
#include "store/audit.h"
#include "store/nest.h"
#include "util/clock.h"

#define DAY         86400
#define TARGET_LOAD 33
#define YEARS_SHARE 400 /* a coach's clients in a demo of years, at most */
/* A region's volume: about 10 contacts and 40 audit entries a client. */
#define CONTACT_WEEKS 18 /* at most a contact a week for this many weeks */
#define VIEW_PCT      30 /* contacts the coach opens the record before */

/* ---- deterministic randomness ------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_int(rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int rng_pct(rng *r, int pct)
{
    return rng_int(r, 0, 99) < pct;
}

static const char *rng_pick(rng *r, const char *const *list, int n)
{
    return list[rng_int(r, 0, n - 1)];
}

#define PICK(r, list) rng_pick(r, list, (int)(sizeof list / sizeof *list))

/* ---- synthetic identifiers --------------------------------------------- */

/* Four Feistel rounds over 24 bits, keyed: a permutation of [0, 2^24). */
static uint32_t mrn_feistel(uint32_t x, uint64_t key)
{
    uint32_t l = x >> 12, r = x & 0xfff;
    for (uint64_t round = 0; round < 4; round++) {
        rng k = {key ^ round << 56 ^ r};
        uint32_t f = (uint32_t)rng_next(&k) & 0xfff;
        uint32_t next = l ^ f;
        l = r;
        r = next;
    }
    return l << 12 | r;
}

void demo_mrn(const char *facility, int64_t seq, char out[DEMO_MRN_BYTES])
{
    uint64_t key = 0xcbf29ce484222325ULL; /* FNV-1a of the facility code */
    for (const char *p = facility; *p; p++)
        key = (key ^ (uint8_t)*p) * 0x100000001b3ULL;
    if (seq < 0 || seq >= 10000000) { /* more digits than any 7-digit one */
        snprintf(out, DEMO_MRN_BYTES, "MRN%lld", (long long)seq);
        return;
    }
    uint32_t x = (uint32_t)seq;
    do /* cycle-walking keeps it a permutation of [0, 10^7) */
        x = mrn_feistel(x, key);
    while (x >= 10000000);
    snprintf(out, DEMO_MRN_BYTES, "MRN%07u", x);
}

/* ---- synthetic names --------------------------------------------------- */

static const char *const fam_a[] = {"Bar", "Cor", "Del", "Fen", "Gar",   "Hal", "Kes",
                                    "Lor", "Mar", "Nor", "Pel", "Quen",  "Ros", "Sal",
                                    "Tor", "Val", "Wen", "Yar", "Ab",    "Ek",  "Ol",
                                    "Um",  "Dra", "Bri", "Cal", "O'Dun", "Mc"};
static const char *const fam_b[] = {
    "ton", "ley", "wick", "berg", "dale", "ford", "more", "ridge", "wood",  "stein",
    "ner", "ski", "ez",   "ini",  "son",  "ova",  "ard",  "ello",  "quist", "ani"};
static const char *const given[] = {
    "Ada",   "Bram",   "Cleo",  "Dario",  "Elin",  "Fitz",    "Greta", "Hugo",
    "Ines",  "Jora",   "Kemal", "Lupe",   "Mavis", "Nils",    "Odile", "Pavel",
    "Quinn", "Rosa",   "Soren", "Tamsin", "Ulla",  "Viggo",   "Wren",  "Xiomara",
    "Yusuf", "Zoë",    "José",  "Renée",  "Björn", "Thi Lan", "Minh",  "Amara",
    "Femi",  "Oksana", "Ruth",  "Walt"};
static const char *const languages[] = {"en", "en", "en", "en", "es", "es",
                                        "vi", "zh", "am", "fr", "ko", "ru"};

static void make_name(rng *r, char *family, size_t fn, char *giv, size_t gn)
{
    snprintf(family, fn, "%s%s", PICK(r, fam_a), PICK(r, fam_b));
    snprintf(giv, gn, "%s", PICK(r, given));
}

/* ---- the generator's state --------------------------------------------- */

typedef struct coach {
    int64_t id;
    int load;  /* clients still in care at the end */
    int given; /* clients given in all (a demo of years shares them out) */
} coach;

typedef struct team {
    int64_t program_id;
    int64_t nurse;
    coach coaches[6];
} team;

typedef struct gen {
    cc_ctx ctx;
    rng r;
    rng r2;          /* contact details and appointments: their own stream, so that
                        adding them left every other choice of a seed as it was */
    rng r3;          /* contacts after the twelfth week, record views: the same */
    int64_t today_t; /* the real "now" of the run */
    int span_days;   /* referrals arrive over this many days before today */
    int years_of;    /* span_days > DEMO_DAYS: cases also end as over years */
    questionnaire hra;
    program *programs;
    int nprograms;
    team *teams;
    int nteams, cap_teams;
    int staff_seq;
    int64_t demo_coach, demo_nurse, demo_scheduler, demo_manager, demo_supervisor;
    int64_t pcp[2], hie, senior_living[3], snf[2];
    demo_summary *sum;
} gen;

static void at_time(gen *g, int64_t t)
{
    g->ctx.clock = t < g->today_t ? t : g->today_t;
}

static void date_of(int64_t t, char out[11])
{
    clock_format_date(t, out);
}

static int64_t org_id(gen *g, const char *code)
{
    cc_err ignore;
    return org_resolve(&g->ctx, code, &ignore);
}

static const program *program_named(gen *g, const char *code)
{
    for (int i = 0; i < g->nprograms; i++)
        if (!strcmp(g->programs[i].code, code))
            return &g->programs[i];
    return NULL;
}

/* ---- staff and teams --------------------------------------------------- */

static int add_staff(gen *g, const char *login, const char *role, const char *pass,
                     int64_t *id, cc_err *err)
{
    char fam[64], giv[64], name[140];
    staff s;
    make_name(&g->r, fam, sizeof fam, giv, sizeof giv);
    snprintf(name, sizeof name, "%s %s", giv, fam);
    if (staff_add(g->ctx.st, 0, login, role, name, pass, 0, err) != CC_OK ||
        staff_find(g->ctx.st, login, &s, err) != CC_OK)
        return err->code;
    *id = s.id;
    g->sum->staff++;
    return CC_OK;
}

/* A new team for program p: 1 nurse, 1 scheduler, 6 coaches. The first
 * senior-stabilization team is the demo accounts' team. */
static int new_team(gen *g, const program *p, team **out, cc_err *err)
{
    int64_t team_id = 0, ids[8];
    int first_demo = !g->demo_coach && !strcmp(p->code, "hss");
    char login[32];
    if (g->nteams == g->cap_teams) {
        team *t = realloc(g->teams,
                          (size_t)(g->cap_teams = g->cap_teams * 2 + 8) * sizeof *t);
        if (!t)
            return cc_err_set(err, CC_EDATA, "out of memory");
        g->teams = t;
    }
    char name[96];
    snprintf(name, sizeof name, "%s team %d", p->code, g->nteams + 1);
    if (team_create(&g->ctx, name, p->code, 0, &team_id, err) != CC_OK)
        return err->code;
    for (int i = 0; i < 8; i++) {
        const char *role = i == 0 ? "nurse" : i == 1 ? "scheduler" : "coach";
        const char *pass = NULL;
        snprintf(login, sizeof login, "%s-%03d", role, ++g->staff_seq);
        if (first_demo && i <= 2) {
            snprintf(login, sizeof login, "demo-%s", role);
            pass = DEMO_PASSPHRASE;
        }
        if (first_demo && i == 3) { /* a second coach, to hand clients to */
            snprintf(login, sizeof login, "demo-coach2");
            pass = DEMO_PASSPHRASE;
        }
        if (add_staff(g, login, role, pass, &ids[i], err) != CC_OK)
            return err->code;
    }
    if (first_demo) {
        g->demo_nurse = ids[0], g->demo_scheduler = ids[1], g->demo_coach = ids[2];
    }
    team *t = &g->teams[g->nteams++];
    memset(t, 0, sizeof *t);
    t->program_id = p->id;
    t->nurse = ids[0];
    for (int i = 0; i < 6; i++)
        t->coaches[i].id = ids[i + 2];
    for (int i = 0; i < 8; i++)
        if (team_member_add(&g->ctx, team_id, ids[i], err) != CC_OK)
            return err->code;
    g->sum->teams++;
    *out = t;
    return CC_OK;
}

/* Whether c may take one more client: under the load (in care at the
 * end), and in a demo of years under a coach's share of the years (so ten
 * years of closed cases are spread over the staff a region has, not left
 * with the first team); the demo coach takes only the last months'. */
static int may_take(const gen *g, const coach *c, int limit)
{
    if (c->load >= limit)
        return 0;
    if (!g->years_of)
        return 1;
    if (c->id == g->demo_coach)
        return g->ctx.clock > g->today_t - (int64_t)DEMO_DAYS * DAY;
    return c->given < YEARS_SHARE;
}

/* The coach for a new active client of program p: demo-coach first up to
 * the target load (below the program's capacity per coach), then the
 * least-loaded coach under it (over years: the one given fewest), else a
 * new team. */
static int pick_coach(gen *g, const program *p, coach **out, cc_err *err)
{
    coach *best = NULL;
    /* under the program's own capacity per coach (ACT: 10) */
    int limit = p->capacity > 0 && p->capacity - 1 < TARGET_LOAD ? p->capacity - 1
                                                                 : TARGET_LOAD;
    for (int t = 0; t < g->nteams; t++) {
        if (g->teams[t].program_id != p->id)
            continue;
        for (int i = 0; i < 6; i++) {
            coach *c = &g->teams[t].coaches[i];
            if (!may_take(g, c, limit))
                continue;
            if (c->id == g->demo_coach) {
                best = c;
                break;
            }
            if (!best || (g->years_of ? c->given < best->given : c->load < best->load))
                best = c;
        }
        if (best && best->id == g->demo_coach)
            break;
    }
    if (!best) {
        team *t;
        if (new_team(g, p, &t, err) != CC_OK)
            return err->code;
        return pick_coach(g, p, out, err);
    }
    best->given++;
    *out = best;
    return CC_OK;
}

/* Manager and social worker accounts cover the demo team. */
static int add_cover_accounts(gen *g, cc_err *err)
{
    int64_t mgr, sw, sup, team_id = 1;
    if (add_staff(g, "demo-manager", "program-manager", DEMO_PASSPHRASE, &mgr, err) ||
        add_staff(g, "demo-social-worker", "social-worker", DEMO_PASSPHRASE, &sw,
                  err) ||
        add_staff(g, "demo-supervisor", "supervisor", DEMO_PASSPHRASE, &sup, err))
        return err->code;
    g->demo_manager = mgr;
    g->demo_supervisor = sup;
    if (team_cover_add(&g->ctx, team_id, mgr, err) != CC_OK)
        return err->code;
    return team_cover_add(&g->ctx, team_id, sw, err);
}

/* ---- clients ----------------------------------------------------------- */

static const struct {
    const char *code;
    int pct; /* cumulative */
} mix[] = {{"hss", 45},    {"ct-ngh", 52}, {"ct-lmc", 59}, {"ct-cvh", 66},
           {"ct-mch", 73}, {"ct-hph", 79}, {"ct-erm", 85}, {"pasc", 90},
           {"act", 96},    {"crisis", 100}};

static const program *pick_program(gen *g)
{
    int r = rng_int(&g->r, 0, 99);
    for (size_t i = 0; i < sizeof mix / sizeof *mix; i++)
        if (r < mix[i].pct)
            return program_named(g, mix[i].code);
    return program_named(g, "hss");
}

static const char *pick_payer(gen *g, const program *p)
{
    static const char *const senior[] = {"medicare", "medicare", "medicare", "dual",
                                         "dual"};
    static const char *const all[] = {
        "medicare",   "medicare",   "dual",       "medicaid", "medicaid",
        "commercial", "commercial", "commercial", "medicare", "commercial"};
    static const char *const smi[] = {"medicaid", "medicaid", "medicaid", "dual"};
    if (!strcmp(p->kind, "senior-stabilization"))
        return PICK(&g->r, senior);
    if (!strcmp(p->kind, "specialty-navigation"))
        return "uninsured-ineligible";
    if (!strncmp(p->kind, "smi", 3))
        return PICK(&g->r, smi);
    return PICK(&g->r, all);
}

static void pick_setting(gen *g, const program *p, client *c)
{
    snprintf(c->setting, sizeof c->setting, "home");
    if (strcmp(p->code, "hss") != 0)
        return;
    int r = rng_int(&g->r, 0, 99);
    if (r < 45) {
        snprintf(c->setting, sizeof c->setting, "senior-living");
        c->setting_org_id = g->senior_living[rng_int(&g->r, 0, 2)];
    } else if (r < 55) {
        snprintf(c->setting, sizeof c->setting, "snf");
        c->setting_org_id = g->snf[rng_int(&g->r, 0, 1)];
    }
}

static void pick_dob(gen *g, const program *p, client *c)
{
    int lo = 25, hi = 90;
    if (!strcmp(p->code, "hss"))
        lo = 66, hi = 96;
    else if (!strncmp(p->kind, "smi", 3))
        lo = 19, hi = 70;
    else if (!strcmp(p->code, "pasc"))
        lo = 22, hi = 64;
    int64_t days = (int64_t)rng_int(&g->r, lo, hi) * 365 + rng_int(&g->r, 0, 364);
    clock_date_of_days(g->today_t / DAY - days, c->dob);
}

static int zip_list(gen *g, char zips[][6], int max)
{
    char list[64 * 6 + 1], *save = NULL;
    cc_err ignore;
    int n = 0;
    if (area_list(&g->ctx, list, sizeof list, &ignore) != CC_OK)
        return 0;
    for (char *z = strtok_r(list, ",", &save); z && n < max;
         z = strtok_r(NULL, ",", &save))
        snprintf(zips[n++], 6, "%s", z);
    return n;
}

static int make_client(gen *g, const program *p, client *c, cc_err *err)
{
    static char zips[64][6];
    static int nzips;
    memset(c, 0, sizeof *c);
    if (!nzips)
        nzips = zip_list(g, zips, 64);
    make_name(&g->r, c->family_name, sizeof c->family_name, c->given_name,
              sizeof c->given_name);
    pick_dob(g, p, c);
    snprintf(c->zip, sizeof c->zip, "%s", zips[rng_int(&g->r, 0, nzips - 1)]);
    snprintf(c->payer, sizeof c->payer, "%s", pick_payer(g, p));
    snprintf(c->language, sizeof c->language, "%s", PICK(&g->r, languages));
    c->interpreter = strcmp(c->language, "en") != 0 && rng_pct(&g->r, 60);
    pick_setting(g, p, c);
    c->tier = rng_pct(&g->r, strcmp(p->code, "hss") ? 50 : 20) ? 1
              : rng_pct(&g->r, 70)                             ? 2
                                                               : 0;
    if (client_create(&g->ctx, c, CLIENT_ALLOW_OUTSIDE_ZIP | CLIENT_ACCEPT_DUPLICATE,
                      NULL, err) != CC_OK)
        return err->code;
    g->sum->clients++;
    if (p->hospital_id) {
        char mrn[DEMO_MRN_BYTES];
        /* the draw the random MRN took, kept so a seed's other data stay as
         * they were; the MRN itself comes from the client's id */
        (void)rng_int(&g->r, 0, 9999999);
        char code[16] = "";
        organization_code(&g->ctx, p->hospital_id, code, sizeof code);
        demo_mrn(code, c->id, mrn);
        if (client_add_identifier(&g->ctx, c->id, code, mrn, err) != CC_OK &&
            err->code != CC_EUSAGE)
            return err->code;
    }
    return CC_OK;
}

static int make_referral(gen *g, const program *p, const client *c, referral *r,
                         int64_t t, cc_err *err)
{
    static const char *const crit_senior[] = {"worsening-condition", "frequent-ems",
                                              "little-family-support",
                                              "functional-decline"};
    static const char *const src_senior[] = {
        "resident-counselor", "resident-counselor", "resident-counselor", "pcp", "ems",
        "discharge-planner"};
    memset(r, 0, sizeof *r);
    r->client_id = c->id;
    r->program_id = p->id;
    date_of(t, r->received_date);
    if (!strcmp(p->code, "hss")) {
        snprintf(r->source_type, sizeof r->source_type, "%s",
                 !strcmp(c->setting, "snf") ? "discharge-planner"
                                            : PICK(&g->r, src_senior));
        r->source_org_id = !strcmp(r->source_type, "resident-counselor")
                               ? c->setting_org_id
                           : !strcmp(r->source_type, "pcp") ? g->pcp[0]
                                                            : 0;
        snprintf(r->criteria, sizeof r->criteria, "%s,%s", PICK(&g->r, crit_senior),
                 PICK(&g->r, crit_senior));
        if (!strcmp(r->source_type, "resident-counselor") && !r->source_org_id)
            snprintf(r->source_type, sizeof r->source_type, "pcp");
    } else {
        snprintf(r->source_type, sizeof r->source_type, "%s",
                 strncmp(p->kind, "smi", 3) ? "discharge-planner" : "other");
        r->source_org_id = p->hospital_id;
        snprintf(r->criteria, sizeof r->criteria, "%s",
                 rng_pct(&g->r, 50) ? "high-utilizer" : "readmission-risk");
        /* The hospital's risk score, from the id (no draw: the streams stay). */
        r->risk_given = !strncmp(p->kind, "smi", 3) ? 0 : 1;
        r->readmit_risk = 10.0 + (double)(c->id * 37 % 250) / 10.0;
    }
    snprintf(r->source_person, sizeof r->source_person, "%s", "referral desk");
    return referral_create(&g->ctx, r, err);
}

static int record_consents(gen *g, const program *p, const client *c, int64_t t,
                           cc_err *err)
{
    consent pc = {0}, rc = {0};
    char revoke[11];
    pc.client_id = c->id;
    snprintf(pc.kind, sizeof pc.kind, "participation");
    snprintf(pc.decision, sizeof pc.decision, "granted");
    date_of(t, pc.signed_date);
    date_of(t + (int64_t)(rng_pct(&g->r, 85) ? 365 : 180) * DAY, pc.expires_date);
    if (consent_record(&g->ctx, &pc, err) != CC_OK || !rng_pct(&g->r, 85))
        return err->code;
    rc.client_id = c->id;
    snprintf(rc.kind, sizeof rc.kind, "release");
    snprintf(rc.decision, sizeof rc.decision, "granted");
    snprintf(rc.purpose, sizeof rc.purpose, "care coordination");
    snprintf(rc.information, sizeof rc.information,
             "risk assessment, care plan, contacts, medications");
    date_of(t, rc.signed_date);
    date_of(t + (int64_t)rng_int(&g->r, 100, 365) * DAY, rc.expires_date);
    rc.recipients[rc.nrecipients++] = g->pcp[rng_int(&g->r, 0, 1)];
    rc.recipients[rc.nrecipients++] = g->hie;
    if (p->hospital_id)
        rc.recipients[rc.nrecipients++] = p->hospital_id;
    rc.substance_use = rng_pct(&g->r, 10);
    if (consent_record(&g->ctx, &rc, err) != CC_OK)
        return err->code;
    int64_t span = (g->today_t - t) / DAY;
    if (span < 2 || !rng_pct(&g->r, 5))
        return CC_OK;
    date_of(t + (int64_t)rng_int(&g->r, 1, (int)span) * DAY, revoke);
    return consent_revoke(&g->ctx, rc.id, revoke, "client asked to stop sharing", err);
}

/* Answers that land in level (3 high, 2 moderate, 1 low). */
static void make_answers(gen *g, int level, int *answers)
{
    static const int lo[] = {0, 0, 5, 10}, hi[] = {0, 4, 9, 18};
    hra_result res;
    for (int attempt = 0; attempt < 50; attempt++) {
        int target = rng_int(&g->r, lo[level], hi[level]), score = 0,
            order[HRA_MAX_QUESTIONS];
        for (int i = 0; i < g->hra.n; i++)
            order[i] = i, answers[i] = 0;
        for (int i = g->hra.n - 1; i > 0; i--) {
            int j = rng_int(&g->r, 0, i), tmp = order[i];
            order[i] = order[j], order[j] = tmp;
        }
        for (int k = 0; k < g->hra.n; k++)
            if (score + g->hra.q[order[k]].weight <= target) {
                answers[order[k]] = 1;
                score += g->hra.q[order[k]].weight;
            }
        hra_score(&g->hra, answers, &res);
        if (hra_level_rank(res.level) == level)
            return;
    }
}

static int assess(gen *g, const client *c, const program *p, int level,
                  assessment_outcome *out, cc_err *err)
{
    int answers[HRA_MAX_QUESTIONS];
    make_answers(g, level, answers);
    return assessment_record(&g->ctx, c->id, p->id, &g->hra, answers, out, err);
}

static int senior_level(gen *g)
{
    int r = rng_int(&g->r, 0, 99);
    return r < 45 ? 3 : r < 78 ? 2 : 1; /* ~78% high or moderate */
}

/* ---- the months after the start ---------------------------------------- */

static int complete_tasks(gen *g, int64_t client_id, int64_t until, int pct,
                          cc_err *err)
{
    census_task open[256];
    int n;
    if (census_open_tasks(&g->ctx, client_id, open, 256, &n, err) != CC_OK)
        return err->code;
    for (int i = 0; i < n; i++) {
        if (open[i].due > until || !rng_pct(&g->r, pct))
            continue;
        task theirs;
        at_time(g, open[i].due - rng_int(&g->r, 0, 20) * 3600);
        if (task_complete(&g->ctx, open[i].id, open[i].version, &theirs, err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

/* Now and then the coach opens the record before a contact: a view of its
 * summary, audited as the screen's is. */
static int open_record(gen *g, int64_t client_id, cc_err *err)
{
    client c;
    if (!rng_pct(&g->r3, VIEW_PCT))
        return CC_OK;
    return client_view(&g->ctx, client_id, "summary", &c, err);
}

static int log_contacts(gen *g, int64_t client_id, const program *p, int64_t from,
                        int64_t to, cc_err *err)
{
    static const char *const notes[] = {
        "Reviewed medications with the client; no changes.",
        "Client reports feeling steadier on their feet this week.",
        "Confirmed ride to the primary care appointment.",
        "Discussed warning signs and who to call at night.",
        "Left a message; will try again tomorrow.",
        "Helped complete a benefits application.",
        "Daughter joined the call; agreed on a weekly check-in."};
    static const char *const kinds[] = {
        "call", "call", "call", "home-visit", "accompanied-appointment", "message"};
    int weeks = (int)((to - from) / (7 * DAY));
    int n = weeks < 1 ? 1 : weeks > CONTACT_WEEKS ? CONTACT_WEEKS : weeks;
    for (int i = 0; i < n; i++) {
        /* the first 12 weeks draw from the main stream, as they always did;
         * the weeks after from their own, so every other choice of a seed
         * stayed as it was when they were added */
        rng *r = i < 12 ? &g->r : &g->r3;
        contact c = {0};
        c.client_id = client_id;
        int64_t t = from + (int64_t)i * 7 * DAY + rng_int(r, 1, 6) * DAY +
                    rng_int(r, 8, 17) * 3600;
        if (t > g->today_t)
            break;
        snprintf(c.kind, sizeof c.kind, "%s",
                 !strcmp(p->code, "hss") || rng_pct(r, 70) ? PICK(r, kinds) : "call");
        clock_format_iso(t, c.at);
        c.duration_min = rng_int(r, 5, 90);
        snprintf(c.note, sizeof c.note, "%s", PICK(r, notes));
        at_time(g, t - 600);
        if (open_record(g, client_id, err) != CC_OK)
            return err->code;
        at_time(g, t);
        if (contact_log(&g->ctx, &c, err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

/* An open episode that has run past its target: close it, extend it, or
 * (sometimes) leave it open past target, as happens. Returns in *active
 * whether the client is still followed. */
static int age_episode(gen *g, const program *p, int64_t eid, int *active, cc_err *err)
{
    static const char *const outcomes[] = {
        "goals-met",   "goals-met", "goals-met", "goals-met",       "readmitted",
        "unreachable", "moved",     "died",      "declined-further"};
    episode e;
    episode_day d;
    char today[11], date[11];
    date_of(g->today_t, today);
    if (episode_get(&g->ctx, eid, &e, err) != CC_OK)
        return err->code;
    episode_day_of(&e, today, &d);
    *active = 1;
    if (!d.past_target)
        return CC_OK;
    int64_t start_t = g->today_t - (int64_t)(d.day - 1) * DAY;
    int r = rng_int(&g->r, 0, 99);
    if (r < 20 && p->max_days > e.target_days + e.extended_days) {
        at_time(g, start_t + (int64_t)(e.target_days - 3) * DAY);
        int room = p->max_days - e.target_days - e.extended_days;
        if (room < 1)
            return CC_OK;
        int more = rng_int(&g->r, room < 7 ? 1 : 7, room);
        if (episode_extend(&g->ctx, eid, e.version, more, "goals not yet met", err))
            return err->code;
        return age_episode(g, p, eid, active, err);
    }
    if (r < 35 && !(g->years_of && d.day > d.length + 60))
        return CC_OK; /* past target, nobody has closed it yet (for weeks, not years) */
    int64_t close_t = start_t + (int64_t)(d.length - 1 + rng_int(&g->r, -5, 3)) * DAY;
    at_time(g, close_t);
    date_of(g->ctx.clock, date);
    if (strcmp(date, e.start_date) < 0)
        snprintf(date, sizeof date, "%s", e.start_date);
    const char *outcome = PICK(&g->r, outcomes);
    int64_t when = g->ctx.clock;
    if (complete_tasks(g, e.client_id, when, 95, err) != CC_OK)
        return err->code;
    at_time(g, when);
    if (episode_close(&g->ctx, eid, e.version, date, outcome, err) != CC_OK)
        return err->code;
    *active = ctx_in_list(outcome, "goals-met,readmitted,unreachable");
    return CC_OK;
}

/* Monitoring whose re-screen is due: often re-screened; high starts a new
 * episode. */
static int rescreen(gen *g, const client *c, const program *p, int64_t *eid,
                    cc_err *err)
{
    monitoring m;
    int64_t due;
    cc_err ignore;
    *eid = 0;
    if (monitoring_get_open(&g->ctx, c->id, p->id, &m, &ignore) != CC_OK)
        return CC_OK;
    char iso[24];
    snprintf(iso, sizeof iso, "%sT10:00:00Z", m.rescreen_date);
    if (clock_parse_iso(iso, &due) != 0 || due > g->today_t || !rng_pct(&g->r, 60))
        return CC_OK;
    assessment_outcome out;
    int r = rng_int(&g->r, 0, 99);
    at_time(g, due);
    int consented;
    if (consent_participation_check(&g->ctx, c->id, &consented, err) != CC_OK)
        return err->code;
    if (!consented)
        return CC_OK;
    if (assess(g, c, p, r < 30 ? 3 : r < 70 ? 2 : 1, &out, err) != CC_OK)
        return err->code;
    *eid = out.episode_id;
    return CC_OK;
}

/* ---- one client's journey ---------------------------------------------- */

typedef struct journey {
    client c;
    referral r;
    const program *p;
    int64_t t_ref, t_consent, t_start;
    coach *owner;
} journey;

/* A referral nobody could work yet waits; in a demo of years, one that
 * waited weeks long ago was given up as unreachable. */
static int still_waiting(gen *g, journey *j, cc_err *err)
{
    if (!g->years_of || j->t_ref > g->today_t - 45 * DAY) {
        g->sum->referrals_open++;
        return CC_OK;
    }
    at_time(g, j->t_ref + (int64_t)rng_int(&g->r3, 14, 40) * DAY);
    return referral_transition(&g->ctx, j->r.id, "unreachable", NULL, err);
}

static int early_exit(gen *g, journey *j, int fate, cc_err *err)
{
    static const char *const why_inel[] = {"lives outside the service area",
                                           "already served by another program",
                                           "does not meet the age criterion"};
    static const char *const why_decl[] = {
        "prefers family to help", "not interested now", "already has a case manager"};
    at_time(g, j->t_ref + DAY);
    if (fate < 4)
        return still_waiting(g, j, err); /* received, waiting to be worked */
    if (fate < 12 && referral_transition(&g->ctx, j->r.id, "contacted", NULL, err))
        return err->code;
    if (fate < 8)
        return still_waiting(g, j, err);
    if (fate < 12)
        return referral_transition(&g->ctx, j->r.id, "unreachable", NULL, err);
    if (fate < 16)
        return referral_transition(&g->ctx, j->r.id, "ineligible",
                                   PICK(&g->r, why_inel), err);
    consent d = {0};
    d.client_id = j->c.id;
    snprintf(d.kind, sizeof d.kind, "participation");
    snprintf(d.decision, sizeof d.decision, "declined");
    snprintf(d.decline_reason, sizeof d.decline_reason, "%s", PICK(&g->r, why_decl));
    date_of(g->ctx.clock, d.signed_date);
    g->sum->declined++;
    if (referral_transition(&g->ctx, j->r.id, "contacted", NULL, err) != CC_OK)
        return err->code;
    return consent_record(&g->ctx, &d, err); /* the referral becomes declined */
}

/* Contact, consent, owner. */
static int engage(gen *g, journey *j, cc_err *err)
{
    at_time(g, j->t_consent);
    if (referral_transition(&g->ctx, j->r.id, "contacted", NULL, err) != CC_OK ||
        record_consents(g, j->p, &j->c, j->t_consent, err) != CC_OK ||
        pick_coach(g, j->p, &j->owner, err) != CC_OK)
        return err->code;
    at_time(g, j->t_consent);
    return client_assign(&g->ctx, j->c.id, j->owner->id, j->p->id, err);
}

/* The first assessment and what it starts. Sets *eid to an open episode. */
static int start_care(gen *g, journey *j, int64_t *eid, cc_err *err)
{
    assessment_outcome out;
    char start[11];
    int senior = !strcmp(j->p->code, "hss");
    at_time(g, j->t_consent + (senior ? rng_int(&g->r, 0, 5) * DAY : 3600));
    if (assess(g, &j->c, j->p, senior ? senior_level(g) : rng_int(&g->r, 2, 3), &out,
               err))
        return err->code;
    *eid = out.episode_id;
    j->t_start = g->ctx.clock;
    if (senior) {
        if (!strcmp(j->c.setting, "snf") && !strcmp(out.result.level, "high") &&
            rng_pct(&g->r, 70)) {
            at_time(g, g->ctx.clock + rng_int(&g->r, 5, 25) * DAY);
            date_of(g->ctx.clock, start);
            j->t_start = g->ctx.clock;
            return episode_snf_discharge(&g->ctx, j->c.id, j->p->id, start, eid, err);
        }
        return CC_OK;
    }
    char anchor[21];
    at_time(g, j->t_start = j->t_ref + 2 * DAY + 14 * 3600); /* the discharge */
    date_of(g->ctx.clock, start);
    clock_format_iso(g->ctx.clock, anchor);
    /* the assessed referral becomes enrolled with the episode */
    return episode_start(&g->ctx, j->c.id, j->p->id, start, anchor, eid, err);
}

/* Hospital encounters around a care-transition start: the admission, the
 * discharge that started the episode, sometimes a readmission or ED visit. */
static int hospital_events(gen *g, journey *j, cc_err *err)
{
    char code[16], at[21];
    int64_t id;
    organization_code(&g->ctx, j->p->hospital_id, code, sizeof code);
    if (!code[0])
        return CC_OK;
    clock_format_iso(j->t_start - (int64_t)rng_int(&g->r, 2, 6) * DAY, at);
    if (encounter_record(&g->ctx, j->c.id, code, "admit", at, &id, err) != CC_OK)
        return err->code;
    clock_format_iso(j->t_start, at);
    if (encounter_record(&g->ctx, j->c.id, code, "discharge", at, &id, err) != CC_OK)
        return err->code;
    int r = rng_int(&g->r, 0, 99);
    int64_t later = j->t_start + (int64_t)rng_int(&g->r, 3, 45) * DAY + 5 * 3600;
    if (r >= 20 || later > g->today_t)
        return CC_OK;
    clock_format_iso(later, at);
    return encounter_record(&g->ctx, j->c.id, code, r < 12 ? "admit" : "ed", at, &id,
                            err);
}

static void as_staff(gen *g, int64_t id, const char *role)
{
    g->ctx.staff_id = id;
    snprintf(g->ctx.role, sizeof g->ctx.role, "%s", role);
}

/* ---- reaching the client, appointments ---------------------------------- */

/* Phones (a mobile, sometimes a landline), an address for those at home,
 * one of the two practices; a caregiver for about half, a legal
 * representative for some of the seniors. */
static int reach_of(gen *g, journey *j, cc_err *err)
{
    static const char *const streets[] = {"Elm St",   "Maple Ave", "Cedar Rd",
                                          "Birch Ln", "Oak Ct",    "Willow Way"};
    static const char *const times[] = {"", "mornings", "after 5pm", "not Sundays",
                                        "weekdays 9-12"};
    static const char *const rel[] = {"child",  "spouse",   "sibling",
                                      "friend", "neighbor", "paid-caregiver"};
    static const char *const pcp_names[] = {"Dr. Rowe", "Dr. Amsel", "Dr. Okafor",
                                            "NP Lindqvist"};
    rng *r = &g->r2;
    client_reach re, theirs;
    memset(&re, 0, sizeof re);
    re.client_id = j->c.id;
    re.preferred = 1;
    snprintf(re.phone1, sizeof re.phone1, "555-%03d-%04d", rng_int(r, 200, 899),
             rng_int(r, 0, 9999));
    snprintf(re.phone1_kind, sizeof re.phone1_kind, "%s",
             rng_pct(r, 75) ? "mobile" : "home");
    if (rng_pct(r, 30)) {
        snprintf(re.phone2, sizeof re.phone2, "555-%03d-%04d", rng_int(r, 200, 899),
                 rng_int(r, 0, 9999));
        snprintf(re.phone2_kind, sizeof re.phone2_kind, "work");
    }
    snprintf(re.call_times, sizeof re.call_times, "%s", PICK(r, times));
    if (!strcmp(j->c.setting, "home"))
        snprintf(re.address, sizeof re.address, "%d %s", rng_int(r, 2, 980),
                 PICK(r, streets));
    snprintf(re.city, sizeof re.city, "%s", re.address[0] ? "Millbrook" : "");
    snprintf(re.pcp_org, sizeof re.pcp_org, "%s", rng_pct(r, 50) ? "PCP-FV" : "PCP-SI");
    snprintf(re.pcp_name, sizeof re.pcp_name, "%s", PICK(r, pcp_names));
    if (reach_save(&g->ctx, &re, &theirs, err) != CC_OK)
        return err->code;
    if (!rng_pct(r, 50))
        return CC_OK;
    caregiver cg;
    char given_name[64], family[64];
    memset(&cg, 0, sizeof cg);
    make_name(r, family, sizeof family, given_name, sizeof given_name);
    cg.client_id = j->c.id;
    snprintf(cg.name, sizeof cg.name, "%.40s %.50s", given_name, j->c.family_name);
    snprintf(cg.relationship, sizeof cg.relationship, "%s", PICK(r, rel));
    snprintf(cg.phone, sizeof cg.phone, "555-%03d-%04d", rng_int(r, 200, 899),
             rng_int(r, 0, 9999));
    cg.may_contact = rng_pct(r, 90);
    cg.legal_rep = !strcmp(j->p->code, "hss") && rng_pct(r, 25);
    return caregiver_add(&g->ctx, &cg, err);
}

/* One appointment booked at `booked` for `at`; once its time has come it
 * was kept or (one in five) missed. */
static int appointment_of(gen *g, journey *j, const char *kind, const char *with,
                          const char *specialty, int64_t booked, int64_t at,
                          cc_err *err)
{
    appointment a, out;
    memset(&a, 0, sizeof a);
    at -= at % 900; /* on the quarter hour */
    if (booked >= g->today_t || at < booked + 3600)
        return CC_OK;
    a.client_id = j->c.id;
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.with_org, sizeof a.with_org, "%s", with);
    snprintf(a.specialty, sizeof a.specialty, "%s", specialty);
    clock_format_iso(at, a.at);
    a.transport = rng_pct(&g->r2, 20);
    a.interpreter = j->c.interpreter;
    at_time(g, booked);
    if (appointment_book(&g->ctx, &a, err) != CC_OK)
        return err->code;
    if (at + 2 * 3600 > g->today_t)
        return CC_OK;
    at_time(g, at + 2 * 3600);
    return appointment_mark(&g->ctx, a.id, a.version,
                            rng_pct(&g->r2, 20) ? "no-show" : "kept", "", &out, err);
}

/* Specialty-care navigation books the specialist within 30 days of the
 * discharge; others see their primary care provider, and the coach visits
 * or calls in the coming week. */
static int appointments_of(gen *g, journey *j, int active, cc_err *err)
{
    static const char *const specialties[] = {"cardiology", "orthopedics",
                                              "gastroenterology", "neurology"};
    static const char *const visits[] = {"home-visit", "phone-call", "home-visit"};
    rng *r = &g->r2;
    int64_t start = j->t_start ? j->t_start : j->t_consent;
    if (!strcmp(j->p->code, "pasc")) {
        int64_t booked = start + (int64_t)rng_int(r, 1, 6) * DAY;
        if (appointment_of(g, j, "specialist", "SPC-HV", PICK(r, specialties), booked,
                           booked + (int64_t)rng_int(r, 5, 20) * DAY +
                               rng_int(r, 9, 15) * 3600,
                           err) != CC_OK)
            return err->code;
    } else if (rng_pct(r, 35)) {
        int64_t booked = start + (int64_t)rng_int(r, 2, 20) * DAY;
        if (appointment_of(
                g, j, "pcp", rng_pct(r, 50) ? "PCP-FV" : "PCP-SI", "", booked,
                booked + (int64_t)rng_int(r, 3, 14) * DAY + rng_int(r, 8, 16) * 3600,
                err) != CC_OK)
            return err->code;
    }
    if (!active || !rng_pct(r, 30))
        return CC_OK;
    int64_t soon = g->today_t - DAY + (int64_t)rng_int(r, 1, 7) * DAY;
    soon += 9 * 3600 + rng_int(r, 0, 28) * 900 - soon % DAY;
    return appointment_of(g, j, PICK(r, visits), "", "", g->today_t - 2 * DAY, soon,
                          err);
}

/* ---- the plan, medications, pillars, activation ---------------------------- */

/* The nurse of the team owner is on. */
static int64_t nurse_of(gen *g, int64_t owner)
{
    for (int t = 0; t < g->nteams; t++)
        for (int i = 0; i < 6; i++)
            if (g->teams[t].coaches[i].id == owner)
                return g->teams[t].nurse;
    return 0;
}

static int plan_of_client(gen *g, journey *j, cc_err *err)
{
    static const char *const goals[] = {"Get to church on Sundays again",
                                        "Cook my own meals", "Sleep through the night",
                                        "Walk to the mailbox every day",
                                        "Keep my appointments without help"};
    static const char *const barriers[] = {"afraid of falling", "no ride", "money",
                                           "forgets the dates", ""};
    rng *r = &g->r2;
    int added = 0;
    if (!rng_pct(r, 75))
        return CC_OK;
    if (plan_from_template(&g->ctx, j->c.id, &added, err) != CC_OK)
        return err->code;
    plan_goal goal;
    memset(&goal, 0, sizeof goal);
    snprintf(goal.words, sizeof goal.words, "%s", PICK(r, goals));
    snprintf(goal.barriers, sizeof goal.barriers, "%s", PICK(r, barriers));
    if (plan_goal_add(&g->ctx, j->c.id, &goal, err) != CC_OK)
        return err->code;
    plan_step step;
    memset(&step, 0, sizeof step);
    step.goal_id = goal.id;
    snprintf(step.what, sizeof step.what, "Talk it through at the next visit");
    date_of(g->ctx.clock + 7 * DAY, step.due_date);
    int64_t task_id;
    if (plan_step_add(&g->ctx, &step, err) != CC_OK ||
        (rng_pct(r, 30) &&
         plan_step_to_task(&g->ctx, step.id, step.version, &task_id, err) != CC_OK))
        return err->code;
    return CC_OK;
}

static int meds_of_client(gen *g, journey *j, cc_err *err)
{
    static const char *const names[] = {"Metoprolol", "Lisinopril", "Atorvastatin",
                                        "Metformin",  "Furosemide", "Apixaban",
                                        "Sertraline", "Omeprazole"};
    static const char *const doses[] = {"25 mg", "10 mg", "40 mg", "500 mg", "20 mg"};
    static const char *const how[] = {"by mouth once a day", "by mouth twice a day",
                                      "by mouth at night"};
    static const char *const sources[] = {"bottles", "discharge-summary", "client",
                                          "pharmacy"};
    rng *r = &g->r2;
    int n = rng_int(r, 2, 5), base = rng_int(r, 0, 7);
    for (int i = 0; i < n; i++) {
        medication m;
        memset(&m, 0, sizeof m);
        m.client_id = j->c.id;
        snprintf(m.name, sizeof m.name, "%s", names[(base + i) % 8]); /* n <= 8 */
        snprintf(m.dose, sizeof m.dose, "%s", PICK(r, doses));
        snprintf(m.how_taken, sizeof m.how_taken, "%s", PICK(r, how));
        snprintf(m.source, sizeof m.source, "%s", PICK(r, sources));
        if (med_add(&g->ctx, &m, err) != CC_OK)
            return err->code;
    }
    if (!rng_pct(r, 60))
        return CC_OK;
    med_discrepancy d;
    memset(&d, 0, sizeof d);
    snprintf(d.what, sizeof d.what, "an old bottle of the same medicine at home");
    snprintf(d.resolution, sizeof d.resolution, "removed with the client's agreement");
    int64_t rec, nurse = nurse_of(g, j->owner->id);
    if (med_reconcile(&g->ctx, j->c.id, "", &d, rng_pct(r, 40), &rec, err) != CC_OK)
        return err->code;
    if (!nurse || !rng_pct(r, 80))
        return CC_OK;
    as_staff(g, nurse, "nurse");
    int rc = med_sign_off(&g->ctx, rec, err);
    as_staff(g, j->owner->id, "coach");
    return rc;
}

/* A care transition's pillars; a senior's activation before and after. */
static int pillars_and_pam(gen *g, journey *j, cc_err *err)
{
    rng *r = &g->r2;
    pillar_state ps;
    if (!strcmp(j->p->kind, "care-transition")) {
        if (pillars_of(&g->ctx, j->c.id, &ps, err) != CC_OK || !ps.episode)
            return err->code; /* CC_OK when no episode is open */
        if (rng_pct(r, 70) && pillar_mark(&g->ctx, j->c.id, "phr", "", err) != CC_OK)
            return err->code;
        if (rng_pct(r, 50) &&
            pillar_mark(&g->ctx, j->c.id, "red-flags", "", err) != CC_OK)
            return err->code;
        return CC_OK;
    }
    if (strcmp(j->p->code, "hss") != 0 || !rng_pct(r, 70))
        return CC_OK;
    pam_result pr;
    memset(&pr, 0, sizeof pr);
    pr.client_id = j->c.id;
    pr.score = rng_int(r, 300, 620) / 10.0;
    pr.level = pr.score < 47 ? 1 : pr.score < 56 ? 2 : pr.score < 68 ? 3 : 4;
    snprintf(pr.instrument, sizeof pr.instrument, "PAM-13");
    int64_t first = j->t_consent + DAY;
    if (first + 3600 > g->today_t)
        return CC_OK;
    at_time(g, first + 3600);
    date_of(first, pr.taken_date);
    if (pam_record(&g->ctx, &pr, err) != CC_OK)
        return err->code;
    int64_t later = j->t_consent + (int64_t)rng_int(r, 40, 70) * DAY;
    if (later + 3600 > g->today_t || !rng_pct(r, 70))
        return CC_OK;
    at_time(g, later + 3600);
    pr.score += rng_int(r, -30, 120) / 10.0;
    pr.score = pr.score > 100 ? 100 : pr.score;
    pr.level = pr.score < 47 ? 1 : pr.score < 56 ? 2 : pr.score < 68 ? 3 : 4;
    date_of(later, pr.taken_date);
    return pam_record(&g->ctx, &pr, err);
}

/* In a demo of years, a case that began long ago has ended as cases do: an
 * episode a re-screen started is aged like the first, and light touch ends
 * after months to two years (never before the weeks of contacts). */
static int age_years(gen *g, journey *j, int64_t again, int *active, cc_err *err)
{
    static const char *const reasons[] = {
        "stable", "stable", "stable",           "stable",      "moved",
        "died",   "died",   "declined-further", "unreachable", "transferred"};
    monitoring m;
    cc_err ignore;
    int64_t since, end;
    char iso[24], date[11];
    if (again && age_episode(g, j->p, again, active, err) != CC_OK)
        return err->code;
    if (!*active || !j->owner ||
        monitoring_get_open(&g->ctx, j->c.id, j->p->id, &m, &ignore) != CC_OK)
        return CC_OK;
    snprintf(iso, sizeof iso, "%sT15:00:00Z", m.since_date);
    if (clock_parse_iso(iso, &since) != 0)
        return CC_OK;
    end = since + (int64_t)rng_int(&g->r3, 120, 720) * DAY;
    if (end < j->t_start + (int64_t)(CONTACT_WEEKS + 1) * 7 * DAY)
        end = j->t_start + (int64_t)(CONTACT_WEEKS + 1) * 7 * DAY;
    if (end > g->today_t - DAY)
        return CC_OK;
    as_staff(g, j->owner->id, "coach");
    at_time(g, end);
    date_of(end, date);
    if (monitoring_end(&g->ctx, j->c.id, j->p->id, date, PICK(&g->r3, reasons), err))
        return err->code;
    *active = 0;
    return CC_OK;
}

/* In a demo of years, light touch still going on today has had its
 * check-in call each re-screen interval since it began, as a followed
 * client has (those of cases ended long ago are not replayed). */
static int light_touch_calls(gen *g, journey *j, cc_err *err)
{
    monitoring m;
    cc_err ignore;
    char iso[24];
    int64_t since;
    if (!j->owner ||
        monitoring_get_open(&g->ctx, j->c.id, j->p->id, &m, &ignore) != CC_OK)
        return CC_OK;
    snprintf(iso, sizeof iso, "%sT15:00:00Z", m.since_date);
    if (clock_parse_iso(iso, &since) != 0)
        return CC_OK;
    int every = j->p->rescreen_days > 0 ? j->p->rescreen_days : 90;
    as_staff(g, j->owner->id, "coach");
    for (int64_t t = since + (int64_t)every * DAY; t < g->today_t - DAY;
         t += (int64_t)every * DAY) {
        contact c = {0};
        c.client_id = j->c.id;
        snprintf(c.kind, sizeof c.kind, "call");
        clock_format_iso(t, c.at);
        c.duration_min = rng_int(&g->r3, 5, 30);
        snprintf(c.note, sizeof c.note, "Light-touch check-in; no new concerns.");
        at_time(g, t);
        if (contact_log(&g->ctx, &c, err) != CC_OK)
            return err->code;
    }
    return CC_OK;
}

static int follow(gen *g, journey *j, int64_t eid, cc_err *err)
{
    int active = 1;
    int64_t again = 0;
    if (j->p->hospital_id && hospital_events(g, j, err) != CC_OK)
        return err->code;
    if (eid && age_episode(g, j->p, eid, &active, err) != CC_OK)
        return err->code;
    if (active && !strcmp(j->p->code, "hss")) {
        if (rescreen(g, &j->c, j->p, &again, err) != CC_OK)
            return err->code;
        if (again)
            eid = again;
    }
    if (log_contacts(g, j->c.id, j->p, j->t_start, g->today_t, err) != CC_OK ||
        complete_tasks(g, j->c.id, g->today_t - DAY, 85, err) != CC_OK)
        return err->code;
    if (g->years_of && (age_years(g, j, again, &active, err) != CC_OK ||
                        (active && light_touch_calls(g, j, err) != CC_OK)))
        return err->code;
    if (j->owner) {
        as_staff(g, j->owner->id, "coach");
        if (reach_of(g, j, err) != CC_OK || appointments_of(g, j, active, err) != CC_OK)
            return err->code;
        if (active &&
            (plan_of_client(g, j, err) != CC_OK || meds_of_client(g, j, err) != CC_OK ||
             pillars_and_pam(g, j, err) != CC_OK))
            return err->code;
    }
    if (active)
        j->owner->load++;
    return CC_OK;
}

/* Days before today the i-th of n clients was referred. Over 240 days, at
 * random; over years, in the order they came, as a site's records grow
 * (each client's id follows the one referred before, so a quarter's
 * clients lie together, as they do at a real site), a few days' jitter. */
static int referred_days_ago(gen *g, int i, int n)
{
    int drawn = rng_int(&g->r, 3, g->span_days);
    if (!g->years_of)
        return drawn;
    int64_t days =
        g->span_days - (int64_t)i * (g->span_days - 3) / (n > 1 ? n : 1) - drawn % 3;
    return days < 3 ? 3 : (int)days;
}

static int one_client(gen *g, int i, int n, cc_err *err)
{
    journey j = {0};
    j.p = pick_program(g);
    int fate = rng_int(&g->r, 0, 99);
    j.t_ref = g->today_t - (int64_t)referred_days_ago(g, i, n) * DAY +
              rng_int(&g->r, 8, 16) * 3600;
    j.t_consent = j.t_ref + (int64_t)rng_int(&g->r, 0, 2) * DAY + 3600;
    int64_t eid = 0;
    at_time(g, j.t_ref);
    if (make_client(g, j.p, &j.c, err) != CC_OK ||
        make_referral(g, j.p, &j.c, &j.r, j.t_ref, err) != CC_OK)
        return err->code;
    if (fate < 24)
        return early_exit(g, &j, fate, err);
    if (engage(g, &j, err) != CC_OK || start_care(g, &j, &eid, err) != CC_OK)
        return err->code;
    return follow(g, &j, eid, err);
}

/* ---- hand-offs, break-glass -------------------------------------------- */

/* Another coach of the owner's team, or 0. */
static int64_t teammate(gen *g, int64_t owner)
{
    for (int t = 0; t < g->nteams; t++)
        for (int i = 0; i < 6; i++)
            if (g->teams[t].coaches[i].id == owner)
                return g->teams[t].coaches[(i + 1 + rng_int(&g->r, 0, 4)) % 6].id;
    return 0;
}

/* The replay runs clients one after another, so a hand-off replayed "days
 * ago" must not come before the client's own open episode began. */
static int64_t not_before_episode(gen *g, int64_t client_id, int64_t t)
{
    client c;
    episode e;
    cc_err err = {0};
    int64_t eid;
    if (client_get(&g->ctx, client_id, &c, &err) != CC_OK || !c.program_id ||
        !(eid = episode_open_for(&g->ctx, client_id, c.program_id)) ||
        episode_get(&g->ctx, eid, &e, &err) != CC_OK)
        return t;
    int64_t start = clock_local_midnight(e.start_date) + DAY + 9 * 3600;
    return t >= start ? t : start < g->today_t ? start : g->today_t - 3600;
}

/* One hand-off of client c (owned by owner) to a teammate, decided as fate
 * says: accepted, declined, withdrawn, left to expire, or still waiting. */
static int one_handoff(gen *g, int64_t client_id, int64_t owner, int64_t to, int fate,
                       cc_err *err)
{
    static const char *const notes[] = {"rebalancing caseloads",
                                        "coach is going on leave",
                                        "client asked for a Spanish-speaking coach",
                                        "closer to the client's neighborhood"};
    handoff_target tgt = {"staff", to};
    int64_t hid;
    int days_ago = fate == 3 ? rng_int(&g->r, 7, 12) : rng_int(&g->r, 0, 2);
    at_time(g, not_before_episode(g, client_id,
                                  g->today_t - (int64_t)days_ago * DAY -
                                      rng_int(&g->r, 1, 5) * 3600));
    as_staff(g, owner, "coach");
    if (handoff_propose(&g->ctx, client_id, &tgt, PICK(&g->r, notes), 0, &hid, err))
        return err->code;
    at_time(g, g->ctx.clock + rng_int(&g->r, 1, 20) * 3600);
    as_staff(g, fate == 2 ? owner : to, "coach");
    switch (fate) {
    case 0: { /* a full caseload takes the client with a reason, as a coach would */
        int rc = handoff_accept(&g->ctx, hid, NULL, err);
        return rc != CC_EINPUT
                   ? rc
                   : handoff_accept(&g->ctx, hid, "covering while the team rebalances",
                                    err);
    }
    case 1:
        return handoff_decline(&g->ctx, hid, "my caseload is full this month", err);
    case 2:
        return handoff_withdraw(&g->ctx, hid, err);
    default:
        return CC_OK; /* 3: expires unanswered; 4: waiting for an answer */
    }
}

/* An outside hand-off to a payer's case management, under a consent that
 * names it, recorded as accepted by the sender. */
static int outside_handoff(gen *g, int64_t client_id, int64_t owner, cc_err *err)
{
    consent rc = {0};
    handoff_target tgt = {"organization", org_id(g, "PAY-KH")};
    int64_t hid;
    at_time(g, not_before_episode(g, client_id,
                                  g->today_t - (int64_t)rng_int(&g->r, 3, 20) * DAY));
    rc.client_id = client_id;
    snprintf(rc.kind, sizeof rc.kind, "release");
    snprintf(rc.decision, sizeof rc.decision, "granted");
    snprintf(rc.purpose, sizeof rc.purpose,
             "transfer to the health plan's case management");
    snprintf(rc.information, sizeof rc.information, "care plan, assessment, contacts");
    date_of(g->ctx.clock, rc.signed_date);
    date_of(g->ctx.clock + 365 * DAY, rc.expires_date);
    rc.recipients[rc.nrecipients++] = tgt.id;
    as_staff(g, owner, "coach");
    if (consent_record(&g->ctx, &rc, err) != CC_OK ||
        handoff_propose(&g->ctx, client_id, &tgt, "insured: payer case management", 0,
                        &hid, err) != CC_OK)
        return err->code;
    if (!rng_pct(&g->r, 60))
        return CC_OK;
    at_time(g, g->ctx.clock + DAY);
    return handoff_record_outside(&g->ctx, hid, "intake nurse", "phone, warm call",
                                  err);
}

static int handoffs(gen *g, cc_err *err)
{
    int64_t *ids, *owners;
    int n, rc = CC_OK, demo_in = 0, outside = 0;
    if (census_followed(&g->ctx, &ids, &owners, &n, err) != CC_OK) {
        free(ids);
        free(owners);
        return err->code;
    }
    for (int i = 0; i < n && rc == CC_OK; i++) {
        int64_t to = teammate(g, owners[i]);
        int r = rng_int(&g->r, 0, 99);
        if (to == g->demo_coach && demo_in < 2) /* work waiting in demo-coach's inbox */
            rc = one_handoff(g, ids[i], owners[i], to, 4, err), demo_in++;
        else if (r < 5 && to)
            rc = one_handoff(g, ids[i], owners[i], to, rng_int(&g->r, 0, 4), err);
        else if ((r < 6 || !outside) && owners[i] != g->demo_coach)
            rc = outside_handoff(g, ids[i], owners[i], err), outside++;
    }
    free(ids);
    free(owners);
    int expired;
    at_time(g, g->today_t);
    return rc == CC_OK ? handoff_expire_due(&g->ctx, &expired, err) : rc;
}

/* A few emergency openings of records outside the opener's teams; most
 * reviewed by the supervisor. */
static int break_glass(gen *g, cc_err *err)
{
    static const char *const reasons[] = {
        "client called the after-hours line; owner unreachable",
        "ED physician asked for the medication list at 2 a.m.",
        "covering for a colleague's urgent home visit"};
    int64_t nurse = 0, grant;
    staff *list;
    int n;
    if (staff_list(g->ctx.st, &list, &n, err) != CC_OK)
        return err->code;
    for (int i = 0; i < n; i++) /* the first nurse added but demo-nurse */
        if (!strcmp(list[i].role, "nurse") && strcmp(list[i].login, "demo-nurse") &&
            (!nurse || list[i].id < nurse))
            nurse = list[i].id;
    free(list);
    for (int i = 0; nurse && i < 4; i++) {
        int64_t who = rng_int(&g->r, 1, g->sum->clients);
        at_time(g, g->today_t - (int64_t)rng_int(&g->r, 1, 30) * DAY);
        as_staff(g, nurse, "nurse");
        if (scope_break_glass(&g->ctx, who, PICK(&g->r, reasons), 60, &grant, err))
            return err->code;
        if (i == 3)
            continue; /* one waits for review */
        at_time(g, g->ctx.clock + DAY);
        as_staff(g, g->demo_supervisor, "supervisor");
        if (scope_review(&g->ctx, grant, "reasonable: after-hours emergency", err) !=
            CC_OK)
            return err->code;
    }
    return CC_OK;
}

/* ---- the whole demo ---------------------------------------------------- */

static int load_refs(gen *g, cc_err *err)
{
    static const char *const sl[] = {"SL-MT", "SL-RB", "SL-OC"};
    if (program_list(&g->ctx, &g->programs, &g->nprograms, err) != CC_OK ||
        questionnaire_load(&g->ctx, "hra", &g->hra, err) != CC_OK)
        return err->code;
    g->pcp[0] = org_id(g, "PCP-FV");
    g->pcp[1] = org_id(g, "PCP-SI");
    g->hie = org_id(g, "HIE");
    g->snf[0] = org_id(g, "SNF-WC");
    g->snf[1] = org_id(g, "SNF-BW");
    for (int i = 0; i < 3; i++)
        g->senior_living[i] = org_id(g, sl[i]);
    return CC_OK;
}

static int summarize(gen *g, cc_err *err)
{
    g->sum->demo_coach_caseload = caseload_active(&g->ctx, g->demo_coach);
    return census_totals(&g->ctx, &g->sum->open_episodes, &g->sum->monitoring, err);
}

static int mark_demo(store *s, cc_err *err)
{
    if (store_begin(s, err) != CC_OK)
        return err->code;
    if (store_meta_set(s, "demo", "1", err) != CC_OK ||
        audit_append(s, 0, "store.init", "database", "demo", err) != CC_OK) {
        store_rollback(s);
        return err->code;
    }
    return store_commit(s, err);
}

/* The site's name, and budgets for the senior and navigation programs for
 * the four quarters before today, so cost per client has figures. */
static int site_settings(gen *g, cc_err *err)
{
    static const struct {
        const char *code;
        int64_t cents; /* a quarter's */
    } budgets[] = {{"hss", 9000000}, {"pasc", 2400000}};
    char today[11], q[8];
    if (quarterly_set_site_name(&g->ctx, "Demo Region Care Coordination (synthetic)",
                                err) != CC_OK)
        return err->code;
    ctx_today(&g->ctx, today);
    for (int k = 1; k <= 4; k++)
        for (size_t i = 0; i < sizeof budgets / sizeof *budgets; i++)
            if (clock_quarter_of(today, -k, q) == 0 &&
                quarterly_set_budget(&g->ctx, budgets[i].code, q, budgets[i].cents,
                                     err) != CC_OK)
                return err->code;
    return CC_OK;
}

static int next_batch(store *s, const demo_opts *opts, cc_err *err);

static int build(gen *g, const demo_opts *opts, cc_err *err)
{
    int64_t admin;
    team *t;
    if (mark_demo(g->ctx.st, err) != CC_OK || load_refs(g, err) != CC_OK ||
        add_staff(g, "demo-admin", "admin", NULL, &admin, err) != CC_OK ||
        org_add(&g->ctx, "SPC-HV", "clinic", "Heartland Specialty Clinic", NULL, err) !=
            CC_OK ||
        pam_licence_set(&g->ctx, "DEMO-PAM-0000 (synthetic)", err) != CC_OK ||
        site_settings(g, err) != CC_OK ||
        new_team(g, program_named(g, "hss"), &t, err) != CC_OK ||
        add_cover_accounts(g, err) != CC_OK)
        return err->code;
    g->ctx.staff_id = g->demo_coach;
    int per = opts->batch ? opts->batch : DEMO_BATCH;
    for (int i = 0; i < opts->clients; i++) {
        if (one_client(g, i, opts->clients, err) != CC_OK ||
            ((i + 1) % per == 0 && next_batch(g->ctx.st, opts, err) != CC_OK))
            return err->code;
        if (opts->progress)
            opts->progress(opts->progress_arg, i + 1, opts->clients);
    }
    if (handoffs(g, err) != CC_OK || break_glass(g, err) != CC_OK)
        return err->code;
    return summarize(g, err);
}

/* Commit the batch of use cases open on s and open the next (store/nest.h):
 * one sync for many clients, each use case still a savepoint of its own. */
static int next_batch(store *s, const demo_opts *opts, cc_err *err)
{
    if (opts->batch < 0)
        return CC_OK;
    if (store_nest_end(s, err) != CC_OK)
        return err->code;
    return store_nest_begin(s, err);
}

/* The whole build in batches; a failure rolls the open batch back. */
static int build_batched(gen *g, const demo_opts *opts, cc_err *err)
{
    store *s = g->ctx.st;
    if (opts->batch < 0)
        return build(g, opts, err);
    if (store_nest_begin(s, err) != CC_OK)
        return err->code;
    if (build(g, opts, err) != CC_OK) {
        store_nest_abort(s);
        return err->code;
    }
    return store_nest_end(s, err);
}

int demo_span_days(const demo_opts *opts)
{
    int64_t days = opts->years > 0 ? (int64_t)opts->years * 365
                                   : (int64_t)opts->clients * 365 / DEMO_PER_YEAR;
    return days > DEMO_DAYS ? (int)days : DEMO_DAYS;
}

int demo_build(store *s, const demo_opts *opts, demo_summary *sum, cc_err *err)
{
    gen g;
    memset(&g, 0, sizeof g);
    memset(sum, 0, sizeof *sum);
    /* The generator replays many people's work as the program itself: each
     * step still goes through the core's functions and rules, and is
     * audited under the staff member it plays (as_staff). */
    g.ctx = ctx_system(s);
    g.r.s = opts->seed;
    g.r2.s = opts->seed ^ 0x6a09e667f3bcc908ULL;
    g.r3.s = opts->seed ^ 0xbb67ae8584caa73bULL;
    g.today_t = clock_now();
    g.span_days = demo_span_days(opts);
    g.years_of = g.span_days > DEMO_DAYS;
    g.sum = sum;
    /* synchronous stays FULL: each batch's commit is on disk when it returns,
     * as each change would be on its own */
    int rc = build_batched(&g, opts, err);
    cc_err ignore;
    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", &ignore);
    free(g.programs);
    free(g.teams);
    return rc;
}
