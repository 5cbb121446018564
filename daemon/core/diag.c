/*
 * diag.c: diagnostics and source maps (see diag.h).
 *
 * Columns count characters, not bytes, so that a diagnostic on a line of
 * Arabic or Cyrillic text points where an editor shows the cursor. An
 * invalid byte counts as one character, as utf8_count() does.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mem.h"
#include "utf8.h"

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof *d);
}

void
diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

/* Grow the array for one more entry; 0 on success. */
static int
diags_grow(struct diags *d)
{
	return mem_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v));
}

/* vsnprintf into a fresh buffer; NULL on failure. */
static char *
diag_vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/*
 * The counters always move, even when memory runs out, so that a caller
 * asking "was there an error?" gets the right answer.
 */
static void
diags_vadd(struct diags *d, const char *file, unsigned line, unsigned col, enum diag_sev sev,
           const char *fmt, va_list ap)
{
	if (sev == DIAG_ERROR)
		d->nerrors++;
	else if (sev == DIAG_WARNING)
		d->nwarnings++;
	if (diags_grow(d) < 0)
		return;
	char *msg = diag_vformat(fmt, ap);
	char *f = file ? strdup(file) : NULL;
	if (!msg || (file && !f)) {
		free(msg);
		free(f);
		return;
	}
	d->v[d->n++] = (struct diag){.file = f, .line = line, .col = col, .sev = sev, .msg = msg};
}

void
diags_add(struct diags *d, const char *file, unsigned line, unsigned col, enum diag_sev sev,
          const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, file, line, col, sev, fmt, ap);
	va_end(ap);
}

static const char *
diag_sevname(enum diag_sev sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "error";
}

/*
 * The place of g as printed, "file:line:col: " (with the trailing space);
 * unknown parts (no file, line or column 0) are left out, as GCC does.
 */
static void
diag_where(const struct diag *g, char *buf, size_t size)
{
	const char *file = g->file ? g->file : "";
	const char *sep = g->file ? ":" : "";
	if (g->line && g->col)
		snprintf(buf, size, "%s%s%u:%u: ", file, sep, g->line, g->col);
	else if (g->line)
		snprintf(buf, size, "%s%s%u: ", file, sep, g->line);
	else
		snprintf(buf, size, "%s%s%s", file, sep, g->file ? " " : "");
}

void
diag_format(const struct diag *g, char *buf, size_t size)
{
	char where[PATH_MAX + 64];
	diag_where(g, where, sizeof where);
	snprintf(buf, size, "%s%s: %s", where, diag_sevname(g->sev), g->msg);
}

/* A diagnostic with its sort key: its file's rank and its place in d. */
struct diag_key {
	size_t file, at;
	const struct diag *g;
};

static int
diag_key_cmp(const void *a, const void *b)
{
	const struct diag_key *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->g->line != y->g->line)
		return x->g->line < y->g->line ? -1 : 1;
	if (x->g->col != y->g->col)
		return x->g->col < y->g->col ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static bool
diag_same_file(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

void
diags_sort(struct diags *d)
{
	struct diag_key *k;
	struct diag *v;

	if (d->n < 2)
		return;
	k = calloc(d->n, sizeof(*k));
	v = malloc(d->n * sizeof(*v));
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return;
	}
	/* a file's rank: the index of its first diagnostic (few files, many diagnostics each) */
	for (size_t i = 0, last = 0; i < d->n; i++) {
		k[i].at = i;
		k[i].g = &d->v[i];
		k[i].file = i;
		if (i > 0 && diag_same_file(d->v[i].file, d->v[last].file)) {
			k[i].file = k[last].file;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (k[j].file == j && diag_same_file(d->v[i].file, d->v[j].file)) {
				k[i].file = j;
				break;
			}
		}
		last = i;
	}
	qsort(k, d->n, sizeof(*k), diag_key_cmp);
	for (size_t i = 0; i < d->n; i++)
		v[i] = *k[i].g;
	memcpy(d->v, v, d->n * sizeof(*v));
	free(v);
	free(k);
}

/* Not through diag_format's fixed buffer: a long message is printed whole. */
void
diags_print(const struct diags *d, FILE *fp)
{
	char where[PATH_MAX + 64];
	/*
	 * In file and line order, whichever pass found them (diags_sort): a rule
	 * file's lang: warnings come from its reading, its queries' from their
	 * compiling after. A copy of the array is sorted (the diagnostics are
	 * d's); out of memory, the order they came in.
	 */
	struct diags s = *d;

	if (d->n > 1 && (s.v = malloc(d->n * sizeof(*s.v))) != NULL) {
		memcpy(s.v, d->v, d->n * sizeof(*s.v));
		diags_sort(&s);
	} else {
		s.v = d->v;
	}
	for (size_t i = 0; i < s.n; i++) {
		const struct diag *g = &s.v[i];
		diag_where(g, where, sizeof where);
		fprintf(fp, "%s%s: %s\n", where, diag_sevname(g->sev), g->msg);
	}
	if (s.v != d->v)
		free(s.v);
}

unsigned
diag_col(const char *line, size_t off)
{
	return 1 + (unsigned)utf8_count(line, off);
}

void
srcmap_init(struct srcmap *m, const char *file)
{
	memset(m, 0, sizeof *m);
	m->file = file;
}

void
srcmap_free(struct srcmap *m)
{
	free(m->segs);
	m->segs = NULL;
	m->nsegs = m->cap = 0;
}

/* Segments must come in increasing order of off; srcmap_locate relies on it. */
int
srcmap_add(struct srcmap *m, size_t off, unsigned line, const char *line_text, size_t line_off)
{
	/*
	 * From one segment, not mem_grow's 16: a query is mostly one line, and
	 * a file of a million rules holds a map for each while it compiles.
	 */
	if (m->nsegs == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 1;
		struct srcseg *ns = realloc(m->segs, cap * sizeof(*ns));

		if (ns == NULL)
			return -1;
		m->segs = ns;
		m->cap = cap;
	}
	m->segs[m->nsegs++] = (struct srcseg){off, line, line_text, line_off};
	return 0;
}

/* Binary search: the last segment starting at or before off. */
void
srcmap_locate(const struct srcmap *m, size_t off, unsigned *line, unsigned *col)
{
	*line = *col = 0;
	if (!m || !m->nsegs)
		return;
	size_t lo = 0, hi = m->nsegs;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->segs[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	const struct srcseg *g = &m->segs[lo];
	size_t rel = off >= g->off ? off - g->off : 0;
	*line = g->line;
	*col = diag_col(g->line_text, g->line_off + rel);
}

void
diags_at(struct diags *d, const struct srcmap *m, size_t off, enum diag_sev sev, const char *fmt,
         ...)
{
	unsigned line, col;
	srcmap_locate(m, off, &line, &col);
	va_list ap;
	va_start(ap, fmt);
	diags_vadd(d, m ? m->file : NULL, line, col, sev, fmt, ap);
	va_end(ap);
}
