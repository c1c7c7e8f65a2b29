#ifndef KONFLIKT_CNCURSESW_SHIM_H
#define KONFLIKT_CNCURSESW_SHIM_H
/* Wide-character curses; the macros and globals are wrapped in functions so Swift never touches
   mutable C globals directly (Swift 6 strict concurrency). Only NCursesTerminal calls these. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <wchar.h>
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

/* Makes sure the character type locale is UTF-8 (needed for wide characters): keeps the user's
   locale when it already is, else tries C.UTF-8. Returns 1 when the codeset is UTF-8 afterwards. */
static inline int konflikt_ensure_utf8_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") == 0 && setlocale(LC_CTYPE, "C.utf8") == 0
        && setlocale(LC_CTYPE, "en_US.UTF-8") == 0) return 0;
    codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

static inline int konflikt_isatty(int fd) { return isatty(fd); }

/* Restores the terminal and re-raises the signal with its default action. endwin is what every
   curses program does here; the handler touches nothing else. */
static void konflikt_signal_handler(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Installs the restoring handler for SIGINT, SIGTERM and SIGHUP (SIGINT matters only when it is
   sent from outside: raw mode delivers Ctrl-C as a key). */
static inline void konflikt_install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = konflikt_signal_handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, 0);
    sigaction(SIGTERM, &action, 0);
    sigaction(SIGHUP, &action, 0);
    sigaction(SIGQUIT, &action, 0);
}

/* Puts the default dispositions back after endwin. */
static inline void konflikt_reset_signal_handlers(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
}

/* Colour pairs used by NCursesTerminal: 1 error, 2 highlight, 3 success, 4 title, 5 dim. */
/* From term.h, which is not included: its macros would clash with ordinary names. */
extern int setupterm(const char *, int, int *);

static inline int konflikt_start(int wantColor) {
    /* curses only handles window size changes when SIGWINCH has its default action and is not
       blocked; a launcher may have changed either, and the program would then never redraw. */
    sigset_t winch;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_UNBLOCK, &winch, 0);
    signal(SIGWINCH, SIG_DFL);
    /* Ask terminfo first, with an error pointer, so an unknown or missing TERM is reported to us
       (initscr would print an English message and exit), and a terminal without cursor addressing
       (TERM=dumb) is refused instead of drawing only the last line. */
    int status = 0;
    if (setupterm(0, 1, &status) != OK) return 0;
    char *cup = tigetstr("cup");
    if (cup == 0 || cup == (char *)-1) return 3;
    if (initscr() == 0) return 0;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    int colored = 0;
    if (wantColor && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_RED, -1);
        init_pair(2, COLOR_BLACK, COLOR_CYAN);
        init_pair(3, COLOR_GREEN, -1);
        init_pair(4, COLOR_BLUE, -1);
        init_pair(5, COLOR_WHITE, -1);
        colored = 1;
    }
    return colored ? 2 : 1;
}

static inline void konflikt_stop(void) { endwin(); }
static inline int konflikt_is_endwin(void) { return isendwin(); }

/* attribute kinds: 0 normal, 1 bold, 2 reverse, 3 dim, 4 underline. */
static inline void konflikt_set_attributes(int bold, int reverse, int dim, int underline, int pair) {
    attr_t attrs = A_NORMAL;
    if (bold) attrs |= A_BOLD;
    if (reverse) attrs |= A_REVERSE;
    if (dim) attrs |= A_DIM;
    if (underline) attrs |= A_UNDERLINE;
    if (pair > 0) attrs |= COLOR_PAIR(pair);
    attrset(attrs);
}

static inline void konflikt_put(int row, int col, const char *utf8) { mvaddstr(row, col, utf8); }
static inline void konflikt_clear(void) { erase(); }
static inline void konflikt_move(int row, int col) { move(row, col); }
static inline void konflikt_cursor(int visible) { curs_set(visible ? 1 : 0); }
static inline void konflikt_refresh(void) { refresh(); }

/* Reads one key: returns 0 for a character (in *out), 1 for a function key code (in *out),
   -1 on timeout or error. timeoutMs < 0 blocks. */
static inline int konflikt_read(int timeoutMs, unsigned int *out) {
    wint_t ch = 0;
    timeout(timeoutMs);
    int rc = get_wch(&ch);
    if (rc == ERR) return -1;
    *out = (unsigned int)ch;
    return rc == KEY_CODE_YES ? 1 : 0;
}

static inline int konflikt_key_up(void) { return KEY_UP; }
static inline int konflikt_key_down(void) { return KEY_DOWN; }
static inline int konflikt_key_left(void) { return KEY_LEFT; }
static inline int konflikt_key_right(void) { return KEY_RIGHT; }
static inline int konflikt_key_home(void) { return KEY_HOME; }
static inline int konflikt_key_end(void) { return KEY_END; }
static inline int konflikt_key_backspace(void) { return KEY_BACKSPACE; }
static inline int konflikt_key_dc(void) { return KEY_DC; }
static inline int konflikt_key_enter(void) { return KEY_ENTER; }
static inline int konflikt_key_btab(void) { return KEY_BTAB; }
static inline int konflikt_key_ppage(void) { return KEY_PPAGE; }
static inline int konflikt_key_npage(void) { return KEY_NPAGE; }
static inline int konflikt_key_f0(void) { return KEY_F0; }

#endif
