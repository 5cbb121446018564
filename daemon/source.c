/* source.c: the source= filter of the hits, checked (source.h). */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "source.h"
#include "store.h"

int
source_check(const struct conf *c, struct store *st, const char *source, char *err, size_t errsz)
{
	char why[400];
	int rc;

	/* the names a source can have: a feed's (conf.c), drop and api among them */
	if (!conf_name_ok(source)) {
		snprintf(err, errsz,
		         "source: '%.60s' is not a source's name (a feed's name: letters, digits, "
		         "- _ .; or drop, api)",
		         source);
		return 400;
	}
	if (strcmp(source, "drop") == 0 || strcmp(source, "api") == 0)
		return 0;
	for (size_t i = 0; c != NULL && i < c->nfeeds; i++)
		if (strcmp(c->feeds[i].name, source) == 0)
			return 0;
	rc = store_source_has_hits(st, source, why, sizeof(why));
	if (rc < 0) {
		snprintf(err, errsz, "database: %s", why);
		return 503;
	}
	if (rc == 0) {
		snprintf(err, errsz,
		         "no such source: '%.100s' (not a configured feed, drop or api, and no hit "
		         "stored has it)",
		         source);
		return 404;
	}
	return 0;
}
