/*
 * The walk of the Latin fold table (latinfold.c, RULES.md §3.6): for every
 * entry X → x, a rule naming a word with X matches an article holding the
 * word with x (in capitals, so that case folding is on the path too), and
 * the rule with x matches the article with X. The table's regeneration is
 * checked by tests/unicode/latinfold.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "doc.h"
#include "hit.h"
#include "latinfold.h"
#include "match.h"
#include "ruleset.h"
#include "utf8.h"

struct seen {
	int x, fold; /* rule "x" (written with X), rule "f" (written with x) hit */
};

static int
collect(const struct hit *h, void *arg)
{
	struct seen *s = arg;

	if (strcmp(h->rule->id, "x") == 0)
		s->x = 1;
	else if (strcmp(h->rule->id, "f") == 0)
		s->fold = 1;
	return 0;
}

/* Which of the rules hit an article whose title is text. */
static struct seen
match(struct matcher *m, const char *text)
{
	struct document doc;
	struct seen s = {0, 0};
	const char *err;

	assert_int_equal(doc_from_text(&doc, text, strlen(text), "t.txt", "drop", "en", &err), 0);
	matcher_run(m, &doc, collect, &s);
	doc_free(&doc);
	return s;
}

static void
test_walk(void **state)
{
	size_t misses = 0;

	(void)state;
	assert_true(latinfold_count > 400); /* the whole table, not a stub */
	for (size_t i = 0; i < latinfold_count; i++) {
		const struct latinfold *e = &latinfold_table[i];
		char x[8] = {0}, upper[3] = {0}, rules[256], withx[64], withfold[64];
		struct ruleset *rs = ruleset_new();
		struct diags d;
		struct matcher *m;
		struct seen a, b;

		assert_true(i == 0 || latinfold_table[i - 1].cp < e->cp); /* sorted */
		assert_true(strlen(e->to) >= 1 && strlen(e->to) <= 2);
		utf8_encode(e->cp, x);
		for (size_t k = 0; e->to[k] != '\0'; k++) {
			assert_true(e->to[k] >= 'a' && e->to[k] <= 'z');
			upper[k] = (char)(e->to[k] - 'a' + 'A');
		}
		/* the letter inside a word: Kxm, as Əliyev */
		snprintf(rules, sizeof(rules), "[rule x]\nquery = K%sm\n\n[rule f]\nquery = K%sm\n",
		         x, e->to);
		snprintf(withx, sizeof(withx), "The name K%sm today", x);
		snprintf(withfold, sizeof(withfold), "The name K%sM today", upper);
		diags_init(&d);
		assert_int_equal(ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, &d),
		                 0);
		assert_int_equal(ruleset_finish(rs, &d), 0);
		m = matcher_new(rs);
		assert_non_null(m);
		a = match(m, withfold); /* rule with X, article with x */
		b = match(m, withx);    /* rule with x, article with X */
		if (!a.x || !b.fold) {
			print_message("U+%04X %s → %s: rule K%sm %s article \"%s\"; rule K%sm %s "
			              "article \"%s\"\n",
			              (unsigned)e->cp, x, e->to, x, a.x ? "matches" : "misses",
			              withfold, e->to, b.fold ? "matches" : "misses", withx);
			misses++;
		}
		matcher_free(m);
		ruleset_free(rs);
		diags_free(&d);
	}
	print_message("latinfold: %zu entries walked, %zu misses\n", latinfold_count, misses);
	assert_int_equal(misses, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
