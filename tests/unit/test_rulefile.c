/* test_rulefile.c: the rule files of RULES.md §1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rulefile.h"

/* Every diagnostic of d formatted, one a line; caller frees. */
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

/* Parse text as f.rules; returns the diagnostics (caller frees) and the status. */
static char *
parse(struct rulefile *rf, const char *text, size_t len, int *rc)
{
	struct diags d;
	diags_init(&d);
	*rc = rulefile_parse(rf, "f.rules", text, len, &d);
	char *s = diags_text(&d);
	assert_int_equal(*rc, d.nerrors ? -1 : 0);
	diags_free(&d);
	return s;
}

/* Rules the caller may use: a broken one is kept only for its query's check. */
static size_t
usable(const struct rulefile *rf)
{
	size_t n = 0;

	for (size_t i = 0; i < rf->nrules; i++)
		n += !rf->rules[i].broken;
	return n;
}

static const struct rule_def *
rule(const struct rulefile *rf, const char *id)
{
	for (size_t i = 0; i < rf->nrules; i++)
		if (strcmp(rf->rules[i].id, id) == 0)
			return &rf->rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static void
assert_list(char **v, size_t n, const char *want)
{
	char buf[256] = "";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, v[i]);
	}
	assert_string_equal(buf, want);
}

static void
test_rules(void **state)
{
	(void)state;
	static const char text[] = "# watchlist\n"
	                           "; another comment\n"
	                           "\n"
	                           "[rule haddad]\n"
	                           "name   = Karim Haddad\n"
	                           "query  = \"Karim Haddad\" OR \"كريم حداد\"\n"
	                           "         OR Haddad~\n"
	                           "lang   = en, FR ar\n"
	                           "notify = newsroom,desk\n"
	                           "tags   = people syria\n"
	                           "\n"
	                           "[rule rahal.2]\n"
	                           "query=Rahal\n"
	                           "enabled=no\n"
	                           "[rule  x_y-z ]\n"
	                           "Query = a\n"
	                           "ENABLED = On\n"
	                           "notify = none\n";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(diags, "");
	assert_int_equal(rc, 0);
	assert_int_equal(rf.nrules, 3);
	assert_string_equal(rf.path, "f.rules");

	const struct rule_def *r = rule(&rf, "haddad");
	assert_string_equal(r->name, "Karim Haddad");
	assert_string_equal(r->query, "\"Karim Haddad\" OR \"كريم حداد\"\nOR Haddad~");
	assert_int_equal(r->query_len, strlen(r->query));
	assert_list(r->langs, r->nlangs, "en|fr|ar");
	assert_list(r->notify, r->nnotify, "newsroom|desk");
	assert_list(r->tags, r->ntags, "people|syria");
	assert_true(r->enabled);
	assert_int_equal(r->line, 4);
	assert_int_equal(r->qmap.nsegs, 2);
	assert_string_equal(r->qmap.file, "f.rules");

	unsigned line, col;
	srcmap_locate(&r->qmap, 0, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 10);
	size_t or2 = (size_t)(strstr(r->query, "\nOR") - r->query) + 1;
	srcmap_locate(&r->qmap, or2 + 3, &line, &col); /* Haddad~ */
	assert_int_equal(line, 7);
	assert_int_equal(col, 13);
	srcmap_locate(&r->qmap, (size_t)(strstr(r->query, "OR \"") - r->query) + 4, &line,
	              &col); /* the Arabic phrase's first letter */
	assert_int_equal(line, 6);
	assert_int_equal(col, 29);

	r = rule(&rf, "rahal.2");
	assert_string_equal(r->name, "rahal.2"); /* the name defaults to the id */
	assert_string_equal(r->query, "Rahal");
	assert_false(r->enabled);
	assert_int_equal(r->nlangs + r->nnotify + r->ntags, 0);

	r = rule(&rf, "x_y-z");
	assert_true(r->enabled);
	assert_list(r->notify, r->nnotify, "none");
	assert_int_equal(r->line, 15);
	free(diags);
	rulefile_free(&rf);
	assert_int_equal(rf.nrules, 0);
}

/* Comments are skipped inside a continuation; a blank line ends it. */
static void
test_continuation(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\n"
	                           "query = one\n"
	                           "  # a comment, not part of the query\n"
	                           "\ttwo   \n"
	                           "  ; another\n"
	                           "    three\n"
	                           "name = A\n"
	                           "  continued\n"
	                           "\n"
	                           "  lang = en\n"
	                           "tags = x,\n"
	                           "       y , z\n";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(diags, "");
	assert_int_equal(rf.nrules, 1);
	const struct rule_def *r = &rf.rules[0];
	assert_string_equal(r->query, "one\ntwo\nthree");
	assert_int_equal(r->qmap.nsegs, 3);
	assert_int_equal(r->qmap.segs[1].line, 4);
	assert_int_equal(r->qmap.segs[1].line_off, 1);
	assert_int_equal(r->qmap.segs[2].line, 6);
	assert_int_equal(r->qmap.segs[2].off, 8);
	assert_string_equal(r->name, "A continued");
	/* after a blank line an indented line is a key of its own */
	assert_list(r->langs, r->nlangs, "en");
	assert_list(r->tags, r->ntags, "x|y|z");
	free(diags);
	rulefile_free(&rf);
}

/* A continuation starting on an empty first line */
static void
test_query_on_next_line(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\nquery =\n    Karim\n    OR Haddad\n";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(diags, "");
	assert_string_equal(rf.rules[0].query, "Karim\nOR Haddad");
	unsigned line, col;
	srcmap_locate(&rf.rules[0].qmap, 0, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 5);
	free(diags);
	rulefile_free(&rf);
}

static void
test_bom_crlf(void **state)
{
	(void)state;
	static const char text[] =
	    "\xEF\xBB\xBF[rule a]\r\nquery = x \r\n  OR y\r\n\r\n[rule b]\r\n"
	    "query = Ka*";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(diags, "");
	assert_int_equal(rf.nrules, 2);
	assert_string_equal(rf.rules[0].query, "x\nOR y");
	assert_string_equal(rf.rules[1].query, "Ka*");
	assert_int_equal(rf.rules[0].line, 1);
	unsigned line, col;
	srcmap_locate(&rf.rules[1].qmap, 0, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 9);
	free(diags);
	rulefile_free(&rf);
}

static void
test_empty(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "\n\n", "# only a comment\n", "\xEF\xBB\xBF"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct rulefile rf;
		int rc;
		char *diags = parse(&rf, texts[i], strlen(texts[i]), &rc);
		assert_string_equal(diags, "");
		assert_int_equal(rc, 0);
		assert_int_equal(rf.nrules, 0);
		free(diags);
		rulefile_free(&rf);
	}
}

/* Every error path: the exact diagnostics, and the rules that survive. */
static void
test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *diags;
		const char *kept; /* ids of the rules kept, space-separated */
	} cases[] = {
	    {"query = x\n[rule a]\nquery = a\n",
	     "f.rules:1:1: error: text outside a section (a rule starts with [rule ID])", "a"},
	    {"  junk\nmore junk\n[rule a]\nquery = a\n",
	     "f.rules:1:3: error: text outside a section (a rule starts with [rule ID])", "a"},
	    {"[rule Bad]\nquery = a\n",
	     "f.rules:1:7: error: bad rule id 'Bad' (use [a-z0-9][a-z0-9_.-]*)", ""},
	    {"[rule -a]\nquery = a\n",
	     "f.rules:1:7: error: bad rule id '-a' (use [a-z0-9][a-z0-9_.-]*)", ""},
	    {"[rule a b]\nquery = a\n",
	     "f.rules:1:7: error: bad rule id 'a b' (use [a-z0-9][a-z0-9_.-]*)", ""},
	    {"[rule]\nquery = a\n",
	     "f.rules:1:6: error: missing rule id (a rule starts with [rule ID])", ""},
	    {"[]\nquery = a\n[rule b]\nquery = b\n",
	     "f.rules:1:1: error: empty section header (a rule starts with [rule ID])", "b"},
	    {"[rule a\nquery = a\n", "f.rules:1:1: error: unclosed '[' (opened here)", ""},
	    {"[webhook x]\nurl = y\n  more\n[rule a]\nquery = a\n",
	     "f.rules:1:2: error: unknown section 'webhook' (a rule starts with [rule ID])", "a"},
	    {"[rule a] # no inline comments\nquery = a\n",
	     "f.rules:1:10: error: unexpected text after ']'", ""},
	    {"[rule a]\nquery = a\n[rule b]\nquery = b\n[rule a]\nquery = c\n",
	     "f.rules:5:7: error: duplicate rule id 'a' (first on line 1)", "a b"},
	    {"[rule a]\nquery = a\nquery = b\n  OR c\n",
	     "f.rules:3:1: error: duplicate key 'query' (first on line 2)", ""},
	    {"[rule a]\nqeury = a\n  OR b\nquery = a\n",
	     "f.rules:2:1: error: unknown key 'qeury' (keys: query name lang notify tags enabled)",
	     ""},
	    {"[rule a]\nname = A\n", "f.rules:1:1: error: missing query for rule 'a'", ""},
	    {"  [rule a]\n", "f.rules:1:3: error: missing query for rule 'a'", ""},
	    {"[rule a]\nquery =   \n", "f.rules:2:11: error: empty query", ""},
	    {"[rule a]\nquery = a\njunk\n", "f.rules:3:1: error: expected 'key = value'", ""},
	    {"[rule a]\nquery = a\n\n = b\n", "f.rules:4:2: error: missing key before '='", ""},
	    {"[rule a]\nquery = a\nenabled = maybe\n",
	     "f.rules:3:11: error: bad value for enabled: 'maybe' (use yes or no)", ""},
	    {"[rule a]\nquery = a\nenabled =\n",
	     "f.rules:3:10: error: bad value for enabled: '' (use yes or no)", ""},
	    {"[rule a]\nquery = a\nlang = en, fra\n  x1 de\n",
	     "f.rules:3:12: error: bad language code 'fra' (use two-letter ISO 639-1 codes)\n"
	     "f.rules:4:3: error: bad language code 'x1' (use two-letter ISO 639-1 codes)",
	     ""},
	    {"[rule a]\nquery = a\nlang = ع\n",
	     "f.rules:3:8: error: bad language code 'ع' (use two-letter ISO 639-1 codes)", ""},
	    /* a code no document is in: a warning naming the code meant; the rule loads */
	    {"[rule a]\nquery = a\nlang = en jp\n",
	     "f.rules:3:11: warning: lang: 'jp' is not an ISO 639-1 language code (Japanese is "
	     "'ja'): no document is ever in it",
	     "a"},
	    {"[rule a]\nquery = a\nlang = GR xq\n",
	     "f.rules:3:8: warning: lang: 'gr' is not an ISO 639-1 language code (Greek is 'el'): "
	     "no document is ever in it\n"
	     "f.rules:3:11: warning: lang: 'xq' is not an ISO 639-1 language code: no document is "
	     "ever in it",
	     "a"},
	    {"[rule a]\nquery = a\nlang = kr\n",
	     "f.rules:3:8: warning: lang: 'kr' is an ISO 639-1 code of a language hark cannot "
	     "identify in text (CLD2 does not know it; Korean is 'ko'): only a document that "
	     "declares it is in it",
	     "a"},
	    {"[rule a]\nquery = a\nlang = ja ko el cs es da sv uk zh\n", "", "a"},
	    {"[rule a]\nquery = a\nnotify = desk none\n",
	     "f.rules:3:15: error: 'none' cannot be combined with webhook names", ""},
	    {"[rule a]\nname = K\xE9vin\nquery = a\n", "f.rules:2:9: error: invalid UTF-8", ""},
	    {"[rule a]\nquery = \"كريم\" \xD8\n", "f.rules:2:16: error: invalid UTF-8", ""},
	    {"[rule a]\nquery = a\xC0\xAF\n", "f.rules:2:10: error: invalid UTF-8", ""},
	    {"[rule a]\nquery = a\xED\xA0\x80\n", "f.rules:2:10: error: invalid UTF-8", ""},
	    {"[rule a]\nquery = a\n", "", "a"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rulefile rf;
		int rc;
		char *diags = parse(&rf, cases[i].text, strlen(cases[i].text), &rc);
		if (strcmp(diags, cases[i].diags) != 0)
			fail_msg("case %zu:\n%s\ngot:  %s\nwant: %s", i, cases[i].text, diags,
			         cases[i].diags);
		char kept[128] = "";
		for (size_t r = 0; r < rf.nrules; r++) {
			if (rf.rules[r].broken)
				continue;
			if (kept[0])
				strcat(kept, " ");
			strcat(kept, rf.rules[r].id);
		}
		if (strcmp(kept, cases[i].kept) != 0)
			fail_msg("case %zu: kept '%s', want '%s'", i, kept, cases[i].kept);
		free(diags);
		rulefile_free(&rf);
	}
}

/* A NUL byte is reported, not taken for the end of the file. */
static void
test_nul(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\nquery = a\0b\n[rule b]\nquery = b\n";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(diags, "f.rules:2:10: error: NUL byte");
	assert_int_equal(rc, -1);
	assert_int_equal(rf.nrules, 1);
	assert_string_equal(rf.rules[0].id, "b");
	free(diags);
	rulefile_free(&rf);
}

/* All errors of a file in one pass, printed in the order of the file (line, column). */
static void
test_all_errors(void **state)
{
	(void)state;
	static const char text[] = "stray\n"
	                           "[rule a]\n"
	                           "query = a\n"
	                           "lang = english\n"
	                           "colour = red\n"
	                           "[rule b]\n"
	                           "query = b\n"
	                           "[rule C]\n"
	                           "enabled = sometimes\n";
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, sizeof text - 1, &rc);
	assert_string_equal(
	    diags, "f.rules:1:1: error: text outside a section (a rule starts with [rule ID])\n"
	           "f.rules:4:8: error: bad language code 'english' (use two-letter ISO 639-1 "
	           "codes)\n"
	           "f.rules:5:1: error: unknown key 'colour' (keys: query name lang notify tags "
	           "enabled)\n"
	           "f.rules:8:1: error: missing query for rule 'C'\n"
	           "f.rules:8:7: error: bad rule id 'C' (use [a-z0-9][a-z0-9_.-]*)\n"
	           "f.rules:9:11: error: bad value for enabled: 'sometimes' (use yes or no)");
	assert_int_equal(usable(&rf), 1);
	assert_false(rule(&rf, "b")->broken);
	free(diags);
	rulefile_free(&rf);
}

/* The text is copied: the caller's buffer may go away, the source maps stay valid. */
static void
test_copies_text(void **state)
{
	(void)state;
	char *text = strdup("[rule a]\nquery = Karim\n  OR Haddad\n");
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, strlen(text), &rc);
	memset(text, 'x', strlen(text));
	free(text);
	assert_string_equal(rf.rules[0].qmap.segs[1].line_text, "  OR Haddad\n");
	free(diags);
	rulefile_free(&rf);
}

/*
 * Borrowed, the text is read in place, past its length never (it need not
 * end in NUL), and the rules' strings are still copies.
 */
static void
test_borrows_text(void **state)
{
	(void)state;
	static const char text[] = "[rule a]\nquery = Karim\n  OR Haddad\nname = K[rule b]";
	size_t len = strlen(text) - strlen("[rule b]");
	struct rulefile rf;
	struct diags d;
	diags_init(&d);
	assert_int_equal(rulefile_parse_borrow(&rf, "f.rules", text, len, &d), 0);
	assert_int_equal(rf.nrules, 1);
	assert_ptr_equal(rf.text, text);
	assert_null(rf.copy);
	assert_ptr_equal(rf.rules[0].qmap.segs[1].line_text,
	                 text + strlen("[rule a]\nquery = Karim\n"));
	assert_string_equal(rf.rules[0].name, "K");
	assert_string_equal(rf.rules[0].query, "Karim\nOR Haddad");
	assert_true(rf.rules[0].query < text || rf.rules[0].query >= text + sizeof(text));
	diags_free(&d);
	rulefile_free(&rf);
}

/* 100,000 rules load, and quickly (duplicate ids are found with a hash). */
static void
test_many_rules(void **state)
{
	(void)state;
	size_t cap = 100000 * 64, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < 100000; i++)
		len += (size_t)snprintf(text + len, cap - len,
		                        "[rule r%d]\nquery = \"name %d\" OR x%d\ntags = t\n\n", i,
		                        i, i);
	len += (size_t)snprintf(text + len, cap - len, "[rule r77]\nquery = dup\n");
	struct rulefile rf;
	int rc;
	char *diags = parse(&rf, text, len, &rc);
	assert_string_equal(diags,
	                    "f.rules:400001:7: error: duplicate rule id 'r77' (first on line "
	                    "309)");
	assert_int_equal(usable(&rf), 100000);
	assert_string_equal(rf.rules[99999].id, "r99999");
	assert_string_equal(rf.rules[99999].query, "\"name 99999\" OR x99999");
	free(diags);
	free(text);
	rulefile_free(&rf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_query_on_next_line),
	    cmocka_unit_test(test_bom_crlf),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_all_errors),
	    cmocka_unit_test(test_copies_text),
	    cmocka_unit_test(test_borrows_text),
	    cmocka_unit_test(test_many_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
