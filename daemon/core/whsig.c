/*
 * whsig.c: Standard Webhooks signatures (see whsig.h) and the base64 of
 * RFC 4648 they are written in.
 *
 * The signed content is id "." timestamp "." body. whsig_sign() cannot
 * fail (it returns void), and a body can be any size, so the three parts
 * are fed to HMAC-SHA256 one after the other instead of being copied into
 * one allocated buffer: the HMAC below is RFC 2104's, on sha256.h's
 * incremental hash; the unit test checks it against hmac_sha256() on the
 * joined message.
 */
#include <stdio.h>
#include <string.h>

#include "sha256.h"
#include "whsig.h"

#define WHSIG_PREFIX "whsec_"
#define WHSIG_PREFIX_LEN 6

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of a base64 character, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void
base64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i;
	unsigned long v;

	for (i = 0; i + 3 <= len; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		*out++ = b64_alphabet[v >> 18 & 63];
		*out++ = b64_alphabet[v >> 12 & 63];
		*out++ = b64_alphabet[v >> 6 & 63];
		*out++ = b64_alphabet[v & 63];
	}
	if (len - i == 1) {
		v = (unsigned long)in[i] << 16;
		*out++ = b64_alphabet[v >> 18 & 63];
		*out++ = b64_alphabet[v >> 12 & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;
		*out++ = b64_alphabet[v >> 18 & 63];
		*out++ = b64_alphabet[v >> 12 & 63];
		*out++ = b64_alphabet[v >> 6 & 63];
		*out++ = '=';
	}
	*out = '\0';
}

/*
 * Strict about the shape (whole quads, '=' only as the last one or two
 * characters, no white space) but not about the bits that padding leaves
 * over ("Zh==" reads as "f", as most decoders read it): conf.c accepts
 * such secrets, so refusing them here would fail a checked configuration.
 */
long
base64_decode(const char *in, size_t len, unsigned char *out, size_t outsz)
{
	size_t i, j, pad = 0, n;
	int d[4];

	if (len % 4 != 0)
		return -1;
	if (len > 0 && in[len - 1] == '=')
		pad = len > 1 && in[len - 2] == '=' ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n > outsz)
		return -1;
	for (i = 0, j = 0; i < len; i += 4) {
		for (int k = 0; k < 4; k++) {
			/* padding only where it was counted, at the very end */
			if (i + (size_t)k >= len - pad)
				d[k] = 0;
			else if ((d[k] = b64_value((unsigned char)in[i + k])) < 0)
				return -1;
		}
		out[j++] = (unsigned char)(d[0] << 2 | d[1] >> 4);
		if (j < n)
			out[j++] = (unsigned char)((d[1] & 15) << 4 | d[2] >> 2);
		if (j < n)
			out[j++] = (unsigned char)((d[2] & 3) << 6 | d[3]);
	}
	return (long)n;
}

/*
 * The Standard Webhooks libraries write secrets with padding, but a
 * secret copied without its '=' is common and conf.c accepts it: a last
 * group of 2 or 3 characters is read as if padded.
 */
int
whsig_secret_decode(const char *secret, unsigned char *key, size_t keysz)
{
	const char *b;
	char tail[4];
	size_t len, whole, max = keysz < WHSIG_KEY_MAX ? keysz : WHSIG_KEY_MAX;
	long n, m = 0;

	if (strncmp(secret, WHSIG_PREFIX, WHSIG_PREFIX_LEN) != 0)
		return -1;
	b = secret + WHSIG_PREFIX_LEN;
	len = strlen(b);
	whole = len / 4 * 4;
	if (len % 4 == 1 || (len % 4 != 0 && memchr(b, '=', len) != NULL))
		return -1;
	n = base64_decode(b, whole, key, max);
	if (n >= 0 && len % 4 != 0) {
		memcpy(tail, b + whole, len % 4);
		memset(tail + len % 4, '=', 4 - len % 4);
		m = base64_decode(tail, 4, key + n, max - (size_t)n);
	}
	if (n < 0 || m < 0 || n + m == 0) {
		memset(key, 0, max); /* no part of a refused secret stays behind */
		return -1;
	}
	return (int)(n + m);
}

/* RFC 2104 HMAC-SHA256 over id "." ts "." body, streamed. */
static void
whsig_mac(const unsigned char *key, size_t keylen, const char *id, long long ts, const char *body,
          size_t len, unsigned char mac[SHA256_LEN])
{
	unsigned char k[64], pad[64], inner[SHA256_LEN];
	char tsbuf[32];
	struct sha256 s;
	int n;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k)) {
		sha256_init(&s);
		sha256_update(&s, key, keylen);
		sha256_final(&s, k);
	} else if (keylen > 0) {
		memcpy(k, key, keylen);
	}
	n = snprintf(tsbuf, sizeof(tsbuf), ".%lld.", ts);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof(pad));
	sha256_update(&s, id, strlen(id));
	sha256_update(&s, tsbuf, (size_t)n);
	sha256_update(&s, body, len);
	sha256_final(&s, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, sizeof(pad));
	sha256_update(&s, inner, sizeof(inner));
	sha256_final(&s, mac);
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
	memset(&s, 0, sizeof(s));
}

void
whsig_sign(const unsigned char *key, size_t keylen, const char *id, long long ts, const char *body,
           size_t len, char out[WHSIG_SIG_LEN])
{
	unsigned char mac[SHA256_LEN];

	whsig_mac(key, keylen, id, ts, body, len, mac);
	memcpy(out, "v1,", 3);
	base64_encode(mac, sizeof(mac), out + 3);
}

/*
 * Every "v1," entry of the right length is compared in full, and the loop
 * does not stop at a match: the time taken depends on the header's shape,
 * which the sender knows, never on how many characters of a guess were
 * right.
 */
int
whsig_verify(const unsigned char *key, size_t keylen, const char *id, long long ts,
             const char *body, size_t len, const char *header)
{
	char want[WHSIG_SIG_LEN];
	const char *p = header, *e;
	int ok = 0;

	whsig_sign(key, keylen, id, ts, body, len, want);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if ((size_t)(e - p) == WHSIG_SIG_LEN - 1) {
			unsigned char diff = 0;

			for (size_t i = 0; i < WHSIG_SIG_LEN - 1; i++)
				diff |= (unsigned char)(p[i] ^ want[i]);
			ok |= diff == 0;
		}
		p = e;
	}
	return ok;
}
