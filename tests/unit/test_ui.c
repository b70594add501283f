/*
 * test_ui.c — the terminal layer's arithmetic and tables, without a
 * terminal: the layout at 80x24 and below, scrolling that keeps the
 * selection visible, list movements and what they ask to redraw, and the
 * two key tables generated from the action lists (the screens', and the
 * forms' and prompts': defaults, aliases, which comes first, rebinding by
 * name in each, spellings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curses.h>
#include <string.h>

#include "ui/app.h"
#include "ui/keymap.h"
#include "ui/layout.h"
#include "ui/list.h"

static void test_layout_80x24(void **state)
{
    layout l;
    (void)state;
    layout_compute(24, 80, &l);
    assert_false(l.too_small);
    assert_int_equal(l.body_y, 2);
    assert_int_equal(l.body_h, 20);
    assert_int_equal(l.status_y, 22);
    assert_int_equal(l.footer_y, 23);
}

static void test_layout_too_small(void **state)
{
    layout l;
    (void)state;
    layout_compute(23, 80, &l);
    assert_true(l.too_small);
    layout_compute(24, 79, &l);
    assert_true(l.too_small);
    layout_compute(40, 120, &l);
    assert_false(l.too_small);
    assert_int_equal(l.body_h, 36);
}

static void test_scroll_keeps_selection_visible(void **state)
{
    (void)state;
    assert_int_equal(layout_scroll(0, 0, 10, 35), 0);
    assert_int_equal(layout_scroll(9, 0, 10, 35), 0);
    assert_int_equal(layout_scroll(10, 0, 10, 35), 1); /* one row down scrolls one */
    assert_int_equal(layout_scroll(34, 0, 10, 35), 25);
    assert_int_equal(layout_scroll(3, 20, 10, 35), 3); /* back up */
    assert_int_equal(layout_scroll(5, 30, 10, 12), 2); /* never past the end */
    assert_int_equal(layout_scroll(0, 0, 0, 5), 0);
    assert_int_equal(layout_clamp(-1, 5), 0);
    assert_int_equal(layout_clamp(7, 5), 4);
    assert_int_equal(layout_clamp(3, 0), 0);
}

static void test_list_moves(void **state)
{
    list_pos p = {0, 0};
    (void)state;
    assert_true(list_move(&p, 35, 10, ACT_MOVE_DOWN));
    assert_int_equal(p.sel, 1);
    assert_true(list_move(&p, 35, 10, ACT_PAGE_DOWN));
    assert_int_equal(p.sel, 10);
    assert_int_equal(p.top, 1);
    assert_true(list_move(&p, 35, 10, ACT_LAST));
    assert_int_equal(p.sel, 34);
    assert_int_equal(p.top, 25);
    assert_true(list_move(&p, 35, 10, ACT_MOVE_DOWN)); /* stays on the last row */
    assert_int_equal(p.sel, 34);
    assert_true(list_move(&p, 35, 10, ACT_FIRST));
    assert_int_equal(p.sel, 0);
    assert_int_equal(p.top, 0);
    assert_false(list_move(&p, 35, 10, ACT_OPEN));
    assert_true(list_move(&p, 0, 10, ACT_MOVE_DOWN));
    assert_int_equal(p.sel, 0);
}

static void test_keymap_defaults_and_aliases(void **state)
{
    (void)state;
    keymap_reset();
    assert_int_equal(keymap_action('j'), ACT_MOVE_DOWN);
    assert_int_equal(keymap_action(KEY_DOWN), ACT_MOVE_DOWN);
    assert_int_equal(keymap_action('k'), ACT_MOVE_UP);
    assert_int_equal(keymap_action('\n'), ACT_OPEN);
    assert_int_equal(keymap_action(27), ACT_BACK); /* Esc */
    assert_int_equal(keymap_action('q'), ACT_BACK);
    assert_int_equal(keymap_action('/'), ACT_FILTER);
    assert_int_equal(keymap_action('?'), ACT_HELP);
    assert_int_equal(keymap_action('\t'), ACT_NEXT_TAB);
    assert_int_equal(keymap_action('s'), ACT_SEARCH);
    assert_int_equal(keymap_action('['), ACT_PREV_QUARTER); /* the measures */
    assert_int_equal(keymap_action(']'), ACT_NEXT_QUARTER);
    assert_int_equal(keymap_action('Q'), ACT_QUIT); /* quits without asking */
    assert_int_equal(keymap_action('%'), ACT_NONE);
    assert_string_equal(keymap_key_name(ACT_OPEN), "Enter");
    assert_string_equal(keymap_key_name(ACT_REFRESH), "^L");
    assert_string_equal(action_name(ACT_SEARCH), "search");
    assert_true(strlen(action_help(ACT_HANDOFF)) > 10);
}

static void test_keymap_rebinding(void **state)
{
    (void)state;
    keymap_reset();
    assert_int_equal(keymap_bind("f", "search"), 0);
    assert_int_equal(keymap_action('f'), ACT_SEARCH);
    assert_int_not_equal(keymap_action('s'), ACT_SEARCH); /* the old key is free */
    assert_int_equal(keymap_bind("j", "move-up"), 0);     /* one key, one meaning */
    assert_int_equal(keymap_action('j'), ACT_MOVE_UP);
    assert_int_equal(keymap_action(KEY_DOWN), ACT_MOVE_DOWN); /* aliases stay */
    assert_int_equal(keymap_bind("f", "no-such-action"), -1);
    assert_int_equal(keymap_bind("NoSuchKey", "search"), -1);
    keymap_reset();
    assert_int_equal(keymap_action('s'), ACT_SEARCH);
}

static void test_keymap_spellings(void **state)
{
    (void)state;
    assert_int_equal(keymap_parse("Enter"), '\n');
    assert_int_equal(keymap_parse("^L"), 12);
    assert_int_equal(keymap_parse("PgDn"), KEY_NPAGE);
    assert_int_equal(keymap_parse("x"), 'x');
    assert_int_equal(keymap_parse(""), -1);
    assert_int_equal(keymap_parse("xy"), -1);
    assert_int_equal(keymap_parse("Backspace"), KEY_BACKSPACE);
    /* every action has a default key that parses, and no two in one table
     * share one */
    keymap_reset();
    for (int a = 1; a < ACT_COUNT; a++) {
        int code = keymap_parse(keymap_key_name((enum action)a));
        assert_true(code >= 0);
        if (action_keys((enum action)a) == KEYS_EDIT)
            assert_int_equal(keymap_edit_action(code), a);
        else
            assert_int_equal(keymap_action(code), a);
    }
}

static void test_keymap_edit_table(void **state)
{
    (void)state;
    keymap_reset();
    assert_int_equal(keymap_edit_action(27), ACT_CANCEL); /* Esc */
    assert_int_equal(keymap_edit_action(19), ACT_SAVE);   /* ^S */
    assert_int_equal(keymap_edit_action('\n'), ACT_SUBMIT);
    assert_int_equal(keymap_edit_action('\r'), ACT_SUBMIT); /* Enter under nonl() */
    assert_int_equal(keymap_edit_action(KEY_ENTER), ACT_SUBMIT);
    assert_int_equal(keymap_edit_action('\t'), ACT_NEXT_FIELD);
    assert_int_equal(keymap_edit_action(KEY_DOWN), ACT_NEXT_FIELD);
    assert_int_equal(keymap_edit_action(KEY_BTAB), ACT_PREV_FIELD);
    assert_int_equal(keymap_edit_action(KEY_UP), ACT_PREV_FIELD);
    assert_int_equal(keymap_edit_action(KEY_BACKSPACE), ACT_ERASE);
    assert_int_equal(keymap_edit_action(127), ACT_ERASE); /* DEL */
    assert_int_equal(keymap_edit_action(8), ACT_ERASE);   /* ^H */
    assert_int_equal(keymap_edit_action(' '), ACT_NEXT_CHOICE);
    assert_int_equal(keymap_edit_action(KEY_LEFT), ACT_PREV_CHOICE);
    /* editing a text field, as readline: the control keys and their aliases */
    assert_int_equal(keymap_edit_action(1), ACT_LINE_START); /* ^A */
    assert_int_equal(keymap_edit_action(KEY_HOME), ACT_LINE_START);
    assert_int_equal(keymap_edit_action(5), ACT_LINE_END); /* ^E */
    assert_int_equal(keymap_edit_action(KEY_END), ACT_LINE_END);
    assert_int_equal(keymap_edit_action(4), ACT_DELETE_CHAR); /* ^D */
    assert_int_equal(keymap_edit_action(KEY_DC), ACT_DELETE_CHAR);
    assert_int_equal(keymap_parse("Delete"), KEY_DC);
    assert_int_equal(keymap_edit_action(21), ACT_KILL_START);        /* ^U */
    assert_int_equal(keymap_edit_action(11), ACT_KILL_END);          /* ^K */
    assert_int_equal(keymap_edit_action(23), ACT_KILL_WORD);         /* ^W */
    assert_int_equal(keymap_lookup(KEYS_VIEW, KEY_HOME), ACT_FIRST); /* the lists' */
    assert_int_equal(keymap_edit_action('Y'), ACT_YES);
    assert_int_equal(keymap_edit_action('n'), ACT_NO);
    assert_int_equal(keymap_edit_action(ERR), ACT_NONE);
    assert_int_equal(keymap_edit_action('q'), ACT_NONE);
    /* the tables are apart: the screens never see a form's action */
    assert_int_equal(keymap_action(19), ACT_NONE);
    assert_int_equal(keymap_action(27), ACT_BACK);
    assert_int_equal(keymap_action('t'), ACT_TAG);
    assert_int_equal(keymap_edit_action('t'), ACT_KEEP_THEIRS);
    /* in a form, its own table first, then the screens' */
    assert_int_equal(keymap_lookup(KEYS_EDIT, 27), ACT_CANCEL);
    assert_int_equal(keymap_lookup(KEYS_EDIT, 12), ACT_REFRESH); /* ^L */
    assert_int_equal(keymap_lookup(KEYS_EDIT, 'q'), ACT_BACK);
    assert_int_equal(keymap_lookup(KEYS_VIEW, 27), ACT_BACK);
    assert_int_equal(keymap_lookup(KEYS_VIEW, 19), ACT_NONE);
    assert_int_equal(action_keys(ACT_SAVE), KEYS_EDIT);
    assert_int_equal(action_keys(ACT_SEARCH), KEYS_VIEW);
    /* text: what is typed, never looked up in a text field */
    assert_true(keymap_is_text('a'));
    assert_true(keymap_is_text(' '));
    assert_true(keymap_is_text(0xC3)); /* a UTF-8 lead byte */
    assert_false(keymap_is_text(27));
    assert_false(keymap_is_text(127));
    assert_false(keymap_is_text(KEY_LEFT));
    assert_false(keymap_is_text(ERR));
}

static void test_keymap_edit_rebinding(void **state)
{
    (void)state;
    keymap_reset();
    assert_int_equal(keymap_bind("^W", "save"), 0);
    assert_int_equal(keymap_edit_action(23), ACT_SAVE);
    assert_int_equal(keymap_edit_action(19), ACT_NONE); /* ^S is free */
    assert_string_equal(keymap_key_name(ACT_SAVE), "^W");
    assert_string_equal(keymap_key_name(ACT_KILL_WORD), ""); /* ^W was its key */
    /* one key, one meaning in each table: t in the forms' table moves, the
     * screens' t stays */
    assert_int_equal(keymap_bind("t", "merge"), 0);
    assert_int_equal(keymap_edit_action('t'), ACT_MERGE);
    assert_string_equal(keymap_key_name(ACT_KEEP_THEIRS), "");
    assert_int_equal(keymap_action('t'), ACT_TAG);
    assert_int_equal(keymap_edit_action(ERR), ACT_NONE); /* unbound is not ERR */
    assert_int_equal(keymap_bind("^W", "no-such-action"), -1);
    keymap_reset();
    assert_int_equal(keymap_edit_action(19), ACT_SAVE);
    assert_int_equal(keymap_edit_action('t'), ACT_KEEP_THEIRS);
}

static void test_keymap_key_names_in_one_line(void **state)
{
    char line[64];
    (void)state;
    keymap_reset();
    /* several names in one printf: each its own buffer */
    snprintf(line, sizeof line, "%s %s %s %s", keymap_key_name(ACT_YES),
             keymap_key_name(ACT_NO), keymap_key_name(ACT_SAVE),
             keymap_key_name(ACT_MOVE_UP));
    assert_string_equal(line, "y n ^S k");
}

static void test_move_redraws(void **state)
{
    list_pos p = {0, 0};
    (void)state;
    assert_int_equal(app_move(&p, 35, 10, ACT_MOVE_DOWN), REDRAW_VIEW);
    assert_int_equal(p.sel, 1);
    assert_int_equal(app_move(&p, 35, 10, ACT_FIRST), REDRAW_VIEW);
    assert_int_equal(app_move(&p, 35, 10, ACT_MOVE_UP), REDRAW_NONE); /* at the top */
    assert_int_equal(app_move(&p, 35, 10, ACT_FIRST), REDRAW_NONE);
    assert_int_equal(app_move(&p, 0, 10, ACT_MOVE_DOWN), REDRAW_NONE); /* empty */
    assert_int_equal(app_move(&p, 35, 10, ACT_OPEN), REDRAW_PASS);
    assert_int_equal(app_move(&p, 35, 10, ACT_LAST), REDRAW_VIEW);
    assert_int_equal(p.sel, 34);
    assert_int_equal(app_move(&p, 35, 10, ACT_PAGE_DOWN), REDRAW_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_80x24),
        cmocka_unit_test(test_layout_too_small),
        cmocka_unit_test(test_scroll_keeps_selection_visible),
        cmocka_unit_test(test_list_moves),
        cmocka_unit_test(test_keymap_defaults_and_aliases),
        cmocka_unit_test(test_keymap_rebinding),
        cmocka_unit_test(test_keymap_spellings),
        cmocka_unit_test(test_keymap_edit_table),
        cmocka_unit_test(test_keymap_edit_rebinding),
        cmocka_unit_test(test_keymap_key_names_in_one_line),
        cmocka_unit_test(test_move_redraws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
