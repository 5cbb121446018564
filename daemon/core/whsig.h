/*
 * whsig.h: webhook signatures of the Standard Webhooks specification.
 * A secret is "whsec_" + base64 of the key; a signature is "v1," + base64
 * of HMAC-SHA256(key, id "." timestamp "." body). Pure: no clock, no I/O.
 */
#ifndef HARK_WHSIG_H
#define HARK_WHSIG_H

#include <stddef.h>

#define WHSIG_KEY_MAX 256
#define WHSIG_SIG_LEN 48 /* "v1," + 44 base64 characters + NUL */

/*
 * Decode "whsec_..." into key (at most WHSIG_KEY_MAX bytes). Returns the key
 * length (>= 1), or -1 when secret is not "whsec_" + valid base64.
 */
int whsig_secret_decode(const char *secret, unsigned char *key, size_t keysz);

/* out (WHSIG_SIG_LEN bytes) = "v1,<base64 signature>" of id.ts.body. */
void whsig_sign(const unsigned char *key, size_t keylen, const char *id, long long ts,
                const char *body, size_t len, char out[WHSIG_SIG_LEN]);

/*
 * Whether a webhook-signature header (space-separated "v1,<sig>" entries,
 * others ignored) holds a valid signature of id.ts.body. Compares in
 * constant time. Returns 1 valid, 0 not.
 */
int whsig_verify(const unsigned char *key, size_t keylen, const char *id, long long ts,
                 const char *body, size_t len, const char *header);

/* Base64 (RFC 4648, with padding). out needs 4 * ((len + 2) / 3) + 1 bytes. */
void base64_encode(const unsigned char *in, size_t len, char *out);
/* Returns the decoded length, or -1 when in is not valid base64 or out is too small. */
long base64_decode(const char *in, size_t len, unsigned char *out, size_t outsz);

#endif
