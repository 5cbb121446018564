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
 * The text the FTS5 index keeps for doc: each key the matcher would look up
 * for each token of the title and body (folded forms, clitic-stripped
 * variants...), separated by spaces. Returns a string the caller frees, or
 * NULL when out of memory.
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
