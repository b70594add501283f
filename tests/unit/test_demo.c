/*
 * test_demo.c — the demo generator at 2,000 clients, checked through its
 * own export: no enrollment before consent, every target end is day M, at
 * most one open intensive episode per client and program, realistic
 * proportions, demo-coach's full caseload; and the same seed with a fixed
 * clock exports identically (a different seed does not). The generator of
 * medical record numbers never gives two clients of one facility the same
 * one (300,000 draws), and its numbers look like MRNs, not a counter.
 * Built in batches (one commit for many clients) or with every use case
 * committed alone, the same seed gives the same rows in every table and an
 * intact chain; inside a batch, a use case that fails rolls back alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"
#include "core/task.h"
#include "store/audit.h"
#include "store/nest.h"
#include "io/demo.h"
#include "io/export.h"
#include "testutil.h"
#include "util/clock.h"

#define NOW   "2026-11-22T12:00:00Z"
#define TODAY "2026-11-22"

typedef struct lines {
    char **v;
    int n, cap;
} lines;

static int collect(void *arg, const char *line)
{
    lines *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = strdup(line);
    return 0;
}

static void lines_free(lines *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

typedef struct built {
    char *dir, *db;
    store *s;
    demo_summary sum;
} built;

static built build_in(int clients, uint64_t seed, int batch)
{
    built b = {0};
    cc_err err = {0};
    demo_opts o = {.clients = clients, .seed = seed, .batch = batch};
    b.dir = tu_tmpdir();
    b.db = tu_path(b.dir, "demo.db");
    b.s = tu_create(b.db);
    int rc = demo_build(b.s, &o, &b.sum, &err);
    if (rc != CC_OK)
        fail_msg("demo_build: %s", err.msg);
    return b;
}

static built build(int clients, uint64_t seed)
{
    return build_in(clients, seed, 0);
}

static void built_free(built *b)
{
    store_close(b->s);
    tu_rmrf(b->dir);
    free(b->dir), free(b->db);
}

static lines export_as(built *b, const char *what, enum export_format fmt)
{
    lines l = {0};
    cc_err err = {0};
    cc_ctx ctx = ctx_system(b->s);
    assert_int_equal(export_data(&ctx, what, fmt, collect, &l, NULL, &err), CC_OK);
    return l;
}

static lines export_of(built *b, const char *what)
{
    return export_as(b, what, EXPORT_JSONL);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* The earliest granted participation consent date per client. */
static char (*consent_dates(built *b, int nclients))[11]
{
    char(*d)[11] = calloc((size_t)nclients + 1, sizeof *d);
    lines l = export_of(b, "consents");
    for (int i = 0; i < l.n; i++) {
        cJSON *o = cJSON_Parse(l.v[i]);
        int c = num(o, "client");
        if (!strcmp(str(o, "kind"), "participation") &&
            !strcmp(str(o, "decision"), "granted") && c >= 1 && c <= nclients &&
            (!d[c][0] || strcmp(str(o, "signed_date"), d[c]) < 0))
            snprintf(d[c], 11, "%s", str(o, "signed_date"));
        cJSON_Delete(o);
    }
    lines_free(&l);
    return d;
}

static built big;

static int setup_big(void **state)
{
    (void)state;
    big = build(2000, 42);
    return 0;
}

static int teardown_big(void **state)
{
    (void)state;
    built_free(&big);
    return 0;
}

static void test_no_enrollment_before_consent(void **state)
{
    (void)state;
    char(*signed_on)[11] = consent_dates(&big, 2000);
    lines l = export_of(&big, "episodes");
    assert_true(l.n > 300);
    for (int i = 0; i < l.n; i++) {
        cJSON *o = cJSON_Parse(l.v[i]);
        int c = num(o, "client");
        assert_true(c >= 1 && c <= 2000);
        if (!signed_on[c][0] || strcmp(str(o, "start_date"), signed_on[c]) < 0)
            fail_msg("episode %d of client %d starts %s before consent '%s'",
                     num(o, "id"), c, str(o, "start_date"), signed_on[c]);
        cJSON_Delete(o);
    }
    lines_free(&l);
    free(signed_on);
}

static void test_target_end_is_day_m(void **state)
{
    (void)state;
    lines l = export_of(&big, "episodes");
    int open = 0, past = 0, extended = 0;
    for (int i = 0; i < l.n; i++) {
        cJSON *o = cJSON_Parse(l.v[i]);
        char expect[11];
        int m = num(o, "target_days") + num(o, "extended_days");
        assert_int_equal(num(o, "length"), m);
        clock_date_add(str(o, "start_date"), m - 1, expect);
        assert_string_equal(str(o, "target_end"), expect);
        extended += num(o, "extended_days") > 0;
        if (!strcmp(str(o, "state"), "open")) {
            int day = (int)clock_date_diff(str(o, "start_date"), TODAY) + 1;
            assert_int_equal(num(o, "day"), day);
            int is_past =
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "past_target"));
            assert_int_equal(is_past, day > m);
            open++;
            past += is_past;
        } else {
            assert_non_null(str(o, "outcome"));
            assert_true(strcmp(str(o, "closed_date"), str(o, "start_date")) >= 0);
        }
        cJSON_Delete(o);
    }
    assert_true(open > 100);
    assert_true(past > 0);     /* some run past target, as in life */
    assert_true(extended > 0); /* and some were extended */
    lines_free(&l);
}

static void test_one_open_episode_per_client_and_program(void **state)
{
    (void)state;
    lines l = export_of(&big, "episodes");
    for (int i = 0; i < l.n; i++) {
        cJSON *a = cJSON_Parse(l.v[i]);
        if (!strcmp(str(a, "state"), "open"))
            for (int j = i + 1; j < l.n; j++) {
                cJSON *b = cJSON_Parse(l.v[j]);
                if (!strcmp(str(b, "state"), "open") &&
                    num(a, "client") == num(b, "client") &&
                    !strcmp(str(a, "program"), str(b, "program")))
                    fail_msg("client %d has two open %s episodes", num(a, "client"),
                             str(a, "program"));
                cJSON_Delete(b);
            }
        cJSON_Delete(a);
    }
    lines_free(&l);
}

/* Among seniors' first assessments, about 78% are high or moderate. */
static void test_proportions(void **state)
{
    (void)state;
    lines l = export_of(&big, "assessments");
    static char seen[2001];
    int first = 0, high_mod = 0;
    for (int i = 0; i < l.n; i++) {
        cJSON *o = cJSON_Parse(l.v[i]);
        int c = num(o, "client");
        if (!strcmp(str(o, "program"), "hss") && !seen[c]) {
            seen[c] = 1;
            first++;
            high_mod += strcmp(str(o, "level"), "low") != 0;
        }
        cJSON_Delete(o);
    }
    lines_free(&l);
    assert_true(first > 400);
    double share = (double)high_mod / first;
    if (share < 0.70 || share > 0.86)
        fail_msg("high/moderate share %.2f of %d", share, first);
    assert_true(big.sum.declined > 50);
    assert_true(big.sum.monitoring > 100);
    lines c = export_of(&big, "consents"), t = export_of(&big, "tasks");
    int states[5] = {0}, overdue = 0;
    static const char *const names[] = {"active", "expiring", "expired", "revoked",
                                        "declined"};
    for (int i = 0; i < c.n; i++)
        for (int k = 0; k < 5; k++)
            states[k] += strstr(c.v[i], names[k]) && strstr(c.v[i], "\"state\"") &&
                         strstr(strstr(c.v[i], "\"state\""), names[k]);
    for (int i = 0; i < t.n; i++)
        overdue += strstr(t.v[i], "\"overdue\":true") != NULL;
    for (int k = 0; k < 5; k++)
        if (!states[k])
            fail_msg("no %s consents in the demo", names[k]);
    assert_true(overdue > 0 && overdue < t.n / 2);
    lines_free(&c), lines_free(&t);
}

static void test_demo_coach_caseload(void **state)
{
    (void)state;
    assert_in_range(big.sum.demo_coach_caseload, 30, 35);
    built small = build(300, 9);
    assert_in_range(small.sum.demo_coach_caseload, 30, 35);
    assert_int_equal(tu_int(small.s, "SELECT count(*) FROM client"), 300);
    /* demo-coach's team: one nurse, one scheduler, six coaches (and cover) */
    assert_int_equal(tu_int(small.s,
                            "SELECT count(*) FROM team_member tm JOIN staff s ON "
                            "s.id = tm.staff_id WHERE tm.team_id = (SELECT team_id "
                            "FROM team_member JOIN staff ON staff.id = staff_id "
                            "WHERE login = 'demo-coach') AND s.role = 'coach'"),
                     6);
    built_free(&small);
}

static void test_same_seed_same_export(void **state)
{
    static const char *const kinds[] = {"clients",     "referrals", "consents",
                                        "assessments", "episodes",  "tasks",
                                        "contacts"};
    (void)state;
    built a = build(150, 5), b = build(150, 5), c = build(150, 6);
    int differs = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        lines la = export_of(&a, kinds[k]), lb = export_of(&b, kinds[k]),
              lc = export_of(&c, kinds[k]);
        assert_int_equal(la.n, lb.n);
        for (int i = 0; i < la.n; i++)
            assert_string_equal(la.v[i], lb.v[i]);
        differs |= la.n != lc.n || (la.n && strcmp(la.v[0], lc.v[0]) != 0);
        lines_free(&la), lines_free(&lb), lines_free(&lc);
    }
    assert_true(differs);
    /* each export was audited */
    assert_int_equal(
        tu_int(a.s, "SELECT count(*) FROM audit WHERE action = 'export.jsonl'"), 7);
    built_free(&a), built_free(&b), built_free(&c);
}

/* Every kind's CSV has a header row naming the JSON objects' keys in
 * order, and one CRLF-ended row per object. */
static void test_csv_matches_jsonl(void **state)
{
    (void)state;
    built a = build(80, 3);
    char kinds[512], *save = NULL;
    int nkinds = 0;
    snprintf(kinds, sizeof kinds, "%s", export_kinds());
    for (char *k = strtok_r(kinds, ", ", &save); k; k = strtok_r(NULL, ", ", &save)) {
        nkinds++;
        lines js = export_of(&a, k), csv = export_as(&a, k, EXPORT_CSV);
        assert_true(csv.n >= 1);
        if (js.n == 0) {
            lines_free(&js), lines_free(&csv);
            continue;
        }
        cJSON *o = cJSON_Parse(js.v[0]), *it;
        char header[1024] = "";
        size_t n = 0;
        cJSON_ArrayForEach(it, o) n += (size_t)snprintf(
            header + n, sizeof header - n, "%s%s", n ? "," : "", it->string);
        snprintf(header + n, sizeof header - n, "\r\n");
        assert_string_equal(csv.v[0], header);
        int rows = 0;
        for (int i = 1; i < csv.n; i++) {
            size_t len = strlen(csv.v[i]);
            assert_true(len >= 2 && !strcmp(csv.v[i] + len - 2, "\r\n"));
            rows++;
        }
        assert_int_equal(rows, js.n);
        cJSON_Delete(o);
        lines_free(&js), lines_free(&csv);
    }
    assert_true(nkinds >= 16); /* every kind, the new reach, caregivers, appointments */
    assert_int_equal(
        tu_int(a.s, "SELECT count(*) FROM audit WHERE action = 'export.csv'"), nkinds);
    built_free(&a);
}

/* Every row of every table digested in rowid order, but for what differs
 * in any two stores: the audit's keyed hashes, the secrets and settings,
 * the key slots' public keys, the time the migrations ran. */
static void table_digest(store *s, const char *table, uint8_t out[32])
{
    char sql[160];
    sqlite3_stmt *st;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    if (!strcmp(table, "audit"))
        snprintf(sql, sizeof sql,
                 "SELECT seq, at, staff_id, action, object, details FROM audit "
                 "ORDER BY seq");
    else
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", table);
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
        /* WITHOUT ROWID: a whole scan is in primary-key order */
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table);
        assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL),
                         SQLITE_OK);
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *col = sqlite3_column_name(st, i);
            if ((!strcmp(table, "program_version") && !strcmp(col, "saved_at")) ||
                (!strcmp(table, "staff") && !strcmp(col, "slot_pk")))
                continue; /* the migration's own 'now'; a key slot's random key */
            const unsigned char *v = sqlite3_column_text(st, i);
            int n = sqlite3_column_bytes(st, i);
            crypto_generichash_update(&h, (const uint8_t *)&n, sizeof n);
            if (v)
                crypto_generichash_update(&h, v, (unsigned long long)n);
        }
    sqlite3_finalize(st);
    crypto_generichash_final(&h, out, 32);
}

static int same_tables(built *a, built *b)
{
    sqlite3_stmt *st;
    int tables = 0;
    assert_int_equal(sqlite3_prepare_v2(store_db(a->s),
                                        "SELECT name FROM sqlite_schema WHERE type = "
                                        "'table' AND name NOT LIKE 'sqlite_%' AND "
                                        "name NOT IN ('secret', 'meta') ORDER BY name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        uint8_t da[32], db[32];
        table_digest(a->s, t, da);
        table_digest(b->s, t, db);
        if (memcmp(da, db, 32) != 0)
            fail_msg("table %s differs between the two builds", t);
        tables++;
    }
    sqlite3_finalize(st);
    return tables;
}

static void assert_chain_intact(store *s)
{
    audit_result res;
    cc_err err = {0};
    assert_int_equal(audit_verify(s, NULL, &res, NULL, NULL, &err), CC_OK);
    assert_int_equal(res.first_bad, 0);
    assert_int_equal(res.entries, tu_int(s, "SELECT count(*) FROM audit"));
}

/* In batches of 500 (one batch here), of 7 (a commit every 7 clients; the
 * hand-offs and break-glass in the last batch) and with every use case its
 * own commit: the same rows in every table, every chain intact. */
static void test_batched_equals_unbatched(void **state)
{
    (void)state;
    built a = build_in(90, 4, 0), b = build_in(90, 4, 7), c = build_in(90, 4, -1);
    assert_true(same_tables(&a, &c) >= 30);
    same_tables(&b, &c);
    assert_true(tu_int(c.s, "SELECT count(*) FROM audit") > 90 * 20);
    assert_chain_intact(a.s);
    assert_chain_intact(b.s);
    assert_chain_intact(c.s);
    assert_false(store_nest_active(a.s)); /* nothing left open */
    assert_int_equal(sqlite3_get_autocommit(store_db(b.s)), 1);
    built_free(&a), built_free(&b), built_free(&c);
}

static int log_one(cc_ctx *ctx, int64_t client)
{
    contact c = {0};
    cc_err err = {0};
    c.client_id = client;
    snprintf(c.kind, sizeof c.kind, "call");
    snprintf(c.at, sizeof c.at, "2026-11-22T10:00:00Z");
    c.duration_min = 10;
    snprintf(c.note, sizeof c.note, "batch test");
    int rc = contact_log(ctx, &c, &err);
    if (rc != CC_OK)
        print_message("# contact_log: %s\n", err.msg);
    return rc;
}

/* Inside a batch, a core use case that fails after writing (here its audit
 * entry is refused by a trigger, after the contact row went in) rolls back
 * alone: its contact is gone, the use cases before and after it stay, and
 * the chain has no hole. */
static void test_batch_use_case_atomic(void **state)
{
    (void)state;
    built b = build_in(30, 11, 0);
    cc_ctx ctx = ctx_system(b.s);
    cc_err err = {0};
    ctx.staff_id = tu_int(b.s, "SELECT id FROM staff WHERE login = 'demo-coach'");
    long long contacts = tu_int(b.s, "SELECT count(*) FROM contact"),
              two = tu_int(b.s, "SELECT count(*) FROM contact WHERE client_id = 2");
    assert_int_equal(store_nest_begin(b.s, &err), CC_OK);
    assert_int_equal(log_one(&ctx, 1), CC_OK);
    tu_exec(b.s, "CREATE TEMP TRIGGER refuse_log BEFORE INSERT ON main.audit WHEN "
                 "NEW.action = 'contact.log' BEGIN SELECT RAISE(ABORT, 'injected'); "
                 "END");
    assert_int_not_equal(log_one(&ctx, 2), CC_OK);
    tu_exec(b.s, "DROP TRIGGER refuse_log");
    assert_int_equal(log_one(&ctx, 3), CC_OK);
    assert_int_equal(store_nest_end(b.s, &err), CC_OK);
    assert_int_equal(tu_int(b.s, "SELECT count(*) FROM contact"), contacts + 2);
    assert_int_equal(tu_int(b.s, "SELECT count(*) FROM contact WHERE client_id = 2"),
                     two);
    assert_int_equal(tu_int(b.s, "SELECT count(*) FROM contact WHERE note = 'batch "
                                 "test' AND client_id IN (1, 3)"),
                     2);
    assert_chain_intact(b.s);
    built_free(&b);
}

#define MRN_DRAWS 300000

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* 300,000 clients at one facility get 300,000 different MRNs, each "MRN"
 * and 7 digits. */
/* A demo of ten years has a region's shape: referrals from ten years ago
 * to today, and nothing left open from long ago that a site would have
 * closed (an episode weeks past its target, light touch past two years, a
 * referral never worked), while today's cases are still open. */
static long long count_of(store *s, const char *sql, const char *today)
{
    sqlite3_stmt *st;
    long long n = -1;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_ten_years(void **state)
{
    (void)state;
    built b = {0};
    cc_err err = {0};
    demo_opts o = {.clients = 1500, .seed = 5, .years = 10};
    char today[11];
    assert_int_equal(demo_span_days(&o), 3650);
    b.dir = tu_tmpdir();
    b.db = tu_path(b.dir, "demo.db");
    b.s = tu_create(b.db);
    if (demo_build(b.s, &o, &b.sum, &err) != CC_OK)
        fail_msg("demo_build: %s", err.msg);
    cc_ctx ctx = ctx_system(b.s);
    ctx_today(&ctx, today);
    assert_true(count_of(b.s,
                         "SELECT count(*) FROM referral WHERE received_date < "
                         "date(?1, '-3000 days')",
                         today) > 100);
    assert_int_equal(
        count_of(b.s,
                 "SELECT count(*) FROM monitoring WHERE ended_date IS NULL "
                 "AND since_date < date(?1, '-722 days')",
                 today),
        0);
    assert_int_equal(
        count_of(b.s,
                 "SELECT count(*) FROM episode WHERE closed_date IS NULL AND "
                 "julianday(?1) - julianday(start_date) + 1 > target_days "
                 "+ extended_days + 60",
                 today),
        0);
    assert_int_equal(
        count_of(b.s,
                 "SELECT count(*) FROM referral WHERE status IN ('received', "
                 "'contacted') AND received_date < date(?1, '-45 days')",
                 today),
        0);
    assert_true(tu_int(b.s, "SELECT count(*) FROM monitoring WHERE end_reason IS NOT "
                            "NULL") > 100);
    /* light touch going on today had its check-in each re-screen interval */
    assert_int_equal(
        count_of(b.s,
                 "SELECT count(*) FROM client_state cs JOIN monitoring m ON "
                 "m.client_id = cs.client_id AND m.ended_date IS NULL JOIN "
                 "program p ON p.id = m.program_id WHERE cs.active = 1 AND "
                 "julianday(?1) - julianday(max(m.since_date, "
                 "substr(cs.seen_at, 1, 10))) > p.rescreen_days + 2",
                 today),
        0);
    long long active =
        tu_int(b.s, "SELECT count(*) FROM client_state WHERE active = 1");
    assert_true(active > 20 && active < 1500 / 4);
    built_free(&b);
}

static void test_mrn_unique_per_facility(void **state)
{
    (void)state;
    char(*v)[DEMO_MRN_BYTES] = malloc((size_t)MRN_DRAWS * DEMO_MRN_BYTES);
    assert_non_null(v);
    for (int i = 0; i < MRN_DRAWS; i++) {
        demo_mrn("ERM", i + 1, v[i]);
        assert_int_equal(strlen(v[i]), 10);
        assert_memory_equal(v[i], "MRN", 3);
        assert_int_equal(strspn(v[i] + 3, "0123456789"), 7);
    }
    qsort(v, MRN_DRAWS, DEMO_MRN_BYTES, cmp_str);
    for (int i = 1; i < MRN_DRAWS; i++)
        if (strcmp(v[i - 1], v[i]) == 0)
            fail_msg("two clients at ERM got %s", v[i]);
    free(v);
}

/* Consecutive clients do not get consecutive or nearby numbers, the numbers
 * spread over the whole range, another facility numbers its clients
 * differently, and the same client always gets the same number. */
static void test_mrn_looks_random(void **state)
{
    (void)state;
    char a[DEMO_MRN_BYTES], b[DEMO_MRN_BYTES];
    int near = 0, low = 0, same = 0;
    for (int i = 1; i <= 10000; i++) {
        demo_mrn("ERM", i, a);
        demo_mrn("ERM", i + 1, b);
        long d = atol(a + 3) - atol(b + 3);
        near += d > -1000 && d < 1000;
        low += atol(a + 3) < 5000000;
        demo_mrn("NGH", i, b);
        same += strcmp(a, b) == 0;
    }
    assert_true(near < 10);
    assert_in_range(low, 4500, 5500);
    assert_true(same < 10);
    demo_mrn("ERM", 42, a);
    demo_mrn("ERM", 42, b);
    assert_string_equal(a, b);
    /* past 9,999,999 clients: more digits, so still none equal */
    demo_mrn("ERM", 10000000, a);
    assert_string_equal(a, "MRN10000000");
}

int main(void)
{
    setenv("CARECOORD_NOW", NOW, 1);
    setenv("TZ", "UTC", 1);
    tzset();
    store_set_pwhash_cost(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_enrollment_before_consent),
        cmocka_unit_test(test_target_end_is_day_m),
        cmocka_unit_test(test_one_open_episode_per_client_and_program),
        cmocka_unit_test(test_proportions),
        cmocka_unit_test(test_demo_coach_caseload),
        cmocka_unit_test(test_same_seed_same_export),
        cmocka_unit_test(test_csv_matches_jsonl),
        cmocka_unit_test(test_batched_equals_unbatched),
        cmocka_unit_test(test_batch_use_case_atomic),
        cmocka_unit_test(test_ten_years),
        cmocka_unit_test(test_mrn_unique_per_facility),
        cmocka_unit_test(test_mrn_looks_random),
    };
    return cmocka_run_group_tests(tests, setup_big, teardown_big);
}
