/*
 * source.h: the source= filter of the hits (hark hits --source, GET
 * /api/v1/hits?source=, the page /), checked the same way everywhere, as
 * rule= and tag= are: a value no source has is a typo, which an empty list
 * would pass off as a quiet feed.
 */
#ifndef HARK_SOURCE_H
#define HARK_SOURCE_H

#include <stddef.h>

struct conf;
struct store;

/*
 * Whether source names a source of hits: a [feed NAME] of c (c may be
 * NULL), drop (the spool), api (POST /api/v1/articles), or one a stored hit
 * has (a feed since removed keeps its hits). Returns 0; 400 when it cannot
 * be a source's name (a feed's name is letters, digits, - _ .); 404 when it
 * names none; 503 when the store did not answer. err says why in one line.
 */
int source_check(const struct conf *c, struct store *st, const char *source, char *err,
                 size_t errsz);

#endif
