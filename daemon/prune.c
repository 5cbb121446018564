/*
 * prune.c: retention, a pass a batch at a time (prune.h). The store does
 * the SQL (store_prune_*); this file says what goes when, and removes the
 * spool's old files. It runs on harkd's loop: every batch is short (100
 * articles, 500 hits, 1,000 directory entries, 4 MiB of pages), and the
 * loop turns between two batches, so ingest never waits behind a pass.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "log.h"
#include "prune.h"
#include "rowdoc.h"
#include "store.h"

#define BATCH_TEXTS 25     /* the keys of each computed again, the row rewritten: ~1 ms */
#define BATCH_HITS 500     /* a delete by key */
#define BATCH_ENTRIES 1000 /* a directory's entries read a batch */
#define BATCH_PAGES 256    /* 1 MiB of free pages a batch */
/*
 * The FTS5 index forgets a pruned article only when the segment holding it
 * is merged with the delete's: its own merges leave the oldest, largest
 * segment alone, which grew to 6 times the live index (bench_retention).
 * A pass merges all segments into one (FTS5's 'merge' with a negative
 * size), 256 KiB a batch and 64 MiB a pass at most: the merge goes on from
 * where it stopped at the next pass.
 */
#define MERGE_PAGES (-64)
#define MERGE_MAX 256

#define PRUNE_FIRST_S 2    /* the first pass, after the start */
#define PRUNE_EVERY_S 3600 /* then hourly */
#define PRUNE_GAP_MS 20    /* between two batches: the loop turns */
#define PRUNE_RETRY_S 5    /* after a busy database */

enum phase { PH_TEXTS, PH_HITS, PH_DONE, PH_FAILED, PH_MERGE, PH_VACUUM, PH_END };

struct prune {
	struct store *st; /* the caller's */
	int64_t now;
	bool dry;
	int64_t keep_articles, keep_hits, keep_done, keep_failed; /* seconds, 0: for ever */
	char *spool;                                              /* owned */
	enum phase ph;
	int merges; /* PH_MERGE batches so far */
	DIR *dir;   /* owned: done/ or failed/ while its phase reads it */
	struct prune_counts n;
};

int64_t
prune_clock(void)
{
	const char *skew = getenv("HARK_TEST_CLOCK_SKEW");

	return (int64_t)time(NULL) + (skew != NULL ? strtoll(skew, NULL, 10) : 0);
}

struct prune *
prune_new(struct store *st, const struct conf *c, int64_t now, bool dry)
{
	struct prune *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->spool = strdup(c->spool_dir)) == NULL) {
		free(p);
		return NULL;
	}
	p->st = st;
	p->now = now;
	p->dry = dry;
	p->keep_articles = c->keep_articles;
	p->keep_hits = c->keep_hits;
	/* keep_done = no: dropdir deletes them as they are stored */
	p->keep_done = c->keep_done ? c->keep_done_for : 0;
	p->keep_failed = c->keep_failed;
	return p;
}

void
prune_free(struct prune *p)
{
	if (p == NULL)
		return;
	if (p->dir != NULL)
		closedir(p->dir);
	free(p->spool);
	free(p);
}

const struct prune_counts *
prune_counts(const struct prune *p)
{
	return &p->n;
}

/*
 * A batch of a spool directory's files older than keep: their status
 * changed (ctime) before now - keep. ctime, not mtime: the move into done/
 * sets it, while a file copied with its old mtime keeps that. Returns 1
 * (more), 0 (read to its end), -1.
 */
static int
prune_dir_step(struct prune *p, const char *sub, int64_t keep, int64_t *n, char *err, size_t errsz)
{
	struct dirent *e;
	int seen = 0;

	if (p->dir == NULL) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", p->spool, sub);
		if ((p->dir = opendir(path)) == NULL) {
			if (errno == ENOENT)
				return 0;
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	while (seen++ < BATCH_ENTRIES && (e = readdir(p->dir)) != NULL) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(p->dir), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode) || (int64_t)sb.st_ctime >= p->now - keep)
			continue;
		if (p->dry || unlinkat(dirfd(p->dir), e->d_name, 0) == 0)
			(*n)++;
		else if (errno != ENOENT)
			log_warnx("retention: %s/%s/%s: %s", p->spool, sub, e->d_name,
			          strerror(errno));
	}
	if (seen <= BATCH_ENTRIES) {
		closedir(p->dir);
		p->dir = NULL;
		return 0;
	}
	return 1;
}

int
prune_step(struct prune *p, char *err, size_t errsz)
{
	int64_t n = 0;
	int rc;

	switch (p->ph) {
	case PH_TEXTS:
		if (p->dry) {
			/* both counts at once, from one snapshot */
			rc = store_prune_count(p->st,
			                       p->keep_articles ? p->now - p->keep_articles : 0,
			                       p->keep_hits ? (p->now - p->keep_hits) * 1000 : 0,
			                       &p->n.texts, &p->n.hits, err, errsz);
			if (rc != 0)
				return rc;
			p->ph = PH_DONE;
			return 1;
		}
		if (p->keep_articles == 0) {
			p->ph = PH_HITS;
			return 1;
		}
		rc = store_prune_texts(p->st, p->now - p->keep_articles, BATCH_TEXTS, rowdoc_keys,
		                       NULL, &n, err, errsz);
		if (rc != 0)
			return rc;
		p->n.texts += n;
		if (n < BATCH_TEXTS)
			p->ph = PH_HITS;
		return 1;
	case PH_HITS:
		if (p->keep_hits == 0) {
			p->ph = PH_DONE;
			return 1;
		}
		rc = store_prune_hits(p->st, (p->now - p->keep_hits) * 1000, BATCH_HITS, &n, err,
		                      errsz);
		if (rc != 0)
			return rc;
		p->n.hits += n;
		if (n < BATCH_HITS)
			p->ph = PH_DONE;
		return 1;
	case PH_DONE:
	case PH_FAILED: {
		int64_t keep = p->ph == PH_DONE ? p->keep_done : p->keep_failed;

		rc = keep == 0
		         ? 0
		         : prune_dir_step(p, p->ph == PH_DONE ? "done" : "failed", keep,
		                          p->ph == PH_DONE ? &p->n.done : &p->n.failed, err, errsz);
		if (rc < 0)
			return rc;
		if (rc == 0)
			p->ph = p->ph == PH_DONE ? PH_FAILED : p->dry ? PH_END : PH_MERGE;
		return 1;
	}
	case PH_MERGE: {
		int worked;

		/* only after texts went: their delete markers are what the merge removes */
		if (p->n.texts == 0) {
			p->ph = PH_VACUUM;
			return 1;
		}
		if ((rc = store_fts_merge(p->st, MERGE_PAGES, &worked, err, errsz)) != 0)
			return rc;
		if (!worked || ++p->merges >= MERGE_MAX)
			p->ph = PH_VACUUM;
		return 1;
	}
	case PH_VACUUM: {
		int64_t before, left;

		if ((rc = store_vacuum_step(p->st, 0, &before, err, errsz)) != 0)
			return rc;
		if (before == 0) {
			p->ph = PH_END;
			return 0;
		}
		if ((rc = store_vacuum_step(p->st, BATCH_PAGES, &left, err, errsz)) != 0)
			return rc;
		p->n.vacuumed += before - left;
		if (left == 0 || left == before)
			p->ph = PH_END;
		return p->ph != PH_END;
	}
	case PH_END:
		break;
	}
	return 0;
}

/* ---- harkd's timer ---- */

struct pruner {
	struct store *st;
	struct event *ev; /* owned */
	const struct conf *conf;
	struct prune *pass; /* owned: the pass under way, or NULL */
};

static void
pruner_arm(struct pruner *pr, int64_t ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	evtimer_add(pr->ev, &tv);
}

static void
pruner_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pruner *pr = arg;
	char err[512];
	int rc;

	(void)fd;
	(void)what;
	if (pr->pass == NULL &&
	    (pr->pass = prune_new(pr->st, pr->conf, prune_clock(), false)) == NULL) {
		log_err("retention: out of memory");
		pruner_arm(pr, PRUNE_EVERY_S * 1000);
		return;
	}
	rc = prune_step(pr->pass, err, sizeof(err));
	if (rc == 1) {
		pruner_arm(pr, PRUNE_GAP_MS);
		return;
	}
	if (rc == STORE_BUSY) {
		pruner_arm(pr, PRUNE_RETRY_S * 1000);
		return;
	}
	if (rc == STORE_FATAL) /* harkd stops: store_on_fatal said it */
		return;
	if (rc < 0) {
		log_err("retention: %s; again in an hour", err);
	} else {
		const struct prune_counts *n = prune_counts(pr->pass);

		if (n->texts || n->hits || n->done || n->failed || n->vacuumed)
			log_info("retention: texts of articles %lld, hits %lld, files of done/ "
			         "%lld, of failed/ %lld removed; %lld free page%s given back",
			         (long long)n->texts, (long long)n->hits, (long long)n->done,
			         (long long)n->failed, (long long)n->vacuumed,
			         n->vacuumed == 1 ? "" : "s");
	}
	prune_free(pr->pass);
	pr->pass = NULL;
	pruner_arm(pr, PRUNE_EVERY_S * 1000);
}

struct pruner *
pruner_new(struct event_base *base, struct store *st, const struct conf *c)
{
	struct pruner *pr = calloc(1, sizeof(*pr));

	if (pr == NULL)
		return NULL;
	pr->st = st;
	pr->conf = c;
	if ((pr->ev = evtimer_new(base, pruner_cb, pr)) == NULL) {
		free(pr);
		return NULL;
	}
	pruner_arm(pr, PRUNE_FIRST_S * 1000);
	return pr;
}

void
pruner_configure(struct pruner *pr, const struct conf *c)
{
	/* a pass under way keeps its copy of the old settings; the next takes these */
	pr->conf = c;
}

void
pruner_free(struct pruner *pr)
{
	if (pr == NULL)
		return;
	if (pr->ev != NULL)
		event_free(pr->ev);
	prune_free(pr->pass);
	free(pr);
}
