/*
 * jpath: one value of a `hark feed --json` object, for tests/feeds/agreement.sh.
 *
 *   jpath FILE PATH    prints the value at PATH, exit 0; exit 1 when absent
 *
 * PATH is dot-separated names, each with an optional [N] index:
 * "title", "entries[0].link", "entries[1].authors". A trailing "#" gives the
 * length of an array (0 when absent): "entries#". Two names stand for what
 * the other readers call an item's date and text, which hark keeps in two
 * fields each: "date" is published, else updated; "body" is content, else
 * summary. Strings print as they are, numbers as numbers, an array of
 * strings joined with ", " (as miniflux joins authors).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *
field(json_t *obj, const char *name)
{
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	if (strcmp(name, "date") == 0) {
		v = json_object_get(obj, "published");
		return v != NULL ? v : json_object_get(obj, "updated");
	}
	if (strcmp(name, "body") == 0) {
		v = json_object_get(obj, "content");
		return v != NULL ? v : json_object_get(obj, "summary");
	}
	return json_object_get(obj, name);
}

/* The value at path under root, or NULL when any step is missing. */
static json_t *
walk(json_t *root, char *path)
{
	json_t *cur = root;

	for (char *seg = strtok(path, "."); seg != NULL && cur != NULL; seg = strtok(NULL, ".")) {
		char *br = strchr(seg, '[');
		long idx = -1;

		if (br != NULL) {
			idx = strtol(br + 1, NULL, 10);
			*br = '\0';
		}
		cur = field(cur, seg);
		if (cur != NULL && idx >= 0)
			cur = json_is_array(cur) ? json_array_get(cur, (size_t)idx) : NULL;
	}
	return cur;
}

int
main(int argc, char **argv)
{
	json_error_t e;
	json_t *root, *v;
	char *path;
	size_t n;
	int count;

	if (argc != 3) {
		fprintf(stderr, "usage: jpath FILE PATH\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &e);
	if (root == NULL) {
		fprintf(stderr, "jpath: %s: %s (line %d)\n", argv[1], e.text, e.line);
		return 2;
	}
	path = strdup(argv[2]);
	if (path == NULL)
		return 2;
	n = strlen(path);
	count = n > 0 && path[n - 1] == '#';
	if (count)
		path[n - 1] = '\0';
	v = walk(root, path);
	if (count) {
		printf("%zu\n", json_is_array(v) ? json_array_size(v) : 0);
	} else if (json_is_string(v)) {
		printf("%s\n", json_string_value(v));
	} else if (json_is_integer(v)) {
		printf("%lld\n", (long long)json_integer_value(v));
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *x = json_array_get(v, i);

			printf("%s%s", i ? ", " : "",
			       json_is_string(x) ? json_string_value(x) : "?");
		}
		printf("\n");
	} else if (v != NULL) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		printf("%s\n", s ? s : "?");
		free(s);
	}
	free(path);
	json_decref(root);
	return v != NULL || count ? 0 : 1;
}
