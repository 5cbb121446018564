/* article.c: the fields extractors fill, before normalization. */
#include <stdlib.h>
#include <string.h>

#include "article.h"

int
article_set(char **slot, const char *s, size_t len)
{
	char *c = NULL;

	if (s != NULL) {
		if ((c = malloc(len + 1)) == NULL)
			return -1;
		memcpy(c, s, len);
		c[len] = '\0';
	}
	free(*slot);
	*slot = c;
	return 0;
}

int
article_add_author(struct article *a, const char *s, size_t len)
{
	char **v = realloc(a->authors, (a->nauthors + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	a->authors = v;
	v[a->nauthors] = NULL;
	if (article_set(&v[a->nauthors], s, len) < 0)
		return -1;
	a->nauthors++;
	return 0;
}

void
article_free(struct article *a)
{
	free(a->title);
	free(a->body);
	free(a->summary);
	free(a->url);
	free(a->published);
	free(a->updated);
	free(a->lang);
	free(a->id);
	free(a->keywords);
	for (size_t i = 0; i < a->nauthors; i++)
		free(a->authors[i]);
	free(a->authors);
	memset(a, 0, sizeof(*a));
}
