/*
 * Unit tests for store.c on a real database in a temporary directory:
 * exact and near duplicates, hit uniqueness and the alerted test across a
 * near-duplicate group, the reading functions' order and filters, FTS5,
 * status counts, WAL snapshots, STORE_BUSY, and the schema's versioning.
 * The test reaches into the file with sqlite3 only to set up what harkd's
 * later modules (outbox, poller) or an older or newer hark would write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"

struct fixture {
	char dir[64];
	char path[96];
	struct store *st; /* a writer, open */
	char err[512];
	/* the index text add_article gave an article, for fixture_keys */
	struct fixture_key {
		char id[24];
		char *text; /* owned */
	} * keys;           /* owned, nkeys of them */
	int nkeys;
};

/*
 * The full-text keys of a stored article: what add_article was given for
 * it, else its title and body (a store_index_fn; arg is the fixture).
 */
static char *
fixture_keys(const struct store_article_row *r, void *arg)
{
	struct fixture *f = arg;
	char *s;

	if (r->body == NULL) /* pruned: what is left of it, as rowdoc_keys makes it */
		return strdup(r->title);
	for (int i = 0; i < f->nkeys; i++)
		if (strcmp(f->keys[i].id, r->id) == 0)
			return strdup(f->keys[i].text);
	if ((s = malloc(strlen(r->title) + strlen(r->body) + 2)) != NULL)
		sprintf(s, "%s\n%s", r->title, r->body);
	return s;
}

/* The index caught up with every article stored, as harkd's indexer does. */
static void
catch_up(struct fixture *f)
{
	size_t n;
	int more = 1;

	while (more)
		if (store_fts_catch_up(f->st, 100, 0, fixture_keys, f, &n, &more, f->err,
		                       sizeof(f->err)) != 0)
			fail_msg("%s", f->err);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hark-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/hark.db", f->dir);
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	for (int i = 0; i < f->nkeys; i++)
		free(f->keys[i].text);
	free(f->keys);
	free(f);
	return 0;
}

/* store_meta's value of key, read behind the store's back; -1: none. */
static int64_t
meta_value(const char *path, const char *key)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT value FROM store_meta WHERE key = ?1", -1, &q, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* Run SQL on the file behind the store's back. */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/*
 * The FTS5 'automerge' of the articles' index, read behind the store's
 * back, with its 'crisismerge' 4 times as many (FTS_AUTOMERGE); -1: unset.
 */
static int
fts_automerge(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT v FROM articles_fts_config WHERE k = 'automerge'", -1,
	                       &q, NULL),
	    SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT v FROM articles_fts_config WHERE k = 'crisismerge'", -1,
	                       &q, NULL),
	    SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		assert_int_equal(sqlite3_column_int(q, 0), 4 * v);
	else
		assert_int_equal(v, -1);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* An article stored, not yet in the full-text index; index_text: its keys there, NULL: title and
 * body. */
static void
add_article_unindexed(struct fixture *f, const char *id, const char *hash, const char *canonical,
                      uint64_t simhash, int64_t seen_at, const char *near_of, const char *body,
                      const char *index_text)
{
	struct store_article a = {
	    .id = id,
	    .content_hash = hash,
	    .canonical = canonical,
	    .title = id,
	    .body = body,
	    .lang = "en",
	    .source = "drop",
	    .file = "x.txt",
	    .simhash = simhash,
	    .near_of = near_of,
	    .seen_at = seen_at,
	};

	if (index_text != NULL) {
		f->keys = realloc(f->keys, (size_t)(f->nkeys + 1) * sizeof(*f->keys));
		assert_non_null(f->keys);
		snprintf(f->keys[f->nkeys].id, sizeof(f->keys[0].id), "%s", id);
		assert_non_null(f->keys[f->nkeys++].text = strdup(index_text));
	}
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
		fail_msg("%s", f->err);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
}

/* An article stored and indexed. */
static void
add_article(struct fixture *f, const char *id, const char *hash, const char *canonical,
            uint64_t simhash, int64_t seen_at, const char *near_of, const char *body,
            const char *index_text)
{
	add_article_unindexed(f, id, hash, canonical, simhash, seen_at, near_of, body, index_text);
	catch_up(f);
}

static int
add_hit(struct fixture *f, const char *id, const char *article, const char *rule, int64_t at,
        bool alert)
{
	char json[128];
	struct store_hit h = {
	    .id = id,
	    .article_id = article,
	    .rule_id = rule,
	    .json = json,
	    .detected_at = at,
	    .alert = alert,
	};

	snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
	return store_hit_add(f->st, &h, f->err, sizeof(f->err));
}

/*
 * SQLite counts no memory once a store is open (SQLITE_CONFIG_MEMSTATUS
 * off: its global mutex at every allocation cost the loop about a tenth
 * of its instructions an article, BENCHMARKS.md). With the count on,
 * sqlite3_memory_used() is the bytes held, never 0 with a connection open.
 */
static void
test_no_memstatus(void **state)
{
	struct fixture *f = *state;

	add_article(f, "a_1", "h1", "https://example.org/1", 7, 100, NULL, "body", NULL);
	assert_true(sqlite3_memory_used() == 0);
	assert_true(sqlite3_memory_highwater(0) == 0);
}

static void
test_exact_duplicates(void **state)
{
	struct fixture *f = *state;
	struct store_article a = {.id = "a_2", .content_hash = "h1", .simhash = 1, .seen_at = 5};
	char id[24];

	add_article(f, "a_1", "h1", "https://example.org/1", 7, 100, NULL, "body", NULL);
	assert_int_equal(
	    store_article_find(f->st, "h1", NULL, id, sizeof(id), f->err, sizeof(f->err)), 1);
	assert_string_equal(id, "a_1");
	/* the same address with another content: a changed version */
	assert_int_equal(store_article_find(f->st, "other", "https://example.org/1", id, sizeof(id),
	                                    f->err, sizeof(f->err)),
	                 2);
	assert_string_equal(id, "a_1");
	assert_int_equal(store_article_find(f->st, "other", "https://example.org/2", id, sizeof(id),
	                                    f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(
	    store_article_find(f->st, "other", NULL, id, sizeof(id), f->err, sizeof(f->err)), 0);

	/* the same content twice is refused by the schema, with the cause */
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_article_add(f->st, &a, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "adding article a_2: UNIQUE"));
	store_rollback(f->st);
	/* and an insert outside a transaction is a mistake */
	a.content_hash = "h2";
	assert_int_equal(store_article_add(f->st, &a, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "not inside a transaction"));
}

static void
test_near_duplicates(void **state)
{
	struct fixture *f = *state;
	const uint64_t h = 0x0123456789abcdefULL;
	char id[24];

	add_article(f, "a_1", "h1", NULL, h, 1000, NULL, "one", NULL);
	add_article(f, "a_2", "h2", NULL, h ^ 0x8000000000000000ULL, 1100, "a_1", "two", NULL);
	add_article(f, "a_3", "h3", NULL, ~h, 1200, NULL, "three", NULL);

	/* distance 2: found */
	assert_int_equal(
	    store_article_near(f->st, h ^ 0x3, 0, 3, id, sizeof(id), f->err, sizeof(f->err)), 1);
	assert_string_equal(id, "a_1");
	/* a member of a group answers with its group's first article */
	assert_int_equal(store_article_near(f->st, h ^ 0x8000000000000000ULL, 1050, 0, id,
	                                    sizeof(id), f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(id, "a_1");
	/* distance 5 with maxdist 3: not found */
	assert_int_equal(
	    store_article_near(f->st, h ^ 0x1f, 0, 3, id, sizeof(id), f->err, sizeof(f->err)), 0);
	/* distance 2, but seen before since: not found */
	assert_int_equal(
	    store_article_near(f->st, h ^ 0x3, 1300, 3, id, sizeof(id), f->err, sizeof(f->err)), 0);
	/* distance 6 spread so that no band is equal: found with maxdist 7 */
	assert_int_equal(store_article_near(f->st, h ^ 0x0001000100030003ULL, 0, 7, id, sizeof(id),
	                                    f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(id, "a_1");
	assert_int_equal(store_article_near(f->st, h ^ 0x0001000100030003ULL, 0, 5, id, sizeof(id),
	                                    f->err, sizeof(f->err)),
	                 0);
	/* beyond what the bands can promise */
	assert_int_equal(store_article_near(f->st, h, 0, 8, id, sizeof(id), f->err, sizeof(f->err)),
	                 -1);
}

struct hits_seen {
	char ids[8][24];
	int n;
	int stop_after;
};

static int
hits_cb(const struct store_hit_row *r, void *arg)
{
	struct hits_seen *s = arg;

	assert_true(s->n < 8);
	assert_non_null(strstr(r->json, r->id));
	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->id);
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static void
test_hits(void **state)
{
	struct fixture *f = *state;
	struct hits_seen s;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	add_article(f, "a_2", "h2", NULL, 3, 110, "a_1", "two", NULL);
	add_article(f, "a_3", "h3", NULL, 0xff00, 120, NULL, "three", NULL);

	assert_int_equal(add_hit(f, "h_1", "a_1", "r1", 1000, true), 1);
	assert_int_equal(add_hit(f, "h_1", "a_1", "r1", 1500, true), 0);
	assert_int_equal(add_hit(f, "h_2", "a_2", "r2", 2000, true), 1);
	assert_int_equal(add_hit(f, "h_3", "a_2", "r1", 3000, false), 1);
	assert_int_equal(add_hit(f, "h_4", "a_3", "r3", 4000, false), 1);
	/* a hit of an article never stored breaks the foreign key */
	assert_int_equal(add_hit(f, "h_5", "a_9", "r1", 5000, true), -1);

	/* in the group of a_1: r1 and r2 alerted; r3 only outside it, not alerted */
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r1", NULL, f->err, sizeof(f->err)), 2);
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r2", NULL, f->err, sizeof(f->err)), 2);
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r3", NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_hit_alerted(f->st, "a_3", "r3", NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_hit_alerted(f->st, "a_3", "r1", NULL, f->err, sizeof(f->err)), 0);
	/* where: on a_1 itself (1), or only on its near duplicate a_2 (2) */
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r1", "a_1", f->err, sizeof(f->err)), 1);
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r2", "a_1", f->err, sizeof(f->err)), 2);
	assert_int_equal(store_hit_alerted(f->st, "a_1", "r2", "a_2", f->err, sizeof(f->err)), 1);

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_each(f->st, 0, NULL, hits_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.ids[0], "h_4");
	assert_string_equal(s.ids[3], "h_1");

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_each(f->st, 2000, NULL, hits_cb, &s, f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[2], "h_2");

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_each(f->st, 0, "r1", hits_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], "h_3");
	assert_string_equal(s.ids[1], "h_1");

	/* the callback stops the walk, and the statement is ready for the next */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(store_hits_each(f->st, 0, NULL, hits_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_each(f->st, 0, NULL, hits_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 4);
}

struct arts_seen {
	char ids[8][24];
	int n;
};

static int
arts_cb(const struct store_article_row *r, void *arg)
{
	struct arts_seen *s = arg;

	assert_true(s->n < 8);
	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->id);
	return 0;
}

/* The index text of the rebuild test: the body, as new folds would make it. */
static char *
body_keys(const struct store_article_row *r, void *arg)
{
	int *calls = arg;

	(*calls)++;
	return strdup(r->body);
}

/* How many articles the FTS5 query q finds. */
static int
fts_count(struct fixture *f, const char *q)
{
	struct arts_seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_articles_each(f->st, 0, q, arts_cb, &s, f->err, sizeof(f->err)), 0);
	return s.n;
}

/*
 * store_fts_rebuild_step: batch by batch into a new index while the old one
 * answers, articles stored meanwhile included, then the swap and the
 * version; a rebuild stopped half-way goes on at the next call.
 */
static void
test_fts_rebuild(void **state)
{
	struct fixture *f = *state;
	int64_t v;
	size_t n;
	int finished, calls = 0;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "aliyev", "stale1");
	add_article(f, "a_2", "h2", NULL, 2, 100, NULL, "aliyev", "stale2");
	add_article(f, "a_3", "h3", NULL, 3, 100, NULL, "aliyev", "stale3");
	assert_int_equal(store_norm_version(f->st, &v, f->err, sizeof(f->err)), 0);
	assert_int_equal(v, 0); /* never recorded */
	assert_int_equal(fts_count(f, "aliyev"), 0);

	assert_int_equal(store_fts_rebuild_step(f->st, 7, 2, body_keys, &calls, &n, &finished,
	                                        f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(n, 2);
	assert_false(finished);
	/* half-way: the old index answers, the version is not recorded yet */
	assert_int_equal(fts_count(f, "stale1"), 1);
	assert_int_equal(fts_count(f, "aliyev"), 0);
	assert_int_equal(store_norm_version(f->st, &v, f->err, sizeof(f->err)), 0);
	assert_int_equal(v, 0);

	/* stored during the rebuild (with the new folds), and the store reopened */
	add_article(f, "a_4", "h4", NULL, 4, 100, NULL, "aliyev", "aliyev");
	/* the catch-up leaves a_4 to the rebuild: the old index stops at a_3 */
	assert_int_equal(meta_value(f->path, "fts_through"), 3);
	store_close(f->st);
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_fts_rebuild_step(f->st, 7, 2, body_keys, &calls, &n, &finished,
	                                        f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(n, 2); /* a_3 and a_4: not a_1 and a_2 again */
	assert_false(finished);
	assert_int_equal(store_fts_rebuild_step(f->st, 7, 2, body_keys, &calls, &n, &finished,
	                                        f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(n, 0);
	assert_true(finished);
	assert_int_equal(calls, 4);
	assert_int_equal(fts_count(f, "aliyev"), 4);
	assert_int_equal(fts_count(f, "stale1"), 0);
	assert_int_equal(store_norm_version(f->st, &v, f->err, sizeof(f->err)), 0);
	assert_int_equal(v, 7);
	assert_int_equal(meta_value(f->path, "fts_through"), 4); /* the rebuild had them all */
	/* the new index merges as the old one did (FTS_AUTOMERGE) */
	assert_int_equal(fts_automerge(f->path), 16);
	/* the index in place takes new articles as before */
	add_article(f, "a_5", "h5", NULL, 5, 100, NULL, "x", "aliyev");
	assert_int_equal(fts_count(f, "aliyev"), 5);
}

static void
test_articles_fts(void **state)
{
	struct fixture *f = *state;
	struct arts_seen s;

	add_article(f, "a_1", "h1", NULL, 1, 300, NULL, "the old bridge is closed", NULL);
	add_article(f, "a_2", "h2", NULL, 2, 100, NULL, "a new bridge opens", NULL);
	add_article(f, "a_3", "h3", NULL, 3, 200, NULL, "nothing here", "kamalmaz syria");
	add_article(f, "a_4", "h4", NULL, 4, 400, NULL, "élysée palace", NULL);

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_articles_each(f->st, 0, NULL, arts_cb, &s, f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.ids[0], "a_2"); /* oldest first */
	assert_string_equal(s.ids[3], "a_4");

	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "bridge", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], "a_2");
	assert_string_equal(s.ids[1], "a_1");

	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 200, "bridge", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "a_1");

	/* the index holds index_text when given, not the body */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "kamalmaz", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "a_3");
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "nothing", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 0);

	/* non-ASCII is kept as it is (ascii tokenizer): the index text is already folded as the
	 * matcher wants */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "elysee", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "élysée", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);

	/* the title is indexed too */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "a AND 4", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);

	assert_int_equal(
	    store_articles_each(f->st, 0, "AND AND (", arts_cb, &s, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "reading articles: "));
}

struct feeds_seen {
	char names[4][16];
	int n;
	bool gone[4];
};

static int
feeds_cb(const struct store_feed_row *r, void *arg)
{
	struct feeds_seen *s = arg;

	assert_true(s->n < 4);
	s->gone[s->n] = r->gone;
	snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", r->name);
	return 0;
}

static void
test_status(void **state)
{
	struct fixture *f = *state;
	struct store_status s;
	struct feeds_seen fs;

	assert_int_equal(store_status_get(f->st, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.articles, 0);
	assert_int_equal(s.last_article_at, 0);
	assert_int_equal(s.last_hit_at, 0);
	assert_int_equal(s.schema_version, 18);

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	add_article(f, "a_2", "h2", NULL, 1, 250, "a_1", "two", NULL);
	add_article(f, "a_3", "h3", NULL, 1, 200, "a_1", "three", NULL);
	assert_int_equal(add_hit(f, "h_1", "a_1", "r1", 7000, true), 1);
	assert_int_equal(add_hit(f, "h_2", "a_2", "r1", 9000, false), 1);
	assert_int_equal(add_hit(f, "h_3", "a_3", "r2", 8000, true), 1);
	raw_sql(
	    f->path,
	    "INSERT INTO deliveries (hit_id, webhook, state, created_at) VALUES"
	    " ('h_1', 'w1', 'pending', 1), ('h_1', 'w2', 'dead', 1),"
	    " ('h_3', 'w1', 'dead', 1), ('h_3', 'w2', 'sent', 1);"
	    "INSERT INTO feeds (name, url, last_ok, gone) VALUES"
	    " ('zeta', 'https://z.example/rss', 10, 0), ('alpha', 'https://a.example/', 0, 1);");

	assert_int_equal(store_status_get(f->st, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.articles, 3);
	assert_int_equal(s.near_duplicates, 2);
	assert_int_equal(s.hits, 3);
	assert_int_equal(s.alerts, 2);
	assert_int_equal(s.deliveries_pending, 1);
	assert_int_equal(s.deliveries_failed, 2);
	assert_int_equal(s.last_article_at, 250);
	assert_int_equal(s.last_hit_at, 9000);

	memset(&fs, 0, sizeof(fs));
	assert_int_equal(store_feeds_each(f->st, feeds_cb, &fs, f->err, sizeof(f->err)), 0);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.names[0], "alpha");
	assert_true(fs.gone[0]);
	assert_string_equal(fs.names[1], "zeta");
	assert_false(fs.gone[1]);
}

static void
test_reader_snapshot(void **state)
{
	struct fixture *f = *state;
	struct store_article a = {.id = "a_2", .content_hash = "h2", .title = "t", .seen_at = 9};
	struct store *rd;
	struct store_status s;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	assert_int_equal(store_open(f->path, STORE_READ, 5000, &rd, f->err, sizeof(f->err)), 0);

	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_article_add(f->st, &a, f->err, sizeof(f->err)), 0);
	/* the writer holds its transaction: the reader sees the committed state */
	assert_int_equal(store_status_get(rd, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.articles, 1);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_status_get(rd, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.articles, 2);

	/* and the reader cannot write: a permanent error */
	assert_int_equal(store_begin(rd, f->err, sizeof(f->err)), 0);
	a.id = "a_3";
	a.content_hash = "h3";
	assert_int_equal(store_article_add(rd, &a, f->err, sizeof(f->err)), STORE_FATAL);
	assert_non_null(strstr(f->err, "readonly"));
	store_rollback(rd);
	store_close(rd);
}

struct fatal_seen {
	int n;
	char why[512];
};

static void
on_fatal(void *arg, const char *why)
{
	struct fatal_seen *fs = arg;

	fs->n++;
	snprintf(fs->why, sizeof(fs->why), "%s", why);
}

static int guard_fails;

static int
guard(void *arg, char *err, size_t errsz)
{
	(void)arg;
	if (!guard_fails)
		return 0;
	snprintf(err, errsz, "the guard says no");
	return -1;
}

/* The writer's file moved away: STORE_FATAL at the next begin, told once, sticky. */
static void
test_fatal_moved(void **state)
{
	struct fixture *f = *state;
	struct fatal_seen fs = {0};
	char moved[128];

	store_on_fatal(f->st, on_fatal, &fs);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	snprintf(moved, sizeof(moved), "%s.moved", f->path);
	assert_int_equal(rename(f->path, moved), 0);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), STORE_FATAL);
	assert_non_null(strstr(f->err, "is gone"));
	assert_int_equal(fs.n, 1);
	/* put back: still refused, not told again */
	assert_int_equal(rename(moved, f->path), 0);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), STORE_FATAL);
	assert_int_equal(store_feed_item_add(f->st, "f", "i", 1, f->err, sizeof(f->err)),
	                 STORE_FATAL);
	assert_int_equal(fs.n, 1);
}

/* Another file in its place (state_dir made anew): STORE_FATAL. */
static void
test_fatal_replaced(void **state)
{
	struct fixture *f = *state;
	struct fatal_seen fs = {0};
	char moved[128];

	store_on_fatal(f->st, on_fatal, &fs);
	snprintf(moved, sizeof(moved), "%s.old", f->path);
	assert_int_equal(rename(f->path, moved), 0);
	raw_sql(f->path, "CREATE TABLE t(x)");
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), STORE_FATAL);
	assert_non_null(strstr(f->err, "no longer the file"));
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.why, f->err);
}

/* The guard's refusal is permanent too. */
static void
test_fatal_guard(void **state)
{
	struct fixture *f = *state;
	struct fatal_seen fs = {0};

	store_on_fatal(f->st, on_fatal, &fs);
	store_set_guard(f->st, guard, NULL);
	guard_fails = 0;
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	store_rollback(f->st);
	guard_fails = 1;
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), STORE_FATAL);
	assert_string_equal(f->err, "the guard says no");
	assert_int_equal(fs.n, 1);
	guard_fails = 0;
}

/* STORE_DAEMON refuses a damaged file at open, naming quick_check. */
static void
test_quick_check(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	char garbage[4096], wal[128];
	FILE *fp;

	for (int i = 0; i < 20; i++) {
		char id[16], hash[16];

		snprintf(id, sizeof(id), "a_%d", i);
		snprintf(hash, sizeof(hash), "h%d", i);
		add_article(f, id, hash, NULL, (uint64_t)i, 100, NULL, "body", NULL);
	}
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, STORE_DAEMON, 1000, &st, f->err, sizeof(f->err)), 0);
	store_close(st);
	/* checkpointed at the close: the kept WAL's frames would hide the damage */
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(unlink(wal), 0);
	/* page 2, the articles table's root */
	memset(garbage, 0x5a, sizeof(garbage));
	assert_non_null(fp = fopen(f->path, "r+b"));
	assert_int_equal(fseek(fp, 4096, SEEK_SET), 0);
	assert_int_equal(fwrite(garbage, 1, sizeof(garbage), fp), sizeof(garbage));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(store_open(f->path, STORE_DAEMON, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "fails PRAGMA quick_check"));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_busy(void **state)
{
	struct fixture *f = *state;
	struct store *w2;
	int64_t t0, dt;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	assert_int_equal(store_open(f->path, STORE_WRITE, 200, &w2, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);

	t0 = now_ms();
	assert_int_equal(store_begin(w2, f->err, sizeof(f->err)), STORE_BUSY);
	dt = now_ms() - t0;
	assert_true(dt >= 150);
	assert_true(dt < 3000);
	assert_non_null(strstr(f->err, "locked"));
	/* a write outside a transaction waits on the same lock */
	assert_int_equal(add_hit(&(struct fixture){.st = w2}, "h_1", "a_1", "r1", 1, true),
	                 STORE_BUSY);

	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_begin(w2, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_commit(w2, f->err, sizeof(f->err)), 0);
	store_close(w2);
}

static void
test_versions(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct store_status s;
	char path[128];
	FILE *fp;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	store_close(f->st);
	f->st = NULL;

	/* reopening migrates nothing again: the article is there, the version 2 */
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_status_get(f->st, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.articles, 1);
	assert_int_equal(s.schema_version, 18);
	store_close(f->st);
	f->st = NULL;

	/* a database from a newer hark is refused by both, naming both versions */
	raw_sql(f->path, "PRAGMA user_version = 99");
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_null(st);
	assert_non_null(strstr(f->err, "schema version 99 is newer than this program's 18"));
	assert_int_equal(store_open(f->path, STORE_READ, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "99"));

	/* a reader does not create, and does not upgrade */
	snprintf(path, sizeof(path), "%s/none.db", f->dir);
	assert_int_equal(store_open(path, STORE_READ, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "no database at"));
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/old.db", f->dir);
	raw_sql(path, "CREATE TABLE t (x)");
	assert_int_equal(store_open(path, STORE_READ, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "run harkd once to upgrade"));

	/* a file that is not a database */
	snprintf(path, sizeof(path), "%s/junk.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not an SQLite database, not even close, and long enough to check\n", fp);
	fclose(fp);
	assert_int_equal(store_open(path, STORE_WRITE, 1000, &st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "not a database"));
}

static void
test_user_version(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *q;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 18);
	sqlite3_finalize(q);
	/* a new database's full-text index merges 16 segments at a time (FTS_AUTOMERGE) */
	assert_int_equal(fts_automerge(f->path), 16);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

struct dl_seen {
	int n;
	int64_t ids[16];
	int64_t last_due, last_id;
	char json[16][64];
};

/* a delivery's requeue time (hark redeliver, the API's retry), into *(int64_t *)arg */
static int
requeued_cb(const struct store_delivery_row *r, void *arg)
{
	*(int64_t *)arg = r->requeued_at;
	return 0;
}

static int
dl_cb(const struct store_delivery_row *r, void *arg)
{
	struct dl_seen *s = arg;

	if (s->n < 16) {
		s->ids[s->n] = r->id;
		snprintf(s->json[s->n], sizeof(s->json[0]), "%s", r->hit_json);
	}
	s->n++;
	s->last_due = r->next_at;
	s->last_id = r->id;
	return 0;
}

/* A digest's deliveries: due at their period's end, read back newest hit first, period kept. */
static void
test_digest_rows(void **state)
{
	struct fixture *f = *state;
	struct dl_seen s;
	int64_t held;
	char dest[64];

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 4; i++) {
		char id[16];

		snprintf(id, sizeof(id), "h_%d", i);
		assert_int_equal(add_hit(f, id, "a_1", id + 2, 1000 + i, true), 1);
		/* h_3 in the next period */
		assert_int_equal(store_delivery_add_digest(f->st, id, "mail", 50 + i,
		                                           i < 3 ? 3600 : 7200, f->err,
		                                           sizeof(f->err)),
		                 1);
	}
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	/* nothing due before the end of the period */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_deliveries_due(f->st, "mail", 3599, 0, 0, 10, dl_cb, &s, f->err, sizeof(f->err)),
	    0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_digest_rows(f->st, "mail", 3600, 3600, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.json[0], "{\"id\":\"h_2\"}");
	assert_string_equal(s.json[2], "{\"id\":\"h_0\"}");
	/* SIGUSR1 reads a period before its end (next_at untouched) */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_digest_rows(f->st, "mail", 7200, INT64_MAX, dl_cb, &s, f->err, sizeof(f->err)),
	    0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.json[0], "{\"id\":\"h_3\"}");
	/* hark redeliver before its period's end: left for its digest, not due now */
	assert_int_equal(store_delivery_redeliver(f->st, s.ids[0], 200, true, &held, dest,
	                                          sizeof(dest), f->err, sizeof(f->err)),
	                 3);
	assert_int_equal(held, 7200);
	assert_string_equal(dest, "mail");
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_digest_rows(f->st, "mail", 7200, 7199, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_digest_rows(f->st, "mail", 7200, 7200, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	/* its period over: due now, as any other */
	assert_int_equal(store_delivery_redeliver(f->st, s.ids[0], 7300, true, &held, dest,
	                                          sizeof(dest), f->err, sizeof(f->err)),
	                 1);
}

static void
test_outbox(void **state)
{
	struct fixture *f = *state;
	struct dl_seen s;
	struct store_status ss;
	int64_t at, n, since, sent_id, held;
	char why[64];

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 5; i++) {
		char id[16];

		snprintf(id, sizeof(id), "h_%d", i);
		assert_int_equal(add_hit(f, id, "a_1", id + 2, 1000, true), 1);
		assert_int_equal(
		    store_delivery_add(f->st, id, "news", 100 + i, f->err, sizeof(f->err)), 1);
	}
	/* the same pair twice is one delivery */
	assert_int_equal(store_delivery_add(f->st, "h_0", "news", 100, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_delivery_add(f->st, "h_0", "other", 500, f->err, sizeof(f->err)), 1);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);

	/* due at 102: three, by due time; paged two at a time */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_deliveries_due(f->st, "news", 102, 0, 0, 2, dl_cb, &s, f->err, sizeof(f->err)),
	    0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.json[0], "{\"id\":\"h_0\"}");
	assert_int_equal(store_deliveries_due(f->st, "news", 102, s.last_due, s.last_id, 2, dl_cb,
	                                      &s, f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.json[2], "{\"id\":\"h_2\"}");
	assert_int_equal(store_delivery_next(f->st, "news", &at, f->err, sizeof(f->err)), 1);
	assert_int_equal(at, 100);
	assert_int_equal(store_delivery_next(f->st, "none", &at, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_delivery_count(f->st, "news", &n, f->err, sizeof(f->err)), 0);
	assert_int_equal(n, 5);

	/* sent, retried later, dead */
	sent_id = s.ids[0];
	assert_int_equal(store_delivery_update(f->st, s.ids[0], "sent", 1, 100, 200, NULL, 101,
	                                       f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(store_delivery_update(f->st, s.ids[1], "pending", 1, 400, 500, "HTTP 500",
	                                       101, f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(store_delivery_update(f->st, s.ids[2], "dead", 10, 102, 0, "timeout", 101,
	                                       f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(store_status_get(f->st, &ss, f->err, sizeof(f->err)), 0);
	assert_int_equal(ss.deliveries_pending, 4); /* 2 of news due later, 1 retried, other */
	assert_int_equal(ss.deliveries_failed, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_deliveries_each(f->st, 1, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_deliveries_each(f->st, 0, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 6);

	/* redeliver the dead one: pending, due now */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_deliveries_each(f->st, 1, dl_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_delivery_get(f->st, s.ids[0], requeued_cb, &at, f->err, sizeof(f->err)), 1);
	assert_int_equal(at, 0); /* never requeued */
	assert_int_equal(store_delivery_redeliver(f->st, s.ids[0], 150, false, &held, NULL, 0,
	                                          f->err, sizeof(f->err)),
	                 1);
	/* its latency counts from the requeue (hark_delivery_seconds) */
	assert_int_equal(
	    store_delivery_get(f->st, s.ids[0], requeued_cb, &at, f->err, sizeof(f->err)), 1);
	assert_int_equal(at, 150);
	assert_int_equal(store_delivery_redeliver(f->st, 9999, 150, false, &held, NULL, 0, f->err,
	                                          sizeof(f->err)),
	                 0);
	/* a sent one stays sent, but for --force */
	assert_int_equal(store_delivery_redeliver(f->st, sent_id, 150, false, &held, NULL, 0,
	                                          f->err, sizeof(f->err)),
	                 2);
	assert_int_equal(store_delivery_redeliver(f->st, 9999, 150, true, &held, NULL, 0, f->err,
	                                          sizeof(f->err)),
	                 0);
	assert_int_equal(store_delivery_redeliver(f->st, sent_id, 150, true, &held, NULL, 0, f->err,
	                                          sizeof(f->err)),
	                 1);
	assert_int_equal(store_delivery_redeliver(f->st, sent_id, 150, false, &held, NULL, 0,
	                                          f->err, sizeof(f->err)),
	                 1); /* pending now: no longer sent */
	assert_int_equal(store_status_get(f->st, &ss, f->err, sizeof(f->err)), 0);
	assert_int_equal(ss.deliveries_failed, 0);

	/* 410: disabled until the configuration changes */
	assert_int_equal(store_webhook_disabled(f->st, "news", "fp1", &since, why, sizeof(why),
	                                        f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(
	    store_webhook_disable(f->st, "news", "fp1", 120, "410 Gone", f->err, sizeof(f->err)),
	    0);
	assert_int_equal(store_webhook_disabled(f->st, "news", "fp1", &since, why, sizeof(why),
	                                        f->err, sizeof(f->err)),
	                 1);
	assert_int_equal(since, 120);
	assert_string_equal(why, "410 Gone");
	assert_int_equal(store_webhook_disabled(f->st, "news", "fp2", &since, why, sizeof(why),
	                                        f->err, sizeof(f->err)),
	                 0);
	/* and the old state is gone with the old configuration */
	assert_int_equal(store_webhook_disabled(f->st, "news", "fp1", &since, why, sizeof(why),
	                                        f->err, sizeof(f->err)),
	                 0);
}

static void
test_migrate_1_to_2(void **state)
{
	struct fixture *f = *state;
	struct store_status s;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "one", NULL);
	store_close(f->st);
	f->st = NULL;
	/* back to version 1 as the first release wrote it */
	raw_sql(
	    f->path,
	    "DROP INDEX articles_text_seen; "
	    "DROP INDEX hits_source; DROP INDEX hits_lang; DROP INDEX hits_time_rule; "
	    "DROP INDEX hits_rule_id; CREATE INDEX hits_rule_id ON hits(rule_id, "
	    "detected_at); "
	    "ALTER TABLE hits DROP COLUMN source; ALTER TABLE hits DROP COLUMN lang; "
	    "DROP TABLE feed_items; ALTER TABLE feeds DROP COLUMN conf_url; "
	    "DROP INDEX deliveries_webhook; DROP TABLE webhooks; "
	    "DROP TABLE store_meta; DROP TABLE mutes; ALTER TABLE deliveries DROP COLUMN period; "
	    "ALTER TABLE deliveries DROP COLUMN requeued_at; "
	    "ALTER TABLE articles DROP COLUMN format; ALTER TABLE articles DROP COLUMN charset; "
	    "DROP INDEX articles_url; DROP INDEX articles_revision_of; ALTER TABLE articles DROP "
	    "COLUMN revision_of; "
	    "DELETE FROM articles_fts_config WHERE k IN ('automerge', 'crisismerge'); "
	    "PRAGMA user_version = 1");
	assert_int_equal(fts_automerge(f->path), -1);
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_status_get(f->st, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.schema_version, 18);
	assert_int_equal(fts_automerge(f->path), 16); /* version 11 sets it */
	assert_int_equal(s.articles, 1);
	/* version 13: the index had every article stored before */
	assert_int_equal(meta_value(f->path, "fts_through"), 1);
	assert_int_equal(store_webhook_disable(f->st, "w", "fp", 1, "410", f->err, sizeof(f->err)),
	                 0);
}

static void
test_feed_state(void **state)
{
	struct fixture *f = *state;
	struct store_feed in = {.conf_url = "http://a/rss",
	                        .url = "http://b/rss",
	                        .etag = "\"x\"",
	                        .last_ok = 100,
	                        .next_poll = 200,
	                        .failures = 2},
	                  out;

	assert_int_equal(store_feed_get(f->st, "world", &out, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_put(f->st, "world", &in, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_get(f->st, "world", &out, f->err, sizeof(f->err)), 1);
	assert_string_equal(out.url, "http://b/rss");
	assert_string_equal(out.etag, "\"x\"");
	assert_null(out.last_modified);
	assert_int_equal(out.next_poll, 200);
	assert_int_equal(out.failures, 2);
	store_feed_clear(&out);
	in.gone = 1;
	assert_int_equal(store_feed_put(f->st, "world", &in, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_get(f->st, "world", &out, f->err, sizeof(f->err)), 1);
	assert_int_equal(out.gone, 1);
	store_feed_clear(&out);

	assert_int_equal(store_feed_item_seen(f->st, "world", "k1", f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "world", "k1", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "world", "k1", 6, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_seen(f->st, "world", "k1", f->err, sizeof(f->err)), 1);
	assert_int_equal(store_feed_item_seen(f->st, "other", "k1", f->err, sizeof(f->err)), 0);
}

/* Revisions: another text of a feed's entry, and an article's group and revisions. */
static void
test_revisions(void **state)
{
	struct fixture *f = *state;
	struct store_article a = {.id = "a_3",
	                          .content_hash = "h3",
	                          .title = "t",
	                          .body = "b",
	                          .source = "w",
	                          .near_of = "a_1",
	                          .revision_of = "a_2",
	                          .seen_at = 30};
	char root[32];
	int64_t n = -1;

	add_article(f, "a_1", "h1", "http://x/1", 1, 10, NULL, "b1", NULL);
	add_article(f, "a_2", "h2", "http://x/2", 2, 20, "a_1", "b2", NULL);
	assert_int_equal(store_article_revisions(f->st, "a_9", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 0);
	assert_int_equal(store_article_revisions(f->st, "a_1", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(root, "a_1");
	assert_int_equal(n, 0);
	/* a near duplicate's group is its first article's */
	assert_int_equal(store_article_revisions(f->st, "a_2", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(root, "a_1");
	assert_int_equal(n, 0);
	/* a revision of a_2: no address (a_2 holds it), counted as a_2's */
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
		fail_msg("%s", f->err);
	a.id = "a_4", a.content_hash = "h4";
	if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
		fail_msg("%s", f->err);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_article_revisions(f->st, "a_2", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 1);
	assert_int_equal(n, 2);
	assert_int_equal(store_article_revisions(f->st, "a_1", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 1);
	assert_int_equal(n, 0);
	assert_int_equal(store_article_revisions(f->st, "a_3", root, sizeof(root), &n, NULL, 0,
	                                         f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(root, "a_1");
	assert_int_equal(n, 0);
	/* an article of feed w (a_3, its source, no file); a drop file's is no feed's */
	assert_int_equal(store_article_of_feed(f->st, "a_3", "w", f->err, sizeof(f->err)), 1);
	assert_int_equal(store_article_of_feed(f->st, "a_3", "x", f->err, sizeof(f->err)), 0);
	assert_int_equal(store_article_of_feed(f->st, "a_1", "drop", f->err, sizeof(f->err)), 0);
	assert_int_equal(store_article_of_feed(f->st, "a_9", "w", f->err, sizeof(f->err)), 0);
}

/*
 * A feed's articles at a link: the one holding its address and those stored
 * there without it; an entry is a text of the one with its title, else of
 * the nearest by SimHash within the distance; another feed's are not looked at.
 */
static void
test_feed_link_article(void **state)
{
	struct fixture *f = *state;
	struct {
		const char *id, *hash, *canonical, *title, *source, *revision_of;
		uint64_t simhash;
	} v[] = {
	    {"a_1", "h1", "http://x/", "Markets", "w", NULL, 0xff00ff00ff00ff00ull},
	    {"a_2", "h2", NULL, "Letter", "w", NULL, 0x00ff00ff00ff00ffull},
	    {"a_3", "h3", NULL, "Letter, updated", "w", "a_2", 0x0f0f0f0f0f0f0f0full},
	    {"a_4", "h4", NULL, "Port", "x", NULL, 0xf0f0f0f0f0f0f0f0ull},
	};
	char id[32];

	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct store_article a = {.id = v[i].id,
		                          .content_hash = v[i].hash,
		                          .canonical = v[i].canonical,
		                          .url = "http://x/",
		                          .title = v[i].title,
		                          .body = "b",
		                          .source = v[i].source,
		                          .revision_of = v[i].revision_of,
		                          .simhash = v[i].simhash,
		                          .seen_at = 10};

		if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
			fail_msg("%s", f->err);
	}
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
#define LINK(title, simhash, maxdist)                                                              \
	store_feed_link_article(f->st, "w", "http://x/", "http://x/", title, simhash, maxdist, id, \
	                        sizeof(id), f->err, sizeof(f->err))
	/* by title: the address's holder, one stored without it, a revision's first */
	assert_int_equal(LINK("Markets", 0, -1), 1);
	assert_string_equal(id, "a_1");
	assert_int_equal(LINK("Letter", 0, -1), 1);
	assert_string_equal(id, "a_2");
	assert_int_equal(LINK("Letter, updated", 0, -1), 1);
	assert_string_equal(id, "a_2");
	/* another title, no SimHash compared; another feed's title; no title */
	assert_int_equal(LINK("Evening", 0x00ff00ff00ff00feull, -1), 0);
	assert_int_equal(LINK("Port", 0, -1), 0);
	assert_int_equal(LINK("", 0xff00ff00ff00ff00ull, -1), 0);
	assert_int_equal(LINK(NULL, 0xff00ff00ff00ff00ull, -1), 0);
	/* by SimHash: the nearest within the distance */
	assert_int_equal(LINK("Evening", 0x00ff00ff00ff00feull, 3), 1);
	assert_string_equal(id, "a_2");
	assert_int_equal(LINK("Evening", 0x0f0f0f0f0f0f0f0eull, 3), 1);
	assert_string_equal(id, "a_2");
	assert_int_equal(LINK("Evening", 0xff00ff00ff00ff07ull, 3), 1);
	assert_string_equal(id, "a_1");
	assert_int_equal(LINK("Evening", 0xff00ff00ff00ff0full, 3), 0);
	assert_int_equal(LINK("Evening", 0xf0f0f0f0f0f0f0f0ull, 3), 0);
	/* another link: none */
	assert_int_equal(store_feed_link_article(f->st, "w", "http://x/2", "http://x/2", "Markets",
	                                         0, -1, id, sizeof(id), f->err, sizeof(f->err)),
	                 0);
#undef LINK
}

/* A feed item's article: the one its entry's other keys were stored as. */
static void
test_feed_item_article(void **state)
{
	struct fixture *f = *state;
	char id[32] = "";

	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "w", "abc:01", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "w", "abc:02", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "w", "abcd:01", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "w", "dup:01", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_feed_item_add(f->st, "w", "dup:02", 5, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	/* seen, nothing stored: none */
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "abc:09", id, sizeof(id), f->err, sizeof(f->err)),
	    0);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article_set(f->st, "w", "abc:01", "a_1", f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article_set(f->st, "w", "abcd:01", "a_7", f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article_set(f->st, "w", "dup:01", "a_2", f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article_set(f->st, "w", "dup:02", "a_3", f->err, sizeof(f->err)), 0);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "abc:09", id, sizeof(id), f->err, sizeof(f->err)),
	    1);
	assert_string_equal(id, "a_1");
	/* a key's own article is not another key's; a longer ID is another entry */
	id[0] = '\0';
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "abcd:09", id, sizeof(id), f->err, sizeof(f->err)),
	    1);
	assert_string_equal(id, "a_7");
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "abcd:01", id, sizeof(id), f->err, sizeof(f->err)),
	    0);
	assert_int_equal(
	    store_feed_item_article(f->st, "x", "abc:09", id, sizeof(id), f->err, sizeof(f->err)),
	    0);
	/* the second text of abc (a revision) names the first article too: still one */
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article_set(f->st, "w", "abc:02", "a_1", f->err, sizeof(f->err)), 0);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "abc:09", id, sizeof(id), f->err, sizeof(f->err)),
	    1);
	assert_string_equal(id, "a_1");
	/* an ID whose texts were stored as two articles: given to different items */
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "dup:09", id, sizeof(id), f->err, sizeof(f->err)),
	    2);
	assert_int_equal(
	    store_feed_item_article(f->st, "w", "dup", id, sizeof(id), f->err, sizeof(f->err)), 0);
}

/* An article of a source and a language, seen at seen_at. */
static void
add_article_from(struct fixture *f, const char *id, const char *source, const char *lang,
                 const char *near_of, int64_t seen_at)
{
	char hash[32];
	struct store_article a = {
	    .id = id,
	    .content_hash = hash,
	    .title = id,
	    .body = "body",
	    .lang = lang,
	    .source = source,
	    .simhash = (uint64_t)seen_at,
	    .near_of = near_of,
	    .seen_at = seen_at,
	};

	snprintf(hash, sizeof(hash), "hash-%s", id);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
		fail_msg("%s", f->err);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
}

struct page_seen {
	char ids[64][24];
	int n;
	char next[STORE_CURSOR_MAX];
};

static int
page_cb(const struct store_hit_row *r, void *arg)
{
	struct page_seen *s = arg;

	assert_true(s->n < 64);
	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->id);
	return 0;
}

/*
 * Read every page of f, limit a page, into s (the ids in order); returns
 * the number of pages.
 */
static int
read_pages(struct fixture *f, struct store_hit_filter flt, int limit, struct page_seen *s)
{
	char cursor[STORE_CURSOR_MAX];
	int pages = 0;

	memset(s, 0, sizeof(*s));
	flt.limit = limit;
	flt.before = NULL;
	for (;;) {
		int before = s->n;

		if (store_hits_page(f->st, &flt, page_cb, s, s->next, sizeof(s->next), f->err,
		                    sizeof(f->err)) != 0)
			fail_msg("%s", f->err);
		pages++;
		assert_true(s->n - before <= limit);
		if (s->next[0] == '\0')
			break;
		/* a page that says there is more is full */
		assert_int_equal(s->n - before, limit);
		snprintf(cursor, sizeof(cursor), "%s", s->next);
		flt.before = cursor;
		assert_true(pages < 64);
	}
	return pages;
}

/* 12 hits: 3 rules, 2 sources, 2 languages; two pairs detected at the same ms. */
static void
page_fixture(struct fixture *f)
{
	add_article_from(f, "a_1", "drop", "en", NULL, 100);
	add_article_from(f, "a_2", "wire", "fr", NULL, 110);
	add_article_from(f, "a_3", "wire", "en", "a_1", 120);
	add_article_from(f, "a_4", "drop", "ar", NULL, 130);
	/* hit h_N detected at 1000 * N, but h_5 and h_6, h_9 and h_10 at the same time */
	static const struct {
		const char *id, *art, *rule;
		int64_t at;
	} h[] = {
	    {"h_1", "a_1", "r1", 1000},  {"h_2", "a_1", "r2", 2000},   {"h_3", "a_2", "r1", 3000},
	    {"h_4", "a_2", "r3", 4000},  {"h_5", "a_3", "r1", 5000},   {"h_6", "a_3", "r2", 5000},
	    {"h_7", "a_3", "r3", 7000},  {"h_8", "a_4", "r1", 8000},   {"h_9", "a_4", "r2", 9000},
	    {"h_10", "a_4", "r3", 9000}, {"h_11", "a_2", "r2", 11000}, {"h_12", "a_1", "r3", 12000},
	};
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		assert_int_equal(add_hit(f, h[i].id, h[i].art, h[i].rule, h[i].at, true), 1);
}

static void
assert_ids(const struct page_seen *s, const char *const *want, int n)
{
	assert_int_equal(s->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(s->ids[i], want[i]);
}

static void
test_hits_page(void **state)
{
	struct fixture *f = *state;
	struct page_seen s;
	const char *r1[] = {"r1"}, *tag[] = {"r3", "r1", "r3"}, *ghost[] = {"r9"};
	const char *all[] = {"h_12", "h_11", "h_10", "h_9", "h_8", "h_7",
	                     "h_6",  "h_5",  "h_4",  "h_3", "h_2", "h_1"};

	page_fixture(f);

	/* no filter: newest first, the later stored first among equal times, at every page size */
	for (int limit = 1; limit <= 13; limit++) {
		int pages = read_pages(f, (struct store_hit_filter){0}, limit, &s);

		assert_ids(&s, all, 12);
		assert_int_equal(pages, (12 + limit - 1) / limit);
	}
	/* the default page holds them all, with no next */
	read_pages(f, (struct store_hit_filter){0}, 0 + 50, &s);
	assert_int_equal(s.n, 12);

	/* one rule */
	read_pages(f, (struct store_hit_filter){.rules = r1, .nrules = 1}, 2, &s);
	assert_ids(&s, (const char *[]){"h_8", "h_5", "h_3", "h_1"}, 4);
	/* a set of rules (a tag), a rule named twice: merged, each hit once */
	for (int limit = 1; limit <= 9; limit++) {
		read_pages(f, (struct store_hit_filter){.rules = tag, .nrules = 3}, limit, &s);
		assert_ids(
		    &s, (const char *[]){"h_12", "h_10", "h_8", "h_7", "h_5", "h_4", "h_3", "h_1"},
		    8);
	}
	/* a tag no rule has, a rule without hits */
	read_pages(f, (struct store_hit_filter){.rules = tag, .nrules = 0}, 5, &s);
	assert_int_equal(s.n, 0);
	read_pages(f, (struct store_hit_filter){.rules = ghost, .nrules = 1}, 5, &s);
	assert_int_equal(s.n, 0);

	/* the article's source and language */
	read_pages(f, (struct store_hit_filter){.source = "wire"}, 2, &s);
	assert_ids(&s, (const char *[]){"h_11", "h_7", "h_6", "h_5", "h_4", "h_3"}, 6);
	read_pages(f, (struct store_hit_filter){.lang = "en"}, 4, &s);
	assert_ids(&s, (const char *[]){"h_12", "h_7", "h_6", "h_5", "h_2", "h_1"}, 6);
	read_pages(
	    f, (struct store_hit_filter){.source = "wire", .lang = "en", .rules = r1, .nrules = 1},
	    1, &s);
	assert_ids(&s, (const char *[]){"h_5"}, 1);
	read_pages(f, (struct store_hit_filter){.source = "drop", .rules = tag, .nrules = 2}, 1,
	           &s);
	assert_ids(&s, (const char *[]){"h_12", "h_10", "h_8", "h_1"}, 4);

	/* since is inclusive, until exclusive */
	read_pages(f, (struct store_hit_filter){.since_ms = 5000, .until_ms = 9000}, 2, &s);
	assert_ids(&s, (const char *[]){"h_8", "h_7", "h_6", "h_5"}, 4);
	read_pages(f, (struct store_hit_filter){.since_ms = 9000, .rules = tag, .nrules = 2}, 1,
	           &s);
	assert_ids(&s, (const char *[]){"h_12", "h_10"}, 2);

	/* a page cut between two hits of the same ms goes on with the second */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_page(f->st, &(struct store_hit_filter){.limit = 6}, page_cb, &s,
	                                 s.next, sizeof(s.next), f->err, sizeof(f->err)),
	                 0);
	assert_string_equal(s.ids[5], "h_7");
	assert_int_equal(
	    store_hits_page(f->st, &(struct store_hit_filter){.limit = 1, .before = s.next},
	                    page_cb, &s, s.next, sizeof(s.next), f->err, sizeof(f->err)),
	    0);
	assert_string_equal(s.ids[6], "h_6");
}

/*
 * A page costs the same wherever it is: reading from a cursor (or an until)
 * deep in the archive starts there, it does not read from the newest hit
 * down (EXPLAIN QUERY PLAN does not show the difference: it names the same
 * index and range either way).
 */
static void
test_hits_page_cost(void **state)
{
	struct fixture *f = *state;
	struct page_seen s;
	const char *r1[] = {"r1"}, *tag[] = {"r1", "r2"};
	char cursor[STORE_CURSOR_MAX];
	int64_t first, deep;

	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 4000; i++) {
		char id[32], hash[32], hid[32];
		struct store_article a = {.id = id,
		                          .content_hash = hash,
		                          .title = "t",
		                          .body = "b",
		                          .lang = i % 2 ? "en" : "fr",
		                          .source = i % 3 ? "drop" : "wire",
		                          .simhash = (uint64_t)i,
		                          .seen_at = i};
		char json[64];
		struct store_hit h = {.id = hid,
		                      .article_id = id,
		                      .rule_id = i % 2 ? "r1" : "r2",
		                      .json = json,
		                      .detected_at = 1000 + i,
		                      .alert = true};

		snprintf(id, sizeof(id), "a_%d", i);
		snprintf(hash, sizeof(hash), "x%d", i);
		snprintf(hid, sizeof(hid), "h_%d", i);
		snprintf(json, sizeof(json), "{\"id\":\"%s\"}", hid);
		assert_int_equal(store_article_add(f->st, &a, f->err, sizeof(f->err)), 0);
		assert_int_equal(store_hit_add(f->st, &h, f->err, sizeof(f->err)), 1);
	}
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);

	struct store_hit_filter shapes[] = {
	    {0},
	    {.rules = r1, .nrules = 1},
	    {.rules = tag, .nrules = 2},
	    {.source = "wire"},
	    {.lang = "en"},
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct store_hit_filter flt = shapes[i];

		flt.limit = 10;
		memset(&s, 0, sizeof(s));
		assert_int_equal(store_hits_page(f->st, &flt, page_cb, &s, s.next, sizeof(s.next),
		                                 f->err, sizeof(f->err)),
		                 0);
		first = store_page_steps(f->st);
		assert_int_equal(s.n, 10);
		/* a page at the oldest tenth, by a cursor, then by until */
		snprintf(cursor, sizeof(cursor), "%d-%d", 1400, 999999);
		flt.before = cursor;
		memset(&s, 0, sizeof(s));
		assert_int_equal(store_hits_page(f->st, &flt, page_cb, &s, s.next, sizeof(s.next),
		                                 f->err, sizeof(f->err)),
		                 0);
		deep = store_page_steps(f->st);
		assert_int_equal(s.n, 10);
		print_message("shape %zu: first page %lld steps, deep %lld\n", i, (long long)first,
		              (long long)deep);
		assert_true(deep < 2 * first + 200);
		flt.before = NULL;
		flt.until_ms = 1400;
		memset(&s, 0, sizeof(s));
		assert_int_equal(store_hits_page(f->st, &flt, page_cb, &s, s.next, sizeof(s.next),
		                                 f->err, sizeof(f->err)),
		                 0);
		assert_int_equal(s.n, 10);
		assert_true(store_page_steps(f->st) < 2 * first + 200);
	}
}

static void
test_hits_page_invalid(void **state)
{
	struct fixture *f = *state;
	struct page_seen s;
	const char *none[] = {NULL};
	static const char *const bad[] = {"",
	                                  "12",
	                                  "12-",
	                                  "-12",
	                                  "a-1",
	                                  "1-2-3",
	                                  "1-2 ",
	                                  " 1-2",
	                                  "1--2",
	                                  "0x1-2",
	                                  "1-+2",
	                                  "99999999999999999999-1",
	                                  "1-99999999999999999999"};

	page_fixture(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(
		    store_hits_page(f->st, &(struct store_hit_filter){.before = bad[i]}, page_cb,
		                    &s, s.next, sizeof(s.next), f->err, sizeof(f->err)),
		    STORE_INVALID);
		assert_non_null(strstr(f->err, "malformed cursor"));
		assert_int_equal(s.n, 0);
		/* with an empty tag too: the request is wrong whatever it finds */
		assert_int_equal(
		    store_hits_page(f->st,
		                    &(struct store_hit_filter){.before = bad[i], .rules = none},
		                    page_cb, &s, s.next, sizeof(s.next), f->err, sizeof(f->err)),
		    STORE_INVALID);
	}
	for (int limit = -1; limit <= STORE_PAGE_MAX + 1; limit += STORE_PAGE_MAX + 2) {
		assert_int_equal(store_hits_page(f->st, &(struct store_hit_filter){.limit = limit},
		                                 page_cb, &s, s.next, sizeof(s.next), f->err,
		                                 sizeof(f->err)),
		                 STORE_INVALID);
		assert_non_null(strstr(f->err, "limit"));
	}
	/* the store goes on after a refusal */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_hits_page(f->st, &(struct store_hit_filter){.limit = STORE_PAGE_MAX},
	                                 page_cb, &s, s.next, sizeof(s.next), f->err,
	                                 sizeof(f->err)),
	                 0);
	assert_int_equal(s.n, 12);
}

/*
 * Every filter of HTTP.md reads an index: no full scan of hits or articles,
 * and no sort of the whole range, whatever the filters combined.
 */
static void
test_hits_plans(void **state)
{
	struct fixture *f = *state;
	const char *r1[] = {"r1"};
	char plan[4096];

	for (int shape = 0; shape < 8; shape++) {
		struct store_hit_filter flt = {
		    .rules = shape & 1 ? r1 : NULL,
		    .nrules = shape & 1 ? 1 : 0,
		    .source = shape & 2 ? "wire" : NULL,
		    .lang = shape & 4 ? "en" : NULL,
		};

		assert_int_equal(
		    store_explain_hits(f->st, &flt, plan, sizeof(plan), f->err, sizeof(f->err)), 0);
		print_message("filter %d: %s", shape, plan);
		assert_non_null(strstr(plan, "SEARCH hits USING"));
		assert_non_null(strstr(plan, "INDEX hits_"));
		assert_null(strstr(plan, "SCAN hits"));
		assert_null(strstr(plan, "SCAN articles"));
		assert_null(strstr(plan, "TEMP B-TREE"));
		/* the one index of the filter; combined: the rule's, else the source's */
		if (shape == 0)
			assert_non_null(strstr(plan, "hits_detected_at"));
		else if (shape & 1)
			assert_non_null(strstr(plan, "hits_rule_id"));
		else if (shape & 2)
			assert_non_null(strstr(plan, "hits_source"));
		else
			assert_non_null(strstr(plan, "hits_lang"));
	}
	/* a set of rules: each rule's keys, from hits_rule_id alone, whatever else filters */
	for (int shape = 0; shape < 4; shape++) {
		const char *tag[] = {"r1", "r2"};
		struct store_hit_filter flt = {
		    .rules = tag,
		    .nrules = 2,
		    .source = shape & 1 ? "wire" : NULL,
		    .lang = shape & 2 ? "en" : NULL,
		};

		assert_int_equal(
		    store_explain_hits(f->st, &flt, plan, sizeof(plan), f->err, sizeof(f->err)), 0);
		print_message("tag, filter %d: %s", shape, plan);
		/* the source and the language are in it: checked without reading the row */
		assert_non_null(strstr(plan, "SEARCH hits USING COVERING INDEX hits_rule_id"));
		assert_null(strstr(plan, "SCAN"));
		assert_null(strstr(plan, "TEMP B-TREE"));
	}
	/* the article page and the rules' counts */
	assert_int_equal(store_explain_reads(f->st, plan, sizeof(plan), f->err, sizeof(f->err)), 0);
	print_message("reads: %s", plan);
	assert_null(strstr(plan, "SCAN hits"));
	assert_null(strstr(plan, "SCAN articles"));
	assert_non_null(strstr(plan, "hits_time_rule"));
	assert_non_null(strstr(plan, "articles_near_of"));
}

/* A version-3 database: its hits get their articles' source and language, and the indexes. */
static void
test_migrate_3_to_4(void **state)
{
	struct fixture *f = *state;
	struct store_status ss;
	struct page_seen s;
	char plan[4096];

	page_fixture(f);
	store_close(f->st);
	f->st = NULL;
	/* back to version 3 as the release before wrote it */
	raw_sql(f->path, "DROP INDEX articles_text_seen; "
	                 "DROP INDEX hits_source; DROP INDEX hits_lang; DROP INDEX hits_time_rule; "
	                 "DROP INDEX hits_rule_id; CREATE INDEX hits_rule_id ON hits(rule_id, "
	                 "detected_at); "
	                 "ALTER TABLE hits DROP COLUMN source; ALTER TABLE hits DROP COLUMN lang; "
	                 "DROP TABLE store_meta; DROP TABLE mutes; ALTER TABLE deliveries DROP "
	                 "COLUMN period; ALTER TABLE deliveries DROP COLUMN requeued_at; ALTER "
	                 "TABLE articles DROP COLUMN format; ALTER TABLE "
	                 "articles DROP COLUMN charset; DROP INDEX articles_url; DROP INDEX "
	                 "articles_revision_of; "
	                 "ALTER TABLE articles DROP COLUMN revision_of; "
	                 "ALTER TABLE feed_items DROP COLUMN article; PRAGMA user_version = 3");
	/* a reader asks for harkd first */
	assert_int_equal(store_open(f->path, STORE_READ, 1000, &f->st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "schema version 3 is older than this program's 18"));
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_status_get(f->st, &ss, f->err, sizeof(f->err)), 0);
	assert_int_equal(ss.schema_version, 18);
	assert_int_equal(ss.hits, 12);
	read_pages(f, (struct store_hit_filter){.source = "wire", .lang = "en"}, 2, &s);
	assert_ids(&s, (const char *[]){"h_7", "h_6", "h_5"}, 3);
	read_pages(f, (struct store_hit_filter){.lang = "ar"}, 2, &s);
	assert_ids(&s, (const char *[]){"h_10", "h_9", "h_8"}, 3);
	assert_int_equal(store_explain_hits(f->st, &(struct store_hit_filter){.lang = "ar"}, plan,
	                                    sizeof(plan), f->err, sizeof(f->err)),
	                 0);
	assert_non_null(strstr(plan, "hits_lang"));
}

/*
 * A version-5 database: hits_rule_id and hits_source get the columns of the
 * other filters, the hits stay, and the filters combined read them.
 */
static void
test_migrate_5_to_6(void **state)
{
	struct fixture *f = *state;
	struct store_status ss;
	struct page_seen s;
	const char *r1[] = {"r1"}, *tag[] = {"r1", "r2"};
	char plan[4096];

	page_fixture(f);
	store_close(f->st);
	f->st = NULL;
	/* back to version 5 as the release before wrote it */
	raw_sql(f->path, "DROP INDEX articles_text_seen; "
	                 "DROP INDEX hits_rule_id; CREATE INDEX hits_rule_id ON hits(rule_id, "
	                 "detected_at); DROP INDEX hits_source; CREATE INDEX hits_source ON "
	                 "hits(source, detected_at); DROP TABLE mutes; ALTER TABLE deliveries DROP "
	                 "COLUMN period; ALTER TABLE deliveries DROP COLUMN requeued_at; ALTER "
	                 "TABLE articles DROP COLUMN format; ALTER TABLE "
	                 "articles DROP COLUMN charset; DROP INDEX articles_url; DROP INDEX "
	                 "articles_revision_of; "
	                 "ALTER TABLE articles DROP COLUMN revision_of; "
	                 "ALTER TABLE feed_items DROP COLUMN article; PRAGMA user_version = 5");
	assert_int_equal(store_open(f->path, STORE_READ, 1000, &f->st, f->err, sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "schema version 5 is older than this program's 18"));
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_status_get(f->st, &ss, f->err, sizeof(f->err)), 0);
	assert_int_equal(ss.schema_version, 18);
	assert_int_equal(ss.hits, 12);
	assert_int_equal(
	    store_explain_hits(f->st,
	                       &(struct store_hit_filter){
	                           .rules = tag, .nrules = 2, .source = "wire", .lang = "en"},
	                       plan, sizeof(plan), f->err, sizeof(f->err)),
	    0);
	assert_non_null(strstr(plan, "COVERING INDEX hits_rule_id"));
	read_pages(
	    f, (struct store_hit_filter){.rules = r1, .nrules = 1, .source = "wire", .lang = "en"},
	    1, &s);
	assert_ids(&s, (const char *[]){"h_5"}, 1);
	read_pages(f, (struct store_hit_filter){.rules = r1, .nrules = 1, .source = "drop"}, 1, &s);
	assert_ids(&s, (const char *[]){"h_8", "h_1"}, 2);
	read_pages(f, (struct store_hit_filter){.rules = tag, .nrules = 2, .source = "wire"}, 3,
	           &s);
	assert_ids(&s, (const char *[]){"h_11", "h_6", "h_5", "h_3"}, 4);
	read_pages(f, (struct store_hit_filter){.source = "wire", .lang = "fr"}, 1, &s);
	assert_ids(&s, (const char *[]){"h_11", "h_4", "h_3"}, 3);
}

struct article_seen {
	char article[24], url[64];
	int nhits, ndups;
	char hits[8][24], dups[8][24];
};

static int
art_get_cb(const struct store_article_row *r, void *arg)
{
	struct article_seen *s = arg;

	snprintf(s->article, sizeof(s->article), "%s", r->id);
	return 0;
}

static int
art_hit_cb(const struct store_hit_row *r, void *arg)
{
	struct article_seen *s = arg;

	assert_true(s->nhits < 8);
	snprintf(s->hits[s->nhits++], sizeof(s->hits[0]), "%s", r->id);
	return 0;
}

static int
art_dup_cb(const struct store_article_row *r, void *arg)
{
	struct article_seen *s = arg;

	assert_true(s->ndups < 8);
	snprintf(s->dups[s->ndups++], sizeof(s->dups[0]), "%s", r->id);
	return 0;
}

static void
test_article_get(void **state)
{
	struct fixture *f = *state;
	struct article_seen s;

	page_fixture(f);
	add_article_from(f, "a_5", "wire", "en", "a_1", 140);
	/* the group's first article: its hits, its near duplicates */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_article_get(f->st, "a_1", art_get_cb, art_hit_cb, art_dup_cb, &s,
	                                   f->err, sizeof(f->err)),
	                 1);
	assert_string_equal(s.article, "a_1");
	assert_int_equal(s.nhits, 3);
	assert_string_equal(s.hits[0], "h_12");
	assert_string_equal(s.hits[2], "h_1");
	assert_int_equal(s.ndups, 2);
	assert_string_equal(s.dups[0], "a_3");
	assert_string_equal(s.dups[1], "a_5");
	/* a member: the first article and the other member */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_article_get(f->st, "a_5", art_get_cb, art_hit_cb, art_dup_cb, &s,
	                                   f->err, sizeof(f->err)),
	                 1);
	assert_int_equal(s.nhits, 0);
	assert_int_equal(s.ndups, 2);
	assert_string_equal(s.dups[0], "a_1");
	assert_string_equal(s.dups[1], "a_3");
	/* alone */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_article_get(f->st, "a_4", art_get_cb, art_hit_cb, art_dup_cb, &s,
	                                   f->err, sizeof(f->err)),
	                 1);
	assert_int_equal(s.nhits, 3);
	assert_int_equal(s.ndups, 0);
	/* none */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_article_get(f->st, "a_404", art_get_cb, art_hit_cb, art_dup_cb, &s,
	                                   f->err, sizeof(f->err)),
	                 0);
	assert_string_equal(s.article, "");
}

struct stats_seen {
	int n;
	struct store_rule_stats_row rows[8];
	char ids[8][16];
};

static int
stats_cb(const struct store_rule_stats_row *r, void *arg)
{
	struct stats_seen *s = arg;

	assert_true(s->n < 8);
	s->rows[s->n] = *r;
	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", r->rule_id);
	s->rows[s->n].rule_id = s->ids[s->n];
	s->n++;
	return 0;
}

static void
test_rule_stats(void **state)
{
	struct fixture *f = *state;
	const int64_t day = 86400000, now = 100 * day;
	struct stats_seen s;

	add_article_from(f, "a_1", "drop", "en", NULL, 100);
	/* r1: 2 in the last day, 1 three days ago, 1 twenty days ago, 1 forty days ago */
	assert_int_equal(add_hit(f, "h_1", "a_1", "r1", now - 1000, true), 1);
	add_article_from(f, "a_2", "drop", "en", NULL, 100);
	assert_int_equal(add_hit(f, "h_2", "a_2", "r1", now - day + 1, true), 1);
	add_article_from(f, "a_3", "drop", "en", NULL, 100);
	assert_int_equal(add_hit(f, "h_3", "a_3", "r1", now - 3 * day - 5, true), 1);
	add_article_from(f, "a_4", "drop", "en", NULL, 100);
	assert_int_equal(add_hit(f, "h_4", "a_4", "r1", now - 20 * day, true), 1);
	add_article_from(f, "a_5", "drop", "en", NULL, 100);
	assert_int_equal(add_hit(f, "h_5", "a_5", "r1", now - 40 * day, true), 1);
	/* r0: only long ago; r2: one, in the future of now (a clock set back): not counted */
	assert_int_equal(add_hit(f, "h_6", "a_1", "r0", now - 60 * day, true), 1);
	assert_int_equal(add_hit(f, "h_7", "a_1", "r2", now + 5000, true), 1);

	memset(&s, 0, sizeof(s));
	assert_int_equal(store_rule_stats(f->st, now, stats_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.rows[0].rule_id, "r0");
	assert_int_equal(s.rows[0].last_hit, now - 60 * day);
	assert_int_equal(s.rows[0].hits_30d, 0);
	assert_string_equal(s.rows[1].rule_id, "r1");
	assert_int_equal(s.rows[1].last_hit, now - 1000);
	assert_int_equal(s.rows[1].hits_24h, 2);
	assert_int_equal(s.rows[1].hits_7d, 3);
	assert_int_equal(s.rows[1].hits_30d, 4);
	assert_int_equal(s.rows[1].per_day[0], 2);
	assert_int_equal(s.rows[1].per_day[3], 1);
	assert_int_equal(s.rows[1].per_day[20], 1);
	assert_int_equal(s.rows[1].per_day[19], 0);
	assert_string_equal(s.rows[2].rule_id, "r2");
	assert_int_equal(s.rows[2].last_hit, now + 5000);
	assert_int_equal(s.rows[2].hits_30d, 0);
}

struct mute_seen {
	int n;
	char ids[8][16];
	int64_t until[8];
};

static int
mute_cb(const struct store_mute_row *r, void *arg)
{
	struct mute_seen *s = arg;

	assert_true(s->n < 8);
	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", r->rule_id);
	s->until[s->n++] = r->until;
	return 0;
}

/* Mutes: set, replaced, read at a time, ended by hand or by their time; a reader sees them. */
static void
test_mutes(void **state)
{
	struct fixture *f = *state;
	struct store *rd;
	struct mute_seen s = {0};
	int64_t until = 0;

	assert_int_equal(store_mute_get(f->st, "r1", 100, &until, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_mute_set(f->st, "r1", 200, 100, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_mute_set(f->st, "r2", 150, 100, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_mute_get(f->st, "r1", 100, &until, f->err, sizeof(f->err)), 1);
	assert_int_equal(until, 200);
	/* a mute ends at its time: muted at 199, not at 200 */
	assert_int_equal(store_mute_get(f->st, "r1", 199, NULL, f->err, sizeof(f->err)), 1);
	assert_int_equal(store_mute_get(f->st, "r1", 200, NULL, f->err, sizeof(f->err)), 0);
	/* a new mute replaces the end */
	assert_int_equal(store_mute_set(f->st, "r1", 300, 120, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_mute_get(f->st, "r1", 250, &until, f->err, sizeof(f->err)), 1);
	assert_int_equal(until, 300);
	assert_int_equal(store_mutes_each(f->st, 120, mute_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], "r1");
	assert_string_equal(s.ids[1], "r2");
	/* at 160 r2's has ended: not listed */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_mutes_each(f->st, 160, mute_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "r1");
	/* an ended mute cannot be cleared: it is none */
	assert_int_equal(store_mute_clear(f->st, "r2", 160, f->err, sizeof(f->err)), 0);
	/* the reader of hark status sees what the writer set */
	assert_int_equal(store_open(f->path, STORE_READ, 1000, &rd, f->err, sizeof(f->err)), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_mutes_each(rd, 120, mute_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 2);
	store_close(rd);
	assert_int_equal(store_mute_clear(f->st, "r1", 160, f->err, sizeof(f->err)), 1);
	assert_int_equal(store_mute_clear(f->st, "r1", 160, f->err, sizeof(f->err)), 0);
	assert_int_equal(store_mute_get(f->st, "r1", 160, NULL, f->err, sizeof(f->err)), 0);
}

/* store_prune_texts: the keys given back to FTS5 are the article's, as stored */
static char *
keys_of(const struct store_article_row *r, void *arg)
{
	(void)arg;
	return strdup(r->body); /* add_article indexed the body as its keys */
}

static char *
keys_k(const struct store_article_row *r, void *arg)
{
	(void)r;
	(void)arg;
	return strdup("k");
}

static int64_t
fts_rows(struct fixture *f, const char *term)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	char sql[128];
	int64_t n;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '%s'",
	         term);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* An FTS5 'integrity-check' of the articles' index, behind the store's back: 1 when sound. */
static int
fts_sound(const char *path)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	rc = sqlite3_exec(
	    db, "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 0)", NULL,
	    NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK;
}

static int
newest_cb(const struct store_article_row *r, void *arg)
{
	struct arts_seen *s = arg;

	assert_true(s->n < 8);
	snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->id);
	return s->n == 3; /* stop after 3 */
}

/*
 * store_fts_catch_up: the index follows the articles a batch at a time,
 * and meanwhile every search reads the articles it has not caught up with
 * as candidates; a text pruned before it was indexed is never indexed, and
 * the prune leaves the index sound.
 */
static void
test_fts_catch_up(void **state)
{
	struct fixture *f = *state;
	struct store_scan *sc;
	struct arts_seen s;
	const char *ids[] = {"a_1", "a_2", "a_3", "a_4", "a_x"};
	unsigned char match[5];
	size_t n;
	int more;

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "bridge one", "bridge one");
	add_article(f, "a_2", "h2", NULL, 2, 200, NULL, "tunnel two", "tunnel two");
	add_article_unindexed(f, "a_3", "h3", NULL, 3, 300, NULL, "bridge three", "bridge three");
	add_article_unindexed(f, "a_4", "h4", NULL, 4, 400, NULL, "tunnel four", "tunnel four");
	assert_int_equal(fts_rows(f, "bridge"), 1); /* a_3 is not in the index */

	/* the index's answer, then every article after it: ordered by seen_at */
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "bridge", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "a_1");
	assert_string_equal(s.ids[1], "a_3");
	assert_string_equal(s.ids[2], "a_4");
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 350, "bridge", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "a_4");

	/* the reads of the pages: the newest first, the filter, one article */
	assert_int_equal(store_scan_new(f->st, &sc, f->err, sizeof(f->err)), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_scan_newest(sc, "bridge", newest_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "a_4");
	assert_string_equal(s.ids[1], "a_3");
	assert_string_equal(s.ids[2], "a_1");
	assert_int_equal(store_scan_fts_filter(sc, "bridge", ids, 5, match, f->err, sizeof(f->err)),
	                 0);
	assert_memory_equal(match, "\1\0\1\1\0", 5);
	assert_int_equal(
	    store_scan_article(sc, "a_2", "bridge", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(
	    store_scan_article(sc, "a_4", "bridge", arts_cb, &s, f->err, sizeof(f->err)), 1);
	store_scan_free(sc);

	/* a_3's text pruned before the index had it: nothing to remove; its title goes in */
	assert_int_equal(store_prune_texts(f->st, 350, 10, fixture_keys, f, (int64_t[]){0}, f->err,
	                                   sizeof(f->err)),
	                 0);
	assert_true(fts_sound(f->path));
	/* a budget of 1 ns: one article a batch whatever the batch's size */
	assert_int_equal(
	    store_fts_catch_up(f->st, 10, 1, fixture_keys, f, &n, &more, f->err, sizeof(f->err)),
	    0);
	assert_int_equal(n, 1); /* a_3, by what is left of it */
	assert_true(more);
	if (store_fts_catch_up(f->st, 10, 1, fixture_keys, f, &n, &more, f->err, sizeof(f->err)) !=
	    0)
		fail_msg("%s", f->err);
	assert_int_equal(n, 1); /* a_4 */
	assert_true(more);
	assert_int_equal(
	    store_fts_catch_up(f->st, 1, 0, fixture_keys, f, &n, &more, f->err, sizeof(f->err)), 0);
	assert_int_equal(n, 0);
	assert_false(more);
	assert_true(fts_sound(f->path));
	assert_int_equal(fts_rows(f, "bridge"), 0);  /* a_1's went with its text, a_3 had none */
	assert_int_equal(fts_rows(f, "a AND 3"), 1); /* its title */
	assert_int_equal(fts_rows(f, "four"), 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(
	    store_articles_each(f->st, 0, "tunnel", arts_cb, &s, f->err, sizeof(f->err)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "a_4");
}

/* Retention: texts and hits in batches, the oldest first; rows, hits and dedup stay. */
static void
test_prune(void **state)
{
	struct fixture *f = *state;
	struct store_reach r;
	char id[32];
	int64_t n, texts, hits, left;

	add_article(f, "a_1", "h1", "https://e.org/1", 1, 100, NULL, "alpha one", "alpha one");
	add_article(f, "a_2", "h2", NULL, 2, 200, "a_1", "alpha two",
	            "alpha two"); /* a_1 is its group: a row pruned is referenced */
	add_article(f, "a_3", "h3", NULL, 3, 300, NULL, "alpha three", "alpha three");
	assert_int_equal(add_hit(f, "h_1", "a_1", "r", 100000, true), 1);
	assert_int_equal(add_hit(f, "h_2", "a_2", "r", 200000, true), 1);
	assert_int_equal(add_hit(f, "h_3", "a_3", "r", 300000, true), 1);
	/* h_2 has a pending delivery: it stays; h_1's sent one goes with it */
	assert_int_equal(store_delivery_add(f->st, "h_1", "w", 0, f->err, sizeof f->err), 1);
	assert_int_equal(
	    store_delivery_update(f->st, 1, "sent", 1, 0, 200, NULL, 1, f->err, sizeof f->err), 0);
	assert_int_equal(store_delivery_add(f->st, "h_2", "w", 0, f->err, sizeof f->err), 1);
	assert_int_equal(fts_rows(f, "alpha"), 3);

	assert_int_equal(
	    store_prune_count(f->st, 250, 250000, &texts, &hits, f->err, sizeof f->err), 0);
	assert_int_equal(texts, 2);
	assert_int_equal(hits, 1);
	assert_int_equal(store_prune_count(f->st, 0, 0, &texts, &hits, f->err, sizeof f->err), 0);
	assert_int_equal(texts + hits, 0);

	/* a batch of one: the oldest */
	assert_int_equal(store_prune_texts(f->st, 250, 1, keys_of, NULL, &n, f->err, sizeof f->err),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(fts_rows(f, "one"), 0);
	assert_int_equal(fts_rows(f, "two"), 1);
	assert_int_equal(
	    store_prune_texts(f->st, 250, 10, keys_of, NULL, &n, f->err, sizeof f->err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(
	    store_prune_texts(f->st, 250, 10, keys_of, NULL, &n, f->err, sizeof f->err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fts_rows(f, "alpha"), 1);
	assert_int_equal(fts_rows(f, "three"), 1);
	/* the rows stay: the same hash and the same address are duplicates still */
	assert_int_equal(
	    store_article_find(f->st, "h1", NULL, id, sizeof id, f->err, sizeof f->err), 1);
	assert_int_equal(store_article_find(f->st, "hx", "https://e.org/1", id, sizeof id, f->err,
	                                    sizeof f->err),
	                 2);
	assert_string_equal(id, "a_1");

	assert_int_equal(store_prune_hits(f->st, 250000, 10, &n, f->err, sizeof f->err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_reach_get(f->st, &r, f->err, sizeof f->err), 0);
	assert_int_equal(r.articles, 3);
	assert_int_equal(r.texts, 1);
	assert_int_equal(r.hits, 2);
	assert_int_equal(r.oldest_article, 100);
	assert_int_equal(r.oldest_text, 300);
	assert_int_equal(r.newest_article, 300);
	assert_int_equal(r.oldest_hit, 200000);

	/* a new database frees its pages: auto_vacuum = INCREMENTAL */
	assert_int_equal(store_vacuum_step(f->st, 0, &left, f->err, sizeof f->err), 0);
	assert_int_equal(store_vacuum_step(f->st, 100, &left, f->err, sizeof f->err), 0);
	assert_int_equal(left, 0);
}

/*
 * Pruned rows go back dense: an UPDATE that shrank each row left one
 * article a page; the pages freed go back to the file system.
 */
static void
test_prune_compacts(void **state)
{
	struct fixture *f = *state;
	char id[32], hash[32], body[3200];
	int64_t before, after, n, left;

	memset(body, 'b', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	for (int i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "a_%d", i);
		snprintf(hash, sizeof hash, "h%d", i);
		add_article(f, id, hash, NULL, (uint64_t)i, 100 + i, NULL, body, "k");
	}
	assert_int_equal(store_db_size(f->st, &before, f->err, sizeof f->err), 0);
	do
		assert_int_equal(
		    store_prune_texts(f->st, 1000, 100, keys_k, NULL, &n, f->err, sizeof f->err),
		    0);
	while (n > 0);
	do
		assert_int_equal(store_vacuum_step(f->st, 1000, &left, f->err, sizeof f->err), 0);
	while (left > 0);
	assert_int_equal(store_db_size(f->st, &after, f->err, sizeof f->err), 0);
	/* 300 pages of text before; after, the rows and indexes of a few pages */
	if (after * 4 > before)
		fail_msg("%lld bytes before pruning, %lld after", (long long)before,
		         (long long)after);
}

/* A copy of the database, checked, saying what it holds; never over a file. */
static void
test_backup(void **state)
{
	struct fixture *f = *state;
	struct store_reach r;
	char dest[600];

	add_article(f, "a_1", "h1", NULL, 1, 100, NULL, "alpha one", NULL);
	add_article(f, "a_2", "h2", NULL, 2, 200, NULL, "alpha two", NULL);
	assert_int_equal(add_hit(f, "h_1", "a_1", "r", 100000, true), 1);
	snprintf(dest, sizeof dest, "%s.copy", f->path);
	assert_int_equal(store_backup(f->st, dest, &r, f->err, sizeof f->err), 0);
	assert_int_equal(r.articles, 2);
	assert_int_equal(r.texts, 2);
	assert_int_equal(r.hits, 1);
	assert_int_equal(r.newest_article, 200);
	unlink(dest);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_memstatus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exact_duplicates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_near_duplicates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_articles_fts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fts_catch_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_snapshot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mutes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outbox, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_digest_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_1_to_2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feed_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revisions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feed_link_article, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feed_item_article, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fatal_moved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fatal_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fatal_guard, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quick_check, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hits_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hits_page_invalid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hits_page_cost, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hits_plans, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_3_to_4, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_5_to_6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_article_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fts_rebuild, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rule_stats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prune_compacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
