/*
 * Unit tests for opml.c: OPML 1.0 and 2.0 into outlines (nested categories,
 * outlines without xmlUrl, entities, windows-1252, broken files, entity and
 * size bounds), language tags, section names and their uniqueness.
 * Fixtures are in tests/opml/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdata.h"

#include "opml.h"

/* Parse tests/opml/<name>, which must parse. */
static void
parse_fixture(const char *name, struct opml *o)
{
	char rel[256], err[256] = "unset";
	size_t len;
	char *s;

	snprintf(rel, sizeof(rel), "opml/%s", name);
	s = testdata_read(rel, &len);
	if (opml_parse(s, len, o, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	assert_string_equal(err, "");
	free(s);
}

/* Parse a string that must fail; returns the reason in err. */
static void
parse_fails(const char *s, char *err, size_t errsz)
{
	struct opml o;

	assert_int_equal(opml_parse(s, strlen(s), &o, err, errsz), -1);
	assert_int_equal(o.n, 0);
	assert_null(o.outlines);
	assert_null(o.title);
	assert_non_null(strchr(err, '\0'));
	assert_null(strchr(err, '\n'));
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
check_outline(const struct opml_outline *ol, const char *title, const char *xml_url,
              const char *html_url, const char *language, const char *category)
{
	assert_str_or_null(ol->title, title);
	assert_string_equal(ol->xml_url, xml_url);
	assert_str_or_null(ol->html_url, html_url);
	assert_str_or_null(ol->language, language);
	assert_str_or_null(ol->category, category);
}

static void
test_nested(void **state)
{
	struct opml o;

	(void)state;
	parse_fixture("nested.opml", &o);
	assert_string_equal(o.title, "My subscriptions");
	assert_string_equal(o.charset, "utf-8");
	/* the folders, the type="link" outline and the empty folder give nothing */
	assert_int_equal(o.n, 8);
	check_outline(&o.outlines[0], "Reuters: World News", "https://example.org/world/rss.xml",
	              "https://example.org/world", "en-US", "News / World");
	/* libxml2 numbers a start tag by the line where it ends */
	assert_int_equal(o.outlines[0].line, 12);
	check_outline(&o.outlines[1], "Le Monde — Actualités",
	              "https://www.lemonde.example/rss/une.xml", "https://www.lemonde.example/",
	              "fr", "News / World");
	/* text wins over title for the category too */
	check_outline(&o.outlines[2], "Enab Baladi", "https://enabbaladi.example/feed/", NULL, "ar",
	              "News / Syria");
	check_outline(&o.outlines[3], "Enab Baladi", "https://english.enabbaladi.example/feed/",
	              NULL, "english", "News / Syria");
	/* back at the top: no category */
	check_outline(&o.outlines[4], "Only a title attribute", "http://blog.example.net/atom.xml",
	              NULL, NULL, NULL);
	check_outline(&o.outlines[5], "عنب بلدي", "https://www.enabbaladi.example/ar/feed", NULL,
	              NULL, NULL);
	/* not a URL hark fetches, but an xmlUrl: the command decides */
	check_outline(&o.outlines[6], "Podcast over FTP", "ftp://files.example.com/podcast.xml",
	              NULL, NULL, NULL);
	assert_int_equal(o.outlines[6].line, 23);
	check_outline(&o.outlines[7], "Reuters: World News", "https://example.org/world/rss2.xml",
	              NULL, NULL, NULL);
	opml_free(&o);
	assert_int_equal(o.n, 0);
	assert_null(o.outlines);
}

static void
test_opml1(void **state)
{
	struct opml o;

	(void)state;
	parse_fixture("opml1.opml", &o);
	assert_string_equal(o.title, "mySubscriptions.opml");
	/* the declaration says ISO-8859-1: read as windows-1252, as browsers do */
	assert_string_equal(o.charset, "windows-1252");
	assert_int_equal(o.n, 3);
	check_outline(&o.outlines[0], "CNET News.com", "http://news.com.com/2547-1_3-0-5.xml",
	              "http://news.com.com/", "unknown", NULL);
	check_outline(&o.outlines[1], "washingtonpost.com - Politics",
	              "http://www.washingtonpost.com/wp-srv/politics/rssheadlines.xml",
	              "http://www.washingtonpost.com/wp-dyn/politics?nav=rss_politics", "unknown",
	              NULL);
	/* text="" and no title: no title */
	check_outline(&o.outlines[2], NULL, "http://www.scripting.com/rss.xml", NULL, NULL, NULL);
	opml_free(&o);
}

static void
test_entities(void **state)
{
	struct opml o;

	(void)state;
	parse_fixture("entities.opml", &o);
	/* the external entity is never loaded: it reads as nothing */
	assert_string_equal(o.title, "Entities & references");
	assert_int_equal(o.n, 2);
	check_outline(&o.outlines[0], "Example & Sons — Daily",
	              "https://feeds.example.org/daily.xml?a=1&b=2", "https://feeds.example.org/",
	              NULL, NULL);
	/* character references decoded, the URL trimmed */
	check_outline(&o.outlines[1], "Café <news>", "https://cafe.example/rss", NULL, NULL, NULL);
	opml_free(&o);
}

static void
test_windows1252(void **state)
{
	struct opml o;

	(void)state;
	parse_fixture("cp1252.opml", &o);
	assert_string_equal(o.charset, "windows-1252");
	assert_string_equal(o.title, "Flux français");
	assert_int_equal(o.n, 2);
	/* 0x96 is an en dash and 0x93/0x94 quotes in windows-1252, not C1 controls */
	check_outline(&o.outlines[0], "Les Échos – Économie", "https://echos.example/rss.xml", NULL,
	              "fr-FR", NULL);
	check_outline(&o.outlines[1], "Straße “Nachrichten”", "https://strasse.example/feed", NULL,
	              NULL, NULL);
	opml_free(&o);
}

static void
test_broken(void **state)
{
	struct opml o;
	char err[256], *s;
	size_t len;

	(void)state;
	s = testdata_read("opml/broken.opml", &len);
	assert_int_equal(opml_parse(s, len, &o, err, sizeof(err)), -1);
	free(s);
	assert_string_equal(
	    err, "OPML line 7: Opening and ending tag mismatch: outline line 6 and body");
	assert_int_equal(o.n, 0);
	assert_null(o.outlines);

	/* internal entities within libxml2's limits, past the walk's budget */
	s = testdata_read("opml/laughs.opml", &len);
	assert_int_equal(opml_parse(s, len, &o, err, sizeof(err)), -1);
	free(s);
	assert_string_equal(err, "OPML line 10: entity references expand too much");
}

static void
test_not_opml(void **state)
{
	char err[256];

	(void)state;
	parse_fails("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>", err,
	            sizeof(err));
	assert_string_equal(err, "OPML line 2: root element <rss>, not <opml>");
	parse_fails("<opml version=\"2.0\">\n<head/>\n</opml>", err, sizeof(err));
	assert_string_equal(err, "OPML line 1: <opml> has no <body>");
	parse_fails("", err, sizeof(err));
	assert_string_equal(err, "OPML line 1: Document is empty");
	parse_fails("<opml><body>\n<outline text=\"a & b\" xmlUrl=\"https://x.example/\"/>"
	            "</body></opml>",
	            err, sizeof(err));
	assert_true(strncmp(err, "OPML line 2: ", 13) == 0);
	/* an undeclared named entity is an error, not a silent loss */
	parse_fails("<opml><body>\n\n<outline text=\"&nbsp;\" xmlUrl=\"https://x.example/\"/>"
	            "</body></opml>",
	            err, sizeof(err));
	assert_string_equal(err, "OPML line 3: Entity 'nbsp' not defined");
	/* a short err buffer gets a cut, terminated message */
	parse_fails("<rss/>", err, 10);
	assert_string_equal(err, "OPML line");
}

static void
test_odd_but_fine(void **state)
{
	static const char doc[] =
	    "\xEF\xBB\xBF<opml xmlns=\"http://opml.org/spec2\" version=\"2.0\"><body>"
	    "<outline text=\"  Spaced \n\t out  \" XMLURL=\"https://a.example/rss\" "
	    "htmlUrl=\"   \" language=\"\"/>"
	    "<outline text=\"   \" title=\"From title\" xmlUrl=\"https://b.example/rss\"/>"
	    "<outline text=\"no url\" xmlUrl=\"   \"><outline xmlUrl=\"https://c.example/\"/>"
	    "</outline>"
	    "</body></opml>";
	struct opml o;
	char err[256];

	(void)state;
	assert_int_equal(opml_parse(doc, sizeof(doc) - 1, &o, err, sizeof(err)), 0);
	assert_null(o.title);
	assert_int_equal(o.n, 3);
	/* a default namespace, attribute case, white space: all forgiven */
	check_outline(&o.outlines[0], "Spaced out", "https://a.example/rss", NULL, NULL, NULL);
	/* a blank text gives way to the title */
	check_outline(&o.outlines[1], "From title", "https://b.example/rss", NULL, NULL, NULL);
	/* a blank xmlUrl is no feed, but a folder */
	check_outline(&o.outlines[2], NULL, "https://c.example/", NULL, NULL, "no url");
	opml_free(&o);
}

static void
test_deep_categories(void **state)
{
	struct opml o;
	char err[256];
	char *doc = malloc(200000), *p = doc;
	int depth = 200;

	(void)state;
	assert_non_null(doc);
	p += sprintf(p, "<opml><body>");
	for (int i = 0; i < depth; i++) {
		p += sprintf(p, "<outline text=\"");
		for (int k = 0; k < 20; k++)
			*p++ = (char)('a' + i % 26);
		p += sprintf(p, "\">");
	}
	p += sprintf(p, "<outline text=\"leaf\" xmlUrl=\"https://deep.example/\"/>");
	for (int i = 0; i < depth; i++)
		p += sprintf(p, "</outline>");
	p += sprintf(p, "</body></opml>");
	assert_int_equal(opml_parse(doc, (size_t)(p - doc), &o, err, sizeof(err)), 0);
	assert_int_equal(o.n, 1);
	/* the path is cut at OPML_CATEGORY_MAX */
	assert_true(strlen(o.outlines[0].category) <= OPML_CATEGORY_MAX);
	assert_true(strlen(o.outlines[0].category) > OPML_CATEGORY_MAX - 30);
	assert_true(strncmp(o.outlines[0].category, "aaaaaaaaaaaaaaaaaaaa / bbbb", 27) == 0);
	opml_free(&o);
	free(doc);
}

static void
test_lang(void **state)
{
	char ll[3];

	(void)state;
	assert_int_equal(opml_lang("en", ll), 0);
	assert_string_equal(ll, "en");
	assert_int_equal(opml_lang("en-US", ll), 0);
	assert_string_equal(ll, "en");
	assert_int_equal(opml_lang("FR_ca", ll), 0);
	assert_string_equal(ll, "fr");
	assert_int_equal(opml_lang(" ar ", ll), 0);
	assert_string_equal(ll, "ar");
	assert_int_equal(opml_lang(NULL, ll), -1);
	assert_int_equal(opml_lang("", ll), -1);
	assert_int_equal(opml_lang("e", ll), -1);
	assert_int_equal(opml_lang("eng", ll), -1);
	assert_int_equal(opml_lang("unknown", ll), -1);
	assert_int_equal(opml_lang("x-klingon", ll), -1);
	assert_int_equal(opml_lang("é", ll), -1);
	assert_int_equal(opml_lang("1a", ll), -1);
}

static void
test_slug(void **state)
{
	char s[OPML_NAME_MAX + 1];

	(void)state;
	opml_slug("Reuters: World News", NULL, s);
	assert_string_equal(s, "reuters-world-news");
	opml_slug("  --Le Monde — Actualités!  ", "x.example", s);
	assert_string_equal(s, "le-monde-actualites");
	opml_slug("Straße ﬁnance", NULL, s);
	assert_string_equal(s, "strasse-finance");
	/* nothing ASCII in the title: the host, without www. */
	opml_slug("عنب بلدي", "www.enabbaladi.example", s);
	assert_string_equal(s, "enabbaladi-example");
	opml_slug(NULL, "WWW.Example.ORG", s);
	assert_string_equal(s, "example-org");
	opml_slug("", "www.", s);
	assert_string_equal(s, "www");
	opml_slug("---", "", s);
	assert_string_equal(s, "feed");
	opml_slug(NULL, NULL, s);
	assert_string_equal(s, "feed");
	/* at most 40, no dash left at the end by the cut */
	opml_slug("A very long title that goes on and on past forty characters", NULL, s);
	assert_string_equal(s, "a-very-long-title-that-goes-on-and-on");
	assert_true(strlen(s) <= OPML_NAME_MAX);
	opml_slug("0123456789012345678901234567890123456789012345", NULL, s);
	assert_string_equal(s, "0123456789012345678901234567890123456789");
	/* invalid UTF-8 is read byte by byte */
	opml_slug("caf\xe9 bar", NULL, s);
	assert_string_equal(s, "caf-bar");
}

static void
test_names(void **state)
{
	struct opml_names *ns = opml_names_new();
	char out[OPML_NAME_MAX + 1], base[OPML_NAME_MAX + 1];

	(void)state;
	assert_non_null(ns);
	assert_int_equal(opml_names_add(ns, "foo", out), 0);
	assert_string_equal(out, "foo");
	assert_int_equal(opml_names_add(ns, "foo", out), 0);
	assert_string_equal(out, "foo-2");
	/* a title that slugs to foo-3 takes it first: the next foo skips it */
	assert_int_equal(opml_names_add(ns, "foo-3", out), 0);
	assert_string_equal(out, "foo-3");
	assert_int_equal(opml_names_add(ns, "foo", out), 0);
	assert_string_equal(out, "foo-4");
	/* foo-2 as a base of its own */
	assert_int_equal(opml_names_add(ns, "foo-2", out), 0);
	assert_string_equal(out, "foo-2-2");
	/* a base of 40 is cut to make room for the suffix, never past 40 */
	memset(base, 'x', OPML_NAME_MAX);
	base[OPML_NAME_MAX] = '\0';
	base[37] = '-';
	assert_int_equal(opml_names_add(ns, base, out), 0);
	assert_string_equal(out, base);
	assert_int_equal(opml_names_add(ns, base, out), 0);
	/* cut to 38, and the dash at 37 goes too */
	assert_string_equal(out, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-2");
	assert_int_equal(strlen(out), 39);
	/* many: the table grows, every name stays unique and short */
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(opml_names_add(ns, "feed", out), 0);
		assert_true(strlen(out) <= OPML_NAME_MAX);
	}
	assert_string_equal(out, "feed-2000");
	assert_int_equal(opml_names_add(ns, "feed-1999", out), 0);
	assert_string_equal(out, "feed-1999-2");
	opml_names_free(ns);
	opml_names_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested),       cmocka_unit_test(test_opml1),
	    cmocka_unit_test(test_entities),     cmocka_unit_test(test_windows1252),
	    cmocka_unit_test(test_broken),       cmocka_unit_test(test_not_opml),
	    cmocka_unit_test(test_odd_but_fine), cmocka_unit_test(test_deep_categories),
	    cmocka_unit_test(test_lang),         cmocka_unit_test(test_slug),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
