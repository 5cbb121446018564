/*
 * fuzz_feed.c: libFuzzer harness for feed parsing. Every input is sniffed,
 * parsed (with a base URL, so that links resolve) and freed. A parse that
 * succeeds is checked: a format, every entry read (f->more 0), no empty
 * author, *_html flags that are 0 or 1 and 0 when their field is absent,
 * and, when the input is valid UTF-8, valid UTF-8 in every string and the
 * warning (invalid input may come through: article.h lets doc_from_article()
 * clean it). A failure leaves an empty feed and a reason. Read again in two
 * pages (feed_parse_page: the first 1 to 3 entries, then the rest), it has
 * the same entries (by id; their order may differ in a recovered feed), each
 * in one page.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int input_valid; /* is the current input valid UTF-8? */

static void
fuzz_str(const char *s)
{
	if (s != NULL && input_valid && !utf8_valid(s, strlen(s)))
		abort();
}

static void
fuzz_flag(int flag, const char *field)
{
	if (flag != 0 && (flag != 1 || field == NULL))
		abort();
}

static void
fuzz_check(const struct feed *f)
{
	const struct article *a;

	if (f->format == NULL || f->more != 0)
		abort();
	if (memchr(f->warning, '\0', sizeof(f->warning)) == NULL)
		abort();
	fuzz_str(f->warning);
	fuzz_str(f->title);
	fuzz_str(f->link);
	fuzz_str(f->lang);
	for (size_t i = 0; i < f->nentries; i++) {
		a = &f->entries[i].a;
		fuzz_str(a->title);
		fuzz_str(a->body);
		fuzz_str(a->summary);
		fuzz_str(a->url);
		fuzz_str(a->published);
		fuzz_str(a->updated);
		fuzz_str(a->lang);
		fuzz_str(a->id);
		for (size_t k = 0; k < a->nauthors; k++)
			if (a->authors[k] == NULL || a->authors[k][0] == '\0')
				abort();
			else
				fuzz_str(a->authors[k]);
		fuzz_flag(f->entries[i].title_html, a->title);
		fuzz_flag(f->entries[i].summary_html, a->summary);
		fuzz_flag(f->entries[i].body_html, a->body);
	}
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries' ids of whole, and of the pages p0 and p1, sorted: the same? */
static void
fuzz_pages(const struct feed *whole, const struct feed *p0, const struct feed *p1)
{
	size_t n = whole->nentries, m = 0;
	const char **a, **b;

	if (p0->nentries + p1->nentries != n || p1->more)
		abort();
	a = calloc(n + 1, sizeof(*a));
	b = calloc(n + 1, sizeof(*b));
	if (a == NULL || b == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		a[i] = whole->entries[i].a.id ? whole->entries[i].a.id : "";
	for (size_t i = 0; i < p0->nentries; i++)
		b[m++] = p0->entries[i].a.id ? p0->entries[i].a.id : "";
	for (size_t i = 0; i < p1->nentries; i++)
		b[m++] = p1->entries[i].a.id ? p1->entries[i].a.id : "";
	qsort(a, n, sizeof(*a), id_cmp);
	qsort(b, n, sizeof(*b), id_cmp);
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			abort();
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct feed f;
	char err[96];

	input_valid = utf8_valid(s, size);
	(void)feed_sniff(s, size);
	if (feed_parse(s, size, "https://fuzz.example/dir/feed.xml", &f, err, sizeof(err)) == 0) {
		struct feed p0, p1;
		size_t k = 1 + size % 3;

		fuzz_check(&f);
		if (feed_parse_page(s, size, "https://fuzz.example/dir/feed.xml", 0, k, &p0, err,
		                    sizeof(err)) != 0 ||
		    feed_parse_page(s, size, "https://fuzz.example/dir/feed.xml", k, 0, &p1, err,
		                    sizeof(err)) != 0)
			abort();
		fuzz_pages(&f, &p0, &p1);
		feed_free(&p0);
		feed_free(&p1);
	} else {
		if (err[0] == '\0' || f.entries != NULL || f.nentries != 0 || f.title != NULL)
			abort();
	}
	feed_free(&f);
	return 0;
}
