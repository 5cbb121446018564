/*
 * presearch.c: the FTS5 side of the matcher (presearch.h).
 *
 * The index text of an article is the set of texts the matcher looks its
 * tokens up by: the normalized text of every token of every field and, for
 * Arabic tokens, every proclitic reading (token_readings()). Elision,
 * obfuscation joining, folding and mark stripping need nothing more: they
 * happen in token_split(), which rules and articles share.
 *
 * A query is, for each rule, a condition over the texts of its compiled
 * keys that every article it hits satisfies; the whole is their OR. Keys
 * are rebuilt from the trie (a node's path from the root is its atom's
 * keys): an exact key is a term, a prefix key a prefix term, a fuzzy key
 * no condition at all.
 *
 * The store's FTS5 table uses the ascii tokenizer (token characters: ASCII
 * letters and digits, and every non-ASCII byte), without positions
 * (detail=none: terms and prefixes are all a query asks). Keys may hold
 * ASCII punctuation, so each is written in a code that tokenizer keeps as
 * one token (key_encode()). The code is byte by byte, so the code of a
 * prefix is a prefix of the code of the text and FTS5 prefix queries find
 * what the matcher's prefix keys find.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "presearch.h"
#include "ruleset_int.h"
#include "token.h"

/*
 * Past this nesting a rule's condition is made flat (an OR of terms): FTS5
 * refuses expressions deeper than 256, and rules may nest 256 deep.
 */
#define MAX_DEPTH 12
/*
 * A query longer than this is rebuilt flat (an OR of one or a few keys of
 * each rule): looser, but shorter and fast for FTS5 to run.
 */
#define MAX_QUERY (2u << 20)
/* A term no index text holds ("x" is followed by "x" or a hex digit). */
#define NOTHING "\"xq\""
/*
 * The key of an article too long to index key by key: every query matches
 * it. No key codes to it ("x" is followed by "x" or a hex digit).
 */
#define ALWAYS "xz"

#define R_ALL 1  /* no condition: every article */
#define R_SOME 0 /* a condition was written */

struct sbuf {
	char *s; /* owned, NUL-terminated when n > 0 */
	size_t n, cap;
	int oom;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom || mem_grow(&b->s, &b->cap, b->n + n + 1, 1) < 0) {
		b->oom = 1;
		return;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/*
 * Write s[0..n) so that FTS5's ascii tokenizer keeps it as one token: ASCII
 * letters but x and digits stay, x is "xx", bytes of non-ASCII characters
 * stay (that tokenizer takes them all as token characters), any other byte
 * is "x" and two hex digits. The code is one-to-one and byte by byte (a
 * prefix codes to a prefix). Keeping UTF-8 as it is keeps an Arabic or
 * Cyrillic key as short as the word: the index text of a long article is
 * what the store feeds FTS5 on the loop thread. key_encode_to() writes at o,
 * which has room for 3 * n bytes, and returns the end.
 */
static char *
key_encode_to(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) && c != 'x') || c >= 0x80) {
			*o++ = (char)c;
		} else if (c == 'x') {
			*o++ = 'x';
			*o++ = 'x';
		} else {
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	return o;
}

static void
key_encode(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom || mem_grow(&b->s, &b->cap, b->n + 3 * n + 1, 1) < 0) {
		b->oom = 1;
		return;
	}
	b->n = (size_t)(key_encode_to(b->s + b->n, s, n) - b->s);
	b->s[b->n] = '\0';
}

/* ---- the index text ---- */

#ifndef PRESEARCH_CHUNK
#define PRESEARCH_CHUNK (1u << 20) /* bytes of a field tokenized at a time */
#endif

/*
 * The codes already in out, as a set of (offset, length) into out itself:
 * a key is coded at the end of out, looked up there and taken back when it
 * was in already, so no key is copied twice. Open addressing in 2^k slots
 * kept under half full, first sized from the fields' bytes (a key takes at
 * least two of them, most texts a word in eight), so that an article
 * seldom grows it.
 */
struct kslot {
	uint32_t off1; /* the key's offset in out, plus 1; 0: an empty slot */
	uint32_t len;
	uint32_t tag; /* the high half of its hash */
};

struct presearch_text {
	struct sbuf out;
	struct kslot *slot; /* owned */
	size_t mask, n;
	struct toklist tl; /* presearch_text_field()'s tokens */
	char *scratch;     /* owned: the readings of an Arabic token */
	size_t capscratch;
};

static int
itext_slots(struct presearch_text *it, size_t nslots)
{
	struct kslot *ns = calloc(nslots, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (size_t i = 0; it->slot != NULL && i <= it->mask; i++) {
		const struct kslot *k = &it->slot[i];
		size_t j;

		if (k->off1 == 0)
			continue;
		j = (size_t)hash_bytes(it->out.s + k->off1 - 1, k->len) & (nslots - 1);
		while (ns[j].off1 != 0)
			j = (j + 1) & (nslots - 1);
		ns[j] = *k;
	}
	free(it->slot);
	it->slot = ns;
	it->mask = nslots - 1;
	return 0;
}

static void
index_key(struct presearch_text *it, const char *s, size_t n)
{
	size_t start = it->out.n, koff, klen, i;
	uint64_t h;
	uint32_t tag;

	/* one growth for the space and the code at most 3 bytes a byte */
	if (it->out.oom || mem_grow(&it->out.s, &it->out.cap, start + 3 * n + 2, 1) < 0) {
		it->out.oom = 1;
		return;
	}
	if (start > 0)
		it->out.s[it->out.n++] = ' ';
	koff = it->out.n;
	it->out.n = (size_t)(key_encode_to(it->out.s + koff, s, n) - it->out.s);
	it->out.s[it->out.n] = '\0';
	klen = it->out.n - koff;
	h = hash_bytes(it->out.s + koff, klen);
	tag = (uint32_t)(h >> 32);
	for (i = (size_t)h & it->mask; it->slot[i].off1 != 0; i = (i + 1) & it->mask) {
		const struct kslot *k = &it->slot[i];

		if (k->tag == tag && k->len == klen &&
		    memcmp(it->out.s + k->off1 - 1, it->out.s + koff, klen) == 0) {
			/* in already: the code and its space are taken back */
			it->out.n = start;
			it->out.s[start] = '\0';
			return;
		}
	}
	it->slot[i].off1 = (uint32_t)koff + 1;
	it->slot[i].len = (uint32_t)klen;
	it->slot[i].tag = tag;
	if (2 * ++it->n > it->mask && itext_slots(it, 2 * (it->mask + 1)) < 0)
		it->out.oom = 1;
}

struct presearch_text *
presearch_text_new(void)
{
	struct presearch_text *it = calloc(1, sizeof(*it));

	if (it != NULL)
		toklist_init(&it->tl);
	return it;
}

void
presearch_text_free(struct presearch_text *it)
{
	if (it == NULL)
		return;
	free(it->out.s);
	free(it->slot);
	free(it->scratch);
	toklist_free(&it->tl);
	free(it);
}

/* Past PRESEARCH_INDEX_MAX the text is ALWAYS whatever follows: out only grows. */
static int
itext_full(const struct presearch_text *it)
{
	return it->out.oom || it->out.n > PRESEARCH_INDEX_MAX;
}

void
presearch_text_reset(struct presearch_text *it, const struct document *doc)
{
	size_t bytes = 0, nslots = 64;

	free(it->out.s);
	memset(&it->out, 0, sizeof(it->out));
	free(it->slot);
	it->slot = NULL;
	it->mask = it->n = 0;
	for (int f = 0; f < F_MAX; f++)
		bytes += doc->field[f] != NULL ? doc->field_len[f] : 0;
	/* a slot for every 4 bytes: twice the distinct words of most texts (it grows) */
	while (nslots < bytes / 4 && nslots < PRESEARCH_INDEX_MAX / 4)
		nslots *= 2;
	if (itext_slots(it, nslots) < 0)
		it->out.oom = 1;
}

void
presearch_text_token(struct presearch_text *it, const struct toklist *tl, const struct token *t)
{
	const char *s = token_text(tl, t);
	struct reading rd[TOKEN_MAX_READINGS];
	int nr;

	if (itext_full(it))
		return;
	index_key(it, s, t->normlen);
	if (t->script != SCRIPT_ARABIC)
		return;
	if (mem_grow(&it->scratch, &it->capscratch, 2 * (size_t)t->normlen + 8, 1) < 0) {
		it->out.oom = 1;
		return;
	}
	nr = token_readings(s, t->normlen, it->scratch, rd);
	for (int r = 0; r < nr; r++)
		index_key(it, rd[r].s, rd[r].len);
}

/* a chunk at a time: a large field's tokens would take four times its size */
void
presearch_text_field(struct presearch_text *it, const char *field, size_t len)
{
	for (size_t off = 0, end; field != NULL && off < len && !itext_full(it); off = end) {
		end = token_chunk_end(field, len, off, PRESEARCH_CHUNK);
		toklist_clear(&it->tl);
		if (token_split(field + off, end - off, &it->tl) < 0) {
			it->out.oom = 1;
			return;
		}
		for (size_t i = 0; i < it->tl.n && !itext_full(it); i++)
			presearch_text_token(it, &it->tl, &it->tl.v[i]);
	}
}

char *
presearch_text_take(struct presearch_text *it)
{
	char *s = it->out.s;

	free(it->slot);
	it->slot = NULL;
	it->mask = it->n = 0;
	if (it->out.oom) {
		free(s);
		s = NULL;
	} else if (it->out.n > PRESEARCH_INDEX_MAX) {
		free(s);
		s = strdup(ALWAYS);
	} else if (s == NULL) {
		s = strdup("");
	}
	memset(&it->out, 0, sizeof(it->out));
	return s;
}

/* every field: a rule may name any of them (url:, source:) */
char *
presearch_index_text(const struct document *doc)
{
	struct presearch_text *it = presearch_text_new();
	char *s;

	if (it == NULL)
		return NULL;
	presearch_text_reset(it, doc);
	for (int f = 0; f < F_MAX; f++)
		presearch_text_field(it, doc->field[f], doc->field_len[f]);
	s = presearch_text_take(it);
	presearch_text_free(it);
	return s;
}

/* ---- the query ---- */

struct keyv {
	uint32_t *v; /* KEY_MAKE() values */
	size_t n, cap;
};

struct qctx {
	const struct ruleset *rs;
	uint32_t *parent; /* per trie node: the node before it on its path */
	uint32_t *inkey;  /* per trie node: the key from its parent */
	int oom;
};

static void
keyv_push(struct qctx *q, struct keyv *kv, uint32_t key)
{
	if (mem_grow(&kv->v, &kv->cap, kv->n + 1, sizeof(*kv->v)) < 0) {
		q->oom = 1;
		return;
	}
	kv->v[kv->n++] = key;
}

/* Write the FTS5 term of an exact or prefix key. */
static void
term_write(const struct qctx *q, uint32_t key, struct sbuf *out)
{
	size_t n;
	const char *s = dict_key(q->rs->keys[KEY_KIND(key)], KEY_ID(key), &n);

	sb_add(out, "\"", 1);
	key_encode(out, s, n);
	sb_str(out, KEY_KIND(key) == K_PREFIX ? "\"*" : "\"");
}

/*
 * The keys on the path of a trie node but fuzzy ones, which no term
 * restricts. A node is reached only through tokens holding each of them.
 */
static void
path_keys(struct qctx *q, uint32_t node, struct keyv *kv)
{
	for (; node != 0; node = q->parent[node])
		if (KEY_KIND(q->inkey[node]) != K_FUZZY)
			keyv_push(q, kv, q->inkey[node]);
}

/* Of the keys of a node's path, the one likely rarest: the longest text, exact first. */
static int
path_best(struct qctx *q, uint32_t node, uint32_t *best)
{
	size_t bestlen = 0, n;
	int found = 0;

	for (; node != 0; node = q->parent[node]) {
		uint32_t key = q->inkey[node];
		size_t score;

		if (KEY_KIND(key) == K_FUZZY)
			continue;
		(void)dict_key(q->rs->keys[KEY_KIND(key)], KEY_ID(key), &n);
		score = 2 * n + (KEY_KIND(key) == K_EXACT);
		if (!found || score > bestlen) {
			*best = key;
			bestlen = score;
			found = 1;
		}
	}
	return found;
}

/*
 * The flat condition of cnode ci: keys of which an article the node is true
 * for holds one at least, appended to kv. Returns R_ALL (kv as it was) when
 * there is no such set, R_SOME.
 */
static int
cond_flat(struct qctx *q, uint32_t ci, struct keyv *kv)
{
	const struct ruleset *rs = q->rs;
	const struct cnode *cn = &rs->cn[ci];
	size_t n0 = kv->n;
	uint32_t key;

	switch (cn->type) {
	case C_ATOM:
	case C_EXACT:
		if (!path_best(q, cn->a, &key))
			return R_ALL;
		keyv_push(q, kv, key);
		return R_SOME;
	case C_SLOP:
		for (uint32_t k = 0; k < cn->b; k++)
			if (path_best(q, rs->kids[cn->a + k], &key)) {
				keyv_push(q, kv, key);
				return R_SOME;
			}
		return R_ALL;
	case C_OR:
		for (uint32_t k = 0; k < cn->b; k++)
			if (cond_flat(q, rs->kids[cn->a + k], kv) == R_ALL) {
				kv->n = n0;
				return R_ALL;
			}
		return cn->b > 0 ? R_SOME : R_ALL;
	case C_AND:
	case C_NEAR: {
		/* one child is enough: the one of fewest keys */
		uint32_t nk = cn->type == C_AND ? cn->b : 2;
		size_t best = 0;
		int found = 0;

		for (uint32_t k = 0; k < nk; k++) {
			uint32_t kid = cn->type == C_AND ? rs->kids[cn->a + k] : k ? cn->b : cn->a;
			size_t before = kv->n;

			if (cond_flat(q, kid, kv) == R_ALL)
				continue;
			if (!found || kv->n - before < best) {
				/* keep this child's keys alone */
				memmove(kv->v + n0, kv->v + before,
				        (kv->n - before) * sizeof(*kv->v));
				best = kv->n - before;
				kv->n = n0 + best;
				found = 1;
			} else {
				kv->n = before;
			}
		}
		return found ? R_SOME : R_ALL;
	}
	default: /* C_NOT, C_REGEX, C_LANG */
		return R_ALL;
	}
}

/* Write the keys of kv[from..) as "(a OR b)", or a alone. */
static void
terms_or(struct qctx *q, const struct keyv *kv, size_t from, struct sbuf *out)
{
	if (kv->n - from > 1)
		sb_add(out, "(", 1);
	for (size_t i = from; i < kv->n; i++) {
		if (i > from)
			sb_str(out, " OR ");
		term_write(q, kv->v[i], out);
	}
	if (kv->n - from > 1)
		sb_add(out, ")", 1);
}

/*
 * The condition of cnode ci, written to out as one term or a parenthesized
 * group. Returns R_ALL (nothing written) or R_SOME.
 */
static int
cond_write(struct qctx *q, uint32_t ci, int depth, struct sbuf *out)
{
	const struct ruleset *rs = q->rs;
	const struct cnode *cn = &rs->cn[ci];
	struct keyv kv = {0};
	struct sbuf kid = {0};
	size_t mark = out->n;
	int nsome = 0, r = R_SOME;

	if (depth >= MAX_DEPTH) {
		if (cond_flat(q, ci, &kv) == R_SOME)
			terms_or(q, &kv, 0, out);
		else
			r = R_ALL;
		free(kv.v);
		return r;
	}
	switch (cn->type) {
	case C_ATOM:
	case C_EXACT:
	case C_SLOP:
		/* every key of the path, or of each term: all of them occur */
		if (cn->type == C_SLOP)
			for (uint32_t k = 0; k < cn->b; k++)
				path_keys(q, rs->kids[cn->a + k], &kv);
		else
			path_keys(q, cn->a, &kv);
		if (kv.n == 0) {
			r = R_ALL;
			break;
		}
		if (kv.n > 1)
			sb_add(out, "(", 1);
		/* the path was read backwards */
		for (size_t i = kv.n; i-- > 0;) {
			if (i + 1 < kv.n)
				sb_str(out, " AND ");
			term_write(q, kv.v[i], out);
		}
		if (kv.n > 1)
			sb_add(out, ")", 1);
		break;
	case C_AND:
	case C_NEAR:
	case C_OR: {
		uint32_t nk = cn->type == C_NEAR ? 2 : cn->b;
		const char *op = cn->type == C_OR ? " OR " : " AND ";

		sb_add(out, "(", 1);
		for (uint32_t k = 0; k < nk; k++) {
			uint32_t c = cn->type == C_NEAR ? (k ? cn->b : cn->a) : rs->kids[cn->a + k];

			kid.n = 0;
			if (cond_write(q, c, depth + 1, &kid) == R_ALL) {
				if (cn->type == C_OR) {
					nsome = 0;
					break;
				}
				continue;
			}
			if (nsome++ > 0)
				sb_str(out, op);
			sb_add(out, kid.s, kid.n);
		}
		sb_add(out, ")", 1);
		if (out->oom) {
			q->oom = 1;
			r = R_ALL;
		} else if (nsome == 0) {
			r = R_ALL;
		} else if (nsome == 1) {
			/* one child: no parentheses around it */
			memmove(out->s + mark, out->s + mark + 1, out->n - mark - 2);
			out->n -= 2;
			out->s[out->n] = '\0';
		}
		break;
	}
	default: /* C_NOT, C_REGEX, C_LANG: true for articles holding nothing */
		r = R_ALL;
		break;
	}
	if (kid.oom)
		q->oom = 1;
	free(kv.v);
	free(kid.s);
	if (r == R_ALL)
		out->n = mark;
	return r;
}

struct disj {
	struct sbuf out;   /* "a OR (b AND c) OR ..." */
	struct dict *seen; /* the disjuncts written */
	struct sbuf tmp;
	int all;
};

/* Add the disjuncts of rule node ci: an OR's children each, or the node. */
static void
disj_add(struct qctx *q, struct disj *dj, uint32_t ci, int depth)
{
	const struct cnode *cn = &q->rs->cn[ci];
	int added = 0;

	if (cn->type == C_OR && depth < MAX_DEPTH) {
		for (uint32_t k = 0; k < cn->b && !dj->all; k++)
			disj_add(q, dj, q->rs->kids[cn->a + k], depth + 1);
		return;
	}
	dj->tmp.n = 0;
	if (cond_write(q, ci, depth, &dj->tmp) == R_ALL) {
		dj->all = 1;
		return;
	}
	if (dj->tmp.oom || dict_intern(dj->seen, dj->tmp.s, dj->tmp.n, &added) < 0) {
		q->oom = 1;
		return;
	}
	if (!added)
		return;
	if (dj->out.n > 0)
		sb_str(&dj->out, " OR ");
	sb_add(&dj->out, dj->tmp.s, dj->tmp.n);
}

static int
key_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The flat query: every rule's flat keys, sorted and once each. */
static char *
query_flat(struct qctx *q, int *all)
{
	struct keyv kv = {0};
	struct sbuf out = {0};
	size_t n = 0;

	for (size_t r = 0; r < q->rs->nrules && !q->oom; r++)
		if (cond_flat(q, q->rs->rule_root[r], &kv) == R_ALL) {
			*all = 1;
			break;
		}
	if (!*all && !q->oom) {
		qsort(kv.v, kv.n, sizeof(*kv.v), key_cmp);
		for (size_t i = 0; i < kv.n; i++)
			if (i == 0 || kv.v[i] != kv.v[i - 1])
				kv.v[n++] = kv.v[i];
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				sb_str(&out, " OR ");
			term_write(q, kv.v[i], &out);
		}
		if (n == 0)
			sb_str(&out, NOTHING);
	}
	free(kv.v);
	if (*all || q->oom || out.oom) {
		if (out.oom)
			q->oom = 1;
		free(out.s);
		return NULL;
	}
	return out.s;
}

/* Each trie node's parent and incoming key, which the trie keeps only forward. */
static int
parents_build(struct qctx *q)
{
	const struct ruleset *rs = q->rs;
	size_t nn = rs->nnodes ? rs->nnodes : 1;

	q->parent = calloc(nn, sizeof(*q->parent));
	q->inkey = calloc(nn, sizeof(*q->inkey));
	if (q->parent == NULL || q->inkey == NULL)
		return -1;
	for (int k = 0; k < K_NKINDS; k++)
		for (size_t id = 0; id < rs->rootcap[k]; id++) {
			uint32_t child = rs->rootc[k][id];

			if (child != 0 && child < nn) {
				q->parent[child] = 0;
				q->inkey[child] = KEY_MAKE(k, id);
			}
		}
	for (size_t i = 0; i <= rs->edgemask && rs->edges != NULL; i++) {
		const struct edge *e = &rs->edges[i];

		if (e->key == 0 || e->child >= nn)
			continue;
		q->parent[e->child] = (uint32_t)(e->key >> 32);
		q->inkey[e->child] = (uint32_t)e->key;
	}
	return 0;
}

char *
presearch_query(const struct ruleset *rs, int *all)
{
	struct qctx q = {rs, NULL, NULL, 0};
	struct disj dj = {{0}, dict_new(), {0}, 0};
	char *res = NULL;

	*all = 0;
	if (dj.seen == NULL || parents_build(&q) < 0)
		goto out;
	for (size_t r = 0; r < rs->nrules && !dj.all && !q.oom; r++)
		disj_add(&q, &dj, rs->rule_root[r], 0);
	if (dj.out.oom || dj.tmp.oom)
		q.oom = 1;
	if (q.oom)
		goto out;
	if (dj.all) {
		*all = 1;
		goto out;
	}
	if (dj.out.n > MAX_QUERY) {
		res = query_flat(&q, all);
		goto out;
	}
	if (dj.out.n == 0)
		sb_str(&dj.out, NOTHING); /* no rule: nothing can hit */
	if (dj.out.oom)
		goto out;
	res = dj.out.s;
	dj.out.s = NULL;
out:
	if (res != NULL) {
		char *w = NULL;

		/* the articles indexed as ALWAYS are candidates for every query */
		if (asprintf(&w, "(%s) OR \"" ALWAYS "\"", res) < 0)
			w = NULL;
		free(res);
		res = w;
	}
	free(dj.out.s);
	free(dj.tmp.s);
	dict_free(dj.seen);
	free(q.parent);
	free(q.inkey);
	return res;
}
