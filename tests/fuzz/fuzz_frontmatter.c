/*
 * fuzz_frontmatter.c: libFuzzer harness for frontmatter.c. The bytes are
 * sniffed and parsed as they come; sniff and parse must agree on whether a
 * block is there, the body offset must stay inside the text, an error must
 * be one terminated line, and every field found must be a string that ends
 * (AddressSanitizer sees an overrun). Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_field(const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	/* a value is trimmed and never empty */
	n = strlen(s);
	if (n == 0 || strchr(" \t\r\n", s[0]) != NULL || strchr(" \t\r\n", s[n - 1]) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article a;
	char err[128];
	size_t off = (size_t)-1;
	int sniff, r;

	memset(&a, 0, sizeof(a));
	memset(err, 'x', sizeof(err));
	sniff = frontmatter_sniff((const char *)data, size);
	r = frontmatter_parse((const char *)data, size, &a, &off, err, sizeof(err));
	if (sniff != 0 && sniff != 1)
		abort();
	if (!sniff && (r != -1 || off != (size_t)-1))
		abort(); /* no block: no body offset either */
	if (sniff && (off < 7 || off > size))
		abort(); /* "---\n---" at the least */
	if (r == -1 && (memchr(err, '\0', sizeof(err)) == NULL || strchr(err, '\n') != NULL))
		abort();
	if (r == 0) {
		fuzz_field(a.title);
		fuzz_field(a.published);
		fuzz_field(a.url);
		fuzz_field(a.lang);
		fuzz_field(a.keywords);
		fuzz_field(a.summary);
		if (a.body != NULL || a.id != NULL || a.updated != NULL || a.nauthors != 0)
			abort();
	} else if (a.title != NULL || a.published != NULL || a.keywords != NULL) {
		abort(); /* an error leaves the article as it was */
	}
	article_free(&a);
	return 0;
}
