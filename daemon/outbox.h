/*
 * outbox.h: webhook and email deliveries. Every alerted hit gets a delivery
 * row per destination ([webhook], or [email]: outbox_mail.h) that takes its
 * rule, in the transaction that stores the hit (outbox_route); a
 * destination with a digest gets it due at the end of the period. The
 * outbox then sends due deliveries a page at a time from the database
 * (never all in memory), with bounded concurrency per destination (an
 * equal share each) and overall, signs each attempt afresh, and records
 * the outcome: sent, retried on the schedule of CLI.md, or dead. A
 * digest's deliveries go in one message and share its outcome.
 */
#ifndef HARK_OUTBOX_H
#define HARK_OUTBOX_H

#include <event2/event.h>
#include <stdint.h>

#include "conf.h"
#include "hist.h"
#include "http.h"
#include "ruleset.h"
#include "store.h"

/*
 * At most this many requests at once to one webhook, and over all of them;
 * each webhook's share is OUTBOX_TOTAL divided by the number of webhooks
 * (outbox_share), and 1 while its requests time out.
 */
#define OUTBOX_PER_WEBHOOK 50
#define OUTBOX_TOTAL 200
/* At most this many messages at once to one [email] destination. */
#define OUTBOX_PER_EMAIL 4
/* Retries after the first attempt, then the delivery is dead. */
#define OUTBOX_RETRIES 9

struct outbox;

/* st and http stay the caller's and must outlive the outbox. NULL with err. */
struct outbox *outbox_new(struct event_base *base, struct store *st, struct http *http, char *err,
                          size_t errsz);
/* Stop: in-flight requests are abandoned (they stay pending in the database). */
void outbox_free(struct outbox *ob);

/*
 * Take the webhooks of c (at start and after each reload). A webhook whose
 * configuration changed since it answered 410 is enabled again. The
 * pending deliveries of a webhook or email c no longer has are cancelled
 * (store_deliveries_orphan; logged), and its 410 forgotten. Returns 0,
 * -1 with err (a secret that does not decode: conf.c checks it first).
 */
int outbox_configure(struct outbox *ob, const struct conf *c, char *err, size_t errsz);

/*
 * Inside the transaction that stores hit_id: a delivery for each webhook
 * that takes rule (its notify names, else the webhooks whose rules globs
 * match its id), due at now; none while the rule is muted (store_mute_get).
 * Returns how many, -1 or STORE_BUSY.
 */
int outbox_route(struct outbox *ob, const struct rule *rule, const char *hit_id, int64_t now,
                 char *err, size_t errsz);

/* Deliveries were just committed, or became due: look at the outbox now. */
void outbox_kick(struct outbox *ob);
/*
 * What hark redeliver and POST .../retry say of delivery id, left for the
 * digest of dest that ends at end (store_delivery_redeliver's 3): "delivery
 * 39 is held for the digest of 08:00 (daily): sent then", in buf.
 */
void outbox_held_say(const struct conf *c, int64_t id, const char *dest, int64_t end, char *buf,
                     size_t sz);
/*
 * hark redeliver and POST .../retry: store_delivery_redeliver() of a
 * delivery whose webhook or email c still has. Its codes, and 4 with what
 * to say in err when c has no such destination (no longer in hark.conf:
 * nothing could send it).
 */
int outbox_redeliver(struct store *st, const struct conf *c, int64_t id, int64_t now, bool sent_too,
                     int64_t *held, char *dest, size_t destsz, char *err, size_t errsz);
/* SIGUSR1: every pending delivery of an enabled webhook is due now. */
void outbox_retry_all(struct outbox *ob);
/* Requests under way, and those ended whose outcome is not written yet. */
unsigned outbox_in_flight(const struct outbox *ob);

/*
 * Since start, for GET /metrics: attempts by outcome, apart for webhooks
 * and [email] destinations (a digest is one attempt, of its destination's
 * kind), and commit-to-accepted of single deliveries of either kind.
 */
struct outbox_attempts {
	unsigned long sent, failed, gone, dead; /* failed: to be tried again; gone: webhooks' 410 */
};
struct outbox_stats {
	struct outbox_attempts webhook, email;
	struct hist delivery_seconds;
};
void outbox_stats(const struct outbox *ob, struct outbox_stats *s);

#endif
