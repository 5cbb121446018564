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
	if (d->n < d->cap)
		return 0;
	size_t cap = d->cap ? d->cap * 2 : 16;
	struct diag *v = realloc(d->v, cap * sizeof *v);
	if (!v)
		return -1;
	d->v = v;
	d->cap = cap;
	return 0;
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

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when it is invalid. */
static size_t
diag_seqlen(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	unsigned cp = c & (0x3F >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

unsigned
diag_col(const char *line, size_t off)
{
	const unsigned char *s = (const unsigned char *)line;
	unsigned col = 1;
	size_t i = 0;
	while (i < off) {
		size_t n = diag_seqlen(s + i, off - i);
		i += n ? n : 1;
		col++;
	}
	return col;
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
	if (m->nsegs == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4;
		struct srcseg *v = realloc(m->segs, cap * sizeof *v);
		if (!v)
			return -1;
		m->segs = v;
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
