/*
 * fuzz_since.c: libFuzzer harness for since.c, the since= and until= of
 * GET / and /api/v1/hits (and hark hits --since): since_parse() on the
 * bytes up to their first NUL, at a fixed now and at the epoch. An accepted
 * duration lies in [0, 1000 years] before now; an accepted time is one
 * httpd can take to milliseconds (|secs| * 1000 fits in int64_t) and lies
 * between the years 0 and 10000; since_error() names the input in one
 * string of at most 255 bytes. Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hark.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 0000-01-01 and 10000-01-01 (UTC) in Unix seconds, a day's zone either side */
#define SINCE_MIN (-62167219200LL - 86400)
#define SINCE_MAX (253402300800LL + 86400)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t nows[] = {1796000000, 0};
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		int64_t secs = INT64_MIN;

		if (since_parse(s, nows[i], &secs) == 0) {
			if (secs < SINCE_MIN || secs > SINCE_MAX)
				abort();
			/* a duration: never after now, at most 1000 years before it */
			if (secs > nows[i] && (s[0] < '0' || s[0] > '9' || strchr(s, '-') == NULL))
				abort();
		} else if (strlen(since_error(s)) > 255) {
			abort();
		}
	}
	free(s);
	return 0;
}
