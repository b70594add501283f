/*
 * list.c — moving a selection through a list, one table of movements.
 */
#include "list.h"

#include "layout.h"

int list_move(list_pos *pos, int count, int visible, enum action act)
{
    static const struct {
        enum action act;
        int step; /* rows; 0 = to an end */
        int page;
    } moves[] = {
        {ACT_MOVE_DOWN, 1, 0}, {ACT_MOVE_UP, -1, 0}, {ACT_PAGE_DOWN, 1, 1},
        {ACT_PAGE_UP, -1, 1},  {ACT_FIRST, 0, -1},   {ACT_LAST, 0, 1},
    };
    for (unsigned i = 0; i < sizeof moves / sizeof *moves; i++) {
        if (moves[i].act != act)
            continue;
        if (moves[i].step == 0)
            pos->sel = moves[i].page < 0 ? 0 : count - 1;
        else
            pos->sel +=
                moves[i].step * (moves[i].page ? (visible > 1 ? visible - 1 : 1) : 1);
        pos->sel = layout_clamp(pos->sel, count);
        pos->top = layout_scroll(pos->sel, pos->top, visible, count);
        return 1;
    }
    return 0;
}
