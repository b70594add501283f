/*
 * adt.c — reading an ADT notification into an adt_event (see adt.h). The
 * table of events says which segments each needs; every field is read
 * through hl7_get (decoded, sanitized) and times through hl7_time.
 */
#include "adt.h"

#include <stdio.h>
#include <string.h>

static const struct event {
    const char *code;
    int needs_pv1, needs_mrg;
} events[] = {
    {"A01", 1, 0}, {"A02", 1, 0}, {"A03", 1, 0}, {"A04", 1, 0},
    {"A06", 1, 0}, {"A07", 1, 0}, {"A08", 1, 0}, {"A11", 1, 0},
    {"A12", 1, 0}, {"A13", 1, 0}, {"A40", 0, 1},
};

const char *adt_events(void)
{
    return "A01 A02 A03 A04 A06 A07 A08 A11 A12 A13 A40";
}

static const struct event *event_of(const char *code)
{
    for (size_t i = 0; i < sizeof events / sizeof *events; i++)
        if (!strcmp(events[i].code, code))
            return &events[i];
    return NULL;
}

/* A DTM field into out (ISO); required fields that are bad fail. */
static enum hl7_code time_field(const hl7_msg *m, const hl7_seg *s, const char *seg,
                                int field, int required, char out[21], hl7_error *e)
{
    char v[64];
    out[0] = '\0';
    if (!hl7_get(m, s, field, 0, 1, 0, v, sizeof v))
        return required ? hl7_fail(e, HL7_REQUIRED_MISSING, seg, field,
                                   "%s-%d (a time) is required", seg, field)
                        : HL7_OK;
    if (hl7_time(v, 1, out) != 0)
        return hl7_fail(e, HL7_DATA_TYPE, seg, field,
                        "%s-%d is not a time YYYYMMDDHHMM[SS][+ZZZZ]: %.40s", seg,
                        field, v);
    return HL7_OK;
}

static enum hl7_code read_msh(const hl7_msg *m, adt_event *ev, hl7_error *e)
{
    const hl7_seg *msh = hl7_segment(m, "MSH", 0);
    char type[8];
    hl7_get(m, msh, 9, 0, 1, 0, type, sizeof type);
    hl7_get(m, msh, 9, 0, 2, 0, ev->event, sizeof ev->event);
    hl7_get(m, msh, 4, 0, 1, 0, ev->sending_facility, sizeof ev->sending_facility);
    hl7_get(m, msh, 10, 0, 0, 0, ev->control_id, sizeof ev->control_id);
    hl7_get(m, msh, 11, 0, 1, 0, ev->processing, sizeof ev->processing);
    hl7_get(m, msh, 12, 0, 1, 0, ev->version, sizeof ev->version);
    if (strcmp(type, "ADT") != 0)
        return hl7_fail(e, HL7_UNSUPPORTED_TYPE, "MSH", 9,
                        "message type %.8s: only ADT is read", type);
    if (!event_of(ev->event))
        return hl7_fail(e, HL7_UNSUPPORTED_EVENT, "MSH", 9,
                        "event %.4s: carecoord reads %s", ev->event, adt_events());
    if (!ev->control_id[0])
        return hl7_fail(e, HL7_REQUIRED_MISSING, "MSH", 10,
                        "MSH-10 (message control id) is required");
    if (!ev->processing[0] || !strchr("PTD", ev->processing[0]) || ev->processing[1])
        return hl7_fail(e, HL7_UNSUPPORTED_PROCESSING, "MSH", 11,
                        "processing id %.4s: P, T or D", ev->processing);
    if (strncmp(ev->version, "2.", 2) != 0)
        return hl7_fail(e, HL7_UNSUPPORTED_VERSION, "MSH", 12,
                        "version %.16s: carecoord reads HL7 v2", ev->version);
    return time_field(m, msh, "MSH", 7, 1, ev->sent_at, e);
}

static void read_cx(const hl7_msg *m, const hl7_seg *s, int field, adt_id *out, int *n)
{
    int reps = hl7_reps(m, s, field);
    *n = 0;
    for (int r = 0; r < reps && *n < ADT_MAX_IDS; r++) {
        adt_id *id = &out[*n];
        hl7_get(m, s, field, r, 1, 0, id->value, sizeof id->value);
        hl7_get(m, s, field, r, 4, 1, id->authority, sizeof id->authority);
        hl7_get(m, s, field, r, 6, 1, id->facility, sizeof id->facility);
        if (!id->facility[0])
            snprintf(id->facility, sizeof id->facility, "%s", id->authority);
        if (id->value[0])
            (*n)++;
    }
}

static enum hl7_code read_pid(const hl7_msg *m, adt_event *ev, hl7_error *e)
{
    const hl7_seg *pid = hl7_segment(m, "PID", 0);
    char dob[32];
    if (!pid)
        return hl7_fail(e, HL7_SEGMENT_SEQUENCE, "PID", 0,
                        "the PID segment is missing");
    read_cx(m, pid, 3, ev->id, &ev->nid);
    if (!ev->nid)
        return hl7_fail(e, HL7_REQUIRED_MISSING, "PID", 3,
                        "PID-3 (patient identifier) is required");
    hl7_get(m, pid, 5, 0, 1, 1, ev->family, sizeof ev->family);
    hl7_get(m, pid, 5, 0, 2, 0, ev->given, sizeof ev->given);
    hl7_get(m, pid, 8, 0, 1, 0, ev->sex, sizeof ev->sex);
    if (hl7_get(m, pid, 7, 0, 1, 0, dob, sizeof dob) && hl7_time(dob, 0, ev->dob) != 0)
        return hl7_fail(e, HL7_DATA_TYPE, "PID", 7,
                        "PID-7 is not a date YYYYMMDD: %.20s", dob);
    return HL7_OK;
}

static enum hl7_code read_pv1(const hl7_msg *m, adt_event *ev, hl7_error *e)
{
    const hl7_seg *pv1 = hl7_segment(m, "PV1", 0);
    char part[4][24];
    enum hl7_code rc;
    if (!pv1)
        return hl7_fail(e, HL7_SEGMENT_SEQUENCE, "PV1", 0,
                        "the PV1 segment is missing");
    hl7_get(m, pv1, 2, 0, 1, 0, ev->patient_class, sizeof ev->patient_class);
    if (!ev->patient_class[0])
        return hl7_fail(e, HL7_REQUIRED_MISSING, "PV1", 2,
                        "PV1-2 (patient class) is required");
    for (int i = 0; i < 4; i++)
        hl7_get(m, pv1, 3, 0, i == 3 ? 4 : i + 1, 0, part[i], sizeof part[i]);
    snprintf(ev->location, sizeof ev->location, "%s%s%s%s%s%s%s", part[0],
             part[1][0] ? " " : "", part[1], part[2][0] ? "-" : "", part[2],
             part[3][0] ? " @" : "", part[3]);
    hl7_get(m, pv1, 19, 0, 1, 0, ev->visit_number, sizeof ev->visit_number);
    hl7_get(m, pv1, 36, 0, 1, 0, ev->disposition, sizeof ev->disposition);
    if ((rc = time_field(m, pv1, "PV1", 44, 0, ev->admit_at, e)) != HL7_OK ||
        (rc = time_field(m, pv1, "PV1", 45, !strcmp(ev->event, "A03"), ev->discharge_at,
                         e)) != HL7_OK)
        return rc;
    return HL7_OK;
}

enum hl7_code adt_read(const hl7_msg *m, adt_event *ev, hl7_error *e)
{
    enum hl7_code rc;
    memset(ev, 0, sizeof *ev);
    memset(e, 0, sizeof *e);
    if ((rc = read_msh(m, ev, e)) != HL7_OK)
        return rc;
    const struct event *what = event_of(ev->event);
    const hl7_seg *evn = hl7_segment(m, "EVN", 0);
    if (evn && ((rc = time_field(m, evn, "EVN", 2, 0, ev->recorded_at, e)) != HL7_OK ||
                (rc = time_field(m, evn, "EVN", 6, 0, ev->occurred_at, e)) != HL7_OK))
        return rc;
    if (!ev->recorded_at[0])
        snprintf(ev->recorded_at, sizeof ev->recorded_at, "%s", ev->sent_at);
    if ((rc = read_pid(m, ev, e)) != HL7_OK)
        return rc;
    if (what->needs_pv1 && (rc = read_pv1(m, ev, e)) != HL7_OK)
        return rc;
    if (what->needs_mrg) {
        const hl7_seg *mrg = hl7_segment(m, "MRG", 0);
        if (!mrg)
            return hl7_fail(e, HL7_SEGMENT_SEQUENCE, "MRG", 0,
                            "an A40 merge needs its MRG segment");
        read_cx(m, mrg, 1, ev->prior, &ev->nprior);
        if (!ev->nprior)
            return hl7_fail(e, HL7_REQUIRED_MISSING, "MRG", 1,
                            "MRG-1 (the retired identifier) is required");
    }
    return HL7_OK;
}
