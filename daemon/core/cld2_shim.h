/* cld2_shim.h: the C face of CLD2 (cld2_shim.cc, C++). */
#ifndef HARK_CLD2_SHIM_H
#define HARK_CLD2_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * CLD2's language for UTF-8 text (valid UTF-8 only: CLD2 does not check).
 * hint: an ISO 639-1 code or NULL. Writes the ISO 639-1 code (or "" when
 * CLD2 says unknown) into out; *reliable is CLD2's is_reliable; returns the
 * percentage of the text in that language.
 */
int cld2_detect(const char *utf8, size_t len, const char *hint, char out[8], int *reliable);

/* What CLD2 says of a text: all zero (lang "") when it names no language. */
struct cld2_result {
	char lang[8]; /* ISO 639-1 */
	int reliable; /* CLD2's is_reliable (never for a best-effort answer) */
	int percent;  /* of the text in lang */
	double score; /* CLD2's normalized score of lang: its evidence per byte of text */
};

/*
 * cld2_detect() with CLD2's two language hints: hint, one ISO 639-1 code
 * (the declared language), and langs, a comma-separated list of them (the
 * configured languages, as a Content-Language header); either may be NULL.
 */
void cld2_detect_ex(const char *utf8, size_t len, const char *hint, const char *langs,
                    struct cld2_result *r);

/* 1 when CLD2 can name the ISO 639-1 code's language (so a hint for it counts). */
int cld2_knows(const char *iso);

#ifdef __cplusplus
}
#endif

#endif
