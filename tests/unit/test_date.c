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
    /* ISO 8601's basic format (iCalendar's), as feedparser reads it */
    {"20240305T140709Z", "2024-03-05T14:07:09Z"},
    {"20240305T1407Z", "2024-03-05T14:07:00Z"},
    {"20240305t140709", "2024-03-05T14:07:09Z"},
    {"20240305T140709.25+0530", "2024-03-05T08:37:09Z"},
    {"20240305T140709 -05:00", "2024-03-05T19:07:09Z"},
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
    {"Lun 11 Mar 2024 07:30:00 +0100", "2024-03-11T06:30:00Z"}, /* no comma after the day */
    /* day names as feeds abbreviate them; an ordinal day */
    {"Thurs, 15 Oct 2020 00:00:39 +0000", "2020-10-15T00:00:39Z"},
    {"Thur, 19 Nov 2020 00:00:39 +0000", "2020-11-19T00:00:39Z"},
    {"Tues, 05 Mar 2024 14:07:09 GMT", "2024-03-05T14:07:09Z"},
    {"Mon, 16th Nov 2020 13:16:28 GMT", "2020-11-16T13:16:28Z"},
    {"Fri, 23rd Jun 2023 09:32:20 GMT", "2023-06-23T09:32:20Z"},
    {"1st Mar 2024", "2024-03-01T00:00:00Z"},
    {"1er mars 2024", "2024-03-01T00:00:00Z"},
    /* the 12-hour clock */
    {"Sun, 17 Dec 2017 1:55 PM EST", "2017-12-17T18:55:00Z"},
    {"Jan. 4, 2016, 12:37 p.m.", "2016-01-04T12:37:00Z"},
    {"Nov. 16, 2020, 10:57 a.m.", "2020-11-16T10:57:00Z"},
    {"5 Mar 2024 12:30 AM", "2024-03-05T00:30:00Z"},
    {"5 Mar 2024 12:30:15 pm", "2024-03-05T12:30:15Z"},
    {"Friday, December 22, 2017 - 3:09pm", "2017-12-22T15:09:00Z"},
    {"5 Mar 2024 13:30 PM", NULL},
    {"5 Mar 2024 0:30 AM", NULL},
    /* the month before the day; a comma, "-" or "at" before the time */
    {"March 30 2020 07:02:38 PM", "2020-03-30T19:02:38Z"},
    {"Tue, Feb 16 2016 23:16:00 EDT", "2016-02-17T03:16:00Z"},
    {"Mon, November 16, 2020, 11:12 PM EST", "2020-11-17T04:12:00Z"},
    {"Thu, June 22, 2023 at 01:11 PM EDT", "2023-06-22T17:11:00Z"},
    {"Apr 16, 2023 08:01 GMT", "2023-04-16T08:01:00Z"},
    {"Monday, October 6, 2023 - 16:29", "2023-10-06T16:29:00Z"},
    {"Mar 5, 2024", "2024-03-05T00:00:00Z"},
    {"Tue 16 Feb 2016, 23:16:00 EDT", "2016-02-17T03:16:00Z"},
    {"5 August, 2019", "2019-08-05T00:00:00Z"},
    {"Nov. 2020", NULL}, /* a month without a day */
    {"Mar 32, 2024", NULL},
    {"Mar 5, 2024 at", NULL},
    /* ANSI C, Unix date, Ruby, JavaScript's Date */
    {"Tue Mar  5 14:07:09 2024", "2024-03-05T14:07:09Z"},
    {"Tue Mar  5 14:07:09 PST 2024", "2024-03-05T22:07:09Z"},
    {"Tue Mar 05 14:07:09 -0800 2024", "2024-03-05T22:07:09Z"},
    {"Thu Nov 12 2020 17:00:00 GMT+0000 (Coordinated Universal Time)", "2020-11-12T17:00:00Z"},
    {"Tue Mar  5 14:07:09 2024 junk", NULL},
    /* month and day names of other languages */
    {"Do, 29 M\u00e4r 2018 00:00:00 +0200", "2018-03-28T22:00:00Z"},
    {"Dienstag, 5. M\u00e4rz 2024 um 14:07 MEZ", "2024-03-05T13:07:00Z"},
    {"mer, 9 avr 2018 00:00:00 +0200", "2018-04-08T22:00:00Z"},
    {"ven., 03 juil. 2020 15:09:58 +0000", "2020-07-03T15:09:58Z"},
    {"mar., 01 d\u00e9c. 2020 16:11:02 +0000", "2020-12-01T16:11:02Z"},
    {"MAR., 01 D\u00c9C. 2020 16:11:02 +0000", "2020-12-01T16:11:02Z"},
    {"Lundi, 16. Novembre 2020 - 15:54", "2020-11-16T15:54:00Z"},
    {"mardi 5 mars 2024 \u00e0 14:07 CET", "2024-03-05T13:07:00Z"},
    {"5 de marzo de 2024 14:07", "2024-03-05T14:07:00Z"},
    {"mi\u00e9rcoles, 13 dic 2023 10:00:00 -0300", "2023-12-13T13:00:00Z"},
    {"marted\u00ec 5 marzo 2024 alle 14:07", "2024-03-05T14:07:00Z"},
    {"ter, 05 mar\u00e7o 2024 14:07:09 -0300", "2024-03-05T17:07:09Z"},
    {"sex, 01 out 2021 09:00:00 -0300", "2021-10-01T12:00:00Z"},
    {"di 5 mrt 2024 om 14:07", "2024-03-05T14:07:00Z"},
    {"5 \u043c\u0430\u0440\u0442\u0430 2024 \u0433. 14:07", "2024-03-05T14:07:00Z"},
    {"\u0412\u0422, 05 \u041c\u0410\u0420\u0422\u0410 2024 14:07:09 +0300", "2024-03-05T11:07:09Z"},
    {"5 de 2024", NULL},
    /* zones: more names, GMT/UTC with an offset, a name and its offset */
    {"Thu, 29 Oct 2020 07:36:03 GMT-07:00", "2020-10-29T14:36:03Z"},
    {"Tue, 05 Mar 2024 14:07:09 GMT+05:30", "2024-03-05T08:37:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 UTC-5", "2024-03-05T19:07:09Z"},
    {"2024-03-05T14:07:09 GMT+0200", "2024-03-05T12:07:09Z"},
    {"26 Sep 2022 GMT", "2022-09-26T00:00:00Z"},
    {"Tue, 05 Mar 2024 14:07:09 BST", "2024-03-05T13:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 AEST", "2024-03-05T04:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 NZDT", "2024-03-05T01:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 NST", "2024-03-05T17:37:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 HST", "2024-03-06T00:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 MST -07:00", "2024-03-05T21:07:09Z"},
    {"Tue, 05 Mar 2024 14:07:09 EST -0700", NULL}, /* name and offset disagree */
    {"Tue, 05 Mar 2024 14:07:09 IST", NULL},       /* India, Ireland or Israel */
    {"Tue, 05 Mar 2024 14:07:09 AST", NULL},       /* Atlantic or Arabia */
    {"Tue, 05 Mar 2024 14:07:09 GMT+", NULL},
    /* IANA zone names, by the EU and US daylight saving time rules */
    {"Fri, 31 Mar 2023 20:19:00 America/Los_Angeles", "2023-04-01T03:19:00Z"},
    {"Thu, 25 Feb 2016 00:00:00 Europe/Brussels", "2016-02-24T23:00:00Z"},
    {"Sun, 31 Mar 2024 01:59:00 Europe/Paris", "2024-03-31T00:59:00Z"},
    {"Sun, 31 Mar 2024 02:30:00 Europe/Paris", NULL}, /* skipped by the clocks */
    {"Sun, 31 Mar 2024 03:00:00 Europe/Paris", "2024-03-31T01:00:00Z"},
    {"Sun, 27 Oct 2024 02:30:00 Europe/Paris", NULL}, /* lived twice */
    {"Sun, 27 Oct 2024 03:00:00 Europe/Paris", "2024-10-27T02:00:00Z"},
    {"Sun, 10 Mar 2024 01:59:00 America/New_York", "2024-03-10T06:59:00Z"},
    {"Sun, 10 Mar 2024 02:30:00 America/New_York", NULL},
    {"Sun, 10 Mar 2024 03:00:00 America/New_York", "2024-03-10T07:00:00Z"},
    {"Sun, 03 Nov 2024 01:30:00 America/New_York", NULL},
    {"Sun, 03 Nov 2024 02:00:00 America/New_York", "2024-11-03T07:00:00Z"},
    {"2024-07-01 12:00:00 Asia/Tokyo", "2024-07-01T03:00:00Z"},
    {"Sat, 05 Mar 2005 12:00:00 America/New_York", NULL}, /* before the rule of 2007 */
    {"Tue, 05 Mar 2024 12:00:00 America/Sao_Paulo", NULL},
    /* numbers only: read when one order alone is a date (with the day name) */
    {"Mon, 03/30/2020 - 19:19", "2020-03-30T19:19:00Z"},
    {"Fri, 26/06/2020", "2020-06-26T00:00:00Z"},
    {"09/15/2014 4:20 pm PST", "2014-09-16T00:20:00Z"},
    {"10/30/23 21:55:58", "2023-10-30T21:55:58Z"},
    {"Sat, 11 04 2020 08:51:49 +0100", "2020-04-11T07:51:49Z"},
    {"Wed, 03/04/2020", "2020-03-04T00:00:00Z"},
    {"Fri, 03/04/2020", "2020-04-03T00:00:00Z"},
    {"2024/03/05 14:07:09", "2024-03-05T14:07:09Z"},
    {"05.05.2024", "2024-05-05T00:00:00Z"},
    {"03/04/2020", NULL},      /* March 4 or April 3 */
    {"Sat, 03/04/2020", NULL}, /* neither was a Saturday */
    {"Tue, 03/30/2020", NULL}, /* March 30, 2020 was a Monday */
    {"30.10.23", NULL},        /* 2023-10-30 or 2030-10-23 */
    {"03/30-2020", NULL},
    {"13/13/2020", NULL},
    /* Unix seconds */
    {"1603255357", "2020-10-21T04:42:37Z"},
    {"1603255357.3653135", "2020-10-21T04:42:37Z"},
    {"100000000", "1973-03-03T09:46:40Z"},
    {"100000000000", "5138-11-16T09:46:40Z"},
    {"99999999", NULL},
    {"100000000001", NULL},
    {"2024", NULL}, /* a year is not a date */
    {"20240305", NULL},
    {"20240305T14", NULL},
    {"20240230T140709Z", NULL},
    {"20240305T250000Z", NULL},
    {"20240305T140709ZZ", NULL},
    {"2024035T140709Z", NULL},
    {"1603255357.", NULL},
    {"-1603255357", NULL},
    /* Unicode spaces where ASCII has a blank: no-break, narrow no-break, thin, ideographic */
    {"Sun,\u00a006 Dec 2026 10:00:00\u00a0+0100", "2026-12-06T09:00:00Z"},
    {"Mon,\u00a006 Dec 2026 10:00:00\u00a0+0100", "2026-12-06T09:00:00Z"},
    {"6\u202fd\u00e9cembre 2026", "2026-12-06T00:00:00Z"},
    {"6\u202fd\u00e9cembre\u202f2026 \u00e0\u202f10:30", "2026-12-06T10:30:00Z"},
    {"Sun,\u2009 06\u2009Dec\u20092026", "2026-12-06T00:00:00Z"},
    {"Jun 22, 2023 at 1:11\u202fPM EDT", "2023-06-22T17:11:00Z"}, /* CLDR 42 en-US */
    {"2026-12-06\u00a010:00:00\u00a0+01:00", "2026-12-06T09:00:00Z"},
    {"\u00a0\u30002026-12-06\u2003", "2026-12-06T00:00:00Z"},
    {"6\u200bd\u00e9cembre 2026", NULL}, /* zero width space: no blank */
    {"6\xe2\x80"
     "Ad\u00e9cembre 2026",
     NULL}, /* a broken sequence is no space */
    {"\u00a0\u202f", NULL},
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

/*
 * The IANA zones date.c knows agree with the C library's time zone
 * database every half hour from 2007 to 2030, but for the local times the
 * autumn's clock change makes twice, which date.c leaves unread (skipped
 * where the database is not installed).
 */
static void
test_iana_vs_tzdata(void **state)
{
	static const char *const zones[] = {"Europe/Paris", "Europe/London", "America/New_York",
	                                    "America/Los_Angeles", "Asia/Kolkata"};
	char path[128], in[96], out[21], want[32];
	struct tm tm, near;
	time_t t, u;
	FILE *f;
	size_t z;
	int count = 0, twice = 0, before = 0, r;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zones[z]);
		if ((f = fopen(path, "r")) == NULL)
			skip();
		fclose(f);
		setenv("TZ", zones[z], 1);
		tzset();
		for (t = 1167609600; t < 1924992000; t += 1800) { /* 2007 to 2030 */
			assert_non_null(localtime_r(&t, &tm));
			if (tm.tm_year + 1900 < 2007) { /* before the US rule */
				before++;
				continue;
			}
			r = (int)strftime(in, sizeof(in), "%Y-%m-%d %H:%M:%S ", &tm);
			snprintf(in + r, sizeof(in) - (size_t)r, "%s", zones[z]);
			assert_non_null(gmtime_r(&t, &tm));
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
			if (date_normalize(in, out) != 0) {
				assert_non_null(localtime_r(&t, &tm));
				u = t - 3600;
				assert_non_null(localtime_r(&u, &near));
				if (near.tm_hour != tm.tm_hour || near.tm_min != tm.tm_min) {
					u = t + 3600;
					assert_non_null(localtime_r(&u, &near));
				}
				if (near.tm_hour != tm.tm_hour || near.tm_min != tm.tm_min)
					fail_msg("%s: unread, want %s", in, want);
				twice++;
				continue;
			}
			if (strcmp(out, want) != 0)
				fail_msg("%s: got %.21s, want %s", in, out, want);
			count++;
		}
	}
	setenv("TZ", "UTC", 1);
	tzset();
	/* 4 zones change their clocks: 24 autumns, 2 half hours lived twice each */
	assert_int_equal(twice, 4 * 24 * 2 * 2);
	assert_int_equal(before, 2 * 5 + 2 * 8); /* New York's and Los Angeles' hours in 2006 */
	assert_int_equal(count, 5 * 420768 - twice - before);
}

/*
 * date_seconds() and date_show(): the seconds of any date date_normalize()
 * reads, shown at an offset as the pages show times; checked against
 * gmtime_r over many instants (the offset added), and the day only.
 */
static void
test_seconds_show(void **state)
{
	char out[DATE_SHOW_MAX], want[DATE_SHOW_MAX];
	int64_t t;

	(void)state;
	assert_int_equal(date_seconds("2026-12-07T08:14:03Z", &t), 0);
	assert_int_equal(t, 1796631243);
	assert_int_equal(date_seconds("Mon, 07 Dec 2026 09:14:03 +0100", &t), 0);
	assert_int_equal(t, 1796631243);
	assert_int_equal(date_seconds("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
	assert_int_equal(date_seconds("yesterday", &t), -1);
	assert_int_equal(date_show(1796631243, 3600, 0, out), 0);
	assert_string_equal(out, "2026-12-07 09:14 +01:00");
	assert_int_equal(date_show(1796631243, -(5 * 3600 + 30 * 60), 0, out), 0);
	assert_string_equal(out, "2026-12-07 02:44 -05:30");
	assert_int_equal(date_show(1796631243, 0, 0, out), 0);
	assert_string_equal(out, "2026-12-07 08:14 +00:00");
	assert_int_equal(date_show(1796631243, 16 * 3600, 1, out), 0);
	assert_string_equal(out, "2026-12-08");
	assert_int_equal(date_show(253402300799LL + 3600, 0, 0, out), -1); /* year 10000 */
	assert_string_equal(out, "");
	for (int64_t s = -86400LL * 365 * 30; s < 86400LL * 365 * 60; s += 7919 * 61) {
		time_t tt = (time_t)(s + 3600 * 9 + 45 * 60);
		struct tm tm;

		assert_non_null(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M +09:45", &tm);
		assert_int_equal(date_show(s, 9 * 3600 + 45 * 60, 0, out), 0);
		assert_string_equal(out, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),          cmocka_unit_test(test_process_zone_ignored),
	    cmocka_unit_test(test_every_day),      cmocka_unit_test(test_unix_vs_gmtime),
	    cmocka_unit_test(test_iana_vs_tzdata), cmocka_unit_test(test_seconds_show),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
