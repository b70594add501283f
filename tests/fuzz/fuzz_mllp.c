/*
 * fuzz_mllp.c — libFuzzer target for the MLLP reader: the input is cut
 * into reads at the sizes its first bytes give, so frames split anywhere.
 */
#include <stdint.h>
#include <stdlib.h>

#include "io/mllp.h"

static int seen(void *arg, const char *msg, size_t n)
{
    (void)arg;
    if (msg && n > (1 << 20))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mllp r = {0};
    size_t i = 0, k = 0;
    while (i < size) {
        size_t chunk = 1 + (k < size ? data[k++] % 64 : 16);
        if (chunk > size - i)
            chunk = size - i;
        mllp_feed(&r, data + i, chunk, seen, NULL);
        i += chunk;
    }
    mllp_free(&r);
    return 0;
}
