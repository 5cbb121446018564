/*
 * fuzz_url.c: libFuzzer harness for url.c. The input is split at its first
 * newline into a base and a reference: url_canonical() runs on both and on
 * the whole input, url_resolve() on the pair and on the reference alone.
 * Every canonical URL must be a fixed point (canonicalizing it again gives
 * it back) and start with http:// or https://; a resolved URL must
 * canonicalize without crashing. Violations abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_canonical(const char *s)
{
	char *c = url_canonical(s), *again;

	if (c == NULL)
		return;
	if (strncmp(c, "http://", 7) != 0 && strncmp(c, "https://", 8) != 0)
		abort();
	if (strchr(c, '#') != NULL || strchr(c, ' ') != NULL)
		abort();
	again = url_canonical(c);
	if (again == NULL || strcmp(again, c) != 0)
		abort();
	free(again);
	free(c);
}

static void
check_resolve(const char *base, const char *ref)
{
	char *r = url_resolve(base, ref);

	if (r == NULL)
		return;
	check_canonical(r);
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *nl;

	/* the API takes C strings: a NUL byte ends the input */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_canonical(s);
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		check_canonical(s);
		check_canonical(nl + 1);
		check_resolve(s, nl + 1);
		check_resolve(NULL, nl + 1);
	}
	free(s);
	return 0;
}
