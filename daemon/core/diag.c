/*
 * diag.c: diagnostics and source maps (see diag.h).
 *
 * Columns count characters, not bytes, so that a diagnostic on a line of
 * Arabic or Cyrillic text points where an editor shows the cursor. An
 * invalid byte counts as one character, as utf8_count() does.
 */
#include <limits.h>
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

/* Not through diag_format's fixed buffer: a long message is printed whole. */
void
diags_print(const struct diags *d, FILE *fp)
{
	char where[PATH_MAX + 64];
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		diag_where(g, where, sizeof where);
		fprintf(fp, "%s%s: %s\n", where, diag_sevname(g->sev), g->msg);
	}
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
