/*
 * Unit tests for page_try.c and try.c: the markup of /try that the browser
 * tests hold to (the form, the textarea prefilled and escaped, the
 * diagnostics list with its classes and carets, the hits list with the hits
 * page's items, p.empty); hostile text (</textarea>, <script>, "><img
 * onerror>) escaped wherever it goes; and try_compile placing a query's
 * diagnostics in the query's own lines and columns, telling a rule file
 * from a query, refusing @file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "page_try.h"
#include "try.h"

static const char *const hostile[] = {
    "</textarea><script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'><svg onload=alert(3)>",
    "</ul></ol><script>x</script>",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static char *
render(const struct page_try *t)
{
	struct page pg = {0};
	char *s;

	page_try(&pg, t);
	s = page_take(&pg, NULL);
	assert_non_null(s);
	return s;
}

static void
test_form(void **state)
{
	struct page_try t = {0};
	char *s;

	(void)state;
	s = render(&t);
	assert_non_null(strstr(s, "<form id=\"try-form\" method=\"post\" action=\"/try\">"));
	assert_non_null(strstr(s, "<textarea id=\"try-query\" name=\"query\""));
	assert_non_null(strstr(s, "></textarea>"));
	assert_non_null(strstr(s, "<button type=\"submit\">"));
	assert_non_null(strstr(s, "<a href=\"/try\" aria-current=\"page\">Try</a>"));
	assert_non_null(strstr(s, "<p class=\"empty\">"));
	assert_null(strstr(s, "try-diagnostics"));
	assert_null(strstr(s, "try-hits"));
	free(s);
}

/* A search that ran says how far back the archive's texts reach (retention). */
static void
test_archive_from(void **state)
{
	struct page_try t = {
	    .text = "Assad", .text_len = 5, .ran = 1, .archive_from = "2026-09-01T00:00:00Z"};
	char *s;

	(void)state;
	s = render(&t);
	assert_non_null(strstr(s, "<p class=\"archive\">The archive's texts reach back to <time "
	                          "datetime=\"2026-09-01T00:00:00Z\">2026-09-01</time>.</p>"));
	free(s);
	t.archive_from = "";
	s = render(&t);
	assert_null(strstr(s, "class=\"archive\""));
	free(s);
	t.archive_from = "2026-09-01T00:00:00Z";
	t.ran = 0;
	s = render(&t);
	assert_null(strstr(s, "class=\"archive\""));
	free(s);
}

static void
test_diagnostics(void **state)
{
	const char *text = "Assad\n\t\"al Asad";
	struct page_try_diag d[] = {
	    {"query:2:2: error: unclosed phrase (opened here)", 0, text + 6, 9, 2},
	    {"query:1:1: warning: something wide", 1, text, 5, 1},
	    {"query: error: no place", 0, NULL, 0, 0},
	};
	struct page_try t = {.text = text, .text_len = strlen(text), .diags = d, .ndiags = 3};
	char *s;

	(void)state;
	s = render(&t);
	assert_non_null(strstr(s, "<ul id=\"try-diagnostics\">"));
	assert_non_null(strstr(s, "<li class=\"diag error\"><code dir=\"ltr\">query:2:2: error: "
	                          "unclosed phrase (opened here)</code>"));
	/* the caret under the second character, the tab kept so that it lines up */
	assert_non_null(strstr(s, "<pre class=\"caret\">\t&quot;al Asad\n\t^</pre>"));
	assert_non_null(
	    strstr(s, "<li class=\"diag warning\"><code dir=\"ltr\">query:1:1: "
	              "warning: something wide</code><pre class=\"caret\">Assad\n^</pre>"));
	assert_non_null(strstr(s, "query: error: no place</code></li>"));
	/* the text prefilled, escaped */
	assert_non_null(strstr(s, ">Assad\n\t&quot;al Asad</textarea>"));
	/* errors, nothing ran: no "no hits" */
	assert_null(strstr(s, "class=\"empty\""));
	free(s);
}

static void
test_caret_utf8(void **state)
{
	/* columns count characters: é is one */
	const char *line = "caf\xc3\xa9 \"x";
	struct page_try_diag d = {"query:1:6: error: unclosed phrase", 0, line, strlen(line), 6};
	struct page_try t = {.text = line, .text_len = strlen(line), .diags = &d, .ndiags = 1};
	char *s;

	(void)state;
	s = render(&t);
	assert_non_null(strstr(s, "caf\xc3\xa9 &quot;x\n     ^</pre>"));
	free(s);
}

static void
test_hits(void **state)
{
	struct page_span marks[] = {{5, 11}};
	struct page_hit h = {.id = "h_1",
	                     .detected_at = "2026-12-06T10:00:00Z",
	                     .rule_id = "try",
	                     .article_id = "a_1",
	                     .title = "Moscou",
	                     .snippet = "vers Moscou hier",
	                     .snippet_len = 16,
	                     .marks = marks,
	                     .nmarks = 1};
	struct page_try t = {.text = "Moscou", .text_len = 6, .hits = &h, .nhits = 1, .ran = 1};
	struct page ref = {0};
	char *s, *item;

	(void)state;
	s = render(&t);
	assert_non_null(strstr(s, "<ol id=\"try-hits\" class=\"hits\">\n<li class=\"hit\">"));
	assert_non_null(strstr(s, "<p class=\"snippet\""));
	assert_non_null(strstr(s, "vers <mark>Moscou</mark> hier"));
	assert_null(strstr(s, "class=\"empty\""));
	/* the very item of the hits page */
	page_hit_item(&ref, &h, 1);
	item = page_take(&ref, NULL);
	assert_non_null(item);
	assert_non_null(strstr(s, item));
	free(item);
	free(s);
	/* ran, nothing found */
	t.nhits = 0;
	s = render(&t);
	assert_non_null(strstr(s, "<p class=\"empty\">No article"));
	assert_null(strstr(s, "try-hits"));
	free(s);
	/* cut */
	t.cut = "stopped <here>";
	s = render(&t);
	assert_non_null(strstr(s, "<p class=\"cut\" role=\"status\">stopped &lt;here&gt;</p>"));
	free(s);
}

static void
test_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < NHOSTILE; i++) {
		const char *h = hostile[i];
		struct page_span marks[] = {{0, 5}};
		struct page_hit hit = {.id = h,
		                       .detected_at = h,
		                       .rule_id = h,
		                       .rule_name = h,
		                       .article_id = h,
		                       .title = h,
		                       .url = h,
		                       .source = h,
		                       .lang = h,
		                       .snippet = h,
		                       .snippet_len = strlen(h),
		                       .marks = marks,
		                       .nmarks = 1};
		struct page_try_diag d = {h, 0, h, strlen(h), 3};
		struct page_try t = {.text = h,
		                     .text_len = strlen(h),
		                     .diags = &d,
		                     .ndiags = 1,
		                     .hits = &hit,
		                     .nhits = 1,
		                     .ran = 1,
		                     .cut = h};
		char *s = render(&t);
		const char *ta = strstr(s, "<textarea");

		assert_null(strstr(s, "<script"));
		assert_null(strstr(s, "<img"));
		assert_null(strstr(s, "<svg"));
		/* one textarea, closed once: by the renderer */
		assert_non_null(ta);
		assert_null(strstr(strstr(ta, "</textarea>") + 1, "</textarea>"));
		free(s);
	}
}

/* The diagnostics of text compiled as a query or rules, "file:line:col: sev: msg" a line. */
static char *
compile(const char *text, int as_rules, int *ok)
{
	struct diags d;
	struct ruleset *rs;
	char *out = calloc(1, 4096), buf[512];

	assert_non_null(out);
	diags_init(&d);
	rs = try_compile(text, strlen(text), as_rules, NULL, &d);
	*ok = rs != NULL;
	for (size_t i = 0; i < d.n; i++) {
		diag_format(&d.v[i], buf, sizeof(buf));
		strncat(out, buf, 4095 - strlen(out));
		strncat(out, "\n", 4095 - strlen(out));
	}
	ruleset_free(rs);
	diags_free(&d);
	return out;
}

static void
test_compile(void **state)
{
	char *s;
	int ok;

	(void)state;
	s = compile("Assad OR Moscou", 0, &ok);
	assert_true(ok);
	assert_string_equal(s, "");
	free(s);
	s = compile("Assad \"al", 0, &ok);
	assert_false(ok);
	assert_string_equal(s, "query:1:7: error: unclosed phrase (opened here)\n");
	free(s);
	/* the second line, its own column; a blank line between keeps the count */
	s = compile("Assad\n\n  OR (Moscou", 0, &ok);
	assert_false(ok);
	assert_string_equal(s, "query:3:6: error: unclosed parenthesis (opened here)\n");
	free(s);
	/* a line that looks like a section or a key is still the query's */
	s = compile("Assad\n[rule x]", 0, &ok);
	assert_true(ok);
	assert_string_equal(s, "");
	free(s);
	s = compile("  \n \t", 0, &ok);
	assert_false(ok);
	assert_string_equal(s, "query:1:1: error: the query is empty\n");
	free(s);
	s = compile("@/etc/passwd", 0, &ok);
	assert_false(ok);
	assert_non_null(strstr(s, "query:1:1: error: "));
	free(s);
	/* a rule file: its own lines */
	s = compile("[rule a]\nquery = Assad\n[rule b]\nquery = (x\n", 1, &ok);
	assert_false(ok);
	assert_string_equal(s, "rules:4:9: error: unclosed parenthesis (opened here)\n");
	free(s);
	s = compile("[rule a]\nquery = Assad\n", 1, &ok);
	assert_true(ok);
	free(s);
	s = compile("# nothing\n", 1, &ok);
	assert_true(ok);
	assert_non_null(strstr(s, "warning: no enabled rule"));
	free(s);
}

static void
test_is_rules(void **state)
{
	(void)state;
	assert_true(try_is_rules("[rule a]\nquery = x\n", 19));
	assert_true(try_is_rules("# mine\n\n  [rule a]", 18));
	assert_false(try_is_rules("Assad OR [x]", 12));
	assert_false(try_is_rules("", 0));
	assert_false(try_is_rules("\n \n", 3));
}

static void
test_line(void **state)
{
	const char *t = "one\r\ntwo\nthree";
	size_t start, n;

	(void)state;
	assert_int_equal(try_line(t, strlen(t), 1, &start, &n), 0);
	assert_int_equal(start, 0);
	assert_int_equal(n, 3);
	assert_int_equal(try_line(t, strlen(t), 3, &start, &n), 0);
	assert_int_equal(start, 9);
	assert_int_equal(n, 5);
	assert_int_equal(try_line(t, strlen(t), 4, &start, &n), -1);
	assert_int_equal(try_line(t, strlen(t), 0, &start, &n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form),         cmocka_unit_test(test_diagnostics),
	    cmocka_unit_test(test_archive_from), cmocka_unit_test(test_caret_utf8),
	    cmocka_unit_test(test_hits),         cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_compile),      cmocka_unit_test(test_is_rules),
	    cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
