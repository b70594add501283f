/*
 * tui.h — the entry point of the full-screen program (`carecoord` with no
 * subcommand).
 */
#ifndef CC_UI_TUI_H
#define CC_UI_TUI_H

#include "util/err.h"

typedef struct tui_opts {
    const char *db_path;
    const char *login;
    int no_color;
    int idle_lock_seconds;   /* 0: never lock */
    const char *script_path; /* test mode: keys from this file, screen dumps */
    const char (*binds)[48]; /* "KEY ACTION" rebindings */
    int nbinds;
    int login_chosen; /* the login came from --user, not the system login */
} tui_opts;

/* Run the terminal program until the person quits. CC_EUSAGE when the
 * terminal cannot be used: unknown, or gone during the run (SIGHUP, SIGTERM,
 * a terminal that hung up: the program cleans up as for a quit, then exits
 * 1 with one line saying why); CC_EREFUSED when not unlocked. */
int tui_run(const tui_opts *o, cc_err *err);

#endif
