/*
 * usage.c: usage errors in one line (usage.h). getopt's own messages are
 * turned off (opterr = 0) by hark and harkd: they name argv[0], a full path,
 * and say "invalid option -- 'q'"; here the option is named as typed.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "usage.h"

int
usage_error(const char *prog, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* it quotes the arguments as typed, a file's name among them: escaped (log_quote) */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s (see %s --help)\n", prog, log_quote(msg), prog);
	return 2;
}

/* The long option word names (up to any '='): exact, else a unique prefix as getopt takes it. */
static const struct option *
long_find(const struct option *longopts, const char *name, size_t n)
{
	const struct option *hit = NULL;

	for (const struct option *l = longopts; l != NULL && l->name != NULL; l++) {
		if (strncmp(l->name, name, n) != 0)
			continue;
		if (l->name[n] == '\0')
			return l;
		hit = hit == NULL ? l : hit;
	}
	return hit;
}

int
usage_opt_error(const char *prog, const char *optstring, const struct option *longopts,
                char *const *argv)
{
	/*
	 * The word getopt was reading, when it was a long option. Inside a
	 * cluster of short options (-qx) optind has not moved on yet, so the
	 * word before is another one: a long option is believed only when it
	 * is the one getopt refused (optopt is its val, or 0 when unknown).
	 */
	const char *word = optind > 0 ? argv[optind - 1] : NULL;
	const char *o = optstring;

	while (*o == '+' || *o == '-' || *o == ':')
		o++;
	if (word != NULL && strncmp(word, "--", 2) == 0 && word[2] != '\0') {
		size_t n = strcspn(word, "=");
		const struct option *l = long_find(longopts, word + 2, n - 2);

		if (optopt == 0)
			return usage_error(prog, "unknown option '%.*s'", (int)n, word);
		if (l != NULL && l->flag == NULL && l->val == optopt) {
			if (word[n] == '=' && l->has_arg == no_argument)
				return usage_error(prog, "option '--%s' takes no argument",
				                   l->name);
			return usage_error(prog, "option '--%s' needs an argument", l->name);
		}
	}
	if (optopt == 0)
		return usage_error(prog, "unknown option");
	/* a short option getopt refused although it knows it: its argument is missing */
	if (optopt != ':' && strchr(o, optopt) != NULL)
		return usage_error(prog, "option '-%c' needs an argument", optopt);
	if (optopt > ' ' && optopt < 127)
		return usage_error(prog, "unknown option '-%c'", optopt);
	return usage_error(prog, "unknown option (byte 0x%02x)", (unsigned)optopt & 0xffu);
}
