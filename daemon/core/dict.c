/*
 * dict.c: string -> dense id hash table. Open addressing with linear probing;
 * each slot keeps the id and 32 bits of the hash so that most mismatches are
 * rejected without touching the key pool.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"

struct slot {
	uint32_t id1; /* id + 1; 0 = empty */
	uint32_t tag; /* high 32 bits of the hash */
};

struct keyref {
	uint64_t off; /* into pool */
	uint32_t len;
};

struct dict {
	struct slot *slots;
	size_t mask; /* slot count - 1 (a power of two) */
	/*
	 * One bit per key, set from other hash bits than the slot index, in a
	 * table 32 times smaller than the slots: it stays in cache where the
	 * slots do not, and most lookups of a document's words are misses.
	 */
	uint64_t *filter;
	size_t fmask; /* filter bit count - 1 */
	struct keyref *keys;
	size_t nkeys, capkeys;
	char *pool;
	size_t poollen, poolcap;
};

static inline uint64_t
hash_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
hash_load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t
hash_load32(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/*
 * A multiply-mix hash in the manner of wyhash: whole words, and for the
 * tail overlapping loads of fixed size, never a byte loop. Most keys are
 * words of a few bytes, hashed once per token of every document.
 */
uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
	uint64_t a, b;

	if (n <= 16) {
		if (n >= 8) {
			a = hash_load64(s);
			b = hash_load64(s + n - 8);
		} else if (n >= 4) {
			a = hash_load32(s);
			b = hash_load32(s + n - 4);
		} else if (n > 0) {
			a = ((uint64_t)s[0] << 16) | ((uint64_t)s[n >> 1] << 8) | s[n - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t i = 0;

		for (; i + 16 < n; i += 16)
			h = hash_mix(hash_load64(s + i) ^ 0xa0761d6478bd642full,
				     hash_load64(s + i + 8) ^ h);
		a = hash_load64(s + n - 16);
		b = hash_load64(s + n - 8);
	}
	h = hash_mix(a ^ 0xbf58476d1ce4e5b9ull, b ^ h);
	return hash_mix(h, 0x94d049bb133111ebull ^ n);
}

struct dict *
dict_new(void)
{
	struct dict *dc = calloc(1, sizeof(*dc));

	if (dc == NULL)
		return NULL;
	dc->mask = 15;
	dc->slots = calloc(dc->mask + 1, sizeof(*dc->slots));
	dc->fmask = 4 * (dc->mask + 1) - 1;
	dc->filter = calloc((dc->fmask + 1) / 64, sizeof(*dc->filter));
	if (dc->slots == NULL || dc->filter == NULL) {
		free(dc->slots);
		free(dc->filter);
		free(dc);
		return NULL;
	}
	return dc;
}

void
dict_free(struct dict *dc)
{
	if (dc == NULL)
		return;
	free(dc->slots);
	free(dc->filter);
	free(dc->keys);
	free(dc->pool);
	free(dc);
}

static inline size_t
dict_fbit(const struct dict *dc, uint64_t h)
{
	return (size_t)(h >> 20) & dc->fmask;
}

static inline void
dict_fset(struct dict *dc, uint64_t h)
{
	size_t b = dict_fbit(dc, h);

	dc->filter[b >> 6] |= 1ull << (b & 63);
}

static int
dict_key_equal(const struct dict *dc, uint32_t id, const char *key, size_t n)
{
	const struct keyref *k = &dc->keys[id];

	return k->len == n && memcmp(dc->pool + k->off, key, n) == 0;
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *
dict_probe(const struct dict *dc, const char *key, size_t n, uint64_t h)
{
	size_t i = (size_t)h & dc->mask;
	uint32_t tag = (uint32_t)(h >> 32);

	for (;;) {
		struct slot *sl = &dc->slots[i];

		if (sl->id1 == 0)
			return sl;
		if (sl->tag == tag && dict_key_equal(dc, sl->id1 - 1, key, n))
			return sl;
		i = (i + 1) & dc->mask;
	}
}

static int
dict_grow(struct dict *dc)
{
	size_t nmask = dc->mask * 2 + 1;
	struct slot *ns = calloc(nmask + 1, sizeof(*ns));
	uint64_t *nf = calloc(4 * (nmask + 1) / 64, sizeof(*nf));

	if (ns == NULL || nf == NULL) {
		free(ns);
		free(nf);
		return -1;
	}
	free(dc->filter);
	dc->filter = nf;
	dc->fmask = 4 * (nmask + 1) - 1;
	for (size_t i = 0; i <= dc->mask; i++) {
		struct slot *sl = &dc->slots[i];
		const struct keyref *k;
		uint64_t h;
		size_t j;

		if (sl->id1 == 0)
			continue;
		k = &dc->keys[sl->id1 - 1];
		h = hash_bytes(dc->pool + k->off, k->len);
		j = (size_t)h & nmask;
		while (ns[j].id1 != 0)
			j = (j + 1) & nmask;
		ns[j] = *sl;
		dict_fset(dc, h);
	}
	free(dc->slots);
	dc->slots = ns;
	dc->mask = nmask;
	return 0;
}

static int
dict_store_key(struct dict *dc, const char *key, size_t n)
{
	if (dc->nkeys == dc->capkeys) {
		size_t nc = dc->capkeys ? dc->capkeys * 2 : 64;
		struct keyref *nk = realloc(dc->keys, nc * sizeof(*nk));

		if (nk == NULL)
			return -1;
		dc->keys = nk;
		dc->capkeys = nc;
	}
	if (dc->poollen + n + 1 > dc->poolcap) {
		size_t nc = dc->poolcap ? dc->poolcap * 2 : 4096;
		char *np;

		while (nc < dc->poollen + n + 1)
			nc *= 2;
		np = realloc(dc->pool, nc);
		if (np == NULL)
			return -1;
		dc->pool = np;
		dc->poolcap = nc;
	}
	memcpy(dc->pool + dc->poollen, key, n);
	dc->pool[dc->poollen + n] = '\0';
	dc->keys[dc->nkeys].off = dc->poollen;
	dc->keys[dc->nkeys].len = (uint32_t)n;
	dc->poollen += n + 1;
	dc->nkeys++;
	return 0;
}

int64_t
dict_intern(struct dict *dc, const char *key, size_t n, int *added)
{
	uint64_t h = hash_bytes(key, n);
	struct slot *sl;

	if (added != NULL)
		*added = 0;
	if (n > UINT32_MAX || dc->nkeys >= UINT32_MAX - 1)
		return -1;
	/* Keep the load factor under 1/2: probes stay short on misses. */
	if ((dc->nkeys + 1) * 2 > dc->mask + 1 && dict_grow(dc) < 0)
		return -1;
	sl = dict_probe(dc, key, n, h);
	if (sl->id1 != 0)
		return sl->id1 - 1;
	if (dict_store_key(dc, key, n) < 0)
		return -1;
	sl->id1 = (uint32_t)dc->nkeys;
	sl->tag = (uint32_t)(h >> 32);
	dict_fset(dc, h);
	if (added != NULL)
		*added = 1;
	return sl->id1 - 1;
}

int64_t
dict_find(const struct dict *dc, const char *key, size_t n)
{
	uint64_t h = hash_bytes(key, n);
	size_t b = dict_fbit(dc, h);
	const struct slot *sl;

	if (!((dc->filter[b >> 6] >> (b & 63)) & 1))
		return -1;
	sl = dict_probe(dc, key, n, h);
	return sl->id1 ? (int64_t)sl->id1 - 1 : -1;
}

const char *
dict_key(const struct dict *dc, uint32_t id, size_t *n)
{
	if (n != NULL)
		*n = dc->keys[id].len;
	return dc->pool + dc->keys[id].off;
}

size_t
dict_count(const struct dict *dc)
{
	return dc->nkeys;
}

size_t
dict_memory(const struct dict *dc)
{
	return sizeof(*dc) + (dc->mask + 1) * sizeof(struct slot) + (dc->fmask + 1) / 8 +
	       dc->capkeys * sizeof(struct keyref) + dc->poolcap;
}
