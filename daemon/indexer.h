/*
 * indexer.h: harkd's full-text index (FTS5: hark backtest, /try, q=) kept up
 * with the articles intake stores, off intake's path: intake commits an
 * article and its hits without its index keys, and the indexer puts them in
 * later, a batch a transaction (store_fts_catch_up), with the keys the
 * workers made (indexer_offer): about a second after intake's commit, once
 * intake has nothing in hand (its files and jobs come first: during a burst
 * the index waits, up to INDEXER_MAX_LAG_MS behind), and then only when the
 * loop has nothing more urgent to do (libevent's lowest priority). A search
 * meanwhile reads the articles the index has not caught up with as well
 * (store.h), so it misses none. What a crash leaves behind is indexed at
 * the next start: the index records how far it has come in its own
 * transactions.
 */
#ifndef HARK_INDEXER_H
#define HARK_INDEXER_H

#include <event2/event.h>

#include "store.h"

/*
 * The priorities harkd's event base is made with (event_base_priority_init):
 * every event is at the middle one unless said otherwise, the indexer at
 * the lowest.
 */
#define INDEXER_PRIORITIES 3

struct indexer;

/*
 * An indexer of st (borrowed; it must outlive the indexer), which starts by
 * catching up with what a previous run left. NULL when out of memory.
 */
struct indexer *indexer_new(struct event_base *base, struct store *st);
/* Articles were committed: index them soon. NULL is fine. */
void indexer_kick(struct indexer *ix);
/*
 * The keys a worker made of the article committed as seq (presearch.h):
 * taken (*keys set to NULL) to be indexed without tokenizing it again, or
 * left to the caller to free when too many wait. Offers come in the order
 * of seq. NULL ix is fine.
 */
void indexer_offer(struct indexer *ix, int64_t seq, char **keys);
/*
 * busy(arg): nonzero while intake has files or jobs in hand, which go
 * before the index (NULL: never busy).
 */
void indexer_set_busy(struct indexer *ix, int (*busy)(void *), void *arg);
/* Stop (what is left is indexed at the next start) and free; NULL is fine. */
void indexer_free(struct indexer *ix);

#endif
