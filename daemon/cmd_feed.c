/*
 * cmd_feed.c: hark feed: one feed file as hark reads it, entry by entry,
 * text made plain and dates RFC 3339 (CLI.md's feed object with --json).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "extract.h"
#include "hark.h"

static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

static json_t *
feed_json(const struct feed *f)
{
	json_t *o = json_object(), *entries = json_array();

	set_str(o, "title", f->title);
	set_str(o, "link", f->link);
	set_str(o, "lang", f->lang);
	set_str(o, "format", f->format);
	for (size_t i = 0; i < f->nentries; i++) {
		const struct article *a = &f->entries[i].a;
		json_t *e = json_object();

		set_str(e, "id", a->id);
		set_str(e, "title", a->title);
		set_str(e, "link", a->url);
		set_str(e, "summary", a->summary);
		set_str(e, "content", a->body);
		set_str(e, "published", a->published);
		set_str(e, "updated", a->updated);
		if (a->nauthors > 0) {
			json_t *au = json_array();

			for (size_t k = 0; k < a->nauthors; k++)
				json_array_append_new(au, json_string(a->authors[k]));
			json_object_set_new(e, "authors", au);
		}
		set_str(e, "lang", a->lang);
		json_array_append_new(entries, e);
	}
	json_object_set_new(o, "entries", entries);
	return o;
}

/* A long text shown by its start, cut on a character boundary. */
static void
print_text(const char *name, const char *s)
{
	size_t n, cut = 300;

	if (s == NULL || *s == '\0')
		return;
	n = strlen(s);
	if (n > cut) {
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		printf("   %-10s %.*s… (%zu bytes)\n", name, (int)cut, s, n);
	} else {
		printf("   %-10s %s\n", name, s);
	}
}

static void
feed_print(const struct feed *f)
{
	if (f->title != NULL)
		printf("title:     %s\n", f->title);
	if (f->link != NULL)
		printf("link:      %s\n", f->link);
	if (f->lang != NULL)
		printf("lang:      %s\n", f->lang);
	printf("format:    %s\n", f->format);
	printf("entries:   %zu\n", f->nentries);
	for (size_t i = 0; i < f->nentries; i++) {
		const struct article *a = &f->entries[i].a;

		printf("\n%zu. %s\n", i + 1, a->title ? a->title : "(no title)");
		print_text("link:", a->url);
		print_text("id:", a->id);
		print_text("published:", a->published);
		print_text("updated:", a->updated);
		for (size_t k = 0; k < a->nauthors; k++)
			print_text("author:", a->authors[k]);
		print_text("lang:", a->lang);
		print_text("summary:", a->summary);
		print_text("content:", a->body);
	}
}

int
cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct feed f;
	const char *name;
	char err[256];
	char *buf;
	size_t len;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			hark_usage("feed", stdout);
			return 0;
		default:
			hark_usage("feed", stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hark: feed: %s\n",
		        optind >= argc ? "no feed given (use - for standard input)"
		                       : "one feed at a time");
		hark_usage("feed", stderr);
		return 2;
	}
	name = strcmp(argv[optind], "-") == 0 ? "(standard input)" : argv[optind];
	if (strncmp(name, "http://", 7) == 0 || strncmp(name, "https://", 8) == 0) {
		fprintf(stderr,
		        "hark: %s: hark feed reads files; fetch the feed first "
		        "(curl -o feed.xml URL)\n",
		        name);
		return 2;
	}
	if (file_read(argv[optind], HARK_FILE_MAX, &buf, &len) < 0) {
		fprintf(stderr, "hark: %s: %s\n", name,
		        errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return 2;
	}
	if (extract_feed(buf, len, NULL, NULL, &f, err, sizeof(err)) < 0) {
		fprintf(stderr, "hark: %s: %s\n", name, err);
		free(buf);
		return 2;
	}
	free(buf);
	if (f.recovered)
		fprintf(stderr, "hark: %s: warning: ill-formed feed read in recovery mode: %s\n",
		        name, f.warning);
	if (json) {
		json_t *o = feed_json(&f);
		char *s = json_dumps(o, JSON_COMPACT);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		feed_print(&f);
	}
	feed_free(&f);
	return 0;
}
