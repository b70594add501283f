/*
 * test_io.c — the byte-level readers of src/io: MLLP framing (a message
 * split across reads, several in one read, bytes between frames, an end
 * byte with or without its CR, an oversized frame dropped) and the RFC 4180
 * reader (quotes, doubled quotes, line breaks inside quotes, CRLF, a BOM,
 * each malformed record reported with its line and skipped; a field of the
 * maximum length, a record of too many fields that ends its line, lone CR
 * line ends).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/hl7.h"
#include "io/mllp.h"

struct got {
    int n, oversize;
    char msg[4][64];
};

static int got_one(void *arg, const char *msg, size_t n)
{
    struct got *g = arg;
    if (!msg) {
        g->oversize++;
        return 0;
    }
    if (g->n < 4)
        snprintf(g->msg[g->n], sizeof g->msg[g->n], "%.*s", (int)n, msg);
    g->n++;
    return 0;
}

static void feed(mllp *r, const char *bytes, size_t n, struct got *g)
{
    assert_int_equal(mllp_feed(r, (const uint8_t *)bytes, n, got_one, g), 0);
}

static void test_mllp_split_and_joined(void **state)
{
    (void)state;
    mllp r = {0};
    struct got g = {0};
    const char two[] = "\x0bMSH|one\r\x1c\r\x0bMSH|two\r\x1c\r";
    feed(&r, two, sizeof two - 1, &g); /* back to back in one read */
    assert_int_equal(g.n, 2);
    assert_string_equal(g.msg[0], "MSH|one\r");
    assert_string_equal(g.msg[1], "MSH|two\r");
    const char three[] = "noise\x0bMSH|thr\x1c";
    for (size_t i = 0; i < sizeof three - 1; i++) /* one byte at a time */
        feed(&r, three + i, 1, &g);
    assert_int_equal(g.n, 3); /* delivered at the end byte, before its CR */
    assert_string_equal(g.msg[2], "MSH|thr");
    feed(&r, "\r", 1, &g);
    feed(&r, "\x0bMSH|four\x1c\x0bMSH|five\x1c\r", 21, &g); /* no CR between */
    assert_int_equal(g.n, 5);
    feed(&r, "\x0bMSH|half", 9, &g);
    feed(&r, "\x0bMSH|restart\x1c\r", 15, &g); /* a new start drops the half */
    assert_int_equal(g.n, 6);
    mllp_free(&r);
}

static void test_mllp_oversize_dropped(void **state)
{
    (void)state;
    mllp r = {0};
    struct got g = {0};
    size_t big = HL7_MAX_MESSAGE + 10;
    char *b = malloc(big);
    assert_non_null(b);
    memset(b, 'x', big);
    b[0] = 0x0b;
    b[big - 1] = 0x1c;
    feed(&r, b, big, &g);
    free(b);
    assert_int_equal(g.oversize, 1);
    assert_int_equal(g.n, 0);
    feed(&r, "\r\x0bMSH|ok\x1c\r", 11, &g);
    assert_int_equal(g.n, 1); /* and the next one is read as usual */
    mllp_free(&r);
}

static void test_mllp_frame(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(mllp_frame("MSH|x", 5, out, sizeof out), 8);
    assert_memory_equal(out, "\x0bMSH|x\x1c\r", 8);
    assert_int_equal(mllp_frame("MSH|x", 5, out, 7), 0);
}

static void test_csv_rfc4180(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBF"
                        "family,given,note\r\n"
                        "Okafor,\"Mara, J.\",\"said \"\"call after 5\"\"\"\r\n"
                        "\n"
                        "Lind,Ole,\"two\nlines\"\n"
                        "Brandt,,\n"
                        "last,row,no newline";
    csv_reader r;
    csv_record rec;
    char why[80];
    csv_open(&r, data, sizeof data - 1);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_int_equal(rec.n, 3);
    assert_string_equal(rec.field[0], "family"); /* the BOM is gone */
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[1], "Mara, J.");
    assert_string_equal(rec.field[2], "said \"call after 5\"");
    assert_int_equal(rec.line, 2);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[2], "two\nlines");
    assert_int_equal(rec.line, 4);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_int_equal(rec.n, 3);
    assert_string_equal(rec.field[2], "");
    assert_int_equal(rec.line, 6);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[2], "no newline");
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 0);
}

static void test_csv_malformed(void **state)
{
    (void)state;
    const char data[] = "a,\"open\n"
                        "never closed\n";
    csv_reader r;
    csv_record rec;
    char why[80] = "";
    csv_open(&r, data, sizeof data - 1);
    /* the quote is never closed: everything after is inside it */
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    assert_non_null(strstr(why, "not closed"));
    csv_record_free(&rec);
    const char data2[] = "b,\"x\"y,z\nc,ok\n";
    csv_open(&r, data2, sizeof data2 - 1);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    assert_non_null(strstr(why, "after a closing quote"));
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1); /* the next line */
    assert_string_equal(rec.field[0], "c");
    assert_int_equal(rec.line, 2);
    csv_record_free(&rec);
    const char nul[] = "a,b\0c\n";
    csv_open(&r, nul, sizeof nul - 1);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    csv_record_free(&rec);
}

/* A field of exactly CSV_MAX_FIELD bytes is read; one byte more is not. */
static void test_csv_field_limit(void **state)
{
    (void)state;
    size_t len = CSV_MAX_FIELD + 8;
    char *data = malloc(2 * len);
    csv_reader r;
    csv_record rec;
    char why[80] = "";
    assert_non_null(data);
    memset(data, 'x', CSV_MAX_FIELD);
    memcpy(data + CSV_MAX_FIELD, "\nok\n", 4);
    csv_open(&r, data, CSV_MAX_FIELD + 4);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_int_equal(strlen(rec.field[0]), CSV_MAX_FIELD);
    csv_record_free(&rec);
    memset(data, 'x', CSV_MAX_FIELD + 1);
    memcpy(data + CSV_MAX_FIELD + 1, "\nok\n", 4);
    csv_open(&r, data, CSV_MAX_FIELD + 5);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    assert_non_null(strstr(why, "over 4096"));
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[0], "ok");
    assert_int_equal(rec.line, 2);
    csv_record_free(&rec);
    free(data);
}

/* A record with too many fields that ends its line is refused alone: the
 * next record is still read (it used to be skipped as "the rest"). */
static void test_csv_too_many_fields(void **state)
{
    (void)state;
    char data[512] = "";
    csv_reader r;
    csv_record rec;
    char why[80] = "";
    for (int i = 0; i < CSV_MAX_FIELDS + 1; i++)
        strcat(data, i ? ",f" : "f");
    strcat(data, "\nnext,row\n");
    csv_open(&r, data, strlen(data));
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    assert_non_null(strstr(why, "more than 64 fields"));
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[0], "next");
    assert_int_equal(rec.line, 2);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 0);
}

/* Lone CR line ends (old Macintosh exports) count as lines everywhere:
 * blank lines, inside quotes, and when a bad line is skipped (which used
 * to run to the end of the file). */
static void test_csv_cr_lines(void **state)
{
    (void)state;
    const char data[] = "a,b\r\r\"two\rlines\",c\rbad,\"x\"y\rlast,row\r";
    csv_reader r;
    csv_record rec;
    char why[80] = "";
    csv_open(&r, data, sizeof data - 1);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_int_equal(rec.line, 1);
    assert_string_equal(rec.field[1], "b");
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_int_equal(rec.line, 3); /* after the blank line 2 */
    assert_string_equal(rec.field[0], "two\rlines");
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), -1);
    assert_int_equal(rec.line, 5);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 1);
    assert_string_equal(rec.field[0], "last");
    assert_int_equal(rec.line, 6);
    csv_record_free(&rec);
    assert_int_equal(csv_next(&r, &rec, why, sizeof why), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mllp_split_and_joined),
        cmocka_unit_test(test_mllp_oversize_dropped),
        cmocka_unit_test(test_mllp_frame),
        cmocka_unit_test(test_csv_rfc4180),
        cmocka_unit_test(test_csv_malformed),
        cmocka_unit_test(test_csv_field_limit),
        cmocka_unit_test(test_csv_too_many_fields),
        cmocka_unit_test(test_csv_cr_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
