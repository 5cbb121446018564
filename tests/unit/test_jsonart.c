/* Unit tests for jsonart.c: JSON articles, their keys and aliases, JSON Feeds refused, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdata.h"

#include "jsonart.h"

/* A fixture under $HARK_TESTDATA/extract/json/, NUL-terminated; free() it. */
static char *
load(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "extract/json/%s", name);
	return testdata_read(rel, len);
}

static int
parse(const char *s, struct article *a, int *html, char *err)
{
	return jsonart_parse(s, strlen(s), a, html, err, 256);
}

static void
test_sniff(void **state)
{
	static const struct {
		const char *s;
		int want;
	} rows[] = {
	    {"{}", 1},
	    {" \r\n\t{\"title\": \"x\"}", 1},
	    {"{\"title\": \"x\", \"version\": \"2\"}", 1},
	    {"{\"meta\": {\"version\": \"https://jsonfeed.org/version/1\"}}",
	     1}, /* not top level */
	    {"{\"items\": [\"version\", \"https://jsonfeed.org/version/1\"]}", 1},
	    {"{\"note\": \"version\", \"x\": \"https://jsonfeed.org/version/1\"}", 1},
	    {"{\"title\": \"x\", \"body\": \"unclosed", 1}, /* broken: parse says why */
	    {"{\"version\": \"https://jsonfeed.org/version/1\"}", 0},
	    {"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}", 0},
	    {"{\"version\": \"https:\\/\\/jsonfeed.org\\/version\\/1\"}", 0}, /* escaped slashes */
	    {"{\"a\": {\"b\": [1, {\"c\": \"}]\"}]}, \"t\": \"\\\"}\", \"version\" : "
	     "\"https://jsonfeed.org/version/1.1\"}",
	     0},
	    {"[{\"title\": \"x\"}]", 0},
	    {"\"title\"", 0},
	    {"42", 0},
	    {"<html>{}</html>", 0},
	    {"\xEF\xBB\xBF{}", 0}, /* the caller strips a BOM */
	    {"   ", 0},
	    {"", 0},
	};
	size_t i, len;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (jsonart_sniff(rows[i].s, strlen(rows[i].s)) != rows[i].want)
			fail_msg("row %zu '%s': expected %d", i, rows[i].s, rows[i].want);
	s = load("feed.json", &len);
	assert_int_equal(jsonart_sniff(s, len), 0);
	free(s);
	s = load("depeche_fr.json", &len);
	assert_int_equal(jsonart_sniff(s, len), 1);
	free(s);
}

/* Every key, each beside its alias: the main key wins; the plain body wins over the markup. */
static void
test_all_keys(void **state)
{
	struct article a = {0};
	char err[256] = "";
	int html = -1;
	size_t len;
	char *s = load("depeche_fr.json", &len);

	(void)state;
	assert_int_equal(jsonart_parse(s, len, &a, &html, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(html, 0);
	assert_string_equal(a.id, "20240305140709");
	assert_string_equal(a.title, "Grève des dockers : le port de Marseille à l’arrêt");
	assert_string_equal(a.url, "https://presse.example.fr/2024/03/05/greve-dockers");
	assert_string_equal(a.lang, "fr");
	assert_string_equal(a.published, "2024-03-05T14:07:09+01:00");
	assert_string_equal(a.updated, "Tue, 05 Mar 2024 16:30:00 +0100");
	assert_string_equal(a.summary, "Troisième jour de blocage à Fos et à la Joliette.");
	assert_string_equal(a.keywords, "grève, dockers, Marseille");
	assert_int_equal(a.nauthors, 2);
	assert_string_equal(a.authors[0], "Inès Barkat");
	assert_string_equal(a.authors[1], "Hugo Lemaire");
	assert_string_equal(a.body, "Les porte-conteneurs attendent au large.\n\nLes syndicats "
	                            "demandent le retrait du planning de nuit.");
	article_free(&a);
	free(s);
}

/* The aliases alone; "html" as the body. */
static void
test_aliases_and_html(void **state)
{
	struct article a = {0};
	char err[256] = "";
	int html = -1;
	size_t len;
	char *s = load("khabar_ar.json", &len);

	(void)state;
	assert_int_equal(jsonart_parse(s, len, &a, &html, err, sizeof(err)), 0);
	assert_int_equal(html, 1);
	assert_string_equal(a.title, "الأمطار تغمر شوارع بيروت");
	assert_string_equal(a.url, "https://akhbar.example.com/ar/beirut-rain");
	assert_string_equal(a.published, "2024-03-05 09:15:00 +0200");
	assert_string_equal(a.summary, "السلطات تدعو السكان إلى البقاء في منازلهم.");
	assert_string_equal(a.lang, "ar");
	assert_string_equal(a.keywords, "بيروت, طقس");
	assert_int_equal(a.nauthors, 1);
	assert_string_equal(a.authors[0], "ريم حداد");
	assert_string_equal(a.id, "ak-2024-0305-17");
	assert_string_equal(a.body, "<h1>الأمطار</h1><p>غمرت المياه الطرقات صباح الثلاثاء.</p>");
	assert_null(a.updated);
	article_free(&a);
	free(s);
}

static void
test_values(void **state)
{
	struct article a = {0};
	char err[256] = "";
	int html = -1;

	(void)state;
	/* an empty or null body leaves the html; nulls and "" are absent */
	assert_int_equal(
	    parse("{\"body\": \"\", \"html\": \"<p>x</p>\", \"title\": null, \"url\": \"\","
	          " \"link\": \"L\", \"id\": 2.5, \"keywords\": \"a, b\", \"tags\": [\"c\"]}",
	          &a, &html, err),
	    0);
	assert_int_equal(html, 1);
	assert_string_equal(a.body, "<p>x</p>");
	assert_null(a.title);
	assert_string_equal(a.url, "L");
	assert_string_equal(a.id, "2.5");
	assert_string_equal(a.keywords, "a, b");
	article_free(&a);
	/* duplicates: the last wins; \u0000 reads as a space; tags stand in for keywords */
	assert_int_equal(parse("{\"title\": \"un\", \"title\": \"deux\\u0000trois\", \"id\": -7,"
	                       " \"tags\": [\"c\", null, \"d\"], \"authors\": null, \"author\": "
	                       "{\"name\": \"Zaid\\u0000\"}}",
	                       &a, &html, err),
	                 0);
	assert_int_equal(html, 0);
	assert_null(a.body);
	assert_string_equal(a.title, "deux trois");
	assert_string_equal(a.id, "-7");
	assert_string_equal(a.keywords, "c, d");
	assert_int_equal(a.nauthors, 1);
	assert_string_equal(a.authors[0], "Zaid ");
	article_free(&a);
	assert_int_equal(parse("{}", &a, &html, err), 0);
	assert_int_equal(html, 0);
	assert_null(a.title);
	assert_null(a.body);
	assert_int_equal(a.nauthors, 0);
}

#define JA_KNOWN                                                                                   \
	"(known: title, url, body, html, lang, published, updated, summary, id, keywords, "        \
	"authors; aliases: link, date, description, language, tags, author)"

static void
test_wrong_types(void **state)
{
	static const struct {
		const char *s, *err;
	} rows[] = {
	    {"{\"title\": 12}", "JSON article: \"title\" is not a string"},
	    {"{\"body\": [\"a\"]}", "JSON article: \"body\" is not a string"},
	    {"{\"html\": {}}", "JSON article: \"html\" is not a string"},
	    {"{\"url\": \"u\", \"link\": false}", "JSON article: \"link\" is not a string"},
	    {"{\"date\": 1709647629}", "JSON article: \"date\" is not a string"},
	    {"{\"published\": true}", "JSON article: \"published\" is not a string"},
	    {"{\"summary\": 1}", "JSON article: \"summary\" is not a string"},
	    {"{\"lang\": [\"fr\"]}", "JSON article: \"lang\" is not a string"},
	    {"{\"updated\": 3}", "JSON article: \"updated\" is not a string"},
	    {"{\"id\": true}", "JSON article: \"id\" is not a string or a number"},
	    {"{\"keywords\": {\"a\": 1}}",
	     "JSON article: \"keywords\" is not a string or an array"},
	    {"{\"keywords\": [\"a\", 2]}", "JSON article: \"keywords\" holds a value that is not a "
	                                   "string"},
	    {"{\"tags\": [[\"a\"]]}", "JSON article: \"tags\" holds a value that is not a string"},
	    {"{\"authors\": [\"a\", 3]}", "JSON article: \"authors\" holds a value that is not a "
	                                  "string or an object"},
	    {"{\"author\": {\"name\": 3}}", "JSON article: \"author\" holds a name that is not a "
	                                    "string"},
	    {"[{\"title\": \"x\"}]", "JSON article: not an object"},
	    /* an unknown key is an error, not a field silently dropped (a typo, a body lost) */
	    {"{\"title\": \"x\", \"text\": \"Assad\"}",
	     "unknown key \"text\" in a JSON article " JA_KNOWN},
	    {"{\"bodyy\": \"Assad\", \"title\": 12}",
	     "unknown key \"bodyy\" in a JSON article " JA_KNOWN},
	    {"{\"extra\": {\"body\": \"x\"}}", "unknown key \"extra\" in a JSON article " JA_KNOWN},
	    /* the key quoted on one line, cut short on a character boundary */
	    {"{\"a\\nb\": 1}", "unknown key \"a b\" in a JSON article " JA_KNOWN},
	    {"{\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
	     "\u00e9\u00e9"
	     "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
	     "\u00e9"
	     "\u00e9\u00e9\u00e9\u00e9\": 1}",
	     "unknown key \"éééééééééééééééééééééééééééééé…\" in a JSON article " JA_KNOWN},
	};
	struct article a = {0};
	char err[256];
	int html = -1;
	size_t i;

	(void)state;
	assert_int_equal(article_set(&a.title, "gardé", strlen("gardé")), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		if (parse(rows[i].s, &a, &html, err) != -1 || strcmp(err, rows[i].err) != 0)
			fail_msg("row %zu '%s': got '%s'", i, rows[i].s, err);
	}
	assert_string_equal(a.title, "gardé"); /* untouched by errors */
	assert_int_equal(html, -1);
	article_free(&a);
}

static void
test_syntax_errors(void **state)
{
	static const struct {
		const char *s, *err;
	} rows[] = {
	    {"{\"title\": \"a\",\n \"body\": \"b\",\n \"tags\": [1, 2,, 3]}",
	     "JSON line 3 column 16: unexpected token near ','"},
	    {"{\"title\": \"Beyrouth\"\n \"body\": \"x\"}",
	     "JSON line 2 column 7: '}' expected near '\"body\"'"},
	    {"{\"title\": \"a\nb\"}", "JSON line 1 column 12: unexpected newline near '\"a'"},
	    {"{\"title\": \"x\"} {}", "JSON line 1 column 16: end of file expected near '{'"},
	    {"{\"title\": \"caf\xE9\"}", "JSON line 1 column 14: unable to decode byte 0xe9 near "
	                                 "'\"caf'"},
	    {"", "JSON line 1 column 1: '[' or '{' expected near end of file"},
	    {"  \n ", "JSON line 2 column 1: '[' or '{' expected near end of file"},
	    {"\"texte\"", "JSON line 1 column 7: '[' or '{' expected near '\"texte\"'"},
	};
	struct article a = {0};
	char err[256];
	int html = -1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		if (parse(rows[i].s, &a, &html, err) != -1 || strcmp(err, rows[i].err) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, err, rows[i].err);
	}
	assert_int_equal(jsonart_parse(NULL, 0, &a, &html, err, sizeof(err)), -1);
	assert_null(a.title);
}

/* 100,000 levels: jansson's depth limit refuses them cleanly, inside an object or alone. */
static void
test_depth(void **state)
{
	struct article a = {0};
	char err[256];
	int html = -1;
	size_t n = 100000, i;
	char *s = malloc(2 * n + 64), *p;

	(void)state;
	assert_non_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	assert_int_equal(parse(s, &a, &html, err), -1);
	assert_string_equal(err, "JSON line 1 column 2049: maximum parsing depth reached near '['");
	p = s + sprintf(s, "{\"title\": \"t\", \"x\": ");
	for (i = 0; i < n; i++)
		*p++ = '[';
	*p = '\0';
	assert_int_equal(jsonart_sniff(s, strlen(s)), 1);
	assert_int_equal(parse(s, &a, &html, err), -1);
	assert_string_equal(err, "JSON line 1 column 2068: maximum parsing depth reached near '['");
	assert_null(a.title);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_all_keys),
	    cmocka_unit_test(test_aliases_and_html),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
