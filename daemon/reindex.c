/* reindex.c: the full-text index rebuilt for new folds (reindex.h). */
#include "reindex.h"

#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "rowdoc.h"
#include "token.h"

/*
 * Articles a step: about 10 ms of tokenizing for news-sized articles,
 * with the step's transaction and its fsync.
 */
#define REINDEX_BATCH 200
#define REINDEX_RETRY_MS 1000 /* after a busy or failed step */

struct reindex {
	struct event_base *base;
	struct store *st;      /* borrowed */
	struct event *ev;      /* the next step */
	size_t done;           /* articles indexed by this process */
	struct timespec start; /* CLOCK_MONOTONIC */
};

static void
reindex_arm(struct reindex *ri, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_add(ri->ev, &tv);
}

/* The last step is done: say so. */
static void
reindex_step_done(struct reindex *ri)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	log_info("full-text index rebuilt for normalization version %d: %zu article%s in %.1f s",
	         NORM_VERSION, ri->done, ri->done == 1 ? "" : "s",
	         (double)(now.tv_sec - ri->start.tv_sec) +
	             (double)(now.tv_nsec - ri->start.tv_nsec) / 1e9);
}

static void
reindex_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reindex *ri = arg;
	char err[512];
	size_t n;
	int finished, rc;

	(void)fd, (void)what;
	rc = store_fts_rebuild_step(ri->st, NORM_VERSION, REINDEX_BATCH, rowdoc_keys, NULL, &n,
	                            &finished, err, sizeof(err));
	if (rc == STORE_FATAL) {
		log_err("re-indexing stopped: %s", err); /* harkd's fatal callback stops it */
		return;
	}
	if (rc != 0) {
		log_warnx("re-indexing: %s; trying again in %d ms", err, REINDEX_RETRY_MS);
		reindex_arm(ri, REINDEX_RETRY_MS);
		return;
	}
	ri->done += n;
	if (!finished) {
		reindex_arm(ri, 0); /* the loop runs what waits first */
		return;
	}
	reindex_step_done(ri);
}

int
reindex_start(struct event_base *base, struct store *st, struct reindex **out, char *err,
              size_t errsz)
{
	struct reindex *ri;
	int64_t v;
	int rc, finished;

	*out = NULL;
	if ((rc = store_norm_version(st, &v, err, errsz)) != 0)
		return rc == STORE_FATAL ? rc : 0; /* transient: the next start sees to it */
	if (v == NORM_VERSION)
		return 0;
	if ((ri = calloc(1, sizeof(*ri))) == NULL) {
		snprintf(err, errsz, "re-indexing: out of memory");
		return -1;
	}
	ri->base = base;
	ri->st = st;
	ri->ev = evtimer_new(base, reindex_step_cb, ri);
	if (ri->ev == NULL) {
		free(ri);
		snprintf(err, errsz, "re-indexing: out of memory");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ri->start);
	/*
	 * A new database, or one without articles, has an index good for any
	 * version: the first step records this one and says nothing.
	 */
	rc = store_fts_rebuild_step(st, NORM_VERSION, REINDEX_BATCH, rowdoc_keys, NULL, &ri->done,
	                            &finished, err, errsz);
	if (rc == STORE_FATAL || (rc == 0 && finished && ri->done == 0)) {
		reindex_free(ri);
		return rc;
	}
	log_info("the full-text index was made with normalization version %lld, this harkd has "
	         "%d: re-indexing the archive, %d articles a step",
	         (long long)v, NORM_VERSION, REINDEX_BATCH);
	if (rc != 0) {
		/* busy, a full disk: the loop tries again, harkd starts */
		log_warnx("re-indexing: %s; trying again in %d ms", err, REINDEX_RETRY_MS);
		reindex_arm(ri, REINDEX_RETRY_MS);
	} else if (finished) {
		reindex_step_done(ri);
	} else {
		reindex_arm(ri, 0);
	}
	*out = ri;
	return 0;
}

void
reindex_free(struct reindex *ri)
{
	if (ri == NULL)
		return;
	event_free(ri->ev);
	free(ri);
}
