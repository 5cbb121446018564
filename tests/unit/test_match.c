/*
 * Unit tests for ruleset.c + match.c + hit.c: rules compiled from text, run
 * over documents built from text, hits and their spans checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hit.h"
#include "match.h"
#include "ruleset.h"
#include "token.h"

struct result {
	char ids[512];      /* hit rule ids, space-separated */
	char spans[1024];   /* "rule:text|text;" per hit */
	char snippet[1024]; /* of the first hit */
	char limited[256];  /* rule ids whose regex hit a limit, space-separated */
};

struct run {
	struct result r;
	const struct document *doc;
};

static int
collect_hit(const struct hit *h, void *arg)
{
	struct run *run = arg;
	struct result *r = &run->r;
	const struct document *doc = run->doc;
	size_t l = strlen(r->ids);

	snprintf(r->ids + l, sizeof(r->ids) - l, "%s%s", l ? " " : "", h->rule->id);
	l = strlen(r->spans);
	snprintf(r->spans + l, sizeof(r->spans) - l, "%s:", h->rule->id);
	for (size_t i = 0; i < h->nspans; i++) {
		l = strlen(r->spans);
		snprintf(r->spans + l, sizeof(r->spans) - l, "%s%.*s", i ? "|" : "",
		         (int)(h->spans[i].end - h->spans[i].start),
		         doc->field[h->spans[i].field] + h->spans[i].start);
	}
	l = strlen(r->spans);
	snprintf(r->spans + l, sizeof(r->spans) - l, ";");
	if (r->snippet[0] == '\0') {
		char *s = hit_snippet(doc, h, "«", "»");

		snprintf(r->snippet, sizeof(r->snippet), "%s", s);
		free(s);
	}
	return 0;
}

/* Compile rules, match text (title line + body) with lang; fill run. Returns hits. */
static int
run_match(const char *rules, const char *text, const char *lang, struct run *out)
{
	struct ruleset *rs = ruleset_new();
	struct diags d;
	struct document doc;
	struct matcher *m;
	const char *err;
	int n;

	memset(out, 0, sizeof(*out));
	diags_init(&d);
	if (ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, &d) < 0 ||
	    ruleset_finish(rs, &d) < 0) {
		char line[512];

		for (size_t i = 0; i < d.n; i++) {
			diag_format(&d.v[i], line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		fail_msg("rules did not compile");
	}
	assert_int_equal(doc_from_text(&doc, text, strlen(text), "t.txt", "drop", lang, &err), 0);
	m = matcher_new(rs);
	assert_non_null(m);
	out->doc = &doc;
	n = matcher_run(m, &doc, collect_hit, out);
	{
		const struct rule *lr;
		size_t nl = matcher_limited(m, 0, &lr);

		for (size_t i = 0; i < nl; i++) {
			size_t l = strlen(out->r.limited);

			matcher_limited(m, i, &lr);
			snprintf(out->r.limited + l, sizeof(out->r.limited) - l, "%s%s",
			         l ? " " : "", lr->id);
		}
	}
	/* a second run over the same document gives the same answer (scratch reuse) */
	{
		struct run again;

		memset(&again, 0, sizeof(again));
		again.doc = &doc;
		assert_int_equal(matcher_run(m, &doc, collect_hit, &again), n);
		assert_string_equal(again.r.ids, out->r.ids);
		assert_string_equal(again.r.spans, out->r.spans);
	}
	out->doc = NULL;
	matcher_free(m);
	doc_free(&doc);
	ruleset_free(rs);
	diags_free(&d);
	return n;
}

struct mcase {
	const char *query;
	const char *text;
	int hit;
	const char *spans; /* expected "q:...;" or NULL */
};

static void
check_cases(const struct mcase *c, size_t n, const char *lang)
{
	for (size_t i = 0; i < n; i++) {
		char rules[2048];
		struct run r;
		int got;

		snprintf(rules, sizeof(rules), "[rule q]\nquery = %s\n", c[i].query);
		got = run_match(rules, c[i].text, lang, &r);
		if (got != c[i].hit) {
			fail_msg("query %s on \"%s\": expected %s, got %d hits", c[i].query,
			         c[i].text, c[i].hit ? "a hit" : "no hit", got);
		}
		if (c[i].spans != NULL && strcmp(c[i].spans, r.r.spans) != 0)
			fail_msg("query %s on \"%s\": spans \"%s\", expected \"%s\"", c[i].query,
			         c[i].text, r.r.spans, c[i].spans);
	}
}

static void
test_words_and_phrases(void **state)
{
	static const struct mcase c[] = {
	    {"Assad", "Title\nThe regime of Assad said", 1, "q:Assad;"},
	    {"Assad", "Title\nMr Assadi said", 0, NULL},
	    {"Tice", "Title\nno justice was done", 0, NULL},
	    {"\"Bashar al-Assad\"", "T\nPresident Bashar al-Assad spoke", 1, "q:Bashar al-Assad;"},
	    {"\"Bashar al-Assad\"", "T\nBashar the al-Assad", 0, NULL},
	    {"\"Bashar Assad\"~2", "T\nBashar Hafez al-Assad", 1, "q:Bashar Hafez al-Assad;"},
	    {"\"Bashar Assad\"~1", "T\nBashar Hafez al-Assad", 0, NULL},
	    {"\"Bashar Assad\"~5", "T\nAssad Bashar", 0, NULL},
	    {"Kamal*", "T\nDr Kamalmaz returned", 1, "q:Kamalmaz;"},
	    {"Kamal*", "T\nKama returned", 0, NULL},
	    {"Kamalmaz~", "T\nthe therapist Kalmamaz", 1, "q:Kalmamaz;"},
	    {"Kamalmaz~", "T\nthe therapist Halmamaz", 0, NULL},
	    {"Kamalmaz~1", "T\nthe therapist Kalmamaz", 0, NULL},
	    {"\"Majd Kamalmaz~1\"", "T\nMajd Kamalmas came", 1, NULL},
	    {"{US}", "T\nthe US said", 1, NULL},
	    {"{US}", "T\nlet us say", 0, NULL},
	    /* an exact word ending in punctuation: the text after the last token counts */
	    {"{C++}", "T\nwritten in C++ today", 1, "q:C++;"},
	    {"{C++}", "T\nwritten in C++, today", 1, NULL},
	    {"{C++}", "T\nwritten in C++11 today", 0, NULL},
	    {"{C++}", "T\nwritten in C today", 0, NULL},
	    {"{C++}", "T\nwritten in C+ today", 0, NULL},
	    {"{Assad's}", "T\nAssad's regime", 1, "q:Assad's;"},
	    {"{N'Diaye}", "T\nMme N'Diaye", 1, "q:N'Diaye;"},
	    {"{Assad's}", "T\nAssad said", 0, NULL},
	    {"{Yahoo!}", "T\nshares of Yahoo! fell", 1, "q:Yahoo!;"},
	    {"{.NET}", "T\nthe .NET runtime", 1, NULL},
	    {"{E!} OR {C#}", "T\nC# and E! News", 1, NULL},
	    /* punctuation written between a phrase's words counts no more than in the text */
	    {"\"Tom & Jerry\"", "T\nwatching Tom & Jerry again", 1, "q:Tom & Jerry;"},
	    {"\"Tom & Jerry\"", "T\nwatching Tom and Jerry again", 0, NULL},
	    {"\"Hezbollah \xE2\x80\x93 Israel\"", "T\nthe Hezbollah-Israel war", 1, NULL},
	    {"\"Kamal , Assad\"~2", "T\nKamal, son of Assad", 1, NULL},
	    {"{Tom & Jerry}", "T\nwatching Tom & Jerry again", 1, "q:Tom & Jerry;"},
	    {"{Tom & Jerry}", "T\nwatching Tom and Jerry again", 0, NULL},
	    {"/Ka\\w+maz/i", "T\nKALAMAZ is not it, kamalmaz is", 1, "q:KALAMAZ|kamalmaz;"},
	    {"/^T$/", "T\nbody", 1, NULL},
	    {"\"d'Assad\"", "T\nle régime d’Assad", 1, NULL},
	    {"élysée", "T\nà l'Elysee hier", 1, NULL},
	    {"strasse", "T\nKönigsstraße oder Straße", 1, "q:Straße;"},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]), NULL);
}

static void
test_boolean(void **state)
{
	static const struct mcase c[] = {
	    {"Assad AND Tice", "T\nAssad and Tice", 1, "q:Assad|Tice;"},
	    {"Assad Tice", "T\nAssad only", 0, NULL},
	    {"Assad OR Tice", "T\nonly Tice", 1, "q:Tice;"},
	    {"Assad NOT Tice", "T\nAssad and Tice", 0, NULL},
	    {"Assad -Tice", "T\nAssad alone", 1, NULL},
	    {"(Assad OR Bashar) AND (Tice OR Kamalmaz)", "T\nBashar met Kamalmaz", 1, NULL},
	    {"Assad OR Tice AND Patel", "T\nAssad", 1, NULL},
	    {"Assad OR Tice AND Patel", "T\nTice", 0, NULL},
	    {"Tice NEAR/3 journalist", "T\nTice, the American journalist", 1, "q:Tice|journalist;"},
	    {"Tice NEAR/1 journalist", "T\nTice, the American journalist", 0, NULL},
	    {"Tice NEAR/3 journalist", "T\nthe journalist Austin Tice", 1, NULL},
	    {"Tice ONEAR/3 journalist", "T\nthe journalist Austin Tice", 0, NULL},
	    {"Tice NEAR/10 (journalist OR hostage)", "T\nhostage Tice", 1, NULL},
	    {"\"Austin Tice\" NEAR/2 journalist*", "T\nAustin Tice, journalists", 1, NULL},
	    {"title:hostage", "Hostage talks\nnothing here", 1, "q:Hostage;"},
	    {"title:hostage", "Talks\nthe hostage", 0, NULL},
	    {"body:hostage", "Hostage talks\nnothing here", 0, NULL},
	    {"source:drop", "T\nbody", 1, NULL},
	    {"lang:ar", "T\nbody", 0, NULL},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]), NULL);
}

static void
test_arabic(void **state)
{
	static const struct mcase c[] = {
	    /* proclitics and the article */
	    {"\"بشار الأسد\"", "عنوان\nمحاولات لـ”بشار الأسد” الأخيرة", 1, NULL},
	    {"بشار", "عنوان\nقال وبشار إن", 1, "q:وبشار;"},
	    {"عقوبات", "عنوان\nفرض والعقوبات الجديدة", 1, NULL},
	    {"الأسد", "عنوان\nقال للأسد إن", 1, NULL},
	    {"الأسد", "عنوان\nرأى أسد في الغابة", 0, NULL},
	    /* obfuscation and harakat */
	    {"رفضت", "عنوان\nالإدارة رفـ.ـضت العرض", 1, "q:رفـ.ـضت;"},
	    {"\"السلاح الكيماوي\"", "عنوان\nاستخدام السـ.ـلاح الكيمـ.ـاوي", 1, NULL},
	    {"محمد", "عنوان\nقال مُحَمَّد", 1, NULL},
	    /* the language filter from the script */
	    {"lang:ar", "عنوان\nنص عربي طويل", 1, NULL},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]), NULL);
}

/* RULES.md §4: German umlauts spelt out (đ, ə too), Arabic compound names joined or apart. */
static void
test_spelling_variants(void **state)
{
	static const struct mcase c[] = {
	    {"Müller", "T\nMinister Mueller said", 1, "q:Mueller;"},
	    {"Müller", "T\nMINISTER MUELLER SAID", 1, NULL},
	    {"Müller", "T\nMinister Muller said", 1, NULL},
	    {"Mu\xCC\x88ller", "T\nMinister Mueller said", 1, NULL}, /* u + U+0308 */
	    {"Mueller", "T\nMinister Müller said", 0, NULL},
	    {"Mueller", "T\nMinister Muller said", 0, NULL},
	    {"{Müller}", "T\nMinister Mueller said", 0, NULL},
	    {"\"Jürgen Müller\"~1", "T\nJuergen K. Mueller", 1, NULL},
	    {"Müller NEAR/2 Berlin", "T\nMueller in Berlin", 1, "q:Mueller|Berlin;"},
	    {"Berlin -Müller", "T\nMueller in Berlin", 0, NULL},
	    {"Österr*", "T\nOesterreichs Regierung", 1, NULL},
	    /* đ also as dj (Serbo-Croatian), ə also as e (Azerbaijani), besides their folds */
	    {"Đoković", "T\nNovak Djokovic won", 1, "q:Djokovic;"},
	    {"Đoković", "T\nNOVAK DJOKOVIC WON", 1, NULL},
	    {"Đoković", "T\nNovak Dokovic won", 1, NULL},
	    {"\"Zoran Đinđić\"", "T\nZoran Djindjic died", 1, NULL},
	    {"Djokovic", "T\nNovak Đoković won", 0, NULL},
	    {"Məmmədov", "T\nMr Memmedov spoke", 1, "q:Memmedov;"},
	    {"Məmmədov", "T\nMr Mammadov spoke", 1, NULL},
	    {"Əliyev", "T\nIlham Eliyev", 1, NULL},
	    {"Əliyev", "T\nIlham Aliyev", 1, NULL},
	    {"Eliyev", "T\nIlham Əliyev", 0, NULL},
	    {"{Đoković}", "T\nNovak Djokovic won", 0, NULL},
	    {"\"نصر الله\"", "عنوان\nقال نصرالله", 1, "q:نصرالله;"},
	    {"نصرالله", "عنوان\nقال حسن نصر الله", 1, "q:نصر الله;"},
	    {"\"حسن نصر الله\"", "عنوان\nقال حسن نصرالله", 1, NULL},
	    {"\"عبد الرحمن\"", "عنوان\nوعبدالرحمن قال", 1, NULL},
	    {"عبدالله", "عنوان\nقال عبد الله", 1, NULL},
	    {"ابوبكر", "عنوان\nقال أبو بكر", 1, NULL},
	    {"\"أبو بكر\"", "عنوان\nقال ابوبكر", 1, NULL},
	    {"\"بن سلمان\"", "عنوان\nمحمد بنسلمان", 1, NULL},
	    /* not a compound: other pairs stay apart, a part alone is no name */
	    {"\"نصر الجيش\"", "عنوان\nقال نصرالجيش", 0, NULL},
	    {"نصرالله", "عنوان\nقال نصر", 0, NULL},
	    {"الله", "عنوان\nقال نصرالله", 0, NULL},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]), NULL);
}

/*
 * Persian words joined by ZWNJ (U+200C), which normalization deletes, match
 * their parts written apart, and the reverse, as Arabic compound names do:
 * at a ZWNJ written in the rule, and at the parts written with one (می, نمی;
 * ای, ها, های, هایی, تر, ترین), in words and inside phrases.
 */
#define ZWNJ "\xE2\x80\x8C"
static void
test_persian_zwnj(void **state)
{
	static const struct mcase c[] = {
	    {"\"علی خامنه" ZWNJ "ای\"", "عنوان\nسخنان علی خامنه ای دیروز", 1, "q:علی خامنه ای;"},
	    {"\"علی خامنه ای\"", "عنوان\nسخنان علی خامنه" ZWNJ "ای دیروز", 1, NULL},
	    {"\"علی خامنه ای\"", "عنوان\nسخنان علی خامنهای دیروز", 1, NULL},
	    {"\"علی خامنهای\"", "عنوان\nسخنان علی خامنه ای دیروز", 1, NULL},
	    {"\"علی خامنه" ZWNJ "ای\"", "عنوان\nسخنان علی خامنهای دیروز", 1, NULL},
	    {"خامنه" ZWNJ "ای", "عنوان\nسخنان خامنه ای", 1, "q:خامنه ای;"},
	    {"\"رهبر علی خامنه" ZWNJ "ای گفت\"", "عنوان\nرهبر علی خامنه ای گفت", 1, NULL},
	    {"\"رهبر علی خامنه ای گفت\"", "عنوان\nرهبر علی خامنه" ZWNJ "ای گفت", 1, NULL},
	    {"کتاب" ZWNJ "ها", "عنوان\nاین کتاب ها", 1, NULL},
	    {"\"کتاب ها\"", "عنوان\nاین کتاب" ZWNJ "ها", 1, NULL},
	    {"\"می روند\"", "عنوان\nآنها می" ZWNJ "روند", 1, NULL},
	    {"می" ZWNJ "روند", "عنوان\nآنها می روند", 1, NULL},
	    {"\"بزرگ ترین\"", "عنوان\nبزرگترین شهر", 1, NULL},
	    /* a ZWNJ the rule writes splits there, whatever the parts */
	    {"کتاب" ZWNJ "خانه", "عنوان\nدر کتاب خانه", 1, NULL},
	    {"کتاب" ZWNJ "خانه", "عنوان\nدر کتابخانه", 1, NULL},
	    /* a prefix splits too; a fuzzy word is one word: joined only */
	    {"خامنه" ZWNJ "ای*", "عنوان\nسخنان خامنه ایها", 1, NULL},
	    {"خامنه" ZWNJ "ای~", "عنوان\nسخنان خامنهاي", 1, NULL},
	    {"خامنه" ZWNJ "ای~1", "عنوان\nسخنان خامنه ای", 0, NULL},
	    {"\"علی خامنه" ZWNJ "ای\"~2", "عنوان\nعلی آقای خامنه ای", 1, NULL},
	    {"خامنه" ZWNJ "ای NEAR/2 علی", "عنوان\nعلی گفت خامنه ای", 1, NULL},
	    /* not a compound: other pairs stay apart, a part alone is no word */
	    {"\"کتاب خانه\"", "عنوان\nدر کتابخانه", 0, NULL},
	    {"خامنه" ZWNJ "ای", "عنوان\nسخنان خامنه", 0, NULL},
	    {"\"علی خامنه" ZWNJ "ای\"", "عنوان\nسخنان علی خامنه", 0, NULL},
	};

	(void)state;
	check_cases(c, sizeof(c) / sizeof(c[0]), NULL);
}

static void
test_rule_lang_filter(void **state)
{
	struct run r;
	const char *rules = "[rule a]\nquery = sanctions\nlang = fr ar\n"
	                    "[rule b]\nquery = sanctions\n";

	(void)state;
	assert_int_equal(run_match(rules, "T\nnew sanctions", "en", &r), 1);
	assert_string_equal(r.r.ids, "b");
	assert_int_equal(run_match(rules, "T\nnew sanctions", "fr", &r), 2);
	assert_string_equal(r.r.ids, "a b");
}

static void
test_many_rules_share_terms(void **state)
{
	/* 2,000 rules over shared first names: each hit only where its full name is */
	size_t cap = 2000 * 64, len = 0;
	char *rules = malloc(cap);
	struct run r;

	(void)state;
	for (int i = 0; i < 2000; i++)
		len += (size_t)snprintf(rules + len, cap - len,
		                        "[rule r%d]\nquery = \"john smith%d\"\n", i, i);
	assert_int_equal(run_match(rules, "T\nJohn Smith1234 met John Smith7 and John", NULL, &r),
	                 2);
	assert_string_equal(r.r.ids, "r7 r1234");
	free(rules);
}

static void
test_regex_bounded(void **state)
{
	/* catastrophic backtracking stops at the match limit: a bounded "no" */
	char *text = malloc(40000);
	struct run r;

	(void)state;
	memcpy(text, "T\n", 2);
	memset(text + 2, 'a', 30000);
	strcpy(text + 30002, "!");
	assert_int_equal(run_match("[rule q]\nquery = /(a+)+$/\n", text, NULL, &r), 0);
	assert_int_equal(run_match("[rule q]\nquery = /(a|aa)+b/\n", text, NULL, &r), 0);
	free(text);
}

static void
test_regex_limit_goes_on(void **state)
{
	/*
	 * A line on which the pattern backtracks without end, then a real match
	 * on a later line: the search goes on past the limit and finds it, and
	 * the rule is named as having hit the limit.
	 */
	char text[4096];
	struct run r;

	(void)state;
	snprintf(
	    text, sizeof(text), "T\nstart %.*s!\nmore text\nthen aab here\n", 60,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(
	    run_match("[rule q]\nquery = /(a+)+b/\n[rule other]\nquery = text\n", text, NULL, &r),
	    2);
	assert_string_equal(r.r.ids, "q other");
	assert_string_equal(r.r.spans, "q:aab;other:text;");
	assert_string_equal(r.r.limited, "q");
	/* the same pattern, possessive: no limit, the same hit */
	assert_int_equal(run_match("[rule q]\nquery = /(a++)+b/\n", text, NULL, &r), 1);
	assert_string_equal(r.r.spans, "q:aab;");
	assert_string_equal(r.r.limited, "");
	/* several bad lines, each passed, before the match */
	snprintf(text, sizeof(text), "T\n%.*s!\n%.*s!\nx\n%.*s!\nthen aab\n", 50,
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 50,
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 50,
	         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(run_match("[rule q]\nquery = /(a+)+b/\n", text, NULL, &r), 1);
	assert_string_equal(r.r.spans, "q:aab;");
	assert_string_equal(r.r.limited, "q");
}

static void
test_long_field_chunks(void **state)
{
	/*
	 * A field of megabytes is tokenized a megabyte at a time: a phrase, a
	 * NEAR pair and an exact word across the cut are found, with their
	 * spans, wherever the cut falls among them.
	 */
	const char *rules = "[rule phrase]\nquery = \"Austin Tice\"\n"
	                    "[rule near]\nquery = council NEAR/1 border\n"
	                    "[rule exact]\nquery = {Tice}\n";
	size_t mb = 1u << 20, cap = 3 * mb;
	char *text = malloc(cap);
	struct run r;

	(void)state;
	for (size_t shift = 0; shift < 48; shift += 5) {
		size_t n = 0, fill = mb - 24 + shift;

		memcpy(text, "T\n", 2);
		n = 2;
		while (n < fill) {
			memcpy(text + n, "aa ", 3);
			n += 3;
		}
		n += (size_t)snprintf(text + n, cap - n, "Austin Tice council x border ");
		while (n < 2 * mb + 100) {
			memcpy(text + n, "bb ", 3);
			n += 3;
		}
		text[n] = '\0';
		assert_int_equal(run_match(rules, text, "en", &r), 3);
		assert_string_equal(r.r.spans,
		                    "phrase:Austin Tice;near:council|border;exact:Tice;");
	}
	free(text);
}

/*
 * Snippets byte for byte: white space runs made one space, the window cut
 * on character boundaries (Arabic, two bytes a letter; accents), marks at
 * the window's edges, next to each other and across a run of spaces. The
 * expected texts are those hit_snippet made before it was rewritten to
 * copy without a call a byte.
 */
static void
test_snippet_bytes(void **state)
{
	static const struct {
		const char *rules, *text, *snippet;
	} c[] = {
	    {"[rule q]\nquery = Tice\n", "T\n\t  Tice\t\n  end  ", "«Tice» end"},
	    {"[rule q]\nquery = \"Austin Tice\"\n", "T\nAustin \t\n Tice", "«Austin Tice»"},
	    {"[rule q]\nquery = a OR b\n", "T\nx a b a  b y", "x «a» «b» «a» «b» y"},
	    {"[rule q]\nquery = الأسد\n",
	     "T\nقال المتحدث باسم الحكومة إن الاجتماع الذي عقد في العاصمة بحضور ممثلين عن "
	     "الأطراف كافة تناول ملفات عديدة أبرزها الأسد والوضع الاقتصادي والأمني في "
	     "المنطقة الشمالية التي تشهد منذ أشهر توترا متزايدا بين السكان والسلطات المحلية "
	     "وقد اتفق المشاركون على مواصلة الحوار في جولة مقبلة",
	     /* the room left by the match split evenly between its sides (test_snippet_fair) */
	     "…الحكومة إن الاجتماع الذي عقد في العاصمة بحضور ممثلين عن الأطراف كافة تناول "
	     "ملفات عديدة أبرزها «الأسد» والوضع الاقتصادي والأمني في المنطقة الشمالية التي "
	     "تشهد منذ أشهر توترا متزايدا بين السكان والسلطات…"},
	    {"[rule q]\nquery = Zürich\n",
	     "T\nÉté après été, les élèves de l'école à côté de la gare répètent que Zürich "
	     "est à deux pas, même si la ville où ils étudient, décrite comme élégante et "
	     "très animée, se trouve à plusieurs heures de train à travers les Alpes enneigées "
	     "et les vallées profondes où coulent des rivières glacées toute l'année.",
	     "Été après été, les élèves de l'école à côté de la gare répètent que «Zürich» est à "
	     "deux pas, même si la ville où ils étudient, décrite comme élégante et très animée, "
	     "se trouve à plusieurs heures de…"},
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(run_match(c[i].rules, c[i].text, NULL, &r), 1);
		assert_string_equal(r.r.snippet, c[i].snippet);
	}
}

static void
test_snippet(void **state)
{
	struct run r;
	char text[2000];

	(void)state;
	snprintf(text, sizeof(text), "Title\n%s Kamalmaz and  Tice\n\nthere. %s",
	         "A long preamble about many things that happened over the years in several "
	         "places and also a few more words here to push it far enough to be cut off",
	         "Then more text follows after the names, and it goes on for a while so that "
	         "the snippet has to be cut at the end as well, somewhere around here or later "
	         "on in this sentence which keeps going.");
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz Tice\n", text, NULL, &r), 1);
	assert_non_null(strstr(r.r.snippet, "«Kamalmaz» and «Tice» there."));
	assert_true(strncmp(r.r.snippet, "…", strlen("…")) == 0);
	assert_true(strcmp(r.r.snippet + strlen(r.r.snippet) - strlen("…"), "…") == 0);
	assert_null(strchr(r.r.snippet, '\n'));
}

/* Code points of the NUL-terminated UTF-8 s. */
static size_t
u8len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A body that fits in the snippet's 200 characters is shown whole, wherever the match is. */
static void
test_snippet_whole(void **state)
{
	struct run r;

	(void)state;
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n",
	                           "Heading\nOne two three four five six seven eight nine ten "
	                           "eleven twelve thirteen fourteen Kamalmaz.",
	                           NULL, &r),
	                 1);
	assert_string_equal(r.r.snippet, "One two three four five six seven eight nine ten "
	                                 "eleven twelve thirteen fourteen «Kamalmaz».");
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n",
	                           "Heading\nKamalmaz was named first by the clerk, and then the "
	                           "others in the order of the list that the court kept.",
	                           NULL, &r),
	                 1);
	assert_string_equal(r.r.snippet, "«Kamalmaz» was named first by the clerk, and then the "
	                                 "others in the order of the list that the court kept.");
}

/*
 * A longer body: about 200 characters around the match, shared between
 * its two sides, the share one side lacks given to the other, cut between
 * words.
 */
static void
test_snippet_fair(void **state)
{
	static const char words[] =
	    "the harbour office opened late on the second day because the tide had "
	    "flooded the lower road and the clerks came in boats with their ledgers "
	    "wrapped in oilcloth while the gulls watched from the cranes above them ";
	struct run r;
	char text[4000];
	const char *m, *end;
	size_t left, right;

	(void)state;
	/* at the end: no cut after it, nearly all the room before it */
	snprintf(text, sizeof(text), "Heading\n%s%sKamalmaz.", words, words);
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n", text, NULL, &r), 1);
	assert_true(strncmp(r.r.snippet, "…", strlen("…")) == 0);
	assert_string_equal(r.r.snippet + strlen(r.r.snippet) - strlen("«Kamalmaz»."),
	                    "«Kamalmaz».");
	assert_true(u8len(r.r.snippet) >= 170 && u8len(r.r.snippet) <= 215);
	/* the first word shown is whole: a blank precedes it in the text */
	{
		char head[16];

		memcpy(head, r.r.snippet + strlen("…"), sizeof(head) - 1);
		head[sizeof(head) - 1] = '\0';
		m = strstr(text, head);
	}
	assert_non_null(m);
	assert_true(m[-1] == ' ');
	/* at the start: no cut before it, the room after it */
	snprintf(text, sizeof(text), "Heading\nKamalmaz %s%s", words, words);
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n", text, NULL, &r), 1);
	assert_true(
	    strncmp(r.r.snippet, "«Kamalmaz» the harbour", strlen("«Kamalmaz» the harbour")) == 0);
	assert_true(u8len(r.r.snippet) >= 170 && u8len(r.r.snippet) <= 215);
	end = r.r.snippet + strlen(r.r.snippet) - strlen("…");
	assert_string_equal(end, "…");
	assert_true(end[-1] != ' ');
	/* in the middle: each side gets about half of what the match leaves */
	snprintf(text, sizeof(text), "Heading\n%sKamalmaz %s", words, words);
	assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n", text, NULL, &r), 1);
	m = strstr(r.r.snippet, "«Kamalmaz»");
	assert_non_null(m);
	*(char *)m = '\0';
	left = u8len(r.r.snippet);
	right = u8len(m + strlen("«Kamalmaz»"));
	if (left < 75 || left > 100 || right < 75 || right > 100)
		fail_msg("left %zu, right %zu characters", left, right);
}

/* Whether s is valid UTF-8 (no sequence cut by the window). */
static int
u8valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u != '\0') {
		int n = *u < 0x80 ? 1 : *u >= 0xF0 ? 4 : *u >= 0xE0 ? 3 : *u >= 0xC0 ? 2 : 0;

		if (n == 0)
			return 0;
		for (int k = 1; k < n; k++)
			if ((u[k] & 0xC0) != 0x80)
				return 0;
		u += n;
	}
	return 1;
}

/*
 * Characters of one to four bytes, the match at every distance from either
 * end: the window is counted in characters (eight bytes at a time), so it
 * must never cut a character, never exceed its 200, and a body of 200 wide
 * characters (800 bytes) is still whole.
 */
static void
test_snippet_widths(void **state)
{
	static const char *const words[] = {"ab", "éè", "€₹", "𝄞𝄢", "x", "ﬁ"};
	struct run r;
	char text[8000];
	size_t n;

	(void)state;
	/* 200 characters of four bytes: whole; one more: cut */
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(text, sizeof(text), "Heading\nKamalmaz");
		for (size_t c = 8; c < 200 + (size_t)extra; c++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s",
			                      c % 9 == 0 ? " " : "𝄞");
		assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n", text, NULL, &r), 1);
		assert_true(u8valid(r.r.snippet));
		if (extra == 0)
			assert_null(strstr(r.r.snippet, "…"));
		else
			assert_non_null(strstr(r.r.snippet, "…"));
	}
	for (size_t at = 0; at <= 120; at += 3) {
		const char *m;

		n = (size_t)snprintf(text, sizeof(text), "Heading\n");
		for (size_t w = 0; w < 120; w++) {
			if (w == at)
				n += (size_t)snprintf(text + n, sizeof(text) - n, "Kamalmaz ");
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s ", words[w % 6],
			                      words[(w * 5 + at) % 6]);
		}
		if (at == 120)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "Kamalmaz");
		assert_int_equal(run_match("[rule q]\nquery = Kamalmaz\n", text, NULL, &r), 1);
		m = strstr(r.r.snippet, "«Kamalmaz»");
		if (m == NULL || !u8valid(r.r.snippet) || u8len(r.r.snippet) > 200 + 2 + 2 ||
		    u8len(r.r.snippet) < 150)
			fail_msg("match after %zu words: %zu characters: %s", at,
			         u8len(r.r.snippet), r.r.snippet);
	}
}

/* ruleset_tagged: the ids of the rules with a tag, and among given ids (hark hits --tag, tag=). */
static void
test_tagged(void **state)
{
	static const char rules[] = "[rule a]\nquery = x\ntags = syria people\n"
	                            "[rule b]\nquery = y\ntags = syria\n"
	                            "[rule c]\nquery = z\n";
	static const char *const only_b[] = {"b", "c"}, *const only_c[] = {"c"};
	struct ruleset *rs = ruleset_new();
	const char **ids;
	struct diags d;
	size_t n;

	(void)state;
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(ruleset_tagged(rs, "syria", NULL, 0, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "a");
	assert_string_equal(ids[1], "b");
	free(ids);
	assert_int_equal(ruleset_tagged(rs, "syria", only_b, 2, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "b");
	free(ids);
	assert_int_equal(ruleset_tagged(rs, "syria", only_c, 1, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(ruleset_tagged(rs, "Syria", NULL, 0, &ids, &n), 0);
	assert_int_equal(n, 0);
	diags_free(&d);
	ruleset_free(rs);
}

/* Each rule keeps its query as written; a disabled rule is kept apart, not compiled (/rules). */
static void
test_rule_record(void **state)
{
	static const char rules[] = "[rule a]\nquery = \"lava flow\"\n  OR Volcano\n"
	                            "[rule off]\nquery = Volcano\nenabled = no\ntags = geo\n"
	                            "[rule b]\nquery = y\nenabled = yes\n";
	struct ruleset *rs = ruleset_new();
	const char **ids;
	struct diags d;
	size_t n;

	(void)state;
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", rules, strlen(rules), NULL, &d), 0);
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(ruleset_nrules(rs), 2);
	assert_string_equal(ruleset_rule(rs, 0)->query, "\"lava flow\"\nOR Volcano");
	assert_true(ruleset_rule(rs, 0)->enabled);
	assert_string_equal(ruleset_rule(rs, 1)->id, "b");
	assert_int_equal(ruleset_ndisabled(rs), 1);
	assert_string_equal(ruleset_disabled(rs, 0)->id, "off");
	assert_string_equal(ruleset_disabled(rs, 0)->query, "Volcano");
	assert_string_equal(ruleset_disabled(rs, 0)->file, "t.rules");
	assert_int_equal(ruleset_disabled(rs, 0)->line, 4);
	assert_false(ruleset_disabled(rs, 0)->enabled);
	/* a disabled rule filters nothing: its tag names no rule in force */
	assert_int_equal(ruleset_tagged(rs, "geo", NULL, 0, &ids, &n), 0);
	assert_int_equal(n, 0);
	diags_free(&d);
	ruleset_free(rs);
}

/*
 * Ids are checked across files: one file's ids are indexed only when a
 * second comes (ruleset_int.h), then in order, refused rules too. A
 * rule's strings outlive the text of its file.
 */
static void
test_ids_across_files(void **state)
{
	char f1[] = "[rule a]\nquery = x\n[rule bad]\nquery = \"\"\n[rule b]\nquery = y\n";
	char f2[] = "[rule c]\nquery = z\n[rule b]\nquery = w\n[rule bad]\nquery = v\n";
	char f3[] = "[rule c]\nquery = u\n[rule d]\nquery = t\nname = Dee\n";
	struct ruleset *rs = ruleset_new();
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "1.rules", f1, strlen(f1), NULL, &d), -1);
	assert_int_equal(d.nerrors, 1); /* bad: no letters */
	memset(f1, 'X', sizeof(f1) - 1);
	assert_int_equal(ruleset_add_file(rs, "2.rules", f2, strlen(f2), NULL, &d), -1);
	assert_int_equal(d.nerrors, 3);
	assert_string_equal(d.v[1].msg, "duplicate rule id 'b' (first defined at 1.rules:5)");
	assert_string_equal(d.v[2].msg, "duplicate rule id 'bad' (first defined at 1.rules:3)");
	assert_int_equal(ruleset_add_file(rs, "3.rules", f3, strlen(f3), NULL, &d), -1);
	assert_int_equal(d.nerrors, 4);
	assert_string_equal(d.v[3].msg, "duplicate rule id 'c' (first defined at 2.rules:1)");
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(ruleset_nrules(rs), 4);
	assert_string_equal(ruleset_rule(rs, 0)->id, "a");
	assert_string_equal(ruleset_rule(rs, 0)->query, "x");
	assert_string_equal(ruleset_rule(rs, 0)->name, "a");
	assert_string_equal(ruleset_rule(rs, 0)->file, "1.rules");
	assert_string_equal(ruleset_rule(rs, 2)->id, "c");
	assert_string_equal(ruleset_rule(rs, 3)->name, "Dee");
	assert_int_equal(ruleset_rule(rs, 3)->line, 3);
	diags_free(&d);
	ruleset_free(rs);
}

/* The file's own diagnostics come first, then the compile's, each in file order. */
static void
test_diag_order(void **state)
{
	static const char f[] = "[rule a]\nquery = \"\"\n[rule b]\nquery = x\nbogus = 1\n"
	                        "[rule c]\nquery = \"-\"\n[rule d]\nqery = y\n";
	struct ruleset *rs = ruleset_new();
	struct diags d;

	(void)state;
	diags_init(&d);
	assert_int_equal(ruleset_add_file(rs, "t.rules", f, strlen(f), NULL, &d), -1);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.nerrors, 5);
	assert_int_equal(d.v[0].line, 5); /* bogus */
	assert_int_equal(d.v[1].line, 9); /* qery */
	assert_int_equal(d.v[2].line, 8); /* d: missing query */
	assert_int_equal(d.v[3].line, 2); /* a: empty phrase */
	assert_int_equal(d.v[4].line, 7); /* c: no letters */
	assert_int_equal(ruleset_finish(rs, &d), 0);
	assert_int_equal(ruleset_nrules(rs), 0);
	diags_free(&d);
	ruleset_free(rs);
}

/* Another tool's operator written alone (Lucene's && || !) names hark's. */
static void
test_foreign_operators(void **state)
{
	static const struct {
		const char *query, *msg;
	} c[] = {
	    {"a && b", "t.rules:2:11: error: '&&' has no letters or digits (the operator is AND)"},
	    {"a || b", "t.rules:2:11: error: '||' has no letters or digits (the operator is OR)"},
	    {"a !(b)",
	     "t.rules:2:11: error: '!' has no letters or digits (the operator is NOT, or -)"},
	    {"a ##", "t.rules:2:11: error: '##' has no letters or digits (a comment takes a whole "
	             "line)"},
	    {"a ; b", "t.rules:2:11: error: ';' has no letters or digits (a comment takes a whole "
	              "line)"},
	    {"a ...", "t.rules:2:11: error: '...' has no letters or digits"},
	    {"a \"& ...\"", "t.rules:2:12: error: '&' has no letters or digits"},
	    {"a {& ...}", "t.rules:2:12: error: '&' has no letters or digits"},
	};
	char f[128], line[512];

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct ruleset *rs = ruleset_new();
		struct diags d;

		diags_init(&d);
		snprintf(f, sizeof f, "[rule a]\nquery = %s\n", c[i].query);
		assert_int_equal(ruleset_add_file(rs, "t.rules", f, strlen(f), NULL, &d), -1);
		/* one error; a # or ; also warns that it is no comment (rulefile.c) */
		assert_int_equal(d.nerrors, 1);
		for (size_t k = 0; k < d.n; k++)
			if (d.v[k].sev == DIAG_ERROR)
				diag_format(&d.v[k], line, sizeof(line));
		assert_string_equal(line, c[i].msg);
		diags_free(&d);
		ruleset_free(rs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_and_phrases),
	    cmocka_unit_test(test_boolean),
	    cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_spelling_variants),
	    cmocka_unit_test(test_persian_zwnj),
	    cmocka_unit_test(test_rule_lang_filter),
	    cmocka_unit_test(test_many_rules_share_terms),
	    cmocka_unit_test(test_regex_bounded),
	    cmocka_unit_test(test_regex_limit_goes_on),
	    cmocka_unit_test(test_long_field_chunks),
	    cmocka_unit_test(test_snippet),
	    cmocka_unit_test(test_snippet_whole),
	    cmocka_unit_test(test_snippet_fair),
	    cmocka_unit_test(test_snippet_widths),
	    cmocka_unit_test(test_snippet_bytes),
	    cmocka_unit_test(test_tagged),
	    cmocka_unit_test(test_rule_record),
	    cmocka_unit_test(test_ids_across_files),
	    cmocka_unit_test(test_diag_order),
	    cmocka_unit_test(test_foreign_operators),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
