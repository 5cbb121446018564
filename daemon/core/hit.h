/* hit.h: what a hit says to people: its snippet and its JSON object (CLI.md). */
#ifndef HARK_HIT_H
#define HARK_HIT_H

#include <jansson.h>
#include <stddef.h>

#include "doc.h"
#include "match.h"

/*
 * A snippet: about 200 characters of one field on one line (the field
 * whole when it fits, else cut between words around the match, the room
 * shared fairly between its sides), and the matches inside it (RULES.md §5).
 */
struct snippet_mark {
	size_t start, end; /* byte offsets into text */
};

struct snippet {
	char *text; /* owned, NUL-terminated, valid UTF-8 when the document is */
	size_t len;
	struct snippet_mark *marks; /* owned; ascending, disjoint, inside text */
	size_t nmarks;
};

/*
 * The snippet of h: the window with the most distinct matched atoms, the
 * body's before the title's (which would repeat the headline), then the
 * one with the atom the query names first; every match inside it marked.
 * 0, or -1 when out of memory. snippet_free() it.
 */
int hit_snippet_make(const struct document *doc, const struct hit *h, struct snippet *sn);

void snippet_free(struct snippet *sn);

/* The snippet's text with each mark between open and close. Caller frees; NULL: no memory. */
char *snippet_marked(const struct snippet *sn, const char *open, const char *close);

/* hit_snippet_make() then snippet_marked(). Caller frees; NULL: no memory. */
char *hit_snippet(const struct document *doc, const struct hit *h, const char *open,
                  const char *close);

/* {"text": …, "marks": [[start, end]…]} with character offsets (CLI.md). Caller decrefs. */
json_t *snippet_to_json(const struct snippet *sn);

/*
 * Read a hit object's snippet v: the {"text", "marks"} object, or a plain
 * string (hits stored before marks, shown as they are, unmarked); anything
 * else is an empty snippet. Marks that are out of range or out of order are
 * dropped. 0, or -1 when out of memory. snippet_free() it.
 */
int snippet_from_json(const json_t *v, struct snippet *sn);

/* A hit's id: "h_" + 16 hex digits of article_id "/" rule_id, the same for the same pair. */
void hit_id(const char *article_id, const char *rule_id, char id[24]);

/*
 * A stored hit object (hit_to_json()) made the hit of article_id instead:
 * its "id" (into id) made again for article_id and its rule, and
 * "article"."id" set, and "article"."revision_of" to revision_of (the
 * first article's id; not set when NULL), so that a receiver tells a
 * revised article from a new one; the rest as it was. For a revision, whose id is known
 * only once the loop has looked in the store, after its hits were made.
 * *out is a new string (free it). 0, -1 when json is no hit object (no
 * rule id, no article) or out of memory (*out NULL).
 */
int hit_json_rebase(const char *json, const char *article_id, const char *revision_of, char **out,
                    char id[24]);

/* The hit object of CLI.md; detected_at is an RFC 3339 time. Caller decrefs. */
json_t *hit_to_json(const struct document *doc, const struct hit *h, const char *detected_at);

#endif
