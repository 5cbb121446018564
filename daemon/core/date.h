/* date.h: the dates articles and feeds carry, as RFC 3339 UTC. */
#ifndef HARK_DATE_H
#define HARK_DATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Normalize a date to "YYYY-MM-DDTHH:MM:SSZ" (UTC) in out: RFC 3339 and ISO
 * 8601 (with or without time, zone, fraction), RFC 822/1123 with named or
 * numeric zones (RSS pubDate, 2-digit years too), and the forms feeds write
 * besides: month and day names in English, French, German, Spanish,
 * Italian, Portuguese, Dutch and Russian, the month before the day, ordinal
 * days, the 12-hour clock, ANSI C and Unix date output, GMT+0200, IANA zone
 * names (those date.c lists), dates in numbers only when one order alone
 * makes a date; Unix seconds (with a fraction, as some front matter holds).
 * Returns 0, or -1 when s is not a date it can read without guessing.
 */
int date_normalize(const char *s, char out[21]);

/* The Unix seconds of s, any date date_normalize() reads. Returns 0, or -1. */
int date_seconds(const char *s, int64_t *t);

/*
 * Unix time t for people, at off seconds east of UTC (a zone's offset at
 * t, which the caller looked up): "YYYY-MM-DD HH:MM +HH:MM" (the offset's
 * seconds, which only old local mean times have, are not shown), or with
 * day_only "YYYY-MM-DD". Returns 0, or -1 when the year there has not 4
 * digits (out "").
 */
#define DATE_SHOW_MAX 24
int date_show(int64_t t, long off, int day_only, char out[DATE_SHOW_MAX]);

#endif
