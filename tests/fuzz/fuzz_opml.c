/*
 * fuzz_opml.c: libFuzzer harness for OPML parsing. Every input is parsed; a
 * parse that succeeds must keep opml.h's promises (an xml_url in every
 * outline, trimmed and never empty, no empty optional string, titles without
 * white space runs, categories within OPML_CATEGORY_MAX, all valid UTF-8 since
 * the bytes are converted first, at most OPML_MAX_OUTLINES); a failure leaves
 * an empty struct and a one-line reason. Every outline then goes through the
 * naming of hark import-opml: slugs and unique names must be non-empty, at
 * most OPML_NAME_MAX bytes of [a-z0-9-] with no dash at either end, and
 * never given twice.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opml.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static void
check_str(const char *s, int required, int squeezed)
{
	size_t n;

	if (s == NULL) {
		if (required)
			abort();
		return;
	}
	n = strlen(s);
	if (n == 0 || !utf8_valid(s, n) || blank(s[0]) || blank(s[n - 1]))
		abort();
	if (squeezed)
		for (size_t i = 0; i < n; i++)
			if (blank(s[i]) && (s[i] != ' ' || blank(s[i + 1])))
				abort();
}

static void
check_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > OPML_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
		abort();
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			abort();
}

static void
check(const struct opml *o)
{
	struct opml_names *ns = opml_names_new();
	char base[OPML_NAME_MAX + 1], name[OPML_NAME_MAX + 1], ll[3];
	char **given;

	if (o->n > OPML_MAX_OUTLINES || ns == NULL)
		abort();
	if ((given = calloc(o->n + 1, sizeof(*given))) == NULL)
		abort();
	check_str(o->title, 0, 1);
	for (size_t i = 0; i < o->n; i++) {
		const struct opml_outline *ol = &o->outlines[i];

		check_str(ol->title, 0, 1);
		check_str(ol->xml_url, 1, 0);
		check_str(ol->html_url, 0, 0);
		check_str(ol->language, 0, 0);
		check_str(ol->category, 0, 0);
		if (ol->category != NULL && strlen(ol->category) > OPML_CATEGORY_MAX)
			abort();
		if (opml_lang(ol->language, ll) == 0 &&
		    (strlen(ll) != 2 || ll[0] < 'a' || ll[0] > 'z' || ll[1] < 'a' || ll[1] > 'z'))
			abort();
		opml_slug(ol->title, ol->xml_url, base);
		check_name(base);
		if (opml_names_add(ns, base, name) < 0)
			abort();
		check_name(name);
		/* quadratic, but inputs are small */
		for (size_t k = 0; k < i; k++)
			if (strcmp(given[k], name) == 0)
				abort();
		if ((given[i] = strdup(name)) == NULL)
			abort();
	}
	for (size_t i = 0; i < o->n; i++)
		free(given[i]);
	free(given);
	opml_names_free(ns);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opml o;
	char err[120];

	if (opml_parse((const char *)data, size, &o, err, sizeof(err)) == 0) {
		check(&o);
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL || o.outlines != NULL || o.n != 0 ||
	           o.title != NULL) {
		abort();
	}
	opml_free(&o);
	return 0;
}
