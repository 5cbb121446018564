/*
 * http.h: HTTP requests on harkd's event loop. http.c is the only owner of
 * the curl multi handle; libevent drives it as curl's hiperfifo example
 * shows (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION,
 * curl_multi_socket_action, curl_multi_info_read): no call ever blocks the
 * loop. The webhooks use it now, the feed poller later.
 */
#ifndef HARK_HTTP_H
#define HARK_HTTP_H

#include <event2/event.h>
#include <stddef.h>

struct http;

struct http_request {
	const char *method;         /* "GET" or "POST" */
	const char *url;            /* http:// or https:// only; others fail at once */
	const char *const *headers; /* "Name: value", NULL-terminated; may be NULL */
	const char *body;           /* POST body (copied), or NULL */
	size_t body_len;
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* the whole transfer; 0: 30 s */
	size_t max_response;     /* larger response bodies fail the request; 0: 1 MiB */
	int status_only;         /* the status is the answer (webhooks): a body over
	                            max_response is not read further and does not fail
	                            the request (r->body_cut) */
	int max_redirects;       /* 0: a redirect is returned as it is, not followed */
	int block_private;       /* refuse to connect to a private, loopback, link-local... address
	                            (netaddr.h), checked on each address curl connects to */
	const char *allow_hint;  /* what lifts the guard, named in the refusal (static);
	                            NULL: "allow_private = yes" */
	const char *accept_encoding; /* "" asks for every encoding curl decodes (gzip, deflate,
	                                br); NULL: none. max_response counts decoded bytes */
};

struct http_response {
	long status;       /* the HTTP status, 0 when no response came */
	const char *error; /* NULL on a response; else curl's error text (CURLOPT_ERRORBUFFER) */
	const char *body;  /* the response body, NUL-terminated (valid during the callback) */
	size_t body_len;
	const char *retry_after;  /* the Retry-After header's value, or NULL */
	const char *location;     /* Location, or NULL */
	const char *content_type; /* Content-Type, or NULL */
	const char *etag, *last_modified;
	const char *final_url; /* after redirects */
	double seconds;        /* how long it took */
	int body_cut;          /* status_only: the body was over max_response, cut */
	int timed_out;         /* the failure was the request's timeout */
	const char
	    *server_line; /* SMTP: the refused command's reply line, else the last, or NULL */
	const char
	    *rcpt_refused;  /* SMTP: "<a> 550 ...; <b> 451 ..." the recipients refused, or NULL */
	int rcpt_temporary; /* SMTP: one of them with a 4xx (try again) */
	int rcpt_all;       /* SMTP: every recipient refused: no one has the message */
};

/* Called on the loop thread once per request, with the response or the failure. */
typedef void (*http_done_fn)(const struct http_response *r, void *arg);

/* Returns NULL with err. user_agent: e.g. "hark/0.1.0". */
struct http *http_new(struct event_base *base, const char *user_agent, char *err, size_t errsz);
/* Abort every transfer (their callbacks are not called) and free. */
void http_free(struct http *h);

/*
 * Start a request; fn(arg) is called when it ends, never from inside this
 * call. Returns 0, -1 with err (a URL curl refuses, out of memory).
 */
int http_start(struct http *h, const struct http_request *rq, http_done_fn fn, void *arg, char *err,
               size_t errsz);
/*
 * A message sent by SMTP (the [email] destinations) on the same multi
 * handle: MAIL FROM, RCPT TO each, DATA. r->status is the server's last
 * reply code (250 after the data was taken) and r->server_line the line of
 * the command refused (else the last); r->error is NULL only when the
 * message was accepted, for the recipients the server took: those it
 * refused are in r->rcpt_refused.
 */
struct http_mail {
	const char *url;         /* smtp://host:port or smtps://host:port only */
	int tls_required;        /* STARTTLS or fail (CURLUSESSL_ALL); else when offered */
	const char *user;        /* SMTP AUTH, or NULL */
	const char *password;    /* with user */
	const char *ca_file;     /* PEM CAs to trust instead of the system's, or NULL */
	const char *mail_from;   /* addr-spec, without < > */
	const char *const *rcpt; /* addr-specs, NULL-terminated, at least one */
	const char *data;        /* the message, CRLF lines (copied) */
	size_t data_len;
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* 0: 30 s */
};
int http_mail_start(struct http *h, const struct http_mail *rq, http_done_fn fn, void *arg,
                    char *err, size_t errsz);

/* Transfers under way. */
size_t http_active(const struct http *h);

/*
 * Seconds to wait from a Retry-After value (delta-seconds or an HTTP date,
 * RFC 9110), relative to now (Unix seconds). Returns 0 with *secs, -1 when
 * the value is neither.
 */
int http_retry_after(const char *value, long long now, long long *secs);

#endif
