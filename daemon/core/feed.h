/*
 * feed.h: RSS 0.9x/1.0 (RDF)/2.0, Atom 0.3/1.0 (libxml2, recovery mode, no
 * network, no entity loading) and JSON Feed 1.0/1.1 (jansson) into one
 * structure. Text is kept as found: the *_html flags say whether a value is
 * markup that html_to_text() must turn into plain text (RSS description,
 * Atom type="html"/"xhtml", JSON content_html).
 */
#ifndef HARK_FEED_H
#define HARK_FEED_H

#include <stddef.h>

#include "article.h"

/*
 * harkd reads a feed this many entries at a time (feed_parse_page): the
 * parse tree, entries and documents of one page, not of the whole feed,
 * are in memory at once.
 */
#define FEED_PAGE_ENTRIES 10000

struct feed_entry {
	struct article a; /* id, title, url (link resolved), summary, body (content), published, updated, authors, lang */
	int title_html, summary_html, body_html;
};

struct feed {
	char *title, *link, *lang; /* owned; NULL when absent */
	/* owned, as written (dates not normalized); NULL when absent */
	char *id, *updated, *published;
	const char *format;        /* static: "rss0.90", "rss0.91", "rss0.92", "rss1.0", "rss2.0", "atom0.3", "atom1.0", "json1.0", "json1.1" */
	int title_html;            /* title is markup (Atom html/xhtml, escaped HTML in RSS) */
	struct feed_entry *entries;
	size_t nentries;
	int recovered;         /* the XML was ill-formed and read in recovery mode */
	char warning[160];     /* why, when recovered: the parser's first error, with its line */
	size_t cut;            /* items left out because the document ended inside them */
	long cut_line;         /* the line where the first of them starts */
	int more;              /* feed_parse_page: entries follow this page */
};

/*
 * Is this a feed? (an <rss>, <rdf:RDF> or <feed> root after the prolog, or a
 * JSON object with "version" starting https://jsonfeed.org/version/).
 */
int feed_sniff(const char *utf8, size_t len);

/*
 * Parse a feed. base_url is where the feed came from (NULL for a file): item
 * links resolve against xml:base, then the feed's link, then base_url.
 * Returns 0, or -1 with a one-line reason in err ("not a feed: root element
 * <html>", "JSON Feed: items is not an array"...). f is owned by the caller:
 * feed_free().
 */
int feed_parse(const char *utf8, size_t len, const char *base_url, struct feed *f, char *err,
               size_t errsz);
/*
 * Like feed_parse, with only the entries at positions first..first+max-1
 * in document order (max 0: all from first on); f->more says whether
 * entries follow. Every entry counts, read or not, so pages of the same
 * bytes neither overlap nor leave a gap. The feed's own fields (title,
 * link, lang) are read whatever the page. XML entries outside the page
 * are dropped while the tree is built: memory is that of the page (and of
 * the whole JSON, which jansson reads at once).
 */
int feed_parse_page(const char *utf8, size_t len, const char *base_url, size_t first, size_t max,
                    struct feed *f, char *err, size_t errsz);
void feed_free(struct feed *f);

#endif
