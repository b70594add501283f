/*
 * fuzz_text.c — libFuzzer target for the sanitizer every database string
 * passes before output: the result is valid for a terminal (no control
 * character, no bidirectional override) and fits its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[4096], out[256], cut[64];
    if (size >= sizeof in)
        size = sizeof in - 1;
    memcpy(in, data, size);
    in[size] = '\0';
    size_t n = text_sanitize(in, out, sizeof out, size & 1);
    if (n >= sizeof out || strlen(out) != n)
        abort();
    if (!text_is_clean(out) && !(size & 1))
        abort();
    text_fit(out, 20, cut, sizeof cut, 0);
    if (text_width(cut) > 20)
        abort();
    return 0;
}
