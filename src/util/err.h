/*
 * err.h — the one error type every layer returns.
 *
 * A cc_err carries a code (the process exit status the command line uses,
 * through cc_exit_code) and a one-line, human-readable message. Lower layers fill it;
 * only the cli and ui layers ever print it, after sanitizing.
 */
#ifndef CC_ERR_H
#define CC_ERR_H

enum cc_code {
    CC_OK = 0,
    CC_EUSAGE = 1,    /* bad command line or argument */
    CC_EREFUSED = 2,  /* wrong passphrase, no permission */
    CC_EDATA = 3,     /* damaged or tampered store, I/O trouble, out of memory */
    CC_ECONFLICT = 4, /* someone else saved first */
    CC_EBUSY = 5,     /* database busy past the limit */
    CC_EINPUT = 6,    /* bad input: a value or a request the rules refuse (exit 3) */
};

typedef struct cc_err {
    int code;
    char msg[512];
} cc_err;

/* Set err (if not NULL) to code and a printf-style message; returns code. */
int cc_err_set(cc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The process exit status for code: CC_EINPUT exits 3 like a data error
 * (the command line promises 0-5); every other code is its own status. */
int cc_exit_code(int code);

/* Reset err to CC_OK with an empty message. */
void cc_err_clear(cc_err *err);

#endif
