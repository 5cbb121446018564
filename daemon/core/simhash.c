/*
 * simhash.c: a 64-bit SimHash (Charikar) of text over word 3-grams.
 *
 * The features are shingles of three normalized tokens (token.h), so case,
 * accents, punctuation and spacing do not count, and a changed word touches
 * only the three shingles that hold it. Each feature's 64-bit hash votes +1
 * or -1 on every bit; a bit of the result is set when its votes are
 * positive.
 *
 * Hashes are kept across runs and compared between machines, so a token's
 * hash is FNV-1a over its bytes, which depends neither on a seed nor on
 * byte order, followed by a 64-bit finalizer for its high bits.
 */
#include <stdlib.h>
#include <string.h>

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

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * The votes: bit j of each byte of a feature's hash is counted in the byte
 * lanes of lane[j] (a shift, a mask and an add per j: 8 per feature, in
 * registers, none of them waiting on another), and the lanes are widened
 * into cnt before any can pass 255. The counts, hence the result, are
 * those of 64 counters a bit; stored fingerprints stay comparable.
 */
#define LANE_BITS 0x0101010101010101ull
#define LANE_MAX 255

struct votes {
	uint64_t lane[8]; /* byte k of lane[j]: votes for bit 8k + j since the last widening */
	uint64_t cnt[64]; /* bit b: the features it is set in */
	size_t n;         /* features */
	unsigned pending; /* features in lane, not yet in cnt */
};

static void
votes_widen(struct votes *v)
{
	for (int j = 0; j < 8; j++) {
		for (int k = 0; k < 8; k++)
			v->cnt[8 * k + j] += (v->lane[j] >> (8 * k)) & 0xFF;
		v->lane[j] = 0;
	}
	v->pending = 0;
}

static void
votes_add(struct votes *v, uint64_t h)
{
	for (int j = 0; j < 8; j++)
		v->lane[j] += (h >> j) & LANE_BITS;
	v->n++;
	if (++v->pending == LANE_MAX)
		votes_widen(v);
}

/* A bit is set when it is set in more than half the features. */
static uint64_t
votes_result(struct votes *v)
{
	uint64_t out = 0;

	votes_widen(v);
	for (int b = 0; b < 64; b++)
		if (2 * v->cnt[b] > v->n)
			out |= 1ull << b;
	return out;
}

/* Tokenize this much text at a time: the tokens of a large article would take 4 times its size. */
#ifndef SIMHASH_CHUNK
#define SIMHASH_CHUNK (1u << 20)
#endif

/*
 * Each token is hashed once and a shingle's hash combines its three
 * tokens' hashes, rotated by position so that order counts ("a b c" is not
 * "c b a").
 */
struct simhash_acc {
	struct votes v;
	uint64_t h[2];
	size_t ntok;
};

struct simhash_acc *
simhash_acc_new(void)
{
	return calloc(1, sizeof(struct simhash_acc));
}

void
simhash_acc_free(struct simhash_acc *a)
{
	free(a);
}

void
simhash_acc_reset(struct simhash_acc *a)
{
	memset(a, 0, sizeof(*a));
}

void
simhash_acc_token(struct simhash_acc *a, const char *norm, size_t len)
{
	uint64_t h2 = fmix64(fnv_add(FNV_OFFSET, norm, len));

	if (a->ntok >= 2)
		votes_add(&a->v, fmix64(rotl64(a->h[0], 42) ^ rotl64(a->h[1], 21) ^ h2));
	a->h[0] = a->h[1];
	a->h[1] = h2;
	a->ntok++;
}

uint64_t
simhash_acc_result(struct simhash_acc *a)
{
	if (a->ntok == 0)
		return 0;
	if (a->ntok < 3) {
		/* too short for a shingle: the tokens themselves are the features */
		if (a->ntok == 2)
			votes_add(&a->v, a->h[0]);
		votes_add(&a->v, a->h[1]);
	}
	return votes_result(&a->v);
}

/* The text is tokenized a chunk at a time, which gives the tokens of one pass. */
uint64_t
simhash_text(const char *text, size_t len)
{
	struct toklist tl;
	struct simhash_acc *a;
	uint64_t out;
	size_t off, end;

	if (text == NULL)
		return 0;
	/* token_split() stops at 4 GiB; the first 4 GiB of an article say enough */
	if (len >= UINT32_MAX)
		len = utf8_floor(text, UINT32_MAX - 1);
	if ((a = simhash_acc_new()) == NULL)
		return 0;
	toklist_init(&tl);
	for (off = 0; off < len; off = end) {
		end = token_chunk_end(text, len, off, SIMHASH_CHUNK);
		toklist_clear(&tl);
		if (token_split(text + off, end - off, &tl) < 0) {
			toklist_free(&tl);
			simhash_acc_free(a);
			return 0;
		}
		for (size_t i = 0; i < tl.n; i++)
			simhash_acc_token(a, token_text(&tl, &tl.v[i]), tl.v[i].normlen);
	}
	toklist_free(&tl);
	out = simhash_acc_result(a);
	simhash_acc_free(a);
	return out;
}

int
simhash_distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}
