/*
 * fuzz_presearch.c: libFuzzer harness for presearch.c. The input up to its
 * first NUL byte is a rule file, compiled (its good rules kept); the rest is
 * a plain text document. presearch_index_text() and presearch_query() must
 * not crash, and what they give must be what FTS5 is promised: index texts
 * of words of [0-9a-z] and non-ASCII bytes (which FTS5's ascii tokenizer
 * keeps in tokens) separated by single spaces, queries of such quoted
 * terms, '*', parentheses, AND and OR. Violations abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "presearch.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_key_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

static void
check_index(const char *t)
{
	for (size_t i = 0; t[i] != '\0'; i++)
		if (!is_key_byte(t[i]) &&
		    !(t[i] == ' ' && i > 0 && t[i - 1] != ' ' && t[i + 1] != '\0'))
			abort();
}

static void
check_query(const char *q)
{
	int depth = 0, quoted = 0;

	for (size_t i = 0; q[i] != '\0'; i++) {
		char c = q[i];

		if (c == '"')
			quoted = !quoted;
		else if (quoted ? !is_key_byte(c) : strchr("()* ANDOR", c) == NULL)
			abort();
		if (!quoted && c == '(')
			depth++;
		if (!quoted && c == ')' && --depth < 0)
			abort();
	}
	if (quoted || depth != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t rlen = nul ? (size_t)(nul - data) : size;
	struct ruleset *rs = ruleset_new();
	struct document doc;
	const char *err;
	struct diags d;
	char *s;
	int all = 0;

	if (rs == NULL)
		return 0;
	diags_init(&d);
	(void)ruleset_add_file(rs, "fuzz.rules", text, rlen, NULL, &d);
	if (ruleset_finish(rs, &d) == 0) {
		s = presearch_query(rs, &all);
		if (s != NULL) {
			if (all)
				abort();
			check_query(s);
		}
		free(s);
	}
	diags_free(&d);
	ruleset_free(rs);
	if (nul != NULL &&
	    doc_from_text(&doc, text + rlen + 1, size - rlen - 1, NULL, "fuzz", NULL, &err) == 0) {
		s = presearch_index_text(&doc);
		if (s != NULL)
			check_index(s);
		free(s);
		doc_free(&doc);
	}
	return 0;
}
