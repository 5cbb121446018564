/*
 * presearch.h: narrowing the stored archive to the articles a ruleset could
 * hit, with SQLite's FTS5 (the presearcher idea of Lucene Monitor, run
 * backwards). The index holds, for each stored article, the normalized keys
 * the matcher looks up for its tokens; a ruleset gives an FTS5 query that
 * every article it can hit matches. `hark backtest` runs the full matcher
 * on the candidates only, so narrowing may let through too much but must
 * never drop an article that a rule hits.
 */
#ifndef HARK_PRESEARCH_H
#define HARK_PRESEARCH_H

#include "doc.h"
#include "ruleset.h"

/*
 * Above this many bytes of keys, an article is indexed by one key that
 * every query matches: feeding FTS5 megabytes of keys takes the store's
 * thread (harkd's loop) hundreds of milliseconds, and the full matcher
 * still decides.
 */
#define PRESEARCH_INDEX_MAX (256u << 10)

/*
 * The text the FTS5 index keeps for doc: each key the matcher would look up
 * for each token of every field (folded forms, clitic-stripped
 * variants...), separated by spaces, or the one key every query matches
 * when that is longer than PRESEARCH_INDEX_MAX. Returns a string the caller
 * frees, or NULL when out of memory.
 */
char *presearch_index_text(const struct document *doc);

/*
 * An FTS5 MATCH expression for rs (tokens quoted), or NULL with *all set to
 * 1 when some rule cannot be narrowed (a bare regex, a fuzzy word, a rule
 * that is only NOT...) and every article must be matched; NULL with *all 0
 * when out of memory. Caller frees.
 */
char *presearch_query(const struct ruleset *rs, int *all);

#endif
