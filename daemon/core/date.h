/* date.h: the dates articles and feeds carry, as RFC 3339 UTC. */
#ifndef HARK_DATE_H
#define HARK_DATE_H

#include <stddef.h>

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

#endif
