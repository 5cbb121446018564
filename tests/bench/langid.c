/*
 * bench_langid: accuracy and speed of lang_identify() on the labelled sets.
 *
 *   bench_langid [paragraphs.tsv [headlines.tsv]]
 *
 * Without arguments the sets are $HARK_TESTDATA/lang/paragraphs.tsv and
 * headlines.tsv, else tests/lang/ under the current directory. Each text is
 * a body with no title and no declared language. Speed is over BENCH_ROUNDS
 * passes of the whole set, single thread. Prints one line for the
 * paragraphs:
 *
 *   langid: N paragraphs, L languages, accuracy X.X%, Y paragraphs/s
 *
 * then, for the headlines, the accuracy per language without a prior and
 * with the prior of BENCH_PRIOR (lang_decide()), per part of the set (the
 * last, C, held out), and a line
 *
 *   headlines: N, accuracy X.X% without prior, Y.Y% with prior (lowest L Z.Z%), R headlines/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang.h"

#define BENCH_ROUNDS 20
#define BENCH_MAX_LANGS 256
#define BENCH_PRIOR "en fr ar ru fa uk tr de es zh" /* the ten of headlines.tsv */
#define BENCH_PARTS 3

struct para {
	char code[8];
	const char *text;
	size_t len;
	int part; /* 0 1 2 for the "#@ part A|B|C" it follows */
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
	int part = 0;

	for (line = text; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		lineno++;
		if (nl - line >= 9 && memcmp(line, "#@ part ", 8) == 0 && line[8] >= 'A' &&
		    line[8] < 'A' + BENCH_PARTS) {
			part = line[8] - 'A';
			continue;
		}
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
		v[n].part = part;
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

/* The headlines: accuracy per language and part, without and with the prior. */
static int
bench_headlines(const char *path)
{
	struct {
		char code[8];
		size_t n, plain, prior;
	} st[BENCH_MAX_LANGS];
	size_t len, n, i, k, nst = 0, plain = 0, prior = 0;
	size_t pn[BENCH_PARTS] = {0}, pplain[BENCH_PARTS] = {0}, pprior[BENCH_PARTS] = {0};
	double t0, dt, low = 101;
	const char *lowc = "-";
	char out[8], *text;
	struct para *v;
	int r;

	text = bench_read(path, &len);
	if (text == NULL) {
		perror(path);
		return 1;
	}
	v = bench_parse(path, text, len, &n);
	if (v == NULL || n == 0) {
		fprintf(stderr, "bench_langid: %s: no headlines\n", path);
		free(v);
		free(text);
		return 1;
	}
	memset(st, 0, sizeof(st));
	for (i = 0; i < n; i++) {
		for (k = 0; k < nst && strcmp(st[k].code, v[i].code) != 0; k++)
			;
		if (k == nst) {
			if (nst == BENCH_MAX_LANGS)
				continue;
			strcpy(st[nst++].code, v[i].code);
		}
		st[k].n++;
		pn[v[i].part]++;
		lang_decide(NULL, 0, v[i].text, v[i].len, NULL, NULL, out);
		if (strcmp(out, v[i].code) == 0) {
			st[k].plain++;
			pplain[v[i].part]++;
			plain++;
		}
		lang_decide(NULL, 0, v[i].text, v[i].len, NULL, BENCH_PRIOR, out);
		if (strcmp(out, v[i].code) == 0) {
			st[k].prior++;
			pprior[v[i].part]++;
			prior++;
		}
	}
	printf("\nheadlines (%s): accuracy without a prior, with the prior %s\n", path,
	       BENCH_PRIOR);
	printf("| language | headlines | without prior | with prior |\n");
	printf("|---|---:|---:|---:|\n");
	for (k = 0; k < nst; k++) {
		double a = 100.0 * (double)st[k].prior / (double)st[k].n;

		printf("| %s | %zu | %.1f%% | %.1f%% |\n", st[k].code, st[k].n,
		       100.0 * (double)st[k].plain / (double)st[k].n, a);
		if (a < low) {
			low = a;
			lowc = st[k].code;
		}
	}
	printf("| all | %zu | %.1f%% | %.1f%% |\n", n, 100.0 * (double)plain / (double)n,
	       100.0 * (double)prior / (double)n);
	for (k = 0; k < BENCH_PARTS; k++)
		if (pn[k] > 0)
			printf("| part %c%s | %zu | %.1f%% | %.1f%% |\n", (int)('A' + k),
			       k == BENCH_PARTS - 1 ? " (held out)" : "", pn[k],
			       100.0 * (double)pplain[k] / (double)pn[k],
			       100.0 * (double)pprior[k] / (double)pn[k]);
	t0 = bench_now();
	for (r = 0; r < BENCH_ROUNDS; r++)
		for (i = 0; i < n; i++)
			lang_decide(NULL, 0, v[i].text, v[i].len, NULL, BENCH_PRIOR, out);
	dt = bench_now() - t0;
	printf("headlines: %zu, accuracy %.1f%% without prior, %.1f%% with prior (lowest %s "
	       "%.1f%%), %.0f headlines/s\n",
	       n, 100.0 * (double)plain / (double)n, 100.0 * (double)prior / (double)n, lowc, low,
	       dt > 0 ? (double)n * BENCH_ROUNDS / dt : 0.0);
	free(v);
	free(text);
	return 0;
}

int
main(int argc, char **argv)
{
	char path[4096], hpath[4096], out[8], langs[BENCH_MAX_LANGS][8];
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
	if (argc > 2)
		snprintf(hpath, sizeof(hpath), "%s", argv[2]);
	else if (dir != NULL && *dir != '\0')
		snprintf(hpath, sizeof(hpath), "%s/lang/headlines.tsv", dir);
	else
		snprintf(hpath, sizeof(hpath), "tests/lang/headlines.tsv");
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
	return bench_headlines(hpath);
}
