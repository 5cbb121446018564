/* hark.h: what the command-line tool's modules share. */
#ifndef HARK_HARK_H
#define HARK_HARK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "ruleset.h"
#include "store.h"

struct hark_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;   /* synopsis after "hark " */
	const char *summary; /* one line */
	const char *help;    /* the options, one per line */
};

/* The largest article file the commands read (harkd has max_document_size). */
#define HARK_FILE_MAX (256u << 20)

extern const char *hark_config; /* -c CONFIG, or NULL */

/* Print a command's usage and options to f. */
void hark_usage(const char *name, FILE *f);
/* Handle -h/--help for a command: prints usage and returns 1 when asked. */
int hark_wants_help(int argc, char **argv, const char *name);

/*
 * Check a --lang argument: an ISO 639-1 code, lower-cased in place (FR is
 * fr, as in rule files). Returns 0, or -1 after saying why on stderr.
 */
int hark_lang_arg(const char *prog, char *arg);
/* 0 when arg names a charset (charset_lookup()), else -1 with a message on stderr. */
int hark_charset_arg(const char *prog, const char *arg);

struct store;
/*
 * Open the configuration's state_dir/hark.db to read, for command cmd.
 * Returns 0 with *st (store_close), or -1 after saying why on stderr.
 */
int hark_store_open(const char *cmd, struct store **st);
/*
 * The configuration (into *c when c is not NULL: conf_free) and its
 * database opened in mode; a writer (hark mute, prune, redeliver...) only
 * on a database harkd made. Returns 0, or -1 after saying why on stderr.
 */
struct conf;
int hark_conf_store_open(const char *cmd, enum store_mode mode, struct conf **c, struct store **st);
/* Unix seconds as a short local time, "2026-11-21 10:00". */
void hark_time_local(int64_t secs, char *buf, size_t size);
/*
 * The same for a time as the JSON output gives it (RFC 3339, any zone or
 * fraction): the text outputs show one format, local. A string that is no
 * time is copied as it is; "" stays "".
 */
void hark_time_text(const char *rfc3339, char *buf, size_t size);

/* rules_load.c */
/*
 * Load and compile rule files; each path is a file or a directory of *.rules
 * (sorted). Diagnostics go to d. Returns the finished ruleset, or NULL when
 * any error was found.
 */
struct ruleset *rules_load(char *const *paths, size_t n, struct diags *d);
struct rulefile;
typedef void (*rules_defs_fn)(const struct rulefile *rf, void *arg);
/*
 * Every rule file of paths parsed on its own, whatever errors it holds:
 * fn sees each one's rules, broken ones included (the ids and notify names
 * of rules that do not load). Returns 0, or -1 when a file could not be read.
 */
int rules_defs_each(char *const *paths, size_t n, rules_defs_fn fn, void *arg);
/* The same, stopped early (NULL, an error "cancelled") once *cancel is set by another thread. */
struct ruleset *rules_load_cancel(char *const *paths, size_t n, struct diags *d,
                                  const atomic_int *cancel);
/*
 * rules_load() through the cache of compiled sets (use_cache 0: not), for
 * hark match: the same set and the same diagnostics, loaded rather than
 * compiled when an entry for the same rule files is there, and written
 * when the set has HARK_CACHE_MIN terms or more. A cache problem is never
 * an error: the rules are compiled.
 */
struct ruleset *rules_load_cached(char *const *paths, size_t n, struct diags *d, int use_cache);

/* rules_cache.c: the cache's files (see there) */
char *rcache_dir(void);
size_t rcache_min(void);
void *rcache_read(const char *dir, const char *key, size_t *n);
void rcache_release(void *buf, size_t n);
void rcache_write(const char *dir, const char *key, const void *buf, size_t n);
void rcache_touch(const char *dir, const char *key);
void rcache_drop(const char *dir, const char *key);
void rcache_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The entries of dir as "dir/name", sorted, without . and ..; with suffix,
 * only the visible names ending in it. Returns 0, -1 with errno set.
 */
int dir_list(const char *dir, const char *suffix, char ***paths, size_t *n);
void dir_list_free(char **paths, size_t n);
/* Read a whole file, at most max bytes. Returns 0, or -1 with errno set (EFBIG when too large). */
int file_read(const char *path, size_t max, char **buf, size_t *len);

/*
 * Print a hit as hark match does: "NAME: RULE: snippet" (matches between
 * [ ], or in colour), or with json the hit object detected at now. Returns
 * 0, -1 when out of memory.
 */
struct document;
struct hit;
int hark_print_hit(const struct document *doc, const struct hit *h, const char *name,
                   const char *now, int json, int color);
/* The same line, newline included, as a string the caller frees; NULL when out of memory. */
char *hark_hit_line(const struct document *doc, const struct hit *h, const char *name,
                    const char *now, int json, int color);
/*
 * A line being made, its memory kept from one hit's line to the next (hark
 * match makes thousands): s (len bytes and a NUL) is the caller's to free.
 */
struct hark_line {
	char *s;
	size_t len, cap;
	int oom;
};
/* The same line into *b, over what it held. Returns 0, -1 when out of memory. */
int hark_hit_line_into(struct hark_line *b, const struct document *doc, const struct hit *h,
                       const char *name, const char *now, int json, int color);

/*
 * Text from strangers (articles, feeds, the servers hark talks to) on a
 * terminal, where a control character could retitle or clear it, or fake
 * other output: every C0 control and DEL shown as \x1b, every C1 control
 * (U+0080-U+009F) as \u009b, every byte that is not UTF-8 as \xHH, as
 * harkd's log shows them, and the bidi embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069) that reorder a line as \u202e. HARK_TEXT_LINE: \n and \t are a
 * space (the text stays on its line); HARK_TEXT_BLOCK: they are kept (a body). Every text output of
 * hark prints such text through it.
 */
enum { HARK_TEXT_LINE, HARK_TEXT_BLOCK };
void hark_put_text(FILE *f, const char *s, size_t n, int how);
/* Its steps (termtext.c), for a line built in memory: the bytes of s[0..n) shown as they are, from
 * the start; */
size_t hark_text_safe(const unsigned char *s, size_t n);
/* and the next character's (n > 0) escaped form in esc (*esc_len bytes, 0: as it is), the bytes it
 * takes. */
size_t hark_text_unit(const unsigned char *s, size_t n, int how, char esc[8], size_t *esc_len);
/*
 * An error or warning on standard error, printf's format and arguments:
 * the whole message through hark_put_text (HARK_TEXT_LINE, a final newline
 * kept), since its arguments name a file, a URL or a server's words. Every
 * hark error that holds such text goes through it (or hark_diags_print).
 */
void hark_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* diags_print(d, stderr), escaped (HARK_TEXT_BLOCK): they name files, quote rules (harkd -n too).
 */
struct diags;
void hark_diags_print(const struct diags *d);
/*
 * A JSON text (json_dumps) and a newline: jansson escapes the C0 controls
 * only, so C1 controls and DEL are written \u009b, \u007f here.
 */
void hark_put_json(FILE *f, const char *s);
/* hark_put_text(stdout, s, n, HARK_TEXT_LINE): on the current line of standard output. */
void hark_put_line_textn(const char *s, size_t n);
void hark_put_line_text(const char *s);
/*
 * Print a stored hit object's snippet (hit.h, snippet_from_json) on the
 * current line of standard output, its marks in colour or between [ ]: the
 * text outputs of hark hits and hark article. A snippet stored as a plain
 * string by an older hark is printed as it is.
 */
struct json_t;
void hark_put_snippet(const struct json_t *snippet, int color);

/* since.c */
/*
 * --since: a duration before now ("90s" "15m" "2h" "7d" "1w"), a day
 * (YYYY-MM-DD, its local midnight) or an RFC 3339 time. Returns 0 with Unix
 * seconds in *secs, -1 when s is none of them (since_error() says so).
 */
int since_parse(const char *s, int64_t now, int64_t *secs);
const char *since_error(const char *s);

/* conf.c */
/*
 * The rule paths of the configuration (-c, $HARK_CONFIG, ./hark.conf,
 * HARK_CONF_DEFAULT), globs expanded, relative to the configuration file.
 * Returns 0 with *paths (caller frees each and the array), -1 with a
 * diagnostic when no configuration is found or it is invalid.
 */
int conf_rule_paths(char ***paths, size_t *n, struct diags *d);
/* The configuration hark's -c, $HARK_CONFIG or the defaults name (conf_free). */
struct conf;
int conf_load_tool(struct conf **out, struct diags *d);
/* The same with conf_load_flags()'s flags (hark check: CONF_RULES). */
int conf_load_tool_flags(unsigned flags, struct conf **out, struct diags *d);
/*
 * The configured languages ([hark] languages, the prior of language
 * identification) of the configuration conf_load_tool() reads: 0 with
 * *languages (caller frees; NULL when none is configured, or no
 * configuration is found), -1 with diagnostics when it is invalid.
 */
int conf_languages_tool(char **languages, struct diags *d);

int cmd_article(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_deliveries(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_feed(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_hits(int argc, char **argv);
int cmd_import_opml(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_mute(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_redeliver(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_sink(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_unmute(int argc, char **argv);

#endif
