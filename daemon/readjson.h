/*
 * readjson.h: the JSON objects read from the store that hark prints with
 * --json and harkd's API serves (HTTP.md): one builder for both, so the
 * CLI and the API keep one schema. Objects are jansson's (the caller
 * decrefs).
 */
#ifndef HARK_READJSON_H
#define HARK_READJSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* RFC 3339 UTC of Unix seconds, or JSON null for 0 (never). */
json_t *readjson_time(int64_t secs);

/*
 * hark article --json ID, GET /api/v1/articles/ID: the article page object
 * of apijson_article_page() in *out. *damaged counts the stored hits that
 * are not JSON objects (left out). Returns 1, 0 when there is no such
 * article (*out NULL), -1 or STORE_BUSY with err.
 */
int readjson_article(struct store *st, const char *id, json_t **out, int *damaged, char *err,
                     size_t errsz);

/*
 * "reload_failed" of hark status --json and GET /api/v1/status: null when
 * the last reload was taken (or none failed), else {"at": RFC 3339 of the
 * failure, "error": its one-line cause, "rules_loaded": RFC 3339 of when
 * the rules still in force were loaded}.
 */
json_t *readjson_reload_failed(int64_t failed_at, int64_t rules_at, const char *error);

/* One feed of hark status --json ("feeds"). */
json_t *readjson_feed(const struct store_feed_row *r);
/* A webhook disabled by 410 Gone ("webhooks_disabled"). */
json_t *readjson_webhook(const struct store_webhook_row *r);
/* The counts of hark status --json set on o: articles ... schema_version. */
void readjson_status_counts(json_t *o, const struct store_status *s);

/* The feeds of hark status --json appended to feeds, by name. Returns 0, -1 or STORE_BUSY. */
int readjson_feeds(struct store *st, json_t *feeds, char *err, size_t errsz);

/*
 * One delivery of hark deliveries --json, GET /api/v1/deliveries: id, hit,
 * rule, webhook, state, attempts, last_status, last_error, created,
 * next_attempt (pending only), sent.
 */
json_t *readjson_delivery(const struct store_delivery_row *r);
/* The newest limit deliveries in state (NULL: any) appended to out. 0, -1 or STORE_BUSY. */
int readjson_deliveries(struct store *st, const char *state, int limit, json_t *out, char *err,
                        size_t errsz);
/* Delivery id in *out: 1, 0 when there is none, -1 or STORE_BUSY. */
int readjson_delivery_get(struct store *st, int64_t id, json_t **out, char *err, size_t errsz);

/* A mute of "muted": {"rule": ID, "until": RFC 3339, "since": RFC 3339}. */
json_t *readjson_mute(const struct store_mute_row *r);
/*
 * The mutes in force at now (Unix seconds), appended to mutes by rule id:
 * {"rule": ID, "until": RFC 3339, "since": RFC 3339}. Returns 0, -1 or
 * STORE_BUSY.
 */
int readjson_mutes(struct store *st, int64_t now, json_t *mutes, char *err, size_t errsz);

/*
 * What hark status --json says of the store, set on o in its order:
 * the counts, "feeds", "webhooks_disabled", "muted" (readjson_mutes).
 * Returns 0, -1 or STORE_BUSY.
 */
int readjson_status(struct store *st, json_t *o, char *err, size_t errsz);

#endif
