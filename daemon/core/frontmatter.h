/*
 * frontmatter.h: Markdown or HTML with a YAML front matter block, read with
 * libyaml.
 */
#ifndef HARK_FRONTMATTER_H
#define HARK_FRONTMATTER_H

#include <stddef.h>

#include "article.h"

/*
 * Does text open with a front matter block: a "---" line (trailing blanks
 * allowed) followed by YAML and a closing "---" or "..." line?
 */
int frontmatter_sniff(const char *utf8, size_t len);

/*
 * Parse the block: title, date (published), url or link, lang, keywords
 * (a string, or a sequence joined with ", "), description (summary). Folded
 * (>) and literal (|) scalars included; other keys are ignored. *body_off is
 * where the text after the block starts. Returns 0, or -1 with a one-line
 * reason naming the line in err ("front matter line 4: mapping values are
 * not allowed here").
 */
int frontmatter_parse(const char *utf8, size_t len, struct article *a, size_t *body_off,
                      char *err, size_t errsz);

#endif
