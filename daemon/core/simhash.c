/*
 * simhash.c: a 64-bit SimHash (Charikar) of text over word 3-grams.
 *
 * The features are shingles of three normalized tokens (token.h), so case,
 * accents, punctuation and spacing do not count, and a changed word touches
 * only the three shingles that hold it. Each feature's 64-bit hash votes +1
 * or -1 on every bit; a bit of the result is set when its votes are
 * positive.
 *
 * Hashes are kept across runs and compared between machines, so the feature
 * hash is FNV-1a over the token bytes, which depends neither on a seed nor
 * on byte order, followed by a 64-bit finalizer for its high bits.
 */
#include "simhash.h"

#include "token.h"
#include "utf8.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t
fnv_add(uint64_t h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* The MurmurHash3 finalizer: every input bit reaches every output bit. */
static uint64_t
fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/*
 * The hash of tokens v[0..n), each followed by a 0xFF byte, which UTF-8
 * never holds: "ab c" and "a bc" differ.
 */
static uint64_t
feature_hash(const struct toklist *tl, const struct token *v, size_t n)
{
	static const char sep = (char)0xFF;
	uint64_t h = FNV_OFFSET;
	size_t i;

	for (i = 0; i < n; i++) {
		h = fnv_add(h, token_text(tl, &v[i]), v[i].normlen);
		h = fnv_add(h, &sep, 1);
	}
	return fmix64(h);
}

static void
vote(int64_t w[64], uint64_t h)
{
	int b;

	for (b = 0; b < 64; b++)
		w[b] += ((h >> b) & 1) ? 1 : -1;
}

uint64_t
simhash_text(const char *text, size_t len)
{
	struct toklist tl;
	int64_t w[64] = {0};
	uint64_t out = 0;
	size_t i;
	int b;

	if (text == NULL)
		return 0;
	/* token_split() stops at 4 GiB; the first 4 GiB of an article say enough */
	if (len >= UINT32_MAX)
		len = utf8_floor(text, UINT32_MAX - 1);
	toklist_init(&tl);
	if (token_split(text, len, &tl) < 0 || tl.n == 0) {
		toklist_free(&tl);
		return 0;
	}
	if (tl.n < 3) {
		/* too short for a shingle: the tokens themselves are the features */
		for (i = 0; i < tl.n; i++)
			vote(w, feature_hash(&tl, &tl.v[i], 1));
	} else {
		for (i = 0; i + 3 <= tl.n; i++)
			vote(w, feature_hash(&tl, &tl.v[i], 3));
	}
	toklist_free(&tl);
	for (b = 0; b < 64; b++)
		if (w[b] > 0)
			out |= 1ull << b;
	return out;
}

int
simhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}
