/*
 * match.c: matching throughput of a compiled ruleset (bench_match).
 *
 *   bench_match RULES CORPUSDIR [ROUNDS]
 *
 * Compiles the rule file through the public API (timed), reads every *.txt
 * file of CORPUSDIR into memory (not timed), then, ROUNDS times (default 3),
 * builds each article's document with doc_from_text() and runs matcher_run()
 * on it; the best round counts. doc_from_text() is inside the timed loop: it
 * is part of what every article costs. Single thread.
 *
 * Prints one line of key=value figures (MB = 10^6 bytes):
 *   rules compile_s atoms ruleset_mb articles corpus_mb match_s mb_per_s
 *   docs_per_s doc_s doc_mb_per_s hits rss_compile_mb hwm_compile_mb peak_rss_mb
 *   peak_rss_nocorpus_mb
 * match_s is the best round of doc_from_text() + matcher_run(), the figure
 * that counts; doc_s the best round of doc_from_text() alone (a separate pass,
 * so that the share of building documents is known: matching alone is about
 * match_s - doc_s).
 * rss_compile_mb / hwm_compile_mb: VmRSS / VmHWM right after the compile,
 * before the corpus is read; peak_rss_mb: VmHWM (= ru_maxrss) at the end,
 * which includes the corpus held in memory; peak_rss_nocorpus_mb subtracts it.
 * Not a test: it exits 0 unless something fails.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "diag.h"
#include "doc.h"
#include "match.h"
#include "ruleset.h"

#define MB 1e6

struct bench_article {
	char *text;
	size_t len;
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads a whole file into an exact-size buffer; returns NULL with errno set on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) < 0) {
		fclose(f);
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0, r;
	char *s = malloc(cap);
	while (s && (r = fread(s + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) { /* the file grew */
			char *t = realloc(s, cap *= 2);
			if (!t) {
				free(s);
				s = NULL;
			} else
				s = t;
		}
	}
	if (!s || ferror(f)) {
		int e = s ? EIO : ENOMEM;
		free(s);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	*len = n;
	return s;
}

/* "VmRSS:" or "VmHWM:" of /proc/self/status, in kB; 0 when unknown. */
static long
proc_status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	char line[256];
	long kb = 0;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl)) {
			kb = strtol(line + kl, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static double
kb_to_mb(long kb)
{
	return (double)kb * 1024.0 / MB;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_txt_suffix(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && !strcmp(s + n - 4, ".txt");
}

/* Every *.txt of dir, in name order. Returns the count, or -1. */
static long
read_corpus(const char *dir, struct bench_article **out, size_t *bytes)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "bench_match: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	struct bench_article *a = NULL;
	size_t n = 0, cap = 0, nread = 0;
	long ret = -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!has_txt_suffix(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			char **t = realloc(names, cap * sizeof *names);
			if (!t)
				goto oom;
			names = t;
		}
		if (!(names[n] = strdup(e->d_name)))
			goto oom;
		n++;
	}
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	if (!(a = calloc(n ? n : 1, sizeof *a)))
		goto oom;
	*bytes = 0;
	for (; nread < n; nread++) {
		size_t pl = strlen(dir) + strlen(names[nread]) + 2;
		char *path = malloc(pl);
		if (!path)
			goto oom;
		snprintf(path, pl, "%s/%s", dir, names[nread]);
		a[nread].text = read_file(path, &a[nread].len);
		if (!a[nread].text) {
			fprintf(stderr, "bench_match: %s: %s\n", path, strerror(errno));
			free(path);
			goto out;
		}
		free(path);
		*bytes += a[nread].len;
	}
	*out = a;
	a = NULL;
	ret = (long)n;
	goto out;
oom:
	fprintf(stderr, "bench_match: out of memory\n");
out:
	for (size_t i = 0; a && i < nread; i++)
		free(a[i].text);
	free(a);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

static int
count_hit(const struct hit *h, void *arg)
{
	(void)h;
	++*(unsigned long *)arg;
	return 0;
}

/*
 * One pass over the corpus: doc_from_text() for each article, then
 * matcher_run() when m is not NULL (hits counted in *hits). *secs: its time.
 */
static int
run_round(const struct bench_article *arts, long narts, struct matcher *m, unsigned long *hits,
          double *secs)
{
	double t = now();
	for (long i = 0; i < narts; i++) {
		struct document doc;
		const char *err = NULL;
		if (doc_from_text(&doc, arts[i].text, arts[i].len, NULL, "bench", NULL, &err) < 0) {
			fprintf(stderr, "bench_match: article %ld: %s\n", i, err ? err : "?");
			return -1;
		}
		if (m && matcher_run(m, &doc, count_hit, hits) < 0) {
			fprintf(stderr, "bench_match: out of memory\n");
			doc_free(&doc);
			return -1;
		}
		doc_free(&doc);
	}
	*secs = now() - t;
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: bench_match RULES CORPUSDIR [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	if (rounds < 1)
		rounds = 1;

	size_t rlen;
	char *rtext = read_file(argv[1], &rlen);
	if (!rtext) {
		fprintf(stderr, "bench_match: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}

	/* Compile: parse, normalize and index every rule. */
	struct diags d;
	diags_init(&d);
	struct query_opts o = {NULL, NULL};
	double t0 = now();
	struct ruleset *rs = ruleset_new();
	if (!rs) {
		fprintf(stderr, "bench_match: out of memory\n");
		return 1;
	}
	int rc = ruleset_add_file(rs, argv[1], rtext, rlen, &o, &d);
	if (rc == 0)
		rc = ruleset_finish(rs, &d);
	double compile_s = now() - t0;
	for (size_t i = 0; i < d.n && i < 10; i++) {
		char buf[512];
		diag_format(&d.v[i], buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
	}
	if (rc < 0 || d.nerrors) {
		fprintf(stderr, "bench_match: %s: %zu errors\n", argv[1], d.nerrors);
		return 1;
	}
	diags_free(&d);
	free(rtext);
	long rss_compile = proc_status_kb("VmRSS:"), hwm_compile = proc_status_kb("VmHWM:");

	struct matcher *m = matcher_new(rs);
	if (!m) {
		fprintf(stderr, "bench_match: out of memory\n");
		return 1;
	}

	struct bench_article *arts = NULL;
	size_t corpus_bytes = 0;
	long narts = read_corpus(argv[2], &arts, &corpus_bytes);
	if (narts < 0)
		return 1;
	if (narts == 0) {
		fprintf(stderr, "bench_match: %s: no *.txt files\n", argv[2]);
		return 1;
	}

	double best = -1, best_doc = -1;
	unsigned long hits = 0, prev_hits = 0;
	for (int r = 0; r < rounds; r++) {
		double t;
		if (run_round(arts, narts, NULL, NULL, &t) < 0)
			return 1;
		if (best_doc < 0 || t < best_doc)
			best_doc = t;
		hits = 0;
		if (run_round(arts, narts, m, &hits, &t) < 0)
			return 1;
		if (best < 0 || t < best)
			best = t;
		if (r && hits != prev_hits)
			fprintf(stderr, "bench_match: round %d found %lu hits, round %d %lu\n",
			        r + 1, hits, r, prev_hits);
		prev_hits = hits;
	}

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long hwm = proc_status_kb("VmHWM:");
	if (!hwm)
		hwm = ru.ru_maxrss;
	double corpus_mb = (double)corpus_bytes / MB;
	printf("rules=%zu compile_s=%.3f atoms=%zu ruleset_mb=%.1f articles=%ld corpus_mb=%.1f "
	       "mb=%.1f match_s=%.3f mb_per_s=%.1f docs_per_s=%.0f doc_s=%.3f doc_mb_per_s=%.1f "
	       "hits=%lu rss_compile_mb=%.1f hwm_compile_mb=%.1f peak_rss_mb=%.1f "
	       "peak_rss_nocorpus_mb=%.1f\n",
	       ruleset_nrules(rs), compile_s, ruleset_natoms(rs), (double)ruleset_memory(rs) / MB,
	       narts, corpus_mb, corpus_mb, best, corpus_mb / best, (double)narts / best, best_doc,
	       corpus_mb / best_doc, hits, kb_to_mb(rss_compile), kb_to_mb(hwm_compile),
	       kb_to_mb(hwm), kb_to_mb(hwm) - corpus_mb);

	for (long i = 0; i < narts; i++)
		free(arts[i].text);
	free(arts);
	matcher_free(m);
	ruleset_free(rs);
	return 0;
}
