/*
 * test_log.c: log_quote(), what a file name or a feed's text becomes in one
 * log line: control characters and bytes that are not UTF-8 escaped, valid
 * UTF-8 kept readable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static void
test_controls(void **state)
{
	(void)state;
	assert_string_equal(log_quote("a b\nc\td\\e\x01\x7f"), "a b\\nc\\td\\\\e\\x01\\x7f");
	assert_string_equal(log_quote(NULL), "(null)");
	assert_string_equal(log_quote(""), "");
}

static void
test_utf8_kept(void **state)
{
	(void)state;
	/* Arabic, French, an emoji (4 bytes): as they are */
	assert_string_equal(log_quote("الأسد.txt"), "الأسد.txt");
	assert_string_equal(log_quote("fermé"), "fermé");
	assert_string_equal(log_quote("\xf0\x9f\x93\xb0"), "\xf0\x9f\x93\xb0");
	assert_string_equal(log_quote("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

static void
test_invalid_escaped(void **state)
{
	(void)state;
	/* Latin-1 é */
	assert_string_equal(log_quote("caf\xe9.txt"), "caf\\xe9.txt");
	/* a stray continuation byte, a lead byte cut short by the end, by ASCII */
	assert_string_equal(log_quote("\x80x"), "\\x80x");
	/* a title reversed or hidden by bidi and zero-width characters shows them */
	assert_string_equal(log_quote("a\xe2\x80\xae"
	                              "b\xe2\x80\x8b\xe2\x80\xa8"),
	                    "a\\u202eb\\u200b\\u2028");
	/* every C1 control (U+009B is CSI to some terminals), not only U+0085 */
	assert_string_equal(log_quote("a\xc2\x9b"
	                              "2J\xc2\x80\xc2\x85\xc2\x9d\xc2\x9f\xc2\xa0z"),
	                    "a\\u009b2J\\u0080\\u0085\\u009d\\u009f\xc2\xa0z");
	assert_string_equal(log_quote("\xd9\x85\xe2\x80\x8c\xd8\xa7"),
	                    "\xd9\x85\xe2\x80\x8c\xd8\xa7");
	assert_string_equal(log_quote("x\xc3"), "x\\xc3");
	assert_string_equal(log_quote("\xe2\x82z"), "\\xe2\\x82z");
	/* overlong forms, a surrogate, past U+10FFFF, bytes never in UTF-8 */
	assert_string_equal(log_quote("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(log_quote("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(log_quote("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(log_quote("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(log_quote("\xfe\xff"), "\\xfe\\xff");
	/* valid after invalid */
	assert_string_equal(log_quote("\xff\xc3\xa9"), "\\xffé");
}

static void
test_long(void **state)
{
	char in[4000], *out;
	size_t n;

	(void)state;
	/* a long name of 2-byte characters: cut, never inside one */
	for (size_t i = 0; i + 2 < sizeof(in); i += 2)
		memcpy(in + i, "\xc3\xa9", 2);
	in[sizeof(in) - 2] = '\0';
	out = (char *)log_quote(in);
	n = strlen(out);
	assert_true(n > 1000 && n < 1024);
	assert_int_equal(n % 2, 0);
	/* a long name of invalid bytes: four characters each, cut whole */
	memset(in, 0xff, sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	out = (char *)log_quote2(in);
	n = strlen(out);
	assert_true(n > 1000 && n < 1024);
	assert_int_equal(n % 4, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_utf8_kept),
	    cmocka_unit_test(test_invalid_escaped),
	    cmocka_unit_test(test_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
