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

#ifdef __cplusplus
}
#endif

#endif
