/*
 * html.c: the text a reader sees in an HTML page (see html.h).
 *
 * libxml2's HTML parser builds the tree; the rest is ours: which elements
 * are dropped, which ones break a line, which subtree is the article. The
 * tree is walked without recursion, through parent pointers, so its depth
 * costs no stack. libxml2 2.9 itself halts a parse past 256 open elements
 * (without XML_PARSE_HUGE, which would lift every limit) and drops the rest
 * of the page: an old page with an unclosed <font> in each paragraph gets
 * there. So a parse stops itself a little earlier (HTML_MAX_DEPTH) and the
 * rest of the page is parsed anew, as a piece of its own, until the end:
 * every piece costs what a page of its size costs, and none is deeper than
 * the limit. What was open at a cut is not reopened after it (an <article>,
 * a <nav>, a dropped <svg> around it): html_extract() says so in a warning.
 *
 * Layout of the text: runs of white space collapse to one space, as a
 * browser shows them, and U+00A0 (&nbsp;) counts as a space. A block
 * element (div, li, tr, td, th, dt, dd, section...) and <br> end a line:
 * "\n". A paragraph element (p, h1-h6, blockquote, pre, ul, ol, dl, table,
 * figure, hr) ends a paragraph: "\n\n"; so do two <br> in a row. Breaks go
 * between pieces of text only: never at the start or the end, never more
 * than "\n\n". <pre> keeps its lines (blank lines shrink to one).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/chvalid.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "entities.h"
#include "html.h"
#include "xmlsafe.h"
#include "mem.h"
#include "utf8.h"

/*
 * libxml2 2.9 compares each attribute of a start tag with all the earlier
 * ones and appends it at the end of a linked list: a tag with n attributes
 * costs n^2 (50,000 of them, 400 KB of input, take 20 s). No real element
 * has more than a few dozen; attrs_bound() drops those past this many.
 */
#define HTML_MAX_ATTRS 128
/* libxml2 reads a tag or attribute name in pieces of at most this many bytes. */
#define HTML_NAME_MAX 100
/* html_sniff() looks this far for the end of a tag. */
#define SNIFF_TAG_MAX 512

/* ---- elements ---------------------------------------------------------- */

enum disp {
	D_INLINE, /* joins its text to its neighbours' */
	D_BLOCK,  /* ends a line */
	D_PARA,   /* ends a paragraph */
	D_PRE,    /* a paragraph that keeps its white space */
	D_BR,     /* a line break */
	D_DROP,   /* neither it nor anything inside is text */
};

enum role {
	R_NONE,
	R_BOILER, /* nav, aside, footer: dropped from every body */
	R_HEADER, /* header: dropped, except inside the article it heads */
	R_ARTICLE,
	R_MAIN,
	R_HEAD,
	R_HTML,
	R_TITLE,
	R_H1,
	R_META,
	R_LINK,
	R_TIME,
};

struct elem {
	const char *name;
	unsigned char disp, role;
	unsigned char sniff; /* html_sniff() takes the tag for markup */
};

/*
 * Every element named here is known; any other one (custom elements, SVG
 * and MathML children, typos) is inline. Sorted by strcmp() for bsearch().
 * html_sniff() ignores the names that read as placeholders in plain text
 * ("<source>", "<time>", "<data>"). The void elements (embed, input, param,
 * source, track, wbr...) are inline, never dropped: nothing inside them is
 * theirs, but libxml2's HTML 4 parser nests the text after an <embed> or a
 * <wbr> inside it ("safe<embed src=x> description").
 */
static const struct elem elems[] = {
    {"a", D_INLINE, R_NONE, 1},         {"abbr", D_INLINE, R_NONE, 1},
    {"address", D_BLOCK, R_NONE, 1},    {"applet", D_DROP, R_NONE, 1},
    {"area", D_INLINE, R_NONE, 0},      {"article", D_BLOCK, R_ARTICLE, 1},
    {"aside", D_BLOCK, R_BOILER, 1},    {"audio", D_DROP, R_NONE, 1},
    {"b", D_INLINE, R_NONE, 1},         {"base", D_INLINE, R_NONE, 0},
    {"bdi", D_INLINE, R_NONE, 1},       {"bdo", D_INLINE, R_NONE, 1},
    {"big", D_INLINE, R_NONE, 1},       {"blockquote", D_PARA, R_NONE, 1},
    {"body", D_BLOCK, R_NONE, 1},       {"br", D_BR, R_NONE, 1},
    {"button", D_DROP, R_NONE, 1},      {"canvas", D_DROP, R_NONE, 1},
    {"caption", D_BLOCK, R_NONE, 1},    {"center", D_BLOCK, R_NONE, 1},
    {"cite", D_INLINE, R_NONE, 1},      {"code", D_INLINE, R_NONE, 1},
    {"col", D_INLINE, R_NONE, 0},       {"colgroup", D_INLINE, R_NONE, 1},
    {"data", D_INLINE, R_NONE, 0},      {"datalist", D_DROP, R_NONE, 1},
    {"dd", D_BLOCK, R_NONE, 1},         {"del", D_INLINE, R_NONE, 1},
    {"details", D_BLOCK, R_NONE, 1},    {"dfn", D_INLINE, R_NONE, 1},
    {"dialog", D_BLOCK, R_NONE, 0},     {"dir", D_PARA, R_NONE, 0},
    {"div", D_BLOCK, R_NONE, 1},        {"dl", D_PARA, R_NONE, 1},
    {"dt", D_BLOCK, R_NONE, 1},         {"em", D_INLINE, R_NONE, 1},
    {"embed", D_INLINE, R_NONE, 1},     {"fieldset", D_BLOCK, R_NONE, 1},
    {"figcaption", D_BLOCK, R_NONE, 1}, {"figure", D_PARA, R_NONE, 1},
    {"font", D_INLINE, R_NONE, 1},      {"footer", D_BLOCK, R_BOILER, 1},
    {"form", D_BLOCK, R_NONE, 1},       {"frame", D_DROP, R_NONE, 1},
    {"frameset", D_DROP, R_NONE, 1},    {"h1", D_PARA, R_H1, 1},
    {"h2", D_PARA, R_NONE, 1},          {"h3", D_PARA, R_NONE, 1},
    {"h4", D_PARA, R_NONE, 1},          {"h5", D_PARA, R_NONE, 1},
    {"h6", D_PARA, R_NONE, 1},          {"head", D_DROP, R_HEAD, 1},
    {"header", D_BLOCK, R_HEADER, 1},   {"hgroup", D_BLOCK, R_NONE, 1},
    {"hr", D_PARA, R_NONE, 1},          {"html", D_BLOCK, R_HTML, 1},
    {"i", D_INLINE, R_NONE, 1},         {"iframe", D_DROP, R_NONE, 1},
    {"img", D_INLINE, R_NONE, 1},       {"input", D_INLINE, R_NONE, 1},
    {"ins", D_INLINE, R_NONE, 1},       {"kbd", D_INLINE, R_NONE, 1},
    {"label", D_INLINE, R_NONE, 0},     {"legend", D_BLOCK, R_NONE, 0},
    {"li", D_BLOCK, R_NONE, 1},         {"link", D_INLINE, R_LINK, 1},
    {"listing", D_PRE, R_NONE, 1},      {"main", D_BLOCK, R_MAIN, 1},
    {"map", D_INLINE, R_NONE, 0},       {"mark", D_INLINE, R_NONE, 1},
    {"math", D_DROP, R_NONE, 1},        {"menu", D_PARA, R_NONE, 0},
    {"meta", D_INLINE, R_META, 1},      {"meter", D_DROP, R_NONE, 0},
    {"nav", D_BLOCK, R_BOILER, 1},      {"noembed", D_DROP, R_NONE, 1},
    {"noframes", D_DROP, R_NONE, 1},    {"noscript", D_DROP, R_NONE, 1},
    {"object", D_DROP, R_NONE, 1},      {"ol", D_PARA, R_NONE, 1},
    {"optgroup", D_DROP, R_NONE, 1},    {"option", D_DROP, R_NONE, 0},
    {"output", D_INLINE, R_NONE, 0},    {"p", D_PARA, R_NONE, 1},
    {"param", D_INLINE, R_NONE, 0},     {"picture", D_INLINE, R_NONE, 1},
    {"plaintext", D_PRE, R_NONE, 1},    {"pre", D_PRE, R_NONE, 1},
    {"progress", D_DROP, R_NONE, 0},    {"q", D_INLINE, R_NONE, 1},
    {"rp", D_DROP, R_NONE, 1}, /* ruby annotations would split the words they gloss */
    {"rt", D_DROP, R_NONE, 1},          {"ruby", D_INLINE, R_NONE, 1},
    {"s", D_INLINE, R_NONE, 1},         {"samp", D_INLINE, R_NONE, 1},
    {"script", D_DROP, R_NONE, 1},      {"search", D_BLOCK, R_NONE, 0},
    {"section", D_BLOCK, R_NONE, 1},    {"select", D_DROP, R_NONE, 1},
    {"slot", D_INLINE, R_NONE, 0},      {"small", D_INLINE, R_NONE, 1},
    {"source", D_INLINE, R_NONE, 0},    {"span", D_INLINE, R_NONE, 1},
    {"strike", D_INLINE, R_NONE, 1},    {"strong", D_INLINE, R_NONE, 1},
    {"style", D_DROP, R_NONE, 1},       {"sub", D_INLINE, R_NONE, 1},
    {"summary", D_BLOCK, R_NONE, 0},    {"sup", D_INLINE, R_NONE, 1},
    {"svg", D_DROP, R_NONE, 1},         {"table", D_PARA, R_NONE, 1},
    {"tbody", D_BLOCK, R_NONE, 1},      {"td", D_BLOCK, R_NONE, 1},
    {"template", D_DROP, R_NONE, 1},    {"textarea", D_DROP, R_NONE, 1},
    {"tfoot", D_BLOCK, R_NONE, 1},      {"th", D_BLOCK, R_NONE, 1},
    {"thead", D_BLOCK, R_NONE, 1},      {"time", D_INLINE, R_TIME, 0},
    {"title", D_DROP, R_TITLE, 1},      {"tr", D_BLOCK, R_NONE, 1},
    {"track", D_INLINE, R_NONE, 0},     {"tt", D_INLINE, R_NONE, 1},
    {"u", D_INLINE, R_NONE, 1},         {"ul", D_PARA, R_NONE, 1},
    {"var", D_INLINE, R_NONE, 1},       {"video", D_DROP, R_NONE, 1},
    {"wbr", D_INLINE, R_NONE, 1},       {"xmp", D_PRE, R_NONE, 1},
};

/* An element's psvi (unused in HTML) when it was still open where its piece was cut. */
static const char open_at_cut = 0;

static const struct elem elem_unknown = {"", D_INLINE, R_NONE, 0};

#define NELEMS (sizeof(elems) / sizeof(elems[0]))

static int
elem_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct elem *)e)->name);
}

/* The entry for an element name as libxml2 gives it (lower case). */
static const struct elem *
elem_lookup(const xmlChar *name)
{
	const struct elem *e;

	if (name == NULL)
		return &elem_unknown;
	e = bsearch(name, elems, NELEMS, sizeof(elems[0]), elem_cmp);
	return e != NULL ? e : &elem_unknown;
}

/*
 * The entry of an element. Each element is looked at several times (the
 * scan, the text, leaving it): the first lookup is kept in the node's
 * _private pointer, which libxml2 leaves to the application; the tree is
 * ours and freed before we return.
 */
static const struct elem *
elem_find(xmlNode *n)
{
	const struct elem *e = n->_private;

	if (e == NULL) {
		e = elem_lookup(n->name);
		n->_private = (void *)(uintptr_t)e;
	}
	return e;
}

/* ---- ASCII helpers ----------------------------------------------------- */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* White space as libxml2 reads it in a tag (no form feed). */
static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char
to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* s[0..n) equals the lower-case word w, ignoring ASCII case. */
static int
eq_word(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || to_lower((unsigned char)s[i]) != (unsigned char)w[i])
			return 0;
	return w[n] == '\0';
}

/* Trim ASCII white space from both ends of s; *n is its length after. */
static const char *
trim(const char *s, size_t *n)
{
	size_t len = strlen(s);

	while (len > 0 && is_space((unsigned char)*s))
		s++, len--;
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	*n = len;
	return s;
}

/* Is the trimmed s the word w, ignoring case? */
static int
eq_trimmed(const char *s, const char *w)
{
	size_t n;

	s = trim(s, &n);
	return eq_word(s, n, w);
}

/* Is w one of the white-space separated words of s, ignoring case? */
static int
has_word(const char *s, const char *w)
{
	const char *p = s, *q;

	for (;;) {
		while (is_space((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		for (q = p; *q != '\0' && !is_space((unsigned char)*q); q++)
			;
		if (eq_word(p, (size_t)(q - p), w))
			return 1;
		p = q;
	}
}

/* ---- output ------------------------------------------------------------ */

struct out {
	char *s; /* owned */
	size_t len, cap;
	int brk;     /* line breaks owed before the next text: 0, 1 or 2 */
	int sp;      /* a space owed before the next text */
	int oneline; /* breaks become spaces (a title) */
	int nomem;
};

static void
out_put(struct out *o, const char *s, size_t n)
{
	if (o->nomem)
		return;
	if (mem_grow(&o->s, &o->cap, o->len + n + 1, 1) < 0) {
		o->nomem = 1;
		return;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* Pay what is owed before the next text: nothing at the start. */
static void
out_sep(struct out *o)
{
	if (o->len > 0) {
		if (o->brk > 0 && !o->oneline)
			out_put(o, "\n\n", (size_t)o->brk);
		else if (o->brk > 0 || o->sp)
			out_put(o, " ", 1);
	}
	o->brk = o->sp = 0;
}

static void
out_break(struct out *o, int n)
{
	if (o->brk < n)
		o->brk = n;
}

/* A <br>, or a newline in <pre>: two in a row end a paragraph. */
static void
out_newline(struct out *o)
{
	if (o->brk < 2)
		o->brk++;
}

/*
 * Is s[0..e) at p a white space that collapses? U+00A0 does too, and so
 * does a NUL byte (libxml2 reads it as a space; text without tags skips
 * the parser), which our NUL-terminated strings cannot hold.
 */
static size_t
out_space(const unsigned char *p, const unsigned char *e)
{
	if (is_space(*p) || *p == '\0')
		return 1;
	if (p[0] == 0xC2 && e - p > 1 && p[1] == 0xA0)
		return 2;
	return 0;
}

static void
out_text(struct out *o, const char *s, size_t n, int pre)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n, *q;
	size_t k;

	while (p < e) {
		if (pre) {
			if (*p == '\n') {
				if (o->len > 0)
					out_newline(o);
				p++;
				continue;
			}
			if (*p == '\r') {
				p++;
				continue;
			}
			for (q = p; q < e && *q != '\n' && *q != '\r'; q++)
				;
		} else {
			if ((k = out_space(p, e)) > 0) {
				o->sp = 1;
				p += k;
				continue;
			}
			for (q = p + 1; q < e && out_space(q, e) == 0; q++)
				;
		}
		out_sep(o);
		out_put(o, (const char *)p, (size_t)(q - p));
		p = q;
	}
}

/* The collapsed, trimmed text of s as one line: a malloc'd copy, or NULL. */
static char *
line_dup(const char *s, size_t *outlen)
{
	struct out o = {0};

	o.oneline = 1;
	out_text(&o, s, strlen(s), 0);
	if (!o.nomem && o.s == NULL)
		out_put(&o, "", 0);
	if (o.nomem) {
		free(o.s);
		return NULL;
	}
	*outlen = o.len;
	return o.s;
}

/* ---- tree walking ------------------------------------------------------ */

/*
 * enter() returns 1 to go into an element's children, 0 to skip them, -1 to
 * stop the walk; leave() is called for every element entered with 1.
 */
typedef int (*enter_fn)(void *, xmlNode *);
typedef void (*leave_fn)(void *, xmlNode *);

/* Walk the nodes under root in document order, without recursion. */
static void
tree_walk(xmlNode *root, enter_fn enter, leave_fn leave, void *arg)
{
	xmlNode *n = root->children;
	int r;

	while (n != NULL) {
		if ((r = enter(arg, n)) < 0)
			return;
		/* Only elements: an entity reference's children have another parent. */
		if (r > 0 && n->type == XML_ELEMENT_NODE) {
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
			leave(arg, n);
		}
		while (n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == root)
				return;
			leave(arg, n);
		}
		n = n->next;
	}
}

/* The value of an attribute as libxml2 stores it (one text child), or "". */
static const char *
attr_value(const xmlAttr *a)
{
	const xmlNode *t = a->children;

	if (t != NULL && t->type == XML_TEXT_NODE && t->next == NULL && t->content != NULL)
		return (const char *)t->content;
	return "";
}

static const char *
attr_get(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->type == XML_ATTRIBUTE_NODE && strcmp((const char *)a->name, name) == 0)
			return attr_value(a);
	return NULL;
}

/*
 * What the attributes of an element say: 1 when it is hidden (hidden,
 * aria-hidden="true"), else 0; a landmark role (navigation, banner...)
 * replaces *role when the element has none of its own.
 */
static int
elem_attrs(const xmlNode *n, int *role)
{
	const xmlAttr *a;
	const char *name, *v;
	size_t len;

	for (a = n->properties; a != NULL; a = a->next) {
		name = (const char *)a->name;
		if (a->type != XML_ATTRIBUTE_NODE || name == NULL)
			continue;
		if (strcmp(name, "hidden") == 0)
			return 1;
		if (strcmp(name, "aria-hidden") == 0 && eq_trimmed(attr_value(a), "true"))
			return 1;
		if (strcmp(name, "role") != 0 || *role != R_NONE)
			continue;
		/* The first role listed is the one that counts. */
		v = attr_value(a);
		while (is_space((unsigned char)*v))
			v++;
		for (len = 0; v[len] != '\0' && !is_space((unsigned char)v[len]); len++)
			;
		if (eq_word(v, len, "navigation") || eq_word(v, len, "complementary") ||
		    eq_word(v, len, "contentinfo"))
			*role = R_BOILER;
		else if (eq_word(v, len, "banner"))
			*role = R_HEADER;
		else if (eq_word(v, len, "main"))
			*role = R_MAIN;
	}
	return 0;
}

/* The entry and the role of an element; NULL when it is hidden. */
static const struct elem *
elem_of(xmlNode *n, int *role)
{
	const struct elem *e = elem_find(n);

	*role = e->role;
	if (n->properties != NULL && elem_attrs(n, role))
		return NULL;
	return e;
}

/* ---- the visible text of a subtree ------------------------------------- */

struct emit {
	struct out o;
	int pre;         /* open <pre> elements */
	int keep_header; /* the walk is inside an <article>: its <header> is text */
};

static int
emit_enter(void *arg, xmlNode *n)
{
	struct emit *e = arg;
	const struct elem *el;
	int role;

	if (n->type == XML_TEXT_NODE) {
		if (n->content != NULL)
			out_text(&e->o, (const char *)n->content, strlen((const char *)n->content),
			         e->pre > 0);
		return 0;
	}
	/* Comments, processing instructions, CDATA (script, style) are not text. */
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	if ((el = elem_of(n, &role)) == NULL || el->disp == D_DROP)
		return 0;
	if (role == R_BOILER || (role == R_HEADER && !e->keep_header))
		return 0;
	switch (el->disp) {
	case D_BLOCK:
		out_break(&e->o, 1);
		break;
	case D_PARA:
		out_break(&e->o, 2);
		break;
	case D_PRE:
		out_break(&e->o, 2);
		e->pre++;
		break;
	case D_BR:
		if (e->o.len > 0)
			out_newline(&e->o);
		break;
	}
	return 1;
}

static void
emit_leave(void *arg, xmlNode *n)
{
	struct emit *e = arg;

	if (n->psvi == &open_at_cut) {
		/* not closed: the text after the cut goes on inside it */
		if (elem_find(n)->disp == D_PRE && e->pre > 0)
			e->pre--;
		return;
	}
	switch (elem_find(n)->disp) {
	case D_BLOCK:
		out_break(&e->o, 1);
		break;
	case D_PRE:
		if (e->pre > 0)
			e->pre--;
		/* FALLTHROUGH */
	case D_PARA:
		out_break(&e->o, 2);
		break;
	}
}

/* The text under root: o.s is owned, NULL when empty or when o.nomem. */
static struct out
emit_text(xmlNode *root, int keep_header, int oneline)
{
	struct emit e;

	memset(&e, 0, sizeof(e));
	e.keep_header = keep_header;
	e.o.oneline = oneline;
	tree_walk(root, emit_enter, emit_leave, &e);
	if (e.o.nomem) {
		free(e.o.s);
		e.o.s = NULL;
	}
	return e.o;
}

/* ---- what the page declares -------------------------------------------- */

struct scan {
	xmlNode *title, *h1, *main;
	xmlNode **arts; /* the top-level <article> elements outside boilerplate */
	size_t narts, artcap;
	const char *og_title, *og_desc, *desc, *og_url, *pubtime, *canonical, *lang;
	int in_article, in_boiler;
	int nomem;
};

static void
scan_meta_key(struct scan *s, const char *key, const char *content)
{
	const char **slot = NULL;

	if (key == NULL)
		return;
	if (eq_trimmed(key, "og:title"))
		slot = &s->og_title;
	else if (eq_trimmed(key, "og:description"))
		slot = &s->og_desc;
	else if (eq_trimmed(key, "description"))
		slot = &s->desc;
	else if (eq_trimmed(key, "og:url"))
		slot = &s->og_url;
	else if (eq_trimmed(key, "article:published_time"))
		slot = &s->pubtime;
	if (slot != NULL && *slot == NULL)
		*slot = content;
}

static void
scan_meta(struct scan *s, const xmlNode *n)
{
	const char *content = attr_get(n, "content");

	if (content == NULL)
		return;
	scan_meta_key(s, attr_get(n, "property"), content);
	scan_meta_key(s, attr_get(n, "name"), content);
}

static int
scan_enter(void *arg, xmlNode *n)
{
	struct scan *s = arg;
	const struct elem *el;
	const char *v;
	int role;

	if (n->type != XML_ELEMENT_NODE)
		return 0;
	if ((el = elem_of(n, &role)) == NULL)
		return 0;
	switch (role) {
	case R_HEAD:
		return 1; /* dropped from the text, read for the fields */
	case R_HTML:
		if (s->lang == NULL &&
		    ((v = attr_get(n, "lang")) != NULL || (v = attr_get(n, "xml:lang")) != NULL))
			s->lang = v;
		break;
	case R_TITLE:
		if (s->title == NULL)
			s->title = n;
		return 0;
	case R_META:
		scan_meta(s, n);
		return 0;
	case R_LINK:
		v = attr_get(n, "rel");
		if (s->canonical == NULL && v != NULL && has_word(v, "canonical"))
			s->canonical = attr_get(n, "href");
		return 0;
	}
	if (el->disp == D_DROP)
		return 0;
	switch (role) {
	case R_ARTICLE:
		if (s->in_article == 0 && s->in_boiler == 0) {
			if (mem_grow(&s->arts, &s->artcap, s->narts + 1, sizeof(*s->arts)) < 0) {
				s->nomem = 1;
				return -1;
			}
			s->arts[s->narts++] = n;
		}
		s->in_article++;
		break;
	case R_MAIN:
		if (s->main == NULL && s->in_boiler == 0)
			s->main = n;
		break;
	case R_H1:
		if (s->h1 == NULL)
			s->h1 = n;
		break;
	case R_BOILER:
	case R_HEADER:
		s->in_boiler++;
		break;
	}
	return 1;
}

static void
scan_leave(void *arg, xmlNode *n)
{
	struct scan *s = arg;
	int role;

	if (elem_of(n, &role) == NULL)
		return;
	if (role == R_ARTICLE && s->in_article > 0)
		s->in_article--;
	else if ((role == R_BOILER || role == R_HEADER) && s->in_boiler > 0)
		s->in_boiler--;
}

/* The first <time datetime> under root. */
struct timefind {
	const char *datetime;
};

static int
time_enter(void *arg, xmlNode *n)
{
	struct timefind *t = arg;
	const struct elem *el;
	int role;

	if (n->type != XML_ELEMENT_NODE || (el = elem_of(n, &role)) == NULL || el->disp == D_DROP)
		return 0;
	if (role == R_TIME && (t->datetime = attr_get(n, "datetime")) != NULL)
		return -1;
	return 1;
}

static void
time_leave(void *arg, xmlNode *n)
{
	(void)arg;
	(void)n;
}

/*
 * The body: the <article> with the most text (the first on a tie), else
 * <main>, else the whole document; each only when it holds some text.
 * *art is the article chosen, or NULL.
 */
static struct out
body_text(xmlDoc *doc, const struct scan *s, xmlNode **art)
{
	struct out best = {0}, o;
	size_t i;

	*art = NULL;
	for (i = 0; i < s->narts; i++) {
		o = emit_text(s->arts[i], 1, 0);
		if (o.nomem) {
			free(best.s);
			return o; /* o.s is NULL */
		}
		if (o.len > best.len) {
			free(best.s);
			best = o;
			*art = s->arts[i];
		} else {
			free(o.s);
		}
	}
	if (best.len > 0)
		return best;
	if (s->main != NULL) {
		best = emit_text(s->main, 0, 0);
		if (best.len > 0 || best.nomem)
			return best;
		free(best.s);
	}
	return emit_text((xmlNode *)doc, 0, 0);
}

/* ---- parsing ----------------------------------------------------------- */

/* Skip a quoted attribute value or an unquoted one, as libxml2 reads them. */
static size_t
attrs_value(const char *s, size_t len, size_t j)
{
	char quote;

	if (j < len && (s[j] == '"' || s[j] == '\'')) {
		/* an unclosed quote runs to the end of the input, or to a NUL */
		for (quote = s[j++]; j < len && s[j] != quote && s[j] != '\0'; j++)
			;
		return (j < len && s[j] == quote) ? j + 1 : j;
	}
	while (j < len && s[j] != '\0' && !is_blank((unsigned char)s[j]) && s[j] != '>')
		j++;
	return j;
}

static int
attrs_namechar(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == ':' || c == '-' || c == '_' || c == '.';
}

/*
 * Read the start tag at s[i] ('<' and a letter) as libxml2's
 * htmlParseStartTag() does. Returns where it ends (its '>', "/>", a NUL or
 * the end of input); *cut is where its attribute HTML_MAX_ATTRS + 1 starts,
 * or 0; *raw is "script" or "style" when it opens one of them, whose text
 * runs to the matching end tag, else NULL.
 */
static size_t
attrs_tag(const char *s, size_t len, size_t i, size_t *cut, const char **raw)
{
	size_t j = i + 1, k, nattrs = 0;

	*cut = 0;
	while (j < len && j - (i + 1) < HTML_NAME_MAX && attrs_namechar((unsigned char)s[j]))
		j++;
	*raw = NULL;
	if (eq_word(s + i + 1, j - (i + 1), "script"))
		*raw = "script";
	else if (eq_word(s + i + 1, j - (i + 1), "style"))
		*raw = "style";
	for (;;) {
		while (j < len && is_blank((unsigned char)s[j]))
			j++;
		if (j >= len || s[j] == '\0' || s[j] == '>')
			break;
		if (s[j] == '/' && j + 1 < len && s[j + 1] == '>') {
			*raw = NULL; /* <script/> is empty */
			break;
		}
		if (++nattrs == HTML_MAX_ATTRS + 1)
			*cut = j;
		if (is_alpha((unsigned char)s[j]) || s[j] == '_' || s[j] == ':') {
			for (k = j; j < len && j - k < HTML_NAME_MAX &&
			            attrs_namechar((unsigned char)s[j]);
			     j++)
				;
			k = j;
			while (k < len && is_blank((unsigned char)s[k]))
				k++;
			if (k < len && s[k] == '=') {
				k++;
				while (k < len && is_blank((unsigned char)s[k]))
					k++;
				j = attrs_value(s, len, k);
			}
		} else {
			/* libxml2 skips a bogus one to a blank or the end of the tag */
			while (j < len && s[j] != '\0' && !is_blank((unsigned char)s[j]) &&
			       s[j] != '>' && !(s[j] == '/' && j + 1 < len && s[j + 1] == '>'))
				j++;
		}
	}
	return j;
}

/* Find "</name" (any case) from s[i]: where it starts, or len. */
static size_t
attrs_endtag(const char *s, size_t len, size_t i, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	while (i < len && (p = memchr(s + i, '<', len - i)) != NULL) {
		i = (size_t)(p - s);
		if (len - i >= n + 2 && s[i + 1] == '/' && eq_word(s + i + 2, n, name))
			return i;
		i++;
	}
	return len;
}

/*
 * A copy of s[0..len) without the attributes past HTML_MAX_ATTRS of any
 * start tag, or NULL with *nomem 0 when no tag has that many. Comments and
 * the text of <script> and <style> are skipped as libxml2 skips them; a
 * '<' anywhere else is read as a tag when libxml2 would read it as one, so
 * that no tag the parser sees is left long.
 */
static char *
attrs_bound(const char *s, size_t len, size_t *outlen, int *nomem)
{
	char *c = NULL;
	size_t i = 0, end, cut, clen = 0, from = 0, ccap = 0;
	const char *p, *raw;

	*nomem = 0;
	while (i < len && (p = memchr(s + i, '<', len - i)) != NULL) {
		i = (size_t)(p - s);
		if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			p = memmem(s + i + 4, len - i - 4, "-->", 3);
			i = p != NULL ? (size_t)(p - s) + 3 : len;
			continue;
		}
		if (i + 1 >= len || !is_alpha((unsigned char)s[i + 1])) {
			i++;
			continue;
		}
		end = attrs_tag(s, len, i, &cut, &raw);
		if (cut > 0) {
			/* keep s[from..cut), drop s[cut..end) */
			if (mem_grow(&c, &ccap, clen + (cut - from) + 1, 1) < 0) {
				free(c);
				*nomem = 1;
				return NULL;
			}
			memcpy(c + clen, s + from, cut - from);
			clen += cut - from;
			from = end;
		}
		i = end;
		if (raw != NULL && i < len && s[i] == '>')
			i = attrs_endtag(s, len, i, raw);
	}
	if (c == NULL)
		return NULL;
	if (mem_grow(&c, &ccap, clen + (len - from) + 1, 1) < 0) {
		free(c);
		*nomem = 1;
		return NULL;
	}
	memcpy(c + clen, s + from, len - from);
	clen += len - from;
	c[clen] = '\0';
	*outlen = clen;
	return c;
}

/*
 * The length of the reference at s[0..len) ('&' first) that libxml2's HTML
 * parser would read otherwise than the WHATWG tokenizer, with what it
 * stands for written as a numeric reference in rep; 0 when libxml2 reads it
 * right. Three cases: a numeric reference to a C1 control ("&#150;", the
 * en dash of windows-1252: libxml2 drops it and glues the words around
 * it), a legacy name without its ';' ("Ren&eacute Dupont": libxml2 keeps
 * it as written), and a name HTML5 added ("O&apos;Brien",
 * "Jean&hyphen;Pierre": entities.h). A legacy name is read without ';'
 * only when no '=' follows it, as the WHATWG reads one in an attribute:
 * "?a=1&copy=2" in the text of a link stays an address.
 */
static size_t
ref_repair(const char *s, size_t len, char rep[24])
{
	size_t i = 1, start;
	uint32_t v = 0, cp;
	int hex;

	if (len > 2 && s[1] == '#') {
		hex = (s[2] == 'x' || s[2] == 'X');
		start = i = hex ? 3 : 2;
		for (; i < len && i - start < 8; i++) {
			unsigned char c = (unsigned char)s[i];

			if (is_digit(c))
				v = v * (hex ? 16 : 10) + (c - '0');
			else if (hex && to_lower(c) >= 'a' && to_lower(c) <= 'f')
				v = v * 16 + (to_lower(c) - 'a' + 10);
			else
				break;
		}
		if (i == start || (i < len && (is_digit((unsigned char)s[i]) ||
		                               (hex && is_alpha((unsigned char)s[i]) &&
		                                to_lower((unsigned char)s[i]) <= 'f'))))
			return 0;
		if ((cp = utf8_c1_windows(v)) == v)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		snprintf(rep, 24, "&#%u;", (unsigned)cp);
		return i;
	}
	while (i < len && i <= 32 &&
	       (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
		i++;
	if (i == 1 || (i < len && (s[i] == '=' || is_alpha((unsigned char)s[i]) ||
	                           is_digit((unsigned char)s[i]))))
		return 0;
	if (i < len && s[i] == ';') {
		/* a name of HTML5's that libxml2 (HTML 4's names) keeps as written */
		char name[33];
		uint32_t two[2];
		int k;

		memcpy(name, s + 1, i - 1);
		name[i - 1] = '\0';
		if (htmlEntityLookup((const xmlChar *)name) != NULL ||
		    (k = entity_lookup(s + 1, i - 1, two)) == 0)
			return 0;
		if (k == 1)
			snprintf(rep, 24, "&#%u;", (unsigned)two[0]);
		else
			snprintf(rep, 24, "&#%u;&#%u;", (unsigned)two[0], (unsigned)two[1]);
		return i + 1;
	}
	if (!html_legacy_entity(s + 1, i - 1, &cp))
		return 0;
	snprintf(rep, 24, "&#%u;", (unsigned)cp);
	return i;
}

/* Is s[0..n) the name of an element whose start tag closes an open <p> (WHATWG, in body)? */
static int
closes_p(const char *s, size_t n)
{
	static const char *const names[] = {
	    "address", "article", "aside",  "blockquote", "center",    "details",  "dialog",
	    "dir",     "div",     "dl",     "dd",         "dt",        "fieldset", "figcaption",
	    "figure",  "footer",  "form",   "h1",         "h2",        "h3",       "h4",
	    "h5",      "h6",      "header", "hgroup",     "hr",        "li",       "listing",
	    "main",    "menu",    "nav",    "ol",         "plaintext", "pre",      "search",
	    "section", "summary", "table",  "ul",         "xmp"};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (eq_word(s, n, names[k]))
			return 1;
	return 0;
}

/* The length of the tag name at s[0..len) (letters and digits). */
static size_t
tag_name_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && n < HTML_NAME_MAX &&
	       (is_alpha((unsigned char)s[n]) || is_digit((unsigned char)s[n])))
		n++;
	return n;
}

/* A copy of the page being repaired (markup_repair), made at the first repair. */
struct repair {
	char *c;
	size_t clen, ccap, from;
	int nomem;
};

/* Replace s[at..at+oldlen) by rep in the copy. */
static void
repair_put(struct repair *r, const char *s, size_t at, size_t oldlen, const char *rep)
{
	size_t rl = strlen(rep);

	if (r->nomem)
		return;
	if (mem_grow(&r->c, &r->ccap, r->clen + (at - r->from) + rl + 1, 1) < 0) {
		r->nomem = 1;
		return;
	}
	memcpy(r->c + r->clen, s + r->from, at - r->from);
	r->clen += at - r->from;
	memcpy(r->c + r->clen, rep, rl);
	r->clen += rl;
	r->from = at + oldlen;
}

/*
 * A copy of s[0..len) with what libxml2's HTML parser reads otherwise than
 * the WHATWG's (html5lib-tests' cases) written so that it reads it the same,
 * or NULL with *nomem 0 when nothing needed it:
 * - the references of ref_repair();
 * - "</br>", a <br> to browsers, which libxml2 ignores ("Anna</br>Berg"
 *   read "AnnaBerg");
 * - a "</p>" that closes no paragraph (none open, or one a block closed),
 *   an empty paragraph to browsers, a <br> here (libxml2 ignores it);
 * - "<!-->" and "<!--->", empty comments to browsers, which libxml2 reads
 *   as the start of one that runs to the next "-->", text and all.
 * Tags (attribute values), comments and the text of <script> and <style>
 * are otherwise copied as they are, read as attrs_bound() reads them.
 * Byte offsets in the copy (a cut's, in a warning) shift a little.
 */
static char *
markup_repair(const char *s, size_t len, size_t *outlen, int *nomem)
{
	struct repair r = {0};
	char rep[24];
	size_t i = 0, k, n, end, cut;
	const char *p, *raw;
	int popen = 0; /* a <p> is open, as far as its start and end tags tell */
	int is_p, is_br;

	*nomem = 0;
	while (i < len && !r.nomem) {
		if (s[i] == '&' && (k = ref_repair(s + i, len - i, rep)) > 0) {
			repair_put(&r, s, i, k, rep);
			i += k;
			continue;
		}
		if (s[i] != '<' || i + 1 >= len) {
			i++;
			continue;
		}
		if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			if (len - i >= 5 && s[i + 4] == '>') {
				repair_put(&r, s, i, 5, "<!---->");
				i += 5;
			} else if (len - i >= 6 && s[i + 4] == '-' && s[i + 5] == '>') {
				repair_put(&r, s, i, 6, "<!---->");
				i += 6;
			} else {
				p = memmem(s + i + 4, len - i - 4, "-->", 3);
				i = p != NULL ? (size_t)(p - s) + 3 : len;
			}
		} else if (is_alpha((unsigned char)s[i + 1])) {
			n = tag_name_len(s + i + 1, len - i - 1);
			if (eq_word(s + i + 1, n, "p"))
				popen = 1;
			else if (closes_p(s + i + 1, n))
				popen = 0;
			i = attrs_tag(s, len, i, &cut, &raw);
			if (raw != NULL && i < len && s[i] == '>')
				i = attrs_endtag(s, len, i, raw);
		} else if (s[i + 1] == '/' && i + 2 < len && is_alpha((unsigned char)s[i + 2])) {
			n = tag_name_len(s + i + 2, len - i - 2);
			end = i + 2 + n;
			/* "</p>", "</p >", "</br/>"; not "</p-x>" */
			is_p = eq_word(s + i + 2, n, "p");
			is_br = eq_word(s + i + 2, n, "br");
			if (end < len && s[end] != '>' && s[end] != '/' &&
			    !is_blank((unsigned char)s[end]))
				is_p = is_br = 0;
			if ((is_br || (is_p && !popen)) &&
			    (p = memchr(s + end, '>', len - end)) != NULL) {
				repair_put(&r, s, i, (size_t)(p - s) + 1 - i, "<br>");
				i = (size_t)(p - s) + 1;
			} else {
				i = end;
			}
			if (is_p)
				popen = 0;
		} else {
			i++;
		}
	}
	if (r.nomem || r.c == NULL) {
		free(r.c);
		*nomem = r.nomem;
		return NULL;
	}
	repair_put(&r, s, len, 0, "");
	if (r.nomem) {
		free(r.c);
		*nomem = 1;
		return NULL;
	}
	r.c[r.clen] = '\0';
	*outlen = r.clen;
	return r.c;
}

/*
 * A parse stops itself at a start tag this deep, before libxml2 2.9 halts
 * it at 257 and drops the rest; the rest is parsed anew as the next piece.
 */
#define HTML_MAX_DEPTH 240
/*
 * Each piece costs a copy of the rest of the page (libxml2 2.9 copies its
 * input): past this many, the rest is read without a parser, in one pass
 * (markup_strip()), so that a page costs at most this many copies of it.
 */
#define HTML_MAX_PIECES 64

/* A page parsed in pieces (see the top of this file). */
struct pieces {
	const char *s; /* the page, markup_repair()ed, attributes bounded */
	size_t len;
	char *refs;    /* owned: the page, markup_repair()ed; NULL when none needed it */
	char *bounded; /* owned; NULL when the page needed no bounding */
	size_t at;     /* where the next piece starts; len when done */
	size_t from;   /* where the piece being parsed started */
	size_t cut;    /* where the first piece stopped, 0 when it did not */
	size_t n;      /* pieces parsed */
	size_t strip;  /* where the text read without a parser starts, 0 when none */
	int brk;       /* what the start tag at the last cut owes: 0 a space, 1, 2 breaks */
	startElementSAXFunc start; /* libxml2's own */
	xmlNode *open;             /* the element the parse was in at the cut, NULL when it ended */
};

/*
 * Where the start tag of name that ends before end begins (its '<'), after
 * from; 0 when it cannot be found (from is never a cut's answer).
 */
static size_t
tag_start(const char *s, size_t from, size_t end, const xmlChar *name)
{
	size_t nl = strlen((const char *)name);

	for (size_t i = end; i > from; i--) {
		size_t lt = i - 1;
		char c;

		if (s[lt] != '<' || lt + 1 + nl > end)
			continue;
		if (strncasecmp(s + lt + 1, (const char *)name, nl) != 0)
			continue;
		c = s[lt + 1 + nl];
		if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f')
			return lt;
	}
	return 0;
}

/*
 * libxml2's startElement, unless the element would be HTML_MAX_DEPTH deep:
 * then the parse stops and the next piece starts after this start tag
 * (the input is at its '>' then; an implied <p> is called before its text,
 * which stays in the next piece). An element whose content is no text
 * (<script>, <style>, <template>...: D_DROP) starts the next piece at its
 * own '<' instead, so that it is built there and dropped whole, never its
 * code read as text.
 */
static void
pieces_start(void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	htmlParserCtxtPtr ctxt = ctx;
	struct pieces *p = ctxt->_private;
	const xmlChar *cur;
	size_t off;
	int disp;

	if (ctxt->nodeNr < HTML_MAX_DEPTH || ctxt->input == NULL) {
		p->start(ctx, name, attrs);
		return;
	}
	cur = ctxt->input->cur;
	off = (size_t)ctxt->input->consumed + (size_t)(cur - ctxt->input->base);
	if (cur[0] == '/' && cur[1] == '>')
		off += 2;
	else if (cur[0] == '>')
		off += 1;
	p->at = p->from + off;
	p->open = ctxt->node;
	disp = elem_lookup(name)->disp;
	p->brk = disp == D_PARA || disp == D_PRE ? 2 : disp == D_INLINE ? 0 : 1;
	if (disp == D_DROP) {
		size_t lt = tag_start(p->s, p->from, p->at, name);

		if (lt > p->from) {
			p->at = lt;
			p->brk = 1;
		}
	}
	xmlStopParser(ctxt);
}

/* Get ready to parse s[0..len) in pieces. Returns -1 when out of memory. */
static int
pieces_open(struct pieces *p, const char *s, size_t len)
{
	int nomem;
	size_t blen = 0;

	xmlsafe_init();
	memset(p, 0, sizeof(*p));
	p->refs = markup_repair(s, len, &blen, &nomem);
	if (nomem)
		return -1;
	if (p->refs != NULL) {
		s = p->refs;
		len = blen;
	}
	p->bounded = attrs_bound(s, len, &blen, &nomem);
	if (nomem) {
		free(p->refs);
		p->refs = NULL;
		return -1;
	}
	p->s = p->bounded != NULL ? p->bounded : s;
	p->len = p->bounded != NULL ? blen : len;
	return 0;
}

static void
pieces_close(struct pieces *p)
{
	free(p->bounded);
	p->bounded = NULL;
	free(p->refs);
	p->refs = NULL;
}

/*
 * Parse the next piece as UTF-8 whatever a <meta charset> says, without
 * network nor error output. *doc is NULL when nothing is left. Returns -1
 * when out of memory.
 */
static int
pieces_next(struct pieces *p, xmlDoc **doc)
{
	htmlParserCtxtPtr ctxt;
	size_t from = p->from = p->at;

	*doc = NULL;
	if (p->at >= p->len)
		return 0;
	if ((ctxt = htmlNewParserCtxt()) == NULL)
		return -1;
	p->start = ctxt->sax->startElement;
	ctxt->sax->startElement = pieces_start;
	ctxt->_private = p;
	p->at = p->len; /* unless pieces_start() cuts */
	p->open = NULL;
	*doc =
	    htmlCtxtReadMemory(ctxt, p->s + from, (int)(p->len - from), NULL, "UTF-8",
	                       HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                           HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
	htmlFreeParserCtxt(ctxt);
	if (*doc != NULL && p->at < p->len)
		for (xmlNode *n = p->open; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent)
			n->psvi = (void *)&open_at_cut;
	if (p->at > p->len || p->at <= from)
		p->at = p->len; /* cannot be: a piece holds HTML_MAX_DEPTH start tags */
	if (p->n++ == 0 && p->at < p->len)
		p->cut = p->at;
	return 0;
}

static struct out plain_text(const char *s, size_t len);

/*
 * The text of s[0..len) read without a parser, in one pass: what is left of
 * a page past HTML_MAX_PIECES. Tags and comments read as a space, the text
 * of <script> and <style> goes (as attrs_bound() reads them), references
 * are decoded.
 */
static struct out
markup_strip(const char *s, size_t len)
{
	struct out o = {0};
	const char *raw, *q;
	size_t i = 0, n = 0, end, cut;
	char *c;

	if ((c = malloc(len + 1)) == NULL) {
		o.nomem = 1;
		return o;
	}
	while (i < len) {
		if (s[i] != '<') {
			c[n++] = s[i] == '\0' ? ' ' : s[i];
			i++;
			continue;
		}
		if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			q = memmem(s + i + 4, len - i - 4, "-->", 3);
			i = q != NULL ? (size_t)(q - s) + 3 : len;
		} else if (i + 1 < len && is_alpha((unsigned char)s[i + 1])) {
			end = attrs_tag(s, len, i, &cut, &raw);
			if (end < len && s[end] == '/')
				end++;
			if (end < len)
				end++;
			i = raw != NULL ? attrs_endtag(s, len, end, raw) : end;
		} else if (i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
			q = memchr(s + i, '>', len - i);
			i = q != NULL ? (size_t)(q - s) + 1 : len;
		} else {
			c[n++] = s[i++];
			continue;
		}
		c[n++] = ' ';
	}
	o = plain_text(c, n);
	free(c);
	return o;
}

/* Append the text t to *o, brk breaks (0: a space) between them; t's owed breaks carry on. */
static void
out_join(struct out *o, const struct out *t, int brk)
{
	if (t->len == 0)
		return;
	if (brk > 0)
		out_break(o, brk);
	else
		o->sp = 1;
	out_sep(o);
	out_put(o, t->s, t->len);
	o->brk = t->brk;
	o->sp = t->sp;
}

/*
 * Append the body text of the pieces after the first to *o, what the cut
 * owes between them. A piece has no head: only its body counts.
 */
static void
pieces_rest(struct pieces *p, struct out *o)
{
	struct scan s;
	struct out t;
	xmlDoc *doc;
	xmlNode *art;
	int brk;

	while (!o->nomem && p->at < p->len) {
		brk = p->brk;
		if (p->n >= HTML_MAX_PIECES) {
			p->strip = p->at;
			t = markup_strip(p->s + p->at, p->len - p->at);
			p->at = p->len;
			if (t.nomem)
				o->nomem = 1;
			else
				out_join(o, &t, brk);
			free(t.s);
			return;
		}
		if (pieces_next(p, &doc) < 0) {
			o->nomem = 1;
			return;
		}
		if (doc == NULL)
			continue;
		memset(&s, 0, sizeof(s));
		tree_walk((xmlNode *)doc, scan_enter, scan_leave, &s);
		if (s.nomem) {
			o->nomem = 1;
		} else {
			t = body_text(doc, &s, &art);
			if (t.nomem) {
				o->nomem = 1;
			} else {
				out_join(o, &t, brk);
			}
			free(t.s);
		}
		free(s.arts);
		xmlFreeDoc(doc);
	}
}

/* ---- text without tags ------------------------------------------------- */

int
html_legacy_entity(const char *name, size_t n, uint32_t *cp)
{
	static const char *const caps[] = {"AMP", "COPY", "GT", "LT", "QUOT", "REG"};
	const htmlEntityDesc *ent;
	char buf[8];

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, name, n);
	buf[n] = '\0';
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
		if (strcmp(buf, caps[k]) == 0)
			for (size_t j = 0; j < n; j++)
				buf[j] = (char)to_lower((unsigned char)buf[j]);
	if ((ent = htmlEntityLookup((const xmlChar *)buf)) == NULL)
		return 0;
	if (!(ent->value >= 0xA0 && ent->value <= 0xFF) && ent->value != '&' && ent->value != '<' &&
	    ent->value != '>' && ent->value != '"')
		return 0;
	*cp = ent->value;
	return 1;
}

/*
 * Decode the character reference at s[0..len) ('&' first), as the WHATWG
 * tokenizer does: a known name and ';', a legacy name without it (not
 * before '=': html_legacy_entity()), or digits with an optional ';', a C1
 * control read as windows-1252 (utf8_c1_windows()). Returns its length
 * with the code point in *cp (0 when it stands for nothing), or 0 when it
 * is no reference ("AT&T").
 */
static size_t
entity_decode(const char *s, size_t len, uint32_t *cp)
{
	const htmlEntityDesc *ent;
	char name[33];
	size_t i = 1, start;
	uint32_t v = 0, two[2];
	int hex;

	if (len > 2 && s[1] == '#') {
		hex = (s[2] == 'x' || s[2] == 'X');
		start = i = hex ? 3 : 2;
		for (; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			unsigned d;

			if (is_digit(c))
				d = c - '0';
			else if (hex && to_lower(c) >= 'a' && to_lower(c) <= 'f')
				d = to_lower(c) - 'a' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + d;
			if (v > 0x110000)
				v = 0x110000;
		}
		if (i == start)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		v = utf8_c1_windows(v);
		*cp = xmlIsCharQ(v) ? v : 0;
		return i;
	}
	while (i < len && i - 1 < sizeof(name) - 1 &&
	       (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
		i++;
	if (i > 1 && (i >= len || (s[i] != ';' && s[i] != '=' && !is_alpha((unsigned char)s[i]) &&
	                           !is_digit((unsigned char)s[i]))))
		return html_legacy_entity(s + 1, i - 1, cp) ? i : 0;
	if (i == 1 || i >= len || s[i] != ';')
		return 0;
	memcpy(name, s + 1, i - 1);
	name[i - 1] = '\0';
	if ((ent = htmlEntityLookup((const xmlChar *)name)) != NULL && ent->value != 0) {
		*cp = ent->value;
		return i + 1;
	}
	/* HTML5's names (of two code points, the first: a letter before its mark) */
	if (entity_lookup(name, i - 1, two) == 0)
		return 0;
	*cp = two[0];
	return i + 1;
}

/*
 * Text with no tag: references decoded, white space collapsed within a
 * paragraph; a blank line ends a paragraph.
 */
static struct out
plain_text(const char *s, size_t len)
{
	struct out o = {0};
	size_t i = 0, j, nl, k;
	uint32_t cp;
	char enc[4];

	/* a byte order mark is not text (libxml2 skips it too) */
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;

	while (i < len && !o.nomem) {
		if (is_space((unsigned char)s[i])) {
			for (nl = 0, j = i; j < len && is_space((unsigned char)s[j]); j++)
				nl += s[j] == '\n';
			if (nl >= 2)
				out_break(&o, 2);
			else
				o.sp = 1;
			i = j;
			continue;
		}
		if (s[i] == '&' && (k = entity_decode(s + i, len - i, &cp)) > 0) {
			i += k;
			if (cp == 0xA0)
				o.sp = 1;
			else if (cp != 0) {
				out_sep(&o);
				out_put(&o, enc, utf8_encode(cp, enc));
			}
			continue;
		}
		for (j = i + 1; j < len && s[j] != '&' && !is_space((unsigned char)s[j]); j++)
			;
		out_text(&o, s + i, j - i, 0);
		i = j;
	}
	return o;
}

/* ---- interface --------------------------------------------------------- */

/* Put the collapsed line s in *slot. Returns 1, 0 when s is blank (*slot kept), -1. */
static int
set_line(char **slot, const char *s)
{
	char *c;
	size_t n;

	if ((c = line_dup(s, &n)) == NULL)
		return -1;
	if (n == 0) {
		free(c);
		return 0;
	}
	free(*slot);
	*slot = c;
	return 1;
}

/* Put the trimmed s in *slot. Returns 1, 0 when s is blank (*slot kept), -1. */
static int
set_trimmed(char **slot, const char *s)
{
	size_t n;

	s = trim(s, &n);
	if (n == 0)
		return 0;
	return article_set(slot, s, n) < 0 ? -1 : 1;
}

/* Put the one-line text of n in *slot. Returns 1, 0 when it has none, -1. */
static int
set_node_line(char **slot, xmlNode *n)
{
	struct out o = emit_text(n, 1, 1);

	if (o.nomem)
		return -1;
	if (o.len == 0) {
		free(o.s);
		return 0;
	}
	free(*slot);
	*slot = o.s;
	return 1;
}

/* The fields from the first piece (doc), the body from all of them. */
static int
set_fields(struct article *a, xmlDoc *doc, const struct scan *s, struct pieces *p)
{
	struct timefind tf = {NULL};
	struct out body;
	xmlNode *art;
	int r = 0;

	body = body_text(doc, s, &art);
	if (!body.nomem)
		pieces_rest(p, &body);
	if (body.nomem) {
		free(body.s);
		return -1;
	}
	if (body.s == NULL && (body.s = strdup("")) == NULL)
		return -1;
	free(a->body);
	a->body = body.s;

	/* Each field from the first source that gives a non-blank value. */
	if (s->title != NULL)
		r = set_node_line(&a->title, s->title);
	if (r == 0 && s->og_title != NULL)
		r = set_line(&a->title, s->og_title);
	if (r == 0 && s->h1 != NULL)
		r = set_node_line(&a->title, s->h1);
	if (r < 0)
		return -1;

	r = 0;
	if (s->og_desc != NULL)
		r = set_line(&a->summary, s->og_desc);
	if (r == 0 && s->desc != NULL)
		r = set_line(&a->summary, s->desc);
	if (r < 0)
		return -1;

	r = 0;
	if (s->canonical != NULL)
		r = set_trimmed(&a->url, s->canonical);
	if (r == 0 && s->og_url != NULL)
		r = set_trimmed(&a->url, s->og_url);
	if (r < 0)
		return -1;

	r = 0;
	if (s->pubtime != NULL)
		r = set_trimmed(&a->published, s->pubtime);
	if (r == 0 && art != NULL) {
		tree_walk(art, time_enter, time_leave, &tf);
		if (tf.datetime != NULL)
			r = set_trimmed(&a->published, tf.datetime);
	}
	if (r < 0)
		return -1;

	if (s->lang != NULL && set_trimmed(&a->lang, s->lang) < 0)
		return -1;
	return 0;
}

int
html_extract(const char *utf8, size_t len, struct article *a, char *warn, size_t warnsz, char *err,
             size_t errsz)
{
	struct pieces p;
	struct scan s;
	xmlDoc *doc = NULL;
	int rc = 0;

	if (warnsz > 0)
		warn[0] = '\0';
	if (len > INT_MAX) {
		snprintf(err, errsz, "HTML page larger than 2 GiB");
		return -1;
	}
	if (pieces_open(&p, utf8, len) < 0 || pieces_next(&p, &doc) < 0) {
		pieces_close(&p);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (doc == NULL) {
		/* nothing to parse: an empty page */
		rc = article_set(&a->body, "", 0);
	} else {
		memset(&s, 0, sizeof(s));
		tree_walk((xmlNode *)doc, scan_enter, scan_leave, &s);
		if (s.nomem || set_fields(a, doc, &s, &p) < 0)
			rc = -1;
		free(s.arts);
		xmlFreeDoc(doc);
	}
	pieces_close(&p);
	if (rc < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (p.strip > 0 && warnsz > 0)
		snprintf(warn, warnsz,
		         "HTML nested deeper than %d elements from byte %zu: read in %zu pieces, "
		         "and from byte %zu without its markup",
		         HTML_MAX_DEPTH, p.cut, p.n, p.strip);
	else if (p.n > 1 && warnsz > 0)
		snprintf(warn, warnsz,
		         "HTML nested deeper than %d elements from byte %zu: read in %zu pieces, "
		         "each without the elements open before it",
		         HTML_MAX_DEPTH, p.cut, p.n);
	return 0;
}

char *
html_to_text(const char *utf8, size_t len, size_t *outlen)
{
	struct pieces p;
	struct scan s;
	struct out o;
	xmlDoc *doc;
	xmlNode *art;

	memset(&o, 0, sizeof(o));
	if (memchr(utf8, '<', len) == NULL) {
		/* no tag: no parser either (most feed summaries) */
		o = plain_text(utf8, len);
	} else {
		if (len > INT_MAX)
			len = utf8_floor(utf8, INT_MAX);
		if (pieces_open(&p, utf8, len) < 0 || pieces_next(&p, &doc) < 0) {
			pieces_close(&p);
			return NULL;
		}
		if (doc != NULL) {
			memset(&s, 0, sizeof(s));
			tree_walk((xmlNode *)doc, scan_enter, scan_leave, &s);
			if (s.nomem)
				o.nomem = 1;
			else
				o = body_text(doc, &s, &art);
			free(s.arts);
			xmlFreeDoc(doc);
			pieces_rest(&p, &o);
		}
		pieces_close(&p);
	}
	if (!o.nomem && o.s == NULL)
		out_put(&o, "", 0);
	if (o.nomem) {
		free(o.s);
		return NULL;
	}
	*outlen = o.len;
	return o.s;
}

/* ---- sniffing ---------------------------------------------------------- */

/* Is s[0..n) the name of an element html_sniff() knows? */
static int
sniff_name(const char *s, size_t n)
{
	char name[16];
	const struct elem *e;
	size_t i;

	if (n == 0 || n >= sizeof(name))
		return 0;
	for (i = 0; i < n; i++)
		name[i] = (char)to_lower((unsigned char)s[i]);
	name[n] = '\0';
	e = bsearch(name, elems, NELEMS, sizeof(elems[0]), elem_cmp);
	return e != NULL && e->sniff;
}

/*
 * A tag at s[0..len) ('<' first): a known element, its attributes well
 * formed, closed by '>' within SNIFF_TAG_MAX bytes. *seen is how far it
 * read.
 */
static int
sniff_tag(const char *s, size_t len, size_t *seen)
{
	size_t i = 1, n, lim = len < SNIFF_TAG_MAX ? len : SNIFF_TAG_MAX;
	int closing = 0, r = 0;

	if (lim > 9 && eq_word(s, 9, "<!doctype")) {
		for (i = 9; i < lim && is_space((unsigned char)s[i]); i++)
			;
		r = i > 9 && lim - i >= 4 && eq_word(s + i, 4, "html");
		goto done;
	}
	if (i < lim && s[i] == '/')
		closing = 1, i++;
	for (n = i; i < lim && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]));
	     i++)
		;
	if (!sniff_name(s + n, i - n))
		goto done;
	for (;;) {
		n = i;
		while (i < lim && is_space((unsigned char)s[i]))
			i++;
		if (i >= lim)
			goto done;
		if (s[i] == '>') {
			r = 1;
			goto done;
		}
		if (s[i] == '/' && !closing) {
			r = i + 1 < lim && s[i + 1] == '>';
			goto done;
		}
		if (closing || i == n || !is_alpha((unsigned char)s[i]))
			goto done;
		/* an attribute: a name, maybe a value */
		while (i < lim && attrs_namechar((unsigned char)s[i]))
			i++;
		while (i < lim && is_space((unsigned char)s[i]))
			i++;
		if (i < lim && s[i] == '=') {
			for (i++; i < lim && is_space((unsigned char)s[i]); i++)
				;
			if (i < lim && (s[i] == '"' || s[i] == '\'')) {
				const char *q = memchr(s + i + 1, s[i], lim - i - 1);

				if (q == NULL) {
					i = lim;
					goto done;
				}
				i = (size_t)(q - s) + 1;
			} else {
				for (n = i;
				     i < lim && !is_space((unsigned char)s[i]) && s[i] != '>' &&
				     s[i] != '<' && s[i] != '"' && s[i] != '\'';
				     i++)
					;
				if (i == n)
					goto done;
			}
		}
	}
done:
	*seen = i;
	return r;
}

/* A character reference: a known name, or digits, and ';'. */
static int
sniff_entity(const char *s, size_t len)
{
	uint32_t cp;
	size_t n = entity_decode(s, len, &cp);

	return n > 0 && s[n - 1] == ';';
}

int
html_sniff(const char *s, size_t len)
{
	/*
	 * Tags are tried from every '<', and a try may read SNIFF_TAG_MAX
	 * bytes: a budget keeps the whole linear in len.
	 */
	size_t i, seen, budget = 4 * len + 4 * SNIFF_TAG_MAX;

	for (i = 0; i < len; i++) {
		if (s[i] == '<' && budget > 0) {
			if (sniff_tag(s + i, len - i, &seen))
				return 1;
			budget = budget > seen ? budget - seen : 0;
		}
		if (s[i] == '&' && sniff_entity(s + i, len - i))
			return 1;
	}
	return 0;
}

/* Does s[0..len) open with the word w (lower case) in any case, then a blank, '>' or '/'? */
static int
sniff_opens(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	if (len <= n || strncasecmp(s, w, n) != 0)
		return 0;
	return is_space((unsigned char)s[n]) || s[n] == '>' || s[n] == '/';
}

int
html_sniff_document(const char *s, size_t len)
{
	static const char *const opens[] = {"<!doctype html", "<html", "<head", "<body"};
	size_t i = 0;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (;;) {
		const char *end;

		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
			end = memmem(s + i + 2, len - i - 2, "-->", 3); /* "<!-->" is one */
		else if (len - i >= 5 && strncasecmp(s + i, "<?xml", 5) == 0)
			end = memmem(s + i + 5, len - i - 5, "?>", 2);
		else
			break;
		if (end == NULL)
			return 0;
		i = (size_t)(end - s) + (end[0] == '-' ? 3 : 2);
	}
	for (size_t k = 0; k < sizeof(opens) / sizeof(opens[0]); k++)
		if (sniff_opens(s + i, len - i, opens[k]))
			return 1;
	return 0;
}
