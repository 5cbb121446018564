/*
 * Unit tests for whsig.c: the Standard Webhooks specification's published
 * vector signed and verified, verification among several entries and
 * against changed content, RFC 4648 §10 base64 vectors both ways, invalid
 * base64 and invalid secrets refused, the streamed HMAC against
 * hmac_sha256() for keys and bodies of every interesting size.
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
#include "whsig.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define MSG_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define MSG_TS 1614265330LL
#define BODY "{\"test\": 2432232314}"
#define GOOD "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static int
verify(const char *id, long long ts, const char *body, const char *header)
{
	unsigned char key[WHSIG_KEY_MAX];
	int n = whsig_secret_decode(SECRET, key, sizeof(key));

	assert_int_equal(n, 24);
	return whsig_verify(key, (size_t)n, id, ts, body, strlen(body), header);
}

static void
test_vector(void **state)
{
	unsigned char key[WHSIG_KEY_MAX];
	char sig[WHSIG_SIG_LEN];
	int n;

	(void)state;
	n = whsig_secret_decode(SECRET, key, sizeof(key));
	assert_int_equal(n, 24);
	whsig_sign(key, (size_t)n, MSG_ID, MSG_TS, BODY, strlen(BODY), sig);
	assert_string_equal(sig, GOOD);
	assert_int_equal(strlen(sig), WHSIG_SIG_LEN - 1);
}

static void
test_verify(void **state)
{
	(void)state;
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, GOOD), 1);
	/* among others, in any place, with extra spaces */
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, "v1,bad " GOOD), 1);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, GOOD " v1,bad"), 1);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY,
	                        "  v1a,x v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=  " GOOD
	                        "  "),
	                 1);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, "v1,bad v1,worse"), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, ""), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, "   "), 0);
	/* changed content */
	assert_int_equal(verify(MSG_ID, MSG_TS, "{\"test\": 2432232315}", GOOD), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS, "{\"test\":2432232314}", GOOD), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS + 1, BODY, GOOD), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS - 1, BODY, GOOD), 0);
	assert_int_equal(verify("msg_p5jXN8AQM9LWM0D4loKWxJeK", MSG_TS, BODY, GOOD), 0);
	assert_int_equal(verify("", MSG_TS, BODY, GOOD), 0);
	/* other versions, truncated or extended entries, a changed character */
	assert_int_equal(
	    verify(MSG_ID, MSG_TS, BODY, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), 0);
	assert_int_equal(
	    verify(MSG_ID, MSG_TS, BODY, "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), 0);
	assert_int_equal(
	    verify(MSG_ID, MSG_TS, BODY, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE"), 0);
	assert_int_equal(verify(MSG_ID, MSG_TS, BODY, GOOD "="), 0);
	assert_int_equal(
	    verify(MSG_ID, MSG_TS, BODY, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF="), 0);
	assert_int_equal(
	    verify(MSG_ID, MSG_TS, BODY, "v1,G0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), 0);
	/* the same signature with another key */
	{
		unsigned char other[3] = {1, 2, 3};

		assert_int_equal(
		    whsig_verify(other, sizeof(other), MSG_ID, MSG_TS, BODY, strlen(BODY), GOOD),
		    0);
	}
}

/* The streamed MAC is hmac_sha256() of the joined message, whatever the sizes. */
static void
test_against_hmac(void **state)
{
	static const size_t keylens[] = {1, 24, 63, 64, 65, 200, WHSIG_KEY_MAX};
	static const size_t bodylens[] = {0, 1, 55, 56, 64, 119, 1000, 70000};
	static const long long stamps[] = {0, -1, 1614265330LL, 9223372036854775807LL};
	unsigned char key[WHSIG_KEY_MAX], mac[SHA256_LEN];
	char *body, *msg, sig[WHSIG_SIG_LEN], want[WHSIG_SIG_LEN];
	size_t i, j, k, n;

	(void)state;
	body = malloc(70000);
	msg = malloc(70000 + 128);
	assert_non_null(body);
	assert_non_null(msg);
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < 70000; i++)
		body[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(keylens) / sizeof(keylens[0]); i++)
		for (j = 0; j < sizeof(bodylens) / sizeof(bodylens[0]); j++)
			for (k = 0; k < sizeof(stamps) / sizeof(stamps[0]); k++) {
				n = (size_t)snprintf(msg, 128, "h_01J.%lld.", stamps[k]);
				memcpy(msg + n, body, bodylens[j]);
				hmac_sha256(key, keylens[i], msg, n + bodylens[j], mac);
				memcpy(want, "v1,", 3);
				base64_encode(mac, sizeof(mac), want + 3);
				whsig_sign(key, keylens[i], "h_01J", stamps[k], body, bodylens[j],
				           sig);
				assert_string_equal(sig, want);
				assert_int_equal(whsig_verify(key, keylens[i], "h_01J", stamps[k],
				                              body, bodylens[j], sig),
				                 1);
			}
	free(body);
	free(msg);
}

static void
test_base64_vectors(void **state)
{
	static const struct {
		const char *plain, *enc;
	} rows[] = {
	    {"", ""},
	    {"f", "Zg=="},
	    {"fo", "Zm8="},
	    {"foo", "Zm9v"},
	    {"foob", "Zm9vYg=="},
	    {"fooba", "Zm9vYmE="},
	    {"foobar", "Zm9vYmFy"},
	};
	char enc[16];
	unsigned char dec[16];
	size_t i;
	long n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = strlen(rows[i].plain);

		memset(enc, 'x', sizeof(enc));
		base64_encode((const unsigned char *)rows[i].plain, len, enc);
		assert_string_equal(enc, rows[i].enc);
		memset(dec, 'x', sizeof(dec));
		n = base64_decode(rows[i].enc, strlen(rows[i].enc), dec, sizeof(dec));
		assert_int_equal(n, (long)len);
		assert_memory_equal(dec, rows[i].plain, len);
		/* an output of exactly the decoded size is enough; one less is not */
		n = base64_decode(rows[i].enc, strlen(rows[i].enc), dec, len);
		assert_int_equal(n, (long)len);
		if (len > 0)
			assert_int_equal(
			    base64_decode(rows[i].enc, strlen(rows[i].enc), dec, len - 1), -1);
	}
	/* all 256 byte values and the whole alphabet */
	{
		unsigned char all[256], back[256];
		char text[4 * ((256 + 2) / 3) + 1];

		for (i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		base64_encode(all, sizeof(all), text);
		assert_int_equal(strlen(text), sizeof(text) - 1);
		assert_int_equal(base64_decode(text, strlen(text), back, sizeof(back)), 256);
		assert_memory_equal(all, back, 256);
		base64_encode((const unsigned char *)"\xfb\xff\xbf", 3, text);
		assert_string_equal(text, "+/+/");
	}
}

static void
test_base64_invalid(void **state)
{
	static const char *bad[] = {
	    "Zg",       /* wrong length */
	    "Zg=",      /* wrong length */
	    "Zm9vY",    /* wrong length */
	    "Zm9vYg=",  /* wrong length */
	    "Z===",     /* three pads */
	    "====",     /* only pads */
	    "Zg=a",     /* data after a pad */
	    "Z=g=",     /* pad inside */
	    "Zg==Zm8=", /* pad before the end */
	    "=Zm9",     /* pad first */
	    "Zm9*",     /* bad character */
	    "Zm 9",     /* space */
	    "Zm9v\n",   /* newline */
	    "Zm-_",     /* the URL alphabet is another */
	    "Zm\x80v",  /* high byte */
	};
	unsigned char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(base64_decode(bad[i], strlen(bad[i]), out, sizeof(out)), -1);
	/* a NUL inside the stated length is a bad character */
	assert_int_equal(base64_decode("Zm\0v", 4, out, sizeof(out)), -1);
	/* the length given is what counts, not the NUL */
	assert_int_equal(base64_decode("Zm9vYmFy", 4, out, sizeof(out)), 3);
	assert_memory_equal(out, "foo", 3);
}

static void
test_secret(void **state)
{
	unsigned char key[WHSIG_KEY_MAX + 8];
	char big[8 + 4 * ((WHSIG_KEY_MAX + 3 + 2) / 3) + 1];
	unsigned char raw[WHSIG_KEY_MAX + 3];
	size_t i;

	(void)state;
	/* without padding, as often copied, and with it */
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYg", key, sizeof(key)), 4);
	assert_memory_equal(key, "foob", 4);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYg==", key, sizeof(key)), 4);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYmE", key, sizeof(key)), 5);
	assert_memory_equal(key, "fooba", 5);
	assert_int_equal(whsig_secret_decode("whsec_Zg", key, sizeof(key)), 1);
	/* refused */
	assert_int_equal(whsig_secret_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key, sizeof(key)),
	                 -1);
	assert_int_equal(
	    whsig_secret_decode("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Z", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vY", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zm9v*mFy", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zg==Zm8", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zm9=Zg", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYg= ", key, sizeof(key)), -1);
	assert_int_equal(whsig_secret_decode(" whsec_Zm9vYg==", key, sizeof(key)), -1);
	/* a refused secret leaves no key bytes behind */
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYmF*", key, sizeof(key)), -1);
	for (i = 0; i < WHSIG_KEY_MAX; i++)
		assert_int_equal(key[i], 0);

	/* WHSIG_KEY_MAX bytes fit; one more is too long, whatever keysz says */
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(255 - i);
	memcpy(big, "whsec_", 6);
	base64_encode(raw, WHSIG_KEY_MAX, big + 6);
	assert_int_equal(whsig_secret_decode(big, key, sizeof(key)), WHSIG_KEY_MAX);
	assert_memory_equal(key, raw, WHSIG_KEY_MAX);
	base64_encode(raw, WHSIG_KEY_MAX + 1, big + 6);
	assert_int_equal(whsig_secret_decode(big, key, sizeof(key)), -1);
	/* and keysz, when smaller, is the limit */
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYmFy", key, 6), 6);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYmFy", key, 5), -1);
	assert_int_equal(whsig_secret_decode("whsec_Zm9vYmE", key, 4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vector),         cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_against_hmac),   cmocka_unit_test(test_base64_vectors),
	    cmocka_unit_test(test_base64_invalid), cmocka_unit_test(test_secret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
