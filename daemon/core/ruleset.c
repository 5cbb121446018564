/*
 * ruleset.c: compile parsed queries into the shared structure of
 * ruleset_int.h. Terms are normalized with the same pipeline as documents
 * (token.c), so a rule and an article meet on equal terms.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "rulefile.h"
#include "mem.h"
#include "ruleset_int.h"
#include "token.h"
#include "utf8.h"

#define NONE UINT32_MAX

struct ruleset *
ruleset_new(void)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));

	if (rs == NULL)
		return NULL;
	for (int k = 0; k < K_NKINDS; k++)
		rs->keys[k] = dict_new();
	rs->ids = dict_new();
	rs->fuzzy = fuzzy_new();
	rs->edgemask = 1023;
	rs->edges = calloc(rs->edgemask + 1, sizeof(*rs->edges));
	rs->nnodes = 1; /* the root */
	if (mem_grow(&rs->node_flags, &rs->capnodes, 1024, 1) < 0)
		goto fail;
	rs->node_flags[0] = 0;
	/* offset 0 of the string pool is the empty string */
	if (mem_grow(&rs->str, &rs->capstr, 4096, 1) < 0)
		goto fail;
	rs->str[0] = '\0';
	rs->nstr = 1;
	if (rs->keys[0] == NULL || rs->keys[1] == NULL || rs->keys[2] == NULL || rs->ids == NULL ||
	    rs->fuzzy == NULL || rs->edges == NULL)
		goto fail;
	return rs;
fail:
	ruleset_free(rs);
	return NULL;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
ruleset_free(struct ruleset *rs)
{
	if (rs == NULL)
		return;
	if (rs->blob != NULL) {
		/* loaded (ruleset_int.h: blob) */
		for (int k = 0; k < K_NKINDS; k++)
			dict_free(rs->keys[k]);
		fuzzy_free(rs->fuzzy);
		for (size_t i = 0; i < rs->nregex; i++)
			pcre2_code_free(rs->regex[i]);
		free(rs->regex);
		if (rs->lazy != NULL) {
			free(rs->lazy->made);
			free(rs->lazy->pool);
			free(rs->lazy);
		}
		free(rs->strv);
		free(rs->files);
		if (rs->blob_release != NULL)
			rs->blob_release(rs->blob, rs->blob_len);
		else
			free(rs->blob);
		free(rs);
		return;
	}
	free(rs->rules);
	free(rs->off);
	arena_free(&rs->strs);
	free(rs->rule_root);
	dict_free(rs->ids);
	free(rs->idinfo);
	strv_free(rs->files, rs->nfiles);
	free(rs->cn);
	free(rs->kids);
	free(rs->str);
	for (int k = 0; k < K_NKINDS; k++) {
		dict_free(rs->keys[k]);
		free(rs->rootc[k]);
	}
	fuzzy_free(rs->fuzzy);
	free(rs->node_flags);
	free(rs->edges);
	free(rs->root_filter);
	free(rs->pair_filter);
	free(rs->use_off);
	free(rs->use_rule);
	free(rs->pairs);
	for (size_t i = 0; i < rs->nregex; i++)
		pcre2_code_free(rs->regex[i]);
	free(rs->regex);
	free(rs->re_def);
	free(rs->always);
	free(rs);
}

size_t
ruleset_nrules(const struct ruleset *rs)
{
	return rs->nrules;
}

int
ruleset_tagged(const struct ruleset *rs, const char *tag, const char *const *only, size_t nonly,
               const char ***ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	for (size_t i = 0; i < ruleset_nrules(rs); i++) {
		const struct rule *r = ruleset_rule(rs, i);
		const char **v;
		size_t j, k;

		for (j = 0; j < r->ntags && strcmp(r->tags[j], tag) != 0; j++)
			;
		if (j == r->ntags)
			continue;
		for (k = 0; k < nonly && strcmp(only[k], r->id) != 0; k++)
			;
		if (nonly > 0 && k == nonly)
			continue;
		if ((v = realloc(*ids, (*n + 1) * sizeof(*v))) == NULL) {
			free(*ids);
			*ids = NULL;
			*n = 0;
			return -1;
		}
		v[(*n)++] = r->id;
		*ids = v;
	}
	return 0;
}

size_t
ruleset_natoms(const struct ruleset *rs)
{
	return rs->natoms;
}

const struct rule *
ruleset_rule(const struct ruleset *rs, size_t i)
{
	return rs->lazy != NULL ? rulecache_rule(rs, i) : &rs->rules[i];
}

size_t
ruleset_ndisabled(const struct ruleset *rs)
{
	return rs->noff;
}

const struct rule *
ruleset_disabled(const struct ruleset *rs, size_t i)
{
	return rs->lazy != NULL ? rulecache_rule(rs, rs->nrules + i) : &rs->off[i];
}

size_t
ruleset_memory(const struct ruleset *rs)
{
	size_t m = sizeof(*rs) + rs->caprules * (sizeof(struct rule) + 4) +
	           rs->capcn * sizeof(struct cnode) + rs->capkids * 4 + rs->capstr + rs->capnodes +
	           (rs->edgemask + 1) * sizeof(struct edge) + rs->nnodes * 4 + rs->npairs * 4 +
	           (rs->root_filter ? (rs->root_fmask + 1) * 8 : 0) +
	           (rs->pair_filter ? (rs->pair_fmask + 1) * 8 : 0);

	for (int k = 0; k < K_NKINDS; k++)
		m += dict_memory(rs->keys[k]) + rs->rootcap[k] * 4;
	return m;
}

/* ---- the trie ---- */

uint32_t
ruleset_child(const struct ruleset *rs, uint32_t node, uint32_t key)
{
	uint64_t k;
	size_t i;

	if (node == 0) {
		uint32_t kind = KEY_KIND(key), id = KEY_ID(key);

		return id < rs->rootcap[kind] ? rs->rootc[kind][id] : 0;
	}
	if (!(rs->node_flags[node] & NODE_HAS_KIDS))
		return 0;
	k = ((uint64_t)node << 32) | key;
	for (i = edge_hash(k) & rs->edgemask; rs->edges[i].key != 0; i = (i + 1) & rs->edgemask)
		if (rs->edges[i].key == k)
			return rs->edges[i].child;
	return 0;
}

static int
edge_resize(struct ruleset *rs, size_t nmask)
{
	struct edge *ne = calloc(nmask + 1, sizeof(*ne));
	size_t i;

	if (ne == NULL)
		return -1;
	for (size_t j = 0; j <= rs->edgemask; j++) {
		if (rs->edges[j].key == 0)
			continue;
		for (i = edge_hash(rs->edges[j].key) & nmask; ne[i].key != 0; i = (i + 1) & nmask)
			;
		ne[i] = rs->edges[j];
	}
	free(rs->edges);
	rs->edges = ne;
	rs->edgemask = nmask;
	return 0;
}

/*
 * Start loading the slot of the edge from node along key, when node has
 * children: the lookup (ruleset_child) comes a little later, after work
 * that does not need it.
 */
static void
edge_prefetch(const struct ruleset *rs, uint32_t node, uint32_t key)
{
	if (node != 0 && (rs->node_flags[node] & NODE_HAS_KIDS))
		__builtin_prefetch(
		    &rs->edges[edge_hash(((uint64_t)node << 32) | key) & rs->edgemask]);
}

static int
edge_insert(struct ruleset *rs, uint64_t k, uint32_t child)
{
	size_t i;

	if ((rs->nedges + 1) * 2 > rs->edgemask + 1 && edge_resize(rs, rs->edgemask * 2 + 1) < 0)
		return -1;
	for (i = edge_hash(k) & rs->edgemask; rs->edges[i].key != 0; i = (i + 1) & rs->edgemask)
		;
	rs->edges[i].key = k;
	rs->edges[i].child = child;
	rs->nedges++;
	return 0;
}

static uint32_t
trie_new_node(struct ruleset *rs)
{
	if (rs->nnodes >= UINT32_MAX - 1 ||
	    mem_grow(&rs->node_flags, &rs->capnodes, rs->nnodes + 1, 1) < 0)
		return 0;
	rs->node_flags[rs->nnodes] = 0;
	return (uint32_t)rs->nnodes++;
}

/* The node reached from node along key, created when missing; 0 on ENOMEM. */
static uint32_t
trie_step(struct ruleset *rs, uint32_t node, uint32_t key)
{
	uint32_t child = ruleset_child(rs, node, key);

	if (child != 0)
		return child;
	child = trie_new_node(rs);
	if (child == 0)
		return 0;
	if (node == 0) {
		uint32_t kind = KEY_KIND(key), id = KEY_ID(key);
		size_t old = rs->rootcap[kind];

		if (mem_grow(&rs->rootc[kind], &rs->rootcap[kind], id + 1, 4) < 0)
			return 0;
		memset(rs->rootc[kind] + old, 0, (rs->rootcap[kind] - old) * 4);
		rs->rootc[kind][id] = child;
	} else {
		if (edge_insert(rs, ((uint64_t)node << 32) | key, child) < 0)
			return 0;
		rs->node_flags[node] |= NODE_HAS_KIDS;
	}
	return child;
}

/* ---- compiling one rule ---- */

#define WORDS_AHEAD 4 /* words tokenized before their keys are looked up (compile_words) */

struct compiler {
	struct ruleset *rs;
	struct diags *d;
	struct toklist tl[WORDS_AHEAD];
	uint32_t rule;
	int errors;
	uint32_t *keys; /* the key path of the term being compiled */
	size_t nkeys, capkeys;
	bool arabic; /* some exact key of the path is Arabic script (arabic_key) */
};

static uint32_t
str_add(struct ruleset *rs, const char *s, size_t n)
{
	uint32_t off;

	if (rs->nstr + n + 1 > UINT32_MAX ||
	    mem_grow(&rs->str, &rs->capstr, rs->nstr + n + 1, 1) < 0)
		return 0;
	off = (uint32_t)rs->nstr;
	memcpy(rs->str + off, s, n);
	rs->str[off + n] = '\0';
	rs->nstr += n + 1;
	return off;
}

static uint32_t
cnode_add(struct ruleset *rs, uint8_t type)
{
	if (mem_grow(&rs->cn, &rs->capcn, rs->ncn + 1, sizeof(*rs->cn)) < 0)
		return NONE;
	memset(&rs->cn[rs->ncn], 0, sizeof(*rs->cn));
	rs->cn[rs->ncn].type = type;
	return (uint32_t)rs->ncn++;
}

static void compile_error(struct compiler *c, const struct qnode *q, size_t off, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

static void
compile_error(struct compiler *c, const struct qnode *q, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diags_at(c->d, q->src, off, DIAG_ERROR, "%s", msg);
	c->errors++;
}

static int
key_push(struct compiler *c, uint32_t key)
{
	if (mem_grow(&c->keys, &c->capkeys, c->nkeys + 1, 4) < 0)
		return -1;
	c->keys[c->nkeys++] = key;
	return 0;
}

static int
key_intern(struct compiler *c, int kind, const char *t, size_t n, int budget, uint32_t *key)
{
	struct ruleset *rs = c->rs;
	int64_t id;
	int added = 0;

	if (kind == K_FUZZY) {
		/* one key per (budget, term): the budget is part of its identity */
		char buf[512];

		if (n + 1 >= sizeof(buf))
			return -1;
		buf[0] = (char)('0' + budget);
		memcpy(buf + 1, t, n);
		id = dict_intern(rs->keys[K_FUZZY], buf, n + 1, &added);
		if (id >= 0 && added && fuzzy_add(rs->fuzzy, t, n, budget, (uint32_t)id) < 0)
			return -1;
	} else {
		id = dict_intern(rs->keys[kind], t, n, &added);
		if (id >= 0 && kind == K_EXACT)
			rs->exact_len[n < 255 ? n : 255] = 1;
		if (id >= 0 && kind == K_PREFIX && !rs->pfx_len[n]) {
			size_t i = rs->npfx_lens;

			rs->pfx_len[n] = 1;
			while (i > 0 && rs->pfx_lens[i - 1] > n) {
				rs->pfx_lens[i] = rs->pfx_lens[i - 1];
				i--;
			}
			rs->pfx_lens[i] = (uint8_t)n;
			rs->npfx_lens++;
		}
	}
	if (id < 0 || id > 0x3fffffff)
		return -1;
	*key = KEY_MAKE(kind, id);
	return 0;
}

/*
 * Can NFC change text? Not when it holds no byte of 0xCC or above: every
 * code point below U+0300 is a starter NFC keeps, and only a mark from
 * U+0300 on (lead byte 0xCC and above) composes with one. Invalid bytes
 * read as U+FFFD either way. Most rule words are such text: compiling
 * 100,000 names then makes no copy.
 */
static int
nfc_may_change(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p >= 0xCC)
			return 1;
	return 0;
}

/* The tokens of one written word into tl. 0, or -1 when out of memory. */
static int
word_tokens(const char *text, struct toklist *tl)
{
	size_t nfclen;
	char *nfc;
	int r;

	/*
	 * Documents are put in NFC when they are built (doc.c): the rule word
	 * too, so that one typed decomposed (Hangul jamo, e + U+0301, ە + hamza
	 * above) gives the tokens of the composed text (RULES.md §3).
	 */
	toklist_clear(tl);
	/* most words are NFC already (Arabic ones too): no copy */
	if (!nfc_may_change(text) || !utf8_clean_changes(text, strlen(text)))
		return token_split(text, strlen(text), tl) < 0 ? -1 : 0;
	if ((nfc = utf8_clean(text, strlen(text), &nfclen)) == NULL)
		return -1;
	r = token_split(nfc, nfclen, tl);
	free(nfc);
	return r < 0 ? -1 : 0;
}

/* Append the keys of one written word (RULES.md §2 modes), its tokens in tl, to c->keys. */
static int
word_keys(struct compiler *c, const struct qnode *q, const struct qword *w,
          const struct toklist *tl)
{
	if (tl->n == 0 && q->nwords > 1 && w->mode == QW_PLAIN)
		return 0; /* "Tom & Jerry": punctuation between words, as in the text */
	if (tl->n == 0) {
		/* another tool's operator (Lucene's && || !) names hark's; a # or ; is no comment
		 * there */
		const char *op = strcmp(w->text, "&&") == 0   ? " (the operator is AND)"
		                 : strcmp(w->text, "||") == 0 ? " (the operator is OR)"
		                 : strcmp(w->text, "!") == 0  ? " (the operator is NOT, or -)"
		                 : w->text[0] == '#' || w->text[0] == ';'
		                     ? " (a comment takes a whole line)"
		                     : "";
		compile_error(c, q, w->off, "'%s' has no letters or digits%s", w->text, op);
		return 1;
	}
	/*
	 * A fuzzy word that is several tokens (al-Masri~, Jean-Pierre~) is
	 * fuzzy in each: a phrase of them, each token with the budget its own
	 * length allows (al: none), or the explicit one where that allows any.
	 * In a script without spaces every character is a token: exact.
	 */
	int fuzzy = w->mode == QW_FUZZY && (tl->n == 1 || tl->v[0].script != SCRIPT_NOSPACE);

	for (size_t i = 0; i < tl->n; i++) {
		const struct token *t = &tl->v[i];
		const char *s = token_text(tl, t);
		int kind = K_EXACT, budget = 0;
		uint32_t key;

		if (w->mode == QW_PREFIX && i + 1 == tl->n) {
			kind = K_PREFIX;
			if (t->normlen > 255) {
				compile_error(c, q, w->off, "prefix longer than 255 bytes");
				return 1;
			}
		} else if (fuzzy) {
			int own = fuzzy_auto_budget(utf8_count(s, t->normlen));

			budget = w->budget < 0 || (tl->n > 1 && own == 0) ? own : w->budget;
			if (budget > 0)
				kind = K_FUZZY;
		}
		if (key_intern(c, kind, s, t->normlen, budget, &key) < 0 || key_push(c, key) < 0)
			return -1;
		if (kind == K_EXACT && t->normlen > 0 && !c->arabic) {
			uint32_t cp;

			(void)utf8_decode((const unsigned char *)s, t->normlen, &cp);
			c->arabic = script_of(cp) == SCRIPT_ARABIC;
		}
	}
	return 0;
}

/*
 * A phrase whose words all lack letters and digits ("& ..."): the error
 * word_keys() leaves to the end, at its first word. Returns 1 then, else 0.
 */
static int
words_none(struct compiler *c, const struct qnode *q)
{
	if (c->nkeys > 0 || q->nwords == 0)
		return 0;
	compile_error(c, q, q->words[0].off, "'%s' has no letters or digits", q->words[0].text);
	return 1;
}

/* The keys of one written word from its text (exact phrases, one word at a time). */
static int
compile_word(struct compiler *c, const struct qnode *q, const struct qword *w, const char *text)
{
	if (word_tokens(text, &c->tl[0]) < 0)
		return -1;
	return word_keys(c, q, w, &c->tl[0]);
}

/* The trie node of the current key path, marked as an atom. */
static uint32_t
compile_path(struct compiler *c)
{
	uint32_t node = 0;

	for (size_t i = 0; i < c->nkeys; i++) {
		node = trie_step(c->rs, node, c->keys[i]);
		if (node == 0)
			return NONE;
	}
	c->rs->node_flags[node] |= NODE_TERMINAL;
	return node;
}

static int
use_add(struct compiler *c, uint32_t node)
{
	struct ruleset *rs = c->rs;

	if (mem_grow(&rs->pairs, &rs->cappairs, rs->npairs + 1, 8) < 0)
		return -1;
	rs->pairs[rs->npairs++] = ((uint64_t)node << 32) | c->rule;
	return 0;
}

static uint32_t compile_node(struct compiler *c, const struct qnode *q, int negated);

static uint32_t
leaf_new(struct compiler *c, const struct qnode *q, uint8_t type)
{
	uint32_t i = cnode_add(c->rs, type);

	if (i == NONE)
		return NONE;
	c->rs->cn[i].fields = (uint8_t)(q->fields ? q->fields : FM_DEFAULT);
	c->rs->cn[i].atom = str_add(c->rs, q->atom ? q->atom : "", q->atom ? strlen(q->atom) : 0);
	c->rs->fields_used |= c->rs->cn[i].fields;
	c->rs->natoms++;
	return i;
}

/*
 * The leaf of the key path c->keys[0..nkeys): a slop phrase of two keys or
 * more is one atom per key, anything else one atom. Returns the cnode.
 */
static uint32_t
compile_leaf(struct compiler *c, const struct qnode *q, int negated)
{
	uint32_t i, node;

	if (q->type == Q_PHRASE && q->slop > 0 && c->nkeys > 1) {
		/* each term its own atom; the evaluator checks order and gaps */
		size_t nk = c->nkeys, first;
		uint32_t *keys = c->keys;

		i = leaf_new(c, q, C_SLOP);
		if (i == NONE || mem_grow(&c->rs->kids, &c->rs->capkids, c->rs->nkids + nk, 4) < 0)
			return NONE;
		first = c->rs->nkids;
		c->rs->nkids += nk;
		for (size_t k = 0; k < nk; k++) {
			uint32_t key = keys[k];

			c->nkeys = 0;
			if (key_push(c, key) < 0 || (node = compile_path(c)) == NONE)
				return NONE;
			c->rs->kids[first + k] = node;
			if (!negated && use_add(c, node) < 0)
				return NONE;
		}
		c->rs->cn[i].a = (uint32_t)first;
		c->rs->cn[i].b = (uint32_t)nk;
		c->rs->cn[i].n = q->slop;
		return i;
	}
	node = compile_path(c);
	if (node == NONE)
		return NONE;
	i = leaf_new(c, q, C_ATOM);
	if (i == NONE)
		return NONE;
	c->rs->cn[i].a = node;
	if (!negated && use_add(c, node) < 0)
		return NONE;
	return i;
}

/*
 * Latin letters a name is also spelt without (RULES.md §4): German ä ö ü
 * (precomposed, or a o u and U+0308) as ae oe ue, Serbo-Croatian đ Đ as dj
 * Dj (Đoković is Djokovic in English text), Azerbaijani ə Ə as e E (Məmmədov
 * is Memmedov too); their folds (u, d, a) already match. All of them at once,
 * in a new string the caller frees; NULL when the text has none (or out of
 * memory: the variant is then not made).
 */
static char *
umlaut_spelling(const char *text)
{
	size_t n = strlen(text), k = 0;
	char *out;
	int any = 0;

	out = malloc(n + 1); /* ä (2 bytes) -> ae, a + U+0308 (3) -> ae, đ -> dj: never longer */
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)text[i], b2 = (unsigned char)text[i + 1];

		if (b == 0xC3 && (b2 == 0xA4 || b2 == 0xB6 || b2 == 0xBC || b2 == 0x84 ||
		                  b2 == 0x96 || b2 == 0x9C)) {
			/* ä ö ü Ä Ö Ü: C3 A4 B6 BC 84 96 9C */
			char base = b2 == 0xA4   ? 'a'
			            : b2 == 0xB6 ? 'o'
			            : b2 == 0xBC ? 'u'
			            : b2 == 0x84 ? 'A'
			            : b2 == 0x96 ? 'O'
			                         : 'U';

			out[k++] = base;
			out[k++] = (base >= 'a') ? 'e' : 'E';
			i++;
			any = 1;
		} else if (b == 0xCC && b2 == 0x88 && k > 0 &&
		           strchr("aouAOU", out[k - 1]) != NULL) {
			out[k] = (out[k - 1] >= 'a') ? 'e' : 'E';
			k++;
			i++;
			any = 1;
		} else if (b == 0xC4 && (b2 == 0x91 || b2 == 0x90)) {
			/* đ Đ: C4 91, C4 90 */
			out[k++] = b2 == 0x91 ? 'd' : 'D';
			out[k++] = 'j';
			i++;
			any = 1;
		} else if ((b == 0xC9 && b2 == 0x99) || (b == 0xC6 && b2 == 0x8F)) {
			/* ə Ə: C9 99, C6 8F */
			out[k++] = b == 0xC9 ? 'e' : 'E';
			i++;
			any = 1;
		} else {
			out[k++] = (char)b;
		}
	}
	out[k] = '\0';
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Persian ZWNJ (RULES.md §4): the text of w with each U+200C spelt as a
 * space, in a new string the caller frees (NULL for a fuzzy word); NULL when the text has none (or
 * out of memory: the variant is then not made). Normalization deletes ZWNJ, so the word as written
 * matches it joined; this spelling matches it apart.
 */
static char *
zwnj_spelling(const struct qword *w)
{
	const char *text = w->text;
	size_t n = strlen(text), k = 0;
	char *out;

	/* a fuzzy word is one word: apart, it would be two */
	if (w->mode == QW_FUZZY || strstr(text, "\xE2\x80\x8C") == NULL)
		return NULL;
	out = malloc(n + 1); /* 3 bytes -> 1: never longer */
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(text + i, "\xE2\x80\x8C", 3) == 0) {
			out[k++] = ' ';
			i += 2;
		} else {
			out[k++] = text[i];
		}
	}
	out[k] = '\0';
	return out;
}

/*
 * Normalized forms of the parts of Arabic compound names, and of the
 * Persian parts written after or before a ZWNJ (RULES.md §4): the verb
 * prefixes می نمی; the suffixes ای (ezafe, indefinite), ها های هایی
 * (plural), تر ترین (comparative, superlative). Joined (the ZWNJ deleted)
 * or apart, they match alike.
 */
struct ar_part {
	const char *s;
	size_t n;
};
#define AR_PART(lit)                                                                               \
	{                                                                                          \
		lit, sizeof(lit) - 1                                                               \
	}
static const struct ar_part ar_compound_first[] = {
    AR_PART("عبد"), AR_PART("ابو"), AR_PART("ابن"),
    AR_PART("بن"),  AR_PART("مي"),  AR_PART("نمي"), /* Persian: می نمی */
};
static const struct ar_part ar_compound_second[] = {
    AR_PART("الله"),
    AR_PART("الدين"),
    AR_PART("الرحمن"),
    /* Persian (ی folded to ي): ای ها های هایی تر ترین */
    AR_PART("اي"),
    AR_PART("ها"),
    AR_PART("هاي"),
    AR_PART("هايي"),
    AR_PART("تر"),
    AR_PART("ترين"),
};

/* Their lengths known: tried at every character boundary of every Arabic word. */
static int
in_list(const struct ar_part *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].n == len && memcmp(list[i].s, s, len) == 0)
			return 1;
	return 0;
}

#define NLIST(a) (sizeof(a) / sizeof((a)[0]))

/* The text of an exact key in Arabic script, or NULL. */
static const char *
arabic_key(const struct compiler *c, uint32_t key, size_t *len)
{
	const char *s;
	uint32_t cp;

	if (KEY_KIND(key) != K_EXACT)
		return NULL;
	s = dict_key(c->rs->keys[K_EXACT], KEY_ID(key), len);
	if (s == NULL || *len == 0)
		return NULL;
	(void)utf8_decode((const unsigned char *)s, *len, &cp);
	return script_of(cp) == SCRIPT_ARABIC ? s : NULL;
}

#define MAX_VARIANTS 8

struct variants {
	uint32_t *keys[MAX_VARIANTS]; /* owned key paths */
	size_t nkeys[MAX_VARIANTS];
	int n;
};

/* Add a copy of keys[0..n) as a variant; silently none when full or already there. */
static int
variant_add(struct variants *v, const uint32_t *keys, size_t n)
{
	if (v->n >= MAX_VARIANTS)
		return 0;
	for (int k = 0; k < v->n; k++)
		if (v->nkeys[k] == n && memcmp(v->keys[k], keys, n * sizeof(*keys)) == 0)
			return 0; /* a ZWNJ before ای spells what the split of ای gives */
	v->keys[v->n] = malloc((n ? n : 1) * sizeof(*keys));
	if (v->keys[v->n] == NULL)
		return -1;
	memcpy(v->keys[v->n], keys, n * sizeof(*keys));
	v->nkeys[v->n++] = n;
	return 0;
}

/*
 * Arabic compound names (RULES.md §4): written apart, the pair of exact
 * keys at k and k + 1 also matches joined (نصر الله, عبد الله); a key that
 * splits into such a pair also matches the pair (ابوبكر). Each variant
 * changes one place of the primary path keys[0..n).
 */
static int
arabic_variants(struct compiler *c, const uint32_t *keys, size_t n, struct variants *v)
{
	uint32_t tmp[256], key;
	char buf[512];
	const char *a, *b;
	size_t la, lb;

	if (n + 1 > sizeof(tmp) / sizeof(tmp[0]))
		return 0;
	for (size_t k = 0; k < n; k++) {
		if ((a = arabic_key(c, keys[k], &la)) == NULL)
			continue;
		/* joined: this key and the next */
		if (k + 1 < n && (b = arabic_key(c, keys[k + 1], &lb)) != NULL &&
		    la + lb < sizeof(buf) &&
		    (in_list(ar_compound_first, NLIST(ar_compound_first), a, la) ||
		     in_list(ar_compound_second, NLIST(ar_compound_second), b, lb))) {
			memcpy(buf, a, la);
			memcpy(buf + la, b, lb);
			if (key_intern(c, K_EXACT, buf, la + lb, 0, &key) < 0)
				return -1;
			memcpy(tmp, keys, k * sizeof(*keys));
			tmp[k] = key;
			memcpy(tmp + k + 1, keys + k + 2, (n - k - 2) * sizeof(*keys));
			if (variant_add(v, tmp, n - 1) < 0)
				return -1;
			a = arabic_key(c, keys[k], &la); /* the dict may have grown */
		}
		/* apart: this key split after a first part, or before a second */
		for (size_t at = 1; at < la; at++) {
			int split = 0;
			uint32_t k1, k2;

			if (((unsigned char)a[at] & 0xC0) == 0x80)
				continue;
			if (in_list(ar_compound_first, NLIST(ar_compound_first), a, at) &&
			    utf8_count(a + at, la - at) >= 2)
				split = 1;
			if (in_list(ar_compound_second, NLIST(ar_compound_second), a + at,
			            la - at) &&
			    utf8_count(a, at) >= 2)
				split = 1;
			if (!split || la >= sizeof(buf))
				continue;
			memcpy(buf, a, la); /* a may move when the dict grows */
			if (key_intern(c, K_EXACT, buf, at, 0, &k1) < 0 ||
			    key_intern(c, K_EXACT, buf + at, la - at, 0, &k2) < 0)
				return -1;
			memcpy(tmp, keys, k * sizeof(*keys));
			tmp[k] = k1;
			tmp[k + 1] = k2;
			memcpy(tmp + k + 2, keys + k + 1, (n - k - 1) * sizeof(*keys));
			if (variant_add(v, tmp, n + 1) < 0)
				return -1;
			a = arabic_key(c, keys[k], &la);
		}
	}
	return 0;
}

/*
 * The keys of every word of q, from its written text or, with spell, from
 * the spelling it gives (umlauts as ae oe ue, ZWNJ as a space) where it
 * gives one. Returns 0, 1 after an error was reported, -1 when out of
 * memory.
 */
static int
compile_words(struct compiler *c, const struct qnode *q, char *(*spell)(const struct qword *))
{
	int r = 0;

	c->nkeys = 0;
	c->arabic = false;
	/*
	 * A few words at a time: all tokenized, their dictionary slots
	 * prefetched, then looked up. In a dictionary of 100,000 names each
	 * lookup misses the caches; so the misses of a name's words overlap.
	 */
	for (size_t w0 = 0; w0 < q->nwords && r == 0; w0 += WORDS_AHEAD) {
		size_t nb = q->nwords - w0 < WORDS_AHEAD ? q->nwords - w0 : WORDS_AHEAD;

		for (size_t j = 0; j < nb; j++) {
			const char *text = q->words[w0 + j].text;
			char *alt = spell != NULL ? spell(&q->words[w0 + j]) : NULL;
			struct toklist *tl = &c->tl[j];

			r = word_tokens(alt != NULL ? alt : text, tl);
			free(alt);
			if (r < 0)
				return -1;
			for (size_t i = 0; i < tl->n; i++)
				dict_prefetch(c->rs->keys[K_EXACT], token_text(tl, &tl->v[i]),
				              tl->v[i].normlen);
		}
		for (size_t j = 0; j < nb && r == 0; j++)
			r = word_keys(c, q, &q->words[w0 + j], &c->tl[j]);
	}
	return r == 0 ? words_none(c, q) : r;
}

static int
has_zwnj(const struct qnode *q)
{
	for (size_t w = 0; w < q->nwords; w++)
		if (q->words[w].mode != QW_FUZZY &&
		    strstr(q->words[w].text, "\xE2\x80\x8C") != NULL)
			return 1;
	return 0;
}

/* umlaut_spelling() of a written word, for compile_words(). */
static char *
umlaut_word(const struct qword *w)
{
	return umlaut_spelling(w->text);
}

static int
has_umlaut(const struct qnode *q)
{
	for (size_t w = 0; w < q->nwords; w++) {
		const char *t = q->words[w].text;
		char *alt;

		/* they start with byte C3 (ä), CC (U+0308), C4 (đ), C6 (Ə) or C9 (ə): most words
		 * have none */
		if (strchr(t, '\xC3') == NULL && strchr(t, '\xCC') == NULL &&
		    strchr(t, '\xC4') == NULL && strchr(t, '\xC6') == NULL &&
		    strchr(t, '\xC9') == NULL)
			continue;
		if ((alt = umlaut_spelling(t)) != NULL) {
			free(alt);
			return 1;
		}
	}
	return 0;
}

/*
 * A word or phrase with its variants (German umlauts spelt out, Arabic
 * compound names and Persian words at a ZWNJ joined or apart): the leaf
 * of each, under an OR when there are several. The variants are the same
 * atom as written.
 */
static uint32_t
compile_variants(struct compiler *c, const struct qnode *q, int negated)
{
	struct variants v = {0};
	uint32_t kids[MAX_VARIANTS + 1], i = NONE;
	size_t nk = 0, first;
	int r;

	if ((r = compile_words(c, q, NULL)) != 0)
		return r < 0 ? NONE : NONE - 1;
	/* the path's second step misses the caches in a trie of 100,000 names */
	if (c->nkeys > 1)
		edge_prefetch(c->rs, ruleset_child(c->rs, 0, c->keys[0]), c->keys[1]);
	/* without an Arabic key no compound: the keys' texts are not read again */
	if (variant_add(&v, c->keys, c->nkeys) < 0 ||
	    (c->arabic && arabic_variants(c, v.keys[0], v.nkeys[0], &v) < 0))
		goto out;
	if (has_umlaut(q)) {
		if ((r = compile_words(c, q, umlaut_word)) != 0) {
			i = r < 0 ? NONE : NONE - 1;
			goto out;
		}
		if (variant_add(&v, c->keys, c->nkeys) < 0)
			goto out;
	}
	if (has_zwnj(q)) {
		if ((r = compile_words(c, q, zwnj_spelling)) != 0) {
			i = r < 0 ? NONE : NONE - 1;
			goto out;
		}
		if (variant_add(&v, c->keys, c->nkeys) < 0)
			goto out;
	}
	for (int k = 0; k < v.n; k++) {
		c->nkeys = 0;
		for (size_t j = 0; j < v.nkeys[k]; j++)
			if (key_push(c, v.keys[k][j]) < 0)
				goto out;
		kids[nk] = compile_leaf(c, q, negated);
		if (kids[nk] >= NONE - 1)
			goto out;
		if (k > 0)
			c->rs->natoms--; /* one atom as written, whatever its spellings */
		nk++;
	}
	if (nk == 1) {
		i = kids[0];
		goto out;
	}
	i = cnode_add(c->rs, C_OR);
	if (i == NONE || mem_grow(&c->rs->kids, &c->rs->capkids, c->rs->nkids + nk, 4) < 0) {
		i = NONE;
		goto out;
	}
	first = c->rs->nkids;
	memcpy(c->rs->kids + first, kids, nk * sizeof(*kids));
	c->rs->nkids += nk;
	c->rs->cn[i].a = (uint32_t)first;
	c->rs->cn[i].b = (uint32_t)nk;
out:
	for (int k = 0; k < v.n; k++)
		free(v.keys[k]);
	return i;
}

static uint32_t
compile_terms(struct compiler *c, const struct qnode *q, int negated)
{
	uint32_t i, node;
	int r;

	if (q->type != Q_EXACT)
		return compile_variants(c, q, negated);
	c->nkeys = 0;
	for (size_t w = 0; w < q->nwords; w++) {
		r = compile_word(c, q, &q->words[w], q->words[w].text);
		if (r == 0 && w + 1 == q->nwords)
			r = words_none(c, q);
		if (r != 0)
			return r < 0 ? NONE : NONE - 1;
	}
	node = compile_path(c);
	if (node == NONE)
		return NONE;
	i = leaf_new(c, q, q->type == Q_EXACT ? C_EXACT : C_ATOM);
	if (i == NONE)
		return NONE;
	c->rs->cn[i].a = node;
	if (!negated && use_add(c, node) < 0)
		return NONE;
	if (q->type == Q_EXACT) {
		/* compared on NFC text, white space runs read as one space */
		char *joined = NULL, *nfc;
		size_t len = 0, nfclen;

		for (size_t w = 0; w < q->nwords; w++)
			len += strlen(q->words[w].text) + 1;
		joined = malloc(len + 1);
		if (joined == NULL)
			return NONE;
		len = 0;
		for (size_t w = 0; w < q->nwords; w++) {
			size_t n = strlen(q->words[w].text);

			if (w > 0)
				joined[len++] = ' ';
			memcpy(joined + len, q->words[w].text, n);
			len += n;
		}
		nfc = utf8_clean(joined, len, &nfclen);
		free(joined);
		if (nfc == NULL)
			return NONE;
		c->rs->cn[i].b = str_add(c->rs, nfc, nfclen);
		free(nfc);
	}
	return i;
}

static uint32_t
compile_regex(struct compiler *c, const struct qnode *q)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	int err;
	PCRE2_SIZE erroff;
	pcre2_code *re;
	uint32_t i, pat;

	if (q->reflags & QRE_CASELESS)
		opts |= PCRE2_CASELESS;
	if (q->reflags & QRE_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (q->reflags & QRE_DOTALL)
		opts |= PCRE2_DOTALL;
	if (q->reflags & QRE_EXTENDED)
		opts |= PCRE2_EXTENDED;
	re =
	    pcre2_compile((PCRE2_SPTR)q->pattern, PCRE2_ZERO_TERMINATED, opts, &err, &erroff, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		compile_error(c, q, q->off, "regular expression: %s", (char *)msg);
		return NONE - 1;
	}
	/* JIT is an optimization: when it fails the interpreter runs the pattern */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (mem_grow(&c->rs->regex, &c->rs->capregex, c->rs->nregex + 1, sizeof(*c->rs->regex)) <
	    0) {
		pcre2_code_free(re);
		return NONE;
	}
	if (mem_grow(&c->rs->re_def, &c->rs->capre_def, c->rs->nregex + 1, sizeof(*c->rs->re_def)) <
	        0 ||
	    (pat = str_add(c->rs, q->pattern, strlen(q->pattern))) == 0) {
		pcre2_code_free(re);
		return NONE;
	}
	c->rs->regex[c->rs->nregex] = re;
	c->rs->re_def[c->rs->nregex].opts = opts;
	c->rs->re_def[c->rs->nregex].pat = pat;
	i = leaf_new(c, q, C_REGEX);
	if (i == NONE)
		return NONE;
	c->rs->cn[i].a = (uint32_t)c->rs->nregex++;
	return i;
}

static int
near_operand_ok(const struct ruleset *rs, uint32_t i)
{
	const struct cnode *n = &rs->cn[i];

	if (n->type == C_ATOM || n->type == C_SLOP || n->type == C_EXACT)
		return 1;
	if (n->type != C_OR)
		return 0;
	for (uint32_t k = 0; k < n->b; k++)
		if (!near_operand_ok(rs, rs->kids[n->a + k]))
			return 0;
	return 1;
}

static uint32_t
compile_group(struct compiler *c, const struct qnode *q, int negated)
{
	uint32_t *tmp, i, first;

	tmp = malloc((q->nkids ? q->nkids : 1) * sizeof(*tmp));
	if (tmp == NULL)
		return NONE;
	for (size_t k = 0; k < q->nkids; k++) {
		tmp[k] = compile_node(c, q->kids[k], negated || q->type == Q_NOT);
		if (tmp[k] >= NONE - 1) {
			uint32_t r = tmp[k];

			free(tmp);
			return r;
		}
	}
	i = cnode_add(c->rs, q->type == Q_AND   ? C_AND
	                     : q->type == Q_OR  ? C_OR
	                     : q->type == Q_NOT ? C_NOT
	                                        : C_NEAR);
	if (i == NONE || mem_grow(&c->rs->kids, &c->rs->capkids, c->rs->nkids + q->nkids, 4) < 0) {
		free(tmp);
		return NONE;
	}
	first = (uint32_t)c->rs->nkids;
	memcpy(c->rs->kids + first, tmp, q->nkids * sizeof(*tmp));
	c->rs->nkids += q->nkids;
	free(tmp);
	switch (q->type) {
	case Q_NOT:
		c->rs->cn[i].a = c->rs->kids[first];
		break;
	case Q_NEAR:
		c->rs->cn[i].a = c->rs->kids[first];
		c->rs->cn[i].b = c->rs->kids[first + 1];
		c->rs->cn[i].n = q->near;
		c->rs->cn[i].ordered = q->ordered;
		for (int k = 0; k < 2; k++)
			if (!near_operand_ok(c->rs, c->rs->kids[first + k])) {
				compile_error(
				    c, q->kids[k], q->kids[k]->off,
				    "NEAR takes words, phrases, prefixes, fuzzy words and "
				    "OR-groups of them");
				return NONE - 1;
			}
		break;
	default:
		c->rs->cn[i].a = first;
		c->rs->cn[i].b = (uint32_t)q->nkids;
	}
	return i;
}

/*
 * Compile q below a NOT (negated) or not. Returns the cnode index, NONE when
 * out of memory, NONE - 1 after reporting an error.
 */
static uint32_t
compile_node(struct compiler *c, const struct qnode *q, int negated)
{
	uint32_t i;

	switch (q->type) {
	case Q_WORD:
	case Q_PHRASE:
	case Q_EXACT:
		return compile_terms(c, q, negated);
	case Q_REGEX:
		return compile_regex(c, q);
	case Q_LANG:
		i = leaf_new(c, q, C_LANG);
		if (i != NONE)
			c->rs->cn[i].b = str_add(c->rs, q->lang, strlen(q->lang));
		return i;
	case Q_AND:
	case Q_OR:
	case Q_NOT:
	case Q_NEAR:
		return compile_group(c, q, negated);
	}
	return NONE;
}

/*
 * Whether the node can be true only when some token atom occurs in the
 * document (outside any NOT). Rules for which this is false (a bare regex,
 * lang:xx alone) are tried on every document; all others only when one of
 * their atoms occurred.
 */
static int
needs_token(const struct ruleset *rs, uint32_t i)
{
	const struct cnode *n = &rs->cn[i];

	switch (n->type) {
	case C_ATOM:
	case C_SLOP:
	case C_EXACT:
	case C_NEAR:
		return 1;
	case C_AND:
		for (uint32_t k = 0; k < n->b; k++)
			if (needs_token(rs, rs->kids[n->a + k]))
				return 1;
		return 0;
	case C_OR:
		for (uint32_t k = 0; k < n->b; k++)
			if (!needs_token(rs, rs->kids[n->a + k]))
				return 0;
		return n->b > 0;
	default:
		return 0;
	}
}

/*
 * The rule's strings are the rule file's (its arena passes to the ruleset,
 * ruleset_add_file), its file the ruleset's copy of the path: 100,000 rules
 * make no allocation each, and are freed at once.
 */
static void
rule_fill(struct rule *r, const struct rule_def *def, char *path)
{
	*r = (struct rule){
	    .id = def->id,
	    .name = def->name,
	    .tags = def->tags,
	    .ntags = def->ntags,
	    .notify = def->notify,
	    .nnotify = def->nnotify,
	    .notify_at = def->notify_at,
	    .langs = def->langs,
	    .nlangs = def->nlangs,
	    .query = def->query,
	    .file = path,
	    .line = def->line,
	    .enabled = def->enabled,
	};
}

/* Compile one parsed rule; 0 added, 1 refused with diagnostics, -1 ENOMEM. */
static int
ruleset_add_rule(struct ruleset *rs, struct compiler *c, const char *path,
                 const struct rule_def *def, const struct query_opts *o)
{
	struct query *q;
	uint32_t root;
	int added;
	size_t ncn = rs->ncn, nkids = rs->nkids, npairs = rs->npairs, nre = rs->nregex;
	size_t natoms = rs->natoms;
	int64_t id;

	if (rs->nfiles == 1) {
		/* the rule file refused its own duplicates: no lookup (ruleset_int.h) */
		id = (int64_t)rs->nids;
		added = 1;
	} else if ((id = dict_intern(rs->ids, def->id, strlen(def->id), &added)) < 0) {
		return -1;
	}
	if (!added) {
		const struct idinfo *first = &rs->idinfo[id];

		diags_add(c->d, path, def->line, 0, DIAG_ERROR,
		          "duplicate rule id '%s' (first defined at %s:%u)", def->id,
		          rs->files[first->file], first->line);
		return 1;
	}
	if (mem_grow(&rs->idinfo, &rs->capidinfo, (size_t)id + 1, sizeof(*rs->idinfo)) < 0)
		return -1;
	rs->idinfo[id].id = def->id;
	rs->idinfo[id].file = (uint32_t)(rs->nfiles - 1);
	rs->idinfo[id].line = def->line;
	rs->nids = (size_t)id + 1;
	if (mem_grow(&rs->rules, &rs->caprules, rs->nrules + 1, sizeof(*rs->rules)) < 0 ||
	    mem_grow(&rs->rule_root, &rs->caproot, rs->nrules + 1, 4) < 0)
		return -1;
	q = query_parse(def->query, def->query_len, &def->qmap, o, c->d);
	if (q == NULL) {
		c->errors++;
		goto refuse;
	}
	c->rule = (uint32_t)rs->nrules;
	root = compile_node(c, query_root(q), 0);
	query_free(q);
	if (root == NONE)
		return -1;
	if (root == NONE - 1)
		goto refuse;
	rule_fill(&rs->rules[rs->nrules], def, rs->files[rs->nfiles - 1]);
	rs->rule_root[rs->nrules] = root;
	if (!needs_token(rs, root)) {
		if (mem_grow(&rs->always, &rs->capalways, rs->nalways + 1, 4) < 0)
			return -1;
		rs->always[rs->nalways++] = (uint32_t)rs->nrules;
	}
	rs->nrules++;
	return 0;
refuse:
	/* forget what the refused rule compiled; its trie paths stay, unused */
	for (size_t k = nre; k < rs->nregex; k++)
		pcre2_code_free(rs->regex[k]);
	rs->nregex = nre;
	rs->ncn = ncn;
	rs->nkids = nkids;
	rs->npairs = npairs;
	rs->natoms = natoms;
	/* its id stays taken, so that a later duplicate is still named */
	return 1;
}

void
ruleset_set_cancel(struct ruleset *rs, const atomic_int *flag)
{
	rs->cancel = flag;
}

/*
 * Size the tables for n more rules of a term or two at once: grown step by
 * step, each table is rebuilt and its memory touched anew at every doubling
 * (a third of the compile time of 100,000 names). Best effort: the tables
 * still grow when this fails or guesses short.
 */
static void
ruleset_reserve(struct ruleset *rs, size_t n)
{
	size_t emask = rs->edgemask;

	(void)dict_reserve(rs->keys[K_EXACT], dict_count(rs->keys[K_EXACT]) + n);
	(void)mem_grow(&rs->rules, &rs->caprules, rs->nrules + n, sizeof(*rs->rules));
	(void)mem_grow(&rs->rule_root, &rs->caproot, rs->nrules + n, 4);
	(void)mem_grow(&rs->idinfo, &rs->capidinfo, rs->nids + n, sizeof(*rs->idinfo));
	(void)mem_grow(&rs->cn, &rs->capcn, rs->ncn + n, sizeof(*rs->cn));
	(void)mem_grow(&rs->pairs, &rs->cappairs, rs->npairs + n, 8);
	(void)mem_grow(&rs->node_flags, &rs->capnodes, rs->nnodes + 2 * n, 1);
	while ((rs->nedges + n + 1) * 2 > emask + 1)
		emask = emask * 2 + 1;
	if (emask != rs->edgemask)
		(void)edge_resize(rs, emask);
}

/*
 * From the second file on, ids are checked across files in rs->ids: put
 * the ids of the earlier files there, in order (their dict ids are their
 * idinfo indexes), with room for n more.
 */
static int
ids_index(struct ruleset *rs, size_t n)
{
	if (dict_reserve(rs->ids, rs->nids + n) < 0)
		return -1;
	for (size_t k = dict_count(rs->ids); k < rs->nids; k++)
		if (dict_intern(rs->ids, rs->idinfo[k].id, strlen(rs->idinfo[k].id), NULL) !=
		    (int64_t)k)
			return -1;
	return 0;
}

int
ruleset_add_file(struct ruleset *rs, const char *path, const char *text, size_t len,
                 const struct query_opts *o, struct diags *d)
{
	struct rulefile rf;
	struct compiler c;
	int rc = 0, r;
	size_t errs0 = d->nerrors;

	if (rs->finished)
		return -1;
	if (mem_grow(&rs->files, &rs->capfiles, rs->nfiles + 1, sizeof(*rs->files)) < 0 ||
	    (rs->files[rs->nfiles] = strdup(path)) == NULL)
		return -1;
	rs->nfiles++;
	memset(&c, 0, sizeof(c));
	c.rs = rs;
	c.d = d;
	for (int k = 0; k < WORDS_AHEAD; k++)
		toklist_init(&c.tl[k]);
	r = rulefile_parse_borrow(&rf, path, text, len, d); /* rf dies before this returns */
	ruleset_reserve(rs, rf.nrules);
	if (rs->nfiles > 1 && ids_index(rs, rf.nrules) < 0) {
		diags_add(d, path, 0, 0, DIAG_ERROR, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; i < rf.nrules && rc == 0; i++) {
		if (rs->cancel != NULL && atomic_load_explicit(rs->cancel, memory_order_relaxed)) {
			diags_add(d, path, 0, 0, DIAG_ERROR, "cancelled");
			rc = -1;
			break;
		}
		if (!rf.rules[i].enabled || rf.rules[i].broken) {
			/* not compiled, but its query's mistakes are still worth telling */
			query_free(query_parse(rf.rules[i].query, rf.rules[i].query_len,
			                       &rf.rules[i].qmap, o, d));
			/* a disabled rule is kept for the record (ruleset_disabled) */
			if (!rf.rules[i].broken &&
			    mem_grow(&rs->off, &rs->capoff, rs->noff + 1, sizeof(*rs->off)) < 0) {
				diags_add(d, path, rf.rules[i].line, 0, DIAG_ERROR,
				          "out of memory");
				rc = -1;
				break;
			}
			if (!rf.rules[i].broken)
				rule_fill(&rs->off[rs->noff++], &rf.rules[i],
				          rs->files[rs->nfiles - 1]);
			continue;
		}
		r = ruleset_add_rule(rs, &c, path, &rf.rules[i], o);
		if (r < 0) {
			diags_add(d, path, rf.rules[i].line, 0, DIAG_ERROR, "out of memory");
			rc = -1;
			break;
		}
	}
	arena_adopt(&rs->strs, &rf.strs); /* the strings of the rules added */
	rulefile_free(&rf);
	for (int k = 0; k < WORDS_AHEAD; k++)
		toklist_free(&c.tl[k]);
	free(c.keys);
	return rc < 0 || d->nerrors > errs0 ? -1 : 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

const uint64_t root_masks[17][2] = {
    {0, 0},
    {0xff, 0},
    {0xffff, 0},
    {0xffffff, 0},
    {0xffffffff, 0},
    {0xffffffffff, 0},
    {0xffffffffffff, 0},
    {0xffffffffffffff, 0},
    {~0ull, 0},
    {~0ull, 0xff},
    {~0ull, 0xffff},
    {~0ull, 0xffffff},
    {~0ull, 0xffffffff},
    {~0ull, 0xffffffffff},
    {~0ull, 0xffffffffffff},
    {~0ull, 0xffffffffffffff},
    {~0ull, ~0ull},
};

/* The filter over the texts of the keys that start a path (ruleset_int.h). */
static int
root_filter_build(struct ruleset *rs)
{
	size_t nroot = 0, words = 1;

	for (int k = 0; k < K_NKINDS; k++)
		for (size_t id = 0; id < rs->rootcap[k]; id++) {
			if (rs->rootc[k][id] == 0)
				continue;
			if (k == K_FUZZY)
				rs->root_fuzzy = 1; /* its text is no token's: no filter */
			else
				nroot++;
		}
	while (words * 4 < nroot) /* 16 bits a key at least */
		words *= 2;
	rs->root_filter = calloc(words, sizeof(*rs->root_filter));
	if (rs->root_filter == NULL)
		return -1;
	rs->root_fmask = words - 1;
	for (int k = K_EXACT; k <= K_PREFIX; k++)
		for (size_t id = 0; id < rs->rootcap[k]; id++) {
			const char *key;
			uint64_t h;
			size_t n;

			if (rs->rootc[k][id] == 0)
				continue;
			key = dict_key(rs->keys[k], (uint32_t)id, &n);
			h = root_hash(key, n);
			rs->root_filter[root_word(rs, h)] |= root_bits(h);
		}
	return 0;
}

/* The pair filter (ruleset_int.h: pair_filter); none when a fuzzy key starts a path. */
static int
pair_filter_build(struct ruleset *rs)
{
	uint64_t *rooth; /* per node: the root_hash of its key's text, for the root's children */
	uint8_t *isroot; /* per node: 1 for the root's children */
	size_t n = 0, words = 1;

	if (rs->root_fuzzy)
		return 0;
	rooth = malloc(rs->nnodes * sizeof(*rooth));
	isroot = calloc(rs->nnodes, 1);
	if (rooth == NULL || isroot == NULL)
		goto nomem;
	for (int k = K_EXACT; k <= K_PREFIX; k++)
		for (size_t id = 0; id < rs->rootcap[k]; id++) {
			uint32_t c = rs->rootc[k][id];
			const char *key;
			size_t len;

			if (c == 0)
				continue;
			key = dict_key(rs->keys[k], (uint32_t)id, &len);
			rooth[c] = root_hash(key, len);
			isroot[c] = 1;
			n++;
		}
	for (size_t j = 0; j <= rs->edgemask; j++)
		if (rs->edges[j].key != 0 && isroot[rs->edges[j].key >> 32])
			n++;
	while (words * 4 < n) /* 16 bits an entry at least, as the root filter */
		words *= 2;
	if ((rs->pair_filter = calloc(words, sizeof(*rs->pair_filter))) == NULL)
		goto nomem;
	rs->pair_fmask = words - 1;
	for (size_t c = 1; c < rs->nnodes; c++) {
		uint64_t h;

		if (!isroot[c] || !(rs->node_flags[c] & NODE_TERMINAL))
			continue;
		h = pair_hash(rooth[c], PAIR_NONE);
		rs->pair_filter[pair_word(rs, h)] |= root_bits(h);
		rs->pair_solo = 1;
	}
	for (size_t j = 0; j <= rs->edgemask; j++) {
		uint64_t e = rs->edges[j].key, h;
		uint32_t parent = (uint32_t)(e >> 32), key = (uint32_t)e;

		if (e == 0 || !isroot[parent])
			continue;
		if (KEY_KIND(key) == K_FUZZY) {
			h = pair_hash(rooth[parent], PAIR_NONE);
			rs->pair_solo = 1;
		} else {
			size_t len;
			const char *t = dict_key(rs->keys[KEY_KIND(key)], KEY_ID(key), &len);

			h = pair_hash(rooth[parent], root_hash(t, len));
		}
		rs->pair_filter[pair_word(rs, h)] |= root_bits(h);
	}
	free(rooth);
	free(isroot);
	return 0;
nomem:
	free(rooth);
	free(isroot);
	return -1;
}

int
ruleset_finish(struct ruleset *rs, struct diags *d)
{
	size_t n = 0;

	if (rs->finished)
		return 0;
	if (fuzzy_build(rs->fuzzy) < 0 || root_filter_build(rs) < 0 || pair_filter_build(rs) < 0)
		goto nomem;
	if (rs->npairs > 1)
		qsort(rs->pairs, rs->npairs, sizeof(*rs->pairs), pair_cmp);
	rs->use_off = calloc(rs->nnodes + 1, sizeof(*rs->use_off));
	rs->use_rule = malloc((rs->npairs ? rs->npairs : 1) * sizeof(*rs->use_rule));
	if (rs->use_off == NULL || rs->use_rule == NULL)
		goto nomem;
	for (size_t i = 0; i < rs->npairs; i++) {
		if (i > 0 && rs->pairs[i] == rs->pairs[i - 1])
			continue;
		rs->use_off[(rs->pairs[i] >> 32) + 1]++;
		rs->use_rule[n++] = (uint32_t)rs->pairs[i];
	}
	for (size_t i = 1; i <= rs->nnodes; i++)
		rs->use_off[i] += rs->use_off[i - 1];
	free(rs->pairs);
	rs->pairs = NULL;
	rs->npairs = rs->cappairs = 0;
	rs->finished = 1;
	return 0;
nomem:
	diags_add(d, "hark", 0, 0, DIAG_ERROR, "out of memory compiling rules");
	return -1;
}
