/*
 * cmd_feed.c: hark feed: one feed file as hark reads it, entry by entry,
 * text made plain and dates RFC 3339 (CLI.md's feed object with --json).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <event2/event.h>

#include "charset.h"
#include "extract.h"
#include "hark.h"
#include "usage.h"
#include "http.h"
#include "url.h"

/* How a feed was fetched: for the reader, and for --json. */
struct fetch {
	long status;
	char *url;          /* owned: where the body came from */
	char *content_type; /* owned, or NULL */
	char charset[64];
	json_t *redirects; /* [{"status":301,"to":"..."}] */
	char *body;        /* owned */
	size_t len;
	char error[512];
	int done;
	struct event_base *base;
};

static void
fetch_cb(const struct http_response *r, void *arg)
{
	struct fetch *f = arg;

	f->done = 1;
	f->status = r->status;
	if (r->error != NULL) {
		snprintf(f->error, sizeof(f->error), "%s", r->error);
		return;
	}
	free(f->content_type);
	f->content_type = r->content_type ? strdup(r->content_type) : NULL;
	if (r->status >= 300 && r->status < 400 && r->location != NULL) {
		char *next = url_resolve(f->url, r->location);

		if (next == NULL) {
			snprintf(f->error, sizeof(f->error), "HTTP %ld to an unusable Location",
			         r->status);
			return;
		}
		json_array_append_new(
		    f->redirects, json_pack("{sIss}", "status", (json_int_t)r->status, "to", next));
		free(f->url);
		f->url = next;
		return;
	}
	if ((f->body = malloc(r->body_len + 1)) == NULL) {
		snprintf(f->error, sizeof(f->error), "out of memory");
		return;
	}
	memcpy(f->body, r->body, r->body_len);
	f->body[r->body_len] = '\0';
	f->len = r->body_len;
}

/*
 * GET url as harkd's poller does (the feed types in Accept, compression,
 * redirects followed one by one, at most 5), on a loop of its own. Unless
 * allow_private, the SSRF guard of harkd's feeds refuses a loopback,
 * private or link-local address, on every hop: each is a request of its
 * own, guarded when its connection opens (after DNS), so a public address
 * redirecting to an internal one is refused.
 */
static int
fetch_url(struct fetch *f, const char *url, int allow_private)
{
	static const char *const headers[] = {
	    "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
	    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.8, "
	    "application/json;q=0.7, */*;q=0.5",
	    NULL};
	struct http *h;
	int rc = -1;

	f->base = event_base_new();
	f->url = strdup(url);
	f->redirects = json_array();
	if (f->base == NULL || f->url == NULL) {
		snprintf(f->error, sizeof(f->error), "out of memory");
		return -1;
	}
	h = http_new(f->base, "hark/" HARK_VERSION, f->error, sizeof(f->error));
	if (h == NULL)
		return -1;
	for (int hop = 0; hop <= 5; hop++) {
		struct http_request rq = {.method = "GET",
		                          .url = f->url,
		                          .headers = headers,
		                          .connect_timeout_ms = 10000,
		                          .timeout_ms = 30000,
		                          .max_response = HARK_FILE_MAX,
		                          .block_private = !allow_private,
		                          .allow_hint = "--allow-private",
		                          .accept_encoding = ""};

		f->done = 0;
		if (http_start(h, &rq, fetch_cb, f, f->error, sizeof(f->error)) < 0)
			break;
		while (!f->done)
			event_base_loop(f->base, EVLOOP_ONCE);
		if (f->error[0] != '\0')
			break;
		if (f->body != NULL) {
			rc = 0;
			break;
		}
		if (hop == 5)
			snprintf(f->error, sizeof(f->error), "more than 5 redirects");
	}
	http_free(h);
	if (rc == 0 && f->status != 200) {
		snprintf(f->error, sizeof(f->error), "HTTP %ld", f->status);
		rc = -1;
	}
	if (rc == 0 && f->content_type != NULL) {
		const char *c = strcasestr(f->content_type, "charset=");
		size_t n = 0;

		if (c != NULL) {
			c += 8;
			c += *c == '"';
			while (c[n] && c[n] != '"' && c[n] != ';' && c[n] != ' ' &&
			       n + 1 < sizeof(f->charset)) {
				f->charset[n] = c[n];
				n++;
			}
			f->charset[n] = '\0';
		}
	}
	return rc;
}

static void
fetch_free(struct fetch *f)
{
	free(f->url);
	free(f->content_type);
	free(f->body);
	json_decref(f->redirects);
	if (f->base != NULL)
		event_base_free(f->base);
}

static json_t *
fetch_json(const struct fetch *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "status", json_integer(f->status));
	json_object_set_new(o, "url", json_string(f->url));
	json_object_set(o, "redirects", f->redirects);
	if (f->content_type != NULL)
		json_object_set_new(o, "content_type", json_string(f->content_type));
	if (f->charset[0] != '\0')
		json_object_set_new(o, "charset", json_string(f->charset));
	return o;
}

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
	set_str(o, "id", f->id);
	set_str(o, "link", f->link);
	set_str(o, "lang", f->lang);
	set_str(o, "updated", f->updated);
	set_str(o, "published", f->published);
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

/*
 * "hark: WHO: [what]MSG" on standard error, WHO and MSG escaped
 * (hark_put_text): a URL after redirects is a server's Location, and an
 * error may quote a server's or a feed's bytes (a JSON token, a reason).
 */
static void
feed_error(const char *who, const char *what, const char *msg)
{
	fputs("hark: ", stderr);
	hark_put_text(stderr, who, strlen(who), HARK_TEXT_LINE);
	hark_errorf(": %s", what);
	hark_put_text(stderr, msg, strlen(msg), HARK_TEXT_LINE);
	putc('\n', stderr);
}

/* label and the feed's s on one line, escaped (hark_put_text) */
static void
put_line(const char *label, const char *s)
{
	fputs(label, stdout);
	hark_put_text(stdout, s, strlen(s), HARK_TEXT_LINE);
	putchar('\n');
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
		printf("   %-10s ", name);
		hark_put_text(stdout, s, cut, HARK_TEXT_LINE);
		printf("… (%zu bytes)\n", n);
	} else {
		printf("   %-10s ", name);
		hark_put_text(stdout, s, n, HARK_TEXT_LINE);
		putchar('\n');
	}
}

static void
feed_print(const struct feed *f)
{
	if (f->title != NULL)
		put_line("title:     ", f->title);
	if (f->link != NULL)
		put_line("link:      ", f->link);
	if (f->lang != NULL)
		put_line("lang:      ", f->lang);
	printf("format:    %s\n", f->format);
	printf("entries:   %zu\n", f->nentries);
	for (size_t i = 0; i < f->nentries; i++) {
		const struct article *a = &f->entries[i].a;

		printf("\n%zu. ", i + 1);
		put_line("", a->title ? a->title : "(no title)");
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

/*
 * "charset:   utf-8 (the XML declaration)": the charset the feed was read
 * in and why (charset_sniff()'s order), and for a fetched one what its
 * Content-Type said (http_cs, NULL: nothing) when that was not the reason.
 */
static void
print_charset(const char *bytes, size_t len, const char *cs, enum charset_by by, int fetched,
              const char *http_cs)
{
	char xml[32];
	const char *why = "";
	/* an unknown label is ignored when the charset is chosen */
	int http_known = http_cs != NULL && charset_known(http_cs);

	switch (by) {
	case CHARSET_BY_BOM:
		why = "a byte order mark";
		break;
	case CHARSET_BY_DECLARED:
		/* a <meta> comes before the XML declaration, were a feed to hold one */
		if (http_known)
			why = "the Content-Type";
		else if (charset_xml_declared(bytes, len, xml) == 0 && strcmp(xml, cs) == 0)
			why = "the XML declaration";
		else
			why = "a <meta charset>";
		break;
	case CHARSET_BY_UTF8:
		why = charset_xml_declared(bytes, len, xml) == 0 || http_cs != NULL
		          ? "valid UTF-8, whatever was declared"
		          : "valid UTF-8, nothing declared";
		break;
	case CHARSET_BY_DETECTED:
		/* a declared UTF-8 the bytes are not gives way (charset_sniff()) */
		why = charset_xml_declared(bytes, len, xml) == 0 && strcmp(xml, "utf-8") == 0
		          ? "detected: the bytes are not the UTF-8 declared"
		          : "detected: nothing declared";
		break;
	case CHARSET_BY_FALLBACK:
		why = charset_xml_declared(bytes, len, xml) == 0 && strcmp(xml, "utf-8") == 0
		          ? "the default: the bytes are not the UTF-8 declared, nothing detected"
		          : "the default: nothing declared or detected";
		break;
	case CHARSET_BY_MIXED:
		why = "UTF-8 with bytes of a single-byte charset, nothing declared";
		break;
	}
	printf("charset:   %s (%s", cs, why);
	if (fetched && http_cs == NULL) {
		fputs("; the Content-Type declares none", stdout);
	} else if (fetched && (by != CHARSET_BY_DECLARED || !http_known)) {
		fputs("; the Content-Type says ", stdout);
		hark_put_line_text(http_cs); /* the server's bytes */
		fputs(http_known ? "" : ", unknown", stdout);
	}
	fputs(")\n", stdout);
}

int
cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
	                                     {"allow-private", no_argument, NULL, 'p'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct feed f;
	struct fetch ft = {0};
	const char *name, *charset = NULL, *base = NULL;
	char err[256], cs[32];
	enum charset_by by;
	char *buf;
	size_t len;
	int ch, json = 0, fetched = 0, allow_private = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'p':
			allow_private = 1;
			break;
		case 'h':
			hark_usage("feed", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (argc - optind != 1) {
		usage_error(argv[0], "%s",
		            optind >= argc ? "no feed given (use - for standard input)"
		                           : "one feed at a time");
		return 2;
	}
	name = strcmp(argv[optind], "-") == 0 ? "(standard input)" : argv[optind];
	if (strncmp(name, "http://", 7) == 0 || strncmp(name, "https://", 8) == 0) {
		if (fetch_url(&ft, name, allow_private) < 0) {
			feed_error(ft.url ? ft.url : name, "", ft.error);
			fetch_free(&ft);
			return 2;
		}
		fetched = 1;
		buf = ft.body;
		ft.body = NULL;
		len = ft.len;
		charset = ft.charset[0] ? ft.charset : NULL;
		base = ft.url;
		if (!json) {
			printf("fetched:   HTTP %ld from ", ft.status);
			hark_put_text(stdout, ft.url, strlen(ft.url), HARK_TEXT_LINE);
			for (size_t i = 0; i < json_array_size(ft.redirects); i++) {
				json_t *r = json_array_get(ft.redirects, i);
				const char *to = json_string_value(json_object_get(r, "to"));

				/* the servers' Locations */
				printf("%s%lld to ", i == 0 ? " after " : ", ",
				       (long long)json_integer_value(json_object_get(r, "status")));
				hark_put_text(stdout, to ? to : "", to ? strlen(to) : 0,
				              HARK_TEXT_LINE);
			}
			putchar('\n');
		}
	} else if (file_read(argv[optind], HARK_FILE_MAX, &buf, &len) < 0) {
		hark_errorf("hark: %s: %s\n", name,
		            errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
		return 2;
	}
	if (extract_feed(buf, len, charset, base, &f, cs, &by, err, sizeof(err)) < 0) {
		feed_error(name, "", err);
		free(buf);
		fetch_free(&ft);
		return 2;
	}
	if (!json)
		print_charset(buf, len, cs, by, fetched, charset);
	free(buf);
	if (f.recovered)
		feed_error(name, "warning: ill-formed feed read in recovery mode: ", f.warning);
	if (json) {
		json_t *o = feed_json(&f);
		char *s;

		if (fetched)
			json_object_set_new(o, "fetch", fetch_json(&ft));
		s = json_dumps(o, JSON_COMPACT);

		if (s != NULL)
			hark_put_json(stdout, s);
		free(s);
		json_decref(o);
	} else {
		feed_print(&f);
	}
	feed_free(&f);
	fetch_free(&ft);
	return 0;
}
