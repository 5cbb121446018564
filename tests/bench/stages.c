/*
 * bench_stages: the cost of each stage of hark match's path, in
 * microseconds of CPU per article, over a directory of articles (the bench
 * corpus: about 4 KB each):
 *
 *   bench_stages CORPUSDIR RULES... [-n ARTICLES]
 *
 * read       open, read and close the file (from the page cache)
 * charset    charset_sniff() and charset_to_utf8(): the bytes as clean UTF-8
 * extract    the rest of extract_bytes(): format, title and body, the document
 *            (without the language and the SimHash when it computes them)
 * language   lang_identify() as the document's pipeline calls it: on the
 *            first DOC_LANG_SAMPLE bytes of the body where doc.h bounds it,
 *            else on the whole body (which lang.c cuts at 4 KB)
 * fingerprint simhash_text() of the body
 * match      matcher_run() with each RULES file, the language already known
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not the wall
 * clock, so that other processes on a shared machine change them little;
 * each stage is the best of 3 passes over the articles. The same file builds
 * against trees before lazy language identification (doc_lang() absent),
 * where extract_bytes() computed both the language and the SimHash: their
 * times are taken out of its figure and shown on their own rows.
 *
 * Prints "stage=NAME us_per_article=X" lines, then one "need" line: the
 * articles hark match had to identify the language of with each RULES
 * (those with a hit; none of the bench rules names a language).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "doc.h"
#include "extract.h"
#include "lang.h"
#include "match.h"
#include "rulecache.h"
#include "ruleset.h"
#include "simhash.h"
#include "utf8.h"

#define ROUNDS 3
#define MAX_RULESETS 4

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_path(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 8192, n = 0;
	char *b;
	ssize_t r;

	if (fd < 0 || (b = malloc(cap)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);

			if (nb == NULL) {
				free(b);
				close(fd);
				return NULL;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return b;
}

static struct ruleset *
rules_read(const char *path)
{
	struct ruleset *rs = ruleset_new();
	struct diags d;
	size_t len;
	char *text = read_path(path, &len);

	diags_init(&d);
	if (rs == NULL || text == NULL || ruleset_add_file(rs, path, text, len, NULL, &d) < 0 ||
	    ruleset_finish(rs, &d) < 0) {
		fprintf(stderr, "bench_stages: %s: cannot compile\n", path);
		exit(1);
	}
	diags_free(&d);
	free(text);
	/*
	 * BENCH_STAGES_LOADED=plain|huge: match with the set as hark match
	 * loads it from its cache (rulecache.c), in a buffer on small pages
	 * or advised into huge pages, rather than as compiled.
	 */
	if (getenv("BENCH_STAGES_LOADED") != NULL) {
		struct rulecache_extra x = {0};
		const char *why = NULL;
		int huge = strcmp(getenv("BENCH_STAGES_LOADED"), "huge") == 0;
		void *buf, *al;
		size_t n, a = 2u << 20;

		if (rulecache_save(rs, &x, &buf, &n) < 0 ||
		    (al = aligned_alloc(a, (n + a - 1) / a * a)) == NULL) {
			fprintf(stderr, "bench_stages: %s: cannot save\n", path);
			exit(1);
		}
		if (huge)
			(void)madvise(al, (n + a - 1) / a * a, MADV_HUGEPAGE);
		memcpy(al, buf, n);
		free(buf);
		ruleset_free(rs);
		if ((rs = rulecache_load(al, n, &x, &why)) == NULL) {
			fprintf(stderr, "bench_stages: %s: cannot load: %s\n", path, why);
			exit(1);
		}
		rulecache_extra_free(&x);
	}
	return rs;
}

/* The language as the document pipeline of this tree identifies it. */
static void
stage_lang(const struct document *doc, char out[8])
{
	const char *body = doc->field[F_BODY];
	size_t blen = doc->field_len[F_BODY];

#ifdef DOC_LANG_SAMPLE
	if (body != NULL && blen > DOC_LANG_SAMPLE)
		blen = utf8_floor(body, DOC_LANG_SAMPLE);
#endif
	lang_identify(doc->field[F_TITLE], doc->field_len[F_TITLE], body, blen, NULL, out);
}

static int
count_hit(const struct hit *h, void *arg)
{
	(void)h;
	++*(unsigned long *)arg;
	return 0;
}

int
main(int argc, char **argv)
{
	enum { S_READ, S_CHARSET, S_EXTRACT, S_LANG, S_FP, S_MATCH };
	static const char *const names[] = {"read",     "charset",     "extract",
	                                    "language", "fingerprint", "match"};
	double best[S_MATCH + MAX_RULESETS];
	struct ruleset *rs[MAX_RULESETS];
	struct matcher *m[MAX_RULESETS];
	const char *rpath[MAX_RULESETS];
	unsigned long withhit[MAX_RULESETS] = {0};
	size_t nrs = 0, n = 0, cap = 0, limit = 0, total;
	char **paths = NULL;
	const char *dir = NULL;
	DIR *dp;
	struct dirent *de;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			limit = (size_t)atol(argv[++i]);
		else if (dir == NULL)
			dir = argv[i];
		else if (nrs < MAX_RULESETS)
			rpath[nrs++] = argv[i];
	}
	if (dir == NULL || nrs == 0) {
		fprintf(stderr, "usage: bench_stages CORPUSDIR RULES... [-n ARTICLES]\n");
		return 2;
	}
	if ((dp = opendir(dir)) == NULL) {
		fprintf(stderr, "bench_stages: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap &&
		    (paths = realloc(paths, (cap = cap ? cap * 2 : 1024) * sizeof(*paths))) == NULL)
			return 1;
		if (asprintf(&paths[n], "%s/%s", dir, de->d_name) < 0)
			return 1;
		n++;
	}
	closedir(dp);
	qsort(paths, n, sizeof(*paths), name_cmp);
	total = n;
	if (limit > 0 && limit < n)
		n = limit;
	for (size_t r = 0; r < nrs; r++) {
		rs[r] = rules_read(rpath[r]);
		m[r] = matcher_new(rs[r]);
	}
	for (size_t s = 0; s < S_MATCH + nrs; s++)
		best[s] = 1e30;

	for (int round = 0; round < ROUNDS; round++) {
		double t[S_MATCH + MAX_RULESETS] = {0}, t0;

		for (size_t i = 0; i < n; i++) {
			struct extract_opts o = {.file = paths[i], .source = "drop"};
			struct extraction x;
			char err[256], cs[32], lang[8];
			size_t len, ulen;
			char *buf, *u;

			t0 = cpu_now();
			buf = read_path(paths[i], &len);
			t[S_READ] += cpu_now() - t0;
			if (buf == NULL) {
				fprintf(stderr, "bench_stages: %s: cannot read\n", paths[i]);
				return 1;
			}
			t0 = cpu_now();
			{
				size_t bom = charset_sniff(buf, len, NULL, cs, NULL);

				u = charset_to_utf8(buf + bom, len - bom, cs, &ulen);
			}
			t[S_CHARSET] += cpu_now() - t0;
			free(u);
			t0 = cpu_now();
			if (extract_bytes(buf, len, &o, &x, err, sizeof(err)) < 0) {
				fprintf(stderr, "bench_stages: %s: %s\n", paths[i], err);
				return 1;
			}
			t[S_EXTRACT] += cpu_now() - t0;
			free(buf);
			for (size_t k = 0; k < x.ndocs; k++) {
				struct document *doc = &x.docs[k];

				t0 = cpu_now();
				stage_lang(doc, lang);
				t[S_LANG] += cpu_now() - t0;
				t0 = cpu_now();
				(void)simhash_text(doc->field[F_BODY], doc->field_len[F_BODY]);
				t[S_FP] += cpu_now() - t0;
#ifdef DOC_LANG_SAMPLE
				doc_lang(doc); /* known before matching: match alone is timed */
#endif
				for (size_t r = 0; r < nrs; r++) {
					unsigned long hits = 0;

					t0 = cpu_now();
					matcher_run(m[r], doc, count_hit, &hits);
					t[S_MATCH + r] += cpu_now() - t0;
					if (round == 0 && hits > 0)
						withhit[r]++;
				}
			}
			extraction_free(&x);
		}
		t[S_EXTRACT] -= t[S_CHARSET];
#ifndef DOC_LANG_SAMPLE
		/* extract_bytes() identified the language and made the SimHash */
		t[S_EXTRACT] -= t[S_LANG] + t[S_FP];
#endif
		for (size_t s = 0; s < S_MATCH + nrs; s++)
			if (t[s] < best[s])
				best[s] = t[s];
	}
	for (size_t s = 0; s < S_MATCH; s++)
		printf("stage=%s us_per_article=%.1f\n", names[s], best[s] * 1e6 / (double)n);
	for (size_t r = 0; r < nrs; r++) {
		const char *base = strrchr(rpath[r], '/');

		printf("stage=match rules=%s us_per_article=%.1f\n", base ? base + 1 : rpath[r],
		       best[S_MATCH + r] * 1e6 / (double)n);
	}
	for (size_t r = 0; r < nrs; r++) {
		const char *base = strrchr(rpath[r], '/');

		printf("need rules=%s articles=%zu with_hit=%lu\n", base ? base + 1 : rpath[r], n,
		       withhit[r]);
	}
	for (size_t r = 0; r < nrs; r++) {
		matcher_free(m[r]);
		ruleset_free(rs[r]);
	}
	for (size_t i = 0; i < total; i++)
		free(paths[i]);
	free(paths);
	return 0;
}
