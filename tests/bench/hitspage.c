/*
 * hitspage.c: the paged hit queries of the pages and the API (bench_hitspage).
 *
 *   bench_hitspage [DIR [HITS [ARTICLES]]]
 *
 * Writes DIR/hits.db (default: a temporary directory, removed at the end)
 * straight through store.h: ARTICLES articles (default 200,000) from 51
 * sources (50 feeds and drop) in 8 languages, and HITS hits (default
 * 1,000,000) of 2,000 rules, skewed (a few rules hit often, most rarely),
 * over the 30 days before now, each with a stored hit object of about 500
 * bytes. A DIR/hits.db of the same sizes is reused. Then, on a reader
 * (STORE_READ, as hark hits and the HTTP interface read), 200 pages of 50
 * hits for each filter, half of them the first page and half a page deep in
 * the range (a cursor at a random time), and prints for each filter
 *
 *   filter=NAME p50_ms=.. p99_ms=.. max_ms=.. rows=..
 *
 * then the time of store_rule_stats over the whole archive. The figures
 * are wall-clock, one thread, the database in the page cache.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rowdoc.h"
#include "store.h"

#define NRULES 2000
#define NSOURCES 51
#define DAY_MS 86400000LL
#define ROUNDS 200

static const char *const langs[] = {"en", "fr", "ar", "fa", "ru", "de", "es", "zh"};

/* xorshift64*: the same data on every machine */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "bench_hitspage: %s: %s\n", what, err);
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A rule: skewed, rule 0 the most frequent (about 1/k of the hits for rule k - 1). */
static int
pick_rule(void)
{
	double u = (double)(rnd() >> 11) / (double)(1ULL << 53);
	double h = 0;

	/* rule k with probability about 1 / (k + 1) / H: the inverse of the harmonic CDF */
	static double cdf[NRULES];
	static int ready;

	if (!ready) {
		for (int k = 0; k < NRULES; k++)
			cdf[k] = (h += 1.0 / (k + 1));
		for (int k = 0; k < NRULES; k++)
			cdf[k] /= h;
		ready = 1;
	}
	int lo = 0, hi = NRULES - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
source_name(int s, char *buf, size_t size)
{
	if (s == 0)
		snprintf(buf, size, "drop");
	else
		snprintf(buf, size, "feed-%02d", s);
}

static void
generate(const char *path, long nhits, long narticles, int64_t now_ms)
{
	struct store *st;
	char err[512];
	long h = 0;
	const long per_tx = 2000;

	if (store_open(path, STORE_WRITE, 5000, &st, err, sizeof(err)) != 0)
		die(path, err);
	for (long a = 0; a < narticles;) {
		if (store_begin(st, err, sizeof(err)) != 0)
			die("begin", err);
		for (long end = a + per_tx; a < end && a < narticles; a++) {
			char id[32], hash[32], src[16], title[96], body[256], url[96];
			/* articles evenly over the 30 days, oldest first */
			int64_t seen_ms = now_ms - 30 * DAY_MS + (30 * DAY_MS) * a / narticles;
			int s = (int)(rnd() % NSOURCES);
			const char *lang = langs[rnd() % (sizeof(langs) / sizeof(langs[0]))];
			struct store_article art = {0};

			snprintf(id, sizeof(id), "a_%016lx", (unsigned long)a);
			snprintf(hash, sizeof(hash), "%016lx", (unsigned long)a * 7919);
			source_name(s, src, sizeof(src));
			snprintf(title, sizeof(title), "Article %ld of %s about the sanctions", a,
			         src);
			snprintf(
			    body, sizeof(body),
			    "The council met on Monday to discuss article %ld. Officials said the "
			    "sanctions would be extended for another year.",
			    a);
			snprintf(url, sizeof(url), "https://news.example.org/%s/%ld", src, a);
			art.id = id;
			art.content_hash = hash;
			art.canonical = url;
			art.url = url;
			art.title = title;
			art.body = body;
			art.lang = lang;
			art.source = src;
			art.simhash = rnd();
			art.seen_at = seen_ms / 1000;
			if (store_article_add(st, &art, err, sizeof(err)) != 0)
				die("article", err);
			/* its share of the hits, each of a different rule */
			long want = (nhits * (a + 1)) / narticles - h;
			for (long k = 0; k < want; k++, h++) {
				char hid[32], rule[16], json[1024];
				struct store_hit hit = {0};
				int r = (pick_rule() + (int)k * 7) % NRULES;

				snprintf(hid, sizeof(hid), "h_%016lx", (unsigned long)h);
				snprintf(rule, sizeof(rule), "r%04d", r);
				snprintf(
				    json, sizeof(json),
				    "{\"id\":\"%s\",\"rule\":{\"id\":\"%s\",\"name\":\"Rule %d\","
				    "\"tags\":[\"t%d\"]},\"article\":{\"id\":\"%s\",\"title\":\"%"
				    "s\","
				    "\"url\":\"%s\",\"source\":\"%s\",\"lang\":\"%s\"},\"matches\":"
				    "[{\"atom\":\"sanctions\",\"field\":\"body\",\"start\":80,"
				    "\"end\":89,"
				    "\"text\":\"sanctions\"}],\"snippet\":\"%.180s\","
				    "\"detected_at\":\"2026-11-21T10:00:00Z\"}",
				    hid, rule, r, r % 20, id, title, url, src, lang, body);
				hit.id = hid;
				hit.article_id = id;
				hit.rule_id = rule;
				hit.json = json;
				hit.detected_at = seen_ms + (int64_t)k;
				hit.alert = true;
				int rc = store_hit_add(st, &hit, err, sizeof(err));
				if (rc < 0)
					die("hit", err);
				if (rc == 0) /* the same rule twice on one article: one fewer */
					h--;
			}
		}
		if (store_commit(st, err, sizeof(err)) != 0)
			die("commit", err);
	}
	/* the archive's full-text index caught up, as harkd's indexer keeps it */
	for (int more = 1; more;) {
		size_t nrows;

		if (store_fts_catch_up(st, 256, 0, rowdoc_keys, NULL, &nrows, &more, err,
		                       sizeof(err)) != 0)
			die("index", err);
	}
	store_close(st);
}

static int
count_cb(const struct store_hit_row *r, void *arg)
{
	(void)r;
	(*(long *)arg)++;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
stats_cb(const struct store_rule_stats_row *r, void *arg)
{
	(void)r;
	(*(long *)arg)++;
	return 0;
}

int
main(int argc, char **argv)
{
	char dir[200], path[320], err[512], cursor[STORE_CURSOR_MAX], next[STORE_CURSOR_MAX];
	long nhits = argc > 2 ? atol(argv[2]) : 1000000,
	     narticles = argc > 3 ? atol(argv[3]) : 200000;
	int tmp = argc < 2;
	struct store *st;
	struct stat sb;
	/* the data's now: fixed, so that a reused database has the same spread */
	const int64_t now_ms = 1795312274000LL;
	const char *r0[] = {"r0000"}, *rmid[] = {"r0040"}, *rrare[] = {"r1900"};
	const char *tag[10], *bigtag[200];
	char tagbuf[10][16], bigbuf[200][16];

	if (nhits < 1 || narticles < 1)
		die("usage", "bench_hitspage [DIR [HITS [ARTICLES]]]");
	if (tmp) {
		snprintf(dir, sizeof(dir), "/tmp/bench-hitspage-XXXXXX");
		if (mkdtemp(dir) == NULL)
			die("mkdtemp", strerror(errno));
	} else {
		snprintf(dir, sizeof(dir), "%s", argv[1]);
		mkdir(dir, 0755);
	}
	snprintf(path, sizeof(path), "%s/hits-%ld-%ld.db", dir, nhits, narticles);
	if (stat(path, &sb) != 0) {
		int64_t t0 = now_ns();

		generate(path, nhits, narticles, now_ms);
		if (stat(path, &sb) != 0)
			die(path, strerror(errno));
		printf("generated hits=%ld articles=%ld seconds=%.1f db_mb=%.0f\n", nhits,
		       narticles, (double)(now_ns() - t0) / 1e9, (double)sb.st_size / 1e6);
	}
	/* a database cached by an older build: brought to this schema first (a reader never
	 * migrates) */
	if (store_open(path, STORE_WRITE, 5000, &st, err, sizeof(err)) != 0)
		die(path, err);
	store_close(st);
	if (store_open(path, STORE_READ, 5000, &st, err, sizeof(err)) != 0)
		die(path, err);
	for (int i = 0; i < 10; i++) {
		snprintf(tagbuf[i], sizeof(tagbuf[i]), "r%04d", 20 * i + 3);
		tag[i] = tagbuf[i];
	}
	for (int i = 0; i < 200; i++) {
		snprintf(bigbuf[i], sizeof(bigbuf[i]), "r%04d", 10 * i + 5);
		bigtag[i] = bigbuf[i];
	}
	struct {
		const char *name;
		struct store_hit_filter f;
	} cases[] = {
	    {"none", {0}},
	    {"rule_frequent", {.rules = r0, .nrules = 1}},
	    {"rule_middle", {.rules = rmid, .nrules = 1}},
	    {"rule_rare", {.rules = rrare, .nrules = 1}},
	    {"tag_10_rules", {.rules = tag, .nrules = 10}},
	    {"tag_200_rules", {.rules = bigtag, .nrules = 200}},
	    {"source", {.source = "feed-17"}},
	    {"lang", {.lang = "fa"}},
	    {"since_24h", {.since_ms = now_ms - DAY_MS}},
	    {"until_20d_ago", {.until_ms = now_ms - 20 * DAY_MS}},
	    /* combined: a page reads the rule's index and checks the rest in it (schema 5) */
	    {"rule_middle_source_lang",
	     {.source = "drop", .lang = "en", .rules = rmid, .nrules = 1}},
	    {"rule_frequent_source_lang",
	     {.source = "drop", .lang = "en", .rules = r0, .nrules = 1}},
	};
	/* warm the page cache: one pass over each filter */
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		long rows = 0;

		if (store_hits_page(st, &cases[c].f, count_cb, &rows, next, sizeof(next), err,
		                    sizeof(err)) != 0)
			die(cases[c].name, err);
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int64_t t[ROUNDS];
		long rows = 0;

		for (int i = 0; i < ROUNDS; i++) {
			struct store_hit_filter f = cases[c].f;
			int64_t t0;

			f.limit = 50;
			if (i % 2 == 1) {
				/* deep: from a random time of the 30 days */
				int64_t at = now_ms - (int64_t)(rnd() % (uint64_t)(30 * DAY_MS));

				snprintf(cursor, sizeof(cursor), "%lld-%lld", (long long)at,
				         (long long)INT64_MAX);
				f.before = cursor;
			}
			t0 = now_ns();
			if (store_hits_page(st, &f, count_cb, &rows, next, sizeof(next), err,
			                    sizeof(err)) != 0)
				die(cases[c].name, err);
			t[i] = now_ns() - t0;
		}
		qsort(t, ROUNDS, sizeof(t[0]), cmp_i64);
		printf("filter=%s p50_ms=%.3f p99_ms=%.3f max_ms=%.3f rows=%ld\n", cases[c].name,
		       (double)t[ROUNDS / 2] / 1e6, (double)t[ROUNDS * 99 / 100] / 1e6,
		       (double)t[ROUNDS - 1] / 1e6, rows);
	}
	{
		long n = 0;
		int64_t t0 = now_ns();

		if (store_rule_stats(st, now_ms, stats_cb, &n, err, sizeof(err)) != 0)
			die("rule stats", err);
		printf("rule_stats rules=%ld ms=%.1f\n", n, (double)(now_ns() - t0) / 1e6);
	}
	store_close(st);
	if (tmp) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_hitspage: could not remove %s\n", dir);
	}
	return 0;
}
