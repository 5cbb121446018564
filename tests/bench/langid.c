/*
 * bench_langid: accuracy and speed of lang_identify() on the labelled set.
 *
 *   bench_langid [paragraphs.tsv]
 *
 * Without an argument the set is $HARK_TESTDATA/lang/paragraphs.tsv, else
 * tests/lang/paragraphs.tsv under the current directory (tests/bench/run.sh
 * runs the bench_* programs from the repository root, without arguments).
 * Each paragraph is a body with no title and no declared language. Speed is
 * over BENCH_ROUNDS passes of the whole set, single thread. Prints one line:
 *
 *   langid: N paragraphs, L languages, accuracy X.X%, Y paragraphs/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang.h"

#define BENCH_ROUNDS 20
#define BENCH_MAX_LANGS 256

struct para {
	char code[8];
	const char *text;
	size_t len;
};

static char *
bench_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
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
	*len = n;
	return buf;
}

/* The "code<TAB>paragraph" lines of text into a new array; NULL when malformed. */
static struct para *
bench_parse(const char *path, const char *text, size_t len, size_t *np)
{
	const char *line, *nl, *tab, *end = text + len;
	struct para *v = NULL, *p;
	size_t n = 0, cap = 0, lineno = 0, clen;

	for (line = text; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		lineno++;
		if (nl == line || line[0] == '#')
			continue;
		tab = memchr(line, '\t', (size_t)(nl - line));
		clen = tab != NULL ? (size_t)(tab - line) : 0;
		if (clen < 2 || clen > 7 || tab + 1 == nl) {
			fprintf(stderr, "bench_langid: %s:%zu: not \"code<TAB>paragraph\"\n", path,
			        lineno);
			free(v);
			return NULL;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			p = realloc(v, cap * sizeof(v[0]));
			if (p == NULL) {
				free(v);
				return NULL;
			}
			v = p;
		}
		memcpy(v[n].code, line, clen);
		v[n].code[clen] = '\0';
		v[n].text = tab + 1;
		v[n].len = (size_t)(nl - tab - 1);
		n++;
	}
	*np = n;
	return v;
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char path[4096], out[8], langs[BENCH_MAX_LANGS][8];
	const char *dir = getenv("HARK_TESTDATA");
	size_t len, n, i, k, nlang = 0, ok = 0;
	struct para *v;
	double t0, dt;
	char *text;
	int r;

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (dir != NULL && *dir != '\0')
		snprintf(path, sizeof(path), "%s/lang/paragraphs.tsv", dir);
	else
		snprintf(path, sizeof(path), "tests/lang/paragraphs.tsv");
	text = bench_read(path, &len);
	if (text == NULL) {
		perror(path);
		return 1;
	}
	v = bench_parse(path, text, len, &n);
	if (v == NULL || n == 0) {
		fprintf(stderr, "bench_langid: %s: no paragraphs\n", path);
		free(v);
		free(text);
		return 1;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < nlang && strcmp(langs[k], v[i].code) != 0; k++)
			;
		if (k == nlang && nlang < BENCH_MAX_LANGS)
			strcpy(langs[nlang++], v[i].code);
		lang_identify(NULL, 0, v[i].text, v[i].len, NULL, out);
		if (strcmp(out, v[i].code) == 0)
			ok++;
	}
	t0 = bench_now();
	for (r = 0; r < BENCH_ROUNDS; r++)
		for (i = 0; i < n; i++)
			lang_identify(NULL, 0, v[i].text, v[i].len, NULL, out);
	dt = bench_now() - t0;
	printf("langid: %zu paragraphs, %zu languages, accuracy %.1f%%, %.0f paragraphs/s\n", n,
	       nlang, 100.0 * (double)ok / (double)n, dt > 0 ? (double)n * BENCH_ROUNDS / dt : 0.0);
	free(v);
	free(text);
	return 0;
}
