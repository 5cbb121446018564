/*
 * Unit tests for mediatype.c (a Content-Type into the format it declares
 * and its charset) and for extract_bytes() reading a declared format
 * rather than sniffing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "extract.h"
#include "mediatype.h"

static void
test_known(void **state)
{
	static const struct {
		const char *v, *type, *charset;
		enum extract_declared as;
	} rows[] = {
	    {NULL, "", "", EXTRACT_SNIFF},
	    {"", "", "", EXTRACT_SNIFF},
	    {"  \t", "", "", EXTRACT_SNIFF},
	    {"application/json", "application/json", "", EXTRACT_AS_JSON},
	    {"Application/JSON; charset=UTF-8", "application/json", "UTF-8", EXTRACT_AS_JSON},
	    {"text/plain;charset=\"koi8-r\"", "text/plain", "koi8-r", EXTRACT_AS_TEXT},
	    {"text/plain ; format=flowed ; charset=latin1", "text/plain", "latin1",
	     EXTRACT_AS_TEXT},
	    {"text/markdown; variant=GFM", "text/markdown", "", EXTRACT_AS_MARKDOWN},
	    {"text/x-markdown", "text/x-markdown", "", EXTRACT_AS_MARKDOWN},
	    {"text/html; charset=windows-1256", "text/html", "windows-1256", EXTRACT_AS_HTML},
	    {"application/xhtml+xml", "application/xhtml+xml", "", EXTRACT_AS_HTML},
	    {"text/json", "text/json", "", EXTRACT_AS_JSON},
	    {"application/rss+xml", "application/rss+xml", "", EXTRACT_AS_FEED},
	    {"application/atom+xml;type=feed", "application/atom+xml", "", EXTRACT_AS_FEED},
	    {"application/rdf+xml", "application/rdf+xml", "", EXTRACT_AS_FEED},
	    {"application/feed+json", "application/feed+json", "", EXTRACT_AS_FEED},
	    {"text/xml", "text/xml", "", EXTRACT_AS_FEED},
	    {"application/xml", "application/xml", "", EXTRACT_AS_FEED},
	    {"application/octet-stream", "application/octet-stream", "", EXTRACT_SNIFF},
	    /* an empty parameter, as browsers allow; a quoted pair kept unquoted */
	    {"text/plain;; charset=\"utf\\-8\"", "text/plain", "utf-8", EXTRACT_AS_TEXT},
	    /* the last charset wins */
	    {"text/plain; charset=utf-16; charset=latin1", "text/plain", "latin1", EXTRACT_AS_TEXT},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mediatype m;

		err[0] = '\0';
		assert_int_equal(mediatype_parse(rows[i].v, &m, err, sizeof(err)), 0);
		assert_string_equal(m.type, rows[i].type);
		assert_string_equal(m.charset, rows[i].charset);
		assert_int_equal(m.as, rows[i].as);
	}
}

static void
test_refused(void **state)
{
	static const struct {
		const char *v;
		int rc;
		const char *err;
	} rows[] = {
	    {"image/png", -2, "unsupported Content-Type 'image/png'"},
	    {"application/x-www-form-urlencoded", -2,
	     "unsupported Content-Type 'application/x-www-form-urlencoded'"},
	    {"multipart/form-data; boundary=x", -2,
	     "unsupported Content-Type 'multipart/form-data'"},
	    {"TEXT/CSV", -2, "unsupported Content-Type 'text/csv'"},
	    {"text/plain; charset=klingon-8", -2,
	     "unsupported charset 'klingon-8' in the Content-Type"},
	    {"text", -1, "Content-Type 'text' is not a media type (type/subtype)"},
	    {"text/", -1, "Content-Type 'text/' has no subtype"},
	    {"/html", -1, "Content-Type '/html' is not a media type (type/subtype)"},
	    {"text/html charset=utf-8", -1,
	     "Content-Type 'text/html?charset=utf-8': 'c' where ';' was expected"},
	    {"text/html; charset", -1, "a parameter is not name=value"},
	    {"text/html; charset=", -1, "a parameter has no value"},
	    {"text/html; charset=\"utf-8", -1, "a quoted value is not closed"},
	    {"text/html; =x", -1, "a parameter is not name=value"},
	    {"text/html; charset=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1,
	     "the charset is too long (48 bytes)"},
	    {"a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	     -1, "is too long"},
	    /* what the client sent is shown as printable ASCII only */
	    {"te\x01xt/\xc3\xa9", -1,
	     "Content-Type 'te?xt/?"
	     "?' is not a media type"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mediatype m;
		char err[256] = "";

		assert_int_equal(mediatype_parse(rows[i].v, &m, err, sizeof(err)), rows[i].rc);
		if (strstr(err, rows[i].err) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", rows[i].v, err, rows[i].err);
		assert_null(strchr(err, '\n'));
	}
}

/* s extracted as declared: the body of its one document, or NULL with err. */
static const char *
extract_as(const char *s, enum extract_declared d, struct extraction *x, char *err)
{
	struct extract_opts o = {.source = "api", .declared = d};

	if (extract_bytes(s, strlen(s), &o, x, err, 256) < 0)
		return NULL;
	assert_int_equal(x->ndocs, 1);
	return x->docs[0].field[F_BODY];
}

static void
test_declared(void **state)
{
	struct extraction x;
	char err[256];
	const char *b;

	(void)state;
	/* HTML that does not open with '<' is HTML when declared so */
	b = extract_as("Acme <b>widgets</b>\n<p>sold <i>out</i></p>", EXTRACT_AS_HTML, &x, err);
	assert_non_null(b);
	assert_null(strchr(b, '<'));
	assert_non_null(strstr(b, "sold out"));
	assert_int_equal(x.format, FMT_HTML);
	extraction_free(&x);
	/* text that opens with '<' stays text */
	b = extract_as("<Acme>\n\nA <b>literal</b>.\n", EXTRACT_AS_TEXT, &x, err);
	assert_non_null(b);
	assert_non_null(strstr(b, "A <b>literal</b>."));
	assert_int_equal(x.format, FMT_TEXT);
	extraction_free(&x);
	/* declared Markdown is read, and named, as Markdown; the same bytes as text are text */
	b = extract_as("# Acme\n\n[Acme](http://zorglub.example) opens.\n", EXTRACT_AS_MARKDOWN, &x,
	               err);
	assert_non_null(b);
	assert_null(strstr(b, "zorglub"));
	assert_int_equal(x.format, FMT_MARKDOWN);
	assert_string_equal(extract_format_name(x.format), "markdown");
	extraction_free(&x);
	b = extract_as("# Acme\n\n[Acme](http://zorglub.example) opens.\n", EXTRACT_AS_TEXT, &x,
	               err);
	assert_non_null(b);
	assert_string_equal(x.docs[0].field[F_TITLE], "# Acme");
	assert_int_equal(x.format, FMT_TEXT);
	extraction_free(&x);
	/* front matter in declared text is front matter */
	b = extract_as("---\ntitle: T\nlang: de\n---\nAcme body.\n", EXTRACT_AS_TEXT, &x, err);
	assert_non_null(b);
	assert_int_equal(x.format, FMT_FRONTMATTER);
	assert_string_equal(x.docs[0].field[F_TITLE], "T");
	extraction_free(&x);
	/* broken JSON declared JSON is an error naming the cause; sniffed, it is text */
	assert_null(extract_as("{\"title\": 1", EXTRACT_AS_JSON, &x, err));
	assert_non_null(strstr(err, "JSON line 1"));
	b = extract_as("{\"title\": 1", EXTRACT_SNIFF, &x, err);
	assert_non_null(b);
	assert_int_equal(x.format, FMT_TEXT);
	extraction_free(&x);
	/* a JSON article's html is read as markup */
	b = extract_as("{\"title\": \"T\", \"html\": \"<p>Acme <b>x</b></p>\"}", EXTRACT_AS_JSON,
	               &x, err);
	assert_non_null(b);
	assert_string_equal(b, "Acme x");
	extraction_free(&x);
	/* a feed declared is read as one; HTML declared a feed is an error */
	{
		const char *rss = "<rss version=\"2.0\"><channel><title>t</title>"
		                  "<item><title>a</title><description>A one</description></item>"
		                  "<item><title>b</title><description>B two</description></item>"
		                  "</channel></rss>";
		struct extract_opts o = {.source = "api", .declared = EXTRACT_AS_FEED};

		assert_int_equal(extract_bytes(rss, strlen(rss), &o, &x, err, sizeof(err)), 0);
		assert_int_equal(x.format, FMT_FEED);
		assert_int_equal(x.ndocs, 2);
		extraction_free(&x);
		assert_int_equal(extract_bytes("<p>no</p>", 9, &o, &x, err, sizeof(err)), -1);
	}
}

/*
 * A published date nobody can read: left out, the article kept, and a
 * warning that names the field and quotes the value safely for a log line.
 */
static void
test_bad_date(void **state)
{
	struct extract_opts o = {.source = "api"};
	struct extraction x;
	char err[256];
	static const char garbage[] = "{\"title\":\"Zorb\",\"body\":\"The zorblax met.\","
	                              "\"published\":\"garbage\"}";
	static const char hostile[] = "{\"title\":\"Zorb\",\"body\":\"The zorblax met.\","
	                              "\"published\":\"x\\nfailed y: \\u202e'\\\\z\"}";
	static const char good[] = "{\"title\":\"Zorb\",\"body\":\"The zorblax met.\","
	                           "\"published\":\"2026-12-01T08:00:00Z\"}";
	/* an HTML page's date with a C1 control (U+009B, CSI to some terminals) and DEL */
	static const char c1[] = "<html><head><title>Zorb</title><meta "
	                         "property=\"article:published_time\" content=\"a\xc2\x9b"
	                         "31m b\x7f\"></head><body><p>The zorblax met.</p></body></html>";
	char longer[600];

	(void)state;
	assert_int_equal(extract_bytes(garbage, strlen(garbage), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.ndocs, 1);
	assert_null(x.docs[0].published);
	assert_string_equal(x.warning, "published: 'garbage' is not a date hark can read: left "
	                               "out, the article kept");
	extraction_free(&x);
	/* a newline, a bidi override, a quote and a backslash cannot reach the log as they are */
	assert_int_equal(extract_bytes(hostile, strlen(hostile), &o, &x, err, sizeof(err)), 0);
	assert_string_equal(x.warning, "published: 'x\\x0afailed y: \\u202e\\'\\\\z' is not a "
	                               "date hark can read: left out, the article kept");
	extraction_free(&x);
	assert_int_equal(extract_bytes(c1, strlen(c1), &o, &x, err, sizeof(err)), 0);
	assert_string_equal(x.warning, "published: 'a\\u009b31m b\\x7f' is not a date hark can "
	                               "read: left out, the article kept");
	extraction_free(&x);
	/* a long one is cut, the line whole */
	snprintf(longer, sizeof(longer),
	         "{\"title\":\"Zorb\",\"body\":\"The zorblax met.\",\"published\":\"%0500d\"}", 7);
	assert_int_equal(extract_bytes(longer, strlen(longer), &o, &x, err, sizeof(err)), 0);
	assert_non_null(
	    strstr(x.warning, "...' is not a date hark can read: left out, the article kept"));
	extraction_free(&x);
	assert_int_equal(extract_bytes(good, strlen(good), &o, &x, err, sizeof(err)), 0);
	assert_string_equal(x.warning, "");
	assert_string_equal(x.docs[0].published, "2026-12-01T08:00:00Z");
	extraction_free(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_declared),
	    cmocka_unit_test(test_bad_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
