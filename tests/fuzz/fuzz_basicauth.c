/*
 * fuzz_basicauth.c: libFuzzer harness for basicauth.c. The input is an
 * Authorization header's value for basicauth_password(), once with a
 * buffer that fits any of its credentials and once with one of 8 bytes.
 * An accepted password must lie inside the buffer, be NUL-terminated at
 * the length returned and follow the first ':' of the decoded bytes.
 * Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basicauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_one(const char *value, size_t bufsz)
{
	char *buf = malloc(bufsz + 1);
	const char *pass = NULL;
	long n;

	if (buf == NULL)
		abort();
	n = basicauth_password(value, buf, bufsz, &pass);
	if (n >= 0) {
		if (pass == NULL || pass <= buf || pass + n >= buf + bufsz || pass[n] != '\0' ||
		    pass[-1] != ':' || memchr(buf, ':', (size_t)(pass - 1 - buf)) != NULL)
			abort();
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	/* the NUL a header cannot hold ends the value, as in evhttp */
	fuzz_one(s, size + 1);
	fuzz_one(s, 8);
	free(s);
	return 0;
}
