/*
 * Unit tests for the work a document leaves until it is needed (doc.h:
 * doc_lang, doc_simhash): the matcher identifies the language only for a
 * rule that names one or for a hit, on the first DOC_LANG_SAMPLE bytes of
 * the body; the SimHash only when asked, and the same as simhash_text().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract.h"
#include "match.h"
#include "ruleset.h"
#include "simhash.h"

static const char en[] =
    "The council voted on Tuesday evening to raise the budget of the school canteens "
    "by three percent, although two groups had asked first for a cut in local taxes. ";
static const char fr[] =
    "Le conseil municipal a voté mardi soir une hausse de trois pour cent du budget "
    "consacré aux cantines scolaires, malgré l'opposition de deux groupes. ";

/* "Title\n" then body: reps of first, then reps2 of second. */
static char *
text_of(const char *first, int reps, const char *second, int reps2)
{
	size_t n = 6 + strlen(first) * (size_t)reps + strlen(second) * (size_t)reps2 + 1;
	char *s = malloc(n), *p = s;

	assert_non_null(s);
	p += sprintf(p, "Title\n");
	for (int i = 0; i < reps; i++)
		p += sprintf(p, "%s", first);
	for (int i = 0; i < reps2; i++)
		p += sprintf(p, "%s", second);
	return s;
}

static void
extract_text(const char *text, struct extraction *x)
{
	struct extract_opts o = {.file = "a.txt", .source = "drop"};
	char err[256];

	assert_int_equal(extract_bytes(text, strlen(text), &o, x, err, sizeof(err)), 0);
	assert_int_equal(x->ndocs, 1);
}

static struct ruleset *
rules_of(const char *text)
{
	struct ruleset *rs = ruleset_new();
	struct diags d;

	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", text, strlen(text), NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	diags_free(&d);
	return rs;
}

static int
count_hit(const struct hit *h, void *arg)
{
	(void)h;
	++*(int *)arg;
	return 0;
}

/* Run rules over text; returns hits and leaves the document's pending bits in *pending. */
static int
run(const char *rules, const char *text, unsigned *pending, char lang[8])
{
	struct ruleset *rs = rules_of(rules);
	struct matcher *m = matcher_new(rs);
	struct extraction x;
	int n = 0;

	assert_non_null(m);
	extract_text(text, &x);
	assert_int_equal(x.docs[0].pending, DOC_LANG | DOC_SIMHASH);
	assert_true(matcher_run(m, &x.docs[0], count_hit, &n) >= 0);
	*pending = x.docs[0].pending;
	snprintf(lang, 8, "%s", x.docs[0].lang);
	extraction_free(&x);
	matcher_free(m);
	ruleset_free(rs);
	return n;
}

static void
test_lang_only_when_needed(void **state)
{
	char *text = text_of(en, 3, "", 0);
	unsigned pending;
	char lang[8];

	(void)state;
	/* no hit, no rule naming a language: nothing identified */
	assert_int_equal(run("[rule a]\nquery = zebra\n", text, &pending, lang), 0);
	assert_int_equal(pending, DOC_LANG | DOC_SIMHASH);
	assert_string_equal(lang, "");
	/* a hit: its article's language is part of it */
	assert_int_equal(run("[rule a]\nquery = canteens\n", text, &pending, lang), 1);
	assert_int_equal(pending, DOC_SIMHASH);
	assert_string_equal(lang, "en");
	/* a candidate rule with lang = asks, even without a hit */
	assert_int_equal(run("[rule a]\nquery = canteens\nlang = fr\n", text, &pending, lang), 0);
	assert_int_equal(pending, DOC_SIMHASH);
	assert_string_equal(lang, "en");
	/* a lang: term asks too */
	assert_int_equal(run("[rule a]\nquery = canteens AND lang:en\n", text, &pending, lang), 1);
	assert_string_equal(lang, "en");
	/* a rule naming a language that is no candidate (its words are absent) does not */
	assert_int_equal(run("[rule a]\nquery = zebra\nlang = fr\n", text, &pending, lang), 0);
	assert_int_equal(pending, DOC_LANG | DOC_SIMHASH);
	free(text);
}

static void
test_hit_lang_off(void **state)
{
	struct ruleset *rs = rules_of("[rule a]\nquery = canteens\n[rule b]\nquery = council\n"
	                              "lang = en\n");
	struct matcher *m = matcher_new(rs);
	char *text = text_of(en, 3, "", 0);
	struct extraction x;
	int n = 0;

	(void)state;
	assert_non_null(m);
	matcher_set_hit_lang(m, 0);
	/* hits whose lines show no language: none identified for rule a alone */
	extract_text(text, &x);
	assert_int_equal(matcher_run(m, &x.docs[0], count_hit, &n), 2);
	assert_int_equal(n, 2);
	/* rule b names a language: it was identified for it, and only once */
	assert_int_equal(x.docs[0].pending, DOC_SIMHASH);
	assert_string_equal(x.docs[0].lang, "en");
	extraction_free(&x);
	matcher_free(m);
	ruleset_free(rs);
	/* without the rule naming a language, nothing */
	rs = rules_of("[rule a]\nquery = canteens\n");
	m = matcher_new(rs);
	assert_non_null(m);
	matcher_set_hit_lang(m, 0);
	extract_text(text, &x);
	n = 0;
	assert_int_equal(matcher_run(m, &x.docs[0], count_hit, &n), 1);
	assert_int_equal(x.docs[0].pending, DOC_LANG | DOC_SIMHASH);
	assert_string_equal(x.docs[0].lang, "");
	extraction_free(&x);
	matcher_free(m);
	ruleset_free(rs);
	free(text);
}

static void
test_lang_sample(void **state)
{
	/* 1.2 KB of English, then 6 KB of French: the sample is the English */
	int reps = 1200 / (int)strlen(en) + 1;
	char *text = text_of(en, reps, fr, 40);
	struct extraction x;

	(void)state;
	extract_text(text, &x);
	assert_string_equal(doc_lang(&x.docs[0]), "en");
	assert_true(strlen(en) * (size_t)reps >= DOC_LANG_SAMPLE);
	assert_int_equal(x.docs[0].pending, DOC_SIMHASH);
	extraction_free(&x);
	free(text);
	/* short of the sample, the French counts */
	text = text_of(en, 1, fr, 40);
	extract_text(text, &x);
	assert_string_equal(doc_lang(&x.docs[0]), "fr");
	extraction_free(&x);
	free(text);
}

static void
test_simhash_when_asked(void **state)
{
	char *text = text_of(en, 3, fr, 3);
	struct extraction x;
	uint64_t h;

	(void)state;
	extract_text(text, &x);
	assert_int_equal(x.docs[0].simhash, 0);
	h = doc_simhash(&x.docs[0]);
	assert_true(h != 0);
	assert_true(h == simhash_text(x.docs[0].field[F_BODY], x.docs[0].field_len[F_BODY]));
	assert_int_equal(x.docs[0].pending, DOC_LANG);
	doc_complete(&x.docs[0]);
	assert_int_equal(x.docs[0].pending, 0);
	assert_true(x.docs[0].lang[0] != '\0');
	extraction_free(&x);
	free(text);
}

/* The matcher's SimHash from its own tokens is simhash_text()'s, small and chunked bodies alike. */
static void
test_simhash_from_matcher(void **state)
{
	static const char *const words[] = {"Le",       "l’État", "وبالعقوبات", "Ünïcödé", "x",
	                                    "canteens", "42",     "كتائب",      "d'Alger", "\n"};
	static const size_t sizes[] = {0, 1, 2, 3, 10, 4000, (1u << 20) + 5000, (3u << 20) + 17};
	struct ruleset *rs = rules_of("[rule a]\nquery = canteens\n");
	struct matcher *m = matcher_new(rs);
	unsigned seed = 7;

	(void)state;
	assert_non_null(m);
	assert_int_equal(matcher_set_fingerprint(m, 1), 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t cap = sizes[k] * 12 + 64, len;
		char *text = malloc(cap);
		struct extraction x;
		uint64_t want;

		assert_non_null(text);
		len = (size_t)sprintf(text, "Title\n");
		for (size_t w = 0; w < sizes[k]; w++) {
			seed = seed * 1103515245u + 12345u;
			len += (size_t)sprintf(text + len, "%s ", words[(seed >> 16) % 10]);
		}
		extract_text(text, &x);
		want = simhash_text(x.docs[0].field[F_BODY], x.docs[0].field_len[F_BODY]);
		assert_true(matcher_run(m, &x.docs[0], NULL, NULL) >= 0);
		assert_int_equal(x.docs[0].pending & DOC_SIMHASH, 0);
		assert_true(x.docs[0].simhash == want);
		assert_true(doc_simhash(&x.docs[0]) == want);
		if (sizes[k] >= 3)
			assert_true(want != 0);
		extraction_free(&x);
		free(text);
	}
	/* off again: left pending */
	assert_int_equal(matcher_set_fingerprint(m, 0), 0);
	{
		char *text = text_of(en, 2, fr, 2);
		struct extraction x;

		extract_text(text, &x);
		assert_true(matcher_run(m, &x.docs[0], NULL, NULL) >= 0);
		assert_int_equal(x.docs[0].pending & DOC_SIMHASH, DOC_SIMHASH);
		extraction_free(&x);
		free(text);
	}
	matcher_free(m);
	ruleset_free(rs);
}

static void
test_given_lang_is_kept(void **state)
{
	char *text = text_of(en, 3, "", 0);
	struct extract_opts o = {.file = "a.txt", .source = "drop", .lang = "de"};
	struct extraction x;
	char err[256];

	(void)state;
	assert_int_equal(extract_bytes(text, strlen(text), &o, &x, err, sizeof(err)), 0);
	assert_int_equal(x.docs[0].pending, DOC_SIMHASH);
	assert_string_equal(doc_lang(&x.docs[0]), "de");
	extraction_free(&x);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lang_only_when_needed), cmocka_unit_test(test_hit_lang_off),
	    cmocka_unit_test(test_lang_sample),           cmocka_unit_test(test_simhash_when_asked),
	    cmocka_unit_test(test_simhash_from_matcher),  cmocka_unit_test(test_given_lang_is_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
