/*
 * notice.h — encounter notifications (admissions, discharges, transfers, ED
 * visits) as the regional exchange sends them, applied to clients. A notice
 * is matched by identifier and assigning facility only; a patient found by
 * name and birth date alone, or not at all, goes to a review queue and is
 * never silently given to a client. Each notification is applied once (by
 * sending facility and control id); test and debug ones are only logged.
 *
 * What a notice does to a matched client, in the transaction that records
 * it: an encounter row; a discharge starts the episode of a care-transition
 * program or adds the program's discharge-anchored protocol tasks (the home
 * visit within 72 hours) for the owner; an inpatient admission within 30
 * days of an earlier discharge is a readmission (see notice.c for the
 * definition) and alerts the owner and the team's nurse; A11/A12/A13 undo
 * exactly what their event did; A08 and A06/A07 update the visit; A40 moves
 * a retired identifier to the surviving one.
 */
#ifndef CC_NOTICE_H
#define CC_NOTICE_H

#include "ctx.h"
#include "worklist.h" /* cc_table */

#define NOTICE_MAX_IDS 8

typedef struct notice_id {
    char value[64];
    char authority[64];
    char facility[64]; /* the assigning facility, else the authority */
} notice_id;

typedef struct encounter_notice {
    char event[4];             /* A01 ... A40 */
    char sending_facility[64]; /* a facility code of the directory */
    char sent_at[21];
    char control_id[64];
    char processing[4]; /* P applies; T and D are logged only */
    char version[16];
    char recorded_at[21];
    char occurred_at[21];
    notice_id id[NOTICE_MAX_IDS];
    int nid;
    char family[64], given[64];
    char dob[21]; /* YYYY-MM-DD */
    char sex[4];
    char patient_class[4]; /* E emergency, I inpatient, O outpatient, ... */
    char location[128];
    char visit_number[64];
    char disposition[16];
    char admit_at[21];
    char discharge_at[21];
    notice_id prior[NOTICE_MAX_IDS]; /* A40: the identifiers retired */
    int nprior;
} encounter_notice;

enum notice_outcome {
    NOTICE_APPLIED,   /* matched and applied */
    NOTICE_REVIEW,    /* waiting in the review queue */
    NOTICE_DUPLICATE, /* this facility's control id was imported before */
    NOTICE_LOGGED,    /* a test or debug message: acknowledged, not applied */
};

typedef struct notice_result {
    enum notice_outcome outcome;
    int64_t message_id;
    int64_t client_id;    /* when matched */
    int64_t encounter_id; /* the encounter recorded or changed */
    int readmission;      /* flagged as a 30-day readmission */
    int tasks;            /* protocol tasks created */
    char what[200];       /* one line for the log */
} notice_result;

/* The instant the notice's event happened (discharge time for A03, admit
 * time for A01/A04, else EVN-6, EVN-2, the message time). */
const char *notice_when(const encounter_notice *n);

/* Import notices ns[0..n) in one write transaction, each in a savepoint of
 * its own: results[i] gets each outcome, and a notice the core refuses
 * (an unknown facility, a bad time, a cancel with nothing to cancel) gets
 * its message in errs[i] with nothing of it applied, the rest going on.
 * Returns CC_OK unless the transaction itself failed. By a person whose
 * role may import (the scheduler's, the nurse's...), audited under them. */
int notice_import(cc_ctx *ctx, const encounter_notice *ns, int n,
                  notice_result *results, cc_err *errs, cc_err *err);

/* The review queue: notifications waiting (id, received, event, facility,
 * patient, identifiers, reason, candidates: client ids found by name and
 * birth date). */
int notice_review_list(cc_ctx *ctx, cc_table *out, cc_err *err);

/* Link reviewed notification id to client_id: it is applied as an import
 * would have been, its identifier recorded for the client. */
int notice_link(cc_ctx *ctx, int64_t id, int64_t client_id, notice_result *r,
                cc_err *err);

/* Dismiss reviewed notification id with a reason. */
int notice_dismiss(cc_ctx *ctx, int64_t id, const char *reason, cc_err *err);

/* A person records an encounter learned by phone or fax: kind admit, ed,
 * discharge or transfer, for client_id at facility_code at the instant at
 * (ISO), with an optional visit number. The same effects as an imported
 * notice (episode or discharge tasks, readmission flag and alerts); the
 * encounter's source is 'manual'. Needs the client in the person's scope. */
int notice_enter(cc_ctx *ctx, int64_t client_id, const char *kind,
                 const char *facility_code, const char *at, const char *visit,
                 notice_result *r, cc_err *err);

#endif
