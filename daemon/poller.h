/*
 * poller.h: polling the configured feeds. Each feed is polled at start-up,
 * then every interval (with jitter, so that they spread), and all at once
 * on SIGUSR1; politely (conditional requests with the stored ETag and
 * Last-Modified, compression, bounded concurrency) and carefully (301/308
 * remembered, 410 stops polling until the url changes, 429/503 honour
 * Retry-After, other failures back off exponentially, private addresses
 * refused unless allow_private). The back-off counts failures over time: a
 * poll forced before its time (SIGUSR1, a start) that fails keeps the
 * failures and the next poll. A body goes to the intake, whose commit
 * stores its new items; then the feed's state is written.
 */
#ifndef HARK_POLLER_H
#define HARK_POLLER_H

#include <event2/event.h>

#include "conf.h"
#include "http.h"
#include "intake.h"
#include "store.h"

#define POLLER_MAX_ACTIVE 64 /* polls at once */
#define POLLER_MAX_REDIRECTS 5
#define POLLER_BACKOFF_MAX (6 * 3600) /* seconds; harkd(8) FEEDS, README */

struct poller;

/* st, http and in stay the caller's and must outlive the poller. NULL with err. */
struct poller *poller_new(struct event_base *base, struct store *st, struct http *http,
                          struct intake *in, char *err, size_t errsz);
void poller_free(struct poller *p);
/*
 * Take the feeds of c: new ones are polled now, removed ones forgotten (a
 * poll under way ends first), a changed url starts over (a 410 is
 * forgotten). Returns 0, -1 with err.
 */
int poller_configure(struct poller *p, const struct conf *c, char *err, size_t errsz);
/* SIGUSR1: every feed not gone, now. */
void poller_poll_all(struct poller *p);

/* Polls since start by outcome, for GET /metrics (ok: stored or not modified). */
struct poller_stats {
	unsigned long ok, failed, gone;
};
void poller_stats(const struct poller *p, struct poller_stats *s);

#endif
