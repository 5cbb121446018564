/*
 * poller.c: the feed schedule. Owns each feed's timer and the poll under
 * way; the state that must survive a restart (where the feed is now, its
 * validators, failures, 410) is in the database, written after each poll.
 * Redirects are followed here, not by curl, so that a chain of only
 * 301/308 can be remembered and each hop goes through the SSRF guard.
 * A body is read FEED_PAGE_ENTRIES entries at a time, one intake job a
 * page, the next handed over once the last is committed: a feed of any
 * length is read whole, with the documents of one page in memory at once;
 * its validators are kept only once every page is stored.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mediatype.h"
#include "poller.h"
#include "url.h"

struct pfeed {
	struct poller *p;
	char *name, *conf_url, *lang; /* owned, from the configuration */
	unsigned interval;
	int allow_private;
	int fetch_article;
	unsigned pages;       /* fetch_article: pages of this poll not yet stored */
	struct store_feed st; /* owned: the state as last written */
	struct event *timer;
	int busy;    /* a poll (or its job) under way */
	int removed; /* gone from the configuration: freed when the poll ends */
	int queued;  /* due, waiting for a free slot */
	int dirty;   /* st changed, not yet written: on the poller's dirty list */
	int repoll;  /* its fetch settings changed during a poll: polled again once it ends */
	int refetch; /* its fetch settings changed in the reload being configured */
	/*
	 * Made due by SIGUSR1 or by harkd's start (or a reload that adds it back)
	 * rather than by its timer: the poll may come before the time its
	 * schedule set (st.next_poll).
	 */
	int forced;
	/*
	 * This poll started forced, before st.next_poll: a failure is recorded
	 * but is not one of the back-off's (feed_failed), so that signals and
	 * restarts never push the next poll further away.
	 */
	int early;
	/* the poll under way */
	char *cur;               /* owned; the URL of this hop */
	char *new_etag, *new_lm; /* owned; validators of this poll's body, kept once it is stored */
	int hops, permanent;
	char *body; /* owned; the poll's body, kept until its last page is read */
	size_t body_len;
	char *body_cs;          /* owned; its charset, or NULL */
	size_t next_first;      /* the first entry of the page to read next */
	struct job_feed *jf;    /* borrowed: the page with the intake, until its done callback */
	int reading;            /* a page of the body is with the intake */
	int pages_done;         /* fetch_article: items' pages were fetched this poll */
	unsigned npages, fresh; /* pages read and new items, this poll */
	char fail[300];         /* why the body was not read whole, or "": the poll fails */
	char warn[320];         /* the body's warning, or "": the poll goes well, and says it */
	int cut;                /* the body ended inside an item: its validators are not kept */
	int64_t fail_retry;
	struct pfeed *next, *next_due, *next_dirty;
};

/* fetch_article: one new item's page, fetched then stored as that item. */
struct page {
	struct pfeed *f;
	struct feed_new_item item; /* owned */
	char host[256];            /* scheme://host:port: at most 2 fetches each */
	int fallback;              /* the item's own text was handed over */
	struct page *next;
};

#define POLLER_PAGES_PER_HOST 2
#define POLLER_PAGES_ACTIVE 16

struct poller {
	struct event_base *base;
	struct store *st;
	struct http *http;
	struct intake *in;
	struct pfeed *feeds;
	struct pfeed *due, **due_tail; /* waiting for a slot */
	unsigned active;
	struct page *pages, **pages_tail; /* waiting for a fetch */
	struct page *fetching;            /* under way */
	unsigned pages_active;
	/*
	 * Feeds whose state is to be written, all in one transaction on the
	 * next turn of the loop: a commit is an fsync, and 64 polls ending
	 * together otherwise held the loop for 64 of them.
	 */
	struct pfeed *dirty;
	struct event *flush;
	struct poller_stats stats;
};

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

static void
pfeed_free(struct pfeed *f)
{
	char err[512];

	if (f == NULL)
		return;
	if (f->dirty) {
		/* a removed feed: its last state written now, on its own */
		for (struct pfeed **pp = &f->p->dirty; *pp; pp = &(*pp)->next_dirty)
			if (*pp == f) {
				*pp = f->next_dirty;
				break;
			}
		if (store_feed_put(f->p->st, f->name, &f->st, err, sizeof(err)) != 0)
			log_warnx("feed %s: cannot record its state: %s", f->name, err);
	}
	if (f->timer)
		event_free(f->timer);
	store_feed_clear(&f->st);
	free(f->name);
	free(f->conf_url);
	free(f->lang);
	free(f->cur);
	free(f->new_etag);
	free(f->new_lm);
	free(f->body);
	free(f->body_cs);
	free(f);
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * Write every changed feed state in one transaction. A failure is logged,
 * the states stay on the list and are tried again a second later.
 */
static void
poller_flush(struct poller *p)
{
	struct timeval later = {1, 0};
	char err[512];
	int r;

	if (p->dirty == NULL)
		return;
	r = store_begin(p->st, err, sizeof(err));
	for (struct pfeed *f = p->dirty; r == 0 && f; f = f->next_dirty)
		r = store_feed_put(p->st, f->name, &f->st, err, sizeof(err));
	if (r == 0)
		r = store_commit(p->st, err, sizeof(err));
	if (r != 0) {
		store_rollback(p->st);
		log_warnx("feeds: cannot record their state: %s; trying again in 1 s", err);
		evtimer_add(p->flush, &later);
		return;
	}
	while (p->dirty != NULL) {
		struct pfeed *f = p->dirty;

		p->dirty = f->next_dirty;
		f->next_dirty = NULL;
		f->dirty = 0;
	}
}

static void
poller_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	poller_flush(arg);
}

/* The feed's state is to be written, with the others, on the next turn of the loop. */
static void
feed_save(struct pfeed *f)
{
	struct poller *p = f->p;
	struct timeval now = {0, 0};

	if (!f->dirty) {
		f->dirty = 1;
		f->next_dirty = p->dirty;
		p->dirty = f;
	}
	if (!evtimer_pending(p->flush, NULL))
		evtimer_add(p->flush, &now);
}

/* The next poll at the time at (seconds), now being now. */
static void
feed_schedule_at(struct pfeed *f, int64_t at, int64_t now)
{
	struct timeval tv;
	int64_t delay = at - now;

	if (delay < 0)
		delay = 0;
	f->st.next_poll = now + delay;
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = delay == 0 ? 0 : (suseconds_t)(random() % 1000000);
	evtimer_add(f->timer, &tv);
}

/* The next poll in delay seconds. */
static void
feed_schedule(struct pfeed *f, int64_t delay)
{
	int64_t now = now_s();

	feed_schedule_at(f, now + (delay > 0 ? delay : 0), now);
}

/* The interval, a tenth longer or shorter: polls spread over time. */
static int64_t
feed_jittered(const struct pfeed *f)
{
	int64_t i = f->interval, spread = i / 10;

	return spread > 0 ? i - spread + (int64_t)(random() % (2 * spread + 1)) : i;
}

static void poller_next(struct poller *p);

/*
 * The feed's fetch settings changed (a reload): what its last poll said,
 * an error above all (a loopback address refused before allow_private),
 * is of the old ones. Forget it and its back-off, and poll now, as a new
 * feed is, rather than at the time the old failure set.
 */
static void
feed_refetch(struct pfeed *f)
{
	free(f->st.last_error);
	f->st.last_error = NULL;
	f->st.failures = 0;
	evtimer_del(f->timer);
	feed_schedule(f, 0);
	feed_save(f);
}

/* The poll ended: free the slot, forget a removed feed, start the next. */
static void
feed_end(struct pfeed *f)
{
	struct poller *p = f->p;

	f->busy = 0;
	free(f->cur);
	f->cur = NULL;
	free(f->new_etag);
	free(f->new_lm);
	f->new_etag = f->new_lm = NULL;
	free(f->body);
	free(f->body_cs);
	f->body = f->body_cs = NULL;
	f->jf = NULL;
	f->reading = 0;
	p->active--;
	if (f->removed) {
		pfeed_free(f);
	} else if (f->repoll) {
		/* the poll that ended ran on the settings of before the reload */
		f->repoll = 0;
		feed_refetch(f);
	}
	poller_next(p);
}

/*
 * The back-off after the failures-th failure in a row: interval x
 * 2^(failures - 1), at most POLLER_BACKOFF_MAX (or the interval if longer).
 */
static int64_t
feed_backoff(const struct pfeed *f)
{
	int64_t cap = f->interval > POLLER_BACKOFF_MAX ? f->interval : POLLER_BACKOFF_MAX;
	int64_t delay = f->interval;

	for (int i = 1; i < f->st.failures && delay < cap; i++)
		delay *= 2;
	return delay > cap ? cap : delay;
}

/*
 * The poll failed: retry_after (a Retry-After, or an internal wait) or
 * else the back-off sets the next poll. The back-off counts failures over
 * time: a poll forced (SIGUSR1, a restart) before the time the schedule
 * set that fails keeps the failures and the next poll the schedule set
 * (later only for a Retry-After that asks for more); only a feed that was
 * well counts it, as its first failure, so that it shows as failing.
 */
static void
feed_failed(struct pfeed *f, const char *why, int64_t retry_after)
{
	int64_t now = now_s(), at;

	f->p->stats.failed++;
	free(f->st.last_error);
	f->st.last_error = strdup(why);
	if (f->early && f->st.next_poll > now) {
		if (f->st.failures == 0)
			f->st.failures = 1;
		at = f->st.next_poll;
		if (retry_after >= 0 && now + retry_after > at)
			at = now + retry_after;
		log_warnx("feed %s: %s; next poll in %llds (an early poll, not counted: %d "
		          "failure%s in a row)",
		          f->name, log_quote(why), (long long)(at - now), f->st.failures,
		          f->st.failures == 1 ? "" : "s");
	} else {
		f->st.failures++;
		at = now + (retry_after >= 0 ? retry_after : feed_backoff(f));
		log_warnx("feed %s: %s; next poll in %llds", f->name, log_quote(why),
		          (long long)(at - now));
	}
	feed_schedule_at(f, at, now);
	feed_save(f);
	feed_end(f);
}

static void
feed_ok(struct pfeed *f, const char *what)
{
	/*
	 * the body's items are stored: its validators may now spare the next
	 * poll; not those of a body cut short, whose last item is still to read
	 */
	if (f->cut) {
		free(f->new_etag);
		free(f->new_lm);
		f->new_etag = f->new_lm = NULL;
		f->cut = 0;
	}
	if (f->new_etag != NULL || f->new_lm != NULL) {
		free(f->st.etag);
		free(f->st.last_modified);
		f->st.etag = f->new_etag;
		f->st.last_modified = f->new_lm;
		f->new_etag = f->new_lm = NULL;
	}
	f->p->stats.ok++;
	f->st.failures = 0;
	free(f->st.last_error);
	/* a damaged body read anyway: kept as a warning (failures 0) until a clean poll */
	f->st.last_error = f->warn[0] != '\0' ? strdup(f->warn) : NULL;
	f->warn[0] = '\0';
	f->cut = 0;
	f->st.last_ok = now_s();
	log_debug("feed %s: %s", f->name, what);
	feed_schedule(f, feed_jittered(f));
	feed_save(f);
	feed_end(f);
}

/* The charset parameter of a Content-Type, into out (lower-cased), or "". */
static void
content_charset(const char *ct, char *out, size_t outsz)
{
	const char *c = ct ? strcasestr(ct, "charset=") : NULL;
	size_t n = 0;

	out[0] = '\0';
	if (c == NULL)
		return;
	c += 8;
	if (*c == '"')
		c++;
	while (c[n] != '\0' && c[n] != '"' && c[n] != ';' && c[n] != ' ' && n + 1 < outsz) {
		out[n] = c[n];
		n++;
	}
	out[n] = '\0';
}

static void pages_next(struct poller *p);
static int feed_hand_page(struct pfeed *f);

/* The body and its items' pages are all stored, or the body could not be read whole. */
static void
feed_poll_end(struct pfeed *f)
{
	char why[sizeof(f->fail)];

	if (f->fail[0] != '\0') {
		snprintf(why, sizeof(why), "%s", f->fail);
		feed_failed(f, why, f->fail_retry); /* its validators are not kept */
	} else {
		feed_ok(f, f->pages_done ? "polled, with its items' pages" : "polled");
	}
}

/*
 * The body is read to its end (why NULL), or not (why: the poll fails and
 * is tried again as a whole; what was stored is skipped then as seen). The
 * poll ends now, or with its items' last page.
 */
static void
feed_body_end(struct pfeed *f, const char *why, int64_t retry)
{
	char more[64] = "";

	if (why != NULL && f->fail[0] == '\0') {
		snprintf(f->fail, sizeof(f->fail), "%s", why);
		f->fail_retry = retry;
	}
	if (f->npages > 1)
		snprintf(more, sizeof(more), " (read in %u pages of %d entries)", f->npages,
		         FEED_PAGE_ENTRIES);
	if (f->npages > 0)
		log_info("feed %s: %u new item%s%s", f->name, f->fresh, f->fresh == 1 ? "" : "s",
		         more);
	free(f->body);
	free(f->body_cs);
	f->body = f->body_cs = NULL;
	f->reading = 0;
	if (f->pages == 0) {
		feed_poll_end(f);
		return;
	}
	pages_next(f->p); /* may end the poll: f is not touched after */
}

/* The intake committed a page of the body's items, or could not read it. */
static void
feed_job_done(void *arg, int rc, const char *why, unsigned fresh, struct feed_new_item *items,
              size_t nitems)
{
	struct pfeed *f = arg;
	int more = f->jf != NULL && f->jf->more; /* the job is freed after this call */

	if (f->jf != NULL && f->jf->warning[0] != '\0' && f->warn[0] == '\0')
		snprintf(f->warn, sizeof(f->warn), "%s", f->jf->warning);
	if (f->jf != NULL && f->jf->cut)
		f->cut = 1;
	f->jf = NULL;
	if (rc < 0) {
		feed_new_items_free(items, nitems);
		feed_body_end(f, why, -1);
		return;
	}
	f->npages++;
	f->fresh += fresh;
	/* fetch_article: the poll ends when every new item's page is stored */
	for (size_t i = 0; i < nitems; i++) {
		struct page *pg = calloc(1, sizeof(*pg));
		const char *u = items[i].a.url, *end;

		if (pg == NULL) {
			log_err("feed %s: out of memory for an item's page", f->name);
			article_free(&items[i].a);
			continue;
		}
		pg->f = f;
		pg->item = items[i]; /* moved */
		if (u != NULL && (end = strstr(u, "://")) != NULL) {
			size_t n = strcspn(end + 3, "/?#") + (size_t)(end + 3 - u);

			snprintf(pg->host, sizeof(pg->host), "%.*s", (int)n, u);
		}
		*f->p->pages_tail = pg;
		f->p->pages_tail = &pg->next;
		f->pages++;
		f->pages_done = 1;
	}
	free(items); /* the articles moved into the pages */
	if (!more) {
		feed_body_end(f, NULL, 0);
		return;
	}
	if (f->removed) {
		feed_body_end(f, "removed from the configuration while its entries were read", -1);
		return;
	}
	f->next_first += FEED_PAGE_ENTRIES;
	if (feed_hand_page(f) < 0) {
		feed_body_end(f, "cannot hand the body over (stopping, or out of memory)", 60);
		return;
	}
	pages_next(f->p);
}

/* A page is stored (or given up): the poll ends with its last page. */
static void
page_end(struct page *pg)
{
	struct pfeed *f = pg->f;

	article_free(&pg->item.a);
	free(pg);
	/* while a page of the body is read, more items may come: the poll goes on */
	if (--f->pages == 0 && !f->reading && f->body == NULL)
		feed_poll_end(f);
}

static void page_hand_over(struct page *pg, char *bytes, size_t len, const char *charset,
                           enum extract_declared declared, const char *base);

static void
page_job_done(void *arg, int rc, const char *why, unsigned fresh, struct feed_new_item *items,
              size_t nitems)
{
	struct page *pg = arg;

	(void)fresh;
	feed_new_items_free(items, nitems);
	if (rc < 0 && !pg->fallback) {
		log_warnx("feed %s: the page of %s: %s; the item's own text is used", pg->f->name,
		          log_quote(pg->item.a.url ? pg->item.a.url : pg->item.key),
		          log_quote2(why));
		page_hand_over(pg, NULL, 0, NULL, EXTRACT_SNIFF, NULL);
		return;
	}
	if (rc < 0)
		log_warnx("feed %s: item %s: %s", pg->f->name, pg->item.key, log_quote(why));
	page_end(pg);
}

/*
 * Hand a page to the intake as its item: bytes (owned) of the page, read
 * as declared (page_declared), or with bytes NULL, the item's own title
 * and text.
 */
static void
page_hand_over(struct page *pg, char *bytes, size_t len, const char *charset,
               enum extract_declared declared, const char *base)
{
	struct job_feed *jf = calloc(1, sizeof(*jf));
	struct article *a = calloc(1, sizeof(*a));
	const struct article *it = &pg->item.a;

	if (bytes == NULL) {
		/* the item as plain text: the title line, then its text */
		pg->fallback = 1;
		if (asprintf(&bytes, "%s\n\n%s", it->title ? it->title : "",
		             it->body ? it->body : "") < 0)
			bytes = NULL;
		len = bytes ? strlen(bytes) : 0;
		charset = NULL;
		declared = EXTRACT_SNIFF;
		base = it->url;
	}
	if (jf == NULL || a == NULL || bytes == NULL ||
	    (it->url && article_set(&a->url, it->url, strlen(it->url)) < 0) ||
	    (it->title && article_set(&a->title, it->title, strlen(it->title)) < 0) ||
	    (it->published &&
	     article_set(&a->published, it->published, strlen(it->published)) < 0) ||
	    (it->id && article_set(&a->id, it->id, strlen(it->id)) < 0))
		goto fail;
	jf->name = strdup(pg->f->name);
	jf->lang_hint = pg->f->lang ? strdup(pg->f->lang) : NULL;
	jf->charset = charset ? strdup(charset) : NULL;
	jf->declared = declared;
	jf->base_url = base ? strdup(base) : NULL;
	jf->page_item = a;
	a = NULL;
	snprintf(jf->page_key, sizeof(jf->page_key), "%s", pg->item.key);
	jf->done = page_job_done;
	jf->arg = pg;
	if (jf->name == NULL || intake_feed(pg->f->p->in, bytes, len, jf) < 0) {
		article_free(jf->page_item);
		free(jf->page_item);
		goto fail;
	}
	return;
fail:
	if (jf != NULL) {
		free(jf->name);
		free(jf->lang_hint);
		free(jf->charset);
		free(jf->base_url);
	}
	free(jf);
	if (a != NULL) {
		article_free(a);
		free(a);
	}
	free(bytes);
	log_warnx("feed %s: item %s not stored (stopping, or out of memory); it is read again "
	          "at the next poll",
	          pg->f->name, pg->item.key);
	page_end(pg);
}

static unsigned
pages_on_host(const struct poller *p, const char *host)
{
	unsigned n = 0;

	for (const struct page *pg = p->fetching; pg; pg = pg->next)
		n += strcmp(pg->host, host) == 0;
	return n;
}

/*
 * How a fetched page is read: a page served as text/markdown (or
 * text/x-markdown) as Markdown, as a .md file and a POST of that type
 * are; any other (HTML, text, a type a server got wrong) sniffed from
 * its content, as before.
 */
static enum extract_declared
page_declared(const char *content_type)
{
	struct mediatype mt;
	char err[128];

	if (content_type != NULL && mediatype_parse(content_type, &mt, err, sizeof(err)) == 0 &&
	    mt.as == EXTRACT_AS_MARKDOWN)
		return EXTRACT_AS_MARKDOWN;
	return EXTRACT_SNIFF;
}

static void
page_fetched_cb(const struct http_response *r, void *arg)
{
	struct page *pg = arg;
	struct poller *p = pg->f->p;
	char cs[64];

	for (struct page **pp = &p->fetching; *pp; pp = &(*pp)->next)
		if (*pp == pg) {
			*pp = pg->next;
			break;
		}
	pg->next = NULL;
	p->pages_active--;
	if (r->error == NULL && r->status == 200 && r->body_len > 0) {
		char *bytes = malloc(r->body_len + 1);

		content_charset(r->content_type, cs, sizeof(cs));
		if (bytes != NULL) {
			memcpy(bytes, r->body, r->body_len);
			bytes[r->body_len] = '\0';
		}
		page_hand_over(pg, bytes, r->body_len, cs[0] ? cs : NULL,
		               page_declared(r->content_type),
		               r->final_url ? r->final_url : pg->item.a.url);
	} else {
		char why[300];

		if (r->error != NULL)
			snprintf(why, sizeof(why), "%s", r->error);
		else
			snprintf(why, sizeof(why), "HTTP %ld", r->status);
		log_warnx("feed %s: the page of %s: %s; the item's own text is used", pg->f->name,
		          log_quote(pg->item.a.url), log_quote2(why));
		page_hand_over(pg, NULL, 0, NULL, EXTRACT_SNIFF, NULL);
	}
	pages_next(p);
}

/* Start page fetches within the limits, per host and overall. */
static void
pages_next(struct poller *p)
{
	static const char *const headers[] = {
	    "Accept: text/html, application/xhtml+xml;q=0.9, */*;q=0.5", NULL};

	for (struct page **pp = &p->pages; *pp && p->pages_active < POLLER_PAGES_ACTIVE;) {
		struct page *pg = *pp;
		struct http_request rq = {0};
		char err[512];

		if (pg->item.a.url == NULL || pg->host[0] == '\0') {
			/* nothing to fetch: the item's text it is */
			*pp = pg->next;
			if (*pp == NULL)
				p->pages_tail = pp;
			pg->next = NULL;
			page_hand_over(pg, NULL, 0, NULL, EXTRACT_SNIFF, NULL);
			continue;
		}
		if (pages_on_host(p, pg->host) >= POLLER_PAGES_PER_HOST) {
			pp = &pg->next;
			continue;
		}
		*pp = pg->next;
		if (*pp == NULL)
			p->pages_tail = pp;
		rq.method = "GET";
		rq.url = pg->item.a.url;
		rq.headers = headers;
		rq.connect_timeout_ms = 10000;
		rq.timeout_ms = 30000;
		rq.max_response = 16u << 20;
		rq.max_redirects = POLLER_MAX_REDIRECTS; /* each hop still meets the guard */
		rq.block_private = !pg->f->allow_private;
		rq.accept_encoding = "";
		if (http_start(p->http, &rq, page_fetched_cb, pg, err, sizeof(err)) < 0) {
			pg->next = NULL;
			log_warnx("feed %s: the page of %s: %s; the item's own text is used",
			          pg->f->name, log_quote(pg->item.a.url), log_quote2(err));
			page_hand_over(pg, NULL, 0, NULL, EXTRACT_SNIFF, NULL);
			continue;
		}
		pg->next = p->fetching;
		p->fetching = pg;
		p->pages_active++;
	}
}

static void feed_request(struct pfeed *f);

static void
feed_response_cb(const struct http_response *r, void *arg)
{
	struct pfeed *f = arg;
	char why[512], cs[64];
	long long ra;

	if (f->removed) {
		feed_end(f);
		return;
	}
	if (r->error != NULL) {
		feed_failed(f, r->error, -1);
		return;
	}
	if (r->status == 301 || r->status == 302 || r->status == 303 || r->status == 307 ||
	    r->status == 308) {
		char *next = r->location ? url_resolve(f->cur, r->location) : NULL;

		if (next == NULL) {
			snprintf(why, sizeof(why), "HTTP %ld without a usable Location", r->status);
			feed_failed(f, why, -1);
			return;
		}
		if (++f->hops > POLLER_MAX_REDIRECTS) {
			free(next);
			snprintf(why, sizeof(why), "more than %d redirects", POLLER_MAX_REDIRECTS);
			feed_failed(f, why, -1);
			return;
		}
		if (r->status != 301 && r->status != 308)
			f->permanent = 0;
		free(f->cur);
		f->cur = next;
		feed_request(f);
		return;
	}
	if (r->status == 410) {
		f->p->stats.gone++;
		f->st.gone = 1;
		free(f->st.last_error);
		f->st.last_error = strdup("410 Gone");
		log_warnx("feed %s answered 410 Gone: no longer polled until its url changes",
		          f->name);
		feed_save(f);
		feed_end(f);
		return;
	}
	if ((r->status == 429 || r->status == 503) && r->retry_after != NULL &&
	    http_retry_after(r->retry_after, (long long)now_s(), &ra) == 0) {
		snprintf(why, sizeof(why), "HTTP %ld, Retry-After %lld", r->status, ra);
		feed_failed(f, why, ra > 24 * 3600 ? 24 * 3600 : ra);
		return;
	}
	if (r->status != 200 && r->status != 304) {
		snprintf(why, sizeof(why), "HTTP %ld", r->status);
		feed_failed(f, why, -1);
		return;
	}
	/* a chain of only 301/308 moved the feed for good */
	if (f->hops > 0 && f->permanent && strcmp(f->cur, f->st.url) != 0) {
		log_info("feed %s moved permanently to %s", f->name, log_quote(f->cur));
		free(f->st.url);
		f->st.url = strdup(f->cur);
	}
	if (r->status == 304) {
		feed_ok(f, "not modified");
		return;
	}
	free(f->new_etag);
	free(f->new_lm);
	f->new_etag = dup_or_null(r->etag);
	f->new_lm = dup_or_null(r->last_modified);
	if (r->body_len == 0) {
		feed_failed(f, "an empty response", -1);
		return;
	}
	content_charset(r->content_type, cs, sizeof(cs));
	f->body = malloc(r->body_len + 1);
	f->body_cs = cs[0] ? strdup(cs) : NULL;
	f->body_len = r->body_len;
	f->next_first = 0;
	f->npages = f->fresh = 0;
	f->pages_done = 0;
	f->fail[0] = '\0';
	f->warn[0] = '\0';
	f->cut = 0;
	if (f->body != NULL)
		memcpy(f->body, r->body, r->body_len);
	if (f->body == NULL || (cs[0] && f->body_cs == NULL) || feed_hand_page(f) < 0)
		feed_failed(f, "cannot hand the body over (stopping, or out of memory)", 60);
}

/*
 * Hand the page of the body that starts at f->next_first to the intake, a
 * copy of the body with it (the job's own, freed once read). Returns 0, or
 * -1 (stopping, or out of memory).
 */
static int
feed_hand_page(struct pfeed *f)
{
	struct job_feed *jf = calloc(1, sizeof(*jf));
	char *bytes = malloc(f->body_len + 1);

	if (jf != NULL && bytes != NULL) {
		memcpy(bytes, f->body, f->body_len);
		bytes[f->body_len] = '\0';
		jf->name = strdup(f->name);
		jf->lang_hint = dup_or_null(f->lang);
		jf->charset = dup_or_null(f->body_cs);
		jf->base_url = strdup(f->cur);
		jf->fetch_article = f->fetch_article;
		jf->first = f->next_first;
		jf->done = feed_job_done;
		jf->arg = f;
	}
	if (jf == NULL || bytes == NULL || jf->name == NULL || jf->base_url == NULL ||
	    (f->lang != NULL && jf->lang_hint == NULL) ||
	    (f->body_cs != NULL && jf->charset == NULL) ||
	    intake_feed(f->p->in, bytes, f->body_len, jf) < 0) {
		if (jf != NULL) {
			free(jf->name);
			free(jf->lang_hint);
			free(jf->charset);
			free(jf->base_url);
		}
		free(jf);
		free(bytes);
		return -1;
	}
	f->jf = jf; /* the intake's now; read in feed_job_done, before it frees it */
	f->reading = 1;
	return 0;
}

static void
feed_request(struct pfeed *f)
{
	static const char accept[] =
	    "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
	    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.8, "
	    "application/json;q=0.7, */*;q=0.5";
	char inm[600], ims[200], err[512];
	const char *headers[4];
	size_t n = 0;
	struct http_request rq = {0};

	headers[n++] = accept;
	/* validators only for the feed's own address, not for a hop elsewhere */
	if (f->hops == 0 && f->st.etag != NULL &&
	    (size_t)snprintf(inm, sizeof(inm), "If-None-Match: %s", f->st.etag) < sizeof(inm))
		headers[n++] = inm;
	if (f->hops == 0 && f->st.last_modified != NULL &&
	    (size_t)snprintf(ims, sizeof(ims), "If-Modified-Since: %s", f->st.last_modified) <
	        sizeof(ims))
		headers[n++] = ims;
	headers[n] = NULL;
	rq.method = "GET";
	rq.url = f->cur;
	rq.headers = headers;
	rq.connect_timeout_ms = 10000;
	rq.timeout_ms = 30000;
	rq.max_response = 16u << 20;
	rq.max_redirects = 0;
	rq.block_private = !f->allow_private;
	rq.accept_encoding = "";
	if (http_start(f->p->http, &rq, feed_response_cb, f, err, sizeof(err)) < 0)
		feed_failed(f, err, -1);
}

static void
feed_start(struct pfeed *f)
{
	f->early = f->forced && f->st.next_poll > now_s();
	f->forced = 0;
	f->busy = 1;
	f->p->active++;
	f->hops = 0;
	f->permanent = 1;
	free(f->cur);
	f->cur = strdup(f->st.url ? f->st.url : f->conf_url);
	if (f->cur == NULL) {
		feed_failed(f, "out of memory", 60);
		return;
	}
	feed_request(f);
}

/* Start due feeds while there are free slots. */
static void
poller_next(struct poller *p)
{
	while (p->due != NULL && p->active < POLLER_MAX_ACTIVE) {
		struct pfeed *f = p->due;

		p->due = f->next_due;
		if (p->due == NULL)
			p->due_tail = &p->due;
		f->queued = 0;
		if (f->removed)
			pfeed_free(f); /* removed while it waited */
		else if (!f->busy && !f->st.gone)
			feed_start(f);
	}
}

static void
feed_due(struct pfeed *f)
{
	struct poller *p = f->p;

	if (f->queued || f->busy || f->st.gone || f->removed)
		return;
	f->queued = 1;
	f->next_due = NULL;
	*p->due_tail = f;
	p->due_tail = &f->next_due;
	poller_next(p);
}

static void
feed_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pfeed *f = arg;

	(void)fd;
	(void)what;
	if (!f->queued && !f->busy)
		f->forced = 0; /* its time: a failure counts */
	feed_due(f);
}

struct poller *
poller_new(struct event_base *base, struct store *st, struct http *http, struct intake *in,
           char *err, size_t errsz)
{
	struct poller *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	p->base = base;
	p->st = st;
	p->http = http;
	p->in = in;
	p->due_tail = &p->due;
	p->pages_tail = &p->pages;
	if ((p->flush = evtimer_new(base, poller_flush_cb, p)) == NULL) {
		snprintf(err, errsz, "cannot create an event");
		free(p);
		return NULL;
	}
	return p;
}

void
poller_free(struct poller *p)
{
	if (p == NULL)
		return;
	poller_flush(p); /* what is not written now is lost: logged */
	/* polls under way are abandoned with the http engine (no callback comes) */
	while (p->due != NULL) {
		struct pfeed *f = p->due;

		p->due = f->next_due;
		if (f->removed)
			pfeed_free(f);
	}
	while (p->feeds != NULL) {
		struct pfeed *f = p->feeds;

		p->feeds = f->next;
		pfeed_free(f);
	}
	event_free(p->flush);
	free(p);
}

static struct pfeed *
pfeed_new(struct poller *p, const struct conf_feed *cf, char *err, size_t errsz)
{
	struct pfeed *f = calloc(1, sizeof(*f));
	int rc;

	if (f == NULL)
		goto nomem;
	f->p = p;
	f->name = strdup(cf->name);
	f->conf_url = strdup(cf->url);
	f->lang = cf->lang[0] ? strdup(cf->lang) : NULL;
	f->interval = cf->interval;
	f->allow_private = cf->allow_private;
	f->fetch_article = cf->fetch_article;
	f->timer = evtimer_new(p->base, feed_timer_cb, f);
	if (f->name == NULL || f->conf_url == NULL || (cf->lang[0] && f->lang == NULL) ||
	    f->timer == NULL)
		goto nomem;
	rc = store_feed_get(p->st, f->name, &f->st, err, errsz);
	if (rc < 0) {
		pfeed_free(f);
		return NULL;
	}
	/* a new feed, or its url changed: start over (a 410 or a 301 is forgotten) */
	if (rc == 0 || f->st.conf_url == NULL || strcmp(f->st.conf_url, f->conf_url) != 0) {
		if (rc == 1 && f->st.gone)
			log_info("feed %s: its url changed; polled again", f->name);
		store_feed_clear(&f->st);
		f->st.conf_url = strdup(f->conf_url);
		f->st.url = strdup(f->conf_url);
		if (f->st.conf_url == NULL || f->st.url == NULL)
			goto nomem;
	} else if (f->st.gone) {
		log_warnx("feed %s stays unpolled: it answered 410 Gone (change its url to poll it "
		          "again)",
		          f->name);
	}
	return f;
nomem:
	snprintf(err, errsz, "out of memory");
	pfeed_free(f);
	return NULL;
}

static struct pfeed *
poller_find(struct poller *p, const char *name)
{
	for (struct pfeed *f = p->feeds; f; f = f->next)
		if (!f->removed && strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int
poller_configure(struct poller *p, const struct conf *c, char *err, size_t errsz)
{
	struct pfeed *fresh = NULL, **tail = &fresh;

	for (size_t i = 0; i < c->nfeeds; i++) {
		const struct conf_feed *cf = &c->feeds[i];
		struct pfeed *old = poller_find(p, cf->name), *f;

		if (old != NULL && strcmp(old->conf_url, cf->url) == 0) {
			/* the same feed: keep its state and schedule, take the new settings */
			char *lang = cf->lang[0] ? strdup(cf->lang) : NULL;

			for (struct pfeed **pp = &p->feeds; *pp; pp = &(*pp)->next)
				if (*pp == old) {
					*pp = old->next;
					break;
				}
			int refetch = (old->allow_private != 0) != cf->allow_private ||
			              (old->fetch_article != 0) != cf->fetch_article;

			free(old->lang);
			old->lang = lang;
			old->interval = cf->interval;
			old->allow_private = cf->allow_private;
			old->fetch_article = cf->fetch_article;
			/* acted on once the whole configuration is taken (below) */
			old->refetch = refetch && !old->st.gone;
			old->next = NULL;
			*tail = old;
			tail = &old->next;
			continue;
		}
		if ((f = pfeed_new(p, cf, err, errsz)) == NULL) {
			while (fresh != NULL) {
				struct pfeed *n = fresh->next;

				fresh->refetch = 0; /* the reload is not taken: no poll for it */
				/* kept feeds go back; new ones go */
				fresh->next = p->feeds;
				p->feeds = fresh;
				fresh = n;
			}
			return -1;
		}
		*tail = f;
		tail = &f->next;
		/* polled now, maybe before the time its stored schedule set */
		f->forced = 1;
		feed_due(f);
	}
	/* what is left was removed: freed now, or when its poll ends */
	while (p->feeds != NULL) {
		struct pfeed *f = p->feeds;

		p->feeds = f->next;
		f->next = NULL;
		if (f->busy || f->queued) {
			f->removed = 1;
			evtimer_del(f->timer);
			/* still reachable from the due list or its poll: not in feeds */
		} else {
			pfeed_free(f);
		}
	}
	p->feeds = fresh;
	/*
	 * Only now, the reload taken: a feed fetched otherwise (allow_private,
	 * fetch_article) forgets its old error and is polled soon, as a new
	 * feed. Before, a later feed's failure would have left it polled and
	 * its state written for a configuration harkd then refused.
	 */
	for (struct pfeed *f = p->feeds; f; f = f->next) {
		if (!f->refetch)
			continue;
		f->refetch = 0;
		log_info("feed %s: its fetch settings changed; polled again now", f->name);
		if (f->busy)
			f->repoll = 1; /* once the poll under way ends */
		else if (!f->queued)
			feed_refetch(f); /* a queued one is polled next anyway */
	}
	return 0;
}

void
poller_poll_all(struct poller *p)
{
	for (struct pfeed *f = p->feeds; f; f = f->next) {
		if (f->queued || f->busy || f->st.gone)
			continue; /* already due, or polling (its end sets the next poll) */
		evtimer_del(f->timer);
		f->forced = 1;
		feed_due(f);
	}
}

void
poller_stats(const struct poller *p, struct poller_stats *s)
{
	*s = p->stats;
}
