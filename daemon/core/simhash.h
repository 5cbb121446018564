/* simhash.h: a 64-bit SimHash of text, for near-duplicate detection. */
#ifndef HARK_SIMHASH_H
#define HARK_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * SimHash over the normalized tokens (token.h) of text, shingled in word
 * 3-grams, so that the same article with different markup, case, accents or
 * a changed word or two lands within a few bits. 0 for text without tokens.
 */
uint64_t simhash_text(const char *text, size_t len);

/*
 * The same, a token at a time, from tokens someone already made (the
 * matcher's): simhash_acc_token() with each token's normalized text in
 * order, then simhash_acc_result() (once; reset to start again). Gives
 * simhash_text()'s value for the text the tokens came from.
 */
struct simhash_acc;
struct simhash_acc *simhash_acc_new(void);
void simhash_acc_free(struct simhash_acc *a);
void simhash_acc_reset(struct simhash_acc *a);
void simhash_acc_token(struct simhash_acc *a, const char *norm, size_t len);
uint64_t simhash_acc_result(struct simhash_acc *a);

/* Number of differing bits. */
int simhash_distance(uint64_t a, uint64_t b);

#endif
