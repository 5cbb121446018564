/*
 * bench_langsample: how much of an article language identification needs
 * to read. For each bound B (bytes of the body), the accuracy and cost of
 * lang_identify() on the first B bytes, on two kinds of text:
 *
 *   bench_langsample [SET.tsv...] [-d DIR]
 *
 * - labelled sets (code<TAB>text lines: the sets of tests/lang/): each line alone
 *   (the title-less body harkd sees for a short item), and articles of about
 *   4 KB made of consecutive lines of one language (from each line on,
 *   wrapping), scored against the label;
 * - -d DIR: the plain-text articles of DIR (title line, then body, as
 *   hark reads them; the bench corpus), scored against lang_identify() of
 *   the whole body (the answer before the bound).
 *
 * Without arguments the set is tests/lang/paragraphs.tsv under the current
 * directory (tests/bench/run.sh runs the bench_* programs from the root).
 * Single thread, wall clock; prints one line per bound and kind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang.h"
#include "utf8.h"

#define ART_BYTES 4096
#define MAX_TEXTS 100000

struct text {
	char code[8];
	char *title; /* owned, or NULL */
	char *body;  /* owned */
	size_t tlen, blen;
};

static struct text texts[MAX_TEXTS];
static size_t ntexts;

static const size_t bounds[] = {128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096, 1u << 30};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap + 1)) == NULL) {
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

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
add_text(const char *code, const char *title, size_t tlen, const char *body, size_t blen)
{
	struct text *t;

	if (ntexts >= MAX_TEXTS)
		return -1;
	t = &texts[ntexts++];
	snprintf(t->code, sizeof(t->code), "%s", code);
	t->title = title ? strndup(title, tlen) : NULL;
	t->tlen = tlen;
	t->body = strndup(body, blen);
	t->blen = blen;
	return t->body == NULL ? -1 : 0;
}

static void
texts_free(void)
{
	for (size_t i = 0; i < ntexts; i++) {
		free(texts[i].title);
		free(texts[i].body);
	}
	ntexts = 0;
}

/*
 * Score texts[] at every bound: against t->code, or when it is "" against
 * the answer on the whole body. Prints "kind bound=B texts=N accuracy=X us=Y".
 */
static void
score(const char *kind)
{
	static char whole[MAX_TEXTS][8];
	char got[8];

	/* the answers on the whole body first, untimed */
	for (size_t i = 0; i < ntexts; i++)
		if (texts[i].code[0] == '\0')
			lang_identify(texts[i].title, texts[i].tlen, texts[i].body, texts[i].blen,
			              NULL, whole[i]);
	for (size_t b = 0; b < NBOUNDS; b++) {
		size_t ok = 0;
		double t0 = now_s(), t1;

		for (size_t i = 0; i < ntexts; i++) {
			const struct text *t = &texts[i];
			size_t n = t->blen > bounds[b] ? utf8_floor(t->body, bounds[b]) : t->blen;

			lang_identify(t->title, t->tlen, t->body, n, NULL, got);
			ok += strcmp(got, t->code[0] != '\0' ? t->code : whole[i]) == 0;
		}
		t1 = now_s();
		if (bounds[b] >= (1u << 30))
			printf("%s bound=whole", kind);
		else
			printf("%s bound=%zu", kind, bounds[b]);
		printf(" texts=%zu %s=%.2f%% us_per_text=%.1f\n", ntexts,
		       texts[0].code[0] ? "accuracy" : "agreement",
		       100.0 * (double)ok / (double)ntexts, (t1 - t0) * 1e6 / (double)ntexts);
	}
}

/* The labelled lines of a set, then articles of ART_BYTES from consecutive lines. */
static int
run_set(const char *path)
{
	size_t len, n = 0;
	char *buf = read_all(path, &len), *line, *save = NULL;
	struct {
		char code[8];
		char *s;
	} * v;

	if (buf == NULL || (v = calloc(MAX_TEXTS, sizeof(*v))) == NULL) {
		fprintf(stderr, "bench_langsample: %s: cannot read\n", path);
		free(buf);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line && n < MAX_TEXTS;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || tab == NULL || tab - line > 7)
			continue;
		*tab = '\0';
		snprintf(v[n].code, sizeof(v[n].code), "%s", line);
		v[n++].s = tab + 1;
	}
	for (size_t i = 0; i < n; i++)
		add_text(v[i].code, NULL, 0, v[i].s, strlen(v[i].s));
	printf("# %s: %zu lines\n", path, n);
	score("line");
	texts_free();
	for (size_t i = 0; i < n; i++) {
		char art[ART_BYTES + 4096];
		size_t alen = 0, k = i, used = 0;

		/* the lines of i's language from i on, wrapping, each once at most */
		while (alen < ART_BYTES && used < n) {
			if (strcmp(v[k].code, v[i].code) == 0) {
				size_t l = strlen(v[k].s);

				if (alen + l + 1 > sizeof(art))
					break;
				memcpy(art + alen, v[k].s, l);
				alen += l;
				art[alen++] = '\n';
			}
			k = (k + 1) % n;
			used++;
		}
		add_text(v[i].code, NULL, 0, art, alen);
	}
	score("article");
	texts_free();
	free(v);
	free(buf);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text files of dir (at most MAX_TEXTS), each title line and body, scored by agreement. */
static int
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL) {
		fprintf(stderr, "bench_langsample: %s: cannot open\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				return -1;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && i < MAX_TEXTS; i++) {
		char path[4096];
		size_t len;
		char *buf, *nl;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((buf = read_all(path, &len)) != NULL) {
			nl = strchr(buf, '\n');
			if (nl != NULL)
				add_text("", buf, (size_t)(nl - buf), nl + 1,
				         len - (size_t)(nl + 1 - buf));
			else
				add_text("", NULL, 0, buf, len);
		}
		free(buf);
		free(names[i]);
	}
	for (size_t i = MAX_TEXTS; i < n; i++)
		free(names[i]);
	free(names);
	printf("# %s: %zu articles\n", dir, ntexts);
	if (ntexts > 0)
		score("corpus");
	texts_free();
	return 0;
}

int
main(int argc, char **argv)
{
	int rc = 0, any = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			rc |= run_dir(argv[++i]) < 0;
		else
			rc |= run_set(argv[i]) < 0;
		any = 1;
	}
	if (!any)
		rc |= run_set("tests/lang/paragraphs.tsv") < 0;
	return rc;
}
