/* test_fuzzy.c: OSA distance, automatic budgets and the symmetric-delete index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzy.h"

#define MAXCP 256

/* ---- helpers -------------------------------------------------------------- */

/* Decode well-formed UTF-8 (test data only). */
static size_t
u8dec(const char *s, uint32_t *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t c = *p++;
		int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (extra)
			c &= 0x3fu >> extra;
		while (extra--)
			c = (c << 6) | (*p++ & 0x3fu);
		assert_true(n < cap);
		out[n++] = c;
	}
	return n;
}

static size_t
u8enc(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static size_t
cps_to_u8(const uint32_t *c, size_t n, char *out)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += u8enc(c[i], out + len);
	out[len] = 0;
	return len;
}

static int
dist_s(const char *a, const char *b, int max)
{
	uint32_t x[MAXCP], y[MAXCP];
	size_t nx = u8dec(a, x, MAXCP), ny = u8dec(b, y, MAXCP);

	return fuzzy_distance(x, nx, y, ny, max);
}

/* Plain full-matrix OSA with the first-character rule: the reference. */
static int
ref_osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	static int d[MAXCP + 1][MAXCP + 1];
	size_t i, j;

	if (na == 0 || nb == 0)
		return na == nb ? 0 : 1000;
	if (a[0] != b[0])
		return 1000;
	for (i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= na; i++)
		for (j = 1; j <= nb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)((x >> 11) % n);
}

/* Lookup results, with duplicate detection. */
#define MAXHITS 8192
struct hits {
	size_t n;
	int dup;
	uint32_t id[MAXHITS];
	int dist[MAXHITS];
};

static void
collect(uint32_t id, int dist, void *arg)
{
	struct hits *h = arg;
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->id[i] == id)
			h->dup = 1;
	assert_true(h->n < MAXHITS);
	h->id[h->n] = id;
	h->dist[h->n++] = dist;
}

static void
look(const struct fuzzy_index *fx, const char *tok, struct hits *h)
{
	memset(h, 0, sizeof *h);
	fuzzy_lookup(fx, tok, strlen(tok), collect, h);
	assert_false(h->dup);
}

/* Distance reported for id, or -1. */
static int
hit_dist(const struct hits *h, uint32_t id)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->id[i] == id)
			return h->dist[i];
	return -1;
}

static void
add(struct fuzzy_index *fx, const char *term, int budget, uint32_t id)
{
	assert_int_equal(fuzzy_add(fx, term, strlen(term), budget, id), 0);
}

/* Budget of `term~`. */
static int
autob(const char *term)
{
	uint32_t c[MAXCP];

	return fuzzy_auto_budget(u8dec(term, c, MAXCP));
}

/* ---- distance ------------------------------------------------------------- */

struct dcase {
	const char *a, *b;
	int max, want;
};

static const struct dcase dcases[] = {
    /* identical, one edit of each kind */
    {"kamalmaz", "kamalmaz", 2, 0},
    {"kamalmaz", "kamalmas", 2, 1},  /* substitution */
    {"kamalmaz", "kamaalmaz", 2, 1}, /* insertion */
    {"kamalmaz", "kamalmazz", 2, 1}, /* insertion at the end */
    {"kamalmaz", "kamalaz", 2, 1},   /* deletion */
    {"kamalmaz", "kamalmza", 2, 1},  /* transposition at the end */
    {"kamalmaz", "kmaalmaz", 2, 1},  /* transposition after the first letter */
    {"kamalmaz", "akmalmaz", 2, 3},  /* transposition of the first letter: rejected */
    /* `Kalmamaz` for `Kamalmaz~`: "lma" against "mal", 2 edits, within budget 2 */
    {"kalmamaz", "kamalmaz", 2, 2},
    {"kalmamaz", "kamalmaz", 1, 2},
    {"kalmamaz", "kamalmaz", 5, 2},
    /* two transpositions */
    {"kamalmaz", "kmaalmza", 2, 2},
    /* first letter changed: always max + 1 */
    {"hamalmaz", "kamalmaz", 2, 3},
    {"hamalmaz", "kamalmaz", 0, 1},
    {"k", "h", 2, 3},
    /* just outside the budget */
    {"kamalmaz", "kxmxlmxz", 2, 3}, /* 3 substitutions, 8 letters */
    {"kamalmaz", "kxmxlmxz", 3, 3},
    {"kamalmaz", "kamalmazxyz", 2, 3}, /* 3 insertions */
    {"kamalmaz", "kamal", 2, 3},       /* 3 deletions */
    {"assad", "asxxd", 1, 2},          /* 2 edits on a 5-letter word */
    {"assad", "asxxd", 2, 2},
    {"assad", "asad", 1, 1},
    {"assad", "assda", 1, 1},
    /* early exit: max + 1 however far */
    {"kamalmaz", "kxxxxxxx", 0, 1},
    {"kamalmaz", "kxxxxxxx", 1, 2},
    {"kamalmaz", "kxxxxxxx", 2, 3},
    {"kamalmaz", "kxxxxxxx", 10, 7},
    {"abc", "abcdefgh", 2, 3}, /* length difference alone */
    {"abc", "abcdefgh", 5, 5},
    {"kamalmaz", "kamalmaz", 0, 0},
    {"kamalmaz", "kamalmas", 0, 1},
    /* short words */
    {"a", "a", 0, 0},
    {"a", "ab", 1, 1},
    {"ab", "ba", 2, 3}, /* first letter differs */
    {"aab", "aba", 1, 1},
    {"", "", 2, 0},
    {"", "a", 2, 3},
    {"a", "", 1, 2},
    /* Arabic: code points, not bytes (each letter is 2 bytes) */
    {"بشار", "بشار", 1, 0},
    {"بشار", "بشر", 1, 1},        /* deletion */
    {"الاسد", "الاصد", 1, 1},     /* substitution س → ص */
    {"كمالماز", "كمالمز", 2, 1},  /* deletion */
    {"كمالماز", "كماملاز", 2, 1}, /* transposition */
    {"بشار", "يشار", 2, 3},       /* first letter */
    {"بشار", "بششاار", 1, 2},     /* two insertions on a budget of one */
    /* Cyrillic */
    {"путин", "путни", 1, 1},
    {"москва", "масква", 2, 1},
    {"москва", "маскве", 2, 2},
    {"москва", "мсокав", 2, 2},
    {"москва", "мсокек", 2, 3},
    /* Latin letters that survive normalization, mixed widths */
    {"həsənov", "həsenov", 1, 1}, /* ə (2 bytes) → e (1 byte): one edit */
    {"əliyev", "aliyev", 2, 3},   /* first letter ə ≠ a */
    {"ŋuyen", "ŋuyne", 1, 1},
    {"ħasan", "ħassan", 1, 1},
    /* scripts mixed with a 4-byte code point */
    {"a😀b", "a😀c", 1, 1},
    {"a😀b", "ab😀", 1, 1},
};

static void
test_distance_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
		const struct dcase *c = &dcases[i];
		int got = dist_s(c->a, c->b, c->max), rev = dist_s(c->b, c->a, c->max);

		if (got != c->want || rev != c->want)
			print_error("case %zu: %s / %s max %d: want %d, got %d (reverse %d)\n", i,
			            c->a, c->b, c->max, c->want, got, rev);
		assert_int_equal(got, c->want);
		assert_int_equal(rev, c->want);
	}
}

/* `Kalmamaz` lies within the automatic budget of `Kamalmaz~`. */
static void
test_distance_kalmamaz_auto(void **state)
{
	(void)state;
	assert_int_equal(autob("kamalmaz"), 2);
	assert_int_equal(dist_s("kalmamaz", "kamalmaz", autob("kamalmaz")), 2);
	assert_true(dist_s("hamalmaz", "kamalmaz", autob("kamalmaz")) > autob("kamalmaz"));
	assert_true(dist_s("kxmxlmxz", "kamalmaz", autob("kamalmaz")) > autob("kamalmaz"));
	assert_true(dist_s("asxxd", "assad", autob("assad")) > autob("assad"));
}

/* Banded early-exit distance equals min(full OSA, max + 1) on random pairs. */
static void
test_distance_vs_reference(void **state)
{
	static const uint32_t alpha[] = {'a', 'b', 'c', 0x0628, 0x0436};
	int iter;

	(void)state;
	rng_state = 0x1234567887654321ULL;
	for (iter = 0; iter < 200000; iter++) {
		uint32_t a[16], b[16];
		size_t na = rnd(10), nb = rnd(10), i;
		int max = (int)rnd(6), ref, got;

		for (i = 0; i < na; i++)
			a[i] = alpha[rnd(5)];
		for (i = 0; i < nb; i++)
			b[i] = alpha[rnd(5)];
		if (na && nb && rnd(4))
			b[0] = a[0];
		ref = ref_osa(a, na, b, nb);
		got = fuzzy_distance(a, na, b, nb, max);
		if (ref > max)
			ref = max + 1;
		assert_int_equal(got, ref);
	}
}

/* Long words and large budgets take the same path as short ones. */
static void
test_distance_long(void **state)
{
	uint32_t a[MAXCP], b[MAXCP];
	size_t i;

	(void)state;
	for (i = 0; i < 200; i++)
		a[i] = b[i] = 'a' + (uint32_t)(i % 26);
	assert_int_equal(fuzzy_distance(a, 200, b, 200, 2), 0);
	b[100] = '!';
	b[150] = '?';
	assert_int_equal(fuzzy_distance(a, 200, b, 200, 2), 2);
	assert_int_equal(fuzzy_distance(a, 200, b, 200, 1), 2);
	assert_int_equal(fuzzy_distance(a, 200, b, 200, 100), 2); /* band wider than stack */
	assert_int_equal(fuzzy_distance(a, 200, b, 150, 100), 51);
	assert_int_equal(fuzzy_distance(a, 200, b, 150, 40), 41);
	assert_int_equal(fuzzy_distance(a, 3, b, 3, -1), 0); /* max + 1 when max < 0 */
}

/* ---- automatic budget ----------------------------------------------------- */

static void
test_auto_budget(void **state)
{
	static const struct {
		size_t n;
		int want;
	} t[] = {{0, 0}, {1, 0}, {2, 0}, {3, 1},  {4, 1},   {5, 1},
	         {6, 2}, {7, 2}, {8, 2}, {64, 2}, {1000, 2}};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(fuzzy_auto_budget(t[i].n), t[i].want);
	/* in characters, not bytes */
	assert_int_equal(autob("بش"), 0);
	assert_int_equal(autob("بشار"), 1);
	assert_int_equal(autob("кремль"), 2);
}

/* ---- index ---------------------------------------------------------------- */

struct lcase {
	const char *tok;
	int want[8]; /* distance expected for ids 1..8, -1 for none */
};

/* Automatic budgets per term, ids 1..8. */
static void
test_index_auto_budgets(void **state)
{
	static const char *terms[8] = {"kamalmaz", "assad", "al",    "bashar",
	                               "بشار",     "путин", "kamal", "x"};
	static const struct lcase cases[] = {
	    {"kamalmaz", {0, -1, -1, -1, -1, -1, -1, -1}},
	    {"kalmamaz", {2, -1, -1, -1, -1, -1, -1, -1}},
	    {"kamalmas", {1, -1, -1, -1, -1, -1, -1, -1}},
	    {"kamalm", {2, -1, -1, -1, -1, -1, 1, -1}},
	    {"hamalmaz", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"kxmxlmxz", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"assad", {-1, 0, -1, -1, -1, -1, -1, -1}},
	    {"asad", {-1, 1, -1, -1, -1, -1, -1, -1}},
	    {"assda", {-1, 1, -1, -1, -1, -1, -1, -1}},
	    {"asxxd", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"al", {-1, -1, 0, -1, -1, -1, -1, -1}},
	    {"a", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"ab", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"all", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"bsahar", {-1, -1, -1, 1, -1, -1, -1, -1}},
	    {"bsahr", {-1, -1, -1, 2, -1, -1, -1, -1}},
	    {"bsxhr", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"بشر", {-1, -1, -1, -1, 1, -1, -1, -1}},
	    {"بشاار", {-1, -1, -1, -1, 1, -1, -1, -1}},
	    {"بششاار", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"وبشار", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"путни", {-1, -1, -1, -1, -1, 1, -1, -1}},
	    {"пудни", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"x", {-1, -1, -1, -1, -1, -1, -1, 0}},
	    {"xy", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"zzz", {-1, -1, -1, -1, -1, -1, -1, -1}},
	    {"", {-1, -1, -1, -1, -1, -1, -1, -1}},
	};
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;
	size_t i, j;

	(void)state;
	assert_non_null(fx);
	for (i = 0; i < 8; i++)
		add(fx, terms[i], autob(terms[i]), (uint32_t)i + 1);
	assert_int_equal(fuzzy_count(fx), 8);
	assert_int_equal(fuzzy_build(fx), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t want = 0;

		look(fx, cases[i].tok, &h);
		for (j = 0; j < 8; j++) {
			int got = hit_dist(&h, (uint32_t)j + 1);

			if (got != cases[i].want[j])
				print_error("token %s, term %s: want %d, got %d\n", cases[i].tok,
				            terms[j], cases[i].want[j], got);
			assert_int_equal(got, cases[i].want[j]);
			want += cases[i].want[j] >= 0;
		}
		assert_int_equal(h.n, want);
	}
	fuzzy_free(fx);
}

/* Explicit budgets 0, 1, 2 on one term under three ids. */
static void
test_index_explicit_budgets(void **state)
{
	static const struct lcase cases[] = {
	    {"bashar", {0, 0, 0}},  {"bashr", {-1, 1, 1}},   {"bsahar", {-1, 1, 1}},
	    {"bahsr", {-1, -1, 2}}, {"bxshxr", {-1, -1, 2}}, {"bxxhxr", {-1, -1, -1}},
	    {"bas", {-1, -1, -1}},  {"ba", {-1, -1, -1}},    {"b", {-1, -1, -1}},
	};
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;
	size_t i, j;

	(void)state;
	add(fx, "bashar", 0, 1);
	add(fx, "bashar", 1, 2);
	add(fx, "bashar", 2, 3);
	assert_int_equal(fuzzy_build(fx), 0);
	assert_int_equal(fuzzy_count(fx), 3);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t want = 0;

		look(fx, cases[i].tok, &h);
		for (j = 0; j < 3; j++) {
			assert_int_equal(hit_dist(&h, (uint32_t)j + 1), cases[i].want[j]);
			want += cases[i].want[j] >= 0;
		}
		assert_int_equal(h.n, want);
	}
	fuzzy_free(fx);
}

/* Each id once per lookup, whatever the number of variants or terms leading to it. */
static void
test_index_ids_once(void **state)
{
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;

	(void)state;
	/* "aaaaaaaa" reaches itself through many identical variants */
	add(fx, "aaaaaaaa", 2, 1);
	/* the same term twice under one id, budgets 1 then 2: the larger wins */
	add(fx, "kamalmaz", 1, 2);
	add(fx, "kamalmaz", 2, 2);
	/* one id on two different terms: reported once, at the smaller distance */
	add(fx, "bashar", 2, 3);
	add(fx, "bashir", 2, 3);
	add(fx, "basher", 1, 3);
	/* same term, two ids */
	add(fx, "assad", 1, 4);
	add(fx, "assad", 1, 5);
	assert_int_equal(fuzzy_build(fx), 0);
	assert_int_equal(fuzzy_count(fx), 8);

	look(fx, "aaaaaaaa", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 1), 0);
	look(fx, "aaaaaa", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 1), 2);

	look(fx, "kalmamaz", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 2), 2);

	look(fx, "bashar", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 3), 0);
	look(fx, "bashor", &h); /* bashar 1, bashir 1, basher 1 */
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 3), 1);
	look(fx, "bashiir", &h); /* bashir 1, bashar 2 */
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 3), 1);

	look(fx, "asad", &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(hit_dist(&h, 4), 1);
	assert_int_equal(hit_dist(&h, 5), 1);
	fuzzy_free(fx);
}

/* Empty index, lookups before build, rebuild after more terms, odd input. */
static void
test_index_lifecycle(void **state)
{
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;

	(void)state;
	assert_non_null(fx);
	assert_int_equal(fuzzy_count(fx), 0);
	look(fx, "kamalmaz", &h); /* not built */
	assert_int_equal(h.n, 0);
	assert_int_equal(fuzzy_build(fx), 0); /* empty */
	look(fx, "kamalmaz", &h);
	assert_int_equal(h.n, 0);

	add(fx, "kamalmaz", 2, 1);
	add(fx, "", 2, 9);           /* matches nothing, still counted */
	add(fx, "kamalmaz", 7, 10);  /* budget clamped to 2 */
	add(fx, "kamalmaz", -3, 11); /* budget clamped to 0 */
	look(fx, "kamalmaz", &h);    /* not rebuilt yet */
	assert_int_equal(h.n, 0);
	assert_int_equal(fuzzy_build(fx), 0);
	look(fx, "kalmamaz", &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(hit_dist(&h, 1), 2);
	assert_int_equal(hit_dist(&h, 10), 2);
	look(fx, "kamalmaz", &h);
	assert_int_equal(h.n, 3);
	assert_int_equal(hit_dist(&h, 11), 0);
	look(fx, "", &h);
	assert_int_equal(h.n, 0);

	add(fx, "bashar", 1, 2);
	assert_int_equal(fuzzy_build(fx), 0);
	assert_int_equal(fuzzy_count(fx), 5);
	look(fx, "bashr", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 2), 1);
	look(fx, "kalmamaz", &h);
	assert_int_equal(h.n, 2);

	/* invalid UTF-8 decodes to U+FFFD per byte, never crashes */
	add(fx, "k\xff\xfe", 1, 3);
	assert_int_equal(fuzzy_build(fx), 0);
	look(fx, "k\xff", &h);
	assert_int_equal(hit_dist(&h, 3), 1);
	memset(&h, 0, sizeof h);
	fuzzy_lookup(fx, "k\xe2\x82", 3, collect, &h); /* truncated: 2 x U+FFFD */
	assert_int_equal(hit_dist(&h, 3), 0);
	fuzzy_free(fx);
	fuzzy_free(NULL);
}

/* 4-byte code points, and invalid UTF-8 decoded as U+FFFD one byte at a time. */
static void
test_index_utf8(void **state)
{
	static const struct {
		const char *tok;
		int want[4];
	} cases[] = {
	    {"a\xf0\x9f\x98\x80"
	     "b",
	     {0, -1, -1, -1}},                       /* a😀b */
	    {"a\xf0\x9f\x98\x80", {1, -1, -1, -1}},  /* a😀 */
	    {"ab\xf0\x9f\x98\x80", {1, -1, -1, -1}}, /* ab😀: swap */
	    {"a\xf0\x9f\x98\x81"
	     "b",
	     {1, -1, -1, -1}}, /* a😁b */
	    {"a\xf0\x9f\x98"
	     "b",
	     {-1, -1, -1, -1}},                                          /* truncated: 3 x U+FFFD */
	    {"x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy", {-1, 0, -1, -1}}, /* x + 3 U+FFFD + y */
	    {"x\xed\xa0\x80y", {-1, 0, -1, -1}},     /* surrogate: 3 bytes, 3 U+FFFD */
	    {"x\xe0\x80\x80y", {-1, 0, -1, -1}},     /* overlong 3-byte */
	    {"x\xc0\x80y", {-1, 1, -1, -1}},         /* overlong 2-byte: 2 U+FFFD */
	    {"x\xf4\x90\x80\x80y", {-1, 1, -1, -1}}, /* above U+10FFFF: 4 U+FFFD */
	    {"x\xf5\x80\x80y", {-1, 0, -1, -1}},     /* F5 is never a lead byte */
	    {"\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", {-1, -1, 0, -1}}, /* москва */
	    {"\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb0", {-1, -1, 1, -1}},         /* моска */
	    {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x81", {-1, -1, -1, 1}}, /* 😀😀😁 */
	};
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;
	size_t i, j;

	(void)state;
	add(fx,
	    "a\xf0\x9f\x98\x80"
	    "b",
	    1, 1);
	add(fx, "x\xff\xfe\xfdy", 1, 2); /* x + 3 U+FFFD + y */
	add(fx, "москва", 2, 3);
	add(fx, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 1, 4);
	assert_int_equal(fuzzy_build(fx), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t want = 0;

		look(fx, cases[i].tok, &h);
		for (j = 0; j < 4; j++) {
			int got = hit_dist(&h, (uint32_t)j + 1);

			if (got != cases[i].want[j])
				print_error("case %zu id %zu: want %d, got %d\n", i, j + 1,
				            cases[i].want[j], got);
			assert_int_equal(got, cases[i].want[j]);
			want += cases[i].want[j] >= 0;
		}
		assert_int_equal(h.n, want);
	}
	fuzzy_free(fx);
}

/* Words over 64 code points only match exactly. */
static void
test_index_long_words(void **state)
{
	struct fuzzy_index *fx = fuzzy_new();
	static struct hits h;
	char t64[200], t65[200], t66[200], tok[200];

	(void)state;
	memset(t64, 'a', 64);
	t64[64] = 0;
	memset(t65, 'b', 65);
	t65[65] = 0;
	memset(t66, 'b', 66);
	t66[66] = 0;
	add(fx, t64, 2, 1);
	add(fx, t65, 2, 2);
	add(fx, t66, 1, 3);
	assert_int_equal(fuzzy_build(fx), 0);

	look(fx, t64, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 1), 0);
	memcpy(tok, t64, 65);
	tok[63] = 0; /* 63 a's: one deletion */
	look(fx, tok, &h);
	assert_int_equal(hit_dist(&h, 1), 1);
	memset(tok, 'a', 65); /* 65 a's: a token too long to be matched fuzzily */
	tok[65] = 0;
	look(fx, tok, &h);
	assert_int_equal(h.n, 0);

	look(fx, t65, &h); /* exact */
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 2), 0);
	look(fx, t66, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(hit_dist(&h, 3), 0);
	memcpy(tok, t65, 66);
	tok[64] = 'c'; /* 65 code points, one substitution */
	look(fx, tok, &h);
	assert_int_equal(h.n, 0);
	tok[64] = 0; /* 64 b's: one deletion from t65, but t65 is exact only */
	look(fx, tok, &h);
	assert_int_equal(h.n, 0);
	fuzzy_free(fx);
}

/*
 * Random terms over a small alphabet (so that near matches abound), random
 * budgets, duplicated terms and shared ids; every token's hits must equal
 * brute force over all terms, with each id once at its smallest distance.
 */
static const uint32_t ralpha[] = {'a', 'b', 'c', 'd', 'e', 0x0436 /* ж */, 0x0628 /* ب */};
#define NRALPHA (sizeof ralpha / sizeof ralpha[0])
#define NTERMS 5000

struct rterm {
	uint32_t c[16];
	size_t n;
	int budget;
	uint32_t id;
};

static void
random_word(uint32_t *c, size_t *n, size_t minlen, size_t maxlen)
{
	size_t i;

	*n = minlen + rnd((uint32_t)(maxlen - minlen + 1));
	for (i = 0; i < *n; i++)
		c[i] = ralpha[rnd(NRALPHA)];
}

/* Up to nedit random edits, keeping the first letter. */
static void
mutate(uint32_t *c, size_t *n, int nedit, size_t cap)
{
	int e;

	for (e = 0; e < nedit; e++) {
		size_t p;
		uint32_t t;

		switch (rnd(4)) {
		case 0: /* substitute */
			if (*n > 1)
				c[1 + rnd((uint32_t)(*n - 1))] = ralpha[rnd(NRALPHA)];
			break;
		case 1: /* insert */
			if (*n < cap) {
				p = 1 + rnd((uint32_t)*n);
				memmove(c + p + 1, c + p, (*n - p) * sizeof *c);
				c[p] = ralpha[rnd(NRALPHA)];
				(*n)++;
			}
			break;
		case 2: /* delete */
			if (*n > 1) {
				p = 1 + rnd((uint32_t)(*n - 1));
				memmove(c + p, c + p + 1, (*n - p - 1) * sizeof *c);
				(*n)--;
			}
			break;
		default: /* swap neighbours */
			if (*n > 2) {
				p = 1 + rnd((uint32_t)(*n - 2));
				t = c[p];
				c[p] = c[p + 1];
				c[p + 1] = t;
			}
			break;
		}
	}
}

static void
brute(const struct rterm *terms, size_t nt, const uint32_t *tok, size_t n, int *best, size_t nid)
{
	size_t i;

	for (i = 0; i < nid; i++)
		best[i] = -1;
	for (i = 0; i < nt; i++) {
		const struct rterm *t = &terms[i];
		int d;

		if (t->n == 0 || n > 64)
			continue;
		d = fuzzy_distance(tok, n, t->c, t->n, t->budget);
		if (d <= t->budget && (best[t->id] < 0 || d < best[t->id]))
			best[t->id] = d;
	}
}

static void
cross_check(uint64_t seed, int shared_ids)
{
	static struct rterm terms[NTERMS];
	static struct hits h;
	static int best[NTERMS];
	struct fuzzy_index *fx = fuzzy_new();
	char buf[256];
	size_t i, nid = shared_ids ? NTERMS / 3 : NTERMS, hits_total = 0;
	int iter;

	rng_state = seed;
	assert_non_null(fx);
	for (i = 0; i < NTERMS; i++) {
		struct rterm *t = &terms[i];

		if (i > 10 && rnd(10) == 0) { /* the same term again, often another budget */
			*t = terms[rnd((uint32_t)i)];
			if (rnd(2))
				t->budget = (int)rnd(3);
		} else {
			random_word(t->c, &t->n, 1, 10);
			t->budget = rnd(2) ? fuzzy_auto_budget(t->n) : (int)rnd(3);
		}
		t->id = shared_ids ? rnd((uint32_t)nid) : (uint32_t)i;
		cps_to_u8(t->c, t->n, buf);
		add(fx, buf, t->budget, t->id);
	}
	assert_int_equal(fuzzy_build(fx), 0);
	assert_int_equal(fuzzy_count(fx), NTERMS);

	for (iter = 0; iter < 3000; iter++) {
		uint32_t tok[32];
		size_t n, k, got = 0;

		if (rnd(3)) { /* near a term */
			const struct rterm *t = &terms[rnd(NTERMS)];

			memcpy(tok, t->c, t->n * sizeof *tok);
			n = t->n;
			mutate(tok, &n, (int)rnd(4), 16);
		} else {
			random_word(tok, &n, 1, 13);
		}
		brute(terms, NTERMS, tok, n, best, nid);
		cps_to_u8(tok, n, buf);
		look(fx, buf, &h);
		for (k = 0; k < nid; k++) {
			int d = hit_dist(&h, (uint32_t)k);

			if (d != best[k])
				print_error("token %s id %zu: index %d, brute force %d\n", buf, k,
				            d, best[k]);
			assert_int_equal(d, best[k]);
			got += best[k] >= 0;
		}
		assert_int_equal(h.n, got);
		hits_total += got;
	}
	/* the check means something only if there are many hits */
	assert_true(hits_total > 3000);
	fuzzy_free(fx);
}

static void
test_index_random_cross_check(void **state)
{
	(void)state;
	cross_check(0x9e3779b97f4a7c15ULL, 0);
	cross_check(0x243f6a8885a308d3ULL, 0);
}

static void
test_index_random_cross_check_shared_ids(void **state)
{
	(void)state;
	cross_check(0xb7e151628aed2a6bULL, 1);
}

/* Several threads look up one index at once and agree with one thread. */
#define NTHREADS 4
#define NTOK 400

struct tjob {
	const struct fuzzy_index *fx;
	char (*toks)[32];
	unsigned long sum[NTOK];
};

static void
sum_cb(uint32_t id, int dist, void *arg)
{
	unsigned long *s = arg;

	*s += (unsigned long)id * 3 + (unsigned long)dist + 1;
}

static void *
tmain(void *p)
{
	struct tjob *j = p;
	int rep, k;

	for (rep = 0; rep < 20; rep++)
		for (k = 0; k < NTOK; k++) {
			unsigned long s = 0;

			fuzzy_lookup(j->fx, j->toks[k], strlen(j->toks[k]), sum_cb, &s);
			if (rep == 0)
				j->sum[k] = s;
			else if (j->sum[k] != s)
				j->sum[k] = (unsigned long)-1;
		}
	return NULL;
}

static void
test_index_threads(void **state)
{
	static char toks[NTOK][32];
	static struct tjob jobs[NTHREADS];
	pthread_t th[NTHREADS];
	struct fuzzy_index *fx = fuzzy_new();
	unsigned long want[NTOK];
	int i, k;

	(void)state;
	rng_state = 42;
	for (i = 0; i < 2000; i++) {
		uint32_t c[16];
		size_t n;
		char buf[64];

		random_word(c, &n, 3, 9);
		cps_to_u8(c, n, buf);
		add(fx, buf, fuzzy_auto_budget(n), (uint32_t)i);
	}
	assert_int_equal(fuzzy_build(fx), 0);
	for (k = 0; k < NTOK; k++) {
		uint32_t c[16];
		size_t n;

		random_word(c, &n, 2, 10);
		cps_to_u8(c, n, toks[k]);
		want[k] = 0;
		fuzzy_lookup(fx, toks[k], strlen(toks[k]), sum_cb, &want[k]);
	}
	for (i = 0; i < NTHREADS; i++) {
		jobs[i].fx = fx;
		jobs[i].toks = toks;
		assert_int_equal(pthread_create(&th[i], NULL, tmain, &jobs[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (i = 0; i < NTHREADS; i++)
		for (k = 0; k < NTOK; k++)
			assert_true(jobs[i].sum[k] == want[k]);
	fuzzy_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance_table),
	    cmocka_unit_test(test_distance_kalmamaz_auto),
	    cmocka_unit_test(test_distance_vs_reference),
	    cmocka_unit_test(test_distance_long),
	    cmocka_unit_test(test_auto_budget),
	    cmocka_unit_test(test_index_auto_budgets),
	    cmocka_unit_test(test_index_explicit_budgets),
	    cmocka_unit_test(test_index_ids_once),
	    cmocka_unit_test(test_index_lifecycle),
	    cmocka_unit_test(test_index_long_words),
	    cmocka_unit_test(test_index_utf8),
	    cmocka_unit_test(test_index_random_cross_check),
	    cmocka_unit_test(test_index_random_cross_check_shared_ids),
	    cmocka_unit_test(test_index_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
