/*
 * fuzzy.c: OSA distance with the first character fixed, and a symmetric-delete
 * index over normalized terms (RULES.md §2, `word~` and `word~n`).
 *
 * Index. Every term of budget k contributes the hashes of its deletion
 * variants with up to k deletions, never at position 0 (the first character
 * must match anyway), deduplicated per term. A lookup hashes the token's
 * deletion variants (up to the largest budget among terms sharing its first
 * character) and verifies each candidate term once with fuzzy_distance
 * against that term's own budget. Two strings within OSA distance k share a
 * deletion variant reachable by at most k deletions on each side (each OSA
 * operation costs at most one deletion per side), so nothing is missed; hash
 * collisions only add candidates, which verification throws out, so variant
 * strings are never stored.
 *
 * Layout: an open-addressing table (linear probing, load 0.7) of 64-bit
 * variant hashes with a parallel array of 32-bit refs: a variant leading to
 * one term holds it inline, otherwise the ref is an offset of {count, terms}
 * in a posting array. In front of it a blocked Bloom filter (2 bits in one
 * 64-bit word per variant, 8-16 bits per variant) keeps most probes for
 * absent variants out of the big table. Beside it a small table keyed by
 * first code point holds the shortest and longest term, the largest budget
 * and a mask of the variant lengths present: a token whose first character
 * is absent, whose length is out of range or whose variant lengths are all
 * absent costs a decode and one probe of that small table. About 22 bytes
 * per indexed variant in all (bench_fuzzy: 10,000 terms of 6-10 letters with
 * budget 2, 6.2 MiB).
 *
 * Variants hash as polynomials modulo 2^64 over code points, so the hash of
 * a string with one or two positions deleted costs O(1) from prefix sums.
 *
 * Limits. Fuzzy matching is for words of at most FZ_MAXCP code points: a
 * longer term is indexed for exact matching only (budget 0), a longer token
 * only matches a term equal to it. A budget outside 0..2 is clamped.
 *
 * Lookups are read-only on the index and use stack buffers; the only heap use
 * is for unusually many candidates, and if that allocation fails the lookup
 * falls back to a scan of all terms, so results never depend on memory.
 */
#include "fuzzy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FZ_MAXCP 64      /* longest word matched fuzzily, in code points */
#define FZ_MAXBUDGET 2   /* largest budget */
#define FZ_CHUNK 64      /* variant hashes probed per batch (prefetched) */
#define FZ_STACKCAND 256 /* candidates held on the stack before using the heap */

#define FZ_K 0x9e3779b97f4a7c15ULL /* odd, so invertible modulo 2^64 */
#define FZ_LENMIX 0xd6e8feb86659fd93ULL

/* ---- UTF-8 ---------------------------------------------------------------- */

/*
 * Decode one code point of s[0..len), len > 0. Same rules as utf8_decode: an
 * invalid, truncated, overlong or surrogate sequence or a value above
 * U+10FFFF yields U+FFFD and consumes one byte.
 */
static size_t
dec1(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned c = s[0];
	uint32_t v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

/*
 * Decode s[0..len) into out[0..cap). Returns the number of code points, or
 * cap + 1 as soon as there are more than cap.
 */
static size_t
decode_cap(const char *s, size_t len, uint32_t *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, i = 0;

	while (i < len) {
		uint32_t cp;

		i += dec1(p + i, len - i, &cp);
		if (n == cap)
			return cap + 1;
		out[n++] = cp;
	}
	return n;
}

/* ---- distance -------------------------------------------------------------- */

static inline int
imin(int a, int b)
{
	return a < b ? a : b;
}

static int osa_band(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int k, int *mem);

int
fuzzy_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max)
{
	size_t diff, longest;
	int k, r;

	if (max < 0)
		return max + 1;
	if (na == 0 || nb == 0)
		return na == nb ? 0 : max + 1;
	if (a[0] != b[0])
		return max + 1;
	diff = na > nb ? na - nb : nb - na;
	if (diff > (size_t)max)
		return max + 1;
	/* The distance never exceeds the longer length: no wider band is useful. */
	longest = na > nb ? na : nb;
	k = (size_t)max > longest ? (int)longest : max;
	if (k <= 31) {
		int mem[3 * 63];

		r = osa_band(a, na, b, nb, k, mem);
	} else {
		int *mem = malloc(3 * (2 * (size_t)k + 1) * sizeof *mem);

		if (!mem)
			return max + 1; /* only for budgets far beyond any rule's */
		r = osa_band(a, na, b, nb, k, mem);
		free(mem);
	}
	return r > k ? max + 1 : r;
}

/*
 * OSA distance restricted to the diagonal band |i - j| <= k, or k + 1 when it
 * exceeds k. Cell (i, j) lives at column t = j - i + k of its row, so the
 * substitution and transposition predecessors share t, deletion is t + 1 of
 * the row above and insertion t - 1 of the same row. mem holds 3 rows of
 * 2k + 1 cells. Stops as soon as a whole row exceeds k: every cell of a row
 * is at least the minimum of the row above or the one before it plus one, and
 * the row above is at most that one plus one.
 */
static int
osa_band(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int k, int *mem)
{
	const int w = 2 * k + 1, inf = k + 1;
	int *pp = mem, *p = mem + w, *c = mem + 2 * w, *tmp;
	size_t i;
	int t;

	for (t = 0; t < w; t++)
		p[t] = t < k ? inf : t - k; /* row 0: d(0, j) = j */
	for (i = 1; i <= na; i++) {
		int rowmin = inf;

		for (t = 0; t < w; t++) {
			long jl = (long)i + t - k;
			size_t j;
			int v;

			if (jl < 0 || (size_t)jl > nb) {
				c[t] = inf;
				continue;
			}
			j = (size_t)jl;
			if (j == 0) {
				v = imin((int)i, inf);
			} else {
				v = p[t] + (a[i - 1] != b[j - 1]);
				if (t + 1 < w)
					v = imin(v, p[t + 1] + 1);
				if (t > 0)
					v = imin(v, c[t - 1] + 1);
				if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
					v = imin(v, pp[t] + 1);
				v = imin(v, inf);
			}
			c[t] = v;
			rowmin = imin(rowmin, v);
		}
		if (rowmin > k)
			return inf;
		tmp = pp;
		pp = p;
		p = c;
		c = tmp;
	}
	return p[(long)nb - (long)na + k];
}

int
fuzzy_auto_budget(size_t nchars)
{
	if (nchars <= 2)
		return 0;
	if (nchars <= 5)
		return 1;
	return 2;
}

/* ---- variant hashing ------------------------------------------------------ */

/*
 * A string s of n code points hashes as P = sum s[i] * K^i (mod 2^64), mixed
 * with its length. K is odd, hence invertible, so with prefix sums the hash
 * of s with position p (and q) deleted costs O(1): the code points after a
 * deleted position move one power of K down.
 */
static uint64_t
fz_kinv(void)
{
	uint64_t x = FZ_K; /* Newton: each step doubles the correct low bits */
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - FZ_K * x;
	return x;
}

static inline uint64_t
fz_final(uint64_t h, size_t n)
{
	h ^= (uint64_t)n * FZ_LENMIX;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* pre[0..n]: prefix sums of s[i] * K^i. */
static void
fz_prefix(const uint32_t *s, size_t n, uint64_t *pre)
{
	uint64_t pw = 1;
	size_t i;

	pre[0] = 0;
	for (i = 0; i < n; i++) {
		pre[i + 1] = pre[i] + (uint64_t)s[i] * pw;
		pw *= FZ_K;
	}
}

/*
 * Hashes of the variants of s (n <= FZ_MAXCP) with d deletions at positions
 * >= 1, written to out; returns how many. The caller sizes out for
 * C(n - 1, d) entries.
 */
static size_t
fz_variants(const uint64_t *pre, size_t n, int d, uint64_t kinv, uint64_t *out)
{
	const uint64_t all = pre[n], kinv2 = kinv * kinv;
	size_t p, q, m = 0;

	if (d == 0) {
		out[m++] = fz_final(all, n);
	} else if (d == 1) {
		for (p = 1; p < n; p++)
			out[m++] = fz_final(pre[p] + (all - pre[p + 1]) * kinv, n - 1);
	} else {
		for (p = 1; p < n; p++) {
			uint64_t head = pre[p];

			for (q = p + 1; q < n; q++)
				out[m++] = fz_final(head + (pre[q] - pre[p + 1]) * kinv +
				                        (all - pre[q + 1]) * kinv2,
				                    n - 2);
		}
	}
	return m;
}

/* Hash of the whole string, for words too long for the prefix buffers. */
static uint64_t
fz_hash_whole(const uint32_t *s, size_t n)
{
	uint64_t h = 0, pw = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		h += (uint64_t)s[i] * pw;
		pw *= FZ_K;
	}
	return fz_final(h, n);
}

/* The same hash computed straight from UTF-8; *n gets the code point count. */
static uint64_t
fz_hash_utf8(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t h = 0, pw = 1;
	size_t i = 0, cnt = 0;

	while (i < len) {
		uint32_t cp;

		i += dec1(u + i, len - i, &cp);
		h += (uint64_t)cp * pw;
		pw *= FZ_K;
		cnt++;
	}
	*n = cnt;
	return fz_final(h, cnt);
}

/* ---- index ---------------------------------------------------------------- */

struct fz_raw {            /* one fuzzy_add */
	uint32_t off, len; /* code points in fx->cps */
	uint32_t id;
	int budget;
};

struct fz_term {            /* a distinct term */
	uint32_t off, len;  /* code points in fx->cps */
	uint32_t ent, nent; /* its entries in fx->ents */
	int maxb;           /* largest budget among them (0 when len > FZ_MAXCP) */
};

struct fz_ent {
	uint32_t id;
	uint32_t term;
	int budget;
};

/* A slot's ref: FZ_SINGLE | term, or the offset of {count, terms...} in post. */
#define FZ_SINGLE 0x80000000u

struct fz_first {
	uint32_t cp; /* UINT32_MAX: empty */
	uint32_t minlen, maxlen;
	int maxb;
	uint64_t vmask; /* bit v - 1: some variant of v code points, v <= FZ_MAXCP */
};

struct fz_built {
	struct fz_term *terms;
	size_t nterms;
	struct fz_ent *ents; /* grouped by term */
	uint32_t *byid;      /* indices into ents ordered by id */
	size_t nents;
	int shared_ids; /* some id belongs to more than one term */
	uint64_t *vh;   /* variant hash per slot, 0: empty */
	uint32_t *vref; /* what the slot's variant leads to */
	size_t nslots;
	uint32_t *post;
	uint64_t *bloom; /* 2 bits in one word per variant hash */
	size_t bloommask;
	struct fz_first *firsts;
	size_t firstmask;
	int ok;
};

struct fuzzy_index {
	uint32_t *cps; /* code points of every added term */
	size_t ncps, capcps;
	struct fz_raw *raw;
	size_t nraw, capraw;
	struct fz_built b;
	uint64_t kinv;
};

struct fuzzy_index *
fuzzy_new(void)
{
	struct fuzzy_index *fx = calloc(1, sizeof *fx);

	if (fx)
		fx->kinv = fz_kinv();
	return fx;
}

static void
built_free(struct fz_built *b)
{
	free(b->terms);
	free(b->ents);
	free(b->byid);
	free(b->vh);
	free(b->vref);
	free(b->post);
	free(b->bloom);
	free(b->firsts);
	memset(b, 0, sizeof *b);
}

void
fuzzy_free(struct fuzzy_index *fx)
{
	if (!fx)
		return;
	built_free(&fx->b);
	free(fx->cps);
	free(fx->raw);
	free(fx);
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return -1;
		nc *= 2;
	}
	np = realloc(*p, nc * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

int
fuzzy_add(struct fuzzy_index *fx, const char *term, size_t len, int budget, uint32_t id)
{
	const unsigned char *s = (const unsigned char *)term;
	size_t i = 0, start;
	struct fz_raw *r;

	if (!fx)
		return -1;
	if (len > UINT32_MAX || fx->ncps + len > UINT32_MAX || fx->nraw >= UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	/* A code point takes at least one byte: len bounds the count. */
	if (grow((void **)&fx->cps, &fx->capcps, fx->ncps + len, sizeof *fx->cps) ||
	    grow((void **)&fx->raw, &fx->capraw, fx->nraw + 1, sizeof *fx->raw)) {
		errno = ENOMEM;
		return -1;
	}
	start = fx->ncps;
	while (i < len)
		i += dec1(s + i, len - i, &fx->cps[fx->ncps++]);
	r = &fx->raw[fx->nraw++];
	r->off = (uint32_t)start;
	r->len = (uint32_t)(fx->ncps - start);
	r->id = id;
	r->budget = budget < 0 ? 0 : budget > FZ_MAXBUDGET ? FZ_MAXBUDGET : budget;
	return 0;
}

size_t
fuzzy_count(const struct fuzzy_index *fx)
{
	return fx ? fx->nraw : 0;
}

/* -- variant table -- */

static inline size_t
slot_home(const struct fz_built *b, uint64_t h)
{
	return (size_t)(((h >> 32) * (uint64_t)b->nslots) >> 32);
}

static inline uint64_t
bloom_bits(uint64_t h)
{
	return 1ULL << (h >> 20 & 63) | 1ULL << (h >> 26 & 63);
}

static inline int
bloom_has(const struct fz_built *b, uint64_t h)
{
	uint64_t m = bloom_bits(h);

	return (b->bloom[h & b->bloommask] & m) == m;
}

/* Slot of variant hash h, or SIZE_MAX. */
static size_t
slot_find(const struct fz_built *b, uint64_t h)
{
	size_t k;

	for (k = slot_home(b, h); b->vh[k]; k = k + 1 == b->nslots ? 0 : k + 1)
		if (b->vh[k] == h)
			return k;
	return SIZE_MAX;
}

/* The terms slot k leads to: *list[0..return); one holds a single term. */
static size_t
slot_terms(const struct fz_built *b, size_t k, const uint32_t **list, uint32_t *one)
{
	uint32_t ref = b->vref[k];

	if (ref & FZ_SINGLE) {
		*one = ref & ~FZ_SINGLE;
		*list = one;
		return 1;
	}
	*list = b->post + ref + 1;
	return b->post[ref];
}

/* -- build -- */

static const uint32_t *g_sort_cps; /* qsort has no context argument; build only */

static int
cps_cmp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i, n = na < nb ? na : nb;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static int
raw_cmp(const void *x, const void *y)
{
	const struct fz_raw *a = x, *b = y;
	int c = cps_cmp(g_sort_cps + a->off, a->len, g_sort_cps + b->off, b->len);

	if (c)
		return c;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->budget > b->budget ? -1 : a->budget < b->budget; /* largest first */
}

static int
u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

struct fz_pair {
	uint64_t h;
	uint32_t term;
};

static int
pair_cmp(const void *x, const void *y)
{
	const struct fz_pair *a = x, *b = y;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return a->term < b->term ? -1 : a->term > b->term;
}

/* qsort takes no argument: the entries being sorted, one set a thread (reloads compile on one) */
static _Thread_local const struct fz_ent *g_sort_ents;

static int
byid_cmp(const void *x, const void *y)
{
	const struct fz_ent *a = &g_sort_ents[*(const uint32_t *)x];
	const struct fz_ent *b = &g_sort_ents[*(const uint32_t *)y];

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->term < b->term ? -1 : a->term > b->term;
}

static size_t
choose(size_t n, int k)
{
	if (k == 0)
		return 1;
	if (k == 1)
		return n;
	return n < 2 ? 0 : n * (n - 1) / 2;
}

/* Number of deletion variants (positions >= 1) a term indexes. */
static size_t
term_nvariants(const struct fz_term *t)
{
	size_t n = 0;
	int d;

	for (d = 0; d <= t->maxb; d++)
		n += choose(t->len - 1, d);
	return n;
}

static struct fz_first *
first_find(const struct fz_built *b, uint32_t cp)
{
	size_t i = (size_t)(((uint64_t)cp * FZ_K) >> 40) & b->firstmask;

	for (;; i = (i + 1) & b->firstmask) {
		if (b->firsts[i].cp == cp)
			return &b->firsts[i];
		if (b->firsts[i].cp == UINT32_MAX)
			return NULL;
	}
}

static struct fz_first *
first_insert(struct fz_built *b, uint32_t cp)
{
	size_t i = (size_t)(((uint64_t)cp * FZ_K) >> 40) & b->firstmask;

	for (;; i = (i + 1) & b->firstmask) {
		struct fz_first *f = &b->firsts[i];

		if (f->cp == cp)
			return f;
		if (f->cp == UINT32_MAX) {
			f->cp = cp;
			f->minlen = UINT32_MAX;
			f->maxlen = 0;
			f->maxb = 0;
			f->vmask = 0;
			return f;
		}
	}
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Distinct terms and their entries, from the raw adds. */
static int
build_terms(struct fuzzy_index *fx, struct fz_built *b)
{
	struct fz_raw *raw = NULL;
	size_t i, nr = fx->nraw;

	b->terms = malloc((nr ? nr : 1) * sizeof *b->terms);
	b->ents = malloc((nr ? nr : 1) * sizeof *b->ents);
	raw = malloc((nr ? nr : 1) * sizeof *raw);
	if (!b->terms || !b->ents || !raw) {
		free(raw);
		return -1;
	}
	if (nr)
		memcpy(raw, fx->raw, nr * sizeof *raw);
	g_sort_cps = fx->cps;
	qsort(raw, nr, sizeof *raw, raw_cmp);
	g_sort_cps = NULL;

	for (i = 0; i < nr; i++) {
		const struct fz_raw *r = &raw[i];
		struct fz_term *t;
		struct fz_ent *e;

		if (r->len == 0)
			continue; /* an empty term matches nothing */
		t = b->nterms ? &b->terms[b->nterms - 1] : NULL;
		if (!t || cps_cmp(fx->cps + t->off, t->len, fx->cps + r->off, r->len) != 0) {
			t = &b->terms[b->nterms++];
			t->off = r->off;
			t->len = r->len;
			t->ent = (uint32_t)b->nents;
			t->nent = 0;
			t->maxb = 0;
		} else if (b->ents[b->nents - 1].id == r->id) {
			continue; /* same term, same id: the largest budget came first */
		}
		e = &b->ents[b->nents++];
		e->id = r->id;
		e->term = (uint32_t)(b->nterms - 1);
		e->budget = t->len > FZ_MAXCP ? 0 : r->budget;
		t->nent++;
		if (e->budget > t->maxb)
			t->maxb = e->budget;
	}
	free(raw);

	b->byid = malloc((b->nents ? b->nents : 1) * sizeof *b->byid);
	if (!b->byid)
		return -1;
	for (i = 0; i < b->nents; i++)
		b->byid[i] = (uint32_t)i;
	g_sort_ents = b->ents;
	qsort(b->byid, b->nents, sizeof *b->byid, byid_cmp);
	g_sort_ents = NULL;
	for (i = 1; i < b->nents; i++)
		if (b->ents[b->byid[i]].id == b->ents[b->byid[i - 1]].id)
			b->shared_ids = 1;
	return 0;
}

/* The first-character table. */
static int
build_firsts(struct fuzzy_index *fx, struct fz_built *b)
{
	size_t i, cap, nfirst = 0;

	/* Terms are sorted, so those sharing a first character are adjacent. */
	for (i = 0; i < b->nterms; i++)
		if (!i || fx->cps[b->terms[i].off] != fx->cps[b->terms[i - 1].off])
			nfirst++;
	cap = pow2_at_least(2 * nfirst + 2);

	b->firsts = malloc(cap * sizeof *b->firsts);
	if (!b->firsts)
		return -1;
	for (i = 0; i < cap; i++)
		b->firsts[i].cp = UINT32_MAX;
	b->firstmask = cap - 1;
	for (i = 0; i < b->nterms; i++) {
		const struct fz_term *t = &b->terms[i];
		struct fz_first *f = first_insert(b, fx->cps[t->off]);
		int d;

		if (t->len < f->minlen)
			f->minlen = t->len;
		if (t->len > f->maxlen)
			f->maxlen = t->len;
		if (t->maxb > f->maxb)
			f->maxb = t->maxb;
		if (t->len <= FZ_MAXCP)
			for (d = 0; d <= t->maxb && (uint32_t)d < t->len; d++)
				f->vmask |= 1ULL << (t->len - (uint32_t)d - 1);
	}
	return 0;
}

/* The variant table and its postings. */
static int
build_table(struct fuzzy_index *fx, struct fz_built *b)
{
	struct fz_pair *pairs;
	size_t i, np = 0, total = 0, ndist = 0, npost = 0, nslots, nwords;

	for (i = 0; i < b->nterms; i++)
		total += b->terms[i].len > FZ_MAXCP ? 1 : term_nvariants(&b->terms[i]);
	if (total > UINT32_MAX)
		return -1;
	pairs = malloc((total ? total : 1) * sizeof *pairs);
	if (!pairs)
		return -1;
	for (i = 0; i < b->nterms; i++) {
		const struct fz_term *t = &b->terms[i];
		const uint32_t *s = fx->cps + t->off;
		uint64_t pre[FZ_MAXCP + 1];
		uint64_t hs[1 + (FZ_MAXCP - 1) + (FZ_MAXCP - 1) * (FZ_MAXCP - 2) / 2];
		size_t m = 0, j;
		int d;

		if (t->len > FZ_MAXCP) {
			pairs[np].h = fz_hash_whole(s, t->len);
			pairs[np++].term = (uint32_t)i;
			continue;
		}
		fz_prefix(s, t->len, pre);
		for (d = 0; d <= t->maxb && (uint32_t)d < t->len; d++)
			m += fz_variants(pre, t->len, d, fx->kinv, hs + m);
		qsort(hs, m, sizeof *hs, u64_cmp);
		for (j = 0; j < m; j++) {
			if (j && hs[j] == hs[j - 1])
				continue;
			pairs[np].h = hs[j];
			pairs[np++].term = (uint32_t)i;
		}
	}
	qsort(pairs, np, sizeof *pairs, pair_cmp);
	for (i = 0; i < np; i++)
		if (!i || pairs[i].h != pairs[i - 1].h)
			ndist++;

	/* Lists of more than one term go to post as {count, terms...}. */
	for (i = 0; i < np;) {
		size_t j = i;

		while (j < np && pairs[j].h == pairs[i].h)
			j++;
		if (j - i > 1)
			npost += 1 + (j - i);
		i = j;
	}
	nslots = ndist + ndist * 3 / 7 + 1; /* load factor 0.7 */
	if (b->nterms >= FZ_SINGLE || npost >= FZ_SINGLE || nslots > UINT32_MAX) {
		free(pairs);
		return -1;
	}
	nwords = pow2_at_least(ndist / 8 + 1); /* 8 to 16 bits per variant */
	b->vh = calloc(nslots, sizeof *b->vh);
	b->vref = malloc(nslots * sizeof *b->vref);
	b->post = malloc((npost ? npost : 1) * sizeof *b->post);
	b->bloom = calloc(nwords, sizeof *b->bloom);
	if (!b->vh || !b->vref || !b->post || !b->bloom) {
		free(pairs);
		return -1;
	}
	b->nslots = nslots;
	b->bloommask = nwords - 1;
	npost = 0;
	for (i = 0; i < np;) {
		const uint64_t h = pairs[i].h;
		size_t j = i, k;

		while (j < np && pairs[j].h == h)
			j++;
		for (k = slot_home(b, h); b->vh[k]; k = k + 1 == nslots ? 0 : k + 1)
			;
		b->vh[k] = h;
		if (j - i == 1) {
			b->vref[k] = FZ_SINGLE | pairs[i].term;
		} else {
			b->vref[k] = (uint32_t)npost;
			b->post[npost++] = (uint32_t)(j - i);
			for (; i < j; i++)
				b->post[npost++] = pairs[i].term;
		}
		b->bloom[h & b->bloommask] |= bloom_bits(h);
		i = j;
	}
	free(pairs);
	return 0;
}

int
fuzzy_build(struct fuzzy_index *fx)
{
	struct fz_built b;

	if (!fx)
		return -1;
	memset(&b, 0, sizeof b);
	if (build_terms(fx, &b) || build_firsts(fx, &b) || build_table(fx, &b)) {
		built_free(&b);
		errno = ENOMEM;
		return -1;
	}
	b.ok = 1;
	built_free(&fx->b);
	fx->b = b;
	return 0;
}

/* -- lookup -- */

struct fz_cands {
	uint32_t *v;
	size_t n, cap;
	int heap, oom;
	uint32_t stack[FZ_STACKCAND];
};

static void
cands_push(struct fz_cands *c, uint32_t term)
{
	if (c->oom)
		return;
	if (c->n == c->cap) {
		size_t nc = c->cap * 2;
		uint32_t *nv;

		if (c->heap) {
			nv = realloc(c->v, nc * sizeof *nv);
		} else {
			nv = malloc(nc * sizeof *nv);
			if (nv)
				memcpy(nv, c->v, c->n * sizeof *nv);
		}
		if (!nv) {
			c->oom = 1;
			return;
		}
		c->v = nv;
		c->cap = nc;
		c->heap = 1;
	}
	c->v[c->n++] = term;
}

static int
u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void
sort_u32(uint32_t *v, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(v, n, sizeof *v, u32_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		uint32_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Distance of the token to term t within the term's budget, or -1. */
static int
term_dist(const struct fuzzy_index *fx, const struct fz_term *t, const uint32_t *tok, size_t n)
{
	size_t diff = n > t->len ? n - t->len : t->len - n;
	int d;

	if (diff > (size_t)t->maxb)
		return -1;
	d = fuzzy_distance(tok, n, fx->cps + t->off, t->len, t->maxb);
	return d <= t->maxb ? d : -1;
}

/*
 * Without memory: every term, ids in order, each reported once with its
 * smallest distance among its terms.
 */
static void
lookup_scan(const struct fuzzy_index *fx, const uint32_t *tok, size_t n, fuzzy_cb cb, void *arg)
{
	const struct fz_built *b = &fx->b;
	size_t i = 0;

	while (i < b->nents) {
		uint32_t id = b->ents[b->byid[i]].id;
		int best = -1;

		for (; i < b->nents && b->ents[b->byid[i]].id == id; i++) {
			const struct fz_ent *e = &b->ents[b->byid[i]];
			int d = term_dist(fx, &b->terms[e->term], tok, n);

			if (d >= 0 && d <= e->budget && (best < 0 || d < best))
				best = d;
		}
		if (best >= 0)
			cb(id, best, arg);
	}
}

/* Verify the (sorted, unique) candidate terms and report. */
static int
report(const struct fuzzy_index *fx, const uint32_t *cand, size_t nc, const uint32_t *tok, size_t n,
       fuzzy_cb cb, void *arg)
{
	const struct fz_built *b = &fx->b;
	uint64_t stack[FZ_STACKCAND], *out = stack;
	size_t i, no = 0, capo = FZ_STACKCAND;

	for (i = 0; i < nc; i++) {
		const struct fz_term *t = &b->terms[cand[i]];
		int d = term_dist(fx, t, tok, n);
		uint32_t e;

		if (d < 0)
			continue;
		for (e = t->ent; e < t->ent + t->nent; e++) {
			if (d > b->ents[e].budget)
				continue;
			if (!b->shared_ids) {
				/* Ids are unique across terms and within one. */
				cb(b->ents[e].id, d, arg);
				continue;
			}
			if (no == capo) {
				uint64_t *nv = out == stack ? malloc(2 * capo * sizeof *nv)
				                            : realloc(out, 2 * capo * sizeof *nv);

				if (!nv) {
					if (out != stack)
						free(out);
					return -1;
				}
				if (out == stack)
					memcpy(nv, stack, no * sizeof *nv);
				out = nv;
				capo *= 2;
			}
			out[no++] = (uint64_t)b->ents[e].id << 8 | (uint64_t)d;
		}
	}
	if (no) {
		qsort(out, no, sizeof *out, u64_cmp);
		for (i = 0; i < no; i++) /* the smallest distance sorts first */
			if (!i || out[i] >> 8 != out[i - 1] >> 8)
				cb((uint32_t)(out[i] >> 8), (int)(out[i] & 0xff), arg);
	}
	if (out != stack)
		free(out);
	return 0;
}

/* Tokens over FZ_MAXCP code points: only a term equal to them matches. */
static void
lookup_long(const struct fuzzy_index *fx, const struct fz_first *f, const char *tok, size_t len,
            fuzzy_cb cb, void *arg)
{
	const struct fz_built *b = &fx->b;
	const uint32_t *list;
	uint32_t one;
	size_t n, k, nl;
	uint64_t h = fz_hash_utf8(tok, len, &n);

	if (n < f->minlen || n > f->maxlen || !bloom_has(b, h) || (k = slot_find(b, h)) == SIZE_MAX)
		return;
	nl = slot_terms(b, k, &list, &one);
	for (k = 0; k < nl; k++) {
		const struct fz_term *t = &b->terms[list[k]];
		const unsigned char *u = (const unsigned char *)tok;
		size_t i = 0, j = 0;
		uint32_t e;

		if (t->len != n)
			continue;
		while (i < len) {
			uint32_t cp;

			i += dec1(u + i, len - i, &cp);
			if (cp != fx->cps[t->off + j++])
				break;
		}
		if (i < len || j != n)
			continue;
		/* Terms are distinct, so this is the only one: its ids are unique. */
		for (e = t->ent; e < t->ent + t->nent; e++)
			cb(b->ents[e].id, 0, arg);
		return;
	}
}

/*
 * Probe a batch of variant hashes, collecting the terms posted under them.
 * The Bloom filter (small enough to stay in cache) drops most absent variants;
 * the slots of the rest are prefetched first so that their misses overlap.
 */
static void
probe(const struct fz_built *b, uint64_t *hs, size_t m, struct fz_cands *c)
{
	size_t i, keep = 0;

	for (i = 0; i < m; i++)
		if (bloom_has(b, hs[i]))
			hs[keep++] = hs[i];
	for (i = 0; i < keep; i++)
		__builtin_prefetch(&b->vh[slot_home(b, hs[i])]);
	for (i = 0; i < keep; i++) {
		size_t k = slot_find(b, hs[i]), nl, j;
		const uint32_t *list;
		uint32_t one;

		if (k == SIZE_MAX)
			continue;
		nl = slot_terms(b, k, &list, &one);
		for (j = 0; j < nl; j++)
			cands_push(c, list[j]);
	}
}

void
fuzzy_lookup(const struct fuzzy_index *fx, const char *tok, size_t len, fuzzy_cb cb, void *arg)
{
	const struct fz_built *b;
	const struct fz_first *f;
	uint32_t s[FZ_MAXCP];
	uint64_t pre[FZ_MAXCP + 1];
	uint64_t hs[FZ_CHUNK + FZ_MAXCP];
	struct fz_cands c;
	uint32_t cp0;
	size_t n, lo, i, m;
	int maxd, d;

	if (!fx || !fx->b.ok || !tok || !len || !cb)
		return;
	b = &fx->b;
	dec1((const unsigned char *)tok, len, &cp0);
	f = first_find(b, cp0);
	if (!f)
		return;
	n = decode_cap(tok, len, s, FZ_MAXCP);
	if (n > FZ_MAXCP) {
		lookup_long(fx, f, tok, len, cb, arg);
		return;
	}
	lo = f->minlen > (uint32_t)f->maxb ? f->minlen - (uint32_t)f->maxb : 0;
	if (n < lo || n > (size_t)f->maxlen + (size_t)f->maxb)
		return;
	maxd = f->maxb < (int)n - 1 ? f->maxb : (int)n - 1;
	for (d = 0; d <= maxd; d++)
		if (f->vmask >> (n - (size_t)d - 1) & 1)
			break;
	if (d > maxd)
		return; /* no term has a variant of any length this token yields */

	c.v = c.stack;
	c.n = 0;
	c.cap = FZ_STACKCAND;
	c.heap = 0;
	c.oom = 0;
	fz_prefix(s, n, pre);
	m = 0;
	for (d = 0; d <= maxd; d++) {
		size_t r;

		if (!(f->vmask >> (n - (size_t)d - 1) & 1))
			continue;
		if (d < 2) {
			m += fz_variants(pre, n, d, fx->kinv, hs + m);
		} else {
			/* One first deleted position r at a time: at most n - 2 hashes. */
			const uint64_t all = pre[n], kinv = fx->kinv, kinv2 = kinv * kinv;

			for (r = 1; r + 1 < n; r++) {
				size_t q;

				for (q = r + 1; q < n; q++)
					hs[m++] = fz_final(pre[r] + (pre[q] - pre[r + 1]) * kinv +
					                       (all - pre[q + 1]) * kinv2,
					                   n - 2);
				if (m >= FZ_CHUNK) {
					probe(b, hs, m, &c);
					m = 0;
				}
			}
		}
		if (m >= FZ_CHUNK) {
			probe(b, hs, m, &c);
			m = 0;
		}
	}
	if (m)
		probe(b, hs, m, &c);

	if (!c.oom && c.n) {
		size_t u = 0;

		sort_u32(c.v, c.n);
		for (i = 0; i < c.n; i++)
			if (!i || c.v[i] != c.v[i - 1])
				c.v[u++] = c.v[i];
		if (report(fx, c.v, u, s, n, cb, arg))
			c.oom = 1;
	}
	if (c.oom)
		lookup_scan(fx, s, n, cb, arg);
	if (c.heap)
		free(c.v);
}
