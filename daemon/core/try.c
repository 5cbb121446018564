/*
 * try.c: compiling what /try and q= are given (see try.h). A query is
 * wrapped into a rule file of one rule, each of its lines indented under
 * `query =` so that the rule file's reader joins them as it joins any
 * query; the places of the diagnostics are then moved back into the
 * query's own lines and columns.
 */
#include <stdlib.h>
#include <string.h>

#include "try.h"

#define TRY_HEADER "[rule " TRY_RULE_ID "]\n"
#define TRY_KEY "query = "

/* Whether s[0..n) holds only blanks (the rule file's reader ends a value there). */
static int
line_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Whether s[0..n) is blanks and line ends only: an empty query. */
static int
all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && !line_blank(s + i, 1))
			return 0;
	return 1;
}

/*
 * The rule file of a query: the header, "query = " and the first line,
 * then each further line indented by one blank; a blank line becomes "#",
 * a comment, which the reader skips without ending the value. NULL when
 * out of memory.
 */
static char *
wrap_query(const char *text, size_t len, size_t *outlen)
{
	size_t nl = 0, o;
	char *out;

	for (size_t i = 0; i < len; i++)
		nl += text[i] == '\n';
	/* each line gets at most 1 byte more; the first the header and the key */
	out = malloc(sizeof(TRY_HEADER) + sizeof(TRY_KEY) + len + nl + 2);
	if (out == NULL)
		return NULL;
	memcpy(out, TRY_HEADER TRY_KEY, o = strlen(TRY_HEADER TRY_KEY));
	for (size_t i = 0, first = 1; i <= len; first = 0) {
		const char *eol = memchr(text + i, '\n', len - i);
		size_t n = eol != NULL ? (size_t)(eol - (text + i)) : len - i;

		if (!first)
			out[o++] = line_blank(text + i, n) ? '#' : ' ';
		memcpy(out + o, text + i, n);
		o += n;
		out[o++] = '\n';
		i += n + 1;
		if (eol == NULL)
			break;
	}
	*outlen = o;
	return out;
}

struct ruleset *
try_compile(const char *text, size_t len, int as_rules, const atomic_int *cancel, struct diags *d)
{
	struct query_opts o = {NULL, NULL}; /* @file: an error */
	struct ruleset *rs = ruleset_new();
	size_t first = d->n, errs = d->nerrors, flen = len;
	char *file = NULL;
	int rc;

	if (rs == NULL) {
		diags_add(d, NULL, 0, 0, DIAG_ERROR, "out of memory");
		return NULL;
	}
	ruleset_set_cancel(rs, cancel);
	if (!as_rules && all_blank(text, len)) {
		diags_add(d, TRY_QUERY_FILE, 1, 1, DIAG_ERROR, "the query is empty");
		ruleset_free(rs);
		return NULL;
	}
	if (!as_rules && (file = wrap_query(text, len, &flen)) == NULL) {
		diags_add(d, NULL, 0, 0, DIAG_ERROR, "out of memory");
		ruleset_free(rs);
		return NULL;
	}
	rc = ruleset_add_file(rs, as_rules ? TRY_RULES_FILE : TRY_QUERY_FILE,
	                      as_rules ? text : file, flen, &o, d);
	free(file);
	if (!as_rules) {
		/* line 2 is "query = " and the first line, the others " " and theirs */
		for (size_t i = first; i < d->n; i++) {
			struct diag *g = &d->v[i];

			if (g->line < 2) {
				g->line = g->col = 0;
				continue;
			}
			if (g->col > 0) {
				unsigned shift = g->line == 2 ? (unsigned)strlen(TRY_KEY) : 1;

				g->col = g->col > shift ? g->col - shift : 1;
			}
			g->line--;
		}
	}
	if (rc < 0 || d->nerrors > errs || ruleset_finish(rs, d) < 0) {
		ruleset_free(rs);
		return NULL;
	}
	if (as_rules && ruleset_nrules(rs) == 0)
		diags_add(d, TRY_RULES_FILE, 0, 0, DIAG_WARNING, "no enabled rule: nothing to try");
	return rs;
}

int
try_line(const char *text, size_t len, unsigned line, size_t *start, size_t *n)
{
	size_t i = 0;

	if (line == 0)
		return -1;
	for (unsigned l = 1; l < line; l++) {
		const char *eol = memchr(text + i, '\n', len - i);

		if (eol == NULL)
			return -1;
		i = (size_t)(eol - text) + 1;
	}
	if (i > len)
		return -1;
	*start = i;
	{
		const char *eol = memchr(text + i, '\n', len - i);

		*n = eol != NULL ? (size_t)(eol - (text + i)) : len - i;
	}
	if (*n > 0 && text[i + *n - 1] == '\r')
		(*n)--;
	return 0;
}

int
try_is_rules(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *eol = memchr(text + i, '\n', len - i);
		size_t n = eol != NULL ? (size_t)(eol - (text + i)) : len - i, k = 0;

		while (k < n && (text[i + k] == ' ' || text[i + k] == '\t' || text[i + k] == '\r'))
			k++;
		if (k < n && text[i + k] != '#' && text[i + k] != ';')
			return text[i + k] == '[';
		i += n + 1;
	}
	return 0;
}
