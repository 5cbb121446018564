/*
 * Unit tests for basicauth.c: RFC 7617's example, a password with ':' in
 * it, an empty user, the scheme's name in any case and blanks around the
 * base64; refused: other schemes, "Basic" with no blank, bad base64, no
 * ':', credentials too long for the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "basicauth.h"

/* The password of value, or NULL when refused. */
static const char *
pw(const char *value)
{
	static char buf[64];
	const char *pass = NULL;
	long n = basicauth_password(value, buf, sizeof(buf), &pass);

	if (n < 0)
		return NULL;
	assert_non_null(pass);
	assert_int_equal((size_t)n, strlen(pass));
	return pass;
}

static void
test_accepted(void **state)
{
	(void)state;
	/* RFC 7617's example: Aladdin, "open sesame" */
	assert_string_equal(pw("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), "open sesame");
	assert_string_equal(pw("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), "open sesame");
	assert_string_equal(pw("BASIC \t QWxhZGRpbjpvcGVuIHNlc2FtZQ== \t"), "open sesame");
	/* the first ':' ends the user; the password keeps the others */
	assert_string_equal(pw("Basic ZmVlZHM6cGFzczp3aXRoOmNvbG9ucw=="), "pass:with:colons");
	/* no user at all (curl -u :TOKEN) */
	assert_string_equal(pw("Basic OnRvaw=="), "tok");
}

static void
test_refused(void **state)
{
	char small[8];
	const char *pass;

	(void)state;
	assert_null(pw("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
	assert_null(pw("BasicQWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
	assert_null(pw("Basic"));
	assert_null(pw("Basic "));
	assert_null(pw("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ"));    /* unpadded */
	assert_null(pw("Basic QWxhZGRp bjpvcGVuIHNlc2FtZQ==")); /* a blank inside */
	assert_null(pw("Basic QWxhZGRpbjpvcGVuIHNl*2FtZQ=="));  /* not base64 */
	assert_null(pw("Basic bm9jb2xvbg=="));                  /* "nocolon" */
	assert_null(pw("Basic YQ=="));                          /* "a" */
	/* 19 bytes decoded do not fit 8 with the NUL */
	assert_int_equal(
	    basicauth_password("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", small, sizeof(small), &pass),
	    -1);
	assert_int_equal(basicauth_password("Basic OnRvaw==", small, 0, &pass), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
