/* hit.h: what a hit says to people: its snippet and its JSON object (CLI.md). */
#ifndef HARK_HIT_H
#define HARK_HIT_H

#include <jansson.h>
#include <stddef.h>

#include "doc.h"
#include "match.h"

/*
 * The snippet of about 200 characters around the first match, on one line,
 * cut on character boundaries, with every match inside it between open and
 * close (e.g. "«" "»", or colour escapes). Caller frees.
 */
char *hit_snippet(const struct document *doc, const struct hit *h, const char *open,
                  const char *close);

/* The hit object of CLI.md; detected_at is an RFC 3339 time. Caller decrefs. */
json_t *hit_to_json(const struct document *doc, const struct hit *h, const char *detected_at);

#endif
