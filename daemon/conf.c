/*
 * conf.c: the configuration file of CLI.md, as far as the command-line tool
 * needs it: where the rules are. Every key of every section is known, so
 * that a typo is an error naming file:line rather than a silent default.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hark.h"

static const char *const keys_hark[] = {"state_dir",         "spool_dir", "rules", "keep_done",
                                        "max_document_size", "log_level", NULL};
static const char *const keys_feed[] = {"url", "interval", "lang", "allow_private", NULL};
static const char *const keys_webhook[] = {"url",   "format", "secret",         "secret_file",
                                           "rules", "topic",  "max_per_minute", NULL};

static int
key_known(const char *const *keys, const char *k)
{
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, k) == 0)
			return 1;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Expand each glob of value, relative to the configuration's directory. */
static int
conf_add_globs(const char *conf, char *value, char ***paths, size_t *n)
{
	const char *slash = strrchr(conf, '/');
	char *save = NULL;

	for (char *w = strtok_r(value, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		char *pat;
		glob_t g;

		if (w[0] == '/' || slash == NULL) {
			pat = strdup(w);
		} else if (asprintf(&pat, "%.*s/%s", (int)(slash - conf), conf, w) < 0) {
			pat = NULL;
		}
		if (pat == NULL)
			return -1;
		if (glob(pat, GLOB_NOCHECK, NULL, &g) == 0) {
			char **np = realloc(*paths, (*n + g.gl_pathc) * sizeof(**paths));

			if (np == NULL) {
				globfree(&g);
				free(pat);
				return -1;
			}
			*paths = np;
			for (size_t i = 0; i < g.gl_pathc; i++)
				(*paths)[(*n)++] = strdup(g.gl_pathv[i]);
			globfree(&g);
		}
		free(pat);
	}
	return 0;
}

static const char *
conf_find(void)
{
	const char *env = getenv("HARK_CONFIG");

	if (hark_config != NULL)
		return hark_config;
	if (env != NULL && *env != '\0')
		return env;
	if (access("hark.conf", F_OK) == 0)
		return "hark.conf";
	if (access("/etc/hark/hark.conf", F_OK) == 0)
		return "/etc/hark/hark.conf";
	return NULL;
}

int
conf_rule_paths(char ***paths, size_t *n, struct diags *d)
{
	const char *path = conf_find();
	const char *const *keys = NULL;
	char *text, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;
	int have_rules = 0;
	size_t errs = d->nerrors;

	*paths = NULL;
	*n = 0;
	if (path == NULL) {
		diags_add(d, "hark", 0, 0, DIAG_ERROR,
		          "no rules: give -r RULES, or a configuration (hark.conf) with rules =");
		return -1;
	}
	if (file_read(path, 1u << 20, &text, &len) < 0) {
		diags_add(d, path, 0, 0, DIAG_ERROR, "cannot read configuration: %s",
		          strerror(errno));
		return -1;
	}
	/* strtok_r would skip empty lines and lose the count: split by hand */
	for (line = text; line != NULL; line = save) {
		char *nl = strchr(line, '\n'), *eq, *k, *v, *semi;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		line = trim(line);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			char *end = strchr(line, ']');

			keys = NULL;
			if (end != NULL && strcmp(line, "[hark]") == 0)
				keys = keys_hark;
			else if (end != NULL && strncmp(line, "[feed ", 6) == 0)
				keys = keys_feed;
			else if (end != NULL && strncmp(line, "[webhook ", 9) == 0)
				keys = keys_webhook;
			else
				diags_add(d, path, lineno, 1, DIAG_ERROR, "unknown section %s",
				          line);
			continue;
		}
		eq = strchr(line, '=');
		if (eq == NULL || keys == NULL) {
			diags_add(d, path, lineno, 1, DIAG_ERROR,
			          eq ? "key outside a section" : "expected 'key = value'");
			continue;
		}
		*eq = '\0';
		k = trim(line);
		v = eq + 1;
		/* "; comment" after a value, as in the shipped examples */
		for (semi = v; (semi = strchr(semi, ';')) != NULL; semi++)
			if (semi > v && isspace((unsigned char)semi[-1])) {
				*semi = '\0';
				break;
			}
		v = trim(v);
		if (!key_known(keys, k)) {
			diags_add(d, path, lineno, 1, DIAG_ERROR, "unknown key '%s'", k);
			continue;
		}
		if (keys == keys_hark && strcmp(k, "rules") == 0) {
			have_rules = 1;
			if (conf_add_globs(path, v, paths, n) < 0)
				diags_add(d, path, lineno, 1, DIAG_ERROR, "out of memory");
		}
	}
	free(text);
	if (d->nerrors == errs && !have_rules)
		diags_add(d, path, 0, 0, DIAG_ERROR, "no 'rules =' in [hark]");
	return d->nerrors > errs ? -1 : 0;
}
