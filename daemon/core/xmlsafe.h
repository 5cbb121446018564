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

/* Call before any parse; cheap after the first call; thread-safe. */
void xmlsafe_init(void);

/*
 * out = "PREFIX LINE: message", the message trimmed, cut at 400 bytes on a
 * character boundary, its newlines and tabs made spaces.
 */
void xmlsafe_error(char *out, size_t outsz, const char *prefix, long line, const char *msg);

#endif
