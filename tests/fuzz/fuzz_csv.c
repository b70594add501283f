/*
 * fuzz_csv.c — libFuzzer target for the RFC 4180 reader: every record of
 * any input is read or refused, the reader always moves forward.
 */
#include <stdint.h>
#include <stdlib.h>

#include "io/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_reader r;
    csv_record rec;
    char why[80];
    csv_open(&r, (const char *)data, size);
    for (;;) {
        const char *before = r.p;
        int rc = csv_next(&r, &rec, why, sizeof why);
        csv_record_free(&rec);
        if (rc == 0)
            break;
        if (r.p == before)
            abort(); /* no progress: a loop */
    }
    return 0;
}
