/*
 * apijson.c: the JSON API's objects from the store's values (apijson.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apijson.h"

void
apijson_time(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int
apijson_hit_append(json_t *array, const char *stored)
{
	json_t *hit = stored != NULL ? json_loads(stored, 0, NULL) : NULL;

	if (!json_is_object(hit)) {
		json_decref(hit);
		return -1;
	}
	return json_array_append_new(array, hit);
}

json_t *
apijson_hits_page(json_t *hits, const char *next)
{
	json_t *o = json_object();

	json_object_set_new(o, "hits", hits != NULL ? hits : json_array());
	json_object_set_new(o, "next",
	                    next != NULL && *next != '\0' ? json_string(next) : json_null());
	return o;
}

/* key: s, when s is there; a string that is not UTF-8 is left out, never an abort. */
static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

json_t *
apijson_article(const struct apijson_article *a)
{
	json_t *o = json_object();
	char when[32];

	/* in the order of the hit object's "article" */
	set_str(o, "id", a->id);
	set_str(o, "title", a->title);
	set_str(o, "url", a->url);
	set_str(o, "source", a->source);
	set_str(o, "file", a->file);
	if (a->lang != NULL && *a->lang != '\0')
		set_str(o, "lang", a->lang);
	set_str(o, "published", a->published);
	apijson_time(a->seen_at * 1000, when);
	json_object_set_new(o, "seen_at", json_string(when));
	set_str(o, "near_of", a->near_of);
	set_str(o, "revision_of", a->revision_of);
	return o;
}

json_t *
apijson_article_page(const struct apijson_article *a, json_t *hits, json_t *dups)
{
	json_t *o = apijson_article(a), *fields = json_object();

	set_str(o, "format", a->format);
	set_str(o, "charset", a->charset);

	set_str(fields, "title", a->title);
	set_str(fields, "body", a->body);
	json_object_set_new(o, "fields", fields);
	if (a->body == NULL)
		json_object_set_new(o, "text_pruned", json_true());
	json_object_set_new(o, "hits", hits != NULL ? hits : json_array());
	json_object_set_new(o, "duplicates", dups != NULL ? dups : json_array());
	return o;
}

int
apijson_rule_stats(json_t *rule, int64_t hits_24h, int64_t hits_7d, int64_t hits_30d,
                   int64_t last_hit_ms, const int64_t *per_day, size_t ndays)
{
	json_t *days;
	char when[32];

	if (!json_is_object(rule))
		return -1;
	json_object_set_new(rule, "hits_24h", json_integer(hits_24h));
	json_object_set_new(rule, "hits_7d", json_integer(hits_7d));
	json_object_set_new(rule, "hits_30d", json_integer(hits_30d));
	if (last_hit_ms > 0) {
		apijson_time(last_hit_ms, when);
		json_object_set_new(rule, "last_hit", json_string(when));
	} else {
		json_object_set_new(rule, "last_hit", json_null());
	}
	days = json_array();
	for (size_t i = ndays; i-- > 0;)
		json_array_append_new(days, json_integer(per_day[i]));
	json_object_set_new(rule, "hits_per_day", days);
	return 0;
}
