/*
 * dict.h: an open-addressing hash table from byte strings to dense ids
 * (0, 1, 2... in insertion order). It owns copies of its keys. Lookups are
 * read-only and may run from several threads at once.
 */
#ifndef HARK_DICT_H
#define HARK_DICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Inline: it runs once per token of every document. */
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
static inline uint64_t
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

struct dict;

struct dict *dict_new(void);
void dict_free(struct dict *dc);
/* The id of key, inserting it when absent (*added = 1). -1 on ENOMEM. */
int64_t dict_intern(struct dict *dc, const char *key, size_t n, int *added);
/*
 * Make room for n keys in all, so that interning them does not grow the
 * table step by step (a ruleset knows its rule count). -1 on ENOMEM.
 */
int dict_reserve(struct dict *dc, size_t n);
/*
 * Start loading the slot where key would be looked up, so that a caller
 * with several keys in hand waits for their cache misses at once, not one
 * after the other. Changes nothing; the slot moves if the table grows.
 */
void dict_prefetch(const struct dict *dc, const char *key, size_t n);
/* The id of key, or -1. */
int64_t dict_find(const struct dict *dc, const char *key, size_t n);
/* The key of id (NUL-terminated), its length in *n. */
const char *dict_key(const struct dict *dc, uint32_t id, size_t *n);
size_t dict_count(const struct dict *dc);

/*
 * The arrays of a dict, for a cache of a compiled rule set (rulecache.c):
 * slots (nslots of DICT_SLOT_SIZE bytes), the filter (nfilter words), the
 * keys (nkeys of DICT_KEY_SIZE bytes) and the pool of key texts.
 */
#define DICT_SLOT_SIZE 16
#define DICT_KEY_SIZE 8
struct dict_image {
	const void *slots;
	size_t nslots;
	const uint64_t *filter;
	size_t nfilter;
	const void *keys;
	size_t nkeys;
	const char *pool;
	size_t poollen;
};

void dict_image(const struct dict *dc, struct dict_image *im);
/*
 * A dict over the arrays of im (aligned for 8 bytes), which it borrows:
 * they must outlive it and not change; dict_free frees only the view.
 * Every size, id and offset is checked first: NULL with *why when one is
 * out of bounds (or out of memory).
 */
struct dict *dict_view(const struct dict_image *im, const char **why);
size_t dict_memory(const struct dict *dc);

#endif
