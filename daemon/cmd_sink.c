/*
 * cmd_sink.c: hark sink [--port N] [--secret-file FILE | --secret whsec_...]
 * [--max-age SECONDS]: a small webhook receiver for users. It listens on loopback only, checks
 * each POST's Standard Webhooks headers when given the secret, answers 200
 * or 401, and prints the alert readably on stdout. Verdicts and rejections
 * go to stderr, so stdout can be piped as the stream of alerts.
 *
 * The secret comes from --secret-file, HARK_SINK_SECRET or --secret: the
 * first two keep it out of the command line, which every user of the
 * machine can read (ps, /proc/PID/cmdline).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <jansson.h>

#include "conf.h"
#include "date.h"
#include "fileio.h"
#include "hark.h"
#include "usage.h"
#include "hit.h"
#include "whsig.h"

#define SINK_PORT 8975
#define SINK_MAX_AGE 300          /* seconds; the tolerance the specification suggests */
#define SINK_BODY_MAX (4 << 20)   /* larger bodies get 413 from evhttp */
#define SINK_HEADER_SHOWN 80      /* bytes of a header value quoted in a message */
#define SINK_SECRET_FILE_MAX 4096 /* as hark.conf's secret_file: one secret */
#define SINK_SECRET_ENV "HARK_SINK_SECRET"

struct sink {
	unsigned char key[WHSIG_KEY_MAX];
	int keylen; /* 0: no secret, signatures not checked */
	long long max_age;
	struct event_base *base;
	int failed; /* stdout failed: stop with status 2 */
};

/* Write s to f, its control characters escaped (hark_put_text): bodies are untrusted. */
static void
put_clean(FILE *f, const char *s, size_t len, int keep_newlines)
{
	hark_put_text(f, s, len, keep_newlines ? HARK_TEXT_BLOCK : HARK_TEXT_LINE);
}

/* A header value for a message: cleaned and cut short, in buf. */
static const char *
header_shown(const char *v, char *buf, size_t size)
{
	size_t n = 0;

	for (; *v != '\0' && n + 1 < size && n < SINK_HEADER_SHOWN; v++, n++)
		buf[n] = (unsigned char)*v < 0x20 || *v == 0x7f ? ' ' : *v;
	buf[n] = '\0';
	if (*v != '\0' && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	return buf;
}

static const char *
json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* The hit's detected_at as every text time: local "2026-11-22 10:00", else now. */
static void
sink_when(const char *rfc3339, char *buf, size_t size)
{
	char norm[21];
	struct tm tm = {0};
	time_t t = time(NULL);

	if (rfc3339 != NULL && date_normalize(rfc3339, norm) == 0 &&
	    sscanf(norm, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		t = timegm(&tm);
	}
	if (localtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/*
 * Print a hit object (the standard format) readably. Returns 0, -1 when
 * body is not a hit object and should be shown as it is.
 */
static int
sink_print_hit(const char *body, size_t len, const char *verdict)
{
	json_t *hit = json_loadb(body, len, 0, NULL), *rule, *art;
	const char *s, *title, *where;
	struct snippet sn;
	size_t at = 0;
	char when[32];

	rule = json_object_get(hit, "rule");
	art = json_object_get(hit, "article");
	if (!json_is_object(rule) || !json_is_object(art) || json_str(rule, "id") == NULL) {
		json_decref(hit);
		return -1;
	}
	sink_when(json_str(hit, "detected_at"), when, sizeof(when));
	printf("[%s] ", when);
	s = json_str(rule, "id");
	put_clean(stdout, s, strlen(s), 0);
	if ((s = json_str(rule, "name")) != NULL) {
		fputs("  «", stdout);
		put_clean(stdout, s, strlen(s), 0);
		fputs("»", stdout);
	}
	title = json_str(art, "title");
	if ((where = json_str(art, "url")) == NULL)
		where = json_str(art, "file");
	fputs("\n  ", stdout);
	if (title != NULL)
		put_clean(stdout, title, strlen(title), 0);
	if (title != NULL && where != NULL)
		fputs("   ", stdout);
	if (where != NULL)
		put_clean(stdout, where, strlen(where), 0);
	if (title == NULL && where == NULL)
		fputs("(untitled article)", stdout);
	if (snippet_from_json(json_object_get(hit, "snippet"), &sn) == 0) {
		/* the marks between [ ]; a snippet stored as a string is shown as it is */
		if (sn.len > 0) {
			fputs("\n  ", stdout);
			for (size_t m = 0; m < sn.nmarks; m++) {
				put_clean(stdout, sn.text + at, sn.marks[m].start - at, 0);
				fputs("[", stdout);
				put_clean(stdout, sn.text + sn.marks[m].start,
				          sn.marks[m].end - sn.marks[m].start, 0);
				fputs("]", stdout);
				at = sn.marks[m].end;
			}
			put_clean(stdout, sn.text + at, sn.len - at, 0);
		}
		snippet_free(&sn);
	}
	fputs("\n  ", stdout);
	put_clean(stdout, verdict, strlen(verdict), 0); /* header values (header_shown) */
	putchar('\n');
	json_decref(hit);
	return 0;
}

/*
 * Check the Standard Webhooks headers of a request against the secret.
 * Returns NULL when they hold, else why not (in buf or static).
 */
static const char *
sink_check(struct sink *sk, struct evkeyvalq *hdr, const char *body, size_t len, char *buf,
           size_t size)
{
	const char *id = evhttp_find_header(hdr, "webhook-id");
	const char *ts = evhttp_find_header(hdr, "webhook-timestamp");
	const char *sig = evhttp_find_header(hdr, "webhook-signature");
	char shown[SINK_HEADER_SHOWN + 1];
	long long t, age;
	char *end;

	if (id == NULL || *id == '\0')
		return "no webhook-id header";
	if (ts == NULL || *ts == '\0')
		return "no webhook-timestamp header";
	if (sig == NULL || *sig == '\0')
		return "no webhook-signature header";
	errno = 0;
	t = strtoll(ts, &end, 10);
	if (*ts < '0' || *ts > '9' || *end != '\0' || errno != 0) {
		snprintf(buf, size, "webhook-timestamp '%s' is not Unix seconds",
		         header_shown(ts, shown, sizeof(shown)));
		return buf;
	}
	/* both within a few centuries of now: no overflow */
	if (t > (long long)time(NULL) + 100LL * 366 * 86400) {
		snprintf(buf, size, "webhook-timestamp %lld is in the future", t);
		return buf;
	}
	age = (long long)time(NULL) - t;
	if (age > sk->max_age || -age > sk->max_age) {
		snprintf(buf, size, "webhook-timestamp is %lld s %s (--max-age %lld)",
		         age < 0 ? -age : age, age < 0 ? "ahead of this clock" : "old",
		         sk->max_age);
		return buf;
	}
	if (!whsig_verify(sk->key, (size_t)sk->keylen, id, t, body, len, sig)) {
		snprintf(buf, size,
		         "webhook-signature does not match (another secret, or "
		         "the body changed on the way)");
		return buf;
	}
	return NULL;
}

static void
sink_reply(struct evhttp_request *req, int code, const char *reason, const char *text)
{
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "text/plain; charset=utf-8");
	if (out != NULL)
		evbuffer_add_printf(out, "%s\n", text);
	evhttp_send_reply(req, code, reason, out);
	if (out != NULL)
		evbuffer_free(out);
}

static void
sink_post(struct sink *sk, struct evhttp_request *req)
{
	struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *id = evhttp_find_header(hdr, "webhook-id"), *why = NULL;
	char buf[256], shown[SINK_HEADER_SHOWN + 1], verdict[160];
	char *body;

	/* a copy with a NUL: the buffer may be in pieces; body is ours */
	if ((body = malloc(len + 1)) == NULL) {
		hark_errorf("hark sink: out of memory for a body of %zu bytes\n", len);
		sink_reply(req, HTTP_INTERNAL, "Internal Server Error", "out of memory");
		return;
	}
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (sk->keylen > 0 && (why = sink_check(sk, hdr, body, len, buf, sizeof(buf))) != NULL) {
		if (id != NULL && *id != '\0')
			hark_errorf("rejected: %s (webhook-id %s)\n", why,
			            header_shown(id, shown, sizeof(shown)));
		else
			hark_errorf("rejected: %s\n", why);
		sink_reply(req, 401, "Unauthorized", why);
		free(body);
		return;
	}
	snprintf(verdict, sizeof(verdict), "webhook-id %s  %s",
	         id != NULL ? header_shown(id, shown, sizeof(shown)) : "(none)",
	         sk->keylen > 0 ? "signature ok" : "signature not checked");
	if (sink_print_hit(body, len, verdict) < 0) {
		/* slack, discord, ntfy: their JSON body as it came */
		put_clean(stdout, body, len, 1);
		if (len == 0 || body[len - 1] != '\n')
			putchar('\n');
		fputs("  ", stdout);
		put_clean(stdout, verdict, strlen(verdict), 0);
		putchar('\n');
	}
	/* one alert at a time reaches a pipe or a file as it arrives */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* the alert was not shown: no 200 for it, and no point going on */
		hark_errorf("hark: sink: standard output: %s\n", strerror(errno));
		sink_reply(req, HTTP_SERVUNAVAIL, "Service Unavailable", "cannot print");
		sk->failed = 1;
		event_base_loopbreak(sk->base);
	} else {
		sink_reply(req, HTTP_OK, "OK", "ok");
	}
	free(body);
}

static void
sink_request(struct evhttp_request *req, void *arg)
{
	struct sink *sk = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_POST:
		sink_post(sk, req);
		break;
	case EVHTTP_REQ_GET:
	case EVHTTP_REQ_HEAD:
		if (path == NULL || strcmp(path, "/") == 0 || *path == '\0')
			sink_reply(req, HTTP_OK, "OK",
			           sk->keylen > 0
			               ? "hark sink: a test receiver of hark webhooks; POST "
			                 "alerts here (signatures checked)"
			               : "hark sink: a test receiver of hark webhooks; POST "
			                 "alerts here (signatures not checked)");
		else
			sink_reply(req, HTTP_NOTFOUND, "Not Found", "not found: POST to /");
		break;
	default:
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
		                  "GET, HEAD, POST");
		sink_reply(req, 405, "Method Not Allowed", "hark sink takes POST");
		break;
	}
}

static void
sink_stop(evutil_socket_t sig, short what, void *arg)
{
	struct sink *sk = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(sk->base);
}

/* Parse --port: 1 to 65535. Returns the port, or -1. */
static int
sink_port_arg(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || n < 1 || n > 65535)
		return -1;
	return (int)n;
}

/*
 * Decode the secret text into sk's key. Returns 0, or -1 after a message
 * that begins with what (where the text came from) and never quotes the
 * text: it would end up in a terminal's scrollback.
 */
static int
sink_secret(struct sink *sk, const char *text, const char *what)
{
	sk->keylen = whsig_secret_decode(text, sk->key, sizeof(sk->key));
	if (sk->keylen < 1) {
		hark_errorf("hark: sink: %s not 'whsec_' followed by base64\n", what);
		return -1;
	}
	return 0;
}

/*
 * --secret-file: the file's content, blanks around it ignored, by the rules
 * of hark.conf's secret_file (one reader for both): a regular file, a
 * warning when others may read it. Returns 0 or -1 after a message.
 */
static int
sink_secret_file(struct sink *sk, const char *path)
{
	char err[512], what[256], *s;
	unsigned mode;
	int rc;

	if ((s = secret_file_load(path, "--secret-file", path, SINK_SECRET_FILE_MAX, &mode, err,
	                          sizeof(err))) == NULL) {
		hark_errorf("hark: sink: %s\n", err);
		return -1;
	}
	if ((mode & 007) != 0)
		hark_errorf("hark: sink: warning: --secret-file: '%.200s' is accessible to others "
		            "(mode %04o); chmod o= it\n",
		            path, mode);
	snprintf(what, sizeof(what), "--secret-file: the secret in '%.200s' is", path);
	rc = sink_secret(sk, s, what);
	explicit_bzero(s, strlen(s));
	free(s);
	return rc;
}

int
cmd_sink(int argc, char **argv)
{
	static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
	                                     {"secret", required_argument, NULL, 's'},
	                                     {"secret-file", required_argument, NULL, 'S'},
	                                     {"max-age", required_argument, NULL, 'a'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	struct sink sk = {.max_age = SINK_MAX_AGE};
	struct evhttp *http = NULL;
	struct event *sigint = NULL, *sigterm = NULL;
	unsigned long secs;
	const char *secret = NULL, *secret_file = NULL, *env;
	int ch, port = SINK_PORT, rc = 2;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((port = sink_port_arg(optarg)) < 0) {
				usage_error(argv[0], "--port: '%s' is not a port (1-65535)",
				            optarg);
				return 2;
			}
			break;
		case 's':
			secret = optarg;
			break;
		case 'S':
			secret_file = optarg;
			break;
		case 'a':
			if (conf_parse_duration(optarg, &secs) < 0 || secs == 0 ||
			    secs > (unsigned long)INT_MAX) {
				usage_error(argv[0], "--max-age: '%s' is not a number of seconds",
				            optarg);
				return 2;
			}
			sk.max_age = (long long)secs;
			break;
		case 'h':
			hark_usage("sink", stdout);
			return 0;
		default:
			usage_opt_error(argv[0], "h", opts, argv);
			return 2;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	/* as hark.conf's secret and secret_file: both is an error, not a guess */
	if (secret != NULL && secret_file != NULL) {
		usage_error(argv[0], "--secret and --secret-file together; keep one");
		return 2;
	}
	/* the command line over the environment, as everywhere */
	env = getenv(SINK_SECRET_ENV);
	if (secret_file != NULL)
		rc = sink_secret_file(&sk, secret_file);
	else if (secret != NULL)
		rc = sink_secret(&sk, secret, "--secret:");
	else if (env != NULL && *env != '\0')
		rc = sink_secret(&sk, env, SINK_SECRET_ENV ":");
	else
		rc = 0;
	if (rc < 0) {
		explicit_bzero(sk.key, sizeof(sk.key));
		return 2;
	}
	rc = 2;
	if ((sk.base = event_base_new()) == NULL || (http = evhttp_new(sk.base)) == NULL) {
		hark_errorf("hark: sink: cannot start libevent\n");
		goto out;
	}
	evhttp_set_max_body_size(http, SINK_BODY_MAX);
	evhttp_set_gencb(http, sink_request, &sk);
	/* loopback only: a test receiver is no server for the network */
	errno = 0;
	if (evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)port) != 0) {
		hark_errorf("hark: sink: cannot listen on 127.0.0.1:%d: %s\n", port,
		            errno != 0 ? strerror(errno) : "bind failed");
		goto out;
	}
	sigint = evsignal_new(sk.base, SIGINT, sink_stop, &sk);
	sigterm = evsignal_new(sk.base, SIGTERM, sink_stop, &sk);
	if (sigint == NULL || sigterm == NULL || evsignal_add(sigint, NULL) != 0 ||
	    evsignal_add(sigterm, NULL) != 0) {
		hark_errorf("hark: sink: cannot catch SIGINT and SIGTERM\n");
		goto out;
	}
	/* a reader that went away must not kill us mid-reply */
	signal(SIGPIPE, SIG_IGN);
	hark_errorf("hark sink: listening on http://127.0.0.1:%d/ (%s)\n", port,
	            sk.keylen > 0 ? "signatures checked" : "signatures not checked: no secret");
	if (event_base_dispatch(sk.base) < 0) {
		hark_errorf("hark: sink: the event loop failed\n");
		goto out;
	}
	rc = sk.failed ? 2 : 0;
out:
	if (sigint != NULL)
		event_free(sigint);
	if (sigterm != NULL)
		event_free(sigterm);
	if (http != NULL)
		evhttp_free(http);
	if (sk.base != NULL)
		event_base_free(sk.base);
	explicit_bzero(sk.key, sizeof(sk.key));
	return rc;
}
