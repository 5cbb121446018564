/*
 * outbox.c: sending the deliveries of the database's outbox. Owns the
 * per-webhook state (keys, rate windows, pauses, the requests in flight);
 * the rows stay in the database and are read a page at a time in (due,
 * id) order, so 100,000 pending deliveries cost no memory. Outcomes are
 * written in batches, one transaction in the turn of the loop that read
 * them, without an fsync (store_outcomes_begin); a request keeps its slot
 * until then. A lost "sent" only means a second attempt with the same
 * webhook-id, which receivers are told to deduplicate; what a crash can
 * send again is bounded by the slots.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "answer.h"
#include "digest.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "outbox_mail.h"
#include "payload.h"
#include "sha256.h"
#include "whsig.h"

/* The retry schedule of CLI.md, after attempt 1, 2...: seconds. */
static const int64_t schedule[OUTBOX_RETRIES] = {
    5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600};

static const struct timeval tv_one = {1, 0};

/*
 * The longest a Retry-After pauses a webhook: an hour, when a receiver
 * asks for more (its delivery's own back-off may be longer: the later holds).
 */
#define OUTBOX_RETRY_AFTER_MAX 3600

#define OUTBOX_PAGE 64
#define OUTBOX_TIMEOUT_MS 15000
#define OUTBOX_CONNECT_MS 5000

struct hook;

/* One request in flight: owned by its hook's list until it ends. */
struct send {
	struct hook *hook;
	struct outbox *ob;
	int64_t id;
	char hit_id[32];
	int attempts; /* before this one */
	/*
	 * Started by SIGUSR1 before the time the schedule set: a failure is
	 * recorded (status, error) but is not one of the schedule's attempts,
	 * so a signal meant to hurry never makes a delivery dead sooner.
	 */
	int early;
	/*
	 * Where the delivery's latency counts from: its hit's commit, or its
	 * last requeue (hark redeliver, the API's retry), which may come days
	 * after: that wait is the operator's, not harkd's.
	 */
	int64_t since;
	/*
	 * CLOCK_MONOTONIC ns of its hit's commit when this process made it
	 * (struct commit_memo), so that the latency keeps its fractions; 0:
	 * unknown (made before a restart, or requeued): whole seconds from since.
	 */
	int64_t commit_ns;
	/*
	 * Ended, its outcome not yet written: it stays listed, so that a page
	 * read before the write does not send it again.
	 */
	int ended;
	/* a digest: every delivery of its period (owned), which share its outcome */
	int64_t *group;
	size_t ngroup;
	/* a webhook's digest: its bodies (owned), sent one after the other */
	char **parts;
	size_t nparts, part;
	struct send *next;
};

static void
send_free(struct send *s)
{
	for (size_t i = 0; i < s->nparts; i++)
		free(s->parts[i]);
	free(s->parts);
	free(s->group);
	free(s);
}

/* An outcome waiting for the batch write. */
struct update {
	int64_t id;
	char state[8];
	int attempts;
	int64_t next_at;
	long status;
	char *error; /* owned */
	struct update *next;
};

struct hook {
	char *name, *url, *topic; /* owned */
	char *base_url; /* owned: [http] base_url, or NULL (chat links to stored copies) */
	enum payload_format format;
	unsigned char key[WHSIG_KEY_MAX];
	int keylen;   /* 0: unsigned */
	char **rules; /* owned globs */
	size_t nrules;
	unsigned max_per_minute;
	int64_t *sent_at; /* ring of the last max_per_minute send times */
	unsigned sent_head, sent_n;
	char fingerprint[65];
	int disabled;            /* 410 Gone, until the configuration changes */
	int64_t paused_until;    /* 429/503 Retry-After */
	int64_t cur_due, cur_id; /* the page cursor of the sweep under way */
	int early;               /* SIGUSR1: this sweep reads every pending delivery, due or not */
	unsigned in_flight;
	/*
	 * 0: up to its share at once. Else at most this many: a request timed
	 * out, so each would hold its slot for the whole timeout. 1 after a
	 * time-out, doubled by each 2xx until back to the share.
	 */
	unsigned window;
	struct send *sends;
	int removed; /* gone from the configuration: freed when its last request ends */
	struct outbox_mail *mail;    /* owned; an [email] destination, else NULL (a webhook) */
	struct digest_period digest; /* a webhook's digest (an email's is in mail) */
	/*
	 * The digest last tried and how many of its parts the receiver took
	 * (2xx): a retry of the same digest (its period, its first delivery,
	 * as many deliveries and parts) sends only the parts after them, each
	 * with the id it had, never one twice. Kept for the run of harkd: after
	 * a restart the parts go again, with the same ids (receivers dedupe).
	 */
	struct {
		char period[32];
		int64_t first;
		size_t ngroup, nparts, taken;
	} dparts;
	struct hook *next;
};

struct outbox {
	struct event_base *base;
	struct store *st;  /* borrowed */
	struct http *http; /* borrowed */
	struct hook *hooks;
	unsigned in_flight;
	unsigned rr;            /* round robin: the pump starts with the rr-th hook */
	struct event *ev_pump;  /* look at every webhook: kick, timers */
	struct event *ev_flush; /* write the outcomes */
	struct update *updates, **updates_tail;
	struct outbox_stats stats;
	/*
	 * The hits routed lately, a ring (owned, COMMIT_MEMO entries): when
	 * each was committed by the monotonic clock, for hark_delivery_seconds
	 * (the store keeps whole seconds). Stamped by outbox_kick, which the
	 * intake calls right after its commit.
	 */
	struct commit_memo *memo;
	size_t memo_head, memo_stamped; /* counts: next slot is head % COMMIT_MEMO */
};

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

#define COMMIT_MEMO 4096

struct commit_memo {
	char hit_id[32];
	int64_t wall;    /* the created_at its deliveries got */
	int64_t mono_ns; /* 0 until its commit */
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The commit time of hit_id routed at wall, or 0 (forgotten, or requeued since). */
static int64_t
commit_memo_find(const struct outbox *ob, const char *hit_id, int64_t wall)
{
	size_t n = ob->memo_stamped < COMMIT_MEMO ? ob->memo_stamped : COMMIT_MEMO;

	if (ob->memo == NULL)
		return 0;
	for (size_t k = 1; k <= n; k++) { /* the newest first */
		const struct commit_memo *m = &ob->memo[(ob->memo_stamped - k) % COMMIT_MEMO];

		if (m->wall == wall && strcmp(m->hit_id, hit_id) == 0)
			return m->mono_ns;
	}
	return 0;
}

/* Seconds from the send's hit's commit (or requeue) to now. */
static double
send_latency(const struct send *s, int64_t now)
{
	if (s->commit_ns != 0)
		return (double)(mono_ns() - s->commit_ns) / 1e9;
	return (double)(now - s->since);
}

static void
hook_free(struct hook *h)
{
	if (h == NULL)
		return;
	free(h->name);
	free(h->url);
	free(h->topic);
	free(h->base_url);
	for (size_t i = 0; i < h->nrules; i++)
		free(h->rules[i]);
	free(h->rules);
	free(h->sent_at);
	outbox_mail_free(h->mail);
	free(h);
}

/* A destination with a digest: 1 with *end, the end of the period that holds now. */
static int
hook_period_end(const struct hook *h, int64_t now, int64_t *end)
{
	if (h->mail != NULL)
		return outbox_mail_period_end(h->mail, now, end);
	if (h->digest.kind == DIGEST_NO)
		return 0;
	*end = digest_next_end(&h->digest, now);
	return 1;
}

static int64_t
hook_period_start(const struct hook *h, int64_t end)
{
	return h->mail != NULL ? outbox_mail_period_start(h->mail, end)
	                       : digest_start(&h->digest, end);
}

/* The pump runs on the next turn of the loop, or at when (seconds from now). */
static void
outbox_pump_at(struct outbox *ob, int64_t delay)
{
	struct timeval tv = {delay > 0 ? (time_t)delay : 0, 0};
	struct timeval cur;

	/* keep an earlier wake-up that is already set */
	if (evtimer_pending(ob->ev_pump, &cur)) {
		struct timeval now;

		event_base_gettimeofday_cached(ob->base, &now);
		if (cur.tv_sec - now.tv_sec <= tv.tv_sec)
			return;
	}
	evtimer_add(ob->ev_pump, &tv);
}

/* The digest = of destination name in c: NULL when there is none now. */
static const char *
conf_digest_of(const struct conf *c, const char *name)
{
	for (size_t i = 0; c != NULL && i < c->nemails; i++)
		if (strcmp(c->emails[i].name, name) == 0)
			return c->emails[i].digest;
	for (size_t i = 0; c != NULL && i < c->nwebhooks; i++)
		if (strcmp(c->webhooks[i].name, name) == 0)
			return c->webhooks[i].digest;
	return NULL;
}

void
outbox_held_say(const struct conf *c, int64_t id, const char *dest, int64_t end, char *buf,
                size_t sz)
{
	const char *d = conf_digest_of(c, dest);
	struct digest_period p = {.kind = DIGEST_NO};
	char why[160], when[64];

	if (d == NULL || digest_parse(d, &p, why, sizeof(why)) < 0)
		p.kind = DIGEST_NO;
	digest_describe(&p, end, when, sizeof(when));
	snprintf(buf, sz, "delivery %lld is held for the digest of %s: sent then", (long long)id,
	         when);
}

/* Whether c has a webhook or an email named name (store_known_fn). */
static bool
conf_has_dest(const char *name, void *arg)
{
	const struct conf *c = arg;

	for (size_t i = 0; i < c->nwebhooks; i++)
		if (strcmp(c->webhooks[i].name, name) == 0)
			return true;
	for (size_t i = 0; i < c->nemails; i++)
		if (strcmp(c->emails[i].name, name) == 0)
			return true;
	return false;
}

static int
redeliver_dest_cb(const struct store_delivery_row *r, void *arg)
{
	snprintf(arg, 256, "%s", r->webhook != NULL ? r->webhook : "");
	return 0;
}

int
outbox_redeliver(struct store *st, const struct conf *c, int64_t id, int64_t now, bool sent_too,
                 int64_t *held, char *dest, size_t destsz, char *err, size_t errsz)
{
	char name[256] = "";
	int rc = store_delivery_get(st, id, redeliver_dest_cb, name, err, errsz);

	if (rc <= 0)
		return rc;
	/*
	 * Made pending, it would wait for ever (and be cancelled at the next
	 * start): the outbox has nothing to send it with.
	 */
	if (!conf_has_dest(name, (void *)c)) {
		snprintf(err, errsz,
		         "delivery %lld cannot be sent: webhook or email %s is no longer in "
		         "hark.conf (configure it again, then redeliver it)",
		         (long long)id, name);
		return 4;
	}
	return store_delivery_redeliver(st, id, now, sent_too, held, dest, destsz, err, errsz);
}

static void
orphan_log(const char *name, int64_t n, void *arg)
{
	(void)arg;
	if (n > 0)
		log_warnx("webhook or email %s is no longer in the configuration: %lld pending "
		          "deliver%s cancelled (hark redeliver sends one again once it is back)",
		          name, (long long)n, n == 1 ? "y" : "ies");
	else
		log_info("webhook %s is no longer in the configuration: its 410 Gone forgotten",
		         name);
}

void
outbox_kick(struct outbox *ob)
{
	int64_t t = mono_ns();

	/* the hits routed since the last kick are committed now */
	for (; ob->memo_stamped < ob->memo_head; ob->memo_stamped++)
		ob->memo[ob->memo_stamped % COMMIT_MEMO].mono_ns = t;
	outbox_pump_at(ob, 0);
}

static void outbox_forget_ended(struct outbox *ob);

/*
 * Write the outcomes in this turn of the loop, not the next: libevent runs
 * an event made active during a turn in that turn, after the events
 * already active (the other answers read in this turn among them, so that
 * one commit takes them all). Until its commit, a request the receiver
 * has answered is sent again after a crash. Not while a failed write
 * waits its second.
 */
static void
outbox_flush_later(struct outbox *ob)
{
	if (!evtimer_pending(ob->ev_flush, NULL))
		event_active(ob->ev_flush, EV_TIMEOUT, 0);
}

static void
outbox_record(struct outbox *ob, int64_t id, const char *state, int attempts, int64_t next_at,
              long status, const char *error)
{
	struct update *u = calloc(1, sizeof(*u));

	if (u == NULL) {
		log_err("out of memory recording delivery %lld", (long long)id);
		return;
	}
	u->id = id;
	snprintf(u->state, sizeof(u->state), "%s", state);
	u->attempts = attempts;
	u->next_at = next_at;
	u->status = status;
	u->error = error ? strdup(error) : NULL;
	*ob->updates_tail = u;
	ob->updates_tail = &u->next;
	outbox_flush_later(ob);
}

static void
outbox_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	char err[512];
	int rc;

	(void)fd;
	(void)what;
	if (ob->updates == NULL)
		return;
	if ((rc = store_outcomes_begin(ob->st, err, sizeof(err))) == 0) {
		char ignored[64]; /* the first error is the one told */

		for (struct update *u = ob->updates; rc == 0 && u != NULL; u = u->next)
			rc = store_delivery_update(ob->st, u->id, u->state, u->attempts, u->next_at,
			                           u->status, u->error, now_s(), err, sizeof(err));
		if (rc == 0)
			rc = store_outcomes_end(ob->st, 1, err, sizeof(err));
		else
			store_outcomes_end(ob->st, 0, ignored, sizeof(ignored));
	}
	if (rc != 0) {
		log_warnx("cannot record deliveries now (%s); trying again", err);
		event_add(ob->ev_flush, &tv_one);
		return;
	}
	while (ob->updates != NULL) {
		struct update *u = ob->updates;

		ob->updates = u->next;
		free(u->error);
		free(u);
	}
	ob->updates_tail = &ob->updates;
	outbox_forget_ended(ob);
	/* what was in flight is settled: the next page may hold more */
	outbox_kick(ob);
}

/* Sends of the last minute; 0 when no limit. */
static unsigned
hook_recent(struct hook *h, int64_t now)
{
	while (h->sent_n > 0) {
		unsigned oldest =
		    (h->sent_head + h->max_per_minute - h->sent_n) % h->max_per_minute;

		if (h->sent_at[oldest] > now - 60)
			break;
		h->sent_n--;
	}
	return h->sent_n;
}

static void
hook_note_send(struct hook *h, int64_t now)
{
	if (h->max_per_minute == 0 || h->sent_at == NULL)
		return;
	h->sent_at[h->sent_head] = now;
	h->sent_head = (h->sent_head + 1) % h->max_per_minute;
	if (h->sent_n < h->max_per_minute)
		h->sent_n++;
}

static void send_done_cb(const struct http_response *r, void *arg);

/*
 * Ended: the request keeps its slot until its outcome is written
 * (outbox_forget_ended), so that what a crash would send again (answered,
 * not yet committed) never exceeds the webhook's share.
 */
static void
send_end(struct send *s)
{
	s->ended = 1;
}

/* After the outcomes are written: forget the ended requests, and the hooks removed meanwhile. */
static void
outbox_forget_ended(struct outbox *ob)
{
	for (struct hook **hp = &ob->hooks; *hp;) {
		struct hook *h = *hp;

		for (struct send **pp = &h->sends; *pp;) {
			struct send *s = *pp;

			if (s->ended) {
				*pp = s->next;
				h->in_flight--;
				ob->in_flight--;
				send_free(s);
			} else {
				pp = &s->next;
			}
		}
		if (h->removed && h->sends == NULL) {
			*hp = h->next;
			hook_free(h);
		} else {
			hp = &h->next;
		}
	}
}

/* Jitter: the delay a tenth longer or shorter, so that retries spread. */
static int64_t
jitter(int64_t secs)
{
	int64_t spread = secs >= 10 ? secs / 10 : 1; /* the 5 s retry spreads too */

	return spread > 0 ? secs - spread + (int64_t)(random() % (2 * spread + 1)) : secs;
}

static int
hook_is_sending(const struct hook *h, int64_t id)
{
	/* at most OUTBOX_PER_WEBHOOK, and the ended ones of one turn */
	for (const struct send *s = h->sends; s; s = s->next)
		if (s->id == id)
			return 1;
	return 0;
}

static void mail_done_cb(const struct http_response *r, void *arg);

/* hook_send for an [email]: the message of the hit by SMTP. */
static int
hook_send_mail(struct outbox *ob, struct hook *h, const struct store_delivery_row *r, int early)
{
	char err[256];
	struct send *s = calloc(1, sizeof(*s));
	int fatal;

	if (s == NULL)
		return -1;
	s->hook = h;
	s->ob = ob;
	s->id = r->id;
	s->attempts = r->attempts;
	s->early = early;
	s->since = r->requeued_at > r->created_at ? r->requeued_at : r->created_at;
	if (r->requeued_at <= r->created_at)
		s->commit_ns = commit_memo_find(ob, r->hit_id, r->created_at);
	snprintf(s->hit_id, sizeof(s->hit_id), "%s", r->hit_id);
	if (outbox_mail_send(ob->http, h->mail, r->hit_json, now_s(), mail_done_cb, s, &fatal, err,
	                     sizeof(err)) < 0) {
		free(s);
		if (fatal) {
			log_err("delivery %lld to %s: %s: dead", (long long)r->id, h->name, err);
			outbox_record(ob, r->id, "dead", r->attempts + 1, r->next_at, 0, err);
		} else {
			log_warnx("delivery %lld to %s: %s", (long long)r->id, h->name, err);
		}
		return -1;
	}
	s->next = h->sends;
	h->sends = s;
	h->in_flight++;
	ob->in_flight++;
	hook_note_send(h, now_s());
	return 0;
}

/*
 * POST body to h's URL, signed as Standard Webhooks has it (webhook-id wid,
 * webhook-timestamp ts, webhook-signature when h has a secret); cb(arg)
 * hears of the outcome. The request copies body. Returns http_start's.
 */
static int
hook_post(struct outbox *ob, struct hook *h, const char *wid, long long ts, const char *body,
          void (*cb)(const struct http_response *, void *), void *arg, char *err, size_t errsz)
{
	char sig[WHSIG_SIG_LEN], hid[160], hts[64], hsig[WHSIG_SIG_LEN + 32];
	const char *headers[6];
	struct http_request rq = {0};
	size_t n = 0;

	snprintf(hid, sizeof(hid), "webhook-id: %s", wid);
	snprintf(hts, sizeof(hts), "webhook-timestamp: %lld", ts);
	headers[n++] = "Content-Type: application/json";
	headers[n++] = hid;
	headers[n++] = hts;
	if (h->keylen > 0) {
		whsig_sign(h->key, (size_t)h->keylen, wid, ts, body, strlen(body), sig);
		snprintf(hsig, sizeof(hsig), "webhook-signature: %s", sig);
		headers[n++] = hsig;
	}
	headers[n] = NULL;
	rq.method = "POST";
	rq.url = h->url;
	rq.headers = headers;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.connect_timeout_ms = OUTBOX_CONNECT_MS;
	rq.timeout_ms = OUTBOX_TIMEOUT_MS;
	/* the status line is the answer: a longer body is cut, the 2xx stands */
	rq.max_response = 64u << 10;
	rq.status_only = 1;
	rq.max_redirects = 0; /* a redirect is a failure, never followed */
	return http_start(ob->http, &rq, cb, arg, err, errsz);
}

/*
 * Start one attempt of a delivery row; early: before its time (SIGUSR1).
 * Returns 0, -1 when it could not start.
 */
static int
hook_send(struct outbox *ob, struct hook *h, const struct store_delivery_row *r, int early)
{
	char err[256];
	struct send *s;
	char *body;
	long long ts = (long long)now_s();

	if (h->mail != NULL)
		return hook_send_mail(ob, h, r, early);
	body = payload_render(h->format, r->hit_json, h->topic, h->base_url, err, sizeof(err));
	if (body == NULL) {
		/* nothing a retry can fix */
		log_err("delivery %lld to %s: %s: dead", (long long)r->id, h->name, err);
		outbox_record(ob, r->id, "dead", r->attempts + 1, r->next_at, 0, err);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		free(body);
		return -1;
	}
	s->hook = h;
	s->ob = ob;
	s->id = r->id;
	s->attempts = r->attempts;
	s->early = early;
	s->since = r->requeued_at > r->created_at ? r->requeued_at : r->created_at;
	if (r->requeued_at <= r->created_at)
		s->commit_ns = commit_memo_find(ob, r->hit_id, r->created_at);
	snprintf(s->hit_id, sizeof(s->hit_id), "%s", r->hit_id);
	/* the same webhook-id on every attempt; a fresh timestamp and signature */
	if (hook_post(ob, h, r->hit_id, ts, body, send_done_cb, s, err, sizeof(err)) < 0) {
		free(body);
		free(s);
		log_warnx("delivery %lld to %s: %s", (long long)r->id, h->name, err);
		return -1;
	}
	free(body); /* copied by the request */
	s->next = h->sends;
	h->sends = s;
	h->in_flight++;
	ob->in_flight++;
	hook_note_send(h, (int64_t)ts);
	return 0;
}

struct page {
	struct outbox *ob;
	struct hook *h;
	int64_t now;
	int rows, started;
};

static int
page_row_cb(const struct store_delivery_row *r, void *arg)
{
	struct page *p = arg;

	p->rows++;
	p->h->cur_due = r->next_at;
	p->h->cur_id = r->id;
	if (hook_is_sending(p->h, r->id))
		return 0;
	if (hook_send(p->ob, p->h, r, r->next_at > p->now) == 0)
		p->started++;
	return 0;
}

/*
 * Each webhook's share of OUTBOX_TOTAL: an equal part for each that may
 * send, so that webhooks that hang (accept and never answer) cannot hold
 * the slots of one that answers. Reserved rather than lent: a slot a
 * hanging webhook took would come back only at the timeout.
 */
static unsigned
outbox_share(const struct outbox *ob)
{
	unsigned n = 0, share;

	for (const struct hook *h = ob->hooks; h; h = h->next)
		if (!h->disabled && !h->removed)
			n++;
	share = n > 0 ? OUTBOX_TOTAL / n : OUTBOX_TOTAL;
	if (share > OUTBOX_PER_WEBHOOK)
		share = OUTBOX_PER_WEBHOOK;
	return share > 0 ? share : 1; /* more webhooks than slots: round robin */
}

static void digest_pump(struct outbox *ob, struct hook *h, int64_t now);

/* Send what is due for h, within its limits: its share, its window, the total. */
static void
hook_pump(struct outbox *ob, struct hook *h, int64_t now, unsigned share)
{
	char err[512];

	if (h->disabled || h->removed)
		return;
	/* a Retry-After pauses the whole webhook: its digests as its hits */
	if (h->paused_until > now) {
		outbox_pump_at(ob, h->paused_until - now);
		return;
	}
	if (hook_period_end(h, now, &(int64_t){0})) {
		digest_pump(ob, h, now);
		return;
	}
	if (h->window > 0 && h->window < share)
		share = h->window;
	/* an SMTP server counts connections: a burst of hits must not open fifty */
	if (h->mail != NULL && share > OUTBOX_PER_EMAIL)
		share = OUTBOX_PER_EMAIL;
	for (;;) {
		unsigned room = share > h->in_flight ? share - h->in_flight : 0;
		unsigned total = OUTBOX_TOTAL > ob->in_flight ? OUTBOX_TOTAL - ob->in_flight : 0;
		struct page p = {ob, h, now, 0, 0};
		int64_t next;
		int rc;

		if (total < room)
			room = total;
		if (h->max_per_minute > 0) {
			unsigned used = hook_recent(h, now);

			if (used >= h->max_per_minute) {
				/* over the rate: wait until the oldest send is a minute old */
				outbox_pump_at(ob, 1);
				return;
			}
			if (h->max_per_minute - used < room)
				room = h->max_per_minute - used;
		}
		if (room == 0)
			return; /* a request ending pumps again */
		if (room > OUTBOX_PAGE)
			room = OUTBOX_PAGE;
		rc = store_deliveries_due(ob->st, h->name, h->early ? INT64_MAX : now, h->cur_due,
		                          h->cur_id, (int)room, page_row_cb, &p, err, sizeof(err));
		if (rc != 0) {
			log_warnx("reading the outbox of %s: %s; trying again", h->name, err);
			outbox_pump_at(ob, 1);
			return;
		}
		if (p.rows == (int)room)
			continue; /* maybe more after this page */
		/* the sweep reached the end: start over from the first due next time */
		h->cur_due = h->cur_id = 0;
		h->early = 0;
		if (p.rows > 0 && p.started == 0)
			return; /* only what is in flight is due */
		if (store_delivery_next(ob->st, h->name, &next, err, sizeof(err)) == 1 &&
		    next > now)
			outbox_pump_at(ob, next - now);
		return;
	}
}

static void
outbox_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	int64_t now = now_s();
	struct hook *h;
	unsigned share, n = 0, start, i;

	(void)fd;
	(void)what;
	share = outbox_share(ob);
	/* each turn starts one hook further: with more webhooks than slots, each gets its turn */
	for (h = ob->hooks; h; h = h->next)
		n++;
	if (n == 0)
		return;
	start = ob->rr++ % n;
	for (h = ob->hooks, i = 0; i < start; i++)
		h = h->next;
	for (i = 0; i < n; i++) {
		hook_pump(ob, h, now, share);
		h = h->next != NULL ? h->next : ob->hooks;
	}
}

/*
 * An early attempt (SIGUSR1) failed: its answer is recorded, but the
 * delivery keeps the attempts and the next_at its schedule set.
 */
static void
outbox_early_failed(struct outbox *ob, const struct send *s, const char *why, long status)
{
	log_warnx(
	    "delivery of hit=%s to %s failed (%s): an early attempt, not counted: attempt %d still "
	    "due when the schedule says",
	    s->hit_id, s->hook->name, log_quote(why), s->attempts + 1);
	outbox_record(ob, s->id, "pending", -1, 0, status, why);
}

/* What a webhook's answer means: for a hit's delivery and a digest alike. */
enum hook_verdict {
	HOOK_RETRY, /* on the schedule, and not before *rawait */
	HOOK_GONE,  /* 410: the webhook is disabled; its deliveries stay pending */
	HOOK_DEAD,  /* a permanent refusal: dead now */
};

/*
 * The one place that reads a webhook's failed answer r (not a 2xx): why
 * (the error, or the status: with the receiver's first line when it is a
 * permanent refusal, and the Retry-After it waits for), *rawait (the
 * receiver's Retry-After, 0 when none), and what it does to the whole
 * webhook h: 410 disables it (recorded, logged, counted as gone), a
 * Retry-After pauses it. The caller records its deliveries' outcome.
 */
static enum hook_verdict
hook_judge(struct outbox *ob, struct hook *h, const struct http_response *r, int64_t now,
           int64_t *rawait, char *why, size_t whysz)
{
	long long ra;

	*rawait = 0;
	if (r->error != NULL)
		snprintf(why, whysz, "%s", r->error);
	else
		snprintf(why, whysz, "HTTP %ld", r->status);
	if (r->error == NULL && r->status == 410) {
		char err[512];

		/* gone: no more attempts until someone changes its configuration */
		h->disabled = 1;
		if (store_webhook_disable(ob->st, h->name, h->fingerprint, now, "410 Gone", err,
		                          sizeof(err)) != 0)
			log_err("webhook %s: cannot record that it is disabled: %s", h->name, err);
		log_warnx("webhook %s answered 410 Gone: disabled until its configuration changes",
		          h->name);
		ob->stats.webhook.gone++;
		return HOOK_GONE;
	}
	if (r->error == NULL && answer_permanent(r->status)) {
		char line[200];

		/* the same request will never be taken: dead now, with what the receiver said */
		answer_line(r->body != NULL ? r->body : "", r->body != NULL ? r->body_len : 0, line,
		            sizeof(line));
		if (line[0] != '\0')
			snprintf(why, whysz, "HTTP %ld: %s", r->status, line);
		return HOOK_DEAD;
	}
	if (r->error == NULL && (r->status == 429 || r->status == 503) && r->retry_after != NULL &&
	    http_retry_after(r->retry_after, (long long)now, &ra) == 0) {
		/*
		 * The receiver says when: the whole webhook waits (at most
		 * OUTBOX_RETRY_AFTER_MAX: a receiver cannot stop alerts for a day).
		 * The attempt still counts, as any failure's does: the caller
		 * waits for the later of Retry-After and its own back-off,
		 * and is dead after the last retry (a receiver answering 429,
		 * Retry-After: 2 for ever was asked every 2 s, without end).
		 */
		*rawait = ra > OUTBOX_RETRY_AFTER_MAX ? OUTBOX_RETRY_AFTER_MAX : ra;
		if (now + *rawait > h->paused_until)
			h->paused_until = now + *rawait;
		snprintf(why + strlen(why), whysz - strlen(why), ", Retry-After %llds",
		         (long long)*rawait);
	}
	return HOOK_RETRY;
}

static void
send_done_cb(const struct http_response *r, void *arg)
{
	struct send *s = arg;
	struct outbox *ob = s->ob;
	struct hook *h = s->hook;
	int64_t now = now_s(), wait, rawait = 0;
	int attempts = s->attempts + 1;
	char why[800]; /* the refused recipients' lines */

	send_end(s);
	if (r->timed_out && h->window != 1) {
		/* every further request would hold a slot for the whole timeout too */
		if (h->window == 0)
			log_warnx("webhook %s did not answer within %d s: one request at a time "
			          "until it answers",
			          h->name, OUTBOX_TIMEOUT_MS / 1000);
		h->window = 1;
	}
	if (r->error == NULL && r->status >= 200 && r->status < 300) {
		log_info("delivered hit=%s webhook=%s status=%ld in %.2fs%s", s->hit_id, h->name,
		         r->status, r->seconds, r->body_cut ? " (a long answer, not read)" : "");
		if (h->window > 0 && (h->window *= 2) >= OUTBOX_PER_WEBHOOK) {
			h->window = 0;
			log_info("webhook %s answers again: its full share of requests at once",
			         h->name);
		}
		outbox_record(ob, s->id, "sent", attempts, now, r->status, NULL);
		ob->stats.webhook.sent++;
		hist_observe(&ob->stats.delivery_seconds, send_latency(s, now));
		return;
	}
	switch (hook_judge(ob, h, r, now, &rawait, why, sizeof(why))) {
	case HOOK_GONE:
		outbox_record(ob, s->id, "pending", s->attempts, now, r->status, "410 Gone");
		return;
	case HOOK_DEAD:
		log_warnx("delivery of hit=%s to %s: %s: dead, a permanent refusal (hark redeliver "
		          "%lld)",
		          s->hit_id, h->name, log_quote(why), (long long)s->id);
		outbox_record(ob, s->id, "dead", attempts, now, r->status, why);
		ob->stats.webhook.dead++;
		return;
	default:
		break;
	}
	if (s->early) {
		outbox_early_failed(ob, s, why, r->status);
		ob->stats.webhook.failed++;
		return;
	}
	if (attempts > OUTBOX_RETRIES) {
		log_warnx(
		    "delivery of hit=%s to %s failed %d times (%s): dead (hark redeliver %lld)",
		    s->hit_id, h->name, attempts, log_quote(why), (long long)s->id);
		outbox_record(ob, s->id, "dead", attempts, now, r->status, why);
		ob->stats.webhook.dead++;
		return;
	}
	wait = jitter(schedule[attempts - 1]);
	if (rawait > wait)
		wait = rawait;
	log_warnx("delivery of hit=%s to %s failed (%s): attempt %d, next in %llds", s->hit_id,
	          h->name, log_quote(why), attempts, (long long)wait);
	outbox_record(ob, s->id, "pending", attempts, now + wait, r->status, why);
	ob->stats.webhook.failed++;
	/* s is freed, and the pump runs, once the outcome is written (outbox_flush_cb) */
}

/* ---- digests ---- */

/*
 * A digest's answer: the same outcome for every delivery of its period.
 * rawait: the receiver's Retry-After (hook_judge), 0 when none; a retry
 * waits for the later of it and the schedule's step.
 */
static void
digest_done(struct send *s, const struct http_response *r, enum outbox_mail_verdict v,
            const char *why, int64_t rawait)
{
	struct outbox *ob = s->ob;
	struct hook *h = s->hook;
	int64_t now = now_s(), wait = 0;
	int attempts = s->attempts + 1;
	const char *state = "pending";
	/* one attempt for the whole digest, counted by the kind of its destination */
	struct outbox_attempts *at = h->mail != NULL ? &ob->stats.email : &ob->stats.webhook;

	if (v == OUTBOX_MAIL_SENT) {
		log_info("delivered digest=%s %s=%s hits=%zu status=%ld in %.2fs", s->hit_id,
		         h->mail != NULL ? "email" : "webhook", h->name, s->ngroup, r->status,
		         r->seconds);
		state = "sent";
		at->sent++;
		if (why[0] != '\0')
			log_warnx("digest %s to %s: %s: not tried again (the others have it)",
			          s->hit_id, h->name, log_quote(why));
	} else if (v != OUTBOX_MAIL_DEAD && s->early) {
		log_warnx("digest %s of %zu hit%s to %s failed (%s): an early attempt, not "
		          "counted: attempt "
		          "%d still due when the schedule says",
		          s->hit_id, s->ngroup, s->ngroup == 1 ? "" : "s", h->name, log_quote(why),
		          attempts);
		at->failed++;
		attempts = -1; /* each keeps its attempts and next_at */
	} else if (v == OUTBOX_MAIL_DEAD || attempts > OUTBOX_RETRIES) {
		log_warnx("digest %s of %zu hit%s to %s: %s: dead (hark redeliver %lld...)",
		          s->hit_id, s->ngroup, s->ngroup == 1 ? "" : "s", h->name, log_quote(why),
		          (long long)s->id);
		state = "dead";
		at->dead++;
	} else {
		wait = jitter(schedule[attempts - 1]);
		if (rawait > wait)
			wait = rawait;
		log_warnx("digest %s of %zu hit%s to %s failed (%s): attempt %d, next in %llds",
		          s->hit_id, s->ngroup, s->ngroup == 1 ? "" : "s", h->name, log_quote(why),
		          attempts, (long long)wait);
		at->failed++;
	}
	for (size_t i = 0; i < s->ngroup; i++)
		outbox_record(ob, s->group[i], state, attempts, now + wait, r->status,
		              why[0] != '\0' ? why : NULL);
}

/* The deliveries of one digest, read from the store: all ids, the first hits whole. */
struct digest_read {
	int64_t *ids;
	size_t n, cap;
	char **hits; /* owned, the first MAIL_DIGEST_MAX */
	size_t nhits;
	struct mail_digest_rule *rules; /* owned; id and name owned */
	size_t nrules;
	int attempts;
	int64_t min_next; /* the earliest next_at of them: none due yet makes an early attempt */
	int oom;
};

static int
digest_row_cb(const struct store_delivery_row *r, void *arg)
{
	struct digest_read *d = arg;
	const char *rid = r->rule_id != NULL ? r->rule_id : "?", *rname = NULL;
	json_t *o = NULL;
	size_t k;

	if (d->n == d->cap) {
		size_t nc = d->cap ? 2 * d->cap : 64;
		int64_t *ni = realloc(d->ids, nc * sizeof(*ni));

		if (ni == NULL)
			goto oom;
		d->ids = ni;
		d->cap = nc;
	}
	if (d->n == 0 || r->next_at < d->min_next)
		d->min_next = r->next_at;
	d->ids[d->n++] = r->id;
	if (r->attempts > d->attempts)
		d->attempts = r->attempts;
	if (d->nhits < MAIL_DIGEST_MAX) {
		if (d->hits == NULL &&
		    (d->hits = calloc(MAIL_DIGEST_MAX, sizeof(*d->hits))) == NULL)
			goto oom;
		if ((d->hits[d->nhits] = strdup(r->hit_json)) == NULL)
			goto oom;
		d->nhits++;
	}
	for (k = 0; k < d->nrules && strcmp(d->rules[k].id, rid) != 0; k++)
		;
	if (k == d->nrules) {
		struct mail_digest_rule *nr = realloc(d->rules, (k + 1) * sizeof(*nr));

		/* a rule's name from its first hit: the other hits are not parsed (100,000 of them)
		 */
		o = json_loads(r->hit_json, 0, NULL);
		rname = json_string_value(json_object_get(json_object_get(o, "rule"), "name"));
		if (nr == NULL)
			goto oom;
		d->rules = nr;
		nr[k].id = strdup(rid);
		nr[k].name = rname != NULL ? strdup(rname) : NULL;
		nr[k].count = 0;
		d->nrules++;
		if (nr[k].id == NULL)
			goto oom;
	}
	d->rules[k].count++;
	json_decref(o);
	return 0;
oom:
	json_decref(o);
	d->oom = 1;
	return 1;
}

static void
digest_read_free(struct digest_read *d)
{
	for (size_t i = 0; i < d->nhits; i++)
		free(d->hits[i]);
	free(d->hits);
	for (size_t i = 0; i < d->nrules; i++) {
		free((char *)d->rules[i].id);
		free((char *)d->rules[i].name);
	}
	free(d->rules);
	free(d->ids);
}

/* Most hits first; then by id, so that the subject is the same on every attempt. */
static int
rule_cmp(const void *a, const void *b)
{
	const struct mail_digest_rule *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void webhook_digest_cb(const struct http_response *r, void *arg);

/* The next body of a webhook's digest s: a POST signed as any request. */
static int
webhook_digest_part(struct outbox *ob, struct send *s, char *err, size_t errsz)
{
	char wid[128];

	/* the same id on every attempt of this part of this digest */
	snprintf(wid, sizeof(wid), "digest_%s_%lld_%zu", s->hit_id, (long long)s->id, s->part);
	return hook_post(ob, s->hook, wid, (long long)now_s(), s->parts[s->part], webhook_digest_cb,
	                 s, err, errsz);
}

/* A webhook's digest g: its bodies rendered, the first one sent. */
static int
webhook_digest_start(struct outbox *ob, struct hook *h, struct send *s, const struct mail_digest *g,
                     char *err, size_t errsz)
{
	struct payload_digest pd = {g->start, g->end, g->hits, g->nhits, g->total, h->base_url};
	int n = payload_render_digest(h->format, &pd, h->topic, &s->parts, err, errsz);

	if (n < 0)
		return -1;
	s->nparts = (size_t)n;
	s->part = 0;
	if (strcmp(h->dparts.period, s->hit_id) == 0 && h->dparts.first == s->id &&
	    h->dparts.ngroup == s->ngroup && h->dparts.nparts == s->nparts && h->dparts.taken > 0 &&
	    h->dparts.taken < s->nparts) {
		s->part = h->dparts.taken;
		log_info("digest %s of %s: parts 1 to %zu of %zu were taken: from part %zu",
		         s->hit_id, h->name, s->part, s->nparts, s->part + 1);
	} else {
		snprintf(h->dparts.period, sizeof(h->dparts.period), "%s", s->hit_id);
		h->dparts.first = s->id;
		h->dparts.ngroup = s->ngroup;
		h->dparts.nparts = s->nparts;
		h->dparts.taken = 0;
	}
	return webhook_digest_part(ob, s, err, errsz);
}

/* A webhook answered a part of a digest: the next part, or the digest's outcome. */
static void
webhook_digest_cb(const struct http_response *r, void *arg)
{
	struct send *s = arg;
	char why[300], err[256];
	enum outbox_mail_verdict v = OUTBOX_MAIL_RETRY;
	int64_t now = now_s(), rawait = 0;

	if (r->error == NULL && r->status >= 200 && r->status < 300) {
		s->hook->dparts.taken = s->part + 1; /* not sent again by a retry */
		if (++s->part < s->nparts) {
			if (webhook_digest_part(s->ob, s, err, sizeof(err)) == 0)
				return;
			snprintf(why, sizeof(why), "%s", err);
		} else {
			v = OUTBOX_MAIL_SENT;
			why[0] = '\0'; /* taken whole: nothing to report */
		}
	} else {
		/* read as a hit's delivery's answer is: 410, permanent refusals, Retry-After */
		switch (hook_judge(s->ob, s->hook, r, now, &rawait, why, sizeof(why))) {
		case HOOK_GONE:
			/* held as a hit's delivery is: pending, sent once the webhook is enabled */
			send_end(s);
			for (size_t i = 0; i < s->ngroup; i++)
				outbox_record(s->ob, s->group[i], "pending", s->attempts, now,
				              r->status, "410 Gone");
			return;
		case HOOK_DEAD:
			v = OUTBOX_MAIL_DEAD;
			break;
		case HOOK_RETRY:
			break;
		}
	}
	/* a failure sends the parts not taken at the next attempt (hook.dparts) */
	send_end(s);
	digest_done(s, r, v, why, rawait);
}

struct first_due {
	struct outbox *ob;
	struct hook *h;
	int64_t now, period, id;
	int found;
};

static int
first_due_cb(const struct store_delivery_row *r, void *arg)
{
	struct first_due *f = arg;

	f->found = 1;
	f->period = r->period;
	f->id = r->id;
	/* queued before the digest was configured: no period, sent on its own */
	if (r->period == 0)
		hook_send(f->ob, f->h, r, r->next_at > f->now);
	return 0;
}

/*
 * A destination with a digest: when a period's deliveries are due (its
 * end came, or SIGUSR1, or their retry), one message with all of them.
 * One digest at a time; the pump comes back when its outcome is written.
 *
 * SIGUSR1 sweeps every pending digest, one after the other in the order
 * of their periods, due or not, each with all its deliveries so far: the
 * cursor (cur_due: the period, cur_id) is where the sweep is, so that a
 * digest whose early attempt failed (it keeps its next_at) is not read
 * again by the same sweep. The sweep ends when none is left after it.
 */
static void
digest_pump(struct outbox *ob, struct hook *h, int64_t now)
{
	struct first_due f = {ob, h, now, 0, 0, 0};
	struct digest_read d = {0};
	struct mail_digest g = {0};
	char err[512], id[96];
	struct send *s;
	int64_t next, min_id, upto = h->early ? INT64_MAX : now;
	int fatal, rc;

	if (h->in_flight > 0)
		return;
	rc = h->early ? store_digest_next(ob->st, h->name, h->cur_due, h->cur_id, first_due_cb, &f,
	                                  err, sizeof(err))
	              : store_deliveries_due(ob->st, h->name, now, 0, 0, 1, first_due_cb, &f, err,
	                                     sizeof(err));
	if (rc != 0) {
		log_warnx("reading the outbox of %s: %s; trying again", h->name, err);
		outbox_pump_at(ob, 1);
		return;
	}
	if (!f.found && h->early) {
		/* the sweep is over: what is due now goes as usual */
		h->early = 0;
		h->cur_due = h->cur_id = 0;
		digest_pump(ob, h, now);
		return;
	}
	if (!f.found) {
		if (store_delivery_next(ob->st, h->name, &next, err, sizeof(err)) == 1 &&
		    next > now)
			outbox_pump_at(ob, next - now);
		return;
	}
	if (h->early && f.period == 0) {
		h->cur_id = f.id; /* period 0: the next row alone */
		return;
	}
	if (f.period == 0)
		return; /* sent alone by first_due_cb; the pump comes back when it ends */
	if (store_digest_rows(ob->st, h->name, f.period, upto, digest_row_cb, &d, err,
	                      sizeof(err)) != 0 ||
	    d.oom || d.n == 0) {
		log_warnx("reading the digest of %s: %s; trying again", h->name,
		          d.oom      ? "out of memory"
		          : d.n == 0 ? "no delivery"
		                     : err);
		digest_read_free(&d);
		outbox_pump_at(ob, 1);
		return;
	}
	qsort(d.rules, d.nrules, sizeof(*d.rules), rule_cmp);
	min_id = d.ids[0];
	for (size_t i = 1; i < d.n; i++)
		if (d.ids[i] < min_id)
			min_id = d.ids[i];
	/* the period and its first delivery: the same mail on every attempt */
	snprintf(id, sizeof(id), "digest.%lld.%lld", (long long)f.period, (long long)min_id);
	g.end = f.period < now ? f.period : now;
	g.start = hook_period_start(h, f.period);
	g.hits = (const char *const *)d.hits;
	g.nhits = d.nhits;
	g.rules = d.rules;
	g.nrules = d.nrules;
	g.total = d.n;
	g.id = id;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		digest_read_free(&d);
		outbox_pump_at(ob, 1);
		return;
	}
	s->hook = h;
	s->ob = ob;
	s->id = min_id;
	s->attempts = d.attempts;
	s->early = d.min_next > now;
	s->since = now;
	snprintf(s->hit_id, sizeof(s->hit_id), "%lld", (long long)f.period);
	s->group = d.ids;
	s->ngroup = d.n;
	d.ids = NULL;
	if ((h->mail != NULL ? outbox_mail_send_digest(ob->http, h->mail, &g, now, mail_done_cb, s,
	                                               &fatal, err, sizeof(err))
	                     : webhook_digest_start(ob, h, s, &g, err, sizeof(err))) < 0) {
		log_warnx("digest of %s: %s; trying again", h->name, err);
		send_free(s);
		digest_read_free(&d);
		outbox_pump_at(ob, 5);
		return;
	}
	log_info("digest %lld of %s: %zu hit%s", (long long)f.period, h->name, s->ngroup,
	         s->ngroup == 1 ? "" : "s");
	digest_read_free(&d);
	if (h->early) {
		h->cur_due = f.period; /* the sweep goes on with the next period */
		h->cur_id = INT64_MAX;
	}
	s->next = h->sends;
	h->sends = s;
	h->in_flight++;
	ob->in_flight++;
}

/*
 * An [email] answered: 2xx sent; 5xx dead at once with the server's line;
 * anything else (4xx, no connection, TLS refused) again on the schedule.
 */
static void
mail_done_cb(const struct http_response *r, void *arg)
{
	struct send *s = arg;
	struct outbox *ob = s->ob;
	struct hook *h = s->hook;
	int64_t now = now_s(), wait;
	int attempts = s->attempts + 1;
	char why[300];
	enum outbox_mail_verdict v = outbox_mail_judge(r, why, sizeof(why));

	send_end(s);
	if (s->group != NULL) {
		digest_done(s, r, v, why, 0);
		return;
	}
	if (v == OUTBOX_MAIL_SENT) {
		log_info("delivered hit=%s email=%s status=%ld in %.2fs", s->hit_id, h->name,
		         r->status, r->seconds);
		if (why[0] != '\0')
			log_warnx(
			    "delivery of hit=%s to %s: %s: not tried again (the others have it)",
			    s->hit_id, h->name, log_quote(why));
		outbox_record(ob, s->id, "sent", attempts, now, r->status, why[0] ? why : NULL);
		ob->stats.email.sent++;
		hist_observe(&ob->stats.delivery_seconds, send_latency(s, now));
		return;
	}
	if (v != OUTBOX_MAIL_DEAD && s->early) {
		outbox_early_failed(ob, s, why, r->status);
		ob->stats.email.failed++;
		return;
	}
	if (v == OUTBOX_MAIL_DEAD || attempts > OUTBOX_RETRIES) {
		log_warnx("delivery of hit=%s to %s: %s: dead (hark redeliver %lld)", s->hit_id,
		          h->name, log_quote(why), (long long)s->id);
		outbox_record(ob, s->id, "dead", attempts, now, r->status, why);
		ob->stats.email.dead++;
		return;
	}
	wait = jitter(schedule[attempts - 1]);
	log_warnx("delivery of hit=%s to %s failed (%s): attempt %d, next in %llds", s->hit_id,
	          h->name, log_quote(why), attempts, (long long)wait);
	outbox_record(ob, s->id, "pending", attempts, now + wait, r->status, why);
	ob->stats.email.failed++;
}

struct outbox *
outbox_new(struct event_base *base, struct store *st, struct http *http, char *err, size_t errsz)
{
	struct outbox *ob = calloc(1, sizeof(*ob));

	if (ob == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	ob->base = base;
	ob->st = st;
	ob->http = http;
	ob->updates_tail = &ob->updates;
	/* without it the latencies are whole seconds, as after a restart */
	ob->memo = calloc(COMMIT_MEMO, sizeof(*ob->memo));
	hist_init(&ob->stats.delivery_seconds, hist_bounds_delivery, hist_nbounds_delivery);
	ob->ev_pump = evtimer_new(base, outbox_pump_cb, ob);
	ob->ev_flush = evtimer_new(base, outbox_flush_cb, ob);
	if (ob->ev_pump == NULL || ob->ev_flush == NULL) {
		snprintf(err, errsz, "cannot create events");
		outbox_free(ob);
		return NULL;
	}
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	/* write what is known; in-flight requests stay pending and are sent again */
	if (ob->ev_flush != NULL)
		outbox_flush_cb(-1, 0, ob);
	while (ob->hooks != NULL) {
		struct hook *h = ob->hooks;

		ob->hooks = h->next;
		while (h->sends != NULL) {
			struct send *s = h->sends;

			h->sends = s->next;
			send_free(s);
		}
		hook_free(h);
	}
	while (ob->updates != NULL) {
		struct update *u = ob->updates;

		ob->updates = u->next;
		free(u->error);
		free(u);
	}
	if (ob->ev_pump)
		event_free(ob->ev_pump);
	if (ob->ev_flush)
		event_free(ob->ev_flush);
	free(ob->memo);
	free(ob);
}

/* What names a webhook's configuration: a change re-enables it after a 410. */
static void
hook_fingerprint(const struct conf_webhook *w, char out[65])
{
	struct sha256 s;
	unsigned char d[SHA256_LEN];
	static const char hex[] = "0123456789abcdef";
	const char *parts[] = {w->url, w->format, w->secret ? w->secret : "",
	                       w->topic ? w->topic : ""};

	sha256_init(&s);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		sha256_update(&s, parts[i], strlen(parts[i]) + 1);
	sha256_final(&s, d);
	for (size_t i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

static struct hook *
hook_new(struct outbox *ob, const struct conf_webhook *w, const char *base_url, char *err,
         size_t errsz)
{
	struct hook *h = calloc(1, sizeof(*h));
	char why[128];
	int64_t since;
	int rc;

	if (h == NULL)
		goto nomem;
	h->name = strdup(w->name);
	h->url = strdup(w->url);
	h->topic = w->topic ? strdup(w->topic) : NULL;
	if (base_url != NULL && *base_url != '\0' && (h->base_url = strdup(base_url)) == NULL)
		goto nomem;
	h->rules = calloc(w->nrules ? w->nrules : 1, sizeof(*h->rules));
	if (h->name == NULL || h->url == NULL || (w->topic && h->topic == NULL) || h->rules == NULL)
		goto nomem;
	for (size_t i = 0; i < w->nrules; i++) {
		if ((h->rules[i] = strdup(w->rules[i])) == NULL)
			goto nomem;
		h->nrules++;
	}
	if (payload_format_parse(w->format, &h->format) < 0) {
		snprintf(err, errsz, "webhook %s: unknown format '%s'", w->name, w->format);
		hook_free(h);
		return NULL;
	}
	if (w->secret != NULL &&
	    (h->keylen = whsig_secret_decode(w->secret, h->key, sizeof(h->key))) < 0) {
		/* never the secret itself in a message */
		snprintf(err, errsz, "webhook %s: the secret is not whsec_ and base64", w->name);
		hook_free(h);
		return NULL;
	}
	if (h->keylen < 0)
		h->keylen = 0;
	h->max_per_minute = w->max_per_minute;
	if (digest_parse(w->digest != NULL ? w->digest : "no", &h->digest, why, sizeof(why)) < 0) {
		snprintf(err, errsz, "webhook %s: digest %s", w->name, why);
		hook_free(h);
		return NULL;
	}
	if (h->max_per_minute > 0 &&
	    (h->sent_at = calloc(h->max_per_minute, sizeof(*h->sent_at))) == NULL)
		goto nomem;
	hook_fingerprint(w, h->fingerprint);
	rc = store_webhook_disabled(ob->st, h->name, h->fingerprint, &since, why, sizeof(why), err,
	                            errsz);
	if (rc < 0) {
		hook_free(h);
		return NULL;
	}
	if (rc == 1) {
		h->disabled = 1;
		log_warnx("webhook %s stays disabled (%s): change its configuration to enable it",
		          h->name, why);
	}
	return h;
nomem:
	snprintf(err, errsz, "out of memory");
	hook_free(h);
	return NULL;
}

/* A hook for an [email] destination: no key, no rate limit, never disabled by a 410. */
static struct hook *
hook_new_mail(const struct conf_email *m, const char *base_url, char *err, size_t errsz)
{
	struct hook *h = calloc(1, sizeof(*h));

	if (h == NULL)
		goto nomem;
	h->name = strdup(m->name);
	h->url = strdup(m->smtp);
	h->rules = calloc(m->nrules ? m->nrules : 1, sizeof(*h->rules));
	if (h->name == NULL || h->url == NULL || h->rules == NULL)
		goto nomem;
	for (size_t i = 0; i < m->nrules; i++) {
		if ((h->rules[i] = strdup(m->rules[i])) == NULL)
			goto nomem;
		h->nrules++;
	}
	if ((h->mail = outbox_mail_new(m, base_url, err, errsz)) == NULL) {
		hook_free(h);
		return NULL;
	}
	outbox_mail_fingerprint(h->mail, h->fingerprint);
	return h;
nomem:
	snprintf(err, errsz, "out of memory");
	hook_free(h);
	return NULL;
}

/*
 * A reload keeps what the webhook of the same name was doing: its requests
 * in flight (else the next page sends them a second time while the first
 * is still waiting for an answer), its Retry-After pause and the sends of
 * its last minute (else every SIGHUP would reopen max_per_minute).
 */
/* Two settings alike, either or both unset (NULL). */
static int
hook_same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
hook_carry(struct hook *old, struct hook *h)
{
	struct send **tail = &h->sends;

	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = old->sends;
	for (struct send *s = old->sends; s != NULL; s = s->next)
		s->hook = h;
	old->sends = NULL;
	h->in_flight += old->in_flight;
	old->in_flight = 0;
	if (old->paused_until > h->paused_until)
		h->paused_until = old->paused_until;
	h->window = old->window;
	/* a SIGUSR1 sweep under way goes on where it was */
	h->early = old->early;
	h->cur_due = old->cur_due;
	h->cur_id = old->cur_id;
	/*
	 * The parts of a digest the receiver took: not sent again after a
	 * reload, when the parts go to the same place and read the same
	 * (a new address, topic, format or base_url sends them all anew).
	 */
	if (hook_same_str(old->url, h->url) && hook_same_str(old->topic, h->topic) &&
	    hook_same_str(old->base_url, h->base_url) && old->format == h->format)
		h->dparts = old->dparts;
	/* oldest first, so that the newest stay when the new ring is smaller */
	for (unsigned k = 0; old->sent_at != NULL && k < old->sent_n; k++)
		hook_note_send(
		    h, old->sent_at[(old->sent_head + old->max_per_minute - old->sent_n + k) %
		                    old->max_per_minute]);
}

int
outbox_configure(struct outbox *ob, const struct conf *c, char *err, size_t errsz)
{
	struct hook *fresh = NULL, **tail = &fresh;

	for (size_t i = 0; i < c->nwebhooks + c->nemails; i++) {
		struct hook *h =
		    i < c->nwebhooks
		        ? hook_new(ob, &c->webhooks[i], c->http.base_url, err, errsz)
		        : hook_new_mail(&c->emails[i - c->nwebhooks], c->http.base_url, err, errsz);

		if (h == NULL) {
			while (fresh) {
				struct hook *n = fresh->next;

				hook_free(fresh);
				fresh = n;
			}
			return -1;
		}
		*tail = h;
		tail = &h->next;
	}
	/* the old hooks: freed now, or when their last request ends */
	while (ob->hooks != NULL) {
		struct hook *h = ob->hooks, *f;

		ob->hooks = h->next;
		for (f = fresh; f != NULL && strcmp(f->name, h->name) != 0; f = f->next)
			;
		if (f != NULL)
			hook_carry(h, f);
		if (h->sends != NULL) {
			h->removed = 1;
			h->next = NULL;
			*tail = h;
			tail = &h->next;
		} else {
			hook_free(h);
		}
	}
	ob->hooks = fresh;
	/*
	 * What no destination of c can send is no work pending: cancelled,
	 * kept as a record. A destination configured again later under the
	 * same name takes its new hits; the cancelled ones stay cancelled (it
	 * may be another receiver now, and they are old news): hark redeliver
	 * sends one again when asked. A failure is tried at the next reload.
	 */
	if (store_deliveries_orphan(ob->st, conf_has_dest, (void *)c, orphan_log, NULL, err,
	                            errsz) != 0)
		log_warnx("cancelling the deliveries of removed webhooks: %s; tried again at the "
		          "next reload",
		          err);
	outbox_kick(ob);
	return 0;
}

static int
hook_takes(const struct hook *h, const struct rule *rule)
{
	if (rule->nnotify > 0) {
		for (size_t i = 0; i < rule->nnotify; i++)
			if (strcmp(rule->notify[i], h->name) == 0)
				return 1;
		return 0; /* "none", or other webhooks */
	}
	for (size_t i = 0; i < h->nrules; i++)
		if (fnmatch(h->rules[i], rule->id, 0) == 0)
			return 1;
	return 0;
}

int
outbox_route(struct outbox *ob, const struct rule *rule, const char *hit_id, int64_t now, char *err,
             size_t errsz)
{
	int n = 0, rc;

	/*
	 * A muted rule's hit makes no delivery of any kind, here where every
	 * delivery is made: it is stored, and never sent, not even after the
	 * mute ends (hark mute; the mutes table, read through the writer in
	 * the hit's transaction, so that a mute needs no reload).
	 */
	if ((rc = store_mute_get(ob->st, rule->id, now, NULL, err, errsz)) != 0)
		return rc < 0 ? rc : 0;
	for (struct hook *h = ob->hooks; h; h = h->next) {
		if (h->removed || !hook_takes(h, rule))
			continue;
		int64_t end;

		/* a digest's deliveries wait for the end of their period */
		if (hook_period_end(h, now, &end))
			rc = store_delivery_add_digest(ob->st, hit_id, h->name, now, end, err,
			                               errsz);
		else
			rc = store_delivery_add(ob->st, hit_id, h->name, now, err, errsz);
		if (rc < 0)
			return rc;
		n += rc;
	}
	if (n > 0 && ob->memo != NULL) {
		struct commit_memo *m = &ob->memo[ob->memo_head++ % COMMIT_MEMO];

		snprintf(m->hit_id, sizeof(m->hit_id), "%s", hit_id);
		m->wall = now;
		m->mono_ns = 0;
	}
	return n;
}

/*
 * SIGUSR1: each destination sweeps its pending deliveries from the first,
 * due or not; those not yet due go as early attempts (struct send.early).
 * Nothing is written: the schedule's next_at stays where it was.
 */
void
outbox_retry_all(struct outbox *ob)
{
	for (struct hook *h = ob->hooks; h; h = h->next) {
		h->paused_until = 0;
		h->early = 1;
		h->cur_due = h->cur_id = 0;
	}
	outbox_kick(ob);
}

unsigned
outbox_in_flight(const struct outbox *ob)
{
	return ob->in_flight;
}

void
outbox_stats(const struct outbox *ob, struct outbox_stats *s)
{
	*s = ob->stats;
}
