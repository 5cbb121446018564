/* envnum.c: a whole number from the environment (envnum.h). */
#include "envnum.h"

#include <errno.h>
#include <stdlib.h>

#include "log.h"

long
envnum_get(const char *name, long min, long max, long dflt, const char *unit)
{
	const char *e = getenv(name);
	char *end;
	long n;

	if (e == NULL || *e == '\0')
		return dflt;
	errno = 0;
	n = strtol(e, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max) {
		log_warnx("%s=%s is not a number of %s (%ld-%ld): using %ld", name, log_quote(e),
		          unit, min, max, dflt);
		return dflt;
	}
	return n;
}
