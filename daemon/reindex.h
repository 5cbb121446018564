/*
 * reindex.h: harkd's rebuild of the full-text index (FTS5: hark backtest,
 * /try) when the folds changed since it was made (token.h NORM_VERSION):
 * a batch of articles at a time on the event loop, so that intake, the
 * outbox and the pages wait for one batch at most; the index in use keeps
 * answering until the new one replaces it (store_fts_rebuild_step()).
 */
#ifndef HARK_REINDEX_H
#define HARK_REINDEX_H

#include <event2/event.h>
#include <stddef.h>

#include "store.h"

struct reindex;

/*
 * Start the rebuild when the store's index was made with another version.
 * Returns 0 with *out the running rebuild (NULL: nothing to do), or the
 * store's error code with err. st must outlive it.
 */
int reindex_start(struct event_base *base, struct store *st, struct reindex **out, char *err,
                  size_t errsz);
/* Stop a rebuild (it goes on at the next start) and free it; NULL is fine. */
void reindex_free(struct reindex *ri);

#endif
