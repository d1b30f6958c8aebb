// Swift-facing view of ncursesw (pkg-config "ncursesw"). SwiftPM drops the -D flags
// pkg-config gives, so the wide-character API is switched on here, before the include.
// Attribute and colour macros (and functions ncurses also defines as macros) do not import
// into Swift: small inline wrappers stand in for them.
#ifndef KIOSK_CNCURSESW_SHIM_H
#define KIOSK_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <ncursesw/curses.h>

/// SIGTERM/SIGHUP set a flag the main loop polls, so the terminal is restored on stop
/// (systemd, a closed console) instead of being left in raw mode.
static volatile sig_atomic_t kiosk_stop_flag = 0;
static inline void kiosk_on_stop(int signal_number) { (void)signal_number; kiosk_stop_flag = 1; }
static inline void kiosk_install_stop_handlers(void) { signal(SIGTERM, kiosk_on_stop); signal(SIGHUP, kiosk_on_stop); }
static inline int kiosk_stop_requested(void) { return kiosk_stop_flag != 0; }

static inline int kiosk_attr_bold(void) { return (int)A_BOLD; }
static inline int kiosk_attr_reverse(void) { return (int)A_REVERSE; }
static inline int kiosk_attr_underline(void) { return (int)A_UNDERLINE; }
static inline int kiosk_color_pair(short n) { return (int)COLOR_PAIR(n); }
static inline int kiosk_lines(void) { return LINES; }
static inline int kiosk_cols(void) { return COLS; }

/// Mouse: which buttons count as a click (press or click of button 1).
static inline unsigned long kiosk_click_mask(void) { return (unsigned long)(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED); }
/// The last mouse event's cell: 0 for a button-1 click or press, -1 otherwise.
static inline int kiosk_mouse_cell(int *row, int *col) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *row = event.y; *col = event.x;
    return (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) ? 0 : -1;
}

static inline int kiosk_attrset(int attributes) { return attrset(attributes); }
static inline int kiosk_put(int row, int column, const char *text) { return mvaddstr(row, column, text); }
static inline int kiosk_getch(void) { return getch(); }
static inline int kiosk_key_f(int n) { return KEY_F(n); }
static inline int kiosk_erase(void) { return erase(); }
static inline int kiosk_clear(void) { return clear(); }
static inline int kiosk_refresh(void) { return refresh(); }
static inline int kiosk_bkgd(int attributes) { return bkgd((chtype)attributes); }
static inline int kiosk_keypad_on(void) { return keypad(stdscr, TRUE); }
static inline int kiosk_timeout(int milliseconds) { timeout(milliseconds); return 0; }

#endif
