/*
 * log.h: one line an event on stderr. Under systemd (stderr is the journal,
 * $JOURNAL_STREAM names it) each line starts with an sd-daemon priority
 * prefix "<N>"; otherwise with a local timestamp. The shell logs; the core
 * never does.
 */
#ifndef HARK_LOG_H
#define HARK_LOG_H

#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */

/* Set the program name shown in lines and the most verbose priority kept. */
void log_init(const char *prog, int level);
void log_set_level(int level);
int log_level(void);
/* "error" "warning" "info" "debug" to a priority; -1 when unknown. */
int log_level_parse(const char *s);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warnx(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * s made safe for one log line: control characters (a newline in a file
 * name) as \n, \t, \xHH, C1 controls (U+0080-U+009F, CSI to some
 * terminals) as \u009b, as are the bidi and zero-width characters that
 * hide or reverse text, backslash doubled, and every byte that is not
 * part of valid UTF-8 (a Latin-1 file name) as \xHH; valid UTF-8 (an Arabic
 * name) is kept as it is. Returns a static buffer of the
 * calling thread, valid until its next call (two per line: log_quote2).
 */
const char *log_quote(const char *s);
const char *log_quote2(const char *s);

#endif
