/*
 * diag.h: diagnostics (errors and warnings with their place) and the source
 * maps that turn a byte offset in a joined multi-line query into file:line:col.
 */
#ifndef HARK_DIAG_H
#define HARK_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_sev { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag {
	char *file;         /* owned */
	unsigned line, col; /* 1-based; col counts characters; 0 = unknown */
	enum diag_sev sev;
	char *msg; /* owned, no trailing newline */
};

/* A place in a file: 1-based line and character column. */
struct srcpos {
	unsigned line, col;
};

struct diags {
	struct diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
};

void diags_init(struct diags *d);
void diags_free(struct diags *d);
void diags_add(struct diags *d, const char *file, unsigned line, unsigned col, enum diag_sev sev,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Format one diagnostic GCC-style: "file:line:col: error: msg". */
void diag_format(const struct diag *g, char *buf, size_t size);
/*
 * Order d's diagnostics by file (files, and the diagnostics without one, in
 * the order they first appear), line, then column, keeping the order of
 * ties: a file's errors are found in one pass and its queries' in another,
 * but are read as an editor goes through the file. Out of memory: unsorted.
 */
void diags_sort(struct diags *d);
/* Print every diagnostic of d with diag_format, one a line, in diags_sort()'s order (d unchanged).
 */
void diags_print(const struct diags *d, FILE *fp);
/*
 * The 1-based character column of byte offset off in line (an invalid UTF-8
 * byte counts as one character). line needs no terminator: only
 * line[0..off) is read.
 */
unsigned diag_col(const char *line, size_t off);

/*
 * A source map: the query text of a rule is the value of its `query` key
 * joined, with '\n', to the indented lines that continue it. Each segment
 * remembers where its bytes came from so that a diagnostic can name the
 * column in the original line. The map does not own file or the line texts:
 * they must outlive it (they point into the rule file's buffer).
 */
struct srcseg {
	size_t off;            /* where the segment starts in the joined text */
	unsigned line;         /* its line number in the file */
	const char *line_text; /* the whole original line */
	size_t line_off;       /* byte offset of the segment start in that line */
};

struct srcmap {
	const char *file;
	struct srcseg *segs; /* owned */
	size_t nsegs, cap;
};

void srcmap_init(struct srcmap *m, const char *file);
void srcmap_free(struct srcmap *m);
int srcmap_add(struct srcmap *m, size_t off, unsigned line, const char *line_text, size_t line_off);
/* Find the line and the 1-based character column of joined offset off. */
void srcmap_locate(const struct srcmap *m, size_t off, unsigned *line, unsigned *col);
/* diags_add at the place of joined offset off. */
void diags_at(struct diags *d, const struct srcmap *m, size_t off, enum diag_sev sev,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
