/*
 * fuzz_hl7.c — libFuzzer target for the HL7 reader: any bytes through the
 * splitter, each message through the parser, the ADT reader, every field
 * getter and the acknowledgement. Nothing may crash, leak or overflow, and
 * no value leaves hl7_get with a control character in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/adt.h"
#include "io/hl7.h"

static void check_clean(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            abort();
}

static int one(void *arg, const char *msg, size_t n, int number, int line)
{
    hl7_msg m;
    hl7_error e;
    adt_event ev;
    char out[4096], v[256];
    (void)arg, (void)number, (void)line;
    if (hl7_parse(msg, n, &m, &e) == HL7_OK) {
        adt_read(&m, &ev, &e);
        check_clean(ev.family);
        check_clean(ev.location);
        for (int s = 0; s < m.nseg && s < 8; s++)
            for (int f = 1; f < 12; f++) {
                hl7_get(&m, &m.seg[s], f, 0, 1, 1, v, sizeof v);
                check_clean(v);
                hl7_get(&m, &m.seg[s], f, 1, 0, 0, v, sizeof v);
                check_clean(v);
            }
        hl7_ack(&m, "AE", &e, "20261120120000", "ACK", out, sizeof out);
    }
    hl7_msg_free(&m);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hl7_split((const char *)data, size, one, NULL);
    return 0;
}
