/*
 * httpd.h: harkd's HTTP server (HTTP.md), on harkd's libevent loop (evhttp).
 * Not to be confused with http.h, the libcurl client of the feeds and the
 * webhooks. httpd.c owns the evhttp, its listening sockets, its connection
 * count and a read-only database connection of its own (WAL: reads never
 * block the writer); harkd creates it after the store and frees it before.
 *
 * Bounds: headers <= 16 KiB, a body <= max_document_size (a larger one read
 * up to HTTPD_BODY_LIMIT and refused with 413), idle connections
 * closed after 30 s (HARK_HTTP_IDLE_TIMEOUT, for the tests), at most
 * HTTPD_MAX_CONN connections (past that the listeners stop accepting until
 * one closes: the kernel's backlog holds the rest). Every answer carries
 * the security headers of HTTP.md. With a token, every route but /healthz,
 * /login, /logout and /static/hark.css needs "Authorization: Bearer TOKEN"
 * (compared in constant time, never logged) or a session cookie from
 * /login; a GET of a page without either is sent to /login. A GET or HEAD
 * of what programs read (the Atom feed, the API, the metrics) also takes
 * the token as the password of "Authorization: Basic", for feed readers. Routes are a
 * table in httpd.c: a new page or API call is one line there and one
 * handler. q= and /try, which may read much of the archive, run on a
 * worker thread the httpd owns, with a read-only connection of its own
 * (httpd_work.h): the loop never waits on them.
 */
#ifndef HARK_HTTPD_H
#define HARK_HTTPD_H

#include <event2/event.h>
#include <event2/http.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"
#include "intake.h"
#include "outbox.h"
#include "page.h"
#include "poller.h"
#include "ruleset.h"
#include "store.h"

#define HTTPD_MAX_CONN 256
#define HTTPD_MAX_HEADERS (16 * 1024)
#define HTTPD_IDLE_TIMEOUT 30 /* seconds */
/*
 * The body libevent reads at most, max being max_document_size: twice it,
 * at least 1 MiB more. A body over max and up to this is read (memory
 * bounded by this) and refused by harkd, with its own 413; past this,
 * libevent refuses it before reading it, with a fixed page of its own
 * (libevent 2.1 gives a server no hook to answer it: no header callback
 * on the requests it makes).
 */
#define HTTPD_BODY_LIMIT(max) ((max) + ((max) > ((size_t)1 << 20) ? (max) : ((size_t)1 << 20)))

/*
 * What harkd knows and httpd shows (GET /metrics, /healthz): harkd's,
 * updated by harkd (at start and each reload), read by httpd at each
 * request. Every pointer borrowed.
 */
struct httpd_info {
	const struct conf *conf; /* the configuration in force */
	size_t nrules;
	const struct ruleset *rs; /* the rules in force (tag= resolves to their ids) */
	int64_t started_at;       /* Unix seconds */
	int64_t reload_at;        /* of the last reload (the start until one), seconds */
	bool reload_ok;           /* whether it was taken */
	int64_t rules_at; /* when the rules in force were loaded: the start or a reload taken */
	char reload_error[256]; /* why the last reload was not taken, one line ("" when it was) */
	bool stopping;          /* SIGTERM: /healthz says 503 */
	struct intake *in;
	struct outbox *ob;
	struct poller *poller;
	/*
	 * POST /deliveries/ID/retry: delivery id made due now through harkd's
	 * writer connection (not the server's read-only one), the outbox kicked.
	 * Returns 1, 0 when there is no such delivery, -1 or STORE_BUSY with err.
	 */
	int (*redeliver)(void *arg, int64_t id, char *err, size_t errsz);
	void *redeliver_arg; /* harkd's */
	/*
	 * POST /api/v1/rules/ID/mute and /unmute: rule_id muted until until
	 * (Unix seconds), or its mute ended when until is 0, through harkd's
	 * writer connection. Returns 1, 0 (unmuting a rule not muted), -1 or
	 * STORE_BUSY with err.
	 */
	int (*mute)(void *arg, const char *rule_id, int64_t until, char *err, size_t errsz);
	void *mute_arg; /* harkd's */
};

struct httpd;

/*
 * Listen on every address of c->listen (c->line != 0), serve from the
 * database at dbpath (opened read-only here). info stays harkd's and must
 * outlive the server. Returns NULL with err ("cannot listen on ADDR: why").
 */
struct httpd *httpd_new(struct event_base *base, const struct conf_http *c, size_t max_body,
                        const char *dbpath, const struct httpd_info *info, char *err, size_t errsz);
void httpd_free(struct httpd *h);
/* The bound addresses as URLs, blank-separated ("http://127.0.0.1:8976/"): the server's. */
const char *httpd_urls(const struct httpd *h);
/* Connections open now. */
unsigned httpd_connections(const struct httpd *h);

/* ---- for the routes ---- */

/*
 * A route's handler (the table in httpd.c): the token and the method are
 * checked before it is called; it answers with httpd_send or httpd_error.
 */
typedef void (*httpd_route_fn)(struct httpd *h, struct evhttp_request *req, const char *path);
/* The server's read-only connection (its own, WAL: reads never block the writer). */
struct store *httpd_store(struct httpd *h);
/* What harkd shows (counters, the configuration in force). */
const struct httpd_info *httpd_info(const struct httpd *h);
/* The zone the pages show times in (harkd's, localzone.h): each page's pg.zone. */
const struct page_zone *httpd_zone(const struct httpd *h);

/*
 * The login of browsers (httpd_login.c): sessions in memory, owned by the
 * httpd (httpd_login: NULL when there is no token, nothing to log in to).
 */
struct login;
struct login *login_new(void);
void login_free(struct login *l);
/* Whether the request's Cookie names a live session. */
bool login_session_ok(struct login *l, struct evhttp_request *req);
/* 303 to /login?next=THIS_TARGET (a page asked for without the token). */
void login_redirect(struct evhttp_request *req);
/* GET (the form) and POST (the token) /login; POST /logout. */
void route_login(struct httpd *h, struct evhttp_request *req, const char *path);
void route_logout(struct httpd *h, struct evhttp_request *req, const char *path);
struct login *httpd_login(struct httpd *h);
/* Whether guess[0..len) is the token, in constant time in the token; false without one. */
bool httpd_token_ok(const struct httpd *h, const char *guess, size_t len);

/* The answer: the headers of HTTP.md, content type, body (taken; NULL: empty). */
void httpd_send(struct evhttp_request *req, int code, const char *ctype, struct evbuffer *body);
/*
 * An error: under /api/ {"error": "..."} as application/json, else the
 * cause as text/plain; one line, the cause of the status.
 */
void httpd_error(struct evhttp_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shared by the routes' files (httpd_hits.c) ---- */

/*
 * The worker of the long reads (httpd_work.h): hand it j, whose answer
 * comes later; when its queue is full, answer 503 with Retry-After and free
 * j. Returns 0 when queued, -1 when answered here.
 */
struct hwork_job;
int httpd_work(struct httpd *h, struct hwork_job *j);
/*
 * Whether a state-changing or costly POST may come from where it says
 * (httpd_ops.c): no Origin, or this server's own; Sec-Fetch-Site, when
 * sent, same-origin or none. False with err (the caller answers 403).
 */
bool httpd_origin_ok(struct httpd *h, struct evhttp_request *req, char *err, size_t errsz);

/* Answer o as JSON (o taken), or 500 when it cannot be written. */
void httpd_send_json(struct evhttp_request *req, int code, json_t *o);
/* Answer a rendered page or feed with 200 (pg reset), or 500 when out of memory. */
void httpd_send_page(struct evhttp_request *req, struct page *pg, const char *ctype);
/* The same with code: a page that says what went wrong (a 404 of "/" naming no rule). */
void httpd_send_page_code(struct evhttp_request *req, int code, struct page *pg, const char *ctype);
/* The rule of rs with this id, in force or disabled (httpd_rules.c), or NULL. */
const struct rule *httpd_rule_find(const struct ruleset *rs, const char *id);
/*
 * Whether a state-changing request (POST) may come from where it says
 * (httpd_ops.c): no Origin, or this server's own; Sec-Fetch-Site, when
 * sent, same-origin or none. false with err (a 403).
 */
bool httpd_origin_ok(struct httpd *h, struct evhttp_request *req, char *err, size_t errsz);
/* For a route that takes no parameter: 0, or 400 with err naming the first one given. */
int httpd_no_query(struct evhttp_request *req, char *err, size_t errsz);

/* The hits of a page or feed, flattened for the renderers (page.h); hits must outlive them. */
struct httpd_flat_hits {
	struct page_hit_json *pj; /* owned: each hit's room (tags, marks) */
	struct page_hit *v;       /* owned: borrowing from pj and hits */
	size_t n;
};
/* hits (an array of hit objects) into fh (httpd_flat_hits_free after): 0, -1 when out of memory. */
int httpd_flat_hits(json_t *hits, struct httpd_flat_hits *fh);
void httpd_flat_hits_free(struct httpd_flat_hits *fh);

/*
 * The routes of the hits (httpd_hits.c): GET /api/v1/hits,
 * /api/v1/articles/ID, /api/v1/status, the pages / and /articles/ID, the
 * Atom feed /hits.atom and the stylesheet /static/hark.css.
 */
void route_api_hits(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_article(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_status(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_hits(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_article(struct httpd *h, struct evhttp_request *req, const char *path);
void route_atom(struct httpd *h, struct evhttp_request *req, const char *path);
void route_css(struct httpd *h, struct evhttp_request *req, const char *path);

/*
 * The routes of /try (httpd_try.c): the page /try (GET, HEAD, and POST
 * from its form) and POST /api/v1/try, both run on the worker.
 */
void route_page_try(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_try(struct httpd *h, struct evhttp_request *req, const char *path);

/*
 * The routes of the rules (httpd_rules.c): GET /api/v1/rules, the pages
 * /rules and /rules/ID, and POST /api/v1/rules/ID/mute and /unmute (a
 * JSON body) and /rules/ID/mute and /unmute (the page's forms, then 303 to
 * /rules/ID): POST only, checked as the retry of a delivery (405, 403 for
 * a cross-site Origin).
 */
void route_api_rules(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_rule_mute(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_rules(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_rule(struct httpd *h, struct evhttp_request *req, const char *path);

/*
 * The operators' routes (httpd_ops.c): GET /api/v1/feeds,
 * /api/v1/deliveries, the pages /feeds and /deliveries, and POST
 * /api/v1/deliveries/ID/retry and /deliveries/ID/retry (POST only: those
 * answer 405 to any other method, 403 to a cross-site Origin).
 */
void route_api_feeds(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_deliveries(struct httpd *h, struct evhttp_request *req, const char *path);
void route_api_retry(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_feeds(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_deliveries(struct httpd *h, struct evhttp_request *req, const char *path);
void route_page_retry(struct httpd *h, struct evhttp_request *req, const char *path);
/*
 * Whether a state-changing request may come from where it says (httpd_ops.c):
 * no Origin, or this server's own; Sec-Fetch-Site same-origin or none. false
 * with err naming the other origin (a 403).
 */
bool httpd_origin_ok(struct httpd *h, struct evhttp_request *req, char *err, size_t errsz);

/*
 * POST /api/v1/articles (httpd_post.c): the body stored and matched as a
 * dropped file is (intake_post), answered once committed: 201 with the
 * article and its hits, 200 with the stored one for an exact duplicate.
 */
void route_api_post(struct httpd *h, struct evhttp_request *req, const char *path);

#endif
