/*
 * cmd_match.c: hark match: articles in, hits out, like grep: "FILE: RULE:
 * snippet" or one JSON hit object per line; exit 0 hit, 1 none, 2 error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "extract.h"
#include "hark.h"
#include "hit.h"
#include "match.h"

struct match_run {
	struct matcher *m;
	int json;
	int color;
	const char *lang;
	const char *charset; /* --charset, or NULL */
	char *prior;         /* owned: the configured languages, or NULL */
	char now[32];
	long hits;
	int errors;
	const struct document *doc;
	const char *name;
};

static int
print_hit(const struct hit *h, void *arg)
{
	struct match_run *mr = arg;

	mr->hits++;
	if (hark_print_hit(mr->doc, h, mr->name, mr->now, mr->json, mr->color) < 0)
		mr->errors++;
	return 0;
}

static void
match_file(struct match_run *mr, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
	struct extract_opts o = {
	    .file = name,
	    .source = "drop",
	    .lang = mr->lang,
	    .lang_prior = mr->prior,
	    .charset_force = mr->charset};
	struct extraction x;
	char err[256];
	char *buf;
	size_t len;

	if (file_read(path, HARK_FILE_MAX, &buf, &len) < 0) {
		fprintf(stderr, "hark: %s: %s\n", name,
		        errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		mr->errors++;
		return;
	}
	if (extract_bytes(buf, len, &o, &x, err, sizeof(err)) < 0) {
		fprintf(stderr, "hark: %s: %s\n", name, err);
		free(buf);
		mr->errors++;
		return;
	}
	free(buf);
	if (x.warning[0] != '\0')
		fprintf(stderr, "hark: %s: warning: %s\n", name, x.warning);
	mr->name = name;
	/* a feed file gives one article per entry */
	for (size_t i = 0; i < x.ndocs; i++) {
		mr->doc = &x.docs[i];
		const struct rule *r;

		if (matcher_run(mr->m, &x.docs[i], print_hit, mr) < 0) {
			fprintf(stderr, "hark: %s: out of memory while matching\n", name);
			mr->errors++;
			break;
		}
		/* as harkd logs it: the rule's answer here may be wrong */
		for (size_t k = 0; k < matcher_limited(mr->m, k, &r); k++)
			fprintf(stderr,
			        "hark: %s: warning: rule %s: its regular expression hit PCRE2's "
			        "match limit; a match there may be missed\n",
			        name, r->id);
	}
	fflush(stdout);
	extraction_free(&x);
}

/* A directory, recursively, in name order; links inside it are not followed. */
static void
match_dir(struct match_run *mr, const char *dir, int depth)
{
	char **names;
	size_t n;

	if (depth > 64 || dir_list(dir, NULL, &names, &n) < 0) {
		fprintf(stderr, "hark: %s: %s\n", dir, depth > 64 ? "too deep" : strerror(errno));
		mr->errors++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (lstat(names[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			match_dir(mr, names[i], depth + 1);
		else if (S_ISREG(st.st_mode))
			match_file(mr, names[i]);
	}
	dir_list_free(names, n);
}

static int
color_parse(const char *when, int *color)
{
	if (when == NULL || strcmp(when, "always") == 0 || strcmp(when, "yes") == 0)
		*color = 1;
	else if (strcmp(when, "never") == 0 || strcmp(when, "no") == 0)
		*color = 0;
	else if (strcmp(when, "auto") == 0)
		*color = isatty(1) && getenv("NO_COLOR") == NULL;
	else
		return -1;
	return 0;
}

int
cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"rules", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
	    {"lang", required_argument, NULL, 'l'},  {"charset", required_argument, NULL, 'c'},
	    {"color", optional_argument, NULL, 'C'}, {"colour", optional_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	struct match_run mr = {0};
	struct diags d;
	struct ruleset *rs;
	struct conf *c;
	char **rules = NULL, **conf = NULL;
	size_t nrules = 0, nconf = 0;
	int ch, rc;
	time_t now = time(NULL);

	mr.color = isatty(1) && getenv("NO_COLOR") == NULL;
	rules = calloc((size_t)argc, sizeof(*rules));
	if (rules == NULL)
		return 2;
	while ((ch = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 'j':
			mr.json = 1;
			break;
		case 'l':
			if (hark_lang_arg(optarg) < 0) {
				free(rules);
				return 2;
			}
			mr.lang = optarg;
			break;
		case 'c':
			if (hark_charset_arg(optarg) < 0) {
				free(rules);
				return 2;
			}
			mr.charset = optarg;
			break;
		case 'C':
			if (color_parse(optarg, &mr.color) < 0) {
				fprintf(stderr,
				        "hark: --color: '%s' is not never, always or auto\n",
				        optarg);
				free(rules);
				return 2;
			}
			break;
		case 'h':
			hark_usage("match", stdout);
			free(rules);
			return 0;
		default:
			hark_usage("match", stderr);
			free(rules);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hark: match: no article given (use - for standard input)\n");
		hark_usage("match", stderr);
		free(rules);
		return 2;
	}
	diags_init(&d);
	/* the configured languages count even when the rules come from -r */
	if (nrules > 0) {
		rs = conf_languages_tool(&mr.prior, &d) < 0 ? NULL : rules_load(rules, nrules, &d);
	} else if (conf_load_tool(&c, &d) < 0) {
		rs = NULL;
	} else {
		/* the rule paths and languages change hands; the rest is not needed */
		conf = c->rules;
		nconf = c->nrules;
		mr.prior = c->languages;
		c->rules = NULL;
		c->nrules = 0;
		c->languages = NULL;
		conf_free(c);
		rs = rules_load(conf, nconf, &d);
	}
	diags_print(&d, stderr);
	diags_free(&d);
	if (rs == NULL) {
		rc = 2;
		goto out;
	}
	mr.m = matcher_new(rs);
	if (mr.m == NULL) {
		fprintf(stderr, "hark: out of memory\n");
		rc = 2;
		goto out;
	}
	strftime(mr.now, sizeof(mr.now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	for (int i = optind; i < argc; i++) {
		struct stat st;

		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			match_dir(&mr, argv[i], 0);
		else
			match_file(&mr, argv[i]);
	}
	rc = mr.errors ? 2 : mr.hits ? 0 : 1;
out:
	matcher_free(mr.m);
	ruleset_free(rs);
	for (size_t i = 0; i < nconf; i++)
		free(conf[i]);
	free(conf);
	free(rules);
	free(mr.prior);
	return rc;
}
