/*
 * httpd.c: harkd's HTTP server (see httpd.h and HTTP.md). One owner: the
 * struct httpd owns the evhttp, its listeners (through the evhttp), the
 * read-only store and the connection counter; harkd owns the httpd.
 *
 * Counting connections: libevent 2.1's evhttp has no limit of its own, nor
 * a callback at each connection's end (a pass-through filter's
 * free_context would be one, but 2.1's filters do not write what was
 * queued while writing was disabled, as evhttp does). So each connection's
 * socket bufferevent is made here (evhttp_set_bevcb), and this file holds
 * a reference to it: when evhttp frees the connection (bufferevent_free
 * clears the callbacks, which evhttp never does otherwise) the bufferevent
 * lives on, callbacks NULL, until the sweep (at each accept and every
 * SWEEP_MS) sees it and drops the last reference, which closes the socket
 * (evhttp shut its writing side already: the client sees the end at once).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "basicauth.h"
#include "envnum.h"
#include "httpd.h"
#include "httpd_work.h"
#include "listensock.h"
#include "localzone.h"
#include "log.h"

#define HTTPD_MAX_LISTEN 8

#define SWEEP_MS 250

/* the decoded credentials of a Basic header: a user, ':', a token of at most 4 KiB */
#define BASIC_MAX 8192

struct httpd {
	struct event_base *base;
	struct evhttp *http; /* owned; owns the bound sockets and the connections */
	struct evconnlistener *lev[HTTPD_MAX_LISTEN]; /* the evhttp's */
	size_t nlev;
	int paused;         /* at HTTPD_MAX_CONN: the listeners do not accept */
	time_t paused_said; /* the last time that was logged: once a minute at most */
	struct bufferevent *conn[HTTPD_MAX_CONN]; /* a reference to each connection's */
	unsigned nconn;
	struct event *ev_sweep; /* owned */
	struct store *st;       /* owned: read-only */
	char *token;            /* owned, secret; NULL: open */
	size_t token_len;
	struct login *login;           /* owned: the browsers' sessions; NULL without a token */
	struct hwork *work;            /* owned: the long reads (q=, /try), off the loop */
	const struct httpd_info *info; /* harkd's */
	char urls[HTTPD_MAX_LISTEN * 64];
	struct page_zone zone; /* owns its spans: the zone the pages show times in */
};

static void route_healthz(struct httpd *h, struct evhttp_request *req, const char *path);
static void route_metrics(struct httpd *h, struct evhttp_request *req, const char *path);

/*
 * The routes. read: GET and HEAD only (405 otherwise); open: no token
 * needed; prefix: path starts with it (a path of its own otherwise).
 */
static const struct route {
	const char *path;
	bool prefix, read, open;
	httpd_route_fn fn;
} routes[] = {
    {"/healthz", false, true, true, route_healthz},
    {"/metrics", false, true, false, route_metrics},
    {"/api/v1/hits", false, true, false, route_api_hits},
    {"/api/v1/articles/", true, true, false, route_api_article},
    {"/api/v1/articles", false, false, false, route_api_post}, /* POST: checks its method */
    {"/api/v1/status", false, true, false, route_api_status},
    {"/", false, true, false, route_page_hits},
    {"/articles/", true, true, false, route_page_article},
    {"/hits.atom", false, true, false, route_atom},
    {"/static/hark.css", false, true, true, route_css}, /* open: it styles /login */
    {"/login", false, false, true, route_login},
    {"/logout", false, false, true, route_logout},
    {"/api/v1/rules", false, true, false, route_api_rules},
    {"/rules", false, true, false, route_page_rules},
    {"/rules/", true, false, false, route_page_rule},            /* and POST: its mute forms */
    {"/api/v1/rules/", true, false, false, route_api_rule_mute}, /* POST: checks its method */
    {"/api/v1/feeds", false, true, false, route_api_feeds},
    {"/api/v1/deliveries", false, true, false, route_api_deliveries},
    {"/api/v1/deliveries/", true, false, false, route_api_retry}, /* POST: checks its method */
    {"/feeds", false, true, false, route_page_feeds},
    {"/deliveries", false, true, false, route_page_deliveries},
    {"/deliveries/", true, false, false, route_page_retry}, /* POST: checks its method */
    {"/try", false, false, false, route_page_try},          /* GET and POST: checks its method */
    {"/api/v1/try", false, false, false, route_api_try},    /* POST: checks its method */
};

/* ---- answers ---- */

void
httpd_send(struct evhttp_request *req, int code, const char *ctype, struct evbuffer *body)
{
	struct evkeyvalq *o = evhttp_request_get_output_headers(req);

	evhttp_add_header(o, "Content-Security-Policy",
	                  "default-src 'none'; style-src 'self'; img-src 'self' data:; "
	                  "script-src 'self'; form-action 'self'; frame-ancestors 'none'");
	evhttp_add_header(o, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(o, "Referrer-Policy", "no-referrer");
	evhttp_add_header(o, "Cache-Control", "no-store");
	if (ctype != NULL)
		evhttp_add_header(o, "Content-Type", ctype);
	evhttp_send_reply(req, code, NULL, body);
	if (body != NULL)
		evbuffer_free(body);
}

static bool
path_is_api(const char *path)
{
	return path != NULL && strncmp(path, "/api/", 5) == 0;
}

void
httpd_error(struct evhttp_request *req, int code, const char *fmt, ...)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	struct evbuffer *b = evbuffer_new();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b == NULL) {
		httpd_send(req, code, NULL, NULL);
		return;
	}
	if (path_is_api(path)) {
		json_t *o = json_pack("{s:s}", "error", msg);
		char *s = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

		evbuffer_add_printf(b, "%s\n", s != NULL ? s : "{\"error\":\"out of memory\"}");
		free(s);
		json_decref(o);
		httpd_send(req, code, "application/json", b);
	} else {
		evbuffer_add_printf(b, "%s\n", msg);
		httpd_send(req, code, "text/plain; charset=utf-8", b);
	}
}

/* ---- the token ---- */

bool
httpd_token_ok(const struct httpd *h, const char *guess, size_t glen)
{
	const unsigned char *t = (const unsigned char *)h->token, *g = (const unsigned char *)guess;
	unsigned diff;

	if (h->token == NULL)
		return false;
	/* every byte of the token is looked at, whatever the guess */
	diff = glen != h->token_len;
	for (size_t i = 0; i < h->token_len; i++)
		diff |= (unsigned)(t[i] ^ (i < glen ? g[i] : 0));
	return diff == 0;
}

/*
 * Whether a refused request is a browser's page, sent to /login rather than
 * given a 401: a GET or HEAD of anything but the API, the metrics and the
 * feed of hits (their clients are programs, which want the status).
 */
static bool
path_is_page(const char *path, enum evhttp_cmd_type m)
{
	return (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) && !path_is_api(path) &&
	       strcmp(path, "/metrics") != 0 && strcmp(path, "/hits.atom") != 0;
}

/*
 * Whether a request may show the token as the password of HTTP Basic auth
 * (any user): a GET or HEAD of what programs read (the feed of hits above
 * all, whose readers can send a user and a password but no Bearer header;
 * the API's reads and the metrics). Never a page: a browser would then
 * send the password with every page unasked, and the pages' forms need
 * the session of /login. Never a write: a header a browser adds on its
 * own must not make a POST from another site count.
 */
static bool
path_takes_basic(const char *path, enum evhttp_cmd_type m)
{
	return (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) && !path_is_page(path, m);
}

/*
 * Whether the request carries "Authorization: Bearer TOKEN" (constant time
 * in the token), "Authorization: Basic" with the token as its password
 * where basic (path_takes_basic), or the cookie of a session opened at
 * /login.
 */
static bool
httpd_authorized(struct httpd *h, struct evhttp_request *req, bool basic)
{
	const char *a = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
	size_t glen;

	if (a != NULL && basic && strncasecmp(a, "Basic", 5) == 0) {
		char buf[BASIC_MAX];
		const char *pass;
		long n = basicauth_password(a, buf, sizeof(buf), &pass);
		bool yes = n >= 0 && httpd_token_ok(h, pass, (size_t)n);

		explicit_bzero(buf, sizeof(buf));
		/* a stale password a browser remembers: its session may still hold */
		return yes || login_session_ok(h->login, req);
	}
	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0)
		return login_session_ok(h->login, req);
	for (a += 7; *a == ' '; a++)
		;
	glen = strlen(a);
	while (glen > 0 && (a[glen - 1] == ' ' || a[glen - 1] == '\t'))
		glen--;
	return httpd_token_ok(h, a, glen);
}

/* ---- routes ---- */

static void
route_healthz(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct evbuffer *b;
	char err[512];

	(void)path;
	if (h->info->stopping) {
		httpd_error(req, 503, "stopping");
		return;
	}
	/* answering at all shows the loop turns; the read shows the database answers */
	if (store_ping(h->st, err, sizeof(err)) != 0) {
		httpd_error(req, 503, "database: %s", err);
		return;
	}
	if ((b = evbuffer_new()) != NULL)
		evbuffer_add(b, "ok\n", 3);
	httpd_send(req, 200, "text/plain; charset=utf-8", b);
}

/* Prometheus label values: \ " and newline escaped (names are plain already). */
static const char *
prom_label(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 3 < outsz; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return out;
}

static void
prom_head(struct evbuffer *b, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(b, "# HELP hark_%s %s\n# TYPE hark_%s %s\n", name, help, name, type);
}

static void
prom_hist(struct evbuffer *b, const char *name, const char *help, const struct hist *hs)
{
	prom_head(b, name, "histogram", help);
	for (size_t i = 0; i < hs->nbounds; i++)
		evbuffer_add_printf(b, "hark_%s_bucket{le=\"%g\"} %llu\n", name, hs->bounds[i],
		                    (unsigned long long)hist_cumulative(hs, i));
	evbuffer_add_printf(b, "hark_%s_bucket{le=\"+Inf\"} %llu\n", name,
	                    (unsigned long long)hs->count);
	evbuffer_add_printf(b, "hark_%s_sum %.6f\nhark_%s_count %llu\n", name, hs->sum, name,
	                    (unsigned long long)hs->count);
}

/*
 * The deliveries of the store by configured destination, so that each one's
 * lines come together, 0 for one without rows; rows of a destination no
 * longer configured are not counted (harkd does not send them).
 */
struct dcount {
	char name[64];
	bool email; /* an [email NAME]: its own family, labelled email= */
	int64_t pending, dead;
};
struct dcounts {
	struct dcount v[64]; /* destinations are configured: few */
	size_t n;
};

static void
dcount_add(struct dcounts *d, const char *name, bool email)
{
	if (d->n == sizeof(d->v) / sizeof(d->v[0]) || strlen(name) >= sizeof(d->v[0].name))
		return;
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	snprintf(d->v[d->n].name, sizeof(d->v[0].name), "%s", name);
	d->v[d->n++].email = email;
}

static int
dcount_cb(const char *name, const char *state, int64_t n, void *arg)
{
	struct dcounts *d = arg;

	for (size_t i = 0; name != NULL && i < d->n; i++) {
		struct dcount *c = &d->v[i];

		if (strcmp(c->name, name) != 0)
			continue;
		if (strcmp(state, "pending") == 0)
			c->pending = n;
		else if (strcmp(state, "dead") == 0)
			c->dead = n;
		break;
	}
	return 0;
}

/* One family of hark_deliveries: the webhooks' (label webhook=) or the emails' (email=). */
static void
dcount_print(struct evbuffer *b, const struct dcounts *dc, bool email)
{
	const char *fam = email ? "email_deliveries" : "deliveries";
	const char *label = email ? "email" : "webhook";
	char l1[160];

	for (size_t i = 0; i < dc->n; i++) {
		if (dc->v[i].email != email)
			continue;
		prom_label(dc->v[i].name, l1, sizeof(l1));
		evbuffer_add_printf(b, "hark_%s{%s=\"%s\",state=\"pending\"} %lld\n", fam, label,
		                    l1, (long long)dc->v[i].pending);
		evbuffer_add_printf(b, "hark_%s{%s=\"%s\",state=\"dead\"} %lld\n", fam, label, l1,
		                    (long long)dc->v[i].dead);
	}
}

struct fcount {
	int64_t ok, failing, gone;
};

static int
fcount_cb(const char *name, const char *state, int64_t n, void *arg)
{
	struct fcount *f = arg;

	(void)name;
	if (strcmp(state, "gone") == 0)
		f->gone += n;
	else if (strcmp(state, "failing") == 0)
		f->failing += n;
	else
		f->ok += n;
	return 0;
}

static void
route_metrics(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct httpd_info *in = h->info;
	struct intake_stats is;
	struct outbox_stats os;
	struct poller_stats ps = {0};
	struct dcounts *dc;
	struct fcount fc = {0};
	struct evbuffer *b;
	int64_t dbsize = 0;
	char err[512];

	(void)path;
	dc = calloc(1, sizeof(*dc));
	b = evbuffer_new();
	if (dc == NULL || b == NULL) {
		free(dc);
		if (b != NULL)
			evbuffer_free(b);
		httpd_error(req, 500, "out of memory");
		return;
	}
	/* the database's part first: a failure is an error, not half an answer */
	if (in->conf != NULL) {
		for (size_t i = 0; i < in->conf->nwebhooks; i++)
			dcount_add(dc, in->conf->webhooks[i].name, false);
		for (size_t i = 0; i < in->conf->nemails; i++)
			dcount_add(dc, in->conf->emails[i].name, true);
	}
	if (store_db_size(h->st, &dbsize, err, sizeof(err)) != 0 ||
	    store_delivery_states(h->st, dcount_cb, dc, err, sizeof(err)) != 0 ||
	    store_feed_states(h->st, fcount_cb, &fc, err, sizeof(err)) != 0) {
		free(dc);
		evbuffer_free(b);
		httpd_error(req, 503, "database: %s", err);
		return;
	}
	intake_stats(in->in, &is);
	outbox_stats(in->ob, &os);
	if (in->poller != NULL)
		poller_stats(in->poller, &ps);

	prom_head(b, "articles_stored_total", "counter",
	          "Articles stored since harkd started, by source kind.");
	evbuffer_add_printf(b, "hark_articles_stored_total{source=\"drop\"} %lu\n",
	                    is.articles - is.articles_feed - is.articles_api);
	evbuffer_add_printf(b, "hark_articles_stored_total{source=\"feed\"} %lu\n",
	                    is.articles_feed);
	evbuffer_add_printf(b, "hark_articles_stored_total{source=\"api\"} %lu\n", is.articles_api);
	prom_head(b, "duplicates_total", "counter",
	          "Documents not stored again: an exact duplicate of a stored article.");
	evbuffer_add_printf(b, "hark_duplicates_total %lu\n", is.duplicates);
	prom_head(b, "near_duplicates_total", "counter",
	          "Articles stored in the near-duplicate group of an earlier one: near "
	          "duplicates and revisions of feed items (as hark status counts them).");
	evbuffer_add_printf(b, "hark_near_duplicates_total %lu\n", is.near_duplicates);
	prom_head(b, "hits_total", "counter", "Hits stored since harkd started.");
	evbuffer_add_printf(b, "hark_hits_total %lu\n", is.hits);
	prom_head(b, "alerts_total", "counter",
	          "Hits that alerted (not near duplicates, not muted).");
	evbuffer_add_printf(b, "hark_alerts_total %lu\n", is.alerts);
	prom_head(b, "hits_muted_total", "counter", "Hits of muted rules: stored, not alerted.");
	evbuffer_add_printf(b, "hark_hits_muted_total %lu\n", is.muted);
	prom_head(b, "files_failed_total", "counter",
	          "Dropped files moved to failed/ since harkd started.");
	evbuffer_add_printf(b, "hark_files_failed_total %lu\n", is.failed);
	prom_head(b, "queue_depth", "gauge", "Files and feed bodies waiting for a worker.");
	evbuffer_add_printf(b, "hark_queue_depth %zu\n", is.queued);
	prom_head(b, "documents_in_flight", "gauge",
	          "Documents being extracted, matched or committed.");
	evbuffer_add_printf(b, "hark_documents_in_flight %zu\n", is.in_flight);
	prom_hist(b, "commit_seconds",
	          "Seconds from a file seen in incoming/ (or a feed body received) to its commit.",
	          &is.commit_seconds);

	prom_head(b, "deliveries", "gauge",
	          "Webhook deliveries in the database, by configured webhook and state.");
	dcount_print(b, dc, false);
	prom_head(b, "email_deliveries", "gauge",
	          "Email deliveries in the database, by configured [email] and state.");
	dcount_print(b, dc, true);
	prom_head(b, "delivery_attempts_total", "counter",
	          "Webhook requests since harkd started, by outcome (a digest's is one; emails "
	          "are in hark_email_delivery_attempts_total).");
	evbuffer_add_printf(b,
	                    "hark_delivery_attempts_total{outcome=\"sent\"} %lu\n"
	                    "hark_delivery_attempts_total{outcome=\"failed\"} %lu\n"
	                    "hark_delivery_attempts_total{outcome=\"dead\"} %lu\n"
	                    "hark_delivery_attempts_total{outcome=\"gone\"} %lu\n",
	                    os.webhook.sent, os.webhook.failed, os.webhook.dead, os.webhook.gone);
	prom_head(b, "email_delivery_attempts_total", "counter",
	          "Email messages handed to an [email]'s SMTP server since harkd started, by "
	          "outcome (a digest's is one).");
	evbuffer_add_printf(b,
	                    "hark_email_delivery_attempts_total{outcome=\"sent\"} %lu\n"
	                    "hark_email_delivery_attempts_total{outcome=\"failed\"} %lu\n"
	                    "hark_email_delivery_attempts_total{outcome=\"dead\"} %lu\n",
	                    os.email.sent, os.email.failed, os.email.dead);
	prom_head(b, "deliveries_in_flight", "gauge",
	          "Webhook requests and email messages under way.");
	evbuffer_add_printf(b, "hark_deliveries_in_flight %u\n", outbox_in_flight(in->ob));
	prom_hist(b, "delivery_seconds",
	          "Seconds from a hit's commit to its delivery's acceptance (a webhook's 2xx, an "
	          "SMTP server's 250), digests apart; a delivery made pending again (hark "
	          "redeliver, the API's retry) counts from then.",
	          &os.delivery_seconds);

	prom_head(b, "feed_polls_total", "counter", "Feed polls since harkd started, by outcome.");
	evbuffer_add_printf(b,
	                    "hark_feed_polls_total{outcome=\"ok\"} %lu\n"
	                    "hark_feed_polls_total{outcome=\"failed\"} %lu\n"
	                    "hark_feed_polls_total{outcome=\"gone\"} %lu\n",
	                    ps.ok, ps.failed, ps.gone);
	prom_head(b, "feeds", "gauge", "Feeds in the database, by state.");
	evbuffer_add_printf(b,
	                    "hark_feeds{state=\"ok\"} %lld\nhark_feeds{state=\"failing\"} %lld\n"
	                    "hark_feeds{state=\"gone\"} %lld\n",
	                    (long long)fc.ok, (long long)fc.failing, (long long)fc.gone);

	prom_head(b, "rules", "gauge", "Rules in force.");
	evbuffer_add_printf(b, "hark_rules %zu\n", in->nrules);
	/* the times and outcome hark status shows: "reload failed at ...; loaded at ..." */
	prom_head(b, "last_reload_timestamp_seconds", "gauge",
	          "When the configuration was last loaded or a reload failed (the start, until a "
	          "reload).");
	evbuffer_add_printf(b, "hark_last_reload_timestamp_seconds %lld\n",
	                    (long long)in->reload_at);
	prom_head(b, "last_reload_success", "gauge", "1 when the last reload was taken, else 0.");
	evbuffer_add_printf(b, "hark_last_reload_success %d\n", in->reload_ok ? 1 : 0);
	prom_head(b, "rules_loaded_timestamp_seconds", "gauge",
	          "When the rules in force were loaded (the start, or the last reload taken).");
	evbuffer_add_printf(b, "hark_rules_loaded_timestamp_seconds %lld\n",
	                    (long long)in->rules_at);
	prom_head(b, "start_time_seconds", "gauge", "When harkd started (Unix seconds).");
	evbuffer_add_printf(b, "hark_start_time_seconds %lld\n", (long long)in->started_at);
	prom_head(b, "database_size_bytes", "gauge", "Size of hark.db (pages times page size).");
	evbuffer_add_printf(b, "hark_database_size_bytes %lld\n", (long long)dbsize);
	prom_head(b, "http_connections", "gauge", "HTTP connections open now.");
	evbuffer_add_printf(b, "hark_http_connections %u\n", h->nconn);
	free(dc);
	httpd_send(req, 200, "text/plain; version=0.0.4; charset=utf-8", b);
}

/* ---- requests ---- */

static bool
is_read(enum evhttp_cmd_type m)
{
	return m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;
}

static void httpd_dispatch(struct httpd *h, struct evhttp_request *req, const char *path,
                           enum evhttp_cmd_type m);

static void
httpd_request_cb(struct evhttp_request *req, void *arg)
{
	struct httpd *h = arg;
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *raw = u != NULL ? evhttp_uri_get_path(u) : NULL;
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	char *path; /* owned: raw decoded (/rules/tmp%2Dgone is /rules/tmp-gone) */
	size_t n = 0;

	if (raw == NULL || *raw != '/') {
		httpd_error(req, 400, "the request's target is not a path");
		return;
	}
	if ((path = evhttp_uridecode(raw, 0, &n)) == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	if (strlen(path) != n) {
		httpd_error(req, 400, "the request's path holds a NUL byte (%%00)");
		free(path);
		return;
	}
	httpd_dispatch(h, req, path, m);
	free(path);
}

/*
 * A body over max_document_size (the one in force: a reload may have
 * lowered it): refused here, hark's own 413 with the headers of HTTP.md,
 * {"error"} under /api/. libevent 2.1 has no hook between a server
 * request's headers and its body, and answers a body over its own limit
 * with a page of its own before any route sees the request: so its limit
 * is HTTPD_BODY_LIMIT(max), larger, and this check is the one that
 * answers. Returns whether it answered.
 */
static bool
httpd_body_over(struct httpd *h, struct evhttp_request *req)
{
	const struct conf *c = h->info->conf;
	size_t max = c != NULL ? c->max_document_size : 0;
	size_t len = evbuffer_get_length(evhttp_request_get_input_buffer(req));

	if (max == 0 || len <= max)
		return false;
	httpd_error(req, 413, "the body is %zu bytes: larger than max_document_size (%zu bytes)",
	            len, max);
	return true;
}

/* The route of path (decoded), after the token check. */
static void
httpd_dispatch(struct httpd *h, struct evhttp_request *req, const char *path,
               enum evhttp_cmd_type m)
{
	const struct route *r = NULL;
	bool basic;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && r == NULL; i++)
		if (routes[i].prefix ? strncmp(path, routes[i].path, strlen(routes[i].path)) == 0
		                     : strcmp(path, routes[i].path) == 0)
			r = &routes[i];
	/*
	 * The token before anything else: a stranger learns nothing of the
	 * routes (the ways in depend on the path and the method, not on
	 * whether the route is there).
	 */
	basic = path_takes_basic(path, m);
	if (h->token != NULL && (r == NULL || !r->open) && !httpd_authorized(h, req, basic)) {
		if (path_is_page(path, m)) {
			login_redirect(req);
			return;
		}
		/* Basic first: a client that reads only the first challenge is a feed reader */
		if (basic)
			evhttp_add_header(evhttp_request_get_output_headers(req),
			                  "WWW-Authenticate", "Basic realm=\"hark\"");
		evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
		                  "Bearer realm=\"hark\"");
		httpd_error(req, 401,
		            basic ? "a valid 'Authorization: Bearer TOKEN' is needed, or Basic "
		                    "auth with the token as the password (any user)"
		                  : "a valid 'Authorization: Bearer TOKEN' is needed");
		return;
	}
	if (httpd_body_over(h, req))
		return;
	if (r == NULL) {
		httpd_error(req, 404, "no such page: %s", path);
		return;
	}
	if (r->read && !is_read(m)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		httpd_error(req, 405, "%s answers GET and HEAD only", r->path);
		return;
	}
	r->fn(h, req, path);
	log_debug("http %s %s",
	          m == EVHTTP_REQ_HEAD  ? "HEAD"
	          : m == EVHTTP_REQ_GET ? "GET"
	                                : "-",
	          log_quote(path));
}

/* ---- connections ---- */

static void
httpd_listeners(struct httpd *h, int on)
{
	for (size_t i = 0; i < h->nlev; i++)
		if (on)
			evconnlistener_enable(h->lev[i]);
		else
			evconnlistener_disable(h->lev[i]);
	h->paused = !on;
}

/* Drop the connections evhttp has freed; accept again below the limit. */
static void
httpd_sweep(struct httpd *h)
{
	for (unsigned i = 0; i < h->nconn;) {
		bufferevent_data_cb rd, wr;
		bufferevent_event_cb ev;
		void *arg;

		bufferevent_getcb(h->conn[i], &rd, &wr, &ev, &arg);
		if (rd != NULL || wr != NULL || ev != NULL) {
			i++;
			continue;
		}
		bufferevent_decref(h->conn[i]); /* the last reference: closes the socket */
		h->conn[i] = h->conn[--h->nconn];
	}
	if (h->paused && h->nconn < HTTPD_MAX_CONN)
		httpd_listeners(h, 1);
	if (h->nconn > 0 && !evtimer_pending(h->ev_sweep, NULL)) {
		struct timeval tv = {0, SWEEP_MS * 1000};

		evtimer_add(h->ev_sweep, &tv);
	}
}

static void
httpd_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	httpd_sweep(arg);
}

/*
 * Data read into a connection's input: once evhttp has let the connection
 * go (its callbacks cleared) and until the sweep, nobody reads it: reading
 * stops at once rather than filling memory for a sweep's period.
 */
static void
httpd_input_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct bufferevent *b = arg;
	bufferevent_data_cb rd, wr;
	bufferevent_event_cb ev;
	void *cbarg;

	if (info->n_added == 0)
		return;
	bufferevent_getcb(b, &rd, &wr, &ev, &cbarg);
	if (rd == NULL && wr == NULL && ev == NULL) {
		bufferevent_disable(b, EV_READ | EV_WRITE);
		evbuffer_drain(buf, evbuffer_get_length(buf));
	}
}

static struct bufferevent *
httpd_bev_cb(struct event_base *base, void *arg)
{
	struct httpd *h = arg;
	struct bufferevent *b;

	httpd_sweep(h);
	if (h->nconn >= HTTPD_MAX_CONN)
		return NULL; /* accepted before the pause took: evhttp makes its own, uncounted */
	if ((b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	bufferevent_incref(b);
	evbuffer_add_cb(bufferevent_get_input(b), httpd_input_cb, b);
	h->conn[h->nconn++] = b;
	if (h->nconn >= HTTPD_MAX_CONN && !h->paused) {
		time_t now = time(NULL);

		/* a client that fills the slots again and again gets one line a minute */
		if (h->paused_said == 0 || now - h->paused_said >= 60) {
			log_warnx("http: %d connections open: not accepting more until one closes",
			          HTTPD_MAX_CONN);
			h->paused_said = now;
		}
		httpd_listeners(h, 0);
	}
	/* not a sweep: evhttp sets its callbacks only once this returns */
	if (!evtimer_pending(h->ev_sweep, NULL)) {
		struct timeval tv = {0, SWEEP_MS * 1000};

		evtimer_add(h->ev_sweep, &tv);
	}
	return b;
}

/* ---- the server ---- */

/* Bind one address; its URL appended to h->urls. Returns 0, -1 with err. */
static int
httpd_listen(struct httpd *h, const struct conf_listen *l, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct evconnlistener *lev;
	char name[INET6_ADDRSTRLEN], shown[80];
	int fd;
	bool v6 = strchr(l->host, ':') != NULL;

	listensock_shown(l, shown, sizeof(shown));
	if ((fd = listensock_bind(l, 0, err, errsz)) < 0)
		return -1;
	if (listen(fd, 128) < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", shown, strerror(errno));
		close(fd);
		return -1;
	}
	/* backlog 0: listening already; the evhttp takes the listener and sets its callback */
	lev = evconnlistener_new(h->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
	                         0, fd);
	if (lev == NULL) {
		close(fd);
		snprintf(err, errsz, "cannot listen on %s: cannot make a listener", shown);
		return -1;
	}
	if (evhttp_bind_listener(h->http, lev) == NULL) {
		evconnlistener_free(lev);
		snprintf(err, errsz, "cannot listen on %s: out of memory", shown);
		return -1;
	}
	h->lev[h->nlev++] = lev;
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, name, sizeof(name));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, name, sizeof(name));
	snprintf(h->urls + strlen(h->urls), sizeof(h->urls) - strlen(h->urls),
	         "%shttp://%s%s%s:%u/", h->urls[0] ? " " : "", v6 ? "[" : "", name, v6 ? "]" : "",
	         ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                        : ((struct sockaddr_in *)&ss)->sin_port));
	return 0;
}

struct httpd *
httpd_new(struct event_base *base, const struct conf_http *c, size_t max_body, const char *dbpath,
          const struct httpd_info *info, char *err, size_t errsz)
{
	struct httpd *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		snprintf(err, errsz, "http: out of memory");
		return NULL;
	}
	h->base = base;
	h->info = info;
	/* read once: the process's zone does not change while it runs */
	if (localzone_read((int64_t)time(NULL), &h->zone) < 0) {
		snprintf(err, errsz, "http: out of memory");
		goto fail;
	}
	if (c->token != NULL) {
		if ((h->token = strdup(c->token)) == NULL) {
			snprintf(err, errsz, "http: out of memory");
			goto fail;
		}
		h->token_len = strlen(h->token);
		if ((h->login = login_new()) == NULL) {
			snprintf(err, errsz, "http: out of memory");
			goto fail;
		}
	}
	/* its own connection: the pages' reads never wait for the writer (WAL) */
	if (store_open(dbpath, STORE_READ, 100, &h->st, err, errsz) < 0)
		goto fail;
	if ((h->work = hwork_new(base, dbpath, err, errsz)) == NULL)
		goto fail;
	if ((h->ev_sweep = evtimer_new(base, httpd_sweep_cb, h)) == NULL ||
	    (h->http = evhttp_new(base)) == NULL) {
		snprintf(err, errsz, "http: cannot create the server");
		goto fail;
	}
	evhttp_set_max_headers_size(h->http, HTTPD_MAX_HEADERS);
	/* past max_body, up to this, harkd answers the 413 itself (httpd_body_over) */
	evhttp_set_max_body_size(h->http, (ev_ssize_t)HTTPD_BODY_LIMIT(max_body));
	/* HARK_HTTP_IDLE_TIMEOUT: seconds, 1 to 3600, for the tests */
	evhttp_set_timeout(h->http, (int)envnum_get("HARK_HTTP_IDLE_TIMEOUT", 1, 3600,
	                                            HTTPD_IDLE_TIMEOUT, "seconds"));
	/* every method reaches the routes, which answer 405 with the headers of HTTP.md */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                        EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	                                        EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, httpd_request_cb, h);
	evhttp_set_bevcb(h->http, httpd_bev_cb, h);
	for (size_t i = 0; i < c->nlisten && i < HTTPD_MAX_LISTEN; i++)
		if (httpd_listen(h, &c->listen[i], err, errsz) < 0)
			goto fail;
	return h;
fail:
	httpd_free(h);
	return NULL;
}

void
httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	/* first: its jobs' requests go with the connections below */
	hwork_free(h->work);
	if (h->http != NULL)
		evhttp_free(h->http); /* frees the listeners and the connections */
	/* what is left of them is ours alone now */
	for (unsigned i = 0; i < h->nconn; i++)
		bufferevent_decref(h->conn[i]);
	if (h->ev_sweep != NULL)
		event_free(h->ev_sweep);
	store_close(h->st);
	if (h->token != NULL)
		explicit_bzero(h->token, h->token_len);
	free(h->token);
	login_free(h->login);
	free((void *)h->zone.spans);
	free(h);
}

const char *
httpd_urls(const struct httpd *h)
{
	return h->urls;
}

unsigned
httpd_connections(const struct httpd *h)
{
	return h->nconn;
}

struct store *
httpd_store(struct httpd *h)
{
	return h->st;
}

const struct httpd_info *
httpd_info(const struct httpd *h)
{
	return h->info;
}

const struct page_zone *
httpd_zone(const struct httpd *h)
{
	return &h->zone;
}

struct login *
httpd_login(struct httpd *h)
{
	return h->login;
}

int
httpd_work(struct httpd *h, struct hwork_job *j)
{
	struct evhttp_request *req = j->req;

	if (hwork_push(h->work, j) == 0)
		return 0;
	hwork_job_free(j);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", HWORK_RETRY_AFTER);
	httpd_error(req, 503, "the archive is busy: %d searches are running or waiting",
	            HWORK_QUEUE + 1);
	return -1;
}
