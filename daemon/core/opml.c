/*
 * opml.c: OPML subscription lists into the feeds they name.
 *
 * The bytes are converted to UTF-8 first (charset.h, as extract.c does),
 * then parsed by libxml2 the way feed.c does it safely: no network, no DTD
 * loading, no entity substitution by the parser (never XML_PARSE_NOENT,
 * DTDLOAD, DTDATTR or HUGE) and an external entity loader that refuses
 * everything. Internal entities declared in the document are expanded by
 * this file's own walk, every byte they add counted against a budget
 * proportional to the input, since libxml2's getters (xmlGetProp) would
 * expand them without a bound.
 *
 * Unlike a feed, an OPML file is read once by a person at a terminal: an
 * ill-formed one is refused with the parser's first error and its line
 * rather than guessed at in recovery mode.
 */
#include "opml.h"
#include "xmlsafe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <utf8proc.h>

#include "charset.h"
#include "mem.h"
#include "utf8.h"

/* Never NOENT, DTDLOAD, DTDATTR or HUGE: see the top of the file. */
#define OPML_XML_OPTS                                                                              \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |           \
	 XML_PARSE_BIG_LINES)

#define OPML_WALK_DEPTH 300   /* tree walk and entity nesting; libxml2 stops at 256 */
#define OPML_EXPAND_MIN 65536 /* bytes entity references may add, plus the input's size */

/* The first well-formedness error libxml2 reported. */
struct xerr {
	char msg[200];
	int set;
};

struct octx {
	struct opml *o;
	xmlDocPtr doc;
	size_t budget; /* bytes entity references may still add */
	size_t cap;    /* of o->outlines */
	int oom, cut, toomany;
	long cutline; /* where the budget ran out, or the limit of outlines was passed */
};

/* ---- small helpers ------------------------------------------------------ */

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Trim s in place; NULL (s freed) when nothing is left. */
static char *
trim_owned(char *s)
{
	size_t n, k = 0;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (k < n && is_space((unsigned char)s[k]))
		k++;
	while (n > k && is_space((unsigned char)s[n - 1]))
		n--;
	if (n == k) {
		free(s);
		return NULL;
	}
	memmove(s, s + k, n - k);
	s[n - k] = '\0';
	return s;
}

/* Make every run of white space in s one space, trimmed; NULL (s freed) when empty. */
static char *
squeeze_owned(char *s)
{
	char *w = s;
	int gap = 0;

	if (s == NULL)
		return NULL;
	for (const char *r = s; *r != '\0'; r++) {
		if (is_space((unsigned char)*r)) {
			gap = w > s;
			continue;
		}
		if (gap)
			*w++ = ' ';
		gap = 0;
		*w++ = *r;
	}
	*w = '\0';
	if (w == s) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---- libxml2 errors ---------------------------------------------------- */

/* Structured error handler of one parser context: keeps the first error. */
static void
opml_xml_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct xerr *xe;

	if (ctxt == NULL || e == NULL || (xe = ctxt->_private) == NULL)
		return;
	/* an undeclared prefix leaves the tree whole: not a reason to refuse the file */
	if (e->level < XML_ERR_ERROR || e->domain == XML_FROM_NAMESPACE || xe->set)
		return;
	xe->set = 1;
	xmlsafe_error(xe->msg, sizeof(xe->msg), "OPML line", e->line,
	              e->message ? e->message : "error");
}

/* ---- reading the tree --------------------------------------------------- */

/* Is n the element name, in whatever namespace (OPML has none, exporters add one)? */
static int
el_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	       strcmp((const char *)n->name, name) == 0;
}

static long
line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 ? l : 0;
}

/*
 * The value of n's attribute name, compared without case ("xmlURL" is seen
 * in the wild) and in no namespace; owned by the caller, NULL when absent.
 */
static char *
attr_get(struct octx *c, const xmlNode *n, const char *name)
{
	struct xmlsafe_buf b = {0};

	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || a->ns != NULL ||
		    strcasecmp((const char *)a->name, name) != 0)
			continue;
		xmlsafe_text(c->doc, a->children, OPML_WALK_DEPTH, &c->budget, &c->cut, &b,
		             &c->oom);
		if (c->cut && c->cutline == 0)
			c->cutline = line_of(n);
		if (b.p == NULL && !c->oom && xmlsafe_buf_add(&b, "", 0) < 0)
			c->oom = 1;
		return b.p;
	}
	return NULL;
}

static int
has_element_child(const xmlNode *n)
{
	for (const xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* path + " / " + title, cut to OPML_CATEGORY_MAX; owned by the caller. */
static char *
path_join(struct octx *c, const char *path, const char *title)
{
	struct xmlsafe_buf b = {0};

	if (path != NULL &&
	    (xmlsafe_buf_add(&b, path, strlen(path)) < 0 || xmlsafe_buf_add(&b, " / ", 3) < 0))
		c->oom = 1;
	if (!c->oom && xmlsafe_buf_add(&b, title, strlen(title)) < 0)
		c->oom = 1;
	if (c->oom) {
		free(b.p);
		return NULL;
	}
	if (b.n > OPML_CATEGORY_MAX)
		b.p[utf8_floor(b.p, OPML_CATEGORY_MAX)] = '\0';
	return b.p;
}

static void
outline_clear(struct opml_outline *ol)
{
	free(ol->title);
	free(ol->xml_url);
	free(ol->html_url);
	free(ol->language);
	free(ol->category);
	memset(ol, 0, sizeof(*ol));
}

/* The outline elements of the list n and inside them; path is the category (not owned). */
static void
walk(struct octx *c, const xmlNode *n, const char *path, int depth)
{
	struct opml_outline ol;
	char *title, *url, *sub;

	if (depth > OPML_WALK_DEPTH)
		return;
	for (; n != NULL && !c->oom && !c->cut && !c->toomany; n = n->next) {
		if (!el_is(n, "outline"))
			continue;
		if ((title = squeeze_owned(attr_get(c, n, "text"))) == NULL)
			title = squeeze_owned(attr_get(c, n, "title"));
		url = trim_owned(attr_get(c, n, "xmlUrl"));
		if (url != NULL) {
			memset(&ol, 0, sizeof(ol));
			ol.xml_url = url;
			ol.title = title ? strdup(title) : NULL;
			ol.html_url = trim_owned(attr_get(c, n, "htmlUrl"));
			ol.language = trim_owned(attr_get(c, n, "language"));
			ol.category = path ? strdup(path) : NULL;
			ol.line = (unsigned)(line_of(n) > UINT_MAX ? UINT_MAX : line_of(n));
			if ((title && !ol.title) || (path && !ol.category))
				c->oom = 1;
			if (c->o->n >= OPML_MAX_OUTLINES) {
				c->toomany = 1;
				c->cutline = line_of(n);
			} else if (!c->oom && !c->cut &&
			           mem_grow(&c->o->outlines, &c->cap, c->o->n + 1,
			                    sizeof(*c->o->outlines)) < 0) {
				c->oom = 1;
			}
			if (c->oom || c->cut || c->toomany) {
				outline_clear(&ol);
				free(title);
				return;
			}
			c->o->outlines[c->o->n++] = ol;
		}
		if (has_element_child(n)) {
			sub = title ? path_join(c, path, title) : NULL;
			walk(c, n->children, sub ? sub : path, depth + 1);
			free(sub);
		}
		free(title);
	}
}

/* <head><title>, if any. */
static void
head_title(struct octx *c, const xmlNode *root)
{
	struct xmlsafe_buf b = {0};

	for (const xmlNode *h = root->children; h != NULL; h = h->next) {
		if (!el_is(h, "head"))
			continue;
		for (const xmlNode *t = h->children; t != NULL; t = t->next)
			if (el_is(t, "title")) {
				xmlsafe_text(c->doc, t->children, OPML_WALK_DEPTH, &c->budget,
				             &c->cut, &b, &c->oom);
				if (c->cut && c->cutline == 0)
					c->cutline = line_of(t);
				c->o->title = squeeze_owned(b.p);
				return;
			}
		return;
	}
}

static int
tree_read(struct octx *c, const xmlNode *root, char *err, size_t errsz)
{
	const xmlNode *body = NULL;

	if (!el_is(root, "opml")) {
		snprintf(err, errsz, "OPML line %ld: root element <%.60s>, not <opml>",
		         line_of(root), root->name ? (const char *)root->name : "");
		err[utf8_floor(err, strlen(err))] = '\0';
		return -1;
	}
	for (const xmlNode *k = root->children; k != NULL && body == NULL; k = k->next)
		if (el_is(k, "body"))
			body = k;
	if (body == NULL) {
		snprintf(err, errsz, "OPML line %ld: <opml> has no <body>", line_of(root));
		return -1;
	}
	head_title(c, root);
	walk(c, body->children, NULL, 0);
	if (c->oom) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (c->cut) {
		snprintf(err, errsz, "OPML line %ld: entity references expand too much",
		         c->cutline);
		return -1;
	}
	if (c->toomany) {
		snprintf(err, errsz, "OPML line %ld: more than %d feeds", c->cutline,
		         OPML_MAX_OUTLINES);
		return -1;
	}
	return 0;
}

/* ---- the interface ------------------------------------------------------ */

int
opml_parse(const char *bytes, size_t len, struct opml *o, char *err, size_t errsz)
{
	struct octx c = {0};
	struct xerr xe = {0};
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	const xmlNode *root;
	char cs[32];
	size_t bom, tlen;
	char *t;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	if (errsz > 0)
		err[0] = '\0';
	xmlsafe_init();
	bom = charset_sniff(bytes, len, NULL, cs, NULL);
	if ((t = charset_to_utf8(bytes + bom, len - bom, cs, &tlen)) == NULL) {
		if (errno == EINVAL)
			snprintf(err, errsz, "OPML: unknown charset \"%s\"", cs);
		else
			snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(o->charset, sizeof(o->charset), "%s", cs);
	if (tlen > INT_MAX) {
		snprintf(err, errsz, "OPML: larger than 2 GiB");
		goto out;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	/* errors go to this context's handler only, never to stderr or a global */
	ctxt->sax->serror = opml_xml_error;
	ctxt->_private = &xe;
	/* the text is UTF-8 now, whatever its XML declaration says */
	doc = xmlCtxtReadMemory(ctxt, t, (int)tlen, NULL, "UTF-8", OPML_XML_OPTS);
	if (doc == NULL || !ctxt->wellFormed) {
		if (xe.set)
			snprintf(err, errsz, "%s", xe.msg);
		else
			snprintf(err, errsz, "OPML: not well-formed XML");
		goto out;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		snprintf(err, errsz, "OPML: no root element");
		goto out;
	}
	c.o = o;
	c.doc = doc;
	c.budget = OPML_EXPAND_MIN + tlen;
	rc = tree_read(&c, root, err, errsz);
out:
	xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	free(t);
	if (rc < 0) {
		opml_free(o);
		if (errsz > 0 && err[0] == '\0')
			snprintf(err, errsz, "OPML: cannot be read");
	}
	return rc;
}

void
opml_free(struct opml *o)
{
	for (size_t i = 0; i < o->n; i++)
		outline_clear(&o->outlines[i]);
	free(o->outlines);
	free(o->title);
	memset(o, 0, sizeof(*o));
}

static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

int
opml_lang(const char *tag, char out[3])
{
	size_t k = 0;

	if (tag == NULL)
		return -1;
	while (is_space((unsigned char)tag[k]))
		k++;
	if (!is_alpha((unsigned char)tag[k]) || !is_alpha((unsigned char)tag[k + 1]))
		return -1;
	/* a 2-letter primary subtag: end of tag, a subtag separator, or trailing blanks */
	if (tag[k + 2] != '\0' && tag[k + 2] != '-' && tag[k + 2] != '_' &&
	    !is_space((unsigned char)tag[k + 2]))
		return -1;
	out[0] = (char)(tag[k] | 0x20);
	out[1] = (char)(tag[k + 1] | 0x20);
	out[2] = '\0';
	return 0;
}

/* Write the slug of s into out; returns its length (0 when nothing is left). */
static size_t
slug_of(const char *s, char out[OPML_NAME_MAX + 1])
{
	utf8proc_uint8_t *folded = NULL;
	const char *p;
	size_t n = 0, lastdash = 0;
	int dash = 0;

	out[0] = '\0';
	if (s == NULL)
		return 0;
	/* é → e, ﬁ → fi, ß → ss; bytes utf8proc refuses are read as they are */
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
	                 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT |
	                     UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD) < 0)
		folded = NULL;
	p = folded ? (const char *)folded : s;
	for (; *p != '\0'; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			dash = 1;
			continue;
		}
		if (n + (dash && n > 0) >= OPML_NAME_MAX) {
			/* too long: end on a word when one ends far enough in ("...-on-and-on") */
			if (!dash && lastdash >= OPML_NAME_MAX / 2)
				n = lastdash;
			break;
		}
		if (dash && n > 0) {
			lastdash = n;
			out[n++] = '-';
		}
		dash = 0;
		out[n++] = ch;
	}
	out[n] = '\0';
	free(folded);
	return n;
}

void
opml_slug(const char *title, const char *fallback, char out[OPML_NAME_MAX + 1])
{
	if (slug_of(title, out) > 0)
		return;
	if (fallback != NULL && strncasecmp(fallback, "www.", 4) == 0 && fallback[4] != '\0')
		fallback += 4;
	if (slug_of(fallback, out) > 0)
		return;
	snprintf(out, OPML_NAME_MAX + 1, "feed");
}

/* ---- unique names ------------------------------------------------------- */

/* An open-addressing set of the names given; next is where base-N numbering resumes. */
struct name_slot {
	char *name; /* owned; NULL: free slot */
	unsigned long next;
};

struct opml_names {
	struct name_slot *slots;
	size_t cap, n; /* cap a power of two */
};

static size_t
name_hash(const char *s)
{
	size_t h = 14695981039346656037ULL & SIZE_MAX;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (1099511628211ULL & SIZE_MAX);
	return h;
}

static struct name_slot *
names_find(struct opml_names *ns, const char *name)
{
	size_t i = name_hash(name) & (ns->cap - 1);

	while (ns->slots[i].name != NULL && strcmp(ns->slots[i].name, name) != 0)
		i = (i + 1) & (ns->cap - 1);
	return &ns->slots[i];
}

static int
names_grow(struct opml_names *ns)
{
	struct opml_names big = {0};

	if (ns->cap > SIZE_MAX / 2 / sizeof(*big.slots))
		return -1;
	big.cap = ns->cap * 2;
	if ((big.slots = calloc(big.cap, sizeof(*big.slots))) == NULL)
		return -1;
	for (size_t i = 0; i < ns->cap; i++)
		if (ns->slots[i].name != NULL)
			*names_find(&big, ns->slots[i].name) = ns->slots[i];
	big.n = ns->n;
	free(ns->slots);
	*ns = big;
	return 0;
}

/* Remember name; returns its slot, NULL when out of memory. */
static struct name_slot *
names_put(struct opml_names *ns, const char *name)
{
	struct name_slot *s;

	/* at most half full, so that probing stays short */
	if ((ns->n + 1) * 2 > ns->cap && names_grow(ns) < 0)
		return NULL;
	s = names_find(ns, name);
	if (s->name == NULL) {
		if ((s->name = strdup(name)) == NULL)
			return NULL;
		s->next = 2;
		ns->n++;
	}
	return s;
}

struct opml_names *
opml_names_new(void)
{
	struct opml_names *ns = calloc(1, sizeof(*ns));

	if (ns == NULL)
		return NULL;
	ns->cap = 64;
	if ((ns->slots = calloc(ns->cap, sizeof(*ns->slots))) == NULL) {
		free(ns);
		return NULL;
	}
	return ns;
}

void
opml_names_free(struct opml_names *ns)
{
	if (ns == NULL)
		return;
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slots[i].name);
	free(ns->slots);
	free(ns);
}

int
opml_names_add(struct opml_names *ns, const char *base, char out[OPML_NAME_MAX + 1])
{
	struct name_slot *s = names_find(ns, base);
	char suffix[24];
	unsigned long k;
	size_t keep;

	if (s->name == NULL) {
		if (names_put(ns, base) == NULL)
			return -1;
		snprintf(out, OPML_NAME_MAX + 1, "%s", base);
		return 0;
	}
	/* resume where the numbering of this base stopped: no quadratic walk over -2, -3... */
	for (k = s->next;; k++) {
		snprintf(suffix, sizeof(suffix), "-%lu", k);
		keep = strlen(base);
		if (keep + strlen(suffix) > OPML_NAME_MAX) {
			keep = OPML_NAME_MAX - strlen(suffix);
			/* cut in a word: end on the one before when that ends past the middle */
			if (base[keep] != '-') {
				size_t d = keep;

				while (d > 0 && base[d - 1] != '-')
					d--;
				if (d > OPML_NAME_MAX / 2)
					keep = d - 1;
			}
		}
		while (keep > 0 && base[keep - 1] == '-')
			keep--;
		snprintf(out, OPML_NAME_MAX + 1, "%.*s%s", (int)keep, base, suffix);
		if (names_find(ns, out)->name == NULL)
			break;
	}
	if (names_put(ns, out) == NULL)
		return -1;
	/* the table may have moved: find the base's slot again */
	names_find(ns, base)->next = k + 1;
	return 0;
}
