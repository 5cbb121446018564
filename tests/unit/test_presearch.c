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

#include "dict.h"
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

/*
 * The reference: presearch_index_text() before its set of codes was kept
 * in the text it builds (a dict of copies of the codes). The new one must
 * give the same text, key for key in the same order.
 */
static void
ref_encode(char *o, size_t *no, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) && c != 'x') || c >= 0x80) {
			o[(*no)++] = (char)c;
		} else if (c == 'x') {
			o[(*no)++] = 'x';
			o[(*no)++] = 'x';
		} else {
			o[(*no)++] = 'x';
			o[(*no)++] = hex[c >> 4];
			o[(*no)++] = hex[c & 15];
		}
	}
}

static void
ref_key(struct dict *seen, char **out, size_t *n, size_t *cap, const char *s, size_t len)
{
	char *enc = malloc(3 * len + 1);
	size_t ne = 0;
	int added = 0;

	assert_non_null(enc);
	ref_encode(enc, &ne, s, len);
	assert_true(dict_intern(seen, enc, ne, &added) >= 0);
	if (added) {
		if (*n + ne + 2 > *cap) {
			*cap = 2 * (*n + ne + 2);
			assert_non_null(*out = realloc(*out, *cap));
		}
		if (*n > 0)
			(*out)[(*n)++] = ' ';
		memcpy(*out + *n, enc, ne);
		*n += ne;
		(*out)[*n] = '\0';
	}
	free(enc);
}

static char *
ref_index_text(const struct document *doc)
{
	struct dict *seen = dict_new();
	char *out = NULL, scratch[4096];
	size_t n = 0, cap = 0;

	assert_non_null(seen);
	for (int f = 0; f < F_MAX; f++) {
		struct toklist tl;

		if (doc->field[f] == NULL || doc->field_len[f] == 0)
			continue;
		toklist_init(&tl);
		assert_true(token_split(doc->field[f], doc->field_len[f], &tl) >= 0);
		for (size_t i = 0; i < tl.n; i++) {
			const struct token *t = &tl.v[i];
			const char *w = token_text(&tl, t);
			struct reading rd[TOKEN_MAX_READINGS];
			int nr;

			ref_key(seen, &out, &n, &cap, w, t->normlen);
			if (t->script != SCRIPT_ARABIC)
				continue;
			assert_true(2 * (size_t)t->normlen + 8 <= sizeof(scratch));
			nr = token_readings(w, t->normlen, scratch, rd);
			for (int r = 0; r < nr; r++)
				ref_key(seen, &out, &n, &cap, rd[r].s, rd[r].len);
		}
		toklist_free(&tl);
	}
	dict_free(seen);
	if (n > PRESEARCH_INDEX_MAX) {
		free(out);
		return strdup("xz");
	}
	return out != NULL ? out : strdup("");
}

/* n words drawn from a few, in several scripts, with punctuation (xorshift: the same every run) */
static char *
random_words(uint64_t *x, size_t n, unsigned long long wrange, size_t *len)
{
	static const char *const words[] = {
	    "Xavier",
	    "xx",
	    "l'été",
	    "42",
	    "Ωmega",
	    "press",
	    "Kamalmaz",
	    "U.S.",
	    "e-mail",
	    "\xD9\x88\xD8\xA7\xD9\x84\xD9\x83\xD8\xAA\xD8\xA7\xD8\xA8",         /* wa-al-kitab */
	    "\xD8\xA8\xD8\xA7\xD9\x84\xD9\x85\xD8\xAF\xD8\xB1\xD8\xB3\xD8\xA9", /* bi-al-madrasa */
	    "\xD9\x84\xD9\x84\xD8\xA8\xD9\x8A\xD8\xAA",                         /* li-al-bayt */
	    "\xD9\x83\xD8\xAA\xD8\xA7\xD8\xA8",
	    "Москва",
	    "naïve",
	    "ÆSIR",
	    "--",
	    "#tag",
	    "a",
	    "the",
	    "C++",
	    "50%",
	    "x86_64",
	    "über",
	};
	size_t nw = sizeof(words) / sizeof(words[0]);
	char *s = malloc(n * 24 + 1);

	assert_non_null(s);
	*len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *w;

		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		w = words[*x % nw];
		if ((*x >> 20) % 7 == 0) {
			/* a word of its own: the set grows past its first size */
			*len += (size_t)sprintf(s + *len, "w%llu",
			                        (unsigned long long)((*x >> 24) % wrange));
		} else {
			memcpy(s + *len, w, strlen(w));
			*len += strlen(w);
		}
		s[(*len)++] = (*x >> 40) % 4 == 0 ? '\n' : ' ';
	}
	s[*len] = '\0';
	return s;
}

/*
 * The index text against the reference: documents with every field set,
 * of 0 to 300,000 words (past PRESEARCH_INDEX_MAX: the key that says every
 * query matches), and fields left empty.
 */
static void
test_index_text_reference(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t sizes[] = {0, 1, 2, 5, 30, 200, 1000, 5000, 20000, 300000};

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (int round = 0; round < 3; round++) {
			struct document doc;
			char *want, *got;

			memset(&doc, 0, sizeof(doc));
			for (int f = 0; f < F_MAX; f++) {
				if (round == 1 && f % 2 == 1)
					continue; /* a field absent */
				doc.field[f] =
				    random_words(&x, f == F_BODY ? sizes[k] : sizes[k] / 10 + 1,
				                 1000000, &doc.field_len[f]);
			}
			want = ref_index_text(&doc);
			got = presearch_index_text(&doc);
			assert_non_null(got);
			assert_string_equal(got, want);
			if (sizes[k] == 300000 && doc.field[F_BODY] != NULL)
				assert_string_equal(got, "xz");
			free(want);
			free(got);
			doc_free(&doc);
		}
	}
}

static int
no_hit(const struct hit *h, void *arg)
{
	(void)h;
	(void)arg;
	return 0;
}

/*
 * The matcher's index text (matcher_set_index_text: from the tokens it
 * makes, tokenizing only the fields no rule reads) against
 * presearch_index_text(), with rules on the title and body only and with
 * rules on every field, on documents of 0 to 400,000 words (a body of
 * 2.5 MB: the matcher tokenizes it in chunks, with words ahead of each).
 */
static void
test_index_text_matcher(void **state)
{
	static const char *const rules[] = {
	    "[rule r]\nquery = press AND Kamalmaz\n",
	    "[rule r]\nquery = url:press OR source:tag OR title:the OR body:a\n",
	};
	size_t sizes[] = {0, 1, 3, 50, 2000, 400000};
	uint64_t x = 0x2545f4914f6cdd1dull;

	(void)state;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		struct ruleset *rs = compile(rules[r]);
		struct matcher *m = matcher_new(rs);

		assert_non_null(m);
		assert_int_equal(matcher_set_index_text(m, 1), 0);
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			for (int round = 0; round < 2; round++) {
				struct document doc;
				char *want, *got;

				memset(&doc, 0, sizeof(doc));
				for (int f = 0; f < F_MAX; f++) {
					if (round == 1 && f == F_TITLE)
						continue;
					doc.field[f] = random_words(
					    &x, f == F_BODY ? sizes[k] : sizes[k] / 100 + 1,
					    sizes[k] > 10000 ? 500 : 1000000, &doc.field_len[f]);
				}
				if (sizes[k] == 400000)
					assert_true(doc.field_len[F_BODY] > (2u << 20));
				want = presearch_index_text(&doc);
				assert_non_null(want);
				assert_true(matcher_run(m, &doc, no_hit, NULL) >= 0);
				got = matcher_take_index_text(m);
				assert_non_null(got);
				assert_string_equal(got, want);
				/* not the key that says every query matches: every word was
				 * compared */
				assert_true(strcmp(got, "xz") != 0);
				free(want);
				free(got);
				doc_free(&doc);
			}
		}
		matcher_free(m);
		ruleset_free(rs);
	}
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
	    cmocka_unit_test(test_index_text_reference),
	    cmocka_unit_test(test_index_text_matcher),
	    cmocka_unit_test(test_flat),
	    cmocka_unit_test(test_golden_cases),
	};

	norm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
