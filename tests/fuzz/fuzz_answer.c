/*
 * fuzz_answer.c: libFuzzer harness for answer.c. The bytes are a
 * receiver's answer body; its first line, kept in rooms of several sizes,
 * must be valid UTF-8 that fits, without a control character, CR, LF, a
 * bidi control or a blank at either end. The first byte also picks a
 * status for answer_permanent(), which must hold only for the six
 * permanent ones. Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t len = strlen(out), i = 0;

	if (len >= outsz || !utf8_valid(out, len))
		abort();
	if (len > 0 && (out[0] == ' ' || out[len - 1] == ' '))
		abort();
	while (i < len) {
		uint32_t cp;

		i += utf8_decode(s + i, len - i, &cp);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t rooms[] = {8, 9, 10, 64, 300};
	char *body = malloc(size ? size : 1);
	long status;

	if (body == NULL)
		return 0;
	memcpy(body, data, size);
	for (size_t r = 0; r < sizeof(rooms) / sizeof(rooms[0]); r++) {
		char out[300];

		answer_line(body, size, out, rooms[r]);
		fuzz_check(out, rooms[r]);
	}
	status = size > 0 ? 300 + data[0] : 0;
	if (answer_permanent(status) != (status == 400 || status == 401 || status == 403 ||
	                                 status == 404 || status == 413 || status == 422))
		abort();
	free(body);
	return 0;
}
