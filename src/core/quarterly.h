/*
 * quarterly.h — the report the learning collaboratives collect each quarter:
 * a header that lets the figures be traced (site, period, when and by whom,
 * the audit chain's head at that moment) and, for every program in the
 * reader's reach, every measure of DOMAIN.md for the quarter and the three
 * before it. Each measure is one number with, where it is a rate or an
 * average, the numerator and denominator behind it; an empty denominator is
 * "not known", never 0. The measures are defined, once, in docs/MEASURES.md
 * under their ids. Nothing here formats: io/quarterly_out.h writes it.
 */
#ifndef CC_QUARTERLY_H
#define CC_QUARTERLY_H

#include <stdint.h>

#include "ctx.h"
#include "measures.h"

/* The measures, in the order they are reported. */
enum qm_id {
    QM_CONVERSION,
    QM_DECLINED,
    QM_TIER1_PLACED,
    QM_CASELOAD_AVG,
    QM_CASELOAD_TARGET,
    QM_COACHES_OVER,
    QM_TEAM_LOAD,
    QM_EPISODE_LENGTH,
    QM_EPISODE_TARGET,
    QM_EPISODES_PAST_TARGET,
    QM_EPISODES_EXTENDED,
    QM_EXTENSION_AVG,
    QM_READMIT30,
    QM_READMIT_OBSERVED,
    QM_READMIT_EXPECTED,
    QM_READMIT_OE,
    QM_VISIT_DAYS_AVG,
    QM_VISIT_DAYS_MEDIAN,
    QM_DISCHARGES_VISITED,
    QM_SPECIALTY_DAYS_AVG,
    QM_SPECIALTY_KEPT,
    QM_NO_SHOW,
    QM_PAM_CHANGE,
    QM_PAM_GAIN3,
    QM_CONSENTS_EXPIRING,
    QM_CONSENTS_EXPIRED,
    QM_SERVED,
    QM_COST_PER_CLIENT,
    QM_OVERDUE_TASKS,
    QM_COUNT
};

/* What a measure's number is. */
enum qm_unit {
    QM_PERCENT,
    QM_DAYS,
    QM_CLIENTS,
    QM_COUNT_OF,
    QM_POINTS,
    QM_RATIO,
    QM_DOLLARS
};

typedef struct qm_def {
    const char *id;    /* stable; the anchor in docs/MEASURES.md */
    const char *label; /* for people, at most 38 columns */
    enum qm_unit unit;
} qm_def;

typedef struct qm_value {
    int known;    /* 0: an empty denominator or nothing configured: n/a */
    double value; /* rates in percent */
    int parts;    /* num and den are shown */
    double num, den;
    const char *why; /* when not known and there are no parts: why not */
} qm_value;

enum { QUARTERLY_TREND = 4 }; /* the quarter and the three before it */

typedef struct quarterly_program {
    char code[32], name[128];
    char quarter[QUARTERLY_TREND][8];      /* [0] the quarter, [k] k before */
    qm_value v[QUARTERLY_TREND][QM_COUNT]; /* the measures of each */
    measures m;                            /* the quarter's, with its lists */
} quarterly_program;

typedef struct quarterly {
    char quarter[8], from[11], to[11];
    int partial;           /* the quarter has not ended: figures to date */
    char site[128];        /* meta 'site_name', or "" */
    char generated_at[21]; /* UTC instant */
    char by_login[33], by_name[128], by_role[24];
    int64_t audit_seq;   /* the audit chain's head when the figures were read */
    char audit_hash[65]; /* its hash, hex */
    int nprograms;
    quarterly_program *program;
} quarterly;

/* The definition of measure id (0 <= id < QM_COUNT). */
const qm_def *quarterly_def(int id);

/* The unit's name for CSV and JSON: percent days clients count points ratio
 * dollars. */
const char *quarterly_unit_name(enum qm_unit u);

/* One period's measures m as the report's numbers, v[0..QM_COUNT). */
void quarterly_values(const measures *m, qm_value *v);

/* Compute quarter q ("2026Q3") for program_code (NULL or "" = every active
 * program in the reader's reach) into out, in one snapshot, after auditing
 * the run; program managers and supervisors. A quarter not yet begun or not
 * "YYYYQn" is CC_EINPUT. Free out with quarterly_free; on failure nothing
 * is left to free. */
int quarterly_compute(cc_ctx *ctx, const char *q, const char *program_code,
                      quarterly *out, cc_err *err);

/* Release what quarterly_compute allocated; safe on a zeroed struct. */
void quarterly_free(quarterly *q);

/* The site's name for report headers (administrators set it). Audited. */
int quarterly_set_site_name(cc_ctx *ctx, const char *name, cc_err *err);

/* Set program_code's budget for quarter q in cents (>= 0); replaces an
 * earlier one. Administrators. Audited. */
int quarterly_set_budget(cc_ctx *ctx, const char *program_code, const char *q,
                         int64_t cents, cc_err *err);

#endif
