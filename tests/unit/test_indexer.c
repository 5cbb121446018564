/*
 * test_indexer.c: the full-text index kept up with the articles (indexer.h)
 * on a real event loop and a real SQLite file: the keys a worker offered are
 * what the index holds, the others are made again from the stored article,
 * an offer older than the index is dropped, and intake's work goes first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "indexer.h"
#include "store.h"

struct fixture {
	char dir[64];
	char path[96];
	struct store *st;
	struct event_base *base;
	char err[512];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hark-indexer-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/hark.db", f->dir);
	assert_int_equal(store_open(f->path, STORE_WRITE, 1000, &f->st, f->err, sizeof(f->err)), 0);
	assert_non_null(f->base = event_base_new());
	assert_int_equal(event_base_priority_init(f->base, INDEXER_PRIORITIES), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	event_base_free(f->base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Store an article (title and body) in its own transaction; its seq. */
static int64_t
add(struct fixture *f, const char *id, const char *body)
{
	char hash[32];
	struct store_article a = {.id = id,
	                          .content_hash = hash,
	                          .title = id,
	                          .body = body,
	                          .lang = "en",
	                          .source = "drop",
	                          .seen_at = 100};

	snprintf(hash, sizeof(hash), "hash-%s", id);
	assert_int_equal(store_begin(f->st, f->err, sizeof(f->err)), 0);
	if (store_article_add(f->st, &a, f->err, sizeof(f->err)) != 0)
		fail_msg("%s", f->err);
	assert_int_equal(store_commit(f->st, f->err, sizeof(f->err)), 0);
	return store_article_seq(f->st);
}

/* How many rows the index itself gives for term (behind the store's back). */
static int
in_index(struct fixture *f, const char *term)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int n;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM articles_fts "
	                                    "WHERE articles_fts MATCH ?1",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(q, 1, term, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static int busy_answer;

static int
busy(void *arg)
{
	(void)arg;
	return busy_answer;
}

/* Run the loop for ms milliseconds. */
static void
run_for(struct fixture *f, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static void
test_offers(void **state)
{
	struct fixture *f = *state;
	struct indexer *ix;
	int64_t s1, s2, s3;
	char *k;

	setenv("HARK_INDEX_DELAY_MS", "0", 1);
	assert_non_null(ix = indexer_new(f->base, f->st));
	indexer_set_busy(ix, busy, NULL);
	s1 = add(f, "a_1", "alpha");
	s2 = add(f, "a_2", "bravo");
	s3 = add(f, "a_3", "charlie");
	/* a_1 and a_3 offered: the index holds what the worker made, a_2 its own words */
	assert_non_null(k = strdup("offeredone"));
	indexer_offer(ix, s1, &k);
	assert_null(k); /* taken */
	assert_non_null(k = strdup("offeredthree"));
	indexer_offer(ix, s3, &k);
	assert_null(k);
	(void)s2;
	/* intake busy: the index waits */
	busy_answer = 1;
	indexer_kick(ix);
	run_for(f, 300);
	assert_int_equal(in_index(f, "offeredone"), 0);
	busy_answer = 0;
	run_for(f, 300);
	assert_int_equal(in_index(f, "offeredone"), 1);
	assert_int_equal(in_index(f, "alpha"), 0);
	assert_int_equal(in_index(f, "bravo"), 1);
	assert_int_equal(in_index(f, "offeredthree"), 1);
	assert_int_equal(in_index(f, "charlie"), 0);

	/* an offer of an article the index already has is dropped, not indexed twice */
	assert_non_null(k = strdup("stale"));
	indexer_offer(ix, s1, &k);
	assert_null(k);
	add(f, "a_4", "delta");
	indexer_kick(ix);
	run_for(f, 300);
	assert_int_equal(in_index(f, "stale"), 0);
	assert_int_equal(in_index(f, "delta"), 1);
	indexer_free(ix);
	unsetenv("HARK_INDEX_DELAY_MS");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_offers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
