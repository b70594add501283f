/*
 * worklist.h — what a person's screens show, computed in the core so the
 * terminal layer holds no SQL and no rule: the caseload with its urgency
 * order, the header counts (caseload against capacity, alerts, pending
 * hand-offs), and each tab of a client record as a small table.
 */
#ifndef CC_WORKLIST_H
#define CC_WORKLIST_H

#include "ctx.h"

typedef struct worklist_row {
    int64_t client_id;
    char name[132];      /* "Family, Given" */
    char program[32];    /* program code */
    char risk[10];       /* high | moderate | low | "" */
    int tier;            /* 1, 2 or 0 */
    char episode[16];    /* "D23/60", "monitor" or "" */
    int past_target;     /* the episode is past its target end */
    char next_task[128]; /* the open task due first */
    char next_due[11];   /* its due date */
    int overdue;         /* that task is overdue */
    char consent[10];    /* ok | expiring | none | revoked */
    char last_contact[11];
    char covering[33];   /* the owner's login when the reader covers them on leave */
    char readmitted[11]; /* date of a 30-day readmission in the last 30 days */
    int pillars_missing; /* care-transition pillars not done, in the episode's
                            last week (0 otherwise) */
    int urgency;         /* larger = more urgent */
} worklist_row;

typedef struct worklist_counts {
    int caseload, capacity; /* active clients of the person, program capacity */
    int alerts;             /* open alerts for the person or their role */
    int handoffs_in;        /* proposed to the person (or their team/program) */
    int handoffs_out;       /* proposed by the person */
    int overdue;            /* open tasks of the person past due */
    int covering;           /* people on leave the person covers today */
} worklist_counts;

/* The active clients (open episode or monitoring) and open referrals owned
 * by staff_id or by someone staff_id covers on leave today, most urgent first: overdue
 * task, high risk, past target, consent trouble, then the next due date. *rows is
 * malloc'd. */
/* The clients of everyone on the reader's teams (those they belong to or
 * cover), as the caseload is: the nurse's and the scheduler's list. */
int worklist_team_caseload(cc_ctx *ctx, worklist_row **rows, int *n, cc_err *err);

/* The reader's open tasks, due first: due, client, name, title, state, id
 * (the table's rows; free with table_free). */
struct cc_table;
int worklist_my_tasks(cc_ctx *ctx, struct cc_table *out, cc_err *err);

int worklist_caseload(cc_ctx *ctx, int64_t staff_id, worklist_row **rows, int *n,
                      cc_err *err);

typedef struct worklist_band {
    char program[32], owner[33];
    char risk[10], drivers[256];
    char episode[16];
    int past_target;
    char consent[10];
    char readmitted[11]; /* date of a 30-day readmission this month, or "" */
    char reach[200];     /* who to call (reach.h), or "" */
    char pillars[64];    /* "pillars 2/4: phr, red-flags missing" (meds.h), or "" */
    char pam[48];        /* "PAM 48 -> 56 (+8)" (pam.h), or "" */
} worklist_band;

/* The summary band of a client record (call after client_view, which
 * checks scope and audits the view). */
int worklist_band_of(cc_ctx *ctx, int64_t client_id, worklist_band *out, cc_err *err);

/* The counts of the header for staff_id (cheap: a few indexed queries). */
int worklist_counts_for(cc_ctx *ctx, int64_t staff_id, worklist_counts *out,
                        cc_err *err);

#define TABLE_MAX_COLS 12

/* What a column holds, so writers can keep numbers as numbers. */
enum table_type { TABLE_TEXT, TABLE_INTEGER, TABLE_REAL };

/* A small table of strings (rows x columns), malloc'd. */
typedef struct cc_table {
    int ncols, nrows;
    char cols[TABLE_MAX_COLS][24];
    unsigned char types[TABLE_MAX_COLS]; /* enum table_type; text unless set */
    char **cells; /* nrows * ncols strings; NULL: no value (n/a, null) */
} cc_table;

/* Read every row of a prepared, bound statement into out as strings
 * (columns named after the statement's; SQL NULL stays NULL), and finalize
 * it. A column whose values are all integers (or numbers) is typed so. */
int table_from_stmt(cc_ctx *ctx, sqlite3_stmt *st, cc_table *out, cc_err *err);

/* The cell as people see it: "n/a" where a numeric column has no value,
 * else table_cell. */
const char *table_shown(const cc_table *t, int r, int c);

/* True if the cell at row r, column c has no value. */
int table_is_null(const cc_table *t, int r, int c);

/* Append one row of ncols cells (NULL entries stay NULL). 0, or -1 when out
 * of memory (the table is unchanged). */
int table_add_row(cc_table *t, const char *const *cells);

/* The cell at row r, column c. */
const char *table_cell(const cc_table *t, int r, int c);

/* The index of the column called name, or -1 (table_cell then gives ""). */
int table_col(const cc_table *t, const char *name);

void table_free(cc_table *t);

/* The tabs of a client record, in order (NULL-terminated). */
const char *const *record_tab_names(void);

/* One tab of client_id's record, newest first, after checking scope and
 * auditing the view of that part (one transaction). */
int record_tab(cc_ctx *ctx, int64_t client_id, const char *tab, cc_table *out,
               cc_err *err);

/* Alerts and hand-offs waiting for staff_id, overdue tasks and consents
 * expiring within 30 days of their clients (and, for a scheduler, the
 * team's discharges of the last 3 days and home visits due within 3 days),
 * as one table (kind, client, name, what, due, ref) for the inbox; the name is withheld
 * for a client outside the reader's scope (hand-offs offered to them excepted). */
int worklist_inbox(cc_ctx *ctx, int64_t staff_id, cc_table *out, cc_err *err);

/* The active colleagues of the actor's teams who may be given a task
 * (login, role), by login. */
int worklist_colleagues(cc_ctx *ctx, cc_table *out, cc_err *err);

/* Where the actor can hand a client: "staff:LOGIN" for the people of their
 * teams, "program:CODE" for the programs, "org:CODE" for outside
 * organizations, comma-separated into out (for a choice list). */
int worklist_handoff_targets(cc_ctx *ctx, char *out, size_t outsz, cc_err *err);

/* Clients matching q (name part, date of birth YYYY-MM-DD, or an
 * identifier value) across the whole database: id, name, dob, program,
 * in_scope ("yes"/"no"). At most max rows. Audited as a search. */
int worklist_search(cc_ctx *ctx, const char *q, int max, cc_table *out, cc_err *err);

#endif
