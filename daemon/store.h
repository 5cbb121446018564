/*
 * store.h: the SQLite database (state_dir/hark.db). store.c is the only code
 * that touches sqlite3*. WAL, so `hark hits` and `hark status` read while
 * harkd writes; every statement prepared once; the schema versioned by
 * PRAGMA user_version with forward migrations.
 *
 * Errors: functions return -1 with a one-line reason in err (the SQLite
 * message and what was being done), or STORE_BUSY when the database stayed
 * locked by another writer past the busy timeout: the caller keeps its work
 * and tries again later. -1 is worth trying again later too (a full disk,
 * out of memory). STORE_FATAL is a permanent error, which waiting does not
 * cure: the database is corrupt (SQLITE_CORRUPT, SQLITE_NOTADB), cannot be
 * written (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN, an I/O error), or
 * its file was deleted or replaced since it was opened. After the first
 * STORE_FATAL the store refuses every write with STORE_FATAL, and the
 * callback of store_on_fatal() is told once.
 */
#ifndef HARK_STORE_H
#define HARK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_BUSY (-2)
#define STORE_FATAL (-3)
#define STORE_INVALID (-4) /* the caller's request is invalid (a malformed cursor): its fault */

struct store;

enum store_mode {
	STORE_READ,   /* the commands: read only; the database must exist */
	STORE_WRITE,  /* creates the file, migrates the schema (hark redeliver) */
	STORE_DAEMON, /* harkd: STORE_WRITE, and PRAGMA quick_check first */
};

/*
 * Open path. busy_ms is how long a statement waits for another writer's
 * lock before STORE_BUSY. Returns 0 with *out (store_close), STORE_BUSY
 * when another writer's lock or a full disk (a cause that passes) kept it
 * from opening, to try again later, or -1.
 *
 * STORE_DAEMON first checks that the database passes PRAGMA quick_check
 * (it reads every page: 0.2 s for 100 MB from the page cache, 1.2 s cold). Both
 * writers check after migrating that a write reaches the disk (the file,
 * its -wal and -shm may be written): a corrupt or read-only database is an
 * error at start-up, not a retry loop later. They remember the file's
 * device and inode: each store_begin() checks that path still names it.
 */
int store_open(const char *path, enum store_mode mode, int busy_ms, struct store **out, char *err,
               size_t errsz);
void store_close(struct store *st);

/*
 * The writer's checkpoints (copying the WAL's pages into hark.db once it
 * has grown past 1,000 pages) move from its commits to a thread of their
 * own with a connection of its own (PASSIVE: the writer and the readers
 * wait for it never). harkd's loop commits, and a checkpoint there took
 * up to several hundred ms of a turn. The durability of a commit is the
 * WAL's and does not change. Stopped by store_close() and at the first
 * permanent error. Returns 0, or -1 with err (the writer then checkpoints
 * at its commits, as before).
 */
int store_checkpoint_thread(struct store *st, char *err, size_t errsz);

/*
 * The writer's hooks (harkd). fatal(arg, why) is called once, at the first
 * permanent error, from inside the failing call: it must not call the store
 * (harkd logs and leaves its loop). guard(arg, err, errsz) is called at each
 * store_begin(), after the store's own check of its file: non-zero (with
 * err) makes it a permanent error (harkd checks that its lock file is still
 * the one it holds).
 */
void store_on_fatal(struct store *st, void (*fatal)(void *arg, const char *why), void *arg);
void store_set_guard(struct store *st, int (*guard)(void *arg, char *err, size_t errsz), void *arg);

/*
 * One write transaction (BEGIN IMMEDIATE ... COMMIT), durable at commit.
 * store_begin first checks that the database file is still the one opened
 * (and not immutable where SQLite maps it), and the guard: STORE_FATAL.
 */
int store_begin(struct store *st, char *err, size_t errsz);
int store_commit(struct store *st, char *err, size_t errsz);
void store_rollback(struct store *st);

/* An article as it is stored. Strings are borrowed; NULL when absent. */
struct store_article {
	const char *id; /* "a_" + 16 hex (doc.h) */
	const char
	    *content_hash;     /* hex SHA-256 of title "\n" body: the same content is one article */
	const char *canonical; /* canonical URL: the same address is one article */
	const char *url, *title, *body, *lang, *published, *source, *file;
	const char *format, *charset; /* how it was read: "html", "windows-1256"... */
	uint64_t simhash;
	const char *near_of; /* the first article of its near-duplicate group, or NULL */
	/* a revision (a feed item's changed text): the article holding its address, or NULL */
	const char *revision_of;
	int64_t seen_at; /* Unix seconds */
};

/*
 * An exact duplicate already stored: same content hash, or same canonical
 * URL when canonical is not NULL. Returns 1 (same content) or 2 (same
 * address, other content: a changed version) with its id in id (idsz >=
 * 24), 0 when none, -1 or STORE_BUSY.
 */
int store_article_find(struct store *st, const char *content_hash, const char *canonical, char *id,
                       size_t idsz, char *err, size_t errsz);
/*
 * A near duplicate: an article seen at or after since whose SimHash differs
 * in at most maxdist (<= 7) bits. Returns 1 with the id of its group's first
 * article (its near_of, or itself), 0 when none, -1 or STORE_BUSY.
 */
int store_article_near(struct store *st, uint64_t simhash, int64_t since, int maxdist, char *id,
                       size_t idsz, char *err, size_t errsz);
/* Insert an article (inside store_begin). Returns 0, -1 or STORE_BUSY. */
int store_article_add(struct store *st, const struct store_article *a, char *err, size_t errsz);
/* The storage order (seq) store_article_add() gave the article it added last. */
int64_t store_article_seq(struct store *st);

struct store_hit {
	const char
	    *id; /* "h_" + 16 hex, from hit_to_json(): the same for the same article and rule */
	const char *article_id; /* borrowed */
	const char *rule_id;
	const char *json;    /* the hit object of CLI.md, one line */
	int64_t detected_at; /* Unix milliseconds */
	bool alert; /* false for a near duplicate whose group already alerted this rule, or a muted
	               rule's hit */
};
/* Insert a hit. Returns 1 when stored, 0 when (article, rule) was already there, -1, STORE_BUSY. */
int store_hit_add(struct store *st, const struct store_hit *h, char *err, size_t errsz);
/*
 * Whether rule already has an alerted hit in the near-duplicate group whose
 * first article is root: 1 when on article own or one of its revisions
 * (own: the article a revision revises, or NULL), 2 when only on other
 * articles of the group (its near duplicates), 0 when none; -1 or
 * STORE_BUSY.
 */
int store_hit_alerted(struct store *st, const char *root, const char *rule_id, const char *own,
                      char *err, size_t errsz);

/* Reading. Rows are valid during the callback only; return non-zero to stop. */
struct store_hit_row {
	const char *id, *article_id, *rule_id, *json;
	int64_t detected_at; /* ms */
	bool alert;
};
typedef int (*store_hit_fn)(const struct store_hit_row *r, void *arg);
/* Whether a hit of rule_id is stored (one probe of an index): 1, 0, -1 or STORE_BUSY. */
int store_rule_has_hits(struct store *st, const char *rule_id, char *err, size_t errsz);
/* Whether a hit of that source (hits.source: a feed's name, drop, api) is stored: as above. */
int store_source_has_hits(struct store *st, const char *source, char *err, size_t errsz);
/* Hits detected at or after since (ms; 0: all), of rule_id (NULL: all), newest first. */
int store_hits_each(struct store *st, int64_t since_ms, const char *rule_id, store_hit_fn fn,
                    void *arg, char *err, size_t errsz);

struct store_article_row {
	const char *id, *url, *canonical, *title, *body, *lang, *published, *source, *file,
	    *near_of;
	uint64_t simhash;
	int64_t seen_at;
	const char *format, *charset; /* NULL for articles stored before schema 10 */
	const char *revision_of;      /* a revision: the article it revises, else NULL */
	int64_t seq;                  /* its storage order, for store_index_fn; else 0 */
};
typedef int (*store_article_fn)(const struct store_article_row *r, void *arg);
/*
 * Articles seen at or after since (seconds; 0: all), oldest first; with
 * fts, only those whose index text matches that FTS5 query.
 */
int store_articles_each(struct store *st, int64_t since, const char *fts, store_article_fn fn,
                        void *arg, char *err, size_t errsz);

/*
 * The normalization version (token.h NORM_VERSION) the full-text index was
 * made with, 0 when the database does not say (made by an older hark).
 */
int store_norm_version(struct store *st, int64_t *version, char *err, size_t errsz);
/*
 * The index text of a stored article (presearch_index_text() of its
 * document), which the caller frees; NULL when out of memory.
 */
typedef char *(*store_index_fn)(const struct store_article_row *r, void *arg);
/*
 * One step of rebuilding the full-text index with the current folds, in
 * one transaction: the next batch articles (by storage order) go into a new
 * index made beside the one in use, which keeps answering meanwhile; the
 * step that finds fewer than batch articles left puts the new index in the
 * old one's place and records version as store_norm_version(). A rebuild
 * stopped half-way goes on where it was at the next call. *nrows: the
 * articles indexed; *finished: 1 on the last step. Writers only.
 */
int store_fts_rebuild_step(struct store *st, int64_t version, size_t batch, store_index_fn fn,
                           void *arg, size_t *nrows, int *finished, char *err, size_t errsz);
/*
 * The full-text index follows the articles: store_article_add() leaves an
 * article out of it, and this puts the next articles not yet in it (by
 * storage order) in, one transaction, with the keys fn gives (an article
 * whose text was pruned has none): at most batch of them, fewer when
 * budget_ns (> 0) has passed. Its commit is not synced: the index and its
 * watermark are made again from the articles. The searches read the index
 * for the articles it has and every article after them, so a search misses
 * nothing meanwhile, only reads more. Does nothing while a rebuild runs (it
 * indexes those too). *nrows: the articles indexed; *more: 1 when more may
 * wait. Writers only.
 */
int store_fts_catch_up(struct store *st, size_t batch, int64_t budget_ns, store_index_fn fn,
                       void *arg, size_t *nrows, int *more, char *err, size_t errsz);

/* ---- the reads of the pages and the API (HTTP.md), and of hark hits ---- */

#define STORE_PAGE_DEFAULT 50
#define STORE_PAGE_MAX 500
#define STORE_CURSOR_MAX 48 /* a cursor's size, its NUL included */

/* Which hits: every field that is set must hold. Strings are borrowed. */
struct store_hit_filter {
	/*
	 * Rule ids, any of them: a rule, or a tag the caller resolved with its
	 * rule set (tags live in the rule files, not the database). NULL:
	 * every rule; not NULL with nrules 0 (a tag no rule has): no hit.
	 */
	const char *const *rules;
	size_t nrules;
	const char *source; /* the article's source: a feed's name, or "drop"; NULL: any */
	const char *lang;   /* the article's language; NULL: any */
	int64_t since_ms;   /* detected at or after (Unix ms); 0: no bound */
	int64_t until_ms;   /* detected before (Unix ms); 0: no bound */
	const char *before; /* the next of the page before, to read on; NULL: from the newest */
	int limit;          /* 1 to STORE_PAGE_MAX; 0: STORE_PAGE_DEFAULT */
};

/*
 * One page of the hits that pass f, newest first (detected_at, then the
 * order of storing), given to fn (rows valid during the call only;
 * non-zero stops). next (nextsz >= STORE_CURSOR_MAX) gets the cursor of
 * the page after it, an opaque string to give back as before, or "" when
 * this page is the last. Every filter reads one range of one index and
 * stops after the page; a set of rules reads each rule's keys for a page
 * from its index alone, merges them, then reads the page's rows (200
 * rules: 1 ms for 1,000,000 hits). Returns 0, STORE_INVALID with the cause in err (a
 * malformed cursor, a limit out of range: a client's error, HTTP 400), -1
 * or STORE_BUSY.
 */
int store_hits_page(struct store *st, const struct store_hit_filter *f, store_hit_fn fn, void *arg,
                    char *next, size_t nextsz, char *err, size_t errsz);

/*
 * For the tests: EXPLAIN QUERY PLAN of the statement store_hits_page runs
 * for f (of each rule's statement when f has rules), one step a line; and
 * of the statements of store_article_get and store_rule_stats.
 */
int store_explain_hits(struct store *st, const struct store_hit_filter *f, char *plan,
                       size_t plansz, char *err, size_t errsz);
int store_explain_reads(struct store *st, char *plan, size_t plansz, char *err, size_t errsz);
/*
 * For the tests: the SQLite VM steps the last store_hits_page took, which
 * grow with the index entries and rows it read: a page must cost about the
 * same wherever it is in the archive.
 */
int64_t store_page_steps(const struct store *st);

/*
 * Article id, with all that its page shows: article(row) once, then
 * hit(row) for each of its hits, newest first, then dup(row) for each other
 * article of its near-duplicate group (the group's first article and those
 * whose near_of names it), oldest first. An exact duplicate is never
 * stored twice: it is this article. Rows valid during the call only;
 * non-zero stops. Returns 1, 0 when there is no such article, -1 or
 * STORE_BUSY.
 */
int store_article_get(struct store *st, const char *id, store_article_fn article, store_hit_fn hit,
                      store_article_fn dup, void *arg, char *err, size_t errsz);

#define STORE_STATS_DAYS 30
struct store_rule_stats_row {
	const char *rule_id;
	int64_t hits_24h, hits_7d, hits_30d; /* in the 24 h, 7 and 30 days before now */
	int64_t last_hit;                    /* ms of its newest hit */
	int64_t per_day[STORE_STATS_DAYS];   /* [i]: hits in the 24 h ending i days before now */
};
typedef int (*store_rule_stats_fn)(const struct store_rule_stats_row *r, void *arg);
/*
 * The hit counts of every rule id that has hits (a rule without any is not
 * given: zero), by rule id, at now_ms. Two indexed statements: the last
 * hits probe hits_rule_id once a rule id, the counts read the 30 days'
 * range of hits_time_rule. Returns 0, -1 or STORE_BUSY.
 */
int store_rule_stats(struct store *st, int64_t now_ms, store_rule_stats_fn fn, void *arg, char *err,
                     size_t errsz);

/* ---- the webhook outbox ---- */

/*
 * A transaction of delivery outcomes, committed without an fsync: durable
 * when harkd dies, not through a power loss. store_outcomes_end commits
 * (commit != 0) or rolls back; a failed commit is rolled back. Both return
 * 0, -1 or STORE_BUSY.
 */
int store_outcomes_begin(struct store *st, char *err, size_t errsz);
int store_outcomes_end(struct store *st, int commit, char *err, size_t errsz);

/*
 * A delivery of hit_id to webhook, due at next_at (Unix seconds), inside
 * the transaction that adds the hit. Returns 1 added, 0 when that pair is
 * already there, -1 or STORE_BUSY.
 */
int store_delivery_add(struct store *st, const char *hit_id, const char *webhook, int64_t next_at,
                       char *err, size_t errsz);

/*
 * A delivery of hit_id to dest's digest of the period that ends at
 * period_end: due then, its period kept through retries. Returns as
 * store_delivery_add.
 */
int store_delivery_add_digest(struct store *st, const char *hit_id, const char *dest, int64_t now,
                              int64_t period_end, char *err, size_t errsz);

struct store_delivery_row {
	int64_t id;
	const char *hit_id, *webhook;
	const char *hit_json; /* the hit object */
	const char *state;    /* "pending" "sent" "dead" */
	int attempts;
	long last_status; /* 0 when none */
	const char *last_error;
	int64_t next_at, created_at, sent_at; /* seconds; sent_at 0 when not sent */
	int64_t period; /* a digest's: the end of its period (seconds); 0: a delivery per hit */
	int64_t requeued_at; /* last made pending again (hark redeliver, API retry); 0: never */
	const char *rule_id; /* store_digest_rows only, else NULL */
};
typedef int (*store_delivery_fn)(const struct store_delivery_row *r, void *arg);

/*
 * Pending deliveries of webhook due at or before now, ordered by (next_at,
 * id), at most limit of them, starting strictly after (after_due,
 * after_id): the caller pages through them without holding them all.
 */
int store_deliveries_due(struct store *st, const char *webhook, int64_t now, int64_t after_due,
                         int64_t after_id, int limit, store_delivery_fn fn, void *arg, char *err,
                         size_t errsz);
/*
 * The pending deliveries of dest's digest of period, due at now: every one,
 * newest hit first (the caller keeps what it lists).
 */
int store_digest_rows(struct store *st, const char *dest, int64_t period, int64_t now,
                      store_delivery_fn fn, void *arg, char *err, size_t errsz);
/*
 * SIGUSR1's sweep of dest's digests: its first pending delivery, due or
 * not, strictly after (after_period, after_id) in the order of (period,
 * id), a delivery without a period counting as period 0; fn called once
 * or not at all.
 */
int store_digest_next(struct store *st, const char *dest, int64_t after_period, int64_t after_id,
                      store_delivery_fn fn, void *arg, char *err, size_t errsz);
/* The earliest next_at of webhook's pending deliveries: 1 with *at, 0 when none. */
int store_delivery_next(struct store *st, const char *webhook, int64_t *at, char *err,
                        size_t errsz);
/* Pending deliveries of webhook. */
int store_delivery_count(struct store *st, const char *webhook, int64_t *n, char *err,
                         size_t errsz);
/*
 * After an attempt: state "sent", "pending" (again at next_at) or "dead";
 * attempts so far; the response status (0: none) and error (NULL: none).
 * attempts < 0: an early attempt (SIGUSR1) failed: attempts and next_at
 * stay as the schedule set them, only state, status and error are written.
 * Its own transaction when none is open. Returns 0, -1 or STORE_BUSY.
 */
int store_delivery_update(struct store *st, int64_t id, const char *state, int attempts,
                          int64_t next_at, long status, const char *error, int64_t now, char *err,
                          size_t errsz);
/* hark deliveries: newest first; with failed_only, the dead ones. */
int store_deliveries_each(struct store *st, int failed_only, store_delivery_fn fn, void *arg,
                          char *err, size_t errsz);
/*
 * GET /api/v1/deliveries, /deliveries: the newest limit deliveries in state
 * ("pending" "sent" "dead" "cancelled"; NULL: any), newest first.
 */
int store_deliveries_state(struct store *st, const char *state, int limit, store_delivery_fn fn,
                           void *arg, char *err, size_t errsz);
/* Delivery id through fn: 1, 0 when there is none, -1 or STORE_BUSY. */
int store_delivery_get(struct store *st, int64_t id, store_delivery_fn fn, void *arg, char *err,
                       size_t errsz);
/*
 * The destinations the configuration no longer has (known() says no, arg
 * passed on): their pending deliveries cancelled, with the reason as
 * their last error ("webhook or email NAME is no longer in hark.conf"),
 * never deleted; the 410 that disabled such a webhook forgotten. fn is
 * told each name and how many were cancelled. Each change its own
 * statement (autocommit). Returns 0, -1 or STORE_BUSY.
 */
typedef bool (*store_known_fn)(const char *name, void *arg);
typedef void (*store_orphan_fn)(const char *name, int64_t cancelled, void *arg);
int store_deliveries_orphan(struct store *st, store_known_fn known, void *arg, store_orphan_fn fn,
                            void *fnarg, char *err, size_t errsz);
/*
 * hark redeliver: delivery id made pending, due now, attempts 0; one
 * already sent only with sent_too (hark redeliver --force). Returns 1, 0
 * when there is no such delivery, 2 when it was sent and sent_too is
 * false (left as it is), -1 or STORE_BUSY. A row of a digest whose period
 * has not ended is not made due now but left for the end of its period (its
 * digest is sent then, never before, never split): 3 with that end in *held
 * and its destination's name in dest (destsz bytes).
 */
int store_delivery_redeliver(struct store *st, int64_t id, int64_t now, bool sent_too,
                             int64_t *held, char *dest, size_t destsz, char *err, size_t errsz);

/*
 * A webhook that answered 410 Gone stays disabled until its configuration
 * changes: fingerprint names the configuration (url, format, secret...).
 * store_webhook_disabled returns 1 (with the time and the reason in
 * *since and why, whysz) when name is disabled for this fingerprint, 0 when
 * not (a different fingerprint clears the old state), -1.
 */
int store_webhook_disable(struct store *st, const char *name, const char *fingerprint, int64_t now,
                          const char *reason, char *err, size_t errsz);
int store_webhook_disabled(struct store *st, const char *name, const char *fingerprint,
                           int64_t *since, char *why, size_t whysz, char *err, size_t errsz);

struct store_webhook_row {
	const char *name, *reason;
	int64_t disabled_at;
};
typedef int (*store_webhook_fn)(const struct store_webhook_row *r, void *arg);
/* Every disabled webhook, for hark status. */
int store_webhooks_each(struct store *st, store_webhook_fn fn, void *arg, char *err, size_t errsz);

/* ---- mutes (hark mute, POST /api/v1/rules/ID/mute) ---- */

/*
 * Rule rule_id muted until until (Unix seconds), set at now: a new mute of
 * a muted rule replaces its end. Mutes ended by now are deleted. Its own
 * statements (autocommit). Returns 0, -1 or STORE_BUSY.
 */
int store_mute_set(struct store *st, const char *rule_id, int64_t until, int64_t now, char *err,
                   size_t errsz);
/* The mute of rule_id ended now: 1, 0 when it was not muted, -1 or STORE_BUSY. */
int store_mute_clear(struct store *st, const char *rule_id, int64_t now, char *err, size_t errsz);
/*
 * Whether rule_id is muted at now: 1 with *until (when not NULL), 0, -1 or
 * STORE_BUSY. One probe of the primary key: harkd asks for each hit it
 * routes (outbox_route), inside the hit's transaction.
 */
int store_mute_get(struct store *st, const char *rule_id, int64_t now, int64_t *until, char *err,
                   size_t errsz);
struct store_mute_row {
	const char *rule_id;
	int64_t until, muted_at; /* Unix seconds */
};
typedef int (*store_mute_fn)(const struct store_mute_row *r, void *arg);
/* The mutes in force at now, by rule id. Non-zero from fn stops. Returns 0, -1 or STORE_BUSY. */
int store_mutes_each(struct store *st, int64_t now, store_mute_fn fn, void *arg, char *err,
                     size_t errsz);

/* ---- the feed poller ---- */

/* A feed's state; strings owned (store_feed_clear), NULL when absent. */
struct store_feed {
	char *conf_url; /* the url of the configuration when this state was written */
	char *url;      /* where it is fetched now: conf_url, or where a 301/308 led */
	char *etag, *last_modified;
	int64_t last_ok;   /* seconds; 0: never */
	char *last_error;  /* of the last poll, NULL when it went well */
	int64_t next_poll; /* seconds */
	int gone;          /* answered 410: not polled until its url changes */
	int failures;      /* in a row, for the back-off */
};
void store_feed_clear(struct store_feed *f);
/* Returns 1 with *f, 0 when the feed has no state yet, -1 or STORE_BUSY. */
int store_feed_get(struct store *st, const char *name, struct store_feed *f, char *err,
                   size_t errsz);
/* Write the feed's state (insert or replace). Returns 0, -1 or STORE_BUSY. */
int store_feed_put(struct store *st, const char *name, const struct store_feed *f, char *err,
                   size_t errsz);
/* Whether item (a key of the feed's entry) was seen before: 1, 0, -1 or STORE_BUSY. */
int store_feed_item_seen(struct store *st, const char *feed, const char *item, char *err,
                         size_t errsz);
int store_feed_item_add(struct store *st, const char *feed, const char *item, int64_t now,
                        char *err, size_t errsz);
/*
 * Whether article id came from feed: an entry of it, or a page of one
 * (fetch_article), was stored as id (its source is the feed's name, and it
 * is no drop file). An API article is "api": a feed of that name takes
 * them for its own, as hark hits --source does. 1, 0, -1 or STORE_BUSY.
 */
int store_article_of_feed(struct store *st, const char *id, const char *feed, char *err,
                          size_t errsz);
/*
 * The article the feed's other keys of item's entry (the same ID, another
 * TEXT) were stored as, into id (idsz >= 24): 1; 0 when none was stored
 * (or seen before schema 15); 2 when they name different articles (the
 * feed gave that id to different items: it is no item's own); -1 or
 * STORE_BUSY.
 */
int store_feed_item_article(struct store *st, const char *feed, const char *item, char *id,
                            size_t idsz, char *err, size_t errsz);
/* Record that the feed's key item was stored as (or as a revision of) article id. */
int store_feed_item_article_set(struct store *st, const char *feed, const char *item,
                                const char *id, char *err, size_t errsz);
/*
 * Article id's group (its near_of, or itself) into root (rootsz >= 24), and
 * how many revisions name it (revision_of) into *nrev, its url (or "")
 * into url unless NULL. 1, 0 when there is no such article, -1 or
 * STORE_BUSY.
 */
int store_article_revisions(struct store *st, const char *id, char *root, size_t rootsz,
                            int64_t *nrev, char *url, size_t urlsz, char *err, size_t errsz);
/*
 * The article of feed that an entry at link url (canonical: its address,
 * or NULL) titled title is plausibly a text of: among the feed's articles
 * at that link (the one holding the address, and the newest 256 stored
 * there without one: revisions, other entries' articles), the first with
 * the same title (none when title is NULL or ""), else the one whose
 * SimHash is nearest simhash within maxdist bits (maxdist < 0: not
 * compared). The article it revises (its revision_of), else itself, into
 * id (idsz >= 24). 1, 0 when none is, -1 or STORE_BUSY.
 */
int store_feed_link_article(struct store *st, const char *feed, const char *canonical,
                            const char *url, const char *title, uint64_t simhash, int maxdist,
                            char *id, size_t idsz, char *err, size_t errsz);

struct store_status {
	int64_t articles, near_duplicates, hits, alerts;
	int64_t deliveries_pending, deliveries_failed;
	int64_t deliveries_cancelled; /* their destination no longer configured */
	int64_t last_article_at;      /* seconds, 0 when none */
	int64_t last_hit_at;          /* ms, 0 when none */
	int schema_version;
};
int store_status_get(struct store *st, struct store_status *s, char *err, size_t errsz);

/* The feeds table harkd's poller keeps, for `hark status`. */
struct store_feed_row {
	const char *name, *url;
	const char *last_error; /* NULL when the last poll went well */
	int64_t last_ok;        /* seconds of the last good poll, 0 never */
	int64_t next_poll;      /* seconds, 0 when not scheduled */
	bool gone;              /* 410 Gone: no longer polled */
	int failures;           /* 0 with a last_error: a warning, the poll went well */
};
typedef int (*store_feed_fn)(const struct store_feed_row *r, void *arg);
/* Every feed, by name. Rows are valid during the callback only; non-zero stops. */
int store_feeds_each(struct store *st, store_feed_fn fn, void *arg, char *err, size_t errsz);

/* ---- operators (GET /healthz, GET /metrics) ---- */

/* A cheap read that needs the database to answer. Returns 0, -1 or STORE_BUSY. */
int store_ping(struct store *st, char *err, size_t errsz);
/* The database file's size in bytes (pages x page size). */
int store_db_size(struct store *st, int64_t *bytes, char *err, size_t errsz);
/* A count of rows; name is NULL where there is none. Non-zero stops. */
typedef int (*store_count_fn)(const char *name, const char *state, int64_t n, void *arg);
/* Pending and dead deliveries by webhook and state (sent ones are never few). */
int store_delivery_states(struct store *st, store_count_fn fn, void *arg, char *err, size_t errsz);
/* Feeds by state: "ok", "failing" (its last poll failed), "gone" (410). */
int store_feed_states(struct store *st, store_count_fn fn, void *arg, char *err, size_t errsz);

/* ---- the archive reads of harkd's HTTP worker (q=, /try): long, cut by a deadline ---- */

/*
 * A scan: statements of its own on st (a connection that only the scanning
 * thread uses), and a deadline on every statement of st. Free it before
 * store_close(st). Returns 0 with *out, -1 with err.
 */
struct store_scan;
int store_scan_new(struct store *st, struct store_scan **out, char *err, size_t errsz);
void store_scan_free(struct store_scan *sc);
/*
 * From now on every statement of the scan's store fails (-1, "interrupted")
 * once CLOCK_MONOTONIC passes deadline_ns (sqlite3_progress_handler); 0:
 * no deadline. Clears the cut.
 */
void store_scan_deadline(struct store_scan *sc, int64_t deadline_ns);
/* Stop the statement running now (from any thread: harkd stopping). */
void store_scan_interrupt(struct store_scan *sc);
/* Whether the deadline has passed (a failure since is the deadline's). */
bool store_scan_cut(struct store_scan *sc);
/*
 * Article id through fn when its FTS5 keys (presearch.h) match fts (NULL:
 * any article). Returns 1 (fn called), 0 when there is no such article or
 * it does not match, -1 or STORE_BUSY.
 */
int store_scan_article(struct store_scan *sc, const char *id, const char *fts, store_article_fn fn,
                       void *arg, char *err, size_t errsz);
/*
 * Which of the articles ids[0..n) have FTS5 keys matching fts: match[i]
 * set to 1 or 0 (0 for an id not stored). One read of the index over the
 * range of their rowids, however many they are: a probe an article costs
 * FTS5 a cursor each (0.2 ms). Returns 0, -1 or STORE_BUSY.
 */
int store_scan_fts_filter(struct store_scan *sc, const char *fts, const char *const *ids, size_t n,
                          unsigned char *match, char *err, size_t errsz);
/*
 * Articles newest first (by the order of storing), those whose FTS5 keys
 * match fts (NULL: all), to fn until it returns non-zero. Returns 0, -1 or
 * STORE_BUSY.
 */
int store_scan_newest(struct store_scan *sc, const char *fts, store_article_fn fn, void *arg,
                      char *err, size_t errsz);

/* ---- retention and backup (README "Retention and backup") ---- */

/*
 * The keys the FTS5 index was given for article r (presearch.h), again:
 * malloc'd, NULL when out of memory.
 */
typedef char *(*store_keys_fn)(const struct store_article_row *r, void *arg);
/*
 * One batch of retention, one transaction: the text of at most limit
 * articles seen before `before` (seconds), the oldest first, is removed
 * (the body and the article's FTS5 entry; its row, URL, title,
 * fingerprints and hits stay). *n: how many (0: none left). Returns 0, -1,
 * STORE_BUSY or STORE_FATAL.
 */
int store_prune_texts(struct store *st, int64_t before, int limit, store_keys_fn keys, void *arg,
                      int64_t *n, char *err, size_t errsz);
/*
 * One batch, one transaction: at most limit hits detected before before_ms,
 * the oldest first, with their sent and dead deliveries; a hit with a
 * delivery still pending stays. *n: how many.
 */
int store_prune_hits(struct store *st, int64_t before_ms, int limit, int64_t *n, char *err,
                     size_t errsz);
/* What the two would remove, all batches (0 for a bound of 0: kept for ever). */
int store_prune_count(struct store *st, int64_t before, int64_t before_ms, int64_t *texts,
                      int64_t *hits, char *err, size_t errsz);
/*
 * Give at most pages free pages back to the file system (PRAGMA
 * incremental_vacuum), when the database has auto_vacuum = INCREMENTAL (a
 * database made by this version); *left: the free pages left (0 without
 * it). pages 0: only *left. store_vacuum_full rewrites a database made before with
 * auto_vacuum = INCREMENTAL (VACUUM: the writer's lock held all along).
 */
int store_vacuum_step(struct store *st, int pages, int64_t *left, char *err, size_t errsz);
/*
 * One bounded step of FTS5's merge of its index segments (at most pages
 * pages written, its own transaction): the entries of pruned articles
 * leave the index only when the segments holding them are merged.
 * *worked: whether there was anything to merge.
 */
int store_fts_merge(struct store *st, int pages, int *worked, char *err, size_t errsz);
int store_vacuum_full(struct store *st, char *err, size_t errsz);

/* What the archive holds and how far back it reaches. */
struct store_reach {
	int64_t articles, texts, hits;          /* texts: the articles that keep their text */
	int64_t oldest_article, newest_article; /* seen_at, seconds; 0 when none */
	int64_t oldest_text;                    /* of the oldest article with its text */
	int64_t oldest_hit, newest_hit;         /* detected_at, ms */
};
int store_reach_get(struct store *st, struct store_reach *r, char *err, size_t errsz);
/*
 * Only the oldest article that keeps its text: 1 with its seen_at in *secs,
 * 0 when none, -1 or STORE_BUSY. One probe of an index (the searches of
 * harkd's HTTP worker say it with each answer).
 */
int store_oldest_text(struct store *st, int64_t *secs, char *err, size_t errsz);
/*
 * A consistent copy of the database into dest, a new file, while harkd
 * writes (SQLite's online backup, from one snapshot), then PRAGMA
 * integrity_check on the copy and *r read from it. Returns 0, -1 with err
 * (the caller removes dest).
 */
int store_backup(struct store *st, const char *dest, struct store_reach *r, char *err,
                 size_t errsz);

#endif
