/* date.h: the dates articles and feeds carry, as RFC 3339 UTC. */
#ifndef HARK_DATE_H
#define HARK_DATE_H

#include <stddef.h>

/*
 * Normalize a date to "YYYY-MM-DDTHH:MM:SSZ" (UTC) in out: RFC 3339 and ISO
 * 8601 (with or without time, zone, fraction), RFC 822/1123 with named or
 * numeric zones (RSS pubDate, 2-digit years too), Unix seconds (with a
 * fraction, as some front matter holds). Returns 0, or -1 when s is not a
 * date it knows.
 */
int date_normalize(const char *s, char out[21]);

#endif
