/*
 * fuzz_token.c: libFuzzer harness for the normalization pipeline. The bytes
 * are split into tokens as they come (invalid UTF-8, NUL bytes and all) and
 * again after utf8_clean(); every Arabic token's proclitic readings are
 * taken with a scratch buffer of exactly the documented size, so AddressSanitizer
 * sees any overrun. The token invariants are checked with abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "token.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct toklist *tl, size_t len)
{
	struct reading r[TOKEN_MAX_READINGS];
	const struct token *t;
	char *scratch;
	size_t i;
	int n, k;

	for (i = 0; i < tl->n; i++) {
		t = &tl->v[i];
		if (t->normlen == 0 || t->start >= t->end || t->end > len)
			abort();
		if (strlen(token_text(tl, t)) != t->normlen)
			abort();
		if (i > 0 && (tl->v[i - 1].start > t->start || tl->v[i - 1].end > t->end))
			abort();
		if (t->script != SCRIPT_ARABIC)
			continue;
		scratch = malloc(2 * (size_t)t->normlen + 8);
		if (scratch == NULL)
			return;
		n = token_readings(token_text(tl, t), t->normlen, scratch, r);
		if (n < 0 || n > TOKEN_MAX_READINGS)
			abort();
		for (k = 0; k < n; k++)
			if (r[k].len == 0 || r[k].len > t->normlen ||
			    memchr(r[k].s, '\0', r[k].len))
				abort();
		free(scratch);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toklist tl;
	size_t cleanlen;
	char *clean, lang[8];

	toklist_init(&tl);
	if (token_split((const char *)data, size, &tl) == 0)
		fuzz_check(&tl, size);
	toklist_clear(&tl);
	clean = utf8_clean((const char *)data, size, &cleanlen);
	if (clean != NULL) {
		if (!utf8_valid(clean, cleanlen) || clean[cleanlen] != '\0')
			abort();
		if (token_split(clean, cleanlen, &tl) == 0)
			fuzz_check(&tl, cleanlen);
		lang_guess_script(clean, cleanlen, lang);
		free(clean);
	}
	toklist_free(&tl);
	return 0;
}
