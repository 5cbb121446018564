/*
 * intake.h: the drop directory's files on their way to the store. Owns the
 * queue of names, the inotify event, the workers (work.h) and the commit
 * of finished jobs: article, hits and (later) deliveries in one transaction,
 * and only then the file moved to done/ or deleted: the file read, not
 * whatever its name holds by then (a name replaced is read again). A
 * database that stays locked keeps the files in incoming/ and is tried
 * again; so is a move the system refuses (a full disk), on a back-off
 * timer. incoming/ removed or renamed away is made again and watched.
 */
#ifndef HARK_INTAKE_H
#define HARK_INTAKE_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

#include "dropdir.h"
#include "hist.h"
#include "indexer.h"
#include "outbox.h"
#include "store.h"
#include "work.h"

struct intake_opts {
	bool keep_done;
	size_t max_size;                 /* max_document_size */
	int near_days;                   /* near duplicates are looked for among this many days */
	int near_bits;                   /* at most this many SimHash bits apart */
	char lang_prior[LANG_PRIOR_MAX]; /* [hark] languages, "" for none */
};

struct intake;

/*
 * dd and st stay owned by the caller and must outlive the intake. Returns
 * NULL with err.
 */
struct intake *intake_new(struct event_base *base, struct dropdir *dd, struct store *st,
                          int nthreads, char *err, size_t errsz);
void intake_free(struct intake *in);
/*
 * A feed poll's body: extracted and matched like a file, each entry an
 * article with the feed's name as its source; items seen before are
 * skipped. bytes become the intake's; f too (freed with the job), and
 * f->done is called after the commit or the failure. Returns 0, -1 when
 * stopping or out of memory (bytes and f stay the caller's).
 */
int intake_feed(struct intake *in, char *bytes, size_t len, struct job_feed *f);

/*
 * A POST /api/v1/articles body: extracted, matched and committed as a
 * dropped file is (the same queue, workers, transaction and duplicate
 * checks), its articles' source "api"; from (the client's address) names
 * it in the log. bytes become the intake's, p too (freed with the job);
 * p->done is called once, after the commit or the failure (see work.h).
 * Returns 0; -1 when stopping or out of memory, -2 when INTAKE_MAX_POSTS
 * bodies are in flight already (bytes and p stay the caller's).
 */
int intake_post(struct intake *in, char *bytes, size_t len, const char *from, struct job_post *p);

/*
 * The outbox that routes alerted hits to webhooks, in their transaction
 * (borrowed; NULL: none).
 */
void intake_set_outbox(struct intake *in, struct outbox *ob);
/* The full-text index told of each commit (borrowed; NULL: none). */
void intake_set_indexer(struct intake *in, struct indexer *ix);
/*
 * Nonzero while intake has work in hand: names queued, jobs read, worked
 * or waiting for their commit, files waiting for their move (arg: the
 * intake; the full-text index waits for it, indexer_set_busy()).
 */
int intake_busy(void *arg);
/* The rules for jobs dispatched from now on (takes a reference). */
void intake_set_rules(struct intake *in, struct rules *r);
void intake_set_opts(struct intake *in, const struct intake_opts *o);
/* Start watching incoming/ and queue everything already there. */
int intake_start(struct intake *in, char *err, size_t errsz);
/*
 * Stop taking new files; once nothing is in flight or waiting for its
 * commit, call idle(arg) (at once when nothing is).
 */
void intake_stop(struct intake *in, void (*idle)(void *), void *arg);

struct intake_stats {
	size_t queued, in_flight; /* names waiting, jobs being worked or committed */
	unsigned long articles, duplicates, near_duplicates, hits, alerts, failed;
	unsigned long muted;         /* hits of muted rules: stored, not alerted */
	int64_t latency_max_ns;      /* drop-to-commit of the slowest job */
	unsigned long articles_feed; /* of articles, those of feeds */
	unsigned long articles_api;  /* of articles, those posted (the rest were dropped) */
	struct hist commit_seconds;  /* drop-to-commit of every job committed (GET /metrics) */
};
void intake_stats(const struct intake *in, struct intake_stats *s);

#endif
