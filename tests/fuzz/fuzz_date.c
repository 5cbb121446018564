/*
 * fuzz_date.c: libFuzzer harness for date.c. The bytes, NUL-terminated,
 * are normalized; a date accepted must read "YYYY-MM-DDTHH:MM:SSZ" with a
 * real month, day, hour, minute and second, and must normalize to itself;
 * its date_seconds() shown by date_show() at offset 0 must be the same
 * minute ("YYYY-MM-DD HH:MM +00:00") and its day the same day. Checked
 * with abort().
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
	char out[21], again[21], shown[DATE_SHOW_MAX];
	char *s = malloc(size + 1);
	int64_t t;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (date_normalize(s, out) == 0) {
		fuzz_check(out);
		if (date_normalize(out, again) != 0 || memcmp(out, again, 21) != 0)
			abort();
		if (date_seconds(s, &t) != 0 || date_show(t, 0, 0, shown) != 0 ||
		    memcmp(shown, out, 10) != 0 || shown[10] != ' ' ||
		    memcmp(shown + 11, out + 11, 5) != 0 || strcmp(shown + 16, " +00:00") != 0)
			abort();
		if (date_show(t, 0, 1, shown) != 0 || memcmp(shown, out, 10) != 0 || shown[10] != '\0')
			abort();
	}
	free(s);
	return 0;
}
