/*
 * test_lineedit.c — unit tests for ui/lineedit.c, the readline-style editing
 * of a form's free text: UTF-8 typed a byte at a time, the cursor stepping
 * over whole characters ("Müller", "李", a combining accent), insertion in
 * the middle and its refusal when the buffer is full, each delete and kill,
 * cursors written behind the editor's back, and the horizontal scroll.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/lineedit.h"

#define UE  "\xC3\xBC"     /* ü: two bytes */
#define LI  "\xE6\x9D\x8E" /* 李: three bytes, two columns */
#define ACU "\xCC\x81"     /* U+0301 COMBINING ACUTE ACCENT: zero width */

/* Run edit on a copy of s with the cursor at cur; compare the text and the
 * cursor after, and what it returned. */
static void check_edit(lineedit_fn *edit, const char *s, size_t cur, const char *want,
                       size_t want_cur, int want_changed)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    assert_int_equal(edit(buf, &cur), want_changed);
    assert_string_equal(buf, want);
    assert_int_equal(cur, want_cur);
}

/* Type the bytes of s one at a time; the characters that come out, joined. */
static void type_bytes(const char *s, char *out, size_t outsz)
{
    lineedit_utf8 u = {0};
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = s; *p; p++) {
        size_t n = lineedit_utf8_feed(&u, (unsigned char)*p);
        if (n && len + n < outsz) {
            memcpy(out + len, u.seq, n);
            out[len += n] = '\0';
        }
    }
}

/* ---- typing a byte at a time ---- */

static void test_utf8_feed_whole_characters(void **state)
{
    lineedit_utf8 u = {0};
    (void)state;
    assert_int_equal(lineedit_utf8_feed(&u, 'M'), 1);
    assert_memory_equal(u.seq, "M", 1);
    assert_int_equal(lineedit_utf8_feed(&u, 0xC3), 0);
    assert_int_equal(lineedit_utf8_feed(&u, 0xBC), 2);
    assert_memory_equal(u.seq, UE, 2);
    assert_int_equal(lineedit_utf8_feed(&u, 0xE6), 0);
    assert_int_equal(lineedit_utf8_feed(&u, 0x9D), 0);
    assert_int_equal(lineedit_utf8_feed(&u, 0x8E), 3);
    assert_memory_equal(u.seq, LI, 3);
    assert_int_equal(lineedit_utf8_feed(&u, 0xF0), 0); /* U+1F600, four bytes */
    assert_int_equal(lineedit_utf8_feed(&u, 0x9F), 0);
    assert_int_equal(lineedit_utf8_feed(&u, 0x98), 0);
    assert_int_equal(lineedit_utf8_feed(&u, 0x80), 4);
}

static void test_utf8_feed_drops_what_is_not_utf8(void **state)
{
    char out[32];
    (void)state;
    type_bytes("M" UE "ller", out, sizeof out);
    assert_string_equal(out, "M" UE "ller");
    /* a stray continuation, bytes that start nothing, a lead cut short by
     * an ASCII letter (which still counts) */
    type_bytes("a\x80"
               "b\xFF\xC0\xF5"
               "c\xC3"
               "d\xE6\x9D"
               "e",
               out, sizeof out);
    assert_string_equal(out, "abcde");
}

/* ---- the cursor ---- */

static void test_clamp_past_the_end_and_inside_a_character(void **state)
{
    (void)state;
    assert_int_equal(lineedit_clamp("M" UE "ller", 100), 7);
    assert_int_equal(lineedit_clamp("M" UE "ller", 7), 7);
    assert_int_equal(lineedit_clamp("M" UE "ller", 2), 1); /* inside ü */
    assert_int_equal(lineedit_clamp(LI "x", 2), 0);
    assert_int_equal(lineedit_clamp("e" ACU "x", 1), 0); /* on the accent */
    assert_int_equal(lineedit_clamp("", 5), 0);
}

static void test_left_and_right_by_character(void **state)
{
    (void)state;
    /* "Müller": M 0, ü 1-2, l 3 */
    check_edit(lineedit_right, "M" UE "ller", 0, "M" UE "ller", 1, 0);
    check_edit(lineedit_right, "M" UE "ller", 1, "M" UE "ller", 3, 0);
    check_edit(lineedit_left, "M" UE "ller", 3, "M" UE "ller", 1, 0);
    check_edit(lineedit_left, "M" UE "ller", 1, "M" UE "ller", 0, 0);
    check_edit(lineedit_left, "M" UE "ller", 0, "M" UE "ller", 0, 0);
    check_edit(lineedit_right, "M" UE "ller", 7, "M" UE "ller", 7, 0);
    check_edit(lineedit_right, LI LI, 0, LI LI, 3, 0);
    check_edit(lineedit_left, LI LI, 6, LI LI, 3, 0);
    /* an accent goes with its letter */
    check_edit(lineedit_right, "e" ACU "x", 0, "e" ACU "x", 3, 0);
    check_edit(lineedit_left, "e" ACU "x", 3, "e" ACU "x", 0, 0);
    /* a cursor past the end is the end */
    check_edit(lineedit_left, "abc", 99, "abc", 2, 0);
}

static void test_start_and_end(void **state)
{
    (void)state;
    check_edit(lineedit_start, "M" UE "ller", 5, "M" UE "ller", 0, 0);
    check_edit(lineedit_end, "M" UE "ller", 0, "M" UE "ller", 7, 0);
    check_edit(lineedit_end, "", 0, "", 0, 0);
}

/* ---- inserting ---- */

static void test_insert_at_the_start_middle_and_end(void **state)
{
    char buf[32] = "Mller";
    size_t cur = 1;
    (void)state;
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, UE, 2), 0);
    assert_string_equal(buf, "M" UE "ller");
    assert_int_equal(cur, 3);
    cur = 0;
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, LI, 3), 0);
    assert_string_equal(buf, LI "M" UE "ller");
    assert_int_equal(cur, 3);
    cur = 500; /* past the end: at the end */
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, "!", 1), 0);
    assert_string_equal(buf, LI "M" UE "ller!");
    assert_int_equal(cur, strlen(buf));
}

static void test_insert_refuses_to_overflow(void **state)
{
    char buf[8] = "abcdef";
    size_t cur = 3;
    (void)state;
    /* a two-byte character would leave no room for the NUL: refused whole */
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, UE, 2), -1);
    assert_string_equal(buf, "abcdef");
    assert_int_equal(cur, 3);
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, "X", 1), 0);
    assert_string_equal(buf, "abcXdef"); /* 7 bytes and the NUL: full */
    assert_int_equal(lineedit_insert(buf, sizeof buf, &cur, "Y", 1), -1);
    assert_string_equal(buf, "abcXdef");
    assert_int_equal(cur, 4);
}

static void test_insert_fills_a_form_value_exactly(void **state)
{
    char value[512] = "";
    size_t cur = 0;
    int taken = 0;
    (void)state;
    for (int i = 0; i < 600; i++)
        taken += lineedit_insert(value, sizeof value, &cur, "x", 1) == 0;
    assert_int_equal(taken, 511);
    assert_int_equal(strlen(value), 511);
    assert_int_equal(cur, 511);
}

/* ---- deleting and killing ---- */

static void test_backspace_and_delete(void **state)
{
    (void)state;
    check_edit(lineedit_backspace, "M" UE "ller", 3, "Mller", 1, 1);
    check_edit(lineedit_backspace, "M" UE "ller", 0, "M" UE "ller", 0, 0);
    check_edit(lineedit_backspace, "abc", 99, "ab", 2, 1);
    check_edit(lineedit_backspace, "e" ACU "x", 3, "x", 0, 1);
    check_edit(lineedit_delete, "M" UE "ller", 1, "Mller", 1, 1);
    check_edit(lineedit_delete, LI "x", 0, "x", 0, 1);
    check_edit(lineedit_delete, "M" UE "ller", 7, "M" UE "ller", 7, 0);
}

static void test_kill_to_start_and_to_end(void **state)
{
    (void)state;
    check_edit(lineedit_kill_start, "hello world", 6, "world", 0, 1);
    check_edit(lineedit_kill_start, "hello", 0, "hello", 0, 0);
    check_edit(lineedit_kill_start, LI "ab", 3, "ab", 0, 1);
    check_edit(lineedit_kill_end, "hello world", 5, "hello", 5, 1);
    check_edit(lineedit_kill_end, "hello", 5, "hello", 5, 0);
    check_edit(lineedit_kill_end, "M" UE "ller", 2, "M", 1, 1); /* inside ü */
}

static void test_kill_word_as_readline(void **state)
{
    (void)state;
    check_edit(lineedit_kill_word, "one two", 7, "one ", 4, 1);
    /* spaces before the cursor go with the word before them */
    check_edit(lineedit_kill_word, "one two   ", 10, "one ", 4, 1);
    check_edit(lineedit_kill_word, "one two", 3, " two", 0, 1);
    check_edit(lineedit_kill_word, "Frau M" UE "ller", 12, "Frau ", 5, 1);
    check_edit(lineedit_kill_word, "a " LI LI, 8, "a ", 2, 1);
    check_edit(lineedit_kill_word, "   ", 3, "", 0, 1);
    check_edit(lineedit_kill_word, "one", 0, "one", 0, 0);
}

/* ---- measuring and scrolling ---- */

static void test_width_as_drawn(void **state)
{
    (void)state;
    assert_int_equal(lineedit_width("M" UE "ller", 0, 7), 6);
    assert_int_equal(lineedit_width(LI "x", 0, 4), 3);
    assert_int_equal(lineedit_width(LI "x", 3, 4), 1);
    assert_int_equal(lineedit_width("e" ACU, 0, 3), 1);
    assert_int_equal(lineedit_width("\xFF\xFF"
                                    "ab",
                                    0, 4),
                     4); /* each a '?' */
    assert_int_equal(lineedit_char_end(LI "x", 0), 3);
    assert_int_equal(lineedit_char_end("x", 1), 1);
}

static void test_scroll_keeps_the_cursor_in_view(void **state)
{
    const char *s = "abcdefghij";
    (void)state;
    assert_int_equal(lineedit_scroll("abc", 3, 0, 5), 0); /* it fits */
    /* at the end: "ghij" and the cursor's cell fill 5 columns */
    assert_int_equal(lineedit_scroll(s, 10, 0, 5), 6);
    assert_int_equal(lineedit_scroll(s, 9, 6, 5), 6);  /* still in view: kept */
    assert_int_equal(lineedit_scroll(s, 3, 6, 5), 3);  /* left of it: follows */
    assert_int_equal(lineedit_scroll(s, 0, 6, 5), 0);  /* at the start */
    assert_int_equal(lineedit_scroll(s, 10, 3, 5), 6); /* right of it */
    /* text hidden on the left comes back when the right has room */
    assert_int_equal(lineedit_scroll("abcdefg", 7, 6, 5), 3);
    /* wide characters: two columns each, and the cursor's cell */
    assert_int_equal(lineedit_scroll(LI LI LI LI, 12, 0, 5), 6);
    assert_int_equal(lineedit_scroll(LI LI LI LI, 3, 6, 5), 3);
    assert_int_equal(lineedit_scroll(LI LI LI LI, 9, 0, 5), 6);
    /* a first byte inside a character, or past the cursor, is made valid */
    assert_int_equal(lineedit_scroll(LI LI LI LI, 6, 4, 5), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_feed_whole_characters),
        cmocka_unit_test(test_utf8_feed_drops_what_is_not_utf8),
        cmocka_unit_test(test_clamp_past_the_end_and_inside_a_character),
        cmocka_unit_test(test_left_and_right_by_character),
        cmocka_unit_test(test_start_and_end),
        cmocka_unit_test(test_insert_at_the_start_middle_and_end),
        cmocka_unit_test(test_insert_refuses_to_overflow),
        cmocka_unit_test(test_insert_fills_a_form_value_exactly),
        cmocka_unit_test(test_backspace_and_delete),
        cmocka_unit_test(test_kill_to_start_and_to_end),
        cmocka_unit_test(test_kill_word_as_readline),
        cmocka_unit_test(test_width_as_drawn),
        cmocka_unit_test(test_scroll_keeps_the_cursor_in_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
