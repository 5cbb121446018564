/*
 * fuzz_query.c: libFuzzer harness for the rule file reader and the query
 * parser. The input is read as a rule file and each rule's query is parsed;
 * then the raw bytes are parsed as one query too, since a query given
 * without a rule file (invalid UTF-8, NUL bytes and all) must not crash
 * either. Lists (@file) are refused: there is no include callback.
 * Every diagnostic must be one line (its message holds no newline, though a
 * query joined from continuation lines does; a CR or ESC it quotes from the
 * rule file is escaped by whatever prints it: hark check, harkd's log).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "rulefile.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse, render and free one query: every path a caller takes. */
static void
fuzz_parse(const char *text, size_t len, const struct srcmap *src, struct diags *d)
{
	struct query_opts o = {NULL, NULL};
	struct query *q = query_parse(text, len, src, &o, d);
	if (q)
		free(query_sexpr(query_root(q)));
	query_free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	struct rulefile rf;
	char buf[512];
	bool valid;

	/* valid text gives valid messages: a JSON answer (jansson) takes no other */
	valid = utf8_valid((const char *)data, size) && memchr(data, '\0', size) == NULL;
	diags_init(&d);
	rulefile_parse(&rf, "fuzz.rules", (const char *)data, size, &d);
	for (size_t i = 0; i < rf.nrules; i++)
		fuzz_parse(rf.rules[i].query, rf.rules[i].query_len, &rf.rules[i].qmap, &d);
	rulefile_free(&rf);
	fuzz_parse((const char *)data, size, NULL, &d);
	for (size_t i = 0; i < d.n; i++) {
		if (strchr(d.v[i].msg, '\n') != NULL ||
		    (valid && !utf8_valid(d.v[i].msg, strlen(d.v[i].msg))))
			abort();
		diag_format(&d.v[i], buf, sizeof buf);
	}
	diags_free(&d);
	return 0;
}
