/*
 * xmlsafe.h: what every libxml2 user of the core shares. One process-wide
 * set-up (the parser initialised once, and an external entity loader that
 * refuses everything: a feed, a page or an OPML file is one document, and
 * nothing is ever fetched while parsing), and libxml2's errors made one
 * line.
 */
#ifndef HARK_XMLSAFE_H
#define HARK_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>

/* Call before any parse; cheap after the first call; thread-safe. */
void xmlsafe_init(void);

/*
 * out = "PREFIX LINE: message", the message trimmed, cut at 400 bytes on a
 * character boundary, its newlines and tabs made spaces.
 */
void xmlsafe_error(char *out, size_t outsz, const char *prefix, long line, const char *msg);

/* A growable string, always NUL-terminated once anything was added. */
struct xmlsafe_buf {
	char *p; /* owned */
	size_t n, cap;
};
/* Returns 0, -1 when out of memory. */
int xmlsafe_buf_add(struct xmlsafe_buf *b, const char *s, size_t n);

/*
 * Append the text of the node list n (text, CDATA, descendants' text, and
 * internal entities of doc) to b. libxml2's own getters (xmlNodeGetContent,
 * xmlGetProp) would expand entities without a bound: here what entities add
 * counts against *budget, a byte per node and per byte of text; when it
 * runs out the text is cut short and *cut set. External entities read as
 * nothing. Nesting beyond maxdepth is not read. *oom is set when b cannot
 * grow.
 */
void xmlsafe_text(const xmlDoc *doc, const xmlNode *n, int maxdepth, size_t *budget, int *cut,
                  struct xmlsafe_buf *b, int *oom);

#endif
