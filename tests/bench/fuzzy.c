/*
 * bench_fuzzy: index 10,000 generated terms of 6-10 letters with budget 2,
 * then look up 2 million generated tokens; print lookups per second and the
 * heap the index holds.
 *
 *   bench_fuzzy [terms [tokens [seed]]]
 *
 * Two token mixes are timed:
 *   text   word lengths as in running text (mean ~5), 5% of tokens near a term
 *   worst  every token 6-10 letters (passes the first-letter and length
 *          filters), 20% of tokens near a term
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzzy.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
random_word(char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w[i] = (char)('a' + rnd(26));
	w[n] = 0;
}

/* 0-3 random edits after the first letter. */
static void
perturb(char *w, size_t cap)
{
	int e, ne = (int)rnd(4);
	size_t n = strlen(w), p;

	for (e = 0; e < ne; e++) {
		switch (rnd(4)) {
		case 0:
			if (n > 1)
				w[1 + rnd((uint32_t)(n - 1))] = (char)('a' + rnd(26));
			break;
		case 1:
			if (n + 1 < cap) {
				p = 1 + rnd((uint32_t)n);
				memmove(w + p + 1, w + p, n - p + 1);
				w[p] = (char)('a' + rnd(26));
				n++;
			}
			break;
		case 2:
			if (n > 2) {
				p = 1 + rnd((uint32_t)(n - 1));
				memmove(w + p, w + p + 1, n - p);
				n--;
			}
			break;
		default:
			if (n > 2) {
				char t;

				p = 1 + rnd((uint32_t)(n - 2));
				t = w[p];
				w[p] = w[p + 1];
				w[p + 1] = t;
			}
			break;
		}
	}
}

/* English running-text word lengths 1..14, roughly (per mille). */
static size_t
text_len(void)
{
	static const int pm[] = {30, 170, 210, 160, 110, 85, 75, 55, 40, 28, 15, 9, 5, 3};
	int r = (int)rnd(1000), i;

	for (i = 0; i < 13; i++) {
		if (r < pm[i])
			return (size_t)i + 1;
		r -= pm[i];
	}
	return 14;
}

struct toks {
	char *buf;
	uint32_t *off;
	size_t n;
};

#define TOKCAP 24

static void
gen_tokens(struct toks *t, size_t n, char (*terms)[TOKCAP], size_t nterms, int worst)
{
	size_t i;

	t->buf = malloc(n * TOKCAP);
	t->off = malloc(n * sizeof *t->off);
	t->n = n;
	if (!t->buf || !t->off) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		char *w = t->buf + i * TOKCAP;

		t->off[i] = (uint32_t)(i * TOKCAP);
		if (rnd(100) < (worst ? 20u : 5u)) {
			strcpy(w, terms[rnd((uint32_t)nterms)]);
			perturb(w, TOKCAP);
		} else {
			random_word(w, worst ? 6 + rnd(5) : text_len());
		}
	}
}

/* Heap in use: small blocks plus the mmap-served large ones. */
static size_t
heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static unsigned long g_hits;

static void
on_hit(uint32_t id, int dist, void *arg)
{
	(void)id;
	(void)dist;
	(void)arg;
	g_hits++;
}

static void
run(const char *name, const struct fuzzy_index *fx, const struct toks *t)
{
	double t0, dt;
	size_t i;

	g_hits = 0;
	t0 = now();
	for (i = 0; i < t->n; i++) {
		const char *w = t->buf + t->off[i];

		fuzzy_lookup(fx, w, strlen(w), on_hit, NULL);
	}
	dt = now() - t0;
	printf("%-6s %zu lookups in %.3f s: %.2f M lookups/s, %.0f ns/lookup, %lu hits\n", name,
	       t->n, dt, (double)t->n / dt / 1e6, dt * 1e9 / (double)t->n, g_hits);
}

int
main(int argc, char **argv)
{
	size_t nterms = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	size_t ntok = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000000;
	char(*terms)[TOKCAP];
	struct fuzzy_index *fx;
	struct toks text, worst;
	size_t i, variants = 0, heap0, heap1;
	double t0, tb;

	if (argc > 3)
		rng = strtoull(argv[3], NULL, 0) | 1;
	terms = malloc(nterms * sizeof *terms);
	if (!terms) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < nterms; i++) {
		size_t n = 6 + rnd(5);

		random_word(terms[i], n);
		variants += 1 + (n - 1) + (n - 1) * (n - 2) / 2;
	}
	gen_tokens(&text, ntok, terms, nterms, 0);
	gen_tokens(&worst, ntok, terms, nterms, 1);

	heap0 = heap_used();
	t0 = now();
	fx = fuzzy_new();
	if (!fx)
		return 1;
	for (i = 0; i < nterms; i++)
		if (fuzzy_add(fx, terms[i], strlen(terms[i]), 2, (uint32_t)i)) {
			perror("fuzzy_add");
			return 1;
		}
	if (fuzzy_build(fx)) {
		perror("fuzzy_build");
		return 1;
	}
	tb = now() - t0;
	heap1 = heap_used();

	printf("index: %zu terms (6-10 letters, budget 2), %zu deletion variants before "
	       "dedup, built in %.1f ms\n",
	       fuzzy_count(fx), variants, tb * 1e3);
	printf("index memory: %.2f MiB heap (%.1f bytes/term, %.1f bytes/variant)\n",
	       (double)(heap1 - heap0) / 1048576.0, (double)(heap1 - heap0) / (double)nterms,
	       (double)(heap1 - heap0) / (double)variants);
	run("text", fx, &text);
	run("worst", fx, &worst);

	fuzzy_free(fx);
	free(text.buf);
	free(text.off);
	free(worst.buf);
	free(worst.off);
	free(terms);
	return 0;
}
