/*
 * keymap.h — keys to actions. Defaults come from actions.h; extra keys
 * (arrows, Esc, Space) are fixed aliases; any action can be rebound by name.
 */
#ifndef CC_UI_KEYMAP_H
#define CC_UI_KEYMAP_H

#include "actions.h"

/* The action bound to key (an ncurses key code or character), ACT_NONE if
 * none. */
enum action keymap_action(int key);

/* Bind key spelled as in actions.h ("j", "Enter", "^L", "PgDn") to the action
 * named name. Returns 0, or -1 if either is unknown. */
int keymap_bind(const char *key, const char *name);

/* Restore the default bindings. */
void keymap_reset(void);

/* The key code of a spelling, -1 if unknown. */
int keymap_parse(const char *spelling);

/* The spelling of the key bound to action (for the footer and help). */
const char *keymap_key_name(enum action a);

/* The name and help text of an action. */
const char *action_name(enum action a);
const char *action_help(enum action a);

#endif
