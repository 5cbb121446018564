/*
 * cmd_hits.c: hark hits [--since DURATION|TIME] [--rule ID] [--json]: the
 * hits harkd stored, newest first, read from a snapshot of the database
 * while harkd goes on writing.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "date.h"
#include "hark.h"
#include "hit.h"
#include "store.h"


/* Print s[0..n) on the current line, with every control character a space. */
static void
put_line_textn(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar((unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i]);
}

static void
put_line_text(const char *s)
{
	put_line_textn(s, strlen(s));
}

/*
 * Print the hit object's snippet with its marks in colour, or between [ ]
 * (a snippet stored as a plain string by an older hark: as it is).
 */
static void
put_snippet(json_t *v, int color)
{
	struct snippet sn;
	size_t at = 0;

	if (snippet_from_json(v, &sn) < 0)
		return;
	for (size_t m = 0; m < sn.nmarks; m++) {
		put_line_textn(sn.text + at, sn.marks[m].start - at);
		fputs(color ? "\033[01;31m" : "[", stdout);
		put_line_textn(sn.text + sn.marks[m].start, sn.marks[m].end - sn.marks[m].start);
		fputs(color ? "\033[m" : "]", stdout);
		at = sn.marks[m].end;
	}
	put_line_textn(sn.text + at, sn.len - at);
	snippet_free(&sn);
}

static const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

struct hits_out {
	int json;
	int color; /* mark matches in colour: standard output is a terminal */
};

static int
hits_print(const struct store_hit_row *r, void *arg)
{
	struct hits_out *o = arg;
	json_t *hit, *art;
	const char *what = NULL;
	char when[32];

	if (o->json) {
		printf("%s\n", r->json);
		return 0;
	}
	/* the title and snippet are in the stored hit object; hit owns them */
	hit = json_loads(r->json, 0, NULL);
	art = json_object_get(hit, "article");
	if ((what = json_str(art, "title")) == NULL && (what = json_str(art, "file")) == NULL)
		what = json_str(art, "url");
	hark_time_local(r->detected_at / 1000, when, sizeof(when));
	printf("%s %s ", when, r->rule_id);
	put_line_text(what != NULL ? what : r->article_id);
	fputs(": ", stdout);
	put_snippet(json_object_get(hit, "snippet"), o->color);
	putchar('\n');
	json_decref(hit);
	return 0;
}

int
cmd_hits(int argc, char **argv)
{
	static const struct option opts[] = {{"since", required_argument, NULL, 's'},
	                                     {"rule", required_argument, NULL, 'r'},
	                                     {"json", no_argument, NULL, 'j'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct hits_out o = {0};
	struct store *st;
	const char *rule = NULL;
	int64_t since_ms = 0, secs;
	char err[512];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (since_parse(optarg, time(NULL), &secs) < 0) {
				fprintf(stderr, "hark: hits: --since: %s\n", since_error(optarg));
				return 2;
			}
			since_ms = secs > 0 ? secs * 1000 : 0;
			break;
		case 'r':
			rule = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			hark_usage("hits", stdout);
			return 0;
		default:
			hark_usage("hits", stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hark: hits: unexpected argument '%s'\n", argv[optind]);
		hark_usage("hits", stderr);
		return 2;
	}
	o.color = isatty(1) && getenv("NO_COLOR") == NULL;
	if (hark_store_open("hits", &st) < 0)
		return 2;
	rc = store_hits_each(st, since_ms, rule, hits_print, &o, err, sizeof(err));
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "hark: hits: %s\n", err);
		return 2;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "hark: hits: standard output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
