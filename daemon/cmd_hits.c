/*
 * cmd_hits.c: hark hits [filters] [--limit N] [--before CURSOR] [--json]:
 * the hits harkd stored, newest first, read a page at a time (the queries
 * of the HTTP API, store_hits_page) while harkd goes on writing.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "date.h"
#include "diag.h"
#include "hark.h"
#include "source.h"
#include "usage.h"
#include "hit.h"
#include "ruleset.h"
#include "store.h"

static const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

struct hits_out {
	int json;
	int color;            /* mark matches in colour: standard output is a terminal */
	const char *base_url; /* [http] base_url, or NULL: the link of an article without one */
};

/* Whether s is an address worth showing as a link: http or https. */
static int
is_web_url(const char *s)
{
	return s != NULL &&
	       (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0);
}

static int
hits_print(const struct store_hit_row *r, void *arg)
{
	struct hits_out *o = arg;
	json_t *hit, *art;
	const char *what = NULL;
	char when[32];

	if (o->json) {
		hark_put_json(stdout, r->json);
		return 0;
	}
	/* the title and snippet are in the stored hit object; hit owns them */
	hit = json_loads(r->json, 0, NULL);
	art = json_object_get(hit, "article");
	if ((what = json_str(art, "title")) == NULL && (what = json_str(art, "file")) == NULL)
		what = json_str(art, "url");
	hark_time_local(r->detected_at / 1000, when, sizeof(when));
	printf("%s %s ", when, r->rule_id);
	hark_put_line_text(what != NULL ? what : r->article_id);
	fputs(": ", stdout);
	hark_put_snippet(json_object_get(hit, "snippet"), o->color);
	/* its link: the article's address, else its page on harkd's server */
	if (is_web_url(json_str(art, "url"))) {
		fputs(" <", stdout);
		hark_put_line_text(json_str(art, "url"));
		putchar('>');
	} else if (o->base_url != NULL) {
		size_t n = strlen(o->base_url);

		fputs(" <", stdout);
		hark_put_line_text(o->base_url);
		printf("%sarticles/", n > 0 && o->base_url[n - 1] == '/' ? "" : "/");
		hark_put_line_text(r->article_id);
		putchar('>');
	}
	putchar('\n');
	json_decref(hit);
	return 0;
}

/* A string list the options build; the strings are argv's or the rule set's (borrowed). */
struct strv {
	const char **v;
	size_t n;
};

static int
strv_add(struct strv *l, const char *s)
{
	const char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	nv[l->n++] = s;
	l->v = nv;
	return 0;
}

/*
 * --tag: the configured rules that have tag, and of the --rule ids when
 * there are some (every filter holds). Tags live in the rule files, not in
 * the database. Returns 0 with *rs (ruleset_free after the rule ids are
 * used), -1 after saying why.
 */
static int
hits_tag(const char *tag, const struct strv *only, struct strv *ids, struct ruleset **rs)
{
	char **paths = NULL;
	size_t npaths = 0;
	struct diags d;

	diags_init(&d);
	*rs = NULL;
	if (conf_rule_paths(&paths, &npaths, &d) == 0)
		*rs = rules_load(paths, npaths, &d);
	/* their warnings are hark check's (and harkd's) to give, not each reading's */
	if (*rs == NULL)
		hark_diags_print(&d);
	diags_free(&d);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	if (*rs == NULL) {
		hark_errorf("hark: hits: --tag needs the configured rules, which do not load\n");
		return -1;
	}
	if (ruleset_tagged(*rs, tag, only->v, only->n, &ids->v, &ids->n) < 0) {
		hark_errorf("hark: hits: out of memory\n");
		return -1;
	}
	if (ids->n == 0 && only->n == 0) {
		hark_errorf("hark: hits: --tag '%.100s': no configured rule has this tag\n", tag);
		return -1;
	}
	return 0;
}

/*
 * --rule: every id must be a rule's, stored or configured. Stored first
 * (one probe each): the rules are loaded only for an id without a hit,
 * which must then be defined. Returns 0, -1 after saying why.
 */
static int
hits_rules_known(struct store *st, const struct strv *ids)
{
	struct ruleset *rs = NULL;
	int loaded = 0, ret = 0;
	char err[512];

	for (size_t i = 0; i < ids->n && ret == 0; i++) {
		int r = store_rule_has_hits(st, ids->v[i], err, sizeof(err)), found = 0;

		if (r < 0) {
			hark_errorf("hark: hits: %s\n", err);
			ret = -1;
			break;
		}
		if (r == 1)
			continue;
		if (!loaded) {
			char **paths = NULL;
			size_t npaths = 0;
			struct diags d;

			diags_init(&d);
			if (conf_rule_paths(&paths, &npaths, &d) == 0)
				rs = rules_load(paths, npaths, &d);
			if (rs == NULL)
				hark_diags_print(&d);
			diags_free(&d);
			for (size_t k = 0; k < npaths; k++)
				free(paths[k]);
			free(paths);
			loaded = 1;
		}
		if (rs == NULL) {
			hark_errorf(
			    "hark: hits: --rule '%.100s': no hit has it, and the configured rules "
			    "do not load to tell whether it is defined (hark check)\n",
			    ids->v[i]);
			ret = -1;
			break;
		}
		for (size_t k = 0; k < ruleset_nrules(rs) && !found; k++)
			found = strcmp(ruleset_rule(rs, k)->id, ids->v[i]) == 0;
		for (size_t k = 0; k < ruleset_ndisabled(rs) && !found; k++)
			found = strcmp(ruleset_disabled(rs, k)->id, ids->v[i]) == 0;
		if (!found) {
			hark_errorf(
			    "hark: hits: --rule '%.100s': no such rule (not in the configured "
			    "rules, and no hit stored has it)\n",
			    ids->v[i]);
			ret = -1;
		}
	}
	ruleset_free(rs);
	return ret;
}

/* --since and --until: Unix ms, or -1 after saying why. */
static int64_t
hits_when(const char *prog, const char *opt, const char *arg)
{
	int64_t secs;

	if (since_parse(arg, time(NULL), &secs) < 0) {
		usage_error(prog, "--%s: %s", opt, since_error(arg));
		return -1;
	}
	return secs > 0 ? secs * 1000 : 0;
}

int
cmd_hits(int argc, char **argv)
{
	static const struct option opts[] = {{"since", required_argument, NULL, 's'},
	                                     {"until", required_argument, NULL, 'u'},
	                                     {"rule", required_argument, NULL, 'r'},
	                                     {"tag", required_argument, NULL, 't'},
	                                     {"source", required_argument, NULL, 'S'},
	                                     {"lang", required_argument, NULL, 'l'},
	                                     {"limit", required_argument, NULL, 'n'},
	                                     {"before", required_argument, NULL, 'b'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct hits_out o = {0};
	struct store_hit_filter f = {0};
	struct strv rules = {0}, tagged = {0};
	struct ruleset *rs = NULL;
	struct store *st = NULL;
	struct conf *c = NULL;
	const char *tag = NULL;
	char err[512], next[STORE_CURSOR_MAX], cursor[STORE_CURSOR_MAX], *end;
	int ch, rc, ret = 2, paged = 0;
	long n;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((f.since_ms = hits_when(argv[0], "since", optarg)) < 0)
				goto out;
			break;
		case 'u':
			if ((f.until_ms = hits_when(argv[0], "until", optarg)) < 0)
				goto out;
			/* 0 is no bound to the store: before the epoch, nothing */
			if (f.until_ms == 0)
				f.until_ms = 1;
			break;
		case 'r':
			if (strv_add(&rules, optarg) < 0) {
				hark_errorf("hark: hits: out of memory\n");
				goto out;
			}
			break;
		case 't':
			if (tag != NULL) {
				usage_error(argv[0], "--tag given twice");
				goto out;
			}
			tag = optarg;
			break;
		case 'S':
			f.source = optarg;
			break;
		case 'l':
			if (hark_lang_arg(argv[0], optarg) < 0)
				goto out;
			f.lang = optarg;
			break;
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || n < 1 ||
			    n > STORE_PAGE_MAX) {
				usage_error(argv[0],
				            "--limit: '%.40s' is not a number from 1 to %d", optarg,
				            STORE_PAGE_MAX);
				goto out;
			}
			f.limit = (int)n;
			paged = 1;
			break;
		case 'b':
			f.before = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			hark_usage("hits", stdout);
			ret = 0;
			goto out;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			goto out;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (tag != NULL) {
		if (hits_tag(tag, &rules, &tagged, &rs) < 0)
			goto out;
		static const char *const none[] = {""}; /* no rule: no hit, not every hit */

		f.rules = tagged.v != NULL ? tagged.v : none;
		f.nrules = tagged.n;
	} else if (rules.n > 0) {
		f.rules = rules.v;
		f.nrules = rules.n;
	}
	o.color = isatty(1) && getenv("NO_COLOR") == NULL;
	if (hark_store_open("hits", &st) < 0)
		goto out;
	if (hits_rules_known(st, &rules) < 0)
		goto out;
	/* --source as --rule: one no feed, drop, api nor stored hit has is a typo (source.h) */
	if (f.source != NULL) {
		struct conf *sc = NULL;
		struct diags d;
		int code;

		diags_init(&d);
		(void)conf_load_tool(&sc, &d); /* it read fine in hark_store_open() */
		diags_free(&d);
		code = source_check(sc, st, f.source, err, sizeof(err));
		conf_free(sc);
		if (code != 0) {
			hark_errorf("hark: hits: %s%s\n", code == 400 ? "--" : "", err);
			goto out;
		}
	}
	if (!o.json) {
		struct diags d;

		/* it read fine in hark_store_open(): only base_url is wanted */
		diags_init(&d);
		if (conf_load_tool(&c, &d) == 0 && c->http.base_url != NULL &&
		    *c->http.base_url != '\0')
			o.base_url = c->http.base_url;
		diags_free(&d);
	}
	/* without --limit, every page of the largest size */
	if (!paged)
		f.limit = STORE_PAGE_MAX;
	for (;;) {
		rc = store_hits_page(st, &f, hits_print, &o, next, sizeof(next), err, sizeof(err));
		if (rc == STORE_INVALID && f.before != NULL) {
			hark_errorf("hark: hits: --before: %s\n", err);
			goto out;
		}
		if (rc != 0) {
			hark_errorf("hark: hits: %s\n", err);
			goto out;
		}
		if (next[0] == '\0')
			break;
		if (paged) {
			/* after the page on stdout, where the next one begins */
			fflush(stdout);
			hark_errorf("hark: hits: more: --before %s\n", next);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		f.before = cursor;
	}
	if (fflush(stdout) != 0) {
		hark_errorf("hark: hits: standard output: %s\n", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	store_close(st);
	ruleset_free(rs);
	conf_free(c);
	free(rules.v);
	free(tagged.v);
	return ret;
}
