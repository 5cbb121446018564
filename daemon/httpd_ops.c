/*
 * httpd_ops.c: the operators' routes (HTTP.md): GET /api/v1/feeds,
 * /api/v1/deliveries?state=, the pages /feeds and /deliveries, and the one
 * that changes something, POST /api/v1/deliveries/ID/retry and its form
 * twin POST /deliveries/ID/retry. The reads go through the server's
 * read-only store and readjson.c (the objects of hark status --json and
 * hark deliveries --json); the retry goes through harkd's writer
 * (httpd_info's redeliver), never the read-only connection.
 *
 * A state-changing request is a POST from this server's own pages: any
 * other method is 405, and an Origin that is not this server's (its Host,
 * or base_url's origin), or a Sec-Fetch-Site saying another site, is 403,
 * so a form on another site cannot make a browser send one (the token, or
 * the SameSite=Strict cookie, guards a tokened listener besides).
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "httpd.h"
#include "log.h"
#include "outbox.h"
#include "page_ops.h"
#include "readjson.h"

/* The deliveries one answer lists: the newest of each state asked for. */
#define OPS_DELIVERIES_MAX 500

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- feeds ---- */

/* The feeds of hark status --json into *feeds: 0, or the HTTP status with err. */
static int
feeds_read(struct httpd *h, struct evhttp_request *req, json_t **feeds, char *err, size_t errsz)
{
	char why[400];
	int code;

	*feeds = NULL;
	if ((code = httpd_no_query(req, err, errsz)) != 0)
		return code;
	if ((*feeds = json_array()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return 500;
	}
	if (readjson_feeds(httpd_store(h), *feeds, why, sizeof(why)) != 0) {
		json_decref(*feeds);
		*feeds = NULL;
		snprintf(err, errsz, "database: %s", why);
		return 503;
	}
	return 0;
}

void
route_api_feeds(struct httpd *h, struct evhttp_request *req, const char *path)
{
	json_t *feeds;
	char err[512];
	int code;

	(void)path;
	if ((code = feeds_read(h, req, &feeds, err, sizeof(err))) != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_json(req, 200, json_pack("{s:o}", "feeds", feeds));
}

void
route_page_feeds(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct page_feed_row *v;
	struct page pg = {.zone = httpd_zone(h)};
	json_t *feeds, *f;
	char err[512];
	size_t i, n = 0;
	int code;

	(void)path;
	if ((code = feeds_read(h, req, &feeds, err, sizeof(err))) != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	if ((v = calloc(json_array_size(feeds) + 1, sizeof(*v))) == NULL) {
		json_decref(feeds);
		httpd_error(req, 500, "out of memory");
		return;
	}
	/* every string borrowed from feeds, freed after the render */
	json_array_foreach(feeds, i, f)
	{
		v[n++] =
		    (struct page_feed_row){.name = jstr(f, "name"),
		                           .url = jstr(f, "url"),
		                           .last_ok = jstr(f, "last_ok"),
		                           .last_error = jstr(f, "last_error"),
		                           .next_poll = jstr(f, "next_poll"),
		                           .gone = json_is_true(json_object_get(f, "gone")),
		                           .warning = jstr(f, "state") != NULL &&
		                                      strcmp(jstr(f, "state"), "warning") == 0};
	}
	page_feeds(&pg, v, n);
	free(v);
	json_decref(feeds);
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

/* ---- deliveries ---- */

/*
 * The state= of GET /api/v1/deliveries in *state (NULL: any), the only
 * parameter: 0, or 400 with err.
 */
static int
deliveries_state(struct evhttp_request *req, const char **state, char *buf, size_t bufsz, char *err,
                 size_t errsz)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
	struct evkeyvalq kv;
	struct evkeyval *p;
	int code = 0, seen = 0;

	*state = NULL;
	TAILQ_INIT(&kv);
	if (query != NULL && evhttp_parse_query_str(query, &kv) < 0) {
		snprintf(err, errsz, "the query string is malformed");
		return 400;
	}
	TAILQ_FOREACH(p, &kv, next)
	{
		if (strcmp(p->key, "state") != 0) {
			snprintf(err, errsz, "unknown parameter '%.60s'", p->key);
			code = 400;
			break;
		}
		if (seen++) {
			snprintf(err, errsz, "state given twice");
			code = 400;
			break;
		}
		if (*p->value == '\0')
			continue; /* an empty field: any state */
		if (strcmp(p->value, "pending") != 0 && strcmp(p->value, "sent") != 0 &&
		    strcmp(p->value, "dead") != 0 && strcmp(p->value, "cancelled") != 0) {
			snprintf(err, errsz,
			         "state: '%.40s' is not pending, sent, dead or cancelled",
			         p->value);
			code = 400;
			break;
		}
		snprintf(buf, bufsz, "%s", p->value);
		*state = buf;
	}
	evhttp_clear_headers(&kv);
	return code;
}

void
route_api_deliveries(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const char *state;
	json_t *a;
	char err[512], why[400], sbuf[16];
	int code;

	(void)path;
	if ((code = deliveries_state(req, &state, sbuf, sizeof(sbuf), err, sizeof(err))) != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	if ((a = json_array()) == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	if (readjson_deliveries(httpd_store(h), state, OPS_DELIVERIES_MAX, a, why, sizeof(why)) !=
	    0) {
		json_decref(a);
		httpd_error(req, 503, "database: %s", why);
		return;
	}
	httpd_send_json(req, 200, json_pack("{s:o}", "deliveries", a));
}

/*
 * held=ID, the only parameter of the page /deliveries: where its retry form
 * sends the browser when that delivery is held for its digest. 0 and *id
 * (0: none), or 400 with err.
 */
static int
deliveries_held_param(struct evhttp_request *req, int64_t *id, char *err, size_t errsz)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
	const char *p = query;
	char *end;
	long long n;

	*id = 0;
	if (query == NULL || *query == '\0')
		return 0;
	if (strncmp(query, "held=", 5) != 0)
		return httpd_no_query(req, err, errsz);
	p = query + 5;
	errno = 0;
	n = isdigit((unsigned char)*p) ? strtoll(p, &end, 10) : 0;
	if (n <= 0 || errno != 0 || *end != '\0') {
		snprintf(err, errsz, "held: '%.40s' is not a delivery id", p);
		return 400;
	}
	*id = (int64_t)n;
	return 0;
}

struct held_row {
	int64_t period;
	char dest[128];
	int pending;
};

static int
held_row_cb(const struct store_delivery_row *r, void *arg)
{
	struct held_row *w = arg;

	w->period = r->period;
	w->pending = strcmp(r->state, "pending") == 0;
	snprintf(w->dest, sizeof(w->dest), "%s", r->webhook != NULL ? r->webhook : "");
	return 0;
}

/*
 * What the page says of delivery id after its retry form: why it was not
 * sent, while it is still held for its digest; "" once it is not (sent
 * since, or its period ended).
 */
static void
deliveries_held_say(struct httpd *h, int64_t id, char *say, size_t saysz)
{
	struct held_row w = {0};
	char err[256];

	say[0] = '\0';
	if (store_delivery_get(httpd_store(h), id, held_row_cb, &w, err, sizeof(err)) == 1 &&
	    w.pending && w.period > (int64_t)time(NULL))
		outbox_held_say(httpd_info(h)->conf, id, w.dest, w.period, say, saysz);
}

static int
webhook_off_cb(const struct store_webhook_row *r, void *arg)
{
	return json_array_append_new(arg, readjson_webhook(r));
}

void
route_page_deliveries(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct page_delivery *v;
	struct page_webhook_off *off;
	struct page pg = {.zone = httpd_zone(h)};
	json_t *a, *d, *wa;
	char err[512], why[400], say[512] = "";
	size_t i, n = 0;
	int64_t held;
	int code;

	(void)path;
	if ((code = deliveries_held_param(req, &held, err, sizeof(err))) != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	if (held > 0)
		deliveries_held_say(h, held, say, sizeof(say));
	a = json_array();
	wa = json_array();
	if (a == NULL || wa == NULL) {
		json_decref(a);
		json_decref(wa);
		httpd_error(req, 500, "out of memory");
		return;
	}
	/* the ones that need a look: not yet sent, or given up; and the webhooks a 410 disabled */
	if (readjson_deliveries(httpd_store(h), "dead", OPS_DELIVERIES_MAX, a, why, sizeof(why)) !=
	        0 ||
	    readjson_deliveries(httpd_store(h), "pending", OPS_DELIVERIES_MAX, a, why,
	                        sizeof(why)) != 0 ||
	    /* and those whose webhook left the configuration, with that reason */
	    readjson_deliveries(httpd_store(h), "cancelled", OPS_DELIVERIES_MAX, a, why,
	                        sizeof(why)) != 0 ||
	    store_webhooks_each(httpd_store(h), webhook_off_cb, wa, why, sizeof(why)) != 0) {
		json_decref(a);
		json_decref(wa);
		httpd_error(req, 503, "database: %s", why);
		return;
	}
	v = calloc(json_array_size(a) + 1, sizeof(*v));
	off = calloc(json_array_size(wa) + 1, sizeof(*off));
	if (v == NULL || off == NULL) {
		free(v);
		free(off);
		json_decref(a);
		json_decref(wa);
		httpd_error(req, 500, "out of memory");
		return;
	}
	json_array_foreach(wa, i, d)
	{
		off[i] = (struct page_webhook_off){.name = jstr(d, "name"),
		                                   .reason = jstr(d, "reason"),
		                                   .since = jstr(d, "since")};
	}
	/* every string borrowed from a, freed after the render */
	json_array_foreach(a, i, d)
	{
		const char *wh = jstr(d, "destination");

		v[n++] = (struct page_delivery){
		    .id = (int64_t)json_integer_value(json_object_get(d, "id")),
		    .webhook = wh != NULL ? wh : "",
		    .state = jstr(d, "state"),
		    .hit = jstr(d, "hit"),
		    .rule = jstr(d, "rule"),
		    .attempts = (int)json_integer_value(json_object_get(d, "attempts")),
		    .last_status = (long)json_integer_value(json_object_get(d, "last_status")),
		    .last_error = jstr(d, "last_error"),
		    .created = jstr(d, "created"),
		    .next_attempt = jstr(d, "next_attempt")};
	}
	page_deliveries(&pg, v, n, off, json_array_size(wa), say);
	free(v);
	free(off);
	json_decref(a);
	json_decref(wa);
	httpd_send_page(req, &pg, "text/html; charset=utf-8");
}

/* ---- POST .../deliveries/ID/retry ---- */

/* The scheme://host[:port] of url: its length, 0 when url has none. */
static size_t
origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/*
 * Whether a state-changing request may come from where it says: no
 * Origin (not a browser's cross-site form), or this server's own: its Host
 * over http or https, or base_url's origin. Sec-Fetch-Site, when sent,
 * must say same-origin (or none: typed by the user).
 *
 * "Origin: null" is what Chromium sends with a form of our own pages, whose
 * Referrer-Policy is no-referrer (HTTP.md): it is taken only beside
 * Sec-Fetch-Site: same-origin, which a page cannot forge; a sandboxed frame
 * elsewhere also says null, but cross-site.
 */
bool
httpd_origin_ok(struct httpd *h, struct evhttp_request *req, char *err, size_t errsz)
{
	const struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const char *o = evhttp_find_header(in, "Origin");
	const char *host = evhttp_find_header(in, "Host");
	const char *site = evhttp_find_header(in, "Sec-Fetch-Site");
	const char *base = httpd_info(h)->conf != NULL ? httpd_info(h)->conf->http.base_url : NULL;
	const char *hp = NULL;

	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		snprintf(err, errsz,
		         "a request from another site (Sec-Fetch-Site: %.40s) is refused", site);
		return false;
	}
	if (o == NULL)
		return true;
	if (strcmp(o, "null") == 0 && site != NULL && strcmp(site, "same-origin") == 0)
		return true;
	if (strncasecmp(o, "http://", 7) == 0)
		hp = o + 7;
	else if (strncasecmp(o, "https://", 8) == 0)
		hp = o + 8;
	if (hp != NULL && host != NULL && *host != '\0' && strcasecmp(hp, host) == 0)
		return true;
	if (base != NULL && origin_len(base) > 0 && origin_len(base) == strlen(o) &&
	    strncasecmp(base, o, strlen(o)) == 0)
		return true;
	snprintf(err, errsz, "a request from another origin (%.100s) is refused", o);
	return false;
}

/*
 * POST PREFIX/ID/retry: the delivery made due now. Returns 1 with *id; 2
 * with *id and what to say in err when it is left for its digest, whose
 * period has not ended (never sent before it); or the HTTP status with err.
 */
static int
retry_prepare(struct httpd *h, struct evhttp_request *req, const char *path, const char *prefix,
              int64_t *id, char *err, size_t errsz)
{
	const char *p = path + strlen(prefix), *slash = strchr(p, '/');
	char *end;
	long long n;
	int code;
	int rc;

	if (slash == NULL || strcmp(slash, "/retry") != 0 || slash == p ||
	    !isdigit((unsigned char)*p)) {
		snprintf(err, errsz, "no such page: %.200s", path);
		return 404;
	}
	errno = 0;
	n = strtoll(p, &end, 10);
	if (errno != 0 || end != slash || n <= 0) {
		snprintf(err, errsz, "no delivery '%.*s'",
		         (int)(slash - p) > 40 ? 40 : (int)(slash - p), p);
		return 404;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		snprintf(err, errsz, "%.100s changes a delivery: POST only", path);
		return 405;
	}
	if (!httpd_origin_ok(h, req, err, errsz))
		return 403;
	if ((code = httpd_no_query(req, err, errsz)) != 0)
		return code;
	if (httpd_info(h)->redeliver == NULL) {
		snprintf(err, errsz, "deliveries cannot be changed now");
		return 503;
	}
	rc = httpd_info(h)->redeliver(httpd_info(h)->redeliver_arg, (int64_t)n, err, errsz);
	if (rc == 0) {
		snprintf(err, errsz, "no delivery %lld", n);
		return 404;
	}
	if (rc < 0)
		return 503;
	if (rc == 4)
		return 409; /* its webhook is no longer configured: err says */
	*id = (int64_t)n;
	return rc == 3 ? 2 : 1;
}

void
route_api_retry(struct httpd *h, struct evhttp_request *req, const char *path)
{
	json_t *d = NULL;
	char err[512];
	int64_t id;
	int code = retry_prepare(h, req, path, "/api/v1/deliveries/", &id, err, sizeof(err));

	char say[512] = "";
	if (code != 1 && code != 2) {
		httpd_error(req, code, "%s", err);
		return;
	}
	/* the writer has committed: the read-only connection sees it */
	if (code == 2)
		snprintf(say, sizeof(say), "%s", err);
	code = readjson_delivery_get(httpd_store(h), id, &d, err, sizeof(err));
	if (code != 1) {
		if (code == 0)
			snprintf(err, sizeof(err), "no delivery %lld", (long long)id);
		httpd_error(req, code == 0 ? 404 : 503, "%s", err);
		return;
	}
	/* held for its digest: still pending, and why it is not sent now */
	if (say[0] != '\0')
		httpd_send_json(req, 200, json_pack("{s:o,s:s}", "delivery", d, "held", say));
	else
		httpd_send_json(req, 200, json_pack("{s:o}", "delivery", d));
}

void
route_page_retry(struct httpd *h, struct evhttp_request *req, const char *path)
{
	char err[512];
	int64_t id;
	int code = retry_prepare(h, req, path, "/deliveries/", &id, err, sizeof(err));

	char loc[64];

	if (code != 1 && code != 2) {
		httpd_error(req, code, "%s", err);
		return;
	}
	/*
	 * POST, redirect, GET: a reload of the page does not send it again.
	 * Held for its digest (2): the page says so, as hark redeliver does
	 * (the list alone shows it pending, due at the period's end).
	 */
	if (code == 2)
		snprintf(loc, sizeof(loc), "/deliveries?held=%lld", (long long)id);
	else
		snprintf(loc, sizeof(loc), "/deliveries");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
	httpd_send(req, 303, NULL, NULL);
}
