#ifndef KONFLIKT_CNCURSESW_SHIM_H
#define KONFLIKT_CNCURSESW_SHIM_H
/* Wide-character curses; the macros and globals are wrapped in functions so Swift never touches
   mutable C globals directly (Swift 6 strict concurrency). */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

static inline WINDOW *konflikt_stdscr(void) { return stdscr; }
static inline int konflikt_lines(void) { return LINES; }
static inline int konflikt_cols(void) { return COLS; }
static inline int konflikt_colors(void) { return COLORS; }
static inline int konflikt_color_pair(int n) { return COLOR_PAIR(n); }
static inline int konflikt_key_resize(void) { return KEY_RESIZE; }
static inline int konflikt_err(void) { return ERR; }
static inline int konflikt_ok(void) { return OK; }
static inline int konflikt_key_code_yes(void) { return KEY_CODE_YES; }
static inline int konflikt_set_locale_from_env(void) { return setlocale(LC_ALL, "") != 0; }

#endif
