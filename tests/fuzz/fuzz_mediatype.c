/*
 * fuzz_mediatype.c: libFuzzer harness for mediatype.c. The bytes, up to
 * the first NUL, are a Content-Type value: the answer is 0, -1 or -2; on
 * 0 the type is lower-case and the format one of the enum, on an error the
 * message is one terminated line of printable text. Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediatype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mediatype m;
	char *s = malloc(size + 1), err[200];
	int r;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(err, 'x', sizeof(err));
	r = mediatype_parse(s, &m, err, sizeof(err));
	if (r == 0) {
		if (memchr(m.type, '\0', sizeof(m.type)) == NULL ||
		    memchr(m.charset, '\0', sizeof(m.charset)) == NULL)
			abort();
		for (const char *p = m.type; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
		if (m.as < EXTRACT_SNIFF || m.as > EXTRACT_AS_FEED)
			abort();
	} else if (r == -1 || r == -2) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		for (const char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
				abort();
	} else {
		abort();
	}
	free(s);
	return 0;
}
