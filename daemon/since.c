/*
 * since.c: the --since argument of hark hits and hark backtest: a duration
 * before now or a point in time.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "hark.h"

/* "90s" "15m" "2h" "7d" "1w": seconds; -1 when s is not one. */
static int
since_duration(const char *s, int64_t *secs)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == end[0]) {
			/* more than a thousand years is a typo, and would overflow in ms */
			if (n > 1000ULL * 366 * 86400 / (unsigned long long)units[i].secs)
				return -1;
			*secs = (int64_t)n * units[i].secs;
			return 0;
		}
	return -1;
}

/*
 * An absolute --since: a day (YYYY-MM-DD, its local midnight, as the text
 * output shows local times) or an RFC 3339 time. Returns 0 with Unix
 * seconds, -1 when s is neither.
 */
static int
since_time(const char *s, int64_t *secs)
{
	char norm[21];
	struct tm tm;
	time_t t;

	/* date_normalize also takes Unix seconds: "--since 90" must not mean 1970 */
	if (strlen(s) < 10 || !isdigit((unsigned char)s[0]) || s[4] != '-')
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) == 10) {
		if (sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
			return -1;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_isdst = -1;
		if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
		    (t = mktime(&tm)) == (time_t)-1)
			return -1;
		*secs = (int64_t)t;
		return 0;
	}
	if (date_normalize(s, norm) < 0)
		return -1;
	if (sscanf(norm, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*secs = (int64_t)timegm(&tm);
	return 0;
}

int
since_parse(const char *s, int64_t now, int64_t *secs)
{
	if (since_duration(s, secs) == 0) {
		*secs = now - *secs;
		return 0;
	}
	return since_time(s, secs);
}

const char *
since_error(const char *s)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
	         "'%.100s' is not a duration (90s 15m 2h 7d 1w) or a time (RFC 3339, YYYY-MM-DD)",
	         s);
	return buf;
}
