/*
 * prune.h: retention (hark.conf(5) keep_articles, keep_hits, keep_done,
 * keep_failed). A pass removes, in small batches each its own transaction,
 * the text of the articles older than keep_articles (their rows, hits and
 * fingerprints stay, so deduplication and hark hits work), the hits older
 * than keep_hits, the files of done/ and failed/ older than theirs, then
 * gives the database's free pages back (incremental vacuum). harkd runs a
 * pass shortly after its start and then hourly, a batch at a time on its
 * loop; `hark prune` runs one at once.
 */
#ifndef HARK_PRUNE_H
#define HARK_PRUNE_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct event_base;
struct store;
struct store_article_row;

/* What a pass removed (or, dry, would remove). */
struct prune_counts {
	int64_t texts, hits, done, failed; /* articles' texts, hits, files of done/ and failed/ */
	int64_t vacuumed;                  /* pages given back to the file system */
};

/*
 * Now, for retention: time(NULL) plus $HARK_TEST_CLOCK_SKEW seconds when
 * set (the tests and the benchmark make time pass so; nothing else reads it).
 */
int64_t prune_clock(void);

struct prune;
/*
 * A pass over st and c's spool at now (seconds). dry: count what would go,
 * remove nothing. Returns NULL when out of memory.
 */
struct prune *prune_new(struct store *st, const struct conf *c, int64_t now, bool dry);
/*
 * One batch. Returns 1 when there is more to do, 0 when the pass is over,
 * -1, STORE_BUSY (try the same batch again later) or STORE_FATAL with err.
 */
int prune_step(struct prune *p, char *err, size_t errsz);
const struct prune_counts *prune_counts(const struct prune *p);
void prune_free(struct prune *p);

/* harkd's: a pass after the start, then hourly, a batch a turn of the loop. */
struct pruner;
struct pruner *pruner_new(struct event_base *base, struct store *st, const struct conf *c);
/* After a reload: c is borrowed until the next call or pruner_free. */
void pruner_configure(struct pruner *pr, const struct conf *c);
void pruner_free(struct pruner *pr);

#endif
