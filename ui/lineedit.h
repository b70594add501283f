/*
 * lineedit.h — editing one line of text in place, as readline does, with no
 * curses: a cursor (a byte offset into the string, always where a character
 * starts), moving by a character, to the start and the end, deleting the
 * character before or under the cursor, killing to the start, to the end or
 * the word before, and inserting at the cursor without overflowing the
 * buffer. A character is what takes a cell on screen: a UTF-8 sequence and
 * the zero-width marks that follow it, measured as the text is drawn
 * (sanitized, util/text.h). The form engine (form.c) keeps one cursor per
 * field and calls these; any cursor passed in is made valid first (past the
 * end is the end), so a value written behind the editor's back is safe.
 */
#ifndef CC_UI_LINEEDIT_H
#define CC_UI_LINEEDIT_H

#include <stddef.h>

/* A motion or an edit of s at *cur (a table of them is keyed by action);
 * returns 1 if the text changed, 0 if only the cursor moved or nothing. */
typedef int lineedit_fn(char *s, size_t *cur);

/* A character being typed one byte at a time (keys come as bytes). */
typedef struct lineedit_utf8 {
    char seq[4];
    size_t have, want;
} lineedit_utf8;

/* Feed one typed byte: returns n > 0 when u->seq holds a whole character of
 * n bytes, 0 while one is incomplete or for a byte that cannot start one
 * (an incomplete character is dropped by a byte that does not continue it). */
size_t lineedit_utf8_feed(lineedit_utf8 *u, unsigned char byte);

/* cur made valid for s: at most strlen(s), moved back to a character start
 * (off a continuation byte, and off a zero-width mark to what it marks). */
size_t lineedit_clamp(const char *s, size_t cur);

/* Where the character at offset at (a character start) ends; at at the end. */
size_t lineedit_char_end(const char *s, size_t at);

/* Display columns of s from byte from to byte to (both character starts),
 * as the text is drawn (sanitized). */
int lineedit_width(const char *s, size_t from, size_t to);

/* Insert n bytes of text at the cursor (size is the buffer's, with its NUL)
 * and move the cursor past them; -1 (nothing changed) if they do not fit. */
int lineedit_insert(char *s, size_t size, size_t *cur, const char *text, size_t n);

/* A character left or right; to the start or the end (motions: return 0). */
int lineedit_left(char *s, size_t *cur);
int lineedit_right(char *s, size_t *cur);
int lineedit_start(char *s, size_t *cur);
int lineedit_end(char *s, size_t *cur);

/* Delete the character before the cursor (Backspace) or under it (Delete). */
int lineedit_backspace(char *s, size_t *cur);
int lineedit_delete(char *s, size_t *cur);

/* Kill from the start to the cursor (^U), from the cursor to the end (^K),
 * or the word before the cursor: spaces, then what is not a space (^W). */
int lineedit_kill_start(char *s, size_t *cur);
int lineedit_kill_end(char *s, size_t *cur);
int lineedit_kill_word(char *s, size_t *cur);

/* The first byte to show of s in cols columns with the cursor at cur: first
 * (where the text was shown from) kept if the cursor and its cell still fit,
 * else moved just far enough; moved back while all the text from there and
 * a cell after it (for the cursor at the end) fit, so that no room is left
 * on the right with text hidden on the left. A character start, at most
 * cur. */
size_t lineedit_scroll(const char *s, size_t cur, size_t first, int cols);

#endif
