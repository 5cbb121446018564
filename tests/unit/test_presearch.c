/*
 * Unit tests for presearch.c: index texts of documents go into an in-memory
 * SQLite FTS5 table made as the store makes it, the query of a ruleset runs
 * over it, and every document the matcher hits must be among the results
 * (the guarantee); documents with none of the words must not be (the
 * narrowing). The golden cases of tests/cases/ are run the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "extract.h"
#include "hark.h"
#include "match.h"
#include "presearch.h"
#include "ruleset.h"
#include "token.h"

#define MAXDOCS 64

struct bed {
	sqlite3 *db;
	struct ruleset *rs;
	struct document docs[MAXDOCS];
	size_t ndocs;
	int hit[MAXDOCS];  /* the matcher hits it */
	int cand[MAXDOCS]; /* FTS5 returns it */
	int all;           /* the query was "every article" */
	char *query;
};

static struct ruleset *
compile(const char *rules)
{
	struct ruleset *rs = ruleset_new();
	struct diags d;

	assert_non_null(rs);
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
	diags_free(&d);
	return rs;
}

static void
bed_open(struct bed *b, struct ruleset *rs)
{
	memset(b, 0, sizeof(*b));
	b->rs = rs;
	assert_int_equal(sqlite3_open(":memory:", &b->db), SQLITE_OK);
	/* as the store makes it: contentless, no positions, the ascii tokenizer */
	assert_int_equal(sqlite3_exec(b->db,
	                              "CREATE VIRTUAL TABLE fts USING fts5(keys, content='',"
	                              " columnsize=0, detail=none, tokenize='ascii');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
}

static void
bed_close(struct bed *b)
{
	for (size_t i = 0; i < b->ndocs; i++)
		doc_free(&b->docs[i]);
	ruleset_free(b->rs);
	sqlite3_close(b->db);
	free(b->query);
}

static void
bed_insert(struct bed *b, const struct document *doc)
{
	sqlite3_stmt *st;
	char *text = presearch_index_text(doc);

	assert_non_null(text);
	assert_int_equal(
	    sqlite3_prepare_v2(b->db, "INSERT INTO fts(rowid, keys) VALUES (?, ?)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)b->ndocs);
	sqlite3_bind_text(st, 2, text, -1, free);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Add a document from plain text (title line, body). */
static void
bed_add(struct bed *b, const char *text, const char *lang)
{
	struct document *doc = &b->docs[b->ndocs];
	const char *err;

	assert_true(b->ndocs < MAXDOCS);
	assert_int_equal(doc_from_text(doc, text, strlen(text), NULL, "test", lang, &err), 0);
	bed_insert(b, doc);
	b->ndocs++;
}

/* Run the query and the matcher over every document; check the guarantee. */
static void
bed_run(struct bed *b)
{
	struct matcher *m = matcher_new(b->rs);
	sqlite3_stmt *st;
	int rc;

	assert_non_null(m);
	memset(b->cand, 0, sizeof(b->cand));
	free(b->query);
	b->query = presearch_query(b->rs, &b->all);
	if (b->all) {
		assert_null(b->query);
		for (size_t i = 0; i < b->ndocs; i++)
			b->cand[i] = 1;
	} else {
		assert_non_null(b->query);
		assert_int_equal(sqlite3_prepare_v2(b->db,
		                                    "SELECT rowid FROM fts WHERE fts MATCH ?", -1,
		                                    &st, NULL),
		                 SQLITE_OK);
		sqlite3_bind_text(st, 1, b->query, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			b->cand[sqlite3_column_int64(st, 0)] = 1;
		if (rc != SQLITE_DONE)
			fail_msg("fts5: %s: %.200s", sqlite3_errmsg(b->db), b->query);
		sqlite3_finalize(st);
	}
	for (size_t i = 0; i < b->ndocs; i++) {
		b->hit[i] = matcher_run(m, &b->docs[i], NULL, NULL);
		assert_true(b->hit[i] >= 0);
		if (b->hit[i] > 0 && !b->cand[i])
			fail_msg("document %zu (%.60s) is hit but not a candidate of %.300s", i,
			         b->docs[i].field[F_TITLE] ? b->docs[i].field[F_TITLE] : "",
			         b->query);
	}
	matcher_free(m);
}

/* One rule, documents that hit it, documents that must be narrowed away. */
static void
check(const char *rules, const char *const *hits, const char *const *misses, const char *lang)
{
	struct bed b;
	size_t nh = 0;

	bed_open(&b, compile(rules));
	for (; hits[nh] != NULL; nh++)
		bed_add(&b, hits[nh], lang);
	for (size_t i = 0; misses[i] != NULL; i++)
		bed_add(&b, misses[i], lang);
	bed_run(&b);
	assert_false(b.all);
	for (size_t i = 0; i < b.ndocs; i++) {
		if (i < nh && b.hit[i] == 0)
			fail_msg("document %zu (%s) should hit", i, hits[i]);
		if (i >= nh && b.cand[i])
			fail_msg("document %zu (%s) should be narrowed away by %s", i,
			         misses[i - nh], b.query);
	}
	bed_close(&b);
}

static void
test_words_case_accents(void **state)
{
	static const char *const hits[] = {"Un CAFÉ à Paris\nrien", "Titre\nle cafe est fermé",
	                                   "Cafés\nET Kafka", NULL};
	static const char *const misses[] = {"Le thé\nà Londres", "Caf\nfé", NULL};

	(void)state;
	check("[rule r]\nquery = café OR cafés\n", hits, misses, "fr");
}

static void
test_french_elision(void **state)
{
	static const char *const hits[] = {"Titre\nL'avion d’Air France a atterri",
	                                   "Titre\nun avion", NULL};
	static const char *const misses[] = {"Titre\nl'avionneur", "Titre\nla avenue", NULL};

	(void)state;
	check("[rule r]\nquery = avion\n", hits, misses, "fr");
}

static void
test_arabic_clitics_harakat(void **state)
{
	static const char *const hits[] = {
	    "عنوان\nقال الرئيس بَشّار الأسد اليوم",
	    "عنوان\nوبالعقوبات الجديدة على الأسد",
	    "عنوان\nللأسد وبشار",
	    NULL,
	};
	static const char *const misses[] = {"عنوان\nقال الرئيس اليوم", NULL};

	(void)state;
	check("[rule a]\nquery = بشار\n[rule b]\nquery = عقوبات AND الأسد\n"
	      "[rule c]\nquery = \"بشار الأسد\"\n",
	      hits, misses, "ar");
}

static void
test_arabic_obfuscation(void **state)
{
	static const char *const hits[] = {"عنوان\nرفــــضت الحكومة", "عنوان\nعقو.بات جديدة", NULL};
	static const char *const misses[] = {"عنوان\nقبلت الحكومة", NULL};

	(void)state;
	check("[rule a]\nquery = رفضت\n[rule b]\nquery = عقوبات\n", hits, misses, "ar");
}

/*
 * Issue 14 folds and variants narrow as they match: digits of every script,
 * Urdu yeh barree, the possessive, umlauts spelt out, Arabic compound names.
 */
static void
test_folds_and_variants(void **state)
{
	static const char *const hits[] = {
	    "শিরোনাম\n২০২৪ সালের নির্বাচন",   "หัวข้อ\nปี ๒๐๒๔",
	    "عنوان\nلاہور کے مدرسے",         "Title\nAssad’s regime fell",
	    "Titel\nMinister MUELLER sagte", "عنوان\nقال حسن نصرالله",
	    "عنوان\nقال عبد الله",           NULL,
	};
	static const char *const misses[] = {"Title\n20245 votes", "Titel\nMinister Moeller",
	                                     "عنوان\nقال نصر", NULL};

	(void)state;
	check("[rule d]\nquery = 2024\n[rule u]\nquery = مدرسي\n"
	      "[rule p]\nquery = \"Assad regime\"\n[rule m]\nquery = Müller\n"
	      "[rule n]\nquery = \"نصر الله\"\n[rule a]\nquery = عبدالله\n",
	      hits, misses, NULL);
}

static void
test_prefix(void **state)
{
	static const char *const hits[] = {"Title\nSanctioned entities", "Title\nsanction",
	                                   "عنوان\nوالعقوبات", NULL};
	static const char *const misses[] = {"Title\nsanity", "Title\nno match", NULL};

	(void)state;
	check("[rule a]\nquery = sanction*\n[rule b]\nquery = عقوب*\n", hits, misses, NULL);
}

static void
test_phrase_not_near(void **state)
{
	static const char *const hits[] = {"Title\nKarim Haddadin was released",
	                                   "Title\nPutin met Assad today",
	                                   "Title\nthe ceasefire holds", NULL};
	static const char *const misses[] = {
	    "Title\nKarim spoke", /* one word of the phrase and of NEAR: not enough */
	    "Title\nPutin spoke", "Title\na violation", NULL};

	(void)state;
	check("[rule ph]\nquery = \"Karim Haddadin\"\n"
	      "[rule near]\nquery = Putin NEAR/3 Assad\n"
	      "[rule not]\nquery = ceasefire AND NOT violation\n",
	      hits, misses, NULL);
}

static void
test_fields_and_exact(void **state)
{
	static const char *const hits[] = {"Title\nthe U.S. said", "Summit\nin Geneva", NULL};
	static const char *const misses[] = {"Title\nUK and them", "Body\nnothing", NULL};

	(void)state;
	check("[rule ex]\nquery = {U.S.}\n[rule t]\nquery = title:summit\n", hits, misses, NULL);
}

/* Rules no condition restricts: *all. */
static void
test_unrestricted(void **state)
{
	static const char *const rules[] = {
	    "[rule r]\nquery = /foo.*bar/\n",
	    "[rule r]\nquery = peace OR (lang:fr AND NOT war)\n",
	    "[rule r]\nquery = peace\n[rule s]\nquery = lang:fr\n",
	    "[rule r]\nquery = peace OR Kamalmaz~\n",
	    "[rule r]\nquery = peace OR /x/\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct ruleset *rs = compile(rules[i]);
		int all = 0;
		char *q = presearch_query(rs, &all);

		assert_null(q);
		assert_int_equal(all, 1);
		ruleset_free(rs);
	}
}

/* A regex or fuzzy word beside a word that narrows: the word decides. */
static void
test_restricted_mixed(void **state)
{
	static const char *const hits[] = {"Title\nKamalmaz met the press", NULL};
	static const char *const misses[] = {"Title\nKamalmaz alone", NULL};

	(void)state;
	check("[rule r]\nquery = press AND (Kamalmaz~ OR /Kam/)\n"
	      "[rule s]\nquery = lang:en AND press\n",
	      hits, misses, "en");
}

static void
test_index_text(void **state)
{
	struct document doc;
	const char *err;
	char *t;

	(void)state;
	const char *text = "Xavier xx\nXAVIER l'été 42 Ωmega";

	assert_int_equal(doc_from_text(&doc, text, strlen(text), NULL, "src", "fr", &err), 0);
	t = presearch_index_text(&doc);
	assert_non_null(t);
	/* x is doubled, ω (cf 89) hex; each key once; the source field too */
	assert_string_equal(t, "xxavier xxxx ete 42 ωmega src");
	free(t);
	doc_free(&doc);
	memset(&doc, 0, sizeof(doc));
	t = presearch_index_text(&doc);
	assert_string_equal(t, "");
	free(t);
}

/* No rule: a query that matches nothing. */
static void
test_no_rules(void **state)
{
	struct bed b;

	(void)state;
	bed_open(&b, compile("# nothing\n"));
	bed_add(&b, "Title\nanything at all", NULL);
	bed_run(&b);
	assert_false(b.all);
	assert_false(b.cand[0]);
	bed_close(&b);
}

/* Deep nesting and many rules: SQLite must accept the query, fast. */
static void
test_large(void **state)
{
	static const char *const words[] = {"alpha", "bravo",   "charlie", "delta",
	                                    "echo",  "foxtrot", "golf",    "hotel"};
	size_t cap = 4u << 20, len = 0;
	char *rules = malloc(cap);
	struct bed b;
	clock_t t0;

	(void)state;
	assert_non_null(rules);
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(rules + len, cap - len,
		                        "[rule r%d]\nquery = \"%s%d %s%d\" OR (%s%d AND NOT x)\n",
		                        i, words[i % 8], i, words[(i / 8) % 8], i / 3, words[i % 5],
		                        i / 7);
	/* nesting deeper than FTS5's limit of 256 */
	len += (size_t)snprintf(rules + len, cap - len, "[rule deep]\nquery = ");
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(rules + len, cap - len, "(deep%d AND (d%d OR ", i, i);
	len += (size_t)snprintf(rules + len, cap - len, "bottom");
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(rules + len, cap - len, "))");
	len += (size_t)snprintf(rules + len, cap - len, "\n");
	assert_true(len < cap);
	bed_open(&b, compile(rules));
	free(rules);
	bed_add(&b, "Title\nalpha0 alpha0 and more", NULL);
	bed_add(&b, "Title\ngolf6 hotel2", NULL);
	bed_add(&b, "Title\ndeep0 d0", NULL);
	bed_add(&b, "Title\nnothing here", NULL);
	for (int i = 0; i < 40; i++) {
		char text[128];

		snprintf(text, sizeof(text), "Title\nplain text number%d echo%d", i, i);
		bed_add(&b, text, NULL);
	}
	t0 = clock();
	bed_run(&b);
	assert_false(b.all);
	assert_true(b.hit[0] > 0 && b.hit[2] > 0);
	assert_false(b.cand[3]);
	/* generous: a debug build with sanitizers */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0);
	bed_close(&b);
}

/*
 * A query past MAX_QUERY is made flat (one key of each phrase): still
 * every hit a candidate, and still narrower than everything.
 */
static void
test_flat(void **state)
{
	size_t cap = 8u << 20, len = 0;
	char *rules = malloc(cap);
	struct bed b;

	(void)state;
	assert_non_null(rules);
	for (int i = 0; i < 20000; i++)
		len +=
		    (size_t)snprintf(rules + len, cap - len,
		                     "[rule r%d]\nquery = \"firstname%dxxxxxxxxxxxx "
		                     "middlename%dxxxxxxxxxxxxxxxx lastname%dyyyyyyyyyyyyyyy\"\n",
		                     i, i, i / 2, i / 3);
	assert_true(len < cap);
	bed_open(&b, compile(rules));
	free(rules);
	bed_add(&b,
	        "Title\nfirstname7xxxxxxxxxxxx middlename3xxxxxxxxxxxxxxxx "
	        "lastname2yyyyyyyyyyyyyyy",
	        NULL);
	bed_add(&b, "Title\nfirstname7xxxxxxxxxxxx", NULL);
	bed_add(&b, "Title\nnothing here", NULL);
	bed_run(&b);
	assert_false(b.all);
	assert_true(strlen(b.query) < (2u << 20));
	assert_true(strstr(b.query, " AND ") == NULL);
	assert_true(b.hit[0] > 0);
	assert_false(b.cand[2]);
	bed_close(&b);
}

/* ---- the golden cases ---- */

static void
case_run(const char *dir)
{
	char path[1024];
	char *rp = path;
	char **names;
	size_t n;
	struct diags d;
	struct bed b;

	snprintf(path, sizeof(path), "%s/case.rules", dir);
	diags_init(&d);
	bed_open(&b, rules_load(&rp, 1, &d));
	diags_free(&d);
	if (b.rs == NULL)
		fail_msg("%s: rules did not compile", dir);
	assert_int_equal(dir_list(dir, ".txt", &names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct extract_opts o = {.file = names[i], .source = "drop"};
		struct extraction x;
		char err[256];
		char *buf;
		size_t len;

		assert_int_equal(file_read(names[i], HARK_FILE_MAX, &buf, &len), 0);
		if (extract_bytes(buf, len, &o, &x, err, sizeof(err)) < 0) {
			free(buf);
			continue;
		}
		free(buf);
		for (size_t k = 0; k < x.ndocs && b.ndocs < MAXDOCS; k++) {
			b.docs[b.ndocs] = x.docs[k];
			memset(&x.docs[k], 0, sizeof(x.docs[k]));
			bed_insert(&b, &b.docs[b.ndocs]);
			b.ndocs++;
		}
		extraction_free(&x);
	}
	dir_list_free(names, n);
	bed_run(&b); /* fails on a hit document that is no candidate */
	bed_close(&b);
}

static void
test_golden_cases(void **state)
{
	const char *root = getenv("HARK_TESTDATA");
	char dir[1024];
	char **names;
	size_t n, ran = 0;

	(void)state;
	assert_non_null(root);
	snprintf(dir, sizeof(dir), "%s/cases", root);
	assert_int_equal(dir_list(dir, NULL, &names, &n), 0);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		case_run(names[i]);
		ran++;
	}
	dir_list_free(names, n);
	assert_true(ran >= 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_index_text),
	    cmocka_unit_test(test_words_case_accents),
	    cmocka_unit_test(test_french_elision),
	    cmocka_unit_test(test_arabic_clitics_harakat),
	    cmocka_unit_test(test_arabic_obfuscation),
	    cmocka_unit_test(test_folds_and_variants),
	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_phrase_not_near),
	    cmocka_unit_test(test_fields_and_exact),
	    cmocka_unit_test(test_unrestricted),
	    cmocka_unit_test(test_restricted_mixed),
	    cmocka_unit_test(test_no_rules),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_golden_cases),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
