/*
 * frontmatter.h: Markdown or HTML with a YAML front matter block, read with
 * libyaml.
 */
#ifndef HARK_FRONTMATTER_H
#define HARK_FRONTMATTER_H

#include <stddef.h>

#include "article.h"

/*
 * Does text open with a front matter block: a "---" line at its very start
 * (a BOM is the caller's to strip; more dashes, trailing blanks and CR
 * allowed), then YAML and a closing "---" or "..." line (at column 0, more
 * dashes and trailing blanks allowed)?
 */
int frontmatter_sniff(const char *utf8, size_t len);

/*
 * Parse the block: title, date (alias published), url (alias link), lang
 * (alias language), keywords (alias tags; a string, or a sequence of
 * scalars joined with ", "), description (alias summary). A key outranks
 * its alias whatever their order; among equal keys the last wins. Keys are
 * case-sensitive and read only in the top-level mapping; other keys and
 * whatever is nested under them are ignored. Folded (>) and literal (|)
 * scalars included; values are trimmed of blanks and newlines; a null or
 * empty value, a collection where a string is wanted, and an alias (never
 * expanded) count as absent. A date is kept as written (date_normalize()).
 * Fields found replace those a holds; on error a is left as it was.
 * *body_off is where the text after the block starts (just past the
 * closing line), set whenever the block was found, even when its YAML is
 * wrong. Returns 0, or -1 with a one-line reason naming the line of the
 * whole text in err ("front matter line 4 column 3: mapping values are not
 * allowed in this context", "front matter is not a mapping", "front matter
 * line 2 column 67: nested deeper than 64 levels").
 */
int frontmatter_parse(const char *utf8, size_t len, struct article *a, size_t *body_off, char *err,
                      size_t errsz);

#endif
