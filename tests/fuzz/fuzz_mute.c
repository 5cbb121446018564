/*
 * fuzz_mute.c: libFuzzer harness for mute.c. The bytes (not NUL-terminated:
 * only size of them may be read) go to mute_parse, mute_parse_for and
 * mute_parse_until. A length taken lies in (0, MUTE_MAX_SECS]; a local time
 * has a real month, day, hour, minute and second; a refusal says why in one
 * line. Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(int rc, const struct mute_len *m, const char *err)
{
	if (rc != 0) {
		if (rc != -1 || err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		return;
	}
	switch (m->kind) {
	case MUTE_FOR:
		if (m->secs <= 0 || m->secs > MUTE_MAX_SECS)
			abort();
		break;
	case MUTE_LOCAL:
	case MUTE_AT:
		if (m->year < 1970 || m->year > 9999 || m->mon < 1 || m->mon > 12 || m->day < 1 ||
		    m->day > 31 || m->hour > 23 || m->min > 59 || m->sec > 59)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: ASan sees a read past them */
	char *s = malloc(size ? size : 1), err[256];
	struct mute_len m;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	err[0] = '\0';
	fuzz_check(mute_parse(s, size, &m, err, sizeof(err)), &m, err);
	err[0] = '\0';
	fuzz_check(mute_parse_for(s, size, &m, err, sizeof(err)), &m, err);
	err[0] = '\0';
	fuzz_check(mute_parse_until(s, size, &m, err, sizeof(err)), &m, err);
	free(s);
	return 0;
}
