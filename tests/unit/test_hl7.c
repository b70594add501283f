/*
 * test_hl7.c — the HL7 v2 reader against what the region's exchange sends:
 * delimiters from MSH-1/MSH-2 (not only the usual |^~\&), CR, LF and CRLF
 * segment ends, MLLP framing and batch envelopes, escape sequences decoded
 * and then sanitized, repetitions of PID-3 and PID-5, times with and
 * without an offset, the ADT fields of every event, each table 0357 error
 * with its segment and field, and the ACK with sender and receiver swapped.
 * Synthetic patients only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/adt.h"
#include "io/hl7.h"
#include "util/clock.h"

#define A03                                                                             \
    "MSH|^~\\&|EPIC|NGH|CARECOORD|REGION|20261120083000-0500||ADT^A03^ADT_A03|MSG0001|" \
    "P|2.5.1\r"                                                                         \
    "EVN|A03|20261120082900-0500\r"                                                     \
    "PID|1||MRN123^^^NGH^MR^NGH~998877^^^HIE^PI||Okafor-Lind^Mara^J~Lind^Mara||"        \
    "19440312|F\r"                                                                      \
    "PV1|1|I|4W^412^B^NGH||||||||||||||||V5551|||||||||||||||||01||||||||2026111"        \
    "4101500-0500|20261120080000-0500\r"

static void parse_ok(const char *text, hl7_msg *m)
{
    hl7_error e;
    enum hl7_code rc = hl7_parse(text, strlen(text), m, &e);
    if (rc != HL7_OK)
        print_error("hl7_parse: %d %s\n", rc, e.text);
    assert_int_equal(rc, HL7_OK);
}

static void read_ok(const char *text, adt_event *ev)
{
    hl7_msg m;
    hl7_error e;
    parse_ok(text, &m);
    enum hl7_code rc = adt_read(&m, ev, &e);
    if (rc != HL7_OK)
        print_error("adt_read: %d %s-%d %s\n", rc, e.segment, e.field, e.text);
    assert_int_equal(rc, HL7_OK);
    hl7_msg_free(&m);
}

/* Read the failure of text: its code, segment and field. */
static void expect_error(const char *text, enum hl7_code code, const char *seg,
                         int field)
{
    hl7_msg m;
    hl7_error e;
    adt_event ev;
    enum hl7_code rc = hl7_parse(text, strlen(text), &m, &e);
    if (rc == HL7_OK)
        rc = adt_read(&m, &ev, &e);
    hl7_msg_free(&m);
    if (rc != code)
        print_error("got %d (%s-%d %s), wanted %d\n", rc, e.segment, e.field, e.text,
                    code);
    assert_int_equal(rc, code);
    assert_string_equal(e.segment, seg);
    assert_int_equal(e.field, field);
    assert_true(strlen(e.text) > 0);
}

static void test_discharge_fields(void **state)
{
    (void)state;
    adt_event ev;
    read_ok(A03, &ev);
    assert_string_equal(ev.event, "A03");
    assert_string_equal(ev.sending_facility, "NGH");
    assert_string_equal(ev.control_id, "MSG0001");
    assert_string_equal(ev.processing, "P");
    assert_string_equal(ev.version, "2.5.1");
    assert_string_equal(ev.sent_at, "2026-11-20T13:30:00Z");
    assert_string_equal(ev.recorded_at, "2026-11-20T13:29:00Z");
    assert_int_equal(ev.nid, 2);
    assert_string_equal(ev.id[0].value, "MRN123");
    assert_string_equal(ev.id[0].authority, "NGH");
    assert_string_equal(ev.id[0].facility, "NGH");
    assert_string_equal(ev.id[1].value, "998877");
    assert_string_equal(ev.id[1].facility, "HIE"); /* no CX-6: the authority */
    assert_string_equal(ev.family, "Okafor-Lind");
    assert_string_equal(ev.given, "Mara");
    assert_string_equal(ev.dob, "1944-03-12");
    assert_string_equal(ev.sex, "F");
    assert_string_equal(ev.patient_class, "I");
    assert_string_equal(ev.location, "4W 412-B @NGH");
    assert_string_equal(ev.visit_number, "V5551");
    assert_string_equal(ev.disposition, "01");
    assert_string_equal(ev.admit_at, "2026-11-14T15:15:00Z");
    assert_string_equal(ev.discharge_at, "2026-11-20T13:00:00Z");
    assert_string_equal(notice_when(&ev), "2026-11-20T13:00:00Z");
}

/* Other delimiters, given by MSH-1 and MSH-2, and LF or CRLF ends. */
static void test_delimiters_and_line_ends(void **state)
{
    (void)state;
    adt_event ev;
    read_ok("MSH#*@!%#SND#NGH#R#F#202611201200##ADT*A01#C2#P#2.3\n"
            "PID#1##X9*%*%*NGH##Brandt*Ole##19500101#M\r\n"
            "PV1#1#E\r\n",
            &ev);
    assert_string_equal(ev.event, "A01");
    assert_string_equal(ev.id[0].value, "X9");
    assert_string_equal(ev.id[0].authority, "NGH");
    assert_string_equal(ev.family, "Brandt");
    assert_string_equal(ev.patient_class, "E");
    assert_string_equal(ev.sent_at, "2026-11-20T12:00:00Z"); /* TZ=UTC: local */
}

/* \F\ \S\ \T\ \R\ \E\ and \Xhh\ decode; a control character that arrives
 * through an escape is sanitized away, never kept. */
static void test_escapes_decoded_then_sanitized(void **state)
{
    (void)state;
    hl7_msg m;
    char v[128];
    parse_ok("MSH|^~\\&|A|B|C|D|202611201200||ADT^A08|C3|P|2.5\r"
             "PID|1||7^^^NGH||O\\T\\Brien\\S\\x\\F\\y\\R\\z\\E\\^Ann\\X41\\\r"
             "NTE|1||bad\\X1B5B324A\\text\\X0D0A\\end\r",
             &m);
    const hl7_seg *pid = hl7_segment(&m, "PID", 0);
    hl7_get(&m, pid, 5, 0, 1, 0, v, sizeof v);
    assert_string_equal(v, "O&Brien^x|y~z\\");
    hl7_get(&m, pid, 5, 0, 2, 0, v, sizeof v);
    assert_string_equal(v, "AnnA");
    hl7_get(&m, hl7_segment(&m, "NTE", 0), 3, 0, 0, 0, v, sizeof v);
    assert_null(strchr(v, '\x1b'));
    assert_null(strchr(v, '\r'));
    assert_non_null(strstr(v, "bad"));
    assert_non_null(strstr(v, "end"));
    hl7_msg_free(&m);
}

static void test_reps_and_null(void **state)
{
    (void)state;
    hl7_msg m;
    char v[64];
    parse_ok("MSH|^~\\&|A|B|C|D|202611201200||ADT^A08|C4|P|2.5\r"
             "PID|1||1~2~3||\"\"\r",
             &m);
    const hl7_seg *pid = hl7_segment(&m, "PID", 0);
    assert_int_equal(hl7_reps(&m, pid, 3), 3);
    hl7_get(&m, pid, 3, 2, 1, 0, v, sizeof v);
    assert_string_equal(v, "3");
    assert_int_equal(hl7_get(&m, pid, 3, 5, 1, 0, v, sizeof v), 0);
    assert_int_equal(hl7_get(&m, pid, 5, 0, 0, 0, v, sizeof v), 0); /* "" is null */
    assert_int_equal(hl7_get(&m, pid, 40, 0, 0, 0, v, sizeof v), 0);
    hl7_get(&m, hl7_segment(&m, "MSH", 0), 2, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "^~\\&");
    hl7_msg_free(&m);
}

static void test_times(void **state)
{
    (void)state;
    char out[21];
    assert_int_equal(hl7_time("20261120083000-0500", 1, out), 0);
    assert_string_equal(out, "2026-11-20T13:30:00Z");
    assert_int_equal(hl7_time("202611200830+0100", 1, out), 0);
    assert_string_equal(out, "2026-11-20T07:30:00Z");
    assert_int_equal(hl7_time("20261120083015.123", 1, out), 0);
    assert_string_equal(out, "2026-11-20T08:30:15Z");
    assert_int_equal(hl7_time("19440312", 0, out), 0);
    assert_string_equal(out, "1944-03-12");
    assert_int_equal(hl7_time("20261120", 1, out), -1); /* a date, no time */
    assert_int_equal(hl7_time("20261320083000", 1, out), -1);
    assert_int_equal(hl7_time("2026112008x0", 1, out), -1);
    assert_int_equal(hl7_time("202611200830-05", 1, out), -1);
    assert_int_equal(hl7_time("", 0, out), -1);
    /* the site's zone applies when no offset is given */
    assert_int_equal(clock_set_zone("America/Chicago"), 0);
    assert_int_equal(hl7_time("202607011200", 1, out), 0);
    assert_string_equal(out, "2026-07-01T17:00:00Z");
    assert_int_equal(clock_set_zone("UTC"), 0);
}

/* Every event, and its required fields. */
static void test_events_and_errors(void **state)
{
    (void)state;
    adt_event ev;
    read_ok("MSH|^~\\&|A|LMC|C|D|202611201200||ADT^A40^ADT_A39|C5|P|2.5\r"
            "PID|1||NEW1^^^LMC\rMRG|OLD1^^^LMC~OLD2^^^LMC\r",
            &ev);
    assert_int_equal(ev.nprior, 2);
    assert_string_equal(ev.prior[1].value, "OLD2");
    /* the structure in MSH-9.3 does not decide the event */
    read_ok("MSH|^~\\&|A|LMC|C|D|202611201200||ADT^A04^ADT_A01|C6|T|2.5\r"
            "PID|1||N^^^LMC\rPV1|1|E\r",
            &ev);
    assert_string_equal(ev.processing, "T");

    expect_error("PID|1||X\r", HL7_SEGMENT_SEQUENCE, "MSH", 0);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ORU^R01|C|P|2.5\rPID|1||X\r",
                 HL7_UNSUPPORTED_TYPE, "MSH", 9);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A99|C|P|2.5\rPID|1||X\r",
                 HL7_UNSUPPORTED_EVENT, "MSH", 9);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01||P|2.5\rPID|1||X\r",
                 HL7_REQUIRED_MISSING, "MSH", 10);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|X|2.5\rPID|1||X\r",
                 HL7_UNSUPPORTED_PROCESSING, "MSH", 11);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|3.0\rPID|1||X\r",
                 HL7_UNSUPPORTED_VERSION, "MSH", 12);
    expect_error("MSH|^~\\&|A|B|C|D|2026||ADT^A01|C|P|2.5\rPID|1||X\r", HL7_DATA_TYPE,
                 "MSH", 7);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|2.5\rPV1|1|I\r",
                 HL7_SEGMENT_SEQUENCE, "PID", 0);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|2.5\rPID|1||\rPV1|1|I\r",
                 HL7_REQUIRED_MISSING, "PID", 3);
    expect_error(
        "MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|2.5\rPID|1||X||N||19441332\r"
        "PV1|1|I\r",
        HL7_DATA_TYPE, "PID", 7);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|2.5\rPID|1||X\r",
                 HL7_SEGMENT_SEQUENCE, "PV1", 0);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C|P|2.5\rPID|1||X\rPV1|1\r",
                 HL7_REQUIRED_MISSING, "PV1", 2);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A03|C|P|2.5\rPID|1||X\rPV1|1|I\r",
                 HL7_REQUIRED_MISSING, "PV1", 45);
    expect_error("MSH|^~\\&|A|B|C|D|202611201200||ADT^A40|C|P|2.5\rPID|1||X\r",
                 HL7_SEGMENT_SEQUENCE, "MRG", 0);
    expect_error("MSH|^^\\&|A|B\r", HL7_DATA_TYPE, "MSH", 2);
}

struct collected {
    int n;
    char first[8][8];
    int line[8];
};

static int collect(void *arg, const char *msg, size_t n, int number, int line)
{
    struct collected *c = arg;
    assert_int_equal(number, c->n + 1);
    if (c->n < 8) {
        snprintf(c->first[c->n], sizeof c->first[c->n], "%.*s", (int)(n < 7 ? n : 7),
                 msg);
        c->line[c->n] = line;
    }
    c->n++;
    return 0;
}

/* MLLP frames, batch envelopes and blank lines between messages. */
static void test_split(void **state)
{
    (void)state;
    const char file[] = "FHS|^~\\&|HIE\r\nBHS|^~\\&|HIE\r\n"
                        "MSH|^~\\&|A|B|C|D|202611201200||ADT^A01|C1|P|2.5\r\n"
                        "PID|1||X\r\n\r\n"
                        "MSH|^~\\&|A|B|C|D|202611201200||ADT^A03|C2|P|2.5\n"
                        "PID|1||Y\n"
                        "BTS|2\rFTS|1\r"
                        "\x0bMSH|^~\\&|A|B|C|D|202611201200||ADT^A08|C3|P|2.5\r"
                        "PID|1||Z\r\x1c\r"
                        "\x0bMSH|^~\\&|A|B|C|D|202611201200||ADT^A08|C4|P|2.5\r\x1c\r";
    struct collected c = {0};
    assert_int_equal(hl7_split(file, sizeof file - 1, collect, &c), 4);
    assert_int_equal(c.n, 4);
    for (int i = 0; i < 4; i++)
        assert_string_equal(c.first[i], "MSH|^~\\");
    assert_int_equal(c.line[0], 3);
    assert_int_equal(c.line[1], 6);
    /* stray text outside a message is handed on (to fail), not dropped */
    struct collected d = {0};
    assert_int_equal(hl7_split("hello\rMSH|^~\\&|A\r", 17, collect, &d), 2);
    assert_string_equal(d.first[0], "hello");
}

static void test_ack(void **state)
{
    (void)state;
    hl7_msg m;
    hl7_msg ack;
    hl7_error e = {0};
    char out[1024], v[128];
    parse_ok(A03, &m);
    size_t n = hl7_ack(&m, "AA", NULL, "20261120120000", "ACK1", out, sizeof out);
    assert_true(n > 0);
    parse_ok(out, &ack);
    const hl7_seg *msh = hl7_segment(&ack, "MSH", 0);
    hl7_get(&ack, msh, 3, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "CARECOORD");
    hl7_get(&ack, msh, 4, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "REGION");
    hl7_get(&ack, msh, 5, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "EPIC");
    hl7_get(&ack, msh, 6, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "NGH");
    hl7_get(&ack, msh, 9, 0, 1, 0, v, sizeof v);
    assert_string_equal(v, "ACK");
    hl7_get(&ack, msh, 9, 0, 2, 0, v, sizeof v);
    assert_string_equal(v, "A03");
    hl7_get(&ack, hl7_segment(&ack, "MSA", 0), 1, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "AA");
    hl7_get(&ack, hl7_segment(&ack, "MSA", 0), 2, 0, 0, 0, v, sizeof v);
    assert_string_equal(v, "MSG0001");
    assert_null(hl7_segment(&ack, "ERR", 0));
    hl7_msg_free(&ack);

    hl7_fail(&e, HL7_REQUIRED_MISSING, "PID", 3, "PID-3 is required | here");
    assert_true(hl7_ack(&m, "AE", &e, "20261120120000", "ACK2", out, sizeof out) > 0);
    parse_ok(out, &ack);
    const hl7_seg *err = hl7_segment(&ack, "ERR", 0);
    assert_non_null(err);
    hl7_get(&ack, err, 2, 0, 1, 0, v, sizeof v);
    assert_string_equal(v, "PID");
    hl7_get(&ack, err, 2, 0, 3, 0, v, sizeof v);
    assert_string_equal(v, "3");
    hl7_get(&ack, err, 3, 0, 1, 0, v, sizeof v);
    assert_string_equal(v, "101");
    hl7_get(&ack, err, 3, 0, 2, 0, v, sizeof v);
    assert_string_equal(v, "PID-3 is required | here"); /* escaped, then decoded */
    hl7_get(&ack, err, 3, 0, 3, 0, v, sizeof v);
    assert_string_equal(v, "HL70357");
    hl7_msg_free(&ack);
    assert_int_equal(hl7_ack(&m, "AA", NULL, "x", "y", out, 32), 0);
    hl7_msg_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discharge_fields),
        cmocka_unit_test(test_delimiters_and_line_ends),
        cmocka_unit_test(test_escapes_decoded_then_sanitized),
        cmocka_unit_test(test_reps_and_null),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_events_and_errors),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_ack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
