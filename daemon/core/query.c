/*
 * query.c: the query language of RULES.md §2 (see query.h).
 *
 * A hand-written lexer and a recursive-descent parser, one function per
 * precedence level (OR < AND < NEAR < NOT). AND and OR are n-ary and built
 * in loops, so long chains cost no stack; only parentheses, NOT/- and field
 * prefixes recurse, and they count against QUERY_MAX_DEPTH, which keeps the
 * stack and the depth of the tree bounded whatever the input.
 *
 * Errors do not stop the parse: a broken leaf is still returned as a node
 * (or as nothing, after its error was reported) so that later mistakes are
 * found in the same pass. The query is returned only when no error was found.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>
#include <utf8proc.h>

#include "lang.h"
#include "query.h"
#include "utf8.h"

/* Owned pointers of a query: list texts, resolved paths, source maps. */
struct ptrv {
	void **v;
	size_t n, cap;
};

struct query {
	struct qnode *root; /* owned */
	struct ptrv bufs;   /* char *: @file texts and resolved paths */
	struct ptrv maps;   /* struct srcmap *: of @file lists, and of a NULL src */
};

enum tkind { T_EOF, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_MINUS, T_NEAR, T_FIELD, T_LEAF };

struct tok {
	enum tkind kind;
	size_t off, len;    /* as written in the query text */
	struct qnode *leaf; /* T_LEAF: owned by the token until taken; NULL when broken */
	unsigned fields;    /* T_FIELD */
	int near;           /* T_NEAR */
	bool ordered;       /* T_NEAR: ONEAR or NEAR/nf */
};

struct qparser {
	const char *s; /* the query text, not owned */
	size_t len, pos;
	const struct srcmap *src;
	const struct query_opts *o;
	struct diags *d;
	struct query *q;
	struct tok tok; /* the lookahead, when peeked */
	bool peeked;
	size_t taken;                  /* tokens taken: tells "no term here" from "a broken term" */
	unsigned depth;                /* nesting of parentheses, NOT, - and fields */
	bool stop;                     /* nesting limit or out of memory: read no further */
	const struct qnode *near_told; /* a NEAR already refused as an operand */
};

#define NEAR_MAX 1000
#define SLOP_MAX 1000

static const char *const field_names[F_MAX] = {"title", "body", "url", "source"};

/* ---- text ---- */

/*
 * Decode the character at s[i..len). Returns its length (at least 1); an
 * invalid byte reads as U+FFFD of length 1.
 */
static size_t
q_dec(const char *str, size_t len, size_t i, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)str + i, len - i, cp);
}

/* Unicode White_Space: pasted no-break and ideographic spaces separate too. */
static bool
q_isspace(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

/*
 * Typographic double quotation marks that open a phrase, as '"' does: a
 * query pasted from a word processor or a web page has them (“a b”, „a b“,
 * «a b», ＂a b＂), and every quotation mark folds to '"' (RULES.md §3.6).
 */
static bool
q_isopenquote(uint32_t c)
{
	return c == 0x201C || c == 0x201E || c == 0x201F || c == 0x00AB || c == 0xFF02 ||
	       c == 0x301D;
}

/* What closes a phrase opened by a typographic mark: any double quotation mark. */
static bool
q_isclosequote(uint32_t c)
{
	return c == '"' || q_isopenquote(c) || c == 0x201D || c == 0x00BB || c == 0x301E ||
	       c == 0x301F;
}

static bool
q_isdelim(uint32_t c)
{
	return q_isspace(c) || c == '(' || c == ')' || c == '"' || c == '{' || c == '}' ||
	       q_isopenquote(c);
}

/* From i, the first character for which pred is not want (or len). */
static size_t
q_scan(const char *s, size_t len, size_t i, bool (*pred)(uint32_t), bool want)
{
	uint32_t c;

	while (i < len) {
		/* ASCII without a call: rule queries are mostly ASCII */
		size_t k = (unsigned char)s[i] < 0x80 ? (c = (unsigned char)s[i], 1)
		                                      : q_dec(s, len, i, &c);

		if (pred(c) != want)
			break;
		i += k;
	}
	return i;
}

static size_t
q_skip_space(const char *s, size_t len, size_t i)
{
	return q_scan(s, len, i, q_isspace, true);
}

/* End of the run of non-space characters from i (words of phrases, lists). */
static size_t
q_run_end(const char *s, size_t len, size_t i)
{
	return q_scan(s, len, i, q_isspace, false);
}

/* End of a bare word from i: a maximal run of anything but space and ( ) " { }. */
static size_t
q_word_end(const char *s, size_t len, size_t i)
{
	return q_scan(s, len, i, q_isdelim, false);
}

static size_t
q_nchars(const char *s, size_t n)
{
	return diag_col(s, n) - 1;
}

/*
 * The characters of the shortest part of s[0..n) that a fuzzy budget
 * applies to: a word that splits into several tokens (al-Masri~2) is fuzzy
 * in each of 3 characters or more (ruleset.c), so its shortest such run of
 * letters, marks and digits; the whole word when it has none.
 */
static size_t
q_fuzzy_nchars(const char *s, size_t n)
{
	size_t i = 0, run = 0, best = 0;

	while (i <= n) {
		uint32_t cp = 0;
		size_t k = i < n ? utf8_decode((const unsigned char *)s + i, n - i, &cp) : 1;
		utf8proc_category_t cat =
		    i < n ? utf8proc_category((utf8proc_int32_t)cp) : UTF8PROC_CATEGORY_ZS;
		int word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO);

		if (word) {
			run++;
		} else {
			if (run >= 3 && (best == 0 || run < best))
				best = run;
			run = 0;
		}
		i += k;
	}
	return best > 0 ? best : q_nchars(s, n);
}

static bool
q_word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Parse the decimal digits of s[0..n) up to cap+1; -1 when empty or not all digits. */
static long
q_number(const char *s, size_t n, long cap)
{
	long v = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v <= cap)
			v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * A copy of s[0..n) for an atom: a phrase spanning lines reads as one line.
 * The copy ends at a NUL byte (strndup): only its own bytes are read.
 */
static char *
q_atom(const char *s, size_t n)
{
	char *a = strndup(s, n);
	for (size_t i = 0; a && a[i]; i++)
		if (a[i] == '\n')
			a[i] = ' ';
	return a;
}

/* ---- diagnostics ---- */

static void __attribute__((format(printf, 5, 6)))
qp_diag(struct qparser *p, const struct srcmap *m, size_t off, enum diag_sev sev, const char *fmt,
        ...)
{
	if (p->stop)
		return; /* what follows a fatal error would only be noise */
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diags_at(p->d, m, off, sev, "%s", msg);
}

#define qp_error(p, off, ...) qp_diag((p), (p)->src, (off), DIAG_ERROR, __VA_ARGS__)

static void
qp_nomem(struct qparser *p)
{
	qp_error(p, p->pos, "out of memory");
	p->stop = true;
}

/* ---- nodes ---- */

static int
ptrv_push(struct ptrv *v, void *x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		void **t = realloc(v->v, cap * sizeof *t);
		if (!t)
			return -1;
		v->v = t;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return 0;
}

static void
qnode_free(struct qnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		qnode_free(n->kids[i]);
	for (size_t i = 0; i < n->nwords; i++)
		free(n->words[i].text);
	free(n->kids);
	free(n->words);
	free(n->atom);
	free(n->pattern);
	free(n);
}

static struct qnode *
qnode_new(struct qparser *p, enum qtype type, const struct srcmap *m, size_t off, size_t len)
{
	struct qnode *n = calloc(1, sizeof *n);
	if (!n) {
		qp_nomem(p);
		return NULL;
	}
	n->type = type;
	n->src = m;
	n->off = off;
	n->len = len;
	return n;
}

static int
qnode_addkid(struct qnode *n, struct qnode *kid)
{
	if ((n->nkids & (n->nkids - 1)) == 0) { /* 0, 1, 2, 4...: grow on powers of two */
		size_t cap = n->nkids ? n->nkids * 2 : 2;
		struct qnode **k = realloc(n->kids, cap * sizeof *k);
		if (!k)
			return -1;
		n->kids = k;
	}
	n->kids[n->nkids++] = kid;
	return 0;
}

static struct qword *
qnode_addword(struct qnode *n)
{
	if ((n->nwords & (n->nwords - 1)) == 0) {
		size_t cap = n->nwords ? n->nwords * 2 : 1;
		struct qword *w = realloc(n->words, cap * sizeof *w);
		if (!w)
			return NULL;
		n->words = w;
	}
	struct qword *w = &n->words[n->nwords++];
	memset(w, 0, sizeof *w);
	return w;
}

/* The node's span runs on to the end of kid's (both in the query text). */
static void
qnode_extend(struct qnode *n, const struct qnode *kid)
{
	if (kid->off + kid->len > n->off + n->len)
		n->len = kid->off + kid->len - n->off;
}

/*
 * a AND b or a OR b, flattened: (a OR b) OR c is one OR of three. Takes
 * a and b (either may be NULL: the other is returned).
 */
static struct qnode *
qnode_join(struct qparser *p, enum qtype type, struct qnode *a, struct qnode *b)
{
	if (!a || !b)
		return a ? a : b;
	struct qnode *n = a;
	if (a->type != type) {
		n = qnode_new(p, type, p->src, a->off, a->len);
		if (!n || qnode_addkid(n, a) < 0)
			goto fail;
		a = NULL;
	}
	qnode_extend(n, b);
	if (b->type != type) {
		if (qnode_addkid(n, b) < 0)
			goto fail;
		return n;
	}
	for (size_t i = 0; i < b->nkids; i++) {
		if (qnode_addkid(n, b->kids[i]) < 0)
			goto fail; /* kids[0..i) are n's now, the rest still b's */
		b->kids[i] = NULL;
	}
	b->nkids = 0;
	qnode_free(b);
	return n;
fail:
	if (n && n != a)
		qnode_free(n);
	qnode_free(a);
	qnode_free(b);
	if (!p->stop)
		qp_nomem(p);
	return NULL;
}

/* ---- words ---- */

/*
 * Read a word as written at s[off..off+n) -- a bare word, a word of a phrase
 * or of a list line -- with its trailing * or ~N, into w; m places s for
 * diagnostics. Returns -1 on ENOMEM only: syntax errors are reported and the
 * word is still filled.
 */
static int
qword_read(struct qparser *p, const struct srcmap *m, const char *s, size_t off, size_t n,
           struct qword *w)
{
	const char *t = s + off;
	const char *star = memchr(t, '*', n), *tilde = memchr(t, '~', n);
	size_t core = n;
	w->off = off;
	w->mode = QW_PLAIN;
	w->budget = 0;
	if (star && (size_t)(star - t) != n - 1) {
		qp_diag(p, m, off + (size_t)(star - t), DIAG_ERROR,
		        "'*' is allowed only at the end of a word");
		core = (size_t)(star - t);
	} else if (star && tilde) {
		qp_diag(p, m, off + (size_t)(tilde - t), DIAG_ERROR,
		        "'~' and '*' cannot be combined in one word");
		core = (size_t)(tilde - t);
	} else if (star) {
		core = n - 1;
		w->mode = QW_PREFIX;
		if (q_nchars(t, core) < 3)
			qp_diag(p, m, off, DIAG_ERROR,
			        "prefix needs at least 3 characters before '*'");
	} else if (tilde) {
		core = (size_t)(tilde - t);
		size_t dn = n - core - 1;
		long b = dn ? q_number(tilde + 1, dn, 2) : -1;
		w->mode = QW_FUZZY;
		w->budget = (int8_t)(b >= 0 && b <= 2 ? b : -1);
		if (!core)
			qp_diag(p, m, off, DIAG_ERROR, "missing word before '~'");
		else if (dn && (b < 0 || b > 2))
			qp_diag(p, m, off + core + 1, DIAG_ERROR, "fuzzy budget must be 0, 1 or 2");
		else if (b == 2 && q_fuzzy_nchars(t, core) <= 4)
			qp_diag(p, m, off, DIAG_WARNING,
			        "fuzzy budget 2 on a %zu-letter word matches widely",
			        q_fuzzy_nchars(t, core));
	}
	w->text = strndup(t, core);
	return w->text ? 0 : -1;
}

/*
 * Split s[a..b) on white space into the words of n. exact: { } words, taken
 * literally, where * and ~ are refused.
 */
static int
qnode_read_words(struct qparser *p, struct qnode *n, const char *s, size_t a, size_t b, bool exact)
{
	for (size_t i = q_skip_space(s, b, a); i < b; i = q_skip_space(s, b, i)) {
		size_t e = q_run_end(s, b, i);
		struct qword *w = qnode_addword(n);
		if (!w)
			return -1;
		if (!exact) {
			if (qword_read(p, n->src, s, i, e - i, w) < 0)
				return -1;
			i = e;
			continue;
		}
		for (size_t j = i; j < e; j++)
			if (s[j] == '*' || s[j] == '~') {
				qp_diag(p, n->src, j, DIAG_ERROR, "'%c' is not allowed inside { }",
				        s[j]);
				break;
			}
		w->off = i;
		if (!(w->text = strndup(s + i, e - i)))
			return -1;
		i = e;
	}
	return 0;
}

/* ---- leaves ---- */

static struct qnode *
leaf_word(struct qparser *p, size_t a, size_t b)
{
	struct qnode *n = qnode_new(p, Q_WORD, p->src, a, b - a);
	struct qword *w = n ? qnode_addword(n) : NULL;
	if (!w || qword_read(p, p->src, p->s, a, b - a, w) < 0 ||
	    !(n->atom = q_atom(p->s + a, b - a)))
		goto nomem;
	return n;
nomem:
	qnode_free(n);
	qp_nomem(p);
	return NULL;
}

/*
 * The phrase opened at a (ol bytes): the offset of its closing mark, or len,
 * and the mark's length in *cl. '"' closes only at '"'; a typographic
 * opener at any double quotation mark (“a b”, „a b“, «a b», “a b").
 */
static size_t
phrase_close(const struct qparser *p, size_t a, size_t ol, size_t *cl)
{
	const char *close;
	uint32_t c;

	*cl = 1;
	if (p->s[a] == '"') {
		close = memchr(p->s + a + 1, '"', p->len - a - 1);
		return close ? (size_t)(close - p->s) : p->len;
	}
	for (size_t i = a + ol; i < p->len; i += *cl) {
		*cl = q_dec(p->s, p->len, i, &c);
		if (q_isclosequote(c))
			return i;
	}
	return p->len;
}

/* "..." (or “...”) with its optional ~N slop, from the quote at a. */
static struct qnode *
leaf_phrase(struct qparser *p, size_t a)
{
	const char *s = p->s;
	uint32_t open;
	size_t ol = q_dec(s, p->len, a, &open), cl;
	size_t inner = phrase_close(p, a, ol, &cl);
	bool close = inner < p->len;
	size_t end = close ? inner + cl : p->len;
	struct qnode *n = qnode_new(p, Q_PHRASE, p->src, a, 0);
	if (!n)
		return NULL;
	if (!close)
		qp_error(p, a, "unclosed phrase (opened here)");
	if (qnode_read_words(p, n, s, a + ol, inner, false) < 0)
		goto nomem;
	if (!n->nwords)
		qp_error(p, a, "empty phrase");
	if (close && end < p->len && s[end] == '~') {
		size_t d = end + 1, e = d;
		while (e < p->len && s[e] >= '0' && s[e] <= '9')
			e++;
		long slop = q_number(s + d, e - d, SLOP_MAX);
		if (slop < 0)
			qp_error(p, end, "phrase slop needs a number: \"...\"~N");
		else if (slop > SLOP_MAX)
			qp_error(p, d, "phrase slop must be 0 to %d", SLOP_MAX);
		else
			n->slop = (int)slop;
		end = e;
	}
	n->len = end - a;
	if (!(n->atom = q_atom(s + a, end - a)))
		goto nomem;
	p->pos = end;
	return n;
nomem:
	qnode_free(n);
	qp_nomem(p);
	return NULL;
}

/* {Exact Words} from the brace at a. */
static struct qnode *
leaf_exact(struct qparser *p, size_t a)
{
	const char *s = p->s;
	const char *close = memchr(s + a + 1, '}', p->len - a - 1);
	size_t inner = close ? (size_t)(close - s) : p->len;
	size_t end = close ? inner + 1 : p->len;
	struct qnode *n = qnode_new(p, Q_EXACT, p->src, a, end - a);
	if (!n)
		return NULL;
	if (!close)
		qp_error(p, a, "unclosed '{' (opened here)");
	if (qnode_read_words(p, n, s, a + 1, inner, true) < 0 ||
	    !(n->atom = q_atom(s + a, end - a))) {
		qnode_free(n);
		qp_nomem(p);
		return NULL;
	}
	if (!n->nwords && close)
		qp_error(p, a, "empty { }");
	p->pos = end;
	return n;
}

/* The closing '/' of a regex opened at a, or len: skips \x and [...] classes. */
static size_t
regex_end(const char *s, size_t len, size_t a)
{
	bool cls = false;
	for (size_t i = a + 1; i < len; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (cls) {
			cls = s[i] != ']';
		} else if (s[i] == '[') {
			cls = true;
			if (i + 1 < len && s[i + 1] == '^')
				i++;
			if (i + 1 < len && s[i + 1] == ']')
				i++; /* a ']' first in a class is literal */
		} else if (s[i] == '/') {
			return i;
		}
	}
	return len;
}

/* The i m s x after the closing '/', at s[a..b). Returns false after an error. */
static bool
regex_flags(struct qparser *p, size_t a, size_t b, unsigned *flags)
{
	for (size_t i = a; i < b;) {
		uint32_t c;
		size_t k = q_dec(p->s, b, i, &c);
		const char *f = strchr("imsx", (int)c);
		if (c == 0 || c > 0x7F || !f) {
			qp_error(p, i, "unknown regular expression flag '%.*s'", (int)k, p->s + i);
			return false;
		}
		*flags |= 1u << (f - "imsx");
		i += k;
	}
	return true;
}

/*
 * ---- nested quantifiers ----
 *
 * A group repeated without bound whose body can match a run in more than one
 * way, as /(a+)+b/, /(\w*)*x/ or /(a|aa)+b/ do, tries exponentially many
 * splits of a run that almost matches: PCRE2 gives up at its match limit
 * and the rule may miss there. Warned of when the repeated group's body has
 * a repeat and nothing it must match once (the '.' of /(\d+\.)+/ splits a
 * run in one way only), or literal alternatives one of which begins
 * another. A possessive repeat (a++, (...)++) or an atomic group (?>...)
 * does not backtrack and is not warned of. A heuristic over the pattern
 * text: it reads what PCRE2 accepted, and errs toward silence.
 */

enum { RI_OPT, RI_ONE, RI_REP }; /* may match nothing; must match once; repeats */

#define RS_MAX_ALTS 16

struct rescan {
	const char *s;
	size_t n, i;
	bool x, caseless;
	size_t warn_at; /* the '(' of the first group to warn of, or SIZE_MAX */
	bool warn_alts; /* ... for overlapping alternatives */
	unsigned depth;
};

static void
rs_space(struct rescan *r)
{
	while (r->x && r->i < r->n) {
		char c = r->s[r->i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			r->i++;
		} else if (c == '#') {
			while (r->i < r->n && r->s[r->i] != '\n')
				r->i++;
		} else {
			break;
		}
	}
}

static bool
rs_digits(struct rescan *r, size_t *i, unsigned *v)
{
	size_t a = *i;
	*v = 0;
	while (*i < r->n && r->s[*i] >= '0' && r->s[*i] <= '9') {
		if (*v < 100000)
			*v = *v * 10 + (unsigned)(r->s[*i] - '0');
		(*i)++;
	}
	return *i > a;
}

/* A quantifier at r->i, if any: its bounds (max UINT32_MAX: none) and whether possessive. */
static bool
rs_quant(struct rescan *r, unsigned *min, unsigned *max, bool *poss)
{
	size_t i;

	rs_space(r);
	if (r->i >= r->n)
		return false;
	i = r->i;
	switch (r->s[i]) {
	case '*':
		*min = 0, *max = UINT32_MAX, i++;
		break;
	case '+':
		*min = 1, *max = UINT32_MAX, i++;
		break;
	case '?':
		*min = 0, *max = 1, i++;
		break;
	case '{': {
		bool lo = false, comma = false, hi = false;
		i++;
		lo = rs_digits(r, &i, min);
		if (i < r->n && r->s[i] == ',') {
			comma = true;
			i++;
			hi = rs_digits(r, &i, max);
		}
		if (i >= r->n || r->s[i] != '}' || (!lo && !hi))
			return false; /* a literal '{' */
		i++;
		if (!lo)
			*min = 0;
		if (!comma)
			*max = *min;
		else if (!hi)
			*max = UINT32_MAX;
		break;
	}
	default:
		return false;
	}
	*poss = i < r->n && r->s[i] == '+';
	if (i < r->n && (r->s[i] == '+' || r->s[i] == '?'))
		i++;
	r->i = i;
	return true;
}

/* An item of kind k under a quantifier. */
static int
rs_quantified(int k, unsigned min, unsigned max, bool poss)
{
	if (max == 0)
		return RI_OPT;
	if (poss)
		return min == 0 ? RI_OPT : RI_ONE; /* no backtracking into it */
	if (k == RI_REP || max > min)
		return max > 1 || k == RI_REP ? RI_REP : RI_OPT;
	return k;
}

/* Skip an escape at r->i (the backslash); *lit: it stands for one literal character. */
static void
rs_escape(struct rescan *r, bool *lit)
{
	char c;

	r->i++;
	if (r->i >= r->n)
		return;
	c = r->s[r->i++];
	*lit = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
	if (c == 'Q') { /* \Q...\E: literal text */
		while (r->i + 1 < r->n && !(r->s[r->i] == '\\' && r->s[r->i + 1] == 'E'))
			r->i++;
		r->i = r->i + 1 < r->n ? r->i + 2 : r->n;
		return;
	}
	if (r->i < r->n && (r->s[r->i] == '{' || ((c == 'k' || c == 'g') &&
	                                          (r->s[r->i] == '<' || r->s[r->i] == '\'')))) {
		char close = r->s[r->i] == '{' ? '}' : r->s[r->i] == '<' ? '>' : '\'';
		while (r->i < r->n && r->s[r->i] != close)
			r->i++;
		if (r->i < r->n)
			r->i++;
	}
}

static void
rs_class(struct rescan *r)
{
	r->i++; /* '[' */
	if (r->i < r->n && r->s[r->i] == '^')
		r->i++;
	if (r->i < r->n && r->s[r->i] == ']')
		r->i++;
	while (r->i < r->n && r->s[r->i] != ']') {
		if (r->s[r->i] == '\\') {
			bool lit;
			rs_escape(r, &lit);
		} else if (r->s[r->i] == '[' && r->i + 1 < r->n && r->s[r->i + 1] == ':') {
			const char *e = memchr(r->s + r->i + 2, ']', r->n - r->i - 2);
			r->i = e ? (size_t)(e - r->s) + 1 : r->n;
		} else {
			r->i++;
		}
	}
	if (r->i < r->n)
		r->i++;
}

static bool
rs_prefix(const struct rescan *r, size_t a, size_t al, size_t b, size_t bl)
{
	if (al > bl)
		return false;
	for (size_t k = 0; k < al; k++) {
		unsigned char x = (unsigned char)r->s[a + k], y = (unsigned char)r->s[b + k];
		if (r->caseless && x < 0x80 && y < 0x80) {
			x = (unsigned char)(x | ((x >= 'A' && x <= 'Z') ? 0x20 : 0));
			y = (unsigned char)(y | ((y >= 'A' && y <= 'Z') ? 0x20 : 0));
		}
		if (x != y)
			return false;
	}
	return true;
}

static int rs_group(struct rescan *r, bool *dangerous, bool *alts);

/* One item at r->i (not '|' or ')'), *lit if a plain character: its kind before a quantifier. */
static int
rs_atom(struct rescan *r, bool *lit, bool *group_danger, bool *group_alts, bool *nobacktrack)
{
	char c = r->s[r->i];

	*lit = false;
	*group_danger = *group_alts = *nobacktrack = false;
	switch (c) {
	case '\\':
		rs_escape(r, lit);
		return RI_ONE;
	case '[':
		rs_class(r);
		return RI_ONE;
	case '^':
	case '$':
		r->i++;
		return RI_OPT;
	case '(': {
		size_t a = r->i;
		bool look = false, verb = false;

		r->i++;
		if (r->i < r->n && r->s[r->i] == '*') {
			/* (*VERB) or (*name:...): treat the latter as a group */
			size_t k = r->i;
			while (k < r->n && r->s[k] != ')' && r->s[k] != ':')
				k++;
			if (k < r->n && r->s[k] == ':') {
				*nobacktrack =
				    k - r->i == 7 && memcmp(r->s + r->i, "*atomic", 7) == 0;
				look = !*nobacktrack;
				r->i = k + 1;
			} else {
				verb = true;
			}
		} else if (r->i < r->n && r->s[r->i] == '?') {
			char d = r->i + 1 < r->n ? r->s[r->i + 1] : '\0';
			if (d == '#' || d == 'R' || d == '&' || d == 'C' ||
			    (d >= '0' && d <= '9') || d == '+' || d == '-' ||
			    (d == 'P' && r->i + 2 < r->n && r->s[r->i + 2] != '<')) {
				/* a comment, a recursion, a callout or options alone: no body */
				size_t k = r->i;
				while (k < r->n && r->s[k] != ')' && r->s[k] != ':')
					k++;
				if (d == '#' || k >= r->n || r->s[k] == ')') {
					verb = true;
				} else {
					r->i = k + 1; /* (?-i:...) */
				}
			} else if (d == ':' || d == '|') {
				r->i += 2;
			} else if (d == '>') {
				*nobacktrack = true;
				r->i += 2;
			} else if (d == '=' || d == '!') {
				look = true;
				r->i += 2;
			} else if (d == '<' && r->i + 2 < r->n &&
			           (r->s[r->i + 2] == '=' || r->s[r->i + 2] == '!')) {
				look = true;
				r->i += 3;
			} else if (d == '<' || d == '\'' || d == 'P') {
				/* a named group: (?<n>, (?'n', (?P<n> */
				char close = d == '\'' ? '\'' : '>';
				while (r->i < r->n && r->s[r->i] != close)
					r->i++;
				if (r->i < r->n)
					r->i++;
			} else {
				/* (?i:...) or (?i) */
				size_t k = r->i + 1;
				while (k < r->n && r->s[k] != ')' && r->s[k] != ':')
					k++;
				if (k >= r->n || r->s[k] == ')')
					verb = true;
				else
					r->i = k + 1;
			}
		}
		if (verb) {
			while (r->i < r->n && r->s[r->i] != ')')
				r->i++;
			if (r->i < r->n)
				r->i++;
			return RI_OPT;
		}
		(void)a;
		int k = rs_group(r, group_danger, group_alts);
		if (r->i < r->n && r->s[r->i] == ')')
			r->i++;
		if (look) {
			*group_danger = *group_alts = false;
			return RI_OPT;
		}
		if (*nobacktrack)
			return k == RI_REP ? RI_ONE : k;
		return k;
	}
	default:
		if (c == '.' || (unsigned char)c >= 0x80) {
			/* a character, whole (UTF-8) */
			r->i++;
			while (r->i < r->n && ((unsigned char)r->s[r->i] & 0xC0) == 0x80)
				r->i++;
			*lit = c != '.';
			return RI_ONE;
		}
		r->i++;
		*lit = true;
		return RI_ONE;
	}
}

/*
 * A group's body from r->i to its ')' (or the end): the kind of the whole
 * as an item, whether it can match a run in many ways (*dangerous), and
 * whether because of its alternatives (*alts).
 */
static int
rs_group(struct rescan *r, bool *dangerous, bool *alts)
{
	struct {
		size_t a, len;
		bool literal;
	} alt[RS_MAX_ALTS];
	size_t nalt = 0;
	bool has_rep = false, has_one = false, all_one = true, literal = true;
	size_t a = r->i;

	*dangerous = *alts = false;
	if (++r->depth > 200) { /* PCRE2 accepted it; a guard all the same */
		r->i = r->n;
		return RI_ONE;
	}
	for (;;) {
		rs_space(r);
		if (r->i >= r->n || r->s[r->i] == '|' || r->s[r->i] == ')') {
			/* the end of an alternative */
			if (has_rep && !has_one)
				*dangerous = true;
			if (!has_one)
				all_one = false;
			if (nalt < RS_MAX_ALTS) {
				alt[nalt].a = a;
				alt[nalt].len = r->i - a;
				alt[nalt].literal = literal && r->i > a;
				nalt++;
			}
			if (r->i >= r->n || r->s[r->i] == ')')
				break;
			r->i++;
			a = r->i;
			has_rep = has_one = false;
			literal = true;
			continue;
		}
		size_t at = r->i;
		bool lit, gd, ga, nb, poss;
		unsigned min = 0, max = 0;
		int k = rs_atom(r, &lit, &gd, &ga, &nb);

		if (rs_quant(r, &min, &max, &poss)) {
			literal = false;
			if (gd && !nb && !poss && max > 1 && r->warn_at == SIZE_MAX) {
				r->warn_at = at;
				r->warn_alts = ga;
			}
			k = rs_quantified(k, min, max, poss);
		} else if (!lit) {
			literal = false;
		}
		if (k == RI_REP)
			has_rep = true;
		else if (k == RI_ONE)
			has_one = true;
	}
	r->depth--;
	/* literal alternatives one of which begins another: (a|aa), (ab|abab) */
	for (size_t p = 0; p < nalt && !*dangerous; p++)
		for (size_t q = 0; q < nalt && !*dangerous; q++)
			if (p != q && alt[p].literal && alt[q].literal &&
			    rs_prefix(r, alt[p].a, alt[p].len, alt[q].a, alt[q].len)) {
				*dangerous = true;
				*alts = true;
			}
	if (*dangerous)
		return RI_REP;
	return all_one ? RI_ONE : RI_OPT;
}

/* The offset in pattern of a group to warn of, or SIZE_MAX; *alts: for its alternatives. */
static size_t
regex_nested_quantifier(const char *pattern, size_t n, unsigned flags, bool *alts)
{
	struct rescan r = {.s = pattern,
	                   .n = n,
	                   .x = (flags & QRE_EXTENDED) != 0,
	                   .caseless = (flags & QRE_CASELESS) != 0,
	                   .warn_at = SIZE_MAX};
	bool d, ga;

	while (r.i < r.n) {
		rs_group(&r, &d, &ga);
		if (r.i < r.n)
			r.i++; /* an unbalanced ')', which PCRE2 refused already */
	}
	*alts = r.warn_alts;
	return r.warn_at;
}

/* Compile the pattern once to report PCRE2's own message at its own place. */
static void
regex_check(struct qparser *p, const struct qnode *n, size_t pat_off)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;
	if (n->reflags & QRE_CASELESS)
		opts |= PCRE2_CASELESS;
	if (n->reflags & QRE_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (n->reflags & QRE_DOTALL)
		opts |= PCRE2_DOTALL;
	if (n->reflags & QRE_EXTENDED)
		opts |= PCRE2_EXTENDED;
	int code;
	PCRE2_SIZE eoff;
	size_t plen = strlen(n->pattern);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->pattern, plen, opts, &code, &eoff, NULL);
	if (re) {
		bool alts;
		size_t at = regex_nested_quantifier(n->pattern, plen, n->reflags, &alts);

		pcre2_code_free(re);
		if (at != SIZE_MAX)
			qp_diag(
			    p, p->src, pat_off + at, DIAG_WARNING,
			    "%s can backtrack without end on text that almost matches (PCRE2 "
			    "gives up at its limit); make it possessive (a++) or atomic (?>...)",
			    alts ? "a repeated group of overlapping alternatives"
			         : "a nested quantifier");
		return;
	}
	PCRE2_UCHAR msg[256];
	if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
		strcpy((char *)msg, "invalid pattern");
	qp_error(p, pat_off + (eoff < plen ? eoff : plen), "regular expression: %s", (char *)msg);
}

/* /pattern/flags from the slash at a. */
static struct qnode *
leaf_regex(struct qparser *p, size_t a)
{
	size_t close = regex_end(p->s, p->len, a);
	size_t end = close < p->len ? q_word_end(p->s, p->len, close + 1) : p->len;
	struct qnode *n = qnode_new(p, Q_REGEX, p->src, a, end - a);
	if (!n)
		return NULL;
	p->pos = end;
	/* the pattern keeps its newlines: they matter under x */
	if (!(n->atom = q_atom(p->s + a, end - a)) ||
	    !(n->pattern = strndup(p->s + a + 1, close - a - 1))) {
		qnode_free(n);
		qp_nomem(p);
		return NULL;
	}
	if (close == p->len)
		qp_error(p, a, "unclosed regular expression");
	else if (close == a + 1)
		qp_error(p, a, "empty regular expression");
	else if (regex_flags(p, close + 1, end, &n->reflags))
		regex_check(p, n, a + 1);
	return n;
}

/* lang:xx at s[a..b), the name lang being k bytes long. */
static struct qnode *
leaf_lang(struct qparser *p, size_t a, size_t b, size_t k)
{
	struct qnode *n = qnode_new(p, Q_LANG, p->src, a, b - a);
	if (!n)
		return NULL;
	if (!(n->atom = q_atom(p->s + a, b - a))) {
		qnode_free(n);
		qp_nomem(p);
		return NULL;
	}
	const char *c = p->s + a + k + 1;
	size_t cn = b - a - k - 1;
	bool ok = cn == 2;
	for (size_t i = 0; i < cn && ok; i++)
		ok = (c[i] | 0x20) >= 'a' && (c[i] | 0x20) <= 'z';
	if (!cn)
		qp_error(p, a + k + 1, "missing language code after 'lang:'");
	else if (!ok)
		qp_error(p, a + k + 1, "bad language code '%.*s' (use two-letter ISO 639-1 codes)",
		         (int)cn, c);
	else
		n->lang[0] = (char)(c[0] | 0x20), n->lang[1] = (char)(c[1] | 0x20);
	if (n->lang[0]) {
		/* as for the lang key: a country's code (jp) would silently never match */
		char code[3] = {n->lang[0], n->lang[1], '\0'}, why[256];
		int known = lang_code_check(code, why, sizeof why);
		if (known < 0)
			qp_diag(p, p->src, a + k + 1, DIAG_WARNING,
			        "lang: %s: no document is ever in it", why);
		else if (known > 0)
			qp_diag(p, p->src, a + k + 1, DIAG_WARNING,
			        "lang: %s: only a document that declares it is in it", why);
	}
	return n;
}

/* The offset of the first NUL byte or invalid UTF-8 sequence in s[a..e), or e. */
static size_t
list_badbyte(const char *s, size_t a, size_t e)
{
	uint32_t c;
	for (size_t i = a; i < e;) {
		size_t k = q_dec(s, e, i, &c);
		if (c == 0 || (c == 0xFFFD && k == 1))
			return i;
		i += k;
	}
	return e;
}

/*
 * One phrase per non-empty, non-# line of a list text into list. The list's
 * source map gets a segment per line, so each phrase is placed at its line.
 */
static int
list_read(struct qparser *p, struct qnode *list, struct srcmap *m, const char *t, size_t len)
{
	unsigned line = 0;
	for (size_t ls = 0; ls < len;) {
		const char *nl = memchr(t + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - t) : len, next = le + 1;
		size_t a = q_skip_space(t, le, ls), b = le;
		line++;
		while (b > a && (t[b - 1] == '\r' || t[b - 1] == ' ' || t[b - 1] == '\t'))
			b--;
		if (a < b && t[a] != '#') {
			if (srcmap_add(m, ls, line, t + ls, 0) < 0)
				return -1;
			size_t bad = list_badbyte(t, a, b);
			if (bad < b) {
				qp_diag(p, m, bad, DIAG_ERROR, "%s in list",
				        t[bad] ? "invalid UTF-8" : "NUL byte");
			} else {
				struct qnode *ph = qnode_new(p, Q_PHRASE, m, a, b - a);
				if (!ph)
					return -1;
				if (qnode_addkid(list, ph) < 0) {
					qnode_free(ph);
					return -1;
				}
				if (qnode_read_words(p, ph, t, a, b, false) < 0 ||
				    !(ph->atom = q_atom(t + a, b - a)))
					return -1;
			}
		}
		ls = next;
	}
	return 0;
}

/* Ask the include callback for a list; keep its text and name. */
static int
list_fetch(struct qparser *p, const char *path, char **text, size_t *len, const char **name,
           char **why)
{
	char *resolved = NULL;
	*text = NULL;
	*why = NULL;
	/* a query given without a file names lists relative to the working directory */
	const char *from = p->src && p->src->file ? p->src->file : "";
	if (!p->o || !p->o->include) {
		*why = strdup("lists are not available here");
		return -1;
	}
	if (p->o->include(p->o->include_arg, path, from, text, len, &resolved, why) != 0) {
		free(*text);
		free(resolved);
		return -1;
	}
	if (!resolved)
		resolved = strdup(path);
	if (ptrv_push(&p->q->bufs, *text) < 0) {
		free(*text);
		free(resolved);
		return -2;
	}
	if (!resolved || ptrv_push(&p->q->bufs, resolved) < 0) {
		free(resolved);
		return -2;
	}
	*name = resolved;
	return 0;
}

/* @path from the '@' at a: an OR of the list's lines as phrases. */
static struct qnode *
leaf_list(struct qparser *p, size_t a)
{
	size_t b = q_word_end(p->s, p->len, a + 1);
	p->pos = b;
	if (b == a + 1) {
		qp_error(p, a, "missing file name after '@'");
		return NULL;
	}
	char *path = q_atom(p->s + a + 1, b - a - 1), *text, *why;
	const char *name;
	size_t len = 0;
	struct srcmap *m = NULL;
	struct qnode *list = NULL;
	if (!path)
		goto nomem;
	int r = list_fetch(p, path, &text, &len, &name, &why);
	if (r == -1) {
		for (char *c = why; c && *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		qp_error(p, a, "cannot read list '%s': %s", path, why ? why : "unknown error");
		free(why);
		free(path);
		return NULL;
	}
	if (r < 0 || !(m = malloc(sizeof *m)))
		goto nomem;
	srcmap_init(m, name);
	if (ptrv_push(&p->q->maps, m) < 0) {
		free(m);
		goto nomem;
	}
	/* kept even for one line, so that the operand is placed in the query text */
	list = qnode_new(p, Q_OR, p->src, a, b - a);
	if (!list || list_read(p, list, m, text, len) < 0)
		goto nomem;
	if (!list->nkids)
		qp_error(p, a, "list '%s' has no entries", path);
	free(path);
	return list;
nomem:
	free(path);
	qnode_free(list);
	qp_nomem(p);
	return NULL;
}

/* ---- lexer ---- */

/* NEAR, NEAR/n, NEAR/nf (ordered, as Brandwatch writes it), ONEAR/n. */
static bool
lex_near(struct qparser *p, struct tok *t, size_t a, size_t n)
{
	const char *w = p->s + a;
	size_t k = n >= 5 && memcmp(w, "ONEAR", 5) == 0  ? 5
	           : n >= 4 && memcmp(w, "NEAR", 4) == 0 ? 4
	                                                 : 0;
	if (!k || (n > k && w[k] != '/'))
		return false;
	const char *name = k == 5 ? "ONEAR" : "NEAR";
	t->kind = T_NEAR;
	t->ordered = k == 5;
	size_t d = k + 1, e = n;
	if (k == 4 && n > d + 1 && w[n - 1] == 'f')
		e = n - 1, t->ordered = true;
	long v = n > k ? q_number(w + d, e - d, NEAR_MAX) : -1;
	if (v < 0)
		qp_error(p, a, "%s needs a distance: %s/n", name, name);
	else if (v > NEAR_MAX)
		qp_error(p, a + d, "%s distance must be 0 to %d", name, NEAR_MAX);
	else
		t->near = (int)v;
	return true;
}

/* Lower-case operators are words; say so, since they were likely meant. */
static void
lex_warn_lower(struct qparser *p, size_t a, size_t n)
{
	const char *w = p->s + a;
	char up[16];
	bool near = (n >= 4 && memcmp(w, "near", 4) == 0 && (n == 4 || w[4] == '/')) ||
	            (n >= 5 && memcmp(w, "onear", 5) == 0 && (n == 5 || w[5] == '/'));
	if (!near && !q_word_is(w, n, "and") && !q_word_is(w, n, "or") && !q_word_is(w, n, "not"))
		return;
	if (n >= sizeof up - 2)
		return;
	for (size_t i = 0; i < n; i++)
		up[i] = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 32) : w[i];
	up[n] = 0;
	if (near && !memchr(w, '/', n))
		strcat(up, "/n");
	qp_diag(p, p->src, a, DIAG_WARNING, "'%.*s' is a word here; operators are upper case (%s)",
	        (int)n, w, up);
}

/*
 * A NEAR whose distance is not after a slash (NEAR5, NEAR:5, near-5f,
 * ONEAR_3) or another tool's proximity operator (W/5, w/5) is a word: say
 * which operator was likely meant, since the query silently becomes an AND.
 */
static void
lex_warn_near(struct qparser *p, size_t a, size_t n)
{
	const char *w = p->s + a;
	size_t k = n >= 5 && strncasecmp(w, "onear", 5) == 0               ? 5
	           : n >= 4 && strncasecmp(w, "near", 4) == 0              ? 4
	           : n >= 2 && (w[0] == 'W' || w[0] == 'w') && w[1] == '/' ? 2
	                                                                   : 0;
	size_t d = k, e = n;
	if (!k)
		return;
	if (k > 2 && d < n && strchr(":-_=.#", w[d]) != NULL)
		d++;
	if (k > 2 && e > d + 1 && w[e - 1] == 'f')
		e--; /* NEAR/nf: ordered */
	if (d == e || e - d > 4 || q_number(w + d, e - d, NEAR_MAX) < 0)
		return;
	if (k == 2)
		qp_diag(p, p->src, a, DIAG_WARNING,
		        "'%.*s' is a word here; the proximity operator is NEAR/n (NEAR/%.*s)",
		        (int)n, w, (int)(e - d), w + d);
	else
		qp_diag(p, p->src, a, DIAG_WARNING,
		        "'%.*s' is a word here; a distance follows a slash (%s/%.*s)", (int)n, w,
		        k == 5 ? "ONEAR" : "NEAR", (int)(n - d), w + d);
}

static bool
q_isalnum_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/*
 * Another tool's syntax that hark reads as plain words, changing the query
 * silently: Lucene's !x (NOT), the wildcard ? of Lucene and Brandwatch
 * (wom?n: the words wom and n) and the boost x^2 (the word 2 as well).
 */
static void
lex_warn_foreign(struct qparser *p, size_t a, size_t n)
{
	const char *w = p->s + a;
	size_t i;

	if (n >= 2 && w[0] == '!' && q_isalnum_byte((unsigned char)w[1])) {
		qp_diag(
		    p, p->src, a, DIAG_WARNING,
		    "'!' is not an operator: '%.*s' is the word '%.*s' (NOT is written NOT or -)",
		    (int)n, w, (int)(n - 1), w + 1);
		return;
	}
	if ((unsigned char)w[0] >= 0x80) {
		/* a typographic dash or minus sign (–Abboud, −Abboud) does not negate as - does */
		uint32_t c;
		size_t k = q_dec(w, n, 0, &c);
		if (k < n && q_isalnum_byte((unsigned char)w[k]) &&
		    ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D)) {
			qp_diag(
			    p, p->src, a, DIAG_WARNING,
			    "'%.*s' is the word '%.*s': only '-' negates (write -%.*s or NOT %.*s)",
			    (int)n, w, (int)(n - k), w + k, (int)(n - k), w + k, (int)(n - k),
			    w + k);
			return;
		}
	}
	for (i = n; i > 0 && w[i - 1] >= '0' && w[i - 1] <= '9'; i--)
		;
	if (i < n && i > 0 && w[i - 1] == '^') {
		qp_diag(p, p->src, a + i - 1, DIAG_WARNING,
		        "'^%.*s' is a word here: hark has no boosts", (int)(n - i), w + i);
		return;
	}
	if (memchr(w, '/', n) || memchr(w, ':', n) || memchr(w, '=', n))
		return; /* a URL: https://x.org/a?b */
	for (i = 1; i + 1 < n; i++)
		if (w[i] == '?' && q_isalnum_byte((unsigned char)w[i - 1]) &&
		    q_isalnum_byte((unsigned char)w[i + 1])) {
			qp_diag(p, p->src, a + i, DIAG_WARNING,
			        "'?' is no wildcard: '%.*s' is read as words apart (a prefix is "
			        "written "
			        "with a final *)",
			        (int)n, w);
			return;
		}
}

/* The length of the apostrophe ' or ‘ or ’ at s[i..e), or 0. */
static size_t
q_apos_len(const char *s, size_t i, size_t e)
{
	if (i < e && s[i] == '\'')
		return 1;
	if (i + 3 <= e && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x98 || (unsigned char)s[i + 2] == 0x99))
		return 3;
	return 0;
}

/*
 * 'Bashar al-Assad' in single quotes, as SQL or another tool writes a
 * phrase: the quotes are apostrophes, and the words are AND-ed. Warns at a
 * word that opens with one when a later word of the next few closes with
 * one ('n' of rock 'n' roll, one word, is left alone).
 */
static void
lex_warn_single_quotes(struct qparser *p, size_t a, size_t n)
{
	size_t k = q_apos_len(p->s, a, a + n), i = a + n, e;

	if (!k || k >= n || !q_isalnum_byte((unsigned char)p->s[a + k]))
		return;
	if (q_apos_len(p->s, a + n - 1, a + n) || (n > 3 && q_apos_len(p->s, a + n - 3, a + n)))
		return; /* 'word' alone: the same word either way */
	for (int words = 0; words < 8 && i < p->len; words++) {
		i = q_skip_space(p->s, p->len, i);
		e = q_word_end(p->s, p->len, i);
		if (e == i)
			return; /* ( ) " { }: another construct */
		if ((e - i >= 2 && q_apos_len(p->s, e - 1, e) &&
		     q_isalnum_byte((unsigned char)p->s[e - 2])) ||
		    (e - i >= 4 && q_apos_len(p->s, e - 3, e) == 3 &&
		     q_isalnum_byte((unsigned char)p->s[e - 4]))) {
			qp_diag(
			    p, p->src, a, DIAG_WARNING,
			    "single quotes do not make a phrase: its words are AND-ed (a phrase is "
			    "written in double quotes: \"...\")");
			return;
		}
		i = e;
	}
}

/*
 * field:X and lang:xx. Returns true when the word at s[a..a+n) was one;
 * an unknown lower-case name is read as a word, with a warning.
 */
static bool
lex_field(struct qparser *p, struct tok *t, size_t a, size_t n)
{
	const char *w = p->s + a;
	size_t k = 0;
	while (k < n && w[k] >= 'a' && w[k] <= 'z')
		k++;
	if (!k || k == n || w[k] != ':')
		return false;
	if (q_word_is(w, k, "lang")) {
		t->kind = T_LEAF;
		t->leaf = leaf_lang(p, a, a + n, k);
		p->pos = a + n;
		return true;
	}
	for (unsigned f = 0; f < F_MAX; f++) {
		if (q_word_is(w, k, field_names[f])) {
			t->kind = T_FIELD;
			t->fields = 1u << f;
			t->len = k + 1;
			p->pos = a + k + 1;
			return true;
		}
	}
	if (k + 1 < n && w[k + 1] != '/') /* not a URL like https://... */
		qp_diag(p, p->src, a, DIAG_WARNING, "unknown field '%.*s'; read as a word", (int)k,
		        w);
	return false;
}

/* A bare word at a: an operator, a field, lang: or a word leaf. */
static void
lex_word(struct qparser *p, struct tok *t, size_t a)
{
	size_t b = q_word_end(p->s, p->len, a), n = b - a;
	const char *w = p->s + a;
	p->pos = b;
	t->len = n;
	if (q_word_is(w, n, "AND"))
		t->kind = T_AND;
	else if (q_word_is(w, n, "OR"))
		t->kind = T_OR;
	else if (q_word_is(w, n, "NOT"))
		t->kind = T_NOT;
	else if (!lex_near(p, t, a, n) && !lex_field(p, t, a, n)) {
		lex_warn_lower(p, a, n);
		lex_warn_near(p, a, n);
		lex_warn_foreign(p, a, n);
		lex_warn_single_quotes(p, a, n);
		t->kind = T_LEAF;
		t->leaf = leaf_word(p, a, b);
	}
}

/* '-' starts a NOT when a term follows it at once. */
static bool
lex_minus(struct qparser *p, struct tok *t, size_t a)
{
	uint32_t c = ' ';
	if (a + 1 < p->len)
		q_dec(p->s, p->len, a + 1, &c);
	p->pos = a + 1;
	if (q_isspace(c) || c == ')' || c == '}') {
		qp_error(p, a, "missing term after '-'");
		return false;
	}
	t->kind = T_MINUS;
	t->len = 1;
	return true;
}

static void
lex(struct qparser *p, struct tok *t)
{
	for (;;) {
		size_t a = q_skip_space(p->s, p->len, p->pos);
		memset(t, 0, sizeof *t);
		t->off = p->pos = a;
		t->len = 1;
		if (p->stop || a >= p->len) {
			t->kind = T_EOF;
			t->len = 0;
			return;
		}
		t->kind = T_LEAF;
		switch (p->s[a]) {
		case '(':
			t->kind = T_LPAREN;
			p->pos++;
			return;
		case ')':
			t->kind = T_RPAREN;
			p->pos++;
			return;
		case '}':
			qp_error(p, a, "unexpected '}'");
			p->pos++;
			continue;
		case '"':
			t->leaf = leaf_phrase(p, a);
			break;
		case '{':
			t->leaf = leaf_exact(p, a);
			break;
		case '/':
			t->leaf = leaf_regex(p, a);
			break;
		case '@':
			t->leaf = leaf_list(p, a);
			break;
		case '-':
			if (!lex_minus(p, t, a))
				continue;
			return;
		default:
			if ((unsigned char)p->s[a] >= 0x80) {
				uint32_t c;
				q_dec(p->s, p->len, a, &c);
				/* ” and » open a phrase too where a term starts (Swedish ”a b”,
				 * Danish »a b«); inside a word they stay part of it (Assad”) */
				if (q_isopenquote(c) || c == 0x201D || c == 0x00BB) {
					t->leaf = leaf_phrase(p, a);
					break;
				}
			}
			lex_word(p, t, a);
			return;
		}
		t->len = p->pos - a;
		return;
	}
}

static struct tok *
peek(struct qparser *p)
{
	if (!p->peeked) {
		lex(p, &p->tok);
		p->peeked = true;
	}
	return &p->tok;
}

/* Take the lookahead; its leaf now belongs to the caller. */
static struct tok
take(struct qparser *p)
{
	peek(p);
	p->peeked = false;
	p->taken++;
	return p->tok;
}

/* ---- parser ---- */

static struct qnode *parse_or(struct qparser *p);

static bool
depth_enter(struct qparser *p, size_t off)
{
	if (p->depth >= QUERY_MAX_DEPTH) {
		qp_error(p, off, "nesting deeper than %d", QUERY_MAX_DEPTH);
		p->stop = true;
		return false;
	}
	p->depth++;
	return true;
}

/* The operator as written, for messages. */
static const char *
tok_text(const struct qparser *p, const struct tok *t, int *n)
{
	*n = (int)t->len;
	return p->s + t->off;
}

/* Restrict the leaves under n to mask; returns how many had a field already. */
static size_t
fields_set(struct qnode *n, unsigned mask)
{
	size_t shadowed = 0;

	for (size_t i = 0; i < n->nkids; i++)
		shadowed += fields_set(n->kids[i], mask);
	if (!n->nkids && n->type != Q_LANG) {
		if (!n->fields)
			n->fields = mask;
		else if (n->fields != mask)
			shadowed++;
	}
	return shadowed;
}

/* '(' or ... ')', or a leaf; NULL without taking anything when no term is here. */
static struct qnode *
parse_primary(struct qparser *p)
{
	struct tok *t = peek(p);
	if (t->kind == T_LEAF)
		return take(p).leaf;
	if (t->kind != T_LPAREN)
		return NULL;
	struct tok open = take(p);
	if (!depth_enter(p, open.off))
		return NULL;
	size_t taken = p->taken;
	struct qnode *n = parse_or(p);
	p->depth--;
	if (peek(p)->kind != T_RPAREN) {
		qp_error(p, open.off, "unclosed parenthesis (opened here)");
		return n;
	}
	struct tok close = take(p);
	if (!n && p->taken - 1 == taken)
		qp_error(p, open.off, "empty parentheses");
	if (n && n->nkids) { /* a group is placed at its parentheses */
		n->len = close.off + 1 - open.off;
		n->off = open.off;
	}
	return n;
}

/* NOT X, -X, field:X, or a primary. */
static struct qnode *
parse_unary(struct qparser *p)
{
	struct tok *t = peek(p);
	if (t->kind != T_NOT && t->kind != T_MINUS && t->kind != T_FIELD)
		return parse_primary(p);
	struct tok op = take(p);
	if (!depth_enter(p, op.off))
		return NULL;
	size_t taken = p->taken;
	struct qnode *kid = parse_unary(p), *n;
	p->depth--;
	if (!kid) {
		int len;
		const char *w = tok_text(p, &op, &len);
		if (p->taken == taken)
			qp_error(p, op.off, "missing term after %s%.*s%s",
			         op.kind == T_NOT ? "" : "'", len, w, op.kind == T_NOT ? "" : "'");
		return NULL;
	}
	if (op.kind == T_FIELD) {
		/* title:body:x means body:x; say so rather than drop title: silently */
		if (fields_set(kid, op.fields) > 0) {
			int len;
			const char *w = tok_text(p, &op, &len);

			qp_diag(p, p->src, op.off, DIAG_WARNING,
			        "'%.*s' does not apply to terms restricted to another field", len,
			        w);
		}
		return kid;
	}
	n = qnode_new(p, Q_NOT, p->src, op.off, op.len);
	if (!n || qnode_addkid(n, kid) < 0) {
		qnode_free(n);
		qnode_free(kid);
		if (!p->stop)
			qp_nomem(p);
		return NULL;
	}
	qnode_extend(n, kid);
	return n;
}

static bool
near_operand_ok(const struct qnode *n)
{
	if (n->type == Q_WORD || n->type == Q_PHRASE)
		return true;
	if (n->type != Q_OR)
		return false;
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->type != Q_WORD && n->kids[i]->type != Q_PHRASE)
			return false;
	return true;
}

/* Report an operand NEAR cannot take, at its first offending part. */
static bool
near_check(struct qparser *p, const struct qnode *n, const char *name)
{
	if (near_operand_ok(n))
		return true;
	const struct qnode *at = n;
	for (size_t i = 0; n->type == Q_OR && i < n->nkids && at == n; i++)
		if (n->kids[i]->type != Q_WORD && n->kids[i]->type != Q_PHRASE)
			at = n->kids[i];
	qp_diag(p, at->src, at->off, DIAG_ERROR,
	        "%s takes words, phrases, prefixes, fuzzy words and OR-groups of them", name);
	return false;
}

/* a NEAR/n b. Takes a and b. */
static struct qnode *
near_join(struct qparser *p, const struct tok *op, struct qnode *a, struct qnode *b)
{
	if (!a || !b)
		return a ? a : b;
	const char *name = p->s[op->off] == 'O' ? "ONEAR" : "NEAR";
	bool ok = a != p->near_told && near_check(p, a, name);
	ok = near_check(p, b, name) && ok;
	if (!ok && a->type == Q_NEAR) {
		/* a NEAR chain would only deepen a tree already refused: say it once */
		p->near_told = a;
		qnode_free(b);
		return a;
	}
	struct qnode *n = qnode_new(p, Q_NEAR, p->src, a->off, a->len);
	if (!n || qnode_addkid(n, a) < 0 || (a = NULL, qnode_addkid(n, b) < 0)) {
		qnode_free(n);
		qnode_free(a);
		qnode_free(b);
		if (!p->stop)
			qp_nomem(p);
		return NULL;
	}
	n->near = op->near;
	n->ordered = op->ordered;
	qnode_extend(n, b);
	return n;
}

static struct qnode *
parse_near(struct qparser *p)
{
	size_t taken = p->taken;
	struct qnode *acc = parse_unary(p);
	while (peek(p)->kind == T_NEAR) {
		struct tok op = take(p);
		int len;
		const char *w = tok_text(p, &op, &len);
		bool before = !acc && p->taken - 1 == taken;
		if (before)
			qp_error(p, op.off, "missing term before %.*s", len, w);
		size_t t1 = p->taken;
		struct qnode *b = parse_unary(p);
		if (!b && p->taken == t1 && !before)
			qp_error(p, op.off, "missing term after %.*s", len, w);
		acc = near_join(p, &op, acc, b);
	}
	return acc;
}

static bool
starts_term(enum tkind k)
{
	return k == T_LEAF || k == T_LPAREN || k == T_NOT || k == T_MINUS || k == T_FIELD;
}

/*
 * Terms joined by AND or side by side; A NOT B reads as A AND NOT B. A ')'
 * outside every group is reported and skipped, and the terms around it are
 * read on as if it were not there, so that it causes no second error.
 */
static struct qnode *
parse_and(struct qparser *p)
{
	size_t taken = p->taken;
	struct qnode *acc = parse_near(p);
	for (;;) {
		struct tok *t = peek(p);
		if (starts_term(t->kind)) {
			acc = qnode_join(p, Q_AND, acc, parse_near(p));
			continue;
		}
		if (t->kind == T_RPAREN && p->depth == 0) {
			qp_error(p, t->off, "unexpected ')'");
			take(p);
			continue;
		}
		if (t->kind != T_AND)
			return acc;
		struct tok op = take(p);
		bool before = !acc && p->taken - 1 == taken;
		if (before)
			qp_error(p, op.off, "missing term before AND");
		size_t t1 = p->taken;
		struct qnode *b = parse_near(p);
		if (!b && p->taken == t1 && !before)
			qp_error(p, op.off, "missing term after AND");
		acc = qnode_join(p, Q_AND, acc, b);
	}
}

static struct qnode *
parse_or(struct qparser *p)
{
	size_t taken = p->taken;
	struct qnode *acc = parse_and(p);
	while (peek(p)->kind == T_OR) {
		struct tok op = take(p);
		bool before = !acc && p->taken - 1 == taken;
		if (before)
			qp_error(p, op.off, "missing term before OR");
		size_t t1 = p->taken;
		struct qnode *b = parse_and(p);
		if (!b && p->taken == t1 && !before)
			qp_error(p, op.off, "missing term after OR");
		acc = qnode_join(p, Q_OR, acc, b);
	}
	return acc;
}

/* ---- structure ---- */

/* True when the node can be true only if some positive term matched. */
static bool
qnode_positive(const struct qnode *n)
{
	switch (n->type) {
	case Q_NOT:
		return false;
	case Q_AND:
		for (size_t i = 0; i < n->nkids; i++)
			if (qnode_positive(n->kids[i]))
				return true;
		return false;
	case Q_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (!qnode_positive(n->kids[i]))
				return false;
		return true;
	default:
		return true;
	}
}

/* True when some leaf of n is outside every NOT. */
static bool
qnode_has_positive(const struct qnode *n)
{
	if (n->type == Q_NOT)
		return false;
	if (!n->nkids)
		return true;
	for (size_t i = 0; i < n->nkids; i++)
		if (qnode_has_positive(n->kids[i]))
			return true;
	return false;
}

/*
 * n is not positive but has positive terms: find the OR branch that can
 * only exclude, which would make the query match almost everything.
 */
static const struct qnode *
qnode_negative_branch(const struct qnode *n)
{
	for (;;) {
		const struct qnode *next = NULL;
		for (size_t i = 0; i < n->nkids && !next; i++) {
			const struct qnode *k = n->kids[i];
			if (n->type == Q_AND && qnode_has_positive(k))
				next = k;
			else if (n->type == Q_OR && !qnode_positive(k))
				next = k;
		}
		if (!next || !qnode_has_positive(next))
			return next ? next : n;
		n = next;
	}
}

static void
query_check(struct qparser *p, const struct qnode *root)
{
	if (qnode_positive(root))
		return;
	if (!qnode_has_positive(root)) {
		qp_error(p, root->off, "query has no positive term: it can only exclude");
		return;
	}
	const struct qnode *b = qnode_negative_branch(root);
	qp_diag(p, b->src, b->off, DIAG_ERROR,
	        "OR branch has no positive term: it would match almost every document");
}

/* A source map of text itself, line by line, for a query given without one. */
static const struct srcmap *
query_linemap(struct qparser *p, const char *text, size_t len)
{
	struct srcmap *m = malloc(sizeof *m);
	if (!m || ptrv_push(&p->q->maps, m) < 0) {
		free(m);
		return NULL;
	}
	srcmap_init(m, NULL);
	unsigned line = 1;
	for (size_t ls = 0;; line++) {
		if (srcmap_add(m, ls, line, text + ls, 0) < 0)
			return NULL;
		const char *nl = memchr(text + ls, '\n', len - ls);
		if (!nl)
			return m;
		ls = (size_t)(nl - text) + 1;
	}
}

struct query *
query_parse(const char *text, size_t len, const struct srcmap *src, const struct query_opts *o,
            struct diags *d)
{
	size_t nerrors = d->nerrors;
	struct query *q = calloc(1, sizeof *q);
	struct qparser p = {.s = text, .len = len, .src = src, .o = o, .d = d, .q = q};
	if (q && !src)
		p.src = query_linemap(&p, text, len);
	if (!q || !p.src) {
		diags_at(d, src, 0, DIAG_ERROR, "out of memory");
		query_free(q);
		return NULL;
	}
	q->root = parse_or(&p);
	while (peek(&p)->kind != T_EOF) { /* only a NEAR right after a stray ')' stops it */
		struct tok t = take(&p);
		int n;
		const char *w = tok_text(&p, &t, &n);
		qp_error(&p, t.off, "missing term before %.*s", n, w);
		qnode_free(t.leaf);
		qnode_free(parse_or(&p));
	}
	if (p.peeked)
		qnode_free(p.tok.leaf);
	if (!q->root && d->nerrors == nerrors)
		qp_error(&p, 0, "empty query");
	if (d->nerrors == nerrors)
		query_check(&p, q->root);
	if (d->nerrors > nerrors) {
		query_free(q);
		return NULL;
	}
	return q;
}

const struct qnode *
query_root(const struct query *q)
{
	return q->root;
}

void
query_free(struct query *q)
{
	if (!q)
		return;
	qnode_free(q->root);
	for (size_t i = 0; i < q->bufs.n; i++)
		free(q->bufs.v[i]);
	for (size_t i = 0; i < q->maps.n; i++) {
		srcmap_free(q->maps.v[i]);
		free(q->maps.v[i]);
	}
	free(q->bufs.v);
	free(q->maps.v);
	free(q);
}

/* ---- S-expressions ---- */

struct sbuf {
	char *s; /* owned until handed to the caller */
	size_t n, cap;
	bool oom;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *t = realloc(b->s, cap);
		if (!t) {
			b->oom = true;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void
sexpr_word(struct sbuf *b, const struct qword *w)
{
	sb_str(b, w->text);
	if (w->mode == QW_PREFIX)
		sb_str(b, "*");
	else if (w->mode == QW_FUZZY && w->budget < 0)
		sb_str(b, "~");
	else if (w->mode == QW_FUZZY)
		sb_printf(b, "~%d", w->budget);
}

static void
sexpr_words(struct sbuf *b, const struct qnode *n)
{
	for (size_t i = 0; i < n->nwords; i++) {
		sb_str(b, " ");
		sexpr_word(b, &n->words[i]);
	}
	sb_str(b, ")");
}

static void
sexpr_fields(struct sbuf *b, unsigned fields)
{
	const char *sep = "";
	for (unsigned f = 0; f < F_MAX; f++) {
		if (fields & (1u << f)) {
			sb_str(b, sep);
			sb_str(b, field_names[f]);
			sep = ",";
		}
	}
	if (fields)
		sb_str(b, ":");
}

static void
sexpr_node(struct sbuf *b, const struct qnode *n)
{
	static const char *const ops[] = {[Q_AND] = "(AND", [Q_OR] = "(OR", [Q_NOT] = "(NOT"};
	sexpr_fields(b, n->fields);
	switch (n->type) {
	case Q_WORD:
		sexpr_word(b, &n->words[0]);
		return;
	case Q_PHRASE:
		sb_str(b, "(phrase");
		if (n->slop)
			sb_printf(b, "~%d", n->slop);
		sexpr_words(b, n);
		return;
	case Q_EXACT:
		sb_str(b, "(exact");
		sexpr_words(b, n);
		return;
	case Q_REGEX:
		sb_str(b, "(regex /");
		sb_str(b, n->pattern);
		sb_str(b, "/");
		for (unsigned f = 0; f < 4; f++)
			if (n->reflags & (1u << f))
				sb_put(b, &"imsx"[f], 1);
		sb_str(b, ")");
		return;
	case Q_LANG:
		sb_printf(b, "(lang %s)", n->lang);
		return;
	case Q_NEAR:
		sb_printf(b, "(%sNEAR/%d", n->ordered ? "O" : "", n->near);
		break;
	case Q_AND:
	case Q_OR:
	case Q_NOT:
		sb_str(b, ops[n->type]);
		break;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		sb_str(b, " ");
		sexpr_node(b, n->kids[i]);
	}
	sb_str(b, ")");
}

char *
query_sexpr(const struct qnode *n)
{
	struct sbuf b = {0};
	if (n)
		sexpr_node(&b, n);
	else
		sb_str(&b, "()");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
