/*
 * httpd_work.h: the reads of the archive that may take long (q= on the
 * hits, /try), off harkd's loop (HTTP.md: the loop never waits on a
 * request). One thread with a read-only SQLite connection of its own
 * (WAL: it never blocks the writer, nor the pages' connection); the loop
 * hands it a job and hears of the result through an eventfd, as work.c
 * hands back ingest jobs. Each job has a time limit (HWORK_TIMEOUT,
 * HARK_HTTP_WORK_TIMEOUT for the tests), kept both inside SQLite (a
 * progress handler, store_scan_deadline) and between the articles matched:
 * a job cut says so and where. At most HWORK_QUEUE jobs wait beside the
 * one running: past that the route answers 503 with Retry-After.
 *
 * A client may leave while its job runs: the connection's close callback
 * forgets the request (the job's req is then NULL) and the result is
 * dropped when it comes back. Only the loop thread touches req.
 */
#ifndef HARK_HTTPD_WORK_H
#define HARK_HTTPD_WORK_H

#include <event2/event.h>
#include <event2/http.h>
#include <stdint.h>

#include <jansson.h>

#include "diag.h"
#include "page.h"
#include "store.h"

#define HWORK_QUEUE 4         /* jobs waiting while one runs */
#define HWORK_TIMEOUT 5.0     /* seconds a job may run */
#define HWORK_TRY_HITS 50     /* the hits /try lists, at most */
#define HWORK_RETRY_AFTER "5" /* seconds, for a 503 when the queue is full */

enum hwork_kind {
	HWORK_HITS, /* a page of the stored hits whose article text matches */
	HWORK_TRY,  /* the archive's articles the text hits (the backtest path) */
};

struct hwork_job;
typedef void (*hwork_answer_fn)(struct hwork_job *j);

struct hwork_job {
	enum hwork_kind kind;
	/* in: the loop's, read by the worker */
	char *text; /* owned, NUL-terminated: q=, or what /try was given */
	size_t len;
	int as_rules;              /* HWORK_TRY: text is a rule file */
	struct store_hit_filter f; /* HWORK_HITS: the filters; strings the ctx's */
	/* out: the worker's, the loop's once handed back */
	int status;    /* 0, or the HTTP status with err */
	char err[512]; /* one line */
	struct diags d;
	json_t *hits;                /* an array of hit objects (CLI.md) */
	char next[STORE_CURSOR_MAX]; /* HWORK_HITS: the cursor of the page after, "" at the end */
	int cut;                     /* stopped at the time limit */
	char searched_to[32];        /* then: RFC 3339 of the last hit or article looked at ("") */
	char archive_from[32]; /* RFC 3339 of the oldest article keeping its text ("": none) */
	/* the loop's */
	struct evhttp_request *req; /* NULL once its client has gone */
	hwork_answer_fn answer;     /* called on the loop with the result, req still there */
	void *ctx;                  /* the route's, freed by ctx_free */
	void (*ctx_free)(void *ctx);
	void *arg;              /* the route's (its struct httpd) */
	struct hwork_job *link; /* the worker's lists */
};

/* A new job for req (text copied): NULL when out of memory. */
struct hwork_job *hwork_job_new(enum hwork_kind kind, struct evhttp_request *req, const char *text,
                                size_t len, hwork_answer_fn answer, void *arg);
void hwork_job_free(struct hwork_job *j);

struct hwork;
/* The worker on base, reading dbpath read-only. NULL with err. */
struct hwork *hwork_new(struct event_base *base, const char *dbpath, char *err, size_t errsz);
/*
 * Queue j (it is the worker's until handed to j->answer, or freed when its
 * client has gone). Returns 0; -1 when the queue is full: j is still the
 * caller's, who answers 503.
 */
int hwork_push(struct hwork *w, struct hwork_job *j);
/* Stop the thread (cutting the job it runs) and free; unanswered jobs are dropped. */
void hwork_free(struct hwork *w);

/*
 * A job cut: {"reason": "time limit", "searched_to": RFC 3339 or null,
 * "next": the cursor to read on from (q=) or null}.
 */
json_t *hwork_cut_json(const struct hwork_job *j);
/*
 * The same as a sentence for a page, its time in zone (the page's); what:
 * what was looked at ("hits", "articles").
 */
void hwork_cut_note(const struct hwork_job *j, const struct page_zone *zone, const char *what,
                    char *out, size_t outsz);

/* The time limit of a job in seconds (HARK_HTTP_WORK_TIMEOUT, else HWORK_TIMEOUT). */
double hwork_timeout(void);

#endif
