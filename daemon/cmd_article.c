/*
 * cmd_article.c: hark article [--json] ID: one stored article with its
 * hits and its near duplicates, the object of GET /api/v1/articles/ID
 * (apijson.h), read from a snapshot while harkd goes on writing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "hark.h"
#include "usage.h"
#include "readjson.h"
#include "store.h"

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* A time of the JSON object, as every text output shows one: local, to the minute. */
static const char *
when(json_t *o, const char *key, char *buf, size_t size)
{
	hark_time_text(str(o, key), buf, size);
	return buf;
}

/* The article in text; color: the hits' matches in colour, else between [ ] (as hark hits). */
static void
print_text(json_t *o, int color)
{
	static const char *const keys[] = {"id",      "title",      "url",       "source",
	                                   "file",    "lang",       "published", "seen_at",
	                                   "near_of", "revision_of"};
	json_t *v;
	size_t i;
	char t[64];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (json_object_get(o, keys[i]) == NULL)
			continue;
		printf("%-11s ", keys[i]); /* revision_of, the longest */
		if (strcmp(keys[i], "published") == 0 || strcmp(keys[i], "seen_at") == 0)
			hark_put_line_text(when(o, keys[i], t, sizeof(t)));
		else
			hark_put_line_text(str(o, keys[i]));
		putchar('\n');
	}
	printf("hits        %zu\n", json_array_size(json_object_get(o, "hits")));
	json_array_foreach(json_object_get(o, "hits"), i, v)
	{
		printf("  %s %s: ", when(v, "detected_at", t, sizeof(t)),
		       str(json_object_get(v, "rule"), "id"));
		hark_put_snippet(json_object_get(v, "snippet"), color);
		putchar('\n');
	}
	printf("duplicates  %zu\n", json_array_size(json_object_get(o, "duplicates")));
	json_array_foreach(json_object_get(o, "duplicates"), i, v)
	{
		printf("  %s %s ", str(v, "id"), when(v, "seen_at", t, sizeof(t)));
		hark_put_line_text(str(v, "title"));
		putchar('\n');
	}
	/* the text as stored, as it was matched */
	if (json_is_true(json_object_get(o, "text_pruned")))
		printf(
		    "\n(the text was removed by retention (keep_articles); the article was stored "
		    "on %s; the hits keep their snippets)\n",
		    when(o, "seen_at", t, sizeof(t)));
	else {
		const char *body = str(json_object_get(o, "fields"), "body");

		putchar('\n');
		hark_put_text(stdout, body, strlen(body), HARK_TEXT_BLOCK);
		putchar('\n');
	}
}

int
cmd_article(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct store *st;
	json_t *o = NULL;
	char err[512];
	int ch, rc, json = 0, damaged = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			hark_usage("article", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage_error(argv[0], "%s",
		            optind < argc ? "one article id only" : "no article id given");
		return 2;
	}
	if (hark_store_open("article", &st) < 0)
		return 2;
	rc = readjson_article(st, argv[optind], &o, &damaged, err, sizeof(err));
	store_close(st);
	if (rc < 0) {
		hark_errorf("hark: article: %s\n", err);
		return 2;
	}
	if (rc == 0) {
		hark_errorf("hark: article: no article '%.100s' is stored\n", argv[optind]);
		return 2;
	}
	if (damaged > 0)
		hark_errorf("hark: article: %d stored %s, left out\n", damaged,
		            damaged == 1 ? "hit is not a JSON object"
		                         : "hits are not JSON objects");
	if (json) {
		char *s = json_dumps(o, JSON_COMPACT);

		if (s == NULL)
			rc = -1;
		else
			hark_put_json(stdout, s);
		free(s);
	} else {
		print_text(o, isatty(1) && getenv("NO_COLOR") == NULL);
	}
	json_decref(o);
	if (rc < 0 || fflush(stdout) != 0) {
		hark_errorf("hark: article: standard output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
