/*
 * fuzz_extract.c: libFuzzer harness for the whole extraction path: format
 * recognition, charset, each format's extractor and the documents built
 * from them. The first byte picks the file name (its extension is a hint)
 * and a transport charset; every document's fields must be valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "token.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"a.txt", "a.html", "a.json", "a.rss", "a.md", NULL};
	static const char *const charsets[] = {NULL, "windows-1256", "shift_jis", "utf-16le"};
	static int ready;
	struct extract_opts o = {.source = "drop", .max_size = 1 << 20};
	struct extraction x;
	char err[256];

	if (!ready) {
		norm_init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	o.file = names[data[0] % 6];
	o.charset = charsets[(data[0] >> 3) % 4];
	o.base_url = (data[0] & 0x80) ? "https://example.org/feeds/a.xml" : NULL;
	if (extract_bytes((const char *)data + 1, size - 1, &o, &x, err, sizeof(err)) < 0) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort(); /* errors are one line that says something */
		return 0;
	}
	for (size_t i = 0; i < x.ndocs; i++) {
		const struct document *d = &x.docs[i];

		for (int f = 0; f < F_MAX; f++)
			if (d->field[f] != NULL && (!utf8_valid(d->field[f], d->field_len[f]) ||
			                            strlen(d->field[f]) != d->field_len[f]))
				abort();
		if (strlen(d->lang) > 3 || strncmp(d->id, "a_", 2) != 0)
			abort();
	}
	extraction_free(&x);
	return 0;
}
