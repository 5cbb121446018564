/*
 * Unit tests for sha256.c: the FIPS 180-4 examples (one of them fed in odd
 * chunks that straddle the 64-byte blocks), RFC 4231 HMAC cases 1-4 and 6,
 * and the signature of the Standard Webhooks specification's example.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void
to_hex(const unsigned char *d, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

static void
test_fips(void **state)
{
	char hex[2 * SHA256_LEN + 1];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 448 bits: the padding no longer fits the first block */
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_million(void **state)
{
	static const size_t chunks[] = {1, 7, 63, 64, 65, 129, 3, 1000};
	unsigned char a[1000], d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	struct sha256 s;
	size_t done = 0;

	(void)state;
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (size_t i = 0; done < 1000000; i++) {
		size_t n = chunks[i % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&s, a, n);
		done += n;
	}
	sha256_final(&s, d);
	to_hex(d, sizeof(d), hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
check_hmac(const unsigned char *key, size_t keylen, const void *msg, size_t msglen,
           const char *want)
{
	unsigned char d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	hmac_sha256(key, keylen, msg, msglen, d);
	to_hex(d, sizeof(d), hex);
	assert_string_equal(hex, want);
}

static void
test_rfc4231(void **state)
{
	unsigned char key[131], msg[50];

	(void)state;
	memset(key, 0x0b, 20);
	check_hmac(key, 20, "Hi There", 8,
	           "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28,
	           "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, 20);
	memset(msg, 0xdd, 50);
	check_hmac(key, 20, msg, 50,
	           "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		key[i] = (unsigned char)(i + 1);
	memset(msg, 0xcd, 50);
	check_hmac(key, 25, msg, 50,
	           "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	/* case 6: a key longer than a block is hashed first */
	memset(key, 0xaa, 131);
	check_hmac(key, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
	           "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* RFC 4648 base64 decoding, without padding checks: enough for a test. */
static size_t
b64_decode(const char *in, unsigned char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *in != '\0' && *in != '='; in++) {
		const char *p = strchr(al, *in);

		assert_non_null(p);
		acc = acc << 6 | (uint32_t)(p - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*out++ = al[v >> 18];
		*out++ = al[(v >> 12) & 63];
		*out++ = al[(v >> 6) & 63];
		*out++ = al[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		*out++ = al[v >> 18];
		*out++ = al[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		*out++ = al[v >> 18];
		*out++ = al[(v >> 12) & 63];
		*out++ = al[(v >> 6) & 63];
		*out++ = '=';
	}
	*out = '\0';
}

static void
test_standard_webhooks(void **state)
{
	const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	const char *msg = "msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{\"test\": 2432232314}";
	unsigned char key[64], d[SHA256_LEN];
	char sig[64];
	size_t keylen;

	(void)state;
	keylen = b64_decode(secret + strlen("whsec_"), key);
	assert_int_equal(keylen, 24);
	hmac_sha256(key, keylen, msg, strlen(msg), d);
	b64_encode(d, sizeof(d), sig);
	assert_string_equal(sig, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

/* The digest of p[0..n) fed in pieces of step bytes (0: at once). */
static void
digest_steps(const unsigned char *p, size_t n, size_t step, unsigned char out[SHA256_LEN])
{
	struct sha256 s;

	sha256_init(&s);
	if (step == 0)
		step = n + 1;
	for (size_t off = 0; off < n; off += step)
		sha256_update(&s, p + off, n - off < step ? n - off : step);
	sha256_final(&s, out);
}

/*
 * The SHA-NI blocks against the portable ones: every length to 300 bytes
 * and some long ones (one to many blocks a call), at once and in pieces
 * that split blocks, of bytes from an xorshift (the same every run), and
 * the FIPS vectors both ways. Skipped where the CPU lacks SHA-NI.
 */
static void
test_accel(void **state)
{
	static unsigned char buf[1 << 17];
	static const size_t steps[] = {0, 1, 63, 64, 65, 1000};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned char a[SHA256_LEN], b[SHA256_LEN];

	(void)state;
	if (!sha256_accel(1)) {
		sha256_accel(1);
		skip();
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)(x >> 32);
	}
	for (size_t n = 0; n <= sizeof(buf); n = n < 300 ? n + 1 : n * 3 + 17) {
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			assert_int_equal(sha256_accel(1), 1);
			digest_steps(buf, n, steps[k], a);
			assert_int_equal(sha256_accel(0), 0);
			digest_steps(buf, n, steps[k], b);
			assert_memory_equal(a, b, SHA256_LEN);
		}
	}
	for (int on = 0; on <= 1; on++) {
		char hex[2 * SHA256_LEN + 1];

		assert_int_equal(sha256_accel(on), on);
		sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
		assert_string_equal(
		    hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}
	sha256_accel(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fips),    cmocka_unit_test(test_million),
	    cmocka_unit_test(test_rfc4231), cmocka_unit_test(test_standard_webhooks),
	    cmocka_unit_test(test_accel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
