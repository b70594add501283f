/*
 * terminal.c — opening the terminal, wiping it line by line so that nothing
 * of a client reaches the scrollback, and telling a hung-up terminal from a
 * quiet one (see terminal.h).
 *
 * Why line by line: ncurses clears the screen with `clear` (or `ed` from the
 * top-left corner) whenever it repaints from scratch (clear(), clearok(),
 * a resize). On a terminal without an alternate screen (TERM=vt100) the
 * program runs on the main screen, and tmux (scroll-on-clear, on by
 * default), VTE and others keep what such an erase removes in their
 * history: a record on screen at the idle lock, at ^L or at quitting was
 * still there in `tmux capture-pane -S -`. Erasing each line (`el`) is never
 * kept, so every wipe here goes that way and the program never asks
 * ncurses for a whole-screen clear.
 */
#include "terminal.h"

#include <poll.h>
#include <string.h>
#include <term.h>

/* The screen goes to stdout, where putp() and mvcur() write (through stdio,
 * not ncurses' own buffer); not so in test mode, which renders elsewhere. */
static int on_stdout;

SCREEN *terminal_open(const char *name, FILE *out, FILE *in, char *why, size_t whysz)
{
    on_stdout = out == stdout;
    if (!name || !*name) {
        snprintf(why, whysz, "TERM is not set: try TERM=xterm-256color");
        return NULL;
    }
    SCREEN *s = newterm(name, out, in);
    if (!s)
        snprintf(why, whysz,
                 "unknown terminal type '%s': try TERM=xterm-256color or vt100", name);
    return s;
}

void terminal_setup(void)
{
    raw(); /* ^S saves a form: it must not stop the terminal (flow control) */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    timeout(1000);
    curs_set(0);
}

/* A capability's string, NULL if the terminal has none. */
static const char *cap(const char *name)
{
    char *s = tigetstr(name);
    return s && s != (char *)-1 ? s : NULL;
}

/* Blank row y with spaces, short of the last column of the last row (where
 * a terminal without `xenl` would scroll). */
static void blank_by_spaces(int y)
{
    char spaces[1025];
    int n = COLS < 1024 ? COLS : 1024;
    if (y == LINES - 1 && n > 0)
        n--;
    memset(spaces, ' ', (size_t)n);
    spaces[n] = '\0';
    putp(spaces);
}

void terminal_wipe(void)
{
    const char *el = cap("el");
    for (int y = 0; on_stdout && y < LINES; y++) {
        vidattr(A_NORMAL);   /* ncurses tracks the attributes it set, */
        mvcur(-1, -1, y, 0); /* and where it left the cursor */
        if (el)
            putp(el);
        else
            blank_by_spaces(y);
    }
    if (on_stdout) {
        mvcur(-1, -1, 0, 0);
        fflush(stdout); /* before ncurses writes anything more of its own */
    }
    redrawwin(stdscr); /* what ncurses thought was on screen is gone */
}

void terminal_resized(void)
{
    clearok(curscr, FALSE); /* resizeterm asked for a whole-screen clear */
    terminal_wipe();
}

int terminal_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}
