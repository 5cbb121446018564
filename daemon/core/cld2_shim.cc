/*
 * cld2_shim.cc: the C face of CLD2, a few lines of C++ over its public API.
 *
 * The caller guarantees valid UTF-8 (hark's fields are clean NFC text):
 * CLD2's plain detection calls do not check, and the checking ones stop at
 * the first bad byte. CLD2 also reads a few bytes past the end of its
 * input: it is given a padded copy. Nothing thrown inside CLD2 or the
 * standard library may reach C: every exception is caught and reads as
 * "unknown".
 *
 * When CLD2 will not name a language (short text: a title, a few words), it
 * is asked again for its best effort, and that answer is never reliable: the
 * caller weighs it against the declared language and the length of the text.
 */
#include "cld2_shim.h"

#include <climits>
#include <cstdio> /* compact_lang_det.h uses FILE without including it */
#include <cstring>
#include <string>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#define CLD2_SLACK 16 /* NUL bytes after the text CLD2 reads (see cld2_detect) */

/* CLD2's codes that are not the ISO 639-1 code of their language. */
static const struct {
	const char *cld2, *iso;
} cld2_renames[] = {
    {"iw", "he"},      /* Hebrew: the withdrawn code */
    {"jw", "jv"},      /* Javanese, likewise */
    {"zh-Hant", "zh"}, /* traditional Chinese is Chinese */
};

/* The ISO 639-1 code for CLD2's code into out, "" when there is none. */
static void
cld2_iso(const char *code, char out[8])
{
	size_t i;

	out[0] = '\0';
	if (code == NULL)
		return;
	for (i = 0; i < sizeof(cld2_renames) / sizeof(cld2_renames[0]); i++)
		if (std::strcmp(code, cld2_renames[i].cld2) == 0) {
			std::strcpy(out, cld2_renames[i].iso);
			return;
		}
	/* "un" is unknown; "xx-Latn", "zzp", "sr-ME"... are no ISO 639-1 codes */
	if (std::strcmp(code, "un") == 0 || code[0] < 'a' || code[0] > 'z' || code[1] < 'a' ||
	    code[1] > 'z' || code[2] != '\0')
		return;
	out[0] = code[0];
	out[1] = code[1];
	out[2] = '\0';
}

/* The largest n <= len such that s[0..n) ends on a UTF-8 character boundary. */
static size_t
cld2_floor(const char *s, size_t len)
{
	while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80)
		len--;
	return len;
}

/* CLD2's Language for an ISO 639-1 code (the reverse of cld2_iso), UNKNOWN_LANGUAGE if none. */
static CLD2::Language
cld2_lang(const char *iso)
{
	size_t i;

	/* "zh" is CLD2's own code too: only the withdrawn codes are renamed back */
	for (i = 0; i < sizeof(cld2_renames) / sizeof(cld2_renames[0]); i++)
		if (std::strcmp(iso, cld2_renames[i].iso) == 0 &&
		    std::strchr(cld2_renames[i].cld2, '-') == NULL) {
			iso = cld2_renames[i].cld2;
			break;
		}
	return CLD2::GetLanguageFromName(iso);
}

extern "C" int
cld2_knows(const char *iso)
{
	char back[8];

	try {
		CLD2::Language lang = cld2_lang(iso);

		if (lang == CLD2::UNKNOWN_LANGUAGE)
			return 0;
		cld2_iso(CLD2::LanguageCode(lang), back);
		return std::strcmp(back, iso) == 0;
	} catch (...) {
		return 0;
	}
}

extern "C" int
cld2_detect(const char *utf8, size_t len, const char *hint, char out[8], int *reliable)
{
	struct cld2_result r;

	cld2_detect_ex(utf8, len, hint, NULL, &r);
	std::memcpy(out, r.lang, sizeof(r.lang));
	*reliable = r.reliable;
	return r.percent;
}

extern "C" void
cld2_detect_ex(const char *utf8, size_t len, const char *hint, const char *langs,
               struct cld2_result *r)
{
	CLD2::Language lang3[3];
	int percent3[3], text_bytes = 0, i;
	double score3[3];
	bool is_reliable = false;

	std::memset(r, 0, sizeof(*r));
	if (utf8 == NULL || len == 0)
		return;
	/* CLD2 takes an int length: cut longer text on a character boundary */
	if (len > INT_MAX - CLD2_SLACK)
		len = cld2_floor(utf8, INT_MAX - CLD2_SLACK);
	try {
		CLD2::CLDHints hints = {NULL, NULL, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
		CLD2::Language lang;
		/*
		 * CLD2's script scanner peeks at the character after each letter,
		 * past the end of the text at its last one, and indexes its tables
		 * with what it finds there: give it a copy followed by NUL bytes.
		 */
		std::string text(utf8, len);
		int n = static_cast<int>(len);

		text.append(CLD2_SLACK, '\0');
		if (hint != NULL && hint[0] != '\0')
			hints.language_hint = cld2_lang(hint);
		/* CLD2 reads a Content-Language list ("fr,en"): each one is boosted */
		if (langs != NULL && langs[0] != '\0')
			hints.content_language_hint = langs;
		lang =
		    CLD2::ExtDetectLanguageSummary(text.data(), n, true, &hints, 0, lang3, percent3,
		                                   score3, NULL, &text_bytes, &is_reliable);
		if (lang == CLD2::UNKNOWN_LANGUAGE) {
			lang = CLD2::ExtDetectLanguageSummary(
			    text.data(), n, true, &hints, CLD2::kCLDFlagBestEffort, lang3, percent3,
			    score3, NULL, &text_bytes, &is_reliable);
			is_reliable = false; /* a guess, whatever CLD2 says of it */
		}
		if (lang == CLD2::UNKNOWN_LANGUAGE)
			return;
		cld2_iso(CLD2::LanguageCode(lang), r->lang);
		if (r->lang[0] == '\0')
			return;
		r->reliable = is_reliable ? 1 : 0;
		for (i = 0; i < 3; i++)
			if (lang3[i] == lang) {
				r->percent = percent3[i];
				r->score = score3[i];
				break;
			}
	} catch (...) {
		std::memset(r, 0, sizeof(*r));
	}
}
