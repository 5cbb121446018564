/*
 * rulecache.c: a compiled rule set (ruleset_int.h) as one buffer and back.
 *
 * Layout: a header of RULECACHE_HEADER bytes (magic, format version, byte
 * order, build tag, payload length and checksum, section count), then a
 * table of sections {offset, length}, then the sections, each at a
 * multiple of 64 bytes. Most sections are the set's own arrays, byte for
 * byte (cnodes, kids, strings, trie, root and pair filters, rule uses, the
 * three dictionaries' slots, filters, keys and pools): a load reads the file into
 * one buffer, checks it, and points the set's arrays into it. No array of
 * numbers is copied and none allocated per item: loading 100,000 rules is
 * a read and a pass of checks over memory, not a compile.
 *
 * Rebuilt rather than stored: the rule records (their char pointers: each
 * made when first asked for, rulecache_rule; their string lists at the
 * load; strings in the buffer), the fuzzy index (from the fuzzy
 * dictionary's keys, in id order, as the compile added them: a set of
 * names has few fuzzy terms) and the regexes
 * (compiled again from pattern and options: pcre2's serialized code is
 * trusted by pcre2 and cannot be checked here).
 *
 * Checks. The payload checksum catches a file damaged on disk. Then,
 * whatever the bytes, nothing the matcher reads is out of bounds: every
 * count matches its section's length, every index and offset is in range,
 * every hash table has an empty slot (probes end), the cnodes form trees
 * whose children come before their parents (evaluation ends, its recursion
 * bounded by RC_MAX_DEPTH), and every string ends with a NUL inside.
 */
#include <stdalign.h>
#include <threads.h>
#include <stdlib.h>
#include <string.h>

#include "rulecache.h"
#include "ruleset_int.h"

#define RC_MAGIC "HARKRC\r\n"
#define RC_ENDIAN 0x01020304u
#define RC_ALIGN 64
#define RC_NONE UINT32_MAX
#define RC_SAME_ID (UINT32_MAX - 1) /* rule.name: the id */
#define RC_MAX_DEPTH 1200 /* the parser's QUERY_MAX_DEPTH, a level of variants, and room */
#define RC_RE_OPTS                                                                                 \
	(PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS | PCRE2_MULTILINE |      \
	 PCRE2_DOTALL | PCRE2_EXTENDED)

/* ---- the hash ---- */

static const uint64_t rc_seed[2] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull};

void
rc_hash_init(struct rc_hash *st)
{
	st->h[0] = rc_seed[0];
	st->h[1] = rc_seed[1];
}

/*
 * Four chains of hash_bytes' step, each with its own constant, over the
 * four words of each 32-byte block, folded into two at the end: the
 * multiplications of a block run side by side (the checksum of a 24 MB
 * cache costs well under a millisecond; the key of 4 MB of rules, less).
 * Each piece ends with its length, so that pieces do not run together.
 * Not a defence against a chosen collision: the cache is the user's own.
 */
static const uint64_t rc_k[4] = {0xa0761d6478bd642full, 0xe7037ed1a0b428dbull,
                                 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull};

static void
rc_block(uint64_t v[4], const unsigned char *s)
{
	v[0] = hash_mix(hash_load64(s) ^ rc_k[0], v[0]);
	v[1] = hash_mix(hash_load64(s + 8) ^ rc_k[1], v[1]);
	v[2] = hash_mix(hash_load64(s + 16) ^ rc_k[2], v[2]);
	v[3] = hash_mix(hash_load64(s + 24) ^ rc_k[3], v[3]);
}

void
rc_hash_add(struct rc_hash *st, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t v[4] = {st->h[0], st->h[1], st->h[0] ^ rc_k[3], st->h[1] ^ rc_k[2]};
	size_t i = 0;

	for (; i + 32 <= n; i += 32)
		rc_block(v, s + i);
	if (i < n) {
		unsigned char tail[32] = {0};

		memcpy(tail, s + i, n - i);
		rc_block(v, tail);
	}
	st->h[0] = hash_mix(v[0] ^ n, v[2] ^ 0x94d049bb133111ebull);
	st->h[1] = hash_mix(v[1] ^ n, v[3] ^ 0xbf58476d1ce4e5b9ull);
}

void
rc_hash_hex(const struct rc_hash *st, char out[33])
{
	static const char hex[] = "0123456789abcdef";

	for (int w = 0; w < 2; w++)
		for (int i = 0; i < 16; i++)
			out[w * 16 + i] = hex[(st->h[w] >> (60 - 4 * i)) & 15];
	out[32] = '\0';
}

uint64_t
rulecache_build_tag(void)
{
	struct rc_hash st;
	size_t sizes[] = {RULECACHE_VERSION,
	                  sizeof(struct cnode),
	                  sizeof(struct edge),
	                  sizeof(struct re_def),
	                  DICT_SLOT_SIZE,
	                  DICT_KEY_SIZE,
	                  sizeof(void *),
	                  K_NKINDS,
	                  C_NEAR};

	rc_hash_init(&st);
	rc_hash_add(&st, HARK_VERSION, strlen(HARK_VERSION));
	rc_hash_add(&st, sizes, sizeof(sizes));
	return st.h[0] ^ st.h[1];
}

/* ---- the layout ---- */

enum {
	S_META,
	S_CN,
	S_KIDS,
	S_STR,
	S_FLAGS,
	S_EDGES,
	S_ROOTC, /* K_NKINDS of them */
	S_FILTER = S_ROOTC + K_NKINDS,
	S_USEOFF,
	S_USERULE,
	S_RULEROOT,
	S_ALWAYS,
	S_REDEF,
	S_DICT, /* 4 a kind: slots, filter, keys, pool */
	S_RULES = S_DICT + 4 * K_NKINDS,
	S_RLIST,
	S_RPOS, /* the places of S_RLIST's words as written (notify's; others 0) */
	S_RSTR,
	S_FILES,
	S_DIAGS,
	S_DEPS,
	S_PAIR, /* format 2 */
	S_COUNT
};

struct rc_header {
	char magic[8];
	uint32_t version, endian;
	uint64_t tag;
	uint64_t payload; /* bytes after the header */
	uint64_t sum[2];  /* rc_hash of the payload */
	uint64_t nsect;
};

struct rc_sect {
	uint64_t off, len; /* from the start of the buffer */
};

struct rc_meta {
	uint64_t nrules, noff, natoms, nfiles, ncn, nkids, nstr, nnodes, nedges, nedgeslots;
	uint64_t nfilter, root_fuzzy, nuse, nregex, nalways, fields_used, npfx_lens;
	uint64_t npair, pair_solo; /* words of the pair filter (0: none); pairs with none in it */
	uint64_t rootcap[K_NKINDS], dslots[K_NKINDS], dfilter[K_NKINDS], dkeys[K_NKINDS],
	    dpool[K_NKINDS];
	uint64_t nrlist, nrstr, ndiags, ndeps;
	uint8_t exact_len[256], pfx_len[256], pfx_lens[256];
};

/* A rule as saved: strings are RSTR offsets (RC_NONE: NULL), lists RLIST ranges. */
struct rc_rule {
	uint32_t id, name, query, file, line, enabled;
	uint32_t tags, ntags, notify, nnotify, langs, nlangs;
};

struct rc_diag {
	uint32_t item, file, line, col, sev, msg;
};

struct rc_dep {
	uint32_t path, pad;
	uint64_t h[2];
};

_Static_assert(sizeof(struct rc_header) <= RULECACHE_HEADER, "rulecache header");
_Static_assert(sizeof(struct rc_sect) * S_COUNT + RULECACHE_HEADER <= 1024, "section table");

/* ---- saving ---- */

/* The strings of rules, files, diagnostics and deps, each once with its NUL. */
struct rstr {
	char *s;
	size_t n, cap;
	int oom;
};

static uint32_t
rstr_add(struct rstr *r, const char *s)
{
	size_t l;

	if (s == NULL)
		return RC_NONE;
	l = strlen(s);
	if (r->oom || r->n + l + 1 >= RC_SAME_ID || mem_grow(&r->s, &r->cap, r->n + l + 1, 1) < 0) {
		r->oom = 1;
		return 0;
	}
	memcpy(r->s + r->n, s, l + 1);
	r->n += l + 1;
	return (uint32_t)(r->n - l - 1);
}

struct rlist {
	uint32_t *v;
	struct srcpos *at; /* beside v, as long */
	size_t n, cap, capat;
	int oom;
};

/* at: the words' places, or NULL (zeros) */
static uint32_t
rlist_add(struct rlist *l, struct rstr *r, char *const *v, const struct srcpos *at, size_t n)
{
	size_t first = l->n;

	if (l->oom || n > RC_NONE || mem_grow(&l->v, &l->cap, l->n + n, 4) < 0 ||
	    mem_grow(&l->at, &l->capat, l->n + n, sizeof(*l->at)) < 0) {
		l->oom = 1;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		l->at[l->n] = at != NULL ? at[i] : (struct srcpos){0, 0};
		l->v[l->n++] = rstr_add(r, v[i]);
	}
	return (uint32_t)first;
}

static void
rule_save(struct rc_rule *o, const struct rule *r, const struct ruleset *rs, size_t *file,
          struct rstr *str, struct rlist *lst)
{
	/* rules come file by file: the cursor finds each one's file at once */
	if (*file >= rs->nfiles || rs->files[*file] != r->file)
		for (*file = 0; *file < rs->nfiles && rs->files[*file] != r->file; (*file)++)
			;
	o->id = rstr_add(str, r->id);
	/* most names are their ids (no name = line): once */
	o->name = r->name != NULL && (r->name == r->id || strcmp(r->name, r->id) == 0)
	              ? RC_SAME_ID
	              : rstr_add(str, r->name);
	o->query = rstr_add(str, r->query);
	o->file = *file < rs->nfiles ? (uint32_t)*file : RC_NONE;
	o->line = r->line;
	o->enabled = r->enabled;
	o->tags = rlist_add(lst, str, r->tags, NULL, r->ntags);
	o->ntags = (uint32_t)r->ntags;
	o->notify = rlist_add(lst, str, r->notify, r->notify_at, r->nnotify);
	o->nnotify = (uint32_t)r->nnotify;
	o->langs = rlist_add(lst, str, r->langs, NULL, r->nlangs);
	o->nlangs = (uint32_t)r->nlangs;
}

/*
 * The trie's edges in a table just large enough (half full at most, as
 * edge_insert keeps it): the compile sizes it for the rule count ahead
 * (ruleset_reserve), four times what 100,000 names need. Smaller to read
 * and check, and fewer cache lines for the matcher. NULL when out of memory.
 */
static struct edge *
edges_compact(const struct ruleset *rs, size_t *nslots)
{
	size_t n = 1024, mask;
	struct edge *e;

	while ((rs->nedges + 1) * 2 > n)
		n *= 2;
	if (n > rs->edgemask + 1)
		n = rs->edgemask + 1;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return NULL;
	mask = n - 1;
	for (size_t j = 0; j <= rs->edgemask; j++) {
		size_t i;

		if (rs->edges[j].key == 0)
			continue;
		for (i = edge_hash(rs->edges[j].key) & mask; e[i].key != 0; i = (i + 1) & mask)
			;
		e[i] = rs->edges[j];
	}
	*nslots = n;
	return e;
}

struct sect_src {
	const void *p;
	size_t len;
};

int
rulecache_save(const struct ruleset *rs, const struct rulecache_extra *x, void **buf, size_t *n)
{
	struct sect_src src[S_COUNT] = {{0}};
	struct rc_meta *meta = calloc(1, sizeof(*meta));
	size_t nr = rs->nrules + rs->noff, fcur = 0, total;
	struct rc_rule *rr = calloc(nr ? nr : 1, sizeof(*rr));
	uint32_t *files = calloc(rs->nfiles ? rs->nfiles : 1, 4);
	struct rc_diag *dg = calloc(x->diags.n ? x->diags.n : 1, sizeof(*dg));
	struct rc_dep *dp = calloc(x->ndeps ? x->ndeps : 1, sizeof(*dp));
	struct rstr str = {0};
	struct rlist lst = {0};
	struct dict_image im[K_NKINDS];
	struct rc_header *h;
	struct rc_sect *tab;
	struct edge *edges = NULL;
	size_t nslots = 0;
	char *out = NULL;
	int rc = -1;

	*buf = NULL;
	*n = 0;
	if (!rs->finished || rs->blob != NULL || meta == NULL || rr == NULL || files == NULL ||
	    dg == NULL || dp == NULL)
		goto out;
	for (size_t i = 0; i < nr; i++)
		rule_save(&rr[i], i < rs->nrules ? &rs->rules[i] : &rs->off[i - rs->nrules], rs,
		          &fcur, &str, &lst);
	for (size_t i = 0; i < rs->nfiles; i++)
		files[i] = rstr_add(&str, rs->files[i]);
	for (size_t i = 0; i < x->diags.n; i++) {
		const struct diag *g = &x->diags.v[i];

		dg[i] = (struct rc_diag){x->diag_item[i],  rstr_add(&str, g->file), g->line, g->col,
		                         (uint32_t)g->sev, rstr_add(&str, g->msg)};
	}
	for (size_t i = 0; i < x->ndeps; i++) {
		dp[i].path = rstr_add(&str, x->deps[i]);
		dp[i].h[0] = x->dep_hash[i].h[0];
		dp[i].h[1] = x->dep_hash[i].h[1];
	}
	if (str.oom || lst.oom)
		goto out;

	*meta = (struct rc_meta){
	    .nrules = rs->nrules,
	    .noff = rs->noff,
	    .natoms = rs->natoms,
	    .nfiles = rs->nfiles,
	    .ncn = rs->ncn,
	    .nkids = rs->nkids,
	    .nstr = rs->nstr,
	    .nnodes = rs->nnodes,
	    .nedges = rs->nedges,
	    .nfilter = rs->root_fmask + 1,
	    .root_fuzzy = (uint64_t)rs->root_fuzzy,
	    .npair = rs->pair_filter ? rs->pair_fmask + 1 : 0,
	    .pair_solo = (uint64_t)rs->pair_solo,
	    .nuse = rs->use_off[rs->nnodes],
	    .nregex = rs->nregex,
	    .nalways = rs->nalways,
	    .fields_used = rs->fields_used,
	    .npfx_lens = rs->npfx_lens,
	    .nrlist = lst.n,
	    .nrstr = str.n,
	    .ndiags = x->diags.n,
	    .ndeps = x->ndeps,
	};
	memcpy(meta->exact_len, rs->exact_len, 256);
	memcpy(meta->pfx_len, rs->pfx_len, 256);
	memcpy(meta->pfx_lens, rs->pfx_lens, 256);
	src[S_META] = (struct sect_src){meta, sizeof(*meta)};
	src[S_CN] = (struct sect_src){rs->cn, rs->ncn * sizeof(*rs->cn)};
	src[S_KIDS] = (struct sect_src){rs->kids, rs->nkids * 4};
	src[S_STR] = (struct sect_src){rs->str, rs->nstr};
	src[S_FLAGS] = (struct sect_src){rs->node_flags, rs->nnodes};
	if ((edges = edges_compact(rs, &nslots)) == NULL)
		goto out;
	meta->nedgeslots = nslots;
	src[S_EDGES] = (struct sect_src){edges, nslots * sizeof(*edges)};
	for (int k = 0; k < K_NKINDS; k++) {
		meta->rootcap[k] = rs->rootcap[k];
		src[S_ROOTC + k] = (struct sect_src){rs->rootc[k], rs->rootcap[k] * 4};
		dict_image(rs->keys[k], &im[k]);
		meta->dslots[k] = im[k].nslots;
		meta->dfilter[k] = im[k].nfilter;
		meta->dkeys[k] = im[k].nkeys;
		meta->dpool[k] = im[k].poollen;
		src[S_DICT + 4 * k] = (struct sect_src){im[k].slots, im[k].nslots * DICT_SLOT_SIZE};
		src[S_DICT + 4 * k + 1] = (struct sect_src){im[k].filter, im[k].nfilter * 8};
		src[S_DICT + 4 * k + 2] =
		    (struct sect_src){im[k].keys, im[k].nkeys * DICT_KEY_SIZE};
		src[S_DICT + 4 * k + 3] = (struct sect_src){im[k].pool, im[k].poollen};
	}
	src[S_FILTER] = (struct sect_src){rs->root_filter, (rs->root_fmask + 1) * 8};
	src[S_PAIR] = (struct sect_src){rs->pair_filter, meta->npair * 8};
	src[S_USEOFF] = (struct sect_src){rs->use_off, (rs->nnodes + 1) * 4};
	src[S_USERULE] = (struct sect_src){rs->use_rule, meta->nuse * 4};
	src[S_RULEROOT] = (struct sect_src){rs->rule_root, rs->nrules * 4};
	src[S_ALWAYS] = (struct sect_src){rs->always, rs->nalways * 4};
	src[S_REDEF] = (struct sect_src){rs->re_def, rs->nregex * sizeof(*rs->re_def)};
	src[S_RULES] = (struct sect_src){rr, nr * sizeof(*rr)};
	src[S_RLIST] = (struct sect_src){lst.v, lst.n * 4};
	src[S_RPOS] = (struct sect_src){lst.at, lst.n * sizeof(*lst.at)};
	src[S_RSTR] = (struct sect_src){str.s, str.n};
	src[S_FILES] = (struct sect_src){files, rs->nfiles * 4};
	src[S_DIAGS] = (struct sect_src){dg, x->diags.n * sizeof(*dg)};
	src[S_DEPS] = (struct sect_src){dp, x->ndeps * sizeof(*dp)};

	total = RULECACHE_HEADER + S_COUNT * sizeof(struct rc_sect);
	for (int s = 0; s < S_COUNT; s++)
		total = (total + RC_ALIGN - 1) / RC_ALIGN * RC_ALIGN + src[s].len;
	if ((out = calloc(1, total)) == NULL)
		goto out;
	h = (struct rc_header *)out;
	tab = (struct rc_sect *)(out + RULECACHE_HEADER);
	total = RULECACHE_HEADER + S_COUNT * sizeof(struct rc_sect);
	for (int s = 0; s < S_COUNT; s++) {
		total = (total + RC_ALIGN - 1) / RC_ALIGN * RC_ALIGN;
		tab[s].off = total;
		tab[s].len = src[s].len;
		if (src[s].len > 0)
			memcpy(out + total, src[s].p, src[s].len);
		total += src[s].len;
	}
	memcpy(h->magic, RC_MAGIC, 8);
	h->version = RULECACHE_VERSION;
	h->endian = RC_ENDIAN;
	h->tag = rulecache_build_tag();
	h->payload = total - RULECACHE_HEADER;
	h->nsect = S_COUNT;
	rulecache_seal(out, total);
	*buf = out;
	*n = total;
	out = NULL;
	rc = 0;
out:
	free(out);
	free(meta);
	free(rr);
	free(files);
	free(dg);
	free(dp);
	free(str.s);
	free(lst.v);
	free(lst.at);
	free(edges);
	return rc;
}

void
rulecache_seal(void *buf, size_t n)
{
	struct rc_header *h = buf;
	struct rc_hash st;

	if (n < RULECACHE_HEADER)
		return;
	h->tag = rulecache_build_tag();
	rc_hash_init(&st);
	rc_hash_add(&st, (char *)buf + RULECACHE_HEADER, n - RULECACHE_HEADER);
	h->sum[0] = st.h[0];
	h->sum[1] = st.h[1];
}

/* ---- loading ---- */

struct loader {
	char *buf;
	const struct rc_sect *tab;
	const struct rc_meta *m;
	const char *why;
};

/*
 * Section s as an array of count elements of size sz: NULL (with why) when
 * its length is not exactly that. A count of 0 gives a pointer to nothing.
 */
static void *
sect(struct loader *l, int s, uint64_t count, size_t sz, const char *what)
{
	if (l->why != NULL)
		return NULL;
	if (count > UINT32_MAX * (uint64_t)16 || l->tab[s].len != count * sz) {
		l->why = what;
		return NULL;
	}
	return l->buf + l->tab[s].off;
}

static int
fail(struct loader *l, const char *why)
{
	if (l->why == NULL)
		l->why = why;
	return -1;
}

static int
check_u32s(struct loader *l, const uint32_t *v, size_t n, uint64_t limit, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] >= limit)
			return fail(l, what);
	return 0;
}

/* A NUL-terminated string at off in s[0..n): the last byte is NUL (checked once). */
static int
str_ok(uint32_t off, uint64_t n)
{
	return off < n;
}

static int
check_trie(struct loader *l, const struct ruleset *rs)
{
	size_t used = 0;

	if (rs->nnodes == 0 || rs->nnodes >= UINT32_MAX)
		return fail(l, "trie node count");
	/* a power of two, 2 at least (0 would make a mask of all ones) */
	if (l->m->nedgeslots < 2 || ((rs->edgemask + 1) & rs->edgemask) != 0)
		return fail(l, "trie edge table size");
	for (size_t i = 0; i <= rs->edgemask; i++) {
		const struct edge *e = &rs->edges[i];

		if (e->key == 0)
			continue;
		if ((e->key >> 32) >= rs->nnodes || e->child == 0 || e->child >= rs->nnodes)
			return fail(l, "trie edge");
		used++;
	}
	/* an empty slot at least: every probe ends */
	if (used != rs->nedges || used > rs->edgemask)
		return fail(l, "trie edge count");
	for (int k = 0; k < K_NKINDS; k++)
		if (check_u32s(l, rs->rootc[k], rs->rootcap[k], rs->nnodes, "trie root") < 0)
			return -1;
	if (rs->use_off[0] != 0)
		return fail(l, "rule uses");
	for (size_t i = 0; i < rs->nnodes; i++)
		if (rs->use_off[i + 1] < rs->use_off[i])
			return fail(l, "rule uses");
	if (rs->use_off[rs->nnodes] != l->m->nuse)
		return fail(l, "rule uses");
	if (check_u32s(l, rs->use_rule, l->m->nuse, rs->nrules, "rule use") < 0)
		return -1;
	if (l->m->nfilter < 1 || ((rs->root_fmask + 1) & rs->root_fmask) != 0)
		return fail(l, "root filter size");
	/* a pair filter with a fuzzy start would drop its walks: none then */
	if ((l->m->npair & (l->m->npair - 1)) != 0 || (l->m->npair > 0) == rs->root_fuzzy)
		return fail(l, "pair filter size");
	return 0;
}

/*
 * Every cnode's fields in range; its children (cnodes) before it and each
 * the child of one parent at most, rule roots included: the queries are
 * trees, evaluated in time linear in their size, to a bounded depth.
 */
static int
check_cnodes(struct loader *l, const struct ruleset *rs)
{
	uint16_t *depth = calloc(rs->ncn ? rs->ncn : 1, sizeof(*depth));
	uint8_t *taken = calloc(rs->ncn ? rs->ncn : 1, 1);
	uint8_t *nearok = calloc(rs->ncn ? rs->ncn : 1, 1);
	int rc = -1;

	if (depth == NULL || taken == NULL || nearok == NULL) {
		fail(l, "out of memory");
		goto out;
	}
#define CHILD(c)                                                                                   \
	do {                                                                                       \
		uint32_t c_ = (c);                                                                 \
		if (c_ >= i || taken[c_]++)                                                        \
			goto bad;                                                                  \
		if (depth[c_] + 1u > d)                                                            \
			d = depth[c_] + 1u;                                                        \
	} while (0)
	for (uint32_t i = 0; i < rs->ncn; i++) {
		const struct cnode *cn = &rs->cn[i];
		unsigned d = 0;

		if (cn->type > C_NEAR || cn->atom >= rs->nstr)
			goto bad;
		switch (cn->type) {
		case C_ATOM:
			if (cn->a >= rs->nnodes)
				goto bad;
			nearok[i] = 1;
			break;
		case C_EXACT:
			if (cn->a >= rs->nnodes || cn->b >= rs->nstr)
				goto bad;
			nearok[i] = 1;
			break;
		case C_SLOP:
			/* two terms at least (compile_leaf): the matcher reads the first */
			if (cn->b < 2 || cn->a > rs->nkids || cn->b > rs->nkids - cn->a)
				goto bad;
			for (uint32_t k = 0; k < cn->b; k++)
				if (rs->kids[cn->a + k] >= rs->nnodes)
					goto bad;
			nearok[i] = 1;
			break;
		case C_REGEX:
			if (cn->a >= rs->nregex)
				goto bad;
			break;
		case C_LANG:
			if (cn->b >= rs->nstr)
				goto bad;
			break;
		case C_AND:
		case C_OR:
			if (cn->a > rs->nkids || cn->b > rs->nkids - cn->a)
				goto bad;
			nearok[i] = cn->type == C_OR;
			for (uint32_t k = 0; k < cn->b; k++) {
				CHILD(rs->kids[cn->a + k]);
				nearok[i] &= nearok[rs->kids[cn->a + k]];
			}
			break;
		case C_NOT:
			CHILD(cn->a);
			break;
		case C_NEAR:
			CHILD(cn->a);
			CHILD(cn->b);
			if (!nearok[cn->a] || !nearok[cn->b])
				goto bad;
			break;
		}
		if (d > RC_MAX_DEPTH)
			goto bad;
		depth[i] = (uint16_t)d;
	}
#undef CHILD
	for (size_t r = 0; r < rs->nrules; r++)
		if (rs->rule_root[r] >= rs->ncn || taken[rs->rule_root[r]]++)
			goto bad;
	rc = 0;
	goto out;
bad:
	fail(l, "query node");
out:
	free(depth);
	free(taken);
	free(nearok);
	return rc;
}

static int
load_regexes(struct loader *l, struct ruleset *rs)
{
	if (rs->nregex == 0)
		return 0;
	if ((rs->regex = calloc(rs->nregex, sizeof(*rs->regex))) == NULL)
		return fail(l, "out of memory");
	for (size_t i = 0; i < rs->nregex; i++) {
		const struct re_def *d = &rs->re_def[i];
		int err;
		PCRE2_SIZE erroff;

		if (d->pat >= rs->nstr || (d->opts & ~(uint32_t)RC_RE_OPTS) != 0)
			return fail(l, "regex");
		rs->regex[i] = pcre2_compile((PCRE2_SPTR)(rs->str + d->pat), PCRE2_ZERO_TERMINATED,
		                             d->opts, &err, &erroff, NULL);
		if (rs->regex[i] == NULL)
			return fail(l, "regex");
		(void)pcre2_jit_compile(rs->regex[i], PCRE2_JIT_COMPLETE);
	}
	return 0;
}

/* The fuzzy index, from the fuzzy dictionary: each key is its budget digit and its term. */
static int
load_fuzzy(struct loader *l, struct ruleset *rs)
{
	const struct dict *dc = rs->keys[K_FUZZY];

	if ((rs->fuzzy = fuzzy_new()) == NULL)
		return fail(l, "out of memory");
	for (size_t id = 0; id < dict_count(dc); id++) {
		size_t n;
		const char *k = dict_key(dc, (uint32_t)id, &n);

		if (n < 1 || k[0] < '0' || k[0] > '9')
			return fail(l, "fuzzy term");
		if (fuzzy_add(rs->fuzzy, k + 1, n - 1, k[0] - '0', (uint32_t)id) < 0)
			return fail(l, "out of memory");
	}
	return fuzzy_build(rs->fuzzy) < 0 ? fail(l, "out of memory") : 0;
}

static char *
rstr_at(struct loader *l, const char *rstr, uint64_t nrstr, uint32_t off)
{
	if (off == RC_NONE)
		return NULL;
	if (!str_ok(off, nrstr)) {
		fail(l, "string offset");
		return NULL;
	}
	return (char *)rstr + off;
}

/*
 * Saved record o of rule i as a record *r, its strings and lists pointing
 * into the buffer. -1 when a field is out of range (the loader checks every
 * record with it; rulecache_rule makes them, then, without a failure).
 */
static int
rule_of_saved(const struct ruleset *rs, const struct rule_lazy *z, const struct rc_rule *o,
              size_t i, uint64_t nrlist, struct rule *r)
{
	const char *id = o->id < z->nrstr ? z->rstr + o->id : NULL;
	const char *query = o->query < z->nrstr ? z->rstr + o->query : NULL;
	const char *name = o->name == RC_SAME_ID ? id
	                   : o->name < z->nrstr  ? z->rstr + o->name
	                                         : NULL;

	if ((uint64_t)o->tags + o->ntags > nrlist || (uint64_t)o->notify + o->nnotify > nrlist ||
	    (uint64_t)o->langs + o->nlangs > nrlist || o->enabled > 1 || o->file >= rs->nfiles)
		return -1;
	/* no string of a compiled rule is NULL: the printers read them all */
	if (id == NULL || name == NULL || query == NULL || (i < rs->nrules) != (o->enabled != 0))
		return -1;
	*r = (struct rule){
	    .id = (char *)id,
	    .name = (char *)name,
	    .tags = rs->strv + o->tags,
	    .ntags = o->ntags,
	    .notify = rs->strv + o->notify,
	    .nnotify = o->nnotify,
	    .notify_at = z->pos + o->notify,
	    .langs = rs->strv + o->langs,
	    .nlangs = o->nlangs,
	    .query = (char *)query,
	    .file = rs->files[o->file],
	    .line = o->line,
	    .enabled = o->enabled != 0,
	};
	return 0;
}

/* A record's place while a thread makes it (rulecache_rule). */
static struct rule rule_making;

const struct rule *
rulecache_rule(const struct ruleset *rs, size_t i)
{
	struct rule_lazy *z = rs->lazy;
	struct rule *r = atomic_load_explicit(&z->made[i], memory_order_acquire);

	while (r == NULL || r == &rule_making) {
		struct rule *none = NULL;

		if (r == NULL && atomic_compare_exchange_strong_explicit(
		                     &z->made[i], &none, &rule_making, memory_order_acquire,
		                     memory_order_acquire)) {
			/* each record is made once: pool has room for all */
			r = &z->pool[atomic_fetch_add_explicit(&z->used, 1, memory_order_relaxed)];
			(void)rule_of_saved(rs, z, (const struct rc_rule *)z->saved + i, i,
			                    UINT64_MAX, r);
			atomic_store_explicit(&z->made[i], r, memory_order_release);
			return r;
		}
		/* another thread makes it: a few stores away */
		if (none == &rule_making || r == &rule_making)
			thrd_yield();
		r = atomic_load_explicit(&z->made[i], memory_order_acquire);
	}
	return r;
}

/*
 * The rule records' lists and the files' names, pointing into the buffer;
 * every record checked, none made (rs->lazy: rulecache_rule).
 */
static int
load_rules(struct loader *l, struct ruleset *rs)
{
	const struct rc_meta *m = l->m;
	size_t nr = m->nrules + m->noff;
	const struct rc_rule *rr = sect(l, S_RULES, nr, sizeof(*rr), "rules");
	const uint32_t *lst = sect(l, S_RLIST, m->nrlist, 4, "rule lists");
	/* in the buffer, which the set keeps: any numbers are safe to print */
	struct srcpos *pos = sect(l, S_RPOS, m->nrlist, sizeof(*pos), "rule places");
	const char *rstr = sect(l, S_RSTR, m->nrstr, 1, "rule strings");
	const uint32_t *files = sect(l, S_FILES, m->nfiles, 4, "files");
	struct rule_lazy *z;

	if (l->why != NULL)
		return -1;
	if (m->nrstr == 0 || rstr[m->nrstr - 1] != '\0')
		return fail(l, "rule strings");
	rs->lazy = z = calloc(1, sizeof(*z));
	rs->strv = calloc(m->nrlist ? m->nrlist : 1, sizeof(*rs->strv));
	rs->files = calloc(m->nfiles ? m->nfiles : 1, sizeof(*rs->files));
	if (z == NULL || rs->strv == NULL || rs->files == NULL)
		return fail(l, "out of memory");
	/* large: pages of zeros the kernel gives when first written */
	z->made = calloc(nr ? nr : 1, sizeof(*z->made));
	z->pool = calloc(nr ? nr : 1, sizeof(*z->pool));
	if (z->made == NULL || z->pool == NULL)
		return fail(l, "out of memory");
	z->saved = rr;
	z->saved_size = sizeof(*rr);
	z->rstr = rstr;
	z->pos = pos;
	z->nrstr = m->nrstr;
	rs->nfiles = rs->capfiles = m->nfiles;
	for (size_t i = 0; i < m->nfiles; i++)
		if ((rs->files[i] = rstr_at(l, rstr, m->nrstr, files[i])) == NULL)
			return fail(l, "file name");
	for (size_t i = 0; i < m->nrlist; i++)
		if ((rs->strv[i] = rstr_at(l, rstr, m->nrstr, lst[i])) == NULL)
			return fail(l, "rule list");
	rs->nrules = rs->caprules = m->nrules;
	rs->noff = rs->capoff = m->noff;
	for (size_t i = 0; i < nr; i++) {
		struct rule r;

		if (rule_of_saved(rs, z, &rr[i], i, m->nrlist, &r) < 0)
			return fail(l, "rule");
	}
	return l->why == NULL ? 0 : -1;
}

static int
load_extra(struct loader *l, struct rulecache_extra *x)
{
	const struct rc_meta *m = l->m;
	const struct rc_diag *dg = sect(l, S_DIAGS, m->ndiags, sizeof(*dg), "diagnostics");
	const struct rc_dep *dp = sect(l, S_DEPS, m->ndeps, sizeof(*dp), "dependencies");
	const char *rstr = l->buf + l->tab[S_RSTR].off; /* checked by load_rules */

	if (l->why != NULL)
		return -1;
	diags_init(&x->diags);
	x->diag_item = calloc(m->ndiags ? m->ndiags : 1, 4);
	x->deps = calloc(m->ndeps ? m->ndeps : 1, sizeof(*x->deps));
	x->dep_hash = calloc(m->ndeps ? m->ndeps : 1, sizeof(*x->dep_hash));
	if (x->diag_item == NULL || x->deps == NULL || x->dep_hash == NULL)
		return fail(l, "out of memory");
	for (size_t i = 0; i < m->ndiags; i++) {
		const char *file = rstr_at(l, rstr, m->nrstr, dg[i].file);
		const char *msg = rstr_at(l, rstr, m->nrstr, dg[i].msg);

		if (l->why != NULL || msg == NULL ||
		    (dg[i].sev != DIAG_WARNING && dg[i].sev != DIAG_NOTE))
			return fail(l, "diagnostic");
		diags_add(&x->diags, file, dg[i].line, dg[i].col, (enum diag_sev)dg[i].sev, "%s",
		          msg);
		if (x->diags.n != i + 1)
			return fail(l, "out of memory");
		x->diag_item[i] = dg[i].item;
	}
	for (size_t i = 0; i < m->ndeps; i++) {
		const char *p = rstr_at(l, rstr, m->nrstr, dp[i].path);

		if (p == NULL || (x->deps[i] = strdup(p)) == NULL)
			return fail(l, p == NULL ? "dependency" : "out of memory");
		x->ndeps = i + 1;
		x->dep_hash[i].h[0] = dp[i].h[0];
		x->dep_hash[i].h[1] = dp[i].h[1];
	}
	return 0;
}

static int
load_header(struct loader *l, const void *buf, size_t n)
{
	const struct rc_header *h = buf;
	struct rc_hash st;
	uint64_t end = RULECACHE_HEADER + S_COUNT * sizeof(struct rc_sect);

	if (((uintptr_t)buf & (alignof(max_align_t) - 1)) != 0)
		return fail(l, "unaligned buffer");
	if (n < end || memcmp(h->magic, RC_MAGIC, 8) != 0)
		return fail(l, "not a rule cache");
	if (h->version != RULECACHE_VERSION || h->endian != RC_ENDIAN ||
	    h->tag != rulecache_build_tag())
		return fail(l, "made by another build of hark");
	if (h->payload != n - RULECACHE_HEADER || h->nsect != S_COUNT)
		return fail(l, "truncated");
	/* the rest of the header is zero: no byte of the file goes unchecked */
	for (size_t i = sizeof(*h); i < RULECACHE_HEADER; i++)
		if (((const char *)buf)[i] != 0)
			return fail(l, "header");
	rc_hash_init(&st);
	rc_hash_add(&st, (const char *)buf + RULECACHE_HEADER, n - RULECACHE_HEADER);
	if (st.h[0] != h->sum[0] || st.h[1] != h->sum[1])
		return fail(l, "checksum mismatch");
	l->tab = (const struct rc_sect *)((const char *)buf + RULECACHE_HEADER);
	for (int s = 0; s < S_COUNT; s++) {
		/* in order, aligned, inside, not overlapping */
		if (l->tab[s].off < end || l->tab[s].off % RC_ALIGN != 0 || l->tab[s].off > n ||
		    l->tab[s].len > n - l->tab[s].off)
			return fail(l, "section table");
		end = l->tab[s].off + l->tab[s].len;
	}
	return 0;
}

struct ruleset *
rulecache_load(void *buf, size_t n, struct rulecache_extra *x, const char **why)
{
	struct loader l = {buf, NULL, NULL, NULL};
	struct ruleset *rs = calloc(1, sizeof(*rs));
	const struct rc_meta *m;

	memset(x, 0, sizeof(*x));
	if (rs == NULL) {
		*why = "out of memory";
		return NULL;
	}
	if (load_header(&l, buf, n) < 0 || (m = sect(&l, S_META, 1, sizeof(*m), "meta")) == NULL)
		goto fail;
	l.m = m;
	if (m->nrules > UINT32_MAX || m->noff > UINT32_MAX || m->nnodes > UINT32_MAX ||
	    m->ncn > UINT32_MAX || m->nkids > UINT32_MAX || m->nstr > UINT32_MAX ||
	    m->nregex > UINT32_MAX || m->npfx_lens > 256 || m->root_fuzzy > 1 ||
	    m->fields_used > 0xff || m->nedgeslots > ((uint64_t)1 << 40) ||
	    m->nfilter > ((uint64_t)1 << 40) || m->npair > ((uint64_t)1 << 40) || m->nfiles == 0 ||
	    m->nuse > UINT32_MAX) {
		fail(&l, "counts");
		goto fail;
	}
	rs->nrules = m->nrules; /* for the checks; load_rules sets the records */
	rs->natoms = m->natoms;
	rs->ncn = rs->capcn = m->ncn;
	rs->nkids = rs->capkids = m->nkids;
	rs->nstr = rs->capstr = m->nstr;
	rs->nnodes = rs->capnodes = m->nnodes;
	rs->nedges = m->nedges;
	rs->edgemask = m->nedgeslots - 1;
	rs->root_fmask = m->nfilter - 1;
	rs->root_fuzzy = (int)m->root_fuzzy;
	rs->nregex = rs->capregex = rs->capre_def = m->nregex;
	rs->nalways = rs->capalways = m->nalways;
	rs->fields_used = (unsigned)m->fields_used;
	rs->npfx_lens = m->npfx_lens;
	memcpy(rs->exact_len, m->exact_len, 256);
	memcpy(rs->pfx_len, m->pfx_len, 256);
	memcpy(rs->pfx_lens, m->pfx_lens, 256);
	rs->cn = sect(&l, S_CN, m->ncn, sizeof(*rs->cn), "query nodes");
	rs->kids = sect(&l, S_KIDS, m->nkids, 4, "query kids");
	rs->str = sect(&l, S_STR, m->nstr, 1, "strings");
	rs->node_flags = sect(&l, S_FLAGS, m->nnodes, 1, "trie nodes");
	rs->edges = sect(&l, S_EDGES, m->nedgeslots, sizeof(*rs->edges), "trie edges");
	rs->root_filter = sect(&l, S_FILTER, m->nfilter, 8, "root filter");
	rs->pair_filter = sect(&l, S_PAIR, m->npair, 8, "pair filter");
	if (m->npair == 0)
		rs->pair_filter = NULL; /* none: a fuzzy key starts a path */
	rs->pair_fmask = m->npair > 0 ? m->npair - 1 : 0;
	rs->pair_solo = m->pair_solo != 0;
	rs->use_off = sect(&l, S_USEOFF, m->nnodes + 1, 4, "rule uses");
	rs->use_rule = sect(&l, S_USERULE, m->nuse, 4, "rule uses");
	rs->rule_root = sect(&l, S_RULEROOT, m->nrules, 4, "rule roots");
	rs->always = sect(&l, S_ALWAYS, m->nalways, 4, "always");
	rs->re_def = sect(&l, S_REDEF, m->nregex, sizeof(*rs->re_def), "regexes");
	for (int k = 0; k < K_NKINDS; k++) {
		struct dict_image im;

		rs->rootcap[k] = m->rootcap[k];
		rs->rootc[k] = sect(&l, S_ROOTC + k, m->rootcap[k], 4, "trie root");
		im.slots = sect(&l, S_DICT + 4 * k, m->dslots[k], DICT_SLOT_SIZE, "dictionary");
		im.nslots = m->dslots[k];
		im.filter = sect(&l, S_DICT + 4 * k + 1, m->dfilter[k], 8, "dictionary");
		im.nfilter = m->dfilter[k];
		im.keys = sect(&l, S_DICT + 4 * k + 2, m->dkeys[k], DICT_KEY_SIZE, "dictionary");
		im.nkeys = m->dkeys[k];
		im.pool = sect(&l, S_DICT + 4 * k + 3, m->dpool[k], 1, "dictionary");
		im.poollen = m->dpool[k];
		if (l.why != NULL)
			goto fail;
		if (m->dkeys[k] > 0x40000000) {
			fail(&l, "dictionary key count");
			goto fail;
		}
		if ((rs->keys[k] = dict_view(&im, &l.why)) == NULL)
			goto fail;
	}
	if (l.why != NULL)
		goto fail;
	if (rs->nstr == 0 || rs->str[0] != '\0' || rs->str[rs->nstr - 1] != '\0') {
		fail(&l, "strings");
		goto fail;
	}
	if (check_trie(&l, rs) < 0 || check_cnodes(&l, rs) < 0 ||
	    check_u32s(&l, rs->always, rs->nalways, rs->nrules, "always") < 0 ||
	    load_rules(&l, rs) < 0 || load_regexes(&l, rs) < 0 || load_fuzzy(&l, rs) < 0 ||
	    load_extra(&l, x) < 0)
		goto fail;
	rs->finished = 1;
	rs->blob = buf;
	return rs;
fail:
	*why = l.why != NULL ? l.why : "invalid";
	rs->blob = NULL; /* buf stays the caller's */
	for (int k = 0; k < K_NKINDS; k++)
		dict_free(rs->keys[k]);
	fuzzy_free(rs->fuzzy);
	for (size_t i = 0; rs->regex != NULL && i < rs->nregex; i++)
		pcre2_code_free(rs->regex[i]);
	free(rs->regex);
	if (rs->lazy != NULL) {
		free(rs->lazy->made);
		free(rs->lazy->pool);
		free(rs->lazy);
	}
	free(rs->strv);
	free(rs->files);
	free(rs);
	rulecache_extra_free(x);
	return NULL;
}

void
rulecache_set_release(struct ruleset *rs, void (*release)(void *buf, size_t n), size_t n)
{
	rs->blob_release = release;
	rs->blob_len = n;
}

void
rulecache_extra_free(struct rulecache_extra *x)
{
	diags_free(&x->diags);
	free(x->diag_item);
	for (size_t i = 0; i < x->ndeps; i++)
		free(x->deps[i]);
	free(x->deps);
	free(x->dep_hash);
	memset(x, 0, sizeof(*x));
}
