/*
 * cmd_rules.c: hark rules [--json]: every rule of the configuration,
 * disabled ones too, where it is written, what it carries (tags,
 * languages, notify targets), and its hits of the last 24 hours from the
 * database. The completion scripts read the ids from it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "hark.h"
#include "usage.h"
#include "store.h"

/* The 24 hours' counts, by rule id (store_rule_stats gives them sorted). */
struct counts {
	char **ids; /* owned */
	int64_t *n;
	size_t len, cap;
	int oom;
};

static int
count_cb(const struct store_rule_stats_row *r, void *arg)
{
	struct counts *c = arg;

	if (c->len == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		char **ids = realloc(c->ids, cap * sizeof(*ids));
		int64_t *n;

		if (ids == NULL)
			goto oom;
		c->ids = ids;
		if ((n = realloc(c->n, cap * sizeof(*n))) == NULL)
			goto oom;
		c->n = n;
		c->cap = cap;
	}
	if ((c->ids[c->len] = strdup(r->rule_id)) == NULL)
		goto oom;
	c->n[c->len++] = r->hits_24h;
	return 0;
oom:
	c->oom = 1;
	return 1;
}

static int64_t
count_of(const struct counts *c, const char *id)
{
	size_t lo = 0, hi = c->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->ids[mid], id);

		if (cmp == 0)
			return c->n[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static json_t *
str_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* "a,b" or "-" */
static void
print_list(const char *label, char *const *v, size_t n)
{
	printf("  %s ", label);
	if (n == 0)
		fputs("-", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", v[i]);
}

/*
 * Print one rule. st (may be NULL: no database yet) says whether it is
 * muted now (hark mute); now in Unix seconds.
 */
static int
print_rule(const struct rule *r, int64_t hits, int json, struct store *st, int64_t now)
{
	char err[256];
	bool muted = st != NULL && store_mute_get(st, r->id, now, NULL, err, sizeof(err)) == 1;

	if (json) {
		json_t *o = json_object();
		char *s;

		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "file", json_string(r->file ? r->file : ""));
		json_object_set_new(o, "line", json_integer(r->line));
		json_object_set_new(o, "name", r->name ? json_string(r->name) : json_null());
		json_object_set_new(o, "tags", str_array(r->tags, r->ntags));
		json_object_set_new(o, "lang", str_array(r->langs, r->nlangs));
		json_object_set_new(o, "notify", str_array(r->notify, r->nnotify));
		json_object_set_new(o, "enabled", json_boolean(r->enabled));
		json_object_set_new(o, "muted", json_boolean(muted));
		json_object_set_new(o, "hits_24h", json_integer(hits));
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (s == NULL)
			return -1;
		hark_put_json(stdout, s); /* a C1 control in a file's name: \u009b */
		free(s);
		return 0;
	}
	/* ids, tags, languages and notify names are the rule language's words: no
	 * escaping; the file's name is a file's name (hark_put_line_text) */
	printf("%s  ", r->id);
	hark_put_line_text(r->file ? r->file : "-");
	printf(":%u  hits_24h %lld", r->line, (long long)hits);
	print_list("tags", r->tags, r->ntags);
	print_list("lang", r->langs, r->nlangs);
	print_list("notify", r->notify, r->nnotify);
	printf("%s%s\n", r->enabled ? "" : "  disabled", muted ? "  muted" : "");
	return 0;
}

int
cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct counts c = {0};
	struct ruleset *rs = NULL;
	struct store *st = NULL;
	struct diags d;
	char **paths = NULL, err[512];
	size_t npaths = 0;
	int ch, json = 0, rc = 2;
	struct timespec ts;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			hark_usage("rules", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind < argc) {
		hark_errorf("hark: rules: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	diags_init(&d);
	if (conf_rule_paths(&paths, &npaths, &d) == 0)
		rs = rules_load(paths, npaths, &d);
	/*
	 * the list, not a check: the warnings are hark check's to give (a line
	 * says how many); the errors, when the rules do not load, are printed
	 */
	if (rs == NULL)
		hark_diags_print(&d);
	else if (d.nwarnings > 0)
		hark_errorf("hark: rules: %zu warning%s (hark check shows %s)\n", d.nwarnings,
		            d.nwarnings == 1 ? "" : "s", d.nwarnings == 1 ? "it" : "them");
	diags_free(&d);
	if (rs == NULL)
		goto out;
	/* the counts: without a database (harkd never ran), every rule has 0 */
	if (hark_store_open("rules", &st) == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		if (store_rule_stats(st, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, count_cb,
		                     &c, err, sizeof(err)) != 0 ||
		    c.oom) {
			hark_errorf("hark: rules: %s\n", c.oom ? "out of memory" : err);
			goto out;
		}
	} else {
		hark_errorf("hark: rules: hits not counted\n");
	}
	for (size_t i = 0; i < ruleset_nrules(rs); i++) {
		const struct rule *r = ruleset_rule(rs, i);

		if (print_rule(r, count_of(&c, r->id), json, st, (int64_t)time(NULL)) < 0)
			goto out;
	}
	for (size_t i = 0; i < ruleset_ndisabled(rs); i++) {
		const struct rule *r = ruleset_disabled(rs, i);

		if (print_rule(r, count_of(&c, r->id), json, st, (int64_t)time(NULL)) < 0)
			goto out;
	}
	rc = 0;
out:
	store_close(st);
	ruleset_free(rs);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	for (size_t i = 0; i < c.len; i++)
		free(c.ids[i]);
	free(c.ids);
	free(c.n);
	return rc;
}
