/*
 * fuzz_loginform.c: libFuzzer harness for loginform.c, what a browser
 * sends to log in: the bytes up to their first NUL are the body of POST
 * /login for loginform_parse() and the value of a Cookie header for
 * loginform_cookie(). A parsed field lies in the body, NUL-terminated
 * there, and a refusal is one line of printable ASCII; a session id taken
 * is written in the header as 64 hex digits after "hark_session=". Every
 * field the input holds, %-escaped whole, parses back to itself as token.
 * Checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loginform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_inside(const char *field, const char *buf, size_t n)
{
	if (field == NULL)
		return;
	if (field < buf || field > buf + n || field + strlen(field) > buf + n)
		abort();
}

static void
fuzz_one_line(const char *err)
{
	if (err[0] == '\0')
		abort();
	for (const char *p = err; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *buf = malloc(n + 1), *esc = malloc(3 * n + 7), err[128] = "";
	unsigned char id[LOGINFORM_ID];
	struct loginform f;

	if (buf == NULL || esc == NULL)
		goto out;
	memcpy(buf, data, n);
	buf[n] = '\0';
	if (loginform_cookie(buf, id) == 0) {
		char hex[2 * LOGINFORM_ID + 1], key[sizeof(LOGINFORM_COOKIE) + 1];
		const char *at = buf;
		int found = 0;

		for (size_t i = 0; i < LOGINFORM_ID; i++)
			snprintf(hex + 2 * i, 3, "%02x", id[i]);
		snprintf(key, sizeof(key), "%s=", LOGINFORM_COOKIE);
		while ((at = strstr(at, key)) != NULL && !found) {
			at += strlen(key);
			found = strncasecmp(at, hex, 2 * LOGINFORM_ID) == 0;
		}
		if (!found)
			abort();
	}
	if (loginform_parse(buf, &f, err, sizeof(err)) == 0) {
		fuzz_inside(f.token, buf, n);
		fuzz_inside(f.next, buf, n);
	} else {
		fuzz_one_line(err);
	}
	/* the input as one escaped token: parsed back unchanged */
	memcpy(buf, data, n);
	buf[n] = '\0';
	memcpy(esc, "token=", 6);
	for (size_t i = 0; i < n; i++)
		snprintf(esc + 6 + 3 * i, 4, "%%%02X", (unsigned char)buf[i]);
	esc[6 + 3 * n] = '\0';
	if (loginform_parse(esc, &f, err, sizeof(err)) != 0 || f.token == NULL || f.next != NULL ||
	    strcmp(f.token, buf) != 0)
		abort();
out:
	free(buf);
	free(esc);
	return 0;
}
