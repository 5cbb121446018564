/*
 * ruleset_int.h: the compiled form of a ruleset, shared by its builder
 * (ruleset.c) and its reader (match.c). Nothing else includes this file.
 *
 * Every distinct normalized term is a "key": an exact term (dict exact), a
 * prefix (dict pfx) or a fuzzy term with its budget (dict fuzzy + the fuzzy
 * index). Words and phrases without slop are paths of keys in one trie; a
 * trie node that ends a path is an atom, and lists the rules that use it.
 * Matching a document computes the keys of each token once, walks the trie
 * from each token, and evaluates only the rules whose atoms occurred.
 */
#ifndef HARK_RULESET_INT_H
#define HARK_RULESET_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "dict.h"
#include "fuzzy.h"
#include "mem.h"
#include "ruleset.h"

enum key_kind { K_EXACT = 0, K_PREFIX = 1, K_FUZZY = 2, K_NKINDS };
#define KEY_MAKE(kind, id) (((uint32_t)(kind) << 30) | (uint32_t)(id))
#define KEY_KIND(k) ((k) >> 30)
#define KEY_ID(k) ((k)&0x3fffffffu)

enum ctype {
	C_ATOM,  /* a: trie node (a word or a phrase without slop) */
	C_SLOP,  /* kids[a .. a+b): the trie nodes of each term; n: slop */
	C_EXACT, /* a: trie node of its normalized form; b: str offset of its NFC text */
	C_REGEX, /* a: index in regex[] */
	C_LANG,  /* b: str offset of the language code */
	C_AND,   /* kids[a .. a+b): cnode indexes */
	C_OR,
	C_NOT, /* a: cnode */
	C_NEAR /* a, b: cnodes (C_ATOM, C_SLOP, C_EXACT or C_OR of them); n: distance */
};

struct cnode {
	uint8_t type;    /* enum ctype */
	uint8_t fields;  /* leaves: FM_* mask */
	uint8_t ordered; /* C_NEAR: ONEAR */
	uint32_t a, b;
	int32_t n;
	uint32_t atom; /* leaves: str offset of the atom as written */
};

#define NODE_TERMINAL 0x01
#define NODE_HAS_KIDS 0x02

struct edge {
	uint64_t key; /* (parent << 32) | key; 0 = empty slot */
	uint32_t child;
};

/*
 * The rule records of a set loaded from a cache, each made the first time
 * it is asked for (ruleset_rule, ruleset_disabled; rulecache_rule): a run
 * with 100,000 rules asks for the few thousand it hits, and making every
 * record at the load was half its cost (10 MB written). Threads of one
 * hark match share the set: the first to ask for a record marks it being
 * made, makes it in the pool, and publishes it; the others wait for it.
 */
struct rule_lazy {
	_Atomic(struct rule *) *made; /* nrules + noff: the record, NULL, or a mark while made */
	struct rule *pool;  /* as many records, calloc'd: a page written when one is made in it */
	atomic_size_t used; /* records of pool taken, in the order asked for */
	const void *saved;  /* the saved records in the blob (rulecache.c), of saved_size bytes */
	size_t saved_size;
	const char *rstr; /* the blob's rule strings */
	struct srcpos *pos;
	uint64_t nrstr;
};

/* The record of rule i (disabled ones after nrules) of a loaded set, made if it was not. */
const struct rule *rulecache_rule(const struct ruleset *rs, size_t i);

struct ruleset {
	struct rule *rules;
	uint32_t *rule_root; /* cnode index of each rule's query */
	size_t nrules, caprules;
	struct rule *off; /* the disabled rules: never compiled (ruleset_disabled) */
	size_t noff, capoff;
	size_t caproot;
	size_t natoms; /* leaves written in the queries, for the summary */
	/*
	 * Every rule id seen, refused rules too, for duplicates: idinfo[0..nids)
	 * in order, and ids, their dict, from the second file on. Within a file
	 * the rule file refuses duplicates itself (rulefile.c): one file, the
	 * common case, needs no dict, and 100,000 ids no second hash table.
	 */
	struct dict *ids;
	struct idinfo {
		const char *id; /* the rule file's, in strs */
		uint32_t file;  /* index in files[] */
		uint32_t line;
	} * idinfo;
	size_t nids, capidinfo;
	char **files;      /* owned; every file added, for messages and rule.file */
	struct arena strs; /* the strings of rules[] and off[]: the rule files' */
	size_t nfiles, capfiles;

	struct cnode *cn;
	size_t ncn, capcn;
	uint32_t *kids;
	size_t nkids, capkids;
	char *str; /* atom texts, exact texts, language codes */
	size_t nstr, capstr;

	struct dict *keys[K_NKINDS]; /* term text -> key id, per kind */
	struct fuzzy_index *fuzzy;
	uint8_t exact_len[256]; /* 1 when some exact term is that long (255: or longer) */
	uint8_t pfx_len[256];   /* 1 when some prefix is that many bytes long */
	uint8_t pfx_lens[256];  /* the distinct lengths, ascending */
	size_t npfx_lens;

	/* the trie; node 0 is the root */
	uint32_t *rootc[K_NKINDS]; /* key id -> child of the root, 0 = none */
	size_t rootcap[K_NKINDS];
	uint8_t *node_flags;
	size_t nnodes, capnodes;
	struct edge *edges;
	size_t nedges, edgemask;

	/*
	 * A filter over the texts of the exact and prefix keys that start a
	 * path (root children), built by ruleset_finish. A document token none
	 * of whose texts passes it starts no walk, so the matcher reads the
	 * large dictionaries only for the few tokens that pass and for the
	 * tokens a walk reaches. On watchlists of names the starts are the
	 * first names, far fewer than the words: the filter stays in L1 where
	 * the dictionaries do not fit in L2.
	 */
	uint64_t *root_filter;
	size_t root_fmask; /* its 64-bit words - 1 (a power of two - 1) */
	int root_fuzzy;    /* a fuzzy key starts a path: every token may */
	/*
	 * A filter over the first two steps of every path, built by
	 * ruleset_finish (pair_filter_build): for each child c of the root,
	 * along a key of text t1, the pair (t1, t2) for each child of c along
	 * a key of text t2, and (t1, none) when c ends a path or has a child
	 * along a fuzzy key (whose text is no token's). A token that passes
	 * the root filter starts a walk only when one of its texts and one of
	 * the next token's (or none) pass this one too: in a watchlist of
	 * names most tokens that are a first name are not followed by a last
	 * name of it, and then the dictionaries and the trie, which do not fit
	 * in L2, are not read at all. NULL when root_fuzzy (every token may
	 * start a path). Same shape as the root filter.
	 */
	uint64_t *pair_filter;
	size_t pair_fmask; /* its 64-bit words - 1 (a power of two - 1) */
	int pair_solo;     /* some (t1, none) are in: else a token alone is not tested */

	/* node -> rules using it (CSR, built by ruleset_finish) */
	uint32_t *use_off;
	uint32_t *use_rule;
	uint64_t *pairs; /* (node << 32 | rule), while building */
	size_t npairs, cappairs;

	pcre2_code **regex;
	size_t nregex, capregex;
	/*
	 * Each regex as written: its pattern (str offset) and its pcre2
	 * options, so that a cached set (rulecache.c) compiles them again
	 * rather than trusting pcre2's serialized code, which it cannot check.
	 */
	struct re_def {
		uint32_t pat, opts;
	} * re_def;
	size_t capre_def;

	/*
	 * A set loaded from a cache (rulecache_load): the arrays above that
	 * hold numbers (cn, kids, str, node_flags, edges, rootc, root_filter, pair_filter,
	 * use_off, use_rule, rule_root, always, re_def) and the dictionaries'
	 * arrays point into this one buffer, which it owns; rules (off after
	 * them) and files are two allocations of their own (strv: their string
	 * arrays), the strings in blob. NULL: a compiled set, each array its own.
	 */
	void *blob;
	char **strv;
	void (*blob_release)(void *, size_t); /* NULL: free(blob) (rulecache_set_release) */
	size_t blob_len;
	/* a loaded set's rule records, made when asked for; NULL: rules and off */
	struct rule_lazy *lazy;

	/* set by another thread to stop a compile (ruleset_set_cancel); not owned */
	const atomic_int *cancel;

	uint32_t *always; /* rules that must be tried on every document */
	size_t nalways, capalways;
	unsigned fields_used; /* FM_* of every field some rule reads */
	int finished;
};

/* The slot where the edge (parent << 32 | key) k is looked for first. */
static inline uint64_t
edge_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* The child of node along key, or 0. */
uint32_t ruleset_child(const struct ruleset *rs, uint32_t node, uint32_t key);

/*
 * The root filter is a blocked Bloom filter: three bits of one 64-bit word
 * per key, 16 to 32 bits per key, so that a test is one load and well under
 * 1 % of the tokens that start nothing pass.
 */
static inline uint64_t
root_bits(uint64_t h)
{
	return (1ull << (h & 63)) | (1ull << ((h >> 6) & 63)) | (1ull << ((h >> 12) & 63));
}

static inline size_t
root_word(const struct ruleset *rs, uint64_t h)
{
	return (size_t)(h >> 32) & rs->root_fmask;
}

/*
 * The hash of the root filter, run on every token of every document: texts
 * up to 16 bytes are read as two words with the bytes past the text masked
 * off (a table: the compiler makes branches of computed masks), one
 * multiplication and no branch on the length, which follows no pattern a
 * branch predictor could learn. Its bits only place filter bits: a
 * collision costs a dictionary lookup, never a wrong answer. p[0..16) must
 * be readable: token texts are (TOKEN_NORM_SLACK).
 */
extern const uint64_t root_masks[17][2]; /* the first n bytes of two words */

static inline uint64_t
root_hash16(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	return hash_mix((hash_load64(u) & root_masks[n][0]) ^ 0xa0761d6478bd642full ^ n,
	                (hash_load64(u + 8) & root_masks[n][1]) ^ 0xe7037ed1a0b428dbull);
}

/* The same hash of any text, s[0..n) alone readable. */
static inline uint64_t
root_hash(const char *s, size_t n)
{
	char buf[16] = {0};

	if (n > 16)
		return hash_bytes(s, n);
	memcpy(buf, s, n);
	return root_hash16(buf, n);
}

/* The pair filter's hash of texts hashed h1 and h2 (root_hash), or h1 alone (PAIR_NONE). */
#define PAIR_NONE 0x2545f4914f6cdd1dull

static inline uint64_t
pair_hash(uint64_t h1, uint64_t h2)
{
	return hash_mix(h1 ^ 0x8ebc6af09c88c6e3ull, h2 ^ 0x589965cc75374cc3ull);
}

/* The word of the pair filter for the texts whose pair_hash is ph. */
static inline size_t
pair_word(const struct ruleset *rs, uint64_t ph)
{
	return (size_t)(ph >> 32) & rs->pair_fmask;
}

/* Does the pair whose pair_hash is ph pass the filter? */
static inline int
ruleset_pair_has(const struct ruleset *rs, uint64_t ph)
{
	uint64_t b = root_bits(ph);

	return (rs->pair_filter[pair_word(rs, ph)] & b) == b;
}

/* May a path start with keys of the texts hashed h1 and h2 (or h1 alone: PAIR_NONE)? */
static inline int
ruleset_pair_maybe(const struct ruleset *rs, uint64_t h1, uint64_t h2)
{
	return ruleset_pair_has(rs, pair_hash(h1, h2));
}

/* May a path end at the root's child along a key of the text hashed h1, or continue by a fuzzy key?
 */
static inline int
ruleset_pair_solo(const struct ruleset *rs, uint64_t h1)
{
	return rs->pair_solo && ruleset_pair_maybe(rs, h1, PAIR_NONE);
}

/* May a key whose text hashes to h (root_hash) start a path? */
static inline int
ruleset_root_maybe(const struct ruleset *rs, uint64_t h)
{
	uint64_t b = root_bits(h);

	return (rs->root_filter[root_word(rs, h)] & b) == b;
}

/* Ask memory for what ruleset_rule(rs, i) will read: the matcher does, for each candidate. */
static inline void
ruleset_rule_prefetch(const struct ruleset *rs, size_t i)
{
	if (rs->lazy == NULL) {
		__builtin_prefetch(&rs->rules[i]);
		return;
	}
	__builtin_prefetch(&rs->lazy->made[i]);
	__builtin_prefetch((const char *)rs->lazy->saved + i * rs->lazy->saved_size);
}

#endif
