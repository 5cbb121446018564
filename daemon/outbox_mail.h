/*
 * outbox_mail.h: the [email] destinations of the outbox. outbox.c keeps
 * one hook per destination, webhook or email, and their delivery rows in
 * the same table; what is particular to an email is here: its settings
 * parsed once (addresses, password), the message of a hit (mail.c) handed
 * to http.c's SMTP on the loop's curl multi handle, and what an SMTP
 * answer means for the delivery.
 */
#ifndef HARK_OUTBOX_MAIL_H
#define HARK_OUTBOX_MAIL_H

#include <stdint.h>

#include "conf.h"
#include "http.h"

struct outbox_mail;

/* From the configuration (a copy: c may go). NULL with err. */
struct outbox_mail *outbox_mail_new(const struct conf_email *m, const char *base_url, char *err,
                                    size_t errsz);
void outbox_mail_free(struct outbox_mail *om);
/* What names the destination's configuration (sha256 hex), for outbox.c's fingerprint. */
void outbox_mail_fingerprint(const struct outbox_mail *om, char out[65]);

/*
 * Start sending the message of the hit object hit_json; fn(arg) when the
 * server has answered. Returns 0, -1 with err: -1 with *fatal set when no
 * retry can help (the hit object cannot be rendered).
 */
int outbox_mail_send(struct http *http, const struct outbox_mail *om, const char *hit_json,
                     int64_t now, http_done_fn fn, void *arg, int *fatal, char *err, size_t errsz);

/*
 * A destination with a digest: 1 with *end, the end of the period that
 * holds now (its hits wait until then); 0 when each hit is sent alone.
 */
int outbox_mail_period_end(const struct outbox_mail *om, int64_t now, int64_t *end);
/* The start of the digest period that ends at end. */
int64_t outbox_mail_period_start(const struct outbox_mail *om, int64_t end);

struct mail_digest;
/* As outbox_mail_send, for the digest g (mail.h). */
int outbox_mail_send_digest(struct http *http, const struct outbox_mail *om,
                            const struct mail_digest *g, int64_t now, http_done_fn fn, void *arg,
                            int *fatal, char *err, size_t errsz);

/* What an SMTP answer means. */
enum outbox_mail_verdict {
	OUTBOX_MAIL_SENT,  /* 2xx: taken */
	OUTBOX_MAIL_RETRY, /* 4xx, or no answer: on the schedule */
	OUTBOX_MAIL_DEAD,  /* 5xx: dead at once */
};
/* The verdict, and in why the server's line (or curl's error) for the log and the row. */
enum outbox_mail_verdict outbox_mail_judge(const struct http_response *r, char *why, size_t whysz);

#endif
