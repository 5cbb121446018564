/*
 * dict.c: string -> dense id hash table. Open addressing with linear probing;
 * each slot keeps the id and 32 bits of the hash so that most mismatches are
 * rejected without touching the key pool.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"

/*
 * A slot repeats where its key lies in the pool, so that a lookup that
 * finds its key touches two cache lines (slot, key), not three.
 */
struct slot {
	uint32_t id1; /* id + 1; 0 = empty */
	uint32_t tag; /* high 32 bits of the hash */
	uint32_t off; /* the key's offset in the pool */
	uint32_t len; /* and its length */
};

struct keyref {
	uint32_t off; /* into pool (under 4 GiB: dict_intern) */
	uint32_t len;
};

_Static_assert(sizeof(struct slot) == DICT_SLOT_SIZE, "dict.h: DICT_SLOT_SIZE");
_Static_assert(sizeof(struct keyref) == DICT_KEY_SIZE, "dict.h: DICT_KEY_SIZE");

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
	/*
	 * A view (dict_view): slots, filter, keys and pool are the caller's,
	 * read-only; dict_free frees only the struct.
	 */
	int borrowed;
};

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
	if (dc->borrowed) {
		free(dc);
		return;
	}
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
dict_key_equal(const struct dict *dc, const struct slot *sl, const char *key, size_t n)
{
	return sl->len == n && memcmp(dc->pool + sl->off, key, n) == 0;
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
		if (sl->tag == tag && dict_key_equal(dc, sl, key, n))
			return sl;
		i = (i + 1) & dc->mask;
	}
}

/*
 * Rehash into 2^bits slots. The keys are read in id order, where the key
 * list and the pool lie in sequence, not slot by slot: only the writes to
 * the new table land at random.
 */
static int
dict_resize(struct dict *dc, size_t nmask)
{
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
	for (size_t id = 0; id < dc->nkeys; id++) {
		const struct keyref *k = &dc->keys[id];
		uint64_t h = hash_bytes(dc->pool + k->off, k->len);
		size_t j = (size_t)h & nmask;

		while (ns[j].id1 != 0)
			j = (j + 1) & nmask;
		ns[j].id1 = (uint32_t)id + 1;
		ns[j].tag = (uint32_t)(h >> 32);
		ns[j].off = (uint32_t)k->off;
		ns[j].len = k->len;
		dict_fset(dc, h);
	}
	free(dc->slots);
	dc->slots = ns;
	dc->mask = nmask;
	return 0;
}

int
dict_reserve(struct dict *dc, size_t n)
{
	size_t nmask = dc->mask;

	/* the load factor of dict_intern: under 1/2 */
	while ((n + 1) * 2 > nmask + 1) {
		if (nmask > SIZE_MAX / 4)
			return -1;
		nmask = nmask * 2 + 1;
	}
	if (n > dc->capkeys) {
		struct keyref *nk = realloc(dc->keys, n * sizeof(*nk));

		if (nk == NULL)
			return -1;
		dc->keys = nk;
		dc->capkeys = n;
	}
	return nmask == dc->mask ? 0 : dict_resize(dc, nmask);
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
	dc->keys[dc->nkeys].off = (uint32_t)dc->poollen;
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
	if (n > UINT32_MAX || dc->nkeys >= UINT32_MAX - 1 || dc->poollen + n + 1 > UINT32_MAX)
		return -1;
	/* Keep the load factor under 1/2: probes stay short on misses. */
	if ((dc->nkeys + 1) * 2 > dc->mask + 1 && dict_resize(dc, dc->mask * 2 + 1) < 0)
		return -1;
	sl = dict_probe(dc, key, n, h);
	if (sl->id1 != 0)
		return sl->id1 - 1;
	if (dict_store_key(dc, key, n) < 0)
		return -1;
	sl->id1 = (uint32_t)dc->nkeys;
	sl->tag = (uint32_t)(h >> 32);
	sl->off = (uint32_t)dc->keys[dc->nkeys - 1].off;
	sl->len = (uint32_t)n;
	dict_fset(dc, h);
	if (added != NULL)
		*added = 1;
	return sl->id1 - 1;
}

void
dict_prefetch(const struct dict *dc, const char *key, size_t n)
{
	__builtin_prefetch(&dc->slots[(size_t)hash_bytes(key, n) & dc->mask]);
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

void
dict_image(const struct dict *dc, struct dict_image *im)
{
	im->slots = dc->slots;
	im->nslots = dc->mask + 1;
	im->filter = dc->filter;
	im->nfilter = (dc->fmask + 1) / 64;
	im->keys = dc->keys;
	im->nkeys = dc->nkeys;
	im->pool = dc->pool;
	im->poollen = dc->poollen;
}

struct dict *
dict_view(const struct dict_image *im, const char **why)
{
	const struct slot *sl = im->slots;
	const struct keyref *k = im->keys;
	size_t used = 0;
	struct dict *dc;

	/* every count, offset and id, so that no lookup reads out of bounds */
	/* 16 slots at least, as dict_new makes: the filter has a word */
	if (im->nslots < 16 || (im->nslots & (im->nslots - 1)) != 0 ||
	    (im->nkeys + 1) * 2 > im->nslots || im->nfilter != 4 * im->nslots / 64 ||
	    im->poollen > UINT32_MAX) {
		*why = "dictionary sizes";
		return NULL;
	}
	for (size_t i = 0; i < im->nkeys; i++)
		if ((size_t)k[i].off + k[i].len >= im->poollen ||
		    im->pool[k[i].off + k[i].len] != '\0') {
			*why = "dictionary key";
			return NULL;
		}
	for (size_t i = 0; i < im->nslots; i++) {
		if (sl[i].id1 == 0)
			continue;
		if (sl[i].id1 > im->nkeys || sl[i].off != k[sl[i].id1 - 1].off ||
		    sl[i].len != k[sl[i].id1 - 1].len) {
			*why = "dictionary slot";
			return NULL;
		}
		used++;
	}
	/* one slot a key, and an empty one at least, where every probe ends */
	if (used != im->nkeys) {
		*why = "dictionary slot count";
		return NULL;
	}
	if ((dc = calloc(1, sizeof(*dc))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	dc->slots = (struct slot *)im->slots;
	dc->mask = im->nslots - 1;
	dc->filter = (uint64_t *)im->filter;
	dc->fmask = im->nfilter * 64 - 1;
	dc->keys = (struct keyref *)im->keys;
	dc->nkeys = dc->capkeys = im->nkeys;
	dc->pool = (char *)im->pool;
	dc->poollen = dc->poolcap = im->poollen;
	dc->borrowed = 1;
	return dc;
}
