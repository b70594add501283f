/*
 * keymap.c — the key tables, generated from actions.h: one for the screens
 * and one for forms and prompts, each with fixed aliases that follow the
 * habits of less, mutt and tig (and of readline in a form's text).
 */
#include "keymap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *key, *help;
    enum keys keys;
} defs[ACT_COUNT] = {[ACT_NONE] = {"none", "", "", KEYS_VIEW},
#define VIEW_DEF(id, name, key, help) [ACT_##id] = {name, key, help, KEYS_VIEW},
#define EDIT_DEF(id, name, key, help) [ACT_##id] = {name, key, help, KEYS_EDIT},
                     ACTIONS(VIEW_DEF) EDIT_ACTIONS(EDIT_DEF)
#undef VIEW_DEF
#undef EDIT_DEF
};

/* Aliases that are always there, whatever the rebinding. */
static const struct {
    int key;
    enum action act;
} aliases[] = {
    {KEY_DOWN, ACT_MOVE_DOWN},
    {KEY_UP, ACT_MOVE_UP},
    {' ', ACT_PAGE_DOWN},
    {'b', ACT_PAGE_UP},
    {'g', ACT_FIRST},
    {'G', ACT_LAST},
    {27, ACT_BACK},
    {KEY_ENTER, ACT_OPEN},
    {'\r', ACT_OPEN},
    {KEY_RIGHT, ACT_NEXT_TAB},
    {KEY_LEFT, ACT_PREV_TAB},
    /* forms and prompts */
    {KEY_ENTER, ACT_SUBMIT},
    {'\r', ACT_SUBMIT},
    {KEY_DOWN, ACT_NEXT_FIELD},
    {KEY_UP, ACT_PREV_FIELD},
    {127, ACT_ERASE},
    {8, ACT_ERASE},
    {KEY_RIGHT, ACT_NEXT_CHOICE},
    {KEY_DC, ACT_DELETE_CHAR},
    {KEY_HOME, ACT_LINE_START},
    {KEY_END, ACT_LINE_END},
    {'Y', ACT_YES},
    {'N', ACT_NO},
};

static const struct {
    const char *name;
    int code;
} named_keys[] = {
    {"Enter", '\n'},       {"Tab", '\t'},
    {"BackTab", KEY_BTAB}, {"Esc", 27},
    {"Space", ' '},        {"PgDn", KEY_NPAGE},
    {"PgUp", KEY_PPAGE},   {"Home", KEY_HOME},
    {"End", KEY_END},      {"Up", KEY_UP},
    {"Down", KEY_DOWN},    {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},  {"Backspace", KEY_BACKSPACE},
    {"Delete", KEY_DC},
};

static int bound[ACT_COUNT];

int keymap_parse(const char *s)
{
    for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
        if (!strcmp(s, named_keys[i].name))
            return named_keys[i].code;
    if (s[0] == '^' && s[1] >= '@' && s[1] <= '_' && !s[2])
        return s[1] - '@';
    if (s[0] && !s[1] && (unsigned char)s[0] >= ' ' && (unsigned char)s[0] < 127)
        return (unsigned char)s[0];
    return -1;
}

void keymap_reset(void)
{
    for (int a = 1; a < ACT_COUNT; a++)
        bound[a] = keymap_parse(defs[a].key);
}

static void ensure_init(void)
{
    if (!bound[ACT_QUIT])
        keymap_reset();
}

/* The action of key among the actions read where keys says, ACT_NONE if
 * none: a binding first, then an alias. */
static enum action lookup(enum keys keys, int key)
{
    if (key < 0) /* ERR; and an unbound action's key is -1 */
        return ACT_NONE;
    ensure_init();
    for (int a = 1; a < ACT_COUNT; a++)
        if (defs[a].keys == keys && bound[a] == key)
            return (enum action)a;
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (aliases[i].key == key && defs[aliases[i].act].keys == keys)
            return aliases[i].act;
    return ACT_NONE;
}

enum action keymap_action(int key)
{
    return lookup(KEYS_VIEW, key);
}

enum action keymap_edit_action(int key)
{
    return lookup(KEYS_EDIT, key);
}

enum action keymap_lookup(enum keys keys, int key)
{
    enum action act = keys == KEYS_EDIT ? lookup(KEYS_EDIT, key) : ACT_NONE;
    return act ? act : lookup(KEYS_VIEW, key);
}

int keymap_is_text(int key)
{
    return key >= 32 && key < 256 && key != 127;
}

int keymap_bind(const char *key, const char *name)
{
    int code = keymap_parse(key);
    ensure_init();
    for (int a = 1; a < ACT_COUNT && code >= 0; a++) {
        if (strcmp(defs[a].name, name) != 0)
            continue;
        for (int b = 1; b < ACT_COUNT; b++)
            if (bound[b] == code && defs[b].keys == defs[a].keys)
                bound[b] = -1; /* a key means one thing in each table */
        bound[a] = code;
        return 0;
    }
    return -1;
}

const char *keymap_key_name(enum action a)
{
    static char ring[8][12];
    static unsigned next;
    char *buf = ring[next++ % 8];
    ensure_init();
    int code = a > 0 && a < ACT_COUNT ? bound[a] : -1;
    for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
        if (named_keys[i].code == code)
            return named_keys[i].name;
    if (code > 0 && code < 32)
        snprintf(buf, sizeof ring[0], "^%c", code + '@');
    else if (code >= 32 && code < 127)
        snprintf(buf, sizeof ring[0], "%c", code);
    else
        buf[0] = '\0';
    return buf;
}

const char *action_name(enum action a)
{
    return a > 0 && a < ACT_COUNT ? defs[a].name : "";
}

const char *action_help(enum action a)
{
    return a > 0 && a < ACT_COUNT ? defs[a].help : "";
}

enum keys action_keys(enum action a)
{
    return a > 0 && a < ACT_COUNT ? defs[a].keys : KEYS_VIEW;
}
