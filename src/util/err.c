/*
 * err.c — filling a cc_err. Messages are truncated, never overflowed.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int cc_err_set(cc_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void cc_err_clear(cc_err *err)
{
    if (err) {
        err->code = CC_OK;
        err->msg[0] = '\0';
    }
}

int cc_exit_code(int code)
{
    return code == CC_EINPUT ? CC_EDATA : code;
}
