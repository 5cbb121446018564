/* jsonart.h: a JSON article {"title","url","body" or "html","lang","published"} (jansson). */
#ifndef HARK_JSONART_H
#define HARK_JSONART_H

#include <stddef.h>

#include "article.h"

/*
 * Is text a JSON object (first non-blank byte '{') that is not a JSON Feed
 * (a top-level "version" starting https://jsonfeed.org/version/, slashes
 * escaped or not)? A byte scan, no parse: broken JSON that opens with '{'
 * is sniffed in, so that jsonart_parse() says what is wrong with it.
 */
int jsonart_sniff(const char *utf8, size_t len);

/*
 * Parse it. "body" is plain text; "html" is markup (*body_html set to 1) and
 * is used when "body" is absent. Also accepted: "link" for "url", "date" for
 * "published", "description" for "summary", "language" for "lang", "tags"
 * for "keywords" (a string, or an array of strings joined with ", "),
 * "updated", "id" (a string or a number), "authors", else "author" (a
 * string, an object with a "name", or an array of them). A key outranks its
 * alias; among duplicate keys the last wins. null and "" count as absent.
 * Any other top-level key is an error ("unknown key \"text\" in a JSON
 * article (known: ...)"): its text would be lost unseen.
 * Fields found replace those a holds; on error a and *body_html are left
 * as they were. Returns 0, or -1 with a one-line reason in err ("JSON line
 * 3 column 12: unexpected token near ','", "JSON article: \"title\" is not a
 * string", "JSON article: not an object"); nesting deeper than jansson's
 * limit (2048) is such a syntax error.
 */
int jsonart_parse(const char *utf8, size_t len, struct article *a, int *body_html, char *err,
                  size_t errsz);

#endif
