/* Unit tests for utf8.c: decoding, encoding, counting, validity, cleaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "utf8.h"

struct dec_case {
	const char *bytes;
	size_t len;
	uint32_t cp;
	size_t used;
};

static void
test_decode(void **state)
{
	static const struct dec_case c[] = {
	    {"A", 1, 'A', 1},
	    {"\x7F", 1, 0x7F, 1},
	    {"\0", 1, 0, 1},
	    {"\xC3\xA9", 2, 0xE9, 2},
	    {"\xD8\xA8", 2, 0x0628, 2},
	    {"\xE2\x82\xAC", 3, 0x20AC, 3},
	    {"\xEF\xBF\xBD", 3, 0xFFFD, 3},
	    {"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
	    {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},
	    /* errors consume one byte and yield U+FFFD */
	    {"\x80", 1, 0xFFFD, 1},
	    {"\xBF\x80", 2, 0xFFFD, 1},
	    {"\xC0\x80", 2, 0xFFFD, 1},         /* overlong NUL */
	    {"\xC1\xBF", 2, 0xFFFD, 1},         /* overlong */
	    {"\xE0\x80\xAF", 3, 0xFFFD, 1},     /* overlong */
	    {"\xF0\x80\x80\xAF", 4, 0xFFFD, 1}, /* overlong */
	    {"\xED\xA0\x80", 3, 0xFFFD, 1},     /* surrogate */
	    {"\xED\xBF\xBF", 3, 0xFFFD, 1},     /* surrogate */
	    {"\xF4\x90\x80\x80", 4, 0xFFFD, 1}, /* past U+10FFFF */
	    {"\xF5\x80\x80\x80", 4, 0xFFFD, 1},
	    {"\xFF", 1, 0xFFFD, 1},
	    {"\xC3", 1, 0xFFFD, 1},         /* truncated */
	    {"\xE2\x82", 2, 0xFFFD, 1},     /* truncated */
	    {"\xC3\xA9", 1, 0xFFFD, 1},     /* length cuts it */
	    {"\xE2\x28\xA1", 3, 0xFFFD, 1}, /* bad continuation */
	};
	uint32_t cp;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cp = 0;
		assert_int_equal(utf8_decode((const unsigned char *)c[i].bytes, c[i].len, &cp),
		                 c[i].used);
		assert_int_equal(cp, c[i].cp);
	}
	assert_int_equal(utf8_decode((const unsigned char *)"", 0, &cp), 0);
}

static void
test_encode(void **state)
{
	static const struct {
		uint32_t cp;
		const char *want;
		size_t len;
	} c[] = {
	    {'z', "z", 1},
	    {0, "\0", 1},
	    {0xE9, "\xC3\xA9", 2},
	    {0x7FF, "\xDF\xBF", 2},
	    {0x800, "\xE0\xA0\x80", 3},
	    {0x0628, "\xD8\xA8", 2},
	    {0xFFFF, "\xEF\xBF\xBF", 3},
	    {0x10000, "\xF0\x90\x80\x80", 4},
	    {0x10FFFF, "\xF4\x8F\xBF\xBF", 4},
	    {0xD800, "\xEF\xBF\xBD", 3},   /* surrogates are not characters */
	    {0x110000, "\xEF\xBF\xBD", 3}, /* out of range */
	};
	char out[4];
	uint32_t back;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = utf8_encode(c[i].cp, out);
		assert_int_equal(n, c[i].len);
		assert_memory_equal(out, c[i].want, n);
		assert_int_equal(utf8_decode((unsigned char *)out, n, &back), n);
	}
	/* every scalar value round-trips */
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x20000 ? 1 : 97)) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = utf8_encode(cp, out);
		assert_int_equal(utf8_decode((unsigned char *)out, n, &back), n);
		assert_int_equal(back, cp);
	}
}

static void
test_count_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len, count;
		int valid;
	} c[] = {
	    {"", 0, 0, 1},
	    {"abc", 3, 3, 1},
	    {"Élysée", 8, 6, 1},
	    {"قتال", 8, 4, 1},
	    {"a\0b", 3, 3, 1},
	    {"\xF0\x9F\x98\x80!", 5, 2, 1},
	    {"\xEF\xBF\xBD", 3, 1, 1}, /* a real U+FFFD is valid */
	    {"ab\xFF", 3, 3, 0},
	    {"\xE2\x82", 2, 2, 0}, /* each stray byte counts once */
	    {"\xC3\xA9\xC3", 3, 2, 0},
	    {"\xED\xA0\x80", 3, 3, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(utf8_count(c[i].s, c[i].len), c[i].count);
		assert_int_equal(utf8_valid(c[i].s, c[i].len), c[i].valid);
	}
}

static void
test_floor(void **state)
{
	static const struct {
		const char *s;
		size_t len, want;
	} c[] = {
	    {"", 0, 0},
	    {"abc", 3, 3},
	    {"a\xC3\xA9", 3, 3},
	    {"a\xC3\xA9", 2, 1},      /* cuts é */
	    {"ab\xE2\x82\xAC", 4, 2}, /* cuts € after one byte */
	    {"ab\xE2\x82\xAC", 3, 2},
	    {"ab\xE2\x82\xAC", 5, 5},
	    {"\xF0\x9F\x98\x80", 3, 0},
	    {"\xF0\x9F\x98\x80", 4, 4},
	    {"x\x80\x80\x80\x80", 5, 5}, /* stray bytes are boundaries */
	    {"x\xFF", 2, 2},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_int_equal(utf8_floor(c[i].s, c[i].len), c[i].want);
}

/* utf8_clean on s[0..len) must give want[0..wantlen). */
static void
check_clean(const char *s, size_t len, const char *want, size_t wantlen)
{
	size_t outlen = 12345;
	char *out = utf8_clean(s, len, &outlen);

	assert_non_null(out);
	assert_int_equal(outlen, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[outlen], '\0');
	assert_true(utf8_valid(out, outlen));
	free(out);
}

#define CLEAN(s, want) check_clean(s, sizeof(s) - 1, want, sizeof(want) - 1)

static void
test_clean_repair(void **state)
{
	(void)state;
	CLEAN("", "");
	CLEAN("plain ascii", "plain ascii");
	CLEAN("ab\xFF"
	      "cd",
	      "ab\xEF\xBF\xBD"
	      "cd");
	CLEAN("\xC3", "\xEF\xBF\xBD");
	CLEAN("x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD");
	CLEAN("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	CLEAN("a\0b", "a\0b"); /* NUL bytes stay, the length says where it ends */
	CLEAN("Kam\xC2\xAD"
	      "almaz",
	      "Kam\xC2\xAD"
	      "almaz"); /* NFC keeps invisibles */
}

static void
test_clean_nfc(void **state)
{
	(void)state;
	/* composition */
	CLEAN("Cafe\xCC\x81", "Caf\xC3\xA9");
	CLEAN("\xCC\x81"
	      "a",
	      "\xCC\x81"
	      "a"); /* a mark at the start stays first */
	CLEAN("e\xCC\x81\xCC\x81", "\xC3\xA9\xCC\x81");
	CLEAN("か\xE3\x82\x99", "が");
	/* Hangul jamo compose into a syllable */
	CLEAN("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "한");
	/* singletons: Ohm and Angstrom signs */
	CLEAN("\xE2\x84\xA6 \xE2\x84\xAB", "\xCE\xA9 \xC3\x85");
	/* canonical order of marks: shadda (33) after fatha (30) */
	CLEAN("\xD8\xA8\xD9\x91\xD9\x8E", "\xD8\xA8\xD9\x8E\xD9\x91");
	/* NFC text is returned as it is, including precomposed and Arabic */
	CLEAN("Élysée مُحَمَّد", "Élysée مُحَمَّد");
	/* compatibility characters are not NFC's business */
	CLEAN("ﬁ ½ ﺑ", "ﬁ ½ ﺑ");
	/* repair, then composition */
	CLEAN("\xFF"
	      "e\xCC\x81",
	      "\xEF\xBF\xBD\xC3\xA9");
	/* a segment between two plain stretches */
	CLEAN("abc o\xCC\x88 xyz", "abc \xC3\xB6 xyz");
}

/* Long text with sparse marks: many segments, same result as expected. */
static void
test_clean_large(void **state)
{
	size_t n = 1u << 20, i, outlen;
	char *in = malloc(n * 3), *want = malloc(n * 3), *out;
	size_t k = 0, w = 0;

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	for (i = 0; k + 8 < n; i++) {
		if (i % 50 == 0) {
			memcpy(in + k, "e\xCC\x81", 3), k += 3;
			memcpy(want + w, "\xC3\xA9", 2), w += 2;
		} else {
			in[k++] = (char)('a' + i % 26);
			want[w++] = (char)('a' + i % 26);
		}
	}
	out = utf8_clean(in, k, &outlen);
	assert_non_null(out);
	assert_int_equal(outlen, w);
	assert_memory_equal(out, want, w);
	free(out);
	free(in);
	free(want);
}

/*
 * Random text over characters that compose, reorder or block: the segmented
 * NFC of utf8_clean must equal utf8proc's NFC of the whole text.
 */
static void
test_clean_random(void **state)
{
	static const uint32_t pool[] = {
	    'a',    'e',    'o',     ' ',     0xE9,    0x0301,  0x0308, 0x0323, 0x0327, 0x0345,
	    0x03B1, 0x1F00, 0x0628,  0x064E,  0x0651,  0x0654,  0x0627, 0x0653, 0x1100, 0x1161,
	    0x11A8, 0xAC00, 0xD55C,  0x304B,  0x3099,  0x30AB,  0x0B47, 0x0B3E, 0x0B57, 0x0CC6,
	    0x0CC2, 0x0CD5, 0x09C7,  0x09BE,  0x2126,  0x212B,  0x0958, 0x0915, 0x093C, 0x0F73,
	    0x1E9B, 0xFB2C, 0x11099, 0x110BA, 0x1D15E, 0x2F800, 0x05D0, 0x05B0,
	};
	char text[256], enc[4];
	unsigned seed = 12345;
	size_t len, outlen, n;
	utf8proc_uint8_t *want;
	char *got;
	int round, i;

	(void)state;
	for (round = 0; round < 20000; round++) {
		len = 0;
		for (i = 0; i < 1 + round % 24; i++) {
			seed = seed * 1103515245u + 12345u;
			n = utf8_encode(pool[(seed >> 16) % (sizeof(pool) / sizeof(pool[0]))], enc);
			memcpy(text + len, enc, n);
			len += n;
		}
		text[len] = '\0';
		want = utf8proc_NFC((const utf8proc_uint8_t *)text);
		got = utf8_clean(text, len, &outlen);
		assert_non_null(want);
		assert_non_null(got);
		if (strcmp((const char *)want, got) != 0)
			print_error("NFC differs on round %d\n", round);
		assert_string_equal(got, (const char *)want);
		free(want);
		free(got);
	}
}

/* utf8_valid()'s fast paths answer as a decode of every character does. */
static int
valid_ref(const unsigned char *p, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 1 && p[i] >= 0x80)
			return 0;
		i += n;
	}
	return 1;
}

static void
test_valid_random(void **state)
{
	static const char *const pieces[] = {"a",
	                                     "bcdefghi",
	                                     " ",
	                                     "é",
	                                     "ب",
	                                     "\xDF\xBF",
	                                     "中",
	                                     "\xF0\x9F\x98\x80",
	                                     "\xC2",
	                                     "\x80",
	                                     "\xC1\xBF",
	                                     "\xED\xA0\x80",
	                                     "\xF4\x90\x80\x80",
	                                     "\xE2\x82",
	                                     "\xFF",
	                                     "\xDF"};
	unsigned char buf[256];
	unsigned seed = 99;
	int invalid = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = 0, target;

		seed = seed * 1103515245u + 12345u;
		target = (seed >> 8) % 64;
		while (len < target) {
			const char *pc;

			seed = seed * 1103515245u + 12345u;
			/* mostly valid pieces, now and then a broken one */
			pc =
			    pieces[(seed >> 16) % 100 < 97 ? (seed >> 4) % 8 : 8 + (seed >> 4) % 8];
			memcpy(buf + len, pc, strlen(pc));
			len += strlen(pc);
		}
		assert_int_equal(utf8_valid((const char *)buf, len), valid_ref(buf, len));
		invalid += !valid_ref(buf, len);
	}
	assert_true(invalid > 1000); /* both answers were tried */
}

/* utf8_clean_changes says whether utf8_clean would give anything but its input. */
static void
test_clean_changes(void **state)
{
	static const char *const texts[] = {
	    "Karim Haddad",
	    "عبد الله",
	    "ça été",
	    "e\xcc\x81t\xc3\xa9",
	    "a\xff\x62", /* a, an invalid byte, b */
	    "\xe1\x84\x80\xe1\x85\xa1",
	    "اأ",
	    "ا\xd9\x94",
	    "",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]), outlen;
		char *c = utf8_clean(texts[i], n, &outlen);
		int same = outlen == n && memcmp(c, texts[i], n) == 0;
		assert_non_null(c);
		if (utf8_clean_changes(texts[i], n) != !same)
			fail_msg("text %zu: utf8_clean_changes %d, clean changes it: %d", i,
			         utf8_clean_changes(texts[i], n), !same);
		free(c);
	}
	assert_false(utf8_clean_changes("عبد الله", strlen("عبد الله")));
	assert_true(utf8_clean_changes("e\xcc\x81", 3));
	assert_true(utf8_clean_changes("a\xff", 2));
}

/* The 66 noncharacters, and their neighbours, which are characters. */
static void
test_nonchar(void **state)
{
	size_t n = 0;

	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
		n += utf8_nonchar(cp) != 0;
	assert_int_equal(n, 66);
	assert_true(utf8_nonchar(0xFFFE));
	assert_true(utf8_nonchar(0xFFFF));
	assert_true(utf8_nonchar(0xFDD0));
	assert_true(utf8_nonchar(0xFDEF));
	assert_true(utf8_nonchar(0x1FFFF));
	assert_true(utf8_nonchar(0x10FFFE));
	assert_false(utf8_nonchar(0xFFFD));
	assert_false(utf8_nonchar(0xFDCF));
	assert_false(utf8_nonchar(0xFDF0));
	assert_false(utf8_nonchar(0x10000));
	assert_false(utf8_nonchar(0x110000 | 0xFFFE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),       cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_count_valid),  cmocka_unit_test(test_floor),
	    cmocka_unit_test(test_clean_repair), cmocka_unit_test(test_clean_nfc),
	    cmocka_unit_test(test_clean_large),  cmocka_unit_test(test_clean_random),
	    cmocka_unit_test(test_valid_random), cmocka_unit_test(test_clean_changes),
	    cmocka_unit_test(test_nonchar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
