/*
 * fuzz_lang.c: libFuzzer harness for language identification. The first 2
 * bytes are the declared language; the rest, when it is valid UTF-8 (as
 * hark's fields always are, and as CLD2 requires), is split at its first
 * newline into title and body for lang_identify(), and also given whole to
 * lang_guess_script() and to CLD2 through cld2_detect(). lang_decide() gets
 * it with the prior of ten languages, and with its first line as the prior
 * (any bytes: the prior's parser must survive them). Every answer must be ""
 * or a 2-letter lowercase code, and lang_by must say "none" exactly when it
 * is "", checked with abort(). The function words (langwords.c) count
 * the text, and its names left out must be no longer than it, valid UTF-8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cld2_shim.h"
#include "lang.h"
#include "langwords.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_code(const char out[8])
{
	if (memchr(out, '\0', 8) == NULL)
		abort();
	if (out[0] == '\0')
		return;
	if (out[0] < 'a' || out[0] > 'z' || out[1] < 'a' || out[1] > 'z' || out[2] != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text, *nl;
	char hint[3], out[8];
	size_t len;
	int reliable, percent;

	if (size < 2)
		return 0;
	hint[0] = (char)data[0];
	hint[1] = (char)data[1];
	hint[2] = '\0';
	text = (const char *)data + 2;
	len = size - 2;
	if (!utf8_valid(text, len))
		return 0;

	nl = memchr(text, '\n', len);
	memset(out, 'x', sizeof(out));
	if (nl != NULL)
		lang_identify(text, (size_t)(nl - text), nl + 1, len - (size_t)(nl - text) - 1,
		              hint, out);
	else
		lang_identify(NULL, 0, text, len, hint, out);
	fuzz_check_code(out);

	/* title only, no hint */
	memset(out, 'x', sizeof(out));
	lang_identify(text, len, NULL, 0, NULL, out);
	fuzz_check_code(out);

	/* with a prior: the ten of tests/lang/headlines.tsv, then the first line */
	{
		char prior[64];
		size_t pl = nl != NULL ? (size_t)(nl - text) : len;
		enum lang_by by;

		memset(out, 'x', sizeof(out));
		by = lang_decide(NULL, 0, text, len, hint, "en fr ar ru fa uk tr de es zh", out);
		fuzz_check_code(out);
		if ((out[0] == '\0') != (by == LANG_BY_NONE) ||
		    (by != LANG_BY_NONE && !lang_by_name(by)))
			abort();
		if (pl >= sizeof(prior))
			pl = sizeof(prior) - 1;
		memcpy(prior, text, pl);
		prior[pl] = '\0';
		memset(out, 'x', sizeof(out));
		by = lang_decide(text, len, NULL, 0, NULL, prior, out);
		fuzz_check_code(out);
		if ((out[0] == '\0') != (by == LANG_BY_NONE))
			abort();
	}

	{
		struct langwords w;
		char *un = malloc(len + 1);
		size_t n;

		langwords_count(text, len, &w);
		langwords_lead(&w, NULL, 1, out);
		fuzz_check_code(out);
		langwords_pick(&w, hint, 1, out);
		fuzz_check_code(out);
		if (un == NULL)
			return 0;
		n = langwords_unnamed(text, len, un);
		if (n > len || !utf8_valid(un, n))
			abort();
		free(un);
	}

	memset(out, 'x', sizeof(out));
	lang_guess_script(text, len, out);
	fuzz_check_code(out);

	memset(out, 'x', sizeof(out));
	percent = cld2_detect(text, len, hint, out, &reliable);
	fuzz_check_code(out);
	if (percent < 0 || percent > 100 || (reliable != 0 && reliable != 1))
		abort();
	return 0;
}
