/*
 * Unit tests for localzone.c: the process's zone read into a table with
 * localtime_r. Europe/Paris (tzdata): the changes of 2026 found to the
 * second, each instant's offset as localtime_r says it; UTC a single span.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "localzone.h"

static void
test_paris(void **state)
{
	struct page_zone z;
	int64_t now = 1796631243; /* 2026-12-07T08:14:03Z */
	int found_spring = 0, found_autumn = 0;

	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	assert_int_equal(localzone_read(now, &z), 0);
	assert_true(z.n > 2 * (LOCALZONE_PAST + LOCALZONE_AHEAD) - 4);
	for (size_t i = 0; i < z.n; i++) {
		if (i > 0)
			assert_true(z.spans[i].from > z.spans[i - 1].from);
		found_spring |= z.spans[i].from == 1774746000 && z.spans[i].offset == 7200;
		found_autumn |= z.spans[i].from == 1792890000 && z.spans[i].offset == 3600;
	}
	assert_true(found_spring); /* 2026-03-29T01:00:00Z */
	assert_true(found_autumn); /* 2026-10-25T01:00:00Z */
	assert_int_equal(page_zone_offset(&z, 1774745999), 3600);
	assert_int_equal(page_zone_offset(&z, 1774746000), 7200);
	/* every 5 days of 30 years back: what localtime_r says */
	for (int64_t t = now - 86400LL * 365 * 30; t < now + 86400LL * 365 * 5;
	     t += 86400 * 5 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;

		assert_non_null(localtime_r(&tt, &tm));
		assert_int_equal(page_zone_offset(&z, t), tm.tm_gmtoff);
	}
	free((void *)z.spans);
}

static void
test_utc(void **state)
{
	struct page_zone z;

	(void)state;
	setenv("TZ", "UTC", 1);
	assert_int_equal(localzone_read(1796631243, &z), 0);
	assert_int_equal(z.n, 1);
	assert_int_equal(page_zone_offset(&z, 1796631243), 0);
	free((void *)z.spans);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paris),
	    cmocka_unit_test(test_utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
