/*
 * page_ops.h: the operators' pages harkd serves (HTTP.md): /feeds and
 * /deliveries, rendered from plain values as page.h's are (data in, bytes
 * out, no I/O; every value is stranger text and goes out through
 * page_text or page_url).
 */
#ifndef HARK_PAGE_OPS_H
#define HARK_PAGE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"

/* One feed of hark status --json, flattened. Strings borrowed; NULL: none. */
struct page_feed_row {
	const char *name, *url;
	const char *last_ok;    /* RFC 3339; NULL: never */
	const char *last_error; /* text from the network; NULL: the last poll went well */
	const char *next_poll;  /* RFC 3339; NULL: not scheduled */
	int gone;               /* 410 Gone: no longer polled */
	int warning;            /* last_error is a warning: the last poll went well */
};

/*
 * The page /feeds: one row a feed, in the order given, with its state: gone,
 * failing (its last poll failed: the error shown), warning (it went well,
 * but the feed was damaged: the warning shown), or ok. A whole document.
 */
void page_feeds(struct page *pg, const struct page_feed_row *feeds, size_t n);

/* One delivery of hark deliveries --json, flattened. Strings borrowed; NULL: none. */
struct page_delivery {
	int64_t id;
	const char *webhook, *state, *hit, *rule;
	int attempts;
	long last_status; /* 0: none */
	const char *last_error, *created, *next_attempt;
};

/* A webhook disabled by 410 Gone (hark status's "webhooks_disabled"). Strings borrowed. */
struct page_webhook_off {
	const char *name, *reason; /* reason: "410 Gone"; NULL: none said */
	const char *since;         /* RFC 3339; NULL: unknown */
};

/*
 * The page /deliveries: the deliveries given (pending and dead ones), a
 * section per webhook in the order the webhooks first appear; each dead one
 * with a form that POSTs to /deliveries/ID/retry. A webhook of off (noff)
 * is said to be disabled, with how to enable it again, and its pending
 * deliveries as held by it (no next attempt), in a section of its own
 * when it has none. notice (NULL: none) is said above them: why a retried
 * one was not sent ("delivery 39 is held for the digest of 08:00 (daily):
 * sent then"). A whole document.
 */
void page_deliveries(struct page *pg, const struct page_delivery *d, size_t n,
                     const struct page_webhook_off *off, size_t noff, const char *notice);

#endif
