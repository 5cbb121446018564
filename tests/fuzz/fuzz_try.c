/*
 * fuzz_try.c: libFuzzer harness for try.c and page_try.c: what a person
 * types into /try or q=. The first byte picks a query or a rule file; the
 * rest is compiled with try_compile(), then the page /try is rendered with
 * the text, its diagnostics and their carets. Checked, abort() when not so:
 * every diagnostic's line and column lie inside the text (a query's places
 * are moved back into its own lines); the page holds one textarea, closed
 * once, and no element the text could have opened (script, img, svg); the
 * page is valid UTF-8. A set compiled matches a few documents (the text
 * itself among them: its words meet its rules): every span of a hit lies
 * inside its field's text, start before end, in the order match.h says.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "match.h"
#include "page_try.h"
#include "try.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
    "Tom & Jerry\nHezbollah \xe2\x80\x93 Israel: Bashar al-Assad met Abboud, O'Brien "
    "and \xe2\x80\x9cKhalil al-Masri\xe2\x80\x9d in Amman; rock 'n' roll, wom?n x^2.",
    "M\xc3\xbcller\n\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa6\xd8\xa8 \xd8\xa7\xd9\x84\xd8\xb3"
    "\xd8\xa7\xd8\xad\xd9\x84 \xc2\xbb"
    "a b\xc2\xab Djokovic \xc4\x90okovi\xc4\x87",
};

/* Every span inside its field, sorted by field then start. */
static int
on_hit(const struct hit *h, void *arg)
{
	const struct document *doc = arg;

	for (size_t i = 0; i < h->nspans; i++) {
		const struct match_span *sp = &h->spans[i];

		if (sp->field >= F_MAX || doc->field[sp->field] == NULL || sp->start > sp->end ||
		    sp->end > doc->field_len[sp->field] || sp->atom == NULL)
			abort();
		if (i > 0 && (sp[-1].field > sp->field ||
		              (sp[-1].field == sp->field && sp[-1].start > sp->start)))
			abort();
	}
	return 0;
}

/* rs matches bytes[0..n) as a document of its own. */
static void
match_text(const struct ruleset *rs, const char *bytes, size_t n, const char *lang)
{
	struct matcher *m = matcher_new(rs);
	struct document doc;
	const char *err;

	if (m != NULL && doc_from_text(&doc, bytes, n, "f.txt", "drop", lang, &err) == 0) {
		(void)matcher_run(m, &doc, on_hit, &doc);
		doc_free(&doc);
	}
	matcher_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	size_t len = size > 0 ? size - 1 : 0, nlines = 1;
	struct diags d;
	struct ruleset *rs;
	struct page_try_diag *pd;
	struct page pg = {0};
	char *out, buf[1024];
	const char *ta;
	size_t olen;
	bool valid;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	valid = utf8_valid(text, len) && memchr(text, '\0', len) == NULL;
	diags_init(&d);
	rs = try_compile(text, len, data[0] & 1, NULL, &d);
	if (rs != NULL) {
		for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
			match_text(rs, texts[i], strlen(texts[i]), i ? "de" : "en");
		match_text(rs, text, len, NULL);
	}
	ruleset_free(rs);
	pd = calloc(d.n + 1, sizeof(*pd));
	if (pd == NULL)
		abort();
	for (size_t i = 0; i < d.n; i++) {
		size_t start, n;

		if (d.v[i].line > nlines + 1 || strchr(d.v[i].msg, '\n') != NULL)
			abort();
		/* valid UTF-8 from valid text: POST /api/v1/try's JSON (jansson) takes no other */
		if (valid && !utf8_valid(d.v[i].msg, strlen(d.v[i].msg)))
			abort();
		diag_format(&d.v[i], buf, sizeof(buf));
		pd[i].text = strdup(buf);
		pd[i].warning = d.v[i].sev != DIAG_ERROR;
		if (d.v[i].col > 0 && try_line(text, len, d.v[i].line, &start, &n) == 0) {
			if (start + n > len)
				abort();
			pd[i].line = text + start;
			pd[i].line_len = n;
			pd[i].col = d.v[i].col;
		}
	}
	page_try(
	    &pg,
	    &(struct page_try){
	        .text = text, .text_len = len, .diags = pd, .ndiags = d.n, .ran = d.nerrors == 0});
	out = page_take(&pg, &olen);
	if (out != NULL) {
		if (!utf8_valid(out, olen) || strstr(out, "<script") != NULL ||
		    strstr(out, "<img") != NULL || strstr(out, "<svg") != NULL)
			abort();
		if ((ta = strstr(out, "</textarea>")) == NULL ||
		    strstr(ta + 1, "</textarea>") != NULL)
			abort();
	}
	free(out);
	for (size_t i = 0; i < d.n; i++)
		free((char *)pd[i].text);
	free(pd);
	diags_free(&d);
	return 0;
}
