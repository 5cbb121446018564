/*
 * match.h: run a compiled ruleset over one document and report its hits with
 * every matched atom and its place.
 */
#ifndef HARK_MATCH_H
#define HARK_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "ruleset.h"

struct match_span {
	const char *atom;    /* the atom as written (owned by the ruleset) */
	uint8_t field;       /* enum field */
	uint32_t start, end; /* byte offsets in that field's text */
};

struct hit {
	const struct rule *rule;
	const struct match_span *spans; /* sorted by field, then start; owned by the matcher */
	size_t nspans;
};

/* Per-thread scratch for matching: one per thread, reused across documents. */
struct matcher;

struct matcher *matcher_new(const struct ruleset *rs);
void matcher_free(struct matcher *m);

/* Called once per hit, in rule order; return non-zero to stop. */
typedef int (*hit_fn)(const struct hit *h, void *arg);

/*
 * Match doc. Calls fn for each rule the document hits. The document's
 * language is identified (doc_lang()) only when a candidate rule depends on
 * it or before its first hit is reported. Returns the number of
 * hits, or -1 when out of memory. Bounded: each regex runs with match and
 * depth limits, and a rule reports at most MATCH_MAX_SPANS spans.
 */
int matcher_run(struct matcher *m, struct document *doc, hit_fn fn, void *arg);

/*
 * Whether matcher_run() identifies the language before it reports a hit
 * (on: the default, for hit objects, which name it). Off for a caller
 * whose hits do not show it (hark match's text lines): the language is
 * then identified only for the rules that name languages.
 */
void matcher_set_hit_lang(struct matcher *m, int on);

/*
 * Whether matcher_run() makes a pending SimHash of the document (doc.h:
 * doc_simhash) from the body's tokens it makes anyway, rather than a
 * second tokenization later: for harkd, which stores it. Off by default.
 * Returns 0, -1 when out of memory.
 */
int matcher_set_fingerprint(struct matcher *m, int on);

/*
 * Whether matcher_run() makes the document's index text (presearch.h:
 * presearch_index_text) from the tokens it makes anyway, tokenizing only
 * the fields no rule reads: for harkd, which stores it. Off by default.
 * Returns 0, -1 when out of memory. matcher_take_index_text(): the text of
 * the last matcher_run() that succeeded (once), which the caller frees;
 * NULL when out of memory or off.
 */
int matcher_set_index_text(struct matcher *m, int on);
char *matcher_take_index_text(struct matcher *m);

/*
 * The rules whose regex hit PCRE2's match, depth or heap limit on the last
 * document matcher_run() saw: their answer there may be wrong (a match in
 * a stretch that hit the limit is missed). Returns how many; with i below
 * that, *rule is the i-th (in rule order; the ruleset's, valid while it is).
 */
size_t matcher_limited(const struct matcher *m, size_t i, const struct rule **rule);

#define MATCH_MAX_SPANS 64

#endif
