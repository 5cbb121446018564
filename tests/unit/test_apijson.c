/*
 * Unit tests for apijson.c: a page of stored hit objects placed unchanged
 * with its cursor or null, a damaged stored hit refused, the article object
 * with the hit object's article keys (absent ones omitted), the article page
 * with its fields, hits and duplicates, a rule's counts with the days oldest
 * first, and the times in RFC 3339.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apijson.h"

#define HIT1                                                                                       \
	"{\"id\":\"h_1\",\"rule\":{\"id\":\"r1\",\"name\":\"R\",\"tags\":[\"x\"]},"                \
	"\"article\":{\"id\":\"a_1\",\"title\":\"T \\u00E9\"},\"matches\":[],\"snippet\":\"s\","   \
	"\"detected_at\":\"2026-11-21T10:00:00Z\"}"

static char *
dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	assert_non_null(s);
	return s;
}

static void
test_time(void **state)
{
	char buf[32];

	(void)state;
	apijson_time(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	apijson_time(1795312274999, buf);
	assert_string_equal(buf, "2026-11-22T01:51:14Z");
}

static void
test_hits_page(void **state)
{
	json_t *hits = json_array(), *page, *want;
	char *s;

	(void)state;
	assert_int_equal(apijson_hit_append(hits, HIT1), 0);
	assert_int_equal(apijson_hit_append(hits, "{\"id\":\"h_2\"}"), 0);
	/* a damaged row, or not an object: refused, the array unchanged */
	assert_int_equal(apijson_hit_append(hits, "{\"id\":"), -1);
	assert_int_equal(apijson_hit_append(hits, "[1]"), -1);
	assert_int_equal(apijson_hit_append(hits, NULL), -1);
	assert_int_equal(json_array_size(hits), 2);
	page = apijson_hits_page(hits, "1795312274000-42");
	s = dump(page);
	/* the stored object as it was stored, key order kept */
	assert_string_equal(s,
	                    "{\"hits\":[" HIT1 ",{\"id\":\"h_2\"}],\"next\":\"1795312274000-42\"}");
	free(s);
	want = json_loads(HIT1, 0, NULL);
	assert_true(json_equal(json_array_get(json_object_get(page, "hits"), 0), want));
	json_decref(want);
	json_decref(page);

	/* the last page: next is null; no hit: an empty array */
	page = apijson_hits_page(json_array(), "");
	s = dump(page);
	assert_string_equal(s, "{\"hits\":[],\"next\":null}");
	free(s);
	json_decref(page);
	page = apijson_hits_page(NULL, NULL);
	s = dump(page);
	assert_string_equal(s, "{\"hits\":[],\"next\":null}");
	free(s);
	json_decref(page);
}

static void
test_article(void **state)
{
	struct apijson_article a = {
	    .id = "a_1",
	    .title = "<script>alert(1)</script>",
	    .body = "مجلس الأمن",
	    .url = "https://example.org/x",
	    .source = "wire",
	    .lang = "ar",
	    .seen_at = 1795312274,
	};
	struct apijson_article d = {.id = "a_2",
	                            .source = "drop",
	                            .file = "x.txt",
	                            .lang = "",
	                            .near_of = "a_1",
	                            .revision_of = "a_1",
	                            .seen_at = 0};
	json_t *hits = json_array(), *dups = json_array(), *o;
	char *s;

	(void)state;
	o = apijson_article(&d);
	s = dump(o);
	assert_string_equal(s, "{\"id\":\"a_2\",\"source\":\"drop\",\"file\":\"x.txt\","
	                       "\"seen_at\":\"1970-01-01T00:00:00Z\",\"near_of\":\"a_1\","
	                       "\"revision_of\":\"a_1\"}");
	free(s);
	json_array_append_new(dups, o);
	assert_int_equal(apijson_hit_append(hits, HIT1), 0);
	o = apijson_article_page(&a, hits, dups);
	s = dump(o);
	assert_string_equal(
	    s, "{\"id\":\"a_1\",\"title\":\"<script>alert(1)</script>\",\"url\":\"https://"
	       "example.org/x\","
	       "\"source\":\"wire\",\"lang\":\"ar\",\"seen_at\":\"2026-11-22T01:51:14Z\","
	       "\"fields\":{\"title\":\"<script>alert(1)</script>\",\"body\":"
	       "\"\\u0645\\u062C\\u0644\\u0633 \\u0627\\u0644\\u0623\\u0645\\u0646\"},"
	       "\"hits\":[" HIT1 "],\"duplicates\":[{\"id\":\"a_2\",\"source\":\"drop\",\"file\":"
	       "\"x.txt\",\"seen_at\":\"1970-01-01T00:00:00Z\",\"near_of\":\"a_1\","
	       "\"revision_of\":\"a_1\"}]}");
	free(s);
	json_decref(o);
	/* a NULL body: retention removed the text (an article without one has "") */
	a.body = NULL;
	o = apijson_article_page(&a, NULL, NULL);
	assert_true(json_is_true(json_object_get(o, "text_pruned")));
	assert_null(json_object_get(json_object_get(o, "fields"), "body"));
	json_decref(o);
	a.body = "";
	o = apijson_article_page(&a, NULL, NULL);
	assert_null(json_object_get(o, "text_pruned"));
	json_decref(o);
}

static void
test_rule_stats(void **state)
{
	int64_t days[30] = {0};
	json_t *rule = json_pack("{s:s}", "id", "r1"), *arr;
	char *s;

	(void)state;
	days[0] = 2;
	days[3] = 1;
	days[29] = 7;
	assert_int_equal(apijson_rule_stats(rule, 2, 3, 10, 1795312274000, days, 30), 0);
	assert_int_equal(json_integer_value(json_object_get(rule, "hits_24h")), 2);
	assert_int_equal(json_integer_value(json_object_get(rule, "hits_7d")), 3);
	assert_int_equal(json_integer_value(json_object_get(rule, "hits_30d")), 10);
	assert_string_equal(json_string_value(json_object_get(rule, "last_hit")),
	                    "2026-11-22T01:51:14Z");
	arr = json_object_get(rule, "hits_per_day");
	assert_int_equal(json_array_size(arr), 30);
	/* the oldest first: today last */
	assert_int_equal(json_integer_value(json_array_get(arr, 0)), 7);
	assert_int_equal(json_integer_value(json_array_get(arr, 26)), 1);
	assert_int_equal(json_integer_value(json_array_get(arr, 29)), 2);
	json_decref(rule);

	rule = json_object();
	assert_int_equal(apijson_rule_stats(rule, 0, 0, 0, 0, days, 0), 0);
	s = dump(rule);
	assert_string_equal(s, "{\"hits_24h\":0,\"hits_7d\":0,\"hits_30d\":0,\"last_hit\":null,"
	                       "\"hits_per_day\":[]}");
	free(s);
	json_decref(rule);
	assert_int_equal(apijson_rule_stats(NULL, 0, 0, 0, 0, days, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_hits_page),
	    cmocka_unit_test(test_article),
	    cmocka_unit_test(test_rule_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
