/*
 * extract.h: any article file into documents. Recognises the format by
 * content (then by name), finds the charset and converts to UTF-8, runs the
 * format's extractor (html.h, frontmatter.h, jsonart.h, feed.h) and builds
 * each document (doc.h: clean fields, language, canonical URL, SimHash).
 */
#ifndef HARK_EXTRACT_H
#define HARK_EXTRACT_H

#include "charset.h"
#include <stddef.h>

#include "doc.h"
#include "feed.h"

/* FMT_MARKDOWN: text read as Markdown (markdown.h), by its name or as declared */
enum extract_format { FMT_TEXT, FMT_HTML, FMT_FRONTMATTER, FMT_JSON, FMT_FEED, FMT_MARKDOWN };

/*
 * What the transport declared the bytes to be (an HTTP Content-Type:
 * mediatype.h), in place of sniffing them. EXTRACT_AS_TEXT is plain text,
 * EXTRACT_AS_MARKDOWN Markdown as a .md file is read (both with front matter
 * when the text opens with it); EXTRACT_AS_JSON
 * a JSON article, or a JSON Feed when it says it is one, and broken JSON is
 * an error, not text; EXTRACT_AS_FEED RSS, Atom, RDF or a JSON Feed.
 */
enum extract_declared {
	EXTRACT_SNIFF, /* nothing declared: by content, then by name (a dropped file) */
	EXTRACT_AS_TEXT,
	EXTRACT_AS_MARKDOWN, /* text/markdown: read as a .md file is (markdown.h) */
	EXTRACT_AS_HTML,
	EXTRACT_AS_JSON,
	EXTRACT_AS_FEED
};

struct extract_opts {
	const char *file;   /* the file name shown in hits (NULL: none); its extension is a hint */
	const char *source; /* "drop" or the feed's name */
	const char
	    *lang; /* the language, decided by the user (hark match --lang); NULL: identify */
	const char
	    *lang_hint; /* a declared language from outside (a feed's configured lang), or NULL */
	/*
	 * A language its producer declared for the file outside its bytes
	 * (hark ingest --lang): every document's declared language, over the
	 * document's own declaration, as a last "lang:" key would be. NULL: none.
	 */
	const char *lang_declared;
	const char *lang_prior; /* the configured languages ([hark] languages), or NULL */
	const char *charset;    /* the transport's charset (HTTP Content-Type), or NULL */
	/*
	 * The user's --charset, a WHATWG label (charset_lookup()): it overrides
	 * a byte order mark, every declaration and detection. NULL: none.
	 */
	const char *charset_force;
	/*
	 * The caller's option for a charset ("--charset" of the command-line
	 * tool), named in the hint of a refusal it would mend; NULL: none
	 * (harkd's drop directory and API).
	 */
	const char *charset_option;
	const char *base_url; /* where the bytes came from, for relative links, or NULL */
	size_t max_size;      /* larger documents are refused before parsing; 0: no limit */
	enum extract_declared declared; /* the format the transport said (0: sniff it) */
	/*
	 * What a feed entry said of the page being read (fetch_article): its
	 * url, title, published and id stand in for those the page lacks.
	 * NULL: none.
	 */
	const struct article *defaults;
	/*
	 * When set, *own_bytes is the input (bytes), the caller's malloc'd
	 * buffer: extract_bytes() frees it and sets it to NULL once the text
	 * is converted, so that a large file is not held twice.
	 */
	char **own_bytes;
	/*
	 * A feed's page (feed_parse_page): its entries from position
	 * feed_first, at most feed_page of them (0: all).
	 */
	size_t feed_first, feed_page;
};

struct extraction {
	enum extract_format format;
	const char *feed_format;    /* feeds: "rss2.0", "atom1.0"... (static) */
	char charset[32];           /* the charset the bytes were read in */
	enum charset_by charset_by; /* and why ("charset_by" in hark extract --json) */
	/*
	 * CHARSET_BY_MIXED: the single-byte charset of the runs of invalid
	 * UTF-8, and how many bytes were read in it (else "" and 0).
	 */
	char charset_mixed[32];
	size_t charset_mixed_bytes;
	struct document *docs; /* owned: ndocs documents (a feed gives one per entry) */
	size_t ndocs;
	char warning[320]; /* non-empty when the input was damaged and read anyway */
	int feed_more;     /* a feed's entries follow the page read (extract_opts.feed_page) */
	size_t feed_cut;   /* a feed's items left out: the document ended inside them */
	/*
	 * Why extract_bytes() failed, for a caller that treats these apart
	 * (hark match, as grep: an empty file has no match, a binary file met
	 * in a directory is skipped). not_text: the bytes, read in the charset
	 * found (a byte order mark, a declaration, detection, --charset), hold
	 * NUL bytes or binary data; UTF-16 with its mark is text. empty: 0
	 * bytes, or no text in them.
	 */
	int not_text;
	int empty;
};

/*
 * Extract bytes into x (owned by the caller: extraction_free()). Returns 0,
 * or -1 with a one-line reason in err ("not a text document (it holds NUL
 * bytes)", "JSON line 3 column 2: ...", "larger than max_document_size").
 */
int extract_bytes(const char *bytes, size_t len, const struct extract_opts *o, struct extraction *x,
                  char *err, size_t errsz);
void extraction_free(struct extraction *x);
/*
 * Give back the room the documents were built in (their array, their
 * fields' slack): for an extraction kept a while (hark match, while the
 * rules compile). Nothing else changes.
 */
void extraction_trim(struct extraction *x);
const char *extract_format_name(enum extract_format f);
/* The format extract_bytes() would read UTF-8 text in (by content, then by file's name). */
enum extract_format extract_format_of(const char *utf8, size_t len, const char *file);

/*
 * A feed as a reader sees it: charset found and converted, then feed_parse(),
 * then every text value made plain (markup removed, entities decoded) and
 * dates made RFC 3339. f is owned by the caller: feed_free(). The charset
 * read with goes into cs, and why into *by. Returns 0, or -1 with a one-line
 * reason in err.
 */
int extract_feed(const char *bytes, size_t len, const char *charset, const char *base_url,
                 struct feed *f, char cs[32], enum charset_by *by, char *err, size_t errsz);

#endif
