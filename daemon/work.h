/*
 * work.h: extraction and matching, off the event loop. The loop thread
 * reads a file into a job and pushes it; a worker thread extracts the
 * articles, matches them, renders the hits, and hands the job back; the
 * loop thread stores it. With no worker thread the loop runs one job per
 * turn itself (the bounded-work design, kept to measure against).
 */
#ifndef HARK_WORK_H
#define HARK_WORK_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "extract.h"
#include "lang.h"
#include "match.h"

#define WORK_MAX_THREADS 16

/*
 * A compiled rule set and the matchers built for it. Jobs hold a reference
 * so a reload can swap rule sets while older jobs finish with theirs. Only
 * the loop thread takes and drops references; matcher slot i is touched
 * only by worker i (slot 0: the loop thread in inline mode), and freed by
 * the last unref, when no job uses the set.
 */
struct rules {
	struct ruleset *rs; /* owned */
	unsigned refs;
	struct matcher *m[WORK_MAX_THREADS + 1];
};
/* Take ownership of rs; one reference. NULL when out of memory (rs is freed). */
struct rules *rules_new(struct ruleset *rs);
struct rules *rules_ref(struct rules *r);
void rules_unref(struct rules *r);

struct work_hit {
	char id[24];             /* "h_..." from the hit object */
	const char *rule_id;     /* borrowed from the rule set of the job */
	const struct rule *rule; /* likewise: its notify list routes the hit */
	char *json;              /* owned: the hit object, one line */
	char *snippet;           /* owned: for the log line */
	int64_t detected_at;     /* Unix ms */
	int alert;               /* the loop thread's: announced (not a near duplicate's repeat) */
	int muted;               /* the loop thread's: its rule muted (hark mute): nothing sent */
	/*
	 * the loop thread's: not alerted because its rule alerted in the
	 * group: 1 on an earlier text of the article a revision revises, 2 on
	 * a near duplicate of it; 0 when not held back
	 */
	int held;
};

struct work_doc {
	struct document *doc; /* borrowed from the job's extraction */
	char content_hash[65];
	struct work_hit *hits; /* owned */
	size_t nhits;
	/* the rules whose regex hit a PCRE2 limit on it (matcher_limited), to warn of */
	const struct rule **limited; /* owned array; the rules are the job's rule set's */
	size_t nlimited;
	char *index_text; /* owned: its full-text index keys (presearch.h), until indexer_offer */
	int64_t seq;      /* the loop thread's: its storage order once stored */
	int stored;       /* the loop thread's: 1 once committed as a new article */
	int fresh;        /* the loop thread's: a feed item not seen before */
	char item[64];    /* feed jobs: the entry's key among the feed's items (see job_run) */
	/*
	 * feed jobs: item's ID is this entry's own: it has one (a guid, Atom
	 * id, JSON Feed id or link) and no other entry of the body has it with
	 * another text. Another text of an entry whose ID is its own is a
	 * revision of it; a feed that gives one ID to different items has
	 * each read as an item of its own.
	 */
	int item_own;
	/*
	 * feed jobs, and feed files dropped or posted: the entry has an id (a
	 * guid, Atom id, JSON Feed id) and another entry of the body has
	 * another id at its link: the feed lists them at once as different
	 * items (a home or section page every item links to), so the link says
	 * nothing of which article it is: it is a revision by its own id only,
	 * else an article of its own, whoever holds the address (intake.c
	 * intake_revision).
	 */
	int link_shared;
	char dup_of[32]; /* the loop thread's: an exact duplicate's stored article, else "" */
	/* the loop thread's: a revision (its feed item's text changed): the first one's id */
	char revision_of[32];
	int near; /* the loop thread's: stored in an earlier article's group (near_of) */
	/*
	 * the loop thread's: an item of its own at a link whose address this
	 * feed's article holds: stored without the address
	 */
	int no_address;
	int revision_moved; /* the loop thread's: a revision whose link is not the first's address
	                     */
};

/* A new item of a fetch_article feed, handed back to fetch its page. */
struct feed_new_item {
	char key[64];     /* its key among the feed's items */
	struct article a; /* owned: url, title, published, id, and its own text as body */
};
void feed_new_items_free(struct feed_new_item *v, size_t n);

/*
 * A feed job (a poll's body) instead of a drop file: the feed's name is the
 * articles' source, and the poller hears of the outcome after the commit.
 * With fetch_article, new items are not stored but handed back; each comes
 * again as a page job (page_item set): the linked page, or the item's own
 * text when the page could not be fetched, stored as that item.
 */
struct job_feed {
	char *name;      /* owned; the feed's name: the source of its articles */
	char *lang_hint; /* owned; the feed's configured lang, or NULL */
	char *charset;   /* owned; from the Content-Type, or NULL */
	/* a fetched page's: text/markdown read as Markdown; else EXTRACT_SNIFF */
	enum extract_declared declared;
	char *base_url; /* owned; the URL the body came from, for relative links */
	int fetch_article;
	struct article *page_item; /* owned; a page job's item: defaults of the page */
	char page_key[64];         /* a page job's item key */
	/*
	 * A poll's body is read FEED_PAGE_ENTRIES entries at a time, one job
	 * each: this job's entries start at first; the worker sets more when
	 * entries follow, for the poller to hand over the next page.
	 */
	size_t first;
	int more;
	char warning[320]; /* the worker's: the body's warning (its first page only), or "" */
	int cut;           /* the worker's: the body ended inside an item, left out */
	/*
	 * Called on the loop thread once the job is committed (rc 0) or failed
	 * (-1, why). items (fetch_article feed jobs: the new ones, to fetch)
	 * become the callee's: feed_new_items_free().
	 */
	void (*done)(void *arg, int rc, const char *why, unsigned new_items,
	             struct feed_new_item *items, size_t nitems);
	void *arg;
};

struct job;

/*
 * A POST /api/v1/articles body instead of a drop file: the same extraction,
 * matching and commit, with "api" as the articles' source, the format and
 * charset the Content-Type declared, and the answer sent from done.
 */
struct job_post {
	enum extract_declared declared; /* the Content-Type's format */
	char *charset;                  /* owned; the Content-Type's charset parameter, or NULL */
	char *lang_hint;                /* owned; Content-Language, or NULL */
	/*
	 * Called once on the loop thread: after the commit (rc 0: each of
	 * j->docs stored, or dup_of set), or when the body is not an article
	 * (rc 1, why) or cannot be read (rc -1, why: out of memory; or harkd
	 * exiting with it uncommitted: j NULL). The job stays the intake's.
	 */
	void (*done)(void *arg, int rc, const char *why, const struct job *j);
	void *arg;
	int called; /* done was called */
};

struct job {
	/* set by the loop thread before work_push() */
	char *name;  /* owned; the name in incoming/ */
	char *bytes; /* owned; freed by the worker once extracted */
	size_t len;
	struct rules *rules; /* a reference, dropped by job_free() */
	size_t max_size;
	char lang_prior[LANG_PRIOR_MAX]; /* the configured languages (lang.h), "" for none */
	struct job_feed *feed;           /* owned; NULL for a drop file */
	struct job_post *post;           /* owned; NULL but for POST /api/v1/articles */
	/* a drop file's declarations by hark ingest --lang, --charset (dropdir_meta_get), or "" */
	char lang[8];
	char charset[32];
	/* set by the worker */
	int failed; /* the file is not an article: why says it */
	char why[256];
	struct extraction x;   /* owns the documents */
	struct work_doc *docs; /* owned; x.ndocs of them */
	size_t ndocs;
	int64_t queued_ns, done_ns; /* CLOCK_MONOTONIC, for latency figures */
	/* the loop thread's: a fetch_article feed's new items, for the poller */
	struct feed_new_item *newitems;
	size_t nnew;
	struct job *next; /* the loop's lists */
};

struct job *job_new(char *name, char *bytes, size_t len, struct rules *rules, size_t max_size);
void job_free(struct job *j);

/* Called on the loop thread with the jobs finished since the last call. */
typedef void (*work_done_fn)(struct job **jobs, size_t n, void *arg);

struct work;
/*
 * nthreads worker threads (0: inline, one job a turn of the loop). Returns
 * NULL with err on failure.
 */
struct work *work_new(struct event_base *base, int nthreads, work_done_fn done, void *arg,
                      char *err, size_t errsz);
/* Hand j to the workers; owned by them until given back to done. */
void work_push(struct work *w, struct job *j);
/* Jobs pushed and not yet given back. */
size_t work_busy(const struct work *w);
int work_threads(const struct work *w);
/* Stop the threads (after finishing the job each is in) and free. Unfinished jobs are freed. */
void work_free(struct work *w);

/* Extract and match one job (what a worker does); slot names the matcher. */
void job_run(struct job *j, int slot);

#endif
