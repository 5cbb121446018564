/*
 * cmd_opml.c: hark import-opml: an OPML subscription list as [feed NAME]
 * sections for hark.conf, on standard output, in the order of the file.
 * What it prints must load: URLs are checked as conf.c checks them, names
 * are made of what conf.c accepts, and unique.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "conf.h"
#include "hark.h"
#include "usage.h"
#include "opml.h"

/*
 * Is url an http:// or https:// URL with a host, by libcurl's parser, as
 * conf.c's url_check() decides? Returns NULL with the host in *host (curl_free),
 * or why not (static, or in msg).
 */
static const char *
opml_url_check(const char *url, char **host, char *msg, size_t msgsz)
{
	CURLU *u = curl_url();
	CURLUcode rc;
	char *scheme = NULL;
	const char *why = NULL;

	*host = NULL;
	if (u == NULL)
		return "out of memory";
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (strstr(url, "://") == NULL) {
		why = "is not an http:// or https:// URL";
	} else if (rc != CURLUE_OK) {
		snprintf(msg, msgsz, "is not a URL (%s)", curl_url_strerror(rc));
		why = msg;
	} else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	           (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		why = "is not an http:// or https:// URL";
	} else if (curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK || **host == '\0') {
		why = "has no host";
	}
	if (why != NULL) {
		curl_free(*host);
		*host = NULL;
	}
	curl_free(scheme);
	curl_url_cleanup(u);
	return why;
}

/* s on one line: a control character would end the comment early or break the file. */
static void
put_flat(const char *s)
{
	hark_put_line_text(s);
}

/* The "; title (category) htmlUrl" line that says where a section came from. */
static void
put_comment(const struct opml_outline *ol)
{
	fputs("; ", stdout);
	put_flat(ol->title != NULL ? ol->title : "(no title)");
	if (ol->category != NULL) {
		fputs(" (", stdout);
		put_flat(ol->category);
		putchar(')');
	}
	if (ol->html_url != NULL) {
		putchar(' ');
		put_flat(ol->html_url);
	}
	putchar('\n');
}

/* Print the sections of o; returns the number printed, -1 when out of memory. */
static long
opml_print(const struct opml *o, const char *name, const char *interval)
{
	struct opml_names *ns = opml_names_new();
	char base[OPML_NAME_MAX + 1], sect[OPML_NAME_MAX + 1], lang[3];
	const char *why;
	char *host, msg[160];
	long printed = 0;

	if (ns == NULL)
		return -1;
	for (size_t i = 0; i < o->n; i++) {
		const struct opml_outline *ol = &o->outlines[i];

		if ((why = opml_url_check(ol->xml_url, &host, msg, sizeof(msg))) != NULL) {
			hark_errorf("hark: import-opml: %s:%u: xmlUrl '%.200s' %s; skipped\n", name,
			            ol->line, ol->xml_url, why);
			continue;
		}
		opml_slug(ol->title, host, base);
		curl_free(host);
		if (opml_names_add(ns, base, sect) < 0) {
			opml_names_free(ns);
			return -1;
		}
		if (printed > 0)
			putchar('\n');
		put_comment(ol);
		printf("[feed %s]\nurl = %s\n", sect, ol->xml_url);
		if (opml_lang(ol->language, lang) == 0)
			printf("lang = %s\n", lang);
		if (interval != NULL)
			printf("interval = %s\n", interval);
		printed++;
	}
	opml_names_free(ns);
	return printed;
}

int
cmd_import_opml(int argc, char **argv)
{
	static const struct option opts[] = {{"interval", required_argument, NULL, 'i'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	const char *interval = NULL, *name;
	unsigned long secs;
	struct opml o;
	char err[256];
	char *buf;
	size_t len;
	long printed;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			interval = optarg;
			break;
		case 'h':
			hark_usage("import-opml", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (interval != NULL) {
		if (conf_parse_duration(interval, &secs) < 0 || secs > UINT_MAX) {
			usage_error(argv[0], "--interval: '%s' is not a duration (90s 15m 2h 1d)",
			            interval);
			return 2;
		}
		if (secs < 60) {
			usage_error(argv[0], "--interval: '%s' is less than 1m", interval);
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage_error(argv[0], "%s",
		            optind >= argc ? "no file given (use - for standard input)"
		                           : "one file at a time");
		return 2;
	}
	name = strcmp(argv[optind], "-") == 0 ? "(standard input)" : argv[optind];
	if (file_read(argv[optind], HARK_FILE_MAX, &buf, &len) < 0) {
		hark_errorf("hark: import-opml: %s: %s\n", name,
		            errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return 2;
	}
	if (opml_parse(buf, len, &o, err, sizeof(err)) < 0) {
		hark_errorf("hark: import-opml: %s: %s\n", name, err);
		free(buf);
		return 2;
	}
	free(buf);
	printed = opml_print(&o, name, interval);
	opml_free(&o);
	if (printed < 0) {
		hark_errorf("hark: import-opml: out of memory\n");
		return 2;
	}
	if (printed == 0)
		hark_errorf("hark: import-opml: %s: no outline with an http(s) xmlUrl\n", name);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		hark_errorf("hark: import-opml: standard output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
