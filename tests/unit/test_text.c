/*
 * test_text.c — unit tests for util/text.c: sanitizing untrusted strings for
 * the terminal, and measuring, truncating and fitting them by display column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"

#define ELL "\xE2\x80\xA6" /* U+2026 HORIZONTAL ELLIPSIS */

/* Sanitize in with a roomy buffer and compare with want (and its length). */
static void check_sanitize(const char *in, int keep_newlines, const char *want)
{
    char out[256];
    size_t n = text_sanitize(in, out, sizeof out, keep_newlines);

    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

/* ---- text_sanitize: escapes and controls ---- */

static void test_sanitize_csi_clear_screen(void **state)
{
    (void)state;
    check_sanitize("\x1b[2J", 0, "?[2J");
    check_sanitize("Ann\x1b[2JSmith", 0, "Ann?[2JSmith");
}

static void test_sanitize_osc_title(void **state)
{
    (void)state;
    check_sanitize("\x1b]0;x\x07", 0, "?]0;x?");
}

static void test_sanitize_c1_csi(void **state)
{
    (void)state;
    /* U+009B CSI encoded as C2 9B is a two-byte sequence: one '?'. */
    check_sanitize("a\xC2\x9B"
                   "2Jb",
                   0, "a?2Jb");
    /* U+0080 and U+009F, the ends of the C1 range. */
    check_sanitize("\xC2\x80\xC2\x9F", 0, "??");
    /* U+00A0 (NBSP) is just past C1 and passes. */
    check_sanitize("\xC2\xA0", 0, "\xC2\xA0");
}

static void test_sanitize_bidi(void **state)
{
    (void)state;
    /* U+202E RIGHT-TO-LEFT OVERRIDE */
    check_sanitize("Ann\xE2\x80\xAEhtimS", 0, "Ann?htimS");
    /* U+202A and U+202D, and U+2066 / U+2069 isolates */
    check_sanitize("\xE2\x80\xAA\xE2\x80\xAD", 0, "??");
    check_sanitize("\xE2\x81\xA6x\xE2\x81\xA9", 0, "?x?");
    /* U+200E LRM, U+200F RLM, U+061C ARABIC LETTER MARK */
    check_sanitize("\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", 0, "???");
    /* Neighbours that are not on the list pass: U+2027, U+202F, U+2065. */
    check_sanitize("\xE2\x80\xA7\xE2\x80\xAF\xE2\x81\xA5", 0,
                   "\xE2\x80\xA7\xE2\x80\xAF\xE2\x81\xA5");
}

static void test_sanitize_line_separators(void **state)
{
    (void)state;
    /* U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR end a line for
     * JavaScript, editors and some terminals: never in a name or a note,
     * not even with keep_newlines. */
    check_sanitize("Ann\xE2\x80\xA8Smith\xE2\x80\xA9", 0, "Ann?Smith?");
    check_sanitize("a\xE2\x80\xA8\nb", 1, "a?\nb");
    assert_false(text_is_clean("x\xE2\x80\xA8y"));
    assert_false(text_is_clean("x\xE2\x80\xA9y"));
}

static void test_sanitize_del(void **state)
{
    (void)state;
    check_sanitize("a\x7f"
                   "b",
                   0, "a?b");
    check_sanitize("~", 0, "~");
}

static void test_sanitize_all_c0(void **state)
{
    char in[2] = {0, 0};
    char out[8];
    int c;

    (void)state;
    for (c = 1; c < 0x20; c++) {
        in[0] = (char)c;
        assert_int_equal(text_sanitize(in, out, sizeof out, 0), 1);
        assert_string_equal(out, "?");
        text_sanitize(in, out, sizeof out, 1);
        assert_string_equal(out, c == '\n' ? "\n" : "?");
    }
}

static void test_sanitize_tab_newline(void **state)
{
    (void)state;
    check_sanitize("a\tb\nc\r\n", 0, "a?b?c??");
    check_sanitize("a\tb\nc\r\n", 1, "a?b\nc?\n");
}

/* ---- text_sanitize: invalid UTF-8 ---- */

static void test_sanitize_lone_continuation(void **state)
{
    (void)state;
    check_sanitize("a\x80"
                   "b",
                   0, "a?b");
    check_sanitize("\xBF\xBF", 0, "??");
}

static void test_sanitize_overlong(void **state)
{
    (void)state;
    /* C0 AF is an overlong '/': one invalid sequence, one '?'. */
    check_sanitize("\xC0\xAF", 0, "?");
    check_sanitize("a\xC0\xAF"
                   "b",
                   0, "a?b");
    /* Overlong NUL, three-byte overlong '/', four-byte overlong. */
    check_sanitize("\xC0\x80", 0, "?");
    check_sanitize("\xE0\x80\xAF", 0, "?");
    check_sanitize("\xF0\x80\x80\xAF", 0, "?");
    /* Overlong ESC must not smuggle an ESC through. */
    check_sanitize("\xC0\x9B[2J", 0, "?[2J");
}

static void test_sanitize_surrogate(void **state)
{
    (void)state;
    check_sanitize("\xED\xA0\x80", 0, "?");
    check_sanitize("\xED\xBF\xBF", 0, "?");
    /* U+D7FF and U+E000 on either side are fine. */
    check_sanitize("\xED\x9F\xBF\xEE\x80\x80", 0, "\xED\x9F\xBF\xEE\x80\x80");
}

static void test_sanitize_above_max(void **state)
{
    (void)state;
    check_sanitize("\xF4\x90\x80\x80", 0, "?");                /* U+110000 */
    check_sanitize("\xF4\x8F\xBF\xBF", 0, "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
    check_sanitize("\xF8\x88\x80\x80\x80", 0, "?????");
    check_sanitize("\xFE\xFF", 0, "??");
}

static void test_sanitize_truncated(void **state)
{
    (void)state;
    check_sanitize("abc\xC3", 0, "abc?");
    check_sanitize("abc\xE4\xB8", 0, "abc?");
    check_sanitize("abc\xF0\x9F\x98", 0, "abc?");
    /* A sequence cut short by ASCII keeps the ASCII, even an ESC. */
    check_sanitize("\xE4\xB8x", 0, "?x");
    check_sanitize("\xC3\x1b[2J", 0, "??[2J");
}

/* ---- text_sanitize: output buffer limits ---- */

static void test_sanitize_outsz_zero(void **state)
{
    char out[4] = "zzz";

    (void)state;
    assert_int_equal(text_sanitize("abc", out, 0, 0), 0);
    assert_string_equal(out, "zzz"); /* untouched */
    assert_int_equal(text_sanitize("abc", NULL, 0, 0), 0);
}

static void test_sanitize_outsz_one(void **state)
{
    char out[4] = "zzz";

    (void)state;
    assert_int_equal(text_sanitize("abc", out, 1, 0), 0);
    assert_string_equal(out, "");
}

static void test_sanitize_small_never_splits(void **state)
{
    /* "é" is C3 A9; "中" is E4 B8 AD. */
    const char *in = "a\xC3\xA9\xE4\xB8\xAD"
                     "b";
    char out[16];
    size_t sz;

    (void)state;
    memset(out, 'z', sizeof out);
    assert_int_equal(text_sanitize(in, out, 3, 0), 1);
    assert_string_equal(out, "a");
    assert_int_equal(text_sanitize(in, out, 4, 0), 3);
    assert_string_equal(out, "a\xC3\xA9");
    assert_int_equal(text_sanitize(in, out, 6, 0), 3);
    assert_string_equal(out, "a\xC3\xA9");
    assert_int_equal(text_sanitize(in, out, 7, 0), 6);
    assert_string_equal(out, "a\xC3\xA9\xE4\xB8\xAD");
    for (sz = 1; sz <= sizeof out; sz++) {
        memset(out, 'z', sizeof out);
        size_t n = text_sanitize(in, out, sz, 0);
        assert_true(n < sz);
        assert_int_equal(out[n], '\0');
        assert_true(text_is_clean(out)); /* no half sequence at the end */
    }
}

static void test_sanitize_small_replacement(void **state)
{
    char out[8];

    (void)state;
    /* Room for "ab" plus '?' for the ESC, not for the '['. */
    assert_int_equal(text_sanitize("ab\x1b[", out, 4, 0), 3);
    assert_string_equal(out, "ab?");
}

static void test_sanitize_in_place(void **state)
{
    char buf[32] = "x\xC2\x9B\xE2\x80\xAEy\xED\xA0\x80z";

    (void)state;
    assert_int_equal(text_sanitize(buf, buf, sizeof buf, 0), 6);
    assert_string_equal(buf, "x??y?z");
    /* The "é" moves back by one byte onto itself: overlapping copy. */
    strcpy(buf, "\xC0\xAF\xC3\xA9\xE4\xB8\xAD");
    assert_int_equal(text_sanitize(buf, buf, sizeof buf, 0), 6);
    assert_string_equal(buf, "?\xC3\xA9\xE4\xB8\xAD");
}

static void test_sanitize_null_input(void **state)
{
    char out[4] = "zzz";

    (void)state;
    assert_int_equal(text_sanitize(NULL, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
}

/* ---- text_sanitize: clean text passes ---- */

static void test_sanitize_clean_names(void **state)
{
    static const char *names[] = {
        "Ann Smith",
        "Zo\xC3\xAB M\xC3\xBCller-\xC3\x85str\xC3\xB6m", /* Zoë Müller-Åström */
        "Jos\303\251 Garc\303\255a", /* octal: "\xAD" would swallow the 'a' */
        "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E",     /* 王小明 */
        "\xEA\xB9\x80\xEB\xAF\xBC\xEC\xA4\x80",     /* 김민준 */
        "\xD0\x9E\xD0\xBB\xD1\x8C\xD0\xB3\xD0\xB0", /* Ольга */
        "e\xCC\x81",                                /* e + combining acute */
        "\xF0\x9F\x98\x80 ok",                      /* emoji */
        "O'Brien, Mary-Kate (\"MK\") 100% ~",
        "",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        check_sanitize(names[i], 0, names[i]);
        assert_true(text_is_clean(names[i]));
    }
}

/* ---- text_is_clean ---- */

static void test_is_clean(void **state)
{
    (void)state;
    assert_true(text_is_clean("plain"));
    assert_true(text_is_clean(""));
    assert_false(text_is_clean("a\x1b[0m"));
    assert_false(text_is_clean("tab\there"));
    assert_false(text_is_clean("line\n"));
    assert_false(text_is_clean("del\x7f"));
    assert_false(text_is_clean("\xC2\x9B"));
    assert_false(text_is_clean("\xE2\x80\xAE"));
    assert_false(text_is_clean("\xE2\x81\xA6"));
    assert_false(text_is_clean("\x80"));
    assert_false(text_is_clean("\xC0\xAF"));
    assert_false(text_is_clean("\xED\xA0\x80"));
    assert_false(text_is_clean("ok\xE4\xB8"));
    assert_false(text_is_clean(NULL));
}

static void test_is_clean_after_sanitize(void **state)
{
    static const char *dirty[] = {
        "\x1b]0;x\x07", "\xC2\x9B",         "\xE2\x80\xAE", "\xC0\xAF",
        "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\xE4\xB8",    "\t\r\x7f",
    };
    char out[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof dirty / sizeof dirty[0]; i++) {
        assert_false(text_is_clean(dirty[i]));
        text_sanitize(dirty[i], out, sizeof out, 0);
        assert_true(text_is_clean(out));
    }
}

/* ---- text_width ---- */

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width("Ann Smith"), 9);
    assert_int_equal(text_width("Jos\xC3\xA9"), 4);              /* José */
    assert_int_equal(text_width("\xE7\x8E\x8B\xE5\xB0\x8F"), 4); /* 王小 */
    assert_int_equal(text_width("\xEA\xB9\x80"), 2);             /* 김 */
    assert_int_equal(text_width("\xEF\xBC\xA1"), 2);             /* fullwidth A */
    assert_int_equal(text_width("\xF0\x9F\x98\x80"), 2);         /* U+1F600 */
    assert_int_equal(text_width("e\xCC\x81"), 1);                /* e + U+0301 */
    assert_int_equal(text_width("a\xE2\x80\x8B"
                                "b"),
                     2); /* zero-width space */
    assert_int_equal(text_width(ELL), 1);
    assert_int_equal(text_width("\xC3\xA9\xE4\xB8\xAD"
                                "b"),
                     4);
}

static void test_width_boundaries(void **state)
{
    (void)state;
    assert_int_equal(text_width("\xE1\x84\x80"), 2);     /* U+1100 */
    assert_int_equal(text_width("\xE1\x85\xA0"), 1);     /* U+1160 */
    assert_int_equal(text_width("\xE9\xBF\xBF"), 2);     /* U+9FFF */
    assert_int_equal(text_width("\xEA\x80\x80"), 2);     /* U+A000 */
    assert_int_equal(text_width("\xED\x9E\xA3"), 2);     /* U+D7A3 */
    assert_int_equal(text_width("\xED\x9E\xA4"), 1);     /* U+D7A4 */
    assert_int_equal(text_width("\xCB\xBF"), 1);         /* U+02FF */
    assert_int_equal(text_width("\xCC\x80"), 0);         /* U+0300 */
    assert_int_equal(text_width("\xCD\xAF"), 0);         /* U+036F */
    assert_int_equal(text_width("\xCD\xB0"), 1);         /* U+0370 */
    assert_int_equal(text_width("\xF0\xA0\x80\x80"), 2); /* U+20000 */
}

static void test_width_nonprintable(void **state)
{
    (void)state;
    assert_int_equal(text_width("\t"), 1);
    assert_int_equal(text_width("\x1b"), 1);
    assert_int_equal(text_width("\xC0\xAF"), 1);
    assert_int_equal(text_width("\x80\x80"), 2);
}

/* ---- text_truncate ---- */

static void test_truncate_fits(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(text_truncate("Smith", 10, out, sizeof out, 0), 5);
    assert_string_equal(out, "Smith");
    /* exact fit: no ellipsis */
    assert_int_equal(text_truncate("Smith", 5, out, sizeof out, 0), 5);
    assert_string_equal(out, "Smith");
    assert_int_equal(text_truncate("", 5, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
}

static void test_truncate_one_over(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(text_truncate("Smiths", 5, out, sizeof out, 0), 5);
    assert_string_equal(out, "Smit" ELL);
    assert_int_equal(text_truncate("Smiths", 5, out, sizeof out, 1), 5);
    assert_string_equal(out, "Smit~");
    assert_int_equal(text_width(out), 5);
}

static void test_truncate_nonpositive(void **state)
{
    char out[8] = "zzz";

    (void)state;
    assert_int_equal(text_truncate("Smith", 0, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
    strcpy(out, "zzz");
    assert_int_equal(text_truncate("Smith", -3, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
}

static void test_truncate_width_one(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(text_truncate("Smith", 1, out, sizeof out, 0), 1);
    assert_string_equal(out, ELL);
    assert_int_equal(text_truncate("S", 1, out, sizeof out, 0), 1);
    assert_string_equal(out, "S");
    assert_int_equal(text_truncate("\xE7\x8E\x8B", 1, out, sizeof out, 1), 1);
    assert_string_equal(out, "~");
}

static void test_truncate_wide_boundary(void **state)
{
    /* "a王小明" is 1 + 2 + 2 + 2 = 7 columns. */
    const char *s = "a\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E";
    char out[64];

    (void)state;
    assert_int_equal(text_truncate(s, 7, out, sizeof out, 0), 7);
    assert_string_equal(out, s);
    /* 6 cols: "a王" (3) + "小" would reach 5, plus ellipsis 6. */
    assert_int_equal(text_truncate(s, 6, out, sizeof out, 0), 6);
    assert_string_equal(out, "a\xE7\x8E\x8B\xE5\xB0\x8F" ELL);
    /* 5 cols: "小" would end at col 5, leaving no room for "…": drop it. */
    assert_int_equal(text_truncate(s, 5, out, sizeof out, 0), 4);
    assert_string_equal(out, "a\xE7\x8E\x8B" ELL);
    assert_true(text_width(out) <= 5);
    /* 2 cols: "王" cannot sit half in. */
    assert_int_equal(text_truncate(s, 2, out, sizeof out, 1), 2);
    assert_string_equal(out, "a~");
}

static void test_truncate_combining_kept(void **state)
{
    /* "e" + U+0301 then "xyz": the accent stays with its letter. */
    char out[64];

    (void)state;
    assert_int_equal(text_truncate("e\xCC\x81xyz", 2, out, sizeof out, 0), 2);
    assert_string_equal(out, "e\xCC\x81" ELL);
}

static void test_truncate_width_never_exceeds(void **state)
{
    const char *s = "J\xC3\xB6rg \xE7\x8E\x8B\xE5\xB0\x8F e\xCC\x81 \xF0\x9F\x98\x80!";
    char out[64];
    int cols;

    (void)state;
    for (cols = 0; cols <= text_width(s) + 1; cols++) {
        int w = text_truncate(s, cols, out, sizeof out, 0);
        assert_true(w <= cols);
        assert_int_equal(w, text_width(out));
        assert_true(text_is_clean(out));
        if (cols >= text_width(s))
            assert_string_equal(out, s);
        else if (cols == 0)
            assert_string_equal(out, "");
        else
            assert_non_null(strstr(out, ELL));
    }
}

static void test_truncate_small_buffer(void **state)
{
    char out[16];
    size_t sz;

    (void)state;
    /* Fits in columns but not in bytes: still ends with an ellipsis. */
    assert_int_equal(text_truncate("abcdefgh", 20, out, 6, 0), 3);
    assert_string_equal(out, "ab" ELL);
    /* Buffer too small for "…": fall back to "~" rather than split it. */
    assert_int_equal(text_truncate("abcdefgh", 20, out, 3, 0), 2);
    assert_string_equal(out, "a~");
    assert_int_equal(text_truncate("abcdefgh", 20, out, 2, 0), 1);
    assert_string_equal(out, "~");
    assert_int_equal(text_truncate("abc", 20, out, 1, 0), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_truncate("abc", 20, NULL, 0, 0), 0);
    for (sz = 1; sz <= sizeof out; sz++) {
        int w = text_truncate("\xE7\x8E\x8B\xC3\xA9\xE5\xB0\x8Fxyz", 8, out, sz, 0);
        assert_true(strlen(out) < sz);
        assert_true(text_is_clean(out));
        assert_int_equal(w, text_width(out));
    }
}

static void test_truncate_unsanitized_input(void **state)
{
    char out[64];

    (void)state;
    /* Contract says sanitize first; even so, nothing unsafe gets through. */
    assert_int_equal(text_truncate("a\x1b[2J\xE2\x80\xAE\xC0", 40, out, sizeof out, 0),
                     7);
    assert_string_equal(out, "a?[2J??");
}

/* ---- text_fit ---- */

static void test_fit_pad(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(text_fit("Ann", 6, out, sizeof out, 0), 6);
    assert_string_equal(out, "Ann   ");
    assert_int_equal(text_fit("", 3, out, sizeof out, 0), 3);
    assert_string_equal(out, "   ");
    assert_int_equal(text_fit("\xE7\x8E\x8B", 3, out, sizeof out, 0), 3);
    assert_string_equal(out, "\xE7\x8E\x8B ");
}

static void test_fit_exact_and_over(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(text_fit("Smith", 5, out, sizeof out, 0), 5);
    assert_string_equal(out, "Smith");
    assert_int_equal(text_fit("Smiths", 5, out, sizeof out, 0), 5);
    assert_string_equal(out, "Smit" ELL);
    assert_int_equal(text_fit("Smiths", 5, out, sizeof out, 1), 5);
    assert_string_equal(out, "Smit~");
}

static void test_fit_wide_overflow_pads(void **state)
{
    char out[64];

    (void)state;
    /* "a王b" (4 cols) in 3: "a" + "…" = 2, the 王 cannot fit, pad. */
    assert_int_equal(text_fit("a\xE7\x8E\x8B"
                              "b",
                              3, out, sizeof out, 0),
                     3);
    assert_string_equal(out, "a" ELL " ");
    /* "王小" (4 cols) in 3: "王" + "…". */
    assert_int_equal(text_fit("\xE7\x8E\x8B\xE5\xB0\x8F", 3, out, sizeof out, 0), 3);
    assert_string_equal(out, "\xE7\x8E\x8B" ELL);
    /* "王小" in 2: "王" would leave no room for "~", so "~" + space. */
    assert_int_equal(text_fit("\xE7\x8E\x8B\xE5\xB0\x8F", 2, out, sizeof out, 1), 2);
    assert_string_equal(out, "~ ");
}

static void test_fit_nonpositive_and_small(void **state)
{
    char out[8] = "zzz";

    (void)state;
    assert_int_equal(text_fit("abc", 0, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_fit("abc", -1, out, sizeof out, 0), 0);
    assert_string_equal(out, "");
    /* Buffer smaller than the padding: stays in bounds, terminated. */
    assert_int_equal(text_fit("ab", 10, out, 5, 0), 4);
    assert_string_equal(out, "ab  ");
    assert_int_equal(text_fit("ab", 10, NULL, 0, 0), 0);
}

/* Wrapping: at the last space that fits, by display width, never inside
 * a UTF-8 sequence, a word wider than the line is cut, nothing is lost. */
static void test_wrap_len(void **state)
{
    (void)state;
    const char *s = "not saved: an appointment is booked for a time to come";
    assert_int_equal(text_wrap_len(s, strlen(s), 80), strlen(s)); /* fits */
    assert_int_equal(text_wrap_len(s, strlen(s), 20), strlen("not saved: an "));
    const char *wide = "李李李 李李";
    assert_int_equal(text_wrap_len(wide, strlen(wide), 7), strlen("李李李 "));
    assert_int_equal(text_wrap_len(wide, strlen(wide), 5), strlen("李李")); /* cut */
    const char *word = "Müllerstraße";
    assert_int_equal(text_wrap_len(word, strlen(word), 2), strlen("Mü"));
    assert_int_equal(text_wrap_len("", 0, 10), 0);
    assert_int_equal(text_wrap_len("李", 3, 1), 3); /* progress, a whole character */
    /* the pieces put back together are the whole message */
    char rebuilt[128] = "";
    for (size_t at = 0, n = strlen(s); at < n;) {
        size_t k = text_wrap_len(s + at, n - at, 17);
        assert_true(k > 0);
        strncat(rebuilt, s + at, k);
        at += k;
    }
    assert_string_equal(rebuilt, s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_csi_clear_screen),
        cmocka_unit_test(test_sanitize_osc_title),
        cmocka_unit_test(test_sanitize_c1_csi),
        cmocka_unit_test(test_sanitize_bidi),
        cmocka_unit_test(test_sanitize_line_separators),
        cmocka_unit_test(test_sanitize_del),
        cmocka_unit_test(test_sanitize_all_c0),
        cmocka_unit_test(test_sanitize_tab_newline),
        cmocka_unit_test(test_sanitize_lone_continuation),
        cmocka_unit_test(test_sanitize_overlong),
        cmocka_unit_test(test_sanitize_surrogate),
        cmocka_unit_test(test_sanitize_above_max),
        cmocka_unit_test(test_sanitize_truncated),
        cmocka_unit_test(test_sanitize_outsz_zero),
        cmocka_unit_test(test_sanitize_outsz_one),
        cmocka_unit_test(test_sanitize_small_never_splits),
        cmocka_unit_test(test_sanitize_small_replacement),
        cmocka_unit_test(test_sanitize_in_place),
        cmocka_unit_test(test_sanitize_null_input),
        cmocka_unit_test(test_sanitize_clean_names),
        cmocka_unit_test(test_is_clean),
        cmocka_unit_test(test_is_clean_after_sanitize),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_width_boundaries),
        cmocka_unit_test(test_width_nonprintable),
        cmocka_unit_test(test_truncate_fits),
        cmocka_unit_test(test_truncate_one_over),
        cmocka_unit_test(test_truncate_nonpositive),
        cmocka_unit_test(test_truncate_width_one),
        cmocka_unit_test(test_truncate_wide_boundary),
        cmocka_unit_test(test_truncate_combining_kept),
        cmocka_unit_test(test_truncate_width_never_exceeds),
        cmocka_unit_test(test_truncate_small_buffer),
        cmocka_unit_test(test_truncate_unsanitized_input),
        cmocka_unit_test(test_fit_pad),
        cmocka_unit_test(test_fit_exact_and_over),
        cmocka_unit_test(test_fit_wide_overflow_pads),
        cmocka_unit_test(test_fit_nonpositive_and_small),
        cmocka_unit_test(test_wrap_len),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
