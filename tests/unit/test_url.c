/*
 * Unit tests for url.c: canonical URLs (case, port, fragment, credentials,
 * dot segments, escapes, tracking parameters, AMP forms, the AMP cache,
 * IDN hosts, refusals) and RFC 3986 resolution of references.
 *
 * Tables: input, expected output (NULL: refused). Every canonical output is
 * also checked to be a fixed point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

struct canon_case {
	const char *in, *out;
};

static void
run_canon(const struct canon_case *c, size_t n)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		char *got = url_canonical(c[i].in), *again;

		if ((got == NULL) != (c[i].out == NULL) ||
		    (got != NULL && strcmp(got, c[i].out) != 0)) {
			print_error("url_canonical(\"%s\")\n   got %s\n  want %s\n", c[i].in,
			            got ? got : "NULL", c[i].out ? c[i].out : "NULL");
			bad++;
		}
		if (got != NULL) {
			again = url_canonical(got);
			if (again == NULL || strcmp(again, got) != 0) {
				print_error("not a fixed point: %s -> %s\n", got,
				            again ? again : "NULL");
				bad++;
			}
			free(again);
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

static void
test_scheme_host_port(void **state)
{
	static const struct canon_case c[] = {
	    {"HTTP://WWW.Example.COM/Actualites/Article",
	     "http://www.example.com/Actualites/Article"},
	    {"HtTpS://Presse.Example.ORG", "https://presse.example.org/"},
	    {"http://example.com:80/a", "http://example.com/a"},
	    {"https://example.com:443/a", "https://example.com/a"},
	    {"https://example.com:0443/a", "https://example.com/a"},
	    {"https://example.com:80/a", "https://example.com:80/a"},
	    {"http://example.com:443/a", "http://example.com:443/a"},
	    {"http://example.com:8080/a", "http://example.com:8080/a"},
	    {"http://example.com/a#section-2", "http://example.com/a"},
	    {"http://example.com/a?x=1#top", "http://example.com/a?x=1"},
	    {"http://redaction:secret@example.com/a", "http://example.com/a"},
	    {"http://example.com", "http://example.com/"},
	    {"http://example.com?id=5", "http://example.com/?id=5"},
	    {"http://example.com./a", "http://example.com/a"},
	    {"http://www.example.com/", "http://www.example.com/"},
	    {"http://[FE80::1%25eth0]:80/", "http://[fe80::1]/"},
	    {"http://0x7f.1/", "http://127.0.0.1/"},
	    {"http://%41%42.example.com/", "http://ab.example.com/"},
	    {"  http://example.com/a\n", "http://example.com/a"},
	    {"http://exam\tple.com/a", "http://example.com/a"},
	    /* IDN hosts stay in Unicode, in lower case (simple mapping) and NFC */
	    {"http://ÉTÉ.Example.FR/", "http://été.example.fr/"},
	    {"http://e\xCC\x81te\xCC\x81.fr/", "http://\xC3\xA9t\xC3\xA9.fr/"},
	    {"http://STRAẞE.de/", "http://straße.de/"},
	    {"https://مثال.إختبار/خبر", "https://مثال.إختبار/%D8%AE%D8%A8%D8%B1"},
	};

	(void)state;
	run_canon(c, sizeof(c) / sizeof(c[0]));
}

static void
test_path_and_escapes(void **state)
{
	static const struct canon_case c[] = {
	    {"http://example.com/a/./b/../c", "http://example.com/a/c"},
	    {"http://example.com/a/b/..", "http://example.com/a/"},
	    {"http://example.com/../../x", "http://example.com/x"},
	    /* dot segments hidden in escapes come out once decoded */
	    {"http://example.com/a/%2e%2E/b", "http://example.com/b"},
	    {"http://example.com/a/%2E/b", "http://example.com/a/b"},
	    {"http://example.com/%7Euser/", "http://example.com/~user/"},
	    {"http://example.com/%7euser/", "http://example.com/~user/"},
	    {"http://example.com/a%2fb", "http://example.com/a%2Fb"},
	    {"http://example.com/%41%62%2D%5F%30", "http://example.com/Ab-_0"},
	    {"http://example.com/r%c3%a9sum%C3%a9", "http://example.com/r%C3%A9sum%C3%A9"},
	    {"http://example.com/résumé", "http://example.com/r%C3%A9sum%C3%A9"},
	    {"http://example.com/a b", "http://example.com/a%20b"},
	    {"http://example.com/a\"b<c>", "http://example.com/a%22b%3Cc%3E"},
	    {"http://example.com/100%", "http://example.com/100%25"},
	    {"http://example.com/%zz", "http://example.com/%25zz"},
	    {"http://example.com/a;v=1/b:c@d!$'()*+,=", "http://example.com/a;v=1/b:c@d!$'()*+,="},
	    {"http://example.com/%3Fq%23f", "http://example.com/%3Fq%23f"},
	    {"http://example.com/%2525", "http://example.com/%2525"},
	    {"http://example.com//double", "http://example.com//double"},
	    {"http://example.com/?q=%7e%2f", "http://example.com/?q=~%2F"},
	};

	(void)state;
	run_canon(c, sizeof(c) / sizeof(c[0]));
}

static void
test_tracking(void **state)
{
	static const struct canon_case c[] = {
	    {"http://example.com/a?utm_source=rss&id=42&utm_medium=feed&page=2",
	     "http://example.com/a?id=42&page=2"},
	    {"http://example.com/a?UTM_Campaign=hiver&utm_content=x&utm_term=y",
	     "http://example.com/a"},
	    {"http://example.com/a?utm_=x&utmost=1", "http://example.com/a?utmost=1"},
	    {"http://example.com/a?fbclid=IwAR0xyz", "http://example.com/a"},
	    {"http://example.com/a?gclid=1&dclid=2&gbraid=3&wbraid=4&msclkid=5&z=6",
	     "http://example.com/a?z=6"},
	    {"http://example.com/a?mc_cid=1&mc_eid=2&igshid=3&yclid=4&_ga=5&_gl=6",
	     "http://example.com/a"},
	    {"http://example.com/a?ref_src=twsrc&ref_url=x&cmpid=1&ocid=2&s_kwcid=3&spm=4",
	     "http://example.com/a"},
	    {"http://example.com/a?__twitter_impression=true&at_medium=x&at_campaign=y&b=1",
	     "http://example.com/a?b=1"},
	    {"https://www.example.fr/monde/article_123.html?xtor=RSS-3208",
	     "https://www.example.fr/monde/article_123.html"},
	    /* order of the rest kept, empty parameters and an empty query dropped */
	    {"http://example.com/a?z=1&&y=2&x", "http://example.com/a?z=1&y=2&x"},
	    {"http://example.com/a?", "http://example.com/a"},
	    {"http://example.com/a?&&", "http://example.com/a"},
	    {"http://example.com/a?b=&c", "http://example.com/a?b=&c"},
	    /* an escaped name is the same name */
	    {"http://example.com/a?utm%5Fsource=x&k=v", "http://example.com/a?k=v"},
	    {"https://example.com/a?CMP=share_btn&WT.mc_id=x&smid=tw&p=1&utm_source",
	     "https://example.com/a?p=1"},
	    /* a tracking name as a value, or as part of a name, is kept */
	    {"http://example.com/a?gclid2=1&my_fbclid=2",
	     "http://example.com/a?gclid2=1&my_fbclid=2"},
	    {"http://example.com/a?tag=fbclid", "http://example.com/a?tag=fbclid"},
	};

	(void)state;
	run_canon(c, sizeof(c) / sizeof(c[0]));
}

static void
test_amp(void **state)
{
	static const struct canon_case c[] = {
	    {"https://example.com/2024/05/recit/amp", "https://example.com/2024/05/recit"},
	    {"https://example.com/2024/05/recit/amp/", "https://example.com/2024/05/recit/"},
	    {"https://example.com/amp/monde/recit", "https://example.com/monde/recit"},
	    {"https://example.com/amp/", "https://example.com/"},
	    {"https://example.com/monde/recit.amp.html", "https://example.com/monde/recit.html"},
	    {"https://example.com/news/world-12345.amp", "https://example.com/news/world-12345"},
	    {"https://example.com/x.amp.amp.html", "https://example.com/x.html"},
	    {"https://example.com/amp/amp/amp", "https://example.com/"},
	    {"https://example.com/recit?amp", "https://example.com/recit"},
	    {"https://example.com/recit?amp=1&id=3", "https://example.com/recit?id=3"},
	    {"https://example.com/recit?id=3&outputType=amp", "https://example.com/recit?id=3"},
	    {"https://amp.example.com/monde/recit", "https://example.com/monde/recit"},
	    {"https://AMP.Example.com/monde/recit", "https://example.com/monde/recit"},
	    /* not AMP forms */
	    {"https://amp.dev/", "https://amp.dev/"},
	    {"https://example.com/ampere/amp-stories", "https://example.com/ampere/amp-stories"},
	    {"https://example.com/recit?amp=0", "https://example.com/recit?amp=0"},
	    {"https://example.com/camp.html", "https://example.com/camp.html"},
	    {"https://example.com/..amp", "https://example.com/..amp"},
	    /* the Google AMP cache */
	    {"https://www-example-com.cdn.ampproject.org/c/s/www.example.com/monde/recit",
	     "https://www.example.com/monde/recit"},
	    {"https://www-example-com.cdn.ampproject.org/c/s/www.example.com/recit/amp/"
	     "?usqp=mq331AQ&id=1#aoh=1",
	     "https://www.example.com/recit/?id=1"},
	    {"https://example-com.cdn.ampproject.org/c/example.com/page.amp.html",
	     "http://example.com/page.html"},
	    {"https://www-example-com.cdn.ampproject.org/c/s/", NULL},
	};

	(void)state;
	run_canon(c, sizeof(c) / sizeof(c[0]));
}

static void
test_refused(void **state)
{
	static const struct canon_case c[] = {
	    {"ftp://example.com/a", NULL},
	    {"file:///etc/hosts", NULL},
	    {"mailto:redaction@example.com", NULL},
	    {"javascript:alert(1)", NULL},
	    {"not a url", NULL},
	    {"/relative/path", NULL},
	    {"../up", NULL},
	    {"example.com/a", NULL},
	    {"//example.com/a", NULL},
	    {"", NULL},
	    {"http://", NULL},
	    {"http://exa mple.com/", NULL},
	    {"http://example.com:65536/", NULL},
	    {"http://example.com:80a/", NULL},
	    {"http://./a", NULL},
	    {"http://ex%ffample.com/", NULL},
	    {"http://%4%42.example.com/", NULL},
	};

	(void)state;
	run_canon(c, sizeof(c) / sizeof(c[0]));
	assert_null(url_canonical(NULL));
}

static void
test_long(void **state)
{
	size_t n = 40000;
	char *s = malloc(n + 1), *c;

	(void)state;
	assert_non_null(s);
	memcpy(s, "http://example.com/", 19);
	memset(s + 19, 'a', n - 19);
	s[n] = '\0';
	assert_null(url_canonical(s)); /* longer than any article's address */
	s[2000] = '\0';
	c = url_canonical(s);
	assert_non_null(c);
	assert_string_equal(c, s);
	free(c);
	free(s);
}

struct resolve_case {
	const char *base, *ref, *out;
};

static void
test_resolve(void **state)
{
	static const char base[] = "http://a.example/b/c/d;p?q#frag";
	static const struct resolve_case c[] = {
	    {base, "../x", "http://a.example/b/x"},
	    {base, "/x", "http://a.example/x"},
	    {base, "x", "http://a.example/b/c/x"},
	    {base, "./x/", "http://a.example/b/c/x/"},
	    {base, "../../../x", "http://a.example/x"},
	    {base, "?q2", "http://a.example/b/c/d;p?q2"},
	    {base, "#f", "http://a.example/b/c/d;p?q#f"},
	    {base, "", "http://a.example/b/c/d;p?q"},
	    {base, "x?y#z", "http://a.example/b/c/x?y#z"},
	    {base, "//host.example/x", "http://host.example/x"},
	    {base, "https://autre.example/y", "https://autre.example/y"},
	    {base, "  /x\n", "http://a.example/x"},
	    {base, "article été", "http://a.example/b/c/article%20%c3%a9t%c3%a9"},
	    {base, "mailto:redaction@example.com", NULL},
	    {base, "javascript:void(0)", NULL},
	    {"https://a.example/", "HTTP://B.example/x", "http://B.example/x"},
	    {NULL, "https://autre.example/y", "https://autre.example/y"},
	    {NULL, "/x", NULL},
	    {NULL, "x", NULL},
	    {"not a url", "/x", NULL},
	    {"not a url", "https://autre.example/y", "https://autre.example/y"},
	    {base, NULL, NULL},
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = url_resolve(c[i].base, c[i].ref);

		if ((got == NULL) != (c[i].out == NULL) ||
		    (got != NULL && strcmp(got, c[i].out) != 0)) {
			print_error("url_resolve(\"%s\", \"%s\")\n   got %s\n  want %s\n",
			            c[i].base ? c[i].base : "NULL", c[i].ref ? c[i].ref : "NULL",
			            got ? got : "NULL", c[i].out ? c[i].out : "NULL");
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

/* A relative link of a feed item, resolved then canonicalized, as the daemon will. */
static void
test_resolve_then_canonical(void **state)
{
	char *r, *c;

	(void)state;
	r = url_resolve("https://WWW.Example.fr/rss/une.xml",
	                "../monde/recit.amp.html?utm_source=rss#commentaires");
	assert_non_null(r);
	assert_string_equal(
	    r, "https://WWW.Example.fr/monde/recit.amp.html?utm_source=rss#commentaires");
	c = url_canonical(r);
	assert_non_null(c);
	assert_string_equal(c, "https://www.example.fr/monde/recit.html");
	free(c);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scheme_host_port), cmocka_unit_test(test_path_and_escapes),
	    cmocka_unit_test(test_tracking),         cmocka_unit_test(test_amp),
	    cmocka_unit_test(test_refused),          cmocka_unit_test(test_long),
	    cmocka_unit_test(test_resolve),          cmocka_unit_test(test_resolve_then_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
