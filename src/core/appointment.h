/*
 * appointment.h — appointments and the day agenda. An appointment is with
 * an organization of the directory (a primary care practice, a specialist
 * clinic) or is a visit or call by a staff member, and sits on one staff
 * member's agenda. Booking one sets a reminder task for the day before;
 * keeping it logs the visit or call as a contact and completes the protocol
 * task it carries out (the home visit within 72 hours, the specialty
 * appointment within 30 days, connecting to primary care); a no-show creates
 * a follow-up task; a reschedule is a new appointment the old one names.
 * Each use case is one transaction, guarded as a change to the client's
 * record and audited.
 */
#ifndef CC_APPOINTMENT_H
#define CC_APPOINTMENT_H

#include "ctx.h"
#include "worklist.h"

typedef struct appointment {
    int64_t id, client_id;
    char kind[20]; /* pcp specialist home-visit accompanied-visit snf-visit
                      phone-call */
    char specialty[48];
    char with_org[24]; /* the directory code of the organization, "" none */
    int64_t staff_id;  /* whose agenda it is on; 0 in: the actor */
    char place[96];
    char when[17]; /* in: local "YYYY-MM-DD HH:MM" (or leave it "" and set at) */
    char at[21];   /* the instant, UTC */
    int minutes;   /* 0 in: 30 */
    int transport, interpreter;
    int no_reminder; /* in: no reminder task the day before */
    char status[12]; /* booked kept no-show cancelled rescheduled */
    char reason[128];
    int64_t rescheduled_to;
    int64_t version;
    /* out, from the last use case */
    int64_t task_done;  /* the protocol task booking or keeping it completed */
    int64_t task_new;   /* the reminder (booking) or the no-show follow-up */
    int64_t contact_id; /* the contact keeping a visit or call logged */
} appointment;

#define APPOINTMENT_KINDS                                                              \
    "pcp,specialist,home-visit,accompanied-visit,snf-visit,phone-call"

/* Book a for its client (sets id, at, version, task_new, task_done). A pcp
 * or specialist appointment names an organization; a specialist one its
 * specialty; the time is to come and within a year. */
int appointment_book(cc_ctx *ctx, appointment *a, cc_err *err);

/* Set the status of appointment id read at version to "kept", "no-show" or
 * "cancelled" (reason required for cancelled). Only a booked appointment
 * changes, kept and no-show only once its time has come. out gets the row
 * as saved and what it did (task_done, task_new, contact_id). CC_ECONFLICT
 * if someone changed it first. */
int appointment_mark(cc_ctx *ctx, int64_t id, int64_t version, const char *status,
                     const char *reason, appointment *out, cc_err *err);

/* Move appointment id (read at version) to when (local "YYYY-MM-DD HH:MM")
 * with a reason: the old one becomes "rescheduled" and names the new one,
 * which is booked with its own reminder; out gets the new one. */
int appointment_reschedule(cc_ctx *ctx, int64_t id, int64_t version, const char *when,
                           const char *reason, appointment *out, cc_err *err);

/* One appointment (guarded as a read of its client's record). */
int appointment_get(cc_ctx *ctx, int64_t id, appointment *out, cc_err *err);

/* The agenda from local date from for days (1..31): the appointments
 * (booked, kept, no-show) and open tasks due on the agenda of the reader
 * (and those they cover), or with team of everyone on the reader's teams, in
 * time order, with the client's risk, address or phone and what is due.
 * Open tasks overdue by up to 14 days come first. Columns: when, who,
 * client, name, risk, what, reach, state, ref ("appt:ID" or "task:ID"). */
int agenda_list(cc_ctx *ctx, const char *from, int days, int team, cc_table *out,
                cc_err *err);

#endif
