/*
 * merge.h — two client records found to be the same person become one,
 * reversibly, by an administrator. A merge moves every row that names the
 * retired record (referrals, consents, assessments, episodes, monitoring,
 * tasks, contacts, hand-offs, encounters, disclosures, break-glass grants,
 * alerts, facility identifiers) to the survivor and records exactly which
 * rows it moved; an undo moves exactly those back. The retired record stays,
 * marked merged into the survivor and without an owner, so it leaves search,
 * caseloads and worklists and opens by id only (client.merged_into); nothing
 * more may be written to it. Audit entries keep their text: the merge is
 * audited on both ids, and reports that read the audit by client follow the
 * merges (MERGE_CLIENT_IDS).
 */
#ifndef CC_MERGE_H
#define CC_MERGE_H

#include "client.h"
#include "ctx.h"
#include "worklist.h"

/* How many kinds of row a merge moves. */
#define MERGE_KINDS 14

/* SQL: client ID (an SQL expression) and every record merged into it,
 * directly or through another, while the merge stands: what an audit
 * entry's client_id (schema 0019) is compared with. */
#define MERGE_CLIENT_IDS(ID)                                                           \
    "(WITH RECURSIVE merged_in (cid) AS (SELECT " ID " UNION SELECT m.retired_id "     \
    "FROM client_merge m JOIN merged_in ON m.survivor_id = merged_in.cid WHERE "       \
    "m.undone_at IS NULL) SELECT cid FROM merged_in)"

/* One record as the review shows it. */
typedef struct merge_side {
    client c;
    char identifiers[256];   /* "NGH:12345 LMC:777" */
    char owner[64];          /* login, "" when unassigned */
    char program[32];        /* code, "" when none */
    int counts[MERGE_KINDS]; /* rows naming it, in merge_kind_name order */
} merge_side;

typedef struct merge_review {
    merge_side survivor, retired;
    int refused;       /* the merge would be refused (error code), 0 if not */
    char problem[512]; /* and why, as merge_clients would say it */
} merge_review;

/* The label of row kind i (0 <= i < MERGE_KINDS), e.g. "referrals". */
const char *merge_kind_name(int i);

/* The side-by-side review of two records before a merge (administrators):
 * both read in one transaction in which each read is audited as a view
 * ("merge review"); out->refused/problem say whether merge_clients would
 * refuse them and why. */
int merge_preview(cc_ctx *ctx, int64_t survivor_id, int64_t retired_id,
                  merge_review *out, cc_err *err);

/* Merge retired_id into survivor_id (administrators), one transaction: every
 * row naming the retired record moves and is recorded; the retired record is
 * marked merged and loses its owner; both versions are bumped; audited on
 * both ids with the counts. Refused: the same id, either one merged already,
 * or rows that cannot be one person's (open episodes or monitoring in the
 * same program, episodes in overlapping programs, two waiting hand-offs).
 * Sets *merge_id. */
int merge_clients(cc_ctx *ctx, int64_t survivor_id, int64_t retired_id,
                  const char *reason, int64_t *merge_id, cc_err *err);

/* Undo merge merge_id (administrators), one transaction: exactly the rows it
 * moved go back; rows added to the survivor since stay there; the retired
 * record gets its owner back if that account is still active. Refused when
 * undone already, or when the survivor was merged into another record since
 * (undo that first), or a moved row no longer names the survivor. Audited on
 * both ids. */
int merge_undo(cc_ctx *ctx, int64_t merge_id, const char *reason, cc_err *err);

/* Every merge, newest first (administrators): id, when, by whom, survivor,
 * retired, rows moved, state, reason. */
int merge_list(cc_ctx *ctx, cc_table *out, cc_err *err);

#endif
