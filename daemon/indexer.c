/* indexer.c: the full-text index kept up with the articles (indexer.h). */
#include "indexer.h"

#include <stdlib.h>
#include <time.h>

#include <string.h>

#include "envnum.h"
#include "log.h"
#include "rowdoc.h"

/*
 * A transaction: at most this many articles (the FTS5 inserts of their keys),
 * and no more once INDEXER_BUDGET_MS has passed, then FTS5's flush and
 * merges at the commit: an article dropped meanwhile waits a few
 * milliseconds at most behind it.
 */
#define INDEXER_BATCH 256
#define INDEXER_BUDGET_MS 4
/*
 * After a commit, the first batch: the index follows intake by about this
 * much when the loop is free, and a second's articles go in one transaction
 * at a trickle (one FTS5 segment and one fsync, not one an article).
 */
#define INDEXER_DELAY_MS 1000
#define INDEXER_RETRY_MS 1000 /* after a busy or failed batch */
/*
 * While intake has work in hand the index waits, looking again this often,
 * unless it is this far behind: then it takes its share of the loop even
 * during a burst, so that a flood that never ends cannot leave the searches
 * reading ever more articles without their index.
 */
#define INDEXER_YIELD_MS 100
#define INDEXER_MAX_LAG_MS 10000
/*
 * The keys the workers made of the articles committed and not yet indexed
 * (indexer_offer), at most this many (a few MB): past them, and after a
 * restart, the keys are made again from the stored article (rowdoc_keys),
 * on the loop.
 */
#define INDEXER_OFFERS 1024

/* what the priorities are: indexer.h INDEXER_PRIORITIES */
#define PRIO_DEFAULT (INDEXER_PRIORITIES / 2)
#define PRIO_LOW (INDEXER_PRIORITIES - 1)

struct offer {
	int64_t seq;
	char *keys; /* owned */
};

struct indexer {
	struct store *st; /* borrowed */
	long delay_ms;    /* INDEXER_DELAY_MS, or HARK_INDEX_DELAY_MS */
	struct event *ev; /* owned: the next batch, at the lowest priority */
	int (*busy)(void *);
	void *busy_arg;
	int64_t behind_ns; /* CLOCK_MONOTONIC: since when there is something to index; 0: nothing */
	int failing;       /* the last batch failed (said once) */
	/* a ring of offers, by seq: n of them from head */
	struct offer offers[INDEXER_OFFERS];
	size_t head, n;
};

/*
 * The keys of the article r, a store_index_fn: the worker's when it offered
 * them, else made again from the stored article. NULL when out of memory:
 * the batch fails and is tried again, never indexed with other keys (the
 * key every query matches, say), since retention later tells the index to
 * forget the keys rowdoc_keys() makes, and FTS5 told to forget keys it was
 * not given damages the index.
 */
static char *
indexer_keys(const struct store_article_row *r, void *arg)
{
	struct indexer *ix = arg;
	char *k;

	/* offers older than r: articles the index had already, or not stored after all */
	while (ix->n > 0 && ix->offers[ix->head].seq < r->seq) {
		free(ix->offers[ix->head].keys);
		ix->head = (ix->head + 1) % INDEXER_OFFERS;
		ix->n--;
	}
	if (ix->n > 0 && ix->offers[ix->head].seq == r->seq) {
		k = ix->offers[ix->head].keys;
		ix->head = (ix->head + 1) % INDEXER_OFFERS;
		ix->n--;
		return k;
	}
	return rowdoc_keys(r, NULL);
}

static int64_t
indexer_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
indexer_arm(struct indexer *ix, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_add(ix->ev, &tv);
}

static void
indexer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct indexer *ix = arg;
	char err[512];
	size_t n;
	int more, rc, lagging;

	(void)fd, (void)what;
	lagging = ix->behind_ns != 0 &&
	          indexer_now_ns() - ix->behind_ns >= (int64_t)INDEXER_MAX_LAG_MS * 1000000;
	if (!lagging && ix->busy != NULL && ix->busy(ix->busy_arg)) {
		indexer_arm(ix, INDEXER_YIELD_MS);
		return;
	}
	/*
	 * Too far behind: the next batches at the priority of everything
	 * else, which they would otherwise wait for for as long as intake is
	 * busy (the event is neither pending nor active here: it may change).
	 */
	event_priority_set(ix->ev, lagging ? PRIO_DEFAULT : PRIO_LOW);
	rc = store_fts_catch_up(ix->st, INDEXER_BATCH, (int64_t)INDEXER_BUDGET_MS * 1000000,
	                        indexer_keys, ix, &n, &more, err, sizeof(err));
	if (rc == STORE_FATAL) {
		log_err("full-text index: %s", err); /* harkd's fatal callback stops it */
		return;
	}
	if (rc != 0) {
		/*
		 * Said once a streak; a busy database (another writer's lock)
		 * only under -v: intake says it already, and the index waits
		 * without loss.
		 */
		if (!ix->failing && rc == STORE_BUSY)
			log_debug("full-text index: %s; trying again every %d ms", err,
			          INDEXER_RETRY_MS);
		else if (!ix->failing)
			log_warnx("full-text index: %s; trying again every %d ms", err,
			          INDEXER_RETRY_MS);
		ix->failing = 1;
		indexer_arm(ix, INDEXER_RETRY_MS);
		return;
	}
	if (ix->failing)
		log_info("full-text index: indexing again");
	ix->failing = 0;
	/*
	 * The next batch at the next turn, once every event of a higher
	 * priority has run: a timer, not event_active(), which libevent would
	 * run again in this same turn, batch after batch, the loop held for the
	 * whole backlog.
	 */
	if (more)
		indexer_arm(ix, 0);
	else
		ix->behind_ns = 0;
}

struct indexer *
indexer_new(struct event_base *base, struct store *st)
{
	struct indexer *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	ix->st = st;
	/* HARK_INDEX_DELAY_MS: 0 to an hour, for the tests */
	ix->delay_ms =
	    envnum_get("HARK_INDEX_DELAY_MS", 0, 3600000, INDEXER_DELAY_MS, "milliseconds");
	if ((ix->ev = evtimer_new(base, indexer_cb, ix)) == NULL) {
		free(ix);
		return NULL;
	}
	/* fails on a base without priorities: then it runs as any other event */
	event_priority_set(ix->ev, PRIO_LOW);
	ix->behind_ns = indexer_now_ns();
	indexer_arm(ix, 0); /* what a previous run left, once the loop runs */
	return ix;
}

void
indexer_kick(struct indexer *ix)
{
	if (ix == NULL)
		return;
	if (ix->behind_ns == 0)
		ix->behind_ns = indexer_now_ns();
	if (!event_pending(ix->ev, EV_TIMEOUT, NULL))
		indexer_arm(ix, ix->delay_ms);
}

void
indexer_offer(struct indexer *ix, int64_t seq, char **keys)
{
	struct offer *o;

	/* full: the catch-up makes these again (it takes the oldest first) */
	if (ix == NULL || *keys == NULL || ix->n == INDEXER_OFFERS)
		return;
	o = &ix->offers[(ix->head + ix->n) % INDEXER_OFFERS];
	o->seq = seq;
	o->keys = *keys;
	*keys = NULL;
	ix->n++;
}

void
indexer_set_busy(struct indexer *ix, int (*busy)(void *), void *arg)
{
	ix->busy = busy;
	ix->busy_arg = arg;
}

void
indexer_free(struct indexer *ix)
{
	if (ix == NULL)
		return;
	event_free(ix->ev);
	for (size_t i = 0; i < ix->n; i++)
		free(ix->offers[(ix->head + i) % INDEXER_OFFERS].keys);
	free(ix);
}
