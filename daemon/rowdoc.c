/* rowdoc.c: a stored article's document (rowdoc.h). */
#include "rowdoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presearch.h"

static int
rowdoc_dup(char **dst, const char *s)
{
	if (s == NULL)
		return 0;
	*dst = strdup(s);
	return *dst == NULL ? -1 : 0;
}

static int
rowdoc_field(struct document *doc, enum field f, const char *s)
{
	return s == NULL ? 0 : doc_set_field(doc, f, s, strlen(s));
}

int
rowdoc_build(struct document *doc, const struct store_article_row *r)
{
	memset(doc, 0, sizeof(*doc));
	if (rowdoc_field(doc, F_TITLE, r->title) < 0 || rowdoc_field(doc, F_BODY, r->body) < 0 ||
	    rowdoc_field(doc, F_URL, r->url) < 0 || rowdoc_field(doc, F_SOURCE, r->source) < 0 ||
	    rowdoc_dup(&doc->file, r->file) < 0 || rowdoc_dup(&doc->url, r->url) < 0 ||
	    rowdoc_dup(&doc->canonical, r->canonical) < 0 ||
	    rowdoc_dup(&doc->published, r->published) < 0)
		return -1;
	if (r->lang != NULL)
		snprintf(doc->lang, sizeof(doc->lang), "%s", r->lang);
	if (r->id != NULL)
		snprintf(doc->id, sizeof(doc->id), "%s", r->id);
	doc->simhash = r->simhash;
	return 0;
}

char *
rowdoc_keys(const struct store_article_row *r, void *arg)
{
	struct document doc;
	char *keys = NULL;

	(void)arg;
	if (rowdoc_build(&doc, r) == 0)
		keys = presearch_index_text(&doc);
	doc_free(&doc);
	return keys;
}
