/*
 * markdown.h: the text of a Markdown document, for matching: its markup is
 * not the article's words. Not a renderer: a small pass that follows
 * CommonMark where it decides what is text.
 *
 * Blocks, line by line: an ATX heading ("## Title ##") keeps its text, its
 * marks go; a setext heading's underline ("===", "---") goes, as does a
 * thematic break; block quote marks ("> ") and list markers ("- ", "* ",
 * "+ ", "1. ", "2) ") go; a fenced code block keeps its lines verbatim and
 * loses its fences; a link reference definition ("[id]: URL "title"") goes
 * whole.
 *
 * Inlines, a paragraph at a time (a construct may span its lines): a code
 * span keeps its text, its backticks go; a backslash escape keeps the
 * character; an inline link or image "[text](dest "title")" and
 * "![alt](src)", a full, collapsed or shortcut reference to a definition
 * of the document ("[text][id]", "[text][]", "[id]") keep their text (the
 * alt of an image) and lose destination and title; an autolink "<URL>"
 * keeps the URL; emphasis delimiters ("*", "_", "**", "__") that pair as
 * CommonMark's flanking rules allow go, so that "**Hélène** Moreau" reads
 * "Hélène Moreau", while a "*" or "_" that opens or closes nothing (2 * 3,
 * snake_case) stays.
 *
 * Line ends are kept (a heading, a paragraph line stays a line); a match
 * in the text and a snippet around it are in this text, as stored.
 */
#ifndef HARK_MARKDOWN_H
#define HARK_MARKDOWN_H

#include <stddef.h>

/*
 * The text of utf8[0..len) (NUL-terminated, *out_len bytes, malloc'd:
 * the caller frees it), or NULL when out of memory. When title is not
 * NULL, *title is the text of the first heading (ATX or setext), malloc'd,
 * or NULL when there is none; *title_end (when not NULL) is where the text
 * after that heading starts in the output when the heading is the first
 * thing in it, else 0.
 */
char *markdown_to_text(const char *utf8, size_t len, size_t *out_len, char **title,
                       size_t *title_end);

/* Whether a file name is a Markdown file's (.md .markdown .mdown .mkd, any case). */
int markdown_name(const char *file);

#endif
