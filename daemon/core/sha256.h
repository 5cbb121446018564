/*
 * sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104). Content hashes
 * of articles, and the webhook signatures of the Standard Webhooks
 * specification. Pure: bytes in, digest out.
 */
#ifndef HARK_SHA256_H
#define HARK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t n; /* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);
/* One call; hex is 65 bytes: 64 lower-case digits and a NUL. */
void sha256_hex(const void *p, size_t len, char hex[2 * SHA256_LEN + 1]);
/*
 * Whether the blocks go through the CPU's SHA instructions (x86-64 SHA-NI)
 * when it has them (want 1, the default) or through the portable code
 * (want 0: the tests compare the two). Returns whether they now do.
 */
int sha256_accel(int want);
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                 unsigned char out[SHA256_LEN]);

#endif
