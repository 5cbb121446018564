/*
 * Unit tests for loginform.c: the body of POST /login (token and next,
 * '+' and %XX decoded, a bad escape, an unknown or repeated field refused)
 * and the session cookie (64 hex digits after hark_session=, among other
 * cookies; short, long or non-hex values refused, nothing read past the
 * header's end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loginform.h"

static void
test_form(void **state)
{
	char buf[256], err[128];
	struct loginform f;

	(void)state;
	strcpy(buf, "token=s3cr%3At+x&next=%2F%3Frule%3Da");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), 0);
	assert_string_equal(f.token, "s3cr:t x");
	assert_string_equal(f.next, "/?rule=a");

	strcpy(buf, "next=/");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), 0);
	assert_null(f.token);
	assert_string_equal(f.next, "/");

	strcpy(buf, "");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), 0);
	assert_null(f.token);
	assert_null(f.next);

	strcpy(buf, "token=%4");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "a malformed %-escape in the form");
	strcpy(buf, "token=%");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	strcpy(buf, "token=%zz");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	strcpy(buf, "token");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "a field without '=' in the form");
	strcpy(buf, "token=a&token=b");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown or repeated field 'token'");
	strcpy(buf, "token=a&user=b");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	/* the field's name shown on one line, printable: a decoded newline is not */
	strcpy(buf, "a%0Ab\xc3\xa9x\x7f=1");
	assert_int_equal(loginform_parse(buf, &f, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown or repeated field 'a?b??x?'");
}

static void
test_cookie(void **state)
{
	const char *hex = "000102030405060708090a0b0c0d0e0f"
	                  "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";
	unsigned char id[LOGINFORM_ID];
	char h[256];

	(void)state;
	snprintf(h, sizeof(h), "hark_session=%s", hex);
	assert_int_equal(loginform_cookie(h, id), 0);
	assert_int_equal(id[0], 0x00);
	assert_int_equal(id[10], 0x0a);
	assert_int_equal(id[31], 0xff);
	snprintf(h, sizeof(h), "theme=dark; hark_session=%s; lang=ar", hex);
	assert_int_equal(loginform_cookie(h, id), 0);
	assert_int_equal(id[16], 0xf0);

	assert_int_equal(loginform_cookie(NULL, id), -1);
	assert_int_equal(loginform_cookie("", id), -1);
	assert_int_equal(loginform_cookie("theme=dark", id), -1);
	assert_int_equal(loginform_cookie("hark_session=", id), -1);
	assert_int_equal(loginform_cookie("hark_session=0", id), -1);
	snprintf(h, sizeof(h), "hark_session=%.63s", hex);
	assert_int_equal(loginform_cookie(h, id), -1);
	snprintf(h, sizeof(h), "hark_session=%s0", hex);
	assert_int_equal(loginform_cookie(h, id), -1);
	snprintf(h, sizeof(h), "xhark_session=%s", hex);
	assert_int_equal(loginform_cookie(h, id), -1);
	snprintf(h, sizeof(h), "hark_session=%.62sgg", hex);
	assert_int_equal(loginform_cookie(h, id), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
