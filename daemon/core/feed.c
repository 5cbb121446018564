/*
 * feed.c: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 into entries.
 *
 * XML is read with libxml2 in two steps. First the bytes are repaired the
 * way feed readers forgive them: named HTML references that XML does not
 * know (&nbsp; &eacute;) become numeric references, a bare & or an unknown
 * reference becomes &amp; so that its characters stay in the text. Then the
 * strict parser runs; on a well-formedness error it runs again in recovery
 * mode. Either repair marks the feed as recovered, with the first cause and
 * its line in f->warning.
 *
 * Safety: no network, no DTD loading, no entity substitution by the parser
 * (never XML_PARSE_NOENT, DTDLOAD, DTDATTR or HUGE), and an external entity
 * loader that refuses everything, installed once. libxml2 refuses documents
 * deeper than 256 elements and entity reference loops; both end the parse
 * with an error here. Internal entities declared in the document are
 * expanded by this file's own tree walk, which counts every byte they add
 * against a budget proportional to the input (libxml2's own getters, such as
 * xmlGetProp and xmlNodeGetContent, would expand them without a bound, so
 * they are not used).
 */
#include "feed.h"
#include "xmlsafe.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "date.h"
#include "entities.h"
#include "html.h"
#include "mem.h"
#include "utf8.h"
#include "whsig.h"

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_MEDIA "http://search.yahoo.com/mrss/"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_GOOGLEPLAY "http://www.google.com/schemas/play-podcasts/1.0"
#define NS_FEEDBURNER "http://rssnamespace.org/feedburner/ext/1.0"

/* RFC 4287 4.2.7.2: the full form of rel="alternate" */
#define REL_IANA_ALTERNATE "http://www.iana.org/assignments/relation/alternate"

#define JSONFEED_VERSION "https://jsonfeed.org/version/"

/* Never NOENT, DTDLOAD, DTDATTR or HUGE: see the top of the file. */
#define FEED_XML_OPTS                                                                              \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

#define FEED_WALK_DEPTH 300   /* tree walk and entity nesting; libxml2 stops at 256 */
#define FEED_DECLARED_MAX 32  /* internal subset entity names remembered by the repair */
#define FEED_EXPAND_MIN 65536 /* bytes entity references may add, plus the input's size */
#define FEED_ENTNAME_MAX 32   /* longest HTML entity name looked up */
#define FEED_MAX_AUTHORS 100  /* per entry: more are dropped (and deduplication stays cheap) */

/*
 * What one parse keeps (its context's _private): the first error libxml2
 * reported and whether it ends the parse; and, when a page is read, which
 * items are in it (feed_xml_end).
 */
struct xparse {
	char msg[sizeof(((struct feed *)0)->warning)];
	int set;
	int fatal; /* 1: nesting too deep, 2: entity loop or amplification */
	int line;
	size_t first, max;     /* the page: items first.. first+max-1 (max 0: all from first) */
	size_t pos;            /* items closed so far */
	int more;              /* an item past the page was met */
	xmlParserCtxtPtr ctxt; /* the document's own context */
	const char *rdf_ns; /* static: the first RSS 1.0 or 0.90 <channel> or <item> (xml_format) */
};

struct fctx {
	struct feed *f;
	xmlDocPtr doc;
	const char *base_url; /* not owned */
	const char *ns;       /* RSS or Atom elements' namespace; NULL when they have none */
	size_t budget;        /* bytes entity references may still add */
	size_t cap;           /* of f->entries */
	char **fauthors;      /* owned: feed-level authors, inherited by entries without any */
	size_t nfauthors;
	size_t first, max;  /* JSON: the page, items first.. first+max-1 (max 0: all from first) */
	size_t pos;         /* JSON: items met so far, in document order */
	const char *rdf_ns; /* static: of a page, what makes an <rdf:RDF> RSS 1.0 or 0.90 */
	int oom, cut, more;
};

/* ---- small helpers ------------------------------------------------------ */

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* s[0..*len) without the white space around it: returns the start, sets *len. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && is_space((unsigned char)*s))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* Set *slot to s trimmed (NULL s or nothing left: NULL). */
static void
set_trimmed(struct fctx *c, char **slot, const char *s)
{
	size_t n;

	if (s == NULL) {
		free(*slot);
		*slot = NULL;
		return;
	}
	n = strlen(s);
	s = trim(s, &n);
	if (article_set(slot, n > 0 ? s : NULL, n) < 0)
		c->oom = 1;
}

/* Like set_trimmed, and takes ownership of s (malloc'd). */
static void
set_owned(struct fctx *c, char **slot, char *s)
{
	set_trimmed(c, slot, s);
	free(s);
}

/* A malloc'd copy of a libxml2 string, which is freed. */
static char *
xml_take(struct fctx *c, xmlChar *x)
{
	char *s;

	if (x == NULL)
		return NULL;
	if ((s = strdup((const char *)x)) == NULL)
		c->oom = 1;
	xmlFree(x);
	return s;
}

static int
has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Does ref start with a URI scheme (RFC 3986: ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":")? */
static int
has_scheme(const char *ref)
{
	const char *p = ref;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	for (p++; *p != '\0' && *p != ':'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
			return 0;
	return *p == ':';
}

static void
set_warning(struct feed *f, const char *w)
{
	size_t n;

	if (f->warning[0] != '\0')
		return;
	snprintf(f->warning, sizeof(f->warning), "%s", w);
	n = strlen(f->warning);
	f->warning[utf8_floor(f->warning, n)] = '\0';
}

/* ---- libxml2 errors ---------------------------------------------------- */

/* Structured error handler of one parser context: keeps the first error. */
static void
feed_xml_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct xparse *xe;

	if (ctxt == NULL || e == NULL || (xe = ctxt->_private) == NULL)
		return;
	if (e->level < XML_ERR_ERROR)
		return;
	if (e->message != NULL && strncmp(e->message, "Excessive depth", 15) == 0)
		xe->fatal = 1;
	else if (e->code == XML_ERR_ENTITY_LOOP ||
	         (e->message != NULL && strstr(e->message, "amplification") != NULL))
		xe->fatal = xe->fatal ? xe->fatal : 2;
	if (xe->set)
		return;
	xe->set = 1;
	xe->line = e->line;
	xmlsafe_error(xe->msg, sizeof(xe->msg), "line", e->line, e->message ? e->message : "error");
}

/* "item" or "entry", with or without a prefix kept in the name (see el_is). */
static int
item_name(const xmlChar *name)
{
	const char *s = (const char *)name, *colon;

	if (s == NULL)
		return 0;
	if ((colon = strrchr(s, ':')) != NULL)
		s = colon + 1;
	return strcmp(s, "item") == 0 || strcmp(s, "entry") == 0;
}

/* rdf_ns of an <rdf:RDF> whose channel or items are in no namespace */
static const char RDF_NO_NS[] = "";

/*
 * Remember the namespace of the first root child <channel> or <item> in
 * that of RSS 1.0 or 0.90 (else RDF_NO_NS when one is in no namespace),
 * whether it stays in the tree or not: what makes an <rdf:RDF> one or the
 * other (xml_format) must not depend on the page. Root children close in
 * document order.
 */
static void
page_rdf_ns(const xmlNode *n, struct xparse *xp)
{
	const char *href;

	if ((xp->rdf_ns != NULL && xp->rdf_ns != RDF_NO_NS) || n->type != XML_ELEMENT_NODE ||
	    n->parent == NULL || n->parent->parent == NULL ||
	    n->parent->parent->type != XML_DOCUMENT_NODE || n->name == NULL ||
	    (strcmp((const char *)n->name, "channel") != 0 &&
	     strcmp((const char *)n->name, "item") != 0))
		return;
	if (n->ns == NULL) {
		xp->rdf_ns = RDF_NO_NS;
		return;
	}
	if (n->ns->href == NULL)
		return;
	href = (const char *)n->ns->href;
	if (strcmp(href, NS_RSS10) == 0)
		xp->rdf_ns = NS_RSS10;
	else if (strcmp(href, NS_RSS090) == 0)
		xp->rdf_ns = NS_RSS090;
}

/*
 * Is n where the walk looks for items: a child of the root, or a child of
 * one of the root's children that is not an item itself (<channel>)? Its
 * parent is never dropped, so which elements count does not depend on the
 * page.
 */
static int
item_level(const xmlNode *n)
{
	const xmlNode *p = n->parent;

	if (n->type != XML_ELEMENT_NODE || p == NULL || p->type != XML_ELEMENT_NODE ||
	    p->parent == NULL)
		return 0;
	if (p->parent->type == XML_DOCUMENT_NODE)
		return 1;
	return !item_name(p->name) && p->parent->type == XML_ELEMENT_NODE &&
	       p->parent->parent != NULL && p->parent->parent->type == XML_DOCUMENT_NODE;
}

/*
 * The tree builder's end of an element, when a page is read: an item (RSS,
 * RDF) or entry (Atom) among the root's children or grandchildren, where
 * the tree walk looks for them, is counted as it closes, and taken out of
 * the tree at once when outside the page. The tree then holds the page's
 * items only, however long the feed: its memory is that of a page. The walk
 * takes what is left; an element counted here that the walk would not read
 * (another name space) only makes its page shorter, so that the pages of
 * the same bytes never overlap nor leave a gap.
 */
static void
feed_xml_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xparse *xp = ctxt->_private;
	xmlNodePtr cur = ctxt->node;
	size_t pos;

	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
	/* not the tree of an entity's text, which libxml2 parses with a context of its own */
	if (xp == NULL || ctxt != xp->ctxt || cur == NULL)
		return;
	page_rdf_ns(cur, xp);
	if (!item_level(cur) || !item_name(cur->name))
		return;
	pos = xp->pos++;
	if (pos >= xp->first && (xp->max == 0 || pos - xp->first < xp->max)) {
		cur->_private = xp; /* counted: see page_unclosed */
		return;
	}
	if (pos >= xp->first)
		xp->more = 1;
	/*
	 * The white space (or any text, comment...) before it goes too: the
	 * walk reads none of it, and SAX2 would append the next text to it
	 * with a length cached for another node (nodelen, nodemem), or, told
	 * to forget the cache, copy the whole of it again for each item.
	 */
	while (cur->prev != NULL && cur->prev->type != XML_ELEMENT_NODE) {
		xmlNodePtr t = cur->prev;

		xmlUnlinkNode(t);
		xmlFreeNode(t);
	}
	ctxt->nodemem = 0;
	xmlUnlinkNode(cur);
	xmlFreeNode(cur);
}

/* An item of page_unclosed: counted if it was not, and dropped when outside the page. */
static void
page_unclosed_one(xmlNodePtr n, struct xparse *xp)
{
	size_t pos;

	if (n->type != XML_ELEMENT_NODE || n->_private != NULL || !item_name(n->name))
		return;
	pos = xp->pos++;
	if (pos >= xp->first && (xp->max == 0 || pos - xp->first < xp->max)) {
		n->_private = xp;
		return;
	}
	if (pos >= xp->first)
		xp->more = 1;
	page_rdf_ns(n, xp);
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/*
 * After a parse that read a page: items the parser never closed (an
 * ill-formed feed read in recovery mode ends inside them) were not
 * counted; they come after every counted one, and are counted now, so
 * that each is in one page only, as when the feed is read whole.
 */
static void
page_unclosed(xmlDocPtr doc, struct xparse *xp)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n, next, k, knext;

	if (root == NULL)
		return;
	for (n = root->children; n != NULL; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (item_name(n->name)) {
			page_unclosed_one(n, xp);
			continue;
		}
		for (k = n->children; k != NULL; k = knext) {
			knext = k->next;
			page_unclosed_one(k, xp);
		}
	}
}

/*
 * After a parse in recovery mode: an item (or entry) the parser never
 * closed is one the document ended inside (a truncated download): its text
 * is cut, it is left out rather than stored as if whole. feed_xml_end()
 * marked every item that closed. A missing end tag in the middle of a feed
 * does not leave an item unclosed: libxml2 closes the open element at
 * each end tag, whatever its name.
 */
static void
drop_unclosed(xmlDocPtr doc, struct feed *f)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n, next, k, knext;

	if (root == NULL)
		return;
	for (n = root->children; n != NULL; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (k = item_name(n->name) ? n : n->children; k != NULL; k = knext) {
			knext = k == n ? NULL : k->next;
			if (k->type != XML_ELEMENT_NODE || k->_private != NULL ||
			    !item_name(k->name))
				continue;
			if (f->cut++ == 0)
				f->cut_line = (long)xmlGetLineNo(k);
			xmlUnlinkNode(k);
			xmlFreeNode(k);
		}
	}
}

/* ---- repairing references before the parse ----------------------------- */

struct fixer {
	const char *s;
	size_t len, i, run; /* s[run..i) is still to copy */
	struct xmlsafe_buf out;
	int changed, warned, oom; /* changed: out holds a copy; warned: first says why */
	char first[sizeof(((struct feed *)0)->warning)];
	const char *declared[FEED_DECLARED_MAX]; /* names declared, pointing into s */
	size_t declen[FEED_DECLARED_MAX];        /* and their lengths */
	size_t ndeclared;
	int overflow; /* more declarations than remembered: leave unknown names alone */
};

static const char *
find(const char *s, size_t from, size_t len, const char *what)
{
	if (from >= len)
		return NULL;
	return memmem(s + from, len - from, what, strlen(what));
}

static int
name_start(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' ||
	       ch >= 0x80;
}

static int
name_char(unsigned char ch)
{
	return name_start(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

/*
 * Replace s[i..i+oldlen) by rep; the first replacement with a why (NULL:
 * a repair that is no error to report) says why, with its line.
 */
static void
fix_replace(struct fixer *x, size_t oldlen, const char *rep, const char *why)
{
	if (!x->warned && why != NULL) {
		int line = 1;

		for (size_t k = 0; k < x->i; k++)
			line += x->s[k] == '\n';
		snprintf(x->first, sizeof(x->first), "line %d: %s", line, why);
		x->first[utf8_floor(x->first, strlen(x->first))] = '\0';
		x->warned = 1;
	}
	x->changed = 1;
	if (xmlsafe_buf_add(&x->out, x->s + x->run, x->i - x->run) < 0 ||
	    xmlsafe_buf_add(&x->out, rep, strlen(rep)) < 0)
		x->oom = 1;
	x->i += oldlen;
	x->run = x->i;
}

/* Skip a DOCTYPE at x->i ("<!DOCTYPE"), remembering the general entities it declares. */
static void
fix_doctype(struct fixer *x)
{
	const char *s = x->s, *q;
	size_t i = x->i + 9, n;
	int subset = 0;

	while (i < x->len) {
		if (s[i] == '"' || s[i] == '\'') {
			q = memchr(s + i + 1, s[i], x->len - i - 1);
			i = q ? (size_t)(q - s) + 1 : x->len;
		} else if (x->len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			q = find(s, i + 4, x->len, "-->");
			i = q ? (size_t)(q - s) + 3 : x->len;
		} else if (subset && x->len - i >= 8 && memcmp(s + i, "<!ENTITY", 8) == 0) {
			i += 8;
			while (i < x->len && is_space((unsigned char)s[i]))
				i++;
			for (n = 0; i + n < x->len && name_char((unsigned char)s[i + n]); n++)
				;
			if (n > 0 && x->ndeclared < FEED_DECLARED_MAX) {
				x->declared[x->ndeclared] = s + i;
				x->declen[x->ndeclared++] = n;
			} else if (n > 0) {
				x->overflow = 1;
			}
			i += n;
		} else if (s[i] == '[') {
			subset = 1;
			i++;
		} else if (s[i] == ']') {
			subset = 0;
			i++;
		} else if (s[i] == '>' && !subset) {
			i++;
			break;
		} else {
			i++;
		}
	}
	x->i = i;
}

static int
fix_declared(const struct fixer *x, const char *name, size_t n)
{
	if (x->overflow)
		return 1;
	for (size_t k = 0; k < x->ndeclared; k++)
		if (x->declen[k] == n && memcmp(x->declared[k], name, n) == 0)
			return 1;
	return 0;
}

/* A character reference at x->i ("&#"): kept when it names an XML character. */
static void
fix_charref(struct fixer *x)
{
	const char *s = x->s;
	size_t i = x->i + 2, digits = 0;
	unsigned long v = 0;
	int hex = 0;

	if (i < x->len && s[i] == 'x') {
		hex = 1;
		i++;
	}
	for (; i < x->len && digits <= 8; i++, digits++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9')
			v = v * (hex ? 16 : 10) + (unsigned long)(ch - '0');
		else if (hex && ch >= 'a' && ch <= 'f')
			v = v * 16 + (unsigned long)(ch - 'a' + 10);
		else if (hex && ch >= 'A' && ch <= 'F')
			v = v * 16 + (unsigned long)(ch - 'A' + 10);
		else
			break;
	}
	if (digits == 0 || digits > 8 || i >= x->len || s[i] != ';') {
		fix_replace(x, 1, "&amp;", "unescaped & read as text");
		return;
	}
	/*
	 * "&#146;" is the windows-1252 byte an editor wrote out as a number:
	 * U+2019, not the control U+0092 (as the WHATWG and feedparser read
	 * it, and quietly: it is no XML error). The control would glue the
	 * words around it ("Paris&#150;Berlin").
	 */
	if (utf8_c1_windows((uint32_t)v) != v) {
		char rep[16];

		snprintf(rep, sizeof(rep), "&#%u;", (unsigned)utf8_c1_windows((uint32_t)v));
		fix_replace(x, i + 1 - x->i, rep, NULL);
		return;
	}
	if (v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
	    (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF)) {
		x->i = i + 1;
		return;
	}
	fix_replace(x, i + 1 - x->i, "&#65533;", "character reference to a non-XML character");
}

/* An entity reference at x->i ("&"). */
static void
fix_entref(struct fixer *x)
{
	static const char *const xml5[] = {"amp", "lt", "gt", "quot", "apos"};
	const htmlEntityDesc *he;
	const char *s = x->s, *name = s + x->i + 1;
	char buf[FEED_ENTNAME_MAX + 1], rep[24], why[96];
	size_t n = 0, k;
	uint32_t cp, two[2];

	if (x->i + 1 < x->len && s[x->i + 1] == '#') {
		fix_charref(x);
		return;
	}
	if (x->i + 1 < x->len && name_start((unsigned char)name[0]))
		for (n = 1; x->i + 1 + n < x->len && name_char((unsigned char)name[n]); n++)
			;
	/*
	 * "caf&eacute au lait": a name HTML 3.2 knew, without its ';', is its
	 * character (html_legacy_entity(); not before '=', so that "?a=1&copy=2"
	 * stays an address)
	 */
	for (k = 0;
	     k < n && ((name[k] >= 'a' && name[k] <= 'z') || (name[k] >= 'A' && name[k] <= 'Z') ||
	               (name[k] >= '0' && name[k] <= '9'));
	     k++)
		;
	if (k > 0 && (x->i + 1 + k >= x->len || (name[k] != ';' && name[k] != '=')) &&
	    html_legacy_entity(name, k, &cp)) {
		snprintf(rep, sizeof(rep), "&#%u;", (unsigned)cp);
		snprintf(why, sizeof(why), "entity &%.*s without ';' read as its HTML character",
		         (int)k, name);
		fix_replace(x, k + 1, rep, why);
		return;
	}
	if (n == 0 || x->i + 1 + n >= x->len || name[n] != ';') {
		fix_replace(x, 1, "&amp;", "unescaped & read as text");
		return;
	}
	for (k = 0; k < 5; k++)
		if (strlen(xml5[k]) == n && memcmp(xml5[k], name, n) == 0)
			break;
	if (k < 5 || fix_declared(x, name, n)) {
		x->i += n + 2;
		return;
	}
	he = NULL;
	if (n <= FEED_ENTNAME_MAX) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		he = htmlEntityLookup((const xmlChar *)buf);
	}
	/* HTML5's names too ("&hyphen;", "&lpar;"), which libxml2's HTML 4 table lacks */
	if (he == NULL && (k = (size_t)entity_lookup(name, n, two)) > 0) {
		if (k == 1)
			snprintf(rep, sizeof(rep), "&#%u;", (unsigned)two[0]);
		else
			snprintf(rep, sizeof(rep), "&#%u;&#%u;", (unsigned)two[0],
			         (unsigned)two[1]);
		snprintf(why, sizeof(why), "undeclared entity &%.40s; read as its HTML character",
		         buf);
		fix_replace(x, n + 2, rep, why);
	} else if (he != NULL) {
		snprintf(rep, sizeof(rep), "&#%u;", he->value);
		snprintf(why, sizeof(why), "undeclared entity &%s; read as its HTML character",
		         buf);
		fix_replace(x, n + 2, rep, why);
	} else {
		snprintf(why, sizeof(why), "unknown entity &%.*s; read as text",
		         (int)(n > 40 ? 40 : n), name);
		fix_replace(x, 1, "&amp;", why);
	}
}

/*
 * Repair the references of s[0..len) (see the top of the file). Returns 1
 * and the repaired text in x->out when something changed, 0 when s is fine
 * as it is, -1 when out of memory. CDATA sections, comments, processing
 * instructions and the DOCTYPE are copied as they are.
 */
static int
fix_refs(struct fixer *x, const char *s, size_t len)
{
	const char *q;

	memset(x, 0, sizeof(*x));
	x->s = s;
	x->len = len;
	while (x->i < len && !x->oom) {
		if (s[x->i] == '&') {
			fix_entref(x);
		} else if (s[x->i] != '<') {
			/* jump to the next markup or reference */
			size_t j = x->i + 1;

			while (j < len && s[j] != '<' && s[j] != '&')
				j++;
			x->i = j;
		} else if (len - x->i >= 9 && memcmp(s + x->i, "<![CDATA[", 9) == 0) {
			q = find(s, x->i + 9, len, "]]>");
			x->i = q ? (size_t)(q - s) + 3 : len;
		} else if (len - x->i >= 4 && memcmp(s + x->i, "<!--", 4) == 0) {
			q = find(s, x->i + 4, len, "-->");
			x->i = q ? (size_t)(q - s) + 3 : len;
		} else if (len - x->i >= 2 && s[x->i + 1] == '?') {
			q = find(s, x->i + 2, len, "?>");
			x->i = q ? (size_t)(q - s) + 2 : len;
		} else if (len - x->i >= 9 && memcmp(s + x->i, "<!DOCTYPE", 9) == 0) {
			fix_doctype(x);
		} else {
			x->i++;
		}
	}
	if (x->oom)
		return -1;
	if (!x->changed)
		return 0;
	if (xmlsafe_buf_add(&x->out, s + x->run, len - x->run) < 0)
		return -1;
	return 1;
}

/* ---- reading the tree --------------------------------------------------- */

static int
ns_is(const xmlNode *n, const char *ns)
{
	if (ns == NULL)
		return n->ns == NULL;
	return n->ns != NULL && n->ns->href != NULL && strcmp((const char *)n->ns->href, ns) == 0;
}

/* Is n the element ns:name (ns NULL: in no namespace)? */
static int
el_is(const xmlNode *n, const char *ns, const char *name)
{
	/* Prefixes feeds use without declaring them ("dc:creator" alone). */
	static const struct {
		const char *ns, *prefix;
	} conv[] = {{NS_DC, "dc:"},       {NS_CONTENT, "content:"}, {NS_DCTERMS, "dcterms:"},
	            {NS_ATOM10, "atom:"}, {NS_ITUNES, "itunes:"},   {NS_RDF, "rdf:"}};
	size_t k, plen;

	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return 0;
	/*
	 * iTunes elements are found written in any case (<itunes:Summary>),
	 * and so is their namespace (".../DTDs/PodCast-1.0.dtd", as gofeed's
	 * test data has it)
	 */
	if (ns != NULL && strcmp(ns, NS_ITUNES) == 0 &&
	    strcasecmp((const char *)n->name, name) == 0 && n->ns != NULL && n->ns->href != NULL &&
	    strcasecmp((const char *)n->ns->href, ns) == 0)
		return 1;
	if (strcmp((const char *)n->name, name) == 0)
		return ns_is(n, ns);
	if (n->ns != NULL || ns == NULL)
		return 0;
	/* libxml2 keeps an undeclared prefix in the name, in no namespace */
	for (k = 0; k < sizeof(conv) / sizeof(conv[0]); k++)
		if (strcmp(conv[k].ns, ns) == 0) {
			plen = strlen(conv[k].prefix);
			return strncmp((const char *)n->name, conv[k].prefix, plen) == 0 &&
			       strcmp((const char *)n->name + plen, name) == 0;
		}
	return 0;
}

/* The text of an element (owned by the caller), or NULL when out of memory. */
static char *
el_text(struct fctx *c, const xmlNode *n)
{
	struct xmlsafe_buf b = {0};

	xmlsafe_text(c->doc, n->children, FEED_WALK_DEPTH, &c->budget, &c->cut, &b, &c->oom);
	if (b.p == NULL && !c->oom && xmlsafe_buf_add(&b, "", 0) < 0)
		c->oom = 1;
	return b.p;
}

/* An attribute's value (owned by the caller), or NULL when absent. */
static char *
attr_get(struct fctx *c, const xmlNode *n, const char *ns, const char *name)
{
	struct xmlsafe_buf b = {0};

	if (n->type != XML_ELEMENT_NODE)
		return NULL;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || strcmp((const char *)a->name, name) != 0)
			continue;
		if (ns == NULL ? a->ns != NULL
		               : (a->ns == NULL || strcmp((const char *)a->ns->href, ns) != 0))
			continue;
		xmlsafe_text(c->doc, a->children, FEED_WALK_DEPTH, &c->budget, &c->cut, &b,
		             &c->oom);
		if (b.p == NULL && xmlsafe_buf_add(&b, "", 0) < 0)
			c->oom = 1;
		return b.p;
	}
	return NULL;
}

/* An attribute's value, trimmed, compared with s, case-insensitively. */
static int
attr_is(struct fctx *c, const xmlNode *n, const char *name, const char *s)
{
	char *v = attr_get(c, n, NULL, name);
	size_t len;
	const char *t;
	int eq = 0;

	if (v != NULL) {
		len = strlen(v);
		t = trim(v, &len);
		eq = len == strlen(s) && strncasecmp(t, s, len) == 0;
	}
	free(v);
	return eq;
}

/*
 * Serialize the children of n as markup (an XHTML div's inside, or HTML
 * written unescaped into a description). Entity references stay references.
 */
static char *
el_markup(struct fctx *c, const xmlNode *n)
{
	xmlBufferPtr xb = xmlBufferCreate();
	char *s = NULL;

	if (xb == NULL) {
		c->oom = 1;
		return NULL;
	}
	for (xmlNode *k = n->children; k != NULL; k = k->next)
		if (xmlNodeDump(xb, c->doc, k, 0, 0) < 0)
			break;
	if ((s = strdup(xmlBufferContent(xb) ? (const char *)xmlBufferContent(xb) : "")) == NULL)
		c->oom = 1;
	xmlBufferFree(xb);
	return s;
}

static int
has_element_child(const xmlNode *n)
{
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* Markup of an HTML field: the text, or the children serialized when they are elements. */
static char *
el_html(struct fctx *c, const xmlNode *n)
{
	return has_element_child(n) ? el_markup(c, n) : el_text(c, n);
}

/*
 * The xml:base in scope at n, relative ones resolved against the outer ones
 * (owned by the caller; NULL when none). Not xmlNodeGetBase: it would fall
 * back on the document's URL and expand entities without a bound.
 */
static char *
xml_base(struct fctx *c, const xmlNode *n, int depth)
{
	char *up, *b;
	xmlChar *r;

	if (n == NULL || n->type != XML_ELEMENT_NODE || depth > FEED_WALK_DEPTH)
		return NULL;
	up = xml_base(c, n->parent, depth + 1);
	b = attr_get(c, n, NS_XML, "base");
	if (b != NULL) {
		size_t len = strlen(b);
		const char *t = trim(b, &len);

		memmove(b, t, len);
		b[len] = '\0';
	}
	if (b == NULL || *b == '\0') {
		free(b);
		return up;
	}
	if (up == NULL || has_scheme(b)) {
		free(up);
		return b;
	}
	r = xmlBuildURI((const xmlChar *)b, (const xmlChar *)up);
	free(up);
	if (r == NULL)
		return b;
	free(b);
	return xml_take(c, r);
}

/* The xml:lang in scope at n (owned by the caller; NULL when none or empty). */
static char *
xml_lang(struct fctx *c, const xmlNode *n)
{
	char *v;
	size_t len;
	const char *t;

	for (int depth = 0; n != NULL && n->type == XML_ELEMENT_NODE && depth < FEED_WALK_DEPTH;
	     n = n->parent, depth++) {
		if ((v = attr_get(c, n, NS_XML, "lang")) == NULL)
			continue;
		len = strlen(v);
		t = trim(v, &len);
		memmove(v, t, len);
		v[len] = '\0';
		if (len == 0) {
			free(v);
			return NULL;
		}
		return v;
	}
	return NULL;
}

/*
 * ref with the characters a URI cannot hold (spaces, controls, non-ASCII
 * bytes, "<>\^`{|}) percent-encoded, so that xmlBuildURI accepts it.
 */
static char *
uri_escape(const char *ref)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(ref);
	char *out, *o;

	if (n > (SIZE_MAX - 1) / 3 || (out = malloc(3 * n + 1)) == NULL)
		return NULL;
	for (o = out; *ref != '\0'; ref++) {
		unsigned char ch = (unsigned char)*ref;

		if (ch <= 0x20 || ch >= 0x7F || strchr("\"<>\\^`{|}", ch) != NULL) {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		} else {
			*o++ = (char)ch;
		}
	}
	*o = '\0';
	return out;
}

/* cur resolved against base; cur itself when it cannot be. Takes cur. */
static char *
resolve_one(struct fctx *c, char *cur, const char *base)
{
	xmlChar *r = xmlBuildURI((const xmlChar *)cur, (const xmlChar *)base);
	char *esc;

	if (r == NULL) {
		if ((esc = uri_escape(cur)) == NULL) {
			c->oom = 1;
			return cur;
		}
		r = xmlBuildURI((const xmlChar *)esc, (const xmlChar *)base);
		free(esc);
	}
	if (r == NULL)
		return cur;
	free(cur);
	return xml_take(c, r);
}

/*
 * A link found at element at (NULL in JSON), resolved against the xml:base
 * in scope, then the feed's link, then base_url; absolute links and links
 * that nothing resolves are kept as found. Owned by the caller.
 */
static char *
resolve_link(struct fctx *c, const xmlNode *at, const char *ref, const char *feedlink)
{
	const char *bases[3];
	char *cur, *xb = NULL;
	size_t len = strlen(ref);

	ref = trim(ref, &len);
	if (len == 0)
		return NULL;
	if ((cur = strndup(ref, len)) == NULL) {
		c->oom = 1;
		return NULL;
	}
	if (has_scheme(cur))
		return cur;
	if (at != NULL)
		xb = xml_base(c, at, 0);
	bases[0] = xb;
	bases[1] = feedlink;
	bases[2] = c->base_url;
	for (int k = 0; k < 3 && cur != NULL && !has_scheme(cur); k++)
		if (bases[k] != NULL && *bases[k] != '\0')
			cur = resolve_one(c, cur, bases[k]);
	free(xb);
	return cur;
}

static int
looks_like_url(const char *s)
{
	size_t len = strlen(s);

	s = trim(s, &len);
	return has_prefix_ci(s, "http://") || has_prefix_ci(s, "https://");
}

/*
 * s[0..len) with every run of white space made one space (owned by the
 * caller; NULL when out of memory): a name or a title is one line.
 */
static char *
squeeze(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o;

	if (out == NULL)
		return NULL;
	for (o = out; len > 0; s++, len--) {
		if (!is_space((unsigned char)*s))
			*o++ = *s;
		else if (o > out && o[-1] != ' ')
			*o++ = ' ';
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/*
 * The name in an RSS author: "jo@example.com (Jo Doe)", "Jo Doe
 * <jo@example.com>" and "\"Jo Doe\" <jo@example.com>" name Jo Doe; a bare
 * "<jo@example.com>" is the address; anything else is the name as found
 * ("Jo Doe (jo@example.com)" too, as miniflux keeps it). Returns the
 * start and sets *len.
 */
static const char *
author_name(const char *s, size_t *len)
{
	size_t n = *len, k;
	const char *open;

	if (n > 2 && s[n - 1] == ')' && (open = memchr(s, '(', n)) != NULL &&
	    memchr(s, '@', (size_t)(open - s)) != NULL) {
		const char *in = open + 1;

		k = (size_t)(s + n - 1 - in);
		in = trim(in, &k);
		if (k > 0) {
			*len = k;
			return in;
		}
	}
	if (n > 2 && s[n - 1] == '>' && (open = memrchr(s, '<', n)) != NULL && open > s &&
	    memchr(open, '@', (size_t)(s + n - open)) != NULL) {
		k = (size_t)(open - s);
		trim(s, &k);
		if (k > 0) {
			*len = (size_t)(open - s);
			s = trim(s, len);
			if (*len >= 2 && s[0] == '"' && s[*len - 1] == '"') {
				*len -= 2;
				return s + 1;
			}
			return s;
		}
	}
	if (n > 2 && s[0] == '<' && s[n - 1] == '>' && memchr(s, '@', n) != NULL &&
	    memchr(s + 1, '<', n - 1) == NULL) {
		*len = n - 2;
		return s + 1;
	}
	return s;
}

static void
add_author(struct fctx *c, char ***v, size_t *n, const char *s)
{
	size_t len = strlen(s);
	char **nv, *name, *text = NULL;

	s = trim(s, &len);
	/* an author written as escaped markup ("&lt;a href=...&gt;Jo&lt;/a&gt;") is its text */
	if (html_sniff(s, len)) {
		if ((text = html_to_text(s, len, &len)) == NULL) {
			c->oom = 1;
			return;
		}
		s = trim(text, &len);
	}
	s = author_name(s, &len);
	s = trim(s, &len);
	if (len == 0 || *n >= FEED_MAX_AUTHORS) {
		free(text);
		return;
	}
	name = squeeze(s, len);
	free(text);
	if (name == NULL) {
		c->oom = 1;
		return;
	}
	for (size_t k = 0; k < *n; k++)
		if (strcmp((*v)[k], name) == 0) {
			free(name);
			return;
		}
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		free(name);
		c->oom = 1;
		return;
	}
	*v = nv;
	nv[(*n)++] = name;
}

/* n's name without a prefix libxml2 kept in it (an undeclared "atom:name"). */
static const char *
local_name(const xmlNode *n)
{
	const char *name = (const char *)n->name, *colon;

	if (name != NULL && n->ns == NULL && (colon = strchr(name, ':')) != NULL)
		return colon + 1;
	return name;
}

/*
 * The author an element gives: the text of its <name> child (Atom's
 * <author>, and RSS <author>s written the same way, whatever the
 * namespace), else of its <email> child, else its own text ("by <a
 * ...>Jo</a>"). Owned by the caller; NULL when it names no one.
 */
static char *
author_of(struct fctx *c, const xmlNode *n)
{
	const xmlNode *name = NULL, *email = NULL;
	char *s;

	for (const xmlNode *k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || k->name == NULL)
			continue;
		if (name == NULL && strcmp(local_name(k), "name") == 0)
			name = k;
		else if (email == NULL && strcmp(local_name(k), "email") == 0)
			email = k;
	}
	if (name != NULL && (s = el_text(c, name)) != NULL) {
		size_t len = strlen(s);

		trim(s, &len);
		if (len > 0)
			return s;
		free(s);
	}
	if (email != NULL)
		return el_text(c, email);
	return name != NULL ? NULL : el_text(c, n);
}

static void
entry_author(struct fctx *c, struct feed_entry *e, const char *s)
{
	if (s != NULL)
		add_author(c, &e->a.authors, &e->a.nauthors, s);
}

static int
entry_empty(const struct feed_entry *e)
{
	const struct article *a = &e->a;

	return a->id == NULL && a->title == NULL && a->url == NULL && a->summary == NULL &&
	       a->body == NULL && a->published == NULL && a->updated == NULL && a->nauthors == 0;
}

/*
 * Is the next JSON item in the page? (XML items are counted and dropped as
 * the tree is built: feed_xml_end.) Items before the page
 * are skipped unread; the first one past it ends the walk (c->more). An
 * item counts by its position whatever it holds, so that the pages of one
 * document never overlap nor leave a gap.
 */
static int
page_take(struct fctx *c)
{
	size_t pos = c->pos++;

	if (pos < c->first)
		return 0;
	if (c->max > 0 && pos - c->first >= c->max) {
		c->more = 1;
		return 0;
	}
	return 1;
}

/*
 * Give e to the feed, with the feed's language when it has none and the
 * feed's authors when inherit says so; an entry with nothing at all is
 * dropped. e is emptied either way.
 */
static void
entry_commit(struct fctx *c, struct feed_entry *e, int inherit)
{
	struct feed *f = c->f;

	if (c->oom || entry_empty(e)) {
		article_free(&e->a);
		return;
	}
	if (e->a.nauthors == 0 && inherit)
		for (size_t k = 0; k < c->nfauthors; k++)
			entry_author(c, e, c->fauthors[k]);
	if (e->a.lang == NULL && f->lang != NULL)
		set_trimmed(c, &e->a.lang, f->lang);
	if (c->oom || mem_grow(&f->entries, &c->cap, f->nentries + 1, sizeof(*f->entries)) < 0) {
		c->oom = 1;
		article_free(&e->a);
		return;
	}
	f->entries[f->nentries++] = *e;
	memset(e, 0, sizeof(*e));
}

/* ---- RSS and RDF -------------------------------------------------------- */

/*
 * An RSS title is text by the letter of the specifications, but many hold
 * escaped markup or escaped references ("&lt;b&gt;", "Tom &amp;amp; Jerry"):
 * such a title is read as HTML. A "<" that opens no tag stays as it is.
 */
static int
title_markup(const char *t)
{
	return t != NULL && html_sniff(t, strlen(t));
}

/* Media RSS elements, under the namespace with or without its final slash. */
static int
media_is(const xmlNode *n, const char *name)
{
	return el_is(n, NS_MEDIA, name) || el_is(n, "http://search.yahoo.com/mrss", name);
}

/* A media:title or media:description, as text or markup (type="html"). */
static char *
media_text(struct fctx *c, const xmlNode *n, int *html)
{
	*html = attr_is(c, n, "type", "html");
	return *html ? el_html(c, n) : el_text(c, n);
}

/* The first media:description and media:title of an item, inside a media:group too. */
static void
media_find(const xmlNode *it, const xmlNode **desc, const xmlNode **title, int depth)
{
	for (const xmlNode *n = it->children; n != NULL; n = n->next) {
		if (media_is(n, "description") && *desc == NULL)
			*desc = n;
		else if (media_is(n, "title") && *title == NULL)
			*title = n;
		else if (depth == 0 && (media_is(n, "group") || media_is(n, "content")))
			media_find(n, desc, title, depth + 1);
	}
}

static char *atom_link(struct fctx *c, const xmlNode *parent, const char *ns, const char *feedlink);
static char *atom_text(struct fctx *c, const xmlNode *n, int *html);

/*
 * An RSS <author> is an address, often with a name: "Jo Doe (jo@example.com)"
 * names Jo Doe (gofeed reads it so; author_name reads the other forms). s is
 * cut in place. Not for dc:creator, which is free text ("Jane Doe (@jane)").
 */
static void
rss_author_cut(char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, k;
	char *open;
	const char *in;

	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	if (n < 3 || s[n - 1] != ')' || (open = memrchr(s, '(', n)) == NULL || open == s)
		return;
	k = (size_t)(s + n - 1 - (open + 1));
	in = trim(open + 1, &k);
	if (k == 0 || memchr(in, '@', k) == NULL || memchr(in, ' ', k) != NULL ||
	    memchr(s, '@', (size_t)(open - s)) != NULL)
		return;
	k = (size_t)(open - s);
	trim(s, &k);
	if (k > 0)
		*open = '\0';
}

static void
rss_channel(struct fctx *c, const xmlNode *ch)
{
	struct feed *f = c->f;
	char *dclang = NULL, *link = NULL, *dctitle = NULL, *dcdate = NULL;

	for (const xmlNode *n = ch->children; n != NULL && !c->oom; n = n->next) {
		if (el_is(n, c->ns, "title") && f->title == NULL)
			set_owned(c, &f->title, el_text(c, n));
		else if (el_is(n, NS_DC, "title") && dctitle == NULL)
			dctitle = el_text(c, n);
		else if (el_is(n, c->ns, "link") && link == NULL)
			link = el_text(c, n);
		else if (el_is(n, c->ns, "language") && f->lang == NULL)
			set_owned(c, &f->lang, el_text(c, n));
		else if (el_is(n, NS_DC, "language") && dclang == NULL)
			dclang = el_text(c, n);
		else if (el_is(n, NS_ATOM10, "id") && f->id == NULL)
			set_owned(c, &f->id, el_text(c, n));
		else if ((el_is(n, c->ns, "lastBuildDate") || el_is(n, NS_DCTERMS, "modified") ||
		          el_is(n, NS_ATOM10, "updated")) &&
		         f->updated == NULL)
			set_owned(c, &f->updated, el_text(c, n));
		else if (el_is(n, NS_DC, "date") && dcdate == NULL)
			dcdate = el_text(c, n);
		else if ((el_is(n, c->ns, "pubDate") || el_is(n, NS_DCTERMS, "issued") ||
		          el_is(n, NS_DCTERMS, "created") || el_is(n, NS_ATOM10, "published")) &&
		         f->published == NULL)
			set_owned(c, &f->published, el_text(c, n));
		else if (el_is(n, NS_DC, "creator") || el_is(n, NS_ATOM10, "author") ||
		         el_is(n, NS_ITUNES, "author") || el_is(n, NS_GOOGLEPLAY, "author")) {
			/*
			 * Who writes the channel writes the items that name no one
			 * (entry_commit), as in Atom; its contacts (managingEditor,
			 * webMaster, itunes:owner) are not its authors.
			 */
			char *s = author_of(c, n);

			if (s != NULL)
				add_author(c, &c->fauthors, &c->nfauthors, s);
			free(s);
		}
	}
	if (f->title == NULL)
		set_owned(c, &f->title, dctitle);
	else
		free(dctitle);
	/* dc:date is the channel's date of publication, else its last change */
	if (f->published == NULL)
		set_owned(c, &f->published, dcdate);
	else if (f->updated == NULL)
		set_owned(c, &f->updated, dcdate);
	else
		free(dcdate);
	if (f->lang == NULL)
		set_owned(c, &f->lang, dclang);
	else
		free(dclang);
	if (f->lang == NULL)
		set_owned(c, &f->lang, xml_lang(c, ch));
	if (link != NULL)
		set_owned(c, &f->link, resolve_link(c, ch, link, NULL));
	if (f->link == NULL)
		set_owned(c, &f->link, atom_link(c, ch, NS_ATOM10, NULL));
	free(link);
	f->title_html = title_markup(f->title);
}

static void
rss_item(struct fctx *c, const xmlNode *it)
{
	struct feed_entry e = {0};
	char *link = NULL, *guid = NULL, *dcdate = NULL, *dclang = NULL, *dctitle = NULL, d[21];
	char *dcdesc = NULL, *issued = NULL, *itsum = NULL, *gpdesc = NULL, *itsub = NULL;
	char *podauthor = NULL, *origlink = NULL, *acontent = NULL;
	int permalink = 1, msum_html = 1, body_html = 1, ahtml = 0;

	for (const xmlNode *n = it->children; n != NULL && !c->oom; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (el_is(n, c->ns, "title") && e.a.title == NULL) {
			set_owned(c, &e.a.title, el_text(c, n));
		} else if (el_is(n, c->ns, "link") && link == NULL) {
			link = el_text(c, n);
		} else if (el_is(n, c->ns, "guid") && guid == NULL) {
			guid = el_text(c, n);
			permalink = !attr_is(c, n, "isPermaLink", "false");
		} else if (el_is(n, c->ns, "description") && e.a.summary == NULL) {
			set_owned(c, &e.a.summary, el_html(c, n));
		} else if (el_is(n, NS_DC, "title") && dctitle == NULL) {
			dctitle = el_text(c, n);
		} else if (el_is(n, NS_DC, "description") && dcdesc == NULL) {
			dcdesc = el_html(c, n);
		} else if (el_is(n, NS_ITUNES, "summary") && itsum == NULL) {
			itsum = el_text(c, n);
		} else if (el_is(n, NS_GOOGLEPLAY, "description") && gpdesc == NULL) {
			gpdesc = el_text(c, n);
		} else if (el_is(n, NS_ITUNES, "subtitle") && itsub == NULL) {
			itsub = el_text(c, n);
		} else if ((el_is(n, NS_DCTERMS, "issued") || el_is(n, NS_DCTERMS, "created") ||
		            el_is(n, NS_ATOM10, "published")) &&
		           issued == NULL) {
			issued = el_text(c, n);
		} else if (el_is(n, NS_CONTENT, "encoded") && e.a.body == NULL) {
			set_owned(c, &e.a.body, el_html(c, n));
		} else if (el_is(n, c->ns, "pubDate") && e.a.published == NULL) {
			set_owned(c, &e.a.published, el_text(c, n));
		} else if (el_is(n, NS_DC, "date") && dcdate == NULL) {
			dcdate = el_text(c, n);
		} else if ((el_is(n, NS_DCTERMS, "modified") || el_is(n, NS_ATOM10, "updated")) &&
		           e.a.updated == NULL) {
			set_owned(c, &e.a.updated, el_text(c, n));
		} else if (el_is(n, c->ns, "author") || el_is(n, NS_DC, "creator") ||
		           el_is(n, NS_ATOM10, "author")) {
			char *s = author_of(c, n);

			if (el_is(n, c->ns, "author"))
				rss_author_cut(s);
			entry_author(c, &e, s);
			free(s);
		} else if (el_is(n, NS_ATOM10, "content") && acontent == NULL) {
			acontent = atom_text(c, n, &ahtml);
		} else if ((el_is(n, NS_ITUNES, "author") || el_is(n, NS_GOOGLEPLAY, "author")) &&
		           podauthor == NULL) {
			podauthor = el_text(c, n);
		} else if (el_is(n, NS_FEEDBURNER, "origLink") && origlink == NULL) {
			origlink = el_text(c, n);
		} else if (el_is(n, NS_DC, "language") && dclang == NULL) {
			dclang = el_text(c, n);
		}
	}
	/* an atom:content when there is no content:encoded (gofeed reads it) */
	if (e.a.body == NULL && acontent != NULL) {
		e.a.body = acontent;
		body_html = ahtml;
	} else {
		free(acontent);
	}
	/* a podcast's author when the item names no other */
	if (e.a.nauthors == 0)
		entry_author(c, &e, podauthor);
	free(podauthor);
	/* FeedBurner's origLink is the article's own address, not the proxy's */
	if (origlink != NULL && looks_like_url(origlink)) {
		free(link);
		link = origlink;
		origlink = NULL;
	}
	free(origlink);
	/* the podcast descriptions, the fullest first */
	if (itsum == NULL) {
		itsum = gpdesc;
		gpdesc = NULL;
	}
	if (itsum == NULL) {
		itsum = itsub;
		itsub = NULL;
	}
	free(gpdesc);
	free(itsub);
	/*
	 * Dublin Core, Atom and iTunes elements stand in for the RSS ones an
	 * item lacks (feedparser and Miniflux read them too): an item with only
	 * a dc:title is an article with that title.
	 */
	if (dcdate == NULL) {
		dcdate = issued;
		issued = NULL;
	}
	/* a pubDate nobody can read gives way to a dc:date that can be */
	if (e.a.published == NULL || (dcdate != NULL && date_normalize(e.a.published, d) < 0 &&
	                              date_normalize(dcdate, d) == 0))
		set_trimmed(c, &e.a.published, dcdate);
	if (e.a.published == NULL)
		set_trimmed(c, &e.a.published, issued);
	if (e.a.title == NULL)
		set_trimmed(c, &e.a.title, dctitle);
	if (e.a.summary == NULL && dcdesc != NULL)
		set_trimmed(c, &e.a.summary, dcdesc);
	if (e.a.summary == NULL && e.a.body == NULL && itsum != NULL) {
		set_trimmed(c, &e.a.summary, itsum);
		msum_html = 0;
	}
	free(dctitle);
	free(dcdesc);
	free(issued);
	free(itsum);
	if (e.a.title == NULL || e.a.summary == NULL) {
		const xmlNode *mdesc = NULL, *mtitle = NULL;
		int h;

		media_find(it, &mdesc, &mtitle, 0);
		if (e.a.summary == NULL && mdesc != NULL) {
			set_owned(c, &e.a.summary, media_text(c, mdesc, &h));
			msum_html = h;
		}
		if (e.a.title == NULL && mtitle != NULL) {
			set_owned(c, &e.a.title, media_text(c, mtitle, &h));
			e.title_html = e.a.title != NULL && h;
		}
	}
	set_trimmed(c, &e.a.id, guid);
	if (e.a.id == NULL)
		set_owned(c, &e.a.id, attr_get(c, it, NS_RDF, "about"));
	if (link != NULL)
		set_owned(c, &e.a.url, resolve_link(c, it, link, c->f->link));
	if (e.a.url == NULL)
		set_owned(c, &e.a.url, atom_link(c, it, NS_ATOM10, c->f->link));
	if (e.a.url == NULL && guid != NULL && permalink && looks_like_url(guid))
		set_owned(c, &e.a.url, resolve_link(c, it, guid, c->f->link));
	set_owned(c, &e.a.lang, xml_lang(c, it));
	if (e.a.lang == NULL)
		set_trimmed(c, &e.a.lang, dclang);
	e.summary_html = e.a.summary != NULL && msum_html;
	e.body_html = e.a.body != NULL && body_html;
	e.title_html = e.title_html || title_markup(e.a.title);
	free(link);
	free(guid);
	free(dcdate);
	free(dclang);
	entry_commit(c, &e, 1);
}

/* RSS 0.9x/2.0 (<rss>) and RDF (<rdf:RDF>): items in the channel, or beside it. */
static void
rss_parse(struct fctx *c, const xmlNode *root)
{
	const xmlNode *n, *k;

	for (n = root->children; n != NULL; n = n->next)
		if (el_is(n, c->ns, "channel")) {
			rss_channel(c, n);
			break;
		}
	if (c->f->lang == NULL)
		set_owned(c, &c->f->lang, xml_lang(c, root));
	/* when a page is read, the tree holds its items only (feed_xml_end) */
	for (n = root->children; n != NULL && !c->oom; n = n->next) {
		if (el_is(n, c->ns, "item"))
			rss_item(c, n);
		else if (el_is(n, c->ns, "channel"))
			for (k = n->children; k != NULL && !c->oom; k = k->next)
				if (el_is(k, c->ns, "item"))
					rss_item(c, k);
	}
}

/* ---- Atom --------------------------------------------------------------- */

/*
 * Atom 0.3 content in mode="base64": the decoded bytes when they are text
 * (UTF-8, made clean), else nothing. *html stays as the type said.
 */
static char *
atom_base64(struct fctx *c, const xmlNode *n, int *html)
{
	char *t = el_text(c, n), *out = NULL;
	unsigned char *bin;
	size_t k, j;
	long dl;

	if (t == NULL)
		return NULL;
	for (k = j = 0; t[k] != '\0'; k++) /* line breaks and spaces are allowed */
		if (!is_space((unsigned char)t[k]))
			t[j++] = t[k];
	t[j] = '\0';
	if ((bin = malloc(j / 4 * 3 + 1)) == NULL) {
		c->oom = 1;
	} else if ((dl = base64_decode(t, j, bin, j / 4 * 3)) > 0 &&
	           memchr(bin, '\0', (size_t)dl) == NULL) {
		if ((out = utf8_clean((const char *)bin, (size_t)dl, &k)) == NULL)
			c->oom = 1;
	}
	free(bin);
	free(t);
	if (out == NULL)
		*html = 0;
	return out;
}

/*
 * An Atom text construct: its value and whether it is markup. Atom 1.0 says
 * type="text|html|xhtml"; Atom 0.3 gives a MIME type and a mode
 * (xml|escaped|base64). Out-of-line content (src=) reads as nothing.
 */
static char *
atom_text(struct fctx *c, const xmlNode *n, int *html)
{
	char *type = attr_get(c, n, NULL, "type"), *mode = attr_get(c, n, NULL, "mode"), *src;
	const char *t = "text";
	size_t len;
	int xhtml = 0;

	*html = 0;
	if (type != NULL) {
		len = strlen(type);
		t = trim(type, &len);
		type[(size_t)(t - type) + len] = '\0';
	}
	if (strcasecmp(t, "html") == 0 || strcasecmp(t, "text/html") == 0)
		*html = 1;
	else if (strcasecmp(t, "xhtml") == 0 || strcasecmp(t, "application/xhtml+xml") == 0)
		*html = xhtml = 1;
	free(type);
	src = attr_get(c, n, NULL, "src");
	if (src != NULL) {
		free(src);
		free(mode);
		*html = 0;
		return NULL;
	}
	if (mode != NULL && strstr(mode, "base64") != NULL) {
		free(mode);
		return atom_base64(c, n, html);
	}
	free(mode);
	if (xhtml) {
		const xmlNode *div = NULL;
		int elements = 0;

		/* the content is one XHTML div, which is not part of it */
		for (const xmlNode *k = n->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE) {
				elements++;
				div = k;
			}
		if (elements != 1 || !el_is(div, NS_XHTML, "div"))
			div = n;
		return el_markup(c, div);
	}
	return *html ? el_html(c, n) : el_text(c, n);
}

/*
 * Does a link's type say a web page: none, text/html or XHTML (parameters
 * after ';' aside)?
 */
static int
link_type_html(struct fctx *c, const xmlNode *n)
{
	char *type = attr_get(c, n, NULL, "type");
	size_t len;
	const char *t;
	int html = 1;

	if (type != NULL) {
		len = strcspn(type, ";");
		t = trim(type, &len);
		html = len == 0 || (len == 9 && strncasecmp(t, "text/html", 9) == 0) ||
		       (len == 21 && strncasecmp(t, "application/xhtml+xml", 21) == 0);
	}
	free(type);
	return html;
}

/* atom_link's search: html_only, the alternates that say they are a web page only. */
static char *
atom_link_pass(struct fctx *c, const xmlNode *parent, const char *ns, const char *feedlink,
               int html_only)
{
	char *rel, *href, *r;
	size_t len;
	const char *t;
	int alt;

	for (const xmlNode *n = parent->children; n != NULL && !c->oom; n = n->next) {
		if (!el_is(n, ns, "link"))
			continue;
		rel = attr_get(c, n, NULL, "rel");
		alt = 1;
		if (rel != NULL) {
			len = strlen(rel);
			t = trim(rel, &len);
			alt = (len == 9 && strncasecmp(t, "alternate", 9) == 0) ||
			      (len == strlen(REL_IANA_ALTERNATE) &&
			       strncmp(t, REL_IANA_ALTERNATE, len) == 0);
		}
		free(rel);
		if (!alt || (html_only && !link_type_html(c, n)))
			continue;
		if ((href = attr_get(c, n, NULL, "href")) == NULL) {
			href = el_text(c, n);
			if (href != NULL && !looks_like_url(href)) {
				free(href);
				continue;
			}
		}
		if (href == NULL)
			continue;
		r = resolve_link(c, n, href, feedlink);
		free(href);
		if (r != NULL)
			return r;
	}
	return NULL;
}

/*
 * The href of the first link in namespace ns with no rel or rel="alternate"
 * among n's children; a link that gives its address as its text (no href)
 * counts too, as feedparser reads it. An alternate that says it is a web
 * page (no type, text/html) comes before one that is not (a podcast's
 * audio/mpeg, a PDF), as feedparser takes only the former: the article
 * is the page.
 */
static char *
atom_link(struct fctx *c, const xmlNode *parent, const char *ns, const char *feedlink)
{
	char *r;

	for (int pass = 0; pass < 2 && !c->oom; pass++)
		if ((r = atom_link_pass(c, parent, ns, feedlink, pass == 0)) != NULL)
			return r;
	return NULL;
}

static void
atom_authors(struct fctx *c, const xmlNode *parent, char ***v, size_t *nv)
{
	for (const xmlNode *n = parent->children; n != NULL && !c->oom; n = n->next) {
		char *s;

		if (!el_is(n, c->ns, "author") || !has_element_child(n))
			continue;
		/* its name, else its email (miniflux, feedparser) */
		if ((s = author_of(c, n)) != NULL)
			add_author(c, v, nv, s);
		free(s);
	}
}

static void
atom_entry(struct fctx *c, const xmlNode *en)
{
	struct feed_entry e = {0};
	const xmlNode *source = NULL;
	char *created = NULL;
	int h, has_author = 0;

	for (const xmlNode *n = en->children; n != NULL && !c->oom; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !ns_is(n, c->ns))
			continue;
		if (el_is(n, c->ns, "id") && e.a.id == NULL) {
			set_owned(c, &e.a.id, el_text(c, n));
		} else if (el_is(n, c->ns, "title") && e.a.title == NULL) {
			set_owned(c, &e.a.title, atom_text(c, n, &h));
			e.title_html = e.a.title != NULL && h;
		} else if (el_is(n, c->ns, "summary") && e.a.summary == NULL) {
			set_owned(c, &e.a.summary, atom_text(c, n, &h));
			e.summary_html = e.a.summary != NULL && h;
		} else if (el_is(n, c->ns, "content") && e.a.body == NULL) {
			set_owned(c, &e.a.body, atom_text(c, n, &h));
			e.body_html = e.a.body != NULL && h;
		} else if ((el_is(n, c->ns, "published") || el_is(n, c->ns, "issued")) &&
		           e.a.published == NULL) {
			set_owned(c, &e.a.published, el_text(c, n));
		} else if ((el_is(n, c->ns, "updated") || el_is(n, c->ns, "modified")) &&
		           e.a.updated == NULL) {
			set_owned(c, &e.a.updated, el_text(c, n));
		} else if (el_is(n, c->ns, "created") && created == NULL) {
			created = el_text(c, n); /* Atom 0.3 */
		} else if (el_is(n, c->ns, "author")) {
			has_author = 1;
		} else if (el_is(n, c->ns, "source") && source == NULL) {
			source = n;
		}
	}
	if (e.a.published == NULL)
		set_trimmed(c, &e.a.published, created);
	free(created);
	/*
	 * RFC 4287 4.2.1: the entry's authors, else those of its atom:source,
	 * else the feed's (entry_commit). An author without a name still
	 * counts as the entry's own.
	 */
	atom_authors(c, en, &e.a.authors, &e.a.nauthors);
	if (!has_author && source != NULL)
		atom_authors(c, source, &e.a.authors, &e.a.nauthors);

	set_owned(c, &e.a.url, atom_link(c, en, c->ns, c->f->link));
	/* no link, but an id that is a web address: it is the entry's (miniflux) */
	if (e.a.url == NULL && e.a.id != NULL && looks_like_url(e.a.id))
		set_owned(c, &e.a.url, resolve_link(c, en, e.a.id, c->f->link));
	set_owned(c, &e.a.lang, xml_lang(c, en));
	entry_commit(c, &e, !has_author);
}

static void
atom_parse(struct fctx *c, const xmlNode *root)
{
	struct feed *f = c->f;
	int h;

	for (const xmlNode *n = root->children; n != NULL && !c->oom; n = n->next)
		if (el_is(n, c->ns, "title")) {
			set_owned(c, &f->title, atom_text(c, n, &h));
			f->title_html = f->title != NULL && h;
			break;
		}
	set_owned(c, &f->link, atom_link(c, root, c->ns, NULL));
	set_owned(c, &f->lang, xml_lang(c, root));
	for (const xmlNode *n = root->children; n != NULL && !c->oom; n = n->next) {
		if (el_is(n, c->ns, "id") && f->id == NULL)
			set_owned(c, &f->id, el_text(c, n));
		else if ((el_is(n, c->ns, "updated") || el_is(n, c->ns, "modified")) &&
		         f->updated == NULL)
			set_owned(c, &f->updated, el_text(c, n));
		else if ((el_is(n, c->ns, "published") || el_is(n, c->ns, "issued")) &&
		         f->published == NULL)
			set_owned(c, &f->published, el_text(c, n));
		else if (el_is(n, NS_DC, "title") && f->title == NULL)
			set_owned(c, &f->title, el_text(c, n));
	}
	atom_authors(c, root, &c->fauthors, &c->nfauthors);
	/* when a page is read, the tree holds its entries only (feed_xml_end) */
	for (const xmlNode *n = root->children; n != NULL && !c->oom; n = n->next)
		if (el_is(n, c->ns, "entry"))
			atom_entry(c, n);
}

/* ---- XML ---------------------------------------------------------------- */

/* Which feed the root element makes this; -1 with the reason in err. */
static int
xml_format(struct fctx *c, const xmlNode *root, char *err, size_t errsz)
{
	struct feed *f = c->f;
	char *v;
	const char *t;
	size_t len;

	/*
	 * <rss> has no namespace, but some declare one, default or prefixed
	 * (<r:rss xmlns:r="...">): the channel is read in the namespace it is
	 * written in, the root's or none.
	 */
	if (el_is(root, root->ns ? (const char *)root->ns->href : NULL, "rss")) {
		c->ns = root->ns ? (const char *)root->ns->href : NULL;
		for (const xmlNode *n = root->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE && n->name != NULL &&
			    strcmp((const char *)n->name, "channel") == 0) {
				c->ns = n->ns ? (const char *)n->ns->href : NULL;
				break;
			}
		f->format = "rss2.0"; /* 2.0, 2.0.1, none, and versions that never were */
		if ((v = attr_get(c, root, NULL, "version")) != NULL) {
			len = strlen(v);
			t = trim(v, &len);
			if (len == 4 && memcmp(t, "0.91", 4) == 0)
				f->format = "rss0.91";
			else if (len == 4 && memcmp(t, "0.92", 4) == 0)
				f->format = "rss0.92";
			else if (len == 4 && memcmp(t, "0.90", 4) == 0)
				f->format = "rss0.90";
			free(v);
		}
		return 0;
	}
	if (el_is(root, NS_RDF, "RDF")) {
		/* a page's tree lacks the items outside it: the parse saw them (page_rdf_ns) */
		if (c->rdf_ns != NULL) {
			c->ns = c->rdf_ns == RDF_NO_NS ? NULL : c->rdf_ns;
			f->format = strcmp(c->rdf_ns, NS_RSS090) == 0 ? "rss0.90" : "rss1.0";
			return 0;
		}
		for (const xmlNode *n = root->children; n != NULL; n = n->next) {
			if (n->type != XML_ELEMENT_NODE || n->name == NULL ||
			    (strcmp((const char *)n->name, "channel") != 0 &&
			     strcmp((const char *)n->name, "item") != 0))
				continue;
			if (ns_is(n, NS_RSS10)) {
				c->ns = NS_RSS10;
				f->format = "rss1.0";
				return 0;
			}
			if (ns_is(n, NS_RSS090)) {
				c->ns = NS_RSS090;
				f->format = "rss0.90";
				return 0;
			}
		}
		/* a channel or items in no namespace: RSS 1.0 that forgot to say so */
		for (const xmlNode *n = root->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE && n->ns == NULL && n->name != NULL &&
			    (strcmp((const char *)n->name, "channel") == 0 ||
			     strcmp((const char *)n->name, "item") == 0)) {
				c->ns = NULL;
				f->format = "rss1.0";
				return 0;
			}
		snprintf(err, errsz, "not a feed: <rdf:RDF> without an RSS 1.0 or 0.90 channel");
		return -1;
	}
	if (root->name != NULL && strcmp((const char *)root->name, "feed") == 0) {
		if (ns_is(root, NS_ATOM10)) {
			c->ns = NS_ATOM10;
			f->format = "atom1.0";
			return 0;
		}
		if (ns_is(root, NS_ATOM03) ||
		    (root->ns == NULL && attr_is(c, root, "version", "0.3"))) {
			c->ns = root->ns ? NS_ATOM03 : NULL;
			f->format = "atom0.3";
			return 0;
		}
		/*
		 * No namespace at all, or another one (a draft's, a typo's): read
		 * as Atom 1.0 in the root's namespace, as feedparser does.
		 */
		c->ns = root->ns != NULL ? (const char *)root->ns->href : NULL;
		f->format = "atom1.0";
		return 0;
	}
	snprintf(err, errsz, "not a feed: root element <%s%s%.60s>",
	         root->ns && root->ns->prefix ? (const char *)root->ns->prefix : "",
	         root->ns && root->ns->prefix ? ":" : "",
	         root->name ? (const char *)root->name : "");
	return -1;
}

static int
xml_parse(const char *s, size_t len, const char *base_url, size_t first, size_t max, struct feed *f,
          char *err, size_t errsz)
{
	struct fctx c = {0};
	struct fixer fx;
	struct xparse xe = {.first = first, .max = max};
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	const xmlNode *root;
	int rc = -1, fixed;

	xmlsafe_init();
	if ((fixed = fix_refs(&fx, s, len)) < 0)
		goto nomem;
	if (fixed) {
		if (fx.warned) {
			f->recovered = 1;
			set_warning(f, fx.first);
		}
		s = fx.out.p;
		len = fx.out.n;
	}
	if (len > INT_MAX) {
		snprintf(err, errsz, "feed larger than 2 GiB");
		goto out;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		goto nomem;
	/* errors go to this context's handler only, never to stderr or a global */
	ctxt->sax->serror = feed_xml_error;
	/* marks the items that close (drop_unclosed), and keeps a page's only */
	ctxt->sax->endElementNs = feed_xml_end;
	xe.ctxt = ctxt;
	ctxt->_private = &xe;
	doc = xmlCtxtReadMemory(ctxt, s, (int)len, NULL, "UTF-8", FEED_XML_OPTS);
	if (!xe.fatal && (doc == NULL || !ctxt->wellFormed)) {
		xmlFreeDoc(doc);
		f->recovered = 1;
		set_warning(f, xe.set ? xe.msg : "ill-formed XML");
		xe.pos = 0;
		xe.more = 0;
		xe.rdf_ns = NULL;
		ctxt->_private = &xe;
		doc = xmlCtxtReadMemory(ctxt, s, (int)len, NULL, "UTF-8",
		                        FEED_XML_OPTS | XML_PARSE_RECOVER);
		if (doc != NULL && !xe.fatal)
			drop_unclosed(doc, f);
	} else if (doc != NULL && !ctxt->nsWellFormed) {
		/* an undeclared prefix: the tree is whole, but say so */
		f->recovered = 1;
		set_warning(f, xe.set ? xe.msg : "namespace error");
	}
	if (xe.fatal == 1) {
		snprintf(err, errsz, "line %d: XML nested deeper than 256 elements", xe.line);
		goto out;
	}
	if (xe.fatal == 2) {
		snprintf(err, errsz, "line %d: entity references loop or expand too much", xe.line);
		goto out;
	}
	if (doc != NULL && (first > 0 || max > 0))
		page_unclosed(doc, &xe);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		snprintf(err, errsz, "not a feed: no root element%s%s%s", xe.set ? " (" : "",
		         xe.set ? xe.msg : "", xe.set ? ")" : "");
		goto out;
	}
	c.f = f;
	c.doc = doc;
	c.base_url = base_url;
	c.rdf_ns = xe.rdf_ns;
	c.budget = FEED_EXPAND_MIN + len;
	if (xml_format(&c, root, err, errsz) < 0)
		goto out;
	if (strncmp(f->format, "rss", 3) == 0)
		rss_parse(&c, root);
	else
		atom_parse(&c, root);
	if (c.oom)
		goto nomem;
	if (c.cut) {
		f->recovered = 1;
		set_warning(f, "entity references expand too much: their text was cut");
	}
	f->more = xe.more;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errsz, "out of memory");
out:
	for (size_t k = 0; k < c.nfauthors; k++)
		free(c.fauthors[k]);
	free(c.fauthors);
	xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	free(fx.out.p);
	return rc;
}

/* ---- JSON Feed ---------------------------------------------------------- */

/* A string member of o, or NULL. */
static const char *
jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * The JSON Feed version root declares: its jsonfeed.org URL, or a bare "1",
 * "1.0" or "1.1" beside an items array (written so by some publishers;
 * gofeed reads them). NULL when root is not a JSON Feed.
 */
static const char *
json_version(const json_t *root)
{
	const char *v = json_is_object(root) ? jstr(root, "version") : NULL;

	if (v == NULL)
		return NULL;
	if (strncmp(v, JSONFEED_VERSION, strlen(JSONFEED_VERSION)) == 0)
		return v + strlen(JSONFEED_VERSION);
	if ((strcmp(v, "1") == 0 || strcmp(v, "1.0") == 0 || strcmp(v, "1.1") == 0) &&
	    json_is_array(json_object_get(root, "items")))
		return v;
	return NULL;
}

static void
json_authors(struct fctx *c, const json_t *o, char ***v, size_t *nv)
{
	const json_t *arr = json_object_get(o, "authors"), *a;
	const char *name;
	size_t k;

	for (k = 0; k < json_array_size(arr); k++)
		if ((name = jstr(json_array_get(arr, k), "name")) != NULL)
			add_author(c, v, nv, name);
	/* "authors": {...}, one author not in an array (miniflux reads it) */
	if (json_is_object(arr) && (name = jstr(arr, "name")) != NULL)
		add_author(c, v, nv, name);
	a = json_object_get(o, "author");
	if (json_is_object(a) && (name = jstr(a, "name")) != NULL)
		add_author(c, v, nv, name);
}

static void
json_item(struct fctx *c, const json_t *it)
{
	struct feed_entry e = {0};
	const json_t *id = json_object_get(it, "id");
	const char *s;
	char num[40];

	if (json_is_string(id)) {
		set_trimmed(c, &e.a.id, json_string_value(id));
	} else if (json_is_integer(id)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
		set_trimmed(c, &e.a.id, num);
	} else if (json_is_real(id)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(id));
		set_trimmed(c, &e.a.id, num);
	}
	set_trimmed(c, &e.a.title, jstr(it, "title"));
	set_trimmed(c, &e.a.summary, jstr(it, "summary"));
	if ((s = jstr(it, "content_html")) != NULL) {
		set_trimmed(c, &e.a.body, s);
		e.body_html = e.a.body != NULL;
	}
	if (e.a.body == NULL)
		set_trimmed(c, &e.a.body, jstr(it, "content_text"));
	if ((s = jstr(it, "url")) == NULL || *s == '\0')
		s = jstr(it, "external_url");
	if (s != NULL)
		set_owned(c, &e.a.url, resolve_link(c, NULL, s, c->f->link));
	set_trimmed(c, &e.a.published, jstr(it, "date_published"));
	set_trimmed(c, &e.a.updated, jstr(it, "date_modified"));
	set_trimmed(c, &e.a.lang, jstr(it, "language"));
	json_authors(c, it, &e.a.authors, &e.a.nauthors);
	/* JSON Feed 1.1: the feed's authors are an item's when it names none itself */
	entry_commit(c, &e,
	             json_array_size(json_object_get(it, "authors")) == 0 &&
	                 !json_is_object(json_object_get(it, "author")));
}

static int
json_parse(const char *s, size_t len, const char *base_url, size_t first, size_t max,
           struct feed *f, char *err, size_t errsz)
{
	struct fctx c = {0};
	json_error_t je;
	json_t *root, *items, *it;
	const char *v, *home;
	size_t k;
	int rc = -1;

	if ((root = json_loadb(s, len, 0, &je)) == NULL) {
		snprintf(err, errsz, "JSON Feed: line %d: %.100s", je.line, je.text);
		return -1;
	}
	if ((v = json_version(root)) == NULL) {
		snprintf(err, errsz, "not a feed: JSON without a jsonfeed.org version");
		goto out;
	}
	f->format = strncmp(v, "1.1", 3) == 0 ? "json1.1" : "json1.0";
	items = json_object_get(root, "items");
	if (!json_is_array(items)) {
		snprintf(err, errsz, "JSON Feed: items is not an array");
		goto out;
	}
	c.f = f;
	c.base_url = base_url;
	c.first = first;
	c.max = max;
	set_trimmed(&c, &f->id, jstr(root, "feed_url"));
	set_trimmed(&c, &f->title, jstr(root, "title"));
	set_trimmed(&c, &f->lang, jstr(root, "language"));
	if ((home = jstr(root, "home_page_url")) != NULL)
		set_owned(&c, &f->link, resolve_link(&c, NULL, home, NULL));
	json_authors(&c, root, &c.fauthors, &c.nfauthors);
	for (k = 0; k < json_array_size(items) && !c.oom && !c.more; k++)
		if (json_is_object(it = json_array_get(items, k)) && page_take(&c))
			json_item(&c, it);
	if (c.oom) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	f->more = c.more;
	rc = 0;
out:
	for (k = 0; k < c.nfauthors; k++)
		free(c.fauthors[k]);
	free(c.fauthors);
	json_decref(root);
	return rc;
}

/* ---- entry points ------------------------------------------------------- */

/* Skip a UTF-8 byte order mark and white space. */
static size_t
skip_lead(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	return i;
}

/* The offset of the root element's '<' after the prolog, or len. */
static size_t
xml_root_at(const char *s, size_t len)
{
	size_t i = skip_lead(s, len);
	const char *q;
	int subset;

	while (i < len && s[i] == '<') {
		if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			q = find(s, i + 4, len, "-->");
			i = q ? (size_t)(q - s) + 3 : len;
		} else if (len - i >= 2 && s[i + 1] == '?') {
			q = find(s, i + 2, len, "?>");
			i = q ? (size_t)(q - s) + 2 : len;
		} else if (len - i >= 2 && s[i + 1] == '!') {
			/* DOCTYPE: to its '>', past an internal subset and quoted strings */
			for (i += 2, subset = 0; i < len; i++) {
				if (s[i] == '"' || s[i] == '\'') {
					q = memchr(s + i + 1, s[i], len - i - 1);
					if (q == NULL)
						return len;
					i = (size_t)(q - s);
				} else if (s[i] == '[') {
					subset = 1;
				} else if (s[i] == ']') {
					subset = 0;
				} else if (s[i] == '>' && !subset) {
					break;
				}
			}
			i++;
		} else {
			return i;
		}
		while (i < len && is_space((unsigned char)s[i]))
			i++;
	}
	return len;
}

int
feed_sniff(const char *utf8, size_t len)
{
	size_t i = skip_lead(utf8, len), n, colon;
	json_t *root;
	const char *name;
	int yes;

	if (i >= len)
		return 0;
	if (utf8[i] == '{') {
		/* parse only what names jsonfeed.org, or has a version and items */
		if (memmem(utf8, len, "jsonfeed.org", 12) == NULL &&
		    (memmem(utf8, len, "\"version\"", 9) == NULL ||
		     memmem(utf8, len, "\"items\"", 7) == NULL))
			return 0;
		if ((root = json_loadb(utf8 + i, len - i, 0, NULL)) == NULL)
			return 0;
		yes = json_version(root) != NULL;
		json_decref(root);
		return yes;
	}
	if ((i = xml_root_at(utf8, len)) >= len)
		return 0;
	name = utf8 + i + 1;
	for (n = 0, colon = 0; i + 1 + n < len && name_char((unsigned char)name[n]); n++)
		if (name[n] == ':')
			colon = n + 1;
	if (i + 1 + n < len && !is_space((unsigned char)name[n]) && name[n] != '>' &&
	    name[n] != '/')
		return 0;
	if (n == 3 && memcmp(name, "rss", 3) == 0)
		return 1;
	name += colon;
	n -= colon;
	return (n == 3 && memcmp(name, "RDF", 3) == 0) || (n == 4 && memcmp(name, "feed", 4) == 0);
}

int
feed_parse(const char *utf8, size_t len, const char *base_url, struct feed *f, char *err,
           size_t errsz)
{
	return feed_parse_page(utf8, len, base_url, 0, 0, f, err, errsz);
}

int
feed_parse_page(const char *utf8, size_t len, const char *base_url, size_t first, size_t max,
                struct feed *f, char *err, size_t errsz)
{
	char dummy[1];
	size_t i;
	int rc;

	memset(f, 0, sizeof(*f));
	if (err == NULL || errsz == 0) {
		err = dummy;
		errsz = sizeof(dummy);
	}
	err[0] = '\0';
	i = skip_lead(utf8, len);
	if (i >= len) {
		snprintf(err, errsz, "not a feed: empty input");
		return -1;
	}
	if (utf8[i] == '{')
		rc = json_parse(utf8 + i, len - i, base_url, first, max, f, err, errsz);
	else if (utf8[i] == '<')
		rc = xml_parse(utf8, len, base_url, first, max, f, err, errsz);
	else {
		snprintf(err, errsz, "not a feed: neither XML nor JSON");
		rc = -1;
	}
	if (rc < 0)
		feed_free(f);
	return rc;
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	free(f->title);
	free(f->link);
	free(f->lang);
	free(f->id);
	free(f->updated);
	free(f->published);
	for (size_t k = 0; k < f->nentries; k++)
		article_free(&f->entries[k].a);
	free(f->entries);
	memset(f, 0, sizeof(*f));
}
