/*
 * Unit tests for page.c and page_render.c: escaping (HTML specials, invalid
 * UTF-8, controls, bidi controls), the URL allowlist, query encoding, marks at
 * exact byte offsets (overlaps, adjacency, bad offsets, Arabic), the layout,
 * the hits and article pages (hostile strings everywhere, checked on the parsed
 * DOM: no script or img element, no on* attribute, no href or src but http(s)
 * and our own paths), the Atom feed (well-formed XML with libxml2, the required
 * elements, RFC 3339 dates, no control characters), the SVG chart, and a
 * 100 KB title.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hit.h"
#include "page.h"
#include "page_ops.h"
#include "ruleset.h"

/* page_text() of s, as a string the caller frees */
static char *
esc(const char *s, size_t n)
{
	struct page pg = {0};
	char *out;

	page_text(&pg, s, n);
	out = page_take(&pg, NULL);
	assert_non_null(out);
	return out;
}

static void
check_esc(const char *in, size_t n, const char *want)
{
	char *got = esc(in, n);

	if (strcmp(got, want) != 0)
		fail_msg("page_text(\"%s\")\n   got \"%s\"\n  want \"%s\"", in, got, want);
	free(got);
}

static void
test_escape(void **state)
{
	(void)state;
	check_esc("plain text", 10, "plain text");
	check_esc("<script>alert(\"x\")</script>", 27,
	          "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	check_esc("\"><img src=x onerror=alert(1)>", 30,
	          "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	check_esc("</textarea><b>", 14, "&lt;/textarea&gt;&lt;b&gt;");
	check_esc("a'b", 3, "a&#39;b");
	/* entities are text: escaped again, never decoded */
	check_esc("&lt;script&gt; &#60; &#x3C; &amp;", 33,
	          "&amp;lt;script&amp;gt; &amp;#60; &amp;#x3C; &amp;amp;");
	/* invalid UTF-8 made U+FFFD, one per bad byte; valid text kept */
	check_esc("a\xff"
	          "b\xc3",
	          4,
	          "a\xef\xbf\xbd"
	          "b\xef\xbf\xbd");
	check_esc("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	check_esc("caf\xc3\xa9 \xd9\x85\xd8\xac\xd9\x84\xd8\xb3", 14,
	          "caf\xc3\xa9 \xd9\x85\xd8\xac\xd9\x84\xd8\xb3");
	/* NUL and controls removed; tab, LF, CR kept */
	check_esc("a\0b\x01\x0b\x0c\x1f\x7f"
	          "c\td\ne\rf",
	          16, "abc\td\ne\rf");
	/* C1 controls and U+FFFE, U+FFFF removed */
	check_esc("x\xc2\x85y\xc2\x9fz\xef\xbf\xbe\xef\xbf\xbf!", 15, "xyz!");
	/* NULL is nothing */
	check_esc(NULL, 0, "");
}

#define RLO "\xe2\x80\xae"
#define RLE "\xe2\x80\xab"
#define PDF "\xe2\x80\xac"
#define RLI "\xe2\x81\xa7"
#define FSI "\xe2\x81\xa8"
#define PDI "\xe2\x81\xa9"

static void
test_bidi(void **state)
{
	char deep[80 * 3 + 1] = "", *got;
	size_t nfsi = 0;

	(void)state;
	/* an open override is closed at the end of the field */
	check_esc("abc" RLO "gnp.exe", strlen("abc" RLO "gnp.exe"), "abc" RLO "gnp.exe" PDF);
	check_esc(RLI "x" RLE "y", strlen(RLI "x" RLE "y"), RLI "x" RLE "y" PDF PDI);
	/* balanced ones kept as they are */
	check_esc(RLE "x" PDF RLI "y" PDI, strlen(RLE "x" PDF RLI "y" PDI),
	          RLE "x" PDF RLI "y" PDI);
	/* a PDI closes its isolate and the embeddings inside it */
	check_esc(RLI "x" RLE "y" PDI "z", strlen(RLI "x" RLE "y" PDI "z"),
	          RLI "x" RLE "y" PDI "z");
	/* closers without an opener are dropped: they could close the page's own */
	check_esc("a" PDF "b" PDI "c", strlen("a" PDF "b" PDI "c"), "abc");
	check_esc(RLI "a" PDF "b", strlen(RLI "a" PDF "b"), RLI "ab" PDI);
	/* at most 64 open: the others are dropped, every kept one is closed */
	for (int i = 0; i < 80; i++)
		strcat(deep, FSI);
	got = esc(deep, strlen(deep));
	for (const char *p = got; (p = strstr(p, FSI)) != NULL; p += 3)
		nfsi++;
	assert_int_equal(nfsi, 64);
	assert_int_equal(strlen(got), 128 * 3);
	free(got);
}

static void
test_url(void **state)
{
	static const char *ok[] = {
	    "http://example.org/",
	    "https://example.org/a?b=c&d=e#f",
	    "HTTPS://EXAMPLE.ORG",
	    "HtTp://x",
	    "/articles/a_1",
	    "/",
	    "/?q=x",
	    "https://例え.jp/パス",
	};
	static const char *refused[] = {
	    "javascript:alert(1)",
	    "JaVaScRiPt:alert(1)",
	    "\tjavascript:alert(1)",
	    " javascript:alert(1)",
	    "java\tscript:alert(1)",
	    "java\nscript:alert(1)",
	    "javascript&colon;alert(1)",
	    "data:text/html,<script>alert(1)</script>",
	    "vbscript:msgbox",
	    "file:///etc/passwd",
	    "ftp://example.org/",
	    "//evil.example/",
	    "/\\evil.example/",
	    "https:/x",
	    "http://",
	    "https:///path",
	    "https://?x",
	    "https://a b",
	    "https://a\x01",
	    "https://a\x7f",
	    "",
	    "relative/path",
	    "#top",
	    "?q=1",
	    "mailto:a@b",
	    "https:\\\\evil.example",
	};
	struct page pg = {0};
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!page_url_ok(ok[i]))
			fail_msg("refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (page_url_ok(refused[i]))
			fail_msg("accepted: %s", refused[i]);
	assert_int_equal(page_url_ok(NULL), 0);
	/* written: & escaped, quotes and non-ASCII percent-encoded */
	assert_int_equal(page_url(&pg, "https://x.org/a?b=1&c=\"'<>`\xc3\xa9"), 1);
	assert_int_equal(page_url(&pg, "javascript:alert(1)"), 0);
	s = page_take(&pg, NULL);
	assert_string_equal(s, "https://x.org/a?b=1&amp;c=%22%27%3C%3E%60%C3%A9");
	free(s);
	/* a refused address is shown as text, not as a link */
	page_link(&pg, "javascript:alert(1)", "click", 5);
	page_link(&pg, "https://ok.example/", "<b>", 3);
	page_link(&pg, NULL, "t", 1);
	s = page_take(&pg, NULL);
	assert_string_equal(s, "<span dir=\"auto\">click</span>"
	                       "<a href=\"https://ok.example/\" dir=\"auto\" "
	                       "rel=\"noreferrer\">&lt;b&gt;</a>"
	                       "<span dir=\"auto\">t</span>");
	free(s);
}

static void
test_query(void **state)
{
	struct page pg = {0};
	int first = 1;
	char *s;

	(void)state;
	page_raw(&pg, "/");
	page_query(&pg, &first, "rule", "a b&c=d#e");
	page_query(&pg, &first, "tag", NULL);
	page_query(&pg, &first, "source", "");
	page_query(&pg, &first, "q", "\"x\" <y> \xd8\xb9+/?%");
	page_query(&pg, &first, "before", "Az09-._~");
	page_raw(&pg, " ");
	page_path(&pg, "a/b c");
	s = page_take(&pg, NULL);
	assert_string_equal(s,
	                    "/?rule=a%20b%26c%3Dd%23e&amp;q=%22x%22%20%3Cy%3E%20%D8%B9%2B%2F%3F%25"
	                    "&amp;before=Az09-._~ a%2Fb%20c");
	free(s);
}

static char *
marked(const char *text, size_t len, const struct page_span *sp, size_t n)
{
	struct page pg = {0};
	char *s;

	page_marked(&pg, text, len, sp, n);
	s = page_take(&pg, NULL);
	assert_non_null(s);
	return s;
}

static void
check_marked(const char *text, const struct page_span *sp, size_t n, const char *want)
{
	char *got = marked(text, strlen(text), sp, n);

	if (strcmp(got, want) != 0)
		fail_msg("marks on \"%s\"\n   got \"%s\"\n  want \"%s\"", text, got, want);
	free(got);
}

static void
test_marks(void **state)
{
	/* مجلس الأمن يناقش العقوبات: 2-byte letters; الأمن is bytes 9..19 */
	const char *ar = "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 "
	                 "\xd8\xa7\xd9\x84\xd8\xa3\xd9\x85\xd9\x86 "
	                 "\xd9\x8a\xd9\x86\xd8\xa7\xd9\x82\xd8\xb4";

	(void)state;
	check_marked("Assad and Assad", (struct page_span[]){{0, 5}, {10, 15}}, 2,
	             "<mark>Assad</mark> and <mark>Assad</mark>");
	/* any order; the whole text */
	check_marked("abcdef", (struct page_span[]){{3, 6}, {0, 1}}, 2,
	             "<mark>a</mark>bc<mark>def</mark>");
	check_marked("abc", (struct page_span[]){{0, 3}}, 1, "<mark>abc</mark>");
	/* overlapping merged, nested merged, adjacent kept two */
	check_marked("abcdefgh", (struct page_span[]){{1, 4}, {3, 6}}, 2, "a<mark>bcdef</mark>gh");
	check_marked("abcdefgh", (struct page_span[]){{1, 7}, {2, 3}}, 2, "a<mark>bcdefg</mark>h");
	check_marked("abcdefgh", (struct page_span[]){{1, 3}, {3, 5}}, 2,
	             "a<mark>bc</mark><mark>de</mark>fgh");
	check_marked("abc", (struct page_span[]){{1, 2}, {1, 2}}, 2, "a<mark>b</mark>c");
	/* empty, inverted, out of range */
	check_marked("abc", (struct page_span[]){{2, 2}, {2, 1}, {5, 9}, {(size_t)-1, 2}}, 4,
	             "abc");
	check_marked("abc", (struct page_span[]){{1, 99}}, 1, "a<mark>bc</mark>");
	check_marked("abc", NULL, 0, "abc");
	/* marked text is escaped too */
	check_marked("<a>&<b>", (struct page_span[]){{3, 4}}, 1,
	             "&lt;a&gt;<mark>&amp;</mark>&lt;b&gt;");
	/* Arabic, at exact byte offsets: the second word, the first, the last */
	{
		char want[256];

		snprintf(want, sizeof(want),
		         "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 <mark>\xd8\xa7\xd9\x84\xd8\xa3\xd9\x85"
		         "\xd9\x86</mark> \xd9\x8a\xd9\x86\xd8\xa7\xd9\x82\xd8\xb4");
		check_marked(ar, (struct page_span[]){{9, 19}}, 1, want);
		snprintf(want, sizeof(want),
		         "<mark>\xd9\x85\xd8\xac\xd9\x84\xd8\xb3</mark> \xd8\xa7\xd9\x84\xd8\xa3"
		         "\xd9\x85\xd9\x86 <mark>\xd9\x8a\xd9\x86\xd8\xa7\xd9\x82\xd8\xb4</mark>");
		check_marked(ar, (struct page_span[]){{20, 30}, {0, 8}}, 2, want);
		/* offsets inside a letter: widened to the whole letter, never split */
		snprintf(want, sizeof(want),
		         "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 <mark>\xd8\xa7\xd9\x84\xd8\xa3</mark>"
		         "\xd9\x85\xd9\x86 \xd9\x8a\xd9\x86\xd8\xa7\xd9\x82\xd8\xb4");
		check_marked(ar, (struct page_span[]){{10, 14}}, 1, want);
	}
	/* 4-byte characters and a mark ending inside one */
	check_marked("x\xf0\x9f\x98\x80y", (struct page_span[]){{0, 2}}, 1,
	             "<mark>x\xf0\x9f\x98\x80</mark>y");
	/* invalid bytes inside a mark: replaced, mark kept */
	check_marked("a\xff"
	             "b",
	             (struct page_span[]){{1, 2}}, 1, "a<mark>\xef\xbf\xbd</mark>b");
	/* character offsets (the hit object's snippet marks) to bytes */
	assert_int_equal(page_char_offset(ar, strlen(ar), 0), 0);
	assert_int_equal(page_char_offset(ar, strlen(ar), 5), 9);
	assert_int_equal(page_char_offset(ar, strlen(ar), 10), 19);
	assert_int_equal(page_char_offset(ar, strlen(ar), 1000), strlen(ar));
	assert_int_equal(page_char_offset("\xff"
	                                  "a",
	                                  2, 1),
	                 1);
}

static int
in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(name, *list) == 0)
			return 1;
	return 0;
}

/*
 * Walk an HTML document parsed by libxml2: only the elements and attributes
 * the renderers write (a breakout out of an attribute value or a text would
 * add others: script, img, on*, style, src...), and every href and action
 * http(s) or our own path.
 */
static void
check_inert_nodes(xmlNode *n)
{
	static const char *const elements[] = {
	    "html", "head", "meta", "link", "title", "body", "nav", "a", "ul", "ol", "li", "main",
	    "h1", "h2", "form", "label", "input", "button", "p", "time", "span", "table", "tbody",
	    "tr", "th", "td", "section", "div", "mark",
	    /* the rules pages: the query, and the chart of page_chart */
	    "code", "figure", "figcaption", "svg", "rect",
	    /* the caret under a diagnostic of the filters (page_caret) */
	    "pre", NULL};
	static const char *const attributes[] = {
	    "lang", "charset", "name", "content", "rel", "href", "class", "aria-current", "method",
	    "action", "type", "dir", "value", "datetime", "scope",
	    /* page_chart's svg */
	    "role", "aria-label", "viewBox", "preserveAspectRatio", "xmlns", "x", "y", "width",
	    "height",
	    /* the scrolling region of a wide table (page_ops.c) */
	    "tabindex", NULL};

	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			if (!in_list((const char *)n->name, elements))
				fail_msg("element <%s> in the output", n->name);
			for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
				xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
				const char *name = (const char *)a->name;

				if (!in_list(name, attributes))
					fail_msg("attribute %s=\"%s\" on <%s>", name,
					         v ? (char *)v : "", n->name);
				if (strcasecmp(name, "href") == 0 ||
				    strcasecmp(name, "action") == 0) {
					const char *u = v ? (const char *)v : "";

					if (!(strncasecmp(u, "http://", 7) == 0 ||
					      strncasecmp(u, "https://", 8) == 0 ||
					      (u[0] == '/' && u[1] != '/' && u[1] != '\\')))
						fail_msg("%s=\"%s\" on <%s>", name, u, n->name);
				}
				xmlFree(v);
			}
		}
		check_inert_nodes(n->children);
	}
}

static void
check_inert(const char *html, size_t len)
{
	htmlDocPtr doc;

	if (strcasestr(html, "<script") != NULL || strcasestr(html, "<img") != NULL ||
	    strcasestr(html, "<iframe") != NULL || strcasestr(html, "</textarea") != NULL)
		fail_msg("a hostile tag survives in:\n%s", html);
	if (strcasestr(html, "href=\"javascript") != NULL ||
	    strcasestr(html, "href=\"data:") != NULL || strcasestr(html, "href=\"\t") != NULL)
		fail_msg("a hostile link survives in:\n%s", html);
	doc = htmlReadMemory(html, (int)len, "page.html", "utf-8",
	                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	assert_non_null(doc);
	check_inert_nodes(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
}

static const char *hostile[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "\tjavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!-- --><script>alert(1)</script>",
    "\xe2\x80\xae<script>alert(1)</script>",
    "\x01\x02<\x00script>",
    "<scr\xffipt>alert(1)</script>",
    "x\" style=\"background:url(javascript:alert(1))",
    "//evil.example/",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static struct page_hit
hit_of(const char *s, const struct page_span *marks, size_t nmarks)
{
	static const char *tags[2];
	struct page_hit h = {0};

	tags[0] = s;
	tags[1] = "ok";
	h.id = s;
	h.detected_at = s;
	h.rule_id = s;
	h.rule_name = s;
	h.tags = tags;
	h.ntags = 2;
	h.article_id = s;
	h.title = s;
	h.url = s;
	h.source = s;
	h.lang = s;
	h.snippet = s;
	h.snippet_len = strlen(s);
	h.marks = marks;
	h.nmarks = nmarks;
	return h;
}

static void
test_hostile_pages(void **state)
{
	(void)state;
	for (size_t i = 0; i < NHOSTILE; i++) {
		const char *s = hostile[i];
		struct page_span marks[] = {{0, 3}, {2, 9}, {5, strlen(s)}};
		struct page_hit h = hit_of(s, marks, 3);
		struct page_filters f = {s, s, s, s, s, s, s, s, 0, 0, 0, NULL, 0, 0};
		struct page_field fields[] = {{s, s, strlen(s), marks, 3},
		                              {"body", s, strlen(s), NULL, 0}};
		struct page_dup dups[] = {
		    {s, s, 0, s, s}, {s, NULL, 1, NULL, s}, {s, s, 1, s, NULL}};
		struct page_article a = {s, s,  s, s,    s, s, s,    s, fields,
		                         2, &h, 1, dups, 3, 0, NULL, s};
		struct page pg = {0};
		char *out;
		size_t len;

		page_hits(&pg, &h, 1, &f, s);
		out = page_take(&pg, &len);
		assert_non_null(out);
		check_inert(out, len);
		/* a language that is not a code gives no lang attribute: only <html>'s */
		assert_null(strstr(strstr(out, " lang=\"") + 1, " lang=\""));
		free(out);

		page_begin(&pg, s, PAGE_NAV_TRY);
		page_end(&pg);
		out = page_take(&pg, &len);
		check_inert(out, len);
		free(out);

		page_article(&pg, &a);
		out = page_take(&pg, &len);
		check_inert(out, len);
		free(out);

		/* the operators' pages (page_ops.c): a feed's error is the network's text */
		{
			struct page_feed_row fr[] = {{s, s, s, s, s, 0, 0},
			                             {s, s, NULL, NULL, s, 1, 0},
			                             {s, s, s, s, s, 0, 1}};
			struct page_delivery dl[] = {{1, s, "dead", s, s, 3, 500, s, s, s},
			                             {2, s, "pending", s, s, 1, 0, s, s, s}};

			page_feeds(&pg, fr, 3);
			out = page_take(&pg, &len);
			check_inert(out, len);
			free(out);
			page_deliveries(&pg, dl, 2, NULL, 0, NULL);
			out = page_take(&pg, &len);
			check_inert(out, len);
			assert_non_null(
			    strstr(out, "<form method=\"post\" action=\"/deliveries/1/retry\">"));
			assert_null(strstr(out, "/deliveries/2/retry"));
			free(out);
			/* the notice of a held retry: a destination's name is text too */
			page_deliveries(&pg, dl, 2, NULL, 0, s);
			out = page_take(&pg, &len);
			check_inert(out, len);
			assert_non_null(strstr(out, "<p class=\"cut\" role=\"status\">"));
			free(out);
			/* a disabled webhook (its name is text too): said so, its rows held */
			{
				struct page_webhook_off off[] = {{s, s, s}, {"other", NULL, NULL}};

				page_deliveries(&pg, dl, 2, off, 2, NULL);
				out = page_take(&pg, &len);
				check_inert(out, len);
				assert_non_null(strstr(out, "held: webhook disabled"));
				assert_non_null(strstr(out, "(disabled)"));
				assert_non_null(strstr(out, "until its configuration changes"));
				/* one without deliveries gets its section */
				assert_non_null(strstr(out,
				                       "<h2 dir=\"auto\">other <span "
				                       "class=\"meta\">(disabled)</span></h2>"));
				free(out);
			}
		}
	}
}

static void
test_layout(void **state)
{
	struct page pg = {0};
	char *s;

	(void)state;
	page_begin(&pg, "Rules", PAGE_NAV_RULES);
	page_raw(&pg, "<p>x</p>\n");
	page_end(&pg);
	s = page_take(&pg, NULL);
	assert_true(strncmp(s, "<!doctype html>\n<html lang=\"en\">", 32) == 0);
	assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(s, "<meta name=\"viewport\" content=\"width=device-width"));
	assert_non_null(strstr(s, "<link rel=\"stylesheet\" href=\"/static/hark.css\">"));
	assert_non_null(strstr(s, "<title>Rules - hark</title>"));
	assert_non_null(strstr(s, "<a href=\"/rules\" aria-current=\"page\">Rules</a>"));
	assert_non_null(strstr(s, "<a href=\"/\">Hits</a>"));
	assert_non_null(strstr(s, "<a href=\"/feeds\">Feeds</a>"));
	assert_non_null(strstr(s, "<a href=\"/deliveries\">Deliveries</a>"));
	assert_non_null(strstr(s, "<a href=\"/try\">Try</a>"));
	assert_null(strstr(s, "http:")); /* no external resource */
	assert_null(strstr(s, "https:"));
	assert_null(strstr(strstr(s, "<link") + 1, "<link")); /* one stylesheet */
	assert_non_null(strstr(s, "</main>\n</body>\n</html>\n"));
	free(s);
	/* the stylesheet is built in: both schemes, nothing fetched */
	assert_true(page_css_len > 1000);
	assert_int_equal(strlen((const char *)page_css), page_css_len);
	assert_non_null(strstr((const char *)page_css, "prefers-color-scheme: dark"));
	assert_null(strstr((const char *)page_css, "url("));
	assert_null(strstr((const char *)page_css, "@import"));
}

static void
test_hits_page(void **state)
{
	const char *ar =
	    "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 \xd8\xa7\xd9\x84\xd8\xa3\xd9\x85\xd9\x86";
	const char *tags[] = {"syria", "people"};
	struct page_span m1[] = {{9, 19}}, m2[] = {{0, 5}};
	struct page_hit h[2] = {
	    {"h_2", "2026-12-06T10:00:00Z", "sanctions-ar", "Sanctions (ar)", tags, 2, "a_2", ar,
	     "https://news.example/ar?x=1&y=2", "feed: ar", "ar", ar, strlen(ar), m1, 1},
	    {"h_1", "2026-12-05T09:00:00Z", "assad", NULL, NULL, 0, "a_1", NULL, NULL, "drop", "en",
	     "Assad spoke", 11, m2, 1},
	};
	struct page_filters f = {.rule = "assad", .lang = "a&b", .q = "\"Bashar al-Assad\" OR x"};
	struct page pg = {0};
	char *s, want[256];

	(void)state;
	page_hits(&pg, h, 2, &f, "c_123:abc");
	s = page_take(&pg, NULL);
	/* the form keeps the filters */
	assert_non_null(strstr(s, "<form class=\"filters\" method=\"get\" action=\"/\">"));
	assert_non_null(strstr(s, "name=\"rule\" dir=\"auto\" value=\"assad\""));
	assert_non_null(strstr(s, "name=\"lang\" dir=\"auto\" value=\"a&amp;b\""));
	assert_non_null(
	    strstr(s, "name=\"q\" dir=\"auto\" value=\"&quot;Bashar al-Assad&quot; OR x\""));
	assert_non_null(strstr(s, "name=\"tag\" dir=\"auto\" value=\"\""));
	/* in the order given, newest first */
	assert_true(strstr(s, "h_2") == NULL); /* hit ids are not shown on the page */
	assert_true(strstr(s, "2026-12-06T10:00:00Z") < strstr(s, "2026-12-05T09:00:00Z"));
	/* title linked to the address and to the stored article */
	assert_non_null(strstr(s, "<a href=\"https://news.example/ar?x=1&amp;y=2\" dir=\"auto\""));
	assert_non_null(strstr(s, "<a class=\"stored\" href=\"/articles/a_2\">"));
	assert_non_null(strstr(s, "<span dir=\"auto\">(no title)</span>"));
	/* rule, tags, source, language */
	assert_non_null(strstr(
	    s, "<a class=\"rule\" href=\"/rules/sanctions-ar\" dir=\"auto\">Sanctions (ar)</a>"));
	assert_non_null(
	    strstr(s, "<a class=\"rule\" href=\"/rules/assad\" dir=\"auto\">assad</a>"));
	assert_non_null(strstr(s, "<a class=\"tag\" href=\"/?tag=syria\" dir=\"auto\">syria</a>"));
	/* the article's language on its text, when it is a language code */
	assert_non_null(strstr(s, "<h2 lang=\"ar\"><a href="));
	assert_non_null(
	    strstr(s, "<p class=\"snippet\" lang=\"en\" dir=\"auto\"><mark>Assad</mark>"));
	assert_non_null(strstr(s, "<span class=\"source\" dir=\"auto\">feed: ar</span>"));
	/* snippets with their marks */
	snprintf(want, sizeof(want),
	         "<p class=\"snippet\" lang=\"ar\" dir=\"auto\">\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 "
	         "<mark>\xd8\xa7\xd9\x84\xd8\xa3\xd9\x85\xd9\x86</mark></p>");
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "<mark>Assad</mark> spoke</p>"));
	/* older: the filters kept, URL-encoded, and the cursor */
	assert_non_null(
	    strstr(s, "<a rel=\"next\" href=\"/?rule=assad&amp;lang=a%26b&amp;"
	              "q=%22Bashar%20al-Assad%22%20OR%20x&amp;before=c_123%3Aabc\">Older</a>"));
	check_inert(s, strlen(s));
	free(s);
	/* no hits, no cursor: said, and no link */
	page_hits(&pg, NULL, 0, NULL, NULL);
	s = page_take(&pg, NULL);
	assert_non_null(strstr(s, "No hits."));
	assert_null(strstr(s, "Older"));
	free(s);
}

/* rule= that names no rule: said, escaped, the form kept, no hit list */
static void
test_hits_no_rule(void **state)
{
	struct page_filters f = {.rule = "<b>nosuch</b>", .no_rule = 1};
	struct page pg = {0};
	char *s;

	(void)state;
	page_hits(&pg, NULL, 0, &f, "c_1:x");
	s = page_take(&pg, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "<p class=\"error\" role=\"alert\">no such rule: <span "
	                          "dir=\"auto\">&lt;b&gt;nosuch&lt;/b&gt;</span></p>"));
	assert_null(strstr(s, "<b>nosuch"));
	assert_non_null(strstr(s, "name=\"rule\""));
	assert_null(strstr(s, "No hits."));
	assert_null(strstr(s, "Older"));
	check_inert(s, strlen(s));
	free(s);
}

/* tag= that no rule has: said, escaped, the form kept, no hit list */
static void
test_hits_no_tag(void **state)
{
	struct page_filters f = {.tag = "<i>nope</i>", .no_tag = 1};
	struct page pg = {0};
	char *s;

	(void)state;
	page_hits(&pg, NULL, 0, &f, "c_1:x");
	s = page_take(&pg, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "<p class=\"error\" role=\"alert\">no such tag: <span "
	                          "dir=\"auto\">&lt;i&gt;nope&lt;/i&gt;</span></p>"));
	assert_non_null(strstr(s, "name=\"tag\" dir=\"auto\" value=\"&lt;i&gt;nope&lt;/i&gt;\""));
	assert_null(strstr(s, "No hits."));
	assert_null(strstr(s, "Older"));
	check_inert(s, strlen(s));
	free(s);
}

/* filters that do not parse: the error above the form, a caret under q, the form kept */
static void
test_hits_error(void **state)
{
	struct page_filters f = {.q = "a\n\"<b>\u00e9",
	                         .since = "<i>7d",
	                         .error = "query:2:4: error: <unclosed>",
	                         .error_line = 2,
	                         .error_col = 3};
	struct page pg = {0};
	char *s, *err, *form;

	(void)state;
	page_hits(&pg, NULL, 0, &f, "c_1:x");
	s = page_take(&pg, NULL);
	assert_non_null(s);
	err = strstr(s, "<div class=\"error filters-error\" role=\"alert\"><p><code "
	                "dir=\"ltr\">query:2:4: error: &lt;unclosed&gt;</code></p>");
	form = strstr(s, "<form class=\"filters\"");
	assert_non_null(err);
	assert_non_null(form);
	assert_true(err < form); /* above the form */
	/* line 2 of q, the caret under its third character (a UTF-8 pair is one) */
	assert_non_null(strstr(s, "<pre class=\"caret\">&quot;&lt;b&gt;\u00e9\n  ^</pre>"));
	assert_non_null(strstr(s, "name=\"since\" dir=\"auto\" value=\"&lt;i&gt;7d\""));
	assert_null(strstr(s, "No hits."));
	assert_null(strstr(s, "Older"));
	check_inert(s, strlen(s));
	free(s);

	/* no place: no caret; a line past q's end: none either */
	f.error_line = 0;
	page_hits(&pg, NULL, 0, &f, NULL);
	s = page_take(&pg, NULL);
	assert_null(strstr(s, "caret"));
	free(s);
	f.error_line = 9;
	page_hits(&pg, NULL, 0, &f, NULL);
	s = page_take(&pg, NULL);
	assert_null(strstr(s, "caret"));
	free(s);
}

/* /rules/ID of a removed rule with hits: said, linked, listed; an unknown one: a 404 page */
static void
test_rule_gone(void **state)
{
	struct page_span marks[] = {{0, 3}};
	struct page_hit h = hit_of("<b>Moscou", marks, 1);
	struct page pg = {0};
	char *s;

	(void)state;
	page_rule_gone(&pg, "g&<x>", &h, 1, 1);
	s = page_take(&pg, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "<h1 dir=\"auto\">g&amp;&lt;x&gt;</h1>"));
	assert_non_null(strstr(s, "no longer in the rule files"));
	assert_non_null(strstr(s, "<a href=\"/?rule=g%26%3Cx%3E\">all its hits</a>"));
	assert_non_null(strstr(s, "Its latest hits"));
	assert_non_null(strstr(s, "<ol class=\"hits\">"));
	assert_null(strstr(s, "/mute"));
	check_inert(s, strlen(s));
	free(s);
	page_rule_gone(&pg, "g", NULL, 0, 0);
	s = page_take(&pg, NULL);
	assert_non_null(strstr(s, "<h2>Its hits</h2>"));
	assert_non_null(strstr(s, "No hits."));
	free(s);

	page_not_found(&pg, PAGE_NAV_RULES, "no rule '<i>' is defined");
	s = page_take(&pg, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "<h1>Not found</h1>"));
	assert_non_null(strstr(s, "no rule &#39;&lt;i&gt;&#39; is defined"));
	assert_non_null(strstr(s, "<a href=\"/rules\" aria-current=\"page\">"));
	check_inert(s, strlen(s));
	free(s);
}

static void
test_article_page(void **state)
{
	const char *body = "Le Conseil de s\xc3\xa9"
	                   "curit\xc3\xa9 et Assad.";
	struct page_span mt[] = {{0, 5}}, mb[] = {{3, 10}, {28, 33}};
	struct page_field fields[] = {{"title", "Assad parle", 11, mt, 1},
	                              {"body", body, strlen(body), mb, 2}};
	struct page_hit h = {"h_1",   "2026-12-05T09:00:00Z",
	                     "assad", "Bashar al-Assad",
	                     NULL,    0,
	                     "a_1",   "Assad parle",
	                     NULL,    "drop",
	                     "fr",    "Assad parle",
	                     11,      mt,
	                     1};
	/* a_1 revises a_0, the group's first article; a_3 is a near duplicate of a_0 */
	struct page_dup dups[] = {{"a_2", "Assad parle (copie)", 0, NULL, NULL},
	                          {"a_0", "Assad", 1, NULL, NULL},
	                          {"a_3", NULL, 1, "a_0", NULL},
	                          {"a_4", "Assad parle (2)", 1, "a_0", "a_0"},
	                          {"a_5", "Assad (3)", 1, "a_0", "a_3"}};
	struct page_article a = {"a_1",
	                         "Assad parle",
	                         "javascript:alert(1)",
	                         "drop",
	                         "fr",
	                         "text",
	                         "utf-8",
	                         "2026-12-05T08:00:00Z",
	                         fields,
	                         2,
	                         &h,
	                         1,
	                         dups,
	                         5,
	                         0,
	                         NULL,
	                         "a_0"};
	struct page pg = {0};
	char *s;

	(void)state;
	page_article(&pg, &a);
	s = page_take(&pg, NULL);
	assert_non_null(strstr(s, "<title>Assad parle - hark</title>"));
	assert_non_null(strstr(s, "<h1><span dir=\"auto\">Assad parle</span></h1>"));
	/* a hostile address is shown, not linked */
	assert_non_null(strstr(s, "<th scope=\"row\">Address</th><td><span dir=\"auto\">"
	                          "javascript:alert(1)</span>"));
	assert_non_null(
	    strstr(s, "<th scope=\"row\">Format</th><td><span dir=\"auto\">text</span>"));
	assert_non_null(
	    strstr(s, "<th scope=\"row\">Charset</th><td><span dir=\"auto\">utf-8</span>"));
	assert_non_null(strstr(s, "<h2>title</h2>\n<div class=\"text\" lang=\"fr\" "
	                          "dir=\"auto\"><mark>Assad</mark> parle</div>"));
	assert_non_null(
	    strstr(s, "<div class=\"text\" lang=\"fr\" dir=\"auto\">Le <mark>Conseil</mark> de "
	              "s\xc3\xa9"
	              "curit\xc3\xa9 et <mark>Assad</mark>.</div>"));
	assert_non_null(
	    strstr(s, "<a class=\"rule\" href=\"/rules/assad\" dir=\"auto\">Bashar al-Assad</a>"));
	assert_non_null(strstr(
	    s, "<a href=\"/articles/a_2\" dir=\"auto\">Assad parle (copie)</a> (same content)"));
	assert_non_null(
	    strstr(s, "<a href=\"/articles/a_3\" dir=\"auto\">a_3</a> (near duplicate)"));
	/* a revision: the article it revises linked, and its revisions in the list */
	assert_non_null(strstr(s, "<th scope=\"row\">Revision of</th><td><a "
	                          "href=\"/articles/a_0\">a_0</a></td>"));
	/* each member labelled by what it is to a_1, not by its own revision_of alone */
	assert_non_null(strstr(
	    s, "<a href=\"/articles/a_0\" dir=\"auto\">Assad</a> (the article this one revises)"));
	assert_non_null(strstr(s, "<a href=\"/articles/a_4\" dir=\"auto\">Assad parle (2)</a> "
	                          "(revision of the same article)"));
	assert_non_null(strstr(
	    s,
	    "<a href=\"/articles/a_5\" dir=\"auto\">Assad (3)</a> (revision of a near duplicate)"));
	check_inert(s, strlen(s));
	free(s);
	/* the group's first article a_0: a_1 is its revision */
	{
		struct page_dup d0[] = {{"a_1", "Assad parle", 1, "a_0", "a_0"},
		                        {"a_3", NULL, 1, "a_0", NULL}};
		struct page_article e = {.id = "a_0", .dups = d0, .ndups = 2};

		page_article(&pg, &e);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(
		    s, "<a href=\"/articles/a_1\" dir=\"auto\">Assad parle</a> (revision)</li>"));
		assert_non_null(strstr(
		    s, "<a href=\"/articles/a_3\" dir=\"auto\">a_3</a> (near duplicate)</li>"));
		free(s);
	}
	/* its near duplicate a_3: a_0 the first article, a_1 a revision of it */
	{
		struct page_dup d3[] = {{"a_0", "Assad", 1, NULL, NULL},
		                        {"a_1", "Assad parle", 1, "a_0", "a_0"}};
		struct page_article e = {.id = "a_3", .dups = d3, .ndups = 2};

		page_article(&pg, &e);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(
		    s, "<a href=\"/articles/a_0\" dir=\"auto\">Assad</a> (first article)</li>"));
		assert_non_null(strstr(s, "<a href=\"/articles/a_1\" dir=\"auto\">Assad parle</a> "
		                          "(revision of the first article)</li>"));
		free(s);
	}
	/* an article with nothing but its id */
	{
		struct page_article e = {.id = "a_9"};

		page_article(&pg, &e);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s, "(no title)"));
		assert_non_null(strstr(s, "None."));
		assert_null(strstr(s, "retention"));
		check_inert(s, strlen(s));
		free(s);
	}
	/* a text that retention removed: said so where the body would be */
	{
		struct page_article e = {
		    .id = "a_9", .text_pruned = 1, .seen_at = "2026-12-01T08:00:00Z"};

		page_article(&pg, &e);
		s = page_take(&pg, NULL);
		assert_non_null(
		    strstr(s, "<h2>body</h2>\n<p class=\"empty\" role=\"status\">The text "
		              "was removed by retention (keep_articles); the article was "
		              "stored on <time datetime=\"2026-12-01T08:00:00Z\">2026-12-01 "
		              "08:00 +00:00</time>."));
		check_inert(s, strlen(s));
		free(s);
	}
}

static int
is_rfc3339(const char *s)
{
	/* what the renderer writes: YYYY-MM-DDTHH:MM:SSZ */
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
			return 0;
	return 1;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static char *
text_of(xmlNode *n)
{
	xmlChar *t;
	char *s;

	assert_non_null(n);
	t = xmlNodeGetContent(n);
	s = strdup((const char *)t);
	xmlFree(t);
	return s;
}

/* Parse an Atom document strictly and check what RFC 4287 requires. Returns the entries. */
static int
check_atom(const char *xml, size_t len, int want_entries)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "hits.atom", NULL, XML_PARSE_NONET);
	xmlNode *feed, *n;
	int entries = 0, self = 0;
	char *t;

	if (doc == NULL)
		fail_msg("not well-formed XML:\n%.2000s", xml);
	feed = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)feed->name, "feed");
	assert_non_null(feed->ns);
	assert_string_equal((const char *)feed->ns->href, "http://www.w3.org/2005/Atom");
	t = text_of(child(feed, "id"));
	assert_true(strncmp(t, "http", 4) == 0);
	free(t);
	assert_non_null(child(feed, "title"));
	t = text_of(child(feed, "updated"));
	assert_true(is_rfc3339(t));
	free(t);
	assert_non_null(child(child(feed, "author"), "name"));
	for (n = feed->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "link") == 0) {
			xmlChar *rel = xmlGetProp(n, (const xmlChar *)"rel");

			self += rel != NULL && strcmp((const char *)rel, "self") == 0;
			xmlFree(rel);
		}
		if (strcmp((const char *)n->name, "entry") == 0) {
			xmlNode *c = child(n, "content"), *l = child(n, "link");
			xmlChar *type, *href;

			entries++;
			t = text_of(child(n, "id"));
			/* urn:uuid: + 8-4-4-4-12 lower-case hex, version 8, variant 10 */
			assert_int_equal(strlen(t), 9 + 36);
			assert_true(strncmp(t, "urn:uuid:", 9) == 0);
			assert_int_equal(t[9 + 14], '8');
			assert_non_null(strchr("89ab", t[9 + 19]));
			free(t);
			assert_non_null(child(n, "title"));
			t = text_of(child(n, "updated"));
			assert_true(is_rfc3339(t));
			free(t);
			assert_non_null(l);
			href = xmlGetProp(l, (const xmlChar *)"href");
			assert_non_null(href);
			assert_true(strncmp((const char *)href, "http", 4) == 0);
			xmlFree(href);
			assert_non_null(c);
			type = xmlGetProp(c, (const xmlChar *)"type");
			assert_string_equal((const char *)type, "html");
			xmlFree(type);
		}
	}
	assert_int_equal(self, 1);
	assert_int_equal(entries, want_entries);
	xmlFreeDoc(doc);
	return entries;
}

static void
test_atom(void **state)
{
	const char *ar =
	    "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 \xd8\xa7\xd9\x84\xd8\xa3\xd9\x85\xd9\x86";
	struct page_span m1[] = {{9, 19}}, m2[] = {{0, 5}};
	struct page_hit h[3] = {
	    {"h_2", "2026-12-06T10:00:00Z", "sanctions-ar", "Sanctions", NULL, 0, "a_2", ar,
	     "https://news.example/ar?x=1&y=2", "feed", "ar", ar, strlen(ar), m1, 1},
	    {"h_1", "2026-12-05T11:00:00+02:00", "assad", NULL, NULL, 0, "a 1/x", NULL,
	     "javascript:alert(1)", "drop", "en", "Assad <b>spoke</b>\x01\x0b\x1f", 21, m2, 1},
	    {"h_0", "not a date", "r", "r", NULL, 0, "a_0", "t\x02itle", NULL, NULL, NULL, NULL, 0,
	     NULL, 0},
	};
	struct page_feed f = {"https://hark.example.org/", "assad", "a b", NULL,
	                      "2026-12-06T12:00:00Z"};
	struct page pg = {0};
	char *s;
	size_t len;
	xmlDocPtr doc;

	(void)state;
	assert_int_equal(page_atom(&pg, &f, h, 3), 0);
	s = page_take(&pg, &len);
	check_atom(s, len, 3);
	assert_non_null(
	    strstr(s, "<id>https://hark.example.org/hits.atom?rule=assad&amp;tag=a%20b</id>"));
	assert_non_null(
	    strstr(s, "<link rel=\"self\" type=\"application/atom+xml\" "
	              "href=\"https://hark.example.org/hits.atom?rule=assad&amp;tag=a%20b\"/>"));
	/* titled and linked by its filters: two subscriptions told apart */
	assert_non_null(strstr(s, "<title>hark: hits of rule 'assad' tagged 'a b'</title>"));
	assert_non_null(strstr(s, "<link rel=\"alternate\" type=\"text/html\" "
	                          "href=\"https://hark.example.org/?rule=assad&amp;tag=a%20b\"/>"));
	assert_non_null(strstr(s, "<updated>2026-12-06T10:00:00Z</updated>"));
	/* offsets converted to UTC; a bad date falls back to now */
	assert_non_null(strstr(s, "<updated>2026-12-05T09:00:00Z</updated>"));
	assert_non_null(strstr(s, "<updated>2026-12-06T12:00:00Z</updated>"));
	/* links: the address, else the article page under base_url */
	assert_non_null(strstr(s, "href=\"https://news.example/ar?x=1&amp;y=2\""));
	assert_non_null(strstr(s, "href=\"https://hark.example.org/articles/a%201%2Fx\""));
	assert_non_null(strstr(s, "href=\"https://hark.example.org/articles/a_0\""));
	assert_null(strstr(s, "javascript"));
	/* the content: the snippet's HTML, escaped once more */
	assert_non_null(strstr(
	    s, "<content type=\"html\">&lt;p dir=&quot;auto&quot;&gt;&lt;mark&gt;"
	       "Assad&lt;/mark&gt; &amp;lt;b&amp;gt;spoke&amp;lt;/b&amp;gt;&lt;/p&gt;</content>"));
	/* no control character at all (XML 1.0 forbids them) */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			fail_msg("control character 0x%02x at %zu", s[i], i);
	/* the content parses as HTML with its mark */
	doc = xmlReadMemory(s, (int)len, "hits.atom", NULL, XML_PARSE_NONET);
	{
		xmlNode *e = child(xmlDocGetRootElement(doc), "entry");
		char *html = text_of(child(e, "content"));

		assert_non_null(strstr(html, "<mark>"));
		check_inert(html, strlen(html));
		free(html);
	}
	xmlFreeDoc(doc);
	free(s);

	/* the same hit has the same id whatever the base_url; different hits differ */
	{
		struct page_feed g = {"http://127.0.0.1:8976", NULL, NULL, NULL, NULL};
		char *t, *id1, *id2;

		assert_int_equal(page_atom(&pg, &g, h, 1), 0);
		t = page_take(&pg, &len);
		check_atom(t, len, 1);
		assert_non_null(strstr(t, "<id>http://127.0.0.1:8976/hits.atom</id>"));
		assert_non_null(strstr(t, "<title>hark: hits</title>"));
		assert_non_null(strstr(t, "<link rel=\"alternate\" type=\"text/html\" "
		                          "href=\"http://127.0.0.1:8976/\"/>"));
		assert_int_equal(page_atom(&pg, &f, h, 2), 0);
		s = page_take(&pg, NULL);
		id1 = strstr(t, "<id>urn:uuid:");
		id2 = strstr(s, "<id>urn:uuid:");
		assert_non_null(id1);
		assert_memory_equal(id1, id2, 4 + 9 + 36);
		assert_memory_not_equal(id2, strstr(id2 + 1, "<id>urn:uuid:"), 4 + 9 + 36);
		free(s);
		free(t);
	}
	/* the feed's updated is the newest hit's, whatever the order */
	{
		struct page_hit r[2] = {h[1], h[0]};

		assert_int_equal(page_atom(&pg, &f, r, 2), 0);
		s = page_take(&pg, NULL);
		assert_non_null(
		    strstr(s, "</title>\n<id>https://hark.example.org/hits.atom?rule=assad&amp;"
		              "tag=a%20b</id>\n<updated>2026-12-06T10:00:00Z</updated>"));
		free(s);
	}
	/* a hostile filter: escaped in the title, percent-encoded in the links */
	{
		struct page_feed g = {"http://127.0.0.1:8976", NULL, "<x&y>\"", NULL, NULL};

		assert_int_equal(page_atom(&pg, &g, h, 1), 0);
		s = page_take(&pg, &len);
		check_atom(s, len, 1);
		assert_non_null(
		    strstr(s, "<title>hark: hits tagged '&lt;x&amp;y&gt;&quot;'</title>"));
		assert_non_null(strstr(s, "href=\"http://127.0.0.1:8976/?tag=%3Cx%26y%3E%22\"/>"));
		free(s);
	}
	/* no hits: a valid empty feed, updated now; a bad base_url refused */
	assert_int_equal(page_atom(&pg, &f, NULL, 0), 0);
	s = page_take(&pg, &len);
	check_atom(s, len, 0);
	assert_non_null(strstr(s, "<updated>2026-12-06T12:00:00Z</updated>"));
	free(s);
	f.base_url = "javascript:alert(1)//";
	assert_int_equal(page_atom(&pg, &f, h, 1), -1);
	f.base_url = "/relative/";
	assert_int_equal(page_atom(&pg, &f, h, 1), -1);
	f.base_url = NULL;
	assert_int_equal(page_atom(&pg, &f, h, 1), -1);
	s = page_take(&pg, &len);
	assert_int_equal(len, 0);
	free(s);
}

static void
test_atom_hostile(void **state)
{
	struct page_feed f = {"https://hark.example.org/", NULL, NULL, NULL,
	                      "2026-12-06T12:00:00Z"};

	(void)state;
	for (size_t i = 0; i < NHOSTILE; i++) {
		struct page_span marks[] = {{0, 4}, {1, 100}};
		struct page_hit h = hit_of(hostile[i], marks, 2);
		struct page pg = {0};
		char *s;
		size_t len;

		f.title = hostile[i];
		f.rule = hostile[i];
		assert_int_equal(page_atom(&pg, &f, &h, 1), 0);
		s = page_take(&pg, &len);
		check_atom(s, len, 1);
		assert_null(strstr(s, "href=\"javascript"));
		assert_null(strstr(s, "href=\"data:"));
		free(s);
	}
}

/* A stored hit as hark writes it (hit_to_json()) read back: its marks land on the matches. */
static void
test_from_hit_to_json(void **state)
{
	/* the title's « » are the text's own quotation marks, not marks */
	static char title[] = "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 \xc2\xab\xd8\xa7\xd9\x84\xd8\xb9"
	                      "\xd9\x82\xd9\x88\xd8\xa8\xd8\xa7\xd8\xaa\xc2\xbb";
	static char body[] =
	    "Devant le juge, le procureur a cit\xc3\xa9 \xc2\xab \xc3\x89lodie Moreau "
	    "\xc2\xbb, qui a dit : \xc2\xab Je n\xe2\x80\x99"
	    "ai rien vu \xc2\xbb.";
	struct rule r = {.id = "fr", .name = "fr"};
	struct match_span sp[2] = {
	    {"\"\xc3\x89lodie Moreau\"", F_BODY, 40, 54},
	    {"\xd8\xb9\xd9\x82\xd9\x88\xd8\xa8\xd8\xa7\xd8\xaa", F_TITLE, 11, 27}};
	struct hit h = {&r, sp, 1};
	struct document doc;
	struct page_hit_json hj;
	struct page pg = {0};
	json_t *o;
	char *s;

	(void)state;
	memset(&doc, 0, sizeof(doc));
	doc.field[F_TITLE] = title;
	doc.field_len[F_TITLE] = strlen(title);
	doc.field[F_BODY] = body;
	doc.field_len[F_BODY] = strlen(body);
	snprintf(doc.id, sizeof(doc.id), "a_1");
	assert_memory_equal(body + 40, "\xc3\x89lodie Moreau", 14);
	o = hit_to_json(&doc, &h, "2026-12-06T10:00:00Z");
	assert_non_null(o);
	assert_int_equal(page_hit_from_json(o, &hj), 0);
	page_marked(&pg, hj.hit.snippet, hj.hit.snippet_len, hj.hit.marks, hj.hit.nmarks);
	s = page_take(&pg, NULL);
	assert_string_equal(
	    s, "Devant le juge, le procureur a cit\xc3\xa9 \xc2\xab <mark>\xc3\x89lodie "
	       "Moreau</mark> \xc2\xbb, qui a dit : \xc2\xab Je n\xe2\x80\x99"
	       "ai rien vu "
	       "\xc2\xbb.");
	free(s);
	json_decref(o);
	/* a match in the title alone: the title's window, marked inside its « » */
	h.spans = sp + 1;
	o = hit_to_json(&doc, &h, "2026-12-06T10:00:00Z");
	assert_non_null(o);
	assert_int_equal(page_hit_from_json(o, &hj), 0);
	page_marked(&pg, hj.hit.snippet, hj.hit.snippet_len, hj.hit.marks, hj.hit.nmarks);
	s = page_take(&pg, NULL);
	assert_string_equal(
	    s, "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 \xc2\xab<mark>\xd8\xa7\xd9\x84\xd8\xb9"
	       "\xd9\x82\xd9\x88\xd8\xa8\xd8\xa7\xd8\xaa</mark>\xc2\xbb");
	free(s);
	json_decref(o);
}

/* A hit made the hit of another article (a revision): its id, article id and revision_of, nothing
 * else. */
static void
test_hit_json_rebase(void **state)
{
	struct rule r = {.id = "tice", .name = "Tice"};
	struct match_span sp = {"\"Austin Tice\"", F_BODY, 2, 13};
	struct hit h = {&r, &sp, 1};
	struct document doc;
	json_t *o, *b, *want;
	char *js, *out, id[24], id2[24];

	(void)state;
	memset(&doc, 0, sizeof(doc));
	doc.field[F_BODY] = "A Austin Tice letter.";
	doc.field_len[F_BODY] = strlen(doc.field[F_BODY]);
	snprintf(doc.id, sizeof(doc.id), "a_1");
	o = hit_to_json(&doc, &h, "2026-12-06T10:00:00Z");
	assert_non_null(js = json_dumps(o, JSON_COMPACT));
	assert_int_equal(hit_json_rebase(js, "a_2", "a_1", &out, id), 0);
	/* the id hit_to_json() gives the hit of a_2 */
	snprintf(doc.id, sizeof(doc.id), "a_2");
	want = hit_to_json(&doc, &h, "2026-12-06T10:00:00Z");
	/* and the first article it revises named in its article */
	json_object_set_new(json_object_get(want, "article"), "revision_of", json_string("a_1"));
	hit_id("a_2", "tice", id2);
	assert_string_equal(id, id2);
	assert_string_equal(json_string_value(json_object_get(want, "id")), id);
	assert_string_not_equal(json_string_value(json_object_get(o, "id")), id);
	assert_non_null(b = json_loads(out, 0, NULL));
	assert_true(json_equal(b, want));
	json_decref(b);
	json_decref(want);
	json_decref(o);
	free(out);
	/* no revision_of: no key */
	assert_int_equal(hit_json_rebase(js, "a_2", NULL, &out, id), 0);
	assert_null(strstr(out, "revision_of"));
	free(out);
	free(js);
	/* not a hit object: refused, nothing made */
	assert_int_equal(hit_json_rebase("[1]", "a_2", NULL, &out, id), -1);
	assert_null(out);
	assert_int_equal(hit_json_rebase("{\"rule\":{\"id\":\"x\"}}", "a_2", NULL, &out, id), -1);
	assert_int_equal(hit_json_rebase("{\"article\":{}}", "a_2", NULL, &out, id), -1);
	assert_int_equal(hit_json_rebase("{not json", "a_2", NULL, &out, id), -1);
}

static void
test_from_json(void **state)
{
	/* the snippet's marks are character offsets: الأمن is characters 5..10 */
	const char *js =
	    "{\"id\": \"h_0123\", \"rule\": {\"id\": \"sanctions-ar\", \"name\": \"Sanctions\","
	    " \"tags\": [\"ar\", 7, \"un\"]}, \"article\": {\"id\": \"a_1\", \"title\": \"T\","
	    " \"url\": \"https://x.example/\", \"source\": \"drop\", \"lang\": \"ar\"},"
	    " \"matches\": [], \"snippet\": {\"text\": \"\\u0645\\u062c\\u0644\\u0633 "
	    "\\u0627\\u0644\\u0623\\u0645\\u0646!\", \"marks\": [[5, 10], [3, 2], [-1, 4], [0], "
	    "[10, 99]]}, \"detected_at\": \"2026-12-06T10:00:00Z\"}";
	json_error_t err;
	json_t *o = json_loads(js, 0, &err);
	struct page_hit_json hj;
	struct page pg = {0};
	char *s;

	(void)state;
	assert_non_null(o);
	assert_int_equal(page_hit_from_json(o, &hj), 0);
	assert_string_equal(hj.hit.id, "h_0123");
	assert_string_equal(hj.hit.rule_id, "sanctions-ar");
	assert_string_equal(hj.hit.rule_name, "Sanctions");
	assert_int_equal(hj.hit.ntags, 2);
	assert_string_equal(hj.hit.tags[1], "un");
	assert_string_equal(hj.hit.article_id, "a_1");
	assert_string_equal(hj.hit.url, "https://x.example/");
	assert_string_equal(hj.hit.detected_at, "2026-12-06T10:00:00Z");
	assert_int_equal(hj.hit.snippet_len, 20);
	assert_int_equal(hj.hit.nmarks, 2);
	assert_int_equal(hj.hit.marks[0].start, 9);
	assert_int_equal(hj.hit.marks[0].end, 19);
	page_marked(&pg, hj.hit.snippet, hj.hit.snippet_len, hj.hit.marks, hj.hit.nmarks);
	s = page_take(&pg, NULL);
	assert_string_equal(s, "\xd9\x85\xd8\xac\xd9\x84\xd8\xb3 <mark>\xd8\xa7\xd9\x84\xd8\xa3"
	                       "\xd9\x85\xd9\x86</mark><mark>!</mark>");
	free(s);
	json_decref(o);
	/* the snippet as hark writes it today: a string, shown without marks */
	o = json_loads("{\"id\": \"h_1\", \"rule\": {\"id\": \"r\"}, \"article\": {\"id\": \"a\"},"
	               " \"snippet\": \"\\u00abAssad\\u00bb\"}",
	               0, &err);
	assert_non_null(o);
	assert_int_equal(page_hit_from_json(o, &hj), 0);
	assert_string_equal(hj.hit.snippet, "\u00abAssad\u00bb");
	assert_int_equal(hj.hit.nmarks, 0);
	assert_null(hj.hit.title);
	json_decref(o);
	/* not a hit object */
	o = json_loads("{\"id\": \"h_1\", \"rule\": {\"id\": 3}, \"article\": {\"id\": \"a\"}}", 0,
	               &err);
	assert_non_null(o);
	assert_int_equal(page_hit_from_json(o, &hj), -1);
	json_decref(o);
	o = json_loads("[1]", 0, &err);
	assert_int_equal(page_hit_from_json(o, &hj), -1);
	json_decref(o);
}

static void
test_chart(void **state)
{
	unsigned c[30] = {0};
	struct page pg = {0};
	char *s;
	size_t len, rects = 0;
	xmlDocPtr doc;

	(void)state;
	c[0] = 1;
	c[10] = 7;
	c[29] = 3;
	page_chart(&pg, c, 30);
	s = page_take(&pg, &len);
	{
		const char *want = "<svg class=\"chart\" role=\"img\" aria-label=\"Hits per day "
		                   "over the last 30 days: 11 in all, at most 7 in a day\"";

		assert_true(strncmp(s, want, strlen(want)) == 0);
	}
	assert_non_null(strstr(
	    s, "<title>Hits per day over the last 30 days: 11 in all, at most 7 in a day</title>"));
	for (const char *p = s; (p = strstr(p, "<rect")) != NULL; p++)
		rects++;
	assert_int_equal(rects, 3);
	/* the tallest bar is full height; one hit still shows */
	assert_non_null(strstr(s, "<rect x=\"50\" y=\"0\" width=\"4\" height=\"40\"/>"));
	assert_non_null(strstr(s, "<rect x=\"0\" y=\"34\" width=\"4\" height=\"6\"/>"));
	doc = xmlReadMemory(s, (int)len, "chart.svg", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	free(s);
	/* all zero, and no day at all */
	memset(c, 0, sizeof(c));
	page_chart(&pg, c, 30);
	page_chart(&pg, NULL, 0);
	s = page_take(&pg, &len);
	assert_null(strstr(s, "<rect"));
	assert_non_null(strstr(s, "0 in all, at most 0 in a day"));
	free(s);
}

/* The rules pages: every field of a rule hostile, and the facts of a plain one. */
static void
test_rules_pages(void **state)
{
	unsigned days[30] = {0};
	struct page pg = {0};
	char *s;
	size_t len;

	(void)state;
	days[29] = 2;
	for (size_t i = 0; i < NHOSTILE; i++) {
		const char *v[1] = {hostile[i]};
		struct page_rule r[2] = {{0}};
		struct page_hit h = hit_of(hostile[i], NULL, 0);

		r[0].id = r[0].name = r[0].query = r[0].file = r[0].last_hit = r[0].muted_until =
		    hostile[i];
		r[0].tags = r[0].langs = r[0].notify = v;
		r[0].ntags = r[0].nlangs = r[0].nnotify = 1;
		r[0].per_day = days;
		r[0].ndays = 30;
		r[1].id = "plain";
		page_rules(&pg, r, 2);
		s = page_take(&pg, &len);
		assert_non_null(s);
		check_inert(s, len);
		free(s);
		page_rule(&pg, &r[0], &h, 1);
		s = page_take(&pg, &len);
		assert_non_null(s);
		check_inert(s, len);
		free(s);
	}
	{
		const char *tags[] = {"geo", "n\u00e4ture"}, *notify[] = {"none"};
		struct page_rule r = {.id = "hit2",
		                      .name = "Two hits",
		                      .query = "\"lava flow\"\nOR Volcano",
		                      .tags = tags,
		                      .ntags = 2,
		                      .notify = notify,
		                      .nnotify = 1,
		                      .file = "/etc/hark/w.rules",
		                      .line = 7,
		                      .enabled = 1,
		                      .hits_24h = 2,
		                      .hits_7d = 3,
		                      .hits_30d = 4,
		                      .per_day = days,
		                      .ndays = 30};

		page_rules(&pg, &r, 1);
		s = page_take(&pg, &len);
		assert_non_null(strstr(s, "<a href=\"/rules/hit2\" dir=\"auto\">Two hits</a>"));
		assert_non_null(strstr(s, "<a href=\"/?rule=hit2\">"));
		assert_non_null(strstr(s, "<a class=\"tag\" href=\"/?tag=n%C3%A4ture\""));
		assert_non_null(strstr(
		    s,
		    "<code class=\"query\" dir=\"auto\">&quot;lava flow&quot;\nOR Volcano</code>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Hits, 24 h</th><td>2</td>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Hits, 7 days</th><td>3</td>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Hits, 30 days</th><td>4</td>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Last hit</th><td>never</td>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Language</th><td>any</td>"));
		assert_non_null(strstr(s, "<th scope=\"row\">Muted</th><td>no</td>"));
		assert_non_null(strstr(s, "/etc/hark/w.rules</span>:7"));
		assert_non_null(strstr(s, "<svg class=\"chart\" role=\"img\""));
		assert_non_null(strstr(s, "aria-current=\"page\">Rules</a>"));
		free(s);
		page_rule(&pg, &r, NULL, 0);
		s = page_take(&pg, &len);
		assert_non_null(strstr(s, "<title>Two hits - hark</title>"));
		assert_non_null(strstr(s, "<p class=\"empty\">No hits.</p>"));
		free(s);
		/* not muted: the forms that mute it, none that unmutes it */
		page_rule(&pg, &r, NULL, 0);
		s = page_take(&pg, &len);
		assert_non_null(
		    strstr(s, "<form class=\"mute\" method=\"post\" action=\"/rules/hit2/mute\">"));
		assert_non_null(
		    strstr(s, "<button type=\"submit\" name=\"for\" value=\"2d\">2 days</button>"));
		assert_null(strstr(s, "/unmute"));
		free(s);
		/* muted: until when, a machine-readable time, and the form that unmutes it */
		r.muted_until = "2026-12-08T10:00:00Z";
		page_rule(&pg, &r, NULL, 0);
		s = page_take(&pg, &len);
		assert_non_null(
		    strstr(s, "<form class=\"mute\" method=\"post\" action=\"/rules/hit2/unmute\">"
		              "<button type=\"submit\">Unmute</button></form>"));
		assert_non_null(strstr(
		    s, "<th scope=\"row\">Muted</th><td><span class=\"muted\">muted until "
		       "<time datetime=\"2026-12-08T10:00:00Z\">2026-12-08 10:00 +00:00</time>"
		       "</span></td>"));
		free(s);
	}
}

static void
test_long_title(void **state)
{
	size_t n = 100 * 1024;
	char *title = malloc(n + 1), *s;
	struct page_hit h = {0};
	struct page_feed f = {"https://hark.example.org/", NULL, NULL, NULL,
	                      "2026-12-06T12:00:00Z"};
	struct page pg = {0};
	size_t len;

	(void)state;
	for (size_t i = 0; i < n; i++)
		title[i] = "<a&\"b'>\xd8\xb9"[i % 8]; /* cut letters too */
	title[n] = '\0';
	h.id = "h_1";
	h.detected_at = "2026-12-06T10:00:00Z";
	h.rule_id = "r";
	h.article_id = "a_1";
	h.title = title;
	h.snippet = title;
	h.snippet_len = n;
	page_hits(&pg, &h, 1, NULL, NULL);
	s = page_take(&pg, &len);
	assert_non_null(s);
	assert_true(len > n);
	check_inert(s, len);
	free(s);
	assert_int_equal(page_atom(&pg, &f, &h, 1), 0);
	s = page_take(&pg, &len);
	assert_true(len > 2 * n);
	check_atom(s, len, 1);
	free(s);
	free(title);
}

/*
 * Times in the zone the shell hands over (a value: page.h's struct
 * page_zone), their offset shown, the UTC instant kept in datetime: each
 * time at the offset in force at it (winter, summer), a negative one, the
 * day of page_day() in the zone, no zone as +00:00, a text that is no
 * date as text; the hits, rules, article, feeds and deliveries pages.
 */
static void
test_zone(void **state)
{
	/* Europe/Paris in 2026: +01:00, +02:00 from 03-29 01:00Z, +01:00 from 10-25 01:00Z */
	static const struct page_zone_span paris[] = {
	    {1767225600, 3600}, {1774746000, 7200}, {1792890000, 3600}};
	static const struct page_zone_span ny[] = {{0, -5 * 3600}};
	const struct page_zone zp = {paris, 3}, zn = {ny, 1}, empty = {NULL, 0};
	struct page pg = {.zone = &zp};
	char *s;

	(void)state;
	assert_int_equal(page_zone_offset(&zp, 1774745999), 3600);
	assert_int_equal(page_zone_offset(&zp, 1774746000), 7200);
	assert_int_equal(page_zone_offset(&zp, 1792890000), 3600);
	assert_int_equal(page_zone_offset(&zp, 0), 3600); /* before the table: its first */
	assert_int_equal(page_zone_offset(&empty, 1774746000), 0);
	assert_int_equal(page_zone_offset(NULL, 1774746000), 0);

	page_time(&pg, "2026-12-07T08:14:03Z");
	page_raw(&pg, "|");
	page_time(&pg, "2026-07-01T10:00:00Z");
	page_raw(&pg, "|");
	/* any date date_normalize() reads: an RSS pubDate */
	page_time(&pg, "Sun, 29 Mar 2026 00:59:59 GMT");
	page_raw(&pg, "|");
	page_day(&pg, "2026-09-01T22:30:00Z"); /* 00:30 the next day in Paris */
	page_raw(&pg, "|");
	page_time(&pg, "<b>yesterday</b>");
	s = page_take(&pg, NULL);
	assert_string_equal(
	    s, "<time datetime=\"2026-12-07T08:14:03Z\">2026-12-07 09:14 +01:00</time>|"
	       "<time datetime=\"2026-07-01T10:00:00Z\">2026-07-01 12:00 +02:00</time>|"
	       "<time datetime=\"2026-03-29T00:59:59Z\">2026-03-29 01:59 +01:00</time>|"
	       "<time datetime=\"2026-09-01T22:30:00Z\">2026-09-02</time>|"
	       "<span dir=\"auto\">&lt;b&gt;yesterday&lt;/b&gt;</span>");
	free(s);
	/* page_take kept the zone */
	assert_ptr_equal(pg.zone, &zp);
	pg.zone = &zn;
	page_time(&pg, "2026-12-07T03:05:00Z");
	s = page_take(&pg, NULL);
	assert_string_equal(
	    s, "<time datetime=\"2026-12-07T03:05:00Z\">2026-12-06 22:05 -05:00</time>");
	free(s);
	pg.zone = NULL;
	page_time(&pg, "2026-12-07T03:05:00Z");
	s = page_take(&pg, NULL);
	assert_string_equal(
	    s, "<time datetime=\"2026-12-07T03:05:00Z\">2026-12-07 03:05 +00:00</time>");
	free(s);

	/* the pages */
	pg.zone = &zp;
	{
		struct page_hit h = {.id = "h_1",
		                     .detected_at = "2026-12-07T08:14:03Z",
		                     .rule_id = "assad",
		                     .article_id = "a_1"};
		struct page_filters f = {0};

		page_hits(&pg, &h, 1, &f, NULL);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s,
		                       "<p class=\"meta\"><time datetime=\"2026-12-07T08:14:03Z\">"
		                       "2026-12-07 09:14 +01:00</time> "));
		free(s);
	}
	{
		struct page_rule r = {.id = "assad",
		                      .query = "Assad",
		                      .enabled = 1,
		                      .last_hit = "2026-07-01T10:00:00Z",
		                      .muted_until = "2026-12-08T10:00:00Z"};

		page_rules(&pg, &r, 1);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s,
		                       "<time datetime=\"2026-07-01T10:00:00Z\">2026-07-01 12:00 "
		                       "+02:00</time>"));
		assert_non_null(strstr(s, "muted until <time datetime=\"2026-12-08T10:00:00Z\">"
		                          "2026-12-08 11:00 +01:00</time>"));
		free(s);
	}
	{
		struct page_article a = {.id = "a_1", .published = "2026-07-01T10:00:00Z"};

		page_article(&pg, &a);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s, "<th scope=\"row\">Published</th><td><time "
		                          "datetime=\"2026-07-01T10:00:00Z\">2026-07-01 12:00 "
		                          "+02:00</time></td>"));
		free(s);
	}
	{
		struct page_feed_row fr = {
		    "reuters", "https://example.org/rss", "2026-12-07T08:00:00Z",
		    NULL,      "2026-12-07T08:15:00Z",    0,
		    0};
		struct page_delivery dl = {7,
		                           "hook",
		                           "pending",
		                           "h_1",
		                           "assad",
		                           1,
		                           500,
		                           "boom",
		                           "2026-12-07T08:01:00Z",
		                           "2026-12-07T08:02:00Z"};

		page_feeds(&pg, &fr, 1);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s, "<td><time datetime=\"2026-12-07T08:00:00Z\">2026-12-07 "
		                          "09:00 +01:00</time></td>"));
		assert_non_null(strstr(s, "<td><time datetime=\"2026-12-07T08:15:00Z\">2026-12-07 "
		                          "09:15 +01:00</time></td>"));
		free(s);
		page_deliveries(&pg, &dl, 1, NULL, 0, NULL);
		s = page_take(&pg, NULL);
		assert_non_null(strstr(s, ">2026-12-07 09:01 +01:00</time></td>"));
		assert_non_null(strstr(s, ">2026-12-07 09:02 +01:00</time></td>"));
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_hits_no_rule),
	    cmocka_unit_test(test_hits_no_tag),
	    cmocka_unit_test(test_hits_error),
	    cmocka_unit_test(test_rule_gone),
	    cmocka_unit_test(test_bidi),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_query),
	    cmocka_unit_test(test_marks),
	    cmocka_unit_test(test_hostile_pages),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_hits_page),
	    cmocka_unit_test(test_article_page),
	    cmocka_unit_test(test_atom),
	    cmocka_unit_test(test_atom_hostile),
	    cmocka_unit_test(test_from_json),
	    cmocka_unit_test(test_from_hit_to_json),
	    cmocka_unit_test(test_hit_json_rebase),
	    cmocka_unit_test(test_chart),
	    cmocka_unit_test(test_rules_pages),
	    cmocka_unit_test(test_long_title),
	    cmocka_unit_test(test_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
