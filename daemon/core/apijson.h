/*
 * apijson.h: the objects of the JSON API (HTTP.md) made from what the store
 * returns, the same as the CLI's --json objects: one schema for the CLI,
 * the webhooks and the API. The hit object is stored as text already (the
 * hit object of CLI.md): it is parsed and placed as it is, never rebuilt.
 * Pure: values in, jansson objects out (the caller decrefs).
 */
#ifndef HARK_APIJSON_H
#define HARK_APIJSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A stored article; strings borrowed, NULL when absent. */
struct apijson_article {
	const char *id, *title, *body, *url, *source, *file, *lang, *published;
	const char *format, *charset; /* how it was read: only in apijson_article_page */
	const char *near_of;          /* the first article of its near-duplicate group, or NULL */
	const char
	    *revision_of; /* a revision (a feed item's changed text): the article it revises */
	int64_t seen_at;  /* Unix seconds */
};

/* Unix milliseconds as RFC 3339 UTC, "2026-11-21T10:00:00Z" (the hit's detected_at). */
void apijson_time(int64_t ms, char out[32]);

/*
 * Parse a stored hit object and append it to array. Returns 0, -1 when
 * stored is not a JSON object (a damaged row: the caller says so).
 */
int apijson_hit_append(json_t *array, const char *stored);

/* {"hits": [...], "next": CURSOR or null}; hits (an array) is stolen. */
json_t *apijson_hits_page(json_t *hits, const char *next);

/*
 * The article as the hit object's "article" says it (id, title, url,
 * source, file, lang, published; absent ones omitted), with seen_at (RFC
 * 3339), near_of and revision_of when set. A duplicate in an article's list
 * is this.
 */
json_t *apijson_article(const struct apijson_article *a);

/*
 * GET /api/v1/articles/ID: apijson_article(a), with "fields" (each
 * field's extracted text: title, body), "hits" (stored hit objects, newest
 * first) and "duplicates" (the other articles of its near-duplicate group:
 * apijson_article objects); hits and dups (arrays) are stolen. A body of
 * NULL is a text that retention removed (keep_articles: hark stores an
 * article without one with ""): "text_pruned": true, and no "body".
 */
json_t *apijson_article_page(const struct apijson_article *a, json_t *hits, json_t *dups);

/*
 * A rule's hit counts set on its object (the rule of /api/v1/rules):
 * hits_24h, hits_7d, hits_30d, last_hit (RFC 3339, null when none) and
 * hits_per_day (ndays counts, the oldest first: ready for a chart; per_day
 * is as the store gives it, [0] the 24 h before now). Returns 0, -1 when
 * rule is not an object.
 */
int apijson_rule_stats(json_t *rule, int64_t hits_24h, int64_t hits_7d, int64_t hits_30d,
                       int64_t last_hit_ms, const int64_t *per_day, size_t ndays);

#endif
