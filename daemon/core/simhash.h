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

/* Number of differing bits. */
int simhash_distance(uint64_t a, uint64_t b);

#endif
