/* test_query.c: the query language of RULES.md §2, through query_sexpr and diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"
#include "rulefile.h"

/* ---- helpers ---- */

static char *
diags_text(const struct diags *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	diags_print(d, fp);
	fclose(fp);
	if (len && out[len - 1] == '\n')
		out[len - 1] = 0;
	return out;
}

/* The lists the test include callback knows; anything else is missing. */
static const struct {
	const char *path, *text;
} lists[] = {
    {"names.txt", "# people\nBashar al-Assad\n\n  Majd   Kamalmaz~1  \r\n"},
    {"one.txt", "Rahal"},
    {"empty.txt", "# nothing but a comment\n\n   \n"},
    {"bad.txt", "good line\nKa*\n\"quoted\" words\nfine~5\n"},
    {"bytes.txt", "ok\nbad \xff line\nok too\n"},
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

/* Records the from of the last call, to check lists are named relative to the rule file. */
static char last_from[64];

static int
test_include(void *arg, const char *path, const char *from, char **text, size_t *len,
             char **resolved, char **err)
{
	(void)arg;
	snprintf(last_from, sizeof last_from, "%s", from ? from : "(null)");
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (strcmp(lists[i].path, path) == 0) {
			*len = strlen(lists[i].text);
			*text = malloc(*len); /* not NUL-terminated: the parser must not need it */
			assert_non_null(*text);
			memcpy(*text, lists[i].text, *len);
			char buf[64];
			snprintf(buf, sizeof buf, "lists/%s", path);
			*resolved = xstrdup(buf);
			return 0;
		}
	}
	*err = xstrdup("no such\nlist");
	return -1;
}

static const struct query_opts opts = {test_include, NULL};

/* A one-line source map: the query is line 1 of "q". */
struct onemap {
	struct srcmap m;
};

static void
onemap_init(struct onemap *o, const char *text)
{
	srcmap_init(&o->m, "q");
	assert_int_equal(srcmap_add(&o->m, 0, 1, text, 0), 0);
}

/*
 * Parse text on line 1 of "q"; returns the diagnostics (caller frees) and,
 * through sexpr, the tree or "NULL" (caller frees).
 */
static char *
run(const char *text, const struct query_opts *o, char **sexpr)
{
	struct onemap om;
	struct diags d;
	onemap_init(&om, text);
	diags_init(&d);
	struct query *q = query_parse(text, strlen(text), &om.m, o, &d);
	char *diags = diags_text(&d);
	if (q) {
		assert_int_equal(d.nerrors, 0);
		*sexpr = query_sexpr(query_root(q));
	} else {
		assert_true(d.nerrors > 0);
		*sexpr = xstrdup("NULL");
	}
	query_free(q);
	diags_free(&d);
	srcmap_free(&om.m);
	return diags;
}

/* ---- valid queries ---- */

static const struct {
	const char *query, *sexpr;
} parse_cases[] = {
    /* words */
    {"Assad", "Assad"},
    {"  Assad  ", "Assad"},
    {"al-Assad", "al-Assad"},
    {"Assad's", "Assad's"},
    {"U.S.", "U.S."},
    {"C++ km/h e-mail", "(AND C++ km/h e-mail)"},
    {"https://example.org/a?b=c", "https://example.org/a?b=c"},
    {"10:30", "10:30"},
    {"Title:x", "Title:x"},
    {"NEARBY ANDROID ORACLE NOTE", "(AND NEARBY ANDROID ORACLE NOTE)"},
    {"بشار OR الأسد", "(OR بشار الأسد)"},
    {"a\xC2\xA0"
     "b\xE3\x80\x80"
     "c",
     "(AND a b c)"}, /* no-break and ideographic spaces */
    {"a\n\tb", "(AND a b)"},
    {"a+b", "a+b"},
    /* precedence: NOT, NEAR, AND, OR */
    {"a b c", "(AND a b c)"},
    {"a AND b AND c", "(AND a b c)"},
    {"a AND b OR c", "(OR (AND a b) c)"},
    {"a OR b AND c", "(OR a (AND b c))"},
    {"a OR b c", "(OR a (AND b c))"},
    {"a OR b OR c", "(OR a b c)"},
    {"(a OR b) OR (c OR d)", "(OR a b c d)"},
    {"(a b) (c d)", "(AND a b c d)"},
    {"(a OR b) c", "(AND (OR a b) c)"},
    {"((a))", "a"},
    {"(((a OR b)))", "(OR a b)"},
    {"a NOT b", "(AND a (NOT b))"},
    {"a AND NOT b", "(AND a (NOT b))"},
    {"a NOT b NOT c", "(AND a (NOT b) (NOT c))"},
    {"a -b -c", "(AND a (NOT b) (NOT c))"},
    {"NOT a b", "(AND (NOT a) b)"},
    {"-a b", "(AND (NOT a) b)"},
    {"-(a OR b) c", "(AND (NOT (OR a b)) c)"},
    {"-\"a b\" c", "(AND (NOT (phrase a b)) c)"},
    {"a -{B}", "(AND a (NOT (exact B)))"},
    {"a AND (b OR NOT c)", "(AND a (OR b (NOT c)))"},
    {"(a OR -b) c", "(AND (OR a (NOT b)) c)"},
    {"a --b", "(AND a (NOT (NOT b)))"},
    /* NEAR */
    {"a NEAR/5 b", "(NEAR/5 a b)"},
    {"a NEAR/0 b", "(NEAR/0 a b)"},
    {"a NEAR/1000 b", "(NEAR/1000 a b)"},
    {"a ONEAR/3 b", "(ONEAR/3 a b)"},
    {"a NEAR/3f b", "(ONEAR/3 a b)"},
    {"x a NEAR/2 b y", "(AND x (NEAR/2 a b) y)"},
    {"a OR b NEAR/2 c", "(OR a (NEAR/2 b c))"},
    {"\"a b\" NEAR/2 cde*", "(NEAR/2 (phrase a b) cde*)"},
    {"(a OR \"b c\" OR dee*) NEAR/10 (e~ OR f~1)",
     "(NEAR/10 (OR a (phrase b c) dee*) (OR e~ f~1))"},
    {"(a OR (b OR c)) NEAR/1 d", "(NEAR/1 (OR a b c) d)"},
    {"title:a NEAR/1 b", "(NEAR/1 title:a b)"},
    {"(smuggl* OR contreband*) NEAR/12 (border OR frontière*)",
     "(NEAR/12 (OR smuggl* contreband*) (OR border frontière*))"},
    /* phrases */
    {"\"Bashar al-Assad\"", "(phrase Bashar al-Assad)"},
    {"\"  spaced   out  \"", "(phrase spaced out)"},
    {"\"a b\"~2", "(phrase~2 a b)"},
    {"\"a b\"~0", "(phrase a b)"},
    {"\"a b\"~12 c", "(AND (phrase~12 a b) c)"},
    {"\"Majd Kamalmaz~1\"", "(phrase Majd Kamalmaz~1)"},
    {"\"Kamal* Majd~\"", "(phrase Kamal* Majd~)"},
    {"\"(not a group) AND OR\"", "(phrase (not a group) AND OR)"},
    {"\"a\"\"b\"", "(AND (phrase a) (phrase b))"},
    {"x\"a b\"", "(AND x (phrase a b))"},
    {"\"بشار الأسد\"", "(phrase بشار الأسد)"},
    /* typographic quotation marks open phrases too (pasted queries) */
    {"“Bashar al-Assad”", "(phrase Bashar al-Assad)"},
    {"„a b“ OR «c d» OR « e f »", "(OR (phrase a b) (phrase c d) (phrase e f))"},
    {"＂a b＂ 〝c d〞", "(AND (phrase a b) (phrase c d))"},
    {"“a b”~2 c", "(AND (phrase~2 a b) c)"},
    {"x“a b” y", "(AND x (phrase a b) y)"},
    {"title:“a b”", "title:(phrase a b)"},
    {"-“a b” c", "(AND (NOT (phrase a b)) c)"},
    {"“a b\" OR c", "(OR (phrase a b) c)"},
    {"“a b” NEAR/2 c", "(NEAR/2 (phrase a b) c)"},
    {"“بشار الأسد”", "(phrase بشار الأسد)"},
    {"\"a“b\"", "(phrase a“b)"},
    {"Assad” x", "(AND Assad” x)"},
    {"”a b” OR »c d«", "(OR (phrase a b) (phrase c d))"},
    {"x”y z", "(AND x”y z)"},
    /* prefix and fuzzy */
    {"Kamal*", "Kamal*"},
    {"Kam*", "Kam*"},
    {"بشا*", "بشا*"},
    {"Kamalmaz~", "Kamalmaz~"},
    {"Kamalmaz~0", "Kamalmaz~0"},
    {"Kamalmaz~1", "Kamalmaz~1"},
    {"Kamalmaz~2", "Kamalmaz~2"},
    {"ab~", "ab~"},
    {"Haddad~1 OR \"كريم حداد\"", "(OR Haddad~1 (phrase كريم حداد))"},
    /* exact */
    {"{US}", "(exact US)"},
    {"{New  York}", "(exact New York)"},
    {"{ US }", "(exact US)"},
    {"{(x)}", "(exact (x))"},
    /* regex */
    {"/Ka\\w+maz/i", "(regex /Ka\\w+maz/i)"},
    {"/a/xsmi", "(regex /a/imsx)"},
    {"/a/ii", "(regex /a/i)"},
    {"/a\\/b/", "(regex /a\\/b/)"},
    {"/[/]x/", "(regex /[/]x/)"},
    {"/[]/]/", "(regex /[]/]/)"},
    {"/[^]/]/", "(regex /[^]/]/)"},
    {"/a b/ c", "(AND (regex /a b/) c)"},
    {"/\\d{4}-\\d\\d/ OR x", "(OR (regex /\\d{4}-\\d\\d/) x)"},
    {"/#tag/", "(regex /#tag/)"},
    {"/(a)/ b", "(AND (regex /(a)/) b)"},
    /* fields and lang */
    {"title:Assad", "title:Assad"},
    {"title: Assad", "title:Assad"},
    {"body:\"a b\"", "body:(phrase a b)"},
    {"url:/x\\.org/", "url:(regex /x\\.org/)"},
    {"source:drop", "source:drop"},
    {"title:{US}", "title:(exact US)"},
    {"title:(a OR \"b c\")", "(OR title:a title:(phrase b c))"},
    {"title:-a b", "(AND (NOT title:a) b)"},
    {"-title:a b", "(AND (NOT title:a) b)"},
    {"title:(a NEAR/2 b)", "(NEAR/2 title:a title:b)"},
    {"title:(ceasefire OR truce OR trêve OR trêves)",
     "(OR title:ceasefire title:truce title:trêve title:trêves)"},
    {"lang:ar", "(lang ar)"},
    {"lang:FR Paris", "(AND (lang fr) Paris)"},
    {"lang:ar -x y", "(AND (lang ar) (NOT x) y)"},
    {"title:lang:ar", "(lang ar)"},
    {"حصار lang:ar", "(AND حصار (lang ar))"},
    /* lists */
    {"@names.txt", "(OR (phrase Bashar al-Assad) (phrase Majd Kamalmaz~1))"},
    {"@one.txt", "(OR (phrase Rahal))"},
    {"x OR @names.txt", "(OR x (phrase Bashar al-Assad) (phrase Majd Kamalmaz~1))"},
    {"@names.txt NEAR/3 x", "(NEAR/3 (OR (phrase Bashar al-Assad) (phrase Majd Kamalmaz~1)) x)"},
    {"title:@one.txt", "(OR title:(phrase Rahal))"},
    {"a@b.com", "a@b.com"},
};

static void
test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		char *sexpr;
		char *diags = run(parse_cases[i].query, &opts, &sexpr);
		if (strcmp(sexpr, parse_cases[i].sexpr) != 0 || diags[0])
			fail_msg("query: %s\ngot:  %s\nwant: %s\ndiags: %s", parse_cases[i].query,
			         sexpr, parse_cases[i].sexpr, diags);
		free(sexpr);
		free(diags);
	}
}

/* ---- warnings: the query is still returned ---- */

static const struct {
	const char *query, *sexpr, *diags;
} warn_cases[] = {
    {"Kama~2", "Kama~2", "q:1:1: warning: fuzzy budget 2 on a 4-letter word matches widely"},
    {"title:(a body:b)", "(AND title:a body:b)",
     "q:1:1: warning: 'title:' does not apply to terms restricted to another field"},
    {"title:body:Assad", "body:Assad",
     "q:1:1: warning: 'title:' does not apply to terms restricted to another field"},
    {"x Abc~2", "(AND x Abc~2)",
     "q:1:3: warning: fuzzy budget 2 on a 3-letter word matches widely"},
    {"\"big بشار~2\"", "(phrase big بشار~2)",
     "q:1:6: warning: fuzzy budget 2 on a 4-letter word matches widely"},
    {"Kamal~2 Kama~1 Kama~", "(AND Kamal~2 Kama~1 Kama~)", ""},
    {"a or b", "(AND a or b)",
     "q:1:3: warning: 'or' is a word here; operators are upper case (OR)"},
    {"rock and roll", "(AND rock and roll)",
     "q:1:6: warning: 'and' is a word here; operators are upper case (AND)"},
    {"not a", "(AND not a)",
     "q:1:1: warning: 'not' is a word here; operators are upper case (NOT)"},
    {"a near b", "(AND a near b)",
     "q:1:3: warning: 'near' is a word here; operators are upper case (NEAR/n)"},
    {"a near/3 b", "(AND a near/3 b)",
     "q:1:3: warning: 'near/3' is a word here; operators are upper case (NEAR/3)"},
    {"a onear/3 b", "(AND a onear/3 b)",
     "q:1:3: warning: 'onear/3' is a word here; operators are upper case (ONEAR/3)"},
    /* NEAR with its distance written another way: a word, with the operator's form */
    {"Ferrandi NEAR5 Moussa", "(AND Ferrandi NEAR5 Moussa)",
     "q:1:10: warning: 'NEAR5' is a word here; a distance follows a slash (NEAR/5)"},
    {"a NEAR:5 b", "(AND a NEAR:5 b)",
     "q:1:3: warning: 'NEAR:5' is a word here; a distance follows a slash (NEAR/5)"},
    {"a NEAR-12f b", "(AND a NEAR-12f b)",
     "q:1:3: warning: 'NEAR-12f' is a word here; a distance follows a slash (NEAR/12f)"},
    {"a ONEAR_3 b", "(AND a ONEAR_3 b)",
     "q:1:3: warning: 'ONEAR_3' is a word here; a distance follows a slash (ONEAR/3)"},
    {"a near5 b", "(AND a near5 b)",
     "q:1:3: warning: 'near5' is a word here; a distance follows a slash (NEAR/5)"},
    {"a W/5 b", "(AND a W/5 b)",
     "q:1:3: warning: 'W/5' is a word here; the proximity operator is NEAR/n (NEAR/5)"},
    {"a w/10 b", "(AND a w/10 b)",
     "q:1:3: warning: 'w/10' is a word here; the proximity operator is NEAR/n (NEAR/10)"},
    /* words that only look alike */
    {"Nearby NEARx near-miss w/o W/ nearest5 NEAR5x",
     "(AND Nearby NEARx near-miss w/o W/ nearest5 NEAR5x)", ""},
    {"\"Tom and Jerry\" Or nearly", "(AND (phrase Tom and Jerry) Or nearly)", ""},
    /* another tool's syntax read as words, silently changing the query */
    {"Assad !Abboud", "(AND Assad !Abboud)",
     "q:1:7: warning: '!' is not an operator: '!Abboud' is the word 'Abboud' (NOT is written "
     "NOT or -)"},
    {"Assad –Abboud", "(AND Assad –Abboud)",
     "q:1:7: warning: '–Abboud' is the word 'Abboud': only '-' negates (write -Abboud or NOT "
     "Abboud)"},
    {"Assad −Abboud", "(AND Assad −Abboud)",
     "q:1:7: warning: '−Abboud' is the word 'Abboud': only '-' negates (write -Abboud or NOT "
     "Abboud)"},
    {"Assad – Abboud al‐Assad", "(AND Assad – Abboud al‐Assad)", ""},
    {"'Bashar al-Assad' OR x", "(OR (AND 'Bashar al-Assad') x)",
     "q:1:1: warning: single quotes do not make a phrase: its words are AND-ed (a phrase is "
     "written in double quotes: \"...\")"},
    {"y ‘Bashar Assad’", "(AND y ‘Bashar Assad’)",
     "q:1:3: warning: single quotes do not make a phrase: its words are AND-ed (a phrase is "
     "written in double quotes: \"...\")"},
    {"rock 'n' roll 'Assad' O'Brien d'Assad l'Élysée’s",
     "(AND rock 'n' roll 'Assad' O'Brien "
     "d'Assad l'Élysée’s)",
     ""},
    {"'Assad (x y')", "(AND 'Assad x y')", ""},
    {"Assad^2 x", "(AND Assad^2 x)", "q:1:6: warning: '^2' is a word here: hark has no boosts"},
    {"\"a b\"^10", "(AND (phrase a b) ^10)",
     "q:1:6: warning: '^10' is a word here: hark has no boosts"},
    {"wom?n", "wom?n",
     "q:1:4: warning: '?' is no wildcard: 'wom?n' is read as words apart (a prefix is written "
     "with a final *)"},
    {"Assad? x!? ?x https://x.org/a?b", "(AND Assad? x!? ?x https://x.org/a?b)", ""},
    /* lang: as the lang key, a code no document is ever in is a warning */
    {"lang:jp x", "(AND (lang jp) x)",
     "q:1:6: warning: lang: 'jp' is not an ISO 639-1 language code (Japanese is 'ja'): no "
     "document is ever in it"},
    {"x OR (lang:XX y)", "(OR x (AND (lang xx) y))",
     "q:1:12: warning: lang: 'xx' is not an ISO 639-1 language code: no document is ever in it"},
    {"lang:kr x", "(AND (lang kr) x)",
     "q:1:6: warning: lang: 'kr' is an ISO 639-1 code of a language hark cannot identify in "
     "text (CLD2 does not know it; Korean is 'ko'): only a document that declares it is in "
     "it"},
    {"author:Nasser", "author:Nasser", "q:1:1: warning: unknown field 'author'; read as a word"},
    {"x:y", "x:y", "q:1:1: warning: unknown field 'x'; read as a word"},
    {"https://x.org Author:x 10:30 foo:", "(AND https://x.org Author:x 10:30 foo:)", ""},
    {"a or b or c", "(AND a or b or c)",
     "q:1:3: warning: 'or' is a word here; operators are upper case (OR)\n"
     "q:1:8: warning: 'or' is a word here; operators are upper case (OR)"},
};

static void
test_warnings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof warn_cases / sizeof warn_cases[0]; i++) {
		char *sexpr;
		char *diags = run(warn_cases[i].query, &opts, &sexpr);
		if (strcmp(sexpr, warn_cases[i].sexpr) != 0 ||
		    strcmp(diags, warn_cases[i].diags) != 0)
			fail_msg("query: %s\ngot:  %s\n%s\nwant: %s\n%s", warn_cases[i].query,
			         sexpr, diags, warn_cases[i].sexpr, warn_cases[i].diags);
		free(sexpr);
		free(diags);
	}
}

/* ---- errors ---- */

static const struct {
	const char *query, *diags;
} error_cases[] = {
    {"", "q:1:1: error: empty query"},
    {"   ", "q:1:1: error: empty query"},
    /* phrases */
    {"\"Bashar al-Assad", "q:1:1: error: unclosed phrase (opened here)"},
    {"a OR \"b\" OR \"c d", "q:1:13: error: unclosed phrase (opened here)"},
    {"\"\"", "q:1:1: error: empty phrase"},
    {"a “b c", "q:1:3: error: unclosed phrase (opened here)"},
    {"a ” b", "q:1:3: error: unclosed phrase (opened here)"},
    {"«»", "q:1:1: error: empty phrase"},
    {"“a b”~x", "q:1:6: error: phrase slop needs a number: \"...\"~N"},
    {"\"  \"", "q:1:1: error: empty phrase"},
    {"\"a b\"~", "q:1:6: error: phrase slop needs a number: \"...\"~N"},
    {"\"a b\"~x", "q:1:6: error: phrase slop needs a number: \"...\"~N"},
    {"\"a b\"~1001", "q:1:7: error: phrase slop must be 0 to 1000"},
    {"\"a b\"~99999999999999999999", "q:1:7: error: phrase slop must be 0 to 1000"},
    /* parentheses */
    {"(a OR b", "q:1:1: error: unclosed parenthesis (opened here)"},
    {"((a OR b) c", "q:1:1: error: unclosed parenthesis (opened here)"},
    {"a OR b)", "q:1:7: error: unexpected ')'"},
    {"a) AND b", "q:1:2: error: unexpected ')'"},
    {")", "q:1:1: error: unexpected ')'"},
    {"(a))) b", "q:1:4: error: unexpected ')'\nq:1:5: error: unexpected ')'"},
    {"()", "q:1:1: error: empty parentheses"},
    {"a ( ) b", "q:1:3: error: empty parentheses"},
    {"a }", "q:1:3: error: unexpected '}'"},
    /* missing operands */
    {"a OR", "q:1:3: error: missing term after OR"},
    {"a OR OR b", "q:1:3: error: missing term after OR"},
    {"OR a", "q:1:1: error: missing term before OR"},
    {"(OR a)", "q:1:2: error: missing term before OR"},
    {"a AND", "q:1:3: error: missing term after AND"},
    {"a AND OR b", "q:1:3: error: missing term after AND"},
    {"(a AND) b", "q:1:4: error: missing term after AND"},
    {"AND", "q:1:1: error: missing term before AND"},
    {"NOT", "q:1:1: error: missing term after NOT"},
    {"a NOT", "q:1:3: error: missing term after NOT"},
    {"a NOT OR b", "q:1:3: error: missing term after NOT"},
    {"a - b", "q:1:3: error: missing term after '-'"},
    {"a -", "q:1:3: error: missing term after '-'"},
    {"(a -)", "q:1:4: error: missing term after '-'"},
    {"title:", "q:1:1: error: missing term after 'title:'"},
    {"x source: ", "q:1:3: error: missing term after 'source:'"},
    {"a NEAR/2", "q:1:3: error: missing term after NEAR/2"},
    {"NEAR/2 a", "q:1:1: error: missing term before NEAR/2"},
    {"a ) NEAR/3 b", "q:1:3: error: unexpected ')'\nq:1:5: error: missing term before NEAR/3"},
    /* NEAR */
    {"a NEAR b", "q:1:3: error: NEAR needs a distance: NEAR/n"},
    {"a NEAR/ b", "q:1:3: error: NEAR needs a distance: NEAR/n"},
    {"a NEAR/x b", "q:1:3: error: NEAR needs a distance: NEAR/n"},
    {"a NEAR/-1 b", "q:1:3: error: NEAR needs a distance: NEAR/n"},
    {"a NEAR/f b", "q:1:3: error: NEAR needs a distance: NEAR/n"},
    {"a ONEAR b", "q:1:3: error: ONEAR needs a distance: ONEAR/n"},
    {"a ONEAR/3f b", "q:1:3: error: ONEAR needs a distance: ONEAR/n"},
    {"a NEAR/1001 b", "q:1:8: error: NEAR distance must be 0 to 1000"},
    {"a NEAR/5 /re/", "q:1:10: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                      "OR-groups of them"},
    {"{US} NEAR/5 b", "q:1:1: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                      "OR-groups of them"},
    {"a NEAR/5 lang:ar", "q:1:10: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                         "OR-groups of them"},
    {"a NEAR/5 NOT b", "q:1:10: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                       "OR-groups of them"},
    {"a NEAR/5 -b", "q:1:10: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                    "OR-groups of them"},
    {"(a AND b) NEAR/5 c", "q:1:1: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                           "OR-groups of them"},
    {"(a b) ONEAR/5 c", "q:1:1: error: ONEAR takes words, phrases, prefixes, fuzzy words and "
                        "OR-groups of them"},
    {"a NEAR/2 (b OR /c/)", "q:1:16: error: NEAR takes words, phrases, prefixes, fuzzy words "
                            "and OR-groups of them"},
    {"a NEAR/2 (b OR (c d))", "q:1:16: error: NEAR takes words, phrases, prefixes, fuzzy words "
                              "and OR-groups of them"},
    {"(a NEAR/1 b) NEAR/1 c", "q:1:1: error: NEAR takes words, phrases, prefixes, fuzzy words "
                              "and OR-groups of them"},
    {"a NEAR/1 b NEAR/1 c NEAR/1 d", "q:1:1: error: NEAR takes words, phrases, prefixes, "
                                     "fuzzy words and OR-groups of them"},
    {"/x/ NEAR/1 {y}", "q:1:1: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                       "OR-groups of them\n"
                       "q:1:12: error: NEAR takes words, phrases, prefixes, fuzzy words and "
                       "OR-groups of them"},
    /* only negative */
    {"NOT Assad", "q:1:1: error: query has no positive term: it can only exclude"},
    {"-Assad", "q:1:1: error: query has no positive term: it can only exclude"},
    {"-a -b", "q:1:1: error: query has no positive term: it can only exclude"},
    {"(NOT a) OR (NOT b)", "q:1:1: error: query has no positive term: it can only exclude"},
    {"NOT NOT a", "q:1:1: error: query has no positive term: it can only exclude"},
    {"title:-a", "q:1:7: error: query has no positive term: it can only exclude"},
    {"a OR -b", "q:1:6: error: OR branch has no positive term: it would match almost every "
                "document"},
    {"a OR NOT b OR c", "q:1:6: error: OR branch has no positive term: it would match almost "
                        "every document"},
    {"(a OR -b) OR c", "q:1:7: error: OR branch has no positive term: it would match almost "
                       "every document"},
    {"x OR (-y (a OR -b))",
     "q:1:16: error: OR branch has no positive term: it would match almost every document"},
    /* words */
    {"Ka*", "q:1:1: error: prefix needs at least 3 characters before '*'"},
    {"بش*", "q:1:1: error: prefix needs at least 3 characters before '*'"},
    {"*", "q:1:1: error: prefix needs at least 3 characters before '*'"},
    {"Kam*al", "q:1:4: error: '*' is allowed only at the end of a word"},
    {"*abc", "q:1:1: error: '*' is allowed only at the end of a word"},
    {"abc**", "q:1:4: error: '*' is allowed only at the end of a word"},
    {"Kamal~*", "q:1:6: error: '~' and '*' cannot be combined in one word"},
    {"Kamal*~", "q:1:6: error: '*' is allowed only at the end of a word"},
    {"Kamalmaz~3", "q:1:10: error: fuzzy budget must be 0, 1 or 2"},
    {"Kamalmaz~10", "q:1:10: error: fuzzy budget must be 0, 1 or 2"},
    {"Kamalmaz~1.5", "q:1:10: error: fuzzy budget must be 0, 1 or 2"},
    {"Kamalmaz~x", "q:1:10: error: fuzzy budget must be 0, 1 or 2"},
    {"~1", "q:1:1: error: missing word before '~'"},
    {"\"Majd Kamalmaz~3\"", "q:1:16: error: fuzzy budget must be 0, 1 or 2"},
    {"\"Ka* Majd\"", "q:1:2: error: prefix needs at least 3 characters before '*'"},
    /* exact */
    {"{US", "q:1:1: error: unclosed '{' (opened here)"},
    {"x {US OR \"United States\"", "q:1:3: error: unclosed '{' (opened here)"},
    {"{}", "q:1:1: error: empty { }"},
    {"{Kamal*}", "q:1:7: error: '*' is not allowed inside { }"},
    {"{a b~1}", "q:1:5: error: '~' is not allowed inside { }"},
    /* regex */
    {"/Ka\\w+maz", "q:1:1: error: unclosed regular expression"},
    {"/a\\/", "q:1:1: error: unclosed regular expression"},
    {"/[/", "q:1:1: error: unclosed regular expression"},
    {"//", "q:1:1: error: empty regular expression"},
    {"/a/q", "q:1:4: error: unknown regular expression flag 'q'"},
    {"/a/iu", "q:1:5: error: unknown regular expression flag 'u'"},
    {"/a/é", "q:1:4: error: unknown regular expression flag 'é'"},
    {"/a/I", "q:1:4: error: unknown regular expression flag 'I'"},
    {"/Ka(/", "q:1:5: error: regular expression: missing closing parenthesis"},
    {"/Ka[z-a]maz/", "q:1:7: error: regular expression: range out of order in character class"},
    {"/كمال[z-a]/", "q:1:9: error: regular expression: range out of order in character class"},
    {"/a{3,2}/", "q:1:7: error: regular expression: numbers out of order in {} quantifier"},
    {"/x(?z)/", "q:1:5: error: regular expression: unrecognized character after (? or (?-"},
    {"/*a/", "q:1:2: error: regular expression: quantifier does not follow a repeatable item"},
    /* lang */
    {"lang:eng", "q:1:6: error: bad language code 'eng' (use two-letter ISO 639-1 codes)"},
    {"lang:a1", "q:1:6: error: bad language code 'a1' (use two-letter ISO 639-1 codes)"},
    {"lang:", "q:1:6: error: missing language code after 'lang:'"},
    {"lang:(ar OR fr)", "q:1:6: error: missing language code after 'lang:'"},
    /* lists */
    {"@", "q:1:1: error: missing file name after '@'"},
    {"x @ y", "q:1:3: error: missing file name after '@'"},
    {"@missing.txt", "q:1:1: error: cannot read list 'missing.txt': no such list"},
    {"@empty.txt", "q:1:1: error: list 'empty.txt' has no entries"},
    {"x OR @bad.txt", "lists/bad.txt:2:1: error: prefix needs at least 3 characters before '*'\n"
                      "lists/bad.txt:4:6: error: fuzzy budget must be 0, 1 or 2"},
    {"x OR @bytes.txt", "lists/bytes.txt:2:5: error: invalid UTF-8 in list"},
    /* several mistakes in one pass */
    {"Ka* OR /x(/ OR \"open", "q:1:1: error: prefix needs at least 3 characters before '*'\n"
                              "q:1:11: error: regular expression: missing closing parenthesis\n"
                              "q:1:16: error: unclosed phrase (opened here)"},
    {"(a NEAR b) OR Kama~2 OR lang:xyz)",
     "q:1:4: error: NEAR needs a distance: NEAR/n\n"
     "q:1:15: warning: fuzzy budget 2 on a 4-letter word matches widely\n"
     "q:1:30: error: bad language code 'xyz' (use two-letter ISO 639-1 codes)\n"
     "q:1:33: error: unexpected ')'"},
};

static void
test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
		char *sexpr;
		char *diags = run(error_cases[i].query, &opts, &sexpr);
		if (strcmp(diags, error_cases[i].diags) != 0 || strcmp(sexpr, "NULL") != 0)
			fail_msg("query: %s\ngot:  %s\nwant: %s\ntree: %s", error_cases[i].query,
			         diags, error_cases[i].diags, sexpr);
		free(sexpr);
		free(diags);
	}
}

/* Without an include callback a list is an error, not a crash. */
static void
test_no_include(void **state)
{
	(void)state;
	char *sexpr;
	char *diags = run("a OR @names.txt", NULL, &sexpr);
	assert_string_equal(
	    diags, "q:1:6: error: cannot read list 'names.txt': lists are not available here");
	assert_string_equal(sexpr, "NULL");
	free(diags);
	free(sexpr);
	struct query_opts none = {NULL, NULL};
	diags = run("@one.txt", &none, &sexpr);
	assert_string_equal(
	    diags, "q:1:1: error: cannot read list 'one.txt': lists are not available here");
	free(diags);
	free(sexpr);
}

/* ---- the nodes themselves ---- */

static void
collect_atoms(const struct qnode *n, char *buf, size_t size)
{
	if (!n->nkids) {
		if (buf[0])
			strncat(buf, "|", size - strlen(buf) - 1);
		strncat(buf, n->atom, size - strlen(buf) - 1);
	}
	for (size_t i = 0; i < n->nkids; i++)
		collect_atoms(n->kids[i], buf, size);
}

static struct query *
parse_ok(const char *text, struct onemap *om, struct diags *d)
{
	onemap_init(om, text);
	diags_init(d);
	struct query *q = query_parse(text, strlen(text), &om->m, &opts, d);
	assert_non_null(q);
	return q;
}

/* Atoms are the leaves as written, without field prefix or '-'. */
static void
test_atoms(void **state)
{
	(void)state;
	const char *text = "Kamalmaz~ OR \"Bashar al-Assad\"~2 OR {US} OR /Ka\\w+maz/i OR lang:AR "
	                   "OR title:-Assad x OR Kamal* OR title:\"a\" OR @names.txt";
	struct onemap om;
	struct diags d;
	struct query *q = parse_ok(text, &om, &d);
	char buf[512] = "";
	collect_atoms(query_root(q), buf, sizeof buf);
	assert_string_equal(buf,
	                    "Kamalmaz~|\"Bashar al-Assad\"~2|{US}|/Ka\\w+maz/i|lang:AR|Assad|x|"
	                    "Kamal*|\"a\"|Bashar al-Assad|Majd   Kamalmaz~1");
	query_free(q);
	diags_free(&d);
	srcmap_free(&om.m);
}

/* Places, fields, flags: what the compiler reads besides the shape. */
static void
test_node_fields(void **state)
{
	(void)state;
	const char *text = "title:\"Majd  Kamalmaz~1\"~3 url:/x/imsx body:Kam* source:y z~";
	struct onemap om;
	struct diags d;
	struct query *q = parse_ok(text, &om, &d);
	const struct qnode *r = query_root(q);
	assert_int_equal(r->type, Q_AND);
	assert_int_equal(r->nkids, 5);
	assert_int_equal(r->off, 6);
	assert_int_equal(r->off + r->len, strlen(text));

	const struct qnode *ph = r->kids[0];
	assert_int_equal(ph->type, Q_PHRASE);
	assert_int_equal(ph->fields, 1u << F_TITLE);
	assert_int_equal(ph->slop, 3);
	assert_int_equal(ph->off, 6);
	assert_int_equal(ph->len, strlen("\"Majd  Kamalmaz~1\"~3"));
	assert_ptr_equal(ph->src, &om.m);
	assert_int_equal(ph->nwords, 2);
	assert_string_equal(ph->words[0].text, "Majd");
	assert_int_equal(ph->words[0].off, 7);
	assert_int_equal(ph->words[0].mode, QW_PLAIN);
	assert_string_equal(ph->words[1].text, "Kamalmaz");
	assert_int_equal(ph->words[1].off, 13);
	assert_int_equal(ph->words[1].mode, QW_FUZZY);
	assert_int_equal(ph->words[1].budget, 1);

	const struct qnode *re = r->kids[1];
	assert_int_equal(re->type, Q_REGEX);
	assert_int_equal(re->fields, 1u << F_URL);
	assert_string_equal(re->pattern, "x");
	assert_int_equal(re->reflags, QRE_CASELESS | QRE_MULTILINE | QRE_DOTALL | QRE_EXTENDED);

	const struct qnode *w = r->kids[2];
	assert_int_equal(w->type, Q_WORD);
	assert_int_equal(w->fields, 1u << F_BODY);
	assert_string_equal(w->words[0].text, "Kam");
	assert_int_equal(w->words[0].mode, QW_PREFIX);
	assert_string_equal(w->atom, "Kam*");

	assert_int_equal(r->kids[3]->fields, 1u << F_SOURCE);
	w = r->kids[4];
	assert_int_equal(w->fields, 0); /* inherits the default, title and body */
	assert_int_equal(w->words[0].mode, QW_FUZZY);
	assert_int_equal(w->words[0].budget, -1);
	assert_int_equal(w->off, strlen(text) - 2);
	query_free(q);
	diags_free(&d);
	srcmap_free(&om.m);
}

static void
test_near_lang_nodes(void **state)
{
	(void)state;
	struct onemap om;
	struct diags d;
	struct query *q = parse_ok("(a OR b) NEAR/7f c lang:Ar", &om, &d);
	const struct qnode *r = query_root(q);
	const struct qnode *n = r->kids[0];
	assert_int_equal(n->type, Q_NEAR);
	assert_int_equal(n->near, 7);
	assert_true(n->ordered);
	assert_int_equal(n->nkids, 2);
	assert_int_equal(n->kids[0]->type, Q_OR);
	assert_int_equal(n->kids[0]->off, 0); /* a group is placed at its parenthesis */
	assert_int_equal(n->kids[0]->len, 8);
	assert_int_equal(r->kids[1]->type, Q_LANG);
	assert_string_equal(r->kids[1]->lang, "ar");
	assert_int_equal(r->kids[1]->fields, 0);
	query_free(q);
	diags_free(&d);
	srcmap_free(&om.m);
}

/* A list's phrases are placed in the list file, line by line. */
static void
test_list_places(void **state)
{
	(void)state;
	struct onemap om;
	struct diags d;
	struct query *q = parse_ok("x OR @names.txt", &om, &d);
	const struct qnode *r = query_root(q);
	assert_int_equal(r->nkids, 3);
	const struct qnode *ph = r->kids[2];
	assert_string_equal(ph->src->file, "lists/names.txt");
	assert_string_equal(ph->atom, "Majd   Kamalmaz~1");
	unsigned line, col;
	srcmap_locate(ph->src, ph->words[1].off, &line, &col);
	assert_int_equal(line, 4);
	assert_int_equal(col, 10);
	assert_string_equal(last_from, "q");
	query_free(q);
	diags_free(&d);
	srcmap_free(&om.m);
}

/* Queries from a rule file: errors on continuation lines name their own line and column. */
static void
test_from_rulefile(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\n"
	                           "query = \"كريم حداد\" OR\n"
	                           "        # a comment line\n"
	                           "        \"حداد\" OR Ka* OR\n"
	                           "\t(x NEAR y)\n";
	struct rulefile rf;
	struct diags d;
	diags_init(&d);
	assert_int_equal(rulefile_parse(&rf, "r/a.rules", text, sizeof text - 1, &d), 0);
	assert_null(
	    query_parse(rf.rules[0].query, rf.rules[0].query_len, &rf.rules[0].qmap, &opts, &d));
	char *diags = diags_text(&d);
	assert_string_equal(diags,
	                    "r/a.rules:4:19: error: prefix needs at least 3 characters before '*'\n"
	                    "r/a.rules:5:5: error: NEAR needs a distance: NEAR/n");
	free(diags);
	rulefile_free(&rf);
	diags_free(&d);
}

/* The include callback is told which file names the list. */
static void
test_list_from(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\nquery = @one.txt\n";
	struct rulefile rf;
	struct diags d;
	diags_init(&d);
	assert_int_equal(rulefile_parse(&rf, "dir/w.rules", text, sizeof text - 1, &d), 0);
	struct query *q =
	    query_parse(rf.rules[0].query, rf.rules[0].query_len, &rf.rules[0].qmap, &opts, &d);
	assert_non_null(q);
	assert_string_equal(last_from, "dir/w.rules");
	query_free(q);
	rulefile_free(&rf);
	diags_free(&d);
}

/* Without a source map, places are line:col of the text itself. */
static void
test_no_srcmap(void **state)
{
	(void)state;
	const char *text = "a OR\n  b OR\n   \"c";
	struct diags d;
	diags_init(&d);
	assert_null(query_parse(text, strlen(text), NULL, &opts, &d));
	char *diags = diags_text(&d);
	assert_string_equal(diags, "3:4: error: unclosed phrase (opened here)");
	free(diags);
	diags_free(&d);

	diags_init(&d);
	struct query *q = query_parse("x @one.txt", 10, NULL, &opts, &d);
	assert_non_null(q);
	assert_string_equal(last_from, "");
	query_free(q);
	diags_free(&d);
}

/* The text need not be NUL-terminated: only text[0..len) is read. */
static void
test_length_bound(void **state)
{
	(void)state;
	static const char *const texts[] = {"\"abc",   "{abc",   "/abc",     "abc~", "Kam*",
	                                    "lang:ar", "title:", "@one.txt", "(a",   "a NEAR/5"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t n = strlen(texts[i]);
		char *buf = malloc(n); /* ASan catches a read past the end */
		assert_non_null(buf);
		memcpy(buf, texts[i], n);
		struct diags d;
		diags_init(&d);
		query_free(query_parse(buf, n, NULL, &opts, &d));
		diags_free(&d);
		free(buf);
	}
}

/* ---- limits ---- */

/* pre n times, mid, post m times; caller frees. */
static char *
repeat(const char *pre, int n, const char *mid, const char *post, int m)
{
	size_t lp = strlen(pre), lm = strlen(mid), lq = strlen(post);
	char *s = malloc(lp * (size_t)n + lm + lq * (size_t)m + 1), *e = s;
	assert_non_null(s);
	for (int i = 0; i < n; i++, e += lp)
		memcpy(e, pre, lp);
	memcpy(e, mid, lm);
	e += lm;
	for (int i = 0; i < m; i++, e += lq)
		memcpy(e, post, lq);
	*e = 0;
	return s;
}

static char *
parse_diags(const char *text)
{
	struct diags d;
	diags_init(&d);
	struct query *q = query_parse(text, strlen(text), NULL, &opts, &d);
	char *s = diags_text(&d);
	if (!d.nerrors) {
		assert_non_null(q);
		char *sx = query_sexpr(query_root(q));
		assert_non_null(sx);
		free(sx);
	}
	query_free(q);
	diags_free(&d);
	return s;
}

/* 256 levels are fine; 257 are not; 10,000 give the error, not a stack overflow. */
static void
test_depth(void **state)
{
	(void)state;
	static const struct {
		const char *pre, *mid, *post;
		int n;
		const char *want;
	} cases[] = {
	    {"(", "a", ")", 256, ""},
	    {"(", "a", ")", 257, "1:257: error: nesting deeper than 256"},
	    {"(", "a", ")", 10000, "1:257: error: nesting deeper than 256"},
	    {"(", "a", "", 10000, "1:257: error: nesting deeper than 256"},
	    {"NOT ", "a", "", 10000, "1:1025: error: nesting deeper than 256"},
	    {"-", "a", "", 10000, "1:257: error: nesting deeper than 256"},
	    {"title:", "a", "", 10000, "1:1537: error: nesting deeper than 256"},
	    {"(a OR ", "b", ")", 10000, "1:1537: error: nesting deeper than 256"},
	    {"(a NEAR/1 ", "b", ")", 10000, "1:2561: error: nesting deeper than 256"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int post = cases[i].post[0] ? cases[i].n : 0;
		char *text = repeat(cases[i].pre, cases[i].n, cases[i].mid, cases[i].post, post);
		char *diags = parse_diags(text);
		if (strcmp(diags, cases[i].want) != 0)
			fail_msg("case %zu: got %s, want %s", i, diags, cases[i].want);
		free(diags);
		free(text);
	}
}

/* Long chains are loops, not recursion, and NEAR chains do not nest. */
static void
test_long_chains(void **state)
{
	(void)state;
	char *text = repeat("a OR ", 100000, "b", "", 0);
	char *diags = parse_diags(text);
	assert_string_equal(diags, "");
	free(diags);
	free(text);

	text = repeat("a ", 100000, "b", "", 0);
	diags = parse_diags(text);
	assert_string_equal(diags, "");
	free(diags);
	free(text);

	text = repeat("a NEAR/1 ", 100000, "b", "", 0);
	diags = parse_diags(text);
	assert_string_equal(diags,
	                    "1:1: error: NEAR takes words, phrases, prefixes, fuzzy words and "
	                    "OR-groups of them");
	free(diags);
	free(text);
}

/* A 100,000-line list: one phrase per line, each placed at its line. */
static int
big_include(void *arg, const char *path, const char *from, char **text, size_t *len,
            char **resolved, char **err)
{
	(void)arg, (void)path, (void)from, (void)err;
	size_t cap = 100000 * 32, n = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(t + n, cap - n, i == 99999 ? "Zz*\n" : "Name%d Surname%d\n",
		                      i, i);
	*text = t;
	*len = n;
	*resolved = xstrdup("big.txt");
	return 0;
}

static void
test_big_list(void **state)
{
	(void)state;
	struct query_opts o = {big_include, NULL};
	struct diags d;
	diags_init(&d);
	assert_null(query_parse("@big.txt", 8, NULL, &o, &d));
	char *diags = diags_text(&d);
	assert_string_equal(
	    diags, "big.txt:100000:1: error: prefix needs at least 3 characters before '*'");
	free(diags);
	diags_free(&d);

	diags_init(&d);
	struct query *q = query_parse("@big.txt x", 10, NULL, &o, &d);
	assert_null(q); /* the same list, the same error */
	diags_free(&d);
}

/*
 * A NUL byte inside a term (text that did not come through a rule file):
 * the atom ends there, and nothing past the copy is touched (found by
 * fuzz_query under ASan: q_atom turned newlines into spaces up to the
 * term's length, past its shorter copy).
 */
static void
test_nul_in_term(void **state)
{
	(void)state;
	static const char text[] = "Kar\0im\nHaddad OR \"ab\0c\nd\"";
	struct diags d;
	diags_init(&d);
	struct query *q = query_parse(text, sizeof text - 1, NULL, NULL, &d);
	assert_non_null(q);
	const struct qnode *r = query_root(q); /* (OR (AND Kar Haddad) (phrase ab d)) */
	assert_int_equal(r->nkids, 2);
	assert_int_equal(r->kids[0]->nkids, 2);
	assert_string_equal(r->kids[0]->kids[0]->atom, "Kar");
	assert_string_equal(r->kids[0]->kids[1]->atom, "Haddad");
	assert_string_equal(r->kids[1]->atom, "\"ab");
	query_free(q);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nul_in_term),  cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_warnings),     cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_no_include),   cmocka_unit_test(test_atoms),
	    cmocka_unit_test(test_node_fields),  cmocka_unit_test(test_near_lang_nodes),
	    cmocka_unit_test(test_list_places),  cmocka_unit_test(test_from_rulefile),
	    cmocka_unit_test(test_list_from),    cmocka_unit_test(test_no_srcmap),
	    cmocka_unit_test(test_length_bound), cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_long_chains),  cmocka_unit_test(test_big_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
