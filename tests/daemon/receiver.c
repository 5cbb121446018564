/*
 * receiver.c: a webhook receiver for the daemon tests, on libevent's evhttp.
 *
 *   receiver PORTFILE MODE [SECRET]
 *
 * Listens on 127.0.0.1, port chosen by the kernel (or the port in the
 * environment variable RECEIVER_PORT: a test that needs the same port
 * again after a stop), and writes that port to PORTFILE (a temporary file
 * renamed into place: a test never reads half of it). Each request is answered as MODE says:
 *
 *   ok          200
 *   fail-first  500 to the first attempt of each webhook-id, 200 after
 *   always500   500
 *   gone        410
 *   ratelimit   429 with Retry-After: 2 to the first attempt of each
 *               webhook-id, 200 after
 *   limited     429 with Retry-After: 2, always
 *               (ratelimit and limited: the Retry-After is that of the
 *               environment variable RECEIVER_RETRY_AFTER when set)
 *   hang        no answer ever; the connection stays open
 *   redirect    302 with Location: /elsewhere (a request to /elsewhere,
 *               which a client must not follow, is answered 200)
 *   slow-ok     200 after one second
 *   bigbody     200 with a body of 1 MiB (Content-Length)
 *   bigchunked  200 with a body of 1 MiB, chunked (no length told first)
 *   status=NNN  NNN (400 to 599) with a two-line body whose first line holds
 *               an escape sequence and a bidi override: "NNN \033[31mrefused
 *               \u202Eby the receiver\r\nsecond line\n"
 *
 * and printed on stdout as it arrives, one line, flushed:
 *
 *   UNIX-MS STATUS WEBHOOK-ID WEBHOOK-TIMESTAMP sig=ok|bad|none BODY-BYTES PATH
 *
 * STATUS is the one answered (or about to be: slow-ok prints 200 when the
 * request arrives), 0 for hang; an absent header is "-". sig=none without
 * SECRET; with it, ok when webhook-signature holds for the id, timestamp
 * and body, bad otherwise (a missing header included). SIGTERM and SIGINT
 * stop it, exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "whsig.h"

enum mode {
	M_OK,
	M_FAIL_FIRST,
	M_ALWAYS500,
	M_GONE,
	M_RATELIMIT,
	M_HANG,
	M_REDIRECT,
	M_SLOW_OK,
	M_BIGBODY,
	M_BIGCHUNKED,
	M_LIMITED,
	M_STATUS
};

static const char *const mode_names[] = {"ok",        "fail-first", "always500", "gone",
                                         "ratelimit", "hang",       "redirect",  "slow-ok",
                                         "bigbody",   "bigchunked", "limited",   NULL};

#define SEEN_BUCKETS 4096
#define BODY_MAX (16 << 20)
#define BIG_BODY (1 << 20)

/* The webhook-ids seen once: fail-first and ratelimit answer them 200 after. */
struct seen {
	struct seen *next;
	char id[]; /* owned, with the node */
};

/* A request not answered yet: hang's, or slow-ok's until its timer. */
struct pending {
	struct pending *next, *prev;
	struct evhttp_request *req;
	struct event *timer; /* slow-ok's, or NULL */
};

struct receiver {
	enum mode mode;
	unsigned char key[WHSIG_KEY_MAX];
	int keylen; /* 0: no SECRET */
	struct event_base *base;
	struct seen *seen[SEEN_BUCKETS];
	struct pending *pending; /* a list, so that stopping answers and frees them */
	int status;              /* status=NNN's */
};

static unsigned
seen_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % SEEN_BUCKETS;
}

/* Whether id was seen before; remembers it. -1 when out of memory. */
static int
seen_check(struct receiver *r, const char *id)
{
	unsigned h = seen_hash(id);
	struct seen *s;

	for (s = r->seen[h]; s != NULL; s = s->next)
		if (strcmp(s->id, id) == 0)
			return 1;
	if ((s = malloc(sizeof(*s) + strlen(id) + 1)) == NULL)
		return -1;
	strcpy(s->id, id);
	s->next = r->seen[h];
	r->seen[h] = s;
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A header value as one word of the output line. */
static void
put_word(const char *s)
{
	if (s == NULL || *s == '\0') {
		putchar('-');
		return;
	}
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s <= ' ' || *s == 0x7f ? '_' : *s);
}

static const char *
sig_state(struct receiver *r, struct evkeyvalq *hdr, const char *body, size_t len)
{
	const char *id = evhttp_find_header(hdr, "webhook-id");
	const char *ts = evhttp_find_header(hdr, "webhook-timestamp");
	const char *sig = evhttp_find_header(hdr, "webhook-signature");
	char *end;
	long long t;

	if (r->keylen == 0)
		return "none";
	if (id == NULL || ts == NULL || sig == NULL || *ts < '0' || *ts > '9')
		return "bad";
	errno = 0;
	t = strtoll(ts, &end, 10);
	if (*end != '\0' || errno != 0)
		return "bad";
	return whsig_verify(r->key, (size_t)r->keylen, id, t, body, len, sig) ? "ok" : "bad";
}

static void
reply(struct evhttp_request *req, int code, const char *reason)
{
	struct evbuffer *out = evbuffer_new();

	if (out != NULL)
		evbuffer_add_printf(out, "%d %s\n", code, reason);
	evhttp_send_reply(req, code, reason, out);
	if (out != NULL)
		evbuffer_free(out);
}

/*
 * 200 with a body of BIG_BODY bytes: more than any client should keep;
 * chunked, the client learns the size only by reading it.
 */
static void
reply_big(struct evhttp_request *req, int chunked)
{
	struct evbuffer *out = evbuffer_new();
	char line[1024];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (size_t n = 0; out != NULL && n < BIG_BODY; n += sizeof(line))
		evbuffer_add(out, line, sizeof(line));
	if (!chunked || out == NULL) {
		evhttp_send_reply(req, 200, "OK", out);
	} else {
		evhttp_send_reply_start(req, 200, "OK");
		evhttp_send_reply_chunk(req, out);
		evhttp_send_reply_end(req);
	}
	if (out != NULL)
		evbuffer_free(out);
}

static void
pending_drop(struct receiver *r, struct pending *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		r->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	if (p->timer != NULL)
		event_free(p->timer);
	free(p);
}

static void
slow_done(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;

	(void)fd;
	(void)what;
	/*
	 * An answer after the client left is still right: evhttp detached the
	 * request from its connection and frees it on this reply.
	 */
	reply(p->req, 200, "OK");
	/* pending_sweep frees p: not here, where its timer is running */
	p->req = NULL;
}

/* Keep req unanswered; with delay_ms > 0, answer it 200 then. Returns 0, -1. */
static int
pending_add(struct receiver *r, struct evhttp_request *req, int delay_ms)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	p->req = req;
	if (delay_ms > 0) {
		struct timeval tv = {delay_ms / 1000, (delay_ms % 1000) * 1000};

		if ((p->timer = evtimer_new(r->base, slow_done, p)) == NULL ||
		    evtimer_add(p->timer, &tv) != 0) {
			if (p->timer != NULL)
				event_free(p->timer);
			free(p);
			return -1;
		}
	}
	p->next = r->pending;
	if (r->pending != NULL)
		r->pending->prev = p;
	r->pending = p;
	return 0;
}

/* Forget the answered slow-ok requests; called on each new request. */
static void
pending_sweep(struct receiver *r)
{
	struct pending *p = r->pending, *next;

	for (; p != NULL; p = next) {
		next = p->next;
		if (p->req == NULL)
			pending_drop(r, p);
	}
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct receiver *r = arg;
	struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *id = evhttp_find_header(hdr, "webhook-id");
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	size_t len = evbuffer_get_length(in);
	int64_t ms = now_ms();
	int status = 200, first = 0;
	const char *body;

	pending_sweep(r);
	/* the body contiguous, owned by in: whsig_verify takes one buffer */
	body = (const char *)evbuffer_pullup(in, -1);
	if (body == NULL)
		body = "";
	if ((r->mode == M_FAIL_FIRST || r->mode == M_RATELIMIT) && id != NULL) {
		int s = seen_check(r, id);

		if (s < 0) {
			fprintf(stderr, "receiver: out of memory\n");
			event_base_loopbreak(r->base);
			reply(req, 500, "Internal Server Error");
			return;
		}
		first = s == 0;
	}
	switch (r->mode) {
	case M_OK:
	case M_SLOW_OK:
	case M_BIGBODY:
	case M_BIGCHUNKED:
		status = 200;
		break;
	case M_FAIL_FIRST:
		status = first ? 500 : 200;
		break;
	case M_ALWAYS500:
		status = 500;
		break;
	case M_GONE:
		status = 410;
		break;
	case M_RATELIMIT:
		status = first ? 429 : 200;
		break;
	case M_LIMITED:
		status = 429;
		break;
	case M_HANG:
		status = 0;
		break;
	case M_REDIRECT:
		status = path != NULL && strcmp(path, "/elsewhere") == 0 ? 200 : 302;
		break;
	case M_STATUS:
		status = r->status;
		break;
	}
	printf("%lld %d ", (long long)ms, status);
	put_word(id);
	putchar(' ');
	put_word(evhttp_find_header(hdr, "webhook-timestamp"));
	printf(" sig=%s %zu ", sig_state(r, hdr, body, len), len);
	put_word(path);
	putchar('\n');
	fflush(stdout);

	if (r->mode == M_STATUS) {
		struct evbuffer *out = evbuffer_new();

		if (out != NULL)
			evbuffer_add_printf(out,
			                    "%d \033[31mrefused \xe2\x80\xae"
			                    "by the receiver\r\nsecond line\n",
			                    status);
		evhttp_send_reply(req, status, "Status", out);
		if (out != NULL)
			evbuffer_free(out);
		return;
	}
	switch (status) {
	case 0:
		if (pending_add(r, req, 0) < 0)
			reply(req, 500, "Internal Server Error");
		break;
	case 200:
		if (r->mode == M_SLOW_OK && pending_add(r, req, 1000) == 0)
			break;
		if (r->mode == M_BIGBODY || r->mode == M_BIGCHUNKED) {
			reply_big(req, r->mode == M_BIGCHUNKED);
			break;
		}
		reply(req, 200, "OK");
		break;
	case 302:
		evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/elsewhere");
		reply(req, 302, "Found");
		break;
	case 410:
		reply(req, 410, "Gone");
		break;
	case 429:
		evhttp_add_header(
		    evhttp_request_get_output_headers(req), "Retry-After",
		    getenv("RECEIVER_RETRY_AFTER") != NULL ? getenv("RECEIVER_RETRY_AFTER") : "2");
		reply(req, 429, "Too Many Requests");
		break;
	default:
		reply(req, 500, "Internal Server Error");
		break;
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct receiver *r = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(r->base);
}

/* Write the port to path through path.tmp and rename(2). Returns 0, -1. */
static int
port_write(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct receiver r = {0};
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *bound;
	struct event *sigterm = NULL, *sigint = NULL;
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	const char *want = getenv("RECEIVER_PORT");
	int i, rc = 2;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: receiver PORTFILE MODE [SECRET]\n");
		return 2;
	}
	for (i = 0; mode_names[i] != NULL; i++)
		if (strcmp(argv[2], mode_names[i]) == 0)
			break;
	if (mode_names[i] == NULL && strncmp(argv[2], "status=", 7) == 0 &&
	    (r.status = atoi(argv[2] + 7)) >= 400 && r.status <= 599)
		i = M_STATUS;
	else if (mode_names[i] == NULL) {
		fprintf(stderr,
		        "receiver: '%s' is not a mode (ok fail-first always500 gone "
		        "ratelimit hang redirect slow-ok bigbody bigchunked status=NNN)\n",
		        argv[2]);
		return 2;
	}
	r.mode = (enum mode)i;
	if (argc == 4 && (r.keylen = whsig_secret_decode(argv[3], r.key, sizeof(r.key))) < 1) {
		fprintf(stderr, "receiver: SECRET is not 'whsec_' followed by base64\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((r.base = event_base_new()) == NULL || (http = evhttp_new(r.base)) == NULL) {
		fprintf(stderr, "receiver: cannot start libevent\n");
		goto out;
	}
	evhttp_set_max_body_size(http, BODY_MAX);
	/* hang keeps its connections: no idle timeout of ours closes them */
	evhttp_set_timeout(http, 3600);
	evhttp_set_gencb(http, on_request, &r);
	bound = evhttp_bind_socket_with_handle(
	    http, "127.0.0.1", want != NULL ? (ev_uint16_t)strtoul(want, NULL, 10) : 0);
	if (bound == NULL ||
	    getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sa, &salen) != 0) {
		fprintf(stderr, "receiver: cannot listen on 127.0.0.1: %s\n", strerror(errno));
		goto out;
	}
	sigterm = evsignal_new(r.base, SIGTERM, on_signal, &r);
	sigint = evsignal_new(r.base, SIGINT, on_signal, &r);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm, NULL) != 0 ||
	    evsignal_add(sigint, NULL) != 0) {
		fprintf(stderr, "receiver: cannot catch SIGTERM\n");
		goto out;
	}
	if (port_write(argv[1], ntohs(sa.sin_port)) != 0) {
		fprintf(stderr, "receiver: %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	if (event_base_dispatch(r.base) < 0) {
		fprintf(stderr, "receiver: the event loop failed\n");
		goto out;
	}
	rc = 0;
out:
	/*
	 * Answer what is still pending, so that evhttp frees every request: it
	 * owns those still on a connection, and a reply frees a detached one.
	 */
	while (r.pending != NULL) {
		if (r.pending->req != NULL)
			reply(r.pending->req, 503, "Service Unavailable");
		pending_drop(&r, r.pending);
	}
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (http != NULL)
		evhttp_free(http);
	if (r.base != NULL)
		event_base_free(r.base);
	for (i = 0; i < SEEN_BUCKETS; i++)
		while (r.seen[i] != NULL) {
			struct seen *s = r.seen[i];

			r.seen[i] = s->next;
			free(s);
		}
	return rc;
}
