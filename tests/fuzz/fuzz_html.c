/*
 * fuzz_html.c: libFuzzer harness for html.c. Every input goes through
 * html_extract(), html_to_text(), html_sniff() and html_sniff_document();
 * when the input is valid UTF-8, every string that comes out must be too,
 * and NUL-terminated at the length given. Invariants are checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "html.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const char *s, int valid)
{
	if (s != NULL && valid && !utf8_valid(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct article a;
	char err[160], warn[200], *t;
	size_t n = 0;
	int valid = utf8_valid(in, size);

	memset(&a, 0, sizeof(a));
	err[0] = '\0';
	if (html_extract(in, size, &a, warn, sizeof(warn), err, sizeof(err)) == 0) {
		if (memchr(warn, '\0', sizeof(warn)) == NULL)
			abort();
		if (a.body == NULL)
			abort();
		fuzz_check(a.body, valid);
		fuzz_check(a.title, valid);
		fuzz_check(a.summary, valid);
		fuzz_check(a.url, valid);
		fuzz_check(a.published, valid);
		fuzz_check(a.lang, valid);
	} else if (err[0] == '\0') {
		abort();
	}
	article_free(&a);
	t = html_to_text(in, size, &n);
	if (t != NULL) {
		if (strlen(t) != n)
			abort();
		fuzz_check(t, valid);
		free(t);
	}
	(void)html_sniff(in, size);
	(void)html_sniff_document(in, size);
	return 0;
}
