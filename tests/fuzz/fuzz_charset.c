/*
 * fuzz_charset.c: libFuzzer harness for charset.c. Every input is sniffed
 * (without a hint, then with its first line as the transport's hint) and
 * converted from the sniffed encoding, and from one more chosen by its first
 * byte, so every converter and its error repair see arbitrary bytes. The
 * invariants are checked with abort(): the converter knows the name, the
 * BOM length fits, and the output is NUL-terminated valid UTF-8.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
    "utf-8",          "ibm866",       "iso-8859-2",   "iso-8859-3",   "iso-8859-6",
    "iso-8859-8-i",   "iso-8859-16",  "koi8-r",       "koi8-u",       "macintosh",
    "x-mac-cyrillic", "windows-874",  "windows-1250", "windows-1252", "windows-1253",
    "windows-1255",   "windows-1256", "windows-1257", "windows-1258", "gbk",
    "gb18030",        "big5",         "euc-jp",       "iso-2022-jp",  "shift_jis",
    "euc-kr",         "utf-16le",     "utf-16be",     "utf-32le",     "utf-32be",
};

static void
fuzz_convert(const char *s, size_t len, const char *cs)
{
	size_t outlen = (size_t)-1;
	char *out = charset_to_utf8(s, len, cs, &outlen);

	if (out == NULL) {
		if (errno != ENOMEM)
			abort(); /* every name here is known */
		return;
	}
	if (outlen == (size_t)-1 || out[outlen] != '\0' || !utf8_valid(out, outlen))
		abort();
	if (len == 0 && outlen != 0)
		abort();
	free(out);
}

/* Sniff, then convert from the name found: the converter must know it. */
static void
fuzz_sniff(const char *s, size_t len, const char *hint)
{
	char name[32], legacy[32];
	enum charset_by by;
	size_t skip, nlegacy = (size_t)-1, outlen = (size_t)-1;
	char *out;

	memset(name, 0x55, sizeof(name));
	skip = charset_sniff(s, len, hint, name, &by);
	if (skip > len || name[0] == '\0' || memchr(name, '\0', sizeof(name)) == NULL)
		abort();
	fuzz_convert(s + skip, len - skip, name);
	/* UTF-8 with single-byte runs: valid UTF-8 out, no more bytes read as legacy than given */
	memset(legacy, 0x55, sizeof(legacy));
	if ((out = charset_mixed_to_utf8(s, len, legacy, &nlegacy, &outlen)) == NULL)
		return;
	if (out[outlen] != '\0' || !utf8_valid(out, outlen) || nlegacy > len ||
	    memchr(legacy, '\0', sizeof(legacy)) == NULL || (by == CHARSET_BY_MIXED && skip != 0))
		abort();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl;
	char *hint;
	size_t hl;

	fuzz_sniff(s, size, NULL);
	/* the UTF-16 hint reads pairs of bytes, a surrogate's partner past the end
	 * of an odd tail among them; its answer is one of two names or none */
	{
		const char *u16 = charset_utf16_guess(s, size);

		if (u16 != NULL && strcmp(u16, "utf-16le") != 0 && strcmp(u16, "utf-16be") != 0)
			abort();
	}
	/* the first line as a Content-Type or a label */
	nl = memchr(s, '\n', size < 128 ? size : 128);
	if (nl != NULL) {
		hl = (size_t)(nl - s);
		if ((hint = malloc(hl + 1)) != NULL) {
			memcpy(hint, s, hl);
			hint[hl] = '\0';
			fuzz_sniff(nl + 1, size - hl - 1, hint);
			free(hint);
		}
	}
	if (size > 0)
		fuzz_convert(s + 1, size - 1, names[data[0] % (sizeof(names) / sizeof(names[0]))]);
	return 0;
}
