/*
 * fuzz_langdecl.c: libFuzzer harness for langdecl_find() (hark ingest
 * --lang). The first byte picks the file's name (its extension hints at the
 * format), the rest is the file. An accepted edit must stay inside the file
 * and hold the code; the edited file is then extracted as harkd would, and
 * when that succeeds on text, every article must declare the language.
 * Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "langdecl.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"a.txt", "a.md", "a.json", "a", "a.html", "a.rss"};
	const char *file, *why, *in;
	struct langdecl d;
	struct extraction x;
	struct extract_opts o = {.source = "drop", .max_size = 1 << 20};
	char *out, err[256];
	size_t len, olen;

	if (size < 1)
		return 0;
	file = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	in = (const char *)data + 1;
	len = size - 1;
	if (langdecl_find(in, len, file, "fr", &d, &why) < 0) {
		if (d.text != NULL || why == NULL || strchr(why, '\n') != NULL)
			abort();
		return 0;
	}
	if (d.text == NULL || d.at + d.skip > len || d.len != strlen(d.text) ||
	    strstr(d.text, "fr") == NULL)
		abort();
	olen = len - d.skip + d.len;
	out = malloc(olen + 1);
	if (out == NULL)
		abort();
	memcpy(out, in, d.at);
	memcpy(out + d.at, d.text, d.len);
	memcpy(out + d.at + d.len, in + d.at + d.skip, len - d.at - d.skip);
	out[olen] = '\0';
	free(d.text);
	o.file = file;
	if (utf8_valid(in, len) && extract_bytes(out, olen, &o, &x, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < x.ndocs; i++)
			if (strcmp(x.docs[i].lang_declared, "fr") != 0)
				abort();
		extraction_free(&x);
	}
	free(out);
	return 0;
}
