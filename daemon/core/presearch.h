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
#include "token.h"

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
 * The same from tokens someone already made (the matcher's,
 * matcher_set_index_text()): presearch_text_reset() for doc, then for each
 * field in order either each of its tokens in order (presearch_text_token())
 * or the field itself to tokenize (presearch_text_field()), then
 * presearch_text_take(): presearch_index_text()'s value, which the caller
 * frees, or NULL when out of memory.
 */
struct presearch_text;
struct presearch_text *presearch_text_new(void);
void presearch_text_free(struct presearch_text *it);
void presearch_text_reset(struct presearch_text *it, const struct document *doc);
void presearch_text_token(struct presearch_text *it, const struct toklist *tl,
                          const struct token *t);
void presearch_text_field(struct presearch_text *it, const char *field, size_t len);
char *presearch_text_take(struct presearch_text *it);

/*
 * An FTS5 MATCH expression for rs (tokens quoted), or NULL with *all set to
 * 1 when some rule cannot be narrowed (a bare regex, a fuzzy word, a rule
 * that is only NOT...) and every article must be matched; NULL with *all 0
 * when out of memory. Caller frees.
 */
char *presearch_query(const struct ruleset *rs, int *all);

#endif
