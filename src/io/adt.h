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

#include "core/notice.h"
#include "hl7.h"

/* The core's notice (core/notice.h) is what an ADT message becomes. */
typedef notice_id adt_id;
typedef encounter_notice adt_event;
#define ADT_MAX_IDS NOTICE_MAX_IDS

/* The events carecoord applies, comma-separated (for messages). */
const char *adt_events(void);

/* Read m into ev. HL7_OK, or the table 0357 code with e naming the segment
 * and field (an unsupported message type or event, a missing or malformed
 * required field). A T or D processing id is read like P; the caller only
 * acknowledges it. */
enum hl7_code adt_read(const hl7_msg *m, adt_event *ev, hl7_error *e);

#endif
