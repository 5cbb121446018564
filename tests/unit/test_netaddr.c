/* test_netaddr.c: the addresses the feed poller refuses (SSRF guard). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "netaddr.h"

static int
check(const char *addr)
{
	struct sockaddr_storage ss;
	char text[64];

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return netaddr_private((struct sockaddr *)&ss, text, sizeof(text));
}

static void
test_private(void **state)
{
	static const char *const refused[] = {"0.0.0.0",
	                                      "127.0.0.1",
	                                      "127.255.255.254",
	                                      "10.1.2.3",
	                                      "172.16.0.1",
	                                      "172.31.255.255",
	                                      "192.168.1.1",
	                                      "169.254.169.254",
	                                      "100.64.0.1",
	                                      "224.0.0.1",
	                                      "239.255.255.250",
	                                      "255.255.255.255",
	                                      "240.0.0.1",
	                                      "::",
	                                      "::1",
	                                      "::ffff:127.0.0.1",
	                                      "::ffff:10.0.0.1",
	                                      "::ffff:169.254.169.254",
	                                      "::127.0.0.1",
	                                      "64:ff9b::7f00:1",
	                                      "fc00::1",
	                                      "fd12:3456::1",
	                                      "fe80::1",
	                                      "ff02::1",
	                                      "2001:db8::1"};
	static const char *const allowed[] = {
	    "8.8.8.8",     "1.1.1.1",         "172.15.255.255", "172.32.0.1",       "192.169.0.1",
	    "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2a00:1450::1"};

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (check(refused[i]) != 1)
			fail_msg("%s should be private", refused[i]);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (check(allowed[i]) != 0)
			fail_msg("%s should be public", allowed[i]);
}

static void
test_other_family(void **state)
{
	struct sockaddr sa = {.sa_family = AF_UNIX};

	(void)state;
	assert_int_equal(netaddr_private(&sa, NULL, 0), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_private),
	    cmocka_unit_test(test_other_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
