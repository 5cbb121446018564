/*
 * fuzz_jsonart.c: libFuzzer harness for jsonart.c. The bytes are sniffed
 * and parsed; a parse that succeeds must have had an object to sniff (or
 * a JSON Feed), *body_html must be 0 or 1 and say 1 only with a body, an
 * error must be one terminated line, and every string found must end
 * (AddressSanitizer sees an overrun). Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_field(const char *s)
{
	if (s != NULL && strlen(s) == 0)
		abort(); /* "" is absent */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article a;
	char err[128];
	int html = -1, r;
	size_t i;

	memset(&a, 0, sizeof(a));
	memset(err, 'x', sizeof(err));
	(void)jsonart_sniff((const char *)data, size);
	r = jsonart_parse((const char *)data, size, &a, &html, err, sizeof(err));
	if (r == 0) {
		if (html != 0 && html != 1)
			abort();
		if (html == 1 && a.body == NULL)
			abort();
		fuzz_field(a.title);
		fuzz_field(a.body);
		fuzz_field(a.summary);
		fuzz_field(a.url);
		fuzz_field(a.published);
		fuzz_field(a.updated);
		fuzz_field(a.lang);
		fuzz_field(a.id);
		fuzz_field(a.keywords);
		for (i = 0; i < a.nauthors; i++)
			fuzz_field(a.authors[i]);
	} else {
		if (r != -1 || html != -1 || a.title != NULL || a.body != NULL)
			abort();
		if (memchr(err, '\0', sizeof(err)) == NULL || strchr(err, '\n') != NULL)
			abort();
	}
	article_free(&a);
	return 0;
}
