/*
 * adt.h — an HL7 v2 ADT encounter notification as carecoord reads it: the
 * event (dispatched on MSH-9 components 1 and 2, never on the structure in
 * component 3), who sent it, the patient's identifiers with their
 * assigning authority or facility, name, birth date and sex, and the visit
 * (class, location, visit number, disposition, admit and discharge times).
 * Checked against what each event needs; the core decides what it means.
 */
#ifndef CC_IO_ADT_H
#define CC_IO_ADT_H

#include "hl7.h"

#define ADT_MAX_IDS 8

typedef struct adt_id {
    char value[64];
    char authority[64]; /* CX-4 assigning authority (namespace id) */
    char facility[64];  /* CX-6 assigning facility, else the authority */
} adt_id;

typedef struct adt_event {
    char event[4];             /* A01 ... A40 */
    char sending_facility[64]; /* MSH-4 */
    char sent_at[21];          /* MSH-7 as ISO UTC */
    char control_id[64];       /* MSH-10 */
    char processing[4];        /* MSH-11: P, T or D */
    char version[16];          /* MSH-12 */
    char recorded_at[21];      /* EVN-2 (else MSH-7) */
    char occurred_at[21];      /* EVN-6, "" if absent */
    adt_id id[ADT_MAX_IDS];    /* PID-3, every repetition */
    int nid;
    char family[64], given[64]; /* PID-5, the first repetition */
    char dob[21];               /* PID-7 as YYYY-MM-DD */
    char sex[4];                /* PID-8 */
    char patient_class[4];      /* PV1-2: E, I, O, ... */
    char location[128];         /* PV1-3 point of care^room^bed^facility */
    char visit_number[64];      /* PV1-19 */
    char disposition[16];       /* PV1-36 */
    char admit_at[21];          /* PV1-44 */
    char discharge_at[21];      /* PV1-45 */
    adt_id prior[ADT_MAX_IDS];  /* A40: MRG-1, the identifiers retired */
    int nprior;
} adt_event;

/* The events carecoord applies, comma-separated (for messages). */
const char *adt_events(void);

/* Read m into ev. HL7_OK, or the table 0357 code with e naming the segment
 * and field (an unsupported message type or event, a missing or malformed
 * required field). A T or D processing id is read like P; the caller only
 * acknowledges it. */
enum hl7_code adt_read(const hl7_msg *m, adt_event *ev, hl7_error *e);

/* The instant the event happened: the discharge time for A03, the admit
 * time for A01/A04, else EVN-6, EVN-2, MSH-7. */
const char *adt_when(const adt_event *ev);

#endif
