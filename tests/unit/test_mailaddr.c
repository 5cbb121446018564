/*
 * Unit tests for mailaddr.c: bare addr-specs, display names (atoms,
 * quoted, UTF-8), domain literals, lists with commas inside quotes, and
 * the refusals with their reasons: no '@', dots, lengths, line breaks
 * (header injection), comments, non-ASCII addresses, lone brackets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mailaddr.h"

static void
ok(const char *s, const char *display, const char *spec, const char *domain)
{
	struct mailaddr a;
	char why[160] = "";
	int rc = mailaddr_parse(s, strlen(s), &a, why, sizeof(why));

	if (rc != 0)
		fail_msg("'%s' refused: %s", s, why);
	assert_string_equal(a.display, display);
	assert_string_equal(a.spec, spec);
	assert_string_equal(a.spec + a.domain, domain);
}

static void
bad(const char *s, const char *reason)
{
	struct mailaddr a;
	char why[160] = "";

	if (mailaddr_parse(s, strlen(s), &a, why, sizeof(why)) == 0)
		fail_msg("'%s' taken as '%s'", s, a.spec);
	if (strstr(why, reason) == NULL)
		fail_msg("'%s': reason '%s', want '%s'", s, why, reason);
}

static void
test_good(void **state)
{
	(void)state;
	ok("hark@example.org", "", "hark@example.org", "example.org");
	ok("  hark@example.org\t", "", "hark@example.org", "example.org");
	ok("hark <hark@example.org>", "hark", "hark@example.org", "example.org");
	ok("<hark@example.org>", "", "hark@example.org", "example.org");
	ok("John Q. Public <jqp@mail.example.org>", "John Q. Public", "jqp@mail.example.org",
	   "mail.example.org");
	ok("\"Doe, Jane\" <jane@example.org>", "Doe, Jane", "jane@example.org", "example.org");
	ok("\"say \\\"hi\\\"\" <a@b.c>", "say \"hi\"", "a@b.c", "b.c");
	ok("Zo\xc3\xab Smith <zoe@example.org>", "Zo\xc3\xab Smith", "zoe@example.org",
	   "example.org");
	ok("\xd8\xaa\xd9\x86\xd8\xa8\xd9\x8a\xd9\x87 <alerts@example.org>",
	   "\xd8\xaa\xd9\x86\xd8\xa8\xd9\x8a\xd9\x87", "alerts@example.org", "example.org");
	ok("first.last+tag@example.org", "", "first.last+tag@example.org", "example.org");
	ok("\"a b\"@example.org", "", "\"a b\"@example.org", "example.org");
	ok("root@localhost", "", "root@localhost", "localhost");
	ok("x@[192.0.2.1]", "", "x@[192.0.2.1]", "[192.0.2.1]");
	ok("x@[IPv6:2001:db8::1]", "", "x@[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]");
}

static void
test_bad(void **state)
{
	(void)state;
	bad("", "is empty");
	bad("hark", "no '@'");
	bad("@example.org", "empty local part");
	bad("hark@", "no domain");
	bad("hark@@example.org", "no domain");
	bad(".hark@example.org", "'.'");
	bad("hark.@example.org", "'.'");
	bad("ha..rk@example.org", "'.'");
	bad("hark@example..org", "label");
	bad("hark@-example.org", "'-'");
	bad("hark@example.org.", "label");
	bad("hark@exa_mple.org", "text after");
	bad("hark <hark@example.org", "no '>'");
	bad("hark hark@example.org>", "no '@'");
	bad("hark@example.org>", "'>' without '<'");
	bad("hark <hark@example.org> x", "text after its '>'");
	bad("hark@example.org (comment)", "text after");
	bad("a@b.c, d@e.f", "text after");
	bad("x@y\r\nBcc: z@w", "line break");
	bad("x@y\nBcc: z@w", "line break");
	bad("h\x01 <x@y>", "control");
	bad("h\xff <x@y>", "UTF-8");
	bad("j\xc3\xb6rg@example.org", "non-ASCII");
	bad("Doe, Jane <jane@example.org>", "special");
	bad("\"open <x@y>", "unterminated");
	bad("undisclosed-recipients:;", "no '@'");
	bad("\"a\tb\"@example.org", "control");
	bad("\"a<b\"@example.org", "special");
	bad("\"a\\>b\"@example.org", "'<' or '>'");
	bad("x@[]", "domain literal");
	bad("x@[1.2.3.4", "domain literal");
	bad("01234567890123456789012345678901234567890123456789012345678901234@example.org",
	    "longer than 64");
	bad("x@a23456789012345678901234567890123456789012345678901234567890abcd.org",
	    "longer than 63");
}

static void
test_list(void **state)
{
	struct mailaddr *v;
	char why[200] = "";
	int n;

	(void)state;
	n = mailaddr_list_parse("desk@example.org, \"Doe, Jane\" <jane@example.org>,bob@x.org", &v,
	                        why, sizeof(why));
	assert_int_equal(n, 3);
	assert_string_equal(v[0].spec, "desk@example.org");
	assert_string_equal(v[1].display, "Doe, Jane");
	assert_string_equal(v[1].spec, "jane@example.org");
	assert_string_equal(v[2].spec, "bob@x.org");
	free(v);
	assert_int_equal(mailaddr_list_parse("a@b.c, , d@e.f", &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is empty"));
	assert_int_equal(mailaddr_list_parse("a@b.c, bob@", &v, why, sizeof(why)), -1);
	assert_string_equal(why, "'bob@' has no domain after '@'");
	assert_null(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
