/*
 * http.c: HTTP requests on the event loop through one curl multi handle.
 *
 * libevent drives curl in the way of curl's hiperfifo example: curl tells
 * us which sockets to watch (socket_cb) and when to call it back at the
 * latest (timer_cb); we turn those into events on the caller's event_base
 * and, when one fires, hand it to curl_multi_socket_action(). After every
 * such call the finished transfers are collected with
 * curl_multi_info_read() and their done callbacks run. Nothing here blocks:
 * the transfers are non-blocking, and name resolution happens in libcurl's
 * resolver thread.
 *
 * Callbacks run from finish_done() only, never from inside a curl callback
 * nor from http_start(), so that a done callback may start new requests:
 * finish_done() holds nothing across the call but the multi handle itself.
 * A done callback must not call http_free(): finish_done() goes on using
 * the handle after the callback returns.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "http.h"
#include "netaddr.h"
#include "smtpreply.h"

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_RESPONSE ((size_t)1 << 20)
/*
 * Idle connections kept for reuse. curl's default, four times the transfers
 * added at the moment, shrinks whenever the outbox drains between two pages
 * and closes the connections the next page needs again.
 */
#define HTTP_MAXCONNECTS 256L

/* One socket curl asked us to watch; curl_multi_assign() ties it to the fd. */
struct sock {
	struct http *h;
	curl_socket_t fd;
	struct event *ev; /* owned; NULL until curl names the directions */
	struct sock *prev, *next;
};

/* The response headers http_response names, by index. */
enum { H_RETRY_AFTER, H_LOCATION, H_CONTENT_TYPE, H_ETAG, H_LAST_MODIFIED, H_N };

static const char *const header_names[H_N] = {"Retry-After", "Location", "Content-Type", "ETag",
                                              "Last-Modified"};

/* One request under way. */
struct xfer {
	struct http *h;
	CURL *easy;              /* owned */
	struct curl_slist *hdrs; /* owned; must outlive the transfer */
	http_done_fn fn;
	void *arg;
	char errbuf[CURL_ERROR_SIZE];
	char *body; /* owned; always NUL-terminated once allocated */
	size_t len, cap, max;
	bool status_only; /* http_request.status_only: a body over max is cut, not a failure */
	bool too_big;
	bool nomem; /* the body could not grow */
	bool block_private;
	const char *allow_hint;  /* static: what lifts the guard, for the refusal */
	char refused[192];       /* why the guard refused an address, or "" */
	char *hv[H_N];           /* owned header values of the last response seen */
	struct curl_slist *rcpt; /* owned; SMTP recipients */
	char *up;                /* owned; SMTP: the message being sent */
	size_t up_len, up_pos;
	char line[512];        /* SMTP: the server's last reply line, or "" */
	struct smtpreply smtp; /* SMTP: each reply paired with its command */
	struct xfer *prev, *next;
};

struct http {
	struct event_base *base; /* the caller's */
	CURLM *multi;            /* owned */
	struct event *timer;     /* owned; curl's single timeout */
	char *user_agent;        /* owned */
	struct xfer *xfers;      /* owned list of transfers under way */
	struct sock *socks;      /* owned list of watched sockets */
	size_t active;
};

static void finish_done(struct http *);

static void
sock_free(struct sock *s)
{
	struct http *h = s->h;

	if (s->ev != NULL)
		event_free(s->ev);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		h->socks = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	free(s);
}

/* libevent: a watched socket is ready; pass it on to curl. */
static void
sock_ready(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int mask = 0, running;

	if (what & EV_READ)
		mask |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		mask |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, mask, &running);
	finish_done(h);
}

/* libevent: curl's timeout expired (or curl asked to be called at once). */
static void
timer_fired(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	finish_done(h);
}

/*
 * CURLMOPT_SOCKETFUNCTION: watch fd for what, or stop watching it. Returns
 * -1 on failure, which makes curl fail the transfer (7.88 and later honour
 * it; earlier versions ignore it, and the transfer then times out).
 */
static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	struct sock *s = socketp;
	short ev = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		/* curl forgets the assignment itself */
		if (s != NULL)
			sock_free(s);
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->h = h;
		s->fd = fd;
		s->next = h->socks;
		if (h->socks != NULL)
			h->socks->prev = s;
		h->socks = s;
		curl_multi_assign(h->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	if (s->ev != NULL) {
		event_free(s->ev);
		s->ev = NULL;
	}
	if ((s->ev = event_new(h->base, fd, ev, sock_ready, h)) == NULL)
		return -1;
	if (event_add(s->ev, NULL) == -1)
		return -1;
	return 0;
}

/*
 * CURLMOPT_TIMERFUNCTION: arm the one timer. A timeout of 0 is also put on
 * the timer rather than acted on here, since curl_multi_socket_action()
 * must not be called from inside a curl callback.
 */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(h->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(h->timer, &tv) == -1 ? -1 : 0;
}

/* CURLOPT_WRITEFUNCTION: keep the body, up to max bytes. */
static size_t
write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb, cap;
	char *p;

	if (n > x->max - x->len) {
		/* a short count aborts the transfer with CURLE_WRITE_ERROR */
		x->too_big = true;
		return 0;
	}
	if (x->len + n + 1 > x->cap) {
		cap = x->cap != 0 ? x->cap : 4096;
		while (cap < x->len + n + 1)
			cap *= 2;
		if (cap > x->max + 1)
			cap = x->max + 1;
		if ((p = realloc(x->body, cap)) == NULL) {
			x->nomem = true;
			return 0;
		}
		x->body = p;
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

static void
headers_clear(struct xfer *x)
{
	for (size_t i = 0; i < H_N; i++) {
		free(x->hv[i]);
		x->hv[i] = NULL;
	}
}

/*
 * CURLOPT_HEADERFUNCTION: one header line (not NUL-terminated) at a time,
 * for every response of the transfer (interim 1xx, redirects). A status
 * line starts a new response: the headers of the last one are what the
 * caller sees.
 */
static size_t
header_cb(char *line, size_t size, size_t nitems, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nitems, nl, vb, ve;
	const char *colon;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		headers_clear(x);
		return n;
	}
	if ((colon = memchr(line, ':', n)) == NULL)
		return n;
	nl = (size_t)(colon - line);
	vb = nl + 1;
	ve = n;
	while (vb < ve && (line[vb] == ' ' || line[vb] == '\t'))
		vb++;
	while (ve > vb && isspace((unsigned char)line[ve - 1]))
		ve--;
	for (size_t i = 0; i < H_N; i++) {
		if (strlen(header_names[i]) != nl || strncasecmp(line, header_names[i], nl) != 0)
			continue;
		free(x->hv[i]);
		/* out of memory: the header is simply not reported */
		x->hv[i] = strndup(line + vb, ve - vb);
		break;
	}
	return n;
}

static void
xfer_unlink(struct xfer *x)
{
	struct http *h = x->h;

	if (x->prev != NULL)
		x->prev->next = x->next;
	else
		h->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	x->prev = x->next = NULL;
}

/* Free a transfer that is not (or no longer) in the multi handle. */
static void
xfer_free(struct xfer *x)
{
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	curl_slist_free_all(x->rcpt);
	free(x->up);
	headers_clear(x);
	free(x->body);
	free(x);
}

/* Report one finished transfer to its caller. */
static void
xfer_report(struct xfer *x, CURLcode rc)
{
	struct http_response r;
	char why[64];
	char *url = NULL;
	long status = 0;
	double secs = 0;

	memset(&r, 0, sizeof(r));
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
	r.status = status;
	if (x->refused[0] != '\0') {
		r.error = x->refused;
		r.status = 0;
	} else if ((x->too_big || rc == CURLE_FILESIZE_EXCEEDED) && x->status_only &&
	           status >= 200) {
		/*
		 * The cap stopped the transfer after the status line: for a
		 * caller that asked only for the status, that is the answer (a
		 * receiver's 2xx with a big body is still a 2xx).
		 */
		r.body_cut = 1;
	} else if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(why, sizeof(why), "response larger than %zu bytes", x->max);
		r.error = why;
	} else if (x->nomem)
		r.error = "out of memory for the response body";
	else if (rc != CURLE_OK) {
		r.error = x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc);
		r.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	}
	r.body = x->body != NULL ? x->body : "";
	r.body_len = x->len;
	r.retry_after = x->hv[H_RETRY_AFTER];
	r.location = x->hv[H_LOCATION];
	r.content_type = x->hv[H_CONTENT_TYPE];
	r.etag = x->hv[H_ETAG];
	r.last_modified = x->hv[H_LAST_MODIFIED];
	r.final_url = url;
	r.seconds = secs;
	/* the refused command's line, not the QUIT's that came after it */
	r.server_line = x->smtp.fail[0] != '\0' ? x->smtp.fail
	                : x->line[0] != '\0'    ? x->line
	                                        : NULL;
	r.rcpt_refused = x->smtp.rcpt_refused[0] != '\0' ? x->smtp.rcpt_refused : NULL;
	r.rcpt_temporary = x->smtp.rcpt_temporary;
	r.rcpt_all = rc != CURLE_OK && x->smtp.fail[0] == '\0' && x->smtp.rcpt_refused[0] != '\0' &&
	             !x->smtp.data_sent;
	x->fn(&r, x->arg);
}

/*
 * Collect the finished transfers. Each is taken out of the multi handle and
 * our list before its callback runs, and freed after: the callback may
 * start new transfers, which go into both, and the next
 * curl_multi_info_read() call sees the queue as it is then.
 */
static void
finish_done(struct http *h)
{
	CURLMsg *m;
	struct xfer *x;
	CURLcode rc;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		/* m is invalid once the handle is removed: read it first */
		rc = m->data.result;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		x = (struct xfer *)(void *)priv;
		curl_multi_remove_handle(h->multi, x->easy);
		xfer_unlink(x);
		h->active--;
		xfer_report(x, rc);
		xfer_free(x);
	}
}

struct http *
http_new(struct event_base *base, const char *user_agent, char *err, size_t errsz)
{
	struct http *h;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsz, "curl_global_init failed");
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		goto nomem;
	h->base = base;
	if ((h->user_agent = strdup(user_agent != NULL ? user_agent : "hark")) == NULL)
		goto nomem;
	if ((h->timer = evtimer_new(base, timer_fired, h)) == NULL)
		goto nomem;
	if ((h->multi = curl_multi_init()) == NULL)
		goto nomem;
	if (curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, HTTP_MAXCONNECTS) != CURLM_OK) {
		snprintf(err, errsz, "cannot set up the curl multi handle");
		http_free(h);
		return NULL;
	}
	return h;
nomem:
	snprintf(err, errsz, "out of memory");
	if (h != NULL)
		http_free(h);
	else
		curl_global_cleanup();
	return NULL;
}

void
http_free(struct http *h)
{
	struct xfer *x;

	if (h == NULL)
		return;
	while ((x = h->xfers) != NULL) {
		xfer_unlink(x);
		if (h->multi != NULL)
			curl_multi_remove_handle(h->multi, x->easy);
		xfer_free(x);
	}
	/* curl may still report sockets closing here: the timer stays until then */
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	while (h->socks != NULL)
		sock_free(h->socks);
	if (h->timer != NULL)
		event_free(h->timer);
	free(h->user_agent);
	free(h);
	curl_global_cleanup();
}

/* Only http:// and https:// URLs that curl can parse are taken. */
static int
url_check(const char *url, char *err, size_t errsz)
{
	CURLU *u;
	CURLUcode uc;
	char *scheme = NULL;
	int rv = -1;

	if ((u = curl_url()) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	/* no CURLU_DEFAULT_SCHEME: a URL without one is refused, not taken as http */
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK)
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0 */
		snprintf(err, errsz, "'%s' is not a valid URL (%s)", url, curl_url_strerror(uc));
#else
		snprintf(err, errsz, "'%s' is not a valid URL", url);
#endif
	else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		snprintf(err, errsz, "'%s' has no scheme", url);
	else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		snprintf(err, errsz, "'%s': the scheme '%s' is not http or https", url, scheme);
	else
		rv = 0;
	curl_free(scheme);
	curl_url_cleanup(u);
	return rv;
}

static int
headers_build(struct xfer *x, const char *const *headers, char *err, size_t errsz)
{
	struct curl_slist *l;
	bool expect = false;

	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		/* a line break would smuggle in another header */
		if (strpbrk(headers[i], "\r\n") != NULL || strchr(headers[i], ':') == NULL) {
			snprintf(err, errsz, "bad request header '%s'", headers[i]);
			return -1;
		}
		if (strncasecmp(headers[i], "Expect:", 7) == 0)
			expect = true;
		if ((l = curl_slist_append(x->hdrs, headers[i])) == NULL)
			goto nomem;
		x->hdrs = l;
	}
	/*
	 * curl sends "Expect: 100-continue" before larger POST bodies and then
	 * waits up to a second for a receiver that may never answer it.
	 */
	if (!expect) {
		if ((l = curl_slist_append(x->hdrs, "Expect:")) == NULL)
			goto nomem;
		x->hdrs = l;
	}
	return 0;
nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}

/* Set every option of one request; returns 0, or -1 with err. */
/*
 * CURLOPT_OPENSOCKETFUNCTION: the SSRF guard sees every address curl is
 * about to connect to, after DNS and after each redirect.
 */
static curl_socket_t
opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = clientp;
	char text[64];

	(void)purpose;
	if (x->block_private && netaddr_private(&a->addr, text, sizeof(text))) {
		snprintf(x->refused, sizeof(x->refused),
		         "refused: %s is a private or local address (%s permits it)", text,
		         x->allow_hint);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static int
xfer_setup(struct xfer *x, const struct http_request *rq, char *err, size_t errsz)
{
	CURL *e = x->easy;
	bool post = strcmp(rq->method, "POST") == 0;
	long connect_ms = rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : DEFAULT_CONNECT_MS;
	long timeout_ms = rq->timeout_ms > 0 ? rq->timeout_ms : DEFAULT_TIMEOUT_MS;
	int bad = 0;

	if (!post && strcmp(rq->method, "GET") != 0) {
		snprintf(err, errsz, "method '%s' is not GET or POST", rq->method);
		return -1;
	}
	if (headers_build(x, rq->headers, err, errsz) == -1)
		return -1;
	bad |= curl_easy_setopt(e, CURLOPT_URL, rq->url) != CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0: the _STR options */
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
#else
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) !=
	       CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
	                        (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK;
#endif
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK;
	if (rq->max_redirects > 0) {
		bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)rq->max_redirects) != CURLE_OK;
	}
	bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, x->h->user_agent) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK;
	/* a declared Content-Length over the cap fails before the body comes */
	bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max) != CURLE_OK;
	if (rq->accept_encoding != NULL)
		bad |=
		    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, rq->accept_encoding) != CURLE_OK;
	x->block_private = rq->block_private != 0;
	x->allow_hint = rq->allow_hint != NULL ? rq->allow_hint : "allow_private = yes";
	if (x->block_private) {
		bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK;
		/*
		 * The guard runs only when a socket is opened: a guarded request
		 * reusing a kept-alive connection that an unguarded one (an
		 * allow_private feed, a webhook) opened to 127.0.0.1 would pass
		 * it. So a guarded request always opens its own connection, and
		 * does not keep it; the unguarded ones (webhooks: many requests to
		 * one receiver) keep theirs alive.
		 */
		bad |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK;
	}
	if (post) {
		/* the size first: COPYPOSTFIELDS then copies that many bytes */
		bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len) !=
		       CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
		                        rq->body != NULL ? rq->body : "") != CURLE_OK;
	} else
		bad |= curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK;
	if (bad) {
		snprintf(err, errsz, "%s: cannot set up the request", rq->url);
		return -1;
	}
	return 0;
}

int
http_start(struct http *h, const struct http_request *rq, http_done_fn fn, void *arg, char *err,
           size_t errsz)
{
	struct xfer *x;

	if (rq->url == NULL || rq->method == NULL) {
		snprintf(err, errsz, "request without a URL or method");
		return -1;
	}
	if (url_check(rq->url, err, errsz) == -1)
		return -1;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	x->h = h;
	x->fn = fn;
	x->arg = arg;
	x->max = rq->max_response > 0 ? rq->max_response : DEFAULT_MAX_RESPONSE;
	x->status_only = rq->status_only != 0;
	if ((x->easy = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "out of memory");
		xfer_free(x);
		return -1;
	}
	if (xfer_setup(x, rq, err, errsz) == -1) {
		xfer_free(x);
		return -1;
	}
	/* curl answers with a 0 timeout on the timer: nothing runs before we return */
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		snprintf(err, errsz, "%s: cannot add the transfer", rq->url);
		xfer_free(x);
		return -1;
	}
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	h->active++;
	return 0;
}

/* CURLOPT_HEADERFUNCTION of SMTP: each reply line of the server; the last is kept. */
static size_t
smtp_line_cb(char *line, size_t size, size_t nitems, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nitems, k = 0;

	for (size_t i = 0; i < n && k + 1 < sizeof(x->line); i++)
		if (line[i] != '\r' && line[i] != '\n')
			x->line[k++] = (unsigned char)line[i] < 0x20 ? ' ' : line[i];
	if (k > 0)
		x->line[k] = '\0';
	return n;
}

/*
 * CURLOPT_DEBUGFUNCTION of SMTP: the commands sent and the replies read,
 * for smtpreply.c to pair (a refused RCPT names its recipient; a failure
 * is told by its command's line, not by the QUIT's 221 after it).
 */
static int
smtp_debug_cb(CURL *e, curl_infotype type, char *data, size_t size, void *userp)
{
	struct xfer *x = userp;

	(void)e;
	if (type == CURLINFO_HEADER_OUT)
		smtpreply_sent(&x->smtp, data, size);
	else if (type == CURLINFO_HEADER_IN)
		smtpreply_read(&x->smtp, data, size);
	return 0;
}

/* CURLOPT_READFUNCTION of SMTP: the message. */
static size_t
smtp_read_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nitems;

	if (n > x->up_len - x->up_pos)
		n = x->up_len - x->up_pos;
	memcpy(buf, x->up + x->up_pos, n);
	x->up_pos += n;
	return n;
}

int
http_mail_start(struct http *h, const struct http_mail *rq, http_done_fn fn, void *arg, char *err,
                size_t errsz)
{
	struct xfer *x;
	CURL *e;
	char from[300];
	int bad = 0;

	if (rq->url == NULL ||
	    (strncmp(rq->url, "smtp://", 7) != 0 && strncmp(rq->url, "smtps://", 8) != 0)) {
		snprintf(err, errsz, "not an smtp:// or smtps:// URL");
		return -1;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL || (x->up = malloc(rq->data_len + 1)) == NULL ||
	    (x->easy = curl_easy_init()) == NULL)
		goto nomem;
	x->h = h;
	x->fn = fn;
	x->arg = arg;
	x->max = DEFAULT_MAX_RESPONSE;
	memcpy(x->up, rq->data, rq->data_len);
	x->up_len = rq->data_len;
	for (size_t i = 0; rq->rcpt != NULL && rq->rcpt[i] != NULL; i++) {
		char to[300];
		struct curl_slist *l;

		snprintf(to, sizeof(to), "<%s>", rq->rcpt[i]);
		if ((l = curl_slist_append(x->rcpt, to)) == NULL)
			goto nomem;
		x->rcpt = l;
	}
	if (x->rcpt == NULL) {
		snprintf(err, errsz, "no recipient");
		xfer_free(x);
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", rq->mail_from);
	e = x->easy;
	bad |= curl_easy_setopt(e, CURLOPT_URL, rq->url) != CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK;
#else
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS)) !=
	       CURLE_OK;
#endif
	bad |= curl_easy_setopt(e, CURLOPT_USE_SSL,
	                        rq->tls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY) !=
	       CURLE_OK;
	if (rq->ca_file != NULL)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, rq->ca_file) != CURLE_OK;
	if (rq->user != NULL) {
		bad |= curl_easy_setopt(e, CURLOPT_USERNAME, rq->user) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_PASSWORD, rq->password ? rq->password : "") !=
		       CURLE_OK;
	}
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_FROM, from) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt) != CURLE_OK;
	/*
	 * The recipients the server takes get the message when it refuses
	 * others (a mistyped address must not stop everyone's alerts). Not a
	 * failure when the libcurl at run time lacks it: one refusal then
	 * fails the message for all, as before.
	 */
#if LIBCURL_VERSION_NUM >= 0x080200
	(void)curl_easy_setopt(e, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#elif LIBCURL_VERSION_NUM >= 0x074500
	(void)curl_easy_setopt(e, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#endif
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, smtp_debug_cb) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_DEBUGDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_VERBOSE, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, smtp_read_cb) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_READDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->up_len) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, smtp_line_cb) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	                        rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms
	                                                   : DEFAULT_CONNECT_MS) != CURLE_OK;
	bad |=
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	                     rq->timeout_ms > 0 ? rq->timeout_ms : DEFAULT_TIMEOUT_MS) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK;
	if (bad) {
		snprintf(err, errsz, "%s: cannot set up the message (libcurl without SMTP?)",
		         rq->url);
		xfer_free(x);
		return -1;
	}
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		snprintf(err, errsz, "%s: cannot add the transfer", rq->url);
		xfer_free(x);
		return -1;
	}
	x->next = h->xfers;
	if (h->xfers != NULL)
		h->xfers->prev = x;
	h->xfers = x;
	h->active++;
	return 0;
nomem:
	snprintf(err, errsz, "out of memory");
	if (x != NULL)
		xfer_free(x);
	return -1;
}

size_t
http_active(const struct http *h)
{
	return h->active;
}

int
http_retry_after(const char *value, long long now, long long *secs)
{
	const char *p = value, *end;
	long long n = 0;
	time_t t;
	char *copy;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p == end)
		return -1;
	if (isdigit((unsigned char)*p)) {
		const char *q = p;

		while (q < end && isdigit((unsigned char)*q)) {
			/* saturate: any delay this long is "not in our lifetime" */
			if (n <= (LLONG_MAX - 9) / 10)
				n = n * 10 + (*q - '0');
			q++;
		}
		if (q == end) {
			*secs = n;
			return 0;
		}
	}
	/* no sign: "-5" is neither form, whatever curl_getdate() makes of it */
	if (*p == '-' || *p == '+')
		return -1;
	if ((copy = strndup(p, (size_t)(end - p))) == NULL)
		return -1;
	t = curl_getdate(copy, NULL);
	free(copy);
	if (t == (time_t)-1)
		return -1;
	*secs = (long long)t > now ? (long long)t - now : 0;
	return 0;
}
