/*
 * langdecl.h: where a file declares its language, and how to declare one
 * there (hark ingest --lang): the YAML front matter of text and Markdown,
 * the "lang" member of a JSON article.
 */
#ifndef HARK_LANGDECL_H
#define HARK_LANGDECL_H

#include <stddef.h>

/* Put text in place of the skip bytes at offset at of the file. */
struct langdecl {
	size_t at, skip;
	char *text; /* owned: free() */
	size_t len;
};

/*
 * The edit that makes bytes (a whole file, as hark reads it; file is its
 * name, whose extension hints at its format) declare the language lang, a
 * lower-case ISO 639-1 code: plain text becomes a front matter holding its
 * first non-blank line as title and lang, then the rest (the title and body
 * hark reads stay the same); a front matter gets "lang: LL" as its last line
 * (the last key wins); a JSON article gets "lang" as its last member
 * (likewise). HTML, feeds and text in UTF-16 or with NUL bytes are refused.
 * Returns 0 with *d, -1 with a static one-line reason in *why.
 */
int langdecl_find(const char *bytes, size_t len, const char *file, const char *lang,
                  struct langdecl *d, const char **why);

#endif
