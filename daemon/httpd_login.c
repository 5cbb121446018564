/*
 * httpd_login.c: the browser's way in when the server has a token
 * (HTTP.md): GET /login shows a form, POST /login with the token sets a
 * session cookie, POST /logout ends it; and the sessions themselves, which
 * httpd.c's token check accepts beside "Authorization: Bearer".
 *
 * A session is a random id (32 bytes from getrandom, sent as 64 hex
 * digits), never the token; the server keeps the ids in memory only, with
 * an expiry (LOGIN_TTL, or HARK_HTTP_SESSION_TTL for the tests) and a
 * bound (LOGIN_MAX: past it the one nearest its end is dropped). A restart
 * logs everyone out. Wrong tokens are counted for all clients together:
 * past LOGIN_FAILS in LOGIN_WINDOW seconds, every POST /login is 429 until
 * the oldest failure is that old (the Bearer header and the sessions
 * already open keep working).
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "envnum.h"
#include "httpd.h"
#include "log.h"
#include "loginform.h"
#include "page_login.h"

#define LOGIN_ID LOGINFORM_ID      /* bytes of a session id */
#define LOGIN_TTL (30 * 24 * 3600) /* seconds a session lasts */
#define LOGIN_MAX 256              /* sessions kept at once */
#define LOGIN_FAILS 10             /* wrong tokens allowed ... */
#define LOGIN_WINDOW 60            /* ... in this many seconds, from all clients */
#define LOGIN_BODY_MAX 4096        /* bytes of a POST /login body */
#define LOGIN_COOKIE LOGINFORM_COOKIE

struct login_session {
	unsigned char id[LOGIN_ID];
	int64_t expires; /* monotonic seconds; 0: a free slot */
};

struct login {
	struct login_session s[LOGIN_MAX];
	int64_t fails[LOGIN_FAILS]; /* monotonic seconds of the last wrong tokens, a ring */
	unsigned nfail;             /* the next slot of the ring */
	int64_t limit_said;         /* when the limit was last logged */
	int ttl;                    /* seconds a session lasts: LOGIN_TTL, or the tests' */
};

static int64_t
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

struct login *
login_new(void)
{
	struct login *l = calloc(1, sizeof(struct login));

	if (l != NULL)
		/* HARK_HTTP_SESSION_TTL: seconds, 1 to LOGIN_TTL, for the tests */
		l->ttl =
		    (int)envnum_get("HARK_HTTP_SESSION_TTL", 1, LOGIN_TTL, LOGIN_TTL, "seconds");
	return l;
}

void
login_free(struct login *l)
{
	if (l == NULL)
		return;
	explicit_bzero(l, sizeof(*l));
	free(l);
}

/* The session id of the request's Cookie header into id. Returns 0, or -1 when none. */
static int
cookie_id(struct evhttp_request *req, unsigned char id[LOGIN_ID])
{
	return loginform_cookie(evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie"),
	                        id);
}

/* The slot of id among the live sessions, or -1: every slot compared, in constant time. */
static int
session_find(struct login *l, const unsigned char id[LOGIN_ID])
{
	int64_t now = now_mono();
	int found = -1;

	for (int i = 0; i < LOGIN_MAX; i++) {
		unsigned diff = 0;

		for (size_t j = 0; j < LOGIN_ID; j++)
			diff |= (unsigned)(l->s[i].id[j] ^ id[j]);
		if (l->s[i].expires != 0 && l->s[i].expires <= now)
			l->s[i].expires = 0; /* over: the slot is free */
		if (diff == 0 && l->s[i].expires != 0)
			found = i;
	}
	return found;
}

bool
login_session_ok(struct login *l, struct evhttp_request *req)
{
	unsigned char id[LOGIN_ID];

	return l != NULL && cookie_id(req, id) == 0 && session_find(l, id) >= 0;
}

/* ---- answers ---- */

/* The Set-Cookie of a session (id NULL: the one that clears it). */
static void
set_cookie(struct httpd *h, struct evhttp_request *req, const unsigned char *id, int ttl)
{
	const struct conf *c = httpd_info(h)->conf;
	const char *base = c != NULL ? c->http.base_url : NULL;
	char v[256], hex[2 * LOGIN_ID + 1] = "";

	if (id != NULL)
		for (size_t i = 0; i < LOGIN_ID; i++)
			snprintf(hex + 2 * i, 3, "%02x", id[i]);
	/* Secure only when the browser reaches us by https (base_url): else it would drop it */
	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
	         LOGIN_COOKIE, hex, id != NULL ? ttl : 0,
	         base != NULL && strncasecmp(base, "https:", 6) == 0 ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", v);
	explicit_bzero(hex, sizeof(hex));
	explicit_bzero(v, sizeof(v));
}

static void
see_other(struct evhttp_request *req, const char *where)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", where);
	if (b != NULL)
		evbuffer_add_printf(b, "see %s\n", where);
	httpd_send(req, 303, "text/plain; charset=utf-8", b);
}

void
login_redirect(struct evhttp_request *req)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	const char *path = u != NULL ? evhttp_uri_get_path(u) : NULL;
	const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
	char next[PAGE_LOGIN_NEXT_MAX], *enc = NULL, *loc = NULL;
	int n;

	n = snprintf(next, sizeof(next), "%s%s%s", path != NULL ? path : "/",
	             query != NULL ? "?" : "", query != NULL ? query : "");
	/* a target too long to come back to: the hits after the login */
	if (n > 0 && (size_t)n < sizeof(next) && page_login_next_ok(next) &&
	    (enc = evhttp_uriencode(next, -1, 0)) != NULL &&
	    (loc = malloc(strlen(enc) + sizeof("/login?next="))) != NULL)
		sprintf(loc, "/login?next=%s", enc);
	see_other(req, loc != NULL ? loc : "/login");
	free(enc);
	free(loc);
}

static void
send_form(struct evhttp_request *req, int code, const char *next, const char *message)
{
	struct page pg = {0};
	struct evbuffer *b = NULL;
	size_t len;
	char *s;

	page_login(&pg, next, message);
	s = pg.oom ? NULL : page_take(&pg, &len);
	page_free(&pg);
	if (s == NULL || (b = evbuffer_new()) == NULL || evbuffer_add(b, s, len) < 0) {
		if (b != NULL)
			evbuffer_free(b);
		free(s);
		httpd_error(req, 500, "out of memory");
		return;
	}
	free(s);
	httpd_send(req, code, "text/html; charset=utf-8", b);
}

/* The client's address, for the log (behind a proxy: the proxy's). */
static const char *
peer(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port = 0;

	if (c != NULL)
		evhttp_connection_get_peer(c, &addr, &port);
	return addr != NULL ? addr : "?";
}

/* Seconds until another guess is taken, 0 when one may be tried now. */
static int64_t
login_limited(struct login *l, int64_t now)
{
	int64_t oldest = l->fails[l->nfail]; /* the ring is full when it is set */

	return oldest != 0 && now - oldest < LOGIN_WINDOW ? LOGIN_WINDOW - (now - oldest) : 0;
}

/* A new session in *id: a free slot, else the one nearest its end. Returns 0 or -1. */
static int
session_new(struct login *l, unsigned char id[LOGIN_ID])
{
	int64_t now = now_mono();
	int slot = 0;

	if (getrandom(id, LOGIN_ID, 0) != LOGIN_ID)
		return -1;
	for (int i = 0; i < LOGIN_MAX; i++) {
		if (l->s[i].expires <= now) {
			slot = i;
			break;
		}
		if (l->s[i].expires < l->s[slot].expires)
			slot = i;
	}
	memcpy(l->s[slot].id, id, LOGIN_ID);
	l->s[slot].expires = now + l->ttl;
	return 0;
}

static void
login_post(struct httpd *h, struct login *l, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
	size_t n = evbuffer_get_length(in);
	struct loginform f;
	unsigned char id[LOGIN_ID];
	int64_t now = now_mono(), wait;
	char *buf, err[128] = "";

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
	    (ct[33] != '\0' && ct[33] != ';')) {
		httpd_error(req, 415, "POST /login takes application/x-www-form-urlencoded");
		return;
	}
	if (n > LOGIN_BODY_MAX) {
		httpd_error(req, 413, "the form is over %d bytes", LOGIN_BODY_MAX);
		return;
	}
	if ((wait = login_limited(l, now)) > 0) {
		char ra[24];

		if (now - l->limit_said >= LOGIN_WINDOW) {
			log_warnx(
			    "http: %d wrong tokens at /login in %d s: refusing logins for %lld s",
			    LOGIN_FAILS, LOGIN_WINDOW, (long long)wait);
			l->limit_said = now;
		}
		snprintf(ra, sizeof(ra), "%lld", (long long)wait);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", ra);
		httpd_error(req, 429, "too many wrong tokens: try again in %lld s",
		            (long long)wait);
		return;
	}
	if ((buf = malloc(n + 1)) == NULL) {
		httpd_error(req, 500, "out of memory");
		return;
	}
	evbuffer_copyout(in, buf, n);
	buf[n] = '\0';
	if (loginform_parse(buf, &f, err, sizeof(err)) < 0 || f.token == NULL) {
		if (f.token == NULL && err[0] == '\0')
			snprintf(err, sizeof(err), "the form has no token field");
		explicit_bzero(buf, n);
		free(buf);
		httpd_error(req, 400, "%s", err);
		return;
	}
	if (!httpd_token_ok(h, f.token, strlen(f.token))) {
		l->fails[l->nfail] = now;
		l->nfail = (l->nfail + 1) % LOGIN_FAILS;
		log_warnx("http: login from %s refused: not the token", peer(req));
		send_form(req, 403, f.next, "That is not the token.");
	} else if (session_new(l, id) < 0) {
		httpd_error(req, 500, "no random bytes for a session");
	} else {
		set_cookie(h, req, id, l->ttl);
		explicit_bzero(id, sizeof(id));
		log_info("http: login from %s", peer(req));
		/* only a path of ours: never another host ("//evil.example") */
		see_other(req, page_login_next_ok(f.next) ? f.next : "/");
	}
	explicit_bzero(buf, n);
	free(buf);
}

void
route_login(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct login *l = httpd_login(h);
	enum evhttp_cmd_type m = evhttp_request_get_command(req);

	(void)path;
	if (l == NULL) {
		httpd_error(req, 404,
		            "no login here: the server has no token_file, its pages are open");
		return;
	}
	if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) {
		const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
		const char *query = u != NULL ? evhttp_uri_get_query(u) : NULL;
		struct evkeyvalq kv;
		struct evkeyval *e;
		const char *next = NULL;

		TAILQ_INIT(&kv);
		if (query != NULL && evhttp_parse_query_str(query, &kv) < 0) {
			httpd_error(req, 400, "the query string is malformed");
			return;
		}
		TAILQ_FOREACH(e, &kv, next)
		{
			if (strcmp(e->key, "next") != 0) {
				httpd_error(req, 400, "unknown parameter '%.60s'", e->key);
				evhttp_clear_headers(&kv); /* e->key was the list's */
				return;
			}
			next = e->value;
		}
		send_form(req, 200, next, NULL);
		evhttp_clear_headers(&kv);
	} else if (m == EVHTTP_REQ_POST) {
		login_post(h, l, req);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		                  "GET, HEAD, POST");
		httpd_error(req, 405, "/login answers GET, HEAD and POST only");
	}
}

void
route_logout(struct httpd *h, struct evhttp_request *req, const char *path)
{
	struct login *l = httpd_login(h);
	unsigned char id[LOGIN_ID];
	int i;

	(void)path;
	if (l == NULL) {
		httpd_error(req, 404,
		            "no login here: the server has no token_file, its pages are open");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
		httpd_error(req, 405, "/logout answers POST only");
		return;
	}
	if (cookie_id(req, id) == 0 && (i = session_find(l, id)) >= 0) {
		explicit_bzero(&l->s[i], sizeof(l->s[i]));
		log_info("http: logout from %s", peer(req));
	}
	set_cookie(h, req, NULL, 0);
	see_other(req, "/login");
}
