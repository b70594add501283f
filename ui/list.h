/*
 * list.h — the selection and scrolling every list view shares.
 */
#ifndef CC_UI_LIST_H
#define CC_UI_LIST_H

#include "actions.h"

typedef struct list_pos {
    int sel, top;
} list_pos;

/* Apply a movement action to pos over count rows with visible rows on
 * screen. Returns 1 if act was a movement. */
int list_move(list_pos *pos, int count, int visible, enum action act);

#endif
