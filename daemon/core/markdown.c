/*
 * markdown.c: the text of a Markdown document (markdown.h). Bounded as
 * hostile text must be: every search ahead (a link's closing bracket, a
 * code span's closing backticks, an autolink's end, an emphasis opener)
 * has a cap and draws on one budget of steps a paragraph, linear in its
 * length: past it, what is left reads as text (a document of a million
 * brackets costs no more than its length times a constant); links nest
 * at most MD_DEPTH deep.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entities.h"
#include "markdown.h"
#include "utf8.h"

#define MD_DEPTH 16        /* links in links' text: deeper ones are left as text */
#define MD_BRACKET 1000    /* a link's text: at most this many bytes to its ']' */
#define MD_CODE_SCAN 4096  /* a code span: its closing backticks within this */
#define MD_OPENER_SCAN 256 /* a closer looks back over at most this many runs */

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		char *np;

		while (nc < b->n + n + 1)
			nc *= 2;
		if ((np = realloc(b->p, nc)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
putc1(struct buf *b, char c)
{
	put(b, &c, 1);
}

/* An emphasis delimiter run: "*", "**", "_"..., where it is in the output. */
struct run {
	size_t pos, len;
	size_t left, right; /* removed as a closer (its first chars), as an opener (its last) */
	char c;
	unsigned open : 1, close : 1;
};

/* The reference definitions of the document: normalized labels, sorted. */
struct defs {
	char **v;
	size_t n, cap;
};

/* The inline pass's state: the output of a paragraph and its delimiter runs. */
struct inl {
	struct buf out;
	struct run *runs;
	size_t nruns, cap;
	const struct defs *defs;
	size_t budget; /* steps of the searches ahead left to this paragraph */
	int oom;
};

/* One step of a search ahead: 0 once the paragraph's budget is spent. */
static int
step(struct inl *in)
{
	if (in->budget == 0)
		return 0;
	in->budget--;
	return 1;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_punct(int c)
{
	return c >= 0 && c < 128 && ispunct(c);
}

/* ---- reference labels ---- */

/* label as CommonMark compares them: ASCII case folded, blanks collapsed (malloc'd). */
static char *
label_norm(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t k = 0;
	int sp = 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_ws(c)) {
			sp = 1;
			continue;
		}
		if (sp && k > 0)
			o[k++] = ' ';
		sp = 0;
		o[k++] = (char)tolower(c);
	}
	o[k] = '\0';
	return o;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
defs_has(const struct defs *d, const char *s, size_t n)
{
	char *k = label_norm(s, n);
	int found;

	if (k == NULL || *k == '\0') {
		free(k);
		return 0;
	}
	found = d->n > 0 && bsearch(&k, d->v, d->n, sizeof(*d->v), cmp_str) != NULL;
	free(k);
	return found;
}

/*
 * A link reference definition on one line, "[label]: dest" with an
 * optional title: the label's length and start, or 0 when the line is not
 * one.
 */
static size_t
refdef(const char *s, size_t n, size_t *lab)
{
	size_t i = 1, close;

	if (n < 4 || s[0] != '[')
		return 0;
	for (; i < n && i <= MD_BRACKET && s[i] != ']'; i++) {
		if (s[i] == '[')
			return 0;
		if (s[i] == '\\' && i + 1 < n)
			i++;
	}
	if (i >= n || s[i] != ']' || i == 1 || i + 1 >= n || s[i + 1] != ':')
		return 0;
	close = i;
	for (i = close + 2; i < n && is_ws((unsigned char)s[i]); i++)
		;
	if (i >= n)
		return 0; /* its destination on the next line: not read here */
	if (s[i] == '<') {
		while (i < n && s[i] != '>')
			i++;
		if (i >= n)
			return 0;
		i++;
	} else {
		while (i < n && !is_ws((unsigned char)s[i]))
			i++;
	}
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	if (i < n) {
		char q = s[i] == '(' ? ')' : s[i];
		size_t e = n;

		if (q != '"' && q != '\'' && q != ')')
			return 0;
		while (e > i + 1 && is_ws((unsigned char)s[e - 1]))
			e--;
		if (e < i + 2 || s[e - 1] != q)
			return 0;
	}
	*lab = 1;
	return close - 1;
}

/* ---- inlines ---- */

static void inline_text(struct inl *in, const char *s, size_t n, int depth);

static void
run_add(struct inl *in, char c, size_t len, int prev, int next)
{
	int lf = !is_ws(next) && (!is_punct(next) || is_ws(prev) || is_punct(prev));
	int rf = !is_ws(prev) && (!is_punct(prev) || is_ws(next) || is_punct(next));
	struct run *r;

	if (in->nruns == in->cap) {
		size_t nc = in->cap ? in->cap * 2 : 32;
		struct run *nv = realloc(in->runs, nc * sizeof(*nv));

		if (nv == NULL) {
			in->oom = 1;
			return;
		}
		in->runs = nv;
		in->cap = nc;
	}
	r = &in->runs[in->nruns++];
	memset(r, 0, sizeof(*r));
	r->pos = in->out.n;
	r->len = len;
	r->c = c;
	if (c == '*') {
		r->open = lf;
		r->close = rf;
	} else { /* '_': not inside a word (snake_case stays) */
		r->open = lf && (!rf || is_punct(prev));
		r->close = rf && (!lf || is_punct(next));
	}
}

/* The end of a code span opened by k backticks at s[i], or 0. */
static size_t
code_end(struct inl *in, const char *s, size_t n, size_t i, size_t k)
{
	size_t lim = i + MD_CODE_SCAN < n ? i + MD_CODE_SCAN : n;

	for (size_t j = i; j < lim && step(in);) {
		size_t m = 0;

		if (s[j] != '`') {
			j++;
			continue;
		}
		while (j + m < n && s[j + m] == '`')
			m++;
		if (m == k)
			return j;
		j += m;
	}
	return 0;
}

/*
 * The link whose text opens at s[o] ("["): its text s[o+1..*te) and where
 * it ends (past ")" or the label's "]"), or 0 when it is no link.
 */
static size_t
link_at(struct inl *in, const char *s, size_t n, size_t o, size_t *te)
{
	size_t i, close = 0, depth = 0, lim = o + MD_BRACKET < n ? o + MD_BRACKET : n;

	for (i = o + 1; i < lim && step(in); i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
		} else if (s[i] == '[') {
			depth++;
		} else if (s[i] == ']') {
			if (depth == 0) {
				close = i;
				break;
			}
			depth--;
		}
	}
	if (close == 0)
		return 0;
	*te = close;
	i = close + 1;
	if (i < n && s[i] == '(') {
		/* an inline link: (dest "title") */
		size_t par = 0;

		for (i++; i < n && is_ws((unsigned char)s[i]); i++)
			;
		if (i < n && s[i] == '<') {
			while (i < n && s[i] != '>' && s[i] != '\n' && step(in))
				i++;
			if (i >= n || s[i] != '>')
				return 0;
			i++;
		} else {
			for (; i < n && !is_ws((unsigned char)s[i]) && step(in); i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				else if (s[i] == '(')
					par++;
				else if (s[i] == ')' && par-- == 0)
					break;
			}
		}
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		if (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == '(')) {
			char q = s[i] == '(' ? ')' : s[i];

			for (i++; i < n && s[i] != q && step(in); i++)
				if (s[i] == '\\' && i + 1 < n)
					i++;
			if (i >= n || s[i] != q)
				return 0;
			i++;
			while (i < n && is_ws((unsigned char)s[i]))
				i++;
		}
		return i < n && s[i] == ')' ? i + 1 : 0;
	}
	if (i < n && s[i] == '[') {
		/* a full or collapsed reference: [text][label], [text][] */
		size_t ls = i + 1, le = ls;

		while (le < n && le < ls + MD_BRACKET && s[le] != ']' && s[le] != '[' && step(in))
			le++;
		if (le >= n || s[le] != ']')
			return 0;
		if (le == ls)
			return defs_has(in->defs, s + o + 1, close - o - 1) ? le + 1 : 0;
		return defs_has(in->defs, s + ls, le - ls) ? le + 1 : 0;
	}
	/* a shortcut reference: [label] */
	return defs_has(in->defs, s + o + 1, close - o - 1) ? close + 1 : 0;
}

/* The end of an autolink opened at s[o] ("<scheme:..." or an address), or 0. */
static size_t
autolink_at(struct inl *in, const char *s, size_t n, size_t o, size_t *scheme)
{
	size_t i = o + 1, at = 0;

	*scheme = 0;
	while (i < n && i < o + 33 &&
	       (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-'))
		i++;
	if (i < n && s[i] == ':' && i - o - 1 >= 2 && isalpha((unsigned char)s[o + 1]))
		*scheme = 1;
	for (i = o + 1; i < n && i < o + 2048 && step(in); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '>')
			return i > o + 1 && (*scheme || at) ? i + 1 : 0;
		if (c == '<' || is_ws(c) || c < 0x20)
			return 0;
		if (c == '@')
			at = 1;
	}
	return 0;
}

#define MD_TAG_SCAN 1024 /* a raw HTML tag: its '>' within this */

/*
 * A search ahead over s[from..lim) for what (memmem), paid for from the
 * paragraph's budget by the bytes it reads: NULL when not found or the
 * budget is spent.
 */
static const char *
scan_for(struct inl *in, const char *s, size_t from, size_t lim, const char *what)
{
	size_t wl = strlen(what), len = lim > from ? lim - from : 0;
	const char *q;

	if (in->budget < len) {
		in->budget = 0;
		return NULL;
	}
	q = memmem(s + from, len, what, wl);
	in->budget -= q != NULL ? (size_t)(q - (s + from)) : len;
	return q;
}

/* Skip white space (line ends included) from i; at most to n. */
static size_t
skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * The end of the raw HTML at s[o] ('<'), as CommonMark's inline raw HTML
 * reads it: an open tag with its attributes, a closing tag, a comment, a
 * processing instruction, a declaration or a CDATA section; 0 when it is
 * none ("a < b", "<3"). *name, *nlen: the tag's name (nlen 0: no tag).
 */
static size_t
rawhtml_at(struct inl *in, const char *s, size_t n, size_t o, const char **name, size_t *nlen)
{
	size_t i = o + 1, lim = n < o + MD_TAG_SCAN ? n : o + MD_TAG_SCAN, b;
	const char *q;

	*nlen = 0;
	if (i >= n)
		return 0;
	if (n - i >= 3 && memcmp(s + i, "!--", 3) == 0) {
		/* <!--> and <!---> are empty comments */
		if (n - i >= 4 && s[i + 3] == '>')
			return i + 4;
		if (n - i >= 5 && s[i + 3] == '-' && s[i + 4] == '>')
			return i + 5;
		q = scan_for(in, s, i + 3, lim, "-->");
		return q != NULL ? (size_t)(q - s) + 3 : 0;
	}
	if (n - i >= 8 && memcmp(s + i, "![CDATA[", 8) == 0) {
		q = scan_for(in, s, i + 8, lim, "]]>");
		return q != NULL ? (size_t)(q - s) + 3 : 0;
	}
	if (s[i] == '?') {
		q = scan_for(in, s, i + 1, lim, "?>");
		return q != NULL ? (size_t)(q - s) + 2 : 0;
	}
	if (s[i] == '!' && i + 1 < n && isalpha((unsigned char)s[i + 1])) {
		q = scan_for(in, s, i, lim, ">");
		return q != NULL ? (size_t)(q - s) + 1 : 0;
	}
	if (s[i] == '/') {
		i++;
		if (i >= n || !isalpha((unsigned char)s[i]))
			return 0;
		for (b = i; i < lim && (isalnum((unsigned char)s[i]) || s[i] == '-'); i++)
			;
		*name = s + b;
		*nlen = i - b;
		i = skip_ws(s, lim, i);
		return i < lim && s[i] == '>' ? i + 1 : 0;
	}
	if (!isalpha((unsigned char)s[i]))
		return 0;
	for (b = i; i < lim && (isalnum((unsigned char)s[i]) || s[i] == '-'); i++)
		;
	*name = s + b;
	*nlen = i - b;
	for (;;) {
		if (!step(in))
			return 0;
		b = i;
		i = skip_ws(s, lim, i);
		if (i >= lim)
			return 0;
		if (s[i] == '>')
			return i + 1;
		if (s[i] == '/')
			return i + 1 < lim && s[i + 1] == '>' ? i + 2 : 0;
		/* an attribute needs white space before it */
		if (i == b || !(isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return 0;
		while (i < lim && (isalnum((unsigned char)s[i]) || strchr("_.:-", s[i]) != NULL))
			i++;
		b = skip_ws(s, lim, i);
		if (b >= lim || s[b] != '=')
			continue;
		i = skip_ws(s, lim, b + 1);
		if (i >= lim)
			return 0;
		if (s[i] == '"' || s[i] == '\'') {
			q = scan_for(in, s, i + 1, lim, s[i] == '"' ? "\"" : "'");
			if (q == NULL)
				return 0;
			i = (size_t)(q - s) + 1;
		} else {
			for (b = i; i < lim && !is_ws((unsigned char)s[i]) &&
			            strchr("\"'=<>`", s[i]) == NULL;
			     i++)
				;
			if (i == b)
				return 0;
		}
	}
}

/* Does the tag name[0..n) break a line (a block of HTML's, or <br>)? */
static int
tag_breaks(const char *name, size_t n)
{
	static const char *const blocks[] = {
	    "address", "article", "aside", "blockquote", "br",     "dd",     "details",
	    "div",     "dl",      "dt",    "figcaption", "figure", "footer", "form",
	    "h1",      "h2",      "h3",    "h4",         "h5",     "h6",     "header",
	    "hr",      "li",      "main",  "nav",        "ol",     "p",      "pre",
	    "section", "summary", "table", "td",         "th",     "tr",     "ul"};

	for (size_t k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++)
		if (strlen(blocks[k]) == n && strncasecmp(blocks[k], name, n) == 0)
			return 1;
	return 0;
}

/*
 * The character reference at s[i] ('&') as CommonMark reads one: a name of
 * HTML's list and ';' (entities.h), or "&#" 1-7 digits or "&#x" 1-6 hex
 * digits and ';' (U+0000, surrogates and values past U+10FFFF are U+FFFD; a
 * C1 control is windows-1252's character, as hark reads HTML). Puts its
 * character(s); returns its length, 0 when it is none ("AT&T", "&foo;").
 */
static size_t
charref_at(struct inl *in, const char *s, size_t n, size_t i)
{
	uint32_t cp[2], v = 0;
	size_t k = i + 1, start;
	char enc[4];
	int cnt = 1;

	if (k < n && s[k] == '#') {
		int hex = k + 1 < n && (s[k + 1] == 'x' || s[k + 1] == 'X');
		size_t max = hex ? 6 : 7;

		k += hex ? 2 : 1;
		for (start = k;
		     k < n && k - start < max &&
		     (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k]));
		     k++)
			v = v * (hex ? 16 : 10) +
			    (uint32_t)(isdigit((unsigned char)s[k])
			                   ? s[k] - '0'
			                   : (tolower((unsigned char)s[k]) - 'a' + 10));
		if (k == start || k >= n || s[k] != ';')
			return 0;
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		cp[0] = utf8_c1_windows(v);
	} else {
		for (start = k; k < n && k - start < 32 && isalnum((unsigned char)s[k]); k++)
			;
		if (k == start || k >= n || s[k] != ';' ||
		    (cnt = entity_lookup(s + start, k - start, cp)) == 0)
			return 0;
	}
	/*
	 * the text is never longer than the Markdown (markdown.h): "&nGt;" and
	 * "&nLt;" alone would be, their mark (U+20D2) goes
	 */
	if (cnt == 2 && utf8_encode(cp[0], enc) + utf8_encode(cp[1], enc) > k + 1 - i)
		cnt = 1;
	for (int j = 0; j < cnt; j++)
		put(&in->out, enc, utf8_encode(cp[j], enc));
	return k + 1 - i;
}

static void
inline_text(struct inl *in, const char *s, size_t n, int depth)
{
	size_t i = 0;
	const char *tag = NULL;

	while (i < n && !in->out.oom && !in->oom) {
		unsigned char c = (unsigned char)s[i];
		size_t e, te, k;

		if (c == '\\' && i + 1 < n && is_punct((unsigned char)s[i + 1])) {
			putc1(&in->out, s[i + 1]); /* escaped: literal, never a delimiter */
			i += 2;
		} else if (c == '`') {
			for (k = 0; i + k < n && s[i + k] == '`'; k++)
				;
			if ((e = code_end(in, s, n, i + k, k)) != 0) {
				put(&in->out, s + i + k, e - i - k); /* its text, verbatim */
				i = e + k;
			} else {
				put(&in->out, s + i, k);
				i += k;
			}
		} else if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '[')) &&
		           depth < MD_DEPTH) {
			size_t o = c == '!' ? i + 1 : i;

			if ((e = link_at(in, s, n, o, &te)) != 0) {
				inline_text(in, s + o + 1, te - o - 1, depth + 1);
				i = e;
			} else {
				put(&in->out, s + i, o + 1 - i);
				i = o + 1;
			}
		} else if (c == '<' && (e = autolink_at(in, s, n, i, &k)) != 0) {
			put(&in->out, s + i + 1, e - i - 2);
			i = e;
		} else if (c == '<' && (e = rawhtml_at(in, s, n, i, &tag, &k)) != 0) {
			/*
			 * raw HTML is markup, not text (CommonMark passes it to the
			 * page): a tag goes, a block's or <br> leaving a space so
			 * that "Lena<br>Okafor" stays two words (a space: a heading
			 * is one line)
			 */
			if (k > 0 && tag_breaks(tag, k))
				putc1(&in->out, ' ');
			i = e;
		} else if (c == '&' && (k = charref_at(in, s, n, i)) != 0) {
			i += k; /* a reference: its character, never a delimiter */
		} else if (c == '*' || c == '_') {
			for (k = 0; i + k < n && s[i + k] == (char)c; k++)
				;
			run_add(in, (char)c, k, i > 0 ? (unsigned char)s[i - 1] : ' ',
			        i + k < n ? (unsigned char)s[i + k] : ' ');
			put(&in->out, s + i, k);
			i += k;
		} else {
			putc1(&in->out, (char)c);
			i++;
		}
	}
}

/*
 * Pair the delimiter runs, closer by closer, with the nearest opener of the
 * same character before it (CommonMark's "process emphasis", its rule of 3
 * included): each pair removes one or two characters of each run.
 */
static void
emphasis_pair(struct inl *in)
{
	for (size_t ci = 0; ci < in->nruns; ci++) {
		struct run *cl = &in->runs[ci];

		while (cl->close && cl->len - cl->left - cl->right > 0) {
			size_t lim = ci > MD_OPENER_SCAN ? ci - MD_OPENER_SCAN : 0, oi, use;
			struct run *op = NULL;

			for (oi = ci; oi-- > lim && step(in);) {
				struct run *r = &in->runs[oi];

				if (r->c != cl->c || !r->open || r->len - r->left - r->right == 0)
					continue;
				if ((r->close || cl->open) && (r->len + cl->len) % 3 == 0 &&
				    !(r->len % 3 == 0 && cl->len % 3 == 0))
					continue;
				op = r;
				break;
			}
			if (op == NULL)
				break;
			use = op->len - op->left - op->right >= 2 &&
			              cl->len - cl->left - cl->right >= 2
			          ? 2
			          : 1;
			op->right += use;
			cl->left += use;
			/* the runs between are inside this emphasis: they pair no more */
			for (size_t j = oi + 1; j < ci; j++)
				in->runs[j].open = in->runs[j].close = 0;
		}
	}
}

/* The paragraph s[0..n) as text into out (the runs that pair removed). */
static int
inline_flush(const struct defs *defs, const char *s, size_t n, struct buf *out)
{
	struct inl in = {.defs = defs, .budget = 16 * n + 65536};
	size_t from = 0;

	inline_text(&in, s, n, 0);
	if (!in.oom && !in.out.oom)
		emphasis_pair(&in);
	for (size_t i = 0; i < in.nruns && !in.oom && !in.out.oom; i++) {
		const struct run *r = &in.runs[i];

		/* up to the run, then what of it did not pair */
		put(out, in.out.p + from, r->pos - from);
		put(out, in.out.p + r->pos + r->left, r->len - r->left - r->right);
		from = r->pos + r->len;
	}
	if (!in.oom && !in.out.oom && in.out.n > from)
		put(out, in.out.p + from, in.out.n - from);
	free(in.out.p);
	free(in.runs);
	return in.oom || in.out.oom ? -1 : 0;
}

/* ---- blocks ---- */

/* A thematic break: three or more of one of - * _, blanks between. */
static int
thematic(const char *s, size_t n)
{
	size_t k = 0;
	char c = n > 0 ? s[0] : 0;

	if (c != '-' && c != '*' && c != '_')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == c)
			k++;
		else if (s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return k >= 3;
}

/* A setext underline: only = or only -, trailing blanks allowed. */
static int
setext(const char *s, size_t n)
{
	size_t i = 0;
	char c = n > 0 ? s[0] : 0;

	if (c != '=' && c != '-')
		return 0;
	while (i < n && s[i] == c)
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n;
}

/* The length of a list marker at s ("- ", "* ", "+ ", "12. ", "3) ") with its blank, or 0. */
static size_t
list_marker(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '*' || s[0] == '+')) {
		i = 1;
	} else {
		while (i < n && i < 9 && isdigit((unsigned char)s[i]))
			i++;
		if (i == 0 || i >= n || (s[i] != '.' && s[i] != ')'))
			return 0;
		i++;
	}
	if (i == n)
		return i;
	if (s[i] != ' ' && s[i] != '\t')
		return 0;
	return i + 1;
}

/* A fence: 3 or more ` or ~ (a backtick fence's info has no backtick): its length, or 0. */
static size_t
fence(const char *s, size_t n, char *c)
{
	size_t k = 0;

	if (n < 3 || (s[0] != '`' && s[0] != '~'))
		return 0;
	while (k < n && s[k] == s[0])
		k++;
	if (k < 3)
		return 0;
	if (s[0] == '`' && memchr(s + k, '`', n - k) != NULL)
		return 0;
	*c = s[0];
	return k;
}

static int
all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

struct md {
	struct buf out;
	struct buf para; /* the paragraph's lines, not yet through the inline pass */
	struct defs defs;
	char *title;
	size_t title_end;
	int seen_text; /* something was written before the first heading */
	int oom;
};

static void
heading(struct md *m, const char *s, size_t n)
{
	size_t start = m->out.n;

	while (n > 0 && is_ws((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_ws((unsigned char)s[n - 1]))
		n--;
	if (inline_flush(&m->defs, s, n, &m->out) < 0)
		m->oom = 1;
	if (m->title == NULL && !m->oom) {
		size_t a = start, b = m->out.n;

		while (a < b && is_ws((unsigned char)m->out.p[a]))
			a++;
		while (b > a && is_ws((unsigned char)m->out.p[b - 1]))
			b--;
		if (b > a) {
			if ((m->title = malloc(b - a + 1)) == NULL) {
				m->oom = 1;
			} else {
				memcpy(m->title, m->out.p + a, b - a);
				m->title[b - a] = '\0';
				/* a setext heading of several lines: a title is one */
				for (char *q = m->title; *q != '\0'; q++)
					if (*q == '\n' || *q == '\r')
						*q = ' ';
			}
			putc1(&m->out, '\n');
			if (!m->seen_text)
				m->title_end = m->out.n;
			return;
		}
	}
	putc1(&m->out, '\n');
}

static void
para_flush(struct md *m)
{
	if (m->para.n == 0)
		return;
	m->seen_text = 1;
	if (inline_flush(&m->defs, m->para.p, m->para.n, &m->out) < 0)
		m->oom = 1;
	putc1(&m->out, '\n');
	m->para.n = 0;
}

/* The next line of s from *i: its start and length (without its end), *i past it. */
static const char *
next_line(const char *s, size_t len, size_t *i, size_t *n)
{
	const char *p = s + *i, *nl = memchr(p, '\n', len - *i);
	size_t l = nl ? (size_t)(nl - p) : len - *i;

	*i += nl ? l + 1 : l;
	*n = l > 0 && p[l - 1] == '\r' ? l - 1 : l;
	return p;
}

/* The line past its block quote marks and indentation. */
static const char *
strip_quotes(const char *p, size_t *n)
{
	for (;;) {
		size_t i = 0;

		while (i < *n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < *n && p[i] == '>') {
			i++;
			if (i < *n && p[i] == ' ')
				i++;
			p += i;
			*n -= i;
			continue;
		}
		p += i;
		*n -= i;
		return p;
	}
}

static int
collect_defs(const char *s, size_t len, struct defs *d)
{
	size_t i = 0, n, lab;
	int in_fence = 0;
	char fc = 0;

	while (i < len) {
		const char *p = next_line(s, len, &i, &n);
		size_t ln;
		char c;

		p = strip_quotes(p, &n);
		if (fence(p, n, &c) != 0) {
			if (!in_fence) {
				in_fence = 1;
				fc = c;
			} else if (c == fc) {
				in_fence = 0;
			}
			continue;
		}
		if (in_fence || (ln = refdef(p, n, &lab)) == 0)
			continue;
		if (d->n == d->cap) {
			size_t nc = d->cap ? d->cap * 2 : 16;
			char **nv = realloc(d->v, nc * sizeof(*nv));

			if (nv == NULL)
				return -1;
			d->v = nv;
			d->cap = nc;
		}
		if ((d->v[d->n] = label_norm(p + lab, ln)) == NULL)
			return -1;
		d->n++;
	}
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_str);
	return 0;
}

char *
markdown_to_text(const char *s, size_t len, size_t *out_len, char **title, size_t *title_end)
{
	struct md m = {0};
	size_t i = 0, n, fk = 0, lab;
	char fc = 0;

	if (title != NULL)
		*title = NULL;
	if (title_end != NULL)
		*title_end = 0;
	if (collect_defs(s, len, &m.defs) < 0)
		m.oom = 1;
	while (i < len && !m.oom && !m.out.oom && !m.para.oom) {
		const char *p = next_line(s, len, &i, &n);
		size_t k, mk;
		char c;

		p = strip_quotes(p, &n);
		if (fk > 0) {
			/* in a fenced code block: its lines as they are, until its fence */
			if ((k = fence(p, n, &c)) >= fk && c == fc && all_blank(p + k, n - k)) {
				fk = 0;
			} else {
				put(&m.out, p, n);
				m.seen_text |= n > 0;
			}
			putc1(&m.out, '\n');
			continue;
		}
		if (n == 0) {
			para_flush(&m);
			putc1(&m.out, '\n');
			continue;
		}
		if ((k = fence(p, n, &c)) != 0) {
			para_flush(&m);
			fk = k;
			fc = c;
			putc1(&m.out, '\n');
			continue;
		}
		if (p[0] == '#') {
			for (k = 0; k < n && p[k] == '#'; k++)
				;
			if (k <= 6 && (k == n || p[k] == ' ' || p[k] == '\t')) {
				size_t e = n;

				/* the closing sequence: blanks, #s after a blank, blanks */
				while (e > k && (p[e - 1] == ' ' || p[e - 1] == '\t'))
					e--;
				while (e > k && p[e - 1] == '#')
					e--;
				if (e > k && p[e - 1] != ' ' && p[e - 1] != '\t' && e < n &&
				    p[e] == '#') {
					e = n; /* "#5#" is text: no blank before the #s */
					while (e > k && (p[e - 1] == ' ' || p[e - 1] == '\t'))
						e--;
				}
				para_flush(&m);
				heading(&m, p + k, e - k);
				continue;
			}
		}
		if (m.para.n > 0 && setext(p, n)) {
			/* the paragraph above is a heading */
			const char *t = m.para.p;
			size_t tn = m.para.n;

			m.para.n = 0;
			heading(&m, t, tn);
			continue;
		}
		if (thematic(p, n)) {
			para_flush(&m);
			putc1(&m.out, '\n');
			continue;
		}
		if (m.para.n == 0 && refdef(p, n, &lab) != 0) {
			putc1(&m.out, '\n');
			continue;
		}
		if ((mk = list_marker(p, n)) != 0) {
			para_flush(&m); /* an item: a paragraph of its own */
			p += mk;
			n -= mk;
			while (n > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				n--;
			}
		}
		if (m.para.n > 0)
			putc1(&m.para, '\n');
		put(&m.para, p, n);
		if (n == 0 && m.para.n == 0)
			putc1(&m.out, '\n');
	}
	para_flush(&m);
	for (size_t d = 0; d < m.defs.n; d++)
		free(m.defs.v[d]);
	free(m.defs.v);
	free(m.para.p);
	if (m.out.p == NULL && !m.out.oom && (m.out.p = calloc(1, 1)) == NULL)
		m.oom = 1;
	if (m.oom || m.out.oom || m.para.oom) {
		free(m.out.p);
		free(m.title);
		return NULL;
	}
	*out_len = m.out.n;
	if (title != NULL)
		*title = m.title;
	else
		free(m.title);
	if (title_end != NULL && m.title != NULL)
		*title_end = m.title_end;
	return m.out.p;
}

int
markdown_name(const char *file)
{
	static const char *const sfx[] = {".md", ".markdown", ".mdown", ".mkd", NULL};
	size_t n = file != NULL ? strlen(file) : 0;

	for (const char *const *x = sfx; *x != NULL; x++) {
		size_t k = strlen(*x);

		if (n > k && strcasecmp(file + n - k, *x) == 0)
			return 1;
	}
	return 0;
}
