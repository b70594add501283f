/*
 * test_crashflow.c — crash safety of the real use cases. For each workflow
 * (intake with a program manager's assignment, hand-off proposal and
 * acceptance, a whole caseload moved as one batch of hand-offs and accepted
 * one by one, a referral spreadsheet read by the CSV reader and imported
 * all or nothing, rekey, backup) a child process runs the core's use cases
 * in a loop and reports each one through a pipe once the core function has
 * returned CC_OK; the parent SIGKILLs it at a random moment (mostly after
 * it has opened the store, sometimes while it opens), then reopens the
 * store as the next start would and checks: integrity_check ok; every
 * acknowledged use case there; the audit chain verifies; no change without
 * its audit entry (every client, referral, hand-off, decision, batch,
 * import and owner has the entry its use case writes); after a killed
 * rekey the store opens under the old key or the new one, and the test
 * says which; and the directory holds only the store's own files once the
 * next open has run (no key-file temporary, rekey copy, backup marker or
 * partial backup). test_cleanup_at_open plants each kind of leftover by
 * hand, a live backup's among them, and checks what the open removes.
 *
 * A backup or rekey writes its audit entry before it starts (the copy
 * carries it), so every whole backup and every store under a new key has
 * its entry, killed or not; an entry without its backup or new key is a
 * kill before the commit point (the rename), counted and printed.
 *
 * CRASH_CYCLES (default 200; the long run by hand is 10000) is split
 * between the workflows (the table flows[]: 85% of it, the slow rekey and
 * backup taking fewer); CRASH_SEED replays the choices
 * and kill delays (the kill points themselves depend on timing). Every
 * CYCLES_PER_STORE kills a workflow starts over on a fresh store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/caseload.h"
#include "core/ctx.h"
#include "core/handoff.h"
#include "core/intake.h"
#include "core/program.h"
#include "core/staff.h"
#include "flowutil.h"
#include "io/csv.h"
#include "store/keyfile.h"
#include "store/maint.h"
#include "testutil.h"

#define DEFAULT_CYCLES   200
#define CYCLES_PER_STORE 250
#define NOW              "2026-11-16T12:00:00Z" /* a Monday: nothing expires */
#define PASS             "crashflow admin passphrase"
#define IMPORT_MAX_ROWS  40

enum rec_kind {
    R_INTAKE = 2, /* seq, client, referral */
    R_ASSIGN,     /* client, coach */
    R_PROPOSE,    /* hand-off, client, to */
    R_ACCEPT,     /* hand-off, client, taker */
    R_BULK,       /* batch, count, to */
    R_IMPORT,     /* batch number, rows */
    R_REKEY_IN,   /* the key's print before */
    R_REKEY,      /* the new key's print */
    R_BACKUP,     /* backup number */
    R_KINDS,
    R_BEGIN = 64 /* the use case a starts */
};

static const char *const kind_names[R_KINDS] = {
    [R_INTAKE] = "intake",     [R_ASSIGN] = "assignment",  [R_PROPOSE] = "proposal",
    [R_ACCEPT] = "acceptance", [R_BULK] = "caseload move", [R_IMPORT] = "import",
    [R_REKEY] = "rekey",       [R_BACKUP] = "backup"};

/* The kinds of leftovers a killed process can leave. */
enum { LEFT_KEYS_TMP, LEFT_REKEY, LEFT_MARKER, LEFT_BACKUP, LEFT_KINDS };

/* The scene's staff (the same ids in every fresh store). */
static struct {
    int64_t admin, pm, coach_a, coach_b, nurse, hss;
} sc;

typedef struct flow flow;

/* One workflow's run: its store, its stream, what it has seen. */
typedef struct run {
    const flow *f;
    char *dir, *path, *bkdir;
    uint64_t rng, child_seed;
    int cycles, cycle, passed;
    fu_kill kill;
    int64_t audit_entries; /* entries as last verified */
    int64_t key_print;     /* rekey: the key the store opens under */
    int64_t next_backup;   /* backup: the first number not taken */
    long long acked, before_ready, old_key, new_key, in_rekey;
    long long during[R_KINDS];         /* kills while a use case of that kind ran */
    long long left[LEFT_KINDS];        /* leftovers the next open removed, by kind */
    int64_t rekeys_acked, rekeys_done; /* in this store */
    long long unaudited;     /* backups or rekeys audited, then killed: this store */
    long long unaudited_sum; /* the same in the stores before it */
} run;

struct flow {
    const char *name;
    int share;         /* per mille of CRASH_CYCLES */
    int min_cycles;    /* at least this many kills */
    long max_delay_us; /* after the child is ready */
    int passphrase;    /* opened with the administrator's passphrase */
    const char *family;
    int clients;         /* taken in by coach-a when the store is made */
    int focus;           /* a use case to kill inside in 3 of 8 cycles (0: none) */
    long focus_delay_us; /* after it starts */
    void (*step)(run *r, store *s, uint64_t *rng, int fd);
    void (*verify)(run *r, store *s, const fu_log *log);
};

static uint64_t run_seed;
static long long total_cycles, total_acked;

/* ---- the child's side ---------------------------------------------------- */

static cc_ctx as(store *s, int64_t id, const char *role)
{
    cc_ctx c;
    memset(&c, 0, sizeof c);
    c.st = s;
    c.staff_id = id;
    snprintf(c.role, sizeof c.role, "%s", role);
    return c;
}

/* The first column of sql (?1 = a), for the child: it dies on an error. */
static int64_t child_int(store *s, const char *sql, int64_t a)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        fu_die(FU_EXIT_WORK, sql, sqlite3_errmsg(store_db(s)));
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, a);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fu_die(FU_EXIT_WORK, sql, sqlite3_errmsg(store_db(s)));
    return v;
}

static void need_ok(int rc, const char *what, const cc_err *err)
{
    if (rc != CC_OK)
        fu_die(FU_EXIT_WORK, what, err->msg);
}

/* A synthetic person referred to the HSS program. */
static void person(intake_request *in, const char *family, const char *given, int64_t n)
{
    memset(in, 0, sizeof *in);
    snprintf(in->client.family_name, sizeof in->client.family_name, "%s", family);
    snprintf(in->client.given_name, sizeof in->client.given_name, "%s", given);
    unsigned y = 1925 + (unsigned)(n % 35), m = 1 + (unsigned)(n / 50 % 12),
             d = 1 + (unsigned)(n / 600 % 28);
    snprintf(in->client.dob, sizeof in->client.dob, "%04u-%02u-%02u", y % 10000u,
             m % 100u, d % 100u);
    snprintf(in->client.zip, sizeof in->client.zip, "20810");
    snprintf(in->client.payer, sizeof in->client.payer, "medicare");
    snprintf(in->client.language, sizeof in->client.language, "en");
    snprintf(in->client.setting, sizeof in->client.setting, "home");
    in->flags = CLIENT_ACCEPT_DUPLICATE;
    in->referral.program_id = sc.hss;
    snprintf(in->referral.source_type, sizeof in->referral.source_type,
             "discharge-planner");
    snprintf(in->referral.received_date, sizeof in->referral.received_date,
             "2026-11-13");
}

/* One intake (every fourth by the nurse, which leaves the client
 * unassigned), or first the program manager's assignment of a client left
 * unassigned. */
static void intake_one(store *s, int fd)
{
    cc_err err = {0};
    intake_request in;
    intake_result res;
    char given[32];
    int64_t un = child_int(s,
                           "SELECT id FROM client WHERE owner_id IS NULL AND "
                           "family_name = 'Intake' ORDER BY id LIMIT 1",
                           0);
    if (un) {
        cc_ctx pm = as(s, sc.pm, "program-manager");
        int64_t coach = un % 2 ? sc.coach_a : sc.coach_b;
        fu_report(fd, R_BEGIN, R_ASSIGN, 0, 0);
        need_ok(caseload_assign(&pm, un, coach, NULL, &err), "caseload_assign", &err);
        fu_report(fd, R_ASSIGN, un, coach, 0);
        return;
    }
    int64_t seq =
        child_int(s, "SELECT count(*) + 1 FROM client WHERE family_name = 'Intake'", 0);
    snprintf(given, sizeof given, "Pat %lld", (long long)seq);
    person(&in, "Intake", given, seq);
    cc_ctx c = seq % 4 == 0 ? as(s, sc.nurse, "nurse") : as(s, sc.coach_a, "coach");
    fu_report(fd, R_BEGIN, R_INTAKE, 0, 0);
    need_ok(intake_submit(&c, &in, &res, &err), "intake_submit", &err);
    fu_report(fd, R_INTAKE, seq, in.client.id, in.referral.id);
}

static void step_intake(run *r, store *s, uint64_t *rng, int fd)
{
    (void)r, (void)rng;
    intake_one(s, fd);
}

/* Accept the oldest open hand-off (of a batch, if batch_only) as its
 * addressee. Returns 0 if there is none. */
static int accept_open(store *s, int batch_only, int fd)
{
    cc_err err = {0};
    const char *sql = batch_only ? "SELECT id FROM handoff WHERE state = 'proposed' "
                                   "AND batch IS NOT NULL ORDER BY id LIMIT 1"
                                 : "SELECT id FROM handoff WHERE state = 'proposed' "
                                   "ORDER BY id LIMIT 1";
    int64_t h = child_int(s, sql, 0);
    if (!h)
        return 0;
    int64_t to = child_int(s, "SELECT to_staff_id FROM handoff WHERE id = ?1", h);
    int64_t cid = child_int(s, "SELECT client_id FROM handoff WHERE id = ?1", h);
    cc_ctx c = as(s, to, "coach");
    fu_report(fd, R_BEGIN, R_ACCEPT, 0, 0);
    need_ok(handoff_accept(&c, h, NULL, &err), "handoff_accept", &err);
    fu_report(fd, R_ACCEPT, h, cid, to);
    return 1;
}

/* Accept what is proposed, else the owner proposes a random client of the
 * scene to the other coach. */
static void step_handoff(run *r, store *s, uint64_t *rng, int fd)
{
    cc_err err = {0};
    handoff_target t;
    int64_t h;
    if (accept_open(s, 0, fd))
        return;
    int64_t cid =
        child_int(s,
                  "SELECT id FROM client WHERE family_name = 'Handoff' ORDER BY id "
                  "LIMIT 1 OFFSET ?1",
                  (int64_t)fu_below(rng, (uint64_t)r->f->clients));
    int64_t owner = child_int(s, "SELECT owner_id FROM client WHERE id = ?1", cid);
    memset(&t, 0, sizeof t);
    snprintf(t.kind, sizeof t.kind, "staff");
    t.id = owner == sc.coach_a ? sc.coach_b : sc.coach_a;
    cc_ctx c = as(s, owner, "coach");
    fu_report(fd, R_BEGIN, R_PROPOSE, 0, 0);
    need_ok(handoff_propose(&c, cid, &t, "crash test hand-off", 0, &h, &err),
            "handoff_propose", &err);
    fu_report(fd, R_PROPOSE, h, cid, t.id);
}

/* Accept the open batch one by one; when none is open, the program manager
 * moves the whole caseload of its owner to the other coach. */
static void step_caseload(run *r, store *s, uint64_t *rng, int fd)
{
    cc_err err = {0};
    handoff_target t;
    int64_t batch = 0;
    int count = 0;
    (void)r, (void)rng;
    if (accept_open(s, 1, fd))
        return;
    int64_t owner = child_int(s,
                              "SELECT owner_id FROM client WHERE family_name = "
                              "'Caseload' ORDER BY id LIMIT 1",
                              0);
    memset(&t, 0, sizeof t);
    snprintf(t.kind, sizeof t.kind, "staff");
    t.id = owner == sc.coach_a ? sc.coach_b : sc.coach_a;
    cc_ctx pm = as(s, sc.pm, "program-manager");
    fu_report(fd, R_BEGIN, R_BULK, 0, 0);
    need_ok(
        handoff_bulk_caseload(&pm, owner, &t, "caseload move", &batch, &count, &err),
        "handoff_bulk_caseload", &err);
    fu_report(fd, R_BULK, batch, count, t.id);
}

/* A referral spreadsheet of n rows for import batch b, as a hospital would
 * send it (a header, quoted cells, CRLF). malloc'd. */
static char *sheet_make(int64_t b, int n)
{
    size_t cap = 256 + (size_t)n * 160, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        fu_die(FU_EXIT_WORK, "sheet", "out of memory");
    used += (size_t)snprintf(buf, cap,
                             "family_name,given_name,dob,zip,payer,language,setting,"
                             "source,received\r\n");
    for (int i = 1; i <= n; i++)
        used += (size_t)snprintf(
            buf + used, cap - used,
            "Import,\"B%lld R%d\",%04d-%02d-%02d,20810,medicare,en,"
            "home,discharge-planner,2026-11-13\r\n",
            (long long)b, i, 1925 + i % 35, 1 + (int)(b % 12), 1 + i % 28);
    return buf;
}

/* The sheet's rows through the CSV reader into intake requests. */
static int sheet_read(const char *buf, intake_request *rows, int max)
{
    csv_reader rd;
    csv_record rec;
    char why[128];
    int n = 0, header = 1, got;
    csv_open(&rd, buf, strlen(buf));
    while ((got = csv_next(&rd, &rec, why, sizeof why)) == 1) {
        if (!header && n < max && rec.n == 9) {
            person(&rows[n], rec.field[0], rec.field[1], 0);
            snprintf(rows[n].client.dob, sizeof rows[n].client.dob, "%s", rec.field[2]);
            snprintf(rows[n].client.zip, sizeof rows[n].client.zip, "%s", rec.field[3]);
            snprintf(rows[n].referral.source_type, sizeof rows[n].referral.source_type,
                     "%s", rec.field[7]);
            snprintf(rows[n].referral.received_date,
                     sizeof rows[n].referral.received_date, "%s", rec.field[8]);
            n++;
        }
        header = 0;
        csv_record_free(&rec);
    }
    if (got < 0)
        fu_die(FU_EXIT_WORK, "csv", why);
    return n;
}

/* Import the next spreadsheet, all or nothing, as a coach or the nurse. */
static void step_import(run *r, store *s, uint64_t *rng, int fd)
{
    static intake_request rows[IMPORT_MAX_ROWS];
    static intake_result res[IMPORT_MAX_ROWS];
    static cc_err errs[IMPORT_MAX_ROWS];
    cc_err err = {0};
    char source[32];
    (void)r;
    int64_t b = 1 + child_int(s,
                              "SELECT count(*) FROM audit WHERE action = "
                              "'referral.import'",
                              0);
    int want = 5 + (int)fu_below(rng, IMPORT_MAX_ROWS - 4);
    char *sheet = sheet_make(b, want);
    int n = sheet_read(sheet, rows, IMPORT_MAX_ROWS);
    free(sheet);
    if (n != want)
        fu_die(FU_EXIT_WORK, "csv", "the sheet did not read back whole");
    snprintf(source, sizeof source, "batch%lld.csv", (long long)b);
    cc_ctx c = b % 2 ? as(s, sc.coach_a, "coach") : as(s, sc.nurse, "nurse");
    fu_report(fd, R_BEGIN, R_IMPORT, 0, 0);
    need_ok(intake_import(&c, rows, n, res, errs, 0, source, &err), "intake_import",
            &err);
    fu_report(fd, R_IMPORT, b, n, 0);
}

/* An intake, then a rekey, reporting the key before and after. */
static void step_rekey(run *r, store *s, uint64_t *rng, int fd)
{
    cc_err err = {0};
    (void)r, (void)rng;
    intake_one(s, fd);
    fu_report(fd, R_BEGIN, R_REKEY, 0, 0);
    fu_report(fd, R_REKEY_IN, fu_key_print(store_master(s)), 0, 0);
    need_ok(store_rekey(s, &err), "store_rekey", &err);
    fu_report(fd, R_REKEY, fu_key_print(store_master(s)), 0, 0);
}

static void backup_path(const run *r, int64_t n, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s/b%lld.db", r->bkdir, (long long)n);
}

/* An intake or two, then a backup to the next free number. */
static void step_backup(run *r, store *s, uint64_t *rng, int fd)
{
    cc_err err = {0};
    char dest[4200];
    struct stat st;
    for (int i = 0, n = 1 + (int)fu_below(rng, 2); i < n; i++)
        intake_one(s, fd);
    backup_path(r, r->next_backup, dest, sizeof dest);
    while (stat(dest, &st) == 0)
        backup_path(r, ++r->next_backup, dest, sizeof dest);
    fu_report(fd, R_BEGIN, R_BACKUP, 0, 0);
    need_ok(store_backup(s, dest, &err), "store_backup", &err);
    fu_report(fd, R_BACKUP, r->next_backup++, 0, 0);
}

static void child_main(void *arg, int fd)
{
    run *r = arg;
    store *s = NULL;
    cc_err err = {0};
    uint64_t rng = r->child_seed;
    int rc = r->f->passphrase ? store_open(r->path, "admin1", PASS, &s, &err)
                              : store_open_with_key(r->path, tu_master, &s, &err);
    need_ok(rc, "open", &err);
    fu_report(fd, FU_READY, 0, 0, 0);
    for (;;)
        r->f->step(r, s, &rng, fd);
}

/* ---- the parent's checks ------------------------------------------------- */

static int64_t q(store *s, const char *sql, int64_t a, int64_t b)
{
    return fu_int(s, sql, a, b, NULL);
}

static void expect_zero(store *s, const char *what, const char *sql)
{
    int64_t n = q(s, sql, 0, 0);
    if (n != 0)
        print_error("%s: %lld rows\n", what, (long long)n);
    assert_int_equal(n, 0);
}

/* No change without its audit entry, whatever was acknowledged. */
static void check_audited(store *s)
{
    expect_zero(s, "a client without client.create",
                "SELECT count(*) FROM client c WHERE NOT EXISTS (SELECT 1 FROM audit "
                "WHERE action = 'client.create' AND object = 'client:' || c.id)");
    expect_zero(s, "a referral without referral.create",
                "SELECT count(*) FROM referral r WHERE NOT EXISTS (SELECT 1 FROM "
                "audit WHERE action = 'referral.create' AND object = 'referral:' || "
                "r.id)");
    expect_zero(s, "hand-offs of a client not each audited",
                "SELECT count(*) FROM (SELECT client_id, count(*) AS n FROM handoff "
                "GROUP BY client_id) h WHERE n != (SELECT count(*) FROM audit WHERE "
                "action = 'handoff.propose' AND object = 'client:' || h.client_id)");
    expect_zero(s, "a decided hand-off without handoff.decide",
                "SELECT count(*) FROM handoff h WHERE state != 'proposed' AND NOT "
                "EXISTS (SELECT 1 FROM audit WHERE action = 'handoff.decide' AND "
                "object = 'handoff:' || h.id)");
    expect_zero(s, "a batch without handoff.bulk",
                "SELECT count(DISTINCT batch) FROM handoff h WHERE batch IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM audit WHERE action = 'handoff.bulk' AND "
                "object = 'batch:' || h.batch)");
    expect_zero(s, "an owner not the taker of the last accepted hand-off",
                "SELECT count(*) FROM client c WHERE EXISTS (SELECT 1 FROM handoff "
                "WHERE client_id = c.id AND state = 'accepted') AND c.owner_id IS NOT "
                "(SELECT to_staff_id FROM handoff WHERE client_id = c.id AND state = "
                "'accepted' ORDER BY id DESC LIMIT 1)");
    expect_zero(s, "an owner without an assignment audited",
                "SELECT count(*) FROM client c WHERE owner_id IS NOT NULL AND NOT "
                "EXISTS (SELECT 1 FROM audit WHERE action = 'client.assign' AND object "
                "= 'client:' || c.id)");
    expect_zero(s, "imported clients not what the imports' entries say",
                "SELECT (SELECT count(*) FROM client WHERE family_name = 'Import') - "
                "(SELECT coalesce(sum(CAST(details AS INTEGER)), 0) FROM audit WHERE "
                "action = 'referral.import')");
}

static void check_intake_rec(store *s, const fu_rec *rec)
{
    char given[32];
    snprintf(given, sizeof given, "Pat %lld", (long long)rec->a);
    assert_int_equal(fu_int(s,
                            "SELECT count(*) FROM client WHERE id = ?1 AND family_name "
                            "= 'Intake' AND given_name = ?3",
                            rec->b, 0, given),
                     1);
    assert_int_equal(q(s,
                       "SELECT count(*) FROM referral WHERE id = ?1 AND client_id = ?2",
                       rec->c, rec->b),
                     1);
}

/* Every acknowledged use case of the log is there. */
static void check_acked(run *r, store *s, const fu_log *log)
{
    int64_t running = 0; /* the use case under way when the kill came */
    for (size_t i = 0; i < log->n; i++) {
        const fu_rec *rec = &log->recs[i];
        switch (rec->kind) {
        case R_INTAKE:
            check_intake_rec(s, rec);
            break;
        case R_ASSIGN:
            assert_int_equal(
                q(s, "SELECT owner_id FROM client WHERE id = ?1", rec->a, 0), rec->b);
            break;
        case R_PROPOSE:
            assert_int_equal(q(s,
                               "SELECT count(*) FROM handoff WHERE id = ?1 AND "
                               "client_id = ?2",
                               rec->a, rec->b),
                             1);
            break;
        case R_ACCEPT:
            assert_int_equal(q(s,
                               "SELECT count(*) FROM handoff WHERE id = ?1 AND state = "
                               "'accepted' AND decided_by = ?2",
                               rec->a, rec->c),
                             1);
            break;
        case R_BULK:
            assert_int_equal(
                q(s, "SELECT count(*) FROM handoff WHERE batch = ?1", rec->a, 0),
                rec->b);
            assert_int_equal(rec->b, r->f->clients);
            break;
        case R_IMPORT: {
            char pat[32], details[64];
            snprintf(pat, sizeof pat, "B%lld R*", (long long)rec->a);
            snprintf(details, sizeof details,
                     "%lld of %lld referrals from batch%lld.csv", (long long)rec->b,
                     (long long)rec->b, (long long)rec->a);
            assert_int_equal(fu_int(s,
                                    "SELECT count(*) FROM client WHERE family_name = "
                                    "'Import' AND given_name GLOB ?3",
                                    0, 0, pat),
                             rec->b);
            assert_int_equal(fu_int(s,
                                    "SELECT count(*) FROM audit WHERE action = "
                                    "'referral.import' AND details = ?3",
                                    0, 0, details),
                             1);
            break;
        }
        default:
            break;
        }
        if (rec->kind == R_BEGIN || rec->kind == R_REKEY_IN) {
            running = rec->kind == R_BEGIN ? rec->a : R_REKEY;
        } else if (rec->kind != FU_READY) {
            running = 0;
            r->acked++;
        }
    }
    if (running > 0 && running < R_KINDS)
        r->during[running]++;
}

/* After a rekey killed or not: the store opened under the key of the last
 * acknowledged rekey, or, only if one was under way, under its new key;
 * the key file holds that one generation; every acknowledged rekey is
 * audited (one the kill came in may not be: counted). */
static void verify_rekey(run *r, store *s, const fu_log *log)
{
    int64_t expect = r->key_print, now = fu_key_print(store_master(s));
    int inflight = 0;
    keyfile *kf;
    cc_err err = {0};
    for (size_t i = 0; i < log->n; i++) {
        if (log->recs[i].kind == R_REKEY_IN) {
            assert_int_equal(log->recs[i].a, expect);
            inflight = 1;
        } else if (log->recs[i].kind == R_REKEY) {
            expect = log->recs[i].a;
            inflight = 0;
            r->rekeys_acked++;
            r->rekeys_done++;
        }
    }
    if (now != expect) {
        if (!inflight)
            print_error("the store opens under a key no rekey gave it\n");
        assert_true(inflight);
        r->new_key++;
        r->rekeys_done++;
    } else if (inflight) {
        r->old_key++;
    }
    if (inflight)
        printf("# rekey kill %d came inside a rekey: the store opens under the %s key "
               "%016llx\n",
               r->cycle + 1, now != expect ? "new" : "old", (unsigned long long)now);
    r->in_rekey += inflight;
    r->key_print = now;
    assert_int_equal(keyfile_load(store_keys_path(s), &kf, &err), CC_OK);
    assert_int_equal(keyfile_gen_count(kf), 1);
    keyfile_free(kf);
    int64_t audited =
        q(s, "SELECT count(*) FROM audit WHERE action = 'store.rekey'", 0, 0);
    assert_true(audited >= r->rekeys_done); /* no new key without its entry */
    r->unaudited = audited - r->rekeys_done;
}

/* The backups: each acknowledged one whole and audited, and it opens; the
 * directory holds whole backups only (a DB with its keys). */
static void verify_backup(run *r, store *s, const fu_log *log)
{
    char path[4200];
    int64_t last = 0;
    for (size_t i = 0; i < log->n; i++) {
        if (log->recs[i].kind != R_BACKUP)
            continue;
        last = log->recs[i].a;
        backup_path(r, last, path, sizeof path);
        assert_true(fu_int(s,
                           "SELECT count(*) FROM audit WHERE action = "
                           "'store.backup' AND details = ?3",
                           0, 0, path) >= 1); /* more: an earlier try was killed */
    }
    if (last) {
        store *b;
        char lock[4300];
        backup_path(r, last, path, sizeof path);
        b = tu_open(path);
        fu_integrity_ok(b);
        fu_audit_ok(b);
        store_close(b);
        snprintf(lock, sizeof lock, "%s.lock", path);
        unlink(lock);
    }
    r->next_backup = 1;
    for (;; r->next_backup++) {
        struct stat st;
        char keys[4300];
        backup_path(r, r->next_backup, path, sizeof path);
        if (stat(path, &st) != 0)
            break;
        snprintf(keys, sizeof keys, "%s.keys", path);
        assert_int_equal(stat(keys, &st), 0);
        assert_true(fu_int(s,
                           "SELECT count(*) FROM audit WHERE action = "
                           "'store.backup' AND details = ?3",
                           0, 0, path) >= 1); /* a whole backup, killed or not */
    }
    r->unaudited =
        fu_int(s, "SELECT count(*) FROM audit WHERE action = 'store.backup'", 0, 0, NULL) -
        (r->next_backup - 1);
}

/* Where each kind of leftover is and what it is called. */
static const struct {
    const char *label;
    int in_bk; /* in bk/, not beside the store */
    const char *pattern;
} left_kinds[LEFT_KINDS] = {
    {"key-file temporaries", 0, "flow.db.keys.tmp"},
    {"rekey copies", 0, "flow.db.rekey*"},
    {"backup markers", 0, "flow.db.backup-*"},
    {"partial backup files", 1, "*.tmp*"},
};

/* Count the leftovers of a killed process, before the next open cleans
 * them (a backup's key file without its database is a partial one too). */
static void leftovers_count(run *r)
{
    for (int i = 0; i < LEFT_KINDS; i++)
        r->left[i] += fu_dir_count(left_kinds[i].in_bk ? r->bkdir : r->dir,
                                   left_kinds[i].pattern);
    r->left[LEFT_BACKUP] +=
        fu_dir_count(r->bkdir, "*.db.keys") - fu_dir_count(r->bkdir, "*.db");
}

static long long leftovers(const run *r)
{
    long long n = 0;
    for (int i = 0; i < LEFT_KINDS; i++)
        n += r->left[i];
    return n;
}

/* After the next open: the store's own files only; in bk/ whole backups. */
static void check_dir_clean(const run *r)
{
    static const char *const store_files[] = {
        "flow.db",      "flow.db-wal", "flow.db-shm", "flow.db.keys",
        "flow.db.lock", "bk",          NULL};
    static const char *const bk_files[] = {"b[0-9]*.db", "b[0-9]*.db.keys", NULL};
    char extra[1024];
    int n = fu_dir_extra(r->dir, store_files, extra, sizeof extra);
    if (n)
        print_error("left in %s after the next open: %s\n", r->dir, extra);
    assert_int_equal(n, 0);
    n = fu_dir_extra(r->bkdir, bk_files, extra, sizeof extra);
    if (n)
        print_error("left in %s after the next open: %s\n", r->bkdir, extra);
    assert_int_equal(n, 0);
    assert_int_equal(fu_dir_count(r->bkdir, "*.db"), fu_dir_count(r->bkdir, "*.keys"));
}

static store *parent_open(const run *r)
{
    store *s = NULL;
    cc_err err = {0};
    if (!r->f->passphrase)
        return tu_open(r->path);
    if (store_open(r->path, "admin1", PASS, &s, &err) != CC_OK)
        print_error("open: %s\n", err.msg);
    assert_int_equal(err.code, CC_OK);
    return s;
}

static void verify_cycle(run *r, const fu_log *log, int keep_wal)
{
    leftovers_count(r);
    store *s = parent_open(r);
    fu_integrity_ok(s);
    check_acked(r, s, log);
    int64_t entries = fu_audit_ok(s);
    assert_true(entries >= r->audit_entries);
    r->audit_entries = entries;
    check_audited(s);
    if (r->f->verify)
        r->f->verify(r, s, log);
    if (keep_wal)
        sqlite3_db_config(store_db(s), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    store_close(s);
    check_dir_clean(r);
}

/* ---- the scene ------------------------------------------------------------ */

static int64_t staff_id(store *s, const char *login)
{
    staff st;
    cc_err err = {0};
    assert_int_equal(staff_find(s, login, &st, &err), CC_OK);
    return st.id;
}

static void add_staff(store *s, const char *login, const char *role)
{
    cc_err err = {0};
    if (staff_add(s, 0, login, role, login, NULL, 0, &err) != CC_OK)
        print_error("staff_add %s: %s\n", login, err.msg);
    assert_int_equal(err.code, CC_OK);
}

/* The team: two coaches and a nurse on North HSS, covered by pm1. */
static void make_team(store *s)
{
    sqlite3_stmt *st;
    cc_err err = {0};
    program p;
    add_staff(s, "admin1", "admin");
    add_staff(s, "pm1", "program-manager");
    add_staff(s, "coach-a", "coach");
    add_staff(s, "coach-b", "coach");
    add_staff(s, "nurse1", "nurse");
    sc.admin = staff_id(s, "admin1");
    sc.pm = staff_id(s, "pm1");
    sc.coach_a = staff_id(s, "coach-a");
    sc.coach_b = staff_id(s, "coach-b");
    sc.nurse = staff_id(s, "nurse1");
    cc_ctx sys = ctx_system(s);
    assert_int_equal(program_by_code(&sys, "hss", &p, &err), CC_OK);
    sc.hss = p.id;
    const char *const sql[] = {
        "INSERT INTO team (id, name, program_id) VALUES (1, 'North HSS', ?1)",
        "INSERT INTO team_member (team_id, staff_id) VALUES (1, ?1)",
        "INSERT INTO team_member (team_id, staff_id) VALUES (1, ?1)",
        "INSERT INTO team_member (team_id, staff_id) VALUES (1, ?1)",
        "INSERT INTO team_cover (team_id, staff_id) VALUES (1, ?1)"};
    const int64_t val[] = {sc.hss, sc.coach_a, sc.coach_b, sc.nurse, sc.pm};
    for (size_t i = 0; i < sizeof val / sizeof *val; i++) {
        assert_int_equal(sqlite3_prepare_v2(store_db(s), sql[i], -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, val[i]);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
    }
}

/* The workflow's clients, taken in by coach-a through intake. */
static void make_clients(store *s, const flow *f)
{
    cc_err err = {0};
    intake_request in;
    intake_result res;
    char given[32];
    cc_ctx c = as(s, sc.coach_a, "coach");
    for (int i = 1; i <= f->clients; i++) {
        snprintf(given, sizeof given, "Pat %d", i);
        person(&in, f->family, given, i);
        if (intake_submit(&c, &in, &res, &err) != CC_OK)
            print_error("intake: %s\n", err.msg);
        assert_int_equal(err.code, CC_OK);
        assert_true(res.taken);
    }
}

static void make_store(run *r)
{
    cc_err err = {0};
    store *s = NULL;
    r->dir = tu_tmpdir();
    r->path = tu_path(r->dir, "flow.db");
    r->bkdir = tu_path(r->dir, "bk");
    assert_int_equal(mkdir(r->bkdir, 0700), 0);
    if (r->f->passphrase)
        assert_int_equal(store_create(r->path, "admin1", PASS, &s, &err), CC_OK);
    else
        s = tu_create(r->path);
    make_team(s);
    make_clients(s, r->f);
    r->audit_entries = fu_audit_ok(s);
    r->key_print = fu_key_print(store_master(s));
    r->next_backup = 1;
    r->unaudited_sum += r->unaudited;
    r->unaudited = r->rekeys_acked = r->rekeys_done = 0;
    store_close(s);
}

static void drop_store(run *r)
{
    tu_rmrf(r->dir);
    free(r->path);
    free(r->bkdir);
    free(r->dir);
}

/* ---- the cycles ----------------------------------------------------------- */

static void run_cycle(run *r)
{
    fu_log log;
    r->child_seed = fu_rng(&r->rng);
    uint64_t how = fu_below(&r->rng, 8);
    r->kill.wait_a = -1;
    if (how == 0) { /* while it opens the store (and cleans up) */
        r->kill.wait_kind = 0;
        r->kill.delay_us = (long)fu_below(&r->rng, r->f->passphrase ? 150000 : 8000);
    } else if (how < 4 && r->f->focus) { /* inside the use case that matters most */
        r->kill.wait_kind = R_BEGIN;
        r->kill.wait_a = r->f->focus;
        r->kill.delay_us = (long)fu_below(&r->rng, (uint64_t)r->f->focus_delay_us + 1);
    } else {
        r->kill.wait_kind = FU_READY;
        r->kill.delay_us = (long)fu_below(&r->rng, (uint64_t)r->f->max_delay_us + 1);
    }
    int keep_wal = fu_below(&r->rng, 2) == 0;
    fu_run_child(child_main, r, &r->kill, &log);
    r->before_ready += !log.ready;
    verify_cycle(r, &log, keep_wal);
    fu_log_free(&log);
}

static void run_flow(run *r)
{
    double t0 = fu_now();
    r->rng = run_seed ^ (uint64_t)(uintptr_t)r->f->name[0] << 32 ^ r->f->share;
    for (r->cycle = 0; r->cycle < r->cycles; r->cycle++) {
        if (r->cycle > 0 && r->cycle % CYCLES_PER_STORE == 0) {
            drop_store(r);
            make_store(r);
        }
        run_cycle(r);
    }
    printf("# %s: %d kills (%lld while opening), %lld acknowledged use cases "
           "verified, %lld leftover files removed by the next open",
           r->f->name, r->cycles, r->before_ready, r->acked, leftovers(r));
    for (int i = 0; i < LEFT_KINDS; i++)
        if (r->left[i])
            printf(" (%s %lld)", left_kinds[i].label, r->left[i]);
    const char *sep = "; kills inside: ";
    for (int i = 0; i < R_KINDS; i++)
        if (r->during[i]) {
            printf("%s%s %lld", sep, kind_names[i], r->during[i]);
            sep = ", ";
        }
    if (r->f->verify == verify_rekey)
        printf(", %lld kills inside a rekey: %lld opened under the old key, %lld under "
               "the new one; %lld rekeys audited but killed before the new key",
               r->in_rekey, r->old_key, r->new_key, r->unaudited_sum + r->unaudited);
    if (r->f->verify == verify_backup)
        printf(", %lld backups audited but killed before the copy was whole",
               r->unaudited_sum + r->unaudited);
    printf(", %.1f s\n", fu_now() - t0);
    total_cycles += r->cycles;
    total_acked += r->acked;
}

/* Shares of CRASH_CYCLES: 85% in all, the slow rekey and backup taking
 * fewer (200 -> 170 kills in CI, 10000 -> 8500 by hand). */
static const flow flows[] = {
    {.name = "intake",
     .share = 200,
     .min_cycles = 4,
     .max_delay_us = 80000,
     .family = "Intake",
     .focus = R_INTAKE,
     .focus_delay_us = 20000,
     .step = step_intake},
    {.name = "hand-off",
     .share = 200,
     .min_cycles = 4,
     .max_delay_us = 80000,
     .family = "Handoff",
     .clients = 12,
     .focus = R_ACCEPT,
     .focus_delay_us = 20000,
     .step = step_handoff},
    {.name = "caseload move",
     .share = 150,
     .min_cycles = 4,
     .max_delay_us = 200000,
     .family = "Caseload",
     .clients = 40,
     .focus = R_BULK,
     .focus_delay_us = 60000,
     .step = step_caseload},
    {.name = "import",
     .share = 150,
     .min_cycles = 4,
     .max_delay_us = 100000,
     .family = "Import",
     .focus = R_IMPORT,
     .focus_delay_us = 80000,
     .step = step_import},
    {.name = "rekey",
     .share = 50,
     .min_cycles = 4,
     .max_delay_us = 150000,
     .passphrase = 1,
     .family = "Intake",
     .focus = R_REKEY,
     .focus_delay_us = 80000,
     .step = step_rekey,
     .verify = verify_rekey},
    {.name = "backup",
     .share = 100,
     .min_cycles = 4,
     .max_delay_us = 100000,
     .family = "Intake",
     .focus = R_BACKUP,
     .focus_delay_us = 40000,
     .step = step_backup,
     .verify = verify_backup},
};

enum { F_INTAKE, F_HANDOFF, F_CASELOAD, F_IMPORT, F_REKEY, F_BACKUP };

static int setup_flow(void **state, int which)
{
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->f = &flows[which];
    r->cycles = (int)((long long)fu_env_cycles(DEFAULT_CYCLES) * r->f->share / 1000);
    if (r->cycles < r->f->min_cycles)
        r->cycles = r->f->min_cycles;
    make_store(r);
    *state = r;
    return 0;
}

static int teardown_flow(void **state)
{
    run *r = *state;
    if (!r->passed) {
        printf("# %s failed in cycle %d (kill %ld us after %s, child seed %llu); "
               "kept %s for inspection\n",
               r->f->name, r->cycle + 1, r->kill.delay_us,
               r->kill.wait_kind == R_BEGIN ? kind_names[r->kill.wait_a]
               : r->kill.wait_kind          ? "ready"
                                            : "the fork",
               (unsigned long long)r->child_seed, r->dir);
        r->dir[0] = '\0'; /* tu_rmrf leaves it alone */
    }
    drop_store(r);
    free(r);
    return 0;
}

#define FLOW_SETUP(name, which)                                                        \
    static int setup_##name(void **state)                                              \
    {                                                                                  \
        return setup_flow(state, which);                                               \
    }
FLOW_SETUP(intake, F_INTAKE)
FLOW_SETUP(handoff, F_HANDOFF)
FLOW_SETUP(caseload, F_CASELOAD)
FLOW_SETUP(import, F_IMPORT)
FLOW_SETUP(rekey, F_REKEY)
FLOW_SETUP(backup, F_BACKUP)

/* Kills during a workflow: each acknowledged use case survives them all. */
static void test_kill_during_flow(void **state)
{
    run *r = *state;
    run_flow(r);
    assert_true(r->acked > 0); /* the children got to finish use cases */
    r->passed = 1;
}

/* Kills during rekeys: besides the above, some landed inside one. */
static void test_kill_during_rekey(void **state)
{
    run *r = *state;
    run_flow(r);
    assert_true(r->acked > 0);
    if (r->cycles >= 10)
        assert_true(r->in_rekey > 0);
    r->passed = 1;
}

/* Kills during backups: besides the above, some left a partial backup
 * that the next open removed. */
static void test_kill_during_backup(void **state)
{
    run *r = *state;
    run_flow(r);
    assert_true(r->acked > 0);
    if (r->cycles >= 20)
        assert_true(r->left[LEFT_BACKUP] > 0 && r->left[LEFT_MARKER] > 0);
    r->passed = 1;
}

/* ---- the next open cleans up ---------------------------------------------- */

static void plant(const char *dir, const char *name, const char *text)
{
    char *p = tu_path(dir, name);
    assert_int_equal(tu_write(p, (const uint8_t *)text, strlen(text)), 0);
    free(p);
}

static int there(const char *dir, const char *name)
{
    struct stat st;
    char *p = tu_path(dir, name);
    int rc = lstat(p, &st) == 0;
    free(p);
    return rc;
}

/* A marker of a backup to dir/bk/dest. */
static void plant_marker(const char *dir, const char *hex, const char *dest)
{
    char name[64], target[4200];
    snprintf(name, sizeof name, "c.db.backup-%s", hex);
    snprintf(target, sizeof target, "%s/bk/%s", dir, dest);
    plant(dir, name, target);
}

/* What processes killed mid-way leave: a key file's temporary, a rekey's
 * copy, a dead backup's marker and partial copy (and its key files); the
 * open removes them all, but leaves a finished backup and a backup still
 * running (its marker locked) alone, and cleans that one at the open after
 * it died. A backup to the dead one's destination then succeeds. */
static void test_cleanup_at_open(void **state)
{
    (void)state;
    cc_err err = {0};
    char *dir = tu_tmpdir(), *db = tu_path(dir, "c.db"), *bk = tu_path(dir, "bk");
    char live[4200], dest[4200];
    assert_int_equal(mkdir(bk, 0700), 0);
    store_close(tu_create(db));
    plant(dir, "c.db.keys.tmp", "half a key file");
    plant(dir, "c.db.rekey", "half a rekey");
    plant_marker(dir, "0123456789abcdef", "x.db");
    plant(bk, "x.db.tmp", "half a backup");
    plant(bk, "x.db.keys.tmp", "half its keys");
    plant(bk, "x.db.keys", "its keys");
    plant_marker(dir, "fedcba9876543210", "y.db"); /* finished, marker not gone */
    plant(bk, "y.db", "a whole backup");
    plant(bk, "y.db.keys", "its keys");
    plant_marker(dir, "00000000000000aa", "z.db"); /* still running */
    plant(bk, "z.db.tmp", "a backup under way");
    snprintf(live, sizeof live, "%s/c.db.backup-00000000000000aa", dir);
    int fd = open(live, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);

    store *s = tu_open(db);
    static const char *const gone[] = {"c.db.keys.tmp", "c.db.rekey",
                                       "c.db.backup-0123456789abcdef",
                                       "c.db.backup-fedcba9876543210"};
    for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
        assert_false(there(dir, gone[i]));
    assert_false(there(bk, "x.db.tmp"));
    assert_false(there(bk, "x.db.keys.tmp"));
    assert_false(there(bk, "x.db.keys"));
    assert_true(there(bk, "y.db") && there(bk, "y.db.keys"));
    assert_true(there(dir, "c.db.backup-00000000000000aa"));
    assert_true(there(bk, "z.db.tmp"));
    snprintf(dest, sizeof dest, "%s/x.db", bk);
    assert_int_equal(store_backup(s, dest, &err), CC_OK);
    assert_true(there(bk, "x.db") && there(bk, "x.db.keys"));
    assert_int_equal(fu_dir_count(dir, "c.db.backup-*"), 1); /* the live one only */
    store_close(s);

    close(fd); /* the running backup dies */
    store_close(tu_open(db));
    assert_false(there(dir, "c.db.backup-00000000000000aa"));
    assert_false(there(bk, "z.db.tmp"));
    tu_rmrf(dir);
    free(bk), free(db), free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cleanup_at_open),
        cmocka_unit_test_setup_teardown(test_kill_during_flow, setup_intake,
                                        teardown_flow),
        cmocka_unit_test_setup_teardown(test_kill_during_flow, setup_handoff,
                                        teardown_flow),
        cmocka_unit_test_setup_teardown(test_kill_during_flow, setup_caseload,
                                        teardown_flow),
        cmocka_unit_test_setup_teardown(test_kill_during_flow, setup_import,
                                        teardown_flow),
        cmocka_unit_test_setup_teardown(test_kill_during_rekey, setup_rekey,
                                        teardown_flow),
        cmocka_unit_test_setup_teardown(test_kill_during_backup, setup_backup,
                                        teardown_flow),
    };
    setenv("CARECOORD_NOW", NOW, 1);
    store_set_pwhash_cost(1);
    run_seed = fu_env_seed();
    printf("# crashflow seed %llu (replay with CRASH_SEED=%llu), %d cycles in all\n",
           (unsigned long long)run_seed, (unsigned long long)run_seed,
           fu_env_cycles(DEFAULT_CYCLES));
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("# crashflow total: %lld kills, %lld acknowledged use cases verified\n",
           total_cycles, total_acked);
    return failed;
}
