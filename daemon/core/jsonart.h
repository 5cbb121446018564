/* jsonart.h: a JSON article {"title","url","body" or "html","lang","published"} (jansson). */
#ifndef HARK_JSONART_H
#define HARK_JSONART_H

#include <stddef.h>

#include "article.h"

/* Is text a JSON object (first non-blank byte '{') that is not a JSON Feed? */
int jsonart_sniff(const char *utf8, size_t len);

/*
 * Parse it. "body" is plain text; "html" is markup (*body_html set to 1) and
 * is used when "body" is absent. Also accepted: "link" for "url", "date" for
 * "published", "summary"/"description", "keywords" (string or array),
 * "authors"/"author". Returns 0, or -1 with a one-line reason in err ("JSON
 * line 1 column 7: ...", "JSON article: \"title\" is not a string").
 */
int jsonart_parse(const char *utf8, size_t len, struct article *a, int *body_html, char *err,
                  size_t errsz);

#endif
