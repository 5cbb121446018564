/* Unit tests for doc.c: plain text into fields, cleaning, refusal, identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "token.h"

static void
test_title_and_body(void **state)
{
	struct document d;
	const char *err;
	const char *text = "\n  \r\n  Un otage libéré  \r\nLe corps du texte.\nSuite.";

	(void)state;
	assert_int_equal(doc_from_text(&d, text, strlen(text), "a.txt", "drop", NULL, &err), 0);
	assert_string_equal(d.field[F_TITLE], "Un otage libéré");
	assert_string_equal(d.field[F_BODY], "Le corps du texte.\nSuite.");
	assert_int_equal(d.field_len[F_BODY], strlen("Le corps du texte.\nSuite."));
	assert_string_equal(d.field[F_SOURCE], "drop");
	assert_string_equal(d.file, "a.txt");
	assert_null(d.field[F_URL]);
	assert_int_equal(strlen(d.id), 18);
	assert_memory_equal(d.id, "a_", 2);
	assert_string_equal(d.lang, ""); /* Latin script: not decided by script */
	doc_free(&d);
}

static void
test_identity_and_lang(void **state)
{
	struct document a, b, c;
	const char *err;
	const char *ar = "عنوان الخبر\nنص الخبر باللغة العربية.";

	(void)state;
	assert_int_equal(doc_from_text(&a, ar, strlen(ar), NULL, "drop", NULL, &err), 0);
	assert_int_equal(doc_from_text(&b, ar, strlen(ar), "other", "feed", NULL, &err), 0);
	assert_int_equal(doc_from_text(&c, "x\ny", 3, NULL, "drop", "fr", &err), 0);
	assert_string_equal(a.id, b.id); /* identity is the content */
	assert_string_not_equal(a.id, c.id);
	assert_string_equal(a.lang, "ar");
	assert_string_equal(c.lang, "fr"); /* a given language wins */
	doc_free(&a);
	doc_free(&b);
	doc_free(&c);
}

/* A revision's id: of its address and its text, never its first one's (the address's). */
static void
test_revision_id(void **state)
{
	struct document d;
	struct article a = {0};
	const char *err;
	char r1[24], r1b[24], r2[24], other[24];

	(void)state;
	a.title = strdup("Report");
	a.body = strdup("A quiet report.");
	a.url = strdup("http://news.invalid/upd-1");
	assert_non_null(a.url);
	assert_int_equal(doc_from_article(&d, &a, NULL, "upd", "en", NULL, NULL, &err), 0);
	assert_non_null(d.canonical);
	doc_revision_id(d.canonical, "00aa", r1);
	doc_revision_id(d.canonical, "00aa", r1b);
	doc_revision_id(d.canonical, "00ab", r2);
	doc_revision_id("http://news.invalid/upd-2", "00aa", other);
	assert_int_equal(strlen(r1), 18);
	assert_memory_equal(r1, "a_", 2);
	assert_int_equal(strspn(r1 + 2, "0123456789abcdef"), 16);
	assert_string_equal(r1, r1b); /* the same again: a crash's second pass */
	assert_string_not_equal(r1, d.id);
	assert_string_not_equal(r1, r2);
	assert_string_not_equal(r1, other);
	article_free(&a);
	doc_free(&d);
}

static void
test_bad_bytes(void **state)
{
	struct document d;
	const char *err;
	const char bom[] = "\xEF\xBB\xBFTitle\nbody";
	const char inval[] = "T\xFF\nb\xC3";
	const char nul[] = "Title\nbo\0dy";

	(void)state;
	assert_int_equal(doc_from_text(&d, bom, strlen(bom), NULL, "drop", NULL, &err), 0);
	assert_string_equal(d.field[F_TITLE], "Title");
	doc_free(&d);
	assert_int_equal(doc_from_text(&d, inval, strlen(inval), NULL, "drop", NULL, &err), 0);
	assert_string_equal(d.field[F_TITLE], "T\xEF\xBF\xBD");
	assert_string_equal(d.field[F_BODY], "b\xEF\xBF\xBD");
	doc_free(&d);
	assert_int_equal(doc_from_text(&d, nul, sizeof(nul) - 1, NULL, "drop", NULL, &err), -1);
	assert_non_null(strstr(err, "not a text document"));
	assert_int_equal(doc_from_text(&d, "", 0, NULL, "drop", NULL, &err), 0);
	assert_null(d.field[F_TITLE]);
	assert_string_equal(d.field[F_BODY], "");
	doc_free(&d);
}

static void
test_nfc(void **state)
{
	struct document d;
	const char *err;
	const char text[] = "T\ne\xCC\x81t\xC3\xA9"; /* e + U+0301, then precomposed é */

	(void)state;
	assert_int_equal(doc_from_text(&d, text, strlen(text), NULL, "drop", NULL, &err), 0);
	assert_string_equal(d.field[F_BODY], "\xC3\xA9t\xC3\xA9");
	doc_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_title_and_body),
	    cmocka_unit_test(test_identity_and_lang),
	    cmocka_unit_test(test_revision_id),
	    cmocka_unit_test(test_bad_bytes),
	    cmocka_unit_test(test_nfc),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
