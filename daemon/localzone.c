/*
 * localzone.c: the process's time zone as a value (localzone.h). The pages
 * show times as the command line does, in local time; the renderers are
 * pure, so the shell reads the zone once, when the HTTP server starts,
 * and hands them the table.
 */
#include <stdlib.h>
#include <time.h>

#include "localzone.h"

#define DAY 86400

/* The offset from UTC at t, seconds east; 0 when localtime_r cannot say. */
static int32_t
localzone_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

/* Append {from, off} to *v. Returns 0, or -1 (out of memory: *v freed). */
static int
localzone_push(struct page_zone_span **v, size_t *n, size_t *cap, int64_t from, int32_t off)
{
	struct page_zone_span *nv;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		if ((nv = realloc(*v, *cap * sizeof(**v))) == NULL) {
			free(*v);
			*v = NULL;
			return -1;
		}
		*v = nv;
	}
	(*v)[(*n)++] = (struct page_zone_span){from, off};
	return 0;
}

int
localzone_read(int64_t now, struct page_zone *z)
{
	int64_t from = now - (int64_t)LOCALZONE_PAST * 366 * DAY;
	int64_t to = now + (int64_t)LOCALZONE_AHEAD * 366 * DAY;
	struct page_zone_span *v = NULL;
	size_t n = 0, cap = 0;
	int32_t off;

	z->spans = NULL;
	z->n = 0;
	/* what localtime_r reads: TZ, else /etc/localtime */
	tzset();
	off = localzone_at(from);
	if (localzone_push(&v, &n, &cap, from, off) < 0)
		return -1;
	for (int64_t t = from; t < to; t += DAY) {
		int64_t lo = t, hi = t + DAY;

		if (localzone_at(hi) == off)
			continue;
		/* the change lies in (lo, hi]: find its first second */
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;

			if (localzone_at(mid) == off)
				lo = mid;
			else
				hi = mid;
		}
		off = localzone_at(hi);
		if (localzone_push(&v, &n, &cap, hi, off) < 0)
			return -1;
	}
	z->spans = v;
	z->n = n;
	return 0;
}
