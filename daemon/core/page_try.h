/*
 * page_try.h: the page /try (HTTP.md): a form for a query or a whole rule
 * file, its diagnostics as hark check prints them, and the archive's
 * articles it would hit. Rendered from plain values through page.h's
 * escaping: data in, bytes out.
 *
 * The markup is a contract (the browser tests hold to it): the form
 * form#try-form (POST /try) with textarea#try-query name="query" and a
 * submit button; ul#try-diagnostics with one li.diag.error or
 * li.diag.warning each; ol#try-hits.hits with the hits page's items; and
 * p.empty when there is neither a diagnostic nor a hit.
 */
#ifndef HARK_PAGE_TRY_H
#define HARK_PAGE_TRY_H

#include <stddef.h>

#include "page.h"

/* One diagnostic. Pointers borrowed. */
struct page_try_diag {
	const char *text; /* as hark check prints it: "query:1:7: error: unclosed phrase" */
	int warning;      /* li.diag.warning (a warning or a note), else li.diag.error */
	const char *line; /* the line of the text it names (NULL: none), for the caret */
	size_t line_len;
	unsigned col; /* 1-based, in characters; 0: no caret */
};

struct page_try {
	const char *text; /* as submitted (NULL: nothing yet), prefilled in the form */
	size_t text_len;
	const struct page_try_diag *diags;
	size_t ndiags;
	const struct page_hit *hits; /* newest first */
	size_t nhits;
	size_t max_hits; /* where the list stops: said when reached */
	int ran;         /* it compiled and the archive was searched */
	const char *cut; /* the search stopped at the time limit: where (NULL: not cut) */
	/*
	 * How far back the archive's texts reach (retention removes older
	 * ones): RFC 3339, "YYYY-MM-DD..." shown; NULL or "": not said.
	 */
	const char *archive_from;
};

/* The page /try. A whole document. */
void page_try(struct page *pg, const struct page_try *t);

#endif
