/*
 * Unit tests for rulecache.c: a compiled set saved and loaded matches as
 * the compiled one does (hits, spans, rule fields, disabled rules,
 * diagnostics); damaged buffers are refused, never read out of bounds; a
 * loaded set's records, made when first asked for, are made once for all
 * the threads that ask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "match.h"
#include "rulecache.h"
#include "ruleset.h"

static const char rules[] =
    "[rule words]\nquery = Assad OR Kamalmaz\ntags = a b\nnotify = none\n\n"
    "[rule phrase]\nname = A phrase\nquery = \"Bashar al-Assad\" OR \"بشار الأسد\"\n\n"
    "[rule slop]\nquery = \"Karim Haddadin\"~2\n\n"
    "[rule prefix]\nquery = Jorda* AND NOT Jordanie\nlang = en fr\n\n"
    "[rule fuzzy]\nquery = Haddadin~ OR Kamalmazz~1\n\n"
    "[rule near]\nquery = (Karim OR Majd) NEAR/3 (arrested OR detained)\n\n"
    "[rule onear]\nquery = Majd ONEAR/2 Kamalmaz\n\n"
    "[rule regex]\nquery = /Ka\\w+maz/i\n\n"
    "[rule regexword]\nquery = /ab+c/ AND Assad\n\n"
    "[rule lang]\nquery = lang:fr\n\n"
    "[rule fields]\nquery = title:Sahel OR body:\"Brigades du Sahel\"\n\n"
    "[rule exact]\nquery = {US} AND Assad\n\n"
    "[rule warn]\nquery = Sahel and Amman\n\n"
    "[rule off]\nquery = Assad\nenabled = no\n\n"
    "[rule umlaut]\nquery = Müller\n";

static const char *const texts[] = {
    "Assad speaks\nBashar al-Assad met Karim at the US embassy; Kamalmaz was detained.",
    "Sahel news\nLes Brigades du Sahel et Karim Haddadin (Hadadin) à Amman, Jordan.",
    "Nothing\nabbbc and Assad; Majd met Kamalmaz; Karim was arrested",
    "Mueller\nMüller and Mueller and Muller, Jordanie",
    "بشار الأسد\nقال بشار الأسد اليوم",
};

/* The hits of rs on text, "id[span,span];" each, in a buffer. */
static int
hits_cb(const struct hit *h, void *arg)
{
	char *out = arg;
	size_t l = strlen(out);

	snprintf(out + l, 4096 - l, "%s/%s/%s/%u[", h->rule->id, h->rule->name, h->rule->file,
	         h->rule->line);
	for (size_t i = 0; i < h->nspans; i++) {
		l = strlen(out);
		snprintf(out + l, 4096 - l, "%s:%u:%u:%u,", h->spans[i].atom, h->spans[i].field,
		         h->spans[i].start, h->spans[i].end);
	}
	l = strlen(out);
	snprintf(out + l, 4096 - l, "];");
	return 0;
}

static void
run(const struct ruleset *rs, const char *text, const char *lang, char out[4096])
{
	struct document doc;
	struct matcher *m = matcher_new(rs);
	const char *err;

	out[0] = '\0';
	assert_non_null(m);
	assert_int_equal(doc_from_text(&doc, text, strlen(text), "t.txt", "drop", lang, &err), 0);
	assert_true(matcher_run(m, &doc, hits_cb, out) >= 0);
	matcher_free(m);
	doc_free(&doc);
}

static struct ruleset *
compile(struct diags *d)
{
	struct ruleset *rs = ruleset_new();

	assert_non_null(rs);
	diags_init(d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, d), 0);
	assert_int_equal(ruleset_finish(rs, d), 0);
	return rs;
}

/* Save rs with its diagnostics and a dependency; *n bytes. */
static void *
save(const struct ruleset *rs, const struct diags *d, size_t *n)
{
	struct rulecache_extra x = {0};
	uint32_t items[16] = {0};
	char *deps[] = {"names.txt"};
	struct rc_hash dh = {{1, 2}};
	void *buf;

	assert_true(d->n <= 16);
	x.diags = *d;
	x.diag_item = items;
	items[0] = 7;
	x.deps = deps;
	x.dep_hash = &dh;
	x.ndeps = 1;
	assert_int_equal(rulecache_save(rs, &x, &buf, n), 0);
	return buf;
}

static void
test_roundtrip(void **state)
{
	struct diags d;
	struct ruleset *rs = compile(&d), *lr;
	struct rulecache_extra x;
	const char *why = NULL;
	size_t n;
	void *buf = save(rs, &d, &n);
	char a[4096], b[4096];
	int any = 0;

	(void)state;
	assert_true(d.nwarnings > 0); /* "and" in lower case */
	lr = rulecache_load(buf, n, &x, &why);
	assert_non_null(lr);
	assert_null(why);
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		for (int l = 0; l < 3; l++) {
			const char *lang = l == 0 ? "en" : l == 1 ? "fr" : "ar";

			run(rs, texts[i], lang, a);
			run(lr, texts[i], lang, b);
			assert_string_equal(a, b);
			any += a[0] != '\0';
		}
	assert_true(any > 5);
	/* the rules as records, disabled rules too */
	assert_int_equal(ruleset_nrules(lr), ruleset_nrules(rs));
	assert_int_equal(ruleset_ndisabled(lr), 1);
	assert_string_equal(ruleset_disabled(lr, 0)->id, "off");
	assert_false(ruleset_disabled(lr, 0)->enabled);
	assert_int_equal(ruleset_natoms(lr), ruleset_natoms(rs));
	for (size_t i = 0; i < ruleset_nrules(rs); i++) {
		const struct rule *p = ruleset_rule(rs, i), *q = ruleset_rule(lr, i);

		assert_string_equal(p->id, q->id);
		assert_string_equal(p->name, q->name);
		assert_string_equal(p->query, q->query);
		assert_string_equal(p->file, q->file);
		assert_int_equal(p->line, q->line);
		assert_int_equal(p->ntags, q->ntags);
		assert_int_equal(p->nnotify, q->nnotify);
		assert_int_equal(p->nlangs, q->nlangs);
		for (size_t k = 0; k < p->ntags; k++)
			assert_string_equal(p->tags[k], q->tags[k]);
		for (size_t k = 0; k < p->nlangs; k++)
			assert_string_equal(p->langs[k], q->langs[k]);
		/* where each notify name is written: its warnings are placed there */
		for (size_t k = 0; k < p->nnotify; k++) {
			assert_string_equal(p->notify[k], q->notify[k]);
			assert_int_equal(p->notify_at[k].line, q->notify_at[k].line);
			assert_int_equal(p->notify_at[k].col, q->notify_at[k].col);
		}
	}
	assert_int_equal(ruleset_rule(lr, 0)->notify_at[0].line, 4);
	assert_int_equal(ruleset_rule(lr, 0)->notify_at[0].col, 10);
	/* the diagnostics and deps come back */
	assert_int_equal(x.diags.n, d.n);
	for (size_t i = 0; i < d.n; i++) {
		char l1[512], l2[512];

		diag_format(&d.v[i], l1, sizeof(l1));
		diag_format(&x.diags.v[i], l2, sizeof(l2));
		assert_string_equal(l1, l2);
	}
	assert_int_equal(x.diag_item[0], 7);
	assert_int_equal(x.ndeps, 1);
	assert_string_equal(x.deps[0], "names.txt");
	assert_int_equal(x.dep_hash[0].h[1], 2);
	rulecache_extra_free(&x);
	ruleset_free(lr); /* frees buf */
	ruleset_free(rs);
	diags_free(&d);
}

/* One thread's asks: every rule's record, from the end when arg's second is odd. */
struct asker {
	const struct ruleset *rs;
	int backwards;
	const struct rule *got[64];
};

static void *
ask_all(void *arg)
{
	struct asker *a = arg;
	size_t n = ruleset_nrules(a->rs);

	for (size_t k = 0; k < n; k++) {
		size_t i = a->backwards ? n - 1 - k : k;

		a->got[i] = ruleset_rule(a->rs, i);
	}
	a->got[n] = ruleset_disabled(a->rs, 0);
	return NULL;
}

static void
keep(void *buf, size_t n)
{
	(void)buf;
	(void)n;
}

/*
 * A loaded set makes a rule's record when first asked for: asked for by
 * four threads at once, in both orders, each record is made once (the same
 * address for all) and whole.
 */
static void
test_lazy(void **state)
{
	struct diags d;
	struct ruleset *rs = compile(&d), *lr;
	struct rulecache_extra x;
	const char *why = NULL;
	size_t n, nr = ruleset_nrules(rs);
	void *buf = save(rs, &d, &n);
	struct asker a[4];
	pthread_t t[4];

	(void)state;
	assert_true(nr + 1 < 64);
	for (int round = 0; round < 20; round++) {
		lr = rulecache_load(buf, n, &x, &why);
		assert_non_null(lr);
		for (int k = 0; k < 4; k++) {
			a[k] = (struct asker){.rs = lr, .backwards = k % 2};
			assert_int_equal(pthread_create(&t[k], NULL, ask_all, &a[k]), 0);
		}
		for (int k = 0; k < 4; k++)
			assert_int_equal(pthread_join(t[k], NULL), 0);
		for (size_t i = 0; i <= nr; i++) {
			const struct rule *p =
			    i < nr ? ruleset_rule(rs, i) : ruleset_disabled(rs, 0);

			for (int k = 0; k < 4; k++)
				assert_ptr_equal(a[k].got[i], a[0].got[i]);
			assert_ptr_equal(i < nr ? ruleset_rule(lr, i) : ruleset_disabled(lr, 0),
			                 a[0].got[i]);
			assert_string_equal(a[0].got[i]->id, p->id);
			assert_string_equal(a[0].got[i]->query, p->query);
			assert_int_equal(a[0].got[i]->line, p->line);
			assert_int_equal(a[0].got[i]->enabled, p->enabled);
		}
		rulecache_extra_free(&x);
		rulecache_set_release(lr, keep, n); /* the buffer serves the next round */
		ruleset_free(lr);
	}
	free(buf);
	ruleset_free(rs);
	diags_free(&d);
}

/*
 * Every truncation, and a byte changed at many offsets: with the checksum
 * as it was (caught by it) and sealed again (caught by the checks, or
 * harmless: then the set must still match without fault under ASan).
 */
static void
test_damage(void **state)
{
	struct diags d;
	struct ruleset *rs = compile(&d), *lr;
	struct rulecache_extra x;
	const char *why;
	size_t n, refused = 0, refused_sealed = 0, tries = 0, step;
	char *buf = save(rs, &d, &n), *copy = malloc(n), *trunc = copy;
	char out[4096];

	(void)state;
	assert_non_null(copy);
	step = n / 3000 + 1;
	for (size_t cut = 0; cut < n; cut += step) {
		memcpy(copy, buf, cut);
		why = NULL;
		assert_null(rulecache_load(copy, cut, &x, &why));
		assert_non_null(why);
	}
	for (size_t off = 0; off < n; off += step) {
		for (int sealed = 0; sealed < 2; sealed++) {
			char *c = malloc(n);

			assert_non_null(c);
			memcpy(c, buf, n);
			c[off] ^= (char)(off % 255 + 1); /* never 0: a change */
			if (sealed)
				rulecache_seal(c, n);
			why = NULL;
			tries += sealed;
			lr = rulecache_load(c, n, &x, &why);
			if (lr == NULL) {
				assert_non_null(why);
				refused++;
				refused_sealed += sealed;
				free(c);
				continue;
			}
			if (!sealed)
				fail_msg("unsealed change at %zu of %zu accepted", off, n);
			for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
				run(lr, texts[i], "en", out);
			rulecache_extra_free(&x);
			ruleset_free(lr); /* and c */
		}
	}
	assert_true(refused > n / step);
	/*
	 * Resealed, a change passes the checksum: only the checks of counts,
	 * offsets and indexes can refuse it, and many bytes are texts a change
	 * may rightly keep. Those checks must still catch a good share.
	 */
	print_message("sealed changes refused: %zu of %zu\n", refused_sealed, tries);
	assert_true(refused_sealed * 10 >= tries);
	free(trunc);
	free(buf);
	ruleset_free(rs);
	diags_free(&d);
}

/*
 * Crafted, checksum sealed: an edge table of 0 slots (its mask would be
 * all ones: the trie's lookups out of bounds). The layout is the format's
 * (rulecache.c): the header, the section table {offset, length} from byte
 * RULECACHE_HEADER, the meta section first, whose 10th number is the edge
 * slot count; the edges are section 5.
 */
static void
test_crafted(void **state)
{
	struct diags d;
	struct ruleset *rs = compile(&d);
	struct rulecache_extra x;
	const char *why = NULL;
	size_t n;
	char *buf = save(rs, &d, &n);
	uint64_t meta, zero = 0;

	(void)state;
	memcpy(&meta, buf + RULECACHE_HEADER, 8);
	memcpy(buf + meta + 9 * 8, &zero, 8);                  /* nedgeslots */
	memcpy(buf + RULECACHE_HEADER + 5 * 16 + 8, &zero, 8); /* the edges' length */
	rulecache_seal(buf, n);
	assert_null(rulecache_load(buf, n, &x, &why));
	assert_non_null(why);
	assert_string_equal(why, "trie edge table size");
	free(buf);

	/*
	 * A disabled-rule count that wraps the rule count to 0 with no rule
	 * records: it loaded, and the first hit read past the records.
	 */
	buf = save(rs, &d, &n);
	memcpy(&meta, buf + RULECACHE_HEADER, 8);
	{
		uint64_t nrules, noff;

		memcpy(&nrules, buf + meta, 8);
		noff = (uint64_t)0 - nrules;
		memcpy(buf + meta + 8, &noff, 8);                       /* noff */
		memcpy(buf + RULECACHE_HEADER + 27 * 16 + 8, &zero, 8); /* the rules' length */
	}
	rulecache_seal(buf, n);
	why = NULL;
	assert_null(rulecache_load(buf, n, &x, &why));
	assert_non_null(why);
	assert_string_equal(why, "counts");
	free(buf);
	ruleset_free(rs);
	diags_free(&d);
}

/*
 * A set with no fuzzy start has a pair filter (ruleset_int.h), saved and
 * loaded with it: the loaded set finds what the compiled one does, words
 * alone, phrases, Arabic readings; a cache that lost it is refused. The
 * meta section's 18th number is the pair filter's word count, the pair
 * filter the last section.
 */
static void
test_pair_filter(void **state)
{
	static const char names[] = "[rule a]\nquery = \"Bashar al-Assad\" OR \"بشار الأسد\"\n"
	                            "[rule k]\nquery = \"Karim Haddadin\" OR \"Majd Kamal*\"\n"
	                            "[rule p]\nquery = Paul OR \"Paul Eluard\"\n";
	static const char *const txt[] = {
	    "T\nBashar al-Assad met Karim Haddadin; Majd Kamalmaz and Paul came.",
	    "T\nقال وبشار الأسد اليوم", "T\nKarim alone, Haddadin alone, Paul Eluard, Majd.",
	    "T\nnothing at all"};
	struct ruleset *rs = ruleset_new(), *lr;
	struct rulecache_extra x = {0}, y;
	const char *why = NULL;
	uint64_t meta, zero = 0, npair;
	struct diags d;
	char a[4096], b[4096], *buf;
	size_t n;
	int any = 0;

	(void)state;
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "n.rules", names, strlen(names), NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(rulecache_save(rs, &x, (void **)&buf, &n), 0);
	memcpy(&meta, buf + RULECACHE_HEADER, 8);
	memcpy(&npair, buf + meta + 17 * 8, 8);
	assert_true(npair > 0);
	lr = rulecache_load(buf, n, &y, &why);
	assert_non_null(lr);
	for (size_t i = 0; i < sizeof(txt) / sizeof(*txt); i++) {
		run(rs, txt[i], NULL, a);
		run(lr, txt[i], NULL, b);
		assert_string_equal(a, b);
		any += a[0] != '\0';
	}
	assert_int_equal(any, 3);
	rulecache_extra_free(&y);
	ruleset_free(lr); /* frees buf */

	assert_int_equal(rulecache_save(rs, &x, (void **)&buf, &n), 0);
	{
		uint64_t nsect;

		memcpy(&nsect, buf + 48, 8); /* the header's section count */
		memcpy(buf + meta + 17 * 8, &zero, 8);
		memcpy(buf + RULECACHE_HEADER + (nsect - 1) * 16 + 8, &zero, 8);
	}
	rulecache_seal(buf, n);
	why = NULL;
	assert_null(rulecache_load(buf, n, &y, &why));
	assert_non_null(why);
	assert_string_equal(why, "pair filter size");
	free(buf);
	ruleset_free(rs);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),   cmocka_unit_test(test_lazy),
	    cmocka_unit_test(test_damage),      cmocka_unit_test(test_crafted),
	    cmocka_unit_test(test_pair_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
