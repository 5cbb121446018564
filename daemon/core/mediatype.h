/*
 * mediatype.h: an HTTP Content-Type value (RFC 9110 §8.3) read for POST
 * /api/v1/articles: its type/subtype mapped to the format the extractor
 * would otherwise sniff (extract.h), and its charset parameter, the
 * declared encoding. Pure: a string in, values out.
 */
#ifndef HARK_MEDIATYPE_H
#define HARK_MEDIATYPE_H

#include <stddef.h>

#include "extract.h"

struct mediatype {
	char type[80];            /* "text/html", lower-cased; "" when none was given */
	char charset[40];         /* the charset parameter as given (unquoted), or "" */
	enum extract_declared as; /* what the extractor reads it as */
};

/*
 * Read value (NULL or blank: no Content-Type, read as a dropped file is, by
 * its content). Known types: text/plain (text, front matter when it opens
 * with it); text/markdown, text/x-markdown (Markdown, as a .md file: its
 * markup is not text; front matter when it opens with it); text/html,
 * application/xhtml+xml (HTML); application/json, text/json (a JSON
 * article); application/rss+xml, application/atom+xml,
 * application/rdf+xml, application/feed+json, application/xml, text/xml (a
 * feed); application/octet-stream (sniffed). Returns 0; -1 when value is
 * not a media type (err names what is wrong: a 400); -2 when the type is
 * not one of those, or its charset one charset.h does not know (err names
 * it: a 415).
 */
int mediatype_parse(const char *value, struct mediatype *m, char *err, size_t errsz);

#endif
