/*
 * fuzz_digest.c: libFuzzer harness for digest.c. The input is parsed by
 * digest_parse(); a period taken has its fields in range, and from a few
 * clocks its next end is after now, within 8 days, and its start is
 * before that end. Violations abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t clocks[] = {0, 1796000000, 1774746000, 1792890000, 1798416000};
	struct digest_period p;
	char s[64], why[128];

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (digest_parse(s, &p, why, sizeof(why)) != 0)
		return 0;
	if (p.kind == DIGEST_NO)
		return 0;
	if (p.hour < 0 || p.hour > 23 || p.minute < 0 || p.minute > 59 || p.wday < 0 || p.wday > 6)
		abort();
	if (p.kind == DIGEST_EVERY && (p.every < 60 || p.every > 86400 || 86400 % p.every != 0))
		abort();
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		int64_t end = digest_next_end(&p, clocks[i]);

		if (end <= clocks[i] || end > clocks[i] + 8 * 86400)
			abort();
		if (digest_start(&p, end) >= end)
			abort();
	}
	return 0;
}
