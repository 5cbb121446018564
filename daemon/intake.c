/*
 * intake.c: from a name in incoming/ to a committed article and a file in
 * done/. The loop thread reads each file (small and bounded by
 * max_document_size), a worker extracts and matches it, and the loop thread
 * commits finished jobs in batches: one transaction, one fsync, then the
 * moves. Nothing is moved or deleted before its commit, so a crash at any
 * point leaves the file in incoming/, and the content hash makes the second
 * pass store nothing twice. Only the file read moves (dropdir_id): a new
 * version renamed over its name meanwhile is read in turn.
 *
 * The loop also serves HTTP, feeds, deliveries and signals, so intake takes
 * a bounded share of each turn (intake_turn): one transaction of at most
 * INTAKE_BATCH jobs (fewer once storing them took as long as the last
 * commit, 10 to 50 ms), or the moves of the files of the last one for
 * about INTAKE_TURN_MS; then a zero timer gives the loop back, and its
 * other events run before the next share. A share is then one job or a
 * few, one fsync and a few moves, however many files wait (it was every
 * job ready, up to 64, back to back: 0.5 to 6 s on a loaded machine).
 * Under a flood the time budget, not the count, ends a batch: a commit
 * costs per transaction (FTS5 flushes its pending terms into a new
 * segment, the WAL frames of the shared index pages, the fsync), so 64
 * jobs a transaction rather than 32 take 10 % less of the loop per
 * article (BENCHMARKS.md, harkd drop to commit).
 * The checkpoints of the WAL run on the store's own thread
 * (store_checkpoint_thread). The commit stays on the loop, synchronous=FULL:
 * a writer thread would take its fsync off the loop too, but then every
 * other writer on the loop (outbox, mutes) would have to go through it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "envnum.h"
#include "hit.h"
#include "intake.h"
#include "log.h"

/*
 * Names waiting or in flight: a set, so inotify and a rescan add a file
 * once. A name seen again while in flight (a producer renamed a new version
 * over it) is marked again and read anew once its job is over; the job moves
 * only the file it read (id), never what the name holds by then.
 */
struct name {
	char *s;
	struct name *next_hash;
	struct name *next_queue; /* the dispatch queue, or the list of moves to retry */
	int in_flight;           /* read: a job holds it, or its move waits for a retry */
	int again;               /* seen again while in flight: read it again after */
	struct dropdir_id id;    /* the file read, its descriptor (pinning it) owned */
	char *why;               /* owned; a move to failed/ to retry: the reason */
	unsigned tries;          /* moves tried and failed */
};

#define NAME_BUCKETS 4096

struct intake {
	struct event_base *base;
	struct dropdir *dd;  /* borrowed */
	struct store *st;    /* borrowed */
	struct work *work;   /* owned */
	struct rules *rules; /* a reference */
	struct outbox *ob;   /* borrowed, or NULL */
	struct indexer *ix;  /* borrowed, or NULL */
	struct intake_opts o;
	struct event *ev_inotify;
	struct event *ev_retry; /* commit or read again after a busy database or EMFILE */
	struct event *ev_kick;  /* dispatch more, on the next turn */
	struct event *ev_turn;  /* a zero timer: the next share of committing and moving */
	/* committed, their files not yet moved to done/ (by next_queue): intake_turn's */
	struct name *done_head, **done_tail;
	size_t ndone;
	int unsynced;      /* moved since the spool's directories were last synced */
	int64_t commit_ns; /* how long the last COMMIT took, its fsync: the storing's budget */
	struct name *buckets[NAME_BUCKETS];
	struct name *head, *tail; /* the queue of names not yet dispatched */
	size_t queued;
	struct job *commit, **commit_tail; /* finished, waiting for their commit */
	size_t ncommit;
	int retry_ms;
	/* commits failing again and again: since when, and when it was last said */
	int64_t failing_since, failing_said;
	int stopping;
	/* moves out of incoming/ that failed (a full disk), tried again by ev_move */
	struct event *ev_move;
	struct name *moves; /* their names, by next_queue */
	size_t nmoves;
	int move_ms;
	/* incoming/ went and could not be made again: ev_rewatch tries again */
	struct event *ev_rewatch;
	/* every sweep_s / 2 s: files quiet for sweep_s that no event brought */
	struct event *ev_sweep;
	long sweep_s;
	void (*idle)(void *);
	void *idle_arg;
	size_t nposts; /* POST /api/v1/articles bodies taken and not yet answered */
	struct intake_stats stats;
};

/* At most this many jobs read and not yet committed: bounds memory. */
#define INTAKE_MAX_JOBS 64
/*
 * At most this many files pinned, jobs and files committed but not yet
 * moved: bounds the descriptors. Twice INTAKE_BATCH, so that the workers
 * fill the next batch while the files of the last one are moved.
 */
#define INTAKE_MAX_IN_FLIGHT 128
/* At most this many posted bodies in flight: past that, 503 (memory stays bounded). */
#define INTAKE_MAX_POSTS 64
/* At most this many jobs committed in one transaction. */
#define INTAKE_BATCH 64
/*
 * The loop's share of a turn for intake, in ms: no file more is moved, no
 * file more is read, once it is spent (one of each is always done). No job
 * more is stored in a transaction once storing took as long as the last
 * commit (its fsync), within INTAKE_TURN_MS and INTAKE_STORE_MAX_MS: on a
 * slow disk a batch grows and pays fewer fsyncs, and a turn stays within
 * about twice one fsync.
 */
#define INTAKE_TURN_MS 10
/*
 * The sweep of incoming/: a file whose mtime and ctime are this many
 * seconds old (HARK_SWEEP_SECONDS, for tests) and that no event brought is
 * taken, looked for every half of it. A writer writing in place that pauses
 * longer than this without closing would be taken early: a minute is far
 * above any live writer's pause, and what reaches incoming/ without its
 * events waits at most about 1.5 of it.
 */
#define INTAKE_SWEEP_S 60
#define INTAKE_STORE_MAX_MS 50

static unsigned
name_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NAME_BUCKETS;
}

static struct name *
name_find(struct intake *in, const char *s)
{
	for (struct name *n = in->buckets[name_hash(s)]; n; n = n->next_hash)
		if (strcmp(n->s, s) == 0)
			return n;
	return NULL;
}

static void
name_forget(struct intake *in, const char *s)
{
	struct name **pp = &in->buckets[name_hash(s)];

	for (; *pp; pp = &(*pp)->next_hash)
		if (strcmp((*pp)->s, s) == 0) {
			struct name *n = *pp;

			*pp = n->next_hash;
			dropdir_id_close(&n->id);
			free(n->s);
			free(n->why);
			free(n);
			return;
		}
}

static void intake_kick(struct intake *in);

/* intake_turn on the next turn of the loop, after its other events */
static void
intake_turn_later(struct intake *in)
{
	if (!evtimer_pending(in->ev_turn, NULL))
		event_add(in->ev_turn, &(struct timeval){0, 0});
}

static void
name_enqueue(struct intake *in, struct name *n)
{
	n->next_queue = NULL;
	if (in->tail)
		in->tail->next_queue = n;
	else
		in->head = n;
	in->tail = n;
	in->queued++;
	intake_kick(in);
}

/* The job of n is over: read the name again when it was seen again, else forget it. */
static void
name_release(struct intake *in, struct name *n)
{
	if (n->again && !in->stopping) {
		n->again = 0;
		n->in_flight = 0;
		n->tries = 0;
		free(n->why);
		n->why = NULL;
		dropdir_id_close(&n->id);
		name_enqueue(in, n);
		return;
	}
	name_forget(in, n->s);
}

static void
intake_add_cb(const char *s, void *arg)
{
	struct intake *in = arg;
	struct name *n;
	unsigned h;

	if (in->stopping)
		return;
	if ((n = name_find(in, s)) != NULL) {
		if (n->in_flight)
			n->again = 1; /* perhaps another file by now: look once its job is over */
		return;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL || (n->s = strdup(s)) == NULL) {
		free(n);
		log_err("out of memory queueing %s; it stays in incoming/", log_quote(s));
		return;
	}
	dropdir_id_init(&n->id);
	h = name_hash(s);
	n->next_hash = in->buckets[h];
	in->buckets[h] = n;
	name_enqueue(in, n);
}

static int64_t
intake_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether the share of the turn begun at start (intake_now_ns) is spent. */
static bool
intake_spent(int64_t start)
{
	return intake_now_ns() - start >= (int64_t)INTAKE_TURN_MS * 1000000;
}

/* Jobs being worked or committed, and committed files not yet moved: each pins a file. */
static size_t
intake_in_flight(const struct intake *in)
{
	return work_busy(in->work) + in->ncommit + in->ndone;
}

static void
intake_check_idle(struct intake *in)
{
	if (in->stopping && in->idle != NULL && intake_in_flight(in) == 0) {
		void (*idle)(void *) = in->idle;

		in->idle = NULL;
		idle(in->idle_arg);
	}
}

static void
intake_retry_later(struct intake *in)
{
	struct timeval tv;

	/* soon: a lock is usually brief, and each try blocks the loop only busy_ms */
	in->retry_ms = in->retry_ms ? in->retry_ms * 2 : 100;
	if (in->retry_ms > 1000)
		in->retry_ms = 1000;
	tv.tv_sec = in->retry_ms / 1000;
	tv.tv_usec = (in->retry_ms % 1000) * 1000;
	if (!evtimer_pending(in->ev_retry, NULL))
		evtimer_add(in->ev_retry, &tv);
}

static void
intake_move_later(struct intake *in)
{
	struct timeval tv;

	if (evtimer_pending(in->ev_move, NULL))
		return;
	/* a full disk or a read-only done/ is not over in a moment: back off to 30 s */
	in->move_ms = in->move_ms ? in->move_ms * 2 : 500;
	if (in->move_ms > 30000)
		in->move_ms = 30000;
	tv.tv_sec = in->move_ms / 1000;
	tv.tv_usec = (in->move_ms % 1000) * 1000;
	evtimer_add(in->ev_move, &tv);
}

/*
 * The job of n is over: move the file read to done/ (why NULL: its article
 * is committed) or to failed/ with why. A name holding another file by now
 * is read again; a move the system refuses is tried again later, the file
 * staying in incoming/ meanwhile. Returns whether something was moved.
 */
static bool
intake_finish(struct intake *in, struct name *n, const char *why)
{
	enum dropdir_move_result r;
	char err[PATH_MAX + 256];
	const char *to = why != NULL ? "failed/" : "done/";

	err[0] = '\0';
	if (why != NULL)
		r = dropdir_fail(in->dd, n->s, &n->id, why, err, sizeof(err));
	else
		r = dropdir_done(in->dd, n->s, &n->id, in->o.keep_done, err, sizeof(err));
	switch (r) {
	case DROPDIR_MOVED:
		if (why != NULL)
			log_warnx("failed %s: %s", log_quote(n->s), why);
		if (n->tries > 0)
			log_info("moved %s to %s after %u failed %s", log_quote(n->s),
			         why != NULL       ? "failed/"
			         : in->o.keep_done ? "done/"
			                           : "nowhere (removed)",
			         n->tries, n->tries == 1 ? "try" : "tries");
		break;
	case DROPDIR_MOVED_NO_ERROR:
		log_err("failed %s: %s; moved to failed/, but its .error could not be written: %s",
		        log_quote(n->s), why, log_quote2(err));
		break;
	case DROPDIR_MISSING:
		if (n->tries > 0 || why != NULL)
			log_info("%s left incoming/ before harkd moved it to %s", log_quote(n->s),
			         to);
		break;
	case DROPDIR_REPLACED:
		/* a new version renamed over the name: it was never read */
		if (err[0] != '\0' && strstr(err, "could not be moved back") != NULL)
			log_err("%s", log_quote(err));
		log_info("%s was replaced by another file: reading it again", log_quote(n->s));
		n->again = 1;
		break;
	case DROPDIR_MOVE_ERROR:
		if (n->tries++ == 0)
			log_err(
			    "cannot move %s to %s: %s; it stays in incoming/%s and the move will "
			    "be tried again",
			    log_quote(n->s), to, log_quote2(err),
			    why != NULL ? "" : " (its article is stored)");
		if (why != NULL && n->why == NULL && (n->why = strdup(why)) == NULL) {
			log_err("out of memory: %s stays in incoming/", log_quote(n->s));
			name_forget(in, n->s);
			return false;
		}
		/* descriptors for the first ones only: a done/ that stays unwritable must
		 * not use them all up (the others are known by inode, size and times) */
		if (++in->nmoves > INTAKE_MAX_IN_FLIGHT)
			dropdir_id_unpin(&n->id);
		n->next_queue = in->moves;
		in->moves = n;
		intake_move_later(in);
		return false;
	}
	if (why != NULL && r != DROPDIR_REPLACED && r != DROPDIR_MISSING)
		in->stats.failed++;
	name_release(in, n);
	return r == DROPDIR_MOVED || r == DROPDIR_MOVED_NO_ERROR;
}

static void
intake_move_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake *in = arg;
	struct name *n = in->moves, *next;
	char err[256];
	bool moved = false;

	(void)fd;
	(void)what;
	in->moves = NULL;
	in->nmoves = 0;
	for (; n != NULL; n = next) {
		next = n->next_queue;
		/* n->why stays n's: kept when the move fails again, freed with n */
		moved |= intake_finish(in, n, n->why);
	}
	if (moved && dropdir_sync(in->dd, err, sizeof(err)) < 0)
		log_err("%s", log_quote(err));
	if (in->moves == NULL)
		in->move_ms = 0;
}

/* Read queued files into jobs while there is room. */
static void
intake_dispatch(struct intake *in)
{
	int64_t start = intake_now_ns();

	while (!in->stopping && in->head != NULL && in->rules != NULL &&
	       work_busy(in->work) + in->ncommit < INTAKE_MAX_JOBS &&
	       intake_in_flight(in) < INTAKE_MAX_IN_FLIGHT) {
		struct name *n = in->head;
		char *buf = NULL, *name, why[256], lang[8], charset[32];
		size_t len = 0;
		struct job *j;

		enum dropdir_read_result r;

		r = dropdir_read(in->dd, n->s, in->o.max_size, &buf, &len, &n->id, why,
		                 sizeof(why));
		/* hark ingest's --lang and --charset, beside the bytes it copied as they are */
		if (r == DROPDIR_OK &&
		    dropdir_meta_get(&n->id, lang, charset, why, sizeof(why)) < 0) {
			free(buf);
			buf = NULL;
			r = DROPDIR_BAD;
		}
		if (r == DROPDIR_ERROR) {
			log_warnx("cannot read %s now: %s; will try again", log_quote(n->s), why);
			intake_retry_later(in);
			return;
		}
		j = NULL;
		if (r == DROPDIR_OK) {
			name = strdup(n->s);
			j = name ? job_new(name, buf, len, in->rules, in->o.max_size) : NULL;
			if (j != NULL) {
				snprintf(j->lang_prior, sizeof(j->lang_prior), "%s",
				         in->o.lang_prior);
				snprintf(j->lang, sizeof(j->lang), "%s", lang);
				snprintf(j->charset, sizeof(j->charset), "%s", charset);
			}
			if (j == NULL) {
				free(name);
				free(buf);
				log_err("out of memory reading %s; will try again",
				        log_quote(n->s));
				intake_retry_later(in);
				return;
			}
		}
		in->head = n->next_queue;
		if (in->head == NULL)
			in->tail = NULL;
		in->queued--;
		n->in_flight = 1;
		n->again = 0; /* events from now on may be of another file */
		if (r == DROPDIR_OK)
			work_push(in->work, j);
		else if (r == DROPDIR_BAD)
			intake_finish(in, n, why);
		else
			name_forget(in, n->s);
		/* the rest on a later turn: thousands of files read at once would stall the loop */
		if (in->head != NULL && intake_spent(start)) {
			intake_kick(in);
			return;
		}
	}
}

static void
intake_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	intake_dispatch(arg);
}

static void
intake_kick(struct intake *in)
{
	/*
	 * A zero timeout, not event_active(): libevent runs events made active
	 * during a turn in that same turn, without polling in between.
	 */
	if (!evtimer_pending(in->ev_kick, NULL))
		event_add(in->ev_kick, &(struct timeval){0, 0});
}

/*
 * A new item of a fetch_article feed: not stored now (nor marked seen)
 * but handed to the poller, which fetches its page; the page job stores
 * it. Its own text goes along, for when the page cannot be had.
 */
static int
intake_new_item(struct job *j, struct work_doc *wd, char *err, size_t errsz)
{
	const struct document *d = wd->doc;
	struct feed_new_item *v = realloc(j->newitems, (j->nnew + 1) * sizeof(*v)), *it;
	struct {
		char **slot;
		const char *value;
	} f[5];

	if (v == NULL)
		goto nomem;
	j->newitems = v;
	it = &v[j->nnew];
	memset(it, 0, sizeof(*it));
	j->nnew++;
	snprintf(it->key, sizeof(it->key), "%s", wd->item);
	f[0].slot = &it->a.url, f[0].value = d->url;
	f[1].slot = &it->a.title, f[1].value = d->field[F_TITLE];
	f[2].slot = &it->a.published, f[2].value = d->published;
	f[3].slot = &it->a.id, f[3].value = d->meta.id;
	f[4].slot = &it->a.body, f[4].value = d->field[F_BODY];
	for (size_t i = 0; i < 5; i++)
		if (f[i].value != NULL &&
		    article_set(f[i].slot, f[i].value, strlen(f[i].value)) < 0)
			goto nomem;
	wd->fresh = 1;
	return 0;
nomem:
	snprintf(err, errsz, "out of memory");
	return -1;
}

/*
 * At most this many revisions of one article (a feed item whose text
 * changed, each text read once): a feed that rewrites an item at every
 * poll (a counter, a "minutes ago") would otherwise add a row each time.
 * The bound is on storage, never on hits: past it, each new text is still
 * matched, and stored as a revision only when it would alert a rule not
 * alerted in the group yet (intake_revision_alerts); else said in the log.
 */
#define INTAKE_MAX_REVISIONS 20

/* SimHash over a few words says little: only texts this long are near duplicates. */
#define INTAKE_NEAR_MIN_BODY 300

/*
 * Whether a text past INTAKE_MAX_REVISIONS alerts a rule (one not alerted
 * on an earlier text of the article first, nor on a near duplicate, nor
 * muted): 1, 0, or a store error. A later edit that newly names a watched
 * person is alerted whatever the count of revisions.
 */
static int
intake_revision_alerts(struct intake *in, const struct work_doc *wd, const char *root,
                       const char *first, int64_t now, char *err, size_t errsz)
{
	for (size_t i = 0; i < wd->nhits; i++) {
		int r = store_hit_alerted(in->st, root, wd->hits[i].rule_id, first, err, errsz);

		if (r == 0)
			r = store_mute_get(in->st, wd->hits[i].rule_id, now, NULL, err, errsz);
		if (r < 0)
			return r;
		if (r == 0)
			return 1;
	}
	return 0;
}

/* A feed item in the log: its link, else the feed's id of it, else its title, else its key. */
static const char *
intake_item_name(const struct work_doc *wd)
{
	const struct document *d = wd->doc;

	return d->url != NULL          ? d->url
	       : d->meta.id != NULL    ? d->meta.id
	       : d->field_len[F_TITLE] ? d->field[F_TITLE]
	                               : wd->item;
}

/*
 * Who a revision's log line names: "feed=NAME item=ITEM", "api=NAME" or
 * "file=NAME", quoted for the log. Returns a static buffer, good until the
 * next call (the loop thread's alone).
 */
static const char *
intake_who(const struct job *j, const struct work_doc *wd)
{
	static char who[1024];

	if (j->feed != NULL)
		snprintf(who, sizeof(who), "feed=%s item=%s", j->feed->name,
		         log_quote(intake_item_name(wd)));
	else
		snprintf(who, sizeof(who), "%s=%s", j->post != NULL ? "api" : "file",
		         log_quote(j->name));
	return who;
}

/*
 * The entry stored as article id instead of the id its address gave it (a
 * revision of first; with first NULL, an item of its own at an address
 * held): its hits made that article's. 0, -1 (err said).
 */
static int
intake_rebase(struct work_doc *wd, const char *id, const char *first, char *err, size_t errsz)
{
	for (size_t i = 0; i < wd->nhits; i++) {
		struct work_hit *h = &wd->hits[i];
		char *json;

		if (hit_json_rebase(h->json, id, first, &json, h->id) < 0) {
			snprintf(err, errsz,
			         "article %s: out of memory, or a hit that is no "
			         "hit object",
			         id);
			return -1;
		}
		free(h->json);
		h->json = json;
	}
	snprintf(wd->doc->id, sizeof(wd->doc->id), "%s", id);
	return 0;
}

/*
 * Which of the feed's articles a feed entry not stored as it is (dup: the
 * article holding its address, or NULL) is a text of, into first:
 *  - by its own id: when its id (a guid, Atom id, JSON Feed id; with
 *    neither id nor link, its title) is its own (work_doc.item_own) and
 *    the feed stored its entry with another text before
 *    (feed_items.article), that article, whatever its link and title now;
 *  - else by its link, only when it is plausibly the same article: one of
 *    the feed's articles at that link (store_feed_link_article: the one
 *    holding the address, or one stored there without it) with the same
 *    title, else with a text a near duplicate of it (SimHash within
 *    near_bits; a text of 300 bytes or more, as for near duplicates). Not
 *    when the entry has an id and another entry of the body another id at
 *    that link (work_doc.link_shared): the feed lists them as different
 *    items, a home page every item links to.
 * A shared link alone never makes one article of two entries: an edit
 * alerted again is a lesser harm than a new article not alerted.
 * 1 (first set), 0 (none), or a store error.
 */
static int
intake_revision_of(struct intake *in, struct job *j, struct work_doc *wd, const char *dup,
                   char *first, size_t firstsz, char *err, size_t errsz)
{
	const struct document *d = wd->doc;
	int r = 0;

	/* a link is no id of its own here: it is compared below; 2: the id is no item's own */
	if (wd->item_own && (d->meta.id != NULL || d->url == NULL) &&
	    (r = store_feed_item_article(in->st, j->feed->name, wd->item, first, firstsz, err,
	                                 errsz)) < 0)
		return r;
	if (r == 1)
		return 1;
	if (d->url == NULL || wd->link_shared)
		return 0;
	/* no article holds the address (dup NULL): only those stored without one are looked at */
	return store_feed_link_article(
	    in->st, j->feed->name, dup != NULL ? d->canonical : NULL, d->url, d->field[F_TITLE],
	    d->simhash,
	    d->simhash != 0 && d->field_len[F_BODY] >= INTAKE_NEAR_MIN_BODY ? in->o.near_bits : -1,
	    first, firstsz, err, errsz);
}

/*
 * A document not stored as it is (dup: the article holding its address,
 * or NULL): a revision, or an article of its own. A feed entry: a
 * revision of the article intake_revision_of names, at its first
 * appearance as at its later texts, so that both moments agree. Else,
 * when dup is an article of this feed (another entry at the link, a home
 * page every item links to), an article of its own: its link its url but
 * not its address (the first one keeps it), its id one of the address and
 * its text (doc_revision_id), so that it is matched and alerted as a new
 * item, never a duplicate of another item. Any other new text at a
 * stored address is a revision of the article holding it, whoever brings
 * it and whoever stored it: a feed entry at an address another feed, a
 * drop file or the API stored (an aggregator's full text after a
 * publisher's teaser), a drop file's or a post's text (j->feed NULL: no
 * entry, the feed's lookups skipped; a feed's teaser, then the page saved
 * whole). A revision gets its own id
 * (doc_revision_id), its hits made the hits of that id, and root its
 * group (the first one's), whose alerted rules are not alerted again.
 * Returns 1 (a revision), 0 (none), 2 (a revision past
 * INTAKE_MAX_REVISIONS that alerts no new rule: said, not stored), 3 (an
 * article of its own at an address this feed's article holds), or a
 * store error.
 */
static int
intake_revision(struct intake *in, struct job *j, struct work_doc *wd, const char *dup, char *root,
                size_t rootsz, int64_t now, char *err, size_t errsz)
{
	struct document *d = wd->doc;
	int64_t nrev = 0;
	char id[24], first[32], url[4096];
	int r = 0;

	if (j->feed != NULL &&
	    (r = intake_revision_of(in, j, wd, dup, first, sizeof(first), err, errsz)) < 0)
		return r;
	if (r == 0) {
		if (dup == NULL)
			return 0;
		/*
		 * an entry whose link another entry of the body has under another
		 * id (link_shared): an article of its own, whoever stored the
		 * address (this feed, another, a drop file, the API, an earlier
		 * entry of the same file), or the entries after the first would
		 * all be one article, their rules held back
		 */
		if (wd->link_shared ||
		    (j->feed != NULL &&
		     (r = store_article_of_feed(in->st, dup, j->feed->name, err, errsz)) != 0)) {
			if (r < 0)
				return r;
			doc_revision_id(d->canonical, wd->content_hash, id);
			return intake_rebase(wd, id, NULL, err, errsz) < 0 ? -1 : 3;
		}
		/*
		 * a new text at an address another source stored (another feed,
		 * a drop file, the API), whoever brings it: a revision of the
		 * article holding it, so that a rule only the new text hits alerts
		 */
		snprintf(first, sizeof(first), "%s", dup);
	}
	if ((r = store_article_revisions(in->st, first, root, rootsz, &nrev, url, sizeof(url), err,
	                                 errsz)) <= 0)
		return r;
	if (nrev >= INTAKE_MAX_REVISIONS &&
	    (r = intake_revision_alerts(in, wd, root, first, now, err, errsz)) <= 0) {
		if (r < 0)
			return r;
		log_info("revised %s of=%s: not stored, %lld revisions of it are "
		         "stored already (the most kept) and its text alerts no new rule",
		         intake_who(j, wd), first, (long long)nrev);
		return 2;
	}
	/* the first one's id when it has no link: unique to the item all the same */
	doc_revision_id(d->canonical != NULL ? d->canonical : first, wd->content_hash, id);
	if (intake_rebase(wd, id, first, err, errsz) < 0)
		return -1;
	snprintf(wd->revision_of, sizeof(wd->revision_of), "%s", first);
	/*
	 * a link that is neither the first one's address nor its url (an
	 * article of its own at a shared link has one, not the other): the
	 * revision's url, not an address
	 */
	wd->revision_moved = d->canonical != NULL && (dup == NULL || strcmp(dup, first) != 0) &&
	                     strcmp(url, d->url) != 0;
	return 1;
}

/*
 * Store one document of a job: skipped when its content or address is
 * already stored; linked to its group when a near duplicate. Hits are
 * collected into *alerts (the ones to announce). Returns 0 or a store error.
 */
static int
intake_store_doc(struct intake *in, struct job *j, struct work_doc *wd, int64_t now, char *err,
                 size_t errsz)
{
	const struct document *d = wd->doc;
	struct store_article a = {0};
	char dup[32], root[32];
	int r, near = 0;

	if (j->feed != NULL) {
		/* an item seen before is not read again, even when its article changed */
		r = store_feed_item_seen(in->st, j->feed->name, wd->item, err, errsz);
		if (r != 0)
			return r < 0 ? r : 0;
		if (j->feed->fetch_article)
			return intake_new_item(j, wd, err, errsz);
		if ((r = store_feed_item_add(in->st, j->feed->name, wd->item, now, err, errsz)) < 0)
			return r;
		/*
		 * An item with no words (a link alone): nothing to match, and an
		 * empty article would only take its address (and make every other
		 * empty item its duplicate). With fetch_article its page is its
		 * text; without, it is skipped, once: it is seen now.
		 */
		if (d->field_len[F_TITLE] == 0 && d->field_len[F_BODY] == 0) {
			log_debug("feed %s: item %s has no text: skipped (%s)", j->feed->name,
			          log_quote(intake_item_name(wd)),
			          j->feed->page_item != NULL ? "nor has its page"
			                                     : "fetch_article = no");
			return 0;
		}
		wd->fresh = 1;
	} else if (j->x.format == FMT_FEED && d->field_len[F_TITLE] == 0 &&
	           d->field_len[F_BODY] == 0) {
		/* the same for an entry of a feed file dropped or posted: nothing to fetch */
		log_debug("%s %s: item %s has no text: skipped", j->post ? "api" : "file",
		          log_quote(j->name), log_quote2(d->url ? d->url : "(no link)"));
		return 0;
	}
	r = store_article_find(in->st, wd->content_hash, d->canonical, dup, sizeof(dup), err,
	                       errsz);
	if (r < 0)
		return r;
	/*
	 * a feed item whose text changed, or a new text at a stored address
	 * (whoever brings it: a feed, a drop file, a post): a new row, of the
	 * first one's group; a text stored already (r == 1) is a duplicate,
	 * whichever item it is
	 */
	wd->revision_of[0] = '\0';
	wd->no_address = 0;
	if (r != 1 && (j->feed != NULL || r == 2)) {
		if ((near = intake_revision(in, j, wd, r == 2 ? dup : NULL, root, sizeof(root), now,
		                            err, errsz)) < 0)
			return near;
		if (near == 1) {
			r = 0;
			wd->fresh = 0; /* not a new item: the "revised" line says it */
		} else if (near == 2) {
			/* nothing stored: a post is answered with the article it revises */
			if (j->feed == NULL)
				snprintf(wd->dup_of, sizeof(wd->dup_of), "%s", dup);
			wd->fresh = 0;
			in->stats.duplicates++;
			return 0;
		} else if (near == 3) {
			r = 0, near = 0;
			wd->no_address = 1; /* a new item all the same: fresh stays */
		}
	}
	if (r >= 1) {
		snprintf(wd->dup_of, sizeof(wd->dup_of), "%s", dup);
		/* not a new item for the poll's line: nothing of it is stored */
		wd->fresh = 0;
		if (j->feed != NULL)
			log_info("duplicate feed=%s item=%s of=%s", j->feed->name,
			         log_quote(intake_item_name(wd)), dup);
		else if (j->post != NULL)
			log_info("duplicate api=%s of=%s", log_quote(j->name), dup);
		else
			log_info("duplicate file=%s of=%s", log_quote(j->name), dup);
		in->stats.duplicates++;
		return 0; /* nothing stored, nothing alerted */
	}
	/* SimHash over a few words says little: only longer texts are near duplicates */
	if (near == 0 && d->simhash != 0 && d->field_len[F_BODY] >= INTAKE_NEAR_MIN_BODY) {
		near =
		    store_article_near(in->st, d->simhash, now - (int64_t)in->o.near_days * 86400,
		                       in->o.near_bits, root, sizeof(root), err, errsz);
		if (near < 0)
			return near;
	}
	a.id = d->id;
	a.content_hash = wd->content_hash;
	/* a revision, or another item at the link, leaves the address to the first one: unique */
	a.canonical = wd->revision_of[0] != '\0' || wd->no_address ? NULL : d->canonical;
	a.revision_of = wd->revision_of[0] != '\0' ? wd->revision_of : NULL;
	a.url = d->url;
	a.title = d->field[F_TITLE];
	/* "" when it has none: a NULL body is one that retention removed (apijson.h) */
	a.body = d->field[F_BODY] != NULL ? d->field[F_BODY] : "";
	a.lang = d->lang[0] ? d->lang : NULL;
	a.published = d->published;
	a.source = d->field[F_SOURCE] ? d->field[F_SOURCE] : "drop";
	a.file = j->feed != NULL || j->post != NULL ? NULL : j->name;
	/* a feed's entries: the feed's own format ("rss2.0"), not just "feed" */
	a.format = j->x.format == FMT_FEED && j->x.feed_format != NULL
	               ? j->x.feed_format
	               : extract_format_name(j->x.format);
	a.charset = j->x.charset[0] != '\0' ? j->x.charset : NULL;
	a.simhash = d->simhash;
	a.near_of = near == 1 ? root : NULL;
	a.seen_at = now;
	if ((r = store_article_add(in->st, &a, err, errsz)) < 0)
		return r;
	/* the entry's article: its next texts are its revisions (intake_revision) */
	if (j->feed != NULL && (r = store_feed_item_article_set(
	                            in->st, j->feed->name, wd->item,
	                            a.revision_of != NULL ? a.revision_of : d->id, err, errsz)) < 0)
		return r;
	wd->seq = store_article_seq(in->st);
	wd->stored = 1;
	wd->near = near == 1;
	for (size_t i = 0; i < wd->nhits; i++) {
		struct work_hit *h = &wd->hits[i];
		struct store_hit sh = {.id = h->id,
		                       .article_id = d->id,
		                       .rule_id = h->rule_id,
		                       .json = h->json,
		                       .detected_at = h->detected_at,
		                       .alert = true};

		h->held = 0;
		if (near == 1) {
			r = store_hit_alerted(in->st, root, h->rule_id, a.revision_of, err, errsz);
			if (r < 0)
				return r;
			h->held = r;
			sh.alert = r == 0;
		}
		h->alert = sh.alert;
		h->muted = 0;
		/*
		 * A muted rule's hit raises no alert (outbox_route makes nothing
		 * for it): stored with alert = 0, as a near duplicate's repeat
		 * is, so that hark status counts it in hits, not alerts, and a
		 * near duplicate after the mute is the first alert of its group.
		 */
		if (sh.alert) {
			if ((r = store_mute_get(in->st, h->rule_id, now, NULL, err, errsz)) < 0)
				return r;
			h->muted = r;
			sh.alert = !h->muted;
		}
		if ((r = store_hit_add(in->st, &sh, err, errsz)) < 0)
			return r;
		/* its deliveries in the same transaction: a crash loses none of them */
		if (r == 1 && sh.alert && in->ob != NULL &&
		    (r = outbox_route(in->ob, h->rule, h->id, now, err, errsz)) < 0)
			return r;
	}
	return 0;
}

/*
 * Why some rules of a revision were not alerted again (held: bit 1 on an
 * earlier text of the article, bit 2 on a near duplicate), "" when none.
 */
static const char *
intake_held_note(unsigned held)
{
	switch (held) {
	case 1:
		return " (the rules alerted on an earlier text of the article are not alerted "
		       "again)";
	case 2:
		return " (the rules alerted on a near duplicate of the article are not alerted "
		       "again)";
	case 3:
		return " (the rules alerted on an earlier text of the article or on a near "
		       "duplicate "
		       "of it are not alerted again)";
	default:
		return "";
	}
}

static void
intake_log_doc(struct intake *in, struct job *j, struct work_doc *wd)
{
	const struct document *d = wd->doc;
	unsigned alerts = 0, muted = 0, held = 0;

	if (!wd->stored)
		return;
	for (size_t i = 0; i < wd->nhits; i++) {
		if (wd->hits[i].held > 0)
			held |= (unsigned)wd->hits[i].held;
		if (!wd->hits[i].alert)
			continue;
		log_info("hit rule=%s article=%s \"%s\"%s", wd->hits[i].rule_id, d->id,
		         log_quote(wd->hits[i].snippet),
		         wd->hits[i].muted ? " (muted: not alerted)" : "");
		alerts++;
		muted += wd->hits[i].muted != 0;
	}
	/* new_hits: the hits alerted, a muted rule's not among them */
	if (wd->revision_of[0] != '\0')
		log_info("revised %s of=%s new_hits=%u: article %s lang=%s hits=%zu%s%s",
		         intake_who(j, wd), wd->revision_of, alerts - muted, d->id,
		         d->lang[0] ? d->lang : "-", wd->nhits, intake_held_note(held),
		         wd->revision_moved
		             ? " (a new link: this revision's url; the article keeps "
		               "its first address)"
		             : "");
	else if (j->feed != NULL)
		log_info("article %s feed=%s url=%s lang=%s hits=%zu%s%s", d->id, j->feed->name,
		         log_quote(d->url ? d->url : "-"), d->lang[0] ? d->lang : "-", wd->nhits,
		         alerts < wd->nhits ? " (near duplicate: not alerted again)" : "",
		         wd->no_address ? " (an item of its own at a link another item of the "
		                          "feed has: its url, not its address)"
		                        : "");
	else
		log_info("article %s %s=%s lang=%s hits=%zu%s%s", d->id, j->post ? "api" : "file",
		         log_quote(j->name), d->lang[0] ? d->lang : "-", wd->nhits,
		         alerts < wd->nhits ? " (near duplicate: not alerted again)" : "",
		         wd->no_address ? " (an entry of its own at a link another entry has: its "
		                          "url, not its address)"
		                        : "");
	/* a pattern that backtracks without end: its answer here may be wrong */
	for (size_t i = 0; i < wd->nlimited; i++)
		log_warnx("rule=%s: its regular expression hit PCRE2's match limit on article %s "
		          "%s=%s; a match there may be missed",
		          wd->limited[i]->id, d->id, j->feed != NULL ? "url" : "file",
		          log_quote(j->feed != NULL ? (d->url ? d->url : "-") : j->name));
	in->stats.articles++;
	if (j->feed != NULL)
		in->stats.articles_feed++;
	else if (j->post != NULL)
		in->stats.articles_api++;
	in->stats.hits += wd->nhits;
	/* a muted rule's hit is stored and not alerted (outbox_route made nothing) */
	in->stats.alerts += alerts - muted;
	in->stats.muted += muted;
	/* every article stored in a group (near_of), as hark status counts them */
	if (wd->near)
		in->stats.near_duplicates++;
}

/*
 * Commit the first finished jobs in one transaction: at most INTAKE_BATCH,
 * and no job more once storing them (since start) took as long as the last
 * commit, within INTAKE_TURN_MS and INTAKE_STORE_MAX_MS. Their files wait
 * in done_head for intake_move_done. Returns
 * whether the commit failed (tried again by ev_retry, or never: fatal).
 */
static bool
intake_commit(struct intake *in, int64_t start)
{
	char err[512];
	int64_t now = (int64_t)time(NULL), budget = in->commit_ns, t;

	if (budget < (int64_t)INTAKE_TURN_MS * 1000000)
		budget = (int64_t)INTAKE_TURN_MS * 1000000;
	if (budget > (int64_t)INTAKE_STORE_MAX_MS * 1000000)
		budget = (int64_t)INTAKE_STORE_MAX_MS * 1000000;
	if (in->commit != NULL) {
		struct job *batch = in->commit, *j, *next;
		size_t n = 0;
		int r;

		r = store_begin(in->st, err, sizeof(err));
		for (j = batch; r == 0 && j != NULL && n < INTAKE_BATCH; j = j->next, n++) {
			/* a job's documents go together; at least one job a transaction */
			if (n > 0 && intake_now_ns() - start >= budget)
				break;
			for (size_t i = 0; r == 0 && i < j->ndocs; i++)
				r = intake_store_doc(in, j, &j->docs[i], now, err, sizeof(err));
		}
		t = intake_now_ns();
		if (r == 0)
			r = store_commit(in->st, err, sizeof(err));
		in->commit_ns = intake_now_ns() - t;
		if (r != 0) {
			for (j = batch; j != NULL; j = j->next) {
				for (size_t i = 0; i < j->ndocs; i++) {
					j->docs[i].stored = j->docs[i].fresh = 0;
					j->docs[i].revision_of[0] = '\0';
				}
				feed_new_items_free(j->newitems, j->nnew);
				j->newitems = NULL;
				j->nnew = 0;
			}
			store_rollback(in->st);
			/*
			 * Permanent: the store told harkd, which stops; trying
			 * again would only fail again. The files stay in incoming/.
			 */
			if (r == STORE_FATAL)
				return true;
			/*
			 * Tried again every second: said when it begins, then
			 * once a minute, not at every try (a full disk for an
			 * hour would be 3,600 lines).
			 */
			if (in->failing_since == 0 || now - in->failing_said >= 60) {
				if (in->failing_since == 0)
					in->failing_since = now;
				in->failing_said = now;
				if (r == STORE_BUSY)
					log_warnx("database busy (%s); the files stay in incoming/ "
					          "and will be stored shortly",
					          err);
				else
					log_err("cannot store: %s; the files stay in incoming/",
					        err);
			}
			intake_retry_later(in);
			return true;
		}
		in->retry_ms = 0;
		if (in->failing_since != 0) {
			log_info("database writable again after %lld s",
			         (long long)(now - in->failing_since));
			in->failing_since = 0;
		}
		/* committed: now the files may move, a share of the turn at a time */
		j = batch;
		for (size_t k = 0; k < n; k++, j = next) {
			int64_t lat;

			next = j->next;
			for (size_t i = 0; i < j->ndocs; i++) {
				intake_log_doc(in, j, &j->docs[i]);
				/* its keys, made by a worker, to the index: no second tokenizing */
				if (j->docs[i].stored)
					indexer_offer(in->ix, j->docs[i].seq,
					              &j->docs[i].index_text);
			}
			if (j->feed != NULL) {
				unsigned fresh = 0;

				for (size_t i = 0; i < j->ndocs; i++)
					fresh += j->docs[i].fresh;
				j->feed->done(j->feed->arg, 0, NULL, fresh, j->newitems, j->nnew);
				j->newitems = NULL; /* the poller's now */
				j->nnew = 0;
			} else if (j->post != NULL) {
				/* committed: now, and only now, the client hears of it */
				j->post->called = 1;
				j->post->done(j->post->arg, 0, NULL, j);
				in->nposts--;
			} else {
				struct name *nm = name_find(in, j->name);

				if (j->ndocs == 0)
					log_info("done file=%s: no article in it",
					         log_quote(j->name));
				/* only the file read moves; its name is read again when replaced */
				if (nm != NULL) {
					nm->next_queue = NULL;
					*in->done_tail = nm;
					in->done_tail = &nm->next_queue;
					in->ndone++;
				}
			}
			lat = j->done_ns - j->queued_ns;
			if (lat > in->stats.latency_max_ns)
				in->stats.latency_max_ns = lat;
			hist_observe(&in->stats.commit_seconds, (double)lat / 1e9);
			job_free(j);
			in->ncommit--;
		}
		if (in->ob != NULL)
			outbox_kick(in->ob);
		indexer_kick(in->ix);
		in->commit = j;
		if (in->commit == NULL)
			in->commit_tail = &in->commit;
	}
	return false;
}

/*
 * Move the files of committed jobs to done/ until the share of the turn
 * begun at start is spent (at least one); once none is left, sync the
 * spool's directories (a move lost to a crash brings the file back, and
 * the second pass finds it stored: a duplicate, nothing stored twice).
 */
static void
intake_move_done(struct intake *in, int64_t start)
{
	char err[PATH_MAX + 256];

	while (in->done_head != NULL) {
		struct name *n = in->done_head;

		in->done_head = n->next_queue;
		if (in->done_head == NULL)
			in->done_tail = &in->done_head;
		in->ndone--;
		if (intake_finish(in, n, NULL))
			in->unsynced = 1;
		if (intake_spent(start))
			break;
	}
	if (in->done_head == NULL && in->unsynced) {
		in->unsynced = 0;
		if (dropdir_sync(in->dd, err, sizeof(err)) < 0)
			log_err("%s", err);
	}
}

/*
 * intake's share of one turn of the loop: the moves of the last commit,
 * or else the commit of the next batch; then the loop's other events
 * before the next share (a zero timer, see intake_kick).
 */
static void
intake_turn(struct intake *in)
{
	int64_t start = intake_now_ns();
	bool failed = false;

	if (in->done_head != NULL)
		intake_move_done(in, start);
	else if (!evtimer_pending(in->ev_retry, NULL))
		failed = intake_commit(in, start);
	if (in->done_head != NULL ||
	    (in->commit != NULL && !failed && !evtimer_pending(in->ev_retry, NULL)))
		intake_turn_later(in);
}

static void
intake_done_cb(struct job **jobs, size_t n, void *arg)
{
	struct intake *in = arg;

	for (size_t i = 0; i < n; i++) {
		struct job *j = jobs[i];

		if (j->failed && j->feed != NULL) {
			j->feed->done(j->feed->arg, -1, j->why, 0, NULL, 0);
			job_free(j);
			continue;
		}
		if (j->failed && j->post != NULL) {
			/* not an article (a 4xx), or none could be made of it (out of memory) */
			j->post->called = 1;
			j->post->done(j->post->arg, j->failed > 0 ? 1 : -1, j->why, j);
			in->nposts--;
			job_free(j);
			continue;
		}
		if (j->failed) {
			struct name *nm = name_find(in, j->name);

			if (j->failed < 0)
				log_err("%s: %s; it stays in incoming/", log_quote(j->name),
				        j->why);
			if (nm != NULL && j->failed > 0)
				intake_finish(in, nm, j->why);
			else if (nm != NULL)
				name_release(in, nm);
			job_free(j);
			continue;
		}
		if (j->x.warning[0] != '\0')
			log_warnx("%s%s: %s", j->feed ? "feed " : "", log_quote(j->name),
			          j->x.warning);
		*in->commit_tail = j;
		in->commit_tail = &j->next;
		j->next = NULL;
		in->ncommit++;
	}
	if (in->commit != NULL)
		intake_turn_later(in);
	intake_dispatch(in);
	intake_check_idle(in);
}

static void
intake_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake *in = arg;

	(void)fd;
	(void)what;
	intake_turn(in);
	intake_dispatch(in);
	intake_check_idle(in);
}

static void
intake_turn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake *in = arg;

	(void)fd;
	(void)what;
	intake_turn(in);
	intake_dispatch(in);
	intake_check_idle(in);
}

/*
 * incoming/ was removed or renamed away: recreate it, watch it, and scan it
 * (a producer may have made it again already, and dropped files in). Until
 * that works, try again every 5 s.
 */
static void
intake_rewatch(struct intake *in)
{
	char what[PATH_MAX + 64], err[PATH_MAX + 128];

	if (dropdir_rewatch(in->dd, what, sizeof(what), err, sizeof(err)) < 0) {
		struct timeval tv = {5, 0};

		log_err("cannot recreate and watch incoming/: %s; trying again in 5 s",
		        log_quote(err));
		evtimer_add(in->ev_rewatch, &tv);
		return;
	}
	if (strncmp(what, "renamed", 7) == 0 && strstr(what, " in it") == NULL)
		log_warnx("the old incoming/ was %s", log_quote(what));
	else if (strncmp(what, "renamed", 7) == 0)
		log_err("the old incoming/ was %s: those files are out of the spool and will not "
		        "be read unless moved back into incoming/",
		        log_quote(what));
	if (what[0] == '\0') {
		log_warnx("the spool's directories opened again");
		return;
	}
	log_warnx("incoming/ recreated and watched again");
	if (dropdir_scan(in->dd, intake_add_cb, in, err, sizeof(err)) < 0)
		log_err("rescan: %s", log_quote(err));
}

static void
intake_rewatch_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	intake_rewatch(arg);
}

/* A file the sweep found: taken unless already in hand (queued, in flight). */
static void
intake_sweep_add_cb(const char *s, void *arg)
{
	struct intake *in = arg;

	if (in->stopping || name_find(in, s) != NULL)
		return;
	log_warnx("%s: in incoming/ for %ld s with no event for it (a hard link whose other "
	          "name was removed, a writer that died, a lost event): taking it",
	          log_quote(s), in->sweep_s);
	intake_add_cb(s, in);
}

/*
 * The safety net under inotify (dropdir_sweep): a file that arrived without
 * the close or rename harkd waits for is taken within about 1.5 sweep_s,
 * not left until the next start.
 */
static void
intake_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake *in = arg;
	char err[256];

	(void)fd;
	(void)what;
	if (dropdir_sweep(in->dd, in->sweep_s, intake_sweep_add_cb, in, err, sizeof(err)) < 0)
		log_err("sweep: %s", log_quote(err));
}

static void
intake_inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake *in = arg;
	char err[256];
	int r;

	(void)fd;
	(void)what;
	r = dropdir_drain(in->dd, intake_add_cb, in, err, sizeof(err));
	if (r < 0) {
		log_err("inotify: %s", err);
	} else if (r == 2) {
		log_err("%s", log_quote(err));
		intake_rewatch(in);
	} else if (r == 1) {
		log_warnx("inotify queue overflowed: rescanning incoming/");
		if (dropdir_scan(in->dd, intake_add_cb, in, err, sizeof(err)) < 0)
			log_err("rescan: %s", err);
	}
}

struct intake *
intake_new(struct event_base *base, struct dropdir *dd, struct store *st, int nthreads, char *err,
           size_t errsz)
{
	struct intake *in = calloc(1, sizeof(*in));

	if (in == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	in->base = base;
	in->dd = dd;
	in->st = st;
	in->commit_tail = &in->commit;
	in->done_tail = &in->done_head;
	in->o.keep_done = true;
	in->o.max_size = 16u << 20;
	in->o.near_days = 7;
	in->o.near_bits = 3;
	hist_init(&in->stats.commit_seconds, hist_bounds_commit, hist_nbounds_commit);
	/*
	 * The loop commits; a checkpoint at a commit (SQLite's default) would
	 * add hundreds of ms on a busy disk to that turn: a thread does them.
	 */
	if (store_checkpoint_thread(st, err, errsz) < 0)
		log_warnx("checkpoints stay with the commits on the loop: %s", err);
	in->work = work_new(base, nthreads, intake_done_cb, in, err, errsz);
	in->ev_retry = evtimer_new(base, intake_retry_cb, in);
	in->ev_kick = evtimer_new(base, intake_kick_cb, in);
	in->ev_turn = evtimer_new(base, intake_turn_cb, in);
	in->ev_move = evtimer_new(base, intake_move_cb, in);
	in->ev_rewatch = evtimer_new(base, intake_rewatch_cb, in);
	in->ev_sweep = event_new(base, -1, EV_PERSIST, intake_sweep_cb, in);
	in->sweep_s = envnum_get("HARK_SWEEP_SECONDS", 2, 86400, INTAKE_SWEEP_S, "seconds");
	in->ev_inotify =
	    event_new(base, dropdir_fd(dd), EV_READ | EV_PERSIST, intake_inotify_cb, in);
	if (in->work == NULL || in->ev_retry == NULL || in->ev_kick == NULL ||
	    in->ev_turn == NULL || in->ev_move == NULL || in->ev_rewatch == NULL ||
	    in->ev_sweep == NULL || in->ev_inotify == NULL) {
		if (in->work != NULL)
			snprintf(err, errsz, "cannot create events");
		intake_free(in);
		return NULL;
	}
	return in;
}

void
intake_free(struct intake *in)
{
	struct job *j;

	if (in == NULL)
		return;
	work_free(in->work);
	while ((j = in->commit) != NULL) {
		in->commit = j->next;
		job_free(j);
	}
	for (size_t b = 0; b < NAME_BUCKETS; b++)
		while (in->buckets[b] != NULL) {
			struct name *n = in->buckets[b];

			in->buckets[b] = n->next_hash;
			dropdir_id_close(&n->id);
			free(n->s);
			free(n->why);
			free(n);
		}
	if (in->ev_inotify)
		event_free(in->ev_inotify);
	if (in->ev_retry)
		event_free(in->ev_retry);
	if (in->ev_kick)
		event_free(in->ev_kick);
	if (in->ev_turn)
		event_free(in->ev_turn);
	if (in->ev_move)
		event_free(in->ev_move);
	if (in->ev_rewatch)
		event_free(in->ev_rewatch);
	if (in->ev_sweep)
		event_free(in->ev_sweep);
	rules_unref(in->rules);
	free(in);
}

void
intake_set_rules(struct intake *in, struct rules *r)
{
	rules_unref(in->rules);
	in->rules = rules_ref(r);
	intake_kick(in);
}

int
intake_feed(struct intake *in, char *bytes, size_t len, struct job_feed *f)
{
	char *name = strdup(f->name);
	struct job *j;

	if (in->stopping || in->rules == NULL || name == NULL) {
		free(name);
		return -1;
	}
	j = job_new(name, bytes, len, in->rules, in->o.max_size);
	if (j == NULL) {
		free(name);
		return -1;
	}
	snprintf(j->lang_prior, sizeof(j->lang_prior), "%s", in->o.lang_prior);
	j->feed = f;
	work_push(in->work, j);
	return 0;
}

int
intake_post(struct intake *in, char *bytes, size_t len, const char *from, struct job_post *p)
{
	char *name;
	struct job *j;

	if (in->stopping || in->rules == NULL)
		return -1;
	if (in->nposts >= INTAKE_MAX_POSTS)
		return -2;
	if ((name = strdup(from)) == NULL)
		return -1;
	j = job_new(name, bytes, len, in->rules, in->o.max_size);
	if (j == NULL) {
		free(name);
		return -1;
	}
	snprintf(j->lang_prior, sizeof(j->lang_prior), "%s", in->o.lang_prior);
	j->post = p;
	in->nposts++;
	work_push(in->work, j);
	return 0;
}

void
intake_set_outbox(struct intake *in, struct outbox *ob)
{
	in->ob = ob;
}

void
intake_set_indexer(struct intake *in, struct indexer *ix)
{
	in->ix = ix;
}

int
intake_busy(void *arg)
{
	const struct intake *in = arg;

	return in->queued + intake_in_flight(in) + in->nmoves > 0;
}

void
intake_set_opts(struct intake *in, const struct intake_opts *o)
{
	in->o = *o;
}

int
intake_start(struct intake *in, char *err, size_t errsz)
{
	/* the watch exists since dropdir_open(): a file arriving during the scan is not missed */
	if (event_add(in->ev_inotify, NULL) < 0) {
		snprintf(err, errsz, "cannot watch the inotify descriptor");
		return -1;
	}
	if (event_add(in->ev_sweep,
	              &(struct timeval){in->sweep_s / 2, (in->sweep_s % 2) * 500000}) < 0) {
		snprintf(err, errsz, "cannot start the sweep of incoming/");
		return -1;
	}
	return dropdir_scan(in->dd, intake_add_cb, in, err, errsz);
}

void
intake_stop(struct intake *in, void (*idle)(void *), void *arg)
{
	size_t stuck = 0;

	in->stopping = 1;
	in->idle = idle;
	in->idle_arg = arg;
	event_del(in->ev_inotify);
	event_del(in->ev_rewatch);
	event_del(in->ev_sweep);
	/* stored files whose move still fails: the next start sees them as duplicates */
	for (struct name *n = in->moves; n != NULL; n = n->next_queue)
		stuck++;
	if (stuck > 0)
		log_warnx("%zu file%s could not be moved out of incoming/; the next start "
		          "takes %s again",
		          stuck, stuck == 1 ? "" : "s", stuck == 1 ? "it" : "them");
	intake_check_idle(in);
}

void
intake_stats(const struct intake *in, struct intake_stats *s)
{
	*s = in->stats;
	s->queued = in->queued;
	s->in_flight = intake_in_flight(in);
}
