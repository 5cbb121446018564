/*
 * httpd_post.c: POST /api/v1/articles (HTTP.md). The body goes the way a
 * dropped file goes, never a second one: intake_post() queues it for a
 * worker (extraction with the format and charset the Content-Type declared,
 * matching), and the intake's commit stores article, hits and deliveries in
 * one transaction, with the same exact and near duplicate checks. Only then
 * is the answer sent: 201 with {"article", "hits"} (the objects of hark
 * article --json), 200 with the stored article for an exact duplicate.
 *
 * The request may be gone by then (the client closed, harkd exiting):
 * the connection's close callback tells the pending post, and the article
 * is stored and alerted all the same. Who owns what: the job owns its
 * job_post; the job_post's arg, a struct post_req, is freed by post_done,
 * which the intake calls exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <jansson.h>

#include "httpd.h"
#include "log.h"
#include "mediatype.h"
#include "readjson.h"

struct post_req {
	struct httpd *h;
	/* NULL once evhttp freed it with its connection (harkd exiting) */
	struct evhttp_request *req;
	/* NULL once closed; its close callback is ours while the post waits */
	struct evhttp_connection *evcon;
	char from[64]; /* the client's address, for the log */
};

/*
 * The connection is going. A request still on it is freed with it: forget
 * it. One evhttp detached first (the client left: evhttp_request_get_connection
 * says NULL) stays ours, and answering it frees it.
 */
static void
post_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct post_req *pr = arg;

	if (pr->req != NULL && evhttp_request_get_connection(pr->req) == evcon)
		pr->req = NULL;
	pr->evcon = NULL;
}

static void
post_req_free(struct post_req *pr)
{
	if (pr->evcon != NULL)
		evhttp_connection_set_closecb(pr->evcon, NULL, NULL);
	free(pr);
}

/* The stored article id into *out (the object of hark article --json): 0, or the status. */
static int
post_read(struct httpd *h, const char *id, json_t **out, char *err, size_t errsz)
{
	char why[400];
	int damaged = 0;
	int r = readjson_article(httpd_store(h), id, out, &damaged, why, sizeof(why));

	if (r == 1)
		return 0;
	if (r == 0)
		snprintf(err, errsz, "article %s was committed but cannot be found", id);
	else
		snprintf(err, errsz, "article %s is stored, but reading it back failed: %s", id,
		         why);
	return r == 0 ? 500 : 503;
}

/* A feed's answer lists this many of its articles (each read back whole), and counts the rest. */
#define POST_MAX_ARTICLES 100

/*
 * The answer of a committed job: one article, {"article", "hits"}; a feed's
 * several, {"articles", "hits", "stored", "duplicates"}, the first
 * POST_MAX_ARTICLES of them listed (the reads are on the loop thread). 201
 * when one is new, else 200.
 */
static void
post_answer(struct post_req *pr, const struct job *j)
{
	struct evhttp_request *req = pr->req;
	json_t *arts = json_array(), *hits = json_array(), *o = NULL;
	char err[512];
	const char *first_new = NULL;
	int code = 0, fresh = 0, dups = 0;

	if (arts == NULL || hits == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		code = 500;
	}
	for (size_t i = 0; code == 0 && i < j->ndocs; i++) {
		const struct work_doc *wd = &j->docs[i];
		const char *id = wd->stored ? wd->doc->id : wd->dup_of;
		json_t *a = NULL, *ah;
		size_t k;

		if (id[0] == '\0')
			continue;
		if (wd->stored && !fresh++)
			first_new = wd->doc->id;
		dups += !wd->stored;
		if (json_array_size(arts) >= POST_MAX_ARTICLES)
			continue;
		if ((code = post_read(pr->h, id, &a, err, sizeof(err))) != 0)
			break;
		json_array_foreach(json_object_get(a, "hits"), k, ah) json_array_append(hits, ah);
		json_array_append_new(arts, a);
	}
	if (code == 0) {
		if (json_array_size(arts) == 1 && j->x.format != FMT_FEED)
			o = json_pack("{s:O,s:O}", "article", json_array_get(arts, 0), "hits",
			              hits);
		else
			o = json_pack("{s:O,s:O,s:i,s:i}", "articles", arts, "hits", hits, "stored",
			              fresh, "duplicates", dups);
		if (first_new != NULL) {
			char loc[64];

			snprintf(loc, sizeof(loc), "/api/v1/articles/%s", first_new);
			evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
		}
	}
	json_decref(arts);
	json_decref(hits);
	if (code != 0) {
		httpd_error(req, code, "%s", err);
		return;
	}
	httpd_send_json(req, fresh > 0 ? 201 : 200, o);
}

/*
 * Whether the client has closed its side: evhttp does not read a connection
 * while its request waits for the answer, so it has not seen the end yet.
 */
static int
post_client_left(struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
	int fd = bev != NULL ? bufferevent_getfd(bev) : -1;
	char c;

	return fd >= 0 && recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void
post_done(void *arg, int rc, const char *why, const struct job *j)
{
	struct post_req *pr = arg;
	struct evhttp_request *req = pr->req;
	/* no connection left, or one whose client closed it */
	int left = req == NULL || pr->evcon == NULL || post_client_left(pr->evcon);

	if (pr->evcon != NULL)
		evhttp_connection_set_closecb(pr->evcon, NULL, NULL);
	/* still answered when it left: evhttp frees the request (and the connection) then */
	if (left) {
		/* the client is gone; what was committed stays committed */
		if (rc == 0)
			log_info("api=%s: the client left before the answer; stored all the same",
			         log_quote(pr->from));
		else
			log_info("api=%s: the client left; not stored: %s", log_quote(pr->from),
			         why);
		pr->evcon = NULL;
		if (req == NULL) {
			post_req_free(pr);
			return;
		}
	}
	pr->evcon = NULL;
	if (rc > 0)
		/* not an article: the extractor's reason, as a dropped file's in failed/ */
		httpd_error(req, strncmp(why, "larger than max_document_size", 29) == 0 ? 413 : 400,
		            "%s", why);
	else if (rc < 0 && j == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "10");
		httpd_error(req, 503, "%s", why);
	} else if (rc < 0)
		httpd_error(req, 500, "%s", why);
	else
		post_answer(pr, j);
	post_req_free(pr);
}

/* A Content-Language's first tag ("de-AT, en" -> "de-AT"), or NULL when there is none. */
static char *
post_lang(const char *v)
{
	size_t n = 0;

	if (v == NULL)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	while (n < 35 && ((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
	                  (v[n] >= '0' && v[n] <= '9') || v[n] == '-'))
		n++;
	return n > 0 ? strndup(v, n) : NULL;
}

static void
post_refuse_busy(struct evhttp_request *req, const char *retry, const char *why)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", retry);
	httpd_error(req, 503, "%s", why);
}

void
route_api_post(struct httpd *h, struct evhttp_request *req, const char *path)
{
	const struct httpd_info *info = httpd_info(h);
	struct evkeyvalq *hin = evhttp_request_get_input_headers(req);
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	size_t len = evbuffer_get_length(body);
	struct job_post *p = NULL;
	struct post_req *pr = NULL;
	struct mediatype mt;
	char err[512], *bytes = NULL, *addr = NULL;
	ev_uint16_t port = 0;
	int r;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		httpd_error(req, 405, "%s takes an article: POST only", path);
		return;
	}
	if (!httpd_origin_ok(h, req, err, sizeof(err))) {
		httpd_error(req, 403, "%s", err);
		return;
	}
	if ((r = httpd_no_query(req, err, sizeof(err))) != 0) {
		httpd_error(req, r, "%s", err);
		return;
	}
	if (info->stopping || info->in == NULL) {
		post_refuse_busy(req, "10", "harkd is stopping: send it again once it runs");
		return;
	}
	if ((r = mediatype_parse(evhttp_find_header(hin, "Content-Type"), &mt, err, sizeof(err))) <
	    0) {
		httpd_error(req, r == -2 ? 415 : 400, "%s", err);
		return;
	}
	/* a body over max_document_size was refused by the dispatch (httpd_body_over) */
	if (len == 0) {
		httpd_error(req, 400, "empty body: send the article (a JSON object, or a file)");
		return;
	}
	bytes = malloc(len);
	p = calloc(1, sizeof(*p));
	pr = calloc(1, sizeof(*pr));
	if (bytes == NULL || p == NULL || pr == NULL ||
	    evbuffer_remove(body, bytes, len) != (ev_ssize_t)len ||
	    (mt.charset[0] != '\0' && (p->charset = strdup(mt.charset)) == NULL))
		goto nomem;
	p->declared = mt.as;
	p->lang_hint = post_lang(evhttp_find_header(hin, "Content-Language"));
	p->done = post_done;
	p->arg = pr;
	pr->h = h;
	pr->req = req;
	pr->evcon = evcon;
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	snprintf(pr->from, sizeof(pr->from), "%s:%u", addr != NULL ? addr : "-", (unsigned)port);
	/* before the intake has it: the close callback guards pr->req from then on */
	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, post_closed_cb, pr);
	r = intake_post(info->in, bytes, len, pr->from, p);
	if (r == 0)
		return; /* post_done answers */
	pr->evcon = NULL;
	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	free(bytes);
	free(p->charset);
	free(p->lang_hint);
	free(p);
	free(pr);
	if (r == -2)
		post_refuse_busy(req, "1", "the intake is full (too many articles posted at once)");
	else
		post_refuse_busy(req, "10", "harkd is stopping: send it again once it runs");
	return;
nomem:
	free(bytes);
	if (p != NULL)
		free(p->charset);
	free(p);
	free(pr);
	httpd_error(req, 500, "out of memory");
}
