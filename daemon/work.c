/*
 * work.c: the worker threads and what each does to a job. The loop thread
 * owns the queues' contents before push and after done; in between a job
 * belongs to exactly one worker. The hand-back is an eventfd the loop
 * watches, as memcached hands connections between threads.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "hit.h"
#include "sha256.h"
#include "work.h"

struct work {
	struct event_base *base;
	int nthreads;
	pthread_t threads[WORK_MAX_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *todo, **todo_tail; /* pushed, not yet taken */
	struct job *done, **done_tail; /* finished, not yet handed back */
	int stopping;
	size_t busy; /* pushed and not yet handed back: loop thread only */
	int efd;     /* eventfd: a worker finished a job */
	struct event *ev_done;
	struct event *ev_inline; /* inline mode: run one job */
	work_done_fn fn;
	void *arg;
};

struct rules *
rules_new(struct ruleset *rs)
{
	struct rules *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		ruleset_free(rs);
		return NULL;
	}
	r->rs = rs;
	r->refs = 1;
	return r;
}

struct rules *
rules_ref(struct rules *r)
{
	r->refs++;
	return r;
}

void
rules_unref(struct rules *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	for (size_t i = 0; i <= WORK_MAX_THREADS; i++)
		matcher_free(r->m[i]);
	ruleset_free(r->rs);
	free(r);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct job *
job_new(char *name, char *bytes, size_t len, struct rules *rules, size_t max_size)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->name = name;
	j->bytes = bytes;
	j->len = len;
	j->rules = rules_ref(rules);
	j->max_size = max_size;
	j->queued_ns = now_ns();
	return j;
}

static void
work_doc_clear(struct work_doc *wd)
{
	for (size_t i = 0; i < wd->nhits; i++) {
		free(wd->hits[i].json);
		free(wd->hits[i].snippet);
	}
	free(wd->hits);
	free(wd->limited);
	free(wd->index_text);
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->feed != NULL) {
		if (j->feed->page_item != NULL) {
			article_free(j->feed->page_item);
			free(j->feed->page_item);
		}
		free(j->feed->name);
		free(j->feed->lang_hint);
		free(j->feed->charset);
		free(j->feed->base_url);
		free(j->feed);
	}
	if (j->post != NULL) {
		/* never committed (harkd exits past its deadline): the answer says so */
		if (!j->post->called && j->post->done != NULL)
			j->post->done(j->post->arg, -1, "harkd stopped before storing it", NULL);
		free(j->post->charset);
		free(j->post->lang_hint);
		free(j->post);
	}
	for (size_t i = 0; i < j->ndocs; i++)
		work_doc_clear(&j->docs[i]);
	free(j->docs);
	feed_new_items_free(j->newitems, j->nnew);
	extraction_free(&j->x);
	rules_unref(j->rules);
	free(j->bytes);
	free(j->name);
	free(j);
}

struct hit_ctx {
	struct work_doc *wd;
	const char *detected_at;
	int64_t detected_ms;
	int oom;
};

static int
job_hit_cb(const struct hit *h, void *arg)
{
	struct hit_ctx *c = arg;
	struct work_doc *wd = c->wd;
	struct work_hit *wh, *nh;
	json_t *o;
	const char *id;

	nh = realloc(wd->hits, (wd->nhits + 1) * sizeof(*nh));
	if (nh == NULL) {
		c->oom = 1;
		return 1;
	}
	wd->hits = nh;
	wh = &wd->hits[wd->nhits];
	memset(wh, 0, sizeof(*wh));
	o = hit_to_json(wd->doc, h, c->detected_at);
	id = json_string_value(json_object_get(o, "id"));
	snprintf(wh->id, sizeof(wh->id), "%s", id ? id : "");
	wh->json = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	wh->snippet = hit_snippet(wd->doc, h, "[", "]"); /* for the log line, plain text */
	wh->rule_id = h->rule->id;
	wh->rule = h->rule;
	wh->detected_at = c->detected_ms;
	if (wh->json == NULL || wh->snippet == NULL) {
		free(wh->json);
		free(wh->snippet);
		c->oom = 1;
		return 1;
	}
	wd->nhits++;
	return 0;
}

/* Title "\n" body: what makes two articles the same content. */
static void
job_content_hash(const struct document *d, char hex[65])
{
	struct sha256 s;
	unsigned char dig[SHA256_LEN];
	static const char digits[] = "0123456789abcdef";

	sha256_init(&s);
	if (d->field[F_TITLE] != NULL)
		sha256_update(&s, d->field[F_TITLE], d->field_len[F_TITLE]);
	sha256_update(&s, "\n", 1);
	if (d->field[F_BODY] != NULL)
		sha256_update(&s, d->field[F_BODY], d->field_len[F_BODY]);
	sha256_final(&s, dig);
	for (size_t i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[dig[i] >> 4];
		hex[2 * i + 1] = digits[dig[i] & 15];
	}
	hex[64] = '\0';
}

/* The entry's ID in its key: its id (guid), else its link, else "" (none). */
static const char *
job_item_id(const struct document *d)
{
	return d->meta.id != NULL ? d->meta.id : d->url != NULL ? d->url : "";
}

/*
 * Whether the entry has an ID of its own: an id, a link, else its title
 * (within the feed): so that an edit of the text of an item with neither
 * id nor link is a revision of it, not a new item alerted again.
 */
static int
job_item_has_id(const struct document *d)
{
	return *job_item_id(d) != '\0' || d->field_len[F_TITLE] > 0;
}

/*
 * A feed entry's key among the feed's items: the hash of its ID
 * (job_item_id; with none, of its title behind a NUL no id or link has)
 * and the hash of its content; so that a feed which gives one guid to
 * different items still has each of them read once.
 */
static void
job_item_key(const struct work_doc *wd, char key[64])
{
	const struct document *d = wd->doc;
	const char *id = job_item_id(d);
	char hex[65];

	if (*id == '\0' && d->field_len[F_TITLE] > 0) {
		static const char digits[] = "0123456789abcdef";
		unsigned char dig[SHA256_LEN];
		struct sha256 s;

		sha256_init(&s);
		sha256_update(&s, "\0title\n", 7);
		sha256_update(&s, d->field[F_TITLE], d->field_len[F_TITLE]);
		sha256_final(&s, dig);
		for (size_t i = 0; i < 16; i++) {
			hex[2 * i] = digits[dig[i] >> 4];
			hex[2 * i + 1] = digits[dig[i] & 15];
		}
		hex[32] = '\0';
	} else
		sha256_hex(id, strlen(id), hex);
	snprintf(key, 64, "%.32s:%.16s", hex, wd->content_hash);
}

static int
job_item_cmp(const void *a, const void *b)
{
	return strcmp((*(struct work_doc *const *)a)->item, (*(struct work_doc *const *)b)->item);
}

/*
 * An ID that two entries of one body have with different texts is no
 * item's own (work_doc.item_own): sorted by key, such entries are next to
 * each other. -1: out of memory.
 */
static int
job_items_shared(struct job *j)
{
	struct work_doc **v;
	size_t i, k;

	if (j->ndocs < 2)
		return 0;
	if ((v = malloc(j->ndocs * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < j->ndocs; i++)
		v[i] = &j->docs[i];
	qsort(v, j->ndocs, sizeof(*v), job_item_cmp);
	for (i = 0; i < j->ndocs; i = k) {
		/* "ID:" with its colon: the keys of one ID */
		size_t n = strcspn(v[i]->item, ":") + 1;
		int other = 0;

		for (k = i + 1; k < j->ndocs && strncmp(v[k]->item, v[i]->item, n) == 0; k++)
			other |= strcmp(v[k]->item, v[k - 1]->item) != 0;
		for (size_t m = i; other && m < k; m++)
			v[m]->item_own = 0;
	}
	free(v);
	return 0;
}

/* An entry's link for job_links_shared: its address, else its link as written. */
static const char *
job_doc_link(const struct work_doc *wd)
{
	return wd->doc->canonical != NULL ? wd->doc->canonical : wd->doc->url;
}

static int
job_link_cmp(const void *a, const void *b)
{
	const struct work_doc *x = *(struct work_doc *const *)a, *y = *(struct work_doc *const *)b;
	int c = strcmp(job_doc_link(x), job_doc_link(y));

	return c != 0 ? c : strcmp(x->doc->meta.id, y->doc->meta.id);
}

/*
 * A link that entries of one body with different ids have: each of those
 * entries is link_shared (work_doc). Sorted by link and id, such entries
 * are next to each other, the group's first and last ids differing.
 * -1: out of memory.
 */
static int
job_links_shared(struct job *j)
{
	struct work_doc **v;
	size_t i, k, n = 0;

	if (j->ndocs < 2)
		return 0;
	if ((v = malloc(j->ndocs * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < j->ndocs; i++)
		if (j->docs[i].doc->meta.id != NULL && job_doc_link(&j->docs[i]) != NULL)
			v[n++] = &j->docs[i];
	qsort(v, n, sizeof(*v), job_link_cmp);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && strcmp(job_doc_link(v[k]), job_doc_link(v[i])) == 0; k++)
			;
		if (strcmp(v[i]->doc->meta.id, v[k - 1]->doc->meta.id) == 0)
			continue;
		for (size_t m = i; m < k; m++)
			v[m]->link_shared = 1;
	}
	free(v);
	return 0;
}

/* Bodies this large have their parse's memory handed back to the system at once. */
#define WORK_TRIM_BYTES (1u << 20)

/* Keep the rules whose regex hit a limit on this document: the loop warns of them. */
static int
job_limited(const struct matcher *m, struct work_doc *wd)
{
	const struct rule *r;
	size_t n = matcher_limited(m, 0, &r);

	if (n == 0)
		return 0;
	wd->limited = malloc(n * sizeof(*wd->limited));
	if (wd->limited == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		matcher_limited(m, i, &wd->limited[i]);
	wd->nlimited = n;
	return 0;
}

void
job_run(struct job *j, int slot)
{
	struct job_post *post = j->post;
	struct extract_opts o = {.file = j->feed || post ? NULL : j->name,
	                         .source = j->feed ? j->feed->name
	                                   : post  ? "api"
	                                           : "drop",
	                         .lang_hint = j->feed ? j->feed->lang_hint
	                                      : post  ? post->lang_hint
	                                              : NULL,
	                         .charset = j->feed ? j->feed->charset
	                                    : post  ? post->charset
	                                            : NULL,
	                         .lang_declared = j->lang[0] != '\0' ? j->lang : NULL,
	                         .charset_force = j->charset[0] != '\0' ? j->charset : NULL,
	                         .declared = post      ? post->declared
	                                     : j->feed ? j->feed->declared
	                                               : EXTRACT_SNIFF,
	                         .lang_prior = j->lang_prior,
	                         .base_url = j->feed ? j->feed->base_url : NULL,
	                         .max_size = j->max_size,
	                         .defaults = j->feed ? j->feed->page_item : NULL,
	                         .own_bytes = &j->bytes,
	                         .feed_first = j->feed ? j->feed->first : 0,
	                         .feed_page =
	                             j->feed && !j->feed->page_item ? FEED_PAGE_ENTRIES : 0};
	struct matcher *m;
	struct timespec ts;
	struct tm tm;
	char when[32];
	int64_t ms;

	if (extract_bytes(j->bytes, j->len, &o, &j->x, j->why, sizeof(j->why)) < 0) {
		j->failed = 1;
		goto out;
	}
	free(j->bytes); /* the documents hold their own copies */
	j->bytes = NULL;
#ifdef __GLIBC__
	/*
	 * A large body's parse tree is freed now, but glibc keeps the pages in
	 * this thread's arena; with the pages of one feed read by different
	 * workers, each arena would hold a page's worth, and more: give them
	 * back (a 16 MB feed of 100,000 items peaked at 580 MB without this,
	 * when the tree held the whole body; 343 MB with it).
	 */
	if (j->len >= WORK_TRIM_BYTES)
		malloc_trim(0);
#endif
	if (j->feed != NULL)
		j->feed->more = j->x.feed_more;
	/* a feed read in pages: the body's warning is said once, with its first page */
	if (j->feed != NULL && j->feed->first > 0)
		j->x.warning[0] = '\0';
	if (j->feed != NULL) {
		snprintf(j->feed->warning, sizeof(j->feed->warning), "%s", j->x.warning);
		j->feed->cut = j->x.feed_cut > 0;
	}
	if (j->feed != NULL && j->feed->page_item == NULL && j->x.format != FMT_FEED) {
		/* an HTML page served where a feed was expected is not a feed's items */
		snprintf(j->why, sizeof(j->why), "not a feed (it reads as %s)",
		         extract_format_name(j->x.format));
		j->failed = 1;
		goto out;
	}
	if (j->rules->m[slot] == NULL) {
		j->rules->m[slot] = matcher_new(j->rules->rs);
		/*
		 * the SimHash and the full-text index's keys from the tokens
		 * matching makes: one tokenization, not three (the keys go to
		 * the indexer after the commit: indexer_offer)
		 */
		if (j->rules->m[slot] != NULL &&
		    (matcher_set_fingerprint(j->rules->m[slot], 1) < 0 ||
		     matcher_set_index_text(j->rules->m[slot], 1) < 0)) {
			matcher_free(j->rules->m[slot]);
			j->rules->m[slot] = NULL;
		}
	}
	m = j->rules->m[slot];
	j->docs = calloc(j->x.ndocs ? j->x.ndocs : 1, sizeof(*j->docs));
	if (m == NULL || j->docs == NULL) {
		j->failed = -1;
		snprintf(j->why, sizeof(j->why), "out of memory");
		goto out;
	}
	j->ndocs = j->x.ndocs;
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < j->ndocs; i++) {
		struct work_doc *wd = &j->docs[i];
		struct hit_ctx c = {.wd = wd, .detected_at = when, .detected_ms = ms};

		wd->doc = &j->x.docs[i];
		/* stored: its language is needed, here rather than on the loop */
		doc_lang(wd->doc);
		job_content_hash(wd->doc, wd->content_hash);
		if (j->feed != NULL && j->feed->page_item != NULL)
			snprintf(wd->item, sizeof(wd->item), "%s", j->feed->page_key);
		else if (j->feed != NULL)
			job_item_key(wd, wd->item);
		if (j->feed != NULL)
			wd->item_own = job_item_has_id(wd->doc);
		/* a fetch_article feed's items are matched as their pages, later */
		if (j->feed != NULL && j->feed->fetch_article) {
			doc_simhash(wd->doc);
			continue;
		}
		if (matcher_run(m, wd->doc, job_hit_cb, &c) < 0 ||
		    (wd->index_text = matcher_take_index_text(m)) == NULL || c.oom ||
		    job_limited(m, wd) < 0) {
			j->failed = -1;
			snprintf(j->why, sizeof(j->why), "out of memory");
			goto out;
		}
		doc_simhash(wd->doc); /* made by matcher_run() from its tokens; else now */
	}
	/*
	 * a page job's one entry is its feed item: its key is that item's; a
	 * feed file dropped or posted has entries sharing a link as a feed has
	 */
	if ((j->feed != NULL && j->feed->page_item == NULL &&
	     (job_items_shared(j) < 0 || job_links_shared(j) < 0)) ||
	    (j->feed == NULL && job_links_shared(j) < 0)) {
		j->failed = -1;
		snprintf(j->why, sizeof(j->why), "out of memory");
	}
out:
	j->done_ns = now_ns();
}

void
feed_new_items_free(struct feed_new_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		article_free(&v[i].a);
	free(v);
}

static void *
work_main(void *arg)
{
	struct work *w = arg;
	int slot;
	uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	/* slots 1..n: worker i is the only user of matcher slot i */
	for (slot = 0; slot < w->nthreads; slot++)
		if (pthread_equal(w->threads[slot], pthread_self()))
			break;
	slot++;
	for (;;) {
		struct job *j;

		while (w->todo == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stopping)
			break;
		j = w->todo;
		w->todo = j->next;
		if (w->todo == NULL)
			w->todo_tail = &w->todo;
		pthread_mutex_unlock(&w->mu);

		job_run(j, slot);

		pthread_mutex_lock(&w->mu);
		j->next = NULL;
		*w->done_tail = j;
		w->done_tail = &j->next;
		if (write(w->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			break; /* cannot happen with an eventfd counter */
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Hand every finished job back to the loop, in one batch. */
static void
work_give_back(struct work *w, struct job *list)
{
	struct job *batch[64];
	size_t n = 0;

	while (list != NULL) {
		struct job *next = list->next;

		list->next = NULL;
		batch[n++] = list;
		w->busy--;
		if (n == sizeof(batch) / sizeof(batch[0])) {
			w->fn(batch, n, w->arg);
			n = 0;
		}
		list = next;
	}
	if (n > 0)
		w->fn(batch, n, w->arg);
}

static void
work_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct work *w = arg;
	struct job *list;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0)
		return; /* EAGAIN: another turn took them */
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->mu);
	work_give_back(w, list);
}

static void
work_inline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct work *w = arg;
	struct job *j = w->todo;

	(void)fd;
	(void)what;
	if (j == NULL)
		return;
	w->todo = j->next;
	if (w->todo == NULL)
		w->todo_tail = &w->todo;
	j->next = NULL;
	job_run(j, 0);
	/*
	 * One document a turn: signals and inotify get their turn in between.
	 * A zero timeout, not event_active(): libevent runs events made active
	 * during a turn in that same turn, without polling in between.
	 */
	if (w->todo != NULL)
		event_add(w->ev_inline, &(struct timeval){0, 0});
	work_give_back(w, j);
}

struct work *
work_new(struct event_base *base, int nthreads, work_done_fn fn, void *arg, char *err, size_t errsz)
{
	struct work *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (nthreads > WORK_MAX_THREADS)
		nthreads = WORK_MAX_THREADS;
	w->base = base;
	w->fn = fn;
	w->arg = arg;
	w->todo_tail = &w->todo;
	w->done_tail = &w->done;
	w->efd = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (nthreads == 0) {
		w->ev_inline = evtimer_new(base, work_inline_cb, w);
		if (w->ev_inline == NULL) {
			snprintf(err, errsz, "cannot create an event");
			work_free(w);
			return NULL;
		}
		return w;
	}
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->efd < 0) {
		snprintf(err, errsz, "eventfd: %s", strerror(errno));
		work_free(w);
		return NULL;
	}
	w->ev_done = event_new(base, w->efd, EV_READ | EV_PERSIST, work_done_cb, w);
	if (w->ev_done == NULL || event_add(w->ev_done, NULL) < 0) {
		snprintf(err, errsz, "cannot watch the eventfd");
		work_free(w);
		return NULL;
	}
	pthread_mutex_lock(&w->mu); /* threads look up their slot under the lock */
	for (int i = 0; i < nthreads; i++) {
		int e = pthread_create(&w->threads[i], NULL, work_main, w);

		if (e != 0) {
			pthread_mutex_unlock(&w->mu);
			snprintf(err, errsz, "pthread_create: %s", strerror(e));
			work_free(w);
			return NULL;
		}
		w->nthreads = i + 1;
	}
	pthread_mutex_unlock(&w->mu);
	return w;
}

void
work_push(struct work *w, struct job *j)
{
	j->next = NULL;
	w->busy++;
	pthread_mutex_lock(&w->mu);
	*w->todo_tail = j;
	w->todo_tail = &j->next;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->nthreads == 0 && !evtimer_pending(w->ev_inline, NULL))
		event_add(w->ev_inline, &(struct timeval){0, 0});
}

size_t
work_busy(const struct work *w)
{
	return w->busy;
}

int
work_threads(const struct work *w)
{
	return w->nthreads;
}

void
work_free(struct work *w)
{
	struct job *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	while ((j = w->todo) != NULL) {
		w->todo = j->next;
		job_free(j);
	}
	while ((j = w->done) != NULL) {
		w->done = j->next;
		job_free(j);
	}
	if (w->ev_done != NULL)
		event_free(w->ev_done);
	if (w->ev_inline != NULL)
		event_free(w->ev_inline);
	if (w->efd >= 0)
		close(w->efd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
