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

#include <jansson.h>

#include "date.h"
#include "hark.h"
#include "store.h"

/* "90s" "15m" "2h" "7d" "1w": seconds; -1 when s is not one. */
static int
since_duration(const char *s, int64_t *secs)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == end[0]) {
			/* more than a thousand years is a typo, and would overflow in ms */
			if (n > 1000ULL * 366 * 86400 / (unsigned long long)units[i].secs)
				return -1;
			*secs = (int64_t)n * units[i].secs;
			return 0;
		}
	return -1;
}

/*
 * An absolute --since: a day (YYYY-MM-DD, its local midnight, as the text
 * output shows local times) or an RFC 3339 time. Returns 0 with Unix
 * seconds, -1 when s is neither.
 */
static int
since_time(const char *s, int64_t *secs)
{
	char norm[21];
	struct tm tm;
	time_t t;

	/* date_normalize also takes Unix seconds: "--since 90" must not mean 1970 */
	if (strlen(s) < 10 || !isdigit((unsigned char)s[0]) || s[4] != '-')
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) == 10) {
		if (sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
			return -1;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_isdst = -1;
		if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
		    (t = mktime(&tm)) == (time_t)-1)
			return -1;
		*secs = (int64_t)t;
		return 0;
	}
	if (date_normalize(s, norm) < 0)
		return -1;
	if (sscanf(norm, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*secs = (int64_t)timegm(&tm);
	return 0;
}

/* Print s on the current line, with every control character a space. */
static void
put_line_text(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

struct hits_out {
	int json;
};

static int
hits_print(const struct store_hit_row *r, void *arg)
{
	struct hits_out *o = arg;
	json_t *hit, *art;
	const char *what = NULL, *snippet = NULL;
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
	snippet = json_str(hit, "snippet");
	hark_time_local(r->detected_at / 1000, when, sizeof(when));
	printf("%s %s ", when, r->rule_id);
	put_line_text(what != NULL ? what : r->article_id);
	fputs(": ", stdout);
	put_line_text(snippet != NULL ? snippet : "");
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
			if (since_duration(optarg, &secs) == 0) {
				secs = (int64_t)time(NULL) - secs;
			} else if (since_time(optarg, &secs) < 0) {
				fprintf(stderr,
				        "hark: hits: --since: '%s' is not a duration (90s 15m 2h "
				        "7d 1w) or a time (RFC 3339, YYYY-MM-DD)\n",
				        optarg);
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
