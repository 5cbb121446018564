/*
 * httpd_work.c: the HTTP server's worker for the long reads of the
 * archive (see httpd_work.h). The loop thread owns a job before
 * hwork_push and after the hand-back; in between it is the worker's,
 * except req, which only the loop touches (the close callback clears it).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "apijson.h"
#include "date.h"
#include "hit.h"
#include "httpd_work.h"
#include "log.h"
#include "match.h"
#include "presearch.h"
#include "try.h"

/* Hits read from the store at a time while q= looks for a page of matching ones. */
#define HWORK_BATCH 200

struct hwork {
	struct event_base *base;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hwork_job *todo, **todo_tail; /* pushed, not yet taken */
	struct hwork_job *done, **done_tail; /* finished, not yet handed back */
	int stopping;
	atomic_int stop; /* the worker's job ends at once */
	/*
	 * The loop thread's alone: the jobs pushed and not yet handed back,
	 * with their connections, so that a connection's close forgets every
	 * request of it.
	 */
	struct hwork_job *out[HWORK_QUEUE + 1];
	struct evhttp_connection *conn[HWORK_QUEUE + 1];
	size_t queued;
	int efd; /* eventfd: a job is done */
	struct event *ev_done;
	struct store *st;      /* owned: read-only, the worker thread's alone */
	struct store_scan *sc; /* owned: on st */
	int64_t timeout_ns;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double
hwork_timeout(void)
{
	const char *e = getenv("HARK_HTTP_WORK_TIMEOUT");
	char *end;
	double t;

	if (e == NULL || *e == '\0')
		return HWORK_TIMEOUT;
	errno = 0;
	t = strtod(e, &end);
	if (errno != 0 || end == e || *end != '\0' || !(t >= 0.001 && t <= 3600)) {
		log_warnx("HARK_HTTP_WORK_TIMEOUT=%s is not a number of seconds (0.001-3600): "
		          "using %g",
		          log_quote(e), HWORK_TIMEOUT);
		return HWORK_TIMEOUT;
	}
	return t;
}

struct hwork_job *
hwork_job_new(enum hwork_kind kind, struct evhttp_request *req, const char *text, size_t len,
              hwork_answer_fn answer, void *arg)
{
	struct hwork_job *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->text = malloc(len + 1)) == NULL) {
		free(j);
		return NULL;
	}
	memcpy(j->text, text, len);
	j->text[len] = '\0';
	j->len = len;
	j->kind = kind;
	j->req = req;
	j->answer = answer;
	j->arg = arg;
	diags_init(&j->d);
	return j;
}

void
hwork_job_free(struct hwork_job *j)
{
	if (j == NULL)
		return;
	free(j->text);
	diags_free(&j->d);
	json_decref(j->hits);
	if (j->ctx_free != NULL)
		j->ctx_free(j->ctx);
	free(j);
}

/* ---- what the worker does ---- */

/* A job's run: the worker thread's. */
struct run {
	struct hwork *w;
	struct hwork_job *j;
	struct matcher *m;
	char *fts; /* the FTS5 query narrowing the articles; NULL: every one */
	int64_t deadline;
	int matched; /* HWORK_HITS: the article matches */
	int failed;  /* out of memory */
	const struct document *doc;
	char seen[32];     /* HWORK_TRY: doc's seen_at, RFC 3339: its hits' detected_at */
	int64_t last_seen; /* HWORK_TRY: seen_at of the last article looked at (seconds) */
	int looked;
};

static int
doc_field(struct document *doc, enum field f, const char *s)
{
	return s == NULL ? 0 : doc_set_field(doc, f, s, strlen(s));
}

/* The document of a stored article as harkd matched it (as hark backtest makes it). */
static int
doc_from_row(struct document *doc, const struct store_article_row *r)
{
	memset(doc, 0, sizeof(*doc));
	if (doc_field(doc, F_TITLE, r->title) < 0 || doc_field(doc, F_BODY, r->body) < 0 ||
	    doc_field(doc, F_URL, r->url) < 0 || doc_field(doc, F_SOURCE, r->source) < 0)
		return -1;
	if ((r->file != NULL && (doc->file = strdup(r->file)) == NULL) ||
	    (r->url != NULL && (doc->url = strdup(r->url)) == NULL) ||
	    (r->canonical != NULL && (doc->canonical = strdup(r->canonical)) == NULL) ||
	    (r->published != NULL && (doc->published = strdup(r->published)) == NULL))
		return -1;
	if (r->lang != NULL)
		snprintf(doc->lang, sizeof(doc->lang), "%s", r->lang);
	if (r->id != NULL)
		snprintf(doc->id, sizeof(doc->id), "%s", r->id);
	doc->simhash = r->simhash;
	return 0;
}

static bool
run_cut(struct run *r)
{
	if (atomic_load(&r->w->stop) || now_ns() >= r->deadline)
		r->j->cut = 1;
	return r->j->cut;
}

static int
match_any(const struct hit *h, void *arg)
{
	(void)h;
	((struct run *)arg)->matched = 1;
	return 1; /* one is enough */
}

static int
match_article(const struct store_article_row *row, void *arg)
{
	struct run *r = arg;
	struct document doc;

	/* its text removed by retention: not searched (cmd_backtest.c article_cb) */
	if (row->body == NULL)
		return 0;
	if (doc_from_row(&doc, row) < 0 || matcher_run(r->m, &doc, match_any, r) < 0)
		r->failed = 1;
	doc_free(&doc);
	return 0;
}

/* One hit read from the store: what the batch keeps of it. */
struct brow {
	char *article_id, *json; /* owned */
	int64_t detected_at;
};

struct batch {
	struct brow *v;
	size_t n;
	int oom;
	const char *ids[HWORK_BATCH];    /* the rows' article ids, for the index */
	unsigned char cand[HWORK_BATCH]; /* whether the index lets row i's article through */
};

static int
batch_add(const struct store_hit_row *h, void *arg)
{
	struct batch *b = arg;
	struct brow *row = &b->v[b->n];

	if ((row->article_id = strdup(h->article_id)) == NULL ||
	    (row->json = strdup(h->json)) == NULL) {
		free(row->article_id);
		b->oom = 1;
		return 1;
	}
	row->detected_at = h->detected_at;
	b->n++;
	return 0;
}

static void
batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].article_id);
		free(b->v[i].json);
	}
	b->n = 0;
}

static int
ignore_row(const struct store_hit_row *h, void *arg)
{
	(void)h;
	(void)arg;
	return 0;
}

/*
 * The cursor after the first k hits read from before (k >= 1): the next of
 * a page of k. Not under the deadline: one page of an index.
 */
static int
cursor_after(struct run *r, const char *before, size_t k, char *next)
{
	struct store_hit_filter f = r->j->f;
	char why[256];
	int rc;

	f.before = before;
	f.limit = (int)k;
	store_scan_deadline(r->w->sc, 0);
	rc = store_hits_page(r->w->st, &f, ignore_row, NULL, next, STORE_CURSOR_MAX, why,
	                     sizeof(why));
	store_scan_deadline(r->w->sc, r->deadline);
	return rc;
}

/* Set the error of a failed store call; a cut is not one. */
static void
store_failed(struct run *r, int rc, const char *why)
{
	struct hwork_job *j = r->j;

	if (rc == STORE_INVALID) {
		j->status = 400;
		snprintf(j->err, sizeof(j->err), "%s: %s", j->f.before != NULL ? "before" : "limit",
		         why);
	} else {
		j->status = 503;
		snprintf(j->err, sizeof(j->err), "database: %s", why);
	}
}

/* How the look at a batch ended. */
enum look { LOOK_ALL, LOOK_FULL, LOOK_CUT, LOOK_FAILED };

/*
 * Look at the hits of b in order, keeping those whose article matches,
 * until the page has limit of them. The index is asked once for the
 * batch (the articles it lets through are then loaded and matched, each
 * once in a row of hits of one article). *at: row *at stopped it (the
 * one that filled the page, or the first not looked at when cut).
 */
static enum look
batch_look(struct run *r, struct batch *b, int limit, int *kept, int64_t *last_at, size_t *at,
           char *why, size_t whysz)
{
	struct hwork_job *j = r->j;
	char last_id[64] = "";
	int last_match = 0, rc;
	size_t i;

	*at = 0;
	for (i = 0; i < b->n; i++) {
		b->ids[i] = b->v[i].article_id;
		b->cand[i] = 1;
	}
	if (r->fts != NULL && b->n > 0 &&
	    (rc = store_scan_fts_filter(r->w->sc, r->fts, b->ids, b->n, b->cand, why, whysz)) !=
	        0) {
		if (store_scan_cut(r->w->sc))
			return LOOK_CUT;
		store_failed(r, rc, why);
		return LOOK_FAILED;
	}
	for (i = 0; i < b->n; i++) {
		struct brow *row = &b->v[i];

		*at = i;
		if (run_cut(r))
			return LOOK_CUT;
		if (b->cand[i] && strcmp(row->article_id, last_id) != 0) {
			r->matched = 0;
			rc = store_scan_article(r->w->sc, row->article_id, NULL, match_article, r,
			                        why, whysz);
			if (r->failed)
				return LOOK_FAILED;
			if (rc < 0) {
				if (store_scan_cut(r->w->sc))
					return LOOK_CUT;
				store_failed(r, rc, why);
				return LOOK_FAILED;
			}
			snprintf(last_id, sizeof(last_id), "%s", row->article_id);
			last_match = r->matched;
		}
		*last_at = row->detected_at;
		if (b->cand[i] && last_match) {
			if (apijson_hit_append(j->hits, row->json) < 0)
				log_warnx("http: a stored hit of %s is not a JSON object: left out",
				          log_quote(row->article_id));
			else if (++*kept == limit)
				return LOOK_FULL;
		}
	}
	return LOOK_ALL;
}

/*
 * q=: the hits that pass the filters and whose article matches, a page of
 * them. Reads batches of hits from the cursor on and looks at each
 * (batch_look). The cursor given back is the place after the last hit
 * looked at, whether the page filled, the hits ran out or the time did.
 */
static void
run_hits(struct run *r)
{
	struct hwork_job *j = r->j;
	struct batch *b = calloc(1, sizeof(*b)); /* owned */
	int limit = j->f.limit == 0 ? STORE_PAGE_DEFAULT : j->f.limit, kept = 0, rc;
	char before[STORE_CURSOR_MAX] = "", pnext[STORE_CURSOR_MAX], why[400];
	const char *from = NULL; /* before, once there is one */
	int64_t last_at = -1;
	size_t at;

	if (b == NULL || (b->v = calloc(HWORK_BATCH, sizeof(*b->v))) == NULL) {
		free(b);
		r->failed = 1;
		return;
	}
	if (j->f.before != NULL) {
		snprintf(before, sizeof(before), "%s", j->f.before);
		from = before;
	}
	j->next[0] = '\0';
	for (;;) {
		struct store_hit_filter f = j->f;
		enum look lk;

		f.before = from;
		f.limit = HWORK_BATCH;
		batch_clear(b);
		rc = store_hits_page(r->w->st, &f, batch_add, b, pnext, sizeof(pnext), why,
		                     sizeof(why));
		if (b->oom) {
			r->failed = 1;
			break;
		}
		if (rc != 0) {
			if (store_scan_cut(r->w->sc) || run_cut(r)) {
				j->cut = 1; /* nothing of this batch looked at: the cursor stays */
				snprintf(j->next, sizeof(j->next), "%s", from != NULL ? from : "");
			} else {
				store_failed(r, rc, why);
			}
			break;
		}
		lk = batch_look(r, b, limit, &kept, &last_at, &at, why, sizeof(why));
		if (lk == LOOK_FAILED)
			break;
		if (lk == LOOK_CUT) {
			/* rows 0..at-1 looked at */
			j->cut = 1;
			if (at == 0)
				snprintf(j->next, sizeof(j->next), "%s", from != NULL ? from : "");
			else if (cursor_after(r, from, at, j->next) != 0)
				j->next[0] = '\0';
			break;
		}
		if (lk == LOOK_FULL) {
			/* the page is full at row at: on from after it */
			if (at + 1 == b->n)
				snprintf(j->next, sizeof(j->next), "%s", pnext);
			else if (cursor_after(r, from, at + 1, j->next) != 0)
				j->next[0] = '\0';
			break;
		}
		if (pnext[0] == '\0')
			break; /* every hit looked at */
		snprintf(before, sizeof(before), "%s", pnext);
		from = before;
	}
	if (j->cut) {
		if (last_at >= 0)
			apijson_time(last_at, j->searched_to);
		/* cut before the first hit: read again from the start (no bound) */
		if (j->next[0] == '\0')
			snprintf(j->next, sizeof(j->next), "%lld-%lld", (long long)INT64_MAX,
			         (long long)INT64_MAX);
	}
	batch_clear(b);
	free(b->v);
	free(b);
}

static int
try_hit(const struct hit *h, void *arg)
{
	struct run *r = arg;
	json_t *o = hit_to_json(r->doc, h, r->seen);

	if (o == NULL || json_array_append_new(r->j->hits, o) < 0) {
		r->failed = 1;
		return 1;
	}
	return json_array_size(r->j->hits) >= HWORK_TRY_HITS;
}

static int
try_article(const struct store_article_row *row, void *arg)
{
	struct run *r = arg;
	struct document doc;

	if (run_cut(r))
		return 1;
	r->looked = 1;
	r->last_seen = row->seen_at;
	/*
	 * A try's hit is dated when its article was stored, when a rule then
	 * in force would have hit it; not when the try ran, a time the same
	 * on every hit, which the page would show as the hit's.
	 */
	apijson_time(row->seen_at * 1000, r->seen);
	/* its text removed by retention: not searched (cmd_backtest.c article_cb) */
	if (row->body == NULL)
		return 0;
	if (doc_from_row(&doc, row) < 0) {
		r->failed = 1;
	} else {
		r->doc = &doc;
		if (matcher_run(r->m, &doc, try_hit, r) < 0)
			r->failed = 1;
		r->doc = NULL;
	}
	doc_free(&doc);
	return r->failed || json_array_size(r->j->hits) >= HWORK_TRY_HITS;
}

/* /try: the newest articles the rules hit, as hark backtest finds them. */
static void
run_try(struct run *r)
{
	char why[400];
	int rc;

	rc = store_scan_newest(r->w->sc, r->fts, try_article, r, why, sizeof(why));
	if (rc != 0 && !r->j->cut) {
		if (store_scan_cut(r->w->sc))
			r->j->cut = 1;
		else
			store_failed(r, rc, why);
	}
	if (r->j->cut && r->looked)
		apijson_time(r->last_seen * 1000, r->j->searched_to);
}

static void
job_run(struct hwork *w, struct hwork_job *j)
{
	struct run r = {.w = w, .j = j};
	struct ruleset *rs;
	int all = 0;

	r.deadline = now_ns() + w->timeout_ns;
	{
		/* retention (keep_articles) removes old texts: the search says how far back it saw
		 */
		int64_t from;
		char why[256];

		if (store_oldest_text(w->st, &from, why, sizeof(why)) == 1)
			apijson_time(from * 1000, j->archive_from);
	}
	if ((j->hits = json_array()) == NULL) {
		r.failed = 1;
		goto out;
	}
	/* harkd stopping cancels a long compile too */
	rs = try_compile(j->text, j->len, j->kind == HWORK_TRY && j->as_rules, &w->stop, &j->d);
	if (rs == NULL) {
		/* q=: the first error; /try answers with every diagnostic */
		if (j->kind == HWORK_HITS) {
			j->status = 400;
			for (size_t i = 0; i < j->d.n; i++)
				if (j->d.v[i].sev == DIAG_ERROR) {
					diag_format(&j->d.v[i], j->err, sizeof(j->err));
					break;
				}
		}
		goto out;
	}
	r.m = matcher_new(rs);
	r.fts = ruleset_nrules(rs) > 0 ? presearch_query(rs, &all) : NULL;
	if (r.m == NULL || (r.fts == NULL && !all && ruleset_nrules(rs) > 0)) {
		r.failed = 1;
	} else if (ruleset_nrules(rs) > 0) {
		store_scan_deadline(w->sc, r.deadline);
		if (j->kind == HWORK_HITS)
			run_hits(&r);
		else
			run_try(&r);
		store_scan_deadline(w->sc, 0);
	}
	matcher_free(r.m);
	free(r.fts);
	ruleset_free(rs);
out:
	if (r.failed) {
		j->status = 500;
		snprintf(j->err, sizeof(j->err), "out of memory");
	}
}

static void *
hwork_main(void *arg)
{
	struct hwork *w = arg;

	/*
	 * Nice 10, this thread alone (Linux): on a busy machine a search
	 * yields the CPU to the loop and the ingest workers; it may only get
	 * slower, and its time limit still holds.
	 */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) < 0)
		log_debug("http: the worker's priority: %s", strerror(errno));

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct hwork_job *j;

		while (!w->stopping && w->todo == NULL)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stopping)
			break;
		j = w->todo;
		if ((w->todo = j->link) == NULL)
			w->todo_tail = &w->todo;
		pthread_mutex_unlock(&w->mu);
		job_run(w, j);
		pthread_mutex_lock(&w->mu);
		j->link = NULL;
		*w->done_tail = j;
		w->done_tail = &j->link;
		if (write(w->efd, &(uint64_t){1}, sizeof(uint64_t)) < 0) {
			/* the counter cannot overflow at this rate: nothing to do */
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- the loop's side ---- */

/*
 * A connection has closed: evhttp frees its requests; the jobs forget
 * them. Every pushed job of that connection, should evhttp ever hold two.
 */
static void
hwork_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct hwork *w = arg;

	for (size_t i = 0; i < w->queued; i++)
		if (w->conn[i] == evcon) {
			w->out[i]->req = NULL;
			w->conn[i] = NULL;
		}
}

/* j is handed back (or dropped): out of the loop's table, its connection's callback off. */
static void
hwork_forget(struct hwork *w, struct hwork_job *j)
{
	struct evhttp_connection *c = NULL;
	size_t i;

	for (i = 0; i < w->queued && w->out[i] != j; i++)
		;
	if (i == w->queued)
		return;
	c = w->conn[i];
	w->queued--;
	w->out[i] = w->out[w->queued];
	w->conn[i] = w->conn[w->queued];
	/* the connection's other jobs, if any, still need to hear of its close */
	for (i = 0; c != NULL && i < w->queued; i++)
		if (w->conn[i] == c)
			return;
	if (c != NULL)
		evhttp_connection_set_closecb(c, NULL, NULL);
}

static void
hwork_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hwork *w = arg;
	struct hwork_job *j, *list;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warnx("http: the worker's eventfd: %s", strerror(errno));
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->mu);
	while ((j = list) != NULL) {
		list = j->link;
		hwork_forget(w, j);
		if (j->req != NULL) {
			j->answer(j);
		} else {
			log_debug("http: a %s's client left before its answer",
			          j->kind == HWORK_TRY ? "try" : "q=");
		}
		hwork_job_free(j);
	}
}

struct hwork *
hwork_new(struct event_base *base, const char *dbpath, char *err, size_t errsz)
{
	struct hwork *w = calloc(1, sizeof(*w));
	int e;

	if (w == NULL) {
		snprintf(err, errsz, "http: out of memory");
		return NULL;
	}
	w->base = base;
	w->efd = -1;
	w->todo_tail = &w->todo;
	w->done_tail = &w->done;
	w->timeout_ns = (int64_t)(hwork_timeout() * 1e9);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	/* its own connection: a long read never holds the pages' one */
	if (store_open(dbpath, STORE_READ, 100, &w->st, err, errsz) < 0 ||
	    store_scan_new(w->st, &w->sc, err, errsz) < 0)
		goto fail;
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		snprintf(err, errsz, "http: eventfd: %s", strerror(errno));
		goto fail;
	}
	w->ev_done = event_new(base, w->efd, EV_READ | EV_PERSIST, hwork_done_cb, w);
	if (w->ev_done == NULL || event_add(w->ev_done, NULL) < 0) {
		snprintf(err, errsz, "http: cannot watch the eventfd");
		goto fail;
	}
	if ((e = pthread_create(&w->thread, NULL, hwork_main, w)) != 0) {
		snprintf(err, errsz, "http: pthread_create: %s", strerror(e));
		goto fail;
	}
	w->started = 1;
	return w;
fail:
	hwork_free(w);
	return NULL;
}

int
hwork_push(struct hwork *w, struct hwork_job *j)
{
	struct evhttp_connection *c = evhttp_request_get_connection(j->req);

	if (w->queued >= HWORK_QUEUE + 1)
		return -1;
	w->out[w->queued] = j;
	w->conn[w->queued] = c;
	w->queued++;
	if (c != NULL)
		evhttp_connection_set_closecb(c, hwork_conn_closed, w);
	j->link = NULL;
	pthread_mutex_lock(&w->mu);
	*w->todo_tail = j;
	w->todo_tail = &j->link;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void
hwork_free(struct hwork *w)
{
	struct hwork_job *j;

	if (w == NULL)
		return;
	atomic_store(&w->stop, 1);
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	if (w->sc != NULL)
		store_scan_interrupt(w->sc); /* the statement running stops now */
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->thread, NULL);
	/* the evhttp frees the requests: their connections must not call back into freed jobs */
	while ((j = w->todo) != NULL) {
		w->todo = j->link;
		hwork_forget(w, j);
		hwork_job_free(j);
	}
	while ((j = w->done) != NULL) {
		w->done = j->link;
		hwork_forget(w, j);
		hwork_job_free(j);
	}
	if (w->ev_done != NULL)
		event_free(w->ev_done);
	if (w->efd >= 0)
		close(w->efd);
	store_scan_free(w->sc);
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

void
hwork_cut_note(const struct hwork_job *j, const struct page_zone *zone, const char *what, char *out,
               size_t outsz)
{
	char shown[DATE_SHOW_MAX];
	int64_t t;

	/* the time as the page shows every time: in harkd's zone, with its offset */
	if (j->searched_to[0] != '\0' && date_seconds(j->searched_to, &t) == 0 &&
	    date_show(t, page_zone_offset(zone, t), 0, shown) == 0)
		snprintf(out, outsz,
		         "The search stopped at its time limit (%g s): it looked at the %s back to "
		         "%s.%s",
		         hwork_timeout(), what, shown,
		         j->kind == HWORK_HITS ? " Older reads on from there." : "");
	else if (j->searched_to[0] != '\0')
		snprintf(out, outsz,
		         "The search stopped at its time limit (%g s): it looked at the %s back to "
		         "%s.%s",
		         hwork_timeout(), what, j->searched_to,
		         j->kind == HWORK_HITS ? " Older reads on from there." : "");
	else
		snprintf(out, outsz,
		         "The search stopped at its time limit (%g s) before it could look at "
		         "any of the %s.%s",
		         hwork_timeout(), what, j->kind == HWORK_HITS ? " Older tries again." : "");
}

json_t *
hwork_cut_json(const struct hwork_job *j)
{
	return json_pack(
	    "{s:s,s:o,s:o}", "reason", "time limit", "searched_to",
	    j->searched_to[0] != '\0' ? json_string(j->searched_to) : json_null(), "next",
	    j->kind == HWORK_HITS && j->next[0] != '\0' ? json_string(j->next) : json_null());
}
