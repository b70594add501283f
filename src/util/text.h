/*
 * text.h — making strings from the database safe to show, and measuring them.
 *
 * Every string that came from the database (or from any file or person) goes
 * through text_sanitize() before it reaches a screen, stderr, CSV or report:
 * C0 and C1 controls, ESC, DEL, Unicode bidi overrides/isolates/marks, the
 * line and paragraph separators and invalid UTF-8 never pass through. Width functions count terminal columns
 * (a built-in table of zero-width and East Asian wide ranges, independent of
 * the locale), so names truncate by what a person sees, not by bytes.
 */
#ifndef CC_TEXT_H
#define CC_TEXT_H

#include <stddef.h>

/* Copy in to out (size outsz, always NUL-terminated when outsz > 0) with every
 * unsafe character replaced by '?': C0 controls (tab and newline too, unless
 * keep_newlines is set, which keeps '\n' only), DEL, C1 controls
 * (U+0080..U+009F), U+061C, U+200E, U+200F, U+2028 and U+2029 (line and
 * paragraph separators), U+202A..U+202E, U+2066..U+2069, and each invalid
 * or overlong UTF-8 sequence (surrogates and values above U+10FFFF too). Never splits a UTF-8 sequence
 * at the end. Returns the number of bytes written (excluding the NUL). */
size_t text_sanitize(const char *in, char *out, size_t outsz, int keep_newlines);

/* True if s is valid UTF-8 and text_sanitize() would not change it. */
int text_is_clean(const char *s);

/* Number of bytes of s that are not spaces or tabs (for "a real reason"). */
size_t text_content_len(const char *s);

/* Display width in terminal columns of valid UTF-8 s (non-printable = 1). */
int text_width(const char *s);

/* Copy at most max_cols display columns of s into out (size outsz); when s is
 * wider, the result ends with "…" (or "~" when ascii_only) and fits max_cols.
 * Returns the width written. s must already be sanitized. */
int text_truncate(const char *s, int max_cols, char *out, size_t outsz, int ascii_only);

/* How many bytes of s (n bytes, valid UTF-8) begin its first line when it
 * is wrapped to cols display columns: the longest prefix that fits, ending
 * after a space when there is one, never inside a UTF-8 sequence; at least
 * one whole character while n > 0. */
size_t text_wrap_len(const char *s, size_t n, int cols);

/* Pad or truncate s to exactly cols display columns (left-aligned). */
int text_fit(const char *s, int cols, char *out, size_t outsz, int ascii_only);

#endif
