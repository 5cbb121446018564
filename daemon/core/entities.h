/*
 * entities.h: the HTML named character references, the WHATWG's list of
 * 2,125 names (libxml2's HTML parser knows HTML 4's 253: "&hyphen;",
 * "&apos;", "&lpar;" stay as written there). Pure, no allocation.
 */
#ifndef HARK_ENTITIES_H
#define HARK_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The code points name[0..n) (without '&' and ';', case-sensitive) stands
 * for into cp: returns how many (1, or 2 for a few mathematical ones such
 * as "NotEqualTilde"), 0 when no reference has that name.
 */
int entity_lookup(const char *name, size_t n, uint32_t cp[2]);

#endif
