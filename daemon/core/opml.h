/*
 * opml.h: OPML 1.0/2.0 subscription lists (libxml2: no network, no entity
 * loading, internal entities expanded against a budget) into the feeds they
 * name, and the naming of the [feed NAME] sections hark import-opml prints.
 */
#ifndef HARK_OPML_H
#define HARK_OPML_H

#include <stddef.h>

/* A file naming more feeds than this is refused. */
#define OPML_MAX_OUTLINES 100000
/* The longest category path kept, in bytes (cut on a character boundary). */
#define OPML_CATEGORY_MAX 1024
/* The longest section name opml_slug() and opml_names_add() give. */
#define OPML_NAME_MAX 40

/* An <outline> with an xmlUrl attribute. Strings are UTF-8, owned by the struct opml. */
struct opml_outline {
	char *title;    /* text, else title attribute, blanks squeezed; NULL when neither */
	char *xml_url;  /* trimmed, never NULL nor empty; not checked to be a URL */
	char *html_url; /* trimmed; NULL when absent or empty */
	char *language; /* trimmed, as found ("en-us"); NULL when absent or empty */
	char *category; /* the titles of the enclosing outlines joined by " / "; NULL at the top */
	unsigned line;  /* of the <outline> start tag (its last line when it spans several) */
};

struct opml {
	char *title;      /* <head><title>, white space made one space; NULL when absent */
	char charset[32]; /* the encoding the bytes were read in ("utf-8", "windows-1252") */
	struct opml_outline *outlines; /* in document order */
	size_t n;
};

/*
 * Parse an OPML document: bytes in any charset charset_sniff() recognizes
 * (BOM, XML declaration, UTF-8, else windows-1252). Outlines are walked at
 * any depth under <body>; those without an xmlUrl only give their title to
 * the category path of the outlines inside them. Returns 0, or -1 with a
 * one-line reason in err ("OPML line 12: Opening and ending tag mismatch...",
 * "OPML line 1: root element <rss>, not <opml>"), o left empty. o is owned
 * by the caller: opml_free().
 */
int opml_parse(const char *bytes, size_t len, struct opml *o, char *err, size_t errsz);
void opml_free(struct opml *o);

/*
 * The ISO 639-1 code of a language tag: its first subtag when that is two
 * ASCII letters ("en-US" and "EN_us" give "en"), lower-cased into out.
 * Returns 0, or -1 when tag (which may be NULL) has none ("eng", "x-klingon").
 */
int opml_lang(const char *tag, char out[3]);

/*
 * A section name from title, else from fallback (the host of the feed's
 * URL; a leading "www." is dropped), else "feed": accents and compatibility
 * forms folded to ASCII where utf8proc can (é→e, ﬁ→fi), lower-case ASCII
 * letters and digits kept, every other run made one '-', none at either
 * end, at most OPML_NAME_MAX bytes (a longer one ends with the last word
 * that fits when that word ends past the middle). Either argument may be NULL.
 */
void opml_slug(const char *title, const char *fallback, char out[OPML_NAME_MAX + 1]);

/* Names given so far, to make new ones unique. */
struct opml_names;

struct opml_names *opml_names_new(void);
void opml_names_free(struct opml_names *ns);
/*
 * Give base (a name of at most OPML_NAME_MAX bytes, as opml_slug() makes)
 * unchanged when no name given so far is equal to it, else base-2, base-3...
 * (base cut so that the whole stays within OPML_NAME_MAX, on a word end
 * past the middle when there is one), the first not
 * given yet; the result is written to out and remembered. Returns 0, -1
 * when out of memory.
 */
int opml_names_add(struct opml_names *ns, const char *base, char out[OPML_NAME_MAX + 1]);

#endif
