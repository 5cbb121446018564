/*
 * fuzz_page.c: libFuzzer harness for page.c and page_render.c. The input's
 * first 16 bytes are 8 mark spans (start and end bytes, scaled), the rest is
 * split at '\n' into the fields of one hit (snippet, title, url, rule name,
 * source, lang, tag, detected_at, filter q); the hits page, the article page
 * and the Atom feed are rendered, and a chart of the header bytes. Checked,
 * abort() when not so:
 * - the Atom feed parses as XML with libxml2 (no recovery);
 * - the HTML pages parse with libxml2's HTML parser into a tree of only the
 *   elements and attributes the renderers write (a breakout out of a value or
 *   a text adds others: script, img, on*, style...), and no href or action
 *   but http(s) and our own paths;
 * - <mark> and </mark> alternate; every output is valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "page.h"
#include "utf8.h"
#include "xmlsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 9

static int
in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(name, *list) == 0)
			return 1;
	return 0;
}

/* Only the elements and attributes the renderers write: a breakout adds others. */
static void
check_nodes(xmlNode *n)
{
	static const char *const elements[] = {
	    "html",  "head",   "meta",    "link", "title", "body",  "nav",   "a",
	    "ul",    "ol",     "li",      "main", "h1",    "h2",    "form",  "label",
	    "input", "button", "p",       "time", "span",  "table", "tbody", "tr",
	    "th",    "td",     "section", "div",  "mark",  "code",  "pre",   NULL};
	static const char *const attributes[] = {
	    "lang",  "charset",      "name",   "content", "rel",        "href",
	    "class", "aria-current", "method", "action",  "type",       "dir",
	    "value", "datetime",     "scope",  "role",    "aria-label", NULL};

	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			if (!in_list((const char *)n->name, elements))
				abort();
			for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
				const char *name = (const char *)a->name;
				xmlChar *v;
				const char *u;

				if (!in_list(name, attributes))
					abort();
				if (strcasecmp(name, "href") != 0 &&
				    strcasecmp(name, "action") != 0)
					continue;
				v = xmlNodeListGetString(n->doc, a->children, 1);
				u = v ? (const char *)v : "";
				if (!(strncasecmp(u, "http://", 7) == 0 ||
				      strncasecmp(u, "https://", 8) == 0 ||
				      (u[0] == '/' && u[1] != '/' && u[1] != '\\')))
					abort();
				xmlFree(v);
			}
		}
		check_nodes(n->children);
	}
}

static void
check_marks(const char *s)
{
	int open = 0;

	for (const char *p = s; (p = strchr(p, '<')) != NULL; p++) {
		if (strncmp(p, "<mark>", 6) == 0) {
			if (open)
				abort();
			open = 1;
		} else if (strncmp(p, "</mark>", 7) == 0) {
			if (!open)
				abort();
			open = 0;
		}
	}
	if (open)
		abort();
}

static void
check_html(struct page *pg)
{
	size_t len;
	char *s = page_take(pg, &len);
	htmlDocPtr doc;

	if (s == NULL)
		return;
	if (!utf8_valid(s, len) || strlen(s) != len || strcasestr(s, "<script") != NULL)
		abort();
	check_marks(s);
	doc = htmlReadMemory(s, (int)len, "page.html", "utf-8",
	                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc == NULL)
		abort();
	check_nodes(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[NFIELDS] = {0};
	size_t flen[NFIELDS] = {0}, nf = 0;
	struct page_span marks[8];
	unsigned counts[30] = {0};
	char *buf;
	struct page pg = {0};
	struct page_hit h = {0};
	struct page_filters fl = {0};
	struct page_field fields[2];
	struct page_dup dup = {0};
	struct page_article a = {0};
	struct page_feed feed = {"https://hark.example.org/", NULL, NULL, NULL,
	                         "2026-12-06T12:00:00Z"};
	size_t len;
	char *s;
	xmlDocPtr doc;

	if (size < 16 || size > 1 << 16)
		return 0;
	xmlsafe_init();
	for (int i = 0; i < 8; i++) {
		marks[i].start = (size_t)data[2 * i] * 3;
		marks[i].end = (size_t)data[2 * i + 1] * 3;
	}
	for (int i = 0; i < 16; i++)
		counts[i] = data[i];
	data += 16;
	size -= 16;
	/* the fields: C strings, so a NUL ends each */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; nf < NFIELDS;) {
		char *nl = strchr(p, '\n');

		f[nf] = p;
		if (nl != NULL)
			*nl = '\0';
		flen[nf] = strlen(p);
		nf++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	h.id = f[0];
	h.snippet = f[0];
	h.snippet_len = flen[0];
	h.marks = marks;
	h.nmarks = 8;
	h.title = f[1];
	h.url = f[2];
	h.rule_id = f[3];
	h.rule_name = f[3];
	h.source = f[4];
	h.lang = f[5];
	h.tags = &f[6];
	h.ntags = f[6] ? 1 : 0;
	h.detected_at = f[7];
	h.article_id = f[8] ? f[8] : f[1];
	fl.q = f[8];
	fl.rule = f[3];
	fl.tag = f[6];

	page_hits(&pg, &h, 1, &fl, f[7]);
	check_html(&pg);
	page_rule_gone(&pg, f[2] != NULL ? f[2] : "", &h, 1, (int)(size & 1));
	check_html(&pg);
	page_not_found(&pg, PAGE_NAV_RULES, f[3]);
	check_html(&pg);
	fl.no_rule = 1; /* the rule named as no rule: said, escaped */
	page_hits(&pg, NULL, 0, &fl, NULL);
	check_html(&pg);
	fl.no_rule = 0;
	fl.no_tag = 1; /* the tag named as no rule's: said, escaped */
	page_hits(&pg, NULL, 0, &fl, NULL);
	check_html(&pg);
	fl.no_tag = 0;
	fl.error = f[6]; /* filters that do not parse: said, a caret under q */
	fl.error_line = size % 3;
	fl.error_col = (unsigned)(size % 40);
	page_hits(&pg, NULL, 0, &fl, NULL);
	check_html(&pg);
	fl.error = NULL;

	fields[0] = (struct page_field){"title", f[1], flen[1], marks, 8};
	fields[1] = (struct page_field){"body", f[0], flen[0], marks + 2, 6};
	dup.article_id = f[2];
	dup.title = f[1];
	a.id = f[8];
	a.title = f[1];
	a.url = f[2];
	a.source = f[4];
	a.lang = f[5];
	a.format = f[6];
	a.charset = f[7];
	a.fields = fields;
	a.nfields = 2;
	a.hits = &h;
	a.nhits = 1;
	a.dups = &dup;
	a.ndups = 1;
	page_article(&pg, &a);
	check_html(&pg);

	feed.title = f[1];
	feed.rule = f[3];
	feed.tag = f[6];
	if (page_atom(&pg, &feed, &h, 1) != 0)
		abort();
	s = page_take(&pg, &len);
	if (s != NULL) {
		if (!utf8_valid(s, len))
			abort();
		doc = xmlReadMemory(s, (int)len, "hits.atom", NULL,
		                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			abort();
		xmlFreeDoc(doc);
		free(s);
	}

	page_chart(&pg, counts, 30);
	s = page_take(&pg, &len);
	if (s != NULL) {
		doc = xmlReadMemory(s, (int)len, "chart.svg", NULL,
		                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			abort();
		xmlFreeDoc(doc);
		free(s);
	}
	free(buf);
	return 0;
}
