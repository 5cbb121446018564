/*
 * test_langwords.c: the function words of Latin-script languages
 * (daemon/core/langwords.c): the table's order, what counts as a word of a
 * language (case, initials, elisions), the pick and lead among languages,
 * and text without its names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "langwords.h"

static struct langwords
count(const char *text)
{
	struct langwords w;

	langwords_count(text, strlen(text), &w);
	return w;
}

static void
test_table_sorted(void **state)
{
	(void)state;
	assert_true(langwords_sorted());
}

static void
test_count(void **state)
{
	struct langwords w;

	(void)state;
	/* la, d' (an elision, before a letter), le, Le (case folds) */
	w = count("La veuve d'Alexeï Navalny accuse le Kremlin. Le Hezbollah");
	assert_int_equal(langwords_of(&w, "fr"), 4);
	assert_int_equal(langwords_of(&w, "it"), 3); /* la le le */
	assert_int_equal(langwords_of(&w, "sl"), 0);
	assert_int_equal(langwords_of(&w, "en"), 0);
	assert_int_equal(langwords_of(&w, "xx"), -1); /* no list */
	assert_int_equal(langwords_of(&w, "ar"), -1);
	/* ’ is an apostrophe; one before no letter elides nothing */
	w = count("d’Assad; qu’il; d' ");
	assert_int_equal(langwords_of(&w, "fr"), 3); /* d' qu' il */
	/* a capital alone is an initial, a lower-case letter a word */
	w = count("T. A. Smith");
	assert_int_equal(langwords_of(&w, "pt"), 0);
	w = count("a casa e o carro");
	assert_int_equal(langwords_of(&w, "pt"), 3); /* a e o */
	/* accented words are compared as written, in lower case */
	w = count("İçin ve ÇOK");
	assert_int_equal(langwords_of(&w, "tr"), 3); /* İ lowers to i: için ve çok */
	/* the longest elision, in any case; a long word that starts like one is none */
	w = count("LORSQU'IL lorsqu’elle");
	assert_int_equal(langwords_of(&w, "fr"), 4);
	w = count("delleeeeeeeeeeeeeee theeeeeeeeeee d'ici");
	assert_int_equal(langwords_of(&w, "it"), 0);
	assert_int_equal(langwords_of(&w, "en"), 0);
	assert_int_equal(langwords_of(&w, "fr"), 1);
	w = count("");
	assert_int_equal(langwords_of(&w, "en"), 0);
}

static void
test_pick_and_lead(void **state)
{
	struct langwords w = count("La veuve d'Alexeï Navalny accuse le Kremlin. Le Hezbollah");
	char out[8];

	(void)state;
	langwords_pick(&w, "en fr sl", 3, out);
	assert_string_equal(out, "fr");
	langwords_pick(&w, "fr it", 3, out); /* 4 is not more than twice 3 */
	assert_string_equal(out, "");
	langwords_pick(&w, "fr", 5, out); /* fewer than min */
	assert_string_equal(out, "");
	langwords_pick(&w, "en de", 1, out);
	assert_string_equal(out, "");
	langwords_pick(&w, "", 1, out);
	assert_string_equal(out, "");
	langwords_lead(&w, NULL, 3, out);
	assert_string_equal(out, "fr");
	langwords_lead(&w, "en it", 3, out);
	assert_string_equal(out, "it");
	langwords_lead(&w, "en de", 1, out);
	assert_string_equal(out, "");
	langwords_lead(&w, "f it", 4, out); /* "f" names no language */
	assert_string_equal(out, "");
}

static void
test_unnamed(void **state)
{
	static const char in[] = "La veuve d'Alexeï Navalny, Ioulia Navalnaïa, accuse le Kremlin.";
	char out[sizeof(in)];
	size_t n;

	(void)state;
	n = langwords_unnamed(in, strlen(in), out);
	out[n] = '\0';
	assert_string_equal(out, "La veuve d'   ,    , accuse le  .");
	n = langwords_unnamed("Assad", 5, out);
	out[n] = '\0';
	assert_string_equal(out, " ");
	n = langwords_unnamed("", 0, out);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_sorted),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_pick_and_lead),
	    cmocka_unit_test(test_unnamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
