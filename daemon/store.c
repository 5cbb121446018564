/*
 * store.c: the SQLite database, state_dir/hark.db. The only code that
 * touches sqlite3*.
 *
 * WAL, so that `hark hits` and `hark status` read a consistent snapshot
 * while harkd writes. Every statement is prepared once at open into an
 * enum-indexed table and reset after use. The schema is versioned with
 * PRAGMA user_version: migration i brings version i to i + 1, each in its
 * own transaction; only the writer (harkd) migrates.
 */
#include <errno.h>
#include <fcntl.h> /* AT_FDCWD */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

#include "simhash.h"
#include "store.h"

/*
 * Retention (store_prune_texts): the articles that still hold their text,
 * by time, so that the pruner and the archive's reach read only those, not
 * the rows pruned before them (a year of them after a year).
 */
#define MIGRATION_RETENTION                                                                        \
	"CREATE INDEX articles_text_seen ON articles(seen_at) WHERE body IS NOT NULL;"

/*
 * FTS5 merges its segments 16 at a time, not 4 (its 'automerge'), and
 * merges a level all at once from 64 segments, not 16 ('crisismerge',
 * kept 4 times automerge as FTS5's defaults are: at 16 too, each level
 * would wait for a merge all at once, a stall of the loop growing with
 * the archive). Each commit writes a new segment; with 4 the merges
 * rewrote every key about twice as often, a quarter of harkd's commit on
 * the loop (BENCHMARKS.md, harkd drop to commit). A query reads up to 15
 * segments a level instead of 3 (a 2,000-term OR over 12,000 articles: 158
 * to 307 ms at worst, one term 35 to 97 us); the retention pass merges
 * them all into one.
 */
#define FTS_AUTOMERGE(table)                                                                       \
	"INSERT INTO " table " (" table ", rank) VALUES ('automerge', 16);"                        \
	"INSERT INTO " table " (" table ", rank) VALUES ('crisismerge', 64);"

/*
 * The schema, one script a version. Never edit a shipped script: add one.
 *
 * articles.seq is the rowid, declared INTEGER PRIMARY KEY so that VACUUM
 * keeps it: the contentless FTS5 index knows articles by it. b0..b3 are the
 * four 16-bit bands of the SimHash (b0 the low bits), indexed with seen_at
 * for store_article_near. Times: articles.seen_at, deliveries and feeds in
 * Unix seconds; hits.detected_at in milliseconds.
 */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE articles ("
    " seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " content_hash TEXT NOT NULL UNIQUE,"
    " canonical TEXT UNIQUE,"
    " url TEXT, title TEXT, body TEXT, lang TEXT, published TEXT, source TEXT, file TEXT,"
    " simhash INTEGER NOT NULL,"
    " b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL,"
    " near_of TEXT REFERENCES articles(id),"
    " seen_at INTEGER NOT NULL);"
    "CREATE INDEX articles_b0 ON articles(b0, seen_at);"
    "CREATE INDEX articles_b1 ON articles(b1, seen_at);"
    "CREATE INDEX articles_b2 ON articles(b2, seen_at);"
    "CREATE INDEX articles_b3 ON articles(b3, seen_at);"
    "CREATE INDEX articles_near_of ON articles(near_of);"
    "CREATE INDEX articles_seen_at ON articles(seen_at);"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(keys, content='', columnsize=0,"
    " detail=none, tokenize='ascii');"
    "CREATE TABLE hits ("
    " seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " article_id TEXT NOT NULL REFERENCES articles(id),"
    " rule_id TEXT NOT NULL,"
    " detected_at INTEGER NOT NULL,"
    " alert INTEGER NOT NULL,"
    " json TEXT NOT NULL,"
    " UNIQUE(article_id, rule_id));"
    "CREATE INDEX hits_detected_at ON hits(detected_at);"
    "CREATE INDEX hits_rule_id ON hits(rule_id, detected_at);"
    "CREATE TABLE deliveries ("
    " id INTEGER PRIMARY KEY,"
    " hit_id TEXT NOT NULL REFERENCES hits(id),"
    " webhook TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL DEFAULT 0,"
    " last_status INTEGER,"
    " last_error TEXT,"
    " created_at INTEGER NOT NULL,"
    " sent_at INTEGER,"
    " UNIQUE(hit_id, webhook));"
    "CREATE INDEX deliveries_state ON deliveries(state, next_at);"
    "CREATE TABLE feeds ("
    " name TEXT PRIMARY KEY,"
    " url TEXT NOT NULL,"
    " etag TEXT,"
    " last_modified TEXT,"
    " last_ok INTEGER,"
    " last_error TEXT,"
    " next_poll INTEGER,"
    " gone INTEGER NOT NULL DEFAULT 0,"
    " failures INTEGER NOT NULL DEFAULT 0);",
    /* 1 -> 2: webhooks disabled by 410 Gone; the outbox read per webhook */
    "CREATE TABLE webhooks ("
    " name TEXT PRIMARY KEY,"
    " fingerprint TEXT NOT NULL,"
    " disabled_at INTEGER NOT NULL,"
    " reason TEXT);"
    "CREATE INDEX deliveries_webhook ON deliveries(webhook, state, next_at, id);",
    /* 2 -> 3: the poller's memory of each feed and of the items it has seen */
    "ALTER TABLE feeds ADD COLUMN conf_url TEXT;"
    "CREATE TABLE feed_items ("
    " feed TEXT NOT NULL,"
    " item TEXT NOT NULL,"
    " seen_at INTEGER NOT NULL,"
    " PRIMARY KEY (feed, item)) WITHOUT ROWID;",
    /*
     * 3 -> 4: the reads of the pages and the API. A hit carries its
     * article's source and language (an article never changes once stored,
     * so the copies never go stale): each filter is then one range of one
     * index of hits, read newest first and stopped after a page, where a
     * join with articles would read every hit of the range or sort them
     * all. hits_time_rule covers the per-day counts of store_rule_stats.
     */
    "ALTER TABLE hits ADD COLUMN source TEXT;"
    "ALTER TABLE hits ADD COLUMN lang TEXT;"
    "UPDATE hits SET source = (SELECT a.source FROM articles a WHERE a.id = hits.article_id),"
    " lang = (SELECT a.lang FROM articles a WHERE a.id = hits.article_id);"
    "CREATE INDEX hits_source ON hits(source, detected_at);"
    "CREATE INDEX hits_lang ON hits(lang, detected_at);"
    "CREATE INDEX hits_time_rule ON hits(detected_at, rule_id);",
    /*
     * 4 -> 5: values the store keeps about itself. norm_version: the
     * normalization (token.h NORM_VERSION) the full-text index was made
     * with; none yet (an archive of an older hark) reads as 0.
     * fts_rebuild_seq: the last article a rebuild in progress has indexed.
     */
    "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;",
    /*
     * 5 -> 6: filters combined, a rule's or a source's index carries the
     * other filters' columns, so that a page checks them in the index and
     * reads only the rows it gives: a frequent rule with a rare source and
     * language read 20,000 rows (40 ms) for a page of 50 of 1,000,000
     * hits. seq is named so that the order stays (detected_at, seq), the
     * page's, before the columns that are only checked.
     */
    "DROP INDEX hits_rule_id;"
    "CREATE INDEX hits_rule_id ON hits(rule_id, detected_at, seq, source, lang);"
    "DROP INDEX hits_source;"
    "CREATE INDEX hits_source ON hits(source, detected_at, seq, lang);",
    /*
     * 6 -> 7: rules muted until a time (hark mute, POST
     * /api/v1/rules/ID/mute), read by harkd as it routes each hit's alerts:
     * no reload. A row whose until is past is no mute (it is deleted at the
     * next mute).
     */
    "CREATE TABLE mutes ("
    " rule_id TEXT PRIMARY KEY,"
    " until INTEGER NOT NULL,"
    " muted_at INTEGER NOT NULL) WITHOUT ROWID;",
    /* 7 -> 8: retention, see MIGRATION_RETENTION */
    MIGRATION_RETENTION,
    /*
     * 8 -> 9: digests. A delivery to a destination with a digest waits for
     * the end of its period, which stays its identity (the Message-ID of
     * the digest) through retries and SIGUSR1; NULL for a delivery per hit.
     */
    "ALTER TABLE deliveries ADD COLUMN period INTEGER;",
    /*
     * 9 -> 10: how each article was read, for the article page and API:
     * its format (extract_format_name) and the charset its bytes were in.
     * NULL for the articles stored before.
     */
    "ALTER TABLE articles ADD COLUMN format TEXT;"
    "ALTER TABLE articles ADD COLUMN charset TEXT;",
    /* 10 -> 11: the full-text index's merges, see FTS_AUTOMERGE */
    FTS_AUTOMERGE("articles_fts"),
    /*
     * 11 -> 12: when hark redeliver or the API's retry last made a
     * delivery pending again: its latency (hark_delivery_seconds) counts
     * from then, not from its hit's commit. NULL: never.
     */
    "ALTER TABLE deliveries ADD COLUMN requeued_at INTEGER;",
    /*
     * 12 -> 13: the full-text index follows the articles (store_fts_catch_up):
     * every article up to fts_through is in it, or has no text; those after
     * it are not yet, and the searches read them as well (FTS_THROUGH). Every
     * article stored before was indexed with it.
     */
    "INSERT OR REPLACE INTO store_meta (key, value) "
    "SELECT 'fts_through', coalesce(max(seq), 0) FROM articles;",
    /*
     * 13 -> 14: revisions. A feed item read again because its text changed
     * is a new row (rows stay append-only: the full-text index, retention
     * and backups see one more article), without a canonical address (the
     * first one holds it: canonical is unique) and with revision_of naming
     * the article that holds it; near_of puts it in that article's group,
     * so a rule alerted on one revision is not alerted again. The partial
     * index counts an article's revisions (their bound) and costs nothing
     * for the other articles.
     */
    "ALTER TABLE articles ADD COLUMN revision_of TEXT;"
    "CREATE INDEX articles_revision_of ON articles(revision_of) WHERE revision_of IS NOT NULL;",
    /*
     * 14 -> 15: a feed item's article. Each key of a feed's items
     * ("ID:TEXT", work.c job_item_key) names the article its entry was
     * stored as: the first article of the entry, which its revisions (the
     * entry's other texts) name too. The feed's own id of an entry (its
     * guid, else its link) then says "the same item" whatever its link is
     * now, or when it has none. NULL: nothing stored (no text, a
     * duplicate) or seen before 15.
     */
    "ALTER TABLE feed_items ADD COLUMN article TEXT;",
    /*
     * 15 -> 16: a muted rule's hit is stored with alert = 0 (it raised no
     * alert), no longer 1: hark status counted it among the alerts. Those
     * stored before are found where their mute is still a row: a hit of
     * its rule during it that has no delivery (outbox_route made none).
     */
    "UPDATE hits SET alert = 0 WHERE seq IN (SELECT h.seq FROM mutes m CROSS JOIN hits h "
    "ON h.rule_id = m.rule_id AND h.detected_at >= m.muted_at * 1000 "
    "AND h.detected_at < m.until * 1000 WHERE h.alert = 1 "
    "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.hit_id = h.id));",
    /*
     * 16 -> 17: a delivery may be cancelled: its webhook or email is no
     * longer in the configuration (store_deliveries_orphan), so it is no
     * work pending. A CHECK is changed only by making the table again.
     */
    "CREATE TABLE deliveries_new ("
    " id INTEGER PRIMARY KEY,"
    " hit_id TEXT NOT NULL REFERENCES hits(id),"
    " webhook TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    " CHECK (state IN ('pending', 'sent', 'dead', 'cancelled')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_at INTEGER NOT NULL DEFAULT 0,"
    " last_status INTEGER,"
    " last_error TEXT,"
    " created_at INTEGER NOT NULL,"
    " sent_at INTEGER,"
    " period INTEGER,"
    " requeued_at INTEGER,"
    " UNIQUE(hit_id, webhook));"
    "INSERT INTO deliveries_new (id, hit_id, webhook, state, attempts, next_at, last_status, "
    "last_error, created_at, sent_at, period, requeued_at) "
    "SELECT id, hit_id, webhook, state, attempts, next_at, last_status, last_error, created_at, "
    "sent_at, period, requeued_at FROM deliveries;"
    "DROP TABLE deliveries;"
    "ALTER TABLE deliveries_new RENAME TO deliveries;"
    "CREATE INDEX deliveries_state ON deliveries(state, next_at);"
    "CREATE INDEX deliveries_webhook ON deliveries(webhook, state, next_at, id);",
    /*
     * 17 -> 18: the articles stored without an address, by their url: a
     * revision, and a feed's entry at a link whose address the feed's
     * first article there holds (a home page every item links to). A new
     * entry at that link is compared with them (store_feed_link_article);
     * the others are found by their address. Partial: the other articles
     * cost nothing. IF NOT EXISTS: a database set back to an older version
     * by hand (the tests do) keeps it.
     */
    "CREATE INDEX IF NOT EXISTS articles_url ON articles(url) "
    "WHERE canonical IS NULL AND url IS NOT NULL;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_FIND_HASH,
	ST_FIND_CANONICAL,
	ST_NEAR_B0, /* ST_NEAR_B0 + i for band i */
	ST_NEAR_B1,
	ST_NEAR_B2,
	ST_NEAR_B3,
	ST_ARTICLE_ADD,
	ST_FTS_ADD,
	ST_FTS_PENDING,
	ST_HIT_ADD,
	ST_HIT_ALERTED,
	ST_HITS,
	ST_HITS_RULE,
	ST_ARTICLES,
	ST_ARTICLES_FTS,
	ST_STATUS,
	ST_FEEDS,
	ST_DELIVERY_ADD,
	ST_DELIVERIES_DUE,
	ST_DELIVERY_ADD_DIGEST,
	ST_DIGEST_ROWS,
	ST_DIGEST_NEXT,
	ST_DELIVERY_NEXT,
	ST_DELIVERY_COUNT,
	ST_DELIVERY_UPDATE,
	ST_DELIVERIES,
	ST_DELIVERIES_DEAD,
	ST_DELIVERY_REDELIVER,
	ST_WEBHOOK_DISABLE,
	ST_WEBHOOK_GET,
	ST_WEBHOOK_CLEAR,
	ST_WEBHOOKS,
	ST_FEED_GET,
	ST_FEED_PUT,
	ST_FEED_ITEM_SEEN,
	ST_FEED_ITEM_ADD,
	ST_ARTICLE_OF_FEED,
	ST_FEED_ITEM_ARTICLE,
	ST_FEED_ITEM_ARTICLE_SET,
	ST_ARTICLE_REVISIONS,
	ST_FEED_LINK_ARTICLES,
	/* a page of hits: ST_PAGE + PAGE_RULE | PAGE_SOURCE | PAGE_LANG, the filters used */
	ST_PAGE,
	ST_PAGE_LAST = ST_PAGE + 7,
	/* a set of rules: each rule's keys, ST_PAGE_KEYS + (PAGE_SOURCE | PAGE_LANG) / 2 */
	ST_PAGE_KEYS,
	ST_PAGE_KEYS_LAST = ST_PAGE_KEYS + 3,
	ST_HIT_SEQ,
	ST_ARTICLE_GET,
	ST_ARTICLE_HITS,
	ST_ARTICLE_GROUP,
	ST_STATS_LAST,
	ST_STATS_DAYS,
	ST_PING,
	ST_DB_SIZE,
	ST_DELIVERY_STATES,
	ST_FEED_STATES,
	ST_DELIVERIES_STATE,
	ST_DELIVERY_GET,
	ST_MUTE_SET,
	ST_MUTE_CLEAR,
	ST_MUTES_EXPIRED,
	ST_MUTE_GET,
	ST_MUTES,
	ST_DELIVERY_DESTS,
	ST_DELIVERIES_CANCEL,
	ST_RULE_HAS_HITS,
	ST_SOURCE_HAS_HITS,
	ST_COUNT
};
enum { PAGE_RULE = 1, PAGE_SOURCE = 2, PAGE_LANG = 4 };

#define ARTICLE_COLS                                                                               \
	"a.id, a.url, a.canonical, a.title, a.body, a.lang, a.published, a.source, a.file, "       \
	"a.near_of, a.simhash, a.seen_at, a.format, a.charset, a.revision_of"
/* how many: a column after them (", a.seq") is column ARTICLE_NCOLS */
#define ARTICLE_NCOLS 15
/*
 * The last article the full-text index has caught up with (store_fts_catch_up):
 * a search reads the index for the articles up to it, and every article after
 * it as a candidate, so that it misses none that intake stored meanwhile (the
 * callers match every candidate against the query's rules).
 */
#define FTS_THROUGH "coalesce((SELECT value FROM store_meta WHERE key = 'fts_through'), 0)"
#define NEAR_SQL(b)                                                                                \
	"SELECT id, near_of, simhash, seq FROM articles WHERE " b " = ?1 AND seen_at >= ?2"
#define HIT_COLS "id, article_id, rule_id, json, detected_at, alert"
#define PAGE_SQL(filter)                                                                           \
	"SELECT " HIT_COLS ", seq FROM hits WHERE detected_at >= :since "                          \
	"AND (detected_at, seq) < (:at, :seq)" filter                                              \
	" ORDER BY detected_at DESC, seq DESC LIMIT :limit"
#define PAGE_KEYS_SQL(filter)                                                                      \
	"SELECT detected_at, seq FROM hits WHERE detected_at >= :since "                           \
	"AND (detected_at, seq) < (:at, :seq) AND rule_id = :rule" filter                          \
	" ORDER BY detected_at DESC, seq DESC LIMIT :limit"
#define DELIVERY_COLS                                                                              \
	"d.id, d.hit_id, d.webhook, h.json, d.state, d.attempts, d.last_status, d.last_error, "    \
	"d.next_at, d.created_at, d.sent_at, d.period, d.requeued_at"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_FIND_HASH] = "SELECT id FROM articles WHERE content_hash = ?1",
    [ST_FIND_CANONICAL] = "SELECT id FROM articles WHERE canonical = ?1",
    [ST_NEAR_B0] = NEAR_SQL("b0"),
    [ST_NEAR_B1] = NEAR_SQL("b1"),
    [ST_NEAR_B2] = NEAR_SQL("b2"),
    [ST_NEAR_B3] = NEAR_SQL("b3"),
    [ST_ARTICLE_ADD] =
        "INSERT INTO articles (id, content_hash, canonical, url, title, body, lang, "
        "published, source, file, simhash, b0, b1, b2, b3, near_of, seen_at, format, charset, "
        "revision_of) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
        "?19, ?20)",
    [ST_FTS_ADD] = "INSERT INTO articles_fts (rowid, keys) VALUES (?1, ?2)",
    [ST_FTS_PENDING] = "SELECT " ARTICLE_COLS ", a.seq FROM articles a WHERE a.seq > ?1 "
                       "ORDER BY a.seq LIMIT ?2",
    /* ON CONFLICT, not OR IGNORE: only the uniqueness of (article, rule) is expected */
    [ST_HIT_ADD] = "INSERT INTO hits (id, article_id, rule_id, detected_at, alert, json, source, "
                   "lang) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                   "(SELECT source FROM articles WHERE id = ?2), "
                   "(SELECT lang FROM articles WHERE id = ?2)) ON CONFLICT DO NOTHING",
    /*
     * CROSS JOIN keeps the group's few articles outside: a rule may have
     * thousands of hits, a group a handful of articles
     */
    [ST_HIT_ALERTED] = "SELECT coalesce(a.id = ?3 OR a.revision_of = ?3, 0) "
                       "FROM articles a CROSS JOIN hits h "
                       "ON h.article_id = a.id AND h.rule_id = ?2 "
                       "WHERE (a.id = ?1 OR a.near_of = ?1) AND h.alert = 1 "
                       "ORDER BY 1 DESC LIMIT 1",
    [ST_HITS] = "SELECT " HIT_COLS " FROM hits WHERE detected_at >= ?1 "
                "ORDER BY detected_at DESC, seq DESC",
    [ST_HITS_RULE] = "SELECT " HIT_COLS " FROM hits WHERE detected_at >= ?1 AND rule_id = ?2 "
                     "ORDER BY detected_at DESC, seq DESC",
    [ST_ARTICLES] = "SELECT " ARTICLE_COLS " FROM articles a WHERE a.seen_at >= ?1 "
                    "ORDER BY a.seen_at, a.seq",
    /* ordered by seen_at (12th) and seq (16th): the index's answer and the articles after it */
    [ST_ARTICLES_FTS] = "SELECT " ARTICLE_COLS ", a.seq FROM articles_fts f "
                        "JOIN articles a ON a.seq = f.rowid "
                        "WHERE articles_fts MATCH ?2 AND a.seen_at >= ?1 "
                        "AND a.seq <= " FTS_THROUGH " UNION ALL "
                        /* by rowid: the index on seen_at would read every article */
                        "SELECT " ARTICLE_COLS ", a.seq FROM articles a NOT INDEXED "
                        "WHERE a.seq > " FTS_THROUGH " AND a.seen_at >= ?1 "
                        "ORDER BY 12, 16",
    /* one statement: the counts come from one snapshot */
    [ST_STATUS] = "SELECT (SELECT count(*) FROM articles),"
                  " (SELECT count(*) FROM articles WHERE near_of IS NOT NULL),"
                  " (SELECT count(*) FROM hits),"
                  " (SELECT count(*) FROM hits WHERE alert = 1),"
                  " (SELECT count(*) FROM deliveries WHERE state = 'pending'),"
                  " (SELECT count(*) FROM deliveries WHERE state = 'dead'),"
                  " (SELECT count(*) FROM deliveries WHERE state = 'cancelled'),"
                  " (SELECT coalesce(max(seen_at), 0) FROM articles),"
                  " (SELECT coalesce(max(detected_at), 0) FROM hits)",
    [ST_FEEDS] = "SELECT name, url, last_ok, last_error, next_poll, gone, failures FROM feeds "
                 "ORDER BY name",
    [ST_DELIVERY_ADD] = "INSERT INTO deliveries (hit_id, webhook, next_at, created_at) "
                        "VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO NOTHING",
    [ST_DELIVERY_ADD_DIGEST] = "INSERT INTO deliveries (hit_id, webhook, next_at, created_at, "
                               "period) VALUES (?1, ?2, ?3, ?4, ?3) ON CONFLICT DO NOTHING",
    /* a digest: the due deliveries of one period, newest hit first */
    [ST_DIGEST_ROWS] = "SELECT " DELIVERY_COLS ", h.rule_id FROM deliveries d "
                       "JOIN hits h ON h.id = d.hit_id "
                       "WHERE d.webhook = ?1 AND d.state = 'pending' AND d.period = ?2 "
                       "AND d.next_at <= ?3 ORDER BY h.detected_at DESC, d.id DESC",
    /*
     * SIGUSR1's sweep of a destination with a digest: the first pending
     * delivery after (period, id), due or not, in the order of the periods
     * (a row queued before the digest was configured has none: 0)
     */
    [ST_DIGEST_NEXT] = "SELECT " DELIVERY_COLS " FROM deliveries d "
                       "JOIN hits h ON h.id = d.hit_id "
                       "WHERE d.webhook = ?1 AND d.state = 'pending' "
                       "AND (coalesce(d.period, 0), d.id) > (?2, ?3) "
                       "ORDER BY coalesce(d.period, 0), d.id LIMIT 1",
    /* a page at a time: 100,000 pending deliveries are never all in memory */
    [ST_DELIVERIES_DUE] = "SELECT " DELIVERY_COLS " FROM deliveries d "
                          "JOIN hits h ON h.id = d.hit_id "
                          "WHERE d.webhook = ?1 AND d.state = 'pending' AND d.next_at <= ?2 "
                          "AND (d.next_at, d.id) > (?3, ?4) ORDER BY d.next_at, d.id LIMIT ?5",
    [ST_DELIVERY_NEXT] = "SELECT min(next_at) FROM deliveries "
                         "WHERE webhook = ?1 AND state = 'pending'",
    [ST_DELIVERY_COUNT] = "SELECT count(*) FROM deliveries "
                          "WHERE webhook = ?1 AND state = 'pending'",
    /* ?3 < 0: an early attempt (SIGUSR1) that failed: the schedule's count and time stay */
    [ST_DELIVERY_UPDATE] = "UPDATE deliveries SET state = ?2, "
                           "attempts = CASE WHEN ?3 < 0 THEN attempts ELSE ?3 END, "
                           "next_at = CASE WHEN ?3 < 0 THEN next_at ELSE ?4 END, "
                           "last_status = ?5, last_error = ?6, "
                           "sent_at = CASE WHEN ?2 = 'sent' THEN ?7 ELSE sent_at END "
                           /* a request under way at the cancel: only its arrival counts */
                           "WHERE id = ?1 AND (state <> 'cancelled' OR ?2 = 'sent')",
    [ST_DELIVERIES] = "SELECT " DELIVERY_COLS " FROM deliveries d JOIN hits h ON h.id = d.hit_id "
                      "ORDER BY d.created_at DESC, d.id DESC",
    [ST_DELIVERIES_DEAD] = "SELECT " DELIVERY_COLS " FROM deliveries d "
                           "JOIN hits h ON h.id = d.hit_id WHERE d.state = 'dead' "
                           "ORDER BY d.created_at DESC, d.id DESC",
    /* ?3: a sent one too (hark redeliver --force) */
    /* a digest's row whose period has not ended waits for its end, not sent alone */
    [ST_DELIVERY_REDELIVER] = "UPDATE deliveries SET state = 'pending', attempts = 0, "
                              "next_at = CASE WHEN period > ?2 THEN period ELSE ?2 END, "
                              "last_error = NULL, requeued_at = ?2 "
                              "WHERE id = ?1 AND (?3 OR state <> 'sent')",
    [ST_WEBHOOK_DISABLE] = "INSERT INTO webhooks (name, fingerprint, disabled_at, reason) "
                           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET "
                           "fingerprint = excluded.fingerprint, "
                           "disabled_at = excluded.disabled_at, reason = excluded.reason",
    [ST_WEBHOOK_GET] = "SELECT fingerprint, disabled_at, reason FROM webhooks WHERE name = ?1",
    [ST_WEBHOOK_CLEAR] = "DELETE FROM webhooks WHERE name = ?1",
    [ST_WEBHOOKS] = "SELECT name, reason, disabled_at FROM webhooks ORDER BY name",
    [ST_FEED_GET] = "SELECT conf_url, url, etag, last_modified, last_ok, last_error, next_poll, "
                    "gone, failures FROM feeds WHERE name = ?1",
    [ST_FEED_PUT] = "INSERT INTO feeds (name, conf_url, url, etag, last_modified, last_ok, "
                    "last_error, next_poll, gone, failures) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (name) DO UPDATE "
                    "SET conf_url = excluded.conf_url, url = excluded.url, etag = excluded.etag, "
                    "last_modified = excluded.last_modified, last_ok = excluded.last_ok, "
                    "last_error = excluded.last_error, next_poll = excluded.next_poll, "
                    "gone = excluded.gone, failures = excluded.failures",
    [ST_FEED_ITEM_SEEN] = "SELECT 1 FROM feed_items WHERE feed = ?1 AND item = ?2",
    [ST_FEED_ITEM_ADD] = "INSERT INTO feed_items (feed, item, seen_at) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT DO NOTHING",
    /*
     * an article the feed stored (its source the feed's name; a drop file's
     * has its file name): one row by its primary key
     */
    [ST_ARTICLE_OF_FEED] = "SELECT 1 FROM articles WHERE id = ?1 AND source = ?2 "
                           "AND file IS NULL",
    /* the articles the other keys of the same entry were stored as (the same range) */
    [ST_FEED_ITEM_ARTICLE] = "SELECT min(article), max(article) FROM feed_items "
                             "WHERE feed = ?1 AND item > ?2 AND item < ?3 AND item <> ?4",
    [ST_FEED_ITEM_ARTICLE_SET] = "UPDATE feed_items SET article = ?3 WHERE feed = ?1 AND item = ?2",
    /* its group's first article, and its revisions (the partial index articles_revision_of) */
    [ST_ARTICLE_REVISIONS] = "SELECT coalesce(near_of, id), "
                             "(SELECT count(*) FROM articles WHERE revision_of = ?1), url "
                             "FROM articles WHERE id = ?1",
    /*
     * the feed's articles at a link: the one holding its address (the
     * unique index on canonical), then the newest of those stored there
     * without one (articles_url, named: the planner would take the index
     * on canonical, and read every article without an address), each with
     * the first of its revisions
     */
    [ST_FEED_LINK_ARTICLES] = "SELECT coalesce(revision_of, id), title, simhash FROM articles "
                              "WHERE canonical = ?1 AND source = ?3 AND file IS NULL "
                              "UNION ALL SELECT * FROM ("
                              "SELECT coalesce(revision_of, id), title, simhash FROM articles "
                              "INDEXED BY articles_url "
                              "WHERE url = ?2 AND canonical IS NULL AND source = ?3 "
                              "AND file IS NULL ORDER BY seq DESC LIMIT ?4)",
    /*
     * Newest first, after the cursor (:at, :seq), at most :limit rows. The
     * bounds are always bound (the widest when not given), so that every
     * shape is a range of one index: hits_detected_at without a filter,
     * else hits_rule_id, hits_source or hits_lang, in the order asked.
     * until is folded into the cursor, not a term of its own: with two
     * upper bounds SQLite starts the range at one (until) and filters by
     * the other, reading every hit between them (a page deep in the
     * archive read from its newest hit).
     */
    /*
     * Filters combined: one index, the likeliest to be narrow, the others
     * checked in it ("+" keeps SQLite from using their index; their
     * columns are in it since schema 5, so a row is read only when it is
     * on the page): a rule's (most rules hit rarely), else a source's
     * (many feeds), else a language's (a few languages share the archive).
     */
    [ST_PAGE] = PAGE_SQL(""),
    [ST_PAGE + PAGE_RULE] = PAGE_SQL(" AND rule_id = :rule"),
    [ST_PAGE + PAGE_SOURCE] = PAGE_SQL(" AND source = :source"),
    [ST_PAGE + PAGE_RULE + PAGE_SOURCE] = PAGE_SQL(" AND rule_id = :rule AND +source = :source"),
    [ST_PAGE + PAGE_LANG] = PAGE_SQL(" AND lang = :lang"),
    [ST_PAGE + PAGE_RULE + PAGE_LANG] = PAGE_SQL(" AND rule_id = :rule AND +lang = :lang"),
    [ST_PAGE + PAGE_SOURCE + PAGE_LANG] = PAGE_SQL(" AND source = :source AND +lang = :lang"),
    [ST_PAGE + PAGE_RULE + PAGE_SOURCE + PAGE_LANG] =
        PAGE_SQL(" AND rule_id = :rule AND +source = :source AND +lang = :lang"),
    /*
     * the keys alone: hits_rule_id covers them, and the source and the
     * language since schema 5: no row is read for a rule's keys
     */
    [ST_PAGE_KEYS] = PAGE_KEYS_SQL(""),
    [ST_PAGE_KEYS + PAGE_SOURCE / 2] = PAGE_KEYS_SQL(" AND +source = :source"),
    [ST_PAGE_KEYS + PAGE_LANG / 2] = PAGE_KEYS_SQL(" AND +lang = :lang"),
    [ST_PAGE_KEYS + (PAGE_SOURCE + PAGE_LANG) / 2] =
        PAGE_KEYS_SQL(" AND +source = :source AND +lang = :lang"),
    [ST_HIT_SEQ] = "SELECT " HIT_COLS " FROM hits WHERE seq = ?1",
    [ST_ARTICLE_GET] = "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = ?1",
    [ST_ARTICLE_HITS] = "SELECT " HIT_COLS " FROM hits WHERE article_id = ?1 "
                        "ORDER BY detected_at DESC, seq DESC",
    /* the near-duplicate group of root but the article itself: id, then near_of */
    [ST_ARTICLE_GROUP] = "SELECT " ARTICLE_COLS " FROM articles a "
                         "WHERE (a.id = ?1 OR a.near_of = ?1) AND a.id <> ?2 "
                         "ORDER BY a.seen_at, a.seq",
    /*
     * Each rule's last hit: a skip scan of hits_rule_id, one probe a rule
     * id, never a read of every hit.
     */
    [ST_STATS_LAST] = "WITH RECURSIVE r(id) AS (SELECT min(rule_id) FROM hits UNION ALL "
                      "SELECT (SELECT min(rule_id) FROM hits WHERE rule_id > r.id) FROM r "
                      "WHERE r.id IS NOT NULL) "
                      "SELECT id, (SELECT max(detected_at) FROM hits WHERE rule_id = r.id) "
                      "FROM r WHERE id IS NOT NULL ORDER BY id",
    /*
     * The 30 days' hits before :now, counted by the caller: the range of
     * the covering hits_time_rule, read in 0.1 s for 1,000,000 hits, where
     * GROUP BY rule_id sorts them all (0.8 s).
     */
    [ST_STATS_DAYS] = "SELECT rule_id, detected_at FROM hits INDEXED BY hits_time_rule "
                      "WHERE detected_at > :now - 30 * 86400000 AND detected_at <= :now",
    /* GET /healthz: a read of the schema page, through the WAL index */
    [ST_PING] = "SELECT count(*) FROM sqlite_schema",
    [ST_DB_SIZE] = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
    /* the states that stay few (sent ones grow for ever): the range of deliveries_state */
    [ST_DELIVERY_STATES] = "SELECT webhook, state, count(*) FROM deliveries "
                           "WHERE state IN ('pending', 'dead') GROUP BY webhook, state",
    [ST_FEED_STATES] = "SELECT gone, last_error IS NOT NULL AND failures > 0, count(*) FROM feeds "
                       "GROUP BY 1, 2",
    [ST_DELIVERIES_STATE] = "SELECT " DELIVERY_COLS " FROM deliveries d "
                            "JOIN hits h ON h.id = d.hit_id WHERE ?1 IS NULL OR d.state = ?1 "
                            "ORDER BY d.created_at DESC, d.id DESC LIMIT ?2",
    [ST_DELIVERY_GET] = "SELECT " DELIVERY_COLS " FROM deliveries d "
                        "JOIN hits h ON h.id = d.hit_id WHERE d.id = ?1",
    [ST_MUTE_SET] = "INSERT INTO mutes (rule_id, until, muted_at) VALUES (?1, ?2, ?3) "
                    "ON CONFLICT (rule_id) DO UPDATE SET until = excluded.until, "
                    "muted_at = excluded.muted_at",
    [ST_MUTE_CLEAR] = "DELETE FROM mutes WHERE rule_id = ?1 AND until > ?2",
    [ST_MUTES_EXPIRED] = "DELETE FROM mutes WHERE until <= ?1",
    [ST_MUTE_GET] = "SELECT until FROM mutes WHERE rule_id = ?1 AND until > ?2",
    [ST_MUTES] = "SELECT rule_id, until, muted_at FROM mutes WHERE until > ?1 ORDER BY rule_id",
    /* the destinations with pending work: one probe of deliveries_webhook each */
    [ST_DELIVERY_DESTS] = "SELECT DISTINCT webhook FROM deliveries WHERE state = 'pending'",
    [ST_DELIVERIES_CANCEL] = "UPDATE deliveries SET state = 'cancelled', last_error = ?2 "
                             "WHERE webhook = ?1 AND state = 'pending'",
    /* one probe of hits_rule_id */
    [ST_RULE_HAS_HITS] = "SELECT 1 FROM hits WHERE rule_id = ?1 LIMIT 1",
    [ST_SOURCE_HAS_HITS] = "SELECT 1 FROM hits WHERE source = ?1 LIMIT 1",
};

/* The writer's three files, whose identity and attributes store_begin() checks. */
enum { SF_DB, SF_WAL, SF_SHM, SF_N };

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT]; /* owned; all prepared at open */
	int version;                  /* user_version once open */
	/* the writer's: what store_begin() checks */
	char *path;       /* owned: hark.db, the same as file[SF_DB] */
	char *file[SF_N]; /* owned: hark.db, hark.db-wal, hark.db-shm */
	struct file_id {
		unsigned maj, min; /* st_dev */
		uint64_t ino;
		int known; /* taken once SQLite had made the file */
	} id[SF_N];
	int fatal;          /* a permanent error happened: no more writes */
	int transient;      /* a write failed for a cause that passes (full disk): store_open */
	int no_ckpt;        /* nor a checkpoint at the close (corrupt, -shm) */
	char why[512];      /* its message */
	int64_t page_steps; /* SQLite VM steps of the last store_hits_page (tests) */
	void (*on_fatal)(void *, const char *);
	void *fatal_arg;
	int (*guard)(void *, char *, size_t);
	void *guard_arg;
	struct store_ckpt *ckpt; /* owned, or NULL: the writer checkpoints itself */
};

/*
 * The checkpointer of store_checkpoint_thread(): a thread with a connection
 * of its own, which it alone uses. The writer's WAL hook (on the writer's
 * thread) only sets want under mu; the thread checkpoints and clears it.
 */
struct store_ckpt {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int want; /* the WAL has grown past STORE_CKPT_PAGES since the last checkpoint */
	int stop; /* store_close, or a permanent error: no checkpoint more */
};

/* SQLite's own threshold (wal_autocheckpoint), kept. */
#define STORE_CKPT_PAGES 1000

/*
 * Whether an SQLite result code is permanent: waiting and trying again does
 * not cure a corrupt file, one that is not a database, one that may not be
 * written (read-only, immutable) or cannot be opened (its directory gone),
 * nor an I/O error of the disk. Busy and full (SQLITE_FULL: space may come
 * back) are not, nor out of memory.
 */
static int
store_permanent(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return 1;
	case SQLITE_IOERR:
		return rc != SQLITE_IOERR_NOMEM;
	default:
		return 0;
	}
}

/*
 * Whether a file of the database has grown to harkd's file size limit
 * (RLIMIT_FSIZE: ulimit -f, systemd's LimitFSIZE=): a write past it fails
 * with EFBIG, which SQLite reports as "disk I/O error" (nothing written)
 * or "database or disk is full" (a part written) without keeping that
 * errno. Within a WAL frame of it (a page and its header) counts: the
 * write that failed began there. The limit may be raised under a running
 * harkd (prlimit), and a checkpoint that empties the WAL makes room.
 */
static int
store_at_fsize_limit(struct store *st, unsigned long long *limit)
{
	struct rlimit rl;
	struct stat sb;

	if (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	*limit = (unsigned long long)rl.rlim_cur;
	for (int i = 0; i < SF_N; i++)
		if (st->file[i] != NULL && stat(st->file[i], &sb) == 0 &&
		    (unsigned long long)sb.st_size + 65536 + 24 >= *limit)
			return 1;
	return 0;
}

/*
 * An I/O error whose cause passes: a full disk or quota (SQLite says
 * SQLITE_FULL for most writes, an I/O error for some, growing the -shm),
 * a file at the file size limit (store_at_fsize_limit), an interrupted or
 * would-block call.
 */
static int
store_transient_errno(struct store *st, int rc)
{
	unsigned long long limit;

	/* SQLite records the system's errno with these two only */
	if ((rc & 0xff) != SQLITE_IOERR && (rc & 0xff) != SQLITE_CANTOPEN)
		return 0;
	switch (sqlite3_system_errno(st->db)) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
	case EINTR:
	case EAGAIN:
	case ENOMEM:
		return 1;
	default:
		return (rc & 0xff) == SQLITE_IOERR && store_at_fsize_limit(st, &limit);
	}
}

/*
 * A write refused at the file size limit: the limit is named, with what to
 * do, so that the cause is not looked for on a disk with room.
 */
static void
store_fsize_hint(struct store *st, int rc, char *err, size_t errsz)
{
	unsigned long long limit;
	size_t n = strlen(err);

	if ((rc & 0xff) != SQLITE_FULL && (rc & 0xff) != SQLITE_IOERR)
		return;
	if (n + 1 >= errsz || !store_at_fsize_limit(st, &limit))
		return;
	snprintf(err + n, errsz - n,
	         " (a file of the database reached harkd's file size limit, %llu bytes: raise "
	         "it, with ulimit -f, systemd's LimitFSIZE= or prlimit --fsize on the running "
	         "harkd)",
	         limit);
}

/* A permanent error, with err already written: remembered, told once. */
static int
store_fatal(struct store *st, const char *err)
{
	if (!st->fatal) {
		st->fatal = 1;
		/* a damaged file or an -shm that cannot be written gets no checkpoint */
		if (st->ckpt != NULL) {
			pthread_mutex_lock(&st->ckpt->mu);
			st->ckpt->stop = 1;
			pthread_mutex_unlock(&st->ckpt->mu);
		}
		snprintf(st->why, sizeof(st->why), "%s", err);
		if (st->on_fatal != NULL)
			st->on_fatal(st->fatal_arg, st->why);
	}
	return STORE_FATAL;
}

/*
 * Report a failed SQLite call: "what: message". SQLITE_BUSY (the lock was
 * held past busy_timeout) is STORE_BUSY, so that the caller keeps its work;
 * a permanent error STORE_FATAL.
 */
/*
 * A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is named, whichever query
 * met it first: "hark.db: reading the hits: database disk image is
 * malformed" says which file to move aside.
 */
static int
store_damaged(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

static int
store_fail(struct store *st, int rc, const char *what, char *err, size_t errsz)
{
	const char *file = store_damaged(rc) ? sqlite3_db_filename(st->db, "main") : NULL;

	if (file != NULL && *file != '\0')
		snprintf(err, errsz, "%s: %s: %s", file, what, sqlite3_errmsg(st->db));
	else
		snprintf(err, errsz, "%s: %s", what, sqlite3_errmsg(st->db));
	if ((rc & 0xff) == SQLITE_BUSY)
		return STORE_BUSY;
	store_fsize_hint(st, rc, err, errsz);
	/* no checkpoint into a damaged file */
	if (store_damaged(rc))
		st->no_ckpt = 1;
	if ((rc & 0xff) == SQLITE_FULL || store_transient_errno(st, rc))
		st->transient = 1;
	if (!store_permanent(rc) || store_transient_errno(st, rc))
		return -1;
	return store_fatal(st, err);
}

/* Step a statement that returns no row, then reset it. */
static int
store_exec(struct store *st, enum stmt s, const char *what, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[s];
	int rc, ret = 0;

	/* after a permanent error nothing is written; a rollback still may end a transaction */
	if (st->fatal && s != ST_ROLLBACK) {
		snprintf(err, errsz, "%s: %s", what, st->why);
		return STORE_FATAL;
	}
	rc = sqlite3_step(q);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_fail(st, rc, what, err, errsz);
	sqlite3_reset(q);
	return ret;
}

/*
 * Bind a text, or NULL when s is NULL. SQLITE_STATIC: not copied, so s must
 * live until the statement is reset; every function binds all its
 * parameters again before it steps.
 */
static void
bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
}

static const char *
col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

/* SimHashes are unsigned; SQLite integers signed: the same 64 bits. */
static sqlite3_int64
u64_to_i64(uint64_t u)
{
	sqlite3_int64 i;

	memcpy(&i, &u, sizeof(i));
	return i;
}

static uint64_t
i64_to_u64(sqlite3_int64 i)
{
	uint64_t u;

	memcpy(&u, &i, sizeof(u));
	return u;
}

/* Run a one-off SQL text (pragmas, migrations) outside the statement table. */
static int
store_run(struct store *st, const char *sql, const char *what, char *err, size_t errsz)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	const char *file;

	if (rc == SQLITE_OK)
		return 0;
	file = store_damaged(rc) ? sqlite3_db_filename(st->db, "main") : NULL;
	if (file != NULL && *file != '\0')
		snprintf(err, errsz, "%s: %s: %s", file, what, msg ? msg : sqlite3_errstr(rc));
	else
		snprintf(err, errsz, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	if ((rc & 0xff) == SQLITE_BUSY)
		return STORE_BUSY;
	store_fsize_hint(st, rc, err, errsz);
	if ((rc & 0xff) == SQLITE_FULL || store_transient_errno(st, rc))
		st->transient = 1;
	if (!store_permanent(rc) || store_transient_errno(st, rc))
		return -1;
	return store_fatal(st, err);
}

/* A pragma that answers one value (user_version, journal_mode) into out. */
static int
store_pragma(struct store *st, const char *sql, char *out, size_t outsz, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, sql, err, errsz);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		int ret = store_fail(st, rc, sql, err, errsz);

		sqlite3_finalize(q);
		return ret;
	}
	snprintf(out, outsz, "%s", col_text(q, 0) ? col_text(q, 0) : "");
	sqlite3_finalize(q);
	return 0;
}

static int
store_version(struct store *st, int *v, char *err, size_t errsz)
{
	char buf[32];
	int rc = store_pragma(st, "PRAGMA user_version", buf, sizeof(buf), err, errsz);

	if (rc == 0)
		*v = atoi(buf);
	return rc;
}

/*
 * Bring the schema up to SCHEMA_VERSION, one migration a transaction. The
 * version is read again inside each transaction: another harkd starting at
 * the same moment may have migrated already.
 */
static int
store_migrate(struct store *st, const char *path, char *err, size_t errsz)
{
	for (;;) {
		char sql[64], what[64];
		int v, rc;

		if ((rc = store_run(st, "BEGIN IMMEDIATE", "reading the schema version", err,
		                    errsz)) != 0)
			return rc;
		if ((rc = store_version(st, &v, err, errsz)) != 0)
			goto fail;
		if (v > SCHEMA_VERSION) {
			snprintf(err, errsz,
			         "%s: schema version %d is newer than this program's %d", path, v,
			         SCHEMA_VERSION);
			rc = -1;
			goto fail;
		}
		if (v == SCHEMA_VERSION) {
			/*
			 * A write that must reach the disk, so that a database
			 * that cannot be written (its -wal or -shm immutable, a
			 * read-only mount) is found now: user_version is
			 * written even when unchanged.
			 */
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
			if ((rc = store_run(st, sql, "a test write", err, errsz)) != 0 ||
			    (rc = store_run(st, "COMMIT", "a test write", err, errsz)) != 0)
				goto fail;
			return 0;
		}
		snprintf(what, sizeof(what), "migrating schema %d to %d", v, v + 1);
		if ((rc = store_run(st, migrations[v], what, err, errsz)) != 0)
			goto fail;
		/* user_version is in the database header: it commits with the rest */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = store_run(st, sql, what, err, errsz)) != 0)
			goto fail;
		if ((rc = store_run(st, "COMMIT", what, err, errsz)) != 0)
			goto fail;
		continue;
	fail:
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
}

/*
 * PRAGMA quick_check: every page read and its structure checked (not the
 * index contents: that is integrity_check, much slower). Returns 0 when
 * "ok", STORE_FATAL with the first problem and how many were found.
 */
static int
store_quick_check(struct store *st, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	char first[256] = "";
	int rc, n = 0;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check(10)", -1, &q, NULL);
	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc, "PRAGMA quick_check", err, errsz);
		return rc == STORE_BUSY ? rc : store_fatal(st, err);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *r = col_text(q, 0);

		/* the first problem comes as "*** in database main ***\nPage 2: ..." */
		if (r != NULL && strncmp(r, "*** ", 4) == 0)
			r = strchr(r, '\n') ? strchr(r, '\n') + 1 : "";
		if (r == NULL || *r == '\0' || strcmp(r, "ok") == 0)
			continue;
		if (n++ == 0)
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(r, "\n"), r);
	}
	if (rc != SQLITE_DONE && !store_permanent(rc)) {
		rc = store_fail(st, rc, "PRAGMA quick_check", err, errsz);
		sqlite3_finalize(q);
		return rc;
	}
	/* a page too damaged to walk stops the check itself: the same verdict */
	if (rc != SQLITE_DONE && n++ == 0)
		snprintf(first, sizeof(first), "%s", sqlite3_errmsg(st->db));
	sqlite3_finalize(q);
	if (n == 0)
		return 0;
	snprintf(err, errsz,
	         "%s fails PRAGMA quick_check: %s%s: the database is damaged; move it aside and "
	         "recover it (sqlite3 hark.db .recover | sqlite3 new.db) or restore a backup",
	         st->path, first, n > 1 ? " (and more)" : "");
	return store_fatal(st, err);
}

/*
 * Check one of the writer's files: it has not the immutable or append-only
 * attribute (the -shm is mapped into memory, where a write to such a file
 * is SIGBUS, not an error: no checkpoint then at the close), and once its
 * identity is known, the path still names it. A state_dir deleted or moved
 * (another made in its place), or a hark.db-wal deleted, would take commits
 * into a file nobody will read again while the drop directory's files move
 * to done/. Returns 0 (also when a file not known yet is missing: SQLite
 * makes it), -1 when statx fails otherwise, STORE_FATAL.
 */
static int
store_check_one(struct store *st, int i, char *err, size_t errsz)
{
	const struct file_id *id = &st->id[i];
	struct statx sx;

	if (statx(AT_FDCWD, st->file[i], AT_SYMLINK_NOFOLLOW, STATX_INO, &sx) < 0) {
		if ((errno != ENOENT && errno != ENOTDIR) || !id->known) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			snprintf(err, errsz, "%s: %s", st->file[i], strerror(errno));
			return -1;
		}
		snprintf(err, errsz,
		         "%s is gone: deleted or moved (with its state_dir?) since harkd opened it",
		         st->file[i]);
		return store_fatal(st, err);
	}
	if (sx.stx_attributes & sx.stx_attributes_mask &
	    (STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND)) {
		snprintf(err, errsz,
		         "%s is immutable or append-only (lsattr shows it; chattr -i -a clears "
		         "it): harkd must write it",
		         st->file[i]);
		if (i == SF_SHM)
			st->no_ckpt = 1;
		return store_fatal(st, err);
	}
	if (id->known &&
	    (sx.stx_dev_major != id->maj || sx.stx_dev_minor != id->min || sx.stx_ino != id->ino)) {
		snprintf(err, errsz,
		         "%s is no longer the file harkd opened: it was replaced (state_dir moved "
		         "or made anew?)",
		         st->file[i]);
		return store_fatal(st, err);
	}
	return 0;
}

static int
store_check_files(struct store *st, char *err, size_t errsz)
{
	for (int i = 0; i < SF_N; i++) {
		int rc = store_check_one(st, i, err, errsz);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Take the identity of file i as it is now. */
static int
store_remember(struct store *st, int i, char *err, size_t errsz)
{
	struct statx sx;

	if (statx(AT_FDCWD, st->file[i], AT_SYMLINK_NOFOLLOW, STATX_INO, &sx) < 0) {
		snprintf(err, errsz, "%s: %s", st->file[i], strerror(errno));
		return -1;
	}
	st->id[i].maj = sx.stx_dev_major;
	st->id[i].min = sx.stx_dev_minor;
	st->id[i].ino = sx.stx_ino;
	st->id[i].known = 1;
	return 0;
}

/* The settings of the writer. */
static int
store_setup_write(struct store *st, char *err, size_t errsz)
{
	char mode[16];
	int rc;

	rc = store_pragma(st, "PRAGMA journal_mode = WAL", mode, sizeof(mode), err, errsz);
	if (rc != 0)
		return rc;
	if (strcmp(mode, "wal") != 0) {
		snprintf(err, errsz, "cannot use WAL: journal mode stays '%s'", mode);
		return -1;
	}
	/*
	 * FULL, not the NORMAL usual with WAL: harkd moves the article's file
	 * out of incoming/ right after store_commit(). With NORMAL a power loss
	 * may roll back a commit whose file is already gone from incoming/, and
	 * the article would be lost; FULL syncs the WAL at every commit.
	 */
	rc = store_run(st, "PRAGMA synchronous = FULL", "PRAGMA synchronous", err, errsz);
	if (rc != 0)
		return rc;
	/*
	 * 64 MiB of page cache (the default is 2): each article touches a
	 * dozen index pages and the FTS5 segments; the writer lives long.
	 */
	return store_run(st, "PRAGMA cache_size = -65536", "PRAGMA cache_size", err, errsz);
}

/*
 * A new database frees the pages that pruning empties (store_vacuum_step):
 * auto_vacuum = INCREMENTAL can only be chosen before the first table is
 * made. An older database keeps auto_vacuum off until store_vacuum_full():
 * its free pages are reused by new articles, so it stops growing under
 * steady load but does not shrink.
 */
static int
store_setup_vacuum(struct store *st, char *err, size_t errsz)
{
	char n[32];
	int rc = store_pragma(st, "PRAGMA page_count", n, sizeof(n), err, errsz);

	if (rc != 0 || atoll(n) != 0)
		return rc;
	return store_run(st, "PRAGMA auto_vacuum = INCREMENTAL", "PRAGMA auto_vacuum", err, errsz);
}

/*
 * Before the first connection: no count of the memory SQLite allocates
 * (SQLITE_CONFIG_MEMSTATUS, on in Debian's build), which takes a global
 * mutex at every allocation and free, and FTS5 allocates a few hundred an
 * article at the loop's commit. Nothing here reads those counts
 * (sqlite3_memory_used, a soft heap limit).
 */
static void
store_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static pthread_once_t store_config_once = PTHREAD_ONCE_INIT;

int
store_open(const char *path, enum store_mode mode, int busy_ms, struct store **out, char *err,
           size_t errsz)
{
	struct store *st;
	struct stat sb;
	int flags, rc;

	*out = NULL;
	if (mode == STORE_READ && stat(path, &sb) < 0) {
		if (errno == ENOENT)
			snprintf(err, errsz, "no database at %s (has harkd run?)", path);
		else
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	flags =
	    mode == STORE_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	(void)pthread_once(&store_config_once, store_config);
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (st->db == NULL)
			snprintf(err, errsz, "%s: %s", path, sqlite3_errstr(rc));
		else
			store_fail(st, rc, path, err, errsz);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, busy_ms);
	if ((rc = store_run(st, "PRAGMA foreign_keys = ON", path, err, errsz)) != 0)
		goto fail;
	if (mode != STORE_READ) {
		int one = 1;

		if ((st->path = st->file[SF_DB] = strdup(path)) == NULL ||
		    asprintf(&st->file[SF_WAL], "%s-wal", path) < 0 ||
		    asprintf(&st->file[SF_SHM], "%s-shm", path) < 0) {
			st->file[SF_WAL] = st->file[SF_SHM] = NULL;
			snprintf(err, errsz, "%s: out of memory", path);
			rc = -1;
			goto fail;
		}
		/* SQLite opens a file it may not write read-only, without a word */
		if (sqlite3_db_readonly(st->db, "main") == 1) {
			snprintf(err, errsz,
			         "%s cannot be written (its permissions, a read-only file system, "
			         "or chattr +i): harkd must write its database",
			         path);
			rc = -1;
			goto fail;
		}
		/*
		 * The identity is taken now, just after SQLite opened the
		 * file: a file replaced later is not this one. No file may be
		 * immutable (SQLite would fail later, or SIGBUS on the -shm).
		 */
		if (store_remember(st, SF_DB, err, errsz) < 0 ||
		    store_check_files(st, err, errsz) != 0) {
			rc = -1;
			goto fail;
		}

		/*
		 * Keep hark.db-wal and hark.db-shm when harkd closes: a reader
		 * that may not create files in state_dir (a member of the
		 * group hark) can open a WAL database read-only only when they
		 * exist.
		 */
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
		if ((rc = store_setup_vacuum(st, err, errsz)) != 0 ||
		    (rc = store_setup_write(st, err, errsz)) != 0)
			goto fail;
		/* a damaged database fails now, not at some commit later */
		if (mode == STORE_DAEMON && (rc = store_quick_check(st, err, errsz)) != 0)
			goto fail;
		if ((rc = store_migrate(st, path, err, errsz)) != 0)
			goto fail;
		/* the test write made them */
		if (store_remember(st, SF_WAL, err, errsz) < 0 ||
		    store_remember(st, SF_SHM, err, errsz) < 0) {
			rc = -1;
			goto fail;
		}
	}
	if ((rc = store_version(st, &st->version, err, errsz)) != 0)
		goto fail;
	/* a reader never migrates: it reads only the schema it was written for */
	if (st->version > SCHEMA_VERSION) {
		snprintf(err, errsz, "%s: schema version %d is newer than this program's %d", path,
		         st->version, SCHEMA_VERSION);
		rc = -1;
		goto fail;
	}
	if (st->version < SCHEMA_VERSION) {
		snprintf(err, errsz,
		         "%s: schema version %d is older than this program's %d: run harkd once to "
		         "upgrade",
		         path, st->version, SCHEMA_VERSION);
		rc = -1;
		goto fail;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                        &st->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			rc = store_fail(st, rc, stmt_sql[i], err, errsz);
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	/* every message names the file: SQLite's own ("file is not a database") does not */
	if (strstr(err, path) == NULL) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errsz, "%s: %s", path, why);
	}
	/* a full disk (the test write, a migration) passes as a lock does: try again */
	if (rc == -1 && st->transient)
		rc = STORE_BUSY;
	store_close(st);
	return rc == STORE_BUSY ? STORE_BUSY : -1;
}

static void
store_ckpt_stop(struct store *st)
{
	struct store_ckpt *c = st->ckpt;

	if (c == NULL)
		return;
	sqlite3_wal_hook(st->db, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	/* before the writer's: the last connection to close checkpoints */
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
	st->ckpt = NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_ckpt_stop(st);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	/*
	 * After some permanent errors, no checkpoint on the way out: it would
	 * copy pages into a damaged file, or write an -shm that cannot be
	 * written (SIGBUS). The WAL keeps every commit; the next start
	 * checkpoints it. Otherwise the checkpoint is kept: when hark.db-wal
	 * was deleted, it copies the commits made before into hark.db.
	 */
	if (st->file[SF_SHM] != NULL && !st->fatal) {
		char err[512];

		store_check_one(st, SF_SHM, err, sizeof(err)); /* tells on_fatal */
	}
	if (st->no_ckpt)
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_close(st->db);
	for (int i = 0; i < SF_N; i++)
		free(st->file[i]);
	free(st);
}

static void *
store_ckpt_main(void *arg)
{
	struct store_ckpt *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		pthread_mutex_unlock(&c->mu);
		/*
		 * PASSIVE: copies what no reader still needs, waits for no lock
		 * and blocks neither the writer nor the readers. A failure (a
		 * full disk) leaves the pages in the WAL, which keeps every
		 * commit: the next try, or the writer's close, copies them.
		 */
		(void)sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL,
		                                NULL);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* The writer's WAL hook, after each commit, on the writer's thread: only a signal. */
static int
store_ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store_ckpt *c = arg;

	(void)db;
	(void)name;
	if (pages >= STORE_CKPT_PAGES) {
		pthread_mutex_lock(&c->mu);
		c->want = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

int
store_checkpoint_thread(struct store *st, char *err, size_t errsz)
{
	struct store_ckpt *c;
	int rc;

	if (st->path == NULL || st->ckpt != NULL || st->fatal) {
		snprintf(err, errsz, "not the writer, or a checkpointer already");
		return -1;
	}
	if (!sqlite3_threadsafe()) {
		snprintf(err, errsz, "SQLite was built without threads");
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", st->path,
		         c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if ((rc = pthread_create(&c->thread, NULL, store_ckpt_main, c)) != 0) {
		snprintf(err, errsz, "cannot start a thread: %s", strerror(rc));
		sqlite3_close(c->db);
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return -1;
	}
	st->ckpt = c;
	/* replaces SQLite's own checkpoint at commit (wal_autocheckpoint is a WAL hook) */
	sqlite3_wal_hook(st->db, store_ckpt_hook, c);
	return 0;
}

void
store_on_fatal(struct store *st, void (*fatal)(void *arg, const char *why), void *arg)
{
	st->on_fatal = fatal;
	st->fatal_arg = arg;
}

void
store_set_guard(struct store *st, int (*guard)(void *arg, char *err, size_t errsz), void *arg)
{
	st->guard = guard;
	st->guard_arg = arg;
}

int
store_begin(struct store *st, char *err, size_t errsz)
{
	int rc;

	if (st->fatal) {
		snprintf(err, errsz, "%s", st->why);
		return STORE_FATAL;
	}
	/* two stat() calls a transaction: nothing beside a commit's fsync */
	if (st->path != NULL && (rc = store_check_files(st, err, errsz)) != 0)
		return rc;
	if (st->guard != NULL && st->guard(st->guard_arg, err, errsz) != 0)
		return store_fatal(st, err);
	return store_exec(st, ST_BEGIN, "BEGIN IMMEDIATE", err, errsz);
}

int
store_commit(struct store *st, char *err, size_t errsz)
{
	/* a busy COMMIT leaves the transaction open: the caller may try again or roll back */
	return store_exec(st, ST_COMMIT, "COMMIT", err, errsz);
}

void
store_rollback(struct store *st)
{
	char err[256]; /* unused: rolling back is the caller's way out of an error already */

	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, ST_ROLLBACK, "ROLLBACK", err, sizeof(err));
}

/* Step a statement that answers one id (or none) into id. */
static int
store_one_id(struct store *st, enum stmt s, const char *what, char *id, size_t idsz, char *err,
             size_t errsz)
{
	sqlite3_stmt *q = st->stmt[s];
	int rc = sqlite3_step(q), ret;

	if (rc == SQLITE_ROW) {
		snprintf(id, idsz, "%s", col_text(q, 0));
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ret = store_fail(st, rc, what, err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_article_find(struct store *st, const char *content_hash, const char *canonical, char *id,
                   size_t idsz, char *err, size_t errsz)
{
	int rc;

	sqlite3_bind_text(st->stmt[ST_FIND_HASH], 1, content_hash, -1, SQLITE_STATIC);
	rc = store_one_id(st, ST_FIND_HASH, "finding an article by hash", id, idsz, err, errsz);
	if (rc != 0 || canonical == NULL)
		return rc;
	sqlite3_bind_text(st->stmt[ST_FIND_CANONICAL], 1, canonical, -1, SQLITE_STATIC);
	rc = store_one_id(st, ST_FIND_CANONICAL, "finding an article by address", id, idsz, err,
	                  errsz);
	return rc == 1 ? 2 : rc;
}

static unsigned
simhash_band(uint64_t h, int i)
{
	return (unsigned)(h >> (16 * i)) & 0xffff;
}

/*
 * The bands make this an index look-up, not a scan. Pigeonhole: when two
 * hashes differ in at most 3 bits, one of the four bands is equal; when they
 * differ in at most 7, one band differs in at most one bit (else 4 x 2 = 8
 * bits). So for maxdist <= 3 each band is probed with its value (4 probes),
 * for maxdist <= 7 with its value and the 16 values one bit away (68
 * probes), and the candidates' distance checked. Beyond 7 the bands cannot
 * guarantee to find every match, and maxdist is refused.
 *
 * Of the matches, the closest (then the first stored) gives the group.
 */
int
store_article_near(struct store *st, uint64_t simhash, int64_t since, int maxdist, char *id,
                   size_t idsz, char *err, size_t errsz)
{
	int best = maxdist + 1, nflips = maxdist <= 3 ? 0 : 16;
	sqlite3_int64 best_seq = 0;

	if (maxdist < 0 || maxdist > 7) {
		snprintf(err, errsz, "finding a near duplicate: distance %d is not within 0-7",
		         maxdist);
		return -1;
	}
	for (int b = 0; b < 4; b++) {
		sqlite3_stmt *q = st->stmt[ST_NEAR_B0 + b];
		unsigned band = simhash_band(simhash, b);

		for (int f = -1; f < nflips; f++) {
			int rc, ret = 0;

			sqlite3_bind_int(q, 1, (int)(f < 0 ? band : band ^ (1u << f)));
			sqlite3_bind_int64(q, 2, since);
			while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
				uint64_t h = i64_to_u64(sqlite3_column_int64(q, 2));
				sqlite3_int64 seq = sqlite3_column_int64(q, 3);
				int d = simhash_distance(simhash, h);

				if (d < best || (d == best && seq < best_seq)) {
					const char *root = col_text(q, 1);

					best = d;
					best_seq = seq;
					snprintf(id, idsz, "%s", root ? root : col_text(q, 0));
				}
			}
			if (rc != SQLITE_DONE)
				ret = store_fail(st, rc, "finding a near duplicate", err, errsz);
			sqlite3_reset(q);
			if (ret != 0)
				return ret;
		}
	}
	return best <= maxdist;
}

int
store_article_add(struct store *st, const struct store_article *a, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_ARTICLE_ADD];
	char what[80];

	snprintf(what, sizeof(what), "adding article %s", a->id);
	/* the row and its hits go together, or neither */
	if (sqlite3_get_autocommit(st->db)) {
		snprintf(err, errsz, "%s: not inside a transaction", what);
		return -1;
	}
	bind_text(q, 1, a->id);
	bind_text(q, 2, a->content_hash);
	bind_text(q, 3, a->canonical);
	bind_text(q, 4, a->url);
	bind_text(q, 5, a->title);
	bind_text(q, 6, a->body);
	bind_text(q, 7, a->lang);
	bind_text(q, 8, a->published);
	bind_text(q, 9, a->source);
	bind_text(q, 10, a->file);
	sqlite3_bind_int64(q, 11, u64_to_i64(a->simhash));
	for (int i = 0; i < 4; i++)
		sqlite3_bind_int(q, 12 + i, (int)simhash_band(a->simhash, i));
	bind_text(q, 16, a->near_of);
	sqlite3_bind_int64(q, 17, a->seen_at);
	bind_text(q, 18, a->format);
	bind_text(q, 19, a->charset);
	bind_text(q, 20, a->revision_of);
	/* its keys go into the full-text index later: store_fts_catch_up() */
	return store_exec(st, ST_ARTICLE_ADD, what, err, errsz);
}

int64_t
store_article_seq(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int
store_hit_add(struct store *st, const struct store_hit *h, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_HIT_ADD];
	char what[80];
	int rc;

	snprintf(what, sizeof(what), "adding hit %s", h->id);
	bind_text(q, 1, h->id);
	bind_text(q, 2, h->article_id);
	bind_text(q, 3, h->rule_id);
	sqlite3_bind_int64(q, 4, h->detected_at);
	sqlite3_bind_int(q, 5, h->alert);
	bind_text(q, 6, h->json);
	if ((rc = store_exec(st, ST_HIT_ADD, what, err, errsz)) != 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

/*
 * Step the bound statement q once: 1 when it gives a row, 0 when none, or
 * the failure (store_fail) naming what; q is reset either way. For the
 * "is there one?" probes.
 */
static int
store_probe(struct store *st, sqlite3_stmt *q, const char *what, char *err, size_t errsz)
{
	int rc = sqlite3_step(q), ret;

	if (rc == SQLITE_ROW)
		ret = 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		ret = store_fail(st, rc, what, err, errsz);
	sqlite3_reset(q);
	return ret;
}

int
store_hit_alerted(struct store *st, const char *root, const char *rule_id, const char *own,
                  char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_HIT_ALERTED];
	int rc, ret = 0;

	bind_text(q, 1, root);
	bind_text(q, 2, rule_id);
	bind_text(q, 3, own);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		ret = sqlite3_column_int(q, 0) ? 1 : 2;
	else if (rc != SQLITE_DONE)
		ret = store_fail(st, rc, "looking for an alerted hit", err, errsz);
	sqlite3_reset(q);
	return ret;
}

int
store_hits_each(struct store *st, int64_t since_ms, const char *rule_id, store_hit_fn fn, void *arg,
                char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[rule_id != NULL ? ST_HITS_RULE : ST_HITS];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, since_ms);
	if (rule_id != NULL)
		bind_text(q, 2, rule_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_hit_row r = {
		    .id = col_text(q, 0),
		    .article_id = col_text(q, 1),
		    .rule_id = col_text(q, 2),
		    .json = col_text(q, 3),
		    .detected_at = sqlite3_column_int64(q, 4),
		    .alert = sqlite3_column_int(q, 5) != 0,
		};

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading hits", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* A row of ARTICLE_COLS; its strings are valid until q steps again. */
static struct store_article_row
article_row(sqlite3_stmt *q)
{
	struct store_article_row r = {
	    .id = col_text(q, 0),
	    .url = col_text(q, 1),
	    .canonical = col_text(q, 2),
	    .title = col_text(q, 3),
	    .body = col_text(q, 4),
	    .lang = col_text(q, 5),
	    .published = col_text(q, 6),
	    .source = col_text(q, 7),
	    .file = col_text(q, 8),
	    .near_of = col_text(q, 9),
	    .simhash = i64_to_u64(sqlite3_column_int64(q, 10)),
	    .seen_at = sqlite3_column_int64(q, 11),
	    .format = col_text(q, 12),
	    .charset = col_text(q, 13),
	    .revision_of = col_text(q, 14),
	};

	return r;
}

/*
 * 0 when a text column of an article_row() was lost to an out-of-memory
 * (a NULL pointer for a value that is not NULL), where indexing it would
 * leave its keys out.
 */
static int
row_whole(sqlite3_stmt *q)
{
	for (int i = 0; i < ARTICLE_NCOLS; i++)
		if (sqlite3_column_type(q, i) == SQLITE_TEXT && sqlite3_column_text(q, i) == NULL)
			return 0;
	return 1;
}

int
store_articles_each(struct store *st, int64_t since, const char *fts, store_article_fn fn,
                    void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[fts != NULL ? ST_ARTICLES_FTS : ST_ARTICLES];
	int rc, ret = 0;

	sqlite3_bind_int64(q, 1, since);
	if (fts != NULL)
		bind_text(q, 2, fts);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading articles", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* ---- the full-text index rebuilt for new folds ---- */

/* The FTS5 table as migrations 0 and 9 made it: store_fts_rebuild_step() makes its successor. */
#define FTS_NEXT_SQL                                                                               \
	"DROP TABLE IF EXISTS articles_fts_next;"                                                  \
	"CREATE VIRTUAL TABLE articles_fts_next USING fts5(keys, content='', columnsize=0,"        \
	" detail=none, tokenize='ascii');" FTS_AUTOMERGE("articles_fts_next")

/* store_meta's value of key into *v; *found 0 (and *v 0) when there is none. */
static int
meta_get(struct store *st, const char *key, int64_t *v, int *found, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	int rc;

	*v = 0, *found = 0;
	rc =
	    sqlite3_prepare_v2(st->db, "SELECT value FROM store_meta WHERE key = ?1", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "reading store_meta", err, errsz);
	bind_text(q, 1, key);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(q, 0);
		*found = 1;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "reading store_meta", err, errsz);
	return 0;
}

/* Set store_meta's key to v, or remove it when del. */
static int
meta_put(struct store *st, const char *key, int64_t v, int del, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(
	    st->db,
	    del ? "DELETE FROM store_meta WHERE key = ?1"
	        : "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?1, ?2)",
	    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "writing store_meta", err, errsz);
	bind_text(q, 1, key);
	if (!del)
		sqlite3_bind_int64(q, 2, v);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "writing store_meta", err, errsz);
	return 0;
}

int
store_norm_version(struct store *st, int64_t *version, char *err, size_t errsz)
{
	int found;

	return meta_get(st, "norm_version", version, &found, err, errsz);
}

/*
 * A transaction whose commit writes the WAL without syncing it
 * (synchronous = NORMAL, which SQLite changes only between transactions;
 * FULL again at its end, for the articles' commits: store_setup_write).
 * For what a power loss may undo without harm: the WAL keeps the
 * transactions in order, so the next synced commit makes it durable too,
 * and a power loss before that undoes it whole, never part of it.
 */
static int
store_begin_unsynced(struct store *st, char *err, size_t errsz)
{
	char ignored[64];
	int rc;

	rc = store_run(st, "PRAGMA synchronous = NORMAL", "PRAGMA synchronous", err, errsz);
	if (rc != 0)
		return rc;
	if ((rc = store_begin(st, err, errsz)) != 0)
		store_run(st, "PRAGMA synchronous = FULL", "PRAGMA synchronous", ignored,
		          sizeof(ignored));
	return rc;
}

/* Commit (commit nonzero) or roll back a store_begin_unsynced() transaction. */
static int
store_end_unsynced(struct store *st, int commit, char *err, size_t errsz)
{
	char ignored[64];
	int rc = 0;

	if (commit && (rc = store_commit(st, err, errsz)) != 0)
		commit = 0;
	if (!commit)
		store_rollback(st);
	/* FULL again whatever came of it: the articles' commits need it */
	if (rc == 0)
		rc = store_run(st, "PRAGMA synchronous = FULL", "PRAGMA synchronous", err, errsz);
	else
		store_run(st, "PRAGMA synchronous = FULL", "PRAGMA synchronous", ignored,
		          sizeof(ignored));
	return rc;
}

static int store_prep(struct store *st, const char *sql, sqlite3_stmt **q, char *err, size_t errsz);

/* *seq: the newest article's seq, 0 when there is none. */
static int
store_max_seq(struct store *st, int64_t *seq, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	int rc;

	*seq = 0;
	if ((rc = store_prep(st, "SELECT coalesce(max(seq), 0) FROM articles", &q, err, errsz)) !=
	    0)
		return rc;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		*seq = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, "reading the newest article", err, errsz);
}

int
store_fts_catch_up(struct store *st, size_t batch, int64_t budget_ns, store_index_fn fn, void *arg,
                   size_t *nrows, int *more, char *err, size_t errsz)
{
	sqlite3_stmt *sel = st->stmt[ST_FTS_PENDING], *ins = st->stmt[ST_FTS_ADD];
	struct timespec ts;
	int64_t through, start;
	size_t seen = 0;
	char ignored[64];
	int found, rc;

	*nrows = 0, *more = 0;
	/*
	 * Unsynced: the index and its watermark are made again from the
	 * articles, so a power loss that undoes this transaction loses nothing
	 * (the articles' own commits stay synced). The loop is spared an fsync
	 * a batch.
	 */
	if ((rc = store_begin_unsynced(st, err, errsz)) != 0)
		return rc;
	if ((rc = meta_get(st, "fts_rebuild_seq", &through, &found, err, errsz)) != 0)
		goto fail;
	if (found) {
		/* a rebuild reads every article, those after it too, and records fts_through */
		return store_end_unsynced(st, 0, err, errsz);
	}
	if ((rc = meta_get(st, "fts_through", &through, &found, err, errsz)) != 0)
		goto fail;
	/*
	 * Migration 13 sets it; gone (a hand-edited database), taking every
	 * article again would give FTS5 rows it has a second time, which a
	 * contentless index cannot tell apart: start after the last one.
	 */
	if (!found && (rc = store_max_seq(st, &through, err, errsz)) != 0)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	sqlite3_bind_int64(sel, 1, through);
	sqlite3_bind_int64(sel, 2, (sqlite3_int64)batch);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		struct store_article_row r = article_row(sel);
		char *keys;

		/*
		 * Every article, its text pruned or not (as intake indexed them
		 * all): one pruned before it was indexed keeps the keys of what
		 * is left, which the pruner, reading only articles with their
		 * text, never asks the index to forget.
		 */
		r.seq = sqlite3_column_int64(sel, ARTICLE_NCOLS);
		if (!row_whole(sel) || (keys = fn(&r, arg)) == NULL) {
			snprintf(err, errsz, "indexing article %s: out of memory", r.id);
			rc = -1;
			goto fail;
		}
		through = r.seq;
		seen++;
		sqlite3_bind_int64(ins, 1, through);
		bind_text(ins, 2, keys);
		rc = store_exec(st, ST_FTS_ADD, "indexing an article", err, errsz);
		sqlite3_bind_null(ins, 2); /* keys is freed: no dangling binding */
		free(keys);
		if (rc != 0)
			goto fail;
		(*nrows)++;
		rc = SQLITE_ROW;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (budget_ns > 0 && seen < batch &&
		    (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - start >= budget_ns) {
			seen = batch; /* the budget is spent: the caller comes back for the rest */
			break;
		}
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = store_fail(st, rc, "reading the articles to index", err, errsz);
		goto fail;
	}
	sqlite3_reset(sel);
	if (seen > 0 && (rc = meta_put(st, "fts_through", through, 0, err, errsz)) != 0)
		goto fail;
	if ((rc = store_end_unsynced(st, 1, err, errsz)) != 0) {
		*nrows = 0;
		return rc;
	}
	*more = seen == batch;
	return 0;
fail:
	sqlite3_reset(sel);
	store_end_unsynced(st, 0, ignored, sizeof(ignored));
	*nrows = 0;
	return rc;
}

int
store_fts_rebuild_step(struct store *st, int64_t version, size_t batch, store_index_fn fn,
                       void *arg, size_t *nrows, int *finished, char *err, size_t errsz)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	int64_t cursor;
	int found, rc;

	*nrows = 0, *finished = 0;
	if ((rc = store_begin(st, err, errsz)) != 0)
		return rc;
	if ((rc = meta_get(st, "fts_rebuild_seq", &cursor, &found, err, errsz)) != 0)
		goto fail;
	/* the first step: a new, empty index beside the one in use */
	if (!found && (rc = store_run(st, FTS_NEXT_SQL, "making the new index", err, errsz)) != 0)
		goto fail;
	rc = sqlite3_prepare_v2(st->db,
	                        "SELECT " ARTICLE_COLS ", a.seq FROM articles a WHERE a.seq > ?1 "
	                        "ORDER BY a.seq LIMIT ?2",
	                        -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
		    st->db, "INSERT INTO articles_fts_next (rowid, keys) VALUES (?1, ?2)", -1, &ins,
		    NULL);
	if (rc != SQLITE_OK) {
		rc = store_fail(st, rc, "re-indexing", err, errsz);
		goto fail;
	}
	sqlite3_bind_int64(sel, 1, cursor);
	sqlite3_bind_int64(sel, 2, (sqlite3_int64)batch);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		struct store_article_row r = article_row(sel);
		int64_t seq = sqlite3_column_int64(sel, ARTICLE_NCOLS);
		char *keys;

		cursor = seq;
		(*nrows)++;
		r.seq = seq;
		if (!row_whole(sel) || (keys = fn(&r, arg)) == NULL) {
			snprintf(err, errsz, "re-indexing: out of memory");
			rc = -1;
			goto fail;
		}
		sqlite3_bind_int64(ins, 1, seq);
		bind_text(ins, 2, keys);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_bind_null(ins, 2); /* keys is freed: no dangling binding */
		free(keys);
		if (rc != SQLITE_DONE) {
			rc = store_fail(st, rc, "re-indexing", err, errsz);
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(st, rc, "re-indexing", err, errsz);
		goto fail;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sel = ins = NULL;
	if (*nrows < batch) {
		/*
		 * The last articles, those stored during the rebuild included:
		 * the new index takes the old one's place in this transaction.
		 */
		if ((rc = store_run(st,
		                    "DROP TABLE articles_fts;"
		                    "ALTER TABLE articles_fts_next RENAME TO articles_fts;",
		                    "replacing the index", err, errsz)) != 0 ||
		    (rc = meta_put(st, "norm_version", version, 0, err, errsz)) != 0 ||
		    (rc = meta_put(st, "fts_through", cursor, 0, err, errsz)) != 0 ||
		    (rc = meta_put(st, "fts_rebuild_seq", 0, 1, err, errsz)) != 0)
			goto fail;
		*finished = 1;
	} else if ((rc = meta_put(st, "fts_rebuild_seq", cursor, 0, err, errsz)) != 0) {
		goto fail;
	}
	if ((rc = store_commit(st, err, errsz)) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	store_rollback(st);
	*finished = 0;
	return rc;
}

int
store_status_get(struct store *st, struct store_status *s, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_STATUS];
	int rc, ret = 0;

	memset(s, 0, sizeof(*s));
	s->schema_version = st->version;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		s->articles = sqlite3_column_int64(q, 0);
		s->near_duplicates = sqlite3_column_int64(q, 1);
		s->hits = sqlite3_column_int64(q, 2);
		s->alerts = sqlite3_column_int64(q, 3);
		s->deliveries_pending = sqlite3_column_int64(q, 4);
		s->deliveries_failed = sqlite3_column_int64(q, 5);
		s->deliveries_cancelled = sqlite3_column_int64(q, 6);
		s->last_article_at = sqlite3_column_int64(q, 7);
		s->last_hit_at = sqlite3_column_int64(q, 8);
	} else {
		ret = store_fail(st, rc, "reading the status", err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_feeds_each(struct store *st, store_feed_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEEDS];
	int rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_feed_row r = {
		    .name = col_text(q, 0),
		    .url = col_text(q, 1),
		    .last_ok = sqlite3_column_int64(q, 2),
		    .last_error = col_text(q, 3),
		    .next_poll = sqlite3_column_int64(q, 4),
		    .gone = sqlite3_column_int(q, 5) != 0,
		    .failures = sqlite3_column_int(q, 6),
		};

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading feeds", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* ---- the webhook outbox ---- */

/*
 * The transaction of delivery outcomes: its commit writes the WAL without
 * syncing it (store_begin_unsynced). It survives harkd's death, kill -9
 * included; only a power loss may undo it, and an outcome undone means a
 * second attempt with the same webhook-id, which at-least-once allows. The
 * fsync saved is time in which answered requests are not yet committed,
 * and would be sent again after a crash.
 */
int
store_outcomes_begin(struct store *st, char *err, size_t errsz)
{
	return store_begin_unsynced(st, err, errsz);
}

int
store_outcomes_end(struct store *st, int commit, char *err, size_t errsz)
{
	return store_end_unsynced(st, commit, err, errsz);
}

int
store_delivery_add(struct store *st, const char *hit_id, const char *webhook, int64_t next_at,
                   char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_ADD];
	int rc;

	bind_text(q, 1, hit_id);
	bind_text(q, 2, webhook);
	sqlite3_bind_int64(q, 3, next_at);
	if ((rc = store_exec(st, ST_DELIVERY_ADD, "adding a delivery", err, errsz)) != 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

int
store_delivery_add_digest(struct store *st, const char *hit_id, const char *dest, int64_t now,
                          int64_t period_end, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_ADD_DIGEST];
	int rc;

	bind_text(q, 1, hit_id);
	bind_text(q, 2, dest);
	sqlite3_bind_int64(q, 3, period_end);
	sqlite3_bind_int64(q, 4, now);
	if ((rc = store_exec(st, ST_DELIVERY_ADD_DIGEST, "adding a delivery", err, errsz)) != 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

/* Call fn for each row of a delivery query. */
static int
store_delivery_rows(struct store *st, sqlite3_stmt *q, store_delivery_fn fn, void *arg,
                    const char *what, char *err, size_t errsz)
{
	int rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_delivery_row r = {
		    .id = sqlite3_column_int64(q, 0),
		    .hit_id = col_text(q, 1),
		    .webhook = col_text(q, 2),
		    .hit_json = col_text(q, 3),
		    .state = col_text(q, 4),
		    .attempts = sqlite3_column_int(q, 5),
		    .last_status = (long)sqlite3_column_int64(q, 6),
		    .last_error = col_text(q, 7),
		    .next_at = sqlite3_column_int64(q, 8),
		    .created_at = sqlite3_column_int64(q, 9),
		    .sent_at = sqlite3_column_int64(q, 10),
		    .period = sqlite3_column_int64(q, 11),
		    .requeued_at = sqlite3_column_int64(q, 12),
		    /* the digest's query only: each row's rule without parsing its hit */
		    .rule_id = sqlite3_column_count(q) > 13 ? col_text(q, 13) : NULL,
		};

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, what, err, errsz);
	sqlite3_reset(q);
	return ret;
}

int
store_deliveries_due(struct store *st, const char *webhook, int64_t now, int64_t after_due,
                     int64_t after_id, int limit, store_delivery_fn fn, void *arg, char *err,
                     size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERIES_DUE];

	bind_text(q, 1, webhook);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, after_due);
	sqlite3_bind_int64(q, 4, after_id);
	sqlite3_bind_int(q, 5, limit);
	return store_delivery_rows(st, q, fn, arg, "reading due deliveries", err, errsz);
}

int
store_digest_rows(struct store *st, const char *dest, int64_t period, int64_t now,
                  store_delivery_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DIGEST_ROWS];

	bind_text(q, 1, dest);
	sqlite3_bind_int64(q, 2, period);
	sqlite3_bind_int64(q, 3, now);
	return store_delivery_rows(st, q, fn, arg, "reading a digest", err, errsz);
}

int
store_digest_next(struct store *st, const char *dest, int64_t after_period, int64_t after_id,
                  store_delivery_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DIGEST_NEXT];

	bind_text(q, 1, dest);
	sqlite3_bind_int64(q, 2, after_period);
	sqlite3_bind_int64(q, 3, after_id);
	return store_delivery_rows(st, q, fn, arg, "reading the next digest", err, errsz);
}

/* Step a statement that answers one integer, or NULL (then 0 is returned). */
static int
store_one_int(struct store *st, enum stmt s, const char *what, int64_t *out, char *err,
              size_t errsz)
{
	sqlite3_stmt *q = st->stmt[s];
	int rc = sqlite3_step(q), ret;

	if (rc == SQLITE_ROW) {
		ret = sqlite3_column_type(q, 0) != SQLITE_NULL;
		*out = sqlite3_column_int64(q, 0);
	} else {
		ret = store_fail(st, rc, what, err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_delivery_next(struct store *st, const char *webhook, int64_t *at, char *err, size_t errsz)
{
	bind_text(st->stmt[ST_DELIVERY_NEXT], 1, webhook);
	return store_one_int(st, ST_DELIVERY_NEXT, "finding the next delivery", at, err, errsz);
}

int
store_delivery_count(struct store *st, const char *webhook, int64_t *n, char *err, size_t errsz)
{
	int rc;

	bind_text(st->stmt[ST_DELIVERY_COUNT], 1, webhook);
	rc = store_one_int(st, ST_DELIVERY_COUNT, "counting deliveries", n, err, errsz);
	return rc < 0 ? rc : 0;
}

int
store_delivery_update(struct store *st, int64_t id, const char *state, int attempts,
                      int64_t next_at, long status, const char *error, int64_t now, char *err,
                      size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_UPDATE];

	sqlite3_bind_int64(q, 1, id);
	bind_text(q, 2, state);
	sqlite3_bind_int(q, 3, attempts);
	sqlite3_bind_int64(q, 4, next_at);
	if (status > 0)
		sqlite3_bind_int64(q, 5, status);
	else
		sqlite3_bind_null(q, 5);
	bind_text(q, 6, error);
	sqlite3_bind_int64(q, 7, now);
	return store_exec(st, ST_DELIVERY_UPDATE, "recording a delivery", err, errsz);
}

int
store_deliveries_each(struct store *st, int failed_only, store_delivery_fn fn, void *arg, char *err,
                      size_t errsz)
{
	return store_delivery_rows(st, st->stmt[failed_only ? ST_DELIVERIES_DEAD : ST_DELIVERIES],
	                           fn, arg, "reading deliveries", err, errsz);
}

int
store_deliveries_state(struct store *st, const char *state, int limit, store_delivery_fn fn,
                       void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERIES_STATE];

	bind_text(q, 1, state);
	sqlite3_bind_int(q, 2, limit);
	return store_delivery_rows(st, q, fn, arg, "reading deliveries", err, errsz);
}

struct delivery_one {
	store_delivery_fn fn;
	void *arg;
	int found;
};

static int
delivery_one_cb(const struct store_delivery_row *r, void *arg)
{
	struct delivery_one *d = arg;

	d->found = 1;
	return d->fn(r, d->arg);
}

int
store_delivery_get(struct store *st, int64_t id, store_delivery_fn fn, void *arg, char *err,
                   size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_GET];
	struct delivery_one d = {fn, arg, 0};
	int rc;

	sqlite3_bind_int64(q, 1, id);
	if ((rc = store_delivery_rows(st, q, delivery_one_cb, &d, "reading a delivery", err,
	                              errsz)) != 0)
		return rc;
	return d.found;
}

/* What hark redeliver needs of a row: sent, and a digest's period and destination. */
struct redeliver_row {
	int sent;
	int64_t period;
	char *dest;
	size_t destsz;
};

static int
delivery_sent_cb(const struct store_delivery_row *r, void *arg)
{
	struct redeliver_row *d = arg;

	d->sent = strcmp(r->state, "sent") == 0;
	d->period = r->period;
	if (d->dest != NULL && d->destsz > 0)
		snprintf(d->dest, d->destsz, "%s", r->webhook ? r->webhook : "");
	return 0;
}

int
store_delivery_redeliver(struct store *st, int64_t id, int64_t now, bool sent_too, int64_t *held,
                         char *dest, size_t destsz, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_REDELIVER];
	struct redeliver_row d = {0, 0, dest, destsz};
	int rc, changed;

	*held = 0;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int(q, 3, sent_too);
	if ((rc = store_exec(st, ST_DELIVERY_REDELIVER, "redelivering", err, errsz)) != 0)
		return rc;
	changed = sqlite3_changes(st->db) > 0;
	/* none changed: there is none, or it was sent (the update's own condition, no race) */
	if ((rc = store_delivery_get(st, id, delivery_sent_cb, &d, err, errsz)) < 0)
		return rc;
	if (changed && d.period > now) {
		*held = d.period; /* the update made it wait for its digest */
		return 3;
	}
	if (changed)
		return 1;
	return rc == 1 && d.sent ? 2 : 0;
}

int
store_deliveries_orphan(struct store *st, store_known_fn known, void *arg, store_orphan_fn fn,
                        void *fnarg, char *err, size_t errsz)
{
	/* the names first, the statements reset: an update while a read of the table is open */
	const int reads[2] = {ST_DELIVERY_DESTS, ST_WEBHOOKS};
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	for (int k = 0; k < 2 && rc == 0; k++) {
		sqlite3_stmt *q = st->stmt[reads[k]];
		size_t first = n;

		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *name = col_text(q, 0);
			char **v;

			if (name == NULL || known(name, arg))
				continue;
			/* a destination with both pending work and a 410: once */
			for (size_t i = 0; i < first && name != NULL; i++)
				if (strcmp(names[i], name) == 0)
					name = NULL;
			if (name == NULL)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				if ((v = realloc(names, cap * sizeof(*v))) == NULL)
					break;
				names = v;
			}
			if ((names[n] = strdup(name)) == NULL)
				break;
			n++;
		}
		if (rc == SQLITE_DONE)
			rc = 0;
		else if (rc == SQLITE_ROW)
			rc = -1, snprintf(err, errsz, "out of memory");
		else
			rc = store_fail(st, rc, "reading the destinations", err, errsz);
		sqlite3_reset(q);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *q = st->stmt[ST_DELIVERIES_CANCEL];
		char why[300];
		int64_t changed;

		snprintf(why, sizeof(why), "webhook or email %s is no longer in hark.conf",
		         names[i]);
		bind_text(q, 1, names[i]);
		bind_text(q, 2, why);
		if ((rc = store_exec(st, ST_DELIVERIES_CANCEL, "cancelling deliveries", err,
		                     errsz)) != 0)
			break;
		changed = sqlite3_changes(st->db);
		/* its 410 was of a receiver that is no longer configured */
		q = st->stmt[ST_WEBHOOK_CLEAR];
		bind_text(q, 1, names[i]);
		if ((rc = store_exec(st, ST_WEBHOOK_CLEAR, "forgetting a webhook", err, errsz)) !=
		    0)
			break;
		fn(names[i], changed, fnarg);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
store_webhook_disable(struct store *st, const char *name, const char *fingerprint, int64_t now,
                      const char *reason, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_WEBHOOK_DISABLE];

	bind_text(q, 1, name);
	bind_text(q, 2, fingerprint);
	sqlite3_bind_int64(q, 3, now);
	bind_text(q, 4, reason);
	return store_exec(st, ST_WEBHOOK_DISABLE, "disabling a webhook", err, errsz);
}

int
store_webhook_disabled(struct store *st, const char *name, const char *fingerprint, int64_t *since,
                       char *why, size_t whysz, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_WEBHOOK_GET];
	int rc, ret = 0, changed = 0;

	bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *fp = col_text(q, 0), *r = col_text(q, 2);

		if (fp != NULL && strcmp(fp, fingerprint) == 0) {
			ret = 1;
			if (since != NULL)
				*since = sqlite3_column_int64(q, 1);
			if (why != NULL && whysz > 0)
				snprintf(why, whysz, "%s", r ? r : "");
		} else {
			changed = 1;
		}
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading a webhook's state", err, errsz);
	}
	sqlite3_reset(q);
	/* its configuration changed since the 410: it is enabled again */
	if (changed) {
		bind_text(st->stmt[ST_WEBHOOK_CLEAR], 1, name);
		ret = store_exec(st, ST_WEBHOOK_CLEAR, "enabling a webhook", err, errsz);
	}
	return ret;
}

int
store_webhooks_each(struct store *st, store_webhook_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_WEBHOOKS];
	int rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_webhook_row r = {
		    .name = col_text(q, 0),
		    .reason = col_text(q, 1),
		    .disabled_at = sqlite3_column_int64(q, 2),
		};

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading webhooks", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* ---- the feed poller's state ---- */

static char *
dup_col(sqlite3_stmt *q, int i, int *oom)
{
	const char *t = col_text(q, i);
	char *d;

	if (t == NULL)
		return NULL;
	if ((d = strdup(t)) == NULL)
		*oom = 1;
	return d;
}

void
store_feed_clear(struct store_feed *f)
{
	free(f->conf_url);
	free(f->url);
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	memset(f, 0, sizeof(*f));
}

int
store_feed_get(struct store *st, const char *name, struct store_feed *f, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_GET];
	int rc, ret = 0, oom = 0;

	memset(f, 0, sizeof(*f));
	bind_text(q, 1, name);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		f->conf_url = dup_col(q, 0, &oom);
		f->url = dup_col(q, 1, &oom);
		f->etag = dup_col(q, 2, &oom);
		f->last_modified = dup_col(q, 3, &oom);
		f->last_ok = sqlite3_column_int64(q, 4);
		f->last_error = dup_col(q, 5, &oom);
		f->next_poll = sqlite3_column_int64(q, 6);
		f->gone = sqlite3_column_int(q, 7) != 0;
		f->failures = sqlite3_column_int(q, 8);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading a feed's state", err, errsz);
	}
	sqlite3_reset(q);
	if (oom) {
		store_feed_clear(f);
		snprintf(err, errsz, "reading a feed's state: out of memory");
		return -1;
	}
	return ret;
}

int
store_feed_put(struct store *st, const char *name, const struct store_feed *f, char *err,
               size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_PUT];

	bind_text(q, 1, name);
	bind_text(q, 2, f->conf_url);
	bind_text(q, 3, f->url);
	bind_text(q, 4, f->etag);
	bind_text(q, 5, f->last_modified);
	sqlite3_bind_int64(q, 6, f->last_ok);
	bind_text(q, 7, f->last_error);
	sqlite3_bind_int64(q, 8, f->next_poll);
	sqlite3_bind_int(q, 9, f->gone);
	sqlite3_bind_int(q, 10, f->failures);
	return store_exec(st, ST_FEED_PUT, "recording a feed's state", err, errsz);
}

int
store_feed_item_seen(struct store *st, const char *feed, const char *item, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_ITEM_SEEN];

	bind_text(q, 1, feed);
	bind_text(q, 2, item);
	return store_probe(st, q, "looking up a feed item", err, errsz);
}

/*
 * The range of the keys of item's entry, other texts: "ID:" < every
 * "ID:TEXT" < "ID;" (';' follows ':'). 0 for a key without the entry's
 * part (none is made so): it has no other text.
 */
static int
feed_item_range(const char *item, char lo[72], char hi[72])
{
	const char *colon = strchr(item, ':');
	int n;

	if (colon == NULL || colon == item || (size_t)(colon - item) + 2 > 72)
		return 0;
	n = (int)(colon - item);
	snprintf(lo, 72, "%.*s:", n, item);
	snprintf(hi, 72, "%.*s;", n, item);
	return 1;
}

int
store_article_of_feed(struct store *st, const char *id, const char *feed, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_ARTICLE_OF_FEED];

	bind_text(q, 1, id);
	bind_text(q, 2, feed);
	return store_probe(st, q, "looking up an article's feed", err, errsz);
}

int
store_feed_item_article(struct store *st, const char *feed, const char *item, char *id, size_t idsz,
                        char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_ITEM_ARTICLE];
	char lo[72], hi[72];
	int rc, ret = 0;

	if (!feed_item_range(item, lo, hi))
		return 0;
	bind_text(q, 1, feed);
	bind_text(q, 2, lo);
	bind_text(q, 3, hi);
	bind_text(q, 4, item);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *lo_id = col_text(q, 0), *hi_id = col_text(q, 1);

		/* an aggregate has its row always: NULLs when no key has an article */
		if (lo_id != NULL && hi_id != NULL && strcmp(lo_id, hi_id) != 0)
			ret = 2;
		else if (lo_id != NULL)
			ret = 1, snprintf(id, idsz, "%s", lo_id);
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "looking up a feed item's article", err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_feed_item_article_set(struct store *st, const char *feed, const char *item, const char *id,
                            char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_ITEM_ARTICLE_SET];

	bind_text(q, 1, feed);
	bind_text(q, 2, item);
	bind_text(q, 3, id);
	return store_exec(st, ST_FEED_ITEM_ARTICLE_SET, "recording a feed item's article", err,
	                  errsz);
}

int
store_article_revisions(struct store *st, const char *id, char *root, size_t rootsz, int64_t *nrev,
                        char *url, size_t urlsz, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_ARTICLE_REVISIONS];
	int rc, ret = 0;

	bind_text(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(root, rootsz, "%s", col_text(q, 0) ? col_text(q, 0) : id);
		*nrev = sqlite3_column_int64(q, 1);
		if (url != NULL && urlsz > 0)
			snprintf(url, urlsz, "%s", col_text(q, 2) ? col_text(q, 2) : "");
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "counting an article's revisions", err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

/* At most this many of a link's articles stored without an address are compared with an entry. */
#define STORE_LINK_ARTICLES 256

int
store_feed_link_article(struct store *st, const char *feed, const char *canonical, const char *url,
                        const char *title, uint64_t simhash, int maxdist, char *id, size_t idsz,
                        char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_LINK_ARTICLES];
	int rc, ret = 0, best = maxdist + 1;

	bind_text(q, 1, canonical);
	bind_text(q, 2, url);
	bind_text(q, 3, feed);
	sqlite3_bind_int(q, 4, STORE_LINK_ARTICLES);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *first = col_text(q, 0), *t = col_text(q, 1);
		int d;

		if (first == NULL)
			continue;
		/* the same title: the same article, whatever its text now */
		if (title != NULL && *title != '\0' && t != NULL && strcmp(t, title) == 0) {
			snprintf(id, idsz, "%s", first);
			ret = 1;
			break;
		}
		if (maxdist < 0)
			continue;
		d = simhash_distance(simhash, i64_to_u64(sqlite3_column_int64(q, 2)));
		if (d < best) {
			best = d;
			snprintf(id, idsz, "%s", first);
			ret = 1;
		}
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_fail(st, rc, "looking up a feed's articles at a link", err, errsz);
	sqlite3_reset(q);
	return ret;
}

int
store_feed_item_add(struct store *st, const char *feed, const char *item, int64_t now, char *err,
                    size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_ITEM_ADD];

	bind_text(q, 1, feed);
	bind_text(q, 2, item);
	sqlite3_bind_int64(q, 3, now);
	return store_exec(st, ST_FEED_ITEM_ADD, "recording a feed item", err, errsz);
}

/* ---- the reads of the pages and the API ---- */

/* A cursor: "MS-SEQ", the detected_at and the seq of the last hit of a page. */
static int
cursor_parse(const char *s, int64_t *at, int64_t *seq)
{
	const char *p = s;
	int64_t v[2];

	for (int i = 0; i < 2; i++) {
		int64_t n = 0;
		int digits = 0;

		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (n > (INT64_MAX - (*p - '0')) / 10)
				return -1;
			n = n * 10 + (*p - '0');
		}
		if (digits == 0 || (i == 0 && *p++ != '-'))
			return -1;
		v[i] = n;
	}
	if (*p != '\0')
		return -1;
	*at = v[0];
	*seq = v[1];
	return 0;
}

/* Bind a named parameter the statement has; a shape without it ignores it. */
static void
bind_named_text(sqlite3_stmt *q, const char *name, const char *s)
{
	int i = sqlite3_bind_parameter_index(q, name);

	if (i > 0)
		bind_text(q, i, s);
}

static void
bind_named_int(sqlite3_stmt *q, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(q, name);

	if (i > 0)
		sqlite3_bind_int64(q, i, v);
}

/* A hit's place in the order of pages: detected_at, then seq. */
struct page_key {
	int64_t at, seq;
};

/* Newest first: detected_at, then seq, descending. */
static int
page_key_cmp(const void *a, const void *b)
{
	const struct page_key *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? 1 : -1;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* A filter's checked bounds: the cursor decoded, the page size. */
struct page_args {
	int64_t at, seq;
	int limit;
};

static int
page_check(const struct store_hit_filter *f, struct page_args *pa, char *err, size_t errsz)
{
	pa->at = pa->seq = INT64_MAX;
	pa->limit = f->limit == 0 ? STORE_PAGE_DEFAULT : f->limit;
	if (pa->limit < 1 || pa->limit > STORE_PAGE_MAX) {
		snprintf(err, errsz, "limit %d is out of range (1 to %d)", f->limit,
		         STORE_PAGE_MAX);
		return STORE_INVALID;
	}
	if (f->before != NULL && cursor_parse(f->before, &pa->at, &pa->seq) < 0) {
		snprintf(err, errsz,
		         "malformed cursor '%.40s%s': give back the 'next' of a page, unchanged",
		         f->before, strlen(f->before) > 40 ? "..." : "");
		return STORE_INVALID;
	}
	if (f->since_ms < 0 || f->until_ms < 0) {
		snprintf(err, errsz, "a negative time bound");
		return STORE_INVALID;
	}
	/* before until: before (until, 0), seq being at least 1; the nearer of it and the cursor */
	if (f->until_ms > 0 && f->until_ms <= pa->at) {
		pa->at = f->until_ms;
		pa->seq = 0;
	}
	return 0;
}

/* Pick the filter's statement and bind it (with rule, NULL for any). */
static sqlite3_stmt *
page_prepare(struct store *st, const struct store_hit_filter *f, const struct page_args *pa,
             const char *rule)
{
	int shape = (rule != NULL ? PAGE_RULE : 0) | (f->source != NULL ? PAGE_SOURCE : 0) |
	            (f->lang != NULL ? PAGE_LANG : 0);
	sqlite3_stmt *q = st->stmt[ST_PAGE + shape];

	bind_named_int(q, ":since", f->since_ms);
	bind_named_int(q, ":at", pa->at);
	bind_named_int(q, ":seq", pa->seq);
	bind_named_int(q, ":limit", pa->limit + 1); /* one more: whether there is a next page */
	bind_named_text(q, ":rule", rule);
	bind_named_text(q, ":source", f->source);
	bind_named_text(q, ":lang", f->lang);
	return q;
}

static void
cursor_make(char *next, size_t nextsz, int64_t at, int64_t seq)
{
	snprintf(next, nextsz, "%lld-%lld", (long long)at, (long long)seq);
}

/* One rule or none: one statement, one range of one index. */
static int
page_one(struct store *st, const struct store_hit_filter *f, const struct page_args *pa,
         const char *rule, store_hit_fn fn, void *arg, char *next, size_t nextsz, char *err,
         size_t errsz)
{
	sqlite3_stmt *q = page_prepare(st, f, pa, rule);
	int64_t last_at = 0, last_seq = 0;
	int limit = pa->limit, n = 0, rc, ret = 0;

	sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_hit_row r = {
		    .id = col_text(q, 0),
		    .article_id = col_text(q, 1),
		    .rule_id = col_text(q, 2),
		    .json = col_text(q, 3),
		    .detected_at = sqlite3_column_int64(q, 4),
		    .alert = sqlite3_column_int(q, 5) != 0,
		};

		if (n == limit) {
			/* a row beyond the page: the page ends at the one before */
			cursor_make(next, nextsz, last_at, last_seq);
			break;
		}
		n++;
		last_at = r.detected_at;
		last_seq = sqlite3_column_int64(q, 6);
		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading hits", err, errsz);
	st->page_steps += sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
	sqlite3_reset(q);
	return ret;
}

/*
 * Several rules (a tag): each rule's newest limit + 1 keys read from its
 * range of hits_rule_id (covering: no row read), merged, then the rows of
 * the page read by seq. The work is bounded by the number of rules times
 * the page, never by their hits; a rule stops as soon as its keys are
 * older than the page so far.
 */
static int
page_merge(struct store *st, const struct store_hit_filter *f, const struct page_args *pa,
           store_hit_fn fn, void *arg, char *next, size_t nextsz, char *err, size_t errsz)
{
	size_t keep = (size_t)pa->limit + 1, n = 0;
	int shape = (f->source != NULL ? PAGE_SOURCE : 0) | (f->lang != NULL ? PAGE_LANG : 0);
	sqlite3_stmt *q = st->stmt[ST_PAGE_KEYS + shape / 2];
	struct page_key *keys = malloc(2 * keep * sizeof(*keys)); /* owned */
	int ret = 0, rc;

	if (keys == NULL) {
		snprintf(err, errsz, "reading hits: out of memory");
		return -1;
	}
	bind_named_int(q, ":since", f->since_ms);
	bind_named_int(q, ":at", pa->at);
	bind_named_int(q, ":seq", pa->seq);
	bind_named_int(q, ":limit", (int64_t)keep);
	bind_named_text(q, ":source", f->source);
	bind_named_text(q, ":lang", f->lang);
	for (size_t i = 0; i < f->nrules && ret == 0; i++) {
		/* the keys so far are sorted; when there are keep of them, the last bounds the page
		 */
		const struct page_key *worst = n == keep ? &keys[keep - 1] : NULL;
		size_t k = 0;

		bind_named_text(q, ":rule", f->rules[i]);
		sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			struct page_key key = {sqlite3_column_int64(q, 0),
			                       sqlite3_column_int64(q, 1)};

			if (worst != NULL && page_key_cmp(&key, worst) > 0)
				break;
			keys[n++] = key; /* at most keep a rule beside keep: 2 * keep */
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			ret = store_fail(st, rc, "reading hits", err, errsz);
		st->page_steps += sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
		sqlite3_reset(q);
		/* keep the newest; a rule named twice gives the same keys twice */
		if (n > 1)
			qsort(keys, n, sizeof(*keys), page_key_cmp);
		for (size_t j = 0; j < n; j++)
			if ((k == 0 || keys[k - 1].seq != keys[j].seq) && k < keep)
				keys[k++] = keys[j];
		n = k;
	}
	sqlite3_bind_null(q, sqlite3_bind_parameter_index(q, ":rule"));

	q = st->stmt[ST_HIT_SEQ];
	for (size_t j = 0; ret == 0 && j < n && j < keep - 1; j++) {
		int stop = 0;

		sqlite3_bind_int64(q, 1, keys[j].seq);
		sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			struct store_hit_row r = {
			    .id = col_text(q, 0),
			    .article_id = col_text(q, 1),
			    .rule_id = col_text(q, 2),
			    .json = col_text(q, 3),
			    .detected_at = sqlite3_column_int64(q, 4),
			    .alert = sqlite3_column_int(q, 5) != 0,
			};

			if (j + 2 == keep && n == keep)
				cursor_make(next, nextsz, keys[j].at, keys[j].seq);
			stop = fn(&r, arg) != 0;
		} else if (rc != SQLITE_DONE) {
			ret = store_fail(st, rc, "reading hits", err, errsz);
		}
		st->page_steps += sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
		sqlite3_reset(q);
		if (stop)
			break;
	}
	free(keys);
	return ret;
}

int
store_hits_page(struct store *st, const struct store_hit_filter *f, store_hit_fn fn, void *arg,
                char *next, size_t nextsz, char *err, size_t errsz)
{
	struct page_args pa;
	int ret;

	/* checked first: f->before may be the caller's next, which is cleared here */
	if ((ret = page_check(f, &pa, err, errsz)) != 0)
		return ret;
	st->page_steps = 0;
	if (nextsz > 0)
		next[0] = '\0';
	if (f->rules == NULL)
		return page_one(st, f, &pa, NULL, fn, arg, next, nextsz, err, errsz);
	if (f->nrules == 1)
		return page_one(st, f, &pa, f->rules[0], fn, arg, next, nextsz, err, errsz);
	if (f->nrules == 0) /* a tag no rule has */
		return 0;
	return page_merge(st, f, &pa, fn, arg, next, nextsz, err, errsz);
}

/* EXPLAIN QUERY PLAN of sql, one line a step ("SEARCH hits USING ..."). */
static int
store_explain(struct store *st, const char *sql, char *plan, size_t plansz, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	char *text;
	size_t len = 0;
	int rc;

	if (asprintf(&text, "EXPLAIN QUERY PLAN %s", sql) < 0) {
		snprintf(err, errsz, "explaining: out of memory");
		return -1;
	}
	rc = sqlite3_prepare_v2(st->db, text, -1, &q, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "explaining", err, errsz);
	if (plansz > 0)
		plan[0] = '\0';
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int w = snprintf(plan + len, plansz - len, "%s\n", col_text(q, 3));

		if (w < 0 || (size_t)w >= plansz - len)
			break;
		len += (size_t)w;
	}
	sqlite3_finalize(q);
	return 0;
}

int
store_explain_hits(struct store *st, const struct store_hit_filter *f, char *plan, size_t plansz,
                   char *err, size_t errsz)
{
	int shape = (f->rules != NULL ? PAGE_RULE : 0) | (f->source != NULL ? PAGE_SOURCE : 0) |
	            (f->lang != NULL ? PAGE_LANG : 0);

	if (f->rules != NULL && f->nrules > 1)
		return store_explain(st, stmt_sql[ST_PAGE_KEYS + (shape & ~PAGE_RULE) / 2], plan,
		                     plansz, err, errsz);
	return store_explain(st, stmt_sql[ST_PAGE + shape], plan, plansz, err, errsz);
}

int64_t
store_page_steps(const struct store *st)
{
	return st->page_steps;
}

int
store_explain_reads(struct store *st, char *plan, size_t plansz, char *err, size_t errsz)
{
	static const enum stmt reads[] = {ST_ARTICLE_GET, ST_ARTICLE_HITS, ST_ARTICLE_GROUP,
	                                  ST_STATS_LAST, ST_STATS_DAYS};
	size_t len = 0;

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		int rc =
		    store_explain(st, stmt_sql[reads[i]], plan + len, plansz - len, err, errsz);

		if (rc != 0)
			return rc;
		len += strlen(plan + len);
	}
	return 0;
}

int
store_article_get(struct store *st, const char *id, store_article_fn article, store_hit_fn hit,
                  store_article_fn dup, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_ARTICLE_GET];
	char root[64] = "";
	int rc, ret = 0, stop = 0;

	bind_text(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		/* its group's first article: its near_of, or itself */
		snprintf(root, sizeof(root), "%s", r.near_of != NULL ? r.near_of : r.id);
		stop = article(&r, arg) != 0;
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading an article", err, errsz);
	}
	sqlite3_reset(q);
	if (ret != 1 || stop)
		return ret;

	q = st->stmt[ST_ARTICLE_HITS];
	bind_text(q, 1, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_hit_row r = {
		    .id = col_text(q, 0),
		    .article_id = col_text(q, 1),
		    .rule_id = col_text(q, 2),
		    .json = col_text(q, 3),
		    .detected_at = sqlite3_column_int64(q, 4),
		    .alert = sqlite3_column_int(q, 5) != 0,
		};

		if ((stop = hit(&r, arg) != 0))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading an article's hits", err, errsz);
	sqlite3_reset(q);
	if (ret != 1 || stop)
		return ret;

	q = st->stmt[ST_ARTICLE_GROUP];
	bind_text(q, 1, root);
	bind_text(q, 2, id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		if (dup(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "reading an article's duplicates", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* A rule's counts while store_rule_stats gathers them. */
struct stats_acc {
	char *id;         /* owned */
	int64_t last;     /* ms */
	int64_t *per_day; /* owned, STORE_STATS_DAYS; NULL while the rule has no hit in them */
};

static int
stats_find(const void *key, const void *elem)
{
	return strcmp(key, ((const struct stats_acc *)elem)->id);
}

int
store_rule_stats(struct store *st, int64_t now_ms, store_rule_stats_fn fn, void *arg, char *err,
                 size_t errsz)
{
	sqlite3_stmt *last = st->stmt[ST_STATS_LAST], *days = st->stmt[ST_STATS_DAYS];
	struct stats_acc *acc = NULL, *hit = NULL;
	size_t n = 0, cap = 0;
	int rc, ret = 0;

	/* every rule id with hits, in BINARY order (strcmp's): searched below */
	while ((rc = sqlite3_step(last)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct stats_acc *na = realloc(acc, ncap * sizeof(*acc));

			if (na == NULL)
				break;
			acc = na;
			cap = ncap;
		}
		acc[n].per_day = NULL;
		acc[n].last = sqlite3_column_int64(last, 1);
		if ((acc[n].id = strdup(col_text(last, 0))) == NULL)
			break;
		n++;
	}
	if (rc == SQLITE_ROW) {
		snprintf(err, errsz, "reading the rules' last hits: out of memory");
		ret = -1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading the rules' last hits", err, errsz);
	}
	sqlite3_reset(last);

	bind_named_int(days, ":now", now_ms);
	while (ret == 0 && (rc = sqlite3_step(days)) == SQLITE_ROW) {
		const char *id = col_text(days, 0);
		int64_t ago = (now_ms - sqlite3_column_int64(days, 1)) / 86400000;

		/* the index holds a rule's hits of one time together: often the same as before */
		if (hit == NULL || strcmp(hit->id, id) != 0)
			hit = n > 0 ? bsearch(id, acc, n, sizeof(*acc), stats_find) : NULL;
		/* a rule whose first hit came between the two statements: next time */
		if (hit == NULL || ago < 0 || ago >= STORE_STATS_DAYS)
			continue;
		if (hit->per_day == NULL &&
		    (hit->per_day = calloc(STORE_STATS_DAYS, sizeof(*hit->per_day))) == NULL) {
			snprintf(err, errsz, "counting the rules' hits a day: out of memory");
			ret = -1;
			break;
		}
		hit->per_day[ago]++;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "counting the rules' hits a day", err, errsz);
	sqlite3_reset(days);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		struct store_rule_stats_row r;

		memset(&r, 0, sizeof(r));
		r.rule_id = acc[i].id;
		r.last_hit = acc[i].last;
		if (acc[i].per_day != NULL)
			memcpy(r.per_day, acc[i].per_day, sizeof(r.per_day));
		for (int d = 0; d < STORE_STATS_DAYS; d++) {
			r.hits_30d += r.per_day[d];
			if (d < 7)
				r.hits_7d += r.per_day[d];
		}
		r.hits_24h = r.per_day[0];
		if (fn(&r, arg) != 0)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		free(acc[i].id);
		free(acc[i].per_day);
	}
	free(acc);
	return ret;
}

/* ---- operators (GET /healthz, GET /metrics) ---- */

int
store_ping(struct store *st, char *err, size_t errsz)
{
	int64_t n;
	int rc = store_one_int(st, ST_PING, "reading the database", &n, err, errsz);

	return rc < 0 ? rc : 0;
}

int
store_db_size(struct store *st, int64_t *bytes, char *err, size_t errsz)
{
	int rc = store_one_int(st, ST_DB_SIZE, "reading the database's size", bytes, err, errsz);

	return rc < 0 ? rc : 0;
}

int
store_delivery_states(struct store *st, store_count_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_DELIVERY_STATES];
	int rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (fn(col_text(q, 0), col_text(q, 1), sqlite3_column_int64(q, 2), arg) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "counting deliveries", err, errsz);
	sqlite3_reset(q);
	return ret;
}

int
store_feed_states(struct store *st, store_count_fn fn, void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_FEED_STATES];
	int rc, ret = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *state = sqlite3_column_int(q, 0)   ? "gone"
		                    : sqlite3_column_int(q, 1) ? "failing"
		                                               : "ok";

		if (fn(NULL, state, sqlite3_column_int64(q, 2), arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(st, rc, "counting feeds", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* ---- the archive reads of harkd's HTTP worker ---- */

struct store_scan {
	struct store *st;      /* the caller's */
	sqlite3_stmt *stmt[8]; /* owned: the SCAN_* statements */
	int64_t deadline_ns;   /* CLOCK_MONOTONIC; 0: none */
	int cut;               /* the deadline has passed */
};

enum {
	SCAN_ARTICLE,
	SCAN_ARTICLE_FTS,
	SCAN_NEWEST,
	SCAN_NEWEST_TAIL,
	SCAN_NEWEST_FTS,
	SCAN_SEQ,
	SCAN_FTS_RANGE,
	SCAN_FTS_THROUGH
};

static const char *const scan_sql[] = {
    [SCAN_ARTICLE] = "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = ?1",
    /*
     * the article first (its unique id), then its keys: one probe of the
     * index; an article the index has not caught up with is a candidate
     */
    [SCAN_ARTICLE_FTS] = "SELECT " ARTICLE_COLS " FROM articles a "
                         "WHERE a.id = ?1 AND (a.seq > " FTS_THROUGH " OR EXISTS "
                         "(SELECT 1 FROM articles_fts f WHERE f.rowid = a.seq "
                         "AND articles_fts MATCH ?2))",
    [SCAN_NEWEST] = "SELECT " ARTICLE_COLS " FROM articles a ORDER BY a.seq DESC",
    /* the newest: those after ?1, which the index has not yet, then the index's */
    [SCAN_NEWEST_TAIL] = "SELECT " ARTICLE_COLS " FROM articles a WHERE a.seq > ?1 "
                         "ORDER BY a.seq DESC",
    /* the index first, newest rowid first (FTS5 reads its lists backwards) */
    [SCAN_NEWEST_FTS] = "SELECT " ARTICLE_COLS " FROM articles_fts f "
                        "CROSS JOIN articles a ON a.seq = f.rowid "
                        "WHERE articles_fts MATCH ?1 AND f.rowid <= ?2 ORDER BY f.rowid DESC",
    [SCAN_SEQ] = "SELECT seq FROM articles WHERE id = ?1",
    /* FTS5 reads its lists from ?2 to ?3 only */
    [SCAN_FTS_RANGE] = ("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 "
                        "AND rowid BETWEEN ?2 AND ?3 ORDER BY rowid"),
    [SCAN_FTS_THROUGH] = "SELECT " FTS_THROUGH,
};

/* *through: the last article the full-text index has (FTS_THROUGH). */
static int
scan_fts_through(struct store_scan *sc, int64_t *through, char *err, size_t errsz)
{
	sqlite3_stmt *q = sc->stmt[SCAN_FTS_THROUGH];
	int rc = sqlite3_step(q), ret = 0;

	*through = 0;
	if (rc == SQLITE_ROW)
		*through = sqlite3_column_int64(q, 0);
	else
		ret = store_fail(sc->st, rc, "reading the index's progress", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* SQLite asks every SCAN_PROGRESS_OPS steps: a non-zero answer interrupts the statement. */
#define SCAN_PROGRESS_OPS 1000

static int
scan_progress(void *arg)
{
	struct store_scan *sc = arg;
	struct timespec ts;

	if (sc->deadline_ns == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec >= sc->deadline_ns)
		sc->cut = 1;
	return sc->cut;
}

int
store_scan_new(struct store *st, struct store_scan **out, char *err, size_t errsz)
{
	struct store_scan *sc = calloc(1, sizeof(*sc));

	*out = NULL;
	if (sc == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	sc->st = st;
	for (size_t i = 0; i < sizeof(scan_sql) / sizeof(scan_sql[0]); i++) {
		int rc = sqlite3_prepare_v3(st->db, scan_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                            &sc->stmt[i], NULL);

		if (rc != SQLITE_OK) {
			rc = store_fail(st, rc, scan_sql[i], err, errsz);
			store_scan_free(sc);
			return rc;
		}
	}
	sqlite3_progress_handler(st->db, SCAN_PROGRESS_OPS, scan_progress, sc);
	*out = sc;
	return 0;
}

void
store_scan_free(struct store_scan *sc)
{
	if (sc == NULL)
		return;
	sqlite3_progress_handler(sc->st->db, 0, NULL, NULL);
	for (size_t i = 0; i < sizeof(sc->stmt) / sizeof(sc->stmt[0]); i++)
		sqlite3_finalize(sc->stmt[i]);
	free(sc);
}

void
store_scan_deadline(struct store_scan *sc, int64_t deadline_ns)
{
	sc->deadline_ns = deadline_ns;
	sc->cut = 0;
}

void
store_scan_interrupt(struct store_scan *sc)
{
	sqlite3_interrupt(sc->st->db);
}

bool
store_scan_cut(struct store_scan *sc)
{
	return scan_progress(sc) != 0;
}

int
store_scan_article(struct store_scan *sc, const char *id, const char *fts, store_article_fn fn,
                   void *arg, char *err, size_t errsz)
{
	sqlite3_stmt *q = sc->stmt[fts != NULL ? SCAN_ARTICLE_FTS : SCAN_ARTICLE];
	int rc, ret = 0;

	bind_text(q, 1, id);
	if (fts != NULL)
		bind_text(q, 2, fts);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		fn(&r, arg);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(sc->st, rc, "reading an article", err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_scan_newest(struct store_scan *sc, const char *fts, store_article_fn fn, void *arg, char *err,
                  size_t errsz)
{
	sqlite3_stmt *q = sc->stmt[fts != NULL ? SCAN_NEWEST_TAIL : SCAN_NEWEST];
	int64_t through = 0;
	int rc, ret = 0, stop = 0;

	/* one value for both: an article the index takes in between is read once */
	if (fts != NULL) {
		if ((ret = scan_fts_through(sc, &through, err, errsz)) != 0)
			return ret;
		sqlite3_bind_int64(q, 1, through);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		if ((stop = fn(&r, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(sc->st, rc, "reading articles", err, errsz);
	sqlite3_reset(q);
	if (fts == NULL || ret != 0 || stop)
		return ret;
	q = sc->stmt[SCAN_NEWEST_FTS];
	bind_text(q, 1, fts);
	sqlite3_bind_int64(q, 2, through);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_article_row r = article_row(q);

		if (fn(&r, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(sc->st, rc, "reading articles", err, errsz);
	sqlite3_reset(q);
	return ret;
}

/* An article of store_scan_fts_filter: its rowid, its place in the caller's ids. */
struct scan_seq {
	int64_t seq;
	size_t i;
};

static int
scan_seq_cmp(const void *a, const void *b)
{
	const struct scan_seq *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
store_scan_fts_filter(struct store_scan *sc, const char *fts, const char *const *ids, size_t n,
                      unsigned char *match, char *err, size_t errsz)
{
	sqlite3_stmt *q = sc->stmt[SCAN_SEQ];
	struct scan_seq *v = malloc((n > 0 ? n : 1) * sizeof(*v)); /* owned */
	size_t nv = 0, k = 0;
	int64_t through;
	int rc, ret = 0;

	if (v == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	memset(match, 0, n);
	for (size_t i = 0; i < n && ret == 0; i++) {
		bind_text(q, 1, ids[i]);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			v[nv++] = (struct scan_seq){sqlite3_column_int64(q, 0), i};
		else if (rc != SQLITE_DONE)
			ret = store_fail(sc->st, rc, "reading an article", err, errsz);
		sqlite3_reset(q);
	}
	if (ret != 0 || nv == 0) {
		free(v);
		return ret;
	}
	qsort(v, nv, sizeof(*v), scan_seq_cmp);
	if ((ret = scan_fts_through(sc, &through, err, errsz)) != 0) {
		free(v);
		return ret;
	}
	/* the articles the index has not caught up with are candidates */
	while (nv > 0 && v[nv - 1].seq > through)
		match[v[--nv].i] = 1;
	if (nv == 0) {
		free(v);
		return 0;
	}
	q = sc->stmt[SCAN_FTS_RANGE];
	bind_text(q, 1, fts);
	sqlite3_bind_int64(q, 2, v[0].seq);
	sqlite3_bind_int64(q, 3, v[nv - 1].seq);
	/* both ascending: a merge */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t row = sqlite3_column_int64(q, 0);

		for (; k < nv && v[k].seq < row; k++)
			;
		for (; k < nv && v[k].seq == row; k++)
			match[v[k].i] = 1;
		if (k == nv)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = store_fail(sc->st, rc, "reading the articles' index", err, errsz);
	sqlite3_reset(q);
	free(v);
	return ret;
}

/* ---- mutes ---- */

int
store_mute_set(struct store *st, const char *rule_id, int64_t until, int64_t now, char *err,
               size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_MUTES_EXPIRED];
	int rc;

	/* the mutes that ended by themselves go now: the table stays as small as the mutes */
	sqlite3_bind_int64(q, 1, now);
	if ((rc = store_exec(st, ST_MUTES_EXPIRED, "forgetting ended mutes", err, errsz)) != 0)
		return rc;
	q = st->stmt[ST_MUTE_SET];
	bind_text(q, 1, rule_id);
	sqlite3_bind_int64(q, 2, until);
	sqlite3_bind_int64(q, 3, now);
	return store_exec(st, ST_MUTE_SET, "muting a rule", err, errsz);
}

int
store_mute_clear(struct store *st, const char *rule_id, int64_t now, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_MUTE_CLEAR];
	int rc;

	bind_text(q, 1, rule_id);
	sqlite3_bind_int64(q, 2, now);
	if ((rc = store_exec(st, ST_MUTE_CLEAR, "unmuting a rule", err, errsz)) != 0)
		return rc;
	return sqlite3_changes(st->db) > 0;
}

int
store_mute_get(struct store *st, const char *rule_id, int64_t now, int64_t *until, char *err,
               size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_MUTE_GET];
	int rc, ret = 0;

	bind_text(q, 1, rule_id);
	sqlite3_bind_int64(q, 2, now);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if (until != NULL)
			*until = sqlite3_column_int64(q, 0);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading a mute", err, errsz);
	}
	sqlite3_reset(q);
	return ret;
}

int
store_mutes_each(struct store *st, int64_t now, store_mute_fn fn, void *arg, char *err,
                 size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_MUTES];
	int rc;

	sqlite3_bind_int64(q, 1, now);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_mute_row r = {.rule_id = col_text(q, 0),
		                           .until = sqlite3_column_int64(q, 1),
		                           .muted_at = sqlite3_column_int64(q, 2)};

		if (r.rule_id != NULL && fn(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the mutes", err, errsz);
	sqlite3_reset(q);
	return rc;
}

int
store_rule_has_hits(struct store *st, const char *rule_id, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_RULE_HAS_HITS];

	bind_text(q, 1, rule_id);
	return store_probe(st, q, "looking for a rule's hits", err, errsz);
}

int
store_source_has_hits(struct store *st, const char *source, char *err, size_t errsz)
{
	sqlite3_stmt *q = st->stmt[ST_SOURCE_HAS_HITS];

	bind_text(q, 1, source);
	return store_probe(st, q, "looking for a source's hits", err, errsz);
}

/* ---- retention and backup (README "Retention and backup") ---- */

/*
 * The statements of this section are prepared at each call: the pruner runs
 * a few batches an hour, a backup once; the table of the hot statements
 * stays as it is.
 */
static int
store_prep(struct store *st, const char *sql, sqlite3_stmt **q, char *err, size_t errsz)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);

	if (rc != SQLITE_OK) {
		*q = NULL;
		return store_fail(st, rc, sql, err, errsz);
	}
	return 0;
}

/* Step q to its end (a write); finalizes it. */
static int
store_step_done(struct store *st, sqlite3_stmt *q, const char *what, char *err, size_t errsz)
{
	int rc = sqlite3_step(q), ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_fail(st, rc, what, err, errsz);
	sqlite3_finalize(q);
	return ret;
}

int
store_prune_texts(struct store *st, int64_t before, int limit, store_keys_fn keys, void *arg,
                  int64_t *n, char *err, size_t errsz)
{
	sqlite3_stmt *sel = NULL, *del = NULL, *upd = NULL;
	int64_t through;
	int rc, ret, found;

	*n = 0;
	if ((ret = store_begin(st, err, errsz)) != 0)
		return ret;
	/* the articles after it are not in the index yet: nothing to remove there */
	if ((ret = meta_get(st, "fts_through", &through, &found, err, errsz)) != 0)
		goto out;
	/* the oldest first: articles_text_seen holds only the articles with their text */
	if ((ret = store_prep(
	         st,
	         "SELECT " ARTICLE_COLS ", a.seq FROM articles a "
	         "INDEXED BY articles_text_seen "
	         "WHERE a.body IS NOT NULL AND a.seen_at < ?1 ORDER BY a.seen_at LIMIT ?2",
	         &sel, err, errsz)) != 0 ||
	    (ret = store_prep(st,
	                      "INSERT INTO articles_fts (articles_fts, rowid, keys) "
	                      "VALUES ('delete', ?1, ?2)",
	                      &del, err, errsz)) != 0 ||
	    (ret = store_run(st,
	                     "CREATE TEMP TABLE IF NOT EXISTS prune_seq (seq INTEGER PRIMARY KEY);"
	                     "DELETE FROM temp.prune_seq;",
	                     "pruning articles", err, errsz)) != 0 ||
	    (ret = store_prep(st, "INSERT INTO temp.prune_seq (seq) VALUES (?1)", &upd, err,
	                      errsz)) != 0)
		goto out;
	sqlite3_bind_int64(sel, 1, before);
	sqlite3_bind_int(sel, 2, limit);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		struct store_article_row r = article_row(sel);
		sqlite3_int64 seq = sqlite3_column_int64(sel, ARTICLE_NCOLS);

		if (seq <= through) {
			/*
			 * A contentless FTS5 index forgets a row only when told
			 * the keys it was given (the same code computes them
			 * again from the same stored text). NULL: out of memory.
			 */
			char *k = keys(&r, arg);

			if (k == NULL) {
				snprintf(err, errsz, "pruning article %s: out of memory", r.id);
				ret = -1;
				goto out;
			}
			sqlite3_bind_int64(del, 1, seq);
			sqlite3_bind_text(del, 2, k, -1, SQLITE_TRANSIENT);
			free(k);
			rc = sqlite3_step(del);
			sqlite3_reset(del);
			if (rc != SQLITE_DONE) {
				ret = store_fail(st, rc, "pruning an article's index entry", err,
				                 errsz);
				goto out;
			}
		}
		sqlite3_bind_int64(upd, 1, seq);
		rc = sqlite3_step(upd);
		sqlite3_reset(upd);
		if (rc != SQLITE_DONE) {
			ret = store_fail(st, rc, "pruning an article's text", err, errsz);
			goto out;
		}
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, rc, "reading the articles to prune", err, errsz);
		goto out;
	}
	sqlite3_finalize(sel);
	sel = NULL;
	/*
	 * The rows without their text, deleted and inserted again (the same
	 * seq, the FTS5 rowid): an UPDATE that shrinks a row leaves its page
	 * as empty as it made it, one article a page for ever, where a delete
	 * merges the pages it empties and the rows go back dense. Their hits
	 * and near duplicates refer to them: checked at the commit, when they
	 * are back.
	 */
	ret = store_run(st,
	                "PRAGMA defer_foreign_keys = ON;"
	                "DROP TABLE IF EXISTS temp.prune_rows;"
	                "CREATE TEMP TABLE prune_rows AS SELECT * FROM main.articles "
	                "WHERE seq IN (SELECT seq FROM temp.prune_seq);"
	                "UPDATE temp.prune_rows SET body = NULL;"
	                "DELETE FROM main.articles WHERE seq IN (SELECT seq FROM temp.prune_seq);"
	                "INSERT INTO main.articles SELECT * FROM temp.prune_rows;"
	                "DROP TABLE temp.prune_rows;"
	                "DELETE FROM temp.prune_seq;",
	                "pruning the articles' texts", err, errsz);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	sqlite3_finalize(upd);
	if (ret == 0 && (ret = store_commit(st, err, errsz)) == 0)
		return 0;
	store_rollback(st);
	*n = 0;
	return ret;
}

int
store_prune_hits(struct store *st, int64_t before_ms, int limit, int64_t *n, char *err,
                 size_t errsz)
{
	sqlite3_stmt *q = NULL;
	char sql[512];
	int ret;

	*n = 0;
	if ((ret = store_begin(st, err, errsz)) != 0)
		return ret;
	/*
	 * The batch: the oldest hits, but those with a delivery still pending
	 * (a webhook down for longer than keep_hits gets them still). Their
	 * sent and dead deliveries go first (deliveries.hit_id references
	 * them).
	 */
	snprintf(sql, sizeof(sql),
	         "CREATE TEMP TABLE IF NOT EXISTS prune_hits (id TEXT PRIMARY KEY);"
	         "DELETE FROM prune_hits;"
	         "INSERT INTO prune_hits SELECT h.id FROM hits h INDEXED BY hits_detected_at "
	         "WHERE h.detected_at < %lld AND NOT EXISTS (SELECT 1 FROM deliveries d "
	         "WHERE d.hit_id = h.id AND d.state = 'pending') ORDER BY h.detected_at LIMIT %d;"
	         "DELETE FROM deliveries WHERE hit_id IN (SELECT id FROM prune_hits);",
	         (long long)before_ms, limit);
	if ((ret = store_run(st, sql, "choosing the hits to prune", err, errsz)) != 0)
		goto fail;
	if ((ret = store_prep(st, "DELETE FROM hits WHERE id IN (SELECT id FROM prune_hits)", &q,
	                      err, errsz)) != 0 ||
	    (ret = store_step_done(st, q, "pruning hits", err, errsz)) != 0)
		goto fail;
	*n = sqlite3_changes(st->db);
	if ((ret = store_run(st, "DELETE FROM prune_hits", "pruning hits", err, errsz)) != 0 ||
	    (ret = store_commit(st, err, errsz)) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	*n = 0;
	return ret;
}

int
store_prune_count(struct store *st, int64_t before, int64_t before_ms, int64_t *texts,
                  int64_t *hits, char *err, size_t errsz)
{
	sqlite3_stmt *q = NULL;
	int rc, ret;

	*texts = *hits = 0;
	if ((ret =
	         store_prep(st,
	                    "SELECT (SELECT count(*) FROM articles INDEXED BY articles_text_seen "
	                    "WHERE body IS NOT NULL AND seen_at < ?1), "
	                    "(SELECT count(*) FROM hits h WHERE h.detected_at < ?2 AND NOT EXISTS "
	                    "(SELECT 1 FROM deliveries d WHERE d.hit_id = h.id AND "
	                    "d.state = 'pending'))",
	                    &q, err, errsz)) != 0)
		return ret;
	sqlite3_bind_int64(q, 1, before);
	sqlite3_bind_int64(q, 2, before_ms);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*texts = before > 0 ? sqlite3_column_int64(q, 0) : 0;
		*hits = before_ms > 0 ? sqlite3_column_int64(q, 1) : 0;
	} else {
		ret = store_fail(st, rc, "counting what to prune", err, errsz);
	}
	sqlite3_finalize(q);
	return ret;
}

int
store_vacuum_step(struct store *st, int pages, int64_t *left, char *err, size_t errsz)
{
	char buf[32], sql[64];
	int ret;

	*left = 0;
	if ((ret = store_pragma(st, "PRAGMA auto_vacuum", buf, sizeof(buf), err, errsz)) != 0)
		return ret;
	if (atoi(buf) != 2) /* not INCREMENTAL: free pages stay for new rows */
		return 0;
	if (st->fatal) {
		snprintf(err, errsz, "vacuum: %s", st->why);
		return STORE_FATAL;
	}
	snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%d)", pages);
	/* a pragma that returns rows: stepped to its end, each step a page (0 would free all) */
	if (pages > 0) {
		sqlite3_stmt *q;

		if ((ret = store_prep(st, sql, &q, err, errsz)) != 0)
			return ret;
		while ((ret = sqlite3_step(q)) == SQLITE_ROW)
			;
		ret = ret == SQLITE_DONE ? 0 : store_fail(st, ret, "vacuum", err, errsz);
		sqlite3_finalize(q);
		if (ret != 0)
			return ret;
	}
	if ((ret = store_pragma(st, "PRAGMA freelist_count", buf, sizeof(buf), err, errsz)) != 0)
		return ret;
	*left = atoll(buf);
	return 0;
}

int
store_fts_merge(struct store *st, int pages, int *worked, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	sqlite3_int64 before = sqlite3_total_changes64(st->db);
	int ret;

	*worked = 0;
	if (st->fatal) {
		snprintf(err, errsz, "merging the index: %s", st->why);
		return STORE_FATAL;
	}
	if ((ret = store_prep(st,
	                      "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ?1)",
	                      &q, err, errsz)) != 0)
		return ret;
	sqlite3_bind_int(q, 1, pages);
	if ((ret = store_step_done(st, q, "merging the index", err, errsz)) != 0)
		return ret;
	/* FTS5's way to tell whether the merge found work (fts5.html, "merge") */
	*worked = sqlite3_total_changes64(st->db) != before;
	return 0;
}

int
store_vacuum_full(struct store *st, char *err, size_t errsz)
{
	return store_run(st, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM", "VACUUM", err, errsz);
}

/* The counts and bounds of the archive, of db (st's or a backup's). */
static int
reach_read(sqlite3 *db, struct store_reach *r, const char **why)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM articles),"
	    " (SELECT count(*) FROM articles INDEXED BY articles_text_seen WHERE body IS NOT NULL),"
	    " (SELECT count(*) FROM hits),"
	    " (SELECT coalesce(min(seen_at), 0) FROM articles),"
	    " (SELECT coalesce(min(seen_at), 0) FROM articles INDEXED BY articles_text_seen"
	    "  WHERE body IS NOT NULL),"
	    " (SELECT coalesce(max(seen_at), 0) FROM articles),"
	    " (SELECT coalesce(min(detected_at), 0) FROM hits),"
	    " (SELECT coalesce(max(detected_at), 0) FROM hits)";
	sqlite3_stmt *q;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL)) != SQLITE_OK) {
		*why = sqlite3_errmsg(db);
		return rc;
	}
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		r->articles = sqlite3_column_int64(q, 0);
		r->texts = sqlite3_column_int64(q, 1);
		r->hits = sqlite3_column_int64(q, 2);
		r->oldest_article = sqlite3_column_int64(q, 3);
		r->oldest_text = sqlite3_column_int64(q, 4);
		r->newest_article = sqlite3_column_int64(q, 5);
		r->oldest_hit = sqlite3_column_int64(q, 6);
		r->newest_hit = sqlite3_column_int64(q, 7);
		rc = SQLITE_OK;
	} else {
		*why = sqlite3_errmsg(db);
	}
	sqlite3_finalize(q);
	return rc;
}

int
store_reach_get(struct store *st, struct store_reach *r, char *err, size_t errsz)
{
	const char *why = "";
	int rc = reach_read(st->db, r, &why);

	if (rc == SQLITE_OK)
		return 0;
	return store_fail(st, rc, "reading the archive's reach", err, errsz);
}

int
store_oldest_text(struct store *st, int64_t *secs, char *err, size_t errsz)
{
	sqlite3_stmt *q;
	int rc, ret;

	if ((ret = store_prep(st,
	                      "SELECT min(seen_at) FROM articles INDEXED BY articles_text_seen "
	                      "WHERE body IS NOT NULL",
	                      &q, err, errsz)) != 0)
		return ret;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		ret = sqlite3_column_type(q, 0) != SQLITE_NULL;
		*secs = sqlite3_column_int64(q, 0);
	} else {
		ret = store_fail(st, rc, "reading the oldest article's time", err, errsz);
	}
	sqlite3_finalize(q);
	return ret;
}

int
store_backup(struct store *st, const char *dest, struct store_reach *r, char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	sqlite3_backup *b;
	sqlite3_stmt *q = NULL;
	const char *why = "";
	char first[256] = "";
	int rc, nbad = 0, ret = -1;

	/* never over a file: a backup is a new file, a failed one no file */
	rc = sqlite3_open_v2(
	    dest, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", dest, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -1;
	}
	/*
	 * One step of every page: the source is read in one read
	 * transaction, one snapshot of the WAL, while harkd goes on writing
	 * (a step at a time would start again at each of its commits).
	 */
	b = sqlite3_backup_init(db, "main", st->db, "main");
	if (b == NULL) {
		snprintf(err, errsz, "%s: %s", dest, sqlite3_errmsg(db));
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "copying the database to %s: %s", dest, sqlite3_errstr(rc));
		goto out;
	}
	rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(10)", -1, &q, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(q, 0);

			if (t != NULL && strcmp(t, "ok") != 0 && nbad++ == 0)
				snprintf(first, sizeof(first), "%.*s", (int)strcspn(t, "\n"), t);
		}
		sqlite3_finalize(q);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "checking %s: %s", dest, sqlite3_errmsg(db));
		goto out;
	}
	if (nbad > 0) {
		snprintf(err, errsz, "%s fails PRAGMA integrity_check: %s%s", dest, first,
		         nbad > 1 ? " (and more)" : "");
		goto out;
	}
	if (reach_read(db, r, &why) != SQLITE_OK) {
		snprintf(err, errsz, "reading %s: %s", dest, why);
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(db);
	return ret;
}
