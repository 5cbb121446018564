/*
 * Unit tests for the filter of path starts (ruleset_int.h) and the lazy
 * keys of match.c: a token's keys are looked up only when the filter says
 * it may start a path, or when a walk from the token before reaches it.
 * Each case is a path the filter must let through: phrases whose later
 * words start nothing, prefixes, exact terms, fuzzy terms, Arabic
 * proclitic readings, keys on both sides of the 8- and 16-byte limits of
 * the filter's hash, and a long watchlist of names. Then the pair filter
 * (ruleset_int.h): the first two steps of every path pass it, a token
 * alone passes when its key ends a path or continues by a fuzzy key, and
 * most pairs of a watchlist's words that are no name's do not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match.h"
#include "ruleset.h"
#include "ruleset_int.h" /* the pair filter, tested as such */
#include "token.h"

struct result {
	char ids[1024];   /* hit rule ids, space-separated */
	char spans[2048]; /* "rule:text|text;" per hit */
	const struct document *doc;
};

static int
collect_hit(const struct hit *h, void *arg)
{
	struct result *r = arg;
	size_t l = strlen(r->ids);

	snprintf(r->ids + l, sizeof(r->ids) - l, "%s%s", l ? " " : "", h->rule->id);
	l = strlen(r->spans);
	snprintf(r->spans + l, sizeof(r->spans) - l, "%s:", h->rule->id);
	for (size_t i = 0; i < h->nspans; i++) {
		l = strlen(r->spans);
		snprintf(r->spans + l, sizeof(r->spans) - l, "%s%.*s", i ? "|" : "",
		         (int)(h->spans[i].end - h->spans[i].start),
		         r->doc->field[h->spans[i].field] + h->spans[i].start);
	}
	l = strlen(r->spans);
	snprintf(r->spans + l, sizeof(r->spans) - l, ";");
	return 0;
}

/* Compile rules, match text (a title line, then the body); returns the hits. */
static int
run_match(const char *rules, const char *text, struct result *out)
{
	struct ruleset *rs = ruleset_new();
	struct document doc;
	struct matcher *m;
	struct diags d;
	const char *err;
	int n;

	assert_non_null(rs);
	memset(out, 0, sizeof(*out));
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(doc_from_text(&doc, text, strlen(text), NULL, "drop", NULL, &err), 0);
	m = matcher_new(rs);
	assert_non_null(m);
	out->doc = &doc;
	n = matcher_run(m, &doc, collect_hit, out);
	/* again on the same scratch: the same answer */
	{
		struct result again;

		memset(&again, 0, sizeof(again));
		again.doc = &doc;
		assert_int_equal(matcher_run(m, &doc, collect_hit, &again), n);
		assert_string_equal(again.spans, out->spans);
	}
	out->doc = NULL;
	matcher_free(m);
	doc_free(&doc);
	ruleset_free(rs);
	diags_free(&d);
	return n;
}

struct rcase {
	const char *rules;
	const char *text;
	int hits;
	const char *spans;
};

static void
run_cases(const struct rcase *c, size_t n)
{
	struct result r;
	int got;

	for (size_t i = 0; i < n; i++) {
		got = run_match(c[i].rules, c[i].text, &r);
		if (got != c[i].hits || strcmp(r.spans, c[i].spans) != 0)
			fail_msg("rules %s\non \"%s\": %d hits \"%s\", expected %d \"%s\"",
			         c[i].rules, c[i].text, got, r.spans, c[i].hits, c[i].spans);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* Later words of a phrase start nothing: only the walk looks them up. */
static void
test_phrase_words(void **state)
{
	static const struct rcase c[] = {
	    {"[rule hm]\nquery = \"Hélène Moreau\"\n",
	     "Conseil\nLa conseillère Hélène Moreau a quitté la séance, Moreau seule ensuite.", 1,
	     "hm:Hélène Moreau;"},
	    {"[rule hm]\nquery = \"Hélène Moreau\"\n",
	     "Conseil\nMadame Moreau a parlé longtemps après Hélène.", 0, ""},
	    /* "paul" starts a path and continues another */
	    {"[rule s]\nquery = \"Jean Paul Sartre\"\n[rule e]\nquery = \"Paul Eluard\"\n",
	     "Lettres\nOn cite Jean Paul Eluard, puis Jean Paul Sartre dans la même page.", 2,
	     "s:Jean Paul Sartre;e:Paul Eluard;"},
	    /* the same word first and second */
	    {"[rule bg]\nquery = \"Boutros Boutros-Ghali\"\n",
	     "ONU\nLe secrétaire général Boutros Boutros-Ghali est arrivé hier soir.", 1,
	     "bg:Boutros Boutros-Ghali;"},
	    /* a phrase that crosses into a token the walk alone computes */
	    {"[rule t]\nquery = \"harbour pilots voted\"\n",
	     "Ports\nThe harbour pilots of the estuary voted; the harbour pilots voted again.", 1,
	     "t:harbour pilots voted;"},
	};

	(void)state;
	RUN(c);
}

/* Prefixes, exact terms and fuzzy terms as starts and as later words. */
static void
test_term_modes(void **state)
{
	static const struct rcase c[] = {
	    {"[rule k]\nquery = Kamal*\n", "T\nLe docteur Kamalmaz est rentré.", 1, "k:Kamalmaz;"},
	    {"[rule k]\nquery = \"Majd Kamal*\"\n", "T\nOn a revu Majd Kamalmaz hier.", 1,
	     "k:Majd Kamalmaz;"},
	    /* a prefix of more than 16 bytes */
	    {"[rule d]\nquery = Donaudampfschifffahrt*\n",
	     "T\nDie Donaudampfschifffahrtsgesellschaft fuhr los.", 1,
	     "d:Donaudampfschifffahrtsgesellschaft;"},
	    /* a prefix ending in a folded letter */
	    {"[rule z]\nquery = Zür*\n", "T\nDer Zug nach Zürich fuhr pünktlich ab.", 1,
	     "z:Zürich;"},
	    {"[rule u]\nquery = {ONU}\n", "T\nl'onu et l'ONU ne sont pas écrites pareil.", 1,
	     "u:ONU;"},
	    {"[rule f]\nquery = \"Majd Kamalmaz~\"\n", "T\nOn a revu Majd Kamalmas hier.", 1,
	     "f:Majd Kamalmas;"},
	    {"[rule f]\nquery = Kamalmaz~\n", "T\nLe thérapeute Kalmamaz est là.", 1,
	     "f:Kalmamaz;"},
	};

	(void)state;
	RUN(c);
}

/* Proclitics and the article: the readings of a token may start a path. */
static void
test_arabic_readings(void **state)
{
	static const struct rcase c[] = {
	    {"[rule a]\nquery = الأسد\n", "عنوان\nقال وللأسد أنصار كثيرون في المدينة", 1,
	     "a:وللأسد;"},
	    {"[rule a]\nquery = الأسد\n", "عنوان\nمر بالأسد في الطريق إلى السوق", 1, "a:بالأسد;"},
	    {"[rule b]\nquery = \"بشار الأسد\"\n", "عنوان\nالتقى وبشار الأسد الوفد القادم", 1,
	     "b:وبشار الأسد;"},
	    {"[rule c]\nquery = \"مجلس الأمن\"\n", "عنوان\nاجتمع بمجلس الأمن الدولي أمس", 1,
	     "c:بمجلس الأمن;"},
	    {"[rule c]\nquery = \"مجلس الأمن\"\n", "عنوان\nاجتمع المجلس الأعلى للأمن أمس", 0, ""},
	};

	(void)state;
	RUN(c);
}

/* The filter's hash masks the bytes past a key: keys of 8, 9, 16, 17 bytes. */
static void
test_key_lengths(void **state)
{
	static const char *rules = "[rule k8]\nquery = abcdefgh\n"
	                           "[rule k9]\nquery = abcdefghi\n"
	                           "[rule k16]\nquery = abcdefghijklmnop\n"
	                           "[rule k17]\nquery = abcdefghijklmnopq\n";
	static const struct rcase c[] = {
	    {NULL, "T\nabcdefgx abcdefghx abcdefghijklmnox abcdefghijklmnopx", 0, ""},
	    {NULL, "T\nabcdefgh, abcdefghi et abcdefghijklmnop, puis abcdefghijklmnopq.", 4,
	     "k8:abcdefgh;k9:abcdefghi;k16:abcdefghijklmnop;k17:abcdefghijklmnopq;"},
	    {NULL, "T\nABCDEFGHIJKLMNOPQ abcdefghijklmnopqr", 1, "k17:ABCDEFGHIJKLMNOPQ;"},
	};
	struct rcase w[sizeof(c) / sizeof(c[0])];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		w[i] = c[i];
		w[i].rules = rules;
	}
	run_cases(w, sizeof(w) / sizeof(w[0]));
}

/* 5,000 names over 50 first names: only the full names hit. */
static void
test_watchlist(void **state)
{
	static const char *first[] = {"Ahmed",  "Nadia",   "Pierre", "Olga",  "Samir",
	                              "Claire", "Youssef", "Ines",   "Tomas", "Leila"};
	size_t cap = 5000 * 80, len = 0;
	char *rules = malloc(cap), text[1024];
	struct result r;

	(void)state;
	assert_non_null(rules);
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(rules + len, cap - len,
		                        "[rule n%04d]\nquery = \"%s%d Vasquez%d\"\n", i,
		                        first[i % 10], i % 50, i);
	snprintf(text, sizeof(text), "%s",
	         "Brief\nAhmed0 Vasquez0 met Nadia1 Vasquez2 and Olga3 Vasquez3 at the port; "
	         "Vasquez4999 came alone, Leila49 Vasquez4999 later, and Pierre2 stayed home.");
	assert_int_equal(run_match(rules, text, &r), 3);
	assert_string_equal(r.ids, "n0000 n0003 n4999");
	assert_string_equal(r.spans, "n0000:Ahmed0 Vasquez0;n0003:Olga3 Vasquez3;"
	                             "n4999:Leila49 Vasquez4999;");
	free(rules);
}

/* Paths the pair filter must let through: each starts with a token it tests. */
static void
test_pair_paths(void **state)
{
	static const struct rcase c[] = {
	    /* a word alone and the start of a phrase: the word alone passes */
	    {"[rule p]\nquery = Paul\n[rule pe]\nquery = \"Paul Eluard\"\n",
	     "T\nPaul arrive, puis Paul Eluard.", 2, "p:Paul|Paul;pe:Paul Eluard;"},
	    /* the first word last in the text: no next token */
	    {"[rule p]\nquery = Paul\n[rule pe]\nquery = \"Paul Eluard\"\n", "T\nOn attend Paul", 1,
	     "p:Paul;"},
	    {"[rule hm]\nquery = \"Hélène Moreau\"\n", "T\nLa séance avec Hélène Moreau", 1,
	     "hm:Hélène Moreau;"},
	    /* a prefix first, its texts are the token's prefixes */
	    {"[rule k]\nquery = \"Kamal* Majd\"\n", "T\nOn a revu Kamalmaz Majd hier.", 1,
	     "k:Kamalmaz Majd;"},
	    /* a prefix second, of a longer token */
	    {"[rule k]\nquery = \"Majd Kamal*\"\n", "T\nOn a revu Majd Kamalmazzi hier.", 1,
	     "k:Majd Kamalmazzi;"},
	    /* a fuzzy second word: its text is no token's, the first alone passes */
	    {"[rule f]\nquery = \"Majd Kamalmaz~\"\n", "T\nOn a revu Majd Kamalmas hier.", 1,
	     "f:Majd Kamalmas;"},
	    /* a reading of the second token (و, ال) and of the first */
	    {"[rule b]\nquery = \"بشار الأسد\"\n", "عنوان\nالتقى وبشار الأسد الوفد القادم", 1,
	     "b:وبشار الأسد;"},
	    {"[rule b]\nquery = \"مجلس الأمن\"\n", "عنوان\nاجتمع بمجلس الأمن الدولي أمس", 1,
	     "b:بمجلس الأمن;"},
	    /* three words; and a first word of 17 bytes (hash_bytes, not the 16-byte hash) */
	    {"[rule t]\nquery = \"harbour pilots voted\"\n",
	     "Ports\nThe harbour pilots of the estuary voted; the harbour pilots voted again.", 1,
	     "t:harbour pilots voted;"},
	    {"[rule l]\nquery = \"abcdefghijklmnopq Smith\"\n",
	     "T\nabcdefghijklmnopq Smith and abcdefghijklmnopq Jones", 1,
	     "l:abcdefghijklmnopq Smith;"},
	};

	(void)state;
	RUN(c);
}

/* The root hash of a word as the matcher makes it (its normalized text). */
static uint64_t
word_hash(const char *w)
{
	return root_hash(w, strlen(w));
}

/*
 * The filter itself on 5,000 names of 50 first names: every name's two
 * words pass, a first name alone does not (no rule is a first name
 * alone), and of the 50 x 4,999 pairs of a first name and another's last
 * name, few do. A fuzzy start leaves no filter (every token may start).
 */
static void
test_pair_filter(void **state)
{
	size_t cap = 5000 * 80, len = 0, pass = 0, tried = 0;
	char *rules = malloc(cap), a[32], b[32];
	struct ruleset *rs = ruleset_new();
	struct diags d;

	(void)state;
	assert_non_null(rules);
	assert_non_null(rs);
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(rules + len, cap - len,
		                        "[rule n%04d]\nquery = \"f%d l%d\"\n", i, i % 50, i);
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", rules, len, NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_non_null(rs->pair_filter);
	assert_false(rs->pair_solo); /* no name is a word alone: no token is tested alone */
	for (int i = 0; i < 5000; i++) {
		snprintf(a, sizeof(a), "f%d", i % 50);
		snprintf(b, sizeof(b), "l%d", i);
		assert_true(ruleset_pair_maybe(rs, word_hash(a), word_hash(b)));
	}
	for (int f = 0; f < 50; f++) {
		snprintf(a, sizeof(a), "f%d", f);
		assert_false(ruleset_pair_maybe(rs, word_hash(a), PAIR_NONE));
		for (int i = 0; i < 5000; i++) {
			if (i % 50 == f)
				continue;
			snprintf(b, sizeof(b), "l%d", i);
			tried++;
			pass += (size_t)ruleset_pair_maybe(rs, word_hash(a), word_hash(b));
		}
	}
	/* 16 bits an entry: well under 5 % (the root filter's rate, about 1 %) */
	assert_true(pass * 20 < tried);
	ruleset_free(rs);
	diags_free(&d);

	/* a word alone that is a rule passes alone */
	rs = ruleset_new();
	diags_init(&d);
	assert_int_equal(
	    ruleset_add_file(rs, "t.rules", "[rule w]\nquery = paul OR \"paul eluard\"\n",
	                     strlen("[rule w]\nquery = paul OR \"paul eluard\"\n"), NULL, &d),
	    0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_true(rs->pair_solo);
	assert_true(ruleset_pair_solo(rs, word_hash("paul")));
	assert_true(ruleset_pair_maybe(rs, word_hash("paul"), PAIR_NONE));
	assert_true(ruleset_pair_maybe(rs, word_hash("paul"), word_hash("eluard")));
	ruleset_free(rs);
	diags_free(&d);

	/* a fuzzy second word: the first alone passes */
	rs = ruleset_new();
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", "[rule z]\nquery = \"Majd Kamalmaz~\"\n",
	                                  strlen("[rule z]\nquery = \"Majd Kamalmaz~\"\n"), NULL,
	                                  &d),
	                 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_true(rs->pair_solo);
	assert_true(ruleset_pair_solo(rs, word_hash("majd")));
	ruleset_free(rs);
	diags_free(&d);

	/* a fuzzy start: no pair filter */
	rs = ruleset_new();
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", "[rule z]\nquery = \"Kamalmaz~ Majd\"\n",
	                                  strlen("[rule z]\nquery = \"Kamalmaz~ Majd\"\n"), NULL,
	                                  &d),
	                 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_null(rs->pair_filter);
	ruleset_free(rs);
	diags_free(&d);
	free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phrase_words),    cmocka_unit_test(test_term_modes),
	    cmocka_unit_test(test_arabic_readings), cmocka_unit_test(test_key_lengths),
	    cmocka_unit_test(test_watchlist),       cmocka_unit_test(test_pair_paths),
	    cmocka_unit_test(test_pair_filter),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
