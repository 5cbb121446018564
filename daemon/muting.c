/*
 * muting.c: when a mute ends (muting.h). The only part of muting that
 * needs the time zone: a wall time without a zone is the machine's local
 * time, as the text output of hark shows times.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "muting.h"

int
muting_until(const struct mute_len *m, int64_t now, int64_t *until, char *err, size_t errsz)
{
	struct tm tm;
	time_t t;
	int64_t u;

	switch (m->kind) {
	case MUTE_FOR:
		u = now + m->secs;
		break;
	case MUTE_AT:
		u = m->secs;
		break;
	case MUTE_LOCAL:
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = m->year - 1900;
		tm.tm_mon = m->mon - 1;
		tm.tm_mday = m->day;
		tm.tm_hour = m->hour;
		tm.tm_min = m->min;
		tm.tm_sec = m->sec;
		tm.tm_isdst = -1; /* whichever the zone has then */
		if ((t = mktime(&tm)) == (time_t)-1) {
			snprintf(err, errsz, "%04d-%02d-%02d %02d:%02d is not a local time here",
			         m->year, m->mon, m->day, m->hour, m->min);
			return -1;
		}
		u = (int64_t)t;
		break;
	default:
		snprintf(err, errsz, "no such kind of mute");
		return -1;
	}
	if (u <= now) {
		char when[32] = "";

		t = (time_t)u;
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof(when), "%lld", (long long)u);
		snprintf(err, errsz, "%s (local time) is past: a mute must end after now", when);
		return -1;
	}
	if (u - now > MUTE_MAX_SECS) {
		snprintf(
		    err, errsz,
		    "that is more than 366 days away: to stop a rule for good, set enabled = no "
		    "in its rule file");
		return -1;
	}
	*until = u;
	return 0;
}
