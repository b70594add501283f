/*
 * layout.c — screen arithmetic (see layout.h).
 */
#include "layout.h"

void layout_compute(int rows, int cols, layout *out)
{
    out->rows = rows;
    out->cols = cols;
    out->too_small = rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS;
    out->header_y = 0;
    out->body_y = 2;
    out->status_y = rows - 2;
    out->footer_y = rows - 1;
    out->body_h = rows - 4 > 0 ? rows - 4 : 0;
}

int layout_clamp(int selected, int count)
{
    if (count <= 0 || selected < 0)
        return 0;
    return selected >= count ? count - 1 : selected;
}

int layout_scroll(int selected, int top, int visible, int count)
{
    if (visible <= 0 || count <= 0)
        return 0;
    if (selected < top)
        top = selected;
    if (selected >= top + visible)
        top = selected - visible + 1;
    if (top > count - visible)
        top = count - visible;
    return top < 0 ? 0 : top;
}
