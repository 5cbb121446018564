/*
 * fuzz_markdown.c: libFuzzer harness for markdown.c. The bytes are read as
 * Markdown; the text must be a NUL-terminated string of the length said,
 * no longer than the input and a line end a line, the title a trimmed,
 * non-empty string without a line end (in text without a NUL), its end
 * inside the text, and a second pass over the text must end too
 * (AddressSanitizer sees an overrun, libFuzzer a pass that does not end in
 * time). Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = (size_t)-1, te = (size_t)-1, n2, lines = 1;
	char *title = NULL, *t, *t2;

	t = markdown_to_text((const char *)data, size, &n, &title, &te);
	if (t == NULL)
		return 0; /* out of memory */
	if (strlen(t) > n || t[n] != '\0')
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* markup goes, text stays: a line of output at most for each line of input */
	if (n > size + lines)
		abort();
	/* a NUL ends the strings early (extract.c refuses such text before) */
	if (title != NULL && memchr(data, '\0', size) == NULL) {
		size_t k = strlen(title);

		if (k == 0 || strchr(" \t\r\n", title[0]) != NULL ||
		    strchr(" \t\r\n", title[k - 1]) != NULL || strchr(title, '\n') != NULL)
			abort();
	} else if (title == NULL && te != 0) {
		abort();
	}
	if (te > n)
		abort();
	t2 = markdown_to_text(t, n, &n2, NULL, NULL);
	free(t2);
	free(t);
	free(title);
	return 0;
}
