/*
 * page_try.c: the page /try (see page_try.h). Every piece of the text, the
 * diagnostics and the hits goes out through page_text() or the hits
 * page's own item renderer.
 */
#include <stdio.h>
#include <string.h>

#include "page_try.h"

static void
put_diags(struct page *pg, const struct page_try_diag *d, size_t n)
{
	page_raw(pg, "<ul id=\"try-diagnostics\">\n");
	for (size_t i = 0; i < n; i++) {
		page_raw(pg, d[i].warning ? "<li class=\"diag warning\">"
		                          : "<li class=\"diag error\">");
		page_raw(pg, "<code dir=\"ltr\">");
		page_str(pg, d[i].text);
		page_raw(pg, "</code>");
		if (d[i].line != NULL && d[i].col > 0)
			page_caret(pg, d[i].line, d[i].line_len, d[i].col);
		page_raw(pg, "</li>\n");
	}
	page_raw(pg, "</ul>\n");
}

void
page_try(struct page *pg, const struct page_try *t)
{
	char n[64];

	page_begin(pg, "Try", PAGE_NAV_TRY);
	page_raw(pg, "<h1>Try</h1>\n"
	             "<form id=\"try-form\" method=\"post\" action=\"/try\">\n"
	             "<label for=\"try-query\">A query in the rule language, or a whole rule "
	             "file (it starts with <code>[rule &#8230;]</code>)</label>\n"
	             "<textarea id=\"try-query\" name=\"query\" rows=\"6\" dir=\"auto\" "
	             "spellcheck=\"false\">");
	/* a textarea drops one line end right after its start tag: keep the text's own */
	if (t->text != NULL && t->text_len > 0 && t->text[0] == '\n')
		page_raw(pg, "\n");
	page_text(pg, t->text, t->text != NULL ? t->text_len : 0);
	page_raw(pg, "</textarea>\n<button type=\"submit\">Try</button>\n</form>\n");
	if (t->ndiags > 0)
		put_diags(pg, t->diags, t->ndiags);
	if (t->cut != NULL) {
		page_raw(pg, "<p class=\"cut\" role=\"status\">");
		page_str(pg, t->cut);
		page_raw(pg, "</p>\n");
	}
	if (t->ran && t->archive_from != NULL && t->archive_from[0] != '\0') {
		/* older articles kept no text (keep_articles): a try cannot see them */
		page_raw(pg, "<p class=\"archive\">The archive's texts reach back to ");
		page_day(pg, t->archive_from);
		page_raw(pg, ".</p>\n");
	}
	if (t->nhits > 0) {
		snprintf(n, sizeof(n), "%zu", t->nhits);
		page_raw(pg, "<p class=\"count\">");
		page_raw(pg, n);
		page_raw(pg, t->nhits == 1 ? " hit" : " hits");
		if (t->max_hits > 0 && t->nhits >= t->max_hits)
			page_raw(pg, ", the newest (the list stops there)");
		page_raw(pg, ".</p>\n<ol id=\"try-hits\" class=\"hits\">\n");
		for (size_t i = 0; i < t->nhits; i++)
			page_hit_item(pg, &t->hits[i], 1);
		page_raw(pg, "</ol>\n");
	} else if (t->ndiags == 0 || t->ran) {
		page_raw(pg, t->ran ? "<p class=\"empty\">No article of the archive matches.</p>\n"
		                    : "<p class=\"empty\">Type a query and try it on the archive: "
		                      "nothing is stored, nothing alerts.</p>\n");
	}
	page_end(pg);
}
