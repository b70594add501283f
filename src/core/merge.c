/*
 * merge.c — merging duplicate client records and undoing a merge (see
 * merge.h). One table lists every kind of row that names a client; the
 * merge records the key of each row it moves (client_merge_row) before it
 * moves them, and the undo moves back exactly the recorded rows. Each use
 * case is one transaction that starts at the guard and ends with its audit
 * entries; contacts and disclosures, append-only, let only these moves
 * through (schema 0010).
 */
#include "merge.h"

#include <stdio.h>
#include <string.h>

#include "guard.h"
#include "util/text.h"

/* A kind of row naming a client: its table, the key merge_row records
 * (row_id, value) and how a recorded row r is found again. */
struct kind {
    const char *label, *table, *key, *match;
};

#define BY_ID(label, t)                                                                \
    {                                                                                  \
        label, t, "id, ''", t ".id = r.row_id"                                         \
    }

static const struct kind kinds[MERGE_KINDS] = {
    BY_ID("referrals", "referral"),
    BY_ID("consents", "consent"),
    BY_ID("assessments", "assessment"),
    BY_ID("episodes", "episode"),
    BY_ID("monitoring", "monitoring"),
    BY_ID("tasks", "task"),
    BY_ID("contacts", "contact"),
    BY_ID("handoffs", "handoff"),
    BY_ID("encounters", "encounter"),
    BY_ID("disclosures", "disclosure"),
    BY_ID("alerts", "alert"),
    BY_ID("grants", "access_grant"),
    BY_ID("notifications", "adt_message"),
    {"identifiers", "client_identifier", "facility_id, value",
     "client_identifier.facility_id = r.row_id AND client_identifier.value = r.value"},
};

#define REASON_MAX 500

const char *merge_kind_name(int i)
{
    return i >= 0 && i < MERGE_KINDS ? kinds[i].label : "";
}

/* tmpl with @T, @K and @M replaced by kind k's table, key and match (names
 * from the table above, never data: every value is bound). */
static void expand(const char *tmpl, const struct kind *k, char *out, size_t n)
{
    size_t len = 0;
    for (const char *p = tmpl; *p && len + 1 < n; p++) {
        const char *with = NULL;
        if (p[0] == '@' && (p[1] == 'T' || p[1] == 'K' || p[1] == 'M'))
            with = p[1] == 'T' ? k->table : p[1] == 'K' ? k->key : k->match;
        if (!with) {
            out[len++] = *p;
            continue;
        }
        len += (size_t)snprintf(out + len, n - len, "%s", with);
        len = len < n ? len : n - 1;
        p++;
    }
    out[len] = '\0';
}

/* tmpl (expanded for kind k) with ?1 = a, ?2 = b, ?3 = c, run to completion;
 * *changes set when asked. */
static int run_kind(cc_ctx *ctx, const char *tmpl, const struct kind *k, int64_t a,
                    int64_t b, int64_t c, int *changes, cc_err *err)
{
    char sql[768];
    expand(tmpl, k, sql, sizeof sql);
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    sqlite3_bind_int64(st, 3, c);
    int rc = sqlite3_step(st);
    ctx_finalize(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return cc_err_set(err, CC_EINPUT, "the %s cannot move: %s", k->label,
                          sqlite3_errmsg(store_db(ctx->st)));
    if (rc != SQLITE_DONE)
        return store_fail(ctx->st, rc, "merging records", err);
    if (changes)
        *changes = sqlite3_changes(store_db(ctx->st));
    return CC_OK;
}

/* The first column of tmpl (expanded for kind k) as an integer. */
static int64_t kind_int(cc_ctx *ctx, const char *tmpl, const struct kind *k, int64_t a,
                        int64_t b)
{
    char sql[768];
    expand(tmpl, k, sql, sizeof sql);
    return ctx_int(ctx, sql, a, b);
}

static int reason_ok(const char *reason, cc_err *err)
{
    if (!reason || !text_content_len(reason) || !text_is_clean(reason) ||
        strlen(reason) > REASON_MAX)
        return cc_err_set(
            err, CC_EINPUT,
            "give a reason (at most %d characters, no control characters)", REASON_MAX);
    return CC_OK;
}

/* ---- the review -------------------------------------------------------- */

static void text_of(cc_ctx *ctx, const char *sql, int64_t id, char *out, size_t n)
{
    cc_err ignore;
    out[0] = '\0';
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &ignore);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_col(st, 0, out, n);
    ctx_finalize(st);
}

static int read_side(cc_ctx *ctx, int64_t id, merge_side *s, cc_err *err)
{
    memset(s, 0, sizeof *s);
    if (client_get(ctx, id, &s->c, err) != CC_OK)
        return err->code;
    text_of(
        ctx,
        "SELECT group_concat(code, ' ') FROM (SELECT o.facility_code || ':' || "
        "ci.value AS code FROM client_identifier ci JOIN organization o ON o.id = "
        "ci.facility_id WHERE ci.client_id = ?1 ORDER BY o.facility_code, ci.value)",
        id, s->identifiers, sizeof s->identifiers);
    text_of(ctx, "SELECT login FROM staff WHERE id = ?1", s->c.owner_id, s->owner,
            sizeof s->owner);
    text_of(ctx, "SELECT code FROM program WHERE id = ?1", s->c.program_id, s->program,
            sizeof s->program);
    for (int i = 0; i < MERGE_KINDS; i++)
        s->counts[i] = (int)kind_int(
            ctx, "SELECT count(*) FROM @T WHERE client_id = ?1 AND ?2 = ?2", &kinds[i],
            id, 0);
    return CC_OK;
}

/* ---- what makes two records impossible to merge ------------------------ */

/* A pair of open rows of sql (?1 survivor, ?2 retired): two ids and a code. */
static int clash(cc_ctx *ctx, const char *sql, int64_t s, int64_t r, int64_t ids[2],
                 char *code, size_t n)
{
    cc_err ignore;
    int found = 0;
    sqlite3_stmt *st = ctx_prepare(ctx, sql, &ignore);
    if (!st)
        return 0;
    sqlite3_bind_int64(st, 1, s);
    sqlite3_bind_int64(st, 2, r);
    if (sqlite3_step(st) == SQLITE_ROW) {
        ids[0] = sqlite3_column_int64(st, 0);
        ids[1] = sqlite3_column_int64(st, 1);
        ctx_col(st, 2, code, n);
        found = 1;
    }
    ctx_finalize(st);
    return found;
}

static int rows_clash(cc_ctx *ctx, int64_t s, int64_t r, cc_err *err)
{
    int64_t ids[2];
    char code[96];
    if (clash(
            ctx,
            "SELECT a.id, b.id, p.code FROM episode a JOIN episode b ON b.program_id = "
            "a.program_id JOIN program p ON p.id = a.program_id WHERE a.client_id = ?1 "
            "AND b.client_id = ?2 AND a.closed_date IS NULL AND b.closed_date IS NULL",
            s, r, ids, code, sizeof code))
        return cc_err_set(
            err, CC_EINPUT,
            "both records have an open %s episode (#%lld on client %lld, "
            "#%lld on client %lld) and a client has one per program: close "
            "one of them first, then merge",
            code, (long long)ids[0], (long long)s, (long long)ids[1], (long long)r);
    if (clash(
            ctx,
            "SELECT a.id, b.id, pa.code || ' and ' || pb.code FROM episode a JOIN "
            "program pa ON pa.id = a.program_id JOIN episode b JOIN program pb ON pb.id "
            "= b.program_id WHERE a.client_id = ?1 AND b.client_id = ?2 AND "
            "a.closed_date IS NULL AND b.closed_date IS NULL AND pa.id <> pb.id AND "
            "pa.overlap_group <> '' AND pa.overlap_group = pb.overlap_group",
            s, r, ids, code, sizeof code))
        return cc_err_set(
            err, CC_EINPUT,
            "the records have open episodes in overlapping programs (%s: "
            "#%lld and #%lld) and no one is enrolled in both: close one of "
            "them first, then merge",
            code, (long long)ids[0], (long long)ids[1]);
    if (clash(ctx,
              "SELECT a.id, b.id, p.code FROM monitoring a JOIN monitoring b ON "
              "b.program_id = a.program_id JOIN program p ON p.id = a.program_id WHERE "
              "a.client_id = ?1 AND b.client_id = ?2 AND a.ended_date IS NULL AND "
              "b.ended_date IS NULL",
              s, r, ids, code, sizeof code))
        return cc_err_set(err, CC_EINPUT,
                          "both records are in %s light-touch monitoring (#%lld and "
                          "#%lld) and a client is monitored once per program: end one "
                          "(re-screen or close it) first, then merge",
                          code, (long long)ids[0], (long long)ids[1]);
    if (clash(
            ctx,
            "SELECT a.id, b.id, '' FROM handoff a JOIN handoff b WHERE a.client_id = ?1 "
            "AND b.client_id = ?2 AND a.state = 'proposed' AND b.state = 'proposed'",
            s, r, ids, code, sizeof code))
        return cc_err_set(
            err, CC_EINPUT,
            "both records have a hand-off waiting (#%lld and #%lld) and a "
            "client has one at a time: withdraw or decide one first, then "
            "merge",
            (long long)ids[0], (long long)ids[1]);
    return CC_OK;
}

static int64_t merge_of(cc_ctx *ctx, int64_t retired_id)
{
    return ctx_int(ctx,
                   "SELECT id FROM client_merge WHERE retired_id = ?1 AND undone_at IS "
                   "NULL AND ?2 = ?2",
                   retired_id, 0);
}

static int pair_ok(cc_ctx *ctx, const client *s, const client *r, cc_err *err)
{
    if (s->id == r->id)
        return cc_err_set(err, CC_EINPUT,
                          "a record cannot be merged into itself (%lld)",
                          (long long)s->id);
    if (r->merged_into)
        return cc_err_set(err, CC_EINPUT,
                          "client %lld was merged into client %lld already (merge "
                          "#%lld)",
                          (long long)r->id, (long long)r->merged_into,
                          (long long)merge_of(ctx, r->id));
    if (s->merged_into)
        return cc_err_set(
            err, CC_EINPUT,
            "client %lld was merged into client %lld (merge #%lld): merge "
            "into client %lld instead",
            (long long)s->id, (long long)s->merged_into,
            (long long)merge_of(ctx, s->id), (long long)s->merged_into);
    return rows_clash(ctx, s->id, r->id, err);
}

struct preview_args {
    int64_t survivor_id, retired_id;
    merge_review *out;
};

static int do_preview(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct preview_args *a = arg;
    merge_review *out = a->out;
    cc_err why = {0};
    if (guard_client(ctx, "client.merge", a->survivor_id, "merge review", err) !=
            CC_OK ||
        read_side(ctx, a->survivor_id, &out->survivor, err) != CC_OK ||
        read_side(ctx, a->retired_id, &out->retired, err) != CC_OK)
        return err->code;
    out->refused = pair_ok(ctx, &out->survivor.c, &out->retired.c, &why);
    snprintf(out->problem, sizeof out->problem, "%s", out->refused ? why.msg : "");
    if (ctx_audit(ctx, "client.view", "client", a->survivor_id, "merge review", err) !=
        CC_OK)
        return err->code;
    if (a->retired_id == a->survivor_id)
        return CC_OK;
    return ctx_audit(ctx, "client.view", "client", a->retired_id, "merge review", err);
}

int merge_preview(cc_ctx *ctx, int64_t survivor_id, int64_t retired_id,
                  merge_review *out, cc_err *err)
{
    struct preview_args a = {survivor_id, retired_id, out};
    memset(out, 0, sizeof *out);
    return ctx_txn(ctx, do_preview, &a, err);
}

/* ---- merging ----------------------------------------------------------- */

/* "referrals 2, tasks 5" for the non-zero counts. */
static void counts_text(const int *counts, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < MERGE_KINDS && len + 1 < n; i++)
        if (counts[i])
            len += (size_t)snprintf(out + len, n - len, "%s%s %d", len ? ", " : "",
                                    kinds[i].label, counts[i]);
    if (!len)
        snprintf(out, n, "nothing");
}

/* Audit what happened on both ids. */
static int audit_both(cc_ctx *ctx, const char *action, int64_t s, int64_t r,
                      const char *details, cc_err *err)
{
    if (ctx_audit(ctx, action, "client", s, details, err) != CC_OK)
        return err->code;
    return ctx_audit(ctx, action, "client", r, details, err);
}

static int exec_ids(cc_ctx *ctx, const char *sql, int64_t a, int64_t b,
                    const char *text, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(ctx, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b); /* (SQLITE_RANGE, harmless, when sql has no ?2) */
    if (text)
        sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    return ctx_done(ctx, st, "merging records", err);
}

struct merge_args {
    int64_t survivor_id, retired_id;
    const char *reason;
    int64_t *merge_id;
};

static int insert_merge(cc_ctx *ctx, struct merge_args *a, const client *r, cc_err *err)
{
    char now[21];
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "INSERT INTO client_merge (survivor_id, retired_id, reason, merged_at, "
        "merged_by, retired_owner_id, moving) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
        err);
    if (!st)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_bind_int64(st, 1, a->survivor_id);
    sqlite3_bind_int64(st, 2, a->retired_id);
    sqlite3_bind_text(st, 3, a->reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, ctx->staff_id);
    if (r->owner_id)
        sqlite3_bind_int64(st, 6, r->owner_id);
    if (ctx_done(ctx, st, "recording the merge", err) != CC_OK)
        return err->code;
    *a->merge_id = sqlite3_last_insert_rowid(store_db(ctx->st));
    return CC_OK;
}

/* Record, then move, every row of each kind naming the retired record. */
static int move_rows(cc_ctx *ctx, struct merge_args *a, int *counts, int *total,
                     cc_err *err)
{
    *total = 0;
    for (int i = 0; i < MERGE_KINDS; i++) {
        int moved = 0;
        if (run_kind(ctx,
                     "INSERT INTO client_merge_row (merge_id, tbl, row_id, value) "
                     "SELECT ?1, '@T', @K FROM @T WHERE client_id = ?2 AND ?3 = ?3",
                     &kinds[i], *a->merge_id, a->retired_id, 0, &counts[i],
                     err) != CC_OK ||
            run_kind(
                ctx,
                "UPDATE @T SET client_id = ?2 WHERE client_id = ?3 AND EXISTS "
                "(SELECT 1 FROM client_merge_row r WHERE r.merge_id = ?1 AND r.tbl "
                "= '@T' AND @M)",
                &kinds[i], *a->merge_id, a->survivor_id, a->retired_id, &moved,
                err) != CC_OK)
            return err->code;
        if (moved != counts[i])
            return cc_err_set(err, CC_EDATA, "merging: %d %s recorded, %d moved",
                              counts[i], kinds[i].label, moved);
        *total += moved;
    }
    return CC_OK;
}

static int do_merge(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct merge_args *a = arg;
    client s, r;
    int counts[MERGE_KINDS], total;
    char moved[400], details[1024];
    if (guard_client(ctx, "client.merge", a->survivor_id, "merge", err) != CC_OK ||
        client_get(ctx, a->survivor_id, &s, err) != CC_OK ||
        client_get(ctx, a->retired_id, &r, err) != CC_OK ||
        pair_ok(ctx, &s, &r, err) != CC_OK || insert_merge(ctx, a, &r, err) != CC_OK ||
        move_rows(ctx, a, counts, &total, err) != CC_OK ||
        exec_ids(ctx,
                 "UPDATE client SET merged_into = ?2, owner_id = NULL, version = "
                 "version + 1 WHERE id = ?1",
                 a->retired_id, a->survivor_id, NULL, err) != CC_OK ||
        exec_ids(ctx, "UPDATE client SET version = version + 1 WHERE id = ?1",
                 a->survivor_id, 0, NULL, err) != CC_OK ||
        exec_ids(ctx,
                 "UPDATE client_merge SET moving = 0, rows_moved = ?2 WHERE id = ?1",
                 *a->merge_id, total, NULL, err) != CC_OK)
        return err->code;
    counts_text(counts, moved, sizeof moved);
    snprintf(details, sizeof details,
             "merge %lld: client:%lld into client:%lld; moved %s (%d rows); reason: %s",
             (long long)*a->merge_id, (long long)a->retired_id,
             (long long)a->survivor_id, moved, total, a->reason);
    return audit_both(ctx, "client.merge", a->survivor_id, a->retired_id, details, err);
}

int merge_clients(cc_ctx *ctx, int64_t survivor_id, int64_t retired_id,
                  const char *reason, int64_t *merge_id, cc_err *err)
{
    int64_t ignore;
    struct merge_args a = {survivor_id, retired_id, reason,
                           merge_id ? merge_id : &ignore};
    if (reason_ok(reason, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_merge, &a, err);
}

/* ---- undoing ----------------------------------------------------------- */

typedef struct merge_row {
    int64_t id, survivor_id, retired_id, owner_id;
    char undone_at[21];
} merge_row;

static int read_merge(cc_ctx *ctx, int64_t id, merge_row *m, cc_err *err)
{
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT id, survivor_id, retired_id, coalesce(retired_owner_id, 0), "
        "coalesce(undone_at, '') FROM client_merge WHERE id = ?1",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->id = sqlite3_column_int64(st, 0);
        m->survivor_id = sqlite3_column_int64(st, 1);
        m->retired_id = sqlite3_column_int64(st, 2);
        m->owner_id = sqlite3_column_int64(st, 3);
        ctx_col(st, 4, m->undone_at, sizeof m->undone_at);
    }
    ctx_finalize(st);
    if (rc == SQLITE_DONE)
        return cc_err_set(err, CC_EINPUT, "no merge %lld (see carecoord client merges)",
                          (long long)id);
    return rc == SQLITE_ROW ? CC_OK : store_fail(ctx->st, rc, "reading merge", err);
}

/* Every recorded row still names the survivor: nothing moved them since. */
static int rows_in_place(cc_ctx *ctx, const merge_row *m, cc_err *err)
{
    for (int i = 0; i < MERGE_KINDS; i++) {
        int64_t astray = kind_int(ctx,
                                  "SELECT count(*) FROM client_merge_row r WHERE "
                                  "r.merge_id = ?1 AND r.tbl = '@T' AND NOT EXISTS "
                                  "(SELECT 1 FROM @T WHERE @M AND @T.client_id = "
                                  "?2)",
                                  &kinds[i], m->id, m->survivor_id);
        if (astray)
            return cc_err_set(
                err, CC_EINPUT,
                "%lld of the %s merge %lld moved no longer belong to client "
                "%lld: it cannot be undone",
                (long long)astray, kinds[i].label, (long long)m->id,
                (long long)m->survivor_id);
    }
    return CC_OK;
}

static int undo_ok(cc_ctx *ctx, const merge_row *m, cc_err *err)
{
    client s, r;
    if (m->undone_at[0])
        return cc_err_set(err, CC_EINPUT, "merge %lld was undone already (%s)",
                          (long long)m->id, m->undone_at);
    if (client_get(ctx, m->survivor_id, &s, err) != CC_OK ||
        client_get(ctx, m->retired_id, &r, err) != CC_OK)
        return err->code;
    if (s.merged_into)
        return cc_err_set(err, CC_EINPUT,
                          "client %lld was merged into client %lld since (merge %lld), "
                          "with the rows merge %lld moved: undo merge %lld first",
                          (long long)s.id, (long long)s.merged_into,
                          (long long)merge_of(ctx, s.id), (long long)m->id,
                          (long long)merge_of(ctx, s.id));
    if (r.merged_into != m->survivor_id)
        return cc_err_set(err, CC_EDATA, "client %lld is not marked merged into %lld",
                          (long long)r.id, (long long)m->survivor_id);
    return rows_in_place(ctx, m, err);
}

static int move_back(cc_ctx *ctx, const merge_row *m, int *counts, int *total,
                     cc_err *err)
{
    *total = 0;
    for (int i = 0; i < MERGE_KINDS; i++) {
        if (run_kind(
                ctx,
                "UPDATE @T SET client_id = ?2 WHERE client_id = ?3 AND EXISTS "
                "(SELECT 1 FROM client_merge_row r WHERE r.merge_id = ?1 AND r.tbl "
                "= '@T' AND @M)",
                &kinds[i], m->id, m->retired_id, m->survivor_id, &counts[i],
                err) != CC_OK)
            return err->code;
        *total += counts[i];
    }
    return CC_OK;
}

struct undo_args {
    int64_t id;
    const char *reason;
};

static int mark_undone(cc_ctx *ctx, struct undo_args *a, cc_err *err)
{
    char now[21];
    sqlite3_stmt *st =
        ctx_prepare(ctx,
                    "UPDATE client_merge SET undone_at = ?2, undone_by = "
                    "?3, undo_reason = ?4, moving = 1 WHERE id = ?1",
                    err);
    if (!st)
        return err->code;
    ctx_now(ctx, now);
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, ctx->staff_id);
    sqlite3_bind_text(st, 4, a->reason, -1, SQLITE_TRANSIENT);
    return ctx_done(ctx, st, "undoing the merge", err);
}

static int do_undo(cc_ctx *ctx, void *arg, cc_err *err)
{
    struct undo_args *a = arg;
    merge_row m;
    int counts[MERGE_KINDS], total;
    char moved[400], details[1024];
    if (read_merge(ctx, a->id, &m, err) != CC_OK) /* the role decides first */
        return guard_action(ctx, "client.merge", err) != CC_OK
                   ? err->code
                   : read_merge(ctx, a->id, &m, err);
    if (guard_client(ctx, "client.merge", m.survivor_id, "unmerge", err) != CC_OK ||
        undo_ok(ctx, &m, err) != CC_OK || mark_undone(ctx, a, err) != CC_OK ||
        move_back(ctx, &m, counts, &total, err) != CC_OK)
        return err->code;
    /* The owner comes back only if that account may still own clients. */
    int64_t owner = ctx_int(ctx, "SELECT id FROM staff WHERE id = ?1 AND active = ?2",
                            m.owner_id, 1);
    if (exec_ids(ctx,
                 "UPDATE client SET merged_into = NULL, owner_id = nullif(?2, 0), "
                 "version = version + 1 WHERE id = ?1",
                 m.retired_id, owner, NULL, err) != CC_OK ||
        exec_ids(ctx, "UPDATE client SET version = version + 1 WHERE id = ?1",
                 m.survivor_id, 0, NULL, err) != CC_OK ||
        exec_ids(ctx, "UPDATE client_merge SET moving = 0 WHERE id = ?1", m.id, 0, NULL,
                 err) != CC_OK)
        return err->code;
    counts_text(counts, moved, sizeof moved);
    snprintf(details, sizeof details,
             "merge %lld undone: client:%lld out of client:%lld; moved back %s (%d "
             "rows)%s; reason: %s",
             (long long)m.id, (long long)m.retired_id, (long long)m.survivor_id, moved,
             total, m.owner_id && !owner ? "; its owner has left: unassigned" : "",
             a->reason);
    return audit_both(ctx, "client.unmerge", m.survivor_id, m.retired_id, details, err);
}

int merge_undo(cc_ctx *ctx, int64_t merge_id, const char *reason, cc_err *err)
{
    struct undo_args a = {merge_id, reason};
    if (reason_ok(reason, err) != CC_OK)
        return err->code;
    return ctx_txn(ctx, do_undo, &a, err);
}

/* ---- the list ---------------------------------------------------------- */

int merge_list(cc_ctx *ctx, cc_table *out, cc_err *err)
{
    memset(out, 0, sizeof *out);
    if (guard_action(ctx, "client.merge", err) != CC_OK)
        return err->code;
    sqlite3_stmt *st = ctx_prepare(
        ctx,
        "SELECT m.id AS merge, strftime('%Y-%m-%dT%H:%M', m.merged_at, 'localtime') AS "
        "at, coalesce(s.login, 'system') AS \"by\", m.survivor_id AS survivor, "
        "m.retired_id AS retired, m.rows_moved AS \"rows\", CASE WHEN m.undone_at IS "
        "NULL THEN 'merged' ELSE 'undone ' || date(m.undone_at, 'localtime') || ' by ' "
        "|| coalesce(u.login, 'system') END AS state, m.reason FROM client_merge m LEFT "
        "JOIN staff s ON s.id = m.merged_by LEFT JOIN staff u ON u.id = m.undone_by "
        "ORDER BY m.id DESC",
        err);
    if (!st)
        return err->code;
    return table_from_stmt(ctx, st, out, err);
}
