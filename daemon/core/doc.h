/*
 * doc.h: an article as the matcher sees it: clean NFC UTF-8 fields, its
 * language and its identity.
 */
#ifndef HARK_DOC_H
#define HARK_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "query.h"

struct document {
	char *field[F_MAX]; /* owned, NUL-terminated, NFC; NULL when absent */
	size_t field_len[F_MAX];
	char lang[8];    /* ISO 639-1, or "" when unknown */
	char id[24];     /* "a_" + 16 hex digits of the content hash */
	char *file;      /* owned; the file it came from, or NULL */
	char *url;       /* owned; canonical URL or NULL (same text as field[F_URL]) */
	char *published; /* owned; RFC 3339 or NULL */
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

/* Set a field from clean UTF-8 it copies (cleaned again when not valid). */
int doc_set_field(struct document *doc, enum field f, const char *text, size_t len);

#endif
