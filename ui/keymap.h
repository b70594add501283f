/*
 * keymap.h — keys to actions. Defaults come from actions.h; extra keys
 * (arrows, Esc, Space, DEL) are fixed aliases; any action can be rebound by
 * name. The screens and the forms and prompts each have their own table.
 */
#ifndef CC_UI_KEYMAP_H
#define CC_UI_KEYMAP_H

#include "actions.h"

/* The screens' action bound to key (an ncurses key code or character),
 * ACT_NONE if none. */
enum action keymap_action(int key);

/* The forms' and prompts' action bound to key, ACT_NONE if none. */
enum action keymap_edit_action(int key);

/* Where keys are read as keys says: KEYS_VIEW as keymap_action; KEYS_EDIT
 * the forms' action if key has one, else the screens'. */
enum action keymap_lookup(enum keys keys, int key);

/* key is an ordinary character, typed as text where text is typed. */
int keymap_is_text(int key);

/* Bind key spelled as in actions.h ("j", "Enter", "^L", "PgDn") to the action
 * named name; the key loses any other action in that action's table.
 * Returns 0, or -1 if either is unknown. */
int keymap_bind(const char *key, const char *name);

/* Restore the default bindings. */
void keymap_reset(void);

/* The key code of a spelling, -1 if unknown. */
int keymap_parse(const char *spelling);

/* The spelling of the key bound to action (for the footer and help), in
 * one of eight rotating buffers (so several may appear in one printf). */
const char *keymap_key_name(enum action a);

/* The name and help text of an action, and which table it is in. */
const char *action_name(enum action a);
const char *action_help(enum action a);
enum keys action_keys(enum action a);

#endif
