/*
 * localzone.h: the process's time zone (TZ, else /etc/localtime) as a
 * value for the pure renderers of the pages (page.h's struct page_zone),
 * read with localtime_r: the offsets from UTC over the years around now.
 */
#ifndef HARK_LOCALZONE_H
#define HARK_LOCALZONE_H

#include <stdint.h>

#include "page.h"

/*
 * The offsets in force from LOCALZONE_PAST years before now to
 * LOCALZONE_AHEAD years after, each change found to the second (the zone
 * is sampled once a day: two changes within a day are seen as one). Times
 * outside keep the offset of the nearest end. Fills *z with spans the
 * caller frees (free((void *)z->spans)); returns 0, or -1 when out of
 * memory (*z then UTC).
 */
#define LOCALZONE_PAST 40
#define LOCALZONE_AHEAD 10
int localzone_read(int64_t now, struct page_zone *z);

#endif
