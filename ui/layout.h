/*
 * layout.h — where things go on the screen, as arithmetic without curses, so
 * it is unit-tested at 80x24 and below. Two header lines, the body, a status
 * line and the key footer.
 */
#ifndef CC_UI_LAYOUT_H
#define CC_UI_LAYOUT_H

#define LAYOUT_MIN_ROWS 24
#define LAYOUT_MIN_COLS 80

typedef struct layout {
    int rows, cols;
    int too_small; /* below 80x24: only the notice is drawn */
    int header_y;  /* 2 lines */
    int body_y, body_h;
    int status_y; /* one line: messages, the selected row's detail */
    int footer_y; /* one line: keys */
} layout;

/* Compute the layout of a rows x cols terminal. */
void layout_compute(int rows, int cols, layout *out);

/* The first visible row so that selected stays visible in a window of
 * visible rows over count rows, moving top as little as possible. */
int layout_scroll(int selected, int top, int visible, int count);

/* Clamp a selection into 0..count-1 (0 when count is 0). */
int layout_clamp(int selected, int count);

#endif
