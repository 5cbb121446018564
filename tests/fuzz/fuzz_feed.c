/*
 * fuzz_feed.c: libFuzzer harness for feed parsing. Every input is sniffed,
 * parsed (with a base URL, so that links resolve) and freed. A parse that
 * succeeds is checked: a format, every entry read (f->more 0), no empty
 * author, *_html flags that are 0 or 1 and 0 when their field is absent,
 * and, when the input is valid UTF-8, valid UTF-8 in every string and the
 * warning (invalid input may come through: article.h lets doc_from_article()
 * clean it). A failure leaves an empty feed and a reason.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct feed f;
	char err[96];

	input_valid = utf8_valid(s, size);
	(void)feed_sniff(s, size);
	if (feed_parse(s, size, "https://fuzz.example/dir/feed.xml", &f, err, sizeof(err)) == 0) {
		fuzz_check(&f);
	} else {
		if (err[0] == '\0' || f.entries != NULL || f.nentries != 0 || f.title != NULL)
			abort();
	}
	feed_free(&f);
	return 0;
}
