/*
 * reports.h — what program managers and supervisors review, as tables that
 * the terminal screens and the `report` command both show, so the two can
 * never disagree: the caseload board, measures, the consent audit, the
 * accounting of disclosures, the access log and stale cases.
 *
 * Each report checks the role matrix and scope itself (a program manager's
 * board covers the teams they cover; supervisors see everything) and the
 * ones that show client data are audited.
 */
#ifndef CC_REPORTS_H
#define CC_REPORTS_H

#include "ctx.h"
#include "worklist.h"

typedef struct report_params {
    char program[32]; /* program code, "" = all */
    char from[11];    /* "" = the report's default period */
    char to[11];
    int64_t client_id; /* disclosures, access */
    char staff[33];    /* access: one staff member's views */
    int days;          /* stale: no contact for this many days (default 30) */
    int page; /* a screen's page: caseload the first this many teams, unassigned
                 the first this many rows, in the report's order; 0 = all */
} report_params;

/* A screen's first page (report_params.page), and each page after, of the
 * board (teams) and of the unassigned queue (rows). */
#define REPORT_PAGE_TEAMS 20
#define REPORT_PAGE_ROWS  100

/* The kinds, for messages: caseload measures consent disclosures access stale. */
const char *report_kinds(void);

/* True if kind names a report. */
int report_known(const char *kind);

/* The role-matrix action guarding kind. */
const char *report_action(const char *kind);

/* Fill the default period (access: the last 7 days; consent and grants: 90
 * days; disclosures: the 6 years HIPAA asks for, from = to - 6 years + 1
 * day; measures: this month) and validate; "YYYYQn" in from sets a
 * quarter. CC_EINPUT on bad dates. */
int report_resolve(cc_ctx *ctx, const char *kind, report_params *p, cc_err *err);

/* The quarter step quarters from the one holding date (YYYY-MM-DD), as
 * report_resolve reads it: "2026Q3" for 2026-11-22 and -1. CC_EINPUT on a
 * bad date or outside the quarters it reads (1900Q1 to 9998Q4). */
int report_quarter(const char *date, int step, char out[8], cc_err *err);

/* Compute report kind into out (columns named, rows as text). */
int report_run(cc_ctx *ctx, const char *kind, const report_params *p, cc_table *out,
               cc_err *err);

/* The query plan SQLite chooses for kind's statement with p (resolved)
 * bound, its steps joined by " | " (EXPLAIN QUERY PLAN), into out: for
 * checking that the audit reads search an index. */
int report_plan(cc_ctx *ctx, const char *kind, const report_params *p, char *out,
                size_t outsz, cc_err *err);

/* The audit chain's head and the last verification's result ("" if never). */
struct audit_anchor;
int report_audit_status(cc_ctx *ctx, struct audit_anchor *head, char *last,
                        size_t lastsz, cc_err *err);

/* Verify the whole chain through verify_audit (verify.h: progress called
 * every few thousand entries; the result kept as the last verification, an
 * intact head as the next incremental start, audited). *ok says whether it
 * is intact; msg describes it. Supervisors and administrators. */
int report_verify_audit(cc_ctx *ctx, int (*progress)(void *, int64_t, int64_t),
                        void *arg, int *ok, char *msg, size_t msgsz, cc_err *err);

/* Mark break-glass grant id reviewed (supervisor), as the screen does, and
 * resolve the alert it raised, in one transaction. */
int report_review_grant(cc_ctx *ctx, int64_t id, const char *note, cc_err *err);

#endif
