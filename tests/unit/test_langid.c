/*
 * test_langid.c: accuracy of lang_identify() on the labelled paragraphs of
 * $HARK_TESTDATA/lang/paragraphs.tsv (see tests/lang/README.md). Each
 * paragraph is given as a body, with no title and no declared language. The
 * per-language accuracy and every miss are printed; the test fails below
 * LANGID_MIN_ACCURACY overall, or when the set itself is malformed or smaller
 * than the issue asks (240 paragraphs, 10 languages of 20 at least).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang.h"
#include "utf8.h"

#define LANGID_MIN_ACCURACY 97.0 /* percent */
#define LANGID_MIN_PARAS 240
#define LANGID_MIN_LANGS 10
#define LANGID_MIN_PER_LANG 20
#define LANGID_MAX_LANGS 64

struct langstat {
	char code[8];
	size_t n, ok;
};

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap + 1);
			if (p == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static struct langstat *
stat_of(struct langstat *st, size_t *nst, const char *code, size_t clen)
{
	size_t i;

	for (i = 0; i < *nst; i++)
		if (strlen(st[i].code) == clen && memcmp(st[i].code, code, clen) == 0)
			return &st[i];
	assert_true(*nst < LANGID_MAX_LANGS);
	memset(&st[*nst], 0, sizeof(st[0]));
	memcpy(st[*nst].code, code, clen);
	return &st[(*nst)++];
}

static void
test_accuracy(void **state)
{
	struct langstat st[LANGID_MAX_LANGS];
	const char *dir = getenv("HARK_TESTDATA");
	char path[4096], out[8], *text, *line, *end, *tab, *nl;
	size_t len = 0, nst = 0, total = 0, ok = 0, lineno = 0, big = 0, i;
	double acc;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/lang/paragraphs.tsv", dir);
	text = read_file(path, &len);
	if (text == NULL)
		print_error("%s: cannot read\n", path);
	assert_non_null(text);
	assert_true(utf8_valid(text, len));
	for (line = text, end = text + len; line < end; line = nl + 1) {
		struct langstat *s;
		size_t clen;

		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		lineno++;
		if (nl == line || line[0] == '#')
			continue;
		tab = memchr(line, '\t', (size_t)(nl - line));
		clen = tab != NULL ? (size_t)(tab - line) : 0;
		if (clen < 2 || clen > 7 || tab + 1 == nl)
			print_error("%s:%zu: not \"code<TAB>paragraph\"\n", path, lineno);
		assert_true(clen >= 2 && clen <= 7 && tab + 1 < nl);
		s = stat_of(st, &nst, line, clen);
		lang_identify(NULL, 0, tab + 1, (size_t)(nl - tab - 1), NULL, out);
		s->n++;
		total++;
		if (strcmp(out, s->code) == 0) {
			s->ok++;
			ok++;
		} else {
			printf("miss %s:%zu: want %s, got \"%s\": %.*s\n", path, lineno, s->code,
			       out, (int)(nl - tab - 1), tab + 1);
		}
	}
	free(text);

	for (i = 0; i < nst; i++) {
		printf("%-4s %3zu/%3zu  %5.1f%%\n", st[i].code, st[i].ok, st[i].n,
		       100.0 * (double)st[i].ok / (double)st[i].n);
		if (st[i].n >= LANGID_MIN_PER_LANG)
			big++;
	}
	acc = total > 0 ? 100.0 * (double)ok / (double)total : 0;
	printf("all  %3zu/%3zu  %5.1f%% (%zu languages)\n", ok, total, acc, nst);
	assert_true(total >= LANGID_MIN_PARAS);
	assert_true(big >= LANGID_MIN_LANGS);
	if (acc < LANGID_MIN_ACCURACY)
		print_error("accuracy %.1f%% is under %.1f%%\n", acc, LANGID_MIN_ACCURACY);
	assert_true(acc >= LANGID_MIN_ACCURACY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accuracy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
