/*
 * cmd_backtest.c: hark backtest: run rules over the articles harkd stored
 * and print the hits they would have raised, storing nothing. The FTS5
 * index narrows the archive to the candidates (presearch.h); the matcher
 * decides on each. Exit 0 hit, 1 none, 2 error, like hark match.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "hark.h"
#include "usage.h"
#include "hit.h"
#include "match.h"
#include "presearch.h"
#include "rowdoc.h"
#include "store.h"

struct backtest {
	struct matcher *m;
	int json;
	char now[32];
	long candidates, hits;
	int errors;
	const struct document *doc;
	const char *name; /* how a text line names the article */
};

static int
print_hit(const struct hit *h, void *arg)
{
	struct backtest *bt = arg;

	bt->hits++;
	if (hark_print_hit(bt->doc, h, bt->name, bt->now, bt->json, 0) < 0) {
		bt->errors++;
		return 1;
	}
	return 0;
}

static int
article_cb(const struct store_article_row *r, void *arg)
{
	struct backtest *bt = arg;
	struct document doc;
	int rc = 0;

	/*
	 * Its text removed by retention: searched no more (its title alone
	 * could hit). The index forgets such an article, but one pruned
	 * before the index reached it may still come as a candidate.
	 */
	if (r->body == NULL)
		return 0;
	bt->candidates++;
	if (rowdoc_build(&doc, r) < 0) {
		hark_errorf("hark: backtest: %s: out of memory\n", r->id);
		bt->errors++;
		rc = 1;
		goto out;
	}
	bt->doc = &doc;
	bt->name = r->file ? r->file : r->url ? r->url : r->id;
	if (matcher_run(bt->m, &doc, print_hit, bt) < 0) {
		hark_errorf("hark: backtest: %s: out of memory while matching\n", r->id);
		bt->errors++;
		rc = 1;
	}
out:
	doc_free(&doc);
	return rc;
}

/* The configuration's database, read only. Returns 0, -1 after saying why. */
/* The database of the configuration, and how many articles it holds. */
static int
backtest_open(struct store **st, int64_t *narticles)
{
	struct store_status ss;
	char err[512];

	if (hark_store_open("backtest", st) < 0)
		return -1;
	if (store_status_get(*st, &ss, err, sizeof(err)) != 0) {
		hark_errorf("hark: backtest: %s\n", err);
		store_close(*st);
		*st = NULL;
		return -1;
	}
	*narticles = ss.articles;
	return 0;
}

int
cmd_backtest(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"rules", required_argument, NULL, 'r'}, {"since", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},        {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	struct backtest bt = {0};
	struct store *st = NULL;
	struct ruleset *rs = NULL;
	struct diags d;
	char **rules, **conf = NULL, *fts = NULL, err[512];
	size_t nrules = 0, nconf = 0;
	int64_t since = 0, narticles = 0;
	int ch, rc = 2, quiet = 0, all = 0;
	time_t now = time(NULL);

	rules = calloc((size_t)argc, sizeof(*rules));
	if (rules == NULL)
		return 2;
	while ((ch = getopt_long(argc, argv, "r:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rules[nrules++] = optarg;
			break;
		case 's':
			if (since_parse(optarg, (int64_t)now, &since) < 0) {
				usage_error(argv[0], "--since: %s", since_error(optarg));
				goto out;
			}
			break;
		case 'j':
			bt.json = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			hark_usage("backtest", stdout);
			rc = 0;
			goto out;
		default:
			usage_opt_error(argv[0], "r:qh", opts, argv);
			goto out;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	diags_init(&d);
	if (nrules > 0 || conf_rule_paths(&conf, &nconf, &d) == 0)
		rs = rules_load(nrules ? rules : conf, nrules ? nrules : nconf, &d);
	hark_diags_print(&d);
	diags_free(&d);
	if (rs == NULL)
		goto out;
	bt.m = matcher_new(rs);
	fts = presearch_query(rs, &all);
	if (bt.m == NULL || (fts == NULL && !all)) {
		hark_errorf("hark: backtest: out of memory\n");
		goto out;
	}
	if (backtest_open(&st, &narticles) < 0)
		goto out;
	strftime(bt.now, sizeof(bt.now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (store_articles_each(st, since, all ? NULL : fts, article_cb, &bt, err, sizeof(err)) !=
	    0) {
		hark_errorf("hark: backtest: %s\n", err);
		bt.errors++;
	}
	fflush(stdout);
	if (!quiet) {
		struct store_reach r;
		char from[32];

		hark_errorf("backtest: articles %lld, candidates %ld, hits %ld\n",
		            (long long)narticles, bt.candidates, bt.hits);
		/* retention removes old texts (keep_articles): say how far back the search saw */
		if (store_reach_get(st, &r, err, sizeof(err)) == 0 && r.texts > 0) {
			hark_time_local(r.oldest_text, from, sizeof(from));
			hark_errorf(
			    "backtest: the archive reaches back to %s (%lld article%s with their "
			    "text%s)\n",
			    from, (long long)r.texts, r.texts == 1 ? "" : "s",
			    r.texts < r.articles ? "; older ones lost theirs to keep_articles"
			                         : "");
		} else if (r.articles > 0 && r.texts == 0) {
			hark_errorf("backtest: no article keeps its text (keep_articles)\n");
		}
	}
	rc = bt.errors ? 2 : bt.hits ? 0 : 1;
out:
	store_close(st);
	free(fts);
	matcher_free(bt.m);
	ruleset_free(rs);
	for (size_t i = 0; i < nconf; i++)
		free(conf[i]);
	free(conf);
	free(rules);
	return rc;
}
