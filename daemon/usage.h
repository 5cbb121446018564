/*
 * usage.h: the one-line message of a usage error, for hark's commands and
 * harkd alike (CLI.md: "one line, the cause named", status 2): never the
 * whole help, which --help prints.
 */
#ifndef HARK_USAGE_H
#define HARK_USAGE_H

/*
 * After getopt_long() returned '?' (opterr = 0, so getopt said nothing):
 * "PROG: unknown option '-q' (see PROG --help)", or "option '-r' needs an
 * argument", or "option '--json' takes no argument", on stderr. prog names
 * the program as the user typed it: "hark match", "hark", "harkd".
 * optstring and longopts are those given to getopt_long. Returns 2, the status.
 */
struct option;
int usage_opt_error(const char *prog, const char *optstring, const struct option *longopts,
                    char *const *argv);

/* "PROG: MSG (see PROG --help)" on stderr. Returns 2, the status. */
int usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
