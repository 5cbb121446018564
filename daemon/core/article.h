/*
 * article.h: what an extractor finds in one article, before normalization.
 * Every string is owned by the article (malloc'd, NUL-terminated UTF-8 that
 * may still be unclean: doc_from_article() cleans and NFCs it), or NULL when
 * absent. Dates are as found in the source; date_normalize() makes them
 * RFC 3339.
 */
#ifndef HARK_ARTICLE_H
#define HARK_ARTICLE_H

#include <stddef.h>

struct article {
	char *title;
	char *body;      /* the text a reader sees: blocks end in "\n", paragraphs in "\n\n" */
	char *summary;   /* og:description, meta description, front matter description */
	char *url;       /* <link rel=canonical>, og:url, front matter url/link, item link */
	char *published; /* article:published_time, front matter date, pubDate... */
	char *updated;   /* feed entries: updated / dc:modified */
	char *lang;      /* the declared language (a hint): <html lang>, front matter lang */
	char *id;        /* feed entry id or guid */
	char *keywords;  /* comma-separated */
	char **authors;  /* nauthors names */
	size_t nauthors;
};

void article_free(struct article *a);
/* Replace *slot with a copy of s[0..len) (NULL s clears it). Returns -1 when out of memory. */
int article_set(char **slot, const char *s, size_t len);
int article_add_author(struct article *a, const char *s, size_t len);

#endif
