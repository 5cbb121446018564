/*
 * Unit tests for page_login.c: which next= a login may follow (only a path
 * of this server: never "//host", "/\host", a scheme, a blank or a control)
 * and the login form (a password field named token, POST to /login, the
 * next= and the message escaped).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "page_login.h"

static void
test_next_ok(void **state)
{
	char longp[PAGE_LOGIN_NEXT_MAX + 1];

	(void)state;
	assert_true(page_login_next_ok("/"));
	assert_true(page_login_next_ok("/articles/a_12"));
	assert_true(page_login_next_ok("/?rule=assad&tag=syria"));
	assert_true(page_login_next_ok("/%2F%2Fevil.example"));
	assert_false(page_login_next_ok(NULL));
	assert_false(page_login_next_ok(""));
	assert_false(page_login_next_ok("//evil.example"));
	assert_false(page_login_next_ok("//evil.example/"));
	assert_false(page_login_next_ok("/\\evil.example"));
	assert_false(page_login_next_ok("https://evil.example/"));
	assert_false(page_login_next_ok("javascript:alert(1)"));
	assert_false(page_login_next_ok("evil.example"));
	assert_false(page_login_next_ok("/a b"));
	assert_false(page_login_next_ok("/a\tb"));
	assert_false(page_login_next_ok("/a\r\nSet-Cookie: x=1"));
	assert_false(page_login_next_ok("/caf\xc3\xa9"));
	assert_false(page_login_next_ok("/\x7f"));
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_false(page_login_next_ok(longp));
	longp[PAGE_LOGIN_NEXT_MAX - 1] = '\0';
	assert_true(page_login_next_ok(longp));
}

static char *
render(const char *next, const char *message)
{
	struct page pg = {0};
	char *s;

	page_login(&pg, next, message);
	s = page_take(&pg, NULL);
	assert_non_null(s);
	return s;
}

static void
test_form(void **state)
{
	char *s;

	(void)state;
	s = render(NULL, NULL);
	assert_non_null(strstr(s, "<!doctype html>"));
	assert_non_null(strstr(s, "<form class=\"login\" method=\"post\" action=\"/login\">"));
	assert_non_null(strstr(s, "<input type=\"password\" name=\"token\""));
	assert_null(strstr(s, "name=\"next\""));
	assert_null(strstr(s, "role=\"alert\""));
	assert_non_null(strstr(s, "</html>"));
	free(s);

	s = render("/?rule=a&tag=b", "That is not the token.");
	assert_non_null(
	    strstr(s, "<input type=\"hidden\" name=\"next\" value=\"/?rule=a&amp;tag=b\">"));
	assert_non_null(strstr(s, "role=\"alert\">That is not the token.</p>"));
	free(s);

	/* a next= that may not be followed is not kept; a message is escaped */
	s = render("//evil.example", "<script>x</script>");
	assert_null(strstr(s, "evil.example"));
	assert_null(strstr(s, "<script>"));
	assert_non_null(strstr(s, "&lt;script&gt;x&lt;/script&gt;"));
	free(s);

	s = render("/\"><script>alert(1)</script>", NULL);
	assert_null(strstr(s, "<script>"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_ok),
	    cmocka_unit_test(test_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
