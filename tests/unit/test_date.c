/* Unit tests for date.c: every date form feeds and front matter carry, into RFC 3339 UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "date.h"

/* expect NULL: date_normalize() returns -1 */
static const struct {
	const char *in, *expect;
} rows[] = {
    /* ISO 8601 / RFC 3339 */
    {"2024-03-05", "2024-03-05T00:00:00Z"},
    {"2024-03-05T14:07", "2024-03-05T14:07:00Z"},
    {"2024-03-05T14:07:09", "2024-03-05T14:07:09Z"},
    {"2024-03-05T14:07:09Z", "2024-03-05T14:07:09Z"},
    {"2024-03-05t14:07:09z", "2024-03-05T14:07:09Z"},
    {"2024-03-05T14:07:09.123456Z", "2024-03-05T14:07:09Z"},
    {"2024-03-05T14:07:09,5+01:00", "2024-03-05T13:07:09Z"},
    {"2024-03-05T14:07:09+01:00", "2024-03-05T13:07:09Z"},
    {"2024-03-05T14:07:09+0100", "2024-03-05T13:07:09Z"},
    {"2024-03-05T14:07-05", "2024-03-05T19:07:00Z"},
    {"2024-03-05T01:15:00+05:30", "2024-03-04T19:45:00Z"},
    {"1999-12-31T23:30:00-05:00", "2000-01-01T04:30:00Z"},
    {"2024-12-31T23:59:60Z", "2025-01-01T00:00:00Z"}, /* a leap second rolls over */
    {"2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"},
    {"2000-02-29", "2000-02-29T00:00:00Z"},
    /* a space for the T, blanks before the zone, YAML's short fields */
    {"2024-03-05 14:07:09 +0200", "2024-03-05T12:07:09Z"},
    {"2024-03-05 14:07:09+02:00", "2024-03-05T12:07:09Z"},
    {"2024-3-5 9:07:09.10 -5", "2024-03-05T14:07:09Z"},
    {"2024-03-05 14:07:09 UTC", "2024-03-05T14:07:09Z"},
    {"  2024-03-05T14:07:09Z \t\r\n", "2024-03-05T14:07:09Z"},
    /* RFC 822 / 1123 / 2822 / 850 */
    {"Tue, 05 Mar 2024 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Lun, 11 Mar 2024 07:30:00 +0100", "2024-03-11T06:30:00Z"},    /* French day name */
    {"Mi\u00e9, 13 Mar 2024 10:00:00 GMT", "2024-03-13T10:00:00Z"}, /* Spanish */
    {"Do, 14 Mar 2024 10:00:00 GMT", "2024-03-14T10:00:00Z"},       /* German */
    {"Tue, 05 Mar 2024 14:07:09 +0100", "2024-03-05T13:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 -0000", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 EST", "2024-03-05T19:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 EDT", "2024-03-05T18:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 CST", "2024-03-05T20:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 CDT", "2024-03-05T19:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 MST", "2024-03-05T21:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 MDT", "2024-03-05T20:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 PST", "2024-03-05T22:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 PDT", "2024-03-05T21:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 UT", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 Z", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 Q", "2024-03-05T14:07:09Z"}, /* military: read as UTC */
    {"Tue, 05 Mar 2024 14:07:09 CEST", "2024-03-05T12:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 +0000 (UTC)", "2024-03-05T14:07:09Z"},
    {"05 Mar 2024 14:07 +0100", "2024-03-05T13:07:00Z"},
    {"5 mar 2024 14:07:09 gmt", "2024-03-05T14:07:09Z"},
    {"TUE, 5 MAR 2024 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 24 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z"},
    {"Sat, 01 Jan 00 00:00:00 GMT", "2000-01-01T00:00:00Z"},
    {"Sun, 01 Jan 50 00:00:00 GMT", "1950-01-01T00:00:00Z"},
    {"Thu, 01 Jan 49 00:00:00 GMT", "2049-01-01T00:00:00Z"},
    {"Tuesday, 05-Mar-24 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Tue, 05 March 2024 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09", "2024-03-05T14:07:09Z"},
    {"Tue, 05 Mar 2024", "2024-03-05T00:00:00Z"},
    {"Mon, 01 Jan 2024 00:30:00 +0100", "2023-12-31T23:30:00Z"},
    /* Unix seconds */
    {"1603255357", "2020-10-21T04:42:37Z"},
    {"1603255357.3653135", "2020-10-21T04:42:37Z"},
    {"100000000", "1973-03-03T09:46:40Z"},
    {"100000000000", "5138-11-16T09:46:40Z"},
    {"99999999", NULL},
    {"100000000001", NULL},
    {"2024", NULL}, /* a year is not a date */
    {"20240305", NULL},
    {"1603255357.", NULL},
    {"-1603255357", NULL},
    /* invalid dates and times */
    {"2024-13-05", NULL},
    {"2024-00-05", NULL},
    {"2024-02-30", NULL},
    {"2023-02-29", NULL},
    {"1900-02-29", NULL},
    {"2024-04-31", NULL},
    {"2024-03-00", NULL},
    {"2024-03-05T25:00:00Z", NULL},
    {"2024-03-05T24:00:00Z", NULL},
    {"2024-03-05T14:60:00Z", NULL},
    {"2024-03-05T14:07:61Z", NULL},
    {"2024-03-05T14:07:09+25:00", NULL},
    {"2024-03-05T14:07:09+123", NULL},
    {"2024-03-05T14:07:09.Z", NULL},
    {"2024-03-05T", NULL},
    {"2024-03-05T14", NULL},
    {"2024-03-05X14:07", NULL},
    {"2024-03-05T14:07:09Z junk", NULL},
    {"24-03-05", NULL},
    {"12024-03-05", NULL},
    {"9999-12-31T23:00:00-05:00", NULL}, /* year 10000 in UTC */
    {"Tue, 30 Feb 2024 14:07:09 GMT", NULL},
    {"Tue, 05 Foo 2024 14:07:09 GMT", NULL},
    {"Tue, 05 Mar 2024 14:07:09 XYZ", NULL},
    {"Tue, 05 Mar 2024 14:07:09 J", NULL},
    {"Tue, 05 Mar 124 14:07:09 GMT", NULL},
    {"Tue, 05 Mar 2024 25:07:09 GMT", NULL},
    {"Tue, 05 Mar 2024 14:07:09 GMT (UTC", NULL},
    {"Blue, 05 Mar 2024 14:07:09 GMT", NULL},
    {"Lun 11 Mar 2024 07:30:00 +0100", NULL}, /* another language's day name needs its comma */
    {"le 5 mars 2024", NULL},
    {"٢٠٢٤-٠٣-٠٥", NULL}, /* Arabic-Indic digits */
    {"", NULL},
    {" \t ", NULL},
    {"yesterday", NULL},
};

static void
test_table(void **state)
{
	char out[21];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 'x', sizeof(out));
		r = date_normalize(rows[i].in, out);
		if (rows[i].expect == NULL) {
			if (r != -1)
				fail_msg("\"%s\": expected -1, got %d", rows[i].in, r);
		} else {
			if (r != 0)
				fail_msg("\"%s\": expected %s, got %d", rows[i].in, rows[i].expect,
				         r);
			if (strcmp(out, rows[i].expect) != 0)
				fail_msg("\"%s\": expected %s, got %.21s", rows[i].in,
				         rows[i].expect, out);
		}
	}
	assert_true(sizeof(rows) / sizeof(rows[0]) >= 30);
}

/* A date is a pure function of its text: the process's zone changes nothing. */
static void
test_process_zone_ignored(void **state)
{
	char a[21], b[21];

	(void)state;
	setenv("TZ", "Asia/Tehran", 1);
	assert_int_equal(date_normalize("2024-03-05T14:07:09", a), 0);
	assert_int_equal(date_normalize("Tue, 05 Mar 2024 14:07:09", b), 0);
	setenv("TZ", "UTC", 1);
	assert_string_equal(a, "2024-03-05T14:07:09Z");
	assert_string_equal(b, "2024-03-05T14:07:09Z");
	assert_int_equal(date_normalize(NULL, a), -1);
}

/* Every day of 400 years round-trips through the day arithmetic. */
static void
test_every_day(void **state)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char in[40], out[21], want[64];
	int y, m, d, n, count = 0;

	(void)state;
	for (y = 1800; y < 2200; y++) {
		for (m = 1; m <= 12; m++) {
			n = mdays[m - 1] +
			    (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
			for (d = 1; d <= n + 1; d++) {
				snprintf(in, sizeof(in), "%04d-%02d-%02d", y, m, d);
				snprintf(want, sizeof(want), "%sT00:00:00Z", in);
				if (d > n) {
					if (date_normalize(in, out) != -1)
						fail_msg("%s accepted", in);
					continue;
				}
				if (date_normalize(in, out) != 0 || strcmp(out, want) != 0)
					fail_msg("%s: got %.21s", in, out);
				count++;
			}
		}
	}
	assert_int_equal(count, 146097); /* days in a Gregorian cycle */
}

/* Unix seconds agree with the C library's gmtime_r() from 1973 to 5138. */
static void
test_unix_vs_gmtime(void **state)
{
	char in[32], out[21], want[32];
	long long t;
	time_t tt;
	struct tm tm;
	int count = 0;

	(void)state;
	for (t = 100000000LL; t <= 100000000000LL; t += 9876543LL) {
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(in, sizeof(in), "%lld.999", t);
		if (date_normalize(in, out) != 0 || strcmp(out, want) != 0)
			fail_msg("%s: got %.21s, want %s", in, out, want);
		count++;
	}
	assert_int_equal(count, 10115);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_process_zone_ignored),
	    cmocka_unit_test(test_every_day),
	    cmocka_unit_test(test_unix_vs_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
