/* Unit tests for mute.c: the lengths and times of hark mute and POST /api/v1/rules/ID/mute. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mute.h"

/* A length: its seconds, or -1 when refused. */
static const struct {
	const char *in;
	int64_t secs;
} fors[] = {
    {"30m", 1800},
    {"12h", 43200},
    {"2d", 172800},
    {"1w", 604800},
    {"90s", 90},
    {"1d12h", 129600},
    {"1h30m", 5400},
    {"  2d \t", 172800},
    {"366d", 366 * 86400},
    {"52w", 52 * 604800},
    {"367d", -1},    /* longer than a year */
    {"53w", -1},     /* too */
    {"300d70d", -1}, /* the sum too */
    {"99999999999999999999d", -1},
    {"0m", -1}, /* no time at all */
    {"0d0h", -1},
    {"", -1},
    {"   ", -1},
    {"2", -1},   /* no unit */
    {"d", -1},   /* no number */
    {"2x", -1},  /* an unknown unit */
    {"2D", -1},  /* units are lower case */
    {"2 d", -1}, /* no blank inside */
    {"-2d", -1}, /* never negative */
    {"+2d", -1},
    {"2d-", -1},
    {"1.5d", -1},
    {"2dd", -1},
    {"until", -1}, /* mute_parse_for knows no until */
};

static void
test_for(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fors) / sizeof(fors[0]); i++) {
		struct mute_len m;
		char err[256] = "";
		int rc = mute_parse_for(fors[i].in, strlen(fors[i].in), &m, err, sizeof(err));

		if (fors[i].secs < 0) {
			if (rc != -1)
				fail_msg("'%s' was taken as %lld s", fors[i].in, (long long)m.secs);
			if (err[0] == '\0' || strchr(err, '\n') != NULL)
				fail_msg("'%s': the cause must be one line: '%s'", fors[i].in, err);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s' refused: %s", fors[i].in, err);
		assert_int_equal(m.kind, MUTE_FOR);
		if (m.secs != fors[i].secs)
			fail_msg("'%s': %lld s, want %lld", fors[i].in, (long long)m.secs,
			         (long long)fors[i].secs);
	}
}

/* A time: kind, then the local fields or the Unix seconds; kind -1 when refused. */
static const struct {
	const char *in;
	int kind;
	int y, mo, d, h, mi, s;
	int64_t at;
} untils[] = {
    {"2026-12-24", MUTE_LOCAL, 2026, 12, 24, 0, 0, 0, 0},
    {"2026-12-24 08:00", MUTE_LOCAL, 2026, 12, 24, 8, 0, 0, 0},
    {"2026-12-24T08:30:15", MUTE_LOCAL, 2026, 12, 24, 8, 30, 15, 0},
    {"  2026-12-24   08:00 ", MUTE_LOCAL, 2026, 12, 24, 8, 0, 0, 0},
    {"2028-02-29", MUTE_LOCAL, 2028, 2, 29, 0, 0, 0, 0},
    {"2026-12-24T08:00:00Z", MUTE_AT, 0, 0, 0, 0, 0, 0, 1798099200},
    {"2026-12-24T08:00z", MUTE_AT, 0, 0, 0, 0, 0, 0, 1798099200},
    {"2026-12-24T10:00:00+02:00", MUTE_AT, 0, 0, 0, 0, 0, 0, 1798099200},
    {"2026-12-24T03:30-0430", MUTE_AT, 0, 0, 0, 0, 0, 0, 1798099200},
    {"2026-12-24 08:00 Z", -1, 0, 0, 0, 0, 0, 0, 0}, /* no blank before the zone */
    {"2027-02-29", -1, 0, 0, 0, 0, 0, 0, 0},         /* not a leap year */
    {"2026-13-01", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-00-10", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-04-31", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24 24:00", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24 08:60", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24 08:00:60", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24 8:00", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24 08", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24T08:00+25:00", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24T08:00+02:0", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24T08:00 UTC", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026-12-24x", -1, 0, 0, 0, 0, 0, 0, 0},
    {"1969-12-31", -1, 0, 0, 0, 0, 0, 0, 0},
    {"26-12-24", -1, 0, 0, 0, 0, 0, 0, 0},
    {"2026/12/24", -1, 0, 0, 0, 0, 0, 0, 0},
    {"tomorrow", -1, 0, 0, 0, 0, 0, 0, 0},
    {"", -1, 0, 0, 0, 0, 0, 0, 0},
};

static void
test_until(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(untils) / sizeof(untils[0]); i++) {
		struct mute_len m;
		char err[256] = "";
		int rc = mute_parse_until(untils[i].in, strlen(untils[i].in), &m, err, sizeof(err));

		if (untils[i].kind < 0) {
			if (rc != -1)
				fail_msg("'%s' was taken", untils[i].in);
			if (err[0] == '\0' || strchr(err, '\n') != NULL)
				fail_msg("'%s': the cause must be one line: '%s'", untils[i].in,
				         err);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s' refused: %s", untils[i].in, err);
		if ((int)m.kind != untils[i].kind)
			fail_msg("'%s': kind %d, want %d", untils[i].in, m.kind, untils[i].kind);
		if (m.kind == MUTE_AT && m.secs != untils[i].at)
			fail_msg("'%s': %lld, want %lld", untils[i].in, (long long)m.secs,
			         (long long)untils[i].at);
		if (m.kind == MUTE_LOCAL &&
		    (m.year != untils[i].y || m.mon != untils[i].mo || m.day != untils[i].d ||
		     m.hour != untils[i].h || m.min != untils[i].mi || m.sec != untils[i].s))
			fail_msg("'%s': %04d-%02d-%02d %02d:%02d:%02d", untils[i].in, m.year, m.mon,
			         m.day, m.hour, m.min, m.sec);
	}
}

/* mute_parse: "until WHEN" or a length; a word that only starts like until is neither. */
static void
test_either(void **state)
{
	struct mute_len m;
	char err[256];

	(void)state;
	assert_int_equal(mute_parse("2d", 2, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kind, MUTE_FOR);
	assert_int_equal(m.secs, 172800);
	assert_int_equal(
	    mute_parse(" until 2026-12-24", strlen(" until 2026-12-24"), &m, err, sizeof(err)), 0);
	assert_int_equal(m.kind, MUTE_LOCAL);
	assert_int_equal(m.day, 24);
	assert_int_equal(mute_parse("until\t2026-12-24T08:00Z", strlen("until\t2026-12-24T08:00Z"),
	                            &m, err, sizeof(err)),
	                 0);
	assert_int_equal(m.kind, MUTE_AT);
	assert_int_equal(mute_parse("until2026-12-24", 15, &m, err, sizeof(err)), -1);
	assert_int_equal(mute_parse("until", 5, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a time"));
	assert_int_equal(mute_parse("untilx", 6, &m, err, sizeof(err)), -1);
	/* only len bytes are read: "2d" of "2dXX" */
	assert_int_equal(mute_parse("2dXX", 2, &m, err, sizeof(err)), 0);
	assert_int_equal(m.secs, 172800);
	/* a cause quotes at most 40 bytes of the input, and no control byte */
	assert_int_equal(mute_parse("\x1b[31m"
	                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	                            55, &m, err, sizeof(err)),
	                 -1);
	assert_null(strchr(err, '\x1b'));
	assert_non_null(strstr(err, "..."));
}

/* mute_utc_secs agrees with timegm on every day of 1970-2100. */
static void
test_utc_secs(void **state)
{
	(void)state;
	for (int64_t t = 0; t < 4102444800; t += 86400 + 3661) {
		time_t tt = (time_t)t;
		struct tm tm;

		gmtime_r(&tt, &tm);
		if (mute_utc_secs(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		                  tm.tm_min, tm.tm_sec) != t)
			fail_msg("%lld", (long long)t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_for),
	    cmocka_unit_test(test_until),
	    cmocka_unit_test(test_either),
	    cmocka_unit_test(test_utc_secs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
