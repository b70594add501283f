/*
 * measures.h — the figures program managers report, computed from the data
 * for one program (or all) and one period of dates [from, to]: referral
 * conversion and decline, tier-1 placement, caseload per coach against the
 * program's capacity, episode length against target, 30-day readmission,
 * days from discharge to the first home visit, the no-show rate of
 * appointments, days from discharge to the first kept specialist
 * appointment, overdue tasks and consents about to expire. A program manager's figures
 * cover only the teams they belong to or cover; a supervisor's every team. Every rate
 * comes with the counts behind it; averages come with their sums. Nothing here writes:
 * one read transaction, one snapshot.
 */
#ifndef CC_MEASURES_H
#define CC_MEASURES_H

#include <stdint.h>

#include "ctx.h"

/* A rate as its counts: num / den. */
typedef struct measure_ratio {
    int64_t num, den;
} measure_ratio;

/* One active coach on a team of the program, as of the period's end. */
typedef struct coach_load {
    int64_t staff_id;
    char login[33];
    int active;   /* owned clients with an episode or monitoring open (in
                     any program, as caseload.h counts) at the end of `to` */
    int capacity; /* the program's capacity (smallest of the coach's programs
                     when all programs are reported) */
    int overdue;  /* open tasks past due at measures.as_of */
} coach_load;

/* One active team of the program, as of the period's end. */
typedef struct team_measure {
    int64_t team_id;
    char name[64];
    int active;   /* the clients its coaches own with a case open at `to` */
    int capacity; /* the team's capacity, or the sum of its coaches' */
} team_measure;

/* One staff member (any role) with open tasks past due at measures.as_of. */
typedef struct staff_overdue {
    int64_t staff_id;
    char login[33];
    char role[24];
    int overdue;
} staff_overdue;

typedef struct measures {
    char program[32];      /* the program's code; "" = all programs */
    char from[11], to[11]; /* the period, inclusive */
    char today[11];        /* the day consents are counted from */
    char as_of[21];        /* instant tasks are judged at: end of `to` or now */

    /* referrals received in the period: first assessment high / declined */
    measure_ratio conversion, decline;
    /* tier-1 clients referred in the period: placed by `to` / referred */
    measure_ratio tier1_placed;

    /* caseload as of `to`; coach[0..coaches) ordered by login */
    int coaches, active_total, caseload_max, over_capacity;
    double caseload_avg; /* active_total / coaches */
    coach_load *coach;

    /* teams of the program in reach, ordered by name */
    int teams;
    team_measure *team;

    /* intensive episodes closed in the period; length counts both ends */
    int episodes_closed, closed_past_target;
    int64_t length_days_sum, target_days_sum;
    double avg_length, avg_target; /* the sums / episodes_closed */
    int program_target_days;       /* the program's template days; 0 for all */
    int program_capacity;          /* its caseload target per coach; 0 for all */
    int episodes_extended;         /* closed episodes that had been extended */
    int64_t extension_days_sum;    /* the days added to those */
    double avg_extension;          /* extension_days_sum / episodes_extended */

    /* discharges in the period of clients served: readmitted within 30 days
     * / discharges; first home visit after the discharge, in fractional days */
    measure_ratio readmission30;
    int discharges_with_visit, discharges_without_visit;
    double days_to_visit_sum, days_to_visit_avg, days_to_visit_median;
    /* observed vs expected, over the discharges whose client had a
     * readmission risk given at intake (referral.readmit_risk, on or before
     * three days after the discharge): readmitted / the sum of the risks */
    int discharges_with_risk, readmit_observed;
    double readmit_expected;

    /* appointments of the period kept or missed: no-shows / both */
    measure_ratio no_show;
    /* specialty-care navigation episodes started (on the discharge) in the
     * period: the first kept specialist appointment, in fractional days */
    int discharges_with_specialty, discharges_without_specialty;
    double days_to_specialty_sum, days_to_specialty_avg;

    /* episodes closed in the period with PAM results before and after:
     * gained 3 points or more / those episodes; the mean change */
    measure_ratio pam_gain3;
    double pam_change_sum, pam_change_avg;

    /* open tasks past due at as_of; per owner, ordered by login */
    int overdue_tasks;
    int noverdue;
    staff_overdue *overdue;

    /* granted, unrevoked consents expiring in [today, today + 30] */
    int consents_expiring;
    /* granted consents that expired in the period, not revoked before */
    int consents_expired;

    /* clients with an episode or monitoring of the program open on some day
     * of the period; the program's budget for the quarters the period
     * covers whole, in cents, or -1 when none is set (or all programs) */
    int clients_served;
    int64_t budget_cents;
} measures;

/* num / den, or 0 when den is 0. */
double measure_rate(measure_ratio r);

/* Compute every measure for program_code (NULL or "" = all programs) over
 * [from, to] ("YYYY-MM-DD", years 1900-9998, from <= to) into out, which is
 * overwritten; bad dates or an unknown program are CC_EINPUT. On success
 * free out with measures_free; on failure nothing is left to free. */
int measures_compute(cc_ctx *ctx, const char *program_code, const char *from,
                     const char *to, measures *out, cc_err *err);

/* What periods read in one snapshot share: each owner's clients with a
 * case open at the end of `day`, read once for every program measured to
 * that day. Zeroed to start; valid only inside the one read transaction
 * it was filled in (quarterly.c's); free with measures_cache_free. */
struct measures_owned {
    int64_t owner_id;
    int n;
};
typedef struct measures_cache {
    char day[11]; /* "" = nothing read yet */
    int n, cap;
    struct measures_owned *owned; /* by owner_id, ascending */
    int skip_expiring;            /* measures_compute_programs leaves consents_expiring
                                     0: counted from today, not the period, the caller
                                     has it from another period of the snapshot */
} measures_cache;

/* measures_compute sharing cache with the other periods of the caller's
 * open read transaction. */
int measures_compute_in(cc_ctx *ctx, const char *program_code, const char *from,
                        const char *to, measures_cache *cache, measures *out,
                        cc_err *err);

/* measures_compute_in for each of the n programs codes[0..n) (distinct
 * codes, none empty) over one period [from, to], into out[0..n): the
 * statements that read the period's rows run once for all of them, grouped
 * by program, the others once per program; the same figures as n calls.
 * cache as for measures_compute_in, or NULL for none kept.
 * On success free each out[i] with measures_free; on failure nothing is
 * left to free. */
int measures_compute_programs(cc_ctx *ctx, int n, const char *const *codes,
                              const char *from, const char *to, measures_cache *cache,
                              measures *out, cc_err *err);

/* Release what the cache holds; safe on a zeroed one. */
void measures_cache_free(measures_cache *c);

/* Referral conversion (first assessment high / referrals received) in each
 * of `months` (1..120) calendar months ending with the month of `to`
 * ("YYYY-MM-DD"), oldest first, into out[0..months); the same program and
 * reach as measures_compute, one query in one snapshot. */
int measures_conversion_trend(cc_ctx *ctx, const char *program_code, const char *to,
                              int months, measure_ratio *out, cc_err *err);

/* Release what measures_compute allocated; safe on a zeroed struct. */
void measures_free(measures *m);

#endif
