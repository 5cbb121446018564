/*
 * entities.c: the HTML named character references (see entities.h). The
 * table is generated from the WHATWG's list by contrib/gen-entities.py.
 */
#include "entities.h"

#include <stdlib.h>
#include <string.h>

struct entity {
	const char *name;
	uint32_t cp[2];
};

/* Sorted by strcmp() for bsearch(). */
static const struct entity entities[] = {
#include "entities_table.h"
};

#define NENTITIES (sizeof(entities) / sizeof(entities[0]))

/* The longest name, "CounterClockwiseContourIntegral". */
#define ENTITY_NAME_MAX 31

static int
entity_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct entity *)e)->name);
}

int
entity_lookup(const char *name, size_t n, uint32_t cp[2])
{
	char buf[ENTITY_NAME_MAX + 1];
	const struct entity *e;

	if (n == 0 || n > ENTITY_NAME_MAX)
		return 0;
	memcpy(buf, name, n);
	buf[n] = '\0';
	if ((e = bsearch(buf, entities, NENTITIES, sizeof(entities[0]), entity_cmp)) == NULL)
		return 0;
	cp[0] = e->cp[0];
	cp[1] = e->cp[1];
	return e->cp[1] != 0 ? 2 : 1;
}
