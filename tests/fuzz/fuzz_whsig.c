/*
 * fuzz_whsig.c: libFuzzer harness for whsig.c. The input's first line is
 * a secret for whsig_secret_decode(), its second a webhook-signature
 * header, the rest the body. A decoded key must be 1 to WHSIG_KEY_MAX
 * bytes; whsig_verify() answers 0 or 1, and 1 for the header with our own
 * signature added; the whole input through base64_decode() must keep the
 * decoder's length promise and re-encode to the same length; any bytes
 * must come back from base64_encode() then base64_decode(). Checked with
 * abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "whsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[0..n); caller frees. */
static char *
fuzz_str(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

static void
fuzz_base64(const uint8_t *data, size_t size)
{
	unsigned char *dec = malloc(size + 1), *back = malloc(size + 1);
	char *enc = malloc(4 * ((size + 2) / 3) + 1);
	long n, m;

	if (dec == NULL || back == NULL || enc == NULL)
		abort();
	n = base64_decode((const char *)data, size, dec, size);
	if (n >= 0) {
		if (size % 4 != 0 || (size_t)n > size / 4 * 3 || (size_t)n + 2 < size / 4 * 3)
			abort();
		base64_encode(dec, (size_t)n, enc);
		if (strlen(enc) != size)
			abort();
		/* the canonical form reads back to the same bytes */
		m = base64_decode(enc, size, back, size);
		if (m != n || memcmp(back, dec, (size_t)n) != 0)
			abort();
		/* one byte less room than needed is refused */
		if (n > 0 && base64_decode((const char *)data, size, back, (size_t)n - 1) != -1)
			abort();
	}
	base64_encode(data, size, enc);
	if (strlen(enc) != 4 * ((size + 2) / 3))
		abort();
	m = base64_decode(enc, strlen(enc), back, size);
	if (m != (long)size || memcmp(back, data, size) != 0)
		abort();
	free(dec);
	free(back);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[WHSIG_KEY_MAX];
	const uint8_t *nl1, *nl2 = NULL, *body;
	char *secret, *header, *both, sig[WHSIG_SIG_LEN];
	size_t keylen, blen;
	int n, v;

	nl1 = memchr(data, '\n', size);
	secret = fuzz_str(data, nl1 != NULL ? (size_t)(nl1 - data) : size);
	if (nl1 != NULL)
		nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data));
	header = nl1 != NULL ? fuzz_str(nl1 + 1, nl2 != NULL ? (size_t)(nl2 - nl1 - 1)
	                                                     : size - (size_t)(nl1 + 1 - data))
	                     : fuzz_str(data, 0);
	body = nl2 != NULL ? nl2 + 1 : data + size;
	blen = (size_t)(data + size - body);

	n = whsig_secret_decode(secret, key, sizeof(key));
	if (n == 0 || n < -1 || n > WHSIG_KEY_MAX)
		abort();
	if (n > 0 && strncmp(secret, "whsec_", 6) != 0)
		abort();
	keylen = n > 0 ? (size_t)n : 3;
	if (n < 0)
		memcpy(key, "key", 3);

	v = whsig_verify(key, keylen, "msg_x", 1614265330LL, (const char *)body, blen, header);
	if (v != 0 && v != 1)
		abort();
	whsig_sign(key, keylen, "msg_x", 1614265330LL, (const char *)body, blen, sig);
	if (strlen(sig) != WHSIG_SIG_LEN - 1 || memcmp(sig, "v1,", 3) != 0)
		abort();
	both = malloc(strlen(header) + WHSIG_SIG_LEN + 1);
	if (both == NULL)
		abort();
	strcpy(both, header);
	strcat(both, " ");
	strcat(both, sig);
	if (whsig_verify(key, keylen, "msg_x", 1614265330LL, (const char *)body, blen, both) != 1)
		abort();
	/* another timestamp is another signature */
	if (whsig_verify(key, keylen, "msg_x", 1614265331LL, (const char *)body, blen, sig) != 0)
		abort();

	fuzz_base64(data, size);
	free(both);
	free(secret);
	free(header);
	return 0;
}
