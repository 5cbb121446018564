/*
 * outbox_mail.c: an [email] destination's settings and sends (see
 * outbox_mail.h). The message is rendered by the pure mail.c at each
 * attempt, with the same Message-ID every time, so that a retry after a
 * lost 250 is recognisably the same mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "mail.h"
#include "mailaddr.h"
#include "outbox_mail.h"
#include "sha256.h"

#define MAIL_CONNECT_MS 10000
#define MAIL_TIMEOUT_MS 60000

struct outbox_mail {
	char *name, *smtp, *user, *password, *ca_file, *base_url; /* owned */
	int tls_required;
	struct mailaddr from;
	struct mailaddr *to; /* owned */
	size_t nto;
	const char **rcpt; /* owned array of pointers into to[].spec, NULL-terminated */
	struct digest_period digest;
	char fingerprint[65];
};

void
outbox_mail_free(struct outbox_mail *om)
{
	if (om == NULL)
		return;
	free(om->name);
	free(om->smtp);
	free(om->user);
	if (om->password != NULL)
		explicit_bzero(om->password, strlen(om->password));
	free(om->password);
	free(om->ca_file);
	free(om->base_url);
	free(om->to);
	free(om->rcpt);
	free(om);
}

static char *
dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = 1;
	return d;
}

struct outbox_mail *
outbox_mail_new(const struct conf_email *m, const char *base_url, char *err, size_t errsz)
{
	struct outbox_mail *om = calloc(1, sizeof(*om));
	char why[200];
	int oom = 0, n;
	struct sha256 s;
	unsigned char d[SHA256_LEN];
	static const char hex[] = "0123456789abcdef";
	const char *parts[7];

	if (om == NULL)
		goto nomem;
	om->name = dup_or_null(m->name, &oom);
	om->smtp = dup_or_null(m->smtp, &oom);
	om->user = dup_or_null(m->user, &oom);
	om->password = dup_or_null(m->password, &oom);
	om->ca_file = dup_or_null(m->ca_file, &oom);
	om->base_url = dup_or_null(base_url, &oom);
	om->tls_required = m->tls_required;
	if (oom)
		goto nomem;
	/* conf.c checked them: a failure here is a bug or no memory */
	if (mailaddr_parse(m->from, strlen(m->from), &om->from, why, sizeof(why)) < 0 ||
	    (n = mailaddr_list_parse(m->to, &om->to, why, sizeof(why))) < 0) {
		snprintf(err, errsz, "email %s: %s", m->name, why);
		outbox_mail_free(om);
		return NULL;
	}
	om->nto = (size_t)n;
	if (digest_parse(m->digest != NULL ? m->digest : "no", &om->digest, why, sizeof(why)) < 0) {
		snprintf(err, errsz, "email %s: digest %s", m->name, why);
		outbox_mail_free(om);
		return NULL;
	}
	if ((om->rcpt = calloc(om->nto + 1, sizeof(*om->rcpt))) == NULL)
		goto nomem;
	for (size_t i = 0; i < om->nto; i++)
		om->rcpt[i] = om->to[i].spec;
	/* what changes the mail sent: a changed destination is a new configuration */
	parts[0] = m->smtp;
	parts[1] = m->user ? m->user : "";
	parts[2] = m->from;
	parts[3] = m->to;
	parts[4] = m->ca_file ? m->ca_file : "";
	parts[5] = m->password ? m->password : "";
	parts[6] = m->digest ? m->digest : "no";
	sha256_init(&s);
	for (size_t i = 0; i < 7; i++)
		sha256_update(&s, parts[i], strlen(parts[i]) + 1);
	sha256_final(&s, d);
	for (size_t i = 0; i < SHA256_LEN; i++) {
		om->fingerprint[2 * i] = hex[d[i] >> 4];
		om->fingerprint[2 * i + 1] = hex[d[i] & 15];
	}
	om->fingerprint[64] = '\0';
	return om;
nomem:
	snprintf(err, errsz, "out of memory");
	outbox_mail_free(om);
	return NULL;
}

void
outbox_mail_fingerprint(const struct outbox_mail *om, char out[65])
{
	memcpy(out, om->fingerprint, 65);
}

int
outbox_mail_period_end(const struct outbox_mail *om, int64_t now, int64_t *end)
{
	if (om->digest.kind == DIGEST_NO)
		return 0;
	*end = digest_next_end(&om->digest, now);
	return 1;
}

int64_t
outbox_mail_period_start(const struct outbox_mail *om, int64_t end)
{
	return digest_start(&om->digest, end);
}

/* Send the message msg (taken: freed here). */
static int
mail_send_msg(struct http *http, const struct outbox_mail *om, char *msg, http_done_fn fn,
              void *arg, char *err, size_t errsz)
{
	struct http_mail rq = {0};
	int rc;

	rq.url = om->smtp;
	rq.tls_required = om->tls_required;
	rq.user = om->user;
	rq.password = om->password;
	rq.ca_file = om->ca_file;
	rq.mail_from = om->from.spec;
	rq.rcpt = om->rcpt;
	rq.data = msg;
	rq.data_len = strlen(msg);
	rq.connect_timeout_ms = MAIL_CONNECT_MS;
	rq.timeout_ms = MAIL_TIMEOUT_MS;
	rc = http_mail_start(http, &rq, fn, arg, err, errsz);
	free(msg); /* copied by the transfer */
	return rc;
}

int
outbox_mail_send_digest(struct http *http, const struct outbox_mail *om,
                        const struct mail_digest *g, int64_t now, http_done_fn fn, void *arg,
                        int *fatal, char *err, size_t errsz)
{
	struct mail_dest d = {om->name, &om->from, om->to, om->nto, om->base_url};
	char *msg;

	*fatal = 0;
	if ((msg = mail_render_digest(&d, g, now, err, errsz)) == NULL)
		return -1;
	return mail_send_msg(http, om, msg, fn, arg, err, errsz);
}

int
outbox_mail_send(struct http *http, const struct outbox_mail *om, const char *hit_json, int64_t now,
                 http_done_fn fn, void *arg, int *fatal, char *err, size_t errsz)
{
	struct mail_dest d = {om->name, &om->from, om->to, om->nto, om->base_url};
	char *msg;

	*fatal = 0;
	if ((msg = mail_render_hit(&d, hit_json, now, err, errsz)) == NULL) {
		*fatal = strcmp(err, "out of memory") != 0;
		return -1;
	}
	return mail_send_msg(http, om, msg, fn, arg, err, errsz);
}

enum outbox_mail_verdict
outbox_mail_judge(const struct http_response *r, char *why, size_t whysz)
{
	if (r->error == NULL && r->status >= 200 && r->status < 300) {
		/*
		 * Taken for the others: a refused recipient is not tried again,
		 * a 4xx one neither (the others would get it twice); it is named
		 * in the log and the delivery's line.
		 */
		if (r->rcpt_refused != NULL)
			snprintf(why, whysz, "refused %s", r->rcpt_refused);
		else
			why[0] = '\0';
		return OUTBOX_MAIL_SENT;
	}
	if (r->rcpt_all) {
		/* every recipient refused: no one has it, so a 4xx among them is worth a retry */
		snprintf(why, whysz, "refused %s", r->rcpt_refused);
		return r->rcpt_temporary ? OUTBOX_MAIL_RETRY : OUTBOX_MAIL_DEAD;
	}
	/* the server's own words when it gave a reason; else curl's */
	if (r->status >= 400 && r->server_line != NULL)
		snprintf(why, whysz, "%s", r->server_line);
	else
		snprintf(why, whysz, "%s", r->error ? r->error : "no answer");
	if (r->status >= 500 && r->status < 600)
		return OUTBOX_MAIL_DEAD;
	return OUTBOX_MAIL_RETRY;
}
