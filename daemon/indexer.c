/* indexer.c: the full-text index kept up with the articles (indexer.h). */
#include "indexer.h"

#include <stdlib.h>

#include "log.h"
#include "rowdoc.h"

/*
 * Articles a transaction: their keys made again from the stored text, the
 * FTS5 inserts, its flush and merges at the commit, about 10 ms, what one of
 * intake's batches takes: an article dropped meanwhile waits no longer than
 * behind one of those.
 */
#define INDEXER_BATCH 64
/*
 * After a commit, the first batch: the index follows intake by about this
 * much when the loop is free, and a second's articles go in one transaction
 * at a trickle (one FTS5 segment and one fsync, not one an article).
 */
#define INDEXER_DELAY_MS 1000
#define INDEXER_RETRY_MS 1000 /* after a busy or failed batch */

struct indexer {
	struct store *st; /* borrowed */
	struct event *ev; /* owned: the next batch, at the lowest priority */
	int failing;      /* the last batch failed (said once) */
};

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
	int more, rc;

	(void)fd, (void)what;
	rc = store_fts_catch_up(ix->st, INDEXER_BATCH, rowdoc_keys, NULL, &n, &more, err,
	                        sizeof(err));
	if (rc == STORE_FATAL) {
		log_err("full-text index: %s", err); /* harkd's fatal callback stops it */
		return;
	}
	if (rc != 0) {
		if (!ix->failing)
			log_warnx("full-text index: %s; trying again every %d ms", err,
			          INDEXER_RETRY_MS);
		ix->failing = 1;
		indexer_arm(ix, INDEXER_RETRY_MS);
		return;
	}
	if (ix->failing)
		log_info("full-text index: indexing again");
	ix->failing = 0;
	/* the next batch once every event of a higher priority has run */
	if (more)
		event_active(ix->ev, EV_TIMEOUT, 1);
}

struct indexer *
indexer_new(struct event_base *base, struct store *st)
{
	struct indexer *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	ix->st = st;
	if ((ix->ev = evtimer_new(base, indexer_cb, ix)) == NULL) {
		free(ix);
		return NULL;
	}
	/* fails on a base without priorities: then it runs as any other event */
	event_priority_set(ix->ev, INDEXER_PRIORITIES - 1);
	indexer_arm(ix, 0); /* what a previous run left, once the loop runs */
	return ix;
}

void
indexer_kick(struct indexer *ix)
{
	if (ix != NULL && !event_pending(ix->ev, EV_TIMEOUT, NULL))
		indexer_arm(ix, INDEXER_DELAY_MS);
}

void
indexer_free(struct indexer *ix)
{
	if (ix == NULL)
		return;
	event_free(ix->ev);
	free(ix);
}
