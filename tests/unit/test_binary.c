/*
 * Unit tests for extract.c's test of binary data read as text (a PDF or an
 * image without NUL bytes): its eight-bytes-at-a-time scan gives the same
 * answer, and the same count in the error, as the byte-at-a-time rule on
 * texts with control characters, DEL and U+FFFD at every offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract.h"

/* The rule, a byte at a time: controls (but \t \n \r \f \v), DEL, U+FFFD over 1% and 8 at least. */
static size_t
binary_ref(const char *t, size_t len)
{
	size_t n = len < (64u << 10) ? len : (64u << 10), bad = 0, chars = 0;
	const unsigned char *p = (const unsigned char *)t;

	for (size_t i = 0; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			chars++;
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' &&
		     p[i] != '\v') ||
		    p[i] == 0x7f)
			bad++;
		else if (p[i] == 0xef && i + 2 < n && p[i + 1] == 0xbf && p[i + 2] == 0xbd)
			bad++;
	}
	return bad >= 8 && bad * 100 > chars ? bad : 0;
}

/* What extract_bytes() says: 0 when it reads the text, else the count in its error. */
static size_t
binary_got(const char *t, size_t len)
{
	struct extract_opts o = {.file = "a.txt", .source = "drop"};
	struct extraction x;
	char err[256];
	const char *p;

	if (extract_bytes(t, len, &o, &x, err, sizeof(err)) == 0) {
		extraction_free(&x);
		return 0;
	}
	p = strstr(err, "binary data: ");
	assert_non_null(p);
	return (size_t)strtoul(p + 13, NULL, 10);
}

static void
test_random_texts(void **state)
{
	/* NFC pieces that survive cleaning as they are */
	static const char *const pieces[] = {
	    "a",  "Z",    " ",    "\n",           "\t",           "\r", "\f",
	    "\v", "\x01", "\x1f", "\x7f",         "\xef\xbf\xbd", "é",  "ب",
	    "ж",  "中",   "€",    "\xef\xbc\xa1", "word ",        "0",  "~",
	};
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	char buf[4096];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len = 0, want, target;
		/* mostly plain text, with specials more or less often */
		unsigned density = 1 + (unsigned)(round % 7) * 6;

		seed = seed * 1103515245u + 12345u;
		target = 1 + (seed >> 8) % 600;
		buf[len++] = 'T'; /* a first line that is text */
		while (len < target) {
			const char *pc;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 100 < density)
				pc = pieces[8 + (seed >> 4) % 4]; /* \x01 \x1f \x7f U+FFFD */
			else
				pc = pieces[(seed >> 4) % np];
			if (len + strlen(pc) >= sizeof(buf))
				break;
			memcpy(buf + len, pc, strlen(pc));
			len += strlen(pc);
		}
		want = binary_ref(buf, len);
		assert_int_equal(binary_got(buf, len), want);
	}
}

static void
test_every_offset(void **state)
{
	char buf[64];

	(void)state;
	/* ten DELs or ten U+FFFD, starting at each offset of a short text */
	for (size_t at = 0; at < 20; at++) {
		for (int kind = 0; kind < 2; kind++) {
			size_t len = 0;

			memset(buf, 'x', at);
			len = at;
			for (int k = 0; k < 10; k++) {
				if (kind == 0) {
					buf[len++] = 0x7f;
				} else {
					memcpy(buf + len, "\xef\xbf\xbd", 3);
					len += 3;
				}
			}
			memcpy(buf + len, "yyyyyyy", 7);
			len += 7;
			assert_int_equal(binary_got(buf, len), binary_ref(buf, len));
			assert_int_equal(binary_ref(buf, len), 10);
		}
	}
}

/* The 1 % is of characters, not bytes: Arabic letters take two bytes each. */
static void
test_threshold_in_characters(void **state)
{
	static char buf[8192];

	(void)state;
	for (size_t bad = 8; bad <= 25; bad++) {
		size_t len = 0, placed = 0;

		buf[len++] = 'T';
		buf[len++] = '\n';
		for (int k = 0; k < 1000; k++) {
			memcpy(buf + len, "ب", 2);
			len += 2;
			if (k % 40 == 39 && placed < bad) {
				buf[len++] = 0x7f;
				placed++;
			}
		}
		while (placed++ < bad)
			buf[len++] = 0x7f;
		/* about 1,000 characters: 11 and more is over 1 %; 2,000 bytes would need 21 */
		assert_int_equal(binary_ref(buf, len), bad >= 11 ? bad : 0);
		assert_int_equal(binary_got(buf, len), binary_ref(buf, len));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_texts),
	    cmocka_unit_test(test_every_offset),
	    cmocka_unit_test(test_threshold_in_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
