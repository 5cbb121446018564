/*
 * retention.c: the database's size under a steady load with retention
 * (bench_retention). Stores N articles of about 3 KB (title, body, FTS5 keys
 * as harkd computes them, one hit in ten), spread evenly over DAYS days of
 * simulated time, and runs harkd's retention pass (prune.c) every simulated
 * hour with keep_articles = 1d; prints the size of hark.db at the end of each
 * day. Time is simulated: the articles' seen_at and the pass's now advance,
 * nothing waits.
 *
 *   bench_retention DIR [N [DAYS [MODE]]]
 *
 * MODE: incremental (a database made by this version: auto_vacuum =
 * INCREMENTAL, the default), reuse (a database made before: auto_vacuum
 * off, free pages reused), forever (keep_articles = forever).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "conf.h"
#include "prune.h"
#include "rowdoc.h"
#include "store.h"

static uint64_t rng = 0x726574656e74ULL;

static uint64_t
next(void)
{
	/* xorshift64*: deterministic, fast */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A word of a 20,000-word synthetic vocabulary, Zipf-like (low ranks often). */
static void
word(char *w, size_t wsz)
{
	static const char *const syl[] = {"ka", "lo", "mi", "ra", "te", "su", "no", "vi",
	                                  "da", "pe", "zu", "ho", "ba", "ne", "ri", "go"};
	uint64_t r = next();
	unsigned rank = (unsigned)((r % 1000) * (r % 1000) / 50); /* 0..19980, skewed low */
	size_t n = 0;

	do {
		n += (size_t)snprintf(w + n, wsz - n, "%s", syl[rank % 16]);
		rank /= 16;
	} while (rank > 0 && n + 3 < wsz);
}

static void
text(char *buf, size_t size, size_t want)
{
	size_t n = 0;
	char w[32];

	while (n + 40 < size && n < want) {
		word(w, sizeof w);
		n += (size_t)snprintf(buf + n, size - n, "%s%s", w, next() % 12 == 0 ? ". " : " ");
	}
	buf[n] = '\0';
}

/* Batch times, for their percentiles. */
static double *times;
static size_t ntimes, captimes;

static void
times_add(double ms)
{
	if (ntimes == captimes) {
		captimes = captimes ? 2 * captimes : 4096;
		if ((times = realloc(times, captimes * sizeof(*times))) == NULL)
			abort();
	}
	times[ntimes++] = ms;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int64_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	long n = argc > 2 ? atol(argv[2]) : 100000, days = argc > 3 ? atol(argv[3]) : 10;
	const char *mode = argc > 4 ? argv[4] : "incremental";
	struct conf c = {0};
	struct store *st;
	char path[4096], err[512], title[128], body[8192], id[32], hash[80], hid[32], json[256];
	const int64_t t0 = 1767225600; /* 2026-01-01: the simulated clock starts there */
	int64_t per_hour, next_pass;
	double wall0, commit_max = 0, commit_sum = 0;
	long commits = 0;
	struct timespec ts;

	if (dir == NULL || n <= 0 || days <= 0 ||
	    (strcmp(mode, "incremental") && strcmp(mode, "reuse") && strcmp(mode, "forever"))) {
		fprintf(stderr,
		        "usage: bench_retention DIR [N [DAYS [incremental|reuse|forever]]]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/hark.db", dir);
	if (strcmp(mode, "reuse") == 0) {
		/* as an older hark made it: the first table decides auto_vacuum (none) */
		sqlite3 *db;

		if (sqlite3_open(path, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "CREATE TABLE x(a); DROP TABLE x;", NULL, NULL, NULL) !=
		        SQLITE_OK)
			return 1;
		sqlite3_close(db);
	}
	if (store_open(path, STORE_WRITE, 5000, &st, err, sizeof err) != 0) {
		fprintf(stderr, "bench_retention: %s\n", err);
		return 1;
	}
	c.spool_dir = argv[1]; /* no done/ nor failed/ there: nothing to remove */
	c.keep_articles = strcmp(mode, "forever") == 0 ? 0 : 86400;
	per_hour = n / (days * 24) > 0 ? n / (days * 24) : 1;
	next_pass = t0 + 3600;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	wall0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	printf(
	    "| day | articles stored | with text | hark.db | -wal |\n|---:|---:|---:|---:|---:|\n");
	for (long i = 0; i < n;) {
		int64_t now = t0 + (i / per_hour) * 3600;

		/* an hour's articles, a transaction (harkd commits one a file) */
		if (store_begin(st, err, sizeof err) != 0)
			goto fail;
		for (long k = 0; k < per_hour && i < n; k++, i++) {
			struct store_article a = {0};

			snprintf(id, sizeof id, "a_%016lx", (unsigned long)i);
			snprintf(hash, sizeof hash, "%064lx", (unsigned long)i);
			text(title, sizeof title, 60);
			text(body, sizeof body, 2500 + next() % 1000);
			a = (struct store_article){.id = id,
			                           .content_hash = hash,
			                           .title = title,
			                           .body = body,
			                           .lang = "en",
			                           .source = "drop",
			                           .file = "x.txt",
			                           .simhash = next(),
			                           .seen_at = now};
			if (store_article_add(st, &a, err, sizeof err) != 0)
				goto fail;
			if (i % 10 == 0) {
				snprintf(hid, sizeof hid, "h_%016lx", (unsigned long)i);
				snprintf(json, sizeof json,
				         "{\"id\":\"%s\",\"rule\":{\"id\":\"r%ld\"},\"snippet\":\"%"
				         ".120s\"}",
				         hid, i % 50, body);
				struct store_hit h = {.id = hid,
				                      .article_id = id,
				                      .rule_id = "r",
				                      .json = json,
				                      .detected_at = now * 1000,
				                      .alert = true};
				if (store_hit_add(st, &h, err, sizeof err) < 0)
					goto fail;
			}
		}
		{
			/* the commit alone: its fsync is what an article's commit costs harkd */
			struct timespec c0;
			double ms;

			clock_gettime(CLOCK_MONOTONIC, &c0);
			if (store_commit(st, err, sizeof err) != 0)
				goto fail;
			ms = ms_since(&c0);
			commit_max = ms > commit_max ? ms : commit_max;
			commit_sum += ms;
			commits++;
		}
		/* then the index, as harkd's indexer does (store_fts_catch_up) */
		for (int more = 1; more;) {
			size_t nrows;

			if (store_fts_catch_up(st, 256, 0, rowdoc_keys, NULL, &nrows, &more, err,
			                       sizeof err) != 0)
				goto fail;
		}
		if (now + 3600 >= next_pass) {
			struct prune *p = prune_new(st, &c, now + 3600, false);
			int rc;

			/* each batch is a turn of harkd's loop: the longest is its stall */
			do {
				struct timespec b0;
				double ms;

				clock_gettime(CLOCK_MONOTONIC, &b0);
				rc = prune_step(p, err, sizeof err);
				ms = ms_since(&b0);
				if (ms >= 0.05) /* not the phases with nothing to do */
					times_add(ms);
			} while (rc == 1);
			prune_free(p);
			if (rc != 0)
				goto fail;
			next_pass = now + 7200;
		}
		if (i % (per_hour * 24) == 0 || i == n) {
			struct store_reach r;
			char wal[4200];

			snprintf(wal, sizeof wal, "%s-wal", path);
			if (store_reach_get(st, &r, err, sizeof err) != 0)
				goto fail;
			printf("| %lld | %lld | %lld | %.1f MB | %.1f MB |\n",
			       (long long)((now + 3600 - t0) / 86400), (long long)r.articles,
			       (long long)r.texts, (double)file_size(path) / 1e6,
			       (double)file_size(wal) / 1e6);
			fflush(stdout);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("\nmode %s, %ld articles over %ld simulated days, %.0f s\n", mode, n, days,
	       (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - wall0);
	if (ntimes > 0) {
		qsort(times, ntimes, sizeof(*times), cmp_double);
		printf("retention batches %zu: p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
		       "a commit of articles (its fsync): mean %.1f ms, max %.1f ms\n",
		       ntimes, times[ntimes / 2], times[ntimes * 99 / 100], times[ntimes - 1],
		       commit_sum / (double)commits, commit_max);
	}
	free(times);
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "bench_retention: %s\n", err);
	store_close(st);
	return 1;
}
