/* Unit tests for answer.c: which receiver answers are permanent, and the line kept of one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "utf8.h"

static void
test_permanent(void **state)
{
	static const long yes[] = {400, 401, 403, 404, 413, 422};
	static const long no[] = {0,   200, 302, 405, 408, 409, 410,
	                          415, 425, 429, 500, 502, 503, 504};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!answer_permanent(yes[i]))
			fail_msg("%ld must be permanent", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (answer_permanent(no[i]))
			fail_msg("%ld must be retried", no[i]);
}

static const struct {
	const char *in, *want;
} lines[] = {
    {"", ""},
    {"payload too large", "payload too large"},
    {"  first line  \r\nsecond line\n", "first line"},
    {"first\nsecond", "first"},
    {"\r\nsecond", ""},
    {"a\tb\x1b[31mc\x7f"
     "d",
     "a b [31mc d"},
    {"evil \xe2\x80\xae"
     "desrever",
     "evil desrever"},                                    /* U+202E dropped */
    {"zero\xe2\x80\x8bwidth\xe2\x81\xa6x", "zerowidthx"}, /* U+200B, U+2066 */
    {"bad \xff\xfe bytes", "bad bytes"},                  /* invalid bytes dropped */
    {"c1 \xc2\x9b"
     "31m here",
     "c1 31m here"}, /* C1 CSI as a blank */
    {"nel\xc2\x85"
     "second",
     "nel"},                        /* U+0085 ends the line */
    {"ls\xe2\x80\xa8sep", "lssep"}, /* U+2028 dropped */
    {"\xd8\xb1\xd9\x81\xd8\xb6 \xd9\x85\xd8\xb7\xd9\x84\xd9\x88\xd8\xa8",
     "\xd8\xb1\xd9\x81\xd8\xb6 \xd9\x85\xd8\xb7\xd9\x84\xd9\x88\xd8\xa8"},
};

static void
test_line(void **state)
{
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		answer_line(lines[i].in, strlen(lines[i].in), out, sizeof(out));
		if (strcmp(out, lines[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", lines[i].in, out, lines[i].want);
	}
}

/* A long line is cut on a character boundary, "…" after, within outsz. */
static void
test_cut(void **state)
{
	char body[600], out[64];
	size_t n = 0;

	(void)state;
	/* Arabic letters of 2 bytes after one ASCII: a cut in the middle of one is possible */
	body[n++] = 'x';
	while (n + 2 < sizeof(body)) {
		body[n++] = '\xd8';
		body[n++] = '\xb1';
	}
	answer_line(body, n, out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	assert_true(utf8_valid(out, strlen(out)));
	assert_non_null(strstr(out, "\xe2\x80\xa6"));
	assert_int_equal(strlen(out), 1 + 2 * 29 + 3); /* 60 bytes of room: 1 + 29 letters, … */
	/* a NUL inside the body is a control character */
	answer_line("a\0b", 3, out, sizeof(out));
	assert_string_equal(out, "a b");
	/* the smallest room */
	answer_line("abcdefghij", 10, out, 8);
	assert_string_equal(out, "abcd\xe2\x80\xa6");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_permanent),
	    cmocka_unit_test(test_line),
	    cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
