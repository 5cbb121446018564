/* Unit tests for frontmatter.c: YAML front matter blocks, their keys, errors and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testdata.h"

#include "frontmatter.h"

/* A fixture under $HARK_TESTDATA/extract/frontmatter/, NUL-terminated; free() it. */
static char *
load(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "extract/frontmatter/%s", name);
	return testdata_read(rel, len);
}

static int
parse(const char *s, struct article *a, size_t *off, char *err)
{
	return frontmatter_parse(s, strlen(s), a, off, err, 256);
}

static void
test_sniff(void **state)
{
	static const struct {
		const char *s;
		int want;
	} rows[] = {
	    {"---\n---\n", 1},
	    {"---\ntitle: x\n---\nbody", 1},
	    {"--- \t\r\ntitle: x\r\n...  \r\n", 1},
	    {"---\n...\n", 1},
	    {"---\ntitle: x\n---", 1}, /* the closing line ends the text */
	    {"---\ntitle: x\n", 0},    /* no closing line */
	    {"---\ntitle: x\n  ---\n", 0},
	    /* more dashes: a marker too, as python-frontmatter reads it */
	    {"---\ntitle: x\n----\n", 1},
	    {"---\ntitle: x\n--- y\n", 0},
	    {"----\ntitle: x\n---\n", 1},
	    {"-----  \ntitle: x\n-----\n", 1},
	    {"--\ntitle: x\n--\n", 0},
	    {" ---\ntitle: x\n---\n", 0},
	    {"---title: x\n---\n", 0},
	    {"--- title: x\n---\n", 0},
	    {"# Titre\n---\ntitle: x\n---\n", 0},
	    {"\xEF\xBB\xBF---\n---\n", 0}, /* the caller strips a BOM */
	    {"---", 0},
	    {"---\n", 0},
	    {"", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (frontmatter_sniff(rows[i].s, strlen(rows[i].s)) != rows[i].want)
			fail_msg("row %zu \"%s\": expected %d", i, rows[i].s, rows[i].want);
	assert_int_equal(frontmatter_sniff(NULL, 0), 0);
}

/* The phenomena of a real page: trailing blanks, folded scalars, a float Unix date, HTML after. */
static void
test_folded_and_ignored(void **state)
{
	struct article a = {0};
	char err[256] = "";
	size_t len, off = 0;
	char *s = load("depeche.md", &len);

	(void)state;
	assert_int_equal(frontmatter_sniff(s, len), 1);
	assert_int_equal(frontmatter_parse(s, len, &a, &off, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(a.title, "Les dockers de Marseille bloquent le port pour la troisième "
	                             "journée");
	assert_string_equal(a.summary, "Le mouvement, parti d’un désaccord sur les horaires de "
	                               "nuit, s’étend aux terminaux de Fos.");
	assert_string_equal(a.keywords, "marseille, dockers, grève, fos, port, médiation");
	assert_string_equal(a.published, "1709647629.2718281"); /* as found: date.c's job */
	assert_null(a.url);
	assert_null(a.lang);
	assert_null(a.body);
	assert_null(a.id);
	assert_int_equal(a.nauthors, 0);
	assert_int_equal(off, strstr(s, "<div>") - s);
	assert_int_equal(off, 400);
	article_free(&a);
	free(s);
}

/* CRLF line ends, "..." closing, a literal scalar, a keywords sequence, url over link. */
static void
test_crlf_literal_sequence(void **state)
{
	struct article a = {0};
	char err[256] = "";
	size_t len, off = 0;
	char *s = load("crlf.md", &len);

	(void)state;
	assert_int_equal(frontmatter_sniff(s, len), 1);
	assert_int_equal(frontmatter_parse(s, len, &a, &off, err, sizeof(err)), 0);
	assert_string_equal(a.title, "عاصفة رملية تغلق مطار الكويت");
	assert_string_equal(a.url, "https://example.net/ar/storm");
	assert_string_equal(a.lang, "ar");
	assert_string_equal(a.published, "2024-03-05 14:07:09 +0300");
	assert_string_equal(a.summary, "السطر الأول.\nالسطر الثاني.");
	assert_string_equal(a.keywords, "طقس, الكويت, مطار");
	assert_string_equal(s + off, "نص الخبر.\r\n");
	article_free(&a);
	free(s);
}

/* Nested values under other keys, merge keys, complex keys, aliases, and aliases of keys. */
static void
test_nested_skipped(void **state)
{
	struct article a = {0};
	char err[256] = "";
	size_t len, off = 0;
	char *s = load("nested.md", &len);

	(void)state;
	assert_int_equal(frontmatter_parse(s, len, &a, &off, err, sizeof(err)), 0);
	assert_string_equal(a.title, "Flood barriers tested on the Thames");
	assert_string_equal(a.lang, "en");
	assert_string_equal(a.keywords, "thames, flood, barrier");
	assert_string_equal(a.summary, "Engineers closed all ten gates at high tide.");
	assert_null(a.url); /* url: *defaults is an alias: never expanded */
	assert_null(a.published);
	assert_string_equal(s + off, "# Flood barriers\n\nAll ten gates closed at 06:40.\n");
	article_free(&a);
	free(s);
}

static void
test_keywords_forms(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;

	(void)state;
	assert_int_equal(parse("---\nkeywords:\n  - ' un '\n  - ~\n  - [x, y]\n  - {k: v}\n"
	                       "  - \"\"\n  - deux\n  - 3\n---\n",
	                       &a, &off, err),
	                 0);
	assert_string_equal(a.keywords, "un, deux, 3");
	article_free(&a);
	/* keywords outranks tags, in either order */
	assert_int_equal(parse("---\nkeywords: x, y\ntags: [a, b]\n---\n", &a, &off, err), 0);
	assert_string_equal(a.keywords, "x, y");
	article_free(&a);
	assert_int_equal(parse("---\ntags: [a, b]\n---\n", &a, &off, err), 0);
	assert_string_equal(a.keywords, "a, b");
	article_free(&a);
	assert_int_equal(parse("---\nkeywords: []\ntitle: [not, a, title]\n---\n", &a, &off, err),
	                 0);
	assert_null(a.keywords);
	assert_null(a.title);
	article_free(&a);
}

static void
test_ranks_nulls_duplicates(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;

	(void)state;
	assert_int_equal(parse("---\nlink: L1\nurl: U\nlink: L2\ndescription: D\nsummary: S\n"
	                       "published: P\ndate: 2024-03-05\nlanguage: fr\nlang: fa\n---\n",
	                       &a, &off, err),
	                 0);
	assert_string_equal(a.url, "U");
	assert_string_equal(a.summary, "D");
	assert_string_equal(a.published, "2024-03-05");
	assert_string_equal(a.lang, "fa");
	article_free(&a);
	assert_int_equal(
	    parse("---\nlink: L1\nsummary: S\nlanguage: fr\nTitle: T\n---\n", &a, &off, err), 0);
	assert_string_equal(a.url, "L1");
	assert_string_equal(a.summary, "S");
	assert_string_equal(a.lang, "fr");
	assert_null(a.title); /* keys are case-sensitive */
	article_free(&a);
	/* the last duplicate wins; nulls and empty strings are absent */
	assert_int_equal(parse("---\ntitle: Premier\ntitle: Second\ndate: ~\nlang:\nsummary: null\n"
	                       "description: ''\nurl: NULL\nkeywords: '~'\n---\n",
	                       &a, &off, err),
	                 0);
	assert_string_equal(a.title, "Second");
	assert_null(a.published);
	assert_null(a.lang);
	assert_null(a.summary);
	assert_null(a.url);
	assert_string_equal(a.keywords, "~"); /* quoted: a string */
	article_free(&a);
}

/* A title is plain text: markup and escapes are kept as the YAML scalar says. */
static void
test_scalar_text(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;

	(void)state;
	assert_int_equal(parse("---\ntitle: \"Le <b>marché</b> \\\"noir\\\" \\u00e0 Tunis\"\n"
	                       "summary: 'l''été'\ndate: 2024-03-05T14:07:09Z\n---\n",
	                       &a, &off, err),
	                 0);
	assert_string_equal(a.title, "Le <b>marché</b> \"noir\" à Tunis");
	assert_string_equal(a.summary, "l'été");
	assert_string_equal(a.published, "2024-03-05T14:07:09Z");
	article_free(&a);
	/* NULs from escapes: trimmed at the ends, spaces inside */
	assert_int_equal(
	    parse("---\ntitle: \"\\0 Tunis\\x00 Sfax\\0\"\nkeywords: [\"\\0\", \"a\\0b\"]\n"
	          "---\n",
	          &a, &off, err),
	    0);
	assert_string_equal(a.title, "Tunis  Sfax");
	assert_string_equal(a.keywords, "a b");
	article_free(&a);
}

static void
test_empty_and_edges(void **state)
{
	struct article a = {0};
	char err[256] = "";
	size_t off = 99;
	const char *s;

	(void)state;
	assert_int_equal(parse("---\n---\n<p>x</p>", &a, &off, err), 0);
	assert_int_equal(off, 8);
	assert_null(a.title);
	assert_null(a.keywords);
	assert_int_equal(parse("---\n# only a comment\n\n...\n", &a, &off, err), 0);
	assert_int_equal(off, 26);
	assert_null(a.title);
	s = "---\ntitle: Fin\n---";
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_int_equal(off, strlen(s));
	assert_string_equal(a.title, "Fin");
	article_free(&a);
	/* a "---" inside a block scalar is indented: not the closing line */
	s = "---\nsummary: |\n  avant\n  ---\n  après\n---\nbody";
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_string_equal(a.summary, "avant\n---\naprès");
	assert_string_equal(s + off, "body");
	article_free(&a);
	assert_int_equal(parse("---\ntitle: x\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter: no block opened by a \"---\" line and closed by a "
	                         "\"---\" or \"...\" line, nor between \"+++\" lines");
}

/*
 * TOML between "+++" lines (Hugo, Zola; python-frontmatter's TOML
 * handler): the top-level keys, strings in their four forms, keyword
 * arrays, dates as written; tables and what is nested passed over.
 */
static void
test_toml(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;
	const char *s;

	(void)state;
	assert_int_equal(frontmatter_sniff("+++\ntitle = \"x\"\n+++\n", 19), 1);
	assert_int_equal(frontmatter_sniff("+++\ntitle = \"x\"\n---\n", 19), 0);
	s = "+++\r\n# Hugo\r\ntitle = \"Ren\\u00e9 \\\"V\\\" Vasseur\" # a comment\r\n"
	    "date = 2024-03-01T10:00:00Z\r\ntags = [\"alpha\", 'beta',\r\n  \"gamma\",]\r\n"
	    "description = \"\"\"\r\nTwo\r\nlines\"\"\"\r\n'lang' = 'fr'\r\n"
	    "weight = 3\r\n[params]\r\ntitle = \"the table's\"\r\n+++\r\nbody";
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_string_equal(a.title, "Ren\u00e9 \"V\" Vasseur");
	assert_string_equal(a.published, "2024-03-01T10:00:00Z");
	assert_string_equal(a.keywords, "alpha, beta, gamma");
	assert_string_equal(a.summary, "Two\r\nlines");
	assert_string_equal(a.lang, "fr");
	assert_string_equal(s + off, "body");
	article_free(&a);
	/* literal strings keep backslashes; multi-line basic strings fold a "\" line end */
	s = "+++\ntitle = '''C:\\dir\\'''\nsummary = \"\"\"un \\\n    deux\"\"\"\n"
	    "x.title = \"dotted\"\ninline = { title = \"no\", k = [1, [2]] }\n+++\n";
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_string_equal(a.title, "C:\\dir\\");
	assert_string_equal(a.summary, "un deux");
	article_free(&a);
	/* errors name the line of the whole text */
	assert_int_equal(parse("+++\ntitle = \"Okafor\n+++\nbody", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 2: a line break inside a string");
	assert_int_equal(off, 24);
	assert_int_equal(parse("+++\n\ntitle: \"Okafor\"\n+++\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3: expected '=' after a key");
	assert_int_equal(parse("+++\ntags = [\"a\"\n+++\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3: an array without its ']'");
	assert_int_equal(parse("+++\ntitle = \"\\q\"\n+++\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 2: an unknown escape in a string");
	assert_int_equal(parse("+++\ntitle = \"a\" b\n+++\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 2: expected a line break after a value");
	assert_null(a.title);
}

static void
test_errors(void **state)
{
	struct article a = {0};
	char err[256], small[16];
	size_t off = 0;
	const char *s;

	(void)state;
	assert_int_equal(parse("---\ntitle: Un titre\nauteur: a: b\n---\nbody", &a, &off, err), -1);
	assert_string_equal(err,
	                    "front matter line 3 column 10: mapping values are not allowed in this "
	                    "context");
	assert_int_equal(off, 37); /* still told: a caller may read the body */
	assert_int_equal(parse("---\ntitle: \"pas fermé\n---\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 1: found unexpected end of stream "
	                         "(while scanning a quoted scalar from line 2)");
	assert_int_equal(parse("---\ntitle: [a, b\nlang: fr\n---\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 5: did not find expected ',' or ']' "
	                         "(while parsing a flow sequence from line 2)");
	assert_int_equal(parse("---\ntitle: a\n\tlang: fr\n---\n", &a, &off, err), -1);
	assert_string_equal(err,
	                    "front matter line 3 column 1: found a tab character that violates "
	                    "indentation (while scanning a plain scalar from line 2)");
	assert_int_equal(parse("---\ntitle: caf\xFF\n---\n", &a, &off, err), -1);
	assert_string_equal(
	    err, "front matter line 2 column 11: invalid leading UTF-8 octet (byte 0xFF)");
	assert_int_equal(parse("---\nUne phrase sans deux-points.\n---\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter is not a mapping");
	assert_int_equal(parse("---\n- a\n- b\n---\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter is not a mapping");
	assert_int_equal(parse("---\n*x\n---\n", &a, &off, err), -1);
	assert_string_equal(err, "front matter is not a mapping"); /* a root alias */
	assert_int_equal(parse("---\ntitle: *nulle_part\nlang: ar\n---\n", &a, &off, err), 0);
	assert_null(a.title); /* an undefined alias is not looked up either */
	assert_string_equal(a.lang, "ar");
	article_free(&a);
	/* a short err buffer gets a truncated, terminated message */
	s = "---\n- a\n---\n";
	assert_int_equal(frontmatter_parse(s, strlen(s), &a, &off, small, sizeof(small)), -1);
	assert_string_equal(small, "front matter is");
}

/* The article is left as it was on an error and its fields replaced on success. */
static void
test_article_kept(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;

	(void)state;
	assert_int_equal(article_set(&a.title, "ancien", 6), 0);
	assert_int_equal(article_set(&a.body, "corps", 5), 0);
	assert_int_equal(parse("---\ntitle: nouveau\nlang: [\n---\n", &a, &off, err), -1);
	assert_string_equal(a.title, "ancien");
	assert_null(a.lang);
	assert_int_equal(parse("---\ntitle: nouveau\nlang: fr\n---\n", &a, &off, err), 0);
	assert_string_equal(a.title, "nouveau");
	assert_string_equal(a.lang, "fr");
	assert_string_equal(a.body, "corps");
	article_free(&a);
}

/* Thirty levels of nine aliases each: expanded, 9^30 strings. Events never expand them. */
static void
test_billion_laughs(void **state)
{
	struct article a = {0};
	char err[256] = "", *s, *p;
	size_t off;
	clock_t t0;
	int i, k;

	(void)state;
	s = malloc(16384);
	assert_non_null(s);
	p = s + sprintf(s, "---\nl0: &l0 [\"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", "
	                   "\"ha\", \"ha\"]\n");
	for (i = 1; i < 30; i++) {
		p += sprintf(p, "l%d: &l%d [", i, i);
		for (k = 0; k < 9; k++)
			p += sprintf(p, "%s*l%d", k ? ", " : "", i - 1);
		p += sprintf(p, "]\n");
	}
	sprintf(p, "title: *l29\nkeywords: *l29\ntags: [*l29, rire]\nlang: fr\n---\n");
	t0 = clock();
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_true(clock() - t0 < CLOCKS_PER_SEC / 2);
	assert_null(a.title);
	assert_string_equal(a.keywords, "rire");
	assert_string_equal(a.lang, "fr");
	article_free(&a);
	free(s);
}

/* n levels of "[" or "- " under an ignored key, closed or not. */
static char *
deep(const char *open, const char *close, size_t n)
{
	size_t lo = strlen(open), lc = close ? strlen(close) : 0, i;
	char *s = malloc(32 + n * (lo + lc)), *p;

	assert_non_null(s);
	p = s + sprintf(s, "---\nx:\n  ");
	for (i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	*p++ = 'y';
	for (i = 0; i < n && close; i++, p += lc)
		memcpy(p, close, lc);
	strcpy(p, "\ntitle: T\n---\n");
	return s;
}

static void
test_depth(void **state)
{
	struct article a = {0};
	char err[256];
	size_t off;
	char *s;

	(void)state;
	/* the top-level mapping is level 1: 63 more are read */
	s = deep("[", "]", 63);
	assert_int_equal(parse(s, &a, &off, err), 0);
	assert_string_equal(a.title, "T");
	article_free(&a);
	free(s);
	s = deep("[", "]", 64);
	assert_int_equal(parse(s, &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 66: nested deeper than 64 levels");
	free(s);
	s = deep("[", "]", 100000);
	assert_int_equal(parse(s, &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 66: nested deeper than 64 levels");
	free(s);
	s = deep("[", NULL, 100000);
	assert_int_equal(parse(s, &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 66: nested deeper than 64 levels");
	free(s);
	s = deep("{a: ", "}", 100000);
	assert_int_equal(parse(s, &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 255: nested deeper than 64 levels");
	free(s);
	s = deep("- ", "", 100000);
	assert_int_equal(parse(s, &a, &off, err), -1);
	assert_string_equal(err, "front matter line 3 column 129: nested deeper than 64 levels");
	free(s);
	assert_null(a.title);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_folded_and_ignored),
	    cmocka_unit_test(test_crlf_literal_sequence),
	    cmocka_unit_test(test_nested_skipped),
	    cmocka_unit_test(test_keywords_forms),
	    cmocka_unit_test(test_ranks_nulls_duplicates),
	    cmocka_unit_test(test_scalar_text),
	    cmocka_unit_test(test_empty_and_edges),
	    cmocka_unit_test(test_toml),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_article_kept),
	    cmocka_unit_test(test_billion_laughs),
	    cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
