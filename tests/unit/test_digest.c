/*
 * Unit tests for digest.c with a fake clock: the parser (accepted and
 * refused periods), and the period ends and starts in Europe/Paris (TZ set
 * here): every 15 minutes and every hour on the local clock, daily 08:00
 * across both changes of daylight saving time (days of 23 and 25 hours),
 * weekly mon 08:00 across the new year.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "digest.h"

/* Unix seconds of a UTC time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static struct digest_period
parse(const char *s)
{
	struct digest_period p;
	char why[128];

	if (digest_parse(s, &p, why, sizeof(why)) < 0)
		fail_msg("'%s' refused: %s", s, why);
	return p;
}

static void
test_parse(void **state)
{
	struct digest_period p;
	char why[128];
	static const char *const bad[] = {"",
	                                  "yes",
	                                  "0m",
	                                  "7m",
	                                  "25h",
	                                  "15",
	                                  "15s",
	                                  "daily",
	                                  "daily 8",
	                                  "daily 24:00",
	                                  "daily 08:60",
	                                  "daily 8:60",
	                                  "daily 8:0",
	                                  "daily :00",
	                                  "daily 123:00",
	                                  "daily 8h00",
	                                  "daily -8:00",
	                                  "daily 24:0",
	                                  "weekly mon 8",
	                                  "weekly 08:00",
	                                  "weekly xyz 08:00",
	                                  "weekly mon",
	                                  "no no",
	                                  "1h 2h"};

	(void)state;
	assert_int_equal(parse("no").kind, DIGEST_NO);
	p = parse("15m");
	assert_int_equal(p.kind, DIGEST_EVERY);
	assert_int_equal(p.every, 900);
	assert_int_equal(parse("1h").every, 3600);
	assert_int_equal(parse("1m").every, 60);
	assert_int_equal(parse("24h").every, 86400);
	p = parse("daily 08:00");
	assert_int_equal(p.kind, DIGEST_DAILY);
	assert_int_equal(p.hour, 8);
	assert_int_equal(p.minute, 0);
	p = parse("weekly mon 08:30");
	assert_int_equal(p.kind, DIGEST_WEEKLY);
	assert_int_equal(p.wday, 1);
	assert_int_equal(p.minute, 30);
	assert_int_equal(parse("weekly Sunday 23:59").wday, 0);
	/* H:MM as people write it: 8:00 is 08:00 */
	p = parse("daily 8:00");
	assert_int_equal(p.kind, DIGEST_DAILY);
	assert_int_equal(p.hour, 8);
	assert_int_equal(p.minute, 0);
	p = parse("daily 0:05");
	assert_int_equal(p.hour, 0);
	assert_int_equal(p.minute, 5);
	p = parse("weekly mon 8:00");
	assert_int_equal(p.kind, DIGEST_WEEKLY);
	assert_int_equal(p.wday, 1);
	assert_int_equal(p.hour, 8);
	p = parse("weekly fri 9:45");
	assert_int_equal(p.wday, 5);
	assert_int_equal(p.hour, 9);
	assert_int_equal(p.minute, 45);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (digest_parse(bad[i], &p, why, sizeof(why)) == 0)
			fail_msg("'%s' taken", bad[i]);
	assert_int_equal(digest_parse("7m", &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "divides a day"));
}

static void
test_every(void **state)
{
	struct digest_period p = parse("15m"), h = parse("1h");
	int64_t now = utc(2026, 12, 6, 18, 38, 20); /* 19:38:20 in Paris */

	(void)state;
	assert_int_equal(digest_next_end(&p, now), utc(2026, 12, 6, 18, 45, 0));
	assert_int_equal(digest_start(&p, utc(2026, 12, 6, 18, 45, 0)),
	                 utc(2026, 12, 6, 18, 30, 0));
	/* a boundary belongs to the next period */
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 6, 18, 45, 0)),
	                 utc(2026, 12, 6, 19, 0, 0));
	assert_int_equal(digest_next_end(&h, now), utc(2026, 12, 6, 19, 0, 0));
	/* the night of 25 October 2026: 03:00 CEST becomes 02:00 CET */
	assert_int_equal(digest_next_end(&h, utc(2026, 10, 25, 0, 30, 0)),
	                 utc(2026, 10, 25, 1, 0, 0));
	assert_int_equal(digest_next_end(&p, utc(2026, 10, 25, 1, 50, 0)),
	                 utc(2026, 10, 25, 2, 0, 0));
	assert_int_equal(digest_next_end(&p, utc(2026, 10, 25, 2, 0, 0)),
	                 utc(2026, 10, 25, 2, 15, 0));
}

static void
test_daily_dst(void **state)
{
	struct digest_period p = parse("daily 08:00");

	(void)state;
	/* before 08:00: today; at or after: tomorrow */
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 6, 6, 59, 59)),
	                 utc(2026, 12, 6, 7, 0, 0));
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 6, 7, 0, 0)), utc(2026, 12, 7, 7, 0, 0));
	/* spring forward, 29 March 2026: 08:00 CEST is 06:00 UTC, 23 hours after 08:00 CET */
	assert_int_equal(digest_next_end(&p, utc(2026, 3, 28, 8, 0, 0)), utc(2026, 3, 29, 6, 0, 0));
	assert_int_equal(digest_start(&p, utc(2026, 3, 29, 6, 0, 0)), utc(2026, 3, 28, 7, 0, 0));
	/* fall back, 25 October 2026: 25 hours */
	assert_int_equal(digest_next_end(&p, utc(2026, 10, 24, 7, 0, 0)),
	                 utc(2026, 10, 25, 7, 0, 0));
	assert_int_equal(digest_start(&p, utc(2026, 10, 25, 7, 0, 0)), utc(2026, 10, 24, 6, 0, 0));
	/* 02:30 does not exist on 29 March: the first time after it */
	p = parse("daily 02:30");
	assert_int_equal(digest_next_end(&p, utc(2026, 3, 28, 23, 0, 0)),
	                 utc(2026, 3, 29, 1, 30, 0));
}

static void
test_weekly_new_year(void **state)
{
	struct digest_period p = parse("weekly mon 08:00");

	(void)state;
	/* Sunday 27 December 2026: the next day */
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 27, 12, 0, 0)),
	                 utc(2026, 12, 28, 7, 0, 0));
	/* at Monday 28 December 08:00: a week later, in 2027 */
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 28, 7, 0, 0)), utc(2027, 1, 4, 7, 0, 0));
	assert_int_equal(digest_next_end(&p, utc(2026, 12, 31, 23, 30, 0)),
	                 utc(2027, 1, 4, 7, 0, 0));
	assert_int_equal(digest_start(&p, utc(2027, 1, 4, 7, 0, 0)), utc(2026, 12, 28, 7, 0, 0));
	/* a week across the spring forward: 167 hours */
	assert_int_equal(digest_next_end(&p, utc(2026, 3, 23, 7, 0, 0)), utc(2026, 3, 30, 6, 0, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_every),
	    cmocka_unit_test(test_daily_dst),
	    cmocka_unit_test(test_weekly_new_year),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
