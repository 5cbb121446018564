/*
 * digest.c: the periods of a digest (digest.h). Local time through
 * localtime_r() and mktime() with tm_isdst = -1, so that a day of 23 or 25
 * hours (daylight saving time) still ends at the configured local time.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "digest.h"

static const char *const wdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const char *const wdays_long[] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};

/* "HH:MM" or "H:MM" (8:00 as people write it) → 0 with *h *m. */
static int
parse_hhmm(const char *s, int *h, int *m)
{
	size_t n = strlen(s), hd = n - 3; /* the hour's digits: 1 or 2 */

	if ((n != 4 && n != 5) || s[hd] != ':' || s[0] < '0' || s[0] > '9' ||
	    (hd == 2 && (s[1] < '0' || s[1] > '9')) || s[hd + 1] < '0' || s[hd + 1] > '5' ||
	    s[hd + 2] < '0' || s[hd + 2] > '9')
		return -1;
	*h = hd == 2 ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
	*m = (s[hd + 1] - '0') * 10 + (s[hd + 2] - '0');
	return *h < 24 ? 0 : -1;
}

int
digest_parse(const char *s, struct digest_period *out, char *why, size_t whysz)
{
	char a[16], b[16], c[16], extra[2];
	int n;

	memset(out, 0, sizeof(*out));
	if (strlen(s) > 40 || (n = sscanf(s, "%15s %15s %15s %1s", a, b, c, extra)) < 1) {
		snprintf(why, whysz, "is not no, 15m, 1h, daily HH:MM or weekly DAY HH:MM");
		return -1;
	}
	if (n == 1 && strcmp(a, "no") == 0) {
		out->kind = DIGEST_NO;
		return 0;
	}
	if (n == 1) {
		unsigned long v = 0;
		size_t i = 0;

		for (; a[i] >= '0' && a[i] <= '9' && v < 100000; i++)
			v = v * 10 + (unsigned long)(a[i] - '0');
		if (i == 0 || (strcmp(a + i, "m") != 0 && strcmp(a + i, "h") != 0)) {
			snprintf(why, whysz, "is not no, 15m, 1h, daily HH:MM or weekly DAY HH:MM");
			return -1;
		}
		v *= a[i] == 'h' ? 3600 : 60;
		/* on the clock: 15m ends at :00 :15 :30 :45, so the period must divide a day */
		if (v < 60 || v > 86400 || 86400 % v != 0) {
			snprintf(
			    why, whysz,
			    "is not a period from 1m to 24h that divides a day (15m, 1h, 6h...)");
			return -1;
		}
		out->kind = DIGEST_EVERY;
		out->every = (unsigned)v;
		return 0;
	}
	if (n == 2 && strcmp(a, "daily") == 0) {
		if (parse_hhmm(b, &out->hour, &out->minute) < 0) {
			snprintf(why, whysz,
			         "has a time that is not HH:MM or H:MM (00:00 to 23:59)");
			return -1;
		}
		out->kind = DIGEST_DAILY;
		return 0;
	}
	if (n == 3 && strcmp(a, "weekly") == 0) {
		for (out->wday = 0; out->wday < 7; out->wday++)
			if (strcasecmp(b, wdays[out->wday]) == 0 ||
			    strcasecmp(b, wdays_long[out->wday]) == 0)
				break;
		if (out->wday == 7) {
			snprintf(why, whysz, "has no day (mon tue wed thu fri sat sun)");
			return -1;
		}
		if (parse_hhmm(c, &out->hour, &out->minute) < 0) {
			snprintf(why, whysz,
			         "has a time that is not HH:MM or H:MM (00:00 to 23:59)");
			return -1;
		}
		out->kind = DIGEST_WEEKLY;
		return 0;
	}
	snprintf(why, whysz, "is not no, 15m, 1h, daily HH:MM or weekly DAY HH:MM");
	return -1;
}

/* The local HH:MM of the day of tm plus days, as Unix seconds. */
static int64_t
at_local(const struct tm *day, int days, int hour, int minute)
{
	struct tm t = *day;

	t.tm_mday += days;
	t.tm_hour = hour;
	t.tm_min = minute;
	t.tm_sec = 0;
	t.tm_isdst = -1;
	return (int64_t)mktime(&t);
}

/* Local midnight of the day of now, and the offset of now from it in seconds. */
static int64_t
since_midnight(int64_t now, int64_t *midnight)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	*midnight = at_local(&tm, 0, 0, 0);
	return now - *midnight;
}

int64_t
digest_next_end(const struct digest_period *p, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	int64_t end, mid, off;

	switch (p->kind) {
	case DIGEST_NO:
		return now;
	case DIGEST_EVERY:
		/* the multiples of the period since local midnight (elapsed seconds) */
		off = since_midnight(now, &mid);
		end = mid + (off / p->every + 1) * p->every;
		return end;
	case DIGEST_DAILY:
	case DIGEST_WEEKLY:
		localtime_r(&t, &tm);
		for (int d = 0; d < 15; d++) {
			if (p->kind == DIGEST_WEEKLY && (tm.tm_wday + d) % 7 != p->wday)
				continue;
			end = at_local(&tm, d, p->hour, p->minute);
			if (end > now)
				return end;
		}
		break;
	}
	return now;
}

int64_t
digest_start(const struct digest_period *p, int64_t end)
{
	time_t t = (time_t)end;
	struct tm tm;
	int64_t start, mid, off;

	switch (p->kind) {
	case DIGEST_NO:
		return end;
	case DIGEST_EVERY:
		off = since_midnight(end - 1, &mid);
		start = mid + (off / p->every) * p->every;
		return start;
	case DIGEST_DAILY:
	case DIGEST_WEEKLY:
		localtime_r(&t, &tm);
		for (int d = 0; d > -15; d--) {
			if (p->kind == DIGEST_WEEKLY && ((tm.tm_wday + d) % 7 + 7) % 7 != p->wday)
				continue;
			start = at_local(&tm, d, p->hour, p->minute);
			if (start < end)
				return start;
		}
		break;
	}
	return end;
}

void
digest_describe(const struct digest_period *p, int64_t end, char *buf, size_t sz)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	time_t t = (time_t)end;
	struct tm tm;

	localtime_r(&t, &tm);
	switch (p != NULL ? p->kind : DIGEST_NO) {
	case DIGEST_DAILY:
		snprintf(buf, sz, "%02d:%02d (daily)", tm.tm_hour, tm.tm_min);
		return;
	case DIGEST_WEEKLY:
		snprintf(buf, sz, "%s %02d:%02d (weekly)", days[tm.tm_wday], tm.tm_hour, tm.tm_min);
		return;
	case DIGEST_EVERY:
		if (p->every % 3600 == 0)
			snprintf(buf, sz, "%02d:%02d (every %uh)", tm.tm_hour, tm.tm_min,
			         p->every / 3600);
		else
			snprintf(buf, sz, "%02d:%02d (every %um)", tm.tm_hour, tm.tm_min,
			         p->every / 60);
		return;
	case DIGEST_NO:
		/* no longer configured: its end alone, with its day */
		snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min);
		return;
	}
}
