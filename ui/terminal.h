/*
 * terminal.h — the terminal itself, under ncurses: opening it, wiping it
 * without leaving client data in its scrollback, and noticing that it is
 * gone. The only file that includes <term.h> (whose macros name ordinary
 * words such as lines and columns).
 */
#ifndef CC_UI_TERMINAL_H
#define CC_UI_TERMINAL_H

#include <curses.h>
#include <stddef.h>
#include <stdio.h>

/* Open the terminal named by $TERM on out/in (in test mode, name may come
 * from the caller and out/in are /dev/null); NULL with why filled if it
 * cannot be used. */
SCREEN *terminal_open(const char *name, FILE *out, FILE *in, char *why, size_t whysz);

/* Raw keys (^S and ^Q reach the program), no echo, keypad, a one-second
 * read timeout, no cursor. */
void terminal_setup(void);

/* Blank the whole terminal one line at a time (EL), never with a
 * whole-screen erase: a terminal on its main screen (vt100 has no alternate
 * screen; tmux's scroll-on-clear, VTE) moves what a whole-screen erase
 * removes into its scrollback. ncurses is told to rewrite every cell of
 * stdscr at the next refresh. */
void terminal_wipe(void);

/* After KEY_RESIZE: ncurses would clear the whole screen (see
 * terminal_wipe); wipe it line by line instead and repaint. */
void terminal_resized(void);

/* 1 if the terminal on fd has hung up (the other end of the pty closed, a
 * read error pending), 0 if it is there or cannot tell. */
int terminal_gone(int fd);

#endif
