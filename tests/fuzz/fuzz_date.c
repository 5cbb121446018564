/*
 * fuzz_date.c: libFuzzer harness for date.c. The bytes, NUL-terminated,
 * are normalized; a date accepted must read "YYYY-MM-DDTHH:MM:SSZ" with a
 * real month, day, hour, minute and second, and must normalize to itself.
 * Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			abort();
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void
fuzz_check(const char out[21])
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (out[4] != '-' || out[7] != '-' || out[10] != 'T' || out[13] != ':' || out[16] != ':' ||
	    out[19] != 'Z' || out[20] != '\0')
		abort();
	y = fuzz_num(out, 4);
	m = fuzz_num(out + 5, 2);
	d = fuzz_num(out + 8, 2);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		abort();
	if (fuzz_num(out + 11, 2) > 23 || fuzz_num(out + 14, 2) > 59 || fuzz_num(out + 17, 2) > 59)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[21], again[21];
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (date_normalize(s, out) == 0) {
		fuzz_check(out);
		if (date_normalize(out, again) != 0 || memcmp(out, again, 21) != 0)
			abort();
	}
	free(s);
	return 0;
}
