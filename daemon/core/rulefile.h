/*
 * rulefile.h: the INI-style rule files of RULES.md §1. Parses a file's bytes
 * into rule definitions; the queries are kept as text with their source maps
 * for query_parse().
 */
#ifndef HARK_RULEFILE_H
#define HARK_RULEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "mem.h"

/*
 * Its strings and lists live in rulefile.strs, which a caller may take over
 * whole (arena_adopt) to keep them past rulefile_free; its map's segments in
 * rulefile.maps.
 */
struct rule_def {
	char *id;    /* [a-z0-9][a-z0-9_.-]* */
	char *name;  /* defaults to id (the same pointer) */
	char *query; /* the joined query text (value and continuation lines) */
	size_t query_len;
	struct srcmap qmap; /* places of query; points into rulefile.text */
	char **langs;       /* ISO 639-1 codes */
	size_t nlangs;
	char **notify; /* {"none"} when notify = none */
	size_t nnotify;
	struct srcpos *notify_at; /* where each notify name is written */
	char **tags;
	size_t ntags;
	bool enabled;
	bool broken;   /* had an error: kept only so that its query is checked too */
	unsigned line; /* line of the [rule ...] header */
};

struct rulefile {
	char *path;       /* owned */
	const char *text; /* the bytes; srcmaps point here */
	size_t len;
	char *copy; /* owned; text, NUL-terminated, unless borrowed (rulefile_parse_borrow) */
	struct rule_def *rules; /* owned */
	size_t nrules;
	struct arena strs; /* the strings and lists of rules[] */
	struct arena maps; /* the segments of their qmaps */
};

/*
 * Parse a rule file. Copies text. Every problem goes to d with file:line:col
 * (unknown key, missing query, bad id, bad lang code, bad enabled value, text
 * outside a section, invalid UTF-8...). A rule with an error is kept, marked
 * broken, when its query was read, so that its query's mistakes are told in
 * the same run; callers must not use broken rules otherwise. Returns
 * 0 when no error was found, -1 otherwise (rf is usable either way and must be
 * freed with rulefile_free). Duplicate ids across files are the caller's check.
 */
int rulefile_parse(struct rulefile *rf, const char *path, const char *text, size_t len,
                   struct diags *d);
/*
 * The same on text itself, not a copy: text must outlive rf (a caller that
 * is done with rf before it frees text spares a copy of a large file).
 */
int rulefile_parse_borrow(struct rulefile *rf, const char *path, const char *text, size_t len,
                          struct diags *d);
void rulefile_free(struct rulefile *rf);

#endif
