/*
 * match.c: run a compiled ruleset over a document.
 *
 * 1. Each field is tokenized once. A token's keys (exact term, prefixes,
 *    fuzzy terms, and the same for its Arabic proclitic readings) are found
 *    with a few hash lookups, whatever the number of rules, but only when
 *    needed: when the ruleset's small filter of path starts says the token
 *    may start a path and its filter of pairs says that the token and the
 *    next may be a path's first two steps (or the token one alone), or when
 *    a walk reaches it. Most tokens start nothing and are reached by no
 *    walk: they cost one hash and one filter test (a first name not
 *    followed by one of its last names, a second), and the large
 *    dictionaries stay out of the cache.
 * 2. The trie is walked from every token whose keys start paths; each atom
 *    reached records an occurrence, and the first occurrence of an atom
 *    makes its rules candidates.
 * 3. Only candidates (and the few rules that need no token, like a bare
 *    regex) are evaluated; regexes run only when evaluation reaches them.
 */
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "mem.h"
#include "presearch.h"
#include "ruleset_int.h"
#include "simhash.h"
#include "token.h"

#define NONE UINT32_MAX
#define RE_LIMITED 2          /* re_val: the regex hit a limit on this document */
#define MAX_OCC_PER_ATOM 1024 /* occurrences kept per atom and document */
#define MAX_PHRASE_WALK 512   /* longest phrase followed through the trie */
#ifndef MATCH_CHUNK
#define MATCH_CHUNK (1u << 20) /* bytes of a field tokenized at a time */
#endif
#ifndef MATCH_AHEAD
#define MATCH_AHEAD (16u << 10) /* bytes tokenized past it at first, for the walks */
#endif
#define MATCH_KEEP_TOKENS 65536 /* tokens' room kept between documents */
#define RE_MATCH_LIMIT 200000
#define RE_DEPTH_LIMIT 2000
#define RE_HEAP_LIMIT 20000 /* KiB */
#define RE_MAX_MATCHES 100  /* matches of one regex reported per field */
#define RE_MAX_LIMIT_HITS 8 /* limits hit by one regex per field before it gives up */

struct occ {
	uint32_t next;         /* previous occurrence of the same node, or NONE */
	uint32_t first, last;  /* token indexes in the field */
	uint32_t bstart, bend; /* its bytes in the field: first's start, last's end */
	uint8_t field;
};

/* A place in a field: token range for token atoms, bytes for regexes. */
struct place {
	uint8_t field;
	uint8_t bytes; /* 1: first/last are byte offsets (regex) */
	uint32_t first, last;
	uint32_t bstart, bend; /* the bytes (token places too) */
	uint32_t leaf;         /* the cnode that matched here (its atom names the span) */
};

struct placev {
	struct place *v;
	size_t n, cap;
};

/* A token's keys: keys[f][off .. off + n); n is NONE until they are computed. */
struct tkeys {
	uint32_t off, n;
};

struct matcher {
	const struct ruleset *rs;
	struct document *doc; /* its language is identified when a rule asks (doc_lang) */
	uint32_t gen;

	/*
	 * The tokens of the chunk of field f being scanned (field_scan): the
	 * text from coff[f], local indexes; tbase[f] is the field's index of
	 * local token 0. Occurrences keep field indexes and bytes, so nothing
	 * after the scan needs the tokens.
	 */
	struct toklist tl[F_MAX];
	uint32_t coff[F_MAX], tbase[F_MAX];
	struct tkeys *tk[F_MAX]; /* per token of the chunk */
	size_t tkcap[F_MAX];
	/*
	 * tk[f][s .. tkset[f]) are set, s the start of the walks under way
	 * (field_scan: those before it are never asked again); most tokens
	 * are never asked.
	 */
	size_t tkset[F_MAX];
	uint32_t *keys[F_MAX];
	size_t nkeys[F_MAX], capkeys[F_MAX];
	char *scratch; /* for token_readings */
	size_t capscratch;
	/*
	 * The chunk's tokens that pass root_maybe(), in order, each with the
	 * pair hashes pair_collect() made for it (ph[off .. off + n)), their
	 * words already asked of memory (field_scan).
	 */
	struct start {
		uint32_t i, off, n; /* n: PAIR_ANY when any pair may */
	} * starts;
	size_t capstarts;
	uint64_t *ph;
	size_t nph, capph;
	struct texts *memo; /* the texts of the chunk's token memo_i (pair_collect) */
	uint32_t memo_i;

	/*
	 * Per trie node: its occurrences in this document (head of their
	 * list, count), valid when gen is the document's. One record, not
	 * three arrays: a node reached is one cache miss, not three.
	 */
	struct node_occ {
		uint32_t gen, head, count;
	} * nodes;
	struct occ *occ;
	size_t nocc, capocc;

	uint32_t *rule_gen; /* per rule: candidate in this document */
	uint32_t *cand;
	size_t ncand, capcand;

	uint32_t *re_gen;  /* per regex: result cached for this document */
	uint8_t *re_val;   /* 1: it matches; RE_LIMITED: it hit a limit */
	int re_limited;    /* a regex of the rule being evaluated hit a limit */
	uint32_t *limited; /* the rules that did, in this document (indexes) */
	size_t nlimited, caplimited;
	pcre2_match_data *md;
	pcre2_match_context *mctx;

	struct placev pa, pb;   /* NEAR operands */
	int has_fuzzy;          /* the ruleset has fuzzy terms */
	int hit_lang;           /* identify the language before reporting a hit (default) */
	struct simhash_acc *fp; /* the body's SimHash from its tokens (matcher_set_fingerprint) */
	struct presearch_text *ix; /* owned: the index text from its tokens, or NULL */
	struct match_span *spans;
	size_t nspans, capspans;
	int oom;
};

struct matcher *
matcher_new(const struct ruleset *rs)
{
	struct matcher *m = calloc(1, sizeof(*m));
	size_t nn = rs->nnodes ? rs->nnodes : 1;

	if (m == NULL)
		return NULL;
	m->rs = rs;
	m->has_fuzzy = fuzzy_count(rs->fuzzy) > 0;
	m->hit_lang = 1;
	for (int f = 0; f < F_MAX; f++)
		toklist_init(&m->tl[f]);
	m->nodes = calloc(nn, sizeof(*m->nodes));
	m->rule_gen = calloc(rs->nrules ? rs->nrules : 1, 4);
	m->re_gen = calloc(rs->nregex ? rs->nregex : 1, 4);
	m->re_val = calloc(rs->nregex ? rs->nregex : 1, 1);
	m->md = pcre2_match_data_create(32, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->nodes || !m->rule_gen || !m->re_gen || !m->re_val || !m->md || !m->mctx) {
		matcher_free(m);
		return NULL;
	}
	pcre2_set_match_limit(m->mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mctx, RE_HEAP_LIMIT);
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	simhash_acc_free(m->fp);
	presearch_text_free(m->ix);
	for (int f = 0; f < F_MAX; f++) {
		toklist_free(&m->tl[f]);
		free(m->tk[f]);
		free(m->keys[f]);
	}
	free(m->scratch);
	free(m->starts);
	free(m->ph);
	free(m->memo);
	free(m->nodes);
	free(m->occ);
	free(m->rule_gen);
	free(m->cand);
	free(m->re_gen);
	free(m->re_val);
	free(m->limited);
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	free(m->pa.v);
	free(m->pb.v);
	free(m->spans);
	free(m);
}

/* ---- step 1: the keys of each token ---- */

struct keyacc {
	struct matcher *m;
	int f;
	size_t first; /* keys of the current token start here */
};

static void
key_add(struct keyacc *ka, uint32_t key)
{
	struct matcher *m = ka->m;
	int f = ka->f;

	for (size_t i = ka->first; i < m->nkeys[f]; i++)
		if (m->keys[f][i] == key)
			return;
	if (mem_grow(&m->keys[f], &m->capkeys[f], m->nkeys[f] + 1, 4) < 0) {
		m->oom = 1;
		return;
	}
	m->keys[f][m->nkeys[f]++] = key;
}

static void
key_fuzzy_cb(uint32_t id, int dist, void *arg)
{
	(void)dist;
	key_add(arg, KEY_MAKE(K_FUZZY, id));
}

static void
keys_of_text(struct keyacc *ka, const char *s, size_t n)
{
	const struct ruleset *rs = ka->m->rs;
	int64_t id;

	/* no term has this length: no need to hash (short words are common) */
	if (rs->exact_len[n < 255 ? n : 255] && (id = dict_find(rs->keys[K_EXACT], s, n)) >= 0)
		key_add(ka, KEY_MAKE(K_EXACT, id));
	for (size_t i = 0; i < rs->npfx_lens; i++) {
		size_t l = rs->pfx_lens[i];

		if (l > n)
			break;
		if (l < n && ((unsigned char)s[l] & 0xC0) == 0x80)
			continue; /* not on a character boundary */
		if ((id = dict_find(rs->keys[K_PREFIX], s, l)) >= 0)
			key_add(ka, KEY_MAKE(K_PREFIX, id));
	}
	if (ka->m->has_fuzzy)
		fuzzy_lookup(rs->fuzzy, s, n, key_fuzzy_cb, ka);
}

/*
 * Only a token that starts with a proclitic (و ف ب ك ل) or the article (ال)
 * has other readings: a two-byte test spares the rest the full analysis.
 */
static inline int
may_have_readings(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n < 6)
		return 0; /* a proclitic and a stem of two letters: 3 letters at least */
	if (u[0] == 0xD9)
		return u[1] == 0x88 || u[1] == 0x81 || u[1] == 0x83 || u[1] == 0x84;
	return u[0] == 0xD8 && (u[1] == 0xA8 || u[1] == 0xA7);
}

/*
 * The keys of token i of field f, computed on first use: by the walk that
 * reaches the token, or because the token may start a path. The result
 * stays valid while keys[f] grows: callers index it afresh.
 */
static struct tkeys
keys_get(struct matcher *m, int f, uint32_t i)
{
	struct toklist *tl = &m->tl[f];
	const struct token *t = &tl->v[i];
	const char *s = token_text(tl, t);
	struct keyacc ka = {m, f, m->nkeys[f]};

	if (i >= m->tkset[f]) {
		memset(m->tk[f] + m->tkset[f], 0xFF, (i + 1 - m->tkset[f]) * sizeof(*m->tk[f]));
		m->tkset[f] = i + 1;
	} else if (m->tk[f][i].n != NONE) {
		return m->tk[f][i];
	}
	keys_of_text(&ka, s, t->normlen);
	if (t->script == SCRIPT_ARABIC && may_have_readings(s, t->normlen)) {
		struct reading rd[TOKEN_MAX_READINGS];
		int nr;

		if (mem_grow(&m->scratch, &m->capscratch, 2 * (size_t)t->normlen + 8, 1) < 0) {
			m->oom = 1;
		} else {
			nr = token_readings(s, t->normlen, m->scratch, rd);
			for (int r = 0; r < nr; r++)
				keys_of_text(&ka, rd[r].s, rd[r].len);
		}
	}
	m->tk[f][i].off = (uint32_t)ka.first;
	m->tk[f][i].n = (uint32_t)(m->nkeys[f] - ka.first);
	return m->tk[f][i];
}

/*
 * root_hash() of s[0..n), where 16 bytes from s are readable: token texts,
 * their suffixes and the scratch of the readings are.
 */
static inline uint64_t
text_root_hash(const char *s, size_t n)
{
	return n <= 16 ? root_hash16(s, n) : hash_bytes(s, n);
}

/* The prefix part of root_maybe_text(): rulesets without prefixes skip it. */
static int
root_maybe_prefix(const struct ruleset *rs, const char *s, size_t n)
{
	for (size_t i = 0; i < rs->npfx_lens; i++) {
		size_t l = rs->pfx_lens[i];

		if (l > n)
			break;
		if (l < n && ((unsigned char)s[l] & 0xC0) == 0x80)
			continue;
		if (ruleset_root_maybe(rs, text_root_hash(s, l)))
			return 1;
	}
	return 0;
}

/*
 * May a key of text s[0..n) start a path? The same texts as keys_of_text()
 * looks up, tested against the filter of path starts instead of the
 * dictionaries: it says no only when no such key exists.
 */
static int
root_maybe_text(const struct ruleset *rs, const char *s, size_t n)
{
	if (ruleset_root_maybe(rs, text_root_hash(s, n)))
		return 1;
	return rs->npfx_lens > 0 && root_maybe_prefix(rs, s, n);
}

/* The readings part of root_maybe(): only for Arabic tokens with a proclitic. */
static int
root_maybe_readings(struct matcher *m, const char *s, size_t n)
{
	struct reading rd[TOKEN_MAX_READINGS];
	int nr;

	/* room for the readings, and for text_root_hash() to read past them */
	if (mem_grow(&m->scratch, &m->capscratch, 2 * n + 8 + 16, 1) < 0)
		return 1; /* keys_get() reports it */
	nr = token_readings(s, n, m->scratch, rd);
	for (int r = 0; r < nr; r++)
		if (root_maybe_text(m->rs, rd[r].s, rd[r].len))
			return 1;
	return 0;
}

/*
 * May a key of token t (or of one of its readings) start a path? The test
 * of the token's own text is written out here, not through
 * root_maybe_text(), so that it is inlined in the loop over the tokens.
 */
static inline int
root_maybe(struct matcher *m, const struct toklist *tl, const struct token *t)
{
	const struct ruleset *rs = m->rs;
	const char *s = token_text(tl, t);

	if (rs->root_fuzzy || ruleset_root_maybe(rs, text_root_hash(s, t->normlen)) ||
	    (rs->npfx_lens > 0 && root_maybe_prefix(rs, s, t->normlen)))
		return 1;
	return t->script == SCRIPT_ARABIC && may_have_readings(s, t->normlen) &&
	       root_maybe_readings(m, s, t->normlen);
}

/*
 * The root hashes of the texts of a token that keys_of_text() may look up
 * (its text, its prefixes of the lengths of prefix keys, and the same of
 * each of its readings), for the pair filter; a token has a few.
 */
#define PAIR_MAX_TEXTS 32

struct texts {
	uint64_t h[PAIR_MAX_TEXTS];
	size_t n;
};

/* s[0..n)'s texts into tx; -1 when they do not fit (then any pair may). */
static int
texts_add(const struct ruleset *rs, struct texts *tx, const char *s, size_t n)
{
	if (tx->n == PAIR_MAX_TEXTS)
		return -1;
	tx->h[tx->n++] = text_root_hash(s, n);
	for (size_t i = 0; i < rs->npfx_lens; i++) {
		size_t l = rs->pfx_lens[i];

		if (l >= n)
			break; /* l == n: the text itself, in already */
		if (((unsigned char)s[l] & 0xC0) == 0x80)
			continue;
		if (tx->n == PAIR_MAX_TEXTS)
			return -1;
		tx->h[tx->n++] = text_root_hash(s, l);
	}
	return 0;
}

static int
token_texts(struct matcher *m, const struct toklist *tl, const struct token *t, struct texts *tx)
{
	const char *s = token_text(tl, t);

	tx->n = 0;
	if (texts_add(m->rs, tx, s, t->normlen) < 0)
		return -1;
	if (t->script == SCRIPT_ARABIC && may_have_readings(s, t->normlen)) {
		struct reading rd[TOKEN_MAX_READINGS];
		int nr;

		/* as root_maybe_readings(): text_root_hash() reads 16 bytes */
		if (mem_grow(&m->scratch, &m->capscratch, 2 * (size_t)t->normlen + 8 + 16, 1) < 0)
			return -1;
		nr = token_readings(s, t->normlen, m->scratch, rd);
		for (int r = 0; r < nr; r++)
			if (texts_add(m->rs, tx, rd[r].s, rd[r].len) < 0)
				return -1;
	}
	return 0;
}

/* Whether token t may have readings (token_readings()): other texts. */
static inline int
has_readings(const struct toklist *tl, const struct token *t)
{
	return t->script == SCRIPT_ARABIC && may_have_readings(token_text(tl, t), t->normlen);
}

/* The texts of the chunk's token i into *tx, once for two calls in a row; -1: they did not fit. */
static int
texts_of(struct matcher *m, const struct toklist *tl, uint32_t i, struct texts *tx)
{
	if (m->memo == NULL && (m->memo = malloc(sizeof(*m->memo))) == NULL)
		return -1;
	if (m->memo_i == i + 1 && m->memo->n > 0) {
		*tx = *m->memo;
		return 0;
	}
	if (token_texts(m, tl, &tl->v[i], tx) < 0)
		return -1;
	*m->memo = *tx;
	m->memo_i = i + 1;
	return 0;
}

#define PAIR_ANY UINT32_MAX

/* Add the pair hash ph to the tests of the start being collected, and ask for its word. */
static int
pair_add(struct matcher *m, uint64_t ph)
{
	if (mem_grow(&m->ph, &m->capph, m->nph + 1, sizeof(*m->ph)) < 0)
		return -1;
	m->ph[m->nph++] = ph;
	__builtin_prefetch(&m->rs->pair_filter[pair_word(m->rs, ph)]);
	return 0;
}

/*
 * May a walk from token i of the chunk (one that passed root_maybe())
 * reach the end of a path? Only if one of its texts and one of the next
 * token's, or none, pass the pair filter (ruleset_int.h): a walk reads a
 * key of each token it steps on, and every key a token can have is of one
 * of its texts. The answer says no only when no path can end there: the
 * walks it spares would have found nothing.
 *
 * Here the pairs to test are collected (m->ph, from off), their filter
 * words asked of memory, and *n set to their count (PAIR_ANY: any pair
 * may). field_scan collects those of all the chunk's starts before it
 * tests any: with 100,000 names the filter is larger than the caches keep
 * between two starts, and its misses, waited for one after the other, were
 * the largest cost such a set adds to matching (BENCHMARKS.md).
 */
static int
pair_collect(struct matcher *m, const struct toklist *tl, uint32_t i, uint32_t *n)
{
	const struct ruleset *rs = m->rs;
	const struct token *t = &tl->v[i];
	uint64_t h1 = text_root_hash(token_text(tl, t), t->normlen), h2 = 0;
	size_t first = m->nph;
	struct texts a, b;
	int next = i + 1 < tl->n; /* trie_walk() steps on no token past the list */

	/* the two tokens' own texts first: most tokens have no other */
	if (next)
		h2 = text_root_hash(token_text(tl, t + 1), t[1].normlen);
	if (ruleset_root_maybe(rs, h1) &&
	    ((rs->pair_solo && pair_add(m, pair_hash(h1, PAIR_NONE)) < 0) ||
	     (next && pair_add(m, pair_hash(h1, h2)) < 0)))
		return -1;
	if (rs->npfx_lens > 0 || has_readings(tl, t) || (next && has_readings(tl, t + 1))) {
		if (texts_of(m, tl, i, &a) < 0 || (next && texts_of(m, tl, i + 1, &b) < 0)) {
			m->nph = first;
			*n = PAIR_ANY;
			return 0;
		}
		for (size_t x = 0; x < a.n; x++) {
			/* a text that starts no path pairs with nothing */
			if (!ruleset_root_maybe(rs, a.h[x]))
				continue;
			if (x > 0 && rs->pair_solo && pair_add(m, pair_hash(a.h[x], PAIR_NONE)) < 0)
				return -1;
			/* (a.h[0], b.h[0]) is (h1, h2): in already */
			for (size_t y = x == 0; next && y < b.n; y++)
				if (pair_add(m, pair_hash(a.h[x], b.h[y])) < 0)
					return -1;
		}
	}
	*n = (uint32_t)(m->nph - first);
	return 0;
}

/* Whether one of the start's pairs passes the filter. */
static int
pair_pass(const struct matcher *m, const struct start *st)
{
	if (st->n == PAIR_ANY)
		return 1;
	for (uint32_t k = st->off; k < st->off + st->n; k++)
		if (ruleset_pair_has(m->rs, m->ph[k]))
			return 1;
	return 0;
}

/* ---- step 2: the trie walk ---- */

static void
occ_add(struct matcher *m, uint32_t node, int f, uint32_t first, uint32_t last)
{
	const struct ruleset *rs = m->rs;
	struct node_occ *no = &m->nodes[node];
	struct occ *o;

	if (no->gen != m->gen) {
		no->gen = m->gen;
		no->head = NONE;
		no->count = 0;
		for (uint32_t u = rs->use_off[node]; u < rs->use_off[node + 1]; u++) {
			uint32_t r = rs->use_rule[u];

			if (m->rule_gen[r] == m->gen)
				continue;
			m->rule_gen[r] = m->gen;
			if (mem_grow(&m->cand, &m->capcand, m->ncand + 1, 4) < 0) {
				m->oom = 1;
				return;
			}
			m->cand[m->ncand++] = r;
			/* evaluation reads them after the scan: from memory by then */
			ruleset_rule_prefetch(rs, r);
			__builtin_prefetch(&rs->rule_root[r]);
		}
	}
	if (no->count >= MAX_OCC_PER_ATOM)
		return;
	if (mem_grow(&m->occ, &m->capocc, m->nocc + 1, sizeof(*m->occ)) < 0) {
		m->oom = 1;
		return;
	}
	o = &m->occ[m->nocc];
	o->next = no->head;
	o->first = m->tbase[f] + first;
	o->last = m->tbase[f] + last;
	o->bstart = m->coff[f] + m->tl[f].v[first].start;
	o->bend = m->coff[f] + m->tl[f].v[last].end;
	o->field = (uint8_t)f;
	no->head = (uint32_t)m->nocc++;
	no->count++;
}

static void
trie_walk(struct matcher *m, int f, uint32_t node, uint32_t first, uint32_t pos)
{
	const struct ruleset *rs = m->rs;
	struct tkeys next;

	if (rs->node_flags[node] & NODE_TERMINAL)
		occ_add(m, node, f, first, pos);
	if (!(rs->node_flags[node] & NODE_HAS_KIDS) || pos + 1 >= m->tl[f].n ||
	    pos - first >= MAX_PHRASE_WALK)
		return;
	next = keys_get(m, f, pos + 1);
	for (uint32_t k = next.off; k < next.off + next.n; k++) {
		uint32_t child = ruleset_child(rs, node, m->keys[f][k]);

		if (child != 0)
			trie_walk(m, f, child, first, pos + 1);
	}
}

/*
 * Walk the trie from every token of field f. A large field is tokenized a
 * chunk at a time (its tokens would take four times its size): the walks
 * start from the chunk's own tokens and may run on into the next
 * MAX_PHRASE_WALK, which are tokenized with it; the next chunk starts
 * where this one's own tokens end, so each token starts walks once.
 */
static int
field_scan(struct matcher *m, int f)
{
	const struct document *doc = m->doc;
	struct toklist *tl = &m->tl[f];
	const char *s = doc->field[f];
	size_t len = doc->field_len[f], off = 0;

	m->tbase[f] = 0;
	if (s == NULL || len == 0)
		return 0;
	while (off < len && !m->oom) {
		size_t cend = token_chunk_end(s, len, off, MATCH_CHUNK), tend = cend,
		       ahead = MATCH_AHEAD;
		uint32_t nown, nstarts;

		/* the chunk and, after it, room for the longest walk */
		for (;;) {
			toklist_clear(tl);
			tend = token_chunk_end(s, len, cend, ahead);
			if (token_split(s + off, tend - off, tl) < 0)
				return -1;
			for (nown = tl->n; nown > 0 && tl->v[nown - 1].start >= cend - off; nown--)
				;
			if (tend >= len || tl->n - nown > MAX_PHRASE_WALK)
				break;
			ahead *= 2;
		}
		/* the body's own tokens, in order: the SimHash a second pass would make */
		if (m->fp != NULL && f == F_BODY)
			for (uint32_t i = 0; i < nown; i++)
				simhash_acc_token(m->fp, token_text(tl, &tl->v[i]),
				                  tl->v[i].normlen);
		/* every field's own tokens, in order: the index text a second pass would make */
		if (m->ix != NULL)
			for (uint32_t i = 0; i < nown; i++)
				presearch_text_token(m->ix, tl, &tl->v[i]);
		m->coff[f] = (uint32_t)off;
		m->nkeys[f] = 0;
		m->tkset[f] = 0;
		if (tl->n > 0 &&
		    (mem_grow(&m->tk[f], &m->tkcap[f], tl->n, sizeof(*m->tk[f])) < 0 ||
		     mem_grow(&m->starts, &m->capstarts, tl->n, sizeof(*m->starts)) < 0))
			return -1;
		/* the starts, their pair tests asked of memory together (pair_collect) */
		nstarts = 0;
		m->nph = 0;
		m->memo_i = 0;
		for (uint32_t i = 0; i < nown; i++) {
			struct start *st = &m->starts[nstarts];

			if (!root_maybe(m, tl, &tl->v[i]))
				continue;
			st->i = i;
			st->off = (uint32_t)m->nph;
			st->n = PAIR_ANY;
			if (m->rs->pair_filter != NULL && pair_collect(m, tl, i, &st->n) < 0)
				return -1;
			nstarts++;
		}
		for (uint32_t si = 0; si < nstarts && !m->oom; si++) {
			uint32_t i = m->starts[si].i;
			struct tkeys tk;

			if (!pair_pass(m, &m->starts[si]))
				continue;
			/*
			 * A walk steps forward a token at a time from its start,
			 * and the starts come in order: no walk asks for the keys
			 * of a token before this one any more, and keys_get() need
			 * not mark those it never computed (a memset of the chunk's
			 * tokens up to the last start, in every document).
			 */
			if (i > m->tkset[f])
				m->tkset[f] = i;
			tk = keys_get(m, f, i);
			for (uint32_t k = tk.off; k < tk.off + tk.n; k++) {
				uint32_t node = ruleset_child(m->rs, 0, m->keys[f][k]);

				if (node != 0)
					trie_walk(m, f, node, i, i);
			}
		}
		m->tbase[f] += nown;
		off = cend;
	}
	/* the tokens are not needed after the scan: a large field's go now */
	if (tl->cap > MATCH_KEEP_TOKENS) {
		toklist_free(tl);
		toklist_init(tl);
		free(m->tk[f]);
		m->tk[f] = NULL;
		m->tkcap[f] = 0;
	}
	return m->oom ? -1 : 0;
}

/* ---- step 3: evaluation ---- */

static inline int
in_mask(unsigned mask, int f)
{
	return (mask >> f) & 1;
}

static int
place_push(struct matcher *m, struct placev *pv, uint32_t leaf, int f, int bytes, uint32_t first,
           uint32_t last, uint32_t bstart, uint32_t bend)
{
	if (mem_grow(&pv->v, &pv->cap, pv->n + 1, sizeof(*pv->v)) < 0) {
		m->oom = 1;
		return -1;
	}
	pv->v[pv->n].field = (uint8_t)f;
	pv->v[pv->n].bytes = (uint8_t)bytes;
	pv->v[pv->n].first = first;
	pv->v[pv->n].last = last;
	pv->v[pv->n].bstart = bstart;
	pv->v[pv->n].bend = bend;
	pv->v[pv->n].leaf = leaf;
	pv->n++;
	return 0;
}

/* The occurrences of a trie node in this document (NONE-terminated list). */
static uint32_t
occ_head(const struct matcher *m, uint32_t node)
{
	return m->nodes[node].gen == m->gen ? m->nodes[node].head : NONE;
}

static int
is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A byte that may continue a word: an ASCII letter or digit, or part of a non-ASCII character. */
static int
is_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/*
 * {Exact}: the original text of the occurrence, t[0..te), equals the written
 * text x. What the words' tokens leave out at the end of x (the ++ of C++,
 * the 's of Assad's, the ! of Yahoo!) is compared with the text after the
 * occurrence, up to fe, and must not run into a word there (C++11). Returns
 * the end of the text matched, or NULL.
 */
static const char *
exact_from(const char *t, const char *te, const char *fe, const char *x)
{
	while (*x != '\0' && t < te) {
		if (*x == ' ') {
			if (!is_space_byte((unsigned char)*t))
				return NULL;
			while (t < te && is_space_byte((unsigned char)*t))
				t++;
			x++;
			continue;
		}
		if (*x++ != *t++)
			return NULL;
	}
	if (t != te)
		return NULL;
	if (*x == '\0')
		return t;
	while (*x != '\0' && t < fe && *x == *t)
		x++, t++;
	return *x == '\0' && (t == fe || !is_word_byte((unsigned char)*t)) ? t : NULL;
}

/*
 * {Exact}: the original text of an occurrence at bytes [bs, be) of field
 * equals the written text. An elided article is no token ({N'Diaye} finds
 * the token diaye), so the text may also begin that many bytes before the
 * occurrence. Sets [*ms, *me) to the text matched (what a hit quotes).
 */
static int
exact_at(const struct matcher *m, const struct cnode *cn, int field, uint32_t bs, uint32_t be,
         uint32_t *ms, uint32_t *me)
{
	const char *f = m->doc->field[field];
	const char *fe = f + m->doc->field_len[field];
	const char *t = f + bs;
	const char *te = f + be;
	const char *x = m->rs->str + cn->b;
	const char *end;
	size_t xl = strlen(x);

	if ((end = exact_from(t, te, fe, x)) == NULL) {
		if ((size_t)(te - f) < xl || (size_t)(te - t) >= xl)
			return 0;
		t = te - xl;
		/* the text must start a word: no letter or digit of the same word before it */
		if (t > f && is_word_byte((unsigned char)t[-1]))
			return 0;
		if ((end = exact_from(t, te, fe, x)) == NULL)
			return 0;
	}
	*ms = (uint32_t)(t - f);
	*me = (uint32_t)(end - f);
	return 1;
}

static int
exact_ok(const struct matcher *m, const struct cnode *cn, const struct occ *o)
{
	uint32_t ms, me;

	return exact_at(m, cn, o->field, o->bstart, o->bend, &ms, &me);
}

/*
 * "a b c"~n: for each occurrence of the first term, take the earliest
 * occurrence of each next term after the previous one (that minimizes the
 * total gap), and keep the sequences whose gaps add up to at most n.
 */
static int
slop_find(struct matcher *m, const struct cnode *cn, struct placev *out)
{
	const uint32_t *terms = m->rs->kids + cn->a;
	int found = 0;

	for (uint32_t o = occ_head(m, terms[0]); o != NONE; o = m->occ[o].next) {
		const struct occ *o0 = &m->occ[o];
		uint32_t pos = o0->last, gaps = 0, bend = o0->bend;
		uint32_t k;

		if (!in_mask(cn->fields, o0->field))
			continue;
		for (k = 1; k < cn->b; k++) {
			uint32_t best = NONE, bestlast = 0, bestend = 0;

			for (uint32_t p = occ_head(m, terms[k]); p != NONE; p = m->occ[p].next) {
				const struct occ *op = &m->occ[p];

				if (op->field == o0->field && op->first > pos &&
				    (best == NONE || op->first < best)) {
					best = op->first;
					bestlast = op->last;
					bestend = op->bend;
				}
			}
			if (best == NONE)
				break;
			gaps += best - pos - 1;
			pos = bestlast;
			bend = bestend;
			if (gaps > (uint32_t)cn->n)
				break;
		}
		if (k < cn->b || gaps > (uint32_t)cn->n)
			continue;
		found = 1;
		if (out == NULL)
			return 1;
		if (place_push(m, out, (uint32_t)(cn - m->rs->cn), o0->field, 0, o0->first, pos,
		               o0->bstart, bend) < 0)
			return found;
	}
	return found;
}

/* Every place where a NEAR operand occurs. */
static void
gather(struct matcher *m, uint32_t ci, struct placev *pv)
{
	const struct ruleset *rs = m->rs;
	const struct cnode *cn = &rs->cn[ci];

	switch (cn->type) {
	case C_ATOM:
	case C_EXACT:
		for (uint32_t o = occ_head(m, cn->a); o != NONE; o = m->occ[o].next) {
			const struct occ *oc = &m->occ[o];

			if (!in_mask(cn->fields, oc->field))
				continue;
			if (cn->type == C_EXACT && !exact_ok(m, cn, oc))
				continue;
			if (place_push(m, pv, ci, oc->field, 0, oc->first, oc->last, oc->bstart,
			               oc->bend) < 0)
				return;
		}
		break;
	case C_SLOP:
		slop_find(m, cn, pv);
		break;
	case C_OR:
		for (uint32_t k = 0; k < cn->b; k++)
			gather(m, rs->kids[cn->a + k], pv);
		break;
	default:
		break;
	}
}

static int
near_pair(const struct cnode *cn, const struct place *a, const struct place *b)
{
	if (a->field != b->field)
		return 0;
	if (a->last < b->first)
		return b->first - a->last - 1 <= (uint32_t)cn->n;
	if (!cn->ordered && b->last < a->first)
		return a->first - b->last - 1 <= (uint32_t)cn->n;
	return 0;
}

static int span_add(struct matcher *m, const struct cnode *cn, const struct place *p);

/* NEAR/ONEAR; with collect, every occurrence taking part becomes a span. */
static int
near_eval(struct matcher *m, const struct cnode *cn, int collect)
{
	int found = 0;

	m->pa.n = m->pb.n = 0;
	gather(m, cn->a, &m->pa);
	if (m->pa.n == 0)
		return 0;
	gather(m, cn->b, &m->pb);
	for (size_t i = 0; i < m->pa.n; i++)
		for (size_t j = 0; j < m->pb.n; j++) {
			if (!near_pair(cn, &m->pa.v[i], &m->pb.v[j]))
				continue;
			found = 1;
			if (!collect)
				return 1;
			span_add(m, &m->rs->cn[m->pa.v[i].leaf], &m->pa.v[i]);
			span_add(m, &m->rs->cn[m->pb.v[j].leaf], &m->pb.v[j]);
		}
	return found;
}

/*
 * Run regex leaf cn on each of its fields; collect adds up to RE_MAX_MATCHES
 * spans each.
 *
 * A pattern that backtracks without end (/(a+)+b/ on a run of a's) stops at
 * PCRE2's match, depth or heap limit, and pcre2_match() then says nothing
 * of the rest of the field. Rather than miss a real match further on, the
 * search goes on from where it was, one line at a time, until the line that
 * hits the limit is passed; then on over the rest as usual. A match across
 * a line that hit the limit is not found, nor, within that stretch, one
 * that spans lines. At most RE_MAX_LIMIT_HITS limits are hit per field,
 * which bounds the time. Every limit hit marks the regex (m->re_limited):
 * its rule's answer on this document may be wrong, and the shell says so.
 */
static int
regex_run(struct matcher *m, const struct cnode *cn, int collect)
{
	const pcre2_code *re = m->rs->regex[cn->a];
	int found = 0;

	for (int f = 0; f < F_MAX; f++) {
		const char *s = m->doc->field[f];
		size_t len = m->doc->field_len[f], off = 0;
		int n = 0, lined = 0, limits = 0;

		if (!in_mask(cn->fields, f) || s == NULL)
			continue;
		while (n < RE_MAX_MATCHES && off <= len) {
			size_t end = len;
			uint32_t opts = 0;
			PCRE2_SIZE *ov;
			struct place p;
			int rc;

			if (lined) {
				const char *nl =
				    off < len ? memchr(s + off, '\n', len - off) : NULL;

				end = nl != NULL ? (size_t)(nl - s) + 1 : len;
				if (end < len)
					opts = PCRE2_NOTEOL; /* the line's end is not the field's */
			}
			rc = pcre2_match(re, (PCRE2_SPTR)s, end, off, opts, m->md, m->mctx);
			if (rc == PCRE2_ERROR_NOMATCH) {
				if (!lined || end >= len)
					break;
				off = end; /* nothing in this line: the next */
				continue;
			}
			if (rc < 0) {
				/* a limit (or a bad offset, which cannot happen): no answer */
				m->re_limited = 1;
				if (++limits > RE_MAX_LIMIT_HITS)
					break;
				if (!lined) {
					lined = 1; /* again from off, a line at a time */
					continue;
				}
				if (end >= len)
					break;
				off = end; /* past the line that hit it, then as usual */
				lined = 0;
				continue;
			}
			found = 1;
			if (!collect)
				return 1;
			n++;
			ov = pcre2_get_ovector_pointer(m->md);
			p.field = (uint8_t)f;
			p.bytes = 1;
			p.first = (uint32_t)ov[0];
			p.last = (uint32_t)ov[1];
			p.bstart = p.first;
			p.bend = p.last;
			p.leaf = (uint32_t)(cn - m->rs->cn);
			if (ov[1] > ov[0])
				span_add(m, cn, &p);
			off = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
			while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
				off++;
		}
	}
	return found;
}

static int
eval(struct matcher *m, uint32_t ci)
{
	const struct ruleset *rs = m->rs;
	const struct cnode *cn = &rs->cn[ci];

	switch (cn->type) {
	case C_ATOM:
	case C_EXACT:
		for (uint32_t o = occ_head(m, cn->a); o != NONE; o = m->occ[o].next)
			if (in_mask(cn->fields, m->occ[o].field) &&
			    (cn->type == C_ATOM || exact_ok(m, cn, &m->occ[o])))
				return 1;
		return 0;
	case C_SLOP:
		return slop_find(m, cn, NULL);
	case C_REGEX:
		if (m->re_gen[cn->a] != m->gen) {
			int limited = m->re_limited, v;

			m->re_limited = 0;
			v = regex_run(m, cn, 0);
			m->re_gen[cn->a] = m->gen;
			m->re_val[cn->a] = (uint8_t)(v | (m->re_limited ? RE_LIMITED : 0));
			m->re_limited |= limited;
		}
		if (m->re_val[cn->a] & RE_LIMITED)
			m->re_limited = 1;
		return m->re_val[cn->a] & 1;
	case C_LANG:
		return strcmp(doc_lang(m->doc), rs->str + cn->b) == 0;
	case C_AND: {
		/* regexes last: the cheap children often decide alone */
		for (int pass = 0; pass < 2; pass++)
			for (uint32_t k = 0; k < cn->b; k++) {
				uint32_t kid = rs->kids[cn->a + k];

				if ((rs->cn[kid].type == C_REGEX) != pass)
					continue;
				if (!eval(m, kid))
					return 0;
			}
		return 1;
	}
	case C_OR:
		for (int pass = 0; pass < 2; pass++)
			for (uint32_t k = 0; k < cn->b; k++) {
				uint32_t kid = rs->kids[cn->a + k];

				if ((rs->cn[kid].type == C_REGEX) != pass)
					continue;
				if (eval(m, kid))
					return 1;
			}
		return 0;
	case C_NOT:
		return !eval(m, cn->a);
	case C_NEAR:
		return near_eval(m, cn, 0);
	}
	return 0;
}

/* ---- spans of a hit ---- */

static int
span_add(struct matcher *m, const struct cnode *cn, const struct place *p)
{
	struct match_span *sp;

	if (m->nspans >= MATCH_MAX_SPANS)
		return 0;
	if (mem_grow(&m->spans, &m->capspans, m->nspans + 1, sizeof(*m->spans)) < 0) {
		m->oom = 1;
		return -1;
	}
	sp = &m->spans[m->nspans++];
	sp->atom = m->rs->str + cn->atom;
	sp->field = p->field;
	if (p->bytes) {
		sp->start = p->first;
		sp->end = p->last;
	} else {
		sp->start = p->bstart;
		sp->end = p->bend;
		/* {N'Diaye} begins with the elided article that no token holds, {C++} ends after
		 * its token */
		if (cn->type == C_EXACT)
			(void)exact_at(m, cn, p->field, p->bstart, p->bend, &sp->start, &sp->end);
	}
	return 0;
}

/* Add the spans of every positive leaf that made node ci true. */
static void
collect(struct matcher *m, uint32_t ci)
{
	const struct ruleset *rs = m->rs;
	const struct cnode *cn = &rs->cn[ci];
	struct placev *pv = &m->pa;

	switch (cn->type) {
	case C_ATOM:
	case C_EXACT:
	case C_SLOP:
		pv->n = 0;
		gather(m, ci, pv);
		for (size_t i = 0; i < pv->n; i++)
			span_add(m, cn, &pv->v[i]);
		break;
	case C_REGEX:
		regex_run(m, cn, 1);
		break;
	case C_AND:
	case C_OR:
		for (uint32_t k = 0; k < cn->b; k++) {
			uint32_t kid = rs->kids[cn->a + k];

			if (cn->type == C_AND || eval(m, kid))
				collect(m, kid);
		}
		break;
	case C_NEAR:
		near_eval(m, cn, 1);
		break;
	default: /* C_NOT, C_LANG: nothing to show */
		break;
	}
}

static int
span_cmp(const void *a, const void *b)
{
	const struct match_span *x = a, *y = b;

	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1; /* longer first */
	return strcmp(x->atom, y->atom);
}

static void
spans_tidy(struct matcher *m)
{
	size_t n = 0;

	if (m->nspans > 1)
		qsort(m->spans, m->nspans, sizeof(*m->spans), span_cmp);
	for (size_t i = 0; i < m->nspans; i++) {
		if (n > 0 && m->spans[n - 1].field == m->spans[i].field &&
		    m->spans[n - 1].start == m->spans[i].start &&
		    m->spans[n - 1].end == m->spans[i].end)
			continue;
		m->spans[n++] = m->spans[i];
	}
	m->nspans = n;
}

/* The language is identified only for a rule that names languages. */
static int
rule_lang_ok(const struct rule *r, struct document *doc)
{
	const char *lang;

	if (r->nlangs == 0)
		return 1;
	lang = doc_lang(doc);
	for (size_t i = 0; i < r->nlangs; i++)
		if (strcmp(r->langs[i], lang) == 0)
			return 1;
	return 0;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
matcher_run(struct matcher *m, struct document *doc, hit_fn fn, void *arg)
{
	const struct ruleset *rs = m->rs;
	int hits = 0;

	if (!rs->finished)
		return -1;
	m->doc = doc;
	m->oom = 0;
	m->nocc = 0;
	m->ncand = 0;
	m->nlimited = 0;
	if (++m->gen == 0) {
		/* the stamps wrapped: forget them all once */
		memset(m->nodes, 0, rs->nnodes * sizeof(*m->nodes));
		memset(m->rule_gen, 0, rs->nrules * 4);
		memset(m->re_gen, 0, rs->nregex * 4);
		m->gen = 1;
	}
	if (m->fp != NULL)
		simhash_acc_reset(m->fp);
	if (m->ix != NULL)
		presearch_text_reset(m->ix, doc);
	for (int f = 0; f < F_MAX; f++) {
		toklist_clear(&m->tl[f]);
		m->nkeys[f] = 0;
		if (in_mask(rs->fields_used | FM_DEFAULT, f)) {
			if (field_scan(m, f) < 0)
				return -1;
		} else if (m->ix != NULL) {
			/* a field no rule reads: tokenized for the index text alone */
			presearch_text_field(m->ix, doc->field[f], doc->field_len[f]);
		}
	}
	/* FM_DEFAULT: the body was scanned, every token of it */
	if (m->fp != NULL && (doc->pending & DOC_SIMHASH) && !m->oom) {
		doc->simhash = simhash_acc_result(m->fp);
		doc->pending &= (unsigned char)~DOC_SIMHASH;
	}
	for (size_t i = 0; i < rs->nalways; i++) {
		uint32_t r = rs->always[i];

		if (m->rule_gen[r] == m->gen)
			continue;
		m->rule_gen[r] = m->gen;
		if (mem_grow(&m->cand, &m->capcand, m->ncand + 1, 4) < 0)
			return -1;
		m->cand[m->ncand++] = r;
	}
	if (m->ncand > 1)
		qsort(m->cand, m->ncand, sizeof(*m->cand), u32_cmp);
	/*
	 * Ask memory for the query root each evaluation starts at and the id
	 * each hit line prints, all the candidates' at once: with 100,000
	 * rules they are rarely in the caches, and asked for together their
	 * waits overlap (a loaded set makes the records here).
	 */
	for (size_t i = 0; i < m->ncand; i++) {
		const struct rule *r = ruleset_rule(rs, m->cand[i]);

		__builtin_prefetch(&rs->cn[rs->rule_root[m->cand[i]]]);
		__builtin_prefetch(r->id);
	}
	for (size_t i = 0; i < m->ncand; i++) {
		const struct rule *r = ruleset_rule(rs, m->cand[i]);
		struct hit h;
		int yes;

		if (!rule_lang_ok(r, doc))
			continue;
		m->re_limited = 0;
		yes = eval(m, rs->rule_root[m->cand[i]]);
		if (yes) {
			m->nspans = 0;
			collect(m, rs->rule_root[m->cand[i]]);
		}
		if (m->re_limited) {
			if (mem_grow(&m->limited, &m->caplimited, m->nlimited + 1, 4) < 0)
				return -1;
			m->limited[m->nlimited++] = m->cand[i];
		}
		if (!yes)
			continue;
		if (m->oom)
			return -1;
		spans_tidy(m);
		h.rule = r;
		h.spans = m->spans;
		h.nspans = m->nspans;
		hits++;
		if (fn != NULL) {
			if (m->hit_lang)
				doc_lang(doc); /* a hit names the article's language */
			if (fn(&h, arg) != 0)
				break;
		}
	}
	return m->oom ? -1 : hits;
}

int
matcher_set_index_text(struct matcher *m, int on)
{
	if (on && m->ix == NULL && (m->ix = presearch_text_new()) == NULL)
		return -1;
	if (!on) {
		presearch_text_free(m->ix);
		m->ix = NULL;
	}
	return 0;
}

char *
matcher_take_index_text(struct matcher *m)
{
	return m->ix != NULL ? presearch_text_take(m->ix) : NULL;
}

int
matcher_set_fingerprint(struct matcher *m, int on)
{
	if (on && m->fp == NULL && (m->fp = simhash_acc_new()) == NULL)
		return -1;
	if (!on) {
		simhash_acc_free(m->fp);
		m->fp = NULL;
	}
	return 0;
}

void
matcher_set_hit_lang(struct matcher *m, int on)
{
	m->hit_lang = on;
}

size_t
matcher_limited(const struct matcher *m, size_t i, const struct rule **rule)
{
	if (i < m->nlimited)
		*rule = ruleset_rule(m->rs, m->limited[i]);
	return m->nlimited;
}
