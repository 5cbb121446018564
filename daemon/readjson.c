/*
 * readjson.c: the JSON objects of hark --json and of the API read from the
 * store (readjson.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apijson.h"
#include "readjson.h"

json_t *
readjson_time(int64_t secs)
{
	char buf[32];
	time_t t = (time_t)secs;
	struct tm tm;

	if (secs == 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

json_t *
readjson_reload_failed(int64_t failed_at, int64_t rules_at, const char *error)
{
	if (failed_at == 0)
		return json_null();
	return json_pack("{s:o, s:s, s:o}", "at", readjson_time(failed_at), "error",
	                 error != NULL ? error : "", "rules_loaded", readjson_time(rules_at));
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* ---- an article ---- */

struct article_out {
	json_t *o;   /* owned: the article page object, once found */
	int damaged; /* stored hits that are not JSON objects */
};

static struct apijson_article
article_values(const struct store_article_row *r)
{
	struct apijson_article a = {
	    .id = r->id,
	    .title = r->title,
	    .body = r->body,
	    .url = r->url,
	    .source = r->source,
	    .file = r->file,
	    .lang = r->lang,
	    .published = r->published,
	    .format = r->format,
	    .charset = r->charset,
	    .near_of = r->near_of,
	    .revision_of = r->revision_of,
	    .seen_at = r->seen_at,
	};

	return a;
}

static int
article_cb(const struct store_article_row *r, void *arg)
{
	struct article_out *out = arg;
	struct apijson_article a = article_values(r);

	/* the row's strings die with the callback: the object copies them now */
	out->o = apijson_article_page(&a, json_array(), json_array());
	return out->o == NULL;
}

static int
hit_cb(const struct store_hit_row *r, void *arg)
{
	struct article_out *out = arg;

	if (apijson_hit_append(json_object_get(out->o, "hits"), r->json) < 0)
		out->damaged++;
	return 0;
}

static int
dup_cb(const struct store_article_row *r, void *arg)
{
	struct article_out *out = arg;
	struct apijson_article a = article_values(r);

	json_array_append_new(json_object_get(out->o, "duplicates"), apijson_article(&a));
	return 0;
}

int
readjson_article(struct store *st, const char *id, json_t **out, int *damaged, char *err,
                 size_t errsz)
{
	struct article_out ao = {0};
	int rc = store_article_get(st, id, article_cb, hit_cb, dup_cb, &ao, err, errsz);

	*damaged = ao.damaged;
	*out = NULL;
	if (rc < 0) {
		json_decref(ao.o);
		return rc;
	}
	if (rc == 1 && ao.o == NULL) {
		snprintf(err, errsz, "article %s: out of memory", id);
		return -1;
	}
	*out = ao.o;
	return rc == 1 ? 1 : 0;
}

/* ---- status ---- */

json_t *
readjson_feed(const struct store_feed_row *r)
{
	json_t *e = json_object();

	json_object_set_new(e, "name", json_string(r->name));
	json_object_set_new(e, "url", str_or_null(r->url));
	json_object_set_new(e, "last_ok", readjson_time(r->last_ok));
	json_object_set_new(e, "last_error", str_or_null(r->last_error));
	json_object_set_new(e, "next_poll", readjson_time(r->next_poll));
	json_object_set_new(e, "gone", json_boolean(r->gone));
	/* a last_error after a poll that went well is a warning (an ill-formed feed read anyway) */
	json_object_set_new(e, "state",
	                    json_string(r->gone                 ? "gone"
	                                : r->last_error == NULL ? "ok"
	                                : r->failures == 0      ? "warning"
	                                                        : "failing"));
	return e;
}

json_t *
readjson_webhook(const struct store_webhook_row *r)
{
	json_t *e = json_object();

	json_object_set_new(e, "name", json_string(r->name));
	json_object_set_new(e, "reason", str_or_null(r->reason));
	json_object_set_new(e, "since", readjson_time(r->disabled_at));
	return e;
}

void
readjson_status_counts(json_t *o, const struct store_status *s)
{
	json_object_set_new(o, "articles", json_integer(s->articles));
	json_object_set_new(o, "near_duplicates", json_integer(s->near_duplicates));
	json_object_set_new(o, "hits", json_integer(s->hits));
	json_object_set_new(o, "alerts", json_integer(s->alerts));
	json_object_set_new(o, "last_article", readjson_time(s->last_article_at));
	json_object_set_new(o, "last_hit", readjson_time(s->last_hit_at / 1000));
	json_object_set_new(o, "deliveries",
	                    json_pack("{sIsIsI}", "pending", (json_int_t)s->deliveries_pending,
	                              "failed", (json_int_t)s->deliveries_failed, "cancelled",
	                              (json_int_t)s->deliveries_cancelled));
	json_object_set_new(o, "schema_version", json_integer(s->schema_version));
}

static int
feed_cb(const struct store_feed_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_feed(r));
}

int
readjson_feeds(struct store *st, json_t *feeds, char *err, size_t errsz)
{
	return store_feeds_each(st, feed_cb, feeds, err, errsz);
}

static int
webhook_cb(const struct store_webhook_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_webhook(r));
}

json_t *
readjson_mute(const struct store_mute_row *r)
{
	return json_pack("{s:s,s:o,s:o}", "rule", r->rule_id, "until", readjson_time(r->until),
	                 "since", readjson_time(r->muted_at));
}

static int
mute_cb(const struct store_mute_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_mute(r));
}

int
readjson_mutes(struct store *st, int64_t now, json_t *mutes, char *err, size_t errsz)
{
	return store_mutes_each(st, now, mute_cb, mutes, err, errsz);
}

int
readjson_status(struct store *st, json_t *o, char *err, size_t errsz)
{
	struct store_status s;
	json_t *feeds = json_array(), *disabled = json_array(), *muted = json_array();
	int rc;

	if ((rc = store_status_get(st, &s, err, errsz)) == 0 &&
	    (rc = readjson_feeds(st, feeds, err, errsz)) == 0 &&
	    (rc = store_webhooks_each(st, webhook_cb, disabled, err, errsz)) == 0)
		rc = readjson_mutes(st, (int64_t)time(NULL), muted, err, errsz);
	if (rc == 0) {
		readjson_status_counts(o, &s);
		json_object_set(o, "feeds", feeds);
		json_object_set(o, "webhooks_disabled", disabled);
		json_object_set(o, "muted", muted);
	}
	json_decref(feeds);
	json_decref(disabled);
	json_decref(muted);
	return rc;
}

/* ---- deliveries ---- */

json_t *
readjson_delivery(const struct store_delivery_row *r)
{
	json_t *hit = r->hit_json != NULL ? json_loads(r->hit_json, 0, NULL) : NULL;
	const char *rule = json_string_value(json_object_get(json_object_get(hit, "rule"), "id"));
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "hit", json_string(r->hit_id));
	json_object_set_new(o, "rule", json_string(rule != NULL ? rule : "?"));
	/*
	 * "destination": a [webhook] or an [email] (hark(1)); "webhook", the
	 * same name under the key it had before emails, kept for the scripts
	 * that read it
	 */
	json_object_set_new(o, "destination", json_string(r->webhook));
	json_object_set_new(o, "webhook", json_string(r->webhook));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "last_status",
	                    r->last_status ? json_integer(r->last_status) : json_null());
	json_object_set_new(o, "last_error", str_or_null(r->last_error));
	json_object_set_new(o, "created", readjson_time(r->created_at));
	json_object_set_new(o, "next_attempt",
	                    strcmp(r->state, "pending") == 0 ? readjson_time(r->next_at)
	                                                     : json_null());
	json_object_set_new(o, "sent", readjson_time(r->sent_at));
	json_decref(hit);
	return o;
}

static int
delivery_cb(const struct store_delivery_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_delivery(r));
}

int
readjson_deliveries(struct store *st, const char *state, int limit, json_t *out, char *err,
                    size_t errsz)
{
	return store_deliveries_state(st, state, limit, delivery_cb, out, err, errsz);
}

int
readjson_delivery_get(struct store *st, int64_t id, json_t **out, char *err, size_t errsz)
{
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (a == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = store_delivery_get(st, id, delivery_cb, a, err, errsz);
	if (rc == 1)
		*out = json_incref(json_array_get(a, 0));
	json_decref(a);
	return rc;
}
