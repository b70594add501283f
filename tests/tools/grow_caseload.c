/*
 * grow_caseload.c — a test tool: give one coach of a demo database a
 * caseload of N clients, fast, through the core (client_create and
 * caseload_assign, each its own audited transaction, as a manager would do
 * them one by one), so the scale tests need not pay a passphrase unlock per
 * client as 1,000 runs of `carecoord assign` would.
 *
 *   grow_caseload DB LOGIN N
 *
 * Opens DB as demo-manager with the demo passphrase ("demo", or
 * $CARECOORD_PASSPHRASE), creates synthetic clients (names from syllables)
 * and assigns them to LOGIN until LOGIN owns N clients. Builds at
 * synchronous=OFF, like the demo generator (throw-away data). Prints how
 * many clients it added; exit 0 when LOGIN owns exactly N.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/caseload.h"
#include "core/intake.h"
#include "core/client.h"
#include "core/ctx.h"
#include "core/staff.h"
#include "store/store.h"

static const char *const syl[] = {"ka",  "lo",  "mi", "ne", "ra", "to",  "vin", "sel",
                                  "dor", "ber", "an", "el", "is", "mar", "ten", "wen"};

/* A synthetic client, the i-th the tool makes. */
static void make_client(client *c, long i, const char *zip)
{
    memset(c, 0, sizeof *c);
    snprintf(c->family_name, sizeof c->family_name, "Sc%s%s%s", syl[i % 16],
             syl[i / 16 % 16], syl[i / 256 % 16]);
    snprintf(c->given_name, sizeof c->given_name, "Test%ld", i);
    unsigned long u = (unsigned long)i;
    snprintf(c->dob, sizeof c->dob, "19%02u-%02u-%02u", (unsigned)(30 + u % 50u),
             (unsigned)(1 + u % 12u), (unsigned)(1 + u % 28u));
    snprintf(c->zip, sizeof c->zip, "%s", zip);
    snprintf(c->payer, sizeof c->payer, "medicare");
    snprintf(c->language, sizeof c->language, "en");
    snprintf(c->setting, sizeof c->setting, "home");
}

/* Clients LOGIN (staff_id) owns now. */
static long owned(cc_ctx *ctx, int64_t staff_id)
{
    return (long)ctx_int(ctx, "SELECT count(*) FROM client WHERE owner_id = ?1",
                         staff_id, 0);
}

/* Add clients for coach until the coach owns want. Returns clients added,
 * or -1 with err set. */
static long grow(cc_ctx *ctx, int64_t coach, long want, cc_err *err)
{
    char zip[6] = "";
    sqlite3_stmt *st = ctx_prepare(ctx, "SELECT min(zip) FROM service_zip", err);
    if (!st)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, zip, sizeof zip);
    ctx_finalize(st);
    long added = 0;
    int64_t prog = 0;
    if (!caseload_team_of(ctx, coach, &prog))
        return cc_err_set(err, CC_EINPUT, "the coach is on no team"), -1;
    for (long have = owned(ctx, coach); have < want; have++, added++) {
        intake_request in = {.flags =
                                 CLIENT_ALLOW_OUTSIDE_ZIP | CLIENT_ACCEPT_DUPLICATE,
                             .override = "scale test"};
        intake_result res;
        make_client(&in.client, added, zip);
        in.referral.program_id = prog;
        snprintf(in.referral.source_type, sizeof in.referral.source_type, "pcp");
        ctx_today(ctx, in.referral.received_date);
        if (intake_submit(ctx, &in, &res, err) != CC_OK ||
            caseload_assign(ctx, in.client.id, coach, "scale test", err) != CC_OK)
            return -1;
    }
    return added;
}

int main(int argc, char **argv)
{
    store *st = NULL;
    cc_err err = {0};
    staff mgr, coach;
    char *end;
    const char *pass = getenv("CARECOORD_PASSPHRASE");
    if (argc != 4) {
        fprintf(stderr, "usage: grow_caseload DB LOGIN N\n");
        return 1;
    }
    long want = strtol(argv[3], &end, 10);
    if (*end || !argv[3][0] || want < 0 || want > 1000000) {
        fprintf(stderr, "grow_caseload: N must be a whole number up to 1000000\n");
        return 1;
    }
    if (sodium_init() < 0 ||
        store_open(argv[1], "demo-manager", pass && *pass ? pass : "demo", &st, &err) !=
            CC_OK ||
        staff_find(st, "demo-manager", &mgr, &err) != CC_OK ||
        staff_find(st, argv[2], &coach, &err) != CC_OK ||
        store_set_durable(st, 0, &err) != CC_OK) {
        fprintf(stderr, "grow_caseload: %s\n", err.msg[0] ? err.msg : "cannot start");
        store_close(st);
        return 1;
    }
    cc_ctx ctx = {.st = st, .staff_id = mgr.id};
    snprintf(ctx.role, sizeof ctx.role, "%s", mgr.role);
    store_set_actor(st, mgr.id);
    long added = grow(&ctx, coach.id, want, &err);
    long have = owned(&ctx, coach.id);
    store_close(st);
    if (added < 0) {
        fprintf(stderr, "grow_caseload: %s\n", err.msg);
        return 1;
    }
    printf("%ld clients added: %s owns %ld\n", added, argv[2], have);
    return have == want ? 0 : 1;
}
