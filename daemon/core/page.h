/*
 * page.h: the HTML pages and the Atom feed harkd serves (HTTP.md), rendered
 * from plain values: data in, bytes out, no I/O. Everything that comes from
 * articles, feeds, rules or the query string is stranger text and goes out
 * only through page_text() (escaped, cleaned) or page_url() (an allowlist of
 * schemes): page_raw() is for the renderer's own literal markup, never for
 * data, so escaping holds by construction.
 *
 * Stranger text fields are each wrapped in an element with dir="auto" (their
 * direction from their own first strong character, and bidi-isolated by the
 * browser's default style), and the explicit bidi controls in them
 * (U+202A-U+202E, U+2066-U+2069) are balanced: unmatched closers dropped,
 * openers closed at the end of the field, so a title with a right-to-left
 * override cannot reorder the page around it.
 */
#ifndef HARK_PAGE_H
#define HARK_PAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A time zone as a value: the offsets from UTC in force from each instant
 * on. The pages show times in harkd's zone (its process's TZ), which the
 * shell reads with localtime_r (localzone.c): the renderers never read the
 * clock or the zone files themselves.
 */
struct page_zone_span {
	int64_t from;   /* Unix seconds: in force from this instant on */
	int32_t offset; /* seconds east of UTC */
};
struct page_zone {
	const struct page_zone_span *spans; /* borrowed; sorted by from */
	size_t n;                           /* 0: UTC */
};

/*
 * The offset of z at Unix time t: the last span from at or before t, the
 * first span's before them all; 0 for a NULL or empty zone.
 */
int32_t page_zone_offset(const struct page_zone *z, int64_t t);

/* A growable output buffer. Zero-initialise it (or page_init); page_free. */
struct page {
	char *p; /* owned; NUL-terminated once anything was added */
	size_t n, cap;
	int oom; /* set when the buffer could not grow: the output is then unusable */
	/* borrowed: the zone the times are shown in (page_time); NULL: UTC. Kept by page_take */
	const struct page_zone *zone;
};

void page_init(struct page *pg);
void page_free(struct page *pg);
/*
 * The output (caller frees), its length in *len; NULL when out of memory.
 * pg is reset, but for its zone.
 */
char *page_take(struct page *pg, size_t *len);

/* The renderer's own literal markup. Never stranger text. */
void page_raw(struct page *pg, const char *s);
void page_rawn(struct page *pg, const char *s, size_t n);

/*
 * Stranger text s[0..n), for HTML and XML text and attribute values alike:
 * & < > " ' escaped; invalid UTF-8 made U+FFFD; NUL, the other C0 controls
 * but tab, LF and CR, DEL, the C1 controls and U+FFFE/U+FFFF removed (XML 1.0
 * forbids them); the bidi controls balanced (above). s may be NULL (n 0).
 */
void page_text(struct page *pg, const char *s, size_t n);
/* The same for a NUL-terminated string (NULL writes nothing). */
void page_str(struct page *pg, const char *s);
/*
 * A time for people: <time datetime="UTC">LOCAL</time>, the datetime the
 * instant in RFC 3339 UTC ("2026-12-07T08:14:03Z"), LOCAL the same in
 * pg->zone with its offset ("2026-12-07 09:14 +01:00"), as the command
 * line shows times in the user's zone. s is any date date_normalize()
 * reads; one it cannot read is written as it is (escaped, in a span
 * dir="auto"); NULL nothing.
 */
void page_time(struct page *pg, const char *s);
/* The same, the day only: <time datetime="UTC">YYYY-MM-DD</time>, the day in pg->zone. */
void page_day(struct page *pg, const char *s);
/*
 * The caret under column col (1-based, in characters as diag.c counts them:
 * a UTF-8 sequence is one) of line[0..len): the line escaped, then blanks
 * (a tab where the line has one, so that they line up) and "^", in a
 * pre.caret. For a diagnostic of the user's own text (/try, q= on "/").
 */
void page_caret(struct page *pg, const char *line, size_t len, unsigned col);

/*
 * Whether url may be an href: an absolute http: or https: URL (scheme in any
 * case) with a host, or a path of our own beginning with one "/" (not "//",
 * not "/\"). Any byte below 0x21 or 0x7F anywhere refuses it: browsers drop
 * tabs and newlines inside schemes ("java\tscript:"), so nothing is trimmed.
 */
int page_url_ok(const char *url);
/*
 * Append url as an attribute value (non-ASCII bytes percent-encoded, the
 * rest escaped). Returns 1, or 0 with nothing written when !page_url_ok(url).
 */
int page_url(struct page *pg, const char *url);
/*
 * Append one query parameter to an href being written: "?" before the first
 * (*first set, then cleared), "&amp;" before the others; key and value
 * percent-encoded (all but A-Z a-z 0-9 - . _ ~). NULL or empty values are
 * skipped.
 */
void page_query(struct page *pg, int *first, const char *key, const char *value);
/* One path segment, percent-encoded as page_query's values (NULL: nothing). */
void page_path(struct page *pg, const char *segment);
/*
 * <a href="URL" dir="auto" rel="noreferrer">TEXT</a>, or when url is refused
 * (or NULL) the text alone in <span dir="auto">: a hostile address is shown
 * only as text, never as a link.
 */
void page_link(struct page *pg, const char *url, const char *text, size_t n);

/* A match span: byte offsets [start, end) into a text. */
struct page_span {
	size_t start, end;
};

/*
 * text[0..len) escaped, every span in <mark>. Spans may come in any order;
 * overlapping ones are merged into one mark, adjacent ones stay two; empty
 * or inverted ones are dropped, ends past len cut to len, and an offset inside
 * a UTF-8 sequence is widened to the whole character.
 */
void page_marked(struct page *pg, const char *text, size_t len, const struct page_span *spans,
                 size_t nspans);

/*
 * The byte offset of character ch in s[0..len) (len when past the end):
 * converts the character offsets of a hit object's snippet marks (CLI.md).
 */
size_t page_char_offset(const char *s, size_t len, size_t ch);

/* What a hit shows: the hit object of CLI.md, flattened. Pointers are borrowed. */
struct page_hit {
	const char *id;          /* "h_…" */
	const char *detected_at; /* RFC 3339 */
	const char *rule_id, *rule_name;
	const char *const *tags;
	size_t ntags;
	const char *article_id, *title, *url, *source, *lang; /* title..lang may be NULL */
	const char *snippet;                                  /* text without marks (NULL: none) */
	size_t snippet_len;
	const struct page_span *marks; /* byte offsets into snippet */
	size_t nmarks;
};

/*
 * A page_hit read from a hit object (CLI.md), as the store keeps it: the
 * strings are borrowed from the JSON object, which must outlive it. The
 * snippet is {"text": T, "marks": [[start, end]…]} with character offsets,
 * converted here to byte offsets; a snippet that is a plain string is shown
 * without marks. Tags and marks past the room here are dropped.
 */
#define PAGE_JSON_TAGS 32
#define PAGE_JSON_MARKS 64
struct page_hit_json {
	struct page_hit hit;
	const char *tags[PAGE_JSON_TAGS];
	struct page_span marks[PAGE_JSON_MARKS];
};
struct json_t;
/* Returns 0, or -1 when o is not a hit object (no string id, rule.id or article.id). */
int page_hit_from_json(const struct json_t *o, struct page_hit_json *out);

/* The filters of "/" as the request gave them; NULL or "" when absent. */
struct page_filters {
	const char *rule, *tag, *source, *lang, *since, *until, *q;
	/*
	 * Not a filter: q= stopped at the time limit, this says where (a note
	 * above the hits; the Older link reads on from there). NULL: not cut.
	 */
	const char *cut;
	/*
	 * Not a filter: rule names no rule (the shell asked the rules in force
	 * and the store). The page then says "no such rule: RULE" where the
	 * hits would be, the form kept to correct it.
	 */
	int no_rule;
	/* Not a filter: tag is no rule's in force; "no such tag: TAG", as no_rule. */
	int no_tag;
	/* Not a filter: source names no feed, drop, api nor a stored hit's; as no_rule. */
	int no_source;
	/*
	 * Not a filter: the filters are wrong (a 400), this one line says why
	 * ("since: ...", "query:1:2: error: ..."): shown above the form, which
	 * keeps what was typed, and no hits. error_line and error_col (1-based;
	 * 0: none) put a caret under that place of q.
	 */
	const char *error;
	unsigned error_line, error_col;
};

/* The navigation entries page_begin() can mark current. */
enum page_nav {
	PAGE_NAV_NONE,
	PAGE_NAV_HITS,
	PAGE_NAV_RULES,
	PAGE_NAV_FEEDS,
	PAGE_NAV_DELIVERIES,
	PAGE_NAV_TRY
};

/*
 * The layout: doctype, <html lang="en">, viewport, the one stylesheet
 * /static/hark.css, the title "TITLE - hark", the navigation (/, /rules,
 * /feeds, /deliveries, /try), and <main>. page_end() closes them.
 */
void page_begin(struct page *pg, const char *title, enum page_nav current);
void page_end(struct page *pg);

/*
 * A list of hits, in the order given: <ol class="hits">, or "No hits." when
 * n is 0. with_article: each hit's article title, linked to its address,
 * and a link to its stored copy (a page of one article leaves them out).
 * The hits part of page_hits, page_article and page_rule.
 */
void page_hit_list(struct page *pg, const struct page_hit *hits, size_t n, int with_article);
/* One hit of page_hit_list, its <li class="hit">: for a list of one's own (page_try). */
void page_hit_item(struct page *pg, const struct page_hit *h, int with_article);

/*
 * The hits page "/": the filter form (GET, keeping the current values), the
 * hits in the order given (the store's: newest first), and when next is not
 * NULL an "Older" link "/?FILTERS&before=NEXT"; with f->no_rule, "no such
 * rule: RULE" (f->no_tag: "no such tag: TAG") instead of the hits. A whole document.
 */
void page_hits(struct page *pg, const struct page_hit *hits, size_t n, const struct page_filters *f,
               const char *next);

/* One field of an article and the matches of every hit rule in it. */
struct page_field {
	const char *name; /* "title", "body"… */
	const char *text;
	size_t len;
	const struct page_span *marks; /* byte offsets into text */
	size_t nmarks;
};

/*
 * Another article of an article's near-duplicate group, labelled by what
 * it is to the article shown (page_article): the article that one revises,
 * a revision (of it, of the same article, of the group's first article,
 * of a near duplicate), the group's first article, or a near duplicate.
 */
struct page_dup {
	const char *article_id, *title;
	int near; /* 0: the same content, 1: in its group (near_of, revision_of say how) */
	const char *near_of;     /* its group's first article, NULL when it is that one */
	const char *revision_of; /* the article it revises, NULL when no revision */
};

struct page_article {
	const char *id, *title, *url, *source, *lang, *format, *charset, *published;
	const struct page_field *fields;
	size_t nfields;
	const struct page_hit *hits;
	size_t nhits;
	const struct page_dup *dups;
	size_t ndups;
	int text_pruned;         /* retention (keep_articles) removed its text */
	const char *seen_at;     /* RFC 3339: when it was stored (NULL: unknown) */
	const char *revision_of; /* a revision: the id of the article it revises, else NULL */
};

/*
 * The article page "/articles/ID". A whole document. A text that
 * retention removed is said to be so, where the body would be.
 */
void page_article(struct page *pg, const struct page_article *a);

/* A rule as its pages show it (page_rules.c). Pointers borrowed; NULL or 0 when absent. */
struct page_rule {
	const char *id, *name, *query; /* query: as written in the rule file */
	const char *const *tags;
	size_t ntags;
	const char *const *langs; /* none: every language */
	size_t nlangs;
	const char *const *notify; /* as written: none, "none", or webhook names */
	size_t nnotify;
	const char *file; /* where it is defined, and its line */
	unsigned line;
	int enabled;
	long long hits_24h, hits_7d, hits_30d;
	const char *last_hit;    /* RFC 3339; NULL: never */
	const char *muted_until; /* RFC 3339; NULL: not muted */
	const unsigned *per_day; /* ndays counts, the oldest first, the last today */
	size_t ndays;
};

/*
 * The rules page "/rules": each rule in the order given, its facts (id,
 * tags, the query in <code>, languages, enabled, where it notifies, hits in
 * 24 h / 7 d / 30 d, last hit, muted until), its chart of hits per day (page_chart), a
 * link to its page /rules/ID and to its hits /?rule=ID. A whole document.
 */
void page_rules(struct page *pg, const struct page_rule *rules, size_t n);
/*
 * One rule's page "/rules/ID": its facts and chart, the forms that mute it
 * (POST /rules/ID/mute, for=1h|12h|2d|1w) and, when muted, unmute it (POST
 * /rules/ID/unmute), then hits (newest first). A whole document.
 */
void page_rule(struct page *pg, const struct page_rule *r, const struct page_hit *hits,
               size_t nhits);
/*
 * The page "/rules/ID" of a rule no longer in the rule files whose hits are
 * still stored: says so, links to all of them ("/?rule=ID") and lists the
 * newest (hits, newest first; more: there are older ones). A whole document.
 */
void page_rule_gone(struct page *pg, const char *id, const struct page_hit *hits, size_t nhits,
                    int more);
/*
 * A page that says a thing asked for is not there (a 404 of the site's
 * pages): "Not found" and msg (stranger text, escaped), with the layout
 * and its navigation (nav marked current). A whole document.
 */
void page_not_found(struct page *pg, enum page_nav nav, const char *msg);

/* The Atom feed of hits. */
struct page_feed {
	const char *base_url;   /* absolute, http(s), ending in "/" (one is added if not) */
	const char *rule, *tag; /* its filters (NULL: none): in its id, title and links */
	const char *title; /* NULL: "hark: hits", then " of rule 'R'", " tagged 'T'" when given */
	const char *now;   /* RFC 3339: <updated> when there is no hit */
};

/*
 * Atom 1.0 (RFC 4287). Feed id and self link: base_url + "hits.atom?rule=R&tag=T"; its
 * rel=alternate the hits page of the same filters, base_url + "?rule=R&tag=T". Entry id: the
 * hit id as urn:uuid:U where U is a UUID (version 8, RFC 9562) made of the first 16 bytes of
 * SHA-256("hark hit " HIT_ID): stable for a hit whatever base_url, so a reader sees each hit once.
 * Entry link: the article's address when page_url_ok() and absolute, else base_url + "articles/ID".
 * Entries in the order given (the store's: newest first); the feed's <updated> the newest hit's.
 * Dates through date_normalize() (now when not a date). Content type="html": the snippet with its
 * marks, escaped. Returns 0, or -1 when base_url is not an absolute http(s) URL (nothing written).
 */
int page_atom(struct page *pg, const struct page_feed *f, const struct page_hit *hits, size_t n);

/*
 * A bar chart of hits per day, counts[0] the oldest of n days, the last one
 * today: an inline <svg role="img"> with an aria-label and a <title> saying
 * the total and the busiest day's count.
 */
void page_chart(struct page *pg, const unsigned *counts, size_t n);

/* The stylesheet served as /static/hark.css (daemon/core/static/hark.css, built in). */
extern const unsigned char page_css[]; /* NUL-terminated */
extern const size_t page_css_len;

#endif
