/*
 * doc.h: an article as the matcher sees it: clean NFC UTF-8 fields, its
 * language and its identity.
 */
#ifndef HARK_DOC_H
#define HARK_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "lang.h"
#include "query.h"

struct document {
	char *field[F_MAX]; /* owned, NUL-terminated, NFC; NULL when absent */
	size_t field_len[F_MAX];
	/* ISO 639-1, or "" when unknown; read it with doc_lang() (it may be pending) */
	char lang[8];
	char id[24];      /* "a_" + 16 hex digits of the content hash */
	char *file;       /* owned; the file it came from, or NULL */
	char *url;        /* owned; the article's address as found (links resolved), or NULL */
	char *canonical;  /* owned; url_canonical() of url, or NULL */
	char *published;  /* owned; RFC 3339 or NULL */
	uint64_t simhash; /* of the body (simhash.h); read it with doc_simhash() */
	char lang_declared[16]; /* what the article said it was in, or "" */
	unsigned char lang_by;  /* enum lang_by (lang.h): how lang was decided */
	/*
	 * Work left until someone needs its answer (DOC_LANG, DOC_SIMHASH):
	 * doc_from_article() leaves the language and the fingerprint pending,
	 * doc_lang() and doc_simhash() do them once. 0 for a document built
	 * any other way (its lang and simhash are what was set).
	 */
	unsigned char pending;
	char lang_hint[16];              /* the hint doc_lang() gives lang_decide(), or "" */
	char lang_prior[LANG_PRIOR_MAX]; /* the configured languages for doc_lang(), or "" */
	/*
	 * Owned: what the extractor found besides the fields: summary,
	 * keywords, authors, entry id, raw dates. meta.title and meta.body are
	 * always NULL (they live in field[]).
	 */
	struct article meta;
};

/*
 * Build a document from plain text bytes (RULES.md: the first non-empty line
 * is the title, the rest the body). Invalid UTF-8 becomes U+FFFD, the text is
 * put in NFC. NUL bytes are refused: returns -1 with *err a static string
 * ("not a text document"). source is the feed name or "drop". The language is
 * guessed from the script (lang.h) unless lang is given. Returns 0.
 */
int doc_from_text(struct document *doc, const char *bytes, size_t len, const char *file,
                  const char *source, const char *lang, const char **err);
void doc_free(struct document *doc);

/*
 * The id of a revision of the article at canonical (an address whose
 * article is stored, its text since changed): "a_" + 16 hex digits of the
 * address and the new content's hash (work.c's hex SHA-256 of title "\n"
 * body), so never the first one's id and the same again for the same text
 * (a crash's second pass).
 */
void doc_revision_id(const char *canonical, const char *content_hash, char id[24]);

/*
 * Build a document from what an extractor found: a's title and body become
 * the fields (cleaned, NFC), the rest moves into doc->meta (a is left
 * empty). The language: lang when given, else left for doc_lang(), which
 * runs lang_decide() with a's declared language or hint, and prior (the
 * configured languages, or NULL); the SimHash is left for doc_simhash().
 * The address: a->url, canonical form by url_canonical(); published
 * normalized by date_normalize(). The id: "a_" + 16 hex digits of a hash of
 * the canonical URL, or of title and body when there is none. Returns 0,
 * -1 with *err a static string.
 */
int doc_from_article(struct document *doc, struct article *a, const char *file, const char *source,
                     const char *lang, const char *hint, const char *prior, const char **err);

enum { DOC_LANG = 1, DOC_SIMHASH = 2 };

/*
 * The bytes of the body language identification reads: CLD2 is as accurate
 * on this much as on 4 KB (tests/bench/langsample.c measures it), at a
 * fraction of the cost.
 */
#define DOC_LANG_SAMPLE 1024

/*
 * The document's language, identified on first need (lang_identify() on the
 * title and the first DOC_LANG_SAMPLE bytes of the body) and kept. Not
 * thread-safe: one thread works on a document at a time.
 */
const char *doc_lang(struct document *doc);
/* The document's SimHash (simhash_text() of the body), computed on first need and kept. */
uint64_t doc_simhash(struct document *doc);
/* Do all pending work: before a document is stored or shown whole. */
void doc_complete(struct document *doc);

/* Set a field from clean UTF-8 it copies (cleaned again when not valid). */
int doc_set_field(struct document *doc, enum field f, const char *text, size_t len);

#endif
